// Test helpers: IDX bytes built by hand, to write into a TempDir raw or gzip.
#pragma once

#include <cstdint>
#include <vector>

#include "unit/temp_dir.h"

namespace ember::data::testing {

/// Appends the low `nbytes` bytes of v, most significant first.
inline void append_be(std::vector<uint8_t>& out, uint64_t v, int nbytes) {
  for (int i = nbytes - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

/// The magic 0x00 0x00 type ndims and the big-endian dims.
inline std::vector<uint8_t> idx_header(uint8_t type, const std::vector<uint32_t>& dims) {
  std::vector<uint8_t> out = {0, 0, type, static_cast<uint8_t>(dims.size())};
  for (uint32_t d : dims) append_be(out, d, 4);
  return out;
}

/// A complete uint8 IDX file.
inline std::vector<uint8_t> idx_uint8(const std::vector<uint32_t>& dims,
                                      const std::vector<uint8_t>& values) {
  std::vector<uint8_t> out = idx_header(0x08, dims);
  out.insert(out.end(), values.begin(), values.end());
  return out;
}

using test_support::read_bytes;
using test_support::TempDir;

}  // namespace ember::data::testing
