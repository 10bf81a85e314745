"""Effects: what a procedure that passes changes (bodies, offices, parameters, tokens).

Assumes: the context's tables are filled (:func:`govspec.check.declarations.declare` has run).
Guarantees: :func:`effect` gives a :class:`~govspec.model.Effect` whose target exists and whose
value has the right kind (a person for a seat, an office or tokens; a constant for a parameter, whose
new value joins the values that parameter can take; an amount of tokens that is a constant or a
parameter), or reports why not and gives None.
"""

from __future__ import annotations

from .. import ast
from .. import model as m
from ..diagnostics import did_you_mean
from .context import Context
from .expressions import expr, kind_word, token_amount
from .names import Scope, resolve


def effect(cx: Context, clause: ast.Clause, decl: ast.ProcedureDecl) -> m.Effect | None:
    e = clause.effect
    scope = Scope(procedure=decl)
    text = cx.text(e.span)
    if e.kind in m.TOKEN_EFFECTS:
        return _token_effect(cx, clause, scope, text)
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
        if e.kind == "vacate" or not isinstance(e.value, ast.Number):
            cx.error("GOV309", "a parameter can only be set to a constant number (e.g. 'quorum_fraction = 2/3')",
                     e.value.span if e.value is not None else e.span)
            return None
        cx.param_values[e.target].add(e.value.value)
        return m.Effect("set", e.target, None, e.value.value, text, clause.span, clause.cite)
    close = did_you_mean(e.target, [*cx.offices, *cx.params])
    cx.error("GOV108", f"'{e.target}' is not an office or parameter" + (f" (did you mean '{close[0]}'?)" if close else ""),
             e.target_span)
    return None


def _token_effect(cx: Context, clause: ast.Clause, scope: Scope, text: str) -> m.Effect | None:
    """transfer AMOUNT from A to B / mint AMOUNT to A / delegate A to B."""
    e = clause.effect
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
