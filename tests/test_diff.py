"""govspec diff OLD NEW (issue 18.1): the rules side by side, properties under both, power before and after.

The OpenAI board and its variant with quorum on the nine seats are the issue's case: one clause
changes; four directors can no longer remove the CEO alone (five are needed), and two can now
stop a removal by staying away (three were needed).  Every answer here is also checked directly.
"""

from __future__ import annotations

import json

import jsonschema
import pytest

from conftest import ROOT, TIMELOCKED, run_cli
from govspec import api
from govspec.diff import diff_files, render
from govspec.diff.respec import with_properties

OLD, NEW = "specs/openai/board_2023.gov", "specs/openai/board_2023_seat_quorum.gov"
SCHEMA = json.loads((ROOT / "govspec" / "schemas" / "diff.schema.json").read_text())


@pytest.fixture(scope="module")
def openai():
    """One diff of the issue's case, rendered as the CLI renders it in both formats (the CLI itself
    is run by the tests below on cheaper cases)."""
    found = diff_files(OLD, NEW)
    return (found.exit_code, render.text(found), render.markdown(found), found.exit_code, json.loads(render.json(found)),
            render.html(found))


def test_the_rule_change_in_one_line(openai):
    _, out, _, _, data, _ = openai
    assert "procedure remove_ceo: `quorum majority of members` becomes `quorum majority of seats`" in out
    clauses = [r for r in data["rules"] if r["where"] == "procedure remove_ceo"]
    assert clauses == [{"where": "procedure remove_ceo", "before": "quorum majority of members",
                        "after": "quorum majority of seats", "line_before": 27, "line_after": 27}]


def test_each_property_under_both_sets_of_rules(openai):
    code, out, _, code_j, data, _ = openai
    changes = {g["name"]: (g["before"]["verdict"], g["after"]["verdict"], g["change"]) for g in data["guarantees"]}
    assert changes == {
        "ceo_removal_needs_three_or_notice": ("REFUTED", "PROVED", "gained"),
        "two_cannot_fire_ceo": ("PROVED", "PROVED", "unchanged"),
        "four_can_fire_ceo": ("PROVED", "REFUTED", "lost"),
        "four_cannot_fire_ceo": ("REFUTED", "PROVED", "gained"),
    }
    assert code == code_j == data["exit_code"] == 1  # a property that held fails under the new rules
    assert "1 property lost: four_can_fire_ceo; exit code 1" in out
    # the flip's witness: the REFUTED side's scenario, under the rules where it fails
    assert "four_cannot_fire_ceo (failed before, holds now): no coalition of at most 4 in board can force remove_ceo" in out
    assert "under the old rules, REFUTED: coalition {dangelo, mccauley, sutskever, toner} can force remove_ceo in 1 step" in out


def test_four_directors_can_no_longer_act_and_two_can_now_block(openai):
    _, out, _, _, data, _ = openai
    power = {(p["procedure"], p["kind"]): p for p in data["power"]}
    force, block = power[("remove_ceo", "force")], power[("remove_ceo", "block")]
    assert (force["before"]["size"], force["after"]["size"]) == (4, 5)
    assert (block["before"]["size"], block["after"]["size"]) == (3, 2)
    assert all(p[side]["exact"] for p in (force, block) for side in ("before", "after"))
    assert "to force remove_ceo: 4 people -> 5 people   (changed)" in out
    assert "to block remove_ceo: 3 people -> 2 people   (changed)" in out
    # each coalition named is checked again, directly, on the spec it belongs to
    for path, least, kind in ((OLD, force["before"], "force"), (NEW, force["after"], "force"),
                              (OLD, block["before"], "block"), (NEW, block["after"], "block")):
        assert len(least["coalition"]) == least["size"]
        names = ", ".join(least["coalition"])
        smaller = least["size"] - 1
        model, refused = with_properties(api.load(path), {
            "can": (f"property can: coalition {{{names}}} can {kind} remove_ceo", ""),
            "fewer": (f"property fewer: no coalition of at most {smaller} can {kind} remove_ceo", "")})
        assert not refused
        verdicts = {r.name: r.status for r in api.check_model(model, api.Options(sanity=False)).properties}
        assert (verdicts["can"], verdicts["fewer"]) == ("proved", "proved"), (path, kind, verdicts)


def test_the_json_follows_its_schema(openai):
    jsonschema.validate(openai[4], SCHEMA)


def test_markdown_has_the_same_content_and_no_html(openai):
    from markdown_it import MarkdownIt

    page = openai[2]
    assert "| procedure remove_ceo | `quorum majority of members` | `quorum majority of seats` |" in page
    assert "| `four_can_fire_ceo` | **PROVED** | **REFUTED** | held before, fails now |" in page
    assert "| `remove_ceo` | block | 3 people | 2 people | changed |" in page
    assert "**1 property lost**: `four_can_fire_ceo`; exit code 1." in page
    tokens = MarkdownIt("commonmark").enable("table").parse(page)
    assert not [t for t in tokens if t.type in ("html_block", "html_inline")]
    assert sum(t.type == "table_open" for t in tokens) == 3


def test_a_spec_against_itself_changes_nothing():
    code, out, err = run_cli("diff", "--no-power", OLD, OLD)
    assert code == 0, err
    assert "Rules (0 changes):\n  none" in out
    assert "0 properties lost; exit code 0" in out
    assert "(held before" not in out and "(failed before" not in out


def test_a_property_that_does_not_apply_to_one_side(tmp_path):
    old = tmp_path / "old.gov"
    new = tmp_path / "new.gov"
    rules = (ROOT / OLD).read_text().split("property ceo_removal")[0]
    old.write_text(rules + "property stays: always ceo is not vacant\n")
    new.write_text(rules.replace("  office chair = brockman\n", "  office chair = brockman\n  office cfo = toner\n")
                   + "property cfo_stays: always cfo is not vacant\n")
    diff = diff_files(str(old), str(new), api.Options(depth=2), power=False)
    by_name = {g.name: g for g in diff.guarantees}
    assert by_name["cfo_stays"].before is None and "cfo" in by_name["cfo_stays"].why_not_before
    assert by_name["cfo_stays"].change == "one side only"
    assert [r.line() for r in diff.rules] == ["office cfo: added `office cfo = toner`"]
    jsonschema.validate(diff.as_dict(), SCHEMA)


def test_one_name_two_statements_are_two_properties(tmp_path):
    rules = (ROOT / OLD).read_text().split("property ceo_removal")[0]
    (tmp_path / "a.gov").write_text(rules + "property p: always ceo is not vacant\n")
    (tmp_path / "b.gov").write_text(rules + "property p: never remove_ceo\n")
    diff = diff_files(str(tmp_path / "a.gov"), str(tmp_path / "b.gov"), api.Options(depth=2), power=False)
    assert sorted((g.name, g.origin) for g in diff.guarantees) == [("p", "old"), ("p__new", "new")]


def test_the_new_statement_of_a_name_never_takes_the_name_of_another_property(tmp_path):
    """A property already named NAME__new (in either file) is checked under both rules as itself:
    the new statement of NAME gets the next free name (it took NAME__new's place, and that property
    went unchecked under the new rules, so a loss was reported as unchanged)."""
    rules = (ROOT / OLD).read_text().split("property ceo_removal")[0]
    (tmp_path / "a.gov").write_text(rules + "property p: always ceo is not vacant\n"
                                    "property p__new: never remove_ceo\n")
    (tmp_path / "b.gov").write_text(rules + "property p: possible remove_ceo\nproperty p__new: never remove_ceo\n"
                                    "property p__new2: always chair is not vacant\n")
    diff = diff_files(str(tmp_path / "a.gov"), str(tmp_path / "b.gov"), api.Options(depth=2), power=False)
    by_name = {g.name: g for g in diff.guarantees}
    assert sorted((g.name, g.origin) for g in diff.guarantees) == [
        ("p", "old"), ("p__new", "both"), ("p__new2", "new"), ("p__new3", "new")]
    assert by_name["p__new"].text.endswith("never remove_ceo") and by_name["p__new"].after is not None
    assert by_name["p__new3"].text.startswith("property p__new3:") and by_name["p__new3"].text.endswith("possible remove_ceo")
    assert by_name["p__new2"].text.endswith("always chair is not vacant")


def test_a_citation_a_comment_or_spacing_alone_does_not_make_two_properties(tmp_path):
    rules = (ROOT / OLD).read_text().split("property ceo_removal")[0]
    (tmp_path / "a.gov").write_text(rules + "property p:\n  possible remove_ceo\n")
    (tmp_path / "b.gov").write_text(rules + 'property p "Bylaws 4.2":\n  possible   remove_ceo  # same\n')
    diff = diff_files(str(tmp_path / "a.gov"), str(tmp_path / "b.gov"), api.Options(depth=2), power=False)
    assert [(g.name, g.origin, g.change) for g in diff.guarantees] == [("p", "both", "unchanged")]
    (tmp_path / "c.gov").write_text(rules + "property p:\n  possible remove_ceo and ceo is vacant\n")
    diff = diff_files(str(tmp_path / "a.gov"), str(tmp_path / "c.gov"), api.Options(depth=2), power=False)
    assert sorted((g.name, g.origin) for g in diff.guarantees) == [("p", "old"), ("p__new", "new")]


def test_bad_input_is_a_located_error(tmp_path):
    bad = tmp_path / "bad.gov"
    bad.write_text('organization "x" {\n  person a\n  body b { members a, zed }\n}\n')
    code, out, err = run_cli("diff", OLD, str(bad))
    assert code == 3 and out == ""
    assert f"{bad}:3:" in err and "error[GOV" in err and "^" in err and "Traceback" not in err
    code, _, err = run_cli("diff", OLD, str(tmp_path / "missing.gov"))
    assert code == 2 and "Traceback" not in err


def _git(folder, *args):
    import subprocess

    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(folder), "PATH": __import__("os").environ["PATH"]}
    subprocess.run(["git", *args], cwd=folder, env=env, check=True, capture_output=True)


def test_a_file_at_a_git_revision_against_itself_now(tmp_path):
    """--rev: the spec's folder as it was at the revision (imports too), never the working tree."""
    (tmp_path / "rules").mkdir()
    rules = (ROOT / OLD).read_text().split("property ceo_removal")[0]
    (tmp_path / "rules" / "board.gov").write_text(rules + "property stays: always ceo is not vacant\n")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "the board")
    spec = tmp_path / "rules" / "board.gov"
    spec.write_text(spec.read_text().replace("quorum majority of members", "quorum majority of seats"))
    code, out, err = run_cli("diff", "--no-power", "--depth", "2", str(spec), "--rev", "HEAD")
    assert code == 0, err
    assert f"govspec diff: {spec}@HEAD -> {spec}" in out
    assert "procedure remove_ceo: `quorum majority of members` becomes `quorum majority of seats`" in out
    code, out, err = run_cli("diff", "--no-power", str(spec), "--rev", "no-such-revision")
    assert code == 2 and "error[GOV001]" in err and "no-such-revision" in err and "Traceback" not in err
    code, out, err = run_cli("diff", str(spec))
    assert code == 2 and "--rev" in err


def test_review_findings_a_form_feed_a_hash_in_a_citation_and_a_short_name(tmp_path):
    """Lines are counted as the parser counts them (a form feed in a comment moved every slice);
    a '#' inside a citation is text, not a comment; a property named 'per' is renamed as a name,
    not inside the word 'property'."""
    rules = (ROOT / OLD).read_text().split("property ceo_removal")[0]
    rules = "# page\x0cbreak\n" + rules.replace('procedure remove_ceo "Bylaws art. 5 (reported)"',
                                                'procedure remove_ceo "Bylaws art. #5"')
    (tmp_path / "a.gov").write_text(rules + "property per: always ceo is not vacant\n")
    (tmp_path / "b.gov").write_text(rules.replace("passes when yes > half of present", "passes when yes >= 3")
                                    + "property per: never remove_ceo\n")
    diff = diff_files(str(tmp_path / "a.gov"), str(tmp_path / "b.gov"), api.Options(depth=2), power=False)
    assert [r.line() for r in diff.rules] == [
        "procedure remove_ceo: `passes when yes > half of present` becomes `passes when yes >= 3`"]
    assert sorted((g.name, g.origin) for g in diff.guarantees) == [("per", "old"), ("per__new", "new")]
    # both apply to both sets of rules: each is checked on each side, none refused
    assert all(g.before is not None and g.after is not None for g in diff.guarantees)
    assert all(g.why_not_before is None and g.why_not_after is None for g in diff.guarantees)


def test_a_proved_property_whose_subject_is_gone_is_not_kept(tmp_path):
    rules = (ROOT / OLD).read_text().split("property ceo_removal")[0]
    (tmp_path / "a.gov").write_text(rules + "property stays: always chair is not vacant\n")
    (tmp_path / "b.gov").write_text(rules.replace("  office chair = brockman\n", ""))
    diff = diff_files(str(tmp_path / "a.gov"), str(tmp_path / "b.gov"), api.Options(depth=2), power=False)
    assert [g.change for g in diff.guarantees] == ["no longer applies"]
    assert diff.exit_code == 4


@pytest.mark.slow  # (7 s)
def test_a_coalition_question_the_spec_refuses_is_reported_not_a_crash():
    code, out, err = run_cli("diff", "--depth", "2", "specs/dao/tally_kept.gov", "specs/dao/tally_kept.gov")
    assert code in (0, 4) and "Traceback" not in err and "internal error" not in err, err
    assert "to force spend: not computed: [GOV350]" in out


def test_a_revision_that_looks_like_an_option_is_refused(tmp_path):
    spec = tmp_path / "board.gov"
    spec.write_text((ROOT / OLD).read_text())
    _git(tmp_path, "init", "-q")
    code, _, err = run_cli("diff", str(spec), f"--rev=--output={tmp_path / 'injected.tar'}")
    assert code == 2 and "error[GOV001]" in err and not (tmp_path / "injected.tar").exists()


def test_html_is_the_markdown_as_a_page(openai):
    from html.parser import HTMLParser

    page, tags = openai[5], []

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append(tag)

    Tags().feed(page)
    assert page.startswith("<!DOCTYPE html>") and "<title>What the change does: specs/openai/board_2023.gov to" in page
    assert tags.count("table") == 3 and "script" not in tags
    assert "<td><code>quorum majority of members</code></td>" in page
    assert "exit code 1." in page


QUORUM_Q = """organization "T" {
  person a
  person b
  person c
  person d
  body board { members a, b, c, d }
  office ceo = a
  parameter q = 4
  procedure remove_ceo {
    decided by board at meeting
      notice none
      quorum present >= q
      passes when yes >= need
    require ceo is not vacant
    effect ceo = vacant
  }
  parameter need = 1
}
"""


@pytest.mark.parametrize("old_q, new_q, old_need, new_need, kind, before, after", [
    # (a quorum of 5 of 4 members: nobody can pass it, so nobody is needed to block it; it was 1)
    (4, 5, 1, 1, "block", 1, 0),
    # (nobody need vote yes, nor be present: the empty coalition forces it; it was 1 with one yes needed)
    (0, 0, 1, 0, "force", 1, 0)])
def test_nobody_needed_is_zero_people_not_one(tmp_path, old_q, new_q, old_need, new_need, kind, before, after):
    """The fewest who can block (or force) a procedure is 0 when the empty coalition does: everyone
    together cannot force it (or no coalition, everyone included, can block it); it was shown as an
    exact 1, from the witness of K = 1 (found in review)."""
    old, new = tmp_path / "old.gov", tmp_path / "new.gov"
    old.write_text(QUORUM_Q.replace("q = 4", f"q = {old_q}").replace("need = 1", f"need = {old_need}"))
    new.write_text(QUORUM_Q.replace("q = 4", f"q = {new_q}").replace("need = 1", f"need = {new_need}"))
    diff = diff_files(str(old), str(new), api.Options(depth=2))
    (least,) = [p for p in diff.power if (p.procedure, p.kind) == ("remove_ceo", kind)]
    assert (least.before.size, least.after.size) == (before, after)
    assert least.before.exact and least.after.exact and least.after.coalition == ()
    other = "force" if kind == "block" else "block"
    out = render.text(diff)
    assert f"to {kind} remove_ceo: 1 person -> nobody needed (0 people)   (changed)" in out
    assert "    new rules: nobody is needed: " + least.after.result.summary in out
    assert f"Under the new rules, nobody is needed: " in render.markdown(diff)
    jsonschema.validate(diff.as_dict(), SCHEMA)
    # and directly: the dual check, with every person
    model, _ = with_properties(api.load(str(new)), {"x": (f"property x: no coalition of at most 4 can {other} remove_ceo", "")})
    assert api.check_model(model, api.Options(sanity=False)).properties[0].status == "proved"


def test_a_timed_procedure_is_also_asked_about_taking_effect():
    """With a veto window, approving the removal still takes four directors, but making it take
    effect takes thirteen: the diff asks about ``remove_ceo.executed`` too (it asked about passing
    alone, and said the power was unchanged)."""
    diff = diff_files(OLD, "specs/openai/dao_veto_window.gov")
    power = {(p.procedure, p.kind): p for p in diff.power}
    assert [(p.procedure, p.kind) for p in diff.power] == [
        ("remove_ceo", "force"), ("remove_ceo", "block"), ("remove_ceo.executed", "force"), ("remove_ceo.executed", "block")]
    executed = power[("remove_ceo.executed", "force")]
    assert (executed.before.size, executed.after.size) == (4, 13) and executed.before.exact and executed.after.exact
    out = render.text(diff)
    assert "; P.executed: its taking effect, after a timelock or a veto window):" in out
    assert ("  to force remove_ceo: 4 people -> 4 people   (unchanged)\n"
            "  to block remove_ceo: 3 people -> 3 people   (unchanged)\n"
            "  to force remove_ceo.executed: 4 people -> 13 people   (changed)\n") in out  # (as docs/diff.md quotes them)
    assert "`P.executed`: its taking effect, after a timelock or a veto window." in render.markdown(diff)
    jsonschema.validate(diff.as_dict(), SCHEMA)


def test_an_undecided_property_names_its_side_and_gives_the_reason_in_text_and_markdown():
    """A property neither PROVED nor REFUTED on a side is shown in full there, with its reason (the
    limit of the result), as a flip is; the label names that side (it said "not decided on both
    sides" when one side was decided; found in review)."""
    diff = diff_files(OLD, NEW, api.Options(depth=1), power=False)
    g = next(g for g in diff.guarantees if g.name == "ceo_removal_needs_three_or_notice")
    assert (g.before.status, g.after.status) == ("bounded", "proved") and g.change == "undecided"
    out, md = render.text(diff), render.markdown(diff)
    assert "  ceo_removal_needs_three_or_notice  HOLDS UP TO 1 STEP -> PROVED   (not decided under the old rules)" in out
    assert ("ceo_removal_needs_three_or_notice (not decided under the old rules): always (remove_ceo -> yes >= 3 or "
            "notified == board.members)\n  under the old rules, HOLDS UP TO 1 STEP: " + g.before.summary) in out
    assert f"  reason: {g.before.reason}" in out and "--depth 1 caps the search" in g.before.reason
    assert "### `ceo_removal_needs_three_or_notice`: not decided under the old rules" in md
    assert f"reason: {g.before.reason}" in md
    assert diff.exit_code == 1  # (a property lost: four_can_fire_ceo)


def test_the_new_name_avoids_imported_properties_too(tmp_path):
    """An imported property named NAME__new stays in both sides' rules: the new statement of NAME
    is NAME__new2 (it took NAME__new, clashed with the imported one and was never checked)."""
    (tmp_path / "lib.gov").write_text("property p__new: always ceo is not vacant\n")
    rules = 'import "lib.gov"\n' + QUORUM_Q.replace("q = 4", "q = 0")
    (tmp_path / "a.gov").write_text(rules + "property p: no coalition of at most 1 can force remove_ceo\n")
    (tmp_path / "b.gov").write_text(rules + "property p: never remove_ceo\n")
    diff = diff_files(str(tmp_path / "a.gov"), str(tmp_path / "b.gov"), api.Options(depth=2), power=False)
    assert [(g.name, g.origin, g.why_not_before, g.why_not_after) for g in diff.guarantees] == [
        ("p", "old", None, None), ("p__new2", "new", None, None), ("p__new", "both", None, None)]  # (the imported one too)
    (_, new, _) = diff.guarantees
    assert new.text == "property p__new2: never remove_ceo" and new.after.status == "refuted"


def test_spacing_around_operators_is_not_part_of_a_statement(tmp_path):
    rules = (ROOT / OLD).read_text().split("property ceo_removal")[0]
    (tmp_path / "a.gov").write_text(rules + "property q: always (remove_ceo -> yes >= 2)\n")
    (tmp_path / "b.gov").write_text(rules + "property q: always(remove_ceo->yes>=2)\n")
    diff = diff_files(str(tmp_path / "a.gov"), str(tmp_path / "b.gov"), api.Options(depth=2), power=False)
    assert [(g.name, g.origin) for g in diff.guarantees] == [("q", "both")]
    (tmp_path / "c.gov").write_text(rules + "property q: always(remove_ceo->yes>=3)\n")
    diff = diff_files(str(tmp_path / "a.gov"), str(tmp_path / "c.gov"), api.Options(depth=2), power=False)
    assert [(g.name, g.origin) for g in diff.guarantees] == [("q", "old"), ("q__new", "new")]


def test_a_property_of_one_side_not_decided_there_is_shown_with_its_reason(tmp_path):
    rules = (ROOT / OLD).read_text().split("property ceo_removal")[0]
    (tmp_path / "a.gov").write_text(rules)
    (tmp_path / "b.gov").write_text(rules.replace("  office chair = brockman\n", "  office chair = brockman\n  office cfo = toner\n")
                                    + "property r: always (remove_ceo -> yes >= 3 or notified == board.members or cfo is vacant)\n")
    diff = diff_files(str(tmp_path / "a.gov"), str(tmp_path / "b.gov"), api.Options(depth=1), power=False)
    (g,) = diff.guarantees
    assert g.change == "one side only" and g.after.status == "bounded"
    out = render.text(diff)
    assert "r (checked on one side only): always (remove_ceo -> yes >= 3 or notified == board.members or cfo is vacant)\n" \
           f"  under the new rules, HOLDS UP TO 1 STEP: {g.after.summary}" in out
    assert f"  reason: {g.after.reason}" in out


def test_an_event_is_not_asked_who_can_force_it(tmp_path):
    """A procedure on one side that is an event on the other: the event's side is not asked (nobody
    decides an event; it was answered as "nobody needed")."""
    rules = (ROOT / OLD).read_text().split("property ceo_removal")[0]
    start = rules.index("  procedure remove_ceo")
    end = rules.index("\n  }\n", start) + len("\n  }\n")
    event = "  event remove_ceo {\n    require ceo is not vacant\n    effect ceo = vacant\n  }\n"
    (tmp_path / "a.gov").write_text(rules[:start] + event + rules[end:])
    (tmp_path / "b.gov").write_text(rules)
    diff = diff_files(str(tmp_path / "a.gov"), str(tmp_path / "b.gov"), api.Options(depth=2))
    rows = {(p.procedure, p.kind): p for p in diff.power}
    assert rows[("remove_ceo", "force")].before is None and rows[("remove_ceo", "force")].after.size == 4


def test_a_side_that_refuses_the_coalition_question_keeps_the_other_side_s_answer(tmp_path):
    """The new rules re-read the kept tally at execution (a coalition question there is GOV350):
    the old side's answer is still given, the new side is "not computed" with the reason, and the
    row is not called changed or unchanged (the whole row was "not computed" before)."""
    kept = (ROOT / "specs" / "dao" / "tally_kept.gov").read_text()
    gate = "    at execution require spend.weight_yes >= quorum_votes   \"execute() checks the votes For against today's quorum\"\n"
    assert gate in kept
    (tmp_path / "old.gov").write_text(kept.replace(gate, "").split("property")[0])
    (tmp_path / "new.gov").write_text(kept.split("property")[0])
    diff = diff_files(str(tmp_path / "old.gov"), str(tmp_path / "new.gov"), api.Options(depth=3))
    row = next(p for p in diff.power if (p.procedure, p.kind) == ("spend", "force"))
    assert row.before is not None and row.before.exact and row.after is None and not row.changed
    assert row.why_not.startswith("under the new rules: [GOV350]")
    out = render.text(diff)
    assert f"  to force spend: {row.before.words()} -> not computed   (not compared: a side not computed)\n" \
           f"    not computed under the new rules: [GOV350]" in out
    assert "**Note:** to force `spend`: not computed under the new rules: \\[GOV350\\]" in render.markdown(diff)
    jsonschema.validate(diff.as_dict(), SCHEMA)
    # neither changed nor unchanged in JSON either (it said false, which reads as unchanged)
    assert row.as_dict()["changed"] is None


def test_a_side_not_asked_for_the_whole_spec_is_not_computed_not_absent(tmp_path):
    """A group of variable size on the old side: its rows said "absent -> 2 people (changed)", as if
    the procedure were not declared (found in review); the side is "not computed", with the reason."""
    spec = ('organization "S" {\n  group d of SIZE\n  body board { members d }\n  procedure act {\n'
            "    decided by board at meeting\n      notice all\n      quorum present >= 2\n"
            "      passes when yes > half of present\n  }\n}\n")
    (tmp_path / "old.gov").write_text(spec.replace("SIZE", "3 to 5"))
    (tmp_path / "new.gov").write_text(spec.replace("SIZE", "3"))
    diff = diff_files(str(tmp_path / "old.gov"), str(tmp_path / "new.gov"), api.Options(depth=2))
    row = next(p for p in diff.power if (p.procedure, p.kind) == ("act", "force"))
    assert row.before is None and row.after.size == 2 and not row.changed
    out = render.text(diff)
    assert "  to force act: not computed -> 2 people   (not compared: a side not computed)\n" \
           "    not computed under the old rules: a group of variable size" in out
    jsonschema.validate(diff.as_dict(), SCHEMA)



def test_two_undecided_answers_are_not_called_unchanged(tmp_path):
    """At --depth 1 nobody is found to force fire.executed on either side (it takes a wait): both
    undecided, the row said "(unchanged)" (JSON false) though the answers are 2 and 3 people
    (found in a hunt); it is "not decided", JSON null."""
    (tmp_path / "old.gov").write_text(TIMELOCKED.replace("RULE", "yes > half of present"))
    (tmp_path / "new.gov").write_text(TIMELOCKED.replace("RULE", "yes == 3"))
    diff = diff_files(str(tmp_path / "old.gov"), str(tmp_path / "new.gov"), api.Options(depth=1))
    row = next(p for p in diff.power if (p.procedure, p.kind) == ("fire.executed", "force"))
    assert row.before.size is None and not row.before.exact and row.after.size is None and not row.after.exact
    assert row.changed is None and row.as_dict()["changed"] is None
    assert "(not decided)" in next(line for line in render.text(diff).splitlines() if "to force fire.executed:" in line)
    jsonschema.validate(diff.as_dict(), SCHEMA)
    # without the depth both are exact, and they differ
    diff = diff_files(str(tmp_path / "old.gov"), str(tmp_path / "new.gov"), api.Options())
    row = next(p for p in diff.power if (p.procedure, p.kind) == ("fire.executed", "force"))
    assert (row.before.size, row.after.size, row.changed) == (2, 3, True)


IMPORTING = """import "guarantees.gov"

organization "D" {
  person a
  person b
  person c
  person d
  person e
  person x
  body board { members a, b, c, d, e }
  office ceo = x
  procedure remove_ceo {
    decided by board at meeting
      notice none
      QUORUM
      passes when yes > half of present
    require ceo is not vacant
    effect ceo = vacant
  }
}
"""


def test_a_guarantee_both_files_import_is_checked_and_its_loss_counted(tmp_path):
    """A file of shared guarantees imported by both versions: the diff said "none (neither file
    states a property)" and exit 0 while the new rules lose it (found in a hunt)."""
    (tmp_path / "guarantees.gov").write_text("property two_cannot_fire: no coalition of at most 2 in board can force remove_ceo\n")
    (tmp_path / "old.gov").write_text(IMPORTING.replace("QUORUM", "quorum majority of members"))
    (tmp_path / "new.gov").write_text(IMPORTING.replace("QUORUM", "quorum present >= 2"))
    diff = diff_files(str(tmp_path / "old.gov"), str(tmp_path / "new.gov"), api.Options(), power=False)
    assert [(g.name, g.origin, g.change) for g in diff.guarantees] == [("two_cannot_fire", "both", "lost")]
    assert diff.exit_code == 1
    # imported by the old file only: checked under the new rules too, as a property of its own would be
    (tmp_path / "new.gov").write_text(IMPORTING.replace("QUORUM", "quorum present >= 2").replace('import "guarantees.gov"\n', ""))
    diff = diff_files(str(tmp_path / "old.gov"), str(tmp_path / "new.gov"), api.Options(), power=False)
    assert [(g.name, g.origin, g.change) for g in diff.guarantees] == [("two_cannot_fire", "old", "lost")]
    jsonschema.validate(diff.as_dict(), SCHEMA)


@pytest.mark.parametrize("new_states", ["own", "imported"])
def test_a_name_stated_otherwise_by_one_side_s_import_is_not_compared(tmp_path, new_states):
    """The old file imports 'p: at most 2', the new states 'p: at most 3' (its own, or by another
    import), the rules alike: the diff said "p PROVED -> REFUTED (held before, fails now)", exit 1,
    comparing two statements (found in review). Each is checked under its own side's rules only,
    and said not compared (exit 4: a guarantee of the old rules not known to be kept)."""
    (tmp_path / "g1.gov").write_text("property p: no coalition of at most 2 in board can force remove_ceo\n")
    (tmp_path / "g2.gov").write_text("property p: no coalition of at most 3 in board can force remove_ceo\n")
    rules = IMPORTING.replace('import "guarantees.gov"\n', "").replace("QUORUM", "quorum majority of members")
    (tmp_path / "old.gov").write_text('import "g1.gov"\n' + rules)
    (tmp_path / "new.gov").write_text(rules + "property p: no coalition of at most 3 in board can force remove_ceo\n"
                                      if new_states == "own" else 'import "g2.gov"\n' + rules)
    diff = diff_files(str(tmp_path / "old.gov"), str(tmp_path / "new.gov"), api.Options(), power=False)
    rows = [(g.name, g.origin, g.before and g.before.status, g.after and g.after.status) for g in diff.guarantees]
    assert rows == [("p", "old", "proved", None), ("p", "new", None, "refuted")]
    assert all("not compared" in (g.why_not_before or g.why_not_after) for g in diff.guarantees)
    assert diff.exit_code == 4
    jsonschema.validate(diff.as_dict(), SCHEMA)


@pytest.mark.parametrize("old_imports", [True, False])
def test_a_property_one_side_imports_and_the_other_states_alike_is_one_property(tmp_path, old_imports):
    """'p' imported by one side and written, alike, in the other's own file: one property, lost
    (the copy appended to the importing side was refused as a duplicate, and the result of its own
    import thrown away: "0 properties lost; exit code 0"; found in review)."""
    prop = "property p: no coalition of at most 2 in board can force remove_ceo\n"
    (tmp_path / "g.gov").write_text(prop)
    rules = IMPORTING.replace('import "guarantees.gov"\n', "")
    old = rules.replace("QUORUM", "quorum majority of members")
    new = rules.replace("QUORUM", "quorum present >= 2")
    (tmp_path / "old.gov").write_text('import "g.gov"\n' + old if old_imports else old + prop)
    (tmp_path / "new.gov").write_text(new + prop if old_imports else 'import "g.gov"\n' + new)
    diff = diff_files(str(tmp_path / "old.gov"), str(tmp_path / "new.gov"), api.Options(), power=False)
    assert [(g.name, g.origin, g.change, g.why_not_before, g.why_not_after) for g in diff.guarantees] == [
        ("p", "both", "lost", None, None)]
    assert diff.exit_code == 1
