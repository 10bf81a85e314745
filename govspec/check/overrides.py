"""Overrides: a parameter of the spec that no rule uses, named like an imported one.

Assumes: every procedure and property has been checked (the model's rules are what is searched for
the parameters they read).  Guarantees: such a parameter, almost certainly a misspelled override,
is reported (GOV125) with the imported name it resembles.
"""

from __future__ import annotations

from .. import ast
from .. import model as m
from ..diagnostics import did_you_mean
from .context import Context


def check_overrides(cx: Context, org: ast.Organization, procedures: dict, props: list) -> None:
    """A parameter of the spec that nothing reads or sets, named like an imported one, is almost
    certainly a misspelled override: the import's default would silently stay in force."""
    imported = [d.name for d in org.params if d.span.path != cx.path]
    if not imported:
        return
    used = set()
    for proc in procedures.values():
        for rule in [*proc.guards, *proc.execution_guards, *[s.passes for s in proc.stages],
                     *[s.quorum for s in proc.stages if s.quorum]]:
            used |= _param_refs(rule.expr)
        used |= {e.target for e in proc.effects if e.kind == "set"}
    for prop in props:
        for e in (prop.state, prop.step, prop.goal.state if prop.goal else None, *(c[2] for c in prop.also)):
            used |= _param_refs(e) if e is not None else set()
    for d in org.params:
        if d.span.path == cx.path and d.name not in used:
            close = did_you_mean(d.name, imported)
            if close:
                cx.error("GOV125", f"parameter '{d.name}' is used by no rule; did you mean to override "
                         f"'{close[0]}'?", cx.name_span(d.span, d.name),
                         f"'{close[0]}' keeps its imported value unless this spec declares it by that name")


def _param_refs(e) -> set[str]:
    return {x.name for x in m.walk(e) if isinstance(x, m.ParamRef)}
