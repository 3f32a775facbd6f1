// Optimizer behaviour beyond the PyTorch trajectories: option validation, param groups,
// zero_grad, skipped parameters, the state-dict layout and its validation, and the fused
// Adam path against the op-composed one.
#include <gtest/gtest.h>

#include <memory>

#include "ember/ember.h"
#include "ember/optim/adagrad.h"
#include "ember/optim/adam.h"
#include "ember/optim/rmsprop.h"
#include "ember/optim/sgd.h"
#include "unit/error_message.h"

namespace ember::optim {
namespace {

testing::AssertionResult has_substr(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

Tensor param(const Shape& shape, uint64_t seed = 0) {
  Generator gen(seed);
  return randn(shape, {}, &gen).requires_grad_();
}

// ---- options validation ------------------------------------------------------------------

TEST(OptimizerOptions, InvalidValuesThrowValueErrorNamingTheOption) {
  std::vector<Tensor> p = {param({2})};
  EXPECT_EQ(message_of<ValueError>([&] { SGD(p, {.lr = -0.1}); }),
            "SGD: expected lr >= 0, got -0.1");
  EXPECT_EQ(message_of<ValueError>([&] { SGD(p, {.lr = 0.1, .momentum = -1}); }),
            "SGD: expected momentum >= 0, got -1");
  EXPECT_EQ(message_of<ValueError>([&] { SGD(p, {.lr = 0.1, .nesterov = true}); }),
            "SGD: expected momentum > 0 and dampening == 0 with nesterov, got momentum=0, "
            "dampening=0");
  EXPECT_EQ(message_of<ValueError>([&] {
              Adam(p, {.betas = {1.0, 0.999}});
            }),
            "Adam: expected 0 <= betas.first < 1, got 1");
  EXPECT_EQ(message_of<ValueError>([&] {
              Adam(p, {.betas = {0.9, -0.5}});
            }),
            "Adam: expected 0 <= betas.second < 1, got -0.5");
  EXPECT_EQ(message_of<ValueError>([&] { AdamW(p, {.eps = -1e-8}); }),
            "AdamW: expected eps >= 0, got -1e-08");
  EXPECT_EQ(message_of<ValueError>([&] { AdamW(p, {.weight_decay = -0.1}); }),
            "AdamW: expected weight_decay >= 0, got -0.1");
  EXPECT_EQ(message_of<ValueError>([&] { RMSprop(p, {.alpha = -0.5}); }),
            "RMSprop: expected alpha >= 0, got -0.5");
  EXPECT_EQ(message_of<ValueError>([&] { Adagrad(p, {.lr_decay = -1}); }),
            "Adagrad: expected lr_decay >= 0, got -1");
}

TEST(OptimizerOptions, SGDRequiresAnLr) {
  EXPECT_TRUE(has_substr(message_of<ValueError>([] { SGD({param({2})}, {}); }),
                         "SGD: expected lr to be set"));
}

TEST(OptimizerOptions, DefaultsArePyTorchs) {
  AdamOptions adam;
  EXPECT_EQ(adam.lr, 1e-3);
  EXPECT_EQ(adam.betas, (std::pair<double, double>{0.9, 0.999}));
  EXPECT_EQ(adam.eps, 1e-8);
  EXPECT_EQ(adam.weight_decay, 0);
  EXPECT_EQ(AdamWOptions{}.weight_decay, 1e-2);
  EXPECT_EQ(RMSpropOptions{}.lr, 1e-2);
  EXPECT_EQ(RMSpropOptions{}.alpha, 0.99);
  EXPECT_EQ(AdagradOptions{}.eps, 1e-10);
}

// ---- parameters and groups ---------------------------------------------------------------

TEST(OptimizerParams, EmptyNonLeafIntegerAndDuplicateParamsAreRejected) {
  EXPECT_EQ(message_of<ValueError>([] { Adam(std::vector<Tensor>{}); }),
            "Adam: expected a non-empty parameter list");
  Tensor w = param({3});
  EXPECT_TRUE(has_substr(message_of<ValueError>([&] { SGD({w * 2}, {.lr = 0.1}); }),
                         "can't optimize a non-leaf tensor"));
  EXPECT_TRUE(
      has_substr(message_of<ValueError>([] { Adam({zeros({2}, {.dtype = DType::int64})}); }),
                 "expected floating parameters, got dtype int64"));
  Adam opt({w});
  EXPECT_TRUE(has_substr(message_of<ValueError>([&] {
                           opt.add_param_group({param({2}), w});
                         }),
                         "expected each parameter in one group only"));
  EXPECT_EQ(opt.num_param_groups(), 1u);
}

TEST(OptimizerParams, AddParamGroupUsesTheDefaultsUnlessGivenOptions) {
  Tensor a = param({2}), b = param({3}), c = param({1});
  SGD opt({a}, {.lr = 0.1, .momentum = 0.9});
  opt.add_param_group({b});
  opt.add_param_group({c}, SGDOptions{.lr = 0.5});
  ASSERT_EQ(opt.num_param_groups(), 3u);
  EXPECT_EQ(opt.param_groups()[1].options.momentum, 0.9);
  EXPECT_EQ(opt.lr(2), 0.5);
  EXPECT_EQ(opt.momentum(2), 0.0);
  EXPECT_EQ(opt.parameters().size(), 3u);
  EXPECT_TRUE(opt.parameters()[2].is_same(c));
  EXPECT_THROW(opt.add_param_group({param({1})}, SGDOptions{.lr = -1}), ValueError);
  EXPECT_THROW(opt.lr(3), IndexError);
}

TEST(OptimizerParams, ChangingAGroupsLrChangesTheNextStep) {
  Tensor w = tensor({1.f, 2.f}).requires_grad_();
  SGD opt({w}, {.lr = 0.1});
  w.set_grad(tensor({1.f, 1.f}));
  opt.param_groups()[0].options.lr = 0.5;
  opt.step();
  EXPECT_EQ(w.to_vector<float>(), (std::vector<float>{0.5f, 1.5f}));
  opt.set_lr(0, 1.0);
  opt.step();
  EXPECT_EQ(w.to_vector<float>(), (std::vector<float>{-0.5f, 0.5f}));
}

TEST(OptimizerParams, MomentumIsMomentumOrBeta1) {
  std::vector<Tensor> p = {param({2})};
  SGD sgd(p, {.lr = 0.1, .momentum = 0.9});
  EXPECT_EQ(sgd.momentum(0), 0.9);
  Adam adam(p, {.betas = {0.8, 0.99}});
  EXPECT_EQ(adam.momentum(0), 0.8);
  adam.set_momentum(0, 0.7);
  EXPECT_EQ(adam.param_groups()[0].options.betas, (std::pair<double, double>{0.7, 0.99}));
  Adagrad adagrad(p);
  EXPECT_EQ(adagrad.momentum(0), std::nullopt);
  EXPECT_THROW(adagrad.set_momentum(0, 0.9), ValueError);
}

// ---- step and zero_grad ------------------------------------------------------------------

TEST(OptimizerStep, SkipsParamsWithoutAGradAndKeepsTheirStateUnborn) {
  Tensor a = param({3}, 1), b = param({2}, 2);
  std::vector<float> b_before = b.to_vector<float>();
  Adam opt({a, b});
  a.set_grad(ones({3}));
  opt.step();
  EXPECT_EQ(b.to_vector<float>(), b_before);
  EXPECT_EQ(opt.state(b), nullptr);
  ASSERT_NE(opt.state(a), nullptr);
  EXPECT_EQ(opt.state(a)->step, 1);
  EXPECT_EQ(opt.state_dict().count("state.1.step"), 0u);
}

TEST(OptimizerStep, UpdatesInPlaceWithoutRecordingAutograd) {
  Tensor w = param({4});
  const void* data = w.data_ptr();
  uint64_t version = w.version();
  Adam opt({w});
  (w * w).sum().backward();
  opt.step();
  EXPECT_EQ(w.data_ptr(), data);
  EXPECT_GT(w.version(), version);
  EXPECT_TRUE(w.is_leaf());
  EXPECT_TRUE(w.requires_grad());
  EXPECT_TRUE(autograd::is_grad_enabled());
}

TEST(OptimizerStep, Float64ParamsAreUpdatedInFloat64) {
  Tensor w = tensor({1.0, 2.0}, {.dtype = DType::float64}).requires_grad_();
  SGD opt({w}, {.lr = 0.1});
  w.set_grad(tensor({1.0, 3.0}, {.dtype = DType::float64}));
  opt.step();
  EXPECT_EQ(w.dtype(), DType::float64);
  EXPECT_EQ(w.to_vector<double>(), (std::vector<double>{1.0 - 0.1, 2.0 - 0.1 * 3.0}));
}

TEST(OptimizerZeroGrad, SetsGradsToUndefinedByDefault) {
  Tensor w = param({3});
  SGD opt({w}, {.lr = 0.1});
  (w * 2).sum().backward();
  opt.zero_grad();
  EXPECT_FALSE(w.grad().defined());
}

TEST(OptimizerZeroGrad, CanZeroInPlaceAndBackwardThenAccumulatesIntoIt) {
  Tensor w = param({3});
  SGD opt({w}, {.lr = 0.1});
  (w * 2).sum().backward();
  opt.zero_grad({.set_to_none = false});
  ASSERT_TRUE(w.grad().defined());
  EXPECT_EQ(w.grad().to_vector<float>(), (std::vector<float>{0, 0, 0}));
  (w * 3).sum().backward();
  EXPECT_EQ(w.grad().to_vector<float>(), (std::vector<float>{3, 3, 3}));
}

// ---- state dict --------------------------------------------------------------------------

TEST(OptimizerStateDict, AdamKeysDtypesAndShapesFollowPyTorch) {
  Tensor a = param({2, 3}), b = param({4});
  Adam opt({a}, {.amsgrad = true});
  opt.add_param_group({b}, AdamOptions{.lr = 0.5});
  a.set_grad(ones({2, 3}));
  b.set_grad(ones({4}));
  opt.step();
  StateDict sd = opt.state_dict();
  std::set<std::string> keys;
  for (const auto& [k, v] : sd) keys.insert(k);
  std::set<std::string> expected = {"param_groups.0.lr",
                                    "param_groups.0.betas",
                                    "param_groups.0.eps",
                                    "param_groups.0.weight_decay",
                                    "param_groups.0.amsgrad",
                                    "param_groups.0.maximize",
                                    "param_groups.0.params",
                                    "param_groups.1.lr",
                                    "param_groups.1.betas",
                                    "param_groups.1.eps",
                                    "param_groups.1.weight_decay",
                                    "param_groups.1.amsgrad",
                                    "param_groups.1.maximize",
                                    "param_groups.1.params",
                                    "state.0.step",
                                    "state.0.exp_avg",
                                    "state.0.exp_avg_sq",
                                    "state.0.max_exp_avg_sq",
                                    "state.1.step",
                                    "state.1.exp_avg",
                                    "state.1.exp_avg_sq"};
  EXPECT_EQ(keys, expected);
  EXPECT_EQ(sd.at("param_groups.1.lr").dtype(), DType::float64);
  EXPECT_EQ(sd.at("param_groups.1.lr").dim(), 0);
  EXPECT_EQ(sd.at("param_groups.1.lr").item<double>(), 0.5);
  EXPECT_EQ(sd.at("param_groups.0.amsgrad").dtype(), DType::int64);
  EXPECT_EQ(sd.at("param_groups.0.betas").to_vector<double>(), (std::vector<double>{0.9, 0.999}));
  EXPECT_EQ(sd.at("param_groups.1.params").to_vector<int64_t>(), (std::vector<int64_t>{1}));
  EXPECT_EQ(sd.at("state.1.step").dtype(), DType::int64);
  EXPECT_EQ(sd.at("state.1.step").item<int64_t>(), 1);
  EXPECT_EQ(sd.at("state.0.exp_avg").sizes(), (Shape{2, 3}));
  EXPECT_EQ(sd.at("state.0.exp_avg").dtype(), DType::float32);
}

TEST(OptimizerStateDict, TensorsAreCopies) {
  Tensor w = param({3});
  SGD opt({w}, {.lr = 0.1, .momentum = 0.9});
  w.set_grad(ones({3}));
  opt.step();
  StateDict sd = opt.state_dict();
  opt.step();
  EXPECT_EQ(sd.at("state.0.momentum_buffer").to_vector<float>(), (std::vector<float>{1, 1, 1}));
}

TEST(OptimizerStateDict, SurvivesASafetensorsFileAndRestoresOptionsAndInitialLr) {
  Tensor w = param({3});
  RMSprop opt({w}, {.lr = 0.02, .momentum = 0.5, .centered = true});
  opt.set_initial_lr(0, 0.03);
  w.set_grad(ones({3}));
  opt.step();
  std::string path = testing::TempDir() + "/ember_rmsprop_state.safetensors";
  io::save_safetensors(path, opt.state_dict());

  Tensor w2 = w.detach().clone().requires_grad_();
  RMSprop fresh({w2});
  fresh.load_state_dict(io::load_safetensors(path).tensors);
  EXPECT_EQ(fresh.param_groups()[0].options.lr, 0.02);
  EXPECT_TRUE(fresh.param_groups()[0].options.centered);
  EXPECT_EQ(fresh.initial_lr(0), 0.03);
  ASSERT_NE(fresh.state(w2), nullptr);
  EXPECT_EQ(fresh.state(w2)->step, 1);
  EXPECT_EQ(fresh.state(w2)->grad_avg.to_vector<float>(),
            opt.state(w)->grad_avg.to_vector<float>());
}

TEST(OptimizerStateDict, LoadCastsStateToTheParamsDtype) {
  Tensor w = param({2});
  Adam opt({w});
  w.set_grad(ones({2}));
  opt.step();
  StateDict sd = opt.state_dict();
  sd["state.0.exp_avg"] = sd["state.0.exp_avg"].to(DType::float64);
  Adam fresh({w});
  fresh.load_state_dict(sd);
  EXPECT_EQ(fresh.state(w)->exp_avg.dtype(), DType::float32);
}

TEST(OptimizerStateDict, LoadListsEveryProblemAndChangesNothing) {
  Tensor a = param({2, 3}), b = param({4});
  Adam opt({a, b}, {.lr = 0.1});
  a.set_grad(ones({2, 3}));
  b.set_grad(ones({4}));
  opt.step();
  StateDict good = opt.state_dict();

  StateDict bad = good;
  bad.erase("param_groups.0.eps");
  bad.erase("state.1.exp_avg_sq");
  bad["state.0.exp_avg"] = zeros({3, 2});
  bad["param_groups.0.lr"] = scalar_tensor(0.5, {.dtype = DType::float64});
  bad["state.0.momentum_buffer"] = zeros({2, 3});
  Tensor c = param({2, 3}), d = param({4});
  Adam target({c, d}, {.lr = 0.7});
  std::string msg = message_of<ValueError>([&] { target.load_state_dict(bad); });
  EXPECT_TRUE(has_substr(msg, "Adam.load_state_dict: the state dict does not match"));
  EXPECT_TRUE(has_substr(msg, "missing key param_groups.0.eps"));
  EXPECT_TRUE(has_substr(msg, "missing key state.1.exp_avg_sq"));
  EXPECT_TRUE(
      has_substr(msg, "state.0.exp_avg: expected shape [2, 3] (the parameter's), got [3, 2]"));
  EXPECT_TRUE(has_substr(msg, "unexpected key state.0.momentum_buffer"));
  EXPECT_EQ(target.lr(0), 0.7);
  EXPECT_EQ(target.state(c), nullptr);
}

TEST(OptimizerStateDict, LoadRejectsOtherGroupAndParamCounts) {
  Tensor a = param({2}), b = param({3});
  SGD two_groups({a}, {.lr = 0.1});
  two_groups.add_param_group({b});
  SGD one_group({param({2}), param({3})}, {.lr = 0.1});
  EXPECT_TRUE(has_substr(
      message_of<ValueError>([&] { one_group.load_state_dict(two_groups.state_dict()); }),
      "expected 1 param groups, got 2"));
  SGD three_params({param({2}), param({3}), param({1})}, {.lr = 0.1});
  EXPECT_TRUE(has_substr(
      message_of<ValueError>([&] { three_params.load_state_dict(one_group.state_dict()); }),
      "param_groups.0.params: expected 3 parameters numbered from 0, got 2"));
}

TEST(OptimizerStateDict, LoadRejectsInvalidOptions) {
  std::vector<Tensor> p = {param({2})};
  SGD opt(p, {.lr = 0.1});
  StateDict sd = opt.state_dict();
  sd["param_groups.0.lr"] = scalar_tensor(-1.0, {.dtype = DType::float64});
  EXPECT_TRUE(has_substr(message_of<ValueError>([&] { opt.load_state_dict(sd); }),
                         "SGD: expected lr >= 0, got -1"));
  EXPECT_EQ(opt.lr(0), 0.1);
}

// ---- fused Adam --------------------------------------------------------------------------

// Runs `steps` Adam/AdamW steps on a copy of `init` with fixed pseudo-random gradients.
template <typename Opt, typename Options>
Tensor run_adam(const Tensor& init, Options options, int steps) {
  Tensor w = init.detach().clone().requires_grad_();
  Opt opt({w}, options);
  Generator gen(7);
  for (int s = 0; s < steps; ++s) {
    w.set_grad(randn(w.sizes(), {.dtype = w.dtype()}, &gen) * (s % 3 + 0.5));
    opt.step();
  }
  return w.detach();
}

// The fused and composed updates of `init` after 5 steps, for Adam (AdamW when decoupled).
std::pair<std::vector<double>, std::vector<double>> both_paths(const Tensor& init, bool decoupled,
                                                               bool amsgrad, bool maximize) {
  if (decoupled) {
    AdamWOptions o{.lr = 0.01, .weight_decay = 0.1, .amsgrad = amsgrad, .maximize = maximize};
    AdamWOptions composed = o;
    composed.fused = false;
    return {run_adam<AdamW>(init, o, 5).to_vector<double>(),
            run_adam<AdamW>(init, composed, 5).to_vector<double>()};
  }
  AdamOptions o{.lr = 0.01, .weight_decay = 0.1, .amsgrad = amsgrad, .maximize = maximize};
  AdamOptions composed = o;
  composed.fused = false;
  return {run_adam<Adam>(init, o, 5).to_vector<double>(),
          run_adam<Adam>(init, composed, 5).to_vector<double>()};
}

TEST(AdamFused, MatchesTheComposedPathExactly) {
  for (DType dtype : {DType::float32, DType::float64}) {
    Generator gen(3);
    Tensor init = randn({7, 13}, {.dtype = dtype}, &gen);
    for (bool decoupled : {false, true}) {
      for (bool amsgrad : {false, true}) {
        for (bool maximize : {false, true}) {
          auto [fused, composed] = both_paths(init, decoupled, amsgrad, maximize);
          EXPECT_EQ(fused, composed) << (decoupled ? "AdamW " : "Adam ") << dtype
                                     << " amsgrad=" << amsgrad << " maximize=" << maximize;
        }
      }
    }
  }
}

TEST(AdamFused, MatchesTheComposedPathWhenTheLoopRunsOnSeveralThreads) {
  Generator gen(5);
  Tensor init = randn({97, 91}, {}, &gen);  // 8827 elements: parallel_for splits the loop
  auto [fused, composed] = both_paths(init, true, true, false);
  EXPECT_EQ(fused, composed);
}

TEST(AdamFused, NonContiguousParamsFallBackToTheComposedPath) {
  Generator gen(4);
  Tensor base = randn({5, 7}, {}, &gen);
  Tensor strided = base.t().detach().requires_grad_();  // (7, 5), not contiguous
  ASSERT_FALSE(strided.is_contiguous());
  Tensor dense = base.t().contiguous().requires_grad_();
  Adam a({strided}, {.lr = 0.1});
  Adam b({dense}, {.lr = 0.1});
  for (int s = 0; s < 3; ++s) {
    Tensor g = randn({7, 5}, {}, &gen);
    strided.set_grad(g);
    dense.set_grad(g.clone());
    a.step();
    b.step();
  }
  EXPECT_EQ(strided.to_vector<float>(), dense.to_vector<float>());
}

}  // namespace
}  // namespace ember::optim
