"""Pictures (chapters 1, 5 and 6). Every figure has a fixed size and labelled axes.

Each function returns a closed matplotlib Figure: in a notebook, end the cell with the call and the figure
is drawn exactly once; elsewhere, ``fig.savefig(...)`` it.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch

from .checks import check_number, check_pictures, check_positive_int

__all__ = ["plot_history", "show_digits"]


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
