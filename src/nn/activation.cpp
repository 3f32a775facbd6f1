// Printed forms of the activation modules that take arguments.
#include "ember/nn/activation.h"

#include <sstream>

namespace ember::nn {

std::string LeakyReLU::extra_repr() const {
  std::ostringstream os;
  os << "negative_slope=" << negative_slope;
  return os.str();
}

std::string GELU::extra_repr() const {
  return approximate == GeluApproximate::tanh ? "approximate='tanh'" : "approximate='none'";
}

}  // namespace ember::nn
