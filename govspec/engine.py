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
verdict at the depth completed) with the limit that ran out as its reason.  The clock itself is
:mod:`govspec.clock`, at the bottom, so that loading a spec (parsing at other sizes, within a
property) looks at it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from . import model as m
from . import semantics as sem
from .clock import Deadline, OutOfTime, check_time, run_budget, time_limit

__all__ = ["Deadline", "Engine", "OutOfTime", "Outcome", "check_time", "run_budget", "time_limit"]


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


class Engine(Protocol):
    name: str

    def violation(self, model: m.Model, prop: m.Property, depth: int, deadline: Deadline) -> Outcome: ...

    def reachable(self, model: m.Model, procedure: str, depth: int, deadline: Deadline, phase: str = "pass") -> Outcome: ...

    def force(self, model: m.Model, goal: m.Goal, depth: int, deadline: Deadline,
              spec: m.CoalitionSpec | None, fixed: frozenset[str] | None) -> Outcome: ...
