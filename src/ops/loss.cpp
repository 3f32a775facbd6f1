// Front doors of the losses. Every loss is composite: built from ops that carry their own
// backward, so none records a node. Each follows PyTorch 1.13's definition, including
// which elements a mean divides by (the total weight of the non-ignored targets for the
// class-index losses) and how label smoothing interacts with class weights.
#include "ember/ops/loss.h"

#include "ember/autograd/grad_mode.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/factory.h"
#include "ember/ops/reduce.h"
#include "ember/ops/shape.h"

namespace ember {

namespace {

void check_input_target(const Tensor& input, const Tensor& target, const char* op) {
  EMBER_CHECK(input.defined() && target.defined(), op, ": expected defined input and target");
  EMBER_CHECK_DEVICE(input.device() == target.device(), op,
                     ": expected input and target on one device, got ", input.device(), " and ",
                     target.device());
  EMBER_CHECK_DTYPE(is_floating(input.dtype()), op, ": expected a floating input, got dtype ",
                    input.dtype());
}

void check_same_shape(const Tensor& input, const Tensor& target, const char* op) {
  EMBER_CHECK_SHAPE(input.sizes() == target.sizes(), op,
                    ": expected target.shape == input.shape, got target.shape=",
                    shape_str(target.sizes()), ", input.shape=", shape_str(input.sizes()));
}

void check_not_batchmean(Reduction reduction, const char* op) {
  EMBER_CHECK(reduction != Reduction::batchmean, op,
              ": expected reduction none, mean or sum, got batchmean (only kl_div has it)");
}

// mean, sum or none of an elementwise loss.
Tensor reduce_loss(const Tensor& loss, Reduction reduction, const char* op) {
  check_not_batchmean(reduction, op);
  if (reduction == Reduction::none) return loss;
  return reduction == Reduction::sum ? sum(loss) : mean(loss);
}

// Class dim of a class-score input: (C) or (N, C, d1, ...).
int64_t class_dim(const Tensor& input) { return input.dim() == 1 ? 0 : 1; }

// A (C) weight reshaped to broadcast along input's class dim.
Tensor class_weight_view(const Tensor& weight, const Tensor& input) {
  Shape shape(static_cast<size_t>(input.dim()), 1);
  shape[class_dim(input)] = weight.size(0);
  return weight.reshape(shape);
}

void check_class_weight(const Tensor& weight, int64_t num_classes, const char* op) {
  if (!weight.defined()) return;
  EMBER_CHECK_SHAPE(weight.dim() == 1 && weight.size(0) == num_classes, op,
                    ": expected weight.shape == [", num_classes, "] (one per class), got ",
                    shape_str(weight.sizes()));
}

// The negative log-likelihood of each target, -w[t] * input[n, t, d...], with the weight
// w[t] it carries (0 where t == ignore_index, 1 everywhere else without class weights).
struct TargetTerms {
  Tensor loss;    // (N, d1, ...)
  Tensor weight;  // (N, d1, ...)
};

TargetTerms nll_terms(const Tensor& input, const Tensor& target, const Tensor& weight,
                      int64_t ignore_index, const char* op) {
  EMBER_CHECK_SHAPE(input.dim() >= 1, op,
                    ": expected input (C) or (N, C, d1, ...), got a 0-d input");
  EMBER_CHECK_DTYPE(is_integral(target.dtype()), op, ": expected integer class indices, got dtype ",
                    target.dtype(), " (probability targets need cross_entropy)");
  const int64_t cdim = class_dim(input);
  const int64_t num_classes = input.size(cdim);
  Shape expected = input.sizes();
  expected.erase(expected.begin() + cdim);
  EMBER_CHECK_SHAPE(target.sizes() == expected, op,
                    ": expected target.shape == ", shape_str(expected),
                    " for input.shape=", shape_str(input.sizes()),
                    ", got target.shape=", shape_str(target.sizes()));
  check_class_weight(weight, num_classes, op);

  Tensor valid = target != ignore_index;
  Tensor safe = where(valid, target.to(DType::int64), 0);
  if (safe.numel() > 0) {
    int64_t low = min(safe).item<int64_t>(), high = max(safe).item<int64_t>();
    EMBER_CHECK_INDEX(low >= 0 && high < num_classes, op, ": expected target values in [0, ",
                      num_classes, ") or ignore_index ", ignore_index, ", got ",
                      low < 0 ? low : high);
  }
  Tensor picked = gather(input, cdim, safe.unsqueeze(cdim)).squeeze(cdim);
  Tensor w = weight.defined() ? index_select(weight, 0, safe.reshape({-1})).reshape(safe.sizes())
                              : ones_like(picked);
  w = where(valid, w, 0.0);
  return {-(picked * w), w};
}

// nll_loss's reductions: the mean divides by the total weight of the counted targets.
Tensor reduce_nll(const TargetTerms& terms, Reduction reduction, const char* op) {
  check_not_batchmean(reduction, op);
  if (reduction == Reduction::none) return terms.loss;
  if (reduction == Reduction::sum) return sum(terms.loss);
  return sum(terms.loss) / sum(terms.weight);
}

// Cross entropy against class probabilities (target has input's shape).
Tensor cross_entropy_probabilities(const Tensor& logp, const Tensor& target,
                                   const CrossEntropyOptions& o) {
  check_same_shape(logp, target, "cross_entropy");
  EMBER_CHECK(o.ignore_index < 0,
              "cross_entropy: expected no ignore_index with probability "
              "targets (a negative one, the default -100), got ",
              o.ignore_index);
  const int64_t cdim = class_dim(logp);
  const int64_t num_classes = logp.size(cdim);
  check_class_weight(o.weight, num_classes, "cross_entropy");
  Tensor t = o.label_smoothing > 0 ? target * (1 - o.label_smoothing) +
                                         o.label_smoothing / static_cast<double>(num_classes)
                                   : target;
  Tensor terms = logp * t;
  if (o.weight.defined()) terms = terms * class_weight_view(o.weight, logp);
  if (o.reduction == Reduction::none) return -sum(terms, {cdim});
  if (o.reduction == Reduction::sum) return -sum(terms);
  // The mean is over samples (N * d1 * ...), not over the N * C * d1 * ... elements.
  return -sum(terms) / (static_cast<double>(logp.numel()) / static_cast<double>(num_classes));
}

// log(x) clamped below at -100, as binary_cross_entropy defines it. x == 0 gives -100 and
// a zero gradient: the log runs on 1 there, so no 0 * inf = NaN reaches the backward.
Tensor clamped_log(const Tensor& x) {
  Tensor positive = x > 0;
  return where(positive, clamp(log(where(positive, x, 1.0)), -100.0, std::nullopt), -100.0);
}

}  // namespace

Tensor nll_loss(const Tensor& input, const Tensor& target, NllLossOptions options) {
  check_input_target(input, target, "nll_loss");
  TargetTerms terms = nll_terms(input, target, options.weight, options.ignore_index, "nll_loss");
  return reduce_nll(terms, options.reduction, "nll_loss");
}

Tensor cross_entropy(const Tensor& input, const Tensor& target, CrossEntropyOptions options) {
  check_input_target(input, target, "cross_entropy");
  EMBER_CHECK_SHAPE(input.dim() >= 1,
                    "cross_entropy: expected input (C) or (N, C, d1, ...), got a 0-d input");
  EMBER_CHECK(options.label_smoothing >= 0 && options.label_smoothing <= 1,
              "cross_entropy: expected label_smoothing in [0, 1], got ", options.label_smoothing);
  check_not_batchmean(options.reduction, "cross_entropy");
  const int64_t cdim = class_dim(input);
  Tensor logp = log_softmax(input, cdim);
  if (is_floating(target.dtype())) return cross_entropy_probabilities(logp, target, options);

  TargetTerms terms =
      nll_terms(logp, target, options.weight, options.ignore_index, "cross_entropy");
  Tensor nll = reduce_nll(terms, options.reduction, "cross_entropy");
  const double eps = options.label_smoothing;
  if (eps == 0) return nll;
  // Note [Label smoothing]
  // PyTorch mixes (1 - eps) * nll with eps / C times the smoothing term -sum_c w_c logp_c
  // (zero at ignored targets). Its mean divides by the same total target weight as the
  // nll mean, sum_n w[t_n] over the non-ignored targets, not by sum_c w_c.
  Tensor weighted =
      options.weight.defined() ? logp * class_weight_view(options.weight, logp) : logp;
  Tensor smooth = where(target != options.ignore_index, -sum(weighted, {cdim}), 0.0);
  Tensor smooth_reduced = options.reduction == Reduction::none  ? smooth
                          : options.reduction == Reduction::sum ? sum(smooth)
                                                                : sum(smooth) / sum(terms.weight);
  const double num_classes = static_cast<double>(input.size(cdim));
  return nll * (1 - eps) + smooth_reduced * (eps / num_classes);
}

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  check_input_target(input, target, "mse_loss");
  Tensor d = input - target;
  return reduce_loss(d * d, reduction, "mse_loss");
}

Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  check_input_target(input, target, "l1_loss");
  return reduce_loss(abs(input - target), reduction, "l1_loss");
}

Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, Reduction reduction, double beta) {
  check_input_target(input, target, "smooth_l1_loss");
  EMBER_CHECK(beta >= 0, "smooth_l1_loss: expected beta >= 0, got ", beta);
  if (beta == 0) return reduce_loss(abs(input - target), reduction, "smooth_l1_loss");
  Tensor d = abs(input - target);
  Tensor loss = where(d < beta, d * d * (0.5 / beta), d - 0.5 * beta);
  return reduce_loss(loss, reduction, "smooth_l1_loss");
}

Tensor huber_loss(const Tensor& input, const Tensor& target, Reduction reduction, double delta) {
  check_input_target(input, target, "huber_loss");
  EMBER_CHECK(delta > 0, "huber_loss: expected delta > 0, got ", delta);
  Tensor d = abs(input - target);
  Tensor loss = where(d < delta, d * d * 0.5, (d - 0.5 * delta) * delta);
  return reduce_loss(loss, reduction, "huber_loss");
}

Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight,
                            Reduction reduction) {
  check_input_target(input, target, "binary_cross_entropy");
  check_same_shape(input, target, "binary_cross_entropy");
  if (input.numel() > 0) {
    autograd::NoGradGuard no_grad;
    double low = min(input).item(), high = max(input).item();
    EMBER_CHECK(low >= 0 && high <= 1,
                "binary_cross_entropy: expected input probabilities in [0, 1], got values in [",
                low, ", ", high, "]; for logits use binary_cross_entropy_with_logits");
  }
  Tensor loss = -(target * clamped_log(input) + (1 - target) * clamped_log(1 - input));
  if (weight.defined()) loss = loss * weight;
  return reduce_loss(loss, reduction, "binary_cross_entropy");
}

Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        BceWithLogitsOptions options) {
  const char* op = "binary_cross_entropy_with_logits";
  check_input_target(input, target, op);
  check_same_shape(input, target, op);
  // log(1 + exp(-x)) as m + log(exp(-m) + exp(-x - m)) with m = max(-x, 0): no exp()
  // overflows for any x, and the gradient is exact whichever branch m takes.
  Tensor m = clamp(-input, 0.0, std::nullopt);
  Tensor log_term = log(exp(-m) + exp(-input - m)) + m;
  Tensor loss = options.pos_weight.defined()
                    ? (1 - target) * input + ((options.pos_weight - 1) * target + 1) * log_term
                    : (1 - target) * input + log_term;
  if (options.weight.defined()) loss = loss * options.weight;
  return reduce_loss(loss, options.reduction, op);
}

Tensor kl_div(const Tensor& input, const Tensor& target, KlDivOptions options) {
  check_input_target(input, target, "kl_div");
  Tensor loss;
  if (options.log_target) {
    loss = exp(target) * (target - input);
  } else {
    // xlogy(t, t) - t * input: 0 * log 0 counts as 0 (the log runs on 1 there).
    loss = target * log(where(target == 0, 1.0, target)) - target * input;
  }
  if (options.reduction == Reduction::batchmean) {
    return input.dim() == 0 ? sum(loss) : sum(loss) / static_cast<double>(input.size(0));
  }
  return reduce_loss(loss, options.reduction, "kl_div");
}

}  // namespace ember
