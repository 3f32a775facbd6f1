// Note [Exact resume] (trainer.h): 1 epoch + resume + 1 epoch computes bit-identical losses
// and weights to 2 epochs straight, for plain, augmented, scheduled, dropout and BatchNorm
// runs; plus what fit() writes (metrics records, checkpoints) and early stopping.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <sstream>

#include "ember/io/safetensors.h"
#include "ember/train/checkpoint.h"
#include "ember/train/metrics.h"
#include "ember/train/trainer.h"
#include "unit/train/train_testing.h"

namespace ember::train {
namespace {

using testing::synthetic_data;
using testing::TempDir;

TrainConfig small_config(const std::string& out) {
  TrainConfig c;
  c.model = "mlp";
  c.data = "synthetic";
  c.epochs = 2;
  c.batch_size = 32;
  c.optimizer = "adam";
  c.lr = 1e-3;
  c.seed = 7;
  c.out = out;
  c.log_every = 3;
  c.quiet = true;
  return c;
}

// Every tensor of two safetensors files is equal bit for bit (names compared too).
void expect_same_tensors(const std::string& a, const std::string& b) {
  io::SafetensorsFile fa = io::load_safetensors(a), fb = io::load_safetensors(b);
  ASSERT_EQ(fa.tensors.size(), fb.tensors.size());
  for (const auto& [name, ta] : fa.tensors) {
    auto it = fb.tensors.find(name);
    ASSERT_NE(it, fb.tensors.end()) << name << " missing from " << b;
    const Tensor& tb = it->second;
    ASSERT_EQ(ta.sizes(), tb.sizes()) << name;
    ASSERT_EQ(ta.dtype(), tb.dtype()) << name;
    EXPECT_EQ(0, std::memcmp(ta.data_ptr(), tb.data_ptr(), ta.nbytes())) << name << " differs";
  }
}

// Runs `config` straight through, then the same config interrupted after epoch 1 and
// resumed; the resumed epoch's losses and the final checkpoint must be identical.
void expect_exact_resume(TrainConfig config, const ClassificationData& data) {
  TempDir dir;
  std::ostringstream log;
  config.out = dir.path("straight");
  FitResult straight = fit(config, data, log);

  config.out = dir.path("resumed");
  FitResult first = fit(config, data, log, [](const EpochReport& r) { return r.epoch < 1; });
  ASSERT_EQ(first.epochs, 1);
  config.resume = config.out;
  FitResult second = fit(config, data, log);

  ASSERT_EQ(straight.epochs, 2);
  ASSERT_EQ(second.epochs, 2);
  ASSERT_EQ(first.step_losses.size() + second.step_losses.size(), straight.step_losses.size());
  size_t offset = first.step_losses.size();
  for (size_t i = 0; i < offset; ++i) {
    EXPECT_EQ(first.step_losses[i], straight.step_losses[i]) << "epoch 1, step " << i;
  }
  for (size_t i = 0; i < second.step_losses.size(); ++i) {
    EXPECT_EQ(second.step_losses[i], straight.step_losses[offset + i]) << "epoch 2, step " << i;
  }
  EXPECT_EQ(second.global_step, straight.global_step);
  EXPECT_EQ(second.test_accuracy, straight.test_accuracy);
  EXPECT_EQ(second.test_loss, straight.test_loss);

  // Weights, optimizer and scheduler state; the metadata differs only in elapsed time.
  expect_same_tensors(dir.path("straight/last.safetensors"), dir.path("resumed/last.safetensors"));
  Checkpoint a = load_checkpoint(dir.path("straight/last.safetensors"));
  Checkpoint b = load_checkpoint(dir.path("resumed/last.safetensors"));
  EXPECT_EQ(a.meta.global_step, b.meta.global_step);
  EXPECT_EQ(a.meta.rng.at("default").seed, b.meta.rng.at("default").seed);
  EXPECT_EQ(a.meta.rng.at("default").offset, b.meta.rng.at("default").offset);
  EXPECT_EQ(a.meta.best_metric, b.meta.best_metric);
}

TEST(TrainResume, MlpAdamResumesBitExactly) {
  expect_exact_resume(small_config(""), synthetic_data(256, 64));
}

TEST(TrainResume, AugmentedSgdWithCosineScheduleResumesBitExactly) {
  TrainConfig c = small_config("");
  c.optimizer = "sgd";
  c.lr = 0.05;
  c.momentum = 0.9;
  c.weight_decay = 1e-4;
  c.scheduler = "cosine";
  c.augment = true;
  c.num_workers = 2;
  expect_exact_resume(c, synthetic_data(200, 40));
}

TEST(TrainResume, OneCycleAndPlateauSchedulesResumeBitExactly) {
  for (const char* scheduler : {"onecycle", "plateau", "warmup-cosine", "step"}) {
    SCOPED_TRACE(scheduler);
    TrainConfig c = small_config("");
    c.scheduler = scheduler;
    c.plateau_patience = 0;
    c.step_size = 1;
    expect_exact_resume(c, synthetic_data(96, 32));
  }
}

// VGG has dropout (the default generator) and BatchNorm (running statistics): both must be
// restored for the second epoch to match.
TEST(TrainResume, VggWithDropoutAndBatchNormResumesBitExactly) {
  TrainConfig c = small_config("");
  c.model = "vgg";
  c.batch_size = 8;
  expect_exact_resume(c, synthetic_data(16, 4));
}

TEST(TrainFit, LearnsTheSyntheticProblemAndWritesRunFiles) {
  TempDir dir;
  std::ostringstream log;
  TrainConfig c = small_config(dir.path("run"));
  c.quiet = false;
  FitResult r = fit(c, synthetic_data(256, 64), log);
  EXPECT_EQ(r.epochs, 2);
  EXPECT_EQ(r.global_step, 16);
  EXPECT_EQ(r.step_losses.size(), 16u);
  EXPECT_LT(r.step_losses.back(), r.step_losses.front());
  EXPECT_GT(r.test_accuracy, 0.5);
  EXPECT_GE(r.best_accuracy, r.test_accuracy);
  EXPECT_TRUE(std::filesystem::exists(dir.path("run/last.safetensors")));
  EXPECT_TRUE(std::filesystem::exists(dir.path("run/best.safetensors")));
  EXPECT_NE(log.str().find("epoch 2/2: train loss"), std::string::npos) << log.str();

  // 16 steps with log_every 3: 5 step records, then a train and a test record per epoch.
  std::vector<MetricRecord> records = read_metrics(dir.path("run/metrics.jsonl"));
  ASSERT_EQ(records.size(), 9u);
  int steps = 0;
  for (const MetricRecord& m : records) {
    if (m.kind == "step") {
      ++steps;
      EXPECT_EQ(m.split, "train");
      EXPECT_EQ(m.step % 3, 0);
      EXPECT_GT(m.samples_per_s, 0);
      EXPECT_DOUBLE_EQ(m.lr, 1e-3);
    }
  }
  EXPECT_EQ(steps, 5);
  EXPECT_EQ(records.back().kind, "epoch");
  EXPECT_EQ(records.back().split, "test");
  EXPECT_EQ(records.back().epoch, 2);
  EXPECT_EQ(records.back().step, 16);
  EXPECT_DOUBLE_EQ(records.back().accuracy, r.test_accuracy);

  Checkpoint last = load_checkpoint(dir.path("run/last.safetensors"));
  EXPECT_EQ(last.meta.model, "mlp");
  EXPECT_EQ(last.meta.epoch, 2);
  EXPECT_EQ(last.meta.global_step, 16);
  EXPECT_EQ(last.meta.config.seed, 7u);
  EXPECT_EQ(last.meta.best_epoch, r.best_epoch);
  EXPECT_EQ(last.meta.rng.at("default").offset, default_generator().state().offset);
  EXPECT_FALSE(last.optimizer.empty());
}

TEST(TrainFit, ResumeAppendsToTheMetricsAndDropsRecordsAfterTheCheckpoint) {
  TempDir dir;
  std::ostringstream log;
  TrainConfig c = small_config(dir.path("run"));
  ClassificationData data = synthetic_data(64, 16);
  fit(c, data, log, [](const EpochReport& r) { return r.epoch < 1; });
  // An interrupted epoch 2 left a record behind, which the resumed run replaces.
  {
    MetricsWriter w(dir.path("run/metrics.jsonl"));
    w.write({.kind = "step", .split = "train", .step = 3, .epoch = 2, .loss = 9.0});
  }
  c.resume = dir.path("run/last.safetensors");
  fit(c, data, log);
  std::vector<MetricRecord> records = read_metrics(dir.path("run/metrics.jsonl"));
  int64_t last_step = 0;
  for (const MetricRecord& m : records) {
    EXPECT_NE(m.loss, 9.0) << "the interrupted epoch's record was kept";
    EXPECT_GE(m.step, last_step);
    last_step = m.step;
  }
  EXPECT_EQ(records.back().epoch, 2);
}

TEST(TrainFit, EarlyStoppingStopsAfterPatienceEpochsWithoutImprovement) {
  TempDir dir;
  std::ostringstream log;
  TrainConfig c = small_config(dir.path("run"));
  c.epochs = 20;
  c.lr = 0;  // nothing improves after epoch 1
  c.early_stopping = 2;
  c.quiet = false;
  FitResult r = fit(c, synthetic_data(64, 16), log);
  EXPECT_TRUE(r.stopped_early);
  EXPECT_EQ(r.epochs, 3);
  EXPECT_EQ(r.best_epoch, 1);
  EXPECT_NE(log.str().find("early stopping"), std::string::npos) << log.str();
}

TEST(TrainFit, ResumingAFinishedRunTrainsNothing) {
  TempDir dir;
  std::ostringstream log;
  TrainConfig c = small_config(dir.path("run"));
  c.epochs = 1;
  ClassificationData data = synthetic_data(64, 16);
  FitResult first = fit(c, data, log);
  c.resume = dir.path("run");
  FitResult again = fit(c, data, log);
  EXPECT_TRUE(again.step_losses.empty());
  EXPECT_EQ(again.epochs, 1);
  EXPECT_EQ(again.test_accuracy, first.test_accuracy);
}

TEST(TrainFit, RejectsAnInvalidConfigBeforeWritingAnything) {
  TempDir dir;
  std::ostringstream log;
  TrainConfig c = small_config(dir.path("run"));
  c.batch_size = 0;
  EXPECT_THROW(fit(c, synthetic_data(8, 8), log), ValueError);
  EXPECT_FALSE(std::filesystem::exists(dir.path("run")));
}

TEST(TrainFit, ACheckpointOfAnotherModelIsAOneLineShapeError) {
  TempDir dir;
  std::ostringstream log;
  TrainConfig c = small_config(dir.path("mlp"));
  c.epochs = 1;
  ClassificationData data = synthetic_data(32, 8);
  fit(c, data, log);
  c.model = "lenet";
  c.out = dir.path("lenet");
  c.resume = dir.path("mlp/last.safetensors");
  try {
    fit(c, data, log);
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    std::string msg = e.what();
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    EXPECT_NE(msg.find(c.resume), std::string::npos) << msg;
    EXPECT_NE(msg.find("missing keys: features.0.weight"), std::string::npos) << msg;
    EXPECT_NE(msg.find("unexpected keys: layers.1.bias"), std::string::npos) << msg;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path("lenet")));
}

TEST(TrainFit, AnOutputDirectoryThatCannotBeWrittenFailsBeforeTraining) {
  TempDir dir;
  std::ostringstream log;
  test_support::write_file(dir.path("file"), {1, 2, 3});
  TrainConfig c = small_config(dir.path("file/run"));
  c.quiet = false;
  EXPECT_THROW(fit(c, synthetic_data(32, 8), log), IoError);
  EXPECT_EQ(log.str(), "") << "training started before the output directory was checked";
}

}  // namespace
}  // namespace ember::train
