// Storage: a reference-counted, 64-byte-aligned byte buffer on one device.
//
// Tensors that are views of one another share a Storage. The storage also carries the
// version counter that autograd uses to detect in-place changes to saved tensors: every
// in-place op bumps it, so a change through any view is seen by all of them.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "ember/core/device.h"

namespace ember {

class StorageImpl {
 public:
  /// Allocates nbytes (uninitialised), aligned to kAlignment.
  StorageImpl(size_t nbytes, Device device);
  /// Wraps memory owned elsewhere; `deleter` (may be empty) runs when the storage dies.
  StorageImpl(void* data, size_t nbytes, Device device, std::function<void(void*)> deleter);
  ~StorageImpl();
  StorageImpl(const StorageImpl&) = delete;
  StorageImpl& operator=(const StorageImpl&) = delete;

  void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }
  Device device() const { return device_; }
  uint64_t version() const { return version_.load(std::memory_order_relaxed); }
  void bump_version() { version_.fetch_add(1, std::memory_order_relaxed); }

  static constexpr size_t kAlignment = 64;

 private:
  void* data_ = nullptr;
  size_t nbytes_ = 0;
  Device device_;
  std::function<void(void*)> deleter_;
  std::atomic<uint64_t> version_{0};
};

using Storage = std::shared_ptr<StorageImpl>;

}  // namespace ember
