"""Sphinx extension: each page loads each script once.

Inline scripts that extensions add after the HTML builder has started (sphinx-thebe's ``const THEBE_JS_URL
= ...``, sphinx-togglebutton's selector) reach Sphinx 7.4's page context twice: once as added, once again
from the registry, where their missing file name has become ``""``. The second ``const`` declaration is a
JavaScript error on every page ("Identifier 'THEBE_JS_URL' has already been declared"), which the browser
test (tests/test_site_browser.py) would rightly report. This drops the repeats, keeping the first.
"""

from __future__ import annotations


def _key(script) -> tuple:
    return (str(script.filename or ""), tuple(sorted(script.attributes.items())))


def _drop_repeated_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = _key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique  # the builder's own list: it is restored from its backup before each page


def setup(app):
    app.connect("html-page-context", _drop_repeated_scripts, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
