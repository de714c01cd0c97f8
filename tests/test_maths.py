import pytest
import torch
from torch import nn

from labfns import maths


def test_layer_equals_linear_plus_relu():
    torch.manual_seed(0)
    lin = nn.Linear(6, 4)
    x = torch.randn(5, 6)
    W = torch.cat([lin.bias[None], lin.weight.T]).detach()  # (p + 1)×K, intercepts first
    assert torch.allclose(maths.layer(x, W), torch.relu(lin(x)), atol=1e-6)
    assert torch.allclose(maths.layer(x, W, g=None), lin(x), atol=1e-6)


def test_relu():
    assert maths.relu(torch.tensor([-2.0, 0.0, 3.0])).tolist() == [0.0, 0.0, 3.0]


def test_softmax_forms_agree_and_stable_one_does_not_overflow():
    z = torch.randn(4, 10)
    assert torch.allclose(maths.softmax_naive(z), torch.softmax(z, 1), atol=1e-6)
    assert torch.allclose(maths.softmax(z), torch.softmax(z, 1), atol=1e-6)
    assert torch.allclose(maths.log_softmax(z), torch.log_softmax(z, 1), atol=1e-6)
    big = torch.tensor([[1000.0, 999.0, 0.0]])
    assert torch.isnan(maths.softmax_naive(big)).any()
    assert torch.allclose(maths.softmax(big), torch.softmax(big, 1))


def test_cross_entropy_matches_torch():
    z = torch.randn(8, 10)
    y = torch.randint(0, 10, (8,))
    assert torch.allclose(maths.cross_entropy(z, y), nn.CrossEntropyLoss()(z, y), atol=1e-6)
    assert torch.allclose(
        maths.cross_entropy(z, y, "sum"), nn.CrossEntropyLoss(reduction="sum")(z, y), atol=1e-5
    )
    with pytest.raises(ValueError, match="reduction"):
        maths.cross_entropy(z, y, "none")


def test_one_hot_and_parameter_count():
    assert maths.one_hot(torch.tensor([2, 0]), 3).tolist() == [[0, 0, 1], [1, 0, 0]]
    assert maths.n_parameters() == 235_146
    assert maths.n_parameters(784, (), 10) == 7_850


def test_weight_matrix_is_the_slides_layout():
    torch.manual_seed(0)
    lin = nn.Linear(6, 4)
    W = maths.weight_matrix(lin)
    assert W.shape == (7, 4) and not W.requires_grad
    assert torch.equal(W[0], lin.bias.detach()) and torch.equal(W[1:], lin.weight.detach().T)
    x = torch.randn(5, 6)
    assert torch.allclose(maths.layer(x, W), torch.relu(lin(x)), atol=1e-6)
    with pytest.raises(TypeError, match="nn.Linear"):
        maths.weight_matrix(torch.zeros(3, 3))
    with pytest.raises(ValueError, match="intercepts"):
        maths.weight_matrix(nn.Linear(3, 2, bias=False))


def test_check_close_states_a_stable_verdict_and_raises_when_not_close():
    a = torch.tensor([[1.0, -2.0], [100.0, 0.0]])
    assert maths.check_close(a, a + 1e-7) == "torch.allclose: True (largest absolute difference ≤ 1e-6)"
    assert maths.check_close(a, a * (1 + 1e-7), 1e-5, relative=True).endswith("relative difference ≤ 1e-5)")
    with pytest.raises(AssertionError, match="largest absolute difference is 0.001"):
        maths.check_close(a, a + 1e-3, 1e-4)
    with pytest.raises(AssertionError, match="relative"):
        maths.check_close(a, a + 1e-3, 1e-6, relative=True)
    with pytest.raises(AssertionError):
        maths.check_close(a, a * float("nan"))
    with pytest.raises(ValueError, match="shape"):
        maths.check_close(a, a[0])
    with pytest.raises(ValueError):
        maths.check_close(a, a, tol=0)
