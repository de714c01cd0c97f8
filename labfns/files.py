"""Writing files so that nothing is lost (``save``, ``install_idx_files``, ``export_weights_js``).

A file is written whole or not at all: the bytes go to a temporary file in the same folder, which replaces
the old file only once it is complete (``os.replace`` is atomic). If the disk fills, the process is stopped
or the folder cannot be written, the old file is left exactly as it was, and the error names the file.
Two processes writing the same file at once each use a temporary file of their own; the last to finish wins,
and a reader never sees a half-written file.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tempfile
import uuid
from pathlib import Path

from .checks import TORCH_FLOOR, torch_release

__all__ = [
    "write_atomically",
    "real_destination",
    "missing_folders",
    "remove_folders",
    "FileLock",
    "check_safe_torch",
    "SAFE_TORCH",
]

# torch.load(weights_only=True) could run code from a crafted file before PyTorch 2.6.0 (CVE-2025-32434):
# the floor labfns is imported with (checks.check_torch_version), checked again where a file is read.
SAFE_TORCH = TORCH_FLOOR


def check_safe_torch(what: str = "a file of weights") -> None:
    """Refuse to read ``what`` with ``torch.load`` on a PyTorch older than 2.6, where even
    ``weights_only=True`` can run code hidden in a crafted file (CVE-2025-32434)."""
    import torch

    version = str(torch.__version__)
    if torch_release(version) < SAFE_TORCH:
        raise RuntimeError(
            f"labfns will not read {what} with PyTorch {version}: before 2.6.0, torch.load(weights_only=True) "
            "can run code hidden in a crafted file (CVE-2025-32434). Upgrade PyTorch: "
            "pip install --upgrade 'torch>=2.6' 'torchvision>=0.21'"
        )


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def real_destination(
    path: str | os.PathLike, within: str | os.PathLike | None = None, what: str = "the file"
):
    """The file that writing ``path`` would change, once links are followed; refused (``OSError``) when that
    is outside ``within`` (the folder labfns was given; default: the folder ``path`` names) or when a link
    leads nowhere but round in a loop. The message names the link and where it leads."""
    path = Path(path)
    folder = Path(os.path.realpath(within if within is not None else path.parent))
    try:
        real = Path(os.path.realpath(path, strict=False))
        if path.is_symlink():
            os.stat(path)  # a loop raises ELOOP here; a link to nothing (yet) is fine
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise OSError(
                errno.ELOOP,
                f"cannot write {what} to {path}: it is a symbolic link that leads round in a loop "
                f"({os.readlink(path) if path.is_symlink() else 'a link above it'} → ...); remove the link",
            ) from None
        # a link to a file not there yet: writing creates that file, checked below like any other
    if not _inside(real, folder):
        link = path if path.is_symlink() else next((p for p in path.parents if p.is_symlink()), path)
        raise OSError(
            errno.EXDEV,
            f"cannot write {what} to {path}: {link} is a symbolic link to {os.path.realpath(link)}, outside "
            f"the folder {within if within is not None else path.parent} that labfns was given, and labfns "
            "writes no file but the one named for it. Remove the link, or give the real path",
        )
    return real


@contextlib.contextmanager
def write_atomically(path: str | os.PathLike, what: str = "the file", within=None):
    """Open a temporary file beside ``path`` for writing (binary) and, when the block ends without an
    error, put it in place of ``path``; on any error, remove it and leave ``path`` untouched.

    ``what`` names the file in error messages (``"the weights"``). A symbolic link at ``path`` is followed
    (and kept) only while it leads to a file inside ``within``, the folder labfns was given (default: the
    folder of ``path``): :func:`real_destination`."""
    path = Path(path)
    real = real_destination(path, within, what)
    if path.is_symlink():  # write the file the link points to, and keep the link
        path = real
    mode = path.stat().st_mode & 0o7777 if path.is_file() else None  # a file's permissions stay its own
    try:
        tmp = path.parent / f".{path.name[:40]}.{uuid.uuid4().hex[:12]}.part"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the usual permissions
    except PermissionError:
        raise PermissionError(
            f"cannot write {what} to {path}: the folder {path.parent} is not writable (permission "
            "denied); choose a folder you can write to"
        ) from None
    except OSError as e:
        raise OSError(e.errno, f"cannot write {what} to {path}: {e.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
            if mode is not None and hasattr(os, "fchmod"):  # not on Windows
                os.fchmod(f.fileno(), mode)
        os.replace(tmp, path)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError) and not isinstance(e, (PermissionError, FileNotFoundError)):
            raise OSError(
                e.errno,
                f"could not write {what} to {path} ({e.strerror or e}); "
                + ("the previous file is unchanged" if path.exists() else "nothing was written"),
            ) from None
        raise


def missing_folders(folder: str | os.PathLike) -> list[Path]:
    """``folder`` and the folders above it that do not exist yet, innermost first: what a call that
    creates ``folder`` must remove again if it fails (:func:`remove_folders`)."""
    folder = Path(folder).expanduser().absolute()
    return [p for p in (folder, *folder.parents) if not p.exists() and not p.is_symlink()]


def remove_folders(folders: list[Path]) -> None:
    """Remove the folders a failed call created (innermost first), those still empty."""
    for p in folders:
        with contextlib.suppress(OSError):
            p.rmdir()


class FileLock:
    """An exclusive lock for ``folder`` while a block runs (POSIX ``flock``): two processes that download or
    install the same data take turns. The lock file lives in the system's temporary folder, named after
    ``folder``, so that nothing is created in (or next to) a folder that may not exist yet. Where ``fcntl``
    is missing (Windows) it does nothing.
    """

    def __init__(self, folder: str | os.PathLike, name: str = "labfns"):
        key = hashlib.sha1(str(Path(folder).expanduser().absolute()).encode()).hexdigest()[:16]
        self.path = Path(tempfile.gettempdir()) / f"labfns-{name}-{key}.lock"
        self._file = None

    def __enter__(self):
        try:
            import fcntl
        except ImportError:  # pragma: no cover (Windows)
            return self
        try:
            self._file = open(self.path, "a")  # noqa: SIM115 (closed in __exit__)
        except OSError:  # no temporary folder to write to: go on without the lock
            return self
        fcntl.flock(self._file, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        if self._file is not None:
            import fcntl

            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        return False
