// TrainConfig: validation messages and the JSON round trip stored in checkpoints.
#include <gtest/gtest.h>

#include "ember/core/error.h"
#include "ember/train/config.h"

namespace ember::train {
namespace {

std::string validation_error(const TrainConfig& c) {
  try {
    validate(c);
  } catch (const ValueError& e) {
    return e.what();
  }
  return "";
}

TEST(TrainConfig, DefaultsAreValid) { EXPECT_NO_THROW(validate(TrainConfig{})); }

TEST(TrainConfig, ValidationNamesTheFieldAndTheValue) {
  TrainConfig c;
  c.batch_size = 0;
  EXPECT_EQ(validation_error(c), "train: expected batch_size >= 1, got 0");
  c = {};
  c.lr = -0.1;
  EXPECT_EQ(validation_error(c), "train: expected lr >= 0, got -0.1");
  c = {};
  c.epochs = 0;
  EXPECT_EQ(validation_error(c), "train: expected epochs >= 1, got 0");
  c = {};
  c.weight_decay = -1;
  EXPECT_EQ(validation_error(c), "train: expected weight_decay >= 0, got -1");
  c = {};
  c.limit_train = 0;
  EXPECT_EQ(validation_error(c), "train: expected limit_train >= 1, got 0");
}

TEST(TrainConfig, UnknownNamesListTheValidOnes) {
  TrainConfig c;
  c.model = "alexnet";
  EXPECT_EQ(validation_error(c),
            "train: unknown model 'alexnet'; valid models: mlp, lenet, vgg, resnet18");
  c = {};
  c.optimizer = "lion";
  EXPECT_EQ(validation_error(c),
            "train: unknown optimizer 'lion'; valid optimizers: sgd, adam, adamw, rmsprop, "
            "adagrad");
  c = {};
  c.scheduler = "cyclic";
  EXPECT_NE(validation_error(c).find("valid schedulers: none, step, cosine, onecycle, plateau, "
                                     "warmup-cosine"),
            std::string::npos);
}

TEST(TrainConfig, JsonRoundTripKeepsEveryField) {
  TrainConfig c;
  c.model = "vgg";
  c.data = "/tmp/x y";
  c.epochs = 3;
  c.batch_size = 17;
  c.optimizer = "sgd";
  c.lr = 0.123456789012345;
  c.momentum = 0.9;
  c.weight_decay = 5e-4;
  c.scheduler = "onecycle";
  c.augment = true;
  c.seed = 18446744073709551615ull;
  c.early_stopping = 4;
  c.limit_test = 100;
  TrainConfig back = train_config_from_json(to_json(c), "test");
  EXPECT_EQ(to_json(back), to_json(c));
  EXPECT_EQ(back.seed, c.seed);
  EXPECT_EQ(back.lr, c.lr);
  EXPECT_EQ(back.weight_decay, c.weight_decay);
  EXPECT_FALSE(back.limit_train.has_value());
}

TEST(TrainConfig, JsonErrorsNameTheSource) {
  EXPECT_THROW(train_config_from_json("{", "ckpt.safetensors"), IoError);
  try {
    train_config_from_json(R"({"epochs": "ten"})", "ckpt.safetensors");
    FAIL();
  } catch (const IoError& e) {
    EXPECT_EQ(std::string(e.what()),
              "ckpt.safetensors: training config field 'epochs' has the wrong type (string)");
  }
  // Absent fields keep their defaults (an older checkpoint).
  EXPECT_EQ(train_config_from_json(R"({"model": "mlp"})", "x").batch_size, 64);
}

}  // namespace
}  // namespace ember::train
