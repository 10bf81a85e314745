"""Breadth-first searches to a depth: a shortest behaviour violating a property, reaching a
procedure, or forced by a coalition (each forcing step confirmed against every outsider response)."""

from __future__ import annotations


from .. import model as m
from .. import semantics as sem
from ..engine import Deadline, Outcome
from .steps import LIMITS, TooLarge, forced_steps, horizon_gap, steps_from, time_horizon




class _Tree:
    """States reached so far, each with the step it was first reached by (so paths are shortest)."""

    def __init__(self, start: sem.State):
        self.parent: dict[sem.State, tuple[sem.State, sem.Step] | None] = {start: None}

    def path(self, state: sem.State) -> list[sem.Step]:
        steps = []
        while self.parent[state] is not None:
            state, step = self.parent[state][0], self.parent[state][1]
            steps.append(step)
        return steps[::-1]

    def add(self, before: sem.State, step: sem.Step, after: sem.State) -> bool:
        """Record a newly reached state; False if it was reached before."""
        if after in self.parent:
            return False
        self.parent[after] = (before, step)
        if len(self.parent) > LIMITS["states"]:
            raise TooLarge(f"more than {LIMITS['states']} distinct states")
        return True


def bfs(model: m.Model, depth: int, deadline: Deadline, state_bad=None, step_bad=None, blind: bool = False) -> Outcome:
    """Breadth-first search for a shortest behaviour ending in a bad state or a bad step (``blind``:
    ``step_bad`` reads only the step's procedure and phase, not its votes; see :func:`steps_from`)."""
    if depth > LIMITS["depth"]:
        return Outcome("unknown", reason=f"depth {depth} is beyond the explicit engine's limit of {LIMITS['depth']}")
    start = sem.initial_state(model)
    tree = _Tree(start)
    layer = [start]
    try:
        for k in range(depth + 1):
            if state_bad is not None:
                for s in layer:
                    if state_bad(s):
                        return Outcome("found", tree.path(s), k)
            if k == depth:
                break
            nxt = []
            for s in layer:
                check = (lambda step, s=s: step_bad(s, step)) if step_bad is not None else None
                for step, bad in steps_from(model, s, deadline, check, blind=blind):
                    if bad:
                        return Outcome("found", tree.path(s) + [step], k + 1)
                    after = sem.apply(model, s, step)
                    if tree.add(s, step, after):
                        nxt.append(after)
            layer = nxt
    except TooLarge as err:
        return Outcome("unknown", reason=f"too large for the explicit engine: {err}")
    except TimeoutError:
        return Outcome("unknown", reason="time limit reached")
    return nothing_found(model, depth)


def nothing_found(model: m.Model, depth: int) -> Outcome:
    """Nothing found within ``depth`` steps: "none", unless some wait longer than those tried may
    find something (:func:`horizon_gap`): then UNKNOWN, with the reason."""
    gap = horizon_gap(model)
    if gap is not None:
        return Outcome("unknown", reason=f"nothing found within {depth} steps with waits of at most "
                                         f"{time_horizon(model)} days, and longer waits were not tried: {gap}")
    return Outcome("none", depth=depth)


def force_bfs(model: m.Model, goal: m.Goal, depth: int, deadline: Deadline, coalition: frozenset[str]) -> Outcome:
    start = sem.initial_state(model)
    tree = _Tree(start)
    layer = [start]

    def reached(state):
        return goal.state is not None and sem.eval_bool(goal.state, sem.Env(model, state))

    for k in range(depth + 1):
        for s in layer:
            if reached(s):
                return Outcome("found", tree.path(s), k, coalition=coalition)
        if k == depth:
            break
        nxt = []
        for s in layer:
            if sem.veto_threat(model, s, coalition):
                continue  # the outsiders may veto here: no forcing sequence goes through this state
            for step in forced_steps(model, s, coalition, deadline):
                if goal.procedure is not None and (step.procedure, step.phase) == (goal.procedure, goal.phase):
                    return Outcome("found", tree.path(s) + [step], k + 1, coalition=coalition)
                after = sem.apply(model, s, step)
                if tree.add(s, step, after):
                    nxt.append(after)
        layer = nxt
    return Outcome("none", depth=depth)
