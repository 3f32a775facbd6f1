// Thread-count configuration.
#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>

#include "ember/core/error.h"
#include "core/thread_pool.h"
#include "ember/core/parallel.h"

namespace ember {

namespace {
int initial_threads() {
  if (const char* env = std::getenv("EMBER_NUM_THREADS")) {
    try {
      int n = std::stoi(env);
      if (n >= 1) return n;
    } catch (const std::exception&) {
    }
    // A bad value must not silently become some other thread count.
    EMBER_THROW(ValueError, "EMBER_NUM_THREADS: expected a positive integer, got '", env, "'");
  }
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

std::atomic<int>& thread_count() {
  static std::atomic<int> n{initial_threads()};
  return n;
}
}  // namespace

int num_threads() { return thread_count().load(std::memory_order_relaxed); }

void set_num_threads(int n) {
  EMBER_CHECK(n >= 1, "set_num_threads: expected n >= 1, got ", n);
  thread_count().store(n, std::memory_order_relaxed);
}

bool in_parallel_region() { return detail::in_pool_job(); }

}  // namespace ember
