"""``possible X``: some behaviour reaches X (GovSpec issue 13, point 1).

Searched as ``never X``, the verdict turned round: PROVED with the shortest witness (replayed on
the reference semantics, like a counterexample), REFUTED only by a proof of ``never X`` for any
length (and every size), otherwise NO WITNESS UP TO N STEPS (exit code 4).  Both engines, every
output format, and a witness the reference semantics does not confirm is never shown.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from conftest import ROOT, run_cli
from govspec import api
from govspec.explicit import ExplicitEngine
from govspec.formats.html import render_html
from govspec.formats.outputs import junit, markdown, sarif
from govspec.verdicts import ReplayError, check_property
from test_reports import validate_sarif
from verifier import Z3Engine

SPEC = """organization "Small board" {
  person a
  person b
  person c
  body board {
    seats 3
    members a, b, c
  }
  office ceo = a
  event resign(d in board) {
    effect remove d from board
  }
  procedure remove_ceo {
    decided by board at meeting
      notice none
      quorum majority of members
      passes when yes > half of present
    require ceo is not vacant
    effect ceo = vacant
  }
}

property board_can_shrink_to_one: possible size(board.members) <= 1
property board_can_grow: possible size(board.members) > 3
property removal_by_two: possible remove_ceo and yes >= 2
property removal_by_four: possible remove_ceo and yes >= 4
property full_board_at_start: possible size(board.members) == 3
property removal: possible remove_ceo
"""

ENGINES = {"z3": Z3Engine, "explicit": ExplicitEngine}
SCHEMA = json.loads((ROOT / "govspec" / "schemas" / "report.schema.json").read_text())


@pytest.fixture(scope="module")
def model():
    return api.load_text(SPEC, "small.gov")


def verdict(model, name, engine="z3", depth=None, unbounded=True):
    prop = next(p for p in model.properties if p.name == name)
    return check_property(ENGINES[engine](), model, prop, depth, 30.0, unbounded=unbounded)


@pytest.fixture(scope="module")
def spec_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("possible") / "small.gov"
    path.write_text(SPEC)
    return path


@pytest.mark.parametrize("engine", ENGINES)
def test_a_reachable_state_is_proved_by_its_shortest_witness(model, engine):
    r = verdict(model, "board_can_shrink_to_one", engine)
    assert (r.status, r.kind, r.word, r.scope.depth) == ("proved", "possible", "PROVED", None)
    assert [(s.kind, s.name) for s in r.trace] == [("event", "resign"), ("event", "resign")]  # 3 -> 1: two resignations
    gone = {dict(s.args)["d"] for s in r.trace}
    assert len(gone) == 2 and dict(r.trace[-1].after.members)["board"] == tuple(sorted(set("abc") - gone))
    assert r.summary == "a behaviour of 2 steps reaches it"


@pytest.mark.parametrize("engine", ENGINES)
def test_an_unreachable_state_is_refuted_by_a_proof_for_any_length(model, engine):
    r = verdict(model, "board_can_grow", engine)
    assert (r.status, r.word, r.scope.depth, r.trace) == ("refuted", "REFUTED", None, ())
    assert r.how and r.summary.startswith("no behaviour of any length reaches it (shown by ")


@pytest.mark.parametrize("engine", ENGINES)
def test_a_step_condition(model, engine):
    r = verdict(model, "removal_by_two", engine)
    assert r.status == "proved" and len(r.trace) == 1
    (stage,) = r.trace[0].stages
    assert r.trace[0].name == "remove_ceo" and len(stage.yes) >= 2
    assert verdict(model, "removal_by_four", engine).status == "refuted"  # three directors: four yes votes never
    assert verdict(model, "removal", engine).status == "proved"


@pytest.mark.parametrize("engine", ENGINES)
def test_the_initial_state_is_a_witness_of_no_step(model, engine):
    r = verdict(model, "full_board_at_start", engine)
    assert (r.status, r.trace, r.summary) == ("proved", (), "the initial state reaches it")


@pytest.mark.parametrize("engine", ENGINES)
def test_no_witness_within_the_depth_is_bounded(model, engine):
    r = verdict(model, "board_can_shrink_to_one", engine, depth=1)
    assert (r.status, r.word, r.scope.depth) == ("bounded", "NO WITNESS UP TO 1 STEP", 1)
    assert r.summary == "no behaviour of at most 1 step reaches it" and "--depth 1 caps the search" in r.reason
    # a bounded search (no proof asked for) never refutes it either
    r = verdict(model, "board_can_grow", engine, depth=2, unbounded=False)
    assert (r.status, r.word) == ("bounded", "NO WITNESS UP TO 2 STEPS")


def test_the_command_line_exit_codes(spec_file):
    code, out, _ = run_cli("check", "--depth", "1", str(spec_file))
    assert code == 1  # board_can_grow is REFUTED by a proof even at --depth 1
    assert "board_can_shrink_to_one ... NO WITNESS UP TO 1 STEP (not proved" in out
    lone = spec_file.with_name("lone.gov")
    lone.write_text(SPEC.split("property")[0] + "property board_can_shrink_to_one: possible size(board.members) <= 1\n")
    code, out, _ = run_cli("check", "--depth", "1", str(lone))
    assert code == 4 and "NO WITNESS UP TO 1 STEP" in out
    assert "note: 1 result is bounded (no witness within the scope shown, but no proof): exit code 4" in out
    code, out, _ = run_cli("check", str(lone))
    assert code == 0 and "PROVED" in out
    for engine in ENGINES:
        assert run_cli("check", "--engine", engine, str(lone))[0] == 0
    code, out, _ = run_cli("check", "--explain", str(lone))  # a witness is not explained by removing rules
    assert code == 0 and "relied on" not in out and "witness:" in out


def test_the_engines_agree_on_every_property(model):
    for prop in model.properties:
        z3, explicit = verdict(model, prop.name, "z3"), verdict(model, prop.name, "explicit")
        assert (z3.status, z3.scope, len(z3.trace)) == (explicit.status, explicit.scope, len(explicit.trace)), prop.name


def test_open_sizes_use_the_counted_encoding_and_name_the_witness_size():
    """A witness at one size of an open group is not PROVED (that would claim every size): it holds
    for the witness's sizes only, in the word itself (it was PROVED, with the size in the summary)."""
    model = api.load(str(ROOT / "specs" / "delaware" / "board_reachable.gov"))
    shrink = verdict(model, "the_board_can_shrink_to_two")
    assert (shrink.status, shrink.word, shrink.scope.depth) == ("bounded", "HOLDS FOR d OF 5 ONLY", None)
    assert len(shrink.trace) == 3 and "not a proof for every size" in shrink.reason
    # at d of 5 no board of six exists (nobody joins): possible at every size is refuted there, though
    # a witness exists at d of 6 (the search over every size finds that one first)
    six = verdict(model, "a_board_of_six_removes_its_ceo")
    assert (six.status, six.scope.depth) == ("refuted", None) and six.summary.startswith("with d of 5: no behaviour")
    five = verdict(model, "two_directors_can_remove_the_ceo", "explicit")  # (at the least size: either engine)
    assert (five.status, five.word) == ("bounded", "HOLDS FOR d OF 5 ONLY") and len(five.trace) == 1
    never = verdict(model, "no_removal_without_a_yes_vote")
    assert (never.status, never.scope.depth, never.scope.sizes) == ("refuted", None, "all")
    # the explicit engine checks the sizes as written only: it refutes it at the least size, by exhaustion
    least = verdict(model, "no_removal_without_a_yes_vote", "explicit")
    assert least.status == "refuted" and least.summary.startswith("with d of 5: no behaviour of any length")


# ---------------------------------------------------------------------------------------------
# Rendering: the scenario of a PROVED "possible" is a witness, never called a counterexample


@pytest.fixture(scope="module")
def report(spec_file):
    return api.check_files([str(spec_file)])


def test_text_and_markdown_show_a_witness(spec_file, report):
    code, out, _ = run_cli("check", str(spec_file))
    assert code == 1
    block = out.split("board_can_shrink_to_one: PROVED: a behaviour of 2 steps reaches it\n")[1].split("\n\n")[0]
    assert block.startswith("  in words: It can happen that the number of members of board is at most 1.\n"
                            "  as written: possible size(board.members) <= 1\n  witness:\n  1. Event resign")
    assert "scenario" not in block and "story" not in block
    assert "full_board_at_start: PROVED: the initial state reaches it\n  in words: " in out
    assert "\n  witness: the initial state, before any step" in out.split("full_board_at_start: PROVED")[1]
    assert "board_can_grow: REFUTED: no behaviour of any length reaches it" in out
    md = markdown(report)
    assert "## `board_can_shrink_to_one`: PROVED" in md and "witness:" in md and "scenario:" not in md


def test_json_validates_with_the_kind_possible(spec_file):
    code, out, _ = run_cli("check", "--format", "json", str(spec_file))
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    props = {p["name"]: p for p in data["files"][0]["properties"]}
    assert {p["kind"] for p in props.values()} == {"possible"}
    shrink = props["board_can_shrink_to_one"]
    assert (shrink["status"], shrink["scope"]["depth"], len(shrink["trace"])) == ("proved", None, 2)
    assert props["board_can_grow"]["status"] == "refuted" and not props["board_can_grow"].get("trace")
    code, out, _ = run_cli("check", "--format", "json", "--depth", "1", str(spec_file))
    shrink = {p["name"]: p for p in json.loads(out)["files"][0]["properties"]}["board_can_shrink_to_one"]
    assert (shrink["status"], shrink["verdict"], shrink["scope"]["depth"]) == ("bounded", "NO WITNESS UP TO 1 STEP", 1)


def test_sarif_junit_and_html(report):
    log = sarif(report)
    validate_sarif(log)
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    assert set(results) == {"board_can_grow", "removal_by_four"}  # the refuted ones; a witness is a pass
    assert results["board_can_grow"]["level"] == "error" and "codeFlows" not in results["board_can_grow"]
    suite = ET.fromstring(junit(report)).find("testsuite")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert cases["board_can_grow"].find("failure") is not None
    assert cases["board_can_shrink_to_one"].find("failure") is None
    assert "\nwitness:\n" in cases["board_can_shrink_to_one"].find("system-out").text
    page = render_html(report)
    section = page.split('id="board_can_shrink_to_one"')[1].split("</section>")[0]
    assert "<h4>Witness</h4>" in section and "Scenario" not in section and "Story" not in section


# ---------------------------------------------------------------------------------------------
# A witness is shown only once the reference semantics confirms it


@pytest.mark.parametrize("engine", ENGINES)
def test_a_witness_the_reference_semantics_does_not_confirm_is_never_shown(model, engine, monkeypatch, spec_file):
    """A mutant engine that drops the last step of each behaviour it finds: the shortened trace is
    valid but does not reach X, and the replay rejects it (an engine bug: exit 2, no verdict)."""
    cls = ENGINES[engine]
    real = cls.violation

    def shortened(self, *args, **kwargs):
        out = real(self, *args, **kwargs)
        if out.status == "found" and out.steps:
            out.steps = out.steps[:-1]
        return out

    monkeypatch.setattr(cls, "violation", shortened)
    with pytest.raises(ReplayError, match="satisfies"):
        verdict(model, "board_can_shrink_to_one", engine)
    code, out, err = run_cli("check", "--engine", engine, "--no-sanity", str(spec_file))
    assert code == 2 and "PROVED" not in out and "internal error" in err


def test_misuse_is_a_located_error(tmp_path):
    head = SPEC.split("property")[0]
    bad = tmp_path / "bad.gov"
    bad.write_text(head + "property p: possible remove_ceo or yes >= 2\n")
    code, out, err = run_cli("check", str(bad))
    assert code == 3 and "Traceback" not in out + err
    assert "bad.gov:23:22: error[GOV314]: 'remove_ceo' can only be used as 'always (remove_ceo -> ...)', " \
           "'never remove_ceo', 'possible remove_ceo', 'possible remove_ceo and ...' or as a coalition goal" in out + err
    bad.write_text(head + "property p: possible resign and yes >= 2\n")  # an event has no votes
    code, out, err = run_cli("check", str(bad))
    assert code == 3 and "error[GOV201]: 'yes' describes a vote" in out + err and "^^^" in out + err


def test_a_witness_is_written_as_an_itf_trace(spec_file, tmp_path):
    itf_py = pytest.importorskip("itf_py")
    code, _, err = run_cli("check", str(spec_file), "--trace-out", str(tmp_path / "{property}.itf.json"))
    assert code == 1
    written = sorted(p.name for p in tmp_path.iterdir())
    # the witnesses of at least one step; a refutation (a proof) and the witness of no step have no trace
    assert written == ["board_can_shrink_to_one.itf.json", "removal.itf.json", "removal_by_two.itf.json"], err
    data = json.loads((tmp_path / "board_can_shrink_to_one.itf.json").read_text())
    jsonschema.validate(data, json.loads((ROOT / "tests" / "schemas" / "itf.schema.json").read_text()))
    assert data["#meta"]["description"].startswith("GovSpec witness for property 'board_can_shrink_to_one'")
    states = itf_py.trace_from_json(data).states
    assert [s.values["mbt::actionTaken"] for s in states] == ["init", "resign", "resign"]
    assert len(states[-1].values["members"]["board"]) == 1


def test_a_witness_at_some_sizes_is_written_and_named_as_such(tmp_path):
    """A witness at one size of an open group (HOLDS FOR d OF 5 ONLY) is a trace like any witness:
    --trace-out writes it, and the closing note does not say no witness was found."""
    spec = ROOT / "specs" / "delaware" / "board_reachable.gov"
    code, out, err = run_cli("check", "--trace-out", str(tmp_path / "{property}.itf.json"), str(spec))
    assert code == 1 and (tmp_path / "the_board_can_shrink_to_two.itf.json").exists(), err
    assert "note: 2 results are bounded (a witness at the sizes shown only, but no proof)" in out
    assert "no witness" not in out.split("note:")[1]


@pytest.mark.parametrize("condition, status", [("yes >= 2 and no == 0", "proved"), ("yes >= 2 and yes <= 1", "refuted"),
                                               ("yes >= 2 and no == 0 and size(present) == 2", "proved")])
def test_a_step_with_several_conditions_needs_no_parentheses(tmp_path, condition, status):
    """``possible P and A and B`` parses as ``(P and A) and B``: it is read as ``P and (A and B)``,
    as with parentheses (it was GOV314 on P and on each 'yes', found in review), on both engines."""
    spec = tmp_path / "s.gov"
    spec.write_text(SPEC.split("property")[0] + f"property x: possible remove_ceo and {condition}\n"
                    f"property y: possible remove_ceo and ({condition})\n")
    for engine in ENGINES:
        report = api.check_file(str(spec), options=api.Options(depth=2, engine=engine))
        assert [(r.name, r.status) for r in report.properties] == [("x", status), ("y", status)], engine
    assert "It can happen that remove_ceo passes while" in report.properties[0].words
