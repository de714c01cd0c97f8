import pytest
import torch

import labfns


def test_mnistnet_layers_and_parameter_count():
    model = labfns.MNISTNet()
    assert (model.fc1.in_features, model.fc1.out_features) == (784, 256)
    assert (model.fc2.in_features, model.fc2.out_features) == (256, 128)
    assert (model.fc3.in_features, model.fc3.out_features) == (128, 10)
    assert (model.drop1.p, model.drop2.p) == (0.4, 0.3)
    assert labfns.count_parameters(model) == 235_146


def test_forward_accepts_images_or_vectors():
    model = labfns.MNISTNet().eval()
    x = torch.rand(3, 28, 28)
    assert model(x).shape == (3, 10)
    assert torch.equal(model(x), model(x.reshape(3, 784)))


def test_summary_matches_r_print():
    s = labfns.summary(labfns.MNISTNet())
    assert s.total == 235_146
    assert s.modules["fc1"] == ("Linear", 200_960)
    assert s.modules["fc2"] == ("Linear", 32_896)
    assert s.modules["fc3"] == ("Linear", 1_290)
    assert s.modules["drop1"] == ("Dropout", 0)
    text = repr(s)
    assert "235,146 parameters" in text and "* fc1: <Linear> #200,960 parameters" in text


def test_set_seed_makes_init_repeatable():
    labfns.set_seed(3)
    a = labfns.MNISTNet().fc1.weight.clone()
    labfns.set_seed(3)
    b = labfns.MNISTNet().fc1.weight
    labfns.set_seed(4)
    c = labfns.MNISTNet().fc1.weight
    assert torch.equal(a, b) and not torch.equal(a, c)
    with pytest.raises(TypeError, match="seed"):
        labfns.set_seed(1.5)


def test_dropout_zeroes_a_share_p_and_rescales():
    torch.manual_seed(0)
    drop = labfns.model.Dropout(p=0.4).train()
    y = drop(torch.ones(1000, 100))
    assert abs((y == 0).float().mean().item() - 0.4) < 0.01
    assert torch.allclose(y[y != 0], torch.full_like(y[y != 0], 1 / 0.6))
    assert abs(y.mean().item() - 1.0) < 0.02  # unbiased: the expectation is unchanged
    x = torch.randn(5, 7)
    assert torch.equal(drop.eval()(x), x)
    assert isinstance(drop, torch.nn.Dropout)
