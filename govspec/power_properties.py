"""Power properties (issue 17): ``x is a dummy for P``, ``x is a veto player for P`` (each also with
``not``) and ``banzhaf power of x over P <= 20%`` (``shapley``; ``<``, ``<=``, ``>=``, ``>``),
decided by the analysis ``govspec power`` gives for the outcome P, not by another one.  The player
x is a person, a principal (its keys one player, as ``--by principal``) or ``tagged T`` (the
people with tag T one player, a bloc: :func:`bloc_of`).

Assumes a checked model and a property of kind "power" (:func:`govspec.check.properties.prop`).
Guarantees: the outcome is analysed as ``govspec power --outcome P`` analyses it (the exact single
vote of :func:`govspec.power.report.analyse_outcome`, else the procedural analysis of
:mod:`govspec.procedural`, else the single vote's certified bounds).  PROVED or REFUTED only when
that analysis is exact or certified (below); on an exact analysis a refuted dummy
(or a proved non-dummy) names a minimal winning coalition with the person in it (who swings
there), with the verifier's forcing sequence of that coalition itself for a procedural outcome; a
refuted bound names the exact value.  An analysis bounded to depth N gives HOLDS UP TO N STEPS when
the claim holds in the bounded game, and UNKNOWN otherwise (a longer forcing sequence could make a
coalition win).  A single vote too large for the exact analysis but enclosed by certified bounds
(:mod:`govspec.power.certified`) decides a dummy and a veto player as exactly, and a Banzhaf bound
when the player's whole interval lies on one side of it (:func:`_certified_holds`); PROVED says
so (``how``).  An outcome outside the analysis (too large for the exact analysis and not certified,
open sizes, too many coalitions) is UNKNOWN with the reason; sampling decides nothing.  A vote of
which only the Banzhaf and Coleman indices are computed (exact; ``not_computed`` names the rest)
decides a dummy, a veto player or a Banzhaf bound, and leaves a Shapley-Shubik bound UNKNOWN.  Under ``--explain``,
every verdict carries :func:`explanation`: the game it was read on and the figures behind the
claim, or one sentence saying why there is nothing to explain.  :func:`check_any` checks any
property, this kind included.
"""

from __future__ import annotations

import math
import time
from decimal import Decimal
from fractions import Fraction

from . import model as m
from .clock import OutOfTime, time_limit
from .options import Options
from .power.games import describe, swing_example
from .power.report import Bloc, Unsupported, analyse_outcome, fraction, rounded, tag_members
from .procedural import analyse_procedure, force_question
from .report import BOUNDED, PROVED, REFUTED, UNKNOWN, PropertyResult, Scope, steps_text
from .safe import counted
from .tasks import check_one, engine_of
from .wording import POWER_INDEX_NAMES, NoWording, in_words, statement

EXACT_VOTE = "the exact power analysis of the vote (every coalition counted)"
SWING_BITS = 10 ** 9  # a witness of a swing on certified bounds: found only where its search keeps at most this many
# bits (one integer of the quota's bits per player: 10,000 holders at a quota of 75 million would need 90 GB)
CERTIFIED_VOTE = ("the certified bounds of the vote (each Banzhaf index enclosed for certain, in floating point with a "
                  "proven bound on every rounding; not exact fractions)")
EXACT_GAME = "the procedural power analysis ({checks} checks of the verifier, each PROVED or REFUTED)"


def check_any(engine, model: m.Model, prop: m.Property, options: Options, passable: dict[str, bool], run=None,
              progress=None) -> PropertyResult:
    """One property's result: a power property by the power analysis, any other as
    :func:`govspec.tasks.check_one` checks it."""
    if prop.kind == "power":
        return power_verdict(model, prop, options, run, progress)
    return check_one(engine, model, prop, options, passable, run, progress)


KEPT = 8  # analyses kept for the next power property (of the same model, outcome and options)
_ANALYSES: list = []  # (model, goal, by, options, analysis, keep), the latest last


def bloc_of(model: m.Model, claim: m.PowerClaim) -> Bloc | None:
    """A tag's members as one player, named as written (``tagged founders``); None for a person or
    a principal (``govspec power --by person`` or ``--by principal`` gives those players)."""
    if claim.by != "tag":
        return None
    return claim.who, tag_members(model, claim.player)


def _analysis(model: m.Model, goal: m.Goal, options: Options, progress, keep: dict, by: str,
              bloc=None) -> dict | str:
    """The analysis ``govspec power --by BY`` gives of the outcome (with ``bloc``, one whose players
    are that bloc and everyone outside it), or why there is none; computed once for several
    properties of one outcome (the same model object, the same options), and so is its running out
    of a property's --timeout (:class:`OutOfTime`, raised again for the next; not the run's
    --budget, which a later run of the same model need not share)."""
    for kept in _ANALYSES:
        if kept[0] is model and kept[1:4] == (goal, (by, bloc), options):
            if isinstance(kept[4], OutOfTime):
                raise OutOfTime(kept[4].deadline)
            keep.update(kept[5])
            return kept[4]
    try:
        found = _analysed(model, goal, options, progress, keep, by, bloc)
    except OutOfTime as err:
        if err.deadline.option == "--timeout":  # (the same limit would run out again: kept, not tried again)
            _kept(model, goal, (by, bloc), options, err, {})
        raise
    _kept(model, goal, (by, bloc), options, found, dict(keep))
    return found


def _kept(*entry) -> None:
    """Keeps an analysis (or its running out of time) for the next property; the KEPT latest."""
    _ANALYSES.append(entry)
    del _ANALYSES[:-KEPT]


def _analysed(model: m.Model, goal: m.Goal, options: Options, progress, keep: dict, by: str, bloc) -> dict | str:
    """The single vote's exact analysis, else the procedural one, else the single vote's certified
    bounds (:func:`_certified_holds`), else why none (as ``govspec power``)."""
    single, certified = None, None
    if goal.phase == "pass":
        try:
            found = analyse_outcome(model, goal.procedure, by, keep=keep, bloc=bloc)
        except Unsupported as refused:
            single = refused.reason
        else:
            if "certified" not in found:
                return found
            certified = found
    try:
        return analyse_procedure(model, goal, options, by, progress=progress, keep=keep, bloc=bloc)
    except Unsupported as refused:
        if certified is not None:
            return certified
        if single is not None and single != refused.reason:
            return f"{single}; the procedural analysis: {refused.reason}"
        return refused.reason


def share(x: Fraction, bound: Fraction | None = None) -> str:
    """A share as the power report prints it, with the exact fraction: ``33.33% (1/3)``.  To two
    decimals, or as many more as it takes for a share that is not 0 not to read as 0%, and for the
    figure shown to fall on the same side of ``bound`` (a claim's) as the share itself: 0.6701%
    against a bound of 0.67%, not 0.67% (up to 15 decimals; the fraction is exact)."""
    digits = 2
    while True:
        scaled = round(x * 100 * 10 ** digits)  # (an int: the share in hundredths of a percent, and so on)
        shown = Fraction(scaled, 100 * 10 ** digits)
        # (a share equal to the bound is shown with its fraction, which says so: 33.33% (1/3) >= 1/3)
        same_side = bound is None or x == bound or (shown > bound) == (x > bound) and (shown < bound) == (x < bound)
        if digits >= 15 or ((shown != 0) == (x != 0) and same_side):
            break
        digits += 1
    text = f"{'-' if scaled < 0 else ''}{abs(scaled) // 10 ** digits}.{abs(scaled) % 10 ** digits:0{digits}d}%"
    return text + ("" if x.denominator == 1 or (x * 100).denominator == 1 else f" ({x})")


def _compare(value: Fraction, op: str, bound: Fraction) -> bool:
    return {"<": value < bound, "<=": value <= bound, ">=": value >= bound, ">": value > bound}[op]


def _holds(claim: m.PowerClaim, goal: m.Goal, row: dict | None, a: dict) -> tuple[bool | None, str]:
    """Does the claim hold in the analysed game, and what the game says of the person (None: the
    game gives no figure for it, the reason in words)."""
    x = claim.who
    if row is None and "players" not in a:  # (no coalition wins, or every one does: nobody swings)
        nobody = a.get("passable") is not True  # (None: none found within a bounded analysis's depth, which says so)
        if claim.claim == "dummy":
            return not claim.negated, f"{x} has no swing: {a['why']}"
        if claim.claim == "veto":  # (everyone else can force it unless nobody can)
            return nobody != claim.negated, f"{x} {'can' if nobody else 'cannot'} block it alone: {a['why']}"
        return None, f"no index is defined: {a['why']}"
    if row is None:  # (a single vote: not among its voters)
        row = {"swings": 0, "dummy": True, "veto": False, "normalised": {"exact": "0"}, "shapley": {"exact": "0"}}
        absent = f"{x} does not vote on it"
    else:
        absent = ""
    if claim.claim == "dummy":
        swings = f"{x} swings in {counted(row['swings'], 'coalition')} of the others"
        said = absent or (f"{x} has no swing" if row["dummy"] else swings)
        return row["dummy"] != claim.negated, said
    if claim.claim == "veto":
        said = (f"{x} is in every one of the {a['winning_coalitions']:,} winning coalitions" if row["veto"] else
                f"everyone but {x} together can force {goal.text}")
        return row["veto"] != claim.negated, said
    key = m.POWER_INDICES[claim.index]
    if key not in row and not row["dummy"]:  # (the Banzhaf indices alone were computed: a["not_computed"])
        return None, f"the {POWER_INDEX_NAMES[claim.index]} is not computed for {goal.text}: {a['not_computed']['why']}"
    value = fraction(row[key]) if key in row else Fraction(0)  # (a dummy is pivotal in no order)
    holds = _compare(value, claim.op, claim.bound)
    return holds, f"{claim.index} power of {x} is {share(value, claim.bound)}" + (f" ({absent})" if absent else "")


def _certified_holds(claim: m.PowerClaim, goal: m.Goal, c: dict) -> tuple[bool | None, str]:
    """:func:`_holds` on certified bounds (``c``: :func:`govspec.power.report.certified_data`'s
    "certified"): a dummy or veto player as exactly as the exact analysis (a dummy: a weight of 0 or
    fewer than one swing, proven; a veto: from the weights); a bound on the Banzhaf share decided
    when the whole interval lies on one side of it (each comparison is monotone, so both ends
    decide), None (with the interval) when it reaches both; a Shapley-Shubik bound decided only for a
    dummy or a player who does not vote (an index of 0), None for anyone else."""
    x = claim.who
    row = next((r for r in c["players"] if r["name"] == x), None)
    if claim.claim == "dummy":
        if row is None or x in c["dummies"]:
            return not claim.negated, f"{x} does not vote on it" if row is None else f"{x} has no swing"
        lo, hi = row["banzhaf"]["low"], row["banzhaf"]["high"]
        if x in c["undetermined"]:
            return None, (f"{x}'s raw Banzhaf index lies between 0 and {rounded(hi, True)} (certified bounds): they "
                          "cannot tell it from 0")
        return claim.negated, f"{x} swings: its raw Banzhaf index is at least {rounded(lo, False)} (certified bounds)"
    if claim.claim == "veto":
        veto = row is not None and x in c["vetoes"]
        said = (f"{x} can block it alone: everyone else together falls short of the quota" if veto else
                f"{x} does not vote on it" if row is None else
                f"everyone but {x} together can force {goal.text}: their weight reaches the quota")
        return veto != claim.negated, said
    none = row is None or x in c["dummies"]  # (an index of 0: no swing, so pivotal in no order either)
    if claim.index != "banzhaf" and not none:
        return None, (f"the {POWER_INDEX_NAMES[claim.index]} is not computed for {goal.text}: only its Banzhaf and "
                      "Coleman indices have certified bounds")
    lo, hi = (0.0, 0.0) if none else (row["normalised"]["low"], row["normalised"]["high"])
    ends = _compare(Fraction(lo), claim.op, claim.bound), _compare(Fraction(hi), claim.op, claim.bound)
    said = (f"{claim.index} power of {x} is 0% ({x} does not vote on it)" if row is None else
            f"{claim.index} power of {x} is 0% ({x} has no swing)" if none else
            f"{claim.index} power of {x} is between {_shown(lo, hi, claim.bound)} (certified bounds)")
    if ends[0] != ends[1]:
        return None, f"{said}, on both sides of {claim.bound_text}"
    return ends[0], said


def _shown(lo: float, hi: float, bound: Fraction) -> str:
    """"A% and B%": the interval rounded outward, with as many digits as it takes to keep the bound
    outside the printed interval when it is outside the interval itself (6 at least)."""
    for digits in range(6, 30):
        low, high = rounded(lo, False, digits, percent=True), rounded(hi, True, digits, percent=True)
        printed = [Fraction(Decimal(t[:-1])) / 100 for t in (low, high)]
        if (printed[0] <= bound <= printed[1]) == (Fraction(lo) <= bound <= Fraction(hi)):
            break
    return f"{low} and {high}"


def _people_of(game, profile, x: str, with_x: bool) -> list[str]:
    """The players of a coalition of kind ``profile``, ``x`` first (``with_x``) or left out."""
    people = [x] if with_x else []
    for c, t in zip(game.classes, profile):
        names = [p for p in c.names() if p != x]
        people += names[:t - 1] if with_x and x in c.names() else names[:t]
    return people


def _swing(keep: dict, x: str):
    """A minimal winning coalition with ``x`` in it (``x`` swings in it: without any member it loses),
    as (the coalition, the kind of coalition in words, the check behind it or None), or None when
    none of those listed has ``x``'s class."""
    game, found = keep.get("game"), keep.get("winning")
    if game is None:
        return None
    if found is None:  # (a single vote of which the Banzhaf indices alone are computed: one found in its weights)
        return _swing_by_weight(game, x)
    i = next((k for k, c in enumerate(game.classes) if x in c.names()), None)
    for n, profile in enumerate(found.profiles if i is not None else ()):
        if profile[i] >= 1:
            checks = keep.get("checks")
            return _people_of(game, profile, x, True), describe(game, profile), checks[n] if checks else None
    return None


def _swing_by_weight(game, x: str):
    """:func:`_swing` of a single weighted vote without its minimal coalitions listed
    (:func:`govspec.power.games.swing_example`), its kind in words."""
    found = swing_example(game, x)
    if found is None:
        return None
    # (in words, not in the game's units: those are the spec's weights scaled by the denominators of its rule)
    return list(found), f"it reaches the quota; without {x}, or without any other of its members, it falls short", None


def _without(keep: dict, x: str):
    """A minimal winning coalition without ``x`` (as (its players, its kind in words)), or None
    among those listed."""
    game, found = keep.get("game"), keep.get("winning")
    for profile in found.profiles if game is not None and found is not None else ():
        if all(t < c.count or x not in c.names() for c, t in zip(game.classes, profile)):
            return _people_of(game, profile, x, False), describe(game, profile)
    return None


SHOWN = 4  # minimal coalitions an explanation lists


def _listed(found: dict) -> str:
    kinds = [p["text"] for p in found["profiles"]]
    more = len(kinds) > SHOWN or not found["complete"]
    return "; ".join(kinds[:SHOWN]) + ("; ..." if more else "")


def explanation(model: m.Model, claim: m.PowerClaim, goal: m.Goal, a: dict | str, row: dict | None,
                keep: dict) -> tuple[str, ...]:
    """``--explain`` for a power property: the game the verdict was read on and why the claim holds
    or fails in it, from that game's own figures (its minimal coalitions, a player's swings and
    pivots); or why there is nothing to explain."""
    x, outcome = claim.who, goal.text
    if isinstance(a, str):
        return (f"not explained: there is no exact power analysis of {outcome} ({a})",)
    if "certified" in a:
        return _certified_explanation(claim, goal, a["certified"])
    if "players" not in a:
        return (f"not explained: the game has no player who changes the outcome ({a['why']})",)
    lines = []
    if "bounded" in a:
        lines.append(f"not an exact game: the analysis is bounded to depth {a['bounded']['depth']}; the figures "
                     "below are those of the game of forcing sequences of at most that length")
    how = ("the single vote, every coalition counted by its weight sum, member by member: the Banzhaf and Coleman "
           "indices only" if "not_computed" in a else
           "the single vote, every coalition counted by generating functions over classes of interchangeable players"
           if a.get("method") != "procedural" else
           f"the procedural analysis: {a['checks']} checks of the verifier, the other coalitions known by monotonicity")
    n = len(a["players"])
    lines.append(f"the game: {n} players, {a['winning_coalitions']:,} of the {a['all_coalitions']:,} coalitions can "
                 f"force {outcome} ({how})")
    bloc = bloc_of(model, claim)
    if bloc is not None:
        lines.append(f"{x} is one player: {', '.join(bloc[1])} together (all of them in a coalition, or none)")
    if row is None:
        lines.append(f"{x} does not vote on {outcome}: in no coalition's count, so no swing, no share and no veto")
        return tuple(lines)
    if claim.claim == "dummy" and row["dummy"] and "minimal_winning" not in a:
        lines.append(f"{x} swings in none of the {2 ** (n - 1):,} coalitions of the others (the minimal coalitions "
                     f"are not computed: {a['not_computed']['why']})")
    elif claim.claim == "dummy" and row["dummy"]:
        lines.append(f"{x} is in none of the minimal winning coalitions (a dummy is exactly a player in none): "
                     + _listed(a["minimal_winning"]))
    elif claim.claim == "dummy":
        lines.append(f"{x} swings in {row['swings']:,} of the {2 ** (n - 1):,} coalitions of the others: each cannot "
                     f"force {outcome} without {x} and can with {x}")
        found = _swing(keep, x)
        if found is not None:
            rest = [p for p in found[0] if p != x]
            lines.append(f"one of them: {{{', '.join(rest)}}} (with {x}, a minimal winning coalition: {found[1]}; "
                         "without any one of its members it cannot)" if rest else
                         f"one of them: nobody ({x} alone can force it, and the empty coalition cannot)")
    elif claim.claim == "veto" and row["veto"]:
        lines.append(f"everyone but {x} together cannot force {outcome}, so {x} alone blocks it" +
                     (f"; the minimal blocking coalitions: {_listed(a['minimal_blocking'])}" if "minimal_blocking" in a
                      else ""))
    elif claim.claim == "veto":
        found = _without(keep, x)
        lines.append(f"everyone but {x} together can force {outcome}"
                     + (f"; the fewest of them that can: {{{', '.join(found[0])}}} (a minimal winning coalition: "
                        f"{found[1]})" if found else ""))
    key = m.POWER_INDICES.get(claim.index)
    if claim.claim == "index" and key not in row and not row["dummy"]:
        lines.append(f"the {POWER_INDEX_NAMES[claim.index]} is not computed for {outcome}: {a['not_computed']['why']}")
    elif claim.claim == "index":
        value = fraction(row[key]) if key in row else Fraction(0)
        if key not in row:  # (a dummy of an analysis of the Banzhaf indices alone)
            lines.append(f"{x} swings in none of the {2 ** (n - 1):,} coalitions of the others, so it is pivotal in "
                         f"no order of the players: its {POWER_INDEX_NAMES[claim.index]} is 0 (the others' are not "
                         "computed)")
        elif claim.index == "banzhaf":
            total = sum(r["swings"] for r in a["players"])
            lines.append(f"normalised Banzhaf index: {x} swings in {row['swings']:,} coalitions of the others, all "
                         f"{n} players together in {total:,}; {row['swings']:,} / {total:,} = {share(value)}")
        else:
            orders = math.factorial(n)
            lines.append(f"Shapley-Shubik index: {x} is pivotal (joins a losing coalition and makes it win) in "
                         f"{int(value * orders):,} of the {orders:,} orders of the {n} players: "
                         f"{int(value * orders):,} / {orders:,} = {share(value)}")
        lines.append(f"{share(value, claim.bound)} {claim.op} {claim.bound_text}: "
                     + ("true" if _compare(value, claim.op, claim.bound) else "false"))
    return tuple(lines)


def _acting(model: m.Model, claim: m.PowerClaim, players: list[str]) -> dict[str, list[str]]:
    """The people who act for each player (a principal's keys, with ``by`` "principal"; a tag's
    members for the bloc, with ``by`` "tag")."""
    bloc = bloc_of(model, claim)
    if bloc is not None:
        return {x: list(bloc[1]) if x == bloc[0] else [x] for x in players}
    if claim.by != "principal":
        return {x: [x] for x in players}
    return {x: [p.name for p in model.people if p.principal == x] for x in players}


def _own_check(model: m.Model, goal: m.Goal, people: list[str], options: Options, run=None):
    """The forcing sequence of ``people`` themselves (PROVED), or None (also when the run's budget
    ``run`` ends it first)."""
    result = check_one(engine_of(model, options)[0], model, force_question(model, goal, tuple(people)), options, {},
                       run)
    return result if result.status == PROVED else None


def power_verdict(model: m.Model, prop: m.Property, options: Options = Options(), run=None,
                  progress=None) -> PropertyResult:
    """The verdict on one power property (see the module docstring)."""
    start = time.monotonic()
    claim, goal = prop.power, prop.goal
    try:
        words = in_words(model, prop)
    except NoWording:
        words = None
    common = dict(name=prop.name, kind="power", line=prop.span.line, cite=prop.cite,
                  path=None if prop.span.path == model.path else prop.span.path, statement=statement(prop.text),
                  words=words)
    said = claim.describe(goal.text)

    a, row, keep = "not checked", None, {}

    def done(status, summary, scope=Scope(None), **kw) -> PropertyResult:
        explained = explanation(model, claim, goal, a, row, keep) if options.explain else None
        return PropertyResult(status=status, scope=scope, seconds=time.monotonic() - start, summary=summary,
                              explanation=explained, **common, **kw)

    if run is not None and run.expired():
        return done(UNKNOWN, "not checked", Scope(0), reason=f"{run.ran_out()} before its check began")
    bloc = bloc_of(model, claim)
    try:  # (its --timeout, and the run's --budget, stop the analysis too: its search of coalitions can take minutes)
        with time_limit(options.timeout, run).applies():
            a = _analysis(model, goal, options, progress, keep, "person" if bloc else claim.by, bloc)
    except OutOfTime as err:
        a = "not analysed"
        return done(UNKNOWN, "the time ran out before it was decided", Scope(0), reason=str(err))
    if isinstance(a, str):
        return done(UNKNOWN, f"the power analysis of {goal.text} cannot decide it", Scope(0),
                    reason=f"{a}; a power property is decided only by an exact power analysis or certified bounds")
    x = claim.who
    if "certified" in a:
        return _certified_verdict(claim, goal, a["certified"], keep, said, done)
    row = next((r for r in a.get("players", ()) if r["name"] == x), None)
    holds, about = _holds(claim, goal, row, a)
    if holds is None:
        return done(UNKNOWN, f"the power analysis of {goal.text} gives no figure for it", Scope(0), reason=about)
    witness = {}
    if claim.claim == "veto" and row is not None and not row["veto"] and a.get("method") == "procedural":
        mine = set(_acting(model, claim, [x])[x])
        others = [p.name for p in model.people if p.name not in mine]
        check = _own_check(model, goal, others, options, run)  # (the scenario of everyone else forcing it)
        if check is not None and check.trace:
            witness = dict(trace=check.trace, coalition=check.coalition)
    if claim.claim == "dummy" and row is not None and not row["dummy"]:
        found = _swing(keep, x)
        if found is not None:
            people, kind, check = found
            about += (f"; e.g. {{{', '.join(people)}}} can force {goal.text} and cannot without {x} "
                      f"(a minimal winning coalition: {kind})")
            acting = _acting(model, claim, people)
            if check is not None and not set(acting[x]) <= set(check.coalition or ()):
                # (the coalition checked had someone interchangeable with the player in its place)
                mine = _own_check(model, goal, [p for ps in acting.values() for p in ps], options, run)
                check = mine or check
                if mine is None:
                    about += (f"; the scenario is that of {{{', '.join(check.coalition)}}}, interchangeable with "
                              "it in this game")
            if check is not None and check.trace:
                witness = dict(trace=check.trace, coalition=check.coalition)
    if "bounded" in a:
        depth = a["bounded"]["depth"]
        if holds:
            return done(BOUNDED, f"{said} in the game of forcing sequences of at most {steps_text(depth)}: {about}",
                        Scope(depth), reason=f"not a proof: {a['bounded']['reason']}", searched=depth, **witness)
        return done(UNKNOWN, f"the power analysis of {goal.text} is bounded to depth {depth}", Scope(depth),
                    reason=f"in the game bounded to depth {depth}, {about}, so the property fails there; "
                           f"{a['bounded']['reason']}", **witness)
    how = EXACT_VOTE if a.get("method") != "procedural" else EXACT_GAME.format(checks=a["checks"])
    if holds:
        return done(PROVED, f"{said}: {about}", how=how, **witness)
    return done(REFUTED, f"{claim.describe(goal.text, holds=False)}: {about}", **witness)


def _certified_explanation(claim: m.PowerClaim, goal: m.Goal, c: dict) -> tuple[str, ...]:
    """:func:`explanation` on certified bounds: the game, and what the bounds say of the player."""
    holds, about = _certified_holds(claim, goal, c)
    lines = [f"the game: a single weighted vote of {len(c['players']):,} players ({c['why']}); certified bounds: each "
             "Banzhaf index enclosed for certain (floating point with a proven bound on every rounding)", about]
    if claim.claim == "index" and "between" in about:
        lines.append(f"{claim.op} {claim.bound_text} at both ends of the interval: "
                     + {True: "true", False: "false", None: "true at one end only, so not decided"}[holds])
    return tuple(lines)


def _certified_verdict(claim: m.PowerClaim, goal: m.Goal, c: dict, keep: dict, said: str, done) -> PropertyResult:
    """The verdict on certified bounds (:func:`_certified_holds`): PROVED or REFUTED where they decide
    it, with the bounds in the summary; a player proven not a dummy with a coalition it swings in,
    found from the weights; UNKNOWN with the interval where they do not decide it."""
    holds, about = _certified_holds(claim, goal, c)
    if holds is None:
        return done(UNKNOWN, f"the certified bounds of {goal.text} do not decide it", Scope(0), reason=about)
    game = keep.get("game")
    if (claim.claim == "dummy" and claim.who not in c["dummies"] and any(r["name"] == claim.who for r in c["players"])
            and game is not None):
        common = math.gcd(*(k.weights[0] for k in game.classes))  # (the search's bits: the quota in those units)
        found = _swing(keep, claim.who) if game.players * (game.quotas[0] // max(common, 1)) <= SWING_BITS else None
        if found is not None:
            about += (f"; e.g. {{{', '.join(found[0])}}} can force {goal.text} and cannot without {claim.who} "
                      f"(a minimal winning coalition: {found[1]})")
        else:
            about += (f"; no such coalition is named: finding one from the weights would keep more than "
                      f"{SWING_BITS:,} bits here")
    if holds:
        return done(PROVED, f"{said}: {about}", how=CERTIFIED_VOTE)
    return done(REFUTED, f"{claim.describe(goal.text, holds=False)}: {about}")
