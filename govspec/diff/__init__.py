"""``govspec diff OLD NEW``: what a change to the rules changes.

Three parts, each from the two specs as loaded (imports joined):

1. **Rules** (:mod:`.rules`): declarations matched by name, clauses as written, each change in one line.
2. **Properties**: every property of either file, checked under the old rules and under the new
   ones (a property that names something one side lacks does not apply there, and says why). A
   property is **lost** when it holds under the old rules (PROVED) and fails under the new
   (REFUTED), and **gained** the other way round, whatever it states (a guarantee such as
   ``no coalition of at most 2 ... can force``, or a power such as ``coalition {...} can force``);
   each flip carries the scenario of its REFUTED side.
3. **Power** (:mod:`.coalitions`): for each procedure, the fewest people who can force it and the
   fewest who can block it, under each set of rules, each with a coalition that can (its forcing
   sequence is the witness); from ``no coalition of at most K ... can force/block P``, so under the
   semantics of ``can force``: passive opposition, timing, vetoes.

Nothing is assumed across the two sides: every verdict is a check of its own, with its scope.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import model as m
from ..load import load
from ..options import Options
from ..report import PropertyResult, SanityResult
from .coalitions import Power
from .jobs import checked
from .respec import own_properties, with_properties
from .rules import RuleChange, rule_changes

__all__ = ["Diff", "Guarantee", "Power", "RuleChange", "diff_files", "diff_models"]

LOST, GAINED, KEPT, UNDECIDED, ONE_SIDE = "lost", "gained", "unchanged", "undecided", "one side only"
NO_LONGER_APPLIES = "no longer applies"


@dataclass(frozen=True)
class Guarantee:
    """One property under both sets of rules (None: it does not apply there, ``why_not`` says why)."""

    name: str
    text: str  # the property as written (in the file it comes from)
    origin: str  # "old", "new" or "both" (the same text in both files)
    before: PropertyResult | None
    after: PropertyResult | None
    why_not_before: str | None = None
    why_not_after: str | None = None

    @property
    def change(self) -> str:
        if self.before is not None and self.after is None and self.before.status == "proved":
            return NO_LONGER_APPLIES  # (a guarantee whose subject is gone: not known to be kept)
        if self.before is None or self.after is None:
            return ONE_SIDE
        a, b = self.before.status, self.after.status  # (PROVED: the property holds, whatever its kind)
        if (a, b) == ("proved", "refuted"):
            return LOST
        if (a, b) == ("refuted", "proved"):
            return GAINED
        if a == b and a in ("proved", "refuted"):
            return KEPT
        return UNDECIDED

    def as_dict(self) -> dict:
        return {"name": self.name, "text": self.text, "origin": self.origin, "change": self.change,
                "before": self.before.as_dict() if self.before else None,
                "after": self.after.as_dict() if self.after else None,
                "why_not_before": self.why_not_before, "why_not_after": self.why_not_after}


@dataclass(frozen=True)
class Diff:
    old: str
    new: str
    rules: tuple[RuleChange, ...]
    guarantees: tuple[Guarantee, ...]
    power: tuple[Power, ...]
    passable: tuple[tuple[str, str | None, str | None], ...] = ()  # (procedure, sanity before, after)
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def exit_code(self) -> int:
        """1 a property lost; 4 none lost but one undecided on a side, or held under the old rules and
        not applicable to the new (what it speaks of is gone); 0 otherwise."""
        changes = [g.change for g in self.guarantees]
        if LOST in changes:
            return 1
        return 4 if UNDECIDED in changes or NO_LONGER_APPLIES in changes else 0

    def as_dict(self) -> dict:
        return {"format": "govspec-diff/1", "old": self.old, "new": self.new,
                "rules": [r.as_dict() for r in self.rules],
                "guarantees": [g.as_dict() for g in self.guarantees],
                "power": [p.as_dict() for p in self.power],
                "passable": [{"procedure": p, "before": a, "after": b} for p, a, b in self.passable],
                "notes": list(self.notes), "exit_code": self.exit_code}


def diff_files(old: str, new: str, options: Options = Options(), power: bool = True) -> Diff:
    """The diff of two spec files (SpecError if either is invalid)."""
    return diff_models(load(old), load(new), options, power)


def diff_models(old: m.Model, new: m.Model, options: Options = Options(), power: bool = True) -> Diff:
    props_old, props_new = own_properties(old), own_properties(new)
    # (what each side's imports state: read once, each reading parses the spec and its imports)
    brings = {"old": own_properties(old, imported=True), "new": own_properties(new, imported=True)}
    # a name one side imports and the other states otherwise (in a file of its own or an import):
    # each side's statement is checked under its own rules only, and said not compared
    said = {"old": {**brings["old"], **props_old}, "new": {**brings["new"], **props_new}}
    apart = {n for n in said["old"].keys() & said["new"].keys() if said["old"][n][1] != said["new"][n][1]
             and not (n in props_old and n in props_new)}
    # (a side's own statement of such a name stays in that side's rules alone)
    kept_apart = {side: {n: (own[n][0], side) for n in apart if n in own}
                  for side, own in (("old", props_old), ("new", props_new))}
    props_old = {n: v for n, v in props_old.items() if n not in apart}
    props_new = {n: v for n, v in props_new.items() if n not in apart}
    union: dict[str, tuple[str, str]] = {}  # name -> (text, origin)
    for name, (text, states) in props_old.items():
        same = name in props_new and props_new[name][1] == states  # (a citation or a comment changed at most)
        union[name] = (props_new[name][0] if same else text, "both" if same else "old")
    taken = {p.name for model in (old, new) for p in model.properties}  # (imported ones too: they stay in)
    for name, (text, _) in props_new.items():
        if name not in union:
            union[name] = (text, "new")
        elif union[name][1] == "old":  # the same name, another statement: two properties
            other = _fresh(f"{name}__new", taken)
            taken.add(other)
            union[other] = (_renamed(text, name, other), "new")
    # the properties the files import (a file of shared guarantees): each side checks those its own
    # imports bring, and one imported on one side only is added to the other, as its own would be
    imported, brought = _imported(brings, {**union, **{n: None for n in apart}})
    # a file's own property that the other side imports, stated alike: one property, which the
    # importing side has already (a copy appended there was refused as a duplicate, and lost its result)
    has = {side: {n for n in brings[side] if n in union and n not in own}
           for side, own in (("old", props_old), ("new", props_new))}
    union = {n: (text, "both" if n in has["old"] or n in has["new"] else origin) for n, (text, origin) in union.items()}
    results, why_not, passable, rechecked = {}, {}, {}, {}
    for side, model in (("old", old), ("new", new)):
        added = {n: v for n, v in union.items() if n not in has[side]}
        rechecked[side], why_not[side] = with_properties(model, {**added, **brought[side], **kept_apart[side]})
    # (every check a task: on this process, -j N processes or a Dask cluster, the same results)
    checks, powers, notes = checked(rechecked, old, new, options, power)
    for side, (sanity_results, properties) in checks.items():
        results[side] = {r.name: r for r in properties}
        passable[side] = {s.procedure: s for s in sanity_results}
    # (a side that refused a property has no result for it: a result of that name there is another's)
    guarantees = tuple(Guarantee(name, text, origin,
                                 None if name in why_not["old"] else results["old"].get(name),
                                 None if name in why_not["new"] else results["new"].get(name),
                                 why_not["old"].get(name), why_not["new"].get(name))
                       for name, (text, origin) in {**union, **imported}.items())
    for name in sorted(apart):
        guarantees += (
            Guarantee(name, said["old"][name][0], "old", results["old"].get(name), None, None,
                      f"not compared: the new rules state '{name}' otherwise{_how_said(name, new)}"),
            Guarantee(name, said["new"][name][0], "new", None, results["new"].get(name),
                      f"not compared: the old rules state '{name}' otherwise{_how_said(name, old)}", None))
    procs = [p for p in old.procedures] + [p for p in new.procedures if p not in old.procedures]
    sanity = tuple((p, _sanity_word(passable["old"].get(p)), _sanity_word(passable["new"].get(p))) for p in procs
                   if not (old.procedures.get(p) or new.procedures.get(p)).is_event)
    return Diff(old.path, new.path, tuple(rule_changes(old, new)), guarantees, tuple(powers), sanity, tuple(notes))


def _how_said(name: str, model: m.Model) -> str:
    prop = next((p for p in model.properties if p.name == name), None)
    return f" (in {prop.span.path}, imported)" if prop is not None and prop.span.path != model.path else ""


def _imported(sides: dict[str, dict], union: dict) -> tuple[dict, dict]:
    """The imported properties (name -> (text, origin)) not among ``union`` (the files' own, and the
    names stated otherwise on each side; ``sides``: what each side's imports state); and for each
    side, those imported by the other side only, to add to it."""
    found: dict[str, tuple[str, str]] = {}
    for name, (text, states) in sides["old"].items():
        if name in union:
            continue
        if name in sides["new"]:  # (stated alike: a name stated otherwise is not compared, and not here)
            found[name] = (sides["new"][name][0], "both")
        else:
            found[name] = (text, "old")
    found |= {name: (text, "new") for name, (text, _) in sides["new"].items() if name not in union and name not in found}
    brought = {side: {name: (text, origin) for name, (text, origin) in found.items()
                      if origin == other and name not in sides[side]}
               for side, other in (("old", "new"), ("new", "old"))}
    return found, brought


def _sanity_word(result: SanityResult | None) -> str | None:
    if result is None:
        return None
    return {"ok": "can pass", "warning": "cannot pass", "unknown": "unknown"}.get(result.status, result.status)


def _fresh(name: str, taken: set[str]) -> str:
    """``name``, or ``name2``, ``name3``, ...: the first that no property of either file has."""
    return next(n for n in (name if i == 1 else f"{name}{i}" for i in range(1, len(taken) + 2)) if n not in taken)


def _renamed(text: str, name: str, new_name: str) -> str:
    """The property declaration ``text`` with its name (the word after ``property``) replaced."""
    return re.sub(rf"^(\s*property\s+){re.escape(name)}\b", lambda mt: mt[1] + new_name, text, count=1)


