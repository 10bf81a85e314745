"""Encode behaviours of a model as Z3 constraints (bounded unrolling, one Boolean per member per step).

Assumes a checked :class:`govspec.model.Model`.  Guarantees: for every step ``t`` the constraints
of :meth:`Unrolling.add_step` hold exactly when the step's choices form a legal passing step of the
reference semantics (:mod:`govspec.semantics`), and the state after it is the one
:func:`govspec.semantics.apply` computes.  Constants are named after the source and the step
(``yes@3[remove_ceo.0:altman]``) so a model reads back directly into a trace.

For coalition checks, :meth:`Unrolling.add_forced_step` keeps the coalition's choices existential
and quantifies universally over every outsider response at each stage (passive opposition).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from z3 import (
    And, BoolRef, BoolVal, Bool, ForAll, If, Implies, Int, IntVal, Not, Or, PbLe, Q, Real, RealVal, Sum, ToReal, is_bool, is_false,
    simplify,
)

from govspec import model as m

from .counting import Class

VACANT = -1


_NEGATED = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!=", "!=": "=="}


def _negate(c: "m.Compare") -> "m.Compare":
    return m.Compare(_NEGATED[c.op], c.left, c.right)


def _split_equality(c: "m.Compare") -> list:
    """== is >= and <= (!= has no per-member worst case; callers refuse it)."""
    if c.op == "==":
        return [(">=", c.left, c.right), ("<=", c.left, c.right)]
    return [(c.op, c.left, c.right)]


def _constant_scale(e):
    """(factor, parameter or None) when e is a constant or a constant times a parameter."""
    if isinstance(e, m.Num):
        return (e.value, None)
    if isinstance(e, m.ParamRef):
        return (Fraction(1), e.name)
    if isinstance(e, m.Arith) and e.op == "*":
        a, b = _constant_scale(e.left), _constant_scale(e.right)
        if a and b and (a[1] is None or b[1] is None):
            return (a[0] * b[0], a[1] or b[1])
    return None


def _atoms(e) -> list | None:
    """The atoms of a rule that is a conjunction of comparisons and of tests that a person is (or is
    not) in a set, else None (see :meth:`Unrolling.worst_case`)."""
    if isinstance(e, (m.Compare, m.InSet)) or (isinstance(e, m.NotE) and isinstance(e.item, m.InSet)):
        return [e]
    if isinstance(e, m.And):
        out = []
        for item in e.items:
            sub = _atoms(item)
            if sub is None:
                return None
            out += sub
        return out
    return [] if isinstance(e, m.BoolConst) and e.value else None


def _min(terms):
    best = terms[0]
    for t in terms[1:]:
        best = If(t < best, t, best)
    return best


def _max(terms):
    best = terms[0]
    for t in terms[1:]:
        best = If(t > best, t, best)
    return best


def _with(state: "SymState", **changes) -> "SymState":
    """A copy of a symbolic state with some parts replaced."""
    parts = dict(members=state.members, offices=state.offices, params=state.params, now=state.now,
                 pending=state.pending, balances=state.balances, delegates=state.delegates,
                 proposals=state.proposals, counting=state.counting)
    parts.update(changes)
    return SymState(**parts)


def _has(x):
    """"Someone is in it": a member's Boolean, or a class count at least one."""
    return x if is_bool(x) else x >= 1


def _amount(x, unit):
    """What a member's Boolean or a class's count adds to a count: ``unit`` per person in it."""
    return If(x, unit, RealVal(0)) if is_bool(x) else ToReal(x) * unit


def _q(x: Fraction):
    return Q(x.numerator, x.denominator) if x.denominator != 1 else RealVal(x.numerator)


@dataclass
class SymState:
    members: dict[str, dict[int, BoolRef]]  # body -> person index -> in office?
    offices: dict[str, object]  # office -> Int term (person index or VACANT)
    params: dict[str, object]  # parameter -> Real term
    now: object = None  # Int term: the current day
    # timed procedure -> (waiting?, approved on day, its arguments, day of its proposal or -1 without a proposal step)
    pending: dict[str, tuple] = field(default_factory=dict)
    balances: dict[int, object] | None = None  # person -> Real term (None: weights do not move)
    delegates: dict[int, object] | None = None  # person -> Int term, whom they delegate to (None: nobody delegates)
    # procedure with a lifecycle -> (proposed?, on day, proposer, its arguments, snapshot powers or None)
    proposals: dict[str, tuple] = field(default_factory=dict)
    counting: dict[int, object] | None = None  # the voting power a stage counts (None: the state's)


WAIT_KEY = "@wait"


def action_key(procedure: str, phase: str) -> str:
    """The selection literal's key for one kind of step: P (its vote), P@execute, P@veto."""
    return procedure if phase == "pass" else f"{procedure}@{phase}"


@dataclass
class StageVars:
    # per member a Boolean; per class slot (see Unrolling.slots) a count
    notified: dict[int, BoolRef]
    attended: dict[int, BoolRef]
    yes: dict[int, BoolRef]
    no: dict[int, BoolRef]
    abstain: dict[int, BoolRef]


@dataclass
class StepVars:
    t: int
    selected: dict[str, BoolRef]
    args: dict[str, dict[str, object]]
    stages: dict[str, list[StageVars]]
    active: BoolRef | None = None  # the step happens (otherwise the state stays as it was)
    days: object = None  # Int term: how long time passes in a WAIT step
    proposer: dict[str, object] = field(default_factory=dict)  # procedure -> Int term (its proposal step)
    loan: object = None  # Int term: who takes the flash loan (NOBODY: no loan)


NOBODY = -1


@dataclass(frozen=True)
class Slot:
    """Part of an interchangeable class, encoded by how many of its people are in its body."""

    cls: Class
    part: str  # "all"; or, for a coalition question, "coalition" or "others"
    total: object  # Int term: how many people the slot stands for


class Unrolling:
    """The bounded unrolling.  With ``classes`` (from :func:`verifier.counting.classes`) the people
    of each class are not encoded one by one: each class is a *slot*, an index after the named
    people whose membership and stage choices are counts (``split``: two slots per class, the
    coalition's part and the others', whose sizes are the variables ``coalition_counts``)."""

    def __init__(self, model: m.Model, classes: tuple[Class, ...] = (), split: bool = False,
                 all_sizes: bool = False):
        """``all_sizes``: a class that is a group of variable size has a size variable (in
        ``sizes``, constrained by ``size_rules``) instead of the size of the model's instance."""
        self.model = model
        counted = {n for c in classes for n in c.members}
        self.people = [p.name for p in model.people if p.name not in counted]
        self.index = {n: i for i, n in enumerate(self.people)}
        self.weights = [p.weight for p in model.people if p.name not in counted]
        self.named = len(self.people)
        declared = {p.name: i for i, p in enumerate(model.people)}
        # index -> place in the declaration order (a slot: its class's first member), for canonical models
        self.position = {i: declared[n] for i, n in enumerate(self.people)}
        self.slots: dict[int, Slot] = {}
        self.coalition_counts: dict[str, object] = {}  # class name -> Int: how many of it the coalition holds
        self.sizes: dict[str, object] = {}  # class name -> its size (a variable only with all_sizes)
        self.size_rules: list = []
        self.size_vars: list = []
        self.extra_seats: dict[str, object] = {}  # body -> seats beyond the instance's, from variable sizes
        for c in classes:
            size = IntVal(len(c.members))
            if all_sizes and c.variable is not None:
                size = Int(f"size[{c.name}]")
                self.size_vars.append(size)
                low, high = c.variable
                self.size_rules += [size >= low] + ([size <= high] if high is not None else [])
                self.extra_seats[c.body] = self.extra_seats.get(c.body, IntVal(0)) + size - len(c.members)
            self.sizes[c.name] = size
            if split:
                k = self.coalition_counts[c.name] = Int(f"coalition[{c.name}]")
                parts = [("coalition", k), ("others", size - k)]
            else:
                parts = [("all", size)]
            for part, total in parts:
                self.slots[len(self.people)] = Slot(c, part, total)
                self.position[len(self.people)] = declared[c.members[0]]
                self.people.append(f"{c.name}:{part}")
                self.weights.append(c.weight)
        # who can ever sit in each body: the initial members, plus anyone if some effect adds to it
        addable = {e.target for p in model.procedures.values() for e in p.effects if e.kind == "add"}
        self.potential: dict[str, list[int]] = {}
        for b in model.bodies.values():
            if b.name in addable:
                self.potential[b.name] = list(range(len(self.people)))
            else:
                self.potential[b.name] = [self.index[n] for n in b.members if n in self.index]
            self.potential[b.name] += [i for i, s in self.slots.items() if s.cls.body == b.name]
        self.delegation = any(e.kind == "delegate" for p in model.procedures.values() for e in p.effects)
        self.states: list[SymState] = [self._initial()]
        self.steps: list[StepVars] = []

    def coalition(self, candidates: tuple[str, ...] | None, size: int | None, fixed: frozenset[str] | None):
        """The coalition of a forcing question: (index -> Boolean, constraints on who is in it, the
        named candidates' literals).  A class slot is in it or not by its part; the size of the
        coalition's part of each class is a variable (``coalition_counts``)."""
        if fixed is not None:
            coalition = {i: BoolVal(n in fixed) for i, n in enumerate(self.people[:self.named])}
        else:
            coalition = {i: (Bool(f"coalition[{n}]") if n in candidates else BoolVal(False))
                         for i, n in enumerate(self.people[:self.named])}
        coalition.update({i: BoolVal(s.part == "coalition") for i, s in self.slots.items()})
        named = [coalition[self.index[n]] for n in (candidates or ()) if n in self.index] if fixed is None else []
        rules = []
        for c in {s.cls for s in self.slots.values()}:
            k = self.coalition_counts[c.name]
            if fixed is not None:
                rules.append(k == (self.sizes[c.name] if c.members[0] in fixed else 0))
            elif c.members[0] in candidates:  # (a class is wholly inside or outside: counting.classes)
                rules.append(And(k >= 0, k <= self.sizes[c.name]) if size is not None else k == self.sizes[c.name])
            else:
                rules.append(k == 0)
        if fixed is None and size is not None:
            counts = [self.coalition_counts[c] for c in sorted(self.coalition_counts)]
            rules.append(Sum([If(b, 1, 0) for b in named] + counts) <= size if named or counts else BoolVal(True))
        elif fixed is None:
            rules += named
        return coalition, rules, named

    # ------------------------------------------------------------ states
    def _initial(self) -> SymState:
        mm = self.model
        members = {b: {i: self.slots[i].total if i in self.slots else BoolVal(self.people[i] in mm.bodies[b].members)
                       for i in self.potential[b]} for b in mm.bodies}
        offices = {o.name: IntVal(self.index[o.holder] if o.holder else VACANT) for o in mm.offices.values()}
        params = {p.name: _q(p.initial) for p in mm.params.values()}
        pending = {p.name: (BoolVal(False), IntVal(0), {f.name: IntVal(0) for f in p.formals}, IntVal(-1))
                   for p in mm.procedures.values() if p.timed}
        balances = {i: _q(w) for i, w in enumerate(self.weights)} if mm.tokens else None
        delegates = {i: IntVal(i) for i in range(len(self.people))} if self.delegation else None
        proposals = {p.name: (BoolVal(False), IntVal(-1), IntVal(0), {f.name: IntVal(0) for f in p.formals},
                              {i: RealVal(0) for i in range(len(self.people))} if p.lifecycle.snapshot else None)
                     for p in mm.procedures.values() if p.lifecycle is not None}
        return SymState(members, offices, params, IntVal(0), pending, balances, delegates, proposals)

    # ------------------------------------------------------------ voting power
    def powers(self, state: SymState, loan=None) -> list:
        """Each person's voting power (see semantics.powers): delegated balances plus a flash loan."""
        if state.balances is None:
            base = [_q(w) for w in self.weights]
        elif state.delegates is None:
            base = [state.balances[i] for i in range(len(self.people))]
        else:
            base = [Sum([If(state.delegates[h] == i, state.balances[h], RealVal(0)) for h in range(len(self.people))])
                    for i in range(len(self.people))]
        if loan is None or self.model.flash_loan == 0:
            return base
        pool = _q(self.model.flash_loan)
        return [b + If(loan == i, pool, RealVal(0)) for i, b in enumerate(base)]

    def weight_of(self, state: SymState, i: int):
        """The voting power of person ``i`` that a weighted count sees in ``state``."""
        if state.counting is not None:
            return state.counting[i]
        if state.balances is None:
            return _q(self.weights[i])
        cached = state.__dict__.get("_powers")
        if cached is None:
            cached = state.__dict__["_powers"] = self.powers(state)
        return cached[i]

    def counting_state(self, proc: m.Procedure, state: SymState, loan) -> SymState:
        """The state a procedure's vote is counted in: the proposal's snapshot, or live powers with a flash loan."""
        life = proc.lifecycle
        if life is not None and life.snapshot:
            return _with(state, counting=state.proposals[proc.name][4])
        if self.model.flash_loan > 0:
            return _with(state, counting=self.powers(state, loan))
        return state

    # ------------------------------------------------------------ expressions
    def person(self, e: m.PersonExpr, state: SymState, args: dict[str, object]):
        match e:
            case m.PersonConst(name=n):
                return IntVal(self.index[n])
            case m.Holder(office=o):
                return state.offices[o]
            case m.Arg(name=n):
                return args[n]
        raise AssertionError(e)

    def set_(self, e: m.SetExpr, state: SymState, args, sets) -> dict[int, BoolRef]:
        match e:
            case m.StepSet(kind=k, stage=i):
                return sets[i][k]
            case m.Members(body=b):
                return state.members[b]
            case m.Everyone():
                return {i: self.slots[i].total if i in self.slots else BoolVal(True) for i in range(len(self.people))}
            case m.SetOf(people=ps):  # (never a class member: see counting.classes)
                terms = [self.person(p, state, args) for p in ps]
                return {i: Or([t == i for t in terms]) for i in range(self.named) if terms}
        raise AssertionError(e)

    def num(self, e: m.NumExpr, state: SymState, args, sets):
        match e:
            case m.Num(value=v):
                return _q(v)
            case m.ParamRef(name=n):
                return state.params[n]
            case m.Seats(body=b):  # (a body with a group of variable size has its members at the start as seats)
                extra = self.extra_seats.get(b)
                return RealVal(self.model.bodies[b].seats) + (ToReal(extra) if extra is not None else RealVal(0))
            case m.Count(set=s, weighted=w):
                members = self.set_(s, state, args, sets)
                if not members:
                    return RealVal(0)
                return Sum([_amount(b, self.weight_of(state, i) if w else RealVal(1)) for i, b in members.items()])
            case m.Supply():
                pool = _q(self.model.flash_loan)
                if state.balances is None:  # (a class slot weighs its weight for each person it stands for)
                    named = _q(sum(self.weights[:self.named], Fraction(0)))
                    return Sum([named + pool] + [ToReal(s.total) * _q(self.weights[i]) for i, s in self.slots.items()])
                return Sum(list(state.balances.values())) + pool
            case m.Now():
                return state.now
            case m.ProposedAt(procedure=p):  # the waiting decision's proposal, else the latest (-1 before any)
                latest = state.proposals[p][1]
                if p not in state.pending:
                    return latest
                return If(self._live(self.model.procedures[p], state), state.pending[p][3], latest)
            case m.ApprovedAt(procedure=p):  # -1 when no decision waits (as in the reference semantics)
                return If(self._live(self.model.procedures[p], state), state.pending[p][1], IntVal(-1))
            case m.Arith(op=op, left=a, right=b):
                if op == "*":
                    return self._mul(a, b, state, args, sets)
                x, y = self.num(a, state, args, sets), self.num(b, state, args, sets)
                return x + y if op == "+" else x - y
        raise AssertionError(e)

    def _mul(self, a, b, state, args, sets):
        # keep arithmetic linear: a parameter ranges over finitely many constants
        if not isinstance(a, (m.Num, m.Arith)) or isinstance(b, m.Num):
            a, b = b, a
        if isinstance(a, m.ParamRef):
            other = self.num(b, state, args, sets)
            term = RealVal(0)
            for v in self.model.params[a.name].values:
                term = If(state.params[a.name] == _q(v), _q(v) * other, term)
            return term
        return self.num(a, state, args, sets) * self.num(b, state, args, sets)

    def boolean(self, e: m.BoolExpr, state: SymState, args, sets, step: StepVars | None = None):
        match e:
            case m.BoolConst(value=v):
                return BoolVal(v)
            case m.Compare(op=op, left=a, right=b):
                x, y = self.num(a, state, args, sets), self.num(b, state, args, sets)
                return {">=": x >= y, ">": x > y, "<=": x <= y, "<": x < y, "==": x == y, "!=": x != y}[op]
            case m.SetCompare(op=op, left=a, right=b):
                x, y = self.set_(a, state, args, sets), self.set_(b, state, args, sets)
                keys = set(x) | set(y)
                # a class's counts are equal exactly when its sets are: one side is a body or everyone,
                # which contains the other side's part of the class (counting.unsupported)
                eq = And([x.get(i, self._none(i)) == y.get(i, self._none(i)) for i in keys]) if keys else BoolVal(True)
                return eq if op == "==" else Not(eq)
            case m.SameHolder(op=op, left=a, right=b):
                x, y = self.person(a, state, args), self.person(b, state, args)
                same = And(x != VACANT, x == y)
                return same if op == "==" else Not(same)
            case m.InSet(person=p, set=s):
                x = self.person(p, state, args)
                members = self.set_(s, state, args, sets)
                return Or([And(x == i, _has(b)) for i, b in members.items()]) if members else BoolVal(False)
            case m.Vacant(office=o):
                return state.offices[o] == VACANT
            case m.And(items=items):
                return And([self.boolean(i, state, args, sets, step) for i in items])
            case m.Or(items=items):
                return Or([self.boolean(i, state, args, sets, step) for i in items])
            case m.NotE(item=i):
                return Not(self.boolean(i, state, args, sets, step))
            case m.Passed(procedure=p, phase=phase):
                return step.selected.get(action_key(p, phase), BoolVal(False)) if step is not None else BoolVal(False)
        raise AssertionError(e)

    def _none(self, i: int):
        return IntVal(0) if i in self.slots else BoolVal(False)

    # ------------------------------------------------------------ one stage
    def _recused(self, proc: m.Procedure, args, which: str, i: int):
        if i in self.slots:  # a class member is never an argument that recuses (counting.classes)
            return BoolVal(False)
        terms = [args[r.formal] == i for r in proc.recusals if (r.from_vote if which == "vote" else r.from_quorum)]
        return Or(terms) if terms else BoolVal(False)

    def stage_sets(self, proc: m.Procedure, stage: m.Stage, state: SymState, args, v: StageVars):
        members = state.members[stage.body]
        sets = {k: {} for k in m.STEP_SETS}
        for i, member in members.items():
            if i in self.slots:
                sets["notified"][i], sets["present"][i] = v.notified[i], v.attended[i]
                sets["yes"][i], sets["no"][i], sets["abstain"][i] = v.yes[i], v.no[i], v.abstain[i]
                sets["cast"][i], sets["eligible"][i], sets["recused"][i] = v.yes[i] + v.no[i], member, IntVal(0)
                continue
            rv = And(member, self._recused(proc, args, "vote", i))
            rq = And(member, self._recused(proc, args, "quorum", i))
            sets["notified"][i] = v.notified[i]
            sets["present"][i] = And(v.attended[i], Not(rq))
            sets["yes"][i] = v.yes[i]
            sets["no"][i] = v.no[i]
            sets["abstain"][i] = v.abstain[i]
            sets["cast"][i] = Or(v.yes[i], v.no[i])
            sets["eligible"][i] = And(member, Not(rv))
            sets["recused"][i] = Or(rv, rq)
        return sets

    def person_valid(self, proc, stage: m.Stage, state: SymState, args, v: StageVars, i: int, outsider: bool = False):
        """The per-member rules of a stage (see govspec.semantics.choice_problems)."""
        member = state.members[stage.body][i]
        if i in self.slots:
            return self._slot_valid(stage, member, v, i, outsider)
        rv = self._recused(proc, args, "vote", i)
        n, a, y, no, ab = v.notified[i], v.attended[i], v.yes[i], v.no[i], v.abstain[i]
        rules = [Implies(a, n), Implies(n, member)]
        if stage.notice == "all" or stage.mode == "consent":
            rules.append(n == member)
        votes = [y, no, ab]
        one_vote = Or(And(y, Not(no), Not(ab)), And(no, Not(y), Not(ab)), And(ab, Not(y), Not(no)))
        none = And(Not(y), Not(no), Not(ab))
        if stage.mode == "consent":
            rules += [Not(no), Not(ab), a == y, Implies(y, Not(rv))]
        else:
            rules.append(If(And(a, Not(rv)), one_vote, none))
        if outsider:
            # passive opposition: outsiders never add a yes to the coalition's motion
            if stage.kind != "vetoed":
                rules.append(Not(y))
        return And(rules)

    @staticmethod
    def _slot_valid(stage: m.Stage, member, v: StageVars, i: int, outsider: bool):
        """The rules of a stage for a class slot, as counts: each of its people is notified or not,
        attends or not, and an attending one casts exactly one vote (nobody in a class is recused)."""
        n, a, y, no, ab = v.notified[i], v.attended[i], v.yes[i], v.no[i], v.abstain[i]
        rules = [0 <= a, a <= n, n <= member, y >= 0, no >= 0, ab >= 0]
        if stage.notice == "all" or stage.mode == "consent":
            rules.append(n == member)
        if stage.mode == "consent":
            rules += [no == 0, ab == 0, a == y]
        else:
            rules.append(y + no + ab == a)
        if outsider and stage.kind != "vetoed":
            rules.append(y == 0)
        return And(rules)

    def carries(self, proc, index: int, state: SymState, args, v: StageVars, stage: m.Stage | None = None):
        stage = stage or proc.stages[index]
        sets: list = [None] * max(1, len(proc.stages))
        sets[index] = self.stage_sets(proc, stage, state, args, v)
        parts = [self.boolean(stage.passes.expr, state, args, sets)]
        if stage.quorum is not None:
            parts.insert(0, self.boolean(stage.quorum.expr, state, args, sets))
        return And(parts)

    # ------------------------------------------------------------ one step
    def _stage_vars(self, prefix: str, t: int, proc: str, index: int, body: str) -> StageVars:
        def mk(kind):
            return {i: (Int if i in self.slots else Bool)(f"{kind}@{t}[{prefix}{proc}.{index}:{self.people[i]}]")
                    for i in self.potential[body]}
        return StageVars(mk("notified"), mk("attended"), mk("yes"), mk("no"), mk("abstain"))

    def _new_step(self, t: int, procedures) -> StepVars:
        selected, stages = {}, {}
        for p in procedures:
            selected[p.name] = Bool(f"select@{t}[{p.name}]")
            stages[p.name] = [self._stage_vars("", t, p.name, i, s.body) for i, s in enumerate(p.stages)]
            if p.timed:
                selected[action_key(p.name, "execute")] = Bool(f"select@{t}[{p.name} takes effect]")
            if p.window_stage is not None:
                key = action_key(p.name, "veto")
                selected[key] = Bool(f"select@{t}[{p.name} vetoed]")
                stages[key] = [self._stage_vars("veto:", t, p.name, 0, p.window_stage.body)]
            if p.lifecycle is not None:
                selected[action_key(p.name, "propose")] = Bool(f"select@{t}[{p.name} proposed]")
                if p.lifecycle.threshold is not None:
                    selected[action_key(p.name, "cancel")] = Bool(f"select@{t}[{p.name} cancelled]")
        days = None
        if self.model.timed:
            selected[WAIT_KEY] = Bool(f"select@{t}[time passes]")
            days = Int(f"days@{t}")
        args = {p.name: {f.name: Int(f"arg@{t}[{p.name}.{f.name}]") for f in p.formals} for p in procedures}
        proposer = {p.name: Int(f"proposer@{t}[{p.name}]") for p in procedures if p.lifecycle is not None}
        loan = Int(f"loan@{t}") if self.model.flash_loan > 0 else IntVal(NOBODY)
        return StepVars(t, selected, args, stages, Bool(f"active@{t}"), days, proposer, loan)

    def _loan_ok(self, proc: m.Procedure, step: StepVars, may_borrow) -> list:
        """The flash loan of a vote or proposal: nobody, or someone ``may_borrow(i)`` (semantics.loan_problems)."""
        if self.model.flash_loan == 0:
            return []
        if proc.is_event or (proc.lifecycle is not None and proc.lifecycle.snapshot):
            return [step.loan == NOBODY]
        return [Or(step.loan == NOBODY, Or([And(step.loan == i, may_borrow(i)) for i in range(len(self.people))]))]

    def _no_loan(self, step: StepVars, rules_for: dict, keys) -> None:
        if self.model.flash_loan > 0:
            for key in keys:
                rules_for[key].append(step.loan == NOBODY)

    def _power_of(self, powers: list, who):
        return Sum([If(who == i, p, RealVal(0)) for i, p in enumerate(powers)])

    def _voting_open(self, proc: m.Procedure, state: SymState):
        exists, day, _, _, _ = state.proposals[proc.name]
        life = proc.lifecycle
        if life.period is None:
            return exists
        return And(exists, state.now < day + life.delay + life.period)

    def _cancellable(self, proc: m.Procedure, state: SymState):
        """The proposal is open and its proposer's power is below the threshold (semantics.cancel_problems)."""
        proposer = state.proposals[proc.name][2]
        below = self._power_of(self.powers(state), proposer) < self.num(proc.lifecycle.threshold, state, {}, None)
        return And(self._voting_open(proc, state), below)

    def _lifecycle_actions(self, proc: m.Procedure, step: StepVars, state: SymState, post: dict, rules_for: dict,
                           may_propose) -> list:
        """The proposal and cancellation steps of a procedure with a lifecycle; returns the rules its
        vote needs (an open proposal with these arguments, voting open)."""
        life, args = proc.lifecycle, step.args[proc.name]
        exists, day, proposer, p_args, snapshot = state.proposals[proc.name]
        same_args = [args[f.name] == p_args[f.name] for f in proc.formals]
        # the proposal
        key = action_key(proc.name, "propose")
        who = step.proposer[proc.name]
        body = state.members[proc.stages[0].body]
        rules = self._args_ok(proc, state, args) + self._loan_ok(proc, step, may_propose)
        rules.append(Or([And(who == i, b, may_propose(i)) for i, b in body.items()]) if body else BoolVal(False))
        if life.threshold is not None:
            power = self.powers(state, None if life.snapshot else step.loan)
            rules.append(self._power_of(power, who) >= self.num(life.threshold, state, {}, None))
        if life.period is not None:
            rules.append(Not(self._voting_open(proc, state)))
        rules_for[key] = rules
        new = dict(state.proposals)
        new[proc.name] = (BoolVal(True), state.now, who, dict(args),
                          dict(enumerate(self.powers(state))) if life.snapshot else None)
        post[key] = _with(state, proposals=new)
        used = dict(state.proposals)
        used[proc.name] = (BoolVal(False), day, proposer, p_args, snapshot)
        # the cancellation
        if life.threshold is not None:
            key = action_key(proc.name, "cancel")
            rules_for[key] = [*same_args, self._cancellable(proc, state)]
            self._no_loan(step, rules_for, [key])
            post[key] = _with(state, proposals=used)
        # the vote
        opens = day + life.delay
        return [exists, *same_args, state.now >= opens] + (
            [state.now < opens + life.period] if life.period is not None else []), used

    def _live(self, proc: m.Procedure, state: SymState):
        """A decision of a timed procedure waits: approved, not in effect, not vetoed, not expired
        (semantics: Procedure.waiting)."""
        waiting, at = state.pending[proc.name][:2]
        return waiting if proc.grace is None else And(waiting, state.now < at + proc.delay + proc.grace)

    def _timed_actions(self, proc: m.Procedure, step: StepVars, state: SymState, post: dict, rules_for: dict) -> None:
        """The approval's bookkeeping, and the steps in which a timed procedure takes effect or is vetoed."""
        args = step.args[proc.name]
        waiting, at, pending_args, proposed = state.pending[proc.name]
        same_args = [args[f.name] == pending_args[f.name] for f in proc.formals]
        # its vote approves: the decision waits (one at a time), with the day of the proposal voted on
        live = self._live(proc, state)
        rules_for[proc.name].append(Not(live))
        approved = dict(state.pending)
        voted_on = state.proposals[proc.name][1] if proc.lifecycle is not None else IntVal(-1)
        approved[proc.name] = (BoolVal(True), state.now, dict(args), voted_on)
        post[proc.name] = _with(state, pending=approved)
        cleared = dict(state.pending)
        cleared[proc.name] = (BoolVal(False), at, pending_args, proposed)
        # it takes effect once the timelock and any veto window have passed
        key = action_key(proc.name, "execute")
        pre, after = self._effects(proc, state, args)
        rules_for[key] = [live, *same_args, state.now >= at + proc.delay, *pre]
        post[key] = _with(after, pending=cleared)
        if proc.window_stage is not None:
            key = action_key(proc.name, "veto")
            stage, v = proc.window_stage, step.stages[key][0]
            rules = [waiting, *same_args, state.now < at + stage.window]
            rules += [self.person_valid(proc, stage, state, args, v, j) for j in v.notified]
            rules.append(self.carries(proc, 0, state, args, v, stage=stage))
            rules_for[key] = rules
            post[key] = _with(state, pending=cleared)

    def _wait(self, step: StepVars, state: SymState, post: dict, rules_for: dict) -> None:
        if step.days is not None:
            rules_for[WAIT_KEY] = [step.days >= 1]
            post[WAIT_KEY] = _with(state, now=state.now + step.days)

    def _args_ok(self, proc: m.Procedure, state: SymState, args) -> list:
        rules = []
        for f in proc.formals:
            a = args[f.name]
            rules.append(And(a >= 0, a < len(self.people)))
            if f.domain != "people":
                members = state.members[f.domain]
                inside = Or([And(a == i, _has(b)) for i, b in members.items()]) if members else BoolVal(False)
                rules.append(Not(inside) if f.negated else inside)
        return rules

    def _effects(self, proc: m.Procedure, state: SymState, args) -> tuple[list, SymState]:
        """Preconditions of the effects and the state they produce."""
        pre = []
        members = {b: dict(v) for b, v in state.members.items()}
        offices = dict(state.offices)
        params = dict(state.params)
        balances = dict(state.balances) if state.balances is not None else None
        delegates = dict(state.delegates) if state.delegates is not None else None
        for eff in proc.effects:
            if eff.kind in m.TOKEN_EFFECTS:
                pre += self._token_effect(eff, state, args, balances, delegates)
            elif eff.kind == "vacate":
                offices[eff.target] = IntVal(VACANT)
            elif eff.kind == "fill":
                offices[eff.target] = self.person(eff.person, state, args)
            elif eff.kind == "set":
                params[eff.target] = _q(eff.value)
            else:
                who = self.person(eff.person, state, args)
                body = members[eff.target]
                inside = Or([And(who == i, _has(b)) for i, b in body.items()]) if body else BoolVal(False)
                if eff.kind == "remove":  # from a class: one of its people in the body leaves it
                    pre.append(inside)
                    members[eff.target] = {i: And(b, who != i) if i not in self.slots else b - If(who == i, 1, 0)
                                           for i, b in body.items()}
                else:
                    seats = self.model.bodies[eff.target].seats
                    count = Sum([If(b, 1, 0) for b in body.values()]) if body else IntVal(0)
                    pre += [who != VACANT, Not(inside), count < seats]
                    cap = self.model.bodies[eff.target].cap
                    if cap is not None:  # at most ``cap`` seats held for the joiner's principal
                        principal = [self.model.person(n).principal for n in self.people]
                        pre.append(And([Implies(who == j, Sum([If(b, 1, 0) for i, b in body.items()
                                                               if principal[i] == principal[j]] or [IntVal(0)]) < cap)
                                        for j in range(len(self.people))]))
                    members[eff.target] = {i: Or(b, who == i) for i, b in body.items()}
        return pre, _with(state, members=members, offices=offices, params=params, balances=balances,
                          delegates=delegates, counting=None)

    def _token_effect(self, eff: m.Effect, state: SymState, args, balances: dict, delegates: dict | None) -> list:
        """One transfer, mint or delegation (see semantics._token_effect), applied to the dicts in place."""
        who = self.person(eff.person, state, args)
        other = self.person(eff.other, state, args) if eff.other is not None else None
        pre = [who != VACANT] + ([other != VACANT] if other is not None else [])
        if eff.kind == "delegate":
            for i in delegates:
                delegates[i] = If(who == i, other, delegates[i])
            return pre
        amount = self.num(eff.amount, state, args, None)
        if eff.kind == "mint":
            for i in balances:
                balances[i] = balances[i] + If(who == i, amount, RealVal(0))
            return pre
        pre.append(Or([And(who == i, b >= amount) for i, b in balances.items()]))
        for i in balances:
            balances[i] = balances[i] - If(who == i, amount, RealVal(0)) + If(other == i, amount, RealVal(0))
        return pre

    def _frame(self, step: StepVars, post: dict[str, SymState], state: SymState) -> SymState:
        """The state after the step: the selected action's post-state (unchanged if none is)."""
        names = list(post)

        def pick(get):
            term = get(state)
            for n in reversed(names):
                term = If(step.selected[n], get(post[n]), term)
            return term

        members = {b: {i: pick(lambda s, b=b, i=i: s.members[b][i]) for i in state.members[b]} for b in state.members}
        offices = {o: pick(lambda s, o=o: s.offices[o]) for o in state.offices}
        params = {p: pick(lambda s, p=p: s.params[p]) for p in state.params}
        now = pick(lambda s: s.now)
        pending = {p: (pick(lambda s, p=p: s.pending[p][0]), pick(lambda s, p=p: s.pending[p][1]),
                       {f: pick(lambda s, p=p, f=f: s.pending[p][2][f]) for f in state.pending[p][2]},
                       pick(lambda s, p=p: s.pending[p][3]))
                   for p in state.pending}
        balances = delegates = None
        if state.balances is not None:
            balances = {i: pick(lambda s, i=i: s.balances[i]) for i in state.balances}
        if state.delegates is not None:
            delegates = {i: pick(lambda s, i=i: s.delegates[i]) for i in state.delegates}
        proposals = {}
        for p, (_, _, _, p_args, snap) in state.proposals.items():
            proposals[p] = (*[pick(lambda s, p=p, k=k: s.proposals[p][k]) for k in range(3)],
                            {f: pick(lambda s, p=p, f=f: s.proposals[p][3][f]) for f in p_args},
                            None if snap is None else {i: pick(lambda s, p=p, i=i: s.proposals[p][4][i]) for i in snap})
        return SymState(members, offices, params, now, pending, balances, delegates, proposals)

    def _finish(self, solver, step: StepVars, state: SymState, post: dict, rules_for: dict) -> StepVars:
        if self.model.flash_loan > 0:  # a loan is taken only in a vote or a proposal (they say who may borrow)
            for key in rules_for:
                proc, phase = key.rsplit("@", 1) if "@" in key else (key, "pass")
                if key == WAIT_KEY or phase not in ("pass", "propose"):
                    rules_for[key].append(step.loan == NOBODY)
        for key, rules in rules_for.items():
            solver.add(Implies(step.selected[key], And(rules)))
        self.steps.append(step)
        self.states.append(self._frame(step, post, state))
        return step

    def add_step(self, solver, procedures=None) -> StepVars:
        """Add one free step (any procedure, event, timed effect, veto or wait) after the last state.

        The step happens when its ``active`` literal holds; searches assert it for the steps they
        look at, so later steps added for deeper searches never constrain shallower ones.
        """
        procs = list(procedures if procedures is not None else self.model.procedures.values())
        t = len(self.steps) + 1
        state = self.states[-1]
        step = self._new_step(t, procs)
        solver.add(PbLe([(s, 1) for s in step.selected.values()], 1), Implies(step.active, Or(list(step.selected.values()))))
        post, rules_for = {}, {}
        anyone = lambda i: BoolVal(True)  # noqa: E731 - in a free step anyone may propose and borrow
        for proc in procs:
            args = step.args[proc.name]
            rules = self._args_ok(proc, state, args) + self._loan_ok(proc, step, anyone)
            rules += [self.boolean(g.expr, state, args, None) for g in proc.guards]
            used = None
            if proc.lifecycle is not None:
                vote, used = self._lifecycle_actions(proc, step, state, post, rules_for, anyone)
                rules += vote
            counted = self.counting_state(proc, state, step.loan)
            for i, (stage, v) in enumerate(zip(proc.stages, step.stages[proc.name])):
                rules += [self.person_valid(proc, stage, state, args, v, j) for j in v.notified]
                carries = self.carries(proc, i, counted, args, v)
                rules.append(Not(carries) if stage.kind == "vetoed" else carries)
            rules_for[proc.name] = rules
            self._outcome(proc, step, state, post, rules_for, used)
        self._wait(step, state, post, rules_for)
        return self._finish(solver, step, state, post, rules_for)

    def _outcome(self, proc: m.Procedure, step: StepVars, state: SymState, post: dict, rules_for: dict, used) -> None:
        """What a passing vote does: a timed decision waits, else the effects apply; a proposal is used up."""
        if proc.timed:
            self._timed_actions(proc, step, state, post, rules_for)
        else:
            pre, post[proc.name] = self._effects(proc, state, step.args[proc.name])
            rules_for[proc.name].extend(pre)
        if used is not None:
            post[proc.name] = _with(post[proc.name], proposals=used)

    def _forced_stage(self, proc: m.Procedure, stage: m.Stage, index: int, state: SymState, args, v: StageVars,
                      coalition, t: int, tag: str, outcome_wanted: bool) -> list:
        """The coalition's choices at a stage are legal, and whatever the outsiders do the stage
        carries (``outcome_wanted``) or does not."""
        outs = self._stage_vars(f"out:{tag}", t, proc.name, index, stage.body)
        mixed = StageVars(v.notified, *[
            {j: If(coalition.get(j, BoolVal(False)), getattr(v, k)[j], getattr(outs, k)[j]) for j in v.notified}
            for k in ("attended", "yes", "no", "abstain")
        ])
        rules = [Implies(coalition.get(j, BoolVal(False)), self.person_valid(proc, stage, state, args, v, j))
                 for j in v.notified]
        # the coalition chooses whom to notify; that choice must be legal for everyone
        rules += [Implies(v.notified[j], state.members[stage.body][j]) if j not in self.slots
                  else And(0 <= v.notified[j], v.notified[j] <= state.members[stage.body][j]) for j in v.notified]
        if stage.notice == "all" or stage.mode == "consent":
            rules += [v.notified[j] == state.members[stage.body][j] for j in v.notified]
        worst = self.worst_case(proc, index, state, args, v, coalition, stage=stage, carry=outcome_wanted)
        if worst is not None:
            return rules + [worst]
        hyp = And([Implies(Not(coalition.get(j, BoolVal(False))),
                           self.person_valid(proc, stage, state, args, mixed, j, outsider=True))
                   for j in v.notified]) if v.notified else BoolVal(True)
        carries = self.carries(proc, index, state, args, mixed, stage=stage)
        goal = carries if outcome_wanted else Not(carries)
        bound = [getattr(outs, k)[j] for k in ("attended", "yes", "no", "abstain") for j in v.notified]
        return rules + [ForAll(bound, Implies(hyp, goal)) if bound else Implies(hyp, goal)]

    def veto_safe(self, state: SymState, coalition, t: int) -> list:
        """While a veto window is open the outsiders may use it: some response of the coalition's
        members must defeat every veto attempt (see semantics.veto_threat)."""
        rules = []
        for proc in self.model.procedures.values():
            stage = proc.window_stage
            if stage is None:
                continue
            waiting, at, pending_args, _ = state.pending[proc.name]
            v = self._stage_vars("defend:", t, proc.name, 0, stage.body)
            defence = self._forced_stage(proc, stage, 0, state, pending_args, v, coalition, t, "defend:", False)
            rules.append(Implies(And(waiting, state.now < at + stage.window), And(defence)))
        for proc in self.model.procedures.values():  # an open proposal anyone may cancel (semantics.veto_threat)
            if proc.lifecycle is not None and proc.lifecycle.threshold is not None:
                rules.append(Not(self._cancellable(proc, state)))
        return rules

    def add_forced_step(self, solver, coalition: dict[int, BoolRef]) -> StepVars:
        """Add one step the coalition forces: its own choices exist, every outsider response passes."""
        procs = list(self.model.procedures.values())
        t = len(self.steps) + 1
        state = self.states[-1]
        step = self._new_step(t, procs)
        solver.add(PbLe([(s, 1) for s in step.selected.values()], 1), Implies(step.active, Or(list(step.selected.values()))))
        solver.add(Implies(step.active, And(self.veto_safe(state, coalition, t))))
        post, rules_for = {}, {}
        member = lambda i: coalition.get(i, BoolVal(False))  # noqa: E731 - only the coalition proposes and borrows
        for proc in procs:
            args = step.args[proc.name]
            rules = self._args_ok(proc, state, args) + self._loan_ok(proc, step, member)
            rules += [self.boolean(g.expr, state, args, None) for g in proc.guards]
            if proc.is_event:  # the coalition may only trigger events on its own members
                for f in proc.formals:
                    rules.append(Or([And(args[f.name] == i, c) for i, c in coalition.items()]))
            used = None
            if proc.lifecycle is not None:
                vote, used = self._lifecycle_actions(proc, step, state, post, rules_for, member)
                rules += vote
            counted = self.counting_state(proc, state, step.loan)
            for i, (stage, v) in enumerate(zip(proc.stages, step.stages[proc.name])):
                rules += self._forced_stage(proc, stage, i, counted, args, v, coalition, t, "", stage.kind != "vetoed")
            rules_for[proc.name] = rules
            self._outcome(proc, step, state, post, rules_for, used)
            if proc.window_stage is not None:  # a veto is the outsiders' move, never the coalition's
                rules_for[action_key(proc.name, "veto")] = [BoolVal(False)]
        self._wait(step, state, post, rules_for)
        return self._finish(solver, step, state, post, rules_for)

    # ------------------------------------------------------------ worst-case outsiders
    # (attended, yes, no, abstain) for each thing one member can do at a stage
    OPTIONS = {"absent": (False, False, False, False), "attend": (True, False, False, False),
               "yes": (True, True, False, False), "no": (True, False, True, False), "abstain": (True, False, False, True)}

    def outsider_options(self, stage: m.Stage, recused_from_vote: bool) -> tuple[str, ...]:
        """What an outsider may do under passive opposition (see semantics._outsider_options)."""
        if stage.mode == "consent":
            return ("absent", "yes") if stage.kind == "vetoed" and not recused_from_vote else ("absent",)
        if recused_from_vote:
            return ("absent", "attend")
        return ("absent", "yes", "no", "abstain") if stage.kind == "vetoed" else ("absent", "no", "abstain")

    def worst_case(self, proc: m.Procedure, index: int, state: SymState, args, v: StageVars, coalition,
                   stage: m.Stage | None = None, carry: bool | None = None):
        """"The stage goes the coalition's way whatever the outsiders do", without a quantifier.

        When the stage's rule is a conjunction of linear comparisons of counts, a universally
        quantified conjunction is the conjunction of each comparison at its own worst case, and
        each comparison is a sum over members, so its worst case picks each outsider's worst
        option separately (the minimum for >= and >, the maximum for <= and <).  Returns None when
        the rule has another shape; the caller then quantifies explicitly.
        """
        stage = stage or proc.stages[index]
        carry = (stage.kind != "vetoed") if carry is None else carry
        atoms = _atoms(stage.passes.expr) if stage.quorum is None else None
        if stage.quorum is not None:
            q, p = _atoms(stage.quorum.expr), _atoms(stage.passes.expr)
            atoms = None if q is None or p is None else q + p
        if atoms is None:
            return None
        if not carry:  # the stage (a veto) must fail: the negation of a single comparison
            if len(atoms) != 1 or not isinstance(atoms[0], m.Compare):
                return None
            atoms = [_negate(atoms[0])]
        sets_own = self.stage_sets(proc, stage, state, args, v)
        per_option = {}
        for name, (a, y, n, ab) in self.OPTIONS.items():
            fixed = StageVars(v.notified, *[{j: BoolVal(val) for j in v.notified} for val in (a, y, n, ab)])
            per_option[name] = self.stage_sets(proc, stage, state, args, fixed)
        parts = []
        if any(isinstance(a, m.Compare) and a.op == "!=" for a in atoms):
            return None
        for atom in atoms:
            if not isinstance(atom, m.Compare):  # a person in (or not in) a step set
                part = self._membership_worst(proc, stage, index, state, args, v, coalition, atom, sets_own, per_option)
                if part is None:
                    return None
                parts.append(part)
                continue
            for op, lhs, rhs in _split_equality(atom):
                lin = self._linear(m.Arith("-", lhs, rhs))
                if lin is None:
                    return None
                coeffs, rest_ir = lin
                rest = self.num(rest_ir, state, args, [None] * len(proc.stages))
                pick = _min if op in (">=", ">") else _max
                total = [rest]
                for j in v.notified:
                    def contribution(sets):
                        terms = [self._scaled(c, _amount(sets[kind][j], self.weight_of(state, j) if weighted else RealVal(1)), state)
                                 for (kind, weighted), c in coeffs.items()]
                        return Sum(terms) if terms else RealVal(0)
                    if j in self.slots:
                        worst = self._slot_worst(stage, state, v, j, coeffs, pick)
                        total.append(If(coalition.get(j, BoolVal(False)), contribution(sets_own), worst))
                        continue
                    rv = And(state.members[stage.body][j], self._recused(proc, args, "vote", j))
                    worst_voter = pick([contribution(per_option[o]) for o in self.outsider_options(stage, False)])
                    worst_recused = pick([contribution(per_option[o]) for o in self.outsider_options(stage, True)])
                    worst = If(v.notified[j], If(rv, worst_recused, worst_voter), contribution(per_option["absent"]))
                    total.append(If(coalition.get(j, BoolVal(False)), contribution(sets_own), worst))
                d = Sum(total)
                parts.append({">=": d >= 0, ">": d > 0, "<=": d <= 0, "<": d < 0}[op])
        return And(parts) if parts else BoolVal(True)

    def _membership_worst(self, proc: m.Procedure, stage: m.Stage, index: int, state: SymState, args, v: StageVars,
                          coalition, atom, sets_own, per_option):
        """"x in S" (or "x not in S") whatever the outsiders do, without a quantifier.

        x does not depend on the votes, so "for every response, x is in S" is "for the member j that
        x is, j is in S in every response", and j's membership of a step set depends on j's own
        option only: a coalition member's own choice, or, for an outsider, every option open to
        it (its worst case).  None when x may be a class slot (the caller then quantifies)."""
        negated = isinstance(atom, m.NotE)
        inset = atom.item if negated else atom
        if not isinstance(inset.set, m.StepSet):  # (no step set: nothing the outsiders choose)
            return self.boolean(atom, state, args, [None] * max(1, len(proc.stages)))
        if inset.set.stage != index:
            return None
        kind = inset.set.kind
        x = self.person(inset.person, state, args)
        parts = []
        for j in v.notified:
            if j in self.slots:
                if is_false(simplify(x == j)):
                    continue
                return None

            def holds(sets):
                return Not(sets[kind][j]) if negated else sets[kind][j]
            rv = And(state.members[stage.body][j], self._recused(proc, args, "vote", j))
            voter = And([holds(per_option[o]) for o in self.outsider_options(stage, False)])
            recused = And([holds(per_option[o]) for o in self.outsider_options(stage, True)])
            outsider = If(v.notified[j], If(rv, recused, voter), holds(per_option["absent"]))
            value = If(coalition.get(j, BoolVal(False)), holds(sets_own), outsider)
            parts.append(Implies(x == j, value) if negated else And(x == j, value))
        if negated:
            return And(parts) if parts else BoolVal(True)
        return Or(parts) if parts else BoolVal(False)

    # what one person's option puts them in, for the step sets that depend on the option
    _OPTION_KINDS = {"present": 0, "yes": 1, "no": 2, "abstain": 3}

    def _slot_worst(self, stage: m.Stage, state: SymState, v: StageVars, j: int, coeffs: dict, pick):
        """The outsiders of a class slot at their worst for one comparison: every notified one takes
        the option worst for it (they are alike, so it is the same option), the others are absent."""
        member, n = state.members[stage.body][j], v.notified[j]
        fixed, per_person = [], {}
        for (kind, weighted), c in coeffs.items():
            unit = self.weight_of(state, j) if weighted else RealVal(1)
            if kind == "notified":
                fixed.append(self._scaled(c, ToReal(n) * unit, state))
            elif kind == "eligible":
                fixed.append(self._scaled(c, ToReal(member) * unit, state))
            elif kind != "recused":
                per_person[kind] = (c, unit)

        def value(option: str):
            flags = self.OPTIONS[option]
            terms = []
            for kind, (c, unit) in per_person.items():
                on = flags[2] or flags[1] if kind == "cast" else flags[self._OPTION_KINDS[kind]]
                if on:  # n of them (a parameter's factor is an If over its values: kept linear)
                    terms.append(self._scaled(c, ToReal(n) * unit, state))
            return Sum(terms) if terms else RealVal(0)

        worst = pick([value(o) for o in self.outsider_options(stage, False)])
        return Sum(fixed + [worst]) if fixed else worst

    def _linear(self, e):
        """e as ({(step set, weighted): coefficient}, rest) with coefficients constant or a parameter
        times a constant, and rest free of this stage's step sets; None if not of that shape."""
        match e:
            case m.Count(set=m.StepSet(kind=k), weighted=w):
                return {(k, w): (Fraction(1), None)}, m.Num(Fraction(0))
            case m.Num() | m.ParamRef() | m.Seats() | m.Count():
                return {}, e
            case m.Arith(op=op, left=a, right=b) if op in "+-":
                la, lb = self._linear(a), self._linear(b)
                if la is None or lb is None:
                    return None
                coeffs = dict(la[0])
                for key, (f, param) in lb[0].items():
                    f = f if op == "+" else -f
                    if key in coeffs:
                        g, p2 = coeffs[key]
                        if p2 != param:
                            return None
                        coeffs[key] = (g + f, param)
                    else:
                        coeffs[key] = (f, param)
                return coeffs, m.Arith(op, la[1], lb[1])
            case m.Arith(op="*", left=a, right=b):
                scale = _constant_scale(a) or _constant_scale(b)
                other = b if _constant_scale(a) else a
                if scale is None:
                    return None
                lo = self._linear(other)
                if lo is None:
                    return None
                f, param = scale
                coeffs = {}
                for key, (g, p2) in lo[0].items():
                    if param is not None and p2 is not None:
                        return None
                    coeffs[key] = (f * g, param or p2)
                return coeffs, m.Arith("*", m.Num(f) if param is None else m.Arith("*", m.Num(f), m.ParamRef(param)), lo[1])
        return None

    def _scaled(self, coefficient, term, state: SymState):
        f, param = coefficient
        if param is None:
            return _q(f) * term
        result = RealVal(0)
        for value in self.model.params[param].values:
            result = If(state.params[param] == _q(value), _q(f * value) * term, result)
        return result

    def step_env(self, step: StepVars, proc: m.Procedure, phase: str = "pass"):
        """Terms to evaluate a step property of ``proc`` at ``step`` (pre-state, args, stage sets)."""
        state = self.states[step.t - 1]
        args = step.args[proc.name]
        if phase == "veto":
            stages, vars_ = (proc.window_stage,), step.stages[action_key(proc.name, "veto")]
        elif phase == "execute":
            stages, vars_ = (), []
        else:
            stages, vars_ = proc.stages, step.stages[proc.name]
            state = self.counting_state(proc, state, step.loan)
        sets = [self.stage_sets(proc, s, state, args, v) for s, v in zip(stages, vars_)]
        return state, args, sets
