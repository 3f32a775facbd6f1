// IDX parsing: header validation, then a big-endian to native conversion of the payload.
#include "ember/data/idx.h"

#include <bit>
#include <cstring>

#include "data/gzip.h"
#include "data/idx_layout.h"
#include "ember/io/safetensors.h"
#include "ember/ops/factory.h"

namespace ember::data {

namespace {

struct IdxType {
  uint8_t code;
  const char* name;
  size_t file_bytes;  // bytes per element in the file
  DType dtype;        // ember has no int16: int16 widens to int32
};
constexpr IdxType kTypes[] = {
    {0x08, "uint8", 1, DType::uint8},     {0x09, "int8", 1, DType::int8},
    {0x0B, "int16", 2, DType::int32},     {0x0C, "int32", 4, DType::int32},
    {0x0D, "float32", 4, DType::float32}, {0x0E, "float64", 8, DType::float64},
};

uint32_t load_be32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
         static_cast<uint32_t>(p[2]) << 8 | static_cast<uint32_t>(p[3]);
}

uint64_t load_be64(const uint8_t* p) {
  return static_cast<uint64_t>(load_be32(p)) << 32 | load_be32(p + 4);
}

const IdxType* find_type(uint8_t code) {
  for (const IdxType& t : kTypes) {
    if (t.code == code) return &t;
  }
  return nullptr;
}

const IdxType& type_of(uint8_t code) {
  const IdxType* t = find_type(code);
  EMBER_ASSERT(t != nullptr, "no IDX type ", static_cast<int>(code));
  return *t;
}

std::string hex_byte(uint8_t b) {
  const char* digits = "0123456789abcdef";
  return std::string("0x") + digits[b >> 4] + digits[b & 15];
}

// Converts n big-endian elements of `type` at src into the tensor's native elements at dst.
void convert_payload(const IdxType& type, const uint8_t* src, void* dst, int64_t n) {
  switch (type.code) {
    case 0x08:
    case 0x09:
      std::memcpy(dst, src, static_cast<size_t>(n));
      break;
    case 0x0B: {
      auto* d = static_cast<int32_t*>(dst);
      for (int64_t i = 0; i < n; ++i) {
        d[i] = static_cast<int16_t>(static_cast<uint16_t>(src[2 * i] << 8 | src[2 * i + 1]));
      }
      break;
    }
    case 0x0C: {
      auto* d = static_cast<int32_t*>(dst);
      for (int64_t i = 0; i < n; ++i) d[i] = static_cast<int32_t>(load_be32(src + 4 * i));
      break;
    }
    case 0x0D: {
      auto* d = static_cast<float*>(dst);
      for (int64_t i = 0; i < n; ++i) d[i] = std::bit_cast<float>(load_be32(src + 4 * i));
      break;
    }
    case 0x0E: {
      auto* d = static_cast<double*>(dst);
      for (int64_t i = 0; i < n; ++i) d[i] = std::bit_cast<double>(load_be64(src + 8 * i));
      break;
    }
    default:
      EMBER_THROW(InternalError, "parse_idx: unhandled type ", hex_byte(type.code));
  }
}

}  // namespace

namespace detail {

IdxLayout parse_idx_layout(const std::vector<uint8_t>& bytes, const std::string& what) {
  EMBER_CHECK_IO(bytes.size() >= 4, what, ": not an IDX file (", bytes.size(),
                 " bytes, need at least 4 for the magic number)");
  EMBER_CHECK_IO(bytes[0] == 0 && bytes[1] == 0, what,
                 ": bad IDX magic: expected the first two bytes to be 0x00 0x00, got ",
                 hex_byte(bytes[0]), " ", hex_byte(bytes[1]));
  const IdxType* type = find_type(bytes[2]);
  EMBER_CHECK_IO(type != nullptr, what, ": bad IDX magic: unknown type byte ", hex_byte(bytes[2]),
                 " (supported: 0x08 uint8, 0x09 int8, 0x0b int16, 0x0c int32, 0x0d float32, "
                 "0x0e float64)");
  size_t ndims = bytes[3];
  EMBER_CHECK_IO(ndims >= 1, what, ": bad IDX magic: expected at least 1 dimension, got 0");
  size_t header_bytes = 4 + 4 * ndims;
  EMBER_CHECK_IO(bytes.size() >= header_bytes, what, ": truncated IDX header: ", ndims,
                 " dims need ", header_bytes, " header bytes, the file has ", bytes.size());

  Shape shape;
  uint64_t numel = 1;
  for (size_t d = 0; d < ndims; ++d) {
    uint32_t size = load_be32(bytes.data() + 4 + 4 * d);
    shape.push_back(size);
    EMBER_CHECK_IO(!__builtin_mul_overflow(numel, uint64_t{size}, &numel), what, ": IDX dims ",
                   shape_str(shape), "... overflow a 64-bit element count");
  }
  uint64_t expected = 0;
  EMBER_CHECK_IO(!__builtin_mul_overflow(numel, uint64_t{type->file_bytes}, &expected), what,
                 ": IDX dims ", shape_str(shape), " overflow a 64-bit byte count");
  uint64_t actual = bytes.size() - header_bytes;
  EMBER_CHECK_IO(actual >= expected, what, ": truncated IDX payload: shape ", shape_str(shape),
                 " of ", type->name, " needs ", expected, " bytes after the ", header_bytes,
                 "-byte header, got ", actual);
  EMBER_CHECK_IO(actual == expected, what, ": ", actual - expected,
                 " trailing bytes after the IDX payload: shape ", shape_str(shape), " of ",
                 type->name, " needs ", expected, " bytes after the ", header_bytes,
                 "-byte header, got ", actual);
  return {type->code, type->dtype, shape, header_bytes};
}

std::vector<uint8_t> read_idx_bytes(const std::string& path) {
  std::vector<uint8_t> bytes = io::read_file(path);
  if (is_gzip(bytes)) bytes = gunzip(bytes, path);
  return bytes;
}

}  // namespace detail

Tensor parse_idx(const std::vector<uint8_t>& bytes, const std::string& what) {
  detail::IdxLayout layout = detail::parse_idx_layout(bytes, what);
  Tensor out = empty(layout.shape, {.dtype = layout.dtype});
  convert_payload(type_of(layout.type_code), bytes.data() + layout.header_bytes, out.data_ptr(),
                  out.numel());
  return out;
}

Tensor read_idx(const std::string& path) { return parse_idx(detail::read_idx_bytes(path), path); }

}  // namespace ember::data
