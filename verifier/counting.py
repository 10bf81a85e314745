"""Symmetry reduction: interchangeable members encoded by counts instead of one variable each.

Assumes a checked :class:`govspec.model.Model`.  Guarantees: :func:`classes` returns the classes of
interchangeable people only when the spec lies in the fragment the counted encoding of
:mod:`verifier.encode` supports (else an empty tuple and a reason), and every person it puts in a
class is indistinguishable from the others of that class by every rule, guard, effect and
property: swapping two of them maps every behaviour to a behaviour with the same verdicts.

A class is a set of at least two people with the same tags, weight and principal, who sit in
exactly one body at the start, hold no office, and are named by no rule, guard, effect, property,
office or (for coalition questions) coalition list that does not include the whole class.  The
counted encoding keeps, per class, the number of its people in their body (a *slot*); for coalition
questions each class is split into the coalition's part and the others' part, whose sizes are
variables (how many of the class the coalition holds).

The fragment, chosen so that a member of a class never needs an identity of its own:

- weights do not move (no token effects, flash loans or snapshots) and no proposal lifecycle;
- nobody is ever added to a body (removals only: resignations, removals from office);
- no seat cap per principal; no coalition counted in principals; one live proposal per procedure;
- an argument that may denote a member of a class (a formal ``x in B`` of the class's body) is
  used only to remove them from a body or in ``x in B`` tests, in a procedure without a timelock;
  formals over ``people`` or ``not in B`` exclude counting when a class exists;
- set equalities compare a step set or body with a body or with everyone only;
- a union, difference or intersection has a side that holds named people only (``yes except {x}``);
  filters by tag or principal are exact (a class shares its tags and principal).

Outside the fragment the per-member encoding is used unchanged: the reduction is an optimisation,
never a requirement, and the differential tests compare both with the explicit engine.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from operator import attrgetter

from govspec import model as m
from govspec.groups import Names, chain, chunks, fingerprint, member
from govspec.engine import check_time
from govspec.records import dataclass

MIN_CLASS = 2  # smaller classes are encoded per member


@dataclass(frozen=True)
class Class:
    """Interchangeable people: all sit in ``body`` at the start."""

    name: str  # a label for constants and messages: the group's name, else the first member's
    body: str
    members: tuple[str, ...]  # in declaration order
    weight: object  # their (fixed) voting weight
    variable: tuple[int, int | None] | None = None  # a group of variable size: its range (members: the least)
    # the members' places in ``model.people``, as runs of consecutive places (a group: one run), so
    # that the encoding sets a class apart from the named people without a pass over its members;
    # empty when not known (then the encoding finds them by name)
    places: tuple[range, ...] = ()


def unsupported(model: m.Model) -> str | None:
    """Why the spec is outside the counted fragment (None: inside)."""
    if model.tokens:
        return "weights move (tokens)"
    procs = model.procedures.values()
    if any(p.lifecycle is not None for p in procs):
        return "a proposal lifecycle"
    if any(e.kind == "add" for p in procs for e in p.effects):
        return "someone may be added to a body"
    if any(b.cap is not None for b in model.bodies.values()):
        return "a seat cap per principal"
    if any(r.people is not None for p in procs for r in p.recusals):
        return "a recusal by a set of people"
    if any(st.waiver is not None for p in procs for st in [*p.stages, *([p.window_stage] if p.window_stage else [])]):
        return "attendance that waives notice"  # (who attended and who was notified overlap: not counts)
    if any(st.written_waiver is not None for p in procs for st in [*p.stages, *([p.window_stage] if p.window_stage else [])]):
        return "notice waived in writing"  # (who signed a waiver and who was notified: per member, not counts)
    if any(p.calling is not None for p in procs):
        return "who may call a meeting"
    if any(st.casting is not None for p in procs for st in p.stages):
        return "a chair's casting vote"
    if model.several_live():  # (issue 13.6: each live entry's arguments name a person: not counts)
        return "several live proposals of one procedure"
    if model.kept_tallies():
        return "a decision's kept tally (P.yes, P.weight_yes, ...)"
    for prop in model.properties:
        if prop.coalition is not None and prop.coalition.principals:
            return "a coalition counted in principals"
    for _, e in model.expressions():
        for x in m.walk(e):
            if isinstance(x, m.SetCompare) and not any(isinstance(s, (m.Members, m.Everyone)) for s in (x.left, x.right)):
                return "a set equality between step sets"
            if isinstance(x, m.SetOp) and not (_named_only(x.left) or _named_only(x.right)):
                return f"a {m.SET_OPS[x.op]} of two sets that may both hold interchangeable people"
    return None


def _named_only(s) -> bool:
    """Does the set hold named people only (never a class member), whatever the state?  Then a
    union, difference or intersection with it is exact on a class's count: the class is on one side."""
    match s:
        case m.SetOf():
            return True
        case m.Having(set=inner):
            return _named_only(inner)
        case m.SetOp(op="except", left=a):
            return _named_only(a)
        case m.SetOp(op="intersect", left=a, right=b):
            return _named_only(a) or _named_only(b)
        case m.SetOp(left=a, right=b):
            return _named_only(a) and _named_only(b)
    return False


def _arg_uses_ok(proc: m.Procedure, formal: str) -> bool:
    """Is the argument only removed from bodies (once from each) or tested with ``x in B``?"""
    if proc.timed or any(r.formal == formal and r.people is None for r in proc.recusals):
        return False
    removed_from = []
    for eff in proc.effects:
        for e in (eff.person, eff.other):
            if isinstance(e, m.Arg) and e.name == formal and eff.kind != "remove":
                return False
        if eff.kind == "remove" and isinstance(eff.person, m.Arg) and eff.person.name == formal:
            removed_from.append(eff.target)
    if len(removed_from) != len(set(removed_from)):
        # removed twice from one body: a class's count cannot tell the same person from another one
        return False
    # the conditions of conditional effects and a parameter's new value are read like rules
    for cond in [rule.expr for rule in proc.rules()] + [e for eff in proc.effects for e in (eff.when, eff.expr) if e]:
        allowed = {id(x.person) for x in m.walk(cond)
                   if isinstance(x, m.InSet) and isinstance(x.set, m.Members)}
        for x in m.walk(cond):
            if isinstance(x, m.Arg) and x.name == formal and id(x) not in allowed:
                return False
    return True


def _step_properties_name_args(model: m.Model) -> bool:
    return any(isinstance(x, m.Arg) for prop in model.properties for *_, e in prop.cases for x in m.walk(e))


def classes(model: m.Model, candidates: Sequence[str] | None = None,
            fixed: frozenset[str] | None = None) -> tuple[tuple[Class, ...], str | None]:
    """The interchangeable classes of the model (empty, with a reason, outside the fragment).

    ``candidates`` or ``fixed``: a coalition question's candidates or fixed coalition; a class must
    lie wholly inside or wholly outside them.  Either may be a sequence that holds groups whole
    (:mod:`govspec.groups`: a body's members), read a group at a time.
    """
    key = (fingerprint(candidates), fingerprint(fixed))
    cache = model.__dict__.setdefault("_counting_classes", {})
    if key not in cache:
        cache[key] = _classes(model, _Chosen(candidates) if candidates is not None else None,
                              _Chosen(fixed) if fixed is not None else None)
    return cache[key]


class _Chosen:
    """A question's candidates or fixed coalition: the groups it holds whole, and its other names
    (a set of them, and by group the numbers of the members among them), so that how much of a
    group it holds is found without a pass over the group."""

    def __init__(self, people) -> None:
        self.whole = {c.group: c.size for c in chunks(people) if isinstance(c, Names)}
        self.names = frozenset(itertools.chain.from_iterable(c for c in chunks(people) if not isinstance(c, Names)))
        self.numbers: dict[str, set[int]] = {}
        for group, number in filter(None, map(member, self.names)):
            self.numbers.setdefault(group, set()).add(number)

    def __contains__(self, name) -> bool:
        if name in self.names:
            return True
        written = member(name)
        return written is not None and written[1] <= self.whole.get(written[0], 0)

    def share(self, names) -> bool | None:
        """Whether all of ``names`` are chosen (True), none (False), or some and not others (None)."""
        inside = outside = False
        for c in chunks(names):
            if isinstance(c, Names):
                whole = min(self.whole.get(c.group, 0), len(c))
                held = whole + sum(1 for k in self.numbers.get(c.group, ()) if whole < k <= len(c))
                inside = inside or held > 0
                outside = outside or held < len(c)
            elif not self.whole:  # (names only: set operations)
                inside = inside or not self.names.isdisjoint(c)
                outside = outside or not self.names.issuperset(c)
            else:  # (a group's members listed one by one, the group held whole: name by name)
                held = list(map(self.__contains__, c))
                inside = inside or any(held)
                outside = outside or not all(held)
            if inside and outside:
                return None
        return inside


def _classes(model: m.Model, candidates: _Chosen | None, fixed: _Chosen | None):
    why = unsupported(model)
    if why is not None:
        return (), why
    # (the first one's place, key, people, their names, their places as runs), as _alike gives them
    parts: list[tuple[int, tuple, Sequence[m.Person], Sequence[str], list[range]]] = []
    for key, people, names, runs in _alike(model):
        check_time()
        inside = candidates.share(names) if candidates is not None else False
        held = fixed.share(names) if fixed is not None else False
        if inside is not None and held is not None:  # (the whole class on one side: no member looked at)
            parts.append((runs[0].start, (*key[:2], inside, held, key[2]), people, names, runs))
            continue
        split: dict[tuple, tuple[list[int], list[m.Person]]] = {}
        for place, p in zip(itertools.chain.from_iterable(runs), people):
            sides = (candidates is not None and p.name in candidates, fixed is not None and p.name in fixed)
            into = split.setdefault(sides, ([], []))
            into[0].append(place)
            into[1].append(p)
        parts.extend((places[0], (*key[:2], *sides, key[2]), ps, tuple(map(_NAME, ps)), _as_runs(places))
                     for sides, (places, ps) in split.items())
    parts.sort(key=lambda part: part[0])  # (in the order of the people, as the classes always were)
    found = tuple(Class(ps[0].group or ps[0].name, key[0], names, ps[0].weight,
                        model.sizes.get(key[-1]) if key[-1] else None, tuple(runs))
                  for _, key, ps, names, runs in parts if len(ps) >= MIN_CLASS or key[-1])
    if not found:
        return (), "no interchangeable people"
    counted_bodies = {c.body for c in found}
    for proc in model.procedures.values():
        for f in proc.formals:
            may_denote = f.domain == "people" or f.negated or f.domain in counted_bodies
            if may_denote and (f.domain == "people" or f.negated or not _arg_uses_ok(proc, f.name)):
                return (), f"argument {f.name} of {proc.name} may name one of them"
    if _step_properties_name_args(model):
        return (), "a step property names an argument"
    return _unique_names(found), None


_NAME, _PRINCIPAL, _TAGS, _WEIGHT, _GROUP = (attrgetter(a) for a in ("name", "principal", "tags", "weight", "group"))


def _alike(model: m.Model) -> list[tuple[tuple, Sequence[m.Person], Sequence[str], list[range]]]:
    """The people the rules cannot tell apart, whatever the question: by (the one body they sit on,
    their tags, weight and principal as a small number, their group if its size is variable), each
    with its people, their names and their places in ``model.people`` (as runs of consecutive
    places), in the order of the people.  Computed once per model; :func:`_classes` then splits
    these by a question's candidates and fixed coalition, class by class.  A group held as one
    entry (:class:`govspec.model.GroupPeople`) is taken whole, its members never made: a group's
    members share their tags, weight and principal, and sit in a body only all together (the
    body lists the group); people declared by name are looked at one by one."""
    cached = model.__dict__.get("_counting_alike")
    if cached is not None:
        return cached
    named = model.named_in_rules()
    only_body: dict[str, str | None] = {}  # person -> the one body they sit on (None: several)
    group_body: dict[str, str | None] = {}  # the same for a group held whole
    for b in model.bodies.values():
        for c in chunks(b.members):
            into, keys = (group_body, (c.group,)) if isinstance(c, Names) else (only_body, c)
            several = into.keys() & keys if into else ()
            into.update(dict.fromkeys(keys, b.name))
            into.update(dict.fromkeys(several))
    # (tags, weight, principal) as a small number: a group's members share those objects, so the
    # value (a frozenset and a Fraction, slow to hash) is looked at once per group, not per member
    alike_by_object: dict[tuple, int] = {}
    alike: dict[tuple, int] = {}
    groups: dict[tuple, tuple[list, list, list[range]]] = {}

    def add(key: tuple, people, names, places: range) -> None:
        into = groups.setdefault(key, ([], [], []))
        into[0].append(people)
        into[1].append(names)
        _extend(into[2], places)

    # groups some body lists member by member (a model made with bodies of plain names, as
    # govspec.power_sizes.model_at makes them): their members are looked at one by one below
    listed_apart = {written[0] for written in map(member, only_body) if written is not None}
    start = 0
    for c in chunks(model.people):
        check_time()
        if isinstance(c, m.GroupPeople) and c.names.group in listed_apart:
            if c.names.group in group_body:  # (and listed whole in another body: in that one too)
                whole = group_body[c.names.group]
                only_body.update((n, None if n in only_body else whole) for n in c.names)
            c = list(c)
        if isinstance(c, m.GroupPeople):
            places = range(start, start + len(c))
            start += len(c)
            body = group_body.get(c.names.group)
            principal = c.principal or False  # (each their own, or all one other)
            if body is not None and len(c) and not any(map(c.names.__contains__, named)) and principal not in c.names:
                number = alike.setdefault((c.tags, c.weight, principal), len(alike))
                group = c.names.group
                add((body, number, group if group in model.sizes else None), c, c.names, places)
            continue
        for group, run in itertools.groupby(c, key=_GROUP):
            run = list(run)
            places = range(start, start + len(run))
            start += len(run)
            first = run[0]
            if group is not None and len(run) > 1:  # a group's members, declared together: alike, if all share
                # their body, tags, weight and kind of principal; checked here, a pass each (list.count
                # looks at the objects, which the group's members share, before their values)
                names = list(map(_NAME, run))
                body = only_body.get(first.name)
                principal = first.principal != first.name and first.principal
                if (body is not None and list(map(only_body.get, names)).count(body) == len(run)
                        and named.isdisjoint(names)
                        and list(map(_TAGS, run)).count(first.tags) == len(run)
                        and list(map(_WEIGHT, run)).count(first.weight) == len(run)
                        and (list(map(_PRINCIPAL, run)) == names if principal is False  # (each their own, or
                             else list(map(_PRINCIPAL, run)).count(principal) == len(run)  # all one other)
                             and principal not in names)):
                    number = alike.setdefault((first.tags, first.weight, principal), len(alike))
                    add((body, number, group if group in model.sizes else None), run, names, places)
                    continue
            for i, p in zip(places, run):  # (people declared one by one, or a group whose members differ)
                body = only_body.get(p.name)
                if body is None or p.name in named:
                    continue
                principal = p.principal != p.name and p.principal
                by_object = (id(p.tags), id(p.weight), principal)
                number = alike_by_object.get(by_object)
                if number is None:
                    number = alike_by_object[by_object] = alike.setdefault((p.tags, p.weight, principal), len(alike))
                add((body, number, p.group if p.group in model.sizes else None), [p], [p.name], range(i, i + 1))
    found = [(key, chain(people), chain(names), runs) for key, (people, names, runs) in groups.items()]
    model.__dict__["_counting_alike"] = found
    return found


def _extend(runs: list[range], places: range) -> None:
    """Increasing places added to runs of consecutive ones (joined to the last run if next to it)."""
    if runs and runs[-1].stop == places.start:
        runs[-1] = range(runs[-1].start, places.stop)
    else:
        runs.append(places)


def _as_runs(places: list[int]) -> list[range]:
    """Increasing places as runs of consecutive ones."""
    runs: list[range] = []
    for place in places:
        _extend(runs, range(place, place + 1))
    return runs


def _unique_names(found: tuple[Class, ...]) -> tuple[Class, ...]:
    seen: dict[str, int] = {}
    out = []
    for c in found:
        seen[c.name] = seen.get(c.name, 0) + 1
        out.append(c if seen[c.name] == 1 else Class(f"{c.name}#{seen[c.name]}", c.body, c.members, c.weight, c.variable,
                                                                  c.places))
    return tuple(out)


def encoded_size(model: m.Model, prop: m.Property) -> int:
    """How many people the encoding of a property's question has: named ones, and two slots per class."""
    spec = prop.coalition
    if prop.kind == "coalition_block":
        found, _ = classes(model, fixed=frozenset(p.name for p in model.people) - frozenset(spec.candidates))
    elif spec is not None:
        found, _ = classes(model, spec.candidates)
    else:
        found, _ = classes(model)
    return len(model.people) - sum(len(c.members) for c in found) + 2 * len(found)
