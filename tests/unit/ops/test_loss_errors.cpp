// Argument errors of the losses: the exception type and the exact message (op,
// expectation, the values received).
#include <gtest/gtest.h>

#include <string>

#include "ember/ember.h"
#include "unit/error_message.h"

namespace ember {
namespace {

Tensor logits() { return zeros({3, 5}); }

TEST(LossErrors, ClassTargetsMustBeInRangeAndShapedLikeTheInput) {
  EXPECT_EQ(message_of<IndexError>([] {
              cross_entropy(logits(), tensor({0, 5, 1}));
            }),
            "cross_entropy: expected target values in [0, 5) or ignore_index -100, got 5");
  EXPECT_EQ(message_of<IndexError>([] {
              nll_loss(logits(), tensor({0, -1, 1}));
            }),
            "nll_loss: expected target values in [0, 5) or ignore_index -100, got -1");
  EXPECT_EQ(message_of<ShapeError>([] {
              cross_entropy(logits(), tensor({0, 1}));
            }),
            "cross_entropy: expected target.shape == [3] for input.shape=[3, 5], got "
            "target.shape=[2]");
  EXPECT_EQ(message_of<ShapeError>([] {
              nll_loss(zeros({2, 3, 4}), zeros({2, 3}, {.dtype = DType::int64}));
            }),
            "nll_loss: expected target.shape == [2, 4] for input.shape=[2, 3, 4], got "
            "target.shape=[2, 3]");
  EXPECT_EQ(message_of<DTypeError>([] { nll_loss(logits(), zeros({3})); }),
            "nll_loss: expected integer class indices, got dtype float32 (probability targets "
            "need cross_entropy)");
  EXPECT_EQ(message_of<ShapeError>([] { cross_entropy(scalar_tensor(1.0), tensor({0})); }),
            "cross_entropy: expected input (C) or (N, C, d1, ...), got a 0-d input");
}

TEST(LossErrors, OptionsAreValidated) {
  EXPECT_EQ(message_of<ShapeError>([] {
              cross_entropy(logits(), tensor({0, 1, 2}), {.weight = ones({4})});
            }),
            "cross_entropy: expected weight.shape == [5] (one per class), got [4]");
  EXPECT_EQ(message_of<ValueError>([] {
              cross_entropy(logits(), tensor({0, 1, 2}), {.label_smoothing = 1.5});
            }),
            "cross_entropy: expected label_smoothing in [0, 1], got 1.5");
  EXPECT_EQ(message_of<ValueError>([] { mse_loss(zeros({2}), zeros({2}), Reduction::batchmean); }),
            "mse_loss: expected reduction none, mean or sum, got batchmean (only kl_div has it)");
  EXPECT_EQ(message_of<ValueError>([] {
              cross_entropy(logits(), tensor({0, 1, 2}), {.reduction = Reduction::batchmean});
            }),
            "cross_entropy: expected reduction none, mean or sum, got batchmean (only kl_div has "
            "it)");
  EXPECT_EQ(
      message_of<ValueError>([] { huber_loss(zeros({2}), zeros({2}), Reduction::mean, 0.0); }),
      "huber_loss: expected delta > 0, got 0");
  EXPECT_EQ(
      message_of<ValueError>([] { smooth_l1_loss(zeros({2}), zeros({2}), Reduction::mean, -1.0); }),
      "smooth_l1_loss: expected beta >= 0, got -1");
}

TEST(LossErrors, BinaryCrossEntropyNeedsProbabilitiesOfTheTargetsShape) {
  EXPECT_EQ(message_of<ValueError>([] {
              binary_cross_entropy(tensor({0.5, 1.5}), tensor({0.0, 1.0}));
            }),
            "binary_cross_entropy: expected input probabilities in [0, 1], got values in [0.5, "
            "1.5]; for logits use binary_cross_entropy_with_logits");
  EXPECT_EQ(message_of<ShapeError>([] {
              binary_cross_entropy(zeros({2, 3}), zeros({3}));
            }),
            "binary_cross_entropy: expected target.shape == input.shape, got target.shape=[3], "
            "input.shape=[2, 3]");
  EXPECT_EQ(message_of<ShapeError>([] {
              binary_cross_entropy_with_logits(zeros({2, 3}), zeros({2, 1}));
            }),
            "binary_cross_entropy_with_logits: expected target.shape == input.shape, got "
            "target.shape=[2, 1], input.shape=[2, 3]");
  EXPECT_EQ(message_of<ShapeError>([] {
              cross_entropy(logits(), zeros({3, 4}));
            }),
            "cross_entropy: expected target.shape == input.shape, got target.shape=[3, 4], "
            "input.shape=[3, 5]");
}

TEST(LossErrors, ProbabilityTargetsHaveNoIgnoreIndex) {
  EXPECT_EQ(message_of<ValueError>([] {
              cross_entropy(logits(), ones({3, 5}) / 5, {.ignore_index = 0});
            }),
            "cross_entropy: expected no ignore_index with probability targets (a negative one, "
            "the default -100), got 0");
}

TEST(LossErrors, InputsMustBeFloating) {
  EXPECT_EQ(message_of<DTypeError>([] {
              mse_loss(tensor({1, 2}), tensor({1, 2}));
            }),
            "mse_loss: expected a floating input, got dtype int64");
  EXPECT_EQ(message_of<DTypeError>([] {
              cross_entropy(arange(6).reshape({2, 3}), tensor({0, 1}));
            }),
            "cross_entropy: expected a floating input, got dtype int64");
  EXPECT_EQ(message_of<ValueError>([] { kl_div(Tensor(), zeros({2})); }),
            "kl_div: expected defined input and target");
}

}  // namespace
}  // namespace ember
