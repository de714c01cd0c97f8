"""Is my run typical? A reader's result placed among the book's stored runs (the seed studies).

"My numbers don't match the book" is the question every reader of such a book asks. Training starts from
random weights and visits the images in a random order, and the machine's floating-point sums differ in their
last digits, so a run differs from the book's; the question is whether by more than the seed alone moves it.
``make seeds`` trained each network of the book many times, once per seed, and stored the results in
``labfns/seed_studies.json`` (``labfns.studies``) and, for chapter 17's convolutional network,
``labfns/cnn_study.json`` (``labfns.convnet``). Here:

* :func:`runs` — the stored runs of a study as a pandas DataFrame, one row per run;
* :func:`where` — a reader's number (a test error, an epoch's loss) or a whole ``History`` placed among the
  stored runs of the same network and settings: how many of them it beats, their range, the book's run;
* :func:`plot_where` — the same as a figure: every stored run, and the reader's marked on it;
* :func:`band` — the band a chapter's check allows a new run: the stored runs' range, widened on each side
  by half its width (a run of another machine is a new draw; chapter 5 explains why).
"""

from __future__ import annotations

import functools
import json
import math
import numbers
import statistics

from .convnet import MOVES
from .convnet import STUDY_FILE as CNN_STUDY_FILE
from .studies import STUDY_FILE

__all__ = ["runs", "where", "plot_where", "band", "provenance", "Placement"]

# A metric's name, what it is called in a sentence, and whether it is a per-epoch list in the stored rows.
METRICS = {
    "test_error": ("test error", False),
    "test_acc": ("test accuracy", True),
    "train_loss": ("training loss", True),
    "train_acc": ("training accuracy", True),
    "valid_loss": ("validation loss", True),
    "valid_acc": ("validation accuracy", True),
    "dead_units": ("dead first-layer units", True),
    "median_p_right": ("median probability of a right answer", False),
    # chapter 17: the test accuracy on the test digits moved (labfns.convnet.MOVES)
    **{metric: (f"test accuracy on the digits {name}", False) for metric, (name, _) in MOVES.items()},
}
SETTINGS = ("lr", "model", "lam", "network")
PERCENT = {"test_error", "test_acc", "train_acc", "valid_acc"} | set(MOVES)


def _read(path, what: str, command: str) -> dict:
    if not path.exists():
        raise FileNotFoundError(
            f"{what} missing: {path} does not exist. In a checkout of the book, run {command} or restore the "
            f"file with `git checkout labfns/{path.name}`"
        )
    return json.loads(path.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def _stored() -> dict:
    return _read(STUDY_FILE, "the seed studies are", "`make seeds` (about 40 minutes)")


@functools.lru_cache(maxsize=1)
def _stored_cnn() -> dict:
    """The convolutional network's study (chapter 17), a file of its own (labfns.convnet)."""
    return _read(
        CNN_STUDY_FILE,
        "the convolutional network's study is",
        "`python scripts/seed_studies.py --cnn` (a few minutes)",
    )


def provenance(study: str | None = None) -> dict:
    """Where the stored runs come from: the command, labfns' code hash, the versions, the CPU, the date.
    ``provenance("cnn")``: the convolutional network's study, which has a file of its own."""
    return dict((_stored_cnn() if study == "cnn" else _stored())["provenance"])


def _all_runs(study: str | None = None) -> list[dict]:
    """The stored runs that may hold ``study``'s: chapter 17's file for "cnn", the seed studies' for another
    study, both for None. Each file is read only when it is needed."""
    if study == "cnn":
        return _stored_cnn()["runs"]
    return _stored()["runs"] + (_stored_cnn()["runs"] if study is None else [])


def runs(study: str | None = None, **setting):
    """The stored runs as a pandas DataFrame, one row per run (columns: ``study``, the setting — ``lr``,
    ``model``, ``lam``, ``network`` where the study has it —, ``seed``, ``test_error``, and per-epoch lists
    such as ``valid_acc`` and ``test_acc``). ``runs("lab", lr=0.01)`` keeps one study and setting."""
    import pandas as pd

    rows = _select(study, setting)
    flat = []
    for row in rows:
        out = {k: v for k, v in row.items() if k != "history"}
        out.update(row.get("history", {}))
        flat.append(out)
    return pd.DataFrame(flat)


def _select(study, setting) -> list[dict]:
    stored = _all_runs(study)
    studies = sorted({r["study"] for r in stored} | {"cnn"})
    if study is None:
        if setting:
            raise TypeError("name the study when you choose a setting, e.g. runs('lab', lr=0.01)")
        return stored
    if study not in studies:
        raise ValueError(f"study must be one of {', '.join(map(repr, studies))}, got {study!r}")
    rows = [r for r in stored if r["study"] == study]
    unknown = sorted(set(setting) - set(SETTINGS))
    if unknown:
        raise TypeError(
            f"no setting {', '.join(unknown)}: a study's settings are among {', '.join(SETTINGS)}"
        )
    for k, v in setting.items():
        rows = [r for r in rows if k in r and _same(r[k], v)]
    if not rows:
        have = sorted({json.dumps({k: r[k] for k in SETTINGS if k in r}) for r in _select(study, {})})
        raise ValueError(
            f"the study {study!r} has no runs with {setting}; its settings are: {', '.join(have)}"
        )
    return rows


def _same(a, b) -> bool:
    if isinstance(a, numbers.Real) and isinstance(b, numbers.Real) and not isinstance(b, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.0)
    return a == b


def _values(rows, metric: str, epoch):
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}, got {metric!r}")
    per_epoch = METRICS[metric][1]
    out = []
    for r in rows:
        v = r.get(metric, r.get("history", {}).get(metric))
        if v is None:
            raise ValueError(f"the study {r['study']!r} does not record {metric!r}")
        if per_epoch:
            if epoch is None:
                epoch = len(v)
            if not isinstance(epoch, numbers.Integral) or not 1 <= epoch <= len(v):
                raise ValueError(
                    f"epoch must be a whole number from 1 to {len(v)} for {metric!r}, got {epoch!r}"
                )
            v = v[epoch - 1]
        elif epoch is not None:
            raise ValueError(f"{metric!r} is recorded once per run, after training: leave out epoch")
        out.append((r["seed"], float(v)))
    return out, epoch


class Placement:
    """A reader's value among the stored runs (what :func:`where` returns). Its text is its ``repr``:

    ``value``, ``values`` (the stored runs', by seed), ``n``, ``below`` (how many stored runs are below the
    reader's), ``percentile`` (the share below, counting ties as half, in per cent), ``book`` (seed 0's),
    ``typical`` (inside the stored range), ``what`` (the metric in words) and ``epochs`` for a History."""

    def __init__(self, value, seeds_values, what, metric, label, epoch=None, history=None):
        self.value, self.what, self.metric, self.label, self.epoch = value, what, metric, label, epoch
        self.values = {s: v for s, v in seeds_values}
        vals = list(self.values.values())
        self.n = len(vals)
        self.below = sum(v < value for v in vals)
        ties = sum(v == value for v in vals)
        self.percentile = 100 * (self.below + 0.5 * ties) / self.n
        self.low, self.high = min(vals), max(vals)
        self.median = statistics.median(vals)
        self.book = self.values.get(0)
        self.typical = self.low <= value <= self.high
        self.history = history  # per-epoch Placements, for a History

    def _fmt(self, v) -> str:
        return (
            f"{100 * v:.2f} %"
            if self.metric in PERCENT
            else (f"{v:.0f}" if self.metric == "dead_units" else f"{v:.4f}")
        )

    def __repr__(self) -> str:
        at = f" after epoch {self.epoch}" if self.epoch is not None else ""
        seeds = sorted(self.values)
        lines = [
            f"Your {self.what}{at}, {self._fmt(self.value)}, is above {self.below} of the book's {self.n} runs of "
            f"{self.label} (seeds {seeds[0]}-{seeds[-1]}: {self._fmt(self.low)} to {self._fmt(self.high)}, "
            f"median {self._fmt(self.median)}; seed 0: {self._fmt(self.book)})."
            if self.book is not None
            else f"Your {self.what}{at}, {self._fmt(self.value)}, is above {self.below} of the book's {self.n} "
            f"runs of {self.label} ({self._fmt(self.low)} to {self._fmt(self.high)}).",
        ]
        if self.typical:
            lines.append("That is typical: it lies within the range of the stored runs.")
        else:
            side = "below" if self.value < self.low else "above"
            lines.append(
                f"That is unusual: it lies {side} every stored run. Check that your settings are the chapter's "
                "(learning rate, epochs, batch size, data scaled to [0, 1]); if they are, your run is a rare one."
            )
        if self.history is not None:
            outside = [p.epoch for p in self.history if not p.typical]
            lines.append(
                f"Epoch by epoch, your {self.what} was within the stored runs' range in "
                f"{len(self.history) - len(outside)} of {len(self.history)} epochs"
                + (
                    f" (outside in epoch{'s' if len(outside) > 1 else ''} {', '.join(map(str, outside))})."
                    if outside
                    else "."
                )
            )
        return "\n".join(lines)


def where(value, study: str, metric: str | None = None, *, epoch: int | None = None, **setting) -> Placement:
    """Place a reader's ``value`` among the stored runs of ``study`` with ``setting`` and print where it falls.

    ``value`` is a number (``metric`` says which: ``"test_error"``, or a per-epoch one such as ``"valid_acc"``
    with ``epoch``, default the last) or a ``History`` from ``fit`` (``metric`` default ``"valid_acc"``: each
    epoch is placed, and the last one summarised). Example, after the lab of chapter 5::

        labfns.where(1 - test_acc, "lab", "test_error", lr=0.01)
    """
    from .train import History

    rows = _select(study, setting)
    label = _label(study, setting)
    if isinstance(value, History):
        metric = metric or "valid_acc"
        if not METRICS.get(metric, ("", False))[1]:
            raise ValueError(f"a History is placed by a per-epoch metric such as 'valid_acc', not {metric!r}")
        series = value[metric] if metric in value.columns else None
        if series is None or not series:
            raise ValueError(f"the History has no {metric!r} column with values (it has {value.columns})")
        per = []
        for e, v in enumerate(series, start=1):
            vals, _ = _values(rows, metric, min(e, _epochs(rows, metric)))
            per.append(Placement(float(v), vals, METRICS[metric][0], metric, label, epoch=e))
        last = per[-1]
        return Placement(
            last.value, list(last.values.items()), last.what, metric, label, last.epoch, history=per
        )
    if metric is None:
        raise TypeError("name the metric of a number, e.g. where(0.045, 'lab', 'test_error', lr=0.01)")
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise TypeError(f"value must be a finite number or a History, got {value!r}")
    vals, epoch = _values(rows, metric, epoch)
    return Placement(float(value), vals, METRICS[metric][0], metric, label, epoch=epoch)


def _epochs(rows, metric) -> int:
    return len(rows[0].get(metric, rows[0].get("history", {}).get(metric)))


def _label(study, setting) -> str:
    names = {
        "lab": "the lab's network",
        "table": "this Table 10.1 model",
        "wide": "this network",
        "fashion": "the lab's network on Fashion-MNIST",
        "page": "the drawing page's network",
        "cnn": "chapter 17's networks",
    }
    if study == "cnn" and set(setting) == {"network"}:
        nets = {"cnn": "the convolutional network", "dense": "the lab's network"}
        return f"{nets.get(setting['network'], setting['network'])} of chapter 17 (5 epochs)"
    extra = ", ".join(f"{'λ' if k == 'lam' else k} {v}" for k, v in setting.items())
    return names.get(study, study) + (f" with {extra}" if extra else "")


# The images a share is measured on: its sampling noise is a floor under the spread a new run can show.
SAMPLE_SIZE = {"test_error": 10_000, "test_acc": 10_000, "valid_acc": 12_000, "train_acc": 48_000}


def band(study: str, metric: str, *, epoch: int | None = None, widen: float = 0.5, **setting) -> tuple:
    """The band a chapter's check allows a new run of ``study``/``setting``: the stored runs' range of
    ``metric``, widened on each side by ``widen`` times its width or by three standard deviations, whichever
    is more, rounded outwards to three significant digits. The standard deviation is the stored runs', but
    for a share of images (an error or accuracy) at least the binomial one of that share, sqrt(e(1 - e)/n):
    a few runs that happen to agree closely must not make a band narrower than the images allow.

    A run on another machine or thread count is, in effect, another draw (its floating-point sums differ in
    their last digits, and training amplifies them). Returns ``(low, high)``, the same on every machine, as it
    is read from the stored file. It is clipped to what the metric can be: at least 0, and at most 1 for a
    share."""
    vals, _ = _values(_select(study, setting), metric, epoch)
    xs = [v for _, v in vals]
    lo, hi = min(xs), max(xs)
    sd = statistics.stdev(xs) if len(xs) > 1 else 0.0
    if metric in SAMPLE_SIZE:
        share = statistics.fmean(xs)
        sd = max(sd, math.sqrt(share * (1 - share) / SAMPLE_SIZE[metric]))
    pad = max(widen * (hi - lo), 3 * sd)
    low, high = max(0.0, _round(lo - pad, math.floor)), _round(hi + pad, math.ceil)
    if metric in SAMPLE_SIZE:  # a share of images lies in [0, 1]; every metric here is at least 0
        high = min(1.0, high)
    return low, high


def _round(x: float, direction) -> float:
    if x == 0:
        return 0.0
    scale = 10 ** (math.floor(math.log10(abs(x))) - 2)
    return round(direction(x / scale) * scale, 12)


def plot_where(placement: Placement, figsize=(8, 2.6), title=None):
    """The stored runs of a :func:`where` result as dots and the reader's value as a red line; for a
    History, the stored runs' range by epoch (shaded), their median, and the reader's curve."""
    import matplotlib.pyplot as plt

    from .plots import _done

    if not isinstance(placement, Placement):
        raise TypeError(f"placement must be what labfns.where returns, got {type(placement).__name__}")
    scale = 100 if placement.metric in PERCENT else 1
    unit = " (%)" if scale == 100 else ""
    if placement.history is not None:
        fig, ax = plt.subplots(figsize=(figsize[0], figsize[1] * 1.4))
        epochs = [p.epoch for p in placement.history]
        lo = [scale * p.low for p in placement.history]
        hi = [scale * p.high for p in placement.history]
        med = [scale * p.median for p in placement.history]
        ax.fill_between(
            epochs, lo, hi, color="tab:blue", alpha=0.25, label=f"the book's {placement.n} runs: range"
        )
        ax.plot(epochs, med, "-", color="tab:blue", label="their median")
        ax.plot(epochs, [scale * p.value for p in placement.history], "o-", color="tab:red", label="your run")
        ax.set_xlabel("epoch")
        ax.set_xticks(epochs)
        ax.set_ylabel(placement.what + unit)
    else:
        fig, ax = plt.subplots(figsize=figsize)
        seeds = sorted(placement.values)
        xs = [scale * placement.values[s] for s in seeds]
        ys = [(s % 5) / 5 for s in seeds]  # spread out, so that close runs do not hide each other
        ax.plot(
            xs, ys, "o", color="tab:blue", alpha=0.7, label=f"the book's {placement.n} runs, one per seed"
        )
        if placement.book is not None:
            ax.plot([scale * placement.book], [0], "o", mfc="none", mec="black", ms=11, label="seed 0")
        ax.axvline(scale * placement.value, color="tab:red", linewidth=2, label="your run")
        ax.set_yticks([])
        ax.set_ylim(-0.4, 1.2)
        at = f" after epoch {placement.epoch}" if placement.epoch is not None else ""
        ax.set_xlabel(placement.what + at + unit)
    ax.set_title(title or f"your run among the book's runs of {placement.label}")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    return _done(fig)
