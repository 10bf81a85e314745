"""`proposal threshold above A`: the proposer's voting power must exceed A (issue 19 point 2).

Compound Governor Bravo's `propose` requires `getPriorVotes(msg.sender, block.number - 1) >
proposalThreshold`, strictly, while its `cancel` lets anyone cancel once `getPriorVotes(proposer,
block.number - 1) < proposalThreshold`: a proposer exactly at the threshold can neither propose nor
be cancelled.  Both engines give the strict form that meaning, for any length; the reference
semantics' own test is in tests/test_semantics.py."""

from __future__ import annotations

import pytest

from govspec import api
from govspec.power import vote
from verifier import counting

SPEC = """
organization "Two holders" {{
  person whale weight 5
  person minnow weight 4
  body whales {{ members whale }}
  body minnows {{ members minnow }}
  parameter done = 0
  procedure by_the_whale {{
    proposal threshold {above}4
    decided by whales at meeting
      passes when weight(yes) > 0
    effect done = 1
  }}
  procedure by_the_minnow {{
    proposal threshold {above}4
    decided by minnows at meeting
      passes when weight(yes) > 0
    effect done = 2
  }}
}}

property the_whale_can_propose: possible by_the_whale
property the_minnow_never_passes: never by_the_minnow
"""

BRAVO = """
import compound_bravo

organization "One holder" {{
  person whale weight 100
  body holders {{ members whale }}
  parameter quorum_votes = 40
  parameter proposal_threshold = {threshold}
{amend}
}}

property never_executed: never execute_proposal.executed
"""


@pytest.mark.parametrize("engine", ["z3", "explicit"])
@pytest.mark.parametrize("above, minnow", [("above ", "proved"), ("", "refuted")])
def test_a_proposer_at_the_threshold_may_propose_only_when_it_is_not_strict(engine, above, minnow):
    model = api.load_text(SPEC.format(above=above), "above.gov")
    report = api.check_model(model, api.Options(engine=engine, timeout=60.0, sanity=False))
    statuses = {p.name: (p.status, p.scope.depth if p.status == "proved" else None) for p in report.properties}
    assert statuses == {"the_whale_can_propose": ("proved", None),
                        "the_minnow_never_passes": (minnow, None)}


@pytest.mark.parametrize("engine", ["z3", "explicit"])
@pytest.mark.parametrize("threshold, amend, verdict", [
    (100, "", "proved"), (99, "", "refuted"),
    (100, "  amend execute_proposal { proposal threshold proposal_threshold }", "refuted")])
def test_bravo_needs_votes_above_the_proposal_threshold(engine, threshold, amend, verdict):
    """GovernorBravoDelegate.propose: `getPriorVotes(msg.sender, block.number - 1) > proposalThreshold`:
    a holder of 100 votes cannot propose under a threshold of 100, and can under 99, or under 100
    when a fork amends the clause to reach the threshold (`>=`)."""
    model = api.load_text(BRAVO.format(threshold=threshold, amend=amend), "bravo.gov")
    report = api.check_model(model, api.Options(engine=engine, timeout=120.0, sanity=False))
    assert report.properties[0].status == verdict
    if verdict == "proved":
        assert report.properties[0].scope.depth is None


def test_the_fast_paths_refuse_a_strict_threshold():
    """The counted encoding and the weighted fast path do not encode proposal steps: they refuse any
    lifecycle, the strict threshold included, and the general encoding decides."""
    model = api.load_text(SPEC.format(above="above "), "above.gov")
    assert counting.unsupported(model) == "a proposal lifecycle"
    assert vote._outside(model, model.procedures["by_the_whale"]).startswith("the spec has timing")
