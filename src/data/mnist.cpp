// MNIST loading: find the four IDX files, validate what they hold, convert to training dtypes.
#include "ember/data/mnist.h"

#include <algorithm>
#include <filesystem>

#include "core/parallel_for.h"
#include "data/idx_layout.h"
#include "ember/ops/factory.h"

namespace ember::data {

namespace {

namespace fs = std::filesystem;

constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

std::string find_idx(const fs::path& dir, const std::string& name) {
  fs::path raw = dir / name;
  fs::path gz = dir / (name + ".gz");
  if (fs::is_regular_file(raw)) return raw.string();
  if (fs::is_regular_file(gz)) return gz.string();
  EMBER_THROW(IoError, "load_mnist: missing file: neither ", raw.string(), " nor ", gz.string(),
              " exists");
}

// Division, not multiplication by 1/255, so the values equal torchvision's float().div(255).
void unit_float(const uint8_t* pixels, int64_t n, float* out) {
  parallel_for(0, n, 1, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) out[i] = static_cast<float>(pixels[i]) / 255.0f;
  });
}

struct IdxFile {
  std::vector<uint8_t> bytes;  // decompressed
  detail::IdxLayout layout;
};

// A validated uint8 IDX file of `ndims` dims.
IdxFile read_uint8_idx(const std::string& path, size_t ndims, const char* what) {
  std::vector<uint8_t> bytes = detail::read_idx_bytes(path);
  detail::IdxLayout layout = detail::parse_idx_layout(bytes, path);
  EMBER_CHECK_IO(layout.dtype == DType::uint8, path, ": expected MNIST ", what,
                 " of type uint8 (0x08), got ", layout.dtype);
  EMBER_CHECK_IO(layout.shape.size() == ndims, path, ": expected MNIST ", what, " with ", ndims,
                 " dims, got shape ", shape_str(layout.shape));
  return {std::move(bytes), std::move(layout)};
}

}  // namespace

MnistData load_mnist(const std::string& dir, MnistSplit split, MnistPixels pixels_as) {
  EMBER_CHECK_IO(fs::is_directory(dir), "load_mnist: ", dir, " is not a directory");
  std::string prefix = split == MnistSplit::train ? "train" : "t10k";
  std::string images_path = find_idx(dir, prefix + "-images-idx3-ubyte");
  std::string labels_path = find_idx(dir, prefix + "-labels-idx1-ubyte");
  IdxFile images = read_uint8_idx(images_path, 3, "images");
  IdxFile labels = read_uint8_idx(labels_path, 1, "labels");
  const Shape& shape = images.layout.shape;
  int64_t N = shape[0], H = shape[1], W = shape[2];
  EMBER_CHECK_IO(N == labels.layout.shape[0], "load_mnist: expected as many labels as images, got ",
                 N, " images in ", images_path, " and ", labels.layout.shape[0], " labels in ",
                 labels_path);

  const bool raw = pixels_as == MnistPixels::raw_uint8;
  MnistData data{empty({N, 1, H, W}, {.dtype = raw ? DType::uint8 : DType::float32}),
                 empty({N}, {.dtype = DType::int64})};
  const uint8_t* pixels = images.bytes.data() + images.layout.header_bytes;
  if (raw) {
    std::copy(pixels, pixels + data.images.numel(), data.images.data<uint8_t>());
  } else {
    unit_float(pixels, data.images.numel(), data.images.data<float>());
  }
  const uint8_t* l = labels.bytes.data() + labels.layout.header_bytes;
  int64_t* targets = data.labels.data<int64_t>();
  for (int64_t i = 0; i < N; ++i) targets[i] = l[i];
  return data;
}

Tensor pixels_to_unit_float(const Tensor& pixels) {
  EMBER_CHECK_DTYPE(pixels.dtype() == DType::uint8,
                    "pixels_to_unit_float: expected uint8 pixels, got ", pixels.dtype());
  Tensor p = pixels.contiguous();
  Tensor out = empty(p.sizes());
  unit_float(p.data<uint8_t>(), p.numel(), out.data<float>());
  return out;
}

MnistDataset::MnistDataset(const std::string& dir, MnistSplit split)
    : MnistDataset(load_mnist(dir, split)) {}

MnistDataset::MnistDataset(const MnistData& data) : TensorDataset(data.images, data.labels) {}

std::string fashion_mnist_dir() {
  EMBER_CHECK_IO(fs::is_directory(kFashionMnistDir), "fashion_mnist_dir: ", kFashionMnistDir,
                 " does not exist; run scripts/setup.sh, or install the Debian package "
                 "dataset-fashion-mnist (sudo apt-get install dataset-fashion-mnist)");
  return kFashionMnistDir;
}

const std::array<const char*, 10>& fashion_mnist_classes() {
  static const std::array<const char*, 10> kClasses = {
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
      "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return kClasses;
}

}  // namespace ember::data
