// Optimizers against PyTorch 1.13: each configuration replays the 20 recorded gradients
// (parameter 1 has none at steps 3 and 11) and must reproduce the recorded parameters after
// every step. The configurations mirror OPTIMIZERS in scripts/gen_reference/optim.py.
#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "ember/ember.h"
#include "ember/optim/adagrad.h"
#include "ember/optim/adam.h"
#include "ember/optim/rmsprop.h"
#include "ember/optim/sgd.h"
#include "ops/compare.h"
#include "unit/optim/optim_fixtures.h"

namespace ember::optim {
namespace {

constexpr int64_t kNumParams = 3;
constexpr int64_t kSteps = 20;
// float32 parameters updated in float32 like PyTorch's; the two differ only in rounding
// (PyTorch fuses add-with-alpha into an FMA). The parameters are O(1), so atol = 5e-7
// keeps elements passing near zero within 1e-6 of the parameter scale.
constexpr double kRtol = 1e-6;
constexpr double kAtol = 5e-7;

using Params = std::vector<Tensor>;
using Factory = std::function<std::unique_ptr<Optimizer>(const Params&, bool fused)>;

template <typename T, typename O>
std::unique_ptr<Optimizer> one_group(const Params& p, O options) {
  return std::make_unique<T>(p, options);
}

// name -> optimizer over the three parameters, as in optim.py (`fused` only for Adam/AdamW).
const std::map<std::string, Factory>& cases() {
  static const std::map<std::string, Factory> table = {
      {"sgd", [](const Params& p, bool) { return one_group<SGD>(p, SGDOptions{.lr = 0.1}); }},
      {"sgd_momentum",
       [](const Params& p, bool) {
         return one_group<SGD>(p, SGDOptions{.lr = 0.05, .momentum = 0.9});
       }},
      {"sgd_dampening_weight_decay",
       [](const Params& p, bool) {
         return one_group<SGD>(
             p, SGDOptions{.lr = 0.05, .momentum = 0.8, .dampening = 0.3, .weight_decay = 0.01});
       }},
      {"sgd_nesterov",
       [](const Params& p, bool) {
         return one_group<SGD>(
             p, SGDOptions{.lr = 0.05, .momentum = 0.9, .weight_decay = 1e-3, .nesterov = true});
       }},
      {"sgd_maximize",
       [](const Params& p, bool) {
         return one_group<SGD>(p, SGDOptions{.lr = 0.05, .momentum = 0.5, .maximize = true});
       }},
      {"sgd_groups",
       [](const Params& p, bool) {
         auto o = std::make_unique<SGD>(Params{p[0], p[2]}, SGDOptions{.lr = 0.1, .momentum = 0.9});
         o->add_param_group({p[1]}, SGDOptions{.lr = 0.01});
         return std::unique_ptr<Optimizer>(std::move(o));
       }},
      {"adam",
       [](const Params& p, bool fused) {
         return one_group<Adam>(p, AdamOptions{.lr = 0.01, .fused = fused});
       }},
      {"adam_weight_decay_amsgrad",
       [](const Params& p, bool fused) {
         return one_group<Adam>(p, AdamOptions{.lr = 0.01,
                                               .betas = {0.8, 0.99},
                                               .weight_decay = 0.1,
                                               .amsgrad = true,
                                               .fused = fused});
       }},
      {"adam_maximize",
       [](const Params& p, bool fused) {
         return one_group<Adam>(
             p, AdamOptions{.lr = 0.01, .eps = 1e-6, .maximize = true, .fused = fused});
       }},
      {"adamw",
       [](const Params& p, bool fused) {
         return one_group<AdamW>(p, AdamWOptions{.lr = 0.01, .weight_decay = 0.1, .fused = fused});
       }},
      {"adamw_amsgrad",
       [](const Params& p, bool fused) {
         return one_group<AdamW>(p, AdamWOptions{.lr = 0.02,
                                                 .betas = {0.85, 0.98},
                                                 .weight_decay = 0.05,
                                                 .amsgrad = true,
                                                 .fused = fused});
       }},
      {"adamw_groups",
       [](const Params& p, bool fused) {
         auto o = std::make_unique<AdamW>(
             Params{p[0]}, AdamWOptions{.lr = 0.01, .weight_decay = 0.1, .fused = fused});
         o->add_param_group(
             {p[1], p[2]},
             AdamWOptions{.lr = 0.005, .weight_decay = 0.0, .amsgrad = true, .fused = fused});
         return std::unique_ptr<Optimizer>(std::move(o));
       }},
      {"rmsprop",
       [](const Params& p, bool) { return one_group<RMSprop>(p, RMSpropOptions{.lr = 0.01}); }},
      {"rmsprop_centered",
       [](const Params& p, bool) {
         return one_group<RMSprop>(p, RMSpropOptions{.lr = 0.01, .eps = 1e-4, .centered = true});
       }},
      {"rmsprop_momentum_centered",
       [](const Params& p, bool) {
         return one_group<RMSprop>(p, RMSpropOptions{.lr = 0.01,
                                                     .alpha = 0.9,
                                                     .weight_decay = 0.01,
                                                     .momentum = 0.9,
                                                     .centered = true});
       }},
      {"rmsprop_momentum_maximize",
       [](const Params& p, bool) {
         return one_group<RMSprop>(p,
                                   RMSpropOptions{.lr = 0.01, .momentum = 0.5, .maximize = true});
       }},
      {"adagrad",
       [](const Params& p, bool) { return one_group<Adagrad>(p, AdagradOptions{.lr = 0.1}); }},
      {"adagrad_decay",
       [](const Params& p, bool) {
         return one_group<Adagrad>(p, AdagradOptions{.lr = 0.1,
                                                     .lr_decay = 0.01,
                                                     .weight_decay = 0.01,
                                                     .initial_accumulator_value = 0.1,
                                                     .eps = 1e-8});
       }},
      {"adagrad_maximize",
       [](const Params& p, bool) {
         return one_group<Adagrad>(p, AdagradOptions{.lr = 0.1, .maximize = true});
       }},
  };
  return table;
}

bool is_adam(const std::string& name) { return name.rfind("adam", 0) == 0; }

// The recorded run: initial parameters, per-step gradients and expected parameters.
struct Trajectory {
  std::map<std::string, Tensor> t;

  Tensor initial_param(int64_t k) const {
    return t.at("params." + std::to_string(k)).select(0, 0).clone().requires_grad_();
  }
  Tensor expected_param(int64_t k, int64_t step) const {
    return t.at("params." + std::to_string(k)).select(0, step + 1);
  }
  Tensor grad(int64_t k, int64_t step) const {
    if (t.at("has_grad").select(0, k).select(0, step).item<double>() == 0) return Tensor();
    return t.at("grads." + std::to_string(k)).select(0, step).clone();
  }
};

// Replays `steps` recorded steps starting at step `from` on params with opt.
void replay(Optimizer& opt, const Params& params, const Trajectory& tr, int64_t from, int64_t steps,
            const std::string& what) {
  for (int64_t s = from; s < from + steps; ++s) {
    for (int64_t k = 0; k < kNumParams; ++k) params[static_cast<size_t>(k)].set_grad(tr.grad(k, s));
    opt.step();
    for (int64_t k = 0; k < kNumParams; ++k) {
      ASSERT_TRUE(test::all_close(
          params[static_cast<size_t>(k)], tr.expected_param(k, s), kAtol, kRtol,
          what + " param " + std::to_string(k) + " after step " + std::to_string(s + 1)));
    }
  }
}

class OptimizerGolden : public testing::TestWithParam<std::string> {};

TEST_P(OptimizerGolden, MatchesPyTorchAfterEveryStep) {
  const std::string& name = GetParam();
  Trajectory tr{test::load_optim_fixture(name)};
  if (tr.t.empty()) return;
  for (bool fused : is_adam(name) ? std::vector<bool>{true, false} : std::vector<bool>{false}) {
    Params params;
    for (int64_t k = 0; k < kNumParams; ++k) params.push_back(tr.initial_param(k));
    auto opt = cases().at(name)(params, fused);
    replay(*opt, params, tr, 0, kSteps, name + (fused ? " (fused)" : ""));
  }
}

// Ten steps, a state dict, a fresh optimizer loading it, ten more steps: bit for bit the
// same parameters as twenty straight steps.
TEST_P(OptimizerGolden, ResumingFromAStateDictIsExact) {
  const std::string& name = GetParam();
  Trajectory tr{test::load_optim_fixture(name)};
  if (tr.t.empty()) return;
  Params straight, first, resumed;
  for (int64_t k = 0; k < kNumParams; ++k) {
    straight.push_back(tr.initial_param(k));
    first.push_back(tr.initial_param(k));
  }
  auto run = [&](Optimizer& opt, const Params& p, int64_t from, int64_t steps) {
    for (int64_t s = from; s < from + steps; ++s) {
      for (int64_t k = 0; k < kNumParams; ++k) p[static_cast<size_t>(k)].set_grad(tr.grad(k, s));
      opt.step();
    }
  };
  auto opt_straight = cases().at(name)(straight, true);
  run(*opt_straight, straight, 0, kSteps);

  auto opt_first = cases().at(name)(first, true);
  run(*opt_first, first, 0, kSteps / 2);
  StateDict saved = opt_first->state_dict();
  for (const Tensor& p : first) resumed.push_back(p.detach().clone().requires_grad_());
  auto opt_resumed = cases().at(name)(resumed, true);
  opt_resumed->load_state_dict(saved);
  run(*opt_resumed, resumed, kSteps / 2, kSteps - kSteps / 2);
  for (int64_t k = 0; k < kNumParams; ++k) {
    EXPECT_EQ(resumed[static_cast<size_t>(k)].to_vector<float>(),
              straight[static_cast<size_t>(k)].to_vector<float>())
        << name << " param " << k;
  }
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& [name, make] : cases()) names.push_back(name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(Optim, OptimizerGolden, testing::ValuesIn(case_names()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

TEST(OptimizerGoldenCoverage, EveryFixtureHasACaseAndEveryCaseAFixture) {
  for (const std::string& name : test::optim_fixture_names()) {
    if (name.rfind("sched_", 0) == 0 || name == "clip_grad") continue;
    EXPECT_TRUE(cases().count(name)) << "fixture " << name << " has no case in this file";
  }
  for (const auto& [name, make] : cases()) {
    EXPECT_TRUE(std::filesystem::exists(test::optim_fixture_path(name)))
        << "case " << name
        << " has no fixture; run /usr/bin/python3 scripts/gen_reference/optim.py";
  }
}

}  // namespace
}  // namespace ember::optim
