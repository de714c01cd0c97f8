"""Training and evaluating: the R lab's ``setup(...) %>% fit(...)`` in one readable loop (chapter 8).

The slides set up the model with the cross-entropy loss, RMSprop and an accuracy metric, then call
``fit(data, epochs = 10, valid_data = 0.2, dataloader_options = list(batch_size = 256))``. :func:`fit`
takes the same settings. Unlike a ``DataLoader``, it never touches one image at a time: the images are one
tensor in memory, and each step takes a slice of a shuffled index. That is what lets the book train on all
of MNIST in seconds per epoch on a laptop CPU.
"""

from __future__ import annotations

import inspect
import math
import time

import torch
import torch.nn.functional as F
from torch import nn

from .checks import (
    check_callable,
    check_data,
    check_fraction,
    check_model,
    check_model_input,
    check_number,
    check_positive_int,
    check_seed,
)

__all__ = ["History", "fit", "evaluate", "predict", "get_device", "confusion_matrix"]

EVAL_BATCH = 8192  # evaluation needs no gradients, so it can use far larger batches than training
CUDA_GRAPHS = True  # on a GPU, replay each training step as a CUDA graph (labfns/cuda_graph.py)


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
    printed log so that checked outputs do not vary. ``history.interrupted`` is True when training was
    stopped with Ctrl-C (KeyboardInterrupt); the rows then hold every epoch that completed.
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


def _param_groups(model: nn.Module, weight_decay):
    """Ridge (weight decay) on weight matrices only, never on the intercepts (biases).

    ``weight_decay`` is one λ for every weight matrix, or a dict ``{module name: λ}`` such as
    ``{"fc1": 1e-4, "fc2": 1e-4}`` for the two hidden layers only.
    """
    if isinstance(weight_decay, dict):
        known = {name for name, _ in model.named_modules() if name}
        unknown = set(weight_decay) - known
        if unknown:
            raise ValueError(f"weight_decay names modules {sorted(unknown)}; the model has {sorted(known)}")
    groups = {}
    for name, p in model.named_parameters():
        module = name.rpartition(".")[0]
        if p.ndim < 2:
            lam = 0.0
        elif isinstance(weight_decay, dict):
            lam = float(weight_decay.get(module, 0.0))
        else:
            lam = float(weight_decay)
        groups.setdefault(lam, []).append(p)
    return [{"params": ps, "weight_decay": lam} for lam, ps in groups.items()]


def _split(n: int, valid: float, generator: torch.Generator):
    """A random split of ``range(n)``: the first part for training, ``valid`` of it for validation."""
    perm = torch.randperm(n, generator=generator)
    n_valid = round(n * valid)
    if n_valid < 1 or n_valid >= n:
        raise ValueError(f"valid={valid} leaves {n_valid} of {n} images for validation; need 1 to {n - 1}")
    return perm[n_valid:], perm[:n_valid]


def _log(epoch: int, epochs: int, row: dict) -> None:
    print(f"Epoch {epoch}/{epochs}")
    print(f"Train metrics: Loss: {row['train_loss']:.4f} - Acc: {row['train_acc']:.4f}")
    print(f"Valid metrics: Loss: {row['valid_loss']:.4f} - Acc: {row['valid_acc']:.4f}")


class TrainStep:
    """One step of minibatch gradient descent on ``x[idx]``, ``y[idx]`` (chapter 8, "The loop inside fit").

    Forward, loss, backward, update. The batch's rows are taken with ``torch.index_select``, the same
    numbers as ``x[idx]`` but copied a whole row (image) at a time, which is faster on a CPU. The batch's
    summed loss and number of correct predictions are added to ``loss_sum`` and ``correct``, which stay on
    the device: an ``.item()`` here would make every step wait for the previous one. ``fit`` reads them
    once per epoch.
    """

    zero_to_none = True

    def __init__(self, model, opt, x, y, batch_size):
        self.model, self.opt, self.x, self.y = model, opt, x, y
        self.loss_sum = torch.zeros((), device=x.device)
        self.correct = torch.zeros((), device=x.device, dtype=torch.int64)

    def reset(self):
        self.loss_sum.zero_()
        self.correct.zero_()

    def __call__(self, idx):
        xb, yb = self.x.index_select(0, idx), self.y.index_select(0, idx)
        out = self.model(xb)
        loss = F.cross_entropy(out, yb)
        self.opt.zero_grad(set_to_none=self.zero_to_none)
        loss.backward()
        self.opt.step()
        self.loss_sum += loss.detach() * len(idx)
        self.correct += (out.argmax(dim=1) == yb).sum()


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
) -> History:
    """Train ``model`` with the cross-entropy loss, as the slides' ``setup`` + ``fit`` do (chapter 8).

    ``valid`` of the images (chosen at random) are held out and scored after each epoch; the rest are
    shuffled afresh each epoch and cut into batches of ``batch_size``. ``optimizer`` is an optimizer class;
    ``lr=None`` keeps its own default learning rate, as luz does (RMSprop: 0.01). ``weight_decay`` adds a
    ridge penalty to the weight matrices (see :func:`_param_groups`). ``seed`` fixes the split, the
    shuffling and the dropout masks. ``on_epoch_end(epoch, model)``, if given, is called after each epoch.

    Returns a :class:`History`. With ``verbose``, prints each epoch in luz's format.
    """
    check_model(model)
    check_positive_int("epochs", epochs)
    check_positive_int("batch_size", batch_size)
    check_fraction("valid", valid)
    if isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(
            "optimizer must be an optimizer class, such as torch.optim.RMSprop, not an optimizer already "
            f"built ({type(optimizer).__name__}(...)): fit builds it; pass lr=... to fit"
        )
    check_callable("optimizer", optimizer, what="an optimizer class such as torch.optim.RMSprop")
    check_number("lr", lr, positive=True, allow_none=True)
    for name, lam in weight_decay.items() if isinstance(weight_decay, dict) else [("", weight_decay)]:
        check_number(f"weight_decay[{name!r}]" if name else "weight_decay", lam)
    check_seed(seed)
    check_callable("on_epoch_end", on_epoch_end, allow_none=True, what="a function f(epoch, model)")
    check_data(images, labels, n_classes=_n_outputs(model))
    dev = get_device(device)

    generator = torch.Generator().manual_seed(seed)
    train_idx, valid_idx = _split(len(images), valid, generator)
    torch.manual_seed(seed)  # the dropout masks
    model.to(dev)
    dtype = next(model.parameters()).dtype  # float32 unless the model was converted
    x_train, y_train = images[train_idx].to(dev, dtype), labels[train_idx].to(dev, torch.int64)
    x_valid, y_valid = images[valid_idx].to(dev, dtype), labels[valid_idx].to(dev, torch.int64)

    kwargs = {} if lr is None else {"lr": lr}
    graphs = (
        CUDA_GRAPHS
        and dev.type == "cuda"
        and len(x_train) >= batch_size
        and "capturable" in inspect.signature(optimizer).parameters
    )
    if graphs:
        kwargs["capturable"] = True  # the optimizer's step counter stays on the GPU, inside the graph
    opt = optimizer(_param_groups(model, weight_decay), **kwargs)
    if graphs:
        from .cuda_graph import CUDAGraphStep as Step  # imported here: it builds on TrainStep below
    else:
        Step = TrainStep
    step = Step(model, opt, x_train, y_train, batch_size)

    history = History()
    start = time.perf_counter()
    n = len(x_train)
    kept = _snapshot(model)  # the weights at the end of the last completed epoch, to go back to
    epoch = 0
    try:
        for epoch in range(1, epochs + 1):
            model.train()
            step.reset()
            order = torch.randperm(n, generator=generator).to(dev)
            for i in range(0, n, batch_size):
                step(order[i : i + batch_size])
            train_loss = step.loss_sum.item() / n
            if not math.isfinite(train_loss):
                model.load_state_dict(kept)
                raise FloatingPointError(
                    f"the training loss became {train_loss} in epoch {epoch}: training diverged. "
                    f"Try a smaller learning rate (lr={opt.param_groups[0]['lr']} was used). "
                    + _kept(len(history))
                )
            scores = evaluate(model, x_valid, y_valid, device=dev)
            row = {
                "epoch": epoch,
                "train_loss": train_loss,
                "train_acc": step.correct.item() / n,
                "valid_loss": scores["loss"],
                "valid_acc": scores["acc"],
            }
            history.rows.append(row)
            kept = _snapshot(model)
            if verbose:
                _log(epoch, epochs, row)
            if on_epoch_end is not None:
                on_epoch_end(epoch, model)
    except KeyboardInterrupt:
        history.interrupted = True
        done = len(history)
        model.load_state_dict(kept)  # undo the steps of an epoch cut short, so model and history agree
        where = f"after epoch {done}" if done == epoch else f"during epoch {epoch}"
        undone = "" if done == epoch else f"; the steps of the unfinished epoch {epoch} were undone"
        print(
            f"Interrupted {where}: the model and the returned history keep the {done} completed "
            f"epoch{'' if done == 1 else 's'}{undone}."
        )
    finally:
        history.seconds = time.perf_counter() - start
        model.eval()
    return history


def _snapshot(model: nn.Module) -> dict:
    """A copy of the model's weights (a state dict), cheap next to an epoch: 235,146 numbers."""
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _kept(done: int) -> str:
    return (
        f"The model was put back to the end of epoch {done}."
        if done
        else "The model was put back to its weights before fit."
    )


def _n_outputs(model: nn.Module):
    last = [m for m in model.modules() if isinstance(m, nn.Linear)]
    return last[-1].out_features if last else None


def _batches(model: nn.Module, images: torch.Tensor, device):
    """The network's outputs Z for ``images``, in large batches, without gradients, dropout off."""
    dev = get_device(device) if device is not None else next(model.parameters()).device
    model.to(dev).eval()
    dtype = next(model.parameters()).dtype
    with torch.inference_mode():
        for i in range(0, len(images), EVAL_BATCH):
            yield model(images[i : i + EVAL_BATCH].to(dev, dtype)), i


def evaluate(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, device=None) -> dict:
    """Mean cross-entropy loss and accuracy of ``model`` on ``images`` (dropout off): ``{"loss", "acc"}``."""
    check_model(model)
    check_data(images, labels, n_classes=_n_outputs(model))
    losses, corrects = [], []
    for out, i in _batches(model, images, device):
        yb = labels[i : i + len(out)].to(out.device, torch.int64)
        losses.append(F.cross_entropy(out, yb, reduction="sum"))
        corrects.append((out.argmax(dim=1) == yb).sum())
    n = len(images)
    return {"loss": torch.stack(losses).sum().item() / n, "acc": torch.stack(corrects).sum().item() / n}


def predict(model: nn.Module, images: torch.Tensor, device=None) -> torch.Tensor:
    """Class probabilities f_m(X) = softmax(Z)_m for each image (chapter 4, equation (4)); N×10, on the CPU."""
    check_model(model)
    check_model_input(images)
    return torch.cat([torch.softmax(out, dim=1).cpu() for out, _ in _batches(model, images, device)])


def confusion_matrix(labels: torch.Tensor, predicted: torch.Tensor, n_classes: int = 10) -> torch.Tensor:
    """The confusion matrix (chapter 9): ``counts[i, j]`` is the number of images of true class ``i`` that
    were predicted as class ``j``. Rows are the true classes, columns the predicted ones; the diagonal holds
    the correct predictions, and each row adds up to the number of images of that class.

    ``labels`` and ``predicted`` are 1-d integer tensors of class numbers in 0..n_classes-1, one per image
    (``predicted`` is ``labfns.predict(model, x).argmax(dim=1)``). Returns an n_classes×n_classes int64 tensor.
    """
    from .checks import check_labels, check_positive_int

    check_positive_int("n_classes", n_classes)
    check_labels(labels, n_classes=n_classes)
    check_labels(predicted, len(labels), n_classes, name="predicted", rows="labels")
    pairs = labels.long().cpu() * n_classes + predicted.long().cpu()
    return torch.bincount(pairs, minlength=n_classes * n_classes).reshape(n_classes, n_classes)
