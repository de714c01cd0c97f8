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
    assert tuple(fig.get_size_inches()) == (12, 3.4)
    image, h1, h2, out = fig.axes[:4]
    assert "a 7" in image.get_title() and f"{int((a1 > 0).sum())} of 256" in h1.get_title()
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
