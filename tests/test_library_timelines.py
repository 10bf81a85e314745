"""The standard library's lifecycles run on the contracts' timelines (issue 19 points 2 and 3).

A proposal can be executed no earlier than its source allows, and exactly then: for Compound
Governor Bravo, voting delay + voting period + Timelock delay (GovernorBravoDelegate.queue needs
state Succeeded, after endBlock; Timelock.executeTransaction needs block.timestamp >= eta); for the
OpenZeppelin Governor, voting delay + voting period (Governor.state is Succeeded only after
proposalDeadline), plus TimelockController.getMinDelay with a timelock controller.  Each case is
checked by both engines: never before the minimum is PROVED (any length), never before one day
more is REFUTED, and an execution on the very day of the minimum is possible (PROVED)."""

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
                 10, id="bravo-2+6+2"),
    pytest.param("oz_governor", "", 8, id="governor-1+7"),
    pytest.param("oz_governor", '  amend execute_proposal {\n    timelock 2 days "TimelockController.getMinDelay: 2 days"\n  }',
                 10, id="governor-timelock-controller-1+7+2"),
]


@pytest.mark.parametrize("engine", ["z3", "explicit"])
@pytest.mark.parametrize("template, extra, minimum", CASES)
def test_the_earliest_execution_is_the_sources_minimum(template, extra, minimum, engine):
    model = api.load_text(SPEC.format(template=template, extra=extra, minimum=minimum), "timeline.gov")
    report = api.check_model(model, api.Options(engine=engine, timeout=120.0, sanity=False))
    statuses = {p.name: p.status for p in report.properties}
    assert statuses == {"never_before_the_minimum": "proved", "never_before_a_day_more": "refuted",
                        "on_the_day_of_the_minimum": "proved"}
    proved = next(p for p in report.properties if p.name == "never_before_the_minimum")
    assert proved.scope.depth is None  # any length, not a bounded search
