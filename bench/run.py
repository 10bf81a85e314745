"""GovSpec benchmarks: the verifier against a direct per-member Z3 baseline and the explicit engine.

    python bench/run.py                 # the full table (about a quarter of an hour on 2 cores)
    python bench/run.py --quick         # 9, 100 and 1,000 members, depth 2, 20 s limit (a few minutes)
    python bench/run.py --limit 30 --sizes 9 100 --depths 2 --only interchangeable
    python bench/run.py --power         # power indices against brute force and powerindex (bench/power.py)
    python bench/run.py --sweep         # 200 parameter points on -j 1, -j 2 and a local Dask cluster (bench/sweep.py)
    python bench/run.py --startup       # a one-procedure check against importing Z3, Lark and click (bench/startup.py)
    python bench/run.py --governor      # a Governor DAO of 10 to 10,000 holders of distinct weights (bench/governor.py)
    python bench/run.py --groups        # 10,000 interchangeable members against 9, processor time (bench/groups.py)

Prints a table and writes it as JSON (``bench/results.json`` unless ``--json`` says otherwise).
Each measurement runs in a fresh Python process with a hard time limit: a run that does not
finish is killed and reported as ``timeout``; a run that finishes with an UNKNOWN verdict (the
solver's own time limit, or the explicit engine refusing a problem too large for it) is reported
as such, with its reason.  Nothing is hidden and nothing is asserted: the figures are measured,
never compared with a target here.

Columns: the verifier as shipped (and which path answered: the weighted fast path of
``verifier/weighted.py`` or the general encoding), the verifier with that fast path switched off
(the general encoding alone), the baseline, the explicit engine, and the ratios.

What is timed: from the spec's text to the verdict of its one property (parsing and checking the
spec included, interpreter start and imports excluded), as :func:`govspec.verdicts.check_property`
computes it for ``govspec check --no-sanity``.  The baseline (``bench/baseline.py``) is timed from
the same problem to its answer.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

from child import run_child

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

# engine -> column: the verifier as shipped, the verifier with the fast path off (the general encoding, counting
# interchangeable members), the same with counting off too (one variable per member), the baseline, the explicit engine
ENGINES = {"z3": "verifier", "general": "general", "per-member": "per-member", "baseline": "baseline",
           "explicit": "explicit"}
CASES = ("interchangeable", "resignations", "issue", "weighted")
GRACE = 10.0  # seconds beyond the limit for the process to start, import and build before it is killed
K_BOARD, K_HOLDERS = 3, 2


# ------------------------------------------------------------------ one measurement (in a child process)


def _measure(job: dict) -> dict:
    import specs

    case, engine, n, depth, limit = job["case"], job["engine"], job["n"], job["depth"], job["limit"]
    if engine == "baseline":
        import baseline

        if not hasattr(baseline, case):
            return {"status": "not run", "seconds": None, "reason": None}
        k = K_HOLDERS if case == "weighted" else K_BOARD
        answer, seconds = getattr(baseline, case)(n, k, depth, limit)
        status = {"found": "refuted", "none": "proved", "unknown": "unknown"}[answer]
        return {"status": status, "seconds": seconds, "reason": "Z3 time limit" if answer == "unknown" else None}
    from govspec import api
    from govspec.verdicts import check_property

    if engine in ("general", "per-member"):  # the verifier with its weighted fast path switched off
        from verifier import counting, weighted

        weighted.decide = lambda *args: None
        weighted.classify = lambda *args: None  # nor its any-length argument: Spacer on the general encoding
        if engine == "per-member":  # nor the symmetry reduction: one variable per member
            counting.classes = lambda *args, **kw: ((), "switched off")
        engine = "z3"

    api.load_text(specs.interchangeable(2, 1), "warm-up.gov")  # the parser is built once per process, not timed
    eng = api.engine_for(engine)  # nor is importing Z3
    start = time.monotonic()
    text = specs.weighted(n, K_HOLDERS) if case == "weighted" else getattr(specs, case)(n, K_BOARD)
    model = api.load_text(text, f"{case}_{n}.gov")
    loaded = time.monotonic() - start
    # "unbounded": the bounded search to depth 4, then the proof for behaviours of any length
    result = check_property(eng, model, model.properties[0], depth or 4, limit, None, unbounded=depth is None)
    return {"status": result.status, "seconds": time.monotonic() - start, "load_seconds": loaded,
            "reason": result.reason,
            "path": "counted" if getattr(eng, "last_counted", False) else getattr(eng, "last_path", None),
            "any_length": result.scope.depth is None}


def measure(case: str, engine: str, n: int, depth: int, limit: float) -> dict:
    """Run one measurement in a child process, killed after ``limit`` + GRACE seconds."""
    job = {"case": case, "engine": engine, "n": n, "depth": depth, "limit": limit}
    return run_child(os.path.abspath(__file__), job, limit, GRACE)


# ------------------------------------------------------------------ the table


def _refused(r: dict) -> bool:
    """The explicit engine declined a problem beyond its limits (not a time-out)."""
    return r.get("engine") == "explicit" and r["status"] == "unknown" and "time limit" not in (r.get("reason") or "")


def _cell(r: dict | None) -> str:
    if r is None:
        return "n/a"
    if r["status"] == "timeout":
        return "timeout"
    if _refused(r):
        return "refused"
    if r["seconds"] is None:
        return r["status"]
    word = {"proved": "", "refuted": " refuted"}.get(r["status"], f" {r['status'].upper()}")
    if r.get("depth", 0) is None and r["status"] == "proved":
        word = " any length" if r.get("any_length") else " bounded only"
    return f"{r['seconds']:.{3 if r['seconds'] < 0.1 else 2}f} s{word}"


def _decided(r: dict | None) -> bool:
    return r is not None and r["status"] in ("proved", "refuted")


def ratio(other: dict | None, verifier: dict | None) -> str:
    """other / verifier; a lower bound (">") when the other timed out or gave up and the verifier decided."""
    if not _decided(verifier) or other is None:
        return "n/a"
    v = max(verifier["seconds"], 1e-3)
    if _decided(other):
        return f"{other['seconds'] / v:.1f}x"
    if _refused(other):
        return "n/a"
    if other["status"] == "unknown" and other.get("seconds") is not None:
        return f">{other['seconds'] / v:.0f}x"
    if other["status"] == "timeout":
        return f">{other['limit'] / v:.0f}x"
    return "n/a"


def rows(args) -> list[dict]:
    plan = []
    for case in ("interchangeable", "resignations"):
        if case in args.only:
            for n in args.sizes:
                for depth in args.depths:
                    plan.append((case, n, depth))
                plan.append((case, n, None))  # unbounded: bounded to depth 4, then any length
    if "issue" in args.only:
        plan.append(("issue", 20, 3))
    if "weighted" in args.only:
        for n in args.weighted:
            plan.append(("weighted", n, args.weighted_depth))
    out = []
    for case, n, depth in plan:
        row = {"case": case, "n": n, "depth": depth if depth is not None else "unbounded"}
        spec_case = "interchangeable" if case == "issue" else case
        for engine in ENGINES:
            if depth is None and engine in ("baseline", "explicit"):
                row[ENGINES[engine]] = None  # bounded only: no proofs of any length
                continue
            if engine == "baseline" and spec_case == "resignations":
                row[ENGINES[engine]] = None  # the baseline covers one vote only
                continue
            if engine not in args.engines:
                row[ENGINES[engine]] = {"engine": engine, "status": "not run", "seconds": None}
                continue
            r = measure(spec_case, engine, n, depth, args.limit)
            row[ENGINES[engine]] = r
            print(f"  {case} N={n} depth={depth} {engine}: {_cell(r)}"
                  + (f" ({r['reason']})" if r.get("reason") else ""), file=sys.stderr, flush=True)
        out.append(row)
    return out


def table(results: list[dict]) -> str:
    head = ["case", "N", "depth", "verifier", "path", "general path", "per-member", "baseline", "explicit",
            "baseline/verifier", "per-member/general", "explicit/verifier"]
    lines = [head]
    for r in results:
        path = (r["verifier"] or {}).get("path") or "n/a"
        lines.append([r["case"], f"{r['n']:,}", str(r["depth"]), _cell(r["verifier"]), path, _cell(r["general"]),
                      _cell(r.get("per-member")), _cell(r["baseline"]), _cell(r["explicit"]),
                      ratio(r["baseline"], r["verifier"]), ratio(r.get("per-member"), r["general"]),
                      ratio(r["explicit"], r["verifier"])])
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    text = ["| " + " | ".join(c.ljust(w) for c, w in zip(line, widths)) + " |" for line in lines]
    text.insert(1, "| " + " | ".join("-" * w for w in widths) + " |")
    notes = sorted({f"{e}: {r[e]['reason']}" for r in results for e in ENGINES.values()
                    if r.get(e) and r[e].get("reason")})
    return "\n".join(text + ([""] + [f"- {n}" for n in notes] if notes else []))


def machine() -> dict:
    import z3

    info = {"python": platform.python_version(), "z3": z3.get_version_string(), "cores": os.cpu_count(),
            "platform": platform.platform()}
    try:
        with open("/proc/cpuinfo") as f:
            info["cpu"] = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), None)
    except OSError:
        pass
    return info


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="9, 100 and 1,000 members, depth 2, 1,000 weights, 20 s limit")
    parser.add_argument("--limit", type=float, default=None, help="seconds per run (default 60; 20 with --quick)")
    parser.add_argument("--sizes", type=int, nargs="+", default=None, help="interchangeable members (default 9 100 1000 10000)")
    parser.add_argument("--depths", type=int, nargs="+", default=None, help="search depths (default 2 4)")
    parser.add_argument("--weighted", type=int, nargs="*", default=None, help="distinct weights (default 1000 10000)")
    parser.add_argument("--weighted-depth", type=int, default=4, help="depth of the weighted rows (default 4)")
    parser.add_argument("--only", nargs="+", choices=CASES, default=CASES)
    parser.add_argument("--engines", nargs="+", choices=tuple(ENGINES), default=tuple(ENGINES),
                        help="which columns to measure (default all)")
    parser.add_argument("--json", default=os.path.join(HERE, "results.json"), help="where to write the results")
    parser.add_argument("--specs", action="store_true",
                        help="time all of specs/ at default options against another revision (bench/specs_time.py)")
    parser.add_argument("--against", default=None, help="with --specs: the revision to compare with")
    parser.add_argument("--repeat", type=int, default=3, help="with --specs: runs of each spec per revision")
    parser.add_argument("--power", action="store_true",
                        help="power indices against brute force and powerindex instead (bench/power.py)")
    parser.add_argument("--sweep", action="store_true",
                        help="200 parameter points with -j 1, -j 2 and --cluster on a local Dask cluster (bench/sweep.py)")
    parser.add_argument("--governor", action="store_true",
                        help="a Governor DAO of 10, 1,000 and 10,000 holders of distinct weights (bench/governor.py)")
    parser.add_argument("--groups", action="store_true",
                        help="10,000 interchangeable members against 9, in processor time (bench/groups.py)")
    parser.add_argument("--replay", action="store_true",
                        help="the replay of a forcing step at a body of 1,000: responses acting as one against all (bench/replay.py)")
    parser.add_argument("--startup", action="store_true",
                        help="a one-procedure check against importing Z3, Lark and click, as whole processes (bench/startup.py)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--spec-worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(_measure(json.loads(args.worker))))
        return 0
    if args.spec_worker:
        import specs_time

        print(json.dumps(specs_time.worker(json.loads(args.spec_worker))))
        return 0
    if args.power:
        import power

        return power.main([])
    if args.sweep:
        import sweep

        return sweep.main([])
    if args.governor:
        import governor

        return governor.main([])
    if args.groups:
        import groups

        return groups.main([])
    if args.replay:
        import replay

        return replay.main([])
    if args.startup:
        import startup

        return startup.main([])
    if args.specs:
        import specs_time

        result = specs_time.compare(args.against or specs_time.BASELINE_REV, args.repeat, args.limit or 600.0)
        print(specs_time.table(result))
        out = args.json if args.json != os.path.join(HERE, "results.json") else os.path.join(HERE, "specs_results.json")
        with open(out, "w") as f:
            json.dump({"schema": "govspec-bench-specs/1", "started": time.strftime("%Y-%m-%d %H:%M:%S"),
                       "machine": machine(), **result}, f, indent=2)
        print(f"\nwritten: {out}")
        return 0
    args.limit = args.limit or (20.0 if args.quick else 60.0)
    args.sizes = args.sizes or ([9, 100, 1000] if args.quick else [9, 100, 1000, 10000])
    args.depths = args.depths or ([2] if args.quick else [2, 4])
    args.weighted = args.weighted if args.weighted is not None else ([1000] if args.quick else [1000, 10000])
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    results = rows(args)
    print(table(results))
    with open(args.json, "w") as f:
        json.dump({"schema": "govspec-bench/1", "started": started, "machine": machine(), "limit_seconds": args.limit,
                   "grace_seconds": GRACE, "rows": results}, f, indent=2)
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
