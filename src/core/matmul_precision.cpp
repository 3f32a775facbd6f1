// The float32 matmul precision setting (include/ember/core/matmul_precision.h). Read by the
// CPU bmm kernel (kernels/cpu/linalg.cpp through float32_matmul_gemm_batched in
// kernels/cpu/gemm/bf16_gemm.h), which picks SGEMM or the bfloat16 GEMM from it.
#include "ember/core/matmul_precision.h"

#include <atomic>
#include <iterator>

#include "ember/core/error.h"

namespace ember {

namespace {

constexpr std::string_view kNames[] = {"highest", "high", "medium"};  // MatmulPrecision order

std::atomic<MatmulPrecision> precision{MatmulPrecision::highest};

}  // namespace

void set_float32_matmul_precision(std::string_view value) {
  for (size_t i = 0; i < std::size(kNames); ++i) {
    if (value == kNames[i]) {
      precision.store(static_cast<MatmulPrecision>(i), std::memory_order_relaxed);
      return;
    }
  }
  EMBER_THROW(ValueError, "set_float32_matmul_precision: expected \"highest\", \"high\" or ",
              "\"medium\", got \"", value, "\"");
}

std::string get_float32_matmul_precision() {
  return std::string(kNames[static_cast<size_t>(float32_matmul_precision())]);
}

MatmulPrecision float32_matmul_precision() { return precision.load(std::memory_order_relaxed); }

}  // namespace ember
