"""The stored seed studies (labfns/seed_studies.json) stay honest: made by the code that is here, complete,
and a fixed sample of them, trained again, lands among them."""

import json

import pytest
import torch

from labfns import convnet, studies, typical

REMAKE = "run `make seeds` (about 40 minutes) and commit labfns/seed_studies.json"


def _stored():
    return json.loads(studies.STUDY_FILE.read_text(encoding="utf-8"))


def test_the_stored_runs_were_made_by_this_code():
    made_by, now = _stored()["provenance"]["code_hash"], studies.code_hash()
    assert made_by == now, (
        f"labfns/seed_studies.json was made by other code (code hash {made_by}; the code here has {now}): "
        f"labfns' data, model, train or studies module changed since. {REMAKE}"
    )


def test_the_stored_runs_are_the_plan_and_say_where_they_come_from():
    stored = _stored()
    keys = {"study", "seed", "lr", "model", "lam", "network"}
    have = sorted(json.dumps({k: r[k] for k in keys & set(r)}, sort_keys=True) for r in stored["runs"])
    want = sorted(json.dumps(spec, sort_keys=True) for spec in studies.plan())
    assert have == want, f"the stored runs are not labfns.studies.plan(): {REMAKE}"
    for field in ("command", "code_hash", "torch", "cpu", "threads_per_job", "date", "labfns"):
        assert stored["provenance"].get(field), f"the provenance lacks {field}"
    for row in stored["runs"]:
        assert 0 <= row["test_error"] <= 1
        if row["study"] == "lab":
            assert len(row["test_acc"]) == len(row["dead_units"]) == len(row["history"]["valid_acc"]) == 10


def test_the_code_hash_ignores_comments_docstrings_and_layout_but_not_code():
    src = 'def f(x):\n    """Doc."""\n    return x + 1  # one\n'
    same = 'def f(x):\n    """Other words,\n    two lines."""\n\n    return (x\n            + 1)\n'
    other = 'def f(x):\n    """Doc."""\n    return x + 2\n'
    tokens = studies._code_tokens
    assert tokens(src) == tokens(same.replace("(x\n            + 1)", "x + 1")) != tokens(other)


# One run of each study, trained again here with the torch threads of this machine: a run of another
# machine or thread count is another draw, so it must land within the stored runs' range, widened as
# the chapters' bands are (labfns.band); LDA has no randomness and must give the stored error.
SAMPLE = [
    {"study": "lab", "lr": 0.01, "seed": 19},
    {"study": "lab", "lr": 0.001, "seed": 19},
    {"study": "table", "model": "dropout", "seed": 9},
    {"study": "table", "model": "lda", "seed": 0},
    {"study": "wide", "lr": 0.001, "network": "one", "seed": 9},
    {"study": "fashion", "lr": 0.001, "seed": 9},
    {"study": "page", "seed": 4},
]


@pytest.mark.parametrize("spec", SAMPLE, ids=lambda s: "-".join(str(v) for v in s.values()))
def test_a_sample_trained_again_lands_among_the_stored_runs(spec):
    assert spec in studies.plan()
    setting = {k: v for k, v in spec.items() if k not in ("study", "seed")}
    with torch.random.fork_rng():
        row = studies.run(spec, studies.load_data(spec["study"]))
    if spec.get("model") == "lda":
        stored = typical.runs("table", model="lda")["test_error"].item()
        assert row["test_error"] == pytest.approx(stored, abs=2e-4)
        return
    low, high = typical.band(spec["study"], "test_error", **setting)
    assert low <= row["test_error"] <= high, f"{spec}: test error {row['test_error']} outside [{low}, {high}]"
    if spec["study"] == "lab":
        low, high = typical.band("lab", "valid_acc", **setting)
        assert low <= row["history"]["valid_acc"][-1] <= high


# Chapter 17's study has a file of its own (labfns.convnet), with its own code hash.
REMAKE_CNN = "run `python scripts/seed_studies.py --cnn` (a few minutes) and commit labfns/cnn_study.json"


def _stored_cnn():
    return json.loads(convnet.STUDY_FILE.read_text(encoding="utf-8"))


def test_the_convolutional_study_was_made_by_this_code_and_is_its_plan():
    stored = _stored_cnn()
    made_by, now = stored["provenance"]["code_hash"], convnet.code_hash()
    assert made_by == now, (
        f"labfns/cnn_study.json was made by other code ({made_by}, now {now}): {REMAKE_CNN}"
    )
    have = sorted(
        json.dumps({k: r[k] for k in ("study", "network", "seed")}, sort_keys=True) for r in stored["runs"]
    )
    assert have == sorted(json.dumps(s, sort_keys=True) for s in convnet.plan()), REMAKE_CNN
    assert "--cnn" in stored["provenance"]["command"]
    for row in stored["runs"]:
        assert len(row["history"]["valid_acc"]) == convnet.SETTINGS["epochs"]
        assert all(0 <= row[m] <= 1 for m in ["test_error", *convnet.MOVES])
    assert (
        typical.provenance("cnn")["code_hash"] == now
        and typical.provenance()["code_hash"] == studies.code_hash()
    )


def test_the_convolutional_study_changes_when_its_code_does(monkeypatch):
    real = convnet.Path.read_text

    def edited(path, *args, **kwargs):
        text = real(path, *args, **kwargs)
        return text.replace("kernel_size=3", "kernel_size=5") if path.name == "convnet.py" else text

    before = convnet.code_hash()
    monkeypatch.setattr(convnet.Path, "read_text", edited)
    assert convnet.code_hash() != before


def test_a_dense_run_of_the_convolutional_study_trained_again_lands_among_the_stored_runs():
    spec = {"study": "cnn", "network": "dense", "seed": 9}
    assert spec in convnet.plan()
    with torch.random.fork_rng():
        row = convnet.run(spec, convnet.load_data())
    for metric in ["test_error", "acc_right_2", "acc_half"]:
        low, high = typical.band("cnn", metric, network="dense")
        assert low <= row[metric] <= high, f"{metric} {row[metric]} outside [{low}, {high}]"
