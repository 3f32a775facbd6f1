// Embedding: a lookup table of num_embeddings vectors of embedding_dim.
#pragma once

#include <optional>

#include "ember/nn/module.h"

namespace ember::nn {

struct EmbeddingOptions {
  int64_t num_embeddings = 0;
  int64_t embedding_dim = 0;
  /// This row is zero at initialisation and gets no gradient.
  std::optional<int64_t> padding_idx = std::nullopt;
};

/// indices (any shape, int64 or int32) -> (..., embedding_dim). Weight N(0, 1), as PyTorch.
class Embedding : public Module {
 public:
  explicit Embedding(EmbeddingOptions options);
  std::string type_name() const override { return "Embedding"; }
  std::string extra_repr() const override;
  Tensor forward(const Tensor& indices) override;

  EmbeddingOptions options;
  Tensor weight;
};

}  // namespace ember::nn
