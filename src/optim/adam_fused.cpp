// The fused Adam/AdamW loop (see adam_fused.h).
//
// Every scalar is rounded to the element type first and each expression keeps PyTorch's
// order (mul_ then add_, addcmul's value * t1 * t2, addcdiv's value * t1 / t2), so the result
// is the op-composed path's, element for element.
#include "optim/adam_fused.h"

#include <cmath>

#include "core/dispatch.h"
#include "core/parallel_for.h"

namespace ember::optim::detail {

namespace {

// About four additions' worth of work per element (a sqrt and two divisions among ~15 flops):
// below ~8k elements the loop stays on one thread, where waking a team would cost more.
constexpr int64_t kCostPerElement = 4;

// Elements [begin, end) of the update: param, grad, exp_avg, exp_avg_sq and, with kAmsgrad,
// max_exp_avg_sq; all but grad are overwritten. Math in T. Every choice is a select on a
// loop invariant, so the loop vectorises; the clones let one binary use AVX2 or AVX-512
// where the CPU has them. This file is compiled with -ffp-contract=off (cmake/sources.cmake):
// a fused multiply-add would round differently from the op-composed path.
template <typename T, bool kAmsgrad>
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
[[gnu::target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")]]
#endif
void adam_range(T* __restrict param, const T* __restrict grad, T* __restrict exp_avg,
                T* __restrict exp_avg_sq, T* __restrict max_exp_avg_sq, int64_t begin,
                int64_t end, const AdamStepScalars& c) {
  const T beta1 = static_cast<T>(c.beta1);
  const T one_minus_beta1 = static_cast<T>(1 - c.beta1);
  const T beta2 = static_cast<T>(c.beta2);
  const T one_minus_beta2 = static_cast<T>(1 - c.beta2);
  const T weight_decay = static_cast<T>(c.weight_decay);
  const T decay = static_cast<T>(1 - c.lr * c.weight_decay);
  const T eps = static_cast<T>(c.eps);
  const T bias_correction2_sqrt = static_cast<T>(c.bias_correction2_sqrt);
  const T neg_step_size = static_cast<T>(-c.step_size);
  const bool l2 = !c.decoupled && c.weight_decay != 0;
  const bool maximize = c.maximize, decoupled = c.decoupled;
  for (int64_t i = begin; i < end; ++i) {
    T g = maximize ? -grad[i] : grad[i];
    T p = param[i];
    p = decoupled ? p * decay : p;
    g = l2 ? g + p * weight_decay : g;
    T m = exp_avg[i] * beta1 + g * one_minus_beta1;
    T v = exp_avg_sq[i] * beta2 + g * one_minus_beta2 * g;
    exp_avg[i] = m;
    exp_avg_sq[i] = v;
    if constexpr (kAmsgrad) {
      const T vmax = max_exp_avg_sq[i];
      v = (v > vmax) | (v != v) ? v : vmax;  // torch.maximum propagates NaN
      max_exp_avg_sq[i] = v;
    }
    T denom = std::sqrt(v) / bias_correction2_sqrt + eps;
    param[i] = p + m * neg_step_size / denom;
  }
}

// The update over n contiguous elements, split across threads.
template <typename T>
void adam_loop(T* param, const T* grad, T* exp_avg, T* exp_avg_sq, T* max_exp_avg_sq, int64_t n,
               const AdamStepScalars& c) {
  parallel_for(0, n, kCostPerElement, [&](int64_t begin, int64_t end) {
    if (max_exp_avg_sq != nullptr) {
      adam_range<T, true>(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, begin, end, c);
    } else {
      adam_range<T, false>(param, grad, exp_avg, exp_avg_sq, nullptr, begin, end, c);
    }
  });
}

bool matches(const Tensor& t, const Tensor& param) {
  return t.defined() && t.dtype() == param.dtype() && t.device() == param.device() &&
         t.is_contiguous() && t.sizes() == param.sizes();
}

}  // namespace

bool adam_fused_supported(const Tensor& param, const Tensor& grad, const AdamState& state,
                          bool amsgrad) {
  return (param.dtype() == DType::float32 || param.dtype() == DType::float64) &&
         param.device() == Device::cpu() && param.is_contiguous() && matches(grad, param) &&
         matches(state.exp_avg, param) && matches(state.exp_avg_sq, param) &&
         (!amsgrad || matches(state.max_exp_avg_sq, param));
}

void adam_fused(const Tensor& param, const Tensor& grad, AdamState& state,
                const AdamStepScalars& c) {
  dispatch_floating(param.dtype(), "adam_fused", [&]<typename T>() {
    adam_loop<T>(param.data<T>(), grad.data<T>(), state.exp_avg.data<T>(),
                 state.exp_avg_sq.data<T>(), c.amsgrad ? state.max_exp_avg_sq.data<T>() : nullptr,
                 param.numel(), c);
  });
  param.storage()->bump_version();
  state.exp_avg.storage()->bump_version();
  state.exp_avg_sq.storage()->bump_version();
  if (c.amsgrad) state.max_exp_avg_sq.storage()->bump_version();
}

}  // namespace ember::optim::detail
