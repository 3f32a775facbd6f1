// Op table: convolution, pooling and interpolation. PyTorch's side of each case is in
// scripts/gen_reference/ops_conv.py, keyed by case name with the same arguments.
//
// Shapes are odd and small (gradcheck perturbs every input element); the few larger cases
// exist to reach the fast kernels' blocking and threading paths (GEMM panels wider than
// 256 columns and deeper than 128, several images per thread) and skip gradcheck.
#include "ops/op_case.h"

namespace ember::test {

namespace {

using In = const std::vector<Tensor>&;

void add_conv2d_cases(std::vector<OpCase>& c) {
  c.push_back({.name = "conv2d_bias_n1",
               .op = "conv2d",
               .inputs = {uniform({1, 3, 5, 7}), uniform({4, 3, 3, 3}), uniform({4})},
               .fn = one([](In in) { return conv2d(in[0], in[1], in[2]); })});
  c.push_back({.name = "conv2d_stride_padding",
               .op = "conv2d",
               .inputs = {uniform({3, 2, 5, 6}), uniform({3, 2, 3, 2}), uniform({3})},
               .fn = one([](In in) {
                 return conv2d(in[0], in[1], in[2], {.stride = {2, 1}, .padding = {1, 2}});
               })});
  c.push_back({.name = "conv2d_dilation2_no_bias",
               .op = "conv2d",
               .inputs = {uniform({2, 2, 7, 7}), uniform({2, 2, 3, 3})},
               .fn = one([](In in) {
                 return conv2d(in[0], in[1], Tensor(), {.padding = {2, 1}, .dilation = {2, 2}});
               })});
  c.push_back({.name = "conv2d_groups2",
               .op = "conv2d",
               .inputs = {uniform({1, 4, 5, 6}), uniform({6, 2, 3, 3}), uniform({6})},
               .fn = one([](In in) {
                 return conv2d(in[0], in[1], in[2], {.padding = {1, 1}, .groups = 2});
               })});
  c.push_back(
      {.name = "conv2d_depthwise_stride2",
       .op = "conv2d",
       .inputs = {uniform({2, 3, 6, 5}), uniform({3, 1, 3, 3}), uniform({3})},
       .fn = one([](In in) {
         return conv2d(in[0], in[1], in[2], {.stride = {2, 2}, .padding = {1, 1}, .groups = 3});
       })});
  c.push_back({.name = "conv2d_depthwise_multiplier",
               .op = "conv2d",
               .inputs = {uniform({1, 2, 5, 5}), uniform({4, 1, 3, 2})},
               .fn = one([](In in) { return conv2d(in[0], in[1], Tensor(), {.groups = 2}); })});
  // Pointwise: goes straight to GEMM on the input plane.
  c.push_back({.name = "conv2d_1x1",
               .op = "conv2d",
               .inputs = {uniform({3, 4, 3, 5}), uniform({5, 4, 1, 1}), uniform({5})},
               .fn = one([](In in) { return conv2d(in[0], in[1], in[2]); })});
  c.push_back({.name = "conv2d_1x1_stride2_padded",
               .op = "conv2d",
               .inputs = {uniform({2, 3, 5, 5}), uniform({4, 3, 1, 1})},
               .fn = one([](In in) {
                 return conv2d(in[0], in[1], Tensor(), {.stride = {2, 2}, .padding = {1, 0}});
               })});
  c.push_back({.name = "conv2d_unbatched",
               .op = "conv2d",
               .inputs = {uniform({2, 5, 6}), uniform({3, 2, 2, 3}), uniform({3})},
               .fn = one([](In in) {
                 return conv2d(in[0], in[1], in[2], {.padding = {0, 1}});
               })});
  c.push_back({.name = "conv2d_empty_batch",
               .op = "conv2d",
               .inputs = {uniform({0, 2, 4, 4}), uniform({3, 2, 3, 3}), uniform({3})},
               .fn = one([](In in) { return conv2d(in[0], in[1], in[2]); })});
  // One image: CK = 135 > 128 and OH * OW = 273 > 256, so every GEMM is blocked both ways
  // and threaded over rows.
  c.push_back({.name = "conv2d_large_one_image",
               .op = "conv2d",
               .inputs = {uniform({1, 15, 13, 21}), uniform({6, 15, 3, 3}), uniform({6})},
               .fn = one([](In in) {
                 return conv2d(in[0], in[1], in[2], {.padding = {1, 1}});
               }),
               .atol = 1e-4,
               .gradcheck = false});
  // Several images per thread, and the weight gradient summed from per-thread slices.
  c.push_back({.name = "conv2d_large_batch",
               .op = "conv2d",
               .inputs = {uniform({5, 6, 9, 10}), uniform({8, 3, 3, 3}), uniform({8})},
               .fn = one([](In in) {
                 return conv2d(in[0], in[1], in[2], {.padding = {1, 1}, .groups = 2});
               }),
               .atol = 1e-4,
               .gradcheck = false});
}

// Winograd F(2x2, 3x3) (kernels/cpu/winograd.cpp): float32 3x3 stride-1 convolutions with
// at least 16 channels each side. Odd planes leave edge tiles hanging over the output; pads
// 0 and 2 make the input gradient's padding 2 and 0; a 1x1 plane is a single cropped tile;
// 128 channels cut the batch into many chunks over the threads.
void add_conv2d_winograd_cases(std::vector<OpCase>& c) {
  c.push_back({.name = "conv2d_winograd_odd_plane",
               .op = "conv2d",
               .inputs = {uniform({3, 16, 7, 9}), uniform({20, 16, 3, 3}), uniform({20})},
               .fn = one([](In in) { return conv2d(in[0], in[1], in[2], {.padding = {1, 1}}); }),
               .gradcheck = false});
  c.push_back({.name = "conv2d_winograd_pad0",
               .op = "conv2d",
               .inputs = {uniform({2, 16, 6, 5}), uniform({16, 16, 3, 3})},
               .fn = one([](In in) { return conv2d(in[0], in[1], Tensor()); }),
               .gradcheck = false});
  c.push_back({.name = "conv2d_winograd_pad2_0",
               .op = "conv2d",
               .inputs = {uniform({2, 17, 5, 8}), uniform({18, 17, 3, 3}), uniform({18})},
               .fn = one([](In in) { return conv2d(in[0], in[1], in[2], {.padding = {2, 0}}); }),
               .gradcheck = false});
  c.push_back({.name = "conv2d_winograd_1x1_plane",
               .op = "conv2d",
               .inputs = {uniform({2, 16, 1, 1}), uniform({16, 16, 3, 3}), uniform({16})},
               .fn = one([](In in) { return conv2d(in[0], in[1], in[2], {.padding = {1, 1}}); }),
               .gradcheck = false});
  c.push_back({.name = "conv2d_winograd_chunks",
               .op = "conv2d",
               .inputs = {uniform({3, 128, 10, 13}), uniform({130, 128, 3, 3}), uniform({130})},
               .fn = one([](In in) { return conv2d(in[0], in[1], in[2], {.padding = {1, 1}}); }),
               .atol = 1e-4,
               .gradcheck = false});
}

void add_conv1d_cases(std::vector<OpCase>& c) {
  c.push_back(
      {.name = "conv1d_stride_padding",
       .op = "conv1d",
       .inputs = {uniform({2, 3, 9}), uniform({4, 3, 3}), uniform({4})},
       .fn = one([](In in) { return conv1d(in[0], in[1], in[2], {.stride = 2, .padding = 1}); })});
  c.push_back({.name = "conv1d_dilation_groups",
               .op = "conv1d",
               .inputs = {uniform({1, 4, 11}), uniform({6, 2, 2})},
               .fn = one([](In in) {
                 return conv1d(in[0], in[1], Tensor(), {.dilation = 3, .groups = 2});
               })});
  c.push_back({.name = "conv1d_unbatched",
               .op = "conv1d",
               .inputs = {uniform({3, 7}), uniform({2, 3, 4}), uniform({2})},
               .fn = one([](In in) { return conv1d(in[0], in[1], in[2]); })});
}

void add_conv_transpose2d_cases(std::vector<OpCase>& c) {
  c.push_back({.name = "conv_transpose2d_bias",
               .op = "conv_transpose2d",
               .inputs = {uniform({2, 3, 4, 5}), uniform({3, 2, 3, 3}), uniform({2})},
               .fn = one([](In in) { return conv_transpose2d(in[0], in[1], in[2]); })});
  c.push_back({.name = "conv_transpose2d_stride_output_padding",
               .op = "conv_transpose2d",
               .inputs = {uniform({1, 2, 4, 3}), uniform({2, 3, 3, 2}), uniform({3})},
               .fn = one([](In in) {
                 return conv_transpose2d(
                     in[0], in[1], in[2],
                     {.stride = {2, 3}, .padding = {1, 0}, .output_padding = {1, 2}});
               })});
  c.push_back({.name = "conv_transpose2d_groups_dilation",
               .op = "conv_transpose2d",
               .inputs = {uniform({2, 4, 3, 3}), uniform({4, 1, 2, 3})},
               .fn = one([](In in) {
                 return conv_transpose2d(in[0], in[1], Tensor(),
                                         {.padding = {1, 1}, .groups = 2, .dilation = {2, 1}});
               })});
  // output_padding >= stride (allowed because < dilation): the output has a row and column
  // that no input reaches through the conv2d size formula.
  c.push_back({.name = "conv_transpose2d_output_padding_dilation",
               .op = "conv_transpose2d",
               .inputs = {uniform({1, 2, 4, 4}), uniform({2, 2, 3, 3})},
               .fn = one([](In in) {
                 return conv_transpose2d(in[0], in[1], Tensor(),
                                         {.output_padding = {1, 1}, .dilation = {2, 2}});
               })});
  c.push_back({.name = "conv_transpose2d_unbatched",
               .op = "conv_transpose2d",
               .inputs = {uniform({2, 3, 4}), uniform({2, 3, 2, 2}), uniform({3})},
               .fn = one([](In in) {
                 return conv_transpose2d(in[0], in[1], in[2], {.stride = {2, 1}});
               })});
}

void add_max_pool2d_cases(std::vector<OpCase>& c) {
  c.push_back({.name = "max_pool2d_default_stride",
               .op = "max_pool2d",
               .inputs = {uniform({2, 3, 6, 7})},
               .fn = one([](In in) { return max_pool2d(in[0]); })});
  c.push_back({.name = "max_pool2d_padding_overlap",
               .op = "max_pool2d",
               .inputs = {uniform({1, 2, 7, 8})},
               .fn = one([](In in) {
                 return max_pool2d(
                     in[0], {.kernel_size = {3, 3}, .stride = Size2{2, 2}, .padding = {1, 1}});
               })});
  // ceil_mode: along H the extra window would start in the right padding and is dropped.
  c.push_back(
      {.name = "max_pool2d_ceil_last_window",
       .op = "max_pool2d",
       .inputs = {uniform({1, 2, 5, 6})},
       .fn = one([](In in) {
         return max_pool2d(in[0], {.kernel_size = {2, 2}, .padding = {1, 1}, .ceil_mode = true});
       })});
  c.push_back(
      {.name = "max_pool2d_dilation",
       .op = "max_pool2d",
       .inputs = {uniform({2, 2, 9, 8})},
       .fn = one([](In in) {
         return max_pool2d(
             in[0],
             {.kernel_size = {3, 2}, .stride = Size2{1, 2}, .padding = {1, 1}, .dilation = {2, 1}});
       })});
  c.push_back({.name = "max_pool2d_with_indices_ceil",
               .op = "max_pool2d",
               .inputs = {uniform({2, 2, 7, 5})},
               .fn = [](In in) {
                 auto [y, indices] = max_pool2d_with_indices(
                     in[0], {.kernel_size = {3, 2}, .stride = Size2{2, 2}, .ceil_mode = true});
                 return std::vector<Tensor>{y, indices};
               }});
  c.push_back({.name = "max_pool2d_unbatched",
               .op = "max_pool2d",
               .inputs = {uniform({3, 5, 5})},
               .fn = one([](In in) {
                 return max_pool2d(in[0], {.kernel_size = {3, 3}, .stride = Size2{1, 1}});
               })});
}

void add_avg_pool2d_cases(std::vector<OpCase>& c) {
  c.push_back({.name = "avg_pool2d_default_stride",
               .op = "avg_pool2d",
               .inputs = {uniform({2, 3, 6, 7})},
               .fn = one([](In in) { return avg_pool2d(in[0]); })});
  c.push_back({.name = "avg_pool2d_padding_exclude",
               .op = "avg_pool2d",
               .inputs = {uniform({1, 2, 7, 6})},
               .fn = one([](In in) {
                 return avg_pool2d(in[0], {.kernel_size = {3, 3},
                                           .stride = Size2{2, 2},
                                           .padding = {1, 1},
                                           .count_include_pad = false});
               })});
  // ceil_mode: along H the last window runs past the padding (the divisor counts the
  // padding, not beyond); along W the extra window would start in the padding and is dropped.
  c.push_back(
      {.name = "avg_pool2d_ceil_include_pad",
       .op = "avg_pool2d",
       .inputs = {uniform({2, 2, 6, 5})},
       .fn = one([](In in) {
         return avg_pool2d(
             in[0],
             {.kernel_size = {3, 2}, .stride = Size2{2, 2}, .padding = {1, 1}, .ceil_mode = true});
       })});
  c.push_back({.name = "avg_pool2d_ceil_exclude_pad",
               .op = "avg_pool2d",
               .inputs = {uniform({1, 3, 6, 5})},
               .fn = one([](In in) {
                 return avg_pool2d(in[0], {.kernel_size = {2, 3},
                                           .stride = Size2{3, 2},
                                           .padding = {1, 1},
                                           .ceil_mode = true,
                                           .count_include_pad = false});
               })});
  c.push_back({.name = "avg_pool2d_divisor_override",
               .op = "avg_pool2d",
               .inputs = {uniform({1, 3, 5, 5})},
               .fn = one([](In in) {
                 return avg_pool2d(in[0], {.kernel_size = {3, 3},
                                           .stride = Size2{1, 1},
                                           .padding = {1, 1},
                                           .divisor_override = 4});
               })});
  c.push_back({.name = "avg_pool2d_unbatched",
               .op = "avg_pool2d",
               .inputs = {uniform({2, 5, 7})},
               .fn = one([](In in) {
                 return avg_pool2d(in[0], {.kernel_size = {2, 3}, .stride = Size2{1, 2}});
               })});
  c.push_back({.name = "avg_pool2d_empty_batch",
               .op = "avg_pool2d",
               .inputs = {uniform({0, 2, 4, 4})},
               .fn = one([](In in) { return avg_pool2d(in[0]); })});
}

void add_adaptive_avg_pool2d_cases(std::vector<OpCase>& c) {
  c.push_back({.name = "adaptive_avg_pool2d_not_divisible",
               .op = "adaptive_avg_pool2d",
               .inputs = {uniform({2, 3, 7, 5})},
               .fn = one([](In in) {
                 return adaptive_avg_pool2d(in[0], {3, 2});
               })});
  // Output larger than the input: bins overlap.
  c.push_back({.name = "adaptive_avg_pool2d_upsample",
               .op = "adaptive_avg_pool2d",
               .inputs = {uniform({1, 2, 3, 4})},
               .fn = one([](In in) {
                 return adaptive_avg_pool2d(in[0], {5, 6});
               })});
  c.push_back({.name = "adaptive_avg_pool2d_global",
               .op = "adaptive_avg_pool2d",
               .inputs = {uniform({2, 4, 5, 6})},
               .fn = one([](In in) {
                 return adaptive_avg_pool2d(in[0], {1, 1});
               })});
  c.push_back({.name = "adaptive_avg_pool2d_unbatched",
               .op = "adaptive_avg_pool2d",
               .inputs = {uniform({3, 6, 5})},
               .fn = one([](In in) {
                 return adaptive_avg_pool2d(in[0], {4, 3});
               })});
}

void add_interpolate_cases(std::vector<OpCase>& c) {
  using Mode = InterpolateMode;
  using Scale = std::array<double, 2>;
  c.push_back({.name = "interpolate_nearest_size_up",
               .op = "interpolate",
               .inputs = {uniform({2, 2, 3, 4})},
               .fn = one([](In in) {
                 return interpolate(in[0], {.size = Size2{7, 9}});
               })});
  // scale_factor maps with 1 / scale (not 7 / 3 and 8 / 4): PyTorch's default.
  c.push_back({.name = "interpolate_nearest_scale_down",
               .op = "interpolate",
               .inputs = {uniform({1, 3, 7, 8})},
               .fn = one([](In in) {
                 return interpolate(in[0], {.scale_factor = Scale{0.5, 0.6}});
               })});
  c.push_back({.name = "interpolate_nearest_scale2",
               .op = "interpolate",
               .inputs = {uniform({1, 2, 3, 4})},
               .fn = one([](In in) {
                 return interpolate(in[0], {.scale_factor = Scale{2.0, 2.0}});
               })});
  c.push_back({.name = "interpolate_bilinear_up_align_corners",
               .op = "interpolate",
               .inputs = {uniform({2, 2, 4, 3})},
               .fn = one([](In in) {
                 return interpolate(
                     in[0], {.size = Size2{7, 8}, .mode = Mode::bilinear, .align_corners = true});
               })});
  c.push_back({.name = "interpolate_bilinear_up",
               .op = "interpolate",
               .inputs = {uniform({2, 2, 4, 3})},
               .fn = one([](In in) {
                 return interpolate(in[0], {.size = Size2{7, 8}, .mode = Mode::bilinear});
               })});
  c.push_back({.name = "interpolate_bilinear_down",
               .op = "interpolate",
               .inputs = {uniform({1, 2, 9, 7})},
               .fn = one([](In in) {
                 return interpolate(in[0], {.size = Size2{4, 3}, .mode = Mode::bilinear});
               })});
  c.push_back({.name = "interpolate_bilinear_down_align_corners",
               .op = "interpolate",
               .inputs = {uniform({1, 3, 7, 6})},
               .fn = one([](In in) {
                 return interpolate(
                     in[0], {.size = Size2{3, 1}, .mode = Mode::bilinear, .align_corners = true});
               })});
  c.push_back(
      {.name = "interpolate_bilinear_scale",
       .op = "interpolate",
       .inputs = {uniform({2, 1, 5, 6})},
       .fn = one([](In in) {
         return interpolate(in[0], {.scale_factor = Scale{1.7, 0.75}, .mode = Mode::bilinear});
       })});
  // floor(5 * 1.1) = 5 and floor(4 * 1.2) = 4: equal sizes copy whatever the scale.
  c.push_back(
      {.name = "interpolate_bilinear_scale_same_size",
       .op = "interpolate",
       .inputs = {uniform({1, 2, 5, 4})},
       .fn = one([](In in) {
         return interpolate(in[0], {.scale_factor = Scale{1.1, 1.2}, .mode = Mode::bilinear});
       })});
}

}  // namespace

std::vector<OpCase> conv_cases() {
  std::vector<OpCase> c;
  add_conv2d_cases(c);
  add_conv2d_winograd_cases(c);
  add_conv1d_cases(c);
  add_conv_transpose2d_cases(c);
  add_max_pool2d_cases(c);
  add_avg_pool2d_cases(c);
  add_adaptive_avg_pool2d_cases(c);
  add_interpolate_cases(c);
  return c;
}

}  // namespace ember::test
