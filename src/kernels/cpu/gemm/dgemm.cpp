// ember's float64 GEMM (dgemm.h).
//
// Note [DGEMM blocking]
// C (M, N) = A (M, K) B (K, N) in the loop order of BLIS. The outputs are cut into tiles of
// MC x NC, the unit of parallelism (with the batch). A tile walks K in slices of KC; for
// each slice it packs its block of A into micro-panels of MR rows and its block of B into
// micro-panels of NR columns, k-major and zero-padded at the edges. The micro-kernel then
// reads both with unit stride whatever the strides of the inputs were (this is how
// transposed, sliced and broadcast inputs need no copy), keeps an MR x NR block of C in
// registers, and adds it to C (the first slice overwrites, unless the caller accumulates). A B micro-panel (KC x NR) stays
// in L1 while the tile's packed A (MC x KC) streams from L2.
//
// Note [DGEMM clones]
// The micro-kernel is plain loops that the compiler vectorises for whatever the build
// targets (SSE2 by default on x86-64). On x86-64 with GCC the tile function is also
// compiled for x86-64-v3 (AVX2 + FMA), and the loader picks the clone the CPU can run
// (target_clones), so one binary uses the wider vectors where they exist.
#include "kernels/cpu/gemm/dgemm.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "core/parallel_for.h"

namespace ember::cpu {

namespace {

constexpr int64_t MR = 4, NR = 8, MC = 64, KC = 128, NC = 256;

// Element (i, j) of a matrix is data[i * rs + j * cs].
template <typename T>
struct Matrix {
  T* data;
  int64_t rs;
  int64_t cs;
};

// A (mc, kc) block -> micro-panels of MR rows: out[p][k][i] = a(p * MR + i, k), zero past mc.
[[gnu::always_inline]] inline void pack_a(Matrix<const double> a, int64_t mc, int64_t kc,
                                          double* out) {
  for (int64_t p = 0; p < mc; p += MR) {
    const int64_t rows = std::min(MR, mc - p);
    for (int64_t k = 0; k < kc; ++k) {
      for (int64_t i = 0; i < rows; ++i) out[i] = a.data[(p + i) * a.rs + k * a.cs];
      for (int64_t i = rows; i < MR; ++i) out[i] = 0;
      out += MR;
    }
  }
}

// B (kc, nc) block -> micro-panels of NR columns: out[q][k][j] = b(k, q * NR + j), zero past nc.
[[gnu::always_inline]] inline void pack_b(Matrix<const double> b, int64_t kc, int64_t nc,
                                          double* out) {
  for (int64_t q = 0; q < nc; q += NR) {
    const int64_t cols = std::min(NR, nc - q);
    for (int64_t k = 0; k < kc; ++k) {
      for (int64_t j = 0; j < cols; ++j) out[j] = b.data[k * b.rs + (q + j) * b.cs];
      for (int64_t j = cols; j < NR; ++j) out[j] = 0;
      out += NR;
    }
  }
}

// C (m, n) (=|+=) packed A micro-panel (kc x MR) times packed B micro-panel (kc x NR);
// m <= MR and n <= NR at the edges. The fixed-size loops unroll into MR x NR / vector-width
// register accumulators.
[[gnu::always_inline]] inline void micro_kernel(int64_t kc, const double* __restrict ap,
                                                const double* __restrict bp, Matrix<double> c,
                                                int64_t m, int64_t n, bool accumulate) {
  double acc[MR][NR] = {};
  for (int64_t k = 0; k < kc; ++k) {
    const double* a = ap + k * MR;
    const double* b = bp + k * NR;
#pragma GCC unroll 8
    for (int64_t i = 0; i < MR; ++i) {
#pragma GCC unroll 8
      for (int64_t j = 0; j < NR; ++j) acc[i][j] += a[i] * b[j];
    }
  }
  if (m == MR && n == NR && c.cs == 1) {
    for (int64_t i = 0; i < MR; ++i) {
      double* row = c.data + i * c.rs;
      for (int64_t j = 0; j < NR; ++j) row[j] = accumulate ? row[j] + acc[i][j] : acc[i][j];
    }
    return;
  }
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      double& dst = c.data[i * c.rs + j * c.cs];
      dst = accumulate ? dst + acc[i][j] : acc[i][j];
    }
  }
}

// One MC x NC tile of C = A B (see Note [DGEMM blocking]). a_pack and b_pack hold at least
// (MC + MR) x KC and KC x (NC + NR) elements. See Note [DGEMM clones].
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
[[gnu::target_clones("arch=x86-64-v3", "default")]]
#endif
void gemm_tile(Matrix<const double> a, Matrix<const double> b, Matrix<double> c, int64_t mc,
               int64_t nc, int64_t K, bool accumulate, double* a_pack, double* b_pack) {
  for (int64_t pc = 0; pc < K; pc += KC) {
    const int64_t kc = std::min(KC, K - pc);
    pack_a({a.data + pc * a.cs, a.rs, a.cs}, mc, kc, a_pack);
    pack_b({b.data + pc * b.rs, b.rs, b.cs}, kc, nc, b_pack);
    for (int64_t q = 0; q < nc; q += NR) {
      for (int64_t p = 0; p < mc; p += MR) {
        micro_kernel(kc, a_pack + p * kc, b_pack + q * kc,
                     {c.data + p * c.rs + q * c.cs, c.rs, c.cs}, std::min(MR, mc - p),
                     std::min(NR, nc - q), accumulate || pc > 0);
      }
    }
  }
}

// The packing buffers of the calling thread: scratch that lives as long as the thread
// (sized on first use, never a tensor), so a product allocates nothing after warm-up.
std::pair<double*, double*> pack_buffers() {
  thread_local std::vector<double> a_pack((MC + MR) * KC);
  thread_local std::vector<double> b_pack(KC * (NC + NR));
  return {a_pack.data(), b_pack.data()};
}

}  // namespace

void dgemm_batched(int64_t batch, int64_t M, int64_t N, int64_t K, const DgemmOperand& A,
                   const DgemmOperand& B, bool accumulate, double* C, int64_t ldc,
                   int64_t stride_c) {
  if (batch <= 0 || M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (accumulate) return;
    for (int64_t bi = 0; bi < batch; ++bi) {
      for (int64_t i = 0; i < M; ++i) std::fill_n(C + bi * stride_c + i * ldc, N, 0.0);
    }
    return;
  }
  Matrix<const double> ma{A.data, A.row_stride, A.col_stride};
  Matrix<const double> mb{B.data, B.row_stride, B.col_stride};
  Matrix<double> mc{C, ldc, 1};
  int64_t a_batch = A.batch_stride, b_batch = B.batch_stride;
  // A product with fewer than NR columns would fill most of every B micro-panel with
  // padding: compute C^T = B^T A^T instead, which pads at most MR - 1 rows.
  if (N < NR && M > N) {
    std::swap(ma, mb);
    std::swap(ma.rs, ma.cs);
    std::swap(mb.rs, mb.cs);
    std::swap(a_batch, b_batch);
    std::swap(M, N);
    mc = {C, 1, ldc};
  }
  const int64_t row_tiles = (M + MC - 1) / MC;
  const int64_t col_tiles = (N + NC - 1) / NC;
  const int64_t tiles = row_tiles * col_tiles;
  const int64_t tile_cost = std::min(M, MC) * std::min(N, NC) * K;
  parallel_for(0, batch * tiles, tile_cost, [&](int64_t begin, int64_t end) {
    auto [a_pack, b_pack] = pack_buffers();
    for (int64_t t = begin; t < end; ++t) {
      const int64_t bi = t / tiles;
      const int64_t i0 = (t % tiles) / col_tiles * MC;
      const int64_t j0 = (t % tiles) % col_tiles * NC;
      gemm_tile({ma.data + bi * a_batch + i0 * ma.rs, ma.rs, ma.cs},
                {mb.data + bi * b_batch + j0 * mb.cs, mb.rs, mb.cs},
                {mc.data + bi * stride_c + i0 * mc.rs + j0 * mc.cs, mc.rs, mc.cs},
                std::min(MC, M - i0), std::min(NC, N - j0), K, accumulate, a_pack, b_pack);
    }
  });
}

}  // namespace ember::cpu
