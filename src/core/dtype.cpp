// DType names, sizes, promotion and the float16 conversions.
#include "ember/core/dtype.h"

#include <array>
#include <string>

#include "ember/core/error.h"

namespace ember {

namespace {
struct DTypeInfo {
  DType type;
  const char* name;
  const char* short_name;
  size_t size;
};
constexpr std::array<DTypeInfo, 9> kInfo{{
    {DType::float32, "float32", "f32", 4},
    {DType::float64, "float64", "f64", 8},
    {DType::bfloat16, "bfloat16", "bf16", 2},
    {DType::float16, "float16", "f16", 2},
    {DType::int64, "int64", "i64", 8},
    {DType::int32, "int32", "i32", 4},
    {DType::int8, "int8", "i8", 1},
    {DType::uint8, "uint8", "u8", 1},
    {DType::boolean, "bool", "bool", 1},
}};

// Rank inside a category: a wider type wins; bfloat16 and float16 together give float32.
int float_rank(DType t) {
  switch (t) {
    case DType::float16: return 1;
    case DType::bfloat16: return 1;
    case DType::float32: return 2;
    case DType::float64: return 3;
    default: return 0;
  }
}
int int_rank(DType t) {
  switch (t) {
    case DType::uint8: return 1;
    case DType::int8: return 1;
    case DType::int32: return 3;
    case DType::int64: return 4;
    default: return 0;
  }
}
}  // namespace

const char* dtype_name(DType t) { return kInfo[static_cast<size_t>(t)].name; }
size_t element_size(DType t) { return kInfo[static_cast<size_t>(t)].size; }

DType dtype_from_name(std::string_view name) {
  std::string names;
  for (const auto& i : kInfo) {
    if (name == i.name || name == i.short_name) return i.type;
    names += names.empty() ? "" : ", ";
    names += i.name;
  }
  if (name == "float" || name == "boolean") return name == "float" ? DType::float32 : DType::boolean;
  EMBER_THROW(ValueError, "dtype: unknown name '", name, "'; expected one of ", names);
}

DType promote_types(DType a, DType b) {
  if (a == b) return a;
  if (is_floating(a) || is_floating(b)) {
    if (!is_floating(a)) return b;
    if (!is_floating(b)) return a;
    int ra = float_rank(a), rb = float_rank(b);
    if (ra == rb) return DType::float32;  // bfloat16 with float16
    return ra > rb ? a : b;
  }
  if (a == DType::boolean) return b;
  if (b == DType::boolean) return a;
  // uint8 with int8 needs int16, which ember lacks; PyTorch gives int16, we give int32.
  int ra = int_rank(a), rb = int_rank(b);
  if (ra == rb) return DType::int32;
  return ra > rb ? a : b;
}

Half::operator float() const {
  uint32_t sign = (bits & 0x8000u) << 16;
  uint32_t exp = (bits >> 10) & 0x1fu;
  uint32_t mant = bits & 0x3ffu;
  uint32_t u;
  if (exp == 0) {
    if (mant == 0) {
      u = sign;
    } else {  // subnormal: normalise
      int e = -1;
      do {
        ++e;
        mant <<= 1;
      } while ((mant & 0x400u) == 0);
      u = sign | (static_cast<uint32_t>(127 - 15 - e) << 23) | ((mant & 0x3ffu) << 13);
    }
  } else if (exp == 31) {
    u = sign | 0x7f800000u | (mant << 13);
  } else {
    u = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

uint16_t Half::from_float(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  uint32_t sign = (u >> 16) & 0x8000u;
  uint32_t abs = u & 0x7fffffffu;
  if (abs > 0x7f800000u) return static_cast<uint16_t>(sign | 0x7e00u);  // NaN
  if (abs >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // overflow to inf
  if (abs < 0x38800000u) {  // subnormal or zero in half: scale with float arithmetic
    float a;
    std::memcpy(&a, &abs, sizeof a);
    // 2^-24 is half's smallest subnormal; adding 0.5 and rounding to even via rint semantics.
    float scaled = a * 16777216.0f;  // a / 2^-24
    uint32_t m = static_cast<uint32_t>(scaled);
    float rem = scaled - static_cast<float>(m);
    if (rem > 0.5f || (rem == 0.5f && (m & 1u))) ++m;
    return static_cast<uint16_t>(sign | m);
  }
  uint32_t mant_odd = (abs >> 13) & 1u;
  abs += 0xfffu + mant_odd;  // round to nearest even at bit 13
  uint32_t h = ((abs >> 13) - (112u << 10));
  return static_cast<uint16_t>(sign | h);
}

}  // namespace ember
