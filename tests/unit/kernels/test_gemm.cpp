// ember's SGEMM (src/kernels/cpu/gemm/) against a plain triple loop in double, once per
// micro-kernel family this CPU can run (the others are skipped): shapes that hit every edge
// of every family's tiles (sizes around 6, 8, 16, 48 and their multiples), K slices and
// column blocks, operands read in place and packed (GemmPackAllGuard reaches the packing
// code with small shapes), all four transposes, leading dimensions larger than the rows,
// alpha and beta (beta = 0 over NaN), the fused epilogues, batches, broadcast and arbitrary
// strides, thread counts.
//
// Tolerance: a float dot product of K terms is off by at most about K eps sum_k |a_ik b_kj|
// (eps = 2^-24 per rounding); the check allows (K + 4) eps times the magnitude of every term
// of the result, plus the activation's own error (Note [GEMM activations]). An indexing or
// packing bug is off by O(1).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/parallel_for.h"
#include "ember/core/parallel.h"
#include "kernels/cpu/gemm/gemm.h"
#include "unit/kernels/gemm_check.h"

namespace ember::cpu {
namespace {

using gemm_check::activation_ref;
using gemm_check::kEps;
using gemm_check::kNaN;
using gemm_check::kSentinel;

const char* activation_name(GemmActivation act) {
  switch (act) {
    case GemmActivation::none:
      return "none";
    case GemmActivation::relu:
      return "relu";
    case GemmActivation::gelu:
      return "gelu";
    case GemmActivation::gelu_tanh:
      return "gelu_tanh";
  }
  return "?";
}

struct Case {
  int64_t M, N, K;
  Transpose ta = Transpose::no, tb = Transpose::no;
  float alpha = 1.f, beta = 0.f;
  bool bias = false;
  GemmActivation act = GemmActivation::none;
  int64_t pad = 0;  // extra elements per row of A, B and C
  bool nan_c = false;
  bool pack_all = false;  // run under a GemmPackAllGuard

  std::string str() const {
    std::ostringstream os;
    os << "M=" << M << " N=" << N << " K=" << K << " ta=" << (ta == Transpose::yes)
       << " tb=" << (tb == Transpose::yes) << " alpha=" << alpha << " beta=" << beta
       << " bias=" << bias << " act=" << activation_name(act) << " pad=" << pad
       << " nan_c=" << nan_c << " pack_all=" << pack_all;
    return os.str();
  }
};

// A row-major (rows, cols) matrix with row stride cols + pad: values uniform in [-1, 1),
// the padding NaN (reading it would poison the result).
struct Matrix {
  int64_t rows, cols, ld;
  std::vector<float> data;
  Matrix(int64_t r, int64_t c, int64_t pad, std::mt19937& rng)
      : rows(r), cols(c), ld(c + pad), data(static_cast<size_t>(std::max<int64_t>(r * ld, 1))) {
    std::uniform_real_distribution<float> u(-1.f, 1.f);
    for (int64_t i = 0; i < rows; ++i) {
      for (int64_t j = 0; j < ld; ++j) data[i * ld + j] = j < cols ? u(rng) : kNaN;
    }
  }
};

// Runs one case on the current family and checks every element of C, and that nothing
// outside C's M x N corner changed.
void check_case(const Case& c, std::mt19937& rng) {
  SCOPED_TRACE(c.str());
  const bool ta = c.ta == Transpose::yes, tb = c.tb == Transpose::yes;
  Matrix a(ta ? c.K : c.M, ta ? c.M : c.K, c.pad, rng);
  Matrix b(tb ? c.N : c.K, tb ? c.K : c.N, c.pad, rng);
  const int64_t ldc = c.N + c.pad;
  std::vector<float> C(static_cast<size_t>(std::max<int64_t>(c.M * ldc, 1)), kSentinel);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  for (int64_t i = 0; i < c.M; ++i) {
    for (int64_t j = 0; j < c.N; ++j) C[i * ldc + j] = c.nan_c ? kNaN : u(rng);
  }
  std::vector<float> bias(static_cast<size_t>(std::max<int64_t>(c.N, 1)));
  for (float& v : bias) v = u(rng);
  const std::vector<float> C0 = C;

  auto a_at = [&](int64_t i, int64_t k) {
    return ta ? a.data[k * a.ld + i] : a.data[i * a.ld + k];
  };
  auto b_at = [&](int64_t k, int64_t j) {
    return tb ? b.data[j * b.ld + k] : b.data[k * b.ld + j];
  };

  GemmEpilogue epilogue{c.bias ? bias.data() : nullptr, c.act};
  {
    std::optional<GemmPackAllGuard> pack_all;
    if (c.pack_all) pack_all.emplace();
    sgemm(c.ta, c.tb, c.M, c.N, c.K, c.alpha, a.data.data(), a.ld, b.data.data(), b.ld, c.beta,
          C.data(), ldc, &epilogue);
  }

  gemm_check::expect_result(
      {c.M, c.N, c.K, c.alpha, c.beta, c.bias, c.act},
      [&](int64_t i, int64_t j, int64_t k) {
        return static_cast<double>(a_at(i, k)) * b_at(k, j);
      },
      C0, C, ldc, bias);
}

class SgemmFamily : public ::testing::TestWithParam<GemmIsa> {
 protected:
  void SetUp() override {
    if (!gemm_isa_supported(GetParam())) {
      GTEST_SKIP() << gemm_isa_name(GetParam()) << " micro-kernels do not run on this CPU";
    }
    guard_ = std::make_unique<GemmIsaGuard>(GetParam());
    ASSERT_EQ(gemm_isa(), GetParam());
  }
  void TearDown() override { guard_.reset(); }

 private:
  std::unique_ptr<GemmIsaGuard> guard_;
};

const int64_t kSizes[] = {1, 2, 7, 15, 16, 17, 31, 33, 64, 65, 127, 130, 257};
constexpr int kNumSizes = sizeof(kSizes) / sizeof(kSizes[0]);

// Every (M, N) pair of the awkward sizes with two K each (together every K with every M and
// N), cycling through the transposes, the alpha/beta pairs, the epilogues, padding, and
// operands read in place or packed.
TEST_P(SgemmFamily, MatchesReferenceOnEveryEdgeShape) {
  std::mt19937 rng(7);
  const float alphas[] = {1.f, -0.5f, 2.f, 1.f};
  const float betas[] = {0.f, 1.f, -1.5f, 0.f};
  int index = 0;
  for (int im = 0; im < kNumSizes; ++im) {
    for (int in = 0; in < kNumSizes; ++in) {
      for (int ik : {(im + in) % kNumSizes, (im * 3 + in * 7 + 5) % kNumSizes}) {
        ++index;
        Case c{kSizes[im], kSizes[in], kSizes[ik]};
        c.ta = index % 2 ? Transpose::yes : Transpose::no;
        c.tb = (index / 2) % 2 ? Transpose::yes : Transpose::no;
        c.alpha = alphas[(index / 4) % 4];
        c.beta = betas[(index / 3) % 4];
        c.nan_c = c.beta == 0.f && index % 5 == 0;
        c.bias = index % 3 == 0;
        c.act = static_cast<GemmActivation>((index / 5) % 4);
        c.pad = index % 7 == 0 ? 0 : index % 4 + 1;
        c.pack_all = (index / 8) % 2 == 1;
        check_case(c, rng);
        if (HasFatalFailure()) return;
      }
    }
  }
}

// The four transposes, each with its operands read in place (as far as the layout allows)
// and packed, on square, short-wide and tall-skinny shapes.
TEST_P(SgemmFamily, EveryTransposeInPlaceAndPacked) {
  std::mt19937 rng(11);
  const Case shapes[] = {{127, 129, 127}, {130, 131, 129}, {9, 1000, 100},
                         {1000, 9, 300},  {48, 48, 48},    {96, 97, 250}};
  for (Case c : shapes) {
    for (int t = 0; t < 8; ++t) {
      c.ta = t % 2 ? Transpose::yes : Transpose::no;
      c.tb = (t / 2) % 2 ? Transpose::yes : Transpose::no;
      c.pack_all = t / 4 == 1;
      c.beta = t % 4 == 3 ? 0.75f : 0.f;
      c.pad = t % 4;
      check_case(c, rng);
      if (HasFatalFailure()) return;
    }
  }
}

// Column blocks (N > NC), several K slices (K > KC) and a packed B too large to keep whole
// (K N > 2^21: run as column chunks), with beta applied once, on the first slice, and the
// epilogue once, on the last, with each chunk's own bias.
TEST_P(SgemmFamily, ColumnBlocksAndKSlicesApplyBetaAndEpilogueOnce) {
  std::mt19937 rng(13);
  const Case shapes[] = {{9, 1201, 20}, {17, 50, 1100}, {33, 700, 530}, {3, 2100, 1100}};
  for (Case c : shapes) {
    c.beta = 0.5f;
    c.alpha = 1.5f;
    c.bias = true;
    c.act = GemmActivation::gelu;
    c.tb = Transpose::yes;
    check_case(c, rng);
    c.act = GemmActivation::relu;
    c.tb = Transpose::no;
    c.ta = Transpose::yes;
    check_case(c, rng);
    c.ta = Transpose::no;
    c.pack_all = true;
    check_case(c, rng);
  }
}

TEST_P(SgemmFamily, BetaZeroOverwritesNaNInC) {
  std::mt19937 rng(17);
  for (int64_t n : {1, 7, 16, 48, 50}) {
    Case c{13, n, 19};
    c.nan_c = true;
    check_case(c, rng);
    c.M = 200;
    c.K = 300;
    check_case(c, rng);
  }
}

TEST_P(SgemmFamily, EpiloguesOnLargeAndSpecialValues) {
  // One column of B per value: C = x through a 1 x 1 product, then bias and activation.
  const std::vector<float> xs = {
      -1e30f, -100.f, -10.f, -5.7f,  -3.f,  -1.f,
      -1e-3f, -0.f,   0.f,   1e-30f, 1e-3f, 0.5f,
      1.f,    2.9f,   6.f,   50.f,   1e30f, std::numeric_limits<float>::infinity(),
      kNaN};
  const int64_t N = static_cast<int64_t>(xs.size());
  const float one = 1.f;
  for (GemmActivation act :
       {GemmActivation::relu, GemmActivation::gelu, GemmActivation::gelu_tanh}) {
    SCOPED_TRACE(activation_name(act));
    std::vector<float> c(xs.size(), kNaN);
    GemmEpilogue epilogue{nullptr, act};
    sgemm(Transpose::no, Transpose::no, 1, N, 1, 1.f, &one, 1, xs.data(), N, 0.f, c.data(), N,
          &epilogue);
    for (int64_t j = 0; j < N; ++j) {
      const double x = xs[j];
      if (std::isnan(x)) {
        EXPECT_TRUE(std::isnan(c[j])) << "NaN must propagate, got " << c[j];
        continue;
      }
      if (std::isinf(x)) {
        EXPECT_EQ(c[j], xs[j]) << "+inf maps to itself";
        continue;
      }
      const double expected = activation_ref(x, act);
      EXPECT_NEAR(c[j], expected, 3e-7 * std::max(1.0, std::fabs(x))) << "x = " << x;
    }
  }
}

// alpha == 0 or K == 0: C = act(beta C + bias) without reading A or B (both NaN here).
TEST_P(SgemmFamily, AlphaZeroAndEmptyKReadNeitherOperand) {
  const int64_t M = 5, N = 7;
  std::vector<float> a(M * 3, kNaN), b(3 * N, kNaN), bias(N);
  for (int64_t j = 0; j < N; ++j) bias[j] = static_cast<float>(j) - 3.f;
  for (int64_t K : {0, 3}) {
    for (float beta : {0.f, 2.f}) {
      std::vector<float> c(M * N);
      for (int64_t i = 0; i < M * N; ++i) c[i] = beta == 0.f ? kNaN : static_cast<float>(i % 5);
      const std::vector<float> c0 = c;
      GemmEpilogue epilogue{bias.data(), GemmActivation::relu};
      sgemm(Transpose::no, Transpose::no, M, N, K, K == 0 ? 1.f : 0.f, a.data(), 3, b.data(), N,
            beta, c.data(), N, &epilogue);
      for (int64_t i = 0; i < M; ++i) {
        for (int64_t j = 0; j < N; ++j) {
          const double pre = (beta == 0.f ? 0.0 : beta * c0[i * N + j]) + bias[j];
          EXPECT_EQ(c[i * N + j], static_cast<float>(std::max(pre, 0.0)))
              << "K=" << K << " beta=" << beta << " at " << i << "," << j;
        }
      }
    }
  }
}

TEST_P(SgemmFamily, EmptyOutputWritesNothing) {
  std::vector<float> c(4, kSentinel), a(4, 1.f), b(4, 1.f);
  sgemm(Transpose::no, Transpose::no, 0, 2, 2, 1.f, a.data(), 2, b.data(), 2, 0.f, c.data(), 2);
  sgemm(Transpose::no, Transpose::no, 2, 0, 2, 1.f, a.data(), 2, b.data(), 2, 0.f, c.data(), 2);
  sgemm_strided_batched(Transpose::no, Transpose::no, 2, 2, 2, 1.f, a.data(), 2, 0, b.data(), 2, 0,
                        0.f, c.data(), 2, 4, 0);
  EXPECT_EQ(c, std::vector<float>(4, kSentinel));
}

// Operands with no unit stride (a column of a wider matrix, every other element) are packed
// element by element; the result is the same product.
TEST_P(SgemmFamily, ArbitraryStridesAndBroadcastOperands) {
  std::mt19937 rng(19);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  for (int64_t size : {5, 40, 150}) {
    const int64_t M = size, N = size + 3, K = size + 1;
    std::vector<float> a(static_cast<size_t>(M * K * 6)), b(static_cast<size_t>(K * N * 6));
    for (float& v : a) v = u(rng);
    for (float& v : b) v = u(rng);
    // a(i, k) = a[i * 3 + k * 3 M], b(k, j) = b[k * 2 + j * 4 K]; B broadcast over the batch.
    const GemmOperand A{a.data(), 3, 3 * M, 1};
    const GemmOperand B{b.data(), 2, 4 * K, 0};
    const int64_t batch = 3;
    std::vector<float> c(static_cast<size_t>(batch * M * N));
    sgemm_batched(batch, M, N, K, 1.f, A, B, 0.f, c.data(), N, M * N);
    for (int64_t p = 0; p < batch; ++p) {
      for (int64_t i = 0; i < M; ++i) {
        for (int64_t j = 0; j < N; ++j) {
          double dot = 0, mag = 0;
          for (int64_t k = 0; k < K; ++k) {
            const double t = static_cast<double>(a[p + i * 3 + k * 3 * M]) * b[k * 2 + j * 4 * K];
            dot += t;
            mag += std::fabs(t);
          }
          ASSERT_NEAR(c[(p * M + i) * N + j], dot, (K + 4) * kEps * mag)
              << "size " << size << " batch " << p << " at " << i << "," << j;
        }
      }
    }
  }
}

// A batch equals the loop of its products, bit for bit, whether the batch runs one product
// per thread (small products) or every product on the whole team (large ones), and with a
// stride-0 (broadcast) operand.
TEST_P(SgemmFamily, StridedBatchedEqualsLoopOfProducts) {
  std::mt19937 rng(23);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  const int previous = num_threads();
  set_num_threads(2);
  for (int64_t size : {3, 33, 200}) {
    const int64_t M = size, N = size + 5, K = size + 2, batch = 5;
    std::vector<float> a(static_cast<size_t>(batch * K * M)), b(static_cast<size_t>(K * N));
    for (float& v : a) v = u(rng);
    for (float& v : b) v = u(rng);
    std::vector<float> bias(static_cast<size_t>(N));
    for (float& v : bias) v = u(rng);
    GemmEpilogue epilogue{bias.data(), GemmActivation::gelu_tanh};
    for (bool pack : {false, true}) {
      std::optional<GemmPackAllGuard> pack_all;
      if (pack) pack_all.emplace();
      std::vector<float> batched(static_cast<size_t>(batch * M * N), 1.f), looped = batched;
      sgemm_strided_batched(Transpose::yes, Transpose::no, M, N, K, 0.5f, a.data(), M, K * M,
                            b.data(), N, 0, 2.f, batched.data(), N, M * N, batch, &epilogue);
      for (int64_t p = 0; p < batch; ++p) {
        sgemm(Transpose::yes, Transpose::no, M, N, K, 0.5f, a.data() + p * K * M, M, b.data(), N,
              2.f, looped.data() + p * M * N, N, &epilogue);
      }
      EXPECT_EQ(batched, looped) << "size " << size << " pack_all " << pack;
    }
  }
  set_num_threads(previous);
}

// Slicing never depends on the thread count (Note [GEMM blocking]): 1, 2 and 3 threads give
// identical bits, for tall-skinny, short-wide and square products.
TEST_P(SgemmFamily, ResultIsIdenticalForEveryThreadCount) {
  std::mt19937 rng(29);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  const int previous = num_threads();
  const Case shapes[] = {{1000, 65, 384}, {64, 65, 384}, {20, 900, 300}, {300, 300, 300}};
  for (const Case& c : shapes) {
    std::vector<float> a(static_cast<size_t>(c.M * c.K)), b(static_cast<size_t>(c.K * c.N));
    for (float& v : a) v = u(rng);
    for (float& v : b) v = u(rng);
    for (bool pack : {false, true}) {
      std::optional<GemmPackAllGuard> pack_all;
      if (pack) pack_all.emplace();
      std::vector<std::vector<float>> results;
      for (int threads : {1, 2, 3}) {
        set_num_threads(threads);
        std::vector<float> out(static_cast<size_t>(c.M * c.N), kNaN);
        sgemm(Transpose::no, Transpose::no, c.M, c.N, c.K, 1.f, a.data(), c.K, b.data(), c.N, 0.f,
              out.data(), c.N);
        results.push_back(std::move(out));
      }
      EXPECT_EQ(results[0], results[1]) << c.str() << " pack_all " << pack;
      EXPECT_EQ(results[0], results[2]) << c.str() << " pack_all " << pack;
    }
  }
  set_num_threads(previous);
}

// A small packed B is packed by every thread of the team for itself (Note [GEMM threads]):
// transposed B of partial column panels and several K slices, on 2 and 3 threads.
TEST_P(SgemmFamily, SmallPackedBOnSeveralThreads) {
  std::mt19937 rng(37);
  const int previous = num_threads();
  const Case shapes[] = {{64, 65, 384}, {70, 17, 600}, {130, 100, 129}, {17, 40, 1000}};
  for (int threads : {2, 3}) {
    set_num_threads(threads);
    for (Case c : shapes) {
      c.tb = Transpose::yes;
      c.beta = threads == 2 ? 0.f : 0.5f;
      c.bias = true;
      c.pad = threads - 1;
      check_case(c, rng);
      c.ta = Transpose::yes;
      c.act = GemmActivation::relu;
      check_case(c, rng);
    }
  }
  set_num_threads(previous);
}

// Called from inside a parallel region, sgemm runs serially on each caller's thread (with
// that thread's own packing buffer) instead of nesting or deadlocking on a barrier.
TEST_P(SgemmFamily, CallsFromInsideAParallelRegionRunSerially) {
  const int64_t M = 150, N = 140, K = 300, calls = 4;
  std::vector<float> a(M * K, 0.5f), b(K * N, 0.25f);
  std::vector<float> c(static_cast<size_t>(calls * M * N), kNaN);
  const int previous = num_threads();
  set_num_threads(2);
  parallel_for(0, calls, kParallelGrain, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      sgemm(Transpose::no, Transpose::no, M, N, K, 1.f, a.data(), K, b.data(), N, 0.f,
            c.data() + i * M * N, N);
    }
  });
  set_num_threads(previous);
  EXPECT_EQ(c, std::vector<float>(c.size(), 0.125f * K));
}

// Reading an operand in place or from its packed copy feeds the micro-kernel the same values
// in the same order: the results agree bit for bit, whatever the layout.
TEST_P(SgemmFamily, PackingDoesNotChangeResults) {
  std::mt19937 rng(31);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  const int64_t M = 70, N = 61, K = 300;
  std::vector<float> a(static_cast<size_t>(M * K)), b(static_cast<size_t>(K * N));
  for (float& v : a) v = u(rng);
  for (float& v : b) v = u(rng);
  for (int t = 0; t < 4; ++t) {
    const Transpose ta = t % 2 ? Transpose::yes : Transpose::no;
    const Transpose tb = t / 2 ? Transpose::yes : Transpose::no;
    std::vector<float> in_place(static_cast<size_t>(M * N)), packed(in_place.size());
    sgemm(ta, tb, M, N, K, 1.f, a.data(), ta == Transpose::no ? K : M, b.data(),
          tb == Transpose::no ? N : K, 0.f, in_place.data(), N);
    {
      GemmPackAllGuard pack_all;
      sgemm(ta, tb, M, N, K, 1.f, a.data(), ta == Transpose::no ? K : M, b.data(),
            tb == Transpose::no ? N : K, 0.f, packed.data(), N);
    }
    EXPECT_EQ(in_place, packed) << "transposes " << t;
  }
}

INSTANTIATE_TEST_SUITE_P(Sgemm, SgemmFamily,
                         ::testing::Values(GemmIsa::generic, GemmIsa::avx2, GemmIsa::avx512),
                         [](const ::testing::TestParamInfo<GemmIsa>& info) {
                           return std::string(gemm_isa_name(info.param));
                         });

TEST(Sgemm, DefaultFamilyIsTheWidestSupportedAndGuardsRestoreIt) {
  const GemmIsa best = gemm_isa_supported(GemmIsa::avx512) ? GemmIsa::avx512
                       : gemm_isa_supported(GemmIsa::avx2) ? GemmIsa::avx2
                                                           : GemmIsa::generic;
  EXPECT_EQ(gemm_isa(), best);
  EXPECT_TRUE(gemm_isa_supported(GemmIsa::generic));
  {
    GemmIsaGuard guard(GemmIsa::generic);
    EXPECT_EQ(gemm_isa(), GemmIsa::generic);
  }
  EXPECT_EQ(gemm_isa(), best);
}

}  // namespace
}  // namespace ember::cpu
