"""Issue 13, point 6 (b): several live proposals of one procedure, each with its own snapshot.

'at most K live proposals' lets up to K proposals of a procedure be open for the vote at once and up
to K of its decisions wait at once, each with its own snapshot, approval day and timelock.  Checked
on the reference semantics, with the explicit engine (which decides it) and the Z3 engine (which
refuses it with the reason, never answering as if K were 1), and its errors (GOV351).
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from conftest import ROOT, run_cli
from govspec import api
from govspec import semantics as sem
from govspec.diagnostics import SpecError
from govspec.engine import Deadline
from govspec.report import BOUNDED, PROVED, REFUTED
from govspec.semantics import StageChoice, Step

RACE = (ROOT / "specs" / "dao" / "live_proposals.gov").read_text()

SNAPSHOTS = """organization "Two snapshots" {
  person whale weight 60
  person alice weight 20
  person mallory weight 20
  body holders { members whale, alice, mallory }
  parameter paid = 0
  event sell { effect transfer 60 from whale to mallory }
  procedure pay {
    at most 2 live proposals
    voting period 5 days
    counted at snapshot
    decided by holders at meeting
      passes when weight(yes) > half of weight(members)
    effect paid = 1
  }
}
property never_paid: never paid == 1
"""


def _vote(yes: set[str]) -> StageChoice:
    everyone = frozenset({"whale", "alice", "mallory"})
    return StageChoice(everyone, everyone, frozenset(yes), frozenset(), everyone - frozenset(yes))


def test_each_live_proposal_keeps_its_own_snapshot():
    model = api.load_text(SNAPSHOTS, "snapshots.gov")
    state = sem.initial_state(model)
    for step in (Step("pay", phase="propose", proposer="alice"), Step("sell"),
                 Step("pay", phase="propose", proposer="alice")):
        assert sem.step_problems(model, state, step) == []
        state = sem.apply(model, state, step)
    first, second = state.proposals_of("pay")
    assert dict(first[3])["whale"] == 60 and dict(second[3])["whale"] == 0
    assert dict(first[3])["mallory"] == 20 and dict(second[3])["mallory"] == 80
    # (the entries are sorted: the first snapshot gives the whale 60, the second gives mallory 80)
    whale_on_first = Step("pay", (), (_vote({"whale"}),), which=0)
    whale_on_second = Step("pay", (), (_vote({"whale"}),), which=1)
    mallory_on_second = Step("pay", (), (_vote({"mallory"}),), which=1)
    mallory_on_first = Step("pay", (), (_vote({"mallory"}),), which=0)
    assert sem.step_problems(model, state, whale_on_first) == []
    assert sem.step_problems(model, state, mallory_on_second) == []
    assert any("does not carry" in p for p in sem.step_problems(model, state, whale_on_second))
    assert any("does not carry" in p for p in sem.step_problems(model, state, mallory_on_first))
    # the vote uses up its own proposal only
    after = sem.apply(model, state, mallory_on_second)
    assert after.proposals_of("pay") == [first]


def test_at_most_k_proposals_are_open_at_once():
    model = api.load_text(SNAPSHOTS, "snapshots.gov")
    state = sem.initial_state(model)
    propose = Step("pay", phase="propose", proposer="alice")
    for _ in range(2):
        assert sem.step_problems(model, state, propose) == []
        state = sem.apply(model, state, propose)
    assert sem.step_problems(model, state, propose) == ["2 proposals of 'pay' are open, at most 2 may be live"]
    later = sem.apply(model, state, Step(sem.WAIT, days=5))  # both closed: a new one replaces them
    assert sem.step_problems(model, later, propose) == []
    assert len(sem.apply(model, later, propose).proposals_of("pay")) == 1
    one = api.load_text(SNAPSHOTS.replace("at most 2 live", "at most 1 live"), "one.gov")
    state = sem.apply(one, sem.initial_state(one), propose)
    assert sem.step_problems(one, state, propose) == ["a proposal of 'pay' is open until day 5"]


def test_each_waiting_decision_has_its_own_approval_and_timelock():
    model = api.load_text(RACE, "race.gov")
    state = sem.initial_state(model)
    propose = Step("pay", phase="propose", proposer="alice")
    vote = Step("pay", (), (_vote({"whale"}),))
    for step in (propose, vote, Step(sem.WAIT, days=1), propose, vote):
        assert sem.step_problems(model, state, step) == [], step
        state = sem.apply(model, state, step)
    assert [p[1] for p in state.pendings_of("pay")] == [0, 1]  # approved on day 0 and on day 1
    third = sem.apply(model, state, propose)
    assert sem.step_problems(model, third, vote) == ["2 decisions of 'pay' are already waiting to take effect"]
    assert sem.step_problems(model, state, Step("pay", phase="execute", which=0)) == []
    assert sem.step_problems(model, state, Step("pay", phase="execute", which=1)) == [
        "'pay' may take effect from day 2, it is day 1"]
    paid = sem.apply(model, state, Step("pay", phase="execute", which=0))
    assert paid.param("treasury") == 40 and [p[1] for p in paid.pendings_of("pay")] == [1]
    assert sem.step_problems(model, paid, Step("pay", phase="execute", which=0)) == [
        "'pay' may take effect from day 2, it is day 1"]  # (the one left is now the first)


def test_one_live_proposal_is_the_default_and_keeps_todays_meaning():
    model = api.load_text(RACE.replace("    at most 2 live proposals", "    at most 1 live proposals"), "race.gov")
    assert model.procedures["pay"].live == 1 and model.several_live() is None
    state = sem.initial_state(model)
    vote = Step("pay", (), (_vote({"whale"}),))
    for step in (Step("pay", phase="propose", proposer="alice"), vote, Step("pay", phase="propose", proposer="alice")):
        state = sem.apply(model, state, step)
    assert sem.step_problems(model, state, vote) == ["a decision of 'pay' is already waiting to take effect"]


# the race of specs/dao/live_proposals.gov, small enough to check in a few seconds
SMALL_RACE = """organization "Race" {
  person whale weight 60
  person alice weight 40
  body holders { members whale, alice }
  parameter treasury = 100
  parameter overdrawn = 0
  procedure pay {
    at most 2 live proposals
    counted at snapshot
    decided by holders at meeting
      passes when weight(yes) > half of weight(members)
    require treasury >= 60
    timelock 1 day
    effect if treasury >= 60 then treasury = 40 else overdrawn = 1
  }
}
property never_overdrawn: always (overdrawn == 0)
"""


def _verdict(text: str, engine: str, depth: int):
    report = api.check_model(api.load_text(text, "race.gov"), api.Options(depth=depth, engine=engine, sanity=False))
    return report.properties[0]


@pytest.mark.parametrize("engine", ["explicit", "z3"])
def test_the_race_is_refuted_with_two_live_proposals_and_proved_with_one(engine):
    two = _verdict(SMALL_RACE, engine, 7)
    assert two.status == REFUTED and len(two.trace) == 7
    # propose, approve, propose, approve (the second while the first waits), a day, both take effect
    assert "'pay' approved on day 0, waiting to take effect" in two.trace[3].changes
    assert "a decision of 'pay' approved on day 0 no longer waiting" in two.trace[5].changes
    one = _verdict(SMALL_RACE.replace("at most 2 live", "at most 1 live"), engine, 7)
    assert one.status == PROVED


def test_the_z3_engine_refuses_several_live_proposals_rather_than_answer_for_one():
    from verifier import Z3Engine

    model = api.load_text(RACE, "race.gov")
    prop = next(p for p in model.properties if p.name == "never_overdrawn")
    engine = Z3Engine()
    out = engine.violation(model, prop, 7, Deadline(60))
    assert out.status == "unknown" and "several live proposals" in out.reason
    assert engine.reachable(model, "pay", 3, Deadline(60)).status == "unknown"
    ok, why = engine.prove_unbounded(model, prop, Deadline(60))
    assert not ok and "several live proposals" in why


def test_without_a_counterexample_the_verdict_is_bounded_and_says_why():
    model = api.load_text(SNAPSHOTS.replace("property never_paid: never paid == 1",
                                            "property whole_supply: always (supply == 100)"), "s.gov")
    result = api.check_model(model, api.Options(depth=3, sanity=False)).properties[0]
    assert result.status == BOUNDED
    assert "several live proposals" in result.reason


@pytest.mark.parametrize("clause, message", [
    ("at most 0 live proposals", "at most 0 live proposals: write a number from 1 to 4"),
    ("at most 5 live proposals", "at most 5 live proposals: write a number from 1 to 4"),
])
def test_k_out_of_range_is_gov351(clause, message):
    with pytest.raises(SpecError) as err:
        api.load_text(SNAPSHOTS.replace("at most 2 live proposals", clause), "bad.gov")
    assert [(d.code, d.message) for d in err.value.diagnostics] == [("GOV351", message)]


def test_fraction_powers_are_kept_per_snapshot():
    model = api.load_text(SNAPSHOTS, "snapshots.gov")
    state = sem.apply(model, sem.initial_state(model), Step("pay", phase="propose", proposer="alice"))
    assert sem.counting_powers(model, model.procedures["pay"], state, which=0)["whale"] == Fraction(60)


LIVE_WARNING_CASES = [pytest.param(RACE, "GOV352", id="several-live")]  # (test_errors: every code has a case)


def test_the_engine_that_checked_the_file_is_said_in_every_format():
    """A file with several live proposals is checked by the explicit engine whatever --engine says:
    a warning GOV352 on standard error (as docs/errors.md shows it) and in the JSON report, whose
    options name the engine asked for (found in review: the swap was silent)."""
    code, out, err = run_cli("check", "--depth", "2", "--no-sanity", "specs/dao/live_proposals.gov")
    doc = (ROOT / "docs" / "errors.md").read_text()
    assert err == doc.split("## GOV352", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    code, out, err = run_cli("check", "--depth", "2", "--no-sanity", "--format", "json", "specs/dao/live_proposals.gov")
    warned = json.loads(out)["files"][0]["warnings"]
    assert [w["code"] for w in warned] == ["GOV352"], warned
    code, out, err = run_cli("check", "--depth", "2", "--no-sanity", "--engine", "explicit", "specs/dao/live_proposals.gov")
    assert "GOV352" not in err
