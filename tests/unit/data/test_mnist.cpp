// load_mnist / MnistDataset on small IDX files written here (raw and gzip), their validation
// errors, and one test on the real Fashion-MNIST test set, skipped when it is not installed.
#include <gtest/gtest.h>

#include <filesystem>

#include "ember/core/error.h"
#include "ember/data/mnist.h"
#include "unit/data/idx_files.h"
#include "unit/error_message.h"

namespace ember::data {
namespace {

using testing::idx_header;
using testing::idx_uint8;
using testing::TempDir;

constexpr uint32_t kN = 5;

std::vector<uint8_t> pixels(uint32_t n) {
  std::vector<uint8_t> p(n * 28 * 28);
  for (size_t i = 0; i < p.size(); ++i) p[i] = static_cast<uint8_t>(i * 31 + 7);
  return p;
}

std::vector<uint8_t> images_file(uint32_t n) { return idx_uint8({n, 28, 28}, pixels(n)); }
std::vector<uint8_t> labels_file(uint32_t n) {
  std::vector<uint8_t> l(n);
  for (uint32_t i = 0; i < n; ++i) l[i] = static_cast<uint8_t>((3 * i + 1) % 10);
  return idx_uint8({n}, l);
}

void expect_split(const MnistData& d, uint32_t n) {
  ASSERT_EQ(d.images.sizes(), (Shape{n, 1, 28, 28}));
  ASSERT_EQ(d.images.dtype(), DType::float32);
  ASSERT_EQ(d.labels.sizes(), (Shape{n}));
  ASSERT_EQ(d.labels.dtype(), DType::int64);
  std::vector<uint8_t> p = pixels(n);
  std::vector<float> got = d.images.to_vector<float>();
  for (size_t i = 0; i < p.size(); ++i) {
    ASSERT_EQ(got[i], static_cast<float>(p[i]) / 255.0f) << "pixel " << i;
  }
  std::vector<int64_t> labels = d.labels.to_vector<int64_t>();
  for (uint32_t i = 0; i < n; ++i) EXPECT_EQ(labels[i], (3 * i + 1) % 10);
}

TEST(LoadMnist, ReadsRawAndGzipSplits) {
  TempDir tmp;
  tmp.write("train-images-idx3-ubyte", images_file(kN));
  tmp.write("train-labels-idx1-ubyte", labels_file(kN));
  tmp.write_gz("t10k-images-idx3-ubyte.gz", images_file(3));
  tmp.write_gz("t10k-labels-idx1-ubyte.gz", labels_file(3));
  expect_split(load_mnist(tmp.dir(), MnistSplit::train), kN);
  expect_split(load_mnist(tmp.dir(), MnistSplit::test), 3);
}

TEST(LoadMnist, PixelValuesSpanZeroToOne) {
  TempDir tmp;
  std::vector<uint8_t> p(28 * 28, 0);
  p[1] = 255;
  p[2] = 51;
  tmp.write("train-images-idx3-ubyte", idx_uint8({1, 28, 28}, p));
  tmp.write("train-labels-idx1-ubyte", idx_uint8({1}, {4}));
  std::vector<float> got = load_mnist(tmp.dir(), MnistSplit::train).images.to_vector<float>();
  EXPECT_EQ(got[0], 0.0f);
  EXPECT_EQ(got[1], 1.0f);
  EXPECT_EQ(got[2], 0.2f);
}

// raw_uint8 keeps the stored bytes; pixels_to_unit_float turns them into exactly the floats
// of the default load.
TEST(LoadMnist, RawPixelsConvertToTheUnitFloatImages) {
  TempDir tmp;
  tmp.write("train-images-idx3-ubyte", images_file(kN));
  tmp.write("train-labels-idx1-ubyte", labels_file(kN));
  MnistData raw = load_mnist(tmp.dir(), MnistSplit::train, MnistPixels::raw_uint8);
  ASSERT_EQ(raw.images.dtype(), DType::uint8);
  ASSERT_EQ(raw.images.sizes(), (Shape{kN, 1, 28, 28}));
  EXPECT_EQ(raw.images.to_vector<uint8_t>(), pixels(kN));
  Tensor converted = pixels_to_unit_float(raw.images);
  EXPECT_EQ(converted.to_vector<float>(),
            load_mnist(tmp.dir(), MnistSplit::train).images.to_vector<float>());
  EXPECT_THROW(pixels_to_unit_float(converted), DTypeError);
}

TEST(LoadMnist, PrefersTheRawFileWhenBothExist) {
  TempDir tmp;
  tmp.write("train-images-idx3-ubyte", images_file(kN));
  tmp.write_gz("train-images-idx3-ubyte.gz", images_file(2));
  tmp.write("train-labels-idx1-ubyte", labels_file(kN));
  EXPECT_EQ(load_mnist(tmp.dir(), MnistSplit::train).images.size(0), kN);
}

TEST(LoadMnist, CountMismatchNamesBothFiles) {
  TempDir tmp;
  std::string images = tmp.write("train-images-idx3-ubyte", images_file(kN));
  std::string labels = tmp.write_gz("train-labels-idx1-ubyte.gz", labels_file(kN - 1));
  std::string msg = message_of<IoError>([&] { load_mnist(tmp.dir(), MnistSplit::train); });
  EXPECT_NE(msg.find(images), std::string::npos) << msg;
  EXPECT_NE(msg.find(labels), std::string::npos) << msg;
  EXPECT_NE(msg.find("5 images"), std::string::npos) << msg;
  EXPECT_NE(msg.find("4 labels"), std::string::npos) << msg;
}

TEST(LoadMnist, MissingLabelsFileNamesBothCandidates) {
  TempDir tmp;
  tmp.write("t10k-images-idx3-ubyte", images_file(kN));
  std::string msg = message_of<IoError>([&] { load_mnist(tmp.dir(), MnistSplit::test); });
  EXPECT_NE(msg.find(tmp.path("t10k-labels-idx1-ubyte")), std::string::npos) << msg;
  EXPECT_NE(msg.find(tmp.path("t10k-labels-idx1-ubyte.gz")), std::string::npos) << msg;
}

TEST(LoadMnist, MissingDirectoryThrowsIoError) {
  TempDir tmp;
  std::string dir = tmp.path("nowhere");
  std::string msg = message_of<IoError>([&] { load_mnist(dir, MnistSplit::train); });
  EXPECT_NE(msg.find(dir), std::string::npos) << msg;
}

TEST(LoadMnist, ImagesWithWrongNdimsThrowIoErrorNamingTheFile) {
  TempDir tmp;
  std::string images = tmp.write("train-images-idx3-ubyte", idx_uint8({kN, 784}, pixels(kN)));
  tmp.write("train-labels-idx1-ubyte", labels_file(kN));
  std::string msg = message_of<IoError>([&] { load_mnist(tmp.dir(), MnistSplit::train); });
  EXPECT_NE(msg.find(images), std::string::npos) << msg;
  EXPECT_NE(msg.find("3 dims"), std::string::npos) << msg;
}

TEST(LoadMnist, LabelsOfTheWrongTypeThrowIoErrorNamingTheFile) {
  TempDir tmp;
  tmp.write("train-images-idx3-ubyte", images_file(1));
  std::vector<uint8_t> labels = idx_header(0x0C, {1});
  labels.insert(labels.end(), {0, 0, 0, 3});
  std::string path = tmp.write("train-labels-idx1-ubyte", labels);
  std::string msg = message_of<IoError>([&] { load_mnist(tmp.dir(), MnistSplit::train); });
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("uint8"), std::string::npos) << msg;
}

TEST(LoadMnist, CorruptImagesFileNamesIt) {
  TempDir tmp;
  std::vector<uint8_t> bytes = images_file(kN);
  bytes.pop_back();
  std::string images = tmp.write_gz("train-images-idx3-ubyte.gz", bytes);
  tmp.write("train-labels-idx1-ubyte", labels_file(kN));
  std::string msg = message_of<IoError>([&] { load_mnist(tmp.dir(), MnistSplit::train); });
  EXPECT_NE(msg.find(images), std::string::npos) << msg;
  EXPECT_NE(msg.find("needs 3920 bytes"), std::string::npos) << msg;
}

TEST(MnistDataset, ExamplesAreImageAndScalarLabel) {
  TempDir tmp;
  tmp.write("train-images-idx3-ubyte", images_file(kN));
  tmp.write("train-labels-idx1-ubyte", labels_file(kN));
  MnistDataset ds(tmp.dir(), MnistSplit::train);
  ASSERT_EQ(ds.size(), kN);
  Example ex = ds.get(2);
  EXPECT_EQ(ex.input.sizes(), (Shape{1, 28, 28}));
  EXPECT_EQ(ex.input.dtype(), DType::float32);
  EXPECT_EQ(ex.target.sizes(), Shape{});
  EXPECT_EQ(ex.target.item<int64_t>(), 7);
  EXPECT_EQ(ex.input.to_vector<float>()[0], static_cast<float>(pixels(kN)[2 * 784]) / 255.0f);
}

TEST(FashionMnist, ClassNamesMatchTorchvision) {
  const auto& names = fashion_mnist_classes();
  EXPECT_STREQ(names[0], "T-shirt/top");
  EXPECT_STREQ(names[5], "Sandal");
  EXPECT_STREQ(names[9], "Ankle boot");
}

TEST(FashionMnist, RealTestSetHas1000ImagesPerClass) {
  if (!std::filesystem::is_directory("/usr/share/datasets/fashion-mnist")) {
    GTEST_SKIP() << "/usr/share/datasets/fashion-mnist is missing: run scripts/setup.sh or "
                    "install the Debian package dataset-fashion-mnist";
  }
  MnistData d = load_mnist(fashion_mnist_dir(), MnistSplit::test);
  ASSERT_EQ(d.images.sizes(), (Shape{10000, 1, 28, 28}));
  ASSERT_EQ(d.labels.sizes(), (Shape{10000}));
  std::vector<int64_t> histogram(10, 0);
  for (int64_t label : d.labels.to_vector<int64_t>()) {
    ASSERT_TRUE(label >= 0 && label < 10) << label;
    ++histogram[static_cast<size_t>(label)];
  }
  EXPECT_EQ(histogram, std::vector<int64_t>(10, 1000));
  const float* p = d.images.data<float>();
  float lo = 1.0f, hi = 0.0f;
  for (int64_t i = 0; i < d.images.numel(); ++i) {
    lo = std::min(lo, p[i]);
    hi = std::max(hi, p[i]);
  }
  EXPECT_EQ(lo, 0.0f);
  EXPECT_EQ(hi, 1.0f);
}

}  // namespace
}  // namespace ember::data
