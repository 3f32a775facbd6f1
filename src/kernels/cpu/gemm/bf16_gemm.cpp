// The bfloat16 GEMM driver: picks the path, cuts the product into cache blocks, packs (and
// thereby rounds) both operands, splits the work over threads and calls the micro-kernels.
// The API is in bf16_gemm.h; the structure is sgemm's (Note [GEMM blocking] and Note [GEMM
// threads] in gemm.cpp), minus the in-place operands: every operand is packed, since the
// packing is where float32 becomes bfloat16.
//
// Note [bfloat16 GEMM paths]
// Both paths compute the same numbers: the float32 sum of the exact products of the operands
// rounded to bfloat16, so they agree up to the order of the float32 additions.
//  - avx512_bf16 (CPUs with AVX512-BF16: Zen 4, Sapphire Rapids, Cooper Lake): pair panels
//    (Note [bfloat16 pair panels] in bf16_kernel.h) on the vdpbf16ps micro-kernel, 8 x 48
//    tiles (Note [AVX512-BF16 register blocking]). A K slice holds 512 k here against
//    sgemm's 256: a pair panel of 256 pairs is the same 8 KiB of A and 48 KiB of B per
//    micro-kernel call, so the cache footprint of sgemm's tuned blocking is kept. The float32
//    operands are rounded by vcvtne2ps2bf16, BFloat16::from_float in hardware, except that
//    float32 denormals become zero; vdpbf16ps would treat them (and every bfloat16 denormal,
//    and every product or sum below 2^-126) as zero anyway (it always flushes, whatever MXCSR
//    says). The values that still differ: a float32 of magnitude in [2^-126 (1 - 2^-8),
//    2^-126) rounds to the smallest normal bfloat16 in software and to zero here.
//  - portable (everywhere): the operands rounded to bfloat16 into float32 panels, sgemm's
//    layout, which sgemm's own micro-kernels (the gemm_isa() family: AVX-512, AVX2 or plain
//    C++) then multiply. The product of two bfloat16 values is exact in float32, so an FMA
//    or a multiply-add gives the same bits, and the portable path runs at about SGEMM's
//    speed wherever SGEMM is fast, instead of on a slow emulation of vdpbf16ps. It keeps
//    denormals (as SGEMM does).
// K slices are cut as sgemm cuts them (equal slices of at most the family's KC), rounded up
// to an even length on the pair path so that only the last pair of the whole product is
// padded, and never depend on the thread count: the result is identical for every thread
// count, as sgemm's.
#include "kernels/cpu/gemm/bf16_gemm.h"

#include <algorithm>
#include <atomic>
#include <cstddef>

#include "ember/core/matmul_precision.h"
#include "ember/core/parallel.h"
#include "ember/version.h"
#include "kernels/cpu/gemm/bf16_kernel.h"
#include "kernels/cpu/gemm/kernel.h"
#include "kernels/cpu/gemm/team.h"

namespace ember::cpu {

namespace gemm {

namespace {

// One path's blocking, packing and micro-kernel (Note [bfloat16 GEMM paths]).
struct Bf16Family {
  Bf16GemmIsa isa;
  int64_t mr, nr;  // tile rows (broadcast from A) and columns (vectors of B)
  int64_t kc;      // largest K slice, in k (not pairs)
  int64_t nc;      // largest column block of packed B (a multiple of nr)
  int64_t k_step;  // k per packed 32-bit word: 2 (bfloat16 pairs) or 1 (rounded floats)
  PanelPack* pack;
  PairKernel* pair_kernel;    // k_step 2
  MicroKernel* float_kernel;  // k_step 1: sgemm's k-major micro-kernel
};

// A packed A micro-panel lives on the stack of the thread that packs it (32-bit words).
constexpr int64_t kMaxAPanelWords = 8 * 512;
#if EMBER_GEMM_BF16_KERNELS
constexpr int64_t kPairKC = 512;
static_assert(avx512_bf16::kMR * kPairKC / 2 <= kMaxAPanelWords);
#endif

// See Note [GEMM threads]; work in multiply-adds (M N K), as in gemm.cpp.
constexpr double kWorkPerThread = 64.0 * 64.0 * 64.0;
constexpr int64_t kMaxUnitRows = 128;
constexpr int64_t kMaxPackedBWords = int64_t{2} << 20;  // 8 MiB

// -1: no override; else a Bf16GemmIsa forced by a Bf16GemmIsaGuard.
std::atomic<int> forced_isa{-1};

Bf16Family bf16_family(Bf16GemmIsa isa) {
#if EMBER_GEMM_BF16_KERNELS
  if (isa == Bf16GemmIsa::avx512_bf16) {
    return {.isa = isa,
            .mr = avx512_bf16::kMR,
            .nr = avx512_bf16::kNR,
            .kc = kPairKC,
            .nc = 576,
            .k_step = 2,
            .pack = &avx512_bf16::pack_pairs,
            .pair_kernel = &avx512_bf16::kernel,
            .float_kernel = nullptr};
  }
#endif
  const KernelFamily& f = kernel_family(gemm_isa());
  return {.isa = Bf16GemmIsa::portable,
          .mr = f.mr,
          .nr = f.nr,
          .kc = f.kc,
          .nc = f.nc,
          .k_step = 1,
          .pack = &pack_rounded_generic,
          .pair_kernel = nullptr,
          .float_kernel = f.kernel_k_major};
}

Bf16GemmIsa best_isa() {
  static const Bf16GemmIsa best = bf16_gemm_isa_supported(Bf16GemmIsa::avx512_bf16)
                                      ? Bf16GemmIsa::avx512_bf16
                                      : Bf16GemmIsa::portable;
  return best;
}

struct Plan {
  Bf16Family f;
  int64_t kc;  // every K slice but the last has kc k (a multiple of f.k_step)
  int64_t kw;  // packed words per vector of a full slice: kc / k_step
  int64_t slices;
  int64_t col_chunk;  // columns per sub-product (a multiple of nr unless it is all of N)
  int threads;
};

Plan make_plan(const Bf16Family& f, int64_t M, int64_t N, int64_t K, int max_threads) {
  Plan p{};
  p.f = f;
  p.kc = ceil_div(ceil_div(K, ceil_div(K, f.kc)), f.k_step) * f.k_step;
  p.kw = p.kc / f.k_step;
  p.slices = ceil_div(K, p.kc);
  p.col_chunk = N;
  if (p.slices * p.kw * ceil_div(N, f.nr) * f.nr > kMaxPackedBWords) {
    const int64_t widest = std::max<int64_t>(1, kMaxPackedBWords / (p.slices * p.kw * f.nr)) * f.nr;
    p.col_chunk = ceil_div(ceil_div(N, ceil_div(N, widest)), f.nr) * f.nr;
  }
  const double work = static_cast<double>(M) * static_cast<double>(N) * static_cast<double>(K);
  const int64_t tiles = ceil_div(M, f.mr) * ceil_div(std::min(N, p.col_chunk), f.nr);
  const int64_t by_work = std::max<int64_t>(1, static_cast<int64_t>(work / kWorkPerThread));
  p.threads = static_cast<int>(std::min<int64_t>({max_threads, tiles, by_work}));
  return p;
}

// An operand of one product: its first element and strides.
struct Source {
  const std::byte* data;
  bool is_bf16;
  int64_t row_stride, col_stride;

  // A panel source starting `offset` elements in, with vectors rs and k values ks apart.
  PanelSource panel(int64_t offset, int64_t rs, int64_t ks) const {
    return {data + offset * (is_bf16 ? 2 : 4), is_bf16, rs, ks};
  }
};

// One product (or column chunk of one), with the batch and chunk offsets applied.
struct Problem {
  int64_t M, N, K;
  float alpha, beta;
  Source a, b;
  float* c;
  int64_t ldc;
  const float* bias;
  GemmActivation activation;
};

// Where a product's packed B panels (every panel of every K slice) and their states live in
// the scratch buffer.
struct Layout {
  int64_t col_panels;
  int64_t panels;  // states
  int64_t words;   // packed B
  int64_t bytes;   // words, rounded up to 64 bytes, then the states

  Layout(const Plan& plan, int64_t N) {
    col_panels = ceil_div(N, plan.f.nr);
    panels = plan.slices * col_panels;
    words = panels * plan.kw * plan.f.nr;
    bytes = (words * 4 + 63) / 64 * 64 + panels * static_cast<int64_t>(sizeof(int32_t));
  }
};

// The team's shared state for one product (see Note [GEMM threads]).
struct Shared {
  std::byte* b_panels;
  int32_t* state;  // per packed panel: kUnpacked, kPacking, kReady
  std::atomic<int64_t> next_unit{0};
};

// One unit: row panels [ir0, ir1) x column panels [q0, q1) of C, every K slice.
void compute_unit(const Problem& p, const Plan& plan, const Layout& layout, Shared& sh, int64_t ir0,
                  int64_t ir1, int64_t q0, int64_t q1) {
  const Bf16Family& f = plan.f;
  const int64_t mr = f.mr, nr = f.nr;
  alignas(64) std::byte a_buf[kMaxAPanelWords * 4];
  for (int64_t s = 0; s < plan.slices; ++s) {
    const int64_t k0 = s * plan.kc, kc = std::min(plan.kc, p.K - k0);
    const int64_t kw = ceil_div(kc, f.k_step);
    const bool last_slice = s == plan.slices - 1;
    const TileUpdate update{p.alpha, s == 0 ? p.beta : 1.f, nullptr,
                            last_slice ? p.activation : GemmActivation::none};
    const float* bias = last_slice ? p.bias : nullptr;
    std::byte* packed_slice = sh.b_panels + s * layout.col_panels * plan.kw * nr * 4;
    int32_t* state_slice = sh.state + s * layout.col_panels;
    auto b_panel = [&](int64_t q) { return packed_slice + q * plan.kw * nr * 4; };
    auto pack_panel = [&](int64_t q) {
      // Vectors of B are its columns: column stride between them, row stride along k.
      f.pack(
          p.b.panel(k0 * p.b.row_stride + q * nr * p.b.col_stride, p.b.col_stride, p.b.row_stride),
          std::min(nr, p.N - q * nr), kc, nr, b_panel(q));
    };
    // Threads starting units of the same column group at once pack its panels together
    // instead of waiting for one another (Note [GEMM threads]).
    for (int64_t q = q0; q < q1; ++q) claim_and_pack(state_slice[q], [&] { pack_panel(q); });
    for (int64_t ir = ir0; ir < ir1; ++ir) {
      const int64_t i0 = ir * mr, m = std::min(mr, p.M - i0);
      f.pack(p.a.panel(i0 * p.a.row_stride + k0 * p.a.col_stride, p.a.row_stride, p.a.col_stride),
             m, kc, mr, a_buf);
      for (int64_t q = q0; q < q1; ++q) {
        const int64_t j = q * nr, n = std::min(nr, p.N - j);
        ensure_packed(state_slice[q], [&] { pack_panel(q); });
        TileUpdate u = update;
        if (bias != nullptr) u.bias = bias + j;
        float* c = p.c + i0 * p.ldc + j;
        if (f.pair_kernel != nullptr) {
          f.pair_kernel(kw, reinterpret_cast<const uint32_t*>(a_buf),
                        reinterpret_cast<const uint32_t*>(b_panel(q)), c, p.ldc, m, n, u);
        } else {
          f.float_kernel(kw, reinterpret_cast<const float*>(a_buf), mr,
                         reinterpret_cast<const float*>(b_panel(q)), nr, c, p.ldc, m, n, u);
        }
      }
    }
  }
}

// Every thread of a team of nt calls this; they share `sh` and take units until none is left.
void take_units(const Problem& p, const Plan& plan, const Layout& layout, Shared& sh, int nt) {
  const int64_t row_panels = ceil_div(p.M, plan.f.mr);
  const int64_t group = std::min(layout.col_panels, std::max<int64_t>(1, plan.f.nc / plan.f.nr));
  const int64_t col_groups = ceil_div(layout.col_panels, group);
  const int64_t row_chunks = std::min(
      row_panels,
      std::max(ceil_div(4 * nt, col_groups), ceil_div(row_panels * plan.f.mr, kMaxUnitRows)));
  const int64_t rows = ceil_div(row_panels, row_chunks);
  const int64_t row_units = ceil_div(row_panels, rows);
  const int64_t units = col_groups * row_units;
  for (;;) {
    const int64_t u = sh.next_unit.fetch_add(1, std::memory_order_relaxed);
    if (u >= units) return;
    const int64_t g = u / row_units, r = u % row_units;
    compute_unit(p, plan, layout, sh, r * rows, std::min(row_panels, (r + 1) * rows), g * group,
                 std::min(layout.col_panels, (g + 1) * group));
  }
}

// One product on nt threads (1: the calling thread alone), column chunk by column chunk.
// `buf` holds Layout(plan, plan.col_chunk).bytes.
void run_product(const Problem& p, const Plan& plan, std::byte* buf, int nt) {
  for (int64_t c0 = 0; c0 < p.N; c0 += plan.col_chunk) {
    Problem chunk = p;
    chunk.N = std::min(plan.col_chunk, p.N - c0);
    chunk.b.data += c0 * p.b.col_stride * (p.b.is_bf16 ? 2 : 4);
    chunk.c += c0;
    if (chunk.bias != nullptr) chunk.bias += c0;
    const Layout layout(plan, chunk.N);
    Shared sh;
    sh.b_panels = buf;
    sh.state = reinterpret_cast<int32_t*>(buf + (layout.bytes - layout.panels * 4));
    std::fill(sh.state, sh.state + layout.panels, kUnpacked);
    on_team(nt, [&](int, int team) { take_units(chunk, plan, layout, sh, team); });
  }
}

Source source(const Bf16GemmOperand& op, int64_t batch_index) {
  const bool is_bf16 = op.dtype == DType::bfloat16;
  return {
      static_cast<const std::byte*>(op.data) + batch_index * op.batch_stride * (is_bf16 ? 2 : 4),
      is_bf16, op.row_stride, op.col_stride};
}

}  // namespace

}  // namespace gemm

const char* bf16_gemm_isa_name(Bf16GemmIsa isa) {
  switch (isa) {
    case Bf16GemmIsa::portable:
      return "portable";
    case Bf16GemmIsa::avx512_bf16:
      return "avx512_bf16";
  }
  return "unknown";
}

bool bf16_gemm_isa_supported(Bf16GemmIsa isa) {
#if EMBER_GEMM_BF16_KERNELS
  const CpuFeatures& cpu = cpu_features();
  if (isa == Bf16GemmIsa::avx512_bf16) {
    return cpu.avx512f && cpu.avx512bw && cpu.avx512vl && cpu.avx512_bf16 && cpu.avx2 && cpu.fma;
  }
#endif
  return isa == Bf16GemmIsa::portable;
}

Bf16GemmIsa bf16_gemm_isa() {
  const int forced = gemm::forced_isa.load(std::memory_order_relaxed);
  return forced >= 0 ? static_cast<Bf16GemmIsa>(forced) : gemm::best_isa();
}

Bf16GemmIsaGuard::Bf16GemmIsaGuard(Bf16GemmIsa isa) : previous_(gemm::forced_isa.load()) {
  if (bf16_gemm_isa_supported(isa)) gemm::forced_isa.store(static_cast<int>(isa));
}

Bf16GemmIsaGuard::~Bf16GemmIsaGuard() { gemm::forced_isa.store(previous_); }

void bf16_gemm_batched(int64_t batch, int64_t M, int64_t N, int64_t K, float alpha,
                       const Bf16GemmOperand& A, const Bf16GemmOperand& B, float beta, float* C,
                       int64_t ldc, int64_t stride_c, const GemmEpilogue* epilogue) {
  if (batch <= 0 || M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == 0.f) {
    // C = act(beta C + bias) reads neither operand: sgemm's code for it, with no operands.
    sgemm_batched(batch, M, N, 0, 0.f, {nullptr, 0, 0}, {nullptr, 0, 0}, beta, C, ldc, stride_c,
                  epilogue);
    return;
  }
  const float* bias = epilogue != nullptr ? epilogue->bias : nullptr;
  const GemmActivation activation =
      epilogue != nullptr ? epilogue->activation : GemmActivation::none;
  auto problem = [&](int64_t i) {
    return gemm::Problem{
        M,   N,    K,         alpha, beta, gemm::source(A, i), gemm::source(B, i), C + i * stride_c,
        ldc, bias, activation};
  };

  const int max_threads = in_parallel_region() ? 1 : num_threads();
  const gemm::Plan plan = gemm::make_plan(gemm::bf16_family(bf16_gemm_isa()), M, N, K, max_threads);
  const int64_t per_product = gemm::Layout(plan, plan.col_chunk).bytes;

  if (batch > 1 && plan.threads < max_threads) {
    // Products too small for the whole team: one product per thread (Note [GEMM threads]).
    const double work = static_cast<double>(batch) * static_cast<double>(M) *
                        static_cast<double>(N) * static_cast<double>(K);
    const int nt = static_cast<int>(
        std::min<double>({static_cast<double>(max_threads), static_cast<double>(batch),
                          std::max(1.0, work / gemm::kWorkPerThread)}));
    const int64_t stride = (per_product + 63) / 64 * 64;
    auto* buf = reinterpret_cast<std::byte*>(gemm::scratch(stride * nt));
    std::atomic<int64_t> next{0};
    gemm::on_team(nt, [&](int t, int) {
      for (int64_t i = next.fetch_add(1); i < batch; i = next.fetch_add(1)) {
        gemm::run_product(problem(i), plan, buf + stride * t, 1);
      }
    });
    return;
  }

  auto* buf = reinterpret_cast<std::byte*>(gemm::scratch(per_product));
  for (int64_t i = 0; i < batch; ++i) gemm::run_product(problem(i), plan, buf, plan.threads);
}

void bf16_gemm(Transpose trans_a, Transpose trans_b, int64_t M, int64_t N, int64_t K, float alpha,
               const float* A, int64_t lda, const float* B, int64_t ldb, float beta, float* C,
               int64_t ldc, const GemmEpilogue* epilogue) {
  const GemmOperand a = trans_a == Transpose::no ? GemmOperand{A, lda, 1} : GemmOperand{A, 1, lda};
  const GemmOperand b = trans_b == Transpose::no ? GemmOperand{B, ldb, 1} : GemmOperand{B, 1, ldb};
  bf16_gemm_batched(1, M, N, K, alpha, a, b, beta, C, ldc, 0, epilogue);
}

void bf16_gemm(Transpose trans_a, Transpose trans_b, int64_t M, int64_t N, int64_t K, float alpha,
               const BFloat16* A, int64_t lda, const BFloat16* B, int64_t ldb, float beta, float* C,
               int64_t ldc, const GemmEpilogue* epilogue) {
  const Bf16GemmOperand a =
      trans_a == Transpose::no ? Bf16GemmOperand(A, lda, 1) : Bf16GemmOperand(A, 1, lda);
  const Bf16GemmOperand b =
      trans_b == Transpose::no ? Bf16GemmOperand(B, ldb, 1) : Bf16GemmOperand(B, 1, ldb);
  bf16_gemm_batched(1, M, N, K, alpha, a, b, beta, C, ldc, 0, epilogue);
}

void float32_matmul_gemm_batched(int64_t batch, int64_t M, int64_t N, int64_t K, float alpha,
                                 const GemmOperand& A, const GemmOperand& B, float beta, float* C,
                                 int64_t ldc, int64_t stride_c, const GemmEpilogue* epilogue) {
  if (float32_matmul_precision() == MatmulPrecision::medium) {
    bf16_gemm_batched(batch, M, N, K, alpha, A, B, beta, C, ldc, stride_c, epilogue);
  } else {
    sgemm_batched(batch, M, N, K, alpha, A, B, beta, C, ldc, stride_c, epilogue);
  }
}

}  // namespace ember::cpu
