"""labfns/files.py and what is built on it: nothing labfns writes is ever lost, and two processes can
install or load the data at the same time (save, install_idx_files, export_weights_js, load_mnist)."""

import errno
import gzip
import os
import subprocess
import sys
import textwrap

import pytest
import torch

import labfns
from labfns import data, files


def test_write_atomically_replaces_only_a_complete_file(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"old")
    with files.write_atomically(path) as f:
        f.write(b"new")
    assert path.read_bytes() == b"new"
    with pytest.raises(ZeroDivisionError):
        with files.write_atomically(path) as f:
            f.write(b"half of it")
            raise ZeroDivisionError
    assert path.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["f.bin"]  # no temporary file left behind


def _disk_full_after(n_bytes, monkeypatch):
    """Writes succeed for the first n_bytes, then fail as a full disk does."""
    real_fdopen = os.fdopen

    def fdopen(fd, *args, **kwargs):
        f = real_fdopen(fd, *args, **kwargs)
        real_write, written = f.write, [0]

        def write(b):
            if written[0] + len(b) > n_bytes:
                real_write(bytes(b)[: max(0, n_bytes - written[0])])
                raise OSError(errno.ENOSPC, "No space left on device")
            written[0] += len(b)
            return real_write(b)

        f.write = write
        return f

    monkeypatch.setattr(files.os, "fdopen", fdopen)


def test_save_over_a_good_checkpoint_while_the_disk_fills(tmp_path, monkeypatch):
    path = tmp_path / "net.pt"
    labfns.set_seed(0)
    good = labfns.MNISTNet()
    labfns.save(good, path)
    _disk_full_after(100_000, monkeypatch)
    with pytest.raises(
        OSError, match=r"could not write the weights to .*net.pt .*previous file is unchanged"
    ):
        labfns.save(labfns.MNISTNet(), path)
    monkeypatch.undo()
    again = labfns.load(labfns.MNISTNet(), path)  # the old file still loads, weight for weight
    assert all(torch.equal(a, b) for a, b in zip(good.state_dict().values(), again.state_dict().values()))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.pt"]


def test_save_into_a_folder_that_cannot_be_written(tmp_path, monkeypatch):
    def refuse(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(files.os, "open", refuse)  # as a read-only folder does (root ignores chmod)
    with pytest.raises(
        PermissionError, match=r"cannot write the weights to .*m.pt: the folder .* is not writable"
    ):
        labfns.save(labfns.MNISTNet(), tmp_path / "m.pt")


def _gz(folder, name, payload):
    folder.mkdir(parents=True, exist_ok=True)
    with gzip.open(folder / name, "wb") as f:
        f.write(payload)


def test_install_replaces_a_corrupted_file_of_the_same_size(tmp_path):
    payload = bytes([0, 0, 8, 1]) + (5).to_bytes(4, "big") + bytes([3, 1, 4, 1, 5])
    _gz(tmp_path / "gz", "t10k-labels-idx1-ubyte.gz", payload)
    raw = data.install_idx_files(tmp_path / "gz", root=tmp_path / "root")
    target = raw / "t10k-labels-idx1-ubyte"
    target.write_bytes(payload[:-1] + b"\x09")  # same size, one byte damaged
    data.install_idx_files(tmp_path / "gz", root=tmp_path / "root")
    assert target.read_bytes() == payload
    before = target.stat().st_mtime_ns
    data.install_idx_files(tmp_path / "gz", root=tmp_path / "root")  # the same bytes: left alone
    assert target.stat().st_mtime_ns == before


@pytest.mark.parametrize("damage", ["truncated", "not gzip"])
def test_install_names_a_damaged_gz_file(tmp_path, damage):
    src = tmp_path / "gz"
    _gz(src, "t10k-labels-idx1-ubyte.gz", bytes(1000))
    gz = src / "t10k-labels-idx1-ubyte.gz"
    gz.write_bytes(gz.read_bytes()[:20] if damage == "truncated" else b"plain text, not gzip")
    with pytest.raises(labfns.DataError, match=r"t10k-labels-idx1-ubyte.gz is not a complete gzip file"):
        data.install_idx_files(src, root=tmp_path / "root")


def test_export_weights_js_is_written_whole(tmp_path, monkeypatch):
    path = tmp_path / "net.js"
    labfns.export_weights_js(labfns.MNISTNet(), path)
    before = path.read_bytes()
    _disk_full_after(1000, monkeypatch)
    with pytest.raises(OSError, match="could not write the network's weights"):
        labfns.export_weights_js(labfns.MNISTNet(), path)
    assert path.read_bytes() == before


CONCURRENT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from labfns import data
    gz, root, n = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    for _ in range(n):
        raw = data.install_idx_files(gz, root=root)
        got = (raw / "train-labels-idx1-ubyte").read_bytes()  # never half a file
        assert got == Path(sys.argv[4]).read_bytes(), len(got)
    """
)


def test_three_processes_installing_at_once(tmp_path):
    payload = bytes([0, 0, 8, 1]) + (200_000).to_bytes(4, "big") + bytes(i % 10 for i in range(200_000))
    _gz(tmp_path / "gz", "train-labels-idx1-ubyte.gz", payload)
    (tmp_path / "expected").write_bytes(payload)
    script = tmp_path / "install.py"
    script.write_text(CONCURRENT)
    args = [str(tmp_path / "gz"), str(tmp_path / "root"), "5", str(tmp_path / "expected")]
    procs = [subprocess.Popen([sys.executable, str(script), *args], stderr=subprocess.PIPE) for _ in range(3)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()[-2000:]
    raw = tmp_path / "root" / "MNIST" / "raw"
    assert sorted(p.name for p in raw.iterdir()) == ["train-labels-idx1-ubyte"]


def test_file_lock_makes_processes_take_turns(tmp_path):
    script = tmp_path / "lock.py"
    script.write_text(
        textwrap.dedent(
            """
            import sys, time
            from pathlib import Path
            from labfns.files import FileLock
            log = Path(sys.argv[1]) / "log"
            with FileLock(sys.argv[1], "test"):
                with open(log, "a") as f:
                    f.write("in\\n")
                time.sleep(0.3)
                with open(log, "a") as f:
                    f.write("out\\n")
            """
        )
    )
    procs = [subprocess.Popen([sys.executable, str(script), str(tmp_path)]) for _ in range(3)]
    for p in procs:
        assert p.wait(timeout=60) == 0
    assert (tmp_path / "log").read_text() == "in\nout\n" * 3


def _labels_payload():
    return bytes([0, 0, 8, 1]) + (5).to_bytes(4, "big") + bytes([3, 1, 4, 1, 5])


def test_principle_1_install_never_writes_through_a_link_out_of_the_data_folder(tmp_path):
    """The issue's case: MNIST/raw/t10k-labels-idx1-ubyte a link to a file outside root overwrote it."""
    _gz(tmp_path / "gz", "t10k-labels-idx1-ubyte.gz", _labels_payload())
    victim = tmp_path / "v"
    victim.write_bytes(b"the reader's own file")
    raw = tmp_path / "r" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / "t10k-labels-idx1-ubyte").symlink_to(victim)
    with pytest.raises(
        OSError, match=r"t10k-labels-idx1-ubyte is a symbolic link to .*v, outside the folder"
    ):
        data.install_idx_files(tmp_path / "gz", root=tmp_path / "r")
    assert victim.read_bytes() == b"the reader's own file"
    # a folder on the way that leads out is refused too, and nothing is made there
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (tmp_path / "r2").mkdir()
    (tmp_path / "r2" / "MNIST").symlink_to(outside)
    with pytest.raises(OSError, match=r"MNIST is a symbolic link to .*elsewhere, outside the folder"):
        data.install_idx_files(tmp_path / "gz", root=tmp_path / "r2")
    assert list(outside.iterdir()) == []
    # a link inside the data folder is followed, and kept
    inside = tmp_path / "r3" / "MNIST" / "raw"
    inside.mkdir(parents=True)
    (inside / "t10k-labels-idx1-ubyte").symlink_to(inside / "copy")
    data.install_idx_files(tmp_path / "gz", root=tmp_path / "r3")
    assert (inside / "copy").read_bytes() == _labels_payload()


def test_principle_1_links_in_a_loop_are_named(tmp_path):
    (tmp_path / "a.pt").symlink_to(tmp_path / "b.pt")
    (tmp_path / "b.pt").symlink_to(tmp_path / "a.pt")
    with pytest.raises(OSError, match=r"a.pt: it is a symbolic link that leads round in a loop"):
        labfns.save(labfns.MNISTNet(), tmp_path / "a.pt")
    with pytest.raises(OSError, match=r"a.pt: it is a symbolic link that leads round in a loop"):
        labfns.export_weights_js(labfns.MNISTNet(), tmp_path / "a.pt")


def test_principle_1_save_and_export_never_write_through_a_link_out_of_their_folder(tmp_path):
    victim = tmp_path / "outside.txt"
    victim.write_text("keep me")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "net.pt").symlink_to(victim)
    (tmp_path / "book" / "net.js").symlink_to(victim)
    with pytest.raises(OSError, match="net.pt is a symbolic link to .*outside.txt, outside the folder"):
        labfns.save(labfns.MNISTNet(), tmp_path / "book" / "net.pt")
    with pytest.raises(OSError, match="net.js is a symbolic link to .*outside.txt, outside the folder"):
        labfns.export_weights_js(labfns.MNISTNet(), tmp_path / "book" / "net.js")
    assert victim.read_text() == "keep me"


def test_principle_1_a_failed_call_removes_every_folder_it_created(tmp_path, monkeypatch):
    src = tmp_path / "gz"
    _gz(src, "t10k-labels-idx1-ubyte.gz", bytes(1000))
    gz = src / "t10k-labels-idx1-ubyte.gz"
    gz.write_bytes(gz.read_bytes()[:20])
    with pytest.raises(labfns.DataError):
        data.install_idx_files(src, root=tmp_path / "new" / "deeper" / "root")
    assert not (tmp_path / "new").exists()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fdopen", full)
    with pytest.raises(OSError, match="No space left"):
        labfns.export_weights_js(labfns.MNISTNet(), tmp_path / "site" / "static" / "net.js")
    assert not (tmp_path / "site").exists()
