// The scalar math of each elementwise op, shared by the reference and the fast kernels so
// that both compute the same formula (the kernels differ in how they walk memory). The
// formulas themselves are checked against PyTorch fixtures.
//
// Each op is a struct with a static apply(); unary ops also take the op's ScalarArgs.
#pragma once

#include <cmath>
#include <type_traits>

#include "kernels/signatures_elementwise.h"

namespace ember::kernels {

template <typename T>
inline constexpr bool kIsFloat = std::is_floating_point_v<T>;

// ---- unary ---------------------------------------------------------------------------------
struct NegOp {
  template <typename T>
  static T apply(T x, const ScalarArgs&) {
    return static_cast<T>(-x);
  }
};
struct AbsOp {
  template <typename T>
  static T apply(T x, const ScalarArgs&) {
    if constexpr (std::is_unsigned_v<T>) return x;
    else return x < T(0) ? static_cast<T>(-x) : x;
  }
};
struct SignOp {
  template <typename T>
  static T apply(T x, const ScalarArgs&) {
    return static_cast<T>((T(0) < x) - (x < T(0)));
  }
};
struct ExpOp {
  template <typename T>
  static T apply(T x, const ScalarArgs&) {
    return std::exp(x);
  }
};
struct LogOp {
  template <typename T>
  static T apply(T x, const ScalarArgs&) {
    return std::log(x);
  }
};
struct Log1pOp {
  template <typename T>
  static T apply(T x, const ScalarArgs&) {
    return std::log1p(x);
  }
};
struct SqrtOp {
  template <typename T>
  static T apply(T x, const ScalarArgs&) {
    return std::sqrt(x);
  }
};
struct RsqrtOp {
  template <typename T>
  static T apply(T x, const ScalarArgs&) {
    return T(1) / std::sqrt(x);
  }
};
struct SinOp {
  template <typename T>
  static T apply(T x, const ScalarArgs&) {
    return std::sin(x);
  }
};
struct CosOp {
  template <typename T>
  static T apply(T x, const ScalarArgs&) {
    return std::cos(x);
  }
};
struct TanhOp {
  template <typename T>
  static T apply(T x, const ScalarArgs&) {
    return std::tanh(x);
  }
};
struct SigmoidOp {
  template <typename T>
  static T apply(T x, const ScalarArgs&) {
    return T(1) / (T(1) + std::exp(-x));
  }
};
struct ReluOp {
  template <typename T>
  static T apply(T x, const ScalarArgs&) {
    if constexpr (kIsFloat<T>) {
      return std::isnan(x) ? x : (x > T(0) ? x : T(0));
    } else {
      return x > T(0) ? x : T(0);
    }
  }
};
/// a = negative_slope.
struct LeakyReluOp {
  template <typename T>
  static T apply(T x, const ScalarArgs& p) {
    return x > T(0) ? x : static_cast<T>(x * static_cast<T>(p.a));
  }
};
/// a = alpha.
struct EluOp {
  template <typename T>
  static T apply(T x, const ScalarArgs& p) {
    return x > T(0) ? x : static_cast<T>(p.a) * std::expm1(x);
  }
};
/// a = 1 for the tanh approximation, 0 for the exact erf form.
struct GeluOp {
  template <typename T>
  static T apply(T x, const ScalarArgs& p) {
    if (p.a != 0) {
      const T k = static_cast<T>(0.7978845608028654);  // sqrt(2 / pi)
      T inner = k * (x + static_cast<T>(0.044715) * x * x * x);
      return static_cast<T>(0.5) * x * (T(1) + std::tanh(inner));
    }
    return static_cast<T>(0.5) * x * (T(1) + std::erf(x * static_cast<T>(0.7071067811865476)));
  }
};
/// x * sigmoid(x), written x / (1 + exp(-x)) as PyTorch's CPU kernel: no overflow for either
/// sign (exp(-x) = inf gives -0 for very negative x).
struct SiluOp {
  template <typename T>
  static T apply(T x, const ScalarArgs&) {
    return x / (T(1) + std::exp(-x));
  }
};
/// a = beta, b = threshold.
struct SoftplusOp {
  template <typename T>
  static T apply(T x, const ScalarArgs& p) {
    T bx = x * static_cast<T>(p.a);
    if (bx > static_cast<T>(p.b)) return x;
    return std::log1p(std::exp(bx)) / static_cast<T>(p.a);
  }
};
struct ErfOp {
  template <typename T>
  static T apply(T x, const ScalarArgs&) {
    return std::erf(x);
  }
};
/// a = exponent.
struct PowScalarOp {
  template <typename T>
  static T apply(T x, const ScalarArgs& p) {
    if (p.a == 2.0) return static_cast<T>(x * x);
    return static_cast<T>(std::pow(x, static_cast<T>(p.a)));
  }
};
/// a = min, b = max (the front door passes +-inf for a missing bound). NaN propagates.
struct ClampOp {
  template <typename T>
  static T apply(T x, const ScalarArgs& p) {
    if constexpr (kIsFloat<T>) {
      if (std::isnan(x)) return x;
      T lo = static_cast<T>(p.a), hi = static_cast<T>(p.b);
      return x < lo ? lo : (x > hi ? hi : x);
    } else {
      double v = static_cast<double>(x);
      v = v < p.a ? p.a : (v > p.b ? p.b : v);
      return static_cast<T>(v);
    }
  }
};
struct LogicalNotOp {
  template <typename T>
  static T apply(T x, const ScalarArgs&) {
    return !x;
  }
};
/// d gelu(x) / dx times the incoming gradient g. a as GeluOp.
struct GeluBackwardOp {
  template <typename T>
  static T apply(T g, T x, const ScalarArgs& p) {
    if (p.a != 0) {
      const T k = static_cast<T>(0.7978845608028654);
      const T c = static_cast<T>(0.044715);
      T inner = k * (x + c * x * x * x);
      T t = std::tanh(inner);
      T dinner = k * (T(1) + T(3) * c * x * x);
      return g * (static_cast<T>(0.5) * (T(1) + t) + static_cast<T>(0.5) * x * (T(1) - t * t) * dinner);
    }
    T cdf = static_cast<T>(0.5) * (T(1) + std::erf(x * static_cast<T>(0.7071067811865476)));
    T pdf = std::exp(static_cast<T>(-0.5) * x * x) * static_cast<T>(0.3989422804014327);
    return g * (cdf + x * pdf);
  }
};

/// d silu(x) / dx times the incoming gradient g: g s (1 + x (1 - s)), s = sigmoid(x), as
/// PyTorch's silu_backward.
struct SiluBackwardOp {
  template <typename T>
  static T apply(T g, T x, const ScalarArgs&) {
    const T s = T(1) / (T(1) + std::exp(-x));
    return g * s * (T(1) + x * (T(1) - s));
  }
};

// ---- binary --------------------------------------------------------------------------------
struct AddOp {
  template <typename T>
  static T apply(T a, T b) {
    return static_cast<T>(a + b);
  }
};
struct SubOp {
  template <typename T>
  static T apply(T a, T b) {
    return static_cast<T>(a - b);
  }
};
struct MulOp {
  template <typename T>
  static T apply(T a, T b) {
    return static_cast<T>(a * b);
  }
};
struct DivOp {
  template <typename T>
  static T apply(T a, T b) {
    return static_cast<T>(a / b);
  }
};
struct PowOp {
  template <typename T>
  static T apply(T a, T b) {
    if constexpr (kIsFloat<T>) {
      return std::pow(a, b);
    } else {
      // Integer power by squaring; negative exponents give 0 except for bases +-1 (as PyTorch).
      if (b < T(0)) {
        if (a == T(1)) return T(1);
        if constexpr (std::is_signed_v<T>) {
          if (a == T(-1)) return (b % 2 == 0) ? T(1) : T(-1);
        }
        return T(0);
      }
      T result = 1, base = a;
      for (auto e = b; e > 0; e /= 2) {
        if (e % 2 == 1) result = static_cast<T>(result * base);
        base = static_cast<T>(base * base);
      }
      return result;
    }
  }
};
struct MaximumOp {
  template <typename T>
  static T apply(T a, T b) {
    if constexpr (kIsFloat<T>) {
      if (std::isnan(a) || std::isnan(b)) return a + b;
    }
    return a > b ? a : b;
  }
};
struct MinimumOp {
  template <typename T>
  static T apply(T a, T b) {
    if constexpr (kIsFloat<T>) {
      if (std::isnan(a) || std::isnan(b)) return a + b;
    }
    return a < b ? a : b;
  }
};
struct EqOp {
  template <typename T>
  static bool apply(T a, T b) {
    return a == b;
  }
};
struct NeOp {
  template <typename T>
  static bool apply(T a, T b) {
    return a != b;
  }
};
struct LtOp {
  template <typename T>
  static bool apply(T a, T b) {
    return a < b;
  }
};
struct LeOp {
  template <typename T>
  static bool apply(T a, T b) {
    return a <= b;
  }
};
struct GtOp {
  template <typename T>
  static bool apply(T a, T b) {
    return a > b;
  }
};
struct GeOp {
  template <typename T>
  static bool apply(T a, T b) {
    return a >= b;
  }
};
struct LogicalAndOp {
  template <typename T>
  static bool apply(T a, T b) {
    return a && b;
  }
};
struct LogicalOrOp {
  template <typename T>
  static bool apply(T a, T b) {
    return a || b;
  }
};

/// The element type a binary op writes for inputs of type T.
template <typename Op, typename T>
using binary_result_t = decltype(Op::template apply<T>(T{}, T{}));

}  // namespace ember::kernels
