import gzip

import pytest
import torch

import labfns
from labfns import data


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
            import hashlib

            table[path.name] = (path.stat().st_size, hashlib.md5(path.read_bytes()).hexdigest())
        monkeypatch.setattr(data, "MNIST_FILES", table)
        return table

    return expect


def test_data_root_precedence(tmp_path, monkeypatch):
    monkeypatch.delenv("LABFNS_DATA", raising=False)
    assert labfns.data_root() == data.REPO_ROOT / "data"
    monkeypatch.setenv("LABFNS_DATA", str(tmp_path / "env"))
    assert labfns.data_root() == tmp_path / "env"
    assert labfns.data_root(tmp_path / "arg") == tmp_path / "arg"


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


def test_missing_files_offline_names_folder_and_files(tmp_path, monkeypatch):
    from torchvision.datasets import MNIST

    def no_network(self):
        raise RuntimeError("Error downloading train-images-idx3-ubyte.gz")

    monkeypatch.setattr(MNIST, "download", no_network)
    with pytest.raises(labfns.DataError) as err:
        labfns.load_mnist("train", root=tmp_path)
    msg = str(err.value)
    assert str(tmp_path / "MNIST" / "raw") in msg
    assert "train-images-idx3-ubyte" in msg and "train-labels-idx1-ubyte" in msg
    assert "LABFNS_DATA" in msg


def test_bad_split():
    with pytest.raises(ValueError, match="split"):
        labfns.load_mnist("validation")


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
        labfns.check_idx_files(raw)
    (raw / "t10k-labels-idx1-ubyte").write_bytes(bytes([0, 0, 8, 1]) + bytes(10004))
    with pytest.raises(labfns.DataError, match="MD5"):
        labfns.check_idx_files(raw)


def test_install_idx_files_decompresses(tmp_path):
    src = tmp_path / "gz"
    src.mkdir()
    payload = bytes([0, 0, 8, 1]) + bytes(20)
    with gzip.open(src / "t10k-labels-idx1-ubyte.gz", "wb") as f:
        f.write(payload)
    raw = labfns.install_idx_files(src, root=tmp_path / "root")
    assert raw == tmp_path / "root" / "MNIST" / "raw"
    assert (raw / "t10k-labels-idx1-ubyte").read_bytes() == payload
    with pytest.raises(labfns.DataError, match="no"):
        labfns.install_idx_files(tmp_path / "empty", root=tmp_path)
