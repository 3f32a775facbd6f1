// DataLoader: batches of a Dataset, shuffled reproducibly, prepared ahead by worker threads.
//
// The loader is a single-consumer iterator over one epoch at a time. Epoch e visits the
// dataset in the order of a permutation keyed by (seed, e) (or in index order without
// shuffle), cut into batches of batch_size. With num_workers > 0, std::threads prepare up to
// num_workers * prefetch batches ahead into a bounded buffer; batches are still delivered in
// sampler order and are bit-identical to num_workers = 0, because every batch, random
// transforms included, is a pure function of (seed, epoch, batch number). See
// Note [Loader determinism] in dataloader.cpp.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "ember/data/dataset.h"
#include "ember/data/transforms.h"

namespace ember::data {

/// A batch: input (B,...) and target (B,...) (undefined when the examples have no target),
/// and `index`, its position in the epoch (0, 1, ..., size() - 1).
struct Batch {
  Tensor input;
  Tensor target;
  int64_t index = 0;
};

/// Examples -> a batch. The loader sets the returned batch's index.
using Collate = std::function<Batch(const std::vector<Example>& examples)>;

/// Stacks inputs, and targets, along a new dim 0 with one memcpy per example into a
/// preallocated tensor. Throws ValueError for no examples, ShapeError / DTypeError naming the
/// first example whose input or target differs from example 0's.
Batch default_collate(const std::vector<Example>& examples);

struct DataLoaderOptions {
  /// Examples per batch (>= 1).
  int64_t batch_size = 1;
  /// Visit the dataset in a new random order each epoch, keyed by (seed, epoch).
  bool shuffle = false;
  /// Drop the last batch when it has fewer than batch_size examples.
  bool drop_last = false;
  /// Keys the shuffle and every SampleRandom the transform sees.
  uint64_t seed = 0;
  /// Threads that prepare batches; 0 prepares each batch on the caller's thread in next().
  int64_t num_workers = 0;
  /// Batches prepared ahead per worker (>= 1), as PyTorch's prefetch_factor.
  int64_t prefetch = 2;
  /// Applied to each example's input with SampleRandom(seed, epoch, dataset index); empty
  /// for none. Workers call it concurrently: it must be thread-safe (the transforms of
  /// transforms.h are).
  Transform transform;
  /// Empty for default_collate. Called concurrently by the workers, as `transform`.
  Collate collate;
};

class DataLoader {
 public:
  /// Throws ValueError for a null dataset, batch_size < 1, num_workers < 0 or prefetch < 1.
  DataLoader(std::shared_ptr<const Dataset> dataset, DataLoaderOptions options = {});
  /// Stops and joins the workers, also mid-epoch; never throws.
  ~DataLoader();
  DataLoader(const DataLoader&) = delete;
  DataLoader& operator=(const DataLoader&) = delete;

  /// Restarts iteration at batch 0 of `epoch` (>= 0), discarding batches prepared ahead.
  /// Before any call the loader is at epoch 0.
  void begin_epoch(int64_t epoch);
  /// The next batch of the current epoch, or nullopt when it is exhausted. An exception
  /// thrown while preparing the batch (by the dataset, the transform or the collate, on a
  /// worker or not) is rethrown here unchanged; the batch is then skipped and the next call
  /// goes on with the following one. No autograd is recorded while preparing batches.
  std::optional<Batch> next();
  /// Batches per epoch.
  int64_t size() const;
  int64_t epoch() const { return epoch_; }
  const DataLoaderOptions& options() const { return options_; }

  /// Range-for over the current epoch from its first batch:
  ///   for (int64_t e = 0; e < epochs; ++e) { loader.begin_epoch(e); for (Batch& b : loader) ... }
  class Iterator {
   public:
    using value_type = Batch;
    using difference_type = std::ptrdiff_t;
    Iterator() = default;
    explicit Iterator(DataLoader* loader);
    Batch& operator*() { return *batch_; }
    Batch* operator->() { return &*batch_; }
    Iterator& operator++();
    void operator++(int) { ++*this; }
    bool operator==(std::default_sentinel_t) const { return !batch_.has_value(); }

   private:
    DataLoader* loader_ = nullptr;
    std::optional<Batch> batch_;
  };
  /// Restarts the current epoch when it has already been started.
  Iterator begin();
  std::default_sentinel_t end() { return {}; }

 private:
  struct Slot {
    std::optional<Batch> batch;
    std::exception_ptr error;
    bool ready = false;
  };

  Batch make_batch(int64_t b) const;
  void start_workers();
  void stop_workers() noexcept;
  void worker_loop();

  std::shared_ptr<const Dataset> dataset_;
  DataLoaderOptions options_;
  int64_t epoch_ = 0;
  std::vector<int64_t> order_;  // dataset indices in visiting order for epoch_
  bool started_ = false;        // a batch of epoch_ was requested
  int64_t delivered_ = 0;       // batches handed to the caller in this epoch

  // Shared with the workers, guarded by mutex_.
  std::mutex mutex_;
  std::condition_variable work_cv_;   // a worker may claim a batch, or must stop
  std::condition_variable ready_cv_;  // a slot was filled
  std::vector<Slot> slots_;           // batch b lives in slots_[b % slots_.size()]
  int64_t claimed_ = 0;               // next batch a worker will prepare
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace ember::data
