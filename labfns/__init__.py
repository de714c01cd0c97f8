"""labfns: the functions the book's chapters call, for ISLR2 section 10.2, "Multilayer Neural Networks".

One module per idea: ``book`` (glue for the prose), ``data`` (loading MNIST), ``model`` (the slides' network), ``train`` (the fit loop,
evaluation, prediction), ``plots`` (pictures) and ``maths`` (the slides' equations by hand).
"""

from .book import glue
from .data import (
    FASHION_CLASSES,
    DataError,
    check_idx_files,
    data_root,
    install_idx_files,
    load_fashion_mnist,
    load_mnist,
)
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
    show_digits,
    show_probabilities,
    show_weights,
)
from .train import History, confusion_matrix, evaluate, fit, get_device, predict

__version__ = "0.1.0"

__all__ = [
    "FASHION_CLASSES",
    "DataError",
    "Dropout",
    "History",
    "LogisticNet",
    "MNISTNet",
    "ModelSummary",
    "check_idx_files",
    "confusion_matrix",
    "count_parameters",
    "data_root",
    "evaluate",
    "export_weights_js",
    "fit",
    "get_device",
    "glue",
    "install_idx_files",
    "load",
    "load_fashion_mnist",
    "load_mnist",
    "load_weights_js",
    "plot_activations",
    "plot_confusion",
    "plot_histories",
    "plot_history",
    "predict",
    "save",
    "set_seed",
    "show_digits",
    "show_probabilities",
    "show_weights",
    "summary",
]
