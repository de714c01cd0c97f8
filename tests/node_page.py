"""The drawing page's own loader, draw_digit.js, run in Node.js with a stand-in document: what the page would
write into its box for a given weights file (tests/test_export.py, and the errors page's row M23). Standard
library only: the version sets of scripts/version_env.py run these tests without a browser."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

DRAW_DIGIT_JS = Path(__file__).resolve().parent.parent / "_extra" / "draw_digit" / "draw_digit.js"

STAND_IN = """
const fs = require("fs");
const root = {textContent: "", classList: {add() {}}, setAttribute() {}, appendChild() {}};
global.window = {MNIST_NET: JSON.parse(fs.readFileSync(process.argv[2], "utf8"))};
global.document = {readyState: "complete", getElementById: () => root};
try { eval(fs.readFileSync(process.argv[3], "utf8")); } catch (e) { root.textContent ||= "built: " + e.name; }
console.log(root.textContent);
"""


def page_says(spec_json: str, folder: Path) -> str:
    """What draw_digit.js writes into the page's box for ``window.MNIST_NET = <spec_json>`` (skips the test
    where Node.js is not installed)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    (folder / "page.js").write_text(STAND_IN)
    (folder / "spec.json").write_text(spec_json)
    run = [node, str(folder / "page.js"), str(folder / "spec.json"), str(DRAW_DIGIT_JS)]
    return subprocess.run(run, capture_output=True, text=True, timeout=60, check=True).stdout
