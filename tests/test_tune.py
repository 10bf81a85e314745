"""govspec tune (issue 18.2): the values of a parameter for which the properties hold.

The issue's cases: the lowest quorum that stops four directors of the 2023 board from removing
the CEO alone (5: at 4, sutskever, d'Angelo, McCauley and Toner can), and the region of quorum
fraction and timelock where a Governor DAO keeps three guarantees.  The bisection's answers are
checked against a sweep of every value, and the monotonicity argument on specs where it must be
refused.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction

import jsonschema
import pytest

from conftest import ROOT, run_cli
from govspec import api
from govspec.load import load_text
from govspec.tune import DOWN, UP, TuneError, parse_knob, render, tune_file
from govspec.tune.monotone import argument

BOARD = "specs/openai/board_2023_tunable.gov"
GOVERNOR = "specs/dao/governor_tunable.gov"
SCHEMA = json.loads((ROOT / "govspec" / "schemas" / "tune.schema.json").read_text())


def _statuses(t):
    return [t.status_at(i) for i in t.grid()]


@pytest.fixture(scope="module")
def board():
    return tune_file(BOARD, [parse_knob("board_quorum=1..9")]), tune_file(BOARD, [parse_knob("board_quorum=3..8")],
                                                                          sweep=True)


def test_the_lowest_quorum_that_stops_four_directors(board):
    bisected, _ = board
    assert bisected.verdict == "found" and bisected.exit_code == 0
    assert bisected.word() == "LOWEST FROM 1 TO 9: board_quorum = 5"
    assert bisected.searched == "bisection"
    [(index, witness)] = bisected.boundary()
    assert index == (3,)  # board_quorum = 4
    assert witness.name == "four_cannot_fire_ceo" and witness.status == "refuted"
    assert set(witness.coalition) == {"sutskever", "dangelo", "mccauley", "toner"}
    assert all(r.status == "proved" for r in bisected.points[(4,)].values())  # checked with every property at 5
    assert len(bisected.points[(4,)]) == 3


def test_bisection_checks_fewer_points_and_agrees_with_the_sweep(board):
    bisected, swept = board
    assert _statuses(bisected) == ["fails"] * 4 + ["holds"] * 2 + ["fails"] * 3
    assert _statuses(swept) == _statuses(bisected)[2:8]  # (3 to 8)
    assert sum(len(p) for p in bisected.points.values()) < 9 * 3
    assert swept.searched == "every value" and swept.word() == "LOWEST FROM 3 TO 8: board_quorum = 5"


def test_the_highest_quorum_at_which_the_full_board_can_still_act():
    t = tune_file(BOARD, [parse_knob("board_quorum=1..9")], objective="highest")
    assert t.word() == "HIGHEST FROM 1 TO 9: board_quorum = 6"
    [(index, witness)] = t.boundary()
    assert index == (6,) and witness.name == "the_full_board_can_fire_ceo" and witness.status == "refuted"


def test_no_value_in_the_range():
    t = tune_file(BOARD, [parse_knob("board_quorum=1..3")], ["four_cannot_fire_ceo"])
    assert t.verdict == "none" and t.exit_code == 1
    assert t.word() == "NONE FROM 1 TO 3: no value of board_quorum makes every property hold"


def test_the_cli_text_json_markdown_and_html():
    code, out, err = run_cli("tune", BOARD, "--vary", "board_quorum=1..9", "--property", "four_cannot_fire_ceo")
    assert code == 0, err
    assert "LOWEST FROM 1 TO 9: board_quorum = 5" in out
    assert "at board_quorum = 4: four_cannot_fire_ceo REFUTED" in out and "scenario:" in out
    assert "bisection: every step whose rules read board_quorum is harder to take as it grows" in out
    code, out, _ = run_cli("tune", BOARD, "--vary", "board_quorum=1..9", "--property", "four_cannot_fire_ceo",
                           "--format", "json")
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    assert code == data["exit_code"] == 0 and data["answer"] == {"board_quorum": "5"}
    assert [p["status"] for p in data["points"]] == ["fails"] * 4 + ["holds"] * 5
    code, md, _ = run_cli("tune", BOARD, "--vary", "board_quorum=1..9", "--property", "four_cannot_fire_ceo",
                          "--format", "markdown")
    assert "**LOWEST FROM 1 TO 9: board_quorum = 5**" in md and "<" not in md.replace("->", "")
    code, page, _ = run_cli("tune", BOARD, "--vary", "board_quorum=1..9", "--property", "four_cannot_fire_ceo",
                            "--format", "html")
    assert code == 0 and "<svg" in page and page.count('data-status="holds"') == 5
    assert page.count('data-status="fails"') == 4 and "<script" not in page


def test_the_objective_flags_on_the_cli():
    """--highest finds the other end; --lowest and --highest together are a usage error (a flag pair
    let the last one win silently)."""
    code, out, err = run_cli("tune", BOARD, "--vary", "board_quorum=1..9", "--highest", "--property",
                             "the_full_board_can_fire_ceo")
    assert code == 0, err
    assert "HIGHEST FROM 1 TO 9: board_quorum = 6" in out
    code, out, err = run_cli("tune", BOARD, "--vary", "board_quorum=1..9", "--lowest", "--highest")
    assert code == 2 and out == ""
    assert "give --lowest or --highest, not both" in err and "Traceback" not in err


def test_two_processes_give_the_same_answer():
    args = ("tune", BOARD, "--vary", "board_quorum=3..6", "--property", "four_cannot_fire_ceo", "--sweep",
            "--format", "json")
    one, two = run_cli(*args), run_cli(*args, "-j", "2")
    strip = lambda text: re.sub(r'"seconds": [0-9.e-]+', "", text)  # noqa: E731
    assert one[0] == two[0] == 0 and strip(one[1]) == strip(two[1])


@pytest.mark.parametrize("text,values", [
    ("q=1..3", ["1", "2", "3"]),
    ("q=10%..30%:10%", ["10%", "20%", "30%"]),
    ("q=1/4..3/4:1/4", ["1/4", "1/2", "3/4"]),
    ("q = 0.5..1.5", ["0.5", "1.5"]),
    ("execute.timelock=0..2", ["0", "1", "2"]),
])
def test_knobs_as_written(text, values):
    knob = parse_knob(text)
    assert list(knob.written) == values
    assert knob.values[0] == Fraction(values[0].rstrip("%")) / (100 if values[0].endswith("%") else 1)
    assert parse_knob("q=0.5..1:0.25").written == ("0.5", "0.75", "1")


@pytest.mark.parametrize("text,says", [
    ("q", "is not NAME=LOW..HIGH"),
    ("q=3..1", "is empty"),
    ("q=0..1:0", "step must be above 0"),
    ("q=0..1:3/10", "in whole steps"),
    ("p.timelock=0..1:1/2", "whole number of days"),
    ("p.quorum=0..1", "duration is one of"),
    ("q=0..20000", "more than 10000"),
    ("q=1" + "0" * 5000 + "..1" + "0" * 5000, "a number longer than 100 characters"),  # (an internal error before)
    ("q=1..2:1/" + "1" * 200, "a number longer than 100 characters"),
])
def test_bad_knobs_are_usage_errors(text, says):
    with pytest.raises(TuneError, match=re.escape(says)):
        parse_knob(text)
    code, out, err = run_cli("tune", BOARD, "--vary", text)
    assert code == 2 and out == "" and says in err and "Traceback" not in err


def test_names_the_spec_lacks_are_usage_errors():
    for args, says in ((["--vary", "quorum=1..2"], "there is no parameter 'quorum' (parameters: board_quorum"),
                       (["--vary", "fire.timelock=0..2"], "there is no procedure 'fire'"),
                       (["--vary", "remove_ceo.voting_delay=0..2"], "remove_ceo has no proposal step"),
                       (["--vary", "board_quorum=1..2", "--property", "nope"], "there is no property 'nope'"),
                       (["--vary", "board_quorum=1..2", "--vary", "board_quorum=1..2"], "is given twice")):
        code, out, err = run_cli("tune", BOARD, *args)
        assert code == 2 and out == "" and says in err and "Traceback" not in err, (args, err)


def test_an_invalid_spec_is_a_located_error(tmp_path):
    bad = tmp_path / "bad.gov"
    bad.write_text('organization "x" {\n  person a\n  body b { members a, zed }\n}\n')
    code, out, err = run_cli("tune", str(bad), "--vary", "q=1..2")
    assert code == 3 and out == "" and f"{bad}:3:" in err and "^" in err and "Traceback" not in err


# ---- the monotonicity argument: given where it holds, refused where it may not

SPEC = """organization "o" {{
  person a
  person b
  person c
  body board {{ members a, b, c }}
  office chair = a
  parameter q = 2
  parameter done = 0
  procedure act {{
    decided by board at meeting
      notice none
      quorum {quorum}
      passes when yes > half of present
    effect done = 1
  }}
  {extra}
}}
property never_done: never done == 1
property maybe_done: possible done == 1
property two_cannot: no coalition of at most 2 in board can force act
property all_can: coalition {{a, b, c}} can force act
property two_block: coalition {{a, b}} can block act
"""


def _arguments(quorum="present >= q", extra=""):
    model = load_text(SPEC.format(quorum=quorum, extra=extra))
    return {p.name: argument(model, "q", p) for p in model.properties}


def test_a_harder_rule_closes_always_upward_and_possible_downward():
    args = _arguments()
    assert {n: a.closed for n, a in args.items()} == {
        "never_done": UP, "maybe_done": DOWN, "two_cannot": UP, "all_can": DOWN, "two_block": UP}
    easier = _arguments("present >= 3 - q")
    assert {n: a.closed for n, a in easier.items()} == {
        "never_done": DOWN, "maybe_done": UP, "two_cannot": DOWN, "all_can": UP, "two_block": DOWN}


@pytest.mark.parametrize("quorum,extra,says", [
    ("present == q", "", "do not all move one way"),
    ("present >= q and present <= q + 1", "", "do not all move one way"),
    ("present >= q", "event bump { effect q = 3 }", "an effect of bump changes it"),
    ("present >= q", "event other { require q >= 2  effect done = 0 }", "do not all move one way"),
    ("present >= 2", "", "no rule reads q"),
])
def test_no_argument_where_it_may_not_hold(quorum, extra, says):
    args = _arguments(quorum, extra)
    assert all(a.closed is None and says in a.why for a in args.values()), args


def test_a_coalition_goal_must_be_the_only_reader():
    # q gates another procedure too: forcing 'act' is no longer monotone by the argument
    args = _arguments("present >= q", "procedure other { decided by board at meeting notice none "
                                      "quorum present <= 3 - q passes when yes > half of present effect done = 0 }")
    assert args["two_cannot"].closed is None and "rules other than those of act" in args["two_cannot"].why
    assert args["never_done"].closed is not None or "do not all move one way" in args["never_done"].why


@pytest.mark.parametrize("quorum", ["present >= q", "present >= 3 - q",
                                    pytest.param("present > q", marks=pytest.mark.slow),
                                    pytest.param("yes >= q", marks=pytest.mark.slow),
                                    pytest.param("present >= q or yes >= 2", marks=pytest.mark.slow)])
def test_the_bisection_agrees_with_every_value_checked(tmp_path, quorum):
    spec = tmp_path / "s.gov"
    spec.write_text(SPEC.format(quorum=quorum, extra=""))
    knob = parse_knob("q=0..4")
    for objective in ("lowest", "highest"):
        for name in ("never_done", "maybe_done", "two_cannot", "all_can", "two_block"):
            bisected = tune_file(str(spec), [knob], [name], objective)
            swept = tune_file(str(spec), [knob], [name], objective, sweep=True)
            assert _statuses(bisected) == _statuses(swept), (quorum, name)
            assert bisected.word() == swept.word() and bisected.exit_code == swept.exit_code


TIMED = """organization "o" {
  person a
  person b
  body board { members a, b }
  parameter done = 0
  procedure act {
    decided by board at meeting
      notice none
      passes when yes >= 1
    timelock 1 day
    effect done = 1
  }
}
property two_days_to_exit: always (act.executed -> now - act.approved_at >= 2)
"""


def test_a_duration_is_checked_at_every_value(tmp_path):
    spec = tmp_path / "timed.gov"
    spec.write_text(TIMED)
    t = tune_file(str(spec), [parse_knob("act.timelock=0..3")])
    assert t.arguments["two_days_to_exit"].closed is None and t.searched == "every value"
    assert "a duration" in t.arguments["two_days_to_exit"].why
    assert _statuses(t) == ["fails", "fails", "holds", "holds"]
    assert t.word() == "LOWEST FROM 0 TO 3: act.timelock = 2"
    [(index, witness)] = t.boundary()
    assert index == (1,) and witness.status == "refuted"
    assert tune_file(str(spec), [parse_knob("act.timelock=0..3")], objective="highest").word() == \
        "HIGHEST FROM 0 TO 3: act.timelock = 3"


@pytest.mark.slow
def test_the_governor_region_of_quorum_and_timelock():
    t = tune_file(GOVERNOR, [parse_knob("quorum_fraction=20%..60%:20%"), parse_knob("execute_proposal.timelock=1..2")],
                  jobs=2)
    assert t.verdict == "region" and t.exit_code == 0
    assert t.statuses == {(0, 0): "fails", (1, 0): "fails", (2, 0): "fails",
                          (0, 1): "fails", (1, 1): "holds", (2, 1): "fails"}
    witnesses = {index: r.name for index, r in t.boundary()}
    assert witnesses == {(0, 1): "thirty_percent_take_part", (2, 1): "whale_and_alice_can_execute",
                         (1, 0): "holders_have_ten_days_to_exit"}
    jsonschema.validate(json.loads(render.json(t)), SCHEMA)
    page = render.html(t)
    assert page.count('data-status="holds"') == 1 and page.count('data-status="fails"') == 5


def test_the_check_options_apply_to_every_point():
    t = tune_file(BOARD, [parse_knob("board_quorum=4..5")], ["four_cannot_fire_ceo"], options=api.Options(depth=2, unbounded=False),
                  sweep=True)
    results = [r for p in t.points.values() for r in p.values()]
    assert {r.status for r in results} <= {"refuted", "bounded"}  # no proof for any length asked: bounded
    assert t.verdict == "undecided" and t.exit_code == 4 and t.word().startswith("UNDECIDED: not decided at")


BOARD_Q = 'organization "Board" {\n' + "".join(f"  person {p}\n" for p in "abcdef") + """\
  body board { members a, b, c, d, e, f }
  parameter q = 1/2
  event resign(x in board) { effect remove x from board }
  procedure act {
    decided by board at meeting
      notice none
      quorum present > q * size(board)
      passes when yes > half of present
  }
}
property three_or_notice: always (act -> yes >= 3 or notified == board.members)
"""


def test_every_format_gives_the_reason_of_each_result_neither_proved_nor_refuted(tmp_path):
    """A bounded value was shown as ``HOLDS UP TO 1 STEP`` (JSON: ``"bounded"``) and nothing more,
    where ``check`` always says why it is not a proof: now each bounded or UNKNOWN result is listed
    with its reason, in the words ``check`` uses, in every format."""
    spec = tmp_path / "board.gov"
    spec.write_text(BOARD_Q)
    args = ("tune", str(spec), "--vary", "q=1/2..1/2", "--depth", "1")
    code, out, _ = run_cli(*args)
    _, checked, _ = run_cli("check", str(spec), "--depth", "1")
    [reason] = re.findall(r"reason: (.*)", checked)  # (the words check gives it)
    assert code == 4 and "--depth 1 caps the search" in reason
    assert "Neither proved nor refuted, and why:\n  at q = 1/2: three_or_notice HOLDS UP TO 1 STEP: " in out
    assert f"\n    reason: {reason}\n" in out
    for form in ("markdown", "html"):
        assert f"reason: {reason}" in run_cli(*args, "--format", form)[1], form
    document = json.loads(run_cli(*args, "--format", "json")[1])
    jsonschema.validate(document, SCHEMA)
    assert document["points"][0]["undecided"] == {"three_or_notice": {"verdict": "HOLDS UP TO 1 STEP", "reason": reason}}


# ---- review findings: the argument must see a veto decided with the vote, and a parameter made negative

VETO = """organization "Veto test" {
  person a
  person b
  person c
  person x
  person y
  body board {
    members a, b, c
  }
  body council {
    members x, y
  }
  office ceo = a
  parameter q = 1

  procedure remove_ceo {
    decided by board at meeting
      notice all
      passes when yes > half of members
    vetoed by council at meeting
      notice all
      passes when yes >= q
    require ceo is not vacant
    effect ceo = vacant
  }
}

property ceo_stays:
  always ceo is not vacant
"""

NEGATIVE = """organization "Negative factor" {
  person a
  person b
  person c
  body board {
    members a, b, c
  }
  office ceo = a
  parameter q = 1
  parameter t = 1

  procedure shrink(d in board) {
    decided by board at meeting
      passes when yes > half of members
    effect remove d from board
  }

  procedure set_t {
    decided by board at meeting
      passes when yes > half of members
    effect t = size(board.members) - 3
  }

  procedure remove_ceo {
    decided by board at meeting
      notice all
      passes when yes >= 1 + q * t
    require ceo is not vacant
    effect ceo = vacant
  }
}

property needs_a_yes:
  always (remove_ceo -> size(yes) >= 1)
"""


@pytest.mark.parametrize("text,name", [(VETO, "veto"), (NEGATIVE, "negative")])
def test_the_bisection_agrees_with_the_sweep_on_review_findings(tmp_path, text, name):
    spec = tmp_path / f"{name}.gov"
    spec.write_text(text)
    knob = parse_knob("q=0..5")
    bisected, swept = tune_file(str(spec), [knob]), tune_file(str(spec), [knob], sweep=True)
    assert _statuses(bisected) == _statuses(swept) and bisected.word() == swept.word()


def test_a_harder_veto_decided_with_the_vote_is_an_easier_procedure(tmp_path):
    spec = tmp_path / "veto.gov"
    spec.write_text(VETO)
    model = load_text(VETO, str(spec))
    arg = argument(model, "q", model.properties[0])
    assert arg.closed == DOWN and "easier to take as it grows" in arg.why  # (always: holds more under harder rules)


def test_a_parameter_an_effect_can_make_negative_has_no_sign(tmp_path):
    model = load_text(NEGATIVE)
    assert argument(model, "q", model.properties[0]).closed is None


def test_a_value_where_the_spec_is_invalid_is_named(tmp_path):
    spec = tmp_path / "expiring.gov"
    spec.write_text(TIMED.replace("    timelock 1 day\n", "    timelock 1 day\n    expires after 3 days\n"))
    for jobs in ("1", "2"):  # (on two processes too: no BrokenProcessPool)
        code, out, err = run_cli("tune", str(spec), "--vary", "act.timelock=0..1", "-j", jobs)
        assert code == 2 and out == "" and "Traceback" not in err
        assert "at act.timelock = 0 the spec is not valid: GOV316 only a decision that waits" in err, err


def test_groups_of_variable_size_are_refused(tmp_path):
    spec = tmp_path / "open.gov"
    spec.write_text(NEGATIVE.replace('  person c\n', '  person c\n  group d of at least 2\n')
                    .replace("members a, b, c", "members a, b, c, d"))
    code, _, err = run_cli("tune", str(spec), "--vary", "q=0..1")
    assert code == 2 and "groups of variable size (d)" in err
