"""Sphinx extension: each chapter page's Colab button and .ipynb download give the chapter's reader copy.

The reader copies (notebooks/<name>.ipynb, written by scripts/reader_copies.py and committed) are the
chapters with their MyST markup turned into plain Jupyter markdown, so that they read in Colab, JupyterLab
and VS Code as the page reads on the site. sphinx-book-theme 1.3 builds both buttons from the page's source
(``header_buttons`` in the page context, ``add_launch_buttons`` and ``add_header_buttons`` at priority 501);
this runs after them (priority 600) and, on every page whose source is a notebook with a reader copy:

* points the Colab launch button at ``.../blob/<branch>/notebooks/<name>.ipynb`` (the theme's URL up to
  ``/blob/<branch>/``, built from repository.url and repository.branch in _config.yml, is kept);
* points the ``.ipynb`` download button at ``notebooks/<name>.ipynb`` in the built site (the theme's button
  would serve the MyST source from ``_sources/``); every reader copy is copied there when the build ends
  (``build-finished``: also after an incremental build that did not rewrite the page).

A notebook page without a reader copy is a warning (so ``-W`` fails the build): run
``python scripts/reader_copies.py``. Whether the copies are up to date is tests/test_reader_copies.py's job.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from sphinx.util import logging

COPIES = "notebooks"  # notebooks/<name>.ipynb in the repository and in the built site
logger = logging.getLogger(__name__)


def _buttons(context, label: str) -> list[dict]:
    for group in context.get("header_buttons") or []:
        if group.get("label") == label:
            return group.get("buttons") or []
    return []


def _use_reader_copy(app, pagename, templatename, context, doctree) -> None:
    source = Path(app.env.doc2path(pagename))
    if source.suffix != ".ipynb":
        return
    name = f"{Path(pagename).name}.ipynb"
    copy = Path(app.confdir) / COPIES / name
    if not copy.is_file():
        logger.warning(
            f"{pagename}: no reader copy {COPIES}/{name}; run `python scripts/reader_copies.py`",
            location=pagename,
        )
        return
    for button in _buttons(context, "launch-buttons"):
        if button.get("text") == "Colab" and "/blob/" in button.get("url", ""):
            button["url"] = re.sub(r"^(.*?/blob/[^/]+/).*$", rf"\g<1>{COPIES}/{name}", button["url"])
    for button in _buttons(context, "download-buttons"):
        if (
            button.get("label") in ("download-source-button", "download-notebook-button")
            and button.get("text") == ".ipynb"
        ):
            button["url"] = context["pathto"](f"{COPIES}/{name}", 1)
            button["tooltip"] = "Download the notebook"


def _copy_reader_copies(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for docname in sorted(app.env.found_docs):
        if Path(app.env.doc2path(docname)).suffix != ".ipynb":
            continue
        copy = Path(app.confdir) / COPIES / f"{Path(docname).name}.ipynb"
        if copy.is_file():
            target = Path(app.outdir) / COPIES / copy.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(copy, target)


def setup(app):
    app.connect("html-page-context", _use_reader_copy, priority=600)
    app.connect("build-finished", _copy_reader_copies)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
