"""10,000 interchangeable members against 9 (GovSpec issue 14): the board of ``bench/specs.py``
``resignations`` (a group ``d`` on the board, any director may resign: the counted encoding
answers, the weighted fast path does not apply), at depths 2 and 4 and for behaviours of any length.

    python bench/run.py --groups                 # 9 and 10,000 members, 7 runs each (about a minute)
    python bench/groups.py --sizes 9 10000 --repeat 7
    python bench/groups.py --sizes 9 99999 --json bench/groups_largest_results.json   # the largest group
                                                 # an organisation may hold (100,000 people with the chief)

Each run is a fresh process (``bench/child.py``) that builds the parser and imports Z3 first, then
measures its own processor time from the spec's text to the verdict (loading included): processor
time, not the clock, so that other work on the machine weighs less; the cells run in turn, round
after round, and the least of ``--repeat`` runs of each is kept (the run least disturbed).  The
ratio is the largest size's against the smallest's at the same depth, taken in this run.  Nothing is asserted: the figures are measured.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from child import header, record, run_child

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEPTHS = ("2", "4", "any")


def _worker(job: dict) -> dict:
    sys.path.insert(0, ROOT)
    import specs
    from govspec import api
    from govspec.verdicts import check_property

    api.load_text(specs.interchangeable(2, 1), "warm-up.gov")  # the parser is built once per process, not timed
    engine = api.engine_for("z3")  # nor is importing Z3
    depth = job["depth"]
    start = time.process_time()
    model = api.load_text(specs.resignations(job["n"], 3), f"resignations_{job['n']}.gov")
    result = check_property(engine, model, model.properties[0], 4 if depth == "any" else int(depth), job["limit"],
                            None, unbounded=depth == "any")
    return {"status": result.status, "any_length": result.scope.depth is None,
            "cpu_seconds": time.process_time() - start, "path": "counted" if engine.last_counted else engine.last_path}


def measure(cells: list[tuple[int, str]], repeat: int, limit: float) -> list[dict]:
    """Each cell (size, depth) run ``repeat`` times in fresh processes, the cells taken in turn
    (round after round: a spell of other work on the machine weighs on every cell alike, not on
    the one that happened to run then); the least processor time of each kept."""
    runs: dict[tuple[int, str], list[dict]] = {cell: [] for cell in cells}
    for _ in range(repeat):
        for n, depth in cells:
            runs[(n, depth)].append(run_child(os.path.abspath(__file__), {"n": n, "depth": depth, "limit": limit},
                                              limit, 10.0))
    rows = []
    for (n, depth), done in runs.items():
        timed = [r["cpu_seconds"] for r in done if r.get("cpu_seconds") is not None]
        rows.append({"n": n, "depth": depth, "status": done[0]["status"], "path": done[0].get("path"),
                     "any_length": done[0].get("any_length"), "runs": timed,
                     "least": min(timed) if len(timed) == repeat else None})
    return rows


def table(data: dict) -> str:
    """The Markdown table docs/performance.md quotes."""
    small, large = min(data["sizes"]), max(data["sizes"])
    cell = {(r["n"], r["depth"]): r for r in data["rows"]}
    lines = [f"| depth | {small:,} members | {large:,} members | ratio | verdict | path |", "| --- | --- | --- | --- | --- | --- |"]
    for depth in data["depths"]:
        a, b = cell[(small, depth)], cell[(large, depth)]
        ratio = f"{b['least'] / a['least']:.2f}x" if a["least"] and b["least"] else "-"
        shown = "any length" if depth == "any" else depth
        verdict = f"{b['status']}{' (any length)' if b['any_length'] else ''}"
        lines.append(f"| {shown} | {a['least']:.3f} s | {b['least']:.3f} s | {ratio} | {verdict} | {b['path']} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[9, 10000])
    parser.add_argument("--depths", nargs="+", choices=DEPTHS, default=list(DEPTHS))
    parser.add_argument("--repeat", type=int, default=7, help="runs per cell (the least processor time is kept)")
    parser.add_argument("--limit", type=float, default=30.0, help="seconds per run")
    parser.add_argument("--json", default=os.path.join(HERE, "groups_results.json"))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(_worker(json.loads(args.worker))))
        return 0
    rows = measure([(n, depth) for depth in args.depths for n in args.sizes], args.repeat, args.limit)
    for row in rows:
        print(f"{row['n']} members, depth {row['depth']}: {row['least']} s", file=sys.stderr)
    data = {**header("govspec-bench-groups/1"),
            "repeat": args.repeat, "sizes": args.sizes, "depths": args.depths, "rows": rows}
    record(data, table(data), args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
