// The graph: a Node per differentiable op application, holding its backward rule and the
// edges to the nodes (or leaves) that produced its inputs.
//
// Ops create nodes through record(); the engine (engine.h) runs them. A node's backward
// receives one gradient per forward output (zeros where no gradient flowed) and returns one
// gradient per forward input (undefined where the input needs none). Gradients returned
// are fresh tensors: the engine accumulates.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ember/core/tensor.h"

namespace ember::autograd {

using Grads = std::vector<Tensor>;
using BackwardFn = std::function<Grads(const Grads& grad_outputs)>;
using SingleBackwardFn = std::function<Grads(const Tensor& grad_output)>;

struct Node;

/// Where the gradient of one forward input goes: into output `input_nr` of node `fn`, or
/// into the leaf tensor `leaf`. Both empty: the input needs no gradient.
struct Edge {
  std::shared_ptr<Node> fn;
  uint32_t input_nr = 0;
  std::shared_ptr<TensorImpl> leaf;
  Shape shape;  // the input's shape: the gradient must have it
  bool valid() const { return fn != nullptr || leaf != nullptr; }
};

struct SavedVersion {
  Storage storage;
  uint64_t version;
};

struct Node {
  std::string name;        // the forward op, e.g. "mul"
  uint64_t sequence_nr = 0;  // creation order; later nodes run first
  std::vector<Edge> next_edges;
  std::vector<Shape> output_shapes;
  std::vector<DType> output_dtypes;
  std::vector<std::vector<GradHook>> hooks;               // per output
  std::vector<std::weak_ptr<TensorImpl>> retained;        // per output, for retain_grad
  std::vector<SavedVersion> saved;
  BackwardFn backward;
  bool released = false;
};

/// True when grad mode is on and t requires grad.
bool needs_grad(const Tensor& t);
bool any_needs_grad(const std::vector<Tensor>& ts);

/// Records a node for `outputs` = op(`inputs`) when grad mode is on and an input requires
/// grad; otherwise does nothing. `saved` lists tensors the backward reads: modifying one in
/// place before backward raises an error there. Non-floating outputs never require grad.
void record(const char* name, const std::vector<Tensor>& inputs,
            const std::vector<Tensor>& outputs, BackwardFn fn,
            const std::vector<Tensor>& saved = {});
/// Single-output form.
void record(const char* name, const std::vector<Tensor>& inputs, const Tensor& output,
            SingleBackwardFn fn, const std::vector<Tensor>& saved = {});

/// An op's own output saved for its backward (exp's backward reads exp(x)). Saving the output
/// tensor itself would make a reference cycle (output -> node -> backward -> output), so the
/// values are kept detached and the node weakly: call bind(output) after record(). Under
/// create_graph, get() reattaches the node, so that differentiating the backward again also
/// differentiates through the saved output (without it, second derivatives such as
/// d2/dx2 exp(x) would miss that term and be silently wrong).
class SavedOutput {
 public:
  SavedOutput() = default;
  /// Saves out's values (undefined stays undefined).
  explicit SavedOutput(const Tensor& out);
  /// Remembers the node that record() attached to out (no-op when nothing was recorded). The
  /// copies already captured by the backward closure see it too.
  void bind(const Tensor& out) const;
  /// The detached values: what record()'s `saved` list version-checks.
  const Tensor& data() const { return data_; }
  /// The values; while grad mode is on, as an output of the (still alive) node.
  Tensor get() const;

 private:
  struct Binding {
    std::weak_ptr<Node> node;
    uint32_t output_nr = 0;
  };
  Tensor data_;
  std::shared_ptr<Binding> binding_;  // shared by the copies
};

}  // namespace ember::autograd
