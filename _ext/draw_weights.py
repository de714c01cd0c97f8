"""Sphinx extension: the "Draw a digit" page's weights come from the build, not from a committed file.

When the build starts, ``_build/extra/draw_digit/mnist_net.js`` must hold the weights of the network that
the current code trains (scripts/draw_weights.py: ``labfns.export.page_network``). Beside it lies a key, the
hash of everything that decides those weights (the labfns modules that train and write them, the script,
the versions of torch and Python); when the file is missing or its key differs, the script runs again (about half a minute on a CPU).
html_extra_path in _config.yml then copies ``_build/extra/`` into the site: ``draw_digit/mnist_net.js``.
"""

from __future__ import annotations

import hashlib
import platform
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "_build" / "extra" / "draw_digit" / "mnist_net.js"
SCRIPT = ROOT / "scripts" / "draw_weights.py"


# The modules of labfns that training and export run through (not maths.py or plots.py, which the weights do
# not depend on).
MODULES = ("__init__", "book", "checks", "cuda_graph", "data", "export", "files", "model", "train")


def key() -> str:
    """What the weights depend on: the labfns code that trains and writes them, the script, torch, Python."""
    h = hashlib.sha256()
    for path in [*(ROOT / "labfns" / f"{m}.py" for m in MODULES), SCRIPT]:
        h.update(path.name.encode() + path.read_bytes())
    h.update(f"torch {version('torch')} python {platform.python_version()}".encode())
    return h.hexdigest()


def ensure_weights(app=None, config=None) -> None:
    stamp = OUT.with_suffix(".key")
    wanted = key()
    if OUT.exists() and stamp.exists() and stamp.read_text() == wanted:
        return
    subprocess.run([sys.executable, str(SCRIPT), str(OUT)], check=True, cwd=ROOT)
    stamp.write_text(wanted)


def setup(app):
    app.connect("config-inited", ensure_weights)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
