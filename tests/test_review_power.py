"""Power blocks in review documents (```govspec-power): each done as `govspec power SPEC`, shown where
the block stands in every format, counted in the exit code; malformed blocks are located errors."""

import json

import jsonschema
import pytest

from conftest import ROOT, run_cli
from test_imports import ORG, RULES
from test_power import VETOED
from test_reports import validate_sarif

REVIEW = """# Who can pass the act

```govspec-power
spec: vetoed.gov
{outcome}```

The end.
"""


def _review(tmp_path, outcome: str = "", spec: str = VETOED):
    (tmp_path / "vetoed.gov").write_text(spec, encoding="utf-8")
    review = tmp_path / "review.md"
    review.write_text(REVIEW.replace("{outcome}", outcome), encoding="utf-8")
    return str(review)


def test_a_power_block_is_shown_in_every_format(tmp_path):
    review = _review(tmp_path, "outcome: act\n")
    code, out, err = run_cli("check", review)
    assert code == 0, err
    assert f"{review}:3: power block:\nvetoed.gov: act (procedure over board, council" in out
    assert "  vetoes: v\n" in out
    code, out, _ = run_cli("check", "--format", "json", review)
    report = json.loads(out)
    jsonschema.validate(report, json.loads((ROOT / "govspec/schemas/report.schema.json").read_text()))
    (power,) = report["files"][0]["powers"]
    assert power["line"] == 3 and power["spec"] == "vetoed.gov" and power["exit_code"] == 0
    assert power["power"]["outcomes"][0]["vetoes"] == ["v"]
    code, out, _ = run_cli("check", "--format", "markdown", review)
    assert "## Power in `vetoed.gov`\n\n### act: procedure over board, council" in out and "| `v` |" in out
    code, out, _ = run_cli("check", "--format", "html", review)
    assert out.count("<rect") == 4 and 'data-player="v" data-value="2/5"' in out
    page = tmp_path / "page.html"
    code, _, _ = run_cli("report", review, "-o", str(page))
    html = page.read_text(encoding="utf-8")
    assert code == 0 and html.index("spec: vetoed.gov") < html.index('class="govspec-power"') < html.index("The end.")
    # (the headline counted the properties alone: "Checked by GovSpec: 0 properties." for a review of power blocks)
    assert "Power blocks: line 3 (vetoed.gov), every outcome exact." in html


def test_a_power_block_that_is_not_exact_makes_the_review_inconclusive(tmp_path):
    people = "".join(f"  person p{i} weight {i + 1}\n" for i in range(13))
    many = (f'organization "Many" {{\n{people}  body board {{ members {", ".join(f"p{i}" for i in range(13))} }}\n'
            "  event leave(d in board) { effect remove d from board }\n"
            "  procedure act {\n    decided by board at meeting\n      passes when yes >= 7\n  }\n}\n")
    review = _review(tmp_path, spec=many)
    code, out, _ = run_cli("check", "--format", "json", review)
    assert code == 4
    (power,) = json.loads(out)["files"][0]["powers"]
    assert power["exit_code"] == 4 and "too many coalitions" in power["power"]["unsupported"][0]["reason"]
    # SARIF and JUnit show the limit too: a warning at the block, a JUnit error (never a pass)
    code, out, _ = run_cli("check", "--format", "sarif", review)
    log = json.loads(out)
    validate_sarif(log)
    (result,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "govspec-power"]
    assert code == 4 and result["level"] == "warning" and result["kind"] == "fail"
    assert result["message"]["text"].startswith("power block vetoed.gov: 'act' is not analysed: ")
    assert "too many coalitions" in result["message"]["text"]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
    assert result["properties"]["power"] == {"spec": "vetoed.gov", "exit_code": 4}
    code, out, _ = run_cli("check", "--format", "junit", review)
    assert code == 4 and '<testcase classname="' in out and 'name="power vetoed.gov"' in out
    assert '<error type="not exact or incomplete" message="\'act\' is not analysed: ' in out.replace("&apos;", "\'")
    assert 'errors="1"' in out


def test_an_exact_power_block_is_a_passing_case_and_no_sarif_result(tmp_path):
    review = _review(tmp_path, "outcome: act\n")
    code, out, _ = run_cli("check", "--format", "sarif", review)
    assert code == 0 and all(r["ruleId"] != "govspec-power" for r in json.loads(out)["runs"][0]["results"])
    code, out, _ = run_cli("check", "--format", "junit", review)
    assert code == 0 and 'name="power vetoed.gov"' in out and "<error" not in out and "<failure" not in out


def test_a_malformed_power_block_is_a_located_error(tmp_path):
    review = _review(tmp_path, "outcom: act\n")
    code, out, err = run_cli("check", review)
    assert code == 3 and "review.md:5:1: error[GOV008]: unknown key 'outcom' in a power block (did you mean 'outcome'?)" in err
    (tmp_path / "review.md").write_text(REVIEW.replace("spec: vetoed.gov\n", "spec: ../elsewhere.gov\n").replace("{outcome}", ""))
    code, _, err = run_cli("check", str(tmp_path / "review.md"))
    assert code == 3 and "review.md:4:7: error[GOV008]: '../elsewhere.gov' is outside the folder of the review" in err
    review = _review(tmp_path, "outcome: nothing\n")
    code, _, err = run_cli("check", review)
    assert code == 3 and "review.md:5:10: error[GOV008]: no procedure 'nothing'" in err


def test_a_power_block_may_ask_for_each_size(tmp_path):
    """'each-size: yes' is `govspec power --each-size` at the block: the same game at each size the
    resignations reach, in text, JSON and Markdown; 'each-size: no' and no line are the plain analysis."""
    from test_power import CHAIRED

    (tmp_path / "chaired.gov").write_text(CHAIRED, encoding="utf-8")
    review = tmp_path / "review.md"
    for line, sized in (("each-size: yes\n", True), ("each-size: no\n", False), ("", False)):
        review.write_text(REVIEW.replace("vetoed.gov", "chaired.gov").replace("{outcome}", line), encoding="utf-8")
        code, out, err = run_cli("check", "--engine", "explicit", str(review))
        assert code == 0, err
        assert ("board of 3, without any 1 of {a, b, c} (each scenario after a left):" in out) is sized
        code, alone, _ = run_cli("power", "--engine", "explicit", *(["--each-size"] if sized else []),
                                 str(tmp_path / "chaired.gov"))
        assert alone.split(": ", 1)[1] in out.split("power block:\n", 1)[1]  # (as govspec power says it)
        code, out, _ = run_cli("check", "--engine", "explicit", "--format", "json", str(review))
        (power,) = json.loads(out)["files"][0]["powers"]
        assert ("sizes" in power["power"]["outcomes"][0]) is sized
        code, out, _ = run_cli("check", "--engine", "explicit", "--format", "markdown", str(review))
        assert ("### At each size of board" in out or "#### At each size of board" in out) is sized


def test_each_size_is_yes_or_no(tmp_path):
    review = _review(tmp_path, "each-size: maybe\n")
    code, _, err = run_cli("check", review)
    assert code == 3
    assert "review.md:5:12: error[GOV008]: 'each-size' is 'yes' or 'no', not 'maybe'" in err
    assert "^^^^^" in err


def test_a_power_block_may_ask_by_tag_with_a_sample(tmp_path):
    """'by: tag' and 'sample: N' are `govspec power --by tag --sample N` at the block: a vote of 150
    tagged holders (its Banzhaf indices alone) gets its Shapley-Shubik indices estimated, per player
    and per tag, as govspec power gives them (seeded: the same figures), and the review exits 4."""
    people = "".join(f"  person h{i}{' tags whale' if i > 140 else ''} weight {i}\n" for i in range(1, 151))
    spec = ('organization "Holders" {\n' + people + "  body holders { members "
            + ", ".join(f"h{i}" for i in range(1, 151)) + " }\n  procedure adopt {\n"
            "    decided by holders by written consent\n      passes when weight(yes) > half of weight(members)\n  }\n}\n")
    review = _review(tmp_path, "by: tag\nsample: 1000\n", spec=spec)
    code, out, _ = run_cli("check", "--format", "json", review)
    assert code == 4
    (power,) = json.loads(out)["files"][0]["powers"]
    (act,) = power["power"]["outcomes"]
    assert power["exit_code"] == 4 and act["by"] == "tag" and act["sampled_shapley"]["orders"] == 1000
    assert [t["tag"] for t in act["sampled_shapley"]["tags"]] == ["whale"] == [t["tag"] for t in act["tags"]]
    _, alone, _ = run_cli("power", "--format", "json", "--by", "tag", "--sample", "1000", str(tmp_path / "vetoed.gov"))
    assert json.loads(alone)["outcomes"] == power["power"]["outcomes"]
    code, out, _ = run_cli("check", review)
    assert code == 4 and "  per tag (the estimates of the members with the tag, added up;" in out


def test_by_and_sample_take_what_govspec_power_takes(tmp_path):
    """A 'by' other than person, tag or principal, 'by: tag' beside a bloc, and a sample that is not
    a whole number from 100 to 10,000,000 are each GOV008 at the value, with a caret."""
    for lines, message in (("by: people\n", "review.md:5:5: error[GOV008]: 'by' is 'person', 'tag' or 'principal', "
                                               "not 'people'"),
                           ("bloc: whale\nby: tag\n", "review.md:6:5: error[GOV008]: a bloc is one player in the place "
                                                     "of its people: give it with the players by person, not by tag"),
                           ("sample: 50\n", "review.md:5:9: error[GOV008]: 'sample' is a whole number from 100 to "
                                            "10,000,000, not '50'"),
                           ("sample: many\n", "not 'many'"), ("sample: 1e4\n", "not '1e4'")):
        code, _, err = run_cli("check", _review(tmp_path, lines))
        assert code == 3 and message in err and "^" in err, err
    quoted = tmp_path / "quoted.md"  # (in a quote, as in a list: at the value all the same)
    quoted.write_text("# R\n\n> ```govspec-power\n> spec: vetoed.gov\n> by: tags\n> ```\n", encoding="utf-8")
    code, _, err = run_cli("check", str(quoted))
    assert code == 3 and "quoted.md:5:7: error[GOV008]: 'by' is 'person', 'tag' or 'principal', not 'tags'" in err
    assert " 5 | > by: tags\n   |       ^^^^" in err


def test_a_faulty_value_is_pointed_at_in_a_list_and_a_quote_as_in_a_plain_block(tmp_path):
    """Each faulty 'each-size', 'by' and 'sample' is GOV008 at its value, with a caret under the value,
    wherever the block stands (plain, in a list item, in a quote) and however the line is spaced; an
    empty value at the place just after the colon."""
    (tmp_path / "vetoed.gov").write_text(VETOED, encoding="utf-8")
    review = tmp_path / "review.md"
    review.write_text("# R\n\n```govspec-power\nspec: vetoed.gov\neach-size: maybe\n  by:   people\nsample: 50\n```\n\n"
                      "- A list item:\n\n  ```govspec-power\n  spec: vetoed.gov\n  each-size: maybe\n  by:   people\n"
                      "  sample: 50\n  ```\n\n> ```govspec-power\n> spec: vetoed.gov\n> each-size:\n>   by: people\n"
                      "> sample: 1e4\n> ```\n", encoding="utf-8")
    code, _, err = run_cli("check", str(review))
    assert code == 3
    for where, shown in (("5:12", " 5 | each-size: maybe\n   |            ^^^^^\n"),
                         ("6:9", " 6 |   by:   people\n   |         ^^^^^^\n"),
                         ("7:9", " 7 | sample: 50\n   |         ^^\n"),
                         ("14:14", " 14 |   each-size: maybe\n    |              ^^^^^\n"),
                         ("15:9", " 15 |   by:   people\n    |         ^^^^^^\n"),
                         ("16:11", " 16 |   sample: 50\n    |           ^^\n"),
                         ("21:13", " 21 | > each-size:\n    |             ^\n"),
                         ("22:9", " 22 | >   by: people\n    |         ^^^^^^\n"),
                         ("23:11", " 23 | > sample: 1e4\n    |           ^^^\n")):
        assert f"review.md:{where}: error[GOV008]: " in err and shown in err, (where, err)


def test_the_api_does_the_blocks_in_the_steps_docs_cli_md_names(tmp_path):
    """docs/cli.md: api.check_files checks a review's own properties; the diff and power blocks are
    done above the API by with_diff_blocks and with_power_blocks, as the command line does."""
    from govspec import api
    from govspec.diff.review import with_diff_blocks
    from govspec.power_review import with_power_blocks

    review = _review(tmp_path, "outcome: act\n")
    reads = {}
    report = api.check_files([review], api.Options(), reads=reads)
    assert not report.files[0].powers  # (the API alone: no block done)
    report = with_power_blocks(with_diff_blocks(report, api.Options(), reads), api.Options(), reads)
    (power,) = report.files[0].powers
    assert power.line == 3 and power.exit_code == 0 and report.exit_code == 0


def test_an_outcome_the_spec_does_not_have_is_located_at_its_value(tmp_path):
    # (it pointed at the block's opening fence: found in a hunt)
    review = _review(tmp_path, "outcome: akt\n")
    code, _, err = run_cli("check", review)
    line = next(n for n, text in enumerate(open(review).read().split("\n"), 1) if text == "outcome: akt")
    assert code == 3 and f"review.md:{line}:10: error[GOV008]: no procedure 'akt' in " in err and "\n   |          ^^^\n" in err


# A spec that imports a rules file and loads its people from a CSV file: what a power block reads.
POWER_SPEC = 'import "rules/acme.gov"\n' + ORG.replace("  person cat\n", '  person cat\n  people from "holders.csv"\n')
OWN = 'organization "A" {\n  person ann\n  body board { members ann }\n}\n'


@pytest.mark.parametrize("victim,what", [("spec.gov", "the spec of a power block of review.md"),
                                         ("rules/acme.gov", "imported by spec.gov"),
                                         ("holders.csv", "imported by spec.gov")])
@pytest.mark.parametrize("command", [["report", "review.md", "-o"], ["check", "review.md", "--json-out"]],
                         ids=["report", "json-out"])
def test_an_output_never_overwrites_what_a_power_block_reads(tmp_path, command, victim, what):
    """The spec a power block names, its imports and its people file are inputs of the run, as a diff
    block's are: `report review.md -o spec.gov` wrote the page over the spec (exit 0), `--json-out`
    the JSON report.  Refused with GOV006, exit 3, nothing written."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "acme.gov").write_text(RULES)
    (tmp_path / "spec.gov").write_text(POWER_SPEC)
    (tmp_path / "holders.csv").write_text("name,weight\ndan,1\n")
    (tmp_path / "review.md").write_text(f"# R\n\n```govspec\n{OWN}```\n\n```govspec-power\nspec: spec.gov\n```\n")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    code, out, err = run_cli(*command, victim, cwd=tmp_path)
    assert code == 3 and out == "", err
    assert err.startswith(f"{victim}:1:1: error[GOV006]: '{victim}' is an input of this run ({what}): "), err
    assert "nothing was written" in err and "wrote" not in err
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before
