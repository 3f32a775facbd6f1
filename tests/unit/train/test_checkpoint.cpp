// Checkpoints: round trip of every part, and the errors for files that are not checkpoints.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ember/io/safetensors.h"
#include "ember/models/models.h"
#include "ember/ops/factory.h"
#include "ember/train/checkpoint.h"
#include "unit/train/train_testing.h"

namespace ember::train {
namespace {

using testing::TempDir;

Checkpoint sample_checkpoint() {
  manual_seed(3);
  auto model = models::create("mlp");
  Checkpoint c;
  c.meta.model = "mlp";
  c.meta.config.model = "mlp";
  c.meta.config.lr = 0.01;
  c.meta.epoch = 2;
  c.meta.global_step = 40;
  c.meta.best_metric = 0.875;
  c.meta.best_epoch = 1;
  c.meta.last_metric = 0.75;
  c.meta.elapsed_s = 12.5;
  c.meta.normalization = {0.286, 0.353};
  c.meta.rng["default"] = {3, 123456789012ull};
  c.meta.rng["loader"] = {18446744073709551615ull, 7};
  c.model = model->state_dict();
  c.optimizer["state.0.step"] = scalar_tensor(int64_t{5});
  c.optimizer["state.0.exp_avg"] = randn({3, 2}, {.dtype = DType::float32});
  c.scheduler["last_epoch"] = scalar_tensor(int64_t{2});
  c.scheduler["base_lrs"] = from_vector(std::vector<double>{0.01});
  return c;
}

std::string error_of(const std::string& path) {
  try {
    load_checkpoint(path);
  } catch (const IoError& e) {
    return e.what();
  }
  return "";
}

TEST(Checkpoint, RoundTripsWeightsStatesAndMetadata) {
  TempDir dir;
  Checkpoint c = sample_checkpoint();
  save_checkpoint(dir.path("c.safetensors"), c);
  Checkpoint back = load_checkpoint(dir.path("c.safetensors"));

  EXPECT_EQ(back.meta.model, "mlp");
  EXPECT_EQ(back.meta.epoch, 2);
  EXPECT_EQ(back.meta.global_step, 40);
  EXPECT_EQ(back.meta.best_metric, 0.875);
  EXPECT_EQ(back.meta.best_epoch, 1);
  EXPECT_EQ(back.meta.last_metric, 0.75);
  EXPECT_EQ(back.meta.elapsed_s, 12.5);
  EXPECT_EQ(back.meta.normalization.mean, 0.286);
  EXPECT_EQ(back.meta.normalization.std, 0.353);
  EXPECT_EQ(back.meta.config.lr, 0.01);
  EXPECT_EQ(back.meta.rng.at("default").offset, 123456789012ull);
  EXPECT_EQ(back.meta.rng.at("loader").seed, 18446744073709551615ull);

  ASSERT_EQ(back.model.size(), c.model.size());
  for (const auto& [key, t] : c.model) {
    ASSERT_TRUE(back.model.count(key)) << key;
    EXPECT_EQ(back.model.at(key).to_vector<float>(), t.to_vector<float>()) << key;
  }
  EXPECT_EQ(back.optimizer.at("state.0.step").item<int64_t>(), 5);
  EXPECT_EQ(back.optimizer.at("state.0.exp_avg").to_vector<float>(),
            c.optimizer.at("state.0.exp_avg").to_vector<float>());
  EXPECT_EQ(back.scheduler.at("base_lrs").to_vector<double>(), std::vector<double>{0.01});
}

TEST(Checkpoint, StoresPrefixedTensorsAndEmberMetadata) {
  TempDir dir;
  save_checkpoint(dir.path("c.safetensors"), sample_checkpoint());
  io::SafetensorsFile f = io::load_safetensors(dir.path("c.safetensors"));
  EXPECT_TRUE(f.tensors.count("model.layers.1.weight"));
  EXPECT_TRUE(f.tensors.count("optimizer.state.0.exp_avg"));
  EXPECT_TRUE(f.tensors.count("scheduler.last_epoch"));
  auto meta = nlohmann::json::parse(f.metadata.at("ember"));
  EXPECT_EQ(meta["format_version"], 1);
  EXPECT_EQ(meta["model"], "mlp");
  EXPECT_EQ(meta["config"]["lr"], 0.01);
  EXPECT_EQ(meta["rng"]["default"]["offset"], 123456789012ull);
}

TEST(Checkpoint, ResolvesARunDirectoryToItsLastCheckpoint) {
  TempDir dir;
  EXPECT_EQ(resolve_checkpoint_path(dir.dir()), dir.path("last.safetensors"));
  EXPECT_EQ(resolve_checkpoint_path(dir.path("best.safetensors")), dir.path("best.safetensors"));
}

TEST(Checkpoint, RejectsFilesThatAreNotCheckpointsNamingThem) {
  TempDir dir;
  std::string missing = dir.path("missing.safetensors");
  EXPECT_NE(error_of(missing).find(missing), std::string::npos);

  std::string weights = dir.path("weights.safetensors");
  io::save_safetensors(weights, {{"w", ones({2})}});
  EXPECT_EQ(error_of(weights), weights +
                                   ": not an ember checkpoint (its __metadata__ has no 'ember' "
                                   "entry; `ember inspect` shows what it holds)");

  std::string corrupt = dir.path("corrupt.safetensors");
  io::save_safetensors(corrupt, {{"model.w", ones({2})}}, {{"ember", "{not json"}});
  EXPECT_NE(error_of(corrupt).find(corrupt + ": the checkpoint metadata"), std::string::npos);

  std::string incomplete = dir.path("incomplete.safetensors");
  io::save_safetensors(incomplete, {{"model.w", ones({2})}},
                       {{"ember", R"({"format_version": 1, "model": "mlp"})"}});
  EXPECT_EQ(error_of(incomplete), incomplete + ": checkpoint metadata lacks the field 'epoch'");

  std::string future = dir.path("future.safetensors");
  io::save_safetensors(future, {{"model.w", ones({2})}}, {{"ember", R"({"format_version": 9})"}});
  EXPECT_NE(error_of(future).find("format version 9 is not supported"), std::string::npos);

  std::string truncated = dir.path("truncated.safetensors");
  save_checkpoint(truncated, sample_checkpoint());
  std::filesystem::resize_file(truncated, std::filesystem::file_size(truncated) - 10);
  EXPECT_NE(error_of(truncated).find(truncated), std::string::npos);
}

TEST(Checkpoint, WeightsOfAnotherModelGiveAOneLineShapeError) {
  TempDir dir;
  Checkpoint c = sample_checkpoint();
  auto lenet = models::create("lenet");
  try {
    load_model_weights(*lenet, c, "mlp.safetensors");
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    std::string msg = e.what();
    EXPECT_EQ(msg.find('\n'), std::string::npos);
    EXPECT_EQ(msg.rfind("mlp.safetensors: checkpoint of model 'mlp' does not fit model 'LeNet': "
                        "LeNet.load_state_dict: the state dict does not match the model; "
                        "missing keys: features.0.weight",
                        0),
              0u)
        << msg;
  }
  // Same architecture, other widths: the shape mismatches are listed.
  Checkpoint wide = c;
  wide.model["layers.1.weight"] = zeros({300, 784});
  auto mlp = models::create("mlp");
  try {
    load_model_weights(*mlp, wide, "wide.safetensors");
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "shape mismatches: layers.1.weight (checkpoint [300, 784], model [256, 784])"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace ember::train
