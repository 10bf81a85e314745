"""The search until decided: one question searched at growing depths, and proofs of any length.

A property's search starts with a bounded search to FIRST_DEPTH steps; while undecided, it asks
the engine's prover for a proof of any length (then, for an engine that has none that succeeded,
an exhaustion of the finite state space on the reference semantics), then searches one step
deeper at a time, within the :class:`Budget` (steps, not seconds) and the deadline.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import model as m
from ..engine import Deadline, Engine, OutOfTime, Outcome
from ..explicit import ExplicitEngine
from .words import one_line

FIRST_DEPTH = 4  # the first bounded search; deeper ones follow while the property is undecided
EFFORT_DEPTH = 8  # at effort 1, how many steps deeper than the first search the search may go (depth 12)
EXHAUSTION_SECONDS = 10.0  # at effort 1, the time a proof by exhaustion may take after Z3's prover found none


@dataclass
class Budget:
    """How far one property's search may go: ``cap`` steps at most (None: no cap, ``--depth``), and
    after the first search, at most ``effort`` times EFFORT_DEPTH steps deeper (a count of steps,
    not of seconds or solver work, so the same check gives the same verdict on a busy machine and
    whatever ran before it); the deadline (``--timeout``) bounds it all."""

    cap: int | None
    effort: float
    deadline: Deadline
    prove: bool = True  # also try proofs for behaviours of any length (False: a bounded search only)
    recheck: bool = False  # re-check each invariant with a second solver (cvc5) before PROVED (--recheck-cvc5)
    invariant: str | None = None  # set by the last proof of any length: its invariant in GovSpec terms
    grow: bool = False  # a bounded search searches the next sizes too (groups of variable size: --explain)
    # how deep the sanity check that gave the answers passed with this budget searched (None: the cap,
    # or SANITY_DEPTH without one); a vacuity mark rests on it that far, and needs its own search beyond
    sanity_depth: int | None = None

    @property
    def first(self) -> int:
        """The depth of the first search: FIRST_DEPTH (deeper ones follow), or the cap when no deeper
        search follows (a bounded search asked for: one search to the depth asked for)."""
        if self.cap is None:
            return FIRST_DEPTH
        return self.cap if not self.prove else min(self.cap, FIRST_DEPTH)


class Deepening:
    """One question searched at growing depths under a budget: ``ask(start, depth)`` searches the
    behaviours of ``start`` to ``depth`` steps (the caller never asks twice for a depth)."""

    def __init__(self, engine: Engine, budget: Budget, ask):
        self.engine, self.budget, self.ask = engine, budget, ask
        self.searched = -1  # every depth up to this one was searched and found nothing
        self.stopped = ""  # why the search went no deeper

    def first(self) -> Outcome:
        out = self.ask(0, self.budget.first)
        if out.status == "none":
            self.searched = self.budget.first
        elif out.status == "unknown":
            self.searched = out.depth - 1
        return out

    def deeper(self) -> Outcome:
        """Search one step deeper at a time until something is found, or the cap, the budget or
        the time runs out (then an outcome "none" whose depth is the deepest complete search)."""
        b = self.budget
        deepest = b.first + round(b.effort * EFFORT_DEPTH)
        while True:
            k = self.searched + 1
            if b.cap is not None and k > b.cap:
                self.stopped = f"--depth {b.cap} caps the search"
                break
            if not b.prove:
                self.stopped = "a bounded search was asked for"
                break
            if k > deepest:
                self.stopped = f"the search budget ran out at depth {deepest} (--effort)"
                break
            if b.deadline.expired():
                self.stopped = b.deadline.ran_out()
                break
            try:
                out = self.ask(k, k)
            except OutOfTime as err:  # (in the Python work around the solver: the depths before k stand)
                self.stopped = str(err)
                break
            if out.status == "found":
                return out
            if out.status == "unknown":
                self.stopped = f"the {self.engine.name} engine gave up at depth {k} ({one_line(out.reason or 'unknown')})"
                break
            self.searched = k
        return Outcome("none", depth=self.searched)


LONGER = "a longer behaviour may violate it"  # (verifier/unbounded.py: the Horn-clause engine found one)


def any_length(engine: Engine, model: m.Model, budget: Budget, attempt) -> tuple[bool, str, str]:
    """(proved, why not, how): a proof for behaviours of any length, by the engine's own prover,
    then (for an engine that has none that succeeded) by exhausting the finite state space on the
    reference semantics.  ``attempt(prover, deadline)`` asks one prover; None: it cannot ask this."""
    budget.invariant = None
    if not budget.prove:
        return False, "a bounded search was asked for", ""
    why = []
    if hasattr(engine, "prove_unbounded"):
        try:
            answer = attempt(engine, budget.deadline)
        except OutOfTime as err:
            return False, str(err), ""
        if answer is not None:
            ok, reason = answer
            how = getattr(engine, "last_proof", "") or "an inductive invariant"
            if ok and budget.recheck and hasattr(engine, "recheck_second_solver"):
                seconds = budget.deadline.remaining_ms() / 1000
                status, detail = (engine.recheck_second_solver(seconds) if seconds > 0 else
                                  ("unknown", budget.deadline.ran_out()))
                if status == "invalid":
                    ok, reason = False, f"cvc5 rejects the invariant ({one_line(detail)})"
                elif status == "valid":
                    how += ", and by cvc5"
                else:
                    how += f" (cvc5 did not re-check it: {one_line(detail)})"
            if ok:
                shown = [c.readable for c in getattr(engine, "last_certificates", []) if getattr(c, "readable", "")]
                budget.invariant = "; ".join(shown) or None
                return True, "", how
            why.append(one_line(reason))
    if engine.name != "explicit" and not any(w.startswith(LONGER) for w in why):
        # (when the Horn-clause engine found that a violation exists, exploring states cannot prove it)
        if not budget.deadline.expired():
            second = ExplicitEngine()
            # its own share of the time: exploring states that never end (tokens minted without end)
            # must not eat the deeper search's time; processor time, so that the same check explores
            # as far on a busy machine as on an idle one (pure Python: the process's time is its work)
            share = budget.deadline.cpu_share(EXHAUSTION_SECONDS * max(budget.effort, 0.1),
                                              "the exploration's share of the time")
            try:
                with share.applies():
                    answer = attempt(second, share)
            except OutOfTime as err:
                answer = (False, str(err))
            if answer is not None:
                ok, reason = answer
                if ok:
                    return True, "", getattr(second, "last_proof", "") or "every reachable state explored"
                why.append(f"exhaustive exploration: {one_line(reason)}")
    return False, "; ".join(why) or "no proof of any length for this kind of property", ""
