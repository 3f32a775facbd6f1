// TrainConfig: validation and its JSON form (stored in checkpoints).
#include "ember/train/config.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "ember/core/error.h"
#include "ember/models/models.h"

namespace ember::train {

using json = nlohmann::json;

namespace {

// Calls f(name, field) for every field, so that writing and reading JSON share one list.
template <typename Config, typename F>
void visit_fields(Config& c, F&& f) {
  f("model", c.model);
  f("data", c.data);
  f("epochs", c.epochs);
  f("batch_size", c.batch_size);
  f("optimizer", c.optimizer);
  f("lr", c.lr);
  f("momentum", c.momentum);
  f("weight_decay", c.weight_decay);
  f("scheduler", c.scheduler);
  f("step_size", c.step_size);
  f("gamma", c.gamma);
  f("warmup_epochs", c.warmup_epochs);
  f("min_lr", c.min_lr);
  f("plateau_patience", c.plateau_patience);
  f("augment", c.augment);
  f("seed", c.seed);
  f("out", c.out);
  f("num_workers", c.num_workers);
  f("log_every", c.log_every);
  f("quiet", c.quiet);
  f("progress_bar", c.progress_bar);
  f("early_stopping", c.early_stopping);
  f("resume", c.resume);
  f("limit_train", c.limit_train);
  f("limit_test", c.limit_test);
}

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

template <typename T>
void read_field(const json& j, T& field) {
  field = j.get<T>();
}

template <typename T>
void read_field(const json& j, std::optional<T>& field) {
  if (j.is_null()) {
    field.reset();
  } else {
    read_field(j, field.emplace());
  }
}

}  // namespace

const std::vector<std::string>& optimizer_names() {
  static const std::vector<std::string> names = {"sgd", "adam", "adamw", "rmsprop", "adagrad"};
  return names;
}

const std::vector<std::string>& scheduler_names() {
  static const std::vector<std::string> names = {"none",     "step",    "cosine",
                                                 "onecycle", "plateau", "warmup-cosine"};
  return names;
}

void validate(const TrainConfig& c) {
  const auto& models = models::model_names();
  EMBER_CHECK(contains(models, c.model), "train: unknown model '", c.model,
              "'; valid models: ", join(models));
  EMBER_CHECK(!c.data.empty(), "train: expected a data set ('fashion-mnist' or a directory)");
  EMBER_CHECK(c.epochs >= 1, "train: expected epochs >= 1, got ", c.epochs);
  EMBER_CHECK(c.batch_size >= 1, "train: expected batch_size >= 1, got ", c.batch_size);
  EMBER_CHECK(contains(optimizer_names(), c.optimizer), "train: unknown optimizer '", c.optimizer,
              "'; valid optimizers: ", join(optimizer_names()));
  EMBER_CHECK(std::isfinite(c.lr) && c.lr >= 0, "train: expected lr >= 0, got ", c.lr);
  EMBER_CHECK(std::isfinite(c.momentum) && c.momentum >= 0, "train: expected momentum >= 0, got ",
              c.momentum);
  if (c.weight_decay) {
    EMBER_CHECK(std::isfinite(*c.weight_decay) && *c.weight_decay >= 0,
                "train: expected weight_decay >= 0, got ", *c.weight_decay);
  }
  EMBER_CHECK(contains(scheduler_names(), c.scheduler), "train: unknown scheduler '", c.scheduler,
              "'; valid schedulers: ", join(scheduler_names()));
  EMBER_CHECK(c.step_size >= 0, "train: expected step_size >= 0, got ", c.step_size);
  EMBER_CHECK(c.gamma > 0 && c.gamma <= 1, "train: expected gamma in (0, 1], got ", c.gamma);
  EMBER_CHECK(c.warmup_epochs >= 0, "train: expected warmup_epochs >= 0, got ", c.warmup_epochs);
  EMBER_CHECK(std::isfinite(c.min_lr) && c.min_lr >= 0, "train: expected min_lr >= 0, got ",
              c.min_lr);
  EMBER_CHECK(c.plateau_patience >= 0, "train: expected plateau_patience >= 0, got ",
              c.plateau_patience);
  EMBER_CHECK(!c.out.empty(), "train: expected an output directory, got an empty path");
  EMBER_CHECK(c.num_workers >= 0, "train: expected num_workers >= 0, got ", c.num_workers);
  EMBER_CHECK(c.log_every >= 1, "train: expected log_every >= 1, got ", c.log_every);
  if (c.early_stopping) {
    EMBER_CHECK(*c.early_stopping >= 1, "train: expected early_stopping >= 1, got ",
                *c.early_stopping);
  }
  if (c.limit_train) {
    EMBER_CHECK(*c.limit_train >= 1, "train: expected limit_train >= 1, got ", *c.limit_train);
  }
  if (c.limit_test) {
    EMBER_CHECK(*c.limit_test >= 1, "train: expected limit_test >= 1, got ", *c.limit_test);
  }
}

std::string to_json(const TrainConfig& config) {
  json j = json::object();
  visit_fields(config, [&](const char* name, const auto& field) {
    if constexpr (requires { field.has_value(); }) {
      j[name] = field ? json(*field) : json(nullptr);
    } else {
      j[name] = field;
    }
  });
  return j.dump();
}

TrainConfig train_config_from_json(const std::string& text, const std::string& what) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  EMBER_CHECK_IO(j.is_object(), what, ": the training config is not a JSON object");
  TrainConfig config;
  visit_fields(config, [&](const char* name, auto& field) {
    auto it = j.find(name);
    if (it == j.end()) return;
    try {
      read_field(*it, field);
    } catch (const json::exception&) {
      EMBER_THROW(IoError, what, ": training config field '", name, "' has the wrong type (",
                  it->type_name(), ")");
    }
  });
  return config;
}

}  // namespace ember::train
