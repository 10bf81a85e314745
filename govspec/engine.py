"""The engine interface: what the verdict logic asks an engine, and what an engine answers.

It lies below the verdict logic (:mod:`govspec.verdicts`) and both engines, the Z3 engine
(:mod:`verifier.solve`) and the explicit-state engine (:mod:`govspec.explicit`), so that neither
engine depends on the verdicts it feeds.  An engine answers three questions about a checked model
within a depth and a :class:`Deadline`, each as an :class:`Outcome`: is there a behaviour
violating a trace property (``violation``), can a procedure pass at all (``reachable``), can a
coalition force a goal (``force``).  Its traces are reference-semantics steps
(:class:`govspec.semantics.Step`); the verdict logic replays them before it believes them.

Optional abilities, asked for with ``hasattr``: ``prove_unbounded(model, prop, deadline)`` and
``prove_cannot_force(model, goal, members, deadline)`` (proofs for behaviours of any length:
``(proved, why not)``, with ``last_proof`` naming the method and ``last_certificates`` the
invariants), ``recheck_second_solver(seconds)``, ``all_sizes(...)`` (every size of the groups of
variable size at once) and ``every_coalition(...)`` (the one coalition that decides an "every
coalition" property).

Time: a :class:`Deadline` bounds each piece of work (a property, one sanity check) and, within it,
the run's budget.  Solver calls get what is left; Python work that can take long on a large spec
(classes of interchangeable people, coalitions up to symmetry, the weighted fast path, replaying a
scenario) calls :func:`check_time`, which raises :class:`OutOfTime` once the deadline applied
(:meth:`Deadline.applies`) has passed; the verdict logic turns that into UNKNOWN (or a bounded
verdict at the depth completed) with the limit that ran out as its reason.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Protocol

from . import model as m
from . import semantics as sem


@dataclass
class Outcome:
    """One search's answer: ``found`` (with the steps of a shortest behaviour, and the coalition
    that forces it when asked about several), ``none`` (no behaviour of at most ``depth`` steps)
    or ``unknown`` (with the engine's reason)."""

    status: str  # found | none | unknown
    steps: list[sem.Step] | None = None
    depth: int = 0
    reason: str | None = None
    coalition: frozenset[str] | None = None


class OutOfTime(Exception):
    """A :class:`Deadline` passed in the middle of work that is not a solver call (those get what
    is left as their own time limit): building classes of people or coalitions, replaying a
    scenario, the next sizes of a group.  ``str(err)`` says which limit ran out."""

    def __init__(self, deadline: Deadline):
        super().__init__(deadline.ran_out())
        self.deadline = deadline


_applying: ContextVar[Deadline | None] = ContextVar("govspec_deadline", default=None)


class Deadline:
    """The end of some work's time: every solver call gets what is left, and :func:`check_time`
    stops the Python work in between (raising :class:`OutOfTime`) while the deadline applies.

    ``limit`` names the limit in words (``the time limit of 60 s per property``) and ``option``
    the option that sets it (``--timeout``); ``within``: a deadline this one cannot outlast (the
    run's ``--budget``): when it ends first, its words are the ones a verdict shows."""

    def __init__(self, seconds: float, limit: str = "the time limit", option: str = "--timeout",
                 within: Deadline | None = None):
        self.end = time.monotonic() + seconds
        self.limit, self.option = limit, option
        if within is not None and within.end <= self.end:
            self.end, self.limit, self.option = within.end, within.limit, within.option

    def remaining_ms(self) -> int:
        return max(0, int((self.end - time.monotonic()) * 1000))

    def expired(self) -> bool:
        return self.remaining_ms() <= 0

    def ran_out(self) -> str:
        """Why work stopped, in the words verdicts show: ``the time limit of 60 s per property ran out (--timeout)``."""
        return f"{self.limit} ran out ({self.option})"

    def check(self) -> None:
        """Raise :class:`OutOfTime` if this deadline has passed."""
        if time.monotonic() >= self.end:
            raise OutOfTime(self)

    def share(self, seconds: float, limit: str) -> Deadline:
        """A part of what is left: at most ``seconds``, named ``limit`` when it is its own end that comes first."""
        return Deadline(seconds, limit, self.option, within=self)

    @contextmanager
    def applies(self):
        """Within the block, :func:`check_time` checks this deadline (the innermost one applied)."""
        token = _applying.set(self)
        try:
            yield self
        finally:
            _applying.reset(token)


def time_limit(seconds: float, within: Deadline | None = None) -> Deadline:
    """A property's (or a sanity check's) ``--timeout``, within the run's budget if any."""
    return Deadline(seconds, f"the time limit of {seconds:g} s", "--timeout", within)


def run_budget(seconds: float | None) -> Deadline | None:
    """The run's ``--budget`` (None: no limit)."""
    return None if seconds is None else Deadline(seconds, f"the run's budget of {seconds:g} s", "--budget")


def check_time() -> None:
    """Raise :class:`OutOfTime` if the deadline applied (:meth:`Deadline.applies`) has passed; called
    in the loops of long Python work (a few dozen nanoseconds a call; nothing when none applies)."""
    deadline = _applying.get()
    if deadline is not None and time.monotonic() >= deadline.end:
        raise OutOfTime(deadline)


class Engine(Protocol):
    name: str

    def violation(self, model: m.Model, prop: m.Property, depth: int, deadline: Deadline) -> Outcome: ...

    def reachable(self, model: m.Model, procedure: str, depth: int, deadline: Deadline, phase: str = "pass") -> Outcome: ...

    def force(self, model: m.Model, goal: m.Goal, depth: int, deadline: Deadline,
              spec: m.CoalitionSpec | None, fixed: frozenset[str] | None) -> Outcome: ...
