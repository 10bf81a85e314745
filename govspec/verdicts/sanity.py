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
            deadline = time_limit(seconds, within)
            try:
                with deadline.applies():
                    deadline.check()
                    out = engine.reachable(model, proc.name, depth, deadline, phase)
                    if out.status == "found":
                        replay_trace(model, out.steps)
            except OutOfTime as err:
                out = Outcome("unknown", depth=0, reason=str(err))
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
