// Loading the classification splits and normalising batches.
#include "ember/train/data.h"

#include <cmath>
#include <filesystem>

#include "ember/data/mnist.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/shape.h"

namespace ember::train {

namespace {

// Views of the first `limit` examples (no copy).
std::shared_ptr<const data::Dataset> make_split(const data::MnistData& d,
                                                std::optional<int64_t> limit) {
  int64_t n = limit ? std::min(*limit, d.images.size(0)) : d.images.size(0);
  return std::make_shared<data::TensorDataset>(d.images.narrow(0, 0, n), d.labels.narrow(0, 0, n));
}

void check_labels(const Tensor& labels, const std::string& dir, const char* split) {
  const int64_t* l = labels.data<int64_t>();
  for (int64_t i = 0; i < labels.numel(); ++i) {
    EMBER_CHECK_IO(l[i] >= 0 && l[i] < kNumClasses, "data: ", dir, ": ", split, " label ", i,
                   " is ", l[i], ", expected a class in [0, ", kNumClasses, ")");
  }
}

// Mean and (population) standard deviation of every pixel in [0, 1] (uint8 pixels / 255 in
// float32, the values the model sees), accumulated in double.
Normalization statistics(const Tensor& pixels) {
  const uint8_t* p = pixels.data<uint8_t>();
  int64_t n = pixels.numel();
  if (n == 0) return {};
  double sum = 0, sum_sq = 0;
  for (int64_t i = 0; i < n; ++i) {
    const float v = static_cast<float>(p[i]) / 255.0f;
    sum += v;
    sum_sq += static_cast<double>(v) * v;
  }
  double mean = sum / static_cast<double>(n);
  double var = sum_sq / static_cast<double>(n) - mean * mean;
  return {mean, var > 0 ? std::sqrt(var) : 1.0};
}

}  // namespace

Tensor Normalization::apply(const Tensor& x) const {
  return ((x.dtype() == DType::uint8 ? data::pixels_to_unit_float(x) : x) - mean) / std;
}

std::string resolve_data_dir(const std::string& data) {
  if (data == "fashion-mnist") return data::fashion_mnist_dir();
  EMBER_CHECK_IO(std::filesystem::is_directory(data), "data: '", data,
                 "' is neither 'fashion-mnist' nor a directory of MNIST-format IDX files");
  return data;
}

ClassificationData load_classification_data(const std::string& data,
                                            const LoadDataOptions& options) {
  ClassificationData out;
  out.dir = resolve_data_dir(data);
  // uint8 pixels: a quarter of float32's memory; batches become floats in Normalization.
  data::MnistData test =
      data::load_mnist(out.dir, data::MnistSplit::test, data::MnistPixels::raw_uint8);
  check_labels(test.labels, out.dir, "test");
  out.test = make_split(test, options.limit_test);
  if (options.load_train) {
    data::MnistData train =
        data::load_mnist(out.dir, data::MnistSplit::train, data::MnistPixels::raw_uint8);
    check_labels(train.labels, out.dir, "train");
    out.normalization = statistics(train.images);
    out.train = make_split(train, options.limit_train);
  }
  if (data == "fashion-mnist") {
    for (const char* name : data::fashion_mnist_classes()) out.class_names.emplace_back(name);
  } else {
    for (int64_t c = 0; c < kNumClasses; ++c) out.class_names.push_back(std::to_string(c));
  }
  return out;
}

}  // namespace ember::train
