// Argument errors of layer_norm, batch_norm, group_norm and rms_norm: the exception type
// and the exact message (op, expectation, the values received).
#include <gtest/gtest.h>

#include <string>

#include "ember/ember.h"
#include "unit/error_message.h"

namespace ember {
namespace {

TEST(NormErrors, LayerNormRejectsInputNotEndingInNormalizedShape) {
  Tensor x = randn({2, 5, 4});
  EXPECT_EQ(message_of<ShapeError>([&] { layer_norm(x, {3, 4}); }),
            "layer_norm: expected input of shape [*, 3, 4] (normalized_shape=[3, 4]), got "
            "[2, 5, 4]");
  EXPECT_THROW(layer_norm(randn({4}), {2, 4}), ShapeError);
}

TEST(NormErrors, LayerNormRejectsEmptyNormalizedShape) {
  EXPECT_EQ(message_of<ValueError>([] { layer_norm(randn({2, 3}), {}); }),
            "layer_norm: expected normalized_shape with at least one dim, got []");
}

TEST(NormErrors, LayerNormRejectsParametersOfTheWrongShape) {
  Tensor x = randn({2, 4});
  EXPECT_EQ(message_of<ShapeError>([&] { layer_norm(x, {4}, ones({3})); }),
            "layer_norm: expected weight of shape [4], got [3]");
  EXPECT_EQ(message_of<ShapeError>([&] { layer_norm(x, {4}, ones({4}), zeros({1, 4})); }),
            "layer_norm: expected bias of shape [4], got [1, 4]");
}

TEST(NormErrors, LayerNormRejectsIntegerTensors) {
  EXPECT_EQ(message_of<DTypeError>([] { layer_norm(arange(6).reshape({2, 3}), {3}); }),
            "layer_norm: expected a floating input, got dtype int64");
  EXPECT_EQ(message_of<DTypeError>([] { layer_norm(randn({2, 3}), {3}, arange(3)); }),
            "layer_norm: expected a floating weight, got dtype int64");
}

TEST(NormErrors, BatchNormRejectsOneValuePerChannelWhenTraining) {
  Tensor rm = zeros({3}), rv = ones({3});
  EXPECT_EQ(message_of<ValueError>([&] {
              batch_norm(randn({1, 3}), rm, rv, {}, {}, {.training = true});
            }),
            "batch_norm: expected more than 1 value per channel when training, got input of "
            "shape [1, 3]");
  EXPECT_THROW(batch_norm(randn({1, 3, 1, 1}), rm, rv, {}, {}, {.training = true}), ValueError);
  // Without running statistics the batch statistics are used even in eval mode.
  EXPECT_THROW(batch_norm(randn({1, 3}), Tensor(), Tensor()), ValueError);
  // The failed calls left the running statistics alone.
  EXPECT_EQ(rm.to_vector<float>(), std::vector<float>(3, 0.0f));
  EXPECT_EQ(rv.to_vector<float>(), std::vector<float>(3, 1.0f));
}

TEST(NormErrors, BatchNormRejectsInputWithoutAChannelDim) {
  EXPECT_EQ(message_of<ShapeError>([] { batch_norm(randn({5}), zeros({5}), ones({5})); }),
            "batch_norm: expected input of shape (N, C, *), got [5]");
}

TEST(NormErrors, BatchNormRejectsOnlyOneRunningStatistic) {
  EXPECT_EQ(message_of<ValueError>([] { batch_norm(randn({4, 3}), zeros({3}), Tensor()); }),
            "batch_norm: expected running_mean and running_var both defined or both undefined, "
            "got running_mean defined and running_var undefined");
}

TEST(NormErrors, BatchNormRejectsPerChannelTensorsOfTheWrongSize) {
  Tensor x = randn({4, 3, 2});
  EXPECT_EQ(message_of<ShapeError>([&] { batch_norm(x, zeros({2}), ones({2})); }),
            "batch_norm: expected running_mean of shape [3], got [2]");
  EXPECT_EQ(message_of<ShapeError>([&] { batch_norm(x, zeros({3}), ones({3}), ones({3, 1})); }),
            "batch_norm: expected weight of shape [3], got [3, 1]");
}

TEST(NormErrors, BatchNormRejectsRunningVarAndBiasOfTheWrongSize) {
  Tensor x = randn({4, 3, 2, 2});
  EXPECT_EQ(message_of<ShapeError>([&] { batch_norm(x, zeros({3}), ones({4})); }),
            "batch_norm: expected running_var of shape [3], got [4]");
  EXPECT_EQ(message_of<ShapeError>([&] {
              batch_norm(x, zeros({3}), ones({3}), ones({3}), zeros({2}), {.training = true});
            }),
            "batch_norm: expected bias of shape [3], got [2]");
}

TEST(NormErrors, BatchNormRejectsOneValuePerChannelOfAnImageWhenTraining) {
  Tensor rm = zeros({2}), rv = ones({2});
  EXPECT_EQ(message_of<ValueError>([&] {
              batch_norm(randn({1, 2, 1, 1}), rm, rv, ones({2}), zeros({2}), {.training = true});
            }),
            "batch_norm: expected more than 1 value per channel when training, got input of "
            "shape [1, 2, 1, 1]");
  EXPECT_EQ(message_of<ValueError>([] {
              batch_norm(randn({1, 2, 1}), Tensor(), Tensor());
            }),
            "batch_norm: expected more than 1 value per channel when training, got input of "
            "shape [1, 2, 1]");
  // In eval the running statistics normalise a single value.
  EXPECT_NO_THROW(batch_norm(randn({1, 2, 1, 1}), rm, rv));
}

TEST(NormErrors, GroupNormRejectsChannelsNotDivisibleByGroups) {
  EXPECT_EQ(message_of<ShapeError>([] { group_norm(randn({2, 6, 3}), 4); }),
            "group_norm: expected the channel count to be divisible by num_groups, got C=6 "
            "(input of shape [2, 6, 3]) and num_groups=4");
}

TEST(NormErrors, GroupNormRejectsNonPositiveGroupCounts) {
  EXPECT_EQ(message_of<ValueError>([] { group_norm(randn({2, 6}), 0); }),
            "group_norm: expected num_groups > 0, got 0");
}

TEST(NormErrors, GroupNormRejectsWrongParameterShapeAndMissingChannelDim) {
  EXPECT_THROW(group_norm(randn({2, 6, 3}), 3, ones({3})), ShapeError);
  EXPECT_THROW(group_norm(randn({6}), 3), ShapeError);
}

TEST(NormErrors, RmsNormRejectsMismatchedShapes) {
  EXPECT_EQ(message_of<ShapeError>([] { rms_norm(randn({2, 3}), {2}); }),
            "rms_norm: expected input of shape [*, 2] (normalized_shape=[2]), got [2, 3]");
  EXPECT_EQ(message_of<ShapeError>([] { rms_norm(randn({2, 3}), {3}, ones({2})); }),
            "rms_norm: expected weight of shape [3], got [2]");
  EXPECT_THROW(rms_norm(randn({2, 3}), {}), ValueError);
}

TEST(NormErrors, UndefinedInputIsAValueError) {
  EXPECT_THROW(layer_norm(Tensor(), {3}), ValueError);
  EXPECT_THROW(batch_norm(Tensor(), Tensor(), Tensor()), ValueError);
  EXPECT_THROW(group_norm(Tensor(), 1), ValueError);
  EXPECT_THROW(rms_norm(Tensor(), {3}), ValueError);
}

}  // namespace
}  // namespace ember
