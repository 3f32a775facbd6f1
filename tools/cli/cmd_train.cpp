// `ember train`: trains an image classifier (train::fit) and prints its test accuracy.
//
// With --resume, the run continues with the checkpoint's own config; options given on the
// command line override it (e.g. --epochs 20 to train longer). Progress is a redrawn bar on
// a terminal and plain lines otherwise; --quiet leaves only the final line. --profile records
// the run with the profiler and then prints its op table and the allocator's counters and
// writes a Chrome trace next to the checkpoints.
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "cli/commands.h"
#include "ember/core/allocator.h"
#include "ember/core/profiler.h"
#include "ember/io/chrome_trace.h"
#include "ember/models/models.h"
#include "ember/train/checkpoint.h"
#include "ember/train/trainer.h"

namespace ember::cli {

namespace {

using train::TrainConfig;

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : "|") + n;
  return s;
}

// The parsed options, and for each one how to copy it into a config: only the options
// actually given are applied, on top of the defaults or of a resumed checkpoint's config.
struct TrainCommand {
  TrainConfig given;
  std::vector<std::pair<CLI::Option*, std::function<void(TrainConfig&)>>> setters;

  CLI::Option* out = nullptr;
  bool profile = false;

  template <typename T>
  CLI::Option* option(CLI::App* cmd, const std::string& name, T TrainConfig::*field,
                      const std::string& help) {
    CLI::Option* o = cmd->add_option(name, given.*field, help)
                         ->capture_default_str()
                         ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    setters.emplace_back(o, [this, field](TrainConfig& c) { c.*field = given.*field; });
    return o;
  }

  template <typename T>
  void option(CLI::App* cmd, const std::string& name, std::optional<T> TrainConfig::*field,
              const std::string& help) {
    auto value = std::make_shared<T>();
    CLI::Option* o =
        cmd->add_option(name, *value, help)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    setters.emplace_back(o, [value, field](TrainConfig& c) { c.*field = *value; });
  }

  void flag(CLI::App* cmd, const std::string& name, bool TrainConfig::*field,
            const std::string& help) {
    CLI::Option* o = cmd->add_flag(name, given.*field, help);
    setters.emplace_back(o, [this, field](TrainConfig& c) { c.*field = given.*field; });
  }

  void add_options(CLI::App* cmd) {
    option(cmd, "--model", &TrainConfig::model, join(models::model_names()));
    option(cmd, "--data", &TrainConfig::data,
           "fashion-mnist, or a directory of MNIST-format IDX files");
    option(cmd, "--epochs", &TrainConfig::epochs, "total epochs (a resumed run stops there too)");
    option(cmd, "--batch-size", &TrainConfig::batch_size, "training batch size");
    option(cmd, "--optimizer", &TrainConfig::optimizer, join(train::optimizer_names()));
    option(cmd, "--lr", &TrainConfig::lr, "learning rate (the peak for onecycle)");
    option(cmd, "--momentum", &TrainConfig::momentum, "momentum of sgd and rmsprop");
    option(cmd, "--weight-decay", &TrainConfig::weight_decay,
           "weight decay (default: the optimizer's PyTorch default)");
    option(cmd, "--scheduler", &TrainConfig::scheduler, join(train::scheduler_names()));
    option(cmd, "--step-size", &TrainConfig::step_size,
           "step: epochs between lr decays (0: epochs / 3)");
    option(cmd, "--gamma", &TrainConfig::gamma, "step and plateau: lr decay factor");
    option(cmd, "--warmup-epochs", &TrainConfig::warmup_epochs, "warmup-cosine: warmup epochs");
    option(cmd, "--min-lr", &TrainConfig::min_lr, "cosine, warmup-cosine, plateau: lowest lr");
    option(cmd, "--plateau-patience", &TrainConfig::plateau_patience,
           "plateau: epochs without a lower test loss before decaying");
    flag(cmd, "--augment", &TrainConfig::augment, "random crop (pad 2) and horizontal flip");
    option(cmd, "--seed", &TrainConfig::seed, "seeds initialisation, shuffling, augmentation");
    out = option(cmd, "--out", &TrainConfig::out, "run directory")->default_str("runs/<model>");
    option(cmd, "--num-workers", &TrainConfig::num_workers, "data loader threads");
    option(cmd, "--log-every", &TrainConfig::log_every, "steps between metrics records");
    flag(cmd, "--quiet", &TrainConfig::quiet, "no progress output");
    option(cmd, "--early-stopping", &TrainConfig::early_stopping,
           "stop after N epochs without a better test accuracy");
    option(cmd, "--resume", &TrainConfig::resume,
           "continue from a checkpoint, or a run directory's last.safetensors");
    option(cmd, "--limit-train", &TrainConfig::limit_train, "use the first N training samples");
    option(cmd, "--limit-test", &TrainConfig::limit_test, "use the first N test samples");
    cmd->add_flag("--profile", profile,
                  "print per-op times and allocator counters; write <out>/trace.json");
  }

  void run() {
    TrainConfig config;
    if (!given.resume.empty()) {
      config = train::load_checkpoint(train::resolve_checkpoint_path(given.resume)).meta.config;
      config.quiet = false;
    }
    for (auto& [opt, set] : setters) {
      if (opt->count() > 0) set(config);
    }
    if (given.resume.empty() && out->count() == 0) config.out = "runs/" + config.model;
    config.progress_bar = !config.quiet && isatty(STDOUT_FILENO);

    std::optional<profiler::Guard> recording;
    if (profile) recording.emplace();
    train::FitResult r = train::fit(config, std::cout);
    if (profile) {
      recording.reset();
      const std::string trace = config.out + "/trace.json";
      profiler::export_chrome_trace(trace);
      std::cout << profiler::report() << to_string(allocator_stats()) << "chrome trace: " << trace
                << " (open in https://ui.perfetto.dev or chrome://tracing)\n";
    }
    char line[128];
    std::snprintf(line, sizeof(line), "test accuracy: %.4f (best %.4f at epoch %lld)\n",
                  r.test_accuracy, r.best_accuracy, static_cast<long long>(r.best_epoch));
    std::cout << line;
  }
};

}  // namespace

void add_train_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("train", "Train an image classifier (MNIST-format data)");
  auto command = std::make_shared<TrainCommand>();
  command->add_options(cmd);
  cmd->callback([command] { command->run(); });
}

}  // namespace ember::cli
