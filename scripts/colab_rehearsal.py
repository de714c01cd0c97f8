"""Rehearse Colab offline: run the reader copies with labfns from the pinned commit, outside a checkout.

    python scripts/colab_rehearsal.py                            # every notebooks/*.ipynb (the reader copies)
    python scripts/colab_rehearsal.py notebooks/01_mnist.ipynb   # some of them (book/*.ipynb run too)
    python scripts/colab_rehearsal.py --labfns-from-checkout ... # labfns from this checkout's files instead

Colab opens the reader copies (notebooks/, written by scripts/reader_copies.py: the chapters with their MyST
markup made plain), so those are what it runs by default.

What it does, as Colab would after the setup cell: installs ``labfns`` from this repository's git
history at ``colab_labfns_ref`` (_config.yml) into a temporary folder, with the same pip requirement the
setup cell uses (``git+file://`` instead of GitHub), and runs each notebook from another temporary folder,
with no LABFNS_DATA, so labfns finds neither the checkout nor its data and uses ``./data``. The data are
copied there first, standing in for torchvision's download. The notebooks themselves are not changed.
``--labfns-from-checkout`` installs labfns from a copy of this checkout's labfns/ and pyproject.toml instead
of the pinned commit: for rehearsing while labfns has changed since that commit (tests/test_colab_rehearsal.py
does so then; tests/test_notebooks_colab.py is the test that the pin is current).

Not rehearsed: Colab's own package versions (this uses .venv's torch and friends), and the download itself.
It re-executes every chapter, so it takes as long as ``make execute``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sync_colab_cell import ROOT, read_config  # noqa: E402


def reader_copies() -> list[Path]:
    """The reader copies of the chapters, notebooks/*.ipynb."""
    paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not paths:
        raise SystemExit("no notebooks/*.ipynb: run `python scripts/reader_copies.py` first")
    return paths


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="the notebooks to run (default: notebooks/*.ipynb)")
    parser.add_argument("--labfns-from-checkout", action="store_true", help="not the pinned commit's labfns")
    args = parser.parse_args(argv)
    _, ref = read_config()
    paths = [Path(p).resolve() for p in args.notebooks] or reader_copies()
    failed = []
    with tempfile.TemporaryDirectory(prefix="colab-rehearsal-") as tmp:
        tmp = Path(tmp)
        site, work = tmp / "site", tmp / "content"
        requirement = f"labfns @ git+file://{ROOT}@{ref}"
        if args.labfns_from_checkout:  # a copy, so that building the package leaves the checkout alone
            source = tmp / "labfns-source"
            shutil.copytree(ROOT / "labfns", source / "labfns", ignore=shutil.ignore_patterns("__pycache__"))
            for name in ("pyproject.toml", "README.md"):
                shutil.copy2(ROOT / name, source / name)
            requirement, ref = str(source), "this checkout"
        print(f"pip install --no-deps {requirement}", flush=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), requirement],
            check=True,
        )
        # links to the seeded files stand in for the download
        shutil.copytree(
            ROOT / "data", work / "data", ignore=shutil.ignore_patterns("*.gz"), copy_function=os.symlink
        )
        env = {k: v for k, v in os.environ.items() if k != "LABFNS_DATA"}
        env["PYTHONPATH"] = str(site)
        os.environ.clear()
        os.environ.update(env)  # the kernel inherits this environment
        check = nbformat.v4.new_code_cell(
            "import labfns\n"
            f"assert labfns.__file__.startswith({str(site)!r}), labfns.__file__\n"
            f"assert str(labfns.data.data_root()) == {str(work / 'data')!r}, labfns.data.data_root()"
        )
        for path in paths:
            nb = nbformat.read(path, as_version=4)
            nb.cells.append(check)
            start = time.perf_counter()
            try:
                NotebookClient(
                    nb, timeout=1200, kernel_name="python3", resources={"metadata": {"path": str(work)}}
                ).execute()
                verdict = "ok"
            except Exception as error:  # a failing cell: report it and go on with the next notebook
                verdict = f"FAILED: {type(error).__name__}: {str(error).strip().splitlines()[-1][:200]}"
                failed.append(path.name)
            print(f"{path.name:<36} {time.perf_counter() - start:6.1f} s  {verdict}", flush=True)
    print(f"{len(paths) - len(failed)} of {len(paths)} notebooks ran with labfns @ {ref}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
