"""Every size: a spec with groups of variable size stands for one organisation per size.

PROVED only when the engine searches every size at once and proves the property for any length;
otherwise the next sizes are checked one by one (growing boxes) within the budget, and a
counterexample at some sizes is checked on the spec at those sizes, like any spec.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

from .. import model as m
from ..diagnostics import SpecError
from ..engine import Engine, OutOfTime
from ..load import instance  # (the spec at other sizes is loaded like any spec)
from ..report import BOUNDED, PROVED, REFUTED, UNKNOWN, WITNESSED, PropertyResult, Scope
from . import properties
from .deepening import Budget
from .replay import Unconfirmed
from .sanity import passable_at
from .words import one_line, phase_key, ranges_text, sizes_text, steps_text

SIZE_ROUNDS = 4  # a group of variable size not searched at every size at once: its next sizes, one box at a time


def _none_at_least(result: PropertyResult, least: dict[str, int]) -> PropertyResult:
    """``never X`` proved for any length at the least sizes, though not at every size: for
    ``possible X``, which claims a witness at every size, that size is one with none (REFUTED once
    turned round by :func:`properties.possible`)."""
    return replace(result, scope=Scope(None, "as-written"), summary=f"with {sizes_text(least)}: {result.summary}")


def _found_at(result: PropertyResult, prop: m.Property, sizes: dict[str, int], summary: str) -> PropertyResult:
    """A counterexample to ``never X`` found at ``sizes``: REFUTED for ``never X``.  For ``possible X``
    it is a witness at those sizes only, and PROVED means every size the spec allows: bounded
    (``HOLDS FOR d OF 5 ONLY``), the witness shown, whether one exists at the other sizes not searched."""
    found = replace(result, summary=summary, sizes=tuple(sorted(sizes.items())))
    if not prop.possible:
        return found
    return replace(found, status=BOUNDED, scope=Scope(None, tuple((g, n, n) for g, n in sorted(sizes.items()))),
                   how=WITNESSED, reason=f"not a proof for every size: a behaviour reaches it with {sizes_text(sizes)}, "
                                       "and whether one does at every size the spec allows was not searched")


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


class Unbuildable(Exception):
    """The spec at some sizes cannot be built (it passes a limit of the language): not checked there."""


def every_size(engine: Engine, model: m.Model, prop: m.Property, result: PropertyResult, budget: Budget,
                passable: dict[str, bool] | None) -> PropertyResult:
    """The verdict for every size (:func:`_every_size`).  For ``possible X``, which claims a witness
    at every size, a proof that none exists at the least sizes refutes it, unless the sizes all
    together prove that none exists at any (the stronger REFUTED, ``all sizes``)."""
    least = {g: low for g, (low, _) in model.sizes.items()}
    none_at_least = prop.possible and result.status == PROVED and result.scope.depth is None
    try:
        found = _every_size(engine, model, prop, result, budget, passable)
    except Unconfirmed:  # (a scenario at other sizes not confirmed: no witness at the least sizes decides it still)
        if not none_at_least:
            raise
        found = _none_at_least(result, least)
    else:
        if none_at_least and found.status != PROVED:
            found = _none_at_least(result, least)
    # (a scenario not found at other sizes by _found_at is the least instance's, the model checked first)
    return replace(found, sizes=tuple(sorted(least.items()))) if found.trace and found.sizes is None else found


def _procedure(prop: m.Property) -> str:
    """The procedure a vacuous result is about, or the set of them as written."""
    if prop.kind != "step":
        return prop.goal.procedure
    return prop.label if prop.also else prop.procedure


def _procedures(prop: m.Property) -> list[str]:
    """The procedures a vacuous result is about, each by name (several for a set as written)."""
    return [c[0] for c in prop.cases] if prop.kind == "step" else [prop.goal.procedure]


def _passable(engine: Engine, model: m.Model, at: m.Model, sizes: dict[str, int], names: list[str],
              depth: int | None, share, seconds: float) -> dict[str, bool]:
    """:func:`~.sanity.passable_at` of ``names`` on ``at`` (``model`` at ``sizes``), within half the
    time of that size (the property's own check keeps the rest), each answer kept on ``model`` for
    the other properties of the run that ask it again (with the same engine and depth)."""
    known = model.__dict__.setdefault("_passable_at", {})
    key = (engine.name, tuple(sorted(sizes.items())), depth)
    asked = [n for n in names if (key, n) not in known]
    if asked:
        found = passable_at(engine, at, asked, depth, share.share(seconds / 2, f"the sanity check with {sizes_text(sizes)}"))
        known.update({(key, n): found[phase_key(n, "pass")] for n in asked if phase_key(n, "pass") in found})
    return {phase_key(n, "pass"): known[(key, n)] for n in names if (key, n) in known}


def _it(summary: str) -> str:
    """A summary after "with d of 3": "it holds ..." for one that says how it holds; one that
    names its subject ("no coalition of at most 2 ... can force p, ...") as it is."""
    return f"it {summary}" if summary.startswith("holds") else summary


def _within(depth: int | None) -> str:
    return "in behaviours of any length" if depth is None else f"within {steps_text(depth)}"


def _sizes_list(found: list[dict[str, int]]) -> str:
    """Settings of the groups, in words: "d of 3, 5 and 6" for one group; "(d of 2, e of 1) and
    (d of 2, e of 2)" for several."""
    if all(len(s) == 1 for s in found) and len({g for s in found for g in s}) == 1:
        (g,) = found[0]
        numbers = [str(s[g]) for s in found]
        return f"{g} of " + (numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1])
    texts = [f"({sizes_text(s)})" for s in found]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


def _vacuity_found(least: PropertyResult, bounded: PropertyResult, vacuous_at: list[dict[str, int]],
                   lost_at: dict[str, int]) -> PropertyResult:
    """The ``bounded`` result over the sizes searched, from ``least`` (vacuous at the least sizes),
    when the procedure may pass at some of those sizes: not marked (docs/semantics.md §8), its
    summary saying at which sizes the vacuity was found (``vacuous_at``) and where not (``lost_at``:
    the procedure can pass there, or it was not decided in time; no later size is searched for it)."""
    at = _sizes_list(vacuous_at)
    return replace(bounded, vacuous=False, summary=f"with {bounded.scope.sizes_text()}: no counterexample "
                                                   f"{_within(bounded.scope.depth)}; with {at} {_it(least.summary)}; "
                                                   f"not found with {sizes_text(lost_at)}, and not looked for at larger sizes")


def _never_at_any_size(search, model: m.Model, prop: m.Property, budget: Budget):
    """Is a result that is vacuous at the least sizes (its procedure cannot pass there) vacuous at
    every size: does ``never P`` hold at every size (over a set of procedures: none of them)?
    Searched like the property itself: the answer that it holds (its ``depth``: how far, None for
    any length), or None for a procedure that can pass at some larger size, or an answer not had
    in time (then the result is not marked)."""
    # (approved, as the mark at the least sizes: verdicts/properties.py)
    never = properties.never_property(prop, _procedures(prop))
    try:
        answer = search(model, never, budget.first, budget.deadline, budget.prove)
    except OutOfTime:
        return None
    return answer if answer is not None and answer.status == "holds" else None


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
    if result.status == REFUTED:
        return _found_at(result, prop, least, f"{result.summary} (with {sizes_text(least)})")
    if result.status == UNKNOWN:
        return replace(result, summary=f"{result.summary} (with {sizes_text(least)})")

    def refuted_at(sizes: dict[str, int], seconds: float, cap: int | None, prove: bool,
                   vacuity: bool = False) -> PropertyResult:
        """The verdict on the spec at ``sizes``, within ``seconds`` of the property's time (raises
        :class:`OutOfTime` when they run out: loading the spec at those sizes counts too).  With
        ``vacuity``, marked vacuous as at the least sizes: after the sanity check of its
        procedures at ``sizes`` (as deep as the one at the least sizes: ``--depth``)."""
        share = budget.deadline.share(seconds, f"the time for {sizes_text(sizes)}")
        with share.applies():
            share.check()
            try:
                at = instance(model, sizes)
            except SpecError as err:  # (past the language's limits, such as 100,000 people: not built, not checked)
                raise Unbuildable(f"the spec with {sizes_text(sizes)} cannot be built to check it ({one_line(str(err))})") \
                    from None
            share.check()
            # (searched as deep as the sanity check at the least sizes: a mark rests on it that far)
            passable = _passable(engine, model, at, sizes, _procedures(prop), budget.sanity_depth, share,
                                 seconds) if vacuity else None
            return properties.verdict(engine, at, next(p for p in at.properties if p.name == prop.name),
                                      Budget(cap, budget.effort, share, prove, budget.recheck,
                                             sanity_depth=budget.sanity_depth), passable)

    why_not_all = ""
    if result.status == PROVED and result.kind not in ("coalition_force", "every_coalition"):
        search = getattr(engine, "all_sizes", None)
        cut = f"the {engine.name} engine does not search every size at once, only one size at a time"
        try:
            answer = (search(model, prop, budget.first, budget.deadline, budget.prove)
                      if search is not None else None)
        except OutOfTime as err:  # (the verdict at the least sizes stands, bounded to them)
            answer, cut = None, str(err)
        if answer is not None and answer.status == "holds":
            every = f"for every size ({ranges_text(model)})"
            never = _never_at_any_size(search, model, prop, budget) if result.vacuous else None
            # (the mark needs 'never P' shown over what the result covers: of any length for a proof)
            vacuous = never is not None and (never.depth is None or (answer.depth is not None and never.depth >= answer.depth))
            if answer.depth is None:
                if vacuous:
                    return replace(result, scope=Scope(None, "all"),
                                   summary=f"holds only vacuously: '{_procedure(prop)}' can never pass, at any size "
                                           f"({ranges_text(model)}), in behaviours of any length")
                # (the invariant shown is the proof's at the least sizes; the search over every size has its own)
                invariant = f"with {sizes_text(least)}: {result.invariant}" if result.invariant else None
                return replace(result, scope=Scope(None, "all"), vacuous=False, invariant=invariant,
                               summary=(f"no counterexample at any size ({ranges_text(model)}), in behaviours of "
                                        f"any length; with {sizes_text(least)} {_it(result.summary)}") if result.vacuous
                               else f"{result.summary}, {every}")
            result = replace(result, vacuous=vacuous)
            why_not_all = f"every size was searched to depth {answer.depth} only ({one_line(answer.reason or '')})"
            held = "no behaviour of at most {} steps reaches it" if prop.possible else "holds in every behaviour of at most {} steps"
            result = replace(result, status=BOUNDED, scope=Scope(answer.depth, "all"),
                             summary=f"{held.format(answer.depth)}, {every}; "
                                     f"in behaviours of any length with {sizes_text(least)}",
                             reason=f"not a proof: {why_not_all}")
            return result
        if answer is not None and answer.status == "fails":
            try:
                again = refuted_at(answer.sizes, budget.deadline.remaining_ms() / 1000, budget.cap, budget.prove)
            except Unbuildable as err:
                raise Unconfirmed(f"the search over every size found a scenario with {sizes_text(answer.sizes)}, "
                                  f"which is not confirmed: {err}",
                                  f"a scenario was found at sizes too large to build, and not checked "
                                  f"(with {sizes_text(answer.sizes)})") from None
            if again.status == REFUTED:
                return _found_at(again, prop, answer.sizes, f"with {sizes_text(answer.sizes)}: {again.summary}")
            raise Unconfirmed(f"the search over every size found a counterexample with {sizes_text(answer.sizes)}, "
                              f"which checking the spec at those sizes does not confirm ({again.status})")
        why_not_all = one_line(answer.reason if answer is not None else cut)
    elif result.kind in ("coalition_force", "every_coalition"):
        why_not_all = "a coalition's power is checked at each size separately"
    else:
        why_not_all = "no proof at the least sizes"
    # the next sizes, one box at a time, while the budget lasts: a counterexample there refutes it
    box, depth = dict(least), result.scope.depth
    searched_all_lengths = result.scope.depth is None
    vacuous_at, may_pass, lost_at = [least], False, None  # (a mark found at the least sizes stands if found at each size searched)

    def bounded(searched: Scope, **kw) -> PropertyResult:
        out = replace(result, status=BOUNDED, scope=searched, **kw)
        return _vacuity_found(result, out, vacuous_at, lost_at) if result.vacuous and may_pass else out

    for grown, fresh in _size_boxes(model):
        if budget.deadline.expired():
            why_not_all += f"; the next sizes were not searched: {budget.deadline.ran_out()}"
            break
        if not (budget.prove or budget.grow):
            break
        for sizes in fresh:
            share = budget.deadline.remaining_ms() / 1000 / max(1, len(fresh))
            try:
                again = refuted_at(sizes, share, result.scope.depth if result.scope.depth is not None else budget.cap,
                                   budget.prove, result.vacuous and not may_pass)  # (a mark lost is not looked for again)
            except (OutOfTime, Unbuildable) as err:
                again = replace(result, status=UNKNOWN, reason=str(err))
            if again.status == REFUTED:
                return _found_at(again, prop, sizes, f"with {sizes_text(sizes)}: {again.summary}")
            if again.status not in (PROVED, BOUNDED):
                return bounded(Scope(depth, tuple((g, least[g], box[g]) for g in sorted(box))),
                               reason=f"not a proof: {why_not_all}; with {sizes_text(sizes)} the check was "
                                      f"{again.status} ({one_line(again.reason or '')})")
            if again.vacuous:
                vacuous_at.append(sizes)
            elif result.vacuous and not may_pass:  # (it can pass here, or was not decided in time: not looked for again)
                may_pass, lost_at = True, sizes
            if again.scope.depth is not None:
                searched_all_lengths = False
                depth = again.scope.depth if depth is None else min(depth, again.scope.depth)
        box = grown
    sizes = tuple((g, least[g], box[g]) for g in sorted(box))
    if not searched_all_lengths and depth is None:
        depth = budget.first
    shown = result.summary if not result.status == PROVED or prop.possible else (
        _it(result.summary) if result.summary.startswith("holds") else
        f"no counterexample; with {sizes_text(least)}, {result.summary}")  # (its candidates named at those sizes)
    return bounded(Scope(depth, sizes),
                   summary=f"with {Scope(None, sizes).sizes_text()}: {shown}" if result.status == PROVED else
                   f"{result.summary} (with {Scope(None, sizes).sizes_text()})",
                   reason=f"not a proof for every size: {why_not_all}" + (f"; {result.reason}" if result.reason else ""))
