// The caching CPU allocator behind every Storage.
//
// A training step allocates the same tensor sizes as the step before it. Handing each freed
// block back to the system costs a munmap/mmap pair and fresh page faults for every large
// tensor, every step; this allocator keeps freed blocks in per-size-class free lists and hands
// them out again (LIFO, so the block most recently touched, and likely still in cache, comes
// back first). Memory returns to the system only through empty_cache() or, for the process-wide
// allocator, at exit. It is not a general-purpose malloc: blocks are never split or merged.
//
// EMBER_ALLOCATOR=system (read once, at the first allocation) turns caching off for the whole
// program: every block then comes from aligned_alloc and goes back to free, as before.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace ember {

/// Counters of one allocator. Byte counts are of blocks (whole size classes, see Note
/// [Allocator size classes]), not of the bytes requested, so in use + cached == reserved.
struct AllocatorStats {
  int64_t bytes_in_use = 0;       // handed out and not yet returned
  int64_t peak_bytes_in_use = 0;  // highest bytes_in_use since construction or reset_peak()
  int64_t bytes_reserved = 0;     // held from the system: in use plus cached
  int64_t allocations = 0;        // allocate() calls
  int64_t cache_hits = 0;         // allocations served by a cached block
  int64_t cache_misses = 0;       // allocations that went to the system (all when not caching)
  bool is_caching = true;

  int64_t bytes_cached() const { return bytes_reserved - bytes_in_use; }
};

/// A few lines for humans: mode, in use (peak), reserved, allocations and hit rate.
std::string to_string(const AllocatorStats& stats);

struct AllocatorOptions {
  /// false: plain aligned_alloc/free per block, no cache (what EMBER_ALLOCATOR=system selects).
  bool use_cache = true;
};

/// Thread-safe (one mutex; see bench/bench_allocator.cpp for its cost).
class CachingAllocator {
 public:
  static constexpr size_t kAlignment = 64;
  /// Up to this size, blocks are powers of two; above it, multiples of kLargeGranularity.
  static constexpr size_t kSmallLimit = size_t{64} << 10;
  static constexpr size_t kLargeGranularity = size_t{64} << 10;

  explicit CachingAllocator(AllocatorOptions options = {});
  /// Returns the cached blocks to the system. Blocks still in use are not freed.
  ~CachingAllocator();
  CachingAllocator(const CachingAllocator&) = delete;
  CachingAllocator& operator=(const CachingAllocator&) = delete;

  /// A kAlignment-aligned block of at least nbytes (0 allowed: a unique minimal block).
  /// Error "out of memory" when the system refuses, after emptying the cache and retrying.
  void* allocate(size_t nbytes);
  /// Returns a block from allocate(); nbytes must be the size it was allocated with.
  void deallocate(void* ptr, size_t nbytes) noexcept;

  AllocatorStats stats() const;
  /// Restarts peak_bytes_in_use from the current bytes_in_use.
  void reset_peak();
  /// Frees every cached block (blocks in use are untouched).
  void empty_cache();

  bool is_caching() const { return use_cache_; }
  /// The block size that a request of nbytes gets when caching. See Note [Allocator size
  /// classes].
  static size_t size_class(size_t nbytes);

 private:
  size_t block_size(size_t nbytes) const;
  void release_cached_locked();

  const bool use_cache_;
  mutable std::mutex mutex_;
  std::unordered_map<size_t, std::vector<void*>> free_blocks_;  // size class -> cached blocks
  AllocatorStats stats_;
};

/// The allocator of every CPU Storage: caching unless EMBER_ALLOCATOR=system. Never
/// destroyed, so storages freed during static destruction still find it.
CachingAllocator& cpu_allocator();
/// cpu_allocator().stats().
AllocatorStats allocator_stats();

}  // namespace ember
