"""Power indices (govspec.power) against brute force and the ``powerindex`` package, in the same run.

    python bench/run.py --power                     # every row below
    python bench/power.py --holders 100 300 1000    # the holder rows at other sizes

Rows:
- an EU-Council-like double majority of 27 members (55% of the members, i.e. 15, and 65% of the
  population, in units of 100,000 people, Eurostat 2023 rounded; a blocking minority needs at
  least 4 members): every index exact; brute force over all 2^27 coalitions is out of reach in
  Python, so brute force is timed on the council of the 16 most populous members, where both run;
- the US Electoral College (51 weights of the 2020 apportionment, quota 270): Banzhaf and
  Shapley-Shubik against powerindex;
- a procedural rule: a council of 16 adopts by 9 yes votes at a meeting with a quorum of a majority
  of its members, any one of 4 vetoers may veto it by written consent within 3 days, and it takes
  effect after a timelock of 3 days; the game of `can force` its taking effect, found by the procedural analysis
  (govspec.procedural, with its halving), against every coalition up to interchangeable members
  checked alone (brute force over the 17 x 5 classes of coalitions; over all 2^20 coalitions of
  people it would be a million checks);
- holders of distinct weights (a random sample of distinct integers below 3n, quota half the total
  plus one): exact Banzhaf against powerindex.  The generating function has one entry per weight
  sum below the quota (each of up to n bits, packed in one integer), so the time grows like n^2 x
  (the quota); 500 holders, near the limit of work `govspec power` gives the Banzhaf indices alone,
  are timed as it computes them and checked against the certified bounds of the same game; 10,000
  holders of distinct weights (a quota of at least 25 million) are beyond this pure-Python method;
  the row is printed as not attempted unless asked for with --holders; instead, their Banzhaf
  indices get certified bounds (govspec.power.certified, what `govspec power` gives them: intervals
  that hold the exact indices for certain, not exact fractions), at a majority and at two thirds.
  The certified bounds of 1,000 holders are checked against the exact generating function in the
  same run (about a minute), those of 10,000 against 5,000 random coalitions (`--sample 5000`);
- Shapley-Shubik indices estimated from random orders: of the US Electoral College (10,000 orders),
  against its exact indices in the same run, and of the 10,000 holders (1,000 orders: the time an
  order takes), each also by counting the one pivot of each order, on the same orders; and of the
  same holders by a double majority (100 orders);
- the two exact paths of ``analyse`` on the same games (``paths``): the entries each touches, the
  time, and what an entry costs; the ground of ``SPARSE_ENTRY_COST`` (tests/test_bench.py checks
  that it is at most the least ratio recorded).

Nothing is asserted: the figures are measured and printed with the ratios (tests/test_power.py
checks the values), and the run of the default rows is written to ``bench/power_results.json`` (the
run docs/performance.md quotes; tests/test_bench.py checks that the page quotes it; ``--json PATH``
writes any run elsewhere, and a run of other rows is not written without it).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from itertools import combinations

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from child import header, record, show  # noqa: E402

from govspec.power.games import analyse, banzhaf_swings, minimal_blocking, multi_weighted, weighted  # noqa: E402

EU_POPULATION = {  # thousands, 1 January 2023 (Eurostat, rounded)
    "DE": 84359, "FR": 68173, "IT": 58997, "ES": 48059, "PL": 36754, "RO": 19055, "NL": 17811, "BE": 11743,
    "CZ": 10828, "SE": 10522, "PT": 10467, "GR": 10414, "HU": 9600, "AT": 9105, "BG": 6448, "DK": 5933,
    "FI": 5564, "SK": 5429, "IE": 5271, "HR": 3851, "LT": 2857, "SI": 2117, "LV": 1883, "EE": 1366, "CY": 921,
    "LU": 661, "MT": 542,
}
ELECTORAL = [9, 3, 11, 6, 54, 10, 7, 3, 3, 30, 16, 4, 4, 19, 11, 6, 6, 8, 8, 4, 10, 11, 15, 10, 6, 10, 4, 5, 6, 4,
             14, 5, 28, 16, 3, 17, 7, 8, 19, 4, 9, 3, 11, 40, 6, 3, 13, 12, 4, 10, 3]


def council(states: dict[str, int]):
    """A double majority: 55% of the members, 65% of the population, a blocking minority of 4 members."""
    population = [round(p / 100) for p in states.values()]
    members = math.ceil(len(states) * 55 / 100)
    quota = math.ceil(sum(population) * 65 / 100)
    return multi_weighted([([1] * len(states), members), (population, quota)], names=list(states), minority=(0, 4))


def brute_swings(game) -> dict[str, int]:
    """Banzhaf swings by enumerating every coalition (pure Python)."""
    players = [(name, c.weights) for c in game.classes for name in c.names()]
    k = len(game.quotas)
    swings = dict.fromkeys((n for n, _ in players), 0)
    for size in range(len(players)):
        for coalition in combinations(range(len(players)), size):
            sums = [sum(players[i][1][j] for i in coalition) for j in range(k)]
            if game.wins(tuple(sums)):
                continue
            inside = set(coalition)
            for i, (name, w) in enumerate(players):
                if i not in inside and game.wins(tuple(s + x for s, x in zip(sums, w))):
                    swings[name] += 1
    return swings


def split_swings(game) -> dict[str, int]:
    """Banzhaf swings of a double majority (a head count and one weight, as :func:`council` makes)
    by counting every coalition, in two halves: the swings of player i are the coalitions of the
    others that win with i less those that win without (winning is monotone).  Each half's
    coalitions are listed (their head count and weight); for each of the first half's, the second
    half's that complete a winning coalition are counted per head count by bisection over their
    sorted weights.  Independent of the generating functions `analyse` uses; :func:`eu_rows` checks
    it against :func:`brute_swings` on 16 members in the same run."""
    from bisect import bisect_left

    players = [(name, c.weights) for c in game.classes for name in c.names()]
    heads = next(j for j in range(2) if all(w[j] == 1 for _, w in players))
    weight = 1 - heads
    top = sum(w[weight] for _, w in players)

    def least(k: int) -> int:  # (the least weight with which k members win; top + 1 if none)
        low, high = 0, top + 1
        while low < high:
            mid = (low + high) // 2
            sums = (k, mid) if heads == 0 else (mid, k)
            low, high = (low, mid) if game.wins(sums) else (mid + 1, high)
        return low

    thresholds = [least(k) for k in range(len(players) + 2)]

    def subsets(ws: list[int]) -> list[tuple[int, int]]:  # (head count, weight) of every subset
        found = [(0, 0)]
        for w in ws:
            found += [(k + 1, s + w) for k, s in found]
        return found

    def winning(ws: list[int], extra_heads: int, extra_weight: int) -> int:
        half = len(ws) // 2
        second: dict[int, list[int]] = {}
        for k, s in subsets(ws[half:]):
            second.setdefault(k, []).append(s)
        for sums in second.values():
            sums.sort()
        count = 0
        for ka, sa in subsets(ws[:half]):
            for kb, sums in second.items():
                need = thresholds[ka + kb + extra_heads] - sa - extra_weight
                count += len(sums) - bisect_left(sums, need)
        return count

    weights = [w[weight] for _, w in players]
    swings = {}
    for i, (name, _) in enumerate(players):
        others = weights[:i] + weights[i + 1:]
        swings[name] = winning(others, 1, weights[i]) - winning(others, 0, 0)
    return swings


def _timed(f, *args):
    start = time.perf_counter()
    value = f(*args)
    return value, time.perf_counter() - start


def _powerindex(ws, quota):
    try:
        import powerindex
    except ImportError:
        return None, None
    start = time.perf_counter()
    game = powerindex.Game(quota, weights=list(ws))
    game.calc_banzhaf()
    if len(ws) <= 100:
        game.calc_shapley_shubik()
    return game, time.perf_counter() - start


def eu_rows() -> list[dict]:
    game = council(EU_POPULATION)
    analysis, seconds = _timed(analyse, game)
    blocking, block_seconds = _timed(minimal_blocking, game, 1000)
    listed = f"the first {len(blocking.profiles)}" if not blocking.complete else f"all {len(blocking.profiles)}"
    theirs, split = _timed(split_swings, game)
    small = dict(list(EU_POPULATION.items())[:16])
    game16 = council(small)
    mine, seconds16 = _timed(lambda: {n: ix.swings for n, _, ix in analyse(game16).by_player()})
    brute, brute16 = _timed(brute_swings, game16)
    halves = split_swings(game16) == brute  # (the halves' count agrees with brute force where both run)
    rows = [{"case": "EU-like double majority, 27 members", "ours": seconds, "other": split,
             "other_name": "every coalition, in two halves",
             "agrees": {n: ix.swings for n, _, ix in analysis.by_player()} == theirs and halves,
             "note": f"every index; Banzhaf swings compared, exact; {listed} kinds of minimal blocking coalition "
                     f"in {block_seconds:.2f} s"},
            {"case": "EU-like double majority, 16 members", "ours": seconds16, "other": brute16,
             "other_name": "brute force", "agrees": mine == brute, "note": "Banzhaf swings, exact"}]
    return rows


def weighted_row(case: str, ws: list[int], quota: int, shapley: bool) -> dict:
    game = weighted(ws, quota)
    if shapley:
        analysis, seconds = _timed(analyse, game)
        ours = {n: (float(ix.normalised), float(ix.shapley)) for n, _, ix in analysis.by_player()}
    else:
        swings, seconds = _timed(banzhaf_swings, game)
        total = sum(s * c.count for s, c in zip(swings, game.classes))
        ours = {n: (s / total, None) for c, s in zip(game.classes, swings) for n in c.names()}
    theirs, other = _powerindex(ws, quota)
    agrees = None
    if theirs is not None:
        diffs = [abs(ours[f"p{i + 1}"][0] - theirs.banzhaf[i]) for i in range(len(ws))]
        if shapley:
            diffs += [abs(ours[f"p{i + 1}"][1] - theirs.shapley_shubik[i]) for i in range(len(ws))]
        agrees = max(diffs) < 1e-9
    return {"case": case, "ours": seconds, "other": other, "other_name": "powerindex", "agrees": agrees,
            "note": "Banzhaf and Shapley-Shubik" if shapley else "Banzhaf"}


PROCEDURAL = """organization "Council with vetoes, a quorum and a timelock" {
  group elected of 16
  group vetoers of 4
  body council { members elected }
  body veto { members vetoers }
  procedure adopt {
    decided by council at meeting
      notice none
      quorum majority of members
      passes when yes >= 9
    vetoed by veto by written consent within 3 days
      passes when yes >= 1
    timelock 3 days
  }
}
"""


def procedural_row() -> dict:
    from govspec import model as m
    from govspec.load import load_text
    from govspec.options import Options
    from govspec.power.games import profiles_of
    from govspec.procedural import analyse_procedure, decide_game, outcomes
    from govspec.tasks import check_one, engine_of

    model = load_text(PROCEDURAL, "council_vetoes.gov")
    goal = next(g for g in outcomes(model) if g.phase == "execute")  # (adopt.executed: the vetoes and the timelock count)
    analysis, seconds = _timed(analyse_procedure, model, goal, Options())
    decided = decide_game(model, goal, Options())
    engine, _ = engine_of(model, Options())

    def every_profile() -> set:
        won = set()
        for profile in profiles_of(decided.game.classes):
            people = decided.coalition(profile)
            prop = m.Property(name="q", kind="coalition_force", span=model.procedures["adopt"].span, cite=None,
                              text="q", coalition=m.CoalitionSpec(people, None), goal=goal)
            if check_one(engine, model, prop, Options(), {}).status == "proved":
                won.add(profile)
        return won

    won, brute = _timed(every_profile)
    return {"case": "procedural: 16 vote (quorum), 4 may veto, timelock", "ours": seconds, "other": brute,
            "other_name": "every coalition checked", "agrees": won == set(decided.game.winning),
            "note": f"the game of can force: {analysis['checks']} checks against "
                    f"{math.prod(c.count + 1 for c in decided.game.classes)}; vetoes {len(analysis['vetoes'])}"}


def sampled_row(n: int, samples: int) -> tuple[dict, object]:
    """Banzhaf indices of n holders of distinct weights estimated from random coalitions (what
    `govspec power --sample N` does where the certified bounds decline): the time, and how wide the
    intervals are; and the estimates, for :func:`certified_row`."""
    from statistics import median

    from govspec.power.games import sample_banzhaf

    ws = holder_weights(n)
    game = weighted(ws, sum(ws) // 2 + 1)
    found, seconds = _timed(sample_banzhaf, game, samples)
    widths = [found.estimate(i)[2] - found.estimate(i)[1] for i in range(len(game.classes))]
    return {"case": f"{n:,} holders, distinct weights, sampled", "ours": seconds, "other": None, "agrees": None,
            "note": f"approximate: {samples:,} random coalitions; median 95% interval width {median(widths):.4f} "
                    f"(raw Banzhaf)"}, found


def shapley_sampled_rows(orders: int, holder_orders: int, double_orders: int) -> list[dict]:
    """Shapley-Shubik indices estimated from random orders (govspec.power.games.sample_shapley, what
    `govspec power --sample N` gives a vote where they are not computed exactly: every order counts
    the places at which each player would be pivotal, with empirical Bernstein intervals), each
    against counting the one pivot of each order with Clopper-Pearson intervals (as sample_orders_of does for
    the procedural analysis, here in one pass over each order's running sums) on the same orders, in
    the same run: on the US Electoral College also
    against the exact analysis (the share of the 95% intervals that hold the exact index, and the
    largest error), and on 10,000 holders of distinct weights (the time an order takes, and how wide
    the intervals are, and would be without the caps: the bound from the weights alone); and the
    same holders by a double majority (weight and head count), whose orders cost a bisection per rule."""
    from statistics import median

    import bisect
    import itertools
    import random

    from govspec.power.games import SampledOrders, ShareSums, _bernstein, _pool, sample_shapley

    def pivots(game, n: int) -> SampledOrders:  # (as sample_orders_of counts them, in one pass an order; the same orders)
        rng, pool, (q,) = random.Random(0), _pool(game.classes), game.quotas
        weight, counts = [c.weights[0] for c in game.classes], [0] * len(game.classes)
        for _ in range(n):
            rng.shuffle(pool)
            counts[pool[bisect.bisect_left(list(itertools.accumulate(weight[i] for i in pool)), q)]] += 1
        return SampledOrders(game, n, 0.95, tuple(counts))

    def width(found, game) -> float:
        return median(found.estimate(i)[2] - found.estimate(i)[1] for i in range(len(game.classes)))

    def uncut(found, game) -> float:  # (the same orders' intervals without the caps: the bound from the weights alone)
        n = game.players
        return median(hi - lo for _, lo, hi in (_bernstein(ShareSums.of(found.shares[i], c.count * most), found.orders,
                                                           c.count * n, c.count * most, found.confidence)
                                                for i, (c, most) in enumerate(zip(game.classes, found.most))))

    game = weighted(ELECTORAL, 270)
    found, seconds = _timed(sample_shapley, game, orders)
    counted = pivots(game, orders)
    exact, other = _timed(analyse, game)

    def fit(s) -> tuple[int, float]:
        return (sum(s.estimate(i)[1] <= ix.shapley <= s.estimate(i)[2] for i, ix in enumerate(exact.per_class)),
                max(abs(float(s.estimate(i)[0] - ix.shapley)) for i, ix in enumerate(exact.per_class)))

    (held, error), (held_p, error_p) = fit(found), fit(counted)
    college = {"case": "US Electoral College, Shapley-Shubik sampled", "ours": seconds, "other": other,
               "other_name": "exact analysis", "agrees": None,
               "note": f"approximate: {orders:,} random orders; the 95% intervals hold the exact index for "
                       f"{held} of {len(exact.per_class)} classes of states; largest error {error:.4f}; median "
                       f"interval width {width(found, game):.4f}; counting pivots: {held_p} of "
                       f"{len(exact.per_class)}, largest error {error_p:.4f}, median width {width(counted, game):.4f}"}
    ws = holder_weights(10000)
    big = weighted(ws, sum(ws) // 2 + 1)
    found, seconds = _timed(sample_shapley, big, holder_orders)
    counted, other = _timed(pivots, big, holder_orders)
    holders = {"case": "10,000 holders, distinct weights, Shapley-Shubik sampled", "ours": seconds, "other": other,
               "other_name": "pivots counted", "agrees": None,
               "note": f"approximate: {holder_orders:,} random orders, {seconds / holder_orders * 1000:.1f} ms an "
                       f"order; median 95% interval width {width(found, big):.6f} (without the caps: "
                       f"{uncut(found, big):.6f}); counting pivots: "
                       f"{other / holder_orders * 1000:.1f} ms an order, median width {width(counted, big):.5f}"}
    double = multi_weighted([(ws, sum(ws) // 2 + 1), ([1] * len(ws), len(ws) // 2 + 1)])
    found, seconds = _timed(sample_shapley, double, double_orders)
    rules = {"case": "10,000 holders, double majority, Shapley-Shubik sampled", "ours": seconds, "other": None,
             "agrees": None, "note": f"approximate: {double_orders:,} random orders, "
                                    f"{seconds / double_orders * 1000:.1f} ms an order (a majority of the weight and "
                                    f"of the holders; median 95% interval width {width(found, double):.6f})"}
    return [college, holders, rules]


def certified_row(n: int, share: tuple[int, int] = (1, 2), exact: bool = False, sampled=None) -> dict:
    """Certified bounds on the Banzhaf indices of n holders of distinct weights (govspec.power.certified,
    what `govspec power` gives a single vote past the exact analysis's limit), at a quota of ``share``
    of the total: the time, and the widest interval relative to its index.  Compared, in the same run,
    with the exact generating function (``exact``: every interval must hold its exact index), or with
    ``sampled`` estimates of the same game (the share of their 95% intervals that hold the certified
    value: about 95% when both are right; the certified bounds are the reference, not the estimates)."""
    from fractions import Fraction

    from govspec.power.certified import certified_banzhaf

    ws = holder_weights(n)
    game = weighted(ws, sum(ws) * share[0] // share[1] + 1)
    found, seconds = _timed(certified_banzhaf, game)
    widest = max((hi - lo) / hi for lo, hi in zip(found.low, found.high))
    quota = "" if share == (1, 2) else f", quota {share[0]}/{share[1]}"
    row = {"case": f"{n:,} holders, distinct weights{quota}, certified", "ours": seconds, "other": None, "agrees": None,
           "note": f"certified bounds: widest interval {widest:.1e} of its index; {found.terms} Fourier terms, "
                   f"{found.cells} cells"}
    if exact:
        swings, other = _timed(banzhaf_swings, game)
        held = all(lo <= Fraction(s, 2 ** (n - 1)) <= hi for s, lo, hi in zip(swings, found.low, found.high))
        row.update(other=other, other_name="exact generating function", agrees=held)
        row["note"] += "; every interval holds the exact index" if held else "; SOME INTERVAL MISSES THE EXACT INDEX"
    elif sampled is not None:
        hits = sum(sampled.estimate(i)[1] <= (lo + hi) / 2 <= sampled.estimate(i)[2]
                   for i, (lo, hi) in enumerate(zip(found.low, found.high)))
        chances = [coverage(sampled.samples, (lo + hi) / 2) for lo, hi in zip(found.low, found.high)]
        row["note"] += (f"; the {sampled.samples:,}-sample 95% intervals hold the certified value for "
                        f"{hits / len(found.low):.1%} of the holders in this run; each holder's interval holds it "
                        f"with a chance of at least {min(chances):.1%}, {sum(chances) / len(chances):.1%} on average")
    return row


def coverage(samples: int, p: float) -> float:
    """The chance that the 95% interval of a player alone in its class, from ``samples`` draws,
    holds its index p: the binomial chances of the counts whose interval (Clopper-Pearson's, as
    govspec.power.games.Sampled gives it) holds p, summed over every count within 12 standard
    deviations of the mean (the rest weigh less than 1e-30)."""
    from govspec.power.games import _binomial_interval

    spread = 12 * math.sqrt(samples * p * (1 - p)) + 12
    first, last = max(0, math.floor(samples * p - spread)), min(samples, math.ceil(samples * p + spread))
    total = 0.0
    for k in range(first, last + 1):
        low, high = _binomial_interval(k, samples, 0.95)
        if low <= p <= high:
            total += math.exp(math.lgamma(samples + 1) - math.lgamma(k + 1) - math.lgamma(samples - k + 1)
                              + k * math.log(p) + (samples - k) * math.log1p(-p))
    return total


def alone_row(n: int) -> dict:
    """The exact Banzhaf and Coleman indices alone (govspec.power.games.banzhaf_analysis, what
    `govspec power` gives a single vote past the analysis of every index) of n holders of distinct
    weights, near the limit of work it is given; compared in the same run with the certified bounds of
    the same game (every interval must hold its exact index)."""
    from fractions import Fraction

    from govspec.power.certified import certified_banzhaf
    from govspec.power.games import BANZHAF_WORK, banzhaf_analysis, banzhaf_work

    ws = holder_weights(n)
    game = weighted(ws, sum(ws) // 2 + 1)
    alone, seconds = _timed(banzhaf_analysis, game)
    found, other = _timed(certified_banzhaf, game)
    held = all(lo <= Fraction(s, 2 ** (n - 1)) <= hi for s, lo, hi in zip(alone.swings, found.low, found.high))
    return {"case": f"{n:,} holders, distinct weights, Banzhaf alone", "ours": seconds, "other": other,
            "other_name": "certified bounds", "agrees": held,
            "note": f"exact Banzhaf and Coleman indices alone, {banzhaf_work(game) / BANZHAF_WORK:.0%} of their limit of "
                    f"work; " + ("every certified interval holds the exact index" if held else
                                 "SOME CERTIFIED INTERVAL MISSES THE EXACT INDEX")}


def path_rows() -> list[dict]:
    """Both exact paths of :func:`govspec.power.games.analyse` on the same games, timed: the table
    entries each touches and what an entry costs (the ground of ``SPARSE_ENTRY_COST``, the factor
    by which analyse weighs a sparse entry against a dense one to take the faster path)."""
    from govspec.power import games

    five = random.Random(5)
    thirty = holder_weights(30)
    cases = [("US Electoral College, 51 weights", weighted(ELECTORAL, 270)),
             ("EU-like double majority, 16 members", council(dict(list(EU_POPULATION.items())[:16]))),
             ("30 holders, distinct weights", weighted(thirty, sum(thirty) // 2 + 1))]
    ws = [five.choice([1, 2, 3, 5, 8]) for _ in range(200)]
    cases.append(("200 holders, 5 weights", weighted(ws, sum(ws) // 2 + 1)))
    out = []
    for case, game in cases:
        dense_entries, sparse_entries = games._entries(game)
        dense, dense_s = _timed(games._pivots_dense, game, games._one_weight(game))
        sparse, sparse_s = _timed(games._pivots_sparse, game)
        dense_ns, sparse_ns = dense_s / dense_entries * 1e9, sparse_s / sparse_entries * 1e9
        out.append({"case": case, "dense_entries": dense_entries, "dense_seconds": dense_s, "dense_ns": dense_ns,
                    "sparse_entries": sparse_entries, "sparse_seconds": sparse_s, "sparse_ns": sparse_ns,
                    "ratio": sparse_ns / dense_ns, "agrees": dense == sparse,
                    "takes": "dense" if games.takes_dense(game) else "sparse"})
    return out


def paths_table(result: dict) -> str:
    """The ``paths`` of a run as the Markdown table docs/performance.md quotes."""
    lines = ["| game | dense entries | dense (s) | ns per entry | sparse entries | sparse (s) | ns per entry "
             "| sparse / dense per entry | same table | analyse takes |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for r in result["paths"]:
        lines.append(f"| {r['case']} | {r['dense_entries']:,} | {r['dense_seconds']:.3f} | {r['dense_ns']:.0f} "
                     f"| {r['sparse_entries']:,} | {r['sparse_seconds']:.3f} | {r['sparse_ns']:.0f} | {r['ratio']:.0f}x "
                     f"| {'yes' if r['agrees'] else 'NO'} | {r['takes']} |")
    return "\n".join(lines)


def holder_weights(n: int) -> list[int]:
    return random.Random(n).sample(range(1, 3 * n), n)


def rows(holders: list[int]) -> list[dict]:
    out = eu_rows()
    out.append(weighted_row("US Electoral College, 51 weights", ELECTORAL, 270, True))
    out.append(procedural_row())
    for n in holders:
        ws = holder_weights(n)
        out.append(weighted_row(f"{n:,} holders, distinct weights", ws, sum(ws) // 2 + 1, False))
    if 10000 not in holders:
        out.append({"case": "10,000 holders, distinct weights", "ours": None, "other": None, "agrees": None,
                    "note": "exact: not attempted: a quota of at least 25 million weight units, each entry up to "
                            "10,000 bits (see the docstring)"})
        out.append(alone_row(500))
        out.append(certified_row(1000, exact=True))
        row, sampled = sampled_row(10000, 5000)
        out.append(certified_row(10000, sampled=sampled))
        out.append(row)
        out.append(certified_row(10000, (2, 3)))
        out += shapley_sampled_rows(10000, 1000, 100)
    return out


DEFAULT_HOLDERS = [100, 300]


def table(result: dict) -> str:
    """A run's rows as the Markdown table docs/performance.md quotes."""
    lines = ["| case | govspec (s) | compared with | its time (s) | ratio | agrees | note |",
             "|---|---:|---|---:|---:|---|---|"]
    for r in result["rows"]:
        ours = "-" if r["ours"] is None else f"{r['ours']:.3f}"
        other = "-" if r.get("other") is None else f"{r['other']:.3f}"
        ratio = f"{r['other'] / r['ours']:.1f}x" if r.get("other") and r["ours"] else "-"
        agrees = {True: "yes", False: "NO", None: "-"}[r["agrees"]]
        lines.append(f"| {r['case']} | {ours} | {r.get('other_name', '-')} | {other} | {ratio} | {agrees} | {r['note']} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--holders", type=int, nargs="*", default=DEFAULT_HOLDERS,
                        help="numbers of holders of distinct weights (default 100 300)")
    parser.add_argument("--procedural", action="store_true", help="the procedural row only")
    parser.add_argument("--json", default=None,
                        help="where to write the run (default: bench/power_results.json for the default rows; "
                             "a run of other rows is written only where this says)")
    args = parser.parse_args(argv)
    partial = args.procedural or args.holders != DEFAULT_HOLDERS
    out = args.json or (None if partial else os.path.join(HERE, "power_results.json"))
    result = {**header("govspec-bench-power/1"), "rows": [procedural_row()] if args.procedural else rows(args.holders)}
    if not args.procedural:
        result["paths"] = path_rows()
    shown = table(result) + ("\n\n" + paths_table(result) if "paths" in result else "")
    if out is None:  # (the recorded run, which docs/performance.md quotes, is the default rows' only)
        show(result, shown)
        return 0
    record(result, shown, out)
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
