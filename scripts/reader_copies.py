"""Reader copies of the chapters: the notebooks as the book's site reads, for Colab, JupyterLab and VS Code.

The chapters (book/NN_*.ipynb) are written in MyST Markdown, which only the book's build understands:
``{glue:text}`` roles, ``{eq}`` references and labelled ``$$ ... $$ (label)`` equations, ``{numref}``,
``{doc}`` and ``{cite:p}`` references, ``(label)=`` lines and ``:::{dropdown}`` solutions. Opened anywhere
else they show as raw text, with every solution open. This script writes a *reader copy* of each chapter
of _toc.yml to notebooks/ (same file name), in which the markdown says what the site says:

* ``{glue:text}`name``` and ``{glue:text}`name:,``` -> the value stored in the notebook's outputs, formatted
  as myst-nb formats it (``myst_nb.core.variables.format_plain_text``); the glue records themselves (outputs
  the site never shows, and which Jupyter and VS Code show as "no renderer" notices) are left out;
* a labelled equation -> ``\\tag{B2.4}`` with the site's number (chapter number from _toc.yml, then the
  labelled equations of the chapter counted in order, as Sphinx's ``math_numfig`` counts them), written in
  ``math_eqref_format`` as the site writes it (_ext/equation_numbers.py); ``{eq}`` -> ``(B2.4)``, a link to
  the site's page when the equation is in another chapter;
* ``{numref}`chapter %s <ch-fit>``` -> ``[chapter 8](<site>/book/05_fit.html#ch-fit)``; ``{ref}`` -> the
  section's title, ``{doc}`` -> the page's title, both linked to the site; ``(label)=`` lines disappear;
* ``{cite:p}`` -> the author-year text that sphinxcontrib-bibtex puts on the site (its own styles, on
  references.bib), ``[James *et al.*, 2021]``, linked to the entry on the references page;
* ``:::{dropdown}`` (and admonitions with ``:class: dropdown``, ``{toggle}``) -> ``<details>`` with a
  ``<summary>``; other admonitions (``{note}``, ``{admonition} Title``, ...) -> ``<blockquote>`` with the
  title in bold; ``{code-block}`` -> a plain fence; ``{math}`` -> ``$$``; ``{div}`` -> its content;
* relative ``src``/``href`` in raw HTML and links to other pages (``.md``/``.ipynb``) -> the site's URLs;
* the chapter's title gets its number (``# 2. The hidden layers``) and a line linking the site.

The code cells that the site hides (tagged ``remove-input`` or ``hide-input``: the glue calls, the book's
checks, the code of some figures and tables) are collapsed, their outputs still shown: the cell gets
``jupyter.source_hidden: true`` (JupyterLab and VS Code show a placeholder for the code) and Colab's form
view, ``cellView: "form"`` with a first line ``# @title <what the cell is>`` (Colab shows the title and a
"Show code" link): "The book's check (hidden)" for a cell that checks (``check_within``, ``check_close``,
``raise``, ``assert``), "Values for the text (hidden)" for one that glues, "Values for the text, and the
book's check (hidden)" for one that does both, "Hidden code" otherwise (see ``collapse``). The title is a
comment, so the cell runs as the chapter's does. A cell tagged ``remove-cell`` (the Colab setup cell, which
must be seen and run in Colab) is not collapsed.

The copies are of the book's edition (``edition:`` in _config.yml, or ``BOOK_EDITION``; _ext/edition.py):
in the student edition the solution cells (tagged ``solution``) are left out, in the instructor edition each
solution is a closed ``<details>`` under its exercise.

Everything else is kept as it is: code cells and their outputs, cell ids, tags and metadata, and the
notebook's metadata. A role or directive that this script does not know stops it with an error naming the
notebook and the cell: add it here rather than ship raw markup. The site's URL is ``html.baseurl`` in
_config.yml (GitHub Pages' address of ``repository.url``, which is used when baseurl is absent).

    python scripts/reader_copies.py            # write notebooks/*.ipynb (make execute runs it)
    python scripts/reader_copies.py --check    # change nothing; exit 1 naming the copies that are stale

The output depends only on book/, _toc.yml, _config.yml and references.bib, byte for byte.
tests/test_reader_copies.py regenerates the copies in memory and fails when the committed ones differ; it
also compares the numbers, glued values and citations with the built site. The book's build serves the copies
(_ext/reader_copy_buttons.py): each chapter page's Colab button opens notebooks/<name>.ipynb on GitHub, and
its .ipynb download button gives the same file.
"""

from __future__ import annotations

import argparse
import ast
import copy
import html
import posixpath
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))
import edition as editions  # noqa: E402  (the setting `edition:` in _config.yml, shared with the build)
from equation_numbers import equation_label  # noqa: E402  (B4.2: the number beside an equation)

OUT_DIR = "notebooks"  # reader copies: notebooks/<name>.ipynb for the chapter book/<name>.ipynb
RUN = "python scripts/reader_copies.py"

# Code cells that the site hides, collapsed in the copies (see collapse); remove-cell cells are left alone.
HIDDEN_TAGS = ("remove-input", "hide-input")
KEEP_TAG = "remove-cell"
CHECKS = ("check_within", "check_close")  # labfns' checks: a cell that calls one is one of the book's checks
GLUE = "glue"
TITLE_CHECK = "The book's check (hidden)"
TITLE_GLUE = "Values for the text (hidden)"
TITLE_BOTH = "Values for the text, and the book's check (hidden)"
TITLE_OTHER = "Hidden code"
# Colab's form title: the cell's first line. Colab writes "# @title", ruff format (as black) turns the
# classic "#@title" into it, so the copies survive `ruff format`; either counts as a title already there.
TITLE_LINE = re.compile(r"\A[ \t]*#[ \t]*@title\b")

# The sphinx-design / sphinx-book-theme admonitions and their default titles.
ADMONITIONS = {
    "admonition": None,  # the title is the directive's argument
    "attention": "Attention",
    "caution": "Caution",
    "danger": "Danger",
    "error": "Error",
    "hint": "Hint",
    "important": "Important",
    "note": "Note",
    "seealso": "See also",
    "tip": "Tip",
    "warning": "Warning",
}
# MyST's amsmath extension: these environments, starting a line, are display maths; unstarred, numbered.
AMSMATH = (
    "equation|multline|gather|align|alignat|flalign|matrix|pmatrix|bmatrix|Bmatrix|vmatrix|Vmatrix|eqnarray"
)
# Inside $$ ... $$ each environment becomes its inner form (one \tag for the whole block, as on the site).
AMSMATH_INNER = {
    "equation": None,
    "multline": "gathered",
    "gather": "gathered",
    "align": "aligned",
    "alignat": "alignedat",
    "flalign": "aligned",
    "eqnarray": "aligned",
}

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
DIRECTIVE = re.compile(r"^\{(?P<name>[A-Za-z][\w:+.-]*)\}[ \t]*(?P<arg>.*)$")
LABEL_LINE = re.compile(r"^[ \t]{0,3}\((?P<label>[^)\s]+)\)=[ \t]*$")
COMMENT_LINE = re.compile(r"^[ \t]{0,3}%")
BREAK_LINE = re.compile(r"^[ \t]{0,3}\+\+\+")
AMSMATH_BEGIN = re.compile(rf"^[ \t]{{0,3}}\\begin\{{(?P<env>{AMSMATH})(?P<star>\*?)\}}")
HEADING = re.compile(r"^[ \t]{0,3}(?P<hashes>#{1,6})[ \t]+(?P<title>.*?)[ \t#]*$")
OPTION = re.compile(r"^:(?P<key>[\w-]+):[ \t]*(?P<value>.*)$")

# Inline: a role, a code span (kept), display maths (kept, labelled ones tagged), an escaped character (kept),
# a relative src/href attribute in raw HTML, a link target.
INLINE = re.compile(
    r"(?P<role>\{(?P<name>[A-Za-z][\w:+.-]*)\}(?P<rticks>`+)(?P<content>.*?)(?<!`)(?P=rticks)(?!`))"
    r"|(?P<code>(?P<ticks>`+).*?(?<!`)(?P=ticks)(?!`))"
    r"|(?P<dmath>\$\$(?P<math>.+?)\$\$(?:[ \t]*\((?P<label>[^)\s]+)\)(?=[ \t]*(?:\n|$)))?)"
    r"|(?P<escape>\\.)"
    r"|(?P<attr>\b(?P<attrname>src|href)=(?P<q>[\"'])(?P<url>[^\"']*)(?P=q))"
    r"|(?P<link>\]\((?P<target>[^()\s]+)\))",
    re.S,
)
# What the tests call MyST syntax left over (see find_myst).
MYST_LEFT = {
    "role": re.compile(r"\{[A-Za-z][\w:+.-]*\}`"),
    "label line": re.compile(r"(?m)^[ \t]*\([^)\s]+\)=[ \t]*$"),
    "colon fence": re.compile(r"(?m)^[ \t]*:::"),
    "directive fence": re.compile(r"(?m)^[ \t]*(`{3,}|~{3,})[ \t]*\{"),
    "labelled $$": re.compile(r"\$\$[ \t]*\([^)\s]+\)[ \t]*$", re.M),
    "block break": re.compile(r"(?m)^\+\+\+"),
}


class ReaderCopyError(Exception):
    """MyST that this script cannot turn into plain Jupyter markdown."""


# --------------------------------------------------------------------------------------------- the book


@dataclass
class Page:
    docname: str  # "book/02_layers"
    path: Path
    secnum: tuple[int, ...]  # (2,) for chapter 2; () when not numbered
    title: str = ""  # the first heading, as markdown
    glue: dict = field(default_factory=dict)  # name -> output (mime bundle without myst-nb's prefix)

    @property
    def is_notebook(self) -> bool:
        return self.path.suffix == ".ipynb"

    @property
    def name(self) -> str:
        return self.docname.rsplit("/", 1)[-1]


@dataclass
class Target:
    docname: str
    title: str  # the heading after the label ("" for a label that is not on a heading)
    anchor: str
    is_title: bool = False  # the page's title: {numref} gives the page's number


@dataclass
class Report:
    """What a conversion put into one copy, in reading order (the tests compare it with the built site)."""

    tags: list[str] = field(default_factory=list)  # "2.4" for each numbered equation
    eqrefs: list[str] = field(default_factory=list)  # "(2.4)"
    glue: list[str] = field(default_factory=list)  # the pasted text
    cites: list[str] = field(default_factory=list)  # "[James et al., 2021]" (plain text)
    numrefs: list[str] = field(default_factory=list)  # "chapter 8"
    links: list[str] = field(default_factory=list)  # every URL of the site that the copy links to


class Book:
    """_config.yml, _toc.yml, references.bib and every page of the toc: what the conversion needs to know."""

    def __init__(self, root: Path = ROOT, edition: str | None = None):
        self.root = root
        self.edition = edition or editions.edition(root)
        self.config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
        sphinx_config = (self.config.get("sphinx") or {}).get("config") or {}
        self.title = str(self.config.get("title", ""))
        self.site = site_url(self.config)
        self.secnum_depth = int(sphinx_config.get("numfig_secnum_depth", 1))
        self.eqref_format = str(sphinx_config.get("math_eqref_format") or "({number})")
        self.numfig_format = {"section": "Section %s", **(sphinx_config.get("numfig_format") or {})}
        self.reference_style = str(sphinx_config.get("bibtex_reference_style", "label"))
        self.cite_id = str(sphinx_config.get("bibtex_cite_id", ""))
        self.bibfiles = [root / f for f in self.config.get("bibtex_bibfiles") or []]
        multitoc = (self.config.get("html") or {}).get("use_multitoc_numbering", True)
        self.pages = toc_pages(root, multitoc=bool(multitoc))
        self.by_docname = {p.docname: p for p in self.pages}
        self.bibliography_doc = next(
            (p.docname for p in self.pages if re.search(r"(?m)^(`{3,}|:{3,})\{bibliography\}", _markdown(p))),
            None,
        )
        self._bib = None
        # First pass over every page, in toc order: titles, labels and equation numbers.
        self.targets: dict[str, Target] = {}
        self.equations: dict[str, tuple[str, str]] = {}  # label -> (docname, "2.4")
        self.numbered_equations: dict[str, list[str]] = {}  # docname -> numbers, in order
        counters: dict[tuple[int, ...], int] = {}
        for page in self.pages:
            if page.is_notebook:
                page.glue = glue_data(nbformat.read(page.path, as_version=4))
            conv = Converter(self, page, counters=counters, scan=True)
            for source in _markdown_sources(page, self.edition):
                conv.convert(source)
            self.numbered_equations[page.docname] = conv.report.tags

    # -- numbers and URLs

    def page_url(self, docname: str, anchor: str = "") -> str:
        return f"{self.site}{docname}.html" + (f"#{anchor}" if anchor else "")

    def secnum_text(self, docname: str) -> str:
        return ".".join(map(str, self.by_docname[docname].secnum))

    def equation_number(self, docname: str, counters: dict) -> str:
        """The next equation number of ``docname``, as Sphinx counts them (per section prefix, toc order)."""
        prefix = self.by_docname[docname].secnum[: self.secnum_depth]
        counters[prefix] = counters.get(prefix, 0) + 1
        return ".".join(map(str, (*prefix, counters[prefix])))

    def resolve_doc(self, docname: str, ref: str) -> str:
        """A {doc} target (relative to ``docname``'s folder, or absolute from the book's root) -> docname."""
        ref = re.sub(r"\.(md|ipynb)$", "", ref.strip())
        if ref.startswith("/"):
            return ref.lstrip("/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(docname), ref))

    @property
    def bibliography(self):
        if self._bib is None:
            from pybtex.database import BibliographyData
            from pybtex.database.input.bibtex import Parser

            parser = Parser("utf-8-sig")
            for path in self.bibfiles:
                parser.parse_file(path)
            self._bib = parser.data if self.bibfiles else BibliographyData()
        return self._bib


def site_url(config: dict) -> str:
    """The book's site: html.baseurl, else GitHub Pages' address for repository.url (with a final /)."""
    base = (config.get("html") or {}).get("baseurl")
    if base:
        return str(base).rstrip("/") + "/"
    return pages_url(str((config.get("repository") or {}).get("url", "")))


def pages_url(repository_url: str) -> str:
    """https://github.com/<owner>/<repo> -> https://<owner>.github.io/<repo>/"""
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+?)(?:\.git)?/?", repository_url.strip())
    if not match:
        raise ReaderCopyError(
            f"_config.yml: repository.url {repository_url!r} is not a GitHub repository; set html.baseurl"
        )
    owner, repo = match.groups()
    return f"https://{owner.lower()}.github.io/{repo}/"


def toc_pages(root: Path, multitoc: bool = True) -> list[Page]:
    """Every page of _toc.yml in reading order, each with the section number the site gives it.

    Jupyter Book numbers the chapters of numbered parts (``numbered: true`` or a depth) 1, 2, ... across the
    parts (``html.use_multitoc_numbering``, the default) or from 1 in each part; an unnumbered part's pages
    get no number; ``sections`` of a numbered chapter get 5.1, 5.2, ... down to the numbered depth.
    """
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    defaults = toc.get("defaults") or {}
    pages: list[Page] = []

    def page(docname: str, secnum: tuple[int, ...]) -> Page:
        docname = re.sub(r"\.(md|ipynb)$", "", docname)
        candidates = [root / f"{docname}{ext}" for ext in (".ipynb", ".md")]
        return Page(docname, next((c for c in candidates if c.exists()), candidates[0]), secnum)

    def depth(value) -> int:
        if value is True:
            return 999
        if value is False or value is None:
            return 0
        return int(value)

    def walk(entries, prefix: tuple[int, ...], levels: int, start: int = 0) -> int:
        n = start
        for entry in entries or []:
            if "file" not in entry:
                continue
            if levels > 0:
                n += 1
                secnum = (*prefix, n)
            else:
                secnum = ()
            pages.append(page(entry["file"], secnum))
            walk(entry.get("sections"), secnum, levels - 1 if secnum else 0)
        return n

    pages.append(page(toc["root"], ()))
    count = 0
    for part in toc.get("parts") or []:
        levels = depth(part.get("numbered", defaults.get("numbered", False)))
        last = walk(part.get("chapters"), (), levels, start=count if multitoc else 0)
        if levels and multitoc:
            count = last
    walk(toc.get("chapters"), (), depth(defaults.get("numbered", toc.get("numbered", False))))
    return pages


def _markdown(page: Page) -> str:
    return "\n\n".join(_markdown_sources(page))


def _markdown_sources(page: Page, edition: str = "instructor") -> list[str]:
    if not page.path.exists():
        return []
    if page.is_notebook:
        nb = _read(page, edition)
        return [c.source for c in nb.cells if c.cell_type == "markdown"]
    text = page.path.read_text(encoding="utf-8")
    return [re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)]  # front matter is not content


def glue_data(nb) -> dict:
    """myst-nb's glue store of a notebook: name -> the output's mime bundle (myst-nb's prefix removed)."""
    data = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("scrapbook")
            if not meta:
                continue
            prefix = len(meta.get("mime_prefix", ""))
            data[meta["name"]] = {k[prefix:]: v for k, v in output.get("data", {}).items()}
    return data


def is_glue_record(output) -> bool:
    """An output that only stores a glued value (glue(..., display=False)): the site does not show it."""
    meta = output.get("metadata", {}).get("scrapbook")
    return bool(meta and meta.get("mime_prefix"))


# ------------------------------------------------------------------------------------------ conversion


def _md_escape(text: str) -> str:
    """Text that markdown shows as it is (pasted values, names). Not brackets: ``\\[`` opens display maths
    in JupyterLab, and a bracket that no ``(`` follows is text anyway."""
    return re.sub(r"([\\`*_<>$|~])", r"\\\1", text)


def _plain(markdown: str) -> str:
    """A markdown snippet as the text a reader sees (for the report)."""
    text = re.sub(r"\[([^\[\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"\\(.)", r"\1", re.sub(r"(?<!\\)[*_]", "", text))
    return text


class Converter:
    """Turns one page's markdown into plain Jupyter markdown. ``scan=True``: the first pass, which only
    collects titles, labels and equation numbers (references are not resolved yet)."""

    def __init__(self, book: Book, page: Page, counters: dict | None = None, scan: bool = False):
        self.book = book
        self.page = page
        self.scan = scan
        self.counters = counters if counters is not None else {}
        self.report = Report()
        self.where = page.docname
        self._title_done = False  # the chapter's title (its first # heading) gets its number once

    # -- blocks

    def convert(self, source: str, where: str = "") -> str:
        self.where = f"{self.page.path.name}{', ' + where if where else ''}"
        return "\n".join(self._blocks(source.split("\n")))

    def _blocks(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        text: list[str] = []
        pending: list[str] = []  # labels waiting for the block they name

        def flush() -> None:
            if text:
                out.extend(self._text("\n".join(text)).split("\n"))
                text.clear()

        i = 0
        while i < len(lines):
            line = lines[i]
            fence = FENCE.match(line)
            if fence:
                flush()
                char, width = fence["fence"][0], len(fence["fence"])
                close = re.compile(rf"^[ \t]*{re.escape(char)}{{{width},}}[ \t]*$")
                j = i + 1
                while j < len(lines) and not close.match(lines[j]):
                    j += 1
                directive = DIRECTIVE.match(fence["info"].strip())
                body = [_dedent(b, fence["indent"]) for b in lines[i + 1 : j]]
                if directive:
                    pending.clear()
                    converted = self._directive(directive["name"], directive["arg"], body, fence["fence"])
                    out.extend(fence["indent"] + c if c else c for c in converted)
                elif char == ":":  # a colon fence with no directive is a code block: a plain fence
                    ticks = _ticks(body)
                    out.extend([f"{fence['indent']}{ticks}{fence['info'].strip()}", *lines[i + 1 : j]])
                    out.append(f"{fence['indent']}{ticks}")
                else:
                    out.extend(lines[i : j + 1])  # a code block, as it is
                i = j + 1
                continue
            if line.lstrip(" \t").startswith("$$"):
                # display maths: its lines are maths, whatever they start with (the text pass converts it)
                j = i
                if "$$" not in line.lstrip(" \t")[2:]:
                    j = i + 1
                    while j < len(lines) and "$$" not in lines[j]:
                        j += 1
                text.extend(lines[i : j + 1])
                pending.clear()
                i = j + 1
                continue
            label = LABEL_LINE.match(line)
            if label:
                flush()
                pending.append(label["label"])
                i += 1
                continue
            if COMMENT_LINE.match(line) or BREAK_LINE.match(line):
                flush()  # a MyST comment or block break: the site shows nothing
                i += 1
                continue
            begin = AMSMATH_BEGIN.match(line)
            if begin:
                flush()
                end = re.compile(rf"\\end\{{{begin['env']}{re.escape(begin['star'])}\}}[ \t]*$")
                j = i
                while j < len(lines) and not end.search(lines[j]):
                    j += 1
                out.extend(self._amsmath(begin["env"], begin["star"], lines[i : j + 1]))
                pending.clear()
                i = j + 1
                continue
            heading = HEADING.match(line)
            if heading:
                flush()
                out.extend(self._heading(heading, pending))
                pending.clear()
                i += 1
                continue
            if line.strip():
                if pending and self.scan:
                    for name in pending:  # a label on something other than a heading
                        self.book.targets.setdefault(
                            name.lower(), Target(self.page.docname, "", _anchor(name))
                        )
                pending.clear()
            text.append(line)
            i += 1
        flush()
        return out

    def _heading(self, match, labels: list[str]) -> list[str]:
        title = match["title"]
        level = len(match["hashes"])
        is_title = level == 1 and not self._title_done
        if self.scan:
            if is_title:
                self._title_done = True
                self.page.title = title
            for name in labels:
                self.book.targets[name.lower()] = Target(self.page.docname, title, _anchor(name), is_title)
            return [match.group(0)]
        title_md = self._text(title)
        if not is_title:
            return [f"{match['hashes']} {title_md}"]
        self._title_done = True
        number = self.book.secnum_text(self.page.docname)
        url = self.book.page_url(self.page.docname)
        self.report.links.extend([self.book.site, url])
        book = f"[*{_md_escape(self.book.title)}*]({self.book.site})"
        where = f"Chapter {number} of {book}" if number else f"A page of {book}"
        return [
            f"# {number + '. ' if number else ''}{title_md}",
            "",
            f"> {where}, also [on the book's site]({url}).",
        ]

    def _directive(self, name: str, arg: str, body: list[str], fence: str) -> list[str]:
        options, content = _options(body)
        classes = str(options.get("class", "")).split()
        if name == "dropdown" or name == "toggle" or (name in ADMONITIONS and "dropdown" in classes):
            title = arg or (ADMONITIONS.get(name) if name in ADMONITIONS else None) or "Show"
            if name in ADMONITIONS and name != "admonition" and arg:
                title, content = ADMONITIONS[name], [arg, *content]
            return self._details(title, content, open_="open" in options)
        if name in ADMONITIONS:
            title = arg if name == "admonition" else ADMONITIONS[name]
            if name != "admonition" and arg:
                content = [arg, *content]
            if name == "admonition" and not title:
                raise ReaderCopyError(f"{self.where}: {{admonition}} needs a title")
            return [
                "<blockquote>",
                "",
                f"**{self._text(title)}**",
                "",
                *self._blocks(content),
                "",
                "</blockquote>",
            ]
        if name in ("code-block", "code", "sourcecode"):
            return [f"{_ticks(content)}{arg.split()[0] if arg else ''}", *content, _ticks(content)]
        if name == "literalinclude":
            code = self._included(arg.strip(), options)
            return [f"{_ticks(code)}{options.get('language', '')}", *code, _ticks(code)]
        if name == "math":
            maths = "\n".join(content).strip("\n")
            label = options.get("label") or options.get("name")
            return self._display_math(f"\n{maths}\n", label).split("\n")
        if name == "raw":
            return content if arg.strip().lower() == "html" else []
        if name in ("div", "container"):
            return self._blocks(content)
        if name in ("epigraph", "pull-quote", "highlights", "margin", "sidebar"):
            head = [f"**{self._text(arg)}**", ""] if arg else []
            return ["<blockquote>", "", *head, *self._blocks(content), "", "</blockquote>"]
        if self.scan:
            return []
        raise ReaderCopyError(
            f"{self.where}: the directive {{{name}}} has no plain-markdown form yet; add one to {RUN.split()[1]}"
        )

    def _included(self, arg: str, options: dict) -> list[str]:
        """The lines a ``{literalinclude}`` shows, as Sphinx selects them: the file (relative to the page),
        then ``start-after`` / ``end-before`` (the marker lines excluded) and ``dedent``."""
        path = (self.page.path.parent / arg).resolve()
        if not path.is_file():
            raise ReaderCopyError(f"{self.where}: {{literalinclude}} {arg}: no such file")
        text = path.read_text(encoding="utf-8")
        if "start-after" in options:
            marker = str(options["start-after"])
            if marker not in text:
                raise ReaderCopyError(f"{self.where}: {{literalinclude}} {arg}: no {marker!r}")
            text = text.split(marker, 1)[1].split("\n", 1)[1]
        if "end-before" in options:
            marker = str(options["end-before"])
            if marker not in text:
                raise ReaderCopyError(f"{self.where}: {{literalinclude}} {arg}: no {marker!r}")
            text = text.split(marker, 1)[0].rsplit("\n", 1)[0]
        lines = text.split("\n")
        width = int(options.get("dedent", 0) or 0)
        return [line[width:] if line[:width].strip() == "" else line.lstrip() for line in lines]

    def _details(self, title: str, content: list[str], open_: bool = False) -> list[str]:
        from markdown_it import MarkdownIt

        summary = MarkdownIt("commonmark").renderInline(self._text(title)).strip()
        return [
            "<details open>" if open_ else "<details>",
            f"<summary>{summary}</summary>",
            "",
            *self._blocks(content),
            "",
            "</details>",
        ]

    def _amsmath(self, env: str, star: str, lines: list[str]) -> list[str]:
        """A top-level amsmath environment: numbered on the site unless starred, so it gets its \\tag."""
        block = "\n".join(lines).strip()
        if env in AMSMATH_INNER:
            begin = re.match(rf"\\begin\{{{env}\*?\}}(\{{[^}}]*\}})?", block)
            body = re.sub(rf"\\end\{{{env}\*?\}}$", "", block[begin.end() :]).strip("\n")
            inner = AMSMATH_INNER[env]
            maths = f"\\begin{{{inner}}}{begin[1] or ''}\n{body}\n\\end{{{inner}}}" if inner else body
        else:
            maths = block  # a matrix environment: fine inside $$ as it is
        if star:
            return ["$$", maths, "$$"]
        number = self._number(None)
        return ["$$", maths, f"\\tag{{{self._tag(number)}}}", "$$"]

    # -- inline

    def _text(self, text: str) -> str:
        return INLINE.sub(self._inline, text)

    def _inline(self, m: re.Match) -> str:
        if m["role"]:
            return self._role(m["name"], m["content"])
        if m["dmath"]:
            if m["label"] is None:
                return m.group(0)
            return self._display_math(m["math"], m["label"])
        if m["attr"]:
            url = m["url"]
            if _relative(url):
                url = urljoin(self.book.page_url(self.page.docname), url)
            return f"{m['attrname']}={m['q']}{url}{m['q']}"
        if m["link"]:
            target = m["target"]
            path, _, anchor = target.partition("#")
            if _relative(target) and re.search(r"\.(md|ipynb)$", path):
                docname = self.book.resolve_doc(self.page.docname, path)
                if docname in self.book.by_docname:
                    url = self.book.page_url(docname, anchor)
                    self.report.links.append(url)
                    return f"]({url})"
            return m.group(0)
        return m.group(0)  # a code span or an escaped character

    def _display_math(self, maths: str, label: str | None) -> str:
        if not label:
            return f"$$\n{maths.strip(chr(10))}\n$$"
        number = self._number(label)
        body = maths.rstrip()
        if "\n" in maths:
            return f"$$\n{body.strip(chr(10))}\n\\tag{{{self._tag(number)}}}\n$$"
        return f"$${body} \\tag{{{self._tag(number)}}}$$"

    def _tag(self, number: str) -> str:
        return equation_label(number, self.book.eqref_format)

    def _number(self, label: str | None) -> str:
        if self.scan:
            number = self.book.equation_number(self.page.docname, self.counters)
            if label:
                self.book.equations[label] = (self.page.docname, number)
        else:
            numbers = self.book.numbered_equations[self.page.docname]
            number = numbers[len(self.report.tags)]
            if label and self.book.equations.get(label) != (self.page.docname, number):
                raise ReaderCopyError(f"{self.where}: the equation label {label!r} is used twice")
        self.report.tags.append(number)
        return number

    def _role(self, name: str, content: str) -> str:
        if self.scan:
            return ""
        if name in ("glue:text", "glue", "glue:any", "glue:md"):
            return self._glue(name, content)
        if name == "eq":
            return self._eq(content)
        if name in ("numref", "ref", "doc"):
            return self._xref(name, content)
        if name == "cite" or name.startswith("cite:"):
            return self._cite(name.partition(":")[2] or "p", content)
        if name == "math":
            return f"${content}$"
        if name in ("sub", "sup"):
            return f"<{name}>{html.escape(content)}</{name}>"
        if name == "abbr":
            m = re.fullmatch(r"(?s)(.*?)\s*\((.*)\)\s*", content)
            text, title = (m[1], m[2]) if m else (content, "")
            return f'<abbr title="{html.escape(title)}">{html.escape(text)}</abbr>' if title else text
        if name in ("kbd", "samp", "file", "command", "code", "literal", "program", "envvar"):
            return f"`{content}`"
        if name in ("term", "guilabel", "menuselection", "dfn"):
            return content
        raise ReaderCopyError(
            f"{self.where}: the role {{{name}}}`{content}` has no plain-markdown form yet; add one to "
            f"{RUN.split()[1]}"
        )

    def _glue(self, name: str, content: str) -> str:
        from myst_nb.core.variables import format_plain_text

        key, spec = content, "s"
        if name in ("glue:text", "glue:md") and ":" in content.replace("::", "\0"):
            key, spec = content.rsplit(":", 1)
        page = self.page
        if "::" in key:
            doc, key = key.split("::", 1)
            docname = self.book.resolve_doc(self.page.docname, doc)
            page = self.book.by_docname.get(docname)
            if page is None:
                raise ReaderCopyError(f"{self.where}: {{{name}}}`{content}`: no page {doc!r} in the toc")
        data = page.glue.get(key)
        if data is None:
            raise ReaderCopyError(
                f"{self.where}: {{{name}}}`{content}`: {page.path.name} stores no glued value {key!r} "
                "(execute the notebook first)"
            )
        if name == "glue:md" or (name in ("glue", "glue:any") and "text/markdown" in data):
            if "text/markdown" not in data:
                raise ReaderCopyError(f"{self.where}: {{{name}}}`{content}`: no text/markdown stored")
            text = data["text/markdown"]  # pasted as markdown, as myst-nb does
            self.report.glue.append(text)
            return text
        if name != "glue:text" and set(data) - {"text/plain"}:
            raise ReaderCopyError(
                f"{self.where}: {{{name}}}`{content}` pastes {sorted(data)}: only text/plain and text/markdown "
                "have a plain-markdown form"
            )
        if "text/plain" not in data:
            raise ReaderCopyError(f"{self.where}: {{{name}}}`{content}`: no text/plain stored for {key!r}")
        if name == "glue:text":  # the value, formatted as myst-nb formats it
            text = format_plain_text(data["text/plain"], spec)
            self.report.glue.append(text)
            return _md_escape(text)
        text = data["text/plain"]  # {glue}: the output's text as inline code, as myst-nb renders it
        ticks = "`" * (max((len(r) for r in re.findall(r"`+", text)), default=0) + 1)
        pad = " " if text.startswith("`") or text.endswith("`") else ""
        return f"{ticks}{pad}{text}{pad}{ticks}"

    def _eq(self, content: str) -> str:
        m = re.fullmatch(r"(?s)(.*?)\s*<([^<>]+)>", content)
        title, label = (m[1], m[2]) if m else (None, content.strip())
        if label not in self.book.equations:
            raise ReaderCopyError(f"{self.where}: {{eq}}`{content}`: no equation is labelled {label!r}")
        docname, number = self.book.equations[label]
        text = (
            title.replace("{number}", number).replace("%s", number)
            if title
            else self.book.eqref_format.format(number=number)
        )
        self.report.eqrefs.append(text)
        if docname == self.page.docname:
            return text
        url = self.book.page_url(docname, _anchor(f"equation-{label}"))
        self.report.links.append(url)
        return f"[{text}]({url})"

    def _xref(self, name: str, content: str) -> str:
        m = re.fullmatch(r"(?s)(.*?)\s*<([^<>]+)>", content)
        title, target = (m[1], m[2].strip()) if m else (None, content.strip())
        if name == "doc":
            docname = self.book.resolve_doc(self.page.docname, target)
            page = self.book.by_docname.get(docname)
            if page is None:
                raise ReaderCopyError(f"{self.where}: {{doc}}`{content}`: no page {docname!r} in the toc")
            text = title if title else self._text(page.title)
            url = self.book.page_url(docname)
            self.report.links.append(url)
            return f"[{text}]({url})"
        found = self.book.targets.get(target.lower())
        if found is None:
            raise ReaderCopyError(f"{self.where}: {{{name}}}`{content}`: no label {target!r} in the book")
        url = self.book.page_url(found.docname, found.anchor)
        if name == "ref":
            text = title or self._text(found.title)
            if not text:
                raise ReaderCopyError(
                    f"{self.where}: {{ref}}`{content}` needs a title: {target!r} is no heading"
                )
        else:
            number = self.book.secnum_text(found.docname)
            if not (number and found.is_title):  # only chapters (and sections of the toc) have numbers
                raise ReaderCopyError(
                    f"{self.where}: {{numref}}`{content}`: {target!r} has no number on the site"
                )
            page_title = self._text(found.title)
            fmt = title if title is not None else self.book.numfig_format["section"]
            text = fmt.replace("%s", number).replace("{number}", number).replace("{name}", page_title)
            self.report.numrefs.append(_plain(text))
        self.report.links.append(url)
        if found.docname == self.page.docname and name == "numref":
            return text
        return f"[{text}]({url})"

    def _cite(self, role: str, content: str) -> str:
        from pybtex.richtext import BaseMultipartText, HRef, String, Symbol, Tag
        from sphinxcontrib.bibtex.citation_target import parse_citation_targets
        from sphinxcontrib.bibtex.plugin import find_plugin
        from sphinxcontrib.bibtex.style.referencing import format_references
        from sphinxcontrib.bibtex.style.template import SphinxReferenceInfo, SphinxReferenceText

        if self.book.bibliography_doc is None:
            raise ReaderCopyError(f"{self.where}: a citation, but no page of the toc has a {{bibliography}}")
        style = find_plugin("sphinxcontrib.bibtex.style.referencing", self.book.reference_style)()
        references = []
        for target in parse_citation_targets(content):
            entry = self.book.bibliography.entries.get(target.key)
            if entry is None:
                raise ReaderCopyError(
                    f"{self.where}: {{cite:{role}}}: {target.key!r} is not in references.bib"
                )
            raw_id = (
                self.book.cite_id.format(key=target.key, bibliography_count=1) if self.book.cite_id else ""
            )
            info = SphinxReferenceInfo(
                builder=None,
                fromdocname=self.page.docname,
                todocname=self.book.bibliography_doc,
                citation_id=_anchor(raw_id) if raw_id else "",
                title=None,
                pre_text=target.pre,
                post_text=target.post,
            )
            references.append((entry, None, info))
        rich = format_references(style, role, references)
        links = []

        def md(node) -> str:
            if isinstance(node, SphinxReferenceText):
                info = node.info[0]
                url = self.book.page_url(info.todocname, info.citation_id)
                links.append(url)
                return f"[{''.join(md(p) for p in node.parts)}]({url})"
            if isinstance(node, HRef):
                return f"[{''.join(md(p) for p in node.parts)}]({node.url})"
            if isinstance(node, Tag):
                inner = "".join(md(p) for p in node.parts)
                marks = {"em": "*", "i": "*", "strong": "**", "b": "**"}.get(node.name, "")
                return f"{marks}{inner}{marks}"
            if isinstance(node, BaseMultipartText):
                return "".join(md(p) for p in node.parts)
            if isinstance(node, String):
                return _md_escape(node.value)
            if isinstance(node, Symbol):
                return {"nbsp": "\u00a0", "ndash": "\u2013", "newblock": " "}.get(node.name, " ")
            return _md_escape(str(node))

        text = md(rich)
        self.report.cites.append(_plain(text))
        self.report.links.extend(links)
        return text


def _anchor(name: str) -> str:
    """The id Sphinx gives a label (docutils' make_id)."""
    from docutils.nodes import make_id

    return make_id(name)


def _relative(url: str) -> bool:
    return bool(url) and not re.match(r"^([a-zA-Z][\w+.-]*:|#|/)", url)


def _ticks(lines: list[str]) -> str:
    """A backtick fence longer than any backtick run at the start of ``lines``."""
    runs = [len(m[1]) for line in lines if (m := re.match(r"^[ \t]*(`{3,})", line))]
    return "`" * max([3, *(n + 1 for n in runs)])


def _dedent(line: str, indent: str) -> str:
    return line[len(indent) :] if indent and line.startswith(indent) else line


def _options(body: list[str]) -> tuple[dict, list[str]]:
    """A directive's options (``:key: value`` lines, or a ``---`` YAML block) and its content."""
    if body and body[0].strip() == "---":
        end = next((k for k in range(1, len(body)) if body[k].strip() == "---"), None)
        if end is not None:
            return (yaml.safe_load("\n".join(body[1:end])) or {}), body[end + 1 :]
    options = {}
    k = 0
    while k < len(body):
        m = OPTION.match(body[k])
        if not m:
            break
        options[m["key"]] = m["value"]
        k += 1
    return options, body[k:]


# ---------------------------------------------------------------------------------------- the copies


def find_myst(markdown: str) -> list[str]:
    """MyST syntax left in ``markdown``, outside code blocks and code spans: a list of what and where."""
    kept, fence = [], None
    for line in markdown.split("\n"):
        if fence:
            if re.match(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", line):
                fence = None
            continue
        m = FENCE.match(line)
        if m and m["fence"][0] != ":" and not m["info"].strip().startswith("{"):
            fence = m["fence"]  # a code block: skipped
            continue
        kept.append(line)
    text = re.sub(r"(?<![}`])(`+)(?!`).*?(?<!`)\1(?!`)", "", "\n".join(kept), flags=re.S)
    found = []
    for what, pattern in MYST_LEFT.items():
        for m in pattern.finditer(text):
            line = text[: m.start()].count("\n")
            found.append(f"{what}: {text.split(chr(10))[line].strip()[:80]!r}")
    return found


def _read(page: Page, edition: str) -> nbformat.NotebookNode:
    """The chapter as the edition has it: the student edition has no solution cells (_ext/edition.py)."""
    nb = nbformat.read(page.path, as_version=4)
    if edition == "student":
        nb.cells = [c for c in nb.cells if not editions.is_solution(c)]
    return nb


def reader_copy(book: Book, page: Page) -> tuple[nbformat.NotebookNode, Report]:
    """The reader copy of one chapter, and what went into it."""
    nb = _read(page, book.edition)
    out = copy.deepcopy(nb)
    conv = Converter(book, page)
    for index, cell in enumerate(out.cells):
        if cell.cell_type == "markdown":
            cell.source = conv.convert(cell.source, where=f"cell {index} (id {cell.get('id', '?')})")
        elif cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if not is_glue_record(o)]
            collapse(cell)
    return out, conv.report


def is_hidden(cell) -> bool:
    """A code cell whose code the site hides (remove-input, hide-input), other than a remove-cell cell."""
    tags = cell.get("metadata", {}).get("tags", [])
    return cell.get("cell_type") == "code" and KEEP_TAG not in tags and any(t in tags for t in HIDDEN_TAGS)


def hidden_title(source: str) -> str:
    """What a hidden cell is, in a few words: its title in Colab's form view."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython syntax (magics, !commands): read the text instead
        names = set(re.findall(r"\b(\w+)\s*\(", source))
        checks = bool(names & set(CHECKS)) or re.search(r"(?m)^\s*(raise|assert)\b", source) is not None
        glues = GLUE in names
    else:
        nodes = list(ast.walk(tree))
        called = set()
        for node in nodes:
            if isinstance(node, ast.Call):
                func = node.func
                called.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None))
        checks = bool(called & set(CHECKS)) or any(isinstance(n, (ast.Raise, ast.Assert)) for n in nodes)
        glues = GLUE in called
    if checks and glues:
        return TITLE_BOTH
    return TITLE_CHECK if checks else TITLE_GLUE if glues else TITLE_OTHER


def collapse(cell) -> None:
    """Collapse a code cell that the site hides (see is_hidden), in place; other cells are left as they are.

    ``jupyter.source_hidden`` collapses the code in JupyterLab and VS Code; Colab collapses a cell in form
    view: ``cellView: "form"`` and a ``# @title`` first line (a cell that already starts with one keeps it,
    and gets no second). The outputs stay; the code runs as before (the title is a comment)."""
    if not is_hidden(cell):
        return
    if not TITLE_LINE.match(cell.source):
        cell.source = f"# @title {hidden_title(cell.source)}\n{cell.source}"
    cell.metadata["jupyter"] = {**cell.metadata.get("jupyter", {}), "source_hidden": True}
    cell.metadata["cellView"] = "form"


def copy_path(page: Page, root: Path = ROOT) -> Path:
    return root / OUT_DIR / f"{page.name}.ipynb"


def render(nb) -> str:
    """The notebook's file contents, exactly as nbformat.write writes them."""
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def build(root: Path = ROOT, edition: str | None = None) -> dict[Path, tuple[str, Report]]:
    """Every chapter's reader copy, in memory: {notebooks/<name>.ipynb: (file contents, report)}, for
    ``edition`` (default: the setting, _ext/edition.py). Raises ReaderCopyError listing every chapter that
    cannot be converted."""
    book = Book(root, edition)
    copies, errors = {}, []
    for page in book.pages:
        if not page.is_notebook:
            continue
        if not page.path.exists():
            errors.append(f"_toc.yml lists {page.docname}, but there is no {page.docname}.ipynb or .md")
            continue
        path = copy_path(page, root)
        if path in copies:
            errors.append(f"two chapters would have the reader copy {path.relative_to(root)}")
            continue
        try:
            nb, report = reader_copy(book, page)
        except ReaderCopyError as error:
            errors.append(str(error))
            continue
        copies[path] = (render(nb), report)
    if errors:
        raise ReaderCopyError("\n".join(errors))
    return copies


def stale(root: Path = ROOT, copies=None) -> list[str]:
    """The reader copies that differ from what this script writes (missing, changed or left over)."""
    copies = build(root) if copies is None else copies
    problems = []
    for path, (text, _) in copies.items():
        if not path.exists():
            problems.append(f"{path.relative_to(root)} is missing")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{path.relative_to(root)} is out of date")
    for path in sorted((root / OUT_DIR).glob("*.ipynb")):
        if path not in copies:
            problems.append(f"{path.relative_to(root)} is no chapter of _toc.yml any more")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a copy is stale")
    args = parser.parse_args(argv)
    try:
        copies = build(ROOT)
    except (ReaderCopyError, ValueError) as error:  # ValueError: an edition that is none of the two
        print(f"error: {error}", file=sys.stderr)
        return 2
    problems = stale(ROOT, copies)
    if args.check:
        for problem in problems:
            print(problem)
        print(f"{len(copies)} reader copies, {len(problems)} stale" + (f"; run `{RUN}`" if problems else ""))
        return 1 if problems else 0
    (ROOT / OUT_DIR).mkdir(exist_ok=True)
    written = 0
    for path, (text, _) in copies.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_bytes(text.encode("utf-8"))
            written += 1
    for path in sorted((ROOT / OUT_DIR).glob("*.ipynb")):
        if path not in copies:
            path.unlink()
            print(f"removed {path.relative_to(ROOT)}: no chapter of _toc.yml")
    print(f"{len(copies)} reader copies in {OUT_DIR}/, {written} written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
