"""The replay of a forcing step at a large body: the outsiders' responses where each group acts as
one (what the reference semantics tries at a linear stage past ``VERTICES_FROM`` responses)
against every response listed, in one run.

    python bench/run.py --replay                 # bodies of 200 and 1,000, 3 pairs each
    python bench/replay.py --sizes 200 1000 --pairs 3

A board of N alike members votes at a meeting with notice to all, a quorum of a majority of the
members and a majority of those present; a coalition of N/2 + 1 forces the vote, so every
response of the N/2 - 1 outsiders is tried (all three options each: stay away, vote no,
abstain).  Each pair times :func:`govspec.semantics.forced_problems` both ways in turn, in this
process, by processor time; the ratio is taken pair by pair and its median printed.  Both ways
must find the step forced.  Nothing is asserted against a target: the figures are measured.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

SPEC = """organization "A board of {n}" {{
  group d of {n}
  person chief
  body board {{ members d }}
  office ceo = chief
  procedure remove_ceo {{
    decided by board at meeting
      notice all
      quorum majority of members
      passes when yes > half of present
    effect ceo = vacant
  }}
}}
"""


def pair(n: int) -> dict:
    """One timing of each way at a board of ``n``: processor seconds, and what each found."""
    sys.path.insert(0, ROOT)
    from govspec import api
    from govspec import semantics as sem
    from govspec.semantics import StageChoice, Step

    model = api.load_text(SPEC.format(n=n), f"board_{n}.gov")
    state = sem.initial_state(model)
    members = sorted(model.bodies["board"].members)
    coalition = frozenset(members[: n // 2 + 1])
    step = Step("remove_ceo", (), (StageChoice(frozenset(members), coalition, coalition, frozenset(), frozenset()),))
    out = {}
    for way, threshold in (("acting as one", sem.forcing.VERTICES_FROM), ("every response", 10 ** 12)):
        kept, sem.forcing.VERTICES_FROM = sem.forcing.VERTICES_FROM, threshold
        try:
            start = time.process_time()
            problems = sem.forced_problems(model, state, step, coalition)
            out[way] = {"seconds": time.process_time() - start, "forced": not problems}
        finally:
            sem.forcing.VERTICES_FROM = kept
    return out


def measure(sizes: list[int], pairs: int) -> list[dict]:
    rows = []
    for n in sizes:
        runs = [pair(n) for _ in range(pairs)]
        if not all(r[way]["forced"] for r in runs for way in r):
            raise SystemExit(f"a board of {n}: the step was not found forced both ways")
        fast = [r["acting as one"]["seconds"] for r in runs]
        every = [r["every response"]["seconds"] for r in runs]
        outsiders = n - (n // 2 + 1)
        rows.append({"n": n, "responses": math.comb(outsiders + 2, 2), "tried": 3,
                     "acting_as_one": statistics.median(fast), "every_response": statistics.median(every),
                     "ratio": statistics.median(e / max(f, 1e-6) for f, e in zip(fast, every))})
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| board | outsiders' responses | tried acting as one | acting as one | every response | ratio (median of pairs) |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['n']:,} | {r['responses']:,} | {r['tried']} | {r['acting_as_one']:.4f} s | "
                     f"{r['every_response']:.2f} s | {r['ratio']:,.0f}x |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--json", default=None, help="where to write the results (default: not written)")
    args = parser.parse_args(argv)
    rows = measure(args.sizes, args.pairs)
    print(table(rows))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"schema": "govspec-bench-replay/1", "started": time.strftime("%Y-%m-%d %H:%M:%S"),
                       "pairs": args.pairs, "rows": rows}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
