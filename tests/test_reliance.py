"""--explain: the rules a proof relies on, each shown necessary by a check without it."""

import json

import jsonschema

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
