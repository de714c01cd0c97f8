"""Bad input to the maths and plotting functions: each error names the argument, the value and the fix."""

import re

import numpy as np
import pytest
import torch

import labfns
from labfns import maths
from labfns.train import History


def test_maths_functions_name_the_bad_argument():
    x, W = torch.rand(5, 4), torch.rand(5, 3)
    assert maths.layer(x, W).shape == (5, 3)
    with pytest.raises(ValueError, match=r"W must have p \+ 1 = 5 rows .* got W of shape \(4, 3\)"):
        maths.layer(x, W[1:])
    with pytest.raises(TypeError, match="x is torch.float64 but W is torch.float32"):
        maths.layer(x.double(), W)
    with pytest.raises(TypeError, match="g must be an activation function such as relu or None"):
        maths.layer(x, W, g="relu")
    with pytest.raises(ValueError, match=r"x must have 2 dimension\(s\), got shape \(4,\)"):
        maths.with_intercept(x[0])
    with pytest.raises(TypeError, match=r"z must be a torch.Tensor, got list \[1, 2\]"):
        maths.relu([1, 2])
    with pytest.raises(TypeError, match=r"z must be floating point, got dtype torch.int64; use z.float\(\)"):
        maths.softmax(torch.tensor([[1, 2]]))
    with pytest.raises(ValueError, match="got a single number"):
        maths.log_softmax(torch.tensor(1.0))


def test_one_hot_and_cross_entropy_check_the_classes():
    z, y = torch.randn(4, 10), torch.tensor([0, 3, 9, 2])
    with pytest.raises(ValueError, match=r"y must lie in 0..2, got values from 0 to 9"):
        maths.one_hot(y, 3)
    with pytest.raises(TypeError, match=r"y must be integers .* use y.long\(\)"):
        maths.one_hot(y.float())
    with pytest.raises(
        ValueError, match="rows of z and y must have the same length, got 4 rows of z and 3 y"
    ):
        maths.cross_entropy(z, y[:3])
    with pytest.raises(ValueError, match=r"reduction must be 'mean' or 'sum', got str 'none'"):
        maths.cross_entropy(z, y, "none")
    with pytest.raises(ValueError, match=r"y must lie in 0..9, got values from 1 to 10; R counts"):
        maths.cross_entropy(z, y + 1)


def test_n_parameters_checks_sizes():
    assert maths.n_parameters(784, [256, 128], 10) == 235_146
    with pytest.raises(ValueError, match="p must be ≥ 1, got 0"):
        maths.n_parameters(0)
    with pytest.raises(TypeError, match="hidden must be a tuple of layer sizes"):
        maths.n_parameters(784, 256)


def test_plots_check_their_input():
    with pytest.raises(TypeError, match="history must be the History that labfns.fit returns, got dict"):
        labfns.plot_history({"valid_acc": [0.9]})
    with pytest.raises(ValueError, match=r"images must be images of 28×28 pixels .* got shape \(3, 700\)"):
        labfns.show_digits(torch.rand(3, 700))
    with pytest.raises(TypeError, match=r"pixel values up to 255 .* use images.float\(\) / 255"):
        labfns.show_digits(torch.full((2, 28, 28), 255, dtype=torch.uint8))
    with pytest.raises(ValueError, match="ncols must be ≥ 1, got 0"):
        labfns.show_digits(torch.rand(2, 784), ncols=0)
    with pytest.raises(TypeError, match="images must be a tensor or array of images, got str"):
        labfns.show_digits("digits.png")
    assert len(History().rows) == 0


def test_show_digits_still_takes_what_it_took():
    """The checks refuse nothing that drew correctly before: arrays, one image, N×1×28×28, 0/1 integers."""
    for images in (
        np.random.default_rng(0).random((3, 28, 28)),
        torch.rand(28, 28),
        torch.rand(2, 1, 28, 28),
        torch.ones(2, 784).long(),
    ):
        labfns.show_digits(images)


@pytest.mark.parametrize("value", [0, -1, 2.0, True, "3", None])
def test_check_positive_int(value):
    from labfns.checks import check_positive_int

    with pytest.raises((TypeError, ValueError), match="epochs"):
        check_positive_int("epochs", value)
    check_positive_int("epochs", np.int64(3))  # NumPy integers are whole numbers too


def test_network_sizes_are_checked_in_one_place():
    from labfns.checks import check_network_sizes

    assert check_network_sizes(784, (256, 128), 10) == [784, 256, 128, 10]
    assert check_network_sizes(784, (), 10) == [784, 10]  # no hidden layer: logistic regression
    with pytest.raises(TypeError, match=r"hidden must be a tuple of hidden layer sizes .* got \(\)"):
        check_network_sizes(784, (), 10, at_least_one_hidden=True)
    with pytest.raises(ValueError, match="each hidden layer size must be ≥ 1, got 0"):
        check_network_sizes(784, (256, 0), 10)
    with pytest.raises(ValueError, match="n_classes must be ≥ 1, got 0"):
        check_network_sizes(784, (256,), 0)
    for sizes_of in (maths.n_parameters, lambda *a: maths.step_flops(1, *a)):
        with pytest.raises(TypeError, match="hidden must be a tuple of layer sizes"):
            sizes_of(784, 256, 10)


def test_a_torch_older_than_the_floor_is_refused_with_the_reason():
    """pyproject.toml's torch>=2.6 is checked when labfns is imported: older releases could run code from a
    crafted weights file (CVE-2025-32434)."""
    from labfns.checks import check_torch_version

    for fine in ("2.6.0", "2.6.0+cpu", "2.11.0+cu126", "2.14.1", "3.0.0a0"):
        check_torch_version(fine)
    for old in ("2.5.1", "2.1.0+cpu", "1.13.1"):
        with pytest.raises(
            ImportError, match=rf"needs torch 2\.6 or newer, found torch {re.escape(old)}.*CVE"
        ):
            check_torch_version(old)
