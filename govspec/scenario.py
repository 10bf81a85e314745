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
            rules.append(RuleRef(f"{stage.kind} by {stage.body} " + ("at meeting" if stage.mode == "meeting" else "by written consent")
                                 + (f", notice {stage.notice}" if stage.mode == "meeting" else ""), stage.span.line, stage.cite))
            if stage.quorum is not None:
                rules.append(RuleRef(f"quorum {stage.quorum.text}", stage.quorum.span.line, stage.quorum.cite))
            rules.append(RuleRef(f"passes when {stage.passes.text}" if stage.mode == "meeting" or stage.passes.text != "unanimous written consent"
                                 else stage.passes.text, stage.passes.span.line, stage.passes.cite))
        rules += [RuleRef(f"recuse {r.formal} from " + " and ".join(w for w, on in (("vote", r.from_vote), ("quorum", r.from_quorum)) if on),
                          r.span.line, r.cite) for r in proc.recusals]
        rules += [RuleRef(f"require {g.text}", g.span.line, g.cite) for g in proc.guards]
        rules += [RuleRef(f"effect {e.text}", e.span.line, e.cite) for e in proc.effects]
        after = sem.apply(model, state, step)
        out.append(TraceStep(index, "event" if proc.is_event else "procedure", proc.name, step.args, tuple(records),
                             state_changes(state, after), tuple(rules), proc.span.line, proc.cite))
        state = after
    return tuple(out)
