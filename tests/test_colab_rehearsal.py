"""A reader copy runs top to bottom as Colab would run it: scripts/colab_rehearsal.py on one quick chapter.

The rehearsal installs labfns into a temporary folder, runs notebooks/01_mnist.ipynb (the file Colab opens)
from another temporary folder outside the checkout, with the data under ./data, and checks that the labfns
it imported is the installed one. labfns comes from the commit that Colab installs (``colab_labfns_ref`` in
_config.yml) when labfns there is labfns here; while labfns has changed since that commit (work not yet
pinned: tests/test_notebooks_colab.py reports it), from this checkout's files instead, with a warning, so
that the test still says whether the reader copy runs outside the checkout.
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import colab_rehearsal as rehearsal  # noqa: E402

CHAPTER = "01_mnist"  # quick (a few seconds) and touches the data, the plots and glue


def test_reader_copy_runs_as_in_colab():
    notebook = ROOT / "notebooks" / f"{CHAPTER}.ipynb"
    assert notebook.exists(), f"no {notebook.relative_to(ROOT)}: run `python scripts/reader_copies.py`"
    if not (ROOT / "data" / "MNIST" / "raw").is_dir():
        pytest.fail("no data/MNIST/raw: run `make data` (make test does)")
    ref = str(yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["colab_labfns_ref"])
    options = []
    if not rehearsal.pinned_labfns_is_this_one(ref):
        options = ["--labfns-from-checkout"]
        warnings.warn(
            f"labfns differs from colab_labfns_ref {ref[:12]}: rehearsing with this checkout's labfns",
            stacklevel=1,
        )
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "colab_rehearsal.py"), *options, str(notebook)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = f"{run.stderr[-1500:]}\n{run.stdout}"  # the verdicts (stdout) last, in full
    assert run.returncode == 0 and "1 of 1 notebooks ran" in run.stdout, f"rehearsal failed:\n{output}"
    assert f"{CHAPTER}.ipynb" in run.stdout and " ok" in run.stdout
