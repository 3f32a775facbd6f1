// DataLoader: coverage of every index, shuffling per (seed, epoch), batch sizes, determinism
// across num_workers, exception propagation, shutdown mid-epoch, and no autograd recording.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <future>
#include <thread>

#include "ember/autograd/grad_mode.h"
#include "ember/core/error.h"
#include "ember/data/dataloader.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/factory.h"

namespace ember::data {
namespace {

using namespace std::chrono_literals;

// n examples: input (2,3,3) float32 filled from the index, target () int64 = index.
std::shared_ptr<TensorDataset> image_dataset(int64_t n) {
  Tensor x = arange(0, n * 18, 1, {.dtype = DType::float32}).reshape({n, 2, 3, 3});
  return std::make_shared<TensorDataset>(x, arange(n));
}

std::vector<int64_t> targets_of_epoch(DataLoader& loader) {
  std::vector<int64_t> seen;
  while (auto batch = loader.next()) {
    for (int64_t t : batch->target.to_vector<int64_t>()) seen.push_back(t);
  }
  return seen;
}

std::vector<int64_t> sorted(std::vector<int64_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

bool same_bytes(const Tensor& a, const Tensor& b) {
  return a.sizes() == b.sizes() && a.dtype() == b.dtype() &&
         std::memcmp(a.data_ptr(), b.data_ptr(), a.nbytes()) == 0;
}

// A dataset that calls `fn` in get(), for failures, delays and probes.
class ProbeDataset : public Dataset {
 public:
  ProbeDataset(int64_t n, std::function<Example(int64_t)> fn) : n_(n), fn_(std::move(fn)) {}
  int64_t size() const override { return n_; }
  Example get(int64_t index) const override { return fn_(index); }

 private:
  int64_t n_;
  std::function<Example(int64_t)> fn_;
};

Example scalar_example(int64_t index) {
  return {full({2}, static_cast<double>(index)), scalar_tensor(index)};
}

TEST(DataLoader, SizeCountsThePartialBatchUnlessDropLast) {
  auto ds = image_dataset(10);
  EXPECT_EQ(DataLoader(ds, {.batch_size = 3}).size(), 4);
  EXPECT_EQ(DataLoader(ds, {.batch_size = 3, .drop_last = true}).size(), 3);
  EXPECT_EQ(DataLoader(ds, {.batch_size = 5, .drop_last = true}).size(), 2);
  EXPECT_EQ(DataLoader(ds, {.batch_size = 20}).size(), 1);
  EXPECT_EQ(DataLoader(ds, {.batch_size = 20, .drop_last = true}).size(), 0);
}

TEST(DataLoader, BatchesStackInputsAndTargetsInIndexOrder) {
  DataLoader loader(image_dataset(10), {.batch_size = 4});
  std::vector<int64_t> sizes;
  int64_t expected_index = 0;
  while (auto batch = loader.next()) {
    EXPECT_EQ(batch->index, expected_index++);
    int64_t B = batch->input.size(0);
    sizes.push_back(B);
    EXPECT_EQ(batch->input.sizes(), (Shape{B, 2, 3, 3}));
    EXPECT_EQ(batch->target.sizes(), (Shape{B}));
    EXPECT_EQ(batch->target.dtype(), DType::int64);
    int64_t first = batch->target.to_vector<int64_t>()[0];
    EXPECT_EQ(first, 4 * batch->index);
    EXPECT_EQ(batch->input.to_vector<float>()[0], static_cast<float>(first * 18));
  }
  EXPECT_EQ(sizes, (std::vector<int64_t>{4, 4, 2})) << "the last batch is partial";
  EXPECT_FALSE(loader.next().has_value()) << "an exhausted epoch stays exhausted";
}

TEST(DataLoader, DropLastDropsThePartialBatch) {
  DataLoader loader(image_dataset(10), {.batch_size = 4, .shuffle = true, .drop_last = true});
  std::vector<int64_t> seen = targets_of_epoch(loader);
  EXPECT_EQ(seen.size(), 8u);
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end());
}

TEST(DataLoader, EveryIndexAppearsOncePerEpoch) {
  for (int64_t workers : {0, 3}) {
    DataLoader loader(image_dataset(37),
                      {.batch_size = 5, .shuffle = true, .seed = 1, .num_workers = workers});
    for (int64_t epoch = 0; epoch < 3; ++epoch) {
      loader.begin_epoch(epoch);
      EXPECT_EQ(sorted(targets_of_epoch(loader)), arange(37).to_vector<int64_t>())
          << "workers " << workers << ", epoch " << epoch;
    }
  }
}

TEST(DataLoader, ShuffleIsReproduciblePerSeedAndEpoch) {
  auto ds = image_dataset(50);
  DataLoader a(ds, {.batch_size = 7, .shuffle = true, .seed = 11});
  DataLoader b(ds, {.batch_size = 7, .shuffle = true, .seed = 11});
  DataLoader c(ds, {.batch_size = 7, .shuffle = true, .seed = 12});
  a.begin_epoch(3);
  b.begin_epoch(3);
  c.begin_epoch(3);
  std::vector<int64_t> order3 = targets_of_epoch(a);
  EXPECT_EQ(order3, targets_of_epoch(b));
  EXPECT_NE(order3, targets_of_epoch(c)) << "another seed, another order";
  EXPECT_NE(order3, arange(50).to_vector<int64_t>()) << "shuffled";
  a.begin_epoch(4);
  std::vector<int64_t> order4 = targets_of_epoch(a);
  EXPECT_NE(order3, order4) << "another epoch, another order";
  a.begin_epoch(3);
  EXPECT_EQ(targets_of_epoch(a), order3) << "going back to epoch 3 repeats it";
}

TEST(DataLoader, WithoutShuffleEveryEpochIsInIndexOrder) {
  DataLoader loader(image_dataset(9), {.batch_size = 2, .num_workers = 2});
  loader.begin_epoch(5);
  EXPECT_EQ(targets_of_epoch(loader), arange(9).to_vector<int64_t>());
}

TEST(DataLoader, BitIdenticalForAnyNumberOfWorkers) {
  // Shuffle plus random augmentation: every byte must match the single-threaded run.
  auto ds = image_dataset(45);
  auto run = [&](int64_t workers, int64_t prefetch) {
    DataLoader loader(ds, {.batch_size = 4,
                           .shuffle = true,
                           .seed = 99,
                           .num_workers = workers,
                           .prefetch = prefetch,
                           .transform = Compose({RandomCrop(3, 1), RandomHorizontalFlip()})});
    std::vector<Batch> batches;
    for (int64_t epoch = 0; epoch < 2; ++epoch) {
      loader.begin_epoch(epoch);
      while (auto b = loader.next()) batches.push_back(*b);
    }
    return batches;
  };
  std::vector<Batch> reference = run(0, 1);
  ASSERT_EQ(reference.size(), 24u);
  using Setting = std::pair<int64_t, int64_t>;  // num_workers, prefetch
  for (auto [workers, prefetch] : std::vector<Setting>{{1, 1}, {2, 2}, {4, 1}, {4, 3}}) {
    std::vector<Batch> got = run(workers, prefetch);
    ASSERT_EQ(got.size(), reference.size());
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].index, reference[i].index);
      EXPECT_TRUE(same_bytes(got[i].input, reference[i].input))
          << "workers " << workers << ", batch " << i;
      EXPECT_TRUE(same_bytes(got[i].target, reference[i].target))
          << "workers " << workers << ", batch " << i;
    }
  }
}

TEST(DataLoader, TransformDrawsFromSeedEpochAndDatasetIndex) {
  auto ds = image_dataset(6);
  Transform crop = RandomCrop(3, 2);
  DataLoader loader(ds, {.batch_size = 6, .shuffle = true, .seed = 4, .transform = crop});
  loader.begin_epoch(2);
  Batch batch = *loader.next();
  std::vector<int64_t> order = batch.target.to_vector<int64_t>();
  for (int64_t i = 0; i < 6; ++i) {
    SampleRandom r(4, 2, order[i]);
    Tensor expected = crop(ds->get(order[i]).input, r);
    EXPECT_TRUE(same_bytes(batch.input.select(0, i).contiguous(), expected)) << i;
  }
}

TEST(DataLoader, RangeForVisitsTheCurrentEpochFromItsStart) {
  DataLoader loader(image_dataset(7), {.batch_size = 3, .shuffle = true, .num_workers = 2});
  loader.begin_epoch(1);
  std::vector<int64_t> first, second;
  for (Batch& b : loader) {
    for (int64_t t : b.target.to_vector<int64_t>()) first.push_back(t);
  }
  for (const Batch& b : loader) {  // restarts epoch 1
    for (int64_t t : b.target.to_vector<int64_t>()) second.push_back(t);
  }
  EXPECT_EQ(first.size(), 7u);
  EXPECT_EQ(first, second);
}

TEST(DataLoader, BeginEpochMidEpochRestartsCleanly) {
  DataLoader loader(image_dataset(40), {.batch_size = 2, .shuffle = true, .num_workers = 3});
  ASSERT_TRUE(loader.next().has_value());
  ASSERT_TRUE(loader.next().has_value());
  loader.begin_epoch(0);
  EXPECT_EQ(sorted(targets_of_epoch(loader)), arange(40).to_vector<int64_t>());
}

TEST(DataLoader, WorkerExceptionIsRethrownWithItsMessageAndTypeIntact) {
  auto ds = std::make_shared<ProbeDataset>(10, [](int64_t i) {
    if (i == 5) EMBER_THROW(ValueError, "bad sample 5: pixel out of range");
    return scalar_example(i);
  });
  for (int64_t workers : {0, 1, 3}) {
    DataLoader loader(ds, {.batch_size = 2, .num_workers = workers});
    EXPECT_EQ(loader.next()->index, 0);
    EXPECT_EQ(loader.next()->index, 1);
    try {
      loader.next();
      ADD_FAILURE() << "expected the dataset's ValueError, workers " << workers;
    } catch (const ValueError& e) {
      EXPECT_STREQ(e.what(), "bad sample 5: pixel out of range");
    }
    auto after = loader.next();
    ASSERT_TRUE(after.has_value()) << "iteration goes on after the failed batch";
    EXPECT_EQ(after->index, 3);
  }
}

TEST(DataLoader, CollateExceptionIsRethrown) {
  auto ds = image_dataset(6);
  DataLoader loader(
      ds, {.batch_size = 3, .num_workers = 2, .collate = [](const std::vector<Example>&) -> Batch {
             throw std::runtime_error("collate failed");
           }});
  EXPECT_THROW(
      {
        try {
          loader.next();
        } catch (const std::runtime_error& e) {
          EXPECT_STREQ(e.what(), "collate failed");
          throw;
        }
      },
      std::runtime_error);
}

TEST(DataLoader, DestroyedMidEpochShutsDownPromptly) {
  std::atomic<int64_t> calls{0};
  auto slow = std::make_shared<ProbeDataset>(100000, [&calls](int64_t i) {
    ++calls;
    std::this_thread::sleep_for(1ms);
    return scalar_example(i);
  });
  auto scenario = [&] {
    {
      DataLoader loader(slow, {.batch_size = 4, .shuffle = true, .num_workers = 4, .prefetch = 2});
      ASSERT_TRUE(loader.next().has_value());
      ASSERT_TRUE(loader.next().has_value());
    }
    {
      DataLoader loader(slow, {.batch_size = 4, .num_workers = 2});  // destroyed before next()
    }
    {
      DataLoader loader(slow, {.batch_size = 4, .num_workers = 3});
      ASSERT_TRUE(loader.next().has_value());
      loader.begin_epoch(1);  // stops the workers, starts nothing
    }
  };
  auto done = std::async(std::launch::async, scenario);
  ASSERT_EQ(done.wait_for(10s), std::future_status::ready) << "the loader hung on shutdown";
  done.get();
  // Bounded prefetch: a worker claims batch b only while b < delivered + workers * prefetch,
  // so at most 2 + 8 and 1 + 6 batches of 4 examples were ever requested.
  EXPECT_LE(calls.load(), 4 * (2 + 8) + 4 * (1 + 6));
}

TEST(DataLoader, PrepareBatchesWithoutRecordingAutograd) {
  // Grad mode is thread-local: each worker must turn it off itself.
  auto probe = std::make_shared<ProbeDataset>(8, [](int64_t i) {
    return Example{full({1}, static_cast<double>(i)),
                   scalar_tensor(static_cast<int64_t>(autograd::is_grad_enabled()))};
  });
  ASSERT_TRUE(autograd::is_grad_enabled());
  for (int64_t workers : {0, 2}) {
    DataLoader loader(probe, {.batch_size = 3, .num_workers = workers});
    for (int64_t flag : targets_of_epoch(loader)) EXPECT_EQ(flag, 0) << "workers " << workers;
  }
  EXPECT_TRUE(autograd::is_grad_enabled()) << "the caller's grad mode is restored";

  Tensor w = ones({4, 3}, {.requires_grad = true});
  DataLoader loader(std::make_shared<TensorDataset>(w * 3), {.batch_size = 2, .num_workers = 1});
  Batch b = *loader.next();
  EXPECT_FALSE(b.input.requires_grad());
  EXPECT_EQ(b.input.grad_fn(), nullptr);
}

TEST(DataLoader, EmptyDatasetHasNoBatches) {
  auto empty_ds = std::make_shared<TensorDataset>(zeros({0, 3}));
  for (int64_t workers : {0, 2}) {
    DataLoader loader(empty_ds, {.batch_size = 4, .shuffle = true, .num_workers = workers});
    EXPECT_EQ(loader.size(), 0);
    EXPECT_FALSE(loader.next().has_value());
  }
}

TEST(DataLoader, InvalidOptionsThrowValueError) {
  auto ds = image_dataset(4);
  EXPECT_THROW(DataLoader(ds, {.batch_size = 0}), ValueError);
  EXPECT_THROW(DataLoader(ds, {.batch_size = -2}), ValueError);
  EXPECT_THROW(DataLoader(ds, {.num_workers = -1}), ValueError);
  EXPECT_THROW(DataLoader(ds, {.num_workers = 2, .prefetch = 0}), ValueError);
  EXPECT_THROW(DataLoader(nullptr), ValueError);
  DataLoader loader(ds);
  EXPECT_THROW(loader.begin_epoch(-1), ValueError);
}

// ---- default_collate -------------------------------------------------------------------------

TEST(DefaultCollate, StacksAlongANewLeadingDim) {
  std::vector<Example> ex = {{tensor({1.f, 2.f}), scalar_tensor(int64_t{7})},
                             {tensor({3.f, 4.f}), scalar_tensor(int64_t{8})}};
  Batch b = default_collate(ex);
  EXPECT_EQ(b.input.sizes(), (Shape{2, 2}));
  EXPECT_EQ(b.input.to_vector<float>(), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(b.target.to_vector<int64_t>(), (std::vector<int64_t>{7, 8}));
}

TEST(DefaultCollate, CopiesNonContiguousInputsInLogicalOrder) {
  Tensor t = arange(6).reshape({2, 3}).t();  // (3,2), not contiguous
  Batch b = default_collate({{t, Tensor()}, {t, Tensor()}});
  EXPECT_FALSE(b.target.defined());
  EXPECT_EQ(b.input.sizes(), (Shape{2, 3, 2}));
  EXPECT_EQ(b.input.to_vector<int64_t>(),
            (std::vector<int64_t>{0, 3, 1, 4, 2, 5, 0, 3, 1, 4, 2, 5}));
}

TEST(DefaultCollate, MismatchesNameTheExample) {
  try {
    default_collate({{zeros({2}), Tensor()}, {zeros({2}), Tensor()}, {zeros({3}), Tensor()}});
    ADD_FAILURE() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("got [3] at example 2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(
      default_collate({{zeros({2}), Tensor()}, {ones({2}, {.dtype = DType::float64}), Tensor()}}),
      DTypeError);
  EXPECT_THROW(default_collate({{zeros({2}), zeros({})}, {zeros({2}), Tensor()}}), ValueError);
  EXPECT_THROW(default_collate({{zeros({2}), Tensor()}, {zeros({2}), zeros({})}}), ValueError);
  EXPECT_THROW(default_collate({}), ValueError);
}

}  // namespace
}  // namespace ember::data
