"""The procedural power analysis: the simple game of an outcome as ``can force`` defines it, decided
coalition by coalition by the verifier, where a single weighted vote does not describe it (timing,
vetoes, several stages, a body that other procedures or events change).

Assumes a checked model (:mod:`govspec.load`) with every group's size fixed.  The players are every
declared person (``can block`` counts everyone else too), grouped into classes of interchangeable
people (:func:`govspec.coalitions.symmetry_keys`; with ``by="principal"``, the keys held for one
principal are one player).  A coalition *wins* when ``coalition {...} can force P`` is PROVED (a
forcing sequence, replayed on the reference semantics against every response of the others); it
*loses* when it is REFUTED (a proof that no forcing sequence of any length exists).

``can force`` is monotone (docs/power.md, "The procedural analysis"): a forcing sequence of a
coalition is one of every larger coalition, whose extra members act as an outsider would.  So a
coalition that contains a winning one wins, and one inside a losing one loses: neither is asked.
Coalitions are taken up to interchangeable members, and along the largest class, for each choice of
the other classes (in order of size), the fewest members of it that win are found by halving.
Every minimal winning coalition is asked (none contains a smaller winning one to infer it from).  Only PROVED and REFUTED answers make the figures exact.  A coalition
whose check is bounded (no forcing sequence of at most N steps, no proof that none exists) is
counted as losing and every figure of the outcome is labelled "bounded to depth N"; an UNKNOWN
check leaves the game undecided: no figure is given (:class:`~govspec.power.report.Unsupported`).

Guarantees: the game, its minimal coalitions and indices (:func:`govspec.power.games.analyse_table`),
and for each minimal winning coalition the forcing sequence the verifier found, in words and as
data; at most :data:`MAX_PROFILES` coalitions up to interchangeable members and :data:`MAX_CHECKS`
checks, beyond which the outcome is refused with the reason (:class:`TooLarge`), or, asked to,
sampled (:func:`sample_procedure`: estimates labelled approximate, each coalition decided as here).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from . import model as m
from .coalitions import symmetry_keys
from .clock import OutOfTime, applied
from .engine import check_time
from .formats.render import scenario_lines
from .options import Options
from .power.games import (PlayerClass, TableGame, analyse_table, describe, merged, minimal_of_table, profiles_of,
                          SampledOrders, sample_orders_of, sample_profiles, spread_profile)
from .power.report import (LISTED, Bloc, Unsupported, approximate_data, bloc_data, by_tag, coalition_data, player_rows,
                           sampled_tags)
from .power.vote import _label
from .report import BOUNDED, PROVED, REFUTED
from .safe import many_count
from .tasks import check_one, engine_of

MAX_PROFILES = 4096  # coalitions up to interchangeable members: the game's table (and the indices' work)
MAX_CHECKS = 400  # checks of the verifier per outcome (each a proof or a forcing sequence)
MAX_SAMPLE_CHECKS = 2000  # checks of the verifier per sampled outcome (--sample N): beyond, refused


def outcomes(model: m.Model) -> list[m.Goal]:
    """Per procedure (events aside), its passing, and for a timed one also its taking effect."""
    goals = []
    for proc in model.procedures.values():
        if proc.is_event:
            continue
        goals.append(m.Goal(proc.name, None, proc.name))
        if proc.timed:
            goals.append(m.Goal(proc.name, None, f"{proc.name}.executed", "execute"))
    return goals


def _players(model: m.Model, by: str, bloc: Bloc | None = None) -> list[tuple[str, tuple[str, ...], object]]:
    """(name, the people who act for it, symmetry key) per player, in the order of the people; with
    a ``bloc``, its members are one player in the place of the first of them (its own class: the
    spec tells its members from everyone else by a tag, so the others stay interchangeable)."""
    keys = symmetry_keys(model)
    if bloc is not None:
        name, members = bloc
        players = [(p.name, (p.name,), keys[p.name]) for p in model.people if p.name not in members]
        first = next(i for i, p in enumerate(model.people) if p.name in members)
        return players[:first] + [(name, tuple(members), ("bloc", name))] + players[first:]
    if by != "principal":
        return [(p.name, (p.name,), keys[p.name]) for p in model.people]
    held: dict[str, list[str]] = {}
    for p in model.people:
        held.setdefault(p.principal, []).append(p.name)
    return [(pr, tuple(ks), keys[ks[0]] if len(ks) == 1 and ks[0] == pr and keys[pr] != pr else pr)
            for pr, ks in held.items()]


def _classes(model: m.Model, players) -> tuple[list[PlayerClass], list[list[tuple[str, tuple[str, ...]]]]]:
    """Classes of interchangeable players, with each class's players (and their people) in order."""
    grouped: dict[object, list[tuple[str, tuple[str, ...]]]] = {}
    for name, people, key in players:
        grouped.setdefault(key, []).append((name, people))
    classes = []
    for members in grouped.values():
        names = tuple(n for n, _ in members)
        persons = [model.person(n) for n in names] if all(n in model.people_by_name() for n in names) else None
        label = _label(persons) if persons else names[0] if len(names) == 1 else "{" + ", ".join(names) + "}"
        classes.append(PlayerClass(label, len(names), (), names))
    return classes, list(grouped.values())


@dataclass
class Decided:
    """The game of one outcome as the verifier decided it: ``game`` (winning: every profile that
    contains a PROVED one), ``members`` (per class, its players and the people who act for each),
    ``results`` (the check of each profile asked, keyed by profile), ``winners`` (the profiles
    asked that won: every minimal winning profile is among them) and ``everyone`` (the check of the whole of everyone)."""

    game: TableGame
    members: list[list[tuple[str, tuple[str, ...]]]]
    results: dict
    winners: list[tuple[int, ...]]
    everyone: object

    def coalition(self, profile) -> tuple[str, ...]:
        """The people of the coalition asked for ``profile`` (the first players of each class)."""
        return tuple(p for ms, t in zip(self.members, profile) for _, ps in ms[:t] for p in ps)


def force_question(model: m.Model, goal: m.Goal, people: tuple[str, ...]) -> m.Property:
    """``coalition {people} can force goal``, as a property to check."""
    return m.Property(name=f"power_{goal.text}", kind="coalition_force", span=model.procedures[goal.procedure].span,
                      cite=None, text=f"coalition {{{', '.join(people)}}} can force {goal.text}",
                      coalition=m.CoalitionSpec(people, None), goal=goal)


class TooLarge(Unsupported):
    """An outcome refused as too large for the exact procedural analysis (:data:`MAX_PROFILES`,
    :data:`MAX_CHECKS`): ``govspec power --sample N`` samples it instead (:func:`sample_procedure`)."""


def _setup(model: m.Model, goal: m.Goal, by: str, bloc: Bloc | None) -> Decided:
    """The outcome's players in classes, nothing asked yet; or :class:`Unsupported`."""
    if model.sizes:
        raise Unsupported(goal.text, "a group's size is left open (the analysis needs fixed sizes)")
    if model.several_live():
        raise Unsupported(goal.text, f"the procedural power analysis does not yet cover a spec where {model.several_live()}")
    classes, members = _classes(model, _players(model, by, bloc))
    return Decided(TableGame(tuple(classes), frozenset()), members, {}, [], None)


class _Checks:
    """The verifier's answers about one outcome, coalition by coalition (up to interchangeable
    players), kept in ``decided``: :meth:`wins` infers what monotonicity gives and asks the rest, at
    most ``limit`` checks (then :class:`TooLarge`, saying ``what`` needs more).  ``then`` as for
    :func:`decide_game`."""

    def __init__(self, model, goal, decided: Decided, options, then, progress, limit: int, what: str):
        self.model, self.goal, self.decided, self.progress, self.limit, self.what = model, goal, decided, progress, limit, what
        self.engine, _ = engine_of(model, options)
        self.options, self.then = options, then

    def ask(self, profile):
        decided = self.decided
        if len(decided.results) >= self.limit:
            raise TooLarge(self.goal.text, f"{self.what} needs more than {self.limit:,} checks of the verifier")
        prop = force_question(self.model, self.goal, decided.coalition(profile))
        if self.progress:
            self.progress(f"{self.model.path}: power over {self.goal.text}: {prop.text}")
        within = applied()  # (a power property's --timeout, or the run's --budget: each check ends by it too)
        result = _within(check_one(self.engine, self.model, prop, self.options, {}, within), within)
        if self.then is not None and result.status not in (PROVED, REFUTED):
            # (the first cannot decide: the rest go on with the other)
            (self.engine, _), self.options, self.then = engine_of(self.model, self.then), self.then, None
            result = _within(check_one(self.engine, self.model, prop, self.options, {}, within), within)
        decided.results[profile] = result
        return result

    def contains_winner(self, profile) -> bool:
        return any(all(a >= b for a, b in zip(profile, w)) for w in self.decided.winners)

    def wins(self, profile) -> bool:
        """Known from a winner inside it or a loser around it (monotone), else asked."""
        if self.contains_winner(profile):
            return True
        if any(all(a <= b for a, b in zip(profile, x)) for x, r in self.decided.results.items() if r.status != PROVED):
            return False  # (inside a coalition that cannot force it, or has no forcing sequence within N steps)
        if self.ask(profile).status == PROVED:
            self.decided.winners.append(profile)
            return True
        return False


def _within(result, within):
    """A check's result, or :class:`OutOfTime` when it is undecided and the deadline it was run
    within has passed: the analysis ran out, not the check (a check catches its own time-out and
    is UNKNOWN; the analysis is then not an undecided game but one the time stopped)."""
    if within is not None and result.status not in (PROVED, REFUTED) and within.expired():
        raise OutOfTime(within)
    return result


def decide_game(model: m.Model, goal: m.Goal, options: Options = Options(), by: str = "person",
                progress=None, then: Options | None = None, bloc: Bloc | None = None) -> Decided:
    """Ask the verifier, coalition by coalition (up to interchangeable players, as the module
    docstring says), whether each coalition not known by monotonicity can force ``goal``; or
    :class:`Unsupported` (:class:`TooLarge` beyond the limits).  ``then``: a check that ``options``
    leave neither PROVED nor REFUTED is asked again with these (another engine: either engine's
    PROVED or REFUTED is a verdict), and so is every later check, directly.  ``bloc``: (its name,
    its people), one player (a tag's members)."""
    name = goal.text
    decided = _setup(model, goal, by, bloc)
    classes = decided.game.classes
    count = math.prod(c.count + 1 for c in classes)
    if count > MAX_PROFILES:
        raise TooLarge(name, f"too many coalitions for the procedural analysis ({many_count(count)} up to "
                             f"interchangeable members; the limit is {MAX_PROFILES:,})")
    profiles = sorted(profiles_of(classes), key=lambda p: (sum(p), p))
    checks = _Checks(model, goal, decided, options, then, progress, MAX_CHECKS, "the procedural analysis")
    # the whole of everyone first: when even they cannot force it, nobody can (one check)
    decided.everyone = checks.ask(tuple(c.count for c in classes))
    if decided.everyone.status == PROVED:
        # along the largest class, for each choice of the others in order of size: the fewest of it
        # that win, by halving (the rest of the line is known by monotonicity)
        free = max(range(len(classes)), key=lambda i: classes[i].count)
        for rest in sorted(profiles_of(classes[:free] + classes[free + 1:]), key=lambda p: (sum(p), p)):
            check_time()
            low, high = 0, classes[free].count + 1
            while low < high:
                mid = (low + high) // 2
                low, high = (low, mid) if checks.wins(rest[:free] + (mid,) + rest[free:]) else (mid + 1, high)
    decided.game = TableGame(tuple(classes), frozenset(p for p in profiles if checks.contains_winner(p)))
    return decided


def _undecided(decided: Decided, name: str) -> tuple[list, int | None]:
    """The profiles asked whose checks are bounded, and the least depth among them; or
    :class:`Unsupported` when some check is neither PROVED, REFUTED nor bounded (the game is undecided)."""
    undecided = [(p, r) for p, r in decided.results.items() if r.status not in (PROVED, REFUTED)]
    unknown = [(p, r) for p, r in undecided if r.status != BOUNDED]
    if unknown:
        p, r = unknown[0]
        raise Unsupported(name, f"the verifier could not decide whether {describe(decided.game, p)} can force it "
                                f"({r.word}: {r.reason or r.summary}), so the game is undecided")
    return undecided, min((r.scope.depth for _, r in undecided), default=None)


def _outcome_head(model: m.Model, goal: m.Goal, decided: Decided, by: str, bloc: Bloc | None) -> dict:
    """An outcome's first fields (what decides it, the bloc, how exact it is, "bounded" when some check is),
    then, when no coalition wins, why no index is defined; or :class:`Unsupported` (:func:`_undecided`)."""
    undecided, depth = _undecided(decided, goal.text)
    proc, game = model.procedures[goal.procedure], decided.game
    out = {"procedure": goal.procedure, "outcome": goal.text, "method": "procedural",
           "body": ", ".join(dict.fromkeys(s.body for s in proc.stages)), "by": by,
           # (passable: None when no coalition was found to win and the search was bounded: not known)
           "passable": True if decided.winners else False if not undecided else None,
           "exact": not undecided, "checks": len(decided.results)}
    if bloc is not None:
        out["bloc"] = bloc_data(bloc)
    if undecided:
        out["bounded"] = {"depth": depth, "coalitions": [describe(game, p) for p, _ in undecided],
                          "reason": f"no forcing sequence of at most {depth} steps was found for "
                                    f"{len(undecided)} coalition(s) checked, nor a proof that none exists; they "
                                    f"(and every coalition inside one of them) are counted as losing, so every "
                                    f"figure is bounded to depth {depth}, not exact"}
    if not decided.winners:
        out["why"] = ("no coalition can force it, not even everyone together" if decided.everyone.status == REFUTED else
                      f"no forcing sequence of at most {depth} steps was found, even for everyone together")
    return out


def analyse_procedure(model: m.Model, goal: m.Goal, options: Options = Options(), by: str = "person",
                      progress=None, then: Options | None = None, keep: dict | None = None,
                      bloc: Bloc | None = None) -> dict:
    """The procedural analysis of one outcome (see the module docstring), or :class:`Unsupported`;
    ``then`` as for :func:`decide_game`.  ``keep``: also given the game (its classes merged), its
    minimal winning profiles and, per profile, the check behind it ("game", "winning", "checks"),
    for a power property's witness (:mod:`govspec.power_properties`); ``bloc`` as for :func:`decide_game`."""
    decided = decide_game(model, goal, options, by, progress, then=then, bloc=bloc)
    game = original = decided.game
    results = decided.results
    out = _outcome_head(model, goal, decided, by, bloc)
    if "why" in out:
        return out
    if (0,) * len(game.classes) in game.winning:
        return out | {"why": NOBODY_NEEDED}
    game, groups = merged(game)
    game = TableGame(tuple(replace(c, label=_label([model.person(n) for n in c.names()]))
                           if len(g) > 1 and by != "principal" and all(n in model.people_by_name() for n in c.names())
                           else c for c, g in zip(game.classes, groups)),
                     game.winning)
    analysis = analyse_table(game)
    place = {n: i for i, (n, _, _) in enumerate(_players(model, by, bloc))}
    word = "bounded" if "bounded" in out else "exact"  # (a bounded game's fractions are not the rules')
    rows = sorted(player_rows(analysis, word), key=lambda r: place[r["name"]])  # (in the order of the spec)
    found_winning = minimal_of_table(game, False, LISTED)
    if keep is not None:
        keep.update(game=game, winning=found_winning,
                    checks=[results[spread_profile(original, groups, p)] for p in found_winning.profiles])
    winning = coalition_data(game, found_winning)
    for entry, profile in zip(winning["profiles"], found_winning.profiles):
        r = results[spread_profile(original, groups, profile)]
        entry["witness"] = {"coalition": list(r.coalition or ()), "summary": r.summary,
                            "steps": [s.as_dict() for s in r.trace],
                            "lines": scenario_lines(r.trace, forcing=True)}
    out |= {"players": rows, "winning_coalitions": analysis.winning, "all_coalitions": 2 ** game.players,
            "dummies": [r["name"] for r in rows if r["dummy"]], "vetoes": [r["name"] for r in rows if r["veto"]],
            "minimal_winning": winning,
            "minimal_blocking": coalition_data(game, minimal_of_table(game, True, LISTED))}
    if by == "tag":
        out["tags"] = by_tag(model, rows, word)
    return out


NOBODY_NEEDED = ("nobody is needed: the empty coalition forces it, so no vote changes the outcome and the shares "
                 "and Coleman's power to initiate are undefined (0 / 0)")


def sample_procedure(model: m.Model, goal: m.Goal, samples: int, why: str, options: Options = Options(),
                     by: str = "person", progress=None, bloc: Bloc | None = None) -> dict:
    """An outcome too large for the exact procedural analysis (``why``: the reason), its raw Banzhaf
    indices estimated from ``samples`` coalitions drawn at random (seeded: the same figures each
    run; :func:`govspec.power.games.sample_profiles`) and its Shapley-Shubik indices from
    ``samples`` random orders (:func:`_sample_orders`; left out with the reason when they need more
    checks than are left or a check they ask is not decided), each with its 95% interval (that of
    :class:`~govspec.power.games.Sampled`, and Clopper-Pearson's for the pivots of the orders); or
    :class:`Unsupported`.  Each draw, and each draw with one member more or less of a class, is
    decided as :func:`decide_game` decides a coalition (the same check of ``can force``, the same
    inference by monotonicity, one decision per coalition up to interchangeable members), at most
    :data:`MAX_SAMPLE_CHECKS` checks (then :class:`TooLarge`).  The whole of everyone and the empty
    coalition are asked first: when everyone cannot force it, or nobody is needed, that is the
    answer, as in :func:`analyse_procedure`.  A bounded check counts its coalition as losing and
    labels the outcome bounded; an UNKNOWN one leaves it undecided (:func:`_undecided`).  ``bloc`` as
    for :func:`decide_game`; with ``by`` tag, the figures per tag too (:func:`~govspec.power.report.sampled_tags`)."""
    decided = _setup(model, goal, by, bloc)
    classes = decided.game.classes
    checks = _Checks(model, goal, decided, options, None, progress, MAX_SAMPLE_CHECKS,
                     f"sampling {samples:,} coalitions (fewer: a smaller --sample N)")
    everyone = tuple(c.count for c in classes)
    decided.everyone, found, nobody = checks.ask(everyone), None, False
    if decided.everyone.status == PROVED:
        decided.winners.append(everyone)
        known: dict[tuple[int, ...], bool] = {}

        def wins(profile) -> bool:
            if profile not in known:
                known[profile] = checks.wins(profile)
            return known[profile]

        nobody = wins((0,) * len(classes))
        if not nobody:
            found = sample_profiles(decided.game, wins, samples)
            orders = _sample_orders(decided, checks, known, samples)
    out = _outcome_head(model, goal, decided, by, bloc)
    if "why" in out or nobody:
        return out | ({} if "why" in out else {"why": NOBODY_NEEDED})
    data = approximate_data(found, why, orders)
    place = {n: i for i, (n, _, _) in enumerate(_players(model, by, bloc))}
    data["approximate"]["players"].sort(key=lambda r: place[r["name"]])  # (in the order of the spec)
    if by == "tag":
        data["approximate"]["tags"] = sampled_tags(model, decided.game, place, orders, data["approximate"]["players"])
    return out | data


class _Undecided(Exception):
    """A check the random orders asked is neither PROVED nor REFUTED (:func:`_sample_orders`)."""


def _sample_orders(decided: Decided, checks: _Checks, known: dict, samples: int) -> SampledOrders | str:
    """The Shapley-Shubik estimates of a sampled procedural outcome from ``samples`` random orders,
    decided as the draws were (``known``: the draws' answers); or why not, with ``decided`` as the
    draws left it: the Banzhaf estimates, already made, rest on those checks alone.  Not when the
    orders need more checks than the cap leaves, nor when one they ask is bounded or UNKNOWN (it
    would bound, or leave undecided, figures the draws decided)."""
    results, winners, answers = dict(decided.results), list(decided.winners), dict(known)
    checks.what = f"sampling {samples:,} random orders as well (for the Shapley-Shubik indices)"

    def wins(profile) -> bool:
        if profile not in answers:
            answers[profile] = checks.wins(profile)
            r = decided.results.get(profile)
            if profile not in results and r is not None and r.status not in (PROVED, REFUTED):
                raise _Undecided(f"the verifier did not decide whether {describe(decided.game, profile)} can force "
                                 f"it ({r.word}: {r.reason or r.summary})")
        return answers[profile]

    try:
        return sample_orders_of(decided.game, wins, samples)
    except (TooLarge, _Undecided) as refused:
        decided.results.clear()
        decided.results.update(results)
        decided.winners[:] = winners
        reason = refused.reason if isinstance(refused, TooLarge) else str(refused)
        return f"{reason}; the Banzhaf estimates rest on the checks of the random coalitions alone"


def procedural_answers(model: m.Model, names: list[str], options: Options = Options(), by: str = "person",
                       progress=None, sample: int | None = None, bloc: Bloc | None = None) -> list[tuple[str, object]]:
    """For each outcome text of ``names``: ``("outcome", analysis)`` or ``("unsupported", reason)``;
    with ``sample``, an outcome too large for the exact analysis is sampled (:func:`sample_procedure`);
    ``bloc`` as for :func:`decide_game`."""
    goals = {g.text: g for g in outcomes(model)}
    answers = []
    for name in names:
        try:
            answers.append(("outcome", analyse_procedure(model, goals[name], options, by, progress, bloc=bloc)))
        except TooLarge as large:
            if not sample:
                answers.append(("unsupported", f"{large.reason}; approximate indices: --sample N"))
                continue
            try:
                answers.append(("outcome", sample_procedure(model, goals[name], sample, large.reason, options, by,
                                                            progress, bloc)))
            except Unsupported as refused:
                answers.append(("unsupported", f"{large.reason}; sampled: {refused.reason}"))
        except Unsupported as refused:
            answers.append(("unsupported", refused.reason))
    return answers


def with_procedural(report: dict, model: m.Model, options: Options = Options(), by: str = "person",
                    progress=None, only: str | None = None, sample: int | None = None, bloc: Bloc | None = None) -> dict:
    """The report of :func:`govspec.power.report.power_report` with each outcome outside the single
    vote analysed procedurally (and, for a timed procedure, its taking effect too), in the order
    of the procedures; with ``only``, that outcome alone (a procedure or ``P.executed``); ``sample``
    and ``bloc`` as for :func:`procedural_answers`."""
    order = [g.text for g in outcomes(model) if only is None or g.text == only or g.procedure == only]
    asked = [u["procedure"] for u in report["unsupported"] if u["procedure"] in order]
    asked += [g.text for g in outcomes(model) if g.phase == "execute" and g.procedure in
              [u["procedure"] for u in report["unsupported"]] and g.text in order]
    done = {o["outcome"] if "outcome" in o else o["procedure"]: o for o in report["outcomes"]}
    before = {u["procedure"]: u["reason"] for u in report["unsupported"]}
    refused = {}
    for name, (kind, found) in zip(asked, procedural_answers(model, asked, options, by, progress, sample, bloc)):
        if kind == "outcome":
            done[name] = found
        elif before.get(name, found) != found:  # (why the single vote is not analysed, then why this is not)
            refused[name] = f"{before[name]}; the procedural analysis: {found}"
        else:
            refused[name] = found
    return {**report, "outcomes": [done[n] for n in order if n in done],
            "unsupported": [{"procedure": n, "reason": refused[n]} for n in order if n in refused]}
