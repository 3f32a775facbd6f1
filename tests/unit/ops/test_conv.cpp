// Behaviour of the convolutions, poolings and interpolate beyond the op table: hand-computed
// values, gradients of gradients (see Note [Conv autograd] in src/ops/conv.cpp), 16-bit
// inputs, threaded fast kernels against the reference, and PyTorch's edge-case rules.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ember/ember.h"
#include "ops/compare.h"

namespace ember {
namespace {

using test::all_close;

Tensor arange_image(int64_t h, int64_t w) {
  return arange(h * w, {.dtype = DType::float32}).reshape({1, 1, h, w});
}

// Gradcheck of x -> d(sum(f(x)^2 * v))/dx, which differentiates f's backward.
testing::AssertionResult second_order_ok(const std::function<Tensor(const std::vector<Tensor>&)>& f,
                                         const std::vector<Shape>& shapes) {
  Generator gen(3);
  std::vector<Tensor> inputs;
  for (const auto& s : shapes) {
    inputs.push_back(randn(s, {.dtype = DType::float64}, &gen).requires_grad_());
  }
  auto grads_of = [&f](const std::vector<Tensor>& in) {
    autograd::EnableGradGuard enable;  // gradcheck evaluates f under no-grad
    Tensor y = f(in);
    Tensor weights = arange(y.numel(), {.dtype = DType::float64}).reshape(y.sizes()) * 0.1;
    return autograd::grad({(y * y * weights).sum()}, in, {}, {.create_graph = true});
  };
  auto r = autograd::gradcheck(grads_of, inputs);
  if (r.ok) return testing::AssertionSuccess();
  return testing::AssertionFailure() << r.message;
}

TEST(ConvOps, Conv2dSumsEachWindowTimesTheKernel) {
  for (Backend b : {Backend::ref, Backend::cpu}) {
    BackendGuard guard(b);
    // 2x2 windows of 0..15 (4x4), stride 2, with a kernel [[1, 0], [0, 2]] and bias 1.
    Tensor w = tensor({1.f, 0.f, 0.f, 2.f}).reshape({1, 1, 2, 2});
    Tensor y = conv2d(arange_image(4, 4), w, tensor({1.f}), {.stride = {2, 2}});
    EXPECT_EQ(y.sizes(), (Shape{1, 1, 2, 2}));
    EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{11, 17, 35, 41}));
  }
}

TEST(ConvOps, ConvTranspose2dIsTheAdjointOfConv2d) {
  // <conv2d(x, w), g> == <x, conv_transpose2d(g, w)> for the same stride, padding, groups.
  Generator gen(7);
  Tensor x = randn({2, 4, 7, 6}, {.dtype = DType::float64}, &gen);
  Tensor w = randn({6, 2, 3, 2}, {.dtype = DType::float64}, &gen);
  Tensor y = conv2d(x, w, Tensor(), {.stride = {2, 1}, .padding = {1, 1}, .groups = 2});
  Tensor g = randn(y.sizes(), {.dtype = DType::float64}, &gen);
  Tensor xt = conv_transpose2d(
      g, w, Tensor(), {.stride = {2, 1}, .padding = {1, 1}, .output_padding = {0, 0}, .groups = 2});
  ASSERT_EQ(xt.sizes(), x.sizes());
  EXPECT_NEAR((y * g).sum().item(), (x * xt).sum().item(), 1e-9);
}

TEST(ConvOps, SecondDerivativesMatchFiniteDifferences) {
  EXPECT_TRUE(second_order_ok(
      [](const std::vector<Tensor>& in) {
        return conv2d(in[0], in[1], Tensor(), {.stride = {2, 1}, .padding = {1, 0}});
      },
      {{2, 2, 5, 4}, {3, 2, 2, 2}}));
  EXPECT_TRUE(second_order_ok(
      [](const std::vector<Tensor>& in) {
        return conv_transpose2d(in[0], in[1], Tensor(),
                                {.stride = {2, 2}, .output_padding = {1, 0}, .groups = 2});
      },
      {{1, 2, 3, 3}, {2, 2, 2, 3}}));
  EXPECT_TRUE(second_order_ok(
      [](const std::vector<Tensor>& in) {
        return avg_pool2d(in[0], {.kernel_size = {3, 2}, .padding = {1, 1}, .ceil_mode = true});
      },
      {{1, 2, 5, 5}}));
  EXPECT_TRUE(second_order_ok(
      [](const std::vector<Tensor>& in) {
        return adaptive_avg_pool2d(in[0], {2, 3});
      },
      {{1, 2, 5, 4}}));
  EXPECT_TRUE(second_order_ok(
      [](const std::vector<Tensor>& in) {
        return interpolate(in[0], {.size = Size2{5, 3}, .mode = InterpolateMode::bilinear});
      },
      {{1, 2, 3, 4}}));
  EXPECT_TRUE(second_order_ok(
      [](const std::vector<Tensor>& in) {
        return max_pool2d(in[0], {.kernel_size = {2, 2}, .stride = Size2{1, 1}});
      },
      {{1, 2, 4, 5}}));
}

TEST(ConvOps, ThreadedFastKernelsMatchReference) {
  // Four threads over five images: uneven batch slices for the weight gradient. A 1x1
  // convolution (the GEMM-only path), a strided, dilated, grouped one (im2col + GEMM) and a
  // depthwise one with a channel multiplier (Note [Depthwise conv]).
  int threads = num_threads();
  set_num_threads(4);
  Generator gen(11);
  Tensor x = randn({5, 6, 17, 19}, {}, &gen);
  struct Config {
    Shape weight;
    Conv2dOptions options;
  };
  for (const Config& config :
       {Config{{9, 6, 1, 1}, {}},
        Config{{9, 2, 3, 3},
               {.stride = {2, 1}, .padding = {2, 1}, .dilation = {2, 1}, .groups = 3}},
        Config{{12, 1, 3, 2}, {.stride = {1, 2}, .padding = {1, 1}, .groups = 6}}}) {
    Tensor w = randn(config.weight, {}, &gen);
    std::vector<Tensor> results[2];
    for (int i = 0; i < 2; ++i) {
      BackendGuard guard(i == 0 ? Backend::ref : Backend::cpu);
      Tensor xi = x.detach().requires_grad_(), wi = w.detach().requires_grad_();
      Tensor y = conv2d(xi, wi, Tensor(), config.options);
      auto g = autograd::grad({y}, {xi, wi}, {ones_like(y)});
      results[i] = {y, g[0], g[1]};
    }
    const char* names[] = {"output", "dx", "dweight"};
    for (int j = 0; j < 3; ++j) {
      EXPECT_TRUE(all_close(results[1][j], results[0][j], 1e-3, 1e-4,
                            names[j] + std::string(" of weight ") + shape_str(config.weight)));
    }
  }
  set_num_threads(threads);
}

// Under set_float32_matmul_precision("medium") the convolution's GEMMs round their operands to
// bfloat16: the result is the float32 convolution of bfloat16-rounded inputs (up to summation
// order), and differs from the "highest" result.
TEST(ConvOps, MediumMatmulPrecisionConvolvesBfloat16RoundedOperands) {
  Generator gen(3);
  Tensor x = randn({2, 5, 9, 9}, {}, &gen), w = randn({7, 5, 3, 3}, {}, &gen);
  const Conv2dOptions options{.padding = {1, 1}};
  auto rounded = [](const Tensor& t) { return t.to(DType::bfloat16).to(DType::float32); };
  Tensor expected = conv2d(rounded(x), rounded(w), Tensor(), options);
  Tensor highest = conv2d(x, w, Tensor(), options);
  set_float32_matmul_precision("medium");
  Tensor medium = conv2d(x, w, Tensor(), options);
  set_float32_matmul_precision("highest");
  EXPECT_TRUE(all_close(medium, expected, 1e-5, 1e-5, "medium conv2d"));
  EXPECT_FALSE(all_close(medium, highest, 1e-5, 1e-5, "medium vs highest"));
}

TEST(ConvOps, SixteenBitInputsComputeInFloat32AndRoundBack) {
  Generator gen(5);
  Tensor x = randn({1, 2, 6, 6}, {}, &gen), w = randn({3, 2, 3, 3}, {}, &gen);
  for (DType t : {DType::bfloat16, DType::float16}) {
    Tensor xh = x.to(t), wh = w.to(t);
    Tensor y = conv2d(xh, wh);
    EXPECT_EQ(y.dtype(), t);
    EXPECT_TRUE(
        all_close(y, conv2d(xh.to(DType::float32), wh.to(DType::float32)).to(t), 0, 0, "conv2d"));
    EXPECT_EQ(max_pool2d(xh).dtype(), t);
    EXPECT_EQ(avg_pool2d(xh).dtype(), t);
    EXPECT_EQ(interpolate(xh, {.size = Size2{3, 9}}).dtype(), t);
  }
}

TEST(ConvOps, MaxPool2dIndicesAreFlatPositionsInTheInputPlane) {
  auto [y, indices] = max_pool2d_with_indices(arange_image(4, 5), {.kernel_size = {2, 2}});
  EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{6, 8, 16, 18}));
  EXPECT_EQ(indices.dtype(), DType::int64);
  EXPECT_EQ(indices.to_vector<int64_t>(), (std::vector<int64_t>{6, 8, 16, 18}));
  EXPECT_FALSE(indices.requires_grad());
}

TEST(ConvOps, MaxPool2dPropagatesNaNWithItsIndexOnBothBackends) {
  // As PyTorch: a NaN wins its window (the last NaN when there are several).
  std::vector<float> v(16);
  for (int i = 0; i < 16; ++i) v[i] = static_cast<float>(i);
  v[1] = v[4] = std::numeric_limits<float>::quiet_NaN();
  Tensor x = from_vector(v, {1, 1, 4, 4});
  for (Backend b : {Backend::ref, Backend::cpu}) {
    BackendGuard guard(b);
    auto [y, indices] = max_pool2d_with_indices(x);
    std::vector<float> values = y.to_vector<float>();
    EXPECT_TRUE(std::isnan(values[0]));
    EXPECT_EQ(values[1], 7.0f);
    EXPECT_EQ(indices.to_vector<int64_t>(), (std::vector<int64_t>{4, 7, 13, 15}));
  }
}

// The fast kernel's 2 x 2, stride-2 row path against the reference: values from a small set
// (many ties) with NaNs sprinkled in, odd widths, padded rows, ceil_mode's clipped last
// column, both float dtypes: values and indices must be identical.
TEST(ConvOps, MaxPool2dPairPathMatchesTheReferenceWithTiesAndNaNs) {
  Generator gen(9);
  for (DType dtype : {DType::float32, DType::float64}) {
    Tensor x = randint(0, 3, {3, 4, 9, 11}, {}, &gen).to(dtype);
    x = where(rand(x.sizes(), {}, &gen) < 0.05, full_like(x, std::nan("")), x);
    for (const MaxPool2dOptions& options :
         {MaxPool2dOptions{.kernel_size = {2, 2}},
          MaxPool2dOptions{.kernel_size = {2, 2}, .stride = Size2{1, 2}, .padding = {1, 0}},
          MaxPool2dOptions{.kernel_size = {2, 2}, .ceil_mode = true}}) {
      std::pair<Tensor, Tensor> results[2];
      for (int i = 0; i < 2; ++i) {
        BackendGuard guard(i == 0 ? Backend::ref : Backend::cpu);
        results[i] = max_pool2d_with_indices(x, options);
      }
      EXPECT_EQ(results[1].second.to_vector<int64_t>(), results[0].second.to_vector<int64_t>());
      std::vector<double> fast = results[1].first.to(DType::float64).to_vector<double>();
      std::vector<double> ref = results[0].first.to(DType::float64).to_vector<double>();
      ASSERT_EQ(fast.size(), ref.size());
      for (size_t i = 0; i < ref.size(); ++i) {
        EXPECT_TRUE(fast[i] == ref[i] || (std::isnan(fast[i]) && std::isnan(ref[i]))) << i;
      }
    }
  }
}

TEST(ConvOps, MaxPool2dWindowInsidePaddingOnlyGivesMinusInfinityAndNoGradient) {
  // kernel 2, dilation 2, padding 1 on a 1x1 input: the taps at -1 and 1 both miss it.
  Tensor x = ones({1, 1, 1, 1}).requires_grad_();
  for (Backend b : {Backend::ref, Backend::cpu}) {
    BackendGuard guard(b);
    auto [y, indices] =
        max_pool2d_with_indices(x, {.kernel_size = {2, 2}, .padding = {1, 1}, .dilation = {2, 2}});
    EXPECT_EQ(y.item(), -std::numeric_limits<double>::infinity());
    EXPECT_EQ(indices.item<int64_t>(), -1);
    EXPECT_EQ(autograd::grad({y.sum()}, {x})[0].item(), 0.0);
  }
}

TEST(ConvOps, MaxPool2dBackwardDetectsIndicesModifiedInPlace) {
  Tensor x = randn({1, 1, 4, 4}).requires_grad_();
  auto [y, indices] = max_pool2d_with_indices(x);
  indices.fill_(0);
  EXPECT_THROW(y.sum().backward(), Error);
}

TEST(ConvOps, AvgPool2dDivisorRulesAtTheEdges) {
  Tensor x = ones({1, 1, 3, 3});
  // kernel 2, padding 1: the corner window holds one input element and three of padding.
  EXPECT_FLOAT_EQ(avg_pool2d(x, {.padding = {1, 1}}).to_vector<float>()[0], 0.25f);
  EXPECT_FLOAT_EQ(
      avg_pool2d(x, {.padding = {1, 1}, .count_include_pad = false}).to_vector<float>()[0], 1.0f);
  EXPECT_FLOAT_EQ(avg_pool2d(x, {.padding = {1, 1}, .divisor_override = 2}).to_vector<float>()[0],
                  0.5f);
}

TEST(ConvOps, InterpolateNearestUsesTheScaleFactorNotTheSizeRatio) {
  // 5 -> floor(5 * 0.7) = 3 outputs; PyTorch maps with 1 / 0.7 (src 0, 1, 2), not 5 / 3
  // (src 0, 1, 3).
  Tensor x = arange(5, {.dtype = DType::float32}).reshape({1, 1, 1, 5});
  Tensor y = interpolate(x, {.scale_factor = std::array<double, 2>{1.0, 0.7}});
  EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{0, 1, 2}));
  Tensor z = interpolate(x, {.size = Size2{1, 3}});
  EXPECT_EQ(z.to_vector<float>(), (std::vector<float>{0, 1, 3}));
}

TEST(ConvOps, InterpolateBilinearAlignCornersKeepsTheCorners) {
  Tensor x = arange_image(2, 2);  // [[0, 1], [2, 3]]
  Tensor y = interpolate(
      x, {.size = Size2{3, 3}, .mode = InterpolateMode::bilinear, .align_corners = true});
  EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3}));
}

}  // namespace
}  // namespace ember
