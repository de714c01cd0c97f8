import pytest

import labfns.book
from labfns import glue


def test_glue_uses_myst_nb_when_installed(monkeypatch):
    calls = []
    monkeypatch.setattr(labfns.book, "_myst_glue", lambda *a, **kw: calls.append((a, kw)))
    glue("n_train", 60000, display=False)
    assert calls == [(("n_train", 60000), {"display": False})]


def test_glue_without_myst_nb_only_shows(monkeypatch, capsys):
    monkeypatch.setattr(labfns.book, "_myst_glue", None)
    assert glue("hidden", 1, display=False) is None
    assert capsys.readouterr().out == ""
    glue("shown", 42)
    assert "42" in capsys.readouterr().out


def test_glue_rejects_bad_names():
    with pytest.raises(ValueError, match="name"):
        glue("not a name", 1)


def test_check_within_prints_a_stable_verdict_or_raises(capsys):
    from labfns.book import check_within

    assert check_within("test accuracy", 0.9537, 0.9, 0.975) is None  # a cell's last line shows nothing
    assert capsys.readouterr().out == "test accuracy is within [0.9, 0.975] ✓\n"  # no digits of the value
    with pytest.raises(ValueError, match=r"test accuracy = 0.85 is outside \[0.9, 0.975\]"):
        check_within("test accuracy", 0.85, 0.9, 0.975)
    with pytest.raises(ValueError, match="outside"):
        check_within("loss", float("nan"), 0, 1)
    with pytest.raises(ValueError, match="the band .* is empty"):
        check_within("x", 1, 2, 1)
    with pytest.raises(TypeError, match="value must be a number"):
        check_within("x", "0.9", 0, 1)


def test_check_within_in_a_readers_run_says_where_the_value_is_and_goes_on(capsys, monkeypatch):
    from labfns.book import check_within, strict

    monkeypatch.delenv("LABFNS_STRICT")
    assert not strict()
    check_within("test accuracy", 0.85, 0.9, 0.975)  # no exception: the notebook goes on
    out = capsys.readouterr().out
    assert out.startswith("⚠ test accuracy = 0.85 is outside [0.9, 0.975]") and "goes on" in out
    check_within("test accuracy", 0.95, 0.9, 0.975)
    assert capsys.readouterr().out == "test accuracy is within [0.9, 0.975] ✓\n"
    with pytest.raises(ValueError, match="the band .* is empty"):  # a wrong call still stops
        check_within("x", 1, 2, 1)
    monkeypatch.setenv("LABFNS_STRICT", "0")
    assert not strict()
    monkeypatch.setenv("LABFNS_STRICT", "1")
    assert strict()


def test_close_figure_closes_and_returns_the_figure():
    import matplotlib.pyplot as plt

    from labfns.book import close_figure

    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    assert close_figure(fig) is fig
    assert fig.number not in plt.get_fignums()
    with pytest.raises(TypeError, match="must be a matplotlib Figure"):
        close_figure(ax)


def test_lab_network_is_the_lab_preamble(tiny):
    import torch

    import labfns

    images, labels = tiny
    model, history = labfns.lab_network(images, labels, epochs=2, batch_size=32)
    labfns.set_seed(0)
    by_hand = labfns.MNISTNet()
    again = labfns.fit(by_hand, images, labels, epochs=2, batch_size=32, verbose=False)
    assert history.rows == again.rows and not model.training
    assert all(torch.equal(a, b) for a, b in zip(model.parameters(), by_hand.parameters()))
    with pytest.raises(TypeError, match="fit, which has no hidden"):
        labfns.lab_network(images, labels, hidden=(3, 3))
