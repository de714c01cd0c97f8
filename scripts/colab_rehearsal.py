"""Rehearse Colab offline: run the reader copies with labfns from the pinned commit, outside a checkout.

    python scripts/colab_rehearsal.py                            # every notebooks/*.ipynb (the reader copies)
    python scripts/colab_rehearsal.py notebooks/01_mnist.ipynb   # some of them (book/*.ipynb run too)
    python scripts/colab_rehearsal.py --labfns-from-checkout ... # labfns from this checkout's files instead
    python scripts/colab_rehearsal.py --labfns-pinned-if-current # the pinned commit's, unless labfns changed since

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

``--labfns-pinned-if-current`` takes the pinned commit's labfns when it is this checkout's, and this
checkout's otherwise (work not yet pinned), saying which.

Colab's own package versions are those of the Python that runs this script: .venv's here, another set's
under ``scripts/version_env.py`` (which calls this script). The download itself is not rehearsed. It
re-executes every chapter, so it takes as long as ``make execute``.
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


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False)


def pinned_labfns_is_this_one(ref: str) -> bool:
    """Whether labfns (and pyproject.toml) at commit ``ref`` are this checkout's, untracked files included."""
    if _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0:
        return False
    unchanged = _git("diff", "--quiet", ref, "--", "labfns", "pyproject.toml").returncode == 0
    untracked = _git("ls-files", "--others", "--exclude-standard", "--", "labfns").stdout.strip()
    return unchanged and not untracked


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="the notebooks to run (default: notebooks/*.ipynb)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--labfns-from-checkout", action="store_true", help="not the pinned commit's labfns")
    which.add_argument(
        "--labfns-pinned-if-current", action="store_true", help="the pinned commit's if it is this labfns"
    )
    args = parser.parse_args(argv)
    _, ref = read_config()
    if args.labfns_pinned_if_current and not pinned_labfns_is_this_one(ref):
        print(f"labfns has changed since colab_labfns_ref {ref[:12]}: rehearsing with this checkout's")
        args.labfns_from_checkout = True
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
        env["LABFNS_STRICT"] = "1"  # a rehearsal is a test: a check outside its band stops the notebook
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
