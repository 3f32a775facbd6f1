// The model zoo against PyTorch: with PyTorch's weights loaded, ember's eval-mode logits,
// cross-entropy loss and every parameter gradient equal PyTorch's (float64).
#include <gtest/gtest.h>

#include "ember/ember.h"
#include "ember/models/models.h"
#include "ops/compare.h"

namespace ember::models {
namespace {

class ModelParity : public testing::TestWithParam<std::string> {};

TEST_P(ModelParity, LogitsLossAndGradientsMatchPyTorch) {
  const std::string name = GetParam();
  auto file = io::load_safetensors(std::string(EMBER_TEST_REFERENCE_DIR) + "/nn/" + name +
                                   ".safetensors");
  auto model = create(name);
  model->to(DType::float64);
  nn::StateDict weights;
  for (const auto& [key, t] : file.tensors) {
    if (key.rfind("model.", 0) == 0) weights[key.substr(6)] = t;
  }
  model->load_state_dict(weights);
  model->eval();
  Tensor logits = model->forward(file.tensors.at("input"));
  EXPECT_TRUE(test::all_close(logits, file.tensors.at("logits"), 1e-9, 1e-7, name + " logits"));
  Tensor loss = cross_entropy(logits, file.tensors.at("target"));
  EXPECT_TRUE(test::all_close(loss, file.tensors.at("loss"), 1e-9, 1e-7, name + " loss"));
  loss.backward();
  for (const auto& [key, p] : model->named_parameters()) {
    // Reference gradients are stored rounded to float32.
    EXPECT_TRUE(test::all_close(p.grad(), file.tensors.at("grad." + key), 1e-9, 1e-5,
                                name + " grad of " + key));
  }
}

INSTANTIATE_TEST_SUITE_P(Models, ModelParity, testing::Values("mlp", "lenet", "vgg"));

TEST(Models, UnknownNameListsTheAvailableOnes) {
  try {
    create("alexnet");
    FAIL();
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("available: mlp, lenet, vgg, resnet18"),
              std::string::npos);
  }
}

TEST(Models, ResNet18MapsABatchToLogits) {
  auto model = create("resnet18");
  model->eval();
  NoGradGuard no_grad;
  Tensor out = model->forward(rand({2, 1, 28, 28}));
  EXPECT_EQ(out.sizes(), (Shape{2, 10}));
}

}  // namespace
}  // namespace ember::models
