"""The Python API: load a spec, check it, get a frozen report.

    >>> from govspec import api
    >>> report = api.check_files(["specs/openai_2023.gov"])      # doctest: +SKIP
    >>> report.exit_code                                          # doctest: +SKIP
    1

The CLI (:mod:`govspec.cli`) only parses arguments, calls these functions and renders.
"""

from __future__ import annotations

from dataclasses import replace

from . import model as m
from .diagnostics import Diagnostic, SpecError
from .load import Read, inputs, instance, load, load_text
from .options import DEFAULT_BUDGET, DEFAULT_DEPTH, DEFAULT_EFFORT, DEFAULT_TIMEOUT, ENGINES, Options, options_dict
from .report import FileReport, Report
from .syntax import read_source

__all__ = ["DEFAULT_BUDGET", "DEFAULT_DEPTH", "DEFAULT_EFFORT", "DEFAULT_TIMEOUT", "ENGINES", "Interrupted", "Options",
           "Read", "check_file", "check_files", "check_model", "engine_for", "inputs", "instance", "limits", "load",
           "load_text",
           "options_dict", "read_source", "stop_engines", "z3_version"]


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


def stop_engines(owed: bool = False) -> None:
    """Ctrl-C: end the engines' running solver calls at once, so that the pending KeyboardInterrupt
    is raised now (thread-safe: for a thread watching for the signal).  ``owed``: Python dropped the
    KeyboardInterrupt (raised in a ``__del__`` or a ctypes callback); the Z3 engine raises it at its
    next step.  The explicit engine is Python and stops by itself.  If Z3 is not loaded, nothing runs."""
    import sys

    interrupts = sys.modules.get("verifier.interrupts")
    if interrupts is not None:
        interrupts.stop(owed)


def check_model(model: m.Model, options: Options = Options(), progress=None, within=None) -> FileReport:
    """Check every property of ``model``; raises :class:`govspec.verdicts.ReplayError` on an engine bug.

    ``progress``, if given, is called with a short description before each step of the work.
    ``within``: the run's budget (a :class:`govspec.engine.Deadline`; :func:`check_files` gives
    one to all its files); without it, ``options.budget`` starts here.  Once it runs out, every
    property left is UNKNOWN with the reason (each is still reported)."""
    from .engine import run_budget
    from .verdicts import check_property, sanity

    run = within if within is not None else run_budget(options.budget)
    engine = engine_for(options.engine)
    warnings = model.warnings
    if model.several_live():  # (issue 13.6: the Z3 encodings do not encode several live proposals; the reasons say so)
        engine = engine_for("explicit")
        if options.engine != "explicit":  # (said where every format shows it: the options name the engine asked for)
            several = next(p for p in model.procedures.values() if p.live > 1)
            warnings += (Diagnostic("GOV352", f"checked by the explicit engine, not {options.engine}: {model.several_live()}",
                                    several.span, "warning"),)
    passable: dict[str, bool] = {}
    sanity_results: list = []
    results = []
    try:
        if options.sanity:
            if progress:
                progress(f"{model.path}: can each procedure pass?")
            sanity_results, passable = sanity(engine, model, options.depth, options.timeout, run)
        for n, p in enumerate(model.properties, start=1):
            if progress:
                progress(f"{model.path}: {p.name} ({n} of {len(model.properties)})")
            result = check_property(engine, model, p, options.depth, options.timeout, passable, options.unbounded,
                                    options.effort, options.recheck_cvc5, run)
            # (a "possible" PROVED rests on its witness, not on a proof whose rules could be removed)
            if options.explain and result.status == "proved" and not result.vacuous and result.kind != "possible":
                if progress:
                    progress(f"{model.path}: {p.name}: which rules does the proof rely on?")
                result = _explained(result, model, p, options, run)
            results.append(result)
    except KeyboardInterrupt:
        done = FileReport(model.path, tuple(results), tuple(sanity_results))
        left = [(model.path, p.name) for p in model.properties[len(results):]]
        raise Interrupted(Report((done,), options_dict(options)), left) from None
    return FileReport(model.path, tuple(results), tuple(sanity_results), warnings=warnings)


def _explained(result, model: m.Model, prop: m.Property, options: Options, run=None):
    """The result with the rules its proof relies on (each rule removed in turn, checked again)."""
    from dataclasses import replace

    from .reliance import relied_on
    from .verdicts import check_property

    def check(weakened: m.Model):
        # a bounded search suffices: only a counterexample (REFUTED) shows a rule necessary
        return check_property(engine_for(options.engine), weakened, prop, options.depth, options.timeout, within=run)

    needed, undecided = relied_on(check, model)
    return replace(result, relied_on=needed, relied_on_undecided=undecided)


def check_file(path: str, options: Options = Options(), progress=None, read: Read | None = None,
               within=None) -> FileReport:
    """Check one file; its proof stamp holds the hashes of the bytes loaded (read once: an edit
    while it is checked is not hashed beside verdicts of the text before).  ``read``: also record
    there what was read (whether the file parsed as a spec, for :mod:`govspec.stamps`); ``within``:
    the run's budget, as for :func:`check_model`."""
    read = read if read is not None else Read()
    try:
        model = load(path, read)
    except SpecError as err:
        return FileReport(path, errors=tuple(err.diagnostics), sha256=read.sha256, imports=_imports(read))
    return replace(check_model(model, options, progress, within), sha256=read.sha256, imports=_imports(read))


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


def check_files(paths, options: Options = Options(), progress=None, reads: dict[str, Read] | None = None) -> Report:
    """Check each file in turn; on Ctrl-C, :class:`Interrupted` with the files and results done.
    ``options.budget`` bounds them all: once it runs out, each property left (in this file or the
    next ones, which are still loaded) is UNKNOWN with the reason.  ``reads``: filled with what was
    read of each file (:class:`Read`), for output made from the text checked."""
    from .engine import run_budget

    paths, done, run = list(paths), [], run_budget(options.budget)
    reads = reads if reads is not None else {}
    for n, path in enumerate(paths):
        try:
            done.append(check_file(path, options, progress, reads.setdefault(path, Read()), within=run))
        except KeyboardInterrupt as stop:
            cut = isinstance(stop, Interrupted)  # (else: Ctrl-C while loading the file)
            partial, left = (stop.report.files, stop.unchecked) if cut else ((), ((path, None),))
            raise Interrupted(Report(tuple(done) + partial, options_dict(options), z3_version(), limits()),
                              left + tuple((p, None) for p in paths[n + 1:])) from None
    return Report(tuple(done), options_dict(options), z3_version(), limits())


def _html_fragment(report: Report) -> str:
    from .formats.html import render_html  # (jinja2: loaded only when a report is shown)

    return render_html(report, fragment=True)


Report.html_fragment = _html_fragment  # Jupyter shows a report as its HTML page


def power(path: str, outcome: str | None = None, by: str = "person") -> dict:
    """The power analysis of the spec at ``path`` (:func:`govspec.power.report.power_report`):
    SpecError if it is invalid, ValueError if ``outcome`` names no procedure of it."""
    from .power.report import power_report

    return power_report(load(path), outcome, by)
