"""The pieces of a check, shared by one process (:mod:`govspec.api`) and many (:mod:`govspec.parallel`):
the engine for a model, its sanity check, one property's result, and what a report records of the
run (the Z3 version, the fixed limits, the hashes of imported files).  :mod:`govspec.api` re-exports
the public ones."""

from __future__ import annotations

from . import model as m
from .load import Read
from .options import Options


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`check_files` or :func:`check_model`: still a ``KeyboardInterrupt``, with
    what was done.  ``report``: the results finished before it (a property is finished with its
    ``--explain`` reliance, if asked); ``unchecked``: ``(path, property name)`` for each property
    left, ``(path, None)`` for a file not loaded yet."""

    def __init__(self, report: Report, unchecked):
        super().__init__("interrupted")
        self.report = report
        self.unchecked = tuple(unchecked)


def engine_for(name: str):
    if name == "explicit":
        from .explicit import ExplicitEngine

        return ExplicitEngine()
    from verifier import Z3Engine  # heavy (z3): imported only when checking

    return Z3Engine()


def engine_of(model: m.Model, options: Options):
    """The engine that checks ``model`` and the warnings to show with its results (both engines
    check several live proposals since the Z3 engine encodes them, issue 13.6: no engine is swapped)."""
    return engine_for(options.engine), model.warnings


def sanity_of(engine, model: m.Model, options: Options, run=None):
    """(sanity results, passable): can each procedure pass?"""
    from .verdicts import sanity

    return sanity(engine, model, options.depth, options.timeout, run)


def check_one(engine, model: m.Model, p: m.Property, options: Options, passable: dict[str, bool], run=None,
              progress=None):
    """One property's result (with the rules its proof relies on, under ``--explain``)."""
    from .verdicts import check_property

    result = check_property(engine, model, p, options.depth, options.timeout, passable, options.unbounded,
                            options.effort, options.recheck_cvc5, run)
    # (a "possible" PROVED rests on its witness, not on a proof whose rules could be removed)
    if options.explain and result.status == "proved" and not result.vacuous and result.kind != "possible":
        if progress:
            progress(f"{model.path}: {p.name}: which rules does the proof rely on?")
        result = _explained(result, model, p, options, run)
    return result


def _explained(result, model: m.Model, prop: m.Property, options: Options, run=None):
    """The result with the rules its proof relies on (each rule removed in turn, checked again)."""
    from dataclasses import replace

    from .reliance import relied_on
    from .report import WITNESS_KINDS
    from .verdicts import check_property

    witnessed = result.kind in WITNESS_KINDS

    def check(weakened: m.Model):
        # a bounded search suffices: only a counterexample (REFUTED) shows a rule necessary; with
        # groups of variable size, at the next sizes too (a rule may be needed at larger sizes only).
        # A property a witness proves ('can force') is refuted only by a proof of any length that
        # no witness exists: searched until decided, as check does
        # (the property as the weakened spec reads it: built again without a timelock, 'P.executed' is the vote)
        again = next((q for q in weakened.properties if q.name == prop.name), prop)
        return check_property(engine_for(options.engine), weakened, again, options.depth, options.timeout, within=run,
                              next_sizes=True, unbounded=witnessed, effort=options.effort)

    found = relied_on(check, model, result.kind)
    return replace(result, relied_on=found.needed, relied_on_undecided=found.undecided, relied_on_scope=found.scope,
                   relied_on_untried=found.untried)


def _imports(read: Read) -> tuple[tuple[str, str], ...]:
    return tuple(read.imported.hashes.items())


def z3_version() -> str | None:
    try:
        from verifier import z3_version as version
    except ImportError:  # pragma: no cover - z3 is a dependency
        return None
    return version()


def limits() -> dict:
    """The fixed limits the verdicts are found within (recorded in proof stamps): how deep the
    search goes at effort 1 and how long a proof by exhaustion may take (:mod:`govspec.verdicts`),
    and Z3's resource limits (:func:`verifier.limits`)."""
    from verifier import limits as z3_limits

    from .verdicts.deepening import EFFORT_DEPTH, EXHAUSTION_SECONDS, FIRST_DEPTH

    return {"first_depth": FIRST_DEPTH, "effort_depth": EFFORT_DEPTH, "exhaustion_seconds": EXHAUSTION_SECONDS,
            **z3_limits()}
