// Host allocation for Storage, through the caching allocator (ember/core/allocator.h).
#include "ember/core/storage.h"

#include "ember/core/allocator.h"
#include "ember/core/error.h"

namespace ember {

static_assert(CachingAllocator::kAlignment == StorageImpl::kAlignment);

StorageImpl::StorageImpl(size_t nbytes, Device device) : nbytes_(nbytes), device_(device) {
  EMBER_CHECK_DEVICE(device.is_cpu(), "storage: cannot allocate on ", device,
                     ": this build has no CUDA backend (configure with -DEMBER_CUDA=ON)");
  data_ = cpu_allocator().allocate(nbytes);
  deleter_ = [nbytes](void* p) { cpu_allocator().deallocate(p, nbytes); };
}

StorageImpl::StorageImpl(void* data, size_t nbytes, Device device,
                         std::function<void(void*)> deleter)
    : data_(data), nbytes_(nbytes), device_(device), deleter_(std::move(deleter)) {}

StorageImpl::~StorageImpl() {
  if (deleter_) deleter_(data_);
}

}  // namespace ember
