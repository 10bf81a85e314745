"""Which rules a proof relies on: the rules without which a counterexample appears.

Assumes a PROVED result.  Guarantees: every rule listed is necessary for the proof, shown by a
check, not guessed.  Each rule of the spec (a quorum, a threshold, notice to all, a ``require``, a
recusal, a second body's approval or veto, a timelock, a veto window, a proposal clause, a seat
cap) is removed in turn from a copy of the model, and the property is checked again by the same
engine at the same depth: when that check finds a counterexample (REFUTED, replayed on the
reference semantics of the weakened model like any other), the proof relied on the rule.  This is
deletion-based rather than an unsat core: each rule listed is needed on its own; rules not listed
were not needed within the depth (two rules that each would suffice are both left out).

Removing a rule means: no quorum; a ``passes when`` of an approval or decision always met; a veto
stage that never carries; ``notice none`` (and no waiver by attendance or in writing); any member may call the
meeting (no ``called by``); no ``require``; no recusal; no timelock; no veto window; no voting
delay; no proposal threshold; live counting; no seat cap.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from . import model as m
from .report import REFUTED, UNKNOWN, PropertyResult, RuleRef
from .scenario import rule_ref

ALWAYS, NEVER = m.BoolConst(True), m.BoolConst(False)


def _procs(model: m.Model, proc: m.Procedure, **changes) -> m.Model:
    procedures = dict(model.procedures)
    procedures[proc.name] = replace(proc, **changes)
    return replace(model, procedures=procedures)


def _stage(model: m.Model, proc: m.Procedure, index: int, **changes) -> m.Model:
    stages = list(proc.stages)
    stages[index] = replace(stages[index], **changes)
    return _procs(model, proc, stages=tuple(stages))


def candidates(model: m.Model) -> list[tuple[RuleRef, Callable[[], m.Model]]]:
    """Every rule that can be removed, with where it is written and the model without it."""
    out: list[tuple[RuleRef, Callable[[], m.Model]]] = []

    def add(text: str, span, cite, make) -> None:
        out.append((rule_ref(model, text, span, cite), make))

    for proc in model.procedures.values():
        for i, st in enumerate(proc.stages):
            if st.quorum is not None:
                add(f"quorum {st.quorum.text}", st.quorum.span, st.quorum.cite,
                    lambda p=proc, i=i: _stage(model, p, i, quorum=None))
            rule = m.Rule(NEVER if st.kind == "vetoed" else ALWAYS, st.passes.text, st.passes.span, st.passes.cite)
            label = st.passes.text if st.passes.text == "unanimous written consent" else f"passes when {st.passes.text}"
            if i > 0:
                label = f"{st.kind} by {st.body}: {label}"
            add(label, st.passes.span, st.passes.cite, lambda p=proc, i=i, r=rule: _stage(model, p, i, passes=r, quorum=None))
            if st.mode == "meeting" and st.notice == "all":
                add(f"{st.kind} by {st.body} at meeting, notice all", st.span, st.cite,
                    lambda p=proc, i=i: _stage(model, p, i, notice="none", waiver=None, written_waiver=None))
        if proc.calling is not None:  # (without it, any member may call the meeting)
            add(proc.calling.rule.text, proc.calling.rule.span, proc.calling.rule.cite,
                lambda p=proc: _procs(model, p, calling=None))
        for g in proc.requirements():
            add(f"require {g.text}", g.span, g.cite,
                lambda p=proc, g=g: _procs(model, p, guards=tuple(x for x in p.guards if x is not g),
                                           execution_guards=tuple(x for x in p.execution_guards if x is not g)))
        for r in proc.recusals:
            add(f"recuse {r.formal}", r.span, r.cite,
                lambda p=proc, r=r: _procs(model, p, recusals=tuple(x for x in p.recusals if x is not r)))
        if proc.timelock and proc.timelock_rule is not None:
            add(proc.timelock_rule.text, proc.timelock_rule.span, proc.timelock_rule.cite,
                lambda p=proc: _procs(model, p, timelock=0))
        if proc.window_stage is not None:
            w = proc.window_stage
            add(f"vetoed by {w.body} within {w.window} days", w.span, w.cite,
                lambda p=proc: _procs(model, p, window_stage=None))
        life = proc.lifecycle
        if life is not None:
            if life.delay:
                add(f"{proc.name}: proposed {life.delay} days ahead", life.rule.span, life.rule.cite,
                    lambda p=proc: _procs(model, p, lifecycle=replace(p.lifecycle, delay=0, snapshot_days=0)))
            if life.threshold is not None:
                add(f"{proc.name}: proposal threshold", life.rule.span, life.rule.cite,
                    lambda p=proc: _procs(model, p, lifecycle=replace(p.lifecycle, threshold=None, threshold_strict=False)))
            if life.snapshot:
                add(f"{proc.name}: counted at the snapshot", life.rule.span, life.rule.cite,
                    lambda p=proc: _procs(model, p, lifecycle=replace(p.lifecycle, snapshot=False, snapshot_days=0)))
    for body in model.bodies.values():
        if body.cap is not None:
            add(f"at most {body.cap} seats per principal in {body.name}", body.span, body.cite,
                lambda b=body: replace(model, bodies={**model.bodies, b.name: replace(b, cap=None)}))
    return out


def relied_on(check: Callable[[m.Model], PropertyResult], model: m.Model) -> tuple[tuple[RuleRef, ...], int]:
    """(the rules whose removal lets a counterexample appear, how many removals stayed undecided).

    ``check(model)`` checks the property on a model (same engine, depth and time limit)."""
    needed, undecided = [], 0
    for ref, make in candidates(model):
        result = check(make())
        if result.status == REFUTED:
            needed.append(ref)
        elif result.status == UNKNOWN:
            undecided += 1
    return tuple(needed), undecided
