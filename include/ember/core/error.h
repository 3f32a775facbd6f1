// Exception types and the checks that throw them.
//
// Every error ember raises derives from ember::Error. EMBER_CHECK* report a caller's
// mistake (bad shape, dtype, value); EMBER_ASSERT reports a bug inside ember. Messages
// follow "<op>: expected <condition>, got <values>".
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace ember {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};
class ValueError : public Error {
 public:
  using Error::Error;
};
class ShapeError : public Error {
 public:
  using Error::Error;
};
class DTypeError : public Error {
 public:
  using Error::Error;
};
class DeviceError : public Error {
 public:
  using Error::Error;
};
class IndexError : public ValueError {
 public:
  using ValueError::ValueError;
};
class NotImplementedError : public Error {
 public:
  using Error::Error;
};
class IoError : public Error {
 public:
  using Error::Error;
};
class InternalError : public Error {
 public:
  using Error::Error;
};

namespace detail {
template <typename... Args>
std::string str_cat(Args&&... args) {
  std::ostringstream os;
  (os << ... << std::forward<Args>(args));
  return os.str();
}
}  // namespace detail

}  // namespace ember

#define EMBER_THROW(Type, ...) throw ::ember::Type(::ember::detail::str_cat(__VA_ARGS__))

#define EMBER_CHECK_TYPED(Type, cond, ...) \
  do {                                     \
    if (!(cond)) [[unlikely]] {            \
      EMBER_THROW(Type, __VA_ARGS__);      \
    }                                      \
  } while (false)

#define EMBER_CHECK(cond, ...) EMBER_CHECK_TYPED(ValueError, cond, __VA_ARGS__)
#define EMBER_CHECK_SHAPE(cond, ...) EMBER_CHECK_TYPED(ShapeError, cond, __VA_ARGS__)
#define EMBER_CHECK_DTYPE(cond, ...) EMBER_CHECK_TYPED(DTypeError, cond, __VA_ARGS__)
#define EMBER_CHECK_INDEX(cond, ...) EMBER_CHECK_TYPED(IndexError, cond, __VA_ARGS__)
#define EMBER_CHECK_DEVICE(cond, ...) EMBER_CHECK_TYPED(DeviceError, cond, __VA_ARGS__)
#define EMBER_CHECK_IO(cond, ...) EMBER_CHECK_TYPED(IoError, cond, __VA_ARGS__)

#define EMBER_ASSERT(cond, ...)                                                            \
  EMBER_CHECK_TYPED(InternalError, cond, "internal error at ", __FILE__, ":", __LINE__, \
                    " (", #cond, "): ", ##__VA_ARGS__)
