"""A single weighted vote past the analysis of every index: its Banzhaf and Coleman indices alone,
exact, counted by weight sums (govspec.power.games.banzhaf_one_weight; docs/power.md, "Past the
full analysis: the Banzhaf indices alone")."""

from __future__ import annotations

import io
import json
import random
import re
from fractions import Fraction
from pathlib import Path

import pytest

from govspec.cli import main
from govspec.power.certified import Declined, certified_banzhaf
from govspec.power.games import (BANZHAF_SUMS, BANZHAF_WORK, analyse, banzhaf_analysis, banzhaf_one_weight, banzhaf_work,
                                 multi_weighted, weighted)

ROOT = Path(__file__).resolve().parent.parent


def _run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


def _holders(tmp_path, n: int = 300, tags: bool = False, properties: str = "") -> Path:
    people = "".join(f"  person h{i} weight {i}{' tags big' if tags and i > n - 10 else ''}\n" for i in range(1, n + 1))
    spec = tmp_path / "holders.gov"
    spec.write_text('organization "Holders" {\n' + people + "  body holders { members "
                    + ", ".join(f"h{i}" for i in range(1, n + 1)) + " }\n  procedure adopt {\n"
                    "    decided by holders by written consent\n      passes when weight(yes) > half of weight(members)\n"
                    "  }\n}\n" + properties, encoding="utf-8")
    return spec


def test_the_indices_alone_agree_with_the_full_analysis_on_random_votes():
    """Random votes of up to 40 members (weights with zeros, large weights, repeated weights): the
    swings, winning coalitions, vetoes and every index but Shapley-Shubik are those of the full
    analysis (which tests/test_power.py checks against brute force)."""
    rng = random.Random(2026)
    for _ in range(40):
        n = rng.randint(1, 40)
        ws = [rng.choice([0, rng.randint(1, 5), rng.randint(1, 300)]) for _ in range(n)]
        game = weighted(ws, rng.randint(0, sum(ws) + 2))
        full, alone = analyse(game), banzhaf_analysis(game)
        assert list(alone.swings) == [ix.swings for ix in full.per_class]
        assert alone.winning == full.winning and alone.vetoes == full.vetoes
        assert alone.indices() == [{k: getattr(ix, k) for k in ("banzhaf", "normalised", "initiate", "prevent")}
                                   for ix in full.per_class]


def test_the_losing_coalitions_are_counted_with_members_of_weight_0_and_at_least_the_quota():
    """Weights 0, 0, 3 and 9 with a quota of 5: coalitions below 5 are those without the 9 (the 3 in
    or out, each 0 in or out): 8 losing of 16; the 9 swings in all 8 of the others' coalitions."""
    swings, losing = banzhaf_one_weight(weighted([0, 0, 3, 9], 5))
    assert losing == 8 and dict(zip([0, 3, 9], swings)) == {0: 0, 3: 0, 9: 8}


def test_only_a_single_weighted_vote_within_the_limits_is_taken():
    assert banzhaf_work(multi_weighted([([1] * 6, 4), ([5, 1, 3, 8, 2, 2], 12)])) is None
    assert banzhaf_work(multi_weighted([([1, 2, 3], 4)], minority=(0, 2))) is None
    many = weighted([BANZHAF_SUMS, BANZHAF_SUMS + 1], 2 * BANZHAF_SUMS)  # (too many sums to read one by one)
    assert banzhaf_work(many) > BANZHAF_WORK and banzhaf_work(weighted([1, 2], BANZHAF_SUMS + 1)) == 2 * 4 * 8  # (sums 0 to 3 only)


def test_the_figures_docs_power_md_gives_for_the_limits():
    """docs/power.md: 300 holders of weights 1 to 300 cost about 2,000,000,000 bit operations; some
    670 holders reach the limit; a few dozen holders of millions of tokens each are past it (more
    than 2,000,000 sums); 1,000 holders (specs/power/token_holders_1000.gov) are some 5 times past
    it; 50 holders of tens of thousands of tokens each are within it, while 50 of
    up to millions each are past it and declined by the certified bounds."""
    doc = (ROOT / "docs/power.md").read_text(encoding="utf-8")
    assert f"at most {BANZHAF_WORK:,} bit operations" in doc and f"at most\n{BANZHAF_SUMS:,} sums" in doc

    def holders(n: int) -> int:
        return banzhaf_work(weighted(list(range(1, n + 1)), n * (n + 1) // 4 + 1))

    assert round(holders(300), -9) == 2_000_000_000 and "weights 1 to 300 cost about 2,000,000,000" in doc
    assert round(holders(1000) / BANZHAF_WORK) == 5 and "some 5 times the limit of the Banzhaf indices alone" in doc
    assert holders(665) <= BANZHAF_WORK < holders(670) and "some 670\nholders of weights 1 to 670 reach the limit" in doc
    ws = [1_000_003 + 7 * i for i in range(30)]
    assert sum(ws) // 2 > BANZHAF_SUMS and banzhaf_work(weighted(ws, sum(ws) // 2 + 1)) > BANZHAF_WORK
    ws = random.Random(50).sample(range(1000, 100_000), 50)
    assert banzhaf_work(weighted(ws, sum(ws) // 2 + 1)) <= BANZHAF_WORK
    ws = random.Random(50).sample(range(100_000, 10_000_000), 50)
    game = weighted(ws, sum(ws) // 2 + 1)
    assert banzhaf_work(game) > BANZHAF_WORK
    with pytest.raises(Declined, match="too few players for the spread of their weights"):
        certified_banzhaf(game)


def test_300_holders_get_exact_banzhaf_and_coleman_indices_labelled_in_every_format(tmp_path):
    """300 holders: exit 4; text and Markdown say EXACT, BANZHAF AND COLEMAN ONLY; JSON (valid
    against the schema) has players with exact fractions and no Shapley-Shubik, not_computed, no
    minimal coalitions; the chart's bars carry the exact shares; --by tag adds the members' shares."""
    import jsonschema

    spec = _holders(tmp_path, tags=True)
    code, out, err = _run("power", str(spec))
    assert code == 4 and err == "" and out.splitlines()[1].startswith("  EXACT, BANZHAF AND COLEMAN ONLY: Shapley-Shubik")
    assert "Shapley-Shubik  " not in out and "minimal winning (" not in out and "CERTIFIED" not in out
    assert "\n  winning coalitions: a share of 0.499868 of all 2^300, rounded (the exact counts in JSON)\n" in out
    code, md, _ = _run("power", str(spec), "--format", "markdown")
    assert code == 4 and "\n**EXACT, BANZHAF AND COLEMAN ONLY: " in md and "Minimal" not in md
    assert "| Player | Banzhaf | normalised | Coleman initiate | Coleman prevent |" in md
    code, data, _ = _run("power", str(spec), "--format", "json", "--by", "tag")
    report = json.loads(data)
    jsonschema.validate(report, json.loads((ROOT / "govspec/schemas/power.schema.json").read_text()))
    (adopt,) = report["outcomes"]
    assert code == 4 and adopt["not_computed"]["what"] == ["shapley", "minimal_winning", "minimal_blocking"]
    assert "minimal_winning" not in adopt and all("shapley" not in r for r in adopt["players"] + adopt["tags"])
    game = weighted(list(range(1, 301)), 45150 // 2 + 1)
    full = banzhaf_analysis(game)
    by_weight = {c.weights[0]: ix for c, ix in zip(game.classes, full.indices())}
    for i, row in enumerate(adopt["players"], start=1):
        assert row["name"] == f"h{i}" and Fraction(row["banzhaf"]["exact"]) == by_weight[i]["banzhaf"]
        assert Fraction(row["prevent"]["exact"]) == by_weight[i]["prevent"]
    (big,) = adopt["tags"]
    assert Fraction(big["normalised"]["exact"]) == sum(by_weight[i]["normalised"] for i in range(291, 301))
    assert adopt["winning_coalitions"] == full.winning and adopt["dummies"] == [] == adopt["vetoes"]
    assert round(Fraction(full.winning, 2 ** 300), 6) == Fraction("0.499868") and adopt["all_coalitions"] == 2 ** 300
    code, page, _ = _run("power", str(spec), "--format", "html")
    bars = dict(re.findall(r'data-player="(h\d+)" data-value="([^"]+)"', page))
    assert code == 4 and len(bars) == 60 and Fraction(bars["h300"]) == by_weight[300]["normalised"]
    assert "<strong>EXACT, BANZHAF AND COLEMAN ONLY" in page and 'class="interval"' not in page


def test_power_properties_are_decided_from_the_indices_alone_but_shapley_shubik(tmp_path):
    """A bound on the Banzhaf index, a dummy and a veto player are PROVED or REFUTED; a bound on the
    Shapley-Shubik index is UNKNOWN, with the reason (exit 4); --explain says how it was counted."""
    spec = _holders(tmp_path, properties=(
        "property small: banzhaf power of h300 over adopt <= 1%\n"
        "property tiny: banzhaf power of h300 over adopt < 0.5%\n"
        "property h1_dummy: h1 is a dummy for adopt\n"
        "property no_veto: h300 is not a veto player for adopt\n"
        "property ss: shapley power of h300 over adopt <= 20%\n"))
    code, out, _ = _run("check", str(spec), "--no-sanity", "--explain")
    status = dict(re.findall(r"^\S+:\d+: (\w+) \.\.\. ([A-Z]+)", out, re.M))
    assert status == {"small": "PROVED", "tiny": "REFUTED", "h1_dummy": "REFUTED", "no_veto": "PROVED",
                      "ss": "UNKNOWN"}, out
    assert code == 1 and "banzhaf power of h300 is 0.67% (" in out
    assert "reason: the Shapley-Shubik index is not computed for adopt: its vote is too large for the analysis of every index" in out
    assert "every coalition counted by its weight sum, member by member: the Banzhaf and Coleman indices only" in out


def test_a_swing_example_is_a_minimal_winning_coalition_in_which_the_player_swings():
    """Random votes (weights with zeros, weights past the quota, any quota): swing_example finds a
    coalition exactly when the player has a swing (the exact count), and it wins, loses without the
    player and without any one of its other members."""
    from govspec.power.games import swing_example

    rng = random.Random(4)
    for _ in range(1500):
        n = rng.randint(1, 9)
        ws = [rng.choice([0, 1, 2, rng.randint(1, 12)]) for _ in range(n)]
        quota, names = rng.randint(0, sum(ws) + 2), [f"p{i}" for i in range(n)]
        game, weight = weighted(ws, quota, names=names), dict(zip(names, ws))
        for c, swings in zip(game.classes, banzhaf_analysis(game).swings):
            for x in c.names():
                found = swing_example(game, x)
                assert (found is None) == (swings == 0), (ws, quota, x, found)
                if found is not None:
                    total = sum(weight[p] for p in found)
                    assert found[0] == x and len(set(found)) == len(found) and total >= quota
                    assert all(total - weight[p] < quota for p in found), (ws, quota, x, found)


def test_a_refuted_dummy_of_the_indices_alone_names_a_coalition_it_swings_in(tmp_path):
    """301 holders (the Banzhaf indices alone; an odd total, so the game's weights are the spec's
    doubled): `h1 is a dummy` is REFUTED with a coalition in which h1 swings, checked here by the
    spec's weights against its rule (more than half of 45,451); --explain names it too."""
    spec = _holders(tmp_path, n=301, properties="property h1_dummy: h1 is a dummy for adopt\n")
    code, out, _ = _run("check", str(spec), "--no-sanity", "--explain")
    found = re.search(r"e\.g\. \{([^}]*)\} can force adopt and cannot without h1 \(a minimal winning coalition: it "
                      r"reaches the quota; without h1, or without any other of its members, it falls short\)", out)
    assert code == 1 and " h1_dummy ... REFUTED" in out and found, out
    people = found.group(1).split(", ")
    total, whole = sum(int(p[1:]) for p in people), sum(range(1, 302))
    assert people[0] == "h1" and 2 * total > whole and 2 * (total - 1) <= whole
    assert all(2 * (total - int(p[1:])) <= whole for p in people)
    assert f"one of them: {{{', '.join(people[1:])}}} (with h1, a minimal winning coalition" in out


def test_a_holder_who_passes_it_alone_past_a_huge_quota(tmp_path):
    """A treasury of 10^12 tokens and 60 holders of 1 to 60 (the Banzhaf indices alone: the work
    counts the holders below the quota only): `treasury is a dummy` is REFUTED at once, the
    treasury alone passing it (no integer of 10^12 bits is built), and the fewest who pass it are
    the treasury alone."""
    people = "  person treasury weight 1000000000000\n" + "".join(f"  person h{i} weight {i}\n" for i in range(1, 61))
    spec = tmp_path / "whale.gov"
    spec.write_text('organization "Whale" {\n' + people + "  body holders { members treasury, "
                    + ", ".join(f"h{i}" for i in range(1, 61)) + " }\n  procedure adopt {\n"
                    "    decided by holders by written consent\n      passes when weight(yes) > half of weight(members)\n"
                    "  }\n}\nproperty whale: treasury is a dummy for adopt\n", encoding="utf-8")
    code, out, _ = _run("check", str(spec), "--no-sanity", "--explain")
    assert code == 1 and " whale ... REFUTED" in out and "one of them: nobody (treasury alone can force it" in out, out
    code, out, _ = _run("power", str(spec))
    assert code == 4 and "  fewest to pass it (exact, from the weights): 1 of 61, e.g. treasury alone" in out
    assert "  fewest to block it (exact, from the weights): 1 of 61, e.g. treasury alone" in out

def test_the_fewest_who_pass_or_block_are_those_of_brute_force():
    """Random votes (weights with zeros, any quota at which the whole wins and nobody alone does not):
    the fewest who pass and who block are the least sizes over every coalition, and the coalitions
    named pass (or block)."""
    import itertools

    from govspec.power.games import fewest

    rng = random.Random(5)
    for _ in range(1500):
        n = rng.randint(1, 8)
        ws = [rng.choice([0, 1, 2, rng.randint(1, 12)]) for _ in range(n)]
        if sum(ws) == 0:
            continue
        quota, names = rng.randint(1, sum(ws)), [f"p{i}" for i in range(n)]
        weight, total = dict(zip(names, ws)), sum(ws)
        win, block = fewest(weighted(ws, quota, names=names))
        every = [c for k in range(n + 1) for c in itertools.combinations(names, k)]
        assert len(win) == min(len(c) for c in every if sum(weight[p] for p in c) >= quota)
        assert len(block) == min(len(c) for c in every if total - sum(weight[p] for p in c) < quota)
        assert sum(weight[p] for p in win) >= quota and total - sum(weight[p] for p in block) < quota


def test_the_fewest_are_given_in_every_format_past_the_full_analysis(tmp_path, monkeypatch):
    """The Banzhaf indices alone, certified bounds and a sampled single vote each give the fewest who
    pass and who block, exact, in text, Markdown and JSON (valid against the schema); the docs'
    figures are these."""
    import jsonschema

    from govspec.power import report

    schema = json.loads((ROOT / "govspec/schemas/power.schema.json").read_text())
    spec = _holders(tmp_path)
    code, out, _ = _run("power", str(spec), "--format", "json")
    data = json.loads(out)
    jsonschema.validate(data, schema)
    f = data["outcomes"][0]["fewest"]
    assert (f["winning"]["size"], f["blocking"]["size"], f["of"]) == (89, 89, 300)
    assert f["winning"]["players"][:3] == ["h300", "h299", "h298"] and len(f["winning"]["players"]) == 89
    _, text, _ = _run("power", str(spec))
    assert ("  fewest to pass it (exact, from the weights): 89 of 300, e.g. h300, h299, h298, h297, h296, h295, h294, "
            "h293, h292, h291, h290, h289, h288, h287, h286, h285, h284, h283, h282, h281 and 69 more; no 88 can") in text
    _, md, _ = _run("power", str(spec), "--format", "markdown")
    assert "\nFewest to block it (exact, from the weights): 89 of 300, e.g. h300" in md
    monkeypatch.setattr(report, "BANZHAF_WORK", 0)  # (the same vote past both limits: certified bounds)
    code, out, _ = _run("power", str(spec), "--format", "json")
    certified = json.loads(out)
    jsonschema.validate(certified, schema)
    assert "certified" in certified["outcomes"][0] and certified["outcomes"][0]["fewest"] == f
    doc = (ROOT / "docs/power.md").read_text(encoding="utf-8")
    assert "For the 300 holders above, 89 of the\n300 can pass the proposal and 89 can block it; for the 1,000 holders, 294." in doc
    big = tmp_path / "big.gov"  # (30 holders of about a million each: sampled; the 15 heaviest pass it)
    people = "\n".join(f"  person h{i} weight {1_000_003 + 7 * i}" for i in range(30))
    big.write_text(f'organization "Big" {{\n{people}\n  body holders {{ members {", ".join(f"h{i}" for i in range(30))} }}\n'
                   "  procedure act {\n    decided by holders by written consent\n"
                   "      passes when weight(yes) > half of weight(holders.members)\n  }\n}\n", encoding="utf-8")
    code, out, _ = _run("power", str(big), "--sample", "200", "--format", "json")
    sampled = json.loads(out)
    jsonschema.validate(sampled, schema)
    (act,) = sampled["outcomes"]
    assert "approximate" in act and act["fewest"]["winning"] == {"size": 15, "players": [f"h{i}" for i in range(29, 14, -1)]}
    assert act["fewest"]["blocking"]["size"] == 15


def test_the_power_page_quotes_the_run_on_300_token_holders():
    """docs/power.md quotes the first and last lines of `govspec power` on
    specs/power/token_holders_300.gov (exit 4)."""
    code, out, _ = _run("power", str(ROOT / "specs/power/token_holders_300.gov"))
    lines = out.replace(str(ROOT) + "/", "").splitlines()
    doc = (ROOT / "docs/power.md").read_text(encoding="utf-8")
    assert code == 4 and "\n".join(lines[:6] + ["    ..."] + lines[-6:]) in doc


def test_members_of_weight_0_double_every_count_at_the_end():
    """2,000 members of weight 0 (the API allows them; a spec does not): the counts are those of the
    others times 2^2000, and the work is that of the others."""
    from govspec.power.games import banzhaf_sums

    alone, many = weighted([1, 2, 3, 4], 6), weighted([0] * 2000 + [1, 2, 3, 4], 6)
    (s0, l0), (s1, l1) = banzhaf_one_weight(alone), banzhaf_one_weight(many)
    assert l1 == l0 << 2000 and s1 == [0] + [s << 2000 for s in s0] and banzhaf_sums(many) == banzhaf_sums(alone) == 6
    assert banzhaf_work(many) == banzhaf_work(alone)


def test_a_quota_past_the_whole_body_is_answered_without_counting(tmp_path):
    """1,000 holders (past every exact analysis) with a quota above all their tokens: nobody can pass
    it, exactly, at once; a quota of 0: everyone passes it."""
    for quota, words in (("weight(yes) >= 600000", "nobody can pass it: no coalition wins its vote"),
                         ("weight(yes) >= 0", "every coalition, the empty one included, passes it")):
        spec = _holders(tmp_path, n=1000)
        spec.write_text(spec.read_text().replace("weight(yes) > half of weight(members)", quota))
        code, out, err = _run("power", str(spec))
        assert code == 0 and err == "" and words in out.splitlines()[1], out


def test_a_shapley_bound_on_a_dummy_is_decided_from_the_indices_alone(tmp_path):
    """Weights 1 to 299 and 100,000 with a quota above 100,000: everyone but h300 is a dummy, and a
    dummy's Shapley-Shubik index is 0 (pivotal in no order), though it is not computed for the others."""
    people = "".join(f"  person h{i} weight {i if i < 300 else 100_000}\n" for i in range(1, 301))
    spec = tmp_path / "dictator.gov"
    spec.write_text('organization "D" {\n' + people + "  body holders { members " + ", ".join(f"h{i}" for i in range(1, 301))
                    + " }\n  procedure adopt {\n    decided by holders by written consent\n"
                    "      passes when weight(yes) >= 100000\n  }\n}\n"
                    "property zero: shapley power of h1 over adopt <= 0%\nproperty top: shapley power of h300 over adopt >= 50%\n",
                    encoding="utf-8")
    code, out, _ = _run("check", str(spec), "--no-sanity", "--explain")
    status = dict(re.findall(r"^\S+:\d+: (\w+) \.\.\. ([A-Z]+)", out, re.M))
    assert status == {"zero": "PROVED", "top": "UNKNOWN"}, out
    assert "pivotal in no order of the players: its Shapley-Shubik index is 0" in out


def test_the_markdown_gives_each_tag_s_share(tmp_path):
    spec = _holders(tmp_path, tags=True)
    code, md, _ = _run("power", str(spec), "--format", "markdown", "--by", "tag")
    assert code == 4 and "Per tag (the shares of the members with the tag, added up):\n\n| Tag | normalised |\n" in md
    assert re.search(r"\| `big` \| \d+\.\d\d% \|", md)


def test_a_sampled_chart_of_many_players_ranks_and_bounds_by_estimate_only(tmp_path):
    """A vote by two rules (weight and head count) of 300 holders, sampled: the chart draws the 60
    largest estimates and says the others are each *estimated* at most the largest of theirs, not
    that their index is at most anything (an estimate's interval is no bound)."""
    from decimal import Decimal

    spec = _holders(tmp_path)
    spec.write_text(spec.read_text().replace("weight(yes) > half of weight(members)",
                                             "weight(yes) > half of weight(members) and yes >= 100"))
    code, page, _ = _run("power", str(spec), "--sample", "400", "--format", "html")
    _, data, _ = _run("power", str(spec), "--sample", "400", "--format", "json")
    estimates = {p["name"]: p["banzhaf"]["estimate"] for p in json.loads(data)["outcomes"][0]["approximate"]["players"]}
    drawn = re.findall(r'<rect [^>]*data-player="(h\d+)"', page)
    assert code == 4 and len(drawn) == 60 and min(estimates[n] for n in drawn) >= max(
        v for n, v in estimates.items() if n not in drawn)
    most = re.search(r"and 240 other players, each estimated at ([\d.]+) or less</text>", page)
    assert most and Decimal(most[1]) >= Decimal(max(v for n, v in estimates.items() if n not in drawn))
    assert "each at most" not in page


def test_a_chart_widens_for_long_names_and_its_last_line(tmp_path):
    """Holders named by 42-character addresses (as loaded from a CSV export): every name and the
    line on the players left out lie inside the chart (widths as the page's own measure gives them)."""
    from govspec.formats.html import text_width

    names = [f"0x{i:040x}" for i in range(1, 301)]
    people = "".join(f"  person a{n} weight {i}\n" for i, n in enumerate(names, start=1))
    spec = tmp_path / "addresses.gov"
    spec.write_text('organization "A" {\n' + people + "  body holders { members " + ", ".join(f"a{n}" for n in names)
                    + " }\n  procedure adopt {\n    decided by holders by written consent\n"
                    "      passes when weight(yes) > half of weight(members)\n  }\n}\n", encoding="utf-8")
    code, page, _ = _run("power", str(spec), "--format", "html")
    width = float(re.search(r'class="power-chart" width="(\d+)"', page)[1])
    for x, name in re.findall(r'<text x="([\d.]+)" y="\d+" font-size="11" text-anchor="end">([^<]+)</text>', page):
        assert float(x) - text_width(name, 11) >= 0, name
    x, rest = re.search(r'<text x="([\d.]+)" y="\d+" font-size="11" class="left-out">([^<]+)</text>', page).groups()
    assert code == 4 and float(x) + text_width(rest, 11) <= width and width > 460
