// Argument errors of the shape and indexing ops: the exception type and the exact message
// (op, expectation, the values received). Out-of-range indices must name the op, the
// value and the valid range, and must be caught before any kernel reads memory.
#include <gtest/gtest.h>

#include <string>

#include "ember/ember.h"
#include "unit/error_message.h"

namespace ember {
namespace {

Tensor idx(std::initializer_list<int64_t> v) { return tensor(v); }

TEST(ShapeErrors, CatRejectsAnEmptyListMismatchedSizesAndScalars) {
  EXPECT_EQ(message_of<ValueError>([] { cat({}); }), "cat: expected a non-empty list of tensors");
  EXPECT_EQ(message_of<ShapeError>([] {
              cat({zeros({2, 3}), zeros({3, 3})}, 1);
            }),
            "cat: expected sizes to match except in dim 1, got [2, 3] and [3, 3] (tensor 1)");
  EXPECT_EQ(message_of<ShapeError>([] {
              cat({zeros({2, 3}), zeros({2, 3, 1})});
            }),
            "cat: expected sizes to match except in dim 0, got [2, 3] and [2, 3, 1] (tensor 1)");
  EXPECT_EQ(message_of<ShapeError>([] {
              cat({zeros({2}), scalar_tensor(1.0)});
            }),
            "cat: zero-dimensional tensor (at position 1) cannot be concatenated");
  EXPECT_THROW(cat({zeros({2, 3})}, 2), IndexError);
}

TEST(ShapeErrors, StackRejectsTensorsOfDifferentShapes) {
  EXPECT_EQ(message_of<ShapeError>([] {
              stack({zeros({2, 3}), zeros({3, 2})});
            }),
            "stack: expected tensors of equal shape, got [2, 3] at entry 0 and [3, 2] at entry 1");
  EXPECT_THROW(stack({zeros({2, 3})}, 3), IndexError);
}

TEST(ShapeErrors, SplitAndChunkRejectBadSizes) {
  EXPECT_EQ(message_of<ValueError>([] {
              split(zeros({4, 2}), 0);
            }),
            "split: expected split_size > 0, got 0 for dim 0 of size 4");
  EXPECT_EQ(
      message_of<ShapeError>([] {
        split(zeros({4, 2}), Shape{1, 2});
      }),
      "split: expected split sizes that sum to 4 (dim 0 of shape [4, 2]), got [1, 2] (sum 3)");
  EXPECT_EQ(message_of<ValueError>([] {
              split(zeros({4, 2}), Shape{5, -1});
            }),
            "split: expected non-negative split sizes, got [5, -1]");
  EXPECT_EQ(message_of<ValueError>([] { chunk(zeros({4}), 0); }),
            "chunk: expected chunks > 0, got 0");
  EXPECT_EQ(message_of<ShapeError>([] { chunk(scalar_tensor(1.0), 2); }),
            "chunk: expected a tensor with at least 1 dim, got a 0-d tensor");
}

TEST(ShapeErrors, IndexSelectNamesTheBadIndexAndTheValidRange) {
  Tensor x = zeros({5, 3});
  EXPECT_EQ(message_of<IndexError>([&] {
              index_select(x, 0, idx({1, 5}));
            }),
            "index_select: index 5 is out of range for dim 0 of size 5 (expected values in "
            "[-5, 5))");
  EXPECT_EQ(message_of<IndexError>([&] { index_select(x, 1, idx({-4})); }),
            "index_select: index -4 is out of range for dim 1 of size 3 (expected values in "
            "[-3, 3))");
  EXPECT_EQ(message_of<DTypeError>([&] { index_select(x, 0, tensor({1.0f})); }),
            "index_select: expected an int64 or int32 index tensor, got float32");
  EXPECT_EQ(message_of<ShapeError>([&] {
              index_select(x, 0, zeros({2, 2}, {.dtype = DType::int64}));
            }),
            "index_select: expected a 1-d index, got shape [2, 2]");
  EXPECT_THROW(index_select(x, 2, idx({0})), IndexError);
}

TEST(ShapeErrors, IndexAddChecksSourceShapeAndDtype) {
  Tensor x = zeros({4, 3});
  EXPECT_EQ(message_of<ShapeError>([&] {
              index_add(x, 0, idx({0, 1}), zeros({3, 3}));
            }),
            "index_add: expected source of shape [2, 3] (x's shape with dim 0 = index.numel()), "
            "got [3, 3]");
  EXPECT_EQ(message_of<DTypeError>([&] {
              index_add(x, 0, idx({0}), zeros({1, 3}, {.dtype = DType::float64}));
            }),
            "index_add: expected source with x's dtype float32, got float64");
  EXPECT_EQ(message_of<IndexError>([&] {
              index_add(x, 0, idx({4}), zeros({1, 3}));
            }),
            "index_add: index 4 is out of range for dim 0 of size 4 (expected values in [-4, 4))");
}

TEST(ShapeErrors, GatherChecksIndexRangeAndShape) {
  Tensor x = zeros({3, 4});
  EXPECT_EQ(message_of<IndexError>([&] {
              gather(x, 1, tensor({0, 4}).view({1, 2}));
            }),
            "gather: index 4 is out of range for dim 1 of size 4 (expected values in [-4, 4))");
  EXPECT_EQ(message_of<ShapeError>([&] {
              gather(x, 1, zeros({4, 1}, {.dtype = DType::int64}));
            }),
            "gather: expected index.size(0) <= x.size(0) for every dim but 1, got index shape "
            "[4, 1] and x shape [3, 4]");
  EXPECT_EQ(message_of<ShapeError>([&] { gather(x, 0, idx({0})); }),
            "gather: expected an index with x's 2 dims, got index shape [1]");
}

TEST(ShapeErrors, ScatterChecksIndexSrcAndDtype) {
  Tensor x = zeros({3, 4});
  Tensor i = tensor({0, 3}).view({1, 2});
  EXPECT_EQ(message_of<IndexError>([&] {
              scatter(x, 0, i, zeros({1, 2}));
            }),
            "scatter: index 3 is out of range for dim 0 of size 3 (expected values in [-3, 3))");
  EXPECT_EQ(message_of<ShapeError>([&] {
              scatter(x, 1, i, zeros({1, 1}));
            }),
            "scatter: expected index.size(1) <= src.size(1), got index shape [1, 2] and src "
            "shape [1, 1]");
  EXPECT_EQ(message_of<ShapeError>([&] {
              scatter(x, 1, zeros({4, 1}, {.dtype = DType::int64}), zeros({4, 1}));
            }),
            "scatter: expected index.size(0) <= x.size(0) for every dim but 1, got index shape "
            "[4, 1] and x shape [3, 4]");
  EXPECT_EQ(message_of<DTypeError>([&] {
              scatter_add(x, 1, i, zeros({1, 2}, {.dtype = DType::float64}));
            }),
            "scatter_add: expected src with x's dtype float32, got float64");
  EXPECT_EQ(message_of<DTypeError>([&] {
              scatter_add(zeros({3}, {.dtype = DType::boolean}), 0, idx({0}),
                          zeros({1}, {.dtype = DType::boolean}));
            }),
            "scatter_add: expected a numeric tensor, got bool");
  EXPECT_EQ(message_of<IndexError>([&] {
              scatter(x, 1, tensor({7}).view({1, 1}), 1.0);
            }),
            "scatter: index 7 is out of range for dim 1 of size 4 (expected values in [-4, 4))");
}

TEST(ShapeErrors, MaskedFillNeedsABoolMaskThatBroadcastsToX) {
  Tensor x = zeros({2, 3});
  EXPECT_EQ(message_of<DTypeError>([&] { masked_fill(x, zeros({3}), 1.0); }),
            "masked_fill: expected a bool mask, got float32");
  EXPECT_EQ(message_of<ShapeError>([&] {
              masked_fill(x, zeros({4, 2, 3}, {.dtype = DType::boolean}), 1.0);
            }),
            "masked_fill: expected a mask broadcastable to x's shape [2, 3], got mask shape "
            "[4, 2, 3]");
  EXPECT_THROW(masked_fill(x, zeros({2}, {.dtype = DType::boolean}), 1.0), ShapeError);
}

TEST(ShapeErrors, TrilTriuNeedTwoDims) {
  EXPECT_EQ(message_of<ShapeError>([] { tril(zeros({4})); }),
            "tril: expected a tensor with at least 2 dims, got shape [4]");
  EXPECT_EQ(message_of<ShapeError>([] { triu(scalar_tensor(1.0)); }),
            "triu: expected a tensor with at least 2 dims, got shape []");
}

TEST(ShapeErrors, RepeatNeedsEnoughNonNegativeRepeats) {
  EXPECT_EQ(message_of<ShapeError>([] {
              repeat(zeros({2, 3}), {2});
            }),
            "repeat: expected at least x.dim() = 2 repeats, got [2]");
  EXPECT_EQ(message_of<ValueError>([] { repeat(zeros({2}), {-1}); }),
            "repeat: expected non-negative repeats, got [-1]");
}

TEST(ShapeErrors, PadValidatesSizesLikePyTorch) {
  Tensor x = zeros({1, 2, 3});
  EXPECT_EQ(message_of<ValueError>([&] {
              pad(x, {1, 2, 3});
            }),
            "pad: expected an even number of pad sizes, got 3");
  EXPECT_EQ(message_of<ValueError>([&] {
              pad(x, {1, 1, 1, 1, 1, 1, 1, 1});
            }),
            "pad: expected at most 2 * x.dim() = 6 pad sizes, got 8 for x of shape [1, 2, 3]");
  EXPECT_EQ(message_of<ValueError>([&] {
              pad(x, {3, 0}, {.mode = PadMode::reflect});
            }),
            "pad: reflect mode expected pads in [0, 3) (the size of dim 2), got padding (3, 0) "
            "for x of shape [1, 2, 3]");
  EXPECT_EQ(message_of<ValueError>([&] {
              pad(x, {-1, 0}, {.mode = PadMode::reflect});
            }),
            "pad: reflect mode expected pads in [0, 3) (the size of dim 2), got padding (-1, 0) "
            "for x of shape [1, 2, 3]");
  EXPECT_EQ(message_of<ValueError>([&] {
              pad(x, {-2, -2});
            }),
            "pad: dim 2 of size 3 with padding (-2, -2) gives a negative size -1");
  EXPECT_EQ(message_of<ValueError>([&] {
              pad(zeros({1, 1, 2, 2, 2}), {1, 1, 1, 1, 1, 1, 0, 0}, {.mode = PadMode::reflect});
            }),
            "pad: reflect mode pads the last 1 to 3 dims, got 8 pad sizes");
}

TEST(ShapeErrors, RollAndFlipCheckTheirDims) {
  EXPECT_EQ(message_of<ValueError>([] {
              roll(zeros({2, 3}), {1, 2}, {0});
            }),
            "roll: expected as many shifts as dims, got shifts [1, 2] and dims [0]");
  EXPECT_EQ(message_of<ValueError>([] {
              roll(zeros({2, 3}), {1, 2});
            }),
            "roll: expected one shift when dims is empty, got [1, 2]");
  EXPECT_EQ(message_of<ValueError>([] {
              flip(zeros({2, 3}), {1, -1});
            }),
            "flip: dim 1 appears more than once in dims [1, -1]");
  EXPECT_THROW(flip(zeros({2, 3}), {2}), IndexError);
}

TEST(ShapeErrors, OneHotRejectsClassesOutOfRange) {
  EXPECT_EQ(message_of<IndexError>([] {
              one_hot(idx({0, -1}));
            }),
            "one_hot: class value -1 is out of range (expected values in [0, 1))");
  EXPECT_EQ(message_of<IndexError>([] {
              one_hot(idx({0, 3}), 3);
            }),
            "one_hot: class value 3 is out of range (expected values in [0, 3))");
  EXPECT_EQ(message_of<ValueError>([] { one_hot(zeros({0}, {.dtype = DType::int64})); }),
            "one_hot: cannot infer num_classes from an empty tensor; pass num_classes");
  EXPECT_EQ(message_of<DTypeError>([] { one_hot(tensor({1.0f})); }),
            "one_hot: expected an int64 (or int32) class tensor, got float32");
}

TEST(ShapeErrors, EmbeddingRejectsIndicesOutsideTheTable) {
  Tensor w = zeros({4, 2});
  EXPECT_EQ(message_of<IndexError>([&] {
              embedding(idx({0, 4}), w);
            }),
            "embedding: index 4 is out of range for dim 0 of size 4 (expected values in [0, 4))");
  EXPECT_EQ(message_of<IndexError>([&] { embedding(idx({-1}), w); }),
            "embedding: index -1 is out of range for dim 0 of size 4 (expected values in [0, 4))");
  EXPECT_EQ(message_of<ShapeError>([&] { embedding(idx({0}), zeros({4})); }),
            "embedding: expected a 2-d weight (num_embeddings, embedding_dim), got shape [4]");
  EXPECT_EQ(message_of<IndexError>([&] { embedding(idx({0}), w, 4); }),
            "embedding: padding_idx 4 is out of range (expected values in [-4, 4))");
}

}  // namespace
}  // namespace ember
