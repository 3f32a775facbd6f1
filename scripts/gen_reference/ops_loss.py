"""PyTorch side of the loss cases (tests/ops/op_cases_loss.cpp).

Imported by ops.py; every entry is keyed by the C++ case name and takes the case's inputs
in order.
"""
import torch
import torch.nn.functional as F


def _probabilities(x):
    """Rows of a positive tensor scaled to sum to 1 along dim 1 (as the C++ cases do)."""
    return x / x.sum(1, keepdim=True)


CASES = {
    "cross_entropy_mean": F.cross_entropy,
    "cross_entropy_weight_sum": lambda x, t, w: F.cross_entropy(x, t, weight=w, reduction="sum"),
    "cross_entropy_weight_mean": lambda x, t, w: F.cross_entropy(x, t, weight=w),
    "cross_entropy_spatial_none": lambda x, t: F.cross_entropy(x, t, reduction="none"),
    "cross_entropy_ignore_index": lambda x, t: F.cross_entropy(x, t, ignore_index=1),
    "cross_entropy_label_smoothing": lambda x, t: F.cross_entropy(x, t, label_smoothing=0.1),
    "cross_entropy_smoothing_weight_ignore": lambda x, t, w: F.cross_entropy(
        x, t, weight=w, ignore_index=0, label_smoothing=0.2),
    "cross_entropy_smoothing_weight_sum": lambda x, t, w: F.cross_entropy(
        x, t, weight=w, reduction="sum", label_smoothing=0.3),
    "cross_entropy_smoothing_spatial_none": lambda x, t: F.cross_entropy(
        x, t, ignore_index=2, reduction="none", label_smoothing=0.3),
    "cross_entropy_unbatched": F.cross_entropy,
    "cross_entropy_probabilities": lambda x, p: F.cross_entropy(x, _probabilities(p)),
    "cross_entropy_probabilities_smoothing_weight_sum": lambda x, p, w: F.cross_entropy(
        x, _probabilities(p), weight=w, reduction="sum", label_smoothing=0.2),
    "cross_entropy_probabilities_weight_mean_spatial": lambda x, p, w: F.cross_entropy(
        x, _probabilities(p), weight=w),
    "cross_entropy_probabilities_none": lambda x, p: F.cross_entropy(
        x, _probabilities(p), reduction="none"),
    "nll_loss_mean": F.nll_loss,
    "nll_loss_weight_ignore_sum": lambda x, t, w: F.nll_loss(
        x, t, weight=w, ignore_index=2, reduction="sum"),
    "nll_loss_weight_mean": lambda x, t, w: F.nll_loss(x, t, weight=w),
    "nll_loss_spatial_none": lambda x, t: F.nll_loss(x, t, reduction="none"),
    "mse_loss_mean": F.mse_loss,
    "mse_loss_sum_broadcast_target": lambda x, y: F.mse_loss(x, y, reduction="sum"),
    "mse_loss_none": lambda x, y: F.mse_loss(x, y, reduction="none"),
    "l1_loss_mean": F.l1_loss,
    "l1_loss_sum": lambda x, y: F.l1_loss(x, y, reduction="sum"),
    "l1_loss_none": lambda x, y: F.l1_loss(x, y, reduction="none"),
    "smooth_l1_loss_mean": F.smooth_l1_loss,
    "smooth_l1_loss_beta_none": lambda x, y: F.smooth_l1_loss(x, y, reduction="none", beta=0.5),
    "smooth_l1_loss_beta0_sum": lambda x, y: F.smooth_l1_loss(x, y, reduction="sum", beta=0.0),
    "huber_loss_mean": F.huber_loss,
    "huber_loss_delta_sum": lambda x, y: F.huber_loss(x, y, reduction="sum", delta=0.3),
    "huber_loss_delta_none": lambda x, y: F.huber_loss(x, y, reduction="none", delta=2.5),
    "binary_cross_entropy_mean": F.binary_cross_entropy,
    "binary_cross_entropy_weight_sum": lambda x, t, w: F.binary_cross_entropy(
        x, t, weight=w, reduction="sum"),
    "binary_cross_entropy_none": lambda x, t: F.binary_cross_entropy(x, t, reduction="none"),
    "binary_cross_entropy_with_logits_mean": F.binary_cross_entropy_with_logits,
    "binary_cross_entropy_with_logits_pos_weight_sum": lambda x, t, pw:
        F.binary_cross_entropy_with_logits(x, t, pos_weight=pw, reduction="sum"),
    "binary_cross_entropy_with_logits_weights_none": lambda x, t, w, pw:
        F.binary_cross_entropy_with_logits(x, t, weight=w, pos_weight=pw, reduction="none"),
    "binary_cross_entropy_with_logits_large": F.binary_cross_entropy_with_logits,
    "kl_div_mean": lambda x, t: F.kl_div(x, t, reduction="mean"),
    "kl_div_batchmean": lambda x, t: F.kl_div(x, t, reduction="batchmean"),
    "kl_div_log_target_sum": lambda x, t: F.kl_div(x, t, reduction="sum", log_target=True),
    "kl_div_zero_targets_none": lambda x, t: F.kl_div(x, torch.relu(t), reduction="none"),
}
