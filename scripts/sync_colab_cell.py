"""Write the Colab setup cell into every notebook, from the repository URL and ref in _config.yml.

The first code cell of every chapter installs labfns in Google Colab and does nothing anywhere else. The
repository is ``repository.url`` and the commit (or tag) ``colab_labfns_ref`` in _config.yml: written
there only, and copied into the notebooks by this script.

    python scripts/sync_colab_cell.py              # rewrite the setup cell of every book/*.ipynb
    python scripts/sync_colab_cell.py --ref HEAD   # first pin labfns to this commit (or a tag), then rewrite
    python scripts/sync_colab_cell.py --check      # only report notebooks that are out of date (exit 1)

Pin to a commit whose labfns/ and pyproject.toml's [project] are the ones the notebooks were executed with
(after the last change to labfns is committed, ``--ref HEAD``), and push that commit before publishing;
tests/test_notebooks_colab.py checks both the cells and the labfns at the ref.

The cell carries the tag ``remove-cell``: the book's HTML pages leave it out (it means nothing there), while
Colab and Jupyter, which ignore the tag, show and run it. Only the cell's source and that tag change; its
outputs, execution count, other tags and other metadata stay. A notebook whose first code cell is not a setup
cell gets one inserted before it. Running the script twice changes nothing.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "_config.yml"
BOOK = ROOT / "book"
REF_KEY = "colab_labfns_ref"
MARKER = "# Setup for Google Colab"  # how a setup cell starts, old or new
TAG = "remove-cell"  # Jupyter Book leaves a cell with this tag off the HTML page

# The comment lines stay within the chapters' 88 characters (book/ruff.toml); the %pip line is an IPython
# magic, which ruff does not check for length, and must stay one line.
SETUP = '''# Setup for Google Colab: install labfns, this book's functions, from the book's
# repository. Elsewhere this cell does nothing.
import sys

if "google.colab" in sys.modules:
    %pip install -q "labfns @ git+{url}@{ref}"'''

# What a setup cell's install line looks like, to read the URL and ref back out of a notebook.
INSTALL_RE = re.compile(r'%pip install -q "labfns(?:\[colab\])? @ git\+(?P<url>[^@"\s]+)@(?P<ref>[^"\s]+)"')


def read_config(path: Path = CONFIG) -> tuple[str, str]:
    """(repository URL, labfns ref) from _config.yml."""
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    url = str(config["repository"]["url"]).rstrip("/")
    ref = str(config[REF_KEY])
    return url, ref


def setup_source(url: str, ref: str) -> str:
    """The exact source of the setup cell for this repository URL and ref."""
    return SETUP.format(url=url, ref=ref)


def notebooks() -> list[Path]:
    return sorted(BOOK.glob("*.ipynb"))


def first_code_cell(nb) -> tuple[int, object] | tuple[None, None]:
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            return i, cell
    return None, None


def add_tag(cell) -> bool:
    """Give ``cell`` the tag TAG, after any tags it has; return whether it was missing."""
    tags = list(cell.metadata.get("tags", []))
    if TAG in tags:
        return False
    cell.metadata["tags"] = [*tags, TAG]
    return True


def sync_notebook(path: Path, source: str, write: bool = True) -> str | None:
    """Make the first code cell of ``path`` the setup cell, tagged TAG; return what changed (None: nothing)."""
    nb = nbformat.read(path, as_version=4)
    i, cell = first_code_cell(nb)
    if cell is not None and cell.source.lstrip().startswith(MARKER):
        changes = []
        if cell.source != source:
            changes.append("setup cell updated")
            cell.source = source
        if add_tag(cell):
            changes.append(f"tag {TAG} added")
        if not changes:
            return None
        change = ", ".join(changes)
    else:
        change = "setup cell inserted"
        new = nbformat.v4.new_code_cell(source)
        add_tag(new)
        nb.cells.insert(len(nb.cells) if i is None else i, new)
    if write:
        nbformat.write(nb, path)
    return change


def resolve_ref(ref: str) -> str:
    """A tag's name stays as it is; anything else (HEAD, a branch, a short hash) becomes a full commit hash."""
    tag = subprocess.run(
        ["git", "-C", str(ROOT), "show-ref", "--verify", "--quiet", f"refs/tags/{ref}"], check=False
    )
    if tag.returncode == 0:
        return ref
    out = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--verify", f"{ref}^{{commit}}"],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def write_ref(ref: str, path: Path = CONFIG) -> None:
    """Replace the value of ``colab_labfns_ref:`` in _config.yml, leaving the rest of the file as it is."""
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(rf"(?m)^{REF_KEY}:.*$", f"{REF_KEY}: {ref}", text)
    if n != 1:
        raise SystemExit(f"{path.name}: expected one line '{REF_KEY}: ...', found {n}")
    path.write_text(new, encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", help="pin labfns to this commit or tag first (written into _config.yml)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a notebook is stale")
    args = parser.parse_args(argv)

    if args.ref:
        if args.check:
            parser.error("--ref and --check do not go together")
        ref = resolve_ref(args.ref)
        write_ref(ref)
        print(f"_config.yml: {REF_KEY} = {ref}")
    url, ref = read_config()
    source = setup_source(url, ref)
    stale = 0
    for path in notebooks():
        change = sync_notebook(path, source, write=not args.check)
        if change:
            stale += 1
            print(f"{path.relative_to(ROOT)}: {change}" + (" needed" if args.check else ""))
    print(
        f"{len(notebooks())} notebooks, {stale} {'out of date' if args.check else 'changed'}; labfns @ {ref}"
    )
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
