"""The explicit-state engine: a second opinion that enumerates behaviours on the reference semantics.

No Z3 here.  Every step is built from the reference interpreter (:mod:`govspec.semantics`):
every procedure and event, every argument, every choice of whom to notify, who attends and how
each votes, breadth-first up to the depth, so the first violation found is a shortest one.
Coalition properties enumerate every coalition within the bound and every coalition move, and
confirm each move against every outsider response.

Members the rules cannot tell apart (same weight, same bodies, same recusal, named by no office,
argument, rule or property) are enumerated by how many take each option, not by who: exact,
because every rule's value is invariant under swapping them (the same grouping the replay of
forcing steps uses).

The engine is for small specs.  It refuses, with an UNKNOWN naming the limit, a problem whose
step choices, visited states or coalitions exceed :data:`LIMITS` rather than run for hours.

Besides the bounded search, :func:`prove_by_exhaustion` (``ExplicitEngine.prove_unbounded``) proves
properties for behaviours of any length by exploring every state reachable once absolute days are
abstracted into capped ages, to a fixpoint (:mod:`.exhaustion`).

Modules: :mod:`.steps` (enumerating one step, and a coalition's moves), :mod:`.search` (the
breadth-first searches), :mod:`.exhaustion` (proofs by exhaustion, the abstraction of time) and
:mod:`.engine` (:class:`ExplicitEngine`, the engine interface).
"""

from .engine import ExplicitEngine
from .exhaustion import Abstraction, Refused, prove_by_exhaustion, refute_by_exhaustion
from .steps import LIMITS, TooLarge

__all__ = ["LIMITS", "Abstraction", "ExplicitEngine", "Refused", "TooLarge", "prove_by_exhaustion",
           "refute_by_exhaustion"]
