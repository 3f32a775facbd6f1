// The bfloat16 GEMM's portable packers: the rounding of float32 operands to bfloat16 (with
// BFloat16's own conversion, so the GEMM rounds exactly as a .to(bfloat16) would) while they
// are copied into micro-panels. Contract: PanelPack in bf16_kernel.h. These are the whole
// packing of the portable path and the fallback of the AVX512-BF16 one for operands without
// a unit stride; they are plain loops and not tuned further.
#include "ember/core/dtype.h"
#include "kernels/cpu/gemm/bf16_kernel.h"

namespace ember::cpu::gemm {

namespace {

// The bfloat16 bits of element (r, k).
template <typename T>
uint32_t bits_at(const T* data, int64_t rs, int64_t ks, int64_t r, int64_t k) {
  if constexpr (sizeof(T) == sizeof(float)) {
    return BFloat16::from_float(data[r * rs + k * ks]);
  } else {
    return data[r * rs + k * ks].bits;
  }
}

template <typename T>
void pairs(const T* data, int64_t rs, int64_t ks, int64_t count, int64_t kc, int64_t width,
           uint32_t* out) {
  for (int64_t p = 0; p < (kc + 1) / 2; ++p) {
    const int64_t k = 2 * p;
    uint32_t* row = out + p * width;
    for (int64_t r = 0; r < count; ++r) {
      const uint32_t hi = k + 1 < kc ? bits_at(data, rs, ks, r, k + 1) : 0u;
      row[r] = bits_at(data, rs, ks, r, k) | hi << 16;
    }
    for (int64_t r = count; r < width; ++r) row[r] = 0;
  }
}

template <typename T>
void rounded(const T* data, int64_t rs, int64_t ks, int64_t count, int64_t kc, int64_t width,
             float* out) {
  for (int64_t k = 0; k < kc; ++k) {
    float* row = out + k * width;
    for (int64_t r = 0; r < count; ++r) {
      BFloat16 v;
      v.bits = static_cast<uint16_t>(bits_at(data, rs, ks, r, k));
      row[r] = static_cast<float>(v);
    }
    for (int64_t r = count; r < width; ++r) row[r] = 0.f;
  }
}

}  // namespace

void pack_pairs_generic(const PanelSource& src, int64_t count, int64_t kc, int64_t width,
                        void* out) noexcept {
  auto* words = static_cast<uint32_t*>(out);
  if (src.is_bf16) {
    pairs(static_cast<const BFloat16*>(src.data), src.rs, src.ks, count, kc, width, words);
  } else {
    pairs(static_cast<const float*>(src.data), src.rs, src.ks, count, kc, width, words);
  }
}

void pack_rounded_generic(const PanelSource& src, int64_t count, int64_t kc, int64_t width,
                          void* out) noexcept {
  auto* floats = static_cast<float*>(out);
  if (src.is_bf16) {
    rounded(static_cast<const BFloat16*>(src.data), src.rs, src.ks, count, kc, width, floats);
  } else {
    rounded(static_cast<const float*>(src.data), src.rs, src.ks, count, kc, width, floats);
  }
}

}  // namespace ember::cpu::gemm
