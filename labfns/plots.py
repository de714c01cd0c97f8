"""Pictures (chapters 1-6 and 12-14). Every figure has a fixed size and labelled axes.

Each function returns a closed matplotlib Figure: in a notebook, end the cell with the call and the figure
is drawn exactly once; elsewhere, ``fig.savefig(...)`` it.
"""

from __future__ import annotations

import functools

import matplotlib.pyplot as plt
import torch

from .checks import (
    _warn,
    check_activations,
    check_classes,
    check_counts,
    check_histories,
    check_history,
    check_lengths,
    check_network_sizes,
    check_number,
    check_pictures,
    check_positive_int,
    check_probabilities,
    check_weights_picture,
)

__all__ = [
    "plot_history",
    "show_digits",
    "plot_activations",
    "show_weights",
    "plot_confusion",
    "show_probabilities",
    "plot_histories",
    "plot_network",
]


def _closes_on_error(draw):
    """If ``draw`` fails after making a figure, close that figure: an open one would be drawn under the
    error message in a notebook, as if the call had half worked."""

    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        before = set(plt.get_fignums())
        try:
            return draw(*args, **kwargs)
        except BaseException:
            for number in set(plt.get_fignums()) - before:
                plt.close(number)
            raise

    return wrapper


# The most panels a picture draws: matplotlib takes about 10 ms per panel (more with a bar chart under
# each), so a few thousand digits would take minutes; beyond these, the first ones are drawn, with a
# warning that says so and how to see the others.
MAX_PANELS = {"digits": 200, "probabilities": 48, "weights": 128, "mosaic": 1024, "labelled cells": 40}


def _at_most(n: int, what: str, how: str) -> int:
    """``n``, or the most panels of ``what`` that a picture draws in seconds, with a warning."""
    limit = MAX_PANELS[what]
    if n > limit:
        _warn(
            f"{n:,} {what} asked for: the picture draws the first {limit} (each panel takes matplotlib "
            f"milliseconds, so thousands would take minutes); {how}"
        )
    return min(n, limit)


def _done(fig):
    """Close ``fig`` so the notebook shows it once, as the cell's value, and not again when the cell ends."""
    fig.tight_layout()
    plt.close(fig)
    return fig


@_closes_on_error
def plot_history(history, figsize=(9, 3.5)):
    """Loss and accuracy by epoch, train and valid: the analogue of luz's ``plot(fitted)`` (chapter 5)."""
    check_history(history)
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


@_closes_on_error
def show_digits(images, labels=None, predictions=None, ncols: int = 10, size: float = 0.9, title=None):
    """A grid of digits, each titled with its label, and with the prediction when given (chapters 1, 6).

    A wrong prediction is titled in red as ``true→predicted``. ``images`` is N×28×28 or N×784.
    """
    check_pictures(images)
    check_positive_int("ncols", ncols)
    check_number("size", size, positive=True)
    images = torch.as_tensor(images).detach().reshape(-1, 28, 28).cpu().numpy()
    check_lengths({"labels": labels, "predictions": predictions}, len(images), "images")
    check_classes(labels=labels, predictions=predictions)
    n = _at_most(len(images), "digits", "pass a slice, such as images[200:400], to see the next ones")
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


@_closes_on_error
def plot_activations(image, a1, a2, z, label=None, figsize=(12, 3.6)):
    """One digit through the network (chapter 2): the input X (28×28), the activations A^(1) and A^(2) laid
    out 16 units to a row (256 as 16×16, 128 as 8×16), and the ten outputs Z_m as bars.

    The grid layout is for the eye only: the units of a dense layer have no order or neighbours.
    """
    check_pictures(image, name="image")
    check_activations(a1=a1, a2=a2, z=z)
    fig, axes = plt.subplots(1, 4, figsize=figsize, gridspec_kw={"width_ratios": [1, 1, 1, 1.3]})
    img = torch.as_tensor(image).detach().reshape(28, 28).cpu().numpy()
    axes[0].imshow(img, cmap="gray_r", vmin=0, vmax=1)
    axes[0].set_title("input X: 784 pixels" + ("" if label is None else f"\n(a {int(label)})"))
    axes[0].set_xlabel("column")
    axes[0].set_ylabel("row")
    for ax, a, name in ((axes[1], a1, "A$^{(1)}$"), (axes[2], a2, "A$^{(2)}$")):
        grid = _grid(a)
        im = ax.imshow(grid, cmap="viridis", vmin=0, aspect="equal")
        active = int((torch.as_tensor(a) > 0).sum())
        ax.set_title(f"{name}: {torch.as_tensor(a).numel()} units\n{active} of them > 0")
        ax.set_xlabel("unit index mod 16")
        ax.set_ylabel("unit index // 16")
        fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="activation")
    zs = torch.as_tensor(z).detach().reshape(-1).cpu()
    colors = ["tab:orange" if m == int(zs.argmax()) else "tab:blue" for m in range(len(zs))]
    axes[3].bar(range(len(zs)), zs.numpy(), color=colors)
    axes[3].axhline(0, color="black", linewidth=0.8)
    axes[3].set_xticks(range(len(zs)))
    axes[3].set_title("output Z:\nten linear models")
    axes[3].set_xlabel("class m")
    axes[3].set_ylabel("$Z_m$")
    return _done(fig)


@_closes_on_error
def show_weights(weights, titles=None, ncols: int = 8, size: float = 1.4, title=None):
    """Rows of a weight matrix, one per unit or class, each pictured as the 28×28 image of its pixel weights
    (chapter 2: first-layer units w_k1..w_k784; chapter 4: a linear model's β_m).

    Red is a positive weight (ink there raises the unit), blue a negative one, white zero; one colour scale
    is shared by all panels so they can be compared. Without ``titles``, the panels are tiled into one
    picture, separated by grey lines (chapter 13 shows all 256 units: one picture draws in a fraction of the
    time 256 separate panels take).
    """
    if isinstance(weights, torch.nn.Linear):  # a layer: picture its weight matrix, one row per unit
        weights = weights.weight
    w = check_weights_picture(weights, titles)
    check_positive_int("ncols", ncols)
    check_number("size", size, positive=True)
    what = "weights" if titles is not None else "mosaic"
    n = _at_most(len(w), what, "pass a slice of the rows, such as weights[:64], to see others")
    w = w[:n]
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    limit = float(w.abs().max()) or 1.0
    if titles is None:
        return _weight_mosaic(w, nrows, ncols, size, limit, title)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(size * ncols + 1.0, size * nrows * 1.15 + 0.3),
        squeeze=False,
        layout="constrained",
    )
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


def _weight_mosaic(w, nrows: int, ncols: int, size: float, limit: float, title):
    """``show_weights`` without titles: the 28×28 panels tiled into one image, 2 grey pixels apart."""
    step = 28 + 2
    tiles = torch.full((nrows * step - 2, ncols * step - 2), float("nan"))  # NaN: drawn grey
    for k in range(len(w)):
        r, c = divmod(k, ncols)
        tiles[r * step : r * step + 28, c * step : c * step + 28] = w[k].reshape(28, 28)
    fig, ax = plt.subplots(figsize=(size * ncols + 1.0, size * nrows + 0.3), layout="constrained")
    cmap = plt.get_cmap("RdBu_r").with_extremes(bad="0.8")
    im = ax.imshow(tiles.numpy(), cmap=cmap, vmin=-limit, vmax=limit, interpolation="nearest")
    ax.set_axis_off()
    fig.colorbar(im, ax=ax, shrink=0.8, label="weight")
    if title:
        fig.suptitle(title)
    plt.close(fig)
    return fig


@_closes_on_error
def plot_confusion(counts, figsize=(6.5, 5.5), title=None, class_names=None):
    """A confusion matrix as a picture (chapter 6): true digit down, predicted digit across, each cell
    labelled with its count. The off-diagonal cells, the mistakes, are coloured by how many there are; the
    diagonal, the correct predictions, is grey (it would swamp the colour scale).

    ``counts`` is the K×K matrix that :func:`labfns.confusion_matrix` returns. ``class_names`` (K names,
    such as :data:`labfns.FASHION_CLASSES` in chapter 14) labels the rows and columns instead of 0..K-1.
    """
    counts = check_counts(counts)
    k = counts.shape[0]
    c = counts.numpy()
    off = c.astype(float)
    off[range(k), range(k)] = float("nan")  # the diagonal is drawn grey, as "bad" values
    cmap = plt.get_cmap("Reds").with_extremes(bad="0.85")
    fig, ax = plt.subplots(figsize=figsize)
    top = max(1.0, float(off[off == off].max())) if k > 1 else 1.0
    im = ax.imshow(off, cmap=cmap, vmin=0, vmax=top)
    labelled = k <= MAX_PANELS["labelled cells"]
    if not labelled:
        _warn(
            f"a {k}×{k} confusion matrix: its cells are coloured but not labelled with their counts beyond "
            f"{MAX_PANELS['labelled cells']} classes (the numbers would not fit, and {k * k:,} labels take "
            "minutes to draw); read the counts from the matrix itself"
        )
    for i in range(k if labelled else 0):
        for j in range(k):
            dark = i != j and c[i, j] > 0.6 * top
            weight = "bold" if i == j else "normal"
            ax.text(
                j,
                i,
                str(c[i, j]),
                ha="center",
                va="center",
                fontsize=8,
                weight=weight,
                color="white" if dark else "black",
            )
    check_lengths({"class_names": class_names}, k, f"rows of the {k}×{k} matrix")
    if class_names is None:
        if labelled:
            ax.set_xticks(range(k))
            ax.set_yticks(range(k))
        ax.set_xlabel("predicted digit")
        ax.set_ylabel("true digit")
    else:
        if labelled:
            ax.set_xticks(range(k), [str(c) for c in class_names], rotation=45, ha="right")
            ax.set_yticks(range(k), [str(c) for c in class_names])
        ax.set_xlabel("predicted class")
        ax.set_ylabel("true class")
    ax.set_title(title or "confusion matrix (grey diagonal: correct)")
    fig.colorbar(im, ax=ax, shrink=0.85, label="number of mistakes")
    return _done(fig)


@_closes_on_error
def show_probabilities(images, probabilities, labels, ncols: int = 6, size: float = 1.6, title=None):
    """Digits, each above a bar chart of its ten predicted probabilities f_m(X) (chapter 6).

    The title reads ``true 4, said 9`` for a mistake (in red) or ``true 4`` when right. The bar of the
    predicted class is red when wrong (blue when right); the true class's bar is green when it is not the
    predicted one, and its tick label is green and bold (visible even when its bar is too small to see).
    ``images`` is N×28×28 or N×784, ``probabilities`` N×10 (:func:`labfns.predict`), ``labels`` the N true
    classes.
    """
    check_pictures(images)
    check_positive_int("ncols", ncols)
    check_number("size", size, positive=True)
    images = torch.as_tensor(images).detach().reshape(-1, 28, 28).cpu().float().numpy()
    probs, labels = check_probabilities(probabilities, labels, len(images))
    n = _at_most(len(images), "probabilities", "pass a slice, such as images[48:96], to see the next ones")
    n_classes = probs.shape[1]
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig = plt.figure(figsize=(size * ncols, size * 1.6 * nrows + 0.3), layout="constrained")
    grid = fig.add_gridspec(nrows, ncols)
    for k in range(n):
        r, col = divmod(k, ncols)
        y, p = int(labels[k]), int(probs[k].argmax())
        cell = grid[r, col].subgridspec(2, 1, height_ratios=[1.0, 0.6])
        ax = fig.add_subplot(cell[0])
        ax.imshow(images[k], cmap="gray_r", vmin=0, vmax=1)
        ax.set_axis_off()
        wrong = p != y
        ax.set_title(
            f"true {y}, said {p}" if wrong else f"true {y}", fontsize=9, color="red" if wrong else "black"
        )
        bars = fig.add_subplot(cell[1])
        colours = ["0.6"] * n_classes
        if 0 <= y < n_classes:
            colours[y] = "tab:green"
        colours[p] = "tab:red" if wrong else "tab:blue"
        bars.bar(range(n_classes), probs[k].numpy(), color=colours)
        bars.set_ylim(0, 1)
        bars.set_xticks(range(n_classes))
        bars.tick_params(labelsize=6, length=2)
        if 0 <= y < n_classes:
            tick = bars.get_xticklabels()[y]
            tick.set_color("tab:green")
            tick.set_fontweight("bold")
        bars.set_yticks([0, 0.5, 1])
        if col == 0:
            bars.set_ylabel("probability", fontsize=7)
        else:
            bars.set_yticklabels([])
        if r == nrows - 1 or k + ncols >= n:
            bars.set_xlabel("digit", fontsize=7)
    if title:
        fig.suptitle(title)
    plt.close(fig)  # constrained layout, not _done's tight_layout: it spaces the nested grids
    return fig


@_closes_on_error
def plot_histories(histories: dict, figsize=(10, 3.8)):
    """Several training runs side by side (chapters 14 and 12): loss and accuracy by epoch, one colour per
    run, training solid and validation dashed. ``histories`` maps a run's name to the :class:`History`
    that ``fit`` returned, e.g. ``{"lr = 0.01": h1, "lr = 0.001": h2}``.
    """
    check_histories(histories)
    fig, axes = plt.subplots(1, 2, figsize=figsize)
    colours = plt.get_cmap("tab10").colors
    for (name, h), colour in zip(histories.items(), colours * (1 + len(histories) // 10)):
        for ax, metric in zip(axes, ("loss", "acc")):
            ax.plot(h["epoch"], h[f"train_{metric}"], "o-", color=colour, label=f"{name}: train")
            ax.plot(h["epoch"], h[f"valid_{metric}"], "s--", color=colour, label=f"{name}: valid")
    epochs = max((h["epoch"] for h in histories.values()), key=len)
    for ax, metric, label in zip(axes, ("loss", "acc"), ("cross-entropy loss", "accuracy")):
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.set_title(metric)
        ax.set_xticks(epochs if len(epochs) <= 15 else epochs[:: max(1, len(epochs) // 10)])
        ax.grid(alpha=0.3)
    axes[1].legend(fontsize=8)
    return _done(fig)


@_closes_on_error
def plot_network(p: int = 784, hidden=(256, 128), n_classes: int = 10, figsize=(9.5, 7)):
    """A diagram of a dense network in the manner of ISLR2's Figure 10.4 (chapters 2 and 3): the input layer
    X_1, ..., X_p on the left, the hidden layers L_1, L_2, ... of activations A^(1), A^(2), ..., and the
    output layer Y_0, ..., Y_9 on the right, each giving a probability f_m(X); every unit is connected to
    every unit of the next layer.

    A layer of more than ten units is drawn as its first three units, a vertical ellipsis and its last unit;
    the heading of each layer gives its true size (p = 784, K_1 = 256, ...). Each bundle of connections is
    labelled with its weight matrix — W_1, W_2, ..., and B for the output layer — and that matrix's size,
    (inputs + 1) × outputs, the + 1 being the intercepts (chapter 3). The title gives the total count.
    """
    sizes = check_network_sizes(p, hidden, n_classes, at_least_one_hidden=True)
    last = len(sizes) - 1

    def label(layer: int, k: int) -> str:
        if layer == 0:
            return f"$X_{{{k}}}$"
        if layer < last:
            return f"$A^{{({layer})}}_{{{k}}}$"
        return "$Y$" if n_classes == 1 else f"$Y_{{{k - 1}}}$"  # classes are counted from 0

    headings = [f"input layer\n$p$ = {p:,}"]
    headings += [f"hidden layer $L_{{{i}}}$\n$K_{{{i}}}$ = {k:,}" for i, k in enumerate(hidden, start=1)]
    headings.append(f"output layer\n{n_classes:,} unit{'s' if n_classes > 1 else ''}")

    height, radius, gap = 9.0, 0.42, 4.0
    # the units drawn, numbered from 1: all of a layer of up to 10, else the first three, a vertical
    # ellipsis (None) and the last
    units = [list(range(1, n + 1)) if n <= 10 else [1, 2, 3, None, n] for n in sizes]
    positions = []  # (x, y) of each drawn slot, layer by layer, top to bottom
    for i, slots in enumerate(units):
        step = height / max(len(slots) - 1, 1) if len(slots) > 5 else height / 4
        top = height / 2 + step * (len(slots) - 1) / 2
        positions.append([(gap * i, top - step * j) for j in range(len(slots))])

    fig, ax = plt.subplots(figsize=figsize)
    for i in range(last):  # every drawn unit to every drawn unit of the next layer
        for (x0, y0), a in zip(positions[i], units[i]):
            for (x1, y1), b in zip(positions[i + 1], units[i + 1]):
                if a is not None and b is not None:
                    ax.plot([x0, x1], [y0, y1], color="0.75", linewidth=0.6, zorder=1)
        matrix = "$\\mathbf{B}$" if i == last - 1 else f"$\\mathbf{{W}}_{{{i + 1}}}$"
        ax.text(
            gap * (i + 0.5),
            height / 2,
            f"{matrix}\n{sizes[i] + 1:,} × {sizes[i + 1]:,}",
            ha="center",
            va="center",
            fontsize=10,
            zorder=3,
            bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "0.5"},
        )
    colours = ["#fde0c5"] + ["#cfe3f5"] * len(hidden) + ["#d5efd0"]  # input, hidden, output
    for i, (slots, where) in enumerate(zip(units, positions)):
        for (x, y), k in zip(where, slots):
            if k is None:
                ax.text(x, y, "⋮", ha="center", va="center", fontsize=20, zorder=2)
                continue
            ax.add_patch(plt.Circle((x, y), radius, facecolor=colours[i], edgecolor="0.2", zorder=2))
            ax.text(x, y, label(i, k), ha="center", va="center", fontsize=9, zorder=3)
        ax.text(gap * i, height + 1.0, headings[i], ha="center", va="bottom", fontsize=10)
    for (x, y), k in zip(positions[-1], units[-1]):  # each output unit gives a probability f_m(X)
        ax.annotate(
            "$f(X)$" if n_classes == 1 else f"$f_{{{k - 1}}}(X)$",
            xy=(x + radius, y),
            xytext=(x + 1.3, y),
            ha="left",
            va="center",
            fontsize=9,
            arrowprops={"arrowstyle": "<-", "color": "0.4", "linewidth": 0.8},
        )
    total = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
    ax.set_title(f"the {'-'.join(f'{n:,}' for n in sizes)} network: {total:,} parameters", fontsize=11)
    ax.set_xlim(-0.8, gap * last + 2.4)
    ax.set_ylim(-0.8, height + 2.2)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return _done(fig)
