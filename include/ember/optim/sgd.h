// SGD with momentum, dampening, Nesterov momentum, weight decay and maximize, as
// torch.optim.SGD (PyTorch 1.13):
//
//   g = maximize ? -grad : grad;   g += weight_decay * p
//   buf = first step ? g : momentum * buf + (1 - dampening) * g      (when momentum != 0)
//   g = nesterov ? g + momentum * buf : buf
//   p -= lr * g
#pragma once

#include <limits>

#include "ember/optim/optimizer.h"

namespace ember::optim {

struct SGDOptions {
  /// Required, as in PyTorch: left unset it fails validation.
  double lr = std::numeric_limits<double>::quiet_NaN();
  double momentum = 0;
  double dampening = 0;
  double weight_decay = 0;
  bool nesterov = false;
  bool maximize = false;

  void visit(FieldVisitor& v);
};

struct SGDState {
  Tensor momentum_buffer;  // only with momentum != 0

  void visit(FieldVisitor& v, const SGDOptions& options);
};

extern template class OptimizerImpl<SGDOptions, SGDState>;

class SGD : public OptimizerImpl<SGDOptions, SGDState> {
 public:
  /// ValueError for an empty parameter list or invalid options (lr unset or < 0, momentum
  /// or weight_decay < 0, nesterov without momentum > 0 and dampening == 0).
  SGD(std::vector<Tensor> params, const SGDOptions& options);
  void step() override;

 protected:
  void validate(const SGDOptions& options) const override;
};

}  // namespace ember::optim
