// The AVX512-BF16 family of the bfloat16 GEMM: the vdpbf16ps micro-kernel and the packers
// that round float32 operands into its pair panels (Note [bfloat16 pair panels] in
// bf16_kernel.h). Compiled with -mavx512f -mavx512bw -mavx512vl -mavx512bf16 and called only
// on CPUs that report all of them (see Note [GEMM ISA files] in kernel.h).
//
// Note [AVX512-BF16 register blocking]
// The tile is sgemm's AVX-512 tile (Note [AVX-512 register blocking]), 8 rows x 48 columns
// in 24 zmm accumulators, with a k pair where sgemm has a k: each step loads 3 vectors of B
// words, broadcasts 8 words of A and issues 24 vdpbf16ps, 48 multiply-adds per lane. Zen 4
// runs one 512-bit vdpbf16ps per cycle, as many as 512-bit FMAs (measured: BM_Peak in
// bench/bench_gemm_bf16.cpp), so the loop's bound is 64 FLOP per cycle against FMA's 32, with
// the same 11 loads per 24 instructions; 24 chains cover the latency. The accumulators leave
// through sgemm's AVX-512 epilogue (epilogue_avx512.h).
#include "kernels/cpu/gemm/bf16_kernel.h"

#if EMBER_GEMM_BF16_KERNELS

#include <immintrin.h>

#include <cstdint>

#include "kernels/cpu/gemm/epilogue_avx512.h"

namespace ember::cpu::gemm::avx512_bf16 {

namespace {

using avx512::first_lanes;
using avx512::kLanes;
static_assert(kMR == avx512::kMR && kNR == 3 * kLanes);

// The 8 x (16 NV) tile; n > 16 (NV - 1) columns are stored.
template <int NV>
[[gnu::always_inline]] inline void tile(int64_t kp, const uint32_t* a, const uint32_t* b, float* c,
                                        int64_t ldc, int64_t m, int64_t n, const TileUpdate& u) {
  __m512 acc[kMR][NV];
  const __mmask16 last_mask = avx512::start_tile<NV>(acc, c, ldc, m, n);
#pragma GCC unroll 4
  for (int64_t p = 0; p < kp; ++p) {
    // The packed B panel is zero-padded to kNR columns: no masks in the loop.
    __m512bh bv[NV];
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v) bv[v] = (__m512bh)_mm512_loadu_si512(b + v * kLanes);
#pragma GCC unroll 8
    for (int i = 0; i < kMR; ++i) {
      const __m512bh ai = (__m512bh)_mm512_set1_epi32(static_cast<int>(a[i]));
#pragma GCC unroll 3
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_dpbf16_ps(acc[i][v], ai, bv[v]);
    }
    a += kMR;
    b += kNR;
  }
  avx512::store_tile<NV>(acc, c, ldc, m, last_mask, u);
}

// Stores of packed words. A full vector goes through a plain store: masked stores cost more
// on Zen 4 even with every lane set (a packing pass ran 20-35 % faster without them).
inline void store16(uint32_t* out, __m512i words, __mmask16 lanes) {
  if (lanes == __mmask16(0xFFFF)) {
    _mm512_storeu_si512(out, words);
  } else {
    _mm512_mask_storeu_epi32(out, lanes, words);
  }
}

inline void store8(uint32_t* out, __m256i words) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), words);
}

// Words p0 .. p0 + 15 of one vector whose kc values are contiguous at x (Note [bfloat16 pair
// panels]); values at k >= kc read as zero.
inline __m512i load_pairs(const float* x, int64_t p0, int64_t kc) {
  const int64_t k0 = 2 * p0, left = kc - k0;
  const __m512 lo = _mm512_maskz_loadu_ps(first_lanes(left), x + k0);
  const __m512 hi = left > kLanes
                        ? _mm512_maskz_loadu_ps(first_lanes(left - kLanes), x + k0 + kLanes)
                        : _mm512_setzero_ps();
  // bfloat16 element e of the result is lo[e] for e < 16, hi[e - 16] after: word q holds
  // k0 + 2q in its low half and k0 + 2q + 1 in its high half.
  return (__m512i)_mm512_cvtne2ps_pbh(hi, lo);
}

inline __m512i load_pairs(const uint16_t* x, int64_t p0, int64_t kc) {
  const int64_t k0 = 2 * p0, left = kc - k0;
  const __mmask32 mask = left >= 32 ? ~__mmask32(0) : __mmask32((1u << left) - 1);
  return _mm512_maskz_loadu_epi16(mask, x + k0);
}

// The shuffles with every lane selected: GCC 12's plain forms pass an undefined register as
// the merge source and trip -Wmaybe-uninitialized (GCC bug 105593; see epilogue_avx512.h).
inline __m512i unpacklo32(__m512i a, __m512i b) {
  return _mm512_maskz_unpacklo_epi32(0xFFFF, a, b);
}
inline __m512i unpackhi32(__m512i a, __m512i b) {
  return _mm512_maskz_unpackhi_epi32(0xFFFF, a, b);
}
inline __m512i unpacklo64(__m512i a, __m512i b) { return _mm512_maskz_unpacklo_epi64(0xFF, a, b); }
inline __m512i unpackhi64(__m512i a, __m512i b) { return _mm512_maskz_unpackhi_epi64(0xFF, a, b); }
template <int kImm>
inline __m512i shuffle128(__m512i a, __m512i b) {
  return _mm512_maskz_shuffle_i32x4(0xFFFF, a, b, kImm);
}

// A 16 x 16 transpose of 32-bit words: r[i] lane j -> r[j] lane i.
inline void transpose16(__m512i (&r)[16]) {
  __m512i t[16];
#pragma GCC unroll 8
  for (int i = 0; i < 8; ++i) {
    t[2 * i] = unpacklo32(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = unpackhi32(r[2 * i], r[2 * i + 1]);
  }
  // r[4 i + c], 128-bit lane L: column 4 L + c of rows 4 i .. 4 i + 3.
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) {
    r[4 * i] = unpacklo64(t[4 * i], t[4 * i + 2]);
    r[4 * i + 1] = unpackhi64(t[4 * i], t[4 * i + 2]);
    r[4 * i + 2] = unpacklo64(t[4 * i + 1], t[4 * i + 3]);
    r[4 * i + 3] = unpackhi64(t[4 * i + 1], t[4 * i + 3]);
  }
#pragma GCC unroll 4
  for (int c = 0; c < 4; ++c) {
    // 0x88 takes 128-bit lanes 0 and 2 of each source, 0xDD lanes 1 and 3.
    const __m512i even_lo = shuffle128<0x88>(r[c], r[4 + c]);
    const __m512i odd_lo = shuffle128<0xDD>(r[c], r[4 + c]);
    const __m512i even_hi = shuffle128<0x88>(r[8 + c], r[12 + c]);
    const __m512i odd_hi = shuffle128<0xDD>(r[8 + c], r[12 + c]);
    t[c] = shuffle128<0x88>(even_lo, even_hi);      // column c
    t[8 + c] = shuffle128<0xDD>(even_lo, even_hi);  // column 8 + c
    t[4 + c] = shuffle128<0x88>(odd_lo, odd_hi);    // column 4 + c
    t[12 + c] = shuffle128<0xDD>(odd_lo, odd_hi);   // column 12 + c
  }
#pragma GCC unroll 16
  for (int i = 0; i < 16; ++i) r[i] = t[i];
}

// Vectors contiguous in k (ks == 1: a row-major A, a transposed B): the words of 16 vectors
// are loaded as rows and transposed into pair rows. A width of 8 (A's panels) transposes
// pairs p0 .. p0 + 15 of the 8 vectors with pairs p0 + 16 .. p0 + 31 as the other 8 rows.
template <typename T>
void pack_k_contiguous(const T* x, int64_t rs, int64_t count, int64_t kc, int64_t width,
                       uint32_t* out) {
  const int64_t kp = (kc + 1) / 2;
  __m512i r[16];
  if (width == 8) {
    for (int64_t p0 = 0; p0 < kp; p0 += 32) {
      for (int64_t v = 0; v < 8; ++v) {
        const bool live = v < count;
        r[v] = live ? load_pairs(x + v * rs, p0, kc) : _mm512_setzero_si512();
        r[8 + v] =
            live && p0 + 16 < kp ? load_pairs(x + v * rs, p0 + 16, kc) : _mm512_setzero_si512();
      }
      transpose16(r);
      // r[q]'s low 8 words are pair row p0 + q, its high 8 words pair row p0 + 16 + q.
      for (int64_t q = 0; q < 16 && p0 + q < kp; ++q) {
        store8(out + (p0 + q) * 8, _mm512_maskz_extracti64x4_epi64(0xF, r[q], 0));
        if (p0 + 16 + q < kp) {
          store8(out + (p0 + 16 + q) * 8, _mm512_maskz_extracti64x4_epi64(0xF, r[q], 1));
        }
      }
    }
    return;
  }
  for (int64_t v0 = 0; v0 < width; v0 += kLanes) {
    const __mmask16 store = first_lanes(width - v0);
    for (int64_t p0 = 0; p0 < kp; p0 += kLanes) {
      for (int64_t v = 0; v < kLanes; ++v) {
        r[v] = v0 + v < count ? load_pairs(x + (v0 + v) * rs, p0, kc) : _mm512_setzero_si512();
      }
      transpose16(r);
      for (int64_t q = 0; q < kLanes && p0 + q < kp; ++q) {
        store16(out + (p0 + q) * width + v0, r[q], store);
      }
    }
  }
}

// Values k and k + 1 of 16 consecutive vectors (the first `live` of them, zero after) as
// their bfloat16 values side by side: k's in elements 0..15, k + 1's in 16..31 (zero when
// x1 is null: the pad of an odd K).
inline __m512i load_two_rows(const float* x0, const float* x1, __mmask16 live) {
  const __m512 lo = _mm512_maskz_loadu_ps(live, x0);
  const __m512 hi = x1 != nullptr ? _mm512_maskz_loadu_ps(live, x1) : _mm512_setzero_ps();
  return (__m512i)_mm512_cvtne2ps_pbh(hi, lo);
}

inline __m512i load_two_rows(const uint16_t* x0, const uint16_t* x1, __mmask16 live) {
  const __m512i lo = _mm512_maskz_loadu_epi16(live, x0);
  const __m512i hi = x1 != nullptr ? _mm512_maskz_loadu_epi16(live, x1) : _mm512_setzero_si512();
  return _mm512_maskz_shuffle_i64x2(0xFF, lo, hi, 0x44);  // lo's lanes 0, 1, then hi's
}

// Element 2 q of the words takes element q of row k, element 2 q + 1 element q of row k + 1.
constexpr int16_t kInterleave[32] = {0, 16, 1, 17, 2,  18, 3,  19, 4,  20, 5,  21, 6,  22, 7,  23,
                                     8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31};

// Vectors contiguous across r (rs == 1: a transposed A, a row-major B): two k rows at a time,
// their bfloat16 values interleaved into words.
template <typename T>
void pack_r_contiguous(const T* x, int64_t ks, int64_t count, int64_t kc, int64_t width,
                       uint32_t* out) {
  const __m512i interleave = _mm512_loadu_si512(kInterleave);
  for (int64_t p = 0; p < (kc + 1) / 2; ++p) {
    const T* x0 = x + 2 * p * ks;
    const T* x1 = 2 * p + 1 < kc ? x0 + ks : nullptr;
    for (int64_t v0 = 0; v0 < width; v0 += kLanes) {
      const __m512i both =
          load_two_rows(x0 + v0, x1 != nullptr ? x1 + v0 : nullptr, first_lanes(count - v0));
      store16(out + p * width + v0, _mm512_maskz_permutexvar_epi16(~__mmask32(0), interleave, both),
              first_lanes(width - v0));
    }
  }
}

template <typename T>
bool pack_unit_stride(const T* x, const PanelSource& src, int64_t count, int64_t kc, int64_t width,
                      uint32_t* out) {
  if (src.ks == 1 && (width == 8 || width % kLanes == 0)) {
    pack_k_contiguous(x, src.rs, count, kc, width, out);
    return true;
  }
  if (src.rs == 1) {
    pack_r_contiguous(x, src.ks, count, kc, width, out);
    return true;
  }
  return false;
}

inline void any_width(int64_t kp, const uint32_t* a, const uint32_t* b, float* c, int64_t ldc,
                      int64_t m, int64_t n, const TileUpdate& u) {
  if (n > 2 * kLanes) {
    tile<3>(kp, a, b, c, ldc, m, n, u);
  } else if (n > kLanes) {
    tile<2>(kp, a, b, c, ldc, m, n, u);
  } else {
    tile<1>(kp, a, b, c, ldc, m, n, u);
  }
}

}  // namespace

void kernel(int64_t kp, const uint32_t* a, const uint32_t* b, float* c, int64_t ldc, int64_t m,
            int64_t n, const TileUpdate& update) noexcept {
  any_width(kp, a, b, c, ldc, m, n, update);
}

void pack_pairs(const PanelSource& src, int64_t count, int64_t kc, int64_t width,
                void* out) noexcept {
  auto* words = static_cast<uint32_t*>(out);
  const bool done =
      src.is_bf16
          ? pack_unit_stride(static_cast<const uint16_t*>(src.data), src, count, kc, width, words)
          : pack_unit_stride(static_cast<const float*>(src.data), src, count, kc, width, words);
  if (!done) pack_pairs_generic(src, count, kc, width, out);
}

}  // namespace ember::cpu::gemm::avx512_bf16

#endif  // EMBER_GEMM_BF16_KERNELS
