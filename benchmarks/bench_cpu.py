"""The speed table of the README: one epoch three ways, the notebooks, the book build — in one run.

    python benchmarks/bench_cpu.py [--repeats 3] [--notebooks] [--build]      (or: make bench)

(1) seconds per epoch of labfns.fit (48,000 images, batch 256, the slides' network; per-epoch validation
included); (2) the same epoch through ToTensor + DataLoader(batch_size=256, shuffle=True); (3) the FLOP bound,
6 × 235,146 × 48,000 operations at the measured speed of a 256×784×256 float32 matmul; with --notebooks,
(4) the seconds to execute each notebook (copies in a temporary folder; the book is not touched) and the
whole book; with --build, (5) the seconds of `jupyter-book build`. Prints ratios (2)/(1) and (1)/(3).
"""

import argparse
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch
from common import N_TRAIN, dataloader_epoch, flop_bound, labfns_fit, median_seconds

import labfns

ROOT = Path(__file__).resolve().parent.parent


def notebook_seconds():
    sys.path.insert(0, str(ROOT / "scripts"))
    from execute_notebooks import execute

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted((ROOT / "book").glob("*.ipynb")):
            copy = Path(tmp) / path.name
            shutil.copy(path, copy)
            rows.append((path.name, execute(copy, cwd=path.parent)))
    return rows


def build_seconds():
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run(
            [str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT), "--path-output", tmp],
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--notebooks", action="store_true", help="also time executing every notebook")
    parser.add_argument("--build", action="store_true", help="also time jupyter-book build")
    args = parser.parse_args()

    cpu = platform.processor() or platform.machine()
    print(f"machine: {cpu}, {torch.get_num_threads()} torch threads, torch {torch.__version__}")
    images, labels = labfns.load_mnist("train")
    fast = median_seconds(lambda: labfns_fit(images, labels, "cpu")[0], args.repeats)
    slow = median_seconds(lambda: dataloader_epoch("cpu"), args.repeats)
    bound = median_seconds(lambda: flop_bound("cpu"), args.repeats)

    print("| measure | seconds |\n|---|---|")
    print(f"| (1) labfns.fit, one epoch of {N_TRAIN:,} images | {fast:.2f} |")
    print(f"| (2) ToTensor + DataLoader, one epoch | {slow:.2f} |")
    print(f"| (3) FLOP bound, one epoch | {bound:.2f} |")
    if args.notebooks:
        rows = notebook_seconds()
        for name, seconds in rows:
            print(f"| (4) execute {name} | {seconds:.1f} |")
        print(f"| (4) execute the whole book ({len(rows)} notebooks) | {sum(s for _, s in rows):.1f} |")
    if args.build:
        print(f"| (5) jupyter-book build | {build_seconds():.1f} |")
    print(f"\nratio (2)/(1), DataLoader / labfns.fit: {slow / fast:.1f}x")
    print(f"ratio (1)/(3), labfns.fit / FLOP bound:  {fast / bound:.2f}x")


if __name__ == "__main__":
    main()
