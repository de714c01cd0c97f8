"""The measurements over many seeds that the chapters quote but cannot repeat on every run (minutes each).

    python scripts/seed_studies.py dead      # chapter 2: dead first-layer units after one epoch, seeds 0-9
    python scripts/seed_studies.py wide      # chapter 3: one wide layer against two, seeds 0-4, 10 epochs
    python scripts/seed_studies.py dips      # chapter 8: the validation accuracy's largest fall, seeds 0-4
    python scripts/seed_studies.py page      # chapter 15: the drawing page's network, seeds 0-4

Each prints one JSON line per run. The chapters' check cells state the ranges these gave on the book's
machine (2 cores, torch 2.14.1) in comments beside their bands, and the prose says where a number comes from
here rather than from the chapter's own run. ``--threads 1`` repeats the studies that were run on one
thread (chapters 2 and 3): the thread count changes the last digits of training, so a run with another
count gives close, not identical, numbers.
"""

from __future__ import annotations

import argparse
import json

import torch
from torch import nn

import labfns
from labfns.book import lab_network
from labfns.export import PAGE_NETWORK


def dead(train_x, train_y, test_x, test_y):
    for lr in (0.01, 0.001):
        for seed in range(10):
            model, history = lab_network(train_x, train_y, epochs=1, lr=lr, seed=seed)
            with torch.no_grad():
                a1 = torch.relu(model.fc1(train_x.flatten(1)))
            dead1 = int((a1.max(dim=0).values == 0).sum())
            yield {"lr": lr, "seed": seed, "dead_first_layer_units": dead1}


def wide(train_x, train_y, test_x, test_y):
    """Chapter 3's compare(seed, lr, epochs=10): the test accuracy after every epoch, for both networks."""
    p, width = 784, (235_146 - 10) // (784 + 11)  # one hidden layer within the slides' budget
    for lr in (0.01, 0.001):
        for seed in range(5):
            for name in ("one layer", "two layers"):
                labfns.set_seed(seed)
                if name == "one layer":
                    net = nn.Sequential(
                        nn.Flatten(),
                        nn.Linear(p, width),
                        nn.ReLU(),
                        labfns.Dropout(0.4),
                        nn.Linear(width, 10),
                    )
                else:
                    net = labfns.MNISTNet()
                accs = []

                def score(epoch, model, accs=accs):
                    accs.append(labfns.evaluate(model, test_x, test_y)["acc"])

                labfns.fit(
                    net, train_x, train_y, epochs=10, lr=lr, seed=seed, verbose=False, on_epoch_end=score
                )
                yield {"lr": lr, "seed": seed, "network": name, "test_acc_by_epoch": accs}


def dips(train_x, train_y, test_x, test_y):
    for seed in range(5):
        _, history = lab_network(train_x, train_y, seed=seed)
        valid = history["valid_acc"]
        falls = [valid[e - 1] - valid[e] for e in range(1, len(valid))]
        yield {"seed": seed, "largest_fall": max(falls), "valid_acc": valid}


def page(train_x, train_y, test_x, test_y):
    for seed in range(5):
        model, _ = lab_network(train_x, train_y, **{**PAGE_NETWORK, "seed": seed})
        yield {"seed": seed, **PAGE_NETWORK, "test_acc": labfns.evaluate(model, test_x, test_y)["acc"]}


STUDIES = {"dead": dead, "wide": wide, "dips": dips, "page": page}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("study", choices=STUDIES)
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    data = (*labfns.load_mnist("train"), *labfns.load_mnist("test"))
    for row in STUDIES[args.study](*data):
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
