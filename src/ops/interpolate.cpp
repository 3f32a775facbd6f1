// Front door of interpolate (torch.nn.functional.interpolate for 2-d images, modes nearest
// and bilinear). Output sizes and the scale_factor semantics follow PyTorch 1.13 with
// recompute_scale_factor left at its default: see Note [Interpolate coordinates] in
// src/kernels/resample.h. 16-bit inputs compute in float32 (Note [16-bit compute]).
//
// interpolate is linear in x: the forward and backward kernels are recorded as each other's
// gradient, so gradients of any order flow.
#include <cmath>

#include "ember/autograd/grad_mode.h"
#include "ember/autograd/node.h"
#include "ember/ops/factory.h"
#include "ember/ops/nn_functional.h"
#include "ember/ops/shape.h"
#include "kernels/kernels.h"

namespace ember {

namespace {

using autograd::Grads;
using kernels::InterpolateArgs;

// y (y_shape) = interpolate(x), or its adjoint when `backward`; each records the other as
// its gradient.
Tensor resample(const Tensor& x, const Shape& y_shape, const InterpolateArgs& args, bool backward) {
  const auto& table = backward ? kernels::interpolate_backward : kernels::interpolate;
  Tensor y;
  {
    autograd::NoGradGuard no_grad;
    Tensor xc = x.contiguous();
    y = empty(y_shape, {.dtype = x.dtype(), .device = x.device()});
    table.get(x.device())(xc, y, args);
  }
  if (autograd::needs_grad(x)) {
    autograd::record(backward ? "interpolate_backward" : "interpolate", {x}, y,
                     [args, backward, x_shape = x.sizes()](const Tensor& g) {
                       return Grads{resample(g, x_shape, args, !backward)};
                     });
  }
  return y;
}

}  // namespace

Tensor interpolate(const Tensor& x, InterpolateOptions options) {
  const char* op = "interpolate";
  EMBER_CHECK(x.defined(), op, ": expected a defined input");
  EMBER_CHECK_DTYPE(is_floating(x.dtype()), op, ": expected a floating input, got dtype ",
                    x.dtype());
  EMBER_CHECK_SHAPE(x.dim() == 4, op, ": expected input with 4 dims (N, C, H, W), got ",
                    shape_str(x.sizes()));
  EMBER_CHECK(options.size.has_value() != options.scale_factor.has_value(), op,
              ": expected exactly one of size and scale_factor, got ",
              options.size ? "both" : "neither");
  const bool bilinear = options.mode == InterpolateMode::bilinear;
  EMBER_CHECK(bilinear || !options.align_corners, op,
              ": align_corners is only valid for mode bilinear, got it with mode nearest");
  if (is_half(x.dtype())) {
    return interpolate(x.to(DType::float32), options).to(x.dtype());
  }
  InterpolateArgs args{
      .mode = bilinear ? kernels::InterpolateMode::bilinear : kernels::InterpolateMode::nearest,
      .align_corners = options.align_corners};
  Size2 out;
  if (options.size) {
    out = *options.size;
  } else {
    const auto& scale = *options.scale_factor;
    EMBER_CHECK(scale[0] > 0 && scale[1] > 0, op, ": expected scale_factor > 0, got [", scale[0],
                ", ", scale[1], "]");
    for (int d = 0; d < 2; ++d) {
      out[d] = static_cast<int64_t>(std::floor(static_cast<double>(x.size(2 + d)) * scale[d]));
    }
    args.scale_h = scale[0];
    args.scale_w = scale[1];
  }
  EMBER_CHECK_SHAPE(x.size(1) > 0 && x.size(2) > 0 && x.size(3) > 0 && out[0] > 0 && out[1] > 0, op,
                    ": expected non-empty input (C, H, W) and output (H, W) sizes, got input ",
                    shape_str(x.sizes()), " and output size [", out[0], ", ", out[1], "]");
  return resample(x, {x.size(0), x.size(1), out[0], out[1]}, args, false);  // (N, C, OH, OW)
}

}  // namespace ember
