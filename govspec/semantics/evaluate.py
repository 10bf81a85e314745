"""The value of a rule's expression in a state and, within a step, on the step's sets.

Implements the reading of rules that docs/semantics.md relies on throughout: the step sets of
section 3 (One stage, "The step sets"); ``weight(S)`` and ``supply`` of section 12 "States with
tokens"; ``now`` and ``P.approved_at`` of section 10 "States over time" and ``P.proposed_at`` of
section 12 "Proposal steps"; the ``P``, ``P.executed`` and ``P.vetoed`` of step rules (section 6,
section 10 "Properties over time").

Assumes the expressions of a checked model; a step set is read only in an :class:`Env` that holds
the step's sets.  Guarantees: evaluation is exact (``Fraction``) and changes nothing; a vacant
office is no person (``None``), in no set and the same holder as nobody.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from .. import model as m
from .state import State, exact_sum, powers, supply


@dataclass
class Env:
    model: m.Model
    state: State
    args: dict[str, str] = field(default_factory=dict)
    sets: list[dict[str, frozenset[str]]] | None = None  # per stage
    passed: str | None = None  # procedure that passed in this step (for step properties)
    phase: str = "pass"
    powers: dict[str, Fraction] | None = None  # voting power counted in this step (None: the state's)


def eval_person(e: m.PersonExpr, env: Env) -> str | None:
    match e:
        case m.PersonConst(name=n):
            return n
        case m.Holder(office=o):
            return env.state.holder(o)
        case m.Arg(name=n):
            return env.args[n]
    raise AssertionError(e)


def eval_set(e: m.SetExpr, env: Env) -> frozenset[str]:
    match e:
        case m.StepSet(kind=k, stage=i):
            if env.sets is None:
                raise AssertionError("step quantity evaluated outside a step")
            return env.sets[i][k]
        case m.Members(body=b):
            return env.state.body(b)
        case m.Everyone():
            return frozenset(p.name for p in env.model.people)
        case m.SetOf(people=ps):
            return frozenset(x for x in (eval_person(p, env) for p in ps) if x is not None)
        case m.SetOp(op=op, left=a, right=b):
            x, y = eval_set(a, env), eval_set(b, env)
            return x | y if op == "union" else x - y if op == "except" else x & y
        case m.Having() as having:
            return frozenset(p for p in eval_set(having.set, env) if having.admits(env.model.person(p)))
    raise AssertionError(e)


def eval_num(e: m.NumExpr, env: Env) -> Fraction:
    match e:
        case m.Num(value=v):
            return v
        case m.ParamRef(name=n):
            return env.state.param(n)
        case m.NumArg(name=n):  # a whole-number argument (an int in the step's arguments)
            return Fraction(env.args[n])
        case m.Seats(body=b):
            return Fraction(env.model.bodies[b].seats)
        case m.Count(set=s, weighted=w):
            people = eval_set(s, env)
            if w:
                power = env.powers if env.powers is not None else powers(env.model, env.state)
                return exact_sum(list(map(power.__getitem__, people)))  # (10,000 holders: one pass in C)
            return Fraction(len(people))
        case m.Supply():
            return supply(env.model, env.state)
        case m.ProposedAt(procedure=p):  # the waiting decision's proposal, else the latest proposal
            pending = env.state.pending_of(p)
            if env.model.procedures[p].waiting(pending, env.state.now):
                return Fraction(pending[2])
            return Fraction(dict(env.state.proposed).get(p, -1))
        case m.Arith(op=op, left=a, right=b):
            x, y = eval_num(a, env), eval_num(b, env)
            return x + y if op == "+" else x - y if op == "-" else x * y
        case m.Now():
            return Fraction(env.state.now)
        case m.Tally(procedure=p, field=f):  # kept from the waiting decision's vote; 0 when none waits
            pending = env.state.pending_of(p)
            if env.model.procedures[p].waiting(pending, env.state.now):
                return pending[3][m.TALLIES.index(f)]
            return Fraction(0)
        case m.ApprovedAt(procedure=p):  # -1 when no decision waits (none recorded, or it expired)
            pending = env.state.pending_of(p)
            return Fraction(pending[1] if env.model.procedures[p].waiting(pending, env.state.now) else -1)
    raise AssertionError(e)


_CMP = {
    ">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
}


def eval_bool(e: m.BoolExpr, env: Env) -> bool:
    match e:
        case m.BoolConst(value=v):
            return v
        case m.Compare(op=op, left=a, right=b):
            return _CMP[op](eval_num(a, env), eval_num(b, env))
        case m.SetCompare(op=op, left=a, right=b):
            return (eval_set(a, env) == eval_set(b, env)) == (op == "==")
        case m.SameHolder(op=op, left=a, right=b):
            x, y = eval_person(a, env), eval_person(b, env)
            same = x is not None and x == y
            return same if op == "==" else not same
        case m.InSet(person=p, set=s):
            x = eval_person(p, env)
            return x is not None and x in eval_set(s, env)
        case m.Vacant(office=o):
            return env.state.holder(o) is None
        case m.And(items=items):
            return all(eval_bool(i, env) for i in items)
        case m.Or(items=items):
            return any(eval_bool(i, env) for i in items)
        case m.NotE(item=i):
            return not eval_bool(i, env)
        case m.Passed(procedure=p, phase=phase):
            return env.passed == p and env.phase == phase
    raise AssertionError(e)
