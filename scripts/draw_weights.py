"""Train the network of the "Draw a digit" page and write its weights for the page (run by the book's build).

    python scripts/draw_weights.py [OUT]     (default OUT: _build/extra/draw_digit/mnist_net.js)

The page (_extra/draw_digit/draw_digit.js) loads ``draw_digit/mnist_net.js``: the network's weights and the
first 100 test digits, written by ``labfns.export_weights_js``. The network is ``labfns.export.page_network``:
the book's best, trained with ``labfns.export.PAGE_NETWORK``'s settings, as chapter 16 trains it. The file is
a build output, never committed: the Sphinx extension _ext/draw_weights.py runs this script when the file is
missing or was made by other code, and _config.yml copies it into the site (html_extra_path).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import labfns
from labfns.export import PAGE_NETWORK, page_network

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "_build" / "extra" / "draw_digit" / "mnist_net.js"


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else DEFAULT
    start = time.perf_counter()
    train_x, train_y = labfns.load_mnist("train")
    test_x, test_y = labfns.load_mnist("test")
    model, _ = page_network(train_x, train_y)
    acc = labfns.evaluate(model, test_x, test_y)["acc"]
    info = labfns.export_weights_js(model, out, digits=test_x[:100], labels=test_y[:100])
    print(
        f"draw_weights: {PAGE_NETWORK} -> test accuracy {acc:.4f}; wrote {out} "
        f"({info['bytes']:,} bytes) in {time.perf_counter() - start:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
