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
"""

from __future__ import annotations

import time
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


class Deadline:
    """The end of a property's time (``--timeout``): every solver call gets what is left."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def remaining_ms(self) -> int:
        return max(0, int((self.end - time.monotonic()) * 1000))

    def expired(self) -> bool:
        return self.remaining_ms() <= 0


class Engine(Protocol):
    name: str

    def violation(self, model: m.Model, prop: m.Property, depth: int, deadline: Deadline) -> Outcome: ...

    def reachable(self, model: m.Model, procedure: str, depth: int, deadline: Deadline, phase: str = "pass") -> Outcome: ...

    def force(self, model: m.Model, goal: m.Goal, depth: int, deadline: Deadline,
              spec: m.CoalitionSpec | None, fixed: frozenset[str] | None) -> Outcome: ...
