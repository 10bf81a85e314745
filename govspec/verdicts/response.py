"""A refuted ``can force`` explained (issue 16.3): the others' answer at the first vote, as a
one-step trace for the reports to draw beside the verdict.

Assumes the verdict is REFUTED (the coalition cannot force the goal in behaviours of any length,
shown by an engine).  Guarantees: the step is the one :func:`govspec.explicit.response.defeat`
found on the reference semantics, a vote that does not pass, so it changes nothing; () when there
is none to show.
"""

from __future__ import annotations

from .. import model as m
from .. import semantics as sem
from ..explicit.response import defeat
from ..report import StageRecord, TraceStep
from ..scenario import natural_key, rule_ref, snapshot


def _names(people) -> tuple[str, ...]:
    return tuple(sorted(people, key=natural_key))


def response_trace(model: m.Model, goal: m.Goal, coalition: frozenset[str]) -> tuple[TraceStep, ...]:
    found = defeat(model, goal, coalition)
    if found is None:
        return ()
    proc, args, choices = found
    state = sem.initial_state(model)
    records, rules = [], []
    for stage, c in zip(proc.stages, choices):
        recused = sem.stage_sets(proc, stage, state, args, c)["recused"]
        records.append(StageRecord(stage.body, stage.kind, stage.mode, _names(c.notified), _names(c.attended),
                                   _names(c.yes), _names(c.no), _names(c.abstain), _names(recused),
                                   objected=_names(c.objected)))
    last = proc.stages[len(choices) - 1]
    if last.quorum is not None:
        rules.append(rule_ref(model, f"quorum {last.quorum.text}", last.quorum.span, last.quorum.cite))
    default_consent = last.mode == "consent" and last.passes.text == "unanimous written consent"  # (as scenario.describe)
    rules.append(rule_ref(model, last.passes.text if default_consent else f"passes when {last.passes.text}",
                          last.passes.span, last.passes.cite))
    at = snapshot(state)
    return (TraceStep(1, "procedure", proc.name, tuple((k, str(v)) for k, v in args.items()), tuple(records),
                      (f"{proc.name} does not pass: nothing changes",), tuple(rules), proc.span.line, proc.cite,
                      None if proc.span.path == model.path else proc.span.path, before=at, after=at),)
