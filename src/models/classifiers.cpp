// The image classifiers: mlp, lenet, vgg, resnet18. Shapes are for 28x28 input.
#include "ember/models/models.h"

#include "ember/ops/elementwise.h"
#include "ember/ops/shape.h"

namespace ember::models {

using std::make_shared;

namespace {
std::shared_ptr<nn::Conv2d> conv3x3(int64_t in, int64_t out, int64_t stride = 1) {
  return make_shared<nn::Conv2d>(nn::Conv2dOptions{.in_channels = in,
                                                   .out_channels = out,
                                                   .kernel_size = {3, 3},
                                                   .stride = {stride, stride},
                                                   .padding = {1, 1},
                                                   .bias = false});
}
std::shared_ptr<nn::BatchNorm2d> bn(int64_t c) {
  return make_shared<nn::BatchNorm2d>(nn::BatchNormOptions{.num_features = c});
}
std::shared_ptr<nn::Linear> fc(int64_t in, int64_t out) {
  return make_shared<nn::Linear>(nn::LinearOptions{.in_features = in, .out_features = out});
}
std::shared_ptr<nn::MaxPool2d> pool2() {
  return make_shared<nn::MaxPool2d>(MaxPool2dOptions{.kernel_size = {2, 2}});
}
}  // namespace

Mlp::Mlp(ClassifierOptions o) {
  layers = register_module("layers", make_shared<nn::Sequential>());
  layers->push_back(make_shared<nn::Flatten>());             // (N, 784)
  layers->push_back(fc(o.in_channels * 28 * 28, 256));      // (N, 256)
  layers->push_back(make_shared<nn::ReLU>());
  layers->push_back(fc(256, 128));                           // (N, 128)
  layers->push_back(make_shared<nn::ReLU>());
  layers->push_back(fc(128, o.num_classes));                 // (N, classes)
}

Tensor Mlp::forward(const Tensor& x) { return layers->forward(x); }

LeNet::LeNet(ClassifierOptions o) {
  features = register_module("features", make_shared<nn::Sequential>());
  features->push_back(make_shared<nn::Conv2d>(nn::Conv2dOptions{
      .in_channels = o.in_channels, .out_channels = 6, .kernel_size = {5, 5}, .padding = {2, 2}}));
  features->push_back(make_shared<nn::ReLU>());  // (N, 6, 28, 28)
  features->push_back(pool2());                 // (N, 6, 14, 14)
  features->push_back(make_shared<nn::Conv2d>(
      nn::Conv2dOptions{.in_channels = 6, .out_channels = 16, .kernel_size = {5, 5}}));
  features->push_back(make_shared<nn::ReLU>());  // (N, 16, 10, 10)
  features->push_back(pool2());                 // (N, 16, 5, 5)
  classifier = register_module("classifier", make_shared<nn::Sequential>());
  classifier->push_back(make_shared<nn::Flatten>());  // (N, 400)
  classifier->push_back(fc(16 * 5 * 5, 120));
  classifier->push_back(make_shared<nn::ReLU>());
  classifier->push_back(fc(120, 84));
  classifier->push_back(make_shared<nn::ReLU>());
  classifier->push_back(fc(84, o.num_classes));
}

Tensor LeNet::forward(const Tensor& x) { return classifier->forward(features->forward(x)); }

Vgg::Vgg(ClassifierOptions o) {
  features = register_module("features", make_shared<nn::Sequential>());
  int64_t in = o.in_channels;
  for (int64_t width : {32, 64, 128}) {  // 28 -> 14 -> 7 -> 3
    for (int rep = 0; rep < 2; ++rep) {
      features->push_back(conv3x3(in, width));
      features->push_back(bn(width));
      features->push_back(make_shared<nn::ReLU>());
      in = width;
    }
    features->push_back(pool2());
  }
  classifier = register_module("classifier", make_shared<nn::Sequential>());
  classifier->push_back(make_shared<nn::Flatten>());  // (N, 128 * 3 * 3)
  classifier->push_back(make_shared<nn::Dropout>(0.5));
  classifier->push_back(fc(128 * 3 * 3, 256));
  classifier->push_back(make_shared<nn::ReLU>());
  classifier->push_back(make_shared<nn::Dropout>(0.5));
  classifier->push_back(fc(256, o.num_classes));
}

Tensor Vgg::forward(const Tensor& x) { return classifier->forward(features->forward(x)); }

BasicBlock::BasicBlock(int64_t in_planes, int64_t planes, int64_t stride) {
  conv1 = register_module("conv1", conv3x3(in_planes, planes, stride));
  bn1 = register_module("bn1", bn(planes));
  conv2 = register_module("conv2", conv3x3(planes, planes));
  bn2 = register_module("bn2", bn(planes));
  if (stride != 1 || in_planes != planes) {
    downsample = register_module("downsample", make_shared<nn::Sequential>());
    downsample->push_back(make_shared<nn::Conv2d>(nn::Conv2dOptions{.in_channels = in_planes,
                                                                    .out_channels = planes,
                                                                    .kernel_size = {1, 1},
                                                                    .stride = {stride, stride},
                                                                    .bias = false}));
    downsample->push_back(bn(planes));
  }
}

Tensor BasicBlock::forward(const Tensor& x) {
  Tensor out = relu(bn1->forward(conv1->forward(x)));
  out = bn2->forward(conv2->forward(out));
  Tensor identity = downsample ? downsample->forward(x) : x;
  return relu(out + identity);
}

ResNet18::ResNet18(ClassifierOptions o) {
  conv1 = register_module("conv1", conv3x3(o.in_channels, 64));
  bn1 = register_module("bn1", bn(64));
  int64_t in = 64;
  auto make_layer = [&](const char* name, int64_t planes, int64_t stride) {
    auto layer = register_module(name, make_shared<nn::Sequential>());
    layer->push_back(make_shared<BasicBlock>(in, planes, stride));
    layer->push_back(make_shared<BasicBlock>(planes, planes, 1));
    in = planes;
    return layer;
  };
  layer1 = make_layer("layer1", 64, 1);   // (N, 64, 28, 28)
  layer2 = make_layer("layer2", 128, 2);  // (N, 128, 14, 14)
  layer3 = make_layer("layer3", 256, 2);  // (N, 256, 7, 7)
  layer4 = make_layer("layer4", 512, 2);  // (N, 512, 4, 4)
  avgpool = register_module("avgpool", make_shared<nn::AdaptiveAvgPool2d>(Size2{1, 1}));
  fc = register_module("fc", models::fc(512, o.num_classes));
}

Tensor ResNet18::forward(const Tensor& x) {
  Tensor h = relu(bn1->forward(conv1->forward(x)));
  h = layer4->forward(layer3->forward(layer2->forward(layer1->forward(h))));
  h = avgpool->forward(h).flatten(1);  // (N, 512)
  return fc->forward(h);
}

const std::vector<std::string>& model_names() {
  static const std::vector<std::string> names = {"mlp", "lenet", "vgg", "resnet18"};
  return names;
}

std::shared_ptr<nn::Module> create(const std::string& name, ClassifierOptions options) {
  if (name == "mlp") return make_shared<Mlp>(options);
  if (name == "lenet") return make_shared<LeNet>(options);
  if (name == "vgg") return make_shared<Vgg>(options);
  if (name == "resnet18") return make_shared<ResNet18>(options);
  std::string known;
  for (const auto& n : model_names()) known += (known.empty() ? "" : ", ") + n;
  EMBER_THROW(ValueError, "unknown model '", name, "'; available: ", known);
}

}  // namespace ember::models
