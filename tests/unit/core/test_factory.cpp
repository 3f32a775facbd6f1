// Tensor factories: values, dtype inference, errors, memory sharing of from_blob, and the
// random ones: reproducible under manual_seed, independent Generators, identical whatever
// the thread count, and with the right statistics.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "ember/ember.h"
#include "unit/error_message.h"

namespace ember {
namespace {

// Runs f with ember's thread count set to n, restoring the previous count afterwards.
template <typename F>
auto with_threads(int n, F f) {
  int previous = num_threads();
  set_num_threads(n);
  auto result = f();
  set_num_threads(previous);
  return result;
}

// ---- constant factories -----------------------------------------------------------------------

TEST(Factory, ZerosOnesAndFullFillEveryElement) {
  EXPECT_EQ(zeros({2, 3}).to_vector<float>(), std::vector<float>(6, 0.f));
  EXPECT_EQ(ones({3}, {.dtype = DType::int32}).to_vector<int32_t>(),
            (std::vector<int32_t>{1, 1, 1}));
  Tensor f = full({2, 2}, 2.5);
  EXPECT_EQ(f.dtype(), DType::float32);
  EXPECT_EQ(f.to_vector<float>(), std::vector<float>(4, 2.5f));
  EXPECT_EQ(full({2}, 1.5, {.dtype = DType::float64}).to_vector<double>(),
            (std::vector<double>{1.5, 1.5}));
}

TEST(Factory, FullInfersTheDtypeFromTheValueLikePyTorch) {
  EXPECT_EQ(full({1}, 3).dtype(), DType::int64);
  EXPECT_EQ(full({1}, 3.0).dtype(), DType::float32);
  EXPECT_EQ(full({1}, true).dtype(), DType::boolean);
  EXPECT_EQ(ones({1}).dtype(), DType::float32);
}

TEST(Factory, ScalarTensorIsZeroDimensional) {
  Tensor s = scalar_tensor(4.0);
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(s.numel(), 1);
  EXPECT_EQ(s.item<float>(), 4.0f);
}

TEST(Factory, EmptyShapesAreAllowed) {
  EXPECT_EQ(zeros({0, 3}).numel(), 0);
  EXPECT_EQ(ones({2, 0}).sizes(), (Shape{2, 0}));
  EXPECT_EQ(full({0}, 1.0).numel(), 0);
}

TEST(Factory, RequiresGradOptionMakesALeafThatRequiresGrad) {
  Tensor t = zeros({2}, {.dtype = DType::float32, .requires_grad = true});
  EXPECT_TRUE(t.requires_grad());
  EXPECT_TRUE(t.is_leaf());
}

TEST(Factory, NegativeSizesThrowValueErrorNamingTheShape) {
  std::string msg = message_of<ValueError>([] { zeros({2, -1}); });
  EXPECT_NE(msg.find("[2, -1]"), std::string::npos) << msg;
  EXPECT_THROW(empty({-3}), ValueError);
  EXPECT_THROW(ones({-1}), ValueError);
  EXPECT_THROW(rand({-1}), ValueError);
}

// ---- ranges -----------------------------------------------------------------------------------

TEST(Factory, ArangeMatchesPythonRange) {
  EXPECT_EQ(arange(5).to_vector<int64_t>(), (std::vector<int64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(arange(2, 11, 3).to_vector<int64_t>(), (std::vector<int64_t>{2, 5, 8}));
  EXPECT_EQ(arange(5, 0, -2).to_vector<int64_t>(), (std::vector<int64_t>{5, 3, 1}));
  EXPECT_EQ(arange(0).numel(), 0);
  Tensor f = arange(0.0, 1.0, 0.25);
  EXPECT_EQ(f.dtype(), DType::float32);
  EXPECT_EQ(f.to_vector<float>(), (std::vector<float>{0.f, 0.25f, 0.5f, 0.75f}));
  EXPECT_EQ(arange(0.0, 1.0, 0.1).numel(), 10);
  EXPECT_EQ(arange(3, {.dtype = DType::float64}).to_vector<double>(),
            (std::vector<double>{0, 1, 2}));
}

TEST(Factory, ArangeRejectsAZeroStepAndAStepAwayFromEnd) {
  std::string msg = message_of<ValueError>([] { arange(0, 5, 0); });
  EXPECT_NE(msg.find("non-zero step"), std::string::npos) << msg;
  msg = message_of<ValueError>([] { arange(0, 5, -1); });
  EXPECT_NE(msg.find("step -1"), std::string::npos) << msg;
}

TEST(Factory, LinspaceIncludesBothEndsExactly) {
  EXPECT_EQ(linspace(0, 1, 5).to_vector<float>(), (std::vector<float>{0.f, .25f, .5f, .75f, 1.f}));
  EXPECT_EQ(linspace(0, 0.3, 7).to_vector<float>().back(), 0.3f);
  EXPECT_EQ(linspace(2, 3, 1).to_vector<float>(), (std::vector<float>{2.f}));
  EXPECT_EQ(linspace(2, 3, 0).numel(), 0);
  EXPECT_EQ(linspace(1, -1, 3).to_vector<float>(), (std::vector<float>{1.f, 0.f, -1.f}));
  EXPECT_THROW(linspace(0, 1, -1), ValueError);
}

TEST(Factory, EyeIsTheIdentityAndMayBeRectangular) {
  EXPECT_EQ(eye(3).to_vector<float>(), (std::vector<float>{1, 0, 0, 0, 1, 0, 0, 0, 1}));
  Tensor r = eye(2, 3, {.dtype = DType::int64});
  EXPECT_EQ(r.sizes(), (Shape{2, 3}));
  EXPECT_EQ(r.to_vector<int64_t>(), (std::vector<int64_t>{1, 0, 0, 0, 1, 0}));
  EXPECT_EQ(eye(0).numel(), 0);
  EXPECT_THROW(eye(-2), ValueError);
}

// ---- tensors from C++ data --------------------------------------------------------------------

TEST(Factory, FromVectorCopiesValuesInRowMajorOrder) {
  std::vector<double> v{1, 2, 3, 4, 5, 6};
  Tensor t = from_vector(v, {2, 3});
  EXPECT_EQ(t.dtype(), DType::float64);
  EXPECT_EQ(t.select(0, 1).to_vector<double>(), (std::vector<double>{4, 5, 6}));
  v[0] = 100;
  EXPECT_EQ(t.to_vector<double>()[0], 1.0);
  EXPECT_EQ(from_vector(std::vector<float>{7.f}).dim(), 0);  // one value, no shape: 0-d
  EXPECT_EQ(from_vector(std::vector<int32_t>{1, 2}).sizes(), (Shape{2}));
  Tensor b = from_vector(std::vector<bool>{true, false});
  EXPECT_EQ(b.dtype(), DType::boolean);
  EXPECT_EQ(b.to_vector<uint8_t>(), (std::vector<uint8_t>{1, 0}));
  EXPECT_EQ(from_vector(std::vector<int64_t>{1, 2}, {}, {.dtype = DType::float32}).dtype(),
            DType::float32);
}

TEST(Factory, FromVectorThrowsShapeErrorWhenTheCountDoesNotFillTheShape) {
  std::string msg = message_of<ShapeError>([] {
    from_vector(std::vector<float>{1, 2, 3}, {2, 2});
  });
  EXPECT_NE(msg.find("3 values"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[2, 2]"), std::string::npos) << msg;
}

TEST(Factory, TensorFromAListPicksPyTorchsDtype) {
  EXPECT_EQ(tensor({1, 2, 3}).dtype(), DType::int64);
  EXPECT_EQ(tensor({1.0, 2.0}).dtype(), DType::float32);
  EXPECT_EQ(tensor({1.f, 2.f}).dtype(), DType::float32);
  EXPECT_EQ(tensor({1.0, 2.0}, {.dtype = DType::float64}).dtype(), DType::float64);
}

TEST(Factory, FromBlobSharesMemoryWithoutCopying) {
  std::vector<float> buffer{1, 2, 3, 4, 5, 6};
  Tensor t = from_blob(buffer.data(), {2, 3}, DType::float32);
  EXPECT_EQ(t.data_ptr(), buffer.data());
  buffer[4] = 50;
  EXPECT_EQ(t.select(0, 1).to_vector<float>(), (std::vector<float>{4, 50, 6}));
  t.mul_(2);
  EXPECT_EQ(buffer[0], 2.f);
}

TEST(Factory, FromBlobCallsTheDeleterOnceWhenTheLastViewDies) {
  int calls = 0;
  void* freed = nullptr;
  auto* data = new float[4]{1, 2, 3, 4};
  {
    Tensor t = from_blob(data, {4}, DType::float32, [&](void* p) {
      ++calls;
      freed = p;
      delete[] static_cast<float*>(p);
    });
    Tensor view = t.narrow(0, 1, 2);
    t = Tensor();
    EXPECT_EQ(calls, 0);  // the view still holds the storage
    EXPECT_EQ(view.to_vector<float>(), (std::vector<float>{2, 3}));
  }
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(freed, data);
}

TEST(Factory, FromBufferCopies) {
  std::vector<int32_t> src{1, 2, 3};
  Tensor t = from_buffer(src.data(), {3}, DType::int32);
  EXPECT_NE(t.data_ptr(), static_cast<void*>(src.data()));
  src[0] = 9;
  EXPECT_EQ(t.to_vector<int32_t>(), (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(from_buffer(nullptr, {0}, DType::float32).numel(), 0);
}

// ---- *_like -----------------------------------------------------------------------------------

TEST(Factory, LikeVariantsKeepShapeAndDtypeAndAreContiguous) {
  Tensor like = arange(6).reshape({2, 3}).t();  // int64, non-contiguous
  for (const Tensor& t :
       {empty_like(like), zeros_like(like), ones_like(like), full_like(like, 7)}) {
    EXPECT_EQ(t.sizes(), (Shape{3, 2}));
    EXPECT_EQ(t.dtype(), DType::int64);
    EXPECT_TRUE(t.is_contiguous());
  }
  EXPECT_EQ(full_like(like, 7).to_vector<int64_t>(), std::vector<int64_t>(6, 7));
  EXPECT_EQ(zeros_like(like, {.dtype = DType::float64}).dtype(), DType::float64);
  Tensor f = ones({4, 5});
  EXPECT_EQ(rand_like(f).sizes(), (Shape{4, 5}));
  EXPECT_EQ(randn_like(f, {.dtype = DType::float64}).dtype(), DType::float64);
}

// ---- random -----------------------------------------------------------------------------------

TEST(Random, RandIsInTheUnitIntervalForFloatAndDouble) {
  manual_seed(1);
  for (DType d : {DType::float32, DType::float64}) {
    std::vector<double> v = rand({1000}, {.dtype = d}).to_vector<double>();
    EXPECT_GE(*std::min_element(v.begin(), v.end()), 0.0) << d;
    EXPECT_LT(*std::max_element(v.begin(), v.end()), 1.0) << d;
  }
}

TEST(Random, ManualSeedMakesEveryRandomFactoryReproducible) {
  auto draw = [] {
    manual_seed(1234);
    std::vector<double> all;
    for (const Tensor& t : {rand({7}), randn({5, 3}), randint(-3, 9, {11}).to(DType::float64),
                            randperm(13).to(DType::float64)}) {
      std::vector<double> v = t.to_vector<double>();
      all.insert(all.end(), v.begin(), v.end());
    }
    return all;
  };
  EXPECT_EQ(draw(), draw());
  manual_seed(1234);
  EXPECT_NE(rand({7}).to_vector<float>(), rand({7}).to_vector<float>());  // the stream moves on
}

TEST(Random, DifferentSeedsGiveDifferentStreams) {
  manual_seed(1);
  std::vector<float> a = rand({8}).to_vector<float>();
  manual_seed(2);
  EXPECT_NE(a, rand({8}).to_vector<float>());
}

TEST(Random, AGeneratorIsAStreamIndependentOfTheDefaultOne) {
  Generator g1(7);
  std::vector<float> expected = rand({6}, {}, &g1).to_vector<float>();

  // Draws from the default generator in between do not change what a Generator gives.
  manual_seed(99);
  Generator g2(7);
  rand({100});
  std::vector<float> got = rand({6}, {}, &g2).to_vector<float>();
  EXPECT_EQ(got, expected);

  // And draws from a Generator do not move the default stream.
  manual_seed(5);
  std::vector<float> plain = randn({10}).to_vector<float>();
  manual_seed(5);
  Generator g3(123);
  randn({50}, {}, &g3);
  EXPECT_EQ(randn({10}).to_vector<float>(), plain);
}

TEST(Random, GeneratorStateRestoresTheStream) {
  Generator g(11);
  rand({3}, {}, &g);
  Generator::State s = g.state();
  std::vector<float> a = rand({5}, {}, &g).to_vector<float>();
  g.set_state(s);
  EXPECT_EQ(rand({5}, {}, &g).to_vector<float>(), a);
}

TEST(Random, ResultsAreIdenticalWithOneAndTwoThreads) {
  // Large enough that parallel_for really splits the work.
  const Shape shape{200003};
  auto draw = [&](int threads) {
    return with_threads(threads, [&] {
      Generator g(42);
      std::vector<double> v = rand(shape, {}, &g).to_vector<double>();
      std::vector<double> n = randn(shape, {}, &g).to_vector<double>();
      std::vector<double> d = rand(shape, {.dtype = DType::float64}, &g).to_vector<double>();
      v.insert(v.end(), n.begin(), n.end());
      v.insert(v.end(), d.begin(), d.end());
      return v;
    });
  };
  EXPECT_EQ(draw(1), draw(2));
}

TEST(Random, RandnHasMeanZeroAndStdOneOver100kSamples) {
  Generator g(2024);
  std::vector<double> v = randn({100000}, {.dtype = DType::float64}, &g).to_vector<double>();
  double mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  double sq = 0;
  for (double x : v) sq += (x - mean) * (x - mean);
  double stddev = std::sqrt(sq / static_cast<double>(v.size() - 1));
  // The standard error of the mean is 1/sqrt(1e5) ~ 0.003; of the std ~ 0.0022.
  EXPECT_NEAR(mean, 0.0, 0.015);
  EXPECT_NEAR(stddev, 1.0, 0.015);
  int64_t beyond_3sigma =
      std::count_if(v.begin(), v.end(), [](double x) { return std::abs(x) > 3; });
  EXPECT_NEAR(static_cast<double>(beyond_3sigma) / 1e5, 0.0027, 0.001);
}

TEST(Random, RandHasMeanOneHalfOver100kSamples) {
  Generator g(3);
  std::vector<double> v = rand({100000}, {}, &g).to_vector<double>();
  double mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  EXPECT_NEAR(mean, 0.5, 0.005);  // standard error ~0.0009
}

TEST(Random, RandintStaysInItsHalfOpenRangeAndHitsEveryValue) {
  Generator g(8);
  Tensor t = randint(-2, 3, {2000}, {}, &g);
  EXPECT_EQ(t.dtype(), DType::int64);
  std::vector<int64_t> v = t.to_vector<int64_t>();
  for (int64_t k = -2; k < 3; ++k) EXPECT_NE(std::find(v.begin(), v.end(), k), v.end()) << k;
  EXPECT_GE(*std::min_element(v.begin(), v.end()), -2);
  EXPECT_LE(*std::max_element(v.begin(), v.end()), 2);
  EXPECT_EQ(randint(0, 4, {3}, {.dtype = DType::int32}).dtype(), DType::int32);
}

TEST(Random, RandintThrowsWhenLowIsNotBelowHigh) {
  std::string msg = message_of<ValueError>([] { randint(5, 5, {2}); });
  EXPECT_NE(msg.find("low=5, high=5"), std::string::npos) << msg;
  EXPECT_THROW(randint(3, 1, {2}), ValueError);
}

TEST(Random, RandpermIsAPermutation) {
  Generator g(17);
  std::vector<int64_t> p = randperm(50, &g).to_vector<int64_t>();
  std::vector<int64_t> sorted = p;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int64_t> expected(50);
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_EQ(sorted, expected);
  EXPECT_NE(p, expected);  // shuffled (the chance of the identity is 1/50!)
  EXPECT_EQ(randperm(0).numel(), 0);
  EXPECT_EQ(randperm(1).to_vector<int64_t>(), (std::vector<int64_t>{0}));
  EXPECT_THROW(randperm(-1), ValueError);
}

}  // namespace
}  // namespace ember
