// OneCycleLR (see lr_scheduler.h): PyTorch 1.13's phases and annealing formulas, term for
// term. PyTorch keeps max_lr, min_lr and the momenta in the param groups; here the scheduler
// keeps them (and saves them in its state dict), and reads initial_lr from the group as
// PyTorch does.
#include <cmath>
#include <numbers>

#include "ember/optim/lr_scheduler.h"

namespace ember::optim {

namespace {

enum Level { kInitialLr, kMaxLr, kMinLr };
enum MomentumLevel { kMaxMomentum, kBaseMomentum };

struct Phase {
  Level start_lr, end_lr;
  MomentumLevel start_momentum, end_momentum;
};

constexpr Phase kTwoPhases[] = {{kInitialLr, kMaxLr, kMaxMomentum, kBaseMomentum},
                                {kMaxLr, kMinLr, kBaseMomentum, kMaxMomentum}};
constexpr Phase kThreePhases[] = {{kInitialLr, kMaxLr, kMaxMomentum, kBaseMomentum},
                                  {kMaxLr, kInitialLr, kBaseMomentum, kMaxMomentum},
                                  {kInitialLr, kMinLr, kMaxMomentum, kMaxMomentum}};

}  // namespace

OneCycleLR::OneCycleLR(Optimizer& optimizer, const OneCycleLROptions& o)
    : LRScheduler(optimizer, "OneCycleLR"),
      anneal_linear_(o.anneal_strategy == AnnealStrategy::linear),
      three_phase_(o.three_phase),
      cycle_momentum_(o.cycle_momentum) {
  if (o.total_steps != 0) {
    EMBER_CHECK(o.total_steps > 0, "OneCycleLR: expected total_steps > 0, got ", o.total_steps);
    total_steps_ = o.total_steps;
  } else {
    EMBER_CHECK(o.epochs > 0 && o.steps_per_epoch > 0,
                "OneCycleLR: expected total_steps > 0, or epochs > 0 and steps_per_epoch > 0, "
                "got epochs=",
                o.epochs, ", steps_per_epoch=", o.steps_per_epoch);
    total_steps_ = o.epochs * o.steps_per_epoch;
  }
  EMBER_CHECK(o.pct_start >= 0 && o.pct_start <= 1,
              "OneCycleLR: expected 0 <= pct_start <= 1, got ", o.pct_start);
  auto total = static_cast<double>(total_steps_);
  if (three_phase_) {
    phase_end_steps_ = {o.pct_start * total - 1, 2 * o.pct_start * total - 2, total - 1};
  } else {
    phase_end_steps_ = {o.pct_start * total - 1, total - 1};
  }

  size_t groups = optimizer.num_param_groups();
  EMBER_CHECK(o.max_lr.size() == 1 || o.max_lr.size() == groups, "OneCycleLR: expected 1 or ",
              groups, " max_lr values (one per param group), got ", o.max_lr.size());
  if (cycle_momentum_) {
    EMBER_CHECK(optimizer.momentum(0).has_value(),
                "OneCycleLR: expected an optimizer with momentum (or betas) with "
                "cycle_momentum, got one without; set cycle_momentum = false");
  }
  base_lrs_.clear();
  for (size_t g = 0; g < groups; ++g) {
    double max_lr = o.max_lr[o.max_lr.size() == 1 ? 0 : g];
    double initial_lr = max_lr / o.div_factor;
    optimizer.set_initial_lr(g, initial_lr);
    base_lrs_.push_back(initial_lr);
    max_lrs_.push_back(max_lr);
    min_lrs_.push_back(initial_lr / o.final_div_factor);
    if (cycle_momentum_) {
      optimizer.set_momentum(g, o.max_momentum);
      max_momentums_.push_back(o.max_momentum);
      base_momentums_.push_back(o.base_momentum);
    }
  }
  initial_step();
}

double OneCycleLR::anneal(double start, double end, double pct) const {
  if (anneal_linear_) return (end - start) * pct + start;
  double cos_out = std::cos(std::numbers::pi * pct) + 1;
  return end + (start - end) / 2.0 * cos_out;
}

std::vector<double> OneCycleLR::get_lr() {
  EMBER_CHECK(last_epoch_ <= total_steps_,
              "OneCycleLR: expected at most total_steps = ", total_steps_, " steps, got step ",
              last_epoch_);
  const Phase* phases = three_phase_ ? kThreePhases : kTwoPhases;
  size_t num_phases = three_phase_ ? 3 : 2;
  size_t groups = optimizer_.num_param_groups();
  EMBER_CHECK(phase_end_steps_.size() == num_phases && max_lrs_.size() == groups &&
                  min_lrs_.size() == groups &&
                  (!cycle_momentum_ ||
                   (max_momentums_.size() == groups && base_momentums_.size() == groups)),
              "OneCycleLR: the loaded state does not fit ", groups, " param groups");
  auto step_num = static_cast<double>(last_epoch_);
  std::vector<double> lrs;
  for (size_t g = 0; g < groups; ++g) {
    double lr_at[] = {*optimizer_.initial_lr(g), max_lrs_[g], min_lrs_[g]};
    double start_step = 0;
    for (size_t i = 0; i < num_phases; ++i) {
      double end_step = phase_end_steps_[i];
      if (step_num <= end_step || i == num_phases - 1) {
        double pct = (step_num - start_step) / (end_step - start_step);
        lrs.push_back(anneal(lr_at[phases[i].start_lr], lr_at[phases[i].end_lr], pct));
        if (cycle_momentum_) {
          double momentum_at[] = {max_momentums_[g], base_momentums_[g]};
          optimizer_.set_momentum(g, anneal(momentum_at[phases[i].start_momentum],
                                            momentum_at[phases[i].end_momentum], pct));
        }
        break;
      }
      start_step = end_step;
    }
  }
  return lrs;
}

void OneCycleLR::visit(FieldVisitor& v) {
  LRScheduler::visit(v);
  v("total_steps", total_steps_);
  v("phase_end_steps", phase_end_steps_);
  v("anneal_linear", anneal_linear_);
  v("three_phase", three_phase_);
  v("cycle_momentum", cycle_momentum_);
  v("max_lrs", max_lrs_);
  v("min_lrs", min_lrs_);
  v("max_momentums", max_momentums_);
  v("base_momentums", base_momentums_);
}

}  // namespace ember::optim
