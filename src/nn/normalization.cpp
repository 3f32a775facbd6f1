// Normalisation layers over the functional ops in ops/nn_functional.h.
#include "ember/nn/normalization.h"

#include <sstream>

#include "ember/autograd/grad_mode.h"
#include "ember/ops/factory.h"
#include "ember/ops/nn_functional.h"

namespace ember::nn {

namespace {
const char* py_bool(bool b) { return b ? "True" : "False"; }

std::string shape_tuple(const Shape& s) {
  std::string r = "(";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
  return r + (s.size() == 1 ? ",)" : ")");
}
}  // namespace

BatchNorm::BatchNorm(BatchNormOptions o, const char* name, int64_t min_dim, int64_t max_dim)
    : options(o), name_(name), min_dim_(min_dim), max_dim_(max_dim) {
  EMBER_CHECK(o.num_features > 0, name, ": expected num_features > 0, got ", o.num_features);
  if (o.affine) {
    weight = ones({o.num_features});
    bias = zeros({o.num_features});
  }
  if (o.track_running_stats) {
    running_mean = zeros({o.num_features});
    running_var = ones({o.num_features});
    num_batches_tracked = zeros({}, {.dtype = DType::int64});
  }
  register_parameter("weight", weight);
  register_parameter("bias", bias);
  register_buffer("running_mean", running_mean);
  register_buffer("running_var", running_var);
  register_buffer("num_batches_tracked", num_batches_tracked);
}

std::string BatchNorm::extra_repr() const {
  std::ostringstream os;
  os << options.num_features << ", eps=" << options.eps << ", momentum=";
  if (options.momentum) os << *options.momentum; else os << "None";
  os << ", affine=" << py_bool(options.affine)
     << ", track_running_stats=" << py_bool(options.track_running_stats);
  return os.str();
}

Tensor BatchNorm::forward(const Tensor& x) {
  EMBER_CHECK_SHAPE(x.dim() >= min_dim_ && x.dim() <= max_dim_, name_, ": expected ",
                    min_dim_ == max_dim_ ? std::to_string(min_dim_)
                                         : std::to_string(min_dim_) + " or " + std::to_string(max_dim_),
                    "-d input, got shape ", shape_str(x.sizes()));
  double momentum = options.momentum.value_or(0.0);
  if (is_training() && options.track_running_stats) {
    autograd::NoGradGuard no_grad;
    num_batches_tracked.add_(1);
    if (!options.momentum) {  // cumulative moving average
      momentum = 1.0 / static_cast<double>(num_batches_tracked.item<int64_t>());
    }
  }
  // Batch statistics in training, or when there are no running statistics to use.
  bool use_batch_stats = is_training() || !options.track_running_stats;
  return batch_norm(x, running_mean, running_var, weight, bias,
                    {.training = use_batch_stats, .momentum = momentum, .eps = options.eps});
}

LayerNorm::LayerNorm(LayerNormOptions o) : options(std::move(o)) {
  if (options.elementwise_affine) {
    weight = ones(options.normalized_shape);
    bias = zeros(options.normalized_shape);
  }
  register_parameter("weight", weight);
  register_parameter("bias", bias);
}

std::string LayerNorm::extra_repr() const {
  std::ostringstream os;
  os << shape_tuple(options.normalized_shape) << ", eps=" << options.eps
     << ", elementwise_affine=" << py_bool(options.elementwise_affine);
  return os.str();
}

Tensor LayerNorm::forward(const Tensor& x) {
  return layer_norm(x, options.normalized_shape, weight, bias, options.eps);
}

GroupNorm::GroupNorm(GroupNormOptions o) : options(o) {
  EMBER_CHECK(o.num_groups > 0 && o.num_channels % o.num_groups == 0,
              "GroupNorm: expected num_channels (", o.num_channels,
              ") divisible by num_groups (", o.num_groups, ")");
  if (o.affine) {
    weight = ones({o.num_channels});
    bias = zeros({o.num_channels});
  }
  register_parameter("weight", weight);
  register_parameter("bias", bias);
}

std::string GroupNorm::extra_repr() const {
  std::ostringstream os;
  os << options.num_groups << ", " << options.num_channels << ", eps=" << options.eps
     << ", affine=" << py_bool(options.affine);
  return os.str();
}

Tensor GroupNorm::forward(const Tensor& x) {
  return group_norm(x, options.num_groups, weight, bias, options.eps);
}

RMSNorm::RMSNorm(RMSNormOptions o) : options(std::move(o)) {
  if (options.elementwise_affine) weight = ones(options.normalized_shape);
  register_parameter("weight", weight);
}

std::string RMSNorm::extra_repr() const {
  std::ostringstream os;
  os << shape_tuple(options.normalized_shape) << ", eps=";
  if (options.eps) os << *options.eps; else os << "None";
  os << ", elementwise_affine=" << py_bool(options.elementwise_affine);
  return os.str();
}

Tensor RMSNorm::forward(const Tensor& x) {
  return rms_norm(x, options.normalized_shape, weight, options.eps);
}

}  // namespace ember::nn
