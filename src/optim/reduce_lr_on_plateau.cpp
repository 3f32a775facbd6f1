// ReduceLROnPlateau (see lr_scheduler.h), as PyTorch 1.13's.
#include <algorithm>
#include <cmath>

#include "ember/optim/lr_scheduler.h"
#include "optim/state_dict_io.h"

namespace ember::optim {

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& optimizer, const ReduceLROnPlateauOptions& o)
    : optimizer_(optimizer),
      mode_(o.mode),
      factor_(o.factor),
      patience_(o.patience),
      threshold_(o.threshold),
      threshold_mode_(o.threshold_mode),
      cooldown_(o.cooldown),
      eps_(o.eps) {
  EMBER_CHECK(factor_ < 1, "ReduceLROnPlateau: expected factor < 1, got ", factor_);
  size_t groups = optimizer.num_param_groups();
  EMBER_CHECK(o.min_lr.size() == 1 || o.min_lr.size() == groups,
              "ReduceLROnPlateau: expected 1 or ", groups,
              " min_lr values (one per param group), got ", o.min_lr.size());
  min_lrs_ = o.min_lr.size() == 1 ? std::vector<double>(groups, o.min_lr[0]) : o.min_lr;
  best_ = mode_ == PlateauMode::min ? INFINITY : -INFINITY;
  for (size_t g = 0; g < groups; ++g) last_lr_.push_back(optimizer.lr(g));
}

bool ReduceLROnPlateau::is_better(double a, double best) const {
  bool rel = threshold_mode_ == ThresholdMode::rel;
  if (mode_ == PlateauMode::min) return rel ? a < best * (1. - threshold_) : a < best - threshold_;
  return rel ? a > best * (threshold_ + 1.) : a > best + threshold_;
}

void ReduceLROnPlateau::step(double metric) {
  last_epoch_ += 1;
  if (is_better(metric, best_)) {
    best_ = metric;
    num_bad_epochs_ = 0;
  } else {
    num_bad_epochs_ += 1;
  }
  if (cooldown_counter_ > 0) {
    cooldown_counter_ -= 1;
    num_bad_epochs_ = 0;  // bad epochs during cooldown do not count
  }
  size_t groups = optimizer_.num_param_groups();
  if (num_bad_epochs_ > patience_) {
    EMBER_CHECK(min_lrs_.size() == groups, "ReduceLROnPlateau: expected ", min_lrs_.size(),
                " param groups (one per min_lr), got ", groups);
    for (size_t g = 0; g < groups; ++g) {
      double old_lr = optimizer_.lr(g);
      double new_lr = std::max(old_lr * factor_, min_lrs_[g]);
      if (old_lr - new_lr > eps_) optimizer_.set_lr(g, new_lr);
    }
    cooldown_counter_ = cooldown_;
    num_bad_epochs_ = 0;
  }
  last_lr_.clear();
  for (size_t g = 0; g < groups; ++g) last_lr_.push_back(optimizer_.lr(g));
}

void ReduceLROnPlateau::visit(FieldVisitor& v) {
  bool is_max = mode_ == PlateauMode::max;
  bool is_abs = threshold_mode_ == ThresholdMode::abs;
  v("mode", is_max);  // 0: min, 1: max
  v("factor", factor_);
  v("patience", patience_);
  v("threshold", threshold_);
  v("threshold_mode", is_abs);  // 0: rel, 1: abs
  v("cooldown", cooldown_);
  v("min_lrs", min_lrs_);
  v("eps", eps_);
  v("best", best_);
  v("num_bad_epochs", num_bad_epochs_);
  v("cooldown_counter", cooldown_counter_);
  v("last_epoch", last_epoch_);
  v("_last_lr", last_lr_);
  mode_ = is_max ? PlateauMode::max : PlateauMode::min;
  threshold_mode_ = is_abs ? ThresholdMode::abs : ThresholdMode::rel;
}

StateDict ReduceLROnPlateau::state_dict() const {
  StateDict out;
  detail::StateDictWriter writer(out, "");
  // visit() serves loading too, hence non-const; the writer only reads the fields.
  const_cast<ReduceLROnPlateau*>(this)->visit(writer);
  return out;
}

void ReduceLROnPlateau::load_state_dict(const StateDict& in) {
  detail::load_fields_or_restore(
      in, state_dict(),
      "ReduceLROnPlateau.load_state_dict: the state dict does not match this scheduler",
      [this](FieldVisitor& v) { visit(v); });
}

}  // namespace ember::optim
