// dropout: the statistics of its random mask (which no PyTorch fixture can check), its
// scaling, the identity cases, reproducibility and argument checks.
#include <gtest/gtest.h>

#include <cmath>

#include "ember/ember.h"

namespace ember {
namespace {

constexpr int64_t kElements = 100000;

double fraction_of_zeros(const Tensor& y) {
  return (y == 0.0).to(DType::float64).mean().item();
}

TEST(Dropout, FractionOfZerosIsPWithinFourSigma) {
  Tensor x = ones({kElements});
  for (double p : {0.1, 0.5, 0.8}) {
    Generator gen(42);
    double sigma = std::sqrt(p * (1 - p) / kElements);
    EXPECT_NEAR(fraction_of_zeros(dropout(x, {.p = p, .generator = &gen})), p, 4 * sigma)
        << "p=" << p;
  }
}

TEST(Dropout, FractionOfZerosIsPForFloat64AndBfloat16) {
  for (DType dtype : {DType::float64, DType::bfloat16}) {
    Generator gen(5);
    Tensor y = dropout(ones({kElements}, {.dtype = dtype}), {.p = 0.3, .generator = &gen});
    EXPECT_EQ(y.dtype(), dtype);
    EXPECT_NEAR(fraction_of_zeros(y), 0.3, 4 * std::sqrt(0.3 * 0.7 / kElements)) << dtype;
  }
}

TEST(Dropout, SurvivorsAreScaledByOneOverOneMinusP) {
  Generator gen(1);
  Tensor x = randn({1000}, {.dtype = DType::float64}, &gen);
  Tensor y = dropout(x, {.p = 0.3, .generator = &gen});
  std::vector<double> xs = x.to_vector<double>(), ys = y.to_vector<double>();
  int64_t kept = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    if (ys[i] == 0) continue;
    ++kept;
    EXPECT_NEAR(ys[i], xs[i] / 0.7, 1e-12) << "element " << i;
  }
  EXPECT_GT(kept, 0);
}

TEST(Dropout, ExpectedOutputEqualsInput) {
  Generator gen(9);
  Tensor y = dropout(ones({kElements}), {.p = 0.25, .generator = &gen});
  // Each element is 0 or 4/3: the mean's standard deviation is sqrt(p / (1 - p) / n).
  EXPECT_NEAR(y.mean().item(), 1.0, 4 * std::sqrt(0.25 / 0.75 / kElements));
}

TEST(Dropout, EvalAndPZeroReturnTheInputItself) {
  Tensor x = randn({4, 5});
  EXPECT_TRUE(dropout(x, {.p = 0.5, .training = false}).is_same(x));
  EXPECT_TRUE(dropout(x, {.p = 0.0}).is_same(x));
  EXPECT_TRUE(dropout(x, {.p = 1.0, .training = false}).is_same(x));
}

TEST(Dropout, POneGivesZerosAndZeroGradients) {
  Tensor x = randn({3, 4}).requires_grad_();
  Tensor y = dropout(x, {.p = 1.0});
  EXPECT_EQ(y.to_vector<float>(), std::vector<float>(12, 0.0f));
  y.sum().backward();
  EXPECT_EQ(x.grad().to_vector<float>(), std::vector<float>(12, 0.0f));
}

TEST(Dropout, GradientFlowsThroughTheSameMask) {
  Tensor x = ones({500}, {.dtype = DType::float64}).requires_grad_();
  Generator gen(3);
  Tensor y = dropout(x, {.p = 0.4, .generator = &gen});
  y.sum().backward();
  // d(sum y)/dx = mask / (1 - p), which is y itself for x = 1.
  EXPECT_EQ(x.grad().to_vector<double>(), y.detach().to_vector<double>());
}

TEST(Dropout, SameSeedGivesTheSameMask) {
  Tensor x = ones({257});
  Generator a(123), b(123), c(124);
  std::vector<float> ya = dropout(x, {.generator = &a}).to_vector<float>();
  EXPECT_EQ(ya, dropout(x, {.generator = &b}).to_vector<float>());
  EXPECT_NE(ya, dropout(x, {.generator = &c}).to_vector<float>());
}

TEST(Dropout, ManualSeedMakesTheDefaultGeneratorReproducible) {
  Tensor x = ones({257});
  manual_seed(2024);
  std::vector<float> first = dropout(x).to_vector<float>();
  std::vector<float> second = dropout(x).to_vector<float>();
  EXPECT_NE(first, second) << "successive calls must draw fresh masks";
  manual_seed(2024);
  EXPECT_EQ(dropout(x).to_vector<float>(), first);
}

TEST(Dropout, MaskDoesNotDependOnTheThreadCount) {
  Tensor x = ones({200001});
  int threads = num_threads();
  set_num_threads(1);
  Generator a(77);
  std::vector<float> serial = dropout(x, {.generator = &a}).to_vector<float>();
  set_num_threads(4);
  Generator b(77);
  std::vector<float> parallel = dropout(x, {.generator = &b}).to_vector<float>();
  set_num_threads(threads);
  EXPECT_EQ(serial, parallel);
}

TEST(Dropout, RejectsPOutsideTheUnitInterval) {
  Tensor x = ones({3});
  auto message = [&](double p) -> std::string {
    try {
      dropout(x, {.p = p});
    } catch (const ValueError& e) {
      return e.what();
    }
    return "no ValueError";
  };
  EXPECT_EQ(message(-0.1), "dropout: expected p in [0, 1], got p=-0.1");
  EXPECT_EQ(message(1.5), "dropout: expected p in [0, 1], got p=1.5");
  // Checked in eval mode too, where p is otherwise unused.
  EXPECT_THROW(dropout(x, {.p = 2.0, .training = false}), ValueError);
}

TEST(Dropout, RejectsIntegerInput) {
  EXPECT_THROW(dropout(arange(5), {.p = 0.5}), DTypeError);
}

}  // namespace
}  // namespace ember
