"""Input checks shared by the public functions: a wrong argument gets a message that says what to do."""

from __future__ import annotations

import torch

__all__ = ["check_positive_int", "check_model_input", "check_data"]


def check_positive_int(name: str, value) -> None:
    """``value`` must be an int ≥ 1 (``epochs``, ``batch_size``, ...)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number ≥ 1, got {type(value).__name__} {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be ≥ 1, got {value!r}")


def check_model_input(images, name: str = "images") -> None:
    """``images`` must be a non-empty floating-point tensor, N×28×28 or N×784 (values scaled to [0, 1])."""
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
    if images.ndim not in (2, 3) or (images.ndim == 3 and images.shape[1:] != (28, 28)):
        raise ValueError(
            f"{name} must have shape N×28×28 or N×784, got {tuple(images.shape)}; "
            "a single image needs a batch dimension: images[None] or images.unsqueeze(0)"
        )
    if images.ndim == 2 and images.shape[1] != 784:
        raise ValueError(f"{name} must have shape N×28×28 or N×784, got {tuple(images.shape)}")
    if len(images) == 0:
        raise ValueError(f"{name} is empty (0 images)")


def check_data(images, labels, n_classes: int | None = 10) -> None:
    """``images`` as in :func:`check_model_input`; ``labels`` int64-like, one per image, in 0..n_classes-1."""
    check_model_input(images)
    if not isinstance(labels, torch.Tensor):
        raise TypeError(f"labels must be a torch.Tensor of class numbers, got {type(labels).__name__}")
    if labels.is_floating_point() or labels.dtype == torch.bool or labels.is_complex():
        raise TypeError(f"labels must be integers (class numbers 0-9), got dtype {labels.dtype}")
    if labels.ndim != 1:
        raise ValueError(f"labels must be one-dimensional (N,), got shape {tuple(labels.shape)}")
    if len(labels) != len(images):
        raise ValueError(
            f"images and labels must have the same length, got {len(images)} images and {len(labels)} labels"
        )
    if n_classes is not None:
        lo, hi = int(labels.min()), int(labels.max())
        if lo < 0 or hi >= n_classes:
            raise ValueError(
                f"labels must lie in 0..{n_classes - 1}, got values from {lo} to {hi}"
                + ("; R counts classes from 1, Python from 0: subtract 1" if hi == n_classes else "")
            )
