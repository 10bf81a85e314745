"""Replay: every trace an engine finds is checked on the reference semantics before it is shown.

A trace the reference semantics rejects raises :class:`ReplayError`, an internal error (an engine
bug) that is never shown as a finding; a scenario too large for the reference semantics to
confirm raises :class:`Unconfirmed`, and its verdict is UNKNOWN.  A replay is work under the
property's deadline like any other (:func:`govspec.engine.check_time` before each step).
"""

from __future__ import annotations

from .. import model as m
from .. import semantics as sem
from ..engine import check_time


class Unconfirmed(Exception):
    """A scenario too large for the reference semantics to confirm: the verdict is UNKNOWN, never shown unchecked.
    ``summary``: what the UNKNOWN says, when not the default (a scenario the reference semantics tried)."""

    def __init__(self, reason: str, summary: str | None = None):
        super().__init__(reason)
        self.summary = summary


class ReplayError(Exception):
    """An engine produced a behaviour the reference semantics rejects: an engine bug."""


def replay_trace(model: m.Model, steps: list[sem.Step]) -> list[sem.State]:
    states = [sem.initial_state(model)]
    for i, step in enumerate(steps, start=1):
        check_time()
        problems = sem.step_problems(model, states[-1], step)
        if problems:
            raise ReplayError(f"step {i} ({step.procedure}) rejected by the reference semantics: {'; '.join(problems)}")
        states.append(sem.apply(model, states[-1], step))
    return states


def replay_force(model: m.Model, steps: list[sem.Step], coalition: frozenset[str], goal: m.Goal) -> None:
    state = sem.initial_state(model)
    for i, step in enumerate(steps, start=1):
        check_time()
        try:
            problems = sem.forced_problems(model, state, step, coalition)
        except sem.ReplayLimit as err:
            raise Unconfirmed(f"step {i} of the scenario found cannot be confirmed: {err}") from None
        if problems:
            raise ReplayError(f"forcing step {i} ({step.procedure}) rejected by the reference semantics: {'; '.join(problems)}")
        state = sem.apply(model, state, step)
    if goal.procedure is not None:
        if not steps or (steps[-1].procedure, steps[-1].phase) != (goal.procedure, goal.phase):
            raise ReplayError("forcing sequence does not end with the goal procedure")
    elif not sem.eval_bool(goal.state, sem.Env(model, state)):
        raise ReplayError("forcing sequence does not reach the goal state")


def confirm_violation(model: m.Model, prop: m.Property, steps: list[sem.Step]) -> None:
    states = replay_trace(model, steps)
    if prop.kind == "invariant":
        if sem.eval_bool(prop.state, sem.Env(model, states[-1])):
            raise ReplayError("the replayed final state satisfies the invariant")
    else:
        last = steps[-1] if steps else None
        if last is None or not sem.violates(model, prop, states[-2], last):
            raise ReplayError("the replayed last step satisfies the property")
