"""The slides' equations written out by hand, to check PyTorch against (chapters 2-4 and 8-11).

Each function is the plain formula, with no PyTorch layer or loss inside, so a chapter can compute it and
compare it with ``nn.Linear``, ``torch.softmax`` or ``nn.CrossEntropyLoss`` on real digits (chapters 2-4),
with autograd's ``.grad`` (chapter 8, the backward pass), with ``torch.optim`` (chapter 10, the optimizer
step) or with ``nn.Dropout`` (chapter 11).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import torch

from .checks import (
    check_callable,
    check_choice,
    check_flag,
    check_generator,
    check_labels,
    check_network_sizes,
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
    "sigmoid",
    "relu_grad",
    "sigmoid_grad",
    "ForwardPass",
    "Gradients",
    "forward",
    "backward",
    "gradient_matrix",
    "step_flops",
    "sgd_step",
    "rmsprop_step",
    "dropout_mask",
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
    """A hidden layer as one matrix product, chapter 2, equations (B2.4)-(B2.5): A = g([1, X] W).

    ``W`` is (p + 1)×K: row 0 holds the intercepts w_k0, row j the weights w_kj. With ``g=None`` it is the
    output layer's linear model Z = [1, A] B (equation (B2.6)).
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
    """f_m(X) = e^{Z_m} / Σ_l e^{Z_l} exactly as written (chapter 4, equation (B4.1)); overflows for large Z."""
    _check_scores(z)
    e = torch.exp(z)
    return e / e.sum(dim=-1, keepdim=True)


def softmax(z: torch.Tensor) -> torch.Tensor:
    """Softmax after subtracting each row's largest Z, equation (B4.3): the same numbers, but e^{Z} never overflows."""
    _check_scores(z)
    e = torch.exp(z - z.max(dim=-1, keepdim=True).values)
    return e / e.sum(dim=-1, keepdim=True)


def log_softmax(z: torch.Tensor) -> torch.Tensor:
    """log f_m(X) = Z_m − log Σ_l e^{Z_l}, with the log-sum-exp computed stably (chapter 4, equation (B4.4))."""
    _check_scores(z)
    c = z.max(dim=-1, keepdim=True).values
    return z - c - torch.log(torch.exp(z - c).sum(dim=-1, keepdim=True))


def one_hot(y: torch.Tensor, n_classes: int = 10) -> torch.Tensor:
    """The indicator matrix y_im = 1 if observation i is of class m, else 0 (chapter 4)."""
    check_positive_int("n_classes", n_classes)
    check_labels(y, None, n_classes, name="y")
    return (y[:, None] == torch.arange(n_classes, device=y.device)).to(torch.float32)


def cross_entropy(z: torch.Tensor, y: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """−Σ_i Σ_m y_im log f_m(x_i), the negative multinomial log-likelihood (chapter 4, equation (B4.6)).

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
    """Parameters of a dense network (chapter 3, equation (B3.4)): Σ (inputs + 1) × outputs over its layers.

    The slides' network: (784 + 1)·256 + (256 + 1)·128 + (128 + 1)·10 = 235,146.
    """
    sizes = check_network_sizes(p, hidden, n_classes)
    return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))


def weight_matrix(linear: torch.nn.Linear) -> torch.Tensor:
    """The slides' coefficient matrix of one ``nn.Linear`` layer (chapter 2, equation (B2.4)): (inputs + 1)×outputs.

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
    """``1e-05`` written as ``1e-5``: the tolerance as a reader would type it (as given, ``1.4e-06``, when it is
    not a power of ten: rounding it would state a tolerance that was not checked)."""
    short = f"{x:.0e}"
    if float(short) != x:
        short = f"{x:g}"
    return short.replace("e-0", "e-").replace("e+00", "")


def check_close(
    by_hand: torch.Tensor,
    by_torch: torch.Tensor,
    tol: float = 1e-6,
    relative: bool = False,
    scaled: bool = False,
) -> str:
    """Compare a computation by hand with PyTorch's (chapters 2-4), in words that are the same on every run.

    Close means ``torch.allclose(by_hand, by_torch, rtol=0, atol=tol)`` (every absolute difference ≤ tol), or
    with ``relative=True`` ``torch.allclose(by_hand, by_torch, rtol=tol, atol=0)`` (every difference ≤ tol
    times the size of PyTorch's number), or with ``scaled=True`` every absolute difference ≤ tol times the
    largest absolute value of ``by_torch`` (for tensors such as gradients, whose size says nothing about
    float32's rounding until it is compared with their largest entry). All are compared in float64, so the
    comparison adds no rounding.
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
    if relative and scaled:
        raise ValueError("give relative=True or scaled=True, not both")
    a, b = by_hand.detach().cpu().double(), by_torch.detach().cpu().double()
    top = b.abs().max().item() if b.numel() else 0.0
    rtol, atol = (tol, 0.0) if relative else (0.0, tol * top if scaled else tol)
    kind = "relative" if relative else "absolute"
    if not torch.allclose(a, b, rtol=rtol, atol=atol):
        diff = (a - b).abs()
        worst = (diff / b.abs()).nan_to_num(nan=0.0, posinf=float("inf")) if relative else diff
        if scaled:
            worst = worst / top
        raise AssertionError(
            f"not close: the largest {kind} difference is {worst.max().item():.3g}"
            f"{' of the largest value' if scaled else ''}, more than {tol:g}"
        )
    if scaled:
        return f"torch.allclose: True (largest difference ≤ {_power_of_ten(tol)} of the largest |value|)"
    return f"torch.allclose: True (largest {kind} difference ≤ {_power_of_ten(tol)})"


# ----------------------------------------------------------------------------------------------------------
# Chapter 8: the activation functions' derivatives and the backward pass.


def sigmoid(z: torch.Tensor) -> torch.Tensor:
    """The sigmoid g(z) = e^z / (1 + e^z) = 1 / (1 + e^{−z}), the activation of early networks (chapter 9,
    equation (B9.1)).

    Written as 1 / (1 + e^{−|z|}) for z ≥ 0 and e^{−|z|} / (1 + e^{−|z|}) for z < 0: the same numbers, but
    e^{−|z|} is never larger than 1, so nothing overflows.
    """
    check_tensor("z", z, floating=True)
    e = torch.exp(-z.abs())
    return torch.where(z >= 0, 1 / (1 + e), e / (1 + e))


def relu_grad(z: torch.Tensor) -> torch.Tensor:
    """The ReLU's derivative g'(z): 1 where z > 0, 0 where z < 0 (chapter 9, equation (B9.2)).

    At z = 0, where the ReLU has a kink, it is 0, as in PyTorch's autograd.
    """
    check_tensor("z", z, floating=True)
    return (z > 0).to(z.dtype)


def sigmoid_grad(z: torch.Tensor) -> torch.Tensor:
    """The sigmoid's derivative g'(z) = g(z)(1 − g(z)), never more than 1/4 (chapter 9, equation (B9.1))."""
    s = sigmoid(z)
    return s * (1 - s)


# The derivative of each activation function that forward/backward know (the book's and PyTorch's).
_DERIVATIVES = {relu: relu_grad, torch.relu: relu_grad, sigmoid: sigmoid_grad, torch.sigmoid: sigmoid_grad}


@dataclass(frozen=True)
class ForwardPass:
    """Every intermediate number of the forward pass for a batch of n inputs (chapter 8), in the slides'
    layout (chapter 2, equations (B2.4)-(B2.6)).

    ``S1`` = [1, X] W_1 (n×K_1) holds the sums inside g, ``A1`` = g(S1) the first layer's activations (times
    the dropout mask M_1 when there is one, chapter 11); ``S2`` = [1, A1] W_2 and ``A2`` = g(S2) (times M_2)
    the second layer's; ``Z`` = [1, A2] B the n×M outputs. ``masks`` is ``(M1, M2)`` or ``None``.
    """

    x: torch.Tensor
    S1: torch.Tensor
    A1: torch.Tensor
    S2: torch.Tensor
    A2: torch.Tensor
    Z: torch.Tensor
    masks: tuple | None = None


@dataclass(frozen=True)
class Gradients:
    """The gradients of the loss L that :func:`backward` computes, each with the shape of what it is the
    gradient with respect to (chapter 8, equations (B8.3)-(B8.12)).

    ``dZ`` = ∂L/∂Z (8.3), ``dB`` = ∂L/∂B (8.4), ``dA2`` = ∂L/∂A^(2) (8.5), ``dS2`` = ∂L/∂S^(2) (8.6),
    ``dW2`` = ∂L/∂W_2 (8.7), ``dA1`` = ∂L/∂A^(1) (8.8), ``dS1`` = ∂L/∂S^(1) (8.9), ``dW1`` = ∂L/∂W_1 (8.10),
    and ``dX`` = ∂L/∂X (8.12) when it was asked for (else ``None``). ``loss`` is L itself (8.1), ``F`` the
    probabilities f_m(x_i), and ``forward`` the :class:`ForwardPass` they were computed from.
    """

    loss: torch.Tensor
    F: torch.Tensor
    dZ: torch.Tensor
    dB: torch.Tensor
    dA2: torch.Tensor
    dS2: torch.Tensor
    dW2: torch.Tensor
    dA1: torch.Tensor
    dS1: torch.Tensor
    dW1: torch.Tensor
    dX: torch.Tensor | None
    forward: ForwardPass


def _check_masks(masks, n: int, sizes: tuple[int, int]):
    """``masks`` is None or two tensors (M1, M2), n×K_1 and n×K_2 (either may be None: no dropout there)."""
    if masks is None:
        return None, None
    if not isinstance(masks, (tuple, list)) or len(masks) != 2:
        raise ValueError(
            "masks must be None or a pair (M1, M2) of dropout masks, one per hidden layer "
            f"(None for a layer without dropout), got {type(masks).__name__}"
        )
    for name, m, k in (("masks[0]", masks[0], sizes[0]), ("masks[1]", masks[1], sizes[1])):
        if m is not None:
            check_tensor(name, m, ndim=2, floating=True)
            if tuple(m.shape) != (n, k):
                raise ValueError(
                    f"{name} must have the shape of the layer's activations, {n}×{k}, got {tuple(m.shape)}"
                )
    return masks[0], masks[1]


def forward(
    x: torch.Tensor, W1: torch.Tensor, W2: torch.Tensor, B: torch.Tensor, g=relu, masks=None
) -> ForwardPass:
    """The forward pass of the slides' network by hand, keeping every intermediate (chapter 8).

    ``x`` is n×p, ``W1`` (p + 1)×K_1, ``W2`` (K_1 + 1)×K_2 and ``B`` (K_2 + 1)×M, each with its intercepts
    in row 0 (``weight_matrix``). Chapter 2's equations (B2.4)-(B2.6), with the sums inside g named as in
    chapter 8, equation (B8.2): S1 = [1, X] W_1, A1 = g(S1), S2 = [1, A1] W_2, A2 = g(S2), Z = [1, A2] B.
    With ``masks=(M1, M2)`` each hidden layer's activations are multiplied by its dropout mask,
    A1 = g(S1) ⊙ M1 (chapter 11, equation (B11.2)): the network in training mode.
    """
    check_callable("g", g, what="an activation function such as maths.relu")
    S1 = layer(x, W1, g=None)
    S1_g = g(S1)
    M1, M2 = _check_masks(masks, len(x), (W1.shape[1], W2.shape[1]))
    A1 = S1_g if M1 is None else S1_g * M1
    S2 = layer(A1, W2, g=None)
    A2 = g(S2) if M2 is None else g(S2) * M2
    Z = layer(A2, B, g=None)
    return ForwardPass(x=x, S1=S1, A1=A1, S2=S2, A2=A2, Z=Z, masks=None if masks is None else (M1, M2))


def backward(
    x: torch.Tensor,
    y: torch.Tensor,
    W1: torch.Tensor,
    W2: torch.Tensor,
    B: torch.Tensor,
    g=relu,
    masks=None,
    reduction: str = "mean",
    input_grad: bool = False,
) -> Gradients:
    """Backpropagation by hand: the gradient of the cross-entropy with respect to every weight of the
    slides' network, one chain-rule step at a time (chapter 8, equations (B8.1)-(B8.12)).

    The arguments are those of :func:`forward`, with ``y`` the class numbers of the n inputs. The loss L is
    the cross-entropy averaged over the batch, equation (B8.1), as ``F.cross_entropy`` and ``labfns.fit``
    compute it (``reduction="sum"``: the slides' sum, chapter 4, equation (B4.6)). Then, with F the softmax
    probabilities, Y the one-hot labels and ⊙ the elementwise product::

        ∂L/∂Z   = (F − Y) / n                        (8.3)   (F − Y with reduction="sum")
        ∂L/∂B   = [1, A2]ᵀ ∂L/∂Z                     (8.4)
        ∂L/∂A2  = ∂L/∂Z B[1:]ᵀ                       (8.5)   B without its intercept row
        ∂L/∂S2  = ∂L/∂A2 ⊙ g'(S2)                    (8.6)   (⊙ M2 as well with dropout, chapter 11)
        ∂L/∂W2  = [1, A1]ᵀ ∂L/∂S2                    (8.7)
        ∂L/∂A1  = ∂L/∂S2 W2[1:]ᵀ                     (8.8)
        ∂L/∂S1  = ∂L/∂A1 ⊙ g'(S1)                    (8.9)   (⊙ M1 as well with dropout)
        ∂L/∂W1  = [1, X]ᵀ ∂L/∂S1                     (8.10)
        ∂L/∂X   = ∂L/∂S1 W1[1:]ᵀ                     (8.12)  only with input_grad=True

    g' is the derivative of ``g``: :func:`relu_grad` for :func:`relu` (or ``torch.relu``), :func:`sigmoid_grad`
    for :func:`sigmoid` (or ``torch.sigmoid``). Returns :class:`Gradients`; ``dW1``, ``dW2`` and ``dB`` have the
    shapes of W1, W2 and B, intercepts in row 0, like :func:`gradient_matrix` of PyTorch's ``.grad``.
    """
    check_choice("reduction", reduction, ("mean", "sum"))
    check_flag("input_grad", input_grad)
    g_grad = _DERIVATIVES.get(g)
    if g_grad is None:
        raise ValueError(
            f"backward knows the derivative of maths.relu and maths.sigmoid (or torch.relu, torch.sigmoid), got g={g!r}"
        )
    fp = forward(x, W1, W2, B, g=g, masks=masks)
    check_labels(y, len(x), B.shape[1], name="y", rows="rows of x")
    M1, M2 = fp.masks if fp.masks is not None else (None, None)
    n = len(x)
    Y = one_hot(y, B.shape[1]).to(fp.Z.dtype)
    F = softmax(fp.Z)
    log_f = log_softmax(fp.Z)
    loss = -(Y * log_f).sum()
    dZ = F - Y  # (8.3), for the sum
    if reduction == "mean":
        loss, dZ = loss / n, dZ / n
    dB = with_intercept(fp.A2).T @ dZ  # (8.4)
    dA2 = dZ @ B[1:].T  # (8.5)
    dS2 = dA2 * g_grad(fp.S2)  # (8.6)
    if M2 is not None:
        dS2 = dS2 * M2
    dW2 = with_intercept(fp.A1).T @ dS2  # (8.7)
    dA1 = dS2 @ W2[1:].T  # (8.8)
    dS1 = dA1 * g_grad(fp.S1)  # (8.9)
    if M1 is not None:
        dS1 = dS1 * M1
    dW1 = with_intercept(x).T @ dS1  # (8.10)
    dX = dS1 @ W1[1:].T if input_grad else None  # (8.12)
    return Gradients(
        loss=loss, F=F, dZ=dZ, dB=dB, dA2=dA2, dS2=dS2, dW2=dW2, dA1=dA1, dS1=dS1, dW1=dW1, dX=dX, forward=fp
    )


def gradient_matrix(linear: torch.nn.Linear) -> torch.Tensor:
    """Autograd's gradient of one ``nn.Linear`` layer in the slides' layout (chapter 8): (inputs + 1)×outputs.

    After ``loss.backward()``, PyTorch keeps ∂L/∂weight in ``weight.grad`` (outputs×inputs) and ∂L/∂bias in
    ``bias.grad``. Stacked as :func:`weight_matrix` stacks the weights — row 0 the intercepts' gradients —
    they are comparable with ``backward(...).dW1``, ``.dW2`` and ``.dB``.
    """
    if not isinstance(linear, torch.nn.Linear):
        raise TypeError(f"linear must be an nn.Linear layer such as model.fc1, got {type(linear).__name__}")
    if linear.bias is None:
        raise ValueError("linear has no intercepts (bias=False): the slides' layers all have w_k0")
    if linear.weight.grad is None or linear.bias.grad is None:
        raise ValueError(
            "linear has no gradient yet: compute a loss from the network's output and call loss.backward() first"
        )
    return torch.cat([linear.bias.grad[None], linear.weight.grad.T]).detach()


def step_flops(
    n: int = 1, p: int = 784, hidden=(256, 128), n_classes: int = 10, input_grad: bool = False
) -> dict:
    """The arithmetic of one training step's matrix products for a batch of ``n`` inputs (chapter 8,
    equation (B8.13)): ``{"forward", "weight gradients", "input gradients", "total"}``.

    A product of an n×a and an a×b matrix takes n·a·b multiplications and as many additions, 2·n·a·b
    operations, as ``torch.utils.flop_counter`` counts them (the intercepts, the activation functions and the
    softmax are left out: they are elementwise, a few operations per unit rather than per weight). Each layer
    with a inputs and b outputs costs 2·n·a·b in the forward pass (Z = A W), as much again for its weights'
    gradient (equations (B8.4), (B8.7), (B8.10)), and as much again for the gradient it passes down to its inputs
    ((B8.5), (B8.8)) — except the first layer, whose inputs are the images: their gradient (B8.12) is computed
    only with ``input_grad=True``. So 6 operations per weight and input, 4 in the first layer.
    """
    check_positive_int("n", n)
    sizes = check_network_sizes(p, hidden, n_classes)
    check_flag("input_grad", input_grad)
    products = [2 * n * a * b for a, b in zip(sizes[:-1], sizes[1:])]
    counts = {
        "forward": sum(products),
        "weight gradients": sum(products),
        "input gradients": sum(products[1:]) + (products[0] if input_grad else 0),
    }
    counts["total"] = sum(counts.values())
    return counts


# ----------------------------------------------------------------------------------------------------------
# Chapter 10: the optimizer step.


def _check_like(name: str, t, like: torch.Tensor, like_name: str) -> None:
    check_tensor(name, t, floating=True)
    if t.shape != like.shape:
        raise ValueError(
            f"{name} must have the shape of {like_name}, {tuple(like.shape)}, got {tuple(t.shape)}"
        )


def sgd_step(W: torch.Tensor, grad: torch.Tensor, lr: float, weight_decay: float = 0.0) -> torch.Tensor:
    """One step of plain gradient descent (chapter 10, equation (B10.2)): W − ρ ∂L/∂W, returned as a new tensor.

    ``lr`` is the learning rate ρ. With ``weight_decay`` λ, the ridge term's gradient λW is added to the
    gradient first (equation (B10.4)), as ``torch.optim.SGD(..., weight_decay=λ)`` does.
    """
    check_tensor("W", W, floating=True)
    _check_like("grad", grad, W, "W")
    check_number("lr", lr, positive=True)
    check_number("weight_decay", weight_decay)
    if weight_decay:
        grad = grad + weight_decay * W
    return W - lr * grad


def rmsprop_step(
    W: torch.Tensor,
    grad: torch.Tensor,
    v: torch.Tensor,
    lr: float = 0.01,
    alpha: float = 0.99,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """One RMSprop step (chapter 10, equations (B10.5)-(B10.6)); returns the new weights and the new average.

    ``v`` is the running average of the squared gradient, one number per weight (zeros before the first
    step): v ← α v + (1 − α) g², then W ← W − η g / (√v + ε), with η = ``lr``. The defaults are
    ``torch.optim.RMSprop``'s (and R torch's ``optim_rmsprop``'s). With ``weight_decay`` λ, g is the gradient
    plus λW (equation (B10.4)), as in ``torch.optim.RMSprop(..., weight_decay=λ)``.
    """
    check_tensor("W", W, floating=True)
    _check_like("grad", grad, W, "W")
    _check_like("v", v, W, "W")
    check_number("lr", lr, positive=True)
    check_number("alpha", alpha)
    if not alpha < 1:
        raise ValueError(f"alpha must be in [0, 1): the weight of the old average, got {alpha!r}")
    check_number("eps", eps, positive=True)
    check_number("weight_decay", weight_decay)
    if weight_decay:
        grad = grad + weight_decay * W
    v = alpha * v + (1 - alpha) * grad * grad
    return W - lr * grad / (torch.sqrt(v) + eps), v


# ----------------------------------------------------------------------------------------------------------
# Chapter 11: dropout.


def dropout_mask(x: torch.Tensor, p: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """A dropout mask for activations shaped like ``x`` (chapter 11, equation (B11.1)): each entry 0 with
    probability ``p`` (the unit is dropped) and 1/(1 − p) otherwise (it is kept and scaled up).

    Drawn as ``labfns.Dropout`` draws it, u = ``torch.rand`` and kept where u ≥ p, so that after the same
    ``torch.manual_seed`` (or with the same ``generator``) ``x * dropout_mask(x, p)`` equals
    ``labfns.Dropout(p).train()(x)`` exactly. With p = 1 every unit is dropped (the mask is all zeros).
    """
    check_tensor("x", x, floating=True)
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0 <= p <= 1 or math.isnan(p):
        raise ValueError(f"p must be a dropout rate in [0, 1], such as 0.4, got {p!r}")
    check_generator(generator)
    if p == 1:
        return torch.zeros_like(x)
    u = torch.rand(x.shape, generator=generator, dtype=x.dtype, device=x.device)
    return (u >= p).to(x.dtype) * (1.0 / (1.0 - p))
