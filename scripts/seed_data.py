"""Put MNIST where torchvision finds it without the network: decompress ../shared/data/MNIST/raw/*.gz
into <data root>/MNIST/raw/ (the data root: $LABFNS_DATA, else data/ at the repository root).

Used by the README's commands and .ci/run. A folder of the gzipped files can be named as the first argument.
With no such folder it does nothing: labfns then lets torchvision download the data.
"""

import sys
from pathlib import Path

import labfns

ROOT = Path(__file__).resolve().parent.parent
src = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "MNIST" / "raw"
if src.is_dir():
    raw = labfns.install_idx_files(src, dataset="MNIST")
    labfns.check_idx_files(raw)
    print(f"MNIST seeded into {raw}")
else:
    print(f"no {src}: MNIST will be downloaded by torchvision on first use")
