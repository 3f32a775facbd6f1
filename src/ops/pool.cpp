// Front doors of the 2-d poolings: max_pool2d (with indices), avg_pool2d and
// adaptive_avg_pool2d. Validation and output sizes follow PyTorch 1.13 (pooling_output_shape
// and pool2d_shape_check); unbatched (C, H, W) inputs and 16-bit inputs (Note [16-bit
// compute] in elementwise.cpp) are handled here, so kernels see contiguous float32/float64.
//
// The average poolings are linear maps: each forward and its backward kernel are recorded
// as each other's gradient, so gradients of any order flow. max_pool2d's backward scatters
// through the saved argmax indices.
#include "ember/autograd/grad_mode.h"
#include "ember/autograd/node.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/factory.h"
#include "ember/ops/nn_functional.h"
#include "ember/ops/shape.h"
#include "kernels/kernels.h"

namespace ember {

namespace {

using autograd::Grads;
using kernels::Pool2dArgs;
using PoolTable = kernels::KernelTable<kernels::Pool2dKernel>;

std::string size2_str(const Size2& s) { return shape_str({s[0], s[1]}); }

// Output length of one pooled dim, as PyTorch's pooling_output_shape: with ceil_mode the
// division rounds up, but the last window must still start inside the input or its left
// padding.
int64_t pooled_size(int64_t in, int64_t kernel, int64_t pad, int64_t stride, int64_t dilation,
                    bool ceil_mode) {
  const int64_t span = in + 2 * pad - dilation * (kernel - 1) - 1 + (ceil_mode ? stride - 1 : 0);
  int64_t out = (span >= 0 ? span / stride : -((-span + stride - 1) / stride)) + 1;
  if (ceil_mode && (out - 1) * stride >= in + pad) --out;
  return out;
}

void check_input(const char* op, const Tensor& x) {
  EMBER_CHECK(x.defined(), op, ": expected a defined input");
  EMBER_CHECK_DTYPE(is_floating(x.dtype()), op, ": expected a floating input, got dtype ",
                    x.dtype());
  EMBER_CHECK_SHAPE(x.dim() == 4 || x.dim() == 3, op, ": expected input with 4 dims ",
                    "(N, C, H, W) or 3 (C, H, W), got ", shape_str(x.sizes()));
  EMBER_CHECK_SHAPE(x.size(-1) > 0 && x.size(-2) > 0 && x.size(-3) > 0, op,
                    ": expected non-empty C, H and W (only N may be 0), got ",
                    shape_str(x.sizes()));
}

// Validates a sliding-window pooling of batched x and returns its output shape.
Shape check_window(const char* op, const Tensor& x, const Size2& kernel, const Size2& stride,
                   const Size2& padding, const Size2& dilation, bool ceil_mode) {
  Shape out = {x.size(0), x.size(1), 0, 0};
  for (int d = 0; d < 2; ++d) {
    EMBER_CHECK(kernel[d] >= 1, op, ": expected kernel_size >= 1, got ", size2_str(kernel));
    EMBER_CHECK(stride[d] >= 1, op, ": expected stride >= 1, got ", size2_str(stride));
    EMBER_CHECK(dilation[d] >= 1, op, ": expected dilation >= 1, got ", size2_str(dilation));
    EMBER_CHECK(padding[d] >= 0 && padding[d] <= kernel[d] / 2, op,
                ": expected 0 <= padding <= kernel_size / 2, got padding ", size2_str(padding),
                " and kernel_size ", size2_str(kernel));
    out[2 + d] =
        pooled_size(x.size(2 + d), kernel[d], padding[d], stride[d], dilation[d], ceil_mode);
  }
  EMBER_CHECK_SHAPE(out[2] >= 1 && out[3] >= 1, op, ": expected output size >= 1, got [", out[2],
                    ", ", out[3], "] for input ", shape_str(x.sizes()), " (kernel_size ",
                    size2_str(kernel), ", stride ", size2_str(stride), ", padding ",
                    size2_str(padding), ", dilation ", size2_str(dilation), ")");
  return out;
}

// y (y_shape) = fwd(x), a linear pooling map, recorded as `name` with the adjoint kernel
// `adj` (recorded as `adj_name`) as its backward, and the other way round.
Tensor linear_pool(const char* name, const PoolTable& fwd, const char* adj_name,
                   const PoolTable& adj, const Tensor& x, const Shape& y_shape,
                   const Pool2dArgs& args) {
  Tensor y;
  {
    autograd::NoGradGuard no_grad;
    Tensor xc = x.contiguous();
    y = empty(y_shape, {.dtype = x.dtype(), .device = x.device()});
    Tensor no_indices;
    fwd.get(x.device())(xc, y, no_indices, args);
  }
  if (autograd::needs_grad(x)) {
    autograd::record(
        name, {x}, y,
        [name, fwd = &fwd, adj_name, adj = &adj, args, x_shape = x.sizes()](const Tensor& g) {
          return Grads{linear_pool(adj_name, *adj, name, *fwd, g, x_shape, args)};
        });
  }
  return y;
}

// dx (x_shape) = dy scattered to the argmax `indices` of max_pool2d. Its own gradient
// gathers from the same indices (a window with no tap inside the input, index -1, gets 0).
Tensor max_pool_backward(const Tensor& dy, const Tensor& indices, const Shape& x_shape) {
  Tensor dx;
  {
    autograd::NoGradGuard no_grad;
    Tensor dyc = dy.contiguous();
    dx = empty(x_shape, {.dtype = dy.dtype(), .device = dy.device()});
    Tensor idx = indices;
    kernels::max_pool2d_backward.get(dy.device())(dyc, dx, idx, {});
  }
  if (autograd::needs_grad(dy)) {
    autograd::record("max_pool2d_backward", {dy}, dx, [indices](const Tensor& g) {
      Tensor flat = indices.flatten(2);  // (N, C, OH * OW)
      Tensor picked = gather(g.flatten(2), 2, clamp(flat, 0, std::nullopt));
      return Grads{where(flat >= 0, picked, 0.0).view(indices.sizes())};
    });
  }
  return dx;
}

}  // namespace

std::pair<Tensor, Tensor> max_pool2d_with_indices(const Tensor& x, MaxPool2dOptions options) {
  const char* op = "max_pool2d";
  check_input(op, x);
  if (x.dim() == 3) {
    auto [y, indices] = max_pool2d_with_indices(x.unsqueeze(0), options);
    return {y.squeeze(0), indices.squeeze(0)};
  }
  if (is_half(x.dtype())) {
    auto [y, indices] = max_pool2d_with_indices(x.to(DType::float32), options);
    return {y.to(x.dtype()), indices};
  }
  const Size2 stride = options.stride.value_or(options.kernel_size);
  Shape y_shape = check_window(op, x, options.kernel_size, stride, options.padding,
                               options.dilation, options.ceil_mode);  // (N, C, OH, OW)
  Pool2dArgs args{.kernel_h = options.kernel_size[0],
                  .kernel_w = options.kernel_size[1],
                  .stride_h = stride[0],
                  .stride_w = stride[1],
                  .pad_h = options.padding[0],
                  .pad_w = options.padding[1],
                  .dilation_h = options.dilation[0],
                  .dilation_w = options.dilation[1]};
  Tensor y, indices;
  {
    autograd::NoGradGuard no_grad;
    Tensor xc = x.contiguous();
    y = empty(y_shape, {.dtype = x.dtype(), .device = x.device()});
    indices = empty(y_shape, {.dtype = DType::int64, .device = x.device()});
    kernels::max_pool2d.get(x.device())(xc, y, indices, args);
  }
  if (autograd::needs_grad(x)) {
    autograd::record(op, {x}, y,
                     [indices, x_shape = x.sizes()](const Tensor& g) {
                       return Grads{max_pool_backward(g, indices, x_shape)};
                     },
                     {indices});
  }
  return {y, indices};
}

Tensor max_pool2d(const Tensor& x, MaxPool2dOptions options) {
  return max_pool2d_with_indices(x, options).first;
}

Tensor avg_pool2d(const Tensor& x, AvgPool2dOptions options) {
  const char* op = "avg_pool2d";
  check_input(op, x);
  if (x.dim() == 3) return avg_pool2d(x.unsqueeze(0), options).squeeze(0);
  if (is_half(x.dtype())) return avg_pool2d(x.to(DType::float32), options).to(x.dtype());
  EMBER_CHECK(!options.divisor_override || *options.divisor_override != 0, op,
              ": expected a non-zero divisor_override");
  const Size2 stride = options.stride.value_or(options.kernel_size);
  Shape y_shape = check_window(op, x, options.kernel_size, stride, options.padding, {1, 1},
                               options.ceil_mode);  // (N, C, OH, OW)
  Pool2dArgs args{.kernel_h = options.kernel_size[0],
                  .kernel_w = options.kernel_size[1],
                  .stride_h = stride[0],
                  .stride_w = stride[1],
                  .pad_h = options.padding[0],
                  .pad_w = options.padding[1],
                  .count_include_pad = options.count_include_pad,
                  .divisor_override = options.divisor_override.value_or(0)};
  return linear_pool(op, kernels::avg_pool2d, "avg_pool2d_backward", kernels::avg_pool2d_backward,
                     x, y_shape, args);
}

Tensor adaptive_avg_pool2d(const Tensor& x, Size2 output_size) {
  const char* op = "adaptive_avg_pool2d";
  check_input(op, x);
  if (x.dim() == 3) return adaptive_avg_pool2d(x.unsqueeze(0), output_size).squeeze(0);
  if (is_half(x.dtype())) {
    return adaptive_avg_pool2d(x.to(DType::float32), output_size).to(x.dtype());
  }
  EMBER_CHECK(output_size[0] >= 0 && output_size[1] >= 0, op, ": expected output_size >= 0, got ",
              size2_str(output_size));
  return linear_pool(op, kernels::adaptive_avg_pool2d, "adaptive_avg_pool2d_backward",
                     kernels::adaptive_avg_pool2d_backward, x,
                     {x.size(0), x.size(1), output_size[0], output_size[1]}, {});
}

}  // namespace ember
