"""labfns.typical: a reader's run placed among stored runs (synthetic stored runs; the real file is checked
in test_studies.py)."""

import matplotlib
import pytest

import labfns
from labfns import typical
from labfns.train import History

STORE = {
    "provenance": {"code_hash": "x", "torch": "0"},
    "runs": [
        {
            "study": "lab",
            "lr": 0.01,
            "seed": s,
            "test_error": e,
            "history": {"valid_acc": [0.90 + 0.01 * s, 0.95 + 0.001 * s], "train_loss": [1.0, 0.5]},
            "test_acc": [0.9, 1 - e],
        }
        for s, e in enumerate([0.040, 0.050, 0.060, 0.045])
    ]
    + [{"study": "table", "model": "lda", "seed": 0, "test_error": 0.127}],
}


CNN_STORE = {
    "provenance": {"code_hash": "y"},
    "runs": [{"study": "cnn", "network": "cnn", "seed": 0, "test_error": 0.02}],
}


@pytest.fixture
def stored(monkeypatch):
    monkeypatch.setattr(typical, "_stored", lambda: STORE)
    monkeypatch.setattr(typical, "_stored_cnn", lambda: CNN_STORE)


def test_where_counts_the_runs_below_and_names_the_book_run(stored):
    p = labfns.where(0.048, "lab", "test_error", lr=0.01)
    assert (p.n, p.below, p.percentile, p.book, p.typical) == (4, 2, 50.0, 0.040, True)
    assert (p.low, p.high, p.median) == (0.040, 0.060, 0.0475)
    text = repr(p)
    assert (
        "4.80 %" in text
        and "above 2 of the book's 4 runs" in text
        and "seed 0: 4.00 %" in text
        and "network with lr 0.01 (seeds" in text
    )
    assert "typical" in text and "unusual" not in text


def test_where_says_when_a_run_is_outside_every_stored_one(stored):
    p = labfns.where(0.09, "lab", "test_error", lr=0.01)
    assert not p.typical and p.below == 4 and p.percentile == 100
    assert "unusual: it lies above every stored run" in repr(p)
    assert "below every" in repr(labfns.where(0.01, "lab", "test_error", lr=0.01))


def test_ties_count_half():
    p = typical.Placement(0.05, [(0, 0.05), (1, 0.04)], "test error", "test_error", "x")
    assert p.below == 1 and p.percentile == 75


def test_where_reads_a_per_epoch_metric_at_an_epoch(stored):
    p = labfns.where(0.925, "lab", "valid_acc", epoch=1, lr=0.01)
    assert p.below == 3 and p.epoch == 1 and "after epoch 1" in repr(p)
    assert labfns.where(0.951, "lab", "valid_acc", lr=0.01).epoch == 2  # default: the last epoch


def test_where_places_a_history_epoch_by_epoch(stored):
    h = History([{"epoch": 1, "valid_acc": 0.99}, {"epoch": 2, "valid_acc": 0.951}])
    p = labfns.where(h, "lab", lr=0.01)
    assert [q.typical for q in p.history] == [False, True] and p.epoch == 2
    assert "within the stored runs' range in 1 of 2 epochs (outside in epoch 1)" in repr(p)


def test_where_refuses_what_it_cannot_place(stored):
    with pytest.raises(ValueError, match="study must be one of 'cnn', 'lab', 'table'"):
        labfns.where(0.05, "labs", "test_error")
    with pytest.raises(TypeError, match="no setting lrate"):
        labfns.where(0.05, "lab", "test_error", lrate=0.01)
    with pytest.raises(ValueError, match=r"no runs with \{'lr': 0.1\}; its settings are: \{\"lr\": 0.01\}"):
        labfns.where(0.05, "lab", "test_error", lr=0.1)
    with pytest.raises(ValueError, match="metric must be one of"):
        labfns.where(0.05, "lab", "test_err", lr=0.01)
    with pytest.raises(ValueError, match="epoch must be a whole number from 1 to 2"):
        labfns.where(0.9, "lab", "valid_acc", epoch=3, lr=0.01)
    with pytest.raises(ValueError, match="leave out epoch"):
        labfns.where(0.05, "lab", "test_error", epoch=1, lr=0.01)
    with pytest.raises(TypeError, match="name the metric"):
        labfns.where(0.05, "lab", lr=0.01)
    for bad in (True, float("nan"), "0.05"):
        with pytest.raises(TypeError, match="finite number or a History"):
            labfns.where(bad, "lab", "test_error", lr=0.01)
    with pytest.raises(ValueError, match="does not record 'valid_acc'"):
        labfns.where(0.9, "table", "valid_acc", model="lda")


def test_band_is_the_range_widened_and_rounded_outwards(stored):
    # sd of 0.040, 0.050, 0.060, 0.045 is 0.00854: three of them (0.0256) exceed half the range (0.01)
    assert labfns.band("lab", "test_error", lr=0.01) == (0.0143, 0.0857)
    assert labfns.band("lab", "test_error", widen=2, lr=0.01) == (0.0, 0.1)  # 2 × range = 0.04 > 0.0256
    assert labfns.band("lab", "test_error", widen=3, lr=0.01) == (0.0, 0.12)  # clipped at 0


def test_band_is_never_narrower_than_the_images_allow(monkeypatch):
    runs = [{"study": "page", "seed": s, "test_error": e} for s, e in enumerate([0.0181, 0.0182, 0.0181])]
    monkeypatch.setattr(typical, "_stored", lambda: {"provenance": {}, "runs": runs})
    low, high = labfns.band("page", "test_error")  # binomial sd of 1.8 % on 10,000 images: 0.00133
    assert low < 0.0181 - 3 * 0.0013 and high > 0.0182 + 3 * 0.0013 and high < 0.0230
    low, high = typical._round(0.012345, typical.math.floor), typical._round(0.012345, typical.math.ceil)
    assert (low, high) == (0.0123, 0.0124)


def test_runs_is_one_row_per_run(stored):
    frame = typical.runs("lab", lr=0.01)
    assert len(frame) == 4 and list(frame["seed"]) == [0, 1, 2, 3]
    assert frame.loc[0, "valid_acc"] == [0.90, 0.95]
    assert len(typical.runs()) == 6 and len(typical.runs("cnn")) == 1  # the seed studies' and chapter 17's
    with pytest.raises(TypeError, match="name the study"):
        typical.runs(lr=0.01)


def test_plot_where_draws_runs_and_the_readers_value(stored):
    fig = labfns.plot_where(labfns.where(0.048, "lab", "test_error", lr=0.01))
    assert isinstance(fig, matplotlib.figure.Figure)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "test error (%)" and "your run" in [t.get_text() for t in ax.get_legend().texts]
    h = History([{"epoch": 1, "valid_acc": 0.92}, {"epoch": 2, "valid_acc": 0.951}])
    fig = labfns.plot_where(labfns.where(h, "lab", lr=0.01))
    assert fig.axes[0].get_xlabel() == "epoch" and fig.axes[0].get_ylabel() == "validation accuracy (%)"
    with pytest.raises(TypeError, match="what labfns.where returns"):
        labfns.plot_where(0.05)


def test_a_missing_file_says_how_to_make_it(monkeypatch, tmp_path):
    monkeypatch.setattr(typical, "STUDY_FILE", tmp_path / "seed_studies.json")
    typical._stored.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match="make seeds"):
            labfns.where(0.05, "lab", "test_error", lr=0.01)
    finally:
        typical._stored.cache_clear()


def test_chapter_17s_study_is_read_from_its_own_file(monkeypatch, tmp_path):
    p = labfns.where(0.024, "cnn", "test_error", network="cnn")
    assert "the convolutional network of chapter 17 (5 epochs)" in repr(p) and p.n == 10
    low, high = labfns.band("cnn", "acc_right_2", network="dense")
    assert 0 <= low < high <= 1
    assert "test accuracy on the digits 2 px right" in repr(
        labfns.where(0.9, "cnn", "acc_right_2", network="cnn")
    )
    monkeypatch.setattr(typical, "CNN_STUDY_FILE", tmp_path / "cnn_study.json")
    typical._stored_cnn.cache_clear()
    try:
        assert len(labfns.typical.runs("lab", lr=0.01)) == 20  # the other studies do not need the file
        with pytest.raises(FileNotFoundError, match="seed_studies.py --cnn"):
            labfns.typical.runs("cnn")
    finally:
        typical._stored_cnn.cache_clear()
