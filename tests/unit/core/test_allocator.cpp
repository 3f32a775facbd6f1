// The caching CPU allocator: size classes, reuse, counters, peak, alignment, the system
// (non-caching) path, concurrent use, and that a training loop stops reserving memory once its
// first step has filled the cache. Most tests use a private CachingAllocator so that other
// tests' tensors do not disturb the counters; the last ones check that Storage goes through the
// process-wide one.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include "ember/core/allocator.h"
#include "ember/ember.h"

namespace ember {
namespace {

constexpr size_t KiB = 1024;
constexpr size_t MiB = 1024 * KiB;

bool is_aligned(const void* p) {
  return reinterpret_cast<uintptr_t>(p) % CachingAllocator::kAlignment == 0;
}

TEST(Allocator, SizeClassesArePowersOfTwoUpTo64KiBThenMultiplesOf64KiB) {
  EXPECT_EQ(CachingAllocator::size_class(0), 64u);
  EXPECT_EQ(CachingAllocator::size_class(1), 64u);
  EXPECT_EQ(CachingAllocator::size_class(64), 64u);
  EXPECT_EQ(CachingAllocator::size_class(65), 128u);
  EXPECT_EQ(CachingAllocator::size_class(1000), 1024u);
  EXPECT_EQ(CachingAllocator::size_class(64 * KiB), 64 * KiB);
  EXPECT_EQ(CachingAllocator::size_class(64 * KiB + 1), 128 * KiB);
  EXPECT_EQ(CachingAllocator::size_class(200 * KiB), 256 * KiB);
  EXPECT_EQ(CachingAllocator::size_class(257 * KiB), 320 * KiB);
  EXPECT_EQ(CachingAllocator::size_class(10 * MiB + 3), 10 * MiB + 64 * KiB);
}

TEST(Allocator, FreedBlockComesBackForTheSameSizeClass) {
  CachingAllocator alloc;
  void* p = alloc.allocate(100);
  alloc.deallocate(p, 100);
  void* q = alloc.allocate(120);  // 100 and 120 bytes are both in the 128-byte class
  EXPECT_EQ(q, p);
  alloc.deallocate(q, 120);

  void* big = alloc.allocate(3 * MiB + 5);
  alloc.deallocate(big, 3 * MiB + 5);
  void* big_again = alloc.allocate(3 * MiB + 1000);
  EXPECT_EQ(big_again, big);
  alloc.deallocate(big_again, 3 * MiB + 1000);
}

TEST(Allocator, ReusesTheMostRecentlyFreedBlockFirst) {
  CachingAllocator alloc;
  void* a = alloc.allocate(256);
  void* b = alloc.allocate(256);
  alloc.deallocate(a, 256);
  alloc.deallocate(b, 256);
  EXPECT_EQ(alloc.allocate(256), b);  // LIFO: b is the warmest in the CPU's caches
  EXPECT_EQ(alloc.allocate(256), a);
  alloc.deallocate(a, 256);
  alloc.deallocate(b, 256);
}

TEST(Allocator, OtherSizeClassesDoNotReuseTheBlock) {
  CachingAllocator alloc;
  void* small = alloc.allocate(100);
  alloc.deallocate(small, 100);
  void* larger = alloc.allocate(300);  // 512-byte class: the cached 128-byte block cannot serve
  EXPECT_NE(larger, small);
  EXPECT_EQ(alloc.stats().cache_hits, 0);
  EXPECT_EQ(alloc.stats().cache_misses, 2);
  alloc.deallocate(larger, 300);
}

TEST(Allocator, CountersTrackInUseReservedHitsAndMisses) {
  CachingAllocator alloc;
  AllocatorStats s = alloc.stats();
  EXPECT_TRUE(s.is_caching);
  EXPECT_EQ(s.bytes_in_use, 0);
  EXPECT_EQ(s.bytes_reserved, 0);

  void* a = alloc.allocate(1000);  // 1 KiB block
  void* b = alloc.allocate(5000);  // 8 KiB block
  s = alloc.stats();
  EXPECT_EQ(s.allocations, 2);
  EXPECT_EQ(s.cache_misses, 2);
  EXPECT_EQ(s.cache_hits, 0);
  EXPECT_EQ(s.bytes_in_use, 1024 + 8192);
  EXPECT_EQ(s.bytes_reserved, 1024 + 8192);

  alloc.deallocate(a, 1000);
  s = alloc.stats();
  EXPECT_EQ(s.bytes_in_use, 8192);
  EXPECT_EQ(s.bytes_reserved, 1024 + 8192);  // the freed block stays cached
  EXPECT_EQ(s.bytes_cached(), 1024);

  void* c = alloc.allocate(1024);
  s = alloc.stats();
  EXPECT_EQ(c, a);
  EXPECT_EQ(s.allocations, 3);
  EXPECT_EQ(s.cache_hits, 1);
  EXPECT_EQ(s.cache_misses, 2);
  EXPECT_EQ(s.bytes_in_use, 1024 + 8192);
  EXPECT_EQ(s.bytes_reserved, 1024 + 8192);

  alloc.deallocate(b, 5000);
  alloc.deallocate(c, 1024);
  EXPECT_EQ(alloc.stats().bytes_in_use, 0);
}

TEST(Allocator, PeakFollowsTheHighestInUseUntilReset) {
  CachingAllocator alloc;
  void* a = alloc.allocate(4096);
  void* b = alloc.allocate(4096);
  alloc.deallocate(a, 4096);
  EXPECT_EQ(alloc.stats().peak_bytes_in_use, 8192);
  EXPECT_EQ(alloc.stats().bytes_in_use, 4096);

  alloc.reset_peak();
  EXPECT_EQ(alloc.stats().peak_bytes_in_use, 4096);
  void* c = alloc.allocate(64);
  EXPECT_EQ(alloc.stats().peak_bytes_in_use, 4096 + 64);
  alloc.deallocate(b, 4096);
  alloc.deallocate(c, 64);
  EXPECT_EQ(alloc.stats().peak_bytes_in_use, 4096 + 64);
}

TEST(Allocator, EmptyCacheReleasesOnlyCachedBlocks) {
  CachingAllocator alloc;
  void* kept = alloc.allocate(2 * MiB);
  void* freed = alloc.allocate(100 * KiB);
  alloc.deallocate(freed, 100 * KiB);
  EXPECT_EQ(alloc.stats().bytes_reserved, static_cast<int64_t>(2 * MiB + 128 * KiB));

  alloc.empty_cache();
  AllocatorStats s = alloc.stats();
  EXPECT_EQ(s.bytes_reserved, static_cast<int64_t>(2 * MiB));
  EXPECT_EQ(s.bytes_in_use, static_cast<int64_t>(2 * MiB));
  std::memset(kept, 1, 2 * MiB);  // still ours

  void* again = alloc.allocate(100 * KiB);
  EXPECT_EQ(alloc.stats().cache_misses, 3);  // nothing cached any more
  alloc.deallocate(again, 100 * KiB);
  alloc.deallocate(kept, 2 * MiB);
}

TEST(Allocator, EveryBlockIs64ByteAligned) {
  for (bool use_cache : {true, false}) {
    CachingAllocator alloc({.use_cache = use_cache});
    std::vector<size_t> sizes = {0, 1, 3, 63, 64, 65, 1000, 4097, 65535, 65537, 1 * MiB + 7};
    std::vector<void*> blocks;
    for (size_t n : sizes) {
      void* p = alloc.allocate(n);
      EXPECT_TRUE(is_aligned(p)) << "size " << n << (use_cache ? " (caching)" : " (system)");
      std::memset(p, 0xAB, n);
      blocks.push_back(p);
    }
    for (size_t i = 0; i < sizes.size(); ++i) alloc.deallocate(blocks[i], sizes[i]);
    EXPECT_EQ(alloc.stats().bytes_in_use, 0);
  }
}

TEST(Allocator, ZeroByteBlocksAreDistinct) {
  CachingAllocator alloc;
  void* a = alloc.allocate(0);
  void* b = alloc.allocate(0);
  EXPECT_NE(a, nullptr);
  EXPECT_NE(a, b);
  alloc.deallocate(a, 0);
  alloc.deallocate(b, 0);
}

TEST(Allocator, SystemModeCachesNothing) {
  CachingAllocator alloc({.use_cache = false});
  EXPECT_FALSE(alloc.is_caching());
  void* a = alloc.allocate(1000);  // rounded only to the alignment: 1024 bytes
  void* b = alloc.allocate(100);   // 128 bytes
  AllocatorStats s = alloc.stats();
  EXPECT_FALSE(s.is_caching);
  EXPECT_EQ(s.bytes_in_use, 1024 + 128);
  EXPECT_EQ(s.bytes_reserved, 1024 + 128);
  alloc.deallocate(a, 1000);
  s = alloc.stats();
  EXPECT_EQ(s.bytes_reserved, 128);  // returned to the system at once
  EXPECT_EQ(s.bytes_cached(), 0);

  void* c = alloc.allocate(1000);
  alloc.deallocate(c, 1000);
  alloc.deallocate(b, 100);
  s = alloc.stats();
  EXPECT_EQ(s.allocations, 3);
  EXPECT_EQ(s.cache_misses, 3);
  EXPECT_EQ(s.cache_hits, 0);
  EXPECT_EQ(s.bytes_reserved, 0);
  EXPECT_EQ(s.peak_bytes_in_use, 1024 + 128);
}

TEST(Allocator, ImpossibleRequestThrowsOutOfMemory) {
  CachingAllocator alloc;
  try {
    alloc.allocate(SIZE_MAX - 10);
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("out of memory"), std::string::npos) << e.what();
  }
  EXPECT_EQ(alloc.stats().allocations, 0);
}

TEST(Allocator, ConcurrentAllocationFromSeveralThreadsIsCorrect) {
  CachingAllocator alloc;
  constexpr int kThreads = 4;
  constexpr int kIterations = 2000;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&alloc, &failures, t] {
      // Each thread keeps a few blocks of varying classes live at once and fills them with its
      // own byte: a block handed to two owners would show the other thread's byte.
      std::vector<std::pair<unsigned char*, size_t>> live;
      for (int i = 0; i < kIterations; ++i) {
        size_t n = 64 + static_cast<size_t>((i * 37 + t * 11) % 9000);
        auto* p = static_cast<unsigned char*>(alloc.allocate(n));
        std::memset(p, t + 1, n);
        live.emplace_back(p, n);
        if (live.size() > 8) {
          auto [q, m] = live.front();
          for (size_t k = 0; k < m; ++k) {
            if (q[k] != t + 1) {
              ++failures[t];
              break;
            }
          }
          alloc.deallocate(q, m);
          live.erase(live.begin());
        }
      }
      for (auto [q, m] : live) alloc.deallocate(q, m);
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
  AllocatorStats s = alloc.stats();
  EXPECT_EQ(s.allocations, kThreads * kIterations);
  EXPECT_EQ(s.cache_hits + s.cache_misses, s.allocations);
  EXPECT_EQ(s.bytes_in_use, 0);
  EXPECT_GT(s.cache_hits, 0);
}

TEST(Allocator, TrainingLikeLoopStopsReservingAfterTheFirstStep) {
  CachingAllocator alloc;
  // One "step": activations allocated in the forward, kept until the backward frees them in
  // reverse order, with gradient temporaries in between.
  const std::vector<size_t> activations = {3 * MiB + 100, 400 * KiB, 7000, 96, 3 * MiB + 100};
  auto step = [&] {
    std::vector<void*> live;
    for (size_t n : activations) live.push_back(alloc.allocate(n));
    for (size_t i = activations.size(); i-- > 0;) {
      void* grad = alloc.allocate(activations[i]);
      alloc.deallocate(grad, activations[i]);
      alloc.deallocate(live[i], activations[i]);
    }
  };
  step();
  AllocatorStats after_first = alloc.stats();
  for (int i = 0; i < 20; ++i) step();
  AllocatorStats after_many = alloc.stats();
  EXPECT_EQ(after_many.bytes_reserved, after_first.bytes_reserved);
  EXPECT_EQ(after_many.cache_misses, after_first.cache_misses);
  EXPECT_EQ(after_many.peak_bytes_in_use, after_first.peak_bytes_in_use);
  EXPECT_EQ(after_many.bytes_in_use, 0);
}

TEST(Allocator, StatsPrintModeSizesAndHitRate) {
  AllocatorStats s{.bytes_in_use = 3 * 1024 * 1024,
                   .peak_bytes_in_use = 5 * 1024 * 1024,
                   .bytes_reserved = 6 * 1024 * 1024,
                   .allocations = 200,
                   .cache_hits = 150,
                   .cache_misses = 50};
  EXPECT_EQ(to_string(s),
            "allocator (caching): in use 3.0 MiB, peak 5.0 MiB, reserved 6.0 MiB (3.0 MiB "
            "cached)\nallocations: 200 (150 cache hits, 50 misses, hit rate 75.0%)\n");
}

// ---- the process-wide allocator behind Storage -------------------------------------------

TEST(Allocator, TensorsAllocateThroughTheProcessAllocator) {
  AllocatorStats before = allocator_stats();
  {
    Tensor t = empty({1000}, {.dtype = DType::float32});  // 4000 bytes: a 4 KiB block
    EXPECT_TRUE(is_aligned(t.data_ptr()));
    AllocatorStats during = allocator_stats();
    EXPECT_EQ(during.allocations, before.allocations + 1);
    int64_t block = cpu_allocator().is_caching() ? 4096 : 4032;
    EXPECT_EQ(during.bytes_in_use, before.bytes_in_use + block);
  }
  EXPECT_EQ(allocator_stats().bytes_in_use, before.bytes_in_use);
}

TEST(Allocator, TrainingStepsOfTensorsStopReservingAfterWarmUp) {
  if (!cpu_allocator().is_caching()) GTEST_SKIP() << "EMBER_ALLOCATOR=system";
  Generator gen(7);
  Tensor x = randn({33, 17}, {}, &gen);
  Tensor w = randn({17, 9}, {}, &gen).requires_grad_();
  auto step = [&] {
    Tensor loss = sum(relu(matmul(x, w)) * 0.5);
    loss.backward();
    w.set_grad(Tensor());
  };
  // The first step fills the cache; later steps make exactly the same requests.
  step();
  AllocatorStats warm = allocator_stats();
  for (int i = 0; i < 5; ++i) step();
  AllocatorStats after = allocator_stats();
  EXPECT_EQ(after.bytes_reserved, warm.bytes_reserved);
  EXPECT_EQ(after.cache_misses, warm.cache_misses);
  EXPECT_GT(after.cache_hits, warm.cache_hits);
}

}  // namespace
}  // namespace ember
