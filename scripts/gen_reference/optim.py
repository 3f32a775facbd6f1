#!/usr/bin/python3
"""Writes the PyTorch trajectories the optimizer tests replay: tests/reference/optim/*.safetensors.

Three kinds of file, all float32 parameters as in a real model:

- optimizer configurations (`<config>.safetensors`): three parameters of shapes [3, 4], [5]
  and [2, 3, 2], 20 steps of fixed gradients (parameter 1 gets none at steps 3 and 11, so
  the optimizer must skip it), and the parameters before and after every step:
  `params.<k>` is [21, *shape] (row 0 the initial values), `grads.<k>` is [20, *shape]
  (zeros where there is no gradient), `has_grad` is [3, 20] uint8.
- scheduler configurations (`sched_<config>.safetensors`): an optimizer with two groups;
  `lr` [31, 2] float64 is get_last_lr() after construction and after each of 30 steps,
  `momentum` [31, 2] each group's momentum or betas[0] (which OneCycleLR cycles), and
  `metrics` [30] the values fed to ReduceLROnPlateau.
- gradient clipping (`clip_grad.safetensors`): the clipped gradients and total norms.

The C++ tests (tests/unit/optim/) hold the same configuration names and options.
Run with the Debian interpreter that has python3-torch 1.13:
    /usr/bin/python3 scripts/gen_reference/optim.py
"""
import math
import os
import sys
import warnings

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
import st  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT_DIR = os.path.join(ROOT, "tests", "reference", "optim")

PARAM_SHAPES = [(3, 4), (5,), (2, 3, 2)]
STEPS = 20
NO_GRAD = {1: (3, 11)}  # parameter index -> steps at which it has no gradient
SCHED_STEPS = 30

O = torch.optim
# name -> (optimizer class, [(parameter indices, options)]): one entry per param group.
OPTIMIZERS = {
    "sgd": (O.SGD, [([0, 1, 2], dict(lr=0.1))]),
    "sgd_momentum": (O.SGD, [([0, 1, 2], dict(lr=0.05, momentum=0.9))]),
    "sgd_dampening_weight_decay": (
        O.SGD, [([0, 1, 2], dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01))]),
    "sgd_nesterov": (
        O.SGD, [([0, 1, 2], dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3))]),
    "sgd_maximize": (O.SGD, [([0, 1, 2], dict(lr=0.05, momentum=0.5, maximize=True))]),
    "sgd_groups": (O.SGD, [([0, 2], dict(lr=0.1, momentum=0.9)), ([1], dict(lr=0.01))]),
    "adam": (O.Adam, [([0, 1, 2], dict(lr=0.01))]),
    "adam_weight_decay_amsgrad": (
        O.Adam, [([0, 1, 2], dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True))]),
    "adam_maximize": (O.Adam, [([0, 1, 2], dict(lr=0.01, eps=1e-6, maximize=True))]),
    "adamw": (O.AdamW, [([0, 1, 2], dict(lr=0.01, weight_decay=0.1))]),
    "adamw_amsgrad": (
        O.AdamW,
        [([0, 1, 2], dict(lr=0.02, betas=(0.85, 0.98), weight_decay=0.05, amsgrad=True))]),
    "adamw_groups": (
        O.AdamW,
        [([0], dict(lr=0.01, weight_decay=0.1)),
         ([1, 2], dict(lr=0.005, weight_decay=0.0, amsgrad=True))]),
    "rmsprop": (O.RMSprop, [([0, 1, 2], dict(lr=0.01))]),
    "rmsprop_centered": (O.RMSprop, [([0, 1, 2], dict(lr=0.01, centered=True, eps=1e-4))]),
    "rmsprop_momentum_centered": (
        O.RMSprop,
        [([0, 1, 2], dict(lr=0.01, alpha=0.9, momentum=0.9, centered=True, weight_decay=0.01))]),
    "rmsprop_momentum_maximize": (
        O.RMSprop, [([0, 1, 2], dict(lr=0.01, momentum=0.5, maximize=True))]),
    "adagrad": (O.Adagrad, [([0, 1, 2], dict(lr=0.1))]),
    "adagrad_decay": (
        O.Adagrad,
        [([0, 1, 2], dict(lr=0.1, lr_decay=0.01, weight_decay=0.01,
                          initial_accumulator_value=0.1, eps=1e-8))]),
    "adagrad_maximize": (O.Adagrad, [([0, 1, 2], dict(lr=0.1, maximize=True))]),
}

S = torch.optim.lr_scheduler
# name -> (optimizer factory, scheduler factory). The optimizers have two groups.
SCHEDULERS = {
    "steplr": ("sgd", lambda o: S.StepLR(o, step_size=7, gamma=0.5)),
    "multisteplr": ("sgd", lambda o: S.MultiStepLR(o, milestones=[5, 12, 12, 20], gamma=0.3)),
    "exponentiallr": ("sgd", lambda o: S.ExponentialLR(o, gamma=0.9)),
    "cosine": ("sgd", lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001)),
    "cosine_long": ("sgd", lambda o: S.CosineAnnealingLR(o, T_max=30)),
    "linearlr": ("sgd", lambda o: S.LinearLR(o, start_factor=0.25, total_iters=8)),
    "linearlr_decay": (
        "sgd", lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=20)),
    "sequential_warmup_cosine": (
        "sgd", lambda o: S.SequentialLR(
            o, [S.LinearLR(o, start_factor=0.1, total_iters=5), S.CosineAnnealingLR(o, T_max=25)],
            milestones=[5])),
    "onecycle_cos": ("sgd", lambda o: S.OneCycleLR(o, max_lr=[0.5, 0.2], total_steps=30)),
    "onecycle_linear_three_phase": (
        "sgd", lambda o: S.OneCycleLR(o, max_lr=0.4, total_steps=30, pct_start=0.25,
                                      anneal_strategy="linear", three_phase=True,
                                      div_factor=10.0, final_div_factor=100.0)),
    "onecycle_adam": ("adam", lambda o: S.OneCycleLR(o, max_lr=0.01, total_steps=30)),
    "onecycle_no_momentum": (
        "sgd", lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=30, cycle_momentum=False)),
    "plateau_min": (
        "sgd", lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=2, threshold=1e-2,
                                             cooldown=1, min_lr=[0.01, 0.001])),
    "plateau_max_abs": (
        "sgd", lambda o: S.ReduceLROnPlateau(o, mode="max", factor=0.3, patience=1,
                                             threshold=0.1, threshold_mode="abs", eps=1e-3)),
}

CLIP_NORM_TYPES = {"2": 2.0, "1": 1.0, "inf": math.inf, "3": 3.0}
CLIP_MAX_NORMS = {"small": 0.5, "large": 100.0}
CLIP_VALUE = 0.3


def initial_params():
    g = torch.Generator().manual_seed(1234)
    return [torch.randn(s, generator=g, dtype=torch.float32) for s in PARAM_SHAPES]


def gradients():
    """grads[k][t] for parameter k at step t (None where it has none)."""
    g = torch.Generator().manual_seed(5678)
    grads = [[] for _ in PARAM_SHAPES]
    for t in range(STEPS):
        # The scale varies so that amsgrad's running maximum matters.
        scale = 0.2 + 1.8 * torch.rand((), generator=g).item()
        for k, s in enumerate(PARAM_SHAPES):
            v = scale * torch.randn(s, generator=g, dtype=torch.float32)
            grads[k].append(None if t in NO_GRAD.get(k, ()) else v)
    return grads


def run_optimizer(cls, groups):
    params = [p.clone().requires_grad_(True) for p in initial_params()]
    grads = gradients()
    if len(groups) == 1:
        # Constructor arguments: Adagrad reads initial_accumulator_value only from there.
        opt = cls([params[i] for i in groups[0][0]], **groups[0][1])
    else:
        opt = cls([{"params": [params[i] for i in idx], **options} for idx, options in groups])
    history = [[p.detach().clone()] for p in params]
    for t in range(STEPS):
        for k, p in enumerate(params):
            p.grad = None if grads[k][t] is None else grads[k][t].clone()
        opt.step()
        for k, p in enumerate(params):
            history[k].append(p.detach().clone())
    out = {}
    for k in range(len(params)):
        out[f"params.{k}"] = torch.stack(history[k]).numpy()
        out[f"grads.{k}"] = torch.stack(
            [g if g is not None else torch.zeros(PARAM_SHAPES[k]) for g in grads[k]]).numpy()
    out["has_grad"] = np.array([[g is not None for g in grads[k]] for k in range(len(params))],
                               dtype=np.uint8)
    return out


def scheduler_optimizer(kind):
    a = torch.zeros(2, requires_grad=True)
    b = torch.zeros(3, requires_grad=True)
    if kind == "adam":
        return O.Adam([{"params": [a], "lr": 0.1}, {"params": [b], "lr": 0.03}])
    return O.SGD([{"params": [a], "lr": 0.1}, {"params": [b], "lr": 0.03}], lr=0.1, momentum=0.9)


def plateau_metrics():
    g = torch.Generator().manual_seed(42)
    # A slowly improving, noisy loss with flat stretches, so that patience, threshold and
    # cooldown all come into play.
    values, v = [], 1.0
    for t in range(SCHED_STEPS):
        step = 0.0 if (t // 5) % 2 == 1 else 0.05
        v = v - step + 0.01 * torch.randn((), generator=g, dtype=torch.float64).item()
        values.append(v)
    return values


def momenta(opt):
    return [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]


def run_scheduler(kind, make):
    opt = scheduler_optimizer(kind)
    sched = make(opt)
    plateau = isinstance(sched, S.ReduceLROnPlateau)
    metrics = plateau_metrics()
    lrs = [[g["lr"] for g in opt.param_groups]]
    moms = [momenta(opt)]
    for t in range(SCHED_STEPS):
        opt.step()
        if plateau:
            sched.step(metrics[t])
        else:
            sched.step()
            assert sched.get_last_lr() == [g["lr"] for g in opt.param_groups]
        lrs.append([g["lr"] for g in opt.param_groups])
        moms.append(momenta(opt))
    out = {"lr": np.array(lrs, dtype=np.float64), "momentum": np.array(moms, dtype=np.float64)}
    if plateau:
        out["metrics"] = np.array(metrics, dtype=np.float64)
    return out


def run_clip():
    grads = [per_step[0] * 0.7 for per_step in gradients()]
    out = {f"grad.{k}": g.numpy() for k, g in enumerate(grads)}
    for tname, norm_type in CLIP_NORM_TYPES.items():
        for mname, max_norm in CLIP_MAX_NORMS.items():
            params = [torch.zeros_like(g, requires_grad=True) for g in grads]
            for p, g in zip(params, grads):
                p.grad = g.clone()
            total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
            # [1]: st.save stores 0-d arrays as 1-d (np.ascontiguousarray).
            out[f"norm_{tname}_{mname}.total"] = total.reshape(1).numpy()
            for k, p in enumerate(params):
                out[f"norm_{tname}_{mname}.grad.{k}"] = p.grad.numpy()
    params = [torch.zeros_like(g, requires_grad=True) for g in grads]
    for p, g in zip(params, grads):
        p.grad = g.clone()
    torch.nn.utils.clip_grad_value_(params, CLIP_VALUE)
    for k, p in enumerate(params):
        out[f"value.grad.{k}"] = p.grad.numpy()
    return out


def main():
    # SequentialLR steps its schedulers with the deprecated epoch argument: expected here.
    warnings.filterwarnings("ignore", message="The epoch parameter", category=UserWarning)
    os.makedirs(OUT_DIR, exist_ok=True)
    meta = {"torch": torch.__version__, "script": "scripts/gen_reference/optim.py"}
    for name, (cls, groups) in OPTIMIZERS.items():
        st.save(os.path.join(OUT_DIR, f"{name}.safetensors"), run_optimizer(cls, groups),
                {**meta, "optimizer": cls.__name__, "groups": repr(groups)})
    for name, (kind, make) in SCHEDULERS.items():
        st.save(os.path.join(OUT_DIR, f"sched_{name}.safetensors"), run_scheduler(kind, make),
                meta)
    st.save(os.path.join(OUT_DIR, "clip_grad.safetensors"), run_clip(), meta)
    print(f"wrote {len(OPTIMIZERS) + len(SCHEDULERS) + 1} files to {OUT_DIR}")


if __name__ == "__main__":
    main()
