"""Generators of specs whose shortest counterexample (or witness) lies deep: 5 to 12 steps, or
only at sizes beyond the least (issue 11, point 8).

Each strategy draws a :class:`Deep`: the spec text and the verdict it must get, known by
construction (the answer is computed from the parameters, not by running a checker):

- :func:`cascades`: a body of N (6..9) named members that may expel one of its own members by
  majority; an invariant or a step rule about its size first fails after k expulsions (k 5..8).
  Each step removes at most one member, and every expulsion down to that size can pass, so the
  shortest counterexample has exactly k steps (invariant) or k steps whose last one is the k-th
  expulsion (step rule: the k-th expulsion starts from N-k+1 members).
- :func:`notices`: a board whose CEO may be removed only once it is depleted (a ``require`` on its
  size, checked at the vote, when the removal takes effect, or both) or a rule about the yes votes
  that only a smaller board can break; directors may resign.
  The removal has a notice period (``notice all N days``: a call step, a time step, the meeting)
  and/or a timelock (the vote, a time step, the decision taking effect), so the violation needs
  r resignations and then 3 or 5 more steps.
- :func:`open_sizes`: a board of open size (``group d of at least 5``) with a procedure taking a
  member argument, so that the counted search cannot take every size at once; a rule about the
  yes votes of a fixed quorum holds at sizes below S and fails from S on (S 6..8); optionally the
  failing step needs a chair to be picked first, through a notice period and/or a timelock.
- :func:`forcings`: the committee of :func:`cascades` with a majority coalition that can force
  the committee down to G members: its shortest forcing sequence has N-G (5..8) steps (it
  expels the others first, then its own), so ``can force`` is PROVED (a witness) and never
  REFUTED.
- :func:`minorities`: the same with a coalition of at most half the committee, which can force
  nothing at any length (the others stay away to deny quorum): REFUTED for any length.
- :func:`counters`: a level raised by a procedure with a whole-number argument ``t in 1 to s``
  and one conditional effect per level (``effect if level == i then level = i + t``, issue 13,
  point 4): each step raises it by at most s, so ``always level < k`` first fails after ceil(k/s)
  steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from hypothesis import strategies as st

PROVED, REFUTED = "proved", "refuted"


@dataclass(frozen=True)
class Deep:
    text: str
    prop: str  # the property whose verdict is known
    status: str  # the verdict at default options (given enough budget): REFUTED, or PROVED for a witness
    depth: int | None  # the length of the shortest counterexample (or forcing sequence); None: none of any length
    size: int | None = None  # the least size of the open group at which it fails
    kind: str = ""  # which family, for messages

    def __str__(self) -> str:  # hypothesis prints this on failure
        return f"{self.kind}: {self.prop} {self.status} at depth {self.depth}" + \
            (f", size {self.size}" if self.size else "") + "\n" + self.text


def _people(names: list[str]) -> str:
    return "\n".join(f"  person {x}" for x in names)


# the expulsion vote's thresholds: can s members (quorum: a majority of them) expel one of them, when
# ``eligible`` of them may vote yes (all of them, or all but the target when it is recused)?
THRESHOLDS = {
    "yes > half of members": lambda s, eligible: 2 * eligible > s,
    "yes >= 2/3 of members": lambda s, eligible: 3 * eligible >= 2 * s,
    "yes > half of present": lambda s, eligible: 2 * eligible > s,  # all attend: eligible yes of s present
}


def _expulsion_possible(s: int, threshold: str, recuse: bool) -> bool:
    return THRESHOLDS[threshold](s, s - 1 if recuse else s)


@st.composite
def cascades(draw, ks=(5, 8), distractor: bool = True) -> Deep:
    n = draw(st.integers(6, 9))
    k = draw(st.integers(ks[0], min(ks[1], n - 1)))  # at least 2 members left: K >= 2
    kind = draw(st.sampled_from(["invariant", "step"]))
    threshold = draw(st.sampled_from(sorted(THRESHOLDS)))
    smallest = n - k + 1  # the committee's size before the k-th expulsion
    recuse = draw(st.booleans()) and all(_expulsion_possible(s, threshold, True) for s in range(smallest, n + 1))
    notice = draw(st.sampled_from(["none", "all"]))
    chair = distractor and draw(st.booleans())  # an office the committee fills: no effect on its size (slower)
    prefix = draw(st.sampled_from(["a", "m", "member"]))
    names = [f"{prefix}{i}" for i in range(1, n + 1)]
    if kind == "invariant":
        prop = f"property purge \"never below {smallest}\": always size(committee.members) >= {smallest}"
    else:
        prop = f"property purge: always (expel -> size(members) >= {smallest + 1})"
    extra = ""
    if chair:
        extra = """  procedure elect(p in committee) {
    decided by committee at meeting
      notice all
      quorum majority of members
      passes when yes > half of members
    effect chair = p
  }
"""
    text = f"""organization "Committee of {n}" {{
{_people(names)}
  body committee {{ members {", ".join(names)} }}
{"  office chair = vacant" if chair else ""}
  procedure expel(x in committee) "Rule 12: expulsion" {{
    decided by committee at meeting
      notice {notice}
      quorum majority of members
      passes when {threshold}
{"    recuse x from vote" if recuse else ""}
    effect remove x from committee
  }}
{extra}}}
{prop}
"""
    return Deep(text, "purge", REFUTED, k, kind="cascade")


def _least_resignations(n: int, yes: int) -> int:
    """How many of n directors must resign before 'yes > half of members' carries with fewer than
    ``yes`` votes: the least r with floor((n - r) / 2) + 1 < yes."""
    return next(r for r in range(n) if (n - r) // 2 + 1 < yes)


@st.composite
def notices(draw, depths=(5, 12)) -> Deep:
    style = draw(st.sampled_from(["depleted", "yes"]))
    if style == "yes":  # a notice period, no timelock: r resignations, the call, time passes, the meeting
        notice, timelock, tail = draw(st.integers(1, 7)), 0, 3
        # a rule on the yes votes that only a board of n - r can break
        options = [(n, y) for n in range(5, 10) for y in range(2, n // 2 + 2)
                   if depths[0] <= _least_resignations(n, y) + tail <= depths[1]]
        if options:
            n, y = draw(st.sampled_from(options))
            r = _least_resignations(n, y)
            rule = ""
            prop = f"property ceo_needs: always (remove_ceo -> yes >= {y})"
        else:  # too deep for 9 directors: a depleted board instead
            style = "depleted"
    if style == "depleted":
        notice, timelock = draw(st.integers(0, 7)), draw(st.integers(0, 7))
        if not notice and not timelock:
            timelock = draw(st.integers(1, 7))
        if notice and timelock and depths[1] < 6:
            timelock = 0  # room for a resignation
        if depths[0] > 3 + 8:  # 9 directors, at most 8 resign: both delays
            notice, timelock = max(notice, 1), max(timelock, 1)
        tail = (2 if notice else 0) + (2 if timelock else 0) + 1  # call + wait, the vote, wait + take effect
        n = draw(st.integers(max(5, depths[0] - tail + 1), 9))
        r = draw(st.integers(max(1, depths[0] - tail), min(n - 1, depths[1] - tail)))
        # checked at the vote, when the removal takes effect, or both: r resignations are needed
        # before it takes effect either way, so the depth is the same (issue 13.5)
        when = draw(st.sampled_from(["", "at execution ", "at approval and execution "]))
        rule = f"    {when}require size(board.members) <= {n - r}     \"art. 9: an emergency power of a depleted board\"\n"
        prop = "property ceo_stays: always ceo is not vacant"
    names = [f"d{i}" for i in range(1, n + 1)]
    text = f"""organization "Board of {n}" {{
{_people(names)}
  person boss
  body board {{ members {", ".join(names)} }}
  office ceo = boss
  event resign(d in board) {{ effect remove d from board }}
  procedure remove_ceo "art. 5" {{
    decided by board at meeting
      notice {f"all {notice} days" if notice else "none"}
      quorum majority of members
      passes when yes > half of members
{rule}{f"    timelock {timelock} days" if timelock else ""}
    effect ceo = vacant
  }}
}}
{prop}
"""
    return Deep(text, prop.split()[1].rstrip(":"), REFUTED, r + tail, kind=f"notice/{style}")


def _least_failing_size(q: int, frac: Fraction, low: int = 5) -> int:
    """The least size n >= low at which q yes votes are not more than frac of n members."""
    return next(n for n in range(low, 100) if q <= frac * n)


FRACTIONS = [Fraction(1, 2), Fraction(2, 3), Fraction(3, 7), Fraction(2, 5), Fraction(3, 5), Fraction(3, 4)]


@st.composite
def open_sizes(draw, deep: bool | None = None) -> Deep:
    pairs = [(q, f) for q in range(2, 7) for f in FRACTIONS
             if 6 <= _least_failing_size(q, f) <= 8 and q <= 5]  # holds at 5 (q > f * 5), fails from S on
    q, frac = draw(st.sampled_from(pairs))
    size = _least_failing_size(q, frac)
    deep = draw(st.booleans()) if deep is None else deep
    notice = draw(st.integers(1, 3)) if deep else 0
    timelock = draw(st.integers(0, 3)) if deep else 0
    depth = 1 + ((3 if notice else 1) + (2 if timelock else 0) if deep else 0)
    text = f"""organization "Open-size board" {{
  group d of at least 5
  person boss
  body board {{ members d }}
  office ceo = boss
  office chair = vacant
  procedure fire {{
    decided by board at meeting
      notice none
      quorum {q}
      passes when yes >= {q}
{"    require chair is not vacant" if deep else ""}
    effect ceo = vacant
  }}
  procedure pick(p in board) {{
    decided by board at meeting
      notice {f"all {notice} days" if notice else "all"}
      passes when yes == members
{f"    timelock {timelock} days" if timelock else ""}
    effect chair = p
  }}
}}
property enough: always (fire -> yes > {frac.numerator}/{frac.denominator} of members)
"""
    return Deep(text, "enough", REFUTED, depth, size=size, kind="open size")


@st.composite
def forcings(draw, depths=(5, 8)) -> Deep:
    """A majority coalition forcing the committee down: PROVED (a witness of N-G steps)."""
    n = draw(st.integers(6, 9))
    steps = draw(st.integers(depths[0], min(depths[1], n - 1)))
    goal = n - steps
    c = draw(st.integers(n // 2 + 1, n - 1))
    names = [f"a{i}" for i in range(1, n + 1)]
    coalition = draw(st.permutations(names))[:c]
    text = f"""organization "Committee of {n}" {{
{_people(names)}
  body committee {{ members {", ".join(names)} }}
  procedure expel(x in committee) {{
    decided by committee at meeting
      notice none
      quorum majority of members
      passes when yes > half of members
    effect remove x from committee
  }}
}}
property shrink: coalition {{{", ".join(sorted(coalition, key=lambda s: int(s[1:])))}}} can force size(committee.members) <= {goal}
"""
    return Deep(text, "shrink", PROVED, steps, kind="forcing")


@st.composite
def minorities(draw) -> Deep:
    """A coalition of at most half the committee can force no expulsion at any length (the others
    stay away and the meeting has no quorum): 'can force' is REFUTED for any length (depth None)."""
    deep = draw(forcings())
    n = deep.text.count("  person ")
    c = draw(st.integers(1, n // 2))
    names = [f"a{i}" for i in range(1, n + 1)]
    coalition = sorted(draw(st.permutations(names))[:c], key=lambda s: int(s[1:]))
    start = deep.text.index("property shrink: coalition {")
    end = deep.text.index("}", start)
    text = deep.text[:start] + "property shrink: coalition {" + ", ".join(coalition) + deep.text[end:]
    return Deep(text, "shrink", REFUTED, None, kind="minority")


@st.composite
def counters(draw, depths=(5, 8)) -> Deep:
    step = draw(st.sampled_from([1, 2]))
    depth = draw(st.integers(*depths))
    k = step * (depth - 1) + draw(st.integers(1, step))  # ceil(k / step) == depth
    top = k + draw(st.integers(0, 2))  # levels beyond k have effects too
    effects = "\n".join(f"    effect if level == {i} then level = {i} + t" for i in range(top))
    text = f"""organization "counter" {{
{_people(["a", "b", "c"])}
  body board {{ members a, b, c }}
  parameter level = 0
  procedure advance(t in 1 to {step}) {{
    decided by board at meeting
      passes when yes >= 2
{effects}
  }}
}}
property below: always level < {k}
"""
    return Deep(text, "below", REFUTED, depth, kind="counter")
