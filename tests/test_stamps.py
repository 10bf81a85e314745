"""Proof stamps: content hashes, versions and options in reports; ``govspec verify-report``."""

import hashlib
import json
import shutil

import pytest

from conftest import ROOT, run_cli

OPENAI = ROOT / "specs" / "openai" / "board_2023.gov"


@pytest.fixture
def recorded(tmp_path):
    """A copy of the OpenAI spec and the JSON report of checking it."""
    spec = tmp_path / "board.gov"
    shutil.copy(OPENAI, spec)
    code, out, _ = run_cli("check", "--format", "json", "--depth", "3", str(spec))
    assert code == 1
    report = tmp_path / "report.json"
    report.write_text(out)
    return spec, report


def test_the_report_records_hash_versions_and_options(recorded):
    spec, report = recorded
    data = json.loads(report.read_text())
    assert data["files"][0]["sha256"] == hashlib.sha256(spec.read_bytes()).hexdigest()
    assert data["z3_version"] and data["govspec_version"]
    assert data["options"] == {"depth": 3, "timeout": 60.0, "effort": 1.0, "engine": "z3", "sanity": True,
                               "accept_bounded": False, "recheck_cvc5": False}


def test_html_report_carries_the_stamp(recorded):
    spec, _ = recorded
    _, page, _ = run_cli("check", "--format", "html", str(spec))
    assert hashlib.sha256(spec.read_bytes()).hexdigest() in page and "depth null" in page


def test_an_unchanged_report_holds(recorded):
    spec, report = recorded
    code, out, err = run_cli("verify-report", str(report))
    assert (code, err) == (0, "")
    assert f"{spec}:34: ceo_removal_needs_three_or_notice: REFUTED (depth 2), as recorded" in out
    assert out.endswith(f"{report}: the report holds (3 verdict(s) re-checked)\n")


def verify_after_edit(recorded, old: str, new: str) -> tuple[int, str]:
    spec, report = recorded
    assert old in spec.read_text()
    spec.write_text(spec.read_text().replace(old, new))
    code, out, _ = run_cli("verify-report", str(report))
    return code, out


def test_an_edited_spec_is_caught_even_when_verdicts_stay(recorded):
    spec, _ = recorded
    code, out = verify_after_edit(recorded, "# OpenAI, Inc.", "# OpenAI Inc.")
    assert code == 1
    assert f"{spec}: the spec changed since the report (sha256 " in out
    assert out.endswith("the report no longer holds (1 difference(s))\n")


def test_an_edit_that_changes_a_verdict_is_named(recorded):
    spec, _ = recorded
    code, out = verify_after_edit(recorded, "quorum majority of members ", "quorum majority of seats   ")
    assert code == 1
    assert f"{spec}:34: ceo_removal_needs_three_or_notice: recorded REFUTED (depth 2), now PROVED (any length)" in out


def test_an_edited_report_is_caught(recorded):
    _, report = recorded
    data = json.loads(report.read_text())
    data["files"][0]["properties"][0]["status"] = "proved"
    report.write_text(json.dumps(data))
    code, out, _ = run_cli("verify-report", str(report))
    assert code == 1 and "recorded PROVED (depth 2), now REFUTED (depth 2)" in out


def test_a_spec_that_became_invalid_exits_3(recorded):
    code, out = verify_after_edit(recorded, "decided by board", "decided by bord")
    assert code == 3 and "the spec cannot be checked now:" in out and "unknown body 'bord'" in out


def write(name: str, text: str):
    def make(tmp_path):
        path = tmp_path / name
        path.write_text(text)
        return path

    return make


# Reports that cannot be used: the code, line and column of the diagnostic.
REPORT_CASES = [
    pytest.param(write("r.json", '{"schema": "govspec-report/1",\n  "files": [}\n'), "GOV004", 2, 13, "invalid JSON",
                 id="invalid-json"),
    pytest.param(write("r.json", '{"schema": "other/1"}\n'), "GOV004", 1, 1, 'no "schema": "govspec-report/2" (or "govspec-report/1")',
                 id="other-schema"),
    pytest.param(write("r.json", '{"schema": "govspec-report/1", "options": {}, "files": []}'), "GOV004", 1, 1,
                 '"files" must be a non-empty list', id="no-files"),
    pytest.param(write("r.json", '{"schema": "govspec-report/1", "options": {}, "files": [{"path": "x.gov",'
                       ' "properties": [{"name": "p", "status": "proved", "scope": 4}]}]}'), "GOV004", 1, 1,
                 "a property of x.gov has no name, status or scope", id="bad-scope"),
    pytest.param(write("r.json", '{"schema": "govspec-report/1", "options": {"depth": 100000}, "files": [{"path": "x.gov",'
                       ' "properties": []}]}'), "GOV004", 1, 1, "options out of range", id="huge-depth"),
    pytest.param(lambda tmp_path: tmp_path / "missing.json", "GOV001", 1, 1, "no such file", id="missing"),
]


@pytest.mark.parametrize("make,code,line,column,message", REPORT_CASES)
def test_unusable_reports_get_located_errors(tmp_path, make, code, line, column, message):
    path = make(tmp_path)
    exit_code, out, err = run_cli("verify-report", str(path))
    assert exit_code == (2 if code == "GOV001" else 3)
    assert out == "" and "Traceback" not in err
    assert err.startswith(f"{path}:{line}:{column}: error[{code}]: ") and message in err, err
    if code == "GOV004":
        assert err.splitlines()[2].strip().endswith("^"), err  # the caret under the cause


def test_verify_report_of_a_review_document_catches_an_edit_of_its_prose(tmp_path):
    review = tmp_path / "review.md"
    shutil.copy(ROOT / "docs" / "review-openai.md", review)
    code, out, _ = run_cli("check", "--format", "json", str(review))
    report = tmp_path / "review.json"
    report.write_text(out)
    assert run_cli("verify-report", str(report))[0] == 0
    review.write_text(review.read_text().replace("## Conclusion", "## Conclusions"))
    code, out, _ = run_cli("verify-report", str(report))
    assert code == 1 and "the spec changed since the report" in out and "now PROVED" not in out
