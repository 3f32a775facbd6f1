// What the SGEMM and bfloat16 GEMM tests share: the float64 reference of one output, and the
// check of a whole result C against it. The tolerance: every product and sum of a float32
// GEMM rounds with a relative error of at most eps = 2^-24, so an output may be off by
// (K + 4) eps times the magnitude of its terms (|alpha| sum |a b|, |beta C0|, |bias|); the
// rational GELU of the epilogue adds its own error (Note [GEMM activations]). An indexing or
// packing bug is off by O(1).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/cpu/gemm/gemm.h"

namespace ember::cpu::gemm_check {

inline constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
inline constexpr double kEps = 0x1p-24;
// Written around every matrix and in the unused part of every row: must never change.
inline constexpr float kSentinel = -12345.f;

inline double activation_ref(double x, GemmActivation act) {
  switch (act) {
    case GemmActivation::none:
      return x;
    case GemmActivation::relu:
      return x > 0 ? x : 0;
    case GemmActivation::gelu:
      return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
    case GemmActivation::gelu_tanh:
      return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
  }
  return x;
}

/// The product a GEMM was asked for.
struct Product {
  int64_t M, N, K;
  float alpha, beta;
  bool bias;
  GemmActivation act;
};

/// Checks every element of C (M x N, row stride ldc) against
/// act(alpha sum_k term(i, j, k) + beta C0 + bias) in float64, term(i, j, k) being
/// a(i, k) b(k, j) as the GEMM should have multiplied them, and that the columns [N, ldc) of
/// every row still hold kSentinel. Reports at most five mismatches.
template <typename Term>
void expect_result(const Product& p, const Term& term, const std::vector<float>& C0,
                   const std::vector<float>& C, int64_t ldc, const std::vector<float>& bias) {
  int failures = 0;
  for (int64_t i = 0; i < p.M; ++i) {
    for (int64_t j = 0; j < p.N; ++j) {
      double dot = 0, mag = 0;
      for (int64_t k = 0; k < p.K; ++k) {
        const double t = term(i, j, k);
        dot += t;
        mag += std::fabs(t);
      }
      double x = p.alpha * dot;
      mag *= std::fabs(p.alpha);
      if (p.beta != 0.f) {
        x += p.beta * static_cast<double>(C0[i * ldc + j]);
        mag += std::fabs(p.beta * static_cast<double>(C0[i * ldc + j]));
      }
      if (p.bias) {
        x += bias[j];
        mag += std::fabs(bias[j]);
      }
      const double expected = activation_ref(x, p.act);
      double tol = (static_cast<double>(p.K) + 4) * kEps * mag + 1e-30;
      if (p.act == GemmActivation::gelu || p.act == GemmActivation::gelu_tanh) {
        tol = 1.2 * tol +
              3e-7 * std::max(1.0, std::fabs(x));  // slope <= 1.13, Note [GEMM activations]
      }
      const float got = C[i * ldc + j];
      if (!(std::fabs(got - expected) <= tol) && ++failures <= 5) {
        ADD_FAILURE() << "C[" << i << "][" << j << "] = " << got << ", expected " << expected
                      << " (error " << std::fabs(got - expected) << " > tolerance " << tol << ")";
      }
    }
    for (int64_t j = p.N; j < ldc; ++j) {
      if (C[i * ldc + j] != kSentinel && ++failures <= 5) {
        ADD_FAILURE() << "padding C[" << i << "][" << j << "] changed to " << C[i * ldc + j];
      }
    }
  }
  ASSERT_EQ(failures, 0);
}

}  // namespace ember::cpu::gemm_check
