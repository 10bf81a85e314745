"""Diff blocks in review documents (issue 18): a ```govspec-diff block naming two specs is done as
``govspec diff OLD NEW`` when the review is checked, in every format, and counts in its exit code."""

import json
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, run_cli
from govspec import api
from govspec.diagnostics import SpecError
from govspec.diff.review import with_diff_blocks
from govspec.formats.outputs import junit, sarif
from govspec.review import diff_blocks

REPORT_SCHEMA = json.loads((ROOT / "govspec" / "schemas" / "report.schema.json").read_text())
DIFF_SCHEMA = json.loads((ROOT / "govspec" / "schemas" / "diff.schema.json").read_text())

BOARD = '''organization "Acme" {{
  person ann
  person bob
  person cat
  body board {{
    seats 3
    members ann, bob, cat
  }}
  office ceo = ann
  procedure remove_ceo {{
    decided by board at meeting
      notice none
      quorum {quorum} of members
      passes when yes > half of present
    require ceo is not vacant
    effect ceo = vacant
  }}
}}

property one_cannot_fire_ceo:
  no coalition of at most 1 in board can force remove_ceo
'''
OWN_SPEC = '''```govspec
organization "Notes" {
  person ann
  body board {
    members ann
  }
  office ceo = ann
}

property ceo_stays:
  always ceo is not vacant
```
'''


@pytest.fixture
def folder(tmp_path):
    """A review's folder: the bylaws before (quorum a majority) and after (quorum a third: one
    director alone can remove the CEO) an amendment."""
    (tmp_path / "before.gov").write_text(BOARD.format(quorum="majority"))
    (tmp_path / "after.gov").write_text(BOARD.format(quorum="1/3"))
    return tmp_path


def review(folder, old="before.gov", new="after.gov", spec=""):
    path = folder / "review.md"
    path.write_text(f"# Amendment\n\n{spec}\nThe change:\n\n```govspec-diff\nold: {old}\nnew: {new}\n```\n\nProse.\n")
    return path


def diff_line(path) -> int:
    return path.read_text().split("\n").index("```govspec-diff") + 1


def test_each_path_is_checked_where_it_stands():
    text = "# t\n\n- item\n\n  ```govspec-diff\n  # the amendment of 2026\n  old: a/before.gov\n\n  new:   after.gov\n  ```\n"
    with pytest.raises(SpecError) as err:
        diff_blocks(text, "review.md")
    # each path is checked where it stands: the column of the path, not of the key
    assert [(d.code, d.span.line, d.span.column, d.message) for d in err.value.diagnostics] == [
        ("GOV008", 7, 8, "no spec at 'a/before.gov'"), ("GOV008", 9, 10, "no spec at 'after.gov'")]


def test_paths_are_relative_to_the_review(folder):
    (folder / "sub").mkdir()
    path = folder / "sub" / "review.md"
    (folder / "sub" / "x.gov").write_text("")
    [block] = diff_blocks("```govspec-diff\nold: x.gov\nnew: ./x.gov\n```\n", str(path))
    assert (block.line, block.last, block.old, block.new) == (1, 4, "x.gov", "./x.gov")
    assert block.old_path == block.new_path == str(folder / "sub" / "x.gov")


def test_a_lost_guarantee_makes_the_review_exit_1_and_the_diff_is_govspec_diffs(folder):
    path = review(folder)
    code, out, err = run_cli("check", "-q", str(path))
    assert (code, err) == (1, "")
    d_code, d_out, _ = run_cli("diff", str(folder / "before.gov"), str(folder / "after.gov"))
    assert d_code == 1 and "one_cannot_fire_ceo  PROVED -> REFUTED   (held before, fails now)" in d_out
    # the review prints the diff as `govspec diff` does, its first line located at the block
    assert out == f"{path}:{diff_line(path)}: {d_out}"


def test_nothing_lost_exits_0_and_the_review_s_own_verdicts_count_too(folder):
    path = review(folder, old="after.gov", new="before.gov")  # the amendment undone: a guarantee gained
    code, out, _ = run_cli("check", "-q", str(path))
    assert code == 0 and "(failed before, holds now)" in out and "0 properties lost; exit code 0" in out
    path = review(folder, spec=OWN_SPEC)  # the review's own property holds, the diff loses one: 1
    code, out, _ = run_cli("check", "-q", str(path))
    own = path.read_text().split("\n").index("property ceo_stays:") + 1
    assert code == 1 and out.startswith(f"{path}:{own}: ceo_stays ... PROVED")
    assert f"\n\n{path}:{diff_line(path)}: govspec diff: " in out
    path = review(folder, old="before.gov", new="before.gov", spec=OWN_SPEC)
    assert run_cli("check", "-q", str(path))[0] == 0


def test_json_holds_each_diff_under_its_schema(folder):
    path = review(folder, spec=OWN_SPEC)
    code, out, _ = run_cli("check", "-q", "--format", "json", str(path))
    assert code == 1
    report = json.loads(out)
    jsonschema.validate(report, REPORT_SCHEMA)
    [entry] = report["files"][0]["diffs"]
    jsonschema.validate(entry["diff"], DIFF_SCHEMA)
    assert (entry["line"], entry["exit_code"]) == (diff_line(path), 1)
    assert entry["old"] == entry["diff"]["old"] == str(folder / "before.gov")
    _, d_json, _ = run_cli("diff", "--format", "json", str(folder / "before.gov"), str(folder / "after.gov"))
    expected = json.loads(d_json)
    for side in (entry["diff"], expected):  # (timings differ from run to run)
        for g in side["guarantees"]:
            for result in (g["before"], g["after"]):
                result["seconds"] = 0
        for p in side["power"]:
            for least in (p["before"], p["after"]):
                if least and least.get("witness"):
                    least["witness"]["seconds"] = 0
    assert entry["diff"] == expected
    # a report without diff blocks has no "diffs" (the JSON of every other report is unchanged)
    _, plain, _ = run_cli("check", "-q", "--format", "json", str(folder / "before.gov"))
    assert "diffs" not in json.loads(plain)["files"][0]


def test_markdown_and_html_show_the_diff(folder, tmp_path):
    path = review(folder, spec=OWN_SPEC)
    code, md, _ = run_cli("check", "-q", "--format", "markdown", str(path))
    assert code == 1
    # the diff's own Markdown, one heading level down, under the report's title
    assert md.startswith("# GovSpec report\n") and "\n## What the change does: " in md
    assert "\n### Rules (1 change)\n" in md and "\n#### `one_cannot_fire_ceo`: held before, fails now\n" in md
    code, page, _ = run_cli("check", "-q", "--format", "html", str(path))
    assert code == 1 and '<section class="govspec-diff">' in page and "<h2>What the change does: " in page
    code, page, _ = run_cli("report", "-q", str(path))
    assert code == 1 and "<script" not in page
    assert "Diff blocks: line %d, a property lost." % diff_line(path) in page
    order = [page.index(marker) for marker in (
        "property ceo_stays",  # the spec block, then its verdicts
        '<a href="#ceo_stays">',
        "old: before.gov",  # the diff block, then its diff, as a section of the review
        '<section class="govspec-diff">',
        "<h3>What the change does: ",
        "held before, fails now",
        "<p>Prose.</p>",
    )]
    assert order == sorted(order)


def test_a_review_of_diffs_only_has_no_spec_of_its_own(folder):
    """No govspec block but a diff block: not GOV005, a review of other specs."""
    path = review(folder)
    code, out, _ = run_cli("check", "-q", "--format", "json", str(path))
    report = json.loads(out)
    assert code == 1 and report["files"][0]["errors"] == [] and report["files"][0]["properties"] == []
    code, text, _ = run_cli("check", "-q", str(path))
    assert "no properties to check" not in text
    assert run_cli("check", "-q", "-j", "2", str(path)) == (code, text, "")  # (files loaded in the parent, as on one)
    from govspec import api

    # the API checks such a review as a file with no properties (its diffs are done above it)
    [checked] = api.check_files([str(path)]).files
    assert (checked.errors, checked.properties, checked.diffs) == ((), (), ())


BAD_BLOCKS = [  # (block lines, line, column, message) of the first error; the block starts at line 3
    (["old: before.gov", "nwe: after.gov"], 5, 1, "unknown key 'nwe' in a diff block (did you mean 'new'?)"),
    (["old: before.gov", "new after.gov"], 5, 1, "a diff block line is 'old: PATH' or 'new: PATH', not 'new after.gov'"),
    (["old: before.gov"], 3, 1, "this diff block lacks 'new: PATH'"),
    (["old: before.gov", "new: after.gov", "old: after.gov"], 6, 1, "'old' is given twice in this diff block"),
    (["old: ../before.gov", "new: after.gov"], 4, 6, "'../before.gov' is outside the folder of the review"),
    (["old: /etc/passwd.gov", "new: after.gov"], 4, 6, "a diff block's paths are relative to the review's folder, "
                                                       "not '/etc/passwd.gov'"),
    (["old: before.md", "new: after.gov"], 4, 6, "a diff block compares two .gov specs, not 'before.md'"),
    (["old: befor.gov", "new: after.gov"], 4, 6, "no spec at 'befor.gov'"),
    (["old:", "new: after.gov"], 4, 1, "a diff block's paths are relative to the review's folder, not ''"),
]


@pytest.mark.parametrize("lines,line,column,message", BAD_BLOCKS, ids=[b[3][:40] for b in BAD_BLOCKS])
def test_bad_diff_blocks_are_located_errors(folder, lines, line, column, message):
    inner = folder / "inner"
    inner.mkdir()
    for name in ("before.gov", "after.gov"):
        (inner / name).write_text((folder / name).read_text())
    path = inner / "review.md"
    path.write_text("# t\n\n```govspec-diff\n" + "\n".join(lines) + "\n```\n")
    for command in ("check", "report"):
        code, out, err = run_cli(command, "-q", str(path))
        assert code == 3 and "Traceback" not in err
        source = lines[line - 4] if line > 3 else "```govspec-diff"
        assert err.startswith(f"{path}:{line}:{column}: error[GOV008]: {message}\n {line} | {source}\n"
                              f"   | {' ' * (column - 1)}^"), err
        assert command == "report" or out == ""


def test_an_invalid_spec_named_by_a_block_is_an_error_of_the_review(folder):
    (folder / "after.gov").write_text(BOARD.format(quorum="majority").replace("decided by board", "decided by bord"))
    path = review(folder, spec=OWN_SPEC)
    code, out, err = run_cli("check", str(path))
    assert (code, out) == (3, "")
    assert err.startswith(f"{folder / 'after.gov'}:11:16: error[GOV104]: unknown body 'bord' (did you mean 'board'?)\n"
                          " 11 |     decided by bord at meeting\n")
    assert f"note: {folder / 'after.gov'} is the new spec of the diff block at {path}:{diff_line(path)}\n" in err



def test_sarif_and_junit_report_a_lost_property_at_the_block(folder):
    path = review(folder, spec=OWN_SPEC)
    code, out, _ = run_cli("check", "-q", "--format", "sarif", str(path))
    log = json.loads(out)
    jsonschema.Draft4Validator(json.loads((ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text())).validate(log)
    [result] = log["runs"][0]["results"]  # (the review's own property holds: no result)
    assert code == 1 and (result["ruleId"], result["level"], result["kind"]) == ("one_cannot_fire_ceo", "error", "fail")
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": diff_line(path)}
    assert result["message"]["text"].startswith(f"one_cannot_fire_ceo: PROVED -> REFUTED (held before, fails now), "
                                                f"from {folder / 'before.gov'} to {folder / 'after.gov'}; under the new rules, REFUTED: ")
    code, out, _ = run_cli("check", "-q", "--format", "junit", str(path))
    assert code == 1 and '<testsuite name="%s" tests="2" failures="1" errors="0"' % path in out
    assert f'name="diff {folder / "before.gov"} -&gt; {folder / "after.gov"}"' in out and 'type="property lost"' in out
    path = review(folder, old="after.gov", new="before.gov")  # nothing lost: a passing case
    code, out, _ = run_cli("check", "-q", "--format", "junit", str(path))
    assert code == 0 and 'tests="1" failures="0" errors="0"' in out
    assert run_cli("check", "-q", "--format", "sarif", str(path))[1].count('"ruleId"') == 0


def test_sarif_and_junit_name_each_diff_finding_with_its_verdicts_and_reason(tmp_path):
    """A block's findings in the text diff's words: the right property (JUnit's message named the
    first property listed, an undecided one, not the one lost), its verdict on each side and the
    reason of an undecided side (SARIF said only 'NAME: undecided from A to B')."""
    for name in ("board_2023.gov", "board_2023_seat_quorum.gov"):
        (tmp_path / name).write_text((ROOT / "specs" / "openai" / name).read_text())
    old, new = tmp_path / "board_2023.gov", tmp_path / "board_2023_seat_quorum.gov"
    reason = "reason: not a proof: no proof of any length (a longer behaviour may violate it); --depth 1 caps the search"
    undecided = ("ceo_removal_needs_three_or_notice: HOLDS UP TO 1 STEP -> PROVED (not decided under the old rules), "
                 f"from {old} to {new}; under the old rules, HOLDS UP TO 1 STEP: holds in every behaviour of at most "
                 f"1 step; {reason}")
    lost = (f"four_can_fire_ceo: PROVED -> REFUTED (held before, fails now), from {old} to {new}; under the new rules, "
            "REFUTED: {dangelo, mccauley, sutskever, toner} cannot force remove_ceo: no forcing sequence of any length")
    path = review(tmp_path, old="board_2023.gov", new="board_2023_seat_quorum.gov")
    options = api.Options(depth=1)
    report = with_diff_blocks(api.check_files([str(path)], options), options)  # (one check for both formats)
    results = sarif(report)["runs"][0]["results"]
    assert report.exit_code == 1 and [(r["ruleId"], r["level"]) for r in results] == [
        ("ceo_removal_needs_three_or_notice", "warning"), ("four_can_fire_ceo", "error")]
    assert results[0]["message"]["text"] == undecided and results[1]["message"]["text"].startswith(lost)
    failure = ET.fromstring(junit(report)).find("testsuite/testcase/failure")
    assert failure.get("type") == "property lost" and failure.get("message").startswith(lost)
    path = review(tmp_path, old="board_2023.gov", new="board_2023.gov")  # undecided on both sides, nothing lost
    code, out, _ = run_cli("check", "-q", "--depth", "1", "--format", "junit", str(path))
    error = ET.fromstring(out).find("testsuite/testcase/error")
    assert code == 4 and error.get("type") == "undecided"
    assert error.get("message") == (
        "ceo_removal_needs_three_or_notice: HOLDS UP TO 1 STEP -> HOLDS UP TO 1 STEP (not decided under the old rules "
        f"nor the new), from {old} to {old}; under the old rules, HOLDS UP TO 1 STEP: holds in every behaviour of at "
        f"most 1 step; {reason}; under the new rules, HOLDS UP TO 1 STEP: holds in every behaviour of at most 1 step; "
        f"{reason}")


def test_ctrl_c_during_a_diff_prints_no_partial_diff(folder, monkeypatch):
    import govspec.diff.review

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(govspec.diff.review, "diff_models", interrupted)
    path = review(folder, spec=OWN_SPEC)
    code, out, err = run_cli("check", "-q", str(path))
    assert code == 130 and "ceo_stays ... PROVED" in out and "govspec diff:" not in out + err
    assert err.endswith(f"govspec: interrupted (Ctrl-C); not checked: {path}: the diff block at line {diff_line(path)}\n")


def test_too_many_diff_blocks_and_a_fence_in_a_list(folder):
    block = "```govspec-diff\nold: before.gov\nnew: after.gov\n```\n\n"
    path = folder / "many.md"
    path.write_text("# t\n\n" + block * 17)
    code, _, err = run_cli("check", "-q", str(path))
    assert code == 3 and err.startswith(f"{path}:{3 + 16 * 5}:1: error[GOV003]: more than 16 diff blocks in one review\n")
    path.write_text("# t\n\n- item\n\n  > ```govspec-diff\n  > old: before.gov\n  > ```\n")
    code, _, err = run_cli("check", "-q", str(path))
    assert code == 3 and err.startswith(f"{path}:5:5: error[GOV008]: this diff block lacks 'new: PATH'\n"
                                        " 5 |   > ```govspec-diff\n   |     ^^^^^^^^^^^^^^^\n"), err


def test_an_output_never_overwrites_a_spec_a_diff_block_compares(folder):
    path = review(folder)
    before = (folder / "before.gov").read_text()
    for args in (["report", str(path), "-o", str(folder / "before.gov")],
                 ["check", str(path), "--json-out", str(folder / "after.gov")]):
        code, _, err = run_cli(*args)
        assert code == 3 and "error[GOV006]" in err and "spec of a diff block of" in err, err
    assert (folder / "before.gov").read_text() == before and "quorum 1/3" in (folder / "after.gov").read_text()


def test_ctrl_c_names_the_later_reviews_diff_blocks_as_left(folder, monkeypatch):
    import govspec.diff.review

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(govspec.diff.review, "diff_models", interrupted)
    first = review(folder, spec=OWN_SPEC)
    second = folder / "second.md"
    second.write_text(first.read_text())
    code, out, err = run_cli("check", "-q", str(first), str(second))
    assert code == 130 and out.count("ceo_stays ... PROVED") == 2  # (both reviews' own properties were checked)
    assert err.endswith(f"not checked: {first}: the diff block at line {diff_line(first)}; {second}: its diff blocks\n")


PIECES = ["```govspec-diff\n", "```\n", "~~~govspec-diff\n", "~~~\n", "> ", "- ", "  ", "\t", "old: before.gov\n",
          "new: after.gov\n", "new: ../x.gov\n", "old:\n", "nwe: x\n", "x\n", ": \n", "# c\n", "\n", "`", "```govspec\n"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_any_markdown_gives_diff_blocks_or_located_errors(tmp_path_factory, text):
    """Whatever the Markdown, reading its diff blocks gives blocks or GOV008/GOV003 errors, each on a
    line of the file, never an exception of another kind."""
    folder = tmp_path_factory.getbasetemp() / "any-markdown"
    folder.mkdir(exist_ok=True)
    for name in ("before.gov", "after.gov"):
        (folder / name).write_text("")
    lines = text.split("\n")
    try:
        found = diff_blocks(text, str(folder / "review.md"))
    except SpecError as err:
        for d in err.diagnostics:
            assert d.code in ("GOV008", "GOV003") and 1 <= d.span.line <= len(lines) and d.span.column >= 1
            assert d.span.column <= len(lines[d.span.line - 1].expandtabs(1)) + 1 or d.span.column == 1
        return
    for block in found:
        assert block.old_path.endswith(".gov") and block.new_path.endswith(".gov") and 1 <= block.line <= block.last


def test_a_path_through_a_symbolic_link_is_confined_as_it_is_read(tmp_path):
    """(review) 's/../evil.gov', with 's' a link to d1/d2: the file read is the review folder's evil.gov,
    a link to a spec outside; it must be refused, as 'evil.gov' is."""
    rev, outside = tmp_path / "rev", tmp_path / "outside"
    (rev / "d1" / "d2").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.gov").write_text(BOARD.format(quorum="majority"))
    (rev / "d1" / "evil.gov").write_text(BOARD.format(quorum="majority"))
    (rev / "after.gov").write_text(BOARD.format(quorum="majority"))
    (rev / "s").symlink_to(rev / "d1" / "d2")
    (rev / "evil.gov").symlink_to(outside / "secret.gov")
    for raw in ("evil.gov", "s/../evil.gov"):
        path = rev / "review.md"
        path.write_text(f"# t\n\n```govspec-diff\nold: {raw}\nnew: after.gov\n```\n")
        code, out, err = run_cli("check", "-q", str(path))
        assert code == 3 and f"'{raw}' is outside the folder of the review" in err, (raw, err)
