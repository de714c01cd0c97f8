"""Seconds per epoch: labfns.fit against ToTensor + DataLoader, side by side in one run.

    python benchmarks/bench_epoch.py [--repeats 3]

Both train the slides' network (784-256-128-10, dropout 0.4/0.3, RMSprop, batch 256) for one epoch on the
48,000 training images that a 20 % validation split leaves, on the same machine, in the same process.
Prints the median of the repeats and the ratio DataLoader / labfns.
"""

import argparse
import platform
import statistics
import time

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Subset
from torchvision import transforms
from torchvision.datasets import MNIST

import labfns


def labfns_epoch(images, labels):
    labfns.set_seed(0)
    model = labfns.MNISTNet()
    history = labfns.fit(model, images, labels, epochs=1, valid=0.2, verbose=False, device="cpu")
    return history.seconds


def dataloader_epoch(dataset):
    """The R lab's and ISLP's way: a Dataset that converts one PIL image at a time, batched by DataLoader."""
    labfns.set_seed(0)
    model = labfns.MNISTNet()
    opt = torch.optim.RMSprop(model.parameters())
    loader = DataLoader(dataset, batch_size=256, shuffle=True)
    start = time.perf_counter()
    model.train()
    for xb, yb in loader:
        loss = F.cross_entropy(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    images, labels = labfns.load_mnist("train")
    dataset = MNIST(labfns.data_root(), train=True, transform=transforms.ToTensor())
    subset = Subset(dataset, torch.randperm(60_000, generator=torch.Generator().manual_seed(0))[:48_000])

    print(
        f"machine: {platform.machine()}, {torch.get_num_threads()} torch threads, torch {torch.__version__}"
    )
    fast = statistics.median(labfns_epoch(images, labels) for _ in range(args.repeats))
    slow = statistics.median(dataloader_epoch(subset) for _ in range(args.repeats))
    print(f"labfns.fit, one epoch (48,000 images):    {fast:6.2f} s")
    print(f"ToTensor + DataLoader, one epoch:         {slow:6.2f} s")
    print(f"ratio DataLoader / labfns.fit:            {slow / fast:6.1f}x")


if __name__ == "__main__":
    main()
