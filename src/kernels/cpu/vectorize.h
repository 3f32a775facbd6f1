// How the fast kernels get SIMD without intrinsics: loops compiled in clones for AVX-512 and
// AVX2 besides the library's SSE2 baseline (EMBER_VECTOR_CLONES, picked at run time), sums
// over a fixed set of 16 lanes, and float32 math the compiler vectorises: exp, and the GEMM
// epilogue's rational erf and tanh. The math functions take one float and have no call, no
// table and no branch (select() for data-dependent choices), so a contiguous loop over them
// inside a clone becomes zmm / ymm code; called on one element they give the same value up to
// FMA contraction (the clones contract a * b + c, the baseline cannot).
//
// Used by the activation, softmax and layer_norm kernels. Not a general vector library: a
// function joins only when a kernel needs it.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "kernels/cpu/gemm/activation.h"
#include "kernels/cpu/select.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define EMBER_VECTOR_CLONES [[gnu::target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")]]
#else
#define EMBER_VECTOR_CLONES
#endif

namespace ember::cpu {

// ---- lanes ---------------------------------------------------------------------------------

// kLanes independent accumulators in one GCC vector (the generic vector extension: one
// AVX-512 register of floats, two AVX2 or four SSE2 ones), so that sums vectorise without
// reassociating additions and give the same result on every ISA. GCC 12 does not vectorise
// the same loops written over an array of lanes well: it interleaves blocks with shuffles.
// The lanes are added up in order at the end, after the tail of fewer than kLanes values.
constexpr int kLanes = 16;
typedef float FloatLanes __attribute__((vector_size(kLanes * sizeof(float))));
typedef double DoubleLanes __attribute__((vector_size(kLanes * sizeof(double))));
template <typename T>
struct LanesOf;
template <>
struct LanesOf<float> {
  using type = FloatLanes;
};
template <>
struct LanesOf<double> {
  using type = DoubleLanes;
};
template <typename T>
using Lanes = typename LanesOf<T>::type;

// v = the kLanes values at p (any alignment). An out-parameter: returning a vector by value
// would tie the function's ABI to the ISA (-Wpsabi).
template <typename T>
inline void load_lanes(Lanes<T>& v, const T* p) {
  std::memcpy(&v, p, sizeof v);
}

// sum(x) over S contiguous values.
template <typename T>
EMBER_VECTOR_CLONES T row_sum(const T* __restrict x, int64_t S) {
  Lanes<T> lanes = {};
  int64_t s = 0;
  for (; s + kLanes <= S; s += kLanes) {
    Lanes<T> v;
    load_lanes(v, x + s);
    lanes += v;
  }
  T sum = 0;
  for (; s < S; ++s) sum += x[s];
  for (int k = 0; k < kLanes; ++k) sum += lanes[k];
  return sum;
}

// sum(a * b) over S contiguous values.
template <typename T>
EMBER_VECTOR_CLONES T row_dot(const T* __restrict a, const T* __restrict b, int64_t S) {
  Lanes<T> lanes = {};
  int64_t s = 0;
  for (; s + kLanes <= S; s += kLanes) {
    Lanes<T> va, vb;
    load_lanes(va, a + s);
    load_lanes(vb, b + s);
    lanes += va * vb;
  }
  T sum = 0;
  for (; s < S; ++s) sum += a[s] * b[s];
  for (int k = 0; k < kLanes; ++k) sum += lanes[k];
  return sum;
}

// The largest of S >= 1 contiguous values, NaN ignored unless all are NaN (callers whose
// result must be NaN for a NaN input get it from the later passes). -inf for S = 0.
template <typename T>
EMBER_VECTOR_CLONES T row_max(const T* __restrict x, int64_t S) {
  constexpr T kNegInf = -__builtin_inf();
  Lanes<T> lanes = kNegInf - Lanes<T>{};
  int64_t s = 0;
  for (; s + kLanes <= S; s += kLanes) {
    Lanes<T> v;
    load_lanes(v, x + s);
    lanes = v > lanes ? v : lanes;
  }
  T m = kNegInf;
  for (; s < S; ++s) m = x[s] > m ? x[s] : m;
  for (int k = 0; k < kLanes; ++k) m = lanes[k] > m ? lanes[k] : m;
  return m;
}

// ---- exp -----------------------------------------------------------------------------------

// Note [Vectorised exp]
// exp(x) = 2^n exp(r) with n = round(x / ln2) and r = x - n ln2, |r| <= ln2 / 2 (+ rounding):
//   - n comes from adding 1.5 * 2^23 to x log2(e), which rounds to an integer that then sits
//     in the low mantissa bits; its bit pattern minus the constant's is n as an int.
//   - r is exact to float32 rounding: ln2 = kLn2Hi + kLn2Lo where kLn2Hi has 9 significant
//     bits, so n kLn2Hi is exact for |n| <= 150 and x - n kLn2Hi is exact (it cancels).
//   - exp(r) is its Taylor polynomial to degree 7, in Horner form: the truncation error is
//     below |r|^8 / 8! e^|r| < 8e-9 relative, a seventh of an ulp.
//   - 2^n is applied as two factors 2^(n/2) and 2^(n - n/2), both normal floats over the
//     whole n range [-150, 129]: the first product is exact, the second rounds once, so
//     results in the denormal range are rounded correctly from the polynomial's value, and
//     results above FLT_MAX (x > 88.7228) become inf by overflowing.
// x is clamped to [-104, 89] first: exp(-104) < 2^-150 rounds to 0 and exp(89) overflows, so
// the clamps change no result and keep n in range; -inf gives 0, inf gives inf, and NaN fails
// both comparisons and propagates through the arithmetic. Measured against double exp on the
// sweep of tests/unit/kernels/test_vectorize.cpp (which checks <= 2 ulp): at most 0.89 ulp in
// the FMA clones, 1.16 ulp in the baseline build (no FMA).
inline float exp_f32(float x) {
  constexpr float kLo = -104.0f, kHi = 89.0f;
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kRound = 12582912.0f;  // 1.5 * 2^23
  constexpr float kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440054690583e-4f;
  float xc = select(x < kLo, kLo, x);
  xc = select(xc > kHi, kHi, xc);
  const float t = xc * kLog2e + kRound;
  const float n = t - kRound;
  const float r = (xc - n * kLn2Hi) - n * kLn2Lo;
  float p = 1.f / 5040.f;
  p = p * r + 1.f / 720.f;
  p = p * r + 1.f / 120.f;
  p = p * r + 1.f / 24.f;
  p = p * r + 1.f / 6.f;
  p = p * r + 0.5f;
  p = p * r + 1.f;
  p = p * r + 1.f;
  const int32_t ni = std::bit_cast<int32_t>(t) - std::bit_cast<int32_t>(kRound);
  const int32_t n1 = ni >> 1;
  const int32_t n2 = ni - n1;
  // n + 127 in the exponent field is 2^n (unsigned: a NaN's garbage n must not overflow).
  const float s1 = std::bit_cast<float>(static_cast<uint32_t>(n1 + 127) << 23);
  const float s2 = std::bit_cast<float>(static_cast<uint32_t>(n2 + 127) << 23);
  return p * s1 * s2;
}

/// exp_f32 for float, std::exp otherwise (float64 stays on libm: it is the gradcheck path).
template <typename T>
inline T exp_fast(T x) {
  if constexpr (std::is_same_v<T, float>) {
    return exp_f32(x);
  } else {
    return std::exp(x);
  }
}

// ---- erf and tanh --------------------------------------------------------------------------

// The GEMM epilogue's rational erf and tanh (Note [GEMM activations]: absolute error below
// 5e-7); their clamps are plain selects, which vectorise, and let NaN through.
using gemm::erf_approx;
using gemm::tanh_approx;

}  // namespace ember::cpu
