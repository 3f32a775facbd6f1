// Random numbers: a counter-based generator (Philox4x32-10) so that filling a tensor in
// parallel gives the same values whatever the thread count.
//
// ember::manual_seed(s) reseeds the default generator; a Generator object is an independent
// stream (pass it to rand/randn/randint/dropout). Streams are reproducible across runs and
// thread counts, but they are not PyTorch's streams: the same seed gives different numbers.
#pragma once

#include <cstdint>
#include <mutex>

namespace ember {

class Generator {
 public:
  explicit Generator(uint64_t seed = 0) : seed_(seed) {}

  void manual_seed(uint64_t seed);
  uint64_t seed() const { return seed_; }
  /// Reserves `n` 32-bit draws and returns the counter of the first one.
  uint64_t reserve(uint64_t n);
  /// The full state (seed, counter), for checkpoints.
  struct State {
    uint64_t seed;
    uint64_t offset;
  };
  State state() const;
  void set_state(State s);

  /// The i-th 32-bit draw of the stream (a pure function of seed and i).
  static uint32_t draw(uint64_t seed, uint64_t i);
  /// A float in [0, 1) from the draw at counter i (24 random bits).
  static float uniform_float(uint64_t seed, uint64_t i) {
    return static_cast<float>(draw(seed, i) >> 8) * (1.0f / 16777216.0f);
  }
  /// A double in [0, 1) from draws i and i+1 (53 random bits).
  static double uniform_double(uint64_t seed, uint64_t i) {
    uint64_t hi = draw(seed, i) >> 5, lo = draw(seed, i + 1) >> 6;
    return static_cast<double>((hi << 26) | lo) * (1.0 / 9007199254740992.0);
  }

 private:
  mutable std::mutex mutex_;
  uint64_t seed_;
  uint64_t offset_ = 0;
};

/// The generator that random ops use when none is passed.
Generator& default_generator();
/// Reseeds the default generator: every later random op is reproducible.
void manual_seed(uint64_t seed);

}  // namespace ember
