// SGD (see sgd.h). The update is composed of ember ops in the order of PyTorch's
// _single_tensor_sgd, with scalars rounded to the parameter's dtype as PyTorch does.
#include "ember/optim/sgd.h"

#include <cmath>

#include "ember/autograd/grad_mode.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/shape.h"
#include "optim/optimizer_impl.h"

namespace ember::optim {

template class OptimizerImpl<SGDOptions, SGDState>;

void SGDOptions::visit(FieldVisitor& v) {
  v("lr", lr);
  v("momentum", momentum);
  v("dampening", dampening);
  v("weight_decay", weight_decay);
  v("nesterov", nesterov);
  v("maximize", maximize);
}

void SGDState::visit(FieldVisitor& v, const SGDOptions& options) {
  if (options.momentum != 0) v("momentum_buffer", momentum_buffer);
}

SGD::SGD(std::vector<Tensor> params, const SGDOptions& options) : OptimizerImpl("SGD", options) {
  validate(options);
  EMBER_CHECK(!params.empty(), "SGD: expected a non-empty parameter list");
  add_param_group(std::move(params));
}

void SGD::validate(const SGDOptions& o) const {
  EMBER_CHECK(!std::isnan(o.lr),
              "SGD: expected lr to be set (it has no default), e.g. "
              "SGD(params, {.lr = 0.1})");
  EMBER_CHECK(o.lr >= 0, "SGD: expected lr >= 0, got ", o.lr);
  EMBER_CHECK(o.momentum >= 0, "SGD: expected momentum >= 0, got ", o.momentum);
  EMBER_CHECK(o.weight_decay >= 0, "SGD: expected weight_decay >= 0, got ", o.weight_decay);
  EMBER_CHECK(!o.nesterov || (o.momentum > 0 && o.dampening == 0),
              "SGD: expected momentum > 0 and dampening == 0 with nesterov, got momentum=",
              o.momentum, ", dampening=", o.dampening);
}

void SGD::step() {
  autograd::NoGradGuard no_grad;
  for (Group& group : groups_) {
    const SGDOptions& o = group.options;
    for (Tensor& p : group.params) {
      Tensor grad = p.grad();
      if (!grad.defined()) continue;
      Tensor d_p = o.maximize ? -grad : grad;
      if (o.weight_decay != 0) d_p = d_p + p * o.weight_decay;
      if (o.momentum != 0) {
        Tensor& buf = state_for(p).momentum_buffer;
        if (!buf.defined()) {
          buf = d_p.detach().clone();
        } else {
          buf.mul_(o.momentum).add_(d_p * (1 - o.dampening));
        }
        d_p = o.nesterov ? d_p + buf * o.momentum : buf;
      }
      p.add_(d_p * -o.lr);
    }
  }
}

}  // namespace ember::optim
