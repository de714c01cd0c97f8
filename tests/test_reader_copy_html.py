"""A reader copy as a reader outside the book sees it: rendered to HTML by nbconvert (as Jupyter renders
markdown: CommonMark, raw HTML, and MathJax for the maths) and opened in headless Chromium, offline.

The copy chosen is the first chapter with numbered equations and solutions (02_layers). Its page must show
every equation typeset by MathJax, with the site's numbers as tags, no TeX error, no MyST markup or ``$$``
in the text, and each solution in a closed ``<details>``. MathJax is the site's own copy
(_build/html/_static/mathjax, from ``make book``), configured as JupyterLab configures it; every request off
the local files is refused, as in tests/browser.py. The screenshot goes to
_build/screenshots/reader-copy-<name>.png with the site's.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

pytest.register_assert_rewrite("browser")
from browser import ORIGIN, ROOT, SCREENSHOTS, WAIT_FOR_MATHJAX, PageWatch  # noqa: E402

pytest_plugins = ["browser"]  # its fixtures: site, browser

PREFERRED = "02_layers"
READER = "reader/"  # the rendered copy is served at ORIGIN + reader/<name>.html, the site's files beside it

# The lab template, with MathJax 3 from the site, set up as JupyterLab sets it up ($...$ and $$...$$), and
# without the scripts it would fetch from a CDN (require.js, mermaid), which a notebook with no widgets and
# no diagrams does not need.
TEMPLATE = r"""{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}
<script>
window.MathJax = {
  tex: {inlineMath: [['$', '$'], ['\\(', '\\)']], displayMath: [['$$', '$$'], ['\\[', '\\]']],
        processEscapes: true, processEnvironments: true},
};
</script>
<script defer src="{{ resources.mathjax_url }}"></script>
{%- endblock html_head_js_mathjax -%}
"""

CHECK = """() => {
    const cells = [...document.querySelectorAll('.jp-MarkdownCell')];
    const copy = document.createElement('div');
    cells.forEach(c => copy.appendChild(c.cloneNode(true)));
    copy.querySelectorAll('pre, code, script, style, mjx-container').forEach(e => e.remove());
    const text = copy.textContent;
    const inMarkdown = sel => cells.flatMap(c => [...c.querySelectorAll(sel)]);
    return {
        text,
        containers: inMarkdown('mjx-container').length,
        display: inMarkdown('mjx-container[display="true"]').length,
        errors: [...document.querySelectorAll('mjx-merror')].map(e => e.getAttribute('data-mjx-error')
                                                                      || e.textContent),
        tags: inMarkdown('mjx-assistive-mml mlabeledtr > mtd:first-child').map(e => e.textContent.trim()),
        details: inMarkdown('details').map(d => ({open: d.open,
                                                 summary: d.querySelector('summary').textContent.trim()})),
        links: inMarkdown('a[href]').map(a => a.href),
    };
}"""

RAW = ["$$", "\\(", "\\[", "\\begin{", "\\tag", "{glue", "{eq}", "{numref}", "{cite", "{doc}", "{ref}", ":::"]


def _choose() -> Path:
    copies = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert copies, "no reader copies in notebooks/: run `python scripts/reader_copies.py`"

    def suits(path: Path) -> bool:
        text = "\n".join(
            c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"
        )
        return "\\tag{" in text and "<details>" in text

    preferred = ROOT / "notebooks" / f"{PREFERRED}.ipynb"
    if preferred.exists() and suits(preferred):
        return preferred
    suitable = [p for p in copies if suits(p)]
    assert suitable, "no reader copy has both a numbered equation and a solution"
    return suitable[0]


def _route(watch: PageWatch, site: Path, rendered: Path):
    """ORIGIN/reader/... from the rendered file's folder, the rest of ORIGIN from the site; nothing else."""

    def route(route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:", "about:")):
            route.continue_()
            return
        if not url.startswith(ORIGIN):
            watch.blocked.append(f"{route.request.resource_type}: {url}")
            route.abort()
            return
        path = unquote(urlsplit(url).path).lstrip("/")
        root, path = (rendered, path.removeprefix(READER)) if path.startswith(READER) else (site, path)
        file = root / path
        if file.is_file() and root.resolve() in file.resolve().parents:
            route.fulfill(path=file)
        else:
            watch.missing.append(url)
            route.fulfill(status=404, body="not here")

    return route


def test_reader_copy_reads_in_a_browser(site, browser, tmp_path):
    from nbconvert import HTMLExporter

    path = _choose()
    name = path.stem
    nb = nbformat.read(path, as_version=4)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    tags = re.findall(r"\\tag\{([^}]*)\}", markdown)
    displays = len(re.findall(r"\$\$(.+?)\$\$", markdown, re.S))
    solutions = len(re.findall(r"(?m)^<details", markdown))
    assert tags and displays and solutions

    mathjax = site / "_static" / "mathjax" / "tex-chtml.js"
    assert mathjax.is_file(), "the site has no offline MathJax: run `make book`"
    (tmp_path / "reader.html.j2").write_text(TEMPLATE, encoding="utf-8")
    exporter = HTMLExporter(template_name="lab", extra_template_paths=[str(tmp_path)])
    exporter.template_file = "reader.html.j2"
    exporter.mathjax_url = "../_static/mathjax/tex-chtml.js"
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name}})
    rendered = tmp_path / "rendered"
    rendered.mkdir()
    (rendered / f"{name}.html").write_text(body, encoding="utf-8")

    watch = PageWatch()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        context.route("**/*", _route(watch, site, rendered))
        page = context.new_page()
        page.on("console", watch.on_console)
        page.on("pageerror", watch.on_pageerror)
        page.goto(f"{ORIGIN}{READER}{name}.html")
        page.wait_for_load_state("load")
        page.wait_for_function("() => document.readyState === 'complete'")
        page.wait_for_function("() => !!window.MathJax && !!MathJax.startup", timeout=30_000)
        page.wait_for_function(WAIT_FOR_MATHJAX, timeout=30_000)
        result = page.evaluate(CHECK)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"reader-copy-{name}.png", full_page=True)
        watch.assert_clean()
    finally:
        context.close()

    assert not result["errors"], f"TeX errors: {result['errors'][:5]}"
    assert result["display"] == displays, (
        f"{displays} display equations in {path.name}, {result['display']} typeset"
    )
    assert result["containers"] > result["display"], "the inline maths ($...$) was not typeset"
    assert result["tags"] == [f"({t})" for t in tags], "the equations' tags are not the site's numbers"
    raw = [t for t in RAW if t in result["text"]]
    assert not raw, f"raw markup visible in the text: {raw}"
    assert len(result["details"]) == solutions
    assert all(not d["open"] and d["summary"].startswith("Solution") for d in result["details"])
    assert any(href.startswith("https://") and "/book/" in href for href in result["links"]), (
        "no link to the book's site"
    )
