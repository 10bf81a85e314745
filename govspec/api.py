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
from .diagnostics import SpecError
from .load import Read, inputs, instance, load, load_text
from .options import DEFAULT_BUDGET, DEFAULT_DEPTH, DEFAULT_EFFORT, DEFAULT_TIMEOUT, ENGINES, Options, options_dict
from .report import FileReport, Report
from .review import reviews_other_specs
from .syntax import read_source
from .power_properties import check_any
from .tasks import Interrupted, _imports, engine_for, engine_of, limits, sanity_of, z3_version

__all__ = ["DEFAULT_BUDGET", "DEFAULT_DEPTH", "DEFAULT_EFFORT", "DEFAULT_TIMEOUT", "ENGINES", "Interrupted", "Options",
           "Read", "check_file", "check_files", "check_model", "engine_for", "inputs", "instance", "limits", "load",
           "load_text",
           "options_dict", "read_source", "stop_engines", "z3_version"]


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

    run = within if within is not None else run_budget(options.budget)
    engine, warnings = engine_of(model, options)
    passable: dict[str, bool] = {}
    sanity_results: list = []
    results = []
    try:
        if options.sanity:
            if progress:
                progress(f"{model.path}: can each procedure pass?")
            sanity_results, passable = sanity_of(engine, model, options, run)
        for n, p in enumerate(model.properties, start=1):
            if progress:
                progress(f"{model.path}: {p.name} ({n} of {len(model.properties)})")
            results.append(check_any(engine, model, p, options, passable, run, progress))
    except KeyboardInterrupt:
        done = FileReport(model.path, tuple(results), tuple(sanity_results), title=model.title)
        left = [(model.path, p.name) for p in model.properties[len(results):]]
        raise Interrupted(Report((done,), options_dict(options)), left) from None
    return FileReport(model.path, tuple(results), tuple(sanity_results), warnings=warnings, title=model.title)


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
        # (a review of other specs, with diff blocks only, is no error: govspec.diff.review)
        errors = () if reviews_other_specs(path, read.text, err.diagnostics) else tuple(err.diagnostics)
        return FileReport(path, errors=errors, sha256=read.sha256, imports=_imports(read))
    return replace(check_model(model, options, progress, within), sha256=read.sha256, imports=_imports(read))


def check_files(paths, options: Options = Options(), progress=None, reads: dict[str, Read] | None = None) -> Report:
    """Check each file in turn; on Ctrl-C, :class:`Interrupted` with the files and results done.
    ``options.budget`` bounds them all: once it runs out, each property left (in this file or the
    next ones, which are still loaded) is UNKNOWN with the reason.  ``reads``: filled with what was
    read of each file (:class:`Read`), for output made from the text checked."""
    from .engine import run_budget

    if options.jobs > 1 or options.cluster:  # (-j N, --cluster: the same report from N processes or a cluster)
        from .parallel import check_files_jobs

        return check_files_jobs(paths, options, options.jobs, progress, reads)
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


def power(path: str, outcome: str | None = None, by: str = "person", jobs: int = 1,
          cluster: str | None = None, options: Options = Options(), progress=None, sample: int | None = None,
          each_size: bool = False, bloc: str | None = None, read: Read | None = None) -> dict:
    """The power analysis of the spec at ``path`` (:func:`govspec.power.report.power_report`):
    SpecError if it is invalid, ValueError if ``outcome`` names no procedure of it (``P.executed``:
    only a timed procedure's taking effect).  ``jobs``,
    ``cluster``: each single vote analysed on one of ``jobs`` processes or on the Dask cluster at
    that address (:func:`govspec.parallel.map_ordered`; the same result).  Every outcome outside
    the single vote is then analysed procedurally, here, with the checks' ``options``
    (:func:`govspec.procedural.with_procedural`).  A single weighted vote too large for the exact
    analysis of every index gets its exact Banzhaf and Coleman indices alone
    (:func:`govspec.power.games.banzhaf_analysis`, the rest named under ``not_computed``), or past
    their limit certified bounds (:mod:`govspec.power.certified`), labelled so.  ``sample``: an
    outcome too large for the exact analysis that those do not take (a vote by several rules, one
    whose bounds are declined, or the procedural analysis) gets Banzhaf indices estimated from that
    many random coalitions and Shapley-Shubik indices from that many random orders; one of which only
    the Banzhaf indices are computed (exact or certified) gets its Shapley-Shubik indices estimated
    (``"sampled_shapley"``); every estimate labelled approximate.
    ``each_size``: also each outcome's game at each size of its body that the spec's events (resignations)
    reach (:func:`govspec.power_sizes.with_sizes`).  ``bloc``: a tag whose people are one player,
    ``tagged TAG``, in every analysis (:func:`govspec.power.report.tag_bloc`; ValueError when nobody
    has it); with ``by`` "person" only.  ``read``: where to record the hashes of the files read."""
    from .parallel import map_ordered, power_task, spec_of
    from .power.report import power_report, tag_bloc, unknown_outcome
    from .procedural import with_procedural

    from .procedural import outcomes

    if bloc is not None and by != "person":
        raise ValueError(f"a bloc is one player in the place of its people: give it with the players by person, not by {by}")
    model = load(path, read)
    taking_effect = outcome in [g.text for g in outcomes(model) if g.phase == "execute"]
    asked = outcome.removesuffix(".executed") if taking_effect else outcome  # (P.executed: P's analysis, that outcome kept)
    wrong = [unknown_outcome(model, asked)]  # (both a wrong outcome and a wrong tag are named, not the first)
    try:
        players = tag_bloc(model, bloc) if bloc is not None else None
    except ValueError as err:
        wrong.append(str(err))
    if any(wrong):
        raise ValueError(". Also, ".join(filter(None, wrong)))
    if jobs <= 1 and cluster is None:
        report = power_report(model, asked, by, sample=sample, bloc=players)
    else:
        report = power_report(model, asked, by, each=lambda names: map_ordered(
            power_task, [(spec_of(model), name, by, sample, players) for name in names], jobs, cluster=cluster))
    report = with_procedural(report, model, replace(options, sanity=False), by, progress, only=outcome,
                             sample=sample, bloc=players)
    if each_size:
        from .power_sizes import with_sizes

        report = with_sizes(report, model, replace(options, sanity=False), by, progress, bloc=players)
    return report
