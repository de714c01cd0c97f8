"""Put the data where torchvision finds it without the network (the data root: $LABFNS_DATA, else data/ at
the repository root):

* MNIST: decompress ../shared/data/MNIST/raw/*.gz into <data root>/MNIST/raw/;
* Fashion-MNIST (chapter 14): decompress the .gz files of Debian's ``dataset-fashion-mnist`` package
  (``apt-get install dataset-fashion-mnist``, /usr/share/datasets/fashion-mnist/) into
  <data root>/FashionMNIST/raw/.

Used by the README's commands and .ci/run. Folders of the gzipped files can be named as the first (MNIST)
and second (Fashion-MNIST) arguments. Where a source folder does not exist (on GitHub's runners, say) and
the data set is not in the data root yet, torchvision downloads it now, through labfns, so that no notebook
re-executed by the tests prints download messages halfway; offline, that fails with labfns' message, which
is printed, and labfns will say the same again where the data are used.
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

loaders = {"MNIST": labfns.data.load_mnist, "FashionMNIST": labfns.data.load_fashion_mnist}
for dataset, src, files in sources:
    if src.is_dir():
        raw = labfns.data.install_idx_files(src, dataset=dataset)
        labfns.data.check_idx_files(raw, files)
        print(f"{dataset} seeded into {raw}")
        continue
    raw = labfns.data.data_root() / dataset / "raw"
    if all((raw / name).exists() for name in files):
        print(f"no {src}: {dataset} already in {raw}")
        continue
    print(f"no {src}: downloading {dataset} into {raw} (torchvision)")
    try:
        loaders[dataset]("test")  # torchvision fetches all four files of the data set
    except labfns.data.DataError as e:
        print(f"{dataset} could not be downloaded now:\n{e}")
    else:
        labfns.data.check_idx_files(raw, files)
        print(f"{dataset} downloaded into {raw}")
