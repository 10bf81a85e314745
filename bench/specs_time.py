"""What the default search costs on specs/: this checkout against an earlier revision, in one run.

    python bench/run.py --specs                     # against BASELINE_REV (before the deeper search)
    python bench/run.py --specs --against HEAD~3 --repeat 5

Each spec of ``specs/*/*.gov`` is checked with default options (``govspec check FILE``, sanity
checks included) by this checkout and by the other revision (a temporary ``git worktree``, run
with the same Python and packages), alternating, ``--repeat`` times each, every run in a fresh
process; what is timed is the check itself (``api.check_files``), interpreter start, imports and
building the parser excluded.  The table gives each spec's median seconds and their ratio, and the
ratio of the totals.  The machine is shared: compare ratios measured in one run, not seconds.
"""

from __future__ import annotations

import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BASELINE_REV = "e2e646f"  # main before issue 11: a search to depth 4, then the any-length prover


def worker(job: dict) -> dict:
    """In a child process: check one spec with the code at ``job['root']``, default options."""
    import time

    sys.path.insert(0, job["root"])
    from govspec import api

    api.load_text('organization "warm-up" {\n  person a\n}\n', "warm-up.gov")  # the parser, not timed
    import verifier  # noqa: F401  (Z3, not timed)

    start = time.monotonic()
    report = api.check_files([job["file"]], api.Options())
    seconds = time.monotonic() - start
    return {"seconds": seconds, "statuses": [p.status for f in report.files for p in f.properties],
            "exit": report.exit_code}


def _run(root: str, spec: str, limit: float) -> dict:
    job = json.dumps({"root": root, "file": spec})
    try:
        done = subprocess.run([sys.executable, os.path.join(HERE, "run.py"), "--spec-worker", job],
                              capture_output=True, text=True, timeout=limit, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"seconds": None, "error": f"killed after {limit:g} s"}
    if done.returncode != 0:
        return {"seconds": None, "error": (done.stderr.strip().splitlines() or ["no output"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare(against: str, repeat: int, limit: float) -> dict:
    specs = sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "specs", "*", "*.gov")))
    other = tempfile.mkdtemp(prefix="govspec-bench-")
    subprocess.run(["git", "worktree", "add", "--detach", "--quiet", other, against], cwd=ROOT, check=True)
    rows = []
    try:
        for spec in specs:
            now, then = [], []
            for _ in range(repeat):
                then.append(_run(other, os.path.join(ROOT, spec), limit))
                now.append(_run(ROOT, os.path.join(ROOT, spec), limit))
            rows.append({"spec": spec, "now": now, "then": then})
            print(f"  {spec}: {_median(now):.2f} s now, {_median(then):.2f} s at {against}", file=sys.stderr, flush=True)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", other], cwd=ROOT, check=False)
    return {"against": against, "repeat": repeat, "rows": rows}


def _median(runs: list[dict]) -> float:
    times = [r["seconds"] for r in runs if r.get("seconds") is not None]
    return statistics.median(times) if times else float("nan")


def table(result: dict) -> str:
    against = result["against"]
    lines = [f"| spec | now (s) | {against} (s) | ratio | statuses now | statuses {against} |", "| --- | ---: | ---: | ---: | --- | --- |"]
    total_now = total_then = 0.0
    for r in result["rows"]:
        now, then = _median(r["now"]), _median(r["then"])
        total_now += now
        total_then += then
        statuses = [", ".join(x.get("statuses", [x.get("error", "?")])) for x in (r["now"][0], r["then"][0])]
        lines.append(f"| {r['spec']} | {now:.2f} | {then:.2f} | {now / then:.2f}x | {statuses[0]} | {statuses[1]} |")
    lines.append(f"| **all of specs/** | **{total_now:.2f}** | **{total_then:.2f}** | **{total_now / total_then:.2f}x** | | |")
    return "\n".join(lines)
