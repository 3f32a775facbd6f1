// Convolution layers: Conv1d, Conv2d, ConvTranspose2d.
#pragma once

#include "ember/nn/module.h"
#include "ember/ops/nn_functional.h"

namespace ember::nn {

struct Conv1dOptions {
  int64_t in_channels = 0;
  int64_t out_channels = 0;
  int64_t kernel_size = 1;
  int64_t stride = 1;
  int64_t padding = 0;
  int64_t dilation = 1;
  int64_t groups = 1;
  bool bias = true;
};

/// x (N, C, L) -> (N, OC, OL); weight (OC, C / groups, K), PyTorch's initialisation.
class Conv1d : public Module {
 public:
  explicit Conv1d(Conv1dOptions options);
  std::string type_name() const override { return "Conv1d"; }
  std::string extra_repr() const override;
  Tensor forward(const Tensor& x) override;

  Conv1dOptions options;
  Tensor weight;
  Tensor bias;
};

struct Conv2dOptions {
  int64_t in_channels = 0;
  int64_t out_channels = 0;
  Size2 kernel_size = {1, 1};
  Size2 stride = {1, 1};
  Size2 padding = {0, 0};
  Size2 dilation = {1, 1};
  int64_t groups = 1;
  bool bias = true;
};

/// x (N, C, H, W) -> (N, OC, OH, OW); weight (OC, C / groups, KH, KW).
class Conv2d : public Module {
 public:
  explicit Conv2d(Conv2dOptions options);
  std::string type_name() const override { return "Conv2d"; }
  std::string extra_repr() const override;
  Tensor forward(const Tensor& x) override;

  Conv2dOptions options;
  Tensor weight;
  Tensor bias;
};

struct ConvTranspose2dOptions {
  int64_t in_channels = 0;
  int64_t out_channels = 0;
  Size2 kernel_size = {1, 1};
  Size2 stride = {1, 1};
  Size2 padding = {0, 0};
  Size2 output_padding = {0, 0};
  int64_t groups = 1;
  bool bias = true;
  Size2 dilation = {1, 1};
};

/// x (N, C, H, W) -> (N, OC, OH, OW); weight (C, OC / groups, KH, KW).
class ConvTranspose2d : public Module {
 public:
  explicit ConvTranspose2d(ConvTranspose2dOptions options);
  std::string type_name() const override { return "ConvTranspose2d"; }
  std::string extra_repr() const override;
  Tensor forward(const Tensor& x) override;

  ConvTranspose2dOptions options;
  Tensor weight;
  Tensor bias;
};

}  // namespace ember::nn
