// Learning-rate schedulers, as torch.optim.lr_scheduler (PyTorch 1.13): StepLR, MultiStepLR,
// ExponentialLR, CosineAnnealingLR, LinearLR, SequentialLR, OneCycleLR and ReduceLROnPlateau.
//
// A scheduler writes each param group's lr; call its step() after the optimizer's. Like
// PyTorch, constructing one already takes the first step (epoch 0), and most compute the
// next lr from the group's current lr (the "chainable" recursive forms), so the floats match
// PyTorch's exactly (tests/unit/optim/test_lr_scheduler.cpp compares with recorded
// sequences). To resume, load the optimizer's state dict (it holds the lrs) and then the
// scheduler's. A scheduler keeps a reference to its optimizer, which must outlive it.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "ember/optim/optimizer.h"
#include "ember/optim/state_dict.h"

namespace ember::optim {

class LRScheduler {
 public:
  virtual ~LRScheduler() = default;
  LRScheduler(const LRScheduler&) = delete;
  LRScheduler& operator=(const LRScheduler&) = delete;

  /// Advances one epoch (or iteration) and writes the new lrs into the param groups.
  virtual void step();
  /// The lrs of the last step, one per param group.
  const std::vector<double>& get_last_lr() const { return last_lr_; }
  /// The number of step() calls since construction (0 right after it).
  int64_t last_epoch() const { return last_epoch_; }
  /// The groups' initial_lr when the scheduler was built: where schedules start from.
  const std::vector<double>& base_lrs() const { return base_lrs_; }
  Optimizer& optimizer() const { return optimizer_; }

  /// Counters and hyperparameters under PyTorch's names ("last_epoch", "_step_count",
  /// "base_lrs", "_last_lr", "gamma", ...): 0-d or 1-d float64/int64 tensors.
  virtual StateDict state_dict() const;
  /// Restores state_dict()'s output. ValueError listing missing, unexpected or malformed
  /// keys (and nothing changes then).
  virtual void load_state_dict(const StateDict& state_dict);

 protected:
  /// Sets each group's initial_lr to its lr where unset and records base_lrs. Derived
  /// constructors finish with initial_step() (a virtual call cannot happen in here).
  LRScheduler(Optimizer& optimizer, const char* name);
  /// PyTorch's _initial_step: resets the step count and takes the step to epoch 0.
  void initial_step();
  /// The recursive ("chainable") lrs for last_epoch_, which step() has just incremented.
  virtual std::vector<double> get_lr() = 0;
  /// The closed form for last_epoch_, when the schedule has one (used by SequentialLR at its
  /// milestones, as PyTorch's step(epoch)).
  virtual std::optional<std::vector<double>> closed_form_lr() const { return std::nullopt; }
  /// Visits the fields of the state dict; derived classes add theirs after the base's.
  virtual void visit(FieldVisitor& v);
  /// The current lr of every group.
  std::vector<double> group_lrs() const;

  Optimizer& optimizer_;
  const char* name_;
  std::vector<double> base_lrs_;
  int64_t last_epoch_ = -1;
  int64_t step_count_ = 0;
  std::vector<double> last_lr_;

 private:
  // PyTorch's deprecated step(epoch): jumps to `epoch` with the closed form if any.
  void step_to(int64_t epoch);
  void apply(const std::vector<double>& lrs);

  friend class SequentialLR;
};

struct StepLROptions {
  /// Required: the lr is multiplied by gamma every step_size epochs.
  int64_t step_size = 0;
  double gamma = 0.1;
};

class StepLR : public LRScheduler {
 public:
  /// ValueError for step_size <= 0.
  StepLR(Optimizer& optimizer, const StepLROptions& options);

 protected:
  std::vector<double> get_lr() override;
  std::optional<std::vector<double>> closed_form_lr() const override;
  void visit(FieldVisitor& v) override;

 private:
  int64_t step_size_;
  double gamma_;
};

struct MultiStepLROptions {
  /// Epochs at which the lr is multiplied by gamma (a repeated epoch multiplies repeatedly).
  std::vector<int64_t> milestones;
  double gamma = 0.1;
};

class MultiStepLR : public LRScheduler {
 public:
  MultiStepLR(Optimizer& optimizer, const MultiStepLROptions& options);

 protected:
  std::vector<double> get_lr() override;
  std::optional<std::vector<double>> closed_form_lr() const override;
  void visit(FieldVisitor& v) override;

 private:
  std::vector<int64_t> milestones_;  // sorted
  double gamma_;
};

struct ExponentialLROptions {
  /// Required: the lr is multiplied by gamma every epoch.
  double gamma = std::numeric_limits<double>::quiet_NaN();
};

class ExponentialLR : public LRScheduler {
 public:
  /// ValueError when gamma is unset.
  ExponentialLR(Optimizer& optimizer, const ExponentialLROptions& options);

 protected:
  std::vector<double> get_lr() override;
  std::optional<std::vector<double>> closed_form_lr() const override;
  void visit(FieldVisitor& v) override;

 private:
  double gamma_;
};

struct CosineAnnealingLROptions {
  /// Required: half the period, in epochs.
  int64_t T_max = 0;
  double eta_min = 0;
};

/// eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2, computed recursively
/// from the current lr as PyTorch does (rising again after T_max; no restarts).
class CosineAnnealingLR : public LRScheduler {
 public:
  /// ValueError for T_max <= 0.
  CosineAnnealingLR(Optimizer& optimizer, const CosineAnnealingLROptions& options);

 protected:
  std::vector<double> get_lr() override;
  std::optional<std::vector<double>> closed_form_lr() const override;
  void visit(FieldVisitor& v) override;

 private:
  int64_t T_max_;
  double eta_min_;
};

struct LinearLROptions {
  double start_factor = 1.0 / 3;
  double end_factor = 1.0;
  int64_t total_iters = 5;
};

/// Multiplies the base lr by a factor going linearly from start_factor to end_factor over
/// total_iters epochs (warmup when start_factor < end_factor).
class LinearLR : public LRScheduler {
 public:
  /// ValueError unless 0 < start_factor <= 1, 0 <= end_factor <= 1 and total_iters > 0.
  LinearLR(Optimizer& optimizer, const LinearLROptions& options = {});

 protected:
  std::vector<double> get_lr() override;
  std::optional<std::vector<double>> closed_form_lr() const override;
  void visit(FieldVisitor& v) override;

 private:
  double start_factor_;
  double end_factor_;
  int64_t total_iters_;
};

/// Runs schedulers one after another: schedulers[i] from epoch milestones[i - 1] on, restarted
/// at its epoch 0 there (e.g. LinearLR warmup, then CosineAnnealingLR).
class SequentialLR : public LRScheduler {
 public:
  /// Takes ownership of the schedulers, which must all drive `optimizer`; ValueError
  /// otherwise, or unless milestones.size() == schedulers.size() - 1.
  SequentialLR(Optimizer& optimizer, std::vector<std::unique_ptr<LRScheduler>> schedulers,
               std::vector<int64_t> milestones);
  void step() override;
  /// Its own counters plus each scheduler's state under "_schedulers.<i>.".
  StateDict state_dict() const override;
  void load_state_dict(const StateDict& state_dict) override;

 protected:
  std::vector<double> get_lr() override { return group_lrs(); }
  void visit(FieldVisitor& v) override;

 private:
  std::pair<StateDict, std::vector<StateDict>> split(const StateDict& state_dict) const;

  std::vector<std::unique_ptr<LRScheduler>> schedulers_;
  std::vector<int64_t> milestones_;
};

enum class AnnealStrategy { cos, linear };

struct OneCycleLROptions {
  /// Required: the peak lr, one value for every group or one per group.
  std::vector<double> max_lr;
  /// Required: the length of the cycle, given directly or as epochs * steps_per_epoch.
  int64_t total_steps = 0;
  int64_t epochs = 0;
  int64_t steps_per_epoch = 0;
  /// The fraction of the cycle spent increasing the lr.
  double pct_start = 0.3;
  AnnealStrategy anneal_strategy = AnnealStrategy::cos;
  /// Cycles the momentum (betas.first for Adam/AdamW) inversely between max_momentum and
  /// base_momentum.
  bool cycle_momentum = true;
  double base_momentum = 0.85;
  double max_momentum = 0.95;
  /// initial_lr = max_lr / div_factor; min_lr = initial_lr / final_div_factor.
  double div_factor = 25;
  double final_div_factor = 1e4;
  /// Warm up, come back down to initial_lr symmetrically, then anneal to min_lr.
  bool three_phase = false;
};

/// The 1cycle policy (Smith & Topin). Stepping past total_steps throws ValueError.
class OneCycleLR : public LRScheduler {
 public:
  /// Overwrites each group's initial_lr (and momentum when cycling it). ValueError for a
  /// missing or invalid length, pct_start outside [0, 1], a max_lr count other than 1 or the
  /// number of groups, or cycle_momentum with an optimizer that has no momentum.
  OneCycleLR(Optimizer& optimizer, const OneCycleLROptions& options);

 protected:
  std::vector<double> get_lr() override;
  void visit(FieldVisitor& v) override;

 private:
  double anneal(double start, double end, double pct) const;

  int64_t total_steps_;
  std::vector<double> phase_end_steps_;
  bool anneal_linear_;
  bool three_phase_;
  bool cycle_momentum_;
  std::vector<double> max_lrs_;
  std::vector<double> min_lrs_;
  std::vector<double> max_momentums_;
  std::vector<double> base_momentums_;
};

enum class PlateauMode { min, max };
enum class ThresholdMode { rel, abs };

struct ReduceLROnPlateauOptions {
  /// min: the metric should decrease (a loss); max: increase (an accuracy).
  PlateauMode mode = PlateauMode::min;
  /// new_lr = lr * factor.
  double factor = 0.1;
  /// Epochs without improvement tolerated before reducing.
  int64_t patience = 10;
  /// An improvement must beat best by this much: relatively (rel) or absolutely (abs).
  double threshold = 1e-4;
  ThresholdMode threshold_mode = ThresholdMode::rel;
  /// Epochs to wait after a reduction before counting bad epochs again.
  int64_t cooldown = 0;
  /// Lower bound of the lr: one value for every group or one per group.
  std::vector<double> min_lr = {0.0};
  /// Reductions smaller than eps are skipped.
  double eps = 1e-8;
};

/// Reduces the lr by `factor` when a metric stops improving for `patience` epochs. Not an
/// LRScheduler: its step takes the metric.
class ReduceLROnPlateau {
 public:
  /// ValueError for factor >= 1 or a min_lr count other than 1 or the number of groups.
  ReduceLROnPlateau(Optimizer& optimizer, const ReduceLROnPlateauOptions& options = {});
  ReduceLROnPlateau(const ReduceLROnPlateau&) = delete;
  ReduceLROnPlateau& operator=(const ReduceLROnPlateau&) = delete;

  void step(double metric);
  const std::vector<double>& get_last_lr() const { return last_lr_; }
  int64_t last_epoch() const { return last_epoch_; }
  StateDict state_dict() const;
  void load_state_dict(const StateDict& state_dict);

 private:
  bool is_better(double a, double best) const;
  void visit(FieldVisitor& v);

  Optimizer& optimizer_;
  PlateauMode mode_;
  double factor_;
  int64_t patience_;
  double threshold_;
  ThresholdMode threshold_mode_;
  int64_t cooldown_;
  std::vector<double> min_lrs_;
  double eps_;
  double best_;
  int64_t num_bad_epochs_ = 0;
  int64_t cooldown_counter_ = 0;
  int64_t last_epoch_ = 0;
  std::vector<double> last_lr_;
};

}  // namespace ember::optim
