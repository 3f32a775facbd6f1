// LR schedulers against PyTorch 1.13's recorded sequences (the lr of both param groups, and
// the momentum OneCycleLR cycles, after construction and after each of 30 steps), resuming
// from state dicts, and option validation. The configurations mirror SCHEDULERS in
// scripts/gen_reference/optim.py.
#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "ember/ember.h"
#include "ember/optim/adagrad.h"
#include "ember/optim/adam.h"
#include "ember/optim/lr_scheduler.h"
#include "ember/optim/sgd.h"
#include "ops/compare.h"
#include "unit/error_message.h"
#include "unit/optim/optim_fixtures.h"

namespace ember::optim {
namespace {

constexpr int64_t kSteps = 30;
constexpr double kRtol = 1e-12;

// Either scheduler kind behind one interface: step, the lrs, the state dict.
struct AnyScheduler {
  std::unique_ptr<LRScheduler> lr;
  std::unique_ptr<ReduceLROnPlateau> plateau;

  void step(double metric) { plateau ? plateau->step(metric) : lr->step(); }
  std::vector<double> last_lr() const {
    return plateau ? plateau->get_last_lr() : lr->get_last_lr();
  }
  StateDict state_dict() const { return plateau ? plateau->state_dict() : lr->state_dict(); }
  void load_state_dict(const StateDict& sd) {
    plateau ? plateau->load_state_dict(sd) : lr->load_state_dict(sd);
  }
};

struct SchedCase {
  bool adam = false;  // else SGD with momentum
  std::function<AnyScheduler(Optimizer&)> make;
};

template <typename S, typename O>
std::function<AnyScheduler(Optimizer&)> lr_sched(O options) {
  return [options](Optimizer& opt) { return AnyScheduler{std::make_unique<S>(opt, options), {}}; };
}

std::function<AnyScheduler(Optimizer&)> plateau(ReduceLROnPlateauOptions options) {
  return [options](Optimizer& opt) {
    return AnyScheduler{{}, std::make_unique<ReduceLROnPlateau>(opt, options)};
  };
}

const std::map<std::string, SchedCase>& cases() {
  static const std::map<std::string, SchedCase> table = {
      {"steplr", {false, lr_sched<StepLR>(StepLROptions{.step_size = 7, .gamma = 0.5})}},
      {"multisteplr",
       {false,
        lr_sched<MultiStepLR>(MultiStepLROptions{.milestones = {5, 12, 12, 20}, .gamma = 0.3})}},
      {"exponentiallr", {false, lr_sched<ExponentialLR>(ExponentialLROptions{.gamma = 0.9})}},
      {"cosine",
       {false,
        lr_sched<CosineAnnealingLR>(CosineAnnealingLROptions{.T_max = 10, .eta_min = 0.001})}},
      {"cosine_long", {false, lr_sched<CosineAnnealingLR>(CosineAnnealingLROptions{.T_max = 30})}},
      {"linearlr",
       {false, lr_sched<LinearLR>(LinearLROptions{.start_factor = 0.25, .total_iters = 8})}},
      {"linearlr_decay",
       {false, lr_sched<LinearLR>(
                   LinearLROptions{.start_factor = 1.0, .end_factor = 0.1, .total_iters = 20})}},
      {"sequential_warmup_cosine",
       {false,
        [](Optimizer& opt) {
          std::vector<std::unique_ptr<LRScheduler>> parts;
          parts.push_back(std::make_unique<LinearLR>(
              opt, LinearLROptions{.start_factor = 0.1, .total_iters = 5}));
          parts.push_back(
              std::make_unique<CosineAnnealingLR>(opt, CosineAnnealingLROptions{.T_max = 25}));
          return AnyScheduler{
              std::make_unique<SequentialLR>(opt, std::move(parts), std::vector<int64_t>{5}), {}};
        }}},
      {"onecycle_cos",
       {false, lr_sched<OneCycleLR>(OneCycleLROptions{.max_lr = {0.5, 0.2}, .total_steps = 30})}},
      {"onecycle_linear_three_phase",
       {false, lr_sched<OneCycleLR>(OneCycleLROptions{.max_lr = {0.4},
                                                      .total_steps = 30,
                                                      .pct_start = 0.25,
                                                      .anneal_strategy = AnnealStrategy::linear,
                                                      .div_factor = 10.0,
                                                      .final_div_factor = 100.0,
                                                      .three_phase = true})}},
      {"onecycle_adam",
       {true, lr_sched<OneCycleLR>(OneCycleLROptions{.max_lr = {0.01}, .total_steps = 30})}},
      {"onecycle_no_momentum",
       {false, lr_sched<OneCycleLR>(OneCycleLROptions{
                   .max_lr = {1.0}, .total_steps = 30, .cycle_momentum = false})}},
      {"plateau_min",
       {false, plateau({.factor = 0.5,
                        .patience = 2,
                        .threshold = 1e-2,
                        .cooldown = 1,
                        .min_lr = {0.01, 0.001}})}},
      {"plateau_max_abs",
       {false, plateau({.mode = PlateauMode::max,
                        .factor = 0.3,
                        .patience = 1,
                        .threshold = 0.1,
                        .threshold_mode = ThresholdMode::abs,
                        .eps = 1e-3})}},
  };
  return table;
}

// The optimizer of optim.py's scheduler_optimizer(): two groups, lr 0.1 and 0.03.
std::unique_ptr<Optimizer> make_optimizer(bool adam) {
  Tensor a = zeros({2}).requires_grad_(), b = zeros({3}).requires_grad_();
  if (adam) {
    auto opt = std::make_unique<Adam>(std::vector<Tensor>{a}, AdamOptions{.lr = 0.1});
    opt->add_param_group({b}, AdamOptions{.lr = 0.03});
    return opt;
  }
  auto opt = std::make_unique<SGD>(std::vector<Tensor>{a}, SGDOptions{.lr = 0.1, .momentum = 0.9});
  opt->add_param_group({b}, SGDOptions{.lr = 0.03, .momentum = 0.9});
  return opt;
}

Tensor row(const std::vector<double>& v) {
  return from_vector(v, {static_cast<int64_t>(v.size())}, {.dtype = DType::float64});
}

std::vector<double> momenta(const Optimizer& opt) {
  std::vector<double> m;
  for (size_t g = 0; g < opt.num_param_groups(); ++g) m.push_back(*opt.momentum(g));
  return m;
}

double metric_at(const std::map<std::string, Tensor>& f, int64_t step) {
  auto it = f.find("metrics");
  return it == f.end() ? 0.0 : it->second.select(0, step).item<double>();
}

void expect_at(const std::map<std::string, Tensor>& f, const Optimizer& opt, const AnyScheduler& s,
               int64_t row_index, const std::string& what) {
  std::string at = what + " after " + std::to_string(row_index) + " steps";
  ASSERT_TRUE(
      test::all_close(row(s.last_lr()), f.at("lr").select(0, row_index), 0, kRtol, at + ": lr"));
  ASSERT_TRUE(test::all_close(row(momenta(opt)), f.at("momentum").select(0, row_index), 0, kRtol,
                              at + ": momentum"));
}

class SchedulerGolden : public testing::TestWithParam<std::string> {};

TEST_P(SchedulerGolden, MatchesPyTorchAtEveryStep) {
  const std::string& name = GetParam();
  auto f = test::load_optim_fixture("sched_" + name);
  if (f.empty()) return;
  const SchedCase& c = cases().at(name);
  auto opt = make_optimizer(c.adam);
  AnyScheduler s = c.make(*opt);
  expect_at(f, *opt, s, 0, name);
  for (int64_t t = 0; t < kSteps; ++t) {
    opt->step();
    s.step(metric_at(f, t));
    expect_at(f, *opt, s, t + 1, name);
  }
}

// 12 steps, then a fresh optimizer and scheduler load both state dicts and continue: the
// rest of the sequence is PyTorch's.
TEST_P(SchedulerGolden, ResumingFromStateDictsContinuesTheSequence) {
  const std::string& name = GetParam();
  auto f = test::load_optim_fixture("sched_" + name);
  if (f.empty()) return;
  const SchedCase& c = cases().at(name);
  constexpr int64_t kSplit = 12;
  auto opt = make_optimizer(c.adam);
  AnyScheduler s = c.make(*opt);
  for (int64_t t = 0; t < kSplit; ++t) {
    opt->step();
    s.step(metric_at(f, t));
  }
  StateDict opt_state = opt->state_dict();
  StateDict sched_state = s.state_dict();

  auto opt2 = make_optimizer(c.adam);
  AnyScheduler s2 = c.make(*opt2);
  opt2->load_state_dict(opt_state);
  s2.load_state_dict(sched_state);
  expect_at(f, *opt2, s2, kSplit, name + " (resumed)");
  for (int64_t t = kSplit; t < kSteps; ++t) {
    opt2->step();
    s2.step(metric_at(f, t));
    expect_at(f, *opt2, s2, t + 1, name + " (resumed)");
  }
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& [name, c] : cases()) names.push_back(name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(Optim, SchedulerGolden, testing::ValuesIn(case_names()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

TEST(SchedulerGoldenCoverage, EveryFixtureHasACaseAndEveryCaseAFixture) {
  for (const std::string& name : test::optim_fixture_names()) {
    if (name.rfind("sched_", 0) != 0) continue;
    EXPECT_TRUE(cases().count(name.substr(6))) << "fixture " << name << " has no case";
  }
  for (const auto& [name, c] : cases()) {
    EXPECT_TRUE(std::filesystem::exists(test::optim_fixture_path("sched_" + name)))
        << "case " << name
        << " has no fixture; run /usr/bin/python3 scripts/gen_reference/optim.py";
  }
}

// ---- behaviour and validation ------------------------------------------------------------

TEST(LRScheduler, ConstructionTakesTheFirstStepAndSetsInitialLr) {
  auto opt = make_optimizer(false);
  StepLR s(*opt, {.step_size = 2, .gamma = 0.5});
  EXPECT_EQ(s.last_epoch(), 0);
  EXPECT_EQ(s.base_lrs(), (std::vector<double>{0.1, 0.03}));
  EXPECT_EQ(opt->initial_lr(1), 0.03);
  s.step();
  s.step();
  EXPECT_EQ(s.get_last_lr(), (std::vector<double>{0.05, 0.015}));
  EXPECT_EQ(opt->lr(0), 0.05);
}

TEST(LRScheduler, StateDictUsesPyTorchsNames) {
  auto opt = make_optimizer(false);
  StepLR s(*opt, {.step_size = 3});
  s.step();
  StateDict sd = s.state_dict();
  std::set<std::string> keys;
  for (const auto& [k, v] : sd) keys.insert(k);
  EXPECT_EQ(keys, (std::set<std::string>{"_last_lr", "_step_count", "base_lrs", "gamma",
                                         "last_epoch", "step_size"}));
  EXPECT_EQ(sd.at("last_epoch").item<int64_t>(), 1);
  EXPECT_EQ(sd.at("_step_count").item<int64_t>(), 2);
  EXPECT_EQ(sd.at("gamma").dtype(), DType::float64);
}

TEST(LRScheduler, LoadRejectsBadStateDictsAndChangesNothing) {
  auto opt = make_optimizer(false);
  CosineAnnealingLR s(*opt, {.T_max = 10});
  s.step();
  StateDict sd = s.state_dict();
  sd.erase("eta_min");
  sd["warmup"] = scalar_tensor(1.0, {.dtype = DType::float64});
  sd["last_epoch"] = scalar_tensor(2.5, {.dtype = DType::float64});
  std::string msg = message_of<ValueError>([&] { s.load_state_dict(sd); });
  EXPECT_NE(msg.find("CosineAnnealingLR.load_state_dict"), std::string::npos) << msg;
  EXPECT_NE(msg.find("missing key eta_min"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unexpected key warmup"), std::string::npos) << msg;
  EXPECT_NE(msg.find("last_epoch: expected an integer, got 2.5"), std::string::npos) << msg;
  EXPECT_EQ(s.last_epoch(), 1);
}

TEST(LRScheduler, InvalidOptionsThrowValueError) {
  auto opt = make_optimizer(false);
  EXPECT_EQ(message_of<ValueError>([&] { StepLR(*opt, {}); }),
            "StepLR: expected step_size > 0, got 0");
  EXPECT_EQ(message_of<ValueError>([&] { CosineAnnealingLR(*opt, {.T_max = -1}); }),
            "CosineAnnealingLR: expected T_max > 0, got -1");
  EXPECT_EQ(message_of<ValueError>([&] { LinearLR(*opt, {.start_factor = 1.5}); }),
            "LinearLR: expected 0 < start_factor <= 1, got 1.5");
  EXPECT_NE(message_of<ValueError>([&] { ExponentialLR(*opt, {}); }).find("gamma to be set"),
            std::string::npos);
  EXPECT_EQ(message_of<ValueError>([&] {
              OneCycleLR(*opt, {.max_lr = {1, 2, 3}, .total_steps = 5});
            }),
            "OneCycleLR: expected 1 or 2 max_lr values (one per param group), got 3");
  EXPECT_EQ(message_of<ValueError>([&] { OneCycleLR(*opt, {.max_lr = {1}}); }),
            "OneCycleLR: expected total_steps > 0, or epochs > 0 and steps_per_epoch > 0, got "
            "epochs=0, steps_per_epoch=0");
  EXPECT_EQ(message_of<ValueError>([&] { ReduceLROnPlateau(*opt, {.factor = 1.0}); }),
            "ReduceLROnPlateau: expected factor < 1, got 1");
  std::vector<std::unique_ptr<LRScheduler>> parts;
  parts.push_back(std::make_unique<LinearLR>(*opt));
  EXPECT_EQ(message_of<ValueError>([&] { SequentialLR(*opt, std::move(parts), {3}); }),
            "SequentialLR: expected one milestone fewer than schedulers, got 1 schedulers and 1 "
            "milestones");
}

TEST(LRScheduler, OneCycleNeedsMomentumToCycleItAndStopsAtTotalSteps) {
  Tensor w = zeros({2}).requires_grad_();
  Adagrad adagrad({w});
  EXPECT_NE(message_of<ValueError>([&] {
              OneCycleLR(adagrad, {.max_lr = {1}, .total_steps = 4});
            }).find("expected an optimizer with momentum"),
            std::string::npos);
  OneCycleLR s(adagrad,
               {.max_lr = {1}, .epochs = 2, .steps_per_epoch = 2, .cycle_momentum = false});
  for (int i = 0; i < 4; ++i) s.step();
  EXPECT_EQ(message_of<ValueError>([&] { s.step(); }),
            "OneCycleLR: expected at most total_steps = 4 steps, got step 5");
}

}  // namespace
}  // namespace ember::optim
