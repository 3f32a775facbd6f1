// A temporary directory for tests that write files, and the byte-level file helpers they use.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace ember::test_support {

/// Writes bytes to path as they are (a failure fails the test).
inline void write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  EXPECT_TRUE(out.good()) << "cannot write " << path;
}

/// The bytes of a file.
inline std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
}

/// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("ember_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string dir() const { return path_.string(); }
  std::string path(const std::string& name) const { return (path_ / name).string(); }

  /// Writes bytes as they are; returns the path.
  std::string write(const std::string& name, const std::vector<uint8_t>& bytes) const {
    std::string file = path(name);
    write_file(file, bytes);
    return file;
  }

  /// Writes bytes gzip-compressed with zlib's gzwrite; returns the path.
  std::string write_gz(const std::string& name, const std::vector<uint8_t>& bytes) const {
    std::string file = path(name);
    gzFile f = gzopen(file.c_str(), "wb");
    EXPECT_NE(f, nullptr) << "cannot open " << file;
    if (f == nullptr) return file;
    if (!bytes.empty()) {
      EXPECT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())),
                static_cast<int>(bytes.size()));
    }
    EXPECT_EQ(gzclose(f), Z_OK);
    return file;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace ember::test_support
