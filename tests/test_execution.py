"""Execution and step rules over sets of procedures (GovSpec issue 13, point 5).

- ``P.executed`` and ``P.approved_at`` exist for every procedure: an untimed one takes effect in
  the step it passes, so the same property text gives the verdict it should before and after a
  timelock is added;
- step rules over a set of procedures: ``always ({p, q}.executed -> C)``, ``never {p, q}``;

each with the same meaning in both engines, the proofs of any length and the reference semantics
that replays every scenario.
"""

from __future__ import annotations

import pytest

from govspec import api
from govspec import semantics as sem
from govspec.explicit import ExplicitEngine
from govspec.explicit.exhaustion import prove_by_exhaustion
from govspec.engine import Deadline
from govspec.verdicts import check_property
from verifier import Z3Engine

ENGINES = {"z3": Z3Engine, "explicit": ExplicitEngine}

ORG = """organization "Protocol" {
  person a
  person b
  person c
  body council { members a, b, c }
  office admin = a
  parameter paused = 0
  procedure upgrade(x in council) {
    decided by council at meeting
      passes when yes >= 2
    TIMING
    effect admin = x
  }
  procedure emergency_upgrade(x in council) {
    decided by council by written consent
      passes when yes == members
    effect admin = x
  }
  procedure pause {
    decided by council at meeting
      passes when yes >= 2
    effect paused = 1
  }
  event leave(x in council) {
    effect remove x from council
  }
}
"""

PROPERTIES = """
property upgrades_take_two_days: always (upgrade.executed -> now - upgrade.approved_at >= 2)
property upgrades_keep_a_council_member: always (upgrade.executed -> x in council)
property upgrades_happen: possible upgrade.executed
property never_upgraded: never upgrade.executed
property approved_now: always (upgrade.executed -> upgrade.approved_at == now)
property admin_by_either_route_is_a_member: always ({upgrade, emergency_upgrade}.executed -> x in council)
property no_change_while_paused: always ({upgrade, emergency_upgrade}.executed -> paused == 0)
property nothing_by_either_route: never {upgrade, emergency_upgrade}.executed
property votes_at_meetings: always ({upgrade, pause} -> size(yes) >= 2)
property votes_by_either: always ({upgrade, emergency_upgrade} -> size(yes) >= 2)
property never_pause_or_leave: never {pause, leave}
property emergency_only_by_all: always ({emergency_upgrade} -> yes == members)
"""


def model_with(timing: str):
    return api.load_text(ORG.replace("TIMING", timing) + PROPERTIES, "protocol.gov")


UNTIMED = ""
TIMED = "timelock 2 days"


def verdict(model, name, engine="z3"):
    prop = next(p for p in model.properties if p.name == name)
    return check_property(ENGINES[engine](), model, prop, None, 60.0, unbounded=True)


@pytest.fixture(scope="module", params=[UNTIMED, TIMED], ids=["untimed", "timelocked"])
def model(request):
    return request.param, model_with(request.param)


# ---- P.executed and P.approved_at for every procedure


@pytest.mark.parametrize("engine", ENGINES)
def test_the_same_text_before_and_after_a_timelock(model, engine):
    timing, mdl = model
    # untimed: the upgrade takes effect in the step it passes, 0 days after its approval
    assert verdict(mdl, "upgrades_take_two_days", engine).status == ("refuted" if timing == UNTIMED else "proved")
    # the argument is checked when the upgrade passes; with a timelock, x may leave in the meantime
    assert verdict(mdl, "upgrades_keep_a_council_member", engine).status == (
        "proved" if timing == UNTIMED else "refuted")
    assert verdict(mdl, "upgrades_happen", engine).status == "proved"
    assert verdict(mdl, "never_upgraded", engine).status == "refuted"
    assert verdict(mdl, "approved_now", engine).status == ("proved" if timing == UNTIMED else "refuted")


def test_an_untimed_execution_is_its_vote_named_as_written():
    mdl = model_with(UNTIMED)
    prop = next(p for p in mdl.properties if p.name == "upgrades_take_two_days")
    assert (prop.procedure, prop.phase, prop.label) == ("upgrade", "pass", "upgrade.executed")
    r = verdict(mdl, "upgrades_take_two_days")
    assert r.summary == "a passing 'upgrade.executed' step violates it after 1 step"
    assert [s.name for s in r.trace] == ["upgrade"]


def test_approved_at_of_an_untimed_procedure_is_now_in_its_step_and_minus_one_elsewhere():
    mdl = api.load_text(ORG.replace("TIMING", UNTIMED) + """
property p: always (pause -> upgrade.approved_at == 0 - 1)
property q: always (upgrade -> upgrade.approved_at == now)
""", "protocol.gov")
    for engine in ENGINES:
        assert verdict(mdl, "p", engine).status == "proved"
        assert verdict(mdl, "q", engine).status == "proved"


# ---- step rules over a set of procedures


@pytest.mark.parametrize("engine", ENGINES)
def test_a_rule_over_either_route(model, engine):
    timing, mdl = model
    r = verdict(mdl, "admin_by_either_route_is_a_member", engine)
    assert r.status == ("proved" if timing == UNTIMED else "refuted")
    if timing == TIMED:
        assert r.trace[-1].name == "upgrade takes effect"
    r = verdict(mdl, "no_change_while_paused", engine)
    assert r.status == "refuted" and r.trace[0].name == "pause"
    assert r.summary.startswith("a passing '{upgrade, emergency_upgrade}.executed' step violates it")
    r = verdict(mdl, "nothing_by_either_route", engine)
    # with a timelock, only the emergency route takes effect in one step
    assert r.status == "refuted" and r.scope.depth == 1
    assert r.trace[0].name in ({"upgrade", "emergency_upgrade"} if timing == UNTIMED else {"emergency_upgrade"})
    assert verdict(mdl, "never_pause_or_leave", engine).status == "refuted"
    assert verdict(mdl, "emergency_only_by_all", engine).status == "proved"


@pytest.mark.parametrize("engine", ENGINES)
def test_step_sets_are_those_of_the_procedure_that_passed(engine):
    mdl = model_with(UNTIMED)
    # both meetings need 2 yes; the emergency route needs every member, who may be one after leaving
    assert verdict(mdl, "votes_at_meetings", engine).status == "proved"
    r = verdict(mdl, "votes_by_either", engine)
    assert r.status == "refuted" and r.trace[-1].name == "emergency_upgrade"
    assert [s.name for s in r.trace[:-1]] == ["leave", "leave"]


def test_a_violation_by_the_second_procedure_is_found_by_every_engine_and_the_reference_semantics():
    """The rule is broken only by ``leave``, the second procedure of the set: an engine that read
    only the first would call it PROVED."""
    frozen = """  procedure frozen(x in council) {
    decided by council at meeting
      passes when yes >= 2
    require paused == 2
    effect admin = x
  }
"""
    mdl = api.load_text(ORG.replace("TIMING", UNTIMED).replace("  event leave", frozen + "  event leave") + """
property only_b_leaves: always ({frozen, leave} -> x == b)
""", "protocol.gov")
    prop = mdl.properties[0]
    assert [c[0] for c in prop.cases] == ["frozen", "leave"]
    for engine in ENGINES:
        r = verdict(mdl, "only_b_leaves", engine)
        assert r.status == "refuted" and r.trace[0].name == "leave" and dict(r.trace[0].args)["x"] != "b"
    ok, why = prove_by_exhaustion(mdl, prop, Deadline(30.0))
    assert not ok and "violation exists" in why
    # the reference semantics: a step of 'leave' by a violates it, one by b does not
    state = sem.initial_state(mdl)
    assert sem.violates(mdl, prop, state, sem.Step("leave", (("x", "a"),), ()))
    assert not sem.violates(mdl, prop, state, sem.Step("leave", (("x", "b"),), ()))


def test_a_proof_of_any_length_covers_every_procedure_of_the_set():
    mdl = model_with(UNTIMED)
    prop = next(p for p in mdl.properties if p.name == "admin_by_either_route_is_a_member")
    assert prove_by_exhaustion(mdl, prop, Deadline(30.0)) == (True, "")
    proved, _ = Z3Engine().prove_unbounded(mdl, prop, Deadline(30.0))
    assert proved


# ---- requirements checked at execution

GATED = """organization "Gated" {
  person a
  person b
  person c
  body council { members a, b, c }
  office admin = a
  parameter paused = 0
  parameter resumed = 0
  procedure upgrade(x in council) {
    decided by council at meeting
      passes when yes >= 2
    TIMING
    at approval and execution require x in council
    at execution require paused == 0
    effect admin = x
  }
  procedure pause {
    decided by council at meeting
      passes when yes >= 2
    effect paused = 1
  }
  procedure unpause {
    decided by council at meeting
      passes when yes >= 2
    require paused == 1
    effect paused = 0
    effect resumed = 1
  }
  event leave(x in council) {
    effect remove x from council
  }
}
property never_executed_while_paused: always (upgrade.executed -> paused == 0)
property member_at_execution: always (upgrade.executed -> x in council)
property approved_while_paused: possible upgrade and paused == 1
property executed_after_a_pause: possible upgrade.executed and resumed == 1
"""


def gated(timing: str = "timelock 2 days"):
    return api.load_text(GATED.replace("TIMING", timing), "gated.gov")


def test_when_each_requirement_is_checked():
    upgrade = gated().procedures["upgrade"]
    assert [g.text for g in upgrade.guards] == ["x in council"]
    assert [g.text for g in upgrade.execution_guards] == ["x in council", "paused == 0"]
    assert [g.text for g in upgrade.requirements()] == ["x in council", "paused == 0"]
    # untimed: approval and execution are one step, every requirement is checked in it
    upgrade = gated("").procedures["upgrade"]
    assert ([g.text for g in upgrade.guards], upgrade.execution_guards) == (["x in council", "paused == 0"], ())


def test_a_failing_requirement_holds_the_decision_back_and_it_stays_waiting():
    mdl = gated()
    council = (sem.StageChoice(notified=frozenset("abc"), attended=frozenset("ab"), yes=frozenset("ab")),)
    steps = [sem.Step("upgrade", (("x", "b"),), council), sem.Step("pause", (), council),
             sem.Step(sem.WAIT, days=2)]
    state = sem.initial_state(mdl)
    for step in steps:
        assert sem.step_problems(mdl, state, step) == []
        state = sem.apply(mdl, state, step)
    execute = sem.Step("upgrade", (("x", "b"),), phase="execute")
    assert sem.step_problems(mdl, state, execute) == ["guard fails at execution: paused == 0"]
    assert state.pending_of("upgrade") is not None  # still waiting: it may be executed once unpaused
    state = sem.apply(mdl, state, sem.Step("unpause", (), council))
    assert sem.step_problems(mdl, state, execute) == []
    assert dict(sem.apply(mdl, state, execute).offices)["admin"] == "b"


@pytest.mark.parametrize("engine", ENGINES)
def test_requirements_at_execution_in_every_engine(engine):
    mdl = gated()
    assert verdict(mdl, "never_executed_while_paused", engine).status == "proved"
    assert verdict(mdl, "member_at_execution", engine).status == "proved"
    assert verdict(mdl, "approved_while_paused", engine).status == "proved"  # checked at execution only
    r = verdict(mdl, "executed_after_a_pause", engine)
    assert r.status == "proved" and r.trace[-1].name == "upgrade takes effect"
    if engine == "z3":  # (the explicit engine's proofs of any length are this exhaustion already)
        ok, why = prove_by_exhaustion(mdl, next(p for p in mdl.properties if p.name == "never_executed_while_paused"),
                                      Deadline(30.0))
        assert (ok, why) == (True, "")


def test_a_scenario_says_when_a_due_decision_is_held_back():
    mdl = api.load_text(GATED.replace("TIMING", "timelock 2 days") + """
property held: never (paused == 1 and upgrade.approved_at >= 0 and now - upgrade.approved_at >= 2)
""", "gated.gov")
    r = verdict(mdl, "held")
    assert r.status == "refuted"
    (who, why), = r.trace[-1].held
    assert why == "at execution require paused == 0 (line 14)" and who.startswith("upgrade(x = ")
    assert all(not s.held for s in r.trace[:-1])
