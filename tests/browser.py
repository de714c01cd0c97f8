"""Browser fixtures for tests of the built site: headless Debian Chromium, driven by Playwright, offline.

Use from a test module in tests/ (pytest puts this folder on sys.path)::

    from browser import browser, site, toc_pages, open_page  # noqa: F401  (fixtures)

    def test_my_page(open_page):
        page, watch = open_page("book/16_draw_a_digit")
        ...
        watch.assert_clean()   # no console errors, no request that left the local files

* ``site`` (session): the built HTML folder, _build/html; the test fails, saying to run ``make book``,
  when it is missing.
* ``browser`` (session): Chromium (``/usr/bin/chromium``, Debian's package; scripts/setup_system.sh
  installs it) launched by Playwright with the flags below.
* ``open_page`` (function): ``open_page(docname, query="", width=1280, height=900, mobile=False)`` opens
  a page of the book in a fresh context that serves the built files and aborts every other request, waits
  until it has loaded and MathJax has typeset it, and returns ``(page, watch)``; ``watch`` (a
  :class:`PageWatch`) collects console errors, uncaught exceptions, blocked requests and missing files.
* :func:`toc_pages`: every page of _toc.yml, in reading order, as :class:`TocPage` (docname, html path,
  source path, whether it is a notebook).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
# The built book (make book); BOOK_HTML points the tests at another build of it.
HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))
SCREENSHOTS = ROOT / "_build" / "screenshots"
# Pages are served at this made-up origin straight from the files in HTML (Playwright answers each request
# from disk; nothing listens on a port). Over file:// Chromium refuses the search page's fetch() of the pages
# it quotes; a real web server would not. Nothing else reaches the network: every other request is aborted.
ORIGIN = "http://book.invalid/"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}  # a phone held upright (CSS pixels)

# Console messages that are not errors of this site, each with the reason it may be ignored.
IGNORED_CONSOLE = {
    # pydata-sphinx-theme on a first visit, before a theme (light/dark) is stored: it then uses "auto".
    re.compile(r"^Got invalid theme mode: .*\. Resetting to auto\.$"): "the theme's first-visit notice",
}


def url(docname: str, query: str = "") -> str:
    """The URL at which the browser fixtures serve a page: url("book/01_mnist") -> ORIGIN + book/01_mnist.html"""
    return f"{ORIGIN}{docname}.html" + (f"?{query}" if query else "")


@dataclass(frozen=True)
class TocPage:
    docname: str  # "book/01_mnist"
    source: Path  # book/01_mnist.ipynb or book/index.md
    html: Path  # _build/html/book/01_mnist.html

    @property
    def is_notebook(self) -> bool:
        return self.source.suffix == ".ipynb"

    @property
    def name(self) -> str:
        return self.docname.rsplit("/", 1)[-1]


def _files(entries) -> Iterator[str]:
    for entry in entries or []:
        if "file" in entry:
            yield entry["file"]
        for key in ("parts", "chapters", "sections"):
            yield from _files(entry.get(key))


def toc_pages(toc: Path = ROOT / "_toc.yml") -> list[TocPage]:
    """Every page that _toc.yml lists (the root first), in reading order."""
    data = yaml.safe_load(toc.read_text(encoding="utf-8"))
    docnames = [data["root"], *_files(data.get("parts")), *_files(data.get("chapters"))]
    pages = []
    for docname in docnames:
        docname = re.sub(r"\.(md|ipynb)$", "", docname)
        sources = [ROOT / f"{docname}{ext}" for ext in (".ipynb", ".md")]
        source = next((s for s in sources if s.exists()), sources[0])
        pages.append(TocPage(docname, source, HTML / f"{docname}.html"))
    return pages


@dataclass
class PageWatch:
    """What a page did while it was open: console errors, uncaught exceptions, requests that were blocked."""

    errors: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def on_console(self, message) -> None:
        if message.type != "error":
            return
        text = message.text
        if any(pattern.search(text) for pattern in IGNORED_CONSOLE):
            self.ignored.append(text)
        else:
            self.errors.append(f"console.error: {text}")

    def on_pageerror(self, error) -> None:
        self.errors.append(f"uncaught: {error}")

    def assert_clean(self) -> None:
        assert not self.errors, "errors in the browser console:\n" + "\n".join(self.errors)
        assert not self.blocked, "the page asked for something off this machine:\n" + "\n".join(self.blocked)
        assert not self.missing, "the page asked for files the site does not have:\n" + "\n".join(
            self.missing
        )


def _offline_route(watch: PageWatch, site: Path):
    """Serve ORIGIN's URLs from the files of the built site; abort every other request and note it."""

    def route(route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        elif url.startswith(ORIGIN):
            path = unquote(urlsplit(url).path).lstrip("/")
            file = site / path
            if file.is_dir():
                file = file / "index.html"
            if file.is_file() and site.resolve() in file.resolve().parents:
                route.fulfill(path=file)
            else:
                watch.missing.append(url)
                route.fulfill(status=404, body="not in the built site")
        else:
            watch.blocked.append(f"{route.request.resource_type}: {url}")
            route.abort()

    return route


@pytest.fixture(scope="session")
def site() -> Path:
    """The built HTML book; fails (rather than skips) when it has not been built."""
    if not (HTML / "index.html").exists():
        pytest.fail(f"no built site at {HTML}: run `make book` first (`make test` does)")
    return HTML


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (bash scripts/setup_system.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


WAIT_FOR_MATHJAX = """() => {
    if (!window.MathJax) return true;                       // a page without maths loads no MathJax
    if (!MathJax.startup || !MathJax.startup.promise) return false;
    return MathJax.startup.promise.then(() => true);
}"""


@pytest.fixture
def open_page(site, browser):
    """open_page(docname, query="", width=1280, height=900, mobile=False) -> (page, PageWatch)."""
    contexts = []

    def _open(
        docname: str, *, query: str = "", width=DESKTOP["width"], height=DESKTOP["height"], mobile=False
    ):
        watch = PageWatch()
        context = browser.new_context(
            viewport={"width": width, "height": height}, is_mobile=mobile, has_touch=mobile
        )
        contexts.append(context)
        context.route("**/*", _offline_route(watch, site))
        page = context.new_page()
        page.on("console", watch.on_console)
        page.on("pageerror", watch.on_pageerror)
        page.goto(url(docname, query))
        page.wait_for_load_state("load")
        # MathJax is loaded with `defer` (and may not exist yet on `load`): wait for it, then for typesetting.
        page.wait_for_function("() => document.readyState === 'complete'")
        page.wait_for_function(WAIT_FOR_MATHJAX, timeout=30_000)
        return page, watch

    yield _open
    for context in contexts:
        context.close()
