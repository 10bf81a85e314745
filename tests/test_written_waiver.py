"""A written waiver of notice (issue 13.3; DGCL 229, MBCA 8.23(a)): ``notice may be waived in
writing``.  A member not notified may sign a waiver; the meeting acts only if every member was
notified, signed or (with ``attendance waives notice`` too) attended.  The same meaning in the
reference semantics and both engines, for traces and coalition questions."""

import io
import json

import pytest

from govspec import api
from govspec import semantics as sem
from govspec.cli import main
from govspec.power.vote import reduction
from govspec.report import PROVED, REFUTED
from govspec.semantics import StageChoice, Step
from verifier import counting

SPEC = """
organization "t" {
  person a
  person b
  person c
  body board { members a, b, c }
  body council { members c }
  procedure written {
    decided by board at meeting
      notice all
      notice may be waived in writing
      quorum majority of members
      passes when yes > half of present
  }
  procedure both {
    decided by board at meeting
      attendance waives notice
      notice may be waived in writing
      quorum majority of members
      passes when yes > half of present
  }
  procedure strict {
    decided by board at meeting
      quorum majority of members
      passes when yes > half of present
  }
  procedure vetoable {
    decided by board at meeting
      notice none
      passes when yes >= 2
    vetoed by council at meeting
      notice may be waived in writing
      passes when yes >= 1
  }
}
property all_notified: always (written -> notified == board.members)
property notified_or_present: always (written -> notified + present >= size(board.members))
property both_notified_or_present: always (both -> notified + present >= size(board.members))
property two_force_written: coalition {a, b} can force written
property one_cannot_force: no coalition of at most 1 in board can force written
property two_force_past_the_veto: coalition {a, b} can force vetoable
"""

AHEAD = """
organization "t" {
  person a
  person b
  person c
  body board { members a, b, c }
  procedure ahead {
    decided by board at meeting
      notice all 48 hours
      notice may be waived in writing
      quorum majority of members
      passes when yes > half of present
  }
}
property not_before_two_days: always (ahead -> now >= 2)
property not_before_two_days_unless_all_notified_or_present: always (ahead -> now >= 2 or present == board.members)
"""


def S(*names):
    return frozenset(names)


@pytest.fixture(scope="module")
def model():
    return api.load_text(SPEC, "t.gov")


def _problems(model, name, choice, state=None):
    return sem.step_problems(model, state or sem.initial_state(model), Step(name, (), (choice,)))


def test_an_absent_member_not_notified_lets_the_meeting_act_only_by_signing(model):
    unsigned = StageChoice(S("a", "b"), S("a", "b"), S("a", "b"))
    signed = StageChoice(S("a", "b"), S("a", "b"), S("a", "b"), signed_waiver=S("c"))
    assert _problems(model, "written", unsigned) == ["the decided stage by board does not carry"]
    assert _problems(model, "written", signed) == []
    assert _problems(model, "both", signed) == []  # (absent: attendance alone would not have waived it)
    assert _problems(model, "both", unsigned) == ["the decided stage by board does not carry"]
    # without the clause nobody signs a waiver; with it, only a member not notified, who does not object
    assert any("only under" in p for p in _problems(model, "strict", signed))
    told_signs = StageChoice(S("a", "b", "c"), S("a", "b"), S("a", "b"), signed_waiver=S("c"))
    assert any("signs a waiver" in p for p in _problems(model, "written", told_signs))
    objects_and_signs = StageChoice(S("a", "b"), S("a", "b"), S("a", "b"), objected=S("c"), signed_waiver=S("c"))
    assert any("signs a waiver" in p for p in _problems(model, "both", objects_and_signs))


def test_without_attendance_waiving_notice_only_a_signer_attends_without_notice(model):
    came = StageChoice(S("a", "b"), S("a", "b", "c"), S("a", "b", "c"))
    assert any("attended without notice" in p for p in _problems(model, "written", came))
    assert _problems(model, "both", came) == []
    came_signed = StageChoice(S("a", "b"), S("a", "b", "c"), S("a", "b", "c"), signed_waiver=S("c"))
    assert _problems(model, "written", came_signed) == []


def test_the_outsiders_not_notified_may_sign_or_not(model):
    state = sem.initial_state(model)
    own = StageChoice(S("a", "b"), S("a", "b"), S("a", "b"))
    responses = list(sem.outsider_responses(model, model.procedures["written"], 0, state, {}, own, S("a", "b")))
    assert any(r.signed_waiver == S("c") and "c" not in r.attended for r in responses)
    assert any(r.signed_waiver == S("c") and "c" in r.no for r in responses)  # signs, comes and votes no
    assert any(not r.signed_waiver for r in responses)
    assert not any(r.objected for r in responses)  # (objecting is for attendance that waives notice)
    # leaving c out of the notice cannot force the meeting: c does not sign
    assert sem.forced_problems(model, state, Step("written", (), (own,)), S("a", "b"))
    told = StageChoice(S("a", "b", "c"), S("a", "b"), S("a", "b"))
    assert sem.forced_problems(model, state, Step("written", (), (told,)), S("a", "b")) == []


def test_signing_helps_the_outsiders_carry_a_veto(model):
    """The council's veto meeting: the coalition leaves c out of its notice, but c may sign a waiver,
    come and veto.  Leaving signing out of the outsiders' responses would prove the force wrongly."""
    state = sem.initial_state(model)
    decide = StageChoice(S("a", "b"), S("a", "b"), S("a", "b"))
    untold = Step("vetoable", (), (decide, StageChoice()))
    assert any("vetoed stage" in p for p in sem.forced_problems(model, state, untold, S("a", "b")))


@pytest.mark.parametrize("engine", ["z3", "explicit"])
def test_verdicts_in_both_engines(model, engine):
    report = api.check_model(model, api.Options(depth=3, timeout=120, engine=engine))
    assert {p.name: p.status for p in report.properties} == {
        "all_notified": REFUTED,  # c was not notified, and signed a waiver
        "notified_or_present": REFUTED,  # ... and stayed away
        "both_notified_or_present": REFUTED,
        "two_force_written": PROVED,  # they notify c, who may come and vote no: 2 to 1
        "one_cannot_force": PROVED,
        "two_force_past_the_veto": REFUTED,  # c signs a waiver of the veto meeting's notice, comes and vetoes
    }, engine
    result = {p.name: p for p in report.properties}["notified_or_present"]
    stage = result.trace[-1].stages[0]
    assert set(stage.signed_waiver) - set(stage.present)  # someone signed, and stayed away
    assert stage.as_dict()["signed_waiver"] == list(stage.signed_waiver)


@pytest.mark.parametrize("engine", ["z3", "explicit"])
def test_short_notice_needs_every_member_to_sign_or_be_there(engine):
    model = api.load_text(AHEAD, "t.gov")
    assert model.procedures["ahead"].lifecycle.waivable
    state = sem.apply(model, sem.initial_state(model), Step("ahead", (), phase="propose", proposer="a"))
    two_signed = StageChoice(S(), S("a", "b"), S("a", "b"), signed_waiver=S("a", "b"))
    assert sem.step_problems(model, state, Step("ahead", (), (two_signed,)))  # c neither signed nor had notice
    all_signed = StageChoice(S(), S("a", "b"), S("a", "b"), signed_waiver=S("a", "b", "c"))
    assert sem.step_problems(model, state, Step("ahead", (), (all_signed,))) == []
    report = api.check_model(model, api.Options(depth=3, timeout=120, engine=engine))
    assert {p.name: p.status for p in report.properties} == {
        "not_before_two_days": REFUTED,  # everyone signs a waiver on the day of the call
        "not_before_two_days_unless_all_notified_or_present": REFUTED,  # c signs and stays away
    }, engine


def test_the_scenario_names_the_signers(tmp_path):
    path = tmp_path / "t.gov"
    path.write_text(SPEC.split("property")[0] + "property p: always (written -> notified + present >= 3)\n")
    text = io.StringIO()
    assert main(["check", "--no-sanity", str(path)], stdout=text, stderr=io.StringIO()) == 1
    assert "signed a written waiver of notice: a, b and c" in text.getvalue()  # the scenario
    assert "a, b and c sign a written waiver of notice" in text.getvalue()  # the story
    data = io.StringIO()
    main(["check", "--no-sanity", "--format", "json", str(path)], stdout=data, stderr=io.StringIO())
    stages = [s for step in json.loads(data.getvalue())["files"][0]["properties"][0]["trace"] for s in step.get("stages", [])]
    assert any(s.get("signed_waiver") == ["a", "b", "c"] for s in stages)


def test_the_fast_paths_refuse_with_a_reason(model):
    written = api.load_text(SPEC.split("  procedure both")[0] + "}\nproperty p: coalition {a, b} can force written\n", "t.gov")
    assert counting.unsupported(written) == "notice waived in writing"
    prop = written.properties[0]
    assert reduction(written, prop.goal) == "its meeting's notice can be waived in writing"


def test_an_amendment_adds_the_clause():
    text = """
rules "shared" {
  procedure act {
    decided by board at meeting
      notice all
      passes when yes > half of present
  }
}
organization "t" {
  person a
  person b
  body board { members a, b }
  amend act { notice may be waived in writing "Bylaws 3.6" }
}
"""
    model = api.load_text(text, "t.gov")
    stage = model.procedures["act"].stages[0]
    assert stage.written_waiver is not None and stage.written_waiver.cite == "Bylaws 3.6"


def test_a_proof_relies_on_notice_to_all_despite_the_waiver():
    """--explain weakens 'notice all' to 'notice none', and drops the written waiver with it: a
    waiver of a notice nobody need be given would still keep the meeting from acting."""
    text = """
organization "t" {
  person a
  person b
  person c
  body board { members a, b, c }
  procedure solo {
    decided by board at meeting
      notice all
      notice may be waived in writing
      passes when yes > half of present
  }
}
property alone: no coalition of at most 1 in board can force solo
"""
    report = api.check_model(api.load_text(text, "t.gov"), api.Options(depth=2, timeout=60, explain=True))
    result = report.properties[0]
    assert result.status == PROVED
    assert "decided by board at meeting, notice all" in [r.text for r in result.relied_on]
