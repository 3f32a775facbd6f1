// The SGEMM driver: picks the micro-kernel family, cuts the product into cache blocks,
// packs, splits the work over threads and calls the micro-kernels. The API is in gemm.h.
//
// Note [GEMM blocking]
// C (M, N) = A (M, K) B (K, N) in the loop order of BLIS, seen from row-major C (vectors run
// along N, so the B operand plays BLIS's A and vice versa):
//
//   for each column block j0 of NC columns          (B block: KC x NC, packed, lives in L2)
//     for each K slice k0 of KC                     (C is read back for every slice but the 1st)
//       pack the B block into NR-column micro-panels (k-major, zero-padded), shared by threads
//       for each MR-row micro-panel of A            (packed by the thread that uses it, ~L1)
//         for each NR-column micro-panel of B       (streams from L2)
//           micro-kernel: the MR x NR tile of C in registers, kc rank-1 updates, epilogue
//
// On the AVX-512 family (8 x 48 tiles) KC = 256 keeps an A micro-panel (8 KiB) in Zen 4's
// 32 KiB L1d next to the B micro-panel streaming past it (48 KiB per call, read once), and
// NC = 576 keeps the packed B block (576 KiB) in its 1 MiB L2 with room for A and C lines.
// An A micro-panel is packed once per (j0, k0) and reused for the NC / NR tiles of its row;
// the B block is packed once per (j0, k0) and reused by every row panel. The L3 (32 MiB,
// shared) holds the whole of C and A for the transformer shapes. K and N are cut into
// equal slices (K = 384 runs as 2 x 192, not 256 + 128) so that no slice is a sliver.
// Slicing depends only on the shape and the family, never on the thread count, so every
// output element sees the same sums in the same order whatever the number of threads.
//
// Note [GEMM small path]
// Below kSmallWork multiply-adds the operands are read in place when their layout allows it
// (A with a unit stride in either dimension, B with unit column stride): packing would cost
// as much as the product. Only the partial edge panels are packed then, into zero-padded
// buffers, because the micro-kernels read whole MR x kc and kc x NR panels.
//
// Note [GEMM threads]
// The unit of work is the micro-tile. For each (j0, k0) block the threads first pack the B
// block together (each a contiguous range of its micro-panels), meet at a barrier, then each
// takes a contiguous range of the block's tiles in row-major order: mostly whole rows of
// tiles, so a thread packs each of its A micro-panels once, and balanced to within one tile
// even for tall-skinny (M = 4096, N = 65: 512 rows of 2 tiles) or short-wide products
// (M = 64: 8 rows of many tiles). A second barrier keeps the B block alive until every
// thread is done with it. Products too small to pay for a parallel region (kWorkPerThread)
// use fewer threads; a batch of such products runs one product per thread instead.
#include "kernels/cpu/gemm/gemm.h"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>

#include "ember/core/parallel.h"
#include "ember/version.h"
#include "kernels/cpu/gemm/activation.h"
#include "kernels/cpu/gemm/kernel.h"
#include "kernels/cpu/gemm/pack.h"

namespace ember::cpu {

namespace gemm {

namespace {

constexpr KernelFamily kGeneric{GemmIsa::generic,         generic::kMR,
                                generic::kNR,             256,
                                512,                      &generic::kernel_k_major,
                                &generic::kernel_row_major, &transpose_pack_generic};
#if EMBER_GEMM_X86_KERNELS
constexpr KernelFamily kAvx2{GemmIsa::avx2,         avx2::kMR,
                             avx2::kNR,             256,
                             512,                   &avx2::kernel_k_major,
                             &avx2::kernel_row_major, &avx2::transpose_pack};
constexpr KernelFamily kAvx512{GemmIsa::avx512,         avx512::kMR,
                               avx512::kNR,             256,
                               576,                     &avx512::kernel_k_major,
                               &avx512::kernel_row_major, &avx2::transpose_pack};
#endif

// A micro-panel of A lives on the stack of the thread that packs it.
constexpr int64_t kMaxAPanel = 8 * 512;
static_assert(kGeneric.mr * kGeneric.kc <= kMaxAPanel);
#if EMBER_GEMM_X86_KERNELS
static_assert(kAvx2.mr * kAvx2.kc <= kMaxAPanel && kAvx512.mr * kAvx512.kc <= kMaxAPanel);
#endif

// See Note [GEMM small path] and Note [GEMM threads]; both in multiply-adds (M N K).
constexpr double kSmallWork = 128.0 * 128.0 * 128.0;
constexpr double kWorkPerThread = 64.0 * 64.0 * 64.0;

// -1: no override; else a GemmIsa forced by a GemmIsaGuard.
std::atomic<int> forced_isa{-1};

const KernelFamily& family(GemmIsa isa) {
#if EMBER_GEMM_X86_KERNELS
  if (isa == GemmIsa::avx512) return kAvx512;
  if (isa == GemmIsa::avx2) return kAvx2;
#endif
  (void)isa;
  return kGeneric;
}

GemmIsa best_isa() {
  static const GemmIsa best = gemm_isa_supported(GemmIsa::avx512) ? GemmIsa::avx512
                              : gemm_isa_supported(GemmIsa::avx2) ? GemmIsa::avx2
                                                                  : GemmIsa::generic;
  return best;
}

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

struct Plan {
  const KernelFamily* f;
  int64_t kc;  // K slice
  int64_t nc;  // column block, a multiple of f->nr
  bool pack_a;
  bool pack_b;
  int threads;
};

Plan make_plan(const KernelFamily& f, int64_t M, int64_t N, int64_t K, const GemmOperand& a,
               const GemmOperand& b, int max_threads) {
  Plan p{};
  p.f = &f;
  p.kc = ceil_div(K, ceil_div(K, f.kc));
  p.nc = ceil_div(ceil_div(N, ceil_div(N, f.nc)), f.nr) * f.nr;
  const double work = static_cast<double>(M) * static_cast<double>(N) * static_cast<double>(K);
  const bool small = work <= kSmallWork;
  p.pack_a = !(small && (a.col_stride == 1 || a.row_stride == 1));
  p.pack_b = !(small && b.col_stride == 1);
  const int64_t tiles = ceil_div(M, f.mr) * ceil_div(std::min(N, p.nc), f.nr);
  const int64_t by_work = std::max<int64_t>(1, static_cast<int64_t>(work / kWorkPerThread));
  p.threads = static_cast<int>(std::min<int64_t>({max_threads, tiles, by_work}));
  return p;
}

// Floats of shared packing buffer one product needs (the B block, or its edge panel).
int64_t b_buffer_size(const Plan& p) { return p.kc * (p.pack_b ? p.nc : p.f->nr); }

// One product of the batch, with the batch offsets applied.
struct Problem {
  int64_t M, N, K;
  float alpha, beta;
  GemmOperand a, b;
  float* c;
  int64_t ldc;
  const float* bias;
  GemmActivation activation;
};

void barrier(int nt) {
  if (nt > 1) {
#pragma omp barrier
  }
}

// Thread t of nt computes its share of one product (see Note [GEMM threads]); all nt threads
// of the team must call it. b_buf is shared by the team.
void run(const Problem& p, const Plan& plan, float* b_buf, int t, int nt) {
  const KernelFamily& f = *plan.f;
  const int64_t mr = f.mr, nr = f.nr;
  const int64_t a_rs = p.a.row_stride, a_cs = p.a.col_stride;
  const int64_t b_rs = p.b.row_stride, b_cs = p.b.col_stride;
  const int64_t row_panels = ceil_div(p.M, mr);
  alignas(64) float a_buf[kMaxAPanel];

  for (int64_t j0 = 0; j0 < p.N; j0 += plan.nc) {
    const int64_t nc = std::min(plan.nc, p.N - j0);
    const int64_t col_panels = ceil_div(nc, nr);
    for (int64_t k0 = 0; k0 < p.K; k0 += plan.kc) {
      const int64_t kc = std::min(plan.kc, p.K - k0);
      const float* b_block = p.b.data + k0 * b_rs + j0 * b_cs;
      bool shared_write = false;
      if (plan.pack_b) {
        for (int64_t q = col_panels * t / nt; q < col_panels * (t + 1) / nt; ++q) {
          pack_b_panel(b_block + q * nr * b_cs, b_rs, b_cs, kc, std::min(nr, nc - q * nr), f,
                       b_buf + q * nr * kc);
        }
        shared_write = true;
      } else if (nc % nr != 0) {
        const int64_t q = col_panels - 1;
        if (t == nt - 1) pack_b_panel(b_block + q * nr * b_cs, b_rs, b_cs, kc, nc - q * nr, f, b_buf);
        shared_write = true;
      }
      if (shared_write) barrier(nt);

      const bool last_slice = k0 + kc >= p.K;
      const TileUpdate update{p.alpha, k0 == 0 ? p.beta : 1.f, nullptr,
                              last_slice ? p.activation : GemmActivation::none};
      const float* bias = last_slice ? p.bias : nullptr;
      const int64_t tiles = row_panels * col_panels;
      int64_t a_row = -1;
      const float* ap = nullptr;
      int64_t a_stride = 0;
      MicroKernel* kernel = nullptr;
      for (int64_t tile = tiles * t / nt; tile < tiles * (t + 1) / nt; ++tile) {
        const int64_t ir = tile / col_panels, jr = tile % col_panels;
        const int64_t i0 = ir * mr, m = std::min(mr, p.M - i0);
        if (ir != a_row) {
          a_row = ir;
          const float* a0 = p.a.data + i0 * a_rs + k0 * a_cs;
          if (!plan.pack_a && m == mr) {
            kernel = a_cs == 1 ? f.kernel_row_major : f.kernel_k_major;
            a_stride = a_cs == 1 ? a_rs : a_cs;
            ap = a0;
          } else {
            pack_a_panel(a0, a_rs, a_cs, m, kc, f, a_buf);
            kernel = f.kernel_k_major;
            a_stride = mr;
            ap = a_buf;
          }
        }
        const int64_t j = jr * nr, n = std::min(nr, nc - j);
        const float* bp = b_buf + jr * nr * kc;
        int64_t b_stride = nr;
        if (!plan.pack_b) {
          bp = n < nr ? b_buf : b_block + j;
          b_stride = n < nr ? nr : b_rs;
        }
        TileUpdate u = update;
        if (bias != nullptr) u.bias = bias + j0 + j;
        kernel(kc, ap, a_stride, bp, b_stride, p.c + i0 * p.ldc + j0 + j, p.ldc, m, n, u);
      }
      // The next block (or the next product of the batch) repacks the shared buffer.
      if (shared_write) barrier(nt);
    }
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

// The packing buffer of the calling thread, grown on demand and kept for the thread's
// lifetime, so that products allocate nothing after the first ones. Shared by the threads
// of the calling thread's parallel regions; never touched by two sgemm calls at once.
float* scratch(int64_t floats) {
  struct Buffer {
    float* data = nullptr;
    int64_t size = 0;
    ~Buffer() { std::free(data); }
  };
  thread_local Buffer buf;
  if (floats > buf.size) {
    std::free(buf.data);
    buf.data = nullptr;
    buf.size = 0;
    const size_t bytes = (static_cast<size_t>(floats) * sizeof(float) + 63) / 64 * 64;
    buf.data = static_cast<float*>(std::aligned_alloc(64, bytes));
    if (buf.data == nullptr) throw std::bad_alloc();
    buf.size = floats;
  }
  return buf.data;
}

}  // namespace

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
  const gemm::Plan plan = gemm::make_plan(gemm::family(gemm_isa()), M, N, K, A, B, max_threads);
  const int64_t per_product = gemm::b_buffer_size(plan);

  if (batch > 1 && plan.threads < max_threads) {
    // Products too small for the whole team: one product per thread (Note [GEMM threads]).
    const double work = static_cast<double>(batch) * static_cast<double>(M) *
                        static_cast<double>(N) * static_cast<double>(K);
    const int nt = static_cast<int>(std::min<double>(
        {static_cast<double>(max_threads), static_cast<double>(batch),
         std::max(1.0, work / gemm::kWorkPerThread)}));
    gemm::Plan serial = plan;
    serial.threads = 1;
    float* buf = gemm::scratch(per_product * nt);
    if (nt == 1) {
      for (int64_t i = 0; i < batch; ++i) gemm::run(problem(i), serial, buf, 0, 1);
      return;
    }
#pragma omp parallel num_threads(nt)
    {
      const int t = omp_get_thread_num(), team = omp_get_num_threads();
      for (int64_t i = batch * t / team; i < batch * (t + 1) / team; ++i) {
        gemm::run(problem(i), serial, buf + per_product * t, 0, 1);
      }
    }
    return;
  }

  float* buf = gemm::scratch(per_product);
  if (plan.threads == 1) {
    for (int64_t i = 0; i < batch; ++i) gemm::run(problem(i), plan, buf, 0, 1);
    return;
  }
#pragma omp parallel num_threads(plan.threads)
  {
    const int t = omp_get_thread_num(), team = omp_get_num_threads();
    for (int64_t i = 0; i < batch; ++i) gemm::run(problem(i), plan, buf, t, team);
  }
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
  sgemm_strided_batched(trans_a, trans_b, M, N, K, alpha, A, lda, 0, B, ldb, 0, beta, C, ldc, 0,
                        1, epilogue);
}

}  // namespace ember::cpu
