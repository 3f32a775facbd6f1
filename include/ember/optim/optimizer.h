// Optimizer: the interface of SGD, Adam, AdamW, RMSprop and Adagrad, and OptimizerImpl, the
// param-group, state and state-dict machinery they share.
//
// Parameters are plain leaf Tensors that require grad. An optimizer keeps them in param
// groups, each with its own options struct (lr and the rest, changed freely between steps,
// e.g. by an LR scheduler), and keeps per-parameter state (momentum buffers, moment
// estimates) created at the first step the parameter has a gradient, as torch.optim does.
// Update rules and state-dict names follow PyTorch 1.13's single-tensor implementations;
// tests/unit/optim replays PyTorch trajectories.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ember/core/tensor.h"
#include "ember/optim/state_dict.h"

namespace ember::optim {

struct ZeroGradOptions {
  /// Drops the gradients (PyTorch 2.x's default) instead of filling them with zeros.
  bool set_to_none = true;
};

/// What LR schedulers, gradient clipping and training loops need from any optimizer.
class Optimizer {
 public:
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  /// Updates, in place and without recording autograd, every parameter that has a gradient;
  /// parameters whose grad is undefined are skipped (their state does not advance).
  virtual void step() = 0;
  /// Sets every parameter's grad to undefined, or fills it with zeros when
  /// {.set_to_none = false} (then it is also detached from any graph).
  void zero_grad(ZeroGradOptions options = {});

  /// Every parameter, group by group (the order of the state dict's indices).
  virtual std::vector<Tensor> parameters() const = 0;
  virtual size_t num_param_groups() const = 0;
  /// The learning rate of a group. IndexError for a group that does not exist.
  virtual double lr(size_t group) const = 0;
  virtual void set_lr(size_t group, double lr) = 0;
  /// The lr schedules start from (PyTorch's group['initial_lr']): unset until the first
  /// scheduler sets it; saved in the state dict when set.
  virtual std::optional<double> initial_lr(size_t group) const = 0;
  virtual void set_initial_lr(size_t group, double lr) = 0;
  /// The group's momentum (SGD, RMSprop) or betas.first (Adam, AdamW), which OneCycleLR
  /// cycles; nullopt for an optimizer without one.
  virtual std::optional<double> momentum(size_t group) const = 0;
  /// ValueError for an optimizer without momentum.
  virtual void set_momentum(size_t group, double momentum) = 0;

  /// Hyperparameters and state: "param_groups.<g>.<option>" (0-d float64, int64 for
  /// flags), "param_groups.<g>.params" (int64 indices into parameters()),
  /// "param_groups.<g>.initial_lr" when set, and "state.<i>.<name>" for parameter i (e.g.
  /// "state.0.exp_avg", "state.0.step"). Tensors are copies.
  virtual StateDict state_dict() const = 0;
  /// Restores what state_dict() returned, for the same parameters in the same groups. Throws
  /// ValueError listing every problem (group or parameter counts, missing or unexpected keys,
  /// shapes, invalid options) and changes nothing then. Floating state is cast to the
  /// parameter's dtype.
  virtual void load_state_dict(const StateDict& state_dict) = 0;

 protected:
  Optimizer() = default;
};

/// A set of parameters updated with the same options (an entry of PyTorch's param_groups).
template <typename Options>
struct ParamGroup {
  std::vector<Tensor> params;
  Options options;
  std::optional<double> initial_lr;
};

/// The shared implementation of the optimizers, for an options struct (a `double lr` and
/// `void visit(FieldVisitor&)`) and a per-parameter state struct
/// (`void visit(FieldVisitor&, const Options&)`, visiting the fields those options use).
template <typename Options, typename State>
class OptimizerImpl : public Optimizer {
 public:
  using Group = ParamGroup<Options>;

  /// Mutable, like PyTorch's: change a group's options between steps (new values are not
  /// validated until the next load or add).
  std::vector<Group>& param_groups() { return groups_; }
  const std::vector<Group>& param_groups() const { return groups_; }
  /// The options the optimizer was built with (the default of add_param_group).
  const Options& defaults() const { return defaults_; }
  /// Adds a group with `options` (the defaults when absent). ValueError for an undefined,
  /// non-floating or non-leaf parameter, one that is already in a group, or invalid options.
  void add_param_group(std::vector<Tensor> params, std::optional<Options> options = std::nullopt);
  /// The state of `param`, or nullptr before its first update.
  const State* state(const Tensor& param) const;

  std::vector<Tensor> parameters() const override;
  size_t num_param_groups() const override { return groups_.size(); }
  double lr(size_t group) const override;
  void set_lr(size_t group, double lr) override;
  std::optional<double> initial_lr(size_t group) const override;
  void set_initial_lr(size_t group, double lr) override;
  std::optional<double> momentum(size_t group) const override;
  void set_momentum(size_t group, double momentum) override;
  StateDict state_dict() const override;
  void load_state_dict(const StateDict& state_dict) override;

 protected:
  /// `name` prefixes error messages ("SGD: expected lr >= 0, got -0.1"). Derived
  /// constructors validate `defaults` and add the first group.
  OptimizerImpl(const char* name, const Options& defaults) : name_(name), defaults_(defaults) {}
  /// Throws ValueError, naming the optimizer, for options out of range.
  virtual void validate(const Options& options) const = 0;
  /// The state of `param`, default-constructed (tensors undefined) on first use.
  State& state_for(const Tensor& param) { return state_[param.impl()]; }

  const char* name_;
  Options defaults_;
  std::vector<Group> groups_;
  std::unordered_map<const TensorImpl*, State> state_;

 private:
  const Group& group_at(size_t group) const;
};

}  // namespace ember::optim
