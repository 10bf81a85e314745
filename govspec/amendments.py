"""Amendments: ``amend P { ... }`` changes single clauses of an imported procedure in place.

Assumes: the organisation's imported procedures have joined it (:mod:`govspec.imports` calls
:func:`apply`).  Guarantees: each amended procedure is the imported one with the amending clauses
put where the clauses they replace stood (or added), so the checks and engines see an ordinary
procedure; every change is recorded as an :class:`ast.Amended` for the reports; a procedure that is
not imported (or is the organisation's own), a stage or an effect it lacks, a clause amended twice,
or a notice left in a stage turned into written consent is GOV128.  The amended procedure is not
checked here: :mod:`govspec.check` checks it like any other, at each clause's own line.

Which clause an amending clause replaces (docs/language.md, "Amending one clause"):
- ``notice``, ``quorum``, ``passes when`` (and a meeting's ``attendance waives notice``, ``chaired
  by``, ``casting vote``, ``notice may be waived in writing``): that clause of the stage named by the latest stage line
  of the block (``decided by BODY ...``, which also replaces that stage's line), else of the
  ``decided by`` stage; added to the stage when it has none;
- ``timelock``, ``voting delay``, ``voting period``, ``proposal threshold``, ``counted ...``,
  ``expires after``, ``called by``: the procedure's clause of that kind, else added;
- ``require``, ``recuse``: all the procedure's clauses of that kind (the block's clauses of that
  kind replace them together; a ``require`` checked at execution only those checked alike), else added;
- ``effect``: the effects on the same name (the office or parameter set, the body of an ``add`` or
  ``remove``, the person whose tokens a token effect moves first), else added; ``no effect NAME``
  drops them.
"""

from __future__ import annotations

from dataclasses import replace

from . import ast
from .diagnostics import Diagnostic, SpecError, did_you_mean

STAGE_CLAUSES = ("notice", "quorum", "passes", "waiver", "chaired", "casting", "written_waiver")  # each a stage's own
MANY = ("require", "recuse")
_WORDS = {"notice": "notice", "quorum": "quorum", "passes": "passes when", "timelock": "timelock",
          "voting_delay": "voting delay", "voting_period": "voting period", "threshold": "proposal threshold",
          "counted": "counted", "expires": "expires after", "require": "require", "recuse": "recuse",
          "waiver": "attendance waives notice", "chaired": "chaired by", "casting": "casting vote", "called": "called by",
          "written_waiver": "notice may be waived in writing"}


def _error(message: str, span, *notes: str) -> SpecError:
    return SpecError([Diagnostic("GOV128", message, span, notes=notes)])


def effect_name(effect: ast.Effect) -> str:
    """The name an effect changes, which identifies it in an amendment."""
    return effect.body if effect.kind in ("add", "remove") else effect.target


def apply(org: ast.Organization, own: set[str]) -> ast.Organization:
    """``org`` (imports and rules blocks joined) with its ``amend`` blocks applied; ``own``: the
    procedures the organisation declares itself (edited in place, not amended)."""
    if not org.amends:
        return org
    procedures = {p.name: p for p in org.procedures}
    changes: list[ast.Amended] = []
    seen: dict[tuple, ast.Node] = {}
    for block in org.amends:
        proc = procedures.get(block.name)
        if proc is None:
            imported = [p.name for p in org.procedures if p.name not in own]
            close = did_you_mean(block.name, imported)
            raise _error(f"no imported procedure '{block.name}' to amend" + (f" (did you mean '{close[0]}'?)" if close else ""),
                         block.name_span, "imported: " + (", ".join(imported) if imported else "none"))
        if block.name in own:
            raise _error(f"'{block.name}' is declared by this organization: change its clauses there", block.name_span,
                         "'amend' changes a procedure of the library, of an imported file or of a rules block")
        procedures[block.name] = _amend(proc, block, seen, changes)
    return replace(org, procedures=tuple(procedures[p.name] for p in org.procedures), amends=(),
                   amended=org.amended + tuple(changes))


def _amend(proc: ast.ProcedureDecl, block: ast.Amend, seen: dict, changes: list) -> ast.ProcedureDecl:
    items = list(proc.items)
    headers = [i for i in items if isinstance(i, ast.StageHeader)]
    stage = next((h for h in headers if h.kind == "decided"), headers[0] if headers else None)
    cleared: set[tuple] = set()  # require / recuse: the groups of imported clauses already replaced

    def once(key, item, what):
        key = (proc.name, *key)
        if key in seen:
            raise _error(f"{what} of '{proc.name}' is amended twice", item.span, f"first amended at {seen[key].span}")
        seen[key] = item

    def record(item, kind, change, replaced, at_stage=None):
        changes.append(ast.Amended(item.span, proc.name, kind, change, replaced, at_stage, item.cite))

    for item in block.items:
        if item.cite is None and block.cite is not None:
            item = replace(item, cite=block.cite)  # the block's citation stands for its clauses' own
        if isinstance(item, ast.StageHeader):
            old = next((h for h in headers if h.kind == item.kind and h.body == item.body), None)
            if old is None:
                lines = ", ".join(f"'{h.kind} by {h.body}'" for h in headers) or "none"
                raise _error(f"'{proc.name}' has no '{item.kind} by {item.body}' stage to amend", item.span,
                             f"its stages: {lines}")
            once(("stage", item.kind, item.body), item, f"the '{item.kind} by {item.body}' line")
            notice = _stage_clause(items, old, "notice")
            if item.mode == "consent" and notice is not None:
                raise _error(f"the '{item.kind} by {item.body}' stage of '{proc.name}' has a 'notice' clause "
                             f"(at {notice.span}), which written consent cannot have", item.span,
                             "redeclare the procedure in the organization instead")
            items[items.index(old)] = item
            headers[headers.index(old)] = item
            record(item, "stage", "replaces", old.span)
            changes[:] = [replace(c, stage=item.span) if c.stage == old.span else c for c in changes]
            stage = item
        elif isinstance(item, ast.DropEffect):
            once(("effect", item.target), item, f"the effect on '{item.target}'")
            dropped = [i for i in items if isinstance(i, ast.Clause) and i.kind == "effect"
                       and effect_name(i.effect) == item.target]
            if not dropped:
                names = sorted({effect_name(i.effect) for i in items if isinstance(i, ast.Clause) and i.kind == "effect"})
                close = did_you_mean(item.target, names)
                raise _error(f"'{proc.name}' has no effect on '{item.target}' to drop"
                             + (f" (did you mean '{close[0]}'?)" if close else ""), item.target_span,
                             "its effects change: " + (", ".join(names) or "nothing"))
            items = [i for i in items if i not in dropped]
            record(item, "drop", "removes", dropped[0].span)
        elif item.kind in STAGE_CLAUSES:
            if stage is None:
                raise _error(f"'{proc.name}' has no stage for a '{_WORDS[item.kind]}' clause", item.span)
            once(("stage", stage.kind, stage.body, item.kind), item,
                 f"'{_WORDS[item.kind]}' of the '{stage.kind} by {stage.body}' stage")
            old = _stage_clause(items, stage, item.kind)
            if old is None:
                items.insert(items.index(stage) + 1, item)
                record(item, item.kind, "adds to", proc.span, stage.span)
            else:
                record(item, item.kind, "replaces", old.span, stage.span)
                items[items.index(old)] = item
        elif item.kind == "effect":
            name = effect_name(item.effect)
            once(("effect", name), item, f"the effect on '{name}'")
            old = [k for k, i in enumerate(items) if isinstance(i, ast.Clause) and i.kind == "effect"
                   and effect_name(i.effect) == name]
            _put(items, old, item, proc, record)
        elif item.kind in MANY:
            group = (item.kind, getattr(item, "checked", None))  # ('at execution require' apart from 'require')
            old = [] if group in cleared else [k for k, i in enumerate(items) if isinstance(i, ast.Clause)
                                               and (i.kind, getattr(i, "checked", None)) == group]
            cleared.add(group)
            _put(items, old, item, proc, record)
        else:
            once((item.kind,), item, f"'{_WORDS.get(item.kind, item.kind)}'")  # (clause kinds added later: one each)
            old = [k for k, i in enumerate(items) if isinstance(i, ast.Clause) and i.kind == item.kind]
            _put(items, old, item, proc, record)
    return replace(proc, items=tuple(items))


def _stage_clause(items: list, stage: ast.StageHeader, kind: str) -> ast.Clause | None:
    """The clause of ``kind`` among the clauses that follow ``stage``'s line, if any."""
    for item in items[items.index(stage) + 1:]:
        if isinstance(item, ast.StageHeader):
            return None
        if isinstance(item, ast.Clause) and item.kind == kind:
            return item
    return None


def _put(items: list, old: list[int], item: ast.Clause, proc: ast.ProcedureDecl, record) -> None:
    """``item`` in place of the clauses at ``old`` (at the first of them), or added at the end."""
    if not old:
        items.append(item)
        record(item, item.kind, "adds to", proc.span)
        return
    record(item, item.kind, "replaces", items[old[0]].span)
    items[old[0]] = item
    for k in reversed(old[1:]):
        del items[k]
