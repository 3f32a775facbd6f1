// select(take, a, b): `take ? a : b` without a branch, for data-dependent choices (which tap
// of a max window wins, which elements a mask keeps). GCC turns a plain ?: on floating values
// into a branch, mispredicted about every other element on random data; on integer bits it
// stays branch-free, and contiguous loops of it vectorise.
#pragma once

#include <bit>
#include <cstdint>
#include <type_traits>

namespace ember::cpu {

template <typename T>
inline T select(bool take, T a, T b) {
  if constexpr (std::is_integral_v<T> && sizeof(T) >= 4) {
    const T mask = T(0) - static_cast<T>(take);
    return (a & mask) | (b & ~mask);
  } else if constexpr (std::is_floating_point_v<T> && (sizeof(T) == 4 || sizeof(T) == 8)) {
    using Bits = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;
    const Bits mask = Bits(0) - static_cast<Bits>(take);
    return std::bit_cast<T>(static_cast<Bits>((std::bit_cast<Bits>(a) & mask) |
                                              (std::bit_cast<Bits>(b) & ~mask)));
  } else {
    return take ? a : b;
  }
}

}  // namespace ember::cpu
