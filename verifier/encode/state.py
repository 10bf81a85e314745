"""The symbolic state and the variables of one step: the data of the Z3 encoding.

Encodes: a state of the reference semantics as Z3 terms (:class:`SymState`; a person is an index
into ``Unrolling.people``), one stage's choices (:class:`StageVars`), one step's (:class:`StepVars`),
the part of an interchangeable class that a slot stands for (:class:`Slot`), the key of each kind
of step's selection literal (:func:`action_key`, :data:`WAIT_KEY`), and small helpers for terms
(:func:`replaced`, :func:`occupied`, :func:`tally`, :func:`rational`).

Assumes: nothing of the other modules of this package (they all import this one).

Guarantees: data and term helpers only; nothing here adds a constraint to a solver.
"""

from __future__ import annotations

from dataclasses import field
from fractions import Fraction

from z3 import BoolRef, If, Q, RealVal, ToReal, is_bool

from govspec.records import dataclass

from ..counting import Class

VACANT = -1


def replaced(state: "SymState", **changes) -> "SymState":
    """A copy of a symbolic state with some parts replaced."""
    parts = dict(members=state.members, offices=state.offices, params=state.params, now=state.now,
                 pending=state.pending, balances=state.balances, delegates=state.delegates,
                 proposals=state.proposals, counting=state.counting, more_pending=state.more_pending,
                 more_proposals=state.more_proposals)
    parts.update(changes)
    return SymState(**parts)


def occupied(x):
    """"Someone is in it": a member's Boolean, or a class count at least one."""
    return x if is_bool(x) else x >= 1


def tally(x, unit):
    """What a member's Boolean or a class's count adds to a count: ``unit`` per person in it."""
    return If(x, unit, RealVal(0)) if is_bool(x) else ToReal(x) * unit


def rational(x: Fraction):
    """A fraction as an exact Z3 real."""
    return Q(x.numerator, x.denominator) if x.denominator != 1 else RealVal(x.numerator)


@dataclass
class SymState:
    """A state as Z3 terms, the counterpart of :class:`govspec.semantics.state.State` (a class slot's
    membership of a body is a count)."""
    members: dict[str, dict[int, BoolRef]]  # body -> person index -> in office?
    offices: dict[str, object]  # office -> Int term (person index or VACANT)
    params: dict[str, object]  # parameter -> Real term
    now: object = None  # Int term: the current day
    # timed procedure -> (waiting?, approved on day, its arguments, day of its proposal or -1 without a proposal step)
    pending: dict[str, tuple] = field(default_factory=dict)
    balances: dict[int, object] | None = None  # person -> Real term (None: weights do not move)
    delegates: dict[int, object] | None = None  # person -> Int term, whom they delegate to (None: nobody delegates)
    # procedure with a lifecycle -> (proposed?, on day, proposer, its arguments, snapshot powers or None)
    proposals: dict[str, tuple] = field(default_factory=dict)
    counting: dict[int, object] | None = None  # the voting power a stage counts (None: the state's)
    # several live proposals (issue 13.6): a procedure with 'at most K live proposals', K > 1, has K slots
    # of each kind; slot 0 is in ``pending`` / ``proposals`` as above, slots 1 to K-1 here, each a tuple
    # of the same shape (see verifier/encode/several.py)
    more_pending: dict[str, list[tuple]] = field(default_factory=dict)
    more_proposals: dict[str, list[tuple]] = field(default_factory=dict)


WAIT_KEY = "@wait"


def action_key(procedure: str, phase: str) -> str:
    """The selection literal's key for one kind of step: P (its vote), P@execute, P@veto."""
    return procedure if phase == "pass" else f"{procedure}@{phase}"


@dataclass
class StageVars:
    # per member a Boolean; per class slot (see Unrolling.slots) a count
    """One stage's choices as Z3 constants, the counterpart of :class:`govspec.semantics.state.StageChoice`."""
    notified: dict[int, BoolRef]
    attended: dict[int, BoolRef]
    yes: dict[int, BoolRef]
    no: dict[int, BoolRef]
    abstain: dict[int, BoolRef]
    # "notice may be waived in writing": per named member, signed a waiver (empty without the clause)
    signed_waiver: dict[int, BoolRef] = field(default_factory=dict)


@dataclass
class StepVars:
    """One step's choices as Z3 constants (those of every action; at most one is selected), the
    counterpart of :class:`govspec.semantics.state.Step`."""
    t: int
    selected: dict[str, BoolRef]
    args: dict[str, dict[str, object]]
    stages: dict[str, list[StageVars]]
    active: BoolRef | None = None  # the step happens (otherwise the state stays as it was)
    days: object = None  # Int term: how long time passes in a WAIT step
    proposer: dict[str, object] = field(default_factory=dict)  # procedure -> Int term (its proposal step)
    loan: object = None  # Int term: who takes the flash loan (NOBODY: no loan)
    # procedure with several live proposals -> Int term: the slot its vote or cancellation uses up, or
    # the waiting decision that takes effect or is vetoed (issue 13.6; verifier/encode/several.py)
    which: dict[str, object] = field(default_factory=dict)


NOBODY = -1


@dataclass(frozen=True)
class Slot:
    """Part of an interchangeable class, encoded by how many of its people are in its body."""

    cls: Class
    part: str  # "all"; or, for a coalition question, "coalition" or "others"
    total: object  # Int term: how many people the slot stands for
