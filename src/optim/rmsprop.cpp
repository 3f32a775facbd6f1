// RMSprop (see rmsprop.h), composed of ember ops in the order of PyTorch's
// _single_tensor_rmsprop.
#include "ember/optim/rmsprop.h"

#include "ember/autograd/grad_mode.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/factory.h"
#include "optim/optimizer_impl.h"

namespace ember::optim {

template class OptimizerImpl<RMSpropOptions, RMSpropState>;

void RMSpropOptions::visit(FieldVisitor& v) {
  v("lr", lr);
  v("alpha", alpha);
  v("eps", eps);
  v("weight_decay", weight_decay);
  v("momentum", momentum);
  v("centered", centered);
  v("maximize", maximize);
}

void RMSpropState::visit(FieldVisitor& v, const RMSpropOptions& options) {
  v("step", step);
  v("square_avg", square_avg);
  if (options.momentum > 0) v("momentum_buffer", momentum_buffer);
  if (options.centered) v("grad_avg", grad_avg);
}

RMSprop::RMSprop(std::vector<Tensor> params, const RMSpropOptions& options)
    : OptimizerImpl("RMSprop", options) {
  validate(options);
  EMBER_CHECK(!params.empty(), "RMSprop: expected a non-empty parameter list");
  add_param_group(std::move(params));
}

void RMSprop::validate(const RMSpropOptions& o) const {
  EMBER_CHECK(o.lr >= 0, "RMSprop: expected lr >= 0, got ", o.lr);
  EMBER_CHECK(o.eps >= 0, "RMSprop: expected eps >= 0, got ", o.eps);
  EMBER_CHECK(o.momentum >= 0, "RMSprop: expected momentum >= 0, got ", o.momentum);
  EMBER_CHECK(o.weight_decay >= 0, "RMSprop: expected weight_decay >= 0, got ", o.weight_decay);
  EMBER_CHECK(o.alpha >= 0, "RMSprop: expected alpha >= 0, got ", o.alpha);
}

void RMSprop::step() {
  autograd::NoGradGuard no_grad;
  for (Group& group : groups_) {
    const RMSpropOptions& o = group.options;
    for (Tensor& p : group.params) {
      Tensor grad = p.grad();
      if (!grad.defined()) continue;
      RMSpropState& s = state_for(p);
      if (!s.square_avg.defined()) s.square_avg = zeros_like(p);
      if (o.momentum > 0 && !s.momentum_buffer.defined()) s.momentum_buffer = zeros_like(p);
      if (o.centered && !s.grad_avg.defined()) s.grad_avg = zeros_like(p);
      s.step += 1;

      Tensor g = o.maximize ? -grad : grad;
      if (o.weight_decay != 0) g = g + p * o.weight_decay;
      s.square_avg.mul_(o.alpha).add_(g * (1 - o.alpha) * g);
      Tensor avg;
      if (o.centered) {
        s.grad_avg.mul_(o.alpha).add_(g * (1 - o.alpha));
        avg = sqrt(s.square_avg - s.grad_avg * s.grad_avg);
      } else {
        avg = sqrt(s.square_avg);
      }
      avg = avg + o.eps;
      if (o.momentum > 0) {
        s.momentum_buffer.mul_(o.momentum).add_(g / avg);
        p.add_(s.momentum_buffer * -o.lr);
      } else {
        p.add_(g * -o.lr / avg);
      }
    }
  }
}

}  // namespace ember::optim
