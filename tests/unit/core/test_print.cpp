// Printing: the exact text of operator<< / to_string for small tensors of every kind, the
// summarised form of large ones, and inspect()'s statistics. See Note [Print format] in
// src/core/print.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>

#include "ember/ember.h"

namespace ember {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(Print, FloatsGetFourDecimalsAlignedToTheWidest) {
  EXPECT_EQ(to_string(tensor({-1.5f, 0.25f, 3.f})),
            "tensor([-1.5000,  0.2500,  3.0000], shape=[3], dtype=float32, device=cpu)");
}

TEST(Print, MatricesPutOneRowPerLineAndWrapSuffixesAt80Columns) {
  Tensor x = from_vector<double>({1, 2, 3, 4}, {2, 2});
  x.requires_grad_(true);
  EXPECT_EQ(to_string(x),
            "tensor([[1.0000, 2.0000],\n"
            "        [3.0000, 4.0000]], shape=[2, 2], dtype=float64, device=cpu,\n"
            "       requires_grad=True)");
}

TEST(Print, OperatorStreamsTheSameText) {
  Tensor x = tensor({1.f, 2.f});
  std::ostringstream os;
  os << x;
  EXPECT_EQ(os.str(), to_string(x));
}

TEST(Print, ScientificWhenMagnitudesSpanMoreThanThreeDecades) {
  EXPECT_EQ(to_string(tensor({1e-5, 1.0}, {.dtype = DType::float64})),
            "tensor([1.0000e-05, 1.0000e+00], shape=[2], dtype=float64, device=cpu)");
  EXPECT_EQ(to_string(tensor({2e9, -3.0}, {.dtype = DType::float64})),
            "tensor([ 2.0000e+09, -3.0000e+00], shape=[2], dtype=float64, device=cpu)");
}

TEST(Print, NanAndInfAreSpelledOut) {
  Tensor x = from_vector<double>({kNaN, kInf, -1, -kInf}, {4});
  EXPECT_EQ(to_string(x),
            "tensor([    nan,     inf, -1.0000,    -inf], shape=[4], dtype=float64,\n"
            "       device=cpu)");
}

TEST(Print, IntegersArePlainAndBoolsAreWords) {
  EXPECT_EQ(to_string(tensor({3, -12, 7})),
            "tensor([  3, -12,   7], shape=[3], dtype=int64, device=cpu)");
  EXPECT_EQ(to_string(tensor({1, 0}) == 1),
            "tensor([ True, False], shape=[2], dtype=bool, device=cpu)");
  EXPECT_EQ(to_string(tensor({200, 7}).to(DType::uint8)),
            "tensor([200,   7], shape=[2], dtype=uint8, device=cpu)");
}

TEST(Print, SixteenBitFloatsPrintTheirValues) {
  EXPECT_EQ(to_string(tensor({1.5f, -2.f}).to(DType::bfloat16)),
            "tensor([ 1.5000, -2.0000], shape=[2], dtype=bfloat16, device=cpu)");
}

TEST(Print, ScalarsAndEmptyTensors) {
  EXPECT_EQ(to_string(scalar_tensor(2.5)), "tensor(2.5000, shape=[], dtype=float32, device=cpu)");
  EXPECT_EQ(to_string(zeros({0, 3})), "tensor([], shape=[0, 3], dtype=float32, device=cpu)");
  EXPECT_EQ(to_string(Tensor()), "tensor(undefined)");
}

TEST(Print, ThreeDimsSeparateBlocksWithABlankLine) {
  EXPECT_EQ(to_string(arange(12).view({2, 2, 3})),
            "tensor([[[ 0,  1,  2],\n"
            "         [ 3,  4,  5]],\n"
            "\n"
            "        [[ 6,  7,  8],\n"
            "         [ 9, 10, 11]]], shape=[2, 2, 3], dtype=int64, device=cpu)");
}

TEST(Print, NonContiguousViewsPrintInLogicalOrder) {
  EXPECT_EQ(to_string(arange(6).view({2, 3}).t()),
            "tensor([[0, 3],\n"
            "        [1, 4],\n"
            "        [2, 5]], shape=[3, 2], dtype=int64, device=cpu)");
}

TEST(Print, LongRowsWrapAtEightyColumns) {
  EXPECT_EQ(to_string(arange(20).to(DType::float32) * 1.5),
            "tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n"
            "        12.0000, 13.5000, 15.0000, 16.5000, 18.0000, 19.5000, 21.0000, 22.5000,\n"
            "        24.0000, 25.5000, 27.0000, 28.5000], shape=[20], dtype=float32,\n"
            "       device=cpu)");
}

TEST(Print, ResultsOfDifferentiableOpsShowTheirGradFn) {
  Tensor a = tensor({1.f, 2.f});
  a.requires_grad_(true);
  EXPECT_EQ(to_string(a * 2),
            "tensor([2.0000, 4.0000], shape=[2], dtype=float32, device=cpu,\n"
            "       grad_fn=<MulBackward>)");
  EXPECT_EQ(to_string(index_select(a, 0, tensor({1}))),
            "tensor([2.0000], shape=[1], dtype=float32, device=cpu,\n"
            "       grad_fn=<IndexSelectBackward>)");
}

TEST(Print, MoreThanAThousandElementsAreSummarised) {
  EXPECT_EQ(to_string(arange(2000)),
            "tensor([   0,    1,    2,  ..., 1997, 1998, 1999], shape=[2000], dtype=int64,\n"
            "       device=cpu)");
  EXPECT_EQ(to_string(arange(1100).view({100, 11})),
            "tensor([[   0,    1,    2,  ...,    8,    9,   10],\n"
            "        [  11,   12,   13,  ...,   19,   20,   21],\n"
            "        [  22,   23,   24,  ...,   30,   31,   32],\n"
            "        ...,\n"
            "        [1067, 1068, 1069,  ..., 1075, 1076, 1077],\n"
            "        [1078, 1079, 1080,  ..., 1086, 1087, 1088],\n"
            "        [1089, 1090, 1091,  ..., 1097, 1098, 1099]], shape=[100, 11],\n"
            "       dtype=int64, device=cpu)");
}

TEST(Print, AThousandElementsAreNotSummarised) {
  std::string s = to_string(arange(1000));
  EXPECT_EQ(s.find("..."), std::string::npos);
  EXPECT_NE(s.find(" 500,"), std::string::npos);
}

TEST(Inspect, ReportsShapeGradStateAndStatisticsIgnoringNaN) {
  Tensor x = from_vector<double>({1, 2, kNaN, 3, 4}, {5});
  EXPECT_EQ(inspect(x, "x"),
            "x: shape=[5] dtype=float64 device=cpu\n"
            "  requires_grad=False grad_fn=none grad=none\n"
            "  min=1 max=4 mean=2.5 std=1.29099 nan=1 inf=0");
}

TEST(Inspect, CountsInfinitiesAndKeepsThemInMinMaxAndMean) {
  Tensor x = from_vector<float>({1, std::nanf(""), 3, INFINITY, -2, std::nanf("")}, {2, 3});
  EXPECT_EQ(inspect(x, "h"),
            "h: shape=[2, 3] dtype=float32 device=cpu\n"
            "  requires_grad=False grad_fn=none grad=none\n"
            "  min=-2 max=inf mean=inf std=nan nan=2 inf=1");
}

TEST(Inspect, WorksForIntegersBoolsAndNonContiguousViews) {
  EXPECT_EQ(inspect(arange(5)),
            "tensor: shape=[5] dtype=int64 device=cpu\n"
            "  requires_grad=False grad_fn=none grad=none\n"
            "  min=0 max=4 mean=2 std=1.58114 nan=0 inf=0");
  EXPECT_EQ(inspect(tensor({1, 0, 1, 1}) == 1, "mask"),
            "mask: shape=[4] dtype=bool device=cpu\n"
            "  requires_grad=False grad_fn=none grad=none\n"
            "  min=0 max=1 mean=0.75 std=0.5 nan=0 inf=0");
  EXPECT_EQ(inspect(arange(6).to(DType::float32).view({2, 3}).t(), "t"),
            "t: shape=[3, 2] dtype=float32 device=cpu (non-contiguous)\n"
            "  requires_grad=False grad_fn=none grad=none\n"
            "  min=0 max=5 mean=2.5 std=1.87083 nan=0 inf=0");
}

TEST(Inspect, ShowsGradFnAndWhetherGradIsSet) {
  Tensor a = tensor({1.f, 3.f});
  a.requires_grad_(true);
  Tensor b = a * 2;
  EXPECT_EQ(inspect(b, "b"),
            "b: shape=[2] dtype=float32 device=cpu\n"
            "  requires_grad=True grad_fn=MulBackward grad=none\n"
            "  min=2 max=6 mean=4 std=2.82843 nan=0 inf=0");
  b.sum().backward();
  EXPECT_EQ(inspect(a, "a"),
            "a: shape=[2] dtype=float32 device=cpu\n"
            "  requires_grad=True grad_fn=none grad=set\n"
            "  min=1 max=3 mean=2 std=1.41421 nan=0 inf=0");
}

TEST(Inspect, EmptyAndUndefinedTensors) {
  EXPECT_EQ(inspect(zeros({0, 2}), "e"),
            "e: shape=[0, 2] dtype=float32 device=cpu\n"
            "  requires_grad=False grad_fn=none grad=none\n"
            "  empty: no statistics");
  EXPECT_EQ(inspect(Tensor(), "w"), "w: undefined");
  EXPECT_EQ(inspect(scalar_tensor(7.0)),
            "tensor: shape=[] dtype=float32 device=cpu\n"
            "  requires_grad=False grad_fn=none grad=none\n"
            "  min=7 max=7 mean=7 std=nan nan=0 inf=0");
}

}  // namespace
}  // namespace ember
