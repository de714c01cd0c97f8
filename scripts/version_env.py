"""Test labfns and the reader copies under the package versions readers really have.

    python scripts/version_env.py colab               # Colab's runtime: unit tests, then every reader copy
    python scripts/version_env.py floor               # the oldest releases pyproject.toml admits
    python scripts/version_env.py colab --unit-only   # the unit tests alone (a few minutes)
    python scripts/version_env.py colab notebooks/05_fit.ipynb   # the unit tests, then these notebooks

For the named set of versions (``SETS`` below) it builds a virtual environment in ``.venvs/<name>`` (kept
between runs; a changed set rebuilds it) with the set and what the tests need; then runs this checkout's
labfns unit tests there (``UNIT_TESTS``) and the Colab rehearsal (``scripts/colab_rehearsal.py``: each reader copy run top to bottom outside the checkout, data
under ./data). labfns comes from the commit Colab installs (``colab_labfns_ref``) when labfns there is
labfns here, otherwise from this checkout's files (the rehearsal says which). It prints each chapter's time
and exits non-zero if anything failed. The data must be seeded first (``make data``).

Python itself is the one running this script: the environment gets the set's packages, not its Python
(Colab's runtime is Python 3.13; this project's machines have 3.11, and the report says which ran).

The GitHub workflow runs both sets on a schedule and on demand (.github/workflows/versions.yml).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Each set: the packages labfns and the chapters use, at the versions to test. The tools that run the tests
# (pytest, nbclient, ...) are added unpinned, except where the set names one (Colab's ipykernel).
SETS = {
    # Colab's runtime as its last published pip-freeze.txt lists it (googlecolab/backend-info).
    "colab": [
        "torch==2.11.0",
        "torchvision==0.26.0",
        "numpy==2.1.3",
        "matplotlib==3.10.0",
        "pandas==2.2.3",
        "scikit-learn==1.6.1",
        "ipykernel==6.17.1",
    ],
    # The lower bounds of pyproject.toml's dependencies (and of its `lab` extra, for chapter 7).
    "floor": [
        "torch==2.6.0",
        "torchvision==0.21.0",
        "numpy==1.24.0",
        "pandas==2.1.0",
        "matplotlib==3.6.0",
        "scikit-learn==1.2.0",
        # matplotlib 3.6's pyplot imports IPython's backend2gui, which IPython 9 removed: a Jupyter of
        # matplotlib 3.6's time has IPython 8
        "ipython<9",
    ],
}
TOOLS = ["pytest", "pyyaml", "nbformat", "nbclient", "ipykernel", "ipython"]
UNIT_TESTS = [
    "tests/test_checks.py",
    "tests/test_data.py",
    "tests/test_export.py",
    "tests/test_files.py",
    "tests/test_maths.py",
    "tests/test_model.py",
    "tests/test_plots.py",
    "tests/test_train.py",
    "tests/test_errors_page.py",
]


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    print("$ " + " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run(cmd, check=False, **kw)


def build(name: str, packages: list[str]) -> Path:
    """The virtual environment .venvs/<name> with ``packages``, labfns and the test tools; its Python."""
    venv = ROOT / ".venvs" / name
    python = venv / "bin" / "python"
    stamp = venv / ".installed"
    wanted = hashlib.sha256(json.dumps([packages, TOOLS, sys.version]).encode()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return python
    shutil.rmtree(venv, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    named = {re.split(r"[=<>!~]", p)[0].lower() for p in packages}
    tools = [t for t in TOOLS if t.lower() not in named]
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    # a current pip, as Colab has: the one venv brings (23.2 with Python 3.11.7) refuses the setup cell's
    # requirement, labfns @ git+file://...@commit
    run([*pip, "--upgrade", "pip"])
    if run([*pip, *packages, *tools]).returncode != 0:
        raise SystemExit(f"could not install the {name!r} set: {' '.join(packages)}")
    stamp.write_text(wanted)
    print(f"{name}: environment built in {time.perf_counter() - start:.0f} s", flush=True)
    return python


def versions(python: Path) -> str:
    code = (
        "import importlib.metadata as m, platform\n"
        "names = ['torch', 'torchvision', 'numpy', 'matplotlib', 'pandas', 'scikit-learn', 'ipykernel']\n"
        "print('Python ' + platform.python_version() + ', ' + ', '.join("
        "f'{n} {m.version(n)}' for n in names))"
    )
    return subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set", choices=sorted(SETS), help="which versions")
    parser.add_argument("notebooks", nargs="*", help="reader copies to rehearse (default: all)")
    parser.add_argument("--unit-only", action="store_true", help="the unit tests, no notebooks")
    args = parser.parse_args(argv)
    if not (ROOT / "data" / "MNIST" / "raw").is_dir():
        raise SystemExit("no data/MNIST/raw: run `make data` first")

    python = build(args.set, SETS[args.set])
    print(f"{args.set}: {versions(python)} ({platform.machine()})", flush=True)
    # The unit tests import this checkout's labfns (the current folder comes first on sys.path); the
    # rehearsal installs labfns as Colab does.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["LABFNS_DATA"] = str(ROOT / "data")
    env["MPLBACKEND"] = "Agg"
    unit = run(  # PYTHONPATH: the tests' own subprocesses import labfns too
        [str(python), "-m", "pytest", "-q", "-o", "addopts=", "-p", "no:cacheprovider", *UNIT_TESTS],
        cwd=ROOT,
        env=env | {"PYTHONPATH": str(ROOT)},
    )
    failed = ["unit tests"] if unit.returncode != 0 else []
    if not args.unit_only:
        rehearsal = [str(python), str(ROOT / "scripts" / "colab_rehearsal.py"), "--labfns-pinned-if-current"]
        if run(rehearsal + args.notebooks, cwd=ROOT, env=env).returncode != 0:
            failed.append("reader copies")
    print(f"{args.set}: {'FAILED: ' + ', '.join(failed) if failed else 'all passed'} ({versions(python)})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
