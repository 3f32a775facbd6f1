// The SGEMM driver: picks the micro-kernel family, cuts the product into cache blocks,
// packs, splits the work over threads and calls the micro-kernels. The API is in gemm.h.
//
// Note [GEMM blocking]
// C (M, N) = A (M, K) B (K, N) in the loop order of BLIS, seen from row-major C (vectors run
// along N, so B plays the role of BLIS's A and vice versa). The unit of work is a block of C
// of R micro-panel rows (<= kMaxUnitRows) by G micro-panel columns (G NR <= NC):
//
//   for each K slice k0 of KC                      (C is read back for every slice but the 1st)
//     for each MR-row micro-panel of the unit      (MR x KC of A, kept in L1)
//       for each NR-column micro-panel of the unit (the KC x NC block of B, kept in L2)
//         micro-kernel: the MR x NR tile of C in registers, kc rank-1 updates, then the
//         epilogue (alpha, beta, bias, activation) on the way out
//
// B is packed (when it is; see Note [GEMM in-place operands]) once per product into k-major
// NR-column micro-panels, zero-padded, slice by slice; a packed A micro-panel is packed once
// per (unit, slice) and reused across the unit's G column panels. On the AVX-512 family
// (8 x 48 tiles) KC = 256 keeps an A micro-panel (8 KiB) in Zen 4's 32 KiB L1d next to the B
// micro-panel streaming past it (48 KiB per call, read once), and NC = 576 keeps a KC x NC
// block of B (576 KiB) in its 1 MiB L2 with room for the C tiles; KC from 192 to 512 and NC
// from 384 to 768 measured within noise of these. K is cut into equal slices (K = 384 runs as
// 2 x 192, not 256 + 128) so that no slice is a sliver. Slicing depends only on the shape and
// the family, never on the thread count, so every output element sees the same sums in the
// same order whatever the number of threads, and whether its operands were packed or not.
//
// Note [GEMM in-place operands]
// Packing is what makes the loads of a micro-kernel unit-stride and cache-friendly whatever
// the operands' layout, but it costs a pass over the data, which small products and some
// layouts do not recoup (all measured on Zen 4, 1 and 2 threads):
//  - a row-major A (unit column stride) is never packed when the family has a row-major
//    kernel: its 8 broadcasts per k read 8 rows front to back, 8 prefetchable streams, and
//    skipping the pack (once per unit and K slice, i.e. several times over A) was faster at
//    every size tried, 64^3 to 2048^3 and the transformer shapes (by 2-7%);
//  - a transposed A (unit row stride) is read in place only up to kSmallWork multiply-adds,
//    or when N spans at most kDirectAColPanels micro-panels (each A micro-panel then feeds
//    that few tiles): its rows are lda apart, a new page per k on large operands;
//  - B (unit column stride) is read in place up to kSmallWork multiply-adds: from 768^3 on,
//    power-of-two row strides make the rows of a B micro-panel collide in the cache sets and
//    the packed copy wins.
// The micro-kernels mask the loads of a partial column panel of B, so B never needs padding;
// a partial row panel of A (fewer than MR rows) is packed, zero-padded, by its thread.
//
// Note [GEMM threads]
// Threads never meet at a barrier. On a machine with more runnable threads than cores (a
// shared build box; a training process with data-loader threads) every barrier costs a
// scheduler time slice whenever the other thread is descheduled: with the two barriers per
// (column block, K slice) of the textbook scheme, two threads ran a 1024^3 product 3x slower
// than one. Instead the units are handed out by an atomic counter, so a descheduled thread
// holds back at most the unit it is computing, and each B micro-panel is packed by whichever
// thread first needs it (a state per panel: unpacked, being packed, ready): a thread starting a
// unit claims and packs the column group's panels that nobody has started, then waits only
// for those that another thread is packing at that moment. Units are numbered column group by
// column group, so the threads share the B block they are packing. There are at least about
// 4 units per thread when the shape allows (tall-skinny M = 4096, N = 65: 32 blocks of 128
// rows; short-wide M = 64: one block row, many column groups), and the result does not
// depend on which thread computes which unit. Products too small to pay for a parallel
// region (kWorkPerThread: since the pool's hand-off is spin-only on the way back, 64^3 runs
// in 3.8 us on 2 threads against 5.0 us on one) use fewer threads; a batch of products
// below kWorkPerBatchedProduct per thread runs one product per thread instead, which saves
// the hand-off of every product. The packed B of a product is kept whole (up to kMaxPackedB floats; wider
// products run as column chunks, one after another).
// A shared packed B costs more than its packing when every thread reads all of it and there
// is little compute to hide the cost: each thread pulls the panels the others packed out of
// their caches, core to core, on every call (and the next call's packing pulls them back).
// So a packed B of at most kMaxPrivateB floats is packed by every thread for itself, into
// its own copy (each copy has its own states; the packing work doubles, the traffic goes):
// 64 x 65 x 384 with B transposed on 2 threads went from 50 to 28-32 us on a quiet Sapphire
// Rapids, where 2 threads had been slower than one (36 us); on Zen 4, 2 threads had taken
// 31 us against 21 us for the same product with B in place. Larger B blocks are read many
// times per packing and stay shared.
// A product that one thread runs as a single unit with nothing to pack (64^3 and the like)
// skips all of the above (the direct path in run_product): the team, the unit counter and the
// states cost a few hundred cycles, 3 % of a 5 us product on Zen 4, 3-12 % on Sapphire Rapids.
// The team is ember's thread pool (on_team, in team.h, is the one place that starts work on
// other threads; bf16_gemm.cpp's driver uses it the same way), not OpenMP's: libgomp's idle
// workers spin for a long while before they sleep, which makes a region start within a
// microsecond on a quiet machine but, where other processes want the cores (even niced
// ones), costs products whole scheduler time slices (two nice-19 compiles running: 128^3
// took 8 ms instead of 20 us). The pool's workers spin briefly and then block (Note [Why not
// OpenMP for parallel_for] in core/thread_pool.h).
#include "kernels/cpu/gemm/gemm.h"

#include <algorithm>
#include <atomic>

#include "ember/core/parallel.h"
#include "ember/version.h"
#include "kernels/cpu/gemm/activation.h"
#include "kernels/cpu/gemm/kernel.h"
#include "kernels/cpu/gemm/pack.h"
#include "kernels/cpu/gemm/team.h"

namespace ember::cpu {

namespace gemm {

namespace {

constexpr KernelFamily kGeneric{.isa = GemmIsa::generic,
                                .mr = generic::kMR,
                                .nr = generic::kNR,
                                .kc = 256,
                                .nc = 512,
                                .kernel_k_major = &generic::kernel_k_major,
                                .kernel_row_major = nullptr,
                                .transpose_pack = &transpose_pack_generic};
#if EMBER_GEMM_X86_KERNELS
constexpr KernelFamily kAvx2{.isa = GemmIsa::avx2,
                             .mr = avx2::kMR,
                             .nr = avx2::kNR,
                             .kc = 256,
                             .nc = 512,
                             .kernel_k_major = &avx2::kernel_k_major,
                             .kernel_row_major = &avx2::kernel_row_major,
                             .transpose_pack = &avx2::transpose_pack};
constexpr KernelFamily kAvx512{.isa = GemmIsa::avx512,
                               .mr = avx512::kMR,
                               .nr = avx512::kNR,
                               .kc = 256,
                               .nc = 576,
                               .kernel_k_major = &avx512::kernel_k_major,
                               .kernel_row_major = &avx512::kernel_row_major,
                               .transpose_pack = &avx2::transpose_pack};
#endif

// A micro-panel of A lives on the stack of the thread that packs it.
constexpr int64_t kMaxAPanel = 8 * 512;
static_assert(kGeneric.mr * kGeneric.kc <= kMaxAPanel);
#if EMBER_GEMM_X86_KERNELS
static_assert(kAvx2.mr * kAvx2.kc <= kMaxAPanel && kAvx512.mr * kAvx512.kc <= kMaxAPanel);
#endif

// See Note [GEMM in-place operands] and Note [GEMM threads]; work in multiply-adds (M N K).
constexpr double kSmallWork = 512.0 * 512.0 * 512.0;
constexpr double kWorkPerThread = 32.0 * 32.0 * 32.0;
constexpr double kWorkPerBatchedProduct = 64.0 * 64.0 * 64.0;
constexpr int64_t kDirectAColPanels = 2;
constexpr int64_t kMaxUnitRows = 128;
constexpr int64_t kMaxPackedB = int64_t{2} << 20;    // floats (8 MiB)
constexpr int64_t kMaxPrivateB = int64_t{64} << 10;  // floats (256 KiB)

// -1: no override; else a GemmIsa forced by a GemmIsaGuard.
std::atomic<int> forced_isa{-1};
// Set by a GemmPackAllGuard.
std::atomic<bool> pack_all{false};

GemmIsa best_isa() {
  static const GemmIsa best = gemm_isa_supported(GemmIsa::avx512) ? GemmIsa::avx512
                              : gemm_isa_supported(GemmIsa::avx2) ? GemmIsa::avx2
                                                                  : GemmIsa::generic;
  return best;
}

struct Plan {
  const KernelFamily* f;
  int64_t kc;  // every K slice but the last has kc rows
  int64_t slices;
  int64_t col_chunk;  // columns per sub-product (a multiple of nr unless it is all of N)
  bool pack_a;
  bool pack_b;
  bool private_b;  // every thread packs its own copy of B (Note [GEMM threads])
  int threads;
};

// One copy of a product's packed B: its panels and their states (kUnpacked, kPacking, kReady).
struct PackedB {
  float* panels;
  int32_t* state;
};

int64_t round_up_64(int64_t bytes) { return (bytes + 63) / 64 * 64; }

// Where a product's packed B micro-panels and their states live in the scratch buffer: every
// panel of every K slice when B is packed, nothing when it is read in place; one such copy
// for the team, or one per thread when plan.private_b.
struct Layout {
  int64_t col_panels;
  int64_t panels;      // states
  int64_t floats;      // packed B
  int64_t copy_bytes;  // floats, then the states, each from a 64-byte boundary

  Layout(const Plan& plan, int64_t N) {
    const int64_t nr = plan.f->nr;
    col_panels = ceil_div(N, nr);
    panels = plan.pack_b ? plan.slices * col_panels : 0;
    floats = panels * plan.kc * nr;
    copy_bytes = round_up_64(floats * static_cast<int64_t>(sizeof(float))) +
                 round_up_64(panels * static_cast<int64_t>(sizeof(int32_t)));
  }
  // The buffer of a team of nt running `plan`.
  int64_t bytes(const Plan& plan, int nt) const { return copy_bytes * (plan.private_b ? nt : 1); }
  // The copy that starts at `base`.
  PackedB copy_at(char* base) const {
    const int64_t states_at = round_up_64(floats * static_cast<int64_t>(sizeof(float)));
    return {reinterpret_cast<float*>(base), reinterpret_cast<int32_t*>(base + states_at)};
  }
};

Plan make_plan(const KernelFamily& f, int64_t M, int64_t N, int64_t K, const GemmOperand& a,
               const GemmOperand& b, int max_threads) {
  Plan p{};
  p.f = &f;
  p.slices = ceil_div(K, f.kc);
  p.kc = ceil_div(K, p.slices);
  const double work = static_cast<double>(M) * static_cast<double>(N) * static_cast<double>(K);
  // See Note [GEMM in-place operands].
  const bool small = work <= kSmallWork;
  const bool few_tiles_per_row = ceil_div(N, f.nr) <= kDirectAColPanels;
  const bool row_major_a = a.col_stride == 1 && f.kernel_row_major != nullptr;
  const bool k_major_a = a.row_stride == 1 && (small || few_tiles_per_row);
  const bool in_place = !pack_all.load(std::memory_order_relaxed);
  p.pack_a = !(in_place && (row_major_a || k_major_a));
  p.pack_b = !(in_place && small && b.col_stride == 1);
  p.col_chunk = N;
  if (p.pack_b && K * ceil_div(N, f.nr) * f.nr > kMaxPackedB) {
    const int64_t widest = std::max<int64_t>(1, kMaxPackedB / (K * f.nr)) * f.nr;
    p.col_chunk = ceil_div(ceil_div(N, ceil_div(N, widest)), f.nr) * f.nr;
  }
  const int64_t tiles = ceil_div(M, f.mr) * ceil_div(std::min(N, p.col_chunk), f.nr);
  const int64_t by_work = std::max<int64_t>(1, static_cast<int64_t>(work / kWorkPerThread));
  p.threads = static_cast<int>(std::min<int64_t>({max_threads, tiles, by_work}));
  p.private_b = p.pack_b && p.threads > 1 && Layout(p, N).floats <= kMaxPrivateB;
  return p;
}

// One product (or column chunk of one), with the batch and chunk offsets applied.
struct Problem {
  int64_t M, N, K;
  float alpha, beta;
  GemmOperand a, b;
  float* c;
  int64_t ldc;
  const float* bias;
  GemmActivation activation;
};

// The team's shared state for one product (see Note [GEMM threads]).
struct Shared {
  char* buf;
  int64_t copy_stride;  // bytes from one thread's packed B to the next; 0 when they share one
  std::atomic<int64_t> next_unit{0};
};

// One unit: row panels [ir0, ir1) x column panels [q0, q1) of C, every K slice.
void compute_unit(const Problem& p, const Plan& plan, const Layout& layout, const PackedB& packed,
                  int64_t ir0, int64_t ir1, int64_t q0, int64_t q1) {
  const KernelFamily& f = *plan.f;
  const int64_t mr = f.mr, nr = f.nr;
  const int64_t a_rs = p.a.row_stride, a_cs = p.a.col_stride;
  const int64_t b_rs = p.b.row_stride, b_cs = p.b.col_stride;
  alignas(64) float a_buf[kMaxAPanel];
  for (int64_t s = 0; s < plan.slices; ++s) {
    const int64_t k0 = s * plan.kc, kc = std::min(plan.kc, p.K - k0);
    const bool last_slice = s == plan.slices - 1;
    const TileUpdate update{p.alpha, s == 0 ? p.beta : 1.f, nullptr,
                            last_slice ? p.activation : GemmActivation::none};
    const float* bias = last_slice ? p.bias : nullptr;
    const float* b_slice = p.b.data + k0 * b_rs;
    // Null when B is read in place (run_product's direct path passes no copy).
    float* packed_slice =
        plan.pack_b ? packed.panels + s * layout.col_panels * plan.kc * nr : nullptr;
    int32_t* state_slice = plan.pack_b ? packed.state + s * layout.col_panels : nullptr;
    auto pack_panel = [&](int64_t q) {
      pack_b_panel(b_slice + q * nr * b_cs, b_rs, b_cs, kc, std::min(nr, p.N - q * nr), f,
                   packed_slice + q * nr * kc);
    };
    if (plan.pack_b) {
      // Threads starting units of the same column group at once pack its panels together
      // instead of waiting for one another (Note [GEMM threads]).
      for (int64_t q = q0; q < q1; ++q) claim_and_pack(state_slice[q], [&] { pack_panel(q); });
    }
    for (int64_t ir = ir0; ir < ir1; ++ir) {
      const int64_t i0 = ir * mr, m = std::min(mr, p.M - i0);
      const float* a0 = p.a.data + i0 * a_rs + k0 * a_cs;
      MicroKernel* kernel = f.kernel_k_major;
      const float* ap = a_buf;
      int64_t a_stride = mr;
      if (!plan.pack_a && m == mr) {
        kernel = a_rs == 1 ? f.kernel_k_major : f.kernel_row_major;
        a_stride = a_rs == 1 ? a_cs : a_rs;
        ap = a0;
      } else {
        pack_a_panel(a0, a_rs, a_cs, m, kc, f, a_buf);
      }
      for (int64_t q = q0; q < q1; ++q) {
        const int64_t j = q * nr, n = std::min(nr, p.N - j);
        const float* bp = b_slice + j;  // read in place: b_cs == 1
        int64_t b_stride = b_rs;
        if (plan.pack_b) {
          ensure_packed(state_slice[q], [&] { pack_panel(q); });
          bp = packed_slice + q * nr * kc;
          b_stride = nr;
        }
        TileUpdate u = update;
        if (bias != nullptr) u.bias = bias + j;
        kernel(kc, ap, a_stride, bp, b_stride, p.c + i0 * p.ldc + j, p.ldc, m, n, u);
      }
    }
  }
}

// Thread t of a team of nt calls this; they share `sh` and take units until none is left.
void take_units(const Problem& p, const Plan& plan, const Layout& layout, Shared& sh, int t,
                int nt) {
  const PackedB packed = layout.copy_at(sh.buf + t * sh.copy_stride);
  const int64_t row_panels = ceil_div(p.M, plan.f->mr);
  const int64_t group = std::min(layout.col_panels, std::max<int64_t>(1, plan.f->nc / plan.f->nr));
  const int64_t col_groups = ceil_div(layout.col_panels, group);
  const int64_t row_chunks = std::min(
      row_panels,
      std::max(ceil_div(4 * nt, col_groups), ceil_div(row_panels * plan.f->mr, kMaxUnitRows)));
  const int64_t rows = ceil_div(row_panels, row_chunks);
  const int64_t units = col_groups * ceil_div(row_panels, rows);
  for (;;) {
    const int64_t u = sh.next_unit.fetch_add(1, std::memory_order_relaxed);
    if (u >= units) return;
    const int64_t g = u / ceil_div(row_panels, rows), r = u % ceil_div(row_panels, rows);
    compute_unit(p, plan, layout, packed, r * rows, std::min(row_panels, (r + 1) * rows), g * group,
                 std::min(layout.col_panels, (g + 1) * group));
  }
}

// One product on nt threads (1: the calling thread alone), column chunk by column chunk.
// `buf` holds Layout(plan, plan.col_chunk).bytes(plan, nt).
void run_product(const Problem& p, const Plan& plan, char* buf, int nt) {
  const KernelFamily& f = *plan.f;
  if (nt == 1 && !plan.pack_b && p.M <= kMaxUnitRows && p.N <= f.nc) {
    // Direct path (Note [GEMM threads]): one thread, nothing to pack, and one unit's worth of
    // C, so the whole product is that unit: no team, no unit counter, no packing states.
    compute_unit(p, plan, Layout(plan, p.N), PackedB{nullptr, nullptr}, 0, ceil_div(p.M, f.mr), 0,
                 ceil_div(p.N, f.nr));
    return;
  }
  for (int64_t c0 = 0; c0 < p.N; c0 += plan.col_chunk) {
    Problem chunk = p;
    chunk.N = std::min(plan.col_chunk, p.N - c0);
    chunk.b.data += c0 * p.b.col_stride;
    chunk.c += c0;
    if (chunk.bias != nullptr) chunk.bias += c0;
    const Layout layout(plan, chunk.N);
    Shared sh;
    sh.buf = buf;
    sh.copy_stride = plan.private_b ? layout.copy_bytes : 0;
    for (int t = 0; t < (plan.private_b ? nt : 1); ++t) {
      int32_t* state = layout.copy_at(buf + t * sh.copy_stride).state;
      std::fill(state, state + layout.panels, kUnpacked);
    }
    on_team(nt, [&](int t, int team) { take_units(chunk, plan, layout, sh, t, team); });
  }
}

// C = act(beta C + bias): the whole product when alpha == 0 or K == 0.
void scale_only(const Problem& p) {
  for (int64_t i = 0; i < p.M; ++i) {
    float* ci = p.c + i * p.ldc;
    for (int64_t j = 0; j < p.N; ++j) {
      float v = p.beta == 0.f ? 0.f : p.beta * ci[j];
      if (p.bias != nullptr) v += p.bias[j];
      ci[j] = apply_activation(v, p.activation);
    }
  }
}

}  // namespace

const KernelFamily& kernel_family(GemmIsa isa) {
#if EMBER_GEMM_X86_KERNELS
  if (isa == GemmIsa::avx512) return kAvx512;
  if (isa == GemmIsa::avx2) return kAvx2;
#endif
  (void)isa;
  return kGeneric;
}

}  // namespace gemm

const char* gemm_isa_name(GemmIsa isa) {
  switch (isa) {
    case GemmIsa::generic:
      return "generic";
    case GemmIsa::avx2:
      return "avx2";
    case GemmIsa::avx512:
      return "avx512";
  }
  return "unknown";
}

bool gemm_isa_supported(GemmIsa isa) {
#if EMBER_GEMM_X86_KERNELS
  const CpuFeatures& cpu = cpu_features();
  if (isa == GemmIsa::avx2) return cpu.avx2 && cpu.fma;
  if (isa == GemmIsa::avx512) return cpu.avx512f && cpu.avx2 && cpu.fma;
#endif
  return isa == GemmIsa::generic;
}

GemmIsa gemm_isa() {
  const int forced = gemm::forced_isa.load(std::memory_order_relaxed);
  return forced >= 0 ? static_cast<GemmIsa>(forced) : gemm::best_isa();
}

GemmIsaGuard::GemmIsaGuard(GemmIsa isa) : previous_(gemm::forced_isa.load()) {
  if (gemm_isa_supported(isa)) gemm::forced_isa.store(static_cast<int>(isa));
}

GemmIsaGuard::~GemmIsaGuard() { gemm::forced_isa.store(previous_); }

GemmPackAllGuard::GemmPackAllGuard() : previous_(gemm::pack_all.exchange(true)) {}

GemmPackAllGuard::~GemmPackAllGuard() { gemm::pack_all.store(previous_); }

void sgemm_batched(int64_t batch, int64_t M, int64_t N, int64_t K, float alpha,
                   const GemmOperand& A, const GemmOperand& B, float beta, float* C, int64_t ldc,
                   int64_t stride_c, const GemmEpilogue* epilogue) {
  using gemm::Problem;
  if (batch <= 0 || M <= 0 || N <= 0) return;
  const float* bias = epilogue != nullptr ? epilogue->bias : nullptr;
  const GemmActivation activation =
      epilogue != nullptr ? epilogue->activation : GemmActivation::none;
  auto problem = [&](int64_t i) {
    return Problem{M,
                   N,
                   K,
                   alpha,
                   beta,
                   {A.data + i * A.batch_stride, A.row_stride, A.col_stride},
                   {B.data + i * B.batch_stride, B.row_stride, B.col_stride},
                   C + i * stride_c,
                   ldc,
                   bias,
                   activation};
  };
  if (K <= 0 || alpha == 0.f) {
    for (int64_t i = 0; i < batch; ++i) gemm::scale_only(problem(i));
    return;
  }

  const int max_threads = in_parallel_region() ? 1 : num_threads();
  const gemm::Plan plan =
      gemm::make_plan(gemm::kernel_family(gemm_isa()), M, N, K, A, B, max_threads);
  const gemm::Layout layout(plan, plan.col_chunk);

  const double product_work =
      static_cast<double>(M) * static_cast<double>(N) * static_cast<double>(K);
  if (batch > 1 &&
      (plan.threads < max_threads || product_work < gemm::kWorkPerBatchedProduct * max_threads)) {
    // Products too small for the whole team: one product per thread (Note [GEMM threads]).
    const double work = static_cast<double>(batch) * product_work;
    const int nt = static_cast<int>(
        std::min<double>({static_cast<double>(max_threads), static_cast<double>(batch),
                          std::max(1.0, work / gemm::kWorkPerThread)}));
    const int64_t stride = layout.bytes(plan, 1);
    char* buf = gemm::scratch(stride * nt);
    std::atomic<int64_t> next{0};
    gemm::on_team(nt, [&](int t, int) {
      for (int64_t i = next.fetch_add(1); i < batch; i = next.fetch_add(1)) {
        gemm::run_product(problem(i), plan, buf + stride * t, 1);
      }
    });
    return;
  }

  char* buf = gemm::scratch(layout.bytes(plan, plan.threads));
  for (int64_t i = 0; i < batch; ++i) gemm::run_product(problem(i), plan, buf, plan.threads);
}

void sgemm_strided_batched(Transpose trans_a, Transpose trans_b, int64_t M, int64_t N, int64_t K,
                           float alpha, const float* A, int64_t lda, int64_t stride_a,
                           const float* B, int64_t ldb, int64_t stride_b, float beta, float* C,
                           int64_t ldc, int64_t stride_c, int64_t batch,
                           const GemmEpilogue* epilogue) {
  const GemmOperand a = trans_a == Transpose::no ? GemmOperand{A, lda, 1, stride_a}
                                                 : GemmOperand{A, 1, lda, stride_a};
  const GemmOperand b = trans_b == Transpose::no ? GemmOperand{B, ldb, 1, stride_b}
                                                 : GemmOperand{B, 1, ldb, stride_b};
  sgemm_batched(batch, M, N, K, alpha, a, b, beta, C, ldc, stride_c, epilogue);
}

void sgemm(Transpose trans_a, Transpose trans_b, int64_t M, int64_t N, int64_t K, float alpha,
           const float* A, int64_t lda, const float* B, int64_t ldb, float beta, float* C,
           int64_t ldc, const GemmEpilogue* epilogue) {
  sgemm_strided_batched(trans_a, trans_b, M, N, K, alpha, A, lda, 0, B, ldb, 0, beta, C, ldc, 0, 1,
                        epilogue);
}

}  // namespace ember::cpu
