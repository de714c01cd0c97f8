"""The student and the instructor edition (_ext/edition.py, one setting: `edition:` in _config.yml).

Students: no solution on the site or in the reader copies; the exercises and their answer checks stay.
Instructors: every exercise's solution folded under it. The solution cells carry the tag `solution`; these
tests check the tagging of the chapters, both built sites (`make test` builds the configured edition into
_build/html and the other one into _build/<edition>/_build/html) and both sets of reader copies."""

import json
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))
sys.path.insert(0, str(ROOT / "scripts"))

import edition  # noqa: E402
import reader_copies  # noqa: E402

HIDDEN = {"hide-input", "remove-input", "hide-cell", "remove-cell"}
# "Solution 3", "Solutions 4 and 5", "Solutions 5 to 8"
SOLUTION = re.compile(r"\A:{3,}\{dropdown\} Solutions? (\d+)(?: (and|to) (\d+))?")
CHAPTERS = [p for p in reader_copies.toc_pages(ROOT) if p.is_notebook and p.path.name[:2].isdigit()]
CONFIGURED = edition.edition(ROOT)
SITES = {
    CONFIGURED: ROOT / "_build" / "html",
    edition.other(ROOT): ROOT / "_build" / edition.other(ROOT) / "_build" / "html",
}


def cells(page):
    return json.loads(page.path.read_text(encoding="utf-8"))["cells"]


def exercise_numbers(nb_cells) -> list[int]:
    """The numbers of the exercises: the numbered list after the chapter's `## Exercises` heading."""
    text = "".join("".join(c["source"]) + "\n" for c in nb_cells if c["cell_type"] == "markdown")
    section = text[text.index("## Exercises") :]
    section = re.split(r"\n#{1,2} |\n:{3,}\{dropdown\}", section[len("## Exercises") :])[0]
    return [int(n) for n in re.findall(r"(?m)^(\d+)\. ", section)]


def solved_by(dropdown: str) -> list[int]:
    first, word, last = SOLUTION.match(dropdown).groups()
    if word is None:
        return [int(first)]
    return [int(first), int(last)] if word == "and" else list(range(int(first), int(last) + 1))


def solution_blocks(nb_cells) -> list[list[dict]]:
    """Each solution: its dropdown cell and the hidden code cells right after it."""
    blocks, current = [], None
    for c in nb_cells:
        tags = set(c["metadata"].get("tags", []))
        if c["cell_type"] == "markdown":
            current = [c] if SOLUTION.match("".join(c["source"]).lstrip()) else None
            if current:
                blocks.append(current)
        elif current is not None and tags & HIDDEN:
            current.append(c)
        else:
            current = None
    return blocks


@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: p.name)
def test_every_exercise_has_a_solution_and_every_solution_cell_is_tagged(page):
    nb_cells = cells(page)
    blocks = solution_blocks(nb_cells)
    numbers = exercise_numbers(nb_cells)
    assert numbers == list(range(1, len(numbers) + 1)) and numbers, f"{page.name}: exercises {numbers}"
    solved = [n for b in blocks for n in solved_by("".join(b[0]["source"]).lstrip())]
    assert solved == numbers, f"{page.name}: exercises {numbers}, solutions {solved}"
    in_blocks = {id(c) for b in blocks for c in b}
    for c in nb_cells:
        tagged = edition.is_solution(c)
        assert tagged == (id(c) in in_blocks), f"{page.name}, cell {c.get('id')}: " + (
            "part of a solution but not tagged `solution`" if not tagged else "tagged `solution` outside one"
        )


@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: p.name)
def test_the_student_edition_keeps_the_exercises_and_their_checks(page):
    nb = json.loads(page.path.read_text(encoding="utf-8"))
    student = edition.for_edition(nb, "student")
    assert not any(edition.is_solution(c) for c in student["cells"])
    kept = [c for c in nb["cells"] if not edition.is_solution(c)]
    assert student["cells"] == kept and edition.for_edition(nb, "instructor") is nb
    text = "".join("".join(c["source"]) for c in student["cells"])
    assert "## Exercises" in text and not re.search(r"\{dropdown\} Solution", text)
    checks = [
        c for c in nb["cells"] if "check_answer(" in "".join(c["source"]) and not edition.is_solution(c)
    ]
    assert all(c in student["cells"] for c in checks)


@pytest.fixture(scope="module", params=edition.EDITIONS)
def copies(request):
    return request.param, reader_copies.build(ROOT, edition=request.param)


def test_reader_copies_of_each_edition(copies):
    which, built = copies
    assert len(built) == len(CHAPTERS) + 1  # the chapters and the appendix's notebook
    for path, (text, _) in built.items():
        nb = json.loads(text)
        summaries = re.findall(r"<summary>(Solutions? \d+)", text)
        tagged = [c for c in nb["cells"] if edition.is_solution(c)]
        if path.name[:2].isdigit():
            if which == "student":
                assert not summaries and not tagged, f"{path.name}: a solution in the student edition"
            else:
                assert summaries and tagged, f"{path.name}: no solution in the instructor edition"
                assert all(
                    c["metadata"].get("jupyter", {}).get("source_hidden")
                    for c in tagged
                    if c["cell_type"] == "code"
                )


def test_the_committed_reader_copies_are_the_configured_edition():
    assert not reader_copies.stale(ROOT, reader_copies.build(ROOT, edition=CONFIGURED))


@pytest.mark.parametrize("which", edition.EDITIONS)
def test_both_sites_are_built_and_only_the_instructors_shows_solutions(which):
    site = SITES[which]
    if not (site / "index.html").exists():
        pytest.fail(f"no {which} edition built at {site}: run `make test` (it builds both editions)")
    landing = (site / "book" / "index.html").read_text(encoding="utf-8")
    assert f"This is the {which} edition" in landing, (
        f"the {which} site's landing page does not say which it is"
    )
    for page in CHAPTERS:
        html = (site / "book" / f"{page.name}.html").read_text(encoding="utf-8")
        assert 'id="exercises"' in html, f"{which}: {page.name} has no Exercises section"
        has = re.search(r"Solutions? \d+", html) is not None
        assert has == (which == "instructor"), f"{which} edition, {page.name}: solutions shown: {has}"
        if any("check_answer(" in "".join(c["source"]) for c in cells(page)):
            assert "check_answer" in html


def test_the_setting_and_its_errors(tmp_path, monkeypatch):
    monkeypatch.delenv(edition.ENV, raising=False)
    assert yaml.safe_load((ROOT / "_config.yml").read_text())["edition"] in edition.EDITIONS
    (tmp_path / "_config.yml").write_text("title: x\nedition: student\n")
    assert edition.edition(tmp_path) == "student" and edition.other(tmp_path) == "instructor"
    monkeypatch.setenv(edition.ENV, "instructor")
    assert edition.edition(tmp_path) == "instructor"
    monkeypatch.setenv(edition.ENV, "teacher")
    with pytest.raises(ValueError, match="BOOK_EDITION is 'teacher': it must be one of instructor, student"):
        edition.edition(tmp_path)
    monkeypatch.delenv(edition.ENV)
    (tmp_path / "_config.yml").write_text("title: x\nedition: Student\n")
    with pytest.raises(ValueError, match=r"`edition:` in .*_config.yml is 'Student'"):
        edition.edition(tmp_path)
    (tmp_path / "_config.yml").write_text("title: x\n")  # a config from before the two editions
    assert edition.edition(tmp_path) == "instructor"


def test_the_build_drops_solution_cells_from_notebooks_only_in_the_student_edition():
    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {"tags": ["solution"]}, "source": "x"},
            {"cell_type": "code", "metadata": {}, "source": "y"},
        ]
    }
    for which, kept in (("student", 1), ("instructor", 2)):
        for doc, n in (("book/01_mnist.ipynb", kept), ("book/notation.md", 2)):
            app = SimpleNamespace(
                config=SimpleNamespace(book_edition=which),
                env=SimpleNamespace(doc2path=lambda _d, doc=doc: ROOT / doc),
            )
            source = [json.dumps(nb)]
            edition._source_read(app, doc, source)
            assert len(json.loads(source[0])["cells"]) == n, (which, doc)
