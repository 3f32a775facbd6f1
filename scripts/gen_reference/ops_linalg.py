"""PyTorch side of the matrix-product cases (tests/ops/op_cases_linalg.cpp).

Imported by ops.py; every entry is keyed by the C++ case name and takes the case's inputs
in order.
"""
import torch
import torch.nn.functional as F

OPS = {
    "bmm": torch.bmm,
    "matmul": torch.matmul,
    "outer": torch.outer,
}


def _einsum(equation):
    return lambda *operands: torch.einsum(equation, *operands)


CASES = {
    "bmm_transposed_operands": lambda a, b: torch.bmm(a.transpose(1, 2), b.transpose(1, 2)),
    "matmul_transposed": lambda a, b: a.t() @ b.t(),
    "linear_bias": F.linear,
    "linear_no_bias_batched": F.linear,
    "linear_vector_input": F.linear,
    "addmm_default": torch.addmm,
    "addmm_beta_alpha_broadcast": lambda i, a, b: torch.addmm(i, a, b, beta=0.5, alpha=2.0),
    "addmm_beta_zero": lambda i, a, b: torch.addmm(i, a, b, beta=0.0, alpha=-1.5),
    "einsum_matmul": _einsum("ij,jk->ik"),
    "einsum_implicit_matmul": _einsum("ij,jk"),
    "einsum_batched": _einsum("bij,bjk->bik"),
    "einsum_transposed_output": _einsum("bij,bjk->kbi"),
    "einsum_trace": _einsum("ii"),
    "einsum_diagonal": _einsum("ii->i"),
    "einsum_transpose": _einsum("ij->ji"),
    "einsum_sum_dims": _einsum("ijk->j"),
    "einsum_outer": _einsum("i,j->ij"),
    "einsum_dot": _einsum("i,i->"),
    "einsum_two_contracted": _einsum("ijk,jkl->il"),
    "einsum_diagonal_then_contract": _einsum("ii,ij->j"),
    "einsum_upper_case": _einsum("aB,Bc"),
    "einsum_ellipsis_broadcast": _einsum("...ij,...jk->...ik"),
    "einsum_implicit_ellipsis": _einsum("...ji"),
    "einsum_bilinear": _einsum("bn,anm,bm->ba"),
}
