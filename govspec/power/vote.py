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
from operator import attrgetter

from .. import model as m
from .. import semantics as sem
from ..clock import check_time
from .games import Game, PlayerClass

_WEIGHT = attrgetter("weight")

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
    # (issue 14) P is proposed before its vote: who may propose it (members of B whose voting power,
    # which never moves, reaches the threshold), and the days from the proposal to the vote's opening
    # (a time-passes step when more than 0).  None: the vote is the only step.
    proposers: frozenset[str] | None = None
    delay: int = 0
    # (issue 14) with thousands of distinct weights, each atom's gain as A + B * weight (see
    # :func:`_affine_tables`); None: read from the member's table
    gains: tuple[tuple[Fraction, Fraction], ...] | None = None
    # (issue 14) voting power moves inside B (see :func:`_moves_outside`): the option every coalition
    # member takes and the outsiders' notification plan, the same at every voting power
    choice: tuple[str, str] | None = None
    # ... and the coalition may pool its members' tokens on one proposer by this event ``(name, delegator
    # formal, delegate formal)``; None: nobody needs to (every member of B reaches the threshold alone)
    pool: tuple[str, str, str] | None = None
    bar: tuple[Fraction, bool] = (Fraction(0), False)  # the proposal threshold and whether strict

    @property
    def moves(self) -> bool:
        return self.choice is not None

    @property
    def steps(self) -> int:
        """The length of the shortest forcing sequence: the vote, after the proposal and the wait."""
        return 1 if self.proposers is None else 2 + (self.delay > 0)

    def proposer(self, coalition) -> str | None:
        """The first member of the coalition (in the order of B) who may propose P; None if none may.
        Without a proposal step, the empty string (nobody needs to)."""
        if self.proposers is None:
            return ""
        return next((p for p in self.order if p in coalition and p in self.proposers), None)

    def reaches(self, power: Fraction) -> bool:
        """Does this voting power meet the proposal threshold?"""
        bar, strict = self.bar
        return power > bar if strict else power >= bar

    def pooled(self, coalition) -> tuple[str, tuple[str, ...]] | None:
        """With tokens that move (issue 14): the proposer and who delegates to it first, fewest first
        (the coalition's members of B by decreasing weight, ties in B's order, the heaviest
        proposing), when the coalition can gather the threshold on one member; None if it cannot.
        Without a pooling event, the single proposer of :meth:`proposer` (nobody delegates)."""
        if self.proposers is None:
            return "", ()
        alone = self.proposer(coalition)
        if alone is not None or self.pool is None:
            return None if alone is None else (alone, ())
        members = sorted((p for p in self.order if p in coalition and p in self.weights),
                         key=lambda p: -self.weights[p])
        power = Fraction(0)
        for i, p in enumerate(members):
            power += self.weights[p]
            if self.reaches(power):
                return members[0], tuple(members[1:i + 1])
        return None

    def gain(self, person: str) -> tuple[Fraction, ...]:
        w = self.weights.get(person)
        if w is None:
            return (Fraction(0),) * len(self.atoms)
        if self.gains is not None:
            return tuple(a + b * w for a, b in self.gains)
        return self.tables[w].gain

    def holds(self, totals) -> bool:
        return all(atom.holds(t) for atom, t in zip(self.atoms, totals))

    def totals(self, coalition) -> list[Fraction]:
        totals = list(self.base)
        for p in coalition:
            check_time()
            totals = [t + g for t, g in zip(totals, self.gain(p))]
        return totals

    def forces(self, coalition) -> bool:
        """Forced by the shortest sequence: the proposal by one member reaching the threshold alone."""
        return not self.blocked and self.proposer(coalition) is not None and self.holds(self.totals(coalition))

    def forces_pooled(self, coalition) -> bool:
        """Forced at some length, the coalition's tokens pooled on its proposer first when it must."""
        return not self.blocked and self.pooled(coalition) is not None and self.holds(self.totals(coalition))


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
    if proc.lifecycle is not None and proc.lifecycle.threshold is not None:
        exprs.append(proc.lifecycle.threshold)
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
    return {(kind[e.kind], e.target) for e in proc.effects if e.kind in kind}  # (tokens: see _moves_outside)


def _dominant(choices: dict[str, list[Fraction]]) -> str | None:
    """A choice whose values are at least every other choice's, comparison by comparison."""
    for name, values in choices.items():
        if all(all(v >= w for v, w in zip(values, other)) for other in choices.values()):
            return name
    return None


def reduction(model: m.Model, goal: m.Goal, depth: int = 1, lifecycles: bool = False) -> "Question | str":
    """The question as gains (see the module docstring), or why the fragment does not hold, in words.

    With ``lifecycles`` (the verifier's fast path, issue 14), P may also be proposed before its vote
    and the spec may have time and snapshots, as long as voting power never moves (see
    :mod:`verifier.weighted`).  A forcing sequence then has at least :attr:`Question.steps` steps."""
    proc = model.procedures.get(goal.procedure) if goal.procedure else None
    if proc is None or goal.phase != "pass" or depth < 1:
        return "the outcome is not a procedure passing"
    refusal = _outside(model, proc, lifecycles)
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
    people = model.people_by_name()
    weights = dict(zip(members, map(_WEIGHT, map(people.__getitem__, members))))  # (10,000 holders: in C)
    def table(w: Fraction) -> Table | None:
        own_values = {o: tuple(a.value(options[o], w) for a in atoms) for o in own}
        plan_values = {p: tuple(min(a.value(options[r], w) for r in rs) for a in atoms) for p, rs in plans.items()}
        mine, theirs = _dominant(own_values), _dominant(plan_values)
        return None if mine is None or theirs is None else Table(own_values, plan_values, mine, theirs)

    moving = any(e.kind in m.TOKEN_EFFECTS for pr in model.procedures.values() for e in pr.effects)
    many = _more_distinct(weights.values(), AFFINE_FROM)
    values = list(weights.values())
    whole = sem.whole_numbers(values) if moving or many else None  # (once: 10,000 weights, read twice below)
    total = Fraction(sum(whole)) if whole is not None else sem.exact_sum(values) if moving or many else None
    if moving:  # (issue 14) the same choices at every voting power a member may come to hold: 0 to all of B's
        affine = _affine_tables(atoms, options, plans, table, [Fraction(0), total])
        if affine is None:
            return ("voting power moves, and a member's best vote or the outsiders' least response is not "
                    "the same at every voting power")
    else:
        affine = _affine_tables(atoms, options, plans, table, values, whole) if many else None
    if affine is not None:  # (thousands of distinct weights: tables made when asked, sums by formula)
        tables, gains, plan_line = affine
        base = [a.const + len(weights) * alpha + beta * total for a, (alpha, beta) in zip(atoms, plan_line)]
    else:
        tables, gains = {}, None
        for w in set(weights.values()):
            check_time()
            t = tables[w] = table(w)
            if t is None:
                return "a member's best vote depends on the others' (no dominant choice)"
        base = [a.const for a in atoms]
        for p, w in weights.items():
            check_time()
            base = [b + v for b, v in zip(base, tables[w].plans[tables[w].plan])]
    addable = any(e.kind == "add" and e.target == stage.body for pr in model.procedures.values() for e in pr.effects)
    order = tuple(p.name for p in model.people if p.name in members) if addable else model.bodies[stage.body].members
    life, proposers, delay = proc.lifecycle, None, 0
    bar, strict, pool = Fraction(0), False, None
    if life is not None:  # (only with ``lifecycles``: _outside refuses it otherwise)
        bar = Fraction(0) if life.threshold is None else sem.eval_num(life.threshold, env)
        strict = life.threshold is not None and life.threshold_strict
        if bar < 0 or (bar == 0 and not strict):  # (weights are positive: everyone reaches it)
            proposers = frozenset(weights)
        else:
            proposers = frozenset(p for p, w in weights.items() if (w > bar if strict else w >= bar))
        delay = life.delay
        blocked = blocked or (life.period is not None and life.period <= 0)
        if moving and proposers != frozenset(weights):
            pool = _pool_event(model, stage.body)
            if pool is None:
                return ("voting power moves, some member is below the proposal threshold, and no event delegates "
                        "one member's tokens to another (a coalition could gather them by transfers)")
    return Question(proc, stage.body, tuple(atoms), tuple(base), tables, weights, order, blocked,
                    proposers=proposers, delay=delay, gains=gains, choice=tables.choice if moving else None,
                    pool=pool, bar=(bar, strict))


AFFINE_FROM = 64  # from this many distinct weights on, the tables are affine in the weight (when they are)


def _more_distinct(weights, bound: int) -> bool:
    """Are there more than ``bound`` distinct weights?  (Stops at the first one past it; weights
    told apart as pairs of integers: hashing 10,000 fractions is slow.)"""
    seen = set()
    for w in weights:
        seen.add((w.numerator, w.denominator))
        if len(seen) > bound:
            return True
    return False


def _ends(values) -> tuple[int, int]:
    """The least and the greatest of integers, in one pass."""
    low = high = None
    for v in values:
        if low is None or v < low:
            low = v
        if high is None or v > high:
            high = v
    return low, high


class _LazyTables(dict):
    """Tables made on first use (witnesses and the least coalition ask for a few of thousands)."""

    def __init__(self, make):
        super().__init__()
        self._make = make
        self.choice = None  # (the dominant option, the dominant plan) at every weight between the ends

    def __missing__(self, w):
        t = self[w] = self._make(w)
        return t


def _affine_tables(atoms, options, plans, table, weights, whole=None) -> tuple | None:
    """For many distinct weights: (tables made when asked, the gain per atom as (A, B) with gain
    A + B * w, the dominant plan's value per atom as (alpha, beta)), or None.

    Every option's value in an atom is affine in the member's weight w (``value(sets, w)`` is a sum
    of coefficients, some times w).  Take the tables at the least and the greatest weight: if the
    same option is dominant at both, and the same plan, each plan taking at both ends an option
    least for each atom, then the same choices are dominant and least at every weight between
    (a difference of affine functions that is >= 0 at both ends of an interval is >= 0 on it), so
    the gain and the plan's value are affine in w at every weight of the body.  ``whole``: the
    weights as integers (:func:`govspec.semantics.whole_numbers`), if the caller has them."""
    whole = sem.whole_numbers(weights) if whole is None else whole
    if whole is not None:  # (the least and the greatest of integers, at C speed)
        low, high = Fraction(min(whole)), Fraction(max(whole))
    else:
        scale = math.lcm(*{w.denominator for w in weights})
        low, high = (Fraction(x, scale) for x in _ends(w.numerator * (scale // w.denominator) for w in weights))
    t_low, t_high = table(low), table(high)
    if t_low is None or t_high is None:
        return None
    # a choice dominant at both ends (by name: at a weight of 0 several options may tie)
    best, chosen = _dominant_at_both(t_low.own, t_high.own), _dominant_at_both(t_low.plans, t_high.plans)
    if best is None or chosen is None:
        return None

    def line(sets):
        return [(sum((c for (k, w), c in a.coeffs if k in sets and not w), Fraction(0)),
                 sum((c for (k, w), c in a.coeffs if k in sets and w), Fraction(0))) for a in atoms]

    lines = {o: line(sets) for o, sets in options.items()}
    plan_lines = {}
    for plan, responses in plans.items():  # every plan's value affine, so that dominance at the ends is enough
        plan_lines[plan] = []
        for a in range(len(atoms)):
            least = [lines[r][a] for r in responses
                     if lines[r][a][0] + lines[r][a][1] * low == t_low.plans[plan][a]
                     and lines[r][a][0] + lines[r][a][1] * high == t_high.plans[plan][a]]
            if not least:
                return None
            plan_lines[plan].append(least[0])
    own, plan_line = lines[best], plan_lines[chosen]
    gains = tuple((oa - pa, ob - pb) for (oa, ob), (pa, pb) in zip(own, plan_line))
    tables = _LazyTables(table)
    tables.choice = (best, chosen)
    return tables, gains, plan_line


def _dominant_at_both(low: dict, high: dict) -> str | None:
    """A choice whose values are at least every other choice's at both ends."""
    for name in low:
        if all(all(v >= w for v, w in zip(values[name], other)) for values in (low, high) for other in values.values()):
            return name
    return None


def _outside(model: m.Model, proc: m.Procedure, lifecycles: bool = False) -> str:
    """Why the procedure is outside the fragment, or ""."""
    if lifecycles:
        timing, tokens = _lifecycle_outside(model, proc), _moves_outside(model, proc)
    else:
        timing = model.timed and "the spec has timing (timelocks, veto windows or proposal periods)"
        tokens = model.tokens and "voting power moves (token effects, flash loans or snapshots)"
    for cause, reason in ((timing, timing), (tokens, tokens),
                          (proc.is_event, "it is an event"), (proc.formals, "it has arguments"),
                          (proc.recusals, "it has recusals"), (len(proc.stages) != 1, "it has several stages"),
                          (proc.window_stage is not None, "it has a veto window"),
                          (proc.calling is not None, "its meeting is called by someone")):
        if cause:
            return reason
    return ""


def _moves_outside(model: m.Model, proc: m.Procedure) -> str:
    """Why voting power may move in a way the fast path does not follow, or "" (issue 14).

    Snapshots alone do not move it (each is the declared weight).  Followed: tokens moved only by
    events, each with arguments that are all members of P's voting body B (``x in B``), no
    requirement, and effects that are all unconditional transfers and delegations between its
    arguments.  A coalition triggers such an event only when every argument is one of its members
    (outsiders trigger nothing), so the tokens of B's members outside the coalition never move, and
    every coalition member's balance counts for a coalition member: the coalition's total voting
    power and the outsiders' are those of the initial state.  Refused: a flash loan, minting, a
    token effect of a procedure with a vote (it may move an outsider's tokens), any other event
    that moves tokens, and rules of P that read the voting power of anything but a step set, B's
    members, everyone or the supply (those sums do not change; one holder's power does)."""
    if model.flash_loan > 0:
        return "voting power moves (a flash loan)"
    movers = [p for p in model.procedures.values() if any(e.kind in m.TOKEN_EFFECTS for e in p.effects)]
    if not movers or len(proc.stages) != 1:  # (several stages: refused for that reason)
        return ""
    if any(e.kind == "mint" for p in movers for e in p.effects):
        return "voting power moves (tokens are minted)"
    body = proc.stages[0].body
    for p in movers:
        if not p.is_event:
            return f"voting power moves (procedure {p.name} moves tokens)"
        if (p.guards or p.execution_guards or p.stages
                or any(f.numeric or f.negated or f.domain != body for f in p.formals)
                or any(e.kind not in m.TOKEN_EFFECTS or e.when is not None or not isinstance(e.person, m.Arg)
                       or not isinstance(e.other, m.Arg) for e in p.effects)):
            return (f"voting power moves (event {p.name} is not an unconditional transfer or delegation between "
                    f"members of {body} named by its arguments)")
    if _reads_power(proc, body):
        return "voting power moves, and its rules read the voting power of some of the members"
    return ""


def _reads_power(proc: m.Procedure, body: str) -> bool:
    """Does P read the voting power of a set other than a step set, B's members or everyone?"""
    exprs = [g.expr for g in proc.guards] + [r.expr for s in proc.stages for r in (s.quorum, s.passes) if r]
    exprs += [x for e in proc.effects for x in (e.person, e.when, e.expr, e.amount) if x is not None]
    if proc.lifecycle is not None and proc.lifecycle.threshold is not None:
        exprs.append(proc.lifecycle.threshold)
    return any(isinstance(x, m.Count) and x.weighted and not isinstance(x.set, (m.StepSet, m.Everyone))
               and x.set != m.Members(body) for e in exprs for x in m.walk(e))


def _pool_event(model: m.Model, body: str) -> tuple[str, str, str] | None:
    """An event ``(a in B, b in B) { effect delegate a to b }`` as (its name, a, b), or None: by it a
    coalition gathers its members' voting power on one of them (a delegation moves a whole balance,
    so no sequence of transfers and delegations gathers more in fewer steps)."""
    for p in model.procedures.values():
        if (p.is_event and len(p.formals) == 2 and len(p.effects) == 1 and p.effects[0].kind == "delegate"
                and not p.guards and not p.execution_guards and all(f.domain == body and not f.negated
                                                                    and not f.numeric for f in p.formals)):
            a, b = p.effects[0].person, p.effects[0].other
            names = [f.name for f in p.formals]
            if isinstance(a, m.Arg) and isinstance(b, m.Arg) and a.name != b.name and {a.name, b.name} == set(names):
                return p.name, a.name, b.name
    return None


def _lifecycle_outside(model: m.Model, proc: m.Procedure) -> str:
    """Why the spec's timing keeps P's question off the fast path with proposals (issue 14), or "".

    Allowed: P's proposal step (threshold, voting delay and period, snapshot) and timelocks (P's
    passing is its vote; a decision taking effect later changes only what the reads-and-writes test
    lets it).  Refused: veto windows anywhere (outsiders may act in them), meetings with notice
    periods or short notice (a call before the vote), several live proposals."""
    if any(p.window_stage is not None for p in model.procedures.values()):
        return "the spec has a veto window (the outsiders may act in it)"
    if _reads_time(proc):
        return "its rules read the date (time passing changes them)"
    if any(s.notice_days is not None for s in proc.stages):
        return "its meeting has a notice period"
    life = proc.lifecycle
    if life is not None and life.waivable:
        return "its vote may be held on short notice"
    if proc.live > 1:
        return "it may have several live proposals"
    return ""


_LAST: list = [None, None, None]  # (model, goal, its reduction): the engine asks a question several times


def _reads_time(proc: m.Procedure) -> bool:
    """Does anything P reads change as time passes: the date (``now``), the day a decision was
    approved or proposed, a kept tally?  Then the initial state does not stand for the state of its
    vote, and the argument of :mod:`verifier.weighted` does not hold."""
    exprs = [g.expr for g in proc.guards] + [r.expr for s in proc.stages for r in (s.quorum, s.passes) if r]
    exprs += [x for e in proc.effects for x in (e.person, e.when, e.expr) if x is not None]
    if proc.lifecycle is not None and proc.lifecycle.threshold is not None:
        exprs.append(proc.lifecycle.threshold)
    return any(isinstance(x, (m.Now, m.ApprovedAt, m.ProposedAt, m.Tally)) for e in exprs for x in m.walk(e))


def classify(model: m.Model, goal: m.Goal, depth: int) -> Question | None:
    """The question as gains, or None when the fragment does not hold (:func:`reduction`), proposals
    before the vote included (the verifier's fast path).  The last model's answer is kept: the
    reduction does not depend on the depth (at least 1), and a model never changes."""
    if depth < 1:
        return None
    if _LAST[0] is not model or _LAST[1] != goal:
        _LAST[:] = [model, goal, reduction(model, goal, depth, lifecycles=True)]
    q = _LAST[2]
    return q if isinstance(q, Question) else None


def _label(people: list[m.Person]) -> str:
    """How a class of interchangeable members is named: "the 8 elected", or their names."""
    groups = {p.group for p in people}
    if len(people) > 1 and len(groups) == 1 and None not in groups:
        return f"the {len(people)} {groups.pop()}"
    return people[0].name if len(people) == 1 else "{" + ", ".join(p.name for p in people) + "}"


def game_of(model: m.Model, q: Question, by_principal: bool = False, bloc: tuple[str, tuple[str, ...]] | None = None) -> Game:
    """The vote as a game with integer weights: one criterion per atom (``base + gains >= 0``, or
    ``> 0``, scaled by the common denominator).  Members with the same gains form a class.  With
    ``by_principal``, the keys held for one principal are one player (they vote together); with
    ``bloc`` (a name, its people), the bloc's members who vote are one player of that name."""
    members = [model.person(p) for p in q.order]
    units: dict[str, list[m.Person]] = {}
    for p in members:
        unit = bloc[0] if bloc is not None and p.name in bloc[1] else p.principal if by_principal else p.name
        units.setdefault(unit, []).append(p)
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
