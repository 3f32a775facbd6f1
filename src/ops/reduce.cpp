// Front doors of the reductions, scans and softmax: dtype rules, the (outer, reduce, inner)
// plan, dispatch, and the backward rules. Backward rules are written with ember ops, so
// they can be differentiated again.
//
// dtypes: sum, prod and cumsum of integers (and bool) accumulate and return int64; max and
// min keep the input's dtype; mean, var, std, logsumexp, norm and softmax need floats.
// 16-bit floats compute in float32 (Note [16-bit compute] in elementwise.cpp).
#include "ember/ops/reduce.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ember/autograd/grad_mode.h"
#include "ember/autograd/node.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/factory.h"
#include "ember/ops/shape.h"
#include "kernels/kernels.h"
#include "ops/reduce_plan.h"

namespace ember {

using autograd::Grads;
using kernels::ReduceGeometry;
using kernels::ScalarArgs;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

void check_defined(const Tensor& x, const char* op) {
  EMBER_CHECK(x.defined(), op, ": expected a defined tensor");
}

void check_floating(const Tensor& x, const char* op) {
  check_defined(x, op);
  EMBER_CHECK_DTYPE(is_floating(x.dtype()), op, ": expected a floating tensor, got dtype ",
                    x.dtype(), "; convert with to(float32)");
}

// Integers and bool accumulate in int64 (sum, prod, cumsum), as PyTorch.
DType accumulate_dtype(DType t) { return is_floating(t) ? t : DType::int64; }

// The dtype a kernel runs in for a `result` dtype: 16-bit floats in float32, bool (max,
// min) as uint8.
DType reduce_compute_dtype(DType result) {
  return result == DType::boolean ? DType::uint8 : compute_dtype(result);
}

// The dims a reduction over `dims` covers, normalised and sorted (every dim when `dims` is
// empty), with plan_reduce's checks but without planning or copying anything.
Shape reduced_dims(const Tensor& x, const Shape& dims, const char* op) {
  Shape out;
  if (dims.empty()) {
    for (int64_t d = 0; d < x.dim(); ++d) out.push_back(d);
    return out;
  }
  for (int64_t d : dims) {
    int64_t n = normalize_dim(d, x.dim(), op);
    if (x.dim() == 0) continue;
    EMBER_CHECK(std::find(out.begin(), out.end(), n) == out.end(), op, ": dim ", d,
                " appears more than once in ", shape_str(dims));
    out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

int64_t reduced_numel(const Tensor& x, const Shape& reduced) {
  int64_t n = 1;
  for (int64_t d : reduced) n *= x.size(d);
  return n;
}

// Runs a reducing kernel over `plan`; returns the result in dtype `result`. No autograd.
Tensor run_reduce(const kernels::KernelTable<kernels::ReduceKernel>& table, const Tensor& x,
                  const ReducePlan& plan, DType result, const ScalarArgs& args = {}) {
  autograd::NoGradGuard no_grad;
  DType compute = reduce_compute_dtype(result);
  Tensor in = plan.input.to(compute);
  Tensor out = empty(plan.out_shape, {.dtype = compute, .device = x.device()});
  table.get(x.device())(in, out, plan.geometry, args);
  return out.to(result);
}

// x seen as (outer, size(dim), inner); dim already normalised (a 0-d x is one element).
ReduceGeometry dim_geometry(const Shape& sizes, int64_t dim) {
  ReduceGeometry g;
  for (int64_t d = 0; d < static_cast<int64_t>(sizes.size()); ++d) {
    if (d < dim)
      g.outer *= sizes[d];
    else if (d == dim)
      g.reduce = sizes[d];
    else
      g.inner *= sizes[d];
  }
  return g;
}

// Runs a scan or softmax kernel along `dim` (normalised); out has x's shape. No autograd.
Tensor run_along_dim(const kernels::KernelTable<kernels::ReduceKernel>& table, const Tensor& x,
                     int64_t dim, DType result) {
  autograd::NoGradGuard no_grad;
  DType compute = reduce_compute_dtype(result);
  Tensor in = x.to(compute).contiguous();
  Tensor out = empty(x.sizes(), {.dtype = compute, .device = x.device()});
  table.get(x.device())(in, out, dim_geometry(x.sizes(), dim), {});
  return out.to(result);
}

// Values and indices of the max (or min) over `plan`; no autograd.
ValuesIndices run_extremum(const Tensor& x, const ReducePlan& plan, bool is_max) {
  autograd::NoGradGuard no_grad;
  DType compute = reduce_compute_dtype(x.dtype());
  Tensor in = plan.input.to(compute);
  Tensor values = empty(plan.out_shape, {.dtype = compute, .device = x.device()});
  Tensor indices = empty(plan.out_shape, {.dtype = DType::int64, .device = x.device()});
  (is_max ? kernels::max : kernels::min).get(x.device())(in, values, indices, plan.geometry);
  return {values.to(x.dtype()), indices};
}

// max/min over all elements. The backward splits the gradient evenly among the elements
// equal to the result, as PyTorch does for the max of a whole tensor.
Tensor extremum_all(const Tensor& x, bool is_max) {
  const char* op = is_max ? "max" : "min";
  check_defined(x, op);
  EMBER_CHECK(x.numel() > 0, op, ": expected a non-empty tensor, got shape ", shape_str(x.sizes()),
              "; reduce over a non-empty dim with ", op, "(x, dim) instead");
  ReducePlan plan = plan_reduce(x, {}, false, op);
  Tensor out = run_extremum(x, plan, is_max).values;
  if (autograd::needs_grad(x)) {
    Tensor y = out.detach();
    autograd::record(op, {x}, out,
                     [x, y](const Tensor& g) {
                       Tensor hits = (x == y).to(g.dtype());
                       return Grads{hits * (g / sum(hits))};
                     },
                     {x, y});
  }
  return out;
}

// max/min along one dim. The backward sends the gradient to the chosen index: positions
// along dim compared with the index give a one-hot mask of x's shape.
ValuesIndices extremum_dim(const Tensor& x, int64_t dim, bool keepdim, bool is_max,
                           const char* op) {
  check_defined(x, op);
  int64_t d = normalize_dim(dim, x.dim(), op);
  EMBER_CHECK(x.dim() == 0 || x.size(d) > 0, op, ": expected a non-empty dim to reduce, got dim ",
              dim, " of size 0 in shape ", shape_str(x.sizes()));
  ReducePlan plan = plan_reduce(x, {dim}, keepdim, op);
  ValuesIndices r = run_extremum(x, plan, is_max);
  if (autograd::needs_grad(x)) {
    Shape positions_shape(static_cast<size_t>(x.dim()), 1);
    if (x.dim() > 0) positions_shape[d] = x.size(d);
    Tensor positions =
        arange(x.dim() > 0 ? x.size(d) : 1, {.device = x.device()}).reshape(positions_shape);
    Tensor index = r.indices.reshape(plan.keepdim_shape);
    autograd::record(op, {x}, r.values,
                     [positions, index, kd = plan.keepdim_shape](const Tensor& g) {
                       return Grads{where(positions == index, g.reshape(kd), 0.0)};
                     },
                     {index});
  }
  return r;
}

// The largest element over plan.dims with the reduced dims kept, with +-inf replaced by 0:
// the shift that keeps exp() in range for logsumexp. No autograd (the shift cancels out).
Tensor logsumexp_shift(const Tensor& x, const ReducePlan& plan) {
  autograd::NoGradGuard no_grad;
  if (plan.geometry.reduce == 0) return zeros(plan.keepdim_shape, {.dtype = x.dtype()});
  Tensor m = run_extremum(x, plan, true).values.reshape(plan.keepdim_shape);
  return where(abs(m) == kInf, 0.0, m);
}

// s^(1/p) (s >= 0) with a zero gradient where s == 0, as PyTorch's norm and std: the plain
// power rule would give 0 * inf = NaN there (for a zero vector, a constant row). The root
// runs on 1 where s == 0, so no inf ever reaches the backward.
Tensor root(const Tensor& s, double p) {
  Tensor is_zero = s == 0;
  Tensor safe = where(is_zero, 1.0, s);
  return where(is_zero, 0.0, p == 2 ? sqrt(safe) : pow(safe, 1.0 / p));
}

// Note [prod backward]
// d prod / d x_i is the product of the other elements. Let safe_x be x with its zeros
// replaced by 1 and P = prod(safe_x), the product of the non-zero elements. Without zeros
// the gradient is P / x_i. With exactly one zero only the zero's own gradient survives,
// and it is P. With two or more zeros every gradient is 0. Dividing by safe_x keeps every
// branch finite, so where() never mixes in an inf; and P is recomputed from x rather than
// read from the saved output, so the rule differentiates again (double backward).
Tensor prod_impl(const Tensor& x, const Shape& dims, bool keepdim) {
  check_defined(x, "prod");
  ReducePlan plan = plan_reduce(x, dims, keepdim, "prod");
  Tensor out = run_reduce(kernels::prod, x, plan, accumulate_dtype(x.dtype()));
  if (autograd::needs_grad(x)) {
    autograd::record("prod", {x}, out,
                     [x, dims = plan.dims, kd = plan.keepdim_shape](const Tensor& g) {
                       Tensor gk = g.reshape(kd);
                       Tensor is_zero = x == 0;
                       Tensor zero_count = sum(is_zero, dims, {.keepdim = true});
                       Tensor safe_x = where(is_zero, 1.0, x);
                       Tensor others = gk * prod_impl(safe_x, dims, true);
                       Tensor one_zero = where(logical_and(is_zero, zero_count == 1), others, 0.0);
                       return Grads{where(zero_count == 0, others / safe_x, one_zero)};
                     },
                     {x});
  }
  return out;
}

}  // namespace

// ---- sum, mean, prod ---------------------------------------------------------------------------

Tensor sum(const Tensor& x) { return sum(x, {}, {}); }

Tensor sum(const Tensor& x, const Shape& dims, ReduceOptions options) {
  check_defined(x, "sum");
  ReducePlan plan = plan_reduce(x, dims, options.keepdim, "sum");
  Tensor out = run_reduce(kernels::sum, x, plan, accumulate_dtype(x.dtype()));
  if (autograd::needs_grad(x)) {
    autograd::record("sum", {x}, out,
                     [shape = x.sizes(), kd = plan.keepdim_shape](const Tensor& g) {
                       return Grads{g.reshape(kd).expand(shape)};
                     });
  }
  return out;
}

Tensor mean(const Tensor& x) { return mean(x, {}, {}); }

Tensor mean(const Tensor& x, const Shape& dims, ReduceOptions options) {
  check_floating(x, "mean");
  Shape rd = reduced_dims(x, dims, "mean");
  return sum(x, rd, options) / static_cast<double>(reduced_numel(x, rd));
}

Tensor prod(const Tensor& x) { return prod_impl(x, {}, false); }

Tensor prod(const Tensor& x, int64_t dim, ReduceOptions options) {
  return prod_impl(x, {dim}, options.keepdim);
}

// ---- var, std ----------------------------------------------------------------------------------

Tensor var(const Tensor& x, const Shape& dims, VarOptions options) {
  check_floating(x, "var");
  ReducePlan plan = plan_reduce(x, dims, options.keepdim, "var");
  Tensor out = run_reduce(kernels::var, x, plan, x.dtype(), {.a = options.correction});
  if (autograd::needs_grad(x)) {
    double divisor = std::max(0.0, static_cast<double>(plan.geometry.reduce) - options.correction);
    autograd::record("var", {x}, out,
                     [x, divisor, dims = plan.dims, kd = plan.keepdim_shape](const Tensor& g) {
                       Tensor centered = x - mean(x, dims, {.keepdim = true});
                       return Grads{centered * g.reshape(kd) * (2.0 / divisor)};
                     },
                     {x});
  }
  return out;
}

Tensor std(const Tensor& x, const Shape& dims, VarOptions options) {
  check_floating(x, "std");
  return root(var(x, dims, options), 2);
}

// ---- max, min, argmax, argmin ------------------------------------------------------------------

Tensor max(const Tensor& x) { return extremum_all(x, true); }
Tensor min(const Tensor& x) { return extremum_all(x, false); }

ValuesIndices max(const Tensor& x, int64_t dim, ReduceOptions options) {
  return extremum_dim(x, dim, options.keepdim, true, "max");
}
ValuesIndices min(const Tensor& x, int64_t dim, ReduceOptions options) {
  return extremum_dim(x, dim, options.keepdim, false, "min");
}

Tensor argmax(const Tensor& x) {
  check_defined(x, "argmax");
  autograd::NoGradGuard no_grad;
  return extremum_dim(x.reshape({-1}), 0, false, true, "argmax").indices;
}
Tensor argmax(const Tensor& x, int64_t dim, ReduceOptions options) {
  autograd::NoGradGuard no_grad;
  return extremum_dim(x, dim, options.keepdim, true, "argmax").indices;
}
Tensor argmin(const Tensor& x) {
  check_defined(x, "argmin");
  autograd::NoGradGuard no_grad;
  return extremum_dim(x.reshape({-1}), 0, false, false, "argmin").indices;
}
Tensor argmin(const Tensor& x, int64_t dim, ReduceOptions options) {
  autograd::NoGradGuard no_grad;
  return extremum_dim(x, dim, options.keepdim, false, "argmin").indices;
}

// ---- logsumexp, norm -------------------------------------------------------------------------

Tensor logsumexp(const Tensor& x, const Shape& dims, ReduceOptions options) {
  check_floating(x, "logsumexp");
  ReducePlan plan = plan_reduce(x, dims, options.keepdim, "logsumexp");
  Tensor m = logsumexp_shift(x, plan);
  Tensor out = log(sum(exp(x - m), plan.dims, {.keepdim = true})) + m;
  return out.reshape(plan.out_shape);
}

Tensor norm(const Tensor& x, double p, const Shape& dims, ReduceOptions options) {
  check_floating(x, "norm");
  Shape rd = reduced_dims(x, dims, "norm");
  if (p == 2) return root(sum(x * x, rd, options), 2);
  if (p == 1) return sum(abs(x), rd, options);
  if (p == 0) return sum(x != 0, rd, options).to(x.dtype());
  if (std::isinf(p)) {
    // max |x| (min |x| for -inf) written as the mean of the |x| equal to it: the same
    // value, and the gradient is shared among ties, as PyTorch's.
    EMBER_CHECK(reduced_numel(x, rd) > 0, "norm: expected a non-empty reduction for p = ", p,
                ", got shape ", shape_str(x.sizes()));
    Tensor a = abs(x);
    Tensor extreme;
    {
      autograd::NoGradGuard no_grad;
      ReducePlan abs_plan = plan_reduce(a, rd, true, "norm");
      extreme = run_extremum(a, abs_plan, p > 0).values;
    }
    Tensor hits = a == extreme;
    return sum(where(hits, a, 0.0), rd, options) / sum(hits, rd, options);
  }
  return root(sum(pow(abs(x), p), rd, options), p);
}

// ---- cumsum, softmax -------------------------------------------------------------------------

Tensor cumsum(const Tensor& x, int64_t dim) {
  check_defined(x, "cumsum");
  int64_t d = normalize_dim(dim, x.dim(), "cumsum");
  Tensor out = run_along_dim(kernels::cumsum, x, d, accumulate_dtype(x.dtype()));
  if (autograd::needs_grad(x)) {
    autograd::record("cumsum", {x}, out, [d](const Tensor& g) {
      // Each x_i feeds every later output: dx_i = sum_{j >= i} g_j = total - cumsum(g)_i + g_i.
      return Grads{sum(g, {d}, {.keepdim = true}) - cumsum(g, d) + g};
    });
  }
  return out;
}

namespace {

// The fused backward of softmax (or log_softmax) along dim d: dx from the output y and the
// incoming grad in one kernel, no temporaries. No autograd.
Tensor run_softmax_backward(const kernels::KernelTable<kernels::SoftmaxBackwardKernel>& table,
                            const Tensor& grad, const Tensor& y, int64_t d) {
  DType compute = reduce_compute_dtype(y.dtype());
  Tensor gc = grad.to(compute).contiguous();
  Tensor yc = y.to(compute).contiguous();
  Tensor dx = empty(y.sizes(), {.dtype = compute, .device = y.device()});
  table.get(y.device())(gc, yc, dx, dim_geometry(y.sizes(), d));
  return dx.to(grad.dtype());
}

}  // namespace

Tensor softmax(const Tensor& x, int64_t dim) {
  check_floating(x, "softmax");
  int64_t d = normalize_dim(dim, x.dim(), "softmax");
  Tensor out = run_along_dim(kernels::softmax, x, d, x.dtype());
  if (autograd::needs_grad(x)) {
    autograd::SavedOutput saved(out);
    autograd::record("softmax", {x}, out,
                     [saved, d](const Tensor& g) {
                       Tensor y = saved.get();
                       // Under create_graph the rule is written with ops, so that it
                       // differentiates again; otherwise one fused kernel.
                       if (!autograd::is_grad_enabled()) {
                         return Grads{run_softmax_backward(kernels::softmax_backward, g, y, d)};
                       }
                       Tensor gy = g * y;
                       return Grads{gy - y * sum(gy, {d}, {.keepdim = true})};
                     },
                     {saved.data()});
    saved.bind(out);
  }
  return out;
}

Tensor log_softmax(const Tensor& x, int64_t dim) {
  check_floating(x, "log_softmax");
  int64_t d = normalize_dim(dim, x.dim(), "log_softmax");
  Tensor out = run_along_dim(kernels::log_softmax, x, d, x.dtype());
  if (autograd::needs_grad(x)) {
    autograd::SavedOutput saved(out);
    autograd::record(
        "log_softmax", {x}, out,
        [saved, d](const Tensor& g) {
          Tensor y = saved.get();
          // As softmax's: ops under create_graph, else one fused kernel.
          if (!autograd::is_grad_enabled()) {
            return Grads{run_softmax_backward(kernels::log_softmax_backward, g, y, d)};
          }
          return Grads{g - exp(y) * sum(g, {d}, {.keepdim = true})};
        },
        {saved.data()});
    saved.bind(out);
  }
  return out;
}

Tensor Tensor::sum() const { return ember::sum(*this); }
Tensor Tensor::mean() const { return ember::mean(*this); }

}  // namespace ember
