// IDX: the file format of MNIST and Fashion-MNIST (LeCun et al.), raw or gzip-compressed.
//
// Layout: a 4-byte magic 0x00 0x00 <type> <ndims>, ndims big-endian uint32 sizes, then the
// elements in row-major order, big-endian. Type bytes: 0x08 uint8, 0x09 int8, 0x0B int16,
// 0x0C int32, 0x0D float32, 0x0E float64. The reader trusts nothing: the magic, the type, the
// header length, the size arithmetic (overflow-safe) and the payload length, exactly, are all
// checked before any element is read, and every failure is an IoError naming the file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ember/core/tensor.h"

namespace ember::data {

/// Reads an IDX file, decompressing it first when it starts with the gzip magic 1f 8b
/// (whatever its name). Returns a contiguous tensor shaped as the file's dims, of dtype uint8,
/// int8, int32 (for int16 and int32), float32 or float64. Throws IoError naming `path` when it
/// cannot be read, is corrupt gzip, has a bad magic or type, a header cut short, a payload
/// shorter than the dims need (expected vs actual bytes) or trailing bytes.
Tensor read_idx(const std::string& path);

/// Parses IDX bytes already in memory (decompressed); `what` names them in errors.
Tensor parse_idx(const std::vector<uint8_t>& bytes, const std::string& what);

}  // namespace ember::data
