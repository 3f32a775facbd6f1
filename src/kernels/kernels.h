// The kernel tables: one per op in ops.def, each holding a reference, a fast CPU and
// (optionally) a CUDA function pointer of the op's kernel signature.
//
// An op's front door calls `kernels::add.get(device)(a, b, out)`. get() picks the CUDA
// kernel for CUDA tensors and, for CPU tensors, the reference or fast kernel according to
// cpu_backend(). Tables are filled explicitly by register_ref_kernels() /
// register_cpu_kernels() on first use (std::call_once), never by static initialisers.
// get() returns a KernelCall, through which every launch passes: the profiler's kernel events
// come from there.
#pragma once

#include <array>
#include <string>
#include <utility>

#include "ember/core/backend.h"
#include "ember/core/error.h"
#include "ember/core/profiler.h"
#include "ember/core/tensor.h"
#include "kernels/signatures.h"

namespace ember::kernels {

void ensure_registered();

/// A kernel ready to launch: calls it and, while the profiler records, times the call as an
/// event named after the op. With the profiler off the cost over calling the function pointer
/// is one relaxed atomic load.
template <typename Fn>
class KernelCall;

template <typename R, typename... Args>
class KernelCall<R(Args...)> {
 public:
  KernelCall(const char* name, R (*fn)(Args...)) : name_(name), fn_(fn) {}

  R operator()(Args... args) const {
    if (profiler::is_enabled()) [[unlikely]] {
      profiler::Scope scope(name_);
      return fn_(std::forward<Args>(args)...);
    }
    return fn_(std::forward<Args>(args)...);
  }

 private:
  const char* name_;
  R (*fn_)(Args...);
};

template <typename Fn>
class KernelTable {
 public:
  explicit constexpr KernelTable(const char* name) : name_(name) {}

  const char* name() const { return name_; }
  void set(Backend b, Fn* fn) { fns_[static_cast<size_t>(b)] = fn; }
  bool has(Backend b) const {
    ensure_registered();
    return fns_[static_cast<size_t>(b)] != nullptr;
  }
  /// The kernel for backend b; NotImplementedError (listing what exists) when absent.
  KernelCall<Fn> get(Backend b) const { return {name_, lookup(b)}; }
  /// The kernel for tensors on `device`.
  KernelCall<Fn> get(Device device) const {
    return get(device.is_cuda() ? Backend::cuda : cpu_backend());
  }

 private:
  Fn* lookup(Backend b) const {
    ensure_registered();
    Fn* fn = fns_[static_cast<size_t>(b)];
    if (fn == nullptr) [[unlikely]] {
      std::string have;
      for (Backend x : {Backend::ref, Backend::cpu, Backend::cuda}) {
        if (fns_[static_cast<size_t>(x)] != nullptr) {
          have += (have.empty() ? "" : ", ");
          have += backend_name(x);
        }
      }
      EMBER_THROW(NotImplementedError, name_, " has no ", backend_name(b),
                  " kernel; available: ", have.empty() ? "none" : have);
    }
    return fn;
  }

  const char* name_;
  std::array<Fn*, 3> fns_{};
};

#define EMBER_KERNEL_OP(name, sig, grad) inline KernelTable<sig> name{#name};
#include "ember/core/ops.def"

}  // namespace ember::kernels
