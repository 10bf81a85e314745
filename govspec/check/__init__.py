"""Name resolution, typing and semantic checks: :class:`ast.SpecFile` -> :class:`model.Model`.

Assumes: a syntactically valid AST (from :mod:`govspec.syntax`) with its imports joined in (by
:mod:`govspec.imports`).  Guarantees: a model in which every name is resolved and every expression
has the kind its position needs, or a :class:`SpecError` listing every problem found (each located,
coded and, for names, with a "did you mean" note), sorted by position.

Its modules, each importing only modules listed above it:

- :mod:`.context`: the shared state: source, diagnostics and their helpers, the tables of declared names.
- :mod:`.declarations`: the one organisation and what it declares (people, groups, bodies, offices,
  parameters, procedures, flash loan), and what a procedure's declaration says about its timing.
- :mod:`.names`: scopes and name resolution (what a name written in a rule stands for).
- :mod:`.expressions`: the kind of every expression (number, condition, person, set, procedure event).
- :mod:`.effects`: what a procedure changes (seats, offices, parameters, tokens).
- :mod:`.procedures`: procedures, their stages, rules, requirements, timing and proposal lifecycle.
- :mod:`.properties`: properties, coalition goals and candidates.
- :mod:`.overrides`: a parameter no rule uses, named like an imported one (a misspelled override).
- :mod:`.lookalikes`: names that print alike (Unicode confusables): warnings, not errors.

:func:`build_model` (here) runs the passes in this order, each reporting into one shared
:class:`~.context.Context`: the organisation's declarations, the procedures (with their effects),
the properties, the overrides; then, if nothing was reported, it assembles the model, with the
warnings about look-alike names.
"""

from __future__ import annotations

from .. import ast
from .. import model as m
from ..diagnostics import Diagnostic, Span, SpecError
from .context import Context
from .declarations import declare, flash_loan, organization
from .effects import list_param_values
from .lookalikes import lookalike_warnings
from .overrides import check_overrides
from .procedures import check_procedures
from .properties import check_properties

__all__ = ["build_model"]


def build_model(spec: ast.SpecFile, source: str, path: str, sources: dict[str, str] | None = None,
                sizes: dict[str, int] | None = None) -> m.Model:
    """``sources``: the text of every imported file by the path its spans carry; ``sizes``: the
    size of some groups of variable size (the model is then that instance of the spec)."""
    try:
        return _run(spec, Context(source, path, sources=dict(sources or {}), size_overrides=dict(sizes or {})))
    except RecursionError:  # the parser bounds nesting; this is a last line of defence
        raise SpecError([Diagnostic("GOV003", "the spec is nested too deeply to check", Span.point(path))]) from None


def _run(spec: ast.SpecFile, cx: Context) -> m.Model:
    org = organization(cx, spec)
    declare(cx, org)
    procedures = check_procedures(cx, org)
    props = check_properties(cx, spec.properties)
    check_overrides(cx, org, procedures, props)
    _coalitions_without_kept_guards(cx, procedures, props)
    _stop_if_any(cx)
    list_param_values(cx, procedures)
    _stop_if_any(cx)
    params = {
        name: m.Parameter(name, d.value, tuple(sorted(cx.param_values[name])), d.span, d.cite,
                            written=d.text)
        for name, d in cx.params.items()
    }
    flash = flash_loan(cx, org)
    _stop_if_any(cx)
    return m.Model(cx.path, org.title, cx.people.sequence(), cx.bodies, cx.offices, params,
                   procedures, tuple(props), cx.source, flash, dict(cx.sizes),
                   warnings=tuple(lookalike_warnings(cx, org, spec.properties)) + tuple(cx.warned),
                   amendments={a.span: _amendment(cx, a) for a in org.amended},
                   flash_written=org.flash[0].text if org.flash else None)


def _amendment(cx: Context, a: ast.Amended) -> m.Amendment:
    text = cx.text(a.span)  # the amending clause as written, without its citation
    if a.cite is not None and text.endswith(f'"{a.cite}"'):
        text = text[:-len(a.cite) - 2]
    return m.Amendment(a.procedure, a.kind, a.change, a.replaced, " ".join(text.split()), a.cite, a.span, a.stage)


def _coalitions_without_kept_guards(cx: Context, procedures, props) -> None:
    """Coalition power is decided over votes whose outsiders' answers are not fixed, so a decision's
    kept tally is not one number there: a coalition property is refused (GOV350) in a spec where a
    requirement at execution reads one (issue 13.6; docs/semantics.md section 10)."""
    gated = sorted(p.name for p in procedures.values() for g in p.execution_guards
                   if any(isinstance(x, m.Tally) for x in m.walk(g.expr)))
    for prop in props:
        if gated and prop.kind not in ("invariant", "step"):
            cx.error("GOV350", f"coalition power cannot be checked while '{gated[0]}' has an 'at execution require' "
                     "that reads its decision's tally; state the rule as a property 'always (P.executed -> ...)' "
                     "or check coalitions in a copy of the spec without it", prop.span)


def _stop_if_any(cx: Context) -> None:
    if cx.diags:
        raise SpecError(sorted(cx.diags, key=lambda d: (d.span.line, d.span.column)))
