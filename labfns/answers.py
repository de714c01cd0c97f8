"""Answers that check themselves: ``labfns.check_answer("3.4", your_answer)`` prints ✓ or ✗ and a hint.

Why hashed: a reader who opens this file to see how the check works should not find the solution. So
:data:`EXERCISES` stores a salted SHA-256 (its first 16 hex digits) of each answer's canonical form, and
of each usual mistake, with the message that names it. The salt (:data:`SALT` and the exercise's
``name``) makes one number hash differently in each exercise. This hides answers from the eye, not from
effort: anyone may try numbers one by one, as working the exercise out does. A number with a tolerance is
rounded to the stated precision (``decimals``, or ``sig`` significant digits; halves up) before hashing,
and the question and the ✗ line both state that precision. Exercises about an object (a tensor, a loss,
a model) hash nothing: their ``check`` function looks at the reader's object.

To add an exercise, give it an id ("chapter.number") and a ``name`` that never changes (the name salts
the hashes, so renumbering is changing the id's key here and in the chapter), compute the hashes of the
answer and of each mistake, paste them into :data:`EXERCISES`, and test the answer computed from first
principles in tests/test_answers.py::

    ex = Exercise("How many intercepts has a layer of 5 units?", "layer-intercepts", "int")
    answer_hash(5, ex), answer_hash(1, ex)  # the answer; a mistake ("one per layer")
"""

from __future__ import annotations

import hashlib
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

import torch
import torch.nn.functional as F

__all__ = ["EXERCISES", "Exercise", "answer_hash", "check_answer", "is_right", "verdict"]

SALT = "islr2-10.2"
EXPECTED = {  # what each kind of exercise takes, as the ✗ line says it
    "int": "a whole number (an int such as 1234)",
    "float": "a number (a float such as 0.5)",
    "shape": "a shape (rows, columns): a tuple such as (3, 5), or the matrix itself",
    "tensor": "a tensor (torch.Tensor or numpy array)",
    "model": "a network (a torch.nn.Module)",
}


class AnswerTypeError(TypeError):
    """An answer, or an input given with it, of the wrong kind: a ✗ line, not a traceback."""


@dataclass(frozen=True)
class Exercise:
    prompt: str
    name: str  # salts the hashes: never change it (the id may change)
    kind: str  # a key of EXPECTED
    hash: str = ""  # answer_hash of the right answer (int, float, shape)
    mistakes: dict[str, str] = field(default_factory=dict)  # answer_hash of a mistake: what it is
    hint: str = ""  # for a wrong answer that is none of the known mistakes
    decimals: int | None = None  # float: checked to this many decimals ...
    sig: int | None = None  # ... or to this many significant digits
    check: Callable | None = None  # tensor, model: check(answer, **inputs) -> (right, message)
    inputs: tuple[str, ...] = ()  # the keywords check takes besides the answer

    @property
    def precision(self) -> str:
        if self.decimals is not None:
            return f"{self.decimals} decimal{'s' if self.decimals != 1 else ''}"
        return f"{self.sig} significant digit{'s' if self.sig != 1 else ''}"


def _number(x, kind: str):
    if hasattr(x, "item") and getattr(x, "ndim", 1) == 0:  # a 0-d tensor or numpy scalar
        x = x.item()
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or x != x or abs(x) == float("inf"):
        raise AnswerTypeError(f"expects {EXPECTED[kind]}, not {type(x).__name__} {x!r}")
    if kind != "float" and not float(x).is_integer():
        raise AnswerTypeError(f"expects {EXPECTED[kind]}, not {x!r}")
    return x


def _canonical(x, ex: Exercise) -> str:
    if ex.kind == "shape":
        x = tuple(x.shape) if hasattr(x, "shape") else x
        if not isinstance(x, (tuple, list)) or len(x) != 2:
            raise AnswerTypeError(f"expects {EXPECTED['shape']}, not {type(x).__name__} {x!r}")
        return "x".join(str(int(_number(n, "shape"))) for n in x)
    x = _number(x, ex.kind)
    if ex.kind == "int":
        return str(int(x))
    with localcontext() as context:  # "float": rounded to the stated precision, halves up
        context.rounding = ROUND_HALF_UP
        text = format(Decimal(repr(float(x))), f".{ex.decimals}f" if ex.sig is None else f".{ex.sig - 1}e")
    return text.lstrip("-") if Decimal(text) == 0 else text


def answer_hash(value, exercise: Exercise | str) -> str:
    """The stored hash of ``value`` as an answer to ``exercise`` (an :class:`Exercise` or an id)."""
    ex = EXERCISES[exercise] if isinstance(exercise, str) else exercise
    return hashlib.sha256(f"{SALT}/{ex.name}/{_canonical(value, ex)}".encode()).hexdigest()[:16]


def _exercise_order(exercise_id: str) -> tuple[int, ...]:
    return tuple(int(part) for part in exercise_id.split("."))


def check_answer(exercise: str, answer, **inputs) -> None:
    """Print one line: ✓ right, or ✗ not yet with a hint (:func:`is_right` returns the verdict instead)."""
    print(verdict(exercise, answer, **inputs)[1])


def is_right(exercise: str, answer, **inputs) -> bool:
    """Whether ``answer`` is right, printing nothing."""
    return verdict(exercise, answer, **inputs)[0]


def verdict(exercise: str, answer, **inputs) -> tuple[bool, str]:
    """(right, the line check_answer prints)."""
    ex = EXERCISES.get(str(exercise))
    if ex is None:
        raise ValueError(
            f"no exercise {exercise!r}: the exercises are {', '.join(sorted(EXERCISES, key=_exercise_order))}"
        )
    if answer is None or answer is Ellipsis:
        return (
            False,
            f"· {exercise}: no answer yet: replace the placeholder with yours and run the cell again",
        )
    try:
        if set(inputs) - set(ex.inputs):
            takes = ", ".join(f"{k}=" for k in ex.inputs) or "no keyword"
            raise AnswerTypeError(f"takes {takes} besides the answer, not {', '.join(inputs)}")
        if ex.check is not None:
            right, message = ex.check(answer, **inputs)
        else:
            key = answer_hash(answer, ex)
            right, message = key == ex.hash, ex.mistakes.get(key, ex.hint)
            if ex.kind == "float":
                got = (
                    f"yours is {Decimal(_canonical(answer, ex)):f} to {ex.precision}, the precision expected"
                )
                message = f"checked to {ex.precision}" if right else f"{message} ({got})"
            elif right:
                message = "well done"
    except AnswerTypeError as error:
        right, message = False, f"this exercise {error}"
    return right, (f"✓ {exercise} right: {message}" if right else f"✗ {exercise} not yet: {message}")


# Exercises about an object: each looks, simply, at what the reader computed.
def _tensor(x, what: str) -> torch.Tensor:
    if not isinstance(x, torch.Tensor) and type(x).__name__ != "ndarray":
        raise AnswerTypeError(f"expects {what} as {EXPECTED['tensor']}, not {type(x).__name__}")
    return torch.as_tensor(x).detach().cpu().double()


def _check_pixels(x, raw=None):
    x = _tensor(x, "the scaled images")
    if raw is not None:  # the raw images the answer was made from: compare with them
        r = _tensor(raw, "raw=")
        if x.shape != r.shape:
            return False, f"one scaled pixel per raw pixel: shape {tuple(x.shape)}, raw's is {tuple(r.shape)}"
        for target, mistake in [
            (r / 255, None),
            (torch.div(r, 255, rounding_mode="floor"), "integer division (//) leaves only 0s and 1s: use /"),
            (r / 256, "divided by 256: the grey levels run from 0 to 255, so divide by 255"),
            (r, "pixels not divided by 255: they still run from 0 to 255; the lab divides them by 255"),
            (r / 255 / 255, "divided by 255 twice"),
        ]:
            if torch.allclose(x, target, rtol=0, atol=1e-6):
                return mistake is None, mistake or "raw / 255: every pixel in [0, 1], as load_mnist gives"
        return False, "not raw / 255: each grey level divided by 255, nothing else"
    if x.max() > 1:
        return False, "pixels not divided by 255: they still run from 0 to 255; the lab divides them by 255"
    if x.min() < 0:
        return False, "some pixels are negative: the lab only divides by 255, with no centring"
    if x.max() == 0:
        return False, "every pixel is 0: is this the tensor of images?"
    if x.max() <= 1 / 255 + 1e-6:
        return False, "every pixel is at most 1/255: divided by 255 twice?"
    return True, "every pixel lies in [0, 1]"


def _check_softmax(p, scores=None):
    p = _tensor(p, "the probabilities")
    if p.ndim != 2:
        raise AnswerTypeError(f"expects a 2-D tensor, one row per image, not one of shape {tuple(p.shape)}")
    if scores is not None:
        z = _tensor(scores, "scores=")
        if z.shape != p.shape:
            raise AnswerTypeError(f"needs scores= of the probabilities' shape {tuple(p.shape)}")
        if torch.allclose(p, z.softmax(1), rtol=1e-4, atol=1e-6):
            return True, "each row is the softmax of its image's scores"
        if torch.allclose(p, z.softmax(1).softmax(1), rtol=1e-4, atol=1e-6):
            return False, "softmax applied twice: apply it once, to the scores"
    sums_to_1 = {
        dim: torch.allclose(p.sum(dim), torch.tensor(1.0, dtype=p.dtype), atol=1e-4) for dim in (1, 0)
    }
    if (p < 0).any() or (p > 1).any():
        return False, "some entries lie outside [0, 1], so they are not probabilities: scores before softmax?"
    if sums_to_1[1]:
        return scores is None, "each row sums to 1" + ("" if scores is None else ", but is not their softmax")
    if sums_to_1[0]:
        return False, "softmax over the wrong dimension: the columns sum to 1; use dim=1, one row per image"
    if abs(float(p.sum()) - 1) < 1e-4:
        return False, "the whole batch sums to 1: softmax normalises each row (each image) on its own"
    return False, "each row (one image) should sum to 1"


def _check_loss(loss, scores=None, labels=None):
    if scores is None or labels is None:
        raise AnswerTypeError(
            "needs scores= and labels= too: the scores and true classes the loss was computed from"
        )
    value = float(_number(loss, "float"))
    z, y = _tensor(scores, "scores="), _tensor(labels, "labels=").long()
    for target, mistake in [
        (F.cross_entropy(z, y), None),
        (
            F.cross_entropy(z.softmax(1), y),
            "probabilities passed to CrossEntropyLoss, which applies softmax itself: pass the scores",
        ),
        (
            F.cross_entropy(z, y, reduction="sum"),
            "that is the sum over the batch; the question asks the mean",
        ),
        (F.nll_loss(z.softmax(1), y), "nll_loss takes log-probabilities, not probabilities"),
    ]:
        if abs(value - float(target)) <= 1e-4 * abs(float(target)) + 1e-6:
            return mistake is None, mistake or "the mean cross-entropy of these scores"
    return False, "not the mean over images of −log(softmax probability of the true class)"


def _check_eval(model):
    if not isinstance(model, torch.nn.Module):
        raise AnswerTypeError(f"expects {EXPECTED['model']}, not {type(model).__name__}")
    training = [m for m in model.modules() if m.training]
    if any(isinstance(m, torch.nn.Dropout) and m.p > 0 for m in training):
        return False, "dropout still on at evaluation: call model.eval() before predicting"
    if training:
        return False, "the model is in training mode: call model.eval() before predicting"
    return True, "evaluation mode, dropout off"


def _check_output_gradient(grad, scores=None, labels=None):  # chapter 8: ∂L/∂Z = (F − Y)/n
    if scores is None or labels is None:
        raise AnswerTypeError("needs scores= and labels= too: the outputs Z and the true classes")
    d, z, y = _tensor(grad, "∂L/∂Z"), _tensor(scores, "scores="), _tensor(labels, "labels=").long()
    if z.ndim != 2 or y.shape != z.shape[:1]:
        raise AnswerTypeError("needs scores= of shape (n, classes) and labels= with one class per row")
    if d.shape != z.shape:
        raise AnswerTypeError(f"expects ∂L/∂Z of the scores' shape {tuple(z.shape)}, one row per image")
    n, f, Y = len(z), z.softmax(1), F.one_hot(y, z.shape[1]).double()
    sign = "the sign is reversed: ∂L/∂Z is F − Y, predicted minus true (Y − F are the residuals)"
    for target, mistake in [
        ((f - Y) / n, None),
        (f - Y, "that is the gradient of the summed loss: L is the mean over the batch, so divide by n"),
        ((Y - f) / n, sign),
        (Y - f, sign + ", and L is the mean: divide by n"),
        ((z - Y) / n, "the outputs Z where the probabilities belong: take the softmax of Z first"),
        ((z.softmax(0) - Y) / n, "softmax over the wrong dimension: one row per image, so dim=1"),
        ((f - y[:, None]) / n, "the labels subtracted as numbers: Y is one-hot, one column per class"),
        (f / n, "Y is missing: subtract the one-hot labels from the probabilities"),
    ]:
        # 32-bit rounding: each entry within 1e-5 of the largest (F − Y cancels to ~1e-7 near f = 1)
        if torch.allclose(d, target, rtol=1e-4, atol=1e-5 * float(target.abs().max()) + 1e-12):
            return mistake is None, mistake or "(F − Y)/n, the probabilities minus the one-hot labels over n"
    return False, "not (F − Y)/n: the softmax of each row, minus the one-hot labels, divided by n"


# chapters 11 to 16: the checks of their exercises about an object
def _check_dropout_mask(m, u=None):
    if u is None:
        raise AnswerTypeError("needs u= too: the uniform draws the mask was made from")
    m, u = _tensor(m, "the mask"), _tensor(u, "u=")
    if m.shape != u.shape:
        raise AnswerTypeError(f"expects a mask of u's shape {tuple(u.shape)}, not {tuple(m.shape)}")
    phi = 0.4  # the exercise's rate, drop1's
    kept, dropped = (u >= phi).double(), (u < phi).double()
    for target, mistake in [
        (kept / (1 - phi), None),
        (kept, "a mask of 0s and 1s: the kept units need the scaling 1/(1 − φ) too"),
        (dropped / (1 - phi), "kept and dropped swapped: a unit is kept when u ≥ φ, with probability 1 − φ"),
        (kept / phi, "the kept units scaled by 1/φ: the scaling is 1/(1 − φ)"),
        (kept * (1 - phi), "the kept units multiplied by 1 − φ: divide by it instead"),
    ]:
        if torch.allclose(m, target, rtol=1e-5, atol=1e-6):
            return mistake is None, mistake or "0 where u < φ, 1/(1 − φ) where u ≥ φ"
    return False, "each entry is 0 (dropped, u < φ) or 1/(1 − φ) (kept, u ≥ φ)"


def _check_templates(t, x=None, y=None):
    if x is None or y is None:
        raise AnswerTypeError("needs x= and y= too: the training images and labels the templates average")
    for given, what in ((x, "x="), (y, "y=")):  # the types only: x is averaged class by class below
        _tensor(given[:1] if hasattr(given, "shape") else given, what)
    t, x, y = _tensor(t, "the templates"), torch.as_tensor(x).flatten(1), torch.as_tensor(y).long()
    n_classes, p = int(y.max()) + 1, x.shape[1]
    right = torch.stack([x[y == c].mean(dim=0, dtype=torch.float64) for c in range(n_classes)])
    if t.numel() != right.numel():
        raise AnswerTypeError(
            f"expects {n_classes} templates of {p} pixels, not a tensor of shape {tuple(t.shape)}"
        )
    if tuple(t.shape) == (p, n_classes):
        close = torch.allclose(t.T, right, rtol=1e-4, atol=1e-5)
        return False, "transposed: one row per class" if close else "one row per class, one column per pixel"
    t = t.reshape(n_classes, p)
    counts = torch.bincount(y, minlength=n_classes).double()[:, None]
    for target, mistake in [
        (right, None),
        (right * counts, "sums, not averages: divide each class's sum by its number of images n_c"),
        (
            x.mean(dim=0, dtype=torch.float64).expand_as(right),
            "every row is the average of all the images: average each class apart",
        ),
    ]:
        if torch.allclose(t, target, rtol=1e-4, atol=1e-5):
            return mistake is None, mistake or "each row is its class's average image"
    if (torch.cdist(t, right).min(dim=1).values < 1e-3).all():
        return False, "the right averages in the wrong order: row c must be class c's"
    return False, "row c is the average of the training images of class c"


def _check_parity_one_hot(e, digits=None):
    if digits is None:
        raise AnswerTypeError("needs digits= too: the digits whose parity e codes")
    e, d = _tensor(e, "e"), _tensor(digits, "digits=").long().flatten()
    even = (d % 2 == 0).long()
    if tuple(e.shape) == (len(d),):
        return False, "a label per image, not one-hot: e has a column per class, 1 in the image's class"
    if tuple(e.shape) == (len(d), 10) and torch.equal(e, F.one_hot(d, 10).double()):
        return False, "that is the digit one-hot, ten columns: e codes the parity, two classes"
    if tuple(e.shape) != (len(d), 2):
        raise AnswerTypeError(
            f"expects a row per digit and a column per class, ({len(d)}, 2), not {tuple(e.shape)}"
        )
    if torch.equal(e, F.one_hot(even, 2).double()):
        return True, "one row per image, 1 in the column of its class"
    if torch.equal(e, F.one_hot(1 - even, 2).double()):
        return False, "columns swapped: class c = 1 is even (even = 1 for 0, 2, 4, 6, 8)"
    return False, "each row holds one 1: in column 1 for an even digit, in column 0 for an odd one"


PER_UNIT = "one intercept per layer is too few: there is one per unit"
# The exercises, id -> question, in one place: renumber by changing a key (the name keeps the hashes).
EXERCISES: dict[str, Exercise] = {
    "2.4": Exercise(
        "The slides' network has 784 inputs and 256 units in its first hidden layer. What shape has W_1 "
        "as ISLR2 writes it: a row per input and one for the intercepts, a column per unit?",
        "W1-shape",
        "shape",
        "20bab34a8d597084",
        {
            "024c6d24946ea7a3": "the intercept row is missing: each unit's w_k0 needs a row of its own",
            "1bf1f7412a33417a": "transposed: ISLR2's W_1 has a row per input (and one for the intercepts)",
            "66bc5d518356de7f": "that is nn.Linear's weight, units × inputs, with the intercepts apart in .bias",
        },
        "a row per input plus one for the intercepts, a column per unit of the layer",
    ),
    "2.5": Exercise(
        "How many numbers does that W_1 hold, intercepts included?",
        "W1-size",
        "int",
        "7c0bc43d31601571",
        {"32ba54590f1d4305": "you forgot the intercept row: each unit has its w_k0 too"},
        "the rows of W_1 times its columns",
    ),
    "1.4": Exercise(
        "Scale raw MNIST images (integers 0-255, as in torchvision's MNIST(...).data) as the lab does; "
        "pass the scaled tensor.",
        "pixels",
        "tensor",
        check=_check_pixels,
        inputs=("raw",),
    ),
    "1.6": Exercise(
        "The lab keeps MNIST's 60,000 training images in memory as 32-bit floats, 4 bytes a number. How many "
        "bytes is that?",
        "train-bytes",
        "int",
        "3b77fe0c1ffe5006",
        {
            "48154add7cbb94f6": "one byte a pixel is the files' size; a 32-bit float takes 4 bytes",
            "8cf0fa1596e8876a": "8 bytes a number is float64, NumPy's default; PyTorch's default float is 32-bit",
            "3048010dcb575ec8": "an image has 28 × 28 = 784 pixels, not 28",
            "97881acf63b60698": "32 is the number of bits; a byte is 8 bits, so a 32-bit float is 4 bytes",
        },
        "images × pixels per image × bytes per number",
    ),
    "3.4": Exercise(
        "How many parameters has the slides' network, 784-256-128-10, in total?",
        "total-parameters",
        "int",
        "e123f8259f627acf",
        {
            "09e055e8d7e9d8aa": "you counted the weights w_kj but not the intercepts w_k0: one per unit",
            "8208ad02269d636f": PER_UNIT,
            "a7cbe9defbc27e37": "the output layer's intercepts are missing: its 10 units have one each",
            "4c2a886e11184bb2": "the output layer is missing: its 10 units have weights and intercepts too",
            "a989d73a75cda23c": "only the first hidden layer got intercepts: every unit of every layer has one",
        },
        "for each layer, (inputs + 1) × units; add the three layers",
    ),
    "3.5": Exercise(
        "ISLR2 chapter 10, exercise 1: p = 4 inputs, two hidden layers of 2 and 3 ReLU units, one output. "
        "How many parameters has the network?",
        "exercise-1",
        "int",
        "a8b0eb322f98af0c",
        {
            "4aae03c5508a00fb": "you counted the weights but not the intercepts: one per hidden and output unit",
            "45ccc96b654c5759": PER_UNIT,
            "4a1eb9d1a5de0e12": "the output unit is missing: it has weights and an intercept too",
        },
        "for each layer, (inputs + 1) × units; add the three layers",
    ),
    "4.5": Exercise(
        "An untrained network gives each of the 10 classes the same probability. What is its "
        "cross-entropy on one image (to 3 decimals)?",
        "uniform-cross-entropy",
        "float",
        "d7279a2b899f65ce",
        {
            "8efc7673d0bf172c": "that is the number of classes; the cross-entropy is −log of the true class's probability",
            "5c0bbdb0f708011a": "that is the true class's probability; the cross-entropy is −log of it",
            "f1ea3173f0ed491f": "log in base 2 (bits): the cross-entropy takes the natural log, torch.log",
            "4c6355cf9fd3caa7": "log in base 10: the cross-entropy takes the natural log, torch.log",
            "99f76c8c2988e5b2": "mind the sign: the cross-entropy is −log p, never negative",
        },
        "−log of the probability given to the true class",
        decimals=3,
    ),
    "4.6": Exercise(
        "Three classes have scores z = (1, 2, 3). What probability does softmax give the third class "
        "(to 3 significant digits)?",
        "softmax-123",
        "float",
        "77435b8b53b1de4e",
        {
            "1178f1d227d64c27": "that is 3 / (1 + 2 + 3): softmax exponentiates first, e^z / Σ e^z",
            "e5548257c3991769": "that is the first class's probability; the third has the largest score",
            "3a1ef54d8678c094": "that is the second class's probability; the third has the largest score",
            "638fe1f303cea067": "that is e^3 alone: divide it by the sum of e^z over the three classes",
            "9e558f259641ccab": "that is the predicted class, one-hot; softmax gives every class some probability",
        },
        "e^3 divided by e^1 + e^2 + e^3",
        sig=3,
    ),
    "4.7": Exercise(
        "Turn a batch of scores (n images × 10 classes) into class probabilities with softmax; pass the "
        "probabilities, and scores= the scores to check them against.",
        "softmax-batch",
        "tensor",
        check=_check_softmax,
        inputs=("scores",),
    ),
    "4.8": Exercise(
        "Compute a batch's mean cross-entropy with nn.CrossEntropyLoss; pass the loss, with scores= the "
        "network's scores and labels= the true classes.",
        "loss",
        "float",
        check=_check_loss,
        inputs=("scores", "labels"),
    ),
    "6.4": Exercise(
        "Your trained network is about to predict the test images: pass it in the state it should be in.",
        "eval-mode",
        "model",
        check=_check_eval,
    ),
    "5.4": Exercise(
        "How many optimizer steps does the lab's fit take in its 10 epochs: batches of 256, 20 % of the "
        "60,000 training images held out?",
        "lab-steps",
        "int",
        "5694dc4dd8eee9f3",
        {
            "64622217c159cfd1": "the last, partial batch of each epoch is dropped: it makes a step too",
            "a05764610a2098ad": "that is one epoch; the lab runs ten",
            "39cf23428127b6ea": "that is for all 60,000 images: fit trains on the 80 % it does not hold out",
            "dbffec2c1d7cf738": "the ten epochs' images divided by 256 at once: each epoch ends with its own "
            "partial batch, so round up per epoch",
        },
        "steps per epoch, the last batch partial (rounded up), times the epochs",
    ),
    "5.5": Exercise(
        "In one epoch of the lab each full batch has a mean loss of 0.30 and the last batch 0.60. What "
        "training loss does the log show for the epoch (to 4 decimals)?",
        "epoch-loss",
        "float",
        "c86a9408c5821241",
        {
            "b6a5bc20a74f5082": "that is the mean of the batches' losses, each batch counting once, which is "
            "what luz's log shows; labfns' train_epoch weighs each batch by its number of images",
            "381d7c26e29724ba": "the last batch is left out: its images count too",
            "048c56f65b235197": "that is the mean of 0.30 and 0.60: weigh each batch by its number of images",
            "1b72e063538ae4d3": "that is the sum over the images: the log shows their mean",
            "3aa3d379009e1164": "that is the sum of the batches' losses: the log shows the mean per image",
        },
        "each batch's mean loss times its number of images, summed, divided by the images of the epoch",
        decimals=4,
    ),
    "7.1": Exercise(
        "How many parameters does LDA estimate for the ten digits and 784 pixels: the class means, one "
        "shared covariance matrix and the class proportions?",
        "lda-parameters",
        "int",
        "86d48a2be999664e",
        {
            "64fd7ca16750c13c": "the covariance matrix is symmetric: count each pair of pixels once, with "
            "the variances",
            "20895ce6e450dd1f": "the ten class proportions sum to 1: only nine are free",
            "fcbebe026b671a31": "the class proportions are missing: nine of them are free",
            "0522407fb2b19467": "the diagonal is missing: the 784 variances are parameters too",
            "3d50cf7a96f1eb83": "one covariance matrix per digit is QDA: LDA's is shared by the ten digits",
            "f9f678bf798ec995": "the class means are missing: ten of them, one number per pixel",
        },
        "ten means of 784 pixels, one symmetric 784 × 784 covariance matrix, and the free class proportions",
    ),
    "7.5": Exercise(
        "Two networks disagree on 30 test digits: 20 that only the first gets right, 10 that only the second "
        "does. What is the exact two-sided McNemar p-value (to 3 significant digits)?",
        "mcnemar-20-10",
        "float",
        "eaeda35595b930d1",
        {
            "5b5e72c9e6feba80": "that is one-sided: the test is two-sided, twice the smaller tail",
            "3e713c60c8eacb8d": "the tail stops one short: P(X ≤ 10) includes X = 10",
            "4f7c2307f346ec26": "that is the χ² approximation (with continuity correction): the exact test "
            "is the binomial",
            "834b112022d7d249": "that is the χ² approximation: the exact test is the binomial",
        },
        "twice the probability of at most 10 successes in 30 trials with probability 1/2",
        sig=3,
    ),
    "8.3": Exercise(
        "A network 784-64-10 (one hidden layer of 64 units): how many operations of its matrix products "
        "does one training step take per image, counted as (8.13) counts them?",
        "step-operations-64",
        "int",
        "5f1e095223c7bc30",
        {
            "691dcbc7011ef884": "the first layer passes nothing down: the images need no gradient, so it "
            "costs 4 operations per weight, not 6",
            "94ce252680991282": "that is the forward pass alone: the backward pass adds the weights' "
            "gradients and the gradient passed down",
            "d12969d8c4026997": "multiplications only: each comes with an addition, 2·a·b per layer and image",
            "2a716a7b4a360b61": "that is the rule of thumb 6 × parameters, which counts the intercepts and "
            "gives the first layer 6 operations per weight",
            "357edf26dd8aa1b5": "the intercepts counted as weights: (8.13) counts the products' a·b weights",
            "01d9169c0e181b71": "that is for a batch of 256: the question asks per image",
        },
        "(8.13) per image: 4 operations per weight of the first layer, 6 per weight of the others",
    ),
    "8.4": Exercise(
        "Compute ∂L/∂Z, the gradient of the mean cross-entropy with respect to the outputs, for a batch; "
        "pass it, with scores= the outputs Z and labels= the true classes.",
        "output-gradient",
        "tensor",
        check=_check_output_gradient,
        inputs=("scores", "labels"),
    ),
    "9.4": Exercise(
        "PyTorch draws fc1's weights uniformly on [−c, c] with c = 1/√784. What is their variance (to 3 "
        "significant digits)?",
        "uniform-start-variance",
        "float",
        "a29a542d6c54bbfc",
        {
            "648db576ff1a9512": "that is c²; a uniform draw on [−c, c] has variance c²/3",
            "f17836cf60ff6108": "that is the standard deviation, c/√3; the variance is its square",
            "4c682f0571123b38": "that is c²/12: the width of [−c, c] is 2c, so the variance is (2c)²/12 = c²/3",
        },
        "the integral of w² over [−c, c], divided by the width 2c",
        sig=3,
    ),
    "10.4": Exercise(
        "Plain gradient descent (torch.optim.SGD) with weight_decay λ = 0.01 and ρ = 0.1, on a weight w = 0.5 "
        "whose loss gradient is 0 at every step: what is w after 100 steps (to 4 significant digits)?",
        "weight-decay-100-steps",
        "float",
        "194c1ecbeab48064",
        {
            "202f96a300023c30": "each step shrinks w by the factor 1 − ρλ, not 1 − λ: the decay is part of the step",
            "4fc0d62682325f88": "weight_decay adds λw to the gradient, not 2λw (that would be ISLR2's penalty "
            "λΣw² without the ½)",
            "3c3852ffc3852e3d": "that is after one step; the factor 1 − ρλ applies at each of the 100",
            "171fc835771b7416": "mind the sign: the step subtracts ρλw, so the weight shrinks",
            "1feab4cfd89f1d4f": "the shrink compounds: each step takes ρλ of what is left, (1 − ρλ)^100",
        },
        "equation (B10.4): w ← (1 − ρλ) w when the loss gradient is 0, a hundred times",
        sig=4,
    ),
    "10.5": Exercise(
        "fit's weight_decay λ = 1e-4, on the lab's split (20 % of the 60,000 training images held out): "
        "what is ISLR2's λ for the same penalty (to 3 significant digits)?",
        "ridge-lambda-islr2",
        "float",
        "fa1f083d85ea9b8d",
        {
            "f144b2f66e4c12b0": "the ½ is missing: PyTorch's penalty is λ/2 Σ w², ISLR2's has no ½",
            "f623251219e44708": "n is the 48,000 images fit trains on, not all 60,000",
            "bb38169786ac27b3": "the ½ is missing, and n is the 48,000 images fit trains on, not 60,000",
            "e03a9d224fdc7e5c": "n is missing: ISLR2's loss is summed over the n images, fit's is their mean",
            "7a21956ca4b6f0d1": "the wrong way round: λ = 2 λ_ISLR2 / n, so λ_ISLR2 = n λ / 2",
            "d1b69e4fb44217ba": "that is PyTorch's λ itself: ISLR2's loss is a sum, not a mean",
        },
        "divide ISLR2's objective by n and compare the penalties",
        sig=3,
    ),
    # chapters 5, 7, 8 and 10
    "11.4": Exercise(
        "Dropout with φ = 0.4: each entry m of the mask is 1/(1 − φ) with probability 1 − φ and 0 "
        "otherwise. What is its variance (to 3 significant digits)?",
        "dropout-mask-variance",
        "float",
        "e62f80540000c66e",
        {
            "cadf323a4935180c": "φ(1 − φ) is the variance of the 0/1 keep indicator, before the scaling 1/(1 − φ)",
            "37fa7a64d74f4b2d": "that is E[m²]; the variance subtracts the squared mean, (E m)² = 1",
            "01c14d40acbf1b7a": "that is the standard deviation; the question asks the variance",
            "3a48f15637b0106f": "φ and 1 − φ swapped: a unit is dropped with probability φ",
            "c3b5c733041e5659": "that is φ, the probability of a 0; the variance is E[m²] − (E m)²",
        },
        "E[m²] − (E m)², with m = 1/(1 − φ) with probability 1 − φ and 0 otherwise",
        sig=3,
    ),
    "11.5": Exercise(
        "Make the dropout mask M_1 of equation (B11.1) with φ = 0.4 from uniform draws u; pass the mask, "
        "and u= the draws.",
        "dropout-mask",
        "tensor",
        check=_check_dropout_mask,
        inputs=("u",),
    ),
    "12.2": Exercise(
        "RMSprop with ρ = 0.01 and α = 0.9: how far does its first step move a weight with a non-zero "
        "gradient (to 3 significant digits)?",
        "rmsprop-first-step-decay",
        "float",
        "1ca0b287258422d8",
        {
            "e12a51c49964dae3": "that is ρ/√(1 − 0.99), PyTorch's default α, or ρ/(1 − α) without the "
            "square root: take √(1 − α) with α = 0.9",
            "09fefe9cb694a962": "that is ρ itself, where the steps settle (and Adam's first step); RMSprop's "
            "v starts at 0, so its first step is larger",
            "a2a31fd0a2cb0846": "that is ρ·√(1 − α) (or Keras' 0.001 divided by √(1 − α)): divide ρ = 0.01 "
            "by √(1 − α)",
            "68876fa1c027f792": "that is ρ/√α: the square root is of 1 − α",
        },
        "equation (B12.1): ρ divided by the square root of 1 − α",
        sig=3,
    ),
    "12.4": Exercise(
        "RMSprop's v starts at 0; after t steps that zero weighs α^t in v_t. With α = 0.99, after how many "
        "steps does it first weigh less than 1 %?",
        "rmsprop-zero-weight",
        "int",
        "1e515066bd21565b",
        {
            "e33abbc0dccb9d37": "rounded down: at that step α^t is still just above 0.01; round up",
            "5018b8b2285b1dd6": "that is α = 0.9, Keras' decay; PyTorch's RMSprop, the slides', has α = 0.99",
            "91ec5b9f3ff4de4b": "that is where the zero weighs less than 10 %; the question asks 1 %",
            "190259c0ed818368": "1/(1 − α) is the running average's memory; solve α^t < 0.01 for t",
            "0e80736eefa842d9": "that is the epoch; the question asks the number of steps",
        },
        "the smallest whole t with α^t < 0.01",
    ),
    "13.4": Exercise(
        "Suppose 10 of the second layer's 128 units are dead. How many of the network's parameters do they "
        "waste: their own weights and intercepts, and the output-layer weights that read them?",
        "dead-unit-cost",
        "int",
        "f5e710931a3359de",
        {
            "ed85f2ff3b1ed2dc": "only the dead units' own coefficients: each of the 10 output units also has "
            "a weight for each of them",
            "07d85bc9fdf727ca": "own weights only: each dead unit also has its intercept, and 10 output "
            "weights read it",
            "8917dd085bcda077": "the output layer's intercepts belong to its own units, not to the dead ones",
            "16779ed65844d489": "that is one dead unit; the question has ten",
            "fe0ab7ec22a91dc7": "those would be first-layer units; these are second-layer units, with 256 "
            "inputs each and 10 output units reading them",
            "ec9e97b6a3bd684d": "only the output layer's weights: the dead units' own coefficients are wasted too",
        },
        "per dead unit: its 256 weights and intercept, and one weight in each of the 10 output units",
    ),
    "13.5": Exercise(
        "How many of fc1's weights belong to pixels that are blank (0) in all 60,000 training images?",
        "blank-pixel-weights",
        "int",
        "96aada31e15a523f",
        {
            "9ab8f3d6ea378b5a": "that is the number of blank pixels; each has a weight in each of the 256 units",
            "d72ab8c22b40c1ce": "those are the pixels blank in every test image; the question asks the training images",
            "69537154d6c41437": "that counts pixels blank in some training image (any), which is every pixel: "
            "the question asks all",
        },
        "the pixels with no ink in any training image, times one weight per first-layer unit",
    ),
    "14.4": Exercise(
        "The slides' network retrained for the seven classes of exercise 1 (the four tops merged): how many "
        "parameters has it?",
        "seven-class-parameters",
        "int",
        "68763ed6e6708939",
        {
            "8090507cd67d8a67": "that is the ten-class network: the output layer has one unit per class",
            "36224128e4fc8bf0": "the three output units removed take their intercepts with them, not only "
            "their weights",
            "e193ac62b55d8efa": "that is the output layer alone: add the two hidden layers",
            "4a4cd62f88610b2c": "that is how many fewer; the question asks the new total",
        },
        "for each layer, (inputs + 1) × units, with 7 output units",
    ),
    "14.5": Exercise(
        "Compute the ten templates x̄_c of equation (B14.1), one per class in label order; pass them, with "
        "x= and y= the training images and labels.",
        "class-templates",
        "tensor",
        check=_check_templates,
        inputs=("x", "y"),
    ),
    "15.2": Exercise(
        "The multi-task network with a third head, 'is the digit 5 or more?' (two classes): how many "
        "parameters has it?",
        "three-heads-parameters",
        "int",
        "ff87ebcbcd57758e",
        {
            "e208b0d08abc35d2": "the new head's intercepts are missing: each of its 2 units has one",
            "3dc88c3e544e4d49": "that is three single-task networks; the question asks one network, three heads",
            "c3792a5424e8bba3": "one output unit for the new head: this chapter's heads have one per class, two here",
            "3493e34ae2f53f4a": "that is the two-head network: add the third head",
        },
        "the trunk once, plus (128 + 1) × classes for each head",
    ),
    "15.4": Exercise(
        "Code the parity of some digits one-hot, as the e_ic of equation (B15.2): a row per digit, a column "
        "per class c (c = 1: even); pass it, with digits= the digits.",
        "parity-one-hot",
        "tensor",
        check=_check_parity_one_hot,
        inputs=("digits",),
    ),
    "16.1": Exercise(
        "The pen is 28 units wide; the page scales a drawing whose longer side is h units into the 20-pixel "
        "box. How wide, in input pixels, are the strokes of a drawing 140 units tall (to 2 significant digits)?",
        "stroke-width",
        "float",
        "093270bf7f58f248",
        {
            "f709acb294da3cb2": "scaled to the 28-pixel frame: the page scales the drawing into the 20-pixel box",
            "e68f5d434bfb4641": "scaled by the pad's 280 units: the scale is set by the drawing's own height, 20/h",
            "6be8c6e8d5692d94": "the whole pad shrunk to the 28×28 frame: the drawing's longer side becomes 20 pixels",
        },
        "the pen's 28 units times the scale 20/h",
        sig=2,
    ),
    "16.4": Exercise(
        "How many multiplications does the page's forward pass make for one drawing, in the sums of its "
        "three layers (the softmax aside)?",
        "page-multiplications",
        "int",
        "ec9059a52ff35779",
        {
            "3e290f6b7daef689": "that counts the intercepts too: they are added, not multiplied",
            "2864e1bc2fb44d7e": "the output layer's are missing: each Z_m multiplies 128 activations",
            "3d6a7645e61ca49b": "only the first hidden layer: the second and the output layer multiply too",
        },
        "one multiplication per weight w_kj (not per intercept), layer by layer",
    ),
    # chapters 11 to 16
    "17.1": Exercise(
        "A fully connected layer that computes a convolution layer's 8 maps of 28×28 from the 784 pixels, with "
        "no zero weights and no sharing: how many weights, intercepts aside?",
        "dense-equivalent-weights",
        "int",
        "ae859928ba4d5eda",
        {
            "00531f3ea163d9ec": "that is the convolution's own 72: 8 filters of 9 weights, shared by every position",
            "b437aa45556ffc41": "one weight per output: each of the 8 × 28 × 28 outputs needs one for every pixel",
            "71082dc17a56516b": "that is one map's worth; there are 8 maps",
            "b0a52f9a544c863b": "that counts only the 9 pixels each output sees: a fully connected layer has a "
            "weight for every pixel",
            "5cc39a0197e71b8b": "intercepts aside: one weight per pixel for each output, and no intercept",
        },
        "outputs (8 × 28 × 28) × inputs (784)",
    ),
    "17.2": Exercise(
        "Without padding, a 3×3 filter on a 28×28 image, then 2×2 max pooling: what (rows, columns) has a map?",
        "valid-conv-then-pool",
        "shape",
        "dcba514df507d92d",
        {
            "9cb42245cf80e820": "that is with padding; without it the filter fits 28 − 3 + 1 positions a side",
            "1da833cf101168eb": "that is before pooling: 2×2 max pooling halves the rows and the columns",
            "eb500a638060629a": "a 3×3 filter fits 28 − 3 + 1 positions along a side, not 28 − 3 − 1",
        },
        "the positions where the whole 3×3 patch lies inside the image, then halved by the pooling",
    ),
}
