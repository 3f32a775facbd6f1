// SampleRandom and the transforms: hand-computed values, shapes, and that every random choice
// is a pure function of (seed, epoch, index).
#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <tuple>

#include "ember/core/error.h"
#include "ember/data/transforms.h"
#include "ember/ops/factory.h"

namespace ember::data {
namespace {

bool same_bytes(const Tensor& a, const Tensor& b) {
  return a.sizes() == b.sizes() && a.dtype() == b.dtype() &&
         std::memcmp(a.contiguous().data_ptr(), b.contiguous().data_ptr(), a.nbytes()) == 0;
}

// (C,H,W) with distinct non-zero values.
Tensor image(int64_t C, int64_t H, int64_t W) {
  return arange(1, 1 + C * H * W, 1, {.dtype = DType::float32}).reshape({C, H, W});
}

TEST(SampleRandom, IsAPureFunctionOfSeedEpochAndIndex) {
  SampleRandom a(1, 2, 3), b(1, 2, 3);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(a.uniform(), b.uniform());
  EXPECT_EQ(a.randint(0, 1000000), b.randint(0, 1000000));
  std::set<float> firsts;
  using Key = std::tuple<uint64_t, int64_t, int64_t>;
  for (auto [seed, epoch, index] : std::vector<Key>{{1, 2, 3}, {0, 2, 3}, {1, 3, 3}, {1, 2, 4}}) {
    firsts.insert(SampleRandom(seed, epoch, index).uniform());
  }
  EXPECT_EQ(firsts.size(), 4u) << "seed, epoch and index must each change the stream";
}

TEST(SampleRandom, DrawsStayInRange) {
  SampleRandom r(5, 0, 0);
  for (int i = 0; i < 1000; ++i) {
    float u = r.uniform();
    EXPECT_GE(u, 0.0f);
    EXPECT_LT(u, 1.0f);
    int64_t k = r.randint(-3, 4);
    EXPECT_GE(k, -3);
    EXPECT_LT(k, 4);
  }
  EXPECT_THROW(r.randint(2, 2), ValueError);
}

// ---- Normalize -------------------------------------------------------------------------------

TEST(Normalize, SubtractsMeanAndDividesByStdPerChannel) {
  SampleRandom r(0, 0, 0);
  Tensor x = tensor({1.f, 2.f, 3.f, 4.f, 10.f, 20.f}).reshape({2, 1, 3});
  Tensor y = Normalize({1.0, 2.0}, {2.0, 4.0})(x, r);
  EXPECT_EQ(y.sizes(), (Shape{2, 1, 3}));
  EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{0.f, 0.5f, 1.f, 0.5f, 2.f, 4.5f}));
  EXPECT_EQ(x.to_vector<float>()[0], 1.f) << "the input is not modified";
}

TEST(Normalize, OneMeanAndStdServeEveryChannel) {
  SampleRandom r(0, 0, 0);
  Tensor x = tensor({0.5, 1.0, 0.0}, {.dtype = DType::float64}).reshape({3, 1});
  Tensor y = Normalize({0.5}, {0.25})(x, r);
  EXPECT_EQ(y.dtype(), DType::float64);
  EXPECT_EQ(y.to_vector<double>(), (std::vector<double>{0.0, 2.0, -2.0}));
}

TEST(Normalize, ComputesInFloat32LikeTorchvision) {
  // (x - float(mean)) / float(std) in float32: 0.1307 and 0.3081 are MNIST's statistics.
  SampleRandom r(0, 0, 0);
  Tensor x = tensor({0.0f, 0.5f, 1.0f}).reshape({1, 3});
  Tensor y = Normalize({0.1307}, {0.3081})(x, r);
  std::vector<float> got = y.to_vector<float>();
  for (int i = 0; i < 3; ++i) {
    float v = 0.5f * static_cast<float>(i);
    EXPECT_EQ(got[i], (v - 0.1307f) / 0.3081f);
  }
}

TEST(Normalize, InvalidArgumentsThrow) {
  SampleRandom r(0, 0, 0);
  EXPECT_THROW(Normalize({0.5}, {0.0}), ValueError);
  EXPECT_THROW(Normalize({0.1, 0.2}, {1.0, 2.0, 3.0}), ValueError);
  EXPECT_THROW(Normalize({}, {1.0}), ValueError);
  EXPECT_THROW(Normalize({0.5}, {1.0})(arange(4).reshape({1, 4}), r), DTypeError);
  EXPECT_THROW(Normalize({0.1, 0.2}, {1.0, 1.0})(zeros({3, 4}), r), ShapeError);
}

// ---- RandomCrop ------------------------------------------------------------------------------

// The crop written the slow way: pad into a zero tensor, then copy the window.
Tensor reference_crop(const Tensor& x, int64_t h, int64_t w, int64_t pad, int64_t top,
                      int64_t left) {
  int64_t C = x.size(0), H = x.size(1), W = x.size(2);
  std::vector<float> in = x.to_vector<float>(), out(static_cast<size_t>(C * h * w), 0.f);
  for (int64_t c = 0; c < C; ++c) {
    for (int64_t r = 0; r < h; ++r) {
      for (int64_t k = 0; k < w; ++k) {
        int64_t sr = top + r - pad, sc = left + k - pad;
        if (sr >= 0 && sr < H && sc >= 0 && sc < W)
          out[(c * h + r) * w + k] = in[(c * H + sr) * W + sc];
      }
    }
  }
  return from_vector(out, {C, h, w});
}

TEST(RandomCrop, MatchesAPaddedCropAtTheDrawnOffset) {
  Tensor x = image(2, 5, 7);
  RandomCrop crop({4, 6}, 2);
  std::set<std::pair<int64_t, int64_t>> offsets;
  for (int64_t index = 0; index < 1000; ++index) {
    SampleRandom r(9, 1, index), replay(9, 1, index);
    Tensor y = crop(x, r);
    ASSERT_EQ(y.sizes(), (Shape{2, 4, 6}));
    int64_t top = replay.randint(0, 5 + 4 - 4 + 1), left = replay.randint(0, 7 + 4 - 6 + 1);
    offsets.insert({top, left});
    ASSERT_TRUE(same_bytes(y, reference_crop(x, 4, 6, 2, top, left))) << "index " << index;
  }
  EXPECT_EQ(offsets.size(), 6u * 6u) << "every offset in [0, 5] x [0, 5] should occur";
}

TEST(RandomCrop, SameSampleGivesTheSameCrop) {
  Tensor x = image(1, 28, 28);
  RandomCrop crop(28, 4);
  SampleRandom a(3, 7, 11), b(3, 7, 11), c(3, 8, 11);
  Tensor ya = crop(x, a);
  EXPECT_TRUE(same_bytes(ya, crop(x, b)));
  EXPECT_EQ(ya.sizes(), (Shape{1, 28, 28}));
  bool differs = false;
  for (int64_t epoch = 8; epoch < 20 && !differs; ++epoch) {
    SampleRandom other(3, epoch, 11);
    differs = !same_bytes(ya, crop(x, other));
  }
  EXPECT_TRUE(differs) << "other epochs should crop elsewhere";
}

TEST(RandomCrop, FullSizeWithoutPaddingIsTheIdentity) {
  Tensor x = image(3, 4, 5);
  SampleRandom r(0, 0, 0);
  EXPECT_TRUE(same_bytes(RandomCrop({4, 5}, 0)(x, r), x));
}

TEST(RandomCrop, WorksOnAnyDtypeAndOnTwoDimInputs) {
  Tensor x = arange(12, {.dtype = DType::uint8}).reshape({3, 4});
  SampleRandom r(0, 0, 0);
  Tensor y = RandomCrop(2, 1)(x, r);
  EXPECT_EQ(y.sizes(), (Shape{2, 2}));
  EXPECT_EQ(y.dtype(), DType::uint8);
}

TEST(RandomCrop, CropLargerThanThePaddedInputThrowsShapeError) {
  SampleRandom r(0, 0, 0);
  EXPECT_THROW(RandomCrop(9, 1)(image(1, 6, 6), r), ShapeError);
  EXPECT_THROW(RandomCrop(2)(zeros({5}), r), ShapeError);
  EXPECT_THROW(RandomCrop(0), ValueError);
  EXPECT_THROW(RandomCrop(3, -1), ValueError);
}

// ---- RandomHorizontalFlip --------------------------------------------------------------------

TEST(RandomHorizontalFlip, ProbabilityOneReversesTheLastDim) {
  Tensor x = image(2, 2, 3);
  SampleRandom r(0, 0, 0);
  Tensor y = RandomHorizontalFlip(1.0)(x, r);
  EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10}));
}

TEST(RandomHorizontalFlip, ProbabilityZeroReturnsTheInput) {
  Tensor x = image(1, 2, 3);
  SampleRandom r(0, 0, 0);
  EXPECT_TRUE(RandomHorizontalFlip(0.0)(x, r).is_same(x));
}

TEST(RandomHorizontalFlip, FlipsAboutHalfTheSamplesDeterministically) {
  Tensor x = image(1, 1, 4);
  RandomHorizontalFlip flip;
  int flipped = 0;
  for (int64_t index = 0; index < 2000; ++index) {
    SampleRandom a(42, 0, index), b(42, 0, index);
    Tensor ya = flip(x, a);
    ASSERT_TRUE(same_bytes(ya, flip(x, b)));
    flipped += ya.is_same(x) ? 0 : 1;
  }
  EXPECT_GT(flipped, 900);
  EXPECT_LT(flipped, 1100);
}

TEST(RandomHorizontalFlip, WorksOnEveryElementSize) {
  SampleRandom r(0, 0, 0);
  for (DType t : {DType::uint8, DType::bfloat16, DType::int32, DType::float64}) {
    Tensor x = arange(6).to(t).reshape({2, 3});
    Tensor y = RandomHorizontalFlip(1.0)(x, r);
    EXPECT_EQ(y.dtype(), t);
    EXPECT_EQ(y.to_vector<double>(), (std::vector<double>{2, 1, 0, 5, 4, 3})) << t;
  }
  EXPECT_THROW(RandomHorizontalFlip(1.5), ValueError);
}

// ---- Compose ---------------------------------------------------------------------------------

TEST(Compose, AppliesInOrderSharingTheSampleStream) {
  Tensor x = image(1, 6, 6);
  Compose pipeline({RandomCrop(4, 1), RandomHorizontalFlip(), Normalize({1.0}, {2.0})});
  for (int64_t index = 0; index < 20; ++index) {
    SampleRandom r(5, 2, index), manual(5, 2, index);
    Tensor expected = RandomCrop(4, 1)(x, manual);
    expected = RandomHorizontalFlip()(expected, manual);
    expected = Normalize({1.0}, {2.0})(expected, manual);
    EXPECT_TRUE(same_bytes(pipeline(x, r), expected)) << "index " << index;
  }
}

TEST(Compose, EmptyTransformThrowsValueError) {
  EXPECT_THROW(Compose({RandomHorizontalFlip(), Transform()}), ValueError);
}

}  // namespace
}  // namespace ember::data
