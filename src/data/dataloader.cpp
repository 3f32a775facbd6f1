// DataLoader and default_collate.
//
// Note [Loader determinism]
// A batch is a pure function of (dataset, options, epoch, batch number): the order is fixed
// before any worker starts (a permutation keyed by (seed, epoch)), batch b takes
// order[b*B, (b+1)*B), and the transform of the example at dataset index i draws from
// SampleRandom(seed, epoch, i). Nothing a worker computes depends on which worker it is, on
// what other workers did, or on a shared generator, so any num_workers gives the same bytes.
// Workers claim batch numbers in increasing order and put batch b in slot b % capacity; the
// consumer takes slot `delivered` only, so delivery follows the sampler order, and a worker may
// claim batch b only while b < delivered + capacity, which bounds the memory in flight and
// guarantees the slot is free.
#include "ember/data/dataloader.h"

#include <cstring>
#include <numeric>

#include "data/derive_seed.h"
#include "ember/autograd/grad_mode.h"
#include "ember/ops/factory.h"

namespace ember::data {

namespace {

// Copies field `field` of every example into row i of a new (B,...) tensor.
Tensor stack_field(const std::vector<Example>& examples, Tensor Example::*field, const char* name) {
  const Tensor& first = examples[0].*field;
  Shape shape{static_cast<int64_t>(examples.size())};
  shape.insert(shape.end(), first.sizes().begin(), first.sizes().end());
  Tensor out = empty(shape, {.dtype = first.dtype()});
  auto* dst = static_cast<uint8_t*>(out.data_ptr());
  size_t row_bytes = first.nbytes();
  for (size_t i = 0; i < examples.size(); ++i) {
    const Tensor& t = examples[i].*field;
    EMBER_CHECK(t.defined(), "default_collate: example ", i, " has no ", name,
                " but example 0 has one");
    EMBER_CHECK_DEVICE(t.device().is_cpu(), "default_collate: expected CPU tensors, got the ", name,
                       " of example ", i, " on ", t.device());
    EMBER_CHECK_SHAPE(t.sizes() == first.sizes(), "default_collate: expected every ", name,
                      " to have the shape of example 0's, ", shape_str(first.sizes()), ", got ",
                      shape_str(t.sizes()), " at example ", i);
    EMBER_CHECK_DTYPE(t.dtype() == first.dtype(), "default_collate: expected every ", name,
                      " to have the dtype of example 0's, ", first.dtype(), ", got ", t.dtype(),
                      " at example ", i);
    if (row_bytes == 0) continue;
    Tensor c = t.is_contiguous() ? t : t.contiguous();
    std::memcpy(dst + i * row_bytes, c.data_ptr(), row_bytes);
  }
  return out;
}

}  // namespace

Batch default_collate(const std::vector<Example>& examples) {
  EMBER_CHECK(!examples.empty(), "default_collate: expected at least one example, got none");
  EMBER_CHECK(examples[0].input.defined(), "default_collate: example 0 has no input");
  Batch batch;
  batch.input = stack_field(examples, &Example::input, "input");
  if (examples[0].target.defined()) {
    batch.target = stack_field(examples, &Example::target, "target");
  } else {
    for (size_t i = 1; i < examples.size(); ++i) {
      EMBER_CHECK(!examples[i].target.defined(), "default_collate: example ", i,
                  " has a target but example 0 has none");
    }
  }
  return batch;
}

// ---- DataLoader --------------------------------------------------------------------------

DataLoader::DataLoader(std::shared_ptr<const Dataset> dataset, DataLoaderOptions options)
    : dataset_(std::move(dataset)), options_(std::move(options)) {
  EMBER_CHECK(dataset_ != nullptr, "DataLoader: expected a dataset, got nullptr");
  EMBER_CHECK(options_.batch_size >= 1, "DataLoader: expected batch_size >= 1, got ",
              options_.batch_size);
  EMBER_CHECK(options_.num_workers >= 0, "DataLoader: expected num_workers >= 0, got ",
              options_.num_workers);
  EMBER_CHECK(options_.prefetch >= 1, "DataLoader: expected prefetch >= 1, got ",
              options_.prefetch);
  begin_epoch(0);
}

DataLoader::~DataLoader() { stop_workers(); }

int64_t DataLoader::size() const {
  auto n = static_cast<int64_t>(order_.size());
  int64_t bs = options_.batch_size;
  return options_.drop_last ? n / bs : (n + bs - 1) / bs;
}

void DataLoader::begin_epoch(int64_t epoch) {
  EMBER_CHECK(epoch >= 0, "DataLoader::begin_epoch: expected epoch >= 0, got ", epoch);
  stop_workers();
  epoch_ = epoch;
  started_ = false;
  delivered_ = 0;
  int64_t n = dataset_->size();
  if (options_.shuffle) {
    Generator gen(detail::shuffle_seed(options_.seed, epoch));
    order_ = randperm(n, &gen).to_vector<int64_t>();
  } else {
    order_.resize(static_cast<size_t>(n));
    std::iota(order_.begin(), order_.end(), int64_t{0});
  }
}

Batch DataLoader::make_batch(int64_t b) const {
  autograd::NoGradGuard no_grad;  // grad mode is thread-local: every worker sets its own
  auto n = static_cast<int64_t>(order_.size());
  int64_t begin = b * options_.batch_size;
  int64_t end = std::min(begin + options_.batch_size, n);
  std::vector<Example> examples;
  examples.reserve(static_cast<size_t>(end - begin));
  for (int64_t i = begin; i < end; ++i) {
    int64_t index = order_[static_cast<size_t>(i)];
    Example example = dataset_->get(index);
    if (options_.transform) {
      SampleRandom random(options_.seed, epoch_, index);
      example.input = options_.transform(example.input, random);
    }
    examples.push_back(std::move(example));
  }
  Batch batch = options_.collate ? options_.collate(examples) : default_collate(examples);
  batch.index = b;
  return batch;
}

std::optional<Batch> DataLoader::next() {
  int64_t n = size();
  if (!started_) {
    started_ = true;
    if (options_.num_workers > 0 && n > 0) start_workers();
  }
  if (delivered_ >= n) return std::nullopt;
  if (workers_.empty()) return make_batch(delivered_++);  // skipped if it throws

  Slot slot;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    Slot& s = slots_[static_cast<size_t>(delivered_) % slots_.size()];
    ready_cv_.wait(lock, [&] { return s.ready; });
    slot = std::move(s);
    s = Slot{};
    ++delivered_;
  }
  work_cv_.notify_all();
  if (delivered_ == n) stop_workers();  // every batch is claimed: the workers are returning
  if (slot.error) std::rethrow_exception(slot.error);
  return std::move(slot.batch);
}

void DataLoader::start_workers() {
  slots_.assign(static_cast<size_t>(options_.num_workers * options_.prefetch), Slot{});
  claimed_ = 0;
  stopping_ = false;
  try {
    for (int64_t w = 0; w < options_.num_workers; ++w) {
      workers_.emplace_back(&DataLoader::worker_loop, this);
    }
  } catch (...) {
    stop_workers();
    throw;
  }
}

void DataLoader::stop_workers() noexcept {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
}

void DataLoader::worker_loop() {
  const int64_t n = size();
  const auto capacity = static_cast<int64_t>(slots_.size());
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    work_cv_.wait(lock,
                  [&] { return stopping_ || claimed_ >= n || claimed_ < delivered_ + capacity; });
    if (stopping_ || claimed_ >= n) return;
    int64_t b = claimed_++;
    lock.unlock();
    Slot result;
    try {
      result.batch = make_batch(b);
    } catch (...) {
      result.error = std::current_exception();
    }
    lock.lock();
    Slot& s = slots_[static_cast<size_t>(b % capacity)];
    s = std::move(result);
    s.ready = true;
    ready_cv_.notify_all();
  }
}

DataLoader::Iterator::Iterator(DataLoader* loader) : loader_(loader), batch_(loader->next()) {}

DataLoader::Iterator& DataLoader::Iterator::operator++() {
  batch_ = loader_->next();
  return *this;
}

DataLoader::Iterator DataLoader::begin() {
  if (started_) begin_epoch(epoch_);
  return Iterator(this);
}

}  // namespace ember::data
