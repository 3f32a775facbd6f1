// Test helpers: IDX bytes built by hand and written to a temporary directory, raw or gzip.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

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

/// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("ember_data_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string dir() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

  /// Writes bytes as they are; returns the path.
  std::string write(const std::string& name, const std::vector<uint8_t>& bytes) const {
    std::string path = file(name);
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    EXPECT_TRUE(out.good()) << "cannot write " << path;
    return path;
  }

  /// Writes bytes gzip-compressed with zlib's gzwrite; returns the path.
  std::string write_gz(const std::string& name, const std::vector<uint8_t>& bytes) const {
    std::string path = file(name);
    gzFile f = gzopen(path.c_str(), "wb");
    EXPECT_NE(f, nullptr) << "cannot open " << path;
    if (!bytes.empty()) {
      EXPECT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())),
                static_cast<int>(bytes.size()));
    }
    EXPECT_EQ(gzclose(f), Z_OK);
    return path;
  }

 private:
  std::filesystem::path path_;
};

/// The bytes of a file.
inline std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
}

}  // namespace ember::data::testing
