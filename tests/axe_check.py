"""axe-core in the browser fixtures' Chromium: the WCAG 2.1 A and AA rules, run on an open Playwright page.

axe-core comes from PyPI's ``axe-playwright-python`` (pinned in requirements.txt), which ships axe.min.js
inside the package: it is injected into the page, so nothing is fetched (the browser fixtures block every
request off the built site anyway). Used by tests/test_accessibility.py (every page) and
tests/test_draw_browser.py (the drawing pad, drawn on).

    from axe_check import run_axe, blocking, describe

    violations = run_axe(page)                 # axe's violations, WCAG 2.1 A + AA rules only
    assert not blocking(violations), describe(blocking(violations))
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

# WCAG 2.0 and 2.1, levels A and AA (axe's tags for them).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
# Impacts that fail a test; "moderate" and "minor" are reported but do not fail.
BLOCKING = ("serious", "critical")

_AXE = Axe()


def axe_version() -> str:
    """The version of the axe-core that axe-playwright-python ships ("4.12.1")."""
    first = _AXE.axe_script.split("\n", 1)[0]  # "/*! axe v4.12.1"
    return first.rsplit("v", 1)[-1].strip()


def run_axe(page) -> list[dict]:
    """axe-core's violations of the WCAG 2.1 A and AA rules on the page as it is now."""
    return _AXE.run(page, options=OPTIONS).response["violations"]


def blocking(violations: list[dict]) -> list[dict]:
    """The violations whose impact is serious or critical."""
    return [v for v in violations if v.get("impact") in BLOCKING]


def summary(violations: list[dict]) -> dict[str, dict]:
    """{rule id: {"impact": ..., "nodes": number of elements}}: what a report or a JSON file keeps."""
    return {v["id"]: {"impact": v["impact"], "nodes": len(v["nodes"])} for v in violations}


def describe(violations: list[dict], targets: int = 3) -> str:
    """One line per rule: id, impact, how many elements, a few of their CSS selectors, and axe's help."""
    lines = []
    for v in violations:
        where = [" ".join(map(str, n["target"])) for n in v["nodes"][:targets]]
        more = f" (+{len(v['nodes']) - targets} more)" if len(v["nodes"]) > targets else ""
        lines.append(
            f"  {v['id']} ({v['impact']}), {len(v['nodes'])} element(s): {', '.join(where)}{more} — {v['help']}"
        )
    return "\n".join(lines)
