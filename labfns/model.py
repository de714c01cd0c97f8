"""The slides' network, 784-256-128-10 (chapters 2, 3 and 5).

R's ``modelnn`` from the slides, line for line::

    self$fc1 <- nn_linear(28 * 28, 256)      # A^(1) = g(W_1' X), equation (1)
    self$fc2 <- nn_linear(256, 128)          # A^(2) = g(W_2' A^(1)), equation (2)
    self$fc3 <- nn_linear(128, 10)           # Z = B' A^(2), equation (3)
    self$drop1 <- nn_dropout(p = 0.4)
    self$drop2 <- nn_dropout(p = 0.3)

with ReLU for the activation g.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import torch
from torch import nn

__all__ = ["MNISTNet", "Dropout", "ModelSummary", "summary", "set_seed", "count_parameters"]


class Dropout(nn.Dropout):
    """Dropout (chapter 5): in training, zero each unit with probability ``p`` and scale the rest by
    1/(1 − p); in evaluation, do nothing. The same as ``nn.Dropout``, but the mask is drawn with
    ``torch.rand``, which on a CPU costs a fraction of ``nn.Dropout``'s ``bernoulli_`` (benchmarks/)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return x
        keep = torch.rand_like(x) >= self.p
        return x * keep * (1.0 / (1.0 - self.p))


class MNISTNet(nn.Module):
    """The slides' two-hidden-layer network: 235,146 parameters (chapter 3).

    ``forward`` takes a batch of images, N×28×28 or already flattened N×784, and returns the ten
    linear outputs Z_0, ..., Z_9 of equation (3) — no softmax: the loss applies it (chapter 4).
    ``hidden=(256, 128)`` are K_1 and K_2; ``dropout=(0.4, 0.3)`` the two dropout rates.
    """

    def __init__(self, hidden=(256, 128), dropout=(0.4, 0.3), n_inputs=28 * 28, n_classes=10):
        super().__init__()
        k1, k2 = hidden
        self.fc1 = nn.Linear(n_inputs, k1)
        self.fc2 = nn.Linear(k1, k2)
        self.fc3 = nn.Linear(k2, n_classes)
        self.drop1 = Dropout(p=dropout[0])
        self.drop2 = Dropout(p=dropout[1])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.flatten(start_dim=1)  # N×28×28 -> N×784; N×784 stays as it is
        x = self.drop1(torch.relu(self.fc1(x)))
        x = self.drop2(torch.relu(self.fc2(x)))
        return self.fc3(x)


def count_parameters(model: nn.Module) -> int:
    """The number of trainable numbers in ``model``: ``sum(p.numel() for p in model.parameters())``."""
    return sum(p.numel() for p in model.parameters())


@dataclass(frozen=True)
class ModelSummary:
    """What R's ``print(modelnn())`` shows: the total and each module's parameter count."""

    total: int
    modules: dict

    def __repr__(self) -> str:
        lines = [f"An `nn.Module` containing {self.total:,} parameters.", "", "-- Modules " + "-" * 29]
        for name, (kind, n) in self.modules.items():
            lines.append(f"* {name}: <{kind}> #{n:,} parameters")
        return "\n".join(lines)

    __str__ = __repr__


def summary(model: nn.Module) -> ModelSummary:
    """Summarise ``model`` as R's luz prints a module: total parameters, then one line per child module."""
    modules = {
        name: (type(child).__name__, count_parameters(child)) for name, child in model.named_children()
    }
    return ModelSummary(count_parameters(model), modules)


def set_seed(seed: int) -> None:
    """Seed Python's, NumPy's (if installed) and PyTorch's random number generators (the slides'
    ``torch_manual_seed(0)``)."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__} {seed!r}")
    random.seed(seed)
    torch.manual_seed(seed)
    try:
        import numpy as np

        np.random.seed(seed % 2**32)  # noqa: NPY002 (seeds the global generator on purpose)
    except ImportError:  # pragma: no cover
        pass
