// TensorDataset, Subset and random_split.
#include "ember/data/dataset.h"

#include <cmath>
#include <numeric>

#include "ember/ops/factory.h"

namespace ember::data {

namespace {

void check_index(int64_t index, int64_t size, const char* what) {
  EMBER_CHECK_INDEX(index >= 0 && index < size, what, ": expected an index in [0, ", size,
                    "), got ", index);
}

}  // namespace

TensorDataset::TensorDataset(Tensor inputs, Tensor targets) {
  EMBER_CHECK(inputs.defined(), "TensorDataset: expected a defined inputs tensor");
  EMBER_CHECK_SHAPE(inputs.dim() >= 1,
                    "TensorDataset: expected inputs with at least 1 dim (N,...), got shape ",
                    shape_str(inputs.sizes()));
  if (targets.defined()) {
    EMBER_CHECK_SHAPE(targets.dim() >= 1,
                      "TensorDataset: expected targets with at least 1 dim (N,...), got shape ",
                      shape_str(targets.sizes()));
    EMBER_CHECK_SHAPE(targets.size(0) == inputs.size(0),
                      "TensorDataset: expected inputs and targets of the same size along dim 0, "
                      "got inputs.shape=",
                      shape_str(inputs.sizes()), ", targets.shape=", shape_str(targets.sizes()));
    targets_ = targets.detach();
  }
  inputs_ = inputs.detach();
}

int64_t TensorDataset::size() const { return inputs_.size(0); }

Example TensorDataset::get(int64_t index) const {
  check_index(index, size(), "TensorDataset::get");
  return {inputs_.select(0, index), targets_.defined() ? targets_.select(0, index) : Tensor()};
}

Subset::Subset(std::shared_ptr<const Dataset> dataset, std::vector<int64_t> indices)
    : dataset_(std::move(dataset)), indices_(std::move(indices)) {
  EMBER_CHECK(dataset_ != nullptr, "Subset: expected a dataset, got nullptr");
  int64_t n = dataset_->size();
  for (size_t i = 0; i < indices_.size(); ++i) {
    EMBER_CHECK_INDEX(indices_[i] >= 0 && indices_[i] < n, "Subset: expected indices in [0, ", n,
                      "), got indices[", i, "] = ", indices_[i]);
  }
}

Example Subset::get(int64_t index) const {
  check_index(index, size(), "Subset::get");
  return dataset_->get(indices_[static_cast<size_t>(index)]);
}

std::vector<std::shared_ptr<Subset>> random_split(std::shared_ptr<const Dataset> dataset,
                                                  const std::vector<int64_t>& lengths,
                                                  Generator& generator) {
  EMBER_CHECK(dataset != nullptr, "random_split: expected a dataset, got nullptr");
  int64_t total = 0;
  for (size_t i = 0; i < lengths.size(); ++i) {
    EMBER_CHECK(lengths[i] >= 0, "random_split: expected non-negative lengths, got lengths[", i,
                "] = ", lengths[i]);
    total += lengths[i];
  }
  EMBER_CHECK(total == dataset->size(),
              "random_split: expected lengths summing to the dataset size ", dataset->size(),
              ", got a sum of ", total);
  std::vector<int64_t> perm = randperm(total, &generator).to_vector<int64_t>();
  std::vector<std::shared_ptr<Subset>> out;
  auto begin = perm.begin();
  for (int64_t len : lengths) {
    out.push_back(std::make_shared<Subset>(dataset, std::vector<int64_t>(begin, begin + len)));
    begin += len;
  }
  return out;
}

std::vector<std::shared_ptr<Subset>> random_split_fractions(std::shared_ptr<const Dataset> dataset,
                                                            const std::vector<double>& fractions,
                                                            Generator& generator) {
  EMBER_CHECK(dataset != nullptr, "random_split_fractions: expected a dataset, got nullptr");
  EMBER_CHECK(!fractions.empty(), "random_split_fractions: expected at least one fraction");
  double sum = 0.0;
  for (size_t i = 0; i < fractions.size(); ++i) {
    EMBER_CHECK(fractions[i] >= 0.0 && fractions[i] <= 1.0,
                "random_split_fractions: expected fractions in [0, 1], got fractions[", i,
                "] = ", fractions[i]);
    sum += fractions[i];
  }
  EMBER_CHECK(std::abs(sum - 1.0) <= 1e-6,
              "random_split_fractions: expected fractions summing to 1, got a sum of ", sum);
  int64_t n = dataset->size();
  std::vector<int64_t> lengths;
  for (double f : fractions) {
    lengths.push_back(static_cast<int64_t>(std::floor(static_cast<double>(n) * f)));
  }
  int64_t remainder = n - std::accumulate(lengths.begin(), lengths.end(), int64_t{0});
  for (int64_t i = 0; i < remainder; ++i) {
    lengths[static_cast<size_t>(i) % lengths.size()] += 1;
  }
  return random_split(std::move(dataset), lengths, generator);
}

}  // namespace ember::data
