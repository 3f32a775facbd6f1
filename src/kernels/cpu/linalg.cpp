// Fast kernels: the batched matrix product, a blocked GEMM in portable C++.
//
// Note [GEMM blocking]
// C (M, N) = A (M, K) B (K, N) in the loop order of BLIS. The outputs are cut into tiles of
// MC x NC, the unit of parallelism (with the batch). A tile walks K in slices of KC; for
// each slice it packs its block of A into micro-panels of MR rows and its block of B into
// micro-panels of NR columns, k-major and zero-padded at the edges. The micro-kernel then
// reads both with unit stride whatever the strides of the inputs were (this is how
// transposed, sliced and broadcast inputs need no copy), keeps an MR x NR block of C in
// registers, and adds it to C (the first slice overwrites). A B micro-panel (KC x NR) stays
// in L1 while the tile's packed A (MC x KC) streams from L2.
//
// Note [GEMM clones]
// The micro-kernel is plain loops that the compiler vectorises for whatever the build
// targets (SSE2 by default on x86-64). On x86-64 with GCC each tile function is also
// compiled for x86-64-v3 (AVX2 + FMA) and the loader picks the best clone for the CPU at
// run time (target_clones), which is about 2.5x faster where available. Hand-written
// AVX2/AVX-512 micro-kernels belong in src/kernels/cpu/simd/.
//
// Not here (yet): a GEMV path for M == 1 or N == 1 (a skinny product runs as a GEMM with
// padded micro-panels, transposed so that the padding is at most MR - 1 rows).
#include <algorithm>
#include <vector>

#include "core/dispatch.h"
#include "core/parallel_for.h"
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::cpu {

namespace {

template <typename T>
struct Blocking;
template <>
struct Blocking<float> {
  static constexpr int64_t MR = 4, NR = 16, MC = 64, KC = 256, NC = 256;
};
template <>
struct Blocking<double> {
  static constexpr int64_t MR = 4, NR = 8, MC = 64, KC = 128, NC = 256;
};

// Element (i, j) of a matrix is data[i * rs + j * cs].
template <typename T>
struct Matrix {
  T* data;
  int64_t rs;
  int64_t cs;
};

// A (mc, kc) block -> micro-panels of MR rows: out[p][k][i] = a(p * MR + i, k), zero past mc.
template <typename T>
[[gnu::always_inline]] inline void pack_a(Matrix<const T> a, int64_t mc, int64_t kc, T* out) {
  constexpr int64_t MR = Blocking<T>::MR;
  for (int64_t p = 0; p < mc; p += MR) {
    const int64_t rows = std::min(MR, mc - p);
    for (int64_t k = 0; k < kc; ++k) {
      for (int64_t i = 0; i < rows; ++i) out[i] = a.data[(p + i) * a.rs + k * a.cs];
      for (int64_t i = rows; i < MR; ++i) out[i] = T(0);
      out += MR;
    }
  }
}

// B (kc, nc) block -> micro-panels of NR columns: out[q][k][j] = b(k, q * NR + j), zero past nc.
template <typename T>
[[gnu::always_inline]] inline void pack_b(Matrix<const T> b, int64_t kc, int64_t nc, T* out) {
  constexpr int64_t NR = Blocking<T>::NR;
  for (int64_t q = 0; q < nc; q += NR) {
    const int64_t cols = std::min(NR, nc - q);
    for (int64_t k = 0; k < kc; ++k) {
      for (int64_t j = 0; j < cols; ++j) out[j] = b.data[k * b.rs + (q + j) * b.cs];
      for (int64_t j = cols; j < NR; ++j) out[j] = T(0);
      out += NR;
    }
  }
}

// C (m, n) (=|+=) packed A micro-panel (kc x MR) times packed B micro-panel (kc x NR);
// m <= MR and n <= NR at the edges. The fixed-size loops unroll into MR x NR / vector-width
// register accumulators.
template <typename T>
[[gnu::always_inline]] inline void micro_kernel(int64_t kc, const T* __restrict ap,
                                                const T* __restrict bp, Matrix<T> c, int64_t m,
                                                int64_t n, bool accumulate) {
  constexpr int64_t MR = Blocking<T>::MR, NR = Blocking<T>::NR;
  T acc[MR][NR] = {};
  for (int64_t k = 0; k < kc; ++k) {
    const T* a = ap + k * MR;
    const T* b = bp + k * NR;
#pragma GCC unroll 16
    for (int64_t i = 0; i < MR; ++i) {
#pragma GCC unroll 16
      for (int64_t j = 0; j < NR; ++j) acc[i][j] += a[i] * b[j];
    }
  }
  if (m == MR && n == NR && c.cs == 1) {
    for (int64_t i = 0; i < MR; ++i) {
      T* row = c.data + i * c.rs;
      for (int64_t j = 0; j < NR; ++j) row[j] = accumulate ? row[j] + acc[i][j] : acc[i][j];
    }
    return;
  }
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      T& dst = c.data[i * c.rs + j * c.cs];
      dst = accumulate ? dst + acc[i][j] : acc[i][j];
    }
  }
}

// One MC x NC tile of C = A B (see Note [GEMM blocking]). a_pack and b_pack hold at least
// MC x KC and KC x NC elements (rounded up to whole micro-panels).
template <typename T>
[[gnu::always_inline]] inline void gemm_tile_impl(Matrix<const T> a, Matrix<const T> b,
                                                  Matrix<T> c, int64_t mc, int64_t nc, int64_t K,
                                                  T* a_pack, T* b_pack) {
  using Bk = Blocking<T>;
  for (int64_t pc = 0; pc < K; pc += Bk::KC) {
    const int64_t kc = std::min(Bk::KC, K - pc);
    pack_a<T>({a.data + pc * a.cs, a.rs, a.cs}, mc, kc, a_pack);
    pack_b<T>({b.data + pc * b.rs, b.rs, b.cs}, kc, nc, b_pack);
    for (int64_t q = 0; q < nc; q += Bk::NR) {
      for (int64_t p = 0; p < mc; p += Bk::MR) {
        micro_kernel<T>(kc, a_pack + p * kc, b_pack + q * kc,
                        {c.data + p * c.rs + q * c.cs, c.rs, c.cs}, std::min(Bk::MR, mc - p),
                        std::min(Bk::NR, nc - q), pc > 0);
      }
    }
  }
}

// See Note [GEMM clones].
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
[[gnu::target_clones("arch=x86-64-v3", "default")]]
#endif
void gemm_tile(Matrix<const float> a, Matrix<const float> b, Matrix<float> c, int64_t mc,
               int64_t nc, int64_t K, float* a_pack, float* b_pack) {
  gemm_tile_impl<float>(a, b, c, mc, nc, K, a_pack, b_pack);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
[[gnu::target_clones("arch=x86-64-v3", "default")]]
#endif
void gemm_tile(Matrix<const double> a, Matrix<const double> b, Matrix<double> c, int64_t mc,
               int64_t nc, int64_t K, double* a_pack, double* b_pack) {
  gemm_tile_impl<double>(a, b, c, mc, nc, K, a_pack, b_pack);
}

// The packing buffers of the calling thread: scratch that lives as long as the thread
// (sized on first use, never a tensor), so a GEMM allocates nothing after warm-up.
template <typename T>
std::pair<T*, T*> pack_buffers() {
  using Bk = Blocking<T>;
  thread_local std::vector<T> a_pack((Bk::MC + Bk::MR) * Bk::KC);
  thread_local std::vector<T> b_pack(Bk::KC * (Bk::NC + Bk::NR));
  return {a_pack.data(), b_pack.data()};
}

// a (B, M, K), b (B, K, N), any strides (0 for broadcast) -> out (B, M, N) contiguous,
// overwritten. Accumulates in T (float32 for float32, as every BLAS does).
void bmm(const Tensor& a, const Tensor& b, Tensor& out) {
  dispatch_floating(a.dtype(), "bmm", [&]<typename T>() {
    using Bk = Blocking<T>;
    const int64_t B = a.size(0), K = a.size(2);
    int64_t M = a.size(1), N = b.size(2);
    if (out.numel() == 0) return;
    if (K == 0) {
      std::fill(out.data<T>(), out.data<T>() + out.numel(), T(0));
      return;
    }
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    T* po = out.data<T>();
    Matrix<const T> ma{pa, a.stride(1), a.stride(2)};
    Matrix<const T> mb{pb, b.stride(1), b.stride(2)};
    Matrix<T> mc{po, N, 1};
    int64_t a_batch = a.stride(0), b_batch = b.stride(0);
    // A product with fewer than NR columns would fill most of every B micro-panel with
    // padding: compute C^T = B^T A^T instead, which pads at most MR - 1 rows.
    if (N < Bk::NR && M > N) {
      std::swap(ma, mb);
      std::swap(ma.rs, ma.cs);
      std::swap(mb.rs, mb.cs);
      std::swap(a_batch, b_batch);
      std::swap(M, N);
      mc = {po, 1, M};
    }
    const int64_t row_tiles = (M + Bk::MC - 1) / Bk::MC;
    const int64_t col_tiles = (N + Bk::NC - 1) / Bk::NC;
    const int64_t tiles = row_tiles * col_tiles;
    const int64_t tile_cost = std::min(M, Bk::MC) * std::min(N, Bk::NC) * K;
    parallel_for(0, B * tiles, tile_cost, [&](int64_t begin, int64_t end) {
      auto [a_pack, b_pack] = pack_buffers<T>();
      for (int64_t t = begin; t < end; ++t) {
        const int64_t bi = t / tiles;
        const int64_t i0 = (t % tiles) / col_tiles * Bk::MC;
        const int64_t j0 = (t % tiles) % col_tiles * Bk::NC;
        gemm_tile({ma.data + bi * a_batch + i0 * ma.rs, ma.rs, ma.cs},
                  {mb.data + bi * b_batch + j0 * mb.cs, mb.rs, mb.cs},
                  {mc.data + bi * M * N + i0 * mc.rs + j0 * mc.cs, mc.rs, mc.cs},
                  std::min(Bk::MC, M - i0), std::min(Bk::NC, N - j0), K, a_pack, b_pack);
      }
    });
  });
}

}  // namespace

void register_linalg() { kernels::bmm.set(Backend::cpu, &cpu::bmm); }

}  // namespace ember::cpu
