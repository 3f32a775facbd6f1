// Recording graph nodes, grad mode and the autograd members of Tensor.
#include "ember/autograd/node.h"

#include <atomic>
#include <cctype>

#include "ember/autograd/grad_mode.h"

namespace ember::autograd {

namespace {
thread_local bool grad_enabled = true;
thread_local bool anomaly_enabled = false;
std::atomic<uint64_t> next_sequence_nr{0};

Edge edge_of(const Tensor& t) {
  Edge e;
  if (!t.defined() || !t.requires_grad()) return e;
  e.shape = t.sizes();
  if (t.grad_fn()) {
    e.fn = t.grad_fn();
    e.input_nr = t.impl()->output_nr;
  } else {
    e.leaf = t.impl_ptr();
  }
  return e;
}
}  // namespace

bool is_grad_enabled() { return grad_enabled; }

SavedOutput::SavedOutput(const Tensor& out)
    : data_(out.defined() ? out.detach() : Tensor()), binding_(std::make_shared<Binding>()) {}

void SavedOutput::bind(const Tensor& out) const {
  if (!binding_ || !out.defined() || !out.grad_fn()) return;
  binding_->node = out.grad_fn();
  binding_->output_nr = out.impl()->output_nr;
}

Tensor SavedOutput::get() const {
  if (!data_.defined() || !grad_enabled || !binding_) return data_;
  std::shared_ptr<Node> node = binding_->node.lock();
  if (!node) return data_;
  Tensor t = as_strided_view(data_, data_.sizes(), data_.strides(), data_.storage_offset());
  t.impl()->requires_grad = true;
  t.impl()->grad_fn = std::move(node);
  t.impl()->output_nr = binding_->output_nr;
  return t;
}
void set_grad_enabled(bool enabled) { grad_enabled = enabled; }
bool is_anomaly_enabled() { return anomaly_enabled; }
void set_anomaly_enabled(bool enabled) { anomaly_enabled = enabled; }

bool needs_grad(const Tensor& t) { return grad_enabled && t.defined() && t.requires_grad(); }

bool any_needs_grad(const std::vector<Tensor>& ts) {
  for (const auto& t : ts) {
    if (needs_grad(t)) return true;
  }
  return false;
}

void record(const char* name, const std::vector<Tensor>& inputs,
            const std::vector<Tensor>& outputs, BackwardFn fn, const std::vector<Tensor>& saved) {
  if (!any_needs_grad(inputs)) return;
  auto node = std::make_shared<Node>();
  node->name = name;
  node->sequence_nr = next_sequence_nr.fetch_add(1, std::memory_order_relaxed);
  node->next_edges.reserve(inputs.size());
  for (const auto& in : inputs) node->next_edges.push_back(edge_of(in));
  node->hooks.resize(outputs.size());
  node->retained.resize(outputs.size());
  for (const auto& s : saved) {
    if (s.defined()) node->saved.push_back({s.storage(), s.storage()->version()});
  }
  node->backward = std::move(fn);
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Tensor& out = outputs[i];
    node->output_shapes.push_back(out.sizes());
    node->output_dtypes.push_back(out.dtype());
    if (!is_floating(out.dtype())) continue;
    TensorImpl* impl = out.impl();
    impl->requires_grad = true;
    impl->grad_fn = node;
    impl->output_nr = static_cast<uint32_t>(i);
  }
}

void record(const char* name, const std::vector<Tensor>& inputs, const Tensor& output,
            SingleBackwardFn fn, const std::vector<Tensor>& saved) {
  record(
      name, inputs, std::vector<Tensor>{output},
      [fn = std::move(fn)](const Grads& grads) { return fn(grads[0]); }, saved);
}

}  // namespace ember::autograd

namespace ember {

// "mul" -> "MulBackward", "index_select" -> "IndexSelectBackward" (torch's style, without
// its version digit).
std::string Tensor::grad_fn_name() const {
  const auto& fn = grad_fn();
  if (!fn) return "none";
  std::string out;
  bool upper = true;
  for (char c : fn->name) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out + "Backward";
}

void Tensor::retain_grad() const {
  EMBER_CHECK(requires_grad(), "retain_grad: the tensor does not require grad");
  if (is_leaf()) return;  // leaves keep their gradient anyway
  impl()->retains_grad = true;
  grad_fn()->retained[impl()->output_nr] = impl_ptr();
}

void Tensor::register_hook(GradHook fn) const {
  EMBER_CHECK(requires_grad(),
              "register_hook: cannot register a hook on a tensor that does not require grad");
  if (is_leaf()) {
    impl()->hooks.push_back(std::move(fn));
  } else {
    grad_fn()->hooks[impl()->output_nr].push_back(std::move(fn));
  }
}

}  // namespace ember
