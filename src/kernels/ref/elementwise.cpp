// Reference kernels: copy, fill, and the elementwise unary, binary and ternary ops.
#include <functional>

#include "core/dispatch.h"
#include "kernels/elementwise_math.h"
#include "kernels/kernels.h"
#include "kernels/register.h"
#include "kernels/ref/strided.h"

namespace ember::ref {

namespace {

using kernels::ScalarArgs;

void copy(const Tensor& src, Tensor& dst) {
  dispatch_all(src.dtype(), "copy", [&]<typename S>() {
    dispatch_all(dst.dtype(), "copy", [&]<typename D>() {
      const S* s = static_cast<const S*>(src.data_ptr());
      D* d = static_cast<D*>(dst.data_ptr());
      for_each_index(src.sizes(), [&](const Shape& idx) {
        d[offset_of(idx, dst.strides())] = convert<D>(s[offset_of(idx, src.strides())]);
      });
    });
  });
}

void fill(Tensor& out, Scalar value) {
  dispatch_all(out.dtype(), "fill", [&]<typename T>() {
    T v = value.is_floating() ? convert<T>(value.to_double()) : convert<T>(value.to_int());
    T* o = out.data<T>();
    for_each_index(out.sizes(), [&](const Shape& idx) { o[offset_of(idx, out.strides())] = v; });
  });
}

template <typename Op, typename T>
void unary_loop(const Tensor& x, Tensor& out, const ScalarArgs& args) {
  const T* in = x.data<T>();
  T* o = out.data<T>();
  for_each_index(x.sizes(), [&](const Shape& idx) {
    o[offset_of(idx, out.strides())] = Op::template apply<T>(in[offset_of(idx, x.strides())], args);
  });
}

template <typename Op>
void unary_float(const Tensor& x, Tensor& out, const ScalarArgs& args) {
  dispatch_floating(x.dtype(), "unary", [&]<typename T>() { unary_loop<Op, T>(x, out, args); });
}

template <typename Op>
void unary_numeric(const Tensor& x, Tensor& out, const ScalarArgs& args) {
  dispatch_numeric(x.dtype(), "unary", [&]<typename T>() { unary_loop<Op, T>(x, out, args); });
}

void logical_not(const Tensor& x, Tensor& out, const ScalarArgs& args) {
  unary_loop<kernels::LogicalNotOp, bool>(x, out, args);
}

template <typename Op, typename T>
void binary_loop(const Tensor& a, const Tensor& b, Tensor& out) {
  using R = kernels::binary_result_t<Op, T>;
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  R* o = out.data<R>();
  for_each_index(out.sizes(), [&](const Shape& idx) {
    o[offset_of(idx, out.strides())] =
        Op::template apply<T>(pa[offset_of(idx, a.strides())], pb[offset_of(idx, b.strides())]);
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

// out = Op(g, x): the backward of a unary activation (gelu_backward, silu_backward).
template <typename Op>
void unary_backward(const Tensor& g, const Tensor& x, Tensor& out, const ScalarArgs& args) {
  dispatch_floating(x.dtype(), "unary_backward", [&]<typename T>() {
    const T* pg = g.data<T>();
    const T* px = x.data<T>();
    T* o = out.data<T>();
    for_each_index(out.sizes(), [&](const Shape& idx) {
      o[offset_of(idx, out.strides())] = Op::template apply<T>(
          pg[offset_of(idx, g.strides())], px[offset_of(idx, x.strides())], args);
    });
  });
}

void where(const Tensor& cond, const Tensor& a, const Tensor& b, Tensor& out) {
  dispatch_all(a.dtype(), "where", [&]<typename T>() {
    const bool* c = cond.data<bool>();
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    T* o = out.data<T>();
    for_each_index(out.sizes(), [&](const Shape& idx) {
      o[offset_of(idx, out.strides())] = c[offset_of(idx, cond.strides())]
                                             ? pa[offset_of(idx, a.strides())]
                                             : pb[offset_of(idx, b.strides())];
    });
  });
}

}  // namespace

void register_elementwise() {
  using namespace kernels;  // NOLINT: the table names
  constexpr Backend R = Backend::ref;
  kernels::copy.set(R, &ref::copy);
  kernels::fill.set(R, &ref::fill);
  kernels::neg.set(R, &unary_numeric<NegOp>);
  kernels::abs.set(R, &unary_numeric<AbsOp>);
  kernels::sign.set(R, &unary_numeric<SignOp>);
  kernels::exp.set(R, &unary_float<ExpOp>);
  kernels::log.set(R, &unary_float<LogOp>);
  kernels::log1p.set(R, &unary_float<Log1pOp>);
  kernels::sqrt.set(R, &unary_float<SqrtOp>);
  kernels::rsqrt.set(R, &unary_float<RsqrtOp>);
  kernels::sin.set(R, &unary_float<SinOp>);
  kernels::cos.set(R, &unary_float<CosOp>);
  kernels::tanh.set(R, &unary_float<TanhOp>);
  kernels::sigmoid.set(R, &unary_float<SigmoidOp>);
  kernels::relu.set(R, &unary_numeric<ReluOp>);
  kernels::leaky_relu.set(R, &unary_float<LeakyReluOp>);
  kernels::elu.set(R, &unary_float<EluOp>);
  kernels::gelu.set(R, &unary_float<GeluOp>);
  kernels::gelu_backward.set(R, &unary_backward<GeluBackwardOp>);
  kernels::silu.set(R, &unary_float<SiluOp>);
  kernels::silu_backward.set(R, &unary_backward<SiluBackwardOp>);
  kernels::softplus.set(R, &unary_float<SoftplusOp>);
  kernels::erf.set(R, &unary_float<ErfOp>);
  kernels::pow_scalar.set(R, &unary_float<PowScalarOp>);
  kernels::clamp.set(R, &unary_numeric<ClampOp>);
  kernels::logical_not.set(R, &ref::logical_not);
  kernels::add.set(R, &binary_numeric<AddOp>);
  kernels::sub.set(R, &binary_numeric<SubOp>);
  kernels::mul.set(R, &binary_numeric<MulOp>);
  kernels::div.set(R, &binary_numeric<DivOp>);
  kernels::pow.set(R, &binary_numeric<PowOp>);
  kernels::maximum.set(R, &binary_numeric<MaximumOp>);
  kernels::minimum.set(R, &binary_numeric<MinimumOp>);
  kernels::eq.set(R, &binary_compare<EqOp>);
  kernels::ne.set(R, &binary_compare<NeOp>);
  kernels::lt.set(R, &binary_compare<LtOp>);
  kernels::le.set(R, &binary_compare<LeOp>);
  kernels::gt.set(R, &binary_compare<GtOp>);
  kernels::ge.set(R, &binary_compare<GeOp>);
  kernels::logical_and.set(R, &binary_logical<LogicalAndOp>);
  kernels::logical_or.set(R, &binary_logical<LogicalOrOp>);
  kernels::where.set(R, &ref::where);
}

}  // namespace ember::ref
