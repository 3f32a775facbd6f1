// Losses at the edges the op table's random inputs do not reach: saturated probabilities,
// huge logits, exact zeros, every target ignored.
#include <gtest/gtest.h>

#include <cmath>

#include "ember/ember.h"

namespace ember {
namespace {

bool all_finite(const Tensor& t) {
  for (double v : t.to_vector<double>()) {
    if (!std::isfinite(v)) return false;
  }
  return true;
}

TEST(Loss, BinaryCrossEntropyClampsTheLogAndKeepsGradientsFinite) {
  // sigmoid() of a large logit is exactly 1 in float32: the log of 1 - p is clamped at -100.
  Tensor p = tensor({0.0f, 1.0f, 1.0f}).requires_grad_(true);
  Tensor loss = binary_cross_entropy(p, tensor({1.0f, 0.0f, 1.0f}), Tensor(), Reduction::none);
  EXPECT_EQ(loss.to_vector<double>(), (std::vector<double>{100, 100, 0}));
  loss.sum().backward();
  EXPECT_TRUE(all_finite(p.grad()));
}

TEST(Loss, BinaryCrossEntropyWithLogitsIsFiniteForHugeLogits) {
  Tensor x = tensor({-1000.0f, 1000.0f, 0.0f}).requires_grad_(true);
  Tensor loss = binary_cross_entropy_with_logits(x, tensor({1.0f, 1.0f, 0.0f}),
                                                 {.reduction = Reduction::none});
  std::vector<double> v = loss.to_vector<double>();
  EXPECT_NEAR(v[0], 1000.0, 1e-3);
  EXPECT_NEAR(v[1], 0.0, 1e-6);
  EXPECT_NEAR(v[2], std::log(2.0), 1e-6);
  loss.sum().backward();
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{-1, 0, 0.5}));
}

TEST(Loss, KlDivCountsZeroTargetsAsZeroWithFiniteGradients) {
  Tensor target = tensor({0.0, 0.5, 0.5}).requires_grad_(true);
  Tensor input = tensor({-1.0, -0.5, -2.0}).requires_grad_(true);
  Tensor loss = kl_div(input, target, {.reduction = Reduction::sum});
  EXPECT_NEAR(loss.item(), 0.5 * std::log(0.5) * 2 - (0.5 * -0.5 + 0.5 * -2.0), 1e-6);
  loss.backward();
  EXPECT_TRUE(all_finite(target.grad()));
  EXPECT_EQ(target.grad().to_vector<double>()[0], 1.0);  // log(0 -> 1) + 1 - input
}

TEST(Loss, CrossEntropyMeanOfOnlyIgnoredTargetsIsNaNAsPyTorch) {
  Tensor loss = cross_entropy(zeros({2, 3}), tensor({-100, -100}));
  EXPECT_TRUE(std::isnan(loss.item()));
  EXPECT_EQ(
      cross_entropy(zeros({2, 3}), tensor({-100, -100}), {.reduction = Reduction::sum}).item(),
      0.0);
}

TEST(Loss, CrossEntropyIsNllOfLogSoftmax) {
  Generator gen(1);
  Tensor x = randn({4, 6}, {}, &gen);
  Tensor t = tensor({5, 0, 2, 2});
  EXPECT_NEAR(cross_entropy(x, t).item(), nll_loss(log_softmax(x, 1), t).item(), 1e-6);
}

}  // namespace
}  // namespace ember
