// Op table: losses. The PyTorch side of every case is in scripts/gen_reference/ops_loss.py,
// under the same case name.
#include "ops/op_case.h"

namespace ember::test {

namespace {

using In = const std::vector<Tensor>&;

OpCase single(std::string name, std::string op, std::vector<InputSpec> inputs,
              std::function<Tensor(In)> f) {
  return {.name = std::move(name),
          .op = std::move(op),
          .inputs = std::move(inputs),
          .fn = one(std::move(f))};
}

// Rows of a positive input scaled to sum to 1 along dim 1: class probabilities.
Tensor probabilities(const Tensor& x) { return x / sum(x, {1}, {.keepdim = true}); }

void class_index_losses(std::vector<OpCase>& c) {
  const InputSpec logits = uniform({4, 5}, -2, 2);
  const InputSpec targets = integers({4}, 0, 5);
  const InputSpec weights = constant_input({5}, 0.2, 2.0);
  c.push_back(single("cross_entropy_mean", "cross_entropy", {logits, targets},
                     [](In in) { return cross_entropy(in[0], in[1]); }));
  c.push_back(
      single("cross_entropy_weight_sum", "cross_entropy", {logits, targets, weights}, [](In in) {
        return cross_entropy(in[0], in[1], {.weight = in[2], .reduction = Reduction::sum});
      }));
  c.push_back(single("cross_entropy_weight_mean", "cross_entropy", {logits, targets, weights},
                     [](In in) { return cross_entropy(in[0], in[1], {.weight = in[2]}); }));
  c.push_back(single("cross_entropy_spatial_none", "cross_entropy",
                     {uniform({2, 3, 2, 3}, -2, 2), integers({2, 2, 3}, 0, 3)}, [](In in) {
                       return cross_entropy(in[0], in[1], {.reduction = Reduction::none});
                     }));
  // Targets equal to 1 are ignored: about a quarter of the 9 rows.
  c.push_back(single("cross_entropy_ignore_index", "cross_entropy",
                     {uniform({9, 4}, -2, 2), integers({9}, 0, 4)},
                     [](In in) { return cross_entropy(in[0], in[1], {.ignore_index = 1}); }));
  c.push_back(single("cross_entropy_label_smoothing", "cross_entropy", {logits, targets},
                     [](In in) { return cross_entropy(in[0], in[1], {.label_smoothing = 0.1}); }));
  c.push_back(single(
      "cross_entropy_smoothing_weight_ignore", "cross_entropy",
      {uniform({9, 4}, -2, 2), integers({9}, 0, 4), constant_input({4}, 0.2, 2.0)}, [](In in) {
        return cross_entropy(in[0], in[1],
                             {.weight = in[2], .ignore_index = 0, .label_smoothing = 0.2});
      }));
  c.push_back(single(
      "cross_entropy_smoothing_weight_sum", "cross_entropy", {logits, targets, weights}, [](In in) {
        return cross_entropy(
            in[0], in[1], {.weight = in[2], .reduction = Reduction::sum, .label_smoothing = 0.3});
      }));
  c.push_back(
      single("cross_entropy_smoothing_spatial_none", "cross_entropy",
             {uniform({2, 3, 4}, -2, 2), integers({2, 4}, 0, 3)}, [](In in) {
               return cross_entropy(
                   in[0], in[1],
                   {.ignore_index = 2, .reduction = Reduction::none, .label_smoothing = 0.3});
             }));
  c.push_back(single("cross_entropy_unbatched", "cross_entropy",
                     {uniform({5}, -2, 2), integers({}, 0, 5)},
                     [](In in) { return cross_entropy(in[0], in[1]); }));

  const InputSpec probs = constant_input({3, 5}, 0.1, 1.0);
  c.push_back(single("cross_entropy_probabilities", "cross_entropy",
                     {uniform({3, 5}, -2, 2), probs},
                     [](In in) { return cross_entropy(in[0], probabilities(in[1])); }));
  c.push_back(single("cross_entropy_probabilities_smoothing_weight_sum", "cross_entropy",
                     {uniform({3, 5}, -2, 2), probs, weights}, [](In in) {
                       return cross_entropy(
                           in[0], probabilities(in[1]),
                           {.weight = in[2], .reduction = Reduction::sum, .label_smoothing = 0.2});
                     }));
  c.push_back(
      single("cross_entropy_probabilities_weight_mean_spatial", "cross_entropy",
             {uniform({2, 5, 3}, -2, 2), constant_input({2, 5, 3}, 0.1, 1.0), weights},
             [](In in) { return cross_entropy(in[0], probabilities(in[1]), {.weight = in[2]}); }));
  c.push_back(single("cross_entropy_probabilities_none", "cross_entropy",
                     {uniform({3, 5}, -2, 2), uniform({3, 5}, 0.1, 1.0)}, [](In in) {
                       return cross_entropy(in[0], probabilities(in[1]),
                                            {.reduction = Reduction::none});
                     }));

  c.push_back(single("nll_loss_mean", "nll_loss", {uniform({4, 5}, -3, 0), targets},
                     [](In in) { return nll_loss(in[0], in[1]); }));
  c.push_back(single(
      "nll_loss_weight_ignore_sum", "nll_loss",
      {uniform({9, 4}, -3, 0), integers({9}, 0, 4), constant_input({4}, 0.2, 2.0)}, [](In in) {
        return nll_loss(in[0], in[1],
                        {.weight = in[2], .ignore_index = 2, .reduction = Reduction::sum});
      }));
  c.push_back(single("nll_loss_weight_mean", "nll_loss",
                     {uniform({6, 4}, -3, 0), integers({6}, 0, 4), constant_input({4}, 0.2, 2.0)},
                     [](In in) { return nll_loss(in[0], in[1], {.weight = in[2]}); }));
  c.push_back(single("nll_loss_spatial_none", "nll_loss",
                     {uniform({2, 3, 5}, -3, 0), integers({2, 5}, 0, 3)},
                     [](In in) { return nll_loss(in[0], in[1], {.reduction = Reduction::none}); }));
}

void regression_losses(std::vector<OpCase>& c) {
  const InputSpec x = uniform({3, 4}, -2, 2);
  const InputSpec y = uniform({3, 4}, -2, 2);
  c.push_back(
      single("mse_loss_mean", "mse_loss", {x, y}, [](In in) { return mse_loss(in[0], in[1]); }));
  c.push_back(single("mse_loss_sum_broadcast_target", "mse_loss", {x, uniform({4}, -2, 2)},
                     [](In in) { return mse_loss(in[0], in[1], Reduction::sum); }));
  c.push_back(single("mse_loss_none", "mse_loss", {uniform({2, 3, 2}), uniform({2, 3, 2})},
                     [](In in) { return mse_loss(in[0], in[1], Reduction::none); }));
  c.push_back(
      single("l1_loss_mean", "l1_loss", {x, y}, [](In in) { return l1_loss(in[0], in[1]); }));
  c.push_back(single("l1_loss_sum", "l1_loss", {x, y},
                     [](In in) { return l1_loss(in[0], in[1], Reduction::sum); }));
  c.push_back(single("l1_loss_none", "l1_loss", {x, y},
                     [](In in) { return l1_loss(in[0], in[1], Reduction::none); }));
  // Differences in [-4, 4] reach both sides of beta / delta.
  c.push_back(single("smooth_l1_loss_mean", "smooth_l1_loss", {x, y},
                     [](In in) { return smooth_l1_loss(in[0], in[1]); }));
  c.push_back(single("smooth_l1_loss_beta_none", "smooth_l1_loss", {x, y},
                     [](In in) { return smooth_l1_loss(in[0], in[1], Reduction::none, 0.5); }));
  c.push_back(single("smooth_l1_loss_beta0_sum", "smooth_l1_loss", {x, y},
                     [](In in) { return smooth_l1_loss(in[0], in[1], Reduction::sum, 0.0); }));
  c.push_back(single("huber_loss_mean", "huber_loss", {x, y},
                     [](In in) { return huber_loss(in[0], in[1]); }));
  c.push_back(single("huber_loss_delta_sum", "huber_loss", {x, y},
                     [](In in) { return huber_loss(in[0], in[1], Reduction::sum, 0.3); }));
  c.push_back(single("huber_loss_delta_none", "huber_loss", {x, y},
                     [](In in) { return huber_loss(in[0], in[1], Reduction::none, 2.5); }));
}

void binary_and_kl_losses(std::vector<OpCase>& c) {
  const InputSpec p = uniform({3, 4}, 0.05, 0.95);
  const InputSpec t = constant_input({3, 4}, 0.0, 1.0);
  c.push_back(single("binary_cross_entropy_mean", "binary_cross_entropy", {p, t},
                     [](In in) { return binary_cross_entropy(in[0], in[1]); }));
  c.push_back(single("binary_cross_entropy_weight_sum", "binary_cross_entropy",
                     {p, t, constant_input({4}, 0.2, 2.0)}, [](In in) {
                       return binary_cross_entropy(in[0], in[1], in[2], Reduction::sum);
                     }));
  c.push_back(single("binary_cross_entropy_none", "binary_cross_entropy", {p, t}, [](In in) {
    return binary_cross_entropy(in[0], in[1], Tensor(), Reduction::none);
  }));

  const InputSpec logits = uniform({3, 4}, -3, 3);
  c.push_back(single("binary_cross_entropy_with_logits_mean", "binary_cross_entropy_with_logits",
                     {logits, t},
                     [](In in) { return binary_cross_entropy_with_logits(in[0], in[1]); }));
  c.push_back(single("binary_cross_entropy_with_logits_pos_weight_sum",
                     "binary_cross_entropy_with_logits", {logits, t, constant_input({4}, 0.5, 3.0)},
                     [](In in) {
                       return binary_cross_entropy_with_logits(
                           in[0], in[1], {.pos_weight = in[2], .reduction = Reduction::sum});
                     }));
  c.push_back(single(
      "binary_cross_entropy_with_logits_weights_none", "binary_cross_entropy_with_logits",
      {logits, t, constant_input({3, 1}, 0.2, 2.0), constant_input({4}, 0.5, 3.0)}, [](In in) {
        return binary_cross_entropy_with_logits(
            in[0], in[1], {.weight = in[2], .pos_weight = in[3], .reduction = Reduction::none});
      }));
  // |logits| up to 200: exp(-x) overflows float32 unless the max is factored out.
  c.push_back(single("binary_cross_entropy_with_logits_large", "binary_cross_entropy_with_logits",
                     {uniform({3, 4}, -200, 200), t},
                     [](In in) { return binary_cross_entropy_with_logits(in[0], in[1]); }));

  const InputSpec logp = uniform({3, 4}, -3, 0);
  c.push_back(
      single("kl_div_mean", "kl_div", {logp, t}, [](In in) { return kl_div(in[0], in[1]); }));
  c.push_back(single("kl_div_batchmean", "kl_div", {logp, t}, [](In in) {
    return kl_div(in[0], in[1], {.reduction = Reduction::batchmean});
  }));
  c.push_back(single("kl_div_log_target_sum", "kl_div", {logp, uniform({3, 4}, -3, 0)}, [](In in) {
    return kl_div(in[0], in[1], {.reduction = Reduction::sum, .log_target = true});
  }));
  // relu() of the target makes exact zeros: 0 * log 0 must count as 0.
  c.push_back(
      single("kl_div_zero_targets_none", "kl_div", {logp, uniform({3, 4}, -1, 1)},
             [](In in) { return kl_div(in[0], relu(in[1]), {.reduction = Reduction::none}); }));
}

}  // namespace

std::vector<OpCase> loss_cases() {
  std::vector<OpCase> c;
  class_index_losses(c);
  regression_losses(c);
  binary_and_kl_losses(c);
  return c;
}

}  // namespace ember::test
