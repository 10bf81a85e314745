"""The explicit-state engine: the engine interface (:mod:`govspec.engine`) answered by the
searches and the proofs by exhaustion of this package."""

from __future__ import annotations

import itertools

from .. import model as m
from .. import semantics as sem
from ..engine import Deadline, Outcome
from .exhaustion import Abstraction, cannot_force, guarded, prove_by_exhaustion, refute_by_exhaustion
from .search import bfs, force_bfs, nothing_found
from .steps import LIMITS, TooLarge


def _no_exhaustion(model: m.Model) -> str:
    """Why the explicit engine proves nothing for any length with several live proposals (issue 13.6)."""
    return f"{model.several_live()}: the explicit engine's proofs by exhaustion cap the clocks of one proposal per procedure"


class ExplicitEngine:
    """Enumeration on the reference semantics; exact within its limits, refuses beyond them."""

    name = "explicit"

    # (``start``: the depths below it were searched; a breadth-first search finds the shortest anyway)

    def violation(self, model: m.Model, prop: m.Property, depth: int, deadline: Deadline, start: int = 0) -> Outcome:
        if prop.kind == "invariant":
            return bfs(model, depth, deadline, state_bad=lambda s: not sem.eval_bool(prop.state, sem.Env(model, s)))

        def step_bad(state, step):
            return sem.violates(model, prop, state, step)
        return bfs(model, depth, deadline, step_bad=step_bad)

    def reachable(self, model: m.Model, procedure: str, depth: int, deadline: Deadline, phase: str = "pass") -> Outcome:
        return bfs(model, depth, deadline, blind=True,
                    step_bad=lambda state, step: (step.procedure, step.phase) == (procedure, phase))

    def force(self, model: m.Model, goal: m.Goal, depth: int, deadline: Deadline,
              spec: m.CoalitionSpec | None, fixed: frozenset[str] | None, start: int = 0) -> Outcome:
        if depth > LIMITS["depth"]:
            return Outcome("unknown", reason=f"depth {depth} is beyond the explicit engine's limit of {LIMITS['depth']}")
        if fixed is not None:
            coalitions = [fixed]
        else:
            # a larger coalition can do whatever a smaller one can, so the largest allowed size suffices
            size = min(spec.size, len(spec.candidates))
            coalitions = itertools.islice((c for c in itertools.combinations(spec.candidates, size)
                                           if set(spec.including) <= set(c)), LIMITS["coalitions"] + 1)
        best = None
        try:
            for count, combo in enumerate(coalitions):
                if count >= LIMITS["coalitions"]:
                    raise TooLarge(f"more than {LIMITS['coalitions']} coalitions")
                out = force_bfs(model, goal, depth, deadline, frozenset(combo))
                if out.status == "found" and (best is None or out.depth < best.depth):
                    best = out
        except TooLarge as err:
            return Outcome("unknown", reason=f"too large for the explicit engine: {err}")
        except (TimeoutError, sem.ReplayLimit) as err:
            return Outcome("unknown", reason="time limit reached" if isinstance(err, TimeoutError) else str(err))
        return best if best is not None else nothing_found(model, depth)

    last_proof = "every reachable abstract state explored on the reference semantics (clocks capped)"

    def prove_unbounded(self, model: m.Model, prop: m.Property, deadline: Deadline) -> tuple[bool, str]:
        """Does the property hold for behaviours of any length?  See :func:`prove_by_exhaustion`."""
        self.last_proof = "every reachable abstract state explored on the reference semantics (clocks capped)"
        if model.several_live():  # (issue 13.6: the capped clocks are argued for one proposal per procedure)
            return False, _no_exhaustion(model)
        return prove_by_exhaustion(model, prop, deadline)

    def refute_unbounded(self, model: m.Model, prop: m.Property, deadline: Deadline) -> tuple[bool, str]:
        """Is a "can force" claim false for behaviours of any length?  See :func:`refute_by_exhaustion`."""
        if model.several_live():
            return False, _no_exhaustion(model)
        return refute_by_exhaustion(model, prop, deadline)

    def prove_cannot_force(self, model: m.Model, goal: m.Goal, members: frozenset[str],
                           deadline: Deadline) -> tuple[bool, str]:
        """Has ``members`` no forcing sequence of any length for ``goal``?  (True, "") when every
        abstract state its forcing steps reach is explored and none reaches the goal."""
        self.last_proof = "every abstract state the coalition's forcing steps reach, explored on the reference semantics"
        if model.several_live():
            return False, _no_exhaustion(model)

        def run():
            abstraction = Abstraction(model, [(goal.state, frozenset())] if goal.state is not None else [])
            if cannot_force(model, goal, members, deadline, abstraction):
                return True, ""
            return False, "a forcing sequence exists"
        return guarded(run)
