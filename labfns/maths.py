"""The slides' equations written out by hand, to check PyTorch against (chapters 2-4).

Each function is the plain formula, with no PyTorch layer or loss inside, so a chapter can compute it and
compare it with ``nn.Linear``, ``torch.softmax`` or ``nn.CrossEntropyLoss`` on real digits.
"""

from __future__ import annotations

import torch

from .checks import (
    check_callable,
    check_choice,
    check_labels,
    check_number,
    check_positive_int,
    check_tensor,
)

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
    "weight_matrix",
    "check_close",
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
    """A hidden layer as one matrix product, chapter 2, equations (2.4)-(2.5): A = g([1, X] W).

    ``W`` is (p + 1)×K: row 0 holds the intercepts w_k0, row j the weights w_kj. With ``g=None`` it is the
    output layer's linear model Z = [1, A] B (equation (2.6)).
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
    """f_m(X) = e^{Z_m} / Σ_l e^{Z_l} exactly as written (chapter 4, equation (4.1)); overflows for large Z."""
    _check_scores(z)
    e = torch.exp(z)
    return e / e.sum(dim=-1, keepdim=True)


def softmax(z: torch.Tensor) -> torch.Tensor:
    """Softmax after subtracting each row's largest Z, equation (4.3): the same numbers, but e^{Z} never overflows."""
    _check_scores(z)
    e = torch.exp(z - z.max(dim=-1, keepdim=True).values)
    return e / e.sum(dim=-1, keepdim=True)


def log_softmax(z: torch.Tensor) -> torch.Tensor:
    """log f_m(X) = Z_m − log Σ_l e^{Z_l}, with the log-sum-exp computed stably (chapter 4, equation (4.4))."""
    _check_scores(z)
    c = z.max(dim=-1, keepdim=True).values
    return z - c - torch.log(torch.exp(z - c).sum(dim=-1, keepdim=True))


def one_hot(y: torch.Tensor, n_classes: int = 10) -> torch.Tensor:
    """The indicator matrix y_im = 1 if observation i is of class m, else 0 (chapter 4)."""
    check_positive_int("n_classes", n_classes)
    check_labels(y, None, n_classes, name="y")
    return (y[:, None] == torch.arange(n_classes, device=y.device)).to(torch.float32)


def cross_entropy(z: torch.Tensor, y: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """−Σ_i Σ_m y_im log f_m(x_i), the negative multinomial log-likelihood (chapter 4, equation (4.6)).

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
    """Parameters of a dense network (chapter 3, equation (3.4)): Σ (inputs + 1) × outputs over its layers.

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


def weight_matrix(linear: torch.nn.Linear) -> torch.Tensor:
    """The slides' coefficient matrix of one ``nn.Linear`` layer (chapter 2, equation (2.4)): (inputs + 1)×outputs.

    PyTorch stores ``weight`` as outputs×inputs (fc1: 256×784) and the intercepts apart, in ``bias``. The
    slides' W_1 is 785×256: row 0 holds the intercepts w_k0, row j the weights w_kj, so that
    ``layer(x, weight_matrix(model.fc1))`` equals ``relu(model.fc1(x))``.
    """
    if not isinstance(linear, torch.nn.Linear):
        raise TypeError(f"linear must be an nn.Linear layer such as model.fc1, got {type(linear).__name__}")
    if linear.bias is None:
        raise ValueError("linear has no intercepts (bias=False): the slides' layers all have w_k0")
    return torch.cat([linear.bias[None], linear.weight.T]).detach()


def _power_of_ten(x: float) -> str:
    """``1e-05`` written as ``1e-5``: the tolerance as a reader would type it."""
    return f"{x:.0e}".replace("e-0", "e-").replace("e+00", "")


def check_close(
    by_hand: torch.Tensor, by_torch: torch.Tensor, tol: float = 1e-6, relative: bool = False
) -> str:
    """Compare a computation by hand with PyTorch's (chapters 2-4), in words that are the same on every run.

    Close means ``torch.allclose(by_hand, by_torch, rtol=0, atol=tol)`` (every absolute difference ≤ tol), or
    with ``relative=True`` ``torch.allclose(by_hand, by_torch, rtol=tol, atol=0)`` (every difference ≤ tol
    times the size of PyTorch's number). Both are compared in float64, so the comparison adds no rounding.
    Returns ``"torch.allclose: True (largest absolute difference ≤ 1e-6)"``; the digits of the difference
    itself depend on the CPU, so they are not printed. Raises AssertionError, with the difference, when the
    two are not close.
    """
    check_tensor("by_hand", by_hand, floating=True)
    check_tensor("by_torch", by_torch, floating=True)
    check_number("tol", tol, positive=True)
    if by_hand.shape != by_torch.shape:
        raise ValueError(
            f"by_hand has shape {tuple(by_hand.shape)} but by_torch {tuple(by_torch.shape)}: compare like with like"
        )
    a, b = by_hand.detach().cpu().double(), by_torch.detach().cpu().double()
    rtol, atol = (tol, 0.0) if relative else (0.0, tol)
    kind = "relative" if relative else "absolute"
    if not torch.allclose(a, b, rtol=rtol, atol=atol):
        diff = (a - b).abs()
        worst = (diff / b.abs()).nan_to_num(nan=0.0, posinf=float("inf")) if relative else diff
        raise AssertionError(
            f"not close: the largest {kind} difference is {worst.max().item():.3g}, more than {tol:g}"
        )
    return f"torch.allclose: True (largest {kind} difference ≤ {_power_of_ten(tol)})"
