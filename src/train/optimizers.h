// The optimizer and LR schedule a TrainConfig names, behind one interface for the Trainer.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "ember/optim/optimizer.h"
#include "ember/train/config.h"

namespace ember::train {

/// config.optimizer over `params`, with config.lr, momentum and weight_decay.
std::unique_ptr<optim::Optimizer> make_optimizer(const TrainConfig& config,
                                                 std::vector<Tensor> params);

/// An LR schedule: per-batch and per-epoch hooks hide which scheduler steps when.
class Schedule {
 public:
  virtual ~Schedule() = default;
  /// After each optimizer step.
  virtual void after_step() {}
  /// After each epoch's evaluation, with its test loss.
  virtual void after_epoch(double test_loss) { (void)test_loss; }
  virtual optim::StateDict state_dict() const { return {}; }
  /// ValueError listing what does not match (see the schedulers' load_state_dict).
  virtual void load_state_dict(const optim::StateDict& state) { (void)state; }
};

/// config.scheduler driving `optimizer` (which must outlive it), for epochs of
/// steps_per_epoch optimizer steps.
std::unique_ptr<Schedule> make_schedule(const TrainConfig& config, optim::Optimizer& optimizer,
                                        int64_t steps_per_epoch);

}  // namespace ember::train
