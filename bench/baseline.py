"""The baseline: a direct Z3 encoding with one Boolean per member per step, written for the benchmark.

It decides the benchmark questions "can some coalition of at most K members of a body force the
procedure within ``depth`` steps?" the straightforward way, as a prototype would: a Boolean per
member for coalition membership; per step and member, Booleans for notified, attending, yes, no
and abstain; and a universally quantified copy for the outsiders' responses (passive opposition:
stay away, vote no or abstain, never yes).  No worst-case reasoning, no symmetry, no domain
reasoning.  It is kept here only to measure the verifier against; it is not part of GovSpec and
covers only the two benchmark shapes of :mod:`specs` (one meeting stage, a guard that the office
is held or none, one effect).

Every Z3 call runs under a time limit; ``unknown`` is returned as such, never as an answer.
"""

from __future__ import annotations

import time
from fractions import Fraction

from z3 import And, AtMost, Bool, BoolVal, ForAll, If, Implies, Not, Or, Q, RealVal, Solver, Sum, sat, unknown


def _q(x: Fraction):
    return Q(x.numerator, x.denominator)


def _total(flags, weights):
    return Sum([If(f, RealVal(w) if isinstance(w, int) else _q(w), RealVal(0)) for f, w in zip(flags, weights)])


def _one_vote(y, n, ab):
    return Or(And(y, Not(n), Not(ab)), And(n, Not(y), Not(ab)), And(ab, Not(y), Not(n)))


def forced(weights: list, k: int, depth: int, seconds: float, *, notice_all: bool, quorum, passes,
           needs_office: bool) -> tuple[str, float]:
    """("found" | "none" | "unknown", seconds).  ``quorum(present, members)`` and
    ``passes(yes, no, present, members)`` build Z3 terms from weighted or counted sums."""
    start = time.monotonic()
    n = len(weights)
    ones = [1] * n
    coalition = [Bool(f"c[{i}]") for i in range(n)]
    solver = Solver()
    solver.add(AtMost(*coalition, k))
    vacant = BoolVal(False)
    steps = []
    for t in range(1, depth + 1):
        notified = [Bool(f"n@{t}[{i}]") for i in range(n)]
        attended, yes, no, abst = ([Bool(f"{v}@{t}[{i}]") for i in range(n)] for v in ("a", "y", "no", "ab"))
        o_att, o_yes, o_no, o_ab = ([Bool(f"o{v}@{t}[{i}]") for i in range(n)] for v in ("a", "y", "no", "ab"))
        own = []
        for i in range(n):
            own += [Implies(attended[i], notified[i]),
                    If(attended[i], _one_vote(yes[i], no[i], abst[i]), And(Not(yes[i]), Not(no[i]), Not(abst[i])))]
            if notice_all:
                own.append(notified[i])
        mix = [[If(coalition[i], own_v[i], out_v[i]) for i in range(n)]
               for own_v, out_v in ((attended, o_att), (yes, o_yes), (no, o_no), (abst, o_ab))]
        outsiders_valid = And([Implies(Not(coalition[i]), And(
            Implies(o_att[i], notified[i]), Not(o_yes[i]),
            If(o_att[i], _one_vote(o_yes[i], o_no[i], o_ab[i]), And(Not(o_no[i]), Not(o_ab[i])))))
            for i in range(n)])
        present = _total(mix[0], ones)
        carries = passes(lambda f: _total(mix[1], weights if f else ones), lambda f: _total(mix[2], weights if f else ones),
                         present, n)
        if quorum is not None:
            carries = And(quorum(present, n), carries)
        select = Bool(f"select@{t}")
        rule = ForAll(o_att + o_yes + o_no + o_ab, Implies(outsiders_valid, carries))
        guard = Not(vacant) if needs_office else BoolVal(True)
        solver.add(Implies(select, And(guard, And(own), rule)))
        vacant = Or(vacant, select)
        steps.append(select)
    for t in range(1, depth + 1):
        solver.push()
        solver.add(steps[t - 1])
        left = seconds - (time.monotonic() - start)
        if left <= 0:
            return "unknown", time.monotonic() - start
        solver.set("timeout", max(1, int(left * 1000)))
        result = solver.check()
        solver.pop()
        if result == sat:
            return "found", time.monotonic() - start
        if result == unknown:
            return "unknown", time.monotonic() - start
    return "none", time.monotonic() - start


def interchangeable(n: int, k: int, depth: int, seconds: float) -> tuple[str, float]:
    """specs.interchangeable: notice none, quorum a majority of members, a majority of those present."""
    return forced([1] * n, k, depth, seconds, notice_all=False,
                  quorum=lambda present, members: present > RealVal(members) / 2,
                  passes=lambda yes, no, present, members: yes(False) > present / 2, needs_office=True)


def weighted(n: int, k: int, depth: int, seconds: float) -> tuple[str, float]:
    """specs.weighted: weights 1..n, notice all, weight(yes) >= 2/3 of weight(members)."""
    weights = list(range(1, n + 1))
    total = Fraction(sum(weights))
    return forced(weights, k, depth, seconds, notice_all=True, quorum=None,
                  passes=lambda yes, no, present, members: yes(True) >= _q(Fraction(2, 3) * total), needs_office=False)
