"""labfns: the functions the book's chapters call, for ISLR2 section 10.2, "Multilayer Neural Networks".

One module per idea: ``data`` (loading MNIST), ``model`` (the slides' network), ``train`` (the loop that
fits it, evaluation, prediction), ``plots`` (pictures), ``maths`` (the slides' equations by hand),
``export`` (the network for the browser), ``book`` (helpers for the chapters' prose and checks),
``answers`` (the exercises' answers, which check themselves), ``convnet`` (chapter 17's convolutional
network and its study), ``studies`` (what the seed studies train)
and ``typical`` (a reader's run among the stored ones); and the plumbing under them: ``checks`` (every
argument check), ``files`` (writing files safely) and ``cuda_graph`` (the GPU's fast path). What a reader
calls is listed in ``__all__``; the plumbing stays in its module (``labfns.data.install_idx_files``,
``labfns.data.data_root``, ...).
"""

import torch as _torch

from .checks import check_torch_version as _check_torch_version

_check_torch_version(_torch.__version__)  # before anything else: a clear error on a torch too old

from .answers import check_answer
from .book import check_within, close_figure, glue, lab_network
from .convnet import ConvNet, moved_digits
from .data import FASHION_CLASSES, DataError, load_fashion_mnist, load_mnist
from .export import export_weights_js, load_weights_js
from .model import (
    Dropout,
    LogisticNet,
    MNISTNet,
    ModelSummary,
    count_parameters,
    load,
    save,
    set_seed,
    summary,
)
from .plots import (
    plot_activations,
    plot_confusion,
    plot_histories,
    plot_history,
    plot_network,
    show_digits,
    show_probabilities,
    show_weights,
)
from .train import (
    History,
    confusion_matrix,
    evaluate,
    fit,
    get_device,
    predict,
    split,
    train_epoch,
    train_step,
)
from .typical import band, plot_where, where

__version__ = "0.2.0"  # the one place the version is written: pyproject.toml reads it from here

__all__ = [
    "ConvNet",
    "FASHION_CLASSES",
    "DataError",
    "Dropout",
    "History",
    "LogisticNet",
    "MNISTNet",
    "ModelSummary",
    "check_answer",
    "check_within",
    "close_figure",
    "confusion_matrix",
    "count_parameters",
    "evaluate",
    "export_weights_js",
    "fit",
    "get_device",
    "glue",
    "lab_network",
    "load",
    "load_fashion_mnist",
    "load_mnist",
    "load_weights_js",
    "moved_digits",
    "plot_activations",
    "plot_confusion",
    "plot_histories",
    "plot_history",
    "plot_network",
    "predict",
    "save",
    "set_seed",
    "show_digits",
    "show_probabilities",
    "show_weights",
    "split",
    "summary",
    "train_epoch",
    "train_step",
    "band",
    "plot_where",
    "where",
]
