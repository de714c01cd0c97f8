"""The built site in a real browser (headless Chromium), offline: every page of _toc.yml, as a reader sees it.

For each page, at a desktop width and at a phone's: no console errors, nothing requested off this machine
(MathJax included: it is served from _static/mathjax), every equation typeset by MathJax with no raw TeX
left, every image loaded, no sideways scrolling on the phone; a screenshot of each goes to
_build/screenshots/ for a person to look at. Notebook pages link to Colab and to a .ipynb download, both
the chapter's reader copy (notebooks/<name>.ipynb, branch main; scripts/reader_copies.py). The search page
finds "softmax" on the pages that discuss it. Needs the built site (`make book`; `make test` builds it
first) and Debian's chromium.
"""

from __future__ import annotations

import re
import subprocess

import nbformat
import pytest
import yaml

pytest.register_assert_rewrite("browser")
from browser import DESKTOP, HTML, ORIGIN, PHONE, ROOT, SCREENSHOTS, toc_pages  # noqa: E402

pytest_plugins = ["browser"]  # its fixtures: site, browser, open_page

PAGES = toc_pages()
NOTEBOOK_PAGES = [p for p in PAGES if p.is_notebook]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}

CHECK_MATHS = """() => {
    const maths = [...document.querySelectorAll('main .math')];
    const untypeset = maths.filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.trim());
    const errors = [...document.querySelectorAll('mjx-merror')].map(e => e.getAttribute('data-mjx-error')
                                                                       || e.textContent);
    const copy = document.querySelector('main').cloneNode(true);
    copy.querySelectorAll('pre, code, script, style, mjx-container').forEach(e => e.remove());
    const text = copy.textContent;
    const raw = ['$$', '\\\\(', '\\\\)', '\\\\[', '\\\\]', '\\\\begin{'].filter(t => text.includes(t));
    return {count: maths.length, typeset: document.querySelectorAll('main mjx-container').length,
            untypeset, errors, raw};
}"""

BROKEN_IMAGES = """() => [...document.images]
    .filter(i => !(i.complete && i.naturalWidth > 0))
    .map(i => i.getAttribute('src'))"""


def _ids(pages):
    return [p.name for p in pages]


def test_toc_lists_pages():
    assert PAGES and PAGES[0].docname == "book/index", "the landing page comes first"


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_page_was_built(site, page):
    assert page.source.exists(), f"_toc.yml lists {page.docname}, but there is no {page.source.name}"
    assert page.html.exists(), f"{page.html.relative_to(site)} missing: rebuild with `make book`"


@pytest.mark.parametrize("width", WIDTHS, ids=list(WIDTHS))
@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_page_in_browser(open_page, page, width):
    size = WIDTHS[width]
    browser_page, watch = open_page(page.docname, mobile=width == "phone", **size)
    browser_page.wait_for_function("() => [...document.images].every(i => i.complete)")

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser_page.screenshot(path=SCREENSHOTS / f"{page.name}-{width}.png", full_page=True)

    watch.assert_clean()

    maths = browser_page.evaluate(CHECK_MATHS)
    assert not maths["untypeset"], f"equations MathJax did not typeset: {maths['untypeset'][:5]}"
    assert not maths["errors"], f"TeX errors: {maths['errors'][:5]}"
    assert not maths["raw"], f"raw TeX delimiters left in the text: {maths['raw']}"
    assert maths["typeset"] >= maths["count"]

    broken = browser_page.evaluate(BROKEN_IMAGES)
    assert not broken, f"images that did not load: {broken}"

    repo = CONFIG["repository"]["url"].rstrip("/")
    links = browser_page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    assert repo in links, f"no repository button linking to {repo}"
    assert any(href.startswith(f"{repo}/issues/new") for href in links), "no 'open an issue' button"

    if width == "phone":
        overflow = browser_page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the page scrolls sideways on a phone by {overflow} px"


def _markdown_text(page) -> str:
    """The page's prose as the reader sees it: without label lines `(ch-x)=`, cross-reference targets such as
    the `<ch-softmax>` of {numref}`chapter %s <ch-softmax>` and equation labels ({eq}`eq-softmax-mlr` shows
    as a number), which are not words on the page."""
    if page.is_notebook:
        nb = nbformat.read(page.source, as_version=4)
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    else:
        text = page.source.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^\([\w-]+\)=$", "", text)
    text = re.sub(r"\{eq\}`[^`]*`", "(1.1)", text)  # an equation reference shows its number, not its label
    return re.sub(r"<[\w-]+>`", "`", text)


def test_pages_with_equations_are_checked():
    """The equation checks above are not vacuous: the book has maths."""
    with_maths = [p.name for p in PAGES if re.search(r"\$|\\begin\{", _markdown_text(p))]
    assert with_maths, "no page of the book has an equation"


@pytest.mark.parametrize("page", NOTEBOOK_PAGES, ids=_ids(NOTEBOOK_PAGES))
def test_notebook_page_links_to_colab_and_ipynb(open_page, page):
    browser_page, watch = open_page(page.docname)
    repo = re.sub(r"^https://github\.com/", "", CONFIG["repository"]["url"].rstrip("/"))
    branch = CONFIG["repository"]["branch"]
    assert branch == "main"
    # Colab opens the reader copy, a file of the repository (not ignored by git, so it is pushed with it)
    copy = ROOT / "notebooks" / f"{page.name}.ipynb"
    assert copy.is_file(), f"no reader copy {copy.relative_to(ROOT)}: run `python scripts/reader_copies.py`"
    ignored = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "-q", str(copy)], check=False)
    assert ignored.returncode != 0, f"{copy.relative_to(ROOT)} is ignored by git: Colab would not find it"
    expected = f"https://colab.research.google.com/github/{repo}/blob/{branch}/notebooks/{page.name}.ipynb"
    colab = browser_page.eval_on_selector_all(
        "a[href*='colab.research.google.com']", "links => links.map(a => a.href)"
    )
    assert colab == [expected], f"Colab links on {page.name}: {colab}"

    links = browser_page.eval_on_selector_all("a[href$='.ipynb']", "links => links.map(a => a.href)")
    downloads = [href for href in links if href.startswith(ORIGIN)]  # the Colab link ends in .ipynb too
    assert downloads, f"{page.name} has no .ipynb download link"
    for href in downloads:
        local = HTML / href.removeprefix(ORIGIN)
        assert local.is_file(), f"the .ipynb download {href} is not in the built site"
        assert local.read_bytes() == copy.read_bytes(), f"the .ipynb download {href} is not {copy.name}"
    watch.assert_clean()


def test_landing_page_states_the_pinned_versions(open_page):
    """The versions are read at build time (_ext/book_versions.py); they must be requirements.txt's pins."""
    pins = dict(
        re.findall(
            r"(?m)^([A-Za-z0-9_.-]+)==([^\s#]+)", (ROOT / "requirements.txt").read_text(encoding="utf-8")
        )
    )
    shown = {"torch": "PyTorch", "torchvision": "torchvision", "jupyter-book": "Jupyter Book"}
    browser_page, watch = open_page("book/index")
    text = " ".join(browser_page.inner_text("main").split())
    for package, label in shown.items():
        assert package in pins, f"requirements.txt does not pin {package}"
        assert f"{label} {pins[package]}" in text, f"the landing page does not say {label} {pins[package]}"
    assert "CC BY-SA 3.0" in text and "LeCun" in text and "Cortes" in text and "Burges" in text
    watch.assert_clean()


SEARCH_WORDS = ["softmax", "MNIST"]


@pytest.mark.parametrize("word", SEARCH_WORDS)
def test_search_finds(open_page, word):
    """Every page whose prose uses the word is among the search results (the pages come from _toc.yml)."""
    expected = {p.docname for p in PAGES if re.search(rf"\b{word}\b", _markdown_text(p), re.IGNORECASE)}
    if not expected:
        pytest.skip(f"no page in _toc.yml uses the word {word!r} yet (the maths chapters will)")
    browser_page, watch = open_page("search", query=f"q={word}")
    browser_page.wait_for_selector("#search-results .search-summary", timeout=30_000)
    browser_page.wait_for_function(
        "() => document.querySelector('#search-results .search-summary').textContent.includes('finished')"
    )
    found = browser_page.eval_on_selector_all(
        "#search-results ul.search li > a", "links => links.map(a => a.getAttribute('href'))"
    )
    found = {re.sub(r"\.html$", "", href.split("#")[0].split("?")[0]) for href in found}
    assert expected <= found, f"search for {word!r} misses {sorted(expected - found)}; found {sorted(found)}"
    watch.assert_clean()


def test_mathjax_ships_with_the_site(site):
    """The pages load MathJax from _static/mathjax (sphinx-mathjax-offline), never from a CDN."""
    assert (site / "_static" / "mathjax" / "tex-chtml.js").is_file()
    for page in PAGES:
        html = page.html.read_text(encoding="utf-8")
        scripts = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", html)
        remote = [s for s in scripts if "://" in s]
        assert not remote, f"{page.name} loads scripts from the network: {remote}"
        if 'class="math' in html:
            assert any("_static/mathjax/tex-chtml.js" in s for s in scripts), f"{page.name}: no local MathJax"
