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
    "1.6": 60_000 * 28 * 28 * 4,
    "2.4": (784 + 1, 256),
    "2.5": (784 + 1) * 256,
    "3.4": params([784, 256, 128, 10]),
    "3.5": params([4, 2, 3, 1]),
    "4.5": -math.log(1 / 10),
    "4.6": E**3 / (E**1 + E**2 + E**3),
    "5.4": 10 * math.ceil(48_000 / 256),  # 20 % of 60,000 held out; the last batch partial
    "5.5": (187 * 256 * 0.30 + (48_000 - 187 * 256) * 0.60) / 48_000,  # a mean over images
    "7.1": 10 * 784 + 784 * 785 // 2 + 9,  # means, a symmetric covariance, nine free proportions
    "7.5": 2 * sum(math.comb(30, j) for j in range(10 + 1)) / 2**30,
    "8.3": 2 * 784 * 64 * 2 + 2 * 64 * 10 * 3,  # the first layer passes no gradient down
    "10.4": 0.5 * (1 - 0.1 * 0.01) ** 100,  # w ← (1 - ρλ) w, a hundred times
    "10.5": 48_000 * 1e-4 / 2,
    # chapters 5, 7, 8 and 10
    "9.4": (1 / math.sqrt(784)) ** 2 / 3,
    "11.4": 0.4 / (1 - 0.4),  # E[m²] − (E m)² = 1/(1 − φ) − 1
    "12.2": 0.01 / math.sqrt(1 - 0.9),  # (12.1)
    "12.4": math.ceil(math.log(0.01) / math.log(0.99)),  # the first t with 0.99^t < 0.01
    "13.4": 10 * ((256 + 1) + 10),  # own weights and intercept, one weight in each output unit
    "13.5": 67 * 256,  # MNIST's 67 pixels blank in every training image, one weight per unit
    "14.4": params([784, 256, 128, 7]),
    "15.2": params([784, 256, 128]) + (128 + 1) * (10 + 2 + 2),  # one trunk, three heads
    "16.1": 28 * 20 / 140,  # the pen's 28 units, scaled by 20 / h
    "16.4": 784 * 256 + 256 * 128 + 128 * 10,  # one per weight w_kj; intercepts are added
    # chapters 11 to 16
    "17.1": 8 * 28 * 28 * 784,
    "17.2": ((28 - 3 + 1) // 2, (28 - 3 + 1) // 2),
}
# A wrong answer of each recognised kind, and a word of the message that must name it.
MISTAKES = [
    ("1.6", 60_000 * 784, "one byte a pixel"),
    ("1.6", 60_000 * 784 * 8, "float64"),
    ("1.6", 60_000 * 28 * 4, "not 28"),
    ("1.6", 60_000 * 784 * 32, "number of bits"),
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
    ("5.4", 10 * (48_000 // 256), "partial batch"),
    ("5.4", math.ceil(48_000 / 256), "one epoch"),
    ("5.4", 10 * math.ceil(60_000 / 256), "60,000"),
    ("5.4", 10 * 48_000 // 256, "round up per epoch"),
    ("5.5", (187 * 0.30 + 0.60) / 188, "each batch counting once"),
    ("5.5", 0.30, "last batch is left out"),
    ("5.5", 0.45, "mean of 0.30 and 0.60"),
    ("5.5", 187 * 256 * 0.30 + 128 * 0.60, "sum over the images"),
    ("5.5", 187 * 0.30 + 0.60, "sum of the batches"),
    ("7.1", 10 * 784 + 784 * 784 + 9, "symmetric"),
    ("7.1", 10 * 784 + 784 * 785 // 2 + 10, "only nine are free"),
    ("7.1", 10 * 784 + 784 * 785 // 2, "proportions are missing"),
    ("7.1", 10 * 784 + 784 * 783 // 2 + 9, "diagonal is missing"),
    ("7.1", 10 * 784 + 10 * 784 * 785 // 2 + 9, "QDA"),
    ("7.1", 784 * 785 // 2 + 9, "means are missing"),
    ("7.5", sum(math.comb(30, j) for j in range(10 + 1)) / 2**30, "one-sided"),
    ("7.5", 2 * sum(math.comb(30, j) for j in range(10)) / 2**30, "one short"),
    ("7.5", math.erfc(math.sqrt((20 - 10 - 1) ** 2 / 30 / 2)), "continuity correction"),
    ("7.5", math.erfc(math.sqrt((20 - 10) ** 2 / 30 / 2)), "χ² approximation"),
    ("8.3", 6 * (784 * 64 + 64 * 10), "passes nothing down"),
    ("8.3", 2 * (784 * 64 + 64 * 10), "forward pass alone"),
    ("8.3", 2 * 784 * 64 + 3 * 64 * 10, "multiplications only"),
    ("8.3", 6 * params([784, 64, 10]), "rule of thumb"),
    ("8.3", 4 * 785 * 64 + 6 * 65 * 10, "intercepts counted"),
    ("8.3", 256 * (4 * 784 * 64 + 6 * 64 * 10), "per image"),
    ("10.4", 0.5 * (1 - 0.01) ** 100, "not 1 − λ"),
    ("10.4", 0.5 * (1 - 0.1 * 2 * 0.01) ** 100, "not 2λw"),
    ("10.4", 0.5 * (1 - 0.1 * 0.01), "after one step"),
    ("10.4", 0.5 * (1 + 0.1 * 0.01) ** 100, "mind the sign"),
    ("10.4", 0.5 - 100 * 0.1 * 0.01 * 0.5, "compounds"),
    ("10.5", 48_000 * 1e-4, "½ is missing"),
    ("10.5", 60_000 * 1e-4 / 2, "not all 60,000"),
    ("10.5", 60_000 * 1e-4, "and n is"),
    ("10.5", 1e-4 / 2, "n is missing"),
    ("10.5", 2 * 1e-4 / 48_000, "wrong way round"),
    ("10.5", 1e-4, "PyTorch's λ itself"),
    # chapters 5, 7, 8 and 10
    ("9.4", 1 / 784, "that is c²"),
    ("9.4", 1 / math.sqrt(784 * 3), "standard deviation"),
    ("9.4", 1 / 784 / 12, "(2c)²/12"),
    ("11.4", 0.4 * (1 - 0.4), "0/1 keep indicator"),
    ("11.4", 1 / (1 - 0.4), "E[m²]"),
    ("11.4", math.sqrt(0.4 / (1 - 0.4)), "standard deviation"),
    ("11.4", (1 - 0.4) / 0.4, "swapped"),
    ("11.4", 0.4, "probability of a 0"),
    ("12.2", 0.01 / math.sqrt(1 - 0.99), "PyTorch's default α"),
    ("12.2", 0.01 / (1 - 0.9), "without the square root"),
    ("12.2", 0.01, "ρ itself"),
    ("12.2", 0.01 * math.sqrt(1 - 0.9), "ρ·√(1 − α)"),
    ("12.2", 0.001 / math.sqrt(1 - 0.9), "Keras' 0.001"),
    ("12.2", 0.01 / math.sqrt(0.9), "ρ/√α"),
    ("12.4", math.floor(math.log(0.01) / math.log(0.99)), "rounded down"),
    ("12.4", math.ceil(math.log(0.01) / math.log(0.9)), "Keras' decay"),
    ("12.4", math.ceil(math.log(0.1) / math.log(0.99)), "10 %"),
    ("12.4", round(1 / (1 - 0.99)), "memory"),
    ("12.4", math.ceil(math.ceil(math.log(0.01) / math.log(0.99)) / 188), "the epoch"),
    ("13.4", 10 * (256 + 1), "only the dead units' own coefficients"),
    ("13.4", 10 * 256, "own weights only"),
    ("13.4", 10 * ((256 + 1) + (10 + 1)), "output layer's intercepts"),
    ("13.4", (256 + 1) + 10, "one dead unit"),
    ("13.4", 10 * ((784 + 1) + 128), "first-layer units"),
    ("13.4", 10 * 10, "only the output layer's weights"),
    ("13.5", 67, "number of blank pixels"),
    ("13.5", 116 * 256, "test image"),
    ("13.5", 784 * 256, "(any)"),
    ("14.4", params([784, 256, 128, 10]), "ten-class network"),
    ("14.4", params([784, 256, 128, 10]) - 3 * 128, "intercepts with them"),
    ("14.4", (128 + 1) * 7, "output layer alone"),
    ("14.4", 3 * (128 + 1), "how many fewer"),
    ("15.2", params([784, 256, 128]) + 129 * 12 + 128 * 2, "intercepts are missing"),
    ("15.2", 3 * params([784, 256, 128]) + 129 * 14, "three single-task networks"),
    ("15.2", params([784, 256, 128]) + 129 * 13, "one output unit"),
    ("15.2", params([784, 256, 128]) + 129 * 12, "two-head network"),
    ("16.1", 28 * 28 / 140, "28-pixel frame"),
    ("16.1", 28 * 20 / 280, "pad's 280 units"),
    ("16.1", 28 * 28 / 280, "whole pad"),
    ("16.4", params([784, 256, 128, 10]), "intercepts too"),
    ("16.4", 784 * 256 + 256 * 128, "output layer's"),
    ("16.4", 784 * 256, "only the first hidden layer"),
    # chapters 11 to 16
    ("17.1", 8 * 9, "convolution's own"),
    ("17.1", 8 * 784, "one weight per output"),
    ("17.1", 28 * 28 * 784, "one map's worth"),
    ("17.1", 8 * 28 * 28 * 9, "only the 9 pixels"),
    ("17.1", 8 * 28 * 28 * 785, "no intercept"),
    ("17.2", (14, 14), "with padding"),
    ("17.2", (26, 26), "before pooling"),
    ("17.2", (12, 12), "not 28 − 3 − 1"),
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
        "0.0316",  # chapters 11 to 16
        "0.667",
        "2,670",
        "17,152",
        "234,759",
        "235,662",
        "234,752",
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
        ValueError,
        match=r"no exercise '9\.9': the exercises are 1\.4, 1\.6, 2\.4, 2\.5, 3\.4, .*6\.4, .*16\.4, 17\.1, 17\.2$",
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


def test_pixels_against_the_raw_images(capsys):
    raw = torch.randint(0, 256, (4, 28, 28), dtype=torch.uint8)
    assert verdict(capsys, "1.4", raw.float() / 255, raw=raw)[0]
    assert verdict(capsys, "1.4", raw.numpy() / 255.0, raw=raw)[0]
    for wrong, named in [
        (raw // 255, "integer division"),
        (raw / 256, "divided by 256"),
        (raw, "not divided by 255"),
        (raw / 255 / 255, "twice"),
        (torch.rand(4, 28, 28), "not raw / 255"),
        (raw[:2] / 255, "one scaled pixel per raw pixel"),
    ]:
        right, out = verdict(capsys, "1.4", wrong, raw=raw)
        assert not right and named in out, out


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


def test_output_gradient(capsys):
    """Exercise 8.4: ∂L/∂Z = (F − Y)/n, by hand and by autograd; each usual mistake named."""
    g = torch.Generator().manual_seed(0)
    z, y = torch.randn(9, 10, generator=g), torch.randint(0, 10, (9,), generator=g)
    probs = torch.exp(z) / torch.exp(z).sum(1, keepdim=True)
    onehot = torch.zeros(9, 10)
    onehot[range(9), y] = 1
    z_leaf = z.clone().requires_grad_()
    nn.functional.cross_entropy(z_leaf, y).backward()
    for right in ((probs - onehot) / 9, z_leaf.grad, ((probs - onehot) / 9).numpy()):
        assert verdict(capsys, "8.4", right, scores=z, labels=y)[0]
    for wrong, named in [
        (probs - onehot, "summed loss"),
        ((onehot - probs) / 9, "sign is reversed"),
        (onehot - probs, "and L is the mean"),
        ((z - onehot) / 9, "take the softmax of Z first"),
        ((torch.softmax(z, dim=0) - onehot) / 9, "wrong dimension"),
        ((probs - y[:, None]) / 9, "labels subtracted as numbers"),
        (probs / 9, "Y is missing"),
        ((probs - onehot) / 8, "not (F − Y)/n"),
    ]:
        right, out = verdict(capsys, "8.4", wrong, scores=z, labels=y)
        assert not right and named in out
    for given, named in [
        ({}, "needs scores= and labels= too"),
        ({"scores": z, "labels": y[:5]}, "one class per row"),
    ]:
        right, out = verdict(capsys, "8.4", (probs - onehot) / 9, **given)
        assert not right and named in out
    right, out = verdict(capsys, "8.4", ((probs - onehot) / 9).T, scores=z, labels=y)
    assert not right and "the scores' shape (9, 10)" in out
    sure = z + 12 * onehot * (torch.arange(9) < 5)[:, None]  # f ≈ 1 in 5 rows: F − Y cancels in 32 bits
    probs = torch.softmax(sure, dim=1)
    assert verdict(capsys, "8.4", (probs - onehot) / 9, scores=sure, labels=y)[0]
    right, out = verdict(capsys, "8.4", probs - onehot, scores=sure, labels=y)
    assert not right and "summed loss" in out


def test_no_right_answer_of_chapters_5_to_10_is_readable_in_the_source():
    for plain in ("1,880", "0.3008", "315,569", "315 569", "0.0987", "204,544", "204 544", "0.4524"):
        assert plain not in SOURCE, plain


def test_check_answer_is_exported():
    assert labfns.check_answer is check_answer and "check_answer" in labfns.__all__


def test_a_placeholder_is_no_answer_yet(capsys):
    """None or ... (the exercise cell's placeholder) is not an error: it says what to do."""
    for placeholder in (None, ...):
        check_answer("3.4", placeholder)
        assert "no answer yet" in capsys.readouterr().out
        assert is_right("3.4", placeholder) is False


# chapters 11 to 16: the exercises about an object
def test_dropout_mask(capsys):
    u = torch.rand(6, 8, generator=torch.Generator().manual_seed(0))
    kept = (u >= 0.4).float()
    assert verdict(capsys, "11.5", kept / (1 - 0.4), u=u)[0]
    assert verdict(capsys, "11.5", torch.where(u >= 0.4, 1 / 0.6, 0.0).numpy(), u=u.numpy())[0]
    for wrong, named in [
        (kept, "0s and 1s"),
        ((u < 0.4).float() / (1 - 0.4), "swapped"),
        (kept / 0.4, "1/φ"),
        (kept * (1 - 0.4), "multiplied by 1 − φ"),
        (u, "each entry is 0"),
    ]:
        right, out = verdict(capsys, "11.5", wrong, u=u)
        assert not right and named in out
    for given, named in [({}, "needs u= too"), ({"u": u[:3]}, "of u's shape")]:
        right, out = verdict(capsys, "11.5", kept / (1 - 0.4), **given)
        assert not right and named in out


def test_class_templates(capsys):
    g = torch.Generator().manual_seed(0)
    x, y = torch.rand(200, 4, 4, generator=g), torch.arange(200) % 10
    templates = torch.stack([x[y == c].mean(dim=0) for c in range(10)])  # 10 × 4 × 4
    assert verdict(capsys, "14.5", templates, x=x, y=y)[0]
    assert verdict(capsys, "14.5", templates.flatten(1), x=x, y=y)[0]
    for wrong, named in [
        (templates * 20, "sums, not averages"),
        (x.mean(dim=0).expand(10, 4, 4), "average of all the images"),
        (templates.flip(0), "wrong order"),
        (templates.flatten(1).T, "transposed"),
        (templates + 0.1, "row c is the average"),
    ]:
        right, out = verdict(capsys, "14.5", wrong, x=x, y=y)
        assert not right and named in out
    for given, named in [({}, "needs x= and y= too"), ({"x": x[:, :2], "y": y}, "expects 10 templates")]:
        right, out = verdict(capsys, "14.5", templates, **given)
        assert not right and named in out


def test_parity_one_hot(capsys):
    digits = torch.tensor([5, 0, 4, 1, 9, 2, 1, 3])
    even = (digits % 2 == 0).long()
    e = torch.stack([1 - even, even], dim=1)  # column c = 1: even
    assert verdict(capsys, "15.4", e, digits=digits)[0]
    assert verdict(capsys, "15.4", e.float().numpy(), digits=digits.numpy())[0]
    for wrong, named in [
        (even, "not one-hot"),
        (nn.functional.one_hot(digits, 10), "digit one-hot"),
        (e.flip(1), "columns swapped"),
        (torch.ones(8, 2), "each row holds one 1"),
    ]:
        right, out = verdict(capsys, "15.4", wrong, digits=digits)
        assert not right and named in out
    for given, named in [({}, "needs digits= too"), ({"digits": digits[:3]}, "a row per digit")]:
        right, out = verdict(capsys, "15.4", e, **given)
        assert not right and named in out


def test_the_precision_is_said_in_good_english():
    assert Exercise("q", "n", "float", decimals=1).precision == "1 decimal"
    assert Exercise("q", "n", "float", sig=1).precision == "1 significant digit"
    assert Exercise("q", "n", "float", decimals=3).precision == "3 decimals"
