"""What every pytest run of the book needs, whichever paths it is given (``pytest book/05_fit.ipynb`` too).

- ``LABFNS_STRICT=1``: the book's own runs — a check outside its band stops the notebook
  (labfns.book.check_within). Set here, so that the kernels nbval starts inherit it.
- A notebook's kernel that dies while starting is started again (twice at most). Two kernels starting at once
  (pytest-xdist, two notebooks at a time) can race for the same TCP port, and the loser dies before it
  answers; nbval would then report every cell of that notebook as an error (CI saw this once, on chapter 8
  of the second numeric path). A kernel that dies three times is still an error.
"""

import os
import sys

import nbval.kernel

os.environ["LABFNS_STRICT"] = "1"

KERNEL_START_TRIES = 3
_start_new_kernel = nbval.kernel.start_new_kernel


def start_new_kernel_with_retry(*args, _start=None, **kwargs):
    """nbval.kernel.start_new_kernel, tried up to KERNEL_START_TRIES times when the kernel dies starting."""
    start = _start or _start_new_kernel
    for attempt in range(1, KERNEL_START_TRIES + 1):
        try:
            return start(*args, **kwargs)
        except RuntimeError as error:
            if attempt == KERNEL_START_TRIES:
                raise
            print(
                f"\nnbval: kernel did not start ({error}); starting it again ({attempt + 1}/{KERNEL_START_TRIES})",
                file=sys.stderr,
            )


nbval.kernel.start_new_kernel = start_new_kernel_with_retry
