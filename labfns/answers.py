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
        return f"{self.decimals} decimals" if self.decimals is not None else f"{self.sig} significant digits"


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


def _check_pixels(x):
    x = _tensor(x, "the scaled images")
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
    # chapters 5, 7, 8 and 10
    # chapters 11 to 16
}
