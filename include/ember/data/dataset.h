// Datasets: the indexable collections a DataLoader batches.
//
// A Dataset maps an index in [0, size()) to one Example (an input and its target). Datasets
// are shared between the DataLoader's worker threads, so get() is const and must be safe to
// call from several threads at once. This file also holds the generic wrappers: TensorDataset
// (rows of in-memory tensors), Subset (a view through a list of indices) and random_split.
// Readers of files on disk live beside it (idx.h, mnist.h); augmentation is in transforms.h.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "ember/core/generator.h"
#include "ember/core/tensor.h"

namespace ember::data {

/// One sample. For an image classifier: input (C,H,W) float32, target () int64 (the class).
/// A dataset without targets leaves `target` undefined. Shapes and dtypes must be the same
/// for every index of a dataset for the default collate to stack them.
struct Example {
  Tensor input;
  Tensor target;
};

class Dataset {
 public:
  virtual ~Dataset() = default;
  /// Number of examples.
  virtual int64_t size() const = 0;
  /// The example at `index` in [0, size()); throws IndexError outside. Thread-safe.
  virtual Example get(int64_t index) const = 0;
};

/// Row i of `inputs` and row i of `targets` (views, no copy). inputs (N,...), targets (N,...)
/// or undefined. Both are detached: loading data never records autograd.
class TensorDataset : public Dataset {
 public:
  /// Throws ShapeError when inputs or targets are 0-d or their sizes along dim 0 differ.
  explicit TensorDataset(Tensor inputs, Tensor targets = Tensor());
  int64_t size() const override;
  Example get(int64_t index) const override;
  const Tensor& inputs() const { return inputs_; }
  const Tensor& targets() const { return targets_; }

 private:
  Tensor inputs_;
  Tensor targets_;
};

/// The examples of `dataset` at `indices`, in that order (as torch.utils.data.Subset).
class Subset : public Dataset {
 public:
  /// Throws IndexError naming the position of an index outside [0, dataset->size()).
  Subset(std::shared_ptr<const Dataset> dataset, std::vector<int64_t> indices);
  int64_t size() const override { return static_cast<int64_t>(indices_.size()); }
  Example get(int64_t index) const override;
  const std::vector<int64_t>& indices() const { return indices_; }
  const std::shared_ptr<const Dataset>& dataset() const { return dataset_; }

 private:
  std::shared_ptr<const Dataset> dataset_;
  std::vector<int64_t> indices_;
};

/// Splits `dataset` into disjoint random subsets of the given lengths, which must be
/// non-negative and sum to dataset->size() (ValueError otherwise). The permutation is
/// randperm(size, &generator): the same generator state gives the same split, and the call
/// advances the generator.
std::vector<std::shared_ptr<Subset>> random_split(std::shared_ptr<const Dataset> dataset,
                                                  const std::vector<int64_t>& lengths,
                                                  Generator& generator);

/// As random_split, with fractions in [0, 1] summing to 1 (within 1e-6): each subset gets
/// floor(size * fraction) examples and the remainder goes one by one to the first subsets,
/// as PyTorch does. A separate name because {8, 2} would read as either.
std::vector<std::shared_ptr<Subset>> random_split_fractions(std::shared_ptr<const Dataset> dataset,
                                                            const std::vector<double>& fractions,
                                                            Generator& generator);

}  // namespace ember::data
