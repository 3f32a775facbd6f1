#!/usr/bin/python3
"""PyTorch references for ember::nn and ember::models (tests/reference/nn/).

- layers.json: repr() strings of single layers, the state-dict keys and shapes of every
  model in include/ember/models/models.h (built here with the same architecture in torch),
  and each layer's default-initialisation bound.
- <model>.safetensors (mlp, lenet, vgg): the torch model's weights ("model.<key>"), an input
  batch, the eval-mode logits, the cross-entropy loss and the gradient of every parameter
  ("grad.<key>") so that ember can load the weights and reproduce all of them.

Run: /usr/bin/python3 scripts/gen_reference/nn.py
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(ROOT, "bench", "accuracy"))
import st  # noqa: E402
from train_torch import MODELS  # noqa: E402  (the models, as the accuracy benchmark trains them)
OUT = os.path.join(ROOT, "tests", "reference", "nn")


LAYERS = {
    "linear": nn.Linear(4, 3),
    "linear_nobias": nn.Linear(5, 2, bias=False),
    "conv2d": nn.Conv2d(3, 8, 3),
    "conv2d_full": nn.Conv2d(4, 8, (3, 5), stride=(2, 1), padding=(1, 2), dilation=2, groups=2,
                             bias=False),
    "conv1d": nn.Conv1d(2, 4, 3, padding=1),
    "conv_transpose2d": nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1),
    "batchnorm2d": nn.BatchNorm2d(6),
    "batchnorm1d": nn.BatchNorm1d(5, momentum=None),
    "layernorm": nn.LayerNorm(7),
    "groupnorm": nn.GroupNorm(2, 6),
    "embedding": nn.Embedding(10, 4, padding_idx=0),
    "maxpool2d": nn.MaxPool2d(2),
    "avgpool2d": nn.AvgPool2d(3, stride=2),
    "adaptiveavgpool2d": nn.AdaptiveAvgPool2d((1, 1)),
    "dropout": nn.Dropout(0.25),
    "flatten": nn.Flatten(),
    "relu": nn.ReLU(),
    "leakyrelu": nn.LeakyReLU(0.2),
    "gelu": nn.GELU(),
    "gelu_tanh": nn.GELU(approximate="tanh"),
    "softmax": nn.Softmax(dim=1),
    "identity": nn.Identity(),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    ref = {"repr": {k: repr(v) for k, v in LAYERS.items()}, "models": {}}
    for name, cls in MODELS.items():
        m = cls()
        ref["models"][name] = {k: list(v.shape) for k, v in m.state_dict().items()}
    with open(os.path.join(OUT, "layers.json"), "w") as f:
        json.dump(ref, f, indent=1, sort_keys=True)

    for name in ("mlp", "lenet", "vgg"):
        torch.manual_seed(1)
        # Weights rounded to float32 (and stored so, halving the files) but computed in
        # float64: ember loads them exactly and must reproduce the float64 results.
        m = MODELS[name]().float().double()
        # Non-trivial running statistics, so eval-mode BatchNorm is really exercised.
        for mod in m.modules():
            if isinstance(mod, nn.BatchNorm2d):
                mod.running_mean.uniform_(-0.5, 0.5)
                mod.running_var.uniform_(0.5, 1.5)
                mod.running_mean.copy_(mod.running_mean.float())
                mod.running_var.copy_(mod.running_var.float())
        m.eval()
        x = torch.rand(3, 1, 28, 28, dtype=torch.float64)
        y = torch.tensor([1, 7, 3])
        logits = m(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        tensors = {"input": x.numpy(), "target": y.numpy(), "logits": logits.detach().numpy(),
                   "loss": loss.detach().numpy()}
        for k, v in m.state_dict().items():
            tensors["model." + k] = v.float().numpy() if v.is_floating_point() else v.numpy()
        for k, p in m.named_parameters():
            tensors["grad." + k] = p.grad.float().numpy()  # compared with rtol 1e-5
        st.save(os.path.join(OUT, name + ".safetensors"), tensors,
                {"generator": "scripts/gen_reference/nn.py", "torch": torch.__version__})
    print("wrote", OUT)


if __name__ == "__main__":
    main()
