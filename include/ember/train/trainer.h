// The Trainer: fits an image classifier as `ember train` does, with metrics, checkpoints,
// progress output, early stopping and exact resume.
//
// Each step: model.train(); logits = model(normalize(x)); loss = cross_entropy(logits, y);
// zero_grad; backward; optimizer step; per-batch scheduler step. Each epoch: evaluate on the
// test split (eval mode, no autograd, batches of 1000), per-epoch scheduler step, metrics,
// <out>/last.safetensors, and <out>/best.safetensors when the test accuracy improves.
//
// Note [Exact resume]
// A run that stops after epoch k and resumes from last.safetensors computes the same
// floats, step for step, as one that never stopped (tests/unit/train/test_resume.cpp
// checks the losses with ==). That holds because everything random is either restored or a
// pure function of the config: the shuffle order and augmentation are functions of (seed,
// epoch, index) (data/dataloader.h); the default generator (initialisation, dropout) is saved
// and restored; and weights, BatchNorm buffers, optimizer moments, step counts and scheduler
// counters are saved bit for bit. Evaluation draws no random numbers. The run must use the
// same thread count, as the kernels' summation order may depend on it.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <vector>

#include "ember/train/config.h"
#include "ember/train/data.h"

namespace ember::train {

struct FitResult {
  /// Epochs completed, including those of the run resumed from.
  int64_t epochs = 0;
  int64_t global_step = 0;
  /// Test metrics of the last epoch, and the best test accuracy with its (1-based) epoch.
  double test_loss = 0.0;
  double test_accuracy = 0.0;
  double best_accuracy = 0.0;
  int64_t best_epoch = 0;
  bool stopped_early = false;
  /// Wall time of this call, and of the whole run (resumed runs included).
  double seconds = 0.0;
  double elapsed_s = 0.0;
  /// The loss of every optimizer step taken by this call, in order.
  std::vector<float> step_losses;
};

/// What one epoch measured, for an EpochCallback.
struct EpochReport {
  int64_t epoch = 0;  // 1-based
  int64_t global_step = 0;
  double train_loss = 0.0;
  double train_accuracy = 0.0;
  double test_loss = 0.0;
  double test_accuracy = 0.0;
  double lr = 0.0;
};

/// Called after each epoch, once its checkpoints are written. Returning false ends the run
/// there, as an interruption would (last.safetensors resumes it).
using EpochCallback = std::function<bool(const EpochReport& report)>;

/// Loads config.data (see load_classification_data) and trains. Progress goes to `log`
/// (nothing when config.quiet). Throws before training starts, leaving no file behind, for
/// an invalid config (ValueError), missing or corrupt data or checkpoint, or an output
/// directory that cannot be written (IoError), and a checkpoint of another model
/// (ShapeError).
FitResult fit(const TrainConfig& config, std::ostream& log, const EpochCallback& on_epoch = {});

/// Trains on data that is already loaded (data.train and data.test must be set; images
/// (1,28,28) float32, targets int64 in [0, kNumClasses)). config.data, limit_train and
/// limit_test are then only recorded, not used.
FitResult fit(const TrainConfig& config, const ClassificationData& data, std::ostream& log,
              const EpochCallback& on_epoch = {});

}  // namespace ember::train
