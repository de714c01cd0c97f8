"""Accessibility of the built site: axe-core's WCAG 2.1 A and AA rules on every page, at a desktop's width and
a phone's, offline, in the Chromium of the other site tests (tests/browser.py).

* No violation of impact serious or critical on any page at 1280 × 900 or 390 × 844 (a phone, touch). Each
  page's violations of every impact are written to _build/axe/<page>-<width>.json (rule: impact, number of
  elements), for a person to compare one build with another.
* Every picture in a page's content says what it shows: its alt text is neither empty (unless the picture is
  marked decorative: role="presentation" or "none", or aria-hidden="true") nor a file name, a path or
  matplotlib's "<Figure size ...>". The chapters' figures take theirs from their cells' metadata
  (myst-nb: {"mystnb": {"image": {"alt": "..."}}}).

axe-core ships inside PyPI's axe-playwright-python (tests/axe_check.py). Needs the built site (`make book`).
"""

from __future__ import annotations

import json
import re

import pytest

pytest.register_assert_rewrite("browser", "axe_check")
from axe_check import axe_version, blocking, describe, run_axe, summary  # noqa: E402
from browser import DESKTOP, HTML, PHONE, toc_pages  # noqa: E402

pytest_plugins = ["browser"]  # its fixtures: site, browser, open_page

PAGES = toc_pages()
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
REPORTS = HTML.parent / "axe"


def _ids(pages):
    return [p.name for p in pages]


def _open(open_page, page, width):
    browser_page, watch = open_page(page.docname, mobile=width == "phone", **WIDTHS[width])
    browser_page.wait_for_function("() => [...document.images].every(i => i.complete)")
    return browser_page, watch


@pytest.mark.parametrize("width", WIDTHS, ids=list(WIDTHS))
@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_axe_finds_nothing_serious(open_page, page, width):
    browser_page, watch = _open(open_page, page, width)
    # The page itself loaded cleanly. (axe then fetches the stylesheets again to read them, and resolves the
    # theme's `@import "../basic.css"` against the page rather than the stylesheet: a 404 of axe's own.)
    watch.assert_clean()
    violations = run_axe(browser_page)

    REPORTS.mkdir(parents=True, exist_ok=True)
    report = {"page": page.docname, "width": width, "axe": axe_version(), "violations": summary(violations)}
    (REPORTS / f"{page.name}-{width}.json").write_text(json.dumps(report, indent=1), encoding="utf-8")

    serious = blocking(violations)
    assert not serious, (
        f"axe-core {axe_version()} (WCAG 2.1 A/AA) on {page.docname} at {WIDTHS[width]['width']} px:\n"
        + describe(serious)
    )


IMAGES = """() => [...document.querySelectorAll('main img')].map(i => ({
    src: i.getAttribute('src'), alt: i.getAttribute('alt'),
    role: i.getAttribute('role'), hidden: i.closest('[aria-hidden="true"]') !== null}))"""

# An alt text that names a file instead of saying what the picture shows: an image file's extension, the
# build's _images/ folder, a path (a slash with no space around: "T-shirt/top" in a sentence is prose), or
# just a format's name.
FILE_LIKE = re.compile(
    r"\.(png|jpe?g|gif|svg|webp)\b|_images|^\S*[/\\]\S*$|^(png|jpe?g|gif|svg|image|figure|img)$",
    re.IGNORECASE,
)


def bad_alt(image: dict) -> str | None:
    """Why this <img>'s alt text does not say what it shows, or None if it does (or it is decorative)."""
    alt = (image["alt"] or "").strip()
    if image["role"] in ("presentation", "none") or image["hidden"]:
        return None
    if image["alt"] is None:
        return "no alt attribute"
    if not alt:
        return "an empty alt text on a picture not marked decorative (role='presentation' or aria-hidden)"
    if FILE_LIKE.search(alt):
        return f"the alt text is a file name or path: {alt!r}"
    if alt.startswith("<Figure size"):
        return f"the alt text is matplotlib's text form of the figure: {alt!r}"
    return None


def test_bad_alt_recognises_file_names():
    ok = {"role": None, "hidden": False}
    assert bad_alt({**ok, "src": "a.png", "alt": "../_images/0a1b.png"})
    assert bad_alt({**ok, "src": "a.png", "alt": "0a1b.png"})
    assert bad_alt({**ok, "src": "a.png", "alt": "png"})
    assert bad_alt({**ok, "src": "a.png", "alt": ""})
    assert bad_alt({**ok, "src": "a.png", "alt": None})
    assert bad_alt({**ok, "src": "a.png", "alt": "<Figure size 640x480 with 1 Axes>"})
    assert bad_alt({**ok, "src": "a.png", "alt": "../_images/0a1b"})
    assert bad_alt({**ok, "src": "a.png", "alt": "images/digit"})
    assert bad_alt({**ok, "src": "a.png", "alt": "Training and validation loss fall over 10 epochs"}) is None
    assert (
        bad_alt({**ok, "src": "a.png", "alt": "Ten images of each class: T-shirt/top, Trouser, ..."}) is None
    )
    assert bad_alt({"src": "a.png", "alt": "", "role": "presentation", "hidden": False}) is None


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_every_picture_says_what_it_shows(open_page, page):
    browser_page, watch = _open(open_page, page, "desktop")
    images = browser_page.evaluate(IMAGES)
    bad = [f"  {i['src']}: {why}" for i in images if (why := bad_alt(i))]
    assert not bad, (
        f"{len(bad)} of the {len(images)} pictures on {page.docname} do not say what they show (for a "
        "chapter's figure, set the cell's metadata mystnb.image.alt):\n" + "\n".join(bad)
    )
