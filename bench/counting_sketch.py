"""Measurements for the design note in docs/performance.md: counts instead of members, and unbounded proofs.

Not part of GovSpec, and not a proposal for verifier/encode/'s code: a hand-written encoding of one
question, to measure what a counting encoding and an unbounded proof would cost before anyone
builds them.  The question is the benchmark's (bench/specs.py) with resignations added, so that
the state changes from step to step:

    N interchangeable directors, an outside CEO; a director may resign (the coalition may only
    resign its own members); remove_ceo: no notice, quorum a majority of the members in office,
    a majority of those present.  Can a coalition of at most K directors force the removal?

Counting encoding: the state is (ceo vacant?, members in office m, coalition members in office
r); a step is a resignation or the removal; in the removal the coalition chooses how many of its
members attend (a) and vote yes (y) and how many outsiders to notify (n); the outsiders' response
is a count too, quantified universally.  The size N appears only as a constant.

    python bench/counting_sketch.py [--limit SECONDS]

prints, for N in 9, 100, 1,000, 10,000: bounded search at depths 2 and 4 (the counting
encoding), an unbounded proof with Z3's Horn-clause engine (Spacer), and 1-induction.
"""

from __future__ import annotations

import argparse
import time

from z3 import (And, Bool, BoolSort, BoolVal, Exists, Fixedpoint, ForAll, Function, If, Implies, Int, IntSort, IntVal,
                Not, Or, Solver, sat, unknown, unsat)


def forced_removal(m, r, a, y, n, o_att, o_no):
    """The removal passes whatever the notified outsiders do (o_att of the n attend, o_no vote no)."""
    outsiders = And(0 <= o_no, o_no <= o_att, o_att <= n)
    present = a + o_att
    return Implies(outsiders, And(2 * present > m, 2 * y > present))


def step_vars(t):
    return [Int(f"{x}@{t}") for x in ("a", "y", "n", "oa", "ono")]


def removal_choice(m, r, a, y, n):
    return And(0 <= y, y <= a, a <= r, 0 <= n, n <= m - r)


def bounded(big_n: int, k: int, depth: int, seconds: float) -> tuple[str, float]:
    """Bounded search for a forcing sequence with the counting encoding (one query per depth)."""
    start = time.monotonic()
    solver = Solver()
    c = Int("c")
    solver.add(0 <= c, c <= k, c <= big_n)
    vacant, m, r = BoolVal(False), Int("m@0"), Int("r@0")
    solver.add(m == big_n, r == c)
    for t in range(1, depth + 1):
        a, y, n, oa, ono = step_vars(t)
        remove, resign = Bool(f"remove@{t}"), Bool(f"resign@{t}")
        forced = ForAll([oa, ono], forced_removal(m, r, a, y, n, oa, ono))
        solver.add(Not(And(remove, resign)), Or(remove, resign))
        solver.add(Implies(remove, And(Not(vacant), removal_choice(m, r, a, y, n), forced)))
        solver.add(Implies(resign, r > 0))
        m2, r2 = Int(f"m@{t}"), Int(f"r@{t}")
        solver.add(m2 == If(resign, m - 1, m), r2 == If(resign, r - 1, r))
        vacant, m, r = Or(vacant, remove), m2, r2
        solver.push()
        solver.add(remove)
        solver.set("timeout", max(1, int((seconds - (time.monotonic() - start)) * 1000)))
        result = solver.check()
        solver.pop()
        if result != unsat:
            return ("found" if result == sat else "unknown"), time.monotonic() - start
    return "none", time.monotonic() - start


def _worst_case_removal(m, r, a, y, n):
    """The universally quantified outsiders replaced by their worst case per comparison (as
    Unrolling.worst_case does per member): for the quorum, nobody attends; for the majority of those
    present, every notified outsider attends and votes no."""
    return And(removal_choice(m, r, a, y, n), 2 * a > m, 2 * y > a + n)


def spacer(big_n: int, k: int, seconds: float) -> tuple[str, float]:
    """Unbounded: is a state in which the coalition can force the removal reachable?  (Horn clauses.)"""
    start = time.monotonic()
    fp = Fixedpoint()
    fp.set(engine="spacer")
    fp.set("timeout", int(seconds * 1000))
    reach = Function("reach", BoolSort(), IntSort(), IntSort(), IntSort(), BoolSort())
    goal = Function("goal", BoolSort())
    fp.register_relation(reach, goal)
    v, m, r, c, a, y, n = Bool("v"), Int("m"), Int("r"), Int("c"), Int("a"), Int("y"), Int("n")
    fp.declare_var(v, m, r, c, a, y, n)
    fp.rule(reach(BoolVal(False), m, r, c), And(m == big_n, r == c, 0 <= c, c <= k, c <= big_n))
    fp.rule(reach(v, m - 1, r - 1, c), And(reach(v, m, r, c), r > 0))  # a coalition member resigns
    fp.rule(goal(), And(reach(v, m, r, c), Not(v), _worst_case_removal(m, r, a, y, n)))
    result = fp.query(goal())
    answer = "found" if result == sat else "none" if result == unsat else "unknown"
    return answer, time.monotonic() - start


def one_induction(big_n: int, k: int, seconds: float) -> tuple[str, float]:
    """1-induction on 'the coalition cannot force the removal here' plus the state's domain."""
    start = time.monotonic()
    c, m, r, m2, r2 = Int("c"), Int("m"), Int("r"), Int("m2"), Int("r2")
    a, y, n = Int("a"), Int("y"), Int("n")

    def good(m, r):
        return And(0 <= r, r <= m, Not(Exists([a, y, n], _worst_case_removal(m, r, a, y, n))))

    base = Solver()
    base.set("timeout", int(seconds * 1000))
    base.add(0 <= c, c <= k, c <= big_n, Not(good(IntVal(big_n), c)))
    step = Solver()
    step.set("timeout", int(seconds * 1000))
    step.add(good(m, r), r > 0, m2 == m - 1, r2 == r - 1, Not(good(m2, r2)))
    results = (base.check(), step.check())
    if unknown in results:
        return "unknown", time.monotonic() - start
    return ("proved" if results == (unsat, unsat) else "not inductive"), time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=float, default=30.0)
    parser.add_argument("--k", type=int, default=3)
    args = parser.parse_args()
    print("| N | bounded, depth 2 | bounded, depth 4 | Spacer (unbounded) | 1-induction |")
    print("| --- | --- | --- | --- | --- |")
    for big_n in (9, 100, 1000, 10000):
        cells = [bounded(big_n, args.k, d, args.limit) for d in (2, 4)]
        cells += [spacer(big_n, args.k, args.limit), one_induction(big_n, args.k, args.limit)]
        print(f"| {big_n:,} | " + " | ".join(f"{s} {t:.3f} s" for s, t in cells) + " |", flush=True)
    print("\nsanity: with K = 5 of N = 9 the coalition can force it:",
          bounded(9, 5, 1, args.limit)[0], spacer(9, 5, args.limit)[0])


if __name__ == "__main__":
    main()
