// read_idx: every IDX type, raw and gzip, and every corruption giving an IoError that names
// the file. The files are written here, byte by byte, never taken from the system dataset.
#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <limits>

#include "ember/core/error.h"
#include "ember/data/idx.h"
#include "unit/data/idx_files.h"

namespace ember::data {
namespace {

using testing::append_be;
using testing::idx_header;
using testing::idx_uint8;
using testing::TempDir;

// Runs fn, which must throw IoError whose message contains `path` and every one of `parts`.
template <typename F>
void expect_io_error(F&& fn, const std::string& path, std::vector<std::string> parts = {}) {
  try {
    fn();
    ADD_FAILURE() << "expected IoError for " << path;
  } catch (const IoError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find(path), std::string::npos) << "message does not name the file: " << msg;
    for (const std::string& p : parts) {
      EXPECT_NE(msg.find(p), std::string::npos) << "message lacks '" << p << "': " << msg;
    }
  }
}

TEST(ReadIdx, ParsesUint8) {
  TempDir tmp;
  std::string path = tmp.write("u8", idx_uint8({2, 3}, {0, 1, 2, 127, 128, 255}));
  Tensor t = read_idx(path);
  EXPECT_EQ(t.dtype(), DType::uint8);
  EXPECT_EQ(t.sizes(), (Shape{2, 3}));
  EXPECT_EQ(t.to_vector<int64_t>(), (std::vector<int64_t>{0, 1, 2, 127, 128, 255}));
}

TEST(ReadIdx, ParsesInt8AsSigned) {
  TempDir tmp;
  std::vector<uint8_t> bytes = idx_header(0x09, {4});
  for (int8_t v : {int8_t{-128}, int8_t{-1}, int8_t{0}, int8_t{127}}) {
    bytes.push_back(static_cast<uint8_t>(v));
  }
  Tensor t = read_idx(tmp.write("i8", bytes));
  EXPECT_EQ(t.dtype(), DType::int8);
  EXPECT_EQ(t.to_vector<int64_t>(), (std::vector<int64_t>{-128, -1, 0, 127}));
}

TEST(ReadIdx, WidensBigEndianInt16ToInt32) {
  TempDir tmp;
  std::vector<int16_t> values = {-32768, -2, 0, 300, 32767, 1};
  std::vector<uint8_t> bytes = idx_header(0x0B, {3, 2});
  for (int16_t v : values) append_be(bytes, static_cast<uint16_t>(v), 2);
  Tensor t = read_idx(tmp.write("i16", bytes));
  EXPECT_EQ(t.dtype(), DType::int32);
  EXPECT_EQ(t.sizes(), (Shape{3, 2}));
  EXPECT_EQ(t.to_vector<int64_t>(), (std::vector<int64_t>{-32768, -2, 0, 300, 32767, 1}));
}

TEST(ReadIdx, ParsesBigEndianInt32) {
  TempDir tmp;
  std::vector<int32_t> values = {std::numeric_limits<int32_t>::min(), -1, 0x01020304,
                                 std::numeric_limits<int32_t>::max()};
  std::vector<uint8_t> bytes = idx_header(0x0C, {2, 1, 2});
  for (int32_t v : values) append_be(bytes, static_cast<uint32_t>(v), 4);
  Tensor t = read_idx(tmp.write("i32", bytes));
  EXPECT_EQ(t.dtype(), DType::int32);
  EXPECT_EQ(t.sizes(), (Shape{2, 1, 2}));
  EXPECT_EQ(t.to_vector<int32_t>(), values);
}

TEST(ReadIdx, ParsesBigEndianFloat32) {
  TempDir tmp;
  std::vector<float> values = {1.5f, -0.25f, 3.0e38f, 1.0e-40f, 0.0f};
  std::vector<uint8_t> bytes = idx_header(0x0D, {5});
  for (float v : values) append_be(bytes, std::bit_cast<uint32_t>(v), 4);
  Tensor t = read_idx(tmp.write("f32", bytes));
  EXPECT_EQ(t.dtype(), DType::float32);
  EXPECT_EQ(t.to_vector<float>(), values);
}

TEST(ReadIdx, ParsesBigEndianFloat64) {
  TempDir tmp;
  std::vector<double> values = {3.141592653589793, -1e-300, 2.5e300};
  std::vector<uint8_t> bytes = idx_header(0x0E, {1, 3});
  for (double v : values) append_be(bytes, std::bit_cast<uint64_t>(v), 8);
  Tensor t = read_idx(tmp.write("f64", bytes));
  EXPECT_EQ(t.dtype(), DType::float64);
  EXPECT_EQ(t.sizes(), (Shape{1, 3}));
  EXPECT_EQ(t.to_vector<double>(), values);
}

TEST(ReadIdx, ReadsAnEmptyDimension) {
  TempDir tmp;
  Tensor t = read_idx(tmp.write("empty", idx_uint8({0, 28, 28}, {})));
  EXPECT_EQ(t.sizes(), (Shape{0, 28, 28}));
}

TEST(ReadIdx, GzipIsDetectedByMagicNotByName) {
  TempDir tmp;
  std::vector<uint8_t> bytes = idx_header(0x0C, {3});
  for (uint32_t v : {7u, 0xFFFFFFFFu, 0x80000000u}) append_be(bytes, v, 4);
  Tensor raw = read_idx(tmp.write("raw", bytes));
  Tensor gz = read_idx(tmp.write_gz("compressed-without-suffix", bytes));
  Tensor gz_named = read_idx(tmp.write_gz("compressed.gz", bytes));
  EXPECT_EQ(gz.to_vector<int32_t>(), raw.to_vector<int32_t>());
  EXPECT_EQ(gz_named.to_vector<int32_t>(), raw.to_vector<int32_t>());
  EXPECT_EQ(raw.to_vector<int32_t>(),
            (std::vector<int32_t>{7, -1, std::numeric_limits<int32_t>::min()}));
}

TEST(ReadIdx, ReadsLargeGzipPayloadExactly) {
  TempDir tmp;
  std::vector<uint8_t> values(3 * 97 * 101);
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = static_cast<uint8_t>((i * 2654435761u) >> 13);
  Tensor t = read_idx(tmp.write_gz("big.gz", idx_uint8({3, 97, 101}, values)));
  ASSERT_EQ(t.sizes(), (Shape{3, 97, 101}));
  EXPECT_EQ(std::memcmp(t.data_ptr(), values.data(), values.size()), 0);
}

TEST(ReadIdx, ReadsConcatenatedGzipMembers) {
  // `cat a.gz b.gz` is a valid gzip file whose content is a followed by b.
  TempDir tmp;
  std::vector<uint8_t> whole = idx_uint8({2, 2}, {9, 8, 7, 6});
  std::vector<uint8_t> head(whole.begin(), whole.begin() + 10),
      tail(whole.begin() + 10, whole.end());
  std::vector<uint8_t> joined = testing::read_bytes(tmp.write_gz("a.gz", head));
  std::vector<uint8_t> second = testing::read_bytes(tmp.write_gz("b.gz", tail));
  joined.insert(joined.end(), second.begin(), second.end());
  Tensor t = read_idx(tmp.write("joined.gz", joined));
  EXPECT_EQ(t.to_vector<int64_t>(), (std::vector<int64_t>{9, 8, 7, 6}));
}

// ---- corruption -----------------------------------------------------------------------------

TEST(ReadIdx, MissingFileThrowsIoErrorNamingIt) {
  TempDir tmp;
  std::string path = tmp.path("does-not-exist-idx1-ubyte");
  expect_io_error([&] { read_idx(path); }, path);
}

TEST(ReadIdx, BadMagicThrowsIoError) {
  TempDir tmp;
  std::vector<uint8_t> bytes = idx_uint8({2}, {1, 2});
  bytes[1] = 0x01;
  std::string path = tmp.write("bad-magic", bytes);
  expect_io_error([&] { read_idx(path); }, path, {"magic", "0x00 0x01"});
}

TEST(ReadIdx, UnknownTypeByteThrowsIoError) {
  TempDir tmp;
  std::vector<uint8_t> bytes = idx_uint8({2}, {1, 2});
  bytes[2] = 0x0A;
  std::string path = tmp.write("bad-type", bytes);
  expect_io_error([&] { read_idx(path); }, path, {"type byte 0x0a"});
}

TEST(ReadIdx, TooShortForTheMagicThrowsIoError) {
  TempDir tmp;
  std::string path = tmp.write("short", {0, 0});
  expect_io_error([&] { read_idx(path); }, path, {"2 bytes"});
}

TEST(ReadIdx, ZeroDimsThrowsIoError) {
  TempDir tmp;
  std::string path = tmp.write("zero-dims", {0, 0, 0x08, 0, 42});
  expect_io_error([&] { read_idx(path); }, path, {"at least 1 dimension"});
}

TEST(ReadIdx, NdimsLargerThanTheHeaderThrowsIoError) {
  // The magic says 3 dims (16 header bytes) but the file ends after one dim.
  TempDir tmp;
  std::vector<uint8_t> bytes = idx_header(0x08, {5});
  bytes[3] = 3;
  std::string path = tmp.write("wrong-ndims", bytes);
  expect_io_error([&] { read_idx(path); }, path, {"truncated IDX header", "16", "8"});
}

TEST(ReadIdx, TruncatedPayloadNamesExpectedAndActualBytes) {
  TempDir tmp;
  std::vector<uint8_t> bytes = idx_uint8({4, 5}, std::vector<uint8_t>(20, 1));
  bytes.resize(bytes.size() - 3);
  std::string path = tmp.write("truncated", bytes);
  expect_io_error([&] { read_idx(path); }, path, {"truncated", "needs 20 bytes", "got 17"});
  std::string gz = tmp.write_gz("truncated.gz", bytes);
  expect_io_error([&] { read_idx(gz); }, gz, {"truncated", "needs 20 bytes", "got 17"});
}

TEST(ReadIdx, TruncatedMultiByteTypeCountsBytesNotElements) {
  TempDir tmp;
  std::vector<uint8_t> bytes = idx_header(0x0E, {3});
  bytes.resize(bytes.size() + 23);  // 3 float64 need 24 bytes
  std::string path = tmp.write("f64-short", bytes);
  expect_io_error([&] { read_idx(path); }, path, {"needs 24 bytes", "got 23"});
}

TEST(ReadIdx, TrailingBytesThrowIoError) {
  TempDir tmp;
  std::vector<uint8_t> bytes = idx_uint8({2, 2}, {1, 2, 3, 4});
  bytes.push_back(0);
  bytes.push_back(0);
  std::string path = tmp.write("trailing", bytes);
  expect_io_error([&] { read_idx(path); }, path, {"2 trailing bytes", "needs 4 bytes", "got 6"});
}

TEST(ReadIdx, HugeDimsThrowIoErrorBeforeAllocating) {
  TempDir tmp;
  std::string path = tmp.write("huge", idx_header(0x0E, {0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu}));
  expect_io_error([&] { read_idx(path); }, path, {"overflow"});
  std::string path2 = tmp.write("large", idx_header(0x08, {60000, 28, 28}));
  expect_io_error([&] { read_idx(path2); }, path2, {"truncated", "needs 47040000 bytes", "got 0"});
}

TEST(ReadIdx, CorruptGzipThrowsIoError) {
  TempDir tmp;
  std::vector<uint8_t> payload(1000);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<uint8_t>(i * 7);
  std::vector<uint8_t> gz = testing::read_bytes(tmp.write_gz("ok.gz", idx_uint8({1000}, payload)));
  for (size_t i = 12; i < gz.size() - 8; ++i) gz[i] ^= 0x5A;  // scramble the deflate data
  std::string path = tmp.write("corrupt.gz", gz);
  expect_io_error([&] { read_idx(path); }, path, {"gzip"});
}

TEST(ReadIdx, TruncatedGzipThrowsIoError) {
  TempDir tmp;
  std::vector<uint8_t> gz =
      testing::read_bytes(tmp.write_gz("ok.gz", idx_uint8({4}, {1, 2, 3, 4})));
  gz.resize(gz.size() - 6);  // cut into the CRC and size trailer
  std::string path = tmp.write("cut.gz", gz);
  expect_io_error([&] { read_idx(path); }, path, {"truncated gzip"});
}

TEST(ReadIdx, GarbageAfterGzipStreamThrowsIoError) {
  TempDir tmp;
  std::vector<uint8_t> gz =
      testing::read_bytes(tmp.write_gz("ok.gz", idx_uint8({4}, {1, 2, 3, 4})));
  gz.push_back('x');
  gz.push_back('y');
  gz.push_back('z');
  std::string path = tmp.write("garbage.gz", gz);
  expect_io_error([&] { read_idx(path); }, path, {"3 trailing bytes after the gzip stream"});
}

TEST(ParseIdx, NamesTheGivenSourceInErrors) {
  try {
    parse_idx({1, 2, 3, 4}, "my-buffer");
    ADD_FAILURE() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("my-buffer: bad IDX magic"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace ember::data
