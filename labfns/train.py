"""Training and evaluating (chapter 5): the R lab's ``setup(...) %>% fit(...)`` as a loop you can read.

The slides set up the model with the cross-entropy loss, RMSprop and an accuracy metric, then call
``fit(data, epochs = 10, valid_data = 0.2, dataloader_options = list(batch_size = 256))``. :func:`fit` takes
the same settings, and is built from three pieces that chapter 5 shows on the page:

* :func:`split` holds out a random share of the images for validation (luz's ``valid_data = 0.2``);
* :func:`train_step` is one step of minibatch gradient descent: forward, loss, backward, update;
* :func:`train_epoch` is one pass over the training images in a new random order, a step per batch.

Unlike a ``DataLoader``, the loop never touches one image at a time: the images are one tensor in memory,
and each batch is a slice of a shuffled index. That is what lets the book train on all of MNIST in seconds
per epoch on a laptop CPU. What :func:`fit` adds to the pieces is its checks, made before training starts,
and its recovery: whatever stops it, the model is left as it was at the end of the last completed epoch.
"""

from __future__ import annotations

import contextlib
import functools
import math
import time

import torch
import torch.nn.functional as F
from torch import nn

from .checks import (
    check_callback,
    check_cuda_graphs,
    check_data,
    check_epoch,
    check_finite_weights,
    check_flag,
    check_fraction,
    check_labels,
    check_model,
    check_model_device,
    check_model_input,
    check_optimizer,
    check_path,
    check_positive_int,
    check_seed,
    check_split_size,
    check_trainable,
    check_training_images,
    check_weight_decay,
    model_outputs,
)

__all__ = [
    "History",
    "split",
    "train_step",
    "train_epoch",
    "fit",
    "evaluate",
    "predict",
    "get_device",
    "confusion_matrix",
]

EVAL_BATCH = 8192  # evaluation needs no gradients, so it can use far larger batches than training


def get_device(device=None) -> torch.device:
    """``device`` as a :class:`torch.device`; ``None`` means CUDA when available, else the CPU."""
    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    expected = "'cpu', 'cuda', 'cuda:N', 'mps', a torch.device or None"
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError):
        dev = None
    if dev is None or dev.type not in ("cpu", "cuda", "mps"):
        hint = {"gpu": "; for an NVIDIA GPU use 'cuda'"}.get(str(device).lower(), "")
        if isinstance(device, str) and device.lower() != device and device.lower() in ("cpu", "cuda", "mps"):
            hint = f"; lower case: {device.lower()!r}"
        raise ValueError(f"device must be {expected}, got {device!r}{hint}")
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device={device!r} was asked for, but PyTorch sees no CUDA GPU here; use 'cpu'")
    if dev.type == "cuda" and dev.index is not None and dev.index >= torch.cuda.device_count():
        raise ValueError(f"device={device!r}: PyTorch sees only {torch.cuda.device_count()} CUDA GPU(s) here")
    if dev.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError(
            f"device={device!r} was asked for, but PyTorch sees no Apple GPU (MPS) here; use 'cpu'"
        )
    return dev


class History:
    """Per-epoch train and valid loss and accuracy, as ``fit`` returns it (R: ``fitted$records``).

    ``history.rows`` is a list of dicts, one per epoch; ``history["valid_acc"]`` is one column as a list;
    ``history[-1]`` the last epoch's row; ``history.to_frame()`` a pandas DataFrame.
    ``history.seconds`` is the wall time of the whole fit (the R lab's ``system.time``), kept out of the
    printed log so that checked outputs do not vary. ``history.interrupted`` is True when training stopped
    before its last epoch (Ctrl-C, or an error, which then carries this history as ``error.history``); the
    rows then hold every epoch that completed.
    """

    columns = ("epoch", "train_loss", "train_acc", "valid_loss", "valid_acc")

    def __init__(self, rows=None, seconds: float = 0.0, interrupted: bool = False):
        self.rows = list(rows or [])
        self.seconds = seconds
        self.interrupted = interrupted

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, key):
        if isinstance(key, str):
            if key not in self.columns:
                raise KeyError(f"History has columns {self.columns}, not {key!r}")
            return [row[key] for row in self.rows]
        return self.rows[key]

    def to_frame(self):
        """The history as a pandas DataFrame indexed by epoch."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns).set_index("epoch")

    def __repr__(self) -> str:
        head = f"History of {len(self)} epoch{'s' if len(self) != 1 else ''}"
        lines = [head, "epoch  train_loss  train_acc  valid_loss  valid_acc"]
        for r in self.rows:
            lines.append(
                f"{r['epoch']:>5}  {r['train_loss']:>10.4f}  {r['train_acc']:>9.4f}  "
                f"{r['valid_loss']:>10.4f}  {r['valid_acc']:>9.4f}"
            )
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------
# The three pieces of the loop (chapter 5, "The loop inside fit").


def split(images, valid: float = 0.2, seed: int = 0, *, generator: torch.Generator | None = None):
    """Hold out a random share ``valid`` of the images for validation (chapter 5), as luz's
    ``valid_data = 0.2`` does: returns ``(train_idx, valid_idx)``, the indices of the two parts.

    ``images`` is the images (or their number). The split is drawn with a random permutation from a
    generator seeded with ``seed``; ``fit(seed=...)`` draws the same split, then goes on drawing the order of
    the batches from the same ``generator``.
    """
    n = check_split_size(images)
    check_fraction("valid", valid)
    if generator is None:
        check_seed(seed)
        generator = torch.Generator().manual_seed(int(seed))
    elif not isinstance(generator, torch.Generator) or seed != 0:
        raise ValueError("split draws from seed or from generator: give one of them, not both")
    n_valid = round(n * valid)
    if n_valid < 1 or n_valid >= n:
        raise ValueError(f"valid={valid} leaves {n_valid} of {n} images for validation; need 1 to {n - 1}")
    order = torch.randperm(n, generator=generator)
    return order[n_valid:], order[:n_valid]


def train_step(model, optimizer, xb, yb, loss_fn=F.cross_entropy, *, check: bool = True):
    """One step of minibatch gradient descent (chapter 5): the outputs Z for a batch, the loss, its gradient
    with respect to every weight (backpropagation, chapter 8) and the optimizer's update (chapter 10).
    Returns the batch's loss (detached) and the outputs Z. With ``check`` (the default), the batch is first
    checked as :func:`train_epoch` checks its images and labels; the epoch's loop, whose data are checked
    already, passes ``check=False``.
    """
    if check:  # labfns' own errors for a bad batch (NaN pixels, labels out of range, ...)
        check_epoch(model, optimizer, xb, yb, max(len(xb), 1), None, loss_fn, train_step)
    out = model(xb)  # forward: the outputs Z of the batch
    loss = loss_fn(out, yb)  # softmax and cross-entropy, averaged over the batch
    optimizer.zero_grad()
    loss.backward()  # backward: the gradient of the loss for every weight
    optimizer.step()  # update: here, RMSprop
    return loss.detach(), out


def train_epoch(
    model,
    optimizer,
    images,
    labels,
    *,
    batch_size: int = 256,
    generator: torch.Generator | None = None,
    loss_fn=F.cross_entropy,
    step=train_step,
    check: bool = True,
) -> dict:
    """One epoch (chapter 5): the images in a new random order, cut into batches of ``batch_size``, one
    :func:`train_step` per batch. ``labels`` is a tensor, or a dict ``{head: labels}`` for a network with
    several outputs (chapter 15, with a ``loss_fn`` of its own).

    Returns ``{"loss", "acc", "step_losses"}``: the epoch's mean loss per image and accuracy (``None`` for
    several outputs), measured while the weights change as luz's training metrics are — luz's loss is the
    plain mean of the batches' losses, which counts the smaller last batch as much as a full one — and every
    step's loss.
    With ``check`` (the default), every image and label is checked before the first step; :func:`fit`,
    which checks its data once before its first epoch, passes ``check=False``.
    """
    if check:  # every image and label, before any weight changes
        check_epoch(model, optimizer, images, labels, batch_size, generator, loss_fn, step)
    if step is train_step:
        step = functools.partial(train_step, check=False)  # the batches come from checked data
    model.train()  # dropout on
    n = len(images)
    order = torch.randperm(n, generator=generator).to(images.device)
    step_losses, total, correct = [], 0, 0
    for i in range(0, n, batch_size):
        idx = order[i : i + batch_size]  # this batch's images
        xb, yb = images.index_select(0, idx), _rows(labels, idx)
        loss, out = step(model, optimizer, xb, yb, loss_fn)
        step_losses.append(loss)
        total = total + loss * len(idx)  # each image counts once, those of a smaller last batch too
        if torch.is_tensor(out):  # one output: count the right answers
            correct = correct + (out.argmax(dim=1) == yb).sum()
    # Sums kept as tensors and read once here: an .item() per step would wait for every step to finish.
    return {
        "loss": float(total) / n,
        "acc": float(correct) / n if torch.is_tensor(correct) else None,
        "step_losses": torch.stack(step_losses),
    }


def _rows(labels, idx):
    """The rows ``idx`` of the labels: of a tensor, or of each tensor of a dict (several outputs)."""
    if isinstance(labels, dict):
        return {name: y.index_select(0, idx) for name, y in labels.items()}
    return labels.index_select(0, idx)


# ---------------------------------------------------------------------------------------------------------
# fit: the pieces, with checks before and recovery after.


def fit(
    model: nn.Module,
    images: torch.Tensor,
    labels: torch.Tensor,
    *,
    epochs: int = 10,
    batch_size: int = 256,
    valid: float = 0.2,
    optimizer=torch.optim.RMSprop,
    lr: float | None = None,
    weight_decay=0.0,
    seed: int = 0,
    device=None,
    verbose: bool = True,
    on_epoch_end=None,
    cuda_graphs: bool | None = None,
    checkpoint=None,
) -> History:
    """Train ``model`` with the cross-entropy loss, as the slides' ``setup`` + ``fit`` do (chapter 5).

    ``valid`` of the images (chosen at random, :func:`split`) are held out and scored after each epoch;
    the rest are shuffled afresh each epoch and cut into batches of ``batch_size`` (:func:`train_epoch`).
    ``optimizer`` is an optimizer class; ``lr=None`` keeps its own default learning rate, as luz does
    (RMSprop: 0.01). ``weight_decay`` adds a ridge penalty to the weight matrices: one λ, or
    ``{module name: λ}`` (:func:`_param_groups`). ``seed`` fixes the split, the order of the batches and
    the dropout masks, which are drawn from PyTorch's generator seeded for the fit: the caller's random
    numbers are left as they were. ``on_epoch_end(epoch, model)``, if given, is called after each epoch.
    ``cuda_graphs`` replays each training step as a CUDA graph (``None``: wherever the device is a CUDA GPU
    and the optimizer can be captured; ``labfns/cuda_graph.py``).

    ``checkpoint="run.pt"`` saves, after each epoch, everything the next epoch needs — the weights, the
    optimizer's state (RMSprop's running averages), the generators' states (batch order, dropout masks),
    the epoch count and the history — and, when that file already exists, continues from it: an
    interrupted fit called again with the same arguments ends with the numbers of one uninterrupted fit,
    bit for bit (:func:`_resume`). Without it, calling ``fit`` twice continues from the model's weights
    with a new optimizer and batch order: a second run, not the rest of the first.

    Returns a :class:`History`; with ``verbose``, prints each epoch in luz's format. Whatever stops
    training — Ctrl-C, an error in a step or in ``on_epoch_end`` — the model is put back to the end of the
    last completed epoch; Ctrl-C returns the history of the completed epochs, an error carries it as
    ``error.history``. The model ends in evaluation mode (dropout off).
    """
    # Everything that can be checked is checked before the first step.
    check_model(model)
    check_positive_int("epochs", epochs)
    check_positive_int("batch_size", batch_size)
    check_fraction("valid", valid)
    check_seed(seed)
    check_flag("verbose", verbose)
    check_callback("on_epoch_end", on_epoch_end, ("epoch", "model"))
    check_optimizer(optimizer, lr, weight_decay)
    check_weight_decay(model, weight_decay)
    check_trainable(model)
    dev = get_device(device)
    images, labels = images.detach() if torch.is_tensor(images) else images, labels
    check_data(images, labels, n_classes=None)
    check_training_images(images)
    check_labels(labels, len(images), model_outputs(model, images), rows="images")
    seed = int(seed)
    generator = torch.Generator().manual_seed(seed)
    train_idx, valid_idx = split(images, valid, generator=generator)
    if checkpoint is not None:
        check_path("checkpoint", checkpoint)
        if cuda_graphs is True:
            raise ValueError(
                "cuda_graphs=True cannot be combined with checkpoint=: a CUDA graph draws its dropout masks "
                "in a way a resumed fit cannot repeat; leave cuda_graphs at None"
            )
        cuda_graphs = False
    graphs = check_cuda_graphs(cuda_graphs, dev, optimizer, enough=len(train_idx) >= batch_size)

    model.to(dev)
    dtype = next(model.parameters()).dtype  # float32 unless the model was converted
    x_train, y_train = images[train_idx].to(dev, dtype), labels[train_idx].to(dev, torch.int64)
    x_valid, y_valid = images[valid_idx].to(dev, dtype), labels[valid_idx].to(dev, torch.int64)
    options = {} if lr is None else {"lr": lr}
    if graphs:
        from .cuda_graph import CUDAGraphStep

        options["capturable"] = True  # the optimizer's step counter stays on the GPU, inside the graph
        step = CUDAGraphStep(batch_size)
    else:
        step = train_step
    opt = _build(optimizer, _param_groups(model, weight_decay), options)

    history = History()
    settings = {
        "images": len(images),
        "data": _fingerprint(images, labels),
        "batch_size": batch_size,
        "valid": float(valid),
        "seed": seed,
        "optimizer": getattr(optimizer, "__name__", type(optimizer).__name__),
        "lr": opt.param_groups[0]["lr"],
        "weight_decay": repr(weight_decay),
    }
    saved = _resume(checkpoint, settings, model, opt, generator) if checkpoint is not None else None
    if saved is not None:
        history.rows = list(saved["history"])
        if verbose:
            left = "" if len(history) < epochs else ": nothing is left to train; the model holds its weights"
            print(f"Resuming from {checkpoint}: {len(history)} of {epochs} epochs were done{left}")
    kept = _snapshot(model)  # the weights at the end of the last completed epoch, to go back to
    epoch, start = len(history), time.perf_counter()
    try:
        with _random_numbers(seed, dev), torch.enable_grad():  # even if called under torch.no_grad()
            if saved is not None:
                _set_random_state(saved["rng"], dev)
            for epoch in range(len(history) + 1, epochs + 1):
                train = train_epoch(
                    model,
                    opt,
                    x_train,
                    y_train,
                    batch_size=batch_size,
                    generator=generator,
                    step=step,
                    check=False,  # checked before the first epoch
                )
                if not math.isfinite(train["loss"]):
                    raise FloatingPointError(
                        f"the training loss became {train['loss']} in epoch {epoch}: training diverged. "
                        f"Try a smaller learning rate (lr={opt.param_groups[0]['lr']} was used). "
                        + _kept(len(history))
                    )
                scores = _scores(model, x_valid, y_valid)
                row = {"epoch": epoch, "train_loss": train["loss"], "train_acc": train["acc"]}
                history.rows.append(row | {"valid_loss": scores["loss"], "valid_acc": scores["acc"]})
                kept = _snapshot(model)
                if checkpoint is not None:
                    _save_checkpoint(checkpoint, settings, model, opt, generator, dev, history)
                if verbose:
                    _log(epoch, epochs, history[-1])
                if on_epoch_end is not None:
                    on_epoch_end(epoch, model)
    except KeyboardInterrupt:
        model.load_state_dict(kept)  # undo the steps of an epoch cut short, so model and history agree
        history.interrupted = True
        done = len(history)
        where = f"after epoch {done}" if done == epoch else f"during epoch {epoch}"
        undone = "" if done == epoch else f"; the steps of the unfinished epoch {epoch} were undone"
        print(
            f"Interrupted {where}: the model and the returned history keep the {done} completed "
            f"epoch{'' if done == 1 else 's'}{undone}."
        )
    except BaseException as error:
        model.load_state_dict(kept)
        history.interrupted = True
        error.history = history
        if hasattr(error, "add_note") and not isinstance(error, FloatingPointError):  # Python 3.11+
            error.add_note(
                f"labfns.fit stopped in epoch {epoch}. {_kept(len(history))} The history of the "
                f"{len(history)} completed epoch{'' if len(history) == 1 else 's'} is error.history."
            )
        raise
    finally:
        history.seconds = time.perf_counter() - start
        model.eval()
    return history


# ---------------------------------------------------------------------------------------------------------
# Resuming: fit(..., checkpoint="run.pt").


def _random_state(device: torch.device) -> dict:
    """The states of the generators that draw the dropout masks: the CPU's, and the GPU's when on one."""
    state = {"cpu": torch.get_rng_state()}
    if device.type == "cuda":
        state["cuda"] = torch.cuda.get_rng_state(device)
    elif device.type == "mps":
        state["mps"] = torch.mps.get_rng_state()
    return state


def _set_random_state(state: dict, device: torch.device) -> None:
    torch.set_rng_state(state["cpu"])
    if device.type == "cuda" and "cuda" in state:
        torch.cuda.set_rng_state(state["cuda"], device)
    elif device.type == "mps" and "mps" in state:
        torch.mps.set_rng_state(state["mps"])


def _fingerprint(images, labels) -> list:
    """Two numbers that change when the images, the labels or their order change (one pass over each)."""
    weights = torch.arange(1, len(images) + 1, device=images.device, dtype=torch.float64)
    per_image = images.reshape(len(images), -1).sum(dim=1, dtype=torch.float64)
    return [float(per_image @ weights), float(labels.to(weights.device, torch.float64) @ weights)]


def _save_checkpoint(path, settings, model, opt, generator, device, history) -> None:
    """Everything the next epoch needs, written whole or not at all (``files.write_atomically``)."""
    import io
    from pathlib import Path

    from .files import write_atomically

    state = {
        "labfns_checkpoint": 1,
        "settings": settings,
        "model": _snapshot(model),
        "optimizer": opt.state_dict(),
        "generator": generator.get_state(),
        "rng": _random_state(device),
        "history": [dict(row) for row in history.rows],
    }
    buffer = io.BytesIO()
    torch.save(state, buffer)
    with write_atomically(Path(path).expanduser(), "the checkpoint") as f:
        f.write(buffer.getbuffer())


def _resume(path, settings, model, opt, generator):
    """The checkpoint at ``path`` put back into ``model``, ``opt`` and ``generator`` (returns it: its
    history and random state), or None when there is no file yet."""
    from pathlib import Path

    from .files import check_safe_torch
    from .model import _check_same_layers

    path = Path(path).expanduser()
    if path.is_dir():
        raise IsADirectoryError(f"checkpoint {path} is a folder; give a file name, such as {path / 'run.pt'}")
    if not path.exists():
        return None
    check_safe_torch(f"the checkpoint {path}")
    try:
        saved = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # noqa: BLE001 (not a torch file, truncated, pickled code)
        first = next(iter(str(e).strip().splitlines()), "")
        raise ValueError(
            f"checkpoint {path} cannot be read ({type(e).__name__}: {first[:160]}): it is not a checkpoint "
            "that fit wrote, or it is damaged; delete it to start afresh"
        ) from None
    if not isinstance(saved, dict) or saved.get("labfns_checkpoint") != 1:
        raise ValueError(
            f"checkpoint {path} is not a checkpoint that fit wrote (labfns.save writes weights only; "
            "labfns.load reads them); give fit a new file name"
        )
    differ = [
        f"{k}={saved['settings'].get(k)!r} there, {v!r} here"
        for k, v in settings.items()
        if saved["settings"].get(k) != v
    ]
    if differ:
        raise ValueError(
            f"checkpoint {path} was written by a fit with other data or settings ({'; '.join(differ)}): "
            "continue with the same ones, or give another file (or delete this one) to start afresh"
        )
    _check_same_layers(model, saved["model"], path)
    model.load_state_dict(saved["model"])
    opt.load_state_dict(saved["optimizer"])
    generator.set_state(saved["generator"])
    return saved


def _build(optimizer, groups, options) -> torch.optim.Optimizer:
    """``optimizer(groups, **options)``, or an error that says the optimizer is not one."""
    try:
        opt = optimizer(groups, **options)
    except TypeError as error:
        name = getattr(optimizer, "__name__", type(optimizer).__name__)
        raise TypeError(
            f"optimizer {name} could not be built as {name}(params, {', '.join(f'{k}=' for k in options)}...) "
            f"({error}): it must be an optimizer class such as torch.optim.RMSprop, or a function that takes "
            "the parameters (and lr=) and returns one"
        ) from None
    if not isinstance(opt, torch.optim.Optimizer):
        raise TypeError(f"optimizer(...) returned {type(opt).__name__}, not a torch.optim optimizer")
    return opt


def _param_groups(model: nn.Module, weight_decay):
    """Ridge (weight decay) on weight matrices only, never on the intercepts (biases).

    ``weight_decay`` is one λ for every weight matrix, or a dict ``{module name: λ}`` such as
    ``{"fc1": 1e-4, "fc2": 1e-4}`` for the two hidden layers only; a name covers the module and every module
    inside it, and the most specific name applies.
    """
    groups = {}
    for name, p in model.named_parameters():
        if p.ndim < 2:
            lam = 0.0
        elif isinstance(weight_decay, dict):
            covering = [k for k in weight_decay if name.startswith(k + ".")]
            lam = float(weight_decay[max(covering, key=len)]) if covering else 0.0
        else:
            lam = float(weight_decay)
        groups.setdefault(lam, []).append(p)
    return [{"params": ps, "weight_decay": lam} for lam, ps in groups.items()]


@contextlib.contextmanager
def _random_numbers(seed: int, device: torch.device):
    """The dropout masks are drawn from PyTorch's generator, seeded with ``seed`` for the fit; afterwards
    the generator is put back as it was, so that the caller's next random numbers (a new network's
    starting weights) do not depend on the fit."""
    on_gpu = device.type in ("cuda", "mps")
    devices = [device.index if device.index is not None else 0] if on_gpu else []
    # With devices=[] only the CPU generator is forked; device_type must still name a device kind:
    # torch 2.11 (Colab's) refuses None there.
    with torch.random.fork_rng(devices=devices, device_type=device.type if on_gpu else "cuda"):
        torch.random.default_generator.manual_seed(seed)
        if device.type == "cuda":
            with torch.cuda.device(device):
                torch.cuda.manual_seed(seed)
        elif device.type == "mps":
            torch.mps.manual_seed(seed)
        yield


def _log(epoch: int, epochs: int, row: dict) -> None:
    print(f"Epoch {epoch}/{epochs}")
    print(f"Train metrics: Loss: {row['train_loss']:.4f} - Acc: {row['train_acc']:.4f}")
    print(f"Valid metrics: Loss: {row['valid_loss']:.4f} - Acc: {row['valid_acc']:.4f}")


def _snapshot(model: nn.Module) -> dict:
    """A copy of the model's weights (a state dict), cheap next to an epoch: 235,146 numbers."""
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _kept(done: int) -> str:
    return (
        f"The model was put back to the end of epoch {done}."
        if done
        else "The model was put back to its weights before fit."
    )


# ---------------------------------------------------------------------------------------------------------
# Scoring a trained network.


@contextlib.contextmanager
def _evaluating(model: nn.Module, device):
    """Dropout off and no gradients, on ``device`` (default: where the model is); afterwards the model is
    back in the mode (train or eval) and on the device it came in."""
    param = next(model.parameters(), None)
    home = param.device if param is not None else torch.device("cpu")
    dev = get_device(device) if device is not None else home
    was_training = model.training
    model.to(dev).eval()
    try:
        with torch.no_grad():  # not inference_mode: a lazy layer's weights, created here, must stay trainable
            yield dev
    finally:
        model.train(was_training)
        if dev != home:
            model.to(home)


def _outputs(model: nn.Module, images: torch.Tensor, device):
    """The network's outputs Z for ``images``, in large batches (an iterator of (Z, first row))."""
    with _evaluating(model, device) as dev:
        param = next(model.parameters(), None)
        dtype = param.dtype if param is not None else images.dtype
        for i in range(0, len(images), EVAL_BATCH):
            yield model(images[i : i + EVAL_BATCH].to(dev, dtype)), i


def _scores(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, device=None) -> dict:
    losses, corrects = [], []
    for out, i in _outputs(model, images, device):
        yb = labels[i : i + len(out)].to(out.device, torch.int64)
        losses.append(F.cross_entropy(out, yb, reduction="sum"))
        corrects.append((out.argmax(dim=1) == yb).sum())
    n = len(images)
    return {"loss": torch.stack(losses).sum().item() / n, "acc": torch.stack(corrects).sum().item() / n}


def evaluate(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, device=None) -> dict:
    """Mean cross-entropy loss and accuracy of ``model`` on ``images`` (dropout off): ``{"loss", "acc"}``.
    The model is left in the mode and on the device it came in."""
    check_model(model)
    check_model_device(model)
    check_finite_weights(model)
    check_data(images, labels, n_classes=None)
    check_labels(labels, len(images), model_outputs(model, images), rows="images")
    return _scores(model, images, labels, device)


def predict(model: nn.Module, images: torch.Tensor, device=None) -> torch.Tensor:
    """Class probabilities f_m(X) = softmax(Z)_m for each image (chapter 4, equation (B4.1)); N×10, on the
    CPU. The model is left in the mode and on the device it came in."""
    check_model(model)
    check_model_device(model)
    check_finite_weights(model)
    check_model_input(images)
    model_outputs(model, images)
    return torch.cat([torch.softmax(out, dim=1).cpu() for out, _ in _outputs(model, images, device)])


def confusion_matrix(labels: torch.Tensor, predicted: torch.Tensor, n_classes: int = 10) -> torch.Tensor:
    """The confusion matrix (chapter 6): ``counts[i, j]`` is the number of images of true class ``i`` that
    were predicted as class ``j``. Rows are the true classes, columns the predicted ones; the diagonal holds
    the correct predictions, and each row adds up to the number of images of that class.

    ``labels`` and ``predicted`` are 1-d integer tensors of class numbers in 0..n_classes-1, one per image
    (``predicted`` is ``labfns.predict(model, x).argmax(dim=1)``). Returns an n_classes×n_classes int64 tensor.
    """
    check_positive_int("n_classes", n_classes)
    check_labels(labels, n_classes=n_classes)
    if torch.is_tensor(predicted) and predicted.is_floating_point() and predicted.ndim == 2:
        raise TypeError(
            f"predicted holds probabilities ({tuple(predicted.shape)}, one row per image), not classes: "
            "use labfns.predict(model, x).argmax(dim=1)"
        )
    check_labels(predicted, len(labels), n_classes, name="predicted", rows="labels")
    pairs = labels.long().cpu() * n_classes + predicted.long().cpu()
    return torch.bincount(pairs, minlength=n_classes * n_classes).reshape(n_classes, n_classes)
