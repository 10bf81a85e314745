"""States and steps: what can change, and one move that changes it.

Implements docs/semantics.md section 1 (States) and section 2 (Steps), with what time and tokens
add to them: section 10 "States over time" (the day, the waiting decisions; a time passes step,
:data:`WAIT`) and section 12 "States with tokens" (balances, delegations, proposals), with what a
state says of tokens: each person's balance, their voting power and the supply.

Assumes a checked :class:`govspec.model.Model`.  Guarantees: a state is an immutable value; the
states :func:`initial_state` and :meth:`State.replace` make have every field sorted, so equal
states compare and hash alike.  :func:`initial_state` is the state the declarations describe.
"""

from __future__ import annotations

from fractions import Fraction
from operator import attrgetter, itemgetter

from .. import model as m
from ..records import dataclass


class ReplayLimit(Exception):
    """The interpreter would have to enumerate too many responses to confirm a step."""


@dataclass(frozen=True)
class State:
    members: tuple[tuple[str, frozenset[str]], ...]
    offices: tuple[tuple[str, str | None], ...]
    params: tuple[tuple[str, Fraction], ...]
    now: int = 0  # the current day
    # (procedure, args, approved on day, day of the proposal it came from or -1 without a proposal step,
    # the vote's tally kept with it: the values of model.TALLIES, or () when no rule reads them)
    pending: tuple[tuple[str, tuple[tuple[str, str], ...], int, int, tuple[Fraction, ...]], ...] = ()
    # token balances (empty when weights do not move: each person's power is their declared weight)
    balances: tuple[tuple[str, Fraction], ...] = ()
    delegates: tuple[tuple[str, str], ...] = ()  # holder -> delegate, for holders who delegated to another
    # (procedure, args, proposed on day, proposer, voting power of each person at the proposal or ())
    proposals: tuple[tuple[str, tuple[tuple[str, str], ...], int, str, tuple[tuple[str, Fraction], ...]], ...] = ()
    proposed: tuple[tuple[str, int], ...] = ()  # procedure -> day of its latest proposal (kept after the vote)

    def pending_of(self, procedure: str):
        """(args, approved on day, proposed on day, kept tally) of the procedure's approved decision
        recorded as waiting to take effect (it may have expired: see :meth:`Procedure.waiting`), or None."""
        for name, args, at, proposed, tally in self.pending:
            if name == procedure:
                return args, at, proposed, tally
        return None

    def proposal_of(self, procedure: str):
        """(args, proposed on day, proposer, snapshot) of the procedure's latest proposal, or None."""
        for name, args, day, proposer, snapshot in self.proposals:
            if name == procedure:
                return args, day, proposer, snapshot
        return None

    # several live proposals (issue 13.6): a procedure with 'at most K live proposals' has up to K of
    # each; a step names the one it votes on, cancels, executes or vetoes by ``Step.which``, its index
    # among the procedure's entries in this (sorted) state
    def proposals_of(self, procedure: str) -> list:
        """(args, proposed on day, proposer, snapshot) of each of the procedure's recorded proposals."""
        return [(args, day, proposer, snap) for name, args, day, proposer, snap in self.proposals if name == procedure]

    def pendings_of(self, procedure: str) -> list:
        """(args, approved on day, proposed on day, kept tally) of each decision of the procedure recorded as waiting."""
        return [(args, at, proposed, tally) for name, args, at, proposed, tally in self.pending if name == procedure]

    def proposal_at(self, procedure: str, which: int = 0):
        """The procedure's proposal number ``which`` (see :meth:`proposals_of`), or None."""
        mine = self.proposals_of(procedure)
        return mine[which] if 0 <= which < len(mine) else None

    def pending_at(self, procedure: str, which: int = 0):
        """The procedure's recorded decision number ``which`` (see :meth:`pendings_of`), or None."""
        mine = self.pendings_of(procedure)
        return mine[which] if 0 <= which < len(mine) else None

    def body(self, name: str) -> frozenset[str]:
        return dict(self.members)[name]

    def holder(self, office: str) -> str | None:
        return dict(self.offices)[office]

    def param(self, name: str) -> Fraction:
        return dict(self.params)[name]

    def replace(self, members=None, offices=None, params=None, now=None, pending=None, balances=None,
                delegates=None, proposals=None, proposed=None) -> "State":
        return State(
            tuple(sorted((members or dict(self.members)).items())),
            tuple(sorted((offices or dict(self.offices)).items())),
            tuple(sorted((params or dict(self.params)).items())),
            self.now if now is None else now,
            self.pending if pending is None else tuple(sorted(pending)),
            self.balances if balances is None else tuple(sorted(balances.items())),
            self.delegates if delegates is None else tuple(sorted((h, d) for h, d in delegates.items() if h != d)),
            self.proposals if proposals is None else tuple(sorted(proposals)),
            self.proposed if proposed is None else tuple(sorted(proposed.items())),
        )


def initial_state(model: m.Model) -> State:
    """The model's state at the start (made once per model: a State is not changed, and with 10,000
    holders it sorts their balances and copies each body's members)."""
    cached = model.__dict__.get("_initial_state")
    if cached is None:
        cached = State(
            tuple(sorted((b.name, frozenset(b.members)) for b in model.bodies.values())),
            tuple(sorted((o.name, o.holder) for o in model.offices.values())),
            tuple(sorted((p.name, p.initial) for p in model.params.values())),
            # (by name alone: names are unique, and a key sorts 10,000 of them twice as fast as the pairs)
            balances=tuple(sorted(zip(map(_NAME, model.people), map(_WEIGHT, model.people)), key=_FIRST))
            if model.tokens else (),
        )
        object.__setattr__(model, "_initial_state", cached)
    return cached


_NUMERATOR, _DENOMINATOR = attrgetter("numerator"), attrgetter("denominator")
_OWN_NUMERATOR, _OWN_DENOMINATOR = attrgetter("_numerator"), attrgetter("_denominator")
_NAME, _WEIGHT = attrgetter("name"), attrgetter("weight")
_FIRST = itemgetter(0)


def whole_numbers(values) -> list[int] | None:
    """The values (fractions) as integers, in order, if every one is a whole number; else None.
    (Integers compare and add far faster than fractions: 10,000 holders' weights.)"""
    values = values if isinstance(values, (list, tuple)) else list(values)
    try:  # (a Fraction's own fields, read without its properties: twice as fast over 10,000 weights)
        return list(map(_OWN_NUMERATOR, values)) if set(map(_OWN_DENOMINATOR, values)) <= {1} else None
    except AttributeError:  # (some value is an int, or this Python's Fraction names its fields otherwise)
        return list(map(_NUMERATOR, values)) if set(map(_DENOMINATOR, values)) <= {1} else None


def exact_sum(values) -> Fraction:
    """The sum of fractions, exactly, but adding the numerators of equal denominators as integers
    first (a weight of 10,000 holders is a sum of 10,000 fractions, mostly of denominator 1)."""
    values = values if isinstance(values, (list, tuple)) else list(values)
    whole = whole_numbers(values)
    if whole is not None:  # (the common case: one sum of integers)
        return Fraction(sum(whole))
    by_denominator: dict[int, int] = {}
    for v in values:
        d = v.denominator
        by_denominator[d] = by_denominator.get(d, 0) + v.numerator
    return sum((Fraction(n, d) for d, n in by_denominator.items()), Fraction(0))


def balances(model: m.Model, state: State) -> dict[str, Fraction]:
    """Each person's tokens (their declared weight when weights do not move)."""
    if state.balances:
        return dict(state.balances)
    return {p.name: p.weight for p in model.people}


def powers(model: m.Model, state: State, loan: str | None = None) -> dict[str, Fraction]:
    """Each person's voting power: the tokens of everyone who delegated to them (themselves unless
    they delegated away), plus a flash loan taken by ``loan`` in this step."""
    held = balances(model, state)
    if not state.delegates and loan is None:
        return held
    delegated = dict(state.delegates)
    power = {p: Fraction(0) for p in held}
    for holder, amount in held.items():
        power[delegated.get(holder, holder)] += amount
    if loan is not None:
        power[loan] += model.flash_loan
    return power


def supply(model: m.Model, state: State) -> Fraction:
    """Every token in existence: the balances and the flash-loan pool."""
    return exact_sum(balances(model, state).values()) + model.flash_loan


@dataclass(frozen=True)
class StageChoice:
    notified: frozenset[str] = frozenset()
    attended: frozenset[str] = frozenset()
    yes: frozenset[str] = frozenset()
    no: frozenset[str] = frozenset()
    abstain: frozenset[str] = frozenset()
    objected: frozenset[str] = frozenset()  # not notified, came only to object (attendance waives notice)
    signed_waiver: frozenset[str] = frozenset()  # not notified, signed a written waiver of notice (in writing)


@dataclass(frozen=True)
class Step:
    """One step: a procedure's vote passing (phase "pass"; for a timed procedure its approval), a timed
    procedure taking effect ("execute") or being vetoed in its window ("veto"), an event, or time
    passing (procedure :data:`WAIT`, ``days`` >= 1)."""

    procedure: str
    args: tuple[tuple[str, str], ...] = ()
    stages: tuple[StageChoice, ...] = ()
    phase: str = "pass"  # pass | execute | veto | propose | cancel
    days: int = 0
    proposer: str | None = None  # who proposes (phase "propose")
    loan: str | None = None  # who takes the flash loan in this step (a proposal or a vote counted live)
    # which of the procedure's live proposals (a vote, a cancel) or waiting decisions (taking effect, a veto)
    # the step is about: its index in State.proposals_of / State.pendings_of (issue 13.6; 0 with one)
    which: int = 0

    def arg(self, name: str) -> str:
        return dict(self.args)[name]


WAIT = "time passes"
