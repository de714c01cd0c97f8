"""The slides' network, 784-256-128-10 (chapters 2 and 3; dropout, chapter 11; training, chapter 5).

R's ``modelnn`` from the slides, line for line::

    self$fc1 <- nn_linear(28 * 28, 256)      # A^(1) = g(W_1' X), equation (B2.1)
    self$fc2 <- nn_linear(256, 128)          # A^(2) = g(W_2' A^(1)), equation (B2.2)
    self$fc3 <- nn_linear(128, 10)           # Z = B' A^(2), equation (B2.3)
    self$drop1 <- nn_dropout(p = 0.4)
    self$drop2 <- nn_dropout(p = 0.3)

with ReLU for the activation g.
"""

from __future__ import annotations

import io
import os
import pickle
import random
import zipfile
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from .checks import (
    check_features,
    check_layer_sizes,
    check_model,
    check_path,
    check_positive_int,
    check_seed,
)
from .files import check_safe_torch, write_atomically

__all__ = [
    "MNISTNet",
    "Dropout",
    "ModelSummary",
    "summary",
    "set_seed",
    "count_parameters",
    "save",
    "load",
    "LogisticNet",
]


class Dropout(nn.Dropout):
    """Dropout (chapter 11): in training, zero each unit with probability ``p`` and scale the rest by
    1/(1 − p); in evaluation, do nothing. The same as ``nn.Dropout``, but the mask is drawn with
    ``torch.rand``, which on a CPU costs a fraction of ``nn.Dropout``'s ``bernoulli_`` (benchmarks/)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return x
        if self.p == 1:  # every unit dropped (and 1/(1 − p) undefined)
            return torch.zeros_like(x)
        # One float mask, 0 for a dropped unit and 1/(1 − p) for a kept one, built in place in the buffer
        # torch.rand filled: one multiplication applies it (and, in backward, its gradient).
        mask = torch.rand_like(x).ge_(self.p).mul_(1.0 / (1.0 - self.p))
        return x * mask


class MNISTNet(nn.Module):
    """The slides' two-hidden-layer network: 235,146 parameters (chapter 3).

    ``forward`` takes a batch of images, N×28×28 or already flattened N×784, and returns the ten
    linear outputs Z_0, ..., Z_9 of equation (B2.3) — no softmax: the loss applies it (chapter 4).
    ``hidden=(256, 128)`` are K_1 and K_2; ``dropout=(0.4, 0.3)`` the two dropout rates.
    """

    def __init__(self, hidden=(256, 128), dropout=(0.4, 0.3), n_inputs=28 * 28, n_classes=10):
        super().__init__()
        check_layer_sizes(hidden, dropout, n_inputs, n_classes)
        k1, k2 = hidden
        self.fc1 = nn.Linear(n_inputs, k1)
        self.fc2 = nn.Linear(k1, k2)
        self.fc3 = nn.Linear(k2, n_classes)
        self.drop1 = Dropout(p=dropout[0])
        self.drop2 = Dropout(p=dropout[1])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_features(x, self.fc1.in_features, self.fc1.weight)
        x = x.flatten(start_dim=1)  # N×28×28 -> N×784; N×784 stays as it is
        x = self.drop1(torch.relu(self.fc1(x)))
        x = self.drop2(torch.relu(self.fc2(x)))
        return self.fc3(x)


def count_parameters(model: nn.Module) -> int:
    """The number of parameters of ``model``, the numbers training adjusts (frozen ones included):
    ``sum(p.numel() for p in model.parameters())``."""
    check_model(model)
    lazy = [n for n, p in model.named_parameters() if isinstance(p, nn.parameter.UninitializedParameter)]
    if lazy:
        raise ValueError(
            f"the model's lazy layers have no weights yet ({', '.join(lazy)}): run it once on a batch, "
            "model(images[:1]), before counting"
        )
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
    check_model(model)
    modules = {
        name: (type(child).__name__, count_parameters(child)) for name, child in model.named_children()
    }
    return ModelSummary(count_parameters(model), modules)


def set_seed(seed: int) -> None:
    """Seed Python's, NumPy's (if installed) and PyTorch's random number generators (the slides'
    ``torch_manual_seed(0)``)."""
    check_seed(seed)
    seed = int(seed)  # a NumPy integer too
    random.seed(seed)
    torch.manual_seed(seed)
    try:
        import numpy as np

        np.random.seed(seed % 2**32)  # noqa: NPY002 (seeds the global generator on purpose)
    except ImportError:  # pragma: no cover
        pass


def save(model: nn.Module, path: str | os.PathLike) -> None:
    """Write ``model``'s weights, its state dict, to the file ``path`` (the R lab's ``luz_save``).

    Only the numbers are saved, not the code: to load them, build the same network and call :func:`load`.
    The file is written whole or not at all: if writing fails (a full disk, say), a file already at
    ``path`` is left as it was.
    """
    check_model(model)
    check_path("path", path)
    folder_meant = str(path).endswith(("/", os.sep))
    path = Path(path).expanduser()
    if path.is_dir() or folder_meant:
        raise IsADirectoryError(
            f"path {path} names a folder; give a file name, such as {path / 'mnist_net.pt'}"
            + ("" if path.is_dir() else f" (after os.makedirs({str(path)!r}))")
        )
    if path.parent.exists() and not path.parent.is_dir():
        raise NotADirectoryError(f"cannot save to {path}: {path.parent} is a file, not a folder")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot save to {path}: the folder {path.parent} does not exist")
    inner = getattr(model, "_orig_mod", model)  # torch.compile's wrapper: save the network it wraps
    buffer = io.BytesIO()  # torch's writer first, in memory; then the bytes go to disk whole or not at all
    torch.save(inner.state_dict(), buffer)
    with write_atomically(path, "the weights") as f:
        f.write(buffer.getbuffer())


def load(model: nn.Module, path: str | os.PathLike | None = None) -> nn.Module:
    """Load the weights that :func:`save` wrote to ``path`` into ``model``, and return ``model``.

    ``torch.load(..., weights_only=True)`` reads tensors only, never code, so a file from elsewhere cannot
    run anything; on PyTorch older than 2.6, where that promise did not hold (CVE-2025-32434), ``load``
    refuses to read. ``model`` must be the same architecture as the saved one: ``load(MNISTNet(), path)``.
    """
    if isinstance(model, (str, os.PathLike)):
        raise TypeError(
            f"load(model, path) fills a network you build first, got a path ({str(model)!r}) as model; "
            "use labfns.load(labfns.MNISTNet(), path)"
        )
    check_model(model)
    if path is None:
        raise TypeError("load(model, path) needs the path of the file that labfns.save wrote")
    check_path("path", path)
    path = Path(path).expanduser()
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder, not a file of weights; give the file's name")
    if not path.is_file():
        raise FileNotFoundError(f"no saved weights at {path}: the file does not exist")
    check_safe_torch("the weights in " + str(path))
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as e:
        with open(path, "rb") as f:  # torch files are zip archives (or, before PyTorch 1.6, pickles)
            torch_file = zipfile.is_zipfile(f) or (f.seek(0) == 0 and f.read(1) == b"\x80")
        if not torch_file:
            raise ValueError(
                f"{path} is not a file of weights written by labfns.save: torch.load(weights_only=True) "
                f"refused it (UnpicklingError: {str(e).strip().splitlines()[0][:200]})"
            ) from None
        raise ValueError(  # pickled Python objects: weights_only refuses to run their code
            f"{path} holds pickled Python objects (a whole model, say), not only weights, and "
            "torch.load(weights_only=True) will not run the code that unpickling them needs. If you trust "
            "the file: model = torch.load(path, weights_only=False); labfns.save(model, new_path)"
        ) from None
    except Exception as e:  # not a torch file, or truncated
        first = next(iter(str(e).strip().splitlines()), "")
        raise ValueError(
            f"{path} is not a file of weights written by labfns.save: torch.load(weights_only=True) "
            f"refused it ({type(e).__name__}: {first[:200]})"
        ) from None
    if not isinstance(state, dict):
        raise ValueError(f"{path} holds a {type(state).__name__}, not the state dict that labfns.save writes")
    if not all(isinstance(v, torch.Tensor) for v in state.values()):
        inner = [k for k, v in state.items() if isinstance(v, dict)]
        hint = f"; if {inner[0]!r} holds the weights: torch.load(path)[{inner[0]!r}]" if inner else ""
        raise ValueError(
            f"{path} holds a dict with keys {sorted(map(str, state))[:8]}, a checkpoint rather than the "
            f"state dict that labfns.save writes{hint}"
        )
    state = _unwrapped(state, model.state_dict())
    _check_same_layers(model, state, path)
    model.load_state_dict(state)
    return model


def _unwrapped(state: dict, wanted: dict) -> dict:
    """The weights of ``state`` without a prefix that a wrapper added to every name (torch.compile's
    ``_orig_mod.``, DataParallel's ``module.``), when without it they fit the model's names."""
    for prefix in ("_orig_mod.", "module."):
        if state and all(k.startswith(prefix) for k in state):
            stripped = {k[len(prefix) :]: v for k, v in state.items()}
            if set(stripped) == set(wanted):
                return stripped
    return state


def _check_same_layers(model: nn.Module, state: dict, path: Path) -> None:
    """Raise a ValueError naming every layer whose weights in ``state`` do not fit ``model``."""
    mine = model.state_dict()
    wrong = [k for k, v in mine.items() if k in state and state[k].shape != v.shape]
    problems = [
        f"{k} is {'×'.join(map(str, state[k].shape))} in the file but {'×'.join(map(str, mine[k].shape))} in the model"
        for k in wrong
        if not (k.endswith(".bias") and k[: -len("bias")] + "weight" in wrong)  # the weight says it already
    ]
    if missing := [k for k in mine if k not in state]:
        problems.append(f"the file has no {', '.join(missing)}")
    if extra := [k for k in state if k not in mine]:
        problems.append(f"the model has no {', '.join(extra)}")
    if not problems:
        return
    hint = ""
    shapes = [tuple(state[f"fc{i}.weight"].shape) for i in (1, 2, 3) if f"fc{i}.weight" in state]
    if len(shapes) == 3 and shapes[0][1] == 784 and shapes[2][0] == 10:
        hint = f"; the file fits MNISTNet(hidden=({shapes[0][0]}, {shapes[1][0]}))"
    raise ValueError(f"the weights in {path} are for another architecture: " + "; ".join(problems) + hint)


class LogisticNet(nn.Module):
    """Multinomial logistic regression as a network with no hidden layer: Z = B'X, 7,850 parameters
    (chapter 7, ISLR2 Table 10.1).

    The ten linear outputs Z_0, ..., Z_9 of equation (B2.3) computed straight from the p = 784 pixels, with no
    hidden layer in between; softmax and the cross-entropy loss then make it multinomial logistic regression.
    It is trained with the same :func:`labfns.fit` as :class:`MNISTNet`.
    """

    def __init__(self, n_inputs=28 * 28, n_classes=10):
        super().__init__()
        check_positive_int("n_inputs", n_inputs)
        check_positive_int("n_classes", n_classes)
        self.fc = nn.Linear(n_inputs, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_features(x, self.fc.in_features, self.fc.weight)
        return self.fc(x.flatten(start_dim=1))
