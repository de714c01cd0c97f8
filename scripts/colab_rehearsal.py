"""Rehearse Colab offline: run chapters with labfns installed from the pinned commit, outside a checkout.

    python scripts/colab_rehearsal.py                       # every book/*.ipynb
    python scripts/colab_rehearsal.py book/01_mnist.ipynb   # some of them

What it does, as Colab would after the setup cell: installs ``labfns`` from this repository's git
history at ``colab_labfns_ref`` (_config.yml) into a temporary folder, with the same pip requirement the
setup cell uses (``git+file://`` instead of GitHub), and runs each notebook from another temporary folder,
with no LABFNS_DATA, so labfns finds neither the checkout nor its data and uses ``./data``. The data are
copied there first, standing in for torchvision's download. The notebooks in book/ are not changed.

Not rehearsed: Colab's own package versions (this uses .venv's torch and friends), and the download itself.
It re-executes every chapter, so it takes as long as ``make execute``.
"""

from __future__ import annotations

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
from sync_colab_cell import ROOT, notebooks, read_config  # noqa: E402


def main(argv: list[str]) -> int:
    _, ref = read_config()
    paths = [Path(p).resolve() for p in argv] or notebooks()
    failed = []
    with tempfile.TemporaryDirectory(prefix="colab-rehearsal-") as tmp:
        tmp = Path(tmp)
        site, work = tmp / "site", tmp / "content"
        requirement = f"labfns @ git+file://{ROOT}@{ref}"
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
            f"assert str(labfns.data_root()) == {str(work / 'data')!r}, labfns.data_root()"
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
