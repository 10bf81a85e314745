"""From searches to verdicts, the same for every engine.

An *engine* answers three questions about a model within a depth and a deadline (each an
:class:`Outcome`): is there a behaviour violating a trace property (``violation``), can a procedure
pass at all (``reachable``), can a coalition force a goal (``force``).  The Z3 engine
(:mod:`verifier.solve`) and the explicit-state engine (:mod:`govspec.explicit`) both implement
them.  This module turns outcomes into :class:`PropertyResult` verdicts with honest scopes, and
replays every trace on the reference semantics first: a trace the interpreter rejects raises
:class:`ReplayError`, an internal error that is never shown as a finding.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, replace
from typing import Protocol

from . import model as m
from . import semantics as sem
from .report import PROVED, REFUTED, UNKNOWN, PropertyResult, SanityResult, Scope
from .scenario import describe, natural_key

MAX_COALITIONS = 500


class Unconfirmed(Exception):
    """A scenario too large for the reference semantics to confirm: the verdict is UNKNOWN, never shown unchecked."""


class ReplayError(Exception):
    """An engine produced a behaviour the reference semantics rejects: an engine bug."""


@dataclass
class Outcome:
    status: str  # found | none | unknown
    steps: list[sem.Step] | None = None
    depth: int = 0
    reason: str | None = None
    coalition: frozenset[str] | None = None


class Deadline:
    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def remaining_ms(self) -> int:
        return max(0, int((self.end - time.monotonic()) * 1000))

    def expired(self) -> bool:
        return self.remaining_ms() <= 0


class Engine(Protocol):
    name: str

    def violation(self, model: m.Model, prop: m.Property, depth: int, deadline: Deadline) -> Outcome: ...

    def reachable(self, model: m.Model, procedure: str, depth: int, deadline: Deadline, phase: str = "pass") -> Outcome: ...

    def force(self, model: m.Model, goal: m.Goal, depth: int, deadline: Deadline,
              spec: m.CoalitionSpec | None, fixed: frozenset[str] | None) -> Outcome: ...


# ------------------------------------------------------------------ replay


def replay_trace(model: m.Model, steps: list[sem.Step]) -> list[sem.State]:
    states = [sem.initial_state(model)]
    for i, step in enumerate(steps, start=1):
        problems = sem.step_problems(model, states[-1], step)
        if problems:
            raise ReplayError(f"step {i} ({step.procedure}) rejected by the reference semantics: {'; '.join(problems)}")
        states.append(sem.apply(model, states[-1], step))
    return states


def replay_force(model: m.Model, steps: list[sem.Step], coalition: frozenset[str], goal: m.Goal) -> None:
    state = sem.initial_state(model)
    for i, step in enumerate(steps, start=1):
        try:
            problems = sem.forced_problems(model, state, step, coalition)
        except sem.ReplayLimit as err:
            raise Unconfirmed(f"step {i} of the scenario found cannot be confirmed: {err}") from None
        if problems:
            raise ReplayError(f"forcing step {i} ({step.procedure}) rejected by the reference semantics: {'; '.join(problems)}")
        state = sem.apply(model, state, step)
    if goal.procedure is not None:
        if not steps or (steps[-1].procedure, steps[-1].phase) != (goal.procedure, goal.phase):
            raise ReplayError("forcing sequence does not end with the goal procedure")
    elif not sem.eval_bool(goal.state, sem.Env(model, state)):
        raise ReplayError("forcing sequence does not reach the goal state")


def confirm_violation(model: m.Model, prop: m.Property, steps: list[sem.Step]) -> None:
    states = replay_trace(model, steps)
    if prop.kind == "invariant":
        if sem.eval_bool(prop.state, sem.Env(model, states[-1])):
            raise ReplayError("the replayed final state satisfies the invariant")
    else:
        last = steps[-1] if steps else None
        if (last is None or (last.procedure, last.phase) != (prop.procedure, prop.phase)
                or sem.eval_bool(prop.step, sem.step_env(model, states[-2], last))):
            raise ReplayError("the replayed last step satisfies the property")


# ------------------------------------------------------------------ verdicts


def _key(procedure: str, phase: str) -> str:
    """How sanity results name a procedure's vote passing, or a timed procedure taking effect."""
    return procedure if phase == "pass" else f"{procedure}.{'executed' if phase == 'execute' else 'vetoed'}"


def _set(names) -> str:
    return "{" + ", ".join(sorted(names, key=natural_key)) + "}"


def _sorted(names) -> tuple[str, ...]:
    return tuple(sorted(names, key=natural_key))


def check_property(engine: Engine, model: m.Model, prop: m.Property, depth: int, seconds: float,
                   passable: dict[str, bool] | None = None, unbounded: bool = False) -> PropertyResult:
    """The verdict on one property (see :func:`_verdict`); UNKNOWN when a scenario found cannot be confirmed."""
    start = time.monotonic()
    try:
        result = _verdict(engine, model, prop, depth, seconds, passable, unbounded)
        if model.sizes:
            result = _every_size(engine, model, prop, result, depth, seconds - (time.monotonic() - start), unbounded)
        return result
    except Unconfirmed as err:
        return PropertyResult(name=prop.name, kind=prop.kind, line=prop.span.line, cite=prop.cite,
                              path=None if prop.span.path == model.path else prop.span.path, status=UNKNOWN,
                              scope=Scope(depth), seconds=time.monotonic() - start,
                              summary=f"the {engine.name} engine found a scenario the reference semantics cannot confirm",
                              reason=str(err))


def _sizes_text(sizes: dict[str, int]) -> str:
    return ", ".join(f"{g} of {n}" for g, n in sorted(sizes.items()))


def _ranges_text(model: m.Model) -> str:
    return ", ".join(f"{g} of {low} to {high}" if high is not None else f"{g} of at least {low}"
                     for g, (low, high) in sorted(model.sizes.items()))


def _every_size(engine: Engine, model: m.Model, prop: m.Property, result: PropertyResult, depth: int,
                seconds: float, unbounded: bool) -> PropertyResult:
    """A spec with groups of variable size stands for one organisation per size; ``result`` is the
    verdict on the instance at the least sizes.  PROVED becomes PROVED for every size (scope
    ``sizes: all``) when the engine searches every size at once and finds nothing; when it finds a
    counterexample at some sizes, the spec at those sizes is checked like any spec, so the
    counterexample shown is replayed on the reference semantics, and its summary names the sizes."""
    least = {g: low for g, (low, _) in model.sizes.items()}
    if result.status != PROVED:
        return replace(result, summary=f"{result.summary} (with {_sizes_text(least)})")
    search = getattr(engine, "all_sizes", None)
    answer = search(model, prop, depth, Deadline(max(seconds, 0.001)), unbounded) if search is not None else None
    if answer is not None and answer.status == "holds":
        every = f"for every size ({_ranges_text(model)})"
        if result.vacuous:  # (found at the least size only: at larger sizes the procedure may pass)
            return replace(result, scope=Scope(answer.depth, "all"), vacuous=False,
                           summary=f"no counterexample at any size ({_ranges_text(model)}); with "
                                   f"{_sizes_text(least)} it {result.summary}")
        if answer.depth is None or result.scope.depth is not None:
            return replace(result, scope=Scope(answer.depth, "all"), summary=f"{result.summary}, {every}")
        return replace(result, scope=Scope(answer.depth, "all"),  # any length was shown at the least sizes only
                       summary=f"holds in every behaviour of at most {depth} steps, {every}; in behaviours of any "
                               f"length with {_sizes_text(least)} (not for every size: {answer.reason})")
    if answer is not None and answer.status == "fails":
        from .api import instance  # (the spec at other sizes is loaded like any spec)

        at = instance(model, answer.sizes)
        again = check_property(engine, at, next(p for p in at.properties if p.name == prop.name), depth,
                               max(seconds, 0.001), None, unbounded)
        if again.status == REFUTED:
            return replace(again, summary=f"with {_sizes_text(answer.sizes)}: {again.summary}")
        raise Unconfirmed(f"the search over every size found a counterexample with {_sizes_text(answer.sizes)}, "
                          f"which checking the spec at those sizes does not confirm ({again.status})")
    why = answer.reason if answer is not None else f"the {engine.name} engine checks the sizes as written only"
    return replace(result, summary=f"{result.summary} (with {_sizes_text(least)} only; not for every size: {why})")


def _verdict(engine: Engine, model: m.Model, prop: m.Property, depth: int, seconds: float,
             passable: dict[str, bool] | None = None, unbounded: bool = False) -> PropertyResult:
    """The verdict on one property.  With ``unbounded``, a property with no counterexample up to
    ``depth`` is also tried for behaviours of any length (engines with ``prove_unbounded``): PROVED
    then has scope ``depth: null``; otherwise the bounded verdict stands and says why."""
    start = time.monotonic()
    deadline = Deadline(seconds)
    scope = Scope(depth)
    common = dict(name=prop.name, kind=prop.kind, line=prop.span.line, cite=prop.cite,
                  path=None if prop.span.path == model.path else prop.span.path)

    def done(status, summary, **kw):
        return PropertyResult(status=status, scope=kw.pop("scope", scope), seconds=time.monotonic() - start,
                              summary=summary, **common, **kw)

    def undecided(out: Outcome, **kw):
        return done(UNKNOWN, f"the {engine.name} engine could not decide", reason=out.reason, **kw)

    def proved(bounded: str, any_length: str, vacuous: bool = False):
        """PROVED within the depth, and for any length when an unbounded proof is found."""
        if not unbounded or vacuous or not hasattr(engine, "prove_unbounded"):
            return done(PROVED, bounded, vacuous=vacuous)
        ok, why = engine.prove_unbounded(model, prop, deadline)
        if ok:
            return done(PROVED, any_length, scope=Scope(None))
        return done(PROVED, f"{bounded} (no proof for longer behaviours: {why})")

    if prop.kind in ("invariant", "step"):
        out = engine.violation(model, prop, depth, deadline)
        if out.status == "found":
            confirm_violation(model, prop, out.steps)
            if prop.kind == "invariant":
                what = "the initial state violates it" if out.depth == 0 else f"a state reached after {out.depth} step(s) violates it"
            else:
                label = prop.procedure + {"pass": "", "execute": ".executed", "veto": ".vetoed"}[prop.phase]
                what = f"a passing '{label}' step violates it after {out.depth} step(s)"
            return done(REFUTED, what, trace=describe(model, out.steps), scope=Scope(out.depth))
        if out.status == "unknown":
            return undecided(out)
        # "never P" says exactly that P cannot pass: it is the one step rule that is not vacuous then
        vacuous = (prop.kind == "step" and prop.step != m.BoolConst(False) and passable is not None
                   and passable.get(_key(prop.procedure, prop.phase)) is False)
        summary = (f"holds in every behaviour of at most {depth} steps" if not vacuous
                   else f"holds only vacuously: '{prop.procedure}' can never pass within {depth} steps")
        return proved(summary, "holds in every behaviour, of any length (an inductive invariant excludes every violation)",
                      vacuous)

    goal, spec = prop.goal, prop.coalition
    if prop.kind == "no_coalition" and spec.principals:
        groups = largest_principal_coalitions(model, spec)
        if groups is None:
            return done(UNKNOWN, "too many coalitions to enumerate",
                        reason=f"more than {MAX_COALITIONS} coalitions of {spec.size} principals")
        best = None
        for members in groups:
            out = engine.force(model, goal, depth, deadline, None, members)
            if out.status == "unknown":
                return undecided(out, coalition=_sorted(members))
            if out.status == "found" and (best is None or out.depth < best[1].depth):
                best = (members, out)
        if best is not None:
            members, out = best
            replay_force(model, out.steps, members, goal)
            return done(REFUTED, f"coalition {_set(members)} ({_principal_names(model, members)}) can force {goal.text} "
                        f"in {out.depth} step(s)", trace=describe(model, out.steps, members),
                        coalition=_sorted(members), scope=Scope(out.depth))
        vacuous = goal.procedure is not None and passable is not None and passable.get(_key(goal.procedure, goal.phase)) is False
        summary = (f"no coalition of {spec.describe()} can force {goal.text} within {depth} steps" if not vacuous else
                   f"holds only vacuously: '{goal.procedure}' can never pass within {depth} steps")
        return proved(summary, f"no coalition of {spec.describe()} can force {goal.text}, in behaviours of any length",
                      vacuous)

    if prop.kind == "no_coalition":
        out = engine.force(model, goal, depth, deadline, spec, None)
        if out.status == "found":
            replay_force(model, out.steps, out.coalition, goal)
            return done(REFUTED, f"coalition {_set(out.coalition)} can force {goal.text} in {out.depth} step(s)",
                        trace=describe(model, out.steps, out.coalition), coalition=_sorted(out.coalition),
                        scope=Scope(out.depth))
        if out.status == "unknown":
            return undecided(out)
        vacuous = goal.procedure is not None and passable is not None and passable.get(_key(goal.procedure, goal.phase)) is False
        summary = (f"no coalition of {spec.describe()} can force {goal.text} within {depth} steps" if not vacuous else
                   f"holds only vacuously: '{goal.procedure}' can never pass within {depth} steps")
        return proved(summary, f"no coalition of {spec.describe()} can force {goal.text}, in behaviours of any length",
                      vacuous)

    if prop.kind == "coalition_block":
        blockers = frozenset(spec.candidates)
        others = frozenset(p.name for p in model.people) - blockers
        out = engine.force(model, goal, depth, deadline, None, others)
        if out.status == "found":
            replay_force(model, out.steps, others, goal)
            return done(REFUTED, f"everyone else together can force {goal.text} against {_set(blockers)} in {out.depth} step(s)",
                        trace=describe(model, out.steps, others), coalition=_sorted(others), scope=Scope(out.depth))
        if out.status == "unknown":
            return undecided(out)
        return proved(f"{_set(blockers)} can block {goal.text} within {depth} steps",
                      f"{_set(blockers)} can block {goal.text}, in behaviours of any length")

    if prop.kind == "coalition_force":
        members = frozenset(spec.candidates)
        out = engine.force(model, goal, depth, deadline, None, members)
        if out.status == "found":
            replay_force(model, out.steps, members, goal)
            # a forcing sequence is a proof for behaviours of any length: it exists
            return done(PROVED, f"{_set(members)} can force {goal.text} in {out.depth} step(s)",
                        trace=describe(model, out.steps, members), coalition=_sorted(members), scope=Scope(None))
        if out.status == "unknown":
            return undecided(out)
        return done(REFUTED, f"{_set(members)} has no forcing sequence of at most {depth} steps for {goal.text}",
                    coalition=_sorted(members))

    if prop.kind == "every_coalition":
        if spec.principals:
            combos = _principal_coalitions(model, spec, spec.size) or [None] * (MAX_COALITIONS + 1)
            if len(combos) > MAX_COALITIONS:
                return done(UNKNOWN, "too many coalitions to enumerate",
                            reason=f"more than {MAX_COALITIONS} coalitions of {spec.size} principals up to symmetry")
            count = math.comb(len(_principals(model, spec)), spec.size)
        else:
            keys = _symmetry_keys(model)
            combos, count = _coalitions_up_to_symmetry(list(spec.candidates), spec.size, keys.__getitem__)
        if len(combos) > MAX_COALITIONS:
            # an engine may name the one coalition that decides it (one that cannot force, else any)
            every = getattr(engine, "every_coalition", None)
            decisive = every(model, goal, depth, spec) if every is not None else None
            if decisive is None:
                return done(UNKNOWN, "too many coalitions to enumerate",
                            reason=f"more than {MAX_COALITIONS} coalitions of {spec.size}, up to symmetry")
            combos, count = [tuple(decisive)], math.comb(len(spec.candidates), spec.size)
        witness = None
        for combo in combos:
            members = frozenset(combo)
            out = engine.force(model, goal, depth, deadline, None, members)
            if out.status == "unknown":
                return undecided(out, coalition=_sorted(members))
            if out.status == "none":
                return done(REFUTED, f"{_set(members)} has no forcing sequence of at most {depth} steps for {goal.text}",
                            coalition=_sorted(members))
            replay_force(model, out.steps, members, goal)
            if witness is None:
                witness = (members, out)
        members, out = witness
        unit = " principals" if spec.principals else ""
        return done(PROVED, f"each of the {count} coalitions of {spec.size}{unit} can force {goal.text} "
                    f"(e.g. {_set(members)} in {out.depth} step(s))",
                    trace=describe(model, out.steps, members), coalition=_sorted(members), scope=Scope(None))
    raise AssertionError(prop.kind)


def largest_principal_coalitions(model: m.Model, spec: m.CoalitionSpec) -> list[frozenset[str]] | None:
    """The largest coalitions of principals a 'no coalition of at most K principals' allows, up to
    symmetry, each with all its candidate keys (None: too many)."""
    return _principal_coalitions(model, spec, min(spec.size, len(_principals(model, spec))))


def _principals(model: m.Model, spec: m.CoalitionSpec) -> list[str]:
    """The principals of a coalition's candidates, in declaration order."""
    return list(dict.fromkeys(model.person(c).principal for c in spec.candidates))


def _symmetry_keys(model: m.Model) -> dict[str, object]:
    """person -> a key such that swapping two people with the same key maps the spec onto itself
    (the same weight, tags, principal and bodies at the start; named by no office, rule, effect or
    property); a person the spec tells apart is keyed by their own name."""
    named = {o.holder for o in model.offices.values() if o.holder}
    exprs = []
    for proc in model.procedures.values():
        stages = [*proc.stages, *([proc.window_stage] if proc.window_stage else [])]
        exprs += [r.expr for r in [*proc.guards, *[s.passes for s in stages], *[s.quorum for s in stages if s.quorum]]]
        exprs += [e for eff in proc.effects for e in (eff.person, eff.other, eff.amount) if e is not None]
        if proc.lifecycle is not None and proc.lifecycle.threshold is not None:
            exprs.append(proc.lifecycle.threshold)
    for prop in model.properties:
        exprs += [e for e in (prop.state, prop.step, prop.goal.state if prop.goal else None) if e is not None]
    for e in exprs:
        named |= {x.name for x in m.walk(e) if isinstance(x, m.PersonConst)}
    named |= {p.principal for p in model.people if p.principal != p.name}  # whoever holds others' keys
    bodies = {p.name: [] for p in model.people}
    for b in model.bodies.values():
        for n in b.members:
            bodies[n].append(b.name)
    return {p.name: p.name if p.name in named else
            ("alike", p.weight, p.tags, tuple(bodies[p.name]), p.principal if p.principal != p.name else None)
            for p in model.people}


def _coalitions_up_to_symmetry(items: list[str], size: int, key) -> tuple[list[tuple[str, ...]], int]:
    """One coalition of ``size`` items per class of coalitions that a symmetry of the spec maps onto
    each other (items with equal ``key(item)`` are interchangeable), and how many coalitions there
    are in all.  The one kept is the first of its class in the order of itertools.combinations,
    and they come in that order, so the first coalition with a property is the one a full
    enumeration finds first.  At most MAX_COALITIONS + 1 are made."""
    groups: dict[object, list[str]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    position = {item: i for i, item in enumerate(items)}
    found = []

    def shapes(rest: list[list[str]], left: int, chosen: list[str]):
        if len(found) > MAX_COALITIONS:
            return
        if not rest:
            if left == 0:
                found.append(tuple(sorted(chosen, key=position.__getitem__)))
            return
        for c in range(min(left, len(rest[0])), -1, -1):
            shapes(rest[1:], left - c, chosen + rest[0][:c])

    shapes(list(groups.values()), size, [])
    return sorted(found, key=lambda combo: [position[x] for x in combo]), math.comb(len(items), size)


def _principal_coalitions(model: m.Model, spec: m.CoalitionSpec, size: int) -> list[frozenset[str]] | None:
    """Every coalition of ``size`` principals up to symmetry, as the set of their candidate keys
    (None: too many).  A principal with one candidate key, a person alike others, is
    interchangeable with the principals of the others."""
    keys = _symmetry_keys(model)
    held: dict[str, list[str]] = {}
    for c in spec.candidates:
        held.setdefault(model.person(c).principal, []).append(c)
    combos, _ = _coalitions_up_to_symmetry(
        _principals(model, spec), size,
        lambda pr: keys[held[pr][0]] if len(held[pr]) == 1 and held[pr][0] == pr and keys[pr] != pr else pr)
    if len(combos) > MAX_COALITIONS:
        return None
    return [frozenset(c for c in spec.candidates if model.person(c).principal in combo) for combo in combos]


def _principal_names(model: m.Model, members) -> str:
    names = sorted({model.person(p).principal for p in members})
    return ("principal " if len(names) == 1 else "principals ") + ", ".join(names)


def sanity(engine: Engine, model: m.Model, depth: int, seconds: float) -> tuple[list[SanityResult], dict[str, bool]]:
    """Can each procedure pass in some behaviour?  (Vacuity checks for the properties.)"""
    results, passable = [], {}
    for proc in model.procedures.values():
        if proc.is_event:
            continue
        where = dict(path=None if proc.span.path == model.path else proc.span.path)
        for phase in ("pass", "execute") if proc.timed else ("pass",):
            key = _key(proc.name, phase)
            verb = "pass" if phase == "pass" else "take effect"
            out = engine.reachable(model, proc.name, depth, Deadline(seconds), phase)
            if out.status == "found":
                replay_trace(model, out.steps)
                passable[key] = True
                results.append(SanityResult(key, proc.span.line, "ok", f"can {verb} (after {out.depth} step(s))", out.depth, **where))
            elif out.status == "none":
                passable[key] = False
                at = f" with {_sizes_text({g: low for g, (low, _) in model.sizes.items()})}" if model.sizes else ""
                results.append(SanityResult(key, proc.span.line, "warning", f"can never {verb} within {depth} steps{at}",
                                            depth, **where))
            else:
                results.append(SanityResult(key, proc.span.line, "unknown", f"undecided: {out.reason}", out.depth, **where))
    return results, passable
