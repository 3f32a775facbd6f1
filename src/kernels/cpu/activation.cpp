// Fast kernels: the elementwise ops whose cost is a transcendental function: exp, sigmoid,
// tanh, gelu, silu, and the backwards of gelu and silu.
//
// For float32 each is one pass over memory on the vectorisable math of
// kernels/cpu/vectorize.h (exp_f32, the rational erf and tanh; glibc's expf, erff and tanhf are
// a scalar call per element): contiguous runs go through loops compiled in AVX-512 / AVX2
// clones, strided runs apply the same formula one element at a time. float64 (the gradcheck
// path) keeps the shared scalar formulas of kernels/elementwise_math.h, which the reference
// kernels use too; the op table holds the float32 formulas within float32 rounding of those.
//
// The cheap elementwise ops live in src/kernels/cpu/elementwise.cpp.
#include <type_traits>

#include "core/dispatch.h"
#include "kernels/cpu/loops.h"
#include "kernels/cpu/vectorize.h"
#include "kernels/elementwise_math.h"
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::cpu {

namespace {

using kernels::ScalarArgs;

// ---- float32 formulas (x -> y, and (g, x) -> dx for backwards) -----------------------------

struct ExpF32 {
  static float apply(float x) { return exp_f32(x); }
};
// 1 / (1 + exp(-x)): exp(-x) = inf gives 0 and exp(-x) = 0 gives 1, as std::exp's would.
struct SigmoidF32 {
  static float apply(float x) { return 1.f / (1.f + exp_f32(-x)); }
};
struct TanhF32 {
  static float apply(float x) { return tanh_approx(x); }
};
struct GeluF32 {
  static float apply(float x) { return 0.5f * x * (1.f + erf_approx(x * gemm::kSqrtHalf)); }
};
struct GeluTanhF32 {
  static float apply(float x) {
    using namespace gemm;
    return 0.5f * x * (1.f + tanh_approx(kSqrtTwoOverPi * (x + kGeluTanhCubic * x * x * x)));
  }
};
// x / (1 + exp(-x)), as kernels::SiluOp: silu(-inf) is NaN, as PyTorch's.
struct SiluF32 {
  static float apply(float x) { return x / (1.f + exp_f32(-x)); }
};

constexpr float kInvSqrtTwoPi = 0.39894228040143268f;

// g (Phi(x) + x phi(x)).
struct GeluBackwardF32 {
  static float apply(float g, float x) {
    const float cdf = 0.5f * (1.f + erf_approx(x * gemm::kSqrtHalf));
    const float pdf = exp_f32(-0.5f * x * x) * kInvSqrtTwoPi;
    return g * (cdf + x * pdf);
  }
};
// g (0.5 (1 + t) + 0.5 x (1 - t^2) du/dx), t = tanh(u), u = k (x + c x^3).
struct GeluTanhBackwardF32 {
  static float apply(float g, float x) {
    using namespace gemm;
    const float t = tanh_approx(kSqrtTwoOverPi * (x + kGeluTanhCubic * x * x * x));
    const float du = kSqrtTwoOverPi * (1.f + 3.f * kGeluTanhCubic * x * x);
    return g * (0.5f * (1.f + t) + 0.5f * x * (1.f - t * t) * du);
  }
};
// g s (1 + x (1 - s)), s = sigmoid(x), as kernels::SiluBackwardOp.
struct SiluBackwardF32 {
  static float apply(float g, float x) {
    const float s = 1.f / (1.f + exp_f32(-x));
    return g * s * (1.f + x * (1.f - s));
  }
};

// ---- loops ---------------------------------------------------------------------------------

// out[i] = F(x[i]) over n contiguous floats.
template <typename F>
EMBER_VECTOR_CLONES void unary_run_f32(const float* __restrict x, float* __restrict out,
                                       int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = F::apply(x[i]);
}

// out[i] = F(g[i], x[i]) over n contiguous floats.
template <typename F>
EMBER_VECTOR_CLONES void backward_run_f32(const float* __restrict g, const float* __restrict x,
                                          float* __restrict out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = F::apply(g[i], x[i]);
}

// A transcendental costs about ten simple ops, for the parallel threshold.
constexpr int64_t kCost = 10;

// x any strides, out contiguous: float32 through F, other floating dtypes through Op.
template <typename F, typename Op>
void unary(const Tensor& x, Tensor& out, const ScalarArgs& args) {
  dispatch_floating(x.dtype(), "unary", [&]<typename T>() {
    const T* px = x.data<T>();
    T* po = out.data<T>();
    for_each_row<2>(x.sizes(), {&x.strides(), &out.strides()}, kCost,
                    [&](Offsets<2> off, int64_t n, Offsets<2> st) {
                      const T* in = px + off[0];
                      T* o = po + off[1];
                      if constexpr (std::is_same_v<T, float>) {
                        if (st[0] == 1 && st[1] == 1) {
                          unary_run_f32<F>(in, o, n);
                        } else {
                          for (int64_t i = 0; i < n; ++i) o[i * st[1]] = F::apply(in[i * st[0]]);
                        }
                      } else {
                        for (int64_t i = 0; i < n; ++i)
                          o[i * st[1]] = Op::template apply<T>(in[i * st[0]], args);
                      }
                    });
  });
}

// g, x, out of one shape and floating dtype, any strides (zero for broadcast): float32
// through F, other floating dtypes through Op.
template <typename F, typename Op>
void backward(const Tensor& g, const Tensor& x, Tensor& out, const ScalarArgs& args) {
  dispatch_floating(x.dtype(), "backward", [&]<typename T>() {
    const T* pg = g.data<T>();
    const T* px = x.data<T>();
    T* po = out.data<T>();
    for_each_row<3>(out.sizes(), {&g.strides(), &x.strides(), &out.strides()}, kCost,
                    [&](Offsets<3> off, int64_t n, Offsets<3> st) {
                      const T* gr = pg + off[0];
                      const T* in = px + off[1];
                      T* o = po + off[2];
                      if constexpr (std::is_same_v<T, float>) {
                        if (st[0] == 1 && st[1] == 1 && st[2] == 1) {
                          backward_run_f32<F>(gr, in, o, n);
                        } else {
                          for (int64_t i = 0; i < n; ++i)
                            o[i * st[2]] = F::apply(gr[i * st[0]], in[i * st[1]]);
                        }
                      } else {
                        for (int64_t i = 0; i < n; ++i)
                          o[i * st[2]] = Op::template apply<T>(gr[i * st[0]], in[i * st[1]], args);
                      }
                    });
  });
}

// gelu and its backward: args.a = 1 selects the tanh form.
void gelu(const Tensor& x, Tensor& out, const ScalarArgs& args) {
  if (args.a != 0) {
    unary<GeluTanhF32, kernels::GeluOp>(x, out, args);
  } else {
    unary<GeluF32, kernels::GeluOp>(x, out, args);
  }
}

void gelu_backward(const Tensor& g, const Tensor& x, Tensor& out, const ScalarArgs& args) {
  if (args.a != 0) {
    backward<GeluTanhBackwardF32, kernels::GeluBackwardOp>(g, x, out, args);
  } else {
    backward<GeluBackwardF32, kernels::GeluBackwardOp>(g, x, out, args);
  }
}

}  // namespace

void register_activation() {
  using namespace kernels;  // NOLINT: the table names
  constexpr Backend C = Backend::cpu;
  kernels::exp.set(C, &unary<ExpF32, ExpOp>);
  kernels::sigmoid.set(C, &unary<SigmoidF32, SigmoidOp>);
  kernels::tanh.set(C, &unary<TanhF32, TanhOp>);
  kernels::gelu.set(C, &cpu::gelu);
  kernels::gelu_backward.set(C, &cpu::gelu_backward);
  kernels::silu.set(C, &unary<SiluF32, SiluOp>);
  kernels::silu_backward.set(C, &backward<SiluBackwardF32, SiluBackwardOp>);
}

}  // namespace ember::cpu
