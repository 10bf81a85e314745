"""Days in rules as linear forms: the reading of comparisons of days that both the bounded search's
waits (:func:`govspec.explicit.steps.time_horizon`) and the proofs by exhaustion
(:mod:`govspec.explicit.exhaustion`) rest on.  A comparison's sides are read as a sum of day
variables ("now", ("approved", P), ("proposed", P)) with fixed coefficients plus a rest whose
absolute value is bounded in every state; whatever cannot be read so is :class:`Refused`."""

from __future__ import annotations

import itertools
from fractions import Fraction

from .. import model as m

_DAYS = (m.Now, m.ApprovedAt, m.ProposedAt)


class Refused(Exception):
    """The abstraction of time cannot be shown sound for this spec; the message says why."""


def _has_days(e) -> bool:
    return any(isinstance(x, _DAYS) for x in m.walk(e))


def _constant(e) -> Fraction | None:
    """The value of a number that is the same in every state (literals and arithmetic on them), else None."""
    match e:
        case m.Num(value=v):
            return v
        case m.Arith(op=op, left=a, right=b):
            x, y = _constant(a), _constant(b)
            if x is None or y is None:
                return None
            return x + y if op == "+" else x - y if op == "-" else x * y
    return None


def _mints(model: m.Model) -> bool:
    return any(e.kind == "mint" for p in model.procedures.values() for e in p.effects)


def _day_free_bound(e, model: m.Model) -> Fraction:
    """A bound on the absolute value of a number with no day in it, in every state of every
    behaviour of any length (and within every step)."""
    match e:
        case m.Num(value=v):
            return abs(v)
        case m.ParamRef(name=n):
            return max(abs(v) for v in model.params[n].values)
        case m.NumArg(name=n):
            return Fraction(model.arg_bound(n))
        case m.Seats(body=b):
            if model.bodies[b].seats is None:
                raise Refused(f"the seats of '{b}' have no bound")
            return Fraction(model.bodies[b].seats)
        case m.Count(weighted=False):
            return Fraction(len(model.people))
        case m.Count(weighted=True) | m.Supply():
            if _mints(model):
                raise Refused("a rule compares a day with a weight, and minting leaves weights without bound")
            # no token is created: every weight counted is at most the balances and the flash-loan pool
            return sum((abs(p.weight) for p in model.people), Fraction(0)) + abs(model.flash_loan)
        case m.Tally(field=f):  # a count or weight kept from a vote: bounded as the vote counted it
            return _day_free_bound(m.tally_count(f), model)
        case m.Arith(op=op, left=a, right=b):
            x, y = _day_free_bound(a, model), _day_free_bound(b, model)
            return x * y if op == "*" else x + y
    raise Refused(f"cannot bound a {type(e).__name__} compared with a day")


def _linear_days(e, model: m.Model, bound=_day_free_bound) -> tuple[dict, Fraction]:
    """``e`` as a sum of day variables with fixed coefficients plus a rest: (coefficients, bound on
    the rest's absolute value, by ``bound``).  Day variables: "now", ("approved", P), ("proposed", P)."""
    if not _has_days(e):
        return {}, bound(e, model)
    match e:
        case m.Now():
            return {"now": Fraction(1)}, Fraction(0)
        case m.ApprovedAt(procedure=p):
            return {("approved", p): Fraction(1)}, Fraction(0)
        case m.ProposedAt(procedure=p):
            return {("proposed", p): Fraction(1)}, Fraction(0)
        case m.Arith(op="*", left=a, right=b):
            days, factor = (a, b) if _has_days(a) else (b, a)
            if _has_days(factor):
                raise Refused("a rule multiplies two days")
            k = _constant(factor)
            if k is None:
                raise Refused("a rule multiplies a day by a quantity that is not a fixed number")
            coeffs, rest = _linear_days(days, model, bound)
            return {v: c * k for v, c in coeffs.items()}, rest * abs(k)
        case m.Arith(op=op, left=a, right=b):
            left, r1 = _linear_days(a, model, bound)
            right, r2 = _linear_days(b, model, bound)
            sign = 1 if op == "+" else -1
            out = dict(left)
            for v, c in right.items():
                out[v] = out.get(v, Fraction(0)) + sign * c
            return out, r1 + r2
    raise Refused(f"a day inside a {type(e).__name__} that the abstraction of time does not know")


def wait_cap(cmp: m.Compare, model: m.Model, bound) -> int:
    """After a wait of any number of days from this many on, ``cmp`` comes out as after this many
    (the bounded search then tries waits up to it: :func:`govspec.explicit.steps.time_horizon`);
    Refused when no number does.  ``bound``: a bound on a number with no day in it.

    With left - right = a*now + sum of b_v*v + rest (|rest| <= B; an absent stored day reads -1,
    adding |b_v| to B), a wait of w days moves only ``now``, so the comparison turns at most once, at
    w* = -now - sum of (b_v/a)*v - rest/a, each day present v between 0 and ``now``.  Its greatest
    value over those days is now * (sum of |b_v/a| over the b_v/a < 0, minus 1) + B/|a|: bounded, by
    B/|a|, when those |b_v/a| add up to at most 1; otherwise w* grows with a day
    (``now < 40 * P.approved_at`` turns 39 times the approval day later): Refused.  With a = 0 a
    wait does not move it (an expiry's -1 comes at an age the interpreter's constants bound).
    """
    left, r1 = _linear_days(cmp.left, model, bound)
    right, r2 = _linear_days(cmp.right, model, bound)
    coeffs = dict(left)
    for v, c in right.items():
        coeffs[v] = coeffs.get(v, Fraction(0)) - c
    a = coeffs.pop("now", Fraction(0))
    coeffs = {v: c for v, c in coeffs.items() if c != 0}
    if a == 0:
        return 0
    cap = 0
    for pattern in itertools.product(*[(False, True) for _ in coeffs]):
        behind, rest = Fraction(0), r1 + r2
        for (v, b), here in zip(coeffs.items(), pattern):
            if not here:
                rest += abs(b)
            elif b / a < 0:
                behind += abs(b / a)
        if behind > 1:
            raise Refused("a rule compares the date with a multiple of a day stored: the wait it needs grows with "
                          "that day")
        cap = max(cap, int(rest / abs(a)) + 1)
    return cap
