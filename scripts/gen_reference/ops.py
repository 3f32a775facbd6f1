#!/usr/bin/python3
"""Writes the PyTorch fixtures of the op table: tests/reference/ops/<case>.safetensors.

The case list (names, ops, input specs) comes from the C++ op table itself, printed by the
ember_op_cases_dump tool, so both sides agree on shapes and ranges. For every case this
script makes float64 inputs to the spec, runs the PyTorch function for the case's op (or a
per-case override), and stores inputs, outputs, random output weights `gout.k`, and the
input gradients of sum_k(gout.k * output.k).

Run with the Debian interpreter that has python3-torch:
    cmake --build build/release --target ember_op_cases_dump
    /usr/bin/python3 scripts/gen_reference/ops.py [path/to/ember_op_cases_dump]
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
import st  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT_DIR = os.path.join(ROOT, "tests", "reference", "ops")

# PyTorch's version of each op, by ops.def name. Each takes the case's inputs in order and
# returns a tensor or a tuple of tensors. Cases whose arguments differ from the op's
# default use CASES below.
OPS = {
    "copy": lambda x: x.clone(),
    "neg": lambda x: -x,
    "abs": torch.abs,
    "sign": torch.sign,
    "exp": torch.exp,
    "log": torch.log,
    "log1p": torch.log1p,
    "sqrt": torch.sqrt,
    "rsqrt": torch.rsqrt,
    "sin": torch.sin,
    "cos": torch.cos,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "relu": torch.relu,
    "leaky_relu": lambda x: F.leaky_relu(x, 0.2),
    "elu": lambda x: F.elu(x, 1.5),
    "gelu": F.gelu,
    "silu": F.silu,
    "softplus": F.softplus,
    "erf": torch.erf,
    "pow_scalar": lambda x: torch.pow(x, 3),
    "clamp": lambda x: torch.clamp(x, -0.5, 0.7),
    "logical_not": torch.logical_not,
    "add": torch.add,
    "sub": torch.sub,
    "mul": torch.mul,
    "div": torch.div,
    "pow": torch.pow,
    "maximum": torch.maximum,
    "minimum": torch.minimum,
    "eq": torch.eq,
    "ne": torch.ne,
    "lt": torch.lt,
    "le": torch.le,
    "gt": torch.gt,
    "ge": torch.ge,
    "logical_and": torch.logical_and,
    "logical_or": torch.logical_or,
    "where": torch.where,
}

CASES = {
    "fill_full_like": lambda x: torch.full_like(x, 2.5),
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
    "softplus_beta_threshold": lambda x: F.softplus(x, beta=2.0, threshold=1.5),
    "pow_scalar_fractional": lambda x: torch.pow(x, 0.5),
    "clamp_min_only": lambda x: torch.clamp(x, min=0.1),
    "add_python_scalar": lambda x: x + 2.5,
    "rsub_scalar": lambda x: 1 - x,
    "rdiv_scalar": lambda x: 2 / x,
    "lt_float_scalar": lambda x: x < 0.25,
    "where_scalar_other": lambda c, x: torch.where(c, x, torch.tensor(0.5, dtype=x.dtype)),
    # views (each followed by * 2, as in the C++ table)
    "view_merge": lambda x: x.view(6, -1) * 2,
    "reshape_of_transpose": lambda x: x.t().reshape(2, 6) * 2,
    "permute_3d": lambda x: x.permute(2, 0, 1) * 2,
    "transpose_neg_dims": lambda x: x.transpose(-1, 0) * 2,
    "narrow_middle": lambda x: x.narrow(1, 2, 3) * 2,
    "slice_step": lambda x: x[1:-1:3] * 2,
    "select_negative": lambda x: x.select(1, -1) * 2,
    "index_mixed": lambda x: x[1::2, None, ..., 1] * 2,
    "expand_broadcast": lambda x: x.expand(2, 3, 4) * 2,
    "squeeze_all": lambda x: x.squeeze() * 2,
    "unsqueeze_last": lambda x: x.unsqueeze(-1) * 2,
    "flatten_middle": lambda x: x.flatten(1, 2) * 2,
    "unflatten_last": lambda x: x.unflatten(1, (2, -1)) * 2,
    "diagonal_offset": lambda x: x.diagonal(1) * 2,
    "diagonal_batched": lambda x: x.diagonal(-1, 1, 2) * 2,
}


def extra_tables():
    """Ops and cases contributed by other families' scripts (ops_<family>.py)."""
    import glob
    import importlib

    for path in sorted(glob.glob(os.path.join(os.path.dirname(__file__), "ops_*.py"))):
        mod = importlib.import_module(os.path.splitext(os.path.basename(path))[0])
        OPS.update(getattr(mod, "OPS", {}))
        CASES.update(getattr(mod, "CASES", {}))


def make_input(spec, rng):
    shape = tuple(spec["shape"])
    kind = spec["kind"]
    if kind == "integer":
        return torch.from_numpy(rng.integers(int(spec["low"]), int(spec["high"]), size=shape,
                                             dtype=np.int64))
    if kind == "boolean":
        return torch.from_numpy(rng.random(shape) < 0.5)
    u = rng.random(shape)
    if spec["min_abs"] > 0:
        sign = np.where(rng.random(shape) < 0.5, -1.0, 1.0)
        x = sign * (u * (spec["high"] - spec["min_abs"]) + spec["min_abs"])
    else:
        x = u * (spec["high"] - spec["low"]) + spec["low"]
    t = torch.from_numpy(np.asarray(x, dtype=np.float64))
    if spec["requires_grad"]:
        t.requires_grad_(True)
    return t


def run_case(case):
    seed = int(hashlib.sha256(case["name"].encode()).hexdigest()[:8], 16)
    rng = np.random.default_rng(seed)
    inputs = [make_input(s, rng) for s in case["inputs"]]
    fn = CASES.get(case["name"]) or OPS.get(case["op"])
    if fn is None:
        raise SystemExit(f"no PyTorch function for case {case['name']} (op {case['op']})")
    outputs = fn(*inputs)
    if not isinstance(outputs, (tuple, list)):
        outputs = (outputs,)
    tensors = {}
    for i, x in enumerate(inputs):
        tensors[f"input.{i}"] = x.detach().numpy()
    diff_outs, gouts = [], []
    for k, y in enumerate(outputs):
        tensors[f"output.{k}"] = y.detach().numpy()
        if y.requires_grad:
            g = torch.from_numpy(rng.standard_normal(tuple(y.shape)))
            tensors[f"gout.{k}"] = g.numpy()
            diff_outs.append(y)
            gouts.append(g)
    wrt = [x for x in inputs if x.requires_grad]
    if diff_outs and wrt:
        grads = torch.autograd.grad(diff_outs, wrt, gouts, allow_unused=True)
        j = 0
        for i, x in enumerate(inputs):
            if x.requires_grad:
                g = grads[j] if grads[j] is not None else torch.zeros_like(x)
                tensors[f"grad.{i}"] = g.detach().numpy()
                j += 1
    return tensors


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tool", nargs="?", default=os.path.join(
        ROOT, "build", "release", "tests", "ember_op_cases_dump"))
    parser.add_argument("--ops", help="comma-separated ops.def names: regenerate only their cases")
    args = parser.parse_args()
    cases = json.loads(subprocess.check_output([args.tool]))
    if args.ops:
        wanted = set(args.ops.split(","))
        cases = [c for c in cases if c["op"] in wanted]
    extra_tables()
    os.makedirs(OUT_DIR, exist_ok=True)
    torch.manual_seed(0)
    for case in cases:
        st.save(os.path.join(OUT_DIR, case["name"] + ".safetensors"), run_case(case),
                {"generator": "scripts/gen_reference/ops.py", "torch": torch.__version__})
    print(f"wrote {len(cases)} fixtures to {OUT_DIR}")


if __name__ == "__main__":
    main()
