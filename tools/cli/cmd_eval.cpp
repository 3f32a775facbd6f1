// `ember eval`: a checkpoint's test accuracy, per-class accuracy and confusion matrix.
//
// The model and the normalisation come from the checkpoint; the data defaults to the one it
// was trained on.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "ember/models/models.h"
#include "ember/train/checkpoint.h"
#include "ember/train/evaluate.h"

namespace ember::cli {

namespace {

struct EvalCommand {
  std::string checkpoint;
  std::string data;
  std::string model;
  int64_t batch_size = 1000;
  int64_t limit_test = 0;

  void run() const {
    std::string path = train::resolve_checkpoint_path(checkpoint);
    train::Checkpoint ckpt = train::load_checkpoint(path);
    std::string model_name = model.empty() ? ckpt.meta.model : model;
    std::string data_name = data.empty() ? ckpt.meta.config.data : data;
    EMBER_CHECK(batch_size >= 1, "eval: expected batch_size >= 1, got ", batch_size);
    EMBER_CHECK(limit_test >= 0, "eval: expected limit_test >= 0, got ", limit_test);

    std::shared_ptr<nn::Module> net = models::create(model_name);
    train::load_model_weights(*net, ckpt, path);
    train::LoadDataOptions load{.load_train = false};
    if (limit_test > 0) load.limit_test = limit_test;
    train::ClassificationData d = train::load_classification_data(data_name, load);
    train::EvalResult r = train::evaluate(
        *net, d.test, {.batch_size = batch_size, .normalization = ckpt.meta.normalization});
    print(path, model_name, data_name, d, r, ckpt.meta);
  }

  static void print(const std::string& path, const std::string& model_name,
                    const std::string& data_name, const train::ClassificationData& d,
                    const train::EvalResult& r, const train::CheckpointMeta& meta) {
    char buf[256];
    std::cout << "checkpoint: " << path << " (" << model_name << ", epoch " << meta.epoch
              << ", step " << meta.global_step << ")\n"
              << "data:       " << data_name << " (" << d.dir << "), test split, " << r.num_samples
              << " samples\n";
    int64_t correct = 0;
    for (int64_t c = 0; c < r.num_classes; ++c) correct += r.confusion[c * r.num_classes + c];
    std::snprintf(buf, sizeof(buf), "test loss:  %.4f\ntest accuracy: %.4f (%lld/%lld)\n", r.loss,
                  r.accuracy, static_cast<long long>(correct),
                  static_cast<long long>(r.num_samples));
    std::cout << buf << "\nper-class accuracy:\n";
    size_t name_width = 5;
    for (const auto& n : d.class_names) name_width = std::max(name_width, n.size());
    for (int64_t c = 0; c < r.num_classes; ++c) {
      std::snprintf(buf, sizeof(buf), "  %lld %-*s  %.4f  (%lld/%lld)\n", static_cast<long long>(c),
                    static_cast<int>(name_width), d.class_names[static_cast<size_t>(c)].c_str(),
                    r.class_accuracy(c), static_cast<long long>(r.confusion[c * r.num_classes + c]),
                    static_cast<long long>(r.class_count(c)));
      std::cout << buf;
    }
    std::cout << "\nconfusion matrix (rows: true class, columns: predicted class):\n";
    std::snprintf(buf, sizeof(buf), "  %*s", static_cast<int>(name_width) + 2, "");
    std::cout << buf;
    for (int64_t p = 0; p < r.num_classes; ++p) {
      std::snprintf(buf, sizeof(buf), " %5lld", static_cast<long long>(p));
      std::cout << buf;
    }
    std::cout << "\n";
    for (int64_t t = 0; t < r.num_classes; ++t) {
      std::snprintf(buf, sizeof(buf), "  %lld %-*s", static_cast<long long>(t),
                    static_cast<int>(name_width), d.class_names[static_cast<size_t>(t)].c_str());
      std::cout << buf;
      for (int64_t p = 0; p < r.num_classes; ++p) {
        std::snprintf(buf, sizeof(buf), " %5lld",
                      static_cast<long long>(r.confusion[t * r.num_classes + p]));
        std::cout << buf;
      }
      std::cout << "\n";
    }
  }
};

}  // namespace

void add_eval_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("eval", "Evaluate a checkpoint on a test split");
  auto command = std::make_shared<EvalCommand>();
  cmd->add_option("--checkpoint", command->checkpoint,
                  "a checkpoint, or a run directory (its last.safetensors)")
      ->required();
  cmd->add_option("--data", command->data,
                  "fashion-mnist or a directory of IDX files (default: the training data)");
  cmd->add_option("--model", command->model, "the architecture (default: the checkpoint's)");
  cmd->add_option("--batch-size", command->batch_size, "evaluation batch size")
      ->capture_default_str();
  cmd->add_option("--limit-test", command->limit_test, "use the first N test samples (0: all)");
  cmd->callback([command] { command->run(); });
}

}  // namespace ember::cli
