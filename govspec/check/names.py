"""Scopes and name resolution: what a name written in a rule or property stands for.

Assumes: the context's tables are filled (:func:`govspec.check.declarations.declare` has run).
Guarantees: :func:`resolve` gives a name its kind and model expression (a procedure's formal first,
then a person, group, office, body, parameter or procedure) or reports it, GOV103, with a "did you
mean" among the names in scope; :func:`unknown_procedure` does the same, GOV107, for a bare name
where a procedure is expected.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import ast
from .. import model as m
from ..diagnostics import Span
from .context import Context


@dataclass
class Scope:
    """Where an expression stands, which decides what its words may mean."""

    procedure: ast.ProcedureDecl | None = None
    stage: int | None = None
    stage_body: str | None = None
    clause: str | None = None  # quorum | passes | None
    where: str = "here"  # for messages about step quantities
    step_code: str = "GOV201"  # GOV314 in properties
    executing: str | None = None  # a rule about this procedure's step: an untimed one's approved_at is now
    kept: str | None = None  # a rule about this procedure's decision taking effect or vetoed: its tally is readable


def resolve(cx: Context, name: str, span: Span, scope: Scope):
    if scope.procedure is not None and any(f.name == name for f in scope.procedure.formals):
        if any(f.name == name and f.low is not None for f in scope.procedure.formals):
            return "num", m.NumArg(name)
        return "person", m.Arg(name)
    if name in cx.people:
        return "person", m.PersonConst(name)
    if name in cx.groups:
        return "set", m.SetOf(tuple(m.PersonConst(n) for n in cx.groups[name]))
    if name in cx.offices:
        return "person", m.Holder(name)
    if name in cx.bodies:
        return "set", m.Members(name)
    if name in cx.params:
        return "num", m.ParamRef(name)
    if name in cx.procs:
        return "proc", m.Passed(name)
    candidates = cx.all_names() + ([f.name for f in scope.procedure.formals] if scope.procedure else [])
    cx.unknown("GOV103", "name", name, span, candidates)
    return None


def unknown_procedure(cx: Context, e) -> bool:
    """A bare name where a procedure is expected ('P -> ...', 'never P', 'can force P') that names nothing."""
    if not isinstance(e, ast.Name) or e.name in cx.all_names() or e.name in cx.kinds:
        return False
    cx.unknown("GOV107", "procedure", e.name, e.span, cx.procs)
    return True
