"""PROVED means proved (issue 11): the three claims new users got PROVED for, although false, are
REFUTED at default options; a bounded search is never shown or counted as a proof, in any format;
exit codes follow the words; ``--accept-bounded`` says what it accepted."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

COMMITTEE = """\
organization "Standing committee" {
  person a1
  person a2
  person a3
  person a4
  person a5
  person a6
  person a7
  body committee { members a1, a2, a3, a4, a5, a6, a7 }
  procedure expel(m in committee) "Rule 12: expulsion by a majority of the members" {
    decided by committee at meeting
      notice none
      quorum majority of members
      passes when yes > half of members
    effect remove m from committee
  }
}
property expulsions_stop_at_four_members "the committee is never purged below four":
  always (expel -> size(members) >= 4)
"""

NONPROFIT = """\
organization "Nonprofit" {
  person p1
  person p2
  person p3
  person p4
  person p5
  person p6
  person p7
  person boss
  body board { members p1, p2, p3, p4, p5, p6, p7 }
  office ceo = boss
  event resign(d in board) { effect remove d from board }
  procedure remove_director(d in board) {
    decided by board at meeting
      notice all 2 days
      quorum majority of members
      passes when yes >= 2/3 of members
    effect remove d from board
  }
  procedure remove_ceo {
    decided by board at meeting
      notice all 2 days
      quorum majority of members
      passes when yes > half of members
    effect ceo = vacant
  }
}
property ceo_needs_four: always (remove_ceo -> yes >= 4)
"""

OPEN_SIZE = """\
organization "Open-size board" {
  group d of at least 5
  person boss
  body board { members d }
  office ceo = boss
  office chair = vacant
  procedure fire {
    decided by board at meeting
      notice none
      quorum 3
      passes when yes >= 3
    effect ceo = vacant
  }
  procedure pick(p in board) {
    decided by board at meeting
      notice all
      passes when yes == members
    effect chair = p
  }
}
property majority_yes: always (fire -> yes > 1/2 of members)
"""

# the committee, with a "can force" whose witness needs 5 steps and one that is impossible at any length
POWERS = COMMITTEE + """\
property four_can_shrink_it: coalition {a4, a5, a6, a7} can force size(committee.members) <= 2
property one_cannot_expel: coalition {a1} can force expel
"""


def _spec(tmp_path: Path, text: str, name: str = "spec.gov") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("text, name, depth", [
    (COMMITTEE, "expulsions_stop_at_four_members", 5),  # PROVED (depth 4) before: the fifth expulsion
    (NONPROFIT, "ceo_needs_four", 5),  # two resign, a meeting is called, 2 days pass, 3 of 5 remove the CEO
    (OPEN_SIZE, "majority_yes", 1),  # PROVED (any length) "with d of 5 only" before: 3 yes of 6
])
def test_the_issue_examples_are_refuted_at_default_options(tmp_path, text, name, depth):
    code, out, _ = run_cli("check", "-q", _spec(tmp_path, text))
    assert code == 1, out
    assert f"{name} ... REFUTED (depth {depth}," in out
    assert "PROVED" not in out


def test_open_size_counterexample_names_its_size(tmp_path):
    code, out, _ = run_cli("check", "-q", "--format", "json", _spec(tmp_path, OPEN_SIZE))
    (prop,) = json.loads(out)["files"][0]["properties"]
    assert (code, prop["status"], prop["verdict"]) == (1, "refuted", "REFUTED")
    assert prop["summary"].startswith("with d of 6:")
    assert prop["trace"] and prop["trace"][0]["name"] == "fire"


def test_a_capped_search_is_bounded_in_every_format(tmp_path):
    spec = _spec(tmp_path, COMMITTEE)
    code, out, _ = run_cli("check", "-q", "--depth", "3", spec)
    assert code == 4
    assert "expulsions_stop_at_four_members ... HOLDS UP TO 3 STEPS (not proved," in out
    assert "reason: not a proof:" in out and "--depth 3 caps the search" in out
    assert "PROVED" not in out

    code, out, _ = run_cli("check", "-q", "--depth", "3", "--format", "json", spec)
    report = json.loads(out)
    assert report["schema"] == "govspec-report/2"
    (prop,) = report["files"][0]["properties"]
    assert (code, prop["status"], prop["verdict"], prop["scope"]["depth"]) == (4, "bounded", "HOLDS UP TO 3 STEPS", 3)
    assert prop["reason"].startswith("not a proof")

    code, out, _ = run_cli("check", "-q", "--depth", "3", "--format", "markdown", spec)
    assert code == 4 and "**HOLDS UP TO 3 STEPS**" in out and "**PROVED**" not in out

    code, out, _ = run_cli("check", "-q", "--depth", "3", "--format", "junit", spec)
    case = ET.fromstring(out).find(".//testcase")
    error = case.find("error")
    assert code == 4 and error is not None and error.get("type") == "bounded"
    assert error.get("message").startswith("HOLDS UP TO 3 STEPS")

    code, out, _ = run_cli("check", "-q", "--depth", "3", "--format", "sarif", spec)
    (result,) = json.loads(out)["runs"][0]["results"]
    assert code == 4 and result["level"] == "warning" and result["kind"] == "fail"
    assert "HOLDS UP TO 3 STEPS" in result["message"]["text"]

    code, out, _ = run_cli("check", "-q", "--depth", "3", "--format", "html", spec)
    assert code == 4 and 'class="verdict v-bounded">HOLDS UP TO 3 STEPS<' in out
    assert "v-proved" not in out.split("</style>")[1]


def test_accept_bounded_lets_bounded_results_pass_and_says_so(tmp_path):
    spec = _spec(tmp_path, COMMITTEE)
    code, out, _ = run_cli("check", "-q", "--depth", "3", "--accept-bounded", spec)
    assert code == 0
    assert "HOLDS UP TO 3 STEPS" in out
    assert "--accept-bounded counts them as passing" in out
    code, out, _ = run_cli("check", "-q", "--depth", "3", "--accept-bounded", "--format", "json", spec)
    assert code == 0 and json.loads(out)["options"]["accept_bounded"] is True


def test_can_force_is_refuted_only_for_any_length(tmp_path):
    spec = _spec(tmp_path, POWERS)
    code, out, _ = run_cli("check", "-q", "--no-sanity", spec)
    assert code == 1
    assert "four_can_shrink_it ... PROVED (any length," in out  # its witness has 5 steps
    assert "one_cannot_expel ... REFUTED (any length," in out
    assert "no forcing sequence of any length exists" in out
    code, out, _ = run_cli("check", "-q", "--no-sanity", "--depth", "3", spec)
    assert "four_can_shrink_it ... NO WITNESS UP TO 3 STEPS (not proved," in out
    assert "not a refutation: a longer forcing sequence may exist" in out


def test_exit_codes_follow_the_words(tmp_path):
    from govspec.report import BOUNDED, PROVED, REFUTED, UNKNOWN, FileReport, PropertyResult, Report, Scope

    def report(*statuses, accept=False):
        props = tuple(PropertyResult(f"p{i}", "invariant", 1, s, Scope(None if s == PROVED else 3), 0.0, "")
                      for i, s in enumerate(statuses))
        return Report((FileReport("x.gov", props),), {"accept_bounded": accept})

    assert report(PROVED).exit_code == 0
    assert report(PROVED, BOUNDED).exit_code == 4
    assert report(PROVED, BOUNDED, accept=True).exit_code == 0
    assert report(UNKNOWN, BOUNDED, accept=True).exit_code == 4
    assert report(BOUNDED, REFUTED).exit_code == 1


def test_verdict_words_carry_the_limit():
    from govspec.report import BOUNDED, Scope, verdict_word

    assert verdict_word(BOUNDED, "invariant", Scope(6)) == "HOLDS UP TO 6 STEPS"
    assert verdict_word(BOUNDED, "step", Scope(1)) == "HOLDS UP TO 1 STEP"
    assert verdict_word(BOUNDED, "invariant", Scope(None, (("d", 5, 5),))) == "HOLDS FOR d OF 5 ONLY"
    assert verdict_word(BOUNDED, "no_coalition", Scope(4, (("d", 5, 9),))) == "HOLDS UP TO 4 STEPS FOR d OF 5 TO 9 ONLY"
    assert verdict_word(BOUNDED, "coalition_force", Scope(6)) == "NO WITNESS UP TO 6 STEPS"
    assert verdict_word(BOUNDED, "coalition_force", Scope(None, (("d", 5, 6),))) == "HOLDS FOR d OF 5 TO 6 ONLY"


def test_verify_report_reads_version_1(tmp_path):
    spec = _spec(tmp_path, COMMITTEE)
    code, out, _ = run_cli("check", "-q", "--format", "json", spec)
    data = json.loads(out)
    data["schema"] = "govspec-report/1"
    report = tmp_path / "old.json"
    report.write_text(json.dumps(data))
    code, out, _ = run_cli("verify-report", str(report))
    assert code == 0, out
    assert "the report holds" in out
    data["files"][0]["properties"][0]["status"] = "bounded"  # no such status in version 1
    report.write_text(json.dumps(data))
    code, _, err = run_cli("verify-report", str(report))
    assert code == 3 and "GOV004" in err


def test_a_v1_proof_within_a_depth_no_longer_holds(tmp_path):
    """A version-1 report's 'PROVED (depth 4)' was a bounded result: re-checked now, it differs."""
    spec = _spec(tmp_path, COMMITTEE)
    data = {"schema": "govspec-report/1", "options": {"depth": 4, "timeout": 60, "engine": "z3", "sanity": True},
            "files": [{"path": spec, "properties": [{"name": "expulsions_stop_at_four_members", "kind": "step",
                                                     "status": "proved", "scope": {"depth": 4, "sizes": "as-written"},
                                                     "vacuous": False}]}]}
    report = tmp_path / "old.json"
    report.write_text(json.dumps(data))
    code, out, _ = run_cli("verify-report", str(report))
    assert code == 1
    assert "recorded PROVED (depth 4), now HOLDS UP TO 4 STEPS" in out


def test_solver_messages_are_one_line():
    from govspec.verdicts.words import one_line as _one_line

    raw = "spacer: quantifier in a recursive rule: " + "(forall ((x Int))\n  (and p q))" * 2000
    line = _one_line(raw)
    assert "\n" not in line and len(line) <= 160


def test_recheck_with_cvc5(tmp_path, monkeypatch):
    pytest.importorskip("cvc5")
    spec = str(ROOT / "specs" / "openai" / "board_2023_seat_quorum.gov")
    code, out, _ = run_cli("check", "-q", "--no-sanity", "--recheck-cvc5", "--format", "json", spec)
    props = json.loads(out)["files"][0]["properties"]
    assert code == 0 and json.loads(out)["options"]["recheck_cvc5"] is True
    assert all(p["status"] == "proved" and p["how"].endswith("and by cvc5") for p in props)
    # a proof whose invariant the second solver rejects is not PROVED
    from govspec.explicit import ExplicitEngine
    from verifier import certificate

    monkeypatch.setattr(certificate, "recheck_with_cvc5", lambda cert, seconds: ("invalid", "the consecution check"))
    monkeypatch.setattr(ExplicitEngine, "prove_unbounded", lambda self, *args: (False, "switched off"))  # (no other proof)
    code, out, _ = run_cli("check", "-q", "--no-sanity", "--recheck-cvc5", "--format", "json", spec)
    props = json.loads(out)["files"][0]["properties"]
    assert code == 4
    assert all(p["status"] == "bounded" and "cvc5 rejects the invariant" in p["reason"] for p in props)


TINY = """\
organization "tiny" {
  person a
  person b
  person c
  body board { members a, b, c }
  parameter done = 0
  procedure proc0 {
    decided by board at meeting
      notice none
      passes when yes >= 2
    effect done = 1
  }
}
property three_cannot: no coalition of at most 3 in board can force proc0
property ab_can: coalition {a, b} can force proc0
"""


def test_depth_zero_never_proves_a_coalition_question(tmp_path):
    """The one-vote argument (forced at some length only if at once) presumes the first step was
    searched: with --depth 0 nothing is PROVED or REFUTED for a coalition."""
    spec = _spec(tmp_path, TINY)
    code, out, _ = run_cli("check", "-q", "--no-sanity", "--depth", "0", spec)
    assert code == 4
    assert "three_cannot ... HOLDS UP TO 0 STEPS" in out and "ab_can ... NO WITNESS UP TO 0 STEPS" in out
    code, out, _ = run_cli("check", "-q", "--no-sanity", spec)
    assert code == 1 and "three_cannot ... REFUTED (depth 1," in out and "ab_can ... PROVED (any length," in out


def test_explain_shows_the_invariant_in_governance_terms():
    spec = str(ROOT / "specs" / "openai" / "dao_veto_window.gov")
    code, out, _ = run_cli("check", "--explain", "--no-sanity", spec)
    assert code == 1
    block = out.split("the_board_alone_cannot_make_it_take_effect: PROVED:")[1].split("\n\n")[0]
    (line,) = [x for x in block.splitlines() if x.startswith("  invariant: ")]
    assert "remove_ceo waiting" in line and "remove_ceo.approved_at" in line and "in employees" in line
    assert "people by number" not in line  # no office is mentioned, so no legend
    code, out, _ = run_cli("check", "--explain", "--no-sanity", "--format", "json", spec)
    props = {p["name"]: p for p in json.loads(out)["files"][0]["properties"]}
    shown = props["the_board_alone_cannot_make_it_take_effect"]["invariant"]  # (its form may differ run to run)
    assert "remove_ceo waiting" in shown and "in employees" in shown
