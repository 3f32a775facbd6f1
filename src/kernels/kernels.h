// The kernel tables: one per op in ops.def, each holding a reference, a fast CPU and
// (optionally) a CUDA function pointer of the op's kernel signature.
//
// An op's front door calls `kernels::add.get(device)(a, b, out)`. get() picks the CUDA
// kernel for CUDA tensors and, for CPU tensors, the reference or fast kernel according to
// cpu_backend(). Tables are filled explicitly by register_ref_kernels() /
// register_cpu_kernels() on first use (std::call_once), never by static initialisers.
#pragma once

#include <array>
#include <string>

#include "ember/core/backend.h"
#include "ember/core/error.h"
#include "ember/core/tensor.h"
#include "kernels/signatures.h"

namespace ember::kernels {

void ensure_registered();

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
  Fn* get(Backend b) const {
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
  /// The kernel for tensors on `device`.
  Fn* get(Device device) const {
    return get(device.is_cuda() ? Backend::cuda : cpu_backend());
  }

 private:
  const char* name_;
  std::array<Fn*, 3> fns_{};
};

#define EMBER_KERNEL_OP(name, sig, grad) inline KernelTable<sig> name{#name};
#include "ember/core/ops.def"

}  // namespace ember::kernels
