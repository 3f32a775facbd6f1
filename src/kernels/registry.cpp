// Backend selection and the one-time filling of the kernel tables.
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember {

namespace {
Backend initial_backend() {
  const char* env = std::getenv("EMBER_BACKEND");
  if (env == nullptr || std::strcmp(env, "cpu") == 0 || *env == '\0') return Backend::cpu;
  if (std::strcmp(env, "ref") == 0) return Backend::ref;
  EMBER_THROW(ValueError, "EMBER_BACKEND: expected 'cpu' or 'ref', got '", env, "'");
}
std::atomic<Backend>& backend_slot() {
  static std::atomic<Backend> b{initial_backend()};
  return b;
}
}  // namespace

const char* backend_name(Backend b) {
  switch (b) {
    case Backend::ref: return "ref";
    case Backend::cpu: return "cpu";
    case Backend::cuda: return "cuda";
  }
  return "?";
}

Backend cpu_backend() { return backend_slot().load(std::memory_order_relaxed); }

void set_cpu_backend(Backend b) {
  EMBER_CHECK(b != Backend::cuda, "set_cpu_backend: expected ref or cpu, got cuda");
  backend_slot().store(b, std::memory_order_relaxed);
}

namespace kernels {

void ensure_registered() {
  static std::once_flag once;
  std::call_once(once, [] {
    ref::register_kernels();
    cpu::register_kernels();
  });
}

}  // namespace kernels
}  // namespace ember
