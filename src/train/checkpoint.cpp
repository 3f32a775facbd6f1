// Checkpoints: state dicts under prefixes plus the "ember" JSON metadata, in one safetensors.
#include "ember/train/checkpoint.h"

#include <filesystem>

#include <nlohmann/json.hpp>

#include "ember/io/safetensors.h"

namespace ember::train {

using json = nlohmann::json;

namespace {

constexpr const char* kMetadataKey = "ember";
constexpr const char* kModelPrefix = "model.";
constexpr const char* kOptimizerPrefix = "optimizer.";
constexpr const char* kSchedulerPrefix = "scheduler.";

void add_prefixed(std::map<std::string, Tensor>& out, const char* prefix,
                  const std::map<std::string, Tensor>& state) {
  for (const auto& [key, t] : state) out[prefix + key] = t;
}

bool strip_prefix(const std::string& name, const std::string& prefix, std::string& rest) {
  if (name.compare(0, prefix.size(), prefix) != 0) return false;
  rest = name.substr(prefix.size());
  return true;
}

std::string meta_to_json(const CheckpointMeta& m) {
  json rng = json::object();
  for (const auto& [name, s] : m.rng) rng[name] = {{"seed", s.seed}, {"offset", s.offset}};
  json j = {{"format_version", CheckpointMeta::kFormatVersion},
            {"model", m.model},
            {"epoch", m.epoch},
            {"global_step", m.global_step},
            {"best_metric", m.best_metric},
            {"best_epoch", m.best_epoch},
            {"last_metric", m.last_metric},
            {"elapsed_s", m.elapsed_s},
            {"normalization", {{"mean", m.normalization.mean}, {"std", m.normalization.std}}},
            {"rng", rng},
            {"config", json::parse(to_json(m.config))}};
  return j.dump();
}

// Reads field `key` of object `j` as T; IoError naming the file and the field otherwise.
template <typename T>
T field(const json& j, const char* key, const std::string& path) {
  auto it = j.find(key);
  EMBER_CHECK_IO(it != j.end(), path, ": checkpoint metadata lacks the field '", key, "'");
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    EMBER_THROW(IoError, path, ": checkpoint metadata field '", key, "' has the wrong type (",
                it->type_name(), ")");
  }
}

CheckpointMeta meta_from_json(const std::string& text, const std::string& path) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  EMBER_CHECK_IO(j.is_object(), path, ": the checkpoint metadata ('", kMetadataKey,
                 "' in __metadata__) is not a JSON object");
  auto version = field<int64_t>(j, "format_version", path);
  EMBER_CHECK_IO(version >= 1 && version <= CheckpointMeta::kFormatVersion, path,
                 ": checkpoint format version ", version, " is not supported (this ember reads ",
                 "1 to ", CheckpointMeta::kFormatVersion, ")");
  CheckpointMeta m;
  m.model = field<std::string>(j, "model", path);
  m.epoch = field<int64_t>(j, "epoch", path);
  m.global_step = field<int64_t>(j, "global_step", path);
  m.best_metric = field<double>(j, "best_metric", path);
  m.best_epoch = field<int64_t>(j, "best_epoch", path);
  m.last_metric = field<double>(j, "last_metric", path);
  m.elapsed_s = field<double>(j, "elapsed_s", path);
  EMBER_CHECK_IO(m.epoch >= 0 && m.global_step >= 0, path,
                 ": checkpoint metadata has a negative epoch or step (epoch ", m.epoch, ", step ",
                 m.global_step, ")");
  auto norm = field<json>(j, "normalization", path);
  m.normalization = {field<double>(norm, "mean", path), field<double>(norm, "std", path)};
  EMBER_CHECK_IO(m.normalization.std > 0, path, ": checkpoint normalization std must be > 0, got ",
                 m.normalization.std);
  auto rng = field<json>(j, "rng", path);
  EMBER_CHECK_IO(rng.is_object(), path, ": checkpoint metadata field 'rng' is not an object");
  for (const auto& [name, s] : rng.items()) {
    m.rng[name] = {field<uint64_t>(s, "seed", path), field<uint64_t>(s, "offset", path)};
  }
  m.config = train_config_from_json(field<json>(j, "config", path).dump(), path);
  return m;
}

}  // namespace

void save_checkpoint(const std::string& path, const Checkpoint& checkpoint) {
  std::map<std::string, Tensor> tensors;
  add_prefixed(tensors, kModelPrefix, checkpoint.model);
  add_prefixed(tensors, kOptimizerPrefix, checkpoint.optimizer);
  add_prefixed(tensors, kSchedulerPrefix, checkpoint.scheduler);
  io::save_safetensors(path, tensors, {{kMetadataKey, meta_to_json(checkpoint.meta)}});
}

Checkpoint load_checkpoint(const std::string& path) {
  io::SafetensorsFile file = io::load_safetensors(path);
  auto it = file.metadata.find(kMetadataKey);
  EMBER_CHECK_IO(it != file.metadata.end(), path,
                 ": not an ember checkpoint (its __metadata__ has no '", kMetadataKey,
                 "' entry; `ember inspect` shows what it holds)");
  Checkpoint ckpt;
  ckpt.meta = meta_from_json(it->second, path);
  for (auto& [name, t] : file.tensors) {
    std::string key;
    if (strip_prefix(name, kModelPrefix, key)) {
      ckpt.model[key] = t;
    } else if (strip_prefix(name, kOptimizerPrefix, key)) {
      ckpt.optimizer[key] = t;
    } else if (strip_prefix(name, kSchedulerPrefix, key)) {
      ckpt.scheduler[key] = t;
    } else {
      EMBER_THROW(IoError, path, ": unexpected tensor '", name,
                  "' in a checkpoint (expected the prefixes model., optimizer., scheduler.)");
    }
  }
  return ckpt;
}

std::string resolve_checkpoint_path(const std::string& path) {
  if (std::filesystem::is_directory(path)) {
    return (std::filesystem::path(path) / "last.safetensors").string();
  }
  return path;
}

void load_model_weights(nn::Module& model, const Checkpoint& checkpoint, const std::string& path) {
  try {
    model.load_state_dict(checkpoint.model);
  } catch (const ShapeError& e) {
    EMBER_THROW(ShapeError, path, ": checkpoint of model '", checkpoint.meta.model,
                "' does not fit model '", model.type_name(), "': ", e.what());
  }
}

}  // namespace ember::train
