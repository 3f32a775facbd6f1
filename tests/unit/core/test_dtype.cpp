// DType: names and sizes, PyTorch's promotion table, and the float32 <-> bfloat16/float16
// conversions (round to nearest, ties to even; NaN, infinities, subnormals, overflow).
//
// Expected bit patterns were worked out by hand and agree with torch 1.13's .to(bfloat16) /
// .to(float16) on CPU.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "ember/core/dtype.h"
#include "ember/core/error.h"

namespace ember {
namespace {

constexpr DType kAll[] = {DType::float32, DType::float64, DType::bfloat16,
                          DType::float16, DType::int64,   DType::int32,
                          DType::int8,    DType::uint8,   DType::boolean};

float from_bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

uint16_t bf16_bits(float f) { return BFloat16(f).bits; }
uint16_t half_bits(float f) { return Half(f).bits; }

float bf16_value(uint16_t bits) {
  BFloat16 b;
  b.bits = bits;
  return b;
}

float half_value(uint16_t bits) {
  Half h;
  h.bits = bits;
  return h;
}

// ---- names and sizes ------------------------------------------------------------------------

TEST(DType, NamesAndElementSizes) {
  EXPECT_STREQ(dtype_name(DType::float32), "float32");
  EXPECT_STREQ(dtype_name(DType::bfloat16), "bfloat16");
  EXPECT_STREQ(dtype_name(DType::boolean), "bool");
  const size_t sizes[] = {4, 8, 2, 2, 8, 4, 1, 1, 1};
  for (size_t i = 0; i < std::size(kAll); ++i)
    EXPECT_EQ(element_size(kAll[i]), sizes[i]) << kAll[i];
}

TEST(DType, FromNameAcceptsLongAndShortNames) {
  for (DType t : kAll) EXPECT_EQ(dtype_from_name(dtype_name(t)), t);
  EXPECT_EQ(dtype_from_name("f32"), DType::float32);
  EXPECT_EQ(dtype_from_name("bf16"), DType::bfloat16);
  EXPECT_EQ(dtype_from_name("i64"), DType::int64);
  EXPECT_EQ(dtype_from_name("float"), DType::float32);
}

TEST(DType, FromNameThrowsValueErrorListingTheAcceptedNames) {
  try {
    dtype_from_name("float128");
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("'float128'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("bfloat16"), std::string::npos) << msg;
  }
}

TEST(DType, CategoryPredicates) {
  EXPECT_TRUE(is_floating(DType::bfloat16));
  EXPECT_FALSE(is_floating(DType::int64));
  EXPECT_TRUE(is_integral(DType::uint8));
  EXPECT_FALSE(is_integral(DType::boolean));
  EXPECT_TRUE(is_integral(DType::boolean, /*include_bool=*/true));
  EXPECT_FALSE(is_integral(DType::float32, true));
}

// ---- promotion --------------------------------------------------------------------------------

struct Promotion {
  DType a, b, expected;
};

// torch.promote_types(a, b) for representative pairs of every category.
TEST(DType, PromotionMatchesPyTorch) {
  const Promotion table[] = {
      {DType::boolean, DType::boolean, DType::boolean},
      {DType::boolean, DType::uint8, DType::uint8},
      {DType::boolean, DType::int32, DType::int32},
      {DType::boolean, DType::float16, DType::float16},
      {DType::int8, DType::int32, DType::int32},
      {DType::uint8, DType::int64, DType::int64},
      {DType::int32, DType::int64, DType::int64},
      {DType::int64, DType::float16, DType::float16},  // any float beats any int
      {DType::int64, DType::bfloat16, DType::bfloat16},
      {DType::int32, DType::float32, DType::float32},
      {DType::int64, DType::float64, DType::float64},
      {DType::float16, DType::bfloat16, DType::float32},  // neither holds the other
      {DType::float16, DType::float32, DType::float32},
      {DType::bfloat16, DType::float64, DType::float64},
      {DType::float32, DType::float64, DType::float64},
  };
  for (const auto& p : table) {
    EXPECT_EQ(promote_types(p.a, p.b), p.expected) << p.a << " with " << p.b;
    EXPECT_EQ(promote_types(p.b, p.a), p.expected) << p.b << " with " << p.a;
  }
}

TEST(DType, PromotionOfUint8WithInt8IsInt32BecauseEmberHasNoInt16) {
  // PyTorch gives int16; int32 is the smallest ember dtype that holds both ranges.
  EXPECT_EQ(promote_types(DType::uint8, DType::int8), DType::int32);
  EXPECT_EQ(promote_types(DType::int8, DType::uint8), DType::int32);
}

TEST(DType, PromotionIsSymmetricIdempotentAndNeverLeavesTheWiderCategory) {
  for (DType a : kAll) {
    EXPECT_EQ(promote_types(a, a), a);
    for (DType b : kAll) {
      DType r = promote_types(a, b);
      EXPECT_EQ(r, promote_types(b, a)) << a << " with " << b;
      if (is_floating(a) || is_floating(b)) {
        EXPECT_TRUE(is_floating(r)) << a << " with " << b;
      }
      if (a != DType::boolean && b != DType::boolean) {
        EXPECT_NE(r, DType::boolean);
      }
    }
  }
}

// ---- bfloat16 ---------------------------------------------------------------------------------

TEST(BFloat16, ExactValuesConvertExactly) {
  EXPECT_EQ(bf16_bits(1.0f), 0x3f80);
  EXPECT_EQ(bf16_bits(-2.0f), 0xc000);
  EXPECT_EQ(bf16_bits(0.0f), 0x0000);
  EXPECT_EQ(bf16_bits(-0.0f), 0x8000);
  EXPECT_EQ(bf16_value(0x3f80), 1.0f);
  EXPECT_EQ(bf16_value(0x4049), 3.140625f);
}

TEST(BFloat16, RoundsToNearestTiesToEven) {
  EXPECT_EQ(bf16_bits(from_bits(0x3f808000)), 0x3f80);  // 1 + 2^-8: tie, down to even
  EXPECT_EQ(bf16_bits(from_bits(0x3f818000)), 0x3f82);  // 1 + 3*2^-8: tie, up to even
  EXPECT_EQ(bf16_bits(from_bits(0x3f808001)), 0x3f81);  // just above the tie
  EXPECT_EQ(bf16_bits(from_bits(0x3f807fff)), 0x3f80);  // just below the tie
}

TEST(BFloat16, NanStaysNanAndInfinitiesStayInfinite) {
  EXPECT_TRUE(std::isnan(bf16_value(bf16_bits(std::numeric_limits<float>::quiet_NaN()))));
  // A NaN whose payload lies only in the low 16 bits must not round to infinity.
  EXPECT_TRUE(std::isnan(bf16_value(bf16_bits(from_bits(0x7f800001)))));
  EXPECT_TRUE(std::isnan(bf16_value(bf16_bits(from_bits(0xff800001)))));
  EXPECT_EQ(bf16_bits(std::numeric_limits<float>::infinity()), 0x7f80);
  EXPECT_EQ(bf16_bits(-std::numeric_limits<float>::infinity()), 0xff80);
}

TEST(BFloat16, OverflowRoundsToInfinity) {
  EXPECT_EQ(bf16_bits(std::numeric_limits<float>::max()), 0x7f80);
  EXPECT_EQ(bf16_bits(-std::numeric_limits<float>::max()), 0xff80);
  EXPECT_EQ(bf16_bits(bf16_value(0x7f7f)), 0x7f7f);  // the largest finite bfloat16 survives
}

TEST(BFloat16, SubnormalsRoundLikeNormals) {
  EXPECT_EQ(bf16_bits(from_bits(0x000116c2)), 0x0001);  // ~1e-40
  EXPECT_EQ(bf16_bits(from_bits(0x00008000)), 0x0000);  // tie: down to even 0
  EXPECT_EQ(bf16_bits(from_bits(0x00018000)), 0x0002);  // tie: up to even 2
  EXPECT_EQ(bf16_bits(from_bits(0x80008000)), 0x8000);  // keeps the sign of zero
  EXPECT_EQ(bf16_value(0x0001), from_bits(0x00010000));
}

TEST(BFloat16, EveryBitPatternRoundTripsThroughFloat) {
  for (uint32_t bits = 0; bits <= 0xffff; ++bits) {
    float f = bf16_value(static_cast<uint16_t>(bits));
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(bf16_value(bf16_bits(f)))) << std::hex << bits;
    } else {
      ASSERT_EQ(bf16_bits(f), bits) << std::hex << bits;
    }
  }
}

// ---- float16 ----------------------------------------------------------------------------------

TEST(Half, ExactValuesConvertExactly) {
  EXPECT_EQ(half_bits(1.0f), 0x3c00);
  EXPECT_EQ(half_bits(-2.0f), 0xc000);
  EXPECT_EQ(half_bits(65504.0f), 0x7bff);  // the largest finite half
  EXPECT_EQ(half_bits(-0.0f), 0x8000);
  EXPECT_EQ(half_value(0x3555), 0.333251953125f);
  EXPECT_TRUE(std::signbit(half_value(0x8000)));
}

TEST(Half, RoundsToNearestTiesToEven) {
  EXPECT_EQ(half_bits(1.0f + 0x1p-11f), 0x3c00);      // tie, down to even
  EXPECT_EQ(half_bits(1.0f + 3 * 0x1p-11f), 0x3c02);  // tie, up to even
  EXPECT_EQ(half_bits(1.0f + 0x1p-11f + 0x1p-20f), 0x3c01);
}

TEST(Half, OverflowRoundsToInfinityAtTheHalfwayPoint) {
  EXPECT_EQ(half_bits(65519.0f), 0x7bff);  // below 65520 rounds down to 65504
  EXPECT_EQ(half_bits(65519.99f), 0x7bff);
  EXPECT_EQ(half_bits(65520.0f), 0x7c00);  // the tie rounds to even: infinity
  EXPECT_EQ(half_bits(1e6f), 0x7c00);
  EXPECT_EQ(half_bits(-1e6f), 0xfc00);
  EXPECT_EQ(half_bits(std::numeric_limits<float>::infinity()), 0x7c00);
  EXPECT_EQ(half_value(0x7c00), std::numeric_limits<float>::infinity());
  EXPECT_EQ(half_value(0xfc00), -std::numeric_limits<float>::infinity());
}

TEST(Half, NanStaysNan) {
  EXPECT_TRUE(std::isnan(half_value(half_bits(std::numeric_limits<float>::quiet_NaN()))));
  EXPECT_TRUE(std::isnan(half_value(half_bits(from_bits(0x7f800001)))));
  EXPECT_TRUE(std::isnan(half_value(0x7e00)));
  EXPECT_TRUE(std::isnan(half_value(0x7c01)));
}

TEST(Half, SubnormalsRoundToNearestEven) {
  EXPECT_EQ(half_bits(0x1p-24f), 0x0001);  // the smallest subnormal
  EXPECT_EQ(half_bits(-0x1p-24f), 0x8001);
  EXPECT_EQ(half_bits(0x1p-25f), 0x0000);         // tie between 0 and 1: to even 0
  EXPECT_EQ(half_bits(1.5f * 0x1p-24f), 0x0002);  // tie between 1 and 2: to even 2
  EXPECT_EQ(half_bits(0x1p-25f * 1.0000001f), 0x0001);
  EXPECT_EQ(half_bits(0x1p-26f), 0x0000);
  EXPECT_EQ(half_bits(1023.0f * 0x1p-24f), 0x03ff);  // the largest subnormal
  EXPECT_EQ(half_bits(1023.5f * 0x1p-24f), 0x0400);  // rounds up into the normals
  EXPECT_EQ(half_bits(0x1p-14f), 0x0400);            // the smallest normal
  EXPECT_EQ(half_value(0x0001), 0x1p-24f);
  EXPECT_EQ(half_value(0x03ff), 1023.0f * 0x1p-24f);
}

TEST(Half, EveryBitPatternRoundTripsThroughFloat) {
  for (uint32_t bits = 0; bits <= 0xffff; ++bits) {
    float f = half_value(static_cast<uint16_t>(bits));
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(half_value(half_bits(f)))) << std::hex << bits;
    } else {
      ASSERT_EQ(half_bits(f), bits) << std::hex << bits;
    }
  }
}

}  // namespace
}  // namespace ember
