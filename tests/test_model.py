import re

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


def test_dropout_gradient_is_the_mask():
    # backward passes the gradient through the kept units, scaled by 1/(1 − p), and zero through the dropped
    torch.manual_seed(1)
    x = (torch.rand(64, 50) + 0.5).requires_grad_()  # no zeros: a zero output means a dropped unit
    y = labfns.Dropout(p=0.3).train()(x)
    y.sum().backward()
    assert torch.equal(x.grad, (y != 0).float() / 0.7)
    assert torch.allclose(y, x.detach() * x.grad)


def trained(tiny):
    images, labels = tiny
    labfns.set_seed(0)
    model = labfns.MNISTNet()
    labfns.fit(model, images, labels, epochs=1, batch_size=32, verbose=False)
    return model


def test_save_load_round_trips_exactly(tiny, tmp_path):
    model = trained(tiny)
    path = tmp_path / "my models" / "mnist net.pt"  # spaces in the path
    path.parent.mkdir()
    assert labfns.save(model, path) is None  # from the GPU, where fit ran, if there is one
    labfns.set_seed(1)
    fresh = labfns.MNISTNet()
    assert labfns.load(fresh, str(path)) is fresh  # into a network on the CPU
    model.cpu()
    for (name, a), (_, b) in zip(model.state_dict().items(), fresh.state_dict().items()):
        assert torch.equal(a, b), name
    images, _ = tiny
    assert torch.equal(labfns.predict(model, images), labfns.predict(fresh, images))


def test_load_into_another_architecture_names_the_layers(tmp_path):
    path = tmp_path / "small.pt"
    labfns.save(labfns.MNISTNet(hidden=(128, 64)), path)
    with pytest.raises(ValueError) as err:
        labfns.load(labfns.MNISTNet(), path)
    msg = str(err.value)
    assert "another architecture" in msg
    assert "fc1.weight is 128×784 in the file but 256×784 in the model" in msg
    assert "fc2.weight is 64×128 in the file but 128×256 in the model" in msg
    assert "fc3.weight" in msg and "the file fits MNISTNet(hidden=(128, 64))" in msg

    class Deeper(labfns.MNISTNet):
        def __init__(self):
            super().__init__()
            self.fc4 = torch.nn.Linear(10, 10)

    labfns.save(Deeper(), path)
    with pytest.raises(ValueError, match=r"the model has no fc4\.weight, fc4\.bias"):
        labfns.load(labfns.MNISTNet(), path)
    labfns.save(labfns.MNISTNet(), path)
    with pytest.raises(ValueError, match=r"the file has no fc4\.weight, fc4\.bias"):
        labfns.load(Deeper(), path)


def test_load_refuses_what_is_not_a_state_dict(tmp_path):
    model = labfns.MNISTNet()
    with pytest.raises(FileNotFoundError, match="no saved weights at"):
        labfns.load(model, tmp_path / "nothing.pt")
    (tmp_path / "garbage.pt").write_bytes(b"not a torch file")
    with pytest.raises(ValueError, match="not a file of weights written by labfns.save"):
        labfns.load(model, tmp_path / "garbage.pt")
    torch.save(model, tmp_path / "whole.pt")  # the pickled module, code and all: weights_only refuses it
    with pytest.raises(ValueError, match=r"holds pickled Python objects .* If you trust the file: model ="):
        labfns.load(model, tmp_path / "whole.pt")
    torch.save({"model": model.state_dict(), "epoch": 3}, tmp_path / "checkpoint.pt")
    with pytest.raises(ValueError, match=r"a checkpoint .* torch.load\(path\)\['model'\]"):
        labfns.load(model, tmp_path / "checkpoint.pt")
    with pytest.raises(IsADirectoryError, match="is a folder"):
        labfns.load(model, tmp_path)
    torch.save([torch.zeros(2)], tmp_path / "list.pt")
    with pytest.raises(ValueError, match="holds a list, not the state dict"):
        labfns.load(model, tmp_path / "list.pt")
    with pytest.raises(TypeError, match=r"labfns.load\(labfns.MNISTNet\(\), path\)"):
        labfns.load(str(tmp_path / "whole.pt"))
    with pytest.raises(TypeError, match=r"labfns.load\(labfns.MNISTNet\(\), path\)"):
        labfns.load(tmp_path / "whole.pt", model)
    with pytest.raises(FileNotFoundError, match="the folder .* does not exist"):
        labfns.save(model, tmp_path / "no such folder" / "m.pt")
    with pytest.raises(IsADirectoryError, match="give a file name"):
        labfns.save(model, tmp_path)
    with pytest.raises(TypeError, match="got the class MNISTNet; call it: MNISTNet()"):
        labfns.save(labfns.MNISTNet, tmp_path / "m.pt")


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"hidden": (256,)}, ValueError, r"hidden must be the two hidden layer sizes .* got \(256,\)"),
        ({"hidden": (256, 0)}, ValueError, "each hidden layer size must be ≥ 1, got 0"),
        ({"hidden": (256.0, 128)}, TypeError, "each hidden layer size must be a whole number"),
        ({"dropout": 0.4}, ValueError, "dropout must be two rates"),
        ({"dropout": (0.4, 1.5)}, ValueError, r"each dropout rate must be a number in \[0, 1\), got 1.5"),
        ({"n_classes": 0}, ValueError, "n_classes must be ≥ 1"),
    ],
)
def test_mnistnet_rejects_bad_sizes(kwargs, error, match):
    with pytest.raises(error, match=match):
        labfns.MNISTNet(**kwargs)


def test_forward_says_what_is_wrong_with_its_input():
    model = labfns.MNISTNet().eval()
    with pytest.raises(ValueError, match=r"a single image needs a batch dimension: x\[None\]"):
        model(torch.rand(28, 28))
    with pytest.raises(
        ValueError, match=r"x must be a batch of inputs, N×28×28 or N×784, got shape \(3, 700\)"
    ):
        model(torch.rand(3, 700))
    with pytest.raises(TypeError, match=r"x has dtype torch.uint8 .* use x.float\(\) / 255"):
        model(torch.zeros(3, 28, 28, dtype=torch.uint8))
    with pytest.raises(
        TypeError, match=r"x has dtype torch.float64 but the network's weights are torch.float32"
    ):
        model(torch.rand(3, 784, dtype=torch.float64))
    with pytest.raises(TypeError, match="x must be a torch.Tensor"):
        model([[0.0] * 784])
    assert model(torch.rand(0, 784)).shape == (0, 10)  # an empty batch is not an error here


def test_dropout_of_one_drops_everything():
    drop = labfns.Dropout(p=1.0).train()
    assert torch.equal(drop(torch.ones(4, 5)), torch.zeros(4, 5))


def test_counting_needs_a_network():
    with pytest.raises(TypeError, match=r"call it: MNISTNet\(\)"):
        labfns.count_parameters(labfns.MNISTNet)
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        labfns.summary("MNISTNet")


def test_save_and_load_wrappers_folders_and_permissions(tmp_path):
    model = labfns.MNISTNet()
    with pytest.raises(IsADirectoryError, match=r"names a folder; give a file name.*os.makedirs"):
        labfns.save(model, str(tmp_path / "runs") + "/")
    assert not (tmp_path / "runs").exists()  # no file called runs
    (tmp_path / "afile").write_text("x")
    with pytest.raises(NotADirectoryError, match="afile is a file, not a folder"):
        labfns.save(model, tmp_path / "afile" / "net.pt")
    # a DataParallel-style prefix on every name is taken off when the rest fits
    wrapped = torch.nn.Module()
    wrapped.module = labfns.MNISTNet()
    labfns.save(wrapped, tmp_path / "wrapped.pt")
    fresh = labfns.load(labfns.MNISTNet(), tmp_path / "wrapped.pt")
    assert torch.equal(fresh.fc1.weight, wrapped.module.fc1.weight)
    # an existing file keeps its permissions; a link keeps pointing at its (rewritten) target
    target = tmp_path / "net.pt"
    labfns.save(model, target)
    target.chmod(0o600)
    (tmp_path / "link.pt").symlink_to(target)
    labfns.save(labfns.MNISTNet(), tmp_path / "link.pt")
    assert (tmp_path / "link.pt").is_symlink()
    assert target.stat().st_mode & 0o777 == 0o600
    labfns.save(model, tmp_path / ("a" * 240 + ".pt"))  # a long (legal) name: the temporary one is short


def test_mnistnet_refuses_a_dropout_rate_of_one():
    with pytest.raises(ValueError, match=r"a rate of 1 drops every unit, and nothing is learned"):
        labfns.MNISTNet(dropout=(1, 1))


def test_counting_a_lazy_network_says_what_to_do():
    lazy = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.LazyLinear(10))
    with pytest.raises(ValueError, match=r"lazy layers have no weights yet .* model\(images\[:1\]\)"):
        labfns.count_parameters(lazy)


@pytest.mark.parametrize("version", ["2.5.1", "2.1.0+cu121", "1.13.1"])
def test_principle_7_load_refuses_torch_before_2_6(tmp_path, monkeypatch, version):
    """Before PyTorch 2.6, torch.load(weights_only=True) can run code from a crafted file (CVE-2025-32434):
    labfns.load refuses to read, naming the version, before it opens the file."""
    labfns.save(labfns.MNISTNet(), tmp_path / "net.pt")
    monkeypatch.setattr(torch, "__version__", version)
    opened = []
    monkeypatch.setattr(torch, "load", lambda *a, **k: opened.append(1))
    with pytest.raises(RuntimeError, match=rf"PyTorch {re.escape(version)}: before 2\.6\.0.*CVE-2025-32434"):
        labfns.load(labfns.MNISTNet(), tmp_path / "net.pt")
    assert not opened


def test_principle_7_load_reads_on_torch_2_6_and_later(tmp_path, monkeypatch):
    model = labfns.MNISTNet()
    labfns.save(model, tmp_path / "net.pt")
    for version in ("2.6.0", "2.10.0.dev20250101", "3.0.0"):
        monkeypatch.setattr(torch, "__version__", version)
        assert torch.equal(labfns.load(labfns.MNISTNet(), tmp_path / "net.pt").fc1.weight, model.fc1.weight)
