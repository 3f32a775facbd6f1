// dtype dispatch: turns a runtime DType into a compile-time element type, once per kernel
// entry, so a kernel body is written once as a template instead of _f32/_f64 twins.
//
//   dispatch_floating(x.dtype(), "gelu", [&]<typename T>() { gelu_loop(x.data<T>(), ...); });
//
// Each helper lists the dtypes it accepts; any other dtype throws NotImplementedError that
// names the op and the accepted dtypes.
#pragma once

#include <cstdint>

#include "ember/core/dtype.h"
#include "ember/core/error.h"

namespace ember {

/// The accumulation type of an element type: double for float64, float for narrower floats,
/// int64 for integers.
template <typename T>
struct acc_type {
  using type = float;
};
template <>
struct acc_type<double> {
  using type = double;
};
template <>
struct acc_type<int64_t> {
  using type = int64_t;
};
template <>
struct acc_type<int32_t> {
  using type = int64_t;
};
template <>
struct acc_type<int8_t> {
  using type = int64_t;
};
template <>
struct acc_type<uint8_t> {
  using type = int64_t;
};
template <>
struct acc_type<bool> {
  using type = int64_t;
};
template <typename T>
using acc_t = typename acc_type<T>::type;

/// float32, float64.
template <typename F>
decltype(auto) dispatch_floating(DType t, const char* op, F&& f) {
  switch (t) {
    case DType::float32: return f.template operator()<float>();
    case DType::float64: return f.template operator()<double>();
    default:
      EMBER_THROW(NotImplementedError, op, ": no kernel for dtype ", t,
                  "; available: float32, float64");
  }
}

/// float32, float64, int64, int32, int8, uint8.
template <typename F>
decltype(auto) dispatch_numeric(DType t, const char* op, F&& f) {
  switch (t) {
    case DType::float32: return f.template operator()<float>();
    case DType::float64: return f.template operator()<double>();
    case DType::int64: return f.template operator()<int64_t>();
    case DType::int32: return f.template operator()<int32_t>();
    case DType::int8: return f.template operator()<int8_t>();
    case DType::uint8: return f.template operator()<uint8_t>();
    default:
      EMBER_THROW(NotImplementedError, op, ": no kernel for dtype ", t,
                  "; available: float32, float64, int64, int32, int8, uint8");
  }
}

/// Every dtype, the 16-bit floats included (for copies, fills and comparisons).
template <typename F>
decltype(auto) dispatch_all(DType t, const char* op, F&& f) {
  switch (t) {
    case DType::float32: return f.template operator()<float>();
    case DType::float64: return f.template operator()<double>();
    case DType::bfloat16: return f.template operator()<BFloat16>();
    case DType::float16: return f.template operator()<Half>();
    case DType::int64: return f.template operator()<int64_t>();
    case DType::int32: return f.template operator()<int32_t>();
    case DType::int8: return f.template operator()<int8_t>();
    case DType::uint8: return f.template operator()<uint8_t>();
    case DType::boolean: return f.template operator()<bool>();
  }
  EMBER_THROW(InternalError, op, ": unknown dtype");
}

/// Converts between element types through float for the 16-bit floats.
template <typename To, typename From>
inline To convert(From v) {
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (std::is_same_v<To, bool>) {
    return static_cast<float>(v) != 0.0f;
  } else if constexpr (std::is_same_v<From, BFloat16> || std::is_same_v<From, Half>) {
    return static_cast<To>(static_cast<float>(v));
  } else if constexpr (std::is_same_v<To, BFloat16> || std::is_same_v<To, Half>) {
    return To(static_cast<float>(v));
  } else {
    return static_cast<To>(v);
  }
}

}  // namespace ember
