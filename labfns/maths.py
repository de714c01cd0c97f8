"""The slides' equations written out by hand, to check PyTorch against (chapters 2-4).

Each function is the plain formula, with no PyTorch layer or loss inside, so a chapter can compute it and
compare it with ``nn.Linear``, ``torch.softmax`` or ``nn.CrossEntropyLoss`` on real digits.
"""

from __future__ import annotations

import torch

from .checks import check_callable, check_choice, check_labels, check_positive_int, check_tensor

__all__ = [
    "relu",
    "with_intercept",
    "layer",
    "softmax_naive",
    "softmax",
    "log_softmax",
    "one_hot",
    "cross_entropy",
    "n_parameters",
]


def relu(z: torch.Tensor) -> torch.Tensor:
    """The activation g(z) = max(0, z) (chapter 2)."""
    check_tensor("z", z)
    return torch.where(z > 0, z, torch.zeros_like(z))


def with_intercept(x: torch.Tensor) -> torch.Tensor:
    """Prepend a column of ones to an N×p matrix, so that the intercept w_k0 is one more row of W."""
    check_tensor("x", x, ndim=2)
    return torch.cat([torch.ones(len(x), 1, dtype=x.dtype, device=x.device), x], dim=1)


def layer(x: torch.Tensor, W: torch.Tensor, g=relu) -> torch.Tensor:
    """A hidden layer as one matrix product, chapter 2, equations (1)-(2): A = g([1, X] W).

    ``W`` is (p + 1)×K: row 0 holds the intercepts w_k0, row j the weights w_kj. With ``g=None`` it is the
    output layer's linear model Z = [1, A] B (equation (3)).
    """
    check_tensor("x", x, ndim=2, floating=True)
    check_tensor("W", W, ndim=2, floating=True)
    if W.shape[0] != x.shape[1] + 1:
        raise ValueError(
            f"W must have p + 1 = {x.shape[1] + 1} rows for x with p = {x.shape[1]} columns "
            f"(row 0 holds the intercepts w_k0), got W of shape {tuple(W.shape)}"
        )
    if W.dtype != x.dtype:
        raise TypeError(f"x is {x.dtype} but W is {W.dtype}: convert one, e.g. x.to(W.dtype)")
    check_callable("g", g, allow_none=True, what="an activation function such as relu")
    z = with_intercept(x) @ W
    return z if g is None else g(z)


def softmax_naive(z: torch.Tensor) -> torch.Tensor:
    """f_m(X) = e^{Z_m} / Σ_l e^{Z_l} exactly as written (chapter 4, equation (4)); overflows for large Z."""
    _check_scores(z)
    e = torch.exp(z)
    return e / e.sum(dim=-1, keepdim=True)


def softmax(z: torch.Tensor) -> torch.Tensor:
    """Softmax after subtracting each row's largest Z: the same numbers, but e^{Z} never overflows."""
    _check_scores(z)
    e = torch.exp(z - z.max(dim=-1, keepdim=True).values)
    return e / e.sum(dim=-1, keepdim=True)


def log_softmax(z: torch.Tensor) -> torch.Tensor:
    """log f_m(X) = Z_m − log Σ_l e^{Z_l}, with the log-sum-exp computed stably (chapter 4)."""
    _check_scores(z)
    c = z.max(dim=-1, keepdim=True).values
    return z - c - torch.log(torch.exp(z - c).sum(dim=-1, keepdim=True))


def one_hot(y: torch.Tensor, n_classes: int = 10) -> torch.Tensor:
    """The indicator matrix y_im = 1 if observation i is of class m, else 0 (chapter 4)."""
    check_positive_int("n_classes", n_classes)
    check_labels(y, None, n_classes, name="y")
    return (y[:, None] == torch.arange(n_classes, device=y.device)).to(torch.float32)


def cross_entropy(z: torch.Tensor, y: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """−Σ_i Σ_m y_im log f_m(x_i), the negative multinomial log-likelihood (chapter 4, equation (5)).

    ``z`` are the raw outputs Z (N×M), ``y`` the class numbers. ``reduction="sum"`` is the slides' formula;
    ``"mean"`` divides it by n, as ``nn.CrossEntropyLoss()`` does by default.
    """
    check_choice("reduction", reduction, ("mean", "sum"))
    check_tensor("z", z, ndim=2, floating=True)
    check_labels(y, len(z), z.shape[-1], name="y", rows="rows of z")
    total = -(one_hot(y, z.shape[-1]) * log_softmax(z)).sum()
    if reduction == "sum":
        return total
    if reduction == "mean":
        return total / len(y)
    raise ValueError(f"reduction must be 'mean' or 'sum', got {reduction!r}")


def _check_scores(z) -> None:
    """The outputs Z of a network: a floating-point tensor with the classes along the last dimension."""
    check_tensor("z", z, floating=True)
    if z.ndim == 0:
        raise ValueError("z must have the classes along its last dimension (M or N×M), got a single number")


def n_parameters(p: int = 784, hidden=(256, 128), n_classes: int = 10) -> int:
    """Parameters of a dense network (chapter 3): Σ (inputs + 1) × outputs over its layers.

    The slides' network: (784 + 1)·256 + (256 + 1)·128 + (128 + 1)·10 = 235,146.
    """
    check_positive_int("p", p)
    check_positive_int("n_classes", n_classes)
    if not isinstance(hidden, (tuple, list)):
        raise TypeError(f"hidden must be a tuple of layer sizes such as (256, 128), got {hidden!r}")
    for k in hidden:
        check_positive_int("each hidden layer size", k)
    sizes = [p, *hidden, n_classes]
    return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
