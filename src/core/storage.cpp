// Aligned host allocation for Storage.
#include "ember/core/storage.h"

#include <cstdlib>
#include <new>

#include "ember/core/error.h"

namespace ember {

StorageImpl::StorageImpl(size_t nbytes, Device device) : nbytes_(nbytes), device_(device) {
  EMBER_CHECK_DEVICE(device.is_cpu(), "storage: cannot allocate on ", device,
                     ": this build has no CUDA backend (configure with -DEMBER_CUDA=ON)");
  size_t rounded = (nbytes + kAlignment - 1) / kAlignment * kAlignment;
  if (rounded == 0) rounded = kAlignment;
  data_ = std::aligned_alloc(kAlignment, rounded);
  if (data_ == nullptr) {
    EMBER_THROW(Error, "storage: out of memory allocating ", nbytes, " bytes");
  }
  deleter_ = [](void* p) { std::free(p); };
}

StorageImpl::StorageImpl(void* data, size_t nbytes, Device device,
                         std::function<void(void*)> deleter)
    : data_(data), nbytes_(nbytes), device_(device), deleter_(std::move(deleter)) {}

StorageImpl::~StorageImpl() {
  if (deleter_) deleter_(data_);
}

}  // namespace ember
