"""PyTorch side of the reduction, scan and softmax cases (tests/ops/op_cases_reduce.cpp).

Imported by ops.py; every entry is keyed by the C++ case name and takes the case's inputs
in order.
"""
import math

import torch
import torch.nn.functional as F


def _with_zeros(x, mask):
    """x with exact zeros where mask == 0 that still carry x's gradient."""
    return torch.where(mask == 0, x - x.detach(), x)


CASES = {
    "sum_all_3x5": lambda x: x.sum(),
    "sum_dim1_keepdim": lambda x: x.sum(1, keepdim=True),
    "sum_nonadjacent_dims": lambda x: x.sum((0, 2)),
    "sum_negative_dims": lambda x: x.sum((-1, -3)),
    "sum_size1_dims_keepdim": lambda x: x.sum((0, 2), keepdim=True),
    "sum_empty_dim": lambda x: x.sum(0),
    "sum_scalar": lambda x: x.sum(),
    "sum_int": lambda x: x.sum(1),
    "mean_all_3x5": lambda x: x.mean(),
    "mean_nonadjacent_keepdim": lambda x: x.mean((0, 2), keepdim=True),
    "mean_negative_dim": lambda x: x.mean(-1),
    "mean_scalar": lambda x: x.mean(),
    "prod_all_2x3x4": lambda x: x.prod(),
    "prod_dim1": lambda x: x.prod(1),
    "prod_negative_dim_keepdim": lambda x: x.prod(-1, keepdim=True),
    "prod_scalar": lambda x: x.prod(),
    "prod_empty_dim": lambda x: x.prod(1),
    "prod_int": lambda x: x.prod(0),
    "prod_with_zeros_dim0": lambda x, m: _with_zeros(x, m).prod(0),
    "prod_with_zeros_dim1": lambda x, m: _with_zeros(x, m).prod(1),
    "prod_with_zeros_all": lambda x, m: _with_zeros(x, m).prod(),
    "var_all_3x5": lambda x: x.var(),
    "var_nonadjacent_keepdim_biased": lambda x: torch.var(x, (0, 2), correction=0, keepdim=True),
    "var_negative_dim": lambda x: x.var(-2),
    "var_size1_biased": lambda x: torch.var(x, 0, correction=0),
    "std_all_3x5": lambda x: x.std(),
    "std_dim_keepdim": lambda x: x.std(1, keepdim=True),
    "std_biased_dims": lambda x: torch.std(x, (0, 1), correction=0),
    "logsumexp_dim1": lambda x: torch.logsumexp(x, 1),
    "logsumexp_nonadjacent_keepdim": lambda x: torch.logsumexp(x, (0, 2), keepdim=True),
    "logsumexp_large_values": lambda x: torch.logsumexp(x, -1),
    "logsumexp_scalar": lambda x: torch.logsumexp(x, 0),
    "norm_2_all": lambda x: torch.linalg.vector_norm(x),
    "norm_1_dim": lambda x: torch.linalg.vector_norm(x, 1, dim=1),
    "norm_inf_dims_keepdim": lambda x: torch.linalg.vector_norm(x, math.inf, dim=(0, 2),
                                                                 keepdim=True),
    "norm_neg_inf_dim": lambda x: torch.linalg.vector_norm(x, -math.inf, dim=0),
    "norm_3_negative_dim": lambda x: torch.linalg.vector_norm(x, 3, dim=-1),
    "norm_fractional_p": lambda x: torch.linalg.vector_norm(x, 1.5, dim=1),
    "norm_0_counts_nonzeros": lambda x: torch.linalg.vector_norm(torch.relu(x), 0, dim=1),
    "cumsum_dim0": lambda x: x.cumsum(0),
    "cumsum_middle_dim": lambda x: x.cumsum(1),
    "cumsum_negative_dim": lambda x: x.cumsum(-1),
    "cumsum_scalar": lambda x: x.cumsum(0),
    "cumsum_empty": lambda x: x.cumsum(0),
    "cumsum_int": lambda x: x.cumsum(1),
}

for _op, _arg in (("max", torch.argmax), ("min", torch.argmin)):
    _fn = getattr(torch, _op)
    CASES.update({
        f"{_op}_all_3x5": _fn,
        f"{_op}_dim1": lambda x, f=_fn: tuple(f(x, 1)),
        f"{_op}_negative_dim_keepdim": lambda x, f=_fn: tuple(f(x, -1, keepdim=True)),
        f"{_op}_dim_scalar": lambda x, f=_fn: tuple(f(x, 0)),
        f"{_op}_other_dim_empty": lambda x, f=_fn: tuple(f(x, 1)),
        f"{_op}_all_int": _fn,
        f"arg{_op}_all_3x5": _arg,
        f"arg{_op}_dim1": lambda x, f=_arg: f(x, 1),
        f"arg{_op}_negative_dim_keepdim": lambda x, f=_arg: f(x, -1, keepdim=True),
    })

for _op, _fn in (("softmax", F.softmax), ("log_softmax", F.log_softmax)):
    CASES.update({
        f"{_op}_last_dim": lambda x, f=_fn: f(x, -1),
        f"{_op}_dim0": lambda x, f=_fn: f(x, 0),
        f"{_op}_middle_dim": lambda x, f=_fn: f(x, 1),
        f"{_op}_large_logits": lambda x, f=_fn: f(x, 1),
        f"{_op}_scalar": lambda x, f=_fn: f(x, 0),
        f"{_op}_empty": lambda x, f=_fn: f(x, 1),
    })
