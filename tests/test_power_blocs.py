"""``govspec power --bloc TAG`` (issue 17): the people with a tag as one player, ``tagged TAG``, in
the report itself; its figures agree with brute force over the bloc's game, with the power
properties that take the same bloc, and in every format and in a review's power block."""

import json
import random
from fractions import Fraction

import jsonschema
import pytest

from conftest import ROOT, run_cli
from govspec import api
from test_power_properties import PROCEDURAL, _brute

NASSAU_BLOCS = str(ROOT / "specs" / "power" / "nassau_blocs.gov")
FOUNDERS = PROCEDURAL.split("property")[0].replace("person a\n  person b\n", "person a tags founder\n  person b tags founder\n"
                                                   "  person d\n").replace("members a, b, c", "members a, b, c, d")


def _players(outcome: dict) -> dict:
    return {p["name"]: p for p in outcome["players"]}


@pytest.mark.parametrize("seed", range(8))
def test_a_bloc_in_a_weighted_vote_agrees_with_brute_force(tmp_path, seed):
    """Random weighted votes with a random tag on two or three members: the report's every index of
    every player (the bloc one of them) is the brute force's over the game with the bloc as one player."""
    rng = random.Random(seed)
    n = rng.randint(4, 7)
    weights = {f"p{i}": rng.randint(1, 6) for i in range(n)}
    tagged = rng.sample(sorted(weights), rng.randint(2, 3))
    quota = rng.randint(1, sum(weights.values()))
    text = 'organization "random" {\n' + "".join(
        f"  person {p} weight {w}{' tags bloc' if p in tagged else ''}\n" for p, w in weights.items())
    text += f"  body board {{\n    members {', '.join(weights)}\n  }}\n"
    text += f"  procedure adopt {{\n    decided by board at meeting\n      passes when weight(yes) >= {quota}\n  }}\n}}\n"
    path = tmp_path / "random.gov"
    path.write_text(text, encoding="utf-8")
    report = api.power(str(path), bloc="bloc")
    players = {"tagged bloc": tuple(p for p in weights if p in tagged), **{p: (p,) for p in weights if p not in tagged}}
    brute = _brute(players, quota, weights)
    (outcome,) = report["outcomes"]  # (a quota from 1 to the whole: some coalitions win, not the empty one)
    assert "why" not in outcome
    assert outcome["bloc"] == {"player": "tagged bloc", "members": list(players["tagged bloc"])}
    rows = _players(outcome)
    assert set(rows) == set(players)
    for x in players:
        assert rows[x]["swings"] == brute["swings"][x], x
        assert Fraction(rows[x]["normalised"]["exact"]) == brute["banzhaf"][x], x
        assert Fraction(rows[x]["shapley"]["exact"]) == brute["shapley"][x], x
        assert rows[x]["dummy"] == brute["dummy"][x] and rows[x]["veto"] == brute["veto"][x], x
    # the bloc stands in the place of the first of its people
    expected: list[str] = []
    for p in weights:
        expected += [] if p in tagged and "tagged bloc" in expected else ["tagged bloc" if p in tagged else p]
    assert [r["name"] for r in outcome["players"]] == expected


def test_the_bloc_of_nassau_decides_alone_as_the_properties_say():
    """specs/power/nassau_blocs.gov: its properties say the two Hempsteads as one player hold all the
    power and the small towns none; --bloc shows those figures, and --bloc small_town the dummy."""
    checked = {r.name: r.status for r in api.check_files([NASSAU_BLOCS]).files[0].properties}
    assert checked["the_hempsteads_hold_all_the_power"] == "proved"
    assert checked["the_small_towns_never_matter"] == "proved"
    (outcome,) = api.power(NASSAU_BLOCS, bloc="hempstead")["outcomes"]
    rows = _players(outcome)
    assert Fraction(rows["tagged hempstead"]["normalised"]["exact"]) == 1 and rows["tagged hempstead"]["veto"]
    assert outcome["dummies"] == ["north_hempstead", "oyster_bay", "glen_cove", "long_beach"]
    (outcome,) = api.power(NASSAU_BLOCS, bloc="small_town")["outcomes"]
    assert _players(outcome)["tagged small_town"]["dummy"]
    # without --bloc, each Hempstead has a third: the bloc is not the sum of its members
    (outcome,) = api.power(NASSAU_BLOCS)["outcomes"]
    assert Fraction(_players(outcome)["hempstead_1"]["normalised"]["exact"]) == Fraction(1, 3)


def test_a_bloc_in_a_procedural_outcome_agrees_with_the_properties(tmp_path):
    """The procedural analysis with the founders as one player: its Shapley-Shubik share is the one
    the power properties find (2/3: pivotal when second or third of {F, c, d}), it is a veto player,
    and the minimal winning coalitions carry the verifier's scenarios."""
    props = ("property s: shapley power of tagged founder over act >= 2/3\n"
             "property s2: shapley power of tagged founder over act > 2/3\n"
             "property v: tagged founder is a veto player for act\n")
    path = tmp_path / "founders.gov"
    path.write_text(FOUNDERS + props, encoding="utf-8")
    checked = {r.name: r.status for r in api.check_files([str(path)]).files[0].properties}
    assert checked == {"s": "proved", "s2": "refuted", "v": "proved"}
    (outcome,) = api.power(str(path), outcome="act", bloc="founder")["outcomes"]
    assert outcome["method"] == "procedural" and outcome["bloc"]["members"] == ["a", "b"]
    rows = _players(outcome)
    assert list(rows) == ["tagged founder", "d", "c"]  # (in the order of the spec: d is declared before c)
    assert Fraction(rows["tagged founder"]["shapley"]["exact"]) == Fraction(2, 3)
    assert outcome["vetoes"] == ["tagged founder"]
    witnesses = [p["witness"] for p in outcome["minimal_winning"]["profiles"]]
    assert witnesses and all({"a", "b"} <= set(w["coalition"]) for w in witnesses)


def test_every_format_names_the_bloc(tmp_path):
    code, out, err = run_cli("power", NASSAU_BLOCS, "--bloc", "hempstead")
    assert code == 0, err
    assert ("  tagged hempstead is one player: hempstead_1, hempstead_2 together (all of them in a coalition, "
            "or none)\n") in out
    assert "    tagged hempstead            1.0000           100.00%" in out
    code, out, _ = run_cli("power", NASSAU_BLOCS, "--bloc", "hempstead", "--format", "json", "-j", "2")
    report = json.loads(out)
    jsonschema.validate(report, json.loads((ROOT / "govspec/schemas/power.schema.json").read_text()))
    assert report["outcomes"][0]["bloc"]["player"] == "tagged hempstead"
    code, out, _ = run_cli("power", NASSAU_BLOCS, "--bloc", "hempstead", "--format", "markdown")
    assert "`tagged hempstead` is one player: hempstead_1, hempstead_2 together" in out
    assert "| `tagged hempstead` | 1.0000 | 100.00% |" in out
    code, out, _ = run_cli("power", NASSAU_BLOCS, "--bloc", "hempstead", "--format", "html")
    assert 'data-player="tagged hempstead" data-value="1"' in out and "is one player" in out


def test_a_bloc_nobody_has_or_with_other_players_is_a_usage_error():
    code, out, err = run_cli("power", NASSAU_BLOCS, "--bloc", "hempsted")
    assert code == 2 and not out and "Traceback" not in err
    assert "nobody in" in err and "has the tag 'hempsted'; its tags: hempstead, small_town" in err
    code, out, err = run_cli("power", NASSAU_BLOCS, "--bloc", "hempstead", "--by", "tag")
    assert code == 2 and "give it with the players by person, not by tag" in err
    code, out, err = run_cli("power", NASSAU_BLOCS, "--outcome", "adpot", "--bloc", "hempsted")
    assert code == 2 and not out and "Traceback" not in err  # (both named, not only the first found)
    assert "no procedure 'adpot'" in err and ". Also, nobody in" in err and "has the tag 'hempsted'" in err
    code, out, err = run_cli("power", NASSAU_BLOCS, "--outcome", "adpot", "--bloc", "hempstead")
    assert code == 2 and "no procedure 'adpot'" in err and "Also" not in err


def test_a_bloc_at_each_size(tmp_path):
    """--each-size with a bloc: each smaller board is analysed with the founders as one player
    (while one of them is left), and the board without both has no bloc player."""
    path = tmp_path / "founders.gov"
    path.write_text(FOUNDERS, encoding="utf-8")
    (outcome,) = api.power(str(path), outcome="act", bloc="founder", each_size=True)["outcomes"]
    states = outcome["sizes"]["states"]
    assert len(states) > 1
    analysed = 0
    for state in states:
        if "minimal_winning" not in state:  # (the declared board: the game above; or an answer in words)
            continue
        labels = " ".join(label for p in state["minimal_winning"]["profiles"] for label in p["take"])
        assert ("tagged founder" in labels) == (not {"a", "b"} <= set(state["without"])), state
        analysed += 1
    assert analysed >= 4


def test_a_review_block_takes_a_bloc(tmp_path):
    (tmp_path / "nassau.gov").write_text((ROOT / "specs/power/nassau_blocs.gov").read_text(), encoding="utf-8")
    review = tmp_path / "review.md"
    review.write_text("# Blocs\n\n```govspec-power\nspec: nassau.gov\nbloc: hempstead\n```\n", encoding="utf-8")
    code, out, err = run_cli("check", str(review))
    assert code == 0, err
    assert "tagged hempstead is one player: hempstead_1, hempstead_2 together" in out
    review.write_text("# Blocs\n\n```govspec-power\nspec: nassau.gov\nbloc: nobody\n```\n", encoding="utf-8")
    code, out, err = run_cli("check", str(review))
    assert code == 3 and "GOV008" in err and "has the tag 'nobody'" in err and "Traceback" not in err


def test_a_sampled_outcome_keeps_the_bloc(tmp_path):
    """--sample with a bloc: the estimates are the bloc's game's (the bloc one player, labelled)."""
    from govspec.load import load
    from govspec.procedural import outcomes, sample_procedure
    from govspec.power.report import tag_bloc

    path = tmp_path / "founders.gov"
    path.write_text(FOUNDERS, encoding="utf-8")
    model = load(str(path))
    (goal,) = [g for g in outcomes(model) if g.text == "act"]
    found = sample_procedure(model, goal, 200, "a test", bloc=tag_bloc(model, "founder"))
    assert found["bloc"]["player"] == "tagged founder"
    assert [p["name"] for p in found["approximate"]["players"]] == ["tagged founder", "d", "c"]


def test_a_bloc_whose_people_do_not_all_vote_says_so(tmp_path):
    """In a single vote only the bloc's people who vote are the player; the others are named as
    not voting, and a bloc none of whose people vote is no player of the outcome."""
    spec = tmp_path / "nv.gov"
    spec.write_text('organization "x" {\n  person a tags t\n  person b tags t\n  person c\n  person d\n  person e\n'
                    "  body board { members c, d, e }\n  body council { members a, c, d }\n"
                    "  procedure adopt {\n    decided by board at meeting\n      passes when yes > half of members\n  }\n"
                    "  procedure other {\n    decided by council at meeting\n      passes when yes > half of members\n  }\n}\n",
                    encoding="utf-8")
    adopt, other = api.power(str(spec), bloc="t")["outcomes"]
    assert adopt["bloc"] == {"player": "tagged t", "members": [], "not_voting": ["a", "b"]}
    assert "tagged t" not in _players(adopt)
    assert other["bloc"] == {"player": "tagged t", "members": ["a"], "not_voting": ["b"]}
    assert list(_players(other)) == ["tagged t", "c", "d"]
    code, out, _ = run_cli("power", str(spec), "--bloc", "t")
    assert code == 0 and "  tagged t is no player here: none of its people (a, b) votes on it\n" in out
    assert ("  tagged t is one player: a together (all of them in a coalition, or none); b does not vote on it\n"
            in out)
    code, out, _ = run_cli("power", str(spec), "--bloc", "t", "--format", "json")
    jsonschema.validate(json.loads(out), json.loads((ROOT / "govspec/schemas/power.schema.json").read_text()))


def test_a_large_bloc_is_named_in_part_and_a_sampled_vote_keeps_the_spec_s_order(tmp_path):
    """100 holders of weights 1 to 100 voting by weight and by head (too large for the exact
    analysis, and two criteria, which the certified bounds do not take: sampled), 30 of them
    tagged: the line names 20 and counts the rest (the JSON lists all 30); the estimates come in
    the order of the spec, the bloc where its first person stands; an NFD spelling of a tag is
    the tag."""
    people = "".join(f"  person h{i} weight {i}{' tags café' if i % 3 == 0 else ''}\n" for i in range(1, 101))
    spec = tmp_path / "holders.gov"
    spec.write_text('organization "x" {\n' + people + "  body holders { members "
                    + ", ".join(f"h{i}" for i in range(1, 101)) + " }\n  procedure adopt {\n    decided by holders at meeting\n"
                    "      passes when weight(yes) > half of weight(members) and yes > half of members\n  }\n}\n",
                    encoding="utf-8")
    report = api.power(str(spec), bloc="cafe\u0301", sample=200)  # (NFD: "e" and a combining acute accent)
    (outcome,) = report["outcomes"]
    assert outcome["bloc"]["player"] == "tagged café" and len(outcome["bloc"]["members"]) == 33
    names = [p["name"] for p in outcome["approximate"]["players"]]
    assert names[:4] == ["h1", "h2", "tagged café", "h4"] and names[4:] == [f"h{i}" for i in range(5, 101) if i % 3]
    code, out, _ = run_cli("power", str(spec), "--bloc", "café", "--sample", "200")
    assert code == 4 and ("  tagged café is one player: " + ", ".join(f"h{i}" for i in range(3, 61, 3))
                          + " and 13 more together (all of them in a coalition, or none)\n") in out
