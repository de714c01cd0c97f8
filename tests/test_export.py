"""labfns.export_weights_js / load_weights_js (chapter 16, "Draw a digit") on a tiny network."""

import base64
import json

import numpy as np
import pytest
import torch
from node_page import page_says

import labfns
from labfns.export import PREFIX


@pytest.fixture
def small():
    labfns.set_seed(0)
    return labfns.MNISTNet(hidden=(6, 4)).eval()


def test_round_trip_is_exact(small, tiny, tmp_path):
    images, labels = tiny
    digits = torch.round(images[:5] * 255) / 255  # MNIST-like grey levels k/255
    info = labfns.export_weights_js(small, tmp_path / "sub" / "net.js", digits=digits, labels=labels[:5])
    assert info["layers"] == [("fc1", 784, 6), ("fc2", 6, 4), ("fc3", 4, 10)]
    assert info["parameters"] == labfns.count_parameters(small) == 785 * 6 + 7 * 4 + 5 * 10
    assert info["digits"] == 5
    assert info["bytes"] == (tmp_path / "sub" / "net.js").stat().st_size

    back = labfns.load_weights_js(tmp_path / "sub" / "net.js")
    assert back["layers"] == info["layers"]
    for name, value in small.state_dict().items():
        assert torch.equal(back["state_dict"][name], value), name
    assert torch.equal(back["digits"], digits)
    assert torch.equal(back["labels"], labels[:5])

    other = labfns.MNISTNet(hidden=(6, 4)).eval()
    other.load_state_dict(back["state_dict"])
    assert torch.equal(labfns.predict(other, digits), labfns.predict(small, digits))


def test_file_is_one_global_assignment_of_json(small, tmp_path):
    path = tmp_path / "net.js"
    labfns.export_weights_js(small, path)
    text = path.read_text()
    assert text.startswith("// ") and text.endswith(";\n")
    body = text[text.index(PREFIX) + len(PREFIX) :].rstrip().rstrip(";")
    spec = json.loads(body)
    assert PREFIX == "window.MNIST_NET = "
    assert spec["format"] == 1 and spec["activation"] == "relu" and spec["output"] == "softmax"
    assert "digits" not in spec
    fc1 = spec["layers"][0]
    w = np.frombuffer(base64.b64decode(fc1["weight"]), dtype="<f4")
    assert w.size == 6 * 784
    assert np.array_equal(w.reshape(6, 784), small.fc1.weight.detach().numpy())  # PyTorch's out × in layout


def test_export_is_deterministic(small, tmp_path):
    labfns.export_weights_js(small, tmp_path / "a.js")
    labfns.export_weights_js(small, tmp_path / "b.js")
    assert (tmp_path / "a.js").read_bytes() == (tmp_path / "b.js").read_bytes()


def test_bad_arguments(small, tiny, tmp_path):
    images, labels = tiny
    with pytest.raises(ValueError, match="together"):
        labfns.export_weights_js(small, tmp_path / "x.js", digits=images[:3])
    with pytest.raises(ValueError, match="same length"):
        labfns.export_weights_js(small, tmp_path / "x.js", digits=images[:3], labels=labels[:2])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        labfns.export_weights_js(small, tmp_path / "x.js", digits=images[:3] * 2, labels=labels[:3])
    with pytest.raises(TypeError, match="class"):
        labfns.export_weights_js(labfns.MNISTNet, tmp_path / "x.js")
    with pytest.raises(ValueError, match="no nn.Linear"):
        labfns.export_weights_js(torch.nn.ReLU(), tmp_path / "x.js")
    broken = torch.nn.Sequential(torch.nn.Linear(784, 5), torch.nn.Linear(6, 10))
    with pytest.raises(ValueError, match="takes 6 inputs"):
        labfns.export_weights_js(broken, tmp_path / "x.js")
    (tmp_path / "other.js").write_text("var x = 1;\n")
    with pytest.raises(ValueError, match="not a file written by export_weights_js"):
        labfns.load_weights_js(tmp_path / "other.js")


def test_export_refuses_what_the_page_cannot_compute(tmp_path):
    import pytest

    sigmoid = torch.nn.Sequential(
        torch.nn.Flatten(), torch.nn.Linear(784, 16), torch.nn.Sigmoid(), torch.nn.Linear(16, 10)
    )
    with pytest.raises(ValueError, match="computes something else"):
        labfns.export_weights_js(sigmoid, tmp_path / "w.js")
    spare = labfns.MNISTNet()
    spare.extra = torch.nn.Linear(10, 3)
    with pytest.raises(
        ValueError, match="fc3 has 10 outputs but extra takes 10|computes something else|this one has 4"
    ):
        labfns.export_weights_js(spare, tmp_path / "w.js")
    with pytest.raises(ValueError, match="intercept"):
        labfns.export_weights_js(torch.nn.Sequential(torch.nn.Linear(784, 10, bias=False)), tmp_path / "w.js")


def test_export_and_read_back_errors(tmp_path, monkeypatch):
    import pytest

    monkeypatch.setenv("HOME", str(tmp_path))
    labfns.export_weights_js(labfns.MNISTNet(), "~/w.js")  # ~ is the home folder, as for save and load
    assert (tmp_path / "w.js").is_file()
    assert labfns.load_weights_js("~/w.js")["layers"][0] == ("fc1", 784, 256)
    with pytest.raises(FileNotFoundError, match="is missing"):
        labfns.load_weights_js(tmp_path / "nothing.js")
    (tmp_path / "cut.js").write_text((tmp_path / "w.js").read_text()[:1000] + ";")
    with pytest.raises(ValueError, match="is damaged .* export the network again"):
        labfns.load_weights_js(tmp_path / "cut.js")
    (tmp_path / "afile").write_text("x")
    with pytest.raises(NotADirectoryError, match="is a file, not a folder"):
        labfns.export_weights_js(labfns.MNISTNet(), tmp_path / "afile" / "w.js")


@pytest.mark.parametrize(
    ("model", "message"),
    [
        (
            lambda: labfns.MNISTNet(n_classes=5),
            r"shows the probabilities of the 10 digits, but fc3 has 5 outputs",
        ),
        (
            lambda: labfns.MNISTNet(n_inputs=100),
            r"feeds the 784 pixels of a 28×28 drawing to fc1, which takes 100",
        ),
        (lambda: labfns.LogisticNet(), r"runs networks of 2 or 3 linear layers .* but this one has 1: fc"),
    ],
)
def test_principle_2_export_refuses_a_network_the_page_cannot_run(tmp_path, model, message):
    with pytest.raises(ValueError, match=message):
        labfns.export_weights_js(model(), tmp_path / "w.js")
    assert not (tmp_path / "w.js").exists()


def test_principle_2_export_refuses_nan_or_inf_weights_with_its_own_message(small, tmp_path):
    for bad in (float("nan"), float("inf")):
        with torch.no_grad():
            small.fc2.weight[0, 0] = bad
        with pytest.raises(ValueError, match=r"weights hold NaN or infinite values \(fc2.weight\)"):
            labfns.export_weights_js(small, tmp_path / "w.js")


def _damage(path, change):
    """Rewrite the exported file with ``change(spec)`` applied (still valid JSON)."""
    text = path.read_text()
    start = text.index(PREFIX) + len(PREFIX)
    spec = json.loads(text[start:].rstrip().rstrip(";"))
    change(spec)
    path.write_text(text[:start] + json.dumps(spec) + ";\n")


def _halve(layer, key):
    raw = base64.b64decode(layer[key])
    layer[key] = base64.b64encode(raw[: len(raw) // 2]).decode()


DAMAGES = {
    "fc2's weights cut in half": (
        lambda s: _halve(s["layers"][1], "weight"),
        r"fc2's weights \(4×6\) hold 12 numbers, not 24",
    ),
    "fc3's intercepts cut in half": (
        lambda s: _halve(s["layers"][2], "bias"),
        r"fc3's intercepts \(10\) hold 5",
    ),
    "a layer without its name": (lambda s: s["layers"][0].pop("name"), r"layer 1 lacks its name"),
    "sizes that do not chain": (
        lambda s: s["layers"][1].update({"in": 5}),
        r"fc2 takes 5 inputs but fc1 gives 6",
    ),
    "one label for three digits": (
        lambda s: s["digits"].update({"labels": [7]}),
        r"it has 1 labels for 3 digits",
    ),
    "pixels cut short": (lambda s: _halve(s["digits"], "pixels"), r"the pixels of 3 digits of 784 hold"),
    "not base64": (
        lambda s: s["layers"][0].update({"bias": "@@@"}),
        r"fc1's intercepts \(6\) are not base64",
    ),
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_principle_2_load_weights_js_refuses_a_damaged_file(small, tiny, tmp_path, damage):
    path = tmp_path / "w.js"
    labfns.export_weights_js(small, path, digits=tiny[0][:3], labels=tiny[1][:3])
    change, message = DAMAGES[damage]
    _damage(path, change)
    with pytest.raises(ValueError, match=rf"w.js is damaged: {message}.*Export the network again"):
        labfns.load_weights_js(path)


@pytest.mark.parametrize(
    "damage", ["fc2's weights cut in half", "fc3's intercepts cut in half", "pixels cut short"]
)
def test_principle_2_the_page_refuses_a_damaged_file_with_a_message(small, tiny, tmp_path, damage):
    """The page's own loader (draw_digit.js), run in Node with a stand-in document: a damaged file shows a
    message naming the problem instead of answering; an intact one goes on to build the page."""
    path = tmp_path / "w.js"
    labfns.export_weights_js(small, path, digits=tiny[0][:3], labels=tiny[1][:3])

    def says():
        text = path.read_text()
        return page_says(text[text.index(PREFIX) + len(PREFIX) :].rstrip().rstrip(";"), tmp_path)

    assert "damaged" not in says()
    _damage(path, DAMAGES[damage][0])
    said = says()
    assert said.startswith("The network's weights (draw_digit/mnist_net.js) are damaged: ")
    assert {
        "fc2's weights cut in half": "fc2's weights hold 12 numbers, not 24 (4×6)",
        "fc3's intercepts cut in half": "fc3's intercepts hold 5 numbers, not 10",
        "pixels cut short": "the digits' pixels do not make 3 images",
    }[damage] in said
