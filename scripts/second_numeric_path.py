"""Re-execute the notebooks on a second numeric path and compare them (nbval), as ``make test`` does.

    python scripts/second_numeric_path.py                 # every book/*.ipynb
    python scripts/second_numeric_path.py book/05_fit.ipynb

The stored outputs must hold on any CPU and thread count (README, "How the notebooks are checked"). This
script proves it on one machine: it runs the notebooks again with other vector kernels and another thread
count, which change the last digits of every trained network, and nbval must still pass.

- PyTorch's own kernels (element-wise operations, reductions): ``ATEN_CPU_CAPABILITY`` one level below the
  machine's (AVX512 -> avx2, AVX2 -> default, the plain C++ kernels);
- the matrix products: ``MKL_ENABLE_INSTRUCTIONS=AVX2`` (on an Intel CPU with AVX-512 this moves them off
  their AVX-512 kernels; elsewhere it changes nothing);
- one thread (``OMP_NUM_THREADS=1``) instead of the machine's count, two notebooks at a time
  (pytest-xdist), so the path takes about as long as the first.

Before the notebooks, it trains one small network for one epoch on both paths and prints a weight from
each: if the settings moved nothing on this machine, it says so and stops with an error, since the path
would then prove nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOWER = {"AVX512": "avx2", "AVX2": "default", "DEFAULT": "default"}

PROBE = """
import torch, labfns
torch.manual_seed(0)
x, y = torch.rand(2048, 28, 28), torch.randint(0, 10, (2048,))
model = labfns.MNISTNet()
labfns.fit(model, x, y, epochs=1, lr=0.001, verbose=False)
print(torch.backends.cpu.get_cpu_capability(), torch.get_num_threads(), repr(model.fc1.weight[0, 300].item()),
      model.fc1.weight.double().sum().item())
"""


def probe(env: dict) -> list[str]:
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    return out.stdout.split()


def second_path_env() -> dict:
    env = dict(os.environ)
    first = probe(env)
    env.update(
        ATEN_CPU_CAPABILITY=LOWER[first[0]],
        MKL_ENABLE_INSTRUCTIONS="AVX2",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
    )
    second = probe(env)
    print(
        f"first path:  kernels {first[0]}, {first[1]} threads: fc1.weight[0, 300] after one epoch = {first[2]}, "
        f"sum of fc1.weight = {first[3]}\n"
        f"second path: kernels {second[0]}, {second[1]} thread:  fc1.weight[0, 300] after one epoch = {second[2]}, "
        f"sum of fc1.weight = {second[3]}",
        flush=True,
    )
    if first[2:] == second[2:]:
        raise SystemExit(
            "the second path's settings moved no number on this machine, so it would prove nothing: "
            "set ATEN_CPU_CAPABILITY / MKL_ENABLE_INSTRUCTIONS / OMP_NUM_THREADS by hand"
        )
    return env


def main(argv: list[str]) -> int:
    env = second_path_env()
    notebooks = argv or sorted(str(p.relative_to(ROOT)) for p in (ROOT / "book").glob("*.ipynb"))
    cmd = [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadfile", *notebooks]
    return subprocess.run(cmd, env=env, cwd=ROOT, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
