// Adam and AdamW (see adam.h): options, validation, state and the op-composed update, which
// follows PyTorch's _single_tensor_adam / _single_tensor_adamw line by line.
#include "ember/optim/adam.h"

#include <cmath>
#include <functional>

#include "ember/autograd/grad_mode.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/factory.h"
#include "optim/adam_fused.h"
#include "optim/optimizer_impl.h"

namespace ember::optim {

template class OptimizerImpl<AdamOptions, AdamState>;
template class OptimizerImpl<AdamWOptions, AdamState>;

namespace {

template <typename Options>
void visit_adam_options(Options& o, FieldVisitor& v) {
  v("lr", o.lr);
  v("betas", o.betas);
  v("eps", o.eps);
  v("weight_decay", o.weight_decay);
  v("amsgrad", o.amsgrad);
  v("maximize", o.maximize);
}

void visit_adam_state(AdamState& s, FieldVisitor& v, bool amsgrad) {
  v("step", s.step);
  v("exp_avg", s.exp_avg);
  v("exp_avg_sq", s.exp_avg_sq);
  if (amsgrad) v("max_exp_avg_sq", s.max_exp_avg_sq);
}

template <typename Options>
void validate_adam(const Options& o, const char* name) {
  EMBER_CHECK(o.lr >= 0, name, ": expected lr >= 0, got ", o.lr);
  EMBER_CHECK(o.eps >= 0, name, ": expected eps >= 0, got ", o.eps);
  EMBER_CHECK(o.betas.first >= 0 && o.betas.first < 1, name,
              ": expected 0 <= betas.first < 1, got ", o.betas.first);
  EMBER_CHECK(o.betas.second >= 0 && o.betas.second < 1, name,
              ": expected 0 <= betas.second < 1, got ", o.betas.second);
  EMBER_CHECK(o.weight_decay >= 0, name, ": expected weight_decay >= 0, got ", o.weight_decay);
}

// One update of p with the ops of PyTorch's single-tensor implementation.
void adam_composed(Tensor& p, const Tensor& grad, AdamState& s, const detail::AdamStepScalars& c) {
  Tensor g = c.maximize ? -grad : grad;
  if (c.decoupled) {
    p.mul_(1 - c.lr * c.weight_decay);
  } else if (c.weight_decay != 0) {
    g = g + p * c.weight_decay;
  }
  s.exp_avg.mul_(c.beta1).add_(g * (1 - c.beta1));
  s.exp_avg_sq.mul_(c.beta2).add_(g * (1 - c.beta2) * g);
  Tensor v = s.exp_avg_sq;
  if (c.amsgrad) {
    s.max_exp_avg_sq.copy_(maximum(s.max_exp_avg_sq, s.exp_avg_sq));
    v = s.max_exp_avg_sq;
  }
  Tensor denom = sqrt(v) / c.bias_correction2_sqrt + c.eps;
  p.add_(s.exp_avg * -c.step_size / denom);
}

template <typename Options>
void adam_step(std::vector<ParamGroup<Options>>& groups,
               const std::function<AdamState&(const Tensor&)>& state_for, bool decoupled) {
  autograd::NoGradGuard no_grad;
  for (ParamGroup<Options>& group : groups) {
    const Options& o = group.options;
    for (Tensor& p : group.params) {
      Tensor grad = p.grad();
      if (!grad.defined()) continue;
      AdamState& s = state_for(p);
      if (!s.exp_avg.defined()) {
        s.exp_avg = zeros_like(p);
        s.exp_avg_sq = zeros_like(p);
      }
      if (o.amsgrad && !s.max_exp_avg_sq.defined()) s.max_exp_avg_sq = zeros_like(p);
      s.step += 1;
      // Python floats: pow and sqrt in double, as PyTorch's non-capturable path.
      double t = static_cast<double>(s.step);
      double bias_correction1 = 1 - std::pow(o.betas.first, t);
      double bias_correction2 = 1 - std::pow(o.betas.second, t);
      detail::AdamStepScalars c{.lr = o.lr,
                                .beta1 = o.betas.first,
                                .beta2 = o.betas.second,
                                .eps = o.eps,
                                .weight_decay = o.weight_decay,
                                .step_size = o.lr / bias_correction1,
                                .bias_correction2_sqrt = std::sqrt(bias_correction2),
                                .amsgrad = o.amsgrad,
                                .maximize = o.maximize,
                                .decoupled = decoupled};
      if (o.fused && detail::adam_fused_supported(p, grad, s, o.amsgrad)) {
        detail::adam_fused(p, grad, s, c);
      } else {
        adam_composed(p, grad, s, c);
      }
    }
  }
}

}  // namespace

void AdamOptions::visit(FieldVisitor& v) { visit_adam_options(*this, v); }
void AdamWOptions::visit(FieldVisitor& v) { visit_adam_options(*this, v); }
void AdamState::visit(FieldVisitor& v, const AdamOptions& o) {
  visit_adam_state(*this, v, o.amsgrad);
}
void AdamState::visit(FieldVisitor& v, const AdamWOptions& o) {
  visit_adam_state(*this, v, o.amsgrad);
}

Adam::Adam(std::vector<Tensor> params, const AdamOptions& options)
    : OptimizerImpl("Adam", options) {
  validate(options);
  EMBER_CHECK(!params.empty(), "Adam: expected a non-empty parameter list");
  add_param_group(std::move(params));
}

void Adam::validate(const AdamOptions& o) const { validate_adam(o, "Adam"); }

void Adam::step() {
  adam_step(
      groups_, [this](const Tensor& p) -> AdamState& { return state_for(p); }, false);
}

AdamW::AdamW(std::vector<Tensor> params, const AdamWOptions& options)
    : OptimizerImpl("AdamW", options) {
  validate(options);
  EMBER_CHECK(!params.empty(), "AdamW: expected a non-empty parameter list");
  add_param_group(std::move(params));
}

void AdamW::validate(const AdamWOptions& o) const { validate_adam(o, "AdamW"); }

void AdamW::step() {
  adam_step(
      groups_, [this](const Tensor& p) -> AdamState& { return state_for(p); }, true);
}

}  // namespace ember::optim
