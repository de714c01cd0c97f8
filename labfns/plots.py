"""Pictures (chapters 1, 5 and 6). Every figure has a fixed size and labelled axes.

Each function returns a closed matplotlib Figure: in a notebook, end the cell with the call and the figure
is drawn exactly once; elsewhere, ``fig.savefig(...)`` it.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch

from .checks import check_number, check_pictures, check_positive_int

__all__ = ["plot_history", "show_digits", "plot_activations", "show_weights"]


def _done(fig):
    """Close ``fig`` so the notebook shows it once, as the cell's value, and not again when the cell ends."""
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_history(history, figsize=(9, 3.5)):
    """Loss and accuracy by epoch, train and valid: the analogue of luz's ``plot(fitted)`` (chapter 5)."""
    from .train import History

    if not isinstance(history, History):
        raise TypeError(f"history must be the History that labfns.fit returns, got {type(history).__name__}")
    if len(history) == 0:
        raise ValueError("history has no epochs to plot")
    fig, axes = plt.subplots(1, 2, figsize=figsize)
    epochs = history["epoch"]
    for ax, metric, label in zip(axes, ("loss", "acc"), ("cross-entropy loss", "accuracy")):
        for split, style in (("train", "o-"), ("valid", "s--")):
            ax.plot(epochs, history[f"{split}_{metric}"], style, label=split)
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.set_title(metric)
        ax.set_xticks(epochs if len(epochs) <= 15 else epochs[:: max(1, len(epochs) // 10)])
        ax.grid(alpha=0.3)
        ax.legend()
    return _done(fig)


def show_digits(images, labels=None, predictions=None, ncols: int = 10, size: float = 0.9, title=None):
    """A grid of digits, each titled with its label, and with the prediction when given (chapters 1, 6).

    A wrong prediction is titled in red as ``true→predicted``. ``images`` is N×28×28 or N×784.
    """
    check_pictures(images)
    check_positive_int("ncols", ncols)
    check_number("size", size, positive=True)
    images = torch.as_tensor(images).detach().reshape(-1, 28, 28).cpu().numpy()
    n = len(images)
    for name, seq in (("labels", labels), ("predictions", predictions)):
        if seq is not None and len(seq) != n:
            raise ValueError(f"{name} has {len(seq)} entries for {n} images")
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows * 1.15), squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if k >= n:
            continue
        ax.imshow(images[k], cmap="gray_r", vmin=0, vmax=1)
        if labels is not None:
            y = int(labels[k])
            if predictions is None:
                ax.set_title(str(y), fontsize=9)
            else:
                p = int(predictions[k])
                ax.set_title(f"{y}→{p}" if p != y else str(y), fontsize=9, color="red" if p != y else "black")
    if title:
        fig.suptitle(title)
    return _done(fig)


def _grid(values, ncols: int = 16):
    """A vector of unit activations laid out as rows of ``ncols`` (the last row padded with NaN, drawn blank)."""
    v = torch.as_tensor(values).detach().reshape(-1).float().cpu()
    nrows = -(-len(v) // ncols)
    padded = torch.full((nrows * ncols,), float("nan"))
    padded[: len(v)] = v
    return padded.reshape(nrows, ncols).numpy()


def plot_activations(image, a1, a2, z, label=None, figsize=(12, 3.4)):
    """One digit through the network (chapter 2): the input X (28×28), the activations A^(1) and A^(2) laid
    out 16 units to a row (256 as 16×16, 128 as 8×16), and the ten outputs Z_m as bars.

    The grid layout is for the eye only: the units of a dense layer have no order or neighbours.
    """
    check_pictures(image, name="image")
    for name, v in (("a1", a1), ("a2", a2), ("z", z)):
        if not isinstance(v, torch.Tensor) or v.numel() == 0:
            raise TypeError(f"{name} must be a non-empty tensor of one digit's values")
    fig, axes = plt.subplots(1, 4, figsize=figsize, gridspec_kw={"width_ratios": [1, 1, 1, 1.3]})
    img = torch.as_tensor(image).detach().reshape(28, 28).cpu().numpy()
    axes[0].imshow(img, cmap="gray_r", vmin=0, vmax=1)
    axes[0].set_title("input X: 784 pixels" + ("" if label is None else f" (a {int(label)})"))
    axes[0].set_xlabel("column")
    axes[0].set_ylabel("row")
    for ax, a, name in ((axes[1], a1, "A$^{(1)}$"), (axes[2], a2, "A$^{(2)}$")):
        grid = _grid(a)
        im = ax.imshow(grid, cmap="viridis", vmin=0, aspect="equal")
        active = int((torch.as_tensor(a) > 0).sum())
        ax.set_title(f"{name}: {active} of {torch.as_tensor(a).numel()} units > 0")
        ax.set_xlabel("unit k mod 16")
        ax.set_ylabel("unit k // 16")
        fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="activation")
    zs = torch.as_tensor(z).detach().reshape(-1).cpu()
    colors = ["tab:orange" if m == int(zs.argmax()) else "tab:blue" for m in range(len(zs))]
    axes[3].bar(range(len(zs)), zs.numpy(), color=colors)
    axes[3].axhline(0, color="black", linewidth=0.8)
    axes[3].set_xticks(range(len(zs)))
    axes[3].set_title("output Z: ten linear models")
    axes[3].set_xlabel("class m")
    axes[3].set_ylabel("$Z_m$")
    return _done(fig)


def show_weights(weights, titles=None, ncols: int = 8, size: float = 1.4, title=None):
    """Rows of a weight matrix, one per unit or class, each pictured as the 28×28 image of its pixel weights
    (chapter 2: first-layer units w_k1..w_k784; chapter 4: a linear model's β_m).

    Red is a positive weight (ink there raises the unit), blue a negative one, white zero; one colour scale
    is shared by all panels so they can be compared.
    """
    w = torch.as_tensor(weights).detach().float().cpu()
    if w.ndim != 2 or w.shape[1] != 784:
        raise ValueError(f"weights must be K×784 (one row of pixel weights per unit), got {tuple(w.shape)}")
    if titles is not None and len(titles) != len(w):
        raise ValueError(f"titles has {len(titles)} entries for {len(w)} rows of weights")
    check_positive_int("ncols", ncols)
    check_number("size", size, positive=True)
    n = len(w)
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(size * ncols + 1.0, size * nrows * 1.15 + 0.3),
        squeeze=False,
        layout="constrained",
    )
    limit = float(w.abs().max()) or 1.0
    for k, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if k >= n:
            ax.set_axis_off()
            continue
        im = ax.imshow(w[k].reshape(28, 28).numpy(), cmap="RdBu_r", vmin=-limit, vmax=limit)
        if titles is not None:
            ax.set_title(str(titles[k]), fontsize=9)
    fig.colorbar(im, ax=axes, shrink=0.8, label="weight")
    if title:
        fig.suptitle(title)
    plt.close(fig)  # constrained layout, not _done's tight_layout: it places the shared colour bar
    return fig
