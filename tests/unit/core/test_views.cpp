// Views: every view shares storage with its base (writes go through), has the geometry
// PyTorch gives it, index() understands Python's slices, None and ..., expand uses zero
// strides, reshape copies only when it must, and mistakes throw typed errors with values.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ember/ember.h"
#include "unit/error_message.h"

namespace ember {
namespace {

using I64 = std::vector<int64_t>;

Tensor grid() { return arange(24).reshape({2, 3, 4}); }

bool shares_storage(const Tensor& a, const Tensor& b) { return a.storage() == b.storage(); }

// ---- sharing ----------------------------------------------------------------------------------

TEST(Views, EveryViewSharesStorageWithItsBase) {
  Tensor a = grid();
  const Tensor views[] = {a.view({6, 4}),
                          a.reshape({4, 6}),
                          a.permute({2, 0, 1}),
                          a.transpose(0, 2),
                          a.narrow(2, 1, 2),
                          a.select(1, 2),
                          a.slice(2, 0, 4, 2),
                          a.unsqueeze(1),
                          a.flatten(),
                          a.unflatten(2, {2, 2}),
                          a.diagonal(0, 1, 2),
                          a.select(0, 0).t(),
                          a.narrow(0, 0, 1).squeeze(),
                          a.index({1}),
                          a.detach()};
  for (const Tensor& v : views) EXPECT_TRUE(shares_storage(v, a)) << shape_str(v.sizes());
}

TEST(Views, WritesThroughAViewAreSeenByTheBase) {
  Tensor a = zeros({3, 4});
  a.narrow(1, 1, 2).fill_(1);
  a.select(0, 2).add_(10);
  a.t().select(0, 0).fill_(-1);  // column 0 through a transposed view
  EXPECT_EQ(a.to_vector<float>(), (std::vector<float>{-1, 1, 1, 0, -1, 1, 1, 0, -1, 11, 11, 10}));
}

TEST(Views, ViewsOfViewsComposeOffsetsAndStrides) {
  Tensor a = grid();
  Tensor v = a.select(0, 1).narrow(1, 1, 3).slice(0, 0, 3, 2);  // rows 0 and 2, cols 1..3
  EXPECT_EQ(v.sizes(), (Shape{2, 3}));
  EXPECT_EQ(v.strides(), (Shape{8, 1}));
  EXPECT_EQ(v.storage_offset(), 13);
  EXPECT_EQ(v.contiguous().to_vector<int64_t>(), (I64{13, 14, 15, 21, 22, 23}));
}

// ---- geometry ---------------------------------------------------------------------------------

TEST(Views, PermuteAndTransposeSwapStrides) {
  Tensor a = grid();
  EXPECT_EQ(a.strides(), (Shape{12, 4, 1}));
  Tensor p = a.permute({2, 0, 1});
  EXPECT_EQ(p.sizes(), (Shape{4, 2, 3}));
  EXPECT_EQ(p.strides(), (Shape{1, 12, 4}));
  EXPECT_FALSE(p.is_contiguous());
  EXPECT_EQ(a.transpose(-1, 0).sizes(), (Shape{4, 3, 2}));
  EXPECT_EQ(a.permute({-1, -2, -3}).strides(), (Shape{1, 4, 12}));
}

TEST(Views, NarrowSelectAndSliceSetOffsetAndSize) {
  Tensor a = grid();
  Tensor n = a.narrow(1, 1, 2);
  EXPECT_EQ(n.sizes(), (Shape{2, 2, 4}));
  EXPECT_EQ(n.storage_offset(), 4);
  Tensor s = a.select(2, -1);
  EXPECT_EQ(s.sizes(), (Shape{2, 3}));
  EXPECT_EQ(s.storage_offset(), 3);
  EXPECT_EQ(s.contiguous().to_vector<int64_t>(), (I64{3, 7, 11, 15, 19, 23}));
  Tensor st = a.slice(2, 1, std::nullopt, 2);
  EXPECT_EQ(st.sizes(), (Shape{2, 3, 2}));
  EXPECT_EQ(st.strides(), (Shape{12, 4, 2}));
  EXPECT_EQ(a.slice(1, -2, 100).sizes(), (Shape{2, 2, 4}));  // clipped like Python
  EXPECT_EQ(a.slice(1, 2, 1).sizes(), (Shape{2, 0, 4}));     // empty, not an error
}

TEST(Views, SqueezeUnsqueezeFlattenUnflatten) {
  Tensor a = zeros({1, 3, 1, 2});
  EXPECT_EQ(a.squeeze().sizes(), (Shape{3, 2}));
  EXPECT_EQ(a.squeeze(2).sizes(), (Shape{1, 3, 2}));
  EXPECT_EQ(a.squeeze(1).sizes(), (Shape{1, 3, 1, 2}));  // not size 1: unchanged
  EXPECT_EQ(a.unsqueeze(-1).sizes(), (Shape{1, 3, 1, 2, 1}));
  EXPECT_EQ(a.unsqueeze(0).sizes(), (Shape{1, 1, 3, 1, 2}));
  EXPECT_EQ(grid().flatten(1).sizes(), (Shape{2, 12}));
  EXPECT_EQ(grid().flatten(0, 1).sizes(), (Shape{6, 4}));
  EXPECT_EQ(scalar_tensor(1.0).flatten().sizes(), (Shape{1}));
  EXPECT_EQ(grid().unflatten(-1, {2, -1}).sizes(), (Shape{2, 3, 2, 2}));
}

TEST(Views, DiagonalPicksOffsetDiagonals) {
  Tensor a = arange(9).reshape({3, 3});
  EXPECT_EQ(a.diagonal().to_vector<int64_t>(), (I64{0, 4, 8}));
  EXPECT_EQ(a.diagonal(1).to_vector<int64_t>(), (I64{1, 5}));
  EXPECT_EQ(a.diagonal(-1).to_vector<int64_t>(), (I64{3, 7}));
  EXPECT_EQ(a.diagonal(5).numel(), 0);
  EXPECT_EQ(a.diagonal().strides(), (Shape{4}));
}

TEST(Views, ZeroSizedTensorsViewAndReshape) {
  Tensor e = zeros({0, 3});
  EXPECT_EQ(e.reshape({3, 0}).sizes(), (Shape{3, 0}));
  EXPECT_EQ(e.view({-1, 3}).sizes(), (Shape{0, 3}));
  EXPECT_EQ(e.t().sizes(), (Shape{3, 0}));
  EXPECT_EQ(e.narrow(1, 1, 2).sizes(), (Shape{0, 2}));
}

// ---- index ------------------------------------------------------------------------------------

TEST(Index, IntegersSelectAndCountFromTheEnd) {
  Tensor a = grid();
  EXPECT_EQ(a.index({1}).sizes(), (Shape{3, 4}));
  EXPECT_EQ(a.index({-1, 2}).to_vector<int64_t>(), (I64{20, 21, 22, 23}));
  EXPECT_EQ(a.index({0, 1, 2}).dim(), 0);
  EXPECT_EQ(a.index({0, 1, 2}).item<int64_t>(), 6);
  EXPECT_EQ(a[1][2].to_vector<int64_t>(), (I64{20, 21, 22, 23}));
}

TEST(Index, SlicesFollowPythonSemantics) {
  Tensor a = grid();
  Slice all{};
  Tensor s = a.index({all, Slice{.start = 1}, Slice{.step = 2}});
  EXPECT_EQ(s.sizes(), (Shape{2, 2, 2}));  // a[:, 1:, ::2]
  EXPECT_EQ(s.contiguous().to_vector<int64_t>(), (I64{4, 6, 8, 10, 16, 18, 20, 22}));
  EXPECT_EQ(a.index({Slice{.start = -1}}).sizes(), (Shape{1, 3, 4}));  // a[-1:]
  EXPECT_EQ(a.index({all, Slice{.stop = -1}}).sizes(), (Shape{2, 2, 4}));
  EXPECT_TRUE(shares_storage(s, a));
}

TEST(Index, NewAxisInsertsASizeOneDim) {
  Tensor a = grid();
  EXPECT_EQ(a.index({NewAxis{}}).sizes(), (Shape{1, 2, 3, 4}));
  EXPECT_EQ(a.index({0, NewAxis{}, 1}).sizes(), (Shape{1, 4}));  // a[0, None, 1]
}

TEST(Index, EllipsisStandsForTheUnaddressedDims) {
  Tensor a = grid();
  Tensor last = a.index({Ellipsis{}, 0});  // a[..., 0]
  EXPECT_EQ(last.sizes(), (Shape{2, 3}));
  EXPECT_EQ(last.contiguous().to_vector<int64_t>(), (I64{0, 4, 8, 12, 16, 20}));
  EXPECT_EQ(a.index({1, Ellipsis{}, 3}).to_vector<int64_t>(), (I64{15, 19, 23}));
  EXPECT_EQ(a.index({Ellipsis{}, NewAxis{}}).sizes(), (Shape{2, 3, 4, 1}));
  EXPECT_EQ(a.index({Ellipsis{}}).sizes(), (Shape{2, 3, 4}));
}

TEST(Index, ErrorsNameTheIndexAndTheSize) {
  Tensor a = grid();
  std::string msg = message_of<IndexError>([&] { a.index({2}); });
  EXPECT_CONTAINS(msg, "index 2 is out of bounds for dimension 0 with size 2");
  msg = message_of<IndexError>([&] { a.index({0, 0, 0, 0}); });
  EXPECT_CONTAINS(msg, "too many indices (4) for a 3-d tensor");
  EXPECT_THROW(a.index({0, -4}), IndexError);
  EXPECT_THROW(scalar_tensor(1.0).index({0}), IndexError);
}

// ---- expand -----------------------------------------------------------------------------------

TEST(Views, ExpandUsesZeroStridesForBroadcastDims) {
  Tensor a = arange(3).reshape({3, 1});
  Tensor e = a.expand({2, 3, 4});
  EXPECT_EQ(e.sizes(), (Shape{2, 3, 4}));
  EXPECT_EQ(e.strides(), (Shape{0, 1, 0}));
  EXPECT_TRUE(shares_storage(e, a));
  EXPECT_EQ(e.select(0, 1).select(0, 2).to_vector<int64_t>(), (I64{2, 2, 2, 2}));
  EXPECT_EQ(a.expand({-1, 5}).sizes(), (Shape{3, 5}));  // -1 keeps the size
  EXPECT_EQ(a.expand_as(zeros({3, 2})).strides(), (Shape{1, 0}));
}

TEST(Views, ExpandThrowsShapeErrorForANonSingletonMismatch) {
  Tensor a = zeros({3, 1});
  std::string msg = message_of<ShapeError>([&] { a.expand({5, 2}); });
  EXPECT_CONTAINS(msg, "expanded size 5 must match the existing size 3");
  EXPECT_THROW(a.expand({3}), ShapeError);  // fewer sizes than dims
}

// ---- reshape, view, contiguous ----------------------------------------------------------------

TEST(Views, ReshapeCopiesOnlyWhenAViewIsImpossible) {
  Tensor a = grid();
  EXPECT_TRUE(shares_storage(a.reshape({6, -1}), a));
  EXPECT_TRUE(shares_storage(a.narrow(0, 1, 1).reshape({12}), a));             // still one chunk
  EXPECT_TRUE(shares_storage(a.permute({1, 0, 2}).reshape({3, 2, 2, 2}), a));  // splits a dim
  Tensor t = a.select(0, 0).t();  // (4,3), strides (1,4)
  Tensor r = t.reshape({12});
  EXPECT_FALSE(shares_storage(r, a));
  EXPECT_EQ(r.to_vector<int64_t>(), (I64{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}));
}

TEST(Views, ViewOfAnIncompatibleLayoutThrowsAndSuggestsReshape) {
  Tensor t = grid().select(0, 0).t();
  std::string msg = message_of<ShapeError>([&] { t.view({12}); });
  EXPECT_CONTAINS(msg, "view: size [12] is not compatible with input of size [4, 3]");
  EXPECT_CONTAINS(msg, "use reshape instead");
}

TEST(Views, ReshapeErrorsNameTheShapeAndSize) {
  Tensor a = grid();
  EXPECT_CONTAINS(message_of<ShapeError>([&] {
                    a.reshape({5, -1});
                  }),
                  "shape [5, -1] is invalid for input of size 24");
  EXPECT_CONTAINS(message_of<ShapeError>([&] {
                    a.reshape({-1, -1});
                  }),
                  "only one dimension can be -1");
  EXPECT_CONTAINS(message_of<ShapeError>([&] { a.view({7}); }),
                  "shape [7] is invalid for input of size 24");
}

TEST(Views, ContiguousReturnsTheSameTensorWhenAlreadyContiguous) {
  Tensor a = grid();
  EXPECT_TRUE(a.contiguous().is_same(a));
  Tensor t = a.transpose(0, 1);
  Tensor c = t.contiguous();
  EXPECT_FALSE(shares_storage(c, a));
  EXPECT_TRUE(c.is_contiguous());
  EXPECT_EQ(c.sizes(), (Shape{3, 2, 4}));
  EXPECT_EQ(c.to_vector<int64_t>(), t.to_vector<int64_t>());
}

TEST(Views, DetachSharesStorageButNotHistory) {
  Tensor x = ones({3}).requires_grad_();
  Tensor y = x * 2;
  Tensor d = y.detach();
  EXPECT_TRUE(shares_storage(d, y));
  EXPECT_FALSE(d.requires_grad());
  EXPECT_TRUE(d.is_leaf());
}

// ---- argument errors --------------------------------------------------------------------------

TEST(Views, DimAndRangeErrorsAreTyped) {
  Tensor a = grid();
  EXPECT_CONTAINS(message_of<ValueError>([&] { a.permute({0, 0, 1}); }), "repeated dim");
  EXPECT_THROW(a.permute({0, 1}), ShapeError);
  EXPECT_CONTAINS(message_of<IndexError>([&] { a.narrow(2, 3, 2); }),
                  "start 3 + length 2 exceeds dimension 2 of size 4");
  EXPECT_CONTAINS(message_of<IndexError>([&] { a.select(1, 3); }),
                  "index 3 is out of bounds for dimension 1 with size 3");
  EXPECT_THROW(a.transpose(0, 3), IndexError);
  EXPECT_THROW(a.unsqueeze(5), IndexError);
  EXPECT_THROW(scalar_tensor(1.0).select(0, 0), IndexError);
  EXPECT_THROW(a.diagonal(0, 1, 1), ValueError);
  EXPECT_THROW(a.t(), ShapeError);  // t() is for <= 2 dims
}

}  // namespace
}  // namespace ember
