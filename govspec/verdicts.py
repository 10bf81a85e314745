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
from .report import BOUNDED, PROVED, REFUTED, UNKNOWN, PropertyResult, SanityResult, Scope
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


# ------------------------------------------------------------------ the search until decided

FIRST_DEPTH = 4  # the first bounded search; deeper ones follow while the property is undecided
SIZE_ROUNDS = 4  # a group of variable size not searched at every size at once: its next sizes, one box at a time
EFFORT_DEPTH = 8  # at effort 1, how many steps deeper than the first search the search may go (depth 12)
EXHAUSTION_SECONDS = 10.0  # at effort 1, the time a proof by exhaustion may take after Z3's prover found none


@dataclass
class Budget:
    """How far one property's search may go: ``cap`` steps at most (None: no cap, ``--depth``), and
    after the first search, at most ``effort`` times EFFORT_DEPTH steps deeper (a count of steps,
    not of seconds or solver work, so the same check gives the same verdict on a busy machine and
    whatever ran before it); the deadline (``--timeout``) bounds it all."""

    cap: int | None
    effort: float
    deadline: Deadline
    prove: bool = True  # also try proofs for behaviours of any length (False: a bounded search only)
    recheck: bool = False  # re-check each invariant with a second solver (cvc5) before PROVED (--recheck-cvc5)
    invariant: str | None = None  # set by the last proof of any length: its invariant in GovSpec terms

    @property
    def first(self) -> int:
        return FIRST_DEPTH if self.cap is None else min(self.cap, FIRST_DEPTH)


class _Deepening:
    """One question searched at growing depths under a budget: ``ask(start, depth)`` searches the
    behaviours of ``start`` to ``depth`` steps (the caller never asks twice for a depth)."""

    def __init__(self, engine: Engine, budget: Budget, ask):
        self.engine, self.budget, self.ask = engine, budget, ask
        self.searched = -1  # every depth up to this one was searched and found nothing
        self.stopped = ""  # why the search went no deeper

    def first(self) -> Outcome:
        out = self.ask(0, self.budget.first)
        if out.status == "none":
            self.searched = self.budget.first
        elif out.status == "unknown":
            self.searched = out.depth - 1
        return out

    def deeper(self) -> Outcome:
        """Search one step deeper at a time until something is found, or the cap, the budget or
        the time runs out (then an outcome "none" whose depth is the deepest complete search)."""
        b = self.budget
        deepest = b.first + round(b.effort * EFFORT_DEPTH)
        while True:
            k = self.searched + 1
            if b.cap is not None and k > b.cap:
                self.stopped = f"--depth {b.cap} caps the search"
                break
            if not b.prove:
                self.stopped = "a bounded search was asked for"
                break
            if k > deepest:
                self.stopped = f"the search budget ran out at depth {deepest} (--effort)"
                break
            if b.deadline.expired():
                self.stopped = "the time limit was reached (--timeout)"
                break
            out = self.ask(k, k)
            if out.status == "found":
                return out
            if out.status == "unknown":
                self.stopped = f"the {self.engine.name} engine gave up at depth {k} ({_one_line(out.reason or 'unknown')})"
                break
            self.searched = k
        return Outcome("none", depth=self.searched)


LONGER = "a longer behaviour may violate it"  # (verifier/unbounded.py: the Horn-clause engine found one)


def _one_line(text: str, limit: int = 160) -> str:
    """A solver's message as one short line (some are thousands of characters long)."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _any_length(engine: Engine, model: m.Model, budget: Budget, attempt) -> tuple[bool, str, str]:
    """(proved, why not, how): a proof for behaviours of any length, by the engine's own prover,
    then (for an engine that has none that succeeded) by exhausting the finite state space on the
    reference semantics.  ``attempt(prover, deadline)`` asks one prover; None: it cannot ask this."""
    budget.invariant = None
    if not budget.prove:
        return False, "a bounded search was asked for", ""
    why = []
    if hasattr(engine, "prove_unbounded"):
        answer = attempt(engine, budget.deadline)
        if answer is not None:
            ok, reason = answer
            how = getattr(engine, "last_proof", "") or "an inductive invariant"
            if ok and budget.recheck and hasattr(engine, "recheck_second_solver"):
                seconds = max(1.0, budget.deadline.remaining_ms() / 1000)
                status, detail = engine.recheck_second_solver(seconds)
                if status == "invalid":
                    ok, reason = False, f"cvc5 rejects the invariant ({_one_line(detail)})"
                elif status == "valid":
                    how += ", and by cvc5"
                else:
                    how += f" (cvc5 did not re-check it: {_one_line(detail)})"
            if ok:
                shown = [c.readable for c in getattr(engine, "last_certificates", []) if getattr(c, "readable", "")]
                budget.invariant = "; ".join(shown) or None
                return True, "", how
            why.append(_one_line(reason))
    if engine.name != "explicit" and not any(w.startswith(LONGER) for w in why):
        # (when the Horn-clause engine found that a violation exists, exploring states cannot prove it)
        from . import explicit

        exhaust = getattr(explicit, "ExplicitEngine", None)
        if exhaust is not None and hasattr(exhaust, "prove_unbounded") and not budget.deadline.expired():
            second = exhaust()
            # its own share of the time: exploring states that never end (tokens minted without end)
            # must not eat the deeper search's time
            share = Deadline(min(budget.deadline.remaining_ms() / 1000, EXHAUSTION_SECONDS * max(budget.effort, 0.1)))
            answer = attempt(second, share)
            if answer is not None:
                ok, reason = answer
                if ok:
                    return True, "", getattr(second, "last_proof", "") or "every reachable state explored"
                why.append(f"exhaustive exploration: {_one_line(reason)}")
    return False, "; ".join(why) or "no proof of any length for this kind of property", ""


def check_property(engine: Engine, model: m.Model, prop: m.Property, depth: int | None, seconds: float,
                   passable: dict[str, bool] | None = None, unbounded: bool = False,
                   effort: float = 1.0, recheck: bool = False) -> PropertyResult:
    """The verdict on one property.

    ``depth`` caps the search (None: no cap).  With ``unbounded``, the search goes on until the
    property is decided (PROVED for any length and every size, or REFUTED) or the budget
    (``effort``) or ``seconds`` run out, interleaving deeper bounded searches with the provers of
    any length; what it could not decide is BOUNDED (with the scope searched and why it is not a
    proof) or UNKNOWN.  Without ``unbounded``, one bounded search to ``depth`` (never PROVED for a
    property that needs a proof of any length).  UNKNOWN when a scenario found cannot be confirmed."""
    start = time.monotonic()
    budget = Budget(depth, effort, Deadline(seconds), prove=unbounded, recheck=recheck)
    if not unbounded and depth is None:
        budget.cap = FIRST_DEPTH
    try:
        result = _verdict(engine, model, prop, budget, passable)
        if model.sizes:
            result = _every_size(engine, model, prop, result, budget, passable)
        return replace(result, seconds=time.monotonic() - start)
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


def _size_boxes(model: m.Model):
    """Growing boxes of sizes beyond the least: each round, every group one size larger (up to its
    greatest), with the instances the box adds.  Yields (box, new instances)."""
    least = {g: low for g, (low, _) in model.sizes.items()}
    box = dict(least)
    for _ in range(SIZE_ROUNDS):
        grown = {g: n + 1 if model.sizes[g][1] is None or n < model.sizes[g][1] else n for g, n in box.items()}
        if grown == box:
            return
        groups = sorted(grown)
        fresh = [dict(zip(groups, combo)) for combo in itertools.product(*[range(least[g], grown[g] + 1) for g in groups])
                 if any(combo[i] > box[g] for i, g in enumerate(groups))]
        box = grown
        yield dict(box), fresh


def _every_size(engine: Engine, model: m.Model, prop: m.Property, result: PropertyResult, budget: Budget,
                passable: dict[str, bool] | None) -> PropertyResult:
    """A spec with groups of variable size stands for one organisation per size; ``result`` is the
    verdict on the instance at the least sizes.  It is PROVED only when the engine searches every
    size at once and proves it for any length (scope ``sizes: all``).  A counterexample at some
    sizes is checked on the spec at those sizes, like any spec, so what is shown is replayed.
    Otherwise the next sizes are checked one by one within the budget: a counterexample there
    refutes it; else the verdict is BOUNDED, naming the sizes searched."""
    least = {g: low for g, (low, _) in model.sizes.items()}
    at_least = tuple((g, n, n) for g, n in sorted(least.items()))
    if result.status in (REFUTED, UNKNOWN):
        return replace(result, summary=f"{result.summary} (with {_sizes_text(least)})")
    from .api import instance  # (the spec at other sizes is loaded like any spec)

    def refuted_at(sizes: dict[str, int], seconds: float, cap: int | None, prove: bool) -> PropertyResult:
        at = instance(model, sizes)
        again = _verdict(engine, at, next(p for p in at.properties if p.name == prop.name),
                         Budget(cap, budget.effort, Deadline(max(seconds, 0.001)), prove, budget.recheck), None)
        return again

    why_not_all = ""
    if result.status == PROVED and result.kind not in ("coalition_force", "every_coalition"):
        search = getattr(engine, "all_sizes", None)
        answer = (search(model, prop, budget.first, budget.deadline, budget.prove)
                  if search is not None else None)
        if answer is not None and answer.status == "holds":
            every = f"for every size ({_ranges_text(model)})"
            if answer.depth is None:
                return replace(result, scope=Scope(None, "all"), vacuous=False if result.vacuous else result.vacuous,
                               summary=(f"no counterexample at any size ({_ranges_text(model)}), in behaviours of "
                                        f"any length; with {_sizes_text(least)} it {result.summary}") if result.vacuous
                               else f"{result.summary}, {every}")
            why_not_all = f"every size was searched to depth {answer.depth} only ({_one_line(answer.reason or '')})"
            result = replace(result, status=BOUNDED, scope=Scope(answer.depth, "all"),
                             summary=f"holds in every behaviour of at most {answer.depth} steps, {every}; "
                                     f"in behaviours of any length with {_sizes_text(least)}",
                             reason=f"not a proof: {why_not_all}")
            return result
        if answer is not None and answer.status == "fails":
            again = refuted_at(answer.sizes, budget.deadline.remaining_ms() / 1000, budget.cap, budget.prove)
            if again.status == REFUTED:
                return replace(again, summary=f"with {_sizes_text(answer.sizes)}: {again.summary}")
            raise Unconfirmed(f"the search over every size found a counterexample with {_sizes_text(answer.sizes)}, "
                              f"which checking the spec at those sizes does not confirm ({again.status})")
        why_not_all = _one_line(answer.reason if answer is not None else
                                f"the {engine.name} engine checks the sizes as written only")
    elif result.kind in ("coalition_force", "every_coalition"):
        why_not_all = "a coalition's power is checked at each size separately"
    else:
        why_not_all = "no proof at the least sizes"
    # the next sizes, one box at a time, while the budget lasts: a counterexample there refutes it
    box, depth = dict(least), result.scope.depth
    searched_all_lengths = result.scope.depth is None
    for grown, fresh in _size_boxes(model):
        if budget.deadline.expired() or not budget.prove:
            break
        for sizes in fresh:
            share = budget.deadline.remaining_ms() / 1000 / max(1, len(fresh))
            again = refuted_at(sizes, share, result.scope.depth if result.scope.depth is not None else budget.cap,
                               budget.prove)
            if again.status == REFUTED:
                return replace(again, summary=f"with {_sizes_text(sizes)}: {again.summary}")
            if again.status not in (PROVED, BOUNDED):
                return replace(result, status=BOUNDED, scope=Scope(depth, tuple((g, least[g], box[g]) for g in sorted(box))),
                               reason=f"not a proof: {why_not_all}; with {_sizes_text(sizes)} the check was "
                                      f"{again.status} ({_one_line(again.reason or '')})")
            if again.scope.depth is not None:
                searched_all_lengths = False
                depth = again.scope.depth if depth is None else min(depth, again.scope.depth)
        box = grown
    sizes = tuple((g, least[g], box[g]) for g in sorted(box))
    if not searched_all_lengths and depth is None:
        depth = budget.first
    shown = "it " + result.summary if result.status == PROVED else result.summary
    return replace(result, status=BOUNDED, scope=Scope(depth, sizes),
                   summary=f"with {Scope(None, sizes).sizes_text()}: {shown}" if result.status == PROVED else
                   f"{result.summary} (with {Scope(None, sizes).sizes_text()})",
                   reason=f"not a proof for every size: {why_not_all}" + (f"; {result.reason}" if result.reason else ""))


def _verdict(engine: Engine, model: m.Model, prop: m.Property, budget: Budget,
             passable: dict[str, bool] | None = None) -> PropertyResult:
    """The verdict on one property of one instance (see :func:`check_property`)."""
    start = time.monotonic()
    deadline = budget.deadline
    common = dict(name=prop.name, kind=prop.kind, line=prop.span.line, cite=prop.cite,
                  path=None if prop.span.path == model.path else prop.span.path)

    def done(status, summary, scope, **kw):
        return PropertyResult(status=status, scope=scope, seconds=time.monotonic() - start,
                              summary=summary, **common, **kw)

    def undecided(out: Outcome, **kw):
        return done(UNKNOWN, f"the {engine.name} engine could not decide", Scope(out.depth),
                    reason=_one_line(out.reason or "unknown"), **kw)

    def never_passes(procedure: str, phase: str) -> bool:
        return passable is not None and passable.get(_key(procedure, phase)) is False

    def safety(search: _Deepening, attempt, refuted, holds_within: str, holds_always: str, vacuous: bool = False,
               **kw) -> PropertyResult:
        """A property that no behaviour (or no forcing sequence) may violate: REFUTED with the
        shortest violation found, PROVED with a proof of any length, else BOUNDED."""
        out = search.first()
        if out.status == "found":
            return refuted(out)
        if out.status == "unknown" and search.searched < 1:
            return undecided(out, **kw)
        why = ""
        if out.status == "none" and search.searched < 1 and prop.goal is not None:
            # (a coalition's proofs of any length presume the first steps were searched: the one-vote argument does)
            why = "no step was searched (--depth 0)"
            search.deeper()
        elif out.status == "none":
            ok, why, how = _any_length(engine, model, budget, attempt)
            if ok:
                return done(PROVED, holds_always, Scope(None), vacuous=vacuous, how=how, invariant=budget.invariant, **kw)
            out = search.deeper()
            if out.status == "found":
                return refuted(out)
        else:
            search.stopped = f"the {engine.name} engine gave up at depth {out.depth} ({_one_line(out.reason or 'unknown')})"
        k = search.searched
        reason = f"not a proof: no proof of any length ({why or 'not attempted'}); {search.stopped}"
        return done(BOUNDED, holds_within.replace("{steps}", _steps(k)), Scope(k), vacuous=vacuous, reason=reason,
                    searched=k, **kw)

    if prop.kind in ("invariant", "step"):
        search = _Deepening(engine, budget, lambda s, d: engine.violation(model, prop, d, deadline, start=s)
                            if s else engine.violation(model, prop, d, deadline))

        def refuted(out: Outcome) -> PropertyResult:
            confirm_violation(model, prop, out.steps)
            if prop.kind == "invariant":
                what = ("the initial state violates it" if out.depth == 0
                        else f"a state reached after {_steps(out.depth)} violates it")
            else:
                label = prop.procedure + {"pass": "", "execute": ".executed", "veto": ".vetoed"}[prop.phase]
                what = f"a passing '{label}' step violates it after {_steps(out.depth)}"
            return done(REFUTED, what, Scope(out.depth), trace=describe(model, out.steps))

        # "never P" says exactly that P cannot pass: it is the one step rule that is not vacuous then
        vacuous = prop.kind == "step" and prop.step != m.BoolConst(False) and never_passes(prop.procedure, prop.phase)
        within = ("holds in every behaviour of at most {steps}" if not vacuous else
                  f"holds only vacuously: '{prop.procedure}' can never pass " + "within {steps}")
        always = "holds in every behaviour, of any length (shown by {how})" if not vacuous else \
            _vacuously(prop.procedure)
        result = safety(search, lambda eng, limit: eng.prove_unbounded(model, prop, limit), refuted, within,
                        always, vacuous)
        return _with_how(result)

    goal, spec = prop.goal, prop.coalition

    def forced_by(out: Outcome, members: frozenset[str]) -> Outcome:
        if out.status == "found":
            replay_force(model, out.steps, members, goal)
        return out

    if prop.kind == "no_coalition":
        groups = None
        if spec.principals:
            groups = largest_principal_coalitions(model, spec)
            if groups is None:
                return done(UNKNOWN, "too many coalitions to enumerate", Scope(budget.first),
                            reason=f"more than {MAX_COALITIONS} coalitions of {spec.size} principals")

        def ask(s: int, d: int) -> Outcome:
            if groups is None:
                return engine.force(model, goal, d, deadline, spec, None, start=s) if s else \
                    engine.force(model, goal, d, deadline, spec, None)
            best = None
            for members in groups:
                out = (engine.force(model, goal, d, deadline, None, members, start=s) if s else
                       engine.force(model, goal, d, deadline, None, members))
                if out.status == "unknown":
                    out.coalition = members
                    return out
                if out.status == "found" and (best is None or out.depth < best.depth):
                    out.coalition = members
                    best = out
            return best or Outcome("none", depth=d)

        def refuted(out: Outcome) -> PropertyResult:
            replay_force(model, out.steps, out.coalition, goal)
            who = f" ({_principal_names(model, out.coalition)})" if groups is not None else ""
            return done(REFUTED, f"coalition {_set(out.coalition)}{who} can force {goal.text} in {_steps(out.depth)}",
                        Scope(out.depth), trace=describe(model, out.steps, out.coalition),
                        coalition=_sorted(out.coalition))

        vacuous = goal.procedure is not None and never_passes(goal.procedure, goal.phase)
        within = (f"no coalition of {spec.describe()} can force {goal.text} " + "within {steps}") if not vacuous else \
            (f"holds only vacuously: '{goal.procedure}' can never pass " + "within {steps}")
        always = (f"no coalition of {spec.describe()} can force {goal.text}, in behaviours of any length (shown by "
                  + "{how})") if not vacuous else _vacuously(goal.procedure)
        return _with_how(safety(_Deepening(engine, budget, ask), lambda eng, limit: eng.prove_unbounded(model, prop, limit),
                                refuted, within, always, vacuous))

    if prop.kind == "coalition_block":
        blockers = frozenset(spec.candidates)
        others = frozenset(p.name for p in model.people) - blockers

        def refuted(out: Outcome) -> PropertyResult:
            replay_force(model, out.steps, others, goal)
            return done(REFUTED, f"everyone else together can force {goal.text} against {_set(blockers)} in "
                        f"{_steps(out.depth)}", Scope(out.depth), trace=describe(model, out.steps, others),
                        coalition=_sorted(others))

        search = _Deepening(engine, budget, lambda s, d: engine.force(model, goal, d, deadline, None, others, start=s)
                            if s else engine.force(model, goal, d, deadline, None, others))
        return _with_how(safety(search, lambda eng, limit: eng.prove_unbounded(model, prop, limit), refuted,
                                f"{_set(blockers)} can block {goal.text} " + "within {steps}",
                                f"{_set(blockers)} can block {goal.text}, in behaviours of any length (shown by " + "{how})"))

    if prop.kind in ("coalition_force", "every_coalition"):
        if prop.kind == "coalition_force":
            combos, count = [tuple(spec.candidates)], 1
        else:
            made = _every_coalition_combos(engine, model, goal, spec, budget)
            if isinstance(made, str):
                return done(UNKNOWN, "too many coalitions to enumerate", Scope(budget.first), reason=made)
            combos, count = made
        witness = None
        for combo in combos:
            members = frozenset(combo)
            search = _Deepening(engine, budget, lambda s, d, members=members: forced_by(
                engine.force(model, goal, d, deadline, None, members, start=s) if s else
                engine.force(model, goal, d, deadline, None, members), members))
            out = search.first()
            if out.status == "unknown" and search.searched < 1:
                return undecided(out, coalition=_sorted(members))
            why = ""
            if out.status == "none":
                ok, why, how = (False, "no step was searched (--depth 0)", "") if search.searched < 1 else \
                    _any_length(engine, model, budget, lambda eng, limit, members=members: (
                        eng.prove_cannot_force(model, goal, members, limit) if hasattr(eng, "prove_cannot_force") else None))
                if ok:
                    return done(REFUTED, f"{_set(members)} cannot force {goal.text}: no forcing sequence of any length "
                                f"exists (shown by {how})", Scope(None), coalition=_sorted(members), how=how,
                                invariant=budget.invariant)
                out = search.deeper()
            elif out.status == "unknown":
                search.stopped = f"the {engine.name} engine gave up at depth {out.depth} ({_one_line(out.reason or 'unknown')})"
            if out.status != "found":
                k = search.searched
                why = ("the Horn-clause engine finds that a longer one exists" if why.startswith(LONGER) else
                       f"no proof that none does: {why or 'not attempted'}")
                return done(BOUNDED, f"{_set(members)} has no forcing sequence of at most {_steps(k)} for {goal.text}",
                            Scope(k), coalition=_sorted(members), searched=k,
                            reason=f"not a refutation: a longer forcing sequence may exist ({why}); {search.stopped}")
            if witness is None:
                witness = (members, out)
        members, out = witness
        if prop.kind == "coalition_force":
            summary = f"{_set(members)} can force {goal.text} in {_steps(out.depth)}"
        else:
            unit = " principals" if spec.principals else ""
            summary = (f"each of the {count} coalitions of {spec.size}{unit} can force {goal.text} "
                       f"(e.g. {_set(members)} in {_steps(out.depth)})")
        # a forcing sequence is a proof for behaviours of any length: it exists
        return done(PROVED, summary, Scope(None), trace=describe(model, out.steps, members), coalition=_sorted(members),
                    how="a forcing sequence, replayed on the reference semantics against every response of the others")
    raise AssertionError(prop.kind)


def _vacuously(procedure: str) -> str:
    return (f"holds only vacuously: the sanity check found no behaviour where '{procedure}' passes (the property "
            "holds in behaviours of any length)")


def _steps(n: int) -> str:
    return f"{n} step" if n == 1 else f"{n} steps"


def _with_how(result: PropertyResult) -> PropertyResult:
    """Fill the '{how}' of a PROVED summary."""
    if "{how}" in result.summary:
        return replace(result, summary=result.summary.replace("{how}", result.how or "a proof of any length"))
    return result


def _every_coalition_combos(engine: Engine, model: m.Model, goal: m.Goal, spec: m.CoalitionSpec, budget: Budget):
    """The coalitions an 'every coalition' property checks, up to symmetry, and how many there are
    in all; a string (why) when there are too many."""
    if spec.principals:
        combos = _principal_coalitions(model, spec, spec.size) or [None] * (MAX_COALITIONS + 1)
        if len(combos) > MAX_COALITIONS:
            return f"more than {MAX_COALITIONS} coalitions of {spec.size} principals up to symmetry"
        count = math.comb(len(_principals(model, spec)), spec.size)
    else:
        keys = _symmetry_keys(model)
        combos, count = _coalitions_up_to_symmetry(list(spec.candidates), spec.size, keys.__getitem__)
    if len(combos) > MAX_COALITIONS:
        # an engine may name the one coalition that decides it (one that cannot force, else any)
        every = getattr(engine, "every_coalition", None)
        decisive = every(model, goal, budget.first, spec) if every is not None else None
        if decisive is None:
            return f"more than {MAX_COALITIONS} coalitions of {spec.size}, up to symmetry"
        combos, count = [tuple(decisive)], math.comb(len(spec.candidates), spec.size)
    return combos, count


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
    named = model.named_in_rules()
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


SANITY_DEPTH = 6  # how deep the sanity check looks for a behaviour where a procedure passes (no --depth)


def sanity(engine: Engine, model: m.Model, depth: int | None, seconds: float) -> tuple[list[SanityResult], dict[str, bool]]:
    """Can each procedure pass in some behaviour of at most ``depth`` steps (None: SANITY_DEPTH)?
    (Vacuity checks for the properties: a warning, never a verdict.)"""
    depth = SANITY_DEPTH if depth is None else depth
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
                results.append(SanityResult(key, proc.span.line, "unknown", f"undecided: {_one_line(out.reason or 'unknown')}",
                                            out.depth, **where))
    return results, passable
