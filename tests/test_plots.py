import pytest
import torch

import labfns
from labfns.train import History


def history_of(n):
    rows = [
        {"epoch": e, "train_loss": 1 / e, "train_acc": 0.9, "valid_loss": 0.5 / e, "valid_acc": 0.95}
        for e in range(1, n + 1)
    ]
    return History(rows)


def test_plot_history_has_two_labelled_panels_and_is_closed():
    import matplotlib.pyplot as plt

    fig = labfns.plot_history(history_of(4))
    assert tuple(fig.get_size_inches()) == (9, 3.5)
    loss, acc = fig.axes
    assert loss.get_xlabel() == "epoch" and "loss" in loss.get_ylabel()
    assert acc.get_ylabel() == "accuracy"
    assert [line.get_label() for line in loss.get_lines()] == ["train", "valid"]
    assert fig.number not in plt.get_fignums()  # shown once, as the cell's value
    with pytest.raises(ValueError, match="no epochs"):
        labfns.plot_history(History())


def test_show_digits_titles_labels_and_mistakes():
    images = torch.rand(12, 784)
    labels = torch.arange(12) % 10
    preds = labels.clone()
    preds[3] = 7
    fig = labfns.show_digits(images, labels, preds, ncols=5)
    titles = [ax.get_title() for ax in fig.axes]
    assert len(fig.axes) == 15 and titles[0] == "0" and titles[3] == "3→7"
    with pytest.raises(ValueError, match="predictions"):
        labfns.show_digits(images, labels, preds[:5])
    with pytest.raises(ValueError, match="empty"):
        labfns.show_digits(images[:0])


def test_plot_activations_has_four_labelled_panels():
    import matplotlib.pyplot as plt

    torch.manual_seed(0)
    a1, a2, z = torch.relu(torch.randn(256)), torch.relu(torch.randn(128)), torch.randn(10)
    fig = labfns.plot_activations(torch.rand(28, 28), a1, a2, z, label=7)
    assert tuple(fig.get_size_inches()) == (12, 3.6)
    image, h1, h2, out = fig.axes[:4]
    assert "a 7" in image.get_title() and f"256 units\n{int((a1 > 0).sum())} of them" in h1.get_title()
    assert h1.get_images()[0].get_array().shape == (16, 16) and h2.get_images()[0].get_array().shape == (
        8,
        16,
    )
    assert out.get_xlabel() == "class m" and len(out.patches) == 10
    assert fig.number not in plt.get_fignums()
    with pytest.raises(TypeError, match="a1"):
        labfns.plot_activations(torch.rand(28, 28), [1, 2], a2, z)


def test_show_weights_one_panel_per_row_with_a_shared_scale():
    w = torch.randn(10, 784)
    fig = labfns.show_weights(w, titles=[f"m = {m}" for m in range(10)], ncols=5)
    images = [ax.get_images()[0] for ax in fig.axes if ax.get_images()]
    assert len(images) == 10 and fig.axes[0].get_title() == "m = 0"
    assert {im.get_clim() for im in images} == {images[0].get_clim()}
    assert images[0].get_clim()[0] == -images[0].get_clim()[1]
    with pytest.raises(ValueError, match="K×784"):
        labfns.show_weights(torch.randn(3, 10))
    with pytest.raises(ValueError, match="titles"):
        labfns.show_weights(w, titles=["a"])


def test_show_weights_without_titles_tiles_the_panels_into_one_image():
    w = torch.randn(7, 784)
    fig = labfns.show_weights(w, ncols=3, title="seven units")
    [image] = [im for ax in fig.axes for im in ax.get_images()]
    tiles = image.get_array()
    assert tiles.shape == (3 * 30 - 2, 3 * 30 - 2)  # 3 rows × 3 columns of 28×28, 2 pixels apart
    assert torch.equal(torch.as_tensor(tiles[30:58, 0:28].data), w[3].reshape(28, 28))  # row 1, column 0
    assert tiles.mask[28:30].all() and tiles.mask[60:, 30:].all()  # the gaps and the two empty panels
    assert image.get_clim() == (-float(w.abs().max()), float(w.abs().max()))
    assert fig._suptitle.get_text() == "seven units"


def test_plot_confusion_labels_every_cell_and_is_closed():
    import matplotlib.pyplot as plt

    counts = torch.tensor([[50, 2, 0], [1, 40, 7], [0, 3, 60]])
    fig = labfns.plot_confusion(counts)
    assert tuple(fig.get_size_inches()) == (6.5, 5.5)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "predicted digit" and ax.get_ylabel() == "true digit"
    assert sorted(int(t.get_text()) for t in ax.texts) == sorted(counts.flatten().tolist())
    assert fig.number not in plt.get_fignums()
    with pytest.raises(ValueError, match="square"):
        labfns.plot_confusion(counts[:2])
    with pytest.raises(ValueError, match="whole numbers"):
        labfns.plot_confusion(counts.float())


def test_show_probabilities_draws_a_digit_and_its_bars():
    import matplotlib.pyplot as plt

    images = torch.rand(5, 28, 28)
    probs = torch.softmax(torch.randn(5, 10), dim=1)
    labels = probs.argmax(dim=1)
    labels[0] = (labels[0] + 1) % 10  # one mistake
    fig = labfns.show_probabilities(images, probs, labels, ncols=3)
    assert len(fig.axes) == 10  # an image and a bar chart per digit
    titles = [ax.get_title() for ax in fig.axes[::2]]
    assert titles[0] == f"true {int(labels[0])}, said {int(probs[0].argmax())}"
    assert titles[1] == f"true {int(labels[1])}"
    assert len(fig.axes[1].patches) == 10 and fig.axes[1].get_ylim() == (0, 1)
    assert fig.number not in plt.get_fignums()
    with pytest.raises(ValueError, match="one row per image"):
        labfns.show_probabilities(images, probs[:4], labels)
    with pytest.raises(ValueError, match="one class per image"):
        labfns.show_probabilities(images, probs, labels[:4])


def test_plot_confusion_with_class_names():
    counts = torch.tensor([[5, 1, 0], [2, 7, 0], [0, 3, 9]])
    fig = labfns.plot_confusion(counts, class_names=["Shirt", "Coat", "Bag"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Shirt", "Coat", "Bag"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Shirt", "Coat", "Bag"]
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    with pytest.raises(ValueError, match="class_names"):
        labfns.plot_confusion(counts, class_names=["Shirt", "Coat"])


def test_plot_histories_one_colour_per_run():
    fig = labfns.plot_histories({"lr = 0.01": history_of(3), "lr = 0.001": history_of(5)})
    assert tuple(fig.get_size_inches()) == (10, 3.8)
    loss, acc = fig.axes
    assert loss.get_xlabel() == "epoch" and acc.get_ylabel() == "accuracy"
    labels = [line.get_label() for line in acc.get_lines()]
    assert labels == ["lr = 0.01: train", "lr = 0.01: valid", "lr = 0.001: train", "lr = 0.001: valid"]
    colours = [line.get_color() for line in loss.get_lines()]
    assert colours[0] == colours[1] != colours[2] == colours[3]
    assert list(loss.get_xticks()) == [1, 2, 3, 4, 5]
    with pytest.raises(ValueError, match="no epochs"):
        labfns.plot_histories({"empty": History()})
    with pytest.raises(ValueError, match="non-empty"):
        labfns.plot_histories({})


def network_texts(fig):
    return [t.get_text() for t in fig.axes[0].texts]


def test_plot_network_draws_the_slides_network_as_islr2_figure_10_4():
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle

    fig = labfns.plot_network()
    assert tuple(fig.get_size_inches()) == (9.5, 7)
    assert fig.number not in plt.get_fignums()  # shown once, as the cell's value
    [ax] = fig.axes
    texts = network_texts(fig)
    # each layer headed by its true size; the big layers drawn as 3 units, an ellipsis and the last one
    headings = [t for t in texts if "layer" in t]
    assert headings == [
        "input layer\n$p$ = 784",
        "hidden layer $L_{1}$\n$K_{1}$ = 256",
        "hidden layer $L_{2}$\n$K_{2}$ = 128",
        "output layer\n10 units",
    ]
    assert {"$X_{1}$", "$X_{3}$", "$X_{784}$", "$A^{(1)}_{256}$", "$A^{(2)}_{128}$"} <= set(texts)
    assert "$X_{4}$" not in texts and texts.count("⋮") == 3
    assert [f"$Y_{{{m}}}$" for m in range(10)] == [t for t in texts if t.startswith("$Y_")]
    assert [f"$f_{{{m}}}(X)$" for m in range(10)] == [t for t in texts if t.startswith("$f_")]
    # the weight matrices on the connections, with the intercepts' + 1, and the total of chapter 3
    matrices = [t for t in texts if "mathbf" in t]
    assert matrices == [
        "$\\mathbf{W}_{1}$\n785 × 256",
        "$\\mathbf{W}_{2}$\n257 × 128",
        "$\\mathbf{B}$\n129 × 10",
    ]
    assert "235,146 parameters" in ax.get_title()
    # 4 + 4 + 4 + 10 units drawn, and every drawn unit joined to every drawn unit of the next layer
    assert len([p for p in ax.patches if isinstance(p, Circle)]) == 22
    assert len(ax.get_lines()) == 4 * 4 + 4 * 4 + 4 * 10


def test_plot_network_small_networks_are_drawn_whole():
    fig = labfns.plot_network(4, (2, 3), 1)  # ISLR2's exercise 10.1: 23 parameters
    texts = network_texts(fig)
    assert "⋮" not in texts and {"$X_{4}$", "$A^{(1)}_{2}$", "$A^{(2)}_{3}$", "$Y$", "$f(X)$"} <= set(texts)
    assert "$\\mathbf{W}_{3}$" not in "".join(texts) and "$\\mathbf{B}$\n4 × 1" in texts
    assert "23 parameters" in fig.axes[0].get_title()
    assert len(fig.axes[0].get_lines()) == 4 * 2 + 2 * 3 + 3 * 1
    fig = labfns.plot_network(784, (512, 256, 128), 10)
    assert "$\\mathbf{W}_{3}$\n257 × 128" in network_texts(fig)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ({"p": 0}, ValueError, "p must be ≥ 1"),
        ({"p": 78.4}, TypeError, "p must be a whole number"),
        ({"hidden": 256}, TypeError, "hidden must be a tuple"),
        ({"hidden": ()}, TypeError, "hidden must be a tuple"),
        ({"hidden": (256, -1)}, ValueError, "each hidden layer size"),
        ({"n_classes": True}, TypeError, "n_classes"),
    ],
)
def test_plot_network_rejects_bad_sizes(args, error, match):
    with pytest.raises(error, match=match):
        labfns.plot_network(**args)


def test_plots_close_their_figure_when_they_fail_and_give_hints():
    import matplotlib.pyplot as plt

    images = torch.rand(5, 28, 28)
    before = len(plt.get_fignums())
    with pytest.raises(ValueError, match="class_names has 3 entries"):
        labfns.plot_confusion(torch.eye(4, dtype=torch.int64), class_names=["a", "b", "c"])
    assert len(plt.get_fignums()) == before  # the half-made figure was closed
    with pytest.raises(TypeError, match=r"probabilities\? .* predictions.argmax\(dim=1\)"):
        labfns.show_digits(images, torch.arange(5), torch.rand(5, 10))
    with pytest.raises(TypeError, match="one class number per image"):
        labfns.show_digits(images, ["a"] * 5)
    with pytest.raises(ValueError, match=r"not the outputs Z: use labfns.predict"):
        labfns.show_probabilities(images, torch.randn(5, 10) * 5, torch.arange(5))
    with pytest.raises(ValueError, match=r"down to .* \(standardised images\?\)"):
        labfns.show_digits((images - 0.13) / 0.3)
    labfns.show_weights(torch.nn.Linear(784, 4))  # a layer: its weight matrix
    with pytest.raises(ValueError, match="no rows"):
        labfns.show_weights(torch.zeros(0, 784))


def _quick(draw, *args, **kwargs):
    """Draw and render to PNG, as a notebook shows it; returns the seconds taken and the warnings."""
    import io
    import time
    import warnings

    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = draw(*args, **kwargs)
        fig.savefig(io.BytesIO(), format="png")
    return time.perf_counter() - start, [str(w.message) for w in caught]


def test_principle_5_every_plot_answers_in_seconds_or_says_why_it_draws_fewer():
    """Thousands of digits, probabilities, weight rows or classes: each picture is drawn and rendered in
    under 10 s, and where it draws fewer than it was given, a warning says so and how to see the rest."""
    g = torch.Generator().manual_seed(0)
    n = 3000
    images, labels = torch.rand(n, 28, 28, generator=g), torch.arange(n) % 10
    probs = torch.softmax(torch.randn(n, 10, generator=g), dim=1)
    weights = torch.randn(n, 784, generator=g)
    counts = torch.randint(0, 50, (120, 120), generator=g)
    cases = [
        (labfns.show_digits, (images, labels, labels.flip(0)), {}, "the first 200"),
        (labfns.show_probabilities, (images, probs, labels), {}, "the first 48"),
        (labfns.show_weights, (weights,), {}, "the first 1024"),
        (labfns.show_weights, (weights,), {"titles": list(range(n))}, "the first 128"),
        (labfns.plot_confusion, (counts,), {}, "not labelled with their counts beyond 40 classes"),
    ]
    for draw, args, kwargs, said in cases:
        seconds, warned = _quick(draw, *args, **kwargs)
        assert seconds < 10, (draw.__name__, seconds)
        assert any(said in w for w in warned), (draw.__name__, warned)
    seconds, warned = _quick(labfns.show_digits, images[:30], labels[:30])  # what a chapter draws: no warning
    assert not warned
