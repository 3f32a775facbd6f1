"""PyTorch's side of the normalisation and dropout cases (tests/ops/op_cases_nn.cpp).

Imported by ops.py, which runs each case's function on the case's inputs. Every function
here mirrors its C++ case line for line: same arguments, same extra outputs.
"""
import torch
import torch.nn.functional as F


def _batch_norm_train(momentum, eps):
    # Outputs the normalised batch and the running statistics after the in-place update,
    # starting from clones of the constant inputs (as the C++ case).
    def fn(x, running_mean, running_var, weight, bias):
        rm, rv = running_mean.clone(), running_var.clone()
        y = F.batch_norm(x, rm, rv, weight, bias, training=True, momentum=momentum, eps=eps)
        return y, rm, rv

    return fn


def _rms_norm(x, dims, weight=None, eps=None):
    # PyTorch 1.13 has no F.rms_norm: the formula, with the default eps of later versions
    # (the epsilon of the computation dtype).
    if eps is None:
        eps = torch.finfo(x.dtype).eps
    y = x * torch.rsqrt(x.pow(2).mean(dims, keepdim=True) + eps)
    return y * weight if weight is not None else y


CASES = {
    "layer_norm_last_dim": lambda x, w, b: F.layer_norm(x, (7,), w, b),
    "layer_norm_two_dims": lambda x, w, b: F.layer_norm(x, (3, 5), w, b),
    "layer_norm_4d_two_dims": lambda x, w, b: F.layer_norm(x, (2, 5), w, b),
    "layer_norm_no_affine": lambda x: F.layer_norm(x, (3,)),
    "layer_norm_weight_only": lambda x, w: F.layer_norm(x, (6,), w),
    "layer_norm_bias_only": lambda x, b: F.layer_norm(x, (4,), None, b),
    "layer_norm_long_rows": lambda x, w, b: F.layer_norm(x, (19,), w, b),
    "layer_norm_row_of_1": lambda x, w, b: F.layer_norm(x, (1,), w, b),
    "layer_norm_empty": lambda x, w, b: F.layer_norm(x, (4,), w, b),
    "layer_norm_1d_input_eps": lambda x, w, b: F.layer_norm(x, (6,), w, b, eps=1e-2),
    "batch_norm_train_2d": _batch_norm_train(0.1, 1e-5),
    "batch_norm_train_3d": _batch_norm_train(0.1, 1e-5),
    "batch_norm_train_4d_momentum": _batch_norm_train(0.3, 1e-3),
    "batch_norm_train_batch_of_2": _batch_norm_train(0.1, 1e-5),
    "batch_norm_train_grad_4d": lambda x, rm, rv, w, b: F.batch_norm(
        x, rm.clone(), rv.clone(), w, b, training=True),
    "batch_norm_train_4d_long_rows": _batch_norm_train(0.1, 1e-5),
    "batch_norm_train_3d_one_channel": _batch_norm_train(0.2, 1e-5),
    "batch_norm_train_grad_2d": lambda x, rm, rv, w, b: F.batch_norm(
        x, rm.clone(), rv.clone(), w, b, training=True),
    "batch_norm_train_grad_3d_one_channel": lambda x, rm, rv, w, b: F.batch_norm(
        x, rm.clone(), rv.clone(), w, b, training=True),
    "batch_norm_train_grad_batch_of_1": lambda x, rm, rv, w, b: F.batch_norm(
        x, rm.clone(), rv.clone(), w, b, training=True),
    "batch_norm_train_grad_weight_only": lambda x, rm, rv, w: F.batch_norm(
        x, rm.clone(), rv.clone(), w, None, training=True),
    "batch_norm_train_grad_bias_only_no_stats": lambda x, b: F.batch_norm(
        x, None, None, None, b, training=True, eps=1e-3),
    "batch_norm_train_empty": _batch_norm_train(0.1, 1e-5),
    # ember uses batch statistics when there are no running ones, as BatchNorm with
    # track_running_stats=False (which calls F.batch_norm with training=True).
    "batch_norm_no_running_stats": lambda x, w, b: F.batch_norm(x, None, None, w, b,
                                                                training=True),
    "batch_norm_eval_2d": lambda x, rm, rv, w, b: F.batch_norm(x, rm, rv, w, b),
    "batch_norm_eval_4d_no_affine": lambda x, rm, rv: F.batch_norm(x, rm, rv),
    "batch_norm_eval_4d_long_rows": lambda x, rm, rv, w, b: F.batch_norm(x, rm, rv, w, b,
                                                                         eps=1e-2),
    "batch_norm_eval_single_value": lambda x, rm, rv, w, b: F.batch_norm(x, rm, rv, w, b),
    "group_norm_1_groups": lambda x, w, b: F.group_norm(x, 1, w, b),
    "group_norm_3_groups": lambda x, w, b: F.group_norm(x, 3, w, b),
    "group_norm_6_groups": lambda x, w, b: F.group_norm(x, 6, w, b),
    "group_norm_4d_no_affine": lambda x: F.group_norm(x, 2),
    "group_norm_no_spatial_eps": lambda x, w, b: F.group_norm(x, 2, w, b, eps=1e-3),
    "group_norm_empty_batch": lambda x, w, b: F.group_norm(x, 2, w, b),
    "rms_norm_last_dim": lambda x, w: _rms_norm(x, (-1,), w),
    "rms_norm_two_dims": lambda x, w: _rms_norm(x, (-2, -1), w),
    "rms_norm_no_weight": lambda x: _rms_norm(x, (-1,)),
    "rms_norm_eps": lambda x, w: _rms_norm(x, (-1,), w, eps=1e-2),
    "dropout_eval": lambda x: F.dropout(x, 0.4, training=False) * 2,
    "dropout_p0": lambda x: F.dropout(x, 0.0, training=True) * 2,
    "dropout_p1": lambda x: F.dropout(x, 1.0, training=True),
}
