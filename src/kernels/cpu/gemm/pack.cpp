// Packing of A and B blocks into micro-panels, and the portable transposer.
//
// Every layout lands here, which is how sgemm supports all four transpose combinations (and
// arbitrary strides) without ever copying a caller's matrix otherwise: the operand whose
// packed dimension is contiguous is copied row by row; the one whose other dimension is
// contiguous goes through the family's transposer (8 x 8 register transposes on AVX2 and
// AVX-512 machines); anything else is gathered element by element.
#include "kernels/cpu/gemm/pack.h"

namespace ember::cpu::gemm {

namespace {

// out[k * width + j] = src[k * ld + j] for j < count, zero for count <= j < width. Runs per k
// are short (8 to 48 floats): a compile-time width turns them into a few vector moves where a
// memcpy call per row would cost more than the copy.
template <int64_t W>
void copy_rows_fixed(const float* __restrict src, int64_t ld, int64_t count, int64_t rows,
                     float* __restrict out) {
  if (count == W) {
    for (int64_t k = 0; k < rows; ++k) {
      for (int64_t j = 0; j < W; ++j) out[k * W + j] = src[k * ld + j];
    }
    return;
  }
  for (int64_t k = 0; k < rows; ++k) {
    for (int64_t j = 0; j < count; ++j) out[k * W + j] = src[k * ld + j];
    for (int64_t j = count; j < W; ++j) out[k * W + j] = 0.f;
  }
}

void copy_rows(const float* __restrict src, int64_t ld, int64_t count, int64_t rows, int64_t width,
               float* __restrict out) {
  // The panel widths of the families (kernel.h): MR 6, 8 and NR 8, 16, 48.
  static_assert(generic::kMR == 6 && avx2::kMR == 6 && avx512::kMR == 8);
  static_assert(generic::kNR == 8 && avx2::kNR == 16 && avx512::kNR == 48);
  switch (width) {
    case 6:
      return copy_rows_fixed<6>(src, ld, count, rows, out);
    case 8:
      return copy_rows_fixed<8>(src, ld, count, rows, out);
    case 16:
      return copy_rows_fixed<16>(src, ld, count, rows, out);
    case 48:
      return copy_rows_fixed<48>(src, ld, count, rows, out);
    default:
      break;
  }
  for (int64_t k = 0; k < rows; ++k) {
    for (int64_t j = 0; j < count; ++j) out[k * width + j] = src[k * ld + j];
    for (int64_t j = count; j < width; ++j) out[k * width + j] = 0.f;
  }
}

// out[k * width + r] = src[r * rs + k * cs] for r < count, zero for count <= r < width.
void gather(const float* __restrict src, int64_t rs, int64_t cs, int64_t count, int64_t kc,
            int64_t width, float* __restrict out) {
  for (int64_t k = 0; k < kc; ++k) {
    for (int64_t r = 0; r < count; ++r) out[k * width + r] = src[r * rs + k * cs];
    for (int64_t r = count; r < width; ++r) out[k * width + r] = 0.f;
  }
}

}  // namespace

void transpose_pack_generic(const float* src, int64_t ld, int64_t rows, int64_t cols, int64_t width,
                            float* out) noexcept {
  gather(src, ld, 1, rows, cols, width, out);
}

void pack_a_panel(const float* a, int64_t rs, int64_t cs, int64_t m, int64_t kc,
                  const KernelFamily& f, float* out) noexcept {
  if (cs == 1) {
    f.transpose_pack(a, rs, m, kc, f.mr, out);
  } else if (rs == 1) {
    copy_rows(a, cs, m, kc, f.mr, out);
  } else {
    gather(a, rs, cs, m, kc, f.mr, out);
  }
}

void pack_b_panel(const float* b, int64_t rs, int64_t cs, int64_t kc, int64_t n,
                  const KernelFamily& f, float* out) noexcept {
  if (cs == 1) {
    copy_rows(b, rs, n, kc, f.nr, out);
  } else if (rs == 1) {
    f.transpose_pack(b, cs, n, kc, f.nr, out);
  } else {
    gather(b, cs, rs, n, kc, f.nr, out);
  }
}

}  // namespace ember::cpu::gemm
