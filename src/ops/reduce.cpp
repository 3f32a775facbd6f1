// Front doors of the reductions, scans and softmax.
#include "ember/ops/reduce.h"

#include "ember/autograd/grad_mode.h"
#include "ember/autograd/node.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/factory.h"
#include "ember/ops/shape.h"
#include "kernels/kernels.h"
#include "ops/reduce_plan.h"

namespace ember {

using autograd::Grads;

Tensor sum(const Tensor& x) { return sum(x, {}, {}); }

Tensor sum(const Tensor& x, const Shape& dims, ReduceOptions options) {
  EMBER_CHECK(x.defined(), "sum: expected a defined tensor");
  ReducePlan plan = plan_reduce(x, dims, options.keepdim, "sum");
  // Integers (and bool) accumulate in int64, as PyTorch.
  DType out_dtype = is_floating(x.dtype()) ? x.dtype() : DType::int64;
  DType compute = (out_dtype == DType::bfloat16 || out_dtype == DType::float16) ? DType::float32
                                                                                : out_dtype;
  Tensor out;
  {
    autograd::NoGradGuard no_grad;
    Tensor in = plan.input.to(compute);
    out = empty(plan.out_shape, {.dtype = compute, .device = x.device()});
    kernels::sum.get(x.device())(in, out, plan.geometry, {});
    out = out.to(out_dtype);
  }
  if (autograd::needs_grad(x)) {
    autograd::record("sum", {x}, out, [shape = x.sizes(), kd = plan.keepdim_shape](const Tensor& g) {
      return Grads{g.reshape(kd).expand(shape)};
    });
  }
  return out;
}

Tensor mean(const Tensor& x) { return mean(x, {}, {}); }

Tensor mean(const Tensor& x, const Shape& dims, ReduceOptions options) {
  EMBER_CHECK_DTYPE(is_floating(x.dtype()), "mean: expected a floating tensor, got dtype ",
                    x.dtype(), "; convert with to(float32)");
  int64_t n = dims.empty() ? x.numel() : 1;
  for (int64_t d : dims) n *= x.size(d);
  return sum(x, dims, options) / static_cast<double>(n);
}

Tensor Tensor::sum() const { return ember::sum(*this); }
Tensor Tensor::mean() const { return ember::mean(*this); }

}  // namespace ember
