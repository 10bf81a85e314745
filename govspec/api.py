"""The Python API: load a spec, check it, get a frozen report.

    >>> from govspec import api
    >>> report = api.check_files(["specs/openai_2023.gov"])      # doctest: +SKIP
    >>> report.exit_code                                          # doctest: +SKIP
    1

The CLI (:mod:`govspec.cli`) only parses arguments, calls these functions and renders.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from . import model as m
from .check import build_model
from .diagnostics import SpecError
from .report import FileReport, Report
from .syntax import MAX_SOURCE_BYTES, parse, read_source

DEFAULT_DEPTH = None  # no cap: each property is searched until decided or its budget runs out
DEFAULT_TIMEOUT = 60.0
DEFAULT_EFFORT = 1.0


ENGINES = ("z3", "explicit")


@dataclass(frozen=True)
class Options:
    depth: int | None = DEFAULT_DEPTH  # the deepest search (None: no cap; deeper until decided or out of budget)
    timeout: float = DEFAULT_TIMEOUT  # seconds per property (every solver call gets what is left)
    effort: float = DEFAULT_EFFORT  # the search budget per property beyond the first search (verdicts.Budget)
    accept_bounded: bool = False  # bounded results do not make the exit code 4 (the output says so)
    recheck_cvc5: bool = False  # re-check each proof's invariant with cvc5 too (the cvc5 extra)
    sanity: bool = True
    engine: str = "z3"  # or "explicit": enumeration on the reference semantics, no Z3
    unbounded: bool = True  # also try proofs for behaviours of any length (engines that can: Z3)
    explain: bool = False  # for each PROVED property, find the rules it relies on (govspec/reliance.py)


def engine_for(name: str):
    if name == "explicit":
        from .explicit import ExplicitEngine

        return ExplicitEngine()
    from verifier import Z3Engine  # heavy (z3): imported only when checking

    return Z3Engine()


def load_text(text: str, path: str = "<input>", sizes: dict[str, int] | None = None) -> m.Model:
    """Parse, join imports, resolve and check a spec given as text (imports resolve from ``path``);
    ``sizes``: the size of groups of variable size (the instance of the spec with those sizes)."""
    from .imports import resolve

    spec, sources = resolve(parse(text, path), path)
    return build_model(spec, text, path, sources, sizes)


def instance(model: m.Model, sizes: dict[str, int]) -> m.Model:
    """The spec of ``model`` with its groups of variable size at ``sizes`` (the others at their least)."""
    return load_text(model.source, model.path, sizes)


def load(path: str) -> m.Model:
    """Load a spec file, or a Markdown review document whose ```govspec blocks form the spec."""
    from .review import is_review, spec_text

    text = read_source(path)
    return load_text(spec_text(text, path) if is_review(path) else text, path)


def check_model(model: m.Model, options: Options = Options(), progress=None) -> FileReport:
    """Check every property of ``model``; raises :class:`govspec.verdicts.ReplayError` on an engine bug.

    ``progress``, if given, is called with a short description before each step of the work."""
    from .verdicts import check_property, sanity

    engine = engine_for(options.engine)
    passable: dict[str, bool] = {}
    sanity_results: list = []
    if options.sanity:
        if progress:
            progress(f"{model.path}: can each procedure pass?")
        sanity_results, passable = sanity(engine, model, options.depth, options.timeout)
    results = []
    for n, p in enumerate(model.properties, start=1):
        if progress:
            progress(f"{model.path}: {p.name} ({n} of {len(model.properties)})")
        result = check_property(engine, model, p, options.depth, options.timeout, passable, options.unbounded,
                                options.effort, options.recheck_cvc5)
        if options.explain and result.status == "proved" and not result.vacuous:
            if progress:
                progress(f"{model.path}: {p.name}: which rules does the proof rely on?")
            result = _explained(result, model, p, options)
        results.append(result)
    return FileReport(model.path, tuple(results), tuple(sanity_results))


def _explained(result, model: m.Model, prop: m.Property, options: Options):
    """The result with the rules its proof relies on (each rule removed in turn, checked again)."""
    from dataclasses import replace

    from .reliance import relied_on
    from .verdicts import check_property

    def check(weakened: m.Model):
        # a bounded search suffices: only a counterexample (REFUTED) shows a rule necessary
        return check_property(engine_for(options.engine), weakened, prop, options.depth, options.timeout)

    needed, undecided = relied_on(check, model)
    return replace(result, relied_on=needed, relied_on_undecided=undecided)


def file_sha256(path: str) -> str | None:
    """The SHA-256 of a file's bytes (the spec's content hash in proof stamps); None if unreadable."""
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read(MAX_SOURCE_BYTES + 1)).hexdigest()
    except (OSError, ValueError):
        return None


def check_file(path: str, options: Options = Options(), progress=None) -> FileReport:
    try:
        model = load(path)
    except SpecError as err:
        return FileReport(path, errors=tuple(err.diagnostics), sha256=file_sha256(path))
    return replace(check_model(model, options, progress), sha256=file_sha256(path))


def z3_version() -> str | None:
    try:
        from verifier import z3_version as version
    except ImportError:  # pragma: no cover - z3 is a dependency
        return None
    return version()


def options_dict(options: Options) -> dict:
    """The options as recorded in a report (enough for ``govspec verify-report`` to re-run)."""
    return {"depth": options.depth, "timeout": options.timeout, "effort": options.effort, "engine": options.engine,
            "sanity": options.sanity, "accept_bounded": options.accept_bounded, "recheck_cvc5": options.recheck_cvc5}


def check_files(paths, options: Options = Options(), progress=None) -> Report:
    return Report(tuple(check_file(p, options, progress) for p in paths), options_dict(options), z3_version())
