"""Solve: bounded model checking with increasing depth, coalition force checks, trace extraction.

Assumes a checked model.  Guarantees: every solver call runs under the remaining share of the
property's time limit and a Z3 ``unknown`` becomes an ``unknown`` outcome with the solver's reason;
depths are tried in increasing order, so the first behaviour found is a shortest one; traces are
read back as reference-semantics steps (:mod:`govspec.verdicts` replays them before any verdict).
:class:`Z3Engine` is the engine protocol of :mod:`govspec.verdicts`.
"""

from __future__ import annotations

from z3 import And, Bool, BoolVal, Not, PbLe, Solver, is_true, sat, unknown

from govspec import model as m
from govspec import semantics as sem
from govspec.verdicts import Deadline, Outcome

from . import unbounded, weighted
from .encode import NOBODY, WAIT_KEY, StepVars, Unrolling, action_key

_Outcome = Outcome
UNBOUNDED_PEOPLE = 200  # above this, no proof of any length is attempted (the per-member encoding is too large)


def _solver(deadline: Deadline) -> Solver:
    s = Solver()
    s.set("timeout", max(1, deadline.remaining_ms()))
    return s


def _check(solver: Solver, deadline: Deadline):
    ms = deadline.remaining_ms()
    if ms <= 0:
        return unknown, "time limit reached"
    solver.set("timeout", ms)
    result = solver.check()
    reason = solver.reason_unknown() if result == unknown else None
    if result == unknown and reason in ("canceled", "timeout"):
        reason = "time limit reached"
    return result, reason


# ------------------------------------------------------------------ reading a model back


def _split_key(key: str) -> tuple[str, str]:
    """(procedure, phase) of a selection key (see encode.action_key)."""
    if "@" in key:
        name, phase = key.rsplit("@", 1)
        return name, phase
    return key, "pass"


def _read_step(unroll: Unrolling, zm, step: StepVars, coalition: frozenset[str] | None = None) -> sem.Step:
    model = unroll.model
    chosen = [n for n, b in step.selected.items() if is_true(zm.eval(b, model_completion=True))]
    if chosen[0] == WAIT_KEY:
        return sem.Step(sem.WAIT, days=zm.eval(step.days, model_completion=True).as_long())
    name, phase = _split_key(chosen[0])
    proc = model.procedures[name]
    args = tuple((f.name, unroll.people[zm.eval(step.args[proc.name][f.name], model_completion=True).as_long()])
                 for f in proc.formals)
    stages = []
    for v in step.stages.get(chosen[0], []):
        def people(d):
            chosen = {unroll.people[i] for i, b in d.items() if is_true(zm.eval(b, model_completion=True))}
            return frozenset(chosen)

        notified = people(v.notified)
        keep = (lambda s: s & coalition) if coalition is not None else (lambda s: s)
        stages.append(sem.StageChoice(notified, keep(people(v.attended)), keep(people(v.yes)),
                                      keep(people(v.no)), keep(people(v.abstain))))
    loan = zm.eval(step.loan, model_completion=True).as_long()
    proposer = None
    if phase == "propose":
        proposer = unroll.people[zm.eval(step.proposer[proc.name], model_completion=True).as_long()]
    return sem.Step(proc.name, args, tuple(stages), phase=phase, proposer=proposer,
                    loan=None if loan == NOBODY else unroll.people[loan])


# ------------------------------------------------------------------ canonical models


def _canonical_model(solver: Solver, unroll: Unrolling, deadline: Deadline, first: list | None = None,
                     steps: int | None = None):
    """Fix the free choices greedily in a fixed order, so the trace shown does not depend on Z3's
    internal state (which varies with whatever ran before in the same process).

    Each decision asks only whether a constraint is satisfiable, a question with a unique answer,
    so the result is the lexicographically least model in the order below: coalition members
    (fewest first), then per step the procedure (in declaration order), its arguments (people in
    declaration order), and per stage and member: not notified, not attending, voting yes, voting
    no.  This also makes scenarios small: nobody is notified or attends without need.
    """
    decisions: list = [(lit, False) for lit in (first or [])]
    scopes = 0
    best = solver.model()

    def decide(lit, prefer: bool) -> bool:
        nonlocal scopes, best
        want = lit if prefer else Not(lit)
        solver.push()
        solver.add(want)
        result, _ = _check(solver, deadline)
        if result == sat:
            scopes += 1
            best = solver.model()
            return True
        solver.pop()
        if result == unknown:
            raise _OutOfTime
        solver.add(Not(want))
        return False

    try:
        for lit, prefer in decisions:
            decide(lit, prefer)
        for step in unroll.steps[:steps]:
            chosen = key = None
            for name, lit in step.selected.items():
                if decide(lit, True):
                    key = name
                    break
            if key is None:
                break
            if key == WAIT_KEY:  # the shortest wait that works, by bisection up to the one found
                low, high = 1, max(1, best.eval(step.days, model_completion=True).as_long())
                while low < high:
                    mid = (low + high) // 2
                    solver.push()
                    solver.add(step.days <= mid)
                    result, _ = _check(solver, deadline)
                    solver.pop()
                    if result == unknown:
                        raise _OutOfTime
                    low, high = (low, mid) if result == sat else (mid + 1, high)
                decide(step.days == low, True)
                continue
            chosen = unroll.model.procedures[_split_key(key)[0]]
            people = [step.args[chosen.name][f.name] for f in chosen.formals]
            if _split_key(key)[1] == "propose":
                people.append(step.proposer[chosen.name])
            if unroll.model.flash_loan > 0 and not decide(step.loan == NOBODY, True):
                people.append(step.loan)
            for term in people:
                # the least feasible person index, by bisection (a monotone question)
                low, high = 0, len(unroll.people) - 1
                while low < high:
                    mid = (low + high) // 2
                    solver.push()
                    solver.add(term <= mid)
                    result, _ = _check(solver, deadline)
                    solver.pop()
                    if result == unknown:
                        raise _OutOfTime
                    if result == sat:
                        high = mid
                    else:
                        low = mid + 1
                decide(term == low, True)
            for v in step.stages.get(key, []):
                for j in v.notified:
                    decide(v.notified[j], False)
                    decide(v.attended[j], False)
                    decide(v.yes[j], True)
                    decide(v.no[j], True)
    except _OutOfTime:
        pass
    for _ in range(scopes):
        solver.pop()
    return best


class _OutOfTime(Exception):
    pass


# ------------------------------------------------------------------ trace searches


class _Unrolled:
    """One incremental unrolling per model, shared by every trace search on it.

    Steps are only ever added (each step's constraints hold in any behaviour); a search adds its
    target inside push/pop, so thousands of properties reuse one encoding.
    """

    def __init__(self, model: m.Model):
        self.model = model
        self.unroll = Unrolling(model)
        self.solver = Solver()

    def ensure(self, k: int) -> None:
        while len(self.unroll.steps) < k:
            self.unroll.add_step(self.solver)


def _search(shared: _Unrolled, depth: int, deadline: Deadline, target, *, from_zero: bool) -> _Outcome:
    """Shortest behaviour (up to ``depth`` steps) whose last state/step satisfies ``target``."""
    model, solver = shared.model, shared.solver
    if not model.procedures:
        depth = 0
    for k in range(0 if from_zero else 1, depth + 1):
        shared.ensure(k)
        unroll = shared.unroll
        solver.push()
        try:
            solver.add(*[step.active for step in unroll.steps[:k]], target(unroll, k))
            result, reason = _check(solver, deadline)
            if result == sat:
                zm = _canonical_model(solver, unroll, deadline, steps=k)
                return _Outcome("found", [_read_step(unroll, zm, s) for s in unroll.steps[:k]], k)
        finally:
            solver.pop()
        if result == unknown:
            return _Outcome("unknown", depth=k, reason=f"{reason} at depth {k}")
    return _Outcome("none", depth=depth)


def _search_force(model: m.Model, depth: int, deadline: Deadline, goal: m.Goal, spec: m.CoalitionSpec | None,
                  fixed: frozenset[str] | None) -> _Outcome:
    """Shortest forcing sequence for some coalition allowed by ``spec`` (or the ``fixed`` one)."""
    unroll = Unrolling(model)
    solver = _solver(deadline)
    names = unroll.people
    if fixed is not None:
        coalition = {i: BoolVal(n in fixed) for i, n in enumerate(names)}
    else:
        coalition = {i: (Bool(f"coalition[{n}]") if n in spec.candidates else BoolVal(False)) for i, n in enumerate(names)}
        solver.add(PbLe([(coalition[unroll.index[n]], 1) for n in spec.candidates], spec.size))
    if not model.procedures:
        depth = 0
    for k in range(0, depth + 1):
        if k > 0:
            solver.add(unroll.add_forced_step(solver, coalition).active)
        solver.push()
        if goal.procedure is not None:
            if k == 0:
                solver.pop()
                continue
            solver.add(unroll.steps[-1].selected[action_key(goal.procedure, goal.phase)])
        else:
            solver.add(unroll.boolean(goal.state, unroll.states[k], {}, None))
        result, reason = _check(solver, deadline)
        if result == sat:
            free = [] if fixed is not None else [coalition[unroll.index[n]] for n in spec.candidates]
            zm = _canonical_model(solver, unroll, deadline, free)
            members = fixed if fixed is not None else frozenset(
                n for i, n in enumerate(names) if is_true(zm.eval(coalition[i], model_completion=True)))
            steps = [_read_step(unroll, zm, s, members) for s in unroll.steps]
            return _Outcome("found", steps, k, coalition=members)
        solver.pop()
        if result == unknown:
            return _Outcome("unknown", depth=k, reason=f"{reason} at depth {k}")
    return _Outcome("none", depth=depth)


# ------------------------------------------------------------------ the engine


class Z3Engine:
    """Symbolic bounded search with Z3 (the default engine)."""

    name = "Z3"

    def __init__(self) -> None:
        self._shared: _Unrolled | None = None
        self._behaviours = None  # (model, unbounded.System) for proofs of any length
        self.last_path: str | None = None  # which path answered the last force question (for tests and bench)

    def _unrolled(self, model: m.Model) -> _Unrolled:
        if self._shared is None or self._shared.model is not model:
            self._shared = _Unrolled(model)
        return self._shared

    def violation(self, model: m.Model, prop: m.Property, depth: int, deadline: Deadline) -> Outcome:
        if prop.kind == "invariant":
            def target(unroll: Unrolling, k: int):
                return Not(unroll.boolean(prop.state, unroll.states[k], {}, None))
            return _search(self._unrolled(model), depth, deadline, target, from_zero=True)
        proc = model.procedures[prop.procedure]

        key = action_key(proc.name, prop.phase)

        def target(unroll: Unrolling, k: int):
            step = unroll.steps[k - 1]
            state, args, sets = unroll.step_env(step, proc, prop.phase)
            return And(step.selected[key], Not(unroll.boolean(prop.step, state, args, sets, step)))
        return _search(self._unrolled(model), depth, deadline, target, from_zero=False)

    def reachable(self, model: m.Model, procedure: str, depth: int, deadline: Deadline, phase: str = "pass") -> Outcome:
        answer = weighted.decide_reachable(model, procedure, depth, phase)  # one weighted vote: no unrolling
        if answer is not None:
            return answer.outcome
        key = action_key(procedure, phase)

        def target(unroll: Unrolling, k: int):
            return unroll.steps[k - 1].selected[key]
        return _search(self._unrolled(model), depth, deadline, target, from_zero=False)

    def prove_unbounded(self, model: m.Model, prop: m.Property, deadline: Deadline) -> tuple[bool, str]:
        """Does a property the bounded search proved hold for behaviours of any length? (see unbounded.py)"""
        spec = prop.coalition
        if prop.kind == "no_coalition" and not spec.principals and weighted.classify(model, prop.goal, 1) is not None:
            return True, ""  # one vote nothing else changes: forced at some length iff at once (weighted.py)
        if len(model.people) > UNBOUNDED_PEOPLE:
            return False, f"more than {UNBOUNDED_PEOPLE} people (proofs of any length need the symmetry reduction, not built yet)"
        if prop.kind in ("invariant", "step"):  # one set of clauses per model, shared by its properties
            if self._behaviours is None or self._behaviours[0] is not model:
                self._behaviours = (model, unbounded.system(model))
            return unbounded.prove(model, prop, deadline, built=self._behaviours[1])
        if prop.kind == "no_coalition" and not spec.principals:
            return unbounded.prove(model, prop, deadline, goal=prop.goal, coalition_candidates=spec.candidates,
                                   coalition_size=spec.size)
        if prop.kind == "coalition_block":
            others = frozenset(p.name for p in model.people) - frozenset(spec.candidates)
            return unbounded.prove(model, prop, deadline, goal=prop.goal, fixed=others)
        return False, "no proof of any length is attempted for this kind of property"

    def force(self, model: m.Model, goal: m.Goal, depth: int, deadline: Deadline,
              spec: m.CoalitionSpec | None, fixed: frozenset[str] | None) -> Outcome:
        answer = weighted.decide(model, goal, depth, deadline, spec, fixed)  # one weighted vote: no unrolling
        self.last_path = f"weighted ({answer.method})" if answer is not None else "general"
        if answer is not None:
            return answer.outcome
        return _search_force(model, depth, deadline, goal, spec, fixed)

    def every_coalition(self, model: m.Model, goal: m.Goal, depth: int, spec: m.CoalitionSpec):
        """For "every coalition of k": a coalition that cannot force the goal if there is one, else any
        (the verdict then checks it with :meth:`force`); None to enumerate them all."""
        return weighted.decide_every(model, goal, depth, spec)
