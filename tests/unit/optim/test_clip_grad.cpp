// Gradient clipping against torch.nn.utils (norm types 2, 1, inf and 3; clipping and not),
// its errors, and gradient accumulation over micro-batches.
#include <gtest/gtest.h>

#include <cmath>

#include "ember/ember.h"
#include "ember/optim/adam.h"
#include "ember/optim/clip_grad.h"
#include "ember/optim/sgd.h"
#include "ops/compare.h"
#include "unit/optim/optim_fixtures.h"

namespace ember::optim {
namespace {

constexpr int64_t kNumParams = 3;
// float32 norms: PyTorch's vectorized reduction sums in another order than ember's.
constexpr double kRtol = 1e-6;
constexpr double kAtol = 1e-7;

std::vector<Tensor> params_with_grads(const std::map<std::string, Tensor>& f) {
  std::vector<Tensor> params;
  for (int64_t k = 0; k < kNumParams; ++k) {
    const Tensor& g = f.at("grad." + std::to_string(k));
    Tensor p = zeros_like(g).requires_grad_();
    p.set_grad(g.clone());
    params.push_back(p);
  }
  return params;
}

TEST(ClipGradNorm, MatchesPyTorchForEveryNormType) {
  auto f = test::load_optim_fixture("clip_grad");
  if (f.empty()) return;
  const std::map<std::string, double> norm_types = {
      {"2", 2.0}, {"1", 1.0}, {"inf", INFINITY}, {"3", 3.0}};
  const std::map<std::string, double> max_norms = {{"small", 0.5}, {"large", 100.0}};
  for (const auto& [tname, norm_type] : norm_types) {
    for (const auto& [mname, max_norm] : max_norms) {
      std::string key = "norm_" + tname + "_" + mname;
      std::vector<Tensor> params = params_with_grads(f);
      Tensor total = clip_grad_norm_(params, max_norm, {.norm_type = norm_type});
      EXPECT_EQ(total.dim(), 0);
      EXPECT_TRUE(
          test::all_close(total.reshape({1}), f.at(key + ".total"), kAtol, kRtol, key + " total"));
      for (int64_t k = 0; k < kNumParams; ++k) {
        EXPECT_TRUE(test::all_close(params[static_cast<size_t>(k)].grad(),
                                    f.at(key + ".grad." + std::to_string(k)), kAtol, kRtol,
                                    key + " grad " + std::to_string(k)));
      }
    }
  }
}

TEST(ClipGradNorm, SkipsParamsWithoutGradsAndReturnsZeroWhenNoneHasOne) {
  Tensor a = zeros({3}).requires_grad_(), b = zeros({2}).requires_grad_();
  EXPECT_EQ(clip_grad_norm_({a, b}, 1.0).item<double>(), 0.0);
  a.set_grad(tensor({3.f, 0.f, 4.f}));
  Tensor total = clip_grad_norm_({a, b}, 1.0);
  EXPECT_FLOAT_EQ(total.item<float>(), 5.f);
  EXPECT_FALSE(b.grad().defined());
  EXPECT_NEAR(a.grad().to_vector<float>()[2], 0.8f, 1e-6);
}

TEST(ClipGradNorm, NonFiniteNormThrowsOnlyWhenAsked) {
  Tensor a = zeros({2}).requires_grad_();
  a.set_grad(tensor({NAN, 1.f}));
  EXPECT_THROW(clip_grad_norm_({a}, 1.0, {.error_if_nonfinite = true}), ValueError);
  EXPECT_TRUE(std::isnan(clip_grad_norm_({a}, 1.0).item<double>()));
  EXPECT_THROW(clip_grad_norm_({a}, -1.0), ValueError);
}

TEST(ClipGradValue, MatchesPyTorch) {
  auto f = test::load_optim_fixture("clip_grad");
  if (f.empty()) return;
  std::vector<Tensor> params = params_with_grads(f);
  clip_grad_value_(params, 0.3);
  for (int64_t k = 0; k < kNumParams; ++k) {
    EXPECT_TRUE(test::all_close(params[static_cast<size_t>(k)].grad(),
                                f.at("value.grad." + std::to_string(k)), 0, 0,
                                "grad " + std::to_string(k)));
  }
  EXPECT_THROW(clip_grad_value_(params, -0.1), ValueError);
}

// Four micro-batches of 8 with loss / 4 accumulate the gradient of one batch of 32, so the
// optimizer step is the same (up to float32 summation order).
TEST(GradientAccumulation, FourMicroBatchesEqualOneBatch) {
  Generator gen(11);
  Tensor x = randn({32, 4}, {}, &gen);
  Tensor y = randn({32}, {}, &gen);
  Tensor w0 = randn({4}, {}, &gen);
  auto loss_of = [](const Tensor& w, const Tensor& b, const Tensor& xb, const Tensor& yb) {
    Tensor err = sum(xb * w, {1}) + b - yb;  // (N)
    return mean(err * err);
  };
  auto run = [&](int micro_batches, bool adam) {
    Tensor w = w0.clone().requires_grad_();
    Tensor b = zeros({1}).requires_grad_();
    std::unique_ptr<Optimizer> opt;
    if (adam) {
      opt = std::make_unique<Adam>(std::vector<Tensor>{w, b}, AdamOptions{.lr = 0.01});
    } else {
      opt = std::make_unique<SGD>(std::vector<Tensor>{w, b}, SGDOptions{.lr = 0.1});
    }
    for (int step = 0; step < 3; ++step) {
      opt->zero_grad();
      int64_t n = 32 / micro_batches;
      for (int i = 0; i < micro_batches; ++i) {
        Tensor xb = x.narrow(0, i * n, n), yb = y.narrow(0, i * n, n);
        (loss_of(w, b, xb, yb) / static_cast<double>(micro_batches)).backward();
      }
      opt->step();
    }
    return std::pair{w.detach(), b.detach()};
  };
  for (bool adam : {false, true}) {
    auto [w1, b1] = run(1, adam);
    auto [w4, b4] = run(4, adam);
    EXPECT_TRUE(test::all_close(w4, w1, 1e-6, 1e-6, adam ? "Adam w" : "SGD w"));
    EXPECT_TRUE(test::all_close(b4, b1, 1e-6, 1e-6, adam ? "Adam b" : "SGD b"));
  }
}

}  // namespace
}  // namespace ember::optim
