#!/usr/bin/python3
"""PyTorch's side of the epoch rows of bench/compare_torch.sh (ember's is bench/bench_epoch.cpp).

One training epoch of a Fashion-MNIST classifier, the same work in the same order:

  untimed: load the training split (60,000 images, the IDX reader and the models of
           bench/accuracy/train_torch.py) as uint8 pixels (as torchvision's datasets keep
           them), its mean and standard deviation over pixel / 255 (in chunks of 1000
           images), seed 0, build the model (PyTorch's default initialisation), Adam with
           lr 1e-3, draw the epoch's permutation;
  timed:   for each batch of 64 (the last one 32): gather the batch with index_select,
           pixels to floats (/ 255) and normalise, forward, cross_entropy, zero_grad,
           backward, step.

zero_grad drops the gradients (set_to_none=True), as ember's zero_grad does by default;
PyTorch 1.13 would otherwise zero them and accumulate into them.

Prints "epoch <model> <seconds> <peak_rss_kib>", the peak resident set of the whole process
(resource.getrusage ru_maxrss), the interpreter, torch and data loading included.

    /usr/bin/python3 bench/epoch_torch.py --model lenet --threads 2
"""

import argparse
import os
import resource
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "accuracy"))
from train_torch import MODELS, find_idx, read_idx  # noqa: E402

BATCH_SIZE = 64


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True, choices=["mlp", "lenet"])
    p.add_argument("--data", default="fashion-mnist",
                   help="fashion-mnist (the Debian package's directory) or an IDX directory")
    p.add_argument("--threads", type=int, required=True)
    args = p.parse_args()
    if args.data == "fashion-mnist":
        args.data = "/usr/share/datasets/fashion-mnist"

    torch.set_num_threads(args.threads)
    images = torch.from_numpy(
        read_idx(find_idx(args.data, "train-images-idx3-ubyte")).copy()).unsqueeze(1)  # uint8
    labels = read_idx(find_idx(args.data, "train-labels-idx1-ubyte"))
    labels = torch.from_numpy(labels.astype(np.int64))  # (N)
    total, total_sq = 0.0, 0.0
    for i in range(0, images.shape[0], 1000):
        chunk = (images[i:i + 1000].float() / 255).double()
        total += chunk.sum().item()
        total_sq += (chunk * chunk).sum().item()
    count = images.numel()
    mean = total / count
    std = (total_sq / count - mean * mean) ** 0.5

    torch.manual_seed(0)
    model = MODELS[args.model]()
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    n = images.shape[0]
    order = torch.randperm(n)

    start = time.perf_counter()
    for i in range(0, n, BATCH_SIZE):
        idx = order[i:i + BATCH_SIZE]
        x = (torch.index_select(images, 0, idx).float() / 255 - mean) / std
        y = torch.index_select(labels, 0, idx)
        loss = F.cross_entropy(model(x), y)
        optimizer.zero_grad(set_to_none=True)  # ember's default (PyTorch 1.13's is False)
        loss.backward()
        optimizer.step()
    seconds = time.perf_counter() - start
    print(f"epoch {args.model} {seconds:.3f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}")


if __name__ == "__main__":
    main()
