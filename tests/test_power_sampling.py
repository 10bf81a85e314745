"""Shapley-Shubik indices estimated from random orders (govspec.power.games.sample_shapley and
sample_orders_of; docs/power.md, "Beyond exact reach: sampling"): where the exact analysis of every
index is not done, ``--sample N`` estimates them, labelled approximate in every format."""

from __future__ import annotations

import io
import itertools
import json
import math
import random
from fractions import Fraction
from pathlib import Path

import jsonschema
import pytest

from govspec.cli import main
from govspec.power import report as power_report
from govspec.power.games import analyse, multi_weighted, sample_orders_of, sample_shapley, weighted

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "govspec/schemas/power.schema.json").read_text(encoding="utf-8"))


def _run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["power", *args], out, err)
    return code, out.getvalue(), err.getvalue()


def _random_game(rng: random.Random):
    """A small game in which some coalition wins and the empty one loses: one quota, several, or a
    blocking minority (as a double-majority council has)."""
    while True:
        n = rng.randint(2, 8)
        ws = [rng.choice([0, 1, 2, rng.randint(1, 9)]) for _ in range(n)]
        shape = rng.choice(["one", "two", "minority"])
        if shape == "one":
            game = weighted(ws, rng.randint(1, sum(ws) + 1))
        else:
            criteria = [(ws, rng.randint(1, sum(ws) + 1)), ([1] * n, rng.randint(1, n))]
            game = multi_weighted(criteria, minority=(1, rng.randint(1, n)) if shape == "minority" else None)
        if game.wins(game.totals()) and not game.wins((0,) * len(game.quotas)):
            return game


def _pivots_of_every_order(game) -> list[Fraction]:
    """Brute force: each class's share of the pivots over every order of the players."""
    players = [i for i, c in enumerate(game.classes) for _ in range(c.count)]
    counts = [0] * len(game.classes)
    for order in itertools.permutations(range(len(players))):
        sums = [0] * len(game.quotas)
        for j in order:
            sums = [s + w for s, w in zip(sums, game.classes[players[j]].weights)]
            if game.wins(tuple(sums)):
                counts[players[j]] += 1
                break
    every = math.factorial(len(players))
    return [Fraction(k, every) for k in counts]


def test_the_pivots_counted_are_those_of_every_order_and_both_samplers_agree():
    """On random games of every shape: the exact Shapley-Shubik index of each class (its members
    added up) is its share of the pivots over every order (brute force); both samplers draw the same
    orders and find the same pivots; with 3,000 orders every estimate is within 0.05 of the exact
    index (seeded: the same figures each run), and most of the 95% intervals hold it."""
    rng = random.Random(7)
    held = total = 0
    for seed in range(25):
        game = _random_game(rng)
        exact = analyse(game)
        assert _pivots_of_every_order(game) == [ix.shapley * c.count for ix, c in zip(exact.per_class, game.classes)]
        fast = sample_shapley(game, 3000, seed=seed)  # (a seed each: games of as many players would share orders)
        slow = sample_orders_of(game, lambda profile: game.wins(game.profile_sums(profile)), 3000, seed=seed)
        assert fast.pivots == slow.pivots and sum(fast.pivots) == 3000  # (one pivot per order)
        for i, ix in enumerate(exact.per_class):
            estimate, low, high = fast.estimate(i)
            assert abs(estimate - ix.shapley) < 0.05 and low <= float(estimate) <= high
            assert high <= 1 / game.classes[i].count + 1e-12  # (a class shares its orders: at most 1/count each)
            held += low <= ix.shapley <= high
            total += 1
    assert held / total >= 0.9, (held, total)


def test_the_nassau_board_is_estimated_near_its_thirds():
    """Nassau County, 1958 (9, 9, 7, 3, 1, 1; quota 16): three members hold a third each, three none:
    the estimates of the three are near 1/3 and their intervals hold it; the other three are never
    pivotal (an estimate of 0, with an interval from 0)."""
    game = weighted([9, 9, 7, 3, 1, 1], 16)
    found = sample_shapley(game, 5000)
    by_weight = {c.weights[0]: found.estimate(i) for i, c in enumerate(game.classes)}
    for w in (9, 7):
        estimate, low, high = by_weight[w]
        assert abs(estimate - Fraction(1, 3)) < 0.02 and low <= 1 / 3 <= high
    for w in (3, 1):
        assert by_weight[w][0] == 0 and by_weight[w][1] == 0 and by_weight[w][2] < 0.001


def _holders(tmp_path, n: int) -> Path:
    people = "".join(f"  person h{i} weight {i}\n" for i in range(1, n + 1))
    spec = tmp_path / "holders.gov"
    spec.write_text('organization "Holders" {\n' + people + "  body holders { members "
                    + ", ".join(f"h{i}" for i in range(1, n + 1)) + " }\n  procedure adopt {\n"
                    "    decided by holders by written consent\n      passes when weight(yes) > half of weight(members)\n"
                    "  }\n}\n", encoding="utf-8")
    return spec


def _formats(spec: Path, *args) -> dict:
    """The outputs of ``govspec power SPEC --sample ...`` in every format: {format: (exit code, output)}."""
    found = {}
    for fmt in ("text", "markdown", "html", "json"):
        code, out, err = _run(str(spec), *args, "--format", fmt)
        assert err == "", err
        found[fmt] = (code, out)
    return found


def test_beside_the_banzhaf_indices_alone_shapley_is_estimated_and_labelled_approximate(tmp_path):
    """A vote past the analysis of every index (the exact Banzhaf indices alone): without --sample,
    Shapley-Shubik is named as not computed and nothing is estimated; with --sample 2000, it is
    estimated from 2,000 random orders, labelled APPROXIMATE, NOT EXACT in text, Markdown and HTML,
    under "sampled_shapley" in JSON (valid against the schema), exit 4; the exact figures stay exact."""
    spec = _holders(tmp_path, 150)
    code, plain, _ = _run(str(spec), "--format", "json")
    (bare,) = json.loads(plain)["outcomes"]
    assert code == 4 and "not_computed" in bare and "sampled_shapley" not in bare
    found = _formats(spec, "--sample", "2000")
    assert {code for code, _ in found.values()} == {4}
    report = json.loads(found["json"][1])
    jsonschema.validate(report, SCHEMA)
    (act,) = report["outcomes"]
    assert act["players"] == bare["players"] and act["not_computed"] == bare["not_computed"]
    s = act["sampled_shapley"]
    assert s["orders"] == 2000 and s["confidence"] == 0.95 and s["why"] == bare["not_computed"]["why"]
    assert [p["name"] for p in s["players"]] == [f"h{i}" for i in range(1, 151)]  # (the spec's order)
    assert sum(p["shapley"]["estimate"] for p in s["players"]) == pytest.approx(1)
    for p in s["players"]:
        e = p["shapley"]
        assert 0 <= e["low"] <= e["estimate"] <= e["high"] <= 1
    words = "APPROXIMATE, NOT EXACT: the Shapley-Shubik indices estimated from 2,000 random orders"
    text = found["text"][1]
    assert f"  {words}" in text and text.index("  dummies: ") < text.index(words)
    assert "    h150  " in text.split(words, 1)[1]
    assert f"**{words}" in found["markdown"][1] and "| Player | Shapley-Shubik (approx.) | 95% interval |" in found["markdown"][1]
    assert f"<strong>{words}" in found["html"][1]
    inexact = power_report.inexact(report)
    assert any(line.startswith(f"adopt: {words}") for line in inexact)


def test_beside_certified_bounds_shapley_is_estimated_and_labelled_approximate(tmp_path, monkeypatch):
    """A vote given certified bounds (300 holders, the Banzhaf indices alone forced past their
    limit): with --sample 1000 the Shapley-Shubik indices are estimated beside the intervals, and
    the certified figures are those without --sample."""
    monkeypatch.setattr(power_report, "BANZHAF_WORK", 0)
    spec = _holders(tmp_path, 300)
    _, plain, _ = _run(str(spec), "--format", "json")
    found = _formats(spec, "--sample", "1000")
    report = json.loads(found["json"][1])
    jsonschema.validate(report, SCHEMA)
    (act,), (bare,) = report["outcomes"], json.loads(plain)["outcomes"]
    assert act["certified"] == bare["certified"] and "sampled_shapley" not in bare
    s = act["sampled_shapley"]
    assert s["orders"] == 1000 and s["why"] == bare["certified"]["why"] and len(s["players"]) == 300
    words = "APPROXIMATE, NOT EXACT: the Shapley-Shubik indices estimated from 1,000 random orders"
    text = found["text"][1]
    assert text.index("CERTIFIED BOUNDS, NOT EXACT") < text.index(words) and "    h300  " in text.split(words, 1)[1]
    assert f"**{words}" in found["markdown"][1] and f"<strong>{words}" in found["html"][1]
    assert found["json"][0] == 4


def _big_vote(tmp_path) -> Path:
    """30 holders of distinct weights near a million: past every exact analysis and declined by the
    certified bounds (their sums cluster on a lattice), so --sample N estimates everything."""
    people = "\n".join(f"  person h{i} weight {1_000_003 + 7 * i}" for i in range(30))
    spec = tmp_path / "big.gov"
    spec.write_text(f'organization "Big" {{\n{people}\n  body holders {{ members {", ".join(f"h{i}" for i in range(30))} }}\n'
                    "  procedure act {\n    decided by holders by written consent\n"
                    "      passes when weight(yes) > half of weight(holders.members)\n  }\n}\n", encoding="utf-8")
    return spec


def test_a_sampled_vote_estimates_shapley_from_as_many_orders(tmp_path):
    """A vote sampled whole (--sample 3000): each player has a Shapley-Shubik estimate and interval
    beside its Banzhaf one; 30 near-equal holders each hold about 1/30; the
    words say how many orders; JSON is valid."""
    found = _formats(_big_vote(tmp_path), "--sample", "3000")
    report = json.loads(found["json"][1])
    jsonschema.validate(report, SCHEMA)
    (act,) = report["outcomes"]
    a = act["approximate"]
    assert a["samples"] == 3000 and a["orders"] == 3000 and "shapley_why" not in a and "sampled_shapley" not in act
    assert sum(p["shapley"]["estimate"] for p in a["players"]) == pytest.approx(1)
    for p in a["players"]:  # (near-equal weights: each index near 1/30, the heavier a little above)
        e = p["shapley"]
        assert e["low"] <= e["estimate"] <= e["high"] and abs(e["estimate"] - 1 / 30) < 0.015
    words = ("APPROXIMATE, NOT EXACT: Banzhaf indices estimated from 3,000 random coalitions and Shapley-Shubik "
             "indices from 3,000 random orders")
    assert f"  {words}" in found["text"][1] and "Shapley-Shubik (approx.)" in found["text"][1]
    assert f"**{words}" in found["markdown"][1] and "| Shapley-Shubik (approx.) | 95% interval |" in found["markdown"][1]
    assert {code for code, _ in found.values()} == {4}


def test_the_power_page_quotes_the_estimates_of_300_token_holders():
    """docs/power.md quotes the last lines of `govspec power specs/power/token_holders_300.gov
    --sample 10000` (exit 4), and what it says of them: the three largest holders' intervals are
    about half as wide as their estimates."""
    code, out, _ = _run(str(ROOT / "specs/power/token_holders_300.gov"), "--sample", "10000")
    lines = out.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("  dummies"))
    estimates = next(i for i, line in enumerate(lines) if line.startswith("  APPROXIMATE"))
    doc = (ROOT / "docs/power.md").read_text(encoding="utf-8")
    assert code == 4 and "\n".join(lines[first:estimates + 3] + ["    ..."] + lines[-3:]) in doc
    assert "10,000 orders give the\nlargest holders intervals about half as wide as their estimates" in doc
    for line in lines[-3:]:
        estimate, low, high = (float(x) for x in line.replace("%", "").replace("[", "").replace("]", "")
                               .replace(",", "").split()[1:])
        assert 0.4 < (high - low) / estimate < 0.6, line
