// TrainConfig: everything a training run is told, one field per `ember train` option.
//
// The config is plain data: validate() checks its values before any file is touched, and
// to_json / train_config_from_json carry it inside checkpoints (train/checkpoint.h), so that
// `ember train --resume` and `ember eval` know how a run was made. It deliberately holds no
// objects (no model, no optimizer): the Trainer builds those from the names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ember::train {

struct TrainConfig {
  /// A name of models::model_names(): mlp, lenet, vgg, resnet18.
  std::string model = "lenet";
  /// "fashion-mnist" or a directory holding the four MNIST-format IDX files.
  std::string data = "fashion-mnist";
  int64_t epochs = 10;
  int64_t batch_size = 64;
  /// sgd, adam, adamw, rmsprop or adagrad, with PyTorch's defaults for unset options.
  std::string optimizer = "adam";
  double lr = 1e-3;
  /// SGD and RMSprop momentum (PyTorch's default 0).
  double momentum = 0.0;
  /// Unset: the optimizer's PyTorch default (1e-2 for AdamW, 0 for the others).
  std::optional<double> weight_decay;

  /// none, step, cosine, onecycle, plateau or warmup-cosine. See Note [Scheduler cadence]
  /// in src/train/optimizers.cpp for which step per batch and which per epoch.
  std::string scheduler = "none";
  /// step: epochs between decays; 0 means max(1, epochs / 3).
  int64_t step_size = 0;
  /// step: the decay factor; plateau: the reduction factor.
  double gamma = 0.1;
  /// warmup-cosine: epochs of linear warmup before the cosine decay.
  int64_t warmup_epochs = 1;
  /// cosine and warmup-cosine: the final lr; plateau: the lowest lr.
  double min_lr = 0.0;
  /// plateau: epochs without a lower test loss before the lr is reduced.
  int64_t plateau_patience = 2;

  /// Random crop 28 with padding 2 and a horizontal flip, on training images only.
  bool augment = false;
  /// Seeds the model's initialisation, the shuffle, augmentation and dropout.
  uint64_t seed = 0;
  /// The run directory: metrics.jsonl, last.safetensors, best.safetensors.
  std::string out = "runs/run";
  /// DataLoader worker threads (0: batches are made on the training thread).
  int64_t num_workers = 0;
  /// A metrics record (and, off a terminal, a progress line) every log_every steps.
  int64_t log_every = 50;
  /// No progress output at all (the returned FitResult still has everything).
  bool quiet = false;
  /// Redraw one progress bar per epoch with '\r' (for a terminal) instead of printing lines.
  bool progress_bar = false;
  /// Stop after this many epochs without a better test accuracy.
  std::optional<int64_t> early_stopping;
  /// A checkpoint file, or a run directory (its last.safetensors), to continue from.
  std::string resume;
  /// Use only the first N training / test samples (tests and quick checks).
  std::optional<int64_t> limit_train;
  std::optional<int64_t> limit_test;
};

/// The accepted names, for help texts and error messages.
const std::vector<std::string>& optimizer_names();
const std::vector<std::string>& scheduler_names();

/// Throws ValueError naming the first field out of range ("train: expected batch_size >= 1,
/// got 0"; an unknown model lists the valid names). Touches no file.
void validate(const TrainConfig& config);

/// The config as a JSON object (unset optionals are null).
std::string to_json(const TrainConfig& config);
/// Parses to_json's output; fields that are absent keep their defaults. Throws IoError
/// naming `what` (the file it came from) for malformed JSON or a field of the wrong type.
TrainConfig train_config_from_json(const std::string& json, const std::string& what);

}  // namespace ember::train
