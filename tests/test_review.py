"""Review documents: Markdown files whose ```govspec blocks form one spec.

``govspec check review.md`` reports positions in the Markdown file's own lines;
``govspec report review.md -o review.html`` puts each block's verdicts after the block.
"""

import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, run_cli
from govspec.diagnostics import SpecError
from govspec.review import spec_text

REVIEW = ROOT / "docs" / "review-openai.md"


@pytest.fixture
def review(tmp_path):
    path = tmp_path / "review.md"
    shutil.copy(REVIEW, path)
    return path


def test_the_docs_review_checks_at_its_own_lines():
    code, out, err = run_cli("check", "docs/review-openai.md")
    assert code == 1 and err == ""
    lines = REVIEW.read_text().split("\n")
    for verdict in out.splitlines()[:3]:
        where, name = verdict.split(": ")[0], verdict.split(": ")[1].split(" ")[0]
        line = int(where.split(":")[1])
        assert lines[line - 1].startswith(f"property {name}"), verdict


def test_errors_point_into_the_markdown(review):
    review.write_text(review.read_text().replace("decided by board at meeting", "decided by bord at meeting"))
    code, out, err = run_cli("check", str(review))
    assert code == 3 and out == ""
    line = next(i for i, text in enumerate(review.read_text().split("\n"), start=1) if "decided by bord" in text)
    assert err.startswith(f"{review}:{line}:16: error[GOV104]: unknown body 'bord' (did you mean 'board'?)\n"
                          f" {line} |     decided by bord at meeting\n"
                          f" {' ' * len(str(line))} |                ^^^^\n")


def test_blocks_in_lists_and_quotes_keep_their_columns(tmp_path):
    path = tmp_path / "quoted.md"
    path.write_text('# x\n\n- an item:\n\n  > ```govspec\n  > organization "x" {\n  >   person a\n  >   bogus\n  > }\n  > ```\n')
    code, _, err = run_cli("check", str(path))
    assert code == 3
    assert err.startswith(f"{path}:8:7: error[GOV100]: unexpected 'bogus'\n 8 |   >   bogus\n   |       ^^^^^\n"), err


def test_only_govspec_blocks_are_the_spec():
    text = "# t\n\n```text\nnot a spec\n```\n\n```govspec\nperson a\n```\n\n    ```govspec\n    indented code\n"
    assert spec_text(text, "t.md").split("\n") == ["", "", "", "", "", "", "", "person a", "", "", "", "", ""]


# Review documents that are not specs: the code, line and message (see tests/test_errors.py).
REVIEW_CASES = [
    pytest.param("# Notes\n\nNo spec here.\n", "GOV005", 1, "no 'govspec' code blocks in this Markdown file", id="no-blocks"),
    pytest.param("# Notes\n\n```govspec-diff\n```\n", "GOV008", 3, "this diff block lacks 'old: PATH' and 'new: PATH'",
                 id="empty-diff-block"),
]


@pytest.mark.parametrize("text,code,line,message", REVIEW_CASES)
def test_reviews_without_a_spec(tmp_path, text, code, line, message):
    path = tmp_path / "notes.md"
    path.write_text(text)
    exit_code, out, err = run_cli("check", str(path))
    assert (exit_code, out) == (3, "")
    assert err.startswith(f"{path}:{line}:1: error[{code}]: {message}\n"), err


def test_report_inserts_verdicts_and_scenarios_after_each_block(tmp_path):
    out = tmp_path / "review.html"
    code, stdout, err = run_cli("report", "docs/review-openai.md", "-o", str(out))
    assert (code, stdout, err) == (1, "", f"govspec: wrote {out}\n")
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert "<title>Review: could two directors have removed OpenAI&#39;s CEO? (docs/review-openai.md)</title>" in page
    order = [page.index(marker) for marker in (
        "property ceo_removal_needs_three_or_notice",  # the block ...
        '<a href="#ceo_removal_needs_three_or_notice">',  # ... its verdict table ...
        '<svg class="timeline"',  # ... and its scenario's timeline
        "No two directors can <em>force</em>",  # then the review goes on
        "property two_cannot_fire_ceo",
        '<a href="#two_cannot_fire_ceo">',
        "property four_can_fire_ceo",
        '<a href="#four_can_fire_ceo">',
        "<h2>Conclusion</h2>",
    )]
    assert order == sorted(order)
    assert page.count('<svg class="timeline"') == 2 and "sha256" in page


def test_the_page_shows_the_review_as_checked_not_as_edited_after(review, monkeypatch):
    """Read once: a review edited while it is checked is rendered as it was checked (the page was
    made from a second read, so new prose stood beside verdicts of the old text)."""
    from govspec import api

    checked = api.check_files

    def check_then_edit(*args, **kwargs):
        report = checked(*args, **kwargs)
        review.write_text(review.read_text().replace("Conclusion", "EDITED AFTER THE CHECK"))
        return report

    monkeypatch.setattr(api, "check_files", check_then_edit)
    code, page, _ = run_cli("report", str(review))
    assert code == 1 and "<h2>Conclusion</h2>" in page and "EDITED AFTER THE CHECK" not in page


def test_raw_html_in_a_review_is_text(review, tmp_path):
    review.write_text(review.read_text() + '\n<script>alert("x")</script>\n')
    code, page, _ = run_cli("report", str(review))
    assert code == 1 and "<script" not in page and "&lt;script&gt;" in page


def test_report_of_an_invalid_review_gives_the_errors_and_no_page(review, tmp_path):
    """Bad input writes nothing (it once gave a page of its errors, over -o OUT too): the errors are
    on standard error, located, and a page already there stays as it was."""
    review.write_text(review.read_text().replace("decided by board at meeting", "decided by bord at meeting"))
    code, page, err = run_cli("report", str(review))
    assert code == 3 and page == "" and "error[GOV104]: unknown body 'bord'" in err and "^" in err
    kept = tmp_path / "kept.html"
    kept.write_bytes(b"<p>last week's page</p>\n")
    code, page, err = run_cli("report", str(review), "-o", str(kept))
    assert code == 3 and page == "" and "error[GOV104]" in err and f"nothing written to '{kept}'" in err
    assert kept.read_bytes() == b"<p>last week's page</p>\n"


def test_report_of_a_spec_file_is_the_html_report():
    code, page, _ = run_cli("report", "specs/openai/board_2023.gov")
    assert code == 1 and page.count('<svg class="timeline"') == 2
    # (issue 16.3) the organisation and the file name the page, and a count of verdicts opens it
    assert "<title>OpenAI, Inc. (17 November 2023, reported): specs/openai/board_2023.gov</title>" in page
    assert "<h1>OpenAI, Inc. (17 November 2023, reported): specs/openai/board_2023.gov</h1>" in page
    assert '<p class="stamp">Checked by GovSpec: 2 proved, 1 refuted.</p>' in page


def test_report_to_an_unwritable_file_is_a_usage_error(tmp_path):
    code, _, err = run_cli("report", "specs/openai/board_2023.gov", "-o", str(tmp_path / "no" / "r.html"))
    assert code == 2 and err.startswith("govspec: cannot write ")


MARKDOWN_PIECES = st.sampled_from(["```govspec\n", "```\n", "~~~govspec\n", "~~~\n", "> ", "- ", "  ", "    ", "\t",
                                   "person a\n", "# t\n", "\n", "`", "x", "<b>", "1. ", "```govspec extra\n"])


@settings(max_examples=200, deadline=None)
@given(st.lists(MARKDOWN_PIECES, max_size=40).map("".join))
def test_spec_text_keeps_every_line_and_column(text):
    try:
        spec = spec_text(text, "t.md")
    except SpecError as err:
        assert [d.code for d in err.diagnostics] == ["GOV005"]
        return
    original, lines = text.split("\n"), spec.split("\n")
    assert len(lines) == len(original)
    for kept, line in zip(lines, original):
        assert not kept.strip() or (len(kept) == len(line) and line.endswith(kept.lstrip(" "))) or "\t" in line
