// nn::Module and the layers: printed form and state-dict names as PyTorch's, state-dict
// loading and its errors, modes, and default initialisation.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ember/ember.h"
#include "ember/models/models.h"
#include "ember/nn/nn.h"

namespace ember::nn {
namespace {

nlohmann::json reference() {
  std::ifstream in(std::string(EMBER_TEST_REFERENCE_DIR) + "/nn/layers.json");
  EXPECT_TRUE(in.good()) << "missing tests/reference/nn/layers.json; regenerate with "
                            "/usr/bin/python3 scripts/gen_reference/nn.py";
  return nlohmann::json::parse(in);
}

TEST(Module, LayersPrintLikePyTorch) {
  nlohmann::json ref = reference()["repr"];
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> layers = {
      {"linear", std::make_shared<Linear>(LinearOptions{.in_features = 4, .out_features = 3})},
      {"linear_nobias",
       std::make_shared<Linear>(LinearOptions{.in_features = 5, .out_features = 2, .bias = false})},
      {"conv2d", std::make_shared<Conv2d>(Conv2dOptions{
                     .in_channels = 3, .out_channels = 8, .kernel_size = {3, 3}})},
      {"conv2d_full", std::make_shared<Conv2d>(Conv2dOptions{.in_channels = 4,
                                                             .out_channels = 8,
                                                             .kernel_size = {3, 5},
                                                             .stride = {2, 1},
                                                             .padding = {1, 2},
                                                             .dilation = {2, 2},
                                                             .groups = 2,
                                                             .bias = false})},
      {"conv1d", std::make_shared<Conv1d>(Conv1dOptions{
                     .in_channels = 2, .out_channels = 4, .kernel_size = 3, .padding = 1})},
      {"conv_transpose2d",
       std::make_shared<ConvTranspose2d>(ConvTranspose2dOptions{.in_channels = 4,
                                                                .out_channels = 6,
                                                                .kernel_size = {3, 3},
                                                                .stride = {2, 2},
                                                                .padding = {1, 1},
                                                                .output_padding = {1, 1}})},
      {"batchnorm2d", std::make_shared<BatchNorm2d>(BatchNormOptions{.num_features = 6})},
      {"batchnorm1d",
       std::make_shared<BatchNorm1d>(BatchNormOptions{.num_features = 5, .momentum = std::nullopt})},
      {"layernorm", std::make_shared<LayerNorm>(LayerNormOptions{.normalized_shape = {7}})},
      {"groupnorm", std::make_shared<GroupNorm>(GroupNormOptions{.num_groups = 2, .num_channels = 6})},
      {"embedding", std::make_shared<Embedding>(
                        EmbeddingOptions{.num_embeddings = 10, .embedding_dim = 4, .padding_idx = 0})},
      {"maxpool2d", std::make_shared<MaxPool2d>(MaxPool2dOptions{.kernel_size = {2, 2}})},
      {"avgpool2d",
       std::make_shared<AvgPool2d>(AvgPool2dOptions{.kernel_size = {3, 3}, .stride = Size2{2, 2}})},
      {"adaptiveavgpool2d", std::make_shared<AdaptiveAvgPool2d>(Size2{1, 1})},
      {"dropout", std::make_shared<Dropout>(0.25)},
      {"flatten", std::make_shared<Flatten>()},
      {"relu", std::make_shared<ReLU>()},
      {"leakyrelu", std::make_shared<LeakyReLU>(0.2)},
      {"gelu", std::make_shared<GELU>()},
      {"gelu_tanh", std::make_shared<GELU>(GeluApproximate::tanh)},
      {"softmax", std::make_shared<Softmax>(1)},
      {"identity", std::make_shared<Identity>()},
  };
  for (const auto& [key, layer] : layers) {
    EXPECT_EQ(layer->repr(), ref[key].get<std::string>()) << key;
  }
}

TEST(Module, ModelStateDictKeysAndShapesMatchPyTorch) {
  nlohmann::json ref = reference()["models"];
  for (const auto& name : models::model_names()) {
    auto model = models::create(name);
    StateDict sd = model->state_dict();
    const auto& expected = ref[name];
    EXPECT_EQ(sd.size(), expected.size()) << name;
    for (const auto& [key, shape] : expected.items()) {
      auto it = sd.find(key);
      ASSERT_NE(it, sd.end()) << name << " lacks " << key;
      Shape expected_shape = shape;
      EXPECT_EQ(it->second.sizes(), expected_shape) << name << " " << key;
    }
  }
}

TEST(Module, NumParametersCountsEveryElement) {
  EXPECT_EQ(models::Mlp().num_parameters(), 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10);
}

TEST(Module, LoadStateDictCopiesIntoTheSameTensors) {
  Linear a({.in_features = 3, .out_features = 2});
  Linear b({.in_features = 3, .out_features = 2});
  Tensor w_before = b.weight;
  b.load_state_dict(a.state_dict());
  EXPECT_TRUE(b.weight.is_same(w_before));
  EXPECT_EQ(b.weight.to_vector<float>(), a.weight.to_vector<float>());
  EXPECT_TRUE(b.weight.requires_grad());
}

TEST(Module, StrictLoadListsMissingUnexpectedAndMismatchedKeysTogether) {
  Linear model({.in_features = 3, .out_features = 2});
  StateDict sd = {{"weight", zeros({2, 4})}, {"extra", zeros({1})}};
  try {
    model.load_state_dict(sd);
    FAIL() << "expected a ShapeError";
  } catch (const ShapeError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("missing keys: bias"), std::string::npos) << msg;
    EXPECT_NE(msg.find("unexpected keys: extra"), std::string::npos) << msg;
    EXPECT_NE(msg.find("weight (checkpoint [2, 4], model [2, 3])"), std::string::npos) << msg;
  }
}

TEST(Module, NonStrictLoadReportsKeysAndLoadsTheRest) {
  Linear model({.in_features = 3, .out_features = 2});
  StateDict sd = {{"weight", ones({2, 3})}, {"extra", zeros({1})}};
  auto r = model.load_state_dict(sd, {.strict = false});
  EXPECT_EQ(r.missing_keys, std::vector<std::string>{"bias"});
  EXPECT_EQ(r.unexpected_keys, std::vector<std::string>{"extra"});
  EXPECT_EQ(model.weight.to_vector<float>(), std::vector<float>(6, 1.0f));
}

TEST(Module, TrainAndEvalReachEveryDescendant) {
  models::Vgg vgg;
  vgg.eval();
  for (const auto& [name, m] : vgg.named_modules()) EXPECT_FALSE(m->is_training()) << name;
  vgg.train();
  for (const auto& [name, m] : vgg.named_modules()) EXPECT_TRUE(m->is_training()) << name;
}

TEST(Module, ToFloat64ConvertsParametersAndKeepsThemTrainable) {
  models::LeNet lenet;
  lenet.to(DType::float64);
  for (const auto& [name, p] : lenet.named_parameters()) {
    EXPECT_EQ(p.dtype(), DType::float64) << name;
    EXPECT_TRUE(p.requires_grad()) << name;
    EXPECT_TRUE(p.is_leaf()) << name;
  }
}

TEST(Module, SequentialNamesChildrenByIndex) {
  Sequential seq;
  seq.push_back(std::make_shared<Linear>(LinearOptions{.in_features = 2, .out_features = 2}));
  seq.push_back(std::make_shared<ReLU>());
  seq.push_back(std::make_shared<Linear>(LinearOptions{.in_features = 2, .out_features = 1}));
  std::vector<std::string> keys;
  for (const auto& [k, t] : seq.state_dict()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"0.bias", "0.weight", "2.bias", "2.weight"}));
  EXPECT_THROW(seq[3], IndexError);
}

TEST(Module, ForwardOnAModuleWithoutOneThrowsNotImplemented) {
  ModuleList list;
  EXPECT_THROW(list.forward(zeros({1})), NotImplementedError);
}

// PyTorch's default bounds: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for Linear and Conv weights
// (kaiming_uniform with a = sqrt(5)) and biases. With many samples the extremes approach the
// bound and the variance approaches bound^2 / 3.
TEST(Init, LinearAndConvUsePyTorchDefaultBounds) {
  manual_seed(3);
  Linear lin({.in_features = 400, .out_features = 300});
  double bound = 1.0 / std::sqrt(400.0);
  auto w = lin.weight.to_vector<double>();
  double mx = 0, sq = 0;
  for (double v : w) {
    mx = std::max(mx, std::abs(v));
    sq += v * v;
  }
  EXPECT_LE(mx, bound);
  EXPECT_GT(mx, 0.99 * bound);
  EXPECT_NEAR(sq / static_cast<double>(w.size()), bound * bound / 3, 0.02 * bound * bound);
  Conv2d conv({.in_channels = 6, .out_channels = 16, .kernel_size = {5, 5}});
  double cbound = 1.0 / std::sqrt(6.0 * 25.0);
  for (double v : conv.weight.to_vector<double>()) EXPECT_LE(std::abs(v), cbound);
  for (double v : conv.bias.to_vector<double>()) EXPECT_LE(std::abs(v), cbound);
}

TEST(Init, EmbeddingPaddingRowIsZeroAndBatchNormStartsAtIdentity) {
  Embedding emb({.num_embeddings = 5, .embedding_dim = 3, .padding_idx = 2});
  for (float v : emb.weight.select(0, 2).contiguous().to_vector<float>()) EXPECT_EQ(v, 0.0f);
  BatchNorm2d bn({.num_features = 4});
  EXPECT_EQ(bn.weight.to_vector<float>(), std::vector<float>(4, 1.0f));
  EXPECT_EQ(bn.running_var.to_vector<float>(), std::vector<float>(4, 1.0f));
  EXPECT_EQ(bn.num_batches_tracked.dtype(), DType::int64);
}

TEST(Init, OrthogonalGivesOrthonormalRows) {
  Tensor w = empty({4, 9});
  init::orthogonal_(w);
  Tensor gram = matmul(w, w.t());
  Tensor eye4 = eye(4);
  for (size_t i = 0; i < 16; ++i) {
    EXPECT_NEAR(gram.to_vector<double>()[i], eye4.to_vector<double>()[i], 1e-5);
  }
}

TEST(Init, TruncNormalStaysInsideBounds) {
  Tensor w = empty({2000});
  init::trunc_normal_(w, 0.0, 1.0, -0.5, 1.5);
  for (double v : w.to_vector<double>()) {
    EXPECT_GE(v, -0.5);
    EXPECT_LE(v, 1.5);
  }
}

}  // namespace
}  // namespace ember::nn
