"""What the benchmarks share: the two ways of training one epoch, and the FLOP bound."""

import time

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Subset
from torchvision import transforms
from torchvision.datasets import MNIST

import labfns

N_TRAIN = 48_000  # what a 20 % validation split leaves of the 60,000 training images
FLOPS_PER_IMAGE = 6 * 235_146  # forward 2 and backward 4 floating-point operations per parameter


def sync(device):
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()


def labfns_fit(images, labels, device, epochs=1, cuda_graphs=None):
    """Seconds of ``labfns.fit`` for ``epochs`` epochs (its own per-epoch validation included)."""
    labfns.set_seed(0)
    model = labfns.MNISTNet()
    history = labfns.fit(
        model, images, labels, epochs=epochs, verbose=False, device=device, cuda_graphs=cuda_graphs
    )
    return history.seconds, model


def dataloader_epoch(device):
    """One epoch the R lab's and ISLP's way: ToTensor converts one image at a time; DataLoader batches."""
    dataset = MNIST(labfns.data.data_root(), train=True, transform=transforms.ToTensor())
    subset = Subset(dataset, torch.randperm(60_000, generator=torch.Generator().manual_seed(0))[:N_TRAIN])
    labfns.set_seed(0)
    model = labfns.MNISTNet().to(device)
    opt = torch.optim.RMSprop(model.parameters())
    loader = DataLoader(subset, batch_size=256, shuffle=True)
    sync(device)
    start = time.perf_counter()
    model.train()
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        loss = F.cross_entropy(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
    sync(device)
    return time.perf_counter() - start


def matmul_flops(device, repeats=2000):
    """Measured float32 throughput of the network's largest product: (256×784) @ (784×256)."""
    a = torch.randn(256, 784, device=device)
    b = torch.randn(784, 256, device=device)
    for _ in range(50):
        a @ b
    sync(device)
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    sync(device)
    return 2 * 256 * 784 * 256 * repeats / (time.perf_counter() - start)


def flop_bound(device):
    """Seconds one epoch would take if every operation ran at the matmul's measured throughput."""
    return FLOPS_PER_IMAGE * N_TRAIN / matmul_flops(device)
