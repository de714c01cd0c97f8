import re
import warnings

import pytest
import torch

import labfns
from labfns.checks import check_weight_decay
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
        check_weight_decay(model, {"fc9": 1.0})


def test_evaluate_and_predict(tiny):
    images, labels = tiny
    model = labfns.MNISTNet()
    scores = labfns.evaluate(model, images, labels)
    assert set(scores) == {"loss", "acc"} and 0 <= scores["acc"] <= 1 and scores["loss"] > 0
    probs = labfns.predict(model, images)
    assert probs.shape == (200, 10)
    assert torch.allclose(probs.sum(dim=1), torch.ones(200))
    assert model.training  # scored with dropout off, then left in the mode it came in (a new net trains)


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


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"epochs": 0}, ValueError, "epochs"),
        ({"epochs": 2.5}, TypeError, "epochs"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"valid": 1.0}, ValueError, "valid"),
        ({"valid": 0}, ValueError, "valid"),
        ({"device": "tpu"}, ValueError, "device"),
        ({"epochs": True}, TypeError, "epochs must be a whole number ≥ 1, got bool True"),
        ({"batch_size": "256"}, TypeError, "batch_size must be a whole number ≥ 1, got str '256'"),
        ({"valid": 20}, ValueError, r"valid must be a fraction .* got 20 \(a share of the images"),
        ({"valid": "0.2"}, TypeError, "valid must be a fraction"),
        ({"lr": 0}, ValueError, "lr must be a number > 0, got 0"),
        ({"lr": float("nan")}, ValueError, "lr must be a number > 0, got nan"),
        ({"lr": "0.01"}, TypeError, "lr must be a number > 0 or None, got str '0.01'"),
        ({"weight_decay": -1e-4}, ValueError, "weight_decay must be a number ≥ 0"),
        ({"weight_decay": {"fc1": -1.0}}, ValueError, r"weight_decay\['fc1'\] must be a number ≥ 0"),
        (
            {"optimizer": "adam"},
            TypeError,
            "optimizer must be an optimizer class such as torch.optim.RMSprop",
        ),
        ({"seed": 1.5}, TypeError, "seed must be a whole number, such as 0, got float 1.5"),
        ({"on_epoch_end": 5}, TypeError, r"on_epoch_end must be a function f\(epoch, model\) or None"),
        ({"device": "gpu"}, ValueError, "device must be .* got 'gpu'; for an NVIDIA GPU use 'cuda'"),
        ({"device": "CPU"}, ValueError, "lower case: 'cpu'"),
        ({"device": "meta"}, ValueError, "device must be"),
    ],
)
def test_fit_names_the_bad_argument(tiny, kwargs, error, match):
    images, labels = tiny
    with pytest.raises(error, match=match):
        labfns.fit(labfns.MNISTNet(), images, labels, verbose=False, **kwargs)


def test_fit_refuses_an_optimizer_already_built(tiny):
    images, labels = tiny
    model = labfns.MNISTNet()
    with pytest.raises(TypeError, match="not an optimizer already built .* pass lr=... to fit"):
        labfns.fit(model, images, labels, optimizer=torch.optim.SGD(model.parameters(), lr=0.1))


def test_fit_explains_bad_data(tiny):
    images, labels = tiny
    model = labfns.MNISTNet()
    cases = [
        ((images.numpy(), labels), TypeError, "images must be a torch.Tensor .* got ndarray"),
        ((images, labels.float()), TypeError, r"labels must be integers .* use labels.long\(\)"),
        ((images, torch.nn.functional.one_hot(labels)), ValueError, r"one-hot rows\? use labels.argmax"),
        ((images[0], labels[:1]), ValueError, "a single image needs a batch dimension"),
        ((images.where(images < 0.5, float("nan")), labels), ValueError, "NaN or infinite"),
        ((images, labels + 1), ValueError, "R counts classes from 1, Python from 0: subtract 1"),
        ((images[:0], labels[:0]), ValueError, r"images is empty \(0 images\)"),
        ((images[:2], labels[:2]), ValueError, "valid=0.2 leaves 0 of 2 images for validation"),
    ]
    for args, error, match in cases:
        with pytest.raises(error, match=match):
            labfns.fit(model, *args, verbose=False)
    with pytest.raises(TypeError, match=r"model must be a network, got the class MNISTNet"):
        labfns.fit(labfns.MNISTNet, images, labels)


def test_other_integer_and_float_types_give_the_same_fit(tiny):
    images, labels = tiny

    def run(x, y):
        labfns.set_seed(0)
        return labfns.fit(labfns.MNISTNet(), x, y, epochs=1, batch_size=64, verbose=False).rows

    assert run(images.double(), labels.to(torch.int32)) == run(images, labels)


def test_evaluate_and_predict_check_their_inputs(tiny):
    images, labels = tiny
    model = labfns.MNISTNet()
    with pytest.raises(ValueError, match="a single image needs a batch dimension"):
        labfns.predict(model, images[0])
    with pytest.raises(TypeError, match=r"call it: MNISTNet\(\)"):
        labfns.predict(labfns.MNISTNet, images)
    with pytest.raises(ValueError, match="same length"):
        labfns.evaluate(model, images, labels[:10])
    with pytest.raises(ValueError, match=r"labels must lie in 0..9, got values from -1 to 9"):
        labfns.evaluate(model, images, labels - (labels == 0).long())


def test_interrupt_in_the_middle_of_an_epoch_keeps_the_completed_ones(tiny, capsys):
    """Ctrl-C during epoch 2: the history holds epoch 1, and the model is as it was at the end of epoch 1
    (the steps already taken in epoch 2 are undone), so model and history agree."""
    images, labels = tiny  # 160 training images, batches of 32: 5 steps an epoch
    steps = []
    end_of = {}

    class StopAtStep8(torch.optim.RMSprop):
        def step(self, closure=None):
            steps.append(1)
            if len(steps) == 8:
                raise KeyboardInterrupt
            return super().step(closure)

    def remember(epoch, model):
        end_of[epoch] = {k: v.clone() for k, v in model.state_dict().items()}

    model = labfns.MNISTNet()
    history = labfns.fit(  # on the CPU: a CUDA graph replays the step without calling optimizer.step
        model,
        images,
        labels,
        epochs=5,
        batch_size=32,
        optimizer=StopAtStep8,
        on_epoch_end=remember,
        device="cpu",
    )
    out = capsys.readouterr().out
    assert history.interrupted and history["epoch"] == [1] and list(end_of) == [1]
    assert all(torch.equal(v, end_of[1][k]) for k, v in model.state_dict().items())
    assert out.endswith(
        "Interrupted during epoch 2: the model and the returned history keep the 1 completed epoch; "
        "the steps of the unfinished epoch 2 were undone.\n"
    )
    assert not model.training


def test_interrupt_in_the_first_epoch_restores_the_initial_weights(tiny, capsys):
    images, labels = tiny

    class StopAtOnce(torch.optim.RMSprop):
        def step(self, closure=None):
            super().step(closure)
            raise KeyboardInterrupt

    labfns.set_seed(0)
    model = labfns.MNISTNet()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    history = labfns.fit(model, images, labels, optimizer=StopAtOnce, verbose=False, device="cpu")
    assert history.interrupted and len(history) == 0
    assert all(torch.equal(v, before[k]) for k, v in model.state_dict().items())
    assert "keep the 0 completed epochs" in capsys.readouterr().out


def test_diverging_loss_puts_the_model_back(tiny):
    """The loss turns NaN in some epoch k: the model goes back to the end of epoch k - 1 (or to its weights
    before fit when k = 1), never left holding NaNs."""
    images, labels = tiny
    labfns.set_seed(0)
    model = labfns.MNISTNet()
    weights = {0: {k: v.clone() for k, v in model.state_dict().items()}}

    def remember(epoch, model):
        weights[epoch] = {k: v.clone() for k, v in model.state_dict().items()}

    with pytest.raises(FloatingPointError) as err:
        labfns.fit(model, images, labels, lr=1e30, epochs=5, verbose=False, on_epoch_end=remember)
    msg = str(err.value)
    k = int(re.match(r"the training loss became (nan|inf|-inf) in epoch (\d): training diverged", msg)[2])
    assert "Try a smaller learning rate (lr=1e+30 was used)." in msg
    assert msg.endswith(f"put back to the end of epoch {k - 1}." if k > 1 else "its weights before fit.")
    assert all(torch.equal(v.cpu(), weights[k - 1][name].cpu()) for name, v in model.state_dict().items())
    assert all(torch.isfinite(v).all() for v in model.state_dict().values())


def test_same_seed_same_weights_and_history_other_seed_differs(tiny):
    images, labels = tiny

    def run(seed):
        labfns.set_seed(0)  # the same initial weights each time
        model = labfns.MNISTNet()
        history = labfns.fit(model, images, labels, epochs=2, batch_size=32, seed=seed, verbose=False)
        return history.rows, model.state_dict()

    rows_a, weights_a = run(7)
    rows_b, weights_b = run(7)
    rows_c, weights_c = run(8)
    assert rows_a == rows_b  # every loss and accuracy identical, not merely close
    assert all(torch.equal(weights_a[k], weights_b[k]) for k in weights_a)
    assert rows_a != rows_c
    assert not torch.equal(weights_a["fc1.weight"], weights_c["fc1.weight"])


def test_get_device_explains_itself():
    with pytest.raises(ValueError, match="got 'tpu'"):
        labfns.get_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="sees no CUDA GPU here; use 'cpu'"):
            labfns.get_device("cuda")
    if not torch.backends.mps.is_available():
        with pytest.raises(ValueError, match="no Apple GPU"):
            labfns.get_device("mps")
    assert labfns.get_device(torch.device("cpu")) == torch.device("cpu")


def test_confusion_matrix_counts_true_by_predicted():
    labels = torch.tensor([0, 0, 1, 2, 2, 2])
    predicted = torch.tensor([0, 1, 1, 2, 0, 2])
    counts = labfns.confusion_matrix(labels, predicted, n_classes=3)
    assert counts.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    assert counts.dtype == torch.int64
    assert counts.sum(dim=1).tolist() == torch.bincount(labels, minlength=3).tolist()
    assert counts.trace() == (labels == predicted).sum()
    assert labfns.confusion_matrix(labels, predicted).shape == (10, 10)
    with pytest.raises(ValueError, match="same length"):
        labfns.confusion_matrix(labels, predicted[:-1])
    with pytest.raises(ValueError, match="0..2"):
        labfns.confusion_matrix(labels, predicted + 1, n_classes=3)
    with pytest.raises(TypeError, match="integers"):
        labfns.confusion_matrix(labels, predicted.float())


def test_logistic_net_trains_with_the_same_fit(tiny):
    images, labels = tiny
    labfns.set_seed(0)
    model = labfns.LogisticNet()
    assert labfns.count_parameters(model) == 785 * 10
    assert model(images).shape == (200, 10) and model(images.flatten(1)).shape == (200, 10)
    history = labfns.fit(model, images, labels, epochs=3, batch_size=32, lr=1e-2, verbose=False)
    assert history[-1]["valid_acc"] == 1.0
    with pytest.raises(ValueError, match="N×28×28 or N×784"):
        model(images[:, :20])


# ---------------------------------------------------------------------------------------------------------
# The pieces of the loop: fit is split + train_epoch (+ train_step), checks and recovery.


def test_split_holds_out_a_share_at_random(tiny):
    images, _ = tiny
    train_idx, valid_idx = labfns.split(images, valid=0.2, seed=0)
    assert len(valid_idx) == 40 and len(train_idx) == 160
    assert sorted(torch.cat([train_idx, valid_idx]).tolist()) == list(range(200))
    again = labfns.split(len(images), 0.2, 0)
    assert torch.equal(again[0], train_idx) and torch.equal(again[1], valid_idx)
    assert not torch.equal(labfns.split(images, 0.2, 1)[1], valid_idx)
    with pytest.raises(ValueError, match="valid=0.001 leaves 0 of 200 images"):
        labfns.split(images, 0.001)
    with pytest.raises(ValueError, match="valid must be a fraction"):
        labfns.split(images, 20)


def test_fit_is_split_plus_train_epoch(tiny):
    """The loop the book shows is the loop fit runs: split, then train_epoch with the same generator, the
    dropout masks drawn from PyTorch's generator seeded with the same seed, gives fit's numbers exactly."""
    images, labels = tiny
    labfns.set_seed(0)
    model = labfns.MNISTNet()
    history = labfns.fit(model, images, labels, epochs=2, batch_size=32, seed=5, verbose=False, device="cpu")

    labfns.set_seed(0)
    by_hand = labfns.MNISTNet()
    generator = torch.Generator().manual_seed(5)
    train_idx, valid_idx = labfns.split(images, 0.2, generator=generator)
    optimizer = torch.optim.RMSprop(by_hand.parameters())
    torch.manual_seed(5)
    for epoch in range(2):
        result = labfns.train_epoch(
            by_hand, optimizer, images[train_idx], labels[train_idx], batch_size=32, generator=generator
        )
        assert result["loss"] == history[epoch]["train_loss"]
        assert result["acc"] == history[epoch]["train_acc"]
        assert result["step_losses"].shape == (5,)
    assert labfns.evaluate(by_hand, images[valid_idx], labels[valid_idx])["acc"] == history[-1]["valid_acc"]
    assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), by_hand.state_dict().values()))


def test_train_epoch_weighs_each_image_once(tiny):
    images, labels = tiny
    labfns.set_seed(0)
    model = labfns.MNISTNet()
    opt = torch.optim.SGD(model.parameters(), lr=0.0)  # no learning: every step sees the same network
    model.drop1.p = model.drop2.p = 0.0
    result = labfns.train_epoch(model, opt, images[:70], labels[:70], batch_size=32)
    assert result["step_losses"].shape == (3,)  # 32 + 32 + 6
    whole = torch.nn.functional.cross_entropy(model(images[:70]), labels[:70]).item()
    assert result["loss"] == pytest.approx(whole, rel=1e-5)
    assert model.training  # train_epoch leaves dropout on; fit switches it off at the end


def test_train_epoch_with_several_heads_and_a_loss_of_their_own(tiny):
    images, labels = tiny

    class TwoHeads(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.trunk = torch.nn.Linear(784, 16)
            self.digit, self.even = torch.nn.Linear(16, 10), torch.nn.Linear(16, 2)

        def forward(self, x):
            a = torch.relu(self.trunk(x.flatten(1)))
            return {"digit": self.digit(a), "even": self.even(a)}

    def both(out, y):
        return sum(torch.nn.functional.cross_entropy(out[k], y[k]) for k in out)

    torch.manual_seed(0)
    model = TwoHeads()
    targets = {"digit": labels, "even": (labels % 2 == 0).long()}
    opt = torch.optim.RMSprop(model.parameters(), lr=1e-3)
    first = labfns.train_epoch(model, opt, images, targets, batch_size=50, loss_fn=both)
    for _ in range(5):
        last = labfns.train_epoch(model, opt, images, targets, batch_size=50, loss_fn=both)
    assert first["acc"] is None and last["loss"] < first["loss"]


def test_restarts_without_set_seed_start_from_new_weights(tiny):
    """fit(seed=0) seeds its own random numbers and gives the caller's back as they were: a loop of
    `model = MNISTNet(); fit(model, ...)` starts each model from new weights, and ends each elsewhere."""
    images, labels = tiny
    torch.manual_seed(7)
    starts, ends = [], []
    for _ in range(3):
        model = labfns.MNISTNet()
        starts.append(model.fc1.weight.detach().clone())
        labfns.fit(model, images, labels, epochs=1, verbose=False)
        ends.append(model.fc1.weight.detach().clone())
    assert not torch.equal(starts[0], starts[1]) and not torch.equal(starts[1], starts[2])
    assert not torch.equal(ends[0], ends[1]) and not torch.equal(ends[1], ends[2])


def test_fit_draws_nothing_from_the_global_generator(tiny):
    images, labels = tiny
    model = labfns.MNISTNet()
    state = torch.random.get_rng_state()
    labfns.fit(model, images, labels, epochs=2, verbose=False)
    assert torch.equal(torch.random.get_rng_state(), state)


def test_evaluate_and_predict_keep_the_models_mode(tiny):
    images, labels = tiny
    model = labfns.MNISTNet().train()
    labfns.evaluate(model, images, labels)
    assert model.training
    labfns.predict(model, images)
    assert model.training
    model.eval()
    labfns.evaluate(model, images, labels)
    assert not model.training


def _stops_at(step_number, error):
    class Stop(torch.optim.RMSprop):
        steps = 0

        def step(self, closure=None):
            Stop.steps += 1
            if Stop.steps == step_number:
                raise error
            return super().step(closure)

    return Stop


def test_an_error_in_a_step_keeps_the_completed_epochs(tiny):
    images, labels = tiny  # 160 training images, batches of 32: 5 steps an epoch
    ends = {}

    def remember(epoch, model):
        ends[epoch] = {k: v.clone() for k, v in model.state_dict().items()}

    model = labfns.MNISTNet()
    with pytest.raises(RuntimeError, match="out of memory") as err:
        labfns.fit(
            model,
            images,
            labels,
            epochs=5,
            batch_size=32,
            optimizer=_stops_at(2 * 5 + 4, RuntimeError("out of memory")),  # step 4 of epoch 3
            on_epoch_end=remember,
            verbose=False,
            device="cpu",
        )
    history = err.value.history
    assert history.interrupted and history["epoch"] == [1, 2]
    assert all(torch.equal(v, ends[2][k]) for k, v in model.state_dict().items())
    assert "put back to the end of epoch 2" in "".join(getattr(err.value, "__notes__", [""]))
    assert not model.training


def test_an_error_in_on_epoch_end_keeps_the_completed_epochs(tiny, tmp_path):
    images, labels = tiny

    def save_then_fail(epoch, model):
        if epoch == 3:
            raise OSError(28, "No space left on device")

    model = labfns.MNISTNet()
    with pytest.raises(OSError, match="No space left") as err:
        labfns.fit(model, images, labels, epochs=5, verbose=False, on_epoch_end=save_then_fail)
    assert err.value.history["epoch"] == [1, 2, 3]


def test_on_epoch_end_must_take_epoch_and_model(tiny):
    images, labels = tiny
    model = labfns.MNISTNet()
    before = model.fc1.weight.detach().clone()
    with pytest.raises(TypeError, match=r"on_epoch_end is called as on_epoch_end\(epoch, model\)"):
        labfns.fit(model, images, labels, verbose=False, on_epoch_end=lambda e: print(e))
    assert torch.equal(model.fc1.weight, before)  # refused before any training
    labfns.fit(model, images, labels, epochs=1, verbose=False, on_epoch_end=lambda *args: None)


def test_principle_6_every_legitimate_scale_is_accepted(tiny):
    """Standardised pixels, one mean and sd per pixel (R's scale(), StandardScaler), train without a word,
    rare pixels far beyond ±10 included; the 0-255 scale trains with a warning that says what to do."""
    images, labels = tiny
    x = images.flatten(1).clone()
    x[:, :5] = 0.0
    x[0, :5] = 1.0  # a pixel inked in one image of 200: standardised, it lies at about √200
    per_pixel = (x - x.mean(0)) / x.std(0)
    assert float(per_pixel.abs().max()) > 10
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning at all
        history = labfns.fit(labfns.MNISTNet(), per_pixel, labels, epochs=3, lr=1e-3, verbose=False)
        labfns.predict(labfns.MNISTNet(), per_pixel)
    assert history[-1]["valid_acc"] > 0.5
    with pytest.warns(UserWarning, match=r"0-255 scale\?.* Divide by 255: images / 255") as caught:
        labfns.fit(labfns.MNISTNet(), images * 255, labels, epochs=1, verbose=False)
    assert caught[0].filename == __file__  # the warning points at the reader's line, not at labfns
    with pytest.warns(UserWarning, match="Divide by 255"):
        labfns.predict(labfns.MNISTNet(), images * 255)
    with pytest.warns(UserWarning, match="far beyond grey levels"):
        labfns.predict(labfns.MNISTNet(), images * 1e5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning where no scale is wrong, and none before a refusal
        labfns.predict(labfns.MNISTNet(), images * 2)  # a little above 1 is no 0-255 scale
        with pytest.raises(ValueError, match="all hold the same value"):  # what cannot be right is refused
            labfns.fit(labfns.MNISTNet(), images * 0 + 3, labels)


def test_hints_lead_somewhere_right(tiny):
    images, labels = tiny
    model = labfns.MNISTNet()
    with pytest.raises(TypeError, match=r"use images.float\(\) \(True becomes 1"):
        labfns.fit(model, images > 0.5, labels, verbose=False)
    labfns.fit(model, (images > 0.5).float(), labels, epochs=1, verbose=False)  # the hint works
    with pytest.raises(ValueError, match=r"use labels.squeeze\(1\)"):
        labfns.fit(model, images, labels[:, None], verbose=False)
    labfns.fit(model, images, labels[:, None].squeeze(1), epochs=1, verbose=False)
    with pytest.raises(TypeError, match=r"use labfns.predict\(model, x\).argmax\(dim=1\)"):
        labfns.confusion_matrix(labels, labfns.predict(model, images))
    labfns.confusion_matrix(labels, labfns.predict(model, images).argmax(dim=1))
    with pytest.raises(TypeError, match=r"probabilities, one row per image\? use labels.argmax"):
        labfns.fit(model, images, labfns.predict(model, images), verbose=False)


def test_a_ridge_penalty_the_optimizer_would_ignore_is_refused(tiny):
    images, labels = tiny
    with pytest.raises(ValueError, match="Rprop has no weight_decay"):
        labfns.fit(labfns.MNISTNet(), images, labels, optimizer=torch.optim.Rprop, weight_decay=10)
    labfns.fit(labfns.MNISTNet(), images, labels, optimizer=torch.optim.Rprop, epochs=1, verbose=False)
    with pytest.raises(ValueError, match=r"weight_decay names \['drop1'\], which hold no weight matrix"):
        labfns.fit(labfns.MNISTNet(), images, labels, weight_decay={"drop1": 1e-4})


def test_weight_decay_on_a_nested_block_reaches_its_weights():
    model = torch.nn.Sequential(
        torch.nn.Flatten(),
        torch.nn.Sequential(torch.nn.Linear(784, 8), torch.nn.ReLU()),
        torch.nn.Linear(8, 10),
    )
    check_weight_decay(model, {"1": 5.0})
    groups = {g["weight_decay"]: g["params"] for g in _param_groups(model, {"1": 5.0})}
    assert [p is model[1][0].weight for p in groups[5.0]] == [True]


def test_seed_from_numpy_and_images_that_require_grad(tiny):
    np = pytest.importorskip("numpy")
    images, labels = tiny

    def run(x, seed):
        labfns.set_seed(0)
        return labfns.fit(labfns.MNISTNet(), x, labels, epochs=1, seed=seed, verbose=False).rows

    assert run(images, np.int64(3)) == run(images, 3)
    assert run(images.clone().requires_grad_(), 3) == run(images, 3)
    labfns.set_seed(np.int64(3))


def test_half_precision_models_are_refused_with_the_right_hint(tiny):
    images, labels = tiny
    model = labfns.MNISTNet().half()
    with pytest.raises(TypeError, match=r"weights are torch.float16.*use model.float\(\)"):
        labfns.fit(model, images, labels)
    labfns.fit(model.float(), images, labels, epochs=1, verbose=False)


def test_the_label_range_is_the_models_output_not_its_last_layer(tiny):
    images, labels = tiny

    class Spare(labfns.MNISTNet):
        def __init__(self):
            super().__init__()
            self.spare = torch.nn.Linear(10, 3)  # registered last, never used

    labfns.fit(Spare(), images, labels, epochs=1, verbose=False)  # labels 0-9 fit the 10 outputs
    with pytest.raises(ValueError, match="labels must lie in 0..9"):
        labfns.evaluate(Spare(), images, labels + 1)
    with pytest.raises(ValueError, match="has no parameters: there is nothing to train"):
        labfns.fit(torch.nn.Flatten(), images, labels)
    with pytest.raises(ValueError, match=r"model returns \(2, 28, 28\) for 2 images"):
        labfns.fit(torch.nn.Sequential(torch.nn.Identity(), torch.nn.Linear(28, 28)), images, labels)


def test_cuda_graphs_argument(tiny):
    images, labels = tiny
    with pytest.raises(ValueError, match="cuda_graphs=True needs a CUDA device"):
        labfns.fit(labfns.MNISTNet(), images, labels, device="cpu", cuda_graphs=True)
    with pytest.raises(TypeError, match="cuda_graphs must be True, False or None"):
        labfns.fit(labfns.MNISTNet(), images, labels, cuda_graphs="yes")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
@pytest.mark.parametrize("optimizer", [torch.optim.RMSprop, torch.optim.ASGD])
def test_cuda_graphs_train_as_the_eager_loop_does(tiny, optimizer):
    """On a GPU: the recorded step gives the same history as the eager one, within float32 rounding
    (5e-4 on the losses, 3 images in 160 on the accuracies: the same arithmetic, launched differently). ASGD's
    state does not start at zero: recording must put it back as it was."""
    images, labels = tiny

    def run(graphs):
        labfns.set_seed(0)
        model = labfns.MNISTNet(dropout=(0.0, 0.0))  # no random masks: graph and eager draw them apart
        history = labfns.fit(
            model,
            images,
            labels,
            epochs=3,
            batch_size=32,
            optimizer=optimizer,
            lr=1e-3,
            device="cuda",
            cuda_graphs=graphs,
            verbose=False,
        )
        return history

    eager, graphed = run(False), run(True)
    for a, b in zip(eager.rows, graphed.rows):
        assert abs(a["train_loss"] - b["train_loss"]) <= 5e-4
        assert abs(a["valid_loss"] - b["valid_loss"]) <= 5e-4
        assert abs(a["train_acc"] - b["train_acc"]) <= 3 / 160


# ---------------------------------------------------------------------------------------------------------
# Cases found by trying ~500 bad calls as a new user would (the closing note of issue 15 lists them).


def test_a_lazy_network_learns(tiny):
    images, labels = tiny
    torch.manual_seed(0)
    lazy = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.LazyLinear(10))
    labfns.predict(lazy, images)  # the first call creates the weights: they must stay trainable
    history = labfns.fit(lazy, images, labels, epochs=3, lr=1e-2, verbose=False)
    assert history[-1]["valid_acc"] > 0.5 and not lazy[1].weight.is_inference()


def test_silent_failures_are_caught(tiny):
    images, labels = tiny
    with pytest.raises(
        ValueError, match="model returns probabilities .* remove the model's final nn.Softmax"
    ):
        labfns.fit(torch.nn.Sequential(labfns.MNISTNet(), torch.nn.Softmax(dim=1)), images, labels)
    with pytest.raises(ValueError, match="divided by 255 twice"):
        labfns.fit(labfns.MNISTNet(), images / 255, labels)
    with pytest.raises(ValueError, match="all hold the same value"):
        labfns.fit(labfns.MNISTNet(), images * 0, labels)
    labfns.predict(labfns.MNISTNet(), images[:1] * 0)  # a blank image to score is fine
    broken = labfns.MNISTNet()
    with torch.no_grad():
        broken.fc2.weight[0, 0] = float("nan")
    for call in (lambda: labfns.fit(broken, images, labels), lambda: labfns.evaluate(broken, images, labels)):
        with pytest.raises(ValueError, match=r"weights hold NaN or infinite values \(fc2.weight\)"):
            call()


def test_settings_that_would_be_ignored(tiny):
    import functools

    images, labels = tiny
    with pytest.raises(ValueError, match="optimizer's own weight_decay=0.5 would be replaced"):
        labfns.fit(
            labfns.MNISTNet(), images, labels, optimizer=functools.partial(torch.optim.SGD, weight_decay=0.5)
        )
    with pytest.warns(UserWarning, match="AdamW's own default weight_decay=0.01 is replaced"):
        labfns.fit(labfns.MNISTNet(), images, labels, optimizer=torch.optim.AdamW, epochs=1, verbose=False)
    frozen = labfns.MNISTNet()
    frozen.fc1.requires_grad_(False)
    with pytest.raises(ValueError, match=r"names \['fc1'\], whose weights are frozen"):
        labfns.fit(frozen, images, labels, weight_decay={"fc1": 1e-4})
    with pytest.raises(TypeError, match="verbose must be True or False"):
        labfns.fit(labfns.MNISTNet(), images, labels, verbose="False")
    with pytest.raises(ValueError, match="give one of them, not both"):
        labfns.split(images, seed=5, generator=torch.Generator())
    # an optimizer built by a function gets fit's parameter groups, penalty included: not refused
    labfns.fit(
        labfns.MNISTNet(),
        images,
        labels,
        optimizer=lambda p, lr=0.01: torch.optim.SGD(p, lr=lr),
        weight_decay=1e-4,
        epochs=1,
        verbose=False,
    )


def test_raw_errors_are_named(tiny):
    images, labels = tiny
    model = labfns.MNISTNet()
    with pytest.raises(TypeError, match="got the class Linear, which is not a torch.optim.Optimizer"):
        labfns.fit(model, images, labels, optimizer=torch.nn.Linear)
    with pytest.raises(ValueError, match="LBFGS needs a closure"):
        labfns.fit(model, images, labels, optimizer=torch.optim.LBFGS)
    with pytest.raises(TypeError, match="returned NoneType, not a torch.optim optimizer"):
        labfns.fit(model, images, labels, optimizer=lambda p, lr=0.01: None)
    with pytest.raises(ValueError, match="seed must lie between"):
        labfns.fit(model, images, labels, seed=2**64)
    with pytest.raises(TypeError, match="keys must be module names"):
        labfns.fit(model, images, labels, weight_decay={model.fc1: 1e-4})
    with pytest.raises(ValueError, match="split needs at least 2 images"):
        labfns.split(1)
    with pytest.raises(ValueError, match=r"looks like labels: the order is \(model, images, labels\)"):
        labfns.evaluate(model, labels, images)
    with pytest.raises(TypeError, match=r"use labels.squeeze\(1\).long\(\)"):
        labfns.fit(model, images, labels[:, None].float())
    with pytest.raises(RuntimeError, match=r"mat1 and mat2") as err:
        labfns.fit(torch.nn.Sequential(torch.nn.Linear(784, 10)), images, labels)
    assert "needs them flattened first" in "".join(err.value.__notes__)
    with torch.no_grad():  # fit switches gradients back on for its steps
        labfns.fit(labfns.MNISTNet(), images, labels, epochs=1, verbose=False)
    with pytest.raises(ValueError, match="has no parameters"):
        labfns.fit(torch.nn.Flatten(), images, labels)
    assert labfns.predict(torch.nn.Flatten(), images).shape == (200, 784)  # no parameters: no crash


def test_train_epoch_checks_its_arguments(tiny):
    images, labels = tiny
    model = labfns.MNISTNet()
    other = torch.optim.RMSprop(labfns.MNISTNet().parameters())
    with pytest.raises(ValueError, match="updates none of the model's parameters"):
        labfns.train_epoch(model, other, images, labels)
    opt = torch.optim.RMSprop(model.parameters())
    with pytest.warns(UserWarning, match="Divide by 255"):
        labfns.train_epoch(model, opt, images * 255, labels)
    with pytest.raises(TypeError, match=r"build it: optimizer\(model.parameters\(\)\)"):
        labfns.train_epoch(model, torch.optim.RMSprop, images, labels)
    with pytest.raises(ValueError, match="must have the same length"):
        labfns.train_epoch(model, opt, images, labels[:10])
    with pytest.raises(TypeError, match="generator must be a torch.Generator"):
        labfns.train_epoch(model, opt, images, labels, generator=0)
    with torch.no_grad(), pytest.raises(RuntimeError, match="train_epoch needs gradients"):
        labfns.train_epoch(model, opt, images, labels)


def test_principle_3_train_epoch_and_train_step_check_every_image_and_label(tiny):
    """A NaN in the last image, or a label beyond the network's outputs, is labfns' own error, from
    train_epoch and from train_step, and no weight changes."""
    images, labels = tiny
    model = labfns.MNISTNet()
    opt = torch.optim.RMSprop(model.parameters())
    before = {k: v.clone() for k, v in model.state_dict().items()}
    bad = images.clone()
    bad[-1, 27, 27] = float("nan")  # the last pixel of the last image, far beyond the first batch
    for inf in (float("nan"), float("inf")):
        bad[-1, 27, 27] = inf
        with pytest.raises(ValueError, match="images contains NaN or infinite values"):
            labfns.train_epoch(model, opt, bad, labels)
        with pytest.raises(ValueError, match="images contains NaN or infinite values"):
            labfns.train_step(model, opt, bad[-8:], labels[-8:])
    wrong = labels.clone()
    wrong[-1] = 10
    with pytest.raises(ValueError, match=r"labels must lie in 0..9, got values from 0 to 10"):
        labfns.train_epoch(model, opt, images, wrong)
    with pytest.raises(ValueError, match=r"labels must lie in 0..9"):
        labfns.train_step(model, opt, images[-8:], wrong[-8:])
    small = labfns.MNISTNet(n_classes=5)
    with pytest.raises(ValueError, match=r"labels must lie in 0..4"):  # the network's outputs decide
        labfns.train_epoch(small, torch.optim.RMSprop(small.parameters()), images, labels)
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    loss, out = labfns.train_step(model, opt, images[:8], labels[:8])  # good data still trains
    assert out.shape == (8, 10) and torch.isfinite(loss)


def test_principle_3_a_model_on_a_device_the_data_cannot_reach(tiny):
    images, labels = tiny
    meta = labfns.MNISTNet().to("meta")
    for call in (
        lambda: labfns.predict(meta, images),
        lambda: labfns.evaluate(meta, images, labels),
        lambda: labfns.train_epoch(meta, torch.optim.RMSprop(meta.parameters()), images, labels),
        lambda: labfns.train_step(meta, torch.optim.RMSprop(meta.parameters()), images[:8], labels[:8]),
    ):
        with pytest.raises(ValueError, match="the model's weights are on the meta device"):
            call()
    model = labfns.MNISTNet()
    opt = torch.optim.RMSprop(model.parameters())
    with pytest.raises(ValueError, match=r"images are on the meta device: they hold no numbers"):
        labfns.train_epoch(model, opt, images.to("meta"), labels)
    with pytest.raises(ValueError, match=r"labels are on meta but the model is on cpu: move one"):
        labfns.train_epoch(model, opt, images, labels.to("meta"))


def test_principle_3_fit_checks_once_and_trains_as_before(tiny, monkeypatch):
    """fit checks its data once, not once per epoch, and its numbers are those of train_epoch's loop."""
    from labfns import checks, train

    images, labels = tiny
    calls = []
    real = checks.check_model_input
    monkeypatch.setattr(train, "check_model_input", real)
    monkeypatch.setattr(checks, "check_model_input", lambda *a, **k: (calls.append(1), real(*a, **k))[1])
    labfns.set_seed(0)
    labfns.fit(labfns.MNISTNet(), images, labels, epochs=3, verbose=False)
    assert len(calls) <= 1  # check_data's, before the first epoch (train_epoch's own would add 3)


def test_principle_4_an_interrupted_and_resumed_fit_equals_an_uninterrupted_one(tiny, tmp_path, capsys):
    """Stopped after epoch 1 (Ctrl-C in on_epoch_end), then called again with the same checkpoint: the
    weights and the history are those of one fit of 3 epochs, bit for bit, with or without a checkpoint."""
    images, labels = tiny
    settings = {"epochs": 3, "batch_size": 32, "verbose": False}

    def straight(**more):
        labfns.set_seed(0)
        model = labfns.MNISTNet()
        return model, labfns.fit(model, images, labels, **settings, **more)

    model, history = straight()
    model_ck, history_ck = straight(checkpoint=tmp_path / "straight.pt")

    def stop(epoch, model):
        if epoch == 1:
            raise KeyboardInterrupt

    labfns.set_seed(0)
    first = labfns.MNISTNet()
    cut = labfns.fit(first, images, labels, **settings, checkpoint=tmp_path / "run.pt", on_epoch_end=stop)
    assert cut.interrupted and len(cut) == 1
    resumed = labfns.MNISTNet()  # a new kernel: fresh weights, which the checkpoint replaces
    history_resumed = labfns.fit(resumed, images, labels, **settings, checkpoint=tmp_path / "run.pt")
    for m, h in ((model_ck, history_ck), (resumed, history_resumed)):
        assert h.rows == history.rows
        assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), m.state_dict().values()))
    # Called once more, with nothing left to do, it gives the same model and history again.
    again = labfns.MNISTNet()
    history_again = labfns.fit(again, images, labels, **settings, checkpoint=tmp_path / "run.pt")
    assert history_again.rows == history.rows and torch.equal(again.fc1.weight, model.fc1.weight)
    # More epochs later: the same as asking for them at once.
    more = labfns.fit(
        labfns.MNISTNet(), images, labels, **(settings | {"epochs": 4}), checkpoint=tmp_path / "run.pt"
    )
    labfns.set_seed(0)
    at_once = labfns.fit(labfns.MNISTNet(), images, labels, **(settings | {"epochs": 4}))
    assert more.rows == at_once.rows


def test_principle_4_fit_twice_without_a_checkpoint_is_a_second_run(tiny):
    """What the README says: a second fit continues from the weights with a new optimizer and batch order,
    which is not the rest of the first run."""
    images, labels = tiny
    labfns.set_seed(0)
    model = labfns.MNISTNet()
    labfns.fit(model, images, labels, epochs=1, verbose=False)
    twice = labfns.fit(model, images, labels, epochs=1, verbose=False)
    labfns.set_seed(0)
    once = labfns.fit(labfns.MNISTNet(), images, labels, epochs=2, verbose=False)
    assert twice[-1]["train_loss"] != once[-1]["train_loss"]


def test_principle_4_a_checkpoint_of_another_run_is_refused(tiny, tmp_path):
    images, labels = tiny
    path = tmp_path / "run.pt"
    labfns.fit(labfns.MNISTNet(), images, labels, epochs=1, verbose=False, checkpoint=path)
    model = labfns.MNISTNet()
    before = model.fc1.weight.clone()
    with pytest.raises(ValueError, match=r"other data or settings \(batch_size=256 there, 32 here\)"):
        labfns.fit(model, images, labels, epochs=2, batch_size=32, verbose=False, checkpoint=path)
    with pytest.raises(ValueError, match=r"other data or settings \(data="):
        labfns.fit(model, images.flip(0), labels, epochs=2, verbose=False, checkpoint=path)
    with pytest.raises(ValueError, match="are for another architecture"):
        labfns.fit(labfns.MNISTNet(hidden=(64, 32)), images, labels, epochs=2, verbose=False, checkpoint=path)
    assert torch.equal(model.fc1.weight, before)  # nothing was changed
    labfns.save(model, tmp_path / "weights.pt")
    with pytest.raises(ValueError, match="not a checkpoint that fit wrote"):
        labfns.fit(model, images, labels, verbose=False, checkpoint=tmp_path / "weights.pt")
    with pytest.raises(ValueError, match="cuda_graphs=True cannot be combined with checkpoint="):
        labfns.fit(model, images, labels, verbose=False, checkpoint=path, cuda_graphs=True)
