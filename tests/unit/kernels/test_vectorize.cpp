// The vectorisable float32 exp of src/kernels/cpu/vectorize.h (Note [Vectorised exp]) against
// the exact value (double exp) in ulps, over a sweep of all floats and dense windows around
// its edges (underflow to denormals and to 0, overflow to inf): called on one float, and
// through the float32 exp op, whose contiguous loop is the AVX-512 / AVX2 clone this CPU
// picks. Also the special values: +-0, +-inf, NaN.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "ember/ember.h"
#include "kernels/cpu/vectorize.h"

namespace ember::cpu {
namespace {

constexpr double kMaxUlps = 2.0;
constexpr float kInf = std::numeric_limits<float>::infinity();

// |got - exact| in units of the last place of float32 at `exact` (2^-149 for denormals). inf
// counts as 2^128, the next power of two after FLT_MAX; exact values that round to inf must
// give inf.
double ulp_error(float got, double exact) {
  if (std::isnan(exact)) return std::isnan(got) ? 0 : kInf;
  if (std::isnan(got)) return kInf;
  if (exact >= 0x1p128 - 0x1p103) return got == kInf ? 0 : kInf;
  const double g = got == kInf ? 0x1p128 : static_cast<double>(got);
  int e = 0;
  std::frexp(exact, &e);  // exact = m 2^e, m in [0.5, 1)
  const double ulp = std::ldexp(1.0, std::max(e - 24, -149));
  return std::abs(g - exact) / ulp;
}

// Every 251st float bit pattern (all signs, exponents, NaNs and infs), and every float within
// 4096 bit patterns of each edge of exp's range.
std::vector<float> sweep_inputs() {
  std::vector<float> v;
  for (uint64_t u = 0; u <= 0xFFFFFFFFu; u += 251) v.push_back(std::bit_cast<float>(uint32_t(u)));
  for (float edge : {-104.0f, -103.972f, -103.28f, -87.3365f, -87.3f, 0.0f, -0.0f, 88.7228f,
                     88.72f, 88.73f}) {
    // Unsigned, so that stepping down from -0.0f (0x80000000) wraps instead of overflowing.
    const uint32_t bits = std::bit_cast<uint32_t>(edge);
    for (int32_t d = -4096; d <= 4096; ++d) {
      v.push_back(std::bit_cast<float>(bits + static_cast<uint32_t>(d)));
    }
  }
  for (float x : {kInf, -kInf, std::numeric_limits<float>::quiet_NaN(), 0.0f, -0.0f,
                  std::numeric_limits<float>::denorm_min(), 1.0f, -1.0f}) {
    v.push_back(x);
  }
  return v;
}

// The worst ulp error of f over the sweep, and where.
template <typename F>
void expect_within_ulps(const std::vector<float>& in, const F& f, const char* what) {
  double worst = 0;
  float worst_x = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    const double err = ulp_error(f(i), std::exp(static_cast<double>(in[i])));
    if (!(err <= worst)) {
      worst = err;
      worst_x = in[i];
    }
  }
  EXPECT_LE(worst, kMaxUlps) << what << ": worst at x = " << worst_x << " (bits 0x" << std::hex
                             << std::bit_cast<uint32_t>(worst_x) << ")";
}

TEST(ExpF32, WithinTwoUlpsOfExactOverAllFloats) {
  const std::vector<float> in = sweep_inputs();
  expect_within_ulps(in, [&](size_t i) { return exp_f32(in[i]); }, "exp_f32");
}

TEST(ExpF32, VectorisedExpOpWithinTwoUlpsOfExactOverAllFloats) {
  const std::vector<float> in = sweep_inputs();
  Tensor x = empty({static_cast<int64_t>(in.size())});
  std::copy(in.begin(), in.end(), x.data<float>());
  BackendGuard fast(Backend::cpu);
  Tensor y = exp(x);
  const float* py = y.data<float>();
  expect_within_ulps(in, [&](size_t i) { return py[i]; }, "exp op");
}

TEST(ExpF32, SpecialValues) {
  EXPECT_EQ(exp_f32(0.0f), 1.0f);
  EXPECT_EQ(exp_f32(-0.0f), 1.0f);
  EXPECT_EQ(exp_f32(kInf), kInf);
  EXPECT_EQ(exp_f32(-kInf), 0.0f);
  EXPECT_TRUE(std::isnan(exp_f32(std::numeric_limits<float>::quiet_NaN())));
  EXPECT_EQ(exp_f32(88.73f), kInf);
  EXPECT_EQ(exp_f32(-104.0f), 0.0f);
  EXPECT_GT(exp_f32(-103.0f), 0.0f);  // a denormal, not flushed
  EXPECT_LT(exp_f32(-103.0f), std::numeric_limits<float>::min());
}

}  // namespace
}  // namespace ember::cpu
