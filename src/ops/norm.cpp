// Front doors of the normalisation layers: layer_norm, batch_norm, group_norm, rms_norm.
//
// layer_norm and batch_norm have their own kernels (src/kernels/{ref,cpu}/norm.cpp) and
// dedicated backward kernels (batch_norm's differentiates twice: see Note [Batch norm double
// backward]); group_norm and rms_norm are composites of mean, elementwise ops and views, so
// they need no backward of their own and support double backward. Every op computes 16-bit
// inputs in float32 and rounds the result back (see Note [16-bit compute] in elementwise.cpp);
// weight, bias and running statistics may have any floating dtype and are converted to the
// compute dtype, their gradients back to their own.
#include <limits>

#include "ember/autograd/grad_mode.h"
#include "ember/autograd/node.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/factory.h"
#include "ember/ops/nn_functional.h"
#include "ember/ops/reduce.h"
#include "ember/ops/shape.h"
#include "kernels/kernels.h"

namespace ember {

using autograd::Grads;

namespace {

void check_input(const Tensor& x, const char* op) {
  EMBER_CHECK(x.defined(), op, ": expected a defined input");
  EMBER_CHECK_DTYPE(is_floating(x.dtype()), op, ": expected a floating input, got dtype ",
                    x.dtype());
}

// An optional parameter (weight, bias, running statistic): undefined, or a floating tensor
// of `shape` on x's device.
void check_param(const Tensor& p, const char* name, const Shape& shape, const Tensor& x,
                 const char* op) {
  if (!p.defined()) return;
  EMBER_CHECK_SHAPE(p.sizes() == shape, op, ": expected ", name, " of shape ", shape_str(shape),
                    ", got ", shape_str(p.sizes()));
  EMBER_CHECK_DTYPE(is_floating(p.dtype()), op, ": expected a floating ", name, ", got dtype ",
                    p.dtype());
  EMBER_CHECK_DEVICE(p.device() == x.device(), op, ": expected ", name, " on the input's device ",
                     x.device(), ", got ", p.device());
}

// normalized_shape names x's trailing dims (at least one), as PyTorch's layer_norm.
void check_normalized_shape(const Tensor& x, const Shape& normalized_shape, const char* op) {
  EMBER_CHECK(!normalized_shape.empty(), op,
              ": expected normalized_shape with at least one dim, got []");
  const auto k = static_cast<int64_t>(normalized_shape.size());
  bool matches = x.dim() >= k;
  for (int64_t i = 0; matches && i < k; ++i) matches = x.size(x.dim() - k + i) == normalized_shape[i];
  if (matches) return;
  std::string expected = "[*";
  for (int64_t s : normalized_shape) expected += ", " + std::to_string(s);
  EMBER_THROW(ShapeError, op, ": expected input of shape ", expected, "] (normalized_shape=",
              shape_str(normalized_shape), "), got ", shape_str(x.sizes()));
}

// The last `k` dims of a tensor with `ndim` dims.
Shape trailing_dims(int64_t ndim, size_t k) {
  Shape dims;
  for (int64_t d = ndim - static_cast<int64_t>(k); d < ndim; ++d) dims.push_back(d);
  return dims;
}

// x (N, C, *) -> {1, C, 1, ...}: per-channel vectors broadcast against x.
Shape channel_shape(const Tensor& x) {
  Shape s(static_cast<size_t>(x.dim()), 1);
  s[1] = x.size(1);
  return s;
}

// y * weight + bias, each parameter optional and viewed as `shape`.
Tensor affine(Tensor y, const Tensor& weight, const Tensor& bias, const Shape& shape) {
  if (weight.defined()) y = y * weight.to(y.dtype()).reshape(shape);
  if (bias.defined()) y = y + bias.to(y.dtype()).reshape(shape);
  return y;
}

// t outside the graph, in dtype `dtype`, contiguous, viewed as `shape`: a kernel operand.
Tensor kernel_operand(const Tensor& t, DType dtype, const Shape& shape) {
  return t.detach().to(dtype).contiguous().reshape(shape);
}

}  // namespace

// ---- layer_norm ----------------------------------------------------------------------------

Tensor layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight,
                  const Tensor& bias, double eps) {
  check_input(x, "layer_norm");
  check_normalized_shape(x, normalized_shape, "layer_norm");
  check_param(weight, "weight", normalized_shape, x, "layer_norm");
  check_param(bias, "bias", normalized_shape, x, "layer_norm");
  // x viewed as (N, C): N rows of the C = numel(normalized_shape) normalised elements.
  const int64_t C = shape_numel(normalized_shape);
  const int64_t N = shape_numel(Shape(x.sizes().begin(), x.sizes().end() - normalized_shape.size()));
  const DType compute = compute_dtype(x.dtype());
  const TensorOptions opts{.dtype = compute, .device = x.device()};
  Tensor xin, win, bin, out, mean, rstd;
  {
    autograd::NoGradGuard no_grad;
    xin = kernel_operand(x, compute, {N, C});
    if (weight.defined()) win = kernel_operand(weight, compute, {C});
    if (bias.defined()) bin = kernel_operand(bias, compute, {C});
    out = empty({N, C}, opts);
    mean = empty({N}, opts);
    rstd = empty({N}, opts);
    kernels::layer_norm.get(x.device())(xin, win, bin, out, mean, rstd, eps);
    out = out.view(x.sizes()).to(x.dtype());
  }
  if (autograd::any_needs_grad({x, weight, bias})) {
    const bool need_x = autograd::needs_grad(x), need_w = autograd::needs_grad(weight),
               need_b = autograd::needs_grad(bias);
    autograd::record(
        "layer_norm", {x, weight, bias}, out,
        [xin, win, mean, rstd, opts, need_x, need_w, need_b, normalized_shape,
         x_shape = x.sizes(), x_dtype = x.dtype(), w_dtype = weight.defined() ? weight.dtype() : compute,
         b_dtype = bias.defined() ? bias.dtype() : compute](const Tensor& g) {
          const int64_t C = xin.size(1);
          Tensor gin = kernel_operand(g, xin.dtype(), xin.sizes());
          Tensor dx = empty(xin.sizes(), opts);
          Tensor dw = need_w ? empty({C}, opts) : Tensor();
          Tensor db = need_b ? empty({C}, opts) : Tensor();
          kernels::layer_norm_backward.get(gin.device())(gin, xin, mean, rstd, win, dx, dw, db);
          return Grads{need_x ? dx.view(x_shape).to(x_dtype) : Tensor(),
                       need_w ? dw.view(normalized_shape).to(w_dtype) : Tensor(),
                       need_b ? db.view(normalized_shape).to(b_dtype) : Tensor()};
        },
        {xin, win});
  }
  return out;
}

// ---- batch_norm ----------------------------------------------------------------------------
//
// Note [Batch norm double backward]
// Without create_graph (the training step) the backward is one call of the fused
// batch_norm_backward kernel. Under create_graph (grad mode on while the engine runs the
// node) the same first derivative is written with ops on the saved input and weight
// (batch_norm_grads_by_ops), which record their own graph, so that it differentiates again.
// tests/unit/ops/test_norm.cpp holds the two equal and gradchecks the second derivative.

namespace {

// The first derivative of batch_norm written with differentiable ops: xc (N, C, *) and gc
// in the compute dtype; weight (C) or undefined; saved_mean, saved_invstd (C) the forward's
// (read in eval only). Returns {dx, dweight, dbias}. Same formulas as the kernels (see
// src/kernels/ref/norm.cpp). See Note [Batch norm double backward].
Grads batch_norm_grads_by_ops(const Tensor& gc, const Tensor& xc, const Tensor& weight,
                              const Tensor& saved_mean, const Tensor& saved_invstd, bool training,
                              double eps) {
  Shape dims = {0};
  for (int64_t d = 2; d < xc.dim(); ++d) dims.push_back(d);
  const Shape param_shape = channel_shape(xc);
  Tensor xmu, invstd;
  if (training) {
    xmu = xc - mean(xc, dims, {.keepdim = true});
    invstd = rsqrt(mean(xmu * xmu, dims, {.keepdim = true}) + eps);
  } else {
    xmu = xc - saved_mean.reshape(param_shape);
    invstd = saved_invstd.reshape(param_shape);
  }
  Tensor xhat = xmu * invstd;
  Tensor gw = weight.defined() ? gc * weight.to(gc.dtype()).reshape(param_shape) : gc;
  Tensor dx = training ? invstd * (gw - mean(gw, dims, {.keepdim = true}) -
                                   xhat * mean(gw * xhat, dims, {.keepdim = true}))
                       : gw * invstd;
  return {dx, sum(gc * xhat, dims), sum(gc, dims)};
}

}  // namespace

Tensor batch_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight, const Tensor& bias, BatchNormOptions options) {
  check_input(x, "batch_norm");
  EMBER_CHECK_SHAPE(x.dim() >= 2, "batch_norm: expected input of shape (N, C, *), got ",
                    shape_str(x.sizes()));
  EMBER_CHECK(running_mean.defined() == running_var.defined(),
              "batch_norm: expected running_mean and running_var both defined or both "
              "undefined, got running_mean ",
              running_mean.defined() ? "defined" : "undefined", " and running_var ",
              running_var.defined() ? "defined" : "undefined");
  const int64_t N = x.size(0), C = x.size(1);
  check_param(running_mean, "running_mean", {C}, x, "batch_norm");
  check_param(running_var, "running_var", {C}, x, "batch_norm");
  check_param(weight, "weight", {C}, x, "batch_norm");
  check_param(bias, "bias", {C}, x, "batch_norm");
  // x viewed as (N, C, S): statistics are per channel, over the batch and all S positions.
  int64_t S = 1;
  for (int64_t d = 2; d < x.dim(); ++d) S *= x.size(d);
  const int64_t count = N * S;
  // Without running statistics there is nothing to evaluate with: batch statistics always,
  // as PyTorch's BatchNorm with track_running_stats=False.
  const bool batch_stats = options.training || !running_mean.defined();
  EMBER_CHECK(!batch_stats || count != 1,
              "batch_norm: expected more than 1 value per channel "
              "when training, got input of shape ",
              shape_str(x.sizes()));
  const kernels::BatchNormArgs args{.training = batch_stats, .eps = options.eps};
  const DType compute = compute_dtype(x.dtype());
  const TensorOptions opts{.dtype = compute, .device = x.device()};
  Tensor xin, win, bin, out, mu, var, invstd;
  {
    autograd::NoGradGuard no_grad;
    xin = kernel_operand(x, compute, {N, C, S});
    if (weight.defined()) win = kernel_operand(weight, compute, {C});
    if (bias.defined()) bin = kernel_operand(bias, compute, {C});
    out = empty({N, C, S}, opts);
    if (batch_stats) {
      mu = empty({C}, opts);
      var = empty({C}, opts);
    } else {
      // Running statistics are buffers, not inputs to differentiate (as PyTorch). Copies:
      // the backward reads the mean, and a later training step rewrites the buffer.
      mu = kernel_operand(running_mean, compute, {C}).clone();
      var = kernel_operand(running_var, compute, {C});
    }
    invstd = empty({C}, opts);
    kernels::batch_norm.get(x.device())(xin, win, bin, out, mu, var, invstd, args);
    out = out.view(x.sizes()).to(x.dtype());
    // An empty batch leaves the running statistics alone, as PyTorch.
    if (options.training && running_mean.defined() && count > 0) {
      // The running variance is the unbiased estimate (divide by count - 1).
      Tensor unbiased = var * (static_cast<double>(count) / static_cast<double>(count - 1));
      const double m = options.momentum;
      Tensor rm = running_mean, rv = running_var;  // handles on the caller's tensors
      rm.copy_(rm * (1 - m) + mu.to(rm.dtype()) * m);
      rv.copy_(rv * (1 - m) + unbiased.to(rv.dtype()) * m);
    }
  }
  if (autograd::any_needs_grad({x, weight, bias})) {
    const bool need_x = autograd::needs_grad(x), need_w = autograd::needs_grad(weight),
               need_b = autograd::needs_grad(bias);
    autograd::record(
        "batch_norm", {x, weight, bias}, out,
        [x, weight, xin, win, mu, invstd, args, opts, need_x, need_w, need_b,
         w_dtype = weight.defined() ? weight.dtype() : compute,
         b_dtype = bias.defined() ? bias.dtype() : compute](const Tensor& g) {
          Grads grads;
          if (autograd::is_grad_enabled()) {
            grads = batch_norm_grads_by_ops(g.to(xin.dtype()), x.to(xin.dtype()), weight, mu,
                                            invstd, args.training, args.eps);
          } else {
            const int64_t C = xin.size(1);
            Tensor gin = kernel_operand(g, xin.dtype(), xin.sizes());
            grads = {need_x ? empty(xin.sizes(), opts) : Tensor(),
                     need_w ? empty({C}, opts) : Tensor(), need_b ? empty({C}, opts) : Tensor()};
            kernels::batch_norm_backward.get(gin.device())(gin, xin, mu, invstd, win, grads[0],
                                                           grads[1], grads[2], args);
          }
          return Grads{need_x ? grads[0].reshape(x.sizes()).to(x.dtype()) : Tensor(),
                       need_w ? grads[1].to(w_dtype) : Tensor(),
                       need_b ? grads[2].to(b_dtype) : Tensor()};
        },
        {xin, win});
  }
  return out;
}

// ---- group_norm ----------------------------------------------------------------------------

Tensor group_norm(const Tensor& x, int64_t num_groups, const Tensor& weight, const Tensor& bias,
                  double eps) {
  check_input(x, "group_norm");
  EMBER_CHECK_SHAPE(x.dim() >= 2, "group_norm: expected input of shape (N, C, *), got ",
                    shape_str(x.sizes()));
  EMBER_CHECK(num_groups > 0, "group_norm: expected num_groups > 0, got ", num_groups);
  const int64_t N = x.size(0), C = x.size(1);
  EMBER_CHECK_SHAPE(C % num_groups == 0, "group_norm: expected the channel count to be divisible "
                    "by num_groups, got C=", C, " (input of shape ", shape_str(x.sizes()),
                    ") and num_groups=", num_groups);
  check_param(weight, "weight", {C}, x, "group_norm");
  check_param(bias, "bias", {C}, x, "group_norm");
  int64_t group_size = C / num_groups;
  for (int64_t d = 2; d < x.dim(); ++d) group_size *= x.size(d);
  Tensor xg = x.to(compute_dtype(x.dtype())).reshape({N, num_groups, group_size});
  Tensor centered = xg - mean(xg, {2}, {.keepdim = true});
  Tensor var = mean(centered * centered, {2}, {.keepdim = true});  // biased
  Tensor y = (centered * rsqrt(var + eps)).reshape(x.sizes());
  return affine(y, weight, bias, channel_shape(x)).to(x.dtype());
}

// ---- rms_norm ------------------------------------------------------------------------------

Tensor rms_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight,
                std::optional<double> eps) {
  check_input(x, "rms_norm");
  check_normalized_shape(x, normalized_shape, "rms_norm");
  check_param(weight, "weight", normalized_shape, x, "rms_norm");
  const DType compute = compute_dtype(x.dtype());
  // PyTorch's default is the epsilon of the type it computes in: float32's for the 16-bit
  // dtypes (aten rms_norm's opmath type), not torch.finfo of the input dtype.
  const double e = eps.value_or(compute == DType::float64 ? std::numeric_limits<double>::epsilon()
                                                          : std::numeric_limits<float>::epsilon());
  Tensor xc = x.to(compute);
  Tensor ms = mean(xc * xc, trailing_dims(x.dim(), normalized_shape.size()), {.keepdim = true});
  Tensor y = xc * rsqrt(ms + e);
  if (weight.defined()) y = y * weight.to(compute);
  return y.to(x.dtype());
}

}  // namespace ember
