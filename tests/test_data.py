import builtins
import gzip
import hashlib
import os
import urllib.error
import urllib.request

import pytest
import torch

import labfns
from labfns import data


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """The tests never reach the network: any download torchvision tries fails at once, as offline."""

    def refuse(*args, **kwargs):
        raise urllib.error.URLError("no network in the tests")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


@pytest.fixture
def read_only(monkeypatch):
    """Make a folder read-only. chmod does it for a normal user; root ignores permissions, so writes under
    the folder are also refused (PermissionError) as the operating system would. Returns the attempts."""
    attempts = []

    def make(folder):
        real_open, real_mkdir = builtins.open, os.mkdir

        def refuse(path):
            attempts.append(str(path))
            raise PermissionError(13, "Permission denied", str(path))

        def guarded_open(file, mode="r", *args, **kwargs):
            if isinstance(file, (str, os.PathLike)) and str(file).startswith(str(folder)):
                if any(c in mode for c in "wax+"):
                    refuse(file)
            return real_open(file, mode, *args, **kwargs)

        def guarded_mkdir(path, *args, **kwargs):
            if str(path).startswith(str(folder)) and not os.path.isdir(path):
                refuse(path)
            return real_mkdir(path, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", guarded_open)
        monkeypatch.setattr(os, "mkdir", guarded_mkdir)
        folders = [folder, *(p for p in folder.rglob("*") if p.is_dir())]
        for f in folders:
            f.chmod(0o555)
        return folders

    yield make, attempts


def write_idx(folder, prefix, n, labels=None):
    """A tiny but well-formed pair of IDX files (images + labels)."""
    folder.mkdir(parents=True, exist_ok=True)
    img = bytes([0, 0, 8, 3]) + n.to_bytes(4, "big") + (28).to_bytes(4, "big") * 2
    img += bytes(range(256)) * (n * 784 // 256) + bytes(n * 784 % 256)
    lab = bytes([0, 0, 8, 1]) + n.to_bytes(4, "big") + bytes(labels or [i % 10 for i in range(n)])
    (folder / f"{prefix}-images-idx3-ubyte").write_bytes(img)
    (folder / f"{prefix}-labels-idx1-ubyte").write_bytes(lab)


@pytest.fixture
def fake_files(monkeypatch):
    """Pretend tiny files are the MNIST ones: sizes and MD5s of whatever write_idx wrote."""

    def expect(folder):
        table = {}
        for path in folder.iterdir():
            table[path.name] = (path.stat().st_size, hashlib.md5(path.read_bytes()).hexdigest())
        monkeypatch.setattr(data, "MNIST_FILES", table)
        return table

    return expect


def test_data_root_precedence(tmp_path, monkeypatch):
    monkeypatch.delenv("LABFNS_DATA", raising=False)
    assert labfns.data.data_root() == data.REPO_ROOT / "data"
    monkeypatch.setenv("LABFNS_DATA", str(tmp_path / "env"))
    assert labfns.data.data_root() == tmp_path / "env"
    assert labfns.data.data_root(tmp_path / "arg") == tmp_path / "arg"


def test_load_mnist_reads_torchvision_layout(tmp_path, fake_files):
    raw = tmp_path / "with space" / "MNIST" / "raw"
    write_idx(raw, "train", 12)
    write_idx(raw, "t10k", 5)
    fake_files(raw)
    images, labels = labfns.load_mnist("train", root=tmp_path / "with space")
    assert images.shape == (12, 28, 28) and images.dtype == torch.float32
    assert labels.dtype == torch.int64 and labels.tolist() == [i % 10 for i in range(12)]
    assert 0.0 <= float(images.min()) and float(images.max()) == 1.0
    test_images, _ = labfns.load_mnist("test", root=tmp_path / "with space")
    assert test_images.shape == (5, 28, 28)


def test_direct_read_equals_torchvision(tmp_path, fake_files):
    # With all four files present, load_mnist reads them itself; torchvision's MNIST gives the same tensors.
    from torchvision.datasets import MNIST

    write_idx(tmp_path / "MNIST" / "raw", "train", 9, labels=[3, 1, 4, 1, 5, 9, 2, 6, 5])
    write_idx(tmp_path / "MNIST" / "raw", "t10k", 4)
    fake_files(tmp_path / "MNIST" / "raw")
    for split in ("train", "test"):
        images, labels = labfns.load_mnist(split, root=tmp_path)
        ds = MNIST(str(tmp_path), train=split == "train")
        assert torch.equal(images, ds.data.float() / 255) and torch.equal(labels, ds.targets)
    assert data._read_idx(tmp_path / "MNIST" / "raw" / "train-images-idx3-ubyte").shape == (9, 28, 28)


def test_direct_read_does_not_import_torchvision(tmp_path):
    import subprocess
    import sys

    write_idx(tmp_path / "MNIST" / "raw", "train", 3)
    write_idx(tmp_path / "MNIST" / "raw", "t10k", 2)
    code = (
        "import sys, hashlib, pathlib, labfns; from labfns import data\n"
        f"raw = pathlib.Path({str(tmp_path)!r}) / 'MNIST' / 'raw'\n"
        "data.MNIST_FILES = {p.name: (p.stat().st_size, hashlib.md5(p.read_bytes()).hexdigest()) "
        "for p in raw.iterdir()}\n"
        f"x, y = labfns.load_mnist('train', root={str(tmp_path)!r})\n"
        "print(tuple(x.shape), 'torchvision' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "(3, 28, 28) False"


def test_missing_files_offline_names_folder_and_files(tmp_path, capsys):
    # torchvision's own download code runs, and fails as it does offline (see the no_network fixture)
    with pytest.raises(labfns.DataError) as err:
        labfns.load_mnist("train", root=tmp_path)
    msg = str(err.value)
    raw = tmp_path / "MNIST" / "raw"
    assert msg.startswith(f"MNIST train data: files are missing from {raw} and could not be downloaded")
    assert "no network in the tests" in msg
    for name in data.MNIST_FILES:
        assert f"{raw / name}   (missing)" in msg
    assert "LABFNS_DATA" in msg and "install_idx_files" in msg
    assert "read-only" not in msg
    assert capsys.readouterr().out == ""


def test_offline_lists_only_the_missing_files(tmp_path, fake_files):
    raw = tmp_path / "MNIST" / "raw"
    write_idx(raw, "train", 12)
    write_idx(raw, "t10k", 5)
    fake_files(raw)
    (raw / "train-images-idx3-ubyte").unlink()
    with pytest.raises(labfns.DataError) as err:
        labfns.load_mnist("test", root=tmp_path)  # torchvision wants all four files, even for one split
    msg = str(err.value)
    assert f"{raw / 'train-images-idx3-ubyte'}   (missing)" in msg
    assert f"{raw / 't10k-images-idx3-ubyte'}\n" in msg  # present: not marked


def test_torchvision_download_noise_is_held_back(tmp_path, monkeypatch, capsys):
    """Some torchvision versions print each failed mirror to stdout before raising; the reader should see
    only labfns' message."""
    from torchvision.datasets import MNIST

    def noisy_failure(self):
        print("Downloading http://yann.lecun.com/exdb/mnist/train-images-idx3-ubyte.gz")
        print("Failed to download (trying next):\nHTTP Error 403: Forbidden")
        raise RuntimeError("Error downloading train-images-idx3-ubyte.gz")

    monkeypatch.setattr(MNIST, "download", noisy_failure)
    with pytest.raises(labfns.DataError, match="could not be downloaded"):
        labfns.load_mnist("train", root=tmp_path)
    assert capsys.readouterr().out == ""


def test_read_only_folder_with_the_files_loads(tmp_path, fake_files, read_only):
    root = tmp_path / "read only"
    raw = root / "MNIST" / "raw"
    write_idx(raw, "train", 12)
    write_idx(raw, "t10k", 5)
    fake_files(raw)
    make, attempts = read_only
    folders = make(root)
    try:
        images, labels = labfns.load_mnist("train", root=root)
    finally:
        for f in folders:
            f.chmod(0o755)
    assert images.shape == (12, 28, 28) and len(labels) == 12
    assert attempts == []  # nothing was written


def test_read_only_folder_without_the_files_says_so(tmp_path, read_only):
    root = tmp_path / "read only"
    root.mkdir()
    make, attempts = read_only
    folders = make(root)
    try:
        with pytest.raises(labfns.DataError) as err:
            labfns.load_mnist("test", root=root)
    finally:
        for f in folders:
            f.chmod(0o755)
    msg = str(err.value)
    assert "PermissionError" in msg and "The data folder is read-only" in msg
    assert str(root / "MNIST" / "raw" / "t10k-images-idx3-ubyte") in msg and "LABFNS_DATA" in msg


def test_data_path_with_spaces_from_the_environment(tmp_path, monkeypatch, fake_files):
    root = tmp_path / "my data" / "MNIST files"
    write_idx(root / "MNIST" / "raw", "train", 3)
    write_idx(root / "MNIST" / "raw", "t10k", 2)
    fake_files(root / "MNIST" / "raw")
    monkeypatch.setenv("LABFNS_DATA", str(root))
    images, labels = labfns.load_mnist("test")
    assert images.shape == (2, 28, 28) and labels.tolist() == [0, 1]


def test_data_root_expands_home(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert labfns.data.data_root("~/mnist") == tmp_path / "mnist"
    monkeypatch.setenv("LABFNS_DATA", "~/elsewhere")
    assert labfns.data.data_root() == tmp_path / "elsewhere"


def test_corrupted_file_is_refused_before_loading(tmp_path, fake_files):
    raw = tmp_path / "MNIST" / "raw"
    write_idx(raw, "train", 12)
    write_idx(raw, "t10k", 5)
    fake_files(raw)
    path = raw / "train-images-idx3-ubyte"
    damaged = bytearray(path.read_bytes())
    damaged[500] ^= 0xFF  # one pixel flipped: same size, same header
    path.write_bytes(bytes(damaged))
    with pytest.raises(labfns.DataError, match="MD5 .* the file is corrupted"):
        labfns.load_mnist("train", root=tmp_path)


def test_bad_root_and_gz_folder(tmp_path):
    with pytest.raises(TypeError, match=r"root must be a folder or file path .* got int 5"):
        labfns.load_mnist("train", root=5)
    with pytest.raises(labfns.DataError, match="is not a folder"):
        labfns.data.install_idx_files(tmp_path / "nowhere", root=tmp_path)


def test_bad_split():
    with pytest.raises(ValueError, match="split"):
        labfns.load_mnist("validation")
    with pytest.raises(ValueError, match=r"fit\(\.\.\., valid=0\.2\)"):
        labfns.load_mnist("valid")
    with pytest.raises(
        ValueError, match=r"split must be 'train' or 'test', got str 'Train' \(lower case: 'train'\)"
    ):
        labfns.load_mnist("Train")
    with pytest.raises(ValueError, match="got int 1"):
        labfns.load_mnist(1)


def test_truncated_file_is_refused(tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / "t10k-labels-idx1-ubyte").write_bytes(bytes([0, 0, 8, 1]) + bytes(100))
    with pytest.raises(labfns.DataError, match="truncated"):
        labfns.load_mnist("test", root=tmp_path)


def test_wrong_header_and_checksum(tmp_path, monkeypatch):
    raw = tmp_path
    (raw / "t10k-labels-idx1-ubyte").write_bytes(b"\x1f\x8b" + bytes(10006))
    with pytest.raises(labfns.DataError, match="header"):
        labfns.data.check_idx_files(raw)
    (raw / "t10k-labels-idx1-ubyte").write_bytes(bytes([0, 0, 8, 1]) + bytes(10004))
    with pytest.raises(labfns.DataError, match="MD5"):
        labfns.data.check_idx_files(raw)


def test_install_idx_files_decompresses(tmp_path):
    src = tmp_path / "gz"
    src.mkdir()
    payload = bytes([0, 0, 8, 1]) + bytes(20)
    with gzip.open(src / "t10k-labels-idx1-ubyte.gz", "wb") as f:
        f.write(payload)
    raw = labfns.data.install_idx_files(src, root=tmp_path / "root")
    assert raw == tmp_path / "root" / "MNIST" / "raw"
    assert (raw / "t10k-labels-idx1-ubyte").read_bytes() == payload
    with pytest.raises(labfns.DataError, match="no"):
        labfns.data.install_idx_files(tmp_path / "empty", root=tmp_path)


# Fashion-MNIST (chapter 14): the same loader on tiny synthetic files, never the real data.


def test_load_fashion_mnist_reads_torchvision_layout(tmp_path, monkeypatch):
    import hashlib as md5lib

    raw = tmp_path / "FashionMNIST" / "raw"
    write_idx(raw, "train", 7, labels=[9, 0, 0, 3, 0, 2, 7])
    write_idx(raw, "t10k", 3)
    table = {p.name: (p.stat().st_size, md5lib.md5(p.read_bytes()).hexdigest()) for p in raw.iterdir()}
    monkeypatch.setattr(data, "FASHION_MNIST_FILES", table)
    images, labels = labfns.load_fashion_mnist("train", root=tmp_path)
    assert images.shape == (7, 28, 28) and images.dtype == torch.float32
    assert labels.tolist() == [9, 0, 0, 3, 0, 2, 7] and labels.dtype == torch.int64
    assert [labfns.FASHION_CLASSES[k] for k in labels[:2]] == ["Ankle boot", "T-shirt/top"]
    assert labfns.load_fashion_mnist("test", root=tmp_path)[0].shape == (3, 28, 28)
    assert not (tmp_path / "MNIST").exists()  # Fashion-MNIST never reads or writes MNIST's folder


def test_fashion_file_table_and_classes():
    from torchvision.datasets import FashionMNIST

    assert list(labfns.FASHION_CLASSES) == FashionMNIST.classes
    assert set(data.FASHION_MNIST_FILES) == set(data.MNIST_FILES)  # same IDX names, other folder
    for name, (size, digest) in data.FASHION_MNIST_FILES.items():
        n = 60_000 if name.startswith("train") else 10_000
        assert size == (16 + n * 784 if "images" in name else 8 + n)
        assert len(digest) == 32 and digest != data.MNIST_FILES[name][1]


def test_fashion_wrong_files_are_refused(tmp_path):
    raw = tmp_path / "FashionMNIST" / "raw"
    write_idx(raw, "t10k", 2)  # right format, wrong size for the real table
    with pytest.raises(labfns.DataError, match="bytes, expected 7,840,016"):
        labfns.load_fashion_mnist("test", root=tmp_path)
    (raw / "t10k-labels-idx1-ubyte").write_bytes(bytes([0, 0, 8, 1]) + bytes(10_004))  # right size
    (raw / "t10k-images-idx3-ubyte").unlink()
    with pytest.raises(labfns.DataError, match="MD5"):
        labfns.data.check_idx_files(raw, data.FASHION_MNIST_FILES)


def test_install_idx_files_into_fashion_folder(tmp_path):
    src = tmp_path / "gz"
    src.mkdir()
    payload = bytes([0, 0, 8, 1]) + (3).to_bytes(4, "big") + bytes([9, 0, 3])
    with gzip.open(src / "train-labels-idx1-ubyte.gz", "wb") as f:
        f.write(payload)
    raw = labfns.data.install_idx_files(src, root=tmp_path / "root", dataset="FashionMNIST")
    assert raw == tmp_path / "root" / "FashionMNIST" / "raw"
    assert (raw / "train-labels-idx1-ubyte").read_bytes() == payload


def test_seed_data_downloads_what_has_no_source_and_says_so_offline(tmp_path):
    """Without ../shared (on GitHub's runners) seed_data.py downloads each data set before the tests; offline
    (here: every request goes to a closed port) it prints labfns' message, goes on, and leaves nothing."""
    import os
    import subprocess
    import sys

    script = data.REPO_ROOT / "scripts" / "seed_data.py"
    closed = "http://127.0.0.1:9"
    env = {**os.environ, "LABFNS_DATA": str(tmp_path / "root"), "http_proxy": closed, "https_proxy": closed}
    out = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "no-mnist"), str(tmp_path / "no-fashion")],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=300,
    ).stdout
    assert "downloading MNIST" in out and "MNIST could not be downloaded now" in out
    assert "FashionMNIST could not be downloaded now" in out
    assert not (tmp_path / "root").exists()  # a failed download leaves no empty folders behind
