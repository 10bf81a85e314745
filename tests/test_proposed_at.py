"""Issue 11, point 7: ``P.proposed_at`` belongs to the decision.

A new proposal made while an approved decision waits in its timelock must not change the proposal
day of the waiting decision: ``always (P.executed -> now - P.proposed_at >= 7)`` reads "no P takes
effect less than 7 days after it was proposed", and a decision that waited 7 days after its own
proposal satisfies it whatever was proposed since.  Checked on the reference semantics, with both
engines (through the Python API and the command line), and against a variant that truly fails.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from conftest import run_cli
from govspec import api
from govspec import model as m
from govspec import semantics as sem
from govspec.report import PROVED, REFUTED
from govspec.semantics import StageChoice, Step
from govspec.verdicts import Deadline, ReplayError, confirm_violation
from test_differential import compare

TREASURY = """organization "Treasury" {{
  person a weight 3
  person b weight 2
  body holders {{ members a, b }}
  parameter paid = 0
  procedure pay {{
    proposal threshold 1
    voting delay 2 days
    voting period 3 days
    decided by holders at meeting
      passes when weight(yes) > weight(no)
    timelock {timelock} days{expiry}
    effect paid = 1
  }}
}}
property seven_days: always (pay.executed -> now - pay.proposed_at >= 7)
property proposed_before_approval: always (pay.approved_at >= 0 -> pay.proposed_at <= pay.approved_at - 2)
"""

# a vote takes 2 days after its proposal at the earliest, then 5 days of timelock: 7 days in all
HOLDS = TREASURY.format(timelock=5, expiry="")
# the same with 4 days of timelock: a decision can take effect 6 days after its proposal
FAILS = TREASURY.format(timelock=4, expiry="")
DEPTH = 6  # propose, wait, vote, propose again, wait, take effect


def _days(model: m.Model, state: sem.State, step: Step | None = None) -> tuple[Fraction, Fraction]:
    """(pay.proposed_at, pay.approved_at) in a state, or at a step (evaluated as a step property is)."""
    env = sem.step_env(model, state, step) if step is not None else sem.Env(model, state)
    return sem.eval_num(m.ProposedAt("pay"), env), sem.eval_num(m.ApprovedAt("pay"), env)


def _issue_scenario(model):
    """Proposed on day 0, approved on day 2, proposed again on day 3 during the timelock, in effect on day 7."""
    vote = Step("pay", (), (StageChoice(frozenset("ab"), frozenset("ab"), frozenset("ab")),))
    return [
        Step("pay", (), phase="propose", proposer="a"),
        Step(sem.WAIT, days=2),
        vote,
        Step(sem.WAIT, days=1),
        Step("pay", (), phase="propose", proposer="b"),
        Step(sem.WAIT, days=4),
        Step("pay", (), phase="execute"),
        vote,  # the second proposal's vote, on day 7 (its window is days 5 to 7)
    ]


def test_the_waiting_decision_keeps_its_own_proposal_day():
    model = api.load_text(HOLDS, "treasury.gov")
    steps = _issue_scenario(model)
    states = [sem.initial_state(model)]
    for step in steps:
        assert sem.step_problems(model, states[-1], step) == [], step
        states.append(sem.apply(model, states[-1], step))
    assert _days(model, states[0]) == (-1, -1)  # nothing proposed, nothing waits
    assert _days(model, states[1]) == (0, -1)  # proposed on day 0, nothing waits
    assert _days(model, states[2], steps[2]) == (0, -1)  # at the vote: the proposal voted on; none waits yet
    assert states[3].pending == (("pay", (), 2, 0, ()),)  # the decision carries its proposal day
    assert _days(model, states[3]) == (0, 2)
    assert _days(model, states[4], steps[4]) == (0, 2)  # at the second proposal step: still the waiting decision's
    assert _days(model, states[5]) == (0, 2)  # a new proposal is open, the waiting decision's day is unchanged
    assert _days(model, states[6], steps[6]) == (0, 2)  # at the execute step: its own proposal, 7 days before
    assert _days(model, states[7]) == (3, -1)  # nothing waits: the latest proposal
    assert _days(model, states[7], steps[7]) == (3, -1)  # at the second vote: the proposal voted on
    assert states[8].pending == (("pay", (), 7, 3, ()),)
    assert _days(model, states[8]) == (3, 7)
    # the step property holds at the execute step; under the old reading it read day 3 and failed
    prop = next(p for p in model.properties if p.name == "seven_days")
    assert sem.eval_bool(prop.step, sem.step_env(model, states[6], steps[6]))


def test_an_expired_decision_no_longer_waits():
    """Once expired, a decision neither waits nor lends its days: approved_at is -1, proposed_at the latest proposal."""
    model = api.load_text(TREASURY.format(timelock=5, expiry="\n    expires after 1 day"), "treasury.gov")
    steps = _issue_scenario(model)[:5]
    state = sem.initial_state(model)
    for step in steps:
        assert sem.step_problems(model, state, step) == [], step
        state = sem.apply(model, state, step)
    assert _days(model, state) == (0, 2)  # day 3: the decision approved on day 2 waits until day 8
    state = sem.apply(model, state, Step(sem.WAIT, days=5))  # day 8: expired
    assert sem.step_problems(model, state, Step("pay", (), phase="execute")) == ["the decision of 'pay' expired on day 8"]
    assert state.pending_of("pay") == ((), 2, 0, ())  # still recorded (no tally kept: no rule reads it)
    assert _days(model, state) == (3, -1)


@pytest.mark.parametrize("engine", ["z3", pytest.param("explicit", marks=pytest.mark.slow)])  # (the explicit engine: 5 s, in the slow run)
def test_both_engines_prove_it_through_the_api(engine):
    report = api.check_model(api.load_text(HOLDS, "treasury.gov"), api.Options(depth=DEPTH, engine=engine))
    for result in report.properties:
        if engine == "z3":
            assert result.status == PROVED, (result.name, result.summary)  # for behaviours of any length
        else:  # exhaustion proves what it can abstract; proposed_before_approval compares two days: bounded
            assert result.status == (PROVED if result.name == "seven_days" else "bounded"), (result.name, result.summary)
        assert not result.vacuous


@pytest.mark.parametrize("engine", ["z3", pytest.param("explicit", marks=pytest.mark.slow)])  # (the explicit engine: 5 s, in the slow run)
def test_both_engines_prove_it_on_the_command_line(engine, tmp_path):
    path = tmp_path / "treasury.gov"
    path.write_text(HOLDS)
    code, out, err = run_cli("check", "--engine", engine, "--depth", str(DEPTH), str(path))
    assert "seven_days ... PROVED (any length" in out
    if engine == "z3":
        assert code == 0, out + err
        assert "proposed_before_approval ... PROVED (any length" in out
    else:  # two days that may differ by any amount: no proof by exhaustion, and no counterexample
        assert code == 4, out + err
        assert f"proposed_before_approval ... HOLDS UP TO {DEPTH} STEPS" in out


@pytest.mark.parametrize("engine", ["z3", pytest.param("explicit", marks=pytest.mark.slow)])  # (the explicit engine: 7 s, in the slow run)
def test_a_decision_taking_effect_six_days_after_its_proposal_is_refuted(engine, tmp_path):
    report = api.check_model(api.load_text(FAILS, "treasury.gov"), api.Options(depth=DEPTH, engine=engine))
    results = {r.name: r for r in report.properties}
    assert results["seven_days"].status == REFUTED
    assert results["seven_days"].scope.depth == 5  # propose, wait 2 days, vote, wait 4 days, take effect
    assert results["proposed_before_approval"].status == (PROVED if engine == "z3" else "bounded")
    path = tmp_path / "treasury.gov"
    path.write_text(FAILS)
    code, out, _ = run_cli("check", "--engine", engine, "--depth", str(DEPTH), str(path))
    assert code == 1
    assert "seven_days ... REFUTED (depth 5" in out
    assert "Procedure pay takes effect" in out


@pytest.mark.parametrize("engine", ["z3", "explicit"])
def test_the_counterexample_replays_on_the_reference_semantics(engine):
    """The engine's own trace, replayed step by step: the last step takes effect 6 days after its proposal."""
    model = api.load_text(FAILS, "treasury.gov")
    prop = next(p for p in model.properties if p.name == "seven_days")
    out = api.engine_for(engine).violation(model, prop, DEPTH, Deadline(60))
    assert out.status == "found"
    confirm_violation(model, prop, out.steps)  # raises if the reference semantics disagrees
    states = [sem.initial_state(model)]
    for step in out.steps:
        states.append(sem.apply(model, states[-1], step))
    last = out.steps[-1]
    assert (last.procedure, last.phase) == ("pay", "execute")
    proposed, approved = _days(model, states[-2], last)
    assert states[-2].now - proposed < 7


def test_a_later_proposal_does_not_refute_what_the_decision_satisfies():
    """The issue's own refutation under the old reading, replayed: a decision proposed on day 0 takes
    effect on day 7 after a second proposal on day 3. The step is legal and satisfies the property."""
    model = api.load_text(HOLDS, "treasury.gov")
    prop = next(p for p in model.properties if p.name == "seven_days")
    steps = _issue_scenario(model)[:7]
    with pytest.raises(ReplayError, match="satisfies the (property|invariant)"):
        confirm_violation(model, prop, steps)


@pytest.mark.parametrize("text", [HOLDS, FAILS, TREASURY.format(timelock=2, expiry="\n    expires after 1 day")])
def test_the_engines_agree_on_the_proposal_day(text):
    """Differential: verdicts and depths agree, including on invariants about a waiting decision and on expiry."""
    extra = "property latest: always pay.proposed_at <= now - 1\n"  # refuted: a proposal on day 0, on day 0
    assert compare(text + extra, depth=5) == []


def test_the_differential_test_catches_the_old_reading(monkeypatch):
    """A mutant Z3 encoding with the old reading (the latest proposal, always) is caught on the
    issue's spec: its counterexample is rejected by the replay on the reference semantics."""
    from verifier import encode

    original = encode.Unrolling.num

    def latest_proposal(self, e, state, args, sets):
        if isinstance(e, m.ProposedAt):
            return state.proposals[e.procedure][1]
        return original(self, e, state, args, sets)

    monkeypatch.setattr(encode.Unrolling, "num", latest_proposal)
    with pytest.raises(ReplayError, match="satisfies the (property|invariant)"):
        compare(HOLDS, depth=DEPTH)
