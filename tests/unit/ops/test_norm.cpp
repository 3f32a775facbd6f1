// Normalisation layers beyond what the op table checks: batch_norm's running statistics
// against values worked out by hand, the fast layer_norm and batch_norm kernels on large and
// badly conditioned inputs (threaded, against the reference), batch_norm's second derivative,
// 16-bit inputs, rms_norm's default eps, and a group_norm / layer_norm identity.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>

#include "ember/ember.h"
#include "ops/compare.h"

namespace ember {
namespace {

using test::all_close;

Tensor f64(std::initializer_list<double> values, const Shape& shape) {
  return from_vector(std::vector<double>(values), shape, {.dtype = DType::float64});
}

TEST(BatchNorm, RunningStatsAfterThreeTrainingStepsMatchTheFormula) {
  // running = (1 - momentum) * running + momentum * batch, with the unbiased batch variance.
  // Batches (N, C=2) and their per-channel mean / unbiased variance:
  //   1: [[1, 0], [3, 4]]          ch0 {1, 3}: 2, 2       ch1 {0, 4}: 2, 8
  //   2: [[2, -1], [2, 1]]         ch0 {2, 2}: 2, 0       ch1 {-1, 1}: 0, 2
  //   3: [[0, 5], [3, 5], [6, 8]]  ch0 {0, 3, 6}: 3, 9    ch1 {5, 5, 8}: 6, 3
  // From mean 0, var 1, momentum 0.1:
  //   mean: 0.2, 0.2 -> 0.38, 0.18 -> 0.642, 0.762
  //   var:  1.1, 1.7 -> 0.99, 1.73 -> 1.791, 1.857
  Tensor rm = zeros({2}, {.dtype = DType::float64});
  Tensor rv = ones({2}, {.dtype = DType::float64});
  const BatchNormOptions train{.training = true, .momentum = 0.1};
  batch_norm(f64({1, 0, 3, 4}, {2, 2}), rm, rv, {}, {}, train);
  batch_norm(f64({2, -1, 2, 1}, {2, 2}), rm, rv, {}, {}, train);
  Tensor y = batch_norm(f64({0, 5, 3, 5, 6, 8}, {3, 2}), rm, rv, {}, {}, train);
  std::vector<double> m = rm.to_vector<double>(), v = rv.to_vector<double>();
  EXPECT_NEAR(m[0], 0.642, 1e-12);
  EXPECT_NEAR(m[1], 0.762, 1e-12);
  EXPECT_NEAR(v[0], 1.791, 1e-12);
  EXPECT_NEAR(v[1], 1.857, 1e-12);
  // The output is normalised with the biased variance: channel 0 of batch 3 has 18 / 3 = 6.
  EXPECT_NEAR(y.to_vector<double>()[0], -3 / std::sqrt(6 + 1e-5), 1e-12);
}

TEST(BatchNorm, EvalUsesRunningStatsAndLeavesThemUnchanged) {
  Tensor rm = f64({1, -2}, {2}), rv = f64({4, 0.25}, {2});
  Tensor x = f64({3, 0, 5, -1}, {2, 2});
  Tensor y = batch_norm(x, rm, rv, {}, {}, {.eps = 0});
  EXPECT_EQ(y.to_vector<double>(), (std::vector<double>{1, 4, 2, 2}));
  EXPECT_EQ(rm.to_vector<double>(), (std::vector<double>{1, -2}));
  EXPECT_EQ(rv.to_vector<double>(), (std::vector<double>{4, 0.25}));
}

TEST(BatchNorm, TrainingStepRecordsNoGraphForTheRunningStats) {
  Tensor x = randn({4, 3, 2}).requires_grad_();
  Tensor rm = zeros({3}), rv = ones({3});
  Tensor y = batch_norm(x, rm, rv, ones({3}), zeros({3}), {.training = true});
  EXPECT_FALSE(rm.requires_grad());
  EXPECT_FALSE(rv.requires_grad());
  y.sum().backward();
  // sum(y) does not depend on x: each channel's normalised values sum to zero.
  EXPECT_TRUE(all_close(x.grad(), zeros({4, 3, 2}), 1e-5, 0, "x.grad"));
}

TEST(BatchNorm, Bfloat16InputWithFloat32RunningStats) {
  Tensor x = randn({8, 3, 2}).to(DType::bfloat16);
  Tensor rm = zeros({3}), rv = ones({3});
  Tensor y = batch_norm(x, rm, rv, {}, {}, {.training = true});
  EXPECT_EQ(y.dtype(), DType::bfloat16);
  EXPECT_EQ(rm.dtype(), DType::float32);
  Tensor rm32 = zeros({3}), rv32 = ones({3});
  Tensor y32 = batch_norm(x.to(DType::float32), rm32, rv32, {}, {}, {.training = true});
  EXPECT_TRUE(all_close(y, y32.to(DType::bfloat16), 0, 0, "bfloat16 output"));
  EXPECT_TRUE(all_close(rm, rm32, 0, 0, "running_mean"));
  EXPECT_TRUE(all_close(rv, rv32, 0, 0, "running_var"));
}

// Forward, running statistics after the step and the three gradients of batch_norm on the
// current backend. The running statistics start at mean 0.1, variance 2.
std::vector<Tensor> batch_norm_with_grads(const Tensor& x, const Tensor& w, const Tensor& b,
                                          const Tensor& gout, bool training) {
  Tensor xi = x.detach().requires_grad_(), wi = w.detach().requires_grad_(),
         bi = b.detach().requires_grad_();
  const TensorOptions opts{.dtype = x.dtype()};
  Tensor rm = full({x.size(1)}, 0.1, opts), rv = full({x.size(1)}, 2.0, opts);
  Tensor y = batch_norm(xi, rm, rv, wi, bi, {.training = training});
  auto g = autograd::grad({y}, {xi, wi, bi}, {gout});
  return {y, rm, rv, g[0], g[1], g[2]};
}

// The fast kernels walk long spatial rows channel by channel and short ones ((N, C), and
// S < 8) row by row; every shape here is split across threads.
TEST(BatchNorm, ThreadedFastKernelMatchesReferenceOnLargeInputs) {
  int threads = num_threads();
  set_num_threads(4);
  Generator gen(23);
  const char* names[] = {"output", "running_mean", "running_var", "dx", "dweight", "dbias"};
  for (const Shape& shape : {Shape{16, 37, 9, 11}, Shape{1029, 67}, Shape{333, 45, 3}}) {
    const int64_t C = shape[1];
    Tensor x = randn(shape, {}, &gen) * 2 + 0.5, gout = randn(shape, {}, &gen);
    Tensor w = randn({C}, {}, &gen), b = randn({C}, {}, &gen);
    for (bool training : {true, false}) {
      std::vector<Tensor> ref, fast;
      {
        BackendGuard guard(Backend::ref);
        ref = batch_norm_with_grads(x, w, b, gout, training);
      }
      {
        BackendGuard guard(Backend::cpu);
        fast = batch_norm_with_grads(x, w, b, gout, training);
      }
      for (size_t k = 0; k < 6; ++k) {
        EXPECT_TRUE(all_close(fast[k], ref[k], 1e-4, 1e-4,
                              shape_str(shape) + (training ? " training " : " eval ") + names[k]));
      }
    }
  }
  set_num_threads(threads);
}

TEST(BatchNorm, FastKernelResultsDoNotDependOnTheThreadCount) {
  // Each channel's sums stay on one thread, so the results are bitwise the same.
  int threads = num_threads();
  Generator gen(29);
  BackendGuard guard(Backend::cpu);
  for (const Shape& shape : {Shape{8, 24, 13, 13}, Shape{2049, 48}}) {
    Tensor x = randn(shape, {}, &gen), gout = randn(shape, {}, &gen);
    Tensor w = randn({shape[1]}, {}, &gen), b = randn({shape[1]}, {}, &gen);
    set_num_threads(1);
    std::vector<Tensor> one = batch_norm_with_grads(x, w, b, gout, true);
    set_num_threads(4);
    std::vector<Tensor> four = batch_norm_with_grads(x, w, b, gout, true);
    for (size_t k = 0; k < one.size(); ++k) {
      EXPECT_TRUE(
          all_close(four[k], one[k], 0, 0, shape_str(shape) + " result " + std::to_string(k)));
    }
  }
  set_num_threads(threads);
}

TEST(BatchNorm, FastKernelKeepsPrecisionWhenTheMeanDwarfsTheSpread) {
  // float32 channels with mean 1000 and std 0.01, long (S = 323) and short (S = 1) rows: a
  // one-pass variance loses every digit, and normalising with the mean rounded to float32
  // would be off by up to 3e-3.
  Generator gen(31);
  for (const Shape& shape : {Shape{6, 3, 17, 19}, Shape{500, 3}}) {
    Tensor x = (randn(shape, {.dtype = DType::float64}, &gen) * 0.01 + 1000).to(DType::float32);
    const BatchNormOptions train{.training = true, .momentum = 1.0};  // running = batch stats
    Tensor rm64 = zeros({3}, {.dtype = DType::float64}),
           rv64 = ones({3}, {.dtype = DType::float64});
    Tensor expected = batch_norm(x.to(DType::float64), rm64, rv64, {}, {}, train);
    BackendGuard guard(Backend::cpu);
    Tensor rm = zeros({3}), rv = ones({3});
    Tensor y = batch_norm(x, rm, rv, {}, {}, train);
    EXPECT_TRUE(all_close(y, expected, 1e-4, 1e-4, shape_str(shape) + " output"));
    EXPECT_TRUE(all_close(rm, rm64, 0, 1e-7, shape_str(shape) + " running_mean"));
    EXPECT_TRUE(all_close(rv, rv64, 0, 1e-4, shape_str(shape) + " running_var"));
  }
}

// See Note [Batch norm double backward] in src/ops/norm.cpp: the first derivative comes from
// the kernel without create_graph and from ops with it; both must agree.
TEST(BatchNorm, FirstDerivativeIsTheSameWithAndWithoutCreateGraph) {
  Generator gen(37);
  for (const Shape& shape : {Shape{4, 3, 5}, Shape{6, 3}, Shape{2, 3, 3, 4}}) {
    Tensor x = randn(shape, {.dtype = DType::float64}, &gen).requires_grad_();
    Tensor w = randn({3}, {.dtype = DType::float64}, &gen).requires_grad_();
    Tensor b = randn({3}, {.dtype = DType::float64}, &gen).requires_grad_();
    Tensor gout = randn(shape, {.dtype = DType::float64}, &gen);
    for (bool training : {true, false}) {
      Tensor rm = full({3}, 0.2, {.dtype = DType::float64});
      Tensor rv = full({3}, 1.5, {.dtype = DType::float64});
      auto first = [&](bool create_graph) {
        Tensor y = batch_norm(x, rm.clone(), rv.clone(), w, b, {.training = training});
        return autograd::grad({y}, {x, w, b}, {gout}, {.create_graph = create_graph});
      };
      std::vector<Tensor> by_kernel = first(false), by_ops = first(true);
      for (size_t k = 0; k < 3; ++k) {
        EXPECT_TRUE(all_close(by_ops[k], by_kernel[k], 1e-12, 1e-12,
                              shape_str(shape) + (training ? " training" : " eval") + " gradient " +
                                  std::to_string(k)));
      }
    }
  }
}

TEST(BatchNorm, SecondDerivativeMatchesFiniteDifferences) {
  Generator gen(41);
  for (bool training : {true, false}) {
    Tensor x = randn({3, 2, 5}, {.dtype = DType::float64}, &gen).requires_grad_();
    Tensor w = (rand({2}, {.dtype = DType::float64}, &gen) + 0.5).requires_grad_();
    Tensor b = randn({2}, {.dtype = DType::float64}, &gen).requires_grad_();
    Tensor rm = randn({2}, {.dtype = DType::float64}, &gen);
    Tensor rv = rand({2}, {.dtype = DType::float64}, &gen) + 0.5;
    Tensor weights = arange(30, {.dtype = DType::float64}).reshape({3, 2, 5}) * 0.1;
    auto first_derivative = [&](const std::vector<Tensor>& in) {
      autograd::EnableGradGuard grad_mode;  // gradcheck evaluates under no-grad
      Tensor y = batch_norm(in[0], rm.clone(), rv.clone(), in[1], in[2], {.training = training});
      return autograd::grad({(y * y * weights).sum()}, in, {}, {.create_graph = true});
    };
    auto r = autograd::gradcheck(first_derivative, {x, w, b});
    EXPECT_TRUE(r.ok) << (training ? "training: " : "eval: ") << r.message;
  }
}

TEST(BatchNorm, EvalBackwardUsesTheStatisticsOfItsForward) {
  // A training step between forward and backward rewrites the running statistics in place;
  // the gradient of the eval output is still the one of the statistics it was computed with.
  Tensor x =
      tensor({1.0, 2.0, 3.0, 5.0}, {.dtype = DType::float64}).reshape({2, 2}).requires_grad_();
  Tensor w = tensor({2.0, 3.0}, {.dtype = DType::float64}).requires_grad_();
  Tensor rm = f64({1, -1}, {2}), rv = f64({4, 1}, {2});
  Tensor y = batch_norm(x, rm, rv, w, {}, {.eps = 0});
  batch_norm(f64({10, 20, 30, 50}, {2, 2}), rm, rv, {}, {}, {.training = true, .momentum = 0.5});
  auto g = autograd::grad({y}, {x, w}, {f64({1, 1, 1, 1}, {2, 2})});
  // dx = w / sqrt(var) = {2 / 2, 3 / 1}; dw = sum((x - mean) / sqrt(var)) = {(0 + 2) / 2, 3 + 6}.
  EXPECT_EQ(g[0].to_vector<double>(), (std::vector<double>{1, 3, 1, 3}));
  EXPECT_EQ(g[1].to_vector<double>(), (std::vector<double>{1, 9}));
}

// Forward and all three gradients of layer_norm on the current backend.
std::vector<Tensor> layer_norm_with_grads(const Tensor& x, const Tensor& w, const Tensor& b,
                                          const Tensor& gout) {
  Tensor xi = x.detach().requires_grad_(), wi = w.detach().requires_grad_(),
         bi = b.detach().requires_grad_();
  Tensor y = layer_norm(xi, {x.size(-1)}, wi, bi);
  auto g = autograd::grad({y}, {xi, wi, bi}, {gout});
  return {y, g[0], g[1], g[2]};
}

TEST(LayerNorm, ThreadedFastKernelMatchesReferenceOnLargeInput) {
  // Big enough to be split across threads: dweight/dbias come from per-thread partials.
  int threads = num_threads();
  set_num_threads(4);
  Generator gen(17);
  Tensor x = randn({517, 301}, {}, &gen), w = randn({301}, {}, &gen), b = randn({301}, {}, &gen);
  Tensor gout = randn({517, 301}, {}, &gen);
  std::vector<Tensor> ref, fast;
  {
    BackendGuard guard(Backend::ref);
    ref = layer_norm_with_grads(x, w, b, gout);
  }
  {
    BackendGuard guard(Backend::cpu);
    fast = layer_norm_with_grads(x, w, b, gout);
  }
  set_num_threads(threads);
  const char* names[] = {"output", "dx", "dweight", "dbias"};
  for (size_t k = 0; k < 4; ++k) {
    EXPECT_TRUE(all_close(fast[k], ref[k], 1e-4, 1e-4, names[k]));
  }
}

TEST(LayerNorm, FastKernelKeepsPrecisionWhenTheMeanDwarfsTheSpread) {
  // float32 rows with mean 1000 and std 0.01: a naive one-pass variance loses every digit.
  Generator gen(5);
  Tensor x = (randn({4, 257}, {.dtype = DType::float64}, &gen) * 0.01 + 1000).to(DType::float32);
  Tensor expected = layer_norm(x.to(DType::float64), {257});
  BackendGuard guard(Backend::cpu);
  EXPECT_TRUE(all_close(layer_norm(x, {257}), expected, 1e-3, 1e-3, "layer_norm"));
}

TEST(LayerNorm, Bfloat16ComputesInFloat32AndRoundsBack) {
  Generator gen(8);
  Tensor x = randn({3, 10}, {}, &gen).to(DType::bfloat16).requires_grad_();
  Tensor w = randn({10}, {}, &gen).to(DType::bfloat16).requires_grad_();
  Tensor y = layer_norm(x, {10}, w);
  EXPECT_EQ(y.dtype(), DType::bfloat16);
  Tensor y32 = layer_norm(x.detach().to(DType::float32), {10}, w.detach().to(DType::float32));
  EXPECT_TRUE(all_close(y, y32.to(DType::bfloat16), 0, 0, "output"));
  y.sum().backward();
  EXPECT_EQ(x.grad().dtype(), DType::bfloat16);
  EXPECT_EQ(w.grad().dtype(), DType::bfloat16);
}

TEST(LayerNorm, InPlaceChangeOfTheInputBeforeBackwardIsReported) {
  Tensor a = randn({2, 5}).requires_grad_();
  Tensor h = a * 1;
  Tensor y = layer_norm(h, {5});
  h.mul_(2);
  EXPECT_THROW(y.sum().backward(), Error);
}

TEST(RmsNorm, DefaultEpsIsTheMachineEpsilonOfTheComputeType) {
  // mean(x^2) = 1e-8 is comparable to float32's epsilon, so eps shows in the result.
  for (DType dtype : {DType::float32, DType::float64, DType::bfloat16}) {
    Tensor x = full({2, 4}, 1e-4, {.dtype = dtype});
    double eps = dtype == DType::float64 ? std::numeric_limits<double>::epsilon()
                                         : std::numeric_limits<float>::epsilon();
    double xv = x.to_vector<double>()[0];
    double expected = xv / std::sqrt(xv * xv + eps);
    EXPECT_NEAR(rms_norm(x, {4}).to_vector<double>()[0], expected, 1e-2 * expected) << dtype;
  }
}

TEST(GroupNorm, OneGroupEqualsLayerNormOverChannelsAndSpace) {
  Generator gen(4);
  Tensor x = randn({3, 4, 2, 5}, {.dtype = DType::float64}, &gen);
  EXPECT_TRUE(all_close(group_norm(x, 1), layer_norm(x, {4, 2, 5}), 1e-12, 1e-12, "group_norm"));
}

}  // namespace
}  // namespace ember
