"""Simple games and their exact power indices, by generating functions over classes of members.

Assumes a game given as classes of interchangeable players (each class: how many members, one
non-negative integer weight per criterion) with a quota per criterion, and optionally a blocking
minority: a coalition wins when it reaches every quota, or when fewer than ``m`` players (counted
by the minority's criterion) stand outside it.  Such a game is monotone.  Guarantees: every number
is exact (integers and Fractions); members of a class are counted with binomials, never listed
(the Banzhaf indices alone, :func:`banzhaf_one_weight`, multiply by each member in turn).

The generating function counts coalitions by (size, sum of each criterion): ``F[size, s]`` is the
number of coalitions of that size and sums.  A player's swings are read off the generating function
of the others, obtained from ``F`` by dividing out ``(1 + y x^w)`` (exact integer deconvolution),
so the whole analysis costs one pass over the states per class.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from dataclasses import field
from functools import cached_property, lru_cache
from fractions import Fraction

from ..clock import check_time
from ..records import dataclass


@dataclass(frozen=True)
class PlayerClass:
    """``count`` interchangeable players, each with ``weights`` (one per criterion); ``members``
    names them when they are named (else ``label`` speaks for them, e.g. "elected")."""

    label: str
    count: int
    weights: tuple[int, ...]
    members: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return self.members or tuple(f"{self.label}[{i + 1}]" for i in range(self.count))


@dataclass(frozen=True)
class Game:
    """A multi-criteria weighted game: a coalition wins iff its sum of each criterion reaches that
    criterion's quota, or (``minority``: (criterion, m)) the players outside it total less than m."""

    classes: tuple[PlayerClass, ...]
    quotas: tuple[int, ...]
    minority: tuple[int, int] | None = None
    criteria: tuple[str, ...] = ()  # what each criterion counts, for the reader

    @property
    def players(self) -> int:
        return sum(c.count for c in self.classes)

    @property
    def single(self) -> bool:
        """A single weighted vote: one quota, no blocking minority."""
        return len(self.quotas) == 1 and self.minority is None

    def totals(self) -> tuple[int, ...]:
        """Each criterion's sum over every player."""
        return self._totals

    @cached_property
    def _totals(self) -> tuple[int, ...]:  # (:meth:`totals`, computed once: wins() reads it for every state)
        return tuple(sum(c.count * c.weights[j] for c in self.classes) for j in range(len(self.quotas)))

    def wins(self, sums) -> bool:
        """Does a coalition with these sums (one per criterion) win?"""
        if all(s >= q for s, q in zip(sums, self.quotas)):
            return True
        if self.minority is not None:
            j, m = self.minority
            return self._totals[j] - sums[j] < m
        return False

    def profiles(self) -> int:
        """How many coalitions differ by more than interchangeable members: a bound on the states of
        the generating function (it also has at most one state per size and sums)."""
        return math.prod(c.count + 1 for c in self.classes)

    def states(self) -> int:
        """A bound on the states of the generating function (what the analysis costs)."""
        return min(self.profiles(), (self.players + 1) * math.prod(t + 1 for t in self.totals()))

    def profile_sums(self, profile) -> tuple[int, ...]:
        """The sums of a coalition taking ``profile[c]`` members of each class c."""
        return tuple(sum(t * c.weights[j] for t, c in zip(profile, self.classes)) for j in range(len(self.quotas)))


def weighted(weights, quota: int, names=None) -> Game:
    """The weighted game [quota; weights], players of equal weight grouped in one class."""
    return multi_weighted([(weights, quota)], names=names)


def multi_weighted(criteria, names=None, minority: tuple[int, int] | None = None) -> Game:
    """A game from ``criteria``: a list of (weights per player, quota); players with the same
    weight vector form one class (named players keep their names)."""
    vectors = list(zip(*(tuple(w) for w, _ in criteria)))
    names = list(names) if names is not None else [f"p{i + 1}" for i in range(len(vectors))]
    grouped: dict[tuple[int, ...], list[str]] = {}
    for name, vector in zip(names, vectors):
        if any(x < 0 for x in vector):
            raise ValueError(f"negative weight for {name}")
        grouped.setdefault(tuple(int(x) for x in vector), []).append(name)
    classes = tuple(PlayerClass(members[0] if len(members) == 1 else "{" + ", ".join(members) + "}",
                                len(members), vector, tuple(members)) for vector, members in grouped.items())
    return Game(classes, tuple(int(q) for _, q in criteria), minority)


# ------------------------------------------------------------------ generating functions


def _generating(game: Game, sized: bool = True) -> dict[tuple[int, ...], int]:
    """(size, sums...) -> number of coalitions; without ``sized``, (sums...) -> number."""
    f = {(0,) * (sized + len(game.quotas)): 1}
    for c in game.classes:
        check_time()
        step = [(math.comb(c.count, t), ((t,) if sized else ()) + tuple(t * w for w in c.weights))
                for t in range(c.count + 1)]
        g: dict[tuple[int, ...], int] = {}
        for key, n in f.items():
            for ways, shift in step:
                k = tuple(a + b for a, b in zip(key, shift))
                g[k] = g.get(k, 0) + n * ways
        f = g
    return f


def _without_one(f: dict, c: PlayerClass, sized: bool = True) -> dict:
    """The generating function of the others, one member of class c left out: g with
    f = g * (1 + y x^w), solved for g in increasing (lexicographic) order of the keys (exact)."""
    shift = ((1,) if sized else ()) + c.weights
    if not any(shift):  # f = 2 g
        return {key: v // 2 for key, v in f.items()}
    g: dict[tuple[int, ...], int] = {}
    for key in sorted(f):
        value = f[key] - g.get(tuple(a - b for a, b in zip(key, shift)), 0)
        if value:
            g[key] = value
    return g


def _pivotal(game: Game, sums, c: PlayerClass) -> bool:
    """Does a member of c turn a coalition with these sums from losing to winning?"""
    return not game.wins(sums) and game.wins(tuple(a + w for a, w in zip(sums, c.weights)))


@dataclass(frozen=True)
class Indices:
    """The indices of one member of a class (every member of a class has the same)."""

    swings: int  # coalitions of the others that this member turns from losing to winning
    banzhaf: Fraction  # raw: swings / 2^(n-1)
    normalised: Fraction  # swings / total swings of all players
    shapley: Fraction
    prevent: Fraction  # Coleman: swings / winning coalitions
    initiate: Fraction  # Coleman: swings / losing coalitions


@dataclass(frozen=True)
class Analysis:
    game: Game
    per_class: tuple[Indices, ...]
    winning: int  # the number of winning coalitions
    vetoes: tuple[bool, ...]  # per class: is each member in every winning coalition?

    @property
    def dummies(self) -> tuple[bool, ...]:
        return tuple(ix.swings == 0 for ix in self.per_class)

    def by_player(self) -> list[tuple[str, PlayerClass, Indices]]:
        return [(name, c, ix) for c, ix in zip(self.game.classes, self.per_class) for name in c.names()]


def _pivots_sparse(game: Game) -> tuple[int, list[dict[int, int]]]:
    """The number of winning coalitions, and per class, by size, the coalitions of the others a
    member turns from losing to winning: over the generating function of every criterion."""
    f = _generating(game)
    winning = sum(v for key, v in f.items() if game.wins(key[1:]))
    per_class = []
    for c in game.classes:
        check_time()
        by_size: dict[int, int] = {}
        for key, count in _without_one(f, c).items():
            if _pivotal(game, key[1:], c):
                by_size[key[0]] = by_size.get(key[0], 0) + count
        per_class.append(by_size)
    return winning, per_class


def _one_weight(game: Game) -> int | None:
    """The one criterion that is not a head count (every weight 1), -1 if all are, None if several."""
    weighted_criteria = [j for j in range(len(game.quotas)) if any(c.weights[j] != 1 for c in game.classes)]
    return -1 if not weighted_criteria else weighted_criteria[0] if len(weighted_criteria) == 1 else None


def _top(game: Game, weight: int) -> int:
    return game.totals()[weight] if weight >= 0 else 0


def _pivots_dense(game: Game, weight: int) -> tuple[int, list[dict[int, int]]]:
    """:func:`_pivots_sparse` for a game whose criteria are head counts and at most one weight
    (``weight``, -1 for none): one dense row of weight sums per size.  For each size k the game is
    monotone in the weight sum s, so it wins from a threshold t(k) on, and a member of weight w
    swings the coalitions of the others of size k with t(k+1) - w <= s < t(k)."""
    n = game.players
    w_of = [c.weights[weight] if weight >= 0 else 0 for c in game.classes]
    top = _top(game, weight)
    heads = {j for j in range(len(game.quotas)) if j != weight}

    def wins(k: int, s: int) -> bool:
        return game.wins(tuple(k if j in heads else s for j in range(len(game.quotas))))

    thresholds = []
    for k in range(n + 1):
        low, high = 0, top + 1  # the least s in [0, top] that wins, top + 1 if none
        while low < high:
            mid = (low + high) // 2
            low, high = (low, mid) if wins(k, mid) else (mid + 1, high)
        thresholds.append(low)
    rows = [[0] * (top + 1) for _ in range(n + 1)]
    rows[0][0] = 1
    added = 0
    for c, w in zip(game.classes, w_of):
        for _ in range(c.count):
            check_time()
            for k in range(added, -1, -1):  # multiply by (1 + y x^w), in place from the largest size
                shifted = [0] * w + rows[k][:top + 1 - w]
                rows[k + 1] = [a + b for a, b in zip(rows[k + 1], shifted)]
            added += 1
    winning = sum(sum(row[t:]) for row, t in zip(rows, thresholds))
    per_class = []
    for w in w_of:
        check_time()
        by_size, previous = {}, [0] * (top + 1)
        for k in range(n):  # the others: rows divided by (1 + y x^w), size by size
            others = [a - b for a, b in zip(rows[k], [0] * w + previous[:top + 1 - w])]
            swings = sum(others[max(0, thresholds[k + 1] - w):thresholds[k]])
            if swings:
                by_size[k] = swings
            previous = others
        per_class.append(by_size)
    return winning, per_class


def _entries(game: Game) -> tuple[int | None, int]:
    """The table entries each exact path touches: the dense path's (None where it does not apply:
    several weighted criteria), which multiplies every row once per member, and the sparse path's,
    each state once per class."""
    weight = _one_weight(game)
    dense = None if weight is None else game.players * (game.players + 1) * (_top(game, weight) + 1)
    return dense, game.states() * max(1, len(game.classes))


def analysis_cost(game: Game) -> int:
    """The work of :func:`analyse`, in table entries: those of the path with fewer entries (the
    size limit of ``govspec power`` is on this).  :func:`analyse` takes the path estimated faster,
    which may be the dense one with more, cheaper entries (:data:`SPARSE_ENTRY_COST`)."""
    dense, sparse = _entries(game)
    return sparse if dense is None else min(dense, sparse)


# What an entry of the sparse path costs against one of the dense path: a sparse entry is a dict
# entry handled in Python (tuples of sums, the rules asked), a dense one an element of a list
# comprehension over rows.  ``python bench/power.py`` times both paths on the same games and
# records the cost per entry (``paths`` in bench/power_results.json, quoted in
# docs/performance.md); this is at most the least ratio recorded there (tests/test_bench.py), a
# cautious estimate: where the ratio is far larger the sparse path may be taken though slower.
# Used only to choose a path: both are exact and give the same table (tests/test_power.py).
SPARSE_ENTRY_COST = 16


def takes_dense(game: Game) -> bool:
    """Does :func:`analyse` take the dense path (the one estimated faster, by entries and their cost)?"""
    dense, sparse = _entries(game)
    return dense is not None and dense <= SPARSE_ENTRY_COST * sparse


def analyse(game: Game) -> Analysis:
    """Exact Banzhaf, Shapley-Shubik and Coleman indices of every class (see the module docstring)."""
    winning, pivots = _pivots_dense(game, _one_weight(game)) if takes_dense(game) else _pivots_sparse(game)
    return _indices(game, winning, pivots, _vetoes(game, winning))


def _vetoes(game: Game, winning: int) -> list[bool]:
    """Per class: is each member in every winning coalition (everyone else together loses)?"""
    return [winning > 0 and not game.wins(tuple(t - w for t, w in zip(game.totals(), c.weights)))
            for c in game.classes]


def _shares(game: Game, swings, winning: int) -> list[dict[str, Fraction]]:
    """Per class, from a member's swings and the winning coalitions: raw and normalised Banzhaf,
    Coleman's power to prevent and to initiate."""
    n = game.players
    total, losing = sum(s * c.count for s, c in zip(swings, game.classes)), 2 ** n - winning
    return [{"banzhaf": Fraction(s, 2 ** (n - 1)), "normalised": Fraction(s, total) if total else Fraction(0),
             "prevent": Fraction(s, winning) if winning else Fraction(0),
             "initiate": Fraction(s, losing) if losing else Fraction(0)} for s in swings]


def _indices(game, winning: int, pivots: list[dict[int, int]], vetoes: list[bool]) -> Analysis:
    """The indices of every class from the number of winning coalitions and, per class, by size,
    the coalitions of the others a member turns from losing to winning."""
    n = game.players
    swings, shapley = [], []
    for c, by_size in zip(game.classes, pivots):
        swings.append(sum(by_size.values()))
        shapley.append(sum((Fraction(count * math.factorial(size) * math.factorial(n - 1 - size), math.factorial(n))
                            for size, count in by_size.items()), Fraction(0)))
    per_class = tuple(Indices(s, shapley=sh, **ix) for s, sh, ix in zip(swings, shapley, _shares(game, swings, winning)))
    return Analysis(game, per_class, winning, tuple(vetoes))


def banzhaf_swings(game: Game) -> list[int]:
    """The swings of a member of each class, counting coalitions by sums only (Banzhaf needs no
    sizes): the cheaper analysis for large single votes."""
    if game.single:
        return banzhaf_one_weight(game)[0]
    f = _generating(game, sized=False)
    out = []
    for c in game.classes:
        check_time()
        out.append(sum(v for key, v in _without_one(f, c, sized=False).items() if _pivotal(game, key, c)))
    return out


def _packed(game: Game) -> tuple[list[int], int, int]:
    """The members of weights 1 to q - 1, smallest first; the bits of one packed coefficient; and
    the sums counted: those below q that these members can make, 0 to min(q, their total + 1) - 1."""
    (q,) = game.quotas
    ws = sorted(w for c in game.classes for w in [c.weights[0]] * c.count if 0 < w < q)
    width = 8 * (len(ws) // 8 + 1)  # (whole bytes, at least len(ws) + 1 bits: a count below 2^len(ws) fits)
    return ws, width, max(0, min(q, sum(ws) + 1))


BANZHAF_WORK = 50_000_000_000  # bit operations of banzhaf_one_weight that govspec power spends (about 3 s: bench/power.py)
BANZHAF_SUMS = 2_000_000  # weight sums below the quota that it reads one by one, at most (a Python loop over them)


def banzhaf_work(game: Game) -> int | None:
    """What :func:`banzhaf_one_weight` costs a single weighted vote, in bit operations (members times
    sums below the quota times the bits of a count), or None for a game it does not take (several
    criteria, a blocking minority); past ``BANZHAF_SUMS`` sums, past any limit (a cost of 2^62)."""
    if not game.single:
        return None
    ws, width, span = _packed(game)
    return 2 ** 62 if span > BANZHAF_SUMS else len(ws) * span * width


def banzhaf_sums(game: Game) -> int:
    """The weight sums :func:`banzhaf_one_weight` counts coalitions at (:func:`_packed`)."""
    return _packed(game)[2]


def banzhaf_one_weight(game: Game) -> tuple[list[int], int]:
    """The exact swings of a member of each class of a single weighted vote [q; w], and the number
    of losing coalitions: the coalitions by weight sum below q only (f), and its prefix sums P.  The
    others of a member of weight w have g = f / (1 + x^w), g[s] = sum_j (-1)^j f[s - jw], so the
    member's swings, the others' coalitions with q - w <= s < q, are the alternating sum over blocks
    of width w down from q - 1: sum_j (-1)^j (P(q-1-jw) - P(q-1-(j+1)w)), q/w terms; the losing
    coalitions are P(q - 1).

    f is built packed in one integer, coefficient s in the ``width`` bits from bit s * width (a count
    of coalitions of the m members of weights 1 to q - 1 is below 2^m, so no coefficient carries into
    the next): multiplying by (1 + x^w) is one shift and one addition of that integer, done by the
    interpreter's own arithmetic, not one Python operation per sum (exact all the same).  Members of
    weight 0 double every count; those of weight q or more count nowhere below q."""
    (q,) = game.quotas
    if q <= 0:
        return [0] * len(game.classes), 0  # everyone wins, even alone: nobody swings
    ws, width, span = _packed(game)  # (no sum of them reaches past their total: span sums)
    zeros = sum(c.count for c in game.classes if c.weights[0] == 0)  # (each doubles every count: applied at the end)
    keep = (1 << (span * width)) - 1
    f = 1
    for w in ws:  # (the smallest first: the integer grows slowest)
        check_time()
        f = (f + (f << (w * width))) & keep
    packed = f.to_bytes(span * width // 8, "little")
    step = width // 8
    prefix, running = [], 0
    for at in range(0, len(packed), step):
        if at % (step << 16) == 0:
            check_time()
        running += int.from_bytes(packed[at:at + step], "little")
        prefix.append(running)

    def below(x: int) -> int:  # P(x): the coalitions of weight at most x (below q)
        return prefix[min(x, span - 1)] if x >= 0 else 0

    out = []
    for c in game.classes:
        check_time()
        (w,) = c.weights
        skip = max(0, (q - span - w) // w + 1) if w > 0 else 0  # (blocks wholly past every sum: each adds 0)
        swings, top, sign = 0, q - 1 - skip * w, -1 if skip % 2 else 1
        while w > 0 and top >= 0:
            swings += sign * (below(top) - below(top - w))
            top, sign = top - w, -sign
        out.append(swings << zeros)
    return out, below(q - 1) << zeros


def banzhaf_analysis(game: Game) -> "BanzhafOnly":
    """Exact Banzhaf and Coleman indices of a single weighted vote from :func:`banzhaf_one_weight`
    (no Shapley-Shubik index: that needs the coalitions' sizes too)."""
    swings, losing = banzhaf_one_weight(game)
    winning = 2 ** game.players - losing
    return BanzhafOnly(game, tuple(swings), winning, tuple(_vetoes(game, winning)))


@dataclass(frozen=True)
class BanzhafOnly:
    """The exact swings of a member of each class, the winning coalitions and the vetoes: the
    indices :func:`_indices` gives but Shapley-Shubik."""

    game: Game
    swings: tuple[int, ...]
    winning: int
    vetoes: tuple[bool, ...]

    def indices(self) -> list[dict[str, Fraction]]:
        """Per class: raw and normalised Banzhaf, Coleman's power to initiate and to prevent."""
        return _shares(self.game, self.swings, self.winning)


def fewest(game: Game, order=None) -> tuple[list[str], list[str]]:
    """The fewest players of a single weighted vote [q; w] who together win, and the fewest who
    together block (the others fall short of q), each as those players, heaviest first (``order``:
    a key that breaks ties of weight; default, the order of the classes).  Exact: no coalition of k
    players weighs more than the k heaviest, so the least k whose heaviest reach q (or pass the total
    less q, to block) is the fewest, and those k are a minimal coalition (no fewer win, or block).
    Assumes a game in which the whole wins and the empty coalition loses."""
    (q,) = game.quotas
    players = [(name, c.weights[0]) for c in game.classes for name in c.names()]
    if order is not None:
        players.sort(key=lambda nw: order(nw[0]))
    players.sort(key=lambda nw: -nw[1])  # (stable: ties keep ``order``)
    total = game.totals()[0]
    sums = list(itertools.accumulate(w for _, w in players))
    win, block = bisect.bisect_left(sums, q), bisect.bisect_right(sums, total - q)
    return [name for name, _ in players[:win + 1]], [name for name, _ in players[:block + 1]]


def swing_example(game: Game, x: str) -> tuple[str, ...] | None:
    """A minimal winning coalition of a single weighted vote [q; w] in which player ``x`` swings
    (``x`` first, then the others in the order of the classes), or None when ``x`` swings nowhere.
    The others' weight sums below q that some coalition of them reaches are kept as the bits of an
    integer, one integer per member added (each from the last by one shift and one "or", as
    :func:`banzhaf_one_weight` counts), so a set of others weighing from q - w(x) to q - 1 is found
    by walking back through them; then each of its members whose weight the coalition can spare
    (still reaching q with ``x``) is left out, the lightest first: what remains is minimal, and
    ``x`` still swings in it (the others weigh less than q)."""
    (q,) = game.quotas
    weights = {name: c.weights[0] for c in game.classes for name in c.names()}
    if x not in weights or weights[x] == 0 or q <= 0:
        return None
    common = math.gcd(*weights.values())
    if common > 1:  # (every sum a multiple of it: [ceil(q / common); w / common] is the same game, in fewer bits)
        weights, q = {name: w // common for name, w in weights.items()}, -(-q // common)
    # (the heaviest first: walking back from the lightest leaves each out when it can, so few members are taken)
    others = sorted(((name, w) for name, w in weights.items() if name != x and 0 < w < q), key=lambda nw: -nw[1])
    below = (1 << min(q, sum(w for _, w in others) + 1)) - 1  # (no sum of them past their total: not q bits)
    reach = [1]  # (reach[k]: the sums below q of coalitions of the first k others)
    for _, w in others:
        check_time()
        reach.append((reach[-1] | (reach[-1] << w)) & below)
    low = max(0, q - weights[x])
    window = reach[-1] >> low
    if not window:
        return None
    total = low + (window & -window).bit_length() - 1  # (the least sum in the window some coalition reaches)
    chosen = []
    for k in range(len(others), 0, -1):  # (leave out member k when the first k - 1 reach the sum without it)
        if not reach[k - 1] >> total & 1:
            name, w = others[k - 1]
            chosen.append((name, w))
            total -= w
    spare = sum(w for _, w in chosen) + weights[x] - q
    kept = []
    for name, w in sorted(chosen, key=lambda nw: nw[1]):
        if w <= spare:
            spare -= w
        else:
            kept.append(name)
    order = {name: i for i, name in enumerate(weights)}
    return (x, *sorted(kept, key=order.__getitem__))


# ------------------------------------------------------------------ games given by a table


@dataclass(frozen=True)
class TableGame:
    """A monotone simple game given by which profiles (how many members of each class) win: the
    game of a procedure, decided coalition by coalition (:mod:`govspec.procedural`).  ``winning``
    holds every winning profile."""

    classes: tuple[PlayerClass, ...]
    winning: frozenset[tuple[int, ...]]

    @property
    def players(self) -> int:
        return sum(c.count for c in self.classes)

    def wins_profile(self, profile) -> bool:
        return tuple(profile) in self.winning


def profiles_of(classes) -> "itertools.product":
    """Every profile of ``classes`` (how many members of each), in lexicographic order."""
    return itertools.product(*(range(c.count + 1) for c in classes))


def analyse_table(game: TableGame) -> Analysis:
    """:func:`analyse` of a game given by a table: one pass over the profiles per class, each
    profile standing for the product of binomials of coalitions it counts."""
    winning = sum(_ways(game.classes, p) for p in game.winning)
    full = tuple(c.count for c in game.classes)
    pivots, vetoes = [], []
    for i, c in enumerate(game.classes):
        check_time()
        others = tuple(cl if j != i else PlayerClass(cl.label, cl.count - 1, cl.weights) for j, cl in enumerate(game.classes))
        by_size: dict[int, int] = {}
        for p in profiles_of(others):
            joined = p[:i] + (p[i] + 1,) + p[i + 1:]
            if not game.wins_profile(p) and game.wins_profile(joined):
                by_size[sum(p)] = by_size.get(sum(p), 0) + _ways(others, p)
        pivots.append(by_size)
        vetoes.append(winning > 0 and not game.wins_profile(full[:i] + (full[i] - 1,) + full[i + 1:]))
    return _indices(game, winning, pivots, vetoes)


def _ways(classes, profile) -> int:
    """How many coalitions a profile stands for."""
    return math.prod(math.comb(c.count, t) for c, t in zip(classes, profile))


def merged(game: TableGame) -> tuple[TableGame, list[list[int]]]:
    """The game with classes merged whose members the game itself cannot tell apart (for every
    coalition S of neither, S with one wins iff S with the other does), and per merged class the
    classes it merges.  A merged profile wins iff its members taken from the merged classes in
    order do (any other choice is the same by the symmetry)."""
    groups: list[list[int]] = []
    for i, c in enumerate(game.classes):
        for g in groups:
            if _alike(game, g[0], i):
                g.append(i)
                break
        else:
            groups.append([i])
    classes = tuple(_joined([game.classes[i] for i in g]) for g in groups)
    winning = frozenset(p for p in profiles_of(classes) if game.wins_profile(spread_profile(game, groups, p)))
    return TableGame(classes, winning), groups


def spread_profile(game: TableGame, groups: list[list[int]], profile) -> tuple[int, ...]:
    """A merged profile as a profile of the classes before merging (members taken in order)."""
    out = [0] * sum(len(g) for g in groups)
    for g, t in zip(groups, profile):
        for i in g:
            out[i] = min(t, game.classes[i].count)
            t -= out[i]
    return tuple(out)


def _alike(game: TableGame, i: int, j: int) -> bool:
    """Are a member of class i and one of class j interchangeable in the game?"""
    room = tuple(c.count - (k in (i, j)) for k, c in enumerate(game.classes))
    for p in itertools.product(*(range(r + 1) for r in room)):
        check_time()
        with_i = p[:i] + (p[i] + 1,) + p[i + 1:]
        with_j = p[:j] + (p[j] + 1,) + p[j + 1:]
        if game.wins_profile(with_i) != game.wins_profile(with_j):
            return False
    return True


def _joined(classes: list[PlayerClass]) -> PlayerClass:
    if len(classes) == 1:
        return classes[0]
    names = tuple(n for c in classes for n in c.names())
    return PlayerClass("{" + ", ".join(names) + "}", len(names), (), names)


def minimal_of_table(game: TableGame, blocking: bool, limit: int = 1000) -> Minimal:
    """The minimal winning (or blocking: the others lose) profiles of a game given by a table."""
    full = tuple(c.count for c in game.classes)
    if blocking:
        return _minimal(game, lambda p: not game.wins_profile(tuple(a - b for a, b in zip(full, p))), limit)
    return _minimal(game, game.wins_profile, limit)


# ------------------------------------------------------------------ minimal coalitions


@dataclass
class Minimal:
    """Minimal coalitions as profiles (how many of each class); ``complete`` False when the
    enumeration stopped at its limit (then more exist than are listed)."""

    profiles: list[tuple[int, ...]] = field(default_factory=list)
    complete: bool = True

    def coalitions(self, game: Game) -> int:
        """How many coalitions the profiles listed stand for."""
        return sum(math.prod(math.comb(c.count, t) for c, t in zip(game.classes, p)) for p in self.profiles)


def _minimal(game: Game, good, limit: int) -> Minimal:
    """The minimal profiles for which the monotone ``good(profile)`` holds, by depth-first search
    over classes (most members first), pruned when even every remaining member cannot make it good."""
    k = len(game.classes)
    found = Minimal()

    def minimal(profile) -> bool:
        return all(profile[i] == 0 or not good(profile[:i] + (profile[i] - 1,) + profile[i + 1:]) for i in range(k))

    def visit(prefix: tuple[int, ...]) -> bool:
        check_time()
        i = len(prefix)
        if good(prefix + (0,) * (k - i)):
            full = prefix + (0,) * (k - i)
            if minimal(full):
                if len(found.profiles) >= limit:
                    found.complete = False
                    return False
                found.profiles.append(full)
            return True
        if i == k or not good(prefix + tuple(c.count for c in game.classes[i:])):
            return True
        for t in range(game.classes[i].count, -1, -1):
            if not visit(prefix + (t,)):
                return False
        return True

    visit(())
    return found


def minimal_winning(game: Game, limit: int = 1000) -> Minimal:
    return _minimal(game, lambda p: game.wins(game.profile_sums(p)), limit)


def minimal_blocking(game: Game, limit: int = 1000) -> Minimal:
    """Coalitions whose members, all voting against, leave the rest unable to win."""
    full = tuple(c.count for c in game.classes)
    return _minimal(game, lambda p: not game.wins(game.profile_sums(tuple(a - b for a, b in zip(full, p)))), limit)


def describe(game: Game, profile) -> str:
    """A profile in words: "any 4 of the 8 elected, with both of {a, b}" ."""
    parts = []
    for c, t in zip(game.classes, profile):
        if t == 0:
            continue
        if c.count == 1:
            parts.append(c.label)
        elif t == c.count:
            parts.append(f"{'both' if t == 2 else 'all ' + str(t)} of {c.label}")
        else:
            parts.append(f"any {t} of {c.label}")
    return ", ".join(parts) if parts else "nobody"


# ------------------------------------------------------------------ sampling, beyond exact reach


@dataclass(frozen=True)
class Sampled:
    """Banzhaf indices estimated from ``samples`` random coalitions (each player in or out with even
    odds): per class, the swings seen (``swings``, over every member and sample) and each member's
    estimate with an interval at ``confidence`` that holds with at least that confidence, per player,
    not simultaneous (:func:`_interval_of`)."""

    game: Game  # (or any game with ``classes``: :func:`sample_profiles` samples a TableGame's)
    samples: int
    confidence: float
    swings: tuple[int, ...]
    prevents: tuple[int, ...]  # (per class, of the swings: those of members taken in a draw that won)
    winning: int  # (the draws that won)

    def estimate(self, i: int) -> tuple[Fraction, float, float]:
        """(estimate, low, high) of the raw Banzhaf index of a member of class i."""
        count = self.game.classes[i].count
        # (the members of a class share samples: the interval counts the samples, not members x samples)
        return _interval_of(self.swings[i], count, self.samples, self.confidence)

    def estimate_coleman(self, i: int, prevent: bool) -> tuple[Fraction, float, float] | None:
        """(estimate, low, high) of Coleman's power of a member of class i to prevent action (among
        the draws that won, the share in which the member is taken and the draw loses without them)
        or to initiate it (among the draws that lost, the share in which the member is left out and
        the draw wins with them); None when no draw won (prevent) or lost (initiate).  Given how
        many won, those draws are independent and each as likely as any winning coalition (or
        losing), so each is a trial of the index, with an interval as :meth:`estimate`'s."""
        draws = self.winning if prevent else self.samples - self.winning
        if not draws:
            return None
        seen = self.prevents[i] if prevent else self.swings[i] - self.prevents[i]
        return _interval_of(seen, self.game.classes[i].count, draws, self.confidence)


def _interval_of(seen: int, count: int, runs: int, confidence: float) -> tuple[Fraction, float, float]:
    """(estimate, low, high) of the index of a member of a class of ``count`` whose members were seen
    to swing ``seen`` times in all over ``runs`` draws.  A player alone in its class was seen in
    ``seen`` of ``runs`` independent trials: Clopper and Pearson's interval (:func:`_binomial_interval`).
    A class's members share each draw, and a draw counts the share of them that swing, a value
    between 0 and 1: Chernoff's interval of such means (:func:`_chernoff_interval`).  Each holds with
    at least ``confidence``."""
    p = Fraction(seen, count * runs)
    if count == 1:
        return p, *_binomial_interval(seen, runs, confidence)
    return p, *_chernoff_interval(float(p), runs, confidence)


@lru_cache(maxsize=1 << 16)  # (players of one count share a rate: a 10,000-holder sample has dozens)
def _chernoff_interval(rate: float, runs: int, confidence: float) -> tuple[float, float]:
    """A two-sided interval at ``confidence`` for the mean of ``runs`` independent values between 0
    and 1 whose mean was seen to be ``rate``: the chances q with runs x KL(rate, q) at most
    ln(2 / (1 - confidence)), the Chernoff bound on each tail at half the risk (:func:`_kl_end`).
    It holds with at least that confidence, for trials (a binomial count) and for any values
    between 0 and 1 alike (Hoeffding, 1963, theorem 1): no normal approximation, which near 0, where
    the indices of small players lie, covers less often than it says."""
    risk = _half_risk(confidence)
    return _kl_end(rate, runs, risk, upward=False), _kl_end(rate, runs, risk, upward=True)


_U = 2.0 ** -53  # the unit roundoff of a double (for the binomial tails' error bounds)


@lru_cache(maxsize=1 << 16)
def _binomial_interval(seen: int, runs: int, confidence: float) -> tuple[float, float]:
    """Clopper and Pearson's two-sided interval at ``confidence`` for the chance of an event seen in
    ``seen`` of ``runs`` independent trials: the chances p at which neither tail beyond ``seen`` (``seen``
    or fewer, ``seen`` or more) is below half the risk.  It inverts the binomial's own tails, where
    :func:`_chernoff_interval` inverts a bound on them: it holds with at least that confidence too, and
    is 1.18 to 1.38 times narrower away from 0.  Only for whole trials (a count of successes), not for
    the average of a class's members.  Each end is taken on the far side of a tail computed in floats
    with a bound on its error (:func:`_binomial_tail`), assuming, as :mod:`.certified` does, a math
    library accurate to within 16 units in the last place."""
    risk = _half_risk(confidence)
    return _cp_end(seen, runs, risk, upward=False), _cp_end(seen, runs, risk, upward=True)


def _half_risk(confidence: float) -> float:
    """(1 - confidence) / 2, for a confidence given as a float (0.95 is a hair below 95%, so its
    risk a hair above 5%), taken just below the risk of the decimal it stands for: a float is
    within u of that decimal, so its risk within 2 u / (1 - confidence) of itself, relatively."""
    return (1 - confidence) / 2 * (1 - 4 * _U / (1 - confidence))


def _cp_end(seen: int, runs: int, risk: float, upward: bool) -> float:
    """One end of :func:`_binomial_interval`: the largest p (``upward``; else the smallest) at which the
    chance of ``seen`` or fewer (or more) successes is at least ``risk``, found by halving; a p is put
    outside only when its tail, with its error bound, is certainly below ``risk``."""
    if upward and seen >= runs or not upward and seen <= 0:
        return 1.0 if upward else 0.0
    inside, outside = seen / runs, (1.0 if upward else 0.0)  # (a median of the binomial at seen / runs is seen)
    while True:
        mid = (inside + outside) / 2
        if not min(inside, outside) < mid < max(inside, outside):
            return outside
        tail, error = _binomial_tail(seen, runs, mid, fewer=upward)
        if tail * (1 + error) < risk:
            outside = mid
        else:
            inside = mid


def _binomial_tail(k: int, n: int, p: float, fewer: bool) -> tuple[float, float]:
    """P(X <= k) (``fewer``; else P(X >= k)) for X binomial of n trials of chance p (0 < p < 1), as
    (value, error) with value x (1 + error) at least the tail: an upper bound, which is all
    :func:`_cp_end` uses (a value below 1e-280 may be far above the tail).  Where the terms fall from k outward (k past the mode on the tail's
    side) the tail is summed from k; else it is 1 less the other tail (summed so), which is then at
    least a half (k lies beyond a median)."""
    mode = (n + 1) * p
    if (k <= mode) if fewer else (k >= mode):
        return _tail_sum(k, n, p, -1 if fewer else 1)
    other, error = _tail_sum(k + 1 if fewer else k - 1, n, p, 1 if fewer else -1)
    return max(0.0, 1.0 - other), (other * error + 4 * _U) / max(1.0 - other, 0.5)


def _tail_sum(k: int, n: int, p: float, direction: int) -> tuple[float, float]:
    """The sum of P(X = j) for j from k by ``direction`` (-1: down to 0; 1: up to n), where the terms
    fall from k on, and a bound on its relative error (as :func:`_binomial_tail` gives them).  The first
    term is exp of a sum of lgammas and logs: each part within 33 u of itself (a math function within
    16 units in the last place, and a product), their sum within u, and exp within 32 u more; each
    next term is the last times a ratio (j / (n - j + 1) / odds downward, its kind upward: within 5 u,
    and the sum's rounding u); once a term is below 1e-17 of the sum the ratios, which fall from k
    on, bound the rest by it over 1 - its ratio, which is added."""
    if k < 0 or k > n:
        return 0.0, 0.0
    parts = (math.lgamma(n + 1), -math.lgamma(k + 1), -math.lgamma(n - k + 1), k * math.log(p),
             (n - k) * math.log1p(-p))
    log_term = math.fsum(parts)
    error = 40 * _U * (sum(abs(x) for x in parts) + 1)  # (with e^x - 1 <= 1.01 x for such small x)
    if log_term < -700:  # (the first term, the largest, is below 1e-304: the tail is below n + 1 times that)
        return (n + 1) * 1e-304, 0.0
    odds = p / (1 - p)
    term, total, j, steps = math.exp(log_term), 0.0, k, 0
    while True:
        total += term
        ratio = (j / ((n - j + 1) * odds)) if direction < 0 else ((n - j) * odds / (j + 1))
        j += direction
        if j < 0 or j > n:
            break
        term *= ratio
        steps += 1
        if term <= total * 1e-17 and ratio < 1:  # (the ratios fall from here: the rest is below term / (1 - ratio))
            rest = term / (1 - ratio)
            total += rest * (1 + 4 * _U)
            error += 2 * rest / total
            break
    return total, error + 8 * (steps + 2) * _U


def _kl_end(rate: float, runs: int, risk: float, upward: bool) -> float:
    """One end of :func:`_chernoff_interval`, failing with probability at most ``risk``: the largest
    q (``upward``; else the smallest) with runs x KL(rate, q) at most ln(1 / risk), found by halving,
    then moved out by a millionth of a millionth to cover the rounding of the divergence."""
    limit = math.log(1 / risk) / runs
    if upward and rate >= 1 or not upward and rate <= 0:
        return 1.0 if upward else 0.0
    if upward and rate <= 0:  # (KL(0, q) = -ln(1 - q))
        return min(1.0, -math.expm1(-limit) * (1 + 1e-12))
    if not upward and rate >= 1:  # (KL(1, q) = -ln q)
        return math.exp(-limit) * (1 - 1e-12)

    def divergence(q: float) -> float:  # (log1p: 1 - q, near 1, is not formed)
        ratio, x = rate / q, (q - rate) / (1 - q)
        # (two logs where the ratio overflows, at a q below rate / 1.8e308, or where x rounds to -1 at a
        # rate a hair below 1: each is then far beyond the limit, where their rounding cannot matter)
        up = math.log(ratio) if ratio < math.inf else math.log(rate) - math.log(q)
        return rate * up + (1 - rate) * (math.log1p(x) if x > -1 else math.log1p(-rate) - math.log1p(-q))

    inside, outside = rate, (1.0 if upward else 0.0)  # (KL(rate, q) grows as q leaves rate either way)
    while True:
        mid = (inside + outside) / 2
        if not min(inside, outside) < mid < max(inside, outside):
            return min(1.0, outside * (1 + 1e-12)) if upward else max(0.0, outside * (1 - 1e-12))
        if divergence(mid) > limit:
            outside = mid
        else:
            inside = mid


def _draw(rng: random.Random, classes) -> list[int]:
    """One coalition at random, each player in or out with even odds: how many of each class it takes."""
    return [rng.getrandbits(c.count).bit_count() if c.count else 0 for c in classes]


def sample_banzhaf(game: Game, samples: int, confidence: float = 0.95, seed: int = 0) -> Sampled:
    """:class:`Sampled` by drawing ``samples`` coalitions (a seeded generator: the same figures each
    run).  Each draw counts, for every player, whether the player swings against the others drawn
    (in the coalition: it wins and loses without the player; out: it loses and wins with them)."""
    rng = random.Random(seed)
    swings, prevents, winning = [0] * len(game.classes), [0] * len(game.classes), 0
    single = game.single
    for _ in range(samples):
        check_time()
        taken = _draw(rng, game.classes)
        sums = game.profile_sums(taken)
        won = game.wins(sums)
        winning += won
        for i, (c, t) in enumerate(zip(game.classes, taken)):
            if single:
                (s,), (q,), (w,) = sums, game.quotas, c.weights
                inside, outside = won and s - w < q, not won and s + w >= q
            else:
                inside = won and not game.wins(tuple(a - b for a, b in zip(sums, c.weights)))
                outside = not won and game.wins(tuple(a + b for a, b in zip(sums, c.weights)))
            swings[i] += t * inside + (c.count - t) * outside
            prevents[i] += t * inside
    return Sampled(game, samples, confidence, tuple(swings), tuple(prevents), winning)


def sample_profiles(game, wins, samples: int, confidence: float = 0.95, seed: int = 0) -> Sampled:
    """:class:`Sampled` for a game given by ``wins(profile)`` (a monotone game over ``game.classes``,
    e.g. a :class:`TableGame` still being decided), drawn as :func:`sample_banzhaf` draws: a member of
    class i taken swings when the draw wins and loses without one of class i; one left out, when the
    draw loses and wins with one more of class i.  ``wins`` is asked of each draw and its
    neighbours (the caller caches its answers: draws repeat)."""
    rng = random.Random(seed)
    swings, prevents, winning = [0] * len(game.classes), [0] * len(game.classes), 0
    for _ in range(samples):
        check_time()
        taken = tuple(_draw(rng, game.classes))
        won = wins(taken)
        winning += won
        for i, (c, t) in enumerate(zip(game.classes, taken)):
            if won and t:
                critical = t * (not wins(taken[:i] + (t - 1,) + taken[i + 1:]))
                swings[i] += critical
                prevents[i] += critical
            elif not won and t < c.count:
                swings[i] += (c.count - t) * wins(taken[:i] + (t + 1,) + taken[i + 1:])
    return Sampled(game, samples, confidence, tuple(swings), tuple(prevents), winning)


@dataclass(frozen=True)
class SampledOrders:
    """Shapley-Shubik indices estimated from ``orders`` random orders of the players (each order as
    likely as any other) by counting pivots: per class, the orders in which a member of the class is
    pivotal (``pivots``: the player whose arrival first makes the coalition win).  In each order
    exactly one player is pivotal, so the orders with a pivot in class i are Bernoulli trials of
    probability ``count x`` the index of one member: their Clopper-Pearson interval at ``confidence``
    (:func:`_binomial_interval`), divided by the count, holds each member's index with at least that
    confidence (per player, not simultaneous).
    What the procedural analysis draws (:func:`sample_orders_of`): each order asks its game a few
    questions; a weighted vote is estimated far more closely by :class:`InsertedOrders`."""

    game: object  # (a Game, or any game with ``classes``: :func:`sample_orders_of`)
    orders: int
    confidence: float
    pivots: tuple[int, ...]
    groups: tuple[tuple[int, ...], ...] = ()  # (per group, how many members of each class: e.g. a tag's)
    interval = "clopper-pearson"  # (the interval, as JSON names it: the power report's "interval", "shapley_interval")

    def estimate(self, i: int) -> tuple[Fraction, float, float]:
        """(estimate, low, high) of the Shapley-Shubik index of a member of class i."""
        count = self.game.classes[i].count
        share = Fraction(self.pivots[i], self.orders)
        low, high = _binomial_interval(self.pivots[i], self.orders, self.confidence)
        if count > 1:  # (the division rounds: each end moved out by one unit in the last place, not a hair inside)
            low, high = math.nextafter(low / count, 0.0), math.nextafter(high / count, 1.0)
        return share / count, low, high

    def estimate_group(self, g: int) -> tuple[Fraction, float, float]:
        """(estimate, low, high) of the sum of the Shapley-Shubik indices of the players of group g:
        each order's share of the group is k / count when the pivot is in a class of which it takes
        k of count members, so the estimate is its members' estimates added up.  A group of whole
        classes (a tag's: people with different tags are never interchangeable) has shares of 0 or 1,
        Bernoulli trials, as a class's pivots are: their Clopper-Pearson interval.  A share of part
        of a class lies between 0 and 1: the Chernoff interval of such shares, which holds for any
        shares between 0 and 1, though it is wider than its members' would be."""
        taken = [(k, pivots, c) for k, pivots, c in zip(self.groups[g], self.pivots, self.game.classes) if k]
        share = sum((Fraction(k * pivots, c.count) for k, pivots, c in taken), Fraction(0)) / self.orders
        if all(k == c.count for k, _, c in taken):
            return share, *_binomial_interval(sum(pivots for _, pivots, _ in taken), self.orders, self.confidence)
        return share, *_chernoff_interval(float(share), self.orders, self.confidence)


@dataclass(frozen=True)
class InsertedOrders:
    """Shapley-Shubik indices of a weighted game estimated from ``orders`` random orders by
    insertion: each order gives every player the share of the places among the others (before the
    first, between two, after the last) at which its arrival would be pivotal.  Each order's share is
    the exact probability that the player is pivotal given the order of the others, so its mean over
    orders is an unbiased estimate of the index, and far less variable than counting the one pivot
    of each order (a player whose weight covers a few places near the quota gets a share in nearly
    every order, not a pivot in one order of n).

    Per class: ``shares`` (how many orders gave the class each number of places, its members'
    added up; orders of none left out), ``most`` (the most places one member can count in one
    order: a bound from the weights, :func:`_most_places`) and ``caps`` (a cap on a class's places
    in one order, from the weights alone: :func:`_caps`).  The interval (:func:`_bernstein`) is the
    empirical Bernstein bound (Maurer and Pontil, 2009, theorem 4) on both sides, from shares
    independent from order to order, each between 0 and ``most / n``; where the cap is at most half
    that bound (:func:`_used`), the tighter of it and the same bound on the shares cut at the cap,
    plus a Chernoff bound on how often a share passes the cap.  It holds the index of each member with at least
    ``confidence`` (per player, not simultaneous; no normal approximation: a share seen as 0 in
    every order still gets an interval above 0 unless the bound says it is 0)."""

    game: Game
    orders: int
    confidence: float
    shares: tuple[dict[int, int], ...]
    most: tuple[int, ...]
    caps: tuple[int, ...]
    groups: tuple[tuple[int, ...], ...] = ()  # (per group, how many members of each class: e.g. a tag's)
    group_tallies: tuple[ShareSums, ...] = ()  # (per group, its shares, each a sum over classes of k x (unit / count) x places)
    interval = "empirical-bernstein"

    @property
    def places(self) -> tuple[int, ...]:
        """Per class, the places counted over every order and member."""
        return tuple(_added(counted) for counted in self.shares)

    @property
    def group_places(self) -> tuple[int, ...]:
        return tuple(t.total for t in self.group_tallies)

    @property
    def group_squares(self) -> tuple[int, ...]:
        return tuple(t.squares for t in self.group_tallies)

    def estimate(self, i: int) -> tuple[Fraction, float, float]:
        """(estimate, low, high) of the Shapley-Shubik index of a member of class i."""
        n, count = self.game.players, self.game.classes[i].count
        # (an order's share for one member is the places its class counted / (count x n); at most most / n)
        top = count * self.most[i]
        return _bernstein(ShareSums.of(self.shares[i], _used(self.caps[i], top)), self.orders, count * n, top,
                          self.confidence)

    def estimate_group(self, g: int) -> tuple[Fraction, float, float]:
        """(estimate, low, high) of the sum of the Shapley-Shubik indices of the players of group g:
        the estimate is its members' estimates added up (each order's share of a group taking k of
        a class's members is k / count of the class's places over n), the interval its own, from
        those shares; its high end at most 1 (a sum of indices is), unless the estimate is above."""
        unit, top, _ = _group_bounds(self.game, self.groups[g], self.most, self.caps)
        value, low, high = _bernstein(self.group_tallies[g], self.orders, unit * self.game.players, top, self.confidence)
        return value, low, min(high, max(1.0, _up(value)))


class ShareSums:
    """Integers drawn one per run (zeros may be left out: they add nothing), kept as the sums
    :func:`_bernstein` needs, in constant space: their ``total`` and the sum of their ``squares``,
    and the same of the integers cut at ``cap`` (``within``, ``within_squares``), with how many
    passed it (``passed``)."""

    __slots__ = ("cap", "total", "squares", "within", "within_squares", "passed")

    def __init__(self, cap: int):
        self.cap, self.total, self.squares, self.within, self.within_squares, self.passed = cap, 0, 0, 0, 0, 0

    __hash__ = None  # (it adds up: equal while the sums are)

    def __eq__(self, other) -> bool:
        return isinstance(other, ShareSums) and all(getattr(self, k) == getattr(other, k) for k in self.__slots__)

    def __repr__(self) -> str:
        return "ShareSums(" + ", ".join(f"{k}={getattr(self, k)}" for k in self.__slots__) + ")"

    def add(self, v: int, times: int = 1) -> None:
        cut = min(v, self.cap)
        self.total += v * times
        self.squares += v * v * times
        self.within += cut * times
        self.within_squares += cut * cut * times
        self.passed += times if v > self.cap else 0

    @classmethod
    def of(cls, counted: dict[int, int], cap: int) -> "ShareSums":
        """The tally of the integers ``counted`` (how many runs gave each)."""
        tally = cls(cap)
        for v, times in counted.items():
            tally.add(v, times)
        return tally


def _group_bounds(game: Game, taken, most, caps) -> tuple[int, int, int]:
    """A group's unit (:func:`_group_unit`), the bound on one order's share of it in that unit (its
    members' bounds added up) and the cap its interval cuts at (its members' caps added up, if at
    most half the bound: :func:`_used`)."""
    unit = _group_unit(game, taken)
    top = sum(k * m * unit for k, m in zip(taken, most))
    return unit, top, _used(sum(k * unit // c.count * cap for k, c, cap in zip(taken, game.classes, caps)), top)


def _added(counted: dict[int, int], power: int = 1) -> int:
    """The values counted (how many times each) added up, or their squares (``power`` 2)."""
    return sum(v ** power * times for v, times in counted.items())


def _up(x: Fraction) -> float:
    """The least float at least ``x`` (``float`` rounds to nearest, which may be below it)."""
    f = float(x)
    return math.nextafter(f, math.inf) if f < x else f


def _group_unit(game: Game, taken) -> int:
    """A common denominator of the shares k / count of a group taking ``taken[c]`` members of each class."""
    return math.lcm(*(c.count for c, k in zip(game.classes, taken) if k))


def _caps(game: Game, most: list[int]) -> list[int]:
    """Per class, a cap on the places its members count in one order, from the weights alone (never
    from the orders drawn, so that the interval cut at it holds): four times what a share of places
    in proportion to weight would be (the class's largest share of any criterion a pivotal arrival
    crosses, times its members and the n places), at least 1, and at most the bound ``most`` of
    each member times the members.  Used only when at most half that bound (:func:`_used`).  How
    well it is chosen changes only how narrow the interval is, never whether it holds."""
    n, totals = game.players, game.totals()
    crossed = list(range(len(game.quotas))) + ([game.minority[0]] if game.minority is not None else [])
    share = [max((Fraction(c.weights[j], totals[j]) for j in crossed if totals[j]), default=Fraction(1))
             for c in game.classes]
    return [min(c.count * m, max(1, math.ceil(4 * c.count * n * s))) for c, m, s in zip(game.classes, most, share)]


def _used(cap: int, top: int) -> int:
    """The cap an interval cuts at: ``cap`` when at most half the bound ``top``, else ``top`` (no
    cut): above half, cutting saves less than the split of the risk costs (:func:`_bernstein`)."""
    return cap if 2 * cap <= top else top


def _half(total: int, squares: int, runs: int, top: int, risk: float) -> float:
    """The empirical Bernstein bound on one side (Maurer and Pontil, 2009, theorem 4): how far the
    mean of ``runs`` independent integers between 0 and ``top`` (``total`` their sum, ``squares``
    the sum of their squares) may lie from their expectation, failing with probability at most
    ``risk``; the sample variance computed exactly."""
    variance = Fraction(squares * runs - total ** 2, runs * (runs - 1))
    log = math.log(2 / risk)
    return math.sqrt(2 * float(variance) * log / runs) + 7 * top * log / (3 * (runs - 1))


@lru_cache(maxsize=4096)
def _chernoff(seen: int, runs: int, risk: float) -> float:
    """An upper bound on the chance of an event seen in ``seen`` of ``runs`` independent trials,
    failing with probability at most ``risk``: the largest p with runs x KL(seen / runs, p) at most
    ln(1 / risk) (the Chernoff bound on a binomial's lower tail; :func:`_kl_end`)."""
    return _kl_end(seen / runs, runs, risk, upward=True)


def _bernstein(tally: ShareSums, runs: int, unit: int, top: int, confidence: float) -> tuple[Fraction, float, float]:
    """The mean of ``runs`` independent shares, each an integer over ``unit`` between 0 and ``top``
    over ``unit`` (``tally``: their sums), and a two-sided interval at ``confidence``: the empirical
    Bernstein bound on each side at half the risk (:func:`_half`).  With a cap below ``top`` (the
    tally's, chosen before the runs), each side is the better of two bounds at a quarter of the risk
    each: the uncut one, and one on the integers cut at the cap (their mean is at most the mean, and
    at least it less ``top - cap`` times the chance of passing the cap: that chance bounded by
    :func:`_chernoff`, on the high side, at half that side's quarter, the cut mean's bound at the
    other half).  So a cap that does not help widens the interval by at most ln(8 / risk) /
    ln(4 / risk) (about 16% at 95%).  Rounded outward, and never cut below ``top`` by rounding (a
    share at its bound in every run has an index of exactly ``top``)."""
    if not 0 < confidence < 1:
        raise ValueError(f"a confidence is between 0 and 1, not {confidence}")
    total, cap = tally.total, tally.cap
    value, most = Fraction(total, runs * unit), _up(Fraction(top, unit))
    if runs < 2 or not top:
        return value, 0.0, most
    risk = 1 - confidence
    mean = total / runs
    if cap >= top:
        half = _half(total, tally.squares, runs, top, risk / 2)
        low, high = mean - half, mean + half
    else:
        within, squares = tally.within, tally.within_squares
        uncut = _half(total, tally.squares, runs, top, risk / 4)
        low = max(mean - uncut, within / runs - _half(within, squares, runs, cap, risk / 4))
        high = min(mean + uncut, within / runs + _half(within, squares, runs, cap, risk / 8)
                   + (top - cap) * _chernoff(tally.passed, runs, risk / 8))
    return (value, max(0.0, math.nextafter(low / unit, -math.inf)),
            min(most, math.nextafter(high / unit, math.inf)))


def _pool(classes) -> list[int]:
    """Each player as the index of its class (an order of the players is an order of this list)."""
    return [i for i, c in enumerate(classes) for _ in range(c.count)]


def _least(low: int, high: int, holds) -> int:
    """The least k in [low, high) with ``holds(k)`` (monotone in k), or ``high`` if none: halving."""
    while low < high:
        mid = (low + high) // 2
        if holds(mid):
            high = mid
        else:
            low = mid + 1
    return low


def _most_places(game: Game) -> list[int]:
    """Per class, a bound on the places at which one member's arrival can be pivotal in one order of
    the others.  A pivotal arrival carries some threshold across (a quota, or the sum past which
    those outside are fewer than the blocking minority), so the others' running sum of that
    criterion lies within the member's weight below it: a window of ``w`` consecutive values, which
    a run of k + 1 places can only fit when the k lightest weights add up to less than ``w``."""
    n = game.players
    sums = []
    for j in range(len(game.quotas)):
        lightest = sorted(w for c in game.classes for w in [c.weights[j]] * c.count)
        sums.append([0, *itertools.accumulate(lightest)])
    crossed = list(range(len(game.quotas))) + ([game.minority[0]] if game.minority is not None else [])
    return [min(n, sum(bisect.bisect_right(sums[j], c.weights[j] - 1) for j in crossed)) for c in game.classes]


def _places_single(game: Game, pool: list[int]) -> list[int]:
    """For each player of an order (``pool``: class indices) of a single weighted vote, the places
    among the others at which its arrival would be pivotal: with the running sums F of the order,
    for the player at p of weight x the others' sums are F[j] up to j = p, then F[j + 1] - x; it is
    pivotal at j when that sum is short of the quota and reaches it with x.  With ``first`` the first
    running sum that wins (the pivot at first - 1): a player before the pivot is pivotal at the
    places after it whose sum F[j + 1] lies in [q, q + x); one after, at those up to it whose F[j]
    lies in [q - x, q): one bisection each, within the sums a weight of the vote can reach from the
    quota; the pivot itself, two."""
    (q,) = game.quotas
    weight = [c.weights[0] for c in game.classes]
    xs = [weight[i] for i in pool]
    f = [0, *itertools.accumulate(xs)]
    first, bisect_left = bisect.bisect_left(f, q), bisect.bisect_left
    heaviest = max(xs)
    high = min(len(f), bisect_left(f, q + heaviest, first) + 1)  # (no F[j + 1] in [q, q + x) lies past it)
    low = bisect_left(f, q - heaviest, 0, first)  # (nor any F[j] in [q - x, q) before it)
    out = [bisect_left(f, q + x, first, high) - first for x in xs[:first - 1]]
    p, x = first - 1, xs[first - 1]  # (the pivot: the others' sums before it are F[j], after it F[j + 1] - x)
    lose = bisect_left(f, q + x, p + 2) - 1
    win = bisect_left(f, q - x, 0, p + 1)
    out.append(max(0, lose - (win if win <= p else max(p + 1, first - 1))) if x else 0)
    out += [first - bisect_left(f, q - x, low, first) for x in xs[first:]]
    return out


def _places_any(game: Game, pool: list[int]) -> list[int]:
    """:func:`_places_single` for any :class:`Game` (several quotas, a blocking minority).  A
    coalition wins when its sum of each criterion reaches that criterion's quota, or its sum of the
    minority's criterion passes the total less the minority: each a threshold on one running sum, so
    the first place at which the others' sums win (with or without the player) is, per threshold, a
    bisection of that criterion's running sums, then the latest over the quotas or the minority's."""
    n, bisect_left = len(pool), bisect.bisect_left
    f = [[0, *itertools.accumulate(game.classes[i].weights[c] for i in pool)] for c in range(len(game.quotas))]
    quotas = list(enumerate(game.quotas))
    minority = None
    if game.minority is not None:
        j, m = game.minority
        minority = (j, game.totals()[j] - m + 1)  # (those outside fewer than m: the coalition's sum at least this)

    def without(c: int, t: int, p: int, x: int) -> int:
        """The first place j at which the others' sum of criterion c reaches t (n if none): F[j] up
        to the player at p, F[j + 1] - x after it."""
        s = f[c]
        return bisect_left(s, t, 0, p + 1) if s[p] >= t else bisect_left(s, t + x, p + 2) - 1

    def with_it(c: int, t: int, p: int, x: int) -> int:
        """The first place j at which the others' sum of criterion c and the player's x reach t."""
        s = f[c]
        return bisect_left(s, t - x, 0, p + 1) if s[p] + x >= t else bisect_left(s, t) - 1

    out = []
    for p, i in enumerate(pool):
        x = game.classes[i].weights
        lose = max(without(c, q, p, x[c]) for c, q in quotas)
        win = max(with_it(c, q, p, x[c]) for c, q in quotas)
        if minority is not None:
            c, t = minority
            lose, win = min(lose, without(c, t, p, x[c])), min(win, with_it(c, t, p, x[c]))
        out.append(max(0, lose - win))
    return out


def sample_shapley(game: Game, orders: int, confidence: float = 0.95, seed: int = 0,
                   groups: tuple[tuple[int, ...], ...] = ()) -> InsertedOrders:
    """:class:`InsertedOrders` of a game in which some coalition wins and the empty one loses, by
    drawing ``orders`` random orders (a seeded generator: the same figures each run).  Each order
    costs one pass adding up the weights in that order, then a few bisections per player (a single
    quota), or a few per criterion (:func:`_places_any`).  ``groups``: sets of players (how many
    members of each class, e.g. the members of a tag) whose indices are also estimated added up."""
    rng, pool = random.Random(seed), _pool(game.classes)
    most = _most_places(game)
    caps = _caps(game, most)
    shares: list[dict[int, int]] = [{} for _ in game.classes]
    bounds = [_group_bounds(game, taken, most, caps) for taken in groups]
    tallies = [ShareSums(cap) for _, _, cap in bounds]
    weights = [[(i, k * unit // c.count) for i, (k, c) in enumerate(zip(taken, game.classes)) if k]
               for taken, (unit, _, _) in zip(groups, bounds)]  # (each group's share of a class: k x unit / count, sparse)
    counted = _places_single if game.single else _places_any
    for _ in range(orders):
        check_time()
        rng.shuffle(pool)
        by_class = [0] * len(game.classes)
        for i, k in zip(pool, counted(game, pool)):
            by_class[i] += k
        for i, k in enumerate(by_class):
            if k:
                seen = shares[i]
                seen[k] = seen.get(k, 0) + 1
        for tally, weight in zip(tallies, weights):
            k = sum(a * by_class[i] for i, a in weight)
            if k:
                tally.add(k)
    return InsertedOrders(game, orders, confidence, tuple(shares), tuple(most), tuple(caps),
                          tuple(tuple(taken) for taken in groups), tuple(tallies))


def sample_orders_of(game, wins, orders: int, confidence: float = 0.95, seed: int = 0) -> SampledOrders:
    """:class:`SampledOrders` for a game given by ``wins(profile)`` (a monotone game over
    ``game.classes`` whose whole wins and whose empty coalition loses; e.g. a procedural game still
    being decided), drawn as :func:`sample_shapley` draws (the same orders, from the same seed): the
    pivot of each order found by a binary search over its first members, a profile each (how many of
    each class); ``wins`` is asked of those profiles (the caller caches its answers: profiles
    repeat).  Only the pivot is counted: the places at which each player would be pivotal
    (:class:`InsertedOrders`) would ask the game many more questions per order."""
    rng, pool = random.Random(seed), _pool(game.classes)
    pivots = [0] * len(game.classes)

    def profile(at: int) -> tuple[int, ...]:  # (the first at + 1 players of the order, counted by class)
        taken = [0] * len(game.classes)
        for i in pool[:at + 1]:
            taken[i] += 1
        return tuple(taken)

    for _ in range(orders):
        check_time()
        rng.shuffle(pool)
        pivots[pool[_least(0, len(pool) - 1, lambda at: wins(profile(at)))]] += 1
    return SampledOrders(game, orders, confidence, tuple(pivots))
