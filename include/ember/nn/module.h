// nn::Module: the base of every layer and model, as torch.nn.Module.
//
// A module owns parameters (trainable tensors), buffers (state such as BatchNorm's running
// statistics) and child modules, each registered under a name in its constructor. Names
// compose with dots into state-dict keys exactly as PyTorch's ("features.0.weight"), so
// weights move between ember and PyTorch by name.
//
// Registered tensors are members of the concrete module (public, named as their key); the
// base class keeps pointers to them, which is why modules are neither copyable nor
// movable: create them with std::make_shared and hold them by shared_ptr.
#pragma once

#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "ember/core/tensor.h"

namespace ember::nn {

using StateDict = std::map<std::string, Tensor>;

struct LoadStateDictOptions {
  bool strict = true;  // missing or unexpected keys are errors
};

/// What load_state_dict could not match (only non-empty when strict is false).
struct LoadStateDictResult {
  std::vector<std::string> missing_keys;
  std::vector<std::string> unexpected_keys;
};

class Module {
 public:
  Module() = default;
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  Module(Module&&) = delete;
  Module& operator=(Module&&) = delete;

  /// The type name shown in the printed tree ("Linear", "Sequential", ...).
  virtual std::string type_name() const = 0;
  /// The arguments shown after the type name ("in_features=4, out_features=2, bias=True").
  virtual std::string extra_repr() const { return ""; }
  /// The single-tensor forward pass; modules with other signatures throw NotImplementedError.
  virtual Tensor forward(const Tensor& x);
  Tensor operator()(const Tensor& x) { return forward(x); }

  // ---- traversal (registration order, children's entries after their parent's own) --------
  std::vector<std::pair<std::string, Tensor>> named_parameters() const;
  std::vector<Tensor> parameters() const;
  std::vector<std::pair<std::string, Tensor>> named_buffers() const;
  std::vector<Tensor> buffers() const;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> named_children() const;
  std::vector<std::shared_ptr<Module>> children() const;
  /// Every descendant module with its dotted name (this module itself is not included).
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> named_modules() const;
  /// Total number of elements over all parameters.
  int64_t num_parameters() const;

  // ---- modes and state ---------------------------------------------------------------------
  /// Training mode here and in every descendant (Dropout and BatchNorm read it).
  void train() { set_training(true); }
  void eval() { set_training(false); }
  void set_training(bool is_training);
  bool is_training() const { return training_; }
  /// Drops every parameter's gradient (PyTorch's set_to_none default).
  void zero_grad();
  /// Converts floating parameters and buffers to dtype in place of the old tensors.
  void to(DType dtype);

  /// Parameters and buffers by dotted name (detached views sharing memory).
  StateDict state_dict() const;
  /// Copies tensors into the registered ones (their identity is kept, so optimizers holding
  /// them stay valid). Strict: every key must match; errors list all missing keys,
  /// unexpected keys and shape mismatches together.
  LoadStateDictResult load_state_dict(const StateDict& state, LoadStateDictOptions options = {});

  /// The module tree as PyTorch prints it.
  std::string repr() const;

 protected:
  /// Registers a parameter member (made a leaf that requires grad; an undefined member,
  /// such as an absent bias, is skipped by traversal and state_dict).
  void register_parameter(const std::string& name, Tensor& member);
  /// Registers a buffer member (saved in state_dict, not trained). May be undefined.
  void register_buffer(const std::string& name, Tensor& member);
  /// Registers a child module and returns it.
  template <typename M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
    add_child(name, module);
    return module;
  }
  void add_child(const std::string& name, std::shared_ptr<Module> module);

 private:
  void collect(const std::string& prefix, bool params,
               std::vector<std::pair<std::string, Tensor>>& out) const;
  void repr_into(std::ostream& os, int indent) const;

  bool training_ = true;
  std::vector<std::pair<std::string, Tensor*>> parameters_;
  std::vector<std::pair<std::string, Tensor*>> buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
};

std::ostream& operator<<(std::ostream& os, const Module& m);

}  // namespace ember::nn
