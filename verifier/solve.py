"""Solve: bounded model checking with increasing depth, coalition force checks, trace extraction.

Assumes a checked model.  Guarantees: every verdict carries its scope; every solver call runs under
the remaining share of the property's time limit and a Z3 ``unknown`` becomes UNKNOWN with the
solver's reason; every trace is replayed on the reference semantics (:mod:`govspec.semantics`)
before it is returned, and a trace the interpreter rejects raises :class:`ReplayError` (an
internal error, never shown as a finding).  Depths are tried in increasing order, so the first
counterexample is a shortest one.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

from z3 import BoolVal, Bool, PbLe, Solver, is_true, sat, unknown, unsat

from govspec import model as m
from govspec import semantics as sem
from govspec.report import PROVED, REFUTED, UNKNOWN, PropertyResult, SanityResult, Scope
from govspec.scenario import describe, natural_key

from .encode import StepVars, Unrolling

MAX_COALITIONS = 500


class ReplayError(Exception):
    """The solver produced a behaviour the reference semantics rejects: a verifier bug."""


@dataclass
class _Outcome:
    status: str  # sat | unsat | unknown
    steps: list[sem.Step] | None = None
    depth: int = 0
    reason: str | None = None
    coalition: frozenset[str] | None = None


class Deadline:
    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def remaining_ms(self) -> int:
        return max(0, int((self.end - time.monotonic()) * 1000))


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


def _read_step(unroll: Unrolling, zm, step: StepVars, coalition: frozenset[str] | None = None) -> sem.Step:
    model = unroll.model
    chosen = [n for n, b in step.selected.items() if is_true(zm.eval(b, model_completion=True))]
    proc = model.procedures[chosen[0]]
    args = tuple((f.name, unroll.people[zm.eval(step.args[proc.name][f.name], model_completion=True).as_long()])
                 for f in proc.formals)
    stages = []
    for v in step.stages[proc.name]:
        def people(d):
            chosen = {unroll.people[i] for i, b in d.items() if is_true(zm.eval(b, model_completion=True))}
            return frozenset(chosen)

        notified = people(v.notified)
        keep = (lambda s: s & coalition) if coalition is not None else (lambda s: s)
        stages.append(sem.StageChoice(notified, keep(people(v.attended)), keep(people(v.yes)),
                                      keep(people(v.no)), keep(people(v.abstain))))
    return sem.Step(proc.name, args, tuple(stages))


# ------------------------------------------------------------------ canonical models


def _canonical_model(solver: Solver, unroll: Unrolling, deadline: Deadline, first: list | None = None):
    """Fix the free choices greedily in a fixed order, so the trace shown does not depend on Z3's
    internal state (which varies with whatever ran before in the same process).

    Each decision asks only whether a constraint is satisfiable, a question with a unique answer,
    so the result is the lexicographically least model in the order below: coalition members
    (fewest first), then per step the procedure (in declaration order), its arguments (people in
    declaration order), and per stage and member: not notified, not attending, voting yes, voting
    no.  This also makes scenarios small: nobody is notified or attends without need.
    """
    from z3 import Not

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
        for step in unroll.steps:
            chosen = None
            for name, lit in step.selected.items():
                if decide(lit, True):
                    chosen = unroll.model.procedures[name]
                    break
            if chosen is None:
                break
            for formal in chosen.formals:
                arg = step.args[chosen.name][formal.name]
                for i in range(len(unroll.people)):
                    if decide(arg == i, True):
                        break
            for v in step.stages[chosen.name]:
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


def _search(model: m.Model, depth: int, deadline: Deadline, target, *, from_zero: bool) -> _Outcome:
    """Shortest behaviour (up to ``depth`` steps) whose last state/step satisfies ``target``."""
    unroll = Unrolling(model)
    solver = _solver(deadline)
    if not model.procedures:
        depth = 0
    last_reason = None
    for k in range(0 if from_zero else 1, depth + 1):
        if k > 0:
            unroll.add_step(solver)
        solver.push()
        solver.add(target(unroll, k))
        result, reason = _check(solver, deadline)
        if result == sat:
            zm = _canonical_model(solver, unroll, deadline)
            steps = [_read_step(unroll, zm, s) for s in unroll.steps]
            return _Outcome("sat", steps, k, reason=last_reason)
        solver.pop()
        if result == unknown:
            return _Outcome("unknown", depth=k, reason=f"{reason} at depth {k}")
    return _Outcome("unsat", depth=depth)


def _replay_trace(model: m.Model, steps: list[sem.Step]) -> list[sem.State]:
    states = [sem.initial_state(model)]
    for i, step in enumerate(steps, start=1):
        problems = sem.step_problems(model, states[-1], step)
        if problems:
            raise ReplayError(f"step {i} ({step.procedure}) rejected by the reference semantics: {'; '.join(problems)}")
        states.append(sem.apply(model, states[-1], step))
    return states


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
            unroll.add_forced_step(solver, coalition)
        solver.push()
        if goal.procedure is not None:
            if k == 0:
                solver.pop()
                continue
            solver.add(unroll.steps[-1].selected[goal.procedure])
        else:
            solver.add(unroll.boolean(goal.state, unroll.states[k], {}, None))
        result, reason = _check(solver, deadline)
        if result == sat:
            free = [] if fixed is not None else [coalition[unroll.index[n]] for n in spec.candidates]
            zm = _canonical_model(solver, unroll, deadline, free)
            members = fixed if fixed is not None else frozenset(
                n for i, n in enumerate(names) if is_true(zm.eval(coalition[i], model_completion=True)))
            steps = [_read_step(unroll, zm, s, members) for s in unroll.steps]
            return _Outcome("sat", steps, k, coalition=members)
        solver.pop()
        if result == unknown:
            return _Outcome("unknown", depth=k, reason=f"{reason} at depth {k}")
    return _Outcome("unsat", depth=depth)


def _replay_force(model: m.Model, steps: list[sem.Step], coalition: frozenset[str], goal: m.Goal) -> None:
    state = sem.initial_state(model)
    for i, step in enumerate(steps, start=1):
        try:
            problems = sem.forced_problems(model, state, step, coalition)
        except sem.ReplayLimit as err:
            raise ReplayError(f"step {i}: cannot confirm the forcing step: {err}") from None
        if problems:
            raise ReplayError(f"forcing step {i} ({step.procedure}) rejected by the reference semantics: {'; '.join(problems)}")
        state = sem.apply(model, state, step)
    if goal.procedure is not None:
        if not steps or steps[-1].procedure != goal.procedure:
            raise ReplayError("forcing sequence does not end with the goal procedure")
    elif not sem.eval_bool(goal.state, sem.Env(model, state)):
        raise ReplayError("forcing sequence does not reach the goal state")


# ------------------------------------------------------------------ properties


def _violation(prop: m.Property):
    if prop.kind == "invariant":
        def target(unroll: Unrolling, k: int):
            from z3 import Not
            return Not(unroll.boolean(prop.state, unroll.states[k], {}, None))
        return target, True

    proc = None

    def target(unroll: Unrolling, k: int):
        from z3 import And, Not
        nonlocal proc
        proc = unroll.model.procedures[prop.procedure]
        step = unroll.steps[k - 1]
        state, args, sets = unroll.step_env(step, proc)
        return And(step.selected[proc.name], Not(unroll.boolean(prop.step, state, args, sets, step)))
    return target, False


def _confirm_violation(model: m.Model, prop: m.Property, steps: list[sem.Step], states: list[sem.State]) -> None:
    if prop.kind == "invariant":
        if sem.eval_bool(prop.state, sem.Env(model, states[-1])):
            raise ReplayError("the replayed final state satisfies the invariant")
    else:
        last = steps[-1]
        if last.procedure != prop.procedure or sem.eval_bool(prop.step, sem.step_env(model, states[-2], last)):
            raise ReplayError("the replayed last step satisfies the property")


def reachable(model: m.Model, procedure: str, depth: int, seconds: float) -> _Outcome:
    def target(unroll: Unrolling, k: int):
        return unroll.steps[k - 1].selected[procedure]
    outcome = _search(model, depth, Deadline(seconds), target, from_zero=False)
    if outcome.status == "sat":
        _replay_trace(model, outcome.steps)
    return outcome


def check_property(model: m.Model, prop: m.Property, depth: int, seconds: float,
                   passable: dict[str, bool] | None = None) -> PropertyResult:
    start = time.monotonic()
    deadline = Deadline(seconds)
    scope = Scope(depth)
    common = dict(name=prop.name, kind=prop.kind, line=prop.span.line, cite=prop.cite)

    def done(status, summary, **kw):
        return PropertyResult(status=status, scope=kw.pop("scope", scope), seconds=time.monotonic() - start,
                              summary=summary, **common, **kw)

    if prop.kind in ("invariant", "step"):
        target, from_zero = _violation(prop)
        out = _search(model, depth, deadline, target, from_zero=from_zero)
        if out.status == "sat":
            states = _replay_trace(model, out.steps)
            _confirm_violation(model, prop, out.steps, states)
            what = "a reachable state violates it" if prop.kind == "invariant" else f"a passing '{prop.procedure}' step violates it"
            return done(REFUTED, f"{what} after {out.depth} step(s)", trace=describe(model, out.steps), scope=Scope(out.depth))
        if out.status == "unknown":
            return done(UNKNOWN, "the solver could not decide", reason=out.reason)
        vacuous = prop.kind == "step" and passable is not None and passable.get(prop.procedure) is False
        summary = (f"holds in every behaviour of at most {depth} steps" if not vacuous
                   else f"holds only vacuously: '{prop.procedure}' can never pass within {depth} steps")
        return done(PROVED, summary, vacuous=vacuous)

    goal = prop.goal
    spec = prop.coalition
    if prop.kind == "no_coalition":
        out = _search_force(model, depth, deadline, goal, spec, None)
        if out.status == "sat":
            _replay_force(model, out.steps, out.coalition, goal)
            return done(REFUTED, f"coalition {{{', '.join(sorted(out.coalition, key=natural_key))}}} can force {goal.text} in {out.depth} step(s)",
                        trace=describe(model, out.steps, out.coalition), coalition=tuple(sorted(out.coalition, key=natural_key)),
                        scope=Scope(out.depth))
        if out.status == "unknown":
            return done(UNKNOWN, "the solver could not decide", reason=out.reason)
        vacuous = goal.procedure is not None and passable is not None and passable.get(goal.procedure) is False
        return done(PROVED, f"no coalition of {spec.describe()} can force {goal.text} within {depth} steps", vacuous=vacuous)

    if prop.kind == "coalition_block":
        blockers = frozenset(spec.candidates)
        others = frozenset(p.name for p in model.people) - blockers
        out = _search_force(model, depth, deadline, goal, None, others)
        if out.status == "sat":
            _replay_force(model, out.steps, others, goal)
            return done(REFUTED, f"everyone else together can force {goal.text} against {{{', '.join(sorted(blockers, key=natural_key))}}} "
                        f"in {out.depth} step(s)", trace=describe(model, out.steps, others),
                        coalition=tuple(sorted(others, key=natural_key)), scope=Scope(out.depth))
        if out.status == "unknown":
            return done(UNKNOWN, "the solver could not decide", reason=out.reason)
        return done(PROVED, f"{{{', '.join(sorted(blockers, key=natural_key))}}} can block {goal.text} within {depth} steps")

    if prop.kind == "coalition_force":
        members = frozenset(spec.candidates)
        out = _search_force(model, depth, deadline, goal, None, members)
        if out.status == "sat":
            _replay_force(model, out.steps, members, goal)
            return done(PROVED, f"{{{', '.join(sorted(members, key=natural_key))}}} can force {goal.text} in {out.depth} step(s)",
                        trace=describe(model, out.steps, members), coalition=tuple(sorted(members, key=natural_key)), scope=Scope(out.depth))
        if out.status == "unknown":
            return done(UNKNOWN, "the solver could not decide", reason=out.reason)
        return done(REFUTED, f"{{{', '.join(sorted(members, key=natural_key))}}} has no forcing sequence of at most {depth} steps for {goal.text}",
                    coalition=tuple(sorted(members, key=natural_key)))

    if prop.kind == "every_coalition":
        combos = list(itertools.islice(itertools.combinations(spec.candidates, spec.size), MAX_COALITIONS + 1))
        if len(combos) > MAX_COALITIONS:
            return done(UNKNOWN, "too many coalitions to enumerate",
                        reason=f"more than {MAX_COALITIONS} coalitions of {spec.size}; the symmetry reduction is future work")
        witness = None
        for combo in combos:
            members = frozenset(combo)
            out = _search_force(model, depth, deadline, goal, None, members)
            if out.status == "unknown":
                return done(UNKNOWN, "the solver could not decide", reason=out.reason, coalition=tuple(sorted(members, key=natural_key)))
            if out.status == "unsat":
                return done(REFUTED, f"{{{', '.join(sorted(members, key=natural_key))}}} has no forcing sequence of at most {depth} steps "
                            f"for {goal.text}", coalition=tuple(sorted(members, key=natural_key)))
            _replay_force(model, out.steps, members, goal)
            if witness is None:
                witness = (members, out)
        members, out = witness
        return done(PROVED, f"each of the {len(combos)} coalitions of {spec.size} can force {goal.text} "
                    f"(e.g. {{{', '.join(sorted(members, key=natural_key))}}} in {out.depth} step(s))",
                    trace=describe(model, out.steps, members), coalition=tuple(sorted(members, key=natural_key)))
    raise AssertionError(prop.kind)


def sanity(model: m.Model, depth: int, seconds: float) -> tuple[list[SanityResult], dict[str, bool]]:
    """Can each procedure pass in some behaviour?  (Vacuity checks for the properties.)"""
    results, passable = [], {}
    for proc in model.procedures.values():
        if proc.is_event:
            continue
        out = reachable(model, proc.name, depth, seconds)
        if out.status == "sat":
            passable[proc.name] = True
            results.append(SanityResult(proc.name, proc.span.line, "ok", f"can pass (after {out.depth} step(s))", out.depth))
        elif out.status == "unsat":
            passable[proc.name] = False
            results.append(SanityResult(proc.name, proc.span.line, "warning", f"can never pass within {depth} steps", depth))
        else:
            results.append(SanityResult(proc.name, proc.span.line, "unknown", f"undecided: {out.reason}", out.depth))
    return results, passable
