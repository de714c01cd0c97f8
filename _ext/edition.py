"""The book's two editions: one setting, ``edition:`` in _config.yml.

* ``edition: instructor`` — each exercise's solution folded under it (a dropdown, and the code cells that
  work it out), on the site and in the reader copies.
* ``edition: student`` — no solutions anywhere a student reads: the site and the reader copies
  (notebooks/, what Colab opens and the site's .ipynb download gives) leave them out. The exercises, and the
  cells where a student checks an answer (``labfns.check_answer``), stay.

A solution's cells carry the tag ``solution``: the markdown cell that opens with ``:::{dropdown} Solution``
and the hidden code cells after it (tests/test_editions.py checks that every one is tagged). The chapters in
book/ always hold them, so ``make test`` executes and compares every solution whatever the setting.

The environment variable ``BOOK_EDITION`` overrides the setting for one command: ``make test`` builds the
other edition too, into _build/<edition>/ (``BOOK_EDITION=student jupyter-book build . --path-output
_build/student``), and tests both. Used by the build (this file is a Sphinx extension: before a chapter is
parsed, its solution cells are dropped in the student edition) and by scripts/reader_copies.py.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import yaml

EDITIONS = ("instructor", "student")
TAG = "solution"
ENV = "BOOK_EDITION"


def edition(root: Path | str) -> str:
    """The edition to build: ``BOOK_EDITION`` if set, else ``edition:`` in ``root``/_config.yml (without one,
    the instructor edition, as the book was before it had two)."""
    value = os.environ.get(ENV)
    where = f"the environment variable {ENV}"
    if not value:
        config = Path(root) / "_config.yml"
        value = (yaml.safe_load(config.read_text(encoding="utf-8")) or {}).get("edition", "instructor")
        where = f"`edition:` in {config}"
    if value not in EDITIONS:
        raise ValueError(f"{where} is {value!r}: it must be one of {', '.join(EDITIONS)}")
    return value


def other(root: Path | str) -> str:
    """The edition the setting does not choose (``make test`` builds it too)."""
    return next(e for e in EDITIONS if e != edition(root))


def is_solution(cell: dict) -> bool:
    return TAG in cell.get("metadata", {}).get("tags", [])


def for_edition(notebook: dict, which: str) -> dict:
    """The notebook (a dict, as json.load gives it) for edition ``which``: without its solution cells for
    students, unchanged for instructors."""
    if which == "instructor":
        return notebook
    return {**notebook, "cells": [c for c in notebook["cells"] if not is_solution(c)]}


def _source_read(app, docname: str, source: list[str]) -> None:
    if app.config.book_edition != "student" or not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    source[0] = json.dumps(for_edition(json.loads(source[0]), "student"), ensure_ascii=False)


EDITION_TEXT = {  # the landing page's {{ edition_text }}: which edition a reader has before them
    "instructor": "This is the instructor edition: each exercise's solution is folded under it.",
    "student": "This is the student edition: it has the exercises and their answer checks, not the solutions.",
}


def _add_substitution(app, config) -> None:
    # config-inited runs before myst-parser reads its configuration (builder-inited).
    text = EDITION_TEXT[config.book_edition]
    config.myst_substitutions = {**(config.myst_substitutions or {}), "edition_text": text}


def setup(app):
    app.add_config_value("book_edition", edition(app.srcdir), "env")
    app.connect("config-inited", _add_substitution)
    app.connect("source-read", _source_read)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
