// The LRScheduler base and the step-, milestone-, exponential-, cosine-, linear- and
// sequential schedules (see lr_scheduler.h). Each get_lr() is PyTorch 1.13's, term for term
// and in the same order of operations, so that the doubles agree exactly.
#include "ember/optim/lr_scheduler.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "optim/state_dict_io.h"

namespace ember::optim {

namespace {

constexpr double kPi = std::numbers::pi;

std::string load_error(const char* name) {
  return std::string(name) + ".load_state_dict: the state dict does not match this scheduler";
}

}  // namespace

// ---- LRScheduler ---------------------------------------------------------------------------

LRScheduler::LRScheduler(Optimizer& optimizer, const char* name)
    : optimizer_(optimizer), name_(name) {
  for (size_t g = 0; g < optimizer_.num_param_groups(); ++g) {
    if (!optimizer_.initial_lr(g)) optimizer_.set_initial_lr(g, optimizer_.lr(g));
    base_lrs_.push_back(*optimizer_.initial_lr(g));
  }
}

void LRScheduler::initial_step() {
  step_count_ = 0;
  step();
}

std::vector<double> LRScheduler::group_lrs() const {
  std::vector<double> lrs;
  for (size_t g = 0; g < optimizer_.num_param_groups(); ++g) lrs.push_back(optimizer_.lr(g));
  return lrs;
}

void LRScheduler::apply(const std::vector<double>& lrs) {
  EMBER_ASSERT(lrs.size() == optimizer_.num_param_groups(), "one lr per param group");
  for (size_t g = 0; g < lrs.size(); ++g) optimizer_.set_lr(g, lrs[g]);
  last_lr_ = group_lrs();
}

void LRScheduler::step() {
  step_count_ += 1;
  last_epoch_ += 1;
  apply(get_lr());
}

void LRScheduler::step_to(int64_t epoch) {
  step_count_ += 1;
  last_epoch_ = epoch;
  std::optional<std::vector<double>> closed = closed_form_lr();
  apply(closed ? *closed : get_lr());
}

void LRScheduler::visit(FieldVisitor& v) {
  v("base_lrs", base_lrs_);
  v("last_epoch", last_epoch_);
  v("_step_count", step_count_);
  v("_last_lr", last_lr_);
}

StateDict LRScheduler::state_dict() const {
  StateDict out;
  detail::StateDictWriter writer(out, "");
  // visit() serves loading too, hence non-const; the writer only reads the fields.
  const_cast<LRScheduler*>(this)->visit(writer);
  return out;
}

void LRScheduler::load_state_dict(const StateDict& in) {
  detail::load_fields_or_restore(in, state_dict(), load_error(name_),
                                 [this](FieldVisitor& v) { visit(v); });
}

// ---- StepLR --------------------------------------------------------------------------------

StepLR::StepLR(Optimizer& optimizer, const StepLROptions& options)
    : LRScheduler(optimizer, "StepLR"), step_size_(options.step_size), gamma_(options.gamma) {
  EMBER_CHECK(step_size_ > 0, "StepLR: expected step_size > 0, got ", step_size_);
  initial_step();
}

std::vector<double> StepLR::get_lr() {
  std::vector<double> lrs = group_lrs();
  if (last_epoch_ == 0 || last_epoch_ % step_size_ != 0) return lrs;
  for (double& lr : lrs) lr = lr * gamma_;
  return lrs;
}

std::optional<std::vector<double>> StepLR::closed_form_lr() const {
  std::vector<double> lrs;
  for (double base : base_lrs_) {
    lrs.push_back(base * std::pow(gamma_, static_cast<double>(last_epoch_ / step_size_)));
  }
  return lrs;
}

void StepLR::visit(FieldVisitor& v) {
  LRScheduler::visit(v);
  v("step_size", step_size_);
  v("gamma", gamma_);
}

// ---- MultiStepLR ---------------------------------------------------------------------------

MultiStepLR::MultiStepLR(Optimizer& optimizer, const MultiStepLROptions& options)
    : LRScheduler(optimizer, "MultiStepLR"),
      milestones_(options.milestones),
      gamma_(options.gamma) {
  std::sort(milestones_.begin(), milestones_.end());
  initial_step();
}

std::vector<double> MultiStepLR::get_lr() {
  std::vector<double> lrs = group_lrs();
  auto count = std::count(milestones_.begin(), milestones_.end(), last_epoch_);
  if (count == 0) return lrs;
  for (double& lr : lrs) lr = lr * std::pow(gamma_, static_cast<double>(count));
  return lrs;
}

std::optional<std::vector<double>> MultiStepLR::closed_form_lr() const {
  auto passed =
      std::upper_bound(milestones_.begin(), milestones_.end(), last_epoch_) - milestones_.begin();
  std::vector<double> lrs;
  for (double base : base_lrs_) lrs.push_back(base * std::pow(gamma_, static_cast<double>(passed)));
  return lrs;
}

void MultiStepLR::visit(FieldVisitor& v) {
  LRScheduler::visit(v);
  v("milestones", milestones_);
  v("gamma", gamma_);
}

// ---- ExponentialLR -------------------------------------------------------------------------

ExponentialLR::ExponentialLR(Optimizer& optimizer, const ExponentialLROptions& options)
    : LRScheduler(optimizer, "ExponentialLR"), gamma_(options.gamma) {
  EMBER_CHECK(!std::isnan(gamma_), "ExponentialLR: expected gamma to be set, e.g. {.gamma = 0.9}");
  initial_step();
}

std::vector<double> ExponentialLR::get_lr() {
  std::vector<double> lrs = group_lrs();
  if (last_epoch_ == 0) return lrs;
  for (double& lr : lrs) lr = lr * gamma_;
  return lrs;
}

std::optional<std::vector<double>> ExponentialLR::closed_form_lr() const {
  std::vector<double> lrs;
  for (double base : base_lrs_) {
    lrs.push_back(base * std::pow(gamma_, static_cast<double>(last_epoch_)));
  }
  return lrs;
}

void ExponentialLR::visit(FieldVisitor& v) {
  LRScheduler::visit(v);
  v("gamma", gamma_);
}

// ---- CosineAnnealingLR ---------------------------------------------------------------------

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, const CosineAnnealingLROptions& options)
    : LRScheduler(optimizer, "CosineAnnealingLR"),
      T_max_(options.T_max),
      eta_min_(options.eta_min) {
  EMBER_CHECK(T_max_ > 0, "CosineAnnealingLR: expected T_max > 0, got ", T_max_);
  initial_step();
}

std::vector<double> CosineAnnealingLR::get_lr() {
  std::vector<double> lrs = group_lrs();
  auto epoch = static_cast<double>(last_epoch_);
  auto T_max = static_cast<double>(T_max_);
  if (last_epoch_ == 0) return lrs;
  if (step_count_ == 1 && last_epoch_ > 0) {
    for (size_t g = 0; g < lrs.size(); ++g) {
      lrs[g] = eta_min_ + (base_lrs_[g] - eta_min_) * (1 + std::cos(epoch * kPi / T_max)) / 2;
    }
    return lrs;
  }
  if ((last_epoch_ - 1 - T_max_) % (2 * T_max_) == 0) {
    // The lr is at eta_min: the recursive form would divide by zero; step up instead.
    for (size_t g = 0; g < lrs.size(); ++g) {
      lrs[g] = lrs[g] + (base_lrs_[g] - eta_min_) * (1 - std::cos(kPi / T_max)) / 2;
    }
    return lrs;
  }
  for (double& lr : lrs) {
    lr = (1 + std::cos(kPi * epoch / T_max)) / (1 + std::cos(kPi * (epoch - 1) / T_max)) *
             (lr - eta_min_) +
         eta_min_;
  }
  return lrs;
}

std::optional<std::vector<double>> CosineAnnealingLR::closed_form_lr() const {
  std::vector<double> lrs;
  for (double base : base_lrs_) {
    lrs.push_back(eta_min_ + (base - eta_min_) *
                                 (1 + std::cos(kPi * static_cast<double>(last_epoch_) /
                                               static_cast<double>(T_max_))) /
                                 2);
  }
  return lrs;
}

void CosineAnnealingLR::visit(FieldVisitor& v) {
  LRScheduler::visit(v);
  v("T_max", T_max_);
  v("eta_min", eta_min_);
}

// ---- LinearLR ------------------------------------------------------------------------------

LinearLR::LinearLR(Optimizer& optimizer, const LinearLROptions& options)
    : LRScheduler(optimizer, "LinearLR"),
      start_factor_(options.start_factor),
      end_factor_(options.end_factor),
      total_iters_(options.total_iters) {
  EMBER_CHECK(start_factor_ > 0 && start_factor_ <= 1,
              "LinearLR: expected 0 < start_factor <= 1, got ", start_factor_);
  EMBER_CHECK(end_factor_ >= 0 && end_factor_ <= 1, "LinearLR: expected 0 <= end_factor <= 1, got ",
              end_factor_);
  EMBER_CHECK(total_iters_ > 0, "LinearLR: expected total_iters > 0, got ", total_iters_);
  initial_step();
}

std::vector<double> LinearLR::get_lr() {
  std::vector<double> lrs = group_lrs();
  if (last_epoch_ == 0) {
    for (double& lr : lrs) lr = lr * start_factor_;
    return lrs;
  }
  if (last_epoch_ > total_iters_) return lrs;
  double delta = end_factor_ - start_factor_;
  for (double& lr : lrs) {
    lr = lr * (1. + delta / (static_cast<double>(total_iters_) * start_factor_ +
                             static_cast<double>(last_epoch_ - 1) * delta));
  }
  return lrs;
}

std::optional<std::vector<double>> LinearLR::closed_form_lr() const {
  auto done = static_cast<double>(std::min(total_iters_, last_epoch_));
  std::vector<double> lrs;
  for (double base : base_lrs_) {
    lrs.push_back(base * (start_factor_ + (end_factor_ - start_factor_) * done /
                                              static_cast<double>(total_iters_)));
  }
  return lrs;
}

void LinearLR::visit(FieldVisitor& v) {
  LRScheduler::visit(v);
  v("start_factor", start_factor_);
  v("end_factor", end_factor_);
  v("total_iters", total_iters_);
}

// ---- SequentialLR --------------------------------------------------------------------------

SequentialLR::SequentialLR(Optimizer& optimizer,
                           std::vector<std::unique_ptr<LRScheduler>> schedulers,
                           std::vector<int64_t> milestones)
    : LRScheduler(optimizer, "SequentialLR"),
      schedulers_(std::move(schedulers)),
      milestones_(std::move(milestones)) {
  EMBER_CHECK(!schedulers_.empty(), "SequentialLR: expected at least one scheduler");
  for (size_t i = 0; i < schedulers_.size(); ++i) {
    EMBER_CHECK(schedulers_[i] && &schedulers_[i]->optimizer() == &optimizer,
                "SequentialLR: expected every scheduler to drive the optimizer passed in, got "
                "scheduler ",
                i, " with another one");
  }
  EMBER_CHECK(milestones_.size() + 1 == schedulers_.size(),
              "SequentialLR: expected one milestone fewer than schedulers, got ",
              schedulers_.size(), " schedulers and ", milestones_.size(), " milestones");
  last_epoch_ = 0;
  // Undo the first steps the schedulers took when built, and take the first one's again.
  for (size_t g = 0; g < optimizer.num_param_groups(); ++g) {
    optimizer.set_lr(g, *optimizer.initial_lr(g));
  }
  for (auto& s : schedulers_) s->last_epoch_ -= 1;
  schedulers_[0]->initial_step();
  last_lr_ = schedulers_[0]->get_last_lr();
}

void SequentialLR::step() {
  last_epoch_ += 1;
  auto idx =
      std::upper_bound(milestones_.begin(), milestones_.end(), last_epoch_) - milestones_.begin();
  LRScheduler& s = *schedulers_[static_cast<size_t>(idx)];
  if (idx > 0 && milestones_[static_cast<size_t>(idx) - 1] == last_epoch_) {
    s.step_to(0);
  } else {
    s.step();
  }
  last_lr_ = s.get_last_lr();
}

void SequentialLR::visit(FieldVisitor& v) {
  v("last_epoch", last_epoch_);
  v("_last_lr", last_lr_);
  v("_milestones", milestones_);
}

StateDict SequentialLR::state_dict() const {
  StateDict out = LRScheduler::state_dict();
  for (size_t i = 0; i < schedulers_.size(); ++i) {
    for (auto& [key, value] : schedulers_[i]->state_dict()) {
      out["_schedulers." + std::to_string(i) + "." + key] = value;
    }
  }
  return out;
}

// Splits a SequentialLR state dict into its own keys and each scheduler's.
std::pair<StateDict, std::vector<StateDict>> SequentialLR::split(const StateDict& in) const {
  std::pair<StateDict, std::vector<StateDict>> out;
  out.second.resize(schedulers_.size());
  const std::string prefix = "_schedulers.";
  for (const auto& [key, value] : in) {
    if (key.rfind(prefix, 0) != 0) {
      out.first[key] = value;
      continue;
    }
    size_t dot = key.find('.', prefix.size());
    size_t i = schedulers_.size();
    try {
      i = std::stoul(key.substr(prefix.size(), dot - prefix.size()));
    } catch (const std::exception&) {
    }
    EMBER_CHECK(dot != std::string::npos && i < schedulers_.size(),
                "SequentialLR.load_state_dict: unexpected key ", key, " (there are ",
                schedulers_.size(), " schedulers)");
    out.second[i][key.substr(dot + 1)] = value;
  }
  return out;
}

void SequentialLR::load_state_dict(const StateDict& in) {
  auto [own, parts] = split(in);
  auto [own_backup, parts_backup] = split(state_dict());
  auto visit_own = [this](FieldVisitor& v) { visit(v); };
  detail::load_fields_or_restore(own, own_backup, load_error(name_), visit_own);
  for (size_t i = 0; i < schedulers_.size(); ++i) {
    try {
      schedulers_[i]->load_state_dict(parts[i]);
    } catch (const ValueError&) {
      // Scheduler i restored itself; put the earlier ones and our own fields back too.
      for (size_t j = 0; j < i; ++j) schedulers_[j]->load_state_dict(parts_backup[j]);
      detail::load_fields_or_restore(own_backup, own_backup, load_error(name_), visit_own);
      throw;
    }
  }
}

}  // namespace ember::optim
