"""The standard library's lifecycles run on the contracts' timelines (issue 19 points 2 and 3).

A proposal can be executed no earlier than its source allows, and exactly then: for Compound
Governor Bravo, voting delay + voting period + Timelock delay (GovernorBravoDelegate.queue needs
state Succeeded, after endBlock; Timelock.executeTransaction needs block.timestamp >= eta); for the
OpenZeppelin Governor, voting delay + voting period (Governor.state is Succeeded only after
proposalDeadline), plus TimelockController.getMinDelay with a timelock controller.  Each case is
checked by both engines: never before the minimum is PROVED (any length), never before one day
more is REFUTED, and an execution on the very day of the minimum is possible (PROVED).  The other
templates (Safe, Delaware, MBCA, Robert's Rules) follow, from a meeting's call or a decision's
first signature to its effect."""

from __future__ import annotations

import pytest

from govspec import api

SPEC = """
import {template}

organization "One holder" {{
  person whale weight 100
  body holders {{ members whale }}
  parameter proposal_threshold = 25
{extra}
}}

property never_before_the_minimum:
  always (execute_proposal.executed -> now - execute_proposal.proposed_at >= {minimum})
property never_before_a_day_more:
  always (execute_proposal.executed -> now - execute_proposal.proposed_at >= {minimum} + 1)
property on_the_day_of_the_minimum:
  possible execute_proposal.executed and now - execute_proposal.proposed_at == {minimum}
"""

BRAVO = "  parameter quorum_votes = 40"  # (in the holder's unit, not 400,000 COMP)

CASES = [
    # template, the organisation's own lines, the source's minimum in days
    pytest.param("compound_bravo", BRAVO, 7, id="bravo-2+3+2"),
    pytest.param("compound_bravo",
                 BRAVO + '\n  amend execute_proposal {\n    voting delay 8 days "votingDelay 2 days + votingPeriod 6 days"\n  }',
                 10, id="bravo-2+6+2", marks=pytest.mark.slow),  # (5 s: the longer delays, in the slow run)
    pytest.param("oz_governor", "", 8, id="governor-1+7"),
    pytest.param("oz_governor", '  amend execute_proposal {\n    timelock 2 days "TimelockController.getMinDelay: 2 days"\n  }',
                 10, id="governor-timelock-controller-1+7+2", marks=pytest.mark.slow),  # (5 s, as above)
]


# (the explicit engine's second opinion on the governors' lifecycles takes 5 to 15 s a case: the slow run)
@pytest.mark.parametrize("engine", ["z3", pytest.param("explicit", marks=pytest.mark.slow)])
@pytest.mark.parametrize("template, extra, minimum", CASES)
def test_the_earliest_execution_is_the_sources_minimum(template, extra, minimum, engine):
    model = api.load_text(SPEC.format(template=template, extra=extra, minimum=minimum), "timeline.gov")
    report = api.check_model(model, api.Options(engine=engine, timeout=120.0, sanity=False))
    statuses = {p.name: p.status for p in report.properties}
    assert statuses == {"never_before_the_minimum": "proved", "never_before_a_day_more": "refuted",
                        "on_the_day_of_the_minimum": "proved"}
    proved = next(p for p in report.properties if p.name == "never_before_the_minimum")
    assert proved.scope.depth is None  # any length, not a bounded search


BOARD_SPEC = """
import {template}

organization "Three directors" {{
  person ada
  person ben
  person cy
  person chief
{org}
}}

property never_before_the_minimum:
  always ({procedure}.executed -> now - {procedure}.{set_in_motion} >= {minimum})
property never_before_a_day_more:
  always ({procedure}.executed -> now - {procedure}.{set_in_motion} >= {minimum} + 1)
property on_the_day_of_the_minimum:
  possible {procedure}.executed and now - {procedure}.{set_in_motion} == {minimum}
"""

BOARD = "  body board { members ada, ben, cy }\n  office ceo = chief"
OWNERS = "  body owners { members ada, ben, cy }"
ASSEMBLY = "  body assembly { members ada, ben, cy }\n  parameter motion_in_force = 0"
BYLAW_NOTICE = ('\n  amend remove_ceo {\n    notice all 48 hours "Bylaws: 48 hours\' notice of a special meeting"\n'
                '  }')

OTHER_CASES = [
    # template, the organisation's own lines, procedure, the day it was set in motion, the minimum
    pytest.param("safe_multisig", OWNERS, "execute_transaction", "approved_at", 0, id="safe-at-once"),
    pytest.param("delaware_board", BOARD, "remove_ceo", "approved_at", 0, id="delaware-meeting"),
    pytest.param("delaware_board", BOARD, "remove_ceo_by_consent", "approved_at", 0, id="delaware-consent"),
    pytest.param("delaware_board", BOARD + BYLAW_NOTICE, "remove_ceo", "proposed_at", 2,
                 id="delaware-bylaw-48-hours"),
    pytest.param("mbca_board", BOARD, "remove_ceo_by_consent", "approved_at", 0, id="mbca-consent"),
    pytest.param("roberts_rules", ASSEMBLY, "adopt_motion", "approved_at", 0, id="roberts-adopt"),
    pytest.param("roberts_rules", ASSEMBLY, "rescind_motion", "approved_at", 0, id="roberts-rescind"),
]


@pytest.mark.parametrize("engine", ["z3", "explicit"])
@pytest.mark.parametrize("template, org, procedure, set_in_motion, minimum", OTHER_CASES)
def test_the_earliest_effect_of_the_other_templates(template, org, procedure, set_in_motion, minimum, engine):
    """The other templates' timelines, from the call of a meeting (or the first signature) to the
    decision taking effect.  None of them has a timelock, so the decision takes effect in the step
    that decides it.  A meeting with a notice period is called in a step of its own, its proposal
    step, so `P.proposed_at` is the day of the call; without a notice period the meeting is called
    in the step in which it is held, as written consent and Safe signatures are collected, and the
    day it is set in motion is the day it decides (`P.approved_at`, which is `now` in a step rule
    about P):

    - Safe (v1.4): `execTransaction` executes as soon as `checkSignatures` finds `threshold`
      signatures; no delay (a delay module is not part of the Safe): 0 days.
    - MBCA 8.21: action without meeting, by written consent, has no notice: 0 days (its special
      meeting is tested below).
    - DGCL: 141(b) and 141(f) set no notice period for board meetings or written consent; the
      bylaws do.  The template's `notice all` has none: 0 days; a bylaw of 48 hours' notice
      (`amend remove_ceo { notice all 48 hours }`) makes it 2 days from the call.
    - Robert's Rules (12th ed.): RONR 9:13 requires notice of a special meeting "a reasonable
      number of days in advance", leaving the period to the bylaws; the template has none: 0 days.
    """
    model = api.load_text(BOARD_SPEC.format(template=template, org=org, procedure=procedure,
                                            set_in_motion=set_in_motion, minimum=minimum), "timeline.gov")
    report = api.check_model(model, api.Options(engine=engine, timeout=120.0, sanity=False))
    statuses = {p.name: p.status for p in report.properties}
    assert statuses == {"never_before_the_minimum": "proved", "never_before_a_day_more": "refuted",
                        "on_the_day_of_the_minimum": "proved"}
    proved = next(p for p in report.properties if p.name == "never_before_the_minimum")
    assert proved.scope.depth is None


MBCA_SPEC = """
import mbca_board

organization "Three directors" {
  person ada
  person ben
  person cy
  person chief
  body board { members ada, ben, cy }
  office ceo = chief
}

property two_days_after_the_call_unless_all_attend:
  always (remove_ceo -> now - remove_ceo.proposed_at >= 2 or present == 3)
property three_days_after_the_call_unless_all_attend:
  always (remove_ceo -> now - remove_ceo.proposed_at >= 3 or present == 3)
property on_the_second_day:
  possible remove_ceo.executed and now - remove_ceo.proposed_at == 2
property never_on_the_day_of_the_call:
  always (remove_ceo.executed -> now - remove_ceo.proposed_at >= 1)
property on_the_day_of_the_call:
  possible remove_ceo.executed and now - remove_ceo.proposed_at == 0
"""


@pytest.mark.parametrize("engine", ["z3", "explicit"])
def test_an_mbca_special_meeting_needs_two_days_notice_unless_every_director_attends(engine):
    """MBCA 8.22(b): "Unless the articles of incorporation or bylaws provide for a longer or shorter
    period, special meetings of the board of directors must be preceded by at least two days'
    notice of the date, time, and place of the meeting"; 8.23(b): a director's attendance waives
    notice unless the director objects.  The template's `remove_ceo` (a special meeting) is called
    (its proposal step) at least 2 days before it is held, or held at once on short notice when
    every director attends.  Before, it had no notice period: a removal on the day of the call with
    two of three directors present was possible."""
    model = api.load_text(MBCA_SPEC, "mbca.gov")
    report = api.check_model(model, api.Options(engine=engine, timeout=120.0, sanity=False))
    statuses = {p.name: p.status for p in report.properties}
    assert statuses == {"two_days_after_the_call_unless_all_attend": "proved",
                        "three_days_after_the_call_unless_all_attend": "refuted",
                        "on_the_second_day": "proved",
                        "never_on_the_day_of_the_call": "refuted",
                        "on_the_day_of_the_call": "proved"}
    proved = next(p for p in report.properties if p.name == "two_days_after_the_call_unless_all_attend")
    assert proved.scope.depth is None


SALE_SPEC = """
import {template}

organization "A sale during the voting delay" {{
  person whale weight 60
  person ann weight 20
  person bob weight 20
  body holders {{ members whale, ann, bob }}
  parameter proposal_threshold = 50
  parameter quorum_votes = 10
  parameter sold = 0
  event sell {{ require sold == 0  effect transfer 25 from whale to ann  effect sold = 1 }}
{extra}
}}

property the_whale_voting_against_defeats_a_proposal:
  always (execute_proposal -> whale not in no)
"""

AT_THE_PROPOSAL = '  amend execute_proposal {\n    counted at snapshot "(the templates\' reading before issue 19.2)"\n  }'


# (the explicit engine's proof for any length, counted at the proposal, takes 3 s or more a governor:
# the slow run)
@pytest.mark.parametrize("template", ["oz_governor", "compound_bravo"])
@pytest.mark.parametrize("extra, status, engine", [
    pytest.param("", "refuted", "z3", id="at-voting-start-z3"),
    pytest.param("", "refuted", "explicit", id="at-voting-start-explicit"),
    pytest.param(AT_THE_PROPOSAL, "proved", "z3", id="at-proposal-z3"),
    pytest.param(AT_THE_PROPOSAL, "proved", "explicit", id="at-proposal-explicit", marks=pytest.mark.slow)])
def test_the_governors_read_voting_power_at_the_start_of_voting(template, extra, status, engine):
    """The snapshot at the start of voting (issue 19.2): the OpenZeppelin Governor reads
    `getVotes(voter, proposalSnapshot)`, proposalSnapshot = proposal + votingDelay (1 day), and Bravo
    `getPriorVotes(voter, startBlock)`, startBlock = proposal + votingDelay (2 days).  Only the whale
    (60 of 100) may propose (threshold 50); after its proposal it sells 25 tokens to ann, leaving
    nobody able to propose again.  Under the templates the sale counts for ann, so ann and bob (65)
    outvote the whale (35): REFUTED.  Counted at the proposal step, as the templates did before, the
    whale's 60 against defeat every proposal: PROVED for any length."""
    model = api.load_text(SALE_SPEC.format(template=template, extra=extra), "sale.gov")
    report = api.check_model(model, api.Options(engine=engine, timeout=120.0, sanity=False))
    [prop] = report.properties
    assert prop.status == status
    if status == "refuted":
        assert [s.phase for s in prop.trace] == ["propose", "pass", "wait", "pass"]  # proposed, sold, waited, voted
    else:
        assert prop.scope.depth is None
