"""What checking every image costs next to training on them: ``python benchmarks/bench_checks.py``.

``train_epoch``, ``train_step``, ``predict`` and ``evaluate`` look at every pixel for NaN or infinity
(labfns/checks.py, ``check_model_input``); ``fit`` checks once, before its first epoch. This script times that
check on the lab's 48,000 training images and one epoch of training on them, side by side in one run, and
prints the ratio (a speed goal is checked by a script like this one, never by a timed test).
"""

import time

import torch

import labfns
from labfns.checks import check_model_input


def main(rounds: int = 3) -> None:
    g = torch.Generator().manual_seed(0)
    images, labels = torch.rand(48_000, 784, generator=g), torch.arange(48_000) % 10
    model = labfns.MNISTNet()
    opt = torch.optim.RMSprop(model.parameters())
    for r in range(1, rounds + 1):
        start = time.perf_counter()
        check_model_input(images)
        check = time.perf_counter() - start
        start = time.perf_counter()
        labfns.train_epoch(model, opt, images, labels, generator=g)
        epoch = time.perf_counter() - start
        print(
            f"round {r}: check of every image {check * 1e3:.1f} ms, one epoch {epoch:.2f} s: {check / epoch:.1%}"
        )


if __name__ == "__main__":
    main()
