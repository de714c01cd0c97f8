"""A small convolutional network beside the slides' dense one (chapter 17, ISLR2 Section 10.3).

* :class:`ConvNet` — two convolution layers of 3×3 filters (8 and 16 channels), each followed by the ReLU
  and 2×2 max pooling, then one linear output layer: 28×28 → 8×14×14 → 16×7×7 → 10, 9,098 parameters.
* :func:`moved_digits` — the test digits moved a few pixels, or shrunk to half their size, as chapter 16
  moves them: how much of the network's accuracy survives.
* The ``cnn`` seed study: :class:`ConvNet` and the slides' :class:`~labfns.model.MNISTNet` trained side by
  side with the same settings (:data:`SETTINGS`) for ten seeds each, their test error and their accuracy on
  each set of moved digits stored in ``labfns/cnn_study.json`` (``python scripts/seed_studies.py --cnn``,
  part of ``make seeds``). It has a file of its own, with its own code hash (:func:`code_hash`: labfns'
  ``data``, ``model``, ``train`` and this module), so that adding it did not make the older studies stale.
  :mod:`labfns.typical` reads both files.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["ConvNet", "moved_digits", "MOVES", "SETTINGS"]

STUDY_FILE = Path(__file__).with_name("cnn_study.json")
# Both networks of the study: the slides' lab (chapter 5) at the learning rate 0.001, for 5 epochs rather
# than 10 so that the chapter trains its network within a minute on two CPU cores.
SETTINGS = {"epochs": 5, "lr": 1e-3, "batch_size": 256, "valid": 0.2}
PLAN = [("cnn", {"network": network}, range(10)) for network in ("cnn", "dense")]
# Each set of moved test digits: its name in the stored runs (a metric of labfns.typical), its name on the
# page, and how it is made (columns right, rows down; or "half": half size, centred).
MOVES = {
    "acc_right_1": ("1 px right", (1, 0)),
    "acc_right_2": ("2 px right", (2, 0)),
    "acc_right_3": ("3 px right", (3, 0)),
    "acc_diag_2": ("2 px right and 2 down", (2, 2)),
    "acc_diag_3": ("3 px right and 3 down", (3, 3)),
    "acc_half": ("half size, centred", "half"),
}


class ConvNet(nn.Module):
    """ISLR2 Section 10.3's convolutional network, made small: convolve, ReLU, pool, twice, then a linear
    output layer. ``forward`` takes images N×28×28 (or flattened, N×784) and returns the ten outputs
    Z_0, ..., Z_9, as :class:`~labfns.model.MNISTNet` does: no softmax (the loss applies it)."""

    def __init__(self, channels=(8, 16)):
        super().__init__()
        c1, c2 = channels
        self.conv1 = nn.Conv2d(1, c1, kernel_size=3, padding=1)  # 8 filters of 3×3 (and an intercept each)
        self.conv2 = nn.Conv2d(c1, c2, kernel_size=3, padding=1)  # 16 filters of 8×3×3
        self.fc = nn.Linear(c2 * 7 * 7, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.reshape(-1, 1, 28, 28)  # one channel: grey levels
        a1 = F.max_pool2d(torch.relu(self.conv1(x)), 2)  # N×8×14×14
        a2 = F.max_pool2d(torch.relu(self.conv2(a1)), 2)  # N×16×7×7
        return self.fc(a2.flatten(1))


def moved_digits(images: torch.Tensor) -> dict[str, torch.Tensor]:
    """``images`` (N×28×28) moved as chapter 16 moves them: a few pixels right (and down), blank pixels coming
    in at the edges; or shrunk to half size (14×14, averaging 2×2 blocks) in the middle of the frame. Keys:
    the names of :data:`MOVES` on the page."""
    out = {}
    for name, how in MOVES.values():
        if how == "half":
            moved = torch.zeros_like(images)
            moved[:, 7:21, 7:21] = F.interpolate(images[:, None], size=(14, 14), mode="area")[:, 0]
        else:
            right, down = how
            moved = torch.zeros_like(images)
            moved[:, down:, right:] = images[:, : 28 - down, : 28 - right]
        out[name] = moved
    return out


def plan() -> list[dict]:
    """Every run of the study, as ``{"study", "network", "seed"}`` dicts."""
    return [{"study": study, **setting, "seed": seed} for study, setting, seeds in PLAN for seed in seeds]


def code_hash() -> str:
    """The hash of the code that decides what a run of this study computes (as labfns.studies.code_hash)."""
    from .studies import _code_tokens

    digest = hashlib.sha256()
    for name in ("data", "model", "train", "convnet"):
        digest.update(_code_tokens(Path(__file__).with_name(f"{name}.py").read_text(encoding="utf-8")))
    return digest.hexdigest()[:16]


def load_data(study: str = "cnn"):
    """MNIST's training and test images: ``(train_x, train_y, test_x, test_y)``."""
    from .data import load_mnist

    return (*load_mnist("train"), *load_mnist("test"))


def run(spec: dict, data) -> dict:
    """Train the run ``spec`` (a row of :func:`plan`) and return its row: the spec, the log, the test error
    and the test accuracy on each set of moved digits."""
    from .model import MNISTNet, set_seed
    from .train import evaluate, fit

    train_x, train_y, test_x, test_y = data
    set_seed(spec["seed"])
    model = ConvNet() if spec["network"] == "cnn" else MNISTNet()
    history = fit(model, train_x, train_y, seed=spec["seed"], verbose=False, **SETTINGS)
    row = {**spec, "history": {k: [round(v, 6) for v in history[k]] for k in history.columns if k != "epoch"}}
    row["test_error"] = round(1 - evaluate(model, test_x, test_y)["acc"], 6)
    moved = moved_digits(test_x)
    for metric, (name, _) in MOVES.items():
        row[metric] = round(evaluate(model, moved[name], test_y)["acc"], 6)
    return row
