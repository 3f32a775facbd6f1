// safetensors: the weight format of Hugging Face and PyTorch users.
//
// Layout: an 8-byte little-endian header length N, N bytes of JSON mapping each tensor name
// to {"dtype", "shape", "data_offsets": [begin, end]} (plus an optional "__metadata__" map of
// strings), then the raw little-endian data. The reader validates everything before it
// touches data: header size within the file, JSON well formed, known dtypes, offsets in
// range, sorted without overlap or gaps, and byte counts equal to shape x dtype size. Any
// violation throws IoError naming the file (and tensor). Writes are atomic: a temp file in
// the same directory, fsync, rename.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ember/core/tensor.h"

namespace ember::io {

struct SafetensorsFile {
  std::map<std::string, Tensor> tensors;
  std::map<std::string, std::string> metadata;
};

/// Reads every tensor (copies into fresh contiguous CPU tensors).
SafetensorsFile load_safetensors(const std::string& path);
/// Parses an in-memory file; `what` names it in errors.
SafetensorsFile parse_safetensors(const std::vector<uint8_t>& bytes, const std::string& what);
/// Writes tensors (any strides; stored contiguous) atomically.
void save_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata = {});
std::vector<uint8_t> serialize_safetensors(const std::map<std::string, Tensor>& tensors,
                                           const std::map<std::string, std::string>& metadata = {});

/// Writes `bytes` to path atomically (temp file in the same directory, fsync, rename).
void write_file_atomic(const std::string& path, const void* bytes, size_t size);
/// Reads a whole file; IoError naming the path when it cannot.
std::vector<uint8_t> read_file(const std::string& path);

}  // namespace ember::io
