// The backward engine: runs the graph in reverse topological order (latest node first),
// summing gradients that meet, and accumulating into leaves' .grad().
#pragma once

#include <vector>

#include "ember/core/tensor.h"

namespace ember::autograd {

/// Backpropagates from `outputs` (with `grad_outputs`: undefined means ones for a scalar) and
/// accumulates into the .grad() of every leaf reached.
void backward(const std::vector<Tensor>& outputs, const std::vector<Tensor>& grad_outputs = {},
              BackwardOptions options = {});

/// Returns d(outputs)/d(inputs) (vector-Jacobian products with grad_outputs) without touching
/// any .grad(). An input the outputs do not depend on gets an undefined tensor when
/// allow_unused, else an error.
struct GradOptions {
  bool retain_graph = false;
  bool create_graph = false;
  bool allow_unused = false;
};
std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs = {}, GradOptions options = {});

}  // namespace ember::autograd
