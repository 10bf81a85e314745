"""Turn a replayed behaviour (reference-semantics steps) into report trace steps.

Assumes the steps were already replayed successfully.  Guarantees: each :class:`TraceStep` names
the procedure, arguments, each stage's notified/present/votes, only the state that changed, and
the rule lines (with their citations) that allowed the step.
"""

from __future__ import annotations

import re

from . import model as m
from . import semantics as sem
from .report import RuleRef, StageRecord, TraceStep


def natural_key(name: str):
    """Sort 'staff[2]' before 'staff[10]'."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _names(people) -> tuple[str, ...]:
    return tuple(sorted(people, key=natural_key))


def state_changes(before: sem.State, after: sem.State) -> tuple[str, ...]:
    changes = []
    for (body, old), (_, new) in zip(before.members, after.members):
        for p in sorted(old - new):
            changes.append(f"{p} leaves {body}")
        for p in sorted(new - old):
            changes.append(f"{p} joins {body}")
    for (office, old), (_, new) in zip(before.offices, after.offices):
        if old != new:
            changes.append(f"{office}: {old or 'vacant'} -> {new or 'vacant'}")
    for (param, old), (_, new) in zip(before.params, after.params):
        if old != new:
            changes.append(f"{param}: {old} -> {new}")
    return tuple(changes)


def describe(model: m.Model, steps: list[sem.Step], coalition: frozenset[str] | None = None) -> tuple[TraceStep, ...]:
    state = sem.initial_state(model)
    out = []

    def ref(text: str, span, cite) -> RuleRef:
        return RuleRef(text, span.line, cite, None if span.path == model.path else span.path)

    for index, step in enumerate(steps, start=1):
        proc = model.procedures[step.procedure]
        args = dict(step.args)
        records = []
        rules: list[RuleRef] = []
        for stage, choice in zip(proc.stages, step.stages):
            sets = sem.stage_sets(proc, stage, state, args, choice)
            records.append(StageRecord(
                stage.body, stage.kind, stage.mode, _names(choice.notified), _names(choice.attended),
                _names(choice.yes), _names(choice.no), _names(choice.abstain), _names(sets["recused"]),
                outsiders_free=coalition is not None,
            ))
            mode = "at meeting" if stage.mode == "meeting" else "by written consent"
            notice = f", notice {stage.notice}" if stage.mode == "meeting" else ""
            rules.append(ref(f"{stage.kind} by {stage.body} {mode}{notice}", stage.span, stage.cite))
            if stage.quorum is not None:
                rules.append(ref(f"quorum {stage.quorum.text}", stage.quorum.span, stage.quorum.cite))
            default_consent = stage.mode == "consent" and stage.passes.text == "unanimous written consent"
            rules.append(ref(stage.passes.text if default_consent else f"passes when {stage.passes.text}",
                             stage.passes.span, stage.passes.cite))
        for r in proc.recusals:
            what = " and ".join(w for w, on in (("vote", r.from_vote), ("quorum", r.from_quorum)) if on)
            rules.append(ref(f"recuse {r.formal} from {what}", r.span, r.cite))
        rules += [ref(f"require {g.text}", g.span, g.cite) for g in proc.guards]
        rules += [ref(f"effect {e.text}", e.span, e.cite) for e in proc.effects]
        after = sem.apply(model, state, step)
        out.append(TraceStep(index, "event" if proc.is_event else "procedure", proc.name, step.args, tuple(records),
                             state_changes(state, after), tuple(rules), proc.span.line, proc.cite,
                             None if proc.span.path == model.path else proc.span.path))
        state = after
    return tuple(out)
