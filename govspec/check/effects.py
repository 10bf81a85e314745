"""Effects: what a procedure that passes changes (bodies, offices, parameters, tokens).

Assumes: the context's tables are filled (:func:`govspec.check.declarations.declare` has run).
Guarantees: :func:`effect` gives a :class:`~govspec.model.Effect` whose target exists and whose
value has the right kind (a person for a seat, an office or tokens; a constant for a parameter, whose
new value joins the values that parameter can take; an amount of tokens that is a constant or a
parameter), or reports why not and gives None.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from .. import ast
from .. import model as m
from ..diagnostics import did_you_mean
from .context import Context
from .expressions import boolean, expr, kind_word, token_amount
from .names import Scope, resolve


def clause_effects(cx: Context, clause: ast.Clause, decl: ast.ProcedureDecl) -> list[m.Effect]:
    """The effects of one ``effect`` clause: one, or for ``if C then E else F`` the effect of each
    branch under its condition (C, and not C), both read in the state before the step."""
    e = clause.effect
    if e.kind != "if":
        eff = effect(cx, clause, decl)
        return [] if eff is None else [eff]
    when = boolean(cx, e.condition, Scope(procedure=decl, where="in a stage's quorum or 'passes when' rule"))
    text = f"if {cx.text(e.condition.span)} then {cx.text(e.then.span)}"
    if e.otherwise is not None:
        text += f" else {cx.text(e.otherwise.span)}"
    out = []
    for branch, cond in ((e.then, when), (e.otherwise, None if when is None else m.NotE(when))):
        if branch is None:
            continue
        eff = effect(cx, clause, decl, branch)
        if eff is not None and cond is not None:
            out.append(replace(eff, text=text, when=cond))
    return out


def effect(cx: Context, clause: ast.Clause, decl: ast.ProcedureDecl, e: ast.Effect | None = None) -> m.Effect | None:
    e = e or clause.effect
    scope = Scope(procedure=decl)
    text = cx.text(e.span)
    if e.kind in m.TOKEN_EFFECTS:
        return _token_effect(cx, clause, scope, text, e)
    if e.kind in ("remove", "add"):
        if e.body not in cx.bodies:
            cx.unknown("GOV104", "body", e.body, e.body_span, cx.bodies)
            return None
        r = resolve(cx, e.target, e.target_span, scope)
        if r is None:
            return None
        if r[0] != "person":
            cx.error("GOV309", f"only a person can be {'removed from' if e.kind == 'remove' else 'added to'} a body", e.target_span)
            return None
        return m.Effect(e.kind, e.body, r[1], None, text, clause.span, clause.cite)
    if e.target in cx.offices:
        if e.kind == "vacate":
            return m.Effect("vacate", e.target, None, None, text, clause.span, clause.cite)
        r = expr(cx, e.value, scope)
        if r is None:
            return None
        if r[0] != "person":
            cx.error("GOV309", f"an office is filled by a person, not {kind_word(r[0])}", e.value.span)
            return None
        return m.Effect("fill", e.target, r[1], None, text, clause.span, clause.cite)
    if e.target in cx.params:
        if e.kind == "vacate":
            cx.error("GOV309", "a parameter is set to a number (e.g. 'quorum_fraction = 2/3'), it cannot be vacant", e.span)
            return None
        if isinstance(e.value, ast.Number):
            cx.param_values[e.target].add(e.value.value)
            return m.Effect("set", e.target, None, e.value.value, text, clause.span, clause.cite, expr=m.Num(e.value.value),
                            written=e.value.text)
        r = expr(cx, e.value, scope)
        if r is None:
            return None
        if r[0] not in ("num", "set"):
            cx.error("GOV309", f"a parameter is set to a number, not {kind_word(r[0])}", e.value.span)
            return None
        value = r[1] if r[0] == "num" else m.Count(r[1])
        for x in m.walk(value):
            if isinstance(x, UNLISTABLE) or (isinstance(x, m.Count) and x.weighted):
                cx.error("GOV340", f"a parameter can be set from numbers, parameters, seats and sizes of sets, "
                         f"not from '{_word(x)}'", e.value.span,
                         "a parameter takes finitely many values, listed when the spec is checked")
                return None
        return m.Effect("set", e.target, None, None, text, clause.span, clause.cite, expr=value)
    close = did_you_mean(e.target, [*cx.offices, *cx.params])
    cx.error("GOV108", f"'{e.target}' is not an office or parameter" + (f" (did you mean '{close[0]}'?)" if close else ""),
             e.target_span)
    return None


def _token_effect(cx: Context, clause: ast.Clause, scope: Scope, text: str, e: ast.Effect) -> m.Effect | None:
    """transfer AMOUNT from A to B / mint AMOUNT to A / delegate A to B."""
    people = []
    for name, span in ((e.target, e.target_span), (e.body, e.body_span)):
        if name is None:
            continue
        r = resolve(cx, name, span, scope)
        if r is None:
            return None
        if r[0] != "person":
            cx.error("GOV309", f"tokens are held by people; '{name}' is {kind_word(r[0])}", span)
            return None
        people.append(r[1])
    amount = None
    if e.kind != "delegate":
        amount = token_amount(cx, e.value, scope)
        if amount is None:
            return None
    return m.Effect(e.kind, "", people[0], None, text, clause.span, clause.cite,
                    other=people[1] if len(people) > 1 else None, amount=amount)


# ------------------------------------------------------------------ parameters set from expressions

UNLISTABLE = (m.Now, m.ApprovedAt, m.ProposedAt, m.Supply)
VALUE_LIMIT = 1000  # the most values a parameter may take


def _word(x) -> str:
    return {m.Now: "now", m.Supply: "supply", m.ApprovedAt: "approved_at", m.ProposedAt: "proposed_at"}.get(
        type(x), "weight(...)")


def list_param_values(cx: Context, procedures: dict[str, m.Procedure]) -> None:
    """Add to ``cx.param_values`` every value an expression effect can give its parameter.

    An expression's values are found by evaluating it over the values of what it reads, whatever the
    state: a parameter's values (known so far), a body's seats, a set's size from 0 to the number of
    people.  Conditions are not consulted, so the list is a superset of the values reached; it is
    grown until nothing changes.  More than VALUE_LIMIT values (``t = t + 1``) is GOV341.
    """
    setting = [(p, e) for p in procedures.values() for e in p.effects if e.kind == "set" and e.value is None]
    amounts = {x.name for p in procedures.values()
               for x in [*(e.amount for e in p.effects), p.lifecycle and p.lifecycle.threshold] if isinstance(x, m.ParamRef)}
    for _, eff in setting:  # an amount of tokens is never negative: its parameter takes constants only
        if eff.target in amounts:
            cx.error("GOV340", f"'{eff.target}' is an amount of tokens; it can be set only to a constant", eff.span)
            return
    people = len(cx.people)
    changed = True
    while changed:
        changed = False
        for proc, eff in setting:
            values = _values(eff.expr, cx, people, {f.name: f for f in proc.formals})
            known = cx.param_values[eff.target]
            if values is None or len(known | values) > VALUE_LIMIT:
                cx.error("GOV341", f"'{eff.text}' can give '{eff.target}' more than {VALUE_LIMIT} values", eff.span,
                         "a parameter takes finitely many values: set it from a bounded expression "
                         "(e.g. 'threshold = size(owners) - 1', or 'threshold = t' with 't in 1 to 4')")
                return
            if not values <= known:
                known |= values
                changed = True


def _values(e, cx: Context, people: int, formals: dict[str, m.Formal]) -> set[Fraction] | None:
    """Every value ``e`` can take (a superset), or None when there are more than VALUE_LIMIT."""
    match e:
        case m.Num(value=v):
            return {v}
        case m.ParamRef(name=n):
            return set(cx.param_values[n])
        case m.Seats(body=b):
            return {Fraction(cx.bodies[b].seats or 0)}
        case m.Count():
            return {Fraction(k) for k in range(people + 1)}
        case m.NumArg(name=n):
            f = formals[n]
            return {Fraction(k) for k in range(f.low, f.high + 1)} if f.high - f.low < VALUE_LIMIT else None
        case m.Arith(op=op, left=a, right=b):
            x, y = _values(a, cx, people, formals), _values(b, cx, people, formals)
            if x is None or y is None or len(x) * len(y) > VALUE_LIMIT ** 2:
                return None
            f = {"+": lambda u, v: u + v, "-": lambda u, v: u - v, "*": lambda u, v: u * v}[op]
            out = {f(u, v) for u in x for v in y}
            return out if len(out) <= VALUE_LIMIT else None
    raise AssertionError(e)
