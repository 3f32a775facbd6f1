// The image classifiers of the training stack, built only from nn/, with the shapes written
// down. Inputs are (N, 1, 28, 28) images (Fashion-MNIST / MNIST); outputs are logits
// (N, num_classes).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ember/nn/nn.h"

namespace ember::models {

struct ClassifierOptions {
  int64_t in_channels = 1;
  int64_t num_classes = 10;
};

/// 784-256-128-10 multilayer perceptron with ReLU.
class Mlp : public nn::Module {
 public:
  explicit Mlp(ClassifierOptions options = {});
  std::string type_name() const override { return "Mlp"; }
  Tensor forward(const Tensor& x) override;

  std::shared_ptr<nn::Sequential> layers;
};

/// LeNet-5 (LeCun et al. 1998) with ReLU and max pooling, padded for 28x28 input.
class LeNet : public nn::Module {
 public:
  explicit LeNet(ClassifierOptions options = {});
  std::string type_name() const override { return "LeNet"; }
  Tensor forward(const Tensor& x) override;

  std::shared_ptr<nn::Sequential> features;
  std::shared_ptr<nn::Sequential> classifier;
};

/// A small VGG-style network: three blocks of two 3x3 conv + BatchNorm + ReLU, max pooling
/// after each, then a dropout-regularised two-layer classifier.
class Vgg : public nn::Module {
 public:
  explicit Vgg(ClassifierOptions options = {});
  std::string type_name() const override { return "Vgg"; }
  Tensor forward(const Tensor& x) override;

  std::shared_ptr<nn::Sequential> features;
  std::shared_ptr<nn::Sequential> classifier;
};

/// ResNet's basic block: two 3x3 convs with BatchNorm, and a 1x1 projection shortcut when
/// the shape changes (He et al. 2016, option B).
class BasicBlock : public nn::Module {
 public:
  BasicBlock(int64_t in_planes, int64_t planes, int64_t stride);
  std::string type_name() const override { return "BasicBlock"; }
  Tensor forward(const Tensor& x) override;

  std::shared_ptr<nn::Conv2d> conv1;
  std::shared_ptr<nn::BatchNorm2d> bn1;
  std::shared_ptr<nn::Conv2d> conv2;
  std::shared_ptr<nn::BatchNorm2d> bn2;
  std::shared_ptr<nn::Sequential> downsample;  // null when the identity fits
};

/// ResNet-18 with the CIFAR-style stem (3x3 conv, no max pool), which suits 28x28 input.
class ResNet18 : public nn::Module {
 public:
  explicit ResNet18(ClassifierOptions options = {});
  std::string type_name() const override { return "ResNet18"; }
  Tensor forward(const Tensor& x) override;

  std::shared_ptr<nn::Conv2d> conv1;
  std::shared_ptr<nn::BatchNorm2d> bn1;
  std::shared_ptr<nn::Sequential> layer1, layer2, layer3, layer4;
  std::shared_ptr<nn::AdaptiveAvgPool2d> avgpool;
  std::shared_ptr<nn::Linear> fc;
};

/// The names accepted by create(): mlp, lenet, vgg, resnet18.
const std::vector<std::string>& model_names();
/// A freshly initialised model by name; ValueError listing the names when unknown.
std::shared_ptr<nn::Module> create(const std::string& name, ClassifierOptions options = {});

}  // namespace ember::models
