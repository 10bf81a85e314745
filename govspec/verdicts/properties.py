"""The verdict on one property of one instance, one function per kind of property.

Each function turns the engine's outcomes into a :class:`PropertyResult` with an honest scope:
REFUTED with a replayed trace, PROVED only for behaviours of any length (or, for a coalition's
power, with a forcing sequence replayed against every response of the others), BOUNDED with the
depth searched and why it is not a proof, UNKNOWN with the engine's reason.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

from .. import coalitions as co
from .. import model as m
from ..engine import Engine, OutOfTime, Outcome
from ..report import BOUNDED, PROVED, REFUTED, UNKNOWN, WITNESSED, PropertyResult, Scope
from ..safe import many_count
from ..scenario import describe
from . import deepening
from .deepening import LONGER, Budget, Deepening
from .replay import confirm_violation, replay_force
from .sanity import SANITY_DEPTH
from .response import response_trace
from .words import one_line, phase_key, set_text, sorted_names, steps_text


class Question:
    """One property of one instance, under one budget: what every kind's verdict shares."""

    def __init__(self, engine: Engine, model: m.Model, prop: m.Property, budget: Budget,
                 passable: dict[str, bool] | None):
        self.engine, self.model, self.prop, self.budget, self.passable = engine, model, prop, budget, passable
        self.deadline = budget.deadline
        self.start = time.monotonic()
        self.common = dict(name=prop.name, kind=prop.kind, line=prop.span.line, cite=prop.cite,
                           path=None if prop.span.path == model.path else prop.span.path)

    def done(self, status, summary, scope, **kw) -> PropertyResult:
        return PropertyResult(status=status, scope=scope, seconds=time.monotonic() - self.start,
                              summary=summary, **self.common, **kw)

    def undecided(self, out: Outcome, **kw) -> PropertyResult:
        return self.done(UNKNOWN, f"the {self.engine.name} engine could not decide", Scope(out.depth),
                         reason=one_line(out.reason or "unknown"), **kw)

    def never_passes(self, procedure: str, phase: str) -> bool:
        return self.passable is not None and self.passable.get(phase_key(procedure, phase)) is False

    def prover(self, eng, limit):
        """Ask an engine's prover of any length about this property."""
        return eng.prove_unbounded(self.model, self.prop, limit)

    def safety(self, search: Deepening, refuted, holds_within: str, holds_always: str,
               vacuity: "tuple[list[str], str, str] | None" = None, **kw) -> PropertyResult:
        """A property that no behaviour (or no forcing sequence) may violate: REFUTED with the
        shortest violation found, PROVED with a proof of any length, else BOUNDED.  ``vacuity``:
        the procedures the sanity check found no behaviour passing in, and the summaries (within,
        of any length) that say it holds only vacuously: used, and the result marked, only where
        it is shown that they cannot pass over all the result covers (:meth:`never_shown`)."""
        result = self._safety(search, refuted, holds_within, holds_always, **kw)
        if vacuity is None or result.status not in (PROVED, BOUNDED):
            return result
        names, within, always = vacuity
        if not self.never_shown(names, result.scope.depth):
            return result  # (a procedure the sanity check did not see pass may pass later: no mark)
        summary = always if result.status == PROVED else within.replace("{steps}", steps_text(result.scope.depth))
        return replace(result, vacuous=True, summary=summary)

    def never_shown(self, names: list[str], depth: int | None) -> bool:
        """Is it shown that none of ``names`` passes in behaviours of at most ``depth`` steps (None:
        of any length)?  The sanity check searched ``budget.sanity_depth`` steps; beyond, ``never P``
        is searched like a property, each answer kept on the model for the other properties of the
        run (per engine)."""
        sanity = self.budget.sanity_depth if self.budget.sanity_depth is not None else (
            self.budget.cap if self.budget.cap is not None else SANITY_DEPTH)
        if depth is not None and depth <= sanity:
            return True
        known = self.model.__dict__.setdefault("_never_shown", {})
        key = (self.engine.name, tuple(names), depth)
        if key not in known:
            budget = Budget(depth, self.budget.effort, self.deadline, prove=depth is None, recheck=self.budget.recheck)
            try:
                found = trace_property(Question(self.engine, self.model, never_property(self.prop, names), budget, None))
            except OutOfTime:
                found = None
            known[key] = found is not None and (found.status == PROVED or (
                found.status == BOUNDED and depth is not None and found.scope.depth is not None and found.scope.depth >= depth))
        return known[key]

    def _safety(self, search: Deepening, refuted, holds_within: str, holds_always: str, **kw) -> PropertyResult:
        out = search.first()
        if out.status == "found":
            return refuted(out)
        if out.status == "unknown" and search.searched < 1:
            return self.undecided(out, **kw)
        why = ""
        if out.status == "none" and search.searched < 1 and self.prop.goal is not None:
            # (a coalition's proofs of any length presume the first steps were searched: the one-vote argument does)
            why = "no step was searched (--depth 0)"
            search.deeper()
        elif out.status == "none":
            ok, why, how = deepening.any_length(self.engine, self.model, self.budget, self.prover)
            if ok:
                return self.done(PROVED, holds_always, Scope(None), how=how, invariant=self.budget.invariant, **kw)
            out = search.deeper()
            if out.status == "found":
                return refuted(out)
        else:
            search.stopped = f"the {self.engine.name} engine gave up at depth {out.depth} ({one_line(out.reason or 'unknown')})"
        k = search.searched
        reason = f"not a proof: no proof of any length ({why or 'not attempted'}); {search.stopped}"
        return self.done(BOUNDED, holds_within.replace("{steps}", steps_text(k)), Scope(k), reason=reason, searched=k, **kw)

    def forced(self, out: Outcome, members: frozenset[str]) -> Outcome:
        if out.status == "found":
            replay_force(self.model, out.steps, members, self.prop.goal)
        return out


def trace_property(q: Question) -> PropertyResult:
    """``always`` (an invariant) and step rules (``never``, ``whenever``): no behaviour violates it."""
    engine, model, prop, deadline = q.engine, q.model, q.prop, q.deadline
    search = Deepening(engine, q.budget, lambda s, d: engine.violation(model, prop, d, deadline, start=s)
                       if s else engine.violation(model, prop, d, deadline))

    def refuted(out: Outcome) -> PropertyResult:
        confirm_violation(model, prop, out.steps)
        if prop.possible:  # (a violation of "never X" is a witness for "possible X")
            what = ("the initial state reaches it" if out.depth == 0 else
                    f"a behaviour of {steps_text(out.depth)} reaches it")
        elif prop.kind == "invariant":
            what = ("the initial state violates it" if out.depth == 0
                    else f"a state reached after {steps_text(out.depth)} violates it")
        else:
            what = f"a passing '{prop.label}' step violates it after {steps_text(out.depth)}"
        return q.done(REFUTED, what, Scope(out.depth), trace=describe(model, out.steps))

    if prop.possible:  # (the words of the verdict on "never X", which :func:`possible` flips)
        return _with_how(q.safety(search, refuted, "no behaviour of at most {steps} reaches it",
                                  "no behaviour of any length reaches it (shown by {how})"))
    # "never P" says exactly that P cannot pass: it is the one step rule that is not vacuous then.
    # About P.executed or P.vetoed, vacuous only if P can never even be approved: a decision that
    # cannot take effect within the sanity check's steps may still do so later (docs/semantics.md §8).
    # Over a set of procedures: vacuous only if none of them can ever be approved.
    vacuous = prop.kind == "step" and any(c[2] != m.BoolConst(False) for c in prop.cases) and all(
        q.never_passes(procedure, "pass") for procedure, _, _ in prop.cases)
    who = prop.procedure if not prop.also else prop.label  # (a set: none of them can pass)
    vacuity = ([c[0] for c in prop.cases], f"holds only vacuously: '{who}' can never pass " + "within {steps}",
               _vacuously(who)) if vacuous else None
    return _with_how(q.safety(search, refuted, "holds in every behaviour of at most {steps}",
                              "holds in every behaviour, of any length (shown by {how})", vacuity))


def no_coalition(q: Question) -> PropertyResult:
    """``no coalition of at most K ... can force G``: no forcing sequence by any such coalition."""
    engine, model, deadline, budget = q.engine, q.model, q.deadline, q.budget
    goal, spec = q.prop.goal, q.prop.coalition
    groups = None
    if spec.principals:
        groups = co.largest_principal_coalitions(model, spec)
        if groups is None:
            return q.done(UNKNOWN, "too many coalitions to enumerate", Scope(budget.first),
                          reason=f"more than {co.MAX_COALITIONS} coalitions of {spec.size} principals")
    elif spec.including:  # (the largest coalitions that include them: a larger one can do whatever a smaller can)
        combos, _ = co.including_coalitions(model, spec, min(spec.size, len(spec.candidates)))
        if len(combos) > co.MAX_COALITIONS:
            return q.done(UNKNOWN, "too many coalitions to enumerate", Scope(budget.first),
                          reason=f"more than {co.MAX_COALITIONS} coalitions of {spec.size} up to symmetry")
        groups = [frozenset(c) for c in combos]

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
        who = f" ({co.principal_names(model, out.coalition)})" if spec.principals else ""
        return q.done(REFUTED, f"coalition {set_text(out.coalition)}{who} can force {goal.text} in {steps_text(out.depth)}",
                      Scope(out.depth), trace=describe(model, out.steps, out.coalition),
                      coalition=sorted_names(out.coalition))

    vacuous = goal.procedure is not None and q.never_passes(goal.procedure, "pass")  # (approved: as above)
    vacuity = ([goal.procedure], f"holds only vacuously: '{goal.procedure}' can never pass " + "within {steps}",
               _vacuously(goal.procedure)) if vacuous else None
    return _with_how(q.safety(Deepening(engine, budget, ask), refuted,
                              f"no coalition of {spec.describe()} can force {goal.text} " + "within {steps}",
                              f"no coalition of {spec.describe()} can force {goal.text}, in behaviours of any length "
                              "(shown by {how})", vacuity))


def coalition_block(q: Question) -> PropertyResult:
    """``coalition {...} can block G``: everyone else together cannot force G against them."""
    engine, model, deadline = q.engine, q.model, q.deadline
    goal, spec = q.prop.goal, q.prop.coalition
    blockers = frozenset(spec.candidates)
    others = frozenset(p.name for p in model.people) - blockers

    def refuted(out: Outcome) -> PropertyResult:
        replay_force(model, out.steps, others, goal)
        return q.done(REFUTED, f"everyone else together can force {goal.text} against {set_text(blockers)} in "
                      f"{steps_text(out.depth)}", Scope(out.depth), trace=describe(model, out.steps, others),
                      coalition=sorted_names(others))

    search = Deepening(engine, q.budget, lambda s, d: engine.force(model, goal, d, deadline, None, others, start=s)
                       if s else engine.force(model, goal, d, deadline, None, others))
    return _with_how(q.safety(search, refuted, f"{set_text(blockers)} can block {goal.text} " + "within {steps}",
                              f"{set_text(blockers)} can block {goal.text}, in behaviours of any length (shown by "
                              + "{how})"))


def coalition_force(q: Question) -> PropertyResult:
    """``coalition {...} can force G`` and ``every coalition of K ... can force G``: a forcing
    sequence for each coalition (up to symmetry), REFUTED only by a proof that none of any length exists."""
    engine, model, deadline, budget, prop = q.engine, q.model, q.deadline, q.budget, q.prop
    goal, spec = prop.goal, prop.coalition
    if prop.kind == "coalition_force":
        combos, count = [tuple(spec.candidates)], 1
    else:
        made = _every_coalition_combos(engine, model, goal, spec, budget)
        if isinstance(made, str):
            return q.done(UNKNOWN, "too many coalitions to enumerate", Scope(budget.first), reason=made)
        combos, count = made
    witness = None
    for combo in combos:
        members = frozenset(combo)
        search = Deepening(engine, budget, lambda s, d, members=members: q.forced(
            engine.force(model, goal, d, deadline, None, members, start=s) if s else
            engine.force(model, goal, d, deadline, None, members), members))
        out = search.first()
        if out.status == "unknown" and search.searched < 1:
            return q.undecided(out, coalition=sorted_names(members))
        why = ""
        if out.status == "none":
            ok, why, how = (False, "no step was searched (--depth 0)", "") if search.searched < 1 else \
                deepening.any_length(engine, model, budget, lambda eng, limit, members=members: (
                    eng.prove_cannot_force(model, goal, members, limit) if hasattr(eng, "prove_cannot_force") else None))
            if ok:
                return q.done(REFUTED, f"{set_text(members)} cannot force {goal.text}: no forcing sequence of any length "
                              f"exists (shown by {how})", Scope(None), coalition=sorted_names(members), how=how,
                              invariant=budget.invariant, response=response_trace(model, goal, members))
            out = search.deeper()
        elif out.status == "unknown":
            search.stopped = f"the {engine.name} engine gave up at depth {out.depth} ({one_line(out.reason or 'unknown')})"
        if out.status != "found":
            k = search.searched
            why = ("the Horn-clause engine finds that a longer one exists" if why.startswith(LONGER) else
                   f"no proof that none does: {why or 'not attempted'}")
            return q.done(BOUNDED, f"{set_text(members)} has no forcing sequence of at most {steps_text(k)} for {goal.text}",
                          Scope(k), coalition=sorted_names(members), searched=k,
                          reason=f"not a refutation: a longer forcing sequence may exist ({why}); {search.stopped}")
        if witness is None:
            witness = (members, out)
    members, out = witness
    if prop.kind == "coalition_force":
        summary = f"{set_text(members)} can force {goal.text} in {steps_text(out.depth)}"
    else:
        summary = (f"{_each(spec, count)} can force {goal.text} "
                   f"(e.g. {set_text(members)} in {steps_text(out.depth)})")
    # a forcing sequence is a proof for behaviours of any length: it exists
    return q.done(PROVED, summary, Scope(None), trace=describe(model, out.steps, members), coalition=sorted_names(members),
                  how="a forcing sequence, replayed on the reference semantics against every response of the others")


def every_coalition_block(q: Question) -> PropertyResult:
    """``every coalition of K ... can block G`` and ``each of S can block G``: each coalition (up to
    symmetry) can block G, the verdict of :func:`coalition_block` on each: REFUTED by the first that
    cannot (everyone else forces G against it), PROVED when each is proved, else the first
    coalition's verdict that is neither (bounded or unknown)."""
    model, prop, budget = q.model, q.prop, q.budget
    spec, goal = prop.coalition, prop.goal
    made = _every_coalition_combos(q.engine, model, goal, spec, budget, shortcut=False)
    if isinstance(made, str):
        return q.done(UNKNOWN, "too many coalitions to enumerate", Scope(budget.first), reason=made)
    combos, count = made
    undecided, hows = None, []
    for combo in combos:
        one = replace(prop, kind="coalition_block", coalition=m.CoalitionSpec(tuple(combo), None))
        result = coalition_block(Question(q.engine, model, one, budget, q.passable))
        if result.status == REFUTED:
            return replace(result, kind=prop.kind, seconds=time.monotonic() - q.start,
                           summary=f"{set_text(frozenset(combo))} cannot block {goal.text}: {result.summary}")
        if result.status != PROVED and undecided is None:
            undecided = result
        if result.how and result.how not in hows:
            hows.append(result.how)
    if undecided is not None:
        return replace(undecided, kind=prop.kind, seconds=time.monotonic() - q.start,
                       summary=f"of {_the(count)} coalitions, {undecided.summary}")
    how = "; ".join(hows) or "a proof of any length"
    return q.done(PROVED, f"{_each(spec, count)} can block {goal.text}, in behaviours of any length (shown by {how})",
                  Scope(None), how=how, invariant=result.invariant if len(combos) == 1 else None)


def no_coalition_block(q: Question) -> PropertyResult:
    """``no coalition of at most K ... can block G``: against each coalition of K (the largest: a
    coalition blocks whatever a smaller one inside it blocks), everyone else together can force G;
    the verdict of :func:`coalition_force` for everyone else, coalition by coalition (up to
    symmetry): PROVED with each forcing sequence found, REFUTED by the first coalition that
    can block (no forcing sequence of any length against it), else that coalition's bounded or
    unknown verdict, named."""
    model, prop, budget = q.model, q.prop, q.budget
    spec, goal = prop.coalition, prop.goal
    largest = replace(spec, size=min(spec.size, len(spec.candidates)))
    made = _every_coalition_combos(q.engine, model, goal, largest, budget, shortcut=False)
    if isinstance(made, str):
        return q.done(UNKNOWN, "too many coalitions to enumerate", Scope(budget.first), reason=made)
    combos, count = made
    everyone = [p.name for p in model.people]
    witness = None
    for combo in combos:
        others = tuple(p for p in everyone if p not in combo)
        one = replace(prop, kind="coalition_force", coalition=m.CoalitionSpec(others, None))
        result = coalition_force(Question(q.engine, model, one, budget, q.passable))
        blockers = set_text(frozenset(combo))
        if result.status == REFUTED:
            why = result.summary.split(": ", 1)[-1]
            return replace(result, kind=prop.kind, seconds=time.monotonic() - q.start,
                           summary=f"{blockers} can block {goal.text}: everyone else together cannot force it ({why})")
        if result.status != PROVED:
            return replace(result, kind=prop.kind, seconds=time.monotonic() - q.start,
                           summary=f"against {blockers}: {result.summary}")
        witness = witness or result
    return replace(witness, kind=prop.kind, seconds=time.monotonic() - q.start,
                   summary=f"no coalition of {spec.describe()} can block {goal.text}: against {_each(largest, count)}, "
                           f"everyone else can force it (e.g. {witness.summary})")


def _the(count: int) -> str:
    """"the 6", or "about 2.7 x 10^299" (C(1,000, 501) in full is 300 digits)."""
    words = many_count(count)
    return words if words.startswith("about") else f"the {words}"


def _each(spec: m.CoalitionSpec, count: int) -> str:
    """Who a quantified coalition property speaks of: "each of the 6 coalitions of 2", "each of the
    3 people alone", "the one coalition of 3 including {a}"."""
    unit = " principals" if spec.principals else ""
    including = f" including {set_text(frozenset(spec.including))}" if spec.including else ""
    if spec.size == 1 and not spec.principals:
        return "the one person alone" if count == 1 else f"each of {_the(count)} people alone"
    if count == 1:
        return f"the one coalition of {spec.size}{unit}{including}"
    return f"each of {_the(count)} coalitions of {spec.size}{unit}{including}"


def possible(result: PropertyResult) -> PropertyResult:
    """``possible X``: the verdict on ``never X`` (every size included), flipped.  A behaviour that
    violates ``never X`` (replayed on the reference semantics) is the witness: PROVED, a behaviour
    of that length exists; a proof that ``never X`` holds for any length (and every size) REFUTES
    it; what is bounded for ``never X`` is bounded for ``possible X`` (no witness up to the scope
    searched); UNKNOWN stays UNKNOWN."""
    flipped = {REFUTED: PROVED, PROVED: REFUTED}.get(result.status, result.status)
    if flipped == PROVED:  # (a witness is a proof for behaviours of any length: it exists)
        return replace(result, kind="possible", status=PROVED, scope=replace(result.scope, depth=None),
                       how=WITNESSED)  # (at fixed sizes: see sizes.every_size)
    if flipped == REFUTED:
        return replace(result, kind="possible", status=REFUTED, vacuous=False)
    return replace(result, kind="possible", vacuous=False)


KINDS = {"invariant": trace_property, "step": trace_property, "no_coalition": no_coalition,
         "coalition_block": coalition_block, "coalition_force": coalition_force, "every_coalition": coalition_force,
         "every_coalition_block": every_coalition_block, "no_coalition_block": no_coalition_block}


def verdict(engine: Engine, model: m.Model, prop: m.Property, budget: Budget,
            passable: dict[str, bool] | None = None) -> PropertyResult:
    """The verdict on one property of one instance (see :func:`govspec.verdicts.check_property`)."""
    return KINDS[prop.kind](Question(engine, model, prop, budget, passable))


def _vacuously(procedure: str) -> str:
    return (f"holds only vacuously: '{procedure}' can never pass, in behaviours of any length (a proof of "
            f"'never {procedure}'); the property holds in every behaviour (shown by {{how}})")


def never_property(prop: m.Property, names: list[str]) -> m.Property:
    """``never P`` (over a set, none of them) for the vacuity of ``prop``: can its procedures pass?"""
    return m.Property(f"{prop.name} (can '{names[0]}' pass?)", "step", prop.span, None, f"never {names[0]}",
                      procedure=names[0], step=m.BoolConst(False),
                      also=tuple((n, "pass", m.BoolConst(False)) for n in names[1:]), subject=prop.subject)


def _with_how(result: PropertyResult) -> PropertyResult:
    """Fill the '{how}' of a PROVED summary."""
    if "{how}" in result.summary:
        return replace(result, summary=result.summary.replace("{how}", result.how or "a proof of any length"))
    return result


def _every_coalition_combos(engine: Engine, model: m.Model, goal: m.Goal, spec: m.CoalitionSpec, budget: Budget,
                            shortcut: bool = True):
    """The coalitions an 'every coalition' property checks, up to symmetry, and how many there are
    in all; a string (why) when there are too many."""
    if spec.principals:
        combos = co.principal_coalitions(model, spec, spec.size) or [None] * (co.MAX_COALITIONS + 1)
        if len(combos) > co.MAX_COALITIONS:
            return f"more than {co.MAX_COALITIONS} coalitions of {spec.size} principals up to symmetry"
        count = math.comb(len(co.principals(model, spec)), spec.size)
    elif spec.including:
        combos, count = co.including_coalitions(model, spec, spec.size)
        if len(combos) > co.MAX_COALITIONS:  # (the engines' shortcut knows nothing of 'including')
            return f"more than {co.MAX_COALITIONS} coalitions of {spec.size}, up to symmetry"
    else:
        keys = co.symmetry_keys(model)
        combos, count = co.coalitions_up_to_symmetry(list(spec.candidates), spec.size, keys.__getitem__)
    if len(combos) > co.MAX_COALITIONS:
        # an engine may name the one coalition that decides it (one that cannot force, else any)
        every = getattr(engine, "every_coalition", None) if shortcut else None
        decisive = every(model, goal, budget.first, spec) if every is not None else None
        if decisive is None:
            return f"more than {co.MAX_COALITIONS} coalitions of {spec.size}, up to symmetry"
        combos, count = [tuple(decisive)], math.comb(len(spec.candidates), spec.size)
    return combos, count
