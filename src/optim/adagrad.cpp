// Adagrad (see adagrad.h), composed of ember ops in the order of PyTorch's
// _single_tensor_adagrad (dense gradients).
#include "ember/optim/adagrad.h"

#include "ember/autograd/grad_mode.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/factory.h"
#include "optim/optimizer_impl.h"

namespace ember::optim {

template class OptimizerImpl<AdagradOptions, AdagradState>;

void AdagradOptions::visit(FieldVisitor& v) {
  v("lr", lr);
  v("lr_decay", lr_decay);
  v("weight_decay", weight_decay);
  v("initial_accumulator_value", initial_accumulator_value);
  v("eps", eps);
  v("maximize", maximize);
}

void AdagradState::visit(FieldVisitor& v, const AdagradOptions&) {
  v("step", step);
  v("sum", sum);
}

Adagrad::Adagrad(std::vector<Tensor> params, const AdagradOptions& options)
    : OptimizerImpl("Adagrad", options) {
  validate(options);
  EMBER_CHECK(!params.empty(), "Adagrad: expected a non-empty parameter list");
  add_param_group(std::move(params));
}

void Adagrad::validate(const AdagradOptions& o) const {
  EMBER_CHECK(o.lr >= 0, "Adagrad: expected lr >= 0, got ", o.lr);
  EMBER_CHECK(o.lr_decay >= 0, "Adagrad: expected lr_decay >= 0, got ", o.lr_decay);
  EMBER_CHECK(o.weight_decay >= 0, "Adagrad: expected weight_decay >= 0, got ", o.weight_decay);
  EMBER_CHECK(o.initial_accumulator_value >= 0,
              "Adagrad: expected initial_accumulator_value >= 0, got ",
              o.initial_accumulator_value);
  EMBER_CHECK(o.eps >= 0, "Adagrad: expected eps >= 0, got ", o.eps);
}

void Adagrad::step() {
  autograd::NoGradGuard no_grad;
  for (Group& group : groups_) {
    const AdagradOptions& o = group.options;
    for (Tensor& p : group.params) {
      Tensor grad = p.grad();
      if (!grad.defined()) continue;
      AdagradState& s = state_for(p);
      if (!s.sum.defined()) s.sum = full_like(p, o.initial_accumulator_value);
      s.step += 1;

      Tensor g = o.maximize ? -grad : grad;
      if (o.weight_decay != 0) g = g + p * o.weight_decay;
      double clr = o.lr / (1 + static_cast<double>(s.step - 1) * o.lr_decay);
      s.sum.add_(g * g);
      Tensor denom = sqrt(s.sum) + o.eps;
      p.add_(g * -clr / denom);
    }
  }
}

}  // namespace ember::optim
