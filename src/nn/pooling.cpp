// Printed forms of the pooling modules (PyTorch prints square sizes as one number).
#include "ember/nn/pooling.h"

namespace ember::nn {

namespace {
std::string size_str(Size2 s) {
  if (s[0] == s[1]) return std::to_string(s[0]);
  return "(" + std::to_string(s[0]) + ", " + std::to_string(s[1]) + ")";
}
const char* py_bool(bool b) { return b ? "True" : "False"; }
}  // namespace

std::string MaxPool2d::extra_repr() const {
  return "kernel_size=" + size_str(options.kernel_size) +
         ", stride=" + size_str(options.stride.value_or(options.kernel_size)) +
         ", padding=" + size_str(options.padding) + ", dilation=" + size_str(options.dilation) +
         ", ceil_mode=" + py_bool(options.ceil_mode);
}

std::string AvgPool2d::extra_repr() const {
  return "kernel_size=" + size_str(options.kernel_size) +
         ", stride=" + size_str(options.stride.value_or(options.kernel_size)) +
         ", padding=" + size_str(options.padding);
}

std::string AdaptiveAvgPool2d::extra_repr() const {
  // PyTorch echoes the argument; ember's is always a pair.
  return "output_size=(" + std::to_string(output_size[0]) + ", " +
         std::to_string(output_size[1]) + ")";
}

}  // namespace ember::nn
