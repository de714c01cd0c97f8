"""Loading MNIST (chapter 1, "The data").

The slides load the digits with ``mnist_dataset(root = ".", download = TRUE)`` and rescale them with
``torch_div(255)``. :func:`load_mnist` does the same and returns two in-memory tensors, which is all the
rest of the book needs: 60,000 training images fit in 188 MB as float32. It reads the IDX files itself when
all four are present, and otherwise goes through ``torchvision.datasets.MNIST``, which downloads them; both
give the same tensors.

Where the files live (the *data root*): the ``root`` argument, else the environment variable
``LABFNS_DATA``, else ``data/`` at the repository root. torchvision keeps the four IDX files in
``<root>/MNIST/raw/``. A reader with internet gets them downloaded by torchvision; offline, copy them there
(:func:`install_idx_files` decompresses the published ``.gz`` files into place).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import os
import struct
import sys
import zlib
from pathlib import Path

import torch

from .checks import check_path, check_split
from .files import FileLock, missing_folders, real_destination, remove_folders, write_atomically

__all__ = [
    "DataError",
    "data_root",
    "install_idx_files",
    "load_mnist",
    "check_idx_files",
    "MNIST_FILES",
    "load_fashion_mnist",
    "FASHION_MNIST_FILES",
    "FASHION_CLASSES",
]

REPO_ROOT = Path(__file__).resolve().parent.parent

# name -> (size in bytes, MD5 published with MNIST); the MD5s are the ones torchvision checks downloads with.
MNIST_FILES = {
    "train-images-idx3-ubyte": (47_040_016, "6bbc9ace898e44ae57da46a324031adb"),
    "train-labels-idx1-ubyte": (60_008, "a25bea736e30d166cdddb491f175f624"),
    "t10k-images-idx3-ubyte": (7_840_016, "2646ac647ad5339dbf082846283269ea"),
    "t10k-labels-idx1-ubyte": (10_008, "27ae3e4e09519cfbb04c329615203637"),
}

# The IDX magic numbers: 0x00000803 for unsigned-byte 3-d arrays (images), 0x00000801 for 1-d (labels).
_IDX_MAGIC = {3: b"\x00\x00\x08\x03", 1: b"\x00\x00\x08\x01"}


class DataError(RuntimeError):
    """The data files are missing or damaged; the message says where they should be and how to get them."""


def data_root(root: str | os.PathLike | None = None) -> Path:
    """The data root: ``root`` if given, else ``$LABFNS_DATA``, else ``data/`` at the repository root.

    When labfns is installed from git (Colab) rather than used from a checkout, there is no repository
    root: the last fallback is then ``data/`` in the current folder. A leading ``~`` means the home folder.
    """
    check_path("root", root, allow_none=True)
    if root is not None:
        return Path(root).expanduser()
    env = os.environ.get("LABFNS_DATA")
    if env:
        return Path(env).expanduser()
    if (REPO_ROOT / "pyproject.toml").exists() and (REPO_ROOT / "labfns").is_dir():
        return REPO_ROOT / "data"
    return Path.cwd() / "data"


def _how_to_get(folder: Path, files, dataset: str = "MNIST") -> str:
    names = "\n".join(
        f"  {folder / name}{'' if (folder / name).exists() else '   (missing)'}" for name in files
    )
    return (
        f"torchvision needs all four files, for either split:\n{names}\n"
        "With internet, torchvision downloads them on the first call. Offline, copy the four IDX "
        "files there (decompressed; labfns.data.install_idx_files(gz_folder, root) does it from the .gz files), "
        f"or point the environment variable LABFNS_DATA (or the root= argument) at a folder that holds "
        f"{dataset}/raw/."
    )


def _writable(folder: Path) -> bool:
    """Whether files could be created in ``folder`` (or, if it does not exist yet, in its nearest parent)."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return os.access(folder, os.W_OK)


def check_idx_files(folder: str | os.PathLike, files: dict = MNIST_FILES, md5: bool = True) -> None:
    """Raise :class:`DataError` unless every IDX file in ``folder`` has the right header, size and MD5.

    Training on a truncated or corrupted file would give garbage without any error, so this is checked
    before the files are read. Files that are absent are not checked here.
    """
    check_path("folder", folder)
    folder = Path(folder).expanduser()
    for name, (size, digest) in files.items():
        path = folder / name
        if not path.exists():
            continue
        ndim = 3 if "images" in name else 1
        with open(path, "rb") as f:
            header = f.read(4)
        if header != _IDX_MAGIC[ndim]:
            what = (
                "it is still gzip-compressed: decompress it (gunzip, or labfns.data.install_idx_files on the "
                "folder of .gz files)"
                if header[:2] == b"\x1f\x8b"
                else "it is not an uncompressed IDX file of that kind. Delete it and fetch it again"
            )
            raise DataError(
                f"{path} does not start with the IDX header {_IDX_MAGIC[ndim].hex()} "
                f"(found {header.hex() or 'nothing'}): {what}."
            )
        actual = path.stat().st_size
        if actual != size:
            raise DataError(
                f"{path} has {actual:,} bytes, expected {size:,}: the file is truncated or is not "
                "the IDX file of that name. Delete it and fetch it again."
            )
        if md5:
            h = hashlib.md5(path.read_bytes()).hexdigest()
            other = _known_md5s().get(h)
            if h != digest and other:
                raise DataError(
                    f"{path} is {other}'s {name}, not the file expected in this folder: each data set's "
                    f"files go in their own folder, <root>/MNIST/raw and <root>/FashionMNIST/raw."
                )
            if h != digest:
                raise DataError(
                    f"{path} has MD5 {h}, expected {digest}: the file is corrupted. "
                    "Delete it and fetch it again."
                )


def _known_md5s() -> dict:
    """The MD5 of every file of both data sets -> which data set it belongs to."""
    return {d: "MNIST" for _, d in MNIST_FILES.values()} | {
        d: "Fashion-MNIST" for _, d in FASHION_MNIST_FILES.values()
    }


def install_idx_files(
    gz_folder: str | os.PathLike,
    root: str | os.PathLike | None = None,
    dataset: str = "MNIST",
) -> Path:
    """Decompress ``<gz_folder>/*-ubyte.gz`` into ``<root>/<dataset>/raw/``, where torchvision looks.

    Returns the folder written to. A file already there with exactly the same bytes is left alone; any
    other (a truncated or corrupted copy, say) is replaced. Each file is written whole or not at all, so
    several processes may install at the same time, and a reader never sees half a file.
    """
    check_path("gz_folder", gz_folder)
    gz_folder = Path(gz_folder).expanduser()
    if not gz_folder.is_dir():
        raise DataError(f"gz_folder {gz_folder} is not a folder (it does not exist or is a file)")
    sources = sorted(gz_folder.glob("*-ubyte.gz"))
    if not sources:
        raise DataError(f"no *-ubyte.gz files in {gz_folder}")
    given = data_root(root)
    raw = given / dataset / "raw"
    for src in sources:  # a link that leads outside the data folder is refused before anything is made
        real_destination(raw / src.name[: -len(".gz")], within=given, what=f"the {dataset} file")
    made = missing_folders(raw)
    try:
        raw.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DataError(
            f"cannot create the data folder {raw} ({e.strerror}); set LABFNS_DATA or root="
        ) from None
    try:
        for src in sources:
            dest = raw / src.name[: -len(".gz")]
            data = _gunzip(src)
            if dest.is_file() and dest.stat().st_size == len(data) and dest.read_bytes() == data:
                continue
            with write_atomically(dest, f"the {dataset} file", within=given) as f:
                f.write(data)
    except BaseException:
        remove_folders(made)  # a failed call leaves no folder it created
        raise
    return raw


def _gunzip(src: Path) -> bytes:
    """The decompressed bytes of ``src``, or a DataError naming it if it is not a whole gzip file."""
    try:
        with gzip.open(src, "rb") as f:
            return f.read()
    except (OSError, EOFError, zlib.error) as e:  # BadGzipFile is an OSError
        what = "it is cut short" if isinstance(e, EOFError) else f"{type(e).__name__}: {e}"
        raise DataError(
            f"{src} is not a complete gzip file ({what}). Delete it and fetch it again (MNIST's four "
            "*-ubyte.gz files), or copy the decompressed IDX files into the data folder yourself."
        ) from None


def _load(dataset: str, split: str, root: Path, files: dict):
    """``(images, labels)`` of one split of ``dataset`` ("MNIST" or "FashionMNIST").

    The files present are checked first. When all four are there, the split's two are read straight from
    disk; otherwise torchvision's dataset class of that name downloads them (:func:`_download`). Both give
    the same tensors; reading the files directly only saves importing torchvision (about a second).
    """
    check_split(split)
    raw = root / dataset / "raw"
    check_idx_files(raw, files)
    if not all((raw / name).exists() for name in files):
        _check_root(root, dataset, files)
        with FileLock(raw, "download"):  # another process downloading waits its turn ...
            if not all((raw / name).exists() for name in files):  # ... and then finds the files there
                return _download(dataset, split, root, raw, files)
        check_idx_files(raw, files)
    prefix = "train" if split == "train" else "t10k"
    images = _read_idx(raw / f"{prefix}-images-idx3-ubyte").to(torch.float32).div_(255)  # torch_div(255)
    labels = _read_idx(raw / f"{prefix}-labels-idx1-ubyte").to(torch.int64)
    return images, labels


def _check_root(root: Path, dataset: str, files: dict) -> None:
    """A root that points at the dataset's own folder (``data/MNIST`` or ``data/MNIST/raw``) instead of the
    folder above it: say so, rather than download a second copy one level down."""
    for inside in (root, root / "raw"):
        if any((inside / name).exists() for name in files):
            above = root.parent if inside == root / "raw" else root.parent.parent
            raise DataError(
                f"root={str(root)!r} points at the {dataset} folder itself; root is the folder that holds "
                f"{dataset}/raw/: use root={str(above)!r}"
            )


def _read_idx(path: Path) -> torch.Tensor:
    """An IDX file as a uint8 tensor: 4 magic bytes (the last one is the number of dimensions), then each
    dimension's size as a big-endian 4-byte integer, then the values, one byte each (chapter 1)."""
    data = bytearray(path.read_bytes())
    ndim = data[3]
    shape = struct.unpack(f">{ndim}I", data[4 : 4 + 4 * ndim])
    return torch.frombuffer(data, dtype=torch.uint8, offset=4 + 4 * ndim).reshape(shape)


def _download(dataset: str, split: str, root: Path, raw: Path, files: dict):
    """Files are missing: let ``torchvision.datasets.<dataset>`` download them, or say how to get them."""
    import torchvision.datasets

    # Some torchvision versions print each failed mirror ("Failed to download (trying next)") to stdout
    # before raising: hold that back, so that offline the reader sees only the message below.
    said = io.StringIO()
    made = missing_folders(raw)  # what a failed download should not leave
    try:
        with contextlib.redirect_stdout(said):
            ds = getattr(torchvision.datasets, dataset)(str(root), train=(split == "train"), download=True)
    except BaseException as e:
        remove_folders(made)  # the empty folders it made on the way, Ctrl-C included
        if not isinstance(e, (OSError, RuntimeError)):
            raise
        # no network, unwritable folder, failed download
        reason = next((line for line in reversed(str(e).splitlines()) if line.strip()), "")
        read_only = isinstance(e, PermissionError) or not _writable(raw)
        raise DataError(
            f"{dataset} {split} data: files are missing from {raw} and could not be downloaded "
            f"({type(e).__name__}: {reason.strip()})"
            + (".\nThe data folder is read-only, so nothing can be downloaded into it" if read_only else "")
            + ".\n"
            + _how_to_get(raw, files, dataset)
        ) from None
    sys.stdout.write(said.getvalue())  # a successful download's messages, if any
    images = ds.data.to(torch.float32).div_(255)  # the slides' torch_div(255)
    labels = ds.targets.to(torch.int64)
    return images, labels


def load_mnist(split: str = "train", root: str | os.PathLike | None = None):
    """Load MNIST as in-memory tensors (chapter 1).

    Returns ``(images, labels)``: ``images`` float32 of shape N×28×28 scaled to [0, 1], ``labels`` int64 in
    0–9; N = 60,000 for ``split="train"`` and 10,000 for ``split="test"``.
    """
    return _load("MNIST", split, data_root(root), MNIST_FILES)


# Fashion-MNIST (chapter 14): Zalando's 28×28 grey images of clothing, in the same IDX format and with the
# same file names as MNIST. name -> (size in bytes, MD5 of the DECOMPRESSED file). torchvision's
# FashionMNIST.resources (and the dataset's README) give MD5s of the .gz files only, which torchvision
# checks when it downloads; Debian's dataset-fashion-mnist package recompressed those .gz files, so their
# MD5s differ. The MD5s below were therefore recorded by us from the files decompressed out of Debian's
# dataset-fashion-mnist 0.0~git20200523.55506a9-1 (60,000 and 10,000 labels, 6,000 and 1,000 per class).
FASHION_MNIST_FILES = {
    "train-images-idx3-ubyte": (47_040_016, "f4a8712d7a061bf5bd6d2ca38dc4d50a"),
    "train-labels-idx1-ubyte": (60_008, "9018921c3c673c538a1fc5bad174d6f9"),
    "t10k-images-idx3-ubyte": (7_840_016, "8181f5470baa50b63fa0f6fddb340f0a"),
    "t10k-labels-idx1-ubyte": (10_008, "15d484375f8d13e6eb1aabb0c3f46965"),
}

# The ten Fashion-MNIST classes, label 0 to 9 (torchvision's FashionMNIST.classes).
FASHION_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)


def load_fashion_mnist(split: str = "train", root: str | os.PathLike | None = None):
    """Load Fashion-MNIST as in-memory tensors (chapter 14), exactly as :func:`load_mnist` loads MNIST.

    Returns ``(images, labels)``: float32 N×28×28 in [0, 1] and int64 labels 0–9 (names in
    :data:`FASHION_CLASSES`); N = 60,000 for ``split="train"`` and 10,000 for ``split="test"``. The files
    live in ``<root>/FashionMNIST/raw/``; offline, ``install_idx_files(gz_folder, dataset="FashionMNIST")``
    puts them there (``scripts/seed_data.py`` does it from Debian's ``dataset-fashion-mnist`` package).
    """
    return _load("FashionMNIST", split, data_root(root), FASHION_MNIST_FILES)
