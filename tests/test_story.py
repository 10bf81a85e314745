"""Counterexamples as stories: one plain-prose sentence per step, with the clauses it passed through.

The OpenAI story is a golden (issue 6: "a counterexample for the OpenAI spec reads as plain prose
with clause citations"); the other tests ask a small question of a shipped spec to get a trace with
a veto window, a timelock, a proposal with a flash loan, and written consent.
"""

import re
from fractions import Fraction
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from govspec import api
from govspec.formats.story import story

OPENAI_STORY = [
    "Day 0: the event resign with d = altman happens (Bylaws art. 3.5: a director may resign at any time,"
    " line 20; effect remove d from board, line 21). Changed: altman leaves board.",
    "Day 0: dangelo, mccauley and toner meet as the board without notice to brockman and sutskever;"
    " dangelo and mccauley vote yes, toner votes no; quorum met: 3 present, more than half of the 5 members (2.5);"
    " vote carries: 2 yes votes, more than half of the 3 present (1.5), so remove_ceo passes (Bylaws art. 5 (reported), line 24;"
    " decided by board at meeting, notice none, line 25; Bylaws art. 3.6: quorum is a majority of directors"
    " in office, line 27; Bylaws art. 3.7: act of a majority of those present, line 28; require ceo is not"
    " vacant, line 29; effect ceo = vacant, line 30). Changed: ceo goes from altman to vacant.",
]


def _result(spec: str, question: str | None = None, name: str | None = None):
    """The result of one property: the spec's own, or ``question`` put in place of its properties."""
    path = ROOT / spec
    text = Path(path).read_text()
    if question is not None:
        text = text[: text.index("\nproperty ")] + "\nproperty q:\n  " + question + "\n"
        name = "q"
    report = api.check_model(api.load_text(text, str(path)), api.Options(sanity=False))
    return next(p for p in report.properties if p.name == name)


def test_openai_counterexample_reads_as_plain_prose_with_citations():
    r = _result("specs/openai/board_2023.gov", name="ceo_removal_needs_three_or_notice")
    assert r.status == "refuted"
    assert story(r.trace) == OPENAI_STORY


def test_the_text_report_tells_the_story_under_the_scenario():
    from govspec.formats.render import detail_lines

    r = _result("specs/openai/board_2023.gov", name="ceo_removal_needs_three_or_notice")
    lines = detail_lines(r)
    assert lines.index("  story:") > lines.index("  scenario:")
    assert lines[-2:] == ["  " + s for s in OPENAI_STORY]


def test_veto_window():
    r = _result("specs/openai/dao_veto_window.gov", "never remove_ceo.vetoed")
    told = story(r.trace)
    assert r.status == "refuted" and len(told) == 2
    assert told[1].startswith("Day 0: ")
    assert "sign the veto petition of the employees against remove_ceo; veto carries: 4 signatures, at least 1/3" \
           " of the 12 members (4)" in told[1]
    # (the procedure's own citation was given in full in the first sentence: the story names it once)
    assert "Bylaws art. 5" in told[0] and "Bylaws art. 5" not in told[1]
    assert "(alt. art. 5.3: a petition within 7 days blocks the removal, line 33; passes when yes >= 1/3 of members," \
           " line 34)" in told[1]
    assert told[1].endswith("Changed: 'remove_ceo' no longer waiting.")


def test_timelock_counts_the_days():
    r = _result("specs/openai/dao_token_timelock.gov", "never remove_ceo.executed")
    told = story(r.trace)
    assert [s.split(":")[0] for s in told] == ["Day 0", "Day 7", "Day 7"]
    assert "with notice to every member" in told[0]
    assert told[0].endswith("Changed: 'remove_ceo' approved on day 0, waiting to take effect.")
    assert told[1] == "Day 7: 7 days pass."
    assert told[2] == ("Day 7: remove_ceo takes effect, its waiting time over: 7 days since its approval on day 0,"
                       " at least the 7 days it must wait (art. 6.4; effect ceo = vacant, line 31)."
                       " Changed: ceo goes from altman to vacant; 'remove_ceo' no longer waiting.")


def test_proposal_and_flash_loan():
    r = _result("specs/dao/flash_loan_live.gov", name="a_flash_loan_cannot_pass_a_proposal")
    told = story(r.trace)
    assert told[0] == ("Day 0: farmers[3] proposes emergency_commit (BIP commit with a supermajority, line 22;"
                       " a proposal may be committed from one day after it is made, line 23)."
                       " Changed: 'emergency_commit' proposed by farmers[3] on day 0.")
    assert told[1] == "Day 1: 1 day passes."
    assert told[2].startswith("Day 1: farmers[3] meets alone as the holders with notice to every member;"
                              " farmers[3] votes yes; counting the coalition alone, vote carries: yes votes"
                              " weighing 233, at least 2/3 of the members weighing 300 (200), so emergency_commit"
                              " passes whether the members outside the coalition stay away, vote no or abstain;"
                              " voting delay over: 1 day since the proposal on day 0, at least the voting delay of 1 day (")
    assert "Changed: farmers[3] borrows 200 tokens (flash loan), votes with them and repays them in this step;" \
           " funds_sent goes from 0 to 1;" in told[2]


def test_written_consent():
    r = _result("specs/delaware/written_consent.gov", "never remove_ceo_by_consent")
    assert story(r.trace) == [
        "Day 0: ada, ben, cy, dee, eve and fay sign a written consent of the board to remove_ceo_by_consent"
        " (DGCL 141(f), line 18; all members of the board consent in writing, line 19; require ceo is not vacant,"
        " line 20; effect ceo = vacant, line 21). Changed: ceo goes from ceo_person to vacant."
    ]


def test_a_story_without_state_snapshots_still_counts_days():
    """Reports read back from JSON have no snapshots: the days come from the waits."""
    from dataclasses import replace

    r = _result("specs/dao/flash_loan_live.gov", name="a_flash_loan_cannot_pass_a_proposal")
    bare = tuple(replace(s, before=None, after=None) for s in r.trace)
    assert [s.split(":")[0] for s in story(bare)] == ["Day 0", "Day 1", "Day 1"]



def test_the_html_report_lists_the_story():
    from govspec.formats.html import render_html

    report = api.check_files([str(ROOT / "specs/openai/board_2023.gov")])
    page = render_html(report)
    assert '<ol class="story"><li>Day 0: the event resign with d = altman happens' in page
    assert "dangelo and mccauley vote yes, toner votes no; quorum met: 3 present" in page


# ---------------------------------------------------------------- plurals and grammar (issue 16.4)


def test_counted_puts_the_noun_in_the_right_number():
    from govspec.safe import counted

    assert [counted(n, "day") for n in (0, 1, 2)] == ["0 days", "1 day", "2 days"]
    assert counted(1, "person", "people") == "1 person" and counted(3, "person", "people") == "3 people"


def test_one_person_meets_alone():
    """'carol meets as the holders' read as a slip: one attendee meets alone."""
    r = _result("specs/dao/governor_quorum.gov", name="a_proposal_that_reaches_quorum_passes")
    (meeting,) = [s for s in story(r.trace) if " as the holders" in s]
    assert meeting.startswith("Day 8: carol meets alone as the holders with notice to every member;")


def test_a_wait_of_one_day_and_of_several_days():
    from govspec.formats.html import timeline
    from govspec.formats.render import scenario_lines

    r = _result("specs/dao/governor_quorum.gov", name="a_proposal_that_reaches_quorum_passes")
    wait = next(s for s in r.trace if s.phase == "wait")
    assert "2. Time passes: 8 days" in scenario_lines(r.trace, False)
    assert timeline(r.trace).columns[1].title == "2. 8 days pass"
    one = replace(wait, args=(("days", "1"),))
    assert scenario_lines((one,), False)[0] == "2. Time passes: 1 day"
    assert timeline((one,)).columns[0].title == "2. 1 day passes"


GOLDENS = sorted((ROOT / "specs").rglob("*.expected.*")) + sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]


def test_no_golden_and_no_doc_says_step_s_or_day_s():
    """The text and JSON of every spec in specs/ and every transcript: '1 step', '2 days', never '(s)'."""
    found = [f"{p.relative_to(ROOT)}:{n}" for p in GOLDENS
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1) if re.search(r"[a-z]{3,}\(s\)", line)]
    assert not found, found


@pytest.mark.slow
@pytest.mark.parametrize("spec", sorted(p.relative_to(ROOT) for p in (ROOT / "specs").rglob("*.gov")), ids=str)
def test_no_markdown_report_says_step_s_or_day_s(spec):
    code, out, _ = run_cli("check", "-q", "--format", "markdown", str(spec))
    assert out and not re.search(r"[a-z]{3,}\(s\)", out)


# ---------------------------------------------------------------- the arithmetic shown (issue 16.2)


def _arithmetic(step, rule):
    found = [a for a in step.arithmetic + tuple(x for s in step.stages for x in s.arithmetic) if a.rule == rule]
    assert len(found) == 1, (rule, found)
    return found[0]


def test_a_quorum_shows_present_against_the_members_in_office():
    """OpenAI, 17 November 2023: 3 of the 5 directors in office present, more than half of 5; 2 yes, more than half of 3."""
    r = _result("specs/openai/board_2023.gov", name="ceo_removal_needs_three_or_notice")
    meeting = r.trace[1]
    quorum, vote = _arithmetic(meeting, "quorum"), _arithmetic(meeting, "vote")
    assert [(c.left, c.op, c.right, c.holds) for c in quorum.comparisons] == [("3", ">", "2.5", True)]
    assert [(c.left, c.op, c.right, c.holds) for c in vote.comparisons] == [("2", ">", "1.5", True)]
    assert quorum.text == "majority of members" and quorum.holds and vote.holds
    assert quorum.words == "quorum met: 3 present, more than half of the 5 members (2.5)"
    assert "; quorum met: 3 present, more than half of the 5 members (2.5); vote carries: 2 yes votes," \
           " more than half of the 3 present (1.5), so remove_ceo passes" in story(r.trace)[1]


def test_weights_are_counted_with_the_power_the_vote_counted():
    """A weighted quorum and threshold: weights against a parameter's share of the members' weight,
    the flash loan counted in the borrower's weight as the replay counted it (233 = 33 + 200)."""
    r = _result("specs/dao/numbers_as_written.gov", name="quorum_stays_at_4_percent")
    quorum = _arithmetic(r.trace[0], "quorum")
    assert [(c.left, c.op, c.right) for c in quorum.comparisons] == [("20", ">=", "4")]
    assert quorum.words == "quorum met: present weighing 20, at least q (4/100) of the members weighing 100 (4)"
    r = _result("specs/dao/flash_loan_live.gov", name="a_flash_loan_cannot_pass_a_proposal")
    vote = _arithmetic(r.trace[2], "vote")
    assert [(c.left, c.op, c.right) for c in vote.comparisons] == [("233", ">=", "200")]


def test_a_timelock_shows_the_days_since_approval():
    r = _result("specs/openai/dao_token_timelock.gov", "never remove_ceo.executed")
    timelock = _arithmetic(r.trace[2], "timelock")
    assert [(c.left, c.op, c.right, c.holds) for c in timelock.comparisons] == [("7", ">=", "7", True)]
    assert timelock.words == "timelock over: 7 days since its approval on day 0, at least the 7 days it must wait"


def test_a_proposal_shows_the_voting_delay_and_the_proposal_threshold():
    r = _result("specs/dao/governor_quorum.gov", name="a_proposal_that_reaches_quorum_passes")
    assert _arithmetic(r.trace[0], "proposal threshold").words == \
        "proposal threshold met: whale's voting power 40, at least proposal_threshold (0)"
    assert _arithmetic(r.trace[2], "voting delay").words == \
        "voting delay over: 8 days since the proposal on day 0, at least the voting delay of 8 days"


def test_a_rule_with_cases_shows_the_case_that_applied():
    """A quorum with two cases: the case that held, not every case, and no comparison of a parameter
    with a constant (nothing is counted there)."""
    spec = """organization "cases" {
  person a
  person b
  person c
  body board { seats 4 members a, b, c }
  parameter low = 1
  procedure act {
    decided by board at meeting
      notice all
      quorum present > half of seats or (low == 1 and present >= 1/3 * seats)
      passes when yes > half of present
  }
}
property q:
  always (act -> present >= 3)
"""
    report = api.check_model(api.load_text(spec, "cases.gov"), api.Options(sanity=False))
    (step,) = report.properties[0].trace  # (2 present: only the second case holds)
    assert _arithmetic(step, "quorum").words == "quorum met: 2 present, at least 1/3 of 4 seats (4/3)"
    assert _arithmetic(step, "vote").words == "vote carries: 2 yes votes, more than half of the 2 present (1)"


def test_a_comparison_that_fails_is_said_as_it_is():
    from govspec.report import Arithmetic, Comparison
    from govspec.scenario import figure

    assert [figure(Fraction(n, d)) for n, d in ((3, 1), (5, 2), (5, 3), (1, 25))] == ["3", "2.5", "5/3", "0.04"]
    a = Arithmetic("veto", "yes >= 1/3 of members", False, (Comparison("1", ">=", "4", False, "1 signature, less than 4"),))
    assert a.words == "veto fails: 1 signature, less than 4"


def test_the_numbers_are_in_the_json_report():
    import json
    import jsonschema

    code, out, _ = run_cli("check", "--format", "json", "specs/openai/board_2023.gov")
    data = json.loads(out)
    jsonschema.validate(data, json.loads((ROOT / "govspec/schemas/report.schema.json").read_text()))
    r = next(p for p in data["files"][0]["properties"] if p["name"] == "ceo_removal_needs_three_or_notice")
    quorum = r["trace"][1]["stages"][0]["arithmetic"][0]
    assert quorum == {"rule": "quorum", "text": "majority of members", "holds": True,
                      "words": "quorum met: 3 present, more than half of the 5 members (2.5)",
                      "comparisons": [{"left": "3", "op": ">", "right": "2.5", "holds": True,
                                       "words": "3 present, more than half of the 5 members (2.5)"}]}


# ---------------------------------------------------------------- a clause cited once (issue 16.4)


def test_each_clause_is_cited_in_full_once_then_by_its_short_name():
    r = _result("specs/dao/governor_quorum.gov", name="a_proposal_that_reaches_quorum_passes")
    told = " ".join(story(r.trace))
    # (line 28, the proposal lifecycle, cites Governor.propose since issue 19.1: in full, then its short name)
    full = "Governor.propose: getVotes(proposer, clock() - 1) >= proposalThreshold(), line 28"
    assert told.count(full) == 1 and told.count("line 28") == 1 and told.count("Governor.propose") == 2
    assert told.count("Governor.state() == Defeated although quorum was reached") == 1  # (the procedure's own)
    assert told.count("<library>/oz_governor.gov") == 2  # (once in each sentence that cites the file)
    assert told.endswith("GovernorCountingSimple._voteSucceeded fails: For <= Against, line 35; Governor.propose)."
                         " Changed: the proposal of 'defeated_with_quorum' is used up or withdrawn.")


def test_a_short_name_is_the_citation_before_its_colon():
    r = _result("specs/openai/dao_token_timelock.gov", "never remove_ceo.executed")
    told = story(r.trace)
    assert "art. 6.4: effect 7 days after approval, line 29" in told[0]
    assert "(art. 6.4; effect ceo = vacant, line 31)" in told[2]


def test_the_same_story_in_every_format():
    import json

    path = "specs/openai/board_2023.gov"
    r = _result(path, name="ceo_removal_needs_three_or_notice")
    told = story(r.trace)
    _, text, _ = run_cli("check", path)
    _, markdown, _ = run_cli("check", "--format", "markdown", path)
    _, data, _ = run_cli("check", "--format", "json", path)
    found = next(p for p in json.loads(data)["files"][0]["properties"] if p["name"] == r.name)
    assert found["story"] == told
    for sentence in told:
        assert sentence in text and sentence in markdown


# ---------------------------------------------------------------- numbers as written (issue 16.5)


def test_token_weights_a_transfer_and_the_flash_loan_as_written():
    """Weights 2.5 and 4/100, a transfer of 0.5 and a flash loan of 2.5 read as written, not 5/2, 1/25, 1/2."""
    sale = _result("specs/dao/weights_as_written.gov", name="the_minnow_keeps_its_stake")
    assert sale.trace[0].changes == ("minnow holds 4/100 -> 0.54 tokens", "whale holds 2.5 -> 2 tokens")
    assert story(sale.trace)[0].endswith("Changed: minnow's tokens go from 4/100 to 0.54; whale's tokens go from 2.5 to 2.")
    loan = _result("specs/dao/weights_as_written.gov", name="the_whale_must_vote_for_a_spend")
    (borrowed,) = [c for c in loan.trace[0].changes if "flash loan" in c]
    assert borrowed.endswith(" borrows 2.5 tokens (flash loan), votes with them and repays them in this step")


def test_a_weight_alone_and_a_fraction_in_a_rule_as_written():
    from govspec.scenario import tokens, written_numbers

    model = api.load_text((ROOT / "specs/dao/weights_as_written.gov").read_text(), "w.gov")
    numbers = written_numbers(model)
    assert [tokens(Fraction(n, d), numbers) for n, d in ((1, 25), (5, 2), (1, 2), (27, 50), (1, 3))] == \
        ["4/100", "2.5", "0.5", "0.54", "1/3"]
    r = _result("specs/dao/numbers_as_written.gov", name="quorum_stays_at_4_percent")
    assert _arithmetic(r.trace[0], "vote").words == \
        "vote carries: yes votes weighing 20, at least 4/100 of the members weighing 100 (4)"


def test_a_weight_from_a_data_file_as_written(tmp_path):
    (tmp_path / "h.csv").write_text("name,weight\nann,0.25\nbo,3/4\n")
    (tmp_path / "s.gov").write_text('organization "o" {\n  people from "h.csv" into holders\n  body holders { }\n}\n')
    model = api.load_text((tmp_path / "s.gov").read_text(), str(tmp_path / "s.gov"))
    assert {p.name: p.written for p in model.people} == {"ann": "0.25", "bo": "3/4"}


def test_the_numbers_put_their_nouns_in_the_right_number():
    """'1 seat', '1 yes vote', '1 member', '1 day': never '1 seats' or '(s)'."""
    spec = """organization "one" {
  person a
  body board { seats 1 members a }
  procedure act {
    decided by board at meeting
      notice all
      quorum present >= seats
      passes when yes >= 1 and yes >= size(members)
    timelock 1 day
  }
}
property q:
  never act.executed
"""
    report = api.check_model(api.load_text(spec, "one.gov"), api.Options(sanity=False))
    told = " ".join(story(report.properties[0].trace))
    assert "quorum met: 1 present, at least 1 seat;" in told
    assert "vote carries: 1 yes vote, at least 1; 1 yes vote, at least 1 member," in told
    assert "1 day since its approval on day 0, at least the 1 day it must wait" in told
    assert not re.search(r"\b1 (seats|members|yes votes|days)\b|\(s\)", told)


def test_a_meeting_on_short_notice_shows_its_notice_waived():
    """A meeting held before its notice period is over acts only when every member attends: the
    notice is 'waived', not a voting delay 'not over'."""
    r = _result("specs/delaware/bylaw_meetings.gov", name="every_director_notified")
    assert _arithmetic(r.trace[1], "notice period").words == \
        "notice period waived: 0 days since the meeting was called on day 0, less than the notice of 2 days"
    assert "voting delay" not in " ".join(story(r.trace))


def test_short_names_stay_unambiguous():
    """Line 28 of the spec and line 28 of a library file: each short name names its file; two
    clauses with one citation before the colon fall back to their lines."""
    from govspec.report import RuleRef, TraceStep

    rules = (RuleRef("require a", 28, None, None), RuleRef("require b", 28, None, "<library>/oz_governor.gov"),
             RuleRef("quorum q", 30, "Art. 2: quorum", None), RuleRef("passes p", 31, "Art. 2: threshold", None),
             RuleRef("effect e", 32, "Art. 3: effect", None))
    step = TraceStep(1, "event", "e", (), (), (), rules, 5, None)
    first, second = story((step, replace(step, index=2)))
    assert "(require a, line 28; require b, line 28 of <library>/oz_governor.gov; Art. 2: quorum, line 30;" in first
    assert second.endswith("(line 28 of this spec; line 28 of oz_governor.gov; line 30; line 31; Art. 3). Nothing changes.")
