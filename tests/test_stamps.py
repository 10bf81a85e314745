"""Proof stamps: content hashes, versions and options in reports; ``govspec verify-report``."""

import hashlib
import json
import os
import shutil

import jsonschema
import pytest

from conftest import ROOT, run_cli
from test_imports import ORG, RULES

OPENAI = ROOT / "specs" / "openai" / "board_2023.gov"


@pytest.fixture(scope="module")
def recorded_once(tmp_path_factory):
    """The JSON report of checking a copy of the OpenAI spec, once for the module (a check takes
    most of a second; the tests edit their own copies)."""
    spec = tmp_path_factory.mktemp("recorded") / "board.gov"
    shutil.copy(OPENAI, spec)
    code, out, _ = run_cli("check", "--format", "json", "--depth", "3", str(spec))
    assert code == 1
    return spec, out


@pytest.fixture
def recorded(tmp_path, recorded_once):
    """A copy of the OpenAI spec and the JSON report of checking it, in this test's folder: the
    module's report with the one place it names the spec changed to the copy (nothing else in it
    depends on where the spec is)."""
    checked, out = recorded_once
    spec = tmp_path / "board.gov"
    shutil.copy(checked, spec)
    data = json.loads(out)
    assert [f["path"] for f in data["files"]] == [str(checked)] and out.count(json.dumps(str(checked))) == 1
    report = tmp_path / "report.json"
    report.write_text(out.replace(json.dumps(str(checked)), json.dumps(str(spec))))
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
    assert out.endswith(f"{report}: the report holds (3 verdicts re-checked, 3 of them decided)\n")


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
    assert out.endswith("the report no longer holds (1 difference)\n")


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
def report_text(options: str = "{}", scope: str | None = None) -> str:
    """A report's text with these options, and with one property of this scope."""
    properties = "" if scope is None else f'{{"name": "p", "status": "proved", "scope": {scope}}}'
    return f'{{"schema": "govspec-report/2", "options": {options}, "files": [{{"path": "x.gov", "properties": [{properties}]}}]}}'


REPORT_CASES = [
    pytest.param(write("r.json", '{"schema": "govspec-report/1",\n  "files": [}\n'), "GOV004", 2, 13, "invalid JSON",
                 id="invalid-json"),
    pytest.param(write("r.json", '{"schema": "other/1"}\n'), "GOV004", 1, 1, 'no "schema": "govspec-report/2" (or "govspec-report/1")',
                 id="other-schema"),
    pytest.param(write("r.json", '{"schema": "govspec-report/1", "options": {}, "files": []}'), "GOV004", 1, 1,
                 '"files" must be a non-empty list', id="no-files"),
    pytest.param(write("r.json", '{"schema": "govspec-report/1", "options": {}, "files": [{"path": "x.gov",'
                       ' "properties": [{"name": "p", "status": "proved", "scope": 4}]}]}'), "GOV004", 1, 1,
                 "a property of x.gov has no name, status, scope or line", id="bad-scope"),
    pytest.param(write("r.json", '{"schema": "govspec-report/2", "options": {}, "files": [{"path": "x.gov",'
                       ' "properties": [{"name": "p", "status": "proved", "line": "x"}]}]}'), "GOV004", 1, 1,
                 "a property of x.gov has no name, status, scope or line", id="line-not-a-number"),  # (exit 1 before)
    *(pytest.param(write("r.json", '{"schema": "govspec-report/2", "options": {}, "files": [{"path": "x.gov",'
                         f' "properties": [], "{key}": {blocks}}}]}}'), "GOV004", 1, 1,
                   f'"{key}" of x.gov must be a list of blocks, each with its line, each line once', id=f"{key}-{n}")
      for key in ("diffs", "powers")  # (each held before: the report said it "holds")
      for n, blocks in enumerate(['"x"', "[1]", '[{"line": 3}, {"line": 3}]', '[{"line": "3"}]', '[{}]'])),
    pytest.param(write("r.json", '{"schema": "govspec-report/1", "options": {"depth": 100000}, "files": [{"path": "x.gov",'
                       ' "properties": []}]}'), "GOV004", 1, 1, "options out of range", id="huge-depth"),
    pytest.param(lambda tmp_path: tmp_path / "missing.json", "GOV001", 1, 1, "no such file", id="missing"),
    pytest.param(write("r.json", "[" * 1000), "GOV004", 1, 1, "invalid JSON (nested too deeply)", id="nested"),
    # (what Python's json reads but JSON has not, or refuses past the parse: located where it stands)
    pytest.param(write("r.json", '{"schema": "govspec-report/2", "options": {}, "files": [{"path": "x.gov",\n'
                       ' "properties": [{"name": "p", "status": "proved", "seconds": NaN}]}]}'), "GOV004", 2, 62,
                 "invalid JSON (NaN is not JSON)", id="nan-seconds"),
    pytest.param(write("r.json", '{"schema": "govspec-report/2", "x": -Infinity}'), "GOV004", 1, 37,
                 "invalid JSON (-Infinity is not JSON)", id="minus-infinity"),
    pytest.param(write("r.json", '{"schema": "govspec-report/2", "options": {}, "files": [{"path": "x.gov",\n'
                       ' "properties": [{"name": "p", "status": "refuted",\n  "status": "proved"}]}]}'), "GOV004", 3, 3,
                 'invalid JSON (the key "status" is given twice in one object)', id="status-twice"),
    pytest.param(write("r.json", '{"schema": "govspec-report/2",\n "x": [1.5, ' + "1" * 5000 + "]}"), "GOV004", 2, 13,
                 "invalid JSON (Exceeds the limit (4300 digits)", id="5000-digits"),
    *(pytest.param(write("r.json", report_text(options=options)), "GOV004", 1, 1, message, id=f"options-{options}")
      for options, message in [('{"depth": true}', '"depth" must be a whole number or null, not true'),
                               ('{"depth": "3"}', '"depth" must be a whole number or null, not "3"'),
                               ('{"depth": 2.5}', '"depth" must be a whole number or null, not 2.5'),
                               ('{"sanity": "yes"}', '"sanity" must be true or false, not "yes"'),
                               ('{"timeout": true}', '"timeout" must be a number, not true'),
                               ('{"engine": ["z3"]}', '"engine" must be a string, not ["z3"]'),
                               ('{"timeout": 1e999}', "options out of range")]),  # (Python reads it as inf)
    pytest.param(write("r.json", report_text(options='{"timeout": NaN}')), "GOV004", 1, 55, "invalid JSON (NaN is not JSON)",
                 id="options-timeout-nan"),
    pytest.param(write("r.json", report_text(options='{"timeout": 1' + "0" * 400 + "}")), "GOV004", 1, 1,
                 "options out of range", id="options-timeout-of-401-digits"),
    *(pytest.param(write("r.json", report_text(scope=scope)), "GOV004", 1, 1, "a property of x.gov has a malformed scope",
                   id=f"scope-{scope}")
      for scope in ['{"depth": "x", "sizes": "all"}', '{"depth": true, "sizes": "all"}', '{"depth": -1, "sizes": "all"}',
                    '{"depth": 3, "sizes": "some"}', '{"depth": 3, "sizes": {"d": [true, 2]}}',
                    '{"depth": 3, "sizes": {"d": [1]}}']),
    pytest.param(write("r.json", '{"schema": "govspec-report/2", "options": {}, "files": [{"path": "/etc/passwd",'
                       ' "properties": []}]}'), "GOV007", 1, 58, "the report names a spec outside its folder: "
                 "'/etc/passwd'", id="outside"),
]


@pytest.mark.parametrize("make,code,line,column,message", REPORT_CASES)
def test_unusable_reports_get_located_errors(tmp_path, make, code, line, column, message):
    path = make(tmp_path)
    exit_code, out, err = run_cli("verify-report", str(path))
    assert exit_code == (2 if code == "GOV001" else 3)
    assert out == "" and "Traceback" not in err
    assert err.startswith(f"{path}:{line}:{column}: error[{code}]: ") and message in err, err
    if code in ("GOV004", "GOV007"):
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


# ---------------------------------------------------------------------------------------------
# Stamps that cannot be bypassed (issue 15, item 2) and reproducibility (item 8)

def _report_data(report):
    return json.loads(report.read_text())


def _rewrite(report, change) -> None:
    data = _report_data(report)
    change(data)
    report.write_text(json.dumps(data))


@pytest.mark.parametrize("change", [
    pytest.param(lambda f: f.update(sha256=None), id="null"),
    pytest.param(lambda f: f.pop("sha256"), id="deleted"),
    pytest.param(lambda f: f.update(sha256="0" * 12), id="malformed"),
])
def test_a_report_without_the_spec_hash_fails(recorded, change):
    """Before: an edited spec with ``"sha256": null`` in the report printed a note and held (exit 0)."""
    spec, report = recorded
    spec.write_text(spec.read_text().replace("# OpenAI, Inc.", "# OpenAI Inc."))
    _rewrite(report, lambda data: change(data["files"][0]))
    code, out, _ = run_cli("verify-report", str(report))
    assert code == 1, out
    assert f"{spec}: the report records no content hash of the spec (sha256 missing, null or malformed)" in out
    assert "the report holds" not in out and out.endswith("the report no longer holds (1 difference)\n")


IMPORTING = 'import "rules/acme.gov"\n' + ORG + "property p: always (fire -> yes >= 2)\n"
ACME_RULES = RULES


@pytest.fixture
def importing(tmp_path):
    """A spec that imports a rules file of its folder, and its JSON report."""
    (tmp_path / "rules").mkdir()
    rules = tmp_path / "rules" / "acme.gov"
    rules.write_text(ACME_RULES)
    spec = tmp_path / "main.gov"
    spec.write_text(IMPORTING)
    code, out, _ = run_cli("check", "--format", "json", "--depth", "3", str(spec))
    assert code == 0, out  # PROVED (quorum 2 of 3 seats, majority of those present)
    report = tmp_path / "main-report.json"
    report.write_text(out)
    return spec, rules, report


def test_the_report_records_each_imported_file_and_the_limits(importing):
    spec, rules, report = importing
    data = _report_data(report)
    assert data["files"][0]["imports"] == [{"path": os.path.relpath(rules, ROOT),
                                           "sha256": hashlib.sha256(rules.read_bytes()).hexdigest()}]
    assert data["limits"]["z3_rlimit"] > 0 and data["limits"]["first_depth"] == 4


def test_a_standard_library_file_is_hashed_too(tmp_path):
    from govspec.imports import library_path

    spec = tmp_path / "board.gov"
    shutil.copy(ROOT / "specs" / "delaware" / "imported_board.gov", spec)
    code, out, _ = run_cli("check", "--format", "json", "--depth", "2", "--no-sanity", str(spec))
    imports = json.loads(out)["files"][0]["imports"]
    assert {"path": "<library>/delaware_board.gov",
            "sha256": hashlib.sha256(open(library_path("delaware_board"), "rb").read()).hexdigest()} in imports


def test_an_edited_import_is_named_even_when_verdicts_stay(importing):
    """Before: a rule changed in an imported file left the report holding (imports were not hashed)."""
    spec, rules, report = importing
    rules.write_text(ACME_RULES.replace('rules "Acme rules"', 'rules "Acme rules, 2024"'))
    code, out, _ = run_cli("verify-report", str(report))
    assert code == 1, out
    assert f"{os.path.relpath(rules, ROOT)}: imported by {spec}: changed since the report (sha256 " in out
    assert f"{spec}: the spec changed" not in out  # the spec itself is as it was
    assert out.endswith("the report no longer holds (1 difference)\n")


def test_an_import_added_or_dropped_is_a_difference(importing):
    spec, rules, report = importing
    _rewrite(report, lambda data: data["files"][0]["imports"].append({"path": "gone.gov", "sha256": "a" * 64}))
    code, out, _ = run_cli("verify-report", str(report))
    assert code == 1 and f"gone.gov: imported by {spec} in the report, not now" in out


def test_an_old_report_without_import_hashes_cannot_hold_for_a_spec_that_imports(importing, recorded):
    spec, _, report = importing
    _rewrite(report, lambda data: (data["files"][0].pop("imports"), data.pop("limits")))
    code, out, _ = run_cli("verify-report", str(report))
    assert code == 1, out
    assert (f"{spec}: the report records no hashes of the files the spec imports (made by an older GovSpec), "
            "and it imports 1 now: it cannot be verified; make a new report") in out
    # a spec that imports nothing is covered by its own hash: the old report still holds, with a warning
    _, plain = recorded
    _rewrite(plain, lambda data: (data["files"][0].pop("imports"), data.pop("limits")))
    code, out, _ = run_cli("verify-report", str(plain))
    assert code == 0, out
    assert out.startswith("warning: the report records no search and solver limits (made by an older GovSpec)")


def test_the_bytes_hashed_are_the_bytes_checked(tmp_path, monkeypatch):
    """Before: the spec was read again after the check to hash it, so an edit made during the check
    got the new hash beside the verdicts of the old text."""
    from govspec import api

    (tmp_path / "rules").mkdir()
    rules = tmp_path / "rules" / "acme.gov"
    rules.write_text(ACME_RULES)
    spec = tmp_path / "main.gov"
    spec.write_text(IMPORTING)
    checked = {f: hashlib.sha256(f.read_bytes()).hexdigest() for f in (spec, rules)}
    real_check_model = api.check_model

    def check_then_edit(model, *args, **kwargs):
        result = real_check_model(model, *args, **kwargs)
        spec.write_text(IMPORTING.replace("fire -> yes >= 2", "fire -> yes >= 3"))  # edited mid-check
        rules.write_text(ACME_RULES.replace("1/2", "1/3"))
        return result

    monkeypatch.setattr(api, "check_model", check_then_edit)
    report = api.check_file(str(spec), api.Options(depth=2, sanity=False))
    assert report.sha256 == checked[spec]
    assert dict(report.imports) == {os.path.relpath(rules): checked[rules]}


def test_an_instance_at_other_sizes_joins_the_imports_as_loaded(tmp_path):
    """An instance of the spec (another size of a group) is built from the imported text the model
    was built from: an import edited (here: broken) after loading changes nothing."""
    from govspec import api

    (tmp_path / "rules").mkdir()
    rules = tmp_path / "rules" / "acme.gov"
    rules.write_text(ACME_RULES)
    spec = tmp_path / "main.gov"
    spec.write_text(IMPORTING)
    model = api.load(str(spec))
    rules.write_text("this is no longer a spec {")
    again = api.instance(model, {})
    assert again.procedures.keys() == model.procedures.keys() and str(again.params["q"].initial) == "1/2"


# A report names the files verify-report reads: one from a pull request must not read (and print)
# files elsewhere.

SECRET = "operator:x:11:0:hunter2:/secret:/sbin/nologin"


def _report_naming(tmp_path, recorded, path: str):
    """The report of ``recorded``, in a folder of its own, naming ``path`` as its spec."""
    _, report = recorded
    folder = tmp_path / "reports"
    folder.mkdir(exist_ok=True)
    moved = folder / "report.json"
    data = _report_data(report)
    data["files"][0]["path"] = path
    moved.write_text(json.dumps(data, indent=2))
    return moved


@pytest.mark.parametrize("where", ["absolute", "dotdot", "symlink"])
def test_a_spec_outside_the_reports_folder_is_refused(tmp_path, recorded, where):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET + "\n")
    folder = tmp_path / "reports"
    folder.mkdir()
    if where == "symlink":
        (folder / "board.gov").symlink_to(secret)
        path = str(folder / "board.gov")
    else:
        path = str(secret) if where == "absolute" else os.path.relpath(secret, ROOT)
    report = _report_naming(tmp_path, recorded, path)
    code, out, err = run_cli("verify-report", str(report))
    assert code == 3 and out == "", out
    assert "hunter2" not in err
    line = next(n for n, text in enumerate(report.read_text().split("\n"), 1) if '"path": ' in text)
    assert err.startswith(f"{report}:{line}:7: error[GOV007]: the report names a spec outside its folder: '{path}'"), err
    assert "if you trust the report, pass --allow-outside" in err


def test_allowed_outside_a_file_that_is_not_a_spec_is_never_quoted(tmp_path, recorded):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET + "\n")
    report = _report_naming(tmp_path, recorded, str(secret))
    code, out, err = run_cli("verify-report", "--allow-outside", str(report))
    assert code == 3, out + err
    assert "hunter2" not in out + err and "operator" not in out + err
    assert f"{secret}: not a GovSpec spec now: it does not parse (error[GOV1" in out
    assert "its text is not shown" in out


def test_allowed_outside_a_spec_elsewhere_is_checked(tmp_path, recorded):
    spec, _ = recorded
    report = _report_naming(tmp_path, recorded, str(spec))  # the spec stays in tmp_path, above reports/
    assert run_cli("verify-report", str(report))[0] == 3
    code, out, _ = run_cli("verify-report", "--allow-outside", str(report))
    assert code == 0 and out.endswith("the report holds (3 verdicts re-checked, 3 of them decided)\n"), out


def test_paths_from_a_report_are_escaped_on_the_terminal(tmp_path, recorded):
    spec, report = recorded
    hostile = tmp_path / "board\x1b[2J\u202e.gov"
    shutil.copy(spec, hostile)
    hostile.write_text(hostile.read_text().replace("# OpenAI, Inc.", "# OpenAI Inc."))
    _rewrite(report, lambda data: data["files"][0].update(path=str(hostile)))
    code, out, err = run_cli("verify-report", str(report))
    assert code == 1
    assert "\x1b" not in out + err and "\u202e" not in out + err
    assert "board\\x1b[2J\\u202e.gov: the spec changed since the report" in out
    outside = _report_naming(tmp_path, recorded, "/tmp/\x1b[31mred.gov")
    code, out, err = run_cli("verify-report", str(outside))
    assert code == 3 and "\x1b" not in err and "\\x1b[31mred.gov" in err


def test_another_z3_or_other_limits_warn_and_the_verdicts_decide(recorded):
    spec, report = recorded

    def older(data):
        data["z3_version"] = "4.8.5"
        data["limits"]["z3_rlimit"] = 1
    _rewrite(report, older)
    code, out, _ = run_cli("verify-report", str(report))
    assert code == 0, out
    assert ("warning: the report was made with Z3 4.8.5; this is Z3 " in out
            and ": a verdict that differs may be due to that" in out)
    assert "warning: the report was made under other limits (z3_rlimit 1 recorded, 10000000 now)" in out
    assert out.endswith("the report holds (3 verdicts re-checked, 3 of them decided)\n")


def test_z3_is_pinned_to_the_tested_minor_release():
    """Verdicts depend on Z3's resource limits: a Z3 release outside the tested range may turn a
    proof of any length into a bounded result, so the dependency has an upper bound, and the Z3
    installed (the one the tests ran with) is inside it."""
    import tomllib
    from importlib.metadata import version

    from packaging.requirements import Requirement

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    z3 = next(Requirement(d) for d in deps if Requirement(d).name == "z3-solver")
    assert any(s.operator == "<" for s in z3.specifier), z3
    assert version("z3-solver") in z3.specifier


def test_markdown_and_html_stamps_name_every_file_hashed():
    """The stamp a review embeds lists each imported file's hash too, as the JSON report does (it
    named the spec's own hash only)."""
    spec = "specs/delaware/imported_board.gov"
    _, out, _ = run_cli("check", "--format", "json", spec)
    [imported] = json.loads(out)["files"][0]["imports"]
    _, markdown, _ = run_cli("check", "--format", "markdown", spec)
    _, page, _ = run_cli("check", "--format", "html", spec)
    assert f"`{imported['path']}` sha256 `{imported['sha256']}`" in markdown
    assert f"&lt;library&gt;/delaware_board.gov (imported by {spec}): sha256 <code>{imported['sha256']}</code>" in page


def test_a_forged_budget_or_scope_is_not_a_report(recorded, tmp_path):
    """A budget recorded out of range (negative, NaN) made every property UNKNOWN at once, and the
    forged report 'held' with nothing checked; a malformed scope was an internal error (exit 2)."""
    spec, report = recorded
    for name, edit in (("negative", lambda d: d["options"].__setitem__("budget", -5)),
                       ("nan", lambda d: d["options"].__setitem__("budget", float("nan"))),
                       ("sizes", lambda d: d["files"][0]["properties"][0]["scope"].__setitem__("sizes", {"d": 5}))):
        data = json.loads(report.read_text())
        edit(data)
        forged = report.parent / f"forged_{name}.json"
        forged.write_text(json.dumps(data))
        code, out, err = run_cli("verify-report", str(forged))
        assert code == 3 and "GOV004" in err and "Traceback" not in err, (name, out, err)



# ---- a review's diff and power blocks: done again by verify-report and compared by what they found

NASSAU = (ROOT / "specs" / "power" / "nassau_blocs.gov").read_text()


@pytest.fixture
def review_report(tmp_path):
    """A review with a diff block (before.gov -> after.gov, a guarantee lost) and a power block (the
    Nassau board), and the JSON report of checking it."""
    from test_review_diff import BOARD

    review, report, _ = _reviewed(tmp_path, {"before.gov": BOARD.format(quorum="majority"),
                                              "after.gov": BOARD.format(quorum="1/3"), "nassau.gov": NASSAU},
                                  "# Amendment\n\n```govspec-diff\nold: before.gov\nnew: after.gov\n```\n\n"
                                  "```govspec-power\nspec: nassau.gov\n```\n", 1)
    return tmp_path, review, report


def _reviewed(folder, files: dict[str, str], text: str, code: int):
    """The review ``text`` beside ``files`` in ``folder``, checked to JSON (exit ``code``): the
    review's path, the report's, and the report's text."""
    for name, content in files.items():
        (folder / name).write_text(content)
    review = folder / "review.md"
    review.write_text(text)
    found, out, _ = run_cli("check", "-q", "--format", "json", str(review))
    assert found == code
    report = folder / "report.json"
    report.write_text(out)
    return review, report, out


def test_a_review_s_blocks_are_done_again_and_hold(review_report):
    folder, review, report = review_report
    code, out, err = run_cli("verify-report", str(report))
    assert (code, err) == (0, "")
    assert f"{review}:3: diff block {folder / 'before.gov'} -> {folder / 'after.gov'}: as recorded\n" in out
    assert f"{review}:8: power block of nassau.gov: as recorded\n" in out
    assert out.endswith("the report holds (0 verdicts re-checked, 0 of them decided; 2 review blocks done again, "
                        "as recorded)\n")


def test_a_power_block_written_in_version_1_of_the_power_schema_still_verifies(review_report):
    """Reports written before govspec-power/2 (which moved a bounded outcome's fractions from
    "exact" to "bounded") are read as they are: the report schema takes both versions."""
    folder, review, report = review_report
    data = json.loads(report.read_text())
    (power,) = data["files"][0]["powers"]
    assert power["power"]["schema"] == "govspec-power/2"
    power["power"]["schema"] = "govspec-power/1"
    jsonschema.validate(data, json.loads((ROOT / "govspec/schemas/report.schema.json").read_text()))
    report.write_text(json.dumps(data))
    code, out, err = run_cli("verify-report", str(report))
    assert (code, err) == (0, "") and f"{review}:8: power block of nassau.gov: as recorded\n" in out


def test_a_spec_a_block_names_that_changes_what_it_finds_is_caught(review_report):
    folder, review, report = review_report
    after = folder / "after.gov"
    after.write_text(after.read_text().replace("quorum 1/3", "quorum majority"))  # (the amendment undone)
    code, out, _ = run_cli("verify-report", str(report))
    assert code == 1 and (f"{review}:3: diff block {folder / 'before.gov'} -> {folder / 'after.gov'}: "
                          "recorded exit code 1, now exit code 0\n") in out
    assert f"{review}:8: power block of nassau.gov: as recorded\n" in out
    assert "the report no longer holds (1 difference)" in out
    nassau = folder / "nassau.gov"  # a quota that changes the indices: the power block differs
    assert "passes when weight(yes) >= 16" in NASSAU
    nassau.write_text(NASSAU.replace("passes when weight(yes) >= 16", "passes when weight(yes) >= 17"))
    code, out, _ = run_cli("verify-report", str(report))
    assert code == 1 and f"{review}:8: power block of nassau.gov: recorded " in out
    assert "the report no longer holds (2 differences)" in out


def test_a_block_s_figures_per_tag_are_compared_too(tmp_path):
    """A power block 'by: tag' with 'sample: N' (Nassau's tags; 300 tagged holders whose
    Shapley-Shubik indices are estimated): verify-report does both again and they hold; a report
    whose per-tag figures were edited (an exact share, an estimate of a tag, or 'by') no longer
    holds, each named at its block."""
    people = "".join(f"  person h{i}{' tags whale' if i > 290 else ''} weight {i}\n" for i in range(1, 301))
    holders = ('organization "Holders" {\n' + people + "  body holders { members " +
               ", ".join(f"h{i}" for i in range(1, 301)) + " }\n  procedure adopt {\n    decided by holders by written "
               "consent\n      passes when weight(yes) > half of weight(members)\n  }\n}\n")
    review, report, out = _reviewed(tmp_path, {"holders.gov": holders, "nassau.gov": NASSAU},
                                    "# Power\n\n```govspec-power\nspec: nassau.gov\nby: tag\n```\n\n"
                                    "```govspec-power\nspec: holders.gov\nby: tag\nsample: 200\n```\n", 4)
    assert run_cli("verify-report", str(report))[0] == 0
    for edit, line in ((lambda nassau, holders: nassau["tags"][0]["normalised"].update(exact="1/2"), 3),
                       (lambda nassau, holders: holders["sampled_shapley"]["tags"][0]["shapley"].update(estimate=0.5), 8),
                       (lambda nassau, holders: nassau.update(by="person"), 3)):
        data = json.loads(out)
        edit(*(b["power"]["outcomes"][0] for b in data["files"][0]["powers"]))
        tampered = tmp_path / "tampered.json"
        tampered.write_text(json.dumps(data))
        code, found, _ = run_cli("verify-report", str(tampered))
        assert code == 1 and f"{review}:{line}: power block of " in found
        assert "the report no longer holds (1 difference)" in found


def test_a_spec_a_block_read_that_changed_at_all_is_a_difference(review_report):
    """The files each block read are hashed in the report: an edit that changes nothing a block
    finds (a comment) is still a difference, named with both hashes; a report that records no
    hashes for a block (an older GovSpec) cannot verify it."""
    folder, review, report = review_report
    data = json.loads(report.read_text())
    (diff,), (power,) = data["files"][0]["diffs"], data["files"][0]["powers"]
    assert [i["path"] for i in diff["inputs"]] == [str(folder / "before.gov"), str(folder / "after.gov")]
    assert [i["path"] for i in power["inputs"]] == [str(folder / "nassau.gov")]
    nassau = folder / "nassau.gov"
    nassau.write_text(NASSAU + "# a comment changes no finding\n")
    code, out, _ = run_cli("verify-report", str(report))
    assert code == 1 and f"{review}:8: power block of nassau.gov: {nassau} changed since the report (sha256 " in out
    assert f"{review}:3: diff block {folder / 'before.gov'} -> {folder / 'after.gov'}: as recorded\n" in out
    assert "the report no longer holds (1 difference)" in out
    nassau.write_text(NASSAU)  # (the same bytes again: as recorded)
    code, out, _ = run_cli("verify-report", str(report))
    assert code == 0 and f"{review}:8: power block of nassau.gov: as recorded\n" in out
    del data["files"][0]["powers"][0]["inputs"]
    report.write_text(json.dumps(data))
    code, out, _ = run_cli("verify-report", str(report))
    assert code == 1 and (f"{review}:8: power block of nassau.gov: the report records no hashes of the files the "
                          "block read (made by an older GovSpec, or malformed): it cannot be verified") in out


def test_a_file_a_block_s_spec_imports_is_hashed_too(tmp_path):
    (tmp_path / "board_rules.gov").write_text('rules "tiny" {\n  procedure act {\n    decided by board at meeting\n'
                                              '      passes when yes >= 2\n  }\n}\n')
    (tmp_path / "board.gov").write_text('import "board_rules.gov"\n\norganization "x" {\n  person a\n  person b\n'
                                        '  person c\n  body board { members a, b, c }\n}\n')
    review = tmp_path / "review.md"
    review.write_text("# Power\n\n```govspec-power\nspec: board.gov\n```\n")
    code, out, _ = run_cli("check", "-q", "--format", "json", str(review))
    (power,) = json.loads(out)["files"][0]["powers"]
    assert [os.path.realpath(i["path"]) for i in power["inputs"]] == [os.path.realpath(tmp_path / f)
                                                                      for f in ("board.gov", "board_rules.gov")]
    report = tmp_path / "report.json"
    report.write_text(out)
    rules = tmp_path / "board_rules.gov"
    rules.write_text(rules.read_text() + "\n# edited\n")
    code, out, _ = run_cli("verify-report", str(report))
    assert code == 1 and f"power block of board.gov: {power['inputs'][1]['path']} changed since the report (sha256 " in out


def test_a_block_the_report_does_not_hold_or_holds_malformed_is_a_difference(review_report):
    folder, review, report = review_report
    data = json.loads(report.read_text())
    data["files"][0]["powers"] = []
    del data["files"][0]["diffs"][0]["diff"]["guarantees"]
    report.write_text(json.dumps(data))
    code, out, _ = run_cli("verify-report", str(report))
    assert code == 1
    assert (f"{review}:3: diff block {folder / 'before.gov'} -> {folder / 'after.gov'}: the report records it "
            "malformed: it cannot be verified\n") in out
    assert f"{review}:8: power block of nassau.gov: not in the report\n" in out


def test_verify_without_a_block_runner_does_not_pass_a_review_s_blocks(review_report, monkeypatch):
    """govspec.stamps.verify is below the layer that does blocks: called without ``blocks`` (the
    command line gives it), a review's recorded blocks are differences, never "as recorded"."""
    from govspec.stamps import load_report, verify

    folder, review, report = review_report
    monkeypatch.chdir(folder)
    outcome = verify(load_report(str(report)), str(report))
    assert outcome.exit_code == 1 and outcome.differences == 2
    assert f"{review}:8: power block of nassau.gov: in the report, not done again (no block runner given)" in outcome.lines


def test_a_sampled_block_s_coleman_estimates_are_compared_too(tmp_path, monkeypatch):
    """A power block on a procedural outcome sampled (the exact analysis's limit set to 1): its
    Coleman estimates are recorded, verify-report does the block again and it holds, and a report
    whose estimate of a power to prevent was edited no longer holds."""
    import govspec.procedural

    monkeypatch.setattr(govspec.procedural, "MAX_PROFILES", 1)
    vetoed = ('organization "Vetoed" {\n  person a\n  person b\n  person c\n  person v\n'
              "  body board { members a, b, c }\n  body council { members v }\n  procedure act {\n"
              "    decided by board at meeting\n      notice none\n      passes when yes >= 2\n"
              "    vetoed by council by written consent\n      passes when yes >= 1\n  }\n}\n")
    review, report, out = _reviewed(tmp_path, {"vetoed.gov": vetoed},
                                    "# Power\n\n```govspec-power\nspec: vetoed.gov\nsample: 400\n```\n", 4)
    assert run_cli("verify-report", str(report))[0] == 0
    data = json.loads(out)
    (outcome,) = data["files"][0]["powers"][0]["power"]["outcomes"]
    assert "winning" in outcome["approximate"]
    outcome["approximate"]["players"][0]["prevent"]["estimate"] = 0.01
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(data))
    code, found, _ = run_cli("verify-report", str(tampered))
    assert code == 1 and f"{review}:3: power block of " in found and "the report no longer holds (1 difference)" in found


# ---- everything a reader reads about a result is compared, not only the verdict (status, scope, vacuity)

ANY_SIZE = (ROOT / "specs" / "delaware" / "board_any_size.gov").read_text()
BOUNDED = "board_keeps_a_quorum"  # (bounded at --depth 1: HOLDS UP TO 1 STEP FOR d OF 5 TO 9 ONLY)


def _as_a_proof(result: dict) -> None:
    """A bounded result edited to read as a proof: status and scope kept (what verify-report compared
    alone before), the words changed and the reason it is not a proof removed."""
    assert result["status"] == "bounded" and result["reason"]
    result.update(verdict="PROVED", reason=None, why=None,
                  summary="holds in every behaviour, of any length, for every size (d of at least 5)")


@pytest.fixture(scope="module")
def bounded_review(tmp_path_factory):
    """A review whose own spec (the Delaware board of any size) has a bounded property, with a diff
    block of that spec and an amendment, checked to JSON at --depth 1: its folder, the review and
    the report's text (each test writes its own tampered copy beside it)."""
    folder = tmp_path_factory.mktemp("bounded")
    amended = ANY_SIZE.replace("quorum present >= 1/3 of members ", "quorum present >= 1/2 of members ")
    assert amended != ANY_SIZE
    (folder / "any_size.gov").write_text(ANY_SIZE)
    (folder / "amended.gov").write_text(amended)
    review = folder / "review.md"
    review.write_text(f"# Review\n\n```govspec\n{ANY_SIZE}```\n\n```govspec-diff\nold: any_size.gov\nnew: amended.gov\n```\n")
    code, out, _ = run_cli("check", "-q", "--format", "json", "--depth", "1", "--timeout", "20", str(review))
    assert code == 1
    return folder, review, out


def _tampered(folder, out: str, change) -> tuple[int, str]:
    """verify-report on the report ``out`` changed by ``change`` (its data), written in ``folder``."""
    data = json.loads(out)
    change(data)
    tampered = folder / "tampered.json"
    tampered.write_text(json.dumps(data))
    code, found, _ = run_cli("verify-report", str(tampered))
    return code, found


def _named(data: dict, name: str) -> dict:
    (found,) = (p for p in data["properties"] if p["name"] == name)
    return found


def test_a_bounded_result_edited_to_read_as_a_proof_no_longer_holds(tmp_path):
    """Before: its status and scope unchanged, the report held ("as recorded", exit 0) with the
    verdict word PROVED, no reason and a summary claiming any length and every size."""
    spec = tmp_path / "any_size.gov"
    spec.write_text(ANY_SIZE)
    code, out, _ = run_cli("check", "--format", "json", "--depth", "1", "--timeout", "20", str(spec))
    assert code == 1
    assert _tampered(tmp_path, out, lambda data: None)[0] == 0
    code, found = _tampered(tmp_path, out, lambda data: _as_a_proof(_named(data["files"][0], BOUNDED)))
    assert code == 1, found
    assert (f'{spec}:37: {BOUNDED}: the report differs from the re-check in "verdict" (recorded "PROVED", now '
            '"HOLDS UP TO 1 STEP FOR d OF 5 TO 9 ONLY"), and in "summary", "reason", "why"\n') in found
    assert f"{BOUNDED}: HOLDS" not in found and found.endswith("the report no longer holds (1 difference)\n")


def test_a_review_s_bounded_result_edited_to_read_as_a_proof_no_longer_holds(bounded_review):
    folder, review, out = bounded_review
    assert _tampered(folder, out, lambda data: None)[0] == 0
    code, found = _tampered(folder, out, lambda data: _as_a_proof(_named(data["files"][0], BOUNDED)))
    assert code == 1 and f'{review}:40: {BOUNDED}: the report differs from the re-check in "verdict" (recorded "PROVED"' in found
    assert found.endswith("the report no longer holds (1 difference)\n")


def test_a_diff_block_s_bounded_side_edited_to_read_as_a_proof_no_longer_holds(bounded_review):
    """Before: a diff block compared only each side's status, scope and vacuity."""
    folder, review, out = bounded_review

    def change(data):
        (block,) = data["files"][0]["diffs"]
        (guarantee,) = (g for g in block["diff"]["guarantees"] if g["name"] == BOUNDED)
        guarantee["before"]["verdict"] = "PROVED"
        del guarantee["before"]["reason"]

    code, found = _tampered(folder, out, change)
    assert code == 1 and (f"{review}:44: diff block {folder / 'any_size.gov'} -> {folder / 'amended.gov'}: the report differs from the re-check "
                          'in "diff.guarantees[3].before.verdict" (recorded "PROVED", now "HOLDS UP TO 1 STEP FOR d OF 5 '
                          'TO 9 ONLY"), and in "diff.guarantees[3].before.reason"\n') in found
    assert found.endswith("the report no longer holds (1 difference)\n")


@pytest.fixture(scope="module")
def sampled_review(tmp_path_factory):
    """A review with a power block sampled (sample: 500; 30 holders past every exact analysis), and
    the report's text."""
    from test_power_sampling import _big_vote

    folder = tmp_path_factory.mktemp("sampled")
    _big_vote(folder)
    review, _, out = _reviewed(folder, {}, "# Power\n\n```govspec-power\nspec: big.gov\nsample: 500\n```\n", 4)
    return folder, review, out


def _sampled(data: dict) -> dict:
    (outcome,) = data["files"][0]["powers"][0]["power"]["outcomes"]
    assert outcome["exact"] is False and outcome["approximate"]["confidence"] == 0.95
    return outcome


def _no_intervals(outcome: dict) -> None:
    for player in outcome["approximate"]["players"]:
        del player["banzhaf"]["low"], player["banzhaf"]["high"]


@pytest.mark.parametrize("change,field,was,now", [
    pytest.param(lambda o: o.update(exact=True), "power.outcomes[0].exact", "true", "false", id="exact"),
    pytest.param(lambda o: o["approximate"].update(confidence=0.999), "power.outcomes[0].approximate.confidence",
                 "0.999", "0.95", id="confidence"),
    pytest.param(_no_intervals, "power.outcomes[0].approximate.players[0].banzhaf.low", "absent", None, id="intervals"),
])
def test_a_sampled_power_block_s_labels_and_intervals_are_compared(sampled_review, change, field, was, now):
    """Before: the figures compared were the estimates and the number of samples; a sampled outcome
    relabelled exact, its confidence raised or its intervals removed held ("as recorded", exit 0)."""
    folder, review, out = sampled_review
    assert _tampered(folder, out, lambda data: None)[0] == 0
    code, found = _tampered(folder, out, lambda data: change(_sampled(data)))
    assert code == 1, found
    assert (f'{review}:3: power block of big.gov: the report differs from the re-check in "{field}" (recorded {was}, '
            f"now {now if now is not None else ''}") in found
    assert found.endswith("the report no longer holds (1 difference)\n")


def test_a_bounded_power_outcome_written_in_version_1_reads_as_version_2(tmp_path):
    """A bounded outcome's fractions stood under "exact" in govspec-power/1: read as version 2 they
    are under "bounded", and the block compares equal to one done now (the outcome's own "exact":
    false stays)."""
    from test_power import VETOED

    from govspec import api
    from govspec.options import Options
    from govspec.stamps import _as_power_2, _field_differences

    spec = tmp_path / "vetoed.gov"
    spec.write_text(VETOED, encoding="utf-8")
    now = {"line": 3, "power": json.loads(json.dumps(api.power(str(spec), options=Options(unbounded=False, depth=2))))}
    assert "bounded" in now["power"]["outcomes"][0] and now["power"]["schema"] == "govspec-power/2"
    text = json.dumps(now).replace('"bounded": "', '"exact": "').replace("govspec-power/2", "govspec-power/1")
    assert text != json.dumps(now) and _field_differences(json.loads(text), now) is not None
    assert _field_differences(_as_power_2(json.loads(text)), now) is None


def test_what_varies_with_the_machine_s_load_does_not_fail_a_genuine_report():
    """A bounded result's reason names the limit that ran out first, and a proof's summary the
    prover that found it (the reference semantics when Z3's ran out of time): under load they
    differ from run to run with the same verdict, and verify-report failed the genuine report
    (found in review). Those words are read as one; every other word is compared, so a reason
    emptied or rewritten, or a prover left out, still differs (found in the next review)."""
    from govspec.stamps import _field_differences
    bounded = {"status": "bounded", "verdict": "HOLDS UP TO 4 STEPS",
               "reason": "not a proof: no proof of any length (no time left for a proof of any length); --depth 4 caps",
               "summary": "holds in every behaviour of at most 4 steps"}
    bounded["why"] = bounded["reason"]
    load = bounded["reason"].replace("no time left for a proof of any length", "time limit reached")
    assert _field_differences(bounded, bounded | {"reason": load, "why": load}) is None
    for tampered in ("", "not a proof only because time ran out; it holds for every size", None):
        assert _field_differences(bounded | {"reason": tampered}, bounded) is not None, tampered
    assert _field_differences(bounded | {"why": "proved"}, bounded) is not None
    z3 = "an inductive invariant found by Z3's Horn-clause engine, re-checked by a fresh solver"
    explored = "every reachable abstract state explored on the reference semantics (clocks capped)"
    proved = {"status": "proved", "how": z3, "summary": f"holds in every behaviour, of any length (shown by {z3})"}
    other = {"status": "proved", "how": explored, "summary": f"holds in every behaviour, of any length (shown by {explored})"}
    assert _field_differences(proved, other) is None
    assert _field_differences(proved | {"how": ""}, other) is not None
    # (a second solver's re-check is no load word: one claimed where none ran differs; found in review)
    assert _field_differences(proved | {"how": z3 + ", and by cvc5"}, proved) is not None
    assert _field_differences(proved | {"summary": proved["summary"] + " (cvc5 did not re-check it: it holds anyway)"},
                              proved) is not None
    assert _field_differences(proved | {"summary": "holds in every behaviour, of any length (shown by "
                                                   f"{z3}; and three cannot either)"}, other) is not None
    assert _field_differences(proved, other | {"summary": "holds in every behaviour of at most 4 steps"}) is not None


def test_the_load_words_are_those_the_verifier_writes():
    """Each prover and time limit LOAD_WORDS reads as one is written by the code as it stands (a
    phrase changed there would make genuine reports fail again under load)."""
    from govspec.stamps import LOAD_WORDS
    source = "".join(p.read_text() for folder in ("govspec", "verifier") for p in (ROOT / folder).rglob("*.py")
                     if p.name != "stamps.py")  # (not the patterns themselves)
    phrases = ["an inductive invariant found by Z3's Horn-clause engine, re-checked by a fresh solver",
               "every reachable abstract state explored on the reference semantics (clocks capped)",
               "every abstract state the coalition's forcing steps reach, explored on the reference semantics",
               "no time left for a proof of any length", "no time left to check the invariant found",
               "time limit reached before every abstract state was explored", "time limit reached",
               "the time ran out before it was decided"]
    assert all(f in source for f in ("the exploration's share of the time", '"the sanity check with {', '"the time for {'))
    for phrase in phrases:
        assert phrase in source, phrase
        assert any(words.search(phrase) for words, _ in LOAD_WORDS), phrase
    for made in ("the time for d of 5 ran out", "the sanity check with d of 5, e of 2 ran out",
                 "the exploration's share of the time ran out (--timeout)", "the time limit of 1e+06 s ran out (--timeout)"):
        assert any(words.fullmatch(made) for words, _ in LOAD_WORDS), made
    from govspec.clock import time_limit
    limit = time_limit(60).ran_out()  # (the words of a time limit running out, as the verifier writes them)
    assert any(words.fullmatch(limit) for words, _ in LOAD_WORDS), limit
