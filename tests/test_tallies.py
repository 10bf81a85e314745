"""Issue 13, point 6 (a): the tally a decision keeps.

A timed procedure's waiting decision keeps the tally of the vote that approved it (``P.yes``,
``P.no``, ``P.present``, ``P.weight_yes``, ``P.weight_no``, ``P.total_weight``), readable where
that decision takes effect or is vetoed.  Checked on the reference semantics and with both engines:
the explicit engine used to take any passing choice of a vote as the representative of all, which
is wrong once the next state depends on the tally.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from govspec import api
from govspec import model as m
from govspec import semantics as sem
from govspec.report import PROVED, REFUTED
from govspec.semantics import StageChoice, Step

GATED = """organization "Acme" {
  person ann
  person bob
  person cy weight 2
  body board { members ann, bob, cy }
  parameter done = 0
  procedure upgrade {
    decided by board at meeting
      passes when yes >= 2
    timelock 2 days
    at execution require upgrade.yes >= 3
    effect done = 1
  }
}
property unanimous_when_executed: always (upgrade.executed -> upgrade.yes == 3 and upgrade.no == 0)
property weights_kept: always (upgrade.executed -> upgrade.weight_yes == 4 and upgrade.total_weight == 4)
property present_kept: always (upgrade.executed -> upgrade.present >= 3)
property two_suffice: always (upgrade.executed -> upgrade.yes <= 2)
property never_done: never done == 1
"""


def test_the_reference_semantics_keeps_the_tally_with_the_waiting_decision():
    model = api.load_text(GATED, "gated.gov")
    state = sem.initial_state(model)
    everyone = frozenset({"ann", "bob", "cy"})
    vote = Step("upgrade", (), (StageChoice(everyone, frozenset({"ann", "cy"}), frozenset({"ann", "cy"})),))
    assert sem.step_problems(model, state, vote) == []
    approved = sem.apply(model, state, vote)
    # (yes, no, present, weight_yes, weight_no, total_weight), in the order of model.TALLIES
    assert approved.pending == (("upgrade", (), 0, -1, tuple(map(Fraction, (2, 0, 2, 3, 0, 4)))),)
    later = sem.apply(model, approved, Step(sem.WAIT, days=2))
    env = sem.Env(model, later)
    assert sem.eval_num(m.Tally("upgrade", "weight_yes"), env) == 3
    # held back: only two voted yes
    assert sem.step_problems(model, later, Step("upgrade", phase="execute")) == [
        "guard fails at execution: upgrade.yes >= 3"]
    assert sem.eval_num(m.Tally("upgrade", "yes"), sem.Env(model, state)) == 0  # nothing waits


@pytest.mark.parametrize("engine", ["z3", "explicit"])
def test_both_engines_read_the_kept_tally(engine):
    report = api.check_model(api.load_text(GATED, "gated.gov"), api.Options(depth=5, engine=engine))
    status = {r.name: r.status for r in report.properties}
    assert status["unanimous_when_executed"] == PROVED
    assert status["weights_kept"] == PROVED
    assert status["present_kept"] == PROVED
    # a unanimous vote may be executed: the decision is not held back for ever
    assert status["two_suffice"] == REFUTED
    assert status["never_done"] == REFUTED


VETOED = """organization "Acme" {
  person ann
  person bob
  person cy
  person vic
  body board { members ann, bob, cy }
  body council { members vic }
  parameter done = 0
  procedure fire {
    decided by board at meeting
      passes when yes >= 2
    vetoed by council by written consent within 2 days
      passes when yes >= 1
    effect done = 1
  }
}
property a_vetoed_decision_had_two_votes_for: always (fire.vetoed -> fire.yes >= 2 and fire.present >= fire.yes)
property only_thin_decisions_are_vetoed: always (fire.vetoed -> fire.yes <= 2)
"""


@pytest.mark.parametrize("engine", ["z3", "explicit"])
def test_both_engines_read_the_tally_of_a_vetoed_decision(engine):
    report = api.check_model(api.load_text(VETOED, "vetoed.gov"), api.Options(depth=4, engine=engine))
    status = {r.name: r.status for r in report.properties}
    assert status == {"a_vetoed_decision_had_two_votes_for": PROVED, "only_thin_decisions_are_vetoed": REFUTED}
