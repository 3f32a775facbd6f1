#!/usr/bin/python3
"""PyTorch's side of the op rows of bench/compare_torch.sh (ember's is bench/bench_ops.cpp).

The same cases under the same names, the same shapes and the same timed region:

  conv2d_{fwd,fwdbwd}_n64_c32_oc64_28x28     3x3, padding 1, bias
  conv2d_{fwd,fwdbwd}_n32_c64_oc128_14x14
  softmax_{fwd,fwdbwd}_4096x1024             over the last dim
  layer_norm_{fwd,fwdbwd}_4096x768           over the last dim, weight and bias
  gelu_{fwd,fwdbwd}_4M                       erf form, 4 Mi elements
  silu_{fwd,fwdbwd}_4M                       4 Mi elements
  adamw_step_resnet18                        AdamW.step() over ResNet18's 62 parameters

fwd: inputs that do not require grad. fwdbwd: every input requires grad; an iteration sets
the previous gradients to None, runs the forward and backward(ones) from the output. The
timing loop is Google Benchmark's as ember's side runs it: one warm-up call, then
--repetitions repetitions, each running calls until --min-time seconds have passed; the
median over repetitions of the wall time per call.

Prints one line per case: "<name> <median seconds per call>".

    /usr/bin/python3 bench/torch_ops.py --threads 2 [--filter REGEX]
"""

import argparse
import os
import re
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "accuracy"))
from train_torch import ResNet18  # noqa: E402  the model ember's models::ResNet18 mirrors

GELU_NUMEL = 4 << 20


def drop_grads(*tensors):
    for t in tensors:
        t.grad = None


def conv2d_fwd(n, c, oc, h):
    x, w, b = torch.randn(n, c, h, h), torch.randn(oc, c, 3, 3), torch.randn(oc)
    return lambda: F.conv2d(x, w, b, padding=1)


def conv2d_fwdbwd(n, c, oc, h):
    x = torch.randn(n, c, h, h, requires_grad=True)
    w = torch.randn(oc, c, 3, 3, requires_grad=True)
    b = torch.randn(oc, requires_grad=True)
    dy = torch.ones(n, oc, h, h)

    def step():
        drop_grads(x, w, b)
        F.conv2d(x, w, b, padding=1).backward(dy)
    return step


def softmax_fwd():
    x = torch.randn(4096, 1024)
    return lambda: torch.softmax(x, -1)


def softmax_fwdbwd():
    x = torch.randn(4096, 1024, requires_grad=True)
    dy = torch.ones(4096, 1024)

    def step():
        drop_grads(x)
        torch.softmax(x, -1).backward(dy)
    return step


def layer_norm_fwd():
    x, w, b = torch.randn(4096, 768), torch.randn(768), torch.randn(768)
    return lambda: F.layer_norm(x, (768,), w, b)


def layer_norm_fwdbwd():
    x = torch.randn(4096, 768, requires_grad=True)
    w = torch.randn(768, requires_grad=True)
    b = torch.randn(768, requires_grad=True)
    dy = torch.ones(4096, 768)

    def step():
        drop_grads(x, w, b)
        F.layer_norm(x, (768,), w, b).backward(dy)
    return step


def gelu_fwd():
    x = torch.randn(GELU_NUMEL)
    return lambda: F.gelu(x)


def gelu_fwdbwd():
    x = torch.randn(GELU_NUMEL, requires_grad=True)
    dy = torch.ones(GELU_NUMEL)

    def step():
        drop_grads(x)
        F.gelu(x).backward(dy)
    return step


def silu_fwd():
    x = torch.randn(GELU_NUMEL)
    return lambda: F.silu(x)


def silu_fwdbwd():
    x = torch.randn(GELU_NUMEL, requires_grad=True)
    dy = torch.ones(GELU_NUMEL)

    def step():
        drop_grads(x)
        F.silu(x).backward(dy)
    return step


def adamw_step_resnet18():
    """The moment buffers are created by a first step before timing, as on ember's side."""
    params = list(ResNet18().parameters())
    for p in params:
        p.grad = torch.randn_like(p)
    optimizer = torch.optim.AdamW(params)
    optimizer.step()
    return optimizer.step


def conv_name(kind, n, c, oc, h):
    return f"conv2d_{kind}_n{n}_c{c}_oc{oc}_{h}x{h}"


def cases():
    out = []
    for shape in ((64, 32, 64, 28), (32, 64, 128, 14)):
        out.append((conv_name("fwd", *shape), lambda s=shape: conv2d_fwd(*s)))
        out.append((conv_name("fwdbwd", *shape), lambda s=shape: conv2d_fwdbwd(*s)))
    out += [("softmax_fwd_4096x1024", softmax_fwd),
            ("softmax_fwdbwd_4096x1024", softmax_fwdbwd),
            ("layer_norm_fwd_4096x768", layer_norm_fwd),
            ("layer_norm_fwdbwd_4096x768", layer_norm_fwdbwd),
            ("gelu_fwd_4M", gelu_fwd),
            ("gelu_fwdbwd_4M", gelu_fwdbwd),
            ("silu_fwd_4M", silu_fwd),
            ("silu_fwdbwd_4M", silu_fwdbwd),
            ("adamw_step_resnet18", adamw_step_resnet18)]
    return out


def time_call(fn, min_time, repetitions):
    fn()
    per_call = []
    for _ in range(repetitions):
        calls, start = 0, time.perf_counter()
        while True:
            fn()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_time:
                break
        per_call.append(elapsed / calls)
    return statistics.median(per_call)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--min-time", type=float, default=0.5, help="seconds per repetition")
    p.add_argument("--repetitions", type=int, default=3)
    p.add_argument("--filter", default="", help="run only the cases whose name this matches")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    for name, make in cases():
        if not re.search(args.filter, name):
            continue
        print(f"{name} {time_call(make(), args.min_time, args.repetitions):.9f}", flush=True)


if __name__ == "__main__":
    main()
