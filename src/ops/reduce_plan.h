// Planning a reduction: which dims, the output shape, and the (outer, reduce, inner) view of
// the input that the reduce kernels take. Shared by every reduction's front door.
#pragma once

#include "ember/core/tensor.h"
#include "kernels/signatures_reduce.h"

namespace ember {

struct ReducePlan {
  Tensor input;                  // contiguous, laid out as (outer, reduce, inner)
  kernels::ReduceGeometry geometry;
  Shape out_shape;               // with or without the kept size-1 dims, per keepdim
  Shape keepdim_shape;           // reduced dims as 1 (for broadcasting in backward)
  Shape dims;                    // normalised, sorted, unique
};

/// dims empty: all dims. The input is permuted (and copied) only when the reduced dims are
/// not one contiguous block of a contiguous tensor.
ReducePlan plan_reduce(const Tensor& x, const Shape& dims, bool keepdim, const char* op);

}  // namespace ember
