// Tensor basics: factories, metadata, views share storage, dtype promotion.
#include <gtest/gtest.h>

#include "ember/ember.h"

namespace ember {
namespace {

TEST(Tensor, ZerosHasShapeDtypeAndValues) {
  Tensor t = zeros({2, 3});
  EXPECT_EQ(t.sizes(), (Shape{2, 3}));
  EXPECT_EQ(t.dtype(), DType::float32);
  EXPECT_TRUE(t.is_contiguous());
  for (float v : t.to_vector<float>()) EXPECT_EQ(v, 0.0f);
}

TEST(Tensor, ArangeIsInt64ForIntegerArguments) {
  Tensor t = arange(5);
  EXPECT_EQ(t.dtype(), DType::int64);
  EXPECT_EQ(t.to_vector<int64_t>(), (std::vector<int64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(arange(0.0, 1.0, 0.25).dtype(), DType::float32);
}

TEST(Tensor, TransposeIsAViewSharingStorage) {
  Tensor a = arange(6).reshape({2, 3});
  Tensor t = a.t();
  EXPECT_EQ(t.sizes(), (Shape{3, 2}));
  EXPECT_FALSE(t.is_contiguous());
  EXPECT_EQ(t.storage().get(), a.storage().get());
  EXPECT_EQ(t.contiguous().to_vector<int64_t>(), (std::vector<int64_t>{0, 3, 1, 4, 2, 5}));
}

TEST(Tensor, BroadcastAddMatchesHandComputedValues) {
  Tensor a = tensor({1.f, 2.f, 3.f}).reshape({3, 1});
  Tensor b = tensor({10.f, 20.f});
  Tensor c = a + b;
  EXPECT_EQ(c.sizes(), (Shape{3, 2}));
  EXPECT_EQ(c.to_vector<float>(), (std::vector<float>{11, 21, 12, 22, 13, 23}));
}

TEST(Tensor, IntegerTensorPlusFloatScalarPromotesToFloat32) {
  Tensor a = arange(3);
  EXPECT_EQ((a + 1).dtype(), DType::int64);
  EXPECT_EQ((a + 1.5).dtype(), DType::float32);
  EXPECT_EQ((a / 2).dtype(), DType::float32);
}

TEST(Tensor, ViewThrowsShapeErrorWhenNotCompatible) {
  Tensor a = zeros({2, 3}).t();
  EXPECT_THROW(a.view({6}), ShapeError);
  EXPECT_EQ(a.reshape({6}).sizes(), (Shape{6}));
}

}  // namespace
}  // namespace ember
