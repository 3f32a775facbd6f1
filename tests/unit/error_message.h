// The message of the exception a statement throws, for tests that check an error's type and
// wording in one comparison, and a check that a message contains a phrase.
#pragma once

#include <gtest/gtest.h>

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

/// Checks that haystack (anything a std::string is made from) contains needle.
#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << (haystack)
