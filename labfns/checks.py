"""Input checks shared by the public functions: a wrong argument gets a message that says what to do.

Each check raises ``TypeError`` for a value of the wrong kind and ``ValueError`` for a value of the right
kind but out of range, with a message that names the argument, shows what was given and says what is
expected. The book's page "When things go wrong" (book/errors.md) lists them.
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import os
import re
import warnings

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
    "check_layer_sizes",
    "check_optimizer",
    "check_weight_decay",
    "check_trainable",
    "check_callback",
    "check_cuda_graphs",
    "model_outputs",
    "check_weights_picture",
    "check_counts",
    "check_split",
    "check_history",
    "check_histories",
    "check_probabilities",
    "check_lengths",
    "check_activations",
    "check_classes",
    "check_training_images",
    "check_epoch",
    "check_finite_weights",
    "check_model_device",
    "check_scale",
    "check_flag",
    "check_split_size",
    "check_torch_version",
]

TORCH_FLOOR = (2, 6)  # pyproject.toml's torch>=2.6: the first release whose weights-only load is safe


def torch_release(version) -> tuple:
    """(major, minor) of a torch version string: ``"2.11.0+cu126"`` -> ``(2, 11)``."""
    return tuple(int(part) for part in re.findall(r"\d+", str(version).split("+")[0])[:2])


def check_torch_version(version: str) -> None:
    """Refuse a torch older than :data:`TORCH_FLOOR` (labfns is imported with it): before 2.6,
    ``torch.load(weights_only=True)``, which :func:`labfns.load` relies on, could be made to run code from a
    crafted file (CVE-2025-32434)."""
    if torch_release(version) < TORCH_FLOOR:
        floor = ".".join(map(str, TORCH_FLOOR))
        raise ImportError(
            f"labfns needs torch {floor} or newer, found torch {version}: before {floor}, loading a "
            f"weights file could run code hidden in it (CVE-2025-32434). Upgrade: pip install -U "
            f"'torch>={floor}' 'torchvision>=0.21'"
        )


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
    if not -(2**63) <= seed < 2**63:
        raise ValueError(f"seed must lie between -2**63 and 2**63 - 1 (PyTorch's seeds), got {seed}")


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


def _range(x: torch.Tensor) -> tuple[float, float]:
    """The smallest and largest value of ``x`` (NaN if there is one), without copying ``x``."""
    return float(x.min()), float(x.max())


# Grey levels scaled to [0, 1] are what the chapters use. Standardised pixels are fine too: with one mean and
# sd for all pixels MNIST's lie within about ±3, and with one per pixel (R's scale(), scikit-learn's
# StandardScaler) a rarely inked pixel goes far out, up to √N for a pixel inked in one of N images (±245 for
# MNIST's 60,000). Beyond this, a scale is unusual enough to say so.
LARGE_PIXEL = 1000.0


def _warn(message: str) -> None:
    """A ``UserWarning`` pointing at the reader's line, the first frame outside labfns."""
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    frame, level = sys._getframe(1), 2
    while frame is not None and os.path.dirname(os.path.abspath(frame.f_code.co_filename)) == here:
        frame, level = frame.f_back, level + 1
    warnings.warn(message, UserWarning, stacklevel=level)


def check_scale(lo: float, hi: float, name: str = "images") -> None:
    """Warn (never refuse) when the pixels ``lo``..``hi`` are on an unusual scale: 0-255 trains, but only
    with a small learning rate; values in the thousands are seldom what was meant. Images that all hold one
    value are left to the caller's own check (training refuses them; there is no scale to speak of)."""
    if lo == hi:
        return
    if lo >= 0 and 10 < hi <= 255:  # non-negative and well above 1: grey levels not divided by 255
        _warn(
            f"{name} hold values from {lo:.3g} to {hi:.3g}: the 0-255 scale? The chapters use grey levels in "
            f"[0, 1], as load_mnist returns them (the slides' torch_div(255)); on the 0-255 scale the network "
            f"trains only with a small learning rate (lr=0.001, not RMSprop's 0.01). Divide by 255: {name} / 255"
        )
    elif max(-lo, hi) > LARGE_PIXEL:
        _warn(
            f"{name} hold values from {lo:.3g} to {hi:.3g}, far beyond grey levels in [0, 1] or standardised "
            f"pixels (within ±{math.isqrt(60_000) + 1} for MNIST standardised pixel by pixel): check how they "
            "were made; a loss that becomes NaN or inf will stop fit"
        )


def check_model_input(images, name: str = "images") -> None:
    """``images`` must be a non-empty floating-point tensor, N×28×28 or N×784, every value finite (all of
    them are checked: a min and a max, a few milliseconds for MNIST); grey levels scaled to [0, 1] or
    standardised pass silently, an unusual scale such as 0-255 with a warning (:func:`check_scale`)."""
    if not isinstance(images, torch.Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor (N×28×28 or N×784), got {type(images).__name__}; "
            "use torch.as_tensor(...) or labfns.load_mnist()"
        )
    if images.is_meta:
        raise ValueError(f"{name} are on the meta device: they hold no numbers; load or create them first")
    shape = tuple(images.shape)
    if not (images.ndim == 3 and shape[1:] == (28, 28)) and not (images.ndim == 2 and shape[1] == 784):
        hint = ""
        if shape in ((28, 28), (784,)):
            hint = "; a single image needs a batch dimension: images[None] or images.unsqueeze(0)"
        elif images.ndim == 1 and not images.is_floating_point():
            hint = "; one number per image looks like labels: the order is (model, images, labels)"
        raise ValueError(f"{name} must have shape N×28×28 or N×784, got {shape}{hint}")
    if images.is_complex():
        raise TypeError(f"{name} must hold real grey levels, got dtype {images.dtype}; use {name}.real")
    if images.dtype == torch.bool:
        raise TypeError(
            f"{name} must be floating point, got dtype torch.bool; use {name}.float() "
            "(True becomes 1, full ink; False 0, blank)"
        )
    if not images.is_floating_point():
        if images.numel() and int(images.max()) <= 1:
            raise TypeError(f"{name} must be floating point, got dtype {images.dtype}; use {name}.float()")
        raise TypeError(
            f"{name} must be floating point, got dtype {images.dtype}; "
            f"divide uint8 pixel values by 255 (the slides' torch_div(255)): {name}.float() / 255"
        )
    if len(images) == 0:
        raise ValueError(f"{name} is empty (0 images)")
    lo, hi = _range(images)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"{name} contains NaN or infinite values; every pixel must be a finite number")
    check_scale(lo, hi, name)


def check_training_images(images, name: str = "images") -> None:
    """Images to train on, beyond :func:`check_model_input`: not divided by 255 twice, and not all alike
    (either trains to chance without any error)."""
    lo, hi = _range(images)
    if lo == hi:
        raise ValueError(
            f"{name} all hold the same value ({hi:g}): there is nothing to learn from; check how they were "
            "made (load_mnist returns grey levels from 0 to 1)"
        )
    if 0 <= lo and hi < 0.01:
        raise ValueError(
            f"{name} hold values up to {hi:.3g} only: divided by 255 twice? load_mnist already scales the "
            f"grey levels to [0, 1]; use the images it returns as they are"
        )


def _label_hint(labels, name: str) -> str:
    """What to do with labels that are not one class number per image (2-d, or not integers)."""
    if labels.ndim == 2 and labels.shape[1] == 1:
        fix = f"{name}.squeeze(1)" + (
            ".long()" if labels.is_floating_point() or labels.dtype == torch.bool else ""
        )
        return f"; one class per row? use {fix}"
    if labels.ndim == 2 and labels.numel():
        rows = labels.double()
        if bool(((rows == 0) | (rows == 1)).all()) and bool((rows.sum(dim=1) == 1).all()):
            return f"; one-hot rows? use {name}.argmax(dim=1)"
        if labels.is_floating_point() and bool((rows >= 0).all()):
            ones = torch.ones(len(rows), dtype=torch.float64)
            if torch.allclose(rows.sum(dim=1), ones, atol=1e-3):
                return f"; probabilities, one row per image? use {name}.argmax(dim=1) for the classes"
    return ""


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
        classes = f"class numbers 0-{(n_classes or 10) - 1}"
        hint = _label_hint(labels, name)
        if not hint and labels.dtype == torch.bool:
            hint = f"; for two classes use {name}.long() (False is 0, True is 1)"
        elif not hint and labels.is_floating_point() and labels.numel():
            whole = bool((labels == labels.round()).all())
            hint = f"; use {name}.long()" if whole else "; these are not whole numbers"
        elif not hint:
            hint = f"; use {name}.long()"
        raise TypeError(f"{name} must be integers ({classes}), got dtype {labels.dtype}{hint}")
    if labels.ndim != 1:
        raise ValueError(
            f"{name} must be one-dimensional (N,), got shape {tuple(labels.shape)}"
            + _label_hint(labels, name)
        )
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
    if images is None:
        raise TypeError(f"{name} must be a tensor or array of images, got None")
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
    if x.is_floating_point():
        lo, hi = _range(x.detach().double())
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise ValueError(f"{name} contains NaN or infinite values: nothing sensible to draw")
        if lo < -1e-6:
            raise ValueError(
                f"{name} holds grey levels down to {lo:.3g} (standardised images?); show_digits draws grey "
                f"levels in [0, 1]: use the images load_mnist returns, or (x - x.min()) / (x.max() - x.min())"
            )
        if hi > 1 + 1e-6:
            fix = f"{name} / 255" if hi <= 255 else f"{name} / {name}.max()"
            raise ValueError(
                f"{name} holds grey levels up to {hi:.3g}; show_digits draws grey levels in [0, 1] "
                f"(anything above 1 as full ink): use {fix}"
            )


def check_network_sizes(p, hidden, n_classes, *, at_least_one_hidden: bool = False) -> list:
    """The sizes of a dense network's layers, ``[p, *hidden, n_classes]``, each a whole number ≥ 1
    (``hidden`` a tuple or list, empty for no hidden layer unless ``at_least_one_hidden``)."""
    check_positive_int("p", p)
    check_positive_int("n_classes", n_classes)
    if not isinstance(hidden, (tuple, list)) or (at_least_one_hidden and not hidden):
        kind = "hidden layer sizes" if at_least_one_hidden else "layer sizes"
        raise TypeError(f"hidden must be a tuple of {kind} such as (256, 128), got {hidden!r}")
    for k in hidden:
        check_positive_int("each hidden layer size", k)
    return [p, *hidden, n_classes]


def check_layer_sizes(hidden, dropout, n_inputs, n_classes) -> None:
    """MNISTNet's arguments: two layer sizes K_1, K_2, two dropout rates in [0, 1], whole numbers ≥ 1."""
    if not isinstance(hidden, (tuple, list)) or len(hidden) != 2:
        raise ValueError(
            f"hidden must be the two hidden layer sizes (K_1, K_2), such as (256, 128), got {hidden!r}"
        )
    for k in hidden:
        check_positive_int("each hidden layer size", k)
    if not isinstance(dropout, (tuple, list)) or len(dropout) != 2:
        raise ValueError(
            f"dropout must be two rates (one per hidden layer), such as (0.4, 0.3), got {dropout!r}"
        )
    for rate in dropout:
        if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0 <= rate < 1:
            hint = "; a rate of 1 drops every unit, and nothing is learned" if rate == 1 else ""
            raise ValueError(
                f"each dropout rate must be a number in [0, 1), got {rate!r} in dropout={dropout!r}{hint}"
            )
    check_positive_int("n_inputs", n_inputs)
    check_positive_int("n_classes", n_classes)


def _parameters_of(fn) -> dict | None:
    """The parameters of a function or class, by name (None where Python cannot tell)."""
    try:
        return dict(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return None


def _optimizer_class(optimizer):
    """The optimizer class behind ``optimizer`` (a class, or a functools.partial of one), else None."""
    inner = optimizer.func if isinstance(optimizer, functools.partial) else optimizer
    return inner if isinstance(inner, type) and issubclass(inner, torch.optim.Optimizer) else None


def check_optimizer(optimizer, lr, weight_decay) -> None:
    """``fit``'s optimizer settings: an optimizer class (not one already built), a learning rate > 0 or
    None, and a ridge penalty λ ≥ 0 (a number or ``{module name: λ}``) that the optimizer applies."""
    if isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(
            "optimizer must be an optimizer class, such as torch.optim.RMSprop, not an optimizer already "
            f"built ({type(optimizer).__name__}(...)): fit builds it; pass lr=... to fit"
        )
    check_callable("optimizer", optimizer, what="an optimizer class such as torch.optim.RMSprop")
    if isinstance(optimizer, type) and not issubclass(optimizer, torch.optim.Optimizer):
        raise TypeError(
            f"optimizer must be an optimizer class such as torch.optim.RMSprop, got the class "
            f"{optimizer.__name__}, which is not a torch.optim.Optimizer"
        )
    cls = _optimizer_class(optimizer)
    if cls is torch.optim.LBFGS:
        raise ValueError(
            "torch.optim.LBFGS needs a closure that recomputes the loss at every step, which fit's steps "
            "do not pass; use RMSprop, SGD or Adam"
        )
    check_number("lr", lr, positive=True, allow_none=True)
    if isinstance(weight_decay, dict):
        for key, lam in weight_decay.items():
            if not isinstance(key, str):
                raise TypeError(
                    f"weight_decay's keys must be module names such as 'fc1', got {_given(key)}; "
                    "use {'fc1': 1e-4}"
                )
            check_number(f"weight_decay[{key!r}]", lam)
        penalties = list(weight_decay.values())
    else:
        if isinstance(weight_decay, bool) or not isinstance(weight_decay, (numbers.Real, dict)):
            raise TypeError(
                f"weight_decay must be a number ≥ 0 or a dict {{module name: λ}}, got {_given(weight_decay)}"
            )
        check_number("weight_decay", weight_decay)
        penalties = [weight_decay]
    if isinstance(optimizer, functools.partial) and "weight_decay" in optimizer.keywords:
        raise ValueError(
            f"the optimizer's own weight_decay={optimizer.keywords['weight_decay']!r} would be replaced by "
            "fit's, which puts the ridge penalty on the weight matrices only: pass it to fit instead, "
            "fit(..., weight_decay=...)"
        )
    if cls is None:  # a function that builds an optimizer: it receives fit's parameter groups as they are
        return
    known = _parameters_of(cls) or {}
    if any(lam > 0 for lam in penalties) and "weight_decay" not in known:
        raise ValueError(
            f"{cls.__name__} has no weight_decay, so the ridge penalty weight_decay={weight_decay!r} would be "
            "ignored: use an optimizer that applies it (torch.optim.RMSprop, SGD, Adam, ...), or leave "
            "weight_decay at 0"
        )
    default = getattr(known.get("weight_decay"), "default", 0)
    if isinstance(default, numbers.Real) and default > 0 and all(lam == 0 for lam in penalties):
        warnings.warn(
            f"{cls.__name__}'s own default weight_decay={default} is replaced by fit's weight_decay=0 (fit "
            f"sets the penalty itself, on weight matrices only): pass weight_decay={default} to fit to keep it",
            stacklevel=3,
        )


def check_weight_decay(model: nn.Module, weight_decay) -> None:
    """A dict ``weight_decay`` must name modules of ``model`` that hold weight matrices (ridge applies to
    weight matrices only): each name covers that module and every module inside it."""
    if not isinstance(weight_decay, dict):
        return
    modules = {name for name, _ in model.named_modules() if name}
    owners = sorted({n.rpartition(".")[0] for n, p in model.named_parameters() if p.ndim >= 2})
    unknown = sorted(k for k in weight_decay if k not in modules)
    if unknown:
        raise ValueError(
            f"weight_decay names modules {unknown} that the model does not have; its weight matrices "
            f"are in {owners}"
        )
    matrices = [n for n, p in model.named_parameters() if p.ndim >= 2]
    empty = sorted(k for k in weight_decay if not any(n.startswith(k + ".") for n in matrices))
    trainable = [n for n, p in model.named_parameters() if p.ndim >= 2 and p.requires_grad]
    frozen = sorted(
        k for k in weight_decay if k not in empty and not any(n.startswith(k + ".") for n in trainable)
    )
    if frozen:
        raise ValueError(
            f"weight_decay names {frozen}, whose weights are frozen (requires_grad is False): the penalty "
            "would be ignored; unfreeze them, or leave them out of weight_decay"
        )
    if empty:
        raise ValueError(
            f"weight_decay names {empty}, which hold no weight matrix (the ridge penalty applies to "
            f"weight matrices only, never to intercepts); the model's weight matrices are in {owners}"
        )


def check_trainable(model: nn.Module) -> None:
    """``fit`` trains networks of 32- or 64-bit floats with at least one parameter to learn."""
    params = list(model.parameters())
    if not params:
        raise ValueError(f"model ({type(model).__name__}) has no parameters: there is nothing to train")
    check_model_device(model)
    if not any(p.requires_grad for p in params):
        raise ValueError(
            "none of the model's parameters requires a gradient (all frozen with requires_grad_(False)): "
            "there is nothing to train; unfreeze some with p.requires_grad_(True)"
        )
    dtypes = sorted({str(p.dtype) for p in params})
    if len(dtypes) > 1:
        raise TypeError(f"the model's weights have several dtypes {dtypes}: convert it with model.float()")
    if params[0].dtype not in (torch.float32, torch.float64):
        raise TypeError(
            f"the model's weights are {params[0].dtype}; fit trains networks of 32-bit (or 64-bit) floats "
            "(16-bit weights need mixed-precision training, which fit does not do): use model.float()"
        )
    check_finite_weights(model)
    if torch.is_inference_mode_enabled():
        raise RuntimeError(
            "fit runs inside torch.inference_mode(), where nothing can be trained: call it outside that block"
        )


def check_model_device(model: nn.Module, images: torch.Tensor | None = None, labels=None) -> None:
    """The model's weights hold numbers (not the meta device) and, with ``images`` (and ``labels``), lie
    on the device of the data: where a step computes, everything must be on one device."""
    param = next(
        (p for p in model.parameters() if not isinstance(p, nn.parameter.UninitializedParameter)), None
    )
    if param is None:
        return
    if param.is_meta:
        raise ValueError(
            "the model's weights are on the meta device: they hold no numbers yet; build the network on "
            "the CPU (the default) or load weights into it"
        )
    for name, x in (("images", images), ("labels", labels)):
        if isinstance(x, torch.Tensor) and x.device != param.device:
            raise ValueError(
                f"{name} are on {x.device} but the model is on {param.device}: move one to the other, "
                f"{name}.to('{param.device}') or model.to('{x.device}')"
            )


def check_finite_weights(model: nn.Module) -> None:
    """Every weight of ``model`` is a finite number (a NaN would turn every output and loss NaN)."""
    for name, p in model.named_parameters():
        if isinstance(p, nn.parameter.UninitializedParameter) or p.is_meta:
            continue  # a lazy layer's weights are made on the first forward pass
        if p.numel() and not _all_finite(p.detach()):
            raise ValueError(
                f"the model's weights hold NaN or infinite values ({name}): nothing it computes means "
                "anything. Build a new network, or load good weights (labfns.load)"
            )


def check_callback(name: str, fn, args: tuple) -> None:
    """``fn`` is None or a function that can be called with the arguments named in ``args``."""
    check_callable(name, fn, allow_none=True, what=f"a function f({', '.join(args)})")
    if fn is None:
        return
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # a built-in: nothing to inspect
        return
    try:
        signature.bind(*args)
    except TypeError:
        raise TypeError(
            f"{name} is called as {name}({', '.join(args)}), with {len(args)} arguments, but it takes "
            f"{signature}: write it as def f({', '.join(args)}): ... or lambda {', '.join(args)}: ..."
        ) from None


def check_cuda_graphs(cuda_graphs, device: torch.device, optimizer, enough: bool = True) -> bool:
    """Whether ``fit`` replays its steps as a CUDA graph: ``None`` means wherever it can (a CUDA device,
    an optimizer with ``capturable``, at least one full batch); ``True`` insists, ``False`` never."""
    if cuda_graphs is not None and not isinstance(cuda_graphs, bool):
        raise TypeError(f"cuda_graphs must be True, False or None, got {_given(cuda_graphs)}")
    params = _parameters_of(optimizer) or {}
    capturable = "capturable" in params
    if cuda_graphs is True:
        if device.type != "cuda":
            raise ValueError(f"cuda_graphs=True needs a CUDA device, but fit trains on {device.type!r}")
        if not capturable:
            name = getattr(optimizer, "__name__", "this optimizer")
            raise ValueError(
                f"cuda_graphs=True: {name} cannot be recorded in a CUDA graph (it has no capturable "
                "option); use cuda_graphs=False"
            )
    if cuda_graphs is False:
        return False
    return device.type == "cuda" and capturable and enough


def model_outputs(model: nn.Module, images: torch.Tensor) -> int:
    """The number of outputs (classes) of ``model``, read off its output for the first two images, run with
    dropout off and without gradients; the model's mode is left as it was."""
    param = next(model.parameters(), None)
    device, dtype = (param.device, param.dtype) if param is not None else (images.device, images.dtype)
    x = images[:2].to(device, dtype if dtype.is_floating_point else images.dtype)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():  # not inference_mode: a lazy layer's weights are created here, for training
            out = model(x)
    except Exception as error:
        if hasattr(error, "add_note"):
            error.add_note(
                f"labfns ran the model on {len(x)} images of shape {tuple(x.shape)} to count its outputs; "
                "a network of nn.Linear layers needs them flattened first: nn.Flatten(), or images.flatten(1)"
            )
        raise
    finally:
        model.train(was_training)
    if isinstance(out, dict):
        raise TypeError(
            f"model returns several outputs ({', '.join(map(str, out))}); fit, evaluate and predict score "
            "a network with one output. Train several heads with labfns.train_epoch and a loss function of "
            "your own (chapter 15)"
        )
    if not isinstance(out, torch.Tensor) or out.ndim != 2 or len(out) != len(x):
        shape = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
        raise ValueError(
            f"model returns {shape} for {len(x)} images; fit, evaluate and predict need one row of scores "
            "per image, N×K, a column per class (the outputs Z_m of chapter 4)"
        )
    if not out.is_floating_point():
        raise TypeError(f"model returns {out.dtype} scores; the outputs Z_m must be floating-point numbers")
    rows = out.double()
    ones = torch.ones(len(out), dtype=torch.float64, device=out.device)
    if out.shape[1] > 1 and bool((rows >= 0).all()) and torch.allclose(rows.sum(dim=1), ones, atol=1e-5):
        raise ValueError(
            "model returns probabilities (each row ≥ 0, adding up to 1): it ends with a softmax. fit's "
            "cross-entropy, evaluate and predict apply the softmax themselves (chapter 4): remove the "
            "model's final nn.Softmax and return the outputs Z_m"
        )
    return out.shape[1]


def check_epoch(model, optimizer, images, labels, batch_size, generator, loss_fn, step) -> None:
    """``train_epoch``'s (and ``train_step``'s) arguments, as ``fit`` checks its own: a network, an optimizer
    built on its parameters, images every one of which is finite (a min and a max over all of them, a few
    per cent of an epoch), labels of the same length within the network's outputs (with the cross-entropy),
    all on the model's device, a batch size, a generator, and gradients switched on."""
    check_model(model)
    if not isinstance(optimizer, torch.optim.Optimizer):
        built = "; build it: optimizer(model.parameters())" if isinstance(optimizer, type) else ""
        raise TypeError(f"optimizer must be a torch.optim optimizer, got {_given(optimizer)}{built}")
    mine = {id(p) for p in model.parameters()}
    if not any(id(p) in mine for group in optimizer.param_groups for p in group["params"]):
        raise ValueError(
            "the optimizer updates none of the model's parameters: build it from this model, "
            "torch.optim.RMSprop(model.parameters())"
        )
    if not isinstance(images, torch.Tensor):
        raise TypeError(
            f"images must be a torch.Tensor, got {type(images).__name__}; use torch.as_tensor(...)"
        )
    if images.ndim < 2 or len(images) == 0:
        raise ValueError(f"images must be a non-empty batch of images, got shape {tuple(images.shape)}")
    if not images.is_floating_point():
        raise TypeError(f"images must be floating point, got dtype {images.dtype}; use images.float() / 255")
    if images[0].numel() == 784:  # MNIST's images: every pixel finite, the scale
        check_model_input(images.reshape(len(images), 784), "images")
    elif not _all_finite(images):
        raise ValueError("images contains NaN or infinite values; every pixel must be a finite number")
    named = labels.items() if isinstance(labels, dict) else [("labels", labels)]
    for name, y in named:
        if not isinstance(y, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(y).__name__}")
        if len(y) != len(images):
            raise ValueError(f"images and {name} must have the same length, got {len(images)} and {len(y)}")
    check_model_device(model, images, None if isinstance(labels, dict) else labels)
    if not isinstance(labels, dict):
        # With the cross-entropy, the labels are columns of the outputs: count them on two images.
        k = model_outputs(model, images) if loss_fn is torch.nn.functional.cross_entropy else None
        check_labels(labels, len(images), k)
    check_positive_int("batch_size", batch_size)
    check_generator(generator)
    check_callable("loss_fn", loss_fn, what="a loss function f(outputs, labels)")
    check_callable("step", step, what="a step function f(model, optimizer, xb, yb, loss_fn)")
    if not torch.is_grad_enabled() or torch.is_inference_mode_enabled():
        raise RuntimeError(
            "train_epoch needs gradients, but it runs inside torch.no_grad() or torch.inference_mode(): "
            "call it outside that block"
        )


def check_weights_picture(weights, titles=None) -> torch.Tensor:
    """Rows of a weight matrix to picture: K×784 (``show_weights``); ``titles`` one per row. Returns the
    weights as a float tensor on the CPU."""
    try:
        w = torch.as_tensor(weights).detach().float().cpu()
    except (TypeError, ValueError, RuntimeError):
        raise TypeError(
            f"weights must be a K×784 tensor (such as model.fc1.weight), got {type(weights).__name__}"
        ) from None
    if w.ndim == 2 and len(w) == 0:
        raise ValueError("weights has no rows: nothing to picture")
    if w.ndim != 2 or w.shape[1] != 784:
        raise ValueError(f"weights must be K×784 (one row of pixel weights per unit), got {tuple(w.shape)}")
    if titles is not None and len(titles) != len(w):
        raise ValueError(f"titles has {len(titles)} entries for {len(w)} rows of weights")
    return w


def check_counts(counts) -> torch.Tensor:
    """A confusion matrix: a square K×K tensor of whole numbers ≥ 0 (``plot_confusion``)."""
    counts = torch.as_tensor(counts)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1] or counts.numel() == 0:
        raise ValueError(f"counts must be a square K×K matrix of counts, got shape {tuple(counts.shape)}")
    bad = counts.is_floating_point() or counts.is_complex() or counts.dtype == torch.bool
    if bad or int(counts.min()) < 0:
        raise ValueError("counts must hold whole numbers ≥ 0 (labfns.confusion_matrix's output)")
    return counts


def check_split(split) -> None:
    """A data set's split: "train" or "test" (``load_mnist``)."""
    if split == "validation" or split == "valid":
        raise ValueError(
            f"split must be 'train' or 'test', got {split!r}; for a validation set, "
            "fit(..., valid=0.2) holds out a share of the training images"
        )
    check_choice("split", split, ("train", "test"))


def check_history(history, name: str = "history") -> None:
    """A :class:`labfns.History` with at least one epoch (``plot_history``)."""
    from .train import History

    if not isinstance(history, History):
        raise TypeError(f"{name} must be the History that labfns.fit returns, got {type(history).__name__}")
    if len(history) == 0:
        raise ValueError(f"{name} has no epochs to plot")


def check_histories(histories) -> None:
    """A non-empty dict ``{run name: History}`` (``plot_histories``)."""
    if not isinstance(histories, dict) or not histories:
        raise ValueError("histories must be a non-empty dict {name: History}")
    for name, h in histories.items():
        check_history(h, name=f"history {name!r}")


def check_probabilities(probabilities, labels, n: int):
    """N×K predicted probabilities and N true classes for N images (``show_probabilities``); returns both
    as CPU tensors."""
    for what, value in (("probabilities", probabilities), ("labels", labels)):
        if value is None or isinstance(value, str):
            raise TypeError(f"{what} must be a tensor, one row (or class) per image, got {_given(value)}")
    probs = torch.as_tensor(probabilities).detach().cpu().float()
    labels = torch.as_tensor(labels).detach().cpu()
    if probs.ndim != 2 or len(probs) != n:
        raise ValueError(
            f"probabilities must be N×K, one row per image: got {tuple(probs.shape)} for {n} images"
        )
    if labels.ndim != 1 or len(labels) != n:
        raise ValueError(
            f"labels must hold one class per image: got shape {tuple(labels.shape)} for {n} images"
        )
    ones = torch.ones(len(probs))
    if not (bool((probs >= 0).all()) and torch.allclose(probs.sum(dim=1), ones, atol=1e-3)):
        raise ValueError(
            "probabilities must be rows of probabilities (each ≥ 0, adding up to 1), not the outputs Z: "
            "use labfns.predict(model, images)"
        )
    return probs, labels


def check_lengths(sequences: dict, n: int, of: str) -> None:
    """Each sequence given (None: not given) has ``n`` entries, one per ``of`` (``show_digits``)."""
    for name, seq in sequences.items():
        if seq is not None and len(seq) != n:
            raise ValueError(f"{name} has {len(seq)} entries for {n} {of}")


def check_activations(**vectors) -> None:
    """One digit's values at each layer: non-empty tensors (``plot_activations``)."""
    for name, v in vectors.items():
        if not isinstance(v, torch.Tensor) or v.numel() == 0:
            raise TypeError(f"{name} must be a non-empty tensor of one digit's values")


def check_generator(generator) -> None:
    """``generator`` must be a ``torch.Generator`` or None (PyTorch's global generator)."""
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator or None, got {_given(generator)}")


def check_flag(name: str, value) -> None:
    """``value`` must be True or False (``verbose``)."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {_given(value)}")


def check_split_size(images) -> int:
    """What ``split`` splits: images (a tensor or anything with a length) or their number, at least 2."""
    if isinstance(images, torch.Tensor) and images.ndim == 0:
        images = images.item()
    if isinstance(images, numbers.Integral) and not isinstance(images, bool):
        n = int(images)
    elif hasattr(images, "__len__"):
        n = len(images)
    else:
        raise TypeError(f"images must be the images, or their number, got {_given(images)}")
    if n < 2:
        raise ValueError(f"split needs at least 2 images (one to train on, one to validate), got {n}")
    return n


def check_classes(**sequences) -> None:
    """Class numbers to print (``show_digits``' labels and predictions): one whole number per image."""
    for name, seq in sequences.items():
        if seq is None:
            continue
        try:
            values = torch.as_tensor(seq)
        except (TypeError, ValueError, RuntimeError):
            values = None
        if isinstance(values, torch.Tensor) and values.ndim == 2:
            raise TypeError(
                f"{name} holds a row per image ({tuple(values.shape)}), probabilities? give one class per "
                f"image: {name}.argmax(dim=1)"
            )
        whole = values is not None and values.ndim == 1 and not values.is_complex()
        if whole and values.is_floating_point():
            whole = bool((values == values.round()).all())
        if not whole:
            raise TypeError(f"{name} must be one class number per image, such as labels or predicted classes")
