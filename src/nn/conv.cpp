// Convolution layers. Initialisation as PyTorch's _ConvNd.reset_parameters: weight
// kaiming_uniform(a = sqrt(5)), bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)), where fan_in comes
// from the weight's dim 1 times the kernel size (so ConvTranspose2d uses out_channels/groups).
#include "ember/nn/conv.h"

#include <cmath>

#include "ember/nn/init.h"
#include "ember/ops/factory.h"

namespace ember::nn {

namespace {

void init_conv(Tensor& weight, Tensor& bias) {
  init::kaiming_uniform_(weight, {.a = std::sqrt(5.0)});
  if (bias.defined()) {
    auto [fan_in, fan_out] = init::calculate_fan_in_and_fan_out(weight);
    double bound = fan_in > 0 ? 1.0 / std::sqrt(static_cast<double>(fan_in)) : 0.0;
    init::uniform_(bias, -bound, bound);
  }
}

void check_channels(const char* layer, int64_t in, int64_t out, int64_t groups) {
  EMBER_CHECK(in > 0 && out > 0, layer, ": expected positive in_channels and out_channels, got ",
              in, " and ", out);
  EMBER_CHECK(groups > 0 && in % groups == 0 && out % groups == 0, layer,
              ": expected in_channels (", in, ") and out_channels (", out,
              ") divisible by groups (", groups, ")");
}

std::string pair_str(Size2 p) {
  return "(" + std::to_string(p[0]) + ", " + std::to_string(p[1]) + ")";
}

// PyTorch's repr: stride always; padding, dilation, output_padding, groups and bias=False
// only when not default.
std::string conv_repr(int64_t in, int64_t out, Size2 k, Size2 s, Size2 p, Size2 d, int64_t g,
                      bool bias, const Size2* output_padding) {
  std::string r = std::to_string(in) + ", " + std::to_string(out) + ", kernel_size=" +
                  pair_str(k) + ", stride=" + pair_str(s);
  if (p != Size2{0, 0}) r += ", padding=" + pair_str(p);
  if (d != Size2{1, 1}) r += ", dilation=" + pair_str(d);
  if (output_padding && *output_padding != Size2{0, 0}) {
    r += ", output_padding=" + pair_str(*output_padding);
  }
  if (g != 1) r += ", groups=" + std::to_string(g);
  if (!bias) r += ", bias=False";
  return r;
}

}  // namespace

Conv1d::Conv1d(Conv1dOptions o) : options(o) {
  check_channels("Conv1d", o.in_channels, o.out_channels, o.groups);
  weight = empty({o.out_channels, o.in_channels / o.groups, o.kernel_size});
  if (o.bias) bias = empty({o.out_channels});
  init_conv(weight, bias);
  register_parameter("weight", weight);
  register_parameter("bias", bias);
}

std::string Conv1d::extra_repr() const {
  std::string r = std::to_string(options.in_channels) + ", " +
                  std::to_string(options.out_channels) +
                  ", kernel_size=(" + std::to_string(options.kernel_size) + ",), stride=(" +
                  std::to_string(options.stride) + ",)";
  if (options.padding != 0) r += ", padding=(" + std::to_string(options.padding) + ",)";
  if (options.dilation != 1) r += ", dilation=(" + std::to_string(options.dilation) + ",)";
  if (options.groups != 1) r += ", groups=" + std::to_string(options.groups);
  if (!options.bias) r += ", bias=False";
  return r;
}

Tensor Conv1d::forward(const Tensor& x) {
  return conv1d(x, weight, bias,
                {.stride = options.stride, .padding = options.padding,
                 .dilation = options.dilation, .groups = options.groups});
}

Conv2d::Conv2d(Conv2dOptions o) : options(o) {
  check_channels("Conv2d", o.in_channels, o.out_channels, o.groups);
  weight = empty({o.out_channels, o.in_channels / o.groups, o.kernel_size[0], o.kernel_size[1]});
  if (o.bias) bias = empty({o.out_channels});
  init_conv(weight, bias);
  register_parameter("weight", weight);
  register_parameter("bias", bias);
}

std::string Conv2d::extra_repr() const {
  return conv_repr(options.in_channels, options.out_channels, options.kernel_size,
                   options.stride, options.padding, options.dilation, options.groups,
                   options.bias, nullptr);
}

Tensor Conv2d::forward(const Tensor& x) {
  return conv2d(x, weight, bias,
                {.stride = options.stride, .padding = options.padding,
                 .dilation = options.dilation, .groups = options.groups});
}

ConvTranspose2d::ConvTranspose2d(ConvTranspose2dOptions o) : options(o) {
  check_channels("ConvTranspose2d", o.in_channels, o.out_channels, o.groups);
  weight = empty({o.in_channels, o.out_channels / o.groups, o.kernel_size[0], o.kernel_size[1]});
  if (o.bias) bias = empty({o.out_channels});
  init_conv(weight, bias);
  register_parameter("weight", weight);
  register_parameter("bias", bias);
}

std::string ConvTranspose2d::extra_repr() const {
  return conv_repr(options.in_channels, options.out_channels, options.kernel_size,
                   options.stride, options.padding, options.dilation, options.groups,
                   options.bias, &options.output_padding);
}

Tensor ConvTranspose2d::forward(const Tensor& x) {
  return conv_transpose2d(x, weight, bias,
                          {.stride = options.stride, .padding = options.padding,
                           .output_padding = options.output_padding, .groups = options.groups,
                           .dilation = options.dilation});
}

}  // namespace ember::nn
