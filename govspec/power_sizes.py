"""``govspec power --each-size``: the game of an outcome at each size of its deciding body that the
spec's own events can bring about (directors resigning), not only at the size declared.

Assumes a checked model with every group's size fixed and a report of
:func:`govspec.procedural.with_procedural`.  The *shrinking events* of an outcome are the spec's
environment events whose every effect removes someone from a body, one of them from a body that
votes on the outcome (a stage's or the veto window's).  Their states are found from the initial
state on the reference semantics (each event's arguments, guards and effects as a trace has them),
one state per kind: two states are the same kind when a permutation of people who are
interchangeable in the spec (:func:`govspec.coalitions.symmetry_keys`: same weight, tags,
principal and bodies at the start, named by no rule, office or property) maps one onto the other;
such states have the same game up to renaming, so one representative is analysed.

Such a state differs from the initial one only in the bodies' members (the events only remove), so
the game from it is the game of the spec with those members declared
(:func:`model_at`): each kind is analysed by :func:`govspec.procedural.analyse_procedure` on that
model, every figure and scenario as for the declared size (each scenario is the verifier's forcing
sequence from that state, replayed on the reference semantics).  Guarantees: every kind reached is
analysed, in order of size (largest first), down to the empty body or the least size the events
allow; at most :data:`MAX_STATES` kinds, beyond which the sizes are refused with the reason.
"""

from __future__ import annotations

import math
from dataclasses import replace

from . import model as m
from . import semantics as sem
from .coalitions import symmetry_keys
from .explicit.steps import _arg_tuples
from .options import Options
from .power.report import Unsupported
from .procedural import analyse_procedure, force_question, outcomes
from .report import PROVED, REFUTED
from .tasks import check_one, engine_of

QUICK = 10.0  # seconds for the explicit engine's try of each check of a smaller size
MAX_STATES = 64  # kinds of smaller body analysed per outcome (each a game of its own)
KEPT = ("passable", "exact", "checks", "bounded", "why", "winning_coalitions", "all_coalitions", "minimal_winning",
        "minimal_blocking", "dummies", "vetoes")  # what each size keeps of its analysis


def voting_bodies(proc: m.Procedure) -> list[str]:
    """The bodies that vote on the procedure (its stages, its veto window), in order."""
    stages = [*proc.stages, *([proc.window_stage] if proc.window_stage else [])]
    return list(dict.fromkeys(s.body for s in stages))


def shrinking_events(model: m.Model, proc: m.Procedure) -> list[m.Procedure]:
    """The events that only remove people from bodies, one of them a body voting on ``proc``."""
    bodies = set(voting_bodies(proc))
    return [e for e in model.procedures.values() if e.is_event and e.effects
            and all(x.kind == "remove" for x in e.effects) and any(x.target in bodies for x in e.effects)]


def model_at(model: m.Model, state: sem.State) -> m.Model:
    """The spec with each body's members those of ``state`` (in the declared order): its initial
    state is ``state`` when ``state`` differs from the initial one in members only."""
    bodies = {name: replace(b, members=tuple(p for p in b.members if p in state.body(name)))
              for name, b in model.bodies.items()}
    return replace(model, bodies=bodies)


def reachable_kinds(model: m.Model, events: list[m.Procedure]) -> list[sem.State]:
    """One state per kind reached from the initial state by ``events`` (the initial one first),
    or :class:`Unsupported` beyond :data:`MAX_STATES` kinds."""
    keys = symmetry_keys(model)
    number: dict[object, int] = {}
    for p in model.people:
        number.setdefault(keys[p.name], len(number))

    def kind(state: sem.State) -> tuple:
        within = {p.name: [] for p in model.people}
        for body, members in state.members:
            for p in members:
                within[p].append(body)
        return tuple(sorted((number[keys[p]], tuple(bs)) for p, bs in within.items()))

    start = sem.initial_state(model)
    found = {kind(start): start}
    todo = [start]
    while todo:
        sem_state = todo.pop(0)
        for event in events:
            for args in _arg_tuples(model, event, sem_state):
                step = sem.Step(event.name, tuple(args.items()))
                if sem.step_problems(model, sem_state, step):
                    continue
                after = sem.apply(model, sem_state, step)
                if kind(after) not in found:
                    if len(found) >= MAX_STATES:
                        raise Unsupported(event.name, f"the events reach more than {MAX_STATES} kinds of smaller "
                                                      f"body (each a game of its own)")
                    found[kind(after)] = after
                    todo.append(after)
    return list(found.values())


def _without(model: m.Model, state: sem.State, bodies: list[str]) -> tuple[list[str], str]:
    """Who left the voting bodies (the representative's), and in words up to interchangeable people."""
    keys = symmetry_keys(model)
    start = sem.initial_state(model)
    gone = [p.name for p in model.people if any(p.name in start.body(b) and p.name not in state.body(b) for b in bodies)]
    classes: dict[object, list[str]] = {}
    for b in bodies:
        for p in model.bodies[b].members:
            if p not in classes.setdefault(keys[p], []):
                classes[keys[p]].append(p)
    parts = []
    for members in classes.values():
        left = [p for p in members if p in gone]
        if not left:
            continue
        if len(members) == 1:
            parts.append(members[0])
        elif len(left) == len(members):
            parts.append(f"{'both' if len(left) == 2 else 'all ' + str(len(left))} of {{{', '.join(members)}}}")
        else:
            parts.append(f"any {len(left)} of {{{', '.join(members)}}}")
    return gone, ", ".join(parts)


def _anyone(entry: dict, in_office: list[str], everyone: list[str]) -> int | None:
    """k when the minimal winning coalitions are exactly every k of those in office (each of them
    a non-dummy, everyone else a dummy: the C(n, k) coalitions listed are then all of those)."""
    if "minimal_winning" not in entry or not entry["minimal_winning"]["complete"]:
        return None
    profiles = entry["minimal_winning"]["profiles"]
    if len(profiles) != 1 or "witness" not in profiles[0] or set(entry["dummies"]) != set(everyone) - set(in_office):
        return None
    k = len(profiles[0]["witness"]["coalition"])
    return k if entry["minimal_winning"]["coalitions"] == math.comb(len(in_office), k) else None


def _entry(model: m.Model, state: sem.State, bodies: list[str], found: dict | None, refused: str | None) -> dict:
    gone, words = _without(model, state, bodies)
    entry = {"size": {b: len(state.body(b)) for b in bodies},
             "members": {b: [p for p in model.bodies[b].members if p in state.body(b)] for b in bodies},
             "without": gone, "without_text": words}
    if refused is not None:
        return entry | {"unsupported": refused}
    entry |= {k: found[k] for k in KEPT if k in found}
    for body in bodies:  # (the outcome may rest on one of its bodies alone: a veto window's may not matter)
        k = _anyone(entry, entry["members"][body], [p.name for p in model.people])
        if k is not None:
            entry |= {"any_of_members": k} | ({"any_of_body": body} if len(bodies) > 1 else {})
            break
    return entry


def quick(model: m.Model, goal: m.Goal, options: Options) -> tuple[Options, Options | None]:
    """The options of each smaller size's checks, and those of a check they leave undecided: the
    explicit engine first (exact within its limits, and on a small body far quicker than Z3, which
    builds an encoding per coalition), for at most :data:`QUICK` seconds, then the engine asked.
    When the explicit engine cannot decide whether everyone together can force ``goal`` at the
    declared size (the largest), every check goes to the engine asked."""
    if options.engine == "explicit":
        return options, None
    first = replace(options, engine="explicit", timeout=min(options.timeout, QUICK))
    probe = force_question(model, goal, tuple(p.name for p in model.people))
    decided = check_one(engine_of(model, first)[0], model, probe, first, {}).status in (PROVED, REFUTED)
    return (first, options) if decided else (options, None)


def with_sizes(report: dict, model: m.Model, options: Options = Options(), by: str = "person",
               progress=None, bloc=None) -> dict:
    """``report`` (that of :func:`govspec.procedural.with_procedural`) with, for each outcome,
    ``"sizes"``: the analysis at each kind of smaller body the shrinking events reach (the module
    docstring), or why there is none; ``bloc`` as for :func:`govspec.procedural.decide_game`."""
    goals = {g.text: g for g in outcomes(model)}
    done = []
    for r in report["outcomes"]:
        goal = goals[r.get("outcome", r["procedure"])]
        proc = model.procedures[goal.procedure]
        events = shrinking_events(model, proc)
        removed = {x.target for e in events for x in e.effects}
        bodies = [b for b in voting_bodies(proc) if b in removed] or voting_bodies(proc)  # (those that change)
        sizes: dict = {"bodies": bodies, "events": [e.name for e in events]}
        if not events:
            done.append(r | {"sizes": sizes | {"why": f"no event of the spec removes members of {' or '.join(bodies)}"}})
            continue
        if "approximate" in r:  # (sampled: too large for the exact analysis, and so is each size near it)
            done.append(r | {"sizes": sizes | {"why": "the outcome is sampled, not analysed exactly (each size is not analysed)"}})
            continue
        try:
            states = reachable_kinds(model, events)
        except Unsupported as refused:
            done.append(r | {"sizes": sizes | {"why": refused.reason}})
            continue
        states.sort(key=lambda s: -sum(len(s.body(b)) for b in bodies))  # (stable: the initial state first)
        entries, checks = [_entry(model, states[0], bodies, r, None)], 0
        first, then = quick(model, goal, options)
        for state in states[1:]:
            at = model_at(model, state)
            try:
                found, refused = analyse_procedure(at, goal, first, by, progress, then=then, bloc=bloc), None
                checks += found["checks"]
            except Unsupported as no:
                found, refused = None, no.reason
            entries.append(_entry(model, state, bodies, found, refused))
        done.append(r | {"sizes": sizes | {"kinds": len(states), "checks": checks, "states": entries}})
    return {**report, "outcomes": done}
