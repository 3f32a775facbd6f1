// The validated header of an IDX file, for readers that convert the payload themselves
// (load_mnist goes straight from the decompressed bytes to float32, without a uint8 copy).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ember/core/tensor.h"

namespace ember::data::detail {

struct IdxLayout {
  uint8_t type_code;    // 0x08 uint8 ... 0x0E float64
  DType dtype;          // what read_idx returns for this type
  Shape shape;          // the file's dims
  size_t header_bytes;  // the payload starts here and runs exactly to the end
};

/// Checks everything parse_idx checks (magic, type, header length, payload length, exactly)
/// and returns the layout; IoError naming `what` otherwise.
IdxLayout parse_idx_layout(const std::vector<uint8_t>& bytes, const std::string& what);

/// The bytes of `path`, decompressed when they start with the gzip magic.
std::vector<uint8_t> read_idx_bytes(const std::string& path);

}  // namespace ember::data::detail
