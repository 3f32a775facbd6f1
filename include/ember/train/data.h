// The data of an image-classification run: the MNIST-format train and test splits, the
// normalisation the model sees, and the class names.
//
// Images stay uint8 pixels inside the datasets (a quarter of float32's memory; augmentation
// pads with black, as torchvision's RandomCrop before ToTensor and Normalize); Normalization
// turns each batch into floats, pixel / 255, and normalises them, in the Trainer and in
// evaluate(), with the training split's statistics, which checkpoints keep so that `ember
// eval` normalises exactly as training did.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ember/core/tensor.h"
#include "ember/data/dataset.h"

namespace ember::train {

/// (x - mean) / std, one value for every pixel.
struct Normalization {
  double mean = 0.0;
  double std = 1.0;

  /// x (N,C,H,W) uint8 pixels (divided by 255 first) or float32 in [0, 1] -> float32 of the
  /// same shape, a new tensor.
  Tensor apply(const Tensor& x) const;
};

struct ClassificationData {
  std::shared_ptr<const data::Dataset> train;  // null when not loaded
  std::shared_ptr<const data::Dataset> test;
  /// Statistics of the whole training split (meaningless when train was not loaded).
  Normalization normalization;
  /// Names by label: Fashion-MNIST's names for "fashion-mnist", "0".."9" otherwise.
  std::vector<std::string> class_names;
  /// The directory the files were read from.
  std::string dir;
};

struct LoadDataOptions {
  /// Load the training split too (evaluation needs only the test split).
  bool load_train = true;
  /// Keep only the first N examples of a split.
  std::optional<int64_t> limit_train;
  std::optional<int64_t> limit_test;
};

/// The number of classes every classifier here predicts (MNIST and Fashion-MNIST).
constexpr int64_t kNumClasses = 10;

/// "fashion-mnist" -> the Debian package's directory; anything else must be a directory.
/// Throws IoError naming the path (with the fix for a missing package).
std::string resolve_data_dir(const std::string& data);

/// Reads the splits (see data::load_mnist for the files and their errors). Throws IoError
/// naming the directory when a label is outside [0, kNumClasses).
ClassificationData load_classification_data(const std::string& data,
                                            const LoadDataOptions& options = {});

}  // namespace ember::train
