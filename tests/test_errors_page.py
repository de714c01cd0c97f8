"""book/errors.md, "When things go wrong", is checked here: every row of its tables is run, and what it
raises (or prints) must be what the row says the reader sees.

A row whose "You tried" cell is one piece of code is run as it stands, with ``model = labfns.MNISTNet()``
and ``images, labels``: 1,000 stand-in digits (random pixels, labels 0-9), in an empty folder. Any other
row is a situation (no network, a damaged file, Ctrl-C) set up by the function of the same id in SCENARIOS.
In the "You see" cell, "…" stands for any text (a path, a number that depends on the data), and runs of
white space match any white space: the page shows a multi-line message on one line.
"""

import contextlib
import errno
import gzip
import hashlib
import io
import re
import subprocess
import sys
import textwrap
import urllib.error
import urllib.request
import warnings
from pathlib import Path

import numpy
import pytest
import torch
from node_page import page_says

import labfns
from labfns import data, files

PAGE = Path(__file__).resolve().parent.parent / "book" / "errors.md"
CODE = re.compile(r"^`([^`]+)`$")


def rows():
    """(id, tried, seen) for each table row of the page whose first cell is an id such as I1 or D3."""
    found = []
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if len(cells) == 3 and re.fullmatch(r"[A-Z]\d+", cells[0]):
            found.append(tuple(cells))
    return found


def observed(run) -> str:
    """What the reader sees: the exception as Python prints its last lines (the message, then any notes),
    else what was printed, then any warning (a UserWarning of labfns, say)."""
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            run()
    except Exception as e:  # noqa: BLE001 (any error is what the row is about)
        return "\n".join([f"{type(e).__name__}: {e}", *getattr(e, "__notes__", [])])
    said = [f"{w.category.__name__}: {w.message}" for w in caught if issubclass(w.category, UserWarning)]
    return "\n".join([out.getvalue().strip(), *said]).strip() or "(no error)"


def matches(seen_cell: str, text: str) -> bool:
    """Whether ``text`` is what ``seen_cell`` shows, "…" standing for any text, white space for any."""
    m = CODE.match(seen_cell)
    assert m, f"the 'You see' cell must be one piece of code, got {seen_cell!r}"
    pieces = [re.escape(" ".join(piece.split())) for piece in m.group(1).split("…")]
    return re.fullmatch(".*?".join(pieces), " ".join(text.split()), flags=re.DOTALL) is not None


# ---------------------------------------------------------------------------------------------------------
# The situations that are not one line of code.


def write_idx(folder, prefix, n):
    folder.mkdir(parents=True, exist_ok=True)
    img = bytes([0, 0, 8, 3]) + n.to_bytes(4, "big") + (28).to_bytes(4, "big") * 2 + bytes(n * 784)
    lab = bytes([0, 0, 8, 1]) + n.to_bytes(4, "big") + bytes(i % 10 for i in range(n))
    (folder / f"{prefix}-images-idx3-ubyte").write_bytes(img)
    (folder / f"{prefix}-labels-idx1-ubyte").write_bytes(lab)


def fake_mnist(folder, monkeypatch):
    """Tiny well-formed IDX files, which labfns is told are the MNIST files (sizes and MD5s)."""
    write_idx(folder, "train", 12)
    write_idx(folder, "t10k", 5)
    table = {p.name: (p.stat().st_size, hashlib.md5(p.read_bytes()).hexdigest()) for p in folder.iterdir()}
    monkeypatch.setattr(data, "MNIST_FILES", table)


def no_files_no_network(tmp_path, monkeypatch):
    def noisy_offline(self):  # as older torchvision versions do: print each failed mirror, then raise
        print("Failed to download (trying next):\nHTTP Error 403: Forbidden")
        raise RuntimeError("Error downloading train-images-idx3-ubyte.gz:\n<urlopen error no network>")

    from torchvision.datasets import MNIST

    monkeypatch.setattr(MNIST, "download", noisy_offline)
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            labfns.load_mnist("train", root=tmp_path / "data")
    finally:
        assert printed.getvalue() == "", "torchvision's noise reached the reader"


def read_only_with_files(tmp_path, monkeypatch):
    fake_mnist(tmp_path / "data" / "MNIST" / "raw", monkeypatch)
    monkeypatch.setattr("os.makedirs", _refuse)  # nothing may be written (torchvision's first write)
    images, labels = labfns.load_mnist("train", root=tmp_path / "data")
    assert images.shape == (12, 28, 28)


def _refuse(path, *args, **kwargs):
    raise PermissionError(13, "Permission denied", str(path))


def read_only_without_files(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    monkeypatch.setattr("os.makedirs", _refuse)
    labfns.load_mnist("train", root=tmp_path / "data")


def _load_with_test_labels(tmp_path, content: bytes):
    """Load the test split from a data folder whose only file is t10k-labels-idx1-ubyte = ``content``."""
    raw = tmp_path / "data" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / "t10k-labels-idx1-ubyte").write_bytes(content)
    labfns.load_mnist("test", root=tmp_path / "data")


def truncated(tmp_path, monkeypatch):
    _load_with_test_labels(tmp_path, bytes([0, 0, 8, 1]) + bytes(100))


def still_gzipped(tmp_path, monkeypatch):
    labels = bytes([0, 0, 8, 1]) + (10_000).to_bytes(4, "big") + bytes(i % 10 for i in range(10_000))
    _load_with_test_labels(tmp_path, gzip.compress(labels, mtime=0))  # renamed, not unpacked


def corrupted(tmp_path, monkeypatch):
    _load_with_test_labels(tmp_path, bytes([0, 0, 8, 1]) + bytes(10_004))


def path_with_spaces(tmp_path, monkeypatch):
    root = tmp_path / "My Drive" / "MNIST data"
    fake_mnist(root / "MNIST" / "raw", monkeypatch)
    monkeypatch.setenv("LABFNS_DATA", str(root))
    images, _ = labfns.load_mnist("test")
    assert images.shape == (5, 28, 28)


def stand_in():
    g = torch.Generator().manual_seed(0)
    return torch.rand(1000, 28, 28, generator=g), torch.arange(1000) % 10


def ctrl_c_during_epoch_3(tmp_path, monkeypatch):
    images, labels = stand_in()
    steps_per_epoch = -(-800 // 256)

    class Interrupted(torch.optim.RMSprop):
        steps = 0

        def step(self, closure=None):
            Interrupted.steps += 1
            if Interrupted.steps == 2 * steps_per_epoch + 2:  # the second step of epoch 3
                raise KeyboardInterrupt
            return super().step(closure)

    # On the CPU: a CUDA graph replays the step without calling optimizer.step, where Ctrl-C is simulated.
    history = labfns.fit(
        labfns.MNISTNet(), images, labels, optimizer=Interrupted, verbose=False, device="cpu"
    )
    assert history.interrupted and len(history) == 2


def ctrl_c_after_epoch_2(tmp_path, monkeypatch):
    images, labels = stand_in()

    def stop(epoch, model):
        if epoch == 2:
            raise KeyboardInterrupt

    history = labfns.fit(labfns.MNISTNet(), images, labels, on_epoch_end=stop, verbose=False)
    assert history.interrupted and len(history) == 2


class Spare(labfns.MNISTNet):
    """The slides' network with a spare linear layer registered after its output layer, never used."""

    def __init__(self):
        super().__init__()
        self.spare = torch.nn.Linear(10, 3)


def spare_layer_registered_last(tmp_path, monkeypatch):
    images, labels = stand_in()
    labfns.fit(Spare(), images, labels, epochs=1, verbose=False)


def save_into_a_folder_that_cannot_be_written(tmp_path, monkeypatch):
    monkeypatch.setattr(files.os, "open", _refuse)  # what a read-only folder does (root ignores chmod)
    labfns.save(labfns.MNISTNet(), tmp_path / "m.pt")


def save_while_the_disk_fills(tmp_path, monkeypatch):
    labfns.set_seed(0)
    good = labfns.MNISTNet()
    labfns.save(good, "net.pt")
    real_fdopen = files.os.fdopen

    def full_disk(fd, *args, **kwargs):
        f = real_fdopen(fd, *args, **kwargs)

        def write(b):
            raise OSError(errno.ENOSPC, "No space left on device")

        f.write = write
        return f

    try:
        with monkeypatch.context() as patch:
            patch.setattr(files.os, "fdopen", full_disk)
            labfns.save(labfns.MNISTNet(), "net.pt")
    finally:
        kept = labfns.load(labfns.MNISTNet(), "net.pt")  # the good file is still whole
        assert all(torch.equal(a, b) for a, b in zip(good.state_dict().values(), kept.state_dict().values()))


def _gz_labels(folder: Path, n: int = 10_000) -> bytes:
    folder.mkdir(parents=True, exist_ok=True)
    payload = bytes([0, 0, 8, 1]) + n.to_bytes(4, "big") + bytes(i % 10 for i in range(n))
    with gzip.open(folder / "t10k-labels-idx1-ubyte.gz", "wb") as f:
        f.write(payload)
    return payload


def install_a_truncated_gz(tmp_path, monkeypatch):
    _gz_labels(tmp_path / "gz")
    gz = tmp_path / "gz" / "t10k-labels-idx1-ubyte.gz"
    gz.write_bytes(gz.read_bytes()[:30])
    data.install_idx_files(tmp_path / "gz", root=tmp_path / "data")


def install_over_a_damaged_file(tmp_path, monkeypatch):
    payload = _gz_labels(tmp_path / "gz")
    raw = data.install_idx_files(tmp_path / "gz", root=tmp_path / "data")
    (raw / "t10k-labels-idx1-ubyte").write_bytes(payload[:-1] + b"\xff")  # right size, damaged
    data.install_idx_files(tmp_path / "gz", root=tmp_path / "data")
    assert (raw / "t10k-labels-idx1-ubyte").read_bytes() == payload


def _processes(script: str, runs: list[list[str]]):
    procs = [subprocess.Popen([sys.executable, "-c", script, *args], stderr=subprocess.PIPE) for args in runs]
    for p in procs:
        _, err = p.communicate(timeout=300)
        if p.returncode:
            raise RuntimeError(err.decode().strip().splitlines()[-1])


INSTALL = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from labfns import data
    for _ in range(4):
        data.install_idx_files(sys.argv[1], root=sys.argv[2])
    """
)


def three_installs_at_once(tmp_path, monkeypatch):
    payload = _gz_labels(tmp_path / "gz")
    _processes(INSTALL, [[str(tmp_path / "gz"), str(tmp_path / "data")]] * 3)
    assert (tmp_path / "data" / "MNIST" / "raw" / "t10k-labels-idx1-ubyte").read_bytes() == payload


LOAD = textwrap.dedent(
    """
    import sys
    from labfns import data
    import labfns
    for _ in range(10):
        images, labels = labfns.load_mnist("test", root=sys.argv[2])
        assert images.shape == (5, 28, 28) and labels.tolist() == [0, 1, 2, 3, 4]
    """
)


def load_while_another_installs(tmp_path, monkeypatch):
    raw = tmp_path / "data" / "MNIST" / "raw"
    write_idx(raw, "train", 12)
    write_idx(raw, "t10k", 5)
    gz = tmp_path / "gz"
    gz.mkdir()
    for p in raw.iterdir():
        (gz / f"{p.name}.gz").write_bytes(gzip.compress(p.read_bytes(), mtime=0))
    table = {p.name: (p.stat().st_size, hashlib.md5(p.read_bytes()).hexdigest()) for p in raw.iterdir()}
    loader = LOAD.replace(
        "from labfns import data\n", f"from labfns import data\ndata.MNIST_FILES = {table!r}\n"
    )
    installer = [sys.executable, "-c", INSTALL, str(gz), str(tmp_path / "data")]
    reader = [sys.executable, "-c", loader, "", str(tmp_path / "data")]
    procs = [subprocess.Popen(cmd, stderr=subprocess.PIPE) for cmd in (installer, reader, installer)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        if p.returncode:
            raise RuntimeError(err.decode().strip().splitlines()[-1])
    assert sorted(p.name for p in raw.iterdir()) == sorted(table)  # no temporary file left


def _fails_at_step(step_number, error):
    class Failing(torch.optim.RMSprop):
        steps = 0

        def step(self, closure=None):
            Failing.steps += 1
            if Failing.steps == step_number:
                raise error
            return super().step(closure)

    return Failing


def error_in_step_4_of_epoch_3(tmp_path, monkeypatch):
    images, labels = stand_in()
    steps_per_epoch = -(-800 // 256)
    model = labfns.MNISTNet()
    oom = RuntimeError("CUDA out of memory. Tried to allocate 20.00 MiB")
    try:
        labfns.fit(
            model,
            images,
            labels,
            optimizer=_fails_at_step(2 * steps_per_epoch + 4, oom),
            verbose=False,
            device="cpu",
        )
    except RuntimeError as error:
        assert error.history["epoch"] == [1, 2] and not model.training
        raise


def disk_full_in_on_epoch_end(tmp_path, monkeypatch):
    images, labels = stand_in()

    def save_each_epoch(epoch, model):
        if epoch == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        labfns.save(model, f"epoch{epoch}.pt")

    try:
        labfns.fit(labfns.MNISTNet(), images, labels, on_epoch_end=save_each_epoch, verbose=False)
    except OSError as error:
        assert error.history["epoch"] == [1, 2, 3]
        raise


def four_restarts_without_set_seed(tmp_path, monkeypatch):
    images, labels = stand_in()
    results = []
    for _ in range(4):
        model = labfns.MNISTNet()
        labfns.fit(model, images, labels, epochs=1, verbose=False)
        results.append(model.fc1.weight.detach().clone())
    assert all(not torch.equal(a, b) for i, a in enumerate(results) for b in results[i + 1 :])


def load_on_torch_2_5(tmp_path, monkeypatch):
    labfns.save(labfns.MNISTNet(), "net.pt")
    monkeypatch.setattr(torch, "__version__", "2.5.1")
    labfns.load(labfns.MNISTNet(), "net.pt")


def _exported_then(change):
    """net.js exported from the slides' network with three digits, then rewritten with ``change(spec)``
    applied: still valid JSON."""
    import json

    from labfns.export import PREFIX

    labfns.set_seed(0)
    images, labels = stand_in()
    labfns.export_weights_js(labfns.MNISTNet(), "net.js", digits=images[:3], labels=labels[:3])
    text = Path("net.js").read_text()
    start = text.index(PREFIX) + len(PREFIX)
    spec = json.loads(text[start:].rstrip().rstrip(";"))
    change(spec)
    Path("net.js").write_text(text[:start] + json.dumps(spec) + ";\n")
    return spec


def _fc2_cut_in_half(spec):
    import base64

    raw = base64.b64decode(spec["layers"][1]["weight"])
    spec["layers"][1]["weight"] = base64.b64encode(raw[: len(raw) // 2]).decode()


def weights_js_cut_in_half(tmp_path, monkeypatch):
    _exported_then(_fc2_cut_in_half)
    labfns.load_weights_js("net.js")


def weights_js_one_label_for_three_digits(tmp_path, monkeypatch):
    _exported_then(lambda spec: spec["digits"].update({"labels": [7]}))
    labfns.load_weights_js("net.js")


def page_with_weights_js_cut_in_half(tmp_path, monkeypatch):
    """The page's own loader, draw_digit.js, run in Node with a stand-in document (what it writes into the
    page's box is printed)."""
    import json

    print(page_says(json.dumps(_exported_then(_fc2_cut_in_half)), Path.cwd()))


def install_through_a_link_out_of_the_data_folder(tmp_path, monkeypatch):
    _gz_labels(tmp_path / "gz")
    (tmp_path / "v").write_bytes(b"the reader's own file")
    raw = tmp_path / "r" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / "t10k-labels-idx1-ubyte").symlink_to(tmp_path / "v")
    try:
        data.install_idx_files(tmp_path / "gz", root=tmp_path / "r")
    finally:
        assert (tmp_path / "v").read_bytes() == b"the reader's own file"


def save_into_a_loop_of_links(tmp_path, monkeypatch):
    Path("a.pt").symlink_to("b.pt")
    Path("b.pt").symlink_to("a.pt")
    labfns.save(labfns.MNISTNet(), "a.pt")


def resume_after_ctrl_c(tmp_path, monkeypatch):
    images, labels = stand_in()

    def stop(epoch, model):
        raise KeyboardInterrupt

    with contextlib.redirect_stdout(io.StringIO()):
        labfns.set_seed(0)
        straight = labfns.fit(labfns.MNISTNet(), images, labels, epochs=2)
        labfns.set_seed(0)
        labfns.fit(labfns.MNISTNet(), images, labels, epochs=2, checkpoint="run.pt", on_epoch_end=stop)
    resumed = labfns.fit(labfns.MNISTNet(), images, labels, epochs=2, checkpoint="run.pt")
    assert resumed.rows == straight.rows  # bit for bit


SCENARIOS = {
    "D1": no_files_no_network,
    "D2": read_only_with_files,
    "D3": read_only_without_files,
    "D4": truncated,
    "D5": still_gzipped,
    "D6": corrupted,
    "D7": path_with_spaces,
    "T2": ctrl_c_during_epoch_3,
    "T3": ctrl_c_after_epoch_2,
    "T4": error_in_step_4_of_epoch_3,
    "T5": disk_full_in_on_epoch_end,
    "T6": four_restarts_without_set_seed,
    "S19": spare_layer_registered_last,
    "M12": save_into_a_folder_that_cannot_be_written,
    "M13": save_while_the_disk_fills,
    "D8": install_a_truncated_gz,
    "D9": install_over_a_damaged_file,
    "D10": three_installs_at_once,
    "D11": load_while_another_installs,
    "D12": install_through_a_link_out_of_the_data_folder,
    "D13": save_into_a_loop_of_links,
    "M16": load_on_torch_2_5,
    "M21": weights_js_cut_in_half,
    "M22": weights_js_one_label_for_three_digits,
    "M23": page_with_weights_js_cut_in_half,
    "T7": resume_after_ctrl_c,
}


# ---------------------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """No test here reaches the network."""

    def refuse(*args, **kwargs):
        raise urllib.error.URLError("no network in the tests")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


def test_the_page_has_rows_and_every_scenario_has_a_row():
    ids = [r[0] for r in rows()]
    assert len(ids) >= 20 and len(ids) == len(set(ids)), ids
    scenario_rows = {i for i, tried, _ in rows() if not CODE.match(tried)}
    assert scenario_rows == set(SCENARIOS), "rows without code and SCENARIOS must name the same ids"


@pytest.mark.parametrize("row", rows(), ids=lambda r: r[0])
def test_row(row, tmp_path, monkeypatch):
    rid, tried, seen = row
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LABFNS_DATA", raising=False)
    if code := CODE.match(tried):
        images, labels = stand_in()
        labfns.set_seed(0)
        namespace = {"labfns": labfns, "torch": torch, "numpy": numpy, "images": images, "labels": labels}
        namespace["model"] = labfns.MNISTNet()
        text = observed(lambda: exec(code.group(1), namespace))
    else:
        text = observed(lambda: SCENARIOS[rid](tmp_path, monkeypatch))
    assert matches(seen, text), f"{rid}: the page says\n  {seen}\nbut the reader sees\n  {text}"


def test_matching():
    assert matches("`ValueError: got … images`", "ValueError: got 12\n images")
    assert not matches("`ValueError: got … images`", "ValueError: got 12 images; more")
    assert matches("`(no error)`", "(no error)")
