"""Every chapter opens in Colab and runs there with no other step.

The first code cell of every notebook is the setup cell of scripts/sync_colab_cell.py: in Colab it installs
labfns from ``repository.url`` at ``colab_labfns_ref`` (both in _config.yml), elsewhere it does nothing.
These tests check that the cells agree with _config.yml, that labfns at that ref is the labfns in this
checkout (which executed the stored outputs), and that everything the chapters import is in Colab or is
installed by the setup cell. After changing labfns: commit, then ``python scripts/sync_colab_cell.py --ref
HEAD`` and re-run these tests.
"""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest brings tomli there
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("sync_colab_cell", ROOT / "scripts" / "sync_colab_cell.py")
sync = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sync)

NOTEBOOKS = sync.notebooks()
URL, REF = sync.read_config()
FIX = "run `python scripts/sync_colab_cell.py`"
REPIN = "commit labfns, then run `python scripts/sync_colab_cell.py --ref HEAD` and commit"

# Top-level modules the chapters may import in Colab: what Colab's runtime already has, and what the setup
# cell installs (labfns; its glue stands in for myst_nb's there). Anything else would need a step a reader can't guess.
COLAB_HAS = {"torch", "torchvision", "numpy", "pandas", "matplotlib", "sklearn", "scipy", "PIL", "IPython"}
SETUP_INSTALLS = {"labfns"}


def _ids(paths):
    return [p.name for p in paths]


def _first_code_cell(path: Path):
    _, cell = sync.first_code_cell(nbformat.read(path, as_version=4))
    assert cell is not None, f"{path.name} has no code cell"
    return cell


def test_there_are_notebooks():
    assert NOTEBOOKS, "no book/*.ipynb found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_first_code_cell_is_the_setup_cell(path):
    cell = _first_code_cell(path)
    assert cell.source == sync.setup_source(URL, REF), f"{path.name}: setup cell out of date; {FIX}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_setup_cell_installs_from_config_repository(path):
    match = sync.INSTALL_RE.search(_first_code_cell(path).source)
    assert match, f"{path.name}: no `%pip install labfns @ git+...` line in the first code cell; {FIX}"
    assert match["url"] == URL, f"{path.name} installs from {match['url']}, _config.yml says {URL}"
    assert match["ref"] == REF, f"{path.name} pins {match['ref']}, _config.yml says {REF}; {FIX}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_setup_cell_is_left_off_the_html_pages(path):
    """The setup cell is for Colab: its tag (remove-cell) keeps it off the book's pages."""
    tags = _first_code_cell(path).metadata.get("tags", [])
    assert sync.TAG in tags, f"{path.name}: the setup cell lacks the tag {sync.TAG!r}; {FIX}"


def test_sync_tags_the_setup_cell_once_and_keeps_its_other_tags(tmp_path):
    nb = nbformat.v4.new_notebook()
    old = nbformat.v4.new_code_cell("# Setup for Google Colab: an older version of the cell")
    old.metadata["tags"] = ["keep-me"]
    nb.cells = [nbformat.v4.new_markdown_cell("# A chapter"), old]
    path = tmp_path / "chapter.ipynb"
    nbformat.write(nb, path)
    source = sync.setup_source(URL, REF)
    assert sync.sync_notebook(path, source) == f"setup cell updated, tag {sync.TAG} added"
    assert sync.sync_notebook(path, source) is None  # a second run changes nothing
    cell = _first_code_cell(path)
    assert cell.source == source
    assert cell.metadata["tags"] == ["keep-me", sync.TAG]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_setup_cell_prints_nothing_outside_colab(path):
    cell = _first_code_cell(path)
    assert cell.get("outputs", []) == [], f"{path.name}: the setup cell has stored outputs"


def test_setup_cell_is_valid_and_inert_outside_colab():
    """The cell parses as IPython code and, outside Colab, runs without installing or printing anything."""
    code = TransformerManager().transform_cell(sync.setup_source(URL, REF))
    calls = []
    namespace = {"get_ipython": lambda: type("Shell", (), {"run_line_magic": lambda *a: calls.append(a)})()}
    assert "google.colab" not in sys.modules
    exec(compile(code, "setup-cell", "exec"), namespace)
    assert calls == []


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False)


def test_labfns_at_the_ref_is_this_labfns():
    """Colab installs labfns at REF: it must be the labfns (and [project] table) of this checkout."""
    if _git("rev-parse", "--git-dir").returncode != 0:
        pytest.skip("not a git checkout: cannot read labfns at the pinned ref")
    if _git("rev-parse", "--verify", "--quiet", f"{REF}^{{commit}}").returncode != 0:
        if _git("rev-parse", "--is-shallow-repository").stdout.strip() == "true":
            pytest.skip(
                f"shallow clone: colab_labfns_ref {REF} is not in it (git fetch --unshallow to check)"
            )
        pytest.fail(f"colab_labfns_ref {REF} is not in this repository's history (nor its tags)")

    at_ref = set(_git("ls-tree", "-r", "--name-only", REF, "--", "labfns").stdout.split())
    here = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "labfns").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert here == at_ref, f"labfns files differ from {REF}: {sorted(here ^ at_ref)}; {REPIN}"
    changed = [
        name for name in sorted(here) if _git("show", f"{REF}:{name}").stdout != (ROOT / name).read_text()
    ]
    assert not changed, f"labfns changed since {REF}: {changed}; {REPIN}"

    project_here = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    project_at_ref = tomllib.loads(_git("show", f"{REF}:pyproject.toml").stdout)["project"]
    assert project_here == project_at_ref, f"pyproject.toml [project] changed since {REF}; {REPIN}"
    pinned = [d for d in project_here["dependencies"] if "==" in d]
    assert not pinned, f"labfns must not pin what Colab brings (it would replace Colab's own): {pinned}"


def _imports(source: str) -> set[str]:
    tree = ast.parse(TransformerManager().transform_cell(source))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_chapter_imports_only_what_colab_has(path):
    nb = nbformat.read(path, as_version=4)
    imported = set().union(*(_imports(c.source) for c in nb.cells if c.cell_type == "code"))
    missing = imported - COLAB_HAS - SETUP_INSTALLS - set(sys.stdlib_module_names)
    assert not missing, (
        f"{path.name} imports {sorted(missing)}, which Colab lacks and the setup cell does not install "
        "(make labfns provide them, or add them to COLAB_HAS if Colab has them)"
    )
