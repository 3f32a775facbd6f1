// safetensors: round trips of every dtype and layout, metadata, the on-disk layout, every
// kind of corrupt file (each an IoError naming the file), and atomic writes.
//
// Corrupt files are written by hand here (header length, JSON, data) rather than by
// mutating ember's own output, so each test states exactly which rule it breaks.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ember/ember.h"
#include "unit/error_message.h"

namespace ember {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

// A file from its parts: 8-byte little-endian header length, the header, the data.
Bytes make_file(const std::string& header, const Bytes& data, uint64_t header_len) {
  Bytes out(8 + header.size() + data.size());
  for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(header_len >> (8 * i));
  if (!header.empty()) std::memcpy(out.data() + 8, header.data(), header.size());
  if (!data.empty()) std::memcpy(out.data() + 8 + header.size(), data.data(), data.size());
  return out;
}
Bytes make_file(const std::string& header, const Bytes& data) {
  return make_file(header, data, header.size());
}

Bytes le_floats(std::initializer_list<float> values) {
  Bytes out(values.size() * 4);
  std::memcpy(out.data(), values.begin(), out.size());
  return out;
}

class Safetensors : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("ember_safetensors_" + std::to_string(getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(dir_, ec);
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::string write(const std::string& name, const Bytes& bytes) const {
    std::string p = path(name);
    std::ofstream(p, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    return p;
  }

  // Loads `bytes` from a file and returns the IoError message ("" if none was thrown),
  // checking that it names the file.
  std::string load_error(const Bytes& bytes) const {
    std::string p = write("corrupt.safetensors", bytes);
    try {
      io::load_safetensors(p);
    } catch (const IoError& e) {
      std::string msg = e.what();
      EXPECT_CONTAINS(msg, p);
      return msg;
    }
    ADD_FAILURE() << "expected an IoError";
    return "";
  }

  std::vector<std::string> files() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      names.push_back(entry.path().filename().string());
    }
    return names;
  }

  fs::path dir_;
};

void expect_same_tensor(const Tensor& got, const Tensor& want, const std::string& name) {
  ASSERT_TRUE(got.defined()) << name;
  EXPECT_EQ(got.dtype(), want.dtype()) << name;
  EXPECT_EQ(got.sizes(), want.sizes()) << name;
  EXPECT_TRUE(got.is_contiguous()) << name;
  EXPECT_EQ(got.to_vector<double>(), want.to_vector<double>()) << name;
}

// ---- round trips ------------------------------------------------------------------------------

TEST_F(Safetensors, RoundTripsEveryDtype) {
  // Values every dtype holds exactly (bfloat16 has 8 mantissa bits).
  Tensor base = tensor({0.f, 1.f, -2.f, 3.5f, 100.f, -0.25f}).reshape({2, 3});
  std::map<std::string, Tensor> tensors;
  for (DType d : {DType::float32, DType::float64, DType::bfloat16, DType::float16, DType::int64,
                  DType::int32, DType::int8, DType::uint8, DType::boolean}) {
    Tensor t = d == DType::uint8 ? abs(base).to(d) : base.to(d);
    tensors[dtype_name(d)] = t;
  }
  io::save_safetensors(path("all.safetensors"), tensors);
  io::SafetensorsFile f = io::load_safetensors(path("all.safetensors"));
  ASSERT_EQ(f.tensors.size(), tensors.size());
  for (const auto& [name, t] : tensors) expect_same_tensor(f.tensors.at(name), t, name);
  EXPECT_TRUE(f.metadata.empty());
}

TEST_F(Safetensors, RoundTripsNonContiguousZeroDimAndEmptyTensors) {
  Tensor strided = arange(12).to(DType::float32).reshape({3, 4}).t();  // (4,3), strides (1,4)
  Tensor sliced = arange(10).slice(0, 1, 9, 3);                        // step 3, offset 1
  Tensor expanded = tensor({1.f, 2.f}).expand({3, 2});                 // zero stride
  std::map<std::string, Tensor> tensors{
      {"strided", strided},     {"sliced", sliced},
      {"expanded", expanded},   {"scalar", scalar_tensor(2.5)},
      {"empty", zeros({0, 3})}, {"empty_int", zeros({4, 0, 2}, {.dtype = DType::int32})}};
  io::save_safetensors(path("layouts.safetensors"), tensors);
  io::SafetensorsFile f = io::load_safetensors(path("layouts.safetensors"));
  for (const auto& [name, t] : tensors) expect_same_tensor(f.tensors.at(name), t, name);
  EXPECT_EQ(f.tensors.at("scalar").dim(), 0);
}

TEST_F(Safetensors, RoundTripsMetadata) {
  std::map<std::string, std::string> meta{
      {"format", "pt"}, {"step", "1200"}, {"note", "ünï \"q\""}};
  io::save_safetensors(path("meta.safetensors"), {{"w", ones({2})}}, meta);
  io::SafetensorsFile f = io::load_safetensors(path("meta.safetensors"));
  EXPECT_EQ(f.metadata, meta);
  EXPECT_EQ(f.tensors.size(), 1u);
}

TEST_F(Safetensors, WritesTheStandardLayoutWithAnAlignedDataSection) {
  Bytes b = io::serialize_safetensors({{"b", tensor({1.f, 2.f})}, {"a", arange(3)}});
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | b[i];
  ASSERT_LE(8 + n, b.size());
  EXPECT_EQ((8 + n) % 8, 0u);
  std::string header(b.begin() + 8, b.begin() + 8 + static_cast<int64_t>(n));
  EXPECT_CONTAINS(header, R"("dtype":"F32")");
  EXPECT_CONTAINS(header, R"("dtype":"I64")");
  EXPECT_CONTAINS(header, R"("shape":[2])");
  EXPECT_EQ(b.size() - 8 - n, 2 * 4 + 3 * 8u);
}

TEST_F(Safetensors, ReadsAHandWrittenFile) {
  // What Python's safetensors writes for {"x": torch.tensor([[1., 2.], [3., 4.]])}, plus an
  // int8 tensor, in an order unrelated to the offsets.
  std::string header = R"({"y":{"dtype":"I8","shape":[3],"data_offsets":[16,19]},)"
                       R"("__metadata__":{"format":"pt"},)"
                       R"("x":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}})";
  Bytes data = le_floats({1, 2, 3, 4});
  data.insert(data.end(), {0x01, 0xff, 0x7f});
  io::SafetensorsFile f = io::parse_safetensors(make_file(header, data), "hand.safetensors");
  EXPECT_EQ(f.tensors.at("x").sizes(), (Shape{2, 2}));
  EXPECT_EQ(f.tensors.at("x").to_vector<float>(), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(f.tensors.at("y").to_vector<int8_t>(), (std::vector<int8_t>{1, -1, 127}));
  EXPECT_EQ(f.metadata.at("format"), "pt");
}

TEST_F(Safetensors, LoadsACommittedPyTorchFixture) {
  // Files written by scripts/gen_reference (Python) must load: interoperability, not just
  // agreement with ourselves.
  fs::path ref = fs::path(EMBER_TEST_REFERENCE_DIR) / "ops";
  if (!fs::exists(ref)) GTEST_SKIP() << "no fixtures in " << ref;
  int loaded = 0;
  for (const auto& entry : fs::directory_iterator(ref)) {
    if (entry.path().extension() != ".safetensors") continue;
    io::SafetensorsFile f = io::load_safetensors(entry.path().string());
    EXPECT_FALSE(f.tensors.empty()) << entry.path();
    if (++loaded == 5) break;
  }
  EXPECT_GT(loaded, 0);
}

// ---- corrupt files ----------------------------------------------------------------------------

TEST_F(Safetensors, FileShorterThanEightBytes) {
  EXPECT_CONTAINS(load_error({1, 2, 3}), "need at least 8");
  EXPECT_CONTAINS(load_error({}), "0 bytes");
}

TEST_F(Safetensors, HeaderLengthPastTheEndOfTheFile) {
  EXPECT_CONTAINS(load_error(make_file("{}", {}, 1000)), "runs past the end of the file");
  EXPECT_CONTAINS(load_error(make_file("{}", {}, uint64_t{1} << 60)), "exceeds the 100 MiB limit");
}

TEST_F(Safetensors, HeaderThatIsNotJson) {
  EXPECT_CONTAINS(load_error(make_file("{\"x\": [1, 2", {})), "not valid JSON");
  EXPECT_CONTAINS(load_error(make_file("[1, 2]", {})), "must be a JSON object");
}

TEST_F(Safetensors, UnknownDtype) {
  std::string msg =
      load_error(make_file(R"({"x":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}})", {0}));
  EXPECT_CONTAINS(msg, "'x'");
  EXPECT_CONTAINS(msg, "unsupported dtype 'F8_E4M3'");
}

TEST_F(Safetensors, MalformedEntries) {
  EXPECT_CONTAINS(load_error(make_file(R"({"x":{"dtype":"F32","shape":[1]}})", {})),
                  "needs dtype, shape and data_offsets");
  EXPECT_CONTAINS(load_error(make_file(R"({"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})",
                                       le_floats({1}))),
                  "non-negative integers");
  EXPECT_CONTAINS(load_error(make_file(R"({"x":{"dtype":"F32","shape":[1],"data_offsets":[0]}})",
                                       le_floats({1}))),
                  "data_offsets must be two non-negative integers");
}

TEST_F(Safetensors, ShapeAndByteCountMismatch) {
  std::string msg = load_error(
      make_file(R"({"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", le_floats({1, 2})));
  EXPECT_CONTAINS(msg, "8 bytes do not match shape [3] of float32");
}

TEST_F(Safetensors, OffsetsOutOfRange) {
  std::string msg = load_error(make_file(
      R"({"x":{"dtype":"F32","shape":[25],"data_offsets":[0,100]}})", le_floats({1, 2, 3})));
  EXPECT_CONTAINS(msg, "data_offsets [0, 100] out of range for 12 data bytes");
  EXPECT_CONTAINS(load_error(make_file(R"({"x":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}})",
                                       le_floats({1, 2}))),
                  "out of range");
}

TEST_F(Safetensors, OverlappingOffsets) {
  std::string msg =
      load_error(make_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                           R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                           le_floats({1, 2, 3})));
  EXPECT_CONTAINS(msg, "overlapping or gapped");
}

TEST_F(Safetensors, GapBetweenTensors) {
  std::string msg =
      load_error(make_file(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                           R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})",
                           le_floats({1, 2, 3})));
  EXPECT_CONTAINS(msg, "'b' starts at byte 8, expected 4");
}

TEST_F(Safetensors, TrailingBytesAfterTheLastTensor) {
  std::string msg = load_error(
      make_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", le_floats({1, 2, 3})));
  EXPECT_CONTAINS(msg, "tensors cover 8 of 12 data bytes");
}

TEST_F(Safetensors, TruncatedData) {
  Bytes good = io::serialize_safetensors({{"w", arange(10).to(DType::float32)}});
  Bytes cut(good.begin(), good.end() - 4);
  EXPECT_CONTAINS(load_error(cut), "out of range");
  Bytes header_only(good.begin(), good.begin() + 12);
  EXPECT_CONTAINS(load_error(header_only), "runs past the end of the file");
}

TEST_F(Safetensors, MissingFileNamesThePath) {
  std::string p = path("does_not_exist.safetensors");
  try {
    io::load_safetensors(p);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_CONTAINS(e.what(), p);
    EXPECT_CONTAINS(e.what(), "cannot open");
  }
}

TEST_F(Safetensors, BadArgumentsToSaveAreValueErrors) {
  EXPECT_THROW(io::serialize_safetensors({{"x", Tensor()}}), ValueError);
  EXPECT_THROW(io::serialize_safetensors({{"__metadata__", ones({1})}}), ValueError);
}

// ---- atomic writes ----------------------------------------------------------------------------

TEST_F(Safetensors, AtomicWriteLeavesNoTemporaryFileBehind) {
  io::save_safetensors(path("w.safetensors"), {{"w", ones({4})}});
  io::save_safetensors(path("w.safetensors"), {{"w", ones({4})}});
  EXPECT_EQ(files(), std::vector<std::string>{"w.safetensors"});
}

TEST_F(Safetensors, AtomicWriteReplacesAnExistingFile) {
  write("w.safetensors", Bytes{'o', 'l', 'd'});
  io::save_safetensors(path("w.safetensors"), {{"w", full({2}, 7.0)}});
  EXPECT_EQ(io::load_safetensors(path("w.safetensors")).tensors.at("w").to_vector<float>(),
            (std::vector<float>{7, 7}));
  std::string text = "replaced";
  io::write_file_atomic(path("w.safetensors"), text.data(), text.size());
  Bytes back = io::read_file(path("w.safetensors"));
  EXPECT_EQ(std::string(back.begin(), back.end()), text);
  EXPECT_EQ(files().size(), 1u);
}

TEST_F(Safetensors, WritingIntoAMissingDirectoryIsAnIoErrorAndChangesNothing) {
  std::string p = path("no/such/dir/w.safetensors");
  try {
    io::save_safetensors(p, {{"w", ones({1})}});
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_CONTAINS(e.what(), p);
  }
  EXPECT_TRUE(files().empty());
}

TEST_F(Safetensors, WritingIntoAnUnwritableDirectoryIsAnIoErrorAndKeepsTheOldFile) {
  if (geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  io::save_safetensors(path("w.safetensors"), {{"w", ones({1})}});
  fs::permissions(dir_, fs::perms::owner_read | fs::perms::owner_exec);
  EXPECT_THROW(io::save_safetensors(path("w.safetensors"), {{"w", zeros({1})}}), IoError);
  fs::permissions(dir_, fs::perms::owner_all);
  EXPECT_EQ(io::load_safetensors(path("w.safetensors")).tensors.at("w").item<float>(), 1.0f);
  EXPECT_EQ(files(), std::vector<std::string>{"w.safetensors"});
}

TEST_F(Safetensors, WritingWhereAFileStandsForADirectoryIsAnIoError) {
  write("plain_file", Bytes{'x'});
  EXPECT_THROW(io::save_safetensors(path("plain_file/w.safetensors"), {{"w", ones({1})}}), IoError);
}

}  // namespace
}  // namespace ember
