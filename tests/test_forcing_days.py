"""A forcing sequence's waits skip no day of a veto window whose rules read the date.

While such a window is open the outsiders may veto on any of its days, so time passes one day at a
step (docs/semantics.md, "Coalition power over time").  A wait of several days in one step asked
whether the outsiders could veto on its first day only: with a veto that carries from day K of a
window of W days, both engines proved that the approvers could force the decision past it.
"""

from __future__ import annotations

import pytest

from govspec import api
from govspec import semantics as sem
from govspec.explicit import ExplicitEngine
from govspec.verdicts import check_property
from verifier import Z3Engine

SPEC = """organization "a veto that reads the date" {{
  person a
  person c
  body board {{ members a }}
  body council {{ members c }}
  parameter done = 0
  procedure act {{
    decided by board at meeting
      passes when yes >= 1
    vetoed by council by written consent within {window} days
      passes when yes >= 1 and {rule}
    effect done = 1
  }}
}}
property a_forces: coalition {{a}} can force act.executed
property c_blocks: coalition {{c}} can block done == 1
"""


def _model(window: int, rule: str):
    return api.load_text(SPEC.format(window=window, rule=rule), "days.gov")


@pytest.mark.parametrize("engine", [Z3Engine, ExplicitEngine], ids=["z3", "explicit"])
@pytest.mark.parametrize("window,first", [(3, 1), (3, 2), (3, 3), (4, 3), (2, 5), (5, 4)])
def test_the_outsiders_may_veto_on_any_day_of_the_window(engine, window, first):
    """The veto carries from day ``first`` (`now >= first`; approval on day 0, the window open on
    days 0 to window - 1): the approvers force the decision exactly when no day of the window
    comes that late, and the council blocks it otherwise."""
    model = _model(window, f"now >= {first}")
    forces = first >= window
    a_forces, c_blocks = (check_property(engine(), model, p, 8, 30.0, unbounded=True) for p in model.properties)
    assert a_forces.status == ("proved" if forces else "refuted"), a_forces.summary
    assert c_blocks.status == ("refuted" if forces else "proved"), c_blocks.summary


@pytest.mark.parametrize("engine", [Z3Engine, ExplicitEngine], ids=["z3", "explicit"])
def test_a_veto_after_a_day_of_review_is_not_skipped(engine):
    """The rule as a charter writes it: a veto only after a day of review of the approval."""
    model = _model(3, "now - act.approved_at >= 1")
    assert check_property(engine(), model, model.properties[0], 8, 30.0, unbounded=True).status == "refuted"


EXPIRING = """organization "a veto that reads another decision's approval day" {
  person a
  person c
  body board { members a }
  body council { members c }
  parameter done = 0
  procedure review {
    decided by board at meeting
      passes when yes >= 1
    timelock 1 days
    expires after 1 days
  }
  procedure act {
    decided by board at meeting
      passes when yes >= 1
    vetoed by council by written consent within 5 days
      passes when yes >= 1 and review.approved_at < 0
    effect done = 1
  }
}
property a_forces: coalition {a} can force act.executed
property c_blocks: coalition {c} can block done == 1
"""


@pytest.mark.parametrize("engine", [Z3Engine, ExplicitEngine], ids=["z3", "explicit"])
def test_a_veto_that_reads_a_decision_that_expires_is_asked_each_day(engine):
    """`review.approved_at` reads -1 once review's decision expires (day 2): the veto carries from
    then, though its rule never reads `now` (found in review: the first fix looked for `now` only)."""
    model = api.load_text(EXPIRING, "expiring.gov")
    a_forces, c_blocks = (check_property(engine(), model, p, 8, 30.0, unbounded=True) for p in model.properties)
    if engine is Z3Engine:
        assert (a_forces.status, c_blocks.status) == ("refuted", "proved"), (a_forces.summary, c_blocks.summary)
    else:  # (the explicit engine's search of 8 steps finds no forcing sequence, and proves nothing: bounded)
        assert (a_forces.status, c_blocks.status) == ("bounded", "bounded"), (a_forces.summary, c_blocks.summary)
    assert sem.reads_the_date(model, model.procedures["act"].window_stage)
    plain = api.load_text(EXPIRING.replace("    expires after 1 days\n", ""), "plain.gov")
    assert not sem.reads_the_date(plain, plain.procedures["act"].window_stage)  # (no expiry: the day never moves)


def test_the_reference_semantics_refuses_a_wait_over_a_day_of_the_window():
    model = _model(3, "now >= 2")
    state = sem.initial_state(model)
    approve = sem.Step("act", (), (sem.StageChoice(notified=frozenset({"a"}), attended=frozenset({"a"}),
                                                   yes=frozenset({"a"})),))
    assert not sem.forced_problems(model, state, approve, frozenset({"a"}))
    state = sem.apply(model, state, approve)
    [why] = sem.forced_problems(model, state, sem.Step(sem.WAIT, days=3), frozenset({"a"}))
    assert why == ("the veto window of 'act' reads the date and is open until day 3: time passes one day at a "
                   "step while it is open")
    assert not sem.forced_problems(model, state, sem.Step(sem.WAIT, days=1), frozenset({"a"}))
    # a window whose rules do not read the date: a wait of any length asks the same question
    plain = _model(3, "yes >= 2")
    assert not sem.forced_problems(plain, sem.apply(plain, sem.initial_state(plain), approve),
                                   sem.Step(sem.WAIT, days=3), frozenset({"a"}))


def test_a_forcing_witness_waits_a_day_at_a_time_while_the_window_is_open():
    model = _model(3, "now >= 5")
    result = check_property(Z3Engine(), model, model.properties[0], 8, 30.0, unbounded=True)
    assert result.status == "proved", result.summary
    assert [s.phase for s in result.trace] == ["pass", "wait", "wait", "wait", "execute"], result.trace
    assert [s.changes for s in result.trace if s.phase == "wait"] == [("day 0 -> day 1",), ("day 1 -> day 2",), ("day 2 -> day 3",)]
