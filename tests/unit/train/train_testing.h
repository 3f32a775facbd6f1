// Test helpers for train/ and the CLI: a temporary directory, and a small synthetic
// MNIST-shaped classification problem (in memory, or as IDX files on disk) that an MLP learns
// in a few steps, so that tests never need the real dataset.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "ember/ops/factory.h"
#include "ember/train/data.h"
#include "unit/data/idx_files.h"
#include "unit/temp_dir.h"

namespace ember::train::testing {

using test_support::TempDir;

/// Pixels (n,28,28) and labels (n) of the synthetic problem: class k is a fixed random
/// pattern of bright pixels plus noise. `offset` picks disjoint examples (train vs test).
inline void synthetic_pixels(int64_t n, int64_t offset, std::vector<uint8_t>& pixels,
                             std::vector<uint8_t>& labels) {
  auto hash = [](uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
  };
  pixels.resize(static_cast<size_t>(n * 784));
  labels.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    uint64_t id = static_cast<uint64_t>(i + offset);
    auto label = static_cast<uint8_t>(hash(id) % 10);
    labels[static_cast<size_t>(i)] = label;
    for (int64_t p = 0; p < 784; ++p) {
      bool on = hash(1000003ull * (label + 1) + static_cast<uint64_t>(p)) % 4 == 0;
      uint64_t noise = hash(id * 7919ull + static_cast<uint64_t>(p) + (1ull << 40)) % 96;
      pixels[static_cast<size_t>(i * 784 + p)] = static_cast<uint8_t>((on ? 150 : 0) + noise);
    }
  }
}

/// The synthetic problem in memory, as load_classification_data returns data.
inline ClassificationData synthetic_data(int64_t n_train, int64_t n_test) {
  auto split = [](int64_t n, int64_t offset) {
    std::vector<uint8_t> pixels, labels;
    synthetic_pixels(n, offset, pixels, labels);
    std::vector<float> x(pixels.size());
    for (size_t i = 0; i < pixels.size(); ++i) x[i] = static_cast<float>(pixels[i]) / 255.0f;
    std::vector<int64_t> y(labels.begin(), labels.end());
    return std::make_shared<data::TensorDataset>(from_vector(x, {n, 1, 28, 28}),
                                                 from_vector(y, {n}));
  };
  ClassificationData d;
  d.train = split(n_train, 0);
  d.test = split(n_test, 1 << 20);
  d.normalization = {0.25, 0.3};
  for (int c = 0; c < 10; ++c) d.class_names.push_back(std::to_string(c));
  d.dir = "synthetic";
  return d;
}

/// Writes the synthetic problem as the four raw IDX files of an MNIST directory.
inline void write_idx_dir(const std::string& dir, int64_t n_train, int64_t n_test) {
  std::filesystem::create_directories(dir);
  for (auto [prefix, n, offset] : {std::tuple<const char*, int64_t, int64_t>{"train", n_train, 0},
                                   {"t10k", n_test, 1 << 20}}) {
    std::vector<uint8_t> pixels, labels;
    synthetic_pixels(n, offset, pixels, labels);
    const auto count = static_cast<uint32_t>(n);
    test_support::write_file(dir + "/" + prefix + "-images-idx3-ubyte",
                             data::testing::idx_uint8({count, 28, 28}, pixels));
    test_support::write_file(dir + "/" + prefix + "-labels-idx1-ubyte",
                             data::testing::idx_uint8({count}, labels));
  }
}

}  // namespace ember::train::testing
