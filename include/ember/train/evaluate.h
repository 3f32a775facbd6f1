// Evaluating a classifier on a dataset: mean loss, accuracy and the confusion matrix.
//
// The model runs in eval mode (dropout off, BatchNorm on running statistics) without
// recording autograd, in batches; evaluation draws no random numbers, so it leaves every
// generator as it found it (training resumes bit-exactly after it). The caller's
// train/eval mode is restored on return.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "ember/data/dataset.h"
#include "ember/nn/module.h"
#include "ember/train/data.h"

namespace ember::train {

struct EvalOptions {
  int64_t batch_size = 1000;
  Normalization normalization;
  int64_t num_classes = kNumClasses;
};

struct EvalResult {
  int64_t num_samples = 0;
  /// Mean cross-entropy over the samples.
  double loss = 0.0;
  double accuracy = 0.0;
  int64_t num_classes = 0;
  /// confusion[t * num_classes + p]: samples of true class t predicted as p.
  std::vector<int64_t> confusion;

  /// Samples of class c, and the fraction of them predicted right (0 when there are none).
  int64_t class_count(int64_t c) const;
  double class_accuracy(int64_t c) const;
};

/// Inputs are normalised batches of dataset examples (N,C,H,W); targets int64 class indices
/// in [0, num_classes). Throws ValueError for batch_size < 1 or an empty dataset.
EvalResult evaluate(nn::Module& model, std::shared_ptr<const data::Dataset> dataset,
                    const EvalOptions& options = {});

}  // namespace ember::train
