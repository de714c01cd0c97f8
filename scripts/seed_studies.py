"""Train every run of the book's seed studies and store them in labfns/seed_studies.json (`make seeds`).

    python scripts/seed_studies.py [--jobs 2] [--threads 1] [--fresh] [--cnn]

With --cnn it trains the convolutional network's study instead (labfns.convnet.PLAN: 20 networks, a few
minutes) and stores it in labfns/cnn_study.json, a file of its own with its own code hash, so that adding
it did not make the older runs stale; `make seeds` runs both. Everything below holds for either file.

What is trained is labfns.studies.PLAN (186 networks; on the book's 2-core machine, two jobs of one thread
each, about 40 minutes). Each finished run is appended at once to labfns/seed_studies.partial.jsonl,
so that an interrupted run (Ctrl-C, a closed terminal) loses at most the networks in training: run the
command again and it goes on where it stopped, as long as the code that decides the runs is unchanged
(labfns.studies.code_hash; --fresh starts over). When every run is done, the file is written in one step
(a temporary file put in place), with its provenance: the code hash, the labfns, torch, NumPy and
scikit-learn versions, the CPU, the jobs and threads, the date and the seconds it took; the partial file
is then removed.

Each run depends only on its study, setting and seed, and on the number of torch threads (which changes the
order of floating-point sums, and so the last digits): two jobs of one thread each make the same runs as one
job of one thread.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from labfns import convnet, studies  # noqa: E402
from labfns.files import write_atomically  # noqa: E402

STORES = {"seeds": studies, "cnn": convnet}  # what is trained: plan(), run(), load_data(), code_hash()
store = studies  # the one this run trains (main sets it; _init sets it in each job)


def partial_file():
    return store.STUDY_FILE.with_name(store.STUDY_FILE.stem + ".partial.jsonl")


def key(spec: dict) -> str:
    return json.dumps({k: spec[k] for k in sorted(spec)}, separators=(",", ":"))


def _init(threads: int, name: str = "seeds") -> None:
    import torch

    global store
    store = STORES[name]
    torch.set_num_threads(threads)


_DATA = {}


def _one(spec: dict) -> tuple[dict, float]:
    start = time.perf_counter()
    name = "fashion" if spec["study"] == "fashion" else "mnist"
    if name not in _DATA:
        _DATA[name] = store.load_data(spec["study"])
    return store.run(spec, _DATA[name]), time.perf_counter() - start


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def summary(row: dict) -> str:
    what = ", ".join(f"{k} {row[k]}" for k in row if k in ("lr", "model", "lam", "network"))
    return f"{row['study']} ({what}) seed {row['seed']}: test error {100 * row['test_error']:.2f} %"


def write(rows: list[dict], provenance: dict) -> None:
    order = {key(spec): i for i, spec in enumerate(store.plan())}
    rows = sorted(rows, key=lambda r: order[key({k: r[k] for k in r if k in _spec_keys(r)})])
    text = '{"provenance": ' + json.dumps(provenance, indent=1) + ',\n"runs": [\n'
    text += ",\n".join(json.dumps(r, separators=(",", ":")) for r in rows) + "\n]}\n"
    with write_atomically(store.STUDY_FILE, "the seed studies") as f:
        f.write(text.encode())


def _spec_keys(row: dict) -> set:
    return {"study", "seed", "lr", "model", "lam", "network"} & set(row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="runs trained at once")
    parser.add_argument("--threads", type=int, default=1, help="torch threads of each job (default 1)")
    parser.add_argument("--fresh", action="store_true", help="ignore the runs of an interrupted make seeds")
    parser.add_argument("--cnn", action="store_true", help="the convolutional network's study (chapter 17)")
    args = parser.parse_args()
    if args.jobs < 1 or args.threads < 1:
        parser.error("--jobs and --threads must be at least 1")

    name = "cnn" if args.cnn else "seeds"
    _init(args.threads, name)
    PARTIAL = partial_file()
    code = store.code_hash()
    todo = store.plan()
    done = []
    if PARTIAL.exists() and not args.fresh:
        lines = PARTIAL.read_text().splitlines()
        head = json.loads(lines[0]) if lines else {}
        if head.get("code_hash") == code and head.get("threads") == args.threads:
            done = [json.loads(line) for line in lines[1:] if line.strip()]
            print(f"going on from {PARTIAL.name}: {len(done)} of {len(todo)} runs already done")
        else:
            print(f"{PARTIAL.name} was made by other code or another thread count: starting over")
            PARTIAL.unlink()
    if not PARTIAL.exists():
        PARTIAL.write_text(json.dumps({"code_hash": code, "threads": args.threads}) + "\n")
    finished = {key({k: r[k] for k in _spec_keys(r)}) for r in done}
    todo = [s for s in todo if key(s) not in finished]

    start = time.time()
    print(
        f"{len(todo)} runs to train, {args.jobs} at a time with {args.threads} torch thread(s) each",
        flush=True,
    )
    if args.jobs == 1:
        results = map(_one, todo)
    else:
        import multiprocessing as mp

        pool = mp.get_context("spawn").Pool(args.jobs, initializer=_init, initargs=(args.threads, name))
        results = pool.imap_unordered(_one, todo)
    n_total = len(done) + len(todo)
    for row, seconds in results:
        done.append(row)
        with PARTIAL.open("a") as f:
            f.write(json.dumps(row, separators=(",", ":")) + "\n")
        elapsed = time.time() - start
        n_new = len(done) - (n_total - len(todo))
        left = elapsed / n_new * (n_total - len(done))
        print(
            f"[{len(done):3d}/{n_total}] {summary(row)} ({seconds:.0f} s); about {left / 60:.0f} min to go",
            flush=True,
        )

    import numpy
    import sklearn
    import torch

    import labfns

    provenance = {
        "command": "make seeds (python scripts/seed_studies.py"
        + (" --cnn" if args.cnn else "")
        + (f" --jobs {args.jobs}" if args.jobs != 2 else "")
        + (f" --threads {args.threads}" if args.threads != 1 else "")
        + ")",
        "code_hash": code,
        "labfns": labfns.__version__,
        "torch": torch.__version__,
        "numpy": numpy.__version__,
        "scikit-learn": sklearn.__version__,
        "python": platform.python_version(),
        "cpu": cpu_name(),
        "jobs": args.jobs,
        "threads_per_job": args.threads,
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "minutes_this_session": round((time.time() - start) / 60, 1),
        "runs": len(done),
    }
    write(done, provenance)
    PARTIAL.unlink()
    print(f"wrote {store.STUDY_FILE.relative_to(ROOT)}: {len(done)} runs")


if __name__ == "__main__":
    main()
