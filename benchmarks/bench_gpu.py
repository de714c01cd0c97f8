"""GPU speed, side by side in one run: labfns.fit with and without CUDA graphs, a DataLoader epoch, the
FLOP bound, and the test accuracy of each fit (the fast path must not change what is learned).

    python benchmarks/bench_gpu.py            (on a machine with a CUDA GPU)
"""

import torch
from common import N_TRAIN, dataloader_epoch, flop_bound, labfns_fit

import labfns


def main():
    if not torch.cuda.is_available():
        raise SystemExit("no CUDA GPU here")
    print(f"GPU: {torch.cuda.get_device_name()}, torch {torch.__version__}")
    images, labels = labfns.load_mnist("train")
    test_x, test_y = labfns.load_mnist("test")
    bound = flop_bound("cuda")
    labfns_fit(images[:4096], labels[:4096], "cuda")  # CUDA start-up and cuBLAS warm-up, not timed

    rows = []
    for graphs in (False, True, True):
        seconds, model = labfns_fit(images, labels, "cuda", epochs=10, cuda_graphs=graphs)
        acc = labfns.evaluate(model, test_x, test_y)["acc"]
        rows.append((f"labfns.fit, 10 epochs, CUDA graphs {'on' if graphs else 'off'}", seconds, acc))
    loader = dataloader_epoch("cuda")

    print("| measure | seconds | test accuracy |\n|---|---|---|")
    for name, seconds, acc in rows:
        print(f"| {name} | {seconds:.2f} | {acc:.4f} |")
    print(f"| ToTensor + DataLoader, one epoch | {loader:.2f} | |")
    print(f"| FLOP bound, one epoch of {N_TRAIN:,} images | {bound:.3f} | |")
    print(f"| FLOP bound, 10 epochs | {10 * bound:.3f} | |")
    eager, graphed = rows[0][1], rows[2][1]
    print(
        f"\nCUDA graphs speed-up: {eager / graphed:.1f}x; 10 epochs with graphs / 10 × FLOP bound: "
        f"{graphed / (10 * bound):.1f}x; DataLoader epoch / labfns epoch: {loader / (graphed / 10):.0f}x"
    )


if __name__ == "__main__":
    main()
