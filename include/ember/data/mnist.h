// MNIST and Fashion-MNIST from their IDX files, as tensors or as a Dataset.
//
// A directory holds {train,t10k}-images-idx3-ubyte and {train,t10k}-labels-idx1-ubyte, each
// raw or with a .gz suffix (the raw file wins when both exist). Images come back as float32 in
// [0, 1] (pixel / 255, as torchvision's ToTensor), or as the stored uint8 pixels (a quarter of
// the memory, as torchvision's dataset.data; convert batches with pixels_to_unit_float), shaped
// (N,1,H,W) with H = W = 28 for both datasets; labels as int64 (N). Fashion-MNIST is the
// Debian package dataset-fashion-mnist.
#pragma once

#include <array>
#include <string>

#include "ember/core/tensor.h"
#include "ember/data/dataset.h"

namespace ember::data {

enum class MnistSplit { train, test };

/// How load_mnist returns the pixels.
enum class MnistPixels {
  unit_float,  ///< float32 in [0, 1]
  raw_uint8,   ///< uint8 as stored, 0..255
};

struct MnistData {
  Tensor images;  // (N,1,H,W) float32 in [0, 1], or uint8 with MnistPixels::raw_uint8
  Tensor labels;  // (N) int64
};

/// Loads one split from `dir`. Throws IoError naming the file when one is missing (neither raw
/// nor .gz), corrupt (see read_idx), not uint8, has the wrong number of dims (images 3,
/// labels 1), or when the image and label counts differ (naming both files).
MnistData load_mnist(const std::string& dir, MnistSplit split,
                     MnistPixels pixels = MnistPixels::unit_float);

/// uint8 pixels -> float32 pixel / 255 (the values MnistPixels::unit_float gives), any shape.
/// DTypeError for another dtype.
Tensor pixels_to_unit_float(const Tensor& pixels);

/// The examples of load_mnist: input (1,H,W) float32, target () int64.
class MnistDataset : public TensorDataset {
 public:
  MnistDataset(const std::string& dir, MnistSplit split);
  explicit MnistDataset(const MnistData& data);
};

/// Where the Debian package dataset-fashion-mnist installs the dataset. Throws IoError with
/// the fix (run scripts/setup.sh, or install the package) when the directory is absent.
std::string fashion_mnist_dir();

/// Fashion-MNIST's class names by label, as torchvision.datasets.FashionMNIST.classes.
const std::array<const char*, 10>& fashion_mnist_classes();

}  // namespace ember::data
