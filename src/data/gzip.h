// gzip decompression of a whole file held in memory (zlib's inflate), for the dataset readers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ember::data::detail {

/// True when `bytes` starts with the gzip magic 1f 8b.
bool is_gzip(const std::vector<uint8_t>& bytes);

/// The decompressed contents of a gzip file of one or more members (as `gzip -c a b` writes).
/// Throws IoError naming `what` for corrupt data, a stream cut short, or bytes after the last
/// member that do not start another one.
std::vector<uint8_t> gunzip(const std::vector<uint8_t>& bytes, const std::string& what);

}  // namespace ember::data::detail
