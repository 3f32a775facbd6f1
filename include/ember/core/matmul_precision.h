// The precision of float32 matrix products: PyTorch's torch.set_float32_matmul_precision.
//
// The setting lets float32 matmul, bmm, linear and conv trade accuracy for speed; it never changes
// float64 or 16-bit products. Process-wide, like set_num_threads.
#pragma once

#include <string>
#include <string_view>

namespace ember {

/// How float32 matrix products may compute internally, as torch.set_float32_matmul_precision:
///  - "highest" (the default): float32 products and sums (ember's SGEMM).
///  - "high": the same as "highest" in ember. PyTorch lets "high" use TF32 or a three-product
///    bfloat16 split where the hardware has them; ember's CPU GEMM has neither (neither does
///    PyTorch's on CPU), and "high" never silently loses more than float32 precision.
///  - "medium": the operands are rounded to bfloat16 (to nearest, ties to even: 8 significant
///    bits, a relative error up to 2^-9 each) and the products summed in float32. Runs on
///    vdpbf16ps where the CPU has AVX512-BF16 (about twice SGEMM's speed on Zen 4; `ember
///    info` shows the flag), elsewhere on a portable path with the same rounding. For
///    inference; results differ from "highest" by about 2^-8 relative per product.
/// Applies to the forward and backward products of matmul, bmm, linear (and addmm, einsum)
/// and of the im2col convolutions (conv1d, conv2d, conv_transpose2d) made after the call, on the fast CPU kernels (EMBER_BACKEND=ref ignores it). Not to be
/// changed while another thread runs a product.
/// Throws ValueError naming the accepted values for any other string (case-sensitive).
void set_float32_matmul_precision(std::string_view precision);

/// "highest", "high" or "medium": the last value set, "highest" until then.
std::string get_float32_matmul_precision();

/// The setting as kernels read it (one relaxed atomic load).
enum class MatmulPrecision { highest, high, medium };
MatmulPrecision float32_matmul_precision();

}  // namespace ember
