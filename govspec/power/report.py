"""The power analysis of a checked model: per outcome, the indices, minimal coalitions, dummies and
vetoes, as plain data (JSON-ready) and as text.

Assumes a model from :mod:`govspec.load`.  Guarantees: a number is given only for a procedure whose
vote is exactly a weighted (or multi-criteria weighted) game (:func:`govspec.power.vote.reduction`);
for any other, :class:`Unsupported` names the procedure and the reason.  A coalition wins when it
can force the procedure to pass in the sense of ``can force`` (outsiders passive opponents); it
blocks when the others together cannot force it.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from dataclasses import replace
from fractions import Fraction

from .. import model as m
from .certified import Certified, Declined, applies, certified_banzhaf
from .games import (BANZHAF_SUMS, BANZHAF_WORK, Analysis, BanzhafOnly, Game, InsertedOrders, Minimal, Sampled,
                    SampledOrders, analyse, analysis_cost, banzhaf_analysis, banzhaf_sums, banzhaf_work, describe,
                    fewest, minimal_blocking, minimal_winning, sample_banzhaf, sample_shapley)
from .vote import Question, game_of, reduction

SCHEMA = "govspec-power/2"  # (2: a bounded outcome's fractions under "bounded", not "exact")
BY = ("person", "tag", "principal")
WORK = 20_000_000  # the exact analysis refuses a vote whose generating function costs more table entries to compute
LISTED = 1000  # minimal coalitions listed at most per outcome (more: "complete": false)
Bloc = tuple[str, tuple[str, ...]]  # people who act as one player: (its name, the people, in the spec's order)
INDICES = (("banzhaf", "Banzhaf"), ("normalised", "normalised"), ("shapley", "Shapley-Shubik"),
           ("initiate", "Coleman initiate"), ("prevent", "Coleman prevent"))
SHARES = INDICES[1:3]  # the indices that are shares of a whole: a tag's is the sum of its members'


class Unsupported(Exception):
    """A procedure whose power the analysis cannot yet give exactly."""

    def __init__(self, procedure: str, reason: str):
        super().__init__(f"procedure '{procedure}': {reason}")
        self.procedure, self.reason = procedure, reason


def outcomes(model: m.Model) -> list[str]:
    """The procedures (not events) of the spec, in order."""
    return [p.name for p in model.procedures.values() if not p.is_event]


def _exact(x: Fraction, word: str = "exact") -> dict:
    """An index as a fraction and a number; ``word`` "bounded" in a game bounded to a depth, where
    the fraction is exact for that game and not for the rules (see ``bounded`` of the outcome)."""
    return {word: str(x), "value": float(x)}


def fraction(index: dict) -> Fraction:
    """An index's fraction, exact or bounded (:func:`_exact`)."""
    return Fraction(index["exact"] if "exact" in index else index["bounded"])


def coalition_data(game, found: Minimal) -> dict:
    return {"complete": found.complete, "coalitions": found.coalitions(game),
            "profiles": [{"text": describe(game, p),
                          "take": {c.label: t for c, t in zip(game.classes, p) if t}} for p in found.profiles]}


def player_rows(analysis: Analysis | BanzhafOnly, word: str = "exact") -> list[dict]:
    """A row per player: its swings, whether it is a dummy or a veto player, and each index (of a
    :class:`~govspec.power.games.BanzhafOnly`, every index but Shapley-Shubik); ``word`` as for :func:`_exact`."""
    rows = []
    if isinstance(analysis, BanzhafOnly):
        per_class = [(s, ix) for s, ix in zip(analysis.swings, analysis.indices())]
    else:
        per_class = [(ix.swings, {key: getattr(ix, key) for key, _ in INDICES}) for ix in analysis.per_class]
    for c, (swings, ix), veto in zip(analysis.game.classes, per_class, analysis.vetoes):
        for name in c.names():
            rows.append({"name": name, "swings": swings, "dummy": swings == 0, "veto": veto,
                         **{key: _exact(ix[key], word) for key, _ in INDICES if key in ix}})
    return rows


def given(rows: list[dict], columns=INDICES) -> list[tuple[str, str]]:
    """The columns the rows have (an analysis of the Banzhaf indices alone has no Shapley-Shubik)."""
    return [(key, title) for key, title in columns if all(key in r for r in rows)]


def _tagged(model: m.Model, rows: list[dict]) -> dict[str, list[dict]]:
    """The rows of the people with each tag, tag by tag (a person's tags in sorted order)."""
    tags: dict[str, list[dict]] = {}
    for row in rows:
        for tag in sorted(model.person(row["name"]).tags):
            tags.setdefault(tag, []).append(row)
    return tags


def by_tag(model: m.Model, rows: list[dict], word: str = "exact") -> list[dict]:
    """Per tag, its members' shares (normalised Banzhaf, Shapley-Shubik) added up: a share of the
    whole, not the power the members would have as a bloc; ``word`` as for :func:`_exact`."""
    return [{"tag": tag, "members": [r["name"] for r in members],
             **{key: _exact(sum((fraction(r[key]) for r in members), Fraction(0)), word) for key, _ in given(rows, SHARES)}}
            for tag, members in _tagged(model, rows).items()]


def tag_members(model: m.Model, tag: str) -> tuple[str, ...]:
    """The people with ``tag``, in the spec's order (a bloc of them is one player named ``tagged TAG``)."""
    return tuple(p.name for p in model.people if tag in p.tags)


def tag_bloc(model: m.Model, tag: str) -> Bloc:
    """``govspec power --bloc TAG``: the people with the tag as one player, ``("tagged TAG", its
    people)``; ValueError when nobody of the spec has it (naming the tags it has)."""
    tag = unicodedata.normalize("NFC", tag)  # (as the spec's names and a data file's tags are read)
    members = tag_members(model, tag)
    if not members:
        tags = sorted({t for p in model.people for t in p.tags})
        raise ValueError(f"nobody in {model.path} has the tag '{tag}'" +
                         (f"; its tags: {', '.join(tags)}" if tags else " (it has no tags)"))
    return f"tagged {tag}", members


def bloc_data(bloc: Bloc, voting=None) -> dict:
    """The ``bloc`` of an outcome's data: the player's name and its people who vote on it (all of
    them unless ``voting`` says who votes), and those who do not ("not_voting", when some)."""
    members = [n for n in bloc[1] if voting is None or n in voting]
    absent = [n for n in bloc[1] if n not in members]
    return {"player": bloc[0], "members": members, **({"not_voting": absent} if absent else {})}


def bloc_words(bloc: dict) -> str:
    """What the bloc is in this outcome: one player, its people together; or no player, when none
    of its people votes on it."""
    absent = bloc.get("not_voting", ())
    if not bloc["members"]:
        return f"{bloc['player']} is no player here: none of its people ({_some(absent)}) votes on it"
    return (f"{bloc['player']} is one player: {_some(bloc['members'])} together (all of them in a coalition, or "
            f"none)" + (f"; {_some(absent)} {'does' if len(absent) == 1 else 'do'} not vote on it"
                        if absent else ""))


SHOWN = 20  # people named at most in a line about a bloc (the JSON lists them all)


def _some(names: list[str]) -> str:
    return ", ".join(names) if len(names) <= SHOWN else f"{', '.join(names[:SHOWN])} and {len(names) - SHOWN:,} more"


def analyse_outcome(model: m.Model, procedure: str, by: str = "person", sample: int | None = None,
                    keep: dict | None = None, bloc: Bloc | None = None) -> dict:
    """The analysis of one procedure passing, or :class:`Unsupported`; with ``sample``, a vote too
    large for the exact analysis gets Banzhaf indices estimated from that many random coalitions and
    Shapley-Shubik indices from that many random orders (:func:`sampled`), labelled approximate; one
    whose Banzhaf indices are exact or certified but not its Shapley-Shubik indices gets those
    estimated (``"sampled_shapley"``, :func:`shapley_estimates`).  ``keep``: also given the game and
    its minimal winning profiles ("game", "winning"; the game alone when only the Banzhaf indices are
    computed), for a power property's witness (:mod:`govspec.power_properties`).  ``bloc`` (a name,
    its people): those of them who vote are one player of that name."""
    if model.sizes:
        raise Unsupported(procedure, "a group's size is left open (the analysis needs fixed sizes)")
    q = reduction(model, m.Goal(procedure, None, procedure))
    if not isinstance(q, Question):
        raise Unsupported(procedure, q)
    out = {"procedure": procedure, "body": q.body, "by": by, "passable": not q.blocked,
           **({"bloc": bloc_data(bloc, set(q.order))} if bloc is not None else {})}
    if q.blocked:  # a requirement or an effect fails at the start: nobody can pass it, no index is defined
        return out | {"why": "a requirement or an effect fails at the start"}
    game = game_of(model, q, by_principal=by == "principal", bloc=bloc)
    place = {name: i for i, name in enumerate(q.order)}
    if bloc is not None:  # (the bloc in the place of the first of its people)
        place[bloc[0]] = min((place[n] for n in bloc[1] if n in place), default=len(place))
    if not game.wins(game.totals()):  # (the game is monotone: if all together lose, every coalition loses)
        return out | {"passable": False, "why": "no coalition wins its vote, not even the whole body"}
    if game.wins((0,) * len(game.quotas)):  # (and if the empty coalition wins, every one does)
        return out | {"why": "every coalition, the empty one included, passes it: no vote changes the outcome, and "
                             "the shares and Coleman's power to initiate are undefined (0 / 0)"}
    cost, partial = analysis_cost(game), None
    if cost > WORK:  # (the work, not only the states: the entries of the exact path with fewer, games.analysis_cost)
        why = f"its vote is too large for the exact analysis (at least {cost:,} table entries to compute; the limit is {WORK:,})"
        work = banzhaf_work(game)
        if work is None or work > BANZHAF_WORK:
            if keep is not None:  # (a power property on certified bounds: its witness is found in the game itself)
                keep.update(game=game)
            return out | _past_exact(model, game, procedure, by, sample, place, why, work)
        partial = banzhaf_analysis(game)  # (a single weighted vote: exact swings, by weight sums alone)
        why = why.replace("for the exact analysis", "for the analysis of every index")
    analysis = partial or analyse(game)  # (some coalition wins and some loses: every index is defined)
    rows = sorted(player_rows(analysis), key=lambda r: place.get(r["name"], len(place)))
    out |= {"players": rows, "winning_coalitions": analysis.winning, "all_coalitions": 2 ** game.players,
            "dummies": [r["name"] for r in rows if r["dummy"]], "vetoes": [r["name"] for r in rows if r["veto"]]}
    if partial is not None:
        out["not_computed"] = {"what": list(NOT_COMPUTED), "why": why}
        out["fewest"] = fewest_data(game, place)
        if keep is not None:  # (no minimal coalitions: a power property's witness is found in the game itself)
            keep.update(game=game)
        if sample:  # (estimates beside the exact figures: the outcome as a whole is not exact)
            out |= {"exact": False,
                    "sampled_shapley": shapley_estimates(game, sample, why, place, model if by == "tag" else None)}
    else:
        found = minimal_winning(game, LISTED)
        if keep is not None:
            keep.update(game=game, winning=found)
        out |= {"minimal_winning": coalition_data(game, found),
                "minimal_blocking": coalition_data(game, minimal_blocking(game, LISTED))}
    if by == "tag":
        out["tags"] = by_tag(model, rows)
    return out


NOT_COMPUTED = ("shapley", "minimal_winning", "minimal_blocking")  # what an analysis of the Banzhaf indices alone leaves out


def fewest_data(game: Game, place: dict) -> dict:
    """An outcome's ``fewest``: the fewest players of a single weighted vote who together pass it,
    and who together block it, exact (:func:`govspec.power.games.fewest`), each with the players of
    one such coalition (heaviest first; ties in the spec's order)."""
    win, block = fewest(game, order=lambda name: place.get(name, len(place)))
    return {"winning": {"size": len(win), "players": win}, "blocking": {"size": len(block), "players": block},
            "of": game.players}


def fewest_words(f: dict) -> list[str]:
    """``fewest`` in the words every format uses, one sentence each."""
    return [f"fewest to {verb} it (exact, from the weights): {f[key]['size']:,} of {f['of']:,}, e.g. "
            f"{_some(f[key]['players'])}" + (f"; no {f[key]['size'] - 1:,} can" if f[key]["size"] > 1 else " alone")
            for key, verb in (("winning", "pass"), ("blocking", "block"))]


def winning_words(r: dict) -> str:
    """How many coalitions win: "32 of 64", or past 2^64 coalitions the share, rounded (the exact
    counts are in JSON)."""
    won, every = r["winning_coalitions"], r["all_coalitions"]
    if every <= 2 ** 64:
        return f"{won} of {every}"
    return f"a share of {won / every:.6f} of all 2^{every.bit_length() - 1}, rounded (the exact counts in JSON)"


def not_computed_words(nc: dict) -> str:
    """An outcome of which only the Banzhaf and Coleman indices were computed, in the words every
    format uses (``nc``: its ``not_computed``)."""
    return (f"EXACT, BANZHAF AND COLEMAN ONLY: Shapley-Shubik and the minimal winning and blocking coalitions are not "
            f"computed ({nc['why']}); the Banzhaf and Coleman indices, dummies and vetoes given are exact, every "
            f"coalition counted by its weight alone")


def _banzhaf_cost(game: Game, work: int) -> str:
    """Why :func:`~govspec.power.games.banzhaf_one_weight` is not run: its work and the limit."""
    sums = banzhaf_sums(game)
    if sums > BANZHAF_SUMS:
        return f"{sums:,} weight sums below the quota; the limit is {BANZHAF_SUMS:,}"
    return f"{work:,} bit operations; the limit is {BANZHAF_WORK:,}"


def _past_exact(model: m.Model, game: Game, procedure: str, by: str, sample: int | None, place: dict, why: str,
                work: int | None) -> dict:
    """A vote past every exact analysis: its certified bounds (a single weighted vote), else with
    ``sample`` its estimates, else :class:`Unsupported` (``why``: why it is past the exact analysis)."""
    if work is not None:
        why += f", and for its Banzhaf indices alone ({_banzhaf_cost(game, work)})"
    if applies(game):  # (a single weighted vote: every index enclosed, for certain, unless the bound is loose)
        try:
            found = certified_data(certified_banzhaf(game), why)
        except Declined as declined:
            why += f"; the certified bounds are not given: {declined.reason}"
        else:
            found["certified"]["players"].sort(key=lambda r: place.get(r["name"], len(place)))
            if by == "tag":
                found["certified"]["tags"] = certified_tags(model, found["certified"]["players"])
            if sample:
                found["sampled_shapley"] = shapley_estimates(game, sample, why, place, model if by == "tag" else None)
            return found | {"fewest": fewest_data(game, place)}
    if sample:
        found = sampled(game, sample, why, place, model if by == "tag" else None)
        found["approximate"]["players"].sort(key=lambda r: place.get(r["name"], len(place)))  # (the spec's order)
        if game.single:
            found["fewest"] = fewest_data(game, place)
        return found
    raise Unsupported(procedure, f"{why}; approximate indices: --sample N")


NO_TAGS = "per tag: none (no player has a tag)"  # (--by tag on a spec whose players have no tag: no empty table)


def _table(rows: list[dict], key: str, columns=INDICES) -> list[str]:
    """Raw Banzhaf as a probability, the other indices in percent (the columns the rows have)."""
    columns = given(rows, columns)
    width = max([len(r[key]) for r in rows] + [6])
    lines = [f"    {'':{width}}  " + "  ".join(f"{title:>16}" for _, title in columns)]
    for r in rows:
        cells = [f"{r[k]['value']:>16.4f}" if k == "banzhaf" else f"{share_cell(r[k]['value']):>16}" for k, _ in columns]
        lines.append(f"    {r[key]:{width}}  " + "  ".join(cells))
    return lines


def _coalition_lines(title: str, found: dict) -> list[str]:
    more = "" if found["complete"] else f", the first {len(found['profiles'])} kinds listed"
    lines = [f"  {title} ({found['coalitions']} coalitions{more}):"]
    for p in found["profiles"]:
        lines.append(f"    {p['text']}")
        if "witness" in p:  # (the procedural analysis: the forcing sequence of the coalition checked)
            lines.append(f"      scenario: {p['witness']['summary']}")
            lines += [f"      {line}" for line in p["witness"]["lines"]]
    return lines


def approximate_words(a: dict) -> str:
    """A sampled outcome, in the words every format uses (``a``: its ``approximate``)."""
    orders = (f", and Shapley-Shubik indices from {a['orders']:,} random orders, each with its "
              f"{_interval(a['shapley_interval'], a['confidence'])}" if "orders" in a else "")
    left = f"; Shapley-Shubik is not estimated: {a['shapley_why']}" if "shapley_why" in a else ""
    left += f"; Coleman's powers are not estimated: {a['coleman_why']}" if "coleman_why" in a else ""
    return (f"APPROXIMATE, NOT EXACT: Banzhaf indices estimated from {a['samples']:,} random coalitions, each with its "
            f"{_interval('draws', a['confidence'])}{orders}; the normalised shares are estimates "
            f"only ({a['why']}){left}")


def coleman_words(a: dict) -> str:
    """The heading of a sampled outcome's Coleman estimates (``a``: its ``approximate``, with ``winning``)."""
    won = a["winning"]
    return (f"Coleman's powers (approx.): to initiate, among the {a['samples'] - won:,} random coalitions that lost, "
            f"and to prevent, among the {won:,} that won, each with its "
            f"{_interval('draws', a['confidence'])}")


def _interval(kind: str, confidence: float) -> str:
    """An estimate's interval, named (``kind``: its JSON ``shapley_interval``, or "draws" for the
    Banzhaf and Coleman estimates)."""
    if kind == "draws":  # (a player alone in its class: trials; a class of several: its members' shares of each draw)
        return (f"{confidence:.0%} interval, which holds with at least that confidence (per player; Clopper-Pearson's, "
                f"from the binomial's own tails, for a player alone in its class; Chernoff's for a class of "
                f"interchangeable members, each draw counting the share of them who swing)")
    if kind == "clopper-pearson":  # (the pivots of the procedural analysis: trials)
        return (f"{confidence:.0%} Clopper-Pearson interval (from the binomial's own tails), which holds with at least "
                f"that confidence (per player)")
    if kind != "empirical-bernstein":  # (only fresh analyses are rendered: never an older report's kind)
        raise ValueError(f"no words for an interval of kind {kind!r}")
    return (f"{confidence:.0%} empirical Bernstein interval, which holds with at least that confidence (per player; "
            f"each order counts every place at which a player's arrival would be pivotal; cut at a cap from the "
            f"weights where that is tighter)")


def sampled_shapley_words(s: dict) -> str:
    """Shapley-Shubik indices estimated beside exact or certified Banzhaf indices (``s``: an
    outcome's ``sampled_shapley``), in the words every format uses."""
    return (f"APPROXIMATE, NOT EXACT: the Shapley-Shubik indices estimated from {s['orders']:,} random orders, each "
            f"with its {_interval(s['interval'], s['confidence'])}; only they are estimates (not computed "
            f"exactly: {s['why']})")


def share_cell(value: float) -> str:
    """A share in a power table: to 2 decimals, and one that is not 0 but would read 0.00% to 2
    significant digits (0.0022%): a player with power is never shown with none."""
    if value == 0 or abs(value) >= 0.00005:
        return f"{value:.2%}"
    digits = 1 - math.floor(math.log10(abs(value) * 100))  # (two significant digits, not 1e-05%)
    return f"{value * 100:.{digits}f}%" if digits <= 20 else f"{value * 100:.2g}%"  # (past 20 decimals: 1e-28%)


def estimated(e: dict, percent: bool = True) -> tuple[str, str]:
    """An estimate and its interval (``e``: {estimate, low, high}) as two cells, in percent or raw
    (percent to two places, four when the whole interval lies under 1%, as the indices of a large
    vote do: else its figures would round to the same few hundredths)."""
    spec = (".2%" if e["high"] >= 0.01 else ".4%") if percent else ".4f"
    return format(e["estimate"], spec), f"[{format(e['low'], spec)}, {format(e['high'], spec)}]"


def _beyond_lines(r: dict) -> list[str]:
    """What a vote past the analysis of every index gets after its figures, when it has them: the
    fewest who pass and who block it, then the Shapley-Shubik estimates."""
    lines = [f"  {line}" for line in fewest_words(r["fewest"])] if "fewest" in r else []
    return lines + (_shapley_lines(r["sampled_shapley"]) if "sampled_shapley" in r else [])


def _shapley_lines(s: dict) -> list[str]:
    width = max([len(p["name"]) for p in s["players"]] + [len(t["tag"]) for t in s.get("tags", ())] + [6])
    lines = [f"  {sampled_shapley_words(s)}",
             f"    {'':{width}}  {'Shapley-Shubik (approx.)':>24}  {'interval':>18}"]
    for p in s["players"]:
        value, interval = estimated(p["shapley"])
        lines.append(f"    {p['name']:{width}}  {value:>24}  {interval:>18}")
    if s.get("tags") == []:
        lines.append(f"  {NO_TAGS}")
    elif "tags" in s:
        lines.append(f"  {tag_estimates(s['interval'])}")
        for t in s["tags"]:
            value, interval = estimated(t["shapley"])
            lines.append(f"    {t['tag']:{width}}  {value:>24}  {interval:>18}")
    return lines


def tag_estimates(interval: str | None) -> str:
    """The heading of the per-tag estimates, for Shapley-Shubik estimates with ``interval`` (their
    JSON ``interval``), or none (``None``: the procedural analysis that did not estimate them)."""
    if interval is None:
        return "per tag (the estimates of the members with the tag, added up)"
    whence = {"clopper-pearson": "the pivot of each order", "empirical-bernstein": "its members' places in each order"}[interval]
    return (f"per tag (the estimates of the members with the tag, added up; each Shapley-Shubik interval is the "
            f"tag's own, from {whence})")


def certified_words(c: dict) -> str:
    """A vote given certified bounds, in the words every format uses (``c``: an outcome's ``certified``)."""
    return (f"CERTIFIED BOUNDS, NOT EXACT: each Banzhaf and Coleman index lies, for certain, in an interval whose "
            f"half-width is at most {rounded(c['within'], True, 2)} of its midpoint (floating point with a proven bound on "
            f"every rounding and on the Fourier terms left out; the bounds are computed, not sampled)"
            f"{_aside(c['undetermined'])}; the figures shown are the midpoints, rounded, and "
            f"JSON gives every interval; the exact fractions, Shapley-Shubik and the minimal coalitions are not "
            f"computed ({c['why']})")


def _aside(undetermined: list[str]) -> str:
    """The intervals left out of the largest half-width: those of the players not determined."""
    if not undetermined:
        return ""
    if len(undetermined) == 1:
        return f", except {undetermined[0]}'s, which reach down to 0 (whether it is a dummy is not determined)"
    names = (f"{', '.join(undetermined[:-1])} and {undetermined[-1]}" if len(undetermined) <= SHOWN else
             f"{', '.join(undetermined[:SHOWN])} and {len(undetermined) - SHOWN:,} more")
    return f", except those of {names}, which reach down to 0 (whether they are dummies is not determined)"


def rounded(x: float | Fraction, up: bool, digits: int = 6, percent: bool = False) -> str:
    """``x`` (non-negative, a float or an exact fraction) to ``digits`` significant digits, rounded
    up or down (never to nearest), as a percentage (with ``%``) if ``percent``: a bound printed stays
    a bound."""
    from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext

    if x <= 0:
        return "0%" if percent else "0"
    with localcontext() as ctx:  # (the exact value, scaled and rounded each time in the direction asked)
        ctx.rounding = ROUND_CEILING if up else ROUND_FLOOR
        value = Decimal(x) if isinstance(x, float) else Decimal(x.numerator) / Decimal(x.denominator)
        value = value * 100 if percent else value
        ctx.prec = digits
        return format(+value, "g" if not percent else "f").replace("E", "e") + ("%" if percent else "")


def shares_between(c: dict) -> str:
    """The shares of winning and of losing coalitions of certified bounds, each between its bounds
    rounded outward."""
    win, lose = c["winning"], c["losing"]
    return (f"winning coalitions: a share between {rounded(win['low'], False)} and {rounded(win['high'], True)} of all; "
            f"losing: between {rounded(lose['low'], False)} and {rounded(lose['high'], True)}")


def bounded_words(b: dict) -> str:
    """An analysis bounded to a depth, in the words every format uses (``b``: an outcome's ``bounded``)."""
    return f"BOUNDED TO DEPTH {b['depth']}, NOT EXACT: {b['reason']}"


def not_analysed_words(u: dict) -> str:
    """An outcome not analysed, in the words every format uses (``u``: an entry of ``unsupported``)."""
    return f"'{u['procedure']}' is not analysed: {u['reason']}; no index is given for it"


def _approximate_lines(a: dict) -> list[str]:
    width = max([len(p["name"]) for p in a["players"]] + [len(t["tag"]) for t in a.get("tags", ())] + [6])
    orders = "orders" in a
    lines = [f"  {approximate_words(a)}",
             f"    {'':{width}}  {'Banzhaf (approx.)':>18}  {'interval':>20}  {'normalised (approx.)':>21}" +
             (f"  {'Shapley-Shubik (approx.)':>24}  {'interval':>18}" if orders else "")]
    for p in a["players"]:
        value, interval = estimated(p["banzhaf"], percent=False)
        line = f"    {p['name']:{width}}  {value:>18}  {interval:>20}  {share_cell(p['normalised']['estimate']):>21}"
        if orders:
            value, interval = estimated(p["shapley"])
            line += f"  {value:>24}  {interval:>18}"
        lines.append(line)
    if "winning" in a:
        lines += [f"  {coleman_words(a)}", f"    {'':{width}}  {'initiate (approx.)':>18}  {'interval':>20}  "
                  f"{'prevent (approx.)':>18}  {'interval':>20}"]
        for p in a["players"]:
            (initiate, low_high), (prevent, interval) = estimated(p["initiate"]), estimated(p["prevent"])
            lines.append(f"    {p['name']:{width}}  {initiate:>18}  {low_high:>20}  {prevent:>18}  {interval:>20}")
    if a.get("tags") == []:
        lines.append(f"  {NO_TAGS}")
    elif "tags" in a:
        lines += [f"  {tag_estimates(a.get('shapley_interval'))}",
                  f"    {'':{width}}  {'normalised (approx.)':>21}" +
                  (f"  {'Shapley-Shubik (approx.)':>24}  {'interval':>18}" if orders else "")]
        for t in a["tags"]:
            line = f"    {t['tag']:{width}}  {share_cell(t['normalised']['estimate']):>21}"
            if orders:
                value, interval = estimated(t["shapley"])
                line += f"  {value:>24}  {interval:>18}"
            lines.append(line)
    return lines


CERTIFIED = (("banzhaf", "Banzhaf"), ("normalised", "normalised"), ("initiate", "Coleman initiate"),
             ("prevent", "Coleman prevent"))  # (the indices the certified bounds give)


def _certified_lines(c: dict) -> list[str]:
    width = max([len(p["name"]) for p in c["players"]] + [6])
    lines = [f"  {certified_words(c)}",
             f"  {shares_between(c)}",
             f"    {'':{width}}  {'Banzhaf':>12}  " + "  ".join(f"{title:>16}" for _, title in CERTIFIED[1:])]
    for p in c["players"]:
        cells = [f"{share_cell(p[k]['value']):>16}" for k, _ in CERTIFIED[1:]]
        lines.append(f"    {p['name']:{width}}  {p['banzhaf']['value']:>12.6g}  " + "  ".join(cells))
    if c.get("tags") == []:
        lines.append(f"  {NO_TAGS}")
    elif "tags" in c:
        lines.append("  per tag (the normalised shares of the members with the tag, added up)")
        lines += [f"    {t['tag']:{width}}  {share_cell(t['normalised']['value']):>12}" for t in c["tags"]]
    lines.append(f"  dummies: {', '.join(c['dummies']) or 'none'}" +
                 (f" (not determined: {_some(c['undetermined'])})" if c["undetermined"] else ""))
    lines.append(f"  vetoes: {', '.join(c['vetoes']) or 'none'}")
    return lines


def _head(path: str, r: dict) -> list[str]:
    """The outcome's first lines: what decides it and, for the procedural analysis, how exact it is."""
    if r.get("method") != "procedural":
        return [f"{path}: {r['procedure']} (decided by {r['body']})"]
    lines = [f"{path}: {r['outcome']} (procedure over {r['body']}: the game of `can force`, "
             f"{r['checks']} checks of the verifier)"]
    if "bounded" in r:
        lines.append(f"  {bounded_words(r['bounded'])} ({'; '.join(r['bounded']['coalitions'])})")
    return lines


def text(path: str, results: list[dict]) -> str:
    lines = []
    for r in results:
        lines += _head(path, r)
        if "bloc" in r:
            lines.append(f"  {bloc_words(r['bloc'])}")
        bounded = f" (bounded to depth {r['bounded']['depth']})" if "bounded" in r else ""
        if "why" in r:
            lines.append(f"  {'nobody can pass it: ' if r['passable'] is False else ''}{r['why']} (no index is defined)")
            lines += _sizes_lines(r["sizes"]) if "sizes" in r else []
            continue
        if "approximate" in r:
            lines += _approximate_lines(r["approximate"]) + _beyond_lines(r)
            continue
        if "certified" in r:
            lines += _certified_lines(r["certified"]) + _beyond_lines(r)
            continue
        if "not_computed" in r:
            lines.append(f"  {not_computed_words(r['not_computed'])}")
        lines.append(f"  winning coalitions{bounded}: {winning_words(r)}")
        lines.append(f"  indices{bounded}" + (" (the keys held for one principal vote together)" if r["by"] == "principal" else ""))
        lines += _table(r["players"], "name")
        if r.get("tags") == []:
            lines.append(f"  {NO_TAGS}")
        elif "tags" in r:
            lines.append("  per tag (the shares of the members with the tag, added up)")
            lines += _table(r["tags"], "tag", SHARES)
        if "minimal_winning" in r:
            lines += _coalition_lines(f"minimal winning{bounded}", r["minimal_winning"])
            lines += _coalition_lines(f"minimal blocking{bounded}", r["minimal_blocking"])
        lines.append(f"  dummies{bounded}: {', '.join(r['dummies']) or 'none'}")
        lines.append(f"  vetoes{bounded}: {', '.join(r['vetoes']) or 'none'}")
        lines += _beyond_lines(r)
        if "sizes" in r:
            lines += _sizes_lines(r["sizes"])
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ --each-size (govspec.power_sizes)


def sizes_heading(sizes: dict) -> str:
    """What the sizes are, or why there are none."""
    bodies = " and ".join(sizes["bodies"])
    if "why" in sizes:
        return f"at each size of {bodies}: not analysed: {sizes['why']}"
    return (f"at each size of {bodies} that {', '.join(sizes['events'])} can bring about ({sizes['kinds']} kinds of "
            f"{bodies}, one per kind of people left; {sizes['checks']} more checks of the verifier)")


def size_groups(sizes: dict) -> list[dict]:
    """The states of ``sizes`` grouped for the reader: the states of one size whose minimal winning
    coalitions are any k of those in office (or that nobody can pass, for the same reason) are one
    group; each other state is a group of its own.  Each group: its ``states``, ``words`` (the
    common answer, or None) and ``start`` (it holds the declared state)."""
    groups: dict[object, dict] = {}
    for i, state in enumerate(sizes.get("states", ())):
        size = tuple(state["size"].items())
        if "any_of_members" in state:
            key, words = (size, "any", state["any_of_members"], state.get("any_of_body")), _any_words(state)
        elif "why" in state and "bounded" not in state:
            key, words = (size, "why", state["why"]), ("nobody can pass it: " if state["passable"] is False else "") + state["why"]
        else:
            key, words = i, None
        group = groups.setdefault(key, {"states": [], "words": words, "start": i == 0})
        group["states"].append(state)
    return list(groups.values())


def _any_words(state: dict) -> str:
    body = state.get("any_of_body")  # (several voting bodies: the one whose members decide it)
    n, k = state["size"][body] if body else sum(state["size"].values()), state["any_of_members"]
    office = f"of {body} in office" if body else "in office"
    return (f"any {k} of the {n} {office}" if k < n else
            {1: f"the one {office}", 2: f"both {office}"}.get(n, f"all {n} {office}"))


def size_words(state: dict) -> str:
    """"board of 5" (each voting body's size)."""
    return ", ".join(f"{body} of {n}" for body, n in state["size"].items())


def group_title(group: dict) -> str:
    """"board of 5, without altman" (one state; the declared one: "as declared"), or "board of 5,
    whoever left (4 kinds, each analysed)"."""
    states = group["states"]
    if len(states) > 1:
        return f"{size_words(states[0])}, whoever left ({len(states)} kinds, each analysed)"
    return f"{size_words(states[0])}, " + (f"without {states[0]['without_text']}" if states[0]["without"] else "as declared")


def left_words(state: dict) -> str:
    """"after altman and toner left" (the state's own people)."""
    gone = state["without"]
    return "after " + (", ".join(gone[:-1]) + " and " + gone[-1] if len(gone) > 1 else gone[0]) + " left"


def shown_witness(group: dict) -> tuple[dict, dict] | None:
    """The group's scenario shown (a state of it, and its first minimal winning coalition's
    witness); None for the declared state (its scenarios are the outcome's) or when none exists."""
    for state in group["states"]:
        if not state["without"]:
            return None
        for p in state.get("minimal_winning", {}).get("profiles", ()):
            if "witness" in p:
                return state, p["witness"]
    return None


def size_items(sizes: dict) -> list[dict]:
    """Per group of states (:func:`size_groups`), what the text and Markdown show: ``title``, then
    ``answer`` (the words of a group, or "the game above" for the declared state) with ``scenario``
    (``(heading, summary, lines)`` or None), or else ``notes`` (not analysed, bounded, why) and
    ``coalitions`` (the state's minimal winning ones, None when there are none to list)."""
    items = []
    for group in size_groups(sizes):
        state = group["states"][0]
        item = {"title": group_title(group), "answer": None, "scenario": None, "notes": [], "coalitions": None,
                "bounded": f" (bounded to depth {state['bounded']['depth']})" if "bounded" in state else ""}
        if group["words"] is not None:
            each = "in each, " if len(group["states"]) > 1 else ""
            item["answer"] = each + group["words"] + (" (above)" if group["start"] else "")
            shown = shown_witness(group)
            if shown is not None:
                item["scenario"] = (f"scenario, {left_words(shown[0])}", shown[1]["summary"], shown[1]["lines"])
        elif group["start"]:
            item["answer"] = "the game above"
        elif "unsupported" in state:
            item["notes"].append(f"not analysed: {state['unsupported']}")
        else:
            if "bounded" in state:
                item["notes"].append(bounded_words(state["bounded"]))
            if "why" in state:
                item["notes"].append(("nobody can pass it: " if state["passable"] is False else "") + state["why"])
            else:
                item["coalitions"] = state["minimal_winning"]
                item["title"] += f" (each scenario {left_words(state)})"
        items.append(item)
    return items


def _sizes_lines(sizes: dict) -> list[str]:
    lines = [f"  {sizes_heading(sizes)}"]
    for item in size_items(sizes):
        if item["answer"] is not None:
            lines.append(f"    {item['title']}: {item['answer']}")
            if item["scenario"] is not None:
                heading, summary, steps = item["scenario"]
                lines.append(f"      {heading}: {summary}")
                lines += [f"      {line}" for line in steps]
            continue
        lines.append(f"    {item['title']}:")
        lines += [f"      {note}" for note in item["notes"]]
        if item["coalitions"] is not None:
            lines += ["    " + line for line in _coalition_lines(f"minimal winning{item['bounded']}", item["coalitions"])]
    return lines


def unknown_outcome(model: m.Model, outcome: str | None, names: list[str] | None = None) -> str | None:
    """Why ``outcome`` is not an outcome :func:`power_report` analyses (None: it is, or none was asked)."""
    names = outcomes(model) if names is None else names
    if outcome is None or outcome in names:
        return None
    return f"no procedure '{outcome}' in {model.path}" + (f"; its procedures: {', '.join(names)}" if names else
                                                          " (it has none)")


def power_report(model: m.Model, outcome: str | None = None, by: str = "person", each=None,
                 sample: int | None = None, bloc: Bloc | None = None) -> dict:
    """Every outcome's analysis (or only ``outcome``'s), those outside the fragment listed with
    the reason under "unsupported"; ValueError for an outcome that is not a procedure of the spec.
    ``each(names)``: the :func:`answer` for each procedure named, in order (``govspec power -j N``
    computes them in parallel); by default one after the other here.  ``bloc`` as for :func:`analyse_outcome`."""
    names = outcomes(model)
    unknown = unknown_outcome(model, outcome, names)
    if unknown:
        raise ValueError(unknown)
    report: dict = {"schema": SCHEMA, "path": model.path, "outcomes": [], "unsupported": []}
    asked = [outcome] if outcome is not None else names
    for name, (kind, found) in zip(asked, each(asked) if each else [answer(model, n, by, sample, bloc) for n in asked]):
        if kind == "unsupported":
            report["unsupported"].append({"procedure": name, "reason": found})
        else:
            report["outcomes"].append(found)
    return report


def exit_code(report: dict) -> int:
    """That of ``govspec power``: 4 when some outcome is bounded, approximate, certified, only partly
    computed or not analysed (:func:`inexact`), else 0."""
    return 4 if inexact(report) else 0


def inexact(report: dict) -> list[str]:
    """What keeps the analysis from being exact and whole, one line each: an outcome bounded,
    sampled, certified, only partly computed, not analysed, or not analysed exactly at some size
    (``--each-size``).  Empty: every figure is exact and none is left out."""
    found = [not_analysed_words(u) for u in report["unsupported"]]
    for r in report["outcomes"]:
        name = r.get("outcome", r["procedure"])
        if "bounded" in r:
            found.append(f"{name}: {bounded_words(r['bounded'])}")
        if "approximate" in r:
            found.append(f"{name}: {approximate_words(r['approximate'])}")
        if "certified" in r:
            found.append(f"{name}: {certified_words(r['certified'])}")
        if "not_computed" in r:
            found.append(f"{name}: {not_computed_words(r['not_computed'])}")
        if "sampled_shapley" in r:
            found.append(f"{name}: {sampled_shapley_words(r['sampled_shapley'])}")
        if _sizes_inexact(r):
            found.append(f"{name}: at some size of its body (--each-size) the analysis is bounded or not done")
    return found


def _sizes_inexact(r: dict) -> bool:
    """With ``--each-size``: some size bounded or not analysed (``govspec.power_sizes``)."""
    sizes = r.get("sizes", {})
    return "why" in sizes and bool(sizes.get("events")) or \
        any("bounded" in s or "unsupported" in s for s in sizes.get("states", ()))


def sampled(game, samples: int, why: str, place: dict, model: m.Model | None = None) -> dict:
    """The approximate part of an outcome: raw Banzhaf estimates with their intervals, and the
    normalised ones (estimates only), per player (:func:`govspec.power.games.sample_banzhaf`), and
    Shapley-Shubik estimates from as many random orders (:func:`govspec.power.games.sample_shapley`);
    with ``model`` (``--by tag``), per tag too (:func:`_estimated_tags`)."""
    tags = _tag_groups(model, game, place) if model is not None else []
    orders = sample_shapley(game, samples, groups=tuple(taken for _, _, taken in tags))
    found = approximate_data(sample_banzhaf(game, samples), why, orders)
    if model is not None:
        found["approximate"]["tags"] = _estimated_tags(tags, orders, found["approximate"]["players"])
    return found


def _tag_groups(model: m.Model, game: Game, place: dict) -> list[tuple[str, list[str], tuple[int, ...]]]:
    """Per tag (as :func:`by_tag` orders them), its members who are players of ``game``, in the
    spec's order, and how many of them each class of the game holds (the group
    :func:`~govspec.power.games.sample_shapley` estimates)."""
    of = {name: i for i, c in enumerate(game.classes) for name in c.names()}
    rows = [{"name": name} for name in sorted(of, key=lambda n: place.get(n, len(place)))]
    out = []
    for tag, members in _tagged(model, rows).items():
        taken = Counter(of[r["name"]] for r in members)
        out.append((tag, [r["name"] for r in members], tuple(taken[i] for i in range(len(game.classes)))))
    return out


def _estimated_tags(tags: list, orders: InsertedOrders | SampledOrders | str,
                    players: list[dict] | None = None) -> list[dict]:
    """Per tag, the Shapley-Shubik indices of its members added up, estimated with an interval of
    its own (from each order's share of its members, not from the members' intervals; none when
    ``orders`` is why they are not estimated); with ``players`` (a sampled outcome's), their
    normalised Banzhaf estimates added up too (estimates only)."""
    share = {r["name"]: r["normalised"]["estimate"] for r in players or ()}
    return [{"tag": tag, "members": members,
             **({"normalised": {"estimate": sum(share[n] for n in members)}} if players is not None else {}),
             **({} if isinstance(orders, str) else {"shapley": _estimate_of(orders.estimate_group(g))})}
            for g, (tag, members, _) in enumerate(tags)]


def sampled_tags(model: m.Model, game, place: dict, orders: SampledOrders | str, players: list[dict]) -> list[dict]:
    """A sampled procedural outcome's figures per tag (``--by tag``; ``place``: each player's place in
    the spec's order; ``players``: the outcome's estimates per player): the members' normalised
    Banzhaf estimates added up, and their Shapley-Shubik indices estimated from the pivots of
    ``orders`` (:meth:`~govspec.power.games.SampledOrders.estimate_group`), unless ``orders`` is why
    they are not estimated."""
    tags = _tag_groups(model, game, place)
    if not isinstance(orders, str):
        orders = replace(orders, groups=tuple(taken for _, _, taken in tags))
    return _estimated_tags(tags, orders, players)


def _estimate(found: Sampled | SampledOrders | InsertedOrders, i: int) -> dict:
    return _estimate_of(found.estimate(i))


def _estimate_of(found: tuple) -> dict:
    value, low, high = found
    return {"estimate": float(value), "low": low, "high": high}


def approximate_data(found: Sampled, why: str, orders: SampledOrders | InsertedOrders | str) -> dict:
    """:func:`sampled`'s data of any :class:`~govspec.power.games.Sampled` and the Shapley-Shubik
    estimates of its game (:class:`~govspec.power.games.InsertedOrders` of a vote, or
    :class:`~govspec.power.games.SampledOrders`), or the reason its Shapley-Shubik indices
    are not estimated (the procedural analysis samples its game too:
    :func:`govspec.procedural.sample_procedure`)."""
    game, samples = found.game, found.samples
    estimates = [found.estimate(i) for i in range(len(game.classes))]
    total = sum(p * c.count for (p, _, _), c in zip(estimates, game.classes))
    coleman = found.winning and found.winning < samples  # (else one of Coleman's powers has no draw to count)
    players = [{"name": name, "banzhaf": _estimate(found, i), "normalised": {"estimate": float(p / total) if total else 0.0},
                **({} if isinstance(orders, str) else {"shapley": _estimate(orders, i)}),
                **({"initiate": _estimate_of(found.estimate_coleman(i, False)),
                    "prevent": _estimate_of(found.estimate_coleman(i, True))} if coleman else {})}
               for i, (c, (p, _, _)) in enumerate(zip(game.classes, estimates)) for name in c.names()]
    more = {"shapley_why": orders} if isinstance(orders, str) else \
        {"orders": orders.orders, "shapley_interval": orders.interval}
    more |= {"winning": found.winning} if coleman else \
        {"coleman_why": f"{'every' if found.winning else 'no'} random coalition won"}
    return {"exact": False, "approximate": {"samples": samples, **more, "confidence": found.confidence, "why": why,
                                            "players": players}}


def shapley_estimates(game: Game, orders: int, why: str, place: dict, model: m.Model | None = None) -> dict:
    """An outcome's ``sampled_shapley``: the Shapley-Shubik indices of a vote whose Banzhaf indices
    are exact or certified, estimated from ``orders`` random orders (``why``: why they are not
    computed exactly), per player in the spec's order (``place``); with ``model`` (``--by tag``),
    per tag too."""
    tags = _tag_groups(model, game, place) if model is not None else []
    found = sample_shapley(game, orders, groups=tuple(taken for _, _, taken in tags))
    players = [{"name": name, "shapley": _estimate(found, i)} for i, c in enumerate(game.classes) for name in c.names()]
    players.sort(key=lambda r: place.get(r["name"], len(place)))
    return {"orders": orders, "interval": found.interval, "confidence": found.confidence, "why": why,
            "players": players, **({"tags": _estimated_tags(tags, found)} if model is not None else {})}



def certified_data(found: Certified, why: str) -> dict:
    """The certified part of an outcome (:func:`govspec.power.certified.certified_banzhaf`): per
    player, each index's interval (``low``, ``high``) and its midpoint (``value``); the share of
    coalitions that win and that lose; dummies (an index of 0 for certain: a weight of 0, or fewer than
    one swing) and vetoes (exact: an integer fact of the weights); ``undetermined``: the players whose
    interval reaches 0 from above; ``within``: the largest half-width of any other interval given,
    relative to its midpoint."""
    game, eps = found.game, 4 * 2.0 ** -53
    (q,) = game.quotas
    total = game.totals()[0]
    least = math.fsum(c.count * lo for c, lo in zip(game.classes, found.low)) * (1 - eps)  # (each product within u,
    most = math.fsum(c.count * hi for c, hi in zip(game.classes, found.high)) * (1 + eps)  # and the sum within u)
    win_lo, win_hi = found.winning
    lose_lo, lose_hi = found.losing  # (one of the two bounded directly, the other as 1 minus it)

    def between(lo: float, hi: float) -> dict:
        lo, hi = max(0.0, lo * (1 - eps)), min(1.0, hi * (1 + eps))
        return {"value": (lo + hi) / 2, "low": lo, "high": hi}

    players, dummies, undetermined, vetoes = [], [], [], []
    for c, lo, hi in zip(game.classes, found.low, found.high):
        (w,) = c.weights
        row = {"banzhaf": between(lo, hi),
               "normalised": between(lo / most, hi / least if least > 0 else 1.0),
               # (Coleman: swings over the winning or the losing coalitions, 2^(n-1) p / (2^n P))
               "initiate": between(lo / (2 * lose_hi), hi / (2 * lose_lo) if lose_lo > 0 else 1.0),
               "prevent": between(lo / (2 * win_hi), hi / (2 * win_lo) if win_lo > 0 else 1.0)}
        for name in c.names():
            players.append({"name": name, **row})
            (dummies if hi == 0 else undetermined if lo <= 0 else []).append(name)
            if total - w < q:  # (everyone else together falls short)
                vetoes.append(name)
    aside = set(undetermined)  # (an interval reaching 0 has its midpoint as half-width: said apart, not in within)
    within = max(((r[k]["high"] - r[k]["low"]) / (r[k]["high"] + r[k]["low"]) for r in players for k, _ in CERTIFIED
                  if r[k]["high"] > 0 and r["name"] not in aside), default=0.0)
    return {"exact": False, "certified": {"why": why, "within": within, "terms": found.terms, "cells": found.cells,
                                          "winning": between(win_lo, win_hi), "losing": between(lose_lo, lose_hi),
                                          "players": players,
                                          "dummies": dummies, "undetermined": undetermined, "vetoes": vetoes}}


def certified_tags(model: m.Model, players: list[dict]) -> list[dict]:
    """Per tag, its members' normalised intervals added up (as :func:`by_tag` adds exact shares)."""
    out = []
    for tag, members in _tagged(model, players).items():
        lo = sum(r["normalised"]["low"] for r in members) * (1 - len(members) * 2.0 ** -52)
        hi = min(1.0, sum(r["normalised"]["high"] for r in members) * (1 + len(members) * 2.0 ** -52))
        out.append({"tag": tag, "members": [r["name"] for r in members],
                    "normalised": {"value": (lo + hi) / 2, "low": lo, "high": hi}})
    return out


def answer(model: m.Model, procedure: str, by: str = "person", sample: int | None = None,
           bloc: Bloc | None = None) -> tuple[str, object]:
    """``("outcome", analysis)`` of one procedure, or ``("unsupported", reason)``: a task of its own."""
    try:
        return "outcome", analyse_outcome(model, procedure, by, sample, bloc=bloc)
    except Unsupported as refused:
        return "unsupported", refused.reason
