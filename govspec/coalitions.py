"""Coalitions up to symmetry: which coalitions a coalition question must try.

Two people the spec cannot tell apart (the same weight, tags, principal and bodies at the start,
and not named by the rules: :meth:`govspec.model.Model.named_in_rules`) can be swapped in any
coalition without changing what it can force, so one coalition per class of such swaps is enough.
The work is under the deadline applied (:func:`govspec.engine.check_time`: a spec may have
100,000 people).  Used by the verdict logic ("every coalition", "no coalition of at most K principals") and by the
engines that ask about principals' coalitions; it depends on the model only.
"""

from __future__ import annotations

import math

from . import model as m
from .engine import check_time

MAX_COALITIONS = 500  # beyond this many coalitions up to symmetry, a question is not enumerated


def largest_principal_coalitions(model: m.Model, spec: m.CoalitionSpec) -> list[frozenset[str]] | None:
    """The largest coalitions of principals a 'no coalition of at most K principals' allows, up to
    symmetry, each with all its candidate keys (None: too many)."""
    return principal_coalitions(model, spec, min(spec.size, len(principals(model, spec))))


def principals(model: m.Model, spec: m.CoalitionSpec) -> list[str]:
    """The principals of a coalition's candidates, in declaration order."""
    return list(dict.fromkeys(model.person(c).principal for c in spec.candidates))


def symmetry_keys(model: m.Model) -> dict[str, object]:
    """person -> a key such that swapping two people with the same key maps the spec onto itself
    (the same weight, tags, principal and bodies at the start, recused by the same recusals by a
    set; named by no office, rule, effect or property); a person the spec tells apart is keyed by
    their own name."""
    named = model.named_in_rules()
    bodies = {p.name: [] for p in model.people}
    for b in model.bodies.values():
        for n in b.members:
            bodies[n].append(b.name)
    keys = {}
    for p in model.people:
        check_time()
        keys[p.name] = p.name if p.name in named else \
            ("alike", p.weight, p.tags, tuple(bodies[p.name]), p.principal if p.principal != p.name else None,
             model.set_recusals_of(p.name))
    return keys


def coalitions_up_to_symmetry(items: list[str], size: int, key) -> tuple[list[tuple[str, ...]], int]:
    """One coalition of ``size`` items per class of coalitions that a symmetry of the spec maps onto
    each other (items with equal ``key(item)`` are interchangeable), and how many coalitions there
    are in all.  The one kept is the first of its class in the order of itertools.combinations,
    and they come in that order, so the first coalition with a property is the one a full
    enumeration finds first.  At most MAX_COALITIONS + 1 are made."""
    groups: dict[object, list[str]] = {}
    for item in items:
        check_time()
        groups.setdefault(key(item), []).append(item)
    position = {item: i for i, item in enumerate(items)}
    found = []

    def shapes(rest: list[list[str]], left: int, chosen: list[str]):
        check_time()
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


def including_coalitions(model: m.Model, spec: m.CoalitionSpec, size: int) -> tuple[list[tuple[str, ...]], int]:
    """The coalitions of ``size`` drawn from the candidates that include every one of
    ``spec.including``, up to symmetry (the included are fixed; the others are chosen as
    :func:`coalitions_up_to_symmetry` chooses), in candidate order, and how many there are in all."""
    keys = symmetry_keys(model)
    rest = [c for c in spec.candidates if c not in spec.including]
    combos, count = coalitions_up_to_symmetry(rest, size - len(spec.including), keys.__getitem__)
    position = {c: i for i, c in enumerate(spec.candidates)}
    return [tuple(sorted(spec.including + combo, key=position.__getitem__)) for combo in combos], count


def principal_coalitions(model: m.Model, spec: m.CoalitionSpec, size: int) -> list[frozenset[str]] | None:
    """Every coalition of ``size`` principals up to symmetry, as the set of their candidate keys
    (None: too many).  A principal with one candidate key, a person alike others, is
    interchangeable with the principals of the others."""
    keys = symmetry_keys(model)
    held: dict[str, list[str]] = {}
    for c in spec.candidates:
        check_time()
        held.setdefault(model.person(c).principal, []).append(c)
    combos, _ = coalitions_up_to_symmetry(
        principals(model, spec), size,
        lambda pr: keys[held[pr][0]] if len(held[pr]) == 1 and held[pr][0] == pr and keys[pr] != pr else pr)
    if len(combos) > MAX_COALITIONS:
        return None
    return [frozenset(c for c in spec.candidates if model.person(c).principal in combo) for combo in combos]


def principal_names(model: m.Model, members) -> str:
    names = sorted({model.person(p).principal for p in members})
    return ("principal " if len(names) == 1 else "principals ") + ", ".join(names)
