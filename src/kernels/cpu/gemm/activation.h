// The GEMM epilogue's activations as branch-free formulas that every micro-kernel family
// evaluates the same way (scalar here, in zmm/ymm registers in the AVX files).
//
// Note [GEMM activations]
// gelu(x) = x/2 (1 + erf(x / sqrt 2)) and gelu_tanh(x) = x/2 (1 + tanh(sqrt(2/pi)(x + 0.044715
// x^3))) need erf and tanh on vectors, where libm has none. Both use the odd rational
// approximations of Eigen and XLA: erf(x) ~ x P(x^2) / Q(x^2) on [-4, 4] (erf rounds to +-1
// outside) and tanh(x) ~ x P'(x^2) / Q'(x^2) on [-7.905, 7.905] (likewise): no exp, no table,
// absolute errors below 5e-7 (measured on a 1e-4 grid over [-12, 12] against double erf and
// tanh), so both gelus are within 2.5e-7 * max(1, |x|) of the exact value. The clamps make
// both saturate exactly for large |x| and let NaN propagate through the arithmetic.
#pragma once

#include "kernels/cpu/gemm/gemm.h"

namespace ember::cpu::gemm {

inline constexpr float kErfClamp = 4.f;
// Numerator, highest power of x^2 first, then times x.
inline constexpr float kErfP[7] = {
    -2.72614225801306e-10f, 2.77068142495902e-08f,  -2.10102402082508e-06f, -5.69250639462346e-05f,
    -7.34990630326855e-04f, -2.95459980854025e-03f, -1.60960333262415e-02f};
inline constexpr float kErfQ[5] = {-1.45660718464996e-05f, -2.13374055278905e-04f,
                                   -1.68282697438203e-03f, -7.37332916720468e-03f,
                                   -1.42647390514189e-02f};

inline constexpr float kTanhClamp = 7.90531110763549805f;
inline constexpr float kTanhP[7] = {
    -2.76076847742355e-16f, 2.00018790482477e-13f, -8.60467152213735e-11f, 5.12229709037114e-08f,
    1.48572235717979e-05f,  6.37261928875436e-04f, 4.89352455891786e-03f};
inline constexpr float kTanhQ[4] = {1.19825839466702e-06f, 1.18534705686654e-04f,
                                    2.26843463243900e-03f, 4.89352518554385e-03f};

inline constexpr float kSqrtHalf = 0.70710678118654752f;  // 1 / sqrt(2)
inline constexpr float kSqrtTwoOverPi = 0.79788456080286536f;
inline constexpr float kGeluTanhCubic = 0.044715f;

// Scalar forms for the portable kernel and the driver. Internal linkage: see Note [GEMM ISA
// files] in kernel.h.
namespace {

inline float clamp_to(float x, float limit) {
  // NaN compares false both ways and falls through unchanged.
  return x > limit ? limit : (x < -limit ? -limit : x);
}

inline float erf_approx(float x) {
  x = clamp_to(x, kErfClamp);
  const float x2 = x * x;
  float p = kErfP[0];
  for (int i = 1; i < 7; ++i) p = p * x2 + kErfP[i];
  float q = kErfQ[0];
  for (int i = 1; i < 5; ++i) q = q * x2 + kErfQ[i];
  return x * p / q;
}

inline float tanh_approx(float x) {
  x = clamp_to(x, kTanhClamp);
  const float x2 = x * x;
  float p = kTanhP[0];
  for (int i = 1; i < 7; ++i) p = p * x2 + kTanhP[i];
  float q = kTanhQ[0];
  for (int i = 1; i < 4; ++i) q = q * x2 + kTanhQ[i];
  return x * p / q;
}

inline float apply_activation(float x, GemmActivation act) {
  switch (act) {
    case GemmActivation::none:
      return x;
    case GemmActivation::relu:
      return 0.f > x ? 0.f : x;  // NaN stays NaN, as in torch.relu
    case GemmActivation::gelu:
      return 0.5f * x * (1.f + erf_approx(x * kSqrtHalf));
    case GemmActivation::gelu_tanh:
      return 0.5f * x * (1.f + tanh_approx(kSqrtTwoOverPi * (x + kGeluTanhCubic * x * x * x)));
  }
  return x;
}

}  // namespace

}  // namespace ember::cpu::gemm
