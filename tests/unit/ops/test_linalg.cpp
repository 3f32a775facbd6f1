// The fast bmm kernel (float32: the SGEMM of src/kernels/cpu/gemm/; float64: the blocked
// DGEMM of src/kernels/cpu/linalg.cpp) against the reference triple loop, through matmul, on
// shapes that hit the edges of their blockings: partial micro-panels (sizes 1, 7, 17, 33),
// several row blocks (65, 130), several K slices and column blocks, the transposed path for
// skinny products, transposed, sliced and broadcast (stride-0) operands, and K = 0.
#include <gtest/gtest.h>

#include "ember/ember.h"
#include "ops/compare.h"

namespace ember {
namespace {

// A (rows, cols) matrix with values in [-1, 1), stored transposed when `transposed`.
Tensor matrix(int64_t rows, int64_t cols, bool transposed, DType dtype, Generator& gen) {
  if (!transposed) return rand({rows, cols}, {.dtype = dtype}, &gen) * 2 - 1;
  return (rand({cols, rows}, {.dtype = dtype}, &gen) * 2 - 1).t();
}

Tensor with_backend(Backend b, const std::function<Tensor()>& f) {
  BackendGuard guard(b);
  return f();
}

// A dot product of K rounded terms is off by at most about K ulps of its terms (<= 1 here).
void expect_fast_matches_reference(const Tensor& a, const Tensor& b, const std::string& what) {
  Tensor expected = with_backend(Backend::ref, [&] { return matmul(a, b); });
  Tensor actual = with_backend(Backend::cpu, [&] { return matmul(a, b); });
  double tol = a.dtype() == DType::float64 ? 1e-12 : 1e-6;
  EXPECT_TRUE(test::all_close(actual, expected, tol * std::max<int64_t>(a.size(-1), 1), tol, what));
}

TEST(Linalg, FastBmmMatchesReferenceOnEdgeShapesAndTransposes) {
  Generator gen(3);
  const std::vector<int64_t> sizes = {1, 7, 17, 33, 65, 130};
  for (DType dtype : {DType::float32, DType::float64}) {
    for (int64_t M : sizes) {
      for (int64_t N : sizes) {
        for (int64_t K : sizes) {
          for (int transposes = 0; transposes < 4; ++transposes) {
            bool ta = transposes & 1, tb = transposes & 2;
            Tensor a = matrix(M, K, ta, dtype, gen);
            Tensor b = matrix(K, N, tb, dtype, gen);
            expect_fast_matches_reference(a, b,
                                          dtype_name(dtype) + std::string(" M=") +
                                              std::to_string(M) + " N=" + std::to_string(N) +
                                              " K=" + std::to_string(K) + (ta ? " a^T" : "") +
                                              (tb ? " b^T" : ""));
          }
        }
      }
    }
  }
}

TEST(Linalg, FastBmmMatchesReferenceAcrossKSlicesAndColumnBlocks) {
  Generator gen(4);
  for (DType dtype : {DType::float32, DType::float64}) {
    // K = 520 spans several K slices of either GEMM, N = 300 two column blocks of the
    // DGEMM (KC = 128, NC = 256).
    Tensor a = matrix(70, 520, false, dtype, gen);
    Tensor b = matrix(520, 300, true, dtype, gen);
    expect_fast_matches_reference(a, b, std::string("big ") + dtype_name(dtype));
  }
}

TEST(Linalg, FastBmmReadsBatchedBroadcastAndSlicedOperandsInPlace) {
  Generator gen(5);
  // Batch dims broadcast (stride 0 in the kernel), and a sliced view with a row stride
  // larger than its width.
  Tensor a = rand({3, 1, 9, 20}, {}, &gen);
  Tensor b = rand({4, 20, 23}, {}, &gen).narrow(2, 2, 19);
  expect_fast_matches_reference(a, b, "broadcast batches");
  Tensor v = rand({20}, {}, &gen);
  expect_fast_matches_reference(a, v, "batched matrix-vector");
  expect_fast_matches_reference(v, b, "vector-batched matrix");
}

TEST(Linalg, SixteenBitOperandsComputeInFloat32AndKeepTheirDtype) {
  Tensor a = tensor({1.0f, 2.0f, 3.0f, 4.0f}).reshape({2, 2}).to(DType::bfloat16);
  Tensor out = matmul(a, a);
  EXPECT_EQ(out.dtype(), DType::bfloat16);
  EXPECT_EQ(out.to_vector<double>(), (std::vector<double>{7, 10, 15, 22}));
}

TEST(Linalg, EmptyInnerDimGivesZeros) {
  for (Backend backend : {Backend::ref, Backend::cpu}) {
    BackendGuard guard(backend);
    Tensor out = matmul(zeros({3, 0}), zeros({0, 4}));
    EXPECT_EQ(out.sizes(), (Shape{3, 4}));
    EXPECT_EQ(out.to_vector<double>(), std::vector<double>(12, 0.0));
  }
}

}  // namespace
}  // namespace ember
