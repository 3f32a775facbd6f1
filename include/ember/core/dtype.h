// Element types: the DType enum, the two 16-bit float storage types, and promotion.
//
// bfloat16 and float16 are storage formats: ops upcast them to float32, compute, and round
// back (round-to-nearest-even), as PyTorch does on CPU. Promotion follows PyTorch's
// categories bool < integer < floating.
#pragma once

#include <cstdint>
#include <cstring>
#include <ostream>
#include <string_view>

namespace ember {

enum class DType : uint8_t { float32, float64, bfloat16, float16, int64, int32, int8, uint8, boolean };

inline constexpr DType kDefaultFloat = DType::float32;

/// bfloat16: the top 16 bits of an IEEE float32.
struct BFloat16 {
  uint16_t bits = 0;
  BFloat16() = default;
  BFloat16(float f) : bits(from_float(f)) {}  // NOLINT: implicit like a built-in float
  operator float() const {                     // NOLINT
    uint32_t u = static_cast<uint32_t>(bits) << 16;
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
  }
  static uint16_t from_float(float f) {
    uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 0x40u);  // quiet NaN
    u += 0x7fffu + ((u >> 16) & 1u);  // round to nearest, ties to even
    return static_cast<uint16_t>(u >> 16);
  }
};

/// IEEE 754 binary16.
struct Half {
  uint16_t bits = 0;
  Half() = default;
  Half(float f) : bits(from_float(f)) {}  // NOLINT
  operator float() const;                 // NOLINT
  static uint16_t from_float(float f);
};

const char* dtype_name(DType t);
size_t element_size(DType t);
inline bool is_floating(DType t) {
  return t == DType::float32 || t == DType::float64 || t == DType::bfloat16 || t == DType::float16;
}
/// bfloat16 or float16: stored in 16 bits, computed in float32 (as PyTorch's CPU kernels do).
inline bool is_half(DType t) { return t == DType::bfloat16 || t == DType::float16; }
/// The dtype a kernel computes in for data of dtype t: float32 for the 16-bit floats.
inline DType compute_dtype(DType t) { return is_half(t) ? DType::float32 : t; }
inline bool is_integral(DType t, bool include_bool = false) {
  return t == DType::int64 || t == DType::int32 || t == DType::int8 || t == DType::uint8 ||
         (include_bool && t == DType::boolean);
}
/// The dtype of an op on operands of dtypes a and b (PyTorch's promote_types).
DType promote_types(DType a, DType b);
/// Parses "float32", "f32", "bfloat16", ... ; throws ValueError listing the accepted names.
DType dtype_from_name(std::string_view name);

inline std::ostream& operator<<(std::ostream& os, DType t) { return os << dtype_name(t); }

template <typename T>
constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return DType::float32; }
template <> constexpr DType dtype_of<double>() { return DType::float64; }
template <> constexpr DType dtype_of<BFloat16>() { return DType::bfloat16; }
template <> constexpr DType dtype_of<Half>() { return DType::float16; }
template <> constexpr DType dtype_of<int64_t>() { return DType::int64; }
template <> constexpr DType dtype_of<int32_t>() { return DType::int32; }
template <> constexpr DType dtype_of<int8_t>() { return DType::int8; }
template <> constexpr DType dtype_of<uint8_t>() { return DType::uint8; }
template <> constexpr DType dtype_of<bool>() { return DType::boolean; }

}  // namespace ember
