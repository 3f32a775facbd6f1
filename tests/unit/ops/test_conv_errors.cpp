// Argument errors of the convolutions, poolings and interpolate: the exception type and the
// exact message (op, expectation, the values received).
#include <gtest/gtest.h>

#include <string>

#include "ember/ember.h"
#include "unit/error_message.h"

namespace ember {
namespace {

TEST(ConvErrors, Conv2dRejectsInputWithoutChannelAndSpatialDims) {
  EXPECT_EQ(message_of<ShapeError>([] {
              conv2d(randn({2, 3}), randn({4, 3, 1, 1}));
            }),
            "conv2d: expected input with 4 dims (N, C, H, W) or 3 (C, H, W), got [2, 3]");
  EXPECT_EQ(message_of<ShapeError>([] {
              conv2d(randn({1, 3, 5, 5}), randn({4, 3, 3}));
            }),
            "conv2d: expected weight with 4 dims (OC, C/groups, KH, KW), got [4, 3, 3]");
}

TEST(ConvErrors, Conv2dRejectsChannelMismatch) {
  EXPECT_EQ(message_of<ShapeError>([] {
              conv2d(randn({1, 4, 5, 5}), randn({8, 3, 3, 3}));
            }),
            "conv2d: expected input channels 3 (weight [8, 3, 3, 3], groups 1), got 4");
  EXPECT_EQ(message_of<ShapeError>([] {
              conv2d(randn({1, 4, 5, 5}), randn({6, 1, 3, 3}), Tensor(), {.groups = 2});
            }),
            "conv2d: expected input channels 2 (weight [6, 1, 3, 3], groups 2), got 4");
}

TEST(ConvErrors, Conv2dRejectsOutChannelsNotDivisibleByGroups) {
  EXPECT_EQ(message_of<ShapeError>([] {
              conv2d(randn({1, 4, 5, 5}), randn({6, 1, 3, 3}), Tensor(), {.groups = 4});
            }),
            "conv2d: expected out channels 6 divisible by groups 4 (weight [6, 1, 3, 3])");
  EXPECT_EQ(message_of<ValueError>([] {
              conv2d(randn({1, 4, 5, 5}), randn({6, 4, 3, 3}), Tensor(), {.groups = 0});
            }),
            "conv2d: expected groups >= 1, got 0");
}

TEST(ConvErrors, Conv2dRejectsKernelLargerThanPaddedInput) {
  EXPECT_EQ(message_of<ShapeError>([] {
              conv2d(randn({1, 3, 2, 2}), randn({4, 3, 3, 3}));
            }),
            "conv2d: expected output size >= 1, got [0, 0] (input [1, 3, 2, 2], weight "
            "[4, 3, 3, 3], padding [0, 0], dilation [1, 1]): the dilated kernel is larger "
            "than the padded input");
  // Dilation makes a 3x3 kernel span 5 rows.
  EXPECT_THROW(conv2d(randn({1, 3, 4, 9}), randn({4, 3, 3, 3}), Tensor(), {.dilation = {2, 1}}),
               ShapeError);
  EXPECT_NO_THROW(conv2d(randn({1, 3, 2, 2}), randn({4, 3, 3, 3}), Tensor(), {.padding = {1, 1}}));
}

TEST(ConvErrors, Conv2dRejectsNonPositiveStrideAndDilationAndNegativePadding) {
  Tensor x = randn({1, 3, 5, 5}), w = randn({4, 3, 3, 3});
  EXPECT_EQ(message_of<ValueError>([&] {
              conv2d(x, w, Tensor(), {.stride = {0, 1}});
            }),
            "conv2d: expected stride >= 1, got [0, 1]");
  EXPECT_EQ(message_of<ValueError>([&] {
              conv2d(x, w, Tensor(), {.padding = {1, -1}});
            }),
            "conv2d: expected padding >= 0, got [1, -1]");
  EXPECT_EQ(message_of<ValueError>([&] {
              conv2d(x, w, Tensor(), {.dilation = {1, 0}});
            }),
            "conv2d: expected dilation >= 1, got [1, 0]");
}

TEST(ConvErrors, Conv2dRejectsMixedOrIntegerDtypesAndWrongBias) {
  EXPECT_EQ(message_of<DTypeError>([] {
              conv2d(randn({1, 3, 5, 5}), randn({4, 3, 3, 3}, {.dtype = DType::float64}));
            }),
            "conv2d: expected floating input and weight of one dtype, got float32 and float64");
  EXPECT_THROW(conv2d(arange(75).reshape({1, 3, 5, 5}), arange(108).reshape({4, 3, 3, 3})),
               DTypeError);
  EXPECT_EQ(message_of<ShapeError>([] {
              conv2d(randn({1, 3, 5, 5}), randn({4, 3, 3, 3}), randn({3}));
            }),
            "conv2d: expected bias of shape [4], got [3]");
  EXPECT_EQ(
      message_of<DTypeError>([] {
        conv2d(randn({1, 3, 5, 5}), randn({4, 3, 3, 3}), randn({4}, {.dtype = DType::float64}));
      }),
      "conv2d: expected bias of dtype float32, got float64");
}

TEST(ConvErrors, Conv1dNamesItselfAndItsLayout) {
  EXPECT_EQ(message_of<ShapeError>([] {
              conv1d(randn({1, 2, 3, 4}), randn({4, 2, 2}));
            }),
            "conv1d: expected input with 3 dims (N, C, L) or 2 (C, L), got [1, 2, 3, 4]");
  EXPECT_EQ(message_of<ShapeError>([] {
              conv1d(randn({1, 2, 5}), randn({4, 3, 2}));
            }),
            "conv1d: expected input channels 3 (weight [4, 3, 2], groups 1), got 2");
  EXPECT_EQ(message_of<ShapeError>([] {
              conv1d(randn({1, 2, 5}), randn({4, 2, 2, 2}));
            }),
            "conv1d: expected weight with 3 dims (OC, C/groups, K), got [4, 2, 2, 2]");
  EXPECT_EQ(message_of<ShapeError>([] {
              conv1d(randn({1, 2, 5}), randn({4, 2, 3}), Tensor(), {.dilation = 3});
            }),
            "conv1d: expected output size >= 1, got [0] (input [1, 2, 5], weight [4, 2, 3], "
            "padding [0], dilation [3]): the dilated kernel is larger than the padded input");
}

TEST(ConvErrors, ConvTranspose2dRejectsChannelMismatchAndLargeOutputPadding) {
  EXPECT_EQ(message_of<ShapeError>([] {
              conv_transpose2d(randn({1, 3, 4, 4}), randn({2, 3, 3, 3}));
            }),
            "conv_transpose2d: expected input channels 2 (weight [2, 3, 3, 3]), got 3");
  EXPECT_EQ(message_of<ValueError>([] {
              conv_transpose2d(randn({1, 2, 4, 4}), randn({2, 3, 3, 3}), Tensor(),
                               {.stride = {2, 2}, .output_padding = {2, 1}});
            }),
            "conv_transpose2d: expected output_padding >= 0 and smaller than stride or "
            "dilation, got output_padding [2, 1], stride [2, 2], dilation [1, 1]");
  EXPECT_EQ(message_of<ShapeError>([] {
              conv_transpose2d(randn({1, 2, 4, 4}), randn({2, 3, 3, 3}), randn({2}));
            }),
            "conv_transpose2d: expected bias of shape [3], got [2]");
  EXPECT_EQ(
      message_of<ShapeError>([] {
        conv_transpose2d(randn({1, 2, 1, 1}), randn({2, 3, 1, 1}), Tensor(), {.padding = {1, 0}});
      }),
      "conv_transpose2d: expected output size >= 1, got [-1, 1] (input [1, 2, 1, 1], "
      "weight [2, 3, 1, 1], padding [1, 0])");
}

TEST(ConvErrors, MaxPool2dRejectsPaddingAboveHalfTheKernel) {
  EXPECT_EQ(message_of<ValueError>([] {
              max_pool2d(randn({1, 1, 5, 5}), {.kernel_size = {3, 3}, .padding = {2, 2}});
            }),
            "max_pool2d: expected 0 <= padding <= kernel_size / 2, got padding [2, 2] and "
            "kernel_size [3, 3]");
}

TEST(ConvErrors, MaxPool2dRejectsWindowsLargerThanTheInput) {
  EXPECT_EQ(message_of<ShapeError>([] {
              max_pool2d(randn({1, 1, 2, 2}), {.kernel_size = {3, 3}});
            }),
            "max_pool2d: expected output size >= 1, got [0, 0] for input [1, 1, 2, 2] "
            "(kernel_size [3, 3], stride [3, 3], padding [0, 0], dilation [1, 1])");
}

TEST(ConvErrors, PoolsRejectIntegerEmptyAndWronglyShapedInputs) {
  EXPECT_EQ(message_of<DTypeError>([] {
              max_pool2d(arange(16).reshape({1, 1, 4, 4}));
            }),
            "max_pool2d: expected a floating input, got dtype int64");
  EXPECT_EQ(message_of<ShapeError>([] {
              max_pool2d(randn({2, 0, 5, 5}));
            }),
            "max_pool2d: expected non-empty C, H and W (only N may be 0), got [2, 0, 5, 5]");
  EXPECT_EQ(message_of<ShapeError>([] {
              adaptive_avg_pool2d(randn({4, 4}), {2, 2});
            }),
            "adaptive_avg_pool2d: expected input with 4 dims (N, C, H, W) or 3 (C, H, W), "
            "got [4, 4]");
  EXPECT_EQ(message_of<ValueError>([] {
              max_pool2d(randn({1, 1, 4, 4}), {.stride = Size2{0, 1}});
            }),
            "max_pool2d: expected stride >= 1, got [0, 1]");
}

TEST(ConvErrors, AvgPool2dRejectsZeroDivisorOverride) {
  EXPECT_EQ(message_of<ValueError>([] {
              avg_pool2d(randn({1, 1, 4, 4}), {.divisor_override = 0});
            }),
            "avg_pool2d: expected a non-zero divisor_override");
}

TEST(ConvErrors, AdaptiveAvgPool2dRejectsNegativeOutputSize) {
  EXPECT_EQ(message_of<ValueError>([] {
              adaptive_avg_pool2d(randn({1, 1, 4, 4}), {-1, 2});
            }),
            "adaptive_avg_pool2d: expected output_size >= 0, got [-1, 2]");
}

TEST(ConvErrors, InterpolateRejectsBothOrNeitherOfSizeAndScaleFactor) {
  Tensor x = randn({1, 1, 4, 4});
  EXPECT_EQ(message_of<ValueError>([&] {
              interpolate(x, {.size = Size2{2, 2}, .scale_factor = std::array<double, 2>{2, 2}});
            }),
            "interpolate: expected exactly one of size and scale_factor, got both");
  EXPECT_EQ(message_of<ValueError>([&] { interpolate(x, {}); }),
            "interpolate: expected exactly one of size and scale_factor, got neither");
}

TEST(ConvErrors, InterpolateRejectsAlignCornersWithNearest) {
  EXPECT_EQ(message_of<ValueError>([] {
              interpolate(randn({1, 1, 4, 4}), {.size = Size2{8, 8}, .align_corners = true});
            }),
            "interpolate: align_corners is only valid for mode bilinear, got it with mode "
            "nearest");
}

TEST(ConvErrors, InterpolateRejectsNon4dInputsAndEmptyOutputs) {
  EXPECT_EQ(message_of<ShapeError>([] {
              interpolate(randn({1, 4, 4}), {.size = Size2{2, 2}});
            }),
            "interpolate: expected input with 4 dims (N, C, H, W), got [1, 4, 4]");
  EXPECT_EQ(message_of<ShapeError>([] {
              interpolate(randn({1, 1, 5, 5}), {.scale_factor = std::array<double, 2>{0.1, 1}});
            }),
            "interpolate: expected non-empty input (C, H, W) and output (H, W) sizes, got "
            "input [1, 1, 5, 5] and output size [0, 5]");
  EXPECT_EQ(message_of<ValueError>([] {
              interpolate(randn({1, 1, 5, 5}), {.scale_factor = std::array<double, 2>{-1, 2}});
            }),
            "interpolate: expected scale_factor > 0, got [-1, 2]");
}

}  // namespace
}  // namespace ember
