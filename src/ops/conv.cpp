// Front doors of the convolutions: conv2d, conv1d (conv2d on (N, C, 1, L)) and
// conv_transpose2d (conv2d_backward_input used as a forward). Validation, output sizes,
// bias, unbatched inputs and 16-bit inputs (Note [16-bit compute] in elementwise.cpp) are
// handled here; the kernels see contiguous float32/float64 tensors only.
//
// Note [Conv autograd]
// conv2d and its two backward kernels are three faces of one trilinear form:
//   <conv2d(x, w), g> = <x, conv2d_backward_input(g, w)> = <w, conv2d_backward_weight(g, x)>
// so the gradient of any of the three with respect to either operand is one of the other
// two. Each is wrapped below as a recorded op whose backward calls the other two: double
// backward works, and conv_transpose2d is conv2d_backward_input recorded under its own name.
// The kernels read every size from their tensors (kernels/window.h), which keeps the three
// exact adjoints when output_padding makes shapes differ from the conv2d size formula.
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
using kernels::Conv2dArgs;

Tensor conv_input_grad(const Tensor& dy, const Tensor& w, const Shape& x_shape, const Conv2dArgs& a,
                       const char* name);
Tensor conv_weight_grad(const Tensor& dy, const Tensor& x, const Shape& w_shape,
                        const Conv2dArgs& a);

// out (shape) = kernel(a, b) on contiguous operands, outside autograd (Conv2dKernel).
Tensor run_conv_kernel(const kernels::KernelTable<kernels::Conv2dKernel>& kernel, const Tensor& a,
                       const Tensor& b, const Shape& shape, const Conv2dArgs& args) {
  autograd::NoGradGuard no_grad;
  Tensor out = empty(shape, {.dtype = a.dtype(), .device = a.device()});
  kernel.get(a.device())(a.contiguous(), b.contiguous(), out, args);
  return out;
}

// y (y_shape) = conv2d(x, w), recorded as `name`. See Note [Conv autograd].
Tensor conv_forward(const Tensor& x, const Tensor& w, const Shape& y_shape, const Conv2dArgs& a,
                    const char* name) {
  Tensor y = run_conv_kernel(kernels::conv2d, x, w, y_shape, a);
  const bool needs_x = autograd::needs_grad(x), needs_w = autograd::needs_grad(w);
  if (needs_x || needs_w) {
    Tensor sx = needs_w ? x : Tensor();  // dw reads x; dx reads w
    Tensor sw = needs_x ? w : Tensor();
    autograd::record(
        name, {x, w}, y,
        [sx, sw, needs_x, needs_w, a, x_shape = x.sizes(), w_shape = w.sizes()](const Tensor& g) {
          Grads r(2);
          if (needs_x) r[0] = conv_input_grad(g, sw, x_shape, a, "conv2d_backward_input");
          if (needs_w) r[1] = conv_weight_grad(g, sx, w_shape, a);
          return r;
        },
        {sx, sw});
  }
  return y;
}

// dx (x_shape) = conv2d_backward_input(dy, w), recorded as `name`.
Tensor conv_input_grad(const Tensor& dy, const Tensor& w, const Shape& x_shape, const Conv2dArgs& a,
                       const char* name) {
  Tensor dx = run_conv_kernel(kernels::conv2d_backward_input, dy, w, x_shape, a);
  const bool needs_dy = autograd::needs_grad(dy), needs_w = autograd::needs_grad(w);
  if (needs_dy || needs_w) {
    Tensor sdy = needs_w ? dy : Tensor();
    Tensor sw = needs_dy ? w : Tensor();
    autograd::record(name, {dy, w}, dx,
                     [sdy, sw, needs_dy, needs_w, a, dy_shape = dy.sizes(),
                      w_shape = w.sizes()](const Tensor& g) {
                       Grads r(2);
                       if (needs_dy) r[0] = conv_forward(g, sw, dy_shape, a, "conv2d");
                       if (needs_w) r[1] = conv_weight_grad(sdy, g, w_shape, a);
                       return r;
                     },
                     {sdy, sw});
  }
  return dx;
}

// dw (w_shape) = conv2d_backward_weight(dy, x).
Tensor conv_weight_grad(const Tensor& dy, const Tensor& x, const Shape& w_shape,
                        const Conv2dArgs& a) {
  Tensor dw = run_conv_kernel(kernels::conv2d_backward_weight, dy, x, w_shape, a);
  const bool needs_dy = autograd::needs_grad(dy), needs_x = autograd::needs_grad(x);
  if (needs_dy || needs_x) {
    Tensor sdy = needs_x ? dy : Tensor();
    Tensor sx = needs_dy ? x : Tensor();
    autograd::record("conv2d_backward_weight", {dy, x}, dw,
                     [sdy, sx, needs_dy, needs_x, a, dy_shape = dy.sizes(),
                      x_shape = x.sizes()](const Tensor& g) {
                       Grads r(2);
                       if (needs_dy) r[0] = conv_forward(sx, g, dy_shape, a, "conv2d");
                       if (needs_x)
                         r[1] = conv_input_grad(sdy, g, x_shape, a, "conv2d_backward_input");
                       return r;
                     },
                     {sdy, sx});
  }
  return dw;
}

// Checks shared by the convolutions: defined operands on one device, one floating dtype.
void check_operands(const char* op, const Tensor& x, const Tensor& w, const Tensor& bias) {
  EMBER_CHECK(x.defined() && w.defined(), op, ": expected defined input and weight");
  EMBER_CHECK_DEVICE(x.device() == w.device(), op,
                     ": expected input and weight on one device, got ", x.device(), " and ",
                     w.device());
  EMBER_CHECK_DTYPE(is_floating(x.dtype()) && x.dtype() == w.dtype(), op,
                    ": expected floating input and weight of one dtype, got ", x.dtype(), " and ",
                    w.dtype());
  if (bias.defined()) {
    EMBER_CHECK_DEVICE(bias.device() == x.device(), op, ": expected bias on ", x.device(), ", got ",
                       bias.device());
    EMBER_CHECK_DTYPE(bias.dtype() == x.dtype(), op, ": expected bias of dtype ", x.dtype(),
                      ", got ", bias.dtype());
  }
}

void check_hyper(const char* op, const Shape& stride, const Shape& padding, const Shape& dilation,
                 int64_t groups) {
  for (size_t d = 0; d < stride.size(); ++d) {
    EMBER_CHECK(stride[d] >= 1, op, ": expected stride >= 1, got ", shape_str(stride));
    EMBER_CHECK(padding[d] >= 0, op, ": expected padding >= 0, got ", shape_str(padding));
    EMBER_CHECK(dilation[d] >= 1, op, ": expected dilation >= 1, got ", shape_str(dilation));
  }
  EMBER_CHECK(groups >= 1, op, ": expected groups >= 1, got ", groups);
}

void check_bias(const char* op, const Tensor& bias, int64_t out_channels) {
  EMBER_CHECK_SHAPE(!bias.defined() || bias.sizes() == Shape{out_channels}, op,
                    ": expected bias of shape [", out_channels, "], got ", shape_str(bias.sizes()));
}

// Validates a convolution of a batched x (N, C, *spatial) with w (OC, C/groups, *kernel)
// and returns the output's spatial sizes.
Shape check_conv(const char* op, const Tensor& x, const Tensor& w, const Tensor& bias,
                 const Shape& stride, const Shape& padding, const Shape& dilation, int64_t groups) {
  const size_t spatial = stride.size();
  check_hyper(op, stride, padding, dilation, groups);
  EMBER_CHECK_SHAPE(w.dim() == static_cast<int64_t>(spatial) + 2, op, ": expected weight with ",
                    spatial + 2, " dims (OC, C/groups, ", spatial == 1 ? "K" : "KH, KW", "), got ",
                    shape_str(w.sizes()));
  const int64_t out_channels = w.size(0);
  EMBER_CHECK_SHAPE(out_channels % groups == 0, op, ": expected out channels ", out_channels,
                    " divisible by groups ", groups, " (weight ", shape_str(w.sizes()), ")");
  EMBER_CHECK_SHAPE(x.size(1) == w.size(1) * groups, op, ": expected input channels ",
                    w.size(1) * groups, " (weight ", shape_str(w.sizes()), ", groups ", groups,
                    "), got ", x.size(1));
  check_bias(op, bias, out_channels);
  Shape out(spatial);
  for (size_t d = 0; d < spatial; ++d) {
    const int64_t padded = x.size(2 + d) + 2 * padding[d];
    const int64_t dilated_kernel = dilation[d] * (w.size(2 + d) - 1) + 1;
    out[d] = padded >= dilated_kernel ? (padded - dilated_kernel) / stride[d] + 1 : 0;
  }
  for (size_t d = 0; d < spatial; ++d) {
    EMBER_CHECK_SHAPE(out[d] >= 1, op, ": expected output size >= 1, got ", shape_str(out),
                      " (input ", shape_str(x.sizes()), ", weight ", shape_str(w.sizes()),
                      ", padding ", shape_str(padding), ", dilation ", shape_str(dilation),
                      "): the dilated kernel is larger than the padded input");
  }
  return out;
}

Tensor add_bias(const Tensor& y, const Tensor& bias) {
  if (!bias.defined()) return y;
  return y + bias.reshape({1, bias.size(0), 1, 1});
}

}  // namespace

Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, Conv2dOptions options) {
  check_operands("conv2d", x, weight, bias);
  EMBER_CHECK_SHAPE(x.dim() == 4 || x.dim() == 3, "conv2d: expected input with 4 dims ",
                    "(N, C, H, W) or 3 (C, H, W), got ", shape_str(x.sizes()));
  if (x.dim() == 3) return conv2d(x.unsqueeze(0), weight, bias, options).squeeze(0);
  if (is_half(x.dtype())) {
    Tensor b32 = bias.defined() ? bias.to(DType::float32) : Tensor();
    return conv2d(x.to(DType::float32), weight.to(DType::float32), b32, options).to(x.dtype());
  }
  const Size2& stride = options.stride;
  const Size2& padding = options.padding;
  const Size2& dilation = options.dilation;
  const int64_t groups = options.groups;
  Shape out = check_conv("conv2d", x, weight, bias, {stride[0], stride[1]},
                         {padding[0], padding[1]}, {dilation[0], dilation[1]}, groups);
  Conv2dArgs args{.stride_h = stride[0],
                  .stride_w = stride[1],
                  .pad_h = padding[0],
                  .pad_w = padding[1],
                  .dilation_h = dilation[0],
                  .dilation_w = dilation[1],
                  .groups = groups};
  Tensor y = conv_forward(x, weight, {x.size(0), weight.size(0), out[0], out[1]}, args,
                          "conv2d");  // (N, OC, OH, OW)
  return add_bias(y, bias);
}

Tensor conv1d(const Tensor& x, const Tensor& weight, const Tensor& bias, Conv1dOptions options) {
  check_operands("conv1d", x, weight, bias);
  EMBER_CHECK_SHAPE(x.dim() == 3 || x.dim() == 2, "conv1d: expected input with 3 dims ",
                    "(N, C, L) or 2 (C, L), got ", shape_str(x.sizes()));
  if (x.dim() == 2) return conv1d(x.unsqueeze(0), weight, bias, options).squeeze(0);
  check_conv("conv1d", x, weight, bias, {options.stride}, {options.padding}, {options.dilation},
             options.groups);
  Tensor y = conv2d(x.unsqueeze(2), weight.unsqueeze(2), bias,
                    {.stride = {1, options.stride},
                     .padding = {0, options.padding},
                     .dilation = {1, options.dilation},
                     .groups = options.groups});  // (N, OC, 1, OL)
  return y.squeeze(2);
}

Tensor conv_transpose2d(const Tensor& x, const Tensor& weight, const Tensor& bias,
                        ConvTranspose2dOptions options) {
  const char* op = "conv_transpose2d";
  check_operands(op, x, weight, bias);
  EMBER_CHECK_SHAPE(x.dim() == 4 || x.dim() == 3, op, ": expected input with 4 dims ",
                    "(N, C, H, W) or 3 (C, H, W), got ", shape_str(x.sizes()));
  if (x.dim() == 3) return conv_transpose2d(x.unsqueeze(0), weight, bias, options).squeeze(0);
  if (is_half(x.dtype())) {
    Tensor b32 = bias.defined() ? bias.to(DType::float32) : Tensor();
    return conv_transpose2d(x.to(DType::float32), weight.to(DType::float32), b32, options)
        .to(x.dtype());
  }
  const Size2& stride = options.stride;
  const Size2& padding = options.padding;
  const Size2& output_padding = options.output_padding;
  const Size2& dilation = options.dilation;
  const int64_t groups = options.groups;
  check_hyper(op, {stride[0], stride[1]}, {padding[0], padding[1]}, {dilation[0], dilation[1]},
              groups);
  EMBER_CHECK_SHAPE(weight.dim() == 4, op, ": expected weight with 4 dims (C, OC/groups, KH, ",
                    "KW), got ", shape_str(weight.sizes()));
  EMBER_CHECK_SHAPE(x.size(1) == weight.size(0), op, ": expected input channels ", weight.size(0),
                    " (weight ", shape_str(weight.sizes()), "), got ", x.size(1));
  EMBER_CHECK_SHAPE(x.size(1) % groups == 0, op, ": expected input channels ", x.size(1),
                    " divisible by groups ", groups);
  const int64_t out_channels = weight.size(1) * groups;
  check_bias(op, bias, out_channels);
  Shape out(2);
  for (int d = 0; d < 2; ++d) {
    EMBER_CHECK(output_padding[d] >= 0 &&
                    (output_padding[d] < stride[d] || output_padding[d] < dilation[d]),
                op, ": expected output_padding >= 0 and smaller than stride or dilation, got ",
                "output_padding [", output_padding[0], ", ", output_padding[1], "], stride [",
                stride[0], ", ", stride[1], "], dilation [", dilation[0], ", ", dilation[1], "]");
    out[d] = (x.size(2 + d) - 1) * stride[d] - 2 * padding[d] +
             dilation[d] * (weight.size(2 + d) - 1) + output_padding[d] + 1;
  }
  EMBER_CHECK_SHAPE(out[0] >= 1 && out[1] >= 1, op, ": expected output size >= 1, got ",
                    shape_str(out), " (input ", shape_str(x.sizes()), ", weight ",
                    shape_str(weight.sizes()), ", padding [", padding[0], ", ", padding[1], "])");
  Conv2dArgs args{.stride_h = stride[0],
                  .stride_w = stride[1],
                  .pad_h = padding[0],
                  .pad_w = padding[1],
                  .dilation_h = dilation[0],
                  .dilation_w = dilation[1],
                  .groups = groups};
  Tensor y = conv_input_grad(x, weight, {x.size(0), out_channels, out[0], out[1]}, args,
                             op);  // (N, OC, OH, OW)
  return add_bias(y, bias);
}

}  // namespace ember
