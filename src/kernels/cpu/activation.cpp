// Fast kernels: silu and silu_backward.
//
// Both are one pass over memory, bound by exp: for float32 a contiguous run goes through
// exp_f32 below, a polynomial the compiler vectorises (glibc's expf is a scalar call), in
// clones for AVX-512 and AVX2 picked at run time. float64 and strided runs use the shared
// scalar formulas of kernels/elementwise_math.h, which the reference kernels use too; the
// tests hold the two within float32 rounding of each other.
//
// This is not where the other activations live (src/kernels/cpu/elementwise.cpp): their
// scalar loops are cheap enough; silu sits in every block of the models that use it.
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "core/dispatch.h"
#include "kernels/cpu/loops.h"
#include "kernels/elementwise_math.h"
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::cpu {

namespace {

using kernels::ScalarArgs;

// exp(x) for float32 within 2e-7 relative error, with no call and no branch (Cephes' expf):
// x = n ln2 + r with n = round(x / ln2), |r| <= ln2 / 2; exp(r) is a degree-7 polynomial;
// 2^n is put together in the exponent bits. The polynomial sees x clamped to [-87, 88], where
// 2^n is a normal float; outside, the result is selected: 0 below -87 and inf above 88 (where
// the exact value is still finite up to 88.72). The silu formulas turn both into results
// within 1e-36 of the exact ones, and keep the special values std::exp gives: silu(-inf) is
// NaN, as PyTorch's. NaN passes through (the comparisons are false).
inline float exp_f32(float x) {
  constexpr float kLo = -87.0f, kHi = 88.0f;
  constexpr float kLog2e = 1.44269504088896341f;
  // Adding 1.5 * 2^23 rounds to an integer, which lands in the low mantissa bits.
  constexpr float kRound = 12582912.0f;
  constexpr float kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;
  float xc = x < kLo ? kLo : x;
  xc = xc > kHi ? kHi : xc;
  const float t = xc * kLog2e + kRound;
  const float n = t - kRound;
  const float r = (xc - n * kLn2Hi) - n * kLn2Lo;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  // n + 127 in the exponent field: 2^n.
  const uint32_t bits = (std::bit_cast<uint32_t>(t) - std::bit_cast<uint32_t>(kRound) + 127u) << 23;
  const float e = p * std::bit_cast<float>(bits);
  return x > kHi ? std::numeric_limits<float>::infinity() : (x < kLo ? 0.0f : e);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define EMBER_VECTOR_CLONES [[gnu::target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")]]
#else
#define EMBER_VECTOR_CLONES
#endif

// out[i] = silu(x[i]) over n contiguous floats.
EMBER_VECTOR_CLONES
void silu_run_f32(const float* __restrict x, float* __restrict out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = x[i] / (1.0f + exp_f32(-x[i]));
}

// out[i] = g[i] * s (1 + x[i] (1 - s)), s = sigmoid(x[i]), over n contiguous floats.
EMBER_VECTOR_CLONES
void silu_backward_run_f32(const float* __restrict g, const float* __restrict x,
                           float* __restrict out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float s = 1.0f / (1.0f + exp_f32(-x[i]));
    out[i] = g[i] * s * (1.0f + x[i] * (1.0f - s));
  }
}

#undef EMBER_VECTOR_CLONES

// exp and a division per element: about ten simple ops' worth, for the parallel threshold.
constexpr int64_t kCost = 10;

// x any strides, out contiguous, one floating dtype.
void silu(const Tensor& x, Tensor& out, const ScalarArgs& args) {
  dispatch_floating(x.dtype(), "silu", [&]<typename T>() {
    const T* px = x.data<T>();
    T* po = out.data<T>();
    for_each_row<2>(x.sizes(), {&x.strides(), &out.strides()}, kCost,
                    [&](Offsets<2> off, int64_t n, Offsets<2> st) {
                      const T* in = px + off[0];
                      T* o = po + off[1];
                      if constexpr (std::is_same_v<T, float>) {
                        if (st[0] == 1 && st[1] == 1) {
                          silu_run_f32(in, o, n);
                          return;
                        }
                      }
                      for (int64_t i = 0; i < n; ++i) {
                        o[i * st[1]] = kernels::SiluOp::apply<T>(in[i * st[0]], args);
                      }
                    });
  });
}

// g, x, out of one shape and floating dtype, any strides (zero for broadcast).
void silu_backward(const Tensor& g, const Tensor& x, Tensor& out, const ScalarArgs& args) {
  dispatch_floating(x.dtype(), "silu_backward", [&]<typename T>() {
    const T* pg = g.data<T>();
    const T* px = x.data<T>();
    T* po = out.data<T>();
    for_each_row<3>(out.sizes(), {&g.strides(), &x.strides(), &out.strides()}, kCost,
                    [&](Offsets<3> off, int64_t n, Offsets<3> st) {
                      if constexpr (std::is_same_v<T, float>) {
                        if (st[0] == 1 && st[1] == 1 && st[2] == 1) {
                          silu_backward_run_f32(pg + off[0], px + off[1], po + off[2], n);
                          return;
                        }
                      }
                      for (int64_t i = 0; i < n; ++i) {
                        po[off[2] + i * st[2]] = kernels::SiluBackwardOp::apply<T>(
                            pg[off[0] + i * st[0]], px[off[1] + i * st[1]], args);
                      }
                    });
  });
}

}  // namespace

void register_activation() {
  constexpr Backend C = Backend::cpu;
  kernels::silu.set(C, &cpu::silu);
  kernels::silu_backward.set(C, &cpu::silu_backward);
}

}  // namespace ember::cpu
