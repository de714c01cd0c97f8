"""The reader copies (notebooks/*.ipynb, scripts/reader_copies.py): in sync, free of MyST, faithful to the site.

* The committed copies are what the script writes from book/ now (regenerated in memory; nothing is written),
  byte for byte, and the script writes the same bytes every time.
* No MyST syntax is left in their markdown; their code cells, outputs (less the glue records), cell ids,
  tags and metadata are the chapters' own, except that the cells the site hides (remove-input, hide-input)
  are collapsed: a ``# @title`` first line and ``jupyter.source_hidden`` and ``cellView: "form"`` added.
* Against the built site (``make book``): the equation numbers, equation references, glued values,
  citations and chapter references of each copy are the ones its page shows, in the same order, and every
  link from a copy to the site names a page (and an anchor) that the site has.
* The converter, construct by construct, on a small synthetic book.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from copy import deepcopy
from functools import cache
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("reader_copies", ROOT / "scripts" / "reader_copies.py")
rc = importlib.util.module_from_spec(_spec)
sys.modules["reader_copies"] = rc  # dataclasses look their module up
_spec.loader.exec_module(rc)

HTML = ROOT / "_build" / "html"
FIX = "run `python scripts/reader_copies.py` (make execute runs it) and commit notebooks/"
CHAPTERS = [p for p in rc.Book(ROOT).pages if p.is_notebook]


@cache
def book():
    return rc.Book(ROOT)


@cache
def second_book():
    return rc.Book(ROOT)


@cache
def copy_of(docname: str) -> tuple[str, object]:
    """(file contents, report) of a chapter's reader copy, regenerated in memory from book/ (a chapter that
    cannot be converted fails its own tests only)."""
    nb, report = rc.reader_copy(book(), book().by_docname[docname])
    return rc.render(nb), report


def _ids(pages):
    return [p.name for p in pages]


def _markdown(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


def _uncollapsed(cell):
    """(source, metadata) of a copy's code cell with what collapse adds taken off again: the book's own."""
    if not rc.is_hidden(cell):
        return cell.source, cell.metadata
    assert cell.metadata.get("cellView") == "form", cell.source[:80]
    assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, cell.source[:80]
    assert rc.TITLE_LINE.match(cell.source), cell.source[:80]
    metadata = {k: v for k, v in cell.metadata.items() if k != "cellView"}
    jupyter = {k: v for k, v in metadata.pop("jupyter").items() if k != "source_hidden"}
    if jupyter:
        metadata["jupyter"] = jupyter
    return cell.source, metadata


# ------------------------------------------------------------------------------- the committed copies


def test_reader_copies_are_up_to_date():
    assert CHAPTERS, "_toc.yml lists no notebook"
    try:
        copies = rc.build(ROOT)
    except rc.ReaderCopyError as error:
        pytest.fail(f"chapters that cannot be converted (the site warns about them too):\n{error}")
    assert set(copies) == {rc.copy_path(p) for p in CHAPTERS}
    problems = rc.stale(ROOT, copies)
    assert not problems, "reader copies out of sync with book/:\n" + "\n".join(problems) + f"\n{FIX}"


@pytest.mark.parametrize("page", CHAPTERS, ids=_ids(CHAPTERS))
def test_generating_is_deterministic_and_writes_nothing(page):
    before = {p: p.stat().st_mtime_ns for p in (ROOT / rc.OUT_DIR).glob("*.ipynb")}
    nb, _ = rc.reader_copy(second_book(), second_book().by_docname[page.docname])  # a second, separate run
    assert rc.render(nb) == copy_of(page.docname)[0]
    assert {p: p.stat().st_mtime_ns for p in (ROOT / rc.OUT_DIR).glob("*.ipynb")} == before


def test_files_are_written_as_nbformat_writes_them(tmp_path):
    text, _ = copy_of(CHAPTERS[0].docname)
    nbformat.write(nbformat.reads(text, as_version=4), tmp_path / "nb.ipynb")
    assert (tmp_path / "nb.ipynb").read_text(encoding="utf-8") == text


@pytest.mark.parametrize("page", CHAPTERS, ids=_ids(CHAPTERS))
def test_no_myst_left(page):
    path = rc.copy_path(page)
    assert path.exists(), f"no {path.relative_to(ROOT)}; {FIX}"
    nb = nbformat.read(path, as_version=4)
    left = [
        f"cell {i}: {what}"
        for i, c in enumerate(nb.cells)
        if c.cell_type == "markdown"
        for what in rc.find_myst(c.source)
    ]
    assert not left, f"{path.name} still has MyST syntax:\n" + "\n".join(left)
    # and the generic patterns of the task, spelled out
    text = "\n".join(_markdown(nb))
    for pattern in (
        r"\{(glue|glue:text|eq|numref|doc|ref|cite|cite:p)\}`",
        r"(?m)^\([\w-]+\)=\s*$",
        r"(?m)^:::",
    ):
        assert not re.search(pattern, text), f"{path.name}: {pattern} found"
    assert not re.search(r"\$\$\s*\([^)\s]+\)", text), f"{path.name}: a labelled $$ ... $$ (label) is left"


@pytest.mark.parametrize("page", CHAPTERS, ids=_ids(CHAPTERS))
def test_copy_keeps_code_outputs_ids_and_metadata(page):
    source = nbformat.read(page.path, as_version=4)
    text, _ = copy_of(page.docname)
    copy = nbformat.reads(text, as_version=4)
    assert copy.metadata == source.metadata
    assert [c.cell_type for c in copy.cells] == [c.cell_type for c in source.cells]
    assert [c.get("id") for c in copy.cells] == [c.get("id") for c in source.cells]
    for mine, theirs in zip(copy.cells, source.cells):
        if theirs.cell_type != "code":
            assert mine.metadata == theirs.metadata
            continue
        code, metadata = _uncollapsed(mine)
        assert metadata == theirs.metadata
        if rc.is_hidden(theirs) and not rc.TITLE_LINE.match(theirs.source):  # only the title line added
            title, _, code = code.partition("\n")
            assert title == f"# @title {rc.hidden_title(theirs.source)}"
        assert code == theirs.source
        assert mine.execution_count == theirs.execution_count
        assert mine.outputs == [o for o in theirs.outputs if not rc.is_glue_record(o)]
    tagged = [c.get("id") for c in source.cells if "remove-cell" in c.metadata.get("tags", [])]
    kept = [c.get("id") for c in copy.cells if "remove-cell" in c.metadata.get("tags", [])]
    assert kept == tagged, "cells tagged remove-cell (the Colab setup cell) stay in the copy"
    for cell in copy.cells:
        if "remove-cell" in cell.metadata.get("tags", []):
            assert "cellView" not in cell.metadata and "@title" not in cell.source.split("\n")[0]


@pytest.mark.parametrize("page", CHAPTERS, ids=_ids(CHAPTERS))
def test_cells_the_site_hides_are_collapsed(page):
    copy = nbformat.reads(copy_of(page.docname)[0], as_version=4)
    for cell in copy.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type != "code" or "remove-cell" in tags:
            continue
        hidden = any(t in tags for t in rc.HIDDEN_TAGS)
        assert (cell.metadata.get("cellView") == "form") == hidden, cell.source[:80]
        assert bool(cell.metadata.get("jupyter", {}).get("source_hidden")) == hidden, cell.source[:80]
        if hidden:
            assert rc.TITLE_LINE.match(cell.source), cell.source[:80]


@pytest.mark.parametrize("page", CHAPTERS, ids=_ids(CHAPTERS))
def test_copy_starts_with_its_numbered_title_and_a_link_to_the_site(page):
    text, _ = copy_of(page.docname)
    first = nbformat.reads(text, as_version=4).cells[0].source
    number = ".".join(map(str, page.secnum))
    assert first.startswith(f"# {number}. " if number else "# "), first[:80]
    assert f"({rc.site_url(yaml.safe_load((ROOT / '_config.yml').read_text()))}{page.docname}.html)" in first


def test_site_url_is_github_pages_for_the_repository():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    site = rc.site_url(config)
    assert site.startswith("https://") and site.endswith("/")
    if ".github.io/" in site:  # a custom domain cannot be checked here
        assert site == rc.pages_url(config["repository"]["url"]), "html.baseurl disagrees with repository.url"


def test_the_build_extension_serves_the_same_folder():
    spec = importlib.util.spec_from_file_location(
        "reader_copy_buttons", ROOT / "_ext" / "reader_copy_buttons.py"
    )
    ext = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ext)
    assert ext.COPIES == rc.OUT_DIR
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert "reader_copy_buttons" in config["sphinx"]["local_extensions"]


# ------------------------------------------------------------------------------------ against the site


@pytest.fixture(scope="module")
def site() -> Path:
    if not (HTML / "index.html").exists():
        pytest.fail(f"no built site at {HTML}: run `make book` first (`make test` does)")
    return HTML


def _main(site: Path, page):
    from bs4 import BeautifulSoup

    html = (site / f"{page.docname}.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser").select_one("main")


@pytest.mark.parametrize("page", CHAPTERS, ids=_ids(CHAPTERS))
def test_copy_says_what_the_page_says(site, page):
    _, report = copy_of(page.docname)
    main = _main(site, page)
    eqno = [s.get_text().replace("#", "").strip() for s in main.select("span.eqno")]
    fmt = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"][
        "math_eqref_format"
    ]
    shown = [f"({rc.equation_label(t, fmt)})" for t in report.tags]  # (B2.4): _ext/equation_numbers.py
    assert shown == eqno and all(t.startswith("(B") for t in eqno), "equation numbers differ from the site's"
    eqrefs = [
        a.get_text() for a in main.select("a[href*='#equation-']") if "headerlink" not in a.get("class", [])
    ]
    assert report.eqrefs == eqrefs, "equation references differ from the site's"
    assert report.glue == [s.get_text() for s in main.select("span.pasted-text")], "glued values differ"
    assert report.cites == [s.get_text() for s in main.select("span.bibtex-citation")], "citations differ"
    assert report.numrefs == [s.get_text() for s in main.select("span.std-numref")], (
        "chapter references differ"
    )
    number = main.select_one("h1 span.section-number")
    if page.secnum:
        assert number is not None and number.get_text().strip() == ".".join(map(str, page.secnum)) + "."


def test_the_checks_against_the_site_are_not_vacuous():
    reports = []
    for page in CHAPTERS:
        try:
            reports.append(copy_of(page.docname)[1])
        except rc.ReaderCopyError:
            continue  # that chapter's own tests say why
    for kind in ("tags", "eqrefs", "glue", "cites", "numrefs"):
        assert any(getattr(r, kind) for r in reports), f"no chapter has any {kind}"


@pytest.mark.parametrize("page", CHAPTERS, ids=_ids(CHAPTERS))
def test_links_to_the_site_exist(site, page):
    _, report = copy_of(page.docname)
    base = rc.Book(ROOT).site
    assert report.links
    for url in report.links:
        assert url.startswith(base), url
        path, _, anchor = url.removeprefix(base).partition("#")
        file = site / (path or "index.html")
        assert file.is_file(), f"{url}: the site has no {file.relative_to(site)}"
        if anchor:
            assert f'id="{anchor}"' in file.read_text(encoding="utf-8"), (
                f"{url}: no id {anchor!r} on that page"
            )


# ------------------------------------------------------------------------- the converter, construct by construct

CONFIG = """
title: "A Book"
repository:
  url: https://github.com/Owner/repo
  branch: main
bibtex_bibfiles: [refs.bib]
sphinx:
  config:
    numfig_secnum_depth: 1
    math_eqref_format: "({number})"
    bibtex_reference_style: author_year
    bibtex_cite_id: "cite-{key}"
"""
TOC = """
format: jb-book
root: book/index
defaults:
  numbered: 1
parts:
  - caption: One
    chapters:
      - file: book/01_a
  - caption: Two
    chapters:
      - file: book/02_b
      - file: book/03_b
  - caption: Appendix
    numbered: false
    chapters:
      - file: book/04_c
      - file: book/refs
"""
BIB = """
@book{many, author = {James, Gareth and Witten, Daniela and Hastie, Trevor}, title = {T}, publisher = {P}, year = {2021}}
@article{two, author = {Xiao, Han and Rasul, Kashif}, title = {U}, journal = {J}, year = {2017}}
"""
SITE = "https://owner.github.io/repo/"


def _glue(name, text, display=False):
    prefix = "" if display else "application/papermill.record/"
    return nbformat.v4.new_output(
        "display_data",
        data={f"{prefix}text/plain": text},
        metadata={"scrapbook": {"name": name, "mime_prefix": prefix}},
    )


def make_book(tmp_path: Path, chapters: dict[str, list]) -> Path:
    (tmp_path / "book").mkdir()
    (tmp_path / "_config.yml").write_text(CONFIG)
    (tmp_path / "_toc.yml").write_text(TOC)
    (tmp_path / "refs.bib").write_text(BIB)
    (tmp_path / "book" / "index.md").write_text("# Home\n")
    (tmp_path / "book" / "refs.md").write_text("# References\n\n```{bibliography}\n```\n")
    defaults = {
        "01_a": ["(ch-a)=\n# Alpha\n\n$$\na = b\n$$ (eq-a)\n"],
        "02_b": ["(ch-b)=\n# Beta\n"],
        "03_b": ["# Beta two\n\n$$ x $$ (eq-b2)\n"],
        "04_c": ["(app-c)=\n# Gamma\n\n$$ c $$ (eq-c)\n"],
    }
    for name, cells in {**defaults, **chapters}.items():
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        for cell in cells:
            nb.cells.append(cell if isinstance(cell, dict) else nbformat.v4.new_markdown_cell(cell))
        nbformat.write(nb, tmp_path / "book" / f"{name}.ipynb")
    return tmp_path


def convert(tmp_path, markdown: str, name="02_b", extra=None) -> tuple[str, object]:
    """The reader copy of a chapter made of a title cell, a glue cell and ``markdown``: (its markdown, report)."""
    glue = nbformat.v4.new_code_cell("glue(...)")
    glue.outputs = [
        _glue("n", "12345"),
        _glue("s", "'hello'"),
        _glue("x", "3.14159"),
        _glue("shown", "'on the page'", display=True),
        nbformat.v4.new_output("stream", name="stdout", text="printed\n"),
    ]
    root = make_book(tmp_path, {name: ["(ch-b)=\n# Beta\n", glue, markdown], **(extra or {})})
    book = rc.Book(root)
    nb, report = rc.reader_copy(book, book.by_docname[f"book/{name}"])
    return nb.cells[2].source, report, nb


def test_glue_values_and_format_specs(tmp_path):
    text, report, _ = convert(
        tmp_path, "{glue:text}`n` / {glue:text}`n:,` / {glue:text}`s` / {glue:text}`x:.2f`"
    )
    assert text == "12345 / 12,345 / hello / 3.14"
    assert report.glue == ["12345", "12,345", "hello", "3.14"]


def test_glue_from_another_notebook_and_the_plain_glue_role(tmp_path):
    other = nbformat.v4.new_code_cell("glue(...)")
    other.outputs = [_glue("m", "7")]
    text, _, _ = convert(
        tmp_path,
        "{glue:text}`01_a.ipynb::m:.1f` and {glue}`s`",
        extra={"01_a": ["(ch-a)=\n# Alpha\n\n$$\na = b\n$$ (eq-a)\n", other]},
    )
    assert text == "7.0 and `'hello'`"


def test_glue_records_are_left_out_and_other_outputs_kept(tmp_path):
    _, _, nb = convert(tmp_path, "text")
    outputs = nb.cells[1].outputs
    assert [o.output_type for o in outputs] == ["display_data", "stream"]
    assert outputs[0].data == {"text/plain": "'on the page'"}


def test_labelled_equations_get_the_site_numbers(tmp_path):
    text, report, _ = convert(
        tmp_path,
        "$$\ny = 1\n$$ (eq-b1)\n\nthen $$ z $$ (eq-b-inline)\n\n$$ w $$\n\n"
        "{eq}`eq-b1`, {eq}`eq-b-inline`, {eq}`eq-a`, {eq}`eq-b2`, {eq}`eq-c`, {eq}`see %s <eq-b1>`",
    )
    assert "$$\ny = 1\n\\tag{2.1}\n$$" in text
    assert "$$ z \\tag{2.2}$$" in text
    assert "$$ w $$" in text  # unlabelled: no number, as on the site
    assert report.tags == ["2.1", "2.2"]
    # chapter 3 (03_b) follows chapter 2 across the part; the appendix is unnumbered: (1)
    assert (
        f"(2.1), (2.2), [(1.1)]({SITE}book/01_a.html#equation-eq-a), [(3.1)]({SITE}book/03_b.html#equation-eq-b2), "
        f"[(1)]({SITE}book/04_c.html#equation-eq-c), see 2.1" in text
    )


def test_amsmath_and_math_directive_are_numbered_in_order(tmp_path):
    text, report, _ = convert(
        tmp_path,
        "$$ a $$ (eq-1)\n\n\\begin{align}\nx &= 1 \\\\\ny &= 2\n\\end{align}\n\n"
        "```{math}\n:label: eq-3\nz = 3\n```\n\n\\begin{equation*}\nq\n\\end{equation*}\n\n{eq}`eq-3`",
    )
    assert report.tags == ["2.1", "2.2", "2.3"]
    assert "$$\n\\begin{aligned}\nx &= 1 \\\\\ny &= 2\n\\end{aligned}\n\\tag{2.2}\n$$" in text
    assert "$$\nz = 3\n\\tag{2.3}\n$$" in text
    assert "$$\nq\n$$" in text
    assert text.endswith("(2.3)")


def test_chapter_references_doc_and_ref(tmp_path):
    text, report, _ = convert(
        tmp_path,
        "{numref}`chapter %s <ch-a>`; {numref}`Chapter {number}, {name} <ch-a>`; {numref}`ch-a`; "
        "{numref}`chapter %s <ch-b>`; {doc}`01_a`; {doc}`the first <01_a>`; {doc}`/book/04_c`; {ref}`ch-a`; "
        "{ref}`that one <app-c>`",
    )
    assert text == (
        f"[chapter 1]({SITE}book/01_a.html#ch-a); [Chapter 1, Alpha]({SITE}book/01_a.html#ch-a); "
        f"[Section 1]({SITE}book/01_a.html#ch-a); chapter 2; [Alpha]({SITE}book/01_a.html); "
        f"[the first]({SITE}book/01_a.html); [Gamma]({SITE}book/04_c.html); [Alpha]({SITE}book/01_a.html#ch-a); "
        f"[that one]({SITE}book/04_c.html#app-c)"
    )
    assert report.numrefs == ["chapter 1", "Chapter 1, Alpha", "Section 1", "chapter 2"]


def test_label_lines_vanish_and_titles_get_their_number(tmp_path):
    _, _, nb = convert(tmp_path, "text")
    title = nb.cells[0].source
    assert title.startswith("# 2. Beta\n\n> Chapter 2 of [*A Book*](https://owner.github.io/repo/)")
    assert f"[on the book's site]({SITE}book/02_b.html)" in title
    assert "(ch-b)=" not in title
    root = tmp_path
    book = rc.Book(root)
    gamma, _ = rc.reader_copy(book, book.by_docname["book/04_c"])
    assert gamma.cells[0].source.startswith("# Gamma\n\n> A page of [*A Book*]")  # the appendix: no number
    assert "$$ c \\tag{1}$$" in gamma.cells[0].source


def test_citations_author_year_linked_to_the_references(tmp_path):
    text, report, _ = convert(
        tmp_path, "{cite:p}`many` {cite:p}`many,two` {cite:t}`two` {cite}`many` {cite:p}`{see}many{p. 3}`"
    )
    many, two = f"{SITE}book/refs.html#cite-many", f"{SITE}book/refs.html#cite-two"
    assert text == (
        f"[[James *et al.*, 2021]({many})] "
        f"[[James *et al.*, 2021]({many}), [Xiao and Rasul, 2017]({two})] "
        f"Xiao and Rasul [[2017]({two})] "
        f"[[James *et al.*, 2021]({many})] "
        f"[see [James *et al.*, 2021]({many}), p. 3]"
    )
    assert report.cites == [
        "[James et al., 2021]",
        "[James et al., 2021, Xiao and Rasul, 2017]",
        "Xiao and Rasul [2017]",
        "[James et al., 2021]",
        "[see James et al., 2021, p. 3]",
    ]
    assert "\\[" not in text, "an escaped bracket is display maths in JupyterLab"


def test_dropdowns_and_admonitions(tmp_path):
    text, _, _ = convert(
        tmp_path,
        ":::{dropdown} Solution 1\nBody with {eq}`eq-a` and $x$.\n:::\n\n"
        ":::{dropdown} Open one\n:open:\nShown.\n:::\n\n"
        ":::{note}\nA note.\n:::\n\n"
        ":::{admonition} My title\n:class: dropdown\nHidden.\n:::\n\n"
        "::::{tip}\n:::{dropdown} Inner\nx\n:::\n::::\n\n"
        "```{admonition} Backticks\nToo.\n```",
    )
    assert (
        "<details>\n<summary>Solution 1</summary>\n\n"
        f"Body with [(1.1)]({SITE}book/01_a.html#equation-eq-a) and $x$.\n\n</details>" in text
    )
    assert "<details open>\n<summary>Open one</summary>\n\nShown.\n\n</details>" in text
    assert "<blockquote>\n\n**Note**\n\nA note.\n\n</blockquote>" in text
    assert "<details>\n<summary>My title</summary>\n\nHidden.\n\n</details>" in text
    assert (
        "<blockquote>\n\n**Tip**\n\n<details>\n<summary>Inner</summary>\n\nx\n\n</details>\n\n</blockquote>"
        in text
    )
    assert "<blockquote>\n\n**Backticks**\n\nToo.\n\n</blockquote>" in text


def test_code_is_left_alone(tmp_path):
    markdown = "```python\nx = '{eq}`eq-a`'\n(label)=\n:::\n```\n\nand ``{glue:text}`n` `` in code"
    text, _, _ = convert(tmp_path, markdown)
    assert text == markdown
    assert rc.find_myst(text) == []


def test_code_block_directive_becomes_a_fence(tmp_path):
    text, _, _ = convert(tmp_path, "```{code-block} python\n:linenos:\nprint(1)\n```")
    assert text == "```python\nprint(1)\n```"


def test_literalinclude_becomes_a_fence_with_the_lines_sphinx_shows(tmp_path):
    (tmp_path / "page.js").write_text(
        "head();\n  // BEGIN part\n  function f() {\n    return 1;\n  }\n  // END part\n"
    )
    text, _, _ = convert(
        tmp_path,
        "```{literalinclude} ../page.js\n:language: javascript\n:start-after: // BEGIN part\n"
        ":end-before: // END part\n:dedent: 2\n```",
    )
    assert text == "```javascript\nfunction f() {\n  return 1;\n}\n```"


def test_comments_breaks_and_relative_html(tmp_path):
    text, _, _ = convert(
        tmp_path,
        'before\n% a comment\n+++\n<img src="../_static/x.png" alt="x"> <a href="https://a.b/c">c</a> [other](01_a.ipynb)',
    )
    assert text == (
        f'before\n<img src="{SITE}_static/x.png" alt="x"> <a href="https://a.b/c">c</a> [other]({SITE}book/01_a.html)'
    )


@pytest.mark.parametrize(
    "markdown, message",
    [
        ("{unknownrole}`x`", "{unknownrole}"),
        (":::{figure} a.png\n:::", "{figure}"),
        ("{glue:text}`missing`", "no glued value 'missing'"),
        ("{eq}`nowhere`", "no equation is labelled 'nowhere'"),
        ("{numref}`chapter %s <nowhere>`", "no label 'nowhere'"),
        ("{cite:p}`nobody`", "'nobody' is not in references.bib"),
    ],
)
def test_what_cannot_be_converted_stops_with_a_message(tmp_path, markdown, message):
    with pytest.raises(rc.ReaderCopyError, match=re.escape(message)) as error:
        convert(tmp_path, markdown)
    assert "02_b.ipynb, cell 2" in str(error.value)


def _code(source: str, tags=(), outputs=()):
    cell = nbformat.v4.new_code_cell(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    cell.outputs = list(outputs)
    return cell


def _copy_with(tmp_path, cells: list) -> nbformat.NotebookNode:
    """The reader copy of chapter 02_b made of a title cell and ``cells``, as its file reads back."""
    root = make_book(tmp_path, {"02_b": ["(ch-b)=\n# Beta\n", *cells]})
    book = rc.Book(root)
    nb, _ = rc.reader_copy(book, book.by_docname["book/02_b"])
    return nbformat.reads(rc.render(nb), as_version=4)


def test_a_hidden_cell_is_collapsed_with_a_title_and_its_outputs(tmp_path):
    printed = nbformat.v4.new_output("stream", name="stdout", text="within [0.85, 0.97] ✓\n")
    shown = nbformat.v4.new_output("display_data", data={"text/plain": "a table"})
    cells = [
        _code('check_within("accuracy", acc, 0.85, 0.97)', ["hide-input"], [printed]),
        _code(
            'glue("n", 12345, display=False)', ["remove-input", "nbval-ignore-output"], [_glue("n", "12345")]
        ),
        _code("table = make()\ntable", ["hide-input"], [shown]),
        _code("if not ok:\n    raise ValueError('no')", ["remove-input"]),
        _code("x = labfns.glue('m', 1)\nassert x is None", ["hide-input"]),
        _code("%matplotlib inline\nmaths.check_close(a, b)", ["hide-input"]),
    ]
    cells[2].metadata["jupyter"] = {"outputs_hidden": False}
    nb = _copy_with(tmp_path, cells)
    check, glue, table, raises, both, magic = nb.cells[1:]
    assert check.source == "# @title The book's check (hidden)\n" + cells[0].source
    assert glue.source == "# @title Values for the text (hidden)\n" + cells[1].source
    assert table.source == "# @title Hidden code\n" + cells[2].source
    assert raises.source.startswith("# @title The book's check (hidden)\nif not ok:")
    assert both.source.startswith("# @title Values for the text, and the book's check (hidden)\n")
    assert magic.source.startswith("# @title The book's check (hidden)\n%matplotlib")
    for cell, tags in zip(nb.cells[1:], [c.metadata["tags"] for c in cells]):
        assert cell.metadata["cellView"] == "form"
        assert cell.metadata["jupyter"]["source_hidden"] is True
        assert cell.metadata["tags"] == tags
    assert table.metadata["jupyter"] == {"outputs_hidden": False, "source_hidden": True}
    assert check.outputs == [printed] and table.outputs == [shown]
    assert glue.outputs == []  # the glue record only: left out, as for every cell
    # the title is a comment: the code is what the chapter runs
    for cell, theirs in zip(nb.cells[1:6], cells):
        assert ast.dump(ast.parse(cell.source)) == ast.dump(ast.parse(theirs.source))


def test_a_remove_cell_cell_is_left_as_it_is(tmp_path):
    setup = _code("# Setup for Google Colab\n%pip install labfns", ["remove-cell"])
    both = _code("import sys", ["remove-cell", "remove-input"])
    nb = _copy_with(tmp_path, [setup, both])
    for mine, theirs in zip(nb.cells[1:], [setup, both]):
        assert mine.source == theirs.source
        assert mine.metadata == theirs.metadata
        assert "cellView" not in mine.metadata and "jupyter" not in mine.metadata


def test_a_plain_code_cell_is_left_as_it_is(tmp_path):
    plain = _code("model = fit()\nmodel", outputs=[nbformat.v4.new_output("stream", text="ok\n")])
    other = _code('check_within("x", 1, 0, 2)', ["nbval-ignore-output"])
    nb = _copy_with(tmp_path, [plain, other])
    for mine, theirs in zip(nb.cells[1:], [plain, other]):
        assert mine.source == theirs.source
        assert mine.metadata == theirs.metadata
        assert mine.outputs == theirs.outputs


def test_a_title_already_there_is_not_added_again(tmp_path):
    cells = [
        _code("# @title My own title\nx = 1", ["hide-input"]),
        _code('#@title Classic form { display-mode: "form" }\ny = 2', ["remove-input"]),
    ]
    nb = _copy_with(tmp_path, cells)
    for mine, theirs in zip(nb.cells[1:], cells):
        assert mine.source == theirs.source
        assert mine.metadata["cellView"] == "form" and mine.metadata["jupyter"] == {"source_hidden": True}
    # and collapsing a collapsed cell changes nothing: the copy of a copy is the copy
    again = deepcopy(nb)
    for cell in again.cells:
        if cell.cell_type == "code":
            rc.collapse(cell)
    assert rc.render(again) == rc.render(nb)


def test_collapsing_is_deterministic(tmp_path):
    cells = [
        _code('glue("n", 1, display=False)', ["remove-input"]),
        _code("check_within('x', 1, 0, 2)", ["hide-input"]),
    ]
    root = make_book(tmp_path, {"02_b": ["(ch-b)=\n# Beta\n", *cells]})
    texts = {
        rc.render(rc.reader_copy(b, b.by_docname["book/02_b"])[0]) for b in (rc.Book(root), rc.Book(root))
    }
    assert len(texts) == 1


def test_find_myst_names_each_kind_of_leftover():
    cases = {
        "a {eq}`x` b": "role",
        "(lab)=\n# T": "label line",
        ":::{note}\nx\n:::": "colon fence",
        "```{note}\nx\n```": "directive fence",
        "$$\nx\n$$ (lab)": "labelled $$",
        "+++": "block break",
    }
    for markdown, kind in cases.items():
        assert any(found.startswith(kind) for found in rc.find_myst(markdown)), (
            markdown,
            rc.find_myst(markdown),
        )
    assert rc.find_myst("plain $$x$$ and `{eq}` in code\n```\n{eq}`y`\n```") == []


def test_site_url_from_the_repository_when_there_is_no_baseurl():
    assert rc.site_url({"repository": {"url": "https://github.com/Owner/repo"}}) == SITE
    assert rc.site_url({"html": {"baseurl": "https://example.org/book"}}) == "https://example.org/book/"
    with pytest.raises(rc.ReaderCopyError):
        rc.site_url({"repository": {"url": "https://gitlab.com/o/r"}})


def test_toc_numbering_across_parts(tmp_path):
    root = make_book(tmp_path, {})
    numbers = {p.docname: p.secnum for p in rc.toc_pages(root)}
    assert numbers == {
        "book/index": (),
        "book/01_a": (1,),
        "book/02_b": (2,),
        "book/03_b": (3,),
        "book/04_c": (),
        "book/refs": (),
    }
    restart = {p.docname: p.secnum for p in rc.toc_pages(root, multitoc=False)}
    assert restart["book/02_b"] == (1,) and restart["book/03_b"] == (2,)


def test_the_script_checks_and_writes(tmp_path, monkeypatch, capsys):
    root = make_book(tmp_path, {})
    monkeypatch.setattr(rc, "ROOT", root)
    assert rc.main(["--check"]) == 1
    assert "notebooks/01_a.ipynb is missing" in capsys.readouterr().out
    assert rc.main([]) == 0
    written = {p.name: p.read_bytes() for p in (root / "notebooks").glob("*.ipynb")}
    assert set(written) == {"01_a.ipynb", "02_b.ipynb", "03_b.ipynb", "04_c.ipynb"}
    assert rc.main([]) == 0 and rc.main(["--check"]) == 0
    assert {p.name: p.read_bytes() for p in (root / "notebooks").glob("*.ipynb")} == written
