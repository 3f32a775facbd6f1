// Front door of dropout: a composite of rand, a comparison and a multiply, so its gradient
// flows through the same mask with no backward rule of its own.
//
// The mask comes from ember's counter-based generator (core/generator.h): the same seed
// gives the same mask for any thread count, but not PyTorch's mask for that seed.
#include "ember/autograd/grad_mode.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/factory.h"
#include "ember/ops/nn_functional.h"

namespace ember {

Tensor dropout(const Tensor& x, DropoutOptions options) {
  EMBER_CHECK(x.defined(), "dropout: expected a defined input");
  EMBER_CHECK_DTYPE(is_floating(x.dtype()), "dropout: expected a floating input, got dtype ",
                    x.dtype());
  const double p = options.p;
  EMBER_CHECK(p >= 0 && p <= 1, "dropout: expected p in [0, 1], got p=", p);
  if (!options.training || p == 0) return x;
  // Everything is dropped: zeros that still carry the graph (zero gradients), as PyTorch.
  if (p == 1) return x * 0.0;
  // keep ~ Bernoulli(1 - p), drawn in float32 (float64 for float64 inputs) so that 16-bit
  // rounding cannot bias the keep probability.
  Tensor keep;
  {
    autograd::NoGradGuard no_grad;
    DType draw = x.dtype() == DType::float64 ? DType::float64 : DType::float32;
    keep = rand(x.sizes(), {.dtype = draw, .device = x.device()}, options.generator) >= p;
  }
  // Survivors are scaled by 1 / (1 - p) so the expected output equals x.
  return x * (keep.to(x.dtype()) * (1.0 / (1.0 - p)));
}

}  // namespace ember
