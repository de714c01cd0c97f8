"""The speed table of the README: one epoch three ways, the notebooks, the book build — in one run.

    python benchmarks/bench_cpu.py [--rounds 5] [--notebooks] [--build]      (or: make bench)

(1) seconds per epoch of labfns.fit (48,000 images, batch 256, the slides' network; per-epoch validation
included); (2) the same epoch through ToTensor + DataLoader(batch_size=256, shuffle=True); (3) the FLOP bound,
6 × 235,146 × 48,000 operations at the measured speed of a 256×784×256 float32 matmul; with --notebooks,
(4) the seconds to execute each notebook (copies in a temporary folder; the book is not touched) and the
whole book; with --build, (5) the seconds of `jupyter-book build`. Prints ratios (2)/(1) and (1)/(3).

(1), (2) and (3) are measured in rounds, one of each per round, so that the three see the same state of the
machine (a shared, virtual CPU can change speed by 20 % from one minute to the next). Each ratio is taken
within a round; the table shows the medians over the rounds and the lowest and highest ratio.
"""

import argparse
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch
from common import N_TRAIN, dataloader_epoch, flop_bound, labfns_fit

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
    parser.add_argument("--rounds", type=int, default=5, help="rounds of (1), (2) and (3), one each")
    parser.add_argument("--notebooks", action="store_true", help="also time executing every notebook")
    parser.add_argument("--build", action="store_true", help="also time jupyter-book build")
    args = parser.parse_args()

    cpu = platform.processor() or platform.machine()
    print(f"machine: {cpu}, {torch.get_num_threads()} torch threads, torch {torch.__version__}")
    images, labels = labfns.load_mnist("train")
    labfns_fit(images, labels, "cpu")  # warm-up, not timed: first-call set-up of the matrix library
    rounds = []
    for r in range(args.rounds):
        fast = labfns_fit(images, labels, "cpu")[0]
        slow = dataloader_epoch("cpu")
        bound = flop_bound("cpu")
        rounds.append((fast, slow, bound))
        print(
            f"round {r + 1}: (1) {fast:.3f} s  (2) {slow:.3f} s  (3) {bound:.3f} s  (1)/(3) {fast / bound:.2f}x"
        )
    fast, slow, bound = (statistics.median(col) for col in zip(*rounds))
    speedups = sorted(s / f for f, s, _ in rounds)
    to_bound = sorted(f / b for f, _, b in rounds)

    print(f"\n| measure (median of {args.rounds} rounds) | seconds |\n|---|---|")
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
    print(
        f"\nratio (2)/(1), DataLoader / labfns.fit: median {statistics.median(speedups):.1f}x "
        f"(rounds: {speedups[0]:.1f}-{speedups[-1]:.1f}x)"
    )
    print(
        f"ratio (1)/(3), labfns.fit / FLOP bound:  median {statistics.median(to_bound):.2f}x "
        f"(rounds: {to_bound[0]:.2f}-{to_bound[-1]:.2f}x)"
    )
    if args.notebooks:
        print(budget(rows))


CHAPTER_BUDGET, BOOK_BUDGET = 60, 300  # seconds on the book's 2-core machine (README, Performance)


def budget(rows) -> str:
    """The budgets as verdicts: every chapter within CHAPTER_BUDGET seconds, the book within BOOK_BUDGET."""
    over = [f"{name} {seconds:.0f} s" for name, seconds in rows if seconds > CHAPTER_BUDGET]
    total = sum(s for _, s in rows)
    lines = [
        f"budget: every chapter within {CHAPTER_BUDGET} s: "
        + ("yes ✓" if not over else f"NO, over: {', '.join(over)}"),
        f"budget: the whole book within {BOOK_BUDGET} s: "
        + (f"yes ✓ ({total:.0f} s)" if total <= BOOK_BUDGET else f"NO ({total:.0f} s)"),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
