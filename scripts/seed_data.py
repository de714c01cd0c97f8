"""Put the data where torchvision finds it without the network (the data root: $LABFNS_DATA, else data/ at
the repository root):

* MNIST: decompress ../shared/data/MNIST/raw/*.gz into <data root>/MNIST/raw/;
* Fashion-MNIST (chapter 12): decompress the .gz files of Debian's ``dataset-fashion-mnist`` package
  (``apt-get install dataset-fashion-mnist``, /usr/share/datasets/fashion-mnist/) into
  <data root>/FashionMNIST/raw/.

Used by the README's commands and .ci/run. Folders of the gzipped files can be named as the first (MNIST)
and second (Fashion-MNIST) arguments. A source folder that does not exist is skipped: labfns then lets
torchvision download that data set on first use.
"""

import sys
from pathlib import Path

import labfns.data
from labfns.data import FASHION_MNIST_FILES, MNIST_FILES

ROOT = Path(__file__).resolve().parent.parent
sources = [
    ("MNIST", ROOT.parent / "shared" / "data" / "MNIST" / "raw", MNIST_FILES),
    ("FashionMNIST", Path("/usr/share/datasets/fashion-mnist"), FASHION_MNIST_FILES),
]
for k, arg in enumerate(sys.argv[1:3]):
    sources[k] = (sources[k][0], Path(arg), sources[k][2])

for dataset, src, files in sources:
    if src.is_dir():
        raw = labfns.data.install_idx_files(src, dataset=dataset)
        labfns.data.check_idx_files(raw, files)
        print(f"{dataset} seeded into {raw}")
    else:
        print(f"no {src}: {dataset} will be downloaded by torchvision on first use")
