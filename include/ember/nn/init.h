// Parameter initialisation, as torch.nn.init: the same distributions and the same bounds
// (the random streams differ: ember has its own generator).
#pragma once

#include <utility>

#include "ember/core/generator.h"
#include "ember/core/tensor.h"

namespace ember::nn::init {

enum class FanMode { fan_in, fan_out };
enum class Nonlinearity { linear, conv, sigmoid, tanh, relu, leaky_relu, selu };

/// The recommended gain for a nonlinearity (param: leaky_relu's negative slope).
double calculate_gain(Nonlinearity nonlinearity, double param = 0.01);
/// (fan_in, fan_out) of a weight of >= 2 dims: dim 1 and dim 0 times the receptive field.
std::pair<int64_t, int64_t> calculate_fan_in_and_fan_out(const Tensor& t);

// Each fills `t` in place (under no-grad) and returns it. `generator` null: the default one.
Tensor& uniform_(Tensor& t, double a = 0.0, double b = 1.0, Generator* generator = nullptr);
Tensor& normal_(Tensor& t, double mean = 0.0, double std = 1.0, Generator* generator = nullptr);
Tensor& constant_(Tensor& t, double value);
Tensor& zeros_(Tensor& t);
Tensor& ones_(Tensor& t);
/// U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out)).
Tensor& xavier_uniform_(Tensor& t, double gain = 1.0, Generator* generator = nullptr);
/// N(0, s) with s = gain * sqrt(2 / (fan_in + fan_out)).
Tensor& xavier_normal_(Tensor& t, double gain = 1.0, Generator* generator = nullptr);

struct KaimingOptions {
  double a = 0.0;  // negative slope of the leaky_relu that follows
  FanMode mode = FanMode::fan_in;
  Nonlinearity nonlinearity = Nonlinearity::leaky_relu;
  Generator* generator = nullptr;
};
/// U(-b, b) with b = gain * sqrt(3 / fan).
Tensor& kaiming_uniform_(Tensor& t, KaimingOptions options = {});
/// N(0, gain / sqrt(fan)).
Tensor& kaiming_normal_(Tensor& t, KaimingOptions options = {});
/// N(mean, std) restricted to [a, b] (absolute bounds, as PyTorch).
Tensor& trunc_normal_(Tensor& t, double mean = 0.0, double std = 1.0, double a = -2.0,
                      double b = 2.0, Generator* generator = nullptr);
/// A (semi-)orthogonal matrix over the first dim vs the rest, times gain.
Tensor& orthogonal_(Tensor& t, double gain = 1.0, Generator* generator = nullptr);

}  // namespace ember::nn::init
