// Training checkpoints: one safetensors file with everything a run needs to continue.
//
// Tensors are stored under prefixes: "model.<key>" (the model's state_dict),
// "optimizer.<key>" and "scheduler.<key>" (their state dicts, see optim/state_dict.h). The
// safetensors "__metadata__" holds one entry, "ember", a JSON object:
//
//   {"format_version": 1, "model": "lenet", "epoch": 2, "global_step": 1876,
//    "best_metric": 0.9040, "best_epoch": 2, "last_metric": 0.9012, "elapsed_s": 81.5,
//    "normalization": {"mean": 0.286, "std": 0.353},
//    "rng": {"default": {"seed": 0, "offset": 123456}}, "config": {...TrainConfig...}}
//
// Metrics are test accuracies. Files are written atomically (io::save_safetensors), so a
// crash while saving keeps the previous checkpoint intact. This is not a weights-only export:
// a plain safetensors file of weights has no "ember" metadata and is rejected here.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "ember/core/generator.h"
#include "ember/nn/module.h"
#include "ember/optim/state_dict.h"
#include "ember/train/config.h"
#include "ember/train/data.h"

namespace ember::train {

struct CheckpointMeta {
  static constexpr int64_t kFormatVersion = 1;

  std::string model;
  TrainConfig config;
  /// Epochs completed; training resumes at the next one.
  int64_t epoch = 0;
  /// Optimizer steps taken.
  int64_t global_step = 0;
  /// The best test accuracy so far and the (1-based) epoch that reached it.
  double best_metric = 0.0;
  int64_t best_epoch = 0;
  /// The test accuracy of `epoch`.
  double last_metric = 0.0;
  /// Wall time spent training so far, resumed runs included.
  double elapsed_s = 0.0;
  Normalization normalization;
  /// Every generator the run draws from: "default" (initialisation, dropout) and any other.
  std::map<std::string, Generator::State> rng;
};

struct Checkpoint {
  CheckpointMeta meta;
  nn::StateDict model;
  optim::StateDict optimizer;
  optim::StateDict scheduler;
};

/// Writes `checkpoint` to `path` atomically. IoError naming the path when it cannot.
void save_checkpoint(const std::string& path, const Checkpoint& checkpoint);

/// Reads a checkpoint. IoError naming the file when it is missing or not valid safetensors,
/// has no "ember" metadata, malformed or incomplete metadata, a newer format version, or a
/// tensor outside the three prefixes.
Checkpoint load_checkpoint(const std::string& path);

/// `path` when it is a file; <path>/last.safetensors when it is a directory.
std::string resolve_checkpoint_path(const std::string& path);

/// Copies the checkpoint's weights into `model` (which keeps its tensors). ShapeError on one
/// line, naming the file and the model and listing every missing, unexpected or mismatched
/// key, when the checkpoint was made for another architecture.
void load_model_weights(nn::Module& model, const Checkpoint& checkpoint, const std::string& path);

}  // namespace ember::train
