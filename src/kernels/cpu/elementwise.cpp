// Fast kernels: copy, fill, and the elementwise unary, binary and ternary ops; exp, sigmoid,
// tanh, gelu and silu have float32 formulas of their own in src/kernels/cpu/activation.cpp.
// Contiguous runs get a unit-stride loop the compiler vectorises; broadcast scalars get
// their own loop; anything else walks with its stride.
#include <cstring>

#include "core/dispatch.h"
#include "kernels/cpu/loops.h"
#include "kernels/cpu/select.h"
#include "kernels/elementwise_math.h"
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::cpu {

namespace {

using kernels::ScalarArgs;

void copy(const Tensor& src, Tensor& dst) {
  dispatch_all(src.dtype(), "copy", [&]<typename S>() {
    dispatch_all(dst.dtype(), "copy", [&]<typename D>() {
      const S* s = static_cast<const S*>(src.data_ptr());
      D* d = static_cast<D*>(dst.data_ptr());
      for_each_row<2>(src.sizes(), {&src.strides(), &dst.strides()}, 1,
                      [&](Offsets<2> off, int64_t n, Offsets<2> st) {
                        const S* in = s + off[0];
                        D* out = d + off[1];
                        if constexpr (std::is_same_v<S, D>) {
                          if (st[0] == 1 && st[1] == 1) {
                            std::memcpy(out, in, static_cast<size_t>(n) * sizeof(S));
                            return;
                          }
                        }
                        if (st[0] == 1 && st[1] == 1) {
                          for (int64_t i = 0; i < n; ++i) out[i] = convert<D>(in[i]);
                        } else {
                          for (int64_t i = 0; i < n; ++i) out[i * st[1]] = convert<D>(in[i * st[0]]);
                        }
                      });
    });
  });
}

void fill(Tensor& out, Scalar value) {
  dispatch_all(out.dtype(), "fill", [&]<typename T>() {
    T v = value.is_floating() ? convert<T>(value.to_double()) : convert<T>(value.to_int());
    T* o = out.data<T>();
    for_each_row<1>(out.sizes(), {&out.strides()}, 1, [&](Offsets<1> off, int64_t n, Offsets<1> st) {
      T* p = o + off[0];
      for (int64_t i = 0; i < n; ++i) p[i * st[0]] = v;
    });
  });
}

// Work per element, for the parallel threshold: transcendental ops cost ~10 simple ones.
constexpr int64_t kCheap = 1;
constexpr int64_t kCostly = 10;

template <typename Op, typename T>
void unary_loop(const Tensor& x, Tensor& out, const ScalarArgs& args, int64_t cost) {
  const T* px = x.data<T>();
  T* po = out.data<T>();
  for_each_row<2>(x.sizes(), {&x.strides(), &out.strides()}, cost,
                  [&](Offsets<2> off, int64_t n, Offsets<2> st) {
                    const T* in = px + off[0];
                    T* o = po + off[1];
                    if (st[0] == 1 && st[1] == 1) {
                      for (int64_t i = 0; i < n; ++i) o[i] = Op::template apply<T>(in[i], args);
                    } else {
                      for (int64_t i = 0; i < n; ++i)
                        o[i * st[1]] = Op::template apply<T>(in[i * st[0]], args);
                    }
                  });
}

template <typename Op>
void unary_float(const Tensor& x, Tensor& out, const ScalarArgs& args) {
  dispatch_floating(x.dtype(), "unary",
                    [&]<typename T>() { unary_loop<Op, T>(x, out, args, kCostly); });
}

template <typename Op>
void unary_numeric(const Tensor& x, Tensor& out, const ScalarArgs& args) {
  dispatch_numeric(x.dtype(), "unary",
                   [&]<typename T>() { unary_loop<Op, T>(x, out, args, kCheap); });
}

void logical_not(const Tensor& x, Tensor& out, const ScalarArgs& args) {
  unary_loop<kernels::LogicalNotOp, bool>(x, out, args, kCheap);
}

template <typename Op, typename T>
void binary_loop(const Tensor& a, const Tensor& b, Tensor& out) {
  using R = kernels::binary_result_t<Op, T>;
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  R* po = out.data<R>();
  for_each_row<3>(out.sizes(), {&a.strides(), &b.strides(), &out.strides()}, kCheap,
                  [&](Offsets<3> off, int64_t n, Offsets<3> st) {
                    const T* x = pa + off[0];
                    const T* y = pb + off[1];
                    R* o = po + off[2];
                    if (st[2] == 1 && st[0] == 1 && st[1] == 1) {
                      for (int64_t i = 0; i < n; ++i) o[i] = Op::template apply<T>(x[i], y[i]);
                    } else if (st[2] == 1 && st[0] == 1 && st[1] == 0) {
                      const T yv = *y;
                      for (int64_t i = 0; i < n; ++i) o[i] = Op::template apply<T>(x[i], yv);
                    } else if (st[2] == 1 && st[0] == 0 && st[1] == 1) {
                      const T xv = *x;
                      for (int64_t i = 0; i < n; ++i) o[i] = Op::template apply<T>(xv, y[i]);
                    } else {
                      for (int64_t i = 0; i < n; ++i)
                        o[i * st[2]] = Op::template apply<T>(x[i * st[0]], y[i * st[1]]);
                    }
                  });
}

template <typename Op>
void binary_numeric(const Tensor& a, const Tensor& b, Tensor& out) {
  dispatch_numeric(a.dtype(), "binary", [&]<typename T>() { binary_loop<Op, T>(a, b, out); });
}

template <typename Op>
void binary_compare(const Tensor& a, const Tensor& b, Tensor& out) {
  if (a.dtype() == DType::boolean) {
    binary_loop<Op, bool>(a, b, out);
    return;
  }
  dispatch_numeric(a.dtype(), "compare", [&]<typename T>() { binary_loop<Op, T>(a, b, out); });
}

template <typename Op>
void binary_logical(const Tensor& a, const Tensor& b, Tensor& out) {
  binary_loop<Op, bool>(a, b, out);
}

void where(const Tensor& cond, const Tensor& a, const Tensor& b, Tensor& out) {
  dispatch_all(a.dtype(), "where", [&]<typename T>() {
    const bool* pc = cond.data<bool>();
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    T* po = out.data<T>();
    for_each_row<4>(out.sizes(), {&cond.strides(), &a.strides(), &b.strides(), &out.strides()},
                    kCheap, [&](Offsets<4> off, int64_t n, Offsets<4> st) {
                      const bool* c = pc + off[0];
                      const T* x = pa + off[1];
                      const T* y = pb + off[2];
                      T* o = po + off[3];
                      // Contiguous, or with a broadcast scalar for b (relu's backward,
                      // masked_fill): loops the compiler vectorises.
                      if (st[0] == 1 && st[1] == 1 && st[3] == 1 && st[2] == 1) {
                        for (int64_t i = 0; i < n; ++i) o[i] = select(c[i], x[i], y[i]);
                        return;
                      }
                      if (st[0] == 1 && st[1] == 1 && st[3] == 1 && st[2] == 0) {
                        const T yv = *y;
                        for (int64_t i = 0; i < n; ++i) o[i] = select(c[i], x[i], yv);
                        return;
                      }
                      for (int64_t i = 0; i < n; ++i) {
                        po[off[3] + i * st[3]] = pc[off[0] + i * st[0]] ? pa[off[1] + i * st[1]]
                                                                        : pb[off[2] + i * st[2]];
                      }
                    });
  });
}

}  // namespace

void register_elementwise() {
  using namespace kernels;  // NOLINT: the table names
  constexpr Backend C = Backend::cpu;
  kernels::copy.set(C, &cpu::copy);
  kernels::fill.set(C, &cpu::fill);
  kernels::neg.set(C, &unary_numeric<NegOp>);
  kernels::abs.set(C, &unary_numeric<AbsOp>);
  kernels::sign.set(C, &unary_numeric<SignOp>);
  kernels::log.set(C, &unary_float<LogOp>);
  kernels::log1p.set(C, &unary_float<Log1pOp>);
  kernels::sqrt.set(C, &unary_float<SqrtOp>);
  kernels::rsqrt.set(C, &unary_float<RsqrtOp>);
  kernels::sin.set(C, &unary_float<SinOp>);
  kernels::cos.set(C, &unary_float<CosOp>);
  kernels::relu.set(C, &unary_numeric<ReluOp>);
  kernels::leaky_relu.set(C, &unary_float<LeakyReluOp>);
  kernels::elu.set(C, &unary_float<EluOp>);
  kernels::softplus.set(C, &unary_float<SoftplusOp>);
  kernels::erf.set(C, &unary_float<ErfOp>);
  kernels::pow_scalar.set(C, &unary_float<PowScalarOp>);
  kernels::clamp.set(C, &unary_numeric<ClampOp>);
  kernels::logical_not.set(C, &cpu::logical_not);
  kernels::add.set(C, &binary_numeric<AddOp>);
  kernels::sub.set(C, &binary_numeric<SubOp>);
  kernels::mul.set(C, &binary_numeric<MulOp>);
  kernels::div.set(C, &binary_numeric<DivOp>);
  kernels::pow.set(C, &binary_numeric<PowOp>);
  kernels::maximum.set(C, &binary_numeric<MaximumOp>);
  kernels::minimum.set(C, &binary_numeric<MinimumOp>);
  kernels::eq.set(C, &binary_compare<EqOp>);
  kernels::ne.set(C, &binary_compare<NeOp>);
  kernels::lt.set(C, &binary_compare<LtOp>);
  kernels::le.set(C, &binary_compare<LeOp>);
  kernels::gt.set(C, &binary_compare<GtOp>);
  kernels::ge.set(C, &binary_compare<GeOp>);
  kernels::logical_and.set(C, &binary_logical<LogicalAndOp>);
  kernels::logical_or.set(C, &binary_logical<LogicalOrOp>);
  kernels::where.set(C, &cpu::where);
}

}  // namespace ember::cpu
