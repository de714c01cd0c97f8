import pytest
import torch
from torch import nn

import labfns
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


# ----------------------------------------------------------------------------------------------------------
# Chapters 8-11: the backward pass, the optimizer steps and dropout, against autograd, torch.optim and
# the dropout layers, on small synthetic tensors (64-bit floats, so the tolerances can be tight).


def _small_network(seed=0, sizes=(6, 5, 4, 3), n=7):
    """A small network's slides' matrices (intercepts in row 0), a batch and its labels, in float64."""
    g = torch.Generator().manual_seed(seed)
    p, k1, k2, m = sizes
    W1, W2, B = (
        torch.randn(a + 1, b, generator=g, dtype=torch.float64) for a, b in zip(sizes[:-1], sizes[1:])
    )
    x = torch.randn(n, p, generator=g, dtype=torch.float64)
    y = torch.randint(0, m, (n,), generator=g)
    return x, y, W1, W2, B


def _autograd(x, y, W1, W2, B, g, masks=None, reduction="mean"):
    """The same network through autograd: returns the loss and the gradients of W1, W2, B and x."""
    W1, W2, B, x = (t.clone().requires_grad_() for t in (W1, W2, B, x))
    A1 = g(maths.with_intercept(x) @ W1)
    if masks is not None:
        A1 = A1 * masks[0]
    A2 = g(maths.with_intercept(A1) @ W2)
    if masks is not None:
        A2 = A2 * masks[1]
    Z = maths.with_intercept(A2) @ B
    loss = nn.functional.cross_entropy(Z, y, reduction=reduction)
    loss.backward()
    return loss.detach(), W1.grad, W2.grad, B.grad, x.grad


@pytest.mark.parametrize("g", [maths.relu, maths.sigmoid, torch.relu, torch.sigmoid])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_backward_equals_autograd(g, reduction):
    x, y, W1, W2, B = _small_network()
    grads = maths.backward(x, y, W1, W2, B, g=g, reduction=reduction, input_grad=True)
    loss, dW1, dW2, dB, dX = _autograd(x, y, W1, W2, B, g, reduction=reduction)
    assert torch.allclose(grads.loss, loss, atol=1e-12)
    for mine, theirs in ((grads.dW1, dW1), (grads.dW2, dW2), (grads.dB, dB), (grads.dX, dX)):
        assert mine.shape == theirs.shape
        assert torch.allclose(mine, theirs, atol=1e-12)
    assert grads.dX is not None and maths.backward(x, y, W1, W2, B, g=g).dX is None


def test_backward_intermediates_equal_autograd():
    x, y, W1, W2, B = _small_network(1)
    grads = maths.backward(x, y, W1, W2, B)
    S1 = (maths.with_intercept(x) @ W1).requires_grad_()
    A1 = torch.relu(S1)
    A1.retain_grad()
    S2 = maths.with_intercept(A1) @ W2
    S2.retain_grad()
    A2 = torch.relu(S2)
    A2.retain_grad()
    Z = maths.with_intercept(A2) @ B
    Z.retain_grad()
    nn.functional.cross_entropy(Z, y).backward()
    for mine, t in ((grads.dZ, Z), (grads.dA2, A2), (grads.dS2, S2), (grads.dA1, A1), (grads.dS1, S1)):
        assert torch.allclose(mine, t.grad, atol=1e-12)
    fp = grads.forward
    assert torch.allclose(fp.Z, maths.layer(maths.layer(maths.layer(x, W1), W2), B, g=None), atol=1e-12)
    assert torch.allclose(grads.F.sum(dim=1), torch.ones(len(x), dtype=torch.float64))


def test_backward_with_dropout_masks_equals_autograd():
    x, y, W1, W2, B = _small_network(2)
    torch.manual_seed(0)
    masks = (
        maths.dropout_mask(torch.empty(len(x), 5, dtype=torch.float64), 0.4),
        maths.dropout_mask(torch.empty(len(x), 4, dtype=torch.float64), 0.3),
    )
    grads = maths.backward(x, y, W1, W2, B, masks=masks)
    loss, dW1, dW2, dB, _ = _autograd(x, y, W1, W2, B, torch.relu, masks=masks)
    assert torch.allclose(grads.loss, loss, atol=1e-12)
    assert torch.allclose(grads.dW1, dW1, atol=1e-12)
    assert torch.allclose(grads.dW2, dW2, atol=1e-12)
    assert torch.allclose(grads.dB, dB, atol=1e-12)
    assert (grads.dS1[masks[0] == 0] == 0).all()  # a dropped unit gets no gradient
    # a mask for one layer only
    one = maths.backward(x, y, W1, W2, B, masks=(masks[0], None))
    assert torch.allclose(one.forward.A1, maths.relu(maths.with_intercept(x) @ W1) * masks[0])


def test_backward_equals_the_networks_grad_in_the_slides_layout():
    torch.manual_seed(0)
    model = labfns.MNISTNet(hidden=(5, 4), n_inputs=6, n_classes=3).eval()
    x, y = torch.randn(7, 6), torch.randint(0, 3, (7,))
    nn.functional.cross_entropy(model(x), y).backward()
    W = [maths.weight_matrix(m) for m in (model.fc1, model.fc2, model.fc3)]
    grads = maths.backward(x, y, *W)
    for mine, m in ((grads.dW1, model.fc1), (grads.dW2, model.fc2), (grads.dB, model.fc3)):
        G = maths.gradient_matrix(m)
        assert G.shape == (m.in_features + 1, m.out_features) and not G.requires_grad
        assert torch.equal(G[0], m.bias.grad) and torch.equal(G[1:], m.weight.grad.T)
        assert torch.allclose(mine, G, atol=1e-6)


def test_gradient_matrix_needs_a_gradient_and_intercepts():
    with pytest.raises(ValueError, match="backward"):
        maths.gradient_matrix(nn.Linear(3, 2))
    with pytest.raises(ValueError, match="intercepts"):
        maths.gradient_matrix(nn.Linear(3, 2, bias=False))
    with pytest.raises(TypeError, match="nn.Linear"):
        maths.gradient_matrix(torch.zeros(3, 2))


def test_backward_checks_its_arguments():
    x, y, W1, W2, B = _small_network()
    with pytest.raises(ValueError, match="derivative"):
        maths.backward(x, y, W1, W2, B, g=torch.tanh)
    with pytest.raises(ValueError, match="masks"):
        maths.backward(x, y, W1, W2, B, masks=torch.ones(7, 5))
    with pytest.raises(ValueError, match="shape"):
        maths.backward(x, y, W1, W2, B, masks=(torch.ones(7, 4, dtype=torch.float64), None))
    with pytest.raises(ValueError, match="rows"):
        maths.backward(x, y[:3], W1, W2, B)
    with pytest.raises(ValueError, match="reduction"):
        maths.backward(x, y, W1, W2, B, reduction="none")
    with pytest.raises(ValueError, match="p \\+ 1"):
        maths.backward(x, y, W1[1:], W2, B)


def test_activation_derivatives_equal_autograd():
    z = torch.linspace(-8, 8, 801, dtype=torch.float64, requires_grad=True)
    (d_sigmoid,) = torch.autograd.grad(torch.sigmoid(z).sum(), z)
    (d_relu,) = torch.autograd.grad(torch.relu(z).sum(), z)
    z = z.detach()
    assert torch.allclose(maths.sigmoid(z), torch.sigmoid(z), atol=1e-15)
    assert torch.allclose(maths.sigmoid_grad(z), d_sigmoid, atol=1e-15)
    assert torch.equal(maths.relu_grad(z), d_relu)
    assert maths.relu_grad(torch.tensor([0.0])).item() == 0.0  # as PyTorch, 0 at the kink
    assert maths.sigmoid_grad(z).max() <= 0.25
    big = maths.sigmoid(torch.tensor([-1000.0, 1000.0]))  # no overflow, no NaN
    assert big.tolist() == [0.0, 1.0]


def test_step_flops_equals_pytorchs_count():
    from torch.utils.flop_counter import FlopCounterMode

    torch.manual_seed(0)
    model = labfns.MNISTNet(hidden=(5, 4), n_inputs=6, n_classes=3).eval()
    x, y = torch.randn(7, 6), torch.randint(0, 3, (7,))
    for input_grad in (False, True):
        xi = x.clone().requires_grad_(input_grad)
        with FlopCounterMode(display=False) as counter:
            nn.functional.cross_entropy(model(xi), y).backward()
        counts = maths.step_flops(7, 6, (5, 4), 3, input_grad=input_grad)
        assert counter.get_total_flops() == counts["total"]
    slides = maths.step_flops(1)
    assert slides["forward"] == slides["weight gradients"] == 2 * (784 * 256 + 256 * 128 + 128 * 10)
    assert slides["input gradients"] == 2 * (256 * 128 + 128 * 10)
    with pytest.raises(TypeError):
        maths.step_flops(1, hidden=256)


@pytest.mark.parametrize("weight_decay", [0.0, 0.01])
def test_sgd_step_equals_torch_optim_sgd(weight_decay):
    torch.manual_seed(0)
    w = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    w0 = w.detach().clone()
    opt = torch.optim.SGD([w], lr=0.1, weight_decay=weight_decay)
    (w**3).sum().backward()
    grad = w.grad.clone()
    opt.step()
    assert torch.allclose(maths.sgd_step(w0, grad, 0.1, weight_decay), w.detach(), atol=1e-15)


@pytest.mark.parametrize("options", [{}, {"lr": 0.001, "alpha": 0.9, "eps": 1e-6}, {"weight_decay": 0.01}])
def test_rmsprop_steps_equal_torch_optim_rmsprop(options):
    torch.manual_seed(0)
    w = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.RMSprop([w], **options)
    mine, v = w.detach().clone(), torch.zeros(4, 3, dtype=torch.float64)
    for step in range(3):
        opt.zero_grad()
        (w**3 + step * w).sum().backward()
        mine, v = maths.rmsprop_step(mine, w.grad.clone(), v, **options)
        opt.step()
        assert torch.allclose(mine, w.detach(), atol=1e-14)
        assert torch.allclose(v, opt.state[w]["square_avg"], atol=1e-14)


def test_rmsprops_first_step_is_lr_over_root_one_minus_alpha():
    w, v = maths.rmsprop_step(torch.zeros(3), torch.tensor([5.0, -0.01, 1e-3]), torch.zeros(3))
    assert torch.allclose(w.abs(), torch.full((3,), 0.01 / 0.1), rtol=1e-4)


def test_optimizer_steps_check_their_arguments():
    w = torch.zeros(2, 2)
    with pytest.raises(ValueError, match="shape"):
        maths.sgd_step(w, torch.zeros(2), 0.1)
    with pytest.raises(ValueError, match="lr"):
        maths.sgd_step(w, w, 0.0)
    with pytest.raises(ValueError, match="alpha"):
        maths.rmsprop_step(w, w, w, alpha=1.0)
    with pytest.raises(ValueError, match="shape of W"):
        maths.rmsprop_step(w, w, torch.zeros(3))


@pytest.mark.parametrize("p", [0.4, 0.3])
def test_dropout_mask_equals_the_networks_dropout(p):
    x = torch.rand(50, 20)
    torch.manual_seed(3)
    by_layer = labfns.Dropout(p).train()(x)
    torch.manual_seed(3)
    mask = maths.dropout_mask(x, p)
    assert torch.equal(x * mask, by_layer)
    assert torch.allclose(mask.unique(), torch.tensor([0.0, 1 / (1 - p)]))
    g = torch.Generator().manual_seed(1)
    again = maths.dropout_mask(x, p, generator=torch.Generator().manual_seed(1))
    assert torch.equal(maths.dropout_mask(x, p, generator=g), again)


def test_dropout_mask_expectation_and_edges():
    torch.manual_seed(0)
    masks = maths.dropout_mask(torch.empty(200_000), 0.4)
    assert abs(masks.mean().item() - 1.0) < 0.01  # E[m] = 1
    assert abs((masks == 0).float().mean().item() - 0.4) < 0.01
    assert torch.equal(maths.dropout_mask(torch.ones(5), 0.0), torch.ones(5))
    assert torch.equal(maths.dropout_mask(torch.ones(5), 1.0), torch.zeros(5))
    for bad in (-0.1, 1.5, float("nan"), True, "0.4"):
        with pytest.raises(ValueError, match="dropout rate"):
            maths.dropout_mask(torch.ones(3), bad)
    with pytest.raises(TypeError, match="generator"):
        maths.dropout_mask(torch.ones(3), 0.4, generator=0)


def test_check_close_states_the_tolerance_it_checked():
    a = torch.zeros(3)
    assert maths.check_close(a, a + 1.3e-6, tol=1.4e-6).endswith("≤ 1.4e-6)")
    assert maths.check_close(a, a, tol=1e-6).endswith("≤ 1e-6)")


def test_check_close_scaled_compares_with_the_largest_entry():
    b = torch.tensor([1e-4, 2e-7, 0.0])
    assert "of the largest |value|" in maths.check_close(b + 5e-10, b, tol=1e-5, scaled=True)
    with pytest.raises(AssertionError, match="of the largest value"):
        maths.check_close(b + 5e-9, b, tol=1e-5, scaled=True)  # 5e-9 > 1e-5 × 1e-4
    with pytest.raises(ValueError, match="not both"):
        maths.check_close(b, b, relative=True, scaled=True)


def test_flags_and_generators_are_checked_as_labfns_checks_them():
    x, y = torch.rand(4, 6), torch.tensor([0, 1, 2, 0])
    W1, W2, B = torch.rand(7, 5), torch.rand(6, 4), torch.rand(5, 3)
    with pytest.raises(TypeError, match="input_grad must be True or False, got str 'yes'"):
        maths.backward(x, y, W1, W2, B, input_grad="yes")
    with pytest.raises(TypeError, match="input_grad must be True or False, got int 1"):
        maths.step_flops(input_grad=1)
    with pytest.raises(TypeError, match="generator must be a torch.Generator or None, got int 0"):
        maths.dropout_mask(x, 0.4, generator=0)
