// Optimizers and LR schedules by name.
//
// Note [Scheduler cadence]
// "step" and "plateau" act once per epoch (StepLR every step_size epochs; ReduceLROnPlateau
// on the test loss), as in most PyTorch recipes. "cosine", "warmup-cosine" and "onecycle"
// act after every batch, with lengths counted in optimizer steps (epochs * steps_per_epoch),
// so the lr follows a smooth curve even over two or three epochs. The lr written in each
// metrics record is the one the last optimizer step used.
#include "train/optimizers.h"

#include <algorithm>

#include "ember/optim/adagrad.h"
#include "ember/optim/adam.h"
#include "ember/optim/lr_scheduler.h"
#include "ember/optim/rmsprop.h"
#include "ember/optim/sgd.h"

namespace ember::train {

namespace {

// An LRScheduler stepped after every batch or after every epoch.
class SchedulerSchedule : public Schedule {
 public:
  SchedulerSchedule(std::unique_ptr<optim::LRScheduler> scheduler, bool per_step)
      : scheduler_(std::move(scheduler)), per_step_(per_step) {}
  void after_step() override {
    if (per_step_) scheduler_->step();
  }
  void after_epoch(double) override {
    if (!per_step_) scheduler_->step();
  }
  optim::StateDict state_dict() const override { return scheduler_->state_dict(); }
  void load_state_dict(const optim::StateDict& state) override {
    scheduler_->load_state_dict(state);
  }

 private:
  std::unique_ptr<optim::LRScheduler> scheduler_;
  bool per_step_;
};

class PlateauSchedule : public Schedule {
 public:
  PlateauSchedule(optim::Optimizer& optimizer, const optim::ReduceLROnPlateauOptions& options)
      : plateau_(optimizer, options) {}
  void after_epoch(double test_loss) override { plateau_.step(test_loss); }
  optim::StateDict state_dict() const override { return plateau_.state_dict(); }
  void load_state_dict(const optim::StateDict& state) override { plateau_.load_state_dict(state); }

 private:
  optim::ReduceLROnPlateau plateau_;
};

std::unique_ptr<optim::LRScheduler> cosine(optim::Optimizer& optimizer, int64_t steps,
                                           double min_lr) {
  return std::make_unique<optim::CosineAnnealingLR>(
      optimizer,
      optim::CosineAnnealingLROptions{.T_max = std::max<int64_t>(steps, 1), .eta_min = min_lr});
}

}  // namespace

std::unique_ptr<optim::Optimizer> make_optimizer(const TrainConfig& c, std::vector<Tensor> params) {
  double wd = c.weight_decay.value_or(0.0);
  if (c.optimizer == "sgd") {
    return std::make_unique<optim::SGD>(
        std::move(params),
        optim::SGDOptions{.lr = c.lr, .momentum = c.momentum, .weight_decay = wd});
  }
  if (c.optimizer == "adam") {
    return std::make_unique<optim::Adam>(std::move(params),
                                         optim::AdamOptions{.lr = c.lr, .weight_decay = wd});
  }
  if (c.optimizer == "adamw") {
    optim::AdamWOptions o{.lr = c.lr};
    if (c.weight_decay) o.weight_decay = *c.weight_decay;
    return std::make_unique<optim::AdamW>(std::move(params), o);
  }
  if (c.optimizer == "rmsprop") {
    return std::make_unique<optim::RMSprop>(
        std::move(params),
        optim::RMSpropOptions{.lr = c.lr, .weight_decay = wd, .momentum = c.momentum});
  }
  if (c.optimizer == "adagrad") {
    return std::make_unique<optim::Adagrad>(std::move(params),
                                            optim::AdagradOptions{.lr = c.lr, .weight_decay = wd});
  }
  EMBER_THROW(ValueError, "train: unknown optimizer '", c.optimizer, "'");
}

std::unique_ptr<Schedule> make_schedule(const TrainConfig& c, optim::Optimizer& optimizer,
                                        int64_t steps_per_epoch) {
  int64_t total_steps = c.epochs * steps_per_epoch;
  if (c.scheduler == "none") return std::make_unique<Schedule>();
  if (c.scheduler == "step") {
    int64_t step_size = c.step_size > 0 ? c.step_size : std::max<int64_t>(1, c.epochs / 3);
    return std::make_unique<SchedulerSchedule>(
        std::make_unique<optim::StepLR>(
            optimizer, optim::StepLROptions{.step_size = step_size, .gamma = c.gamma}),
        /*per_step=*/false);
  }
  if (c.scheduler == "cosine") {
    return std::make_unique<SchedulerSchedule>(cosine(optimizer, total_steps, c.min_lr),
                                               /*per_step=*/true);
  }
  if (c.scheduler == "warmup-cosine") {
    int64_t warmup = std::min(c.warmup_epochs * steps_per_epoch, total_steps);
    if (warmup == 0) {
      return std::make_unique<SchedulerSchedule>(cosine(optimizer, total_steps, c.min_lr),
                                                 /*per_step=*/true);
    }
    // Linear from lr / warmup up to lr over the warmup steps, then the cosine decay.
    std::vector<std::unique_ptr<optim::LRScheduler>> parts;
    parts.push_back(std::make_unique<optim::LinearLR>(
        optimizer, optim::LinearLROptions{.start_factor = 1.0 / static_cast<double>(warmup),
                                          .end_factor = 1.0,
                                          .total_iters = warmup}));
    parts.push_back(cosine(optimizer, total_steps - warmup, c.min_lr));
    return std::make_unique<SchedulerSchedule>(
        std::make_unique<optim::SequentialLR>(optimizer, std::move(parts),
                                              std::vector<int64_t>{warmup}),
        /*per_step=*/true);
  }
  if (c.scheduler == "onecycle") {
    optim::OneCycleLROptions o{.max_lr = {c.lr}, .total_steps = std::max<int64_t>(total_steps, 1)};
    o.cycle_momentum = optimizer.momentum(0).has_value();
    return std::make_unique<SchedulerSchedule>(std::make_unique<optim::OneCycleLR>(optimizer, o),
                                               /*per_step=*/true);
  }
  if (c.scheduler == "plateau") {
    return std::make_unique<PlateauSchedule>(
        optimizer, optim::ReduceLROnPlateauOptions{.mode = optim::PlateauMode::min,
                                                   .factor = c.gamma,
                                                   .patience = c.plateau_patience,
                                                   .min_lr = {c.min_lr}});
  }
  EMBER_THROW(ValueError, "train: unknown scheduler '", c.scheduler, "'");
}

}  // namespace ember::train
