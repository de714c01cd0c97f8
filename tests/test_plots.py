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
