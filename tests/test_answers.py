"""labfns.check_answer (issue 24): right answers accepted, the usual mistakes named, other wrong answers
given a neutral hint, floats checked to the stated precision, wrong types and unknown ids reported clearly,
and no right answer readable in labfns/answers.py. The answers are computed here from first principles."""

import math
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

import labfns
from labfns.answers import EXERCISES, Exercise, answer_hash, check_answer, is_right
from labfns.answers import verdict as verdict_line

SOURCE = Path(labfns.answers.__file__).read_text(encoding="utf-8")


def params(sizes):
    """Weights and intercepts of a fully connected network with these layer sizes: (inputs + 1) × units."""
    return sum((n_in + 1) * n_out for n_in, n_out in zip(sizes, sizes[1:]))


E = math.e
RIGHT = {
    "2.4": (784 + 1, 256),
    "2.5": (784 + 1) * 256,
    "3.4": params([784, 256, 128, 10]),
    "3.5": params([4, 2, 3, 1]),
    "4.5": -math.log(1 / 10),
    "4.6": E**3 / (E**1 + E**2 + E**3),
    # chapters 5, 7, 8 and 10
    # chapters 11 to 16
}
# A wrong answer of each recognised kind, and a word of the message that must name it.
MISTAKES = [
    ("2.4", (784, 256), "intercept row is missing"),
    ("2.4", (256, 785), "transposed"),
    ("2.4", (256, 784), "nn.Linear"),
    ("2.5", 784 * 256, "intercept row"),
    ("3.4", 784 * 256 + 256 * 128 + 128 * 10, "not the intercepts w_k0: one per unit"),
    ("3.4", 784 * 256 + 256 * 128 + 128 * 10 + 3, "one intercept per layer"),
    ("3.4", params([784, 256, 128, 10]) - 10, "output layer's intercepts"),
    ("3.4", params([784, 256, 128]), "output layer is missing"),
    ("3.4", 785 * 256 + 256 * 128 + 128 * 10, "only the first hidden layer"),
    ("3.5", 4 * 2 + 2 * 3 + 3 * 1, "not the intercepts"),
    ("3.5", 4 * 2 + 2 * 3 + 3 * 1 + 3, "one intercept per layer"),
    ("3.5", params([4, 2, 3]), "output unit is missing"),
    ("4.5", 10, "number of classes"),
    ("4.5", 0.1, "true class's probability"),
    ("4.5", math.log2(10), "base 2"),
    ("4.5", math.log10(10), "base 10"),
    ("4.5", math.log(1 / 10), "sign"),
    ("4.6", 3 / 6, "exponentiates"),
    ("4.6", E / (E + E**2 + E**3), "first class"),
    ("4.6", E**2 / (E + E**2 + E**3), "second class"),
    ("4.6", E**3, "e^3 alone"),
    ("4.6", 1, "one-hot"),
    # chapters 5, 7, 8 and 10
    # chapters 11 to 16
]


def verdict(capsys, *args, **kwargs):
    assert check_answer(*args, **kwargs) is None  # prints, returns nothing to display in a notebook
    out = capsys.readouterr().out
    result = is_right(*args, **kwargs)
    assert verdict_line(*args, **kwargs) == (result, out.rstrip("\n"))
    assert out.count("\n") == 1, f"one line, got {out!r}"
    assert out.startswith("✓" if result else "✗"), out
    return result, out


@pytest.mark.parametrize("exercise", sorted(RIGHT))
def test_right_answers_are_accepted(capsys, exercise):
    right, out = verdict(capsys, exercise, RIGHT[exercise])
    assert right and out.startswith(f"✓ {exercise} right")


@pytest.mark.parametrize(("exercise", "answer", "named"), MISTAKES, ids=[f"{m[0]}-{m[2]}" for m in MISTAKES])
def test_each_usual_mistake_is_named(capsys, exercise, answer, named):
    right, out = verdict(capsys, exercise, answer)
    assert not right and named in out


@pytest.mark.parametrize(("exercise", "answer"), [("2.4", (3, 5)), ("2.5", 1000), ("3.4", 1), ("3.5", 99)])
def test_other_wrong_answers_get_the_neutral_hint(capsys, exercise, answer):
    assert verdict(capsys, exercise, answer) == (False, f"✗ {exercise} not yet: {EXERCISES[exercise].hint}\n")


def test_no_right_answer_is_readable_in_the_source():
    for plain in (
        "235146",
        "235,146",
        "235 146",
        "200960",
        "200,960",
        "785",
        "2.303",
        "2.302",
        "0.665",
        "6.65e",
    ):
        assert plain not in SOURCE, plain
    for exercise, answer in RIGHT.items():  # nor the canonical form that is hashed, as a whole token
        canonical = labfns.answers._canonical(answer, EXERCISES[exercise])
        assert not re.search(rf"(?<![\w.]){re.escape(canonical)}(?![\w.])", SOURCE), canonical
    table = SOURCE[SOURCE.index("EXERCISES: dict[str, Exercise] = {") :]
    assert not re.search(r"\b23\b", table)  # exercise 1's answer, not even in the table's text


def test_floats_are_rounded_to_the_stated_precision(capsys):
    assert "to 3 decimals" in EXERCISES["4.5"].prompt and "3 significant digits" in EXERCISES["4.6"].prompt
    for answer in (2.3026, 2.3025, 2.30258509, torch.tensor(math.log(10)), np.float32(math.log(10))):
        assert verdict(capsys, "4.5", answer)[0], answer
    right, out = verdict(capsys, "4.5", 2.30)  # too few decimals: says what it was read as, and the precision
    assert not right and "yours is 2.300 to 3 decimals, the precision expected" in out
    assert not verdict(capsys, "4.5", 2.3024)[0]
    assert verdict(capsys, "4.6", 0.66549)[0] and verdict(capsys, "4.6", 0.6652)[0]
    right, out = verdict(capsys, "4.6", 0.6655)  # rounds up to the next 3-digit value
    assert not right and "yours is 0.666 to 3 significant digits" in out
    assert answer_hash(0.1, "4.5") == answer_hash(0.10004, "4.5") != answer_hash(0.1006, "4.5")


def test_hashes_are_salted_per_exercise_and_survive_renumbering():
    assert answer_hash(10, "2.5") != answer_hash(10, "3.4")  # the same number, two exercises
    moved = Exercise("the same question under another id", EXERCISES["3.4"].name, "int")
    assert answer_hash(RIGHT["3.4"], moved) == EXERCISES["3.4"].hash
    for exercise in RIGHT:
        ex = EXERCISES[exercise]
        assert re.fullmatch(r"[0-9a-f]{16}", ex.hash) and ex.hash not in ex.mistakes


def test_unknown_exercise_names_the_known_ids():
    with pytest.raises(
        ValueError, match=r"no exercise '9\.9': the exercises are 1\.4, 2\.4, 2\.5, 3\.4, .*6\.4"
    ):
        check_answer("9.9", 1)


@pytest.mark.parametrize(
    ("exercise", "answer", "expected"),
    [
        ("3.4", "235,146", "a whole number (an int such as 1234), not str '235,146'"),
        ("3.4", 2.5, "a whole number"),
        ("3.4", True, "not bool True"),
        ("4.5", "1.4", "a number (a float such as 0.5), not str"),
        ("4.5", float("nan"), "a number"),
        ("2.4", 200, "a shape (rows, columns)"),
        ("2.4", (1, 2, 3), "a shape (rows, columns)"),
        ("1.4", [0.5, 1.0], "the scaled images as a tensor"),
        ("4.7", "p", "as a tensor"),
        ("6.4", "model", "a network (a torch.nn.Module), not str"),
    ],
)
def test_answers_of_the_wrong_type_get_a_message_not_a_traceback(capsys, exercise, answer, expected):
    right, out = verdict(capsys, exercise, answer)
    assert not right and f"✗ {exercise} not yet: this exercise expects" in out and expected in out


def test_a_tensor_or_the_matrix_itself_is_a_shape(capsys):
    assert verdict(capsys, "2.4", torch.zeros(RIGHT["2.4"]))[0]
    assert verdict(capsys, "2.4", torch.Size(RIGHT["2.4"]))[0]


def test_pixels(capsys):
    raw = torch.randint(0, 256, (4, 28, 28), dtype=torch.uint8)
    assert verdict(capsys, "1.4", raw.float() / 255)[0] and verdict(capsys, "1.4", raw.numpy() / 255.0)[0]
    for wrong, named in [
        (raw, "not divided by 255"),
        (raw / 255 / 255, "twice"),
        (raw / 255 - 0.5, "negative"),
    ]:
        right, out = verdict(capsys, "1.4", wrong)
        assert not right and named in out


def test_softmax_rows_and_columns(capsys):
    z = torch.randn(6, 10, generator=torch.Generator().manual_seed(0))
    assert verdict(capsys, "4.7", torch.softmax(z, dim=1), scores=z)[0]
    assert verdict(capsys, "4.7", torch.softmax(z, dim=1))[0]  # without scores: rows that sum to 1
    for wrong, named, given in [
        (torch.softmax(z, dim=0), "wrong dimension", {"scores": z}),
        (torch.softmax(z, dim=0), "wrong dimension", {}),
        (torch.softmax(torch.softmax(z, dim=1), dim=1), "applied twice", {"scores": z}),
        (z, "not probabilities", {}),
        (torch.softmax(z.flatten(), 0).reshape(6, 10), "whole batch", {}),
    ]:
        right, out = verdict(capsys, "4.7", wrong, **given)
        assert not right and named in out
    right, out = verdict(capsys, "4.7", torch.softmax(z, dim=1), logits=z)
    assert not right and "takes scores= besides the answer" in out


def test_cross_entropy_loss(capsys):
    g = torch.Generator().manual_seed(0)
    z, y = torch.randn(8, 10, generator=g), torch.randint(0, 10, (8,), generator=g)
    by_hand = -torch.log(torch.exp(z[range(8), y]) / torch.exp(z).sum(1)).mean()
    assert verdict(capsys, "4.8", by_hand, scores=z, labels=y)[0]
    assert verdict(capsys, "4.8", nn.CrossEntropyLoss()(z, y).item(), scores=z, labels=y)[0]
    for wrong, named in [
        (nn.CrossEntropyLoss()(torch.softmax(z, 1), y), "probabilities passed to CrossEntropyLoss"),
        (nn.CrossEntropyLoss(reduction="sum")(z, y), "sum over the batch"),
        (nn.NLLLoss()(torch.softmax(z, 1), y), "log-probabilities"),
        (by_hand + 0.5, "not the mean over images"),
    ]:
        right, out = verdict(capsys, "4.8", wrong, scores=z, labels=y)
        assert not right and named in out
    right, out = verdict(capsys, "4.8", by_hand)
    assert not right and "needs scores= and labels= too" in out


def test_model_in_evaluation_mode(capsys):
    for dropout in (nn.Dropout(0.4), labfns.Dropout(0.4)):
        model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), dropout, nn.Linear(3, 2))
        right, out = verdict(capsys, "6.4", model)
        assert not right and "dropout still on at evaluation" in out
        assert verdict(capsys, "6.4", model.eval())[0]
    right, out = verdict(capsys, "6.4", nn.Sequential(nn.Linear(4, 2), nn.BatchNorm1d(2)))
    assert not right and "training mode" in out


def test_check_answer_is_exported():
    assert labfns.check_answer is check_answer and "check_answer" in labfns.__all__


def test_a_placeholder_is_no_answer_yet(capsys):
    """None or ... (the exercise cell's placeholder) is not an error: it says what to do."""
    for placeholder in (None, ...):
        check_answer("3.4", placeholder)
        assert "no answer yet" in capsys.readouterr().out
        assert is_right("3.4", placeholder) is False
