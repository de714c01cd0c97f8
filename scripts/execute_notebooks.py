"""Re-execute notebooks in place, top to bottom, with this environment's Python (``make execute``).

Usage: python scripts/execute_notebooks.py [book/05_fit.ipynb ...]   (default: every book/*.ipynb)

Each notebook runs in a fresh kernel from the book/ folder, as nbval runs it, and is written back with its
new outputs; the seconds each took are printed. Run it whenever labfns or a chapter changes, then commit
the notebooks: the HTML shows exactly these outputs, and ``pytest`` re-runs and compares them.
"""

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
# the book's own run: a check outside its band stops (labfns.book.check_within)
os.environ["LABFNS_STRICT"] = "1"


def execute(path: Path, cwd: Path | None = None) -> float:
    """Execute the notebook at ``path`` in place, in a kernel started in ``cwd`` (default: its folder)."""
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb,
        timeout=1200,
        kernel_name="python3",
        record_timing=False,  # no timestamps in the cells' metadata: the notebooks' diffs stay readable
        resources={"metadata": {"path": str(cwd or path.parent)}},
    ).execute()
    seconds = time.perf_counter() - start
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = merged_streams(cell.outputs)
    nbformat.write(nb, path)
    return seconds


def merged_streams(outputs: list) -> list:
    """One output per run of printed text: a busy kernel sends a cell's prints in several messages, at
    places that change from run to run; stored as they came they would make the notebooks' diffs noisy
    (nbval merges them the same way before comparing)."""
    merged = []
    for out in outputs:
        last = merged[-1] if merged else None
        if (
            out.output_type == "stream"
            and last is not None
            and last.output_type == "stream"
            and last.name == out.name
        ):
            last.text += out.text
        else:
            merged.append(out)
    return merged


if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]] or sorted((ROOT / "book").glob("*.ipynb"))
    total = 0.0
    for path in paths:
        seconds = execute(path)
        total += seconds
        print(f"{path.name:<36} {seconds:6.1f} s", flush=True)
    print(f"{'all ' + str(len(paths)) + ' notebooks':<36} {total:6.1f} s")
