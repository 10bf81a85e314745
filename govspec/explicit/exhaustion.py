"""Proofs by exhaustion: every state reachable once absolute days are abstracted into capped ages,
explored to a fixpoint (proofs for behaviours of any length, and refutations of "can force")."""

from __future__ import annotations

import dataclasses
import itertools
from collections import deque
from fractions import Fraction

from .. import model as m
from .. import semantics as sem
from ..coalitions import largest_principal_coalitions
from ..engine import Deadline
from .days import Refused, _has_days, _linear_days
from .steps import LIMITS, TooLarge, forced_steps, steps_from


#
# A state holds absolute days: ``now``, the day each waiting decision was approved, the day of each
# proposal.  Rules never see a day alone except through comparisons, and the interpreter compares
# days only as ages (``now`` minus a stored day) with the constants of the spec (timelocks, veto
# windows, voting delays and periods, expiry).  So, as timed-automata checkers do, a state is
# abstracted by its key: every stored day replaced by its age, capped at C, and ``now`` itself,
# capped at C, when some comparison reads it other than through an age.  C is chosen above every
# constant such a comparison or the interpreter compares an age (or ``now``) with.  Two states with
# the same key then allow the same steps, give every rule and the property the same value, and
# their successors by the same step have the same key again: the keys reachable from the initial
# state are a finite graph whose paths are exactly the behaviours, of any length.  Exploring it to
# a fixpoint with no violation proves the property for every length.
#
# The analysis refuses (Refused, no proof) whatever it cannot show sound: a comparison in which two
# days may differ by any amount (``P.approved_at >= Q.proposed_at``, ``now - P.approved_at >= now -
# Q.approved_at``), a day multiplied by something other than a fixed number, a day compared with a
# weight when tokens are minted (weights then have no bound), a state with fields it does not know.

# the fields of sem.State the key below knows how to abstract; a new field makes every proof refuse
_STATE_FIELDS = ("members", "offices", "params", "now", "pending", "balances", "delegates", "proposals", "proposed")


def _comparison_needs(cmp: m.Compare, model: m.Model, present: frozenset = frozenset()) -> list[tuple[str, int]]:
    """What a comparison involving days needs of the key: (quantity, least cap), the quantity "now"
    or "age"; Refused if its value is not decided by capped ages and a capped ``now``.

    With left - right = sum of c_v * v + rest, |rest| <= B: a stored day v reads -1 when absent
    (adding |c_v| to B) and is now - age_v when present.  Each pattern of presence leaves a linear
    form in ``now`` and the ages; when at most one of them, t, has a coefficient c != 0, the sign of
    c*t + rest is fixed once t > B/|c|, so a cap above B/|c| decides it.  Two or more left: refuse.
    Day variables in ``present`` are known to be present wherever the comparison is evaluated.
    """
    left, r1 = _linear_days(cmp.left, model)
    right, r2 = _linear_days(cmp.right, model)
    coeffs = dict(left)
    for v, c in right.items():
        coeffs[v] = coeffs.get(v, Fraction(0)) - c
    coeffs = {v: c for v, c in coeffs.items() if c != 0}
    stored = [v for v in coeffs if v != "now"]
    needs = []
    for pattern in itertools.product(*[(True,) if v in present else (False, True) for v in stored]):
        on_now, bound, ages = coeffs.get("now", Fraction(0)), r1 + r2, {}
        for v, here in zip(stored, pattern):
            if here:
                on_now += coeffs[v]
                ages[v] = -coeffs[v]
            else:
                bound += abs(coeffs[v])
        times = {k: c for k, c in [("now", on_now), *ages.items()] if c != 0}
        if len(times) > 1:
            raise Refused("a rule compares days that may differ by any amount")
        for k, c in times.items():
            needs.append(("now" if k == "now" else "age", int(bound / abs(c)) + 1))
    return needs


def _interpreter_constants(model: m.Model) -> list[int]:
    """Every constant the reference semantics compares an age with (timelocks, veto windows, expiry,
    voting delays and periods)."""
    out = []
    for p in model.procedures.values():
        out += [p.timelock, p.delay]
        if p.window_stage is not None:
            out.append(p.window_stage.window)
        if p.grace is not None:
            out.append(p.delay + p.grace)
        if p.lifecycle is not None:
            out += [p.lifecycle.delay, p.lifecycle.snapshot_days]
            if p.lifecycle.period is not None:
                out.append(p.lifecycle.delay + p.lifecycle.period)
    return out


class Abstraction:
    """The key of a state with absolute days replaced by ages capped at :attr:`cap` (see above).

    ``exprs``: the expressions besides the spec's rules whose values must be kept (the property's),
    each with the day variables known to be present where it is evaluated (see :func:`_exprs_of`).
    """

    def __init__(self, model: m.Model, exprs=()):
        known = tuple(f.name for f in dataclasses.fields(sem.State))
        if known != _STATE_FIELDS:
            raise Refused(f"the state has fields the abstraction of time does not know: {known}")
        self.timed = model.timed
        self.cap, self.with_now = 0, False
        if not self.timed:  # no waits, no waiting decisions, no proposals: now stays 0, states are exact
            return
        for proc in model.procedures.values():  # (amounts and thresholds are numbers or parameters)
            if any(_has_days(x) for x in [*(e.amount for e in proc.effects), proc.lifecycle and proc.lifecycle.threshold]):
                raise Refused(f"an amount or threshold of '{proc.name}' depends on the day")
        needs = []
        conditions = [eff.when for proc in model.procedures.values() for eff in proc.effects if eff.when is not None]
        for e, present in [*((r, frozenset()) for r in [*(rule.expr for rule in model.rules()), *conditions]), *exprs]:
            for x in m.walk(e):
                if isinstance(x, m.Compare) and (_has_days(x.left) or _has_days(x.right)):
                    needs += _comparison_needs(x, model, present)
        self.cap = max([t for _, t in needs] + _interpreter_constants(model) + [0]) + 1
        self.with_now = any(q == "now" for q, _ in needs)
        if self.cap > LIMITS["days"]:
            raise Refused(f"rules compare days with quantities up to {self.cap}, beyond {LIMITS['days']} days")

    def key(self, s: sem.State):
        if not self.timed:
            return s
        n, cap = s.now, self.cap

        def age(day: int) -> int:
            return min(n - day, cap)

        return (s.members, s.offices, s.params, min(n, cap) if self.with_now else None,
                tuple((name, args, age(at), age(proposed) if proposed >= 0 else None, tally)
                      for name, args, at, proposed, tally in s.pending), s.balances, s.delegates,
                tuple((name, args, age(day), who, snap) for name, args, day, who, snap in s.proposals),
                tuple((name, age(day)) for name, day in s.proposed))


def _explore(model: m.Model, deadline: Deadline, abstraction: Abstraction, expand, reached) -> bool:
    """Breadth-first over the keys reachable from the initial state, to a fixpoint.

    ``expand(state)`` yields (step, hits_goal); ``reached(state)`` says a state is a goal.  True when
    a goal is reached; False when every key was explored without one.  Raises TooLarge beyond
    LIMITS["states"] keys and TimeoutError at the deadline.
    """
    start = sem.initial_state(model)
    seen = {abstraction.key(start)}
    queue = deque([start])
    while queue:
        if deadline.expired():
            raise TimeoutError
        state = queue.popleft()
        if reached(state):
            return True
        for step, hit in expand(state):
            if hit:
                return True
            after = sem.apply(model, state, step)
            k = abstraction.key(after)
            if k not in seen:
                seen.add(k)
                if len(seen) > LIMITS["states"]:
                    raise TooLarge(f"more than {LIMITS['states']} distinct states once time is abstracted")
                queue.append(after)
    return False


def cannot_force(model: m.Model, goal: m.Goal, coalition: frozenset[str], deadline: Deadline,
                  abstraction: Abstraction) -> bool:
    """True when no forcing sequence of any length by ``coalition`` reaches ``goal``."""
    def reached(state):
        return goal.state is not None and sem.eval_bool(goal.state, sem.Env(model, state))

    def expand(state):
        if sem.veto_threat(model, state, coalition):
            return  # the outsiders may veto here: no forcing sequence goes through this state (as force_bfs)
        for step in forced_steps(model, state, coalition, deadline, abstraction.cap):
            yield step, goal.procedure is not None and (step.procedure, step.phase) == (goal.procedure, goal.phase)

    return not _explore(model, deadline, abstraction, expand, reached)


def _coalitions(model: m.Model, prop: m.Property) -> list[frozenset[str]]:
    """The coalitions the bounded search checks for "no coalition of at most K" (the largest allowed:
    a larger coalition can do whatever a smaller one can)."""
    spec = prop.coalition
    if spec.principals:
        groups = largest_principal_coalitions(model, spec)
        if groups is None:
            raise TooLarge("too many coalitions of principals")
        return groups
    size = len(spec.candidates) if spec.size is None else min(spec.size, len(spec.candidates))
    out = []
    for combo in itertools.combinations(spec.candidates, size):
        if not set(spec.including) <= set(combo):  # ("including a, b": only the coalitions with them)
            continue
        if len(out) >= LIMITS["coalitions"]:
            raise TooLarge(f"more than {LIMITS['coalitions']} coalitions")
        out.append(frozenset(combo))
    return out


def _exprs_of(prop: m.Property) -> list:
    """The property's expressions, each with the day variables present wherever it is evaluated: a
    rule about P taking effect or being vetoed is read while P's decision waits (P.approved_at is
    its day, never -1)."""
    out = [(e, frozenset()) for e in (prop.state, prop.goal.state if prop.goal else None) if e is not None]
    for procedure, phase, condition in prop.cases:
        waiting = phase in ("execute", "veto")
        out.append((condition, frozenset({("approved", procedure)}) if waiting else frozenset()))
    return out


def guarded(run) -> tuple[bool, str]:
    try:
        return run()
    except Refused as err:
        return False, f"time cannot be abstracted soundly: {err}"
    except TooLarge as err:
        return False, f"too large for a proof by exhaustion: {err}"
    except TimeoutError:
        return False, "time limit reached before every abstract state was explored"
    except sem.ReplayLimit as err:
        return False, f"too large for a proof by exhaustion: {err}"


def prove_by_exhaustion(model: m.Model, prop: m.Property, deadline: Deadline) -> tuple[bool, str]:
    """Prove a property for behaviours of any length by exploring every abstract state (no Z3).

    Same contract as the Z3 engine's ``prove_unbounded``: ``(True, "")`` only when the property holds
    in every behaviour of every length; otherwise ``(False, one-line reason)``: a violation exists
    (the bounded search finds and shows it), the abstraction of time cannot be shown sound for the
    spec, more than LIMITS["states"] abstract states or coalitions, or the deadline.

    Kinds: "invariant" and "step" (every reachable abstract state and step), "no_coalition" (every
    coalition the bounded search checks reaches the goal by no forcing sequence of any length) and
    "coalition_block" (everyone else together cannot force the goal).  A "can force" claim is shown
    by a forcing sequence, which the bounded search finds; to refute one for any length see
    :func:`refute_by_exhaustion`.

    Groups of variable size (``model.sizes``): the proof is for the instance as loaded (the least
    sizes) only; the caller decides what holds for other sizes.
    """
    def run():
        if prop.kind not in ("invariant", "step", "no_coalition", "coalition_block"):
            return False, f"no proof by exhaustion for a '{prop.kind}' property"
        abstraction = Abstraction(model, _exprs_of(prop))
        if prop.kind == "invariant":
            found = _explore(model, deadline, abstraction,
                             lambda s: steps_from(model, s, deadline, None, abstraction.cap),
                             lambda s: not sem.eval_bool(prop.state, sem.Env(model, s)))
            return (False, "a violation exists (a reachable state violates it)") if found else (True, "")
        if prop.kind == "step":
            def bad(state, step):
                return sem.violates(model, prop, state, step)
            found = _explore(model, deadline, abstraction,
                             lambda s: steps_from(model, s, deadline, lambda step, s=s: bad(s, step), abstraction.cap),
                             lambda s: False)
            return (False, "a violation exists (a reachable step violates it)") if found else (True, "")
        if prop.kind == "coalition_block":
            coalitions = [frozenset(p.name for p in model.people) - frozenset(prop.coalition.candidates)]
        else:
            coalitions = _coalitions(model, prop)
        for coalition in coalitions:
            if not cannot_force(model, prop.goal, coalition, deadline, abstraction):
                return False, f"a forcing sequence exists (by {{{', '.join(sorted(coalition))}}})"
        return True, ""
    return guarded(run)


def refute_by_exhaustion(model: m.Model, prop: m.Property, deadline: Deadline) -> tuple[bool, str]:
    """Show that a "can force" claim fails for behaviours of any length: ``(True, "")`` when no
    forcing sequence of any length reaches the goal (every abstract state reachable by the
    coalition's forcing steps explored), for "coalition C can force G" by C, for "every coalition
    of K can force G" by some coalition of K; otherwise ``(False, one-line reason)``.  Same scope
    as :func:`prove_by_exhaustion` (the instance as loaded for groups of variable size)."""
    def run():
        spec = prop.coalition
        if prop.kind == "coalition_force":
            coalitions = [frozenset(spec.candidates)]
        elif prop.kind == "every_coalition" and not spec.principals:
            coalitions = []
            for combo in itertools.combinations(spec.candidates, spec.size):
                if not set(spec.including) <= set(combo):
                    continue
                if len(coalitions) >= LIMITS["coalitions"]:
                    raise TooLarge(f"more than {LIMITS['coalitions']} coalitions")
                coalitions.append(frozenset(combo))
        else:
            return False, f"no refutation by exhaustion for a '{prop.kind}' property" + (
                " of principals" if prop.kind == "every_coalition" else "")
        abstraction = Abstraction(model, _exprs_of(prop))
        for coalition in coalitions:
            if cannot_force(model, prop.goal, coalition, deadline, abstraction):
                return True, ""
        return False, "a forcing sequence exists" + ("" if len(coalitions) == 1 else " for every coalition")
    return guarded(run)
