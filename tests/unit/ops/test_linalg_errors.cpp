// Argument errors of the matrix products and einsum: the exception type and the exact
// message (op, expectation, the shapes received).
#include <gtest/gtest.h>

#include <string>

#include "ember/ember.h"
#include "unit/error_message.h"

namespace ember {
namespace {

TEST(LinalgErrors, MatmulNamesBothShapesWhenInnerDimsDiffer) {
  EXPECT_EQ(message_of<ShapeError>([] {
              matmul(zeros({4, 3}), zeros({5, 2}));
            }),
            "matmul: expected a.shape[-1] == b.shape[-2], got a.shape=[4, 3], b.shape=[5, 2]");
  EXPECT_EQ(message_of<ShapeError>([] {
              matmul(zeros({2, 4, 3}), zeros({4}));
            }),
            "matmul: expected a.shape[-1] == b.shape[0], got a.shape=[2, 4, 3], b.shape=[4]");
  EXPECT_EQ(message_of<ShapeError>([] {
              matmul(zeros({3}), zeros({4, 2}));
            }),
            "matmul: expected a.shape[-1] == b.shape[-2], got a.shape=[3], b.shape=[4, 2]");
}

TEST(LinalgErrors, MatmulRejectsScalarsIntegersAndUnbroadcastableBatches) {
  EXPECT_EQ(message_of<ShapeError>([] { matmul(scalar_tensor(1.0), zeros({2})); }),
            "matmul: expected tensors with at least 1 dim, got a.shape=[], b.shape=[2]");
  EXPECT_EQ(message_of<DTypeError>([] {
              matmul(arange(4).reshape({2, 2}), zeros({2, 2}));
            }),
            "matmul: expected floating tensors, got int64 and float32");
  EXPECT_EQ(message_of<ShapeError>([] {
              matmul(zeros({2, 3, 4}), zeros({3, 4, 5}));
            }),
            "matmul: shapes [2] and [3] cannot be broadcast (2 vs 3 at dim 0)");
}

TEST(LinalgErrors, BmmNeedsThreeDimsAndMatchingBatches) {
  EXPECT_EQ(message_of<ShapeError>([] {
              bmm(zeros({3, 4}), zeros({4, 5}));
            }),
            "bmm: expected 3-D tensors, got a.shape=[3, 4], b.shape=[4, 5]");
  EXPECT_EQ(message_of<ShapeError>([] {
              bmm(zeros({2, 3, 4}), zeros({3, 4, 5}));
            }),
            "bmm: expected a.shape[0] == b.shape[0], got a.shape=[2, 3, 4], b.shape=[3, 4, 5]");
  EXPECT_EQ(message_of<ShapeError>([] {
              bmm(zeros({2, 3, 4}), zeros({2, 3, 5}));
            }),
            "bmm: expected a.shape[-1] == b.shape[-2], got a.shape=[2, 3, 4], b.shape=[2, 3, 5]");
}

TEST(LinalgErrors, LinearAddmmAndOuterCheckTheirShapes) {
  EXPECT_EQ(message_of<ShapeError>([] {
              linear(zeros({2, 4}), zeros({3, 5}));
            }),
            "linear: expected input.shape[-1] == weight.shape[1], got input.shape=[2, 4], "
            "weight.shape=[3, 5]");
  EXPECT_EQ(message_of<ShapeError>([] {
              linear(zeros({2, 4}), zeros({4}));
            }),
            "linear: expected a 2-D weight (out_features, in_features), got weight.shape=[4]");
  EXPECT_EQ(message_of<ShapeError>([] {
              linear(zeros({2, 4}), zeros({3, 4}), zeros({4}));
            }),
            "linear: expected bias.shape == [3] (out_features), got [4]");
  EXPECT_EQ(message_of<ShapeError>([] {
              addmm(zeros({3}), zeros({2, 4}), zeros({4, 5}));
            }),
            "addmm: shapes [3] and [2, 5] cannot be broadcast (3 vs 5 at dim 1)");
  EXPECT_EQ(message_of<ShapeError>([] {
              addmm(zeros({2, 2, 5}), zeros({2, 4}), zeros({4, 5}));
            }),
            "addmm: expected input to broadcast to [2, 5], got input.shape=[2, 2, 5]");
  EXPECT_EQ(message_of<ShapeError>([] {
              addmm(zeros({2, 5}), zeros({2, 4}), zeros({3, 5}));
            }),
            "addmm: expected a.shape[-1] == b.shape[-2], got a.shape=[2, 4], b.shape=[3, 5]");
  EXPECT_EQ(message_of<ShapeError>([] {
              outer(zeros({2, 1}), zeros({3}));
            }),
            "outer: expected 1-D tensors, got a.shape=[2, 1], b.shape=[3]");
}

TEST(LinalgErrors, EinsumRejectsMalformedEquations) {
  Tensor m = zeros({2, 3});
  EXPECT_EQ(message_of<ValueError>([&] { einsum("ij,jk->ik", {m}); }),
            "einsum: expected 2 operands for 'ij,jk->ik', got 1");
  EXPECT_EQ(message_of<ValueError>([&] { einsum("i1->i", {m}); }),
            "einsum: expected subscripts in a-z, A-Z or '...', got '1' in 'i1->i'");
  EXPECT_EQ(message_of<ShapeError>([&] { einsum("ijk->i", {m}); }),
            "einsum: expected 3 dims for operand 0 of 'ijk->i', got shape [2, 3]");
  EXPECT_EQ(message_of<ValueError>([&] { einsum("ij->k", {m}); }),
            "einsum: expected output subscript 'k' to appear in an input of 'ij->k'");
  EXPECT_EQ(message_of<ValueError>([&] { einsum("ij->ii", {m}); }),
            "einsum: expected output subscript 'i' once, got it twice in 'ij->ii'");
  EXPECT_EQ(message_of<ShapeError>([&] { einsum("ii->i", {m}); }),
            "einsum: expected equal sizes for the repeated subscript 'i' in 'ii->i', got 2 and 3");
  EXPECT_EQ(message_of<ShapeError>([&] {
              einsum("ij,ij->i", {m, zeros({2, 4})});
            }),
            "einsum: expected subscript 'j' to have one size in 'ij,ij->i', got 3 and 4");
  EXPECT_EQ(message_of<ValueError>([&] { einsum("i....->i", {m}); }),
            "einsum: expected at most one '...' per term, got 'i....->i'");
  EXPECT_EQ(message_of<DTypeError>([&] {
              einsum("i,i->", {arange(3), arange(3)});
            }),
            "einsum: expected floating operands, got int64 for operand 0");
}

}  // namespace
}  // namespace ember
