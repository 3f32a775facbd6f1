// TensorDataset, Subset, random_split and random_split_fractions.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "ember/core/error.h"
#include "ember/data/dataset.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/factory.h"

namespace ember::data {
namespace {

std::shared_ptr<TensorDataset> range_dataset(int64_t n) {
  return std::make_shared<TensorDataset>(arange(n).reshape({n, 1}), arange(n) * 10);
}

std::vector<int64_t> sorted(std::vector<int64_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(TensorDataset, GetReturnsRowsOfInputsAndTargets) {
  Tensor x = arange(12).reshape({4, 3});
  Tensor y = tensor({5, 6, 7, 8});
  TensorDataset ds(x, y);
  ASSERT_EQ(ds.size(), 4);
  Example ex = ds.get(2);
  EXPECT_EQ(ex.input.to_vector<int64_t>(), (std::vector<int64_t>{6, 7, 8}));
  EXPECT_EQ(ex.target.sizes(), Shape{});
  EXPECT_EQ(ex.target.item<int64_t>(), 7);
  EXPECT_EQ(ex.input.storage().get(), x.storage().get()) << "rows are views, not copies";
}

TEST(TensorDataset, WithoutTargetsLeavesTargetUndefined) {
  TensorDataset ds(zeros({3, 2}));
  EXPECT_FALSE(ds.get(0).target.defined());
}

TEST(TensorDataset, MismatchedSizesThrowShapeErrorWithBothShapes) {
  try {
    TensorDataset ds(zeros({4, 3}), zeros({5}));
    ADD_FAILURE() << "expected ShapeError";
  } catch (const ShapeError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("inputs.shape=[4, 3]"), std::string::npos) << msg;
    EXPECT_NE(msg.find("targets.shape=[5]"), std::string::npos) << msg;
  }
}

TEST(TensorDataset, ZeroDimTensorsThrowShapeError) {
  EXPECT_THROW(TensorDataset(scalar_tensor(1.0)), ShapeError);
  EXPECT_THROW(TensorDataset(zeros({2}), scalar_tensor(1.0)), ShapeError);
}

TEST(TensorDataset, OutOfRangeIndexThrowsIndexError) {
  TensorDataset ds(zeros({3}));
  EXPECT_THROW(ds.get(3), IndexError);
  EXPECT_THROW(ds.get(-1), IndexError);
}

TEST(TensorDataset, ExamplesCarryNoAutogradHistory) {
  Tensor w = ones({3, 2}, {.requires_grad = true});
  TensorDataset ds(w * 2);
  Example ex = ds.get(1);
  EXPECT_FALSE(ex.input.requires_grad());
  EXPECT_EQ(ex.input.grad_fn(), nullptr);
}

TEST(Subset, MapsIndicesThroughTheList) {
  Subset sub(range_dataset(10), {7, 2, 2});
  ASSERT_EQ(sub.size(), 3);
  EXPECT_EQ(sub.get(0).target.item<int64_t>(), 70);
  EXPECT_EQ(sub.get(2).target.item<int64_t>(), 20);
  EXPECT_THROW(sub.get(3), IndexError);
}

TEST(Subset, IndexOutsideTheDatasetThrowsIndexErrorNamingIt) {
  try {
    Subset sub(range_dataset(4), {0, 4});
    ADD_FAILURE() << "expected IndexError";
  } catch (const IndexError& e) {
    EXPECT_NE(std::string(e.what()).find("indices[1] = 4"), std::string::npos) << e.what();
  }
}

TEST(RandomSplit, PartsAreDisjointAndCoverTheDataset) {
  Generator gen(7);
  auto parts = random_split(range_dataset(10), {6, 0, 4}, gen);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0]->size(), 6);
  EXPECT_EQ(parts[1]->size(), 0);
  EXPECT_EQ(parts[2]->size(), 4);
  std::vector<int64_t> all = parts[0]->indices();
  all.insert(all.end(), parts[2]->indices().begin(), parts[2]->indices().end());
  EXPECT_EQ(sorted(all), arange(10).to_vector<int64_t>());
}

TEST(RandomSplit, SameGeneratorStateGivesTheSameSplit) {
  auto ds = range_dataset(50);
  Generator a(123), b(123), c(124);
  auto pa = random_split(ds, {25, 25}, a);
  auto pb = random_split(ds, {25, 25}, b);
  auto pc = random_split(ds, {25, 25}, c);
  EXPECT_EQ(pa[0]->indices(), pb[0]->indices());
  EXPECT_NE(pa[0]->indices(), pc[0]->indices());
  auto again = random_split(ds, {25, 25}, a);  // the generator advanced
  EXPECT_NE(again[0]->indices(), pa[0]->indices());
}

TEST(RandomSplit, LengthsNotSummingToTheSizeThrowValueError) {
  Generator gen(0);
  EXPECT_THROW(random_split(range_dataset(10), {5, 4}, gen), ValueError);
  EXPECT_THROW(random_split(range_dataset(10), {11, -1}, gen), ValueError);
}

TEST(RandomSplitFractions, FloorsThenHandsTheRemainderToTheFirstParts) {
  Generator gen(0);
  auto parts = random_split_fractions(range_dataset(10), {0.34, 0.33, 0.33}, gen);
  EXPECT_EQ(parts[0]->size(), 4);
  EXPECT_EQ(parts[1]->size(), 3);
  EXPECT_EQ(parts[2]->size(), 3);
  auto exact = random_split_fractions(range_dataset(10), {0.5, 0.3, 0.2}, gen);
  EXPECT_EQ(exact[0]->size(), 5);
  EXPECT_EQ(exact[1]->size(), 3);
  EXPECT_EQ(exact[2]->size(), 2);
}

TEST(RandomSplitFractions, BadFractionsThrowValueError) {
  Generator gen(0);
  EXPECT_THROW(random_split_fractions(range_dataset(10), {0.5, 0.6}, gen), ValueError);
  EXPECT_THROW(random_split_fractions(range_dataset(10), {1.5, -0.5}, gen), ValueError);
  EXPECT_THROW(random_split_fractions(range_dataset(10), {}, gen), ValueError);
}

}  // namespace
}  // namespace ember::data
