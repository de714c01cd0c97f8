"""The book's seed studies: the networks trained many times over, once, to show what is typical.

A claim such as "the lab's network reaches a test error of about 4 %" rests on many trained networks, one
per seed, and training them takes longer than a reader waits for a chapter. So they are trained once, by
``make seeds`` (``scripts/seed_studies.py``), and stored one row per run in ``labfns/seed_studies.json``,
with the code that made them (:func:`code_hash`). The chapters read the rows (``labfns.typical``); a reader's
own run is placed among them (``labfns.where``).

This module says *what* each run trains, and nothing else, so that its code hash changes only when the runs
would: the studies, their settings (:data:`PLAN`) and :func:`run` — each run is a function of its study,
setting and seed alone. The studies:

* ``lab`` — the slides' lab (chapter 5: ``lab_network``, 10 epochs, batches of 256, RMSprop) at four
  learning rates: the test accuracy and the first layer's dead units after every epoch, the log, and each
  test digit the final network gets wrong. Chapters 5, 6, 12 and 13.
* ``table`` — ISLR2's Table 10.1 (chapter 7): the dropout network, the ridge network at each λ of a grid
  that includes 0, multinomial logistic regression (ISLR2's settings: 30 epochs, batches of 128, Keras'
  RMSprop), and LDA once.
* ``wide`` — one wide hidden layer against the slides' two, at equal budget (chapter 12, optional section).
* ``fashion`` — the lab's network on Fashion-MNIST, five epochs at lr 0.001 (chapter 14).
* ``page`` — the Draw a digit page's network (chapter 16).
"""

from __future__ import annotations

import hashlib
import io
import tokenize
from functools import partial
from pathlib import Path

import torch
from torch import nn

STUDY_FILE = Path(__file__).with_name("seed_studies.json")

# ISLR2's settings for Table 10.1 (chapter 7): Keras' RMSprop defaults (lr 0.001, rho 0.9, epsilon 1e-7),
# 30 epochs in batches of 128, 20 % of the training images held out for validation.
KERAS_RMSPROP = partial(torch.optim.RMSprop, alpha=0.9, eps=1e-7)
TABLE_SETTINGS = {"epochs": 30, "batch_size": 128, "valid": 0.2, "optimizer": KERAS_RMSPROP, "lr": 1e-3}
LAMBDAS = (0.0, 1e-6, 1e-5, 1e-4, 1e-3)  # the ridge grid: 0 (no penalty) and beyond the chosen value
PAGE_SETTINGS = {"epochs": 30, "batch_size": 128, "lr": 1e-3}  # = labfns.export.PAGE_NETWORK, less its seed

# (study, setting, seeds): every run of `make seeds`, in the order it trains them.
PLAN = (
    [("lab", {"lr": 0.01}, range(20)), ("lab", {"lr": 0.001}, range(20))]
    + [("lab", {"lr": lr}, range(10)) for lr in (0.003, 0.0003)]
    + [("table", {"model": "dropout"}, range(10))]
    + [("table", {"model": "ridge", "lam": lam}, range(10)) for lam in LAMBDAS]
    + [("table", {"model": "logistic"}, range(10)), ("table", {"model": "lda"}, range(1))]
    + [("wide", {"lr": lr, "network": net}, range(10)) for lr in (0.01, 0.001) for net in ("one", "two")]
    + [("fashion", {"lr": 0.001}, range(10)), ("page", {}, range(5))]
)


def plan() -> list[dict]:
    """Every run of the studies, as ``{"study", **setting, "seed"}`` dicts."""
    return [{"study": study, **setting, "seed": seed} for study, setting, seeds in PLAN for seed in seeds]


def code_hash() -> str:
    """A short hash of the code that decides what a run computes: labfns' ``data``, ``model``, ``train`` and
    this module, read as Python tokens without comments, docstrings or layout (so that rewording a
    docstring does not make the stored runs stale, while any change to the code does)."""
    digest = hashlib.sha256()
    for name in ("data", "model", "train", "studies"):
        digest.update(_code_tokens(Path(__file__).with_name(f"{name}.py").read_text(encoding="utf-8")))
    return digest.hexdigest()[:16]


def _code_tokens(source: str) -> bytes:
    import ast

    docstrings = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                if isinstance(body[0].value.value, str):
                    docstrings.update(range(body[0].lineno, body[0].end_lineno + 1))
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
    kept = [
        tok.string
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type not in skip and tok.start[0] not in docstrings
    ]
    return "\x00".join(kept).encode()


def load_data(study: str):
    """The images a study trains and tests on: ``(train_x, train_y, test_x, test_y)``."""
    from .data import load_fashion_mnist, load_mnist

    load = load_fashion_mnist if study == "fashion" else load_mnist
    return (*load("train"), *load("test"))


def run(spec: dict, data) -> dict:
    """Train the run ``spec`` (a row of :func:`plan`) on ``data`` (:func:`load_data`) and return its row:
    the spec, the log (``history``: one list per column of ``fit``'s History) and what the study records."""
    train_x, train_y, test_x, test_y = data
    study, seed = spec["study"], spec["seed"]
    if study == "table" and spec["model"] == "lda":
        return {**spec, **_lda(*data)}
    from .model import LogisticNet, MNISTNet, set_seed
    from .train import fit

    set_seed(seed)
    options = {"seed": seed, "verbose": False}
    per_epoch = {"test_acc": [], "dead_units": []}
    if study in ("lab", "fashion"):
        model, options = MNISTNet(), {**options, "epochs": 10 if study == "lab" else 5, "lr": spec["lr"]}
    elif study == "wide":
        model = MNISTNet() if spec["network"] == "two" else wide_network()
        options = {**options, "epochs": 10, "lr": spec["lr"]}
    elif study == "page":
        model, options = MNISTNet(), {**options, **PAGE_SETTINGS}
    else:  # table
        model = {"dropout": MNISTNet, "ridge": partial(MNISTNet, dropout=(0.0, 0.0)), "logistic": LogisticNet}
        model = model[spec["model"]]()
        options = {**options, **TABLE_SETTINGS}
        if spec["model"] == "ridge":
            options["weight_decay"] = {"fc1": spec["lam"], "fc2": spec["lam"]}

    def record(epoch, net):
        per_epoch["test_acc"].append(round(_test_acc(net, test_x, test_y), 6))
        if study == "lab":
            per_epoch["dead_units"].append(dead_units(net, train_x))

    history = fit(
        model, train_x, train_y, on_epoch_end=record if study in ("lab", "wide") else None, **options
    )
    row = {**spec, "history": {k: [round(v, 6) for v in history[k]] for k in history.columns if k != "epoch"}}
    row.update({k: v for k, v in per_epoch.items() if v})
    confidences = study == "lab" and spec["lr"] in (0.01, 0.001)
    row.update(
        _test_record(model, test_x, test_y, mistakes=study in ("lab", "table"), confidences=confidences)
    )
    return row


def wide_network() -> nn.Module:
    """Chapter 3's one hidden layer within the slides' budget of 235,146 parameters: 784 → 295 → 10, ReLU,
    the slides' first dropout rate."""
    from .model import Dropout

    width = (235_146 - 10) // (784 + 11)
    return nn.Sequential(nn.Flatten(), nn.Linear(784, width), nn.ReLU(), Dropout(0.4), nn.Linear(width, 10))


def dead_units(model: nn.Module, images: torch.Tensor) -> int:
    """The first-layer units of the slides' network that are 0 for every one of ``images`` (chapter 13)."""
    with torch.no_grad():
        a1 = torch.relu(model.fc1(images.flatten(1).to(model.fc1.weight.dtype)))
    return int((a1.max(dim=0).values == 0).sum())


def _test_acc(model, test_x, test_y) -> float:
    from .train import evaluate

    return evaluate(model, test_x, test_y)["acc"]


def _test_record(model, test_x, test_y, mistakes: bool, confidences: bool) -> dict:
    """The test error; with ``mistakes``, each test digit the network gets wrong as ``[index, predicted]``,
    or with ``confidences`` as ``[index, predicted, f_predicted(X)]`` (six decimals), and then also the
    median probability of the answer where it is right."""
    from .train import predict

    probs = predict(model, test_x)
    p_max, pred = probs.max(dim=1)
    wrong = torch.nonzero(pred != test_y).flatten()
    out = {"test_error": len(wrong) / len(test_y)}
    if confidences:
        out["mistakes"] = [[int(i), int(pred[i]), round(float(p_max[i]), 6)] for i in wrong]
        out["median_p_right"] = round(float(p_max[pred == test_y].median()), 6)
    elif mistakes:
        out["mistakes"] = [[int(i), int(pred[i])] for i in wrong]
    return out


def _lda(train_x, train_y, test_x, test_y) -> dict:
    """LDA as chapter 7 fits it: scikit-learn's ``LinearDiscriminantAnalysis(solver="lsqr")`` on all 60,000
    training images."""
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

    lda = LinearDiscriminantAnalysis(solver="lsqr").fit(train_x.flatten(1).numpy(), train_y.numpy())
    pred = torch.as_tensor(lda.predict(test_x.flatten(1).numpy()))
    wrong = torch.nonzero(pred != test_y).flatten()
    return {"test_error": len(wrong) / len(test_y), "mistakes": [[int(i), int(pred[i])] for i in wrong]}
