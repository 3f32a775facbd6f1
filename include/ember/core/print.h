// Printing tensors: `std::cout << t` (values, summarised when large, then shape, dtype,
// device and grad state, PyTorch-style) and ember::inspect(t) (statistics for debugging).
#pragma once

#include <ostream>
#include <string>

#include "ember/core/tensor.h"

namespace ember {

std::ostream& operator<<(std::ostream& os, const Tensor& t);
/// The same text as operator<<.
std::string to_string(const Tensor& t);

/// One block of text: shape, dtype, device, requires_grad / grad_fn / grad, and for
/// non-empty tensors min, max, mean, std and the NaN and Inf counts.
std::string inspect(const Tensor& t, const std::string& name = "");

}  // namespace ember
