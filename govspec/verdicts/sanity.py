"""The sanity check: can each procedure pass at all?  (Vacuity warnings, never a verdict.)"""

from __future__ import annotations

from .. import model as m
from ..engine import Deadline, Engine
from ..report import SanityResult
from .replay import replay_trace
from .words import one_line, phase_key, sizes_text


SANITY_DEPTH = 6  # how deep the sanity check looks for a behaviour where a procedure passes (no --depth)


def sanity(engine: Engine, model: m.Model, depth: int | None, seconds: float) -> tuple[list[SanityResult], dict[str, bool]]:
    """Can each procedure pass in some behaviour of at most ``depth`` steps (None: SANITY_DEPTH)?
    (Vacuity checks for the properties: a warning, never a verdict.)"""
    depth = SANITY_DEPTH if depth is None else depth
    results, passable = [], {}
    for proc in model.procedures.values():
        if proc.is_event:
            continue
        where = dict(path=None if proc.span.path == model.path else proc.span.path)
        for phase in ("pass", "execute") if proc.timed else ("pass",):
            key = phase_key(proc.name, phase)
            verb = "pass" if phase == "pass" else "take effect"
            out = engine.reachable(model, proc.name, depth, Deadline(seconds), phase)
            if out.status == "found":
                replay_trace(model, out.steps)
                passable[key] = True
                results.append(SanityResult(key, proc.span.line, "ok", f"can {verb} (after {out.depth} step(s))", out.depth, **where))
            elif out.status == "none":
                passable[key] = False
                at = f" with {sizes_text({g: low for g, (low, _) in model.sizes.items()})}" if model.sizes else ""
                results.append(SanityResult(key, proc.span.line, "warning", f"can never {verb} within {depth} steps{at}",
                                            depth, **where))
            else:
                results.append(SanityResult(key, proc.span.line, "unknown", f"undecided: {one_line(out.reason or 'unknown')}",
                                            out.depth, **where))
    return results, passable
