"""Certified Banzhaf indices of a single weighted vote too large for the exact analysis: each index
enclosed in an interval that holds it for certain, computed in floating point with a proven bound
on every rounding.

Assumes a :class:`~govspec.power.games.Game` with one quota and no blocking minority (a weighted
vote [q; w]) and IEEE double arithmetic whose ``math`` and ``cmath`` functions (cos, sin, sinh, tanh,
log, log1p, exp, expm1, atan2) are accurate to within 16 units in the last place (glibc's are
within one or two).  Guarantees: each interval returned holds the exact index; nothing is sampled
or estimated; when the intervals cannot be made narrow (sums that cluster on a lattice, terms too
ill-conditioned, or more work than the caps allow) :class:`Declined` says why, and no figure is
given.  The intervals are not exact fractions: the exact swings of 10,000 holders are integers of up
to 10,000 bits, beyond any exact method in reach (docs/power.md).

The method.  A member of weight w swings when the others' weight S lies in the window [a, b] =
[max(0, q - w), q - 1]; its raw Banzhaf index is P(a <= S <= b) when each other player is in with
even odds.  The others' generating function G(z) = prod_j (1 + z^w_j) / 2 has degree below M (an odd
number above the total weight), so for any radius r > 0 its coefficients are exactly a discrete
Cauchy integral over the circle of radius r:

    P(a <= S <= b) = (1/M) sum_{k=0..M-1} G(r u^k) sum_{s=a..b} (r u^k)^(-s),   u = e^(2 pi i / M).

r = e^lambda is chosen so that the tilted sums centre on the quota (a saddle point: a quota far from
half the total, as 2/3, is then as well conditioned as a majority).  With t = pi k / M, each factor
is (1 + r^w)/2 times e^(i t w) (cos(t w) + i tanh(lambda w / 2) sin(t w)), whose modulus falls like
exp(-t^2 w^2 sech^2(lambda w / 2) / 2); the window's sum is a geometric series.  So only a few hundred
k near 0 (and near any other peak) matter.  Those are summed, each term with a bound on its
rounding (the angles reduced exactly in integers, the products taken as sums of logarithms, each
rounding's bound relative to what it bounds: :func:`_factors`, :func:`_numerator`, so that the
errors of 10,000 factors stay near 1e-11 of the index);
every other k is bounded, not summed: [0, pi/2] is cut into cells, on each cell a factor's modulus
is at most its value where |cos(t w)| is largest (an end of the cell, or 1 when the cell's range of
t w holds a multiple of pi), and the product of those bounds bounds the cell's terms.  A cell whose
bound is too large is halved; one too narrow to halve is summed instead.
"""

from __future__ import annotations

import bisect
import cmath
import math

from ..clock import check_time
from ..records import dataclass
from .games import Game

U = 2.0 ** -53  # the unit roundoff of a double
ULPS = 128 * U  # a relative error bound for each transcendental function computed (16 ulps assumed, at most
# 32 u: 4 times that)
DELTA = 1e-14  # an absolute error bound for each cosine or sine of an angle reduced below 2 pi (16 ulps and the
# angle's own rounding, 2e-15, come to under 6e-15)
TINY = 1e-280  # an index below this is declined, not enclosed (each bound has 1e-300 added for underflow)
TARGET = 1e-10  # the tail bound sought, relative to the tilted density of the sums at the quota
MAX_FREQUENCIES = 60_000  # the terms summed at most (each costs one pass over the classes)
MAX_CELL_WORK = 40_000_000  # the cells' work at most (cells x classes read)
NUM_ANGLE = 18 * U  # (e^(L x) - 1's error from its angle's rounding, per unit of angle and of slope: 4 u x 4, and more)
NARROWEST = 48  # a cell of at most this many terms is summed, not halved
SAMPLE_AFTER = 2_000_000  # past this much of the cells' work, the whole is estimated from a sample of them:
SAMPLES, SAMPLE_SHARE = 16, 2000  # 16 ranges of k, each 1/2000 of them


@dataclass(frozen=True)
class Certified:
    """Per class of ``game``: the raw Banzhaf index of one member enclosed (``low``, ``high``);
    ``winning`` and ``losing``: the probabilities that a coalition wins and that it loses, enclosed
    (the smaller one tightly even when tiny); ``terms``: the Fourier terms summed; ``cells``: the
    cells bounded; ``tilt``: lambda."""

    game: Game
    low: tuple[float, ...]
    high: tuple[float, ...]
    winning: tuple[float, float]
    losing: tuple[float, float]
    terms: int
    cells: int
    tilt: float

    def width(self) -> float:
        """The widest interval's width."""
        return max(h - lo for lo, h in zip(self.low, self.high))


class Declined(Exception):
    """The enclosure cannot be made narrow enough here; ``reason`` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def applies(game: Game) -> bool:
    """A single weighted vote (one quota, no blocking minority): the games this module encloses."""
    return game.single


def _up(x: float, ulps: int = 4) -> float:
    """``x`` (non-negative) rounded away from zero by a few units, for bounds computed in floats."""
    return x * (1 + ulps * U) + 1e-300


@dataclass(frozen=True)
class _Vote:
    """The vote after dividing by the weights' gcd: the classes of positive weight, as (weight,
    count, tanh(lambda w / 2)); the quota, total, modulus M and tilt lambda."""

    classes: tuple[tuple[int, int, float], ...]
    quota: int
    total: int
    modulus: int
    tilt: float

    def softplus(self, w: int) -> tuple[float, float]:
        """log((1 + e^(lambda w)) / 2) at y = lambda w, the log of a factor's value at k = 0, and a
        bound on its error.  y's rounding, u |y|, moves it by at most that (its slope is below 1).
        Near 0 it is y/2 + log cosh(y/2) = y/2 + log1p(2 sinh(y/4)^2), where log1p(e^-|y|) - log 2
        would cancel: y/2 within u |y| of itself and the rest within 3 ULPS + 2 u of itself
        (sinh's, the square's, log1p's), and the sum's rounding, u |value|.  For |y| >= 1 nothing
        cancels (|value| >= 0.38): max(y, 0) + log1p(e^-|y|) - log 2, with log1p(e^-|y|) <= 0.32
        within 2 ULPS of itself, and y's rounding and two more, each within u (|y| + 1)."""
        y = self.tilt * w
        if abs(y) < 1:
            half = math.sinh(y / 4)
            rest = math.log1p(2 * half * half)
            value = y / 2 + rest
            return value, 2 * U * abs(y) + (3 * ULPS + 3 * U) * rest + U * abs(value)
        value = max(y, 0.0) + math.log1p(math.exp(-abs(y))) - math.log(2)
        return value, 3 * U * abs(y) + ULPS + 3 * U


def certified_banzhaf(game: Game, tolerance: float = 1e-6) -> Certified:
    """Every class's raw Banzhaf index enclosed (see the module's docstring); raises
    :class:`Declined` when an interval would be wider than ``tolerance`` times its midpoint."""
    if not applies(game):
        raise Declined("the certified analysis takes a single weighted vote (one quota, no blocking minority)")
    (q,) = game.quotas
    weights = [c.weights[0] for c in game.classes]
    total = sum(c.count * w for c, w in zip(game.classes, weights))
    if q <= 0 or q > total:
        raise Declined("every coalition wins, or none does: no index is defined")
    vote, windows, g = _prepared(weights, [c.count for c in game.classes], q, total)
    frequencies, cells, tail, win_tail = _frequencies(vote)
    found = _sums(vote, frequencies, windows, tail, win_tail)
    # (weight 0: a dummy, nothing it joins changes the sum; an index below 2^-(n-1) is 0: swings are whole)
    least = 2.0 ** -(game.players - 1)
    bounds = [(0.0, 0.0) if w == 0 or found[w // g][1] < least else found[w // g] for w in weights]
    scale = max(hi for _, hi in bounds)
    for c, (lo, hi) in zip(game.classes, bounds):
        if lo == 0 and hi <= tolerance * scale:
            continue  # (an index too small to tell from 0 here: kept, and its player listed as not determined)
        if hi - lo > tolerance * (hi + lo) / 2:
            who = c.names()[0] if c.count == 1 else f"{c.names()[0]} (one of {c.count:,} of the same weight)"
            if hi < TINY:  # (the bounds' own floor, 1e-300, is then more than the tolerance of the index)
                raise Declined(f"an index of {who} is below {TINY:.0e}, too small to bound tightly in floating "
                               f"point (a swing that rare: a quota this far from half the total weight); no figure "
                               f"is certified")
            raise Declined(f"the proven bound is too loose here: an index of {who} lies in "
                           f"[{lo:.6g}, {hi:.6g}], wider than {tolerance:.0e} of its size")
    low, high = [lo for lo, _ in bounds], [hi for _, hi in bounds]
    # the side bounded directly (the few coalitions: tight even when tiny), and the other as 1 minus it
    direct = found["win"]
    other = (max(0.0, math.nextafter(1 - direct[1], -1.0)), min(1.0, math.nextafter(1 - direct[0], 2.0)))
    winning, losing = (direct, other) if vote.tilt >= 0 else (other, direct)
    return Certified(game, tuple(low), tuple(high), winning, losing, len(frequencies), cells, vote.tilt)


def _prepared(weights: list[int], counts: list[int], q: int, total: int) -> tuple[_Vote, dict, int]:
    """The vote after dividing by the weights' gcd g (classes of ``counts`` players of ``weights``,
    quota ``q`` of ``total``), on the circle of its tilt; its windows of sums, one per weight (a
    player of it left out of the others) and "win" (the side of the quota where the coalitions are
    few); and g."""
    g = math.gcd(*(w for w in weights if w > 0))  # (the sums are multiples of g: [ceil(q/g); w/g] is the same game)
    q, total = -(-q // g), total // g
    merged: dict[int, int] = {}
    for w, count in zip(weights, counts):
        if w > 0:
            merged[w // g] = merged.get(w // g, 0) + count
    if 2 * (total + 2) > 2 ** 53:  # (the angles' integers must be exact in a double)
        raise Declined(f"the total weight, {total:,} after dividing by the weights' common factor, is beyond "
                       f"2^52, what the certified bounds' arithmetic takes")
    tilt = _tilt(merged, q - 0.5)
    vote = _Vote(tuple((w, n, math.tanh(tilt * w / 2)) for w, n in sorted(merged.items())), q, total,
                 total + 1 if total % 2 == 0 else total + 2, tilt)
    everyone = _everyone(vote)
    windows = {w: _window(vote, max(0, q - w), q - 1, w, everyone) for w in merged}
    if tilt >= 0:  # (the side of the quota where the coalitions are few: its probability is the one bounded tightly)
        windows["win"] = _window(vote, q, total, None, everyone)
    else:
        windows["win"] = _window(vote, 0, q - 1, None, everyone)
    return vote, windows, g


def _tilt(merged: dict[int, int], centre: float) -> float:
    """lambda with sum_j n_j w_j / (1 + e^(-lambda w_j)) = centre: the tilted mean at the quota
    (bisection; any lambda gives exact sums, this one the best conditioned)."""
    def mean(lam: float) -> float:
        return sum(n * w / (1 + math.exp(min(700.0, -lam * w))) for w, n in merged.items())

    low, high = -1.0, 1.0
    while mean(low) > centre and low > -1e6:
        low *= 2
    while mean(high) < centre and high < 1e6:
        high *= 2
    for _ in range(80):
        check_time()
        mid = (low + high) / 2
        low, high = (mid, high) if mean(mid) < centre else (low, mid)
    lam = (low + high) / 2
    return 0.0 if abs(lam) < 1e-300 else lam


# ------------------------------------------------------------------ which terms are summed


def _sup_abs_cos(lo: float, hi: float, w: int) -> float:
    """An upper bound of |cos(t w)| for t in [lo, hi] (0 <= lo < hi), allowing for rounding."""
    a, b = lo * w, hi * w
    slack = 8 * U * b + 1e-300
    if b - a + 2 * slack >= math.pi or math.floor((a - slack) / math.pi) != math.floor((b + slack) / math.pi):
        return 1.0  # (the range holds a multiple of pi, or may: |cos| reaches 1)
    return min(1.0, max(abs(math.cos(a)), abs(math.cos(b))) + slack + DELTA)


def _factor_bound(sup_cos: float, t: float) -> float:
    """An upper bound of |cos x + i t sin x| = sqrt(1 - (1 - t^2) sin^2 x) given |cos x| <= sup_cos."""
    if sup_cos >= 1.0:
        return 1.0
    return min(1.0, _up(math.sqrt(_up(1 - (1 - t * t) * (1 - sup_cos * sup_cos) + 8 * U)), 8))


def _geometric_bound(vote: _Vote) -> float:
    """|sum_{u < L} e^(u x)| <= 1 / (1 - e^(-|lambda|)) for any L (the window's normalised sum)."""
    return math.inf if vote.tilt == 0 else _up(1 / -math.expm1(-abs(vote.tilt)), 64)


def _too_many() -> Declined:
    return Declined(f"more than {MAX_FREQUENCIES:,} Fourier terms matter (too few players for the spread of their "
                    f"weights, or sums that cluster on a lattice)")


_BOUNDED, _SUMMED, _HALVED = "bounded", "summed", "halved"  # (a cell's fate in :func:`_walk`)
SPREAD = "the work grows with the spread of the weights over their number, and where their sums cluster"


def _walk(classes, step: float, target: float, cells: list[tuple[int, int]]):
    """Each cell of ``cells`` (ranges of k, in order) bounded: everyone's product on it (the
    largest factor's modulus per class, :func:`_factor_bound`) and that bound with one player left
    out (its factor, at least the least one, less).  A cell whose bound is above ``target`` is
    halved (its halves walked next, in order) or, at most NARROWEST terms wide, summed.  Yields
    (k_lo, k_hi, the classes read, everyone's bound, the bound with one left out, the cell's fate:
    _BOUNDED, _SUMMED or _HALVED)."""
    by_weight = [w for w, _, _ in classes]
    stack = cells[::-1]
    while stack:
        check_time()
        k_lo, k_hi = stack.pop()
        lo, hi = step * k_lo, step * k_hi
        reach = bisect.bisect_right(by_weight, math.pi / max(hi - lo, 1e-300))  # (heavier ones: a bound of 1)
        logs, least = 0.0, 1.0
        for w, n, t in classes[:reach]:
            f = _factor_bound(_sup_abs_cos(lo, hi, w), min(1.0, abs(t) * (1 + ULPS)))  # (t as computed, or more)
            if f < 1.0:
                logs += n * math.log(f)
                least = min(least, f)
        # (each log within ULPS of itself, the sum of reach terms of one sign within 2 reach u of itself)
        everyone = _up(math.exp(logs * (1 - ULPS - (2 * reach + 4) * U)), 8)
        bound = everyone / least
        if bound * (1 + 1e-9) <= target:
            fate = _BOUNDED
        elif k_hi - k_lo + 1 <= NARROWEST:
            fate = _SUMMED
        else:
            fate, mid = _HALVED, (k_lo + k_hi) // 2
            stack += [(mid + 1, k_hi), (k_lo, mid)]
        yield k_lo, k_hi, max(reach, 1), everyone, bound, fate


def _sampled_work(classes, step: float, target: float, first: int, top: int) -> None:
    """:class:`Declined` now, not after the cap's worth of work, when a sample of the cells shows
    the work beyond twice MAX_CELL_WORK: SAMPLES ranges of k, each 1/SAMPLE_SHARE of the k bounded,
    at the golden ratio's multiples along them (not at simple fractions of pi, where weights with a
    common factor alias), each walked from one cell and halved as :func:`_frequencies` halves its
    cells; their work scaled up to the whole.  A heuristic, not a bound: the estimate may be off
    either way, hence the margin of twice the cap; a vote it misses still meets the cap.  What is
    computed is unchanged."""
    span = top - first
    width = span // SAMPLE_SHARE
    if width <= NARROWEST:
        return
    scale = span / (SAMPLES * width)
    golden = (math.sqrt(5) - 1) / 2
    starts = sorted(first + 1 + int((golden * (i + 1)) % 1 * (span - width)) for i in range(SAMPLES))
    work = 0
    for *_, read, _, _, _ in _walk(classes, step, target, [(a, a + width - 1) for a in starts]):
        work += read
        if work * scale > 2 * MAX_CELL_WORK:
            raise Declined(f"bounding the terms left out would read more than {2 * MAX_CELL_WORK:,} weights, by "
                           f"an estimate from a sample of the cells (the limit is {MAX_CELL_WORK:,}; {SPREAD})")


def _frequencies(vote: _Vote) -> tuple[list[int], int, float, float]:
    """The k summed (1 <= k <= (M-1)/2), the cells bounded, and two tails: ``tail`` bounds (2/M)
    times the sum over every other k of prod_{j != i} |factor_j| for any one player i left out (a
    player's terms are at most that times its window's bound); ``win_tail`` bounds the winning
    window's terms left out (everyone's product times its window's bound on the cell)."""
    modulus, classes = vote.modulus, vote.classes
    top = (modulus - 1) // 2
    step = math.pi / modulus  # t = step * k
    spread = [n * w * w * (1 - t * t) for w, n, t in classes]
    square = max(sum(spread) - max(w * w * (1 - t * t) for w, _, t in classes), 1e-300)
    sigma = math.sqrt(square / 4)
    target = TARGET / (sigma * math.sqrt(2 * math.pi))  # (per unit of the window's normalised sum)
    # the first terms summed: while the Gaussian estimate exp(-t^2 sum w^2 sech^2 / 2) is above the target
    first = min(top, max(1, math.ceil(math.sqrt(2 * -math.log(min(target, 0.5)) / square) / step)))
    if first > MAX_FREQUENCIES:
        raise _too_many()
    summed = list(range(1, first + 1))
    geometric = _geometric_bound(vote)
    win_width = vote.total - vote.quota + 1 if vote.tilt >= 0 else vote.quota
    initial, k = [], first + 1
    while k <= top:  # (cells of k growing by 8%, halved where their bound is too large)
        end = min(top, max(k + NARROWEST, int(k * 1.08)))
        initial.append((k, end))
        k = end + 1
    cells, work, tail, win_tail, sampled = 0, 0, 0.0, 0.0, False
    for k_lo, k_hi, read, everyone, bound, fate in _walk(classes, step, target, initial):
        work += read
        cells += 1
        count = k_hi - k_lo + 1
        if fate is _BOUNDED:
            tail += _up(2 * count / modulus * bound, 64)
            lo, hi = step * k_lo, step * k_hi
            sin2 = min(math.sin(2 * lo), math.sin(2 * hi)) * (1 - ULPS) - DELTA
            window = min(win_width, geometric,
                         2 / (math.exp(-abs(vote.tilt)) * (1 - ULPS) * sin2) if sin2 > 0 else math.inf)
            win_tail += _up(2 * count / modulus * everyone * window, 64)
        elif fate is _SUMMED:
            summed.extend(range(k_lo, k_hi + 1))
        if work > SAMPLE_AFTER and not sampled:  # (past the votes that finish, or are declined, soon)
            sampled = True
            _sampled_work(classes, step, target, first, top)
        if work > MAX_CELL_WORK:
            raise Declined(f"bounding the terms left out would read more than {MAX_CELL_WORK:,} weights "
                           f"({SPREAD})")
        if len(summed) > MAX_FREQUENCIES:
            raise _too_many()
    # (the sums of the cells' bounds, each term rounded up, rounded up again for their own rounding)
    return summed, cells, _up(tail, 2 * cells + 8), _up(win_tail, 2 * cells + 8)


# ------------------------------------------------------------------ the terms summed


def _angle(k: int, x: int, modulus: int) -> float:
    """pi k x / M reduced below 2 pi exactly (in integers) before the one rounding of floats."""
    return math.pi * ((k * x) % (2 * modulus)) / modulus


@dataclass(frozen=True)
class _WindowSums:
    """A window [a, b] of the sums and whose index it is (``left_out``: a weight, one player of it
    left out of the others; None: nobody left out)."""

    a: int
    b: int
    left_out: int | None
    anchor: int  # the end the geometric series is written from: a when lambda >= 0, else b
    width: int
    log_prefactor: float  # log of prod over the others ((1 + r^w) / 2) times r^(-anchor)
    prefactor_error: float  # an absolute bound on its error


def _window(vote: _Vote, a: int, b: int, left_out: int | None, everyone: tuple[float, float]) -> _WindowSums:
    """The window [a, b] of the sums, for a player of weight ``left_out`` (None: of everyone);
    ``everyone``: log prod_j ((1 + r^w_j) / 2) over every player, and a bound on its error."""
    anchor = a if vote.tilt >= 0 else b
    log_c, error = everyone
    rounded = abs(log_c)  # (fsum's rounding of it)
    if left_out is not None:
        own, own_error = vote.softplus(left_out)
        log_c, error = log_c - own, error + own_error
    value = log_c - vote.tilt * anchor
    # (and the differences' roundings, lambda x anchor's)
    error += 4 * U * (rounded + abs(log_c) + abs(vote.tilt * anchor) + 1)
    return _WindowSums(a, b, left_out, anchor, b - a + 1, value, error)


def _everyone(vote: _Vote) -> tuple[float, float]:
    """log prod_j ((1 + r^w_j) / 2) over every player, and a bound on its error: each class's
    (:meth:`_Vote.softplus`) n times, and the rounding of n times it (fsum's own: one rounding, u of
    the sum, is the caller's)."""
    parts = [(n, *vote.softplus(w)) for w, n, _ in vote.classes]
    return (math.fsum(n * value for n, value, _ in parts),
            _up(sum(n * (error + U * abs(value)) for n, value, error in parts), 2 * len(parts) + 8))


def _geometric_at_zero(vote: _Vote, width: int) -> tuple[float, float]:
    """The window's normalised sum at k = 0, sum_{u < L} e^(-u |lambda|), and a bound on its error."""
    lam = -abs(vote.tilt)
    if lam == 0:
        return float(width), 0.0
    value = math.expm1(width * lam) / math.expm1(lam)
    return value, _up(abs(value) * (2 * ULPS + 8 * U))


def _parts(k, own, other, cosines, sines, angles, mags, args, log_mod, log_arg, base, flip, modulus):
    """Per window at frequency k: (its place, its width's angle a = pi k L / M and its cos and sin,
    expm1 and sign x exp of -L |lambda|, the relative part of the error of e^(L x) - 1, the log of
    the others' product's modulus, and its phase with the window's)."""
    for n_key, i, em1, se, num_rel, _, _ in own:  # (the angles of the left-out weight, at hand)
        a = angles[i]
        yield n_key, a, cosines[i], sines[i], em1, se, num_rel, log_mod - mags[i], base - args[i] + flip * a
    for n_key, i, em1, se, num_rel, phase_int, width in other:
        a = _angle(k, width, modulus)
        mod, arg = (log_mod, log_arg) if i is None else (log_mod - mags[i], log_arg - args[i])
        yield n_key, a, math.cos(a), math.sin(a), em1, se, num_rel, mod, arg + _angle(k, phase_int, modulus)


def _num_rel(width: int, lam: float) -> float:
    """The part of the error of e^(L x) - 1 (:func:`_numerator`) relative to its parts' sizes: c's and
    s's ULPS, em1's and se's (L lambda's rounding moves them by u |L lambda| e^(-|L lambda|): within
    2 u of expm1, u |L lambda| of exp), and the roundings."""
    return 1.01 * (3 * ULPS + U * (abs(width * lam) + 10))


def _numerator(a: float, c: float, s: float, em1: float, se: float, num_rel: float) -> tuple[complex, float]:
    """e^(L x) - 1 = em1 (c^2 - s^2) - 2 s^2 + i se 2 c s, the geometric series' numerator at the
    window's angle a = pi k L / M (c, s: its cosine and sine computed; em1 = expm1(-L |lambda|) <= 0,
    se = sign x exp(-L |lambda|)), and a bound on its error: ``num_rel`` times the sum of the parts'
    sizes, and the angle's rounding, 4 u a times the slopes (|em1| 4 |c s| + 4 |c s| + 2 |se|, with
    |em1| <= 1).  Near a = pi the numerator is near 0 and that second part is not relative to it."""
    cs, s2 = c * s, s * s
    im = se * 2 * cs
    return (complex(em1 * (c * c - s2) - 2 * s2, im),
            num_rel * (2 * s2 + abs(im) - em1) + NUM_ANGLE * a * (2 * abs(cs) + abs(se)))


def _factors(k: int, classes, per_unit: float, two_m: int):
    """Each class's factor cos(x) + i t sin(x) at frequency k, x = pi k w / M (``per_unit`` = pi / M;
    the product k w reduced exactly below ``two_m`` = 2M first, then pi's rounding, a division and a
    product), t = tanh(lambda w
    / 2) as computed: its angle x, cosine and sine, the real and imaginary parts of its log, mag =
    log |factor| and arg, and a bound on the sum of their errors (each against the exact factor of
    tanh(lambda w / 2) for the lambda used).  :class:`Declined` if a factor is too near zero.

    Each error is bounded relative to what it is an error of, not absolutely: the angle is within
    2.4 u of itself (pi's rounding, a division, a product), so c and s are within ULPS of themselves
    (the functions) plus 4 u x the angle times the other (its slope there), plus 4e-14 u x the angle
    (the slope's own change over the step: a second order).  t is within (ULPS + 2 u) of itself (its
    argument's rounding moves it by at most u |t|).  Near the peak (small angles, c near 1) the
    modulus is then taken from s alone, |factor|^2 = 1 - (1 - t^2) s^2, with log1p; and the phase,
    atan2(t s, c), barely moves with c.  (One bound of the factor's error relative to its modulus,
    as before, is at least ULPS for c near 1; near the peak these bounds are a few u, mostly the 8 u
    below: on 10,000 holders the sum over the factors is about a twentieth of that one's, some 1e-11,
    not 1e-10.)  First-order terms carry a factor of 1.01 to 1.03 for the second order: with
    |factor|^2 >= 1e-20 (else declined) c's and t s's errors are below 5e-4 of |factor|, so every
    point of the segment from the computed to the exact point is at least 99% of |factor| from 0.
    Each bound has 8 u more for what the first orders leave out."""
    cos, sin, log, log1p, atan2 = math.cos, math.sin, math.log, math.log1p, math.atan2
    ulps, four_u, t_err = ULPS, 4 * U, ULPS + 2 * U
    angles, cosines, sines, mags, args, errs = [], [], [], [], [], []
    for w, _, t in classes:
        angle = per_unit * ((k * w) % two_m)
        c, s = cos(angle), sin(angle)
        ts = t * s
        m2 = c * c + ts * ts
        if m2 < 1e-20:
            raise Declined("a factor of the Fourier sum is too near zero (the terms are ill-conditioned)")
        ac, as_, at, ats = abs(c), abs(s), abs(t), abs(ts)
        ec = ulps * ac + four_u * angle * (1.01 * as_ + 1e-14)
        es = ulps * as_ + four_u * angle * (1.01 * ac + 1e-14)
        ets = 1.01 * (at * es + ats * t_err) + U * ats  # (t s: its factors' errors, its rounding)
        s2 = s * s
        if s2 <= 0.5:  # (then (1 - t^2) s^2 <= 1/2, where log1p's slope is at most 2)
            v = (1 - t * t) * s2
            mag = 0.5 * log1p(-v)
            ev = (1 - t * t) * (2 * as_ * es + es * es) + s2 * (2 * at * at * t_err + U) + 2 * U * v
            e_mag = 1.01 * ev
        else:  # (|c| < 0.71: the modulus from c and t s as they are, each with its error)
            mag = 0.5 * log(m2)
            e_mag = 1.01 * (2 * ac * ec + ec * ec + 2 * ats * ets + ets * ets + 2 * U * m2) / m2
        arg = atan2(ts, c)
        e_arg = 1.03 * ((ac + ec) * ets + (ats + ets) * ec) / m2
        angles.append(angle), cosines.append(c), sines.append(s), mags.append(mag), args.append(arg)
        errs.append(e_mag + e_arg + ulps * (abs(mag) + abs(arg)) + 8 * U)  # (with log1p's or log's, atan2's own)
    return angles, cosines, sines, mags, args, errs


def _sums(vote: _Vote, frequencies, windows: dict, tail: float, win_tail: float) -> dict:
    """Per window: its probability enclosed, (low, high)."""
    modulus, classes, lam = vote.modulus, vote.classes, -abs(vote.tilt)
    sign = -1 if vote.tilt >= 0 else 1  # (the direction of the window's series, x = -|lambda| + 2 i sign t)
    geometric = _geometric_bound(vote)
    index = {w: i for i, (w, _, _) in enumerate(classes)}
    n_players = sum(n for _, n, _ in classes)
    keys = list(windows)
    own, other = [], []  # windows of width the left-out weight (most: their angles are at hand), and the rest
    for n_key, key in enumerate(keys):
        win = windows[key]
        em1, e = math.expm1(win.width * lam), math.exp(win.width * lam)
        num_rel = _num_rel(win.width, lam)
        plan = (n_key, None if win.left_out is None else index[win.left_out], em1, sign * e, num_rel,
                (vote.total - (win.left_out or 0)) - 2 * win.anchor, win.width)
        (own if win.left_out == win.width else other).append(plan)
    # per window: the real part of the sum; the sum of |terms| (for the rounding of the sum); two parts of the
    # terms' errors: sum of |term| x (a relative error), and sum of |product| / |den| x (e^(L x) - 1's error)
    re_sum, sizes, err_a, err_b = ([0.0] * len(keys) for _ in range(4))
    flip = 1 if vote.tilt >= 0 else -1  # (own windows' phase: (total - 2 anchor - w) + w or - w, see below)
    per_unit, two_m = math.pi / modulus, 2 * modulus
    for k in frequencies:
        check_time()
        angles, cosines, sines, mags, args, errs = _factors(k, classes, per_unit, two_m)
        log_mod = math.fsum(n * x for (_, n, _), x in zip(classes, mags))
        log_arg = math.fsum(n * x for (_, n, _), x in zip(classes, args))
        eta = math.fsum(n * e for (_, n, _), e in zip(classes, errs))
        eta += 4 * U * (abs(log_mod) + abs(log_arg) + max(map(abs, mags)) + max(map(abs, args)) + n_players + 1)
        rel = math.expm1(eta + 2 * ULPS + 8 * DELTA) * 1.01  # (8 DELTA: the phases' angles, summed in floats)
        if rel > 1e-3:
            raise Declined("the Fourier terms are too ill-conditioned to bound tightly")
        two_t = 2 * math.pi * k / modulus
        half = math.sin(two_t / 2)
        em1_lam, sin_two = math.expm1(lam), math.sin(two_t)
        den = complex(em1_lam * math.cos(two_t) - 2 * half * half, sign * math.exp(lam) * sin_two)
        # (each part's error: its functions' and the angle's relative errors, 3 u on 2t)
        den_rel = (4 * ULPS + 16 * U) * (abs(em1_lam) + 2 * half * half + abs(sin_two)) / abs(den)
        inv_den, inv_abs = 1 / den, 1 / abs(den)
        # a term is product x num / den: its error is at most |term| coef_a + |product| / |den| coef_b num_err
        coef_a = rel + 8 * U + (1 + rel) * (den_rel / (1 - den_rel) + 8 * U)
        coef_b = (1 + rel) / (1 - den_rel)
        # an own window's phase: (total - w) - 2 anchor = (total - 2 q) + w (lambda >= 0, anchor q - w) or
        # (total - 2 q + 2) - w (lambda < 0, anchor q - 1): a shared angle plus or minus the weight's
        base = _angle(k, vote.total - 2 * vote.quota + (0 if flip == 1 else 2), modulus) + log_arg
        for n_key, a, c, s, em1, se, num_rel, mod, phase in _parts(k, own, other, cosines, sines, angles, mags,
                                                                  args, log_mod, log_arg, base, flip, modulus):
            num, num_err = _numerator(a, c, s, em1, se, num_rel)
            z = cmath.exp(complex(mod, phase))
            x = abs(z) * inv_abs
            size = x * abs(num)
            re_sum[n_key] += (z * num * inv_den).real
            sizes[n_key] += size
            err_a[n_key] += size * coef_a
            err_b[n_key] += x * coef_b * num_err
    out = {}
    n_terms = len(frequencies)
    for n_key, key in enumerate(keys):
        win, total_re = windows[key], re_sum[n_key]
        err = (err_a[n_key] + err_b[n_key] + 1.01 * (n_terms + 2) * U * sizes[n_key]) \
            * (1 + (2 * n_terms + 8) * U)  # (the sums of the errors, rounded themselves)
        g0, g0_err = _geometric_at_zero(vote, win.width)
        inner = (g0 + 2 * total_re) / modulus
        bound = min(win.width, geometric)
        inner_err = (g0_err + 2 * err + 4 * U * (abs(g0) + 2 * abs(total_re))) / modulus \
            + (bound * tail if win.left_out is not None else win_tail)
        scale = math.exp(win.log_prefactor)
        scale_rel = math.expm1(win.prefactor_error + ULPS) * 1.01
        value = scale * inner
        error = _up(scale * inner_err * (1 + scale_rel) + abs(value) * scale_rel + 4 * U * abs(value))
        out[key] = (max(0.0, value - error), min(1.0, value + error))
    return out
