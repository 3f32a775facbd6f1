// Embedding module.
#include "ember/nn/embedding.h"

#include "ember/autograd/grad_mode.h"
#include "ember/nn/init.h"
#include "ember/ops/factory.h"
#include "ember/ops/shape.h"

namespace ember::nn {

Embedding::Embedding(EmbeddingOptions o) : options(o) {
  EMBER_CHECK(o.num_embeddings > 0 && o.embedding_dim > 0,
              "Embedding: expected positive num_embeddings and embedding_dim, got ",
              o.num_embeddings, " and ", o.embedding_dim);
  if (o.padding_idx) {
    int64_t p = *o.padding_idx;
    EMBER_CHECK_INDEX(p >= -o.num_embeddings && p < o.num_embeddings,
                      "Embedding: padding_idx ", p, " out of range for ", o.num_embeddings,
                      " embeddings");
    if (p < 0) options.padding_idx = p + o.num_embeddings;
  }
  weight = empty({o.num_embeddings, o.embedding_dim});
  init::normal_(weight);
  if (options.padding_idx) {
    autograd::NoGradGuard no_grad;
    weight.select(0, *options.padding_idx).zero_();
  }
  register_parameter("weight", weight);
}

std::string Embedding::extra_repr() const {
  std::string r = std::to_string(options.num_embeddings) + ", " +
                  std::to_string(options.embedding_dim);
  if (options.padding_idx) r += ", padding_idx=" + std::to_string(*options.padding_idx);
  return r;
}

Tensor Embedding::forward(const Tensor& indices) {
  return embedding(indices, weight, options.padding_idx);
}

}  // namespace ember::nn
