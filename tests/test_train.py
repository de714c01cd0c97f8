import pytest
import torch

import labfns
from labfns.train import _param_groups


def test_fit_learns_and_logs_like_luz(tiny, capsys):
    images, labels = tiny
    labfns.set_seed(0)
    model = labfns.MNISTNet()
    history = labfns.fit(model, images, labels, epochs=3, batch_size=32, lr=1e-3)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Epoch 1/3"
    assert out[1].startswith("Train metrics: Loss: ") and " - Acc: " in out[1]
    assert out[2].startswith("Valid metrics: Loss: ")
    assert len(history) == 3 and history["epoch"] == [1, 2, 3]
    assert history[-1]["valid_acc"] == 1.0
    assert history["train_loss"][-1] < history["train_loss"][0]
    assert history.seconds > 0 and not history.interrupted
    frame = history.to_frame()
    assert list(frame.columns) == ["train_loss", "train_acc", "valid_loss", "valid_acc"]
    assert "valid_acc" in repr(history)
    with pytest.raises(KeyError):
        history["nope"]


def test_fit_is_repeatable_and_seed_matters(tiny):
    images, labels = tiny

    def run(seed):
        labfns.set_seed(0)
        return labfns.fit(
            labfns.MNISTNet(), images, labels, epochs=2, batch_size=64, seed=seed, verbose=False
        )

    assert run(1).rows == run(1).rows
    assert run(1).rows != run(2).rows


def test_default_lr_is_the_optimizers(tiny, monkeypatch):
    images, labels = tiny
    seen = {}

    class Spy(torch.optim.RMSprop):
        def __init__(self, params, **kw):
            super().__init__(params, **kw)
            seen["lr"] = self.param_groups[0]["lr"]

    labfns.fit(labfns.MNISTNet(), images, labels, epochs=1, optimizer=Spy, verbose=False)
    assert seen["lr"] == 0.01  # RMSprop's own default, as in luz


def test_weight_decay_only_on_weight_matrices():
    model = labfns.MNISTNet()
    groups = {g["weight_decay"]: g["params"] for g in _param_groups(model, {"fc1": 1e-4, "fc2": 1e-4})}
    assert [p.shape for p in groups[1e-4]] == [model.fc1.weight.shape, model.fc2.weight.shape]
    assert all(p.ndim == 1 or p is model.fc3.weight for p in groups[0.0])
    with pytest.raises(ValueError, match="fc9"):
        _param_groups(model, {"fc9": 1.0})


def test_evaluate_and_predict(tiny):
    images, labels = tiny
    model = labfns.MNISTNet()
    scores = labfns.evaluate(model, images, labels)
    assert set(scores) == {"loss", "acc"} and 0 <= scores["acc"] <= 1 and scores["loss"] > 0
    probs = labfns.predict(model, images)
    assert probs.shape == (200, 10)
    assert torch.allclose(probs.sum(dim=1), torch.ones(200))
    assert not model.training  # dropout off


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"epochs": 0}, ValueError, "epochs"),
        ({"epochs": 2.5}, TypeError, "epochs"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"valid": 1.0}, ValueError, "valid"),
        ({"valid": 0}, ValueError, "valid"),
        ({"device": "tpu"}, ValueError, "device"),
    ],
)
def test_fit_rejects_bad_settings(tiny, kwargs, error, match):
    images, labels = tiny
    with pytest.raises(error, match=match):
        labfns.fit(labfns.MNISTNet(), images, labels, verbose=False, **kwargs)


def test_fit_rejects_bad_data(tiny):
    images, labels = tiny
    model = labfns.MNISTNet()
    with pytest.raises(ValueError, match="same length"):
        labfns.fit(model, images, labels[:-1])
    with pytest.raises(ValueError, match="0..9"):
        labfns.fit(model, images, labels + 1)
    with pytest.raises(TypeError, match="floating point"):
        labfns.fit(model, (images * 255).to(torch.uint8), labels)
    with pytest.raises(ValueError, match="N×28×28"):
        labfns.fit(model, images[:, :20], labels)
    with pytest.raises(ValueError, match="empty"):
        labfns.evaluate(model, images[:0], labels[:0])


def test_diverging_loss_stops_with_a_hint(tiny):
    images, labels = tiny
    with pytest.raises(FloatingPointError, match=r"in epoch \d.*learning rate"):
        labfns.fit(labfns.MNISTNet(), images, labels, lr=1e30, epochs=2, verbose=False)


def test_keyboard_interrupt_keeps_completed_epochs(tiny, capsys):
    images, labels = tiny

    def stop_in_epoch_two(epoch, model):
        if epoch == 2:
            raise KeyboardInterrupt

    history = labfns.fit(
        labfns.MNISTNet(), images, labels, epochs=5, verbose=False, on_epoch_end=stop_in_epoch_two
    )
    assert history.interrupted and len(history) == 2
    assert "keep the 2 completed epoch" in capsys.readouterr().out


def test_get_device():
    assert labfns.get_device("cpu") == torch.device("cpu")
    assert labfns.get_device(None).type in ("cpu", "cuda")
