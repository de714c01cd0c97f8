"""Small helpers for the chapters themselves (every chapter): numbers for the prose, checks, figures.

* :func:`glue` puts a computed number into the text: ``glue("name", value, display=False)`` in a code cell
  and ``{glue:text}`name``` in the Markdown, so that no number is typed by hand. myst-nb, which does that,
  belongs to the book's build; Colab does not have it, and there the text is not rebuilt anyway. So there
  ``glue`` only shows the value (when ``display=True``) and the chapter runs on.
* :func:`check_within` is the verdict that follows a cell whose numbers change with the machine: it prints a
  line that is the same on every run; when the number leaves its stated band, the book's own runs stop
  and a reader's run says so and goes on.
* :func:`close_figure` ends a cell that draws with matplotlib: the figure is shown once, as the cell's value.
* :func:`lab_network` is the network every chapter after the lab starts from: the slides' settings, seeded.
"""

from __future__ import annotations

import numbers

try:
    from myst_nb import glue as _myst_glue
except ImportError:  # Colab, or any Jupyter without the book's tools
    _myst_glue = None

__all__ = ["glue", "check_within", "close_figure", "lab_network"]


def glue(name: str, value, display: bool = True):
    """Record ``value`` under ``name`` for ``{glue:text}`name``` in the chapter's text (myst-nb's glue)."""
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be a Python-identifier-like string, got {name!r}")
    if _myst_glue is not None:
        return _myst_glue(name, value, display=display)
    if display:
        from IPython.display import display as show

        show(value)
    return None


def check_within(name: str, value, low, high) -> None:
    """Check that ``low <= value <= high`` and print ``"<name> is within [low, high] ✓"``.

    The printed line does not contain ``value``, which changes with the machine, so the tests (nbval) can
    compare it exactly; the band is the stated tolerance (the chapters say where each band comes from).
    Returns nothing, so that a cell ending with the call shows the line once.

    Outside the band, the book's own runs — the tests, ``make execute``, which set ``LABFNS_STRICT=1`` —
    stop with a ValueError naming the value and the band. A reader's run (Colab, Jupyter) goes on: it
    prints where the value is and what the band was, since a run of their own differs from the book's, and
    a number outside the band is a reason to look, not a reason to lose the rest of the notebook.
    """
    for what, x in (("value", value), ("low", low), ("high", high)):
        if isinstance(x, bool) or not isinstance(x, numbers.Real):
            raise TypeError(f"{what} must be a number, got {type(x).__name__} {x!r}")
    if not low <= high:
        raise ValueError(f"the band [{low}, {high}] is empty: low must be at most high")
    if not low <= value <= high:  # NaN fails this too
        if strict():
            raise ValueError(f"{name} = {value:.4g} is outside [{low}, {high}]")
        print(
            f"⚠ {name} = {value:.4g} is outside [{low}, {high}], the band the book's own runs keep to. "
            "Your run differs from the book's more than its stored runs do: check that your settings are "
            "the chapter's; labfns.where places a result among the stored runs. The notebook goes on."
        )
        return
    print(f"{name} is within [{low}, {high}] ✓")


def strict() -> bool:
    """True where a check outside its band must stop the notebook: in the book's own runs, which set the
    environment variable ``LABFNS_STRICT=1`` (the tests and ``make execute``)."""
    import os

    return os.environ.get("LABFNS_STRICT", "") not in ("", "0")


def close_figure(fig):
    """Lay ``fig`` out (``tight_layout``), close it, and return it: ending a notebook cell with
    ``close_figure(fig)`` shows the figure exactly once, as the cell's value (an open figure would be drawn a
    second time when the cell ends)."""
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure (plt.subplots()[0]), got {type(fig).__name__}")
    if not fig.get_constrained_layout():
        fig.tight_layout()
    plt.close(fig)
    return fig


def lab_network(images, labels, *, epochs: int = 10, lr=None, seed: int = 0, **fit_options):
    """The slides' network trained with the lab's settings (chapter 5): ``set_seed(seed)``, ``MNISTNet()``,
    then ``fit(model, images, labels, epochs=epochs, lr=lr, seed=seed, verbose=False, **fit_options)``.

    Returns ``(model, history)``, the model in evaluation mode (dropout off). With the defaults it is the
    network of the lab, weight for weight on the same machine.
    """
    import inspect

    from .model import MNISTNet, set_seed
    from .train import fit

    known = set(inspect.signature(fit).parameters) - {"model", "images", "labels"}
    unknown = sorted(set(fit_options) - known)
    if unknown:
        raise TypeError(
            f"lab_network passes its options to fit, which has no {', '.join(unknown)}; its options are "
            f"{', '.join(sorted(known))}. For another network, build it and call fit yourself"
        )
    set_seed(seed)
    model = MNISTNet()
    fit_options.setdefault("verbose", False)
    history = fit(model, images, labels, epochs=epochs, lr=lr, seed=seed, **fit_options)
    return model.eval(), history
