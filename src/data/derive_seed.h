// derive_seed: independent Philox keys for (seed, epoch) and (seed, epoch, sample index).
//
// The loader's shuffle and each sample's SampleRandom use Generator streams keyed by a hash of
// the user's seed and the epoch (and index), so that neighbouring epochs or samples do not get
// overlapping or correlated streams. A domain tag keeps the shuffle key apart from the sample
// keys of the same seed.
#pragma once

#include <cstdint>

namespace ember::data::detail {

// SplitMix64's finalizer (Steele et al., "Fast splittable pseudorandom number generators",
// OOPSLA 2014): a bijection on 64 bits with full avalanche.
inline uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

inline uint64_t derive_seed(uint64_t seed, uint64_t value) {
  return splitmix64(splitmix64(seed) ^ value);
}

inline constexpr uint64_t kShuffleDomain = 0x53485546464C45ull;  // "SHUFFLE"
inline constexpr uint64_t kSampleDomain = 0x53414D504C45ull;     // "SAMPLE"

/// The key of the permutation of `epoch`.
inline uint64_t shuffle_seed(uint64_t seed, int64_t epoch) {
  return derive_seed(derive_seed(seed, kShuffleDomain), static_cast<uint64_t>(epoch));
}

/// The key of the random stream of sample `index` in `epoch`.
inline uint64_t sample_seed(uint64_t seed, int64_t epoch, int64_t index) {
  uint64_t e = derive_seed(derive_seed(seed, kSampleDomain), static_cast<uint64_t>(epoch));
  return derive_seed(e, static_cast<uint64_t>(index));
}

}  // namespace ember::data::detail
