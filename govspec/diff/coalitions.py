"""Who can force or block each procedure, under each set of rules: the fewest people, with a coalition.

The fewest people who can force P is the least K for which ``no coalition of at most K can force
P`` is REFUTED (its witness is a coalition of at most K and its forcing sequence); likewise for
``can block``.  Both questions are monotone in K (a coalition of at most K is one of at most K + 1),
so the least K is found by a search over K that starts from the other side's answer and halves
the interval; each K asked is a check of its own, with the options of the run.  A K that is
neither PROVED nor REFUTED (bounded, unknown) stops the search: the answer is then a range, and
says which K and why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from .. import model as m
from ..options import Options
from ..report import PropertyResult
from .respec import with_properties

KINDS = ("force", "block")


class Refused(Exception):
    """The spec does not allow the coalition question (the error that says why)."""


@dataclass(frozen=True)
class Least:
    """The fewest people who can force (or block) a procedure under one set of rules.

    ``size``: the least K found (None: no coalition of at most ``upto`` people can, everyone
    included); ``exact``: every smaller K was PROVED impossible; ``coalition`` and ``result``: the
    check that found a coalition of ``size`` (its forcing sequence is the witness); ``note``: why
    the answer is not exact."""

    size: int | None
    upto: int
    exact: bool
    coalition: tuple[str, ...] | None = None
    result: PropertyResult | None = None
    note: str | None = None
    checks: int = 0

    def as_dict(self) -> dict:
        return {"size": self.size, "of": self.upto, "exact": self.exact,
                "coalition": list(self.coalition) if self.coalition is not None else None,
                "witness": self.result.as_dict() if self.result is not None else None,
                "note": self.note, "checks": self.checks}

    def words(self) -> str:
        if self.size == 0:
            return "nobody needed (0 people)"
        if self.size is None:
            return f"nobody (not even all {self.upto} people together)" if self.exact else f"undecided ({self.note})"
        people = "person" if self.size == 1 else "people"
        return f"{self.size} {people}" if self.exact else f"at most {self.size} {people} ({self.note})"


@dataclass(frozen=True)
class Power:
    procedure: str
    kind: str  # force | block
    before: Least | None  # None: the procedure is not in that spec (or is an event there), or the question was not asked
    after: Least | None
    why_not: str | None = None
    refused: tuple[tuple[str, str], ...] = ()  # (side, reason) of each side not computed; why_not says them in words

    @property
    def refused_alike(self) -> bool:
        """Both sides asked, and refused for one reason (``why_not`` is that reason alone)."""
        return len(self.refused) == 2 and self.refused[0][1] == self.refused[1][1]

    @property
    def changed(self) -> bool | None:
        """Did the answer change?  True when the procedure is on one side only, or when the answers
        cannot be the same (two exact sizes that differ, or an exact size past a side's "at most K");
        False for two exact answers alike; None when not known: a side not computed (``why_not``),
        or an answer not exact that may or may not be the other's (two undecided answers were
        called unchanged)."""
        if self.why_not:
            return None
        if self.before is None or self.after is None:
            return True
        (low, high), (low2, high2) = _range(self.before), _range(self.after)
        if high < low2 or high2 < low:
            return True
        return False if (low, high) == (low2, high2) and low == high else None

    def as_dict(self) -> dict:
        return {"procedure": self.procedure, "kind": self.kind, "changed": self.changed,
                "before": self.before.as_dict() if self.before else None,
                "after": self.after.as_dict() if self.after else None, "why_not": self.why_not}


def _range(least: Least) -> tuple[float, float]:
    """The fewest people an answer allows: exactly its size (nobody at all, not even everyone: past
    every size); "at most K" from 0 to K; undecided, any."""
    if least.exact:
        return (least.size, least.size) if least.size is not None else (math.inf, math.inf)
    return (0, least.size) if least.size is not None else (0, math.inf)


def _unsupported(model: m.Model) -> str | None:
    if model.sizes:
        return "a group of variable size: the fewest people may depend on its size"
    if model.several_live():
        return "several live proposals: the search for the fewest people does not yet cover them"
    return None


def least_coalitions(old: m.Model, new: m.Model, options: Options) -> tuple[list[Power], list[str]]:
    """For each procedure of either spec (events aside), the fewest people who can force it and who
    can block it, before and after; and notes on what was not computed."""
    asked, refused, notes = questions(old, new)
    return [power_question(old, new, name, kind, options, refused) for name, kind in asked], notes


def questions(old: m.Model, new: m.Model) -> tuple[list[tuple[str, str]], dict[str, str | None], list[str]]:
    """The questions of :func:`least_coalitions`, ``(procedure, kind)`` each (independent of one
    another: ``govspec diff -j N`` asks them in parallel); why a side is not asked any; the notes."""
    notes = []
    refused = {side: _unsupported(model) for side, model in (("old", old), ("new", new))}
    for side, why in refused.items():
        if why:
            notes.append(f"power not computed for the {side} spec: {why}")
    names = [p for p, proc in old.procedures.items() if not proc.is_event]
    names += [p for p, proc in new.procedures.items() if not proc.is_event and p not in names]
    # (a procedure timed on either side: its taking effect too, where a veto window or a timelock counts)
    timed = {p for model in (old, new) for p, proc in model.procedures.items() if proc.timed}
    goals = [goal for name in names for goal in (name, *((f"{name}.executed",) if name in timed else ()))]
    return [(goal, kind) for goal in goals for kind in KINDS], refused, notes


def power_question(old: m.Model, new: m.Model, name: str, kind: str, options: Options,
                   refused: dict[str, str | None]) -> Power:
    """The fewest people who can force (or block) ``name`` (a procedure passing, or ``P.executed``),
    before and after (the answer before is where the search after starts).  A side whose
    constructs do not allow the question is not computed, with the reason (``why_not``: the side
    named when the other side was asked; the answer of the other side is kept)."""
    answers: dict[str, Least | None] = {"old": None, "new": None}
    why: dict[str, str] = {}
    procedure = name.split(".")[0]
    for side, model in (("old", old), ("new", new)):
        if not _asked(model, procedure):
            continue
        if refused[side]:  # (the whole spec: a group of variable size, several live proposals)
            why[side] = refused[side]
            continue
        try:
            hint = answers["old"].size if side == "new" and answers["old"] is not None else None
            answers[side] = least(model, name, kind, options, hint=hint)
        except Refused as err:  # (a coalition question the spec's constructs do not allow)
            why[side] = str(err)
    if not why:
        return Power(name, kind, answers["old"], answers["new"])
    refused = tuple(why.items())
    if len(why) == 2 and len(set(why.values())) == 1:  # (both sides asked, and refused alike)
        return Power(name, kind, None, None, why_not=next(iter(why.values())), refused=refused)
    return Power(name, kind, answers["old"], answers["new"], refused=refused,
                 why_not="; ".join(f"under the {side} rules: {reason}" for side, reason in why.items()))


def _asked(model: m.Model, procedure: str) -> bool:
    """Is ``procedure`` a procedure of ``model`` (an event of that name is not asked about: nobody decides it)?"""
    return procedure in model.procedures and not model.procedures[procedure].is_event


def least(model: m.Model, procedure: str, kind: str, options: Options, hint: int | None = None) -> Least:
    """The fewest people of ``model`` who can force (or block) ``procedure`` (or ``P.executed``)."""
    n = len(model.people)
    asked: dict[int, PropertyResult] = {}

    def can(k: int) -> str:
        asked[k] = _none_can(model, procedure, kind, k, options)
        return asked[k].status

    lo, hi = 0, n + 1  # no coalition of at most lo can (0: none asked yet); one of at most hi can (n + 1: unknown)
    probe = hint if hint is not None and 1 <= hint <= n else max(1, (n + 1) // 2)
    note = None
    step_from_hint = hint is not None
    while hi - lo > 1:
        status = can(probe)
        if status == "refuted":
            hi = probe
        elif status == "proved":
            lo = probe
        else:
            r = asked[probe]
            note = f"K = {probe} is {r.word}" + (f": {r.reason}" if r.reason else "")
            break
        if step_from_hint:  # the other side's answer, then its neighbour: most changes move it by one
            step_from_hint = False
            probe = probe - 1 if status == "refuted" else probe + 1
            if not lo < probe < hi:
                probe = (lo + hi) // 2
        else:
            probe = (lo + hi) // 2
    exact = note is None and hi - lo == 1
    if hi > n:
        return Least(None, n, exact and lo == n, note=note, checks=len(asked))
    witness = asked[hi]
    coalition = witness.coalition
    if kind == "block" and coalition is not None:  # (the check names the others, who cannot force P against it)
        coalition = tuple(p.name for p in model.people if p.name not in coalition)
    # (a witness smaller than hi, the empty coalition, is the least itself)
    size = min(hi, len(coalition)) if coalition is not None else hi
    if size == 1 and exact:  # (K = 0, asked as its dual: is everyone together unable to do the other?)
        return _nobody_or_one(model, procedure, kind, options, Least(size, n, True, coalition, witness, None, len(asked) + 1))
    return Least(size, n, exact or size == 0, coalition, witness, note, len(asked))


def _none_can(model: m.Model, procedure: str, kind: str, k: int, options: Options) -> PropertyResult:
    """The check of ``no coalition of at most k can KIND procedure`` under ``model``'s rules."""
    from ..api import check_model

    name = f"least_{kind}_{k}"
    text = f"property {name}: no coalition of at most {k} can {kind} {procedure}"
    checked, refused = with_properties(model, {name: (text, "diff")})
    if refused:
        raise Refused(refused[name])
    report = check_model(checked, Options(**{**options.__dict__, "sanity": False}))
    return next(r for r in report.properties if r.name == name)


def _nobody_or_one(model: m.Model, procedure: str, kind: str, options: Options, one: Least) -> Least:
    """0 or 1 (``one``): the empty coalition blocks P when everyone together cannot force it, and
    forces P when no coalition, everyone included, can block it (can block: the others cannot force
    it against the coalition), so K = 0 is ``no coalition of at most N can`` do the other."""
    dual = _none_can(model, procedure, "block" if kind == "force" else "force", one.upto, options)
    if dual.status == "proved":
        return Least(0, one.upto, True, (), dual, None, one.checks)
    if dual.status == "refuted":
        return one
    return replace(one, exact=False, note=f"whether nobody is needed is undecided: {dual.word}"
                   + (f", {dual.reason}" if dual.reason else ""))
