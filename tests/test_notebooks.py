"""Hygiene of the stored notebooks in book/: what the reader sees must come from one clean top-to-bottom run.

For every book/*.ipynb: the non-empty code cells were executed 1, 2, 3, ... in order; no output is an error
or went to stderr; no output shows a path of the machine that ran it or a memory address; the kernel is
Python 3. (nbval then re-runs each notebook and compares its outputs: ``pytest book/XX.ipynb``.)
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))

MACHINE_PATH = re.compile(
    rf"{re.escape(str(ROOT))}|(?<![\w.:/-])/(?:work|root|home|tmp|Users|private|var/folders|opt|usr)/"
    r"|site-packages|dist-packages|[A-Za-z]:\\\\Users"
)
MEMORY_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,}\b")


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb):
    """(index, cell) for each code cell with some source."""
    return [
        (i, c)
        for i, c in enumerate(nb["cells"])
        if c["cell_type"] == "code" and "".join(c.get("source", "")).strip()
    ]


def texts(output):
    """The text a reader sees in one output: stream text, tracebacks, and every textual MIME bundle."""
    if output["output_type"] == "stream":
        yield "".join(output.get("text", ""))
    elif output["output_type"] == "error":
        yield "\n".join(output.get("traceback", []))
    for mime, value in output.get("data", {}).items():
        if mime.startswith("image/") and not mime.startswith("image/svg"):
            continue  # base64 bytes, which can spell anything
        yield value if isinstance(value, str) else json.dumps(value)


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks in book/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_executed_once_in_order(path):
    counts = [c.get("execution_count") for _, c in code_cells(load(path))]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts}; re-run it top to bottom: "
        f"python scripts/execute_notebooks.py book/{path.name}"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_errors_or_stderr(path):
    found = []
    for i, cell in code_cells(load(path)):
        for out in cell.get("outputs", []):
            if out["output_type"] == "error":
                found.append(f"cell {i}: error {out.get('ename')}: {out.get('evalue', '')[:80]}")
            if out["output_type"] == "stream" and out.get("name") == "stderr":
                found.append(f"cell {i}: stderr {''.join(out.get('text', ''))[:80]!r}")
    assert not found, f"{path.name}:\n" + "\n".join(found)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_machine_paths_or_memory_addresses(path):
    found = []
    for i, cell in code_cells(load(path)):
        for out in cell.get("outputs", []):
            for text in texts(out):
                for pattern, what in ((MACHINE_PATH, "machine path"), (MEMORY_ADDRESS, "memory address")):
                    if m := pattern.search(text):
                        found.append(f"cell {i}: {what} {text[max(0, m.start() - 30) : m.end() + 30]!r}")
    assert not found, f"{path.name}:\n" + "\n".join(found)


# A cell that trains a network (the same pattern as the before-stop hook's).
TRAINS = re.compile(r"\b(fit|train_epoch|train_step|lab_network)\(|\.backward\(\)|\.step\(\)")
IGNORED = {"nbval-ignore-output", "nbval-skip"}


def compared_glue_after_training(nb) -> list[int]:
    """Cells, from the first one that trains on, that glue a value and that nbval would compare."""
    found, trained = [], False
    for i, cell in code_cells(nb):
        source = "".join(cell["source"])
        trained = trained or bool(TRAINS.search(source))
        tags = set(cell.get("metadata", {}).get("tags", []))
        if trained and re.search(r"\bglue\(", source) and not tags & IGNORED:
            found.append(i)
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_values_glued_after_training_are_not_compared(path):
    """README, "How the notebooks are checked": a value from a trained network differs in its last digits
    from one CPU or thread count to another, so its cell is tagged nbval-ignore-output and a verdict follows.
    """
    cells = compared_glue_after_training(load(path))
    assert not cells, (
        f"{path.name}: cells {cells} glue values after the notebook has trained a network, and nbval "
        "compares them: tag each nbval-ignore-output and follow it with a check_within verdict"
    )


def test_the_glue_rule_sees_what_it_should():
    def nb(*cells):
        return {"cells": [{"cell_type": "code", "source": src, "metadata": {"tags": t}} for src, t in cells]}

    assert compared_glue_after_training(nb(("glue('n', 60000)", []), ("h = fit(m, x, y)", ["x"]))) == []
    assert compared_glue_after_training(nb(("h = fit(m, x, y)", []), ("glue('acc', a)", []))) == [1]
    assert compared_glue_after_training(nb(("loss.backward()", []), ("glue('g', g)", ["nbval-skip"]))) == []
    assert compared_glue_after_training(nb(("fit(m, x, y); glue('a', 1)", ["nbval-ignore-output"]))) == []
    assert compared_glue_after_training(nb(("fit(m, x, y); glue('a', 1)", []))) == [0]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_kernel_is_python_3(path):
    meta = load(path)["metadata"]
    kernel = meta.get("kernelspec", {})
    assert kernel.get("name") == "python3" and kernel.get("language") == "python", kernel
    assert meta.get("language_info", {}).get("name") == "python"
    version = meta.get("language_info", {}).get("version", "3")
    assert version.split(".")[0] == "3", version


def test_the_checks_catch_what_they_should():
    """The patterns above on examples: they flag what they must and let ordinary output through."""
    for bad in (
        "/work/main/data/MNIST",
        "/root/.cache",
        "/tmp/ipykernel_12/3.py",
        "/home/me/x",
        ".venv/lib/python3.11/site-packages/torch/nn.py",
        str(ROOT / "book"),
    ):
        assert MACHINE_PATH.search(bad), bad
    for fine in (
        "MNIST/raw/train-images-idx3-ubyte",
        "https://example.org/tmp/x",
        "data/MNIST/raw",
        "train/test split",
        "10/2 = 5",
    ):
        assert not MACHINE_PATH.search(fine), fine
    assert MEMORY_ADDRESS.search("<Figure at 0x7f3a2c1b9d90>")
    assert not MEMORY_ADDRESS.search("header 0x0803, byte 0xff")


# The lab's chapters (README, "What is typical"): every cell that trains a network with fit or lab_network
# is followed, in it or in one of the next few code cells, by labfns.where, which tells a reader whether their
# run, which differs from the book's, is typical.
LAB_CHAPTERS = ["05_fit.ipynb", "06_evaluate.ipynb", "07_table_10_1.ipynb"]
LAB_TRAINS = re.compile(r"\blabfns\.fit\(|\blab_network\(")


def training_cells_not_placed(nb, within: int = 4) -> list[int]:
    cells = code_cells(nb)
    missing = []
    for k, (i, cell) in enumerate(cells):
        if LAB_TRAINS.search("".join(cell["source"])):
            after = "".join("".join(c["source"]) for _, c in cells[k : k + 1 + within])
            if "labfns.where(" not in after:
                missing.append(i)
    return missing


@pytest.mark.parametrize("name", LAB_CHAPTERS)
def test_the_lab_chapters_place_every_run_they_train(name):
    missing = training_cells_not_placed(load(ROOT / "book" / name))
    assert not missing, f"{name}: cells {missing} train a network and no labfns.where follows them"


def test_the_placement_rule_sees_what_it_should():
    def nb(*sources):
        return {"cells": [{"cell_type": "code", "source": s, "metadata": {}} for s in sources]}

    assert training_cells_not_placed(nb("h = labfns.fit(m, x, y)", "labfns.where(h, 'lab')")) == []
    assert training_cells_not_placed(nb("m, h = labfns.lab_network(x, y)", "print(1)")) == [0]
    assert training_cells_not_placed(nb("h = labfns.fit(m, x, y)", *["pass"] * 5, "labfns.where(h)")) == [0]


def test_a_kernel_that_dies_starting_is_started_again():
    """conftest.py: nbval's kernel start is retried (a port race between two kernels), but not for ever."""
    import os

    import nbval.kernel

    start_new_kernel_with_retry = nbval.kernel.start_new_kernel  # patched by ../conftest.py
    assert start_new_kernel_with_retry.__name__ == "start_new_kernel_with_retry"
    KERNEL_START_TRIES = start_new_kernel_with_retry.__globals__["KERNEL_START_TRIES"]
    assert os.environ["LABFNS_STRICT"] == "1"
    calls = []

    def dies_twice(*args, **kwargs):
        calls.append(args)
        if len(calls) < 3:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return "km", "kc"

    assert start_new_kernel_with_retry("python", _start=dies_twice) == ("km", "kc")
    assert len(calls) == 3

    def always_dies(*args, **kwargs):
        calls.append(args)
        raise RuntimeError("Kernel died before replying to kernel_info")

    calls.clear()
    with pytest.raises(RuntimeError, match="Kernel died"):
        start_new_kernel_with_retry("python", _start=always_dies)
    assert len(calls) == KERNEL_START_TRIES
