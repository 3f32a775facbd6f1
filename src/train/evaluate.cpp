// evaluate(): batched inference without autograd, accumulating loss and the confusion matrix.
#include "ember/train/evaluate.h"

#include "ember/autograd/grad_mode.h"
#include "ember/data/dataloader.h"
#include "ember/ops/loss.h"
#include "ember/ops/reduce.h"

namespace ember::train {

namespace {
// Puts the model back in the mode it was in, also when evaluation throws.
struct RestoreMode {
  nn::Module& model;
  bool was_training;
  ~RestoreMode() { model.set_training(was_training); }
};
}  // namespace

int64_t EvalResult::class_count(int64_t c) const {
  int64_t n = 0;
  for (int64_t p = 0; p < num_classes; ++p) n += confusion[c * num_classes + p];
  return n;
}

double EvalResult::class_accuracy(int64_t c) const {
  int64_t n = class_count(c);
  return n == 0 ? 0.0
                : static_cast<double>(confusion[c * num_classes + c]) / static_cast<double>(n);
}

EvalResult evaluate(nn::Module& model, std::shared_ptr<const data::Dataset> dataset,
                    const EvalOptions& options) {
  EMBER_CHECK(options.batch_size >= 1, "evaluate: expected batch_size >= 1, got ",
              options.batch_size);
  EMBER_CHECK(dataset && dataset->size() > 0, "evaluate: expected a non-empty dataset");
  RestoreMode restore{model, model.is_training()};
  model.eval();
  autograd::NoGradGuard no_grad;
  data::DataLoader loader(std::move(dataset), {.batch_size = options.batch_size});

  EvalResult r;
  r.num_classes = options.num_classes;
  r.confusion.assign(static_cast<size_t>(r.num_classes * r.num_classes), 0);
  double loss_sum = 0;
  int64_t correct = 0;
  for (data::Batch& b : loader) {
    Tensor logits = model(options.normalization.apply(b.input));  // (B, classes)
    loss_sum += cross_entropy(logits, b.target, {.reduction = Reduction::sum}).item();
    std::vector<int64_t> pred = argmax(logits, 1).to_vector<int64_t>();
    std::vector<int64_t> target = b.target.to_vector<int64_t>();
    for (size_t i = 0; i < pred.size(); ++i) {
      EMBER_CHECK(target[i] >= 0 && target[i] < r.num_classes, "evaluate: expected targets in [0, ",
                  r.num_classes, "), got ", target[i]);
      ++r.confusion[target[i] * r.num_classes + pred[i]];
      correct += pred[i] == target[i];
    }
    r.num_samples += static_cast<int64_t>(pred.size());
  }
  r.loss = loss_sum / static_cast<double>(r.num_samples);
  r.accuracy = static_cast<double>(correct) / static_cast<double>(r.num_samples);
  return r;
}

}  // namespace ember::train
