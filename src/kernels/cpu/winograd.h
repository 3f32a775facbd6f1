// Winograd F(2x2, 3x3) convolution for float32: conv2d and both of its gradients with 2.25x
// fewer multiply-adds than im2col + GEMM (see Note [Winograd convolution] in winograd.cpp).
// Internal to the CPU kernels: conv.cpp routes the shapes that winograd_applies() accepts
// here. Raw pointers, contiguous NCHW tensors, arguments trusted (as every kernel).
#pragma once

#include "kernels/kernels.h"
#include "kernels/window.h"

namespace ember::cpu {

/// True for the convolutions these kernels compute, and where they beat im2col + GEMM: 3x3,
/// stride 1, dilation 1, one group, padding 0..2 on each side (the input gradient is then a
/// padded 3x3 convolution too) and at least 16 input and output channels.
bool winograd_applies(const kernels::ConvShape& s, const kernels::Conv2dArgs& a);

/// x (N, C, H, W), w (OC, C, 3, 3) -> y (N, OC, OH, OW), overwritten.
void winograd_conv2d(const float* x, const float* w, float* y, const kernels::ConvShape& s,
                     const kernels::Conv2dArgs& a);

/// dy (N, OC, OH, OW), w (OC, C, 3, 3) -> dx (N, C, H, W), overwritten.
void winograd_conv2d_backward_input(const float* dy, const float* w, float* dx,
                                    const kernels::ConvShape& s, const kernels::Conv2dArgs& a);

/// dy (N, OC, OH, OW), x (N, C, H, W) -> dw (OC, C, 3, 3), overwritten.
void winograd_conv2d_backward_weight(const float* dy, const float* x, float* dw,
                                     const kernels::ConvShape& s, const kernels::Conv2dArgs& a);

}  // namespace ember::cpu
