// Optimizer's non-virtual members.
#include "ember/optim/optimizer.h"

#include "ember/autograd/grad_mode.h"

namespace ember::optim {

void Optimizer::zero_grad(ZeroGradOptions options) {
  for (const Tensor& p : parameters()) {
    Tensor g = p.grad();
    if (!g.defined()) continue;
    if (options.set_to_none) {
      p.set_grad(Tensor());
      continue;
    }
    // A gradient built with create_graph has a history: drop it (the zeros are constants).
    if (g.grad_fn() || g.requires_grad()) {
      g = g.detach();
      p.set_grad(g);
    }
    autograd::NoGradGuard no_grad;
    g.zero_();
  }
}

}  // namespace ember::optim
