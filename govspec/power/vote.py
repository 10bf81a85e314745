"""A procedure decided by one vote of one body, as linear gains: the game its vote is.

Moved here from :mod:`verifier.weighted` (which answers coalition questions with it) so that the
power analysis can read it without Z3.  :func:`reduction` recognises the fragment (the conditions
are listed in :mod:`verifier.weighted`'s docstring, with why the answer equals the general
semantics' answer for behaviours of any length) and reduces the vote to a :class:`Question`: a
coalition C forces P iff every atom holds of ``base + sum of gains of C``.  Outside the fragment it
says why, in words.  :func:`game_of` turns a Question into a :class:`~govspec.power.games.Game`
with integer weights.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from .. import model as m
from .. import semantics as sem
from ..clock import check_time
from .games import Game, PlayerClass

# The step sets each option puts a member in (no recusal: everyone in B is eligible): the same as the
# reference semantics' stage_sets gives a member who takes that option (tests/test_weighted.py
# compares them), see :func:`option_sets`.
MEETING = {
    "out": frozenset({"eligible"}),
    "told": frozenset({"eligible", "notified"}),
    "yes": frozenset({"eligible", "notified", "present", "yes", "cast"}),
    "no": frozenset({"eligible", "notified", "present", "no", "cast"}),
    "abstain": frozenset({"eligible", "notified", "present", "abstain"}),
}
CONSENT = {
    "told": frozenset({"eligible", "notified"}),
    "sign": frozenset({"eligible", "notified", "present", "yes", "cast"}),
}


def option_sets(mode: str) -> dict[str, frozenset[str]]:
    """The step sets each option of a ``meeting`` or ``consent`` stage puts a member in.

    Mirrors :func:`govspec.semantics.meetings.stage_sets` for one member with no recusal."""
    return MEETING if mode == "meeting" else CONSENT


@dataclass(frozen=True)
class Atom:
    """``sum of coeffs[(step set, weighted)] * count + const`` is >= 0 (or > 0 when ``strict``)."""

    coeffs: tuple[tuple[tuple[str, bool], Fraction], ...]
    const: Fraction
    strict: bool

    def value(self, sets: frozenset[str], weight: Fraction) -> Fraction:
        return sum((c * (weight if w else 1) for (kind, w), c in self.coeffs if kind in sets), Fraction(0))

    def holds(self, total: Fraction) -> bool:
        return total > 0 if self.strict else total >= 0


@dataclass(frozen=True)
class Table:
    """What one member of a given weight adds to each comparison (a vector, one value per atom)."""

    own: dict[str, tuple[Fraction, ...]]  # per option, as a coalition member
    plans: dict[str, tuple[Fraction, ...]]  # per notification choice, the outsider's worst response
    best: str  # the dominant option
    plan: str  # the dominant notification choice
    gain: tuple[Fraction, ...] = ()  # best minus worst: what joining the coalition adds

    def __post_init__(self):
        object.__setattr__(self, "gain", tuple(g - b for g, b in zip(self.own[self.best], self.plans[self.plan])))


@dataclass(frozen=True)
class Question:
    """A coalition question reduced to gains: C forces P iff every atom holds of base + gains of C."""

    proc: m.Procedure
    body: str
    atoms: tuple[Atom, ...]
    base: tuple[Fraction, ...]  # every member of the body at its worst as an outsider
    tables: dict[Fraction, Table]  # per weight
    weights: dict[str, Fraction]  # members of the body
    order: tuple[str, ...]  # the members in the order the general encoding decides them
    blocked: bool  # a guard or an effect fails in the initial state: nobody can force P

    def gain(self, person: str) -> tuple[Fraction, ...]:
        w = self.weights.get(person)
        return self.tables[w].gain if w is not None else (Fraction(0),) * len(self.atoms)

    def holds(self, totals) -> bool:
        return all(atom.holds(t) for atom, t in zip(self.atoms, totals))

    def totals(self, coalition) -> list[Fraction]:
        totals = list(self.base)
        for p in coalition:
            check_time()
            totals = [t + g for t, g in zip(totals, self.gain(p))]
        return totals

    def forces(self, coalition) -> bool:
        return not self.blocked and self.holds(self.totals(coalition))


# ------------------------------------------------------------------ rules as linear atoms


def _linear(e, env: sem.Env):
    """e as ({(step set, weighted): coefficient}, constant), or None if not linear in the step sets."""
    if not any(isinstance(x, m.StepSet) for x in m.walk(e)):
        return {}, sem.eval_num(e, env)
    match e:
        case m.Count(set=m.StepSet(kind=k), weighted=w):
            return {(k, w): Fraction(1)}, Fraction(0)
        case m.Arith(op=op, left=a, right=b) if op in "+-":
            la, lb = _linear(a, env), _linear(b, env)
            if la is None or lb is None:
                return None
            sign = 1 if op == "+" else -1
            coeffs = dict(la[0])
            for key, c in lb[0].items():
                coeffs[key] = coeffs.get(key, Fraction(0)) + sign * c
            return coeffs, la[1] + sign * lb[1]
        case m.Arith(op="*", left=a, right=b):
            la, lb = _linear(a, env), _linear(b, env)
            if la is None or lb is None or (la[0] and lb[0]):
                return None
            (coeffs, const), factor = (la, lb[1]) if la[0] else (lb, la[1])
            return {k: c * factor for k, c in coeffs.items()}, const * factor
    return None  # a step set inside something other than a count (e.g. a set comparison)


def _atoms(e, env: sem.Env) -> list[Atom] | None:
    """The rule as a conjunction of atoms, or None."""
    match e:
        case m.BoolConst(value=True):
            return []
        case m.And(items=items):
            out = []
            for item in items:
                sub = _atoms(item, env)
                if sub is None:
                    return None
                out += sub
            return out
        case m.NotE(item=m.Compare(op=op) as c) if op != "==":
            flip = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "!=": "=="}[op]
            return _atoms(m.Compare(flip, c.left, c.right), env)
        case m.Compare(op=op, left=a, right=b) if op != "!=":
            lin = _linear(m.Arith("-", a, b), env)
            if lin is None:
                return None
            coeffs, const = lin
            up = Atom(tuple(sorted(coeffs.items())), const, op == ">")
            down = Atom(tuple(sorted((k, -c) for k, c in coeffs.items())), -const, op == "<")
            return {">=": [up], ">": [up], "<=": [down], "<": [down], "==": [up, down]}[op]
    return None


# ------------------------------------------------------------------ when the fast path applies


def _reads(proc: m.Procedure) -> set[tuple[str, str]]:
    exprs = [g.expr for g in proc.guards] + [r.expr for s in proc.stages for r in (s.quorum, s.passes) if r]
    exprs += [x for e in proc.effects for x in (e.person, e.when, e.expr) if x is not None]
    out = {("body", s.body) for s in proc.stages}
    out |= {("body", e.target) for e in proc.effects if e.kind in ("remove", "add")}
    for e in exprs:
        for x in m.walk(e):
            match x:
                case m.Members(body=b):
                    out.add(("body", b))
                case m.ParamRef(name=n):
                    out.add(("param", n))
                case m.Holder(office=o) | m.Vacant(office=o):
                    out.add(("office", o))
    return out


def _writes(proc: m.Procedure) -> set[tuple[str, str]]:
    kind = {"vacate": "office", "fill": "office", "set": "param", "remove": "body", "add": "body"}
    return {(kind[e.kind], e.target) for e in proc.effects}


def _dominant(choices: dict[str, list[Fraction]]) -> str | None:
    """A choice whose values are at least every other choice's, comparison by comparison."""
    for name, values in choices.items():
        if all(all(v >= w for v, w in zip(values, other)) for other in choices.values()):
            return name
    return None


def reduction(model: m.Model, goal: m.Goal, depth: int = 1) -> "Question | str":
    """The question as gains (see the module docstring), or why the fragment does not hold, in words."""
    proc = model.procedures.get(goal.procedure) if goal.procedure else None
    if proc is None or goal.phase != "pass" or depth < 1:
        return "the outcome is not a procedure passing"
    refusal = _outside(model, proc)
    if refusal:
        return refusal
    stage = proc.stages[0]
    if stage.kind != "decided" or stage.mode not in ("meeting", "consent") or stage.waivable:
        # (attendance that waives notice: an outsider not notified blocks by staying away)
        return ("its meeting's notice can be waived by attendance" if stage.waiver else "its meeting's notice can be "
                "waived in writing" if stage.written_waiver else "its vote is not a plain meeting or consent")

    reads = _reads(proc)
    if any(_writes(other) & reads for other in model.procedures.values() if other is not proc):
        return "another procedure or event changes what its vote reads (members, offices or parameters)"
    state = sem.initial_state(model)
    env = sem.Env(model, state)
    atoms = []
    for rule in (stage.quorum, stage.passes):
        sub = _atoms(rule.expr, env) if rule is not None else []
        if sub is None:
            return f"its rule '{rule.text}' is not a conjunction of linear comparisons of counts and weights"
        atoms += sub
    # options in the order the general encoding's canonical model tries them (least first)
    if stage.mode == "consent":
        options, own, plans = option_sets("consent"), ("told", "sign"), {"notified": ("told",)}
    else:
        options = option_sets("meeting")
        own = (("out",) if stage.notice == "none" else ()) + ("told", "yes", "no", "abstain")
        plans = ({"not notified": ("out",)} if stage.notice == "none" else {}) | {"notified": ("told", "no", "abstain")}
    blocked = bool([g for g in proc.guards if not sem.eval_bool(g.expr, env)] or sem.effect_problems(model, proc, env))
    members = state.body(stage.body)
    weights = {}
    for p in members:
        check_time()
        weights[p] = model.person(p).weight
    tables: dict[Fraction, Table] = {}
    for w in set(weights.values()):
        own_values = {o: tuple(a.value(options[o], w) for a in atoms) for o in own}
        plan_values = {p: tuple(min(a.value(options[r], w) for r in rs) for a in atoms) for p, rs in plans.items()}
        mine, theirs = _dominant(own_values), _dominant(plan_values)
        if mine is None or theirs is None:
            return "a member's best vote depends on the others' (no dominant choice)"
        tables[w] = Table(own_values, plan_values, mine, theirs)
    base = [a.const for a in atoms]
    for p, w in weights.items():
        check_time()
        base = [b + v for b, v in zip(base, tables[w].plans[tables[w].plan])]
    addable = any(e.kind == "add" and e.target == stage.body for pr in model.procedures.values() for e in pr.effects)
    order = tuple(p.name for p in model.people if p.name in members) if addable else model.bodies[stage.body].members
    return Question(proc, stage.body, tuple(atoms), tuple(base), tables, weights, order, blocked)


def _outside(model: m.Model, proc: m.Procedure) -> str:
    """Why the procedure is outside the fragment, or ""."""
    for cause, reason in ((model.timed, "the spec has timing (timelocks, veto windows or proposal periods)"),
                          (model.tokens, "voting power moves (token effects, flash loans or snapshots)"),
                          (proc.is_event, "it is an event"), (proc.formals, "it has arguments"),
                          (proc.recusals, "it has recusals"), (len(proc.stages) != 1, "it has several stages"),
                          (proc.window_stage is not None, "it has a veto window"),
                          (proc.calling is not None, "its meeting is called by someone")):
        if cause:
            return reason
    return ""


def classify(model: m.Model, goal: m.Goal, depth: int) -> Question | None:
    """The question as gains, or None when the fragment does not hold (:func:`reduction`)."""
    q = reduction(model, goal, depth)
    return q if isinstance(q, Question) else None


def _label(people: list[m.Person]) -> str:
    """How a class of interchangeable members is named: "the 8 elected", or their names."""
    groups = {p.group for p in people}
    if len(people) > 1 and len(groups) == 1 and None not in groups:
        return f"the {len(people)} {groups.pop()}"
    return people[0].name if len(people) == 1 else "{" + ", ".join(p.name for p in people) + "}"


def game_of(model: m.Model, q: Question, by_principal: bool = False) -> Game:
    """The vote as a game with integer weights: one criterion per atom (``base + gains >= 0``, or
    ``> 0``, scaled by the common denominator).  Members with the same gains form a class.  With
    ``by_principal``, the keys held for one principal are one player (they vote together)."""
    members = [model.person(p) for p in q.order]
    units: dict[str, list[m.Person]] = {}
    for p in members:
        units.setdefault(p.principal if by_principal else p.name, []).append(p)
    gains = {name: tuple(sum((q.gain(p.name)[a] for p in people), Fraction(0)) for a in range(len(q.atoms)))
             for name, people in units.items()}
    scales = [math.lcm(*(x.denominator for x in [q.base[a], *(g[a] for g in gains.values())]))
              for a in range(len(q.atoms))]
    quotas = tuple(int(-q.base[a] * s) + (1 if q.atoms[a].strict else 0) for a, s in enumerate(scales))
    grouped: dict[tuple[int, ...], list[str]] = {}
    for name, g in gains.items():
        grouped.setdefault(tuple(int(x * s) for x, s in zip(g, scales)), []).append(name)
    classes = []
    for vector, names in grouped.items():
        people = [model.person(n) if n in q.weights else None for n in names]
        label = _label(people) if all(people) else names[0] if len(names) == 1 else "{" + ", ".join(names) + "}"
        classes.append(PlayerClass(label, len(names), vector, tuple(names)))
    return Game(tuple(classes), quotas)
