"""Power properties (issue 17): ``x is a dummy for P``, ``x is a veto player for P``, bounds on the
normalised Banzhaf and Shapley-Shubik indices, decided by the analysis ``govspec power`` gives.

Each verdict is compared with a brute force over every coalition (the Nassau County board, and
random small weighted votes), or with ``govspec power`` itself (a procedural outcome)."""

from __future__ import annotations

import io
import json
import math
import random
from fractions import Fraction
from itertools import combinations, permutations

import pytest

from govspec.api import Options, check_model, load_text
from govspec.cli import main

NASSAU = """\
organization "Nassau County Board of Supervisors (1958)" {
  person hempstead_1    weight 9
  person hempstead_2    weight 9
  person north_hempstead weight 7
  person oyster_bay     weight 3
  person glen_cove      weight 1
  person long_beach     weight 1
  body board {
    members hempstead_1, hempstead_2, north_hempstead, oyster_bay, glen_cove, long_beach
  }
  procedure adopt {
    decided by board at meeting
      passes when weight(yes) >= 16
  }
}
"""
DUMMIES = ("oyster_bay", "glen_cove", "long_beach")


def results(text: str, path: str = "spec.gov", options: Options = Options(sanity=False)) -> dict:
    """Each property's result, by name."""
    return {r.name: r for r in check_model(load_text(text, path), options).properties}


def test_nassau_dummies_proved_and_a_powerful_member_refuted_with_a_swing():
    props = "".join(f"property d_{x}: {x} is a dummy for adopt\n" for x in DUMMIES)
    props += "property d_north: north_hempstead is a dummy for adopt\n"
    props += "property nd_north: north_hempstead is not a dummy for adopt\n"
    props += "property nd_glen: glen_cove is not a dummy for adopt\n"
    got = results(NASSAU + props)
    for x in DUMMIES:
        assert got[f"d_{x}"].status == "proved", got[f"d_{x}"].summary
        assert f"{x} has no swing" in got[f"d_{x}"].summary
    refuted = got["d_north"]
    assert refuted.status == "refuted" and refuted.word == "REFUTED"
    # the witness: a winning coalition that loses without north_hempstead (brute force checks it)
    assert "north_hempstead swings in 16 coalitions of the others" in refuted.summary
    assert "e.g. {north_hempstead, hempstead_1} can force adopt and cannot without north_hempstead" in refuted.summary
    assert 7 + 9 >= 16 > 9
    assert got["nd_north"].status == "proved" and got["nd_glen"].status == "refuted"


def test_nassau_index_bounds_and_vetoes():
    props = """\
property b1: banzhaf power of north_hempstead over adopt <= 20%
property b2: banzhaf power of north_hempstead over adopt >= 1/3
property b3: banzhaf power of north_hempstead over adopt > 1/3
property b4: banzhaf power of north_hempstead over adopt <= 1/3
property b5: banzhaf power of north_hempstead over adopt < 1/3
property s1: shapley power of hempstead_1 over adopt < 0.34
property s2: shapley power of oyster_bay over adopt > 0
property v1: hempstead_1 is a veto player for adopt
property v2: hempstead_1 is not a veto player for adopt
"""
    got = results(NASSAU + props)
    assert got["b1"].status == "refuted"
    assert "banzhaf power of north_hempstead is 33.33% (1/3)" in got["b1"].summary  # the exact value
    assert got["b2"].status == "proved" and got["b3"].status == "refuted"  # exactly 1/3: the bound is exact
    assert got["b4"].status == "proved" and got["b5"].status == "refuted"
    assert got["s1"].status == "proved" and got["s2"].status == "refuted"
    assert got["v1"].status == "refuted" and "everyone but hempstead_1 together can force adopt" in got["v1"].summary
    assert got["v2"].status == "proved"


def test_a_veto_player_and_json_words():
    text = NASSAU.replace("weight(yes) >= 16", "weight(yes) >= 22") + """\
property v: hempstead_1 is a veto player for adopt
property nv: oyster_bay is not a veto player for adopt
property vn: north_hempstead is a veto player for adopt
"""
    # quota 22 of 30: everyone but a Hempstead holds 21 votes, so each Hempstead can block alone
    weights = {"hempstead_1": 9, "hempstead_2": 9, "north_hempstead": 7, "oyster_bay": 3, "glen_cove": 1, "long_beach": 1}
    brute = _brute(weights, 22)
    assert brute["veto"]["hempstead_1"] and not brute["veto"]["oyster_bay"] and not brute["veto"]["north_hempstead"]
    got = results(text)
    assert got["v"].status == "proved" and "in every one of the" in got["v"].summary
    assert got["nv"].status == "proved" and got["vn"].status == "refuted"
    as_json = got["v"].as_dict()
    assert as_json["kind"] == "power" and as_json["statement"] == "hempstead_1 is a veto player for adopt"
    assert "Every coalition that can make adopt pass includes hempstead_1" in as_json["words"]


def test_every_format_renders_a_power_property(tmp_path):
    path = tmp_path / "n.gov"
    path.write_text(NASSAU + "property d: north_hempstead is a dummy for adopt\n", encoding="utf-8")
    outputs = {}
    for fmt in ("text", "json", "markdown", "html", "sarif"):
        out, err = io.StringIO(), io.StringIO()
        code = main(["check", str(path), "--format", fmt], out, err)
        assert code == 1, (fmt, err.getvalue())
        outputs[fmt] = out.getvalue()
    for fmt, text in outputs.items():
        assert "north_hempstead" in text and "REFUTED" in text.upper(), fmt
    report = json.loads(outputs["json"])
    from jsonschema import validate
    from conftest import ROOT

    validate(report, json.loads((ROOT / "govspec/schemas/report.schema.json").read_text(encoding="utf-8")))


@pytest.mark.parametrize("quota,veto", [(31, "proved"), (0, "refuted")])
def test_a_vote_nobody_or_everybody_wins(quota, veto):
    """Quota 31 of 30 (no coalition wins) or 0 (every one does, the empty one too): nobody swings,
    so everyone is a dummy; everyone can block alone only when nobody can pass it; no share is defined."""
    text = NASSAU.replace("weight(yes) >= 16", f"weight(yes) >= {quota}") + """\
property d: hempstead_1 is a dummy for adopt
property v: hempstead_1 is a veto player for adopt
property b: banzhaf power of hempstead_1 over adopt <= 100%
"""
    got = results(text)
    assert got["d"].status == "proved" and got["v"].status == veto
    assert got["b"].status == "unknown" and got["b"].reason


def test_an_event_is_not_an_outcome():
    from govspec.diagnostics import SpecError

    with pytest.raises(SpecError) as err:
        load_text(PROCEDURAL + "property e: a is a dummy for resign\n", "p.gov")
    diag = err.value.diagnostics[0]
    assert (diag.code, diag.span.line, diag.span.column) == ("GOV320", 22, 30)
    assert "'resign' is an event" in diag.message


def test_open_sizes_give_unknown():
    town = "  person long_beach     weight 1\n  group town of 1 to 3\n"
    text = NASSAU.replace("  person long_beach     weight 1\n", town) \
        .replace("glen_cove, long_beach\n", "glen_cove, long_beach, town\n")
    got = results(text + "property d: oyster_bay is a dummy for adopt\n")
    assert got["d"].status == "unknown" and got["d"].word == "UNKNOWN"
    assert "a group's size is left open" in got["d"].reason


def test_too_large_for_the_exact_analysis_falls_back_on_the_procedural_one(tmp_path, monkeypatch):
    """As in ``govspec power``: a vote too large for the exact single-vote analysis is analysed
    procedurally (exact here), then decided."""
    import govspec.power.report as power_report

    monkeypatch.setattr(power_report, "WORK", 1)
    monkeypatch.setattr(power_report, "BANZHAF_WORK", 0)  # (nor its Banzhaf indices alone)
    got = results(NASSAU + "property b: banzhaf power of oyster_bay over adopt <= 5%\n")["b"]
    assert got.status == "proved" and got.how.startswith("the procedural power analysis")


def test_outside_every_exact_analysis_is_unknown_and_exit_4(tmp_path, monkeypatch):
    import govspec.power.report as power_report
    import govspec.procedural as procedural

    monkeypatch.setattr(power_report, "WORK", 1)
    monkeypatch.setattr(power_report, "BANZHAF_WORK", 0)  # (nor its Banzhaf indices alone)
    monkeypatch.setattr(procedural, "MAX_PROFILES", 1)
    monkeypatch.setattr(power_report, "applies", lambda game: False)  # (nor certified bounds)
    path = tmp_path / "n.gov"
    path.write_text(NASSAU + "property b: banzhaf power of oyster_bay over adopt <= 5%\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", str(path), "--no-sanity"], out, err) == 4, out.getvalue() + err.getvalue()
    assert "UNKNOWN" in out.getvalue() and "too large for the exact analysis" in out.getvalue()
    assert "PROVED" not in out.getvalue()


def test_on_certified_bounds_a_dummy_s_shapley_index_is_0_and_a_swing_is_named_or_its_absence_said(monkeypatch):
    """Nassau past every exact analysis but the certified bounds (forced): a dummy's Shapley-Shubik
    bound is decided (an index of 0: no swing, so pivotal in no order), anyone else's is UNKNOWN; a
    refuted dummy names a coalition the member swings in (from the weights, in the units of the
    weights' common factor), or says why none is named when that search would be too large."""
    import govspec.power.report as power_report
    import govspec.power_properties as power_properties
    import govspec.procedural as procedural

    monkeypatch.setattr(power_report, "WORK", 1)
    monkeypatch.setattr(power_report, "BANZHAF_WORK", 0)
    monkeypatch.setattr(procedural, "MAX_PROFILES", 1)
    props = ("property s: shapley power of oyster_bay over adopt <= 0%\n"
             "property t: shapley power of north_hempstead over adopt <= 50%\n"
             "property d: north_hempstead is a dummy for adopt\n")
    got = results(NASSAU + props)
    assert got["s"].status == "proved" and got["s"].summary.endswith("shapley power of oyster_bay is 0% (oyster_bay "
                                                                      "has no swing)"), got["s"].summary
    assert got["s"].how == power_properties.CERTIFIED_VOTE
    assert got["t"].status == "unknown" and "only its Banzhaf and Coleman indices have certified" in got["t"].reason
    assert got["d"].status == "refuted" and "e.g. {north_hempstead, " in got["d"].summary, got["d"].summary
    monkeypatch.setattr(power_properties, "SWING_BITS", 1)
    got = results(NASSAU + props)
    assert got["d"].status == "refuted" and got["d"].summary.endswith(
        "no such coalition is named: finding one from the weights would keep more than 1 bits here"), got["d"].summary


SLOW = [1, 10, 32, 40, 40, 24, 4, 6, 26, 2, 16, 30, 10, 36, 36, 26, 32, 36, 14, 24, 20, 22, 38, 12, 4, 28, 40, 16, 4,
        24, 34, 22, 32, 30, 12, 40, 22, 34, 8, 34]  # (a vote whose minimal winning coalitions take minutes to list)


@pytest.mark.parametrize("limit, words", [(["--budget", "2"], "the run's budget of 2 s ran out (--budget)"),
                                          (["--timeout", "2"], "the time limit of 2 s ran out (--timeout)")])
def test_the_property_s_timeout_and_the_run_s_budget_stop_a_long_power_analysis(tmp_path, monkeypatch, limit,
                                                                                 words):
    """40 members, weights up to 40, a quota of 614: listing the minimal winning coalitions takes
    minutes. Under --budget 2, or --timeout 2, the property is UNKNOWN, the limit named (it ran on
    before, past any --budget, found by review, and past any --timeout)."""
    import govspec.power_properties as power_properties

    people = "".join(f"  person h{i} weight {w}\n" for i, w in enumerate(SLOW))
    path = tmp_path / "slow.gov"
    path.write_text('organization "Slow" {\n' + people + "  body b { members "
                    + ", ".join(f"h{i}" for i in range(len(SLOW))) + " }\n  procedure adopt {\n"
                    "    decided by b by written consent\n      passes when weight(yes) >= 614\n  }\n}\n"
                    "property a:\n  h0 is a dummy for adopt\nproperty b:\n  h1 is a dummy for adopt\n",
                    encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    calls, analysed = [], power_properties._analysed
    monkeypatch.setattr(power_properties, "_analysed", lambda *a: calls.append(1) or analysed(*a))
    assert main(["check", str(path), *limit, "--no-sanity"], out, err) == 4, out.getvalue() + err.getvalue()
    assert "a: UNKNOWN: the time ran out before it was decided" in out.getvalue()
    # (the second property: under the budget, not checked; under the timeout, its running out kept, not run again)
    assert "b: UNKNOWN: " + ("not checked" if "budget" in words else "the time ran out before it was decided") \
        in out.getvalue()
    assert out.getvalue().count(f"reason: {words}") == 2 and len(calls) == 1


PROCEDURAL = """\
organization "Three" {
  person a
  person b
  person c
  body board {
    members a, b, c
  }
  event resign(d in board) {
    effect remove d from board
  }
  procedure act {
    decided by board at meeting
      notice none
      quorum majority of board.members
      passes when yes > half of present
  }
}
property d: a is a dummy for act
property dc: c is a dummy for act
property v: a is not a veto player for act
property s: shapley power of b over act < 40%
"""


def test_each_check_of_a_procedural_analysis_ends_by_the_property_s_time_limit(monkeypatch):
    """The checks of coalitions behind a power property's procedural analysis each get the
    property's deadline as theirs not to outlast (``within``): the analysis, checks included, ends
    by the property's --timeout; and the verdicts are those without it."""
    import time

    import govspec.procedural as procedural
    from govspec.clock import Deadline

    seen, check_one = [], procedural.check_one

    def recorded(engine, model, prop, options, passable, run=None, *rest):
        seen.append(run)
        return check_one(engine, model, prop, options, passable, run, *rest)

    monkeypatch.setattr(procedural, "check_one", recorded)
    start = time.monotonic()
    got = results(PROCEDURAL, options=Options(sanity=False, timeout=30))
    assert seen and all(isinstance(d, Deadline) and d.end <= start + 30.5 and d.option == "--timeout" for d in seen)
    assert got["d"].status == "refuted" and got["v"].status == "proved", (got["d"].summary, got["v"].summary)


def test_a_check_the_property_s_time_limit_stops_ends_the_analysis_as_out_of_time(monkeypatch):
    """A check of a coalition that the property's --timeout (or the run's --budget) cuts short is
    not an undecided check but the analysis running out: every property is UNKNOWN, "the time ran
    out before it was decided", the limit named (found by review: it read "cannot decide it", the
    game undecided); and a budget's running out is not kept for a later run of the same model."""
    import time

    import govspec.procedural as procedural
    from govspec.clock import run_budget

    check_one = procedural.check_one

    def slow(engine, model, prop, options, passable, run=None, *rest):
        time.sleep(0.25)  # (a check that outlasts the property's time limit)
        return check_one(engine, model, prop, options, passable, run, *rest)

    monkeypatch.setattr(procedural, "check_one", slow)
    for r in results(PROCEDURAL, options=Options(sanity=False, timeout=0.2)).values():
        assert (r.status, r.summary, r.reason) == ("unknown", "the time ran out before it was decided",
                                                   "the time limit of 0.2 s ran out (--timeout)"), r.name
    model = load_text(PROCEDURAL, "spec.gov")
    first = check_model(model, Options(sanity=False), within=run_budget(0.2)).properties[0]
    assert first.reason == "the run's budget of 0.2 s ran out (--budget)"
    monkeypatch.setattr(procedural, "check_one", check_one)
    assert check_model(model, Options(sanity=False)).properties[0].status == "refuted"


def test_the_scenario_checked_after_the_analysis_is_within_the_run_s_budget(monkeypatch):
    """The check for a verdict's scenario (everyone but a forcing the outcome, for `a is not a veto
    player`) is given the run's budget as its deadline not to outlast (found by review: it had none)."""
    import govspec.power_properties as power_properties
    from govspec.clock import Deadline, run_budget

    seen, check_one = [], power_properties.check_one

    def recorded(engine, model, prop, options, passable, run=None, *rest):
        seen.append(run)
        return check_one(engine, model, prop, options, passable, run, *rest)

    monkeypatch.setattr(power_properties, "check_one", recorded)
    got = {r.name: r for r in check_model(load_text(PROCEDURAL, "spec.gov"), Options(sanity=False),
                                          within=run_budget(600)).properties}
    assert got["v"].status == "proved" and got["v"].trace
    assert seen and all(isinstance(d, Deadline) and d.option == "--budget" for d in seen)


def test_procedural_outcome_agrees_with_govspec_power(tmp_path):
    got = results(PROCEDURAL)
    path = tmp_path / "p.gov"
    path.write_text(PROCEDURAL, encoding="utf-8")
    out = io.StringIO()
    assert main(["power", str(path), "--format", "json"], out, io.StringIO()) == 0
    power = json.loads(out.getvalue())["outcomes"][0]
    assert power["method"] == "procedural" and power["exact"]
    rows = {r["name"]: r for r in power["players"]}
    assert (got["d"].status == "proved") == rows["a"]["dummy"] is False
    assert got["d"].status == "refuted" and got["d"].trace, "a refuted dummy shows the forcing sequence"
    assert "a" in got["d"].coalition and len(got["d"].coalition) == 2
    # c's class is checked with a and b first: c's own coalition is checked for its scenario
    assert got["dc"].status == "refuted" and "c" in got["dc"].coalition and got["dc"].trace
    assert "interchangeable" not in got["dc"].summary
    assert (got["v"].status == "proved") == (not rows["a"]["veto"]) is True
    assert got["v"].coalition == ("b", "c") and got["v"].trace  # everyone else forcing it: the scenario
    assert (got["s"].status == "proved") == (Fraction(rows["b"]["shapley"]["exact"]) < Fraction(2, 5)) is True


def test_one_analysis_serves_every_property_of_an_outcome(monkeypatch):
    import govspec.power_properties as power_properties

    calls = []
    real = power_properties.analyse_procedure
    monkeypatch.setattr(power_properties, "analyse_procedure", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    got = results(PROCEDURAL.replace("property s:", "property s2: shapley power of c over act >= 1/3\nproperty s:"))
    assert len(got) == 5 and len(calls) == 1, calls


def test_an_outcome_taking_effect():
    text = """\
organization "Timed" {
  person a
  person b
  person c
  body board {
    members a, b, c
  }
  procedure act {
    decided by board at meeting
      passes when yes >= 2
    timelock 2 days
  }
}
property d: a is a dummy for act.executed
property s: shapley power of a over act.executed >= 1/3
"""
    got = results(text)
    assert got["d"].status == "refuted" and "can force act.executed" in got["d"].summary and got["d"].trace
    assert any(step.phase == "execute" for step in got["d"].trace)  # the scenario takes effect
    assert got["s"].status == "proved" and got["s"].how.startswith("the procedural power analysis")


def test_a_bounded_procedural_analysis_never_proves_or_refutes():
    """At depth 1 without proofs of any length, a coalition that cannot force the outcome in one
    step is only bounded: a claim that holds in that game HOLDS UP TO 1 STEP, one that fails there
    is UNKNOWN (a longer sequence could change the game)."""
    got = results(PROCEDURAL, options=Options(sanity=False, depth=1, unbounded=False))
    assert got["v"].status == "bounded" and got["v"].word == "HOLDS UP TO 1 STEP", got["v"].summary
    assert got["s"].status == "bounded" and "not a proof" in got["s"].reason
    assert got["d"].status == "unknown" and "bounded to depth 1" in got["d"].summary
    assert not {r.status for r in got.values()} & {"proved", "refuted"}


def test_a_principal_is_one_player_as_with_by_principal():
    """Sky Mavis's five keys of Ronin's nine (5 needed) vote together: it alone decides, while each
    of its keys, counted one by one, is one of nine interchangeable signers."""
    text = """\
organization "Ronin" {
  group sky_mavis of 4 for sky_mavis_inc
  person axie_dao_key for sky_mavis_inc
  group partners of 4
  body validators {
    members sky_mavis, axie_dao_key, partners
  }
  procedure withdraw {
    decided by validators by written consent
      passes when yes >= 5
  }
}
property veto: sky_mavis_inc is a veto player for withdraw
property all: banzhaf power of sky_mavis_inc over withdraw >= 100%
property key: axie_dao_key is a veto player for withdraw
property key_share: shapley power of axie_dao_key over withdraw <= 1/9
"""
    got = results(text)
    assert got["veto"].status == "proved" and got["all"].status == "proved"
    assert got["key"].status == "refuted" and got["key_share"].status == "proved"


def test_a_principal_in_a_procedural_outcome_acts_with_all_its_keys():
    text = PROCEDURAL.split("property")[0].replace("  person a\n  person b\n", "  person a for acme\n  person a2 for acme\n"
                                                    "  person b\n").replace("members a, b, c", "members a, a2, b, c")
    got = results(text + "property d: acme is a dummy for act\nproperty v: acme is a veto player for act\n")
    assert got["d"].status == "refuted" and {"a", "a2"} <= set(got["d"].coalition) and got["d"].trace
    assert got["v"].status == "proved"



def test_a_declared_person_who_holds_others_keys_is_read_as_the_principal():
    """acme is a person and holds k1's key: 'acme' names the principal, acme and k1 voting together,
    as ``govspec power --by principal`` counts them (a veto with 3/5 of the swings: b and c alone
    have 2 of the 3 votes needed), not acme alone (one of four equal voters, 1/4), which the
    reading before gave without a word."""
    text = """\
organization "t" {
  person acme
  person k1 for acme
  person b
  person c
  body board { members acme, k1, b, c }
  procedure adopt {
    decided by board at meeting
      passes when yes >= 3
  }
}
property veto: acme is a veto player for adopt
property share: banzhaf power of acme over adopt >= 3/5
property more: banzhaf power of acme over adopt > 3/5
property key: k1 is a veto player for adopt
"""
    got = results(text)
    assert got["veto"].status == "proved" and got["share"].status == "proved"
    assert got["more"].status == "refuted" and "banzhaf power of acme is 60.00%" in got["more"].summary
    assert got["key"].status == "refuted"  # (k1 alone is one of four)

# ---- a tag as the player: its members one player (a bloc)

TAGGED = NASSAU.replace("weight 9\n", "weight 9 tags hempstead\n").replace("weight 1\n", "weight 1 tags small\n")


def test_a_tag_is_one_player_not_the_sum_of_its_members():
    """The two Hempsteads together hold 18 of the 16 needed: as one player they decide alone (100%),
    while each of them alone has a third (``govspec power --by tag`` adds those up: 2/3)."""
    got = results(TAGGED + """property v: tagged hempstead is a veto player for adopt
property b: banzhaf power of tagged hempstead over adopt >= 100%
property sum: banzhaf power of tagged hempstead over adopt <= 2/3
property d: tagged small is a dummy for adopt
property nd: tagged hempstead is a dummy for adopt
""")
    assert got["v"].status == "proved" and got["b"].status == "proved"
    assert got["sum"].status == "refuted" and "banzhaf power of tagged hempstead is 100.00%" in got["sum"].summary
    assert got["d"].status == "proved" and got["nd"].status == "refuted"
    assert "e.g. {tagged hempstead} can force adopt and cannot without tagged hempstead" in got["nd"].summary
    as_json = got["v"].as_dict()
    assert as_json["statement"] == "tagged hempstead is a veto player for adopt"
    assert "the bloc of the people tagged hempstead can block it alone" in as_json["words"]


def test_a_tag_whose_members_do_not_vote_is_a_dummy():
    text = TAGGED.replace("  body board", "  person mayor tags nobody_votes\n  body board") + """property d: tagged nobody_votes is a dummy for adopt
property v: tagged nobody_votes is a veto player for adopt
property s: shapley power of tagged nobody_votes over adopt <= 0
"""
    got = results(text)
    assert got["d"].status == "proved" and "does not vote on it" in got["d"].summary
    assert got["v"].status == "refuted" and got["s"].status == "proved"


def test_an_unknown_tag_is_a_located_error(tmp_path):
    path = tmp_path / "t.gov"
    path.write_text(TAGGED + "property v: banzhaf power of tagged hempsted over adopt >= 1/2\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", str(path)], out, err) == 3
    assert f"{path}:16:37: error[GOV315]: unknown tag 'hempsted' (did you mean 'hempstead'?)" in err.getvalue()
    assert "^^^^^^^^" in err.getvalue() and "Traceback" not in err.getvalue()
    # a person's name is not a tag
    path.write_text(TAGGED + "property v: tagged glen_cove is a dummy for adopt\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", str(path)], out, err) == 3 and "'glen_cove' is a person, not a tag" in err.getvalue()


def test_a_tag_in_a_procedural_outcome_agrees_with_its_coalitions():
    """The bloc's game from ``can force`` itself: the bloc with a set S of the others wins exactly
    when ``coalition {members, S} can force act`` is PROVED."""
    text = PROCEDURAL.split("property")[0].replace("person a\n  person b\n", "person a tags founder\n  person b tags founder\n"
                                                    "  person d\n").replace("members a, b, c", "members a, b, c, d")
    others = ["c", "d"]
    subsets = [s for k in range(3) for s in combinations(others, k)]
    props = "".join(f"property w{i}: coalition {{{', '.join(('a', 'b') + s)}}} can force act\n" for i, s in enumerate(subsets))
    props += "property wo: coalition {c, d} can force act\n"
    got = results(text + props + """property d: tagged founder is a dummy for act
property v: tagged founder is a veto player for act
property s: shapley power of tagged founder over act >= 2/3
property s2: shapley power of tagged founder over act > 2/3
""")
    wins = {s: got[f"w{i}"].status == "proved" for i, s in enumerate(subsets)}
    assert wins == {(): False, ("c",): True, ("d",): True, ("c", "d"): True}
    assert got["wo"].status == "refuted"  # the others alone cannot: the bloc is a veto player
    assert got["v"].status == "proved" and got["d"].status == "refuted"
    assert {"a", "b"} <= set(got["d"].coalition) and got["d"].trace
    # Shapley-Shubik over the 6 orders of {F, c, d}: F pivots when second or third (4 of 6)
    assert got["s"].status == "proved" and got["s2"].status == "refuted"
    assert got["s"].how.startswith("the procedural power analysis")


# ---- brute force over every coalition of random small weighted votes


def _brute(weights: dict[str, int], quota: int, people: dict[str, int] | None = None) -> dict:
    """Every index of every player by listing coalitions; with ``people``, ``weights`` maps each
    player to the people acting for it (a bloc), whose weights ``people`` gives."""
    names = list(weights)
    acting = weights if people is not None else {x: (x,) for x in names}
    people = people if people is not None else weights

    def wins(coalition) -> bool:
        return sum(people[p] for x in coalition for p in acting[x]) >= quota

    swings = {x: sum(1 for k in range(len(names)) for s in combinations([p for p in names if p != x], k)
                     if not wins(s) and wins((*s, x))) for x in names}
    total = sum(swings.values())
    pivots = dict.fromkeys(names, 0)
    for order in permutations(names):
        for k in range(len(order)):
            if wins(order[:k + 1]) and not wins(order[:k]):
                pivots[order[k]] += 1
                break
    return {"swings": swings, "pivots": pivots,
            "dummy": {x: swings[x] == 0 for x in names},
            "veto": {x: not wins([p for p in names if p != x]) for x in names},
            "banzhaf": {x: Fraction(swings[x], total) if total else None for x in names},
            "shapley": {x: Fraction(pivots[x], math.factorial(len(names))) for x in names}}


@pytest.mark.parametrize("seed", range(6))
def test_verdicts_agree_with_brute_force(seed):
    rng = random.Random(seed)
    n = rng.randint(3, 5)
    weights = {f"p{i}": rng.randint(1, 6) for i in range(n)}
    quota = rng.randint(1, sum(weights.values()))
    bounds = [Fraction(rng.randint(0, 8), 8) for _ in range(n)]
    ops = [rng.choice(["<", "<=", ">=", ">"]) for _ in range(n)]
    text = 'organization "random" {\n' + "".join(f"  person {p} weight {w}\n" for p, w in weights.items())
    text += f"  body board {{\n    members {', '.join(weights)}\n  }}\n"
    text += f"  procedure adopt {{\n    decided by board at meeting\n      passes when weight(yes) >= {quota}\n  }}\n}}\n"
    for i, p in enumerate(weights):
        text += f"property d_{p}: {p} is a dummy for adopt\nproperty v_{p}: {p} is a veto player for adopt\n"
        text += f"property b_{p}: banzhaf power of {p} over adopt {ops[i]} {bounds[i]}\n"
        text += f"property s_{p}: shapley power of {p} over adopt {ops[i]} {bounds[i]}\n"
    got = results(text)
    brute = _brute(weights, quota)
    compare = {"<": Fraction.__lt__, "<=": Fraction.__le__, ">=": Fraction.__ge__, ">": Fraction.__gt__}
    for i, p in enumerate(weights):
        assert got[f"d_{p}"].status == ("proved" if brute["dummy"][p] else "refuted"), (weights, quota, p)
        assert got[f"v_{p}"].status == ("proved" if brute["veto"][p] else "refuted"), (weights, quota, p)
        for index in ("banzhaf", "shapley"):
            r = got[f"{index[0]}_{p}"]
            value = brute[index][p]
            if value is None:  # (nobody swings: the shares are 0 / 0)
                assert r.status == "unknown", r.summary
            else:
                expected = "proved" if compare[ops[i]](value, bounds[i]) else "refuted"
                assert r.status == expected, (weights, quota, p, index, value, ops[i], bounds[i], r.summary)


@pytest.mark.parametrize("seed", range(6))
def test_tag_verdicts_agree_with_brute_force(seed):
    """Random weighted votes with random tags: the brute force takes each tag's members as one
    player, winning with a set of the others when all of them together reach the quota."""
    rng = random.Random(100 + seed)
    n = rng.randint(3, 6)
    weights = {f"p{i}": rng.randint(1, 6) for i in range(n)}
    quota = rng.randint(1, sum(weights.values()))
    tags = {f"t{j}": [p for p in weights if rng.random() < 0.5] or [rng.choice(list(weights))] for j in range(3)}
    held = {p: [t for t, ms in tags.items() if p in ms] for p in weights}
    text = 'organization "random" {\n' + "".join(
        f"  person {p} weight {w}" + (f" tags {', '.join(held[p])}" if held[p] else "") + "\n" for p, w in weights.items())
    text += f"  body board {{\n    members {', '.join(weights)}\n  }}\n"
    text += f"  procedure adopt {{\n    decided by board at meeting\n      passes when weight(yes) >= {quota}\n  }}\n}}\n"
    ops = {t: rng.choice(["<", "<=", ">=", ">"]) for t in tags}
    bounds = {t: Fraction(rng.randint(0, 8), 8) for t in tags}
    for t in tags:
        text += f"property d_{t}: tagged {t} is a dummy for adopt\nproperty v_{t}: tagged {t} is a veto player for adopt\n"
        text += f"property b_{t}: banzhaf power of tagged {t} over adopt {ops[t]} {bounds[t]}\n"
        text += f"property s_{t}: shapley power of tagged {t} over adopt {ops[t]} {bounds[t]}\n"
    got = results(text)
    compare = {"<": Fraction.__lt__, "<=": Fraction.__le__, ">=": Fraction.__ge__, ">": Fraction.__gt__}
    for t, members in tags.items():
        players = {"BLOC": tuple(members), **{p: (p,) for p in weights if p not in members}}
        brute = _brute(players, quota, weights)
        case = (weights, quota, t, members)
        assert got[f"d_{t}"].status == ("proved" if brute["dummy"]["BLOC"] else "refuted"), case
        assert got[f"v_{t}"].status == ("proved" if brute["veto"]["BLOC"] else "refuted"), case
        for index in ("banzhaf", "shapley"):
            r, value = got[f"{index[0]}_{t}"], brute[index]["BLOC"]
            if value is None:
                assert r.status == "unknown", (case, r.summary)
            else:
                expected = "proved" if compare[ops[t]](value, bounds[t]) else "refuted"
                assert r.status == expected, (case, index, value, ops[t], bounds[t], r.summary)


def test_the_brute_force_has_teeth():
    """(the brute force above finds Banzhaf's three dummies of Nassau County, and no veto)"""
    brute = _brute({"h1": 9, "h2": 9, "nh": 7, "ob": 3, "gc": 1, "lb": 1}, 16)
    assert [x for x, d in brute["dummy"].items() if d] == ["ob", "gc", "lb"]
    assert not any(brute["veto"].values())
    assert brute["banzhaf"]["nh"] == Fraction(1, 3) and brute["shapley"]["h1"] == Fraction(1, 3)


# ---- --explain: the game a power property's verdict was read on, and why


def explained(text: str, **options) -> dict:
    """Each property's explanation (``--explain``), by name."""
    got = results(text, options=Options(sanity=False, explain=True, **options))
    return {name: r.explanation for name, r in got.items()}


def test_explain_gives_the_figures_behind_each_verdict():
    """Every figure the explanation gives is the brute force's: swings, all swings, pivotal orders,
    the minimal winning coalitions a dummy is in none of."""
    brute = _brute({"hempstead_1": 9, "hempstead_2": 9, "north_hempstead": 7, "oyster_bay": 3, "glen_cove": 1,
                    "long_beach": 1}, 16)
    nh, total = brute["swings"]["north_hempstead"], sum(brute["swings"].values())
    got = explained(NASSAU + """property d: oyster_bay is a dummy for adopt
property nd: north_hempstead is a dummy for adopt
property b: banzhaf power of north_hempstead over adopt >= 1/3
property s: shapley power of north_hempstead over adopt < 30%
property v: hempstead_1 is a veto player for adopt
""")
    assert got["d"][0].startswith("the game: 6 players, 32 of the 64 coalitions can force adopt (the single vote")
    assert got["d"][1] == ("oyster_bay is in none of the minimal winning coalitions (a dummy is exactly a player in "
                           "none): both of {hempstead_1, hempstead_2}; any 1 of {hempstead_1, hempstead_2}, north_hempstead")
    assert got["nd"][1].startswith(f"north_hempstead swings in {nh} of the 32 coalitions of the others")
    assert got["nd"][2].startswith("one of them: {hempstead_1} (with north_hempstead, a minimal winning coalition")
    assert 9 < 16 <= 9 + 7  # (hempstead_1 loses alone and wins with north_hempstead)
    assert got["b"][1:] == (f"normalised Banzhaf index: north_hempstead swings in {nh} coalitions of the others, all 6 "
                            f"players together in {total}; {nh} / {total} = 33.33% (1/3)", "33.33% (1/3) >= 1/3: true")
    pivots = brute["pivots"]["north_hempstead"]
    assert f"pivotal (joins a losing coalition and makes it win) in {pivots} of the 720 orders" in got["s"][1]
    assert got["s"][2] == "33.33% (1/3) < 30%: false"
    assert got["v"][1] == ("everyone but hempstead_1 together can force adopt; the fewest of them that can: "
                           "{hempstead_2, north_hempstead} (a minimal winning coalition: any 1 of {hempstead_1, "
                           "hempstead_2}, north_hempstead)")
    assert 9 + 7 >= 16
    assert all(r.explanation is None for r in results(NASSAU + "property d: oyster_bay is a dummy for adopt\n").values())


def test_explain_a_bloc_that_blocks_in_a_procedural_outcome():
    text = PROCEDURAL.split("property")[0].replace("person a\n  person b\n", "person a tags founder\n  person b tags founder\n"
                                                    "  person d\n").replace("members a, b, c", "members a, b, c, d")
    got = explained(text + "property v: tagged founder is a veto player for act\n")["v"]
    assert "the procedural analysis:" in got[0] and "checks of the verifier" in got[0]
    assert got[1] == "tagged founder is one player: a, b together (all of them in a coalition, or none)"
    assert got[2] == ("everyone but tagged founder together cannot force act, so tagged founder alone blocks it; the "
                      "minimal blocking coalitions: tagged founder; both of {d, c}")


def test_explain_says_what_it_cannot_explain(monkeypatch):
    nobody = explained(NASSAU.replace(">= 16", ">= 31") + "property b: banzhaf power of hempstead_1 over adopt <= 1\n")
    assert nobody["b"] == ("not explained: the game has no player who changes the outcome (no coalition wins its vote, "
                           "not even the whole body)",)
    bounded = explained(PROCEDURAL, depth=1, unbounded=False)
    assert bounded["v"][0].startswith("not an exact game: the analysis is bounded to depth 1")
    import govspec.power.report as power_report
    import govspec.procedural as procedural

    monkeypatch.setattr(power_report, "WORK", 1)
    monkeypatch.setattr(power_report, "BANZHAF_WORK", 0)  # (nor its Banzhaf indices alone)
    monkeypatch.setattr(procedural, "MAX_PROFILES", 1)
    monkeypatch.setattr(power_report, "applies", lambda game: False)  # (nor certified bounds)
    outside = explained(NASSAU + "property b: banzhaf power of oyster_bay over adopt <= 5%\n")["b"]
    assert len(outside) == 1 and outside[0].startswith("not explained: there is no exact power analysis of adopt")


def test_explain_in_every_format(tmp_path):
    path = tmp_path / "n.gov"
    path.write_text(NASSAU + "property d: oyster_bay is a dummy for adopt\n", encoding="utf-8")
    for fmt in ("text", "json", "markdown", "html"):
        out, err = io.StringIO(), io.StringIO()
        assert main(["check", str(path), "--no-sanity", "--explain", "--format", fmt], out, err) == 0, err.getvalue()
        assert "oyster_bay is in none of the minimal winning coalitions" in out.getvalue(), fmt
    out = io.StringIO()
    main(["check", str(path), "--no-sanity", "--explain", "--format", "json"], out, io.StringIO())
    report = json.loads(out.getvalue())
    from jsonschema import validate
    from conftest import ROOT

    validate(report, json.loads((ROOT / "govspec/schemas/report.schema.json").read_text(encoding="utf-8")))
    assert report["files"][0]["properties"][0]["explanation"][0].startswith("the game: 6 players")


def test_a_share_is_shown_with_the_digits_its_claim_needs():
    """A share rounded to 2 decimals read against a bound of more digits: "0.67% >= 0.67%: false",
    and "0.00%" for a share above 0.0022% (found in a hunt): the figure shown falls on the same
    side of the bound as the share, and a share that is not 0 does not read as 0."""
    from fractions import Fraction

    from govspec.power_properties import share
    assert share(Fraction(1, 3)) == "33.33% (1/3)" and share(Fraction(1, 2)) == "50.00%"
    assert share(Fraction(6659, 1_000_000), Fraction(67, 10_000)).startswith("0.666% ")
    assert share(Fraction(6701, 1_000_000), Fraction(67, 10_000)).startswith("0.6701% ")
    assert share(Fraction(221, 10_000_000), Fraction(22, 1_000_000)).startswith("0.00221% ")
    assert share(Fraction(1, 10 ** 9)).startswith("0.0000001% ") and share(Fraction(0)) == "0.00%"


def test_a_table_never_shows_a_player_with_power_as_0_percent():
    from govspec.power.report import share_cell
    assert share_cell(0.0) == "0.00%" and share_cell(1 / 3) == "33.33%" and share_cell(0.000022) == "0.0022%"
    assert share_cell(0.00005) == "0.01%" and share_cell(1e-7) == "0.000010%"  # (not 1e-05%)
    assert share_cell(1e-30) == "1e-28%"  # (past 20 decimals: never a row of zeros)
