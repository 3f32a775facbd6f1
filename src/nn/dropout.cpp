// Dropout module.
#include "ember/nn/dropout.h"

#include <sstream>

#include "ember/ops/nn_functional.h"

namespace ember::nn {

Dropout::Dropout(double p, Generator* generator) : p(p), generator(generator) {
  EMBER_CHECK(p >= 0 && p <= 1, "Dropout: expected p in [0, 1], got ", p);
}

std::string Dropout::extra_repr() const {
  std::ostringstream os;
  os << "p=" << p << ", inplace=False";
  return os.str();
}

Tensor Dropout::forward(const Tensor& x) {
  return dropout(x, {.p = p, .training = is_training(), .generator = generator});
}

}  // namespace ember::nn
