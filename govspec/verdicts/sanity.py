"""The sanity check: can each procedure pass at all?  (Vacuity warnings, never a verdict.)"""

from __future__ import annotations

from .. import model as m
from ..engine import Deadline, Engine, OutOfTime, Outcome, time_limit
from ..report import SanityResult
from .replay import replay_trace
from .words import one_line, phase_key, sizes_text, steps_text


SANITY_DEPTH = 6  # how deep the sanity check looks for a behaviour where a procedure passes (no --depth)


def sanity(engine: Engine, model: m.Model, depth: int | None, seconds: float,
           within: Deadline | None = None) -> tuple[list[SanityResult], dict[str, bool]]:
    """Can each procedure pass in some behaviour of at most ``depth`` steps (None: SANITY_DEPTH)?
    (Vacuity checks for the properties: a warning, never a verdict.)  Each procedure's check has
    ``seconds`` (``--timeout``), within the run's budget ``within`` if any: one that runs out is
    undecided, with the limit that ran out as its reason."""
    depth = SANITY_DEPTH if depth is None else depth
    results, passable = [], {}
    for proc in model.procedures.values():
        if proc.is_event:
            continue
        where = dict(path=None if proc.span.path == model.path else proc.span.path)
        for phase in ("pass", "execute") if proc.timed else ("pass",):
            key = phase_key(proc.name, phase)
            verb = "pass" if phase == "pass" else "take effect"
            out = _can_pass(engine, model, proc.name, phase, depth, time_limit(seconds, within))
            if out.status == "found":
                passable[key] = True
                results.append(SanityResult(key, proc.span.line, "ok", f"can {verb} (after {steps_text(out.depth)})", out.depth, **where))
            elif out.status == "none":
                passable[key] = False
                at = f" with {sizes_text({g: low for g, (low, _) in model.sizes.items()})}" if model.sizes else ""
                results.append(SanityResult(key, proc.span.line, "warning", f"can never {verb} within {depth} steps{at}",
                                            depth, **where))
            else:
                results.append(SanityResult(key, proc.span.line, "unknown", f"undecided: {one_line(out.reason or 'unknown')}",
                                            out.depth, **where))
    return results, passable


def passable_at(engine: Engine, model: m.Model, procedures, depth: int | None, deadline: Deadline) -> dict[str, bool]:
    """The sanity check of ``procedures`` alone (their votes passing), searched as :func:`sanity`
    searches them: for the vacuity mark of a result at sizes other than the least
    (:mod:`.sizes`), which must rest on the same search as the mark at the least sizes.  A
    procedure not decided in time is left out (a result about it is then not marked)."""
    depth = SANITY_DEPTH if depth is None else depth
    outs = {name: _can_pass(engine, model, name, "pass", depth, deadline) for name in procedures}
    return {phase_key(name, "pass"): out.status == "found" for name, out in outs.items() if out.status != "unknown"}


def _can_pass(engine: Engine, model: m.Model, procedure: str, phase: str, depth: int, deadline: Deadline) -> Outcome:
    """Is there a behaviour of at most ``depth`` steps where ``procedure`` passes (``phase``)?  The
    behaviour found is replayed on the reference semantics; a search the deadline stops is
    ``unknown``, with the limit that ran out as its reason."""
    try:
        with deadline.applies():
            deadline.check()
            out = engine.reachable(model, procedure, depth, deadline, phase)
            if out.status == "found":
                replay_trace(model, out.steps)
    except OutOfTime as err:
        out = Outcome("unknown", depth=0, reason=str(err))
    return out
