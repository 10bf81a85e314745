"""Issue 13, point 6 (b): several live proposals of one procedure, each with its own snapshot.

'at most K live proposals' lets up to K proposals of a procedure be open for the vote at once and up
to K of its decisions wait at once, each with its own snapshot, approval day and timelock.  Checked
on the reference semantics, with the explicit engine and the Z3 engine (which encodes K slots of
each: verifier/encode/several.py), coalition power included, and its errors (GOV351).
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from conftest import ROOT, run_cli
from govspec import api
from govspec import model as m
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


FORCED_RACE = SMALL_RACE.replace("property never_overdrawn: always (overdrawn == 0)",
                                 "property solo: no coalition of at most 1 in holders can force overdrawn == 1")


@pytest.mark.parametrize("engine", ["explicit", "z3"])
def test_a_coalition_forces_the_race_with_two_live_proposals_and_not_with_one(engine):
    """Coalition power with several live proposals (issue 13.6): the whale alone forces two approvals
    while the first waits, then both take effect (7 forced steps); with one live proposal it cannot
    overdraw the treasury (PROVED for any length by the Z3 engine; the explicit engine, whose proofs
    by exhaustion do not cover several live proposals, proves it with one)."""
    two = _verdict(FORCED_RACE, engine, 7)
    assert two.status == REFUTED and len(two.trace) == 7 and two.coalition == ("whale",)
    assert [s.phase for s in two.trace][-2:] == ["execute", "execute"]
    one = _verdict(FORCED_RACE.replace("at most 2 live", "at most 1 live"), engine, 7)
    assert one.status == PROVED


def test_the_z3_engine_searches_and_proves_with_several_live_proposals():
    from verifier import Z3Engine

    model = api.load_text(RACE, "race.gov")
    prop = next(p for p in model.properties if p.name == "never_overdrawn")
    engine = Z3Engine()
    out = engine.violation(model, prop, 7, Deadline(60))
    assert out.status == "found" and len(out.steps) == 7
    # the two decisions take effect one after the other, each named by its index in the state
    assert [(s.phase, s.which) for s in out.steps[-2:]] == [("execute", 0), ("execute", 0)]
    assert engine.reachable(model, "pay", 3, Deadline(60)).status == "found"
    supply = api.load_text(SNAPSHOTS.replace("property never_paid: never paid == 1",
                                             "property whole_supply: always (supply == 100)"), "s.gov")
    ok, why = engine.prove_unbounded(supply, supply.properties[0], Deadline(60))
    assert ok, why


TWO_DAYS = SNAPSHOTS.replace("voting period 5 days", "voting delay 1 days\n    voting period 1 days")


def _z3_allows(text: str, steps) -> bool:
    """Does the Z3 encoding allow these steps in this order?  Each is (selection key, constraints of
    the step's variables): a direct question to the unrolling, no search."""
    from z3 import Solver, sat

    from verifier.encode import Unrolling

    unroll = Unrolling(api.load_text(text, "s.gov"))
    solver = Solver()
    for key, extra in steps:
        step = unroll.add_step(solver)
        solver.add(step.active, step.selected[key], *extra(unroll, step))
    return solver.check() == sat


def _alone(voter: str, slot: int):
    """The vote on proposal slot ``slot`` with ``voter``'s yes only."""
    def rules(unroll, step):
        from z3 import Not
        yes = step.stages["pay"][0].yes
        return [step.which["pay"] == slot] + [yes[i] if n == voter else Not(yes[i]) for n, i in unroll.index.items()]
    return rules


def _two_proposals_around_the_sale(vote):
    """A proposal (the whale holds 60), the sale to mallory, a second proposal (mallory holds 80), a
    day: both are open for the vote at once, the first in slot 0 and the second in slot 1."""
    return [("pay@propose", lambda u, s: []), ("sell", lambda u, s: []), ("pay@propose", lambda u, s: []),
            ("@wait", lambda u, s: [s.days == 1]), ("pay", vote)]


def test_each_live_proposal_keeps_its_own_snapshot_in_the_z3_encoding():
    assert _z3_allows(TWO_DAYS, _two_proposals_around_the_sale(_alone("whale", 0)))
    assert _z3_allows(TWO_DAYS, _two_proposals_around_the_sale(_alone("mallory", 1)))
    assert not _z3_allows(TWO_DAYS, _two_proposals_around_the_sale(_alone("mallory", 0)))
    assert not _z3_allows(TWO_DAYS, _two_proposals_around_the_sale(_alone("whale", 1)))


def test_a_mutant_whose_live_proposals_share_one_snapshot_is_killed(monkeypatch):
    """The mutant: a new proposal's snapshot is written over those of the procedure's other live
    proposals (one snapshot shared by every slot).  The test above must fail for it: the whale can
    no longer carry the first proposal alone once the second is made after the sale."""
    from verifier.encode import Unrolling, state as symbolic

    original = Unrolling._several_lifecycle_actions

    def shared(self, proc, step, state, post, rules_for, may_propose):
        out = original(self, proc, step, state, post, rules_for, may_propose)
        after, snap = post["pay@propose"], dict(enumerate(self.powers(state)))
        slots = [(*s[:4], snap) for s in self.proposal_slots(after, proc.name)]
        post["pay@propose"] = symbolic.replaced(after, **self._with_proposals(after, proc.name, slots))
        return out

    monkeypatch.setattr(Unrolling, "_several_lifecycle_actions", shared)
    with pytest.raises(AssertionError):
        test_each_live_proposal_keeps_its_own_snapshot_in_the_z3_encoding()


def test_without_a_counterexample_the_explicit_verdict_is_bounded_and_says_why():
    model = api.load_text(SNAPSHOTS.replace("property never_paid: never paid == 1",
                                            "property whole_supply: always (supply == 100)"), "s.gov")
    result = api.check_model(model, api.Options(depth=3, sanity=False, engine="explicit")).properties[0]
    assert result.status == BOUNDED
    assert "several live proposals" in result.reason and "proofs by exhaustion" in result.reason
    # (the Z3 engine proves it for any length: test_the_z3_engine_searches_and_proves_with_several_live_proposals)


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


@pytest.mark.slow  # (27 s: the explicit engine needs depth 7 on the golden spec)
def test_the_z3_engine_checks_the_file_itself():
    """Until the Z3 engine encoded several live proposals, such a file was checked by the explicit
    engine whatever --engine said (warning GOV352, now withdrawn): no engine is swapped any more, and
    both give the same verdicts on specs/dao/live_proposals.gov."""
    code, out, err = run_cli("check", "--depth", "7", "--no-sanity", "--format", "json", "specs/dao/live_proposals.gov")
    report = json.loads(out)
    assert err == "" and report["files"][0].get("warnings", []) == []
    code_x, out_x, _ = run_cli("check", "--depth", "7", "--no-sanity", "--format", "json", "--engine", "explicit",
                               "specs/dao/live_proposals.gov")
    verdicts = [(p["name"], p["status"], p["scope"]["depth"]) for p in report["files"][0]["properties"]]
    assert verdicts == [(p["name"], p["status"], p["scope"]["depth"]) for p in json.loads(out_x)["files"][0]["properties"]]
    assert verdicts == [("never_overdrawn", "refuted", 7), ("the_buyer_carries_a_payment_alone", "proved", None)]
    assert code == code_x == 1
