"""Which rules a proof relies on: the rules without which a counterexample appears.

Assumes a PROVED result.  Guarantees: every rule listed is necessary for the proof, shown by a
check, not guessed.  Each rule of the spec (a quorum, a threshold, notice to all, a ``require``, a
recusal, a second body's approval or veto, a chair's casting vote, a timelock, a veto window, a
proposal clause, a seat cap) is removed in turn from a copy of the model, and the property is
checked again by the same engine at the same depth: when that check finds a counterexample
(REFUTED, replayed on the reference semantics of the weakened model like any other), the proof
relied on the rule.  This is deletion-based rather than an unsat core: each rule listed is needed
on its own; rules not listed were not needed within the scope searched (two rules that each would
suffice are both left out).  A property a witness proves (``can force``) is checked again until
decided, since only a proof that no witness exists refutes it; a bounded answer is undecided.
With groups of variable size, each check searches the next sizes too, with the rule removed at
each (``Model.edits``, made again by ``govspec.load.instance``).

Removing a rule means: no quorum; a ``passes when`` of an approval or decision always met (the
stage's quorum and casting vote stay: each is removed on its own); a veto stage that never
carries; no casting vote (the spec without the clause); ``notice none`` (and no waiver by
attendance or in writing); any member may call the meeting (no ``called by``); no ``require``; no
recusal; no voting delay; no proposal threshold; live counting; no seat cap; and the spec built
again without the ``timelock`` or veto window clause (the procedure may then be untimed, its
'P.executed' its vote; an ``expires after`` that needs the wait goes with it, and the label says
so).  A removal after which the spec does not check is not tried, and said with its error.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from . import ast
from . import model as m
from .check.procedures import STAGE_CLAUSES, casting_rule
from .load import SyntaxEdit, rebuilt
from .diagnostics import SpecError
from .report import BOUNDED, REFUTED, UNKNOWN, WITNESS_KINDS, PropertyResult, RuleRef, Scope
from .scenario import rule_ref

ALWAYS, NEVER = m.BoolConst(True), m.BoolConst(False)


Edit = Callable[[m.Model], m.Model]


def _procs(name: str, **changes) -> Edit:
    """The edit that changes procedure ``name``: each field of ``changes`` to its function of the procedure."""
    def edit(model: m.Model) -> m.Model:
        proc = model.procedures[name]
        procedures = dict(model.procedures)
        procedures[name] = replace(proc, **{k: v(proc) for k, v in changes.items()})
        return replace(model, procedures=procedures)
    return edit


def _stage(name: str, index: int, **changes) -> Edit:
    """The edit that changes stage ``index`` of procedure ``name``."""
    def stages(proc: m.Procedure) -> tuple:
        out = list(proc.stages)
        out[index] = replace(out[index], **changes)
        return tuple(out)
    return _procs(name, stages=stages)


def _uncapped(name: str) -> Edit:
    def edit(model: m.Model) -> m.Model:
        return replace(model, bodies={**model.bodies, name: replace(model.bodies[name], cap=None)})
    return edit


def _dropped(name: str, span, kinds: tuple[str, ...] = ()) -> SyntaxEdit:
    """The edit of the syntax that deletes a clause of procedure ``name`` (the one written at
    ``span``), or a stage (its line at ``span``) with its clauses; and its clauses of ``kinds``."""
    def change(spec: ast.SpecFile) -> ast.SpecFile:
        org = spec.organizations[0]
        procedures = []
        for decl in org.procedures:
            if decl.name == name:
                kept, inside = [], False
                for item in decl.items:
                    if isinstance(item, ast.StageHeader):
                        inside = item.span == span
                    if item.span == span or (isinstance(item, ast.Clause) and (
                            item.kind in kinds or (inside and item.kind in STAGE_CLAUSES))):
                        continue
                    kept.append(item)
                decl = replace(decl, items=tuple(kept))
            procedures.append(decl)
        return replace(spec, organizations=(replace(org, procedures=tuple(procedures)), *spec.organizations[1:]))
    return SyntaxEdit(change)


def _without(model: m.Model, edit: "Edit | SyntaxEdit") -> m.Model:
    """``model`` with ``edit`` made, which its instances at other sizes make again (a group of
    variable size: the check of the weakened spec searches them too; ``govspec.load.instance``).
    :class:`~govspec.diagnostics.SpecError` when the spec without the rule does not check."""
    if isinstance(edit, SyntaxEdit):
        return rebuilt(model, edit)
    return replace(edit(model), edits=(*model.edits, edit))


def candidates(model: m.Model) -> list[tuple[RuleRef, Callable[[], m.Model]]]:
    """Every rule that can be removed, with where it is written and the model without it.  Each
    removal is an edit by names and places in the text (a procedure's name, a stage's index, a
    clause's span), which means the same rule in the spec at any size."""
    out: list[tuple[RuleRef, Callable[[], m.Model]]] = []

    def add(text: str, span, cite, edit: Edit) -> None:
        out.append((rule_ref(model, text, span, cite), lambda: _without(model, edit)))

    for proc in model.procedures.values():
        name = proc.name
        for i, st in enumerate(proc.stages):
            if st.quorum is not None:
                add(f"quorum {st.quorum.text}", st.quorum.span, st.quorum.cite, _stage(name, i, quorum=None))
            # (the quorum and the chair's casting vote stay: each is a rule of its own, removed on its own)
            met = NEVER if st.kind == "vetoed" else ALWAYS
            rule = m.Rule(casting_rule(st.chair, i, met) if st.casting is not None and st.chair is not None else met,
                          st.passes.text, st.passes.span, st.passes.cite)
            label = st.passes.text if st.passes.text == "unanimous written consent" else f"passes when {st.passes.text}"
            if i > 0:
                label = f"{st.kind} by {st.body}: {label}"
            add(label, st.passes.span, st.passes.cite, _stage(name, i, passes=rule))
            if st.casting is not None:
                add("casting vote", st.casting.span, st.casting.cite, _dropped(name, st.casting.span))
            if st.mode == "meeting" and st.notice == "all":
                add(f"{st.kind} by {st.body} at meeting, notice all", st.span, st.cite,
                    _stage(name, i, notice="none", waiver=None, written_waiver=None))
        if proc.calling is not None:  # (without it, any member may call the meeting)
            add(proc.calling.rule.text, proc.calling.rule.span, proc.calling.rule.cite, _procs(name, calling=lambda p: None))
        for g in proc.requirements():
            add(f"require {g.text}", g.span, g.cite,
                _procs(name, guards=lambda p, at=g.span: tuple(x for x in p.guards if x.span != at),
                       execution_guards=lambda p, at=g.span: tuple(x for x in p.execution_guards if x.span != at)))
        for r in proc.recusals:
            add(f"recuse {r.formal}", r.span, r.cite,
                _procs(name, recusals=lambda p, at=r.span: tuple(x for x in p.recusals if x.span != at)))
        # (without its timelock or veto window a procedure may be untimed: 'P.executed' is then its
        # vote, as the spec written without it says; built again from the text without the clause)
        # (an expiry needs a wait: it goes with the last of them, and the label says so)
        if proc.timelock and proc.timelock_rule is not None:
            alone = proc.window_stage is not None or proc.grace is None
            add(proc.timelock_rule.text + ("" if alone else f" (with 'expires after {proc.grace} days', which needs it)"),
                proc.timelock_rule.span, proc.timelock_rule.cite,
                _dropped(name, proc.timelock_rule.span, () if alone else ("expires",)))
        if proc.window_stage is not None:
            w = proc.window_stage
            alone = proc.timelock > 0 or proc.grace is None
            add(f"vetoed by {w.body} within {w.window} days" + ("" if alone else f" (with 'expires after {proc.grace} days', which needs it)"),
                w.span, w.cite, _dropped(name, w.span, () if alone else ("expires",)))
        life = proc.lifecycle
        if life is not None:
            if life.delay:
                add(f"{name}: proposed {life.delay} days ahead", life.rule.span, life.rule.cite,
                    _procs(name, lifecycle=lambda p: replace(p.lifecycle, delay=0, snapshot_days=0)))
            if life.threshold is not None:
                add(f"{name}: proposal threshold", life.rule.span, life.rule.cite,
                    _procs(name, lifecycle=lambda p: replace(p.lifecycle, threshold=None, threshold_strict=False)))
            if life.snapshot:
                add(f"{name}: counted at the snapshot", life.rule.span, life.rule.cite,
                    _procs(name, lifecycle=lambda p: replace(p.lifecycle, snapshot=False, snapshot_days=0)))
    for body in model.bodies.values():
        if body.cap is not None:
            add(f"at most {body.cap} seats per principal in {body.name}", body.span, body.cite, _uncapped(body.name))
    return out


@dataclass(frozen=True)
class Reliance:
    """What the checks without each rule found: the rules whose removal lets a counterexample
    appear (``needed``); how many removals stayed undecided; the scope within which the others
    left the property true (the narrowest of their checks; None when there is none); and the
    rules that could not be removed alone (the spec without one does not check: its error)."""

    needed: tuple[RuleRef, ...]
    undecided: int
    scope: Scope | None
    untried: tuple[str, ...] = ()


def relied_on(check: Callable[[m.Model], PropertyResult], model: m.Model, kind: str) -> Reliance:
    """The rules a PROVED property of ``kind`` relies on.  ``check(model)`` checks the property
    on a model (same engine, depth and time limit; with groups of variable size, at the next sizes
    too; for a property a witness proves, a search of any length, since only a proof that no
    witness exists refutes it).  A bounded result of such a property found no witness within
    its scope, which is not "still true": it counts as undecided."""
    needed, undecided, held, untried = [], 0, [], []
    for ref, make in candidates(model):
        try:
            weakened = make()
        except SpecError as err:
            d = err.diagnostics[0]
            untried.append(f"{ref.text} (line {ref.line}): without it the spec does not check: {d.code} {d.message}")
            continue
        result = check(weakened)
        if result.status == REFUTED:
            needed.append(ref)
        elif result.status == UNKNOWN or (result.status == BOUNDED and kind in WITNESS_KINDS):
            undecided += 1
        else:
            held.append(result.scope)
    return Reliance(tuple(needed), undecided, _narrowest(held), tuple(untried))


def _narrowest(scopes: list[Scope]) -> Scope | None:
    """The least depth and the fewest sizes among ``scopes`` (what all of them searched)."""
    if not scopes:
        return None
    depths = [s.depth for s in scopes if s.depth is not None]
    ranges = [s.sizes for s in scopes if not isinstance(s.sizes, str)]
    sizes = min(ranges, key=lambda r: sum(high for _, _, high in r)) if ranges else (
        "all" if all(s.sizes == "all" for s in scopes) else scopes[0].sizes)
    return Scope(min(depths) if depths else None, sizes)
