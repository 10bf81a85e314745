"""The reference semantics on hand-written steps: what is allowed, what is not, and why."""

from fractions import Fraction

import pytest

from govspec import api
from govspec import semantics as sem
from govspec.semantics import StageChoice, Step

BOARD = """
organization "t" {
  person a
  person b
  person c
  person d
  person e
  body board { seats 7 members a, b, c, d, e }
  office ceo = e
  parameter q = 1/2
  event resign(x in board) { effect remove x from board }
  procedure fire { decided by board at meeting notice none quorum majority of members
                   passes when yes > half of present  effect ceo = vacant }
  procedure fire_noticed { decided by board at meeting notice all quorum majority of seats
                   passes when yes > half of cast  effect ceo = vacant }
  procedure expel(x in board) { decided by board at meeting recuse x from vote and quorum
                   passes when yes >= 2/3 of eligible  effect remove x from board }
  procedure retune { decided by board by written consent  effect q = 2/3 }
}
"""


@pytest.fixture(scope="module")
def model():
    return api.load_text(BOARD, "t.gov")


def S(*names):
    return frozenset(names)


def test_meeting_without_notice_passes_with_a_majority_of_present(model):
    state = sem.initial_state(model)
    step = Step("fire", (), (StageChoice(S("a", "b", "c"), S("a", "b", "c"), S("a", "b"), S("c")),))
    assert sem.step_problems(model, state, step) == []
    after = sem.apply(model, state, step)
    assert after.holder("ceo") is None and state.holder("ceo") == "e"


def test_quorum_and_threshold_fail_for_the_stated_reasons(model):
    state = sem.initial_state(model)
    too_few = Step("fire", (), (StageChoice(S("a", "b"), S("a", "b"), S("a", "b")),))
    assert any("does not carry" in p for p in sem.step_problems(model, state, too_few))
    tie = Step("fire", (), (StageChoice(S("a", "b", "c", "d"), S("a", "b", "c", "d"), S("a", "b"), S("c", "d")),))
    assert any("does not carry" in p for p in sem.step_problems(model, state, tie))


def test_attendance_needs_notice_and_notice_all_means_everyone(model):
    state = sem.initial_state(model)
    sneaky = Step("fire", (), (StageChoice(S("a", "b"), S("a", "b", "c"), S("a", "b", "c")),))
    assert any("without notice" in p for p in sem.step_problems(model, state, sneaky))
    partial = Step("fire_noticed", (), (StageChoice(S("a", "b", "c", "d"), S("a", "b", "c", "d"), S("a", "b", "c", "d")),))
    assert any("not every member" in p for p in sem.step_problems(model, state, partial))


def test_every_attending_member_votes_once(model):
    state = sem.initial_state(model)
    silent = Step("fire", (), (StageChoice(S("a", "b", "c"), S("a", "b", "c"), S("a", "b")),))
    assert any("exactly once" in p for p in sem.step_problems(model, state, silent))
    twice = Step("fire", (), (StageChoice(S("a", "b", "c"), S("a", "b", "c"), S("a", "b"), S("b", "c")),))
    assert any("twice" in p for p in sem.step_problems(model, state, twice))


def test_recused_member_neither_votes_nor_counts(model):
    state = sem.initial_state(model)
    args = (("x", "a"),)
    votes_anyway = Step("expel", args, (StageChoice(S(*"abcde"), S(*"abcde"), S(*"abcde")),))
    assert any("recused members voted" in p for p in sem.step_problems(model, state, votes_anyway))
    ok = Step("expel", args, (StageChoice(S(*"abcde"), S(*"abcde"), S("b", "c", "d"), S("e")),))
    assert sem.step_problems(model, state, ok) == []  # 3 >= 2/3 of 4 eligible
    sets = sem.stage_sets(model.procedures["expel"], model.procedures["expel"].stages[0], state, dict(args), ok.stages[0])
    assert sets["present"] == S("b", "c", "d", "e") and sets["eligible"] == S("b", "c", "d", "e")
    assert "a" not in sem.apply(model, state, ok).body("board")


def test_removing_a_non_member_is_not_allowed(model):
    state = sem.initial_state(model)
    state = sem.apply(model, state, Step("resign", (("x", "a"),)))
    again = Step("resign", (("x", "a"),))
    assert sem.step_problems(model, state, again)


def test_written_consent_is_unanimous_by_default_and_sets_parameters(model):
    state = sem.initial_state(model)
    four = Step("retune", (), (StageChoice(S(*"abcde"), S(*"abcd"), S(*"abcd")),))
    assert sem.step_problems(model, state, four)
    all5 = Step("retune", (), (StageChoice(S(*"abcde"), S(*"abcde"), S(*"abcde")),))
    assert sem.step_problems(model, state, all5) == []
    assert sem.apply(model, state, all5).param("q") == Fraction(2, 3)


def test_force_with_passive_opposition(model):
    state = sem.initial_state(model)
    # three of five, no notice to the others: outsiders cannot come, so it is forced
    step = Step("fire", (), (StageChoice(S("a", "b", "c"), S("a", "b", "c"), S("a", "b", "c")),))
    assert sem.forced_problems(model, state, step, S("a", "b", "c")) == []
    # two of five, notifying a third who can stay away and deny quorum
    step = Step("fire", (), (StageChoice(S("a", "b", "c"), S("a", "b"), S("a", "b")),))
    assert sem.forced_problems(model, state, step, S("a", "b"))
    # an event on somebody outside the coalition is not the coalition's to trigger
    assert sem.forced_problems(model, state, Step("resign", (("x", "d"),)), S("a", "b"))
