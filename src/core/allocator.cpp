// The caching CPU allocator (see include/ember/core/allocator.h).
//
// Note [Allocator size classes]
// A freed block is reused only by a request of the same size class, so the classes decide
// both how often the cache hits and how much memory it wastes:
//   - up to 64 KiB: powers of two from 64 bytes. Small tensors (biases, norms' statistics,
//     scalars) come in many slightly different sizes; rounding them to a few classes lets them
//     share blocks. The waste is under half of the block and under 32 KiB in absolute terms.
//   - above 64 KiB: multiples of 64 KiB. Powers of two would waste up to half of every large
//     activation; 64 KiB steps waste under 64 KiB per block (under 1% from 8 MiB up). The
//     price is that two large requests share a class only when they are within 64 KiB of each
//     other, which training's repeated shapes satisfy but varying shapes (a new sequence length
//     every batch) do not: then every new size is a miss and the cache keeps the old blocks
//     until empty_cache(). Best-fit reuse of bigger blocks, or splitting them as PyTorch's
//     CUDA allocator does, would bound that at the cost of a size map and of fragmentation.
#include "ember/core/allocator.h"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <iomanip>
#include <new>
#include <sstream>

#include "ember/core/error.h"

namespace ember {

namespace {

// Larger requests cannot be rounded up without overflowing and no system can satisfy them.
constexpr size_t kMaxRequest = size_t{1} << 62;

size_t round_up(size_t n, size_t multiple) { return (n + multiple - 1) / multiple * multiple; }

bool caching_from_env() {
  const char* env = std::getenv("EMBER_ALLOCATOR");
  if (env == nullptr || *env == '\0' || std::strcmp(env, "caching") == 0) return true;
  if (std::strcmp(env, "system") == 0) return false;
  EMBER_THROW(ValueError, "EMBER_ALLOCATOR: expected 'caching' or 'system', got '", env, "'");
}

std::string format_bytes(int64_t bytes) {
  static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024.0 && u < 4) {
    v /= 1024.0;
    ++u;
  }
  std::ostringstream os;
  os << std::fixed << std::setprecision(u == 0 ? 0 : 1) << v << " " << units[u];
  return os.str();
}

}  // namespace

std::string to_string(const AllocatorStats& s) {
  std::ostringstream os;
  os << "allocator (" << (s.is_caching ? "caching" : "system") << "): in use "
     << format_bytes(s.bytes_in_use) << ", peak " << format_bytes(s.peak_bytes_in_use)
     << ", reserved " << format_bytes(s.bytes_reserved) << " (" << format_bytes(s.bytes_cached())
     << " cached)\n";
  double hit_rate = s.allocations > 0 ? 100.0 * static_cast<double>(s.cache_hits) /
                                            static_cast<double>(s.allocations)
                                      : 0.0;
  os << "allocations: " << s.allocations << " (" << s.cache_hits << " cache hits, "
     << s.cache_misses << " misses, hit rate " << std::fixed << std::setprecision(1) << hit_rate
     << "%)\n";
  return os.str();
}

CachingAllocator::CachingAllocator(AllocatorOptions options) : use_cache_(options.use_cache) {
  stats_.is_caching = use_cache_;
}

CachingAllocator::~CachingAllocator() { release_cached_locked(); }

size_t CachingAllocator::size_class(size_t nbytes) {
  if (nbytes <= kAlignment) return kAlignment;
  if (nbytes <= kSmallLimit) return std::bit_ceil(nbytes);
  return round_up(nbytes, kLargeGranularity);
}

// Without the cache, blocks are only rounded to what aligned_alloc requires: a multiple of
// the alignment.
size_t CachingAllocator::block_size(size_t nbytes) const {
  return use_cache_ ? size_class(nbytes) : round_up(std::max(nbytes, size_t{1}), kAlignment);
}

void* CachingAllocator::allocate(size_t nbytes) {
  if (nbytes > kMaxRequest) {
    EMBER_THROW(Error, "allocator: out of memory allocating ", nbytes, " bytes");
  }
  size_t size = block_size(nbytes);
  if (use_cache_) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = free_blocks_.find(size);
    if (it != free_blocks_.end() && !it->second.empty()) {
      void* p = it->second.back();
      it->second.pop_back();
      stats_.allocations += 1;
      stats_.cache_hits += 1;
      stats_.bytes_in_use += static_cast<int64_t>(size);
      stats_.peak_bytes_in_use = std::max(stats_.peak_bytes_in_use, stats_.bytes_in_use);
      return p;
    }
  }
  // Outside the lock: the system call may take a while (mmap and page zeroing).
  void* p = std::aligned_alloc(kAlignment, size);
  if (p == nullptr && use_cache_) {
    empty_cache();
    p = std::aligned_alloc(kAlignment, size);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (p == nullptr) {
    EMBER_THROW(Error, "allocator: out of memory allocating ", nbytes, " bytes (a ", size,
                "-byte block; ", stats_.bytes_reserved, " bytes already reserved)");
  }
  stats_.allocations += 1;
  stats_.cache_misses += 1;
  stats_.bytes_reserved += static_cast<int64_t>(size);
  stats_.bytes_in_use += static_cast<int64_t>(size);
  stats_.peak_bytes_in_use = std::max(stats_.peak_bytes_in_use, stats_.bytes_in_use);
  return p;
}

void CachingAllocator::deallocate(void* ptr, size_t nbytes) noexcept {
  if (ptr == nullptr) return;
  size_t size = block_size(nbytes);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.bytes_in_use -= static_cast<int64_t>(size);
    if (use_cache_) {
      try {
        free_blocks_[size].push_back(ptr);
        return;
      } catch (const std::bad_alloc&) {
        // No room to remember the block: give it back to the system instead.
      }
    }
    stats_.bytes_reserved -= static_cast<int64_t>(size);
  }
  std::free(ptr);
}

AllocatorStats CachingAllocator::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

void CachingAllocator::reset_peak() {
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.peak_bytes_in_use = stats_.bytes_in_use;
}

void CachingAllocator::empty_cache() {
  std::lock_guard<std::mutex> lock(mutex_);
  release_cached_locked();
}

void CachingAllocator::release_cached_locked() {
  for (auto& [size, blocks] : free_blocks_) {
    for (void* p : blocks) std::free(p);
    stats_.bytes_reserved -= static_cast<int64_t>(size * blocks.size());
  }
  free_blocks_.clear();
}

CachingAllocator& cpu_allocator() {
  // Leaked on purpose: see the header. Its cached blocks stay reachable, so leak checkers
  // do not report them.
  static CachingAllocator* allocator = new CachingAllocator({.use_cache = caching_from_env()});
  return *allocator;
}

AllocatorStats allocator_stats() { return cpu_allocator().stats(); }

}  // namespace ember
