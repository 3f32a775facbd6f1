"""PyTorch's side of the convolution, pooling and interpolation cases (tests/ops/op_cases_conv.cpp).

Imported by ops.py, which runs each case's function on the case's inputs (in order) and
stores outputs and input gradients. Every entry mirrors its C++ case: same arguments.
"""
import torch.nn.functional as F

CASES = {
    # conv2d
    "conv2d_bias_n1": lambda x, w, b: F.conv2d(x, w, b),
    "conv2d_stride_padding": lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(1, 2)),
    "conv2d_dilation2_no_bias": lambda x, w: F.conv2d(x, w, padding=(2, 1), dilation=(2, 2)),
    "conv2d_groups2": lambda x, w, b: F.conv2d(x, w, b, padding=1, groups=2),
    "conv2d_depthwise_stride2": lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1, groups=3),
    "conv2d_depthwise_multiplier": lambda x, w: F.conv2d(x, w, groups=2),
    "conv2d_1x1": lambda x, w, b: F.conv2d(x, w, b),
    "conv2d_1x1_stride2_padded": lambda x, w: F.conv2d(x, w, stride=2, padding=(1, 0)),
    "conv2d_unbatched": lambda x, w, b: F.conv2d(x, w, b, padding=(0, 1)),
    "conv2d_empty_batch": lambda x, w, b: F.conv2d(x, w, b),
    "conv2d_large_one_image": lambda x, w, b: F.conv2d(x, w, b, padding=1),
    "conv2d_large_batch": lambda x, w, b: F.conv2d(x, w, b, padding=1, groups=2),
    "conv2d_winograd_odd_plane": lambda x, w, b: F.conv2d(x, w, b, padding=1),
    "conv2d_winograd_pad0": lambda x, w: F.conv2d(x, w),
    "conv2d_winograd_pad2_0": lambda x, w, b: F.conv2d(x, w, b, padding=(2, 0)),
    "conv2d_winograd_1x1_plane": lambda x, w, b: F.conv2d(x, w, b, padding=1),
    "conv2d_winograd_chunks": lambda x, w, b: F.conv2d(x, w, b, padding=1),
    # conv1d
    "conv1d_stride_padding": lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1),
    "conv1d_dilation_groups": lambda x, w: F.conv1d(x, w, dilation=3, groups=2),
    "conv1d_unbatched": lambda x, w, b: F.conv1d(x, w, b),
    # conv_transpose2d
    "conv_transpose2d_bias": lambda x, w, b: F.conv_transpose2d(x, w, b),
    "conv_transpose2d_stride_output_padding": lambda x, w, b: F.conv_transpose2d(
        x, w, b, stride=(2, 3), padding=(1, 0), output_padding=(1, 2)),
    "conv_transpose2d_groups_dilation": lambda x, w: F.conv_transpose2d(
        x, w, padding=1, groups=2, dilation=(2, 1)),
    "conv_transpose2d_output_padding_dilation": lambda x, w: F.conv_transpose2d(
        x, w, output_padding=1, dilation=2),
    "conv_transpose2d_unbatched": lambda x, w, b: F.conv_transpose2d(x, w, b, stride=(2, 1)),
    # max_pool2d
    "max_pool2d_default_stride": lambda x: F.max_pool2d(x, 2),
    "max_pool2d_padding_overlap": lambda x: F.max_pool2d(x, 3, stride=2, padding=1),
    "max_pool2d_ceil_last_window": lambda x: F.max_pool2d(x, 2, padding=1, ceil_mode=True),
    "max_pool2d_dilation": lambda x: F.max_pool2d(
        x, (3, 2), stride=(1, 2), padding=1, dilation=(2, 1)),
    "max_pool2d_with_indices_ceil": lambda x: F.max_pool2d(
        x, (3, 2), stride=2, ceil_mode=True, return_indices=True),
    "max_pool2d_unbatched": lambda x: F.max_pool2d(x, 3, stride=1),
    # avg_pool2d
    "avg_pool2d_default_stride": lambda x: F.avg_pool2d(x, 2),
    "avg_pool2d_padding_exclude": lambda x: F.avg_pool2d(
        x, 3, stride=2, padding=1, count_include_pad=False),
    "avg_pool2d_ceil_include_pad": lambda x: F.avg_pool2d(
        x, (3, 2), stride=2, padding=1, ceil_mode=True),
    "avg_pool2d_ceil_exclude_pad": lambda x: F.avg_pool2d(
        x, (2, 3), stride=(3, 2), padding=1, ceil_mode=True, count_include_pad=False),
    "avg_pool2d_divisor_override": lambda x: F.avg_pool2d(
        x, 3, stride=1, padding=1, divisor_override=4),
    "avg_pool2d_unbatched": lambda x: F.avg_pool2d(x, (2, 3), stride=(1, 2)),
    "avg_pool2d_empty_batch": lambda x: F.avg_pool2d(x, 2),
    # adaptive_avg_pool2d
    "adaptive_avg_pool2d_not_divisible": lambda x: F.adaptive_avg_pool2d(x, (3, 2)),
    "adaptive_avg_pool2d_upsample": lambda x: F.adaptive_avg_pool2d(x, (5, 6)),
    "adaptive_avg_pool2d_global": lambda x: F.adaptive_avg_pool2d(x, (1, 1)),
    "adaptive_avg_pool2d_unbatched": lambda x: F.adaptive_avg_pool2d(x, (4, 3)),
    # interpolate
    "interpolate_nearest_size_up": lambda x: F.interpolate(x, size=(7, 9)),
    "interpolate_nearest_scale_down": lambda x: F.interpolate(x, scale_factor=(0.5, 0.6)),
    "interpolate_nearest_scale2": lambda x: F.interpolate(x, scale_factor=(2.0, 2.0)),
    "interpolate_bilinear_up_align_corners": lambda x: F.interpolate(
        x, size=(7, 8), mode="bilinear", align_corners=True),
    "interpolate_bilinear_up": lambda x: F.interpolate(
        x, size=(7, 8), mode="bilinear", align_corners=False),
    "interpolate_bilinear_down": lambda x: F.interpolate(
        x, size=(4, 3), mode="bilinear", align_corners=False),
    "interpolate_bilinear_down_align_corners": lambda x: F.interpolate(
        x, size=(3, 1), mode="bilinear", align_corners=True),
    "interpolate_bilinear_scale": lambda x: F.interpolate(
        x, scale_factor=(1.7, 0.75), mode="bilinear", align_corners=False),
    "interpolate_bilinear_scale_same_size": lambda x: F.interpolate(
        x, scale_factor=(1.1, 1.2), mode="bilinear", align_corners=False),
}
