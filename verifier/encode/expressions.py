"""Persons, sets, numbers and conditions of the language as Z3 terms, and linear forms of counts.

Encodes: each expression of :mod:`govspec.model` in a symbolic state, with a step's arguments and
(for step quantities) the sets of each stage: a person as an Int (an index into
``Unrolling.people``, or ``VACANT`` for a vacant office), a set as index -> Boolean (a class slot:
a count), a number as a Real, a condition as a Bool.  Also a number as a linear form of the counts
of one stage's sets, for the outsiders' worst case (:mod:`.forcing`).

Assumes: a checked model; the attributes :class:`~verifier.encode.unrolling.Unrolling` sets up
(``model``, ``people``, ``index``, ``named``, ``slots``, ``weights``, ``extra_seats``) and its
``weight_of`` (:mod:`.effects`) and ``_live`` (:mod:`.proposals`).  A product keeps arithmetic
linear: one factor is a constant or a parameter, which ranges over finitely many values.

Guarantees: in every model of the constraints, a term's value is the value the reference
semantics' evaluator gives the expression in the corresponding state and step.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from z3 import And, BoolRef, BoolVal, If, IntVal, Not, Or, RealVal, Sum, ToReal

from govspec import model as m
from govspec.engine import check_time

from .state import VACANT, StepVars, SymState, action_key, occupied, rational, tally


@dataclass(frozen=True, slots=True)
class Excluding:
    """The filter of ``S except {a, b}`` for a step set S and named people: each member's term of
    the count is its own, zero for the people named (as :class:`~govspec.model.Having` filters by
    a tag).  Named people are never in a class, so a class slot is always admitted."""

    names: frozenset[str]

    def admits(self, person: m.Person) -> bool:
        return person.name not in self.names


@dataclass(frozen=True, slots=True)
class Combined:
    """The term of ``size(S)`` for a set S of step sets combined (``no union abstain``) or filtered
    otherwise (``(yes except x) tagged t``): each person's term is whether they are in S, which
    depends on their own option at the stage only (a set operation is applied person by person)."""

    expr: object


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


class ExpressionsMixin:
    """The expressions of :class:`~verifier.encode.unrolling.Unrolling` (a mixin, with no state of its own)."""

    # ------------------------------------------------------------ expressions
    def person(self, e: m.PersonExpr, state: SymState, args: dict[str, object]):
        """A person as an Int term: an index into ``people``, or ``VACANT`` for a vacant office.

        Mirrors :func:`govspec.semantics.evaluate.eval_person`.
        """
        match e:
            case m.PersonConst(name=n):
                return IntVal(self.index[n])
            case m.Holder(office=o):
                return state.offices[o]
            case m.Arg(name=n):
                return args[n]
        raise AssertionError(e)

    def set_(self, e: m.SetExpr, state: SymState, args, sets) -> dict[int, BoolRef]:
        """A set as index -> Boolean (a class slot: how many of its people are in the set).

        Mirrors :func:`govspec.semantics.evaluate.eval_set`.
        """
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
            case m.SetOp(op=op, left=a, right=b):
                return self._set_op(op, self.set_(a, state, args, sets), self.set_(b, state, args, sets))
            case m.Having() as having:  # (a class slot's people share their tags and principal)
                inner = self.set_(having.set, state, args, sets)
                return {i: b for i, b in inner.items() if having.admits(self._someone(i))}
        raise AssertionError(e)

    def _someone(self, i: int) -> m.Person:
        """The person at index i, or for a class slot one of the people it stands for."""
        return self.model.person(self.slots[i].cls.members[0] if i in self.slots else self.people[i])

    def _set_op(self, op: str, x: dict, y: dict) -> dict:
        """Union, difference or intersection, index by index (an absent index: nobody of it).  A class
        slot holds a count, so it may be on one side only (counting.unsupported keeps the counted
        encoding away from the rest)."""
        out = {}
        for i in sorted(set(x) | set(y)):
            if i in x and i in y:
                if i in self.slots:
                    raise AssertionError("a set operation on two counts of one class")
                a, b = x[i], y[i]
                out[i] = Or(a, b) if op == "union" else And(a, Not(b)) if op == "except" else And(a, b)
            elif i in x and op != "intersect":
                out[i] = x[i]
            elif i in y and op == "union":
                out[i] = y[i]
        return out

    def num(self, e: m.NumExpr, state: SymState, args, sets):
        """A number as a Real term (a weighted count counts :meth:`weight_of`).

        Mirrors :func:`govspec.semantics.evaluate.eval_num`.
        Mirrors :func:`govspec.semantics.state.supply` (``supply``).
        """
        match e:
            case m.Num(value=v):
                return rational(v)
            case m.ParamRef(name=n):
                return state.params[n]
            case m.NumArg(name=n):  # a whole-number argument: an Int of the step
                return ToReal(args[n])
            case m.Seats(body=b):  # (a body with a group of variable size has its members at the start as seats)
                extra = self.extra_seats.get(b)
                return RealVal(self.model.bodies[b].seats) + (ToReal(extra) if extra is not None else RealVal(0))
            case m.Count(set=s, weighted=w):
                members = self.set_(s, state, args, sets)
                if not members:
                    return RealVal(0)
                return Sum([tally(b, self.weight_of(state, i) if w else RealVal(1)) for i, b in members.items()
                            if check_time() is None])
            case m.Supply():
                pool = rational(self.model.flash_loan)
                if state.balances is None:  # (a class slot weighs its weight for each person it stands for)
                    named = rational(sum(self.weights[:self.named], Fraction(0)))
                    return Sum([named + pool] + [ToReal(s.total) * rational(self.weights[i]) for i, s in self.slots.items()])
                return Sum(list(state.balances.values())) + pool
            case m.Now():
                return state.now
            case m.ProposedAt(procedure=p):  # the waiting decision's proposal, else the latest (-1 before any)
                latest = state.proposals[p][1]
                if p not in state.pending:
                    return latest
                return If(self._live(self.model.procedures[p], state), state.pending[p][3], latest)
            case m.Tally(procedure=p, field=f):  # kept from the waiting decision's vote; 0 when none waits
                return If(self._live(self.model.procedures[p], state), state.pending[p][4][f], RealVal(0))
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
                term = If(state.params[a.name] == rational(v), rational(v) * other, term)
            return term
        if isinstance(a, m.NumArg) and not isinstance(b, m.Num):
            # keep it linear: the argument takes a value of its range (of every formal of that name:
            # the argument constraints keep it inside its own procedure's)
            values = {v for p in self.model.procedures.values() for f in p.formals if f.numeric and f.name == a.name
                      for v in range(f.low, f.high + 1)}
            other = self.num(b, state, args, sets)
            term = RealVal(0)
            for v in sorted(values):
                term = If(args[a.name] == v, v * other, term)
            return term
        return self.num(a, state, args, sets) * self.num(b, state, args, sets)

    def boolean(self, e: m.BoolExpr, state: SymState, args, sets, step: StepVars | None = None):
        """A condition as a Bool term (``step``: the step a ``P.passed`` of a step property speaks of).

        Mirrors :func:`govspec.semantics.evaluate.eval_bool`.
        """
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
                return Or([And(x == i, occupied(b)) for i, b in members.items()]) if members else BoolVal(False)
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

    def _linear(self, e):
        """e as ({(step set, weighted, filter): coefficient}, rest) with coefficients constant or a
        parameter times a constant, and rest free of this stage's step sets; None if not of that
        shape.  ``filter`` is None, the :class:`~govspec.model.Having` of a step set filtered by a
        tag or a principal (``no tagged veto``), or :class:`Excluding` for a step set less named
        people (``yes except {ann}``): declared attributes and names never change, so each member's
        term is still its own, zero for those it does not admit.  Any other count of step sets has
        the step set ``"set"`` and the filter :class:`Combined` (each person's term: whether they are
        in the set)."""
        match e:
            case m.Count(set=m.StepSet(kind=k), weighted=w):
                return {(k, w, None): (Fraction(1), None)}, m.Num(Fraction(0))
            case m.Count(set=m.Having(set=m.StepSet(kind=k)) as having, weighted=w):
                return {(k, w, having): (Fraction(1), None)}, m.Num(Fraction(0))
            case m.Count(set=m.SetOp(op="except", left=m.StepSet(kind=k), right=m.SetOf(people=named)),
                         weighted=w) if named and all(isinstance(p, m.PersonConst) for p in named):
                return {(k, w, Excluding(frozenset(p.name for p in named))): (Fraction(1), None)}, m.Num(Fraction(0))
            case m.Count(set=s, weighted=w) if any(isinstance(x, m.StepSet) for x in m.walk(s)):
                # (step sets combined, or filtered otherwise: still each member's own term, whether
                # they are in the set, which depends on their own option only; per member, not per
                # class: the caller quantifies over a class's responses)
                return {("set", w, Combined(s)): (Fraction(1), None)}, m.Num(Fraction(0))
            case m.Num() | m.ParamRef() | m.Seats() | m.Count() | m.NumArg():
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
            return rational(f) * term
        result = RealVal(0)
        for value in self.model.params[param].values:
            result = If(state.params[param] == rational(value), rational(f * value) * term, result)
        return result
