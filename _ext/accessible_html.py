"""Sphinx extension: two fixes to the HTML that docutils and myst-nb write, found by axe-core
(tests/test_accessibility.py runs its WCAG 2.1 A and AA rules on every page).

* Outputs that scroll sideways are reached with the keyboard (axe: scrollable-region-focusable, serious).
  On a phone, _static/phone.css lets a wide figure scroll inside its cell's output (``div.cell_output``),
  which the theme's own tab stops (pydata-sphinx-theme: ``pre``, ``.cell_output > .output``, ...) do not
  cover. Every ``div.cell_output`` is written with ``tabindex="0"``: in the HTML itself, so it holds
  without JavaScript; where JavaScript runs, _static/scroll_regions.js then takes the tab stop away from the
  outputs that do not scroll at the reader's width, as the theme does for code blocks.
* The bibliography is a list of list items (axe: aria-required-children, critical; aria-deprecated-role).
  docutils gives each entry of a ``role="list"`` the DPUB role ``doc-biblioentry``, which ARIA 1.2
  deprecated and which is not a list item; the entries become ``role="listitem"``.

Both rewrite the page body that the HTML builder hands to the template (``html-page-context``), where the
markup is docutils' own, fixed, spelling.
"""

from __future__ import annotations

import re

CELL_OUTPUT = re.compile(r'<div class="cell_output docutils container"(?![^>]*\btabindex=)')
BIBLIOENTRY = re.compile(r'(<div class="citation"[^>]*?) role="doc-biblioentry"')


def accessible(body: str) -> str:
    """The page body with scrollable outputs focusable and bibliography entries as list items."""
    body = CELL_OUTPUT.sub(r'\g<0> tabindex="0"', body)
    return BIBLIOENTRY.sub(r'\1 role="listitem"', body)


def _rewrite_body(app, pagename, templatename, context, doctree) -> None:
    if isinstance(context.get("body"), str):
        context["body"] = accessible(context["body"])


def setup(app):
    app.connect("html-page-context", _rewrite_body)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
