// The message of the exception a statement throws, for tests that check an error's type and
// wording in one comparison.
#pragma once

#include <string>
#include <utility>

namespace ember {

/// The what() of the E that f() throws, or a note (which matches no expected message) when it
/// throws none. Another exception type propagates and fails the test with its own message.
template <typename E, typename F>
std::string message_of(F&& f) {
  try {
    std::forward<F>(f)();
  } catch (const E& e) {
    return e.what();
  }
  return "<no exception of the expected type>";
}

}  // namespace ember
