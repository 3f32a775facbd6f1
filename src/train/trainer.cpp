// The training loop. See trainer.h for what happens each step and each epoch, and
// Note [Exact resume] there for why a resumed run matches an uninterrupted one.
#include "ember/train/trainer.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "ember/autograd/grad_mode.h"
#include "ember/core/generator.h"
#include "ember/core/profiler.h"
#include "ember/data/dataloader.h"
#include "ember/models/models.h"
#include "ember/ops/loss.h"
#include "ember/ops/reduce.h"
#include "ember/train/checkpoint.h"
#include "ember/train/evaluate.h"
#include "ember/train/metrics.h"
#include "ember/train/progress.h"
#include "train/optimizers.h"

namespace ember::train {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int64_t kEvalBatchSize = 1000;
constexpr const char* kDefaultRng = "default";

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Creates `dir` and proves it writable with a probe file, so that a run that could never
// save fails before it trains rather than after.
void prepare_output_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  EMBER_CHECK_IO(!ec, "train: cannot create the output directory ", dir, ": ", ec.message());
  EMBER_CHECK_IO(fs::is_directory(dir), "train: the output path ", dir,
                 " exists and is not a directory");
  fs::path probe = fs::path(dir) / (".ember-write-test-" + std::to_string(getpid()));
  std::ofstream f(probe);
  int err = errno;
  EMBER_CHECK_IO(f.is_open(), "train: cannot write to the output directory ", dir, ": ",
                 std::strerror(err));
  f.close();
  fs::remove(probe, ec);
}

// What the loop carries from epoch to epoch; a checkpoint's metadata holds the same.
struct RunState {
  int64_t epoch = 0;
  int64_t global_step = 0;
  double best_accuracy = 0.0;
  int64_t best_epoch = 0;
  double last_accuracy = 0.0;
  double elapsed_s = 0.0;
  Normalization normalization;
};

// Sums over a stretch of steps (an epoch, or the steps between two metrics records).
struct Window {
  double loss_sum = 0;  // sum of per-sample losses
  int64_t correct = 0;
  int64_t samples = 0;
  Clock::time_point start = Clock::now();

  void add(double batch_loss, int64_t batch_correct, int64_t batch_size) {
    loss_sum += batch_loss * static_cast<double>(batch_size);
    correct += batch_correct;
    samples += batch_size;
  }
  double loss() const { return samples ? loss_sum / static_cast<double>(samples) : 0.0; }
  double accuracy() const {
    return samples ? static_cast<double>(correct) / static_cast<double>(samples) : 0.0;
  }
  double samples_per_s() const {
    double s = seconds_since(start);
    return s > 0 ? static_cast<double>(samples) / s : 0.0;
  }
};

int64_t count_correct(const Tensor& logits, const Tensor& target) {
  std::vector<int64_t> pred = argmax(logits.detach(), 1).to_vector<int64_t>();
  std::vector<int64_t> t = target.to_vector<int64_t>();
  int64_t n = 0;
  for (size_t i = 0; i < pred.size(); ++i) n += pred[i] == t[i];
  return n;
}

data::Transform augmentation() {
  return data::Compose({data::RandomCrop(28, 2), data::RandomHorizontalFlip()});
}

void restore(const Checkpoint& ckpt, const std::string& path, nn::Module& model,
             optim::Optimizer& optimizer, Schedule& schedule, RunState& st) {
  load_model_weights(model, ckpt, path);
  try {
    optimizer.load_state_dict(ckpt.optimizer);
    schedule.load_state_dict(ckpt.scheduler);
  } catch (const ValueError& e) {
    EMBER_THROW(ValueError, path, ": the optimizer or scheduler state does not fit this run (",
                "was it made with other --optimizer/--scheduler options?): ", e.what());
  }
  auto rng = ckpt.meta.rng.find(kDefaultRng);
  EMBER_CHECK_IO(rng != ckpt.meta.rng.end(), path,
                 ": checkpoint metadata lacks the default generator's state (rng.default)");
  default_generator().set_state(rng->second);
  st.epoch = ckpt.meta.epoch;
  st.global_step = ckpt.meta.global_step;
  st.best_accuracy = ckpt.meta.best_metric;
  st.best_epoch = ckpt.meta.best_epoch;
  st.last_accuracy = ckpt.meta.last_metric;
  st.elapsed_s = ckpt.meta.elapsed_s;
  st.normalization = ckpt.meta.normalization;
}

Checkpoint snapshot(const TrainConfig& config, const RunState& st, const nn::Module& model,
                    const optim::Optimizer& optimizer, const Schedule& schedule) {
  Checkpoint c;
  c.meta.model = config.model;
  c.meta.config = config;
  c.meta.epoch = st.epoch;
  c.meta.global_step = st.global_step;
  c.meta.best_metric = st.best_accuracy;
  c.meta.best_epoch = st.best_epoch;
  c.meta.last_metric = st.last_accuracy;
  c.meta.elapsed_s = st.elapsed_s;
  c.meta.normalization = st.normalization;
  c.meta.rng[kDefaultRng] = default_generator().state();
  c.model = model.state_dict();
  c.optimizer = optimizer.state_dict();
  c.scheduler = schedule.state_dict();
  return c;
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

}  // namespace

FitResult fit(const TrainConfig& config, std::ostream& log, const EpochCallback& on_epoch) {
  validate(config);
  ClassificationData data = load_classification_data(
      config.data, {.limit_train = config.limit_train, .limit_test = config.limit_test});
  return fit(config, data, log, on_epoch);
}

FitResult fit(const TrainConfig& config, const ClassificationData& data, std::ostream& log,
              const EpochCallback& on_epoch) {
  Clock::time_point call_start = Clock::now();
  validate(config);
  EMBER_CHECK(data.train && data.train->size() > 0 && data.test && data.test->size() > 0,
              "train: expected non-empty training and test splits");

  Checkpoint resumed;
  std::string resume_path;
  if (!config.resume.empty()) {
    resume_path = resolve_checkpoint_path(config.resume);
    resumed = load_checkpoint(resume_path);
  }

  manual_seed(config.seed);
  std::shared_ptr<nn::Module> model = models::create(config.model);
  std::unique_ptr<optim::Optimizer> optimizer = make_optimizer(config, model->parameters());
  data::DataLoader loader(data.train,
                          {.batch_size = config.batch_size,
                           .shuffle = true,
                           .seed = config.seed,
                           .num_workers = config.num_workers,
                           .transform = config.augment ? augmentation() : data::Transform()});
  std::unique_ptr<Schedule> schedule = make_schedule(config, *optimizer, loader.size());
  RunState st;
  st.normalization = data.normalization;
  if (!resume_path.empty()) restore(resumed, resume_path, *model, *optimizer, *schedule, st);

  prepare_output_dir(config.out);
  fs::path out(config.out);
  std::string metrics_path = (out / "metrics.jsonl").string();
  if (resume_path.empty()) {
    fs::remove(metrics_path);
  } else {
    truncate_metrics_after(metrics_path, st.epoch);
  }
  MetricsWriter metrics(metrics_path);
  std::ostream* say = config.quiet ? nullptr : &log;
  Progress progress(log, config.progress_bar ? ProgressStyle::bar : ProgressStyle::lines,
                    config.log_every);

  if (say) {
    *say << "training " << config.model << " (" << model->num_parameters() << " parameters) on "
         << config.data << ": " << data.train->size() << " train / " << data.test->size()
         << " test samples, " << config.optimizer << " lr " << config.lr
         << (config.scheduler == "none" ? "" : " (" + config.scheduler + " schedule)") << ", batch "
         << config.batch_size << ", " << config.epochs << " epochs -> " << config.out << "\n";
    if (!resume_path.empty()) {
      *say << "resuming from " << resume_path << " after epoch " << st.epoch << " (step "
           << st.global_step << ")\n";
    }
  }

  FitResult result;
  double elapsed_base = st.elapsed_s;
  Clock::time_point run_start = Clock::now();
  auto elapsed = [&] { return elapsed_base + seconds_since(run_start); };
  double test_loss = 0;

  while (st.epoch < config.epochs) {
    int64_t epoch = st.epoch + 1;  // 1-based, as printed and logged
    model->train();
    loader.begin_epoch(st.epoch);
    if (say) progress.begin_epoch(epoch, config.epochs, loader.size());
    Window epoch_window, log_window;
    int64_t step_in_epoch = 0;
    for (data::Batch& b : loader) {
      // Coarse phases for --profile; the ops inside record their own events.
      profiler::Scope step_scope("train.step");
      Tensor logits, loss;
      {
        profiler::Scope scope("train.forward");
        Tensor x = st.normalization.apply(b.input);  // (B,1,28,28)
        logits = model->forward(x);                  // (B,classes)
        loss = cross_entropy(logits, b.target);      // ()
      }
      optimizer->zero_grad();
      {
        profiler::Scope scope("train.backward");
        loss.backward();
      }
      {
        profiler::Scope scope("train.optimizer_step");
        optimizer->step();
      }
      double lr = optimizer->lr(0);
      schedule->after_step();
      ++st.global_step;
      ++step_in_epoch;

      float loss_value = loss.item<float>();
      result.step_losses.push_back(loss_value);
      int64_t n = b.input.size(0);
      int64_t correct = count_correct(logits, b.target);
      epoch_window.add(loss_value, correct, n);
      log_window.add(loss_value, correct, n);
      if (st.global_step % config.log_every == 0) {
        metrics.write({.kind = "step",
                       .split = "train",
                       .step = st.global_step,
                       .epoch = epoch,
                       .loss = log_window.loss(),
                       .accuracy = log_window.accuracy(),
                       .lr = lr,
                       .samples_per_s = log_window.samples_per_s(),
                       .elapsed_s = elapsed()});
        log_window = Window();
      }
      if (say) {
        progress.update(step_in_epoch, epoch_window.samples, epoch_window.loss(),
                        epoch_window.accuracy(), lr);
      }
    }
    if (say) progress.end_epoch();
    double epoch_lr = optimizer->lr(0);
    double train_rate = epoch_window.samples_per_s();

    Clock::time_point eval_start = Clock::now();
    EvalResult test = [&] {
      profiler::Scope scope("train.evaluate");
      return evaluate(*model, data.test,
                      {.batch_size = kEvalBatchSize, .normalization = st.normalization});
    }();
    double eval_rate = static_cast<double>(test.num_samples) / seconds_since(eval_start);
    schedule->after_epoch(test.loss);
    test_loss = test.loss;

    st.epoch = epoch;
    bool improved = st.best_epoch == 0 || test.accuracy > st.best_accuracy;
    if (improved) {
      st.best_accuracy = test.accuracy;
      st.best_epoch = epoch;
    }
    st.last_accuracy = test.accuracy;
    st.elapsed_s = elapsed();
    metrics.write({.kind = "epoch",
                   .split = "train",
                   .step = st.global_step,
                   .epoch = epoch,
                   .loss = epoch_window.loss(),
                   .accuracy = epoch_window.accuracy(),
                   .lr = epoch_lr,
                   .samples_per_s = train_rate,
                   .elapsed_s = st.elapsed_s});
    metrics.write({.kind = "epoch",
                   .split = "test",
                   .step = st.global_step,
                   .epoch = epoch,
                   .loss = test.loss,
                   .accuracy = test.accuracy,
                   .lr = epoch_lr,
                   .samples_per_s = eval_rate,
                   .elapsed_s = st.elapsed_s});

    Checkpoint ckpt = snapshot(config, st, *model, *optimizer, *schedule);
    save_checkpoint((out / "last.safetensors").string(), ckpt);
    if (improved) save_checkpoint((out / "best.safetensors").string(), ckpt);

    if (say) {
      *say << "epoch " << epoch << "/" << config.epochs << ": train loss "
           << fixed(epoch_window.loss(), 4) << " acc " << fixed(epoch_window.accuracy(), 4)
           << " | test loss " << fixed(test.loss, 4) << " acc " << fixed(test.accuracy, 4)
           << (improved ? " (best)" : "") << " | " << fixed(train_rate, 0) << " samples/s | "
           << fixed(st.elapsed_s, 1) << " s\n"
           << std::flush;
    }
    if (on_epoch && !on_epoch({.epoch = epoch,
                               .global_step = st.global_step,
                               .train_loss = epoch_window.loss(),
                               .train_accuracy = epoch_window.accuracy(),
                               .test_loss = test.loss,
                               .test_accuracy = test.accuracy,
                               .lr = epoch_lr})) {
      break;
    }
    if (config.early_stopping && epoch - st.best_epoch >= *config.early_stopping &&
        st.epoch < config.epochs) {
      result.stopped_early = true;
      if (say) {
        *say << "early stopping: no better test accuracy for " << *config.early_stopping
             << " epochs (best " << fixed(st.best_accuracy, 4) << " at epoch " << st.best_epoch
             << ")\n";
      }
      break;
    }
  }

  result.epochs = st.epoch;
  result.global_step = st.global_step;
  result.test_loss = test_loss;
  result.test_accuracy = st.last_accuracy;
  result.best_accuracy = st.best_accuracy;
  result.best_epoch = st.best_epoch;
  result.elapsed_s = st.elapsed_s;
  result.seconds = seconds_since(call_start);
  return result;
}

}  // namespace ember::train
