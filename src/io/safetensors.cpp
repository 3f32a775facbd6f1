// safetensors reader and writer, and atomic file writes.
//
// The reader never trusts the file: every size is checked before it is used, with
// overflow-safe arithmetic, so a truncated or malicious file gives an IoError, never an
// out-of-bounds read.
#include "ember/io/safetensors.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ember/ops/factory.h"

namespace ember::io {

namespace {

using json = nlohmann::json;

constexpr uint64_t kMaxHeader = 100ull << 20;  // the reference implementation's limit

struct DTypeCode {
  const char* code;
  DType dtype;
};
constexpr DTypeCode kCodes[] = {
    {"F32", DType::float32}, {"F64", DType::float64}, {"BF16", DType::bfloat16},
    {"F16", DType::float16}, {"I64", DType::int64},   {"I32", DType::int32},
    {"I8", DType::int8},     {"U8", DType::uint8},    {"BOOL", DType::boolean},
};

const char* code_of(DType t) {
  for (const auto& c : kCodes) {
    if (c.dtype == t) return c.code;
  }
  EMBER_THROW(InternalError, "safetensors: no code for dtype ", t);
}

DType dtype_of_code(const std::string& code, const std::string& what, const std::string& name) {
  for (const auto& c : kCodes) {
    if (code == c.code) return c.dtype;
  }
  EMBER_THROW(IoError, what, ": tensor '", name, "' has unsupported dtype '", code,
              "' (supported: F32, F64, BF16, F16, I64, I32, I8, U8, BOOL)");
}

uint64_t read_le64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

bool mul_overflows(uint64_t a, uint64_t b, uint64_t* out) {
  return __builtin_mul_overflow(a, b, out);
}

}  // namespace

SafetensorsFile parse_safetensors(const std::vector<uint8_t>& bytes, const std::string& what) {
  EMBER_CHECK_IO(bytes.size() >= 8, what, ": not a safetensors file (", bytes.size(),
                 " bytes, need at least 8 for the header length)");
  uint64_t header_len = read_le64(bytes.data());
  EMBER_CHECK_IO(header_len <= kMaxHeader, what, ": header length ", header_len,
                 " exceeds the 100 MiB limit");
  EMBER_CHECK_IO(header_len <= bytes.size() - 8, what, ": header length ", header_len,
                 " runs past the end of the file (", bytes.size(), " bytes): truncated?");
  const uint8_t* data = bytes.data() + 8 + header_len;
  uint64_t data_len = bytes.size() - 8 - header_len;

  json header;
  try {
    header = json::parse(bytes.begin() + 8, bytes.begin() + 8 + static_cast<int64_t>(header_len));
  } catch (const json::exception& e) {
    EMBER_THROW(IoError, what, ": header is not valid JSON (", e.what(), ")");
  }
  EMBER_CHECK_IO(header.is_object(), what, ": header must be a JSON object");

  SafetensorsFile file;
  struct Span {
    uint64_t begin, end;
    std::string name;
  };
  std::vector<Span> spans;
  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string& name = it.key();
    const json& v = it.value();
    if (name == "__metadata__") {
      EMBER_CHECK_IO(v.is_object(), what, ": __metadata__ must be an object of strings");
      for (auto m = v.begin(); m != v.end(); ++m) {
        EMBER_CHECK_IO(m.value().is_string(), what, ": __metadata__ value for '", m.key(),
                       "' is not a string");
        file.metadata[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    EMBER_CHECK_IO(v.is_object() && v.contains("dtype") && v.contains("shape") &&
                       v.contains("data_offsets"),
                   what, ": entry '", name, "' needs dtype, shape and data_offsets");
    EMBER_CHECK_IO(v["dtype"].is_string(), what, ": tensor '", name, "': dtype must be a string");
    DType dtype = dtype_of_code(v["dtype"].get<std::string>(), what, name);
    const json& js = v["shape"];
    EMBER_CHECK_IO(js.is_array(), what, ": tensor '", name, "': shape must be an array");
    Shape shape;
    uint64_t numel = 1;
    for (const auto& d : js) {
      EMBER_CHECK_IO(d.is_number_unsigned() || (d.is_number_integer() && d.get<int64_t>() >= 0),
                     what, ": tensor '", name, "': shape entries must be non-negative integers");
      uint64_t s = d.get<uint64_t>();
      EMBER_CHECK_IO(!mul_overflows(numel, s, &numel) && numel < (1ull << 62), what, ": tensor '",
                     name, "': shape is too large");
      shape.push_back(static_cast<int64_t>(s));
    }
    const json& off = v["data_offsets"];
    EMBER_CHECK_IO(off.is_array() && off.size() == 2 && off[0].is_number_unsigned() &&
                       off[1].is_number_unsigned(),
                   what, ": tensor '", name, "': data_offsets must be two non-negative integers");
    uint64_t begin = off[0].get<uint64_t>(), end = off[1].get<uint64_t>();
    EMBER_CHECK_IO(begin <= end && end <= data_len, what, ": tensor '", name, "': data_offsets [",
                   begin, ", ", end, "] out of range for ", data_len, " data bytes");
    uint64_t nbytes;
    EMBER_CHECK_IO(!mul_overflows(numel, element_size(dtype), &nbytes) && nbytes == end - begin,
                   what, ": tensor '", name, "': ", end - begin, " bytes do not match shape ",
                   shape_str(shape), " of ", dtype);
    spans.push_back({begin, end, name});
    file.tensors[name] = from_buffer(data + begin, shape, dtype);
  }
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t pos = 0;
  for (const auto& s : spans) {
    EMBER_CHECK_IO(s.begin == pos, what, ": tensor '", s.name, "' starts at byte ", s.begin,
                   ", expected ", pos, " (overlapping or gapped data_offsets)");
    pos = s.end;
  }
  EMBER_CHECK_IO(pos == data_len, what, ": tensors cover ", pos, " of ", data_len,
                 " data bytes (trailing bytes not described by the header)");
  return file;
}

SafetensorsFile load_safetensors(const std::string& path) {
  return parse_safetensors(read_file(path), path);
}

std::vector<uint8_t> serialize_safetensors(const std::map<std::string, Tensor>& tensors,
                                           const std::map<std::string, std::string>& metadata) {
  json header = json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  uint64_t offset = 0;
  std::vector<Tensor> ordered;
  for (const auto& [name, t] : tensors) {
    EMBER_CHECK(t.defined(), "save_safetensors: tensor '", name, "' is undefined");
    EMBER_CHECK(name != "__metadata__", "save_safetensors: '__metadata__' is a reserved name");
    EMBER_CHECK_DEVICE(t.device().is_cpu(), "save_safetensors: tensor '", name,
                       "' is on ", t.device(), "; move it to the CPU first");
    Tensor c = t.detach().contiguous();
    uint64_t n = c.nbytes();
    header[name] = {{"dtype", code_of(c.dtype())},
                    {"shape", c.sizes()},
                    {"data_offsets", {offset, offset + n}}};
    offset += n;
    ordered.push_back(c);
  }
  std::string text = header.dump();
  while ((text.size() + 8) % 8 != 0) text.push_back(' ');  // align the data section
  std::vector<uint8_t> out(8 + text.size() + offset);
  uint64_t len = text.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(len >> (8 * i));
  std::memcpy(out.data() + 8, text.data(), text.size());
  uint8_t* p = out.data() + 8 + text.size();
  for (const auto& c : ordered) {
    if (c.nbytes() > 0) std::memcpy(p, c.data_ptr(), c.nbytes());
    p += c.nbytes();
  }
  return out;
}

void save_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  std::vector<uint8_t> bytes = serialize_safetensors(tensors, metadata);
  write_file_atomic(path, bytes.data(), bytes.size());
}

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EMBER_CHECK_IO(in.good(), path, ": cannot open for reading (", std::strerror(errno), ")");
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  EMBER_CHECK_IO(size >= 0, path, ": cannot determine the file size");
  in.seekg(0, std::ios::beg);
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  in.read(reinterpret_cast<char*>(bytes.data()), size);
  EMBER_CHECK_IO(in.gcount() == size, path, ": short read (", in.gcount(), " of ", size, " bytes)");
  return bytes;
}

void write_file_atomic(const std::string& path, const void* bytes, size_t size) {
  namespace fs = std::filesystem;
  static std::atomic<uint64_t> counter{0};
  fs::path target(path);
  fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string name = ".";  // built with append: GCC 12 misreports operator+ chains (-Wrestrict)
  name.append(target.filename().string())
      .append(".tmp.")
      .append(std::to_string(getpid()))
      .append(".")
      .append(std::to_string(counter.fetch_add(1)));
  std::string tmp = (dir / name).string();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  EMBER_CHECK_IO(fd >= 0, path, ": cannot create a temporary file in ", dir.string(), " (",
                 std::strerror(errno), ")");
  const char* p = static_cast<const char*>(bytes);
  size_t left = size;
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      EMBER_THROW(IoError, path, ": write failed (", std::strerror(err), ")");
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  int sync_rc = ::fsync(fd);
  int sync_err = errno;
  int close_rc = ::close(fd);
  if (sync_rc != 0 || close_rc != 0) {
    int err = sync_rc != 0 ? sync_err : errno;
    ::unlink(tmp.c_str());
    EMBER_THROW(IoError, path, ": fsync/close failed (", std::strerror(err), ")");
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    EMBER_THROW(IoError, path, ": rename from the temporary file failed (", std::strerror(err), ")");
  }
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {  // make the rename itself durable
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace ember::io
