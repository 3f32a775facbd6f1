// nn::init: parameter initialisation with PyTorch's formulas.
#include "ember/nn/init.h"

#include <cmath>
#include <vector>

#include "ember/autograd/grad_mode.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/factory.h"
#include "ember/ops/shape.h"

namespace ember::nn::init {

namespace {

void check_floating(const Tensor& t, const char* op) {
  EMBER_CHECK(t.defined(), op, ": expected a defined tensor");
  EMBER_CHECK_DTYPE(is_floating(t.dtype()), op, ": expected a floating tensor, got ", t.dtype());
}

Tensor& assign(Tensor& t, const Tensor& values) {
  autograd::NoGradGuard no_grad;
  t.copy_(values);
  return t;
}

int64_t fan(const Tensor& t, FanMode mode) {
  auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(t);
  return mode == FanMode::fan_in ? fan_in : fan_out;
}

}  // namespace

double calculate_gain(Nonlinearity nonlinearity, double param) {
  switch (nonlinearity) {
    case Nonlinearity::linear:
    case Nonlinearity::conv:
    case Nonlinearity::sigmoid: return 1.0;
    case Nonlinearity::tanh: return 5.0 / 3.0;
    case Nonlinearity::relu: return std::sqrt(2.0);
    case Nonlinearity::leaky_relu: return std::sqrt(2.0 / (1.0 + param * param));
    case Nonlinearity::selu: return 3.0 / 4.0;
  }
  return 1.0;
}

std::pair<int64_t, int64_t> calculate_fan_in_and_fan_out(const Tensor& t) {
  EMBER_CHECK_SHAPE(t.dim() >= 2, "init: fan in and fan out need a tensor with >= 2 dims, got ",
                    shape_str(t.sizes()));
  int64_t receptive = 1;
  for (int64_t d = 2; d < t.dim(); ++d) receptive *= t.size(d);
  return {t.size(1) * receptive, t.size(0) * receptive};
}

Tensor& uniform_(Tensor& t, double a, double b, Generator* generator) {
  check_floating(t, "uniform_");
  EMBER_CHECK(a <= b, "uniform_: expected a <= b, got a=", a, ", b=", b);
  Tensor u = rand(t.sizes(), {.dtype = DType::float64}, generator);
  return assign(t, u * (b - a) + a);
}

Tensor& normal_(Tensor& t, double mean, double std, Generator* generator) {
  check_floating(t, "normal_");
  EMBER_CHECK(std >= 0, "normal_: expected std >= 0, got ", std);
  Tensor n = randn(t.sizes(), {.dtype = DType::float64}, generator);
  return assign(t, n * std + mean);
}

Tensor& constant_(Tensor& t, double value) {
  check_floating(t, "constant_");
  autograd::NoGradGuard no_grad;
  t.fill_(value);
  return t;
}

Tensor& zeros_(Tensor& t) { return constant_(t, 0.0); }
Tensor& ones_(Tensor& t) { return constant_(t, 1.0); }

Tensor& xavier_uniform_(Tensor& t, double gain, Generator* generator) {
  auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(t);
  double bound = gain * std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
  return uniform_(t, -bound, bound, generator);
}

Tensor& xavier_normal_(Tensor& t, double gain, Generator* generator) {
  auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(t);
  double std = gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
  return normal_(t, 0.0, std, generator);
}

Tensor& kaiming_uniform_(Tensor& t, KaimingOptions o) {
  int64_t f = fan(t, o.mode);
  EMBER_CHECK(f > 0, "kaiming_uniform_: cannot initialise a tensor with zero fan, shape ",
              shape_str(t.sizes()));
  double bound = calculate_gain(o.nonlinearity, o.a) * std::sqrt(3.0 / static_cast<double>(f));
  return uniform_(t, -bound, bound, o.generator);
}

Tensor& kaiming_normal_(Tensor& t, KaimingOptions o) {
  int64_t f = fan(t, o.mode);
  EMBER_CHECK(f > 0, "kaiming_normal_: cannot initialise a tensor with zero fan, shape ",
              shape_str(t.sizes()));
  double std = calculate_gain(o.nonlinearity, o.a) / std::sqrt(static_cast<double>(f));
  return normal_(t, 0.0, std, o.generator);
}

Tensor& trunc_normal_(Tensor& t, double mean, double std, double a, double b,
                      Generator* generator) {
  check_floating(t, "trunc_normal_");
  EMBER_CHECK(a < b && std > 0, "trunc_normal_: expected a < b and std > 0, got a=", a, ", b=", b,
              ", std=", std);
  // Rejection sampling: exact for the truncated distribution. Bounds so narrow that almost
  // nothing is accepted would loop for long; PyTorch's inverse-CDF method has no such
  // limit, so require a reasonable acceptance rate.
  double za = (a - mean) / std, zb = (b - mean) / std;
  double accept = 0.5 * (std::erf(zb / std::sqrt(2.0)) - std::erf(za / std::sqrt(2.0)));
  EMBER_CHECK(accept > 1e-4, "trunc_normal_: the interval [", a, ", ", b,
              "] holds too little probability mass (", accept, ")");
  int64_t n = t.numel();
  std::vector<double> values;
  values.reserve(static_cast<size_t>(n));
  while (static_cast<int64_t>(values.size()) < n) {
    int64_t want = n - static_cast<int64_t>(values.size());
    int64_t draw = static_cast<int64_t>(static_cast<double>(want) / accept) + 16;
    for (double z : randn({draw}, {.dtype = DType::float64}, generator).to_vector<double>()) {
      double v = mean + std * z;
      if (v >= a && v <= b && static_cast<int64_t>(values.size()) < n) values.push_back(v);
    }
  }
  return assign(t, from_vector(values, t.sizes()));
}

Tensor& orthogonal_(Tensor& t, double gain, Generator* generator) {
  check_floating(t, "orthogonal_");
  EMBER_CHECK_SHAPE(t.dim() >= 2, "orthogonal_: expected a tensor with >= 2 dims, got ",
                    shape_str(t.sizes()));
  int64_t rows = t.size(0), cols = t.numel() / std::max<int64_t>(rows, 1);
  // Orthonormalise the columns of a tall Gaussian matrix (m >= n) with modified
  // Gram-Schmidt in float64, fixing signs so the result is uniform (Haar) like QR with
  // sign(diag(R)) in PyTorch; transpose back for wide shapes.
  bool wide = rows < cols;
  int64_t m = wide ? cols : rows, n = wide ? rows : cols;
  std::vector<double> a = randn({m, n}, {.dtype = DType::float64}, generator).to_vector<double>();
  for (int64_t j = 0; j < n; ++j) {
    for (int64_t k = 0; k < j; ++k) {
      double dot = 0;
      for (int64_t i = 0; i < m; ++i) dot += a[i * n + j] * a[i * n + k];
      for (int64_t i = 0; i < m; ++i) a[i * n + j] -= dot * a[i * n + k];
    }
    double norm = 0;
    for (int64_t i = 0; i < m; ++i) norm += a[i * n + j] * a[i * n + j];
    norm = std::sqrt(norm);
    EMBER_ASSERT(norm > 0, "orthogonal_: degenerate random matrix");
    for (int64_t i = 0; i < m; ++i) a[i * n + j] /= norm;
  }
  Tensor q = from_vector(a, {m, n});
  if (wide) q = q.t();
  return assign(t, (q * gain).reshape(t.sizes()));
}

}  // namespace ember::nn::init
