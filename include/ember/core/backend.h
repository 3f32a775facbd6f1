// Which CPU kernels run: the fast ones (default) or the plain-loop references.
//
// EMBER_BACKEND=ref switches a whole program to the reference kernels; tests use
// BackendGuard to compare the two on the same inputs.
#pragma once

namespace ember {

enum class Backend { ref, cpu, cuda };

const char* backend_name(Backend b);
/// The backend that CPU tensors dispatch to (ref or cpu).
Backend cpu_backend();
void set_cpu_backend(Backend b);

/// Sets the CPU backend for a scope, restoring the previous one on exit.
class BackendGuard {
 public:
  explicit BackendGuard(Backend b) : previous_(cpu_backend()) { set_cpu_backend(b); }
  ~BackendGuard() { set_cpu_backend(previous_); }
  BackendGuard(const BackendGuard&) = delete;
  BackendGuard& operator=(const BackendGuard&) = delete;

 private:
  Backend previous_;
};

}  // namespace ember
