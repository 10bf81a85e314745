"""A Governor DAO at real size (GovSpec issue 14): the bundled OpenZeppelin Governor template with N
holders of distinct weights, loaded from a CSV export, and the property
``no coalition of at most 2 in holders can force execute_proposal``, for behaviours of any length.

    python bench/run.py --governor              # 10, 1,000 and 10,000 holders (about 3 minutes)
    python bench/governor.py --sizes 10 1000 --repeat 5 --limit 30

Rows, each in a fresh process with a hard time limit (as ``bench/run.py`` measures: from the spec's
text to the verdict, the CSV read included; interpreter start, imports and building the parser
excluded):

- ``governor``: the template as shipped (static voting power): the verifier as shipped (the
  weighted fast path with proposals, ``verifier/weighted.py``), and the same with that path
  switched off (``per-member``: one variable per holder, as before issue 14);
- ``moving``: the same with transfers between holders and delegation (voting power moves by the
  holders' own events): the fast path takes it too (tokens that move only between the coalition's
  own members, ``govspec/power/vote.py`` ``_moves_outside``), the per-member column as above.

The verifier's runs are repeated (``--repeat``), the rows in turn, round after round, so that a
spell of other work on the machine weighs on every row alike; the median clock time and the least
processor time (the run least disturbed) are printed, each with its ratio to the 10-holder run of
the same row, taken in this run.  The per-member runs are run once each (most reach the time
limit).  Nothing is asserted: the figures are measured.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time

from child import header, record, run_child

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GRACE = 10.0  # seconds past the limit before a run is killed

GOVERNOR = """\
import oz_governor "OpenZeppelin Contracts 5.x, Governor with the Wizard's defaults"

organization "A Governor DAO of {n} holders" {{
  people from "holders.csv" into holders
  body holders {{ }}
{moving}}}

property two_cannot_execute:
  no coalition of at most 2 in holders can force execute_proposal
"""

MOVING = """\
  event give(a in holders, b in holders) { effect transfer 1 from a to b }
  event delegate_votes(a in holders, b in holders) { effect delegate a to b }
"""


def write_case(folder: str, n: int, moving: bool, seed: int = 14) -> str:
    """The spec and its holders (distinct weights from 1 to 10,000,000), in ``folder``; its path."""
    rng = random.Random(seed)
    with open(os.path.join(folder, "holders.csv"), "w") as f:
        f.write("name,weight\n")
        for i, w in enumerate(rng.sample(range(1, 10 ** 7), n)):
            f.write(f"h{i},{w}\n")
    path = os.path.join(folder, "governor.gov")
    with open(path, "w") as f:
        f.write(GOVERNOR.format(n=n, moving=MOVING if moving else ""))
    return path


def _worker(job: dict) -> dict:
    sys.path.insert(0, ROOT)
    from govspec import api
    from govspec.verdicts import check_property

    if job["engine"] == "per-member":  # the fast path and its any-length argument off; no counting either
        from verifier import counting, weighted

        weighted.decide = lambda *args: None
        weighted.classify = lambda *args: None
        counting.classes = lambda *args, **kw: ((), "switched off")
    with tempfile.TemporaryDirectory() as folder:
        path = write_case(folder, job["n"], job["moving"])
        warm = os.path.join(folder, "warm.gov")
        with open(warm, "w") as f:
            f.write('organization "warm-up" { person a }\n')
        api.load(warm)  # the parser is built once per process, not timed
        engine = api.engine_for("z3")  # nor is importing Z3
        start, cpu = time.monotonic(), time.process_time()
        model = api.load(path)
        loaded = time.monotonic() - start
        result = check_property(engine, model, model.properties[0], 4, job["limit"], None, unbounded=True)
        return {"status": result.status, "any_length": result.scope.depth is None,
                "seconds": time.monotonic() - start, "cpu_seconds": time.process_time() - cpu,
                "load_seconds": loaded, "reason": result.reason, "path": engine.last_path}


def measure(n: int, moving: bool, engine: str, limit: float) -> dict:
    job = {"n": n, "moving": moving, "engine": engine, "limit": limit}
    return run_child(os.path.abspath(__file__), job, limit, GRACE)


def _cell(r: dict | None) -> str:
    if r is None:
        return "not run"
    if r["seconds"] is None or r["status"] in ("unknown", "timeout", "error"):
        return f"{r['status']} ({r.get('reason') or ''})".replace(" ()", "")
    if r["status"] == "bounded":
        return f"bounded (not proved), {r['seconds']:.2f} s"
    scope = "any length" if r.get("any_length") else "bounded"
    return f"{r['status']} ({scope}), {r['seconds']:.2f} s"


def table(data: dict) -> str:
    """The Markdown table docs/performance.md quotes: the median clock time of the verifier's runs
    and its ratio to the smallest size's, and (when recorded) the least processor time and its ratio."""
    lines = ["| row | holders | verifier (median) | ratio to 10 holders | processor time (least) | ratio | per-member |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for row in data["rows"]:
        base = next((r for r in data["rows"] if r["case"] == row["case"] and r["n"] == min(data["sizes"])), None)
        median = row["verifier"]
        ratio = (f"{median['seconds'] / base['verifier']['seconds']:.1f}x"
                 if median["seconds"] and base and base["verifier"]["seconds"] else "-")
        least, first = row.get("least_cpu"), base.get("least_cpu") if base else None
        cpu = f"{least:.3f} s" if least else "-"
        cpu_ratio = f"{least / first:.1f}x" if least and first else "-"
        lines.append(f"| {row['case']} | {row['n']:,} | {_cell(median)} | {ratio} | {cpu} | {cpu_ratio} | "
                     f"{_cell(row['per_member'])} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1000, 10000])
    parser.add_argument("--repeat", type=int, default=9, help="runs of the verifier per row (the median is shown; runs of 0.1 s vary by a third from one to the next)")
    parser.add_argument("--limit", type=float, default=20.0, help="seconds per run")
    parser.add_argument("--moving", type=int, nargs="*", default=[10, 1000], help="sizes of the row with transfers")
    parser.add_argument("--no-per-member", action="store_true", help="skip the per-member runs")
    parser.add_argument("--json", default=os.path.join(HERE, "governor_results.json"))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(_worker(json.loads(args.worker))))
        return 0
    cells = [(case, n) for case, sizes in (("governor", args.sizes), ("moving", args.moving)) for n in sizes]
    runs: dict[tuple[str, int], list[dict]] = {cell: [] for cell in cells}
    for _ in range(args.repeat):  # (the rows in turn, round after round: a spell of other work weighs on all alike)
        for case, n in cells:
            runs[(case, n)].append(measure(n, case == "moving", "z3", args.limit))
    rows = []
    for (case, n), done in runs.items():
        timed = [r for r in done if r["seconds"] is not None and r["status"] not in ("unknown", "timeout", "error")]
        verifier = dict(done[0])
        verifier["seconds"] = statistics.median(r["seconds"] for r in timed) if len(timed) == len(done) else None
        cpu = [r["cpu_seconds"] for r in timed if r.get("cpu_seconds") is not None]
        per_member = None if args.no_per_member else measure(n, case == "moving", "per-member", args.limit)
        rows.append({"case": case, "n": n, "verifier": verifier, "runs": [r["seconds"] for r in done],
                     "cpu_runs": cpu, "least_cpu": min(cpu) if len(cpu) == len(done) else None,
                     "per_member": per_member})
        print(f"{case} {n}: {_cell(verifier)}; per-member: {_cell(per_member)}", file=sys.stderr)
    data = {**header("govspec-bench-governor/1"),
            "limit": args.limit, "repeat": args.repeat, "sizes": args.sizes, "rows": rows}
    record(data, table(data), args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
