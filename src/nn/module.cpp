// nn::Module: registration, traversal, state dicts and the printed tree.
#include "ember/nn/module.h"

#include <set>
#include <sstream>

#include "ember/autograd/grad_mode.h"
#include "ember/ops/shape.h"

namespace ember::nn {

namespace {
void check_name(const std::string& name, const std::string& owner, const char* what) {
  EMBER_CHECK(!name.empty() && name.find('.') == std::string::npos, owner, ": invalid ", what,
              " name '", name, "' (expected non-empty, without dots)");
}
}  // namespace

Tensor Module::forward(const Tensor&) {
  EMBER_THROW(NotImplementedError, type_name(),
              ": forward(Tensor) is not defined for this module");
}

void Module::register_parameter(const std::string& name, Tensor& member) {
  check_name(name, type_name(), "parameter");
  if (member.defined() && !member.requires_grad()) member.requires_grad_(true);
  parameters_.emplace_back(name, &member);
}

void Module::register_buffer(const std::string& name, Tensor& member) {
  check_name(name, type_name(), "buffer");
  buffers_.emplace_back(name, &member);
}

void Module::add_child(const std::string& name, std::shared_ptr<Module> module) {
  check_name(name, type_name(), "module");
  EMBER_CHECK(module != nullptr, type_name(), ": child module '", name, "' is null");
  for (const auto& [n, m] : children_) {
    EMBER_CHECK(n != name, type_name(), ": a child module named '", name, "' already exists");
  }
  children_.emplace_back(name, std::move(module));
}

void Module::collect(const std::string& prefix, bool params,
                     std::vector<std::pair<std::string, Tensor>>& out) const {
  for (const auto& [name, ptr] : params ? parameters_ : buffers_) {
    if (ptr->defined()) out.emplace_back(prefix + name, *ptr);
  }
  for (const auto& [name, child] : children_) child->collect(prefix + name + ".", params, out);
}

std::vector<std::pair<std::string, Tensor>> Module::named_parameters() const {
  std::vector<std::pair<std::string, Tensor>> out;
  collect("", true, out);
  return out;
}

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> out;
  for (auto& [n, t] : named_parameters()) out.push_back(t);
  return out;
}

std::vector<std::pair<std::string, Tensor>> Module::named_buffers() const {
  std::vector<std::pair<std::string, Tensor>> out;
  collect("", false, out);
  return out;
}

std::vector<Tensor> Module::buffers() const {
  std::vector<Tensor> out;
  for (auto& [n, t] : named_buffers()) out.push_back(t);
  return out;
}

std::vector<std::pair<std::string, std::shared_ptr<Module>>> Module::named_children() const {
  return children_;
}

std::vector<std::shared_ptr<Module>> Module::children() const {
  std::vector<std::shared_ptr<Module>> out;
  for (const auto& [n, m] : children_) out.push_back(m);
  return out;
}

std::vector<std::pair<std::string, std::shared_ptr<Module>>> Module::named_modules() const {
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> out;
  for (const auto& [name, child] : children_) {
    out.emplace_back(name, child);
    for (auto& [n, m] : child->named_modules()) out.emplace_back(name + "." + n, m);
  }
  return out;
}

int64_t Module::num_parameters() const {
  int64_t n = 0;
  for (const auto& p : parameters()) n += p.numel();
  return n;
}

void Module::set_training(bool is_training) {
  training_ = is_training;
  for (const auto& [n, child] : children_) child->set_training(is_training);
}

void Module::zero_grad() {
  for (const auto& p : parameters()) p.set_grad(Tensor());
}

void Module::to(DType dtype) {
  EMBER_CHECK_DTYPE(is_floating(dtype), type_name(), ".to: expected a floating dtype, got ",
                    dtype);
  autograd::NoGradGuard no_grad;
  for (auto& [name, ptr] : parameters_) {
    if (!ptr->defined() || ptr->dtype() == dtype) continue;
    *ptr = ptr->to(dtype).detach();
    ptr->requires_grad_(true);
  }
  for (auto& [name, ptr] : buffers_) {
    if (ptr->defined() && is_floating(ptr->dtype())) *ptr = ptr->to(dtype).detach();
  }
  for (const auto& [n, child] : children_) child->to(dtype);
}

StateDict Module::state_dict() const {
  StateDict out;
  for (auto& [name, t] : named_parameters()) out[name] = t.detach();
  for (auto& [name, t] : named_buffers()) out[name] = t.detach();
  return out;
}

LoadStateDictResult Module::load_state_dict(const StateDict& state,
                                            LoadStateDictOptions options) {
  std::vector<std::pair<std::string, Tensor>> own = named_parameters();
  for (auto& b : named_buffers()) own.push_back(b);
  LoadStateDictResult result;
  std::vector<std::string> mismatched;
  std::set<std::string> own_names;
  for (const auto& [name, t] : own) {
    own_names.insert(name);
    auto it = state.find(name);
    if (it == state.end()) {
      result.missing_keys.push_back(name);
    } else if (it->second.sizes() != t.sizes()) {
      mismatched.push_back(name + " (checkpoint " + shape_str(it->second.sizes()) + ", model " +
                           shape_str(t.sizes()) + ")");
    }
  }
  for (const auto& [name, t] : state) {
    if (!own_names.count(name)) result.unexpected_keys.push_back(name);
  }
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  };
  bool keys_fail =
      options.strict && (!result.missing_keys.empty() || !result.unexpected_keys.empty());
  if (keys_fail || !mismatched.empty()) {
    std::ostringstream os;
    os << type_name() << ".load_state_dict: the state dict does not match the model";
    if (!result.missing_keys.empty()) os << "; missing keys: " << join(result.missing_keys);
    if (!result.unexpected_keys.empty()) {
      os << "; unexpected keys: " << join(result.unexpected_keys);
    }
    if (!mismatched.empty()) os << "; shape mismatches: " << join(mismatched);
    throw ShapeError(os.str());
  }
  autograd::NoGradGuard no_grad;
  for (auto& [name, t] : own) {
    auto it = state.find(name);
    if (it == state.end()) continue;
    Tensor dst = t;
    dst.copy_(it->second);
  }
  return result;
}

void Module::repr_into(std::ostream& os, int indent) const {
  os << type_name() << "(" << extra_repr();
  if (!children_.empty()) {
    os << "\n";
    for (const auto& [name, child] : children_) {
      os << std::string(indent + 2, ' ') << "(" << name << "): ";
      child->repr_into(os, indent + 2);
      os << "\n";
    }
    os << std::string(indent, ' ');
  }
  os << ")";
}

std::string Module::repr() const {
  std::ostringstream os;
  repr_into(os, 0);
  return os.str();
}

std::ostream& operator<<(std::ostream& os, const Module& m) { return os << m.repr(); }

}  // namespace ember::nn
