"""From searches to verdicts, the same for every engine.

An engine (:mod:`govspec.engine`) answers questions about a model within a depth and a deadline;
this package turns its outcomes into :class:`~govspec.report.PropertyResult` verdicts with honest
scopes, replaying every trace on the reference semantics first.  Modules:

- :mod:`.replay`: traces checked on the reference semantics (:class:`ReplayError`: an engine bug);
- :mod:`.deepening`: the search until decided (growing depths, proofs of any length, the budget);
- :mod:`.properties`: the verdict on one property of one instance, one function per kind;
- :mod:`.sizes`: groups of variable size (every size at once, else the next sizes one by one);
- :mod:`.sanity`: can each procedure pass at all (vacuity warnings);
- :mod:`.words`: how verdicts name things.

:func:`check_property` is the entry point.
"""

from __future__ import annotations

import time
from dataclasses import replace

from .. import model as m
from ..engine import Deadline, Engine, OutOfTime, Outcome, time_limit
from ..report import UNKNOWN, PropertyResult, Scope
from . import properties, sizes
from .deepening import EFFORT_DEPTH, EXHAUSTION_SECONDS, FIRST_DEPTH, Budget
from .replay import ReplayError, Unconfirmed, confirm_violation, replay_force, replay_trace
from .sanity import SANITY_DEPTH, sanity

__all__ = ["Budget", "Deadline", "EFFORT_DEPTH", "EXHAUSTION_SECONDS", "Engine", "FIRST_DEPTH", "OutOfTime", "Outcome",
           "ReplayError", "SANITY_DEPTH", "Unconfirmed", "check_property", "confirm_violation", "replay_force",
           "replay_trace", "sanity"]


def check_property(engine: Engine, model: m.Model, prop: m.Property, depth: int | None, seconds: float,
                   passable: dict[str, bool] | None = None, unbounded: bool = False,
                   effort: float = 1.0, recheck: bool = False, within: Deadline | None = None,
                   next_sizes: bool = False) -> PropertyResult:
    """The verdict on one property.

    ``depth`` caps the search (None: no cap).  With ``unbounded``, the search goes on until the
    property is decided (PROVED for any length and every size, or REFUTED) or the budget
    (``effort``) or ``seconds`` run out, interleaving deeper bounded searches with the provers of
    any length; what it could not decide is BOUNDED (with the scope searched and why it is not a
    proof) or UNKNOWN.  Without ``unbounded``, one bounded search to ``depth`` (never PROVED for a
    property that needs a proof of any length), at the least sizes of groups of variable size, and
    with ``next_sizes`` at the next sizes too, as the budget allows.  UNKNOWN when a scenario found
    cannot be confirmed.

    ``seconds`` bounds all of it (the engine's searches and the Python work around them), and so
    does ``within`` (the run's budget) when it ends first: UNKNOWN, with the limit that ran out as
    the reason, when not even the first search was done in time (or the budget had run out before)."""
    start = time.monotonic()
    deadline = time_limit(seconds, within)
    budget = Budget(depth, effort, deadline, prove=unbounded, recheck=recheck, grow=next_sizes,
                    sanity_depth=depth if depth is not None else SANITY_DEPTH)  # (as api and tasks run the sanity check)
    if not unbounded and depth is None:
        budget.cap = FIRST_DEPTH
    said = _said(model, prop)
    common = dict(name=prop.name, kind="possible" if prop.possible else prop.kind, line=prop.span.line, cite=prop.cite,
                  path=None if prop.span.path == model.path else prop.span.path, **said)
    if deadline.expired():  # (the run's budget ran out before this property's turn)
        return PropertyResult(**common, status=UNKNOWN, scope=Scope(0), seconds=0.0, summary="not checked",
                              reason=f"{deadline.ran_out()} before its check began")
    try:
        with deadline.applies():
            result = properties.verdict(engine, model, prop, budget, passable)
            if model.sizes:
                result = sizes.every_size(engine, model, prop, result, budget, passable)
            if prop.possible:
                result = properties.possible(result)
        return replace(result, seconds=time.monotonic() - start, **said)
    except Unconfirmed as err:
        return PropertyResult(**common, status=UNKNOWN, scope=Scope(depth), seconds=time.monotonic() - start,
                              summary=err.summary or f"the {engine.name} engine found a scenario the reference "
                                                     "semantics cannot confirm",
                              reason=str(err))
    except OutOfTime as err:
        return PropertyResult(**common, status=UNKNOWN, scope=Scope(0), seconds=time.monotonic() - start,
                              summary="the time ran out before it was decided", reason=str(err))


def _said(model: m.Model, prop: m.Property) -> dict:
    """The property as written and in words (issue 16.1), as every result of it carries them."""
    from ..wording import NoWording, in_words, statement

    try:
        words = in_words(model, prop)
    except NoWording:  # (a construct without words yet: a defect tests/test_wording.py looks for; no crash)
        words = None
    return {"statement": statement(prop.text), "words": words}
