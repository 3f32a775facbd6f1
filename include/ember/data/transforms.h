// Per-sample transforms (augmentation and normalization), as torchvision.transforms.
//
// A Transform maps one example's input to a new input. Random transforms draw from a
// SampleRandom, a stream that is a pure function of (seed, epoch, sample index): the
// DataLoader builds one per sample, so an augmented epoch is the same whatever the number of
// worker threads or the order they run in, and it changes from one epoch to the next.
// Transforms never modify their input and never record autograd. They apply to inputs only;
// targets pass through unchanged.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "ember/core/tensor.h"

namespace ember::data {

/// The random stream of one sample in one epoch. Successive draws advance a counter, so the
/// transforms of a Compose each see different numbers.
class SampleRandom {
 public:
  SampleRandom(uint64_t seed, int64_t epoch, int64_t index);
  /// Uniform in [0, 1) with 24 random bits.
  float uniform();
  /// Uniform integer in [low, high); throws ValueError unless low < high.
  int64_t randint(int64_t low, int64_t high);

 private:
  uint64_t key_;
  uint64_t counter_ = 0;
};

/// input -> transformed input. Normalize, RandomCrop, RandomHorizontalFlip and Compose are
/// Transforms; so is any callable with this signature.
using Transform = std::function<Tensor(const Tensor& input, SampleRandom& random)>;

/// (x - mean[c]) / std[c] for each channel c of an input (C,...) of float32 or float64,
/// computed in the input's dtype as torchvision does. mean and std hold C values or one value
/// for every channel.
class Normalize {
 public:
  /// Throws ValueError when mean or std is empty, their sizes differ (unless one has a
  /// single value), or a std is 0.
  Normalize(std::vector<double> mean, std::vector<double> std);
  /// Throws DTypeError for a non-floating input, ShapeError when the channel count differs.
  Tensor operator()(const Tensor& input, SampleRandom& random) const;

 private:
  std::vector<double> mean_;
  std::vector<double> std_;
};

/// Pads the last two dims (H,W) of an input (...,H,W) with `padding` zeros on every side, then
/// crops a (height,width) window at a uniformly random offset (torchvision's RandomCrop with
/// fill 0). Any dtype. Output (...,height,width), a new contiguous tensor.
class RandomCrop {
 public:
  /// A square crop. Throws ValueError when size < 1 or padding < 0.
  explicit RandomCrop(int64_t size, int64_t padding = 0);
  /// A crop of {height, width}. Write the padding even when 0: RandomCrop({h, w}) alone
  /// does not compile, as {h, w} could also mean RandomCrop(h, w) copied.
  explicit RandomCrop(std::array<int64_t, 2> size, int64_t padding = 0);
  /// Throws ShapeError when the input has fewer than 2 dims or the padded input is smaller
  /// than the crop.
  Tensor operator()(const Tensor& input, SampleRandom& random) const;

 private:
  int64_t height_;
  int64_t width_;
  int64_t padding_;
};

/// Reverses the last dim (W) of an input (...,W) with probability p, any dtype. Draws one
/// uniform per call; returns the input itself when it does not flip.
class RandomHorizontalFlip {
 public:
  /// Throws ValueError unless 0 <= p <= 1.
  explicit RandomHorizontalFlip(double p = 0.5);
  Tensor operator()(const Tensor& input, SampleRandom& random) const;

 private:
  double p_;
};

/// Applies transforms in order, passing the same SampleRandom along.
class Compose {
 public:
  /// Throws ValueError naming the position of an empty transform.
  explicit Compose(std::vector<Transform> transforms);
  Tensor operator()(const Tensor& input, SampleRandom& random) const;

 private:
  std::vector<Transform> transforms_;
};

}  // namespace ember::data
