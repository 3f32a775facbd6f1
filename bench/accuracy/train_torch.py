#!/usr/bin/python3
"""The PyTorch side of bench/accuracy: trains the same classifiers as `ember train`.

The models mirror include/ember/models/models.h layer for layer (PyTorch's default
initialisation, which ember's nn layers reproduce), the data are the same IDX files read
with numpy + gzip, normalised with the training split's mean and std as ember does, and the
optimizer, batch size, epochs and augmentation (random crop 28 with padding 2, horizontal
flip) follow the same options. The random streams differ (ember's generator is not
PyTorch's), so accuracies agree within run-to-run noise, not bit for bit.

Prints one JSON object: model, epochs, test accuracy, best test accuracy, wall time.
With --checkpoint FILE the state after each epoch (model, optimizer, schedule, random
generators, metrics, seconds so far) is written to FILE atomically, and --resume continues
from it as the uninterrupted run would (long runs, such as resnet18's, survive restarts).

    /usr/bin/python3 bench/accuracy/train_torch.py --model lenet --epochs 10 --threads 2
"""

import argparse
import gzip
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    """An IDX file (raw or gzip) as a numpy array (uint8 MNIST files only)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        sys.exit(f"error: {path}: not a uint8 IDX file")
    ndims = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndims).reshape(dims)


def find_idx(directory, name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(directory, candidate)
        if os.path.isfile(path):
            return path
    sys.exit(f"error: missing file: neither {os.path.join(directory, name)} nor .gz exists")


def load_split(directory, prefix, limit):
    images = read_idx(find_idx(directory, f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(find_idx(directory, f"{prefix}-labels-idx1-ubyte"))
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)  # (N,1,28,28)
    y = torch.from_numpy(labels.astype(np.int64))
    if limit:
        x, y = x[:limit], y[:limit]
    return x, y


# ---- models: include/ember/models/models.h -----------------------------------------------

class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(),
                                    nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))

    def forward(self, x):
        return self.layers(x)


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),  # (N,6,14,14)
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2))            # (N,16,5,5)
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
            nn.Linear(84, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


class Vgg(nn.Module):
    def __init__(self):
        super().__init__()
        layers, cin = [], 1
        for width in (32, 64, 128):  # 28 -> 14 -> 7 -> 3
            for _ in range(2):
                layers += [nn.Conv2d(cin, width, 3, padding=1, bias=False), nn.BatchNorm2d(width),
                           nn.ReLU()]
                cin = width
            layers.append(nn.MaxPool2d(2))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.5), nn.Linear(128 * 9, 256),
                                        nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


class BasicBlock(nn.Module):
    def __init__(self, cin, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or cin != planes:
            self.downsample = nn.Sequential(nn.Conv2d(cin, planes, 1, stride, bias=False),
                                            nn.BatchNorm2d(planes))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = self.downsample(x) if self.downsample is not None else x
        return F.relu(out + identity)


class ResNet18(nn.Module):
    """CIFAR-style stem (3x3 conv, no max pool), as ember's."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 64, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        cin, layers = 64, []
        for planes, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
            layers.append(nn.Sequential(BasicBlock(cin, planes, stride),
                                        BasicBlock(planes, planes, 1)))
            cin = planes
        self.layer1, self.layer2, self.layer3, self.layer4 = layers
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512, 10)

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        h = self.layer4(self.layer3(self.layer2(self.layer1(h))))
        return self.fc(self.avgpool(h).flatten(1))


MODELS = {"mlp": Mlp, "lenet": LeNet, "vgg": Vgg, "resnet18": ResNet18}


def make_optimizer(args, params):
    wd = args.weight_decay
    if args.optimizer == "sgd":
        return torch.optim.SGD(params, lr=args.lr, momentum=args.momentum, weight_decay=wd or 0)
    if args.optimizer == "adam":
        return torch.optim.Adam(params, lr=args.lr, weight_decay=wd or 0)
    if args.optimizer == "adamw":
        return torch.optim.AdamW(params, lr=args.lr, weight_decay=1e-2 if wd is None else wd)
    if args.optimizer == "rmsprop":
        return torch.optim.RMSprop(params, lr=args.lr, momentum=args.momentum, weight_decay=wd or 0)
    if args.optimizer == "adagrad":
        return torch.optim.Adagrad(params, lr=args.lr, weight_decay=wd or 0)
    sys.exit(f"error: unknown optimizer '{args.optimizer}'")


def augment(x, generator):
    """Random crop 28 with zero padding 2, then a horizontal flip with probability 0.5."""
    n = x.shape[0]
    padded = F.pad(x, (2, 2, 2, 2))
    offsets = torch.randint(0, 5, (n, 2), generator=generator)
    flips = torch.rand(n, generator=generator) < 0.5
    out = torch.empty_like(x)
    for i in range(n):
        dy, dx = int(offsets[i, 0]), int(offsets[i, 1])
        crop = padded[i, :, dy:dy + 28, dx:dx + 28]
        out[i] = crop.flip(-1) if flips[i] else crop
    return out


def evaluate(model, x, y, mean, std):
    model.eval()
    correct, loss = 0, 0.0
    with torch.no_grad():
        for i in range(0, x.shape[0], 1000):
            logits = model((x[i:i + 1000] - mean) / std)
            loss += F.cross_entropy(logits, y[i:i + 1000], reduction="sum").item()
            correct += (logits.argmax(1) == y[i:i + 1000]).sum().item()
    return loss / x.shape[0], correct / x.shape[0]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="lenet", choices=sorted(MODELS))
    p.add_argument("--data", default="fashion-mnist",
                   help="fashion-mnist (the Debian package's directory) or an IDX directory")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--optimizer", default="adam")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--momentum", type=float, default=0.0)
    p.add_argument("--weight-decay", type=float, default=None)
    p.add_argument("--scheduler", default="none", choices=["none", "onecycle"],
                   help="onecycle: OneCycleLR peaking at --lr, stepped after every batch")
    p.add_argument("--augment", action="store_true")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--limit-train", type=int, default=0)
    p.add_argument("--limit-test", type=int, default=0)
    p.add_argument("--checkpoint", default="", help="write the state here after every epoch")
    p.add_argument("--resume", action="store_true", help="continue from --checkpoint if it exists")
    args = p.parse_args()

    if args.data == "fashion-mnist":
        args.data = "/usr/share/datasets/fashion-mnist"
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    x_train, y_train = load_split(args.data, "train", args.limit_train)
    x_test, y_test = load_split(args.data, "t10k", args.limit_test)
    full_train = load_split(args.data, "train", 0)[0]
    mean, std = full_train.mean().item(), full_train.std(unbiased=False).item()

    model = MODELS[args.model]()
    optimizer = make_optimizer(args, model.parameters())
    steps_per_epoch = (x_train.shape[0] + args.batch_size - 1) // args.batch_size
    scheduler = None
    if args.scheduler == "onecycle":
        scheduler = torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=args.lr, total_steps=args.epochs * steps_per_epoch)
    start = time.time()
    best, acc, per_epoch, first_epoch, earlier_seconds = 0.0, 0.0, [], 0, 0.0
    if args.resume and args.checkpoint and os.path.exists(args.checkpoint):
        state = torch.load(args.checkpoint)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        if scheduler is not None:
            scheduler.load_state_dict(state["scheduler"])
        generator.set_state(state["generator"])
        torch.set_rng_state(state["torch_rng"])
        first_epoch, best, acc = state["epoch"], state["best"], state["accuracy"]
        per_epoch, earlier_seconds = state["per_epoch"], state["seconds"]
        print(f"resumed from {args.checkpoint} after epoch {first_epoch}", file=sys.stderr)
    start -= earlier_seconds
    for epoch in range(first_epoch, args.epochs):
        model.train()
        order = torch.randperm(x_train.shape[0], generator=generator)
        for i in range(0, x_train.shape[0], args.batch_size):
            idx = order[i:i + args.batch_size]
            x = x_train[idx]
            if args.augment:
                x = augment(x, generator)
            loss = F.cross_entropy(model((x - mean) / std), y_train[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
        test_loss, acc = evaluate(model, x_test, y_test, mean, std)
        best = max(best, acc)
        per_epoch.append(round(acc, 4))
        print(f"epoch {epoch + 1}/{args.epochs}: test loss {test_loss:.4f} acc {acc:.4f} "
              f"| {time.time() - start:.1f} s", file=sys.stderr, flush=True)
        if args.checkpoint:
            state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                     "scheduler": scheduler.state_dict() if scheduler is not None else None,
                     "generator": generator.get_state(), "torch_rng": torch.get_rng_state(),
                     "epoch": epoch + 1, "best": best, "accuracy": acc, "per_epoch": per_epoch,
                     "seconds": time.time() - start}
            with open(args.checkpoint + ".tmp", "wb") as f:
                torch.save(state, f)
                f.flush()
                os.fsync(f.fileno())
            os.replace(args.checkpoint + ".tmp", args.checkpoint)
    print(json.dumps({"model": args.model, "epochs": args.epochs, "test_accuracy": acc,
                      "best_accuracy": best, "per_epoch": per_epoch,
                      "seconds": round(time.time() - start, 2), "threads": args.threads}))


if __name__ == "__main__":
    main()
