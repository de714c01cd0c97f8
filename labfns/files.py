"""Writing files so that nothing is lost (``save``, ``install_idx_files``, ``export_weights_js``).

A file is written whole or not at all: the bytes go to a temporary file in the same folder, which replaces
the old file only once it is complete (``os.replace`` is atomic). If the disk fills, the process is stopped
or the folder cannot be written, the old file is left exactly as it was, and the error names the file.
Two processes writing the same file at once each use a temporary file of their own; the last to finish wins,
and a reader never sees a half-written file.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

__all__ = ["write_atomically", "FileLock"]


@contextlib.contextmanager
def write_atomically(path: str | os.PathLike, what: str = "the file"):
    """Open a temporary file beside ``path`` for writing (binary) and, when the block ends without an
    error, put it in place of ``path``; on any error, remove it and leave ``path`` untouched.

    ``what`` names the file in error messages (``"the weights"``)."""
    path = Path(path)
    try:
        tmp = path.parent / f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.part"
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


class FileLock:
    """An exclusive lock on ``<folder>/.<name>.lock`` while a block runs (POSIX ``flock``): two processes
    that download or install the same data take turns. Where ``fcntl`` is missing (Windows) it does nothing.
    """

    def __init__(self, folder: str | os.PathLike, name: str = "labfns"):
        self.path = Path(folder) / f".{name}.lock"
        self._file = None

    def __enter__(self):
        try:
            import fcntl
        except ImportError:  # pragma: no cover (Windows)
            return self
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "a")  # noqa: SIM115 (closed in __exit__)
        except OSError:  # a read-only folder: nothing will be written there anyway
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
