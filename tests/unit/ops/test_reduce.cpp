// Reductions, scans and softmax: hand-computed values for the cases the op table's random
// inputs cannot reach (ties, exact zeros, NaN, infinities, dtypes), and the fast kernels
// against the reference ones on shapes large enough for their tiled and threaded paths.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ember/ember.h"
#include "ops/compare.h"

namespace ember {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> values(const Tensor& t) { return t.to_vector<double>(); }

Tensor grad_of(const Tensor& x, const std::function<Tensor(const Tensor&)>& f) {
  Tensor leaf = x.detach().requires_grad_(true);
  f(leaf).backward();
  return leaf.grad();
}

TEST(Reduce, MaxOfAllSplitsTheGradientAmongTies) {
  Tensor g = grad_of(tensor({1.0, 3.0, 3.0, 2.0}), [](const Tensor& x) { return max(x); });
  EXPECT_EQ(values(g), (std::vector<double>{0, 0.5, 0.5, 0}));
}

TEST(Reduce, MaxAlongADimPicksTheFirstTieAndGivesItTheGradient) {
  for (Backend b : {Backend::ref, Backend::cpu}) {
    BackendGuard guard(b);
    Tensor x = tensor({3.0, 1.0, 3.0, 0.0, 5.0, 5.0}).reshape({2, 3});
    ValuesIndices r = max(x, 1);
    EXPECT_EQ(r.indices.to_vector<int64_t>(), (std::vector<int64_t>{0, 1}));
    Tensor g = grad_of(x, [](const Tensor& t) { return max(t, 1).values.sum(); });
    EXPECT_EQ(values(g), (std::vector<double>{1, 0, 0, 0, 1, 0}));
  }
}

TEST(Reduce, MaxAndMinPropagateTheFirstNaN) {
  for (Backend b : {Backend::ref, Backend::cpu}) {
    BackendGuard guard(b);
    // Column tiles (inner > 1) and rows (inner == 1) take different loops.
    Tensor x = tensor({1.0, kNaN, kNaN, 4.0, 2.0, 0.0}).reshape({3, 2});
    ValuesIndices cols = min(x, 0);
    EXPECT_TRUE(std::isnan(values(cols.values)[0]) && std::isnan(values(cols.values)[1]));
    EXPECT_EQ(cols.indices.to_vector<int64_t>(), (std::vector<int64_t>{1, 0}));
    ValuesIndices rows = max(x.t().contiguous(), 1);
    EXPECT_EQ(rows.indices.to_vector<int64_t>(), (std::vector<int64_t>{1, 0}));
    EXPECT_TRUE(std::isnan(max(x).item()));
  }
}

TEST(Reduce, ProdGradientIsTheProductOfTheOthersWithZeros) {
  for (Backend b : {Backend::ref, Backend::cpu}) {
    BackendGuard guard(b);
    auto f = [](const Tensor& x) { return prod(x); };
    EXPECT_EQ(values(grad_of(tensor({2.0, 0.0, 3.0}), f)), (std::vector<double>{0, 6, 0}));
    EXPECT_EQ(values(grad_of(tensor({0.0, 4.0, 0.0}), f)), (std::vector<double>{0, 0, 0}));
    EXPECT_EQ(values(grad_of(tensor({2.0, 5.0, 3.0}), f)), (std::vector<double>{15, 6, 10}));
  }
}

TEST(Reduce, IntegerSumProdAndCumsumReturnInt64AndMaxKeepsTheDtype) {
  Tensor x = tensor({1, 2, 3, 4}).to(DType::int32);
  EXPECT_EQ(sum(x).dtype(), DType::int64);
  EXPECT_EQ(sum(x).item<int64_t>(), 10);
  EXPECT_EQ(prod(x).item<int64_t>(), 24);
  EXPECT_EQ(cumsum(x, 0).dtype(), DType::int64);
  EXPECT_EQ(max(x).dtype(), DType::int32);
  EXPECT_EQ(sum(tensor({1, 0, 1}).to(DType::boolean)).item<int64_t>(), 2);
  EXPECT_EQ(max(tensor({0, 1, 0}).to(DType::boolean), 0).indices.item<int64_t>(), 1);
}

TEST(Reduce, SixteenBitFloatsComputeInFloat32AndKeepTheirDtype) {
  Tensor x = tensor({1.0f, 2.0f, 3.0f}).to(DType::bfloat16);
  Tensor y = softmax(x, 0);
  EXPECT_EQ(y.dtype(), DType::bfloat16);
  EXPECT_NEAR(values(y)[2], 0.6652, 4e-3);
  EXPECT_EQ(var(x).dtype(), DType::bfloat16);
  EXPECT_NEAR(var(x).item(), 1.0, 1e-2);
  EXPECT_EQ(max(x.to(DType::float16)).item(), 3.0);
}

TEST(Reduce, SoftmaxAndLogsumexpHandleInfinities) {
  for (Backend b : {Backend::ref, Backend::cpu}) {
    BackendGuard guard(b);
    Tensor x = tensor({-kInf, 0.0, -kInf});
    EXPECT_EQ(values(softmax(x, 0)), (std::vector<double>{0, 1, 0}));
    EXPECT_EQ(values(log_softmax(x, 0)), (std::vector<double>{-kInf, 0, -kInf}));
    // A row of only -inf has logsumexp -inf, not the NaN of -inf - (-inf).
    EXPECT_EQ(logsumexp(tensor({-kInf, -kInf}), {0}).item(), -kInf);
    EXPECT_EQ(logsumexp(zeros({2, 0}), {1}).to_vector<double>(),
              (std::vector<double>{-kInf, -kInf}));
  }
}

TEST(Reduce, VarWithTooFewElementsIsInfOrNaNAsPyTorch) {
  EXPECT_TRUE(std::isnan(var(tensor({1.0})).item()));
  EXPECT_EQ(var(tensor({1.0, 2.0}), {}, {.correction = 2}).item(), kInf);
  EXPECT_TRUE(std::isnan(mean(zeros({0})).item()));
  EXPECT_EQ(sum(zeros({0})).item(), 0.0);
  EXPECT_EQ(prod(zeros({0})).item(), 1.0);
}

TEST(Reduce, NormAndStdHaveZeroGradientAtZeroAsPyTorch) {
  auto zero_grad = [](const std::function<Tensor(const Tensor&)>& f) {
    return grad_of(zeros({2, 3}, {.dtype = DType::float64}), f).to_vector<double>();
  };
  const std::vector<double> zeros6(6, 0.0);
  EXPECT_EQ(zero_grad([](const Tensor& x) { return norm(x); }), zeros6);
  EXPECT_EQ(zero_grad([](const Tensor& x) { return norm(x, 3.0, {1}).sum(); }), zeros6);
  EXPECT_EQ(zero_grad([](const Tensor& x) { return ember::std(x, {1}).sum(); }), zeros6);
}

// Backward rules are written with ember ops, so they differentiate again: gradcheck the
// first derivative (computed with create_graph) of each op. softmax, log_softmax and
// logsumexp, whose rules read their own output, are in
// Engine.SecondDerivativesThroughSavedOutputsAndFusedBackwards.
TEST(Reduce, BackwardRulesAreThemselvesDifferentiable) {
  std::vector<std::pair<std::string, std::function<Tensor(const Tensor&)>>> ops = {
      {"sum", [](const Tensor& x) { return sum(x * x, {1}); }},
      {"prod", [](const Tensor& x) { return prod(x, 1); }},
      {"var", [](const Tensor& x) { return var(x, {1}); }},
      {"max", [](const Tensor& x) { return max(x * x, 0).values; }},
      {"max_all", [](const Tensor& x) { return max(x * x); }},
      {"cumsum", [](const Tensor& x) { return cumsum(x * x, 1); }},
      {"norm", [](const Tensor& x) { return norm(x, 3.0, {1}); }},
      {"matmul", [](const Tensor& x) { return matmul(x, x.t()); }},
  };
  Generator gen(11);
  for (const auto& [name, f] : ops) {
    Tensor x = (rand({3, 4}, {.dtype = DType::float64}, &gen) * 2 - 1).requires_grad_(true);
    Tensor w = randn(f(x).sizes(), {.dtype = DType::float64}, &gen);
    auto first_derivative = [&f, &w](const std::vector<Tensor>& in) {
      EnableGradGuard grad_mode;  // gradcheck evaluates under no-grad
      Tensor y = f(in[0]);
      return autograd::grad({y}, {in[0]}, {w}, {.create_graph = true});
    };
    auto r = autograd::gradcheck(first_derivative, {x});
    EXPECT_TRUE(r.ok) << name << ": " << r.message;
  }
}

// Fast kernels against the reference on shapes with more than one column tile (inner >
// 128), long rows, and enough work to run threaded.
TEST(Reduce, FastKernelsMatchReferenceOnLargeShapes) {
  Generator gen(7);
  Tensor x = randn({6, 300, 140}, {}, &gen);
  std::vector<std::pair<std::string, std::function<Tensor(const Tensor&)>>> ops = {
      {"sum_middle", [](const Tensor& t) { return sum(t, {1}); }},
      {"sum_last", [](const Tensor& t) { return sum(t, {2}); }},
      {"prod_middle", [](const Tensor& t) { return prod(t * 0.1 + 1, 1); }},
      {"var_middle", [](const Tensor& t) { return var(t, {1}); }},
      {"var_last", [](const Tensor& t) { return var(t, {-1}, {.correction = 0}); }},
      {"max_middle", [](const Tensor& t) { return max(t, 1).values; }},
      {"argmin_middle", [](const Tensor& t) { return argmin(t, 1); }},
      {"argmax_last", [](const Tensor& t) { return argmax(t, 2); }},
      {"cumsum_middle", [](const Tensor& t) { return cumsum(t, 1); }},
      {"cumsum_last", [](const Tensor& t) { return cumsum(t, -1); }},
      {"softmax_middle", [](const Tensor& t) { return softmax(t, 1); }},
      {"log_softmax_last", [](const Tensor& t) { return log_softmax(t, 2); }},
      {"log_softmax_middle", [](const Tensor& t) { return log_softmax(t, 1); }},
  };
  for (const auto& [name, f] : ops) {
    Tensor expected, actual;
    {
      BackendGuard guard(Backend::ref);
      expected = f(x);
    }
    {
      BackendGuard guard(Backend::cpu);
      actual = f(x);
    }
    // float32 accumulation over 300 terms vs the reference's double: about sqrt(300) ulps.
    EXPECT_TRUE(test::all_close(actual, expected, 1e-4, 1e-4, name));
  }
}

}  // namespace
}  // namespace ember
