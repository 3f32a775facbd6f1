// ember's bfloat16 GEMM (src/kernels/cpu/gemm/bf16_gemm.h) against a plain triple loop that
// rounds A and B to bfloat16 with BFloat16's conversion and sums in double, once per path
// this CPU can run: AVX512-BF16, and the portable path on each of sgemm's micro-kernel
// families (the others are skipped). Shapes hit every edge of the tiles (8 x 48 for
// AVX512-BF16 and AVX-512, 6 x 16 and 6 x 8 for the others), odd K (a padded pair), several
// K slices (K > 512) and column chunks; all four transposes, float32 and bfloat16 operands,
// leading dimensions larger than the rows, alpha and beta (beta = 0 over NaN), bias and the
// activations, batches, broadcast and arbitrary strides, thread counts. Then the two paths
// against each other, and the float32 matmul precision setting that routes matmul, bmm and
// linear here.
//
// Tolerance: the product of two bfloat16 values (8 significant bits each) is exact in
// float32 (24), so against the double sum of the same rounded products the only error is
// float32 summation: at most about K roundings of eps = 2^-24 of a partial sum, each partial
// sum bounded by sum_k |a_ik b_kj|. The check allows (K + 4) eps times the magnitude of every
// term of the result (the 4: alpha, beta C, bias, one spare), plus the activation's own error
// (Note [GEMM activations]), as the SGEMM test does. Forgetting to round an operand, or
// rounding it the wrong way, is off by about 2^-9 of a term: above this bound for every K
// these tests use (and an indexing or packing bug is off by O(1)).
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
#include "ember/ember.h"
#include "kernels/cpu/gemm/bf16_gemm.h"
#include "unit/kernels/gemm_check.h"

namespace ember::cpu {
namespace {

using gemm_check::activation_ref;
using gemm_check::kEps;
using gemm_check::kNaN;
using gemm_check::kSentinel;

float round_bf16(float x) { return static_cast<float>(BFloat16(x)); }

// A row-major (rows, cols) matrix with row stride cols + pad, as float32 values uniform in
// [-1, 1) (full float32 precision: the rounding matters) and as their bfloat16 roundings;
// the padding is NaN (reading it would poison the result).
struct Matrix {
  int64_t rows, cols, ld;
  std::vector<float> f32;
  std::vector<BFloat16> bf16;
  Matrix(int64_t r, int64_t c, int64_t pad, std::mt19937& rng)
      : rows(r), cols(c), ld(c + pad), f32(static_cast<size_t>(std::max<int64_t>(r * ld, 1))) {
    std::uniform_real_distribution<float> u(-1.f, 1.f);
    for (int64_t i = 0; i < rows; ++i) {
      for (int64_t j = 0; j < ld; ++j) f32[i * ld + j] = j < cols ? u(rng) : kNaN;
    }
    bf16.assign(f32.begin(), f32.end());
  }
  // The value the GEMM multiplies: the float32 value rounded, or the stored bfloat16 (the
  // same number).
  double at(int64_t i, int64_t j) const { return round_bf16(f32[i * ld + j]); }
};

struct Case {
  int64_t M, N, K;
  Transpose ta = Transpose::no, tb = Transpose::no;
  bool a_bf16 = false, b_bf16 = false;  // bfloat16 operands instead of float32 ones
  float alpha = 1.f, beta = 0.f;
  bool bias = false;
  GemmActivation act = GemmActivation::none;
  int64_t pad = 0;  // extra elements per row of A, B and C
  bool nan_c = false;

  std::string str() const {
    std::ostringstream os;
    os << "M=" << M << " N=" << N << " K=" << K << " ta=" << (ta == Transpose::yes)
       << " tb=" << (tb == Transpose::yes) << " a_bf16=" << a_bf16 << " b_bf16=" << b_bf16
       << " alpha=" << alpha << " beta=" << beta << " bias=" << bias
       << " act=" << static_cast<int>(act) << " pad=" << pad << " nan_c=" << nan_c;
    return os.str();
  }
};

Bf16GemmOperand operand(const Matrix& m, Transpose t, bool use_bf16) {
  const int64_t rs = t == Transpose::no ? m.ld : 1, cs = t == Transpose::no ? 1 : m.ld;
  if (use_bf16) return Bf16GemmOperand(m.bf16.data(), rs, cs);
  return GemmOperand{m.f32.data(), rs, cs};
}

// Runs one case on the current path and checks every element of C, and that nothing outside
// C's M x N corner changed.
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

  GemmEpilogue epilogue{c.bias ? bias.data() : nullptr, c.act};
  bf16_gemm_batched(1, c.M, c.N, c.K, c.alpha, operand(a, c.ta, c.a_bf16),
                    operand(b, c.tb, c.b_bf16), c.beta, C.data(), ldc, 0, &epilogue);

  gemm_check::expect_result(
      {c.M, c.N, c.K, c.alpha, c.beta, c.bias, c.act},
      [&](int64_t i, int64_t j, int64_t k) {
        return (ta ? a.at(k, i) : a.at(i, k)) * (tb ? b.at(j, k) : b.at(k, j));
      },
      C0, C, ldc, bias);
}

// A path of the bfloat16 GEMM; the portable one once per sgemm micro-kernel family.
struct Path {
  Bf16GemmIsa isa;
  GemmIsa family;  // the portable path's micro-kernels

  std::string name() const {
    return isa == Bf16GemmIsa::portable ? std::string("portable_") + gemm_isa_name(family)
                                        : bf16_gemm_isa_name(isa);
  }
};

class Bf16GemmPath : public ::testing::TestWithParam<Path> {
 protected:
  void SetUp() override {
    const Path p = GetParam();
    if (!bf16_gemm_isa_supported(p.isa) || !gemm_isa_supported(p.family)) {
      GTEST_SKIP() << p.name() << " does not run on this CPU";
    }
    isa_guard_ = std::make_unique<Bf16GemmIsaGuard>(p.isa);
    family_guard_ = std::make_unique<GemmIsaGuard>(p.family);
    ASSERT_EQ(bf16_gemm_isa(), p.isa);
  }
  void TearDown() override {
    family_guard_.reset();
    isa_guard_.reset();
  }

 private:
  std::unique_ptr<Bf16GemmIsaGuard> isa_guard_;
  std::unique_ptr<GemmIsaGuard> family_guard_;
};

// Around every tile size (6, 8, 16, 48) and its multiples, plus 1 and sizes of no pattern.
const int64_t kSizes[] = {1, 2, 7, 8, 9, 16, 17, 33, 47, 48, 49, 97, 130};
constexpr int kNumSizes = sizeof(kSizes) / sizeof(kSizes[0]);
// Odd and even, one pair and many, one K slice and several (the pair path's KC is 512, the
// portable one's 256).
const int64_t kDepths[] = {1, 2, 3, 5, 31, 32, 33, 64, 127, 255, 257, 300, 513};
constexpr int kNumDepths = sizeof(kDepths) / sizeof(kDepths[0]);

// Every (M, N) pair of the awkward sizes with two K each, cycling through the transposes,
// the operand dtypes, alpha/beta, the epilogues and padding.
TEST_P(Bf16GemmPath, MatchesBf16ReferenceOnEveryEdgeShape) {
  std::mt19937 rng(7);
  const float alphas[] = {1.f, -0.5f, 2.f, 1.f};
  const float betas[] = {0.f, 1.f, -1.5f, 0.f};
  int index = 0;
  for (int im = 0; im < kNumSizes; ++im) {
    for (int in = 0; in < kNumSizes; ++in) {
      for (int ik : {(im + in) % kNumDepths, (im * 3 + in * 7 + 5) % kNumDepths}) {
        ++index;
        Case c{kSizes[im], kSizes[in], kDepths[ik]};
        c.ta = index % 2 ? Transpose::yes : Transpose::no;
        c.tb = (index / 2) % 2 ? Transpose::yes : Transpose::no;
        c.a_bf16 = (index / 4) % 3 == 1;
        c.b_bf16 = (index / 4) % 3 == 2 || index % 11 == 0;
        c.alpha = alphas[(index / 4) % 4];
        c.beta = betas[(index / 3) % 4];
        c.nan_c = c.beta == 0.f && index % 5 == 0;
        c.bias = index % 3 == 0;
        c.act = static_cast<GemmActivation>((index / 5) % 4);
        c.pad = index % 7 == 0 ? 0 : index % 4 + 1;
        check_case(c, rng);
        if (HasFatalFailure()) return;
      }
    }
  }
}

// The four transposes with both operand dtypes on square, short-wide, tall-skinny shapes and
// one of three K slices whose last pair is padded.
TEST_P(Bf16GemmPath, EveryTransposeAndOperandDtype) {
  std::mt19937 rng(11);
  const Case shapes[] = {
      {127, 129, 127}, {9, 1000, 100}, {1000, 9, 301}, {48, 48, 48}, {96, 97, 1025}};
  for (Case c : shapes) {
    for (int t = 0; t < 16; ++t) {
      c.ta = t % 2 ? Transpose::yes : Transpose::no;
      c.tb = (t / 2) % 2 ? Transpose::yes : Transpose::no;
      c.a_bf16 = (t / 4) % 2 == 1;
      c.b_bf16 = t / 8 == 1;
      c.beta = t % 4 == 3 ? 0.75f : 0.f;
      c.pad = t % 3;
      check_case(c, rng);
      if (HasFatalFailure()) return;
    }
  }
}

// Column blocks (N > NC), several K slices and a packed B too large to keep whole (run as
// column chunks, each with its own bias), with beta applied once, on the first slice, and the
// epilogue once, on the last.
TEST_P(Bf16GemmPath, ColumnChunksAndKSlicesApplyBetaAndEpilogueOnce) {
  std::mt19937 rng(13);
  const Case shapes[] = {{9, 1201, 20}, {17, 50, 1100}, {3, 4100, 1101}};
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
    c.b_bf16 = true;
    check_case(c, rng);
  }
}

// Values whose bfloat16 roundings are multiples of 1/8 in [-2, 2] (a ulp or less away from
// them, either side, and exact ties between two bfloat16 values): every product and partial
// sum is then exact in float32, so the result must equal the double reference bit for bit,
// whatever the order of the sums. A conversion that truncates, rounds ties away from zero or
// forgets to round fails here, as does one that rounds differently on the two paths.
TEST_P(Bf16GemmPath, RoundsToNearestEvenLikeBFloat16) {
  std::mt19937 rng(17);
  std::uniform_int_distribution<int> eighths(-16, 16);
  std::uniform_int_distribution<int> nudge(0, 4);
  auto value = [&] {
    const float q = static_cast<float>(eighths(rng)) / 8.f;
    if (q == 0.f) return q;
    // The bfloat16 ulp above |q| (at most 2^-6 for |q| <= 2), and below it: half that when
    // |q| is a power of two. Nudges of 3/8 ulp round back to q; half-ulp nudges are ties,
    // which go to q too: q has at most 5 significant bits, so its last mantissa bit is 0.
    const float up = std::ldexp(1.f, std::ilogb(q) - 7);
    const float down = std::fabs(q) == std::ldexp(1.f, std::ilogb(q)) ? up / 2 : up;
    const float sign = q < 0.f ? -1.f : 1.f;
    switch (nudge(rng)) {
      case 0:
        return q;
      case 1:
        return q + sign * 0.375f * up;
      case 2:
        return q - sign * 0.375f * down;
      case 3:
        return q + sign * 0.5f * up;  // a tie
      default:
        return q - sign * 0.5f * down;  // a tie
    }
  };
  for (int64_t K : {1, 2, 7, 64, 301, 1025}) {
    const int64_t M = 19, N = 53;
    std::vector<float> a(static_cast<size_t>(M * K)), b(static_cast<size_t>(K * N));
    for (float& v : a) v = value();
    for (float& v : b) v = value();
    std::vector<float> c(static_cast<size_t>(M * N), kNaN);
    bf16_gemm(Transpose::no, Transpose::no, M, N, K, 1.f, a.data(), K, b.data(), N, 0.f, c.data(),
              N);
    for (int64_t i = 0; i < M; ++i) {
      for (int64_t j = 0; j < N; ++j) {
        double dot = 0;
        for (int64_t k = 0; k < K; ++k) {
          dot += static_cast<double>(round_bf16(a[i * K + k])) * round_bf16(b[k * N + j]);
        }
        ASSERT_EQ(c[i * N + j], dot) << "K=" << K << " at " << i << "," << j;
      }
    }
  }
  // The ties themselves: 1 + 2^-8 lies halfway between 1 and 1 + 2^-7 and goes to 1 (even);
  // 1 + 3 2^-8 halfway between 1 + 2^-7 and 1 + 2^-6 and goes up.
  const float a[4] = {1.f + 0x1p-8f, 1.f + 3 * 0x1p-8f, -(1.f + 0x1p-8f), 0.f};
  const float b[4] = {1.f, 1.f, 0.f, 0.f};
  float c[2] = {kNaN, kNaN};
  bf16_gemm(Transpose::no, Transpose::yes, 2, 1, 2, 1.f, a, 2, b, 2, 0.f, c, 1);
  EXPECT_EQ(c[0], 1.f + 1.f + 0x1p-6f) << "ties to even";
  EXPECT_EQ(c[1], -1.f) << "ties to even, negative";
}

TEST_P(Bf16GemmPath, NaNAndInfinityPropagate) {
  const int64_t M = 9, N = 50, K = 7;
  std::vector<float> a(M * K, 0.5f), b(K * N, 0.25f), c(M * N, 0.f);
  a[3 * K + 2] = kNaN;                                     // row 3
  b[4 * N + 10] = std::numeric_limits<float>::infinity();  // column 10
  bf16_gemm(Transpose::no, Transpose::no, M, N, K, 1.f, a.data(), K, b.data(), N, 0.f, c.data(), N);
  for (int64_t i = 0; i < M; ++i) {
    for (int64_t j = 0; j < N; ++j) {
      const float v = c[i * N + j];
      if (i == 3) {
        EXPECT_TRUE(std::isnan(v)) << i << "," << j;
      } else if (j == 10) {
        EXPECT_EQ(v, std::numeric_limits<float>::infinity()) << i << "," << j;
      } else {
        EXPECT_EQ(v, 0.125f * K) << i << "," << j;
      }
    }
  }
}

// alpha == 0 or K == 0: C = act(beta C + bias) without reading A or B (both NaN here).
TEST_P(Bf16GemmPath, AlphaZeroAndEmptyKReadNeitherOperand) {
  const int64_t M = 5, N = 7;
  std::vector<float> a(M * 3, kNaN), b(3 * N, kNaN), bias(N);
  for (int64_t j = 0; j < N; ++j) bias[j] = static_cast<float>(j) - 3.f;
  for (int64_t K : {0, 3}) {
    for (float beta : {0.f, 2.f}) {
      std::vector<float> c(M * N);
      for (int64_t i = 0; i < M * N; ++i) c[i] = beta == 0.f ? kNaN : static_cast<float>(i % 5);
      const std::vector<float> c0 = c;
      GemmEpilogue epilogue{bias.data(), GemmActivation::relu};
      bf16_gemm(Transpose::no, Transpose::no, M, N, K, K == 0 ? 1.f : 0.f, a.data(), 3, b.data(), N,
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
  std::vector<float> c(4, kSentinel);
  bf16_gemm(Transpose::no, Transpose::no, 0, 2, 2, 1.f, a.data(), 2, b.data(), 2, 0.f, c.data(), 2);
  bf16_gemm(Transpose::no, Transpose::no, 2, 0, 2, 1.f, a.data(), 2, b.data(), 2, 0.f, c.data(), 2);
  EXPECT_EQ(c, std::vector<float>(4, kSentinel));
}

// Operands with no unit stride (packed element by element), a broadcast B, and a batch of
// bfloat16 operands: the same products.
TEST_P(Bf16GemmPath, ArbitraryStridesAndBroadcastOperands) {
  std::mt19937 rng(19);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  for (int64_t size : {5, 40, 150}) {
    for (bool use_bf16 : {false, true}) {
      const int64_t M = size, N = size + 3, K = size + 1;
      std::vector<float> a(static_cast<size_t>(M * K * 6)), b(static_cast<size_t>(K * N * 6));
      for (float& v : a) v = u(rng);
      for (float& v : b) v = u(rng);
      const std::vector<BFloat16> a16(a.begin(), a.end()), b16(b.begin(), b.end());
      // a(i, k) = a[i * 3 + k * 3 M], b(k, j) = b[k * 2 + j * 4 K]; B broadcast over the batch.
      const Bf16GemmOperand A = use_bf16 ? Bf16GemmOperand(a16.data(), 3, 3 * M, 1)
                                         : Bf16GemmOperand(GemmOperand{a.data(), 3, 3 * M, 1});
      const Bf16GemmOperand B = use_bf16 ? Bf16GemmOperand(b16.data(), 2, 4 * K, 0)
                                         : Bf16GemmOperand(GemmOperand{b.data(), 2, 4 * K, 0});
      const int64_t batch = 3;
      std::vector<float> c(static_cast<size_t>(batch * M * N));
      bf16_gemm_batched(batch, M, N, K, 1.f, A, B, 0.f, c.data(), N, M * N);
      for (int64_t p = 0; p < batch; ++p) {
        for (int64_t i = 0; i < M; ++i) {
          for (int64_t j = 0; j < N; ++j) {
            double dot = 0, mag = 0;
            for (int64_t k = 0; k < K; ++k) {
              const double t = static_cast<double>(round_bf16(a[p + i * 3 + k * 3 * M])) *
                               round_bf16(b[k * 2 + j * 4 * K]);
              dot += t;
              mag += std::fabs(t);
            }
            ASSERT_NEAR(c[(p * M + i) * N + j], dot, (K + 4) * kEps * mag)
                << "size " << size << " bf16 " << use_bf16 << " batch " << p << " at " << i << ","
                << j;
          }
        }
      }
    }
  }
}

// A batch equals the loop of its products, bit for bit, whether it runs one product per
// thread (small products) or every product on the whole team (large ones).
TEST_P(Bf16GemmPath, StridedBatchedEqualsLoopOfProducts) {
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
    std::vector<float> batched(static_cast<size_t>(batch * M * N), 1.f), looped = batched;
    bf16_gemm_batched(batch, M, N, K, 0.5f, GemmOperand{a.data(), 1, M, K * M},
                      GemmOperand{b.data(), N, 1, 0}, 2.f, batched.data(), N, M * N, &epilogue);
    for (int64_t p = 0; p < batch; ++p) {
      bf16_gemm(Transpose::yes, Transpose::no, M, N, K, 0.5f, a.data() + p * K * M, M, b.data(), N,
                2.f, looped.data() + p * M * N, N, &epilogue);
    }
    EXPECT_EQ(batched, looped) << "size " << size;
  }
  set_num_threads(previous);
}

// Slicing never depends on the thread count: 1, 2 and 3 threads give identical bits.
TEST_P(Bf16GemmPath, ResultIsIdenticalForEveryThreadCount) {
  std::mt19937 rng(29);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  const int previous = num_threads();
  const Case shapes[] = {{1000, 65, 384}, {64, 65, 385}, {20, 900, 300}, {300, 300, 1030}};
  for (const Case& c : shapes) {
    std::vector<float> a(static_cast<size_t>(c.M * c.K)), b(static_cast<size_t>(c.K * c.N));
    for (float& v : a) v = u(rng);
    for (float& v : b) v = u(rng);
    std::vector<std::vector<float>> results;
    for (int threads : {1, 2, 3}) {
      set_num_threads(threads);
      std::vector<float> out(static_cast<size_t>(c.M * c.N), kNaN);
      bf16_gemm(Transpose::no, Transpose::yes, c.M, c.N, c.K, 1.f, a.data(), c.K, b.data(), c.K,
                0.f, out.data(), c.N);
      results.push_back(std::move(out));
    }
    EXPECT_EQ(results[0], results[1]) << c.str();
    EXPECT_EQ(results[0], results[2]) << c.str();
  }
  set_num_threads(previous);
}

// Called from inside a parallel region, the GEMM runs serially on each caller's thread.
TEST_P(Bf16GemmPath, CallsFromInsideAParallelRegionRunSerially) {
  const int64_t M = 150, N = 140, K = 301, calls = 4;
  std::vector<float> a(M * K, 0.5f), b(K * N, 0.25f);
  std::vector<float> c(static_cast<size_t>(calls * M * N), kNaN);
  const int previous = num_threads();
  set_num_threads(2);
  parallel_for(0, calls, kParallelGrain, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      bf16_gemm(Transpose::no, Transpose::no, M, N, K, 1.f, a.data(), K, b.data(), N, 0.f,
                c.data() + i * M * N, N);
    }
  });
  set_num_threads(previous);
  EXPECT_EQ(c, std::vector<float>(c.size(), 0.125f * K));
}

INSTANTIATE_TEST_SUITE_P(Bf16Gemm, Bf16GemmPath,
                         ::testing::Values(Path{Bf16GemmIsa::avx512_bf16, GemmIsa::avx512},
                                           Path{Bf16GemmIsa::portable, GemmIsa::avx512},
                                           Path{Bf16GemmIsa::portable, GemmIsa::avx2},
                                           Path{Bf16GemmIsa::portable, GemmIsa::generic}),
                         [](const ::testing::TestParamInfo<Path>& info) {
                           return info.param.name();
                         });

TEST(Bf16Gemm, DefaultPathIsAvx512Bf16WhereSupportedAndGuardsRestoreIt) {
  const Bf16GemmIsa best = bf16_gemm_isa_supported(Bf16GemmIsa::avx512_bf16)
                               ? Bf16GemmIsa::avx512_bf16
                               : Bf16GemmIsa::portable;
  EXPECT_EQ(bf16_gemm_isa(), best);
  EXPECT_TRUE(bf16_gemm_isa_supported(Bf16GemmIsa::portable));
  if (bf16_gemm_isa_supported(Bf16GemmIsa::avx512_bf16)) {  // (a build may lack the kernels)
    EXPECT_TRUE(cpu_features().avx512_bf16 && cpu_features().avx512bw && cpu_features().avx512vl);
  }
  {
    Bf16GemmIsaGuard guard(Bf16GemmIsa::portable);
    EXPECT_EQ(bf16_gemm_isa(), Bf16GemmIsa::portable);
  }
  EXPECT_EQ(bf16_gemm_isa(), best);
}

// The AVX512-BF16 path and the portable one compute the same rounded products and differ
// only in the order of the float32 sums: within twice the summation bound of each other,
// and bit for bit where every sum is exact (RoundsToNearestEvenLikeBFloat16 checks that
// against the reference on each path).
TEST(Bf16Gemm, PortableAndAvx512Bf16PathsAgree) {
  if (!bf16_gemm_isa_supported(Bf16GemmIsa::avx512_bf16)) {
    GTEST_SKIP() << "this CPU has no AVX512-BF16 (ember info: AVX-512 BF16 no)";
  }
  std::mt19937 rng(31);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  const Case shapes[] = {{1, 1, 1}, {7, 33, 5}, {64, 65, 385}, {130, 97, 1025}, {8, 48, 512}};
  for (const Case& s : shapes) {
    for (int t = 0; t < 4; ++t) {
      Case c = s;
      c.ta = t % 2 ? Transpose::yes : Transpose::no;
      c.tb = t / 2 ? Transpose::yes : Transpose::no;
      SCOPED_TRACE(c.str());
      std::vector<float> a(static_cast<size_t>(c.M * c.K)), b(static_cast<size_t>(c.K * c.N));
      for (float& v : a) v = u(rng);
      for (float& v : b) v = u(rng);
      const int64_t lda = c.ta == Transpose::no ? c.K : c.M;
      const int64_t ldb = c.tb == Transpose::no ? c.N : c.K;
      std::vector<float> results[2];
      for (Bf16GemmIsa isa : {Bf16GemmIsa::portable, Bf16GemmIsa::avx512_bf16}) {
        Bf16GemmIsaGuard guard(isa);
        std::vector<float>& out = results[static_cast<int>(isa)];
        out.assign(static_cast<size_t>(c.M * c.N), kNaN);
        bf16_gemm(c.ta, c.tb, c.M, c.N, c.K, 1.f, a.data(), lda, b.data(), ldb, 0.f, out.data(),
                  c.N);
      }
      for (int64_t i = 0; i < c.M; ++i) {
        for (int64_t j = 0; j < c.N; ++j) {
          double mag = 0;
          for (int64_t k = 0; k < c.K; ++k) {
            const float x = c.ta == Transpose::no ? a[i * lda + k] : a[k * lda + i];
            const float y = c.tb == Transpose::no ? b[k * ldb + j] : b[j * ldb + k];
            mag += std::fabs(static_cast<double>(round_bf16(x)) * round_bf16(y));
          }
          ASSERT_NEAR(results[0][i * c.N + j], results[1][i * c.N + j], 2 * (c.K + 4) * kEps * mag)
              << "at " << i << "," << j;
        }
      }
    }
  }
}

// Sets a float32 matmul precision for a scope and restores the previous one.
class PrecisionScope {
 public:
  explicit PrecisionScope(const char* value) : previous_(get_float32_matmul_precision()) {
    set_float32_matmul_precision(value);
  }
  ~PrecisionScope() { set_float32_matmul_precision(previous_); }
  PrecisionScope(const PrecisionScope&) = delete;
  PrecisionScope& operator=(const PrecisionScope&) = delete;

 private:
  std::string previous_;
};

TEST(Bf16MatmulPrecision, DefaultsToHighestAndRoundTrips) {
  EXPECT_EQ(get_float32_matmul_precision(), "highest");
  EXPECT_EQ(float32_matmul_precision(), MatmulPrecision::highest);
  for (const char* value : {"medium", "high", "highest"}) {
    PrecisionScope scope(value);
    EXPECT_EQ(get_float32_matmul_precision(), value);
  }
  EXPECT_EQ(get_float32_matmul_precision(), "highest");
  {
    PrecisionScope scope("medium");
    EXPECT_EQ(float32_matmul_precision(), MatmulPrecision::medium);
  }
}

TEST(Bf16MatmulPrecision, InvalidValueThrowsValueErrorNamingItAndTheValidOnes) {
  for (const char* bad : {"low", "Medium", "", "bfloat16"}) {
    try {
      set_float32_matmul_precision(bad);
      ADD_FAILURE() << "no error for \"" << bad << "\"";
    } catch (const ValueError& e) {
      EXPECT_EQ(std::string(e.what()),
                std::string("set_float32_matmul_precision: expected \"highest\", \"high\" or "
                            "\"medium\", got \"") +
                    bad + "\"");
    }
  }
  EXPECT_EQ(get_float32_matmul_precision(), "highest") << "a bad value changes nothing";
}

std::vector<float> values(const Tensor& t) {
  const Tensor c = t.contiguous();
  return std::vector<float>(c.data<float>(), c.data<float>() + c.numel());
}

// "highest" (and "high", ember's documented choice) is SGEMM bit for bit; "medium" is the
// bfloat16 GEMM bit for bit, for matmul, bmm (broadcast batch) and linear (matmul + bias).
TEST(Bf16MatmulPrecision, RoutesMatmulBmmAndLinear) {
  const int64_t M = 70, N = 53, K = 301;
  Generator gen(5);
  const Tensor a = randn({M, K}, {}, &gen), w = randn({N, K}, {}, &gen);
  const Tensor bias = randn({N}, {}, &gen), b3 = randn({3, K, N}, {}, &gen);
  const std::vector<float> av = values(a), wv = values(w), biasv = values(bias);

  std::vector<float> fp32(static_cast<size_t>(M * N)), bf16(fp32.size());
  sgemm(Transpose::no, Transpose::yes, M, N, K, 1.f, av.data(), K, wv.data(), K, 0.f, fp32.data(),
        N);
  bf16_gemm(Transpose::no, Transpose::yes, M, N, K, 1.f, av.data(), K, wv.data(), K, 0.f,
            bf16.data(), N);
  ASSERT_NE(fp32, bf16) << "the bfloat16 GEMM must differ from SGEMM on random data";
  std::vector<float> fp32_bias = fp32, bf16_bias = bf16;
  for (int64_t i = 0; i < M; ++i) {
    for (int64_t j = 0; j < N; ++j) {
      fp32_bias[i * N + j] += biasv[j];
      bf16_bias[i * N + j] += biasv[j];
    }
  }
  const std::vector<float> b3v = values(b3);
  auto bmm_expected = [&](bool use_bf16) {
    std::vector<float> out(static_cast<size_t>(3 * M * N));
    for (int64_t p = 0; p < 3; ++p) {
      const float* b = b3v.data() + p * K * N;
      float* c = out.data() + p * M * N;
      if (use_bf16) {
        bf16_gemm(Transpose::no, Transpose::no, M, N, K, 1.f, av.data(), K, b, N, 0.f, c, N);
      } else {
        sgemm(Transpose::no, Transpose::no, M, N, K, 1.f, av.data(), K, b, N, 0.f, c, N);
      }
    }
    return out;
  };

  for (const char* precision : {"highest", "high", "medium"}) {
    SCOPED_TRACE(precision);
    PrecisionScope scope(precision);
    const bool medium = std::string(precision) == "medium";
    EXPECT_EQ(values(matmul(a, w.t())), medium ? bf16 : fp32);
    EXPECT_EQ(values(linear(a, w, bias)), medium ? bf16_bias : fp32_bias);
    EXPECT_EQ(values(matmul(a.unsqueeze(0).expand({3, M, K}), b3)), bmm_expected(medium));
  }
}

// A bfloat16 Linear layer on the bfloat16 GEMM directly (no float32 copy of its weight): the
// float32 product of the same bfloat16 values, within the summation bound.
TEST(Bf16Gemm, BFloat16OperandsEqualFloat32OperandsOfTheSameValues) {
  std::mt19937 rng(37);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  const int64_t M = 33, N = 130, K = 257;
  std::vector<float> x(static_cast<size_t>(M * K)), w(static_cast<size_t>(N * K));
  for (float& v : x) v = u(rng);
  for (float& v : w) v = u(rng);
  const std::vector<BFloat16> x16(x.begin(), x.end()), w16(w.begin(), w.end());
  std::vector<float> from_f32(static_cast<size_t>(M * N)), from_bf16(from_f32.size()),
      mixed(from_f32.size());
  bf16_gemm(Transpose::no, Transpose::yes, M, N, K, 1.f, x.data(), K, w.data(), K, 0.f,
            from_f32.data(), N);
  bf16_gemm(Transpose::no, Transpose::yes, M, N, K, 1.f, x16.data(), K, w16.data(), K, 0.f,
            from_bf16.data(), N);
  bf16_gemm_batched(1, M, N, K, 1.f, GemmOperand{x.data(), K, 1}, Bf16GemmOperand(w16.data(), 1, K),
                    0.f, mixed.data(), N, 0);
  // Same packed values, same kernel, same order: identical bits.
  EXPECT_EQ(from_f32, from_bf16);
  EXPECT_EQ(from_f32, mixed);
}

}  // namespace
}  // namespace ember::cpu
