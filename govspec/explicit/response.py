"""The others' answer to a coalition that cannot force a procedure (issue 16.3: a refuted ``can
force`` explained): at the procedure's vote in the organisation's first state, the coalition's
strongest attempt and a response of the members outside it that stops it.

Assumes the coalition cannot force the procedure (its verdict is REFUTED, shown for any length by
an engine); this only illustrates that verdict at the first vote, it proves nothing.  Guarantees:
every stage choice returned is legal (``choice_problems`` is empty); at the last stage no attempt
of the coalition carries whatever the others do, the coalition's part is its strongest attempt
(most yes votes, most attending, fewest told) and the others' part stops it (``stage_carries`` on
the reference semantics, as a forcing step is replayed); earlier stages are ones the coalition
carries whatever the others do.  With more than LOOKED attempts at a stage, only the plain one
is tried (everyone told, the coalition there voting yes): the others' part still stops it.  None when the first state has no such vote to show: a guard or
an effect fails, the coalition cannot call the meeting, a proposal must come first, the goal is a
state, or there are too many choices to look at.
"""

from __future__ import annotations

import itertools

from .. import model as m
from .. import semantics as sem
from ..clock import OutOfTime, check_time
from .steps import TooLarge, _choices, _preconditions_hold, _stage_ok, _vote_args


LOOKED = 2000  # attempts looked at, at most, at one stage (each against the others' responses)


def _strength(c: sem.StageChoice) -> tuple:
    return (-len(c.yes), -len(c.attended), len(c.notified))


def _attempts(model, proc, i, state, args, coalition, counted) -> list[sem.StageChoice]:
    """The coalition's choices at a stage, strongest first; too many to list: only the plain one
    (everyone told, every member of the coalition there voting yes)."""
    try:
        attempts = list(itertools.islice(_choices(model, proc, i, state, args, coalition, power=counted), LOOKED + 1))
        if len(attempts) > LOOKED:
            raise TooLarge(f"more than {LOOKED} attempts")
        return sorted(attempts, key=_strength)
    except TooLarge:
        members = state.body(proc.stages[i].body)
        ours = members & coalition - sem.recused(proc, args, "vote")
        return [sem.StageChoice(notified=frozenset(members), attended=frozenset(ours), yes=frozenset(ours))]


def defeat(model: m.Model, goal: m.Goal, coalition: frozenset[str]
           ) -> tuple[m.Procedure, dict[str, str], tuple[sem.StageChoice, ...]] | None:
    """(the procedure, its arguments, a choice per stage up to the stage the others win), or None."""
    proc = model.procedures.get(goal.procedure) if goal.procedure is not None else None
    if proc is None or proc.is_event or proc.lifecycle is not None:
        return None
    state = sem.initial_state(model)
    if sem.veto_threat(model, state, coalition):
        return None
    try:
        for args, _ in _vote_args(model, proc, state):
            if not _preconditions_hold(model, proc, state, args) or sem.call_problems(proc, state, coalition):
                continue
            counted = sem.counting_powers(model, proc, state, None)
            chosen: list[sem.StageChoice] = []
            for i, stage in enumerate(proc.stages):
                stopped = carried = None
                for attempt in _attempts(model, proc, i, state, args, coalition, counted):
                    answers = [r for r in sem.responses_to_withstand(model, proc, i, state, args, attempt, coalition, counted)
                               if not sem.choice_problems(proc, stage, state, args, r) and _in_time()]
                    stop = next((r for r in answers if not _stage_ok(model, proc, i, state, args, r, counted)), None)
                    if answers and stop is None:
                        carried = answers[0]  # (this stage the coalition carries whatever the others do)
                        break
                    if stop is not None and stopped is None:
                        stopped = stop  # the strongest attempt's answer
                if carried is None:
                    return (proc, args, (*chosen, stopped)) if stopped is not None else None
                chosen.append(carried)
    except (TooLarge, sem.ReplayLimit, OutOfTime):  # (the others' answer is an illustration: none shown then)
        return None
    return None


def _in_time() -> bool:
    check_time()  # (the property's time: the others' answers in a large body are many)
    return True
