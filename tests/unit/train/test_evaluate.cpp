// evaluate(): accuracy, mean loss and the confusion matrix, against hand-computed values.
#include <gtest/gtest.h>

#include <cmath>

#include "ember/ops/factory.h"
#include "ember/train/evaluate.h"

namespace ember::train {
namespace {

// Logits that put all the weight on class (pixel 0 value * 10), rounded: "predicts" the
// class written into the image.
class PixelClassifier : public nn::Module {
 public:
  std::string type_name() const override { return "PixelClassifier"; }
  Tensor forward(const Tensor& x) override {
    EXPECT_FALSE(is_training());
    int64_t n = x.size(0);
    std::vector<float> pixels = x.contiguous().to_vector<float>();
    std::vector<float> logits(static_cast<size_t>(n * 3), 0.0f);
    for (int64_t i = 0; i < n; ++i) {
      auto c = static_cast<int64_t>(std::lround(pixels[static_cast<size_t>(i * 4)]));
      logits[static_cast<size_t>(i * 3 + c)] = 100.0f;
    }
    return from_vector(logits, {n, 3});
  }
};

TEST(Evaluate, CountsTheConfusionMatrixAndAccuracy) {
  // Predictions 0,1,2,2,1 for targets 0,1,2,1,0.
  std::vector<float> x = {0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0};
  auto data = std::make_shared<data::TensorDataset>(
      from_vector(x, {5, 1, 2, 2}), from_vector(std::vector<int64_t>{0, 1, 2, 1, 0}));
  PixelClassifier model;
  model.train();
  EvalResult r = evaluate(model, data, {.batch_size = 2, .num_classes = 3});
  EXPECT_TRUE(model.is_training()) << "the caller's mode is restored";
  EXPECT_EQ(r.num_samples, 5);
  EXPECT_DOUBLE_EQ(r.accuracy, 0.6);
  EXPECT_EQ(r.confusion, (std::vector<int64_t>{1, 1, 0, 0, 1, 1, 0, 0, 1}));
  EXPECT_EQ(r.class_count(1), 2);
  EXPECT_DOUBLE_EQ(r.class_accuracy(1), 0.5);
  EXPECT_DOUBLE_EQ(r.class_accuracy(2), 1.0);
  EXPECT_NEAR(r.loss, 2.0 * 100.0 / 5.0, 1e-3);  // two wrong answers cost 100 each
}

TEST(Evaluate, RejectsABadBatchSizeOrAnEmptyDataset) {
  PixelClassifier model;
  auto data = std::make_shared<data::TensorDataset>(zeros({1, 1, 2, 2}),
                                                    from_vector(std::vector<int64_t>{0}, {1}));
  EXPECT_THROW(evaluate(model, data, {.batch_size = 0}), ValueError);
  auto empty = std::make_shared<data::TensorDataset>(zeros({0, 1, 2, 2}),
                                                     zeros({0}, {.dtype = DType::int64}));
  EXPECT_THROW(evaluate(model, empty, {}), ValueError);
}

}  // namespace
}  // namespace ember::train
