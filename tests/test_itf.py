"""--trace-out: counterexamples in the Informal Trace Format (ITF) of Apalache and Quint.

Each trace is validated against a JSON Schema written from the ITF specification (ADR-015,
tests/schemas/itf.schema.json) and read back with ``itf-py``, the ITF library on PyPI.
"""

import json

import jsonschema
import pytest

from conftest import ROOT, run_cli
from govspec.formats.itf import target_paths

itf_py = pytest.importorskip("itf_py", reason="itf-py is in the test extra: pip install -e '.[test]'")

ITF_SCHEMA = json.loads((ROOT / "tests" / "schemas" / "itf.schema.json").read_text())
OPENAI = "specs/openai/board_2023.gov"


def test_openai_counterexample_round_trips(tmp_path):
    out = tmp_path / "openai.itf.json"
    code, _, err = run_cli("check", OPENAI, "--trace-out", str(out))
    assert code == 1 and f"wrote ITF trace {out}" in err
    data = json.loads(out.read_text())
    jsonschema.validate(data, ITF_SCHEMA)
    assert data["#meta"]["format"] == "ITF" and data["#meta"]["property"] == "ceo_removal_needs_three_or_notice"
    trace = itf_py.trace_from_json(data)
    again = itf_py.trace_from_json(itf_py.trace_to_json(trace))
    assert [s.values for s in again.states] == [s.values for s in trace.states]
    init, resigned, removed = (s.values for s in trace.states)
    assert init["mbt::actionTaken"] == "init" and "altman" in init["members"]["board"]
    assert resigned["mbt::actionTaken"] == "resign" and "altman" not in resigned["members"]["board"]
    assert init["offices"]["ceo"] == frozenset({"altman"}) and removed["offices"]["ceo"] == frozenset()
    meeting = removed["step"].stages[0]
    assert meeting.yes == frozenset({"dangelo", "mccauley"}) and meeting.no == frozenset({"toner"})
    assert removed["step"].changes == ["ceo: altman -> vacant"] and removed["day"] == 0


def test_each_counterexample_gets_its_own_file(tmp_path):
    pattern = tmp_path / "{file}-{property}.itf.json"
    code, _, _ = run_cli("check", OPENAI, "specs/delaware/default_board_6.gov", "--trace-out", str(pattern))
    assert code == 1
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["board_2023-ceo_removal_needs_three_or_notice.itf.json",
                     "default_board_6-removal_needs_four_yes.itf.json"]
    for path in tmp_path.iterdir():
        jsonschema.validate(json.loads(path.read_text()), ITF_SCHEMA)


def test_target_paths_never_overwrite():
    class R:
        def __init__(self, name):
            self.name = name

    found = [("a/x.gov", R("p")), ("a/x.gov", R("q"))]
    assert target_paths("out/t.itf.json", found) == ["out/t.p.itf.json", "out/t.q.itf.json"]
    found = [("a/x.gov", R("p")), ("b/y.gov", R("p"))]
    assert target_paths("t.json", found) == ["t.x.p.json", "t.y.p.json"]
    assert target_paths("t.json", found[:1]) == ["t.json"]
    # (files of one name in two folders, or one file given twice: the names would be one; -2 tells
    # them apart, where the check used to write one trace over the other, then refused with GOV006)
    twins = [("a/g.gov", R("p")), ("b/g.gov", R("p")), ("b/g.gov", R("q")), ("c/g.gov", R("p"))]
    assert target_paths("t.itf.json", twins) == ["t.p.itf.json", "t.p-2.itf.json", "t.q.itf.json", "t.p-3.itf.json"]
    assert target_paths("{file}-{property}.json", twins[:2]) == ["g-p.json", "g-p-2.json"]


def test_nothing_refuted_writes_nothing(tmp_path):
    code, _, err = run_cli("check", "specs/openai/board_2023_seat_quorum.gov", "--trace-out", str(tmp_path / "t.json"))
    assert code == 0 and err == "" and list(tmp_path.iterdir()) == []


def test_unwritable_trace_file_is_a_clear_usage_error(tmp_path):
    target = tmp_path / "missing-folder" / "t.json"
    code, out, err = run_cli("check", OPENAI, "--trace-out", str(target))
    assert code == 2 and "REFUTED" in out
    assert err == f"govspec: cannot write the ITF trace '{target}': No such file or directory\n"


def test_a_written_waiver_of_notice_shows_who_signed_it(tmp_path):
    """Notice waived in writing (issue 13): the meeting's stage names the signers, as the text does."""
    out = tmp_path / "waiver.itf.json"
    code, _, _ = run_cli("check", "specs/delaware/written_waiver.gov", "--no-sanity", "--trace-out", str(out))
    assert code == 1
    data = json.loads(next(tmp_path.glob("waiver*.itf.json")).read_text())
    jsonschema.validate(data, ITF_SCHEMA)
    stages = [s for state in itf_py.trace_from_json(data).states if "step" in state.values
              for s in getattr(state.values["step"], "stages", ())]
    assert any(s.signed_waiver and not (s.signed_waiver & s.notified) for s in stages), stages
