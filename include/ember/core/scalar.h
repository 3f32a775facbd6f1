// Scalar: a number passed to an op next to tensors (t + 1, clamp(x, 0.0, 6.0)).
//
// It remembers whether it was written as an integer, a float or a bool, because PyTorch's
// promotion depends on that: int_tensor + 1 stays int64, int_tensor + 1.5 becomes float32.
#pragma once

#include <cstdint>
#include <type_traits>

namespace ember {

class Scalar {
 public:
  enum class Kind : uint8_t { integral, floating, boolean };

  template <typename T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>
  Scalar(T v) {  // NOLINT: implicit, like a number literal
    if constexpr (std::is_same_v<T, bool>) {
      kind_ = Kind::boolean;
      i_ = v ? 1 : 0;
      d_ = static_cast<double>(i_);
    } else if constexpr (std::is_integral_v<T>) {
      kind_ = Kind::integral;
      i_ = static_cast<int64_t>(v);
      d_ = static_cast<double>(v);
    } else {
      kind_ = Kind::floating;
      d_ = static_cast<double>(v);
      i_ = static_cast<int64_t>(v);
    }
  }

  Kind kind() const { return kind_; }
  bool is_floating() const { return kind_ == Kind::floating; }
  bool is_integral() const { return kind_ == Kind::integral; }
  bool is_boolean() const { return kind_ == Kind::boolean; }
  double to_double() const { return d_; }
  int64_t to_int() const { return i_; }

 private:
  Kind kind_ = Kind::integral;
  double d_ = 0;
  int64_t i_ = 0;
};

}  // namespace ember
