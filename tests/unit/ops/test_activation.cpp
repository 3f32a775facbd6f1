// silu beyond what the op table checks: the fast kernel's vectorised float32 loop against
// the reference over a dense sweep and special values (its exp is a polynomial), gradients
// reaching it through broadcast and 16-bit tensors, and the second derivative.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ember/ember.h"
#include "ops/compare.h"

namespace ember {
namespace {

using test::all_close;

// silu(x) and d silu / dx times gout, on the current backend.
std::vector<Tensor> silu_with_grad(const Tensor& x, const Tensor& gout) {
  Tensor xi = x.detach().requires_grad_();
  Tensor y = silu(xi);
  return {y, autograd::grad({y}, {xi}, {gout})[0]};
}

TEST(Silu, FastKernelMatchesReferenceOnADenseSweepAndSpecialValues) {
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> values = {
      -inf,  -1e30f, -1000.f, -88.7f, -88.f,  -87.5f, -87.f,
      -20.f, -1.f,   -1e-30f, 0.f,    1e-30f, 1.f,    20.f,
      87.f,  87.5f,  88.f,    88.7f,  1000.f, inf,    std::numeric_limits<float>::quiet_NaN()};
  for (int i = 0; i <= 200000; ++i) values.push_back(-100.f + 0.001f * static_cast<float>(i));
  const auto n = static_cast<int64_t>(values.size());
  Tensor x = from_vector(values, {n});
  Generator gen(3);
  Tensor gout = randn({n}, {}, &gen);
  std::vector<Tensor> ref, fast;
  {
    BackendGuard guard(Backend::ref);
    ref = silu_with_grad(x, gout);
  }
  {
    BackendGuard guard(Backend::cpu);
    fast = silu_with_grad(x, gout);
  }
  // A few float32 roundings apart (measured: 2.7e-7 relative at worst): the tolerance is
  // tight enough to catch a polynomial coefficient off in its fourth digit. Below x = -88 the
  // fast exp gives inf where std::exp still has a finite value: silu -0 for -3e-37 (atol).
  // The gradient's 1 + x (1 - s) cancels near x = -1.28 and, for large x, an ulp of s is
  // x * 6e-8 absolute: looser there.
  EXPECT_TRUE(all_close(fast[0], ref[0], 1e-36, 4e-7, "silu"));
  EXPECT_TRUE(all_close(fast[1], ref[1], 4e-6, 1e-5, "silu gradient"));
  // The special values exactly as std::exp gives them: silu(-inf) is NaN (-inf / inf), as
  // PyTorch's.
  std::vector<float> y = fast[0].to_vector<float>();
  EXPECT_TRUE(std::isnan(y[0]));
  EXPECT_EQ(y[19], inf);
  EXPECT_TRUE(std::isnan(y[20]));
  EXPECT_EQ(y[2], -0.f);
  EXPECT_EQ(y[18], 1000.f);
}

TEST(Silu, GradientOfABroadcastUpstreamGradient) {
  // y.sum() hands silu's backward a zero-stride gradient: the kernel's strided path.
  Generator gen(5);
  Tensor x = (randn({5, 33}, {}, &gen) * 4).requires_grad_();
  silu(x).sum().backward();
  Tensor xd = x.detach();
  Tensor s = sigmoid(xd);
  EXPECT_TRUE(all_close(x.grad(), s * (1 + xd * (1 - s)), 1e-6, 1e-5, "x.grad"));
}

TEST(Silu, Bfloat16ComputesInFloat32AndRoundsBack) {
  Generator gen(7);
  Tensor x = randn({4, 9}, {}, &gen).to(DType::bfloat16).requires_grad_();
  Tensor y = silu(x);
  EXPECT_EQ(y.dtype(), DType::bfloat16);
  Tensor x32 = x.detach().to(DType::float32).requires_grad_();
  Tensor y32 = silu(x32);
  EXPECT_TRUE(all_close(y, y32.detach().to(DType::bfloat16), 0, 0, "output"));
  Tensor gout = randn({4, 9}, {}, &gen).to(DType::bfloat16);
  y.backward(gout);
  y32.backward(gout.to(DType::float32));
  EXPECT_EQ(x.grad().dtype(), DType::bfloat16);
  EXPECT_TRUE(all_close(x.grad(), x32.grad().to(DType::bfloat16), 0, 0, "x.grad"));
}

TEST(Silu, SecondDerivativeMatchesFiniteDifferences) {
  // Under create_graph the backward is written with ops (the kernel's result has no graph).
  Generator gen(9);
  Tensor x = (randn({3, 7}, {.dtype = DType::float64}, &gen) * 3).requires_grad_();
  Tensor weights = randn({3, 7}, {.dtype = DType::float64}, &gen);
  auto first_derivative = [&](const std::vector<Tensor>& in) {
    autograd::EnableGradGuard grad_mode;  // gradcheck evaluates under no-grad
    Tensor y = silu(in[0]);
    return autograd::grad({y}, {in[0]}, {weights}, {.create_graph = true});
  };
  auto r = autograd::gradcheck(first_derivative, {x});
  EXPECT_TRUE(r.ok) << r.message;
  // And the two forms of the first derivative agree.
  Tensor by_kernel = autograd::grad({silu(x)}, {x}, {weights})[0];
  Tensor by_ops = autograd::grad({silu(x)}, {x}, {weights}, {.create_graph = true})[0];
  EXPECT_TRUE(all_close(by_ops, by_kernel, 1e-14, 1e-14, "first derivative"));
}

}  // namespace
}  // namespace ember
