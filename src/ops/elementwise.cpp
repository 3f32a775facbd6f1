// Front doors of the elementwise ops: promotion, broadcasting, allocation, dispatch and the
// backward rules.
//
// Note [16-bit compute]
// bfloat16 and float16 are storage formats: an op on them computes in float32 and rounds
// the result back to the input dtype (PyTorch's CPU behaviour), so kernels need only
// float32/float64 (and integer) instantiations.
#include "ember/ops/elementwise.h"

#include <cmath>
#include <limits>

#include "ember/autograd/grad_mode.h"
#include "ember/autograd/node.h"
#include "ember/ops/factory.h"
#include "ember/ops/reduce.h"
#include "ember/ops/shape.h"
#include "kernels/kernels.h"

namespace ember {

using autograd::Grads;
using kernels::ScalarArgs;

namespace {

void check_same_device(const Tensor& a, const Tensor& b, const char* op) {
  EMBER_CHECK(a.defined() && b.defined(), op, ": expected defined tensors");
  EMBER_CHECK_DEVICE(a.device() == b.device(), op, ": expected both tensors on one device, got ",
                     a.device(), " and ", b.device());
}

// A Scalar as a 0-d tensor whose dtype follows PyTorch's "wrapped number" rule: it never
// widens a tensor of the same category (float32 + 2.5 stays float32, int32 + 1 stays int32).
Tensor wrap_scalar(Scalar s, const Tensor& like) {
  DType t = like.dtype();
  DType d;
  if (s.is_floating()) {
    d = is_floating(t) ? t : kDefaultFloat;
  } else if (s.is_integral()) {
    d = (is_floating(t) || is_integral(t)) ? t : DType::int64;
  } else {
    d = t;
  }
  return scalar_tensor(s, {.dtype = d, .device = like.device()});
}

// ---- unary ---------------------------------------------------------------------------------

enum class UnaryDomain { floating, numeric, boolean };

// Runs a unary kernel with promotion (integers to float32 for floating ops) and
// Note [16-bit compute]. Returns the output (no autograd).
Tensor unary_forward(const char* name, const kernels::KernelTable<kernels::UnaryKernel>& table,
                     const Tensor& x, UnaryDomain domain, const ScalarArgs& args = {}) {
  EMBER_CHECK(x.defined(), name, ": expected a defined tensor");
  DType in = x.dtype();
  DType compute = in;
  DType result = in;
  switch (domain) {
    case UnaryDomain::floating:
      if (!is_floating(in)) result = compute = kDefaultFloat;
      break;
    case UnaryDomain::numeric:
      EMBER_CHECK_DTYPE(in != DType::boolean, name, ": expected a numeric tensor, got dtype bool");
      break;
    case UnaryDomain::boolean:
      compute = result = DType::boolean;
      break;
  }
  compute = compute_dtype(compute);
  Tensor xin = x.to(compute);
  Tensor out = empty(x.sizes(), {.dtype = compute, .device = x.device()});
  table.get(x.device())(xin, out, args);
  return out.dtype() == result ? out : out.to(result);
}

// Which of x and y = f(x) a unary backward reads (only those are version-checked).
enum Saves { kSavesX = 1, kSavesY = 2 };

// A unary op y = f(x) whose derivative is given by `grad(g, x, y)`.
template <typename GradFn>
Tensor unary(const char* name, const kernels::KernelTable<kernels::UnaryKernel>& table,
             const Tensor& x, UnaryDomain domain, const ScalarArgs& args, int saves, GradFn grad) {
  Tensor out;
  {
    autograd::NoGradGuard no_grad;
    out = unary_forward(name, table, x, domain, args);
  }
  if (autograd::needs_grad(x)) {
    // Unread tensors are not kept; y is a SavedOutput (no reference cycle).
    Tensor sx = (saves & kSavesX) ? x : Tensor();
    autograd::SavedOutput sy((saves & kSavesY) ? out : Tensor());
    autograd::record(
        name, {x}, out, [sx, sy, grad](const Tensor& g) { return Grads{grad(g, sx, sy.get())}; },
        {sx, sy.data()});
    sy.bind(out);
  }
  return out;
}

// ---- binary --------------------------------------------------------------------------------

enum class BinaryKind { arithmetic, true_divide, compare, logical };

// Promotes, broadcasts and runs a binary kernel (no autograd).
Tensor binary_forward(const char* name, const kernels::KernelTable<kernels::BinaryKernel>& table,
                      const Tensor& a, const Tensor& b, BinaryKind kind) {
  check_same_device(a, b, name);
  DType common = promote_types(a.dtype(), b.dtype());
  DType compute = common;
  DType result = common;
  switch (kind) {
    case BinaryKind::arithmetic:
      EMBER_CHECK_DTYPE(common != DType::boolean, name,
                        ": arithmetic on bool tensors is not supported; convert with to()");
      break;
    case BinaryKind::true_divide:
      if (!is_floating(common)) compute = result = kDefaultFloat;
      break;
    case BinaryKind::compare:
      result = DType::boolean;
      break;
    case BinaryKind::logical:
      compute = result = DType::boolean;
      break;
  }
  compute = compute_dtype(compute);
  Shape shape = broadcast_shapes(a.sizes(), b.sizes(), name);
  Tensor ea = a.to(compute).expand(shape);
  Tensor eb = b.to(compute).expand(shape);
  DType out_dtype = (kind == BinaryKind::compare || kind == BinaryKind::logical) ? DType::boolean
                                                                                 : compute;
  Tensor out = empty(shape, {.dtype = out_dtype, .device = a.device()});
  table.get(a.device())(ea, eb, out);
  return out.dtype() == result ? out : out.to(result);
}

// Which operands a binary backward reads (only those are kept and version-checked).
enum BinarySaves { kSavesA = 1, kSavesB = 2, kSavesOut = 4 };

// Which inputs want a gradient: the backward skips the others' formulas.
struct Needs {
  bool a;
  bool b;
};

// A differentiable binary op; grad(g, a, b, out, needs) returns {da, db} before
// un-broadcasting (unsaved operands arrive undefined).
template <typename GradFn>
Tensor binary(const char* name, const kernels::KernelTable<kernels::BinaryKernel>& table,
              const Tensor& a, const Tensor& b, BinaryKind kind, int saves, GradFn grad) {
  Tensor out;
  {
    autograd::NoGradGuard no_grad;
    out = binary_forward(name, table, a, b, kind);
  }
  if (is_floating(out.dtype()) && autograd::any_needs_grad({a, b})) {
    Tensor sa = (saves & kSavesA) ? a : Tensor();
    Tensor sb = (saves & kSavesB) ? b : Tensor();
    autograd::SavedOutput sy((saves & kSavesOut) ? out : Tensor());
    Needs needs{autograd::needs_grad(a), autograd::needs_grad(b)};
    autograd::record(
        name, {a, b}, out,
        [sa, sb, sy, needs, grad, a_shape = a.sizes(), b_shape = b.sizes(), a_dtype = a.dtype(),
         b_dtype = b.dtype()](const Tensor& g) {
          auto [da, db] = grad(g, sa, sb, sy.get(), needs);
          Grads r(2);
          if (needs.a && da.defined()) r[0] = sum_to(da, a_shape).to(a_dtype);
          if (needs.b && db.defined()) r[1] = sum_to(db, b_shape).to(b_dtype);
          return r;
        },
        {sa, sb, sy.data()});
    sy.bind(out);
  }
  return out;
}

Tensor compare(const char* name, const kernels::KernelTable<kernels::BinaryKernel>& table,
               const Tensor& a, const Tensor& b) {
  autograd::NoGradGuard no_grad;
  return binary_forward(name, table, a, b, BinaryKind::compare);
}

using GradPair = std::pair<Tensor, Tensor>;

}  // namespace

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    EMBER_CHECK_SHAPE(da == db || da == 1 || db == 1, op, ": shapes ", shape_str(a), " and ",
                      shape_str(b), " cannot be broadcast (", da, " vs ", db, " at dim ", i, ")");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Tensor sum_to(const Tensor& grad, const Shape& shape) {
  if (grad.sizes() == shape) return grad;
  int64_t lead = grad.dim() - static_cast<int64_t>(shape.size());
  EMBER_ASSERT(lead >= 0, "sum_to: cannot reduce ", shape_str(grad.sizes()), " to ",
               shape_str(shape));
  Shape dims;
  for (int64_t i = 0; i < grad.dim(); ++i) {
    if (i < lead || (shape[i - lead] == 1 && grad.size(i) != 1)) dims.push_back(i);
  }
  Tensor r = dims.empty() ? grad : sum(grad, dims, {.keepdim = true});
  return r.reshape(shape);
}

// ---- unary ops -----------------------------------------------------------------------------

Tensor neg(const Tensor& x) {
  return unary("neg", kernels::neg, x, UnaryDomain::numeric, {},
               0, [](const Tensor& g, const Tensor&, const Tensor&) { return -g; });
}
Tensor abs(const Tensor& x) {
  return unary("abs", kernels::abs, x, UnaryDomain::numeric, {},
               kSavesX, [](const Tensor& g, const Tensor& x, const Tensor&) { return g * sign(x); });
}
Tensor sign(const Tensor& x) {
  autograd::NoGradGuard no_grad;
  return unary_forward("sign", kernels::sign, x, UnaryDomain::numeric);
}
Tensor exp(const Tensor& x) {
  return unary("exp", kernels::exp, x, UnaryDomain::floating, {},
               kSavesY, [](const Tensor& g, const Tensor&, const Tensor& y) { return g * y; });
}
Tensor log(const Tensor& x) {
  return unary("log", kernels::log, x, UnaryDomain::floating, {},
               kSavesX, [](const Tensor& g, const Tensor& x, const Tensor&) { return g / x; });
}
Tensor log1p(const Tensor& x) {
  return unary("log1p", kernels::log1p, x, UnaryDomain::floating, {},
               kSavesX, [](const Tensor& g, const Tensor& x, const Tensor&) { return g / (x + 1); });
}
Tensor sqrt(const Tensor& x) {
  return unary("sqrt", kernels::sqrt, x, UnaryDomain::floating, {},
               kSavesY, [](const Tensor& g, const Tensor&, const Tensor& y) { return g / (y * 2); });
}
Tensor rsqrt(const Tensor& x) {
  return unary("rsqrt", kernels::rsqrt, x, UnaryDomain::floating, {},
               kSavesY, [](const Tensor& g, const Tensor&, const Tensor& y) {
                 return g * y * y * y * -0.5;
               });
}
Tensor sin(const Tensor& x) {
  return unary("sin", kernels::sin, x, UnaryDomain::floating, {},
               kSavesX, [](const Tensor& g, const Tensor& x, const Tensor&) { return g * cos(x); });
}
Tensor cos(const Tensor& x) {
  return unary("cos", kernels::cos, x, UnaryDomain::floating, {},
               kSavesX, [](const Tensor& g, const Tensor& x, const Tensor&) { return -(g * sin(x)); });
}
Tensor tanh(const Tensor& x) {
  return unary("tanh", kernels::tanh, x, UnaryDomain::floating, {},
               kSavesY, [](const Tensor& g, const Tensor&, const Tensor& y) { return g * (1 - y * y); });
}
Tensor sigmoid(const Tensor& x) {
  return unary("sigmoid", kernels::sigmoid, x, UnaryDomain::floating, {},
               kSavesY, [](const Tensor& g, const Tensor&, const Tensor& y) { return g * y * (1 - y); });
}
Tensor relu(const Tensor& x) {
  return unary("relu", kernels::relu, x, UnaryDomain::numeric, {},
               kSavesY, [](const Tensor& g, const Tensor&, const Tensor& y) {
                 return where(y > 0, g, 0.0);
               });
}
Tensor leaky_relu(const Tensor& x, double negative_slope) {
  return unary("leaky_relu", kernels::leaky_relu, x, UnaryDomain::floating, {.a = negative_slope},
               kSavesX, [negative_slope](const Tensor& g, const Tensor& x, const Tensor&) {
                 return where(x > 0, g, g * negative_slope);
               });
}
Tensor elu(const Tensor& x, double alpha) {
  return unary("elu", kernels::elu, x, UnaryDomain::floating, {.a = alpha},
               kSavesX | kSavesY, [alpha](const Tensor& g, const Tensor& x, const Tensor& y) {
                 return where(x > 0, g, g * (y + alpha));
               });
}
Tensor gelu(const Tensor& x, GeluApproximate approximate) {
  ScalarArgs args{.a = approximate == GeluApproximate::tanh ? 1.0 : 0.0};
  return unary("gelu", kernels::gelu, x, UnaryDomain::floating, args,
               kSavesX, [args](const Tensor& g, const Tensor& x, const Tensor&) {
                 // Under create_graph the derivative is written with ops, so that it
                 // differentiates again; otherwise one fused kernel.
                 if (autograd::is_grad_enabled()) {
                   if (args.a == 0) {  // Phi(x) + x phi(x)
                     const double inv_sqrt2 = 1 / std::sqrt(2.0);
                     const double inv_sqrt_2pi = 1 / std::sqrt(2 * M_PI);
                     Tensor cdf = (erf(x * inv_sqrt2) + 1) * 0.5;
                     return g * (cdf + x * exp(x * x * -0.5) * inv_sqrt_2pi);
                   }
                   // 0.5 (1 + tanh u) + 0.5 x (1 - tanh^2 u) du/dx, u = k (x + c x^3)
                   const double k = std::sqrt(2 / M_PI), c = 0.044715;
                   Tensor t = tanh((x + x * x * x * c) * k);
                   return g * ((t + 1) * 0.5 + x * (1 - t * t) * ((x * x * (3 * c) + 1) * (0.5 * k)));
                 }
                 Tensor gc = g.contiguous();
                 Tensor xc = x.to(gc.dtype()).contiguous();
                 Tensor out = empty_like(gc);
                 kernels::gelu_backward.get(gc.device())(gc, xc, out, args);
                 return out;
               });
}
Tensor silu(const Tensor& x) {
  return unary("silu", kernels::silu, x, UnaryDomain::floating, {},
               kSavesX, [](const Tensor& g, const Tensor& x, const Tensor&) {
                 // Under create_graph the rule is written with ops, so that it differentiates
                 // again (double backward); otherwise one fused kernel, no temporaries.
                 if (autograd::is_grad_enabled()) {
                   Tensor s = sigmoid(x);
                   return g * s * (1 + x * (1 - s));
                 }
                 const DType dtype = g.dtype();
                 const DType compute = compute_dtype(dtype);
                 Tensor gc = g.to(compute);
                 Tensor xc = x.to(compute);
                 Tensor out = empty(gc.sizes(), {.dtype = compute, .device = gc.device()});
                 kernels::silu_backward.get(gc.device())(gc, xc, out, {});
                 return out.to(dtype);
               });
}
Tensor softplus(const Tensor& x, double beta, double threshold) {
  EMBER_CHECK(beta != 0, "softplus: expected a non-zero beta");
  return unary("softplus", kernels::softplus, x, UnaryDomain::floating,
               {.a = beta, .b = threshold},
               kSavesX, [beta, threshold](const Tensor& g, const Tensor& x, const Tensor&) {
                 Tensor bx = x * beta;
                 return where(bx > threshold, g, g * sigmoid(bx));
               });
}
Tensor erf(const Tensor& x) {
  return unary("erf", kernels::erf, x, UnaryDomain::floating, {},
               kSavesX, [](const Tensor& g, const Tensor& x, const Tensor&) {
                 return g * exp(-(x * x)) * 1.1283791670955126;  // 2 / sqrt(pi)
               });
}
Tensor pow(const Tensor& x, Scalar exponent) {
  if (!is_floating(x.dtype()) && !exponent.is_floating()) {
    return pow(x, wrap_scalar(exponent, x));  // integer power stays integer
  }
  double e = exponent.to_double();
  return unary("pow", kernels::pow_scalar, x, UnaryDomain::floating, {.a = e},
               kSavesX, [e](const Tensor& g, const Tensor& x, const Tensor&) {
                 if (e == 0) return zeros_like(g);
                 return g * pow(x, e - 1) * e;
               });
}
Tensor clamp(const Tensor& x, std::optional<double> min, std::optional<double> max) {
  EMBER_CHECK(min || max, "clamp: at least one of min and max must be given");
  double lo = min.value_or(-std::numeric_limits<double>::infinity());
  double hi = max.value_or(std::numeric_limits<double>::infinity());
  return unary("clamp", kernels::clamp, x, UnaryDomain::numeric, {.a = lo, .b = hi},
               kSavesX, [lo, hi](const Tensor& g, const Tensor& x, const Tensor&) {
                 return where(logical_and(x >= lo, x <= hi), g, 0.0);
               });
}
Tensor logical_not(const Tensor& x) {
  return unary_forward("logical_not", kernels::logical_not, x, UnaryDomain::boolean);
}

// ---- binary ops ----------------------------------------------------------------------------

Tensor add(const Tensor& a, const Tensor& b) {
  return binary("add", kernels::add, a, b, BinaryKind::arithmetic, 0,
                [](const Tensor& g, const Tensor&, const Tensor&, const Tensor&, Needs) {
                  return GradPair{g, g};
                });
}
Tensor sub(const Tensor& a, const Tensor& b) {
  return binary("sub", kernels::sub, a, b, BinaryKind::arithmetic, 0,
                [](const Tensor& g, const Tensor&, const Tensor&, const Tensor&, Needs n) {
                  return GradPair{g, n.b ? -g : Tensor()};
                });
}
Tensor mul(const Tensor& a, const Tensor& b) {
  int saves = (autograd::needs_grad(b) ? kSavesA : 0) | (autograd::needs_grad(a) ? kSavesB : 0);
  return binary("mul", kernels::mul, a, b, BinaryKind::arithmetic, saves,
                [](const Tensor& g, const Tensor& a, const Tensor& b, const Tensor&, Needs n) {
                  return GradPair{n.a ? g * b : Tensor(), n.b ? g * a : Tensor()};
                });
}
Tensor div(const Tensor& a, const Tensor& b) {
  return binary("div", kernels::div, a, b, BinaryKind::true_divide, kSavesB | kSavesOut,
                [](const Tensor& g, const Tensor&, const Tensor& b, const Tensor& y, Needs n) {
                  return GradPair{n.a ? g / b : Tensor(), n.b ? -(g * y) / b : Tensor()};
                });
}
Tensor pow(const Tensor& base, const Tensor& exponent) {
  return binary("pow", kernels::pow, base, exponent, BinaryKind::arithmetic,
                kSavesA | kSavesB | kSavesOut,
                [](const Tensor& g, const Tensor& a, const Tensor& b, const Tensor& y, Needs n) {
                  Tensor da, db;
                  if (n.a) da = g * b * pow(a, b - 1);
                  // d/db a^b = a^b log a; PyTorch defines it as 0 where a == 0 and b >= 0.
                  if (n.b) db = where(logical_and(a == 0, b >= 0), 0.0, g * y * log(a));
                  return GradPair{da, db};
                });
}
Tensor maximum(const Tensor& a, const Tensor& b) {
  return binary("maximum", kernels::maximum, a, b, BinaryKind::arithmetic, kSavesA | kSavesB,
                [](const Tensor& g, const Tensor& a, const Tensor& b, const Tensor&, Needs) {
                  Tensor half = where(a == b, g * 0.5, 0.0);
                  return GradPair{where(a > b, g, half), where(b > a, g, half)};
                });
}
Tensor minimum(const Tensor& a, const Tensor& b) {
  return binary("minimum", kernels::minimum, a, b, BinaryKind::arithmetic, kSavesA | kSavesB,
                [](const Tensor& g, const Tensor& a, const Tensor& b, const Tensor&, Needs) {
                  Tensor half = where(a == b, g * 0.5, 0.0);
                  return GradPair{where(a < b, g, half), where(b < a, g, half)};
                });
}

Tensor add(const Tensor& a, Scalar b) { return add(a, wrap_scalar(b, a)); }
Tensor sub(const Tensor& a, Scalar b) { return sub(a, wrap_scalar(b, a)); }
Tensor mul(const Tensor& a, Scalar b) { return mul(a, wrap_scalar(b, a)); }
Tensor div(const Tensor& a, Scalar b) { return div(a, wrap_scalar(b, a)); }

Tensor eq(const Tensor& a, const Tensor& b) { return compare("eq", kernels::eq, a, b); }
Tensor ne(const Tensor& a, const Tensor& b) { return compare("ne", kernels::ne, a, b); }
Tensor lt(const Tensor& a, const Tensor& b) { return compare("lt", kernels::lt, a, b); }
Tensor le(const Tensor& a, const Tensor& b) { return compare("le", kernels::le, a, b); }
Tensor gt(const Tensor& a, const Tensor& b) { return compare("gt", kernels::gt, a, b); }
Tensor ge(const Tensor& a, const Tensor& b) { return compare("ge", kernels::ge, a, b); }
Tensor eq(const Tensor& a, Scalar b) { return eq(a, wrap_scalar(b, a)); }
Tensor ne(const Tensor& a, Scalar b) { return ne(a, wrap_scalar(b, a)); }
Tensor lt(const Tensor& a, Scalar b) { return lt(a, wrap_scalar(b, a)); }
Tensor le(const Tensor& a, Scalar b) { return le(a, wrap_scalar(b, a)); }
Tensor gt(const Tensor& a, Scalar b) { return gt(a, wrap_scalar(b, a)); }
Tensor ge(const Tensor& a, Scalar b) { return ge(a, wrap_scalar(b, a)); }

Tensor logical_and(const Tensor& a, const Tensor& b) {
  autograd::NoGradGuard no_grad;
  return binary_forward("logical_and", kernels::logical_and, a, b, BinaryKind::logical);
}
Tensor logical_or(const Tensor& a, const Tensor& b) {
  autograd::NoGradGuard no_grad;
  return binary_forward("logical_or", kernels::logical_or, a, b, BinaryKind::logical);
}

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  check_same_device(a, b, "where");
  check_same_device(cond, a, "where");
  EMBER_CHECK_DTYPE(cond.dtype() == DType::boolean, "where: expected a bool condition, got ",
                    cond.dtype());
  DType common = promote_types(a.dtype(), b.dtype());
  Shape shape = broadcast_shapes(broadcast_shapes(cond.sizes(), a.sizes(), "where"), b.sizes(),
                                 "where");
  Tensor out;
  {
    autograd::NoGradGuard no_grad;
    Tensor ec = cond.expand(shape);
    Tensor ea = a.to(common).expand(shape);
    Tensor eb = b.to(common).expand(shape);
    out = empty(shape, {.dtype = common, .device = a.device()});
    kernels::where.get(a.device())(ec, ea, eb, out);
  }
  if (is_floating(common) && autograd::any_needs_grad({a, b})) {
    autograd::record(
        "where", {cond, a, b}, out,
        [cond, a, b](const Tensor& g) {
          Grads r(3);
          if (a.requires_grad()) r[1] = sum_to(where(cond, g, 0.0), a.sizes()).to(a.dtype());
          if (b.requires_grad()) r[2] = sum_to(where(cond, 0.0, g), b.sizes()).to(b.dtype());
          return r;
        },
        {cond});
  }
  return out;
}
Tensor where(const Tensor& cond, const Tensor& a, Scalar b) {
  return where(cond, a, wrap_scalar(b, a));
}
Tensor where(const Tensor& cond, Scalar a, const Tensor& b) {
  return where(cond, wrap_scalar(a, b), b);
}

// ---- operators -----------------------------------------------------------------------------

Tensor operator-(const Tensor& x) { return neg(x); }
Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
Tensor operator+(const Tensor& a, Scalar b) { return add(a, b); }
Tensor operator+(Scalar a, const Tensor& b) { return add(wrap_scalar(a, b), b); }
Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
Tensor operator-(const Tensor& a, Scalar b) { return sub(a, b); }
Tensor operator-(Scalar a, const Tensor& b) { return sub(wrap_scalar(a, b), b); }
Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
Tensor operator*(const Tensor& a, Scalar b) { return mul(a, b); }
Tensor operator*(Scalar a, const Tensor& b) { return mul(wrap_scalar(a, b), b); }
Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
Tensor operator/(const Tensor& a, Scalar b) { return div(a, b); }
Tensor operator/(Scalar a, const Tensor& b) { return div(wrap_scalar(a, b), b); }
Tensor operator==(const Tensor& a, const Tensor& b) { return eq(a, b); }
Tensor operator==(const Tensor& a, Scalar b) { return eq(a, b); }
Tensor operator!=(const Tensor& a, const Tensor& b) { return ne(a, b); }
Tensor operator!=(const Tensor& a, Scalar b) { return ne(a, b); }
Tensor operator<(const Tensor& a, const Tensor& b) { return lt(a, b); }
Tensor operator<(const Tensor& a, Scalar b) { return lt(a, b); }
Tensor operator<=(const Tensor& a, const Tensor& b) { return le(a, b); }
Tensor operator<=(const Tensor& a, Scalar b) { return le(a, b); }
Tensor operator>(const Tensor& a, const Tensor& b) { return gt(a, b); }
Tensor operator>(const Tensor& a, Scalar b) { return gt(a, b); }
Tensor operator>=(const Tensor& a, const Tensor& b) { return ge(a, b); }
Tensor operator>=(const Tensor& a, Scalar b) { return ge(a, b); }
Tensor operator!(const Tensor& x) { return logical_not(x); }
Tensor operator&&(const Tensor& a, const Tensor& b) { return logical_and(a, b); }
Tensor operator||(const Tensor& a, const Tensor& b) { return logical_or(a, b); }

}  // namespace ember
