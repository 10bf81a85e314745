"""--explain: the rules a proof relies on, each shown necessary by a check without it."""

import json

import jsonschema
import pytest

from conftest import ROOT, run_cli
from govspec import api
from govspec.reliance import candidates

SPEC = "specs/openai/board_2023_seat_quorum.gov"


def test_the_seat_quorum_proof_relies_on_the_quorum_and_the_threshold():
    code, out, _ = run_cli("check", "--explain", SPEC)
    assert code == 0
    block = out.split("ceo_removal_needs_three_or_notice: PROVED: ")[1].split("\n\n")[0].splitlines()
    assert block[1].startswith("  in words: Whenever remove_ceo passes") and block[2].startswith("  as written: ")
    block = block[:1] + block[3:]
    assert block[0] == ("holds in every behaviour, of any length (shown by an inductive invariant found by Z3's "
                        "Horn-clause engine, re-checked by a fresh solver)")
    assert block[1] == "  (the question asked in November 2023)"
    assert block[2].startswith("  invariant: ")
    assert block[3] == ("  relied on: quorum majority of seats (line 27, variant: quorum is a majority of the 9 authorised "
                        "seats); passes when yes > half of present (line 28, Bylaws art. 3.7: act of a majority of those "
                        "present)")


def test_each_rule_listed_is_necessary_and_the_json_is_valid():
    code, out, _ = run_cli("check", "--explain", "--format", "json", SPEC)
    report = json.loads(out)
    schema = json.loads((ROOT / "govspec" / "schemas" / "report.schema.json").read_text())
    jsonschema.validate(report, schema)
    prop = report["files"][0]["properties"][0]
    assert [r["line"] for r in prop["relied_on"]] == [27, 28]
    assert prop["relied_on_undecided"] == 0
    # without the seat quorum (the 2023 rule), the same property is refuted
    code, out, _ = run_cli("check", "--format", "json", "specs/openai/board_2023.gov")
    assert json.loads(out)["files"][0]["properties"][0]["status"] == "refuted"


def test_verify_report_re_runs_explain_from_the_recorded_option(tmp_path):
    """--explain is recorded among the options, and verify-report re-runs it: the rules relied on
    are compared; a report from before the option was recorded is read from its proofs' fields."""
    import shutil

    spec = tmp_path / "board.gov"
    shutil.copy(ROOT / SPEC, spec)
    report = tmp_path / "report.json"
    code, made, _ = run_cli("check", "--explain", "--format", "json", str(spec))
    data = json.loads(made)
    assert code == 0 and data["options"]["explain"] is True
    report.write_text(made)
    code, out, err = run_cli("verify-report", str(report))
    assert code == 0, out + err
    data["files"][0]["properties"][0]["relied_on"].pop()  # a rule relied on, left out of the report
    report.write_text(json.dumps(data))
    code, out, _ = run_cli("verify-report", str(report))
    assert code != 0 and "relied_on" in out
    old = json.loads(made)
    del old["options"]["explain"]  # (as a report made before the option was recorded)
    report.write_text(json.dumps(old))
    code, out, err = run_cli("verify-report", str(report))
    assert code == 0, out + err
    _, plain, _ = run_cli("check", "--format", "json", str(spec))
    assert "explain" not in json.loads(plain)["options"]


def test_every_kind_of_rule_can_be_removed():
    model = api.load(str(ROOT / "specs" / "openai" / "dao_veto_window.gov"))
    texts = [ref.text for ref, make in candidates(model)]
    assert any(t.startswith("quorum ") for t in texts)
    assert any(t.startswith("require ") for t in texts)
    assert any("within 7 days" in t for t in texts)
    for _, make in candidates(model):
        weakened = make()
        assert weakened is not model and weakened.procedures.keys() == model.procedures.keys()


def test_without_explain_nothing_changes():
    _, out, _ = run_cli("check", "--format", "json", SPEC)
    assert "relied_on" not in out


GROWING = """
organization "a rule needed at larger sizes only" {
  group d of at least 3
  body board "the board" { members d }
  parameter locked = 1
  parameter sealed = 1
  procedure act {
    decided by board at meeting
      notice all
      passes when yes >= 4
    require locked == 0
    %s
  }
}
property never_act: never act
"""


def _explained(tmp_path, spec: str, *fmt: str):
    path = tmp_path / "grow.gov"
    path.write_text(spec)
    return run_cli("check", "--explain", *fmt, str(path))


def test_a_rule_needed_only_at_larger_sizes_is_found(tmp_path):
    # at d of 3 the vote cannot pass, so the requirement matters from d of 4 on: the checks without
    # each rule search the next sizes, on the spec at those sizes without the rule (before, the
    # requirement came back at other sizes and the line read "no single rule")
    code, out, _ = _explained(tmp_path, GROWING % "")
    assert code == 0
    assert "  relied on: require locked == 0 (line 11)\n" in out
    # the invariant shown is the proof's at the least size, and says so
    assert "  invariant: with d of 3: " in out


def test_no_single_rule_says_what_was_searched(tmp_path):
    code, out, _ = _explained(tmp_path, GROWING % "require sealed == 0")
    assert code == 0
    assert "  relied on: no single rule (removing any one leaves it true within 4 steps, with d of 3 to 7)\n" in out
    code, out, _ = _explained(tmp_path, GROWING % "require sealed == 0", "--format", "json")
    report = json.loads(out)
    jsonschema.validate(report, json.loads((ROOT / "govspec" / "schemas" / "report.schema.json").read_text()))
    prop = report["files"][0]["properties"][0]
    assert prop["relied_on"] == [] and prop["relied_on_scope"] == {"depth": 4, "sizes": {"d": [3, 7]}}


def test_an_instance_at_other_sizes_keeps_the_rule_removed(tmp_path):
    from govspec.load import instance
    path = tmp_path / "grow.gov"
    path.write_text(GROWING % "")
    model = api.load(str(path))
    [(ref, make)] = [c for c in candidates(model) if c[0].text == "require locked == 0"]
    weakened = make()
    at_five = instance(weakened, {"d": 5})
    assert len(at_five.bodies["board"].members) == 5
    assert at_five.procedures["act"].guards == () and instance(model, {"d": 5}).procedures["act"].guards != ()


BOARD = """organization "O" {
  person a
  person b
  person c
  person d
  person e
  person x
  body board { members a, b, c, d, e }
  office chair = a
  office ceo = x
  procedure fire {
    decided by board at meeting
%s
    effect ceo = vacant
  }
}
%s
"""


def _relied(tmp_path, rules: str, prop: str) -> list[str]:
    (tmp_path / "o.gov").write_text(BOARD % (rules, prop))
    result = api.check_model(api.load(str(tmp_path / "o.gov")), api.Options(explain=True)).properties[0]
    assert result.status == "proved"
    return [r.text for r in result.relied_on]


def test_removing_passes_when_keeps_the_quorum(tmp_path):
    # the quorum alone gives present >= 3: the passing rule is not needed (it was listed, its removal
    # having taken the quorum with it)
    assert _relied(tmp_path, "      quorum present >= 3\n      passes when yes > half of present",
                   "property three: always (fire -> present >= 3)") == ["quorum present >= 3"]


def test_the_casting_vote_is_a_rule_of_its_own(tmp_path):
    # on a tie the chair's side carries: without the casting vote a 2-2 tie with the chair voting no
    # passes (the casting vote was never listed, and 'passes when' was, its removal taking it along)
    rules = "      chaired by chair\n      casting vote\n      passes when yes >= no"
    assert _relied(tmp_path, rules, "property p: always (fire -> not (size(yes) == size(no) and chair in no))") == \
        ["casting vote"]


def test_a_can_force_proof_relies_on_what_a_proof_of_any_length_refutes(tmp_path):
    # without the recusal, b votes no and a's yes is never more than half: {a} cannot force it, which
    # only a proof of any length shows (a bounded search found no witness and counted it "still true")
    spec = """organization "R" {
  person a
  person b
  body board { members a, b }
  procedure oust(p in board) {
    decided by board at meeting
      passes when yes > half of present
    recuse p from vote and quorum
    effect remove p from board
  }
}
property k1: coalition {a} can force b not in board
"""
    (tmp_path / "r.gov").write_text(spec)
    result = api.check_model(api.load(str(tmp_path / "r.gov")), api.Options(explain=True)).properties[0]
    assert result.status == "proved" and [r.text for r in result.relied_on] == ["recuse p"]


@pytest.mark.parametrize("wait,relied", [
    ("    timelock 2 days", "timelock 2 days"),
    ("    timelock 2 days\n    expires after 3 days", "timelock 2 days (with 'expires after 3 days', which needs it)"),
])
def test_a_timelock_is_relied_on_by_a_property_of_its_taking_effect(tmp_path, wait, relied):
    # without the timelock the procedure is untimed and 'fire.executed' is its vote, as in the spec
    # written without it (the model without it had no execution step at all: "no single rule")
    rules = "      quorum 2\n      passes when yes >= 2\n" + wait
    assert relied in _relied(tmp_path, rules, "property w: always (fire.executed -> now - fire.approved_at >= 2)")


def test_the_html_report_says_what_the_proof_relies_on(tmp_path):
    # (it showed neither the rules nor the invariant: found in a hunt)
    code, out, _ = run_cli("check", "--explain", "--format", "html", SPEC)
    assert code == 0 and out.count("<h4>Relied on</h4>") == 3
    assert "<li>relied on: quorum majority of seats (line 27, variant: quorum is a majority of the 9 authorised seats)" in out


def test_an_invariant_is_shown_without_the_solver_s_own_variables(tmp_path):
    # (it read 'Exists([k!2, k!1, k!0], And(ceo == -1, ...))': found in a hunt; qe2 takes them out)
    (tmp_path / "o.gov").write_text(BOARD % ("      quorum present >= 3\n      passes when yes > half of present",
                                              "property three: always (fire -> present >= 3)"))
    result = api.check_model(api.load(str(tmp_path / "o.gov")), api.Options(explain=True)).properties[0]
    assert result.status == "proved" and result.invariant
    assert "k!" not in result.invariant and "Exists" not in result.invariant, result.invariant
