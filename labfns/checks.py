"""Input checks shared by the public functions: a wrong argument gets a message that says what to do.

Each check raises ``TypeError`` for a value of the wrong kind and ``ValueError`` for a value of the right
kind but out of range, with a message that names the argument, shows what was given and says what is
expected. The book's page "When things go wrong" (book/errors.md) lists them.
"""

from __future__ import annotations

import numbers
import os

import torch
from torch import nn

__all__ = [
    "check_positive_int",
    "check_seed",
    "check_fraction",
    "check_number",
    "check_choice",
    "check_callable",
    "check_path",
    "check_model",
    "check_tensor",
    "check_model_input",
    "check_labels",
    "check_data",
    "check_features",
    "check_pictures",
]


def _given(value) -> str:
    """How a wrong value is shown in a message: its type, and its repr when that is short."""
    text = repr(value)
    return f"{type(value).__name__} {text}" if len(text) <= 60 else type(value).__name__


def check_positive_int(name: str, value) -> None:
    """``value`` must be a whole number ≥ 1 (``epochs``, ``batch_size``, ...)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number ≥ 1, got {_given(value)}")
    if value < 1:
        raise ValueError(f"{name} must be ≥ 1, got {value!r}")


def check_seed(seed) -> None:
    """``seed`` must be a whole number (the slides' ``torch_manual_seed(0)``)."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be a whole number, such as 0, got {_given(seed)}")


def check_fraction(name: str, value) -> None:
    """``value`` must be a number strictly between 0 and 1 (``valid``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a fraction strictly between 0 and 1, got {_given(value)}")
    if not 0 < value < 1:
        hint = (
            f" (a share of the images, not a count: {value / 100} for {value}%?)" if 1 < value < 100 else ""
        )
        raise ValueError(f"{name} must be a fraction strictly between 0 and 1, got {value!r}{hint}")


def check_number(name: str, value, *, positive: bool = False, allow_none: bool = False) -> None:
    """``value`` must be a finite real number, > 0 with ``positive`` else ≥ 0 (``lr``, ``weight_decay``)."""
    if value is None and allow_none:
        return
    what = "a number > 0" if positive else "a number ≥ 0"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be {what}{' or None' if allow_none else ''}, got {_given(value)}")
    if value != value or value in (float("inf"), float("-inf")) or value < 0 or (positive and value == 0):
        raise ValueError(f"{name} must be {what}, got {value!r}")


def check_choice(name: str, value, choices) -> None:
    """``value`` must be one of ``choices`` (``split``, ``reduction``)."""
    if value not in choices:
        options = " or ".join(repr(c) for c in choices)
        hint = ""
        if isinstance(value, str) and value.lower() in choices:
            hint = f" (lower case: {value.lower()!r})"
        raise ValueError(f"{name} must be {options}, got {_given(value)}{hint}")


def check_callable(name: str, value, *, allow_none: bool = False, what: str = "a function") -> None:
    """``value`` must be callable (an optimizer class, a callback, an activation)."""
    if value is None and allow_none:
        return
    if not callable(value):
        raise TypeError(f"{name} must be {what}{' or None' if allow_none else ''}, got {_given(value)}")


def check_path(name: str, value, *, allow_none: bool = False) -> None:
    """``value`` must be a path: a ``str`` or ``pathlib.Path`` (``root``, ``path``)."""
    if value is None and allow_none:
        return
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a folder or file path (str or pathlib.Path), got {_given(value)}")


def check_model(model, name: str = "model") -> None:
    """``model`` must be a ``torch.nn.Module`` instance, such as ``labfns.MNISTNet()``."""
    if isinstance(model, type) and issubclass(model, nn.Module):
        raise TypeError(
            f"{name} must be a network, got the class {model.__name__}; call it: {model.__name__}()"
        )
    if not isinstance(model, nn.Module):
        raise TypeError(f"{name} must be a torch.nn.Module such as labfns.MNISTNet(), got {_given(model)}")


def check_tensor(name: str, x, *, ndim=None, floating: bool = False, integer: bool = False) -> None:
    """``x`` must be a tensor; with ``ndim`` (an int or a tuple), of that many dimensions; with
    ``floating``/``integer``, of such a dtype (the maths functions)."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {_given(x)}; use torch.as_tensor(...)")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if x.ndim not in allowed:
            dims = " or ".join(str(d) for d in allowed)
            raise ValueError(f"{name} must have {dims} dimension(s), got shape {tuple(x.shape)}")
    if floating and not x.is_floating_point():
        raise TypeError(f"{name} must be floating point, got dtype {x.dtype}; use {name}.float()")
    if integer and (x.is_floating_point() or x.is_complex() or x.dtype == torch.bool):
        raise TypeError(f"{name} must hold integers (class numbers), got dtype {x.dtype}; use {name}.long()")


def _all_finite(x: torch.Tensor) -> bool:
    # One sum is far cheaper than an elementwise test; only when it is not finite, look closer.
    return bool(torch.isfinite(x.sum())) or bool(torch.isfinite(x).all())


def check_model_input(images, name: str = "images") -> None:
    """``images`` must be a non-empty finite floating-point tensor, N×28×28 or N×784 (scaled to [0, 1])."""
    if not isinstance(images, torch.Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor (N×28×28 or N×784), got {type(images).__name__}; "
            "use torch.as_tensor(...) or labfns.load_mnist()"
        )
    if not images.is_floating_point():
        raise TypeError(
            f"{name} must be floating point, got dtype {images.dtype}; "
            "divide uint8 pixel values by 255 (the slides' torch_div(255)): images.float() / 255"
        )
    shape = tuple(images.shape)
    if not (images.ndim == 3 and shape[1:] == (28, 28)) and not (images.ndim == 2 and shape[1] == 784):
        hint = (
            "; a single image needs a batch dimension: images[None] or images.unsqueeze(0)"
            if shape in ((28, 28), (784,))
            else ""
        )
        raise ValueError(f"{name} must have shape N×28×28 or N×784, got {shape}{hint}")
    if len(images) == 0:
        raise ValueError(f"{name} is empty (0 images)")
    if not _all_finite(images):
        raise ValueError(f"{name} contains NaN or infinite values; every pixel must be a finite number")


def check_labels(
    labels, n: int | None = None, n_classes: int | None = 10, name: str = "labels", rows: str = "images"
) -> None:
    """``labels`` must be a 1-d integer tensor of class numbers in 0..n_classes-1, one per row (``n``)."""
    if not isinstance(labels, torch.Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor of class numbers, got {type(labels).__name__}; "
            "use torch.as_tensor(...)"
        )
    if labels.is_floating_point() or labels.dtype == torch.bool or labels.is_complex():
        raise TypeError(
            f"{name} must be integers (class numbers 0-{(n_classes or 10) - 1}), got dtype {labels.dtype}; "
            f"use {name}.long()"
        )
    if labels.ndim != 1:
        hint = "; one-hot rows? use labels.argmax(dim=1)" if labels.ndim == 2 else ""
        raise ValueError(f"{name} must be one-dimensional (N,), got shape {tuple(labels.shape)}{hint}")
    if n is not None and len(labels) != n:
        raise ValueError(
            f"{rows} and {name} must have the same length, got {n} {rows} and {len(labels)} {name}"
        )
    if n_classes is not None and len(labels) > 0:
        lo, hi = int(labels.min()), int(labels.max())
        if lo < 0 or hi >= n_classes:
            raise ValueError(
                f"{name} must lie in 0..{n_classes - 1}, got values from {lo} to {hi}"
                + (
                    "; R counts classes from 1, Python from 0: subtract 1"
                    if hi == n_classes and lo >= 1
                    else ""
                )
            )


def check_data(images, labels, n_classes: int | None = 10) -> None:
    """``images`` as in :func:`check_model_input`; ``labels`` as in :func:`check_labels`, one per image."""
    check_model_input(images)
    check_labels(labels, len(images), n_classes)


def check_features(x, n_inputs: int, weight: torch.Tensor, name: str = "x") -> None:
    """A network's input: a batch of N rows of ``n_inputs`` numbers each (N×28×28 or N×784 for MNIST),
    of the same dtype and on the same device as the network's first ``weight`` (``MNISTNet.forward``)."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of images, got {_given(x)}; use torch.as_tensor(...)")
    if x.ndim < 2 or x.shape[1:].numel() != n_inputs:
        hint = f"; a single image needs a batch dimension: {name}[None]" if x.numel() == n_inputs else ""
        shape = "N×28×28 or N×784" if n_inputs == 784 else f"N×{n_inputs}"
        raise ValueError(f"{name} must be a batch of inputs, {shape}, got shape {tuple(x.shape)}{hint}")
    if x.dtype != weight.dtype:
        hint = (
            f"{name}.float() / 255 (the slides' torch_div(255))"
            if not x.is_floating_point()
            else f"{name}.float()"
        )
        raise TypeError(
            f"{name} has dtype {x.dtype} but the network's weights are {weight.dtype}: use {hint}"
        )
    if x.device != weight.device:
        raise ValueError(
            f"{name} is on {x.device} but the network is on {weight.device}: "
            f"move one to the other, {name}.to('{weight.device}') or model.to('{x.device}')"
        )


def check_pictures(images, name: str = "images") -> None:
    """Digits to draw: a tensor or array of grey levels in [0, 1] whose last dimensions are 28×28 or 784
    (``show_digits``)."""
    try:
        x = torch.as_tensor(images)
    except (TypeError, ValueError, RuntimeError):
        raise TypeError(f"{name} must be a tensor or array of images, got {type(images).__name__}") from None
    shape = tuple(x.shape)
    if x.numel() == 0:
        raise ValueError(f"{name} is empty: nothing to show")
    if shape[-2:] != (28, 28) and shape[-1:] != (784,):
        raise ValueError(f"{name} must be images of 28×28 pixels (N×28×28 or N×784), got shape {shape}")
    if not x.is_floating_point() and int(x.max()) > 1:
        raise TypeError(
            f"{name} holds pixel values up to {int(x.max())} (dtype {x.dtype}); show_digits draws grey levels "
            f"in [0, 1]: use {name}.float() / 255"
        )
