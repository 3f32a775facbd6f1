// The backward engine.
//
// Note [Engine order]
// Nodes run when every gradient they will receive has arrived (a dependency count per node,
// computed by one walk over the graph reachable from the roots). Among ready nodes the one
// created last runs first, which is PyTorch's order and keeps memory low for chains.
#include "ember/autograd/engine.h"

#include <cmath>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "ember/autograd/grad_mode.h"
#include "ember/autograd/node.h"
#include "ember/core/profiler.h"
#include "ember/ops/factory.h"
#include "ember/ops/elementwise.h"

namespace ember::autograd {

namespace {

Tensor accumulate(const Tensor& acc, const Tensor& g) { return acc.defined() ? add(acc, g) : g; }

bool has_non_finite(const Tensor& t) {
  if (!is_floating(t.dtype()) || t.numel() == 0) return false;
  for (double v : t.to_vector<double>()) {
    if (!std::isfinite(v)) return true;
  }
  return false;
}

Tensor apply_hooks(const std::vector<GradHook>& hooks, Tensor g) {
  for (const auto& hook : hooks) {
    Tensor r = hook(g);
    if (r.defined()) g = r;
  }
  return g;
}

// True when nothing but `g` refers to its gradient values: the only handle on the only
// tensor over a storage that holds exactly its elements, contiguously. Such a gradient can
// become a leaf's .grad as it is (PyTorch's AccumulateGrad steals it the same way), which
// saves a copy of every parameter's gradient per backward.
bool owns_its_storage(const Tensor& g) {
  return g.impl_ptr().use_count() == 1 && g.storage().use_count() == 1 && g.is_contiguous() &&
         g.storage_offset() == 0 && !g.grad_fn() &&
         g.storage()->nbytes() == static_cast<size_t>(g.numel()) * element_size(g.dtype());
}

struct NodeCompare {
  bool operator()(const Node* a, const Node* b) const { return a->sequence_nr < b->sequence_nr; }
};

// Where autograd::grad wants gradients captured instead of accumulated into .grad().
struct Capture {
  std::unordered_map<const TensorImpl*, size_t> leaves;
  std::unordered_map<const Node*, std::vector<std::pair<uint32_t, size_t>>> outputs;
  std::vector<Tensor> grads;
};

void check_saved_versions(const Node& node) {
  for (size_t i = 0; i < node.saved.size(); ++i) {
    const auto& s = node.saved[i];
    if (s.storage->version() != s.version) {
      EMBER_THROW(Error, "backward: a tensor saved by '", node.name,
                  "' for its gradient has been modified by an in-place operation (saved at version ",
                  s.version, ", now at version ", s.storage->version(),
                  "); use an out-of-place op or clone() the tensor before changing it");
    }
  }
}

void run(const std::vector<Tensor>& roots, const std::vector<Tensor>& root_grads,
         BackwardOptions options, Capture* capture) {
  // As in PyTorch, building a graph of the backward keeps the forward graph alive too.
  options.retain_graph = options.retain_graph || options.create_graph;
  // Seed: leaves directly, nodes through their gradient buffers.
  std::unordered_map<Node*, Grads> buffers;
  std::vector<Node*> root_nodes;
  auto store_leaf = [&](TensorImpl* leaf, Tensor g) {
    Tensor gg = apply_hooks(leaf->hooks, std::move(g));
    if (capture != nullptr) {
      auto it = capture->leaves.find(leaf);
      if (it != capture->leaves.end()) {
        capture->grads[it->second] = accumulate(capture->grads[it->second], gg);
      }
      return;
    }
    if (!leaf->grad.defined()) {
      // Own the gradient: g may alias another gradient (add passes one tensor to both inputs)
      // unless nothing else refers to it.
      if (!options.create_graph && owns_its_storage(gg)) {
        leaf->grad = std::move(gg);
      } else {
        leaf->grad = options.create_graph ? gg.clone() : gg.detach().clone();
      }
    } else {
      leaf->grad = options.create_graph ? add(leaf->grad, gg) : add(leaf->grad, gg.detach());
    }
  };

  for (size_t i = 0; i < roots.size(); ++i) {
    const Tensor& r = roots[i];
    const Tensor& g = root_grads[i];
    if (r.grad_fn()) {
      Node* n = r.grad_fn().get();
      auto& buf = buffers[n];
      buf.resize(n->output_shapes.size());
      buf[r.impl()->output_nr] = accumulate(buf[r.impl()->output_nr], g);
      root_nodes.push_back(n);
    } else {
      store_leaf(r.impl(), g);
    }
  }

  // Dependency counts over the reachable graph.
  std::unordered_map<Node*, int> deps;
  {
    std::vector<Node*> stack(root_nodes.begin(), root_nodes.end());
    std::unordered_set<Node*> seen(root_nodes.begin(), root_nodes.end());
    while (!stack.empty()) {
      Node* n = stack.back();
      stack.pop_back();
      for (const Edge& e : n->next_edges) {
        if (!e.fn) continue;
        deps[e.fn.get()] += 1;
        if (seen.insert(e.fn.get()).second) stack.push_back(e.fn.get());
      }
    }
  }

  std::priority_queue<Node*, std::vector<Node*>, NodeCompare> ready;
  {
    std::unordered_set<Node*> queued;
    for (Node* n : root_nodes) {
      if (deps[n] == 0 && queued.insert(n).second) ready.push(n);
    }
  }

  bool grad_mode = options.create_graph;
  bool anomaly = is_anomaly_enabled();
  while (!ready.empty()) {
    Node* node = ready.top();
    ready.pop();
    if (node->released) {
      EMBER_THROW(Error, "backward: trying to backward through the graph of '", node->name,
                  "' a second time; its saved tensors were freed by the first backward. Pass "
                  "retain_graph = true to the first backward if you need to call it twice");
    }
    check_saved_versions(*node);

    Grads grads = std::move(buffers[node]);
    buffers.erase(node);
    grads.resize(node->output_shapes.size());
    for (size_t o = 0; o < grads.size(); ++o) {
      if (!grads[o].defined()) {
        grads[o] = zeros(node->output_shapes[o], {.dtype = node->output_dtypes[o]});
      }
      grads[o] = apply_hooks(node->hooks[o], grads[o]);
      if (auto keep = node->retained[o].lock()) {
        keep->grad = accumulate(keep->grad, grads[o].detach());
      }
    }
    if (capture != nullptr) {
      auto it = capture->outputs.find(node);
      if (it != capture->outputs.end()) {
        for (auto [output_nr, slot] : it->second) {
          capture->grads[slot] = accumulate(capture->grads[slot], grads[output_nr]);
        }
      }
    }

    Grads input_grads;
    {
      bool previous = is_grad_enabled();
      set_grad_enabled(grad_mode);
      try {
        profiler::Scope scope(node->name, "_backward");
        input_grads = node->backward(grads);
      } catch (...) {
        set_grad_enabled(previous);
        throw;
      }
      set_grad_enabled(previous);
    }
    EMBER_ASSERT(input_grads.size() == node->next_edges.size(), "backward of '", node->name,
                 "' returned ", input_grads.size(), " gradients for ", node->next_edges.size(),
                 " inputs");
    if (!options.retain_graph) {
      node->backward = nullptr;
      node->saved.clear();
      node->released = true;
    }

    for (size_t i = 0; i < input_grads.size(); ++i) {
      const Edge& e = node->next_edges[i];
      Tensor& g = input_grads[i];
      if (!e.valid() || !g.defined()) continue;
      EMBER_ASSERT(g.sizes() == e.shape, "backward of '", node->name, "' returned a gradient of shape ",
                   shape_str(g.sizes()), " for input ", i, " of shape ", shape_str(e.shape));
      if (anomaly && has_non_finite(g)) {
        EMBER_THROW(Error, "anomaly: the backward of '", node->name,
                    "' produced NaN or Inf in the gradient of its input ", i,
                    " (shape ", shape_str(g.sizes()), ")");
      }
      if (e.leaf) {
        store_leaf(e.leaf.get(), std::move(g));
        continue;
      }
      Node* next = e.fn.get();
      auto& buf = buffers[next];
      buf.resize(next->output_shapes.size());
      buf[e.input_nr] = accumulate(buf[e.input_nr], g);
      if (--deps[next] == 0) ready.push(next);
    }
  }
}

std::vector<Tensor> resolve_root_grads(const std::vector<Tensor>& outputs,
                                       const std::vector<Tensor>& grad_outputs, const char* op) {
  EMBER_CHECK(grad_outputs.empty() || grad_outputs.size() == outputs.size(), op, ": expected ",
              outputs.size(), " gradients (one per output), got ", grad_outputs.size());
  std::vector<Tensor> grads;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Tensor& out = outputs[i];
    EMBER_CHECK(out.defined(), op, ": output ", i, " is undefined");
    EMBER_CHECK(out.requires_grad(), op, ": element ", i,
                " of the outputs does not require grad and has no grad_fn (was it computed "
                "under NoGradGuard, or from tensors without requires_grad?)");
    Tensor g = grad_outputs.empty() ? Tensor() : grad_outputs[i];
    if (!g.defined()) {
      EMBER_CHECK(out.numel() == 1, op, ": a gradient can be created implicitly only for "
                  "scalar outputs; output ", i, " has shape ", shape_str(out.sizes()),
                  ": pass an explicit gradient");
      g = ones_like(out);
    } else {
      EMBER_CHECK_SHAPE(g.sizes() == out.sizes(), op, ": expected a gradient of shape ",
                        shape_str(out.sizes()), " for output ", i, ", got ",
                        shape_str(g.sizes()));
      if (g.dtype() != out.dtype()) g = g.to(out.dtype());
    }
    grads.push_back(g);
  }
  return grads;
}

}  // namespace

void backward(const std::vector<Tensor>& outputs, const std::vector<Tensor>& grad_outputs,
              BackwardOptions options) {
  auto grads = resolve_root_grads(outputs, grad_outputs, "backward");
  run(outputs, grads, options, nullptr);
}

std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs, GradOptions options) {
  auto grads = resolve_root_grads(outputs, grad_outputs, "grad");
  Capture capture;
  capture.grads.resize(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Tensor& in = inputs[i];
    EMBER_CHECK(in.defined() && in.requires_grad(), "grad: input ", i,
                " does not require grad");
    if (in.grad_fn()) {
      capture.outputs[in.grad_fn().get()].push_back({in.impl()->output_nr, i});
    } else {
      capture.leaves[in.impl()] = i;
    }
  }
  run(outputs, grads, {.retain_graph = options.retain_graph, .create_graph = options.create_graph},
      &capture);
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!capture.grads[i].defined()) {
      EMBER_CHECK(options.allow_unused, "grad: input ", i,
                  " was not used in computing the outputs; pass allow_unused = true to get an "
                  "undefined gradient for it");
    } else if (!options.create_graph) {
      capture.grads[i] = capture.grads[i].detach();
    }
  }
  return capture.grads;
}

}  // namespace ember::autograd

namespace ember {

void Tensor::backward(const Tensor& gradient, BackwardOptions options) const {
  autograd::backward({*this}, {gradient}, options);
}

}  // namespace ember
