// Reductions over any set of dims (keepdim optional), scans, and softmax.
//
// An empty dims list reduces over every dim. Integer inputs: sum and prod accumulate in
// int64 and return int64 (as PyTorch); mean, var, std, logsumexp and norm need floats.
#pragma once

#include "ember/core/tensor.h"

namespace ember {

struct ReduceOptions {
  bool keepdim = false;
};
struct VarOptions {
  double correction = 1;  // Bessel's correction: divide by N - correction
  bool keepdim = false;
};

Tensor sum(const Tensor& x);
Tensor sum(const Tensor& x, const Shape& dims, ReduceOptions options = {});
Tensor mean(const Tensor& x);
Tensor mean(const Tensor& x, const Shape& dims, ReduceOptions options = {});
Tensor prod(const Tensor& x);
Tensor prod(const Tensor& x, int64_t dim, ReduceOptions options = {});
Tensor var(const Tensor& x, const Shape& dims = {}, VarOptions options = {});
Tensor std(const Tensor& x, const Shape& dims = {}, VarOptions options = {});

struct ValuesIndices {
  Tensor values;
  Tensor indices;  // int64
};
/// Largest element (0-d). NaN propagates.
Tensor max(const Tensor& x);
Tensor min(const Tensor& x);
/// Largest elements along dim and their indices (the first one at ties).
ValuesIndices max(const Tensor& x, int64_t dim, ReduceOptions options = {});
ValuesIndices min(const Tensor& x, int64_t dim, ReduceOptions options = {});
/// Index into the flattened tensor.
Tensor argmax(const Tensor& x);
Tensor argmax(const Tensor& x, int64_t dim, ReduceOptions options = {});
Tensor argmin(const Tensor& x);
Tensor argmin(const Tensor& x, int64_t dim, ReduceOptions options = {});
/// log(sum(exp(x))) computed stably (the max is subtracted first).
Tensor logsumexp(const Tensor& x, const Shape& dims, ReduceOptions options = {});
/// The p-norm over dims (all dims when empty); p = 2 by default, p = inf for max |x|.
Tensor norm(const Tensor& x, double p = 2.0, const Shape& dims = {}, ReduceOptions options = {});
Tensor cumsum(const Tensor& x, int64_t dim);

/// exp(x) / sum(exp(x)) along dim, computed with the max subtracted.
Tensor softmax(const Tensor& x, int64_t dim);
Tensor log_softmax(const Tensor& x, int64_t dim);

}  // namespace ember
