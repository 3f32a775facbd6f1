// What the GEMM drivers (gemm.cpp for float32 operands, bf16_gemm.cpp for bfloat16 ones)
// share about threads and memory: the team that runs a product on ember's thread pool, the
// per-panel packing claims that let threads pack B without a barrier, and the calling
// thread's packing buffer. The reasons are in Note [GEMM threads] in gemm.cpp.
// Not for the ISA files (Note [GEMM ISA files] in kernel.h): they never include this header.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <thread>

#include "core/thread_pool.h"

namespace ember::cpu::gemm {

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// The states of a packed panel of B shared by a team (Note [GEMM threads]).
inline constexpr int32_t kUnpacked = 0, kPacking = 1, kReady = 2;

/// Packs the panel guarded by `state` unless another thread has started it. Returns at once.
template <typename Pack>
void claim_and_pack(int32_t& state, const Pack& pack) {
  std::atomic_ref<int32_t> st(state);
  int32_t expected = kUnpacked;
  if (st.load(std::memory_order_relaxed) == kUnpacked &&
      st.compare_exchange_strong(expected, kPacking, std::memory_order_acquire)) {
    pack();
    st.store(kReady, std::memory_order_release);
  }
}

/// Returns once the panel guarded by `state` is packed (packing it if no thread has started).
template <typename Pack>
void ensure_packed(int32_t& state, const Pack& pack) {
  std::atomic_ref<int32_t> st(state);
  if (st.load(std::memory_order_acquire) == kReady) return;
  claim_and_pack(state, pack);
  for (int spins = 0; st.load(std::memory_order_acquire) != kReady; ++spins) {
    if (spins > 100) std::this_thread::yield();
  }
}

/// Runs body(t, nt) for every t in [0, nt), each call on one of up to nt threads of the pool
/// (the caller among them; all on the caller when the pool is busy), and returns when all are
/// done (see Note [GEMM threads]).
template <typename Body>
void on_team(int nt, const Body& body) {
  if (nt <= 1) {
    body(0, 1);
    return;
  }
  struct Team {
    const Body* body;
    int size;
  } team{&body, nt};
  const detail::ParallelJob job{
      [](const void* ctx, int64_t t) {
        const auto* tm = static_cast<const Team*>(ctx);
        (*tm->body)(static_cast<int>(t), tm->size);
      },
      &team, nt};
  detail::ThreadPool::instance().run(job, nt);
}

/// The packing buffer of the calling thread, 64-byte aligned, grown on demand and kept for
/// the thread's lifetime so that products allocate nothing after the first ones. Shared by
/// the threads of the calling thread's parallel regions and by both drivers; never used by two
/// products at once (a nested call runs on its own thread's buffer). Throws std::bad_alloc.
inline char* scratch(int64_t bytes) {
  struct Buffer {
    char* data = nullptr;
    int64_t size = 0;
    ~Buffer() { std::free(data); }
  };
  thread_local Buffer buf;
  if (bytes > buf.size) {
    std::free(buf.data);
    buf.data = nullptr;
    buf.size = 0;
    buf.data =
        static_cast<char*>(std::aligned_alloc(64, static_cast<size_t>(bytes + 63) / 64 * 64));
    if (buf.data == nullptr) throw std::bad_alloc();
    buf.size = bytes;
  }
  return buf.data;
}

}  // namespace ember::cpu::gemm
