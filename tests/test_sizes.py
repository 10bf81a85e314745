"""Groups of variable size: one proof for every size, counterexamples that name their size.

The differential test (tests/test_differential.py, ``test_every_size_agrees_...``) compares these
verdicts with the explicit engine at each size on generated specs; here are the fixed cases.
"""

from __future__ import annotations

import pytest

from govspec import api
from govspec.diagnostics import SpecError
from govspec.explicit import ExplicitEngine
from govspec.verdicts import check_property, sanity
from verifier import Z3Engine

BOARD = """\
organization "Board of {size}" {{
  person chief
  group d of {size}
  body board {{ members d }}
  office ceo = chief

  procedure remove_ceo {{
    decided by board at meeting
      notice none
      quorum 3
      passes when yes > half of present
    require size(board.members) >= 8
    require ceo is not vacant
    effect ceo = vacant
  }}
}}

property three_cannot:
  no coalition of at most 3 in board can force remove_ceo
property ceo_stays:
  always ceo is not vacant
"""


def verdicts(size: str, engine=None) -> dict:
    model = api.load_text(BOARD.format(size=size), "board.gov")
    engine = engine or Z3Engine()
    return {p.name: check_property(engine, model, p, 3, 60.0, None, unbounded=True) for p in model.properties}


def test_a_range_that_never_reaches_the_guard_is_proved_for_every_size():
    for result in verdicts("5 to 7").values():
        assert (result.status, result.scope.depth, result.scope.sizes) == ("proved", None, "all"), result.summary
        assert "for every size (d of 5 to 7)" in result.summary


def test_a_counterexample_names_the_least_size_it_needs():
    results = verdicts("at least 5")
    force, state = results["three_cannot"], results["ceo_stays"]
    assert force.status == state.status == "refuted"
    assert force.summary.startswith("with d of 8: coalition {d[6], d[7], d[8]} can force remove_ceo")
    assert force.coalition == ("d[6]", "d[7]", "d[8]")
    assert state.summary.startswith("with d of 8: ")
    # the same at the size it names, and at no smaller size (checked one size at a time)
    assert verdicts("8")["three_cannot"].status == "refuted"
    assert verdicts("7")["three_cannot"].status == "proved"
    assert verdicts("7", ExplicitEngine())["three_cannot"].status in ("proved", "bounded")  # no counterexample


def test_an_upper_bound_is_respected():
    result = verdicts("5 to 8")["three_cannot"]
    assert result.summary.startswith("with d of 8: ")
    assert verdicts("5 to 7")["three_cannot"].status == "proved"


def test_as_written_sizes_are_unchanged():
    assert {r.scope.sizes for r in verdicts("9").values()} == {"as-written"}


def test_properties_outside_the_counted_fragment_say_so():
    text = BOARD.format(size="at least 5").replace(
        "property three_cannot:\n  no coalition of at most 3 in board can force remove_ceo",
        "property three_cannot:\n  every coalition of 3 in board can force remove_ceo")
    model = api.load_text(text, "board.gov")
    result = check_property(Z3Engine(), model, model.properties[0], 3, 60.0, None)
    assert (result.status, result.word) == ("bounded", "NO WITNESS UP TO 3 STEPS FOR d OF 5 ONLY")  # a bounded search
    assert result.scope.sizes == (("d", 5, 5),)
    assert "d of 5" in result.summary and "not a proof for every size" in result.reason


def test_the_json_report_says_all_sizes():
    text = BOARD.format(size="at least 5").replace("require size(board.members) >= 8\n", "")
    model = api.load_text(text.replace("at most 3", "at most 2"), "b.gov")
    report = api.check_model(model, api.Options(depth=2, timeout=60.0))
    scopes = {p["name"]: p["scope"] for p in report.as_dict()["properties"]}
    assert scopes["three_cannot"] == {"depth": None, "sizes": "all"}


def test_an_instance_outside_the_range_is_refused():
    model = api.load_text(BOARD.format(size="5 to 7"), "board.gov")
    assert len(api.instance(model, {"d": 7}).people) == 8
    with pytest.raises(SpecError):
        api.instance(model, {"d": 9})


def test_vacuity_at_the_least_size_is_not_claimed_for_every_size():
    """remove_ceo cannot pass with d of 5 (it needs 8 members), but can with 8 or more: the proof
    for every size is not vacuous, and the summary says where the vacuity was found."""
    text = BOARD.format(size="5 to 12").replace("at most 3", "at most 2")
    model = api.load_text(text, "board.gov")
    engine = Z3Engine()
    _, passable = sanity(engine, model, 3, 60.0)
    result = check_property(engine, model, model.properties[0], 3, 60.0, passable, unbounded=True)
    assert (result.status, result.scope.sizes, result.vacuous) == ("proved", "all", False)
    assert result.summary.startswith("no counterexample at any size (d of 5 to 12), in behaviours of any length; "
                                     "with d of 5 it holds only vacuously")


def test_the_words_count_the_members_at_the_least_sizes_and_say_so():
    """A result found at d of 8 had words counting "the members of board (5 people)": the count is
    at the least sizes, and the words say so."""
    force = verdicts("at least 5")["three_cannot"]
    model = api.load_text(BOARD.format(size="at least 5"), "board.gov")
    from govspec.wording import in_words

    words = in_words(model, next(p for p in model.properties if p.name == "three_cannot"))
    assert "from the members of board (5 people with d of 5, more at larger sizes)" in words, words
    assert force.summary.startswith("with d of 8: ")
    fixed = api.load_text(BOARD.format(size="8"), "board.gov")
    assert "the members of board (8 people) " in in_words(fixed, fixed.properties[0])


RECUSED_STAFF = """organization "Counted recusal" {
  person x
  person y
  group staff of at least 2 tags employee
  body board { members x, y, staff }
  parameter done = 0
  procedure p {
    decided by board at meeting
      quorum majority of members
      passes when yes > half of present
    recuse tagged employee from vote
    effect done = 1
  }
}
property xy_cannot: no coalition of at most 2 can force p
"""


def test_a_result_for_some_sizes_names_the_candidates_at_the_size_they_were_named():
    """"HOLDS FOR staff OF 2 TO 6 ONLY: with staff of 2 to 6: it no coalition of at most 2 of {x, y,
    staff[1], staff[2]} ...": the candidates of the least sizes read as those of every size (and "it
    no" is not English); the summary now says where they were named."""
    model = api.load_text(RECUSED_STAFF, "staff.gov")
    (result,) = [check_property(Z3Engine(), model, p, 3, 60.0, None, unbounded=True) for p in model.properties]
    assert result.status == "bounded" and result.scope.sizes != "all"
    low, high = result.scope.sizes[0][1:]
    assert result.summary.startswith(f"with staff of {low} to {high}: no counterexample; with staff of 2, "
                                     "no coalition of at most 2 of {x, y, staff[1], staff[2]} can force p"), result.summary


HUGE = """organization "Acme" {
  group d of at least 5
  body board { members d }
  procedure fire {
    decided by board at meeting
      passes when yes > half of present
  }
}
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_scenario_at_sizes_past_the_people_limit_is_unknown_not_an_internal_error(tmp_path, jobs):
    """A search over every size may find a scenario at sizes that cannot be built (over 100,000
    people): it is not confirmed, so UNKNOWN with the reason (it was an internal error, exit 2, and
    the other files' verdicts were lost); a `possible` with no witness at the least sizes is
    REFUTED there, whatever the larger sizes hold."""
    from conftest import run_cli

    big = tmp_path / "big.gov"
    big.write_text(HUGE + "property p: always (size(board.members) < 200000)\n"
                   "property q: possible size(board.members) >= 200000\n", encoding="utf-8")
    small = tmp_path / "small.gov"
    small.write_text(HUGE + "property r: always (size(board.members) >= 5)\n", encoding="utf-8")
    code, out, err = run_cli("check", "-j", jobs, str(big), str(small))
    assert code == 1 and "Traceback" not in err and "internal error" not in err, err  # (q REFUTED)
    assert "p ... UNKNOWN" in out and "r ... PROVED" in out
    assert "p: UNKNOWN: a scenario was found at sizes too large to build, and not checked (with d of 200000)" in out
    assert ("reason: the search over every size found a scenario with d of 200000, which is not confirmed: the spec "
            "with d of 200000 cannot be built to check it (") in out
    assert "more than 100000 people in one organisation)" in out
    assert "q: REFUTED: with d of 5: no behaviour of any length reaches it" in out
