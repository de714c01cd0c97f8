"""The trained network for the reader's browser: the "Draw a digit" page (chapter 16).

:func:`export_weights_js` writes a network's weights, and optionally a few digits with their labels, as a
JavaScript file that sets one global, ``window.MNIST_NET``. The page loads it with a ``<script>`` tag, so it
works when the built HTML is opened straight from disk (``file://``), where browsers refuse ``fetch`` of
local files. Each array is stored as base64 text: float32 little-endian for the weights and intercepts,
one byte per pixel (grey level × 255) for the digits. :func:`load_weights_js` reads such a file back.

The page's forward pass (``_extra/draw_digit/draw_digit.js``) applies the layers in order, ReLU after each
but the last, and softmax at the end: the equations of the "Draw a digit" chapter, MNISTNet in evaluation mode.
"""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .checks import check_data, check_finite_weights, check_model, check_path
from .files import missing_folders, real_destination, remove_folders, write_atomically

__all__ = ["export_weights_js", "load_weights_js", "PAGE_NETWORK", "page_network"]

# The network the "Draw a digit" page runs: the best the book trains, the slides' architecture and dropout
# with the schedule of the book's own lab (chapter 7): 30 epochs in batches of 128, RMSprop at the learning
# rate 0.001 (PyTorch's alpha and eps), seed 0. The book's build (scripts/draw_weights.py) and chapter 16
# both train it with these settings.
PAGE_NETWORK = {"epochs": 30, "batch_size": 128, "lr": 1e-3, "seed": 0}

GLOBAL = "MNIST_NET"
PREFIX = f"window.{GLOBAL} = "
HEADER = (
    "// Written by labfns.export_weights_js (book/16_draw_a_digit.ipynb); do not edit by hand.\n"
    "// The trained network for the Draw a digit page: float32 little-endian arrays and uint8 digits in base64.\n"
)


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(array.tobytes()).decode("ascii")


def _linear_layers(model: nn.Module) -> list[tuple[str, nn.Linear]]:
    """The model's ``nn.Linear`` layers in order; each must feed the next (784 → ... → 10)."""
    layers = [(name, m) for name, m in model.named_modules() if isinstance(m, nn.Linear)]
    if not layers:
        raise ValueError("model has no nn.Linear layers to export")
    for (n1, a), (n2, b) in zip(layers, layers[1:]):
        if a.out_features != b.in_features:
            raise ValueError(
                f"{n1} has {a.out_features} outputs but {n2} takes {b.in_features} inputs; "
                "export_weights_js needs a chain of linear layers such as MNISTNet's fc1, fc2, fc3"
            )
    if any(m.bias is None for _, m in layers):
        raise ValueError("every linear layer needs an intercept (bias=True)")
    return layers


PAGE_INPUTS, PAGE_CLASSES = 28 * 28, 10  # the page feeds a 28×28 drawing and shows ten digits' probabilities


def _check_page_can_run(layers) -> None:
    """The page draws one or two hidden layers between a 28×28 drawing and the ten digits: a network of
    another shape would show "NaN %" bars, read part of the drawing, or not start at all."""
    names = " → ".join(f"{name} ({m.in_features}→{m.out_features})" for name, m in layers)
    if not 2 <= len(layers) <= 3:
        raise ValueError(
            f"the Draw a digit page runs networks of 2 or 3 linear layers (784 → K_1 [→ K_2] → 10, a hidden "
            f"layer or two to draw), but this one has {len(layers)}: {names}; export a network such as MNISTNet"
        )
    first, m = layers[0]
    if m.in_features != PAGE_INPUTS:
        raise ValueError(
            f"the Draw a digit page feeds the {PAGE_INPUTS} pixels of a 28×28 drawing to {first}, which takes "
            f"{m.in_features} inputs: export a network of MNIST's images, MNISTNet(n_inputs=784)"
        )
    last, m = layers[-1]
    if m.out_features != PAGE_CLASSES:
        raise ValueError(
            f"the Draw a digit page shows the probabilities of the {PAGE_CLASSES} digits, but {last} has "
            f"{m.out_features} outputs: export a network with 10 classes, MNISTNet(n_classes=10)"
        )


def _page_forward(layers, x: torch.Tensor) -> torch.Tensor:
    """What the page computes (draw_digit.js): each layer's linear part, ReLU between them, softmax."""
    a = x
    for i, (_, m) in enumerate(layers):
        a = a @ m.weight.detach().double().T + m.bias.detach().double()
        if i < len(layers) - 1:
            a = torch.relu(a)
    return torch.softmax(a, dim=1)


def _check_page_computes_the_model(model: nn.Module, layers) -> None:
    """The page can only run linear layers with ReLU between them: refuse a model that computes anything
    else (another activation, a layer skipped or reordered), rather than write weights the page misreads."""
    n_in = layers[0][1].in_features
    x = torch.rand(8, n_in, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    param = next(model.parameters())
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            out = model(x.to(param.device, param.dtype))
    except Exception as e:
        raise ValueError(
            f"export_weights_js could not run the model on inputs of {n_in} numbers ({type(e).__name__}: "
            f"{e}); it writes networks that take the flattened image"
        ) from None
    finally:
        model.train(was_training)
    mine = _page_forward(layers, x)
    theirs = torch.softmax(out.double().cpu(), dim=1) if out.shape == mine.shape else None
    if theirs is None or not torch.allclose(mine, theirs, atol=1e-4):
        names = " → ".join(name for name, _ in layers)
        raise ValueError(
            f"the page computes {names} with ReLU between the layers and softmax at the end, but this model "
            "computes something else (another activation, or layers used otherwise): export_weights_js "
            "writes chains of nn.Linear and ReLU, such as MNISTNet"
        )


def export_weights_js(model: nn.Module, path, *, digits=None, labels=None) -> dict:
    """Write ``model``'s linear layers (and ``digits`` with ``labels``, if given) to the JavaScript file
    ``path`` as ``window.MNIST_NET = {...};`` (chapter 16, "Draw a digit").

    ``digits`` are N×28×28 (or N×784) grey levels in [0, 1], ``labels`` their N class numbers; the grey
    levels are stored as bytes, round(255 x), which is exact for MNIST's own images. Returns a summary:
    ``{"path", "bytes", "layers": [(name, inputs, outputs), ...], "parameters", "digits"}``.
    """
    check_model(model)
    check_path("path", path)
    layers = _linear_layers(model)
    _check_page_can_run(layers)
    check_finite_weights(model)  # NaN or inf: the page would show "NaN %" for every digit
    _check_page_computes_the_model(model, layers)
    spec = {"format": 1, "activation": "relu", "output": "softmax", "layers": []}
    for name, m in layers:
        weight = m.weight.detach().cpu().to(torch.float32).numpy().astype("<f4")  # out × in, row by row
        bias = m.bias.detach().cpu().to(torch.float32).numpy().astype("<f4")
        spec["layers"].append(
            {
                "name": name,
                "in": m.in_features,
                "out": m.out_features,
                "weight": _b64(weight),
                "bias": _b64(bias),
            }
        )
    n_digits = 0
    if digits is not None or labels is not None:
        if digits is None or labels is None:
            raise ValueError("give digits and labels together (one label per digit), or neither")
        check_data(digits, labels)
        x = digits.detach().cpu().reshape(len(digits), -1)
        if x.shape[1] != layers[0][1].in_features:
            raise ValueError(
                f"digits have {x.shape[1]} pixels; {layers[0][0]} takes {layers[0][1].in_features}"
            )
        if float(x.min()) < 0 or float(x.max()) > 1:
            raise ValueError("digits must be grey levels in [0, 1], as load_mnist returns them")
        pixels = torch.round(x.to(torch.float64) * 255).to(torch.uint8).numpy()
        n_digits = len(x)
        spec["digits"] = {
            "n": n_digits,
            "pixels": _b64(pixels),
            "labels": [int(v) for v in labels],
        }
    text = HEADER + PREFIX + json.dumps(spec) + ";\n"
    path = Path(path).expanduser()
    if path.is_dir():
        raise IsADirectoryError(f"path {path} is a folder; give a file name, such as {path / 'mnist_net.js'}")
    real_destination(path, what="the network's weights")  # a link out of the folder: refused first
    made = missing_folders(path.parent)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise NotADirectoryError(f"cannot write {path}: {path.parent} is a file, not a folder") from None
    except OSError as e:
        raise OSError(
            e.errno, f"cannot create the folder {path.parent} for {path.name}: {e.strerror}"
        ) from None
    try:
        with write_atomically(path, "the network's weights") as f:
            f.write(text.encode("ascii"))
    except BaseException:
        remove_folders(made)
        raise
    return {
        "path": path,
        "bytes": len(text),
        "layers": [(name, m.in_features, m.out_features) for name, m in layers],
        "parameters": sum(m.weight.numel() + m.bias.numel() for _, m in layers),
        "digits": n_digits,
    }


def page_network(images, labels):
    """The network of the "Draw a digit" page (chapter 16), trained on ``images`` and ``labels`` with
    :data:`PAGE_NETWORK`'s settings; returns ``(model, history)``, the model in evaluation mode."""
    from .book import lab_network

    return lab_network(images, labels, **PAGE_NETWORK)


def _damaged(path, what: str):
    raise ValueError(f"{path} is damaged: {what}. Export the network again (labfns.export_weights_js)")


def _array(path, b64, dtype, n: int, what: str) -> np.ndarray:
    """One base64 array of the file, which must hold exactly ``n`` numbers of ``dtype``."""
    try:
        raw = base64.b64decode(b64, validate=True)
    except (TypeError, ValueError):
        _damaged(path, f"{what} are not base64 text")
    size = np.dtype(dtype).itemsize
    if len(raw) != n * size:
        _damaged(path, f"{what} hold {len(raw) / size:,g} numbers, not {n:,}")
    return np.frombuffer(raw, dtype=dtype)


def _floats(path, b64, n: int, what: str) -> np.ndarray:
    values = _array(path, b64, "<f4", n, what)
    if not np.isfinite(values).all():
        _damaged(path, f"{what} hold NaN or infinite values")
    return values


def load_weights_js(path) -> dict:
    """Read a file written by :func:`export_weights_js`.

    Returns ``{"state_dict": {"fc1.weight": ..., ...}, "layers": [(name, inputs, outputs), ...],
    "digits": N×28×28 float32 tensor or None, "labels": int64 tensor or None}``; the state dict loads into
    the network that was exported (``MNISTNet().load_state_dict(...)``). Every array is checked against
    its layer's sizes (and the labels against the digits): a damaged file is refused with a message that
    names what is wrong.
    """
    check_path("path", path)
    path = Path(path).expanduser()
    if not path.is_file():
        what = "a folder" if path.is_dir() else "missing"
        raise FileNotFoundError(f"{path} is {what}: give the file that export_weights_js wrote")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(
            f"{path} is not a text file written by export_weights_js; export the network again"
        ) from None
    start = text.find(PREFIX)
    if start < 0 or not text.rstrip().endswith(";"):
        raise ValueError(f"{path} is not a file written by export_weights_js (no '{PREFIX.strip()} ...;')")
    try:
        spec = json.loads(text[start + len(PREFIX) :].rstrip().rstrip(";"))
        layer_specs = spec["layers"]
    except (json.JSONDecodeError, KeyError, TypeError) as e:
        raise ValueError(
            f"{path} is damaged ({type(e).__name__}: {str(e)[:80]}): export the network again"
        ) from None
    state, layers = {}, []
    if not isinstance(layer_specs, list) or not layer_specs:
        _damaged(path, "it lists no layers")
    for i, layer in enumerate(layer_specs):
        if not isinstance(layer, dict) or not all(
            k in layer for k in ("name", "in", "out", "weight", "bias")
        ):
            _damaged(path, f"layer {i + 1} lacks its name, sizes or arrays")
        name, n_in, n_out = layer["name"], layer["in"], layer["out"]
        if not isinstance(name, str) or not all(isinstance(n, int) and n >= 1 for n in (n_in, n_out)):
            _damaged(path, f"layer {i + 1} has no name or no sizes ({name!r}: {n_in!r} → {n_out!r})")
        if i and n_in != layers[-1][2]:
            _damaged(path, f"{name} takes {n_in} inputs but {layers[-1][0]} gives {layers[-1][2]}")
        weight = _floats(path, layer["weight"], n_out * n_in, f"{name}'s weights ({n_out}×{n_in})")
        bias = _floats(path, layer["bias"], n_out, f"{name}'s intercepts ({n_out})")
        state[f"{name}.weight"] = torch.from_numpy(weight.reshape(n_out, n_in).astype(np.float32))
        state[f"{name}.bias"] = torch.from_numpy(bias.astype(np.float32))
        layers.append((name, n_in, n_out))
    digits = labels = None
    if "digits" in spec:
        d = spec["digits"]
        if not isinstance(d, dict) or not isinstance(d.get("n"), int) or d["n"] < 1:
            _damaged(path, "its digits have no count n")
        n, n_in = d["n"], layers[0][1]
        pixels = _array(path, d.get("pixels"), np.uint8, n * n_in, f"the pixels of {n} digits of {n_in}")
        side = math.isqrt(n_in)
        if side * side != n_in:
            _damaged(path, f"{n_in} pixels are not a square image")
        found = d.get("labels")
        if not isinstance(found, list) or len(found) != n:
            count = len(found) if isinstance(found, list) else "no"
            _damaged(path, f"it has {count} labels for {n} digits")
        if not all(isinstance(v, int) and 0 <= v < layers[-1][2] for v in found):
            _damaged(path, f"its labels must be classes 0..{layers[-1][2] - 1}")
        digits = torch.from_numpy(pixels.astype(np.float32)).div(255).reshape(n, side, side)
        labels = torch.tensor(found, dtype=torch.int64)
    return {"state_dict": state, "layers": layers, "digits": digits, "labels": labels}
