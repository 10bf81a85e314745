"""The command line: a thin layer over :mod:`govspec.api`.

``main(argv, stdout, stderr) -> int`` parses arguments, calls the API, renders and returns the
exit code, so tests call it directly.  Exit codes: 0 all proved, 1 a property refuted, 2 usage
error or internal error, 3 invalid spec, 4 inconclusive (some bounded or UNKNOWN, none refuted;
``--accept-bounded`` lets bounded results pass), 130 interrupted (Ctrl-C: the results finished
are printed, then the properties left).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import threading
from typing import TextIO

import click

from . import __version__
from .options import BUDGET_RANGE, DEPTH_RANGE, EFFORT_RANGE, JOBS_RANGE, TIMEOUT_RANGE

EXIT_OK, EXIT_REFUTED, EXIT_USAGE, EXIT_INVALID, EXIT_UNKNOWN = 0, 1, 2, 3, 4
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C


FORMATS = ["text", "json", "markdown", "html", "sarif", "junit"]


def _formatted(report, fmt: str, sources: dict[str, str]) -> str:
    """The report in one of the machine or reader formats (everything but ``text``)."""
    if fmt == "json":
        from .formats.render import json_text

        return json_text(report)
    if fmt == "html":
        from .formats.html import render_html

        return render_html(report, sources)
    from .formats import outputs

    if fmt == "sarif":
        return outputs.sarif_text(report)
    return outputs.markdown(report, sources) if fmt == "markdown" else outputs.junit(report, sources)


class _Ascii:
    """A number option written with the digits 0 to 9, as a number in a spec is: Python's int() and
    float() read other scripts' digits too ('٣' as 3, fullwidth '５' as 5)."""

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not value.isascii():
            self.fail(f"{value!r} is not a number written with the digits 0 to 9.", param, ctx)
        return super().convert(value, param, ctx)


class _IntRange(_Ascii, click.IntRange):
    """click's IntRange, of ASCII digits only (:class:`_Ascii`)."""


class _FiniteRange(_Ascii, click.FloatRange):
    """click's FloatRange, which lets ``nan`` through (every comparison with it is false): NaN is
    refused like any value out of range (infinity already is: every range here is finite); of
    ASCII digits only (:class:`_Ascii`)."""

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if number != number:
            self.fail(f"{value!r} is not a number in the range {self._describe_range()}.", param, ctx)
        return number


class _Streams:
    out: TextIO = sys.stdout
    err: TextIO = sys.stderr


STDOUT_CLOSED = "standard output is closed: what the command prints has nowhere to go"


class _StdoutClosed(click.ClickException):
    """A write to a standard output that is closed: ``--help`` or ``--version`` with ``>&-``."""


class _ClosedOutput:
    """Standard output when the process was started without one (``>&-``: ``sys.stdout`` is None).
    Each command that prints stops before its work (:func:`_stdout_needed`); a write (click's help,
    its version) is a usage error."""

    def write(self, text: str) -> int:
        raise _StdoutClosed(STDOUT_CLOSED)

    def flush(self) -> None:
        pass


READER_GONE = "standard output was closed by its reader"


class _Output:
    """Standard output, flushed at each write.  Once its reader has closed it (a pipe into
    ``head -1``: EPIPE), what the command prints after is dropped, with one message on standard
    error, and the command goes on: the files named by options are written, the exit code is the verdict's."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.gone = stream, False

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # (as a text stream: click asks whether it takes bytes)
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if text and not self.gone:
            try:
                self.stream.write(text)
                self.stream.flush()
            except BrokenPipeError:
                self._reader_gone()
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._reader_gone()

    def _reader_gone(self) -> None:
        self.gone = True
        _Streams.err.write(f"govspec: {READER_GONE}; the rest of what the command prints is dropped\n")

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


class _Discard:
    """Standard error when the process was started without one (``2>&-``: ``sys.stderr`` is None):
    messages go nowhere, and everything else (outputs, exit codes) is as with it open."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _stdout_needed(ctx: click.Context) -> None:
    """Exit 2 with a message, before any work, when standard output is closed."""
    if isinstance(_Streams.out, _ClosedOutput):
        _say_stdout_closed()
        ctx.exit(EXIT_USAGE)


def _say_stdout_closed() -> None:
    _Streams.err.write(f"govspec: {STDOUT_CLOSED} (nothing was done; redirect it to a file instead)\n")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="govspec", message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """GovSpec: check governance rules (bylaws, boards, DAOs) with a theorem prover.

    Exit codes of check and report: 0 all proved, 1 a property refuted, 2 usage or internal error,
    3 invalid spec, 4 bounded or unknown, 130 interrupted (Ctrl-C). `govspec explain GOV104`
    explains an error code."""
    if ctx.invoked_subcommand != "report":  # (report -o OUT prints nothing: it checks for itself)
        _stdout_needed(ctx)


def _parallel_options(work: str) -> list:
    """``-j N`` and ``--cluster ADDRESS``, shared by every command whose work is independent tasks
    (:func:`govspec.parallel.run_tasks`); ``work``: what runs in parallel, in the help."""
    return [
        click.option("-j", "--jobs", type=_IntRange(*JOBS_RANGE), default=1, show_default=True,
                     help=f"Run on this many processes ({work} in parallel); the results and their order are "
                          f"the same for every number, unless a time limit cuts a check short (limits are clock "
                          f"time)."),
        click.option("--cluster", metavar="tcp://HOST:PORT", default=None, callback=_dask_needed,
                     help="Run the same tasks on the workers of the Dask scheduler at this address, with the same "
                          "results (pip install 'govspec[cluster]'; the workers need the same GovSpec and Z3)."),
    ]


def _dask_needed(ctx: click.Context, param, address: str | None) -> str | None:
    if address is None:
        return None  # (without --cluster, nothing of the process pool is imported: a small check starts faster)
    if not address.strip():  # (an empty address ran everything here, without a word)
        raise click.BadParameter("an address is needed, such as tcp://HOST:PORT", ctx, param)
    from .parallel import DASK_MISSING, dask_installed

    if not dask_installed():
        raise click.UsageError(DASK_MISSING, ctx)
    return address


@contextlib.contextmanager
def _cluster_errors():
    """A Dask cluster that cannot be used (unreachable, no worker, other versions): a message, exit 2."""
    try:
        yield
    except Exception as err:
        parallel = sys.modules.get("govspec.parallel")  # (only a module that was imported can have raised it)
        if parallel is None or not isinstance(err, parallel.ClusterError):
            raise
        raise click.ClickException(f"--cluster: {err}") from None


def _with_options(options: list):
    def decorate(command):
        for option in reversed(options):
            command = option(command)
        return command
    return decorate


def _check_options(command):
    """The options shared by ``check`` and ``report``: what to explore, how long, with which engine."""
    return _with_options([
        click.option("--depth", type=_IntRange(*DEPTH_RANGE), default=None, show_default="no cap",
                     help="Cap the search at behaviours of this many steps. By default each property is "
                          "searched deeper until it is PROVED or REFUTED, or its budget runs out."),
        click.option("--effort", type=_FiniteRange(*EFFORT_RANGE), default=None, show_default="1",
                     help="The search budget per property beyond the first search to depth 4, as a multiple "
                          "of a fixed amount of solver work (not seconds: the same check gives the same "
                          "verdict on a busy machine)."),
        click.option("--timeout", type=_FiniteRange(*TIMEOUT_RANGE), default=None, show_default="60",
                     help="Time limit per property (and per sanity check of a procedure), in seconds, for all "
                          "its work; a search it stops is bounded (or UNKNOWN)."),
        click.option("--budget", type=_FiniteRange(*BUDGET_RANGE), default=None, show_default="none",
                     help="Time limit for the whole run, in seconds; once it runs out, every property left "
                          "is UNKNOWN (each is still reported)."),
        click.option("--accept-bounded", is_flag=True,
                     help="Exit 0 (not 4) when results are PROVED or bounded (HOLDS UP TO N STEPS ...); "
                          "the output says that bounded results were accepted. They are still not proofs."),
        click.option("--recheck-cvc5", is_flag=True,
                     help="Also re-check the invariant of each proof of any length with a second solver, cvc5 "
                          "(pip install 'govspec[cvc5]'); a proof cvc5 rejects is not PROVED."),
        click.option("--engine", type=click.Choice(["z3", "explicit"]), default="z3", show_default=True,
                     help="z3: symbolic search (default). explicit: enumerate behaviours on the reference "
                          "semantics (a second opinion for small specs; no Z3)."),
        click.option("--no-sanity", is_flag=True, help="Skip the check that every procedure can pass."),
        click.option("--explain", is_flag=True,
                     help="For each PROVED property, list the rules the proof relies on (each is removed in "
                          "turn and the property checked again; slower). For a power property, whatever its "
                          "verdict: the game it was read on and why the claim holds or fails there."),
        *_parallel_options("files, sanity checks and properties"),
        click.option("-q", "--quiet", is_flag=True, help="No progress and no notes on standard error."),
    ])(command)


def _run_check(ctx: click.Context, files, depth, timeout, engine, no_sanity, quiet, explain=False, effort=None,
               accept_bounded=False, recheck_cvc5=False, partial_out: TextIO | None = None, budget=None, reads=None,
               jobs: int = 1, cluster: str | None = None):
    """Check FILES; returns (report, sources of the files with errors), or exits 2 on an engine bug,
    or 130 on Ctrl-C after printing the results finished as text on ``partial_out`` (standard error
    if None) and the properties left.  ``reads``: filled with what was read of each file."""
    from . import api
    from .progress import progress_for
    from .review import is_review
    from .verdicts import ReplayError

    if recheck_cvc5:
        import importlib.util

        if importlib.util.find_spec("cvc5") is None:
            raise click.UsageError("--recheck-cvc5 needs cvc5: pip install 'govspec[cvc5]'")
    options = api.Options(
        depth=api.DEFAULT_DEPTH if depth is None else depth,
        timeout=api.DEFAULT_TIMEOUT if timeout is None else timeout,
        budget=budget,
        effort=api.DEFAULT_EFFORT if effort is None else effort,
        accept_bounded=accept_bounded,
        recheck_cvc5=recheck_cvc5,
        sanity=not no_sanity,
        engine=engine,
        explain=explain,
        jobs=jobs,
        cluster=cluster,
    )
    try:
        with progress_for(_Streams.err, quiet) as progress, _cluster_errors():
            reads = reads if reads is not None else {}
            report = api.check_files(list(files), options, progress, reads)
            if any(is_review(f.path) for f in report.files):  # a review's govspec-diff and govspec-power blocks
                report = _with_review_blocks(report, options, reads, progress)
    except ReplayError as err:
        _Streams.err.write(f"govspec: internal error: a trace from the {engine} engine failed to replay on the "
                           f"reference semantics ({err}).\nThis is a verifier bug; please report it with the spec.\n")
        ctx.exit(EXIT_USAGE)
    except api.Interrupted as stop:
        cut = {path for path, _ in stop.unchecked}  # (a file cut before its first result is not "no properties")
        _print_text(dataclasses.replace(stop.report, files=tuple(
            f for f in stop.report.files if f.properties or f.path not in cut)), partial_out or _Streams.err)
        _errors_to_stderr(stop.report, _error_sources(stop.report))
        _Streams.err.write(f"govspec: interrupted (Ctrl-C){_unchecked(stop.unchecked)}\n")
        ctx.exit(EXIT_INTERRUPTED)
    return report, _error_sources(report)


def _error_sources(report) -> dict[str, str]:
    """The text of each file an error of ``report`` points into (errors may sit in an imported file;
    a spec read from a pipe, which cannot be read twice, as it was read: :func:`source_of`)."""
    from .imports import source_of

    sources = {}
    for f in report.files:
        for d in (*f.errors, *f.warnings):
            if d.span.path not in sources:
                text = source_of(d.span.path)
                if text is not None:
                    sources[d.span.path] = text
    return sources


def _unchecked(left) -> str:
    """``; not checked: a.gov: p, q; b.gov (every property)``: what Ctrl-C left (a None name: the whole file)."""
    by_file: dict[str, list] = {}
    for path, name in left:
        by_file.setdefault(path, []).append(name)
    if not by_file:
        return ""
    return "; not checked: " + "; ".join(f"{path} (every property)" if None in names else f"{path}: {', '.join(names)}"
                                         for path, names in by_file.items())


def _print_text(report, out: TextIO) -> None:
    """The text report of the valid files (the invalid ones go to standard error, with their errors)."""
    from .formats import render

    ok_files = dataclasses.replace(report, files=tuple(f for f in report.files if not f.errors))
    if ok_files.files:
        out.write(render.text(ok_files))


def _errors_to_stderr(report, sources) -> None:
    """The errors of invalid files, and the warnings of valid ones (look-alike names), on standard error."""
    from .diagnostics import render as render_diagnostic
    from .formats import render

    for f in report.files:
        for d in f.warnings:
            _Streams.err.write(render_diagnostic(d, sources.get(d.span.path)) + "\n")
    bad_files = type(report)(tuple(f for f in report.files if f.errors))
    if bad_files.files:
        _Streams.err.write(render.text(bad_files, sources))


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text: verdicts and scenarios in plain words; json: the machine-readable report "
                   "(re-checked by verify-report); markdown, html: for readers; sarif: code scanning; "
                   "junit: CI test views.")
@click.option("--trace-out", metavar="FILE", default=None,
              help="Write each counterexample (and each witness of a 'possible') as an ITF trace "
                   "(Apalache/Quint JSON) to FILE; "
                   "{property} and {file} in FILE are replaced. Never over a file the check reads.")
@click.option("--json-out", metavar="FILE", default=None,
              help="Also write the JSON report (the one --format json prints) to FILE, from the same check: "
                   "text in a CI log and JSON as an artifact. Never over a file the check reads.")
@_check_options
@click.pass_context
def check(ctx: click.Context, files, fmt, trace_out, json_out, depth, effort, timeout, budget, accept_bounded,
          recheck_cvc5, engine, no_sanity, explain, jobs, cluster, quiet) -> None:
    """Check every property in FILES (specs, or Markdown reviews); print verdicts and scenarios."""
    # refused before checking, a refusal costs no check: the JSON report over an input, either output
    # as standard output, the two as one file (a trace named by a pattern: once the check names it)
    _write(ctx, [], _inputs(files) if json_out is not None else [], quiet, refuse=json_out,
           others=[trace_out] if trace_out is not None and "{" not in trace_out else [], stdout_taken=True)
    # on Ctrl-C, only text shows the results so far: a partial JSON, SARIF, JUnit, Markdown or HTML
    # report would pass for a whole one (a proof stamp, a green CI view), so that text goes to stderr
    report, sources = _run_check(ctx, files, depth, timeout, engine, no_sanity, quiet, explain, effort, accept_bounded,
                                 recheck_cvc5, partial_out=_Streams.out if fmt == "text" else _Streams.err, budget=budget,
                                 jobs=jobs, cluster=cluster)
    if fmt != "text":
        _Streams.out.write(_formatted(report, fmt, sources))
    else:
        _print_text(report, _Streams.out)
    _errors_to_stderr(report, sources)
    _stop_on_bad_input(ctx, report, quiet, [out for out in (json_out, trace_out) if out is not None])
    traces = []
    if trace_out is not None:
        from .formats.itf import SeveralTraces, trace_files
        from .safe import shown
        from .writing import not_a_file

        try:
            traces = trace_files(report, trace_out, not_a_file)
        except SeveralTraces as err:  # (refused before anything is written: the JSON report neither)
            _Streams.err.write(
                f"govspec: cannot write {err.count} ITF traces to '{shown(err.path)}': it is not a regular file, and "
                f"several traces would be regular files made beside it, one per property; name them with "
                f"{{property}}, as --trace-out traces/{{property}}.itf.json; nothing written\n")
            ctx.exit(EXIT_USAGE)
    written = True  # (a JSON report that cannot be written, a FIFO without a reader: the traces still are)
    if json_out is not None:  # (not over a trace: the names a pattern gives are known only now)
        written = _write(ctx, [(json_out, _formatted(report, "json", sources))], _inputs(files), quiet,
                         "JSON report", others=[path for path, _ in traces], stdout_taken=True, keep_going=True)
    if trace_out is not None:
        _write(ctx, traces, _inputs(files), quiet, "ITF trace", stdout_taken=True)
    ctx.exit(report.exit_code if written else EXIT_USAGE)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=True))
@click.option("-o", "--output", metavar="OUT", default="-", show_default=True,
              help="The HTML file to write ('-': standard output); never a file the check reads.")
@click.option("--pdf", is_flag=True,
              help="Write the page as a PDF instead (to -o OUT, a file), printed by a headless Chromium or Chrome "
                   "found on the machine (GOVSPEC_CHROMIUM: its path).")
@_check_options
@click.pass_context
def report(ctx: click.Context, file, output, pdf, depth, effort, timeout, budget, accept_bounded, recheck_cvc5,
           engine, no_sanity, explain, jobs, cluster, quiet) -> None:
    """Check FILE and write an HTML page (or with --pdf, a PDF): a Markdown review rendered with
    each govspec block's verdicts and scenarios after it, or the report of a spec."""
    from .formats.html import render_html
    from .formats.review import render_review
    from .review import is_review

    if pdf:
        from .formats.pdf import NoBrowser, browser

        if output == "-":
            raise click.UsageError("--pdf writes a file: give -o OUT.pdf")
        try:
            browser()  # (refused before checking: a missing browser costs no check)
        except NoBrowser as err:
            raise click.UsageError(str(err)) from None
    if output == "-":
        _stdout_needed(ctx)
    inputs = []
    if output != "-":  # refused before checking, a refusal costs no check
        inputs = _inputs([file])
        _write(ctx, [], inputs, quiet, refuse=output)
    reads: dict = {}
    checked, sources = _run_check(ctx, [file], depth, timeout, engine, no_sanity, quiet, explain, effort, accept_bounded,
                                  recheck_cvc5, budget=budget, reads=reads, jobs=jobs, cluster=cluster)
    _errors_to_stderr(checked, sources)
    _stop_on_bad_input(ctx, checked, quiet, [] if output == "-" else [output])  # (no page of errors, anywhere)
    text = reads[file].text if is_review(file) else None  # (the Markdown checked: read once)
    page = render_review(text, checked, sources) if text is not None else render_html(checked, sources)
    if pdf:
        from .formats.pdf import NoBrowser, html_to_pdf

        try:
            page = html_to_pdf(page)
        except NoBrowser as err:
            _Streams.err.write(f"govspec: {err}; nothing written\n")
            ctx.exit(EXIT_USAGE)
            return
    if output == "-":
        _Streams.out.write(page)
    else:
        _write(ctx, [(output, page)], inputs, quiet)
    ctx.exit(checked.exit_code)


def _stop_on_bad_input(ctx: click.Context, report, quiet: bool, outputs: list[str]) -> None:
    """Exit (2 or 3) when a file could not be read or is not a valid spec, before anything is
    written: bad input writes no output file and leaves one there as it was (its errors are on
    standard error already); ``outputs``: the files not written, named on stderr unless ``quiet``."""
    from .safe import shown

    if report.exit_code not in (EXIT_USAGE, EXIT_INVALID):
        return
    if outputs and not quiet:
        names = " and ".join(f"'{shown(o)}'" for o in outputs)
        why = "a file cannot be read" if report.exit_code == EXIT_USAGE else "a file is not a valid spec"
        _Streams.err.write(f"govspec: nothing written to {names}: {why} (exit {report.exit_code})\n")
    ctx.exit(report.exit_code)


def _inputs(files) -> list[tuple[str, str]]:
    """The inputs of a run on FILES, which no output may overwrite: each file and what it imports."""
    from .api import inputs

    return [found for f in files for found in inputs(f)]


def _write(ctx: click.Context, outputs, inputs, quiet: bool, kind: str = "", refuse: str | None = None,
           others=(), stdout_taken: bool = False, keep_going: bool = False) -> bool:
    """Write each (path, text) of ``outputs`` through :mod:`govspec.writing` (never over an input
    nor over another output, always whole), naming each on stderr; exits 3 if one would overwrite an
    input or ``others`` (the paths of the run's other outputs: nothing is written), or with
    ``stdout_taken`` (the command's own report goes to standard output) if one is standard output,
    2 if one cannot be written (with ``keep_going``, returns False instead: the caller writes its
    other outputs, then exits 2).  ``refuse``: a path only checked, nothing written (and ``others``
    checked against it, and as standard output)."""
    from .diagnostics import SpecError
    from .diagnostics import render as render_diagnostic
    from .writing import refuse_clashes, refuse_closed_stream, refuse_inputs, refuse_standard_output, write_outputs

    try:
        checked = [*others, *([refuse] if refuse is not None else [])]
        for path in checked:
            refuse_closed_stream(path)
        if refuse is not None:
            refuse_inputs(refuse, inputs)
        for path in checked if stdout_taken else ():
            refuse_standard_output(path)
        refuse_clashes(checked)
        write_outputs(outputs, inputs, others, stdout_taken)
    except SpecError as err:
        for d in err.diagnostics:
            _Streams.err.write(render_diagnostic(d, None) + "\n")
        ctx.exit(EXIT_INVALID)
    except OSError as err:
        _Streams.err.write(f"govspec: cannot write {f'the {kind} ' if kind else ''}'{err.filename}': "
                           f"{err.strerror or err}\n")
        if keep_going:
            return False
        ctx.exit(EXIT_USAGE)
    if not quiet:
        for path, _ in outputs:
            _Streams.err.write(f"govspec: wrote {f'{kind} ' if kind else ''}{path}\n")
    return True


def _with_review_blocks(report, options, reads, progress=None):
    """The report with each review's diff and power blocks done (for check, and verify-report)."""
    from .diff.review import with_diff_blocks  # (imported only then: a small check starts faster)
    from .power_review import with_power_blocks

    return with_power_blocks(with_diff_blocks(report, options, reads, progress), options, reads, progress)


@cli.command("verify-report")
@click.argument("report_file", metavar="REPORT", type=click.Path(dir_okay=True))
@click.option("--allow-outside", is_flag=True,
              help="Also read specs outside REPORT's folder tree (absolute paths elsewhere, '..', symbolic "
                   "links leading out); by default such a report is refused. Only for reports you trust.")
@click.pass_context
def verify_report(ctx: click.Context, report_file: str, allow_outside: bool) -> None:
    """Re-check a JSON report: same content of each spec and of every file it imports, same
    verdicts with the recorded options.

    A review's diff and power blocks are done again and compared by what they found.

    Exit 0 the report holds, 1 a spec or an imported file changed, a hash is missing, a verdict
    or a review block's findings differ, 2 REPORT cannot be read, 3 REPORT is not a GovSpec JSON
    report, names a spec outside its folder, or a spec can no longer be checked."""
    from .diagnostics import SpecError
    from .safe import counted, shown
    from .stamps import load_report, verify

    try:
        outcome = verify(load_report(report_file), report_file, allow_outside, _with_review_blocks)
    except SpecError as err:
        from .diagnostics import render as render_diagnostic
        from .imports import source_of

        for d in err.diagnostics:
            _Streams.err.write(render_diagnostic(d, source_of(d.span.path)) + "\n")
        ctx.exit(EXIT_USAGE if any(d.code == "GOV001" for d in err.diagnostics) else EXIT_INVALID)
        return
    for line in outcome.lines:
        _Streams.out.write(shown(line) + "\n")
    if outcome.differences:
        _Streams.out.write(f"{shown(report_file)}: the report no longer holds ({counted(outcome.differences, 'difference')})\n")
    else:
        checked = [p for f in outcome.rechecked.files for p in f.properties]
        decided = sum(p.status in ("proved", "refuted") for p in checked)
        blocks = sum(len(f.diffs) + len(f.powers) for f in outcome.rechecked.files)
        _Streams.out.write(f"{shown(report_file)}: the report holds ({counted(len(checked), 'verdict')} re-checked, "
                           f"{decided} of them decided" + (f"; {counted(blocks, 'review block')} done again, "
                                                          "as recorded" if blocks else "") + ")\n")
    ctx.exit(outcome.exit_code)


def _spec_error_exit(ctx: click.Context, err, shown: dict[str, str] | None = None) -> None:
    """Each error of a spec that did not load, located, on standard error; exit 3 (invalid), or 2
    when a path cannot be read (a usage error, as for check).  ``shown``: temporary folders of files
    read at a git revision, with the revision (such a file is shown by its path in the repository, @REV)."""
    from .diagnostics import render as render_diagnostic
    from .imports import source_of

    for d in err.diagnostics:
        source = source_of(d.span.path)
        for folder, rev in (shown or {}).items():  # a file read at a revision: its path in the repository, @REV
            if d.span.path.startswith(folder + os.sep):
                d = dataclasses.replace(d, span=dataclasses.replace(
                    d.span, path=f"{os.path.relpath(d.span.path, folder)}@{rev}"))
        _Streams.err.write(render_diagnostic(d, source) + "\n")
    ctx.exit(EXIT_USAGE if any(d.code == "GOV001" for d in err.diagnostics) else EXIT_INVALID)


def _each_check_options(command):
    """--depth, --timeout and --engine of a command that runs many checks (diff, tune): as for check."""
    for option in reversed([
        click.option("--depth", type=_IntRange(*DEPTH_RANGE), default=None, show_default="no cap",
                     help="Cap every search at behaviours of this many steps (as for check)."),
        click.option("--timeout", type=_FiniteRange(*TIMEOUT_RANGE), default=None, show_default="60",
                     help="Time limit per check, in seconds (as for check)."),
        click.option("--engine", type=click.Choice(["z3", "explicit"]), default="z3", show_default=True,
                     help="The engine of every check (as for check)."),
    ]):
        command = option(command)
    return command


@cli.command()
@click.argument("file", type=click.Path(dir_okay=True))
@click.option("--outcome", metavar="P", default=None,
              help="Analyse only procedure P (default: every procedure of the spec); P.executed: only a "
                   "timed procedure's taking effect.")
@click.option("--by", type=click.Choice(["person", "tag", "principal"]), default="person", show_default=True,
              help="person: every member; tag: also each tag's share (its members' shares added up); "
                   "principal: the keys held for one principal vote together, as one player.")
@click.option("--bloc", metavar="TAG", default=None,
              help="The people with tag TAG vote as one player, 'tagged TAG' (all of them in a coalition, or none); "
                   "everyone else as they are (with --by person).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "html"]), default="text",
              show_default=True, help="text: tables and coalitions in words; json: the analysis (schema "
                                      "govspec-power/2); markdown: a Power section; html: a page with a bar chart per outcome.")
@_with_options(_parallel_options("the outcomes"))
@_each_check_options
@click.option("-q", "--quiet", is_flag=True, help="No progress on standard error.")
@click.option("--sample", type=_IntRange(100, 10_000_000), default=None, metavar="N",
              help="An outcome too large for the exact analysis that the certified bounds do not take (a vote by "
                   "several rules, a vote whose bounds are declined, or the procedural analysis): Banzhaf indices "
                   "and Coleman's powers estimated from N random coalitions and Shapley-Shubik indices from N random "
                   "orders; a vote of which "
                   "only the Banzhaf indices are computed (exact or certified): its Shapley-Shubik indices estimated "
                   "from N random orders. Each estimate with its 95% interval, labelled approximate (exit 4).")
@click.option("--each-size", is_flag=True,
              help="Also the game at each smaller size of the deciding body that the spec's events (resignations) "
                   "reach, one state per kind of people left, with the minimal winning coalitions and a scenario each.")
@click.pass_context
def power(ctx: click.Context, file, outcome, by, bloc, fmt, jobs, cluster, depth, timeout, engine, quiet, sample,
          each_size) -> None:
    """Who holds the power over each outcome of FILE: exact Banzhaf, Shapley-Shubik and Coleman
    indices, minimal winning and blocking coalitions, dummies, vetoes.  A single vote is solved
    as a weighted game (one too large for that, by weight alone: its exact Banzhaf and Coleman
    indices alone, or past their limit certified bounds on them, labelled so); any other procedure
    coalition by coalition with the verifier's `can force` (--depth, --timeout and --engine apply
    to those checks).

    Exit 0 every outcome analysed exactly, 3 invalid spec, 4 some outcome bounded, certified or sampled (labelled so),
    only its Banzhaf and Coleman indices given (labelled so), or outside what the analysis can do (named on standard error, no number given for it), 2 usage
    error (FILE cannot be read, no procedure P, nobody with the tag of --bloc)."""
    import json

    from . import api
    from .diagnostics import SpecError
    from .power.report import exit_code as power_exit_code
    from .power.report import not_analysed_words
    from .power.report import text
    from .progress import progress_for

    try:
        with progress_for(_Streams.err, quiet) as progress, _cluster_errors():
            options = api.Options(depth=api.DEFAULT_DEPTH if depth is None else depth,
                                  timeout=api.DEFAULT_TIMEOUT if timeout is None else timeout, engine=engine)
            result = api.power(file, outcome, by, jobs, cluster, options, progress, sample, each_size=each_size,
                               bloc=bloc)
    except SpecError as err:
        _spec_error_exit(ctx, err)
        return
    except ValueError as err:
        raise click.UsageError(str(err)) from None
    code = power_exit_code(result)  # (EXIT_UNKNOWN or EXIT_OK)
    if fmt in ("markdown", "html"):
        from .formats.html import power_page
        from .formats.power import markdown

        _Streams.out.write(markdown(result, code) if fmt == "markdown" else power_page(result, code))
    elif result["outcomes"]:
        _Streams.out.write(json.dumps(result, indent=2) + "\n" if fmt == "json" else text(file, result["outcomes"]))
    elif fmt == "json":
        _Streams.out.write(json.dumps(result, indent=2) + "\n")
    for refused in result["unsupported"]:
        _Streams.err.write(f"govspec: power: {file}: {not_analysed_words(refused)}.\n")
    ctx.exit(code)


@cli.command()
@click.argument("old", type=click.Path(dir_okay=True))
@click.argument("new", type=click.Path(dir_okay=True), required=False)
@click.option("--rev", metavar="REV", default=None,
              help="Take OLD as it was at this git revision (its folder, with what it imports); NEW defaults to "
                   "OLD as it is now.")
@click.option("--new-rev", metavar="REV", default=None, help="Take NEW as it was at this git revision.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "html", "json"]), default="text",
              show_default=True,
              help="text: the changes in words, with the scenario of each flip; markdown: the same for a review or "
                   "a pull request; html: that as a page; json: the diff (schema govspec-diff/1).")
@click.option("--no-power", is_flag=True, help="Skip the fewest people who can force or block each procedure.")
@_each_check_options
@_with_options(_parallel_options("each side's checks and each coalition question"))
@click.pass_context
def diff(ctx: click.Context, old, new, rev, new_rev, fmt, no_power, depth, timeout, engine, jobs, cluster) -> None:
    """What changing the rules from OLD to NEW changes: the rules side by side, every property of
    either file checked under both, and the fewest people who can force or block each procedure.
    With --rev, OLD is read as it was at a git revision (and NEW is OLD as it is now, unless given).

    Exit 0 no property lost, 1 a property that held under OLD fails under NEW, 4 none lost but one
    could not be decided, 3 invalid spec, 2 usage error or internal error, 130 interrupted."""
    from . import api
    from .diagnostics import SpecError
    from .diff import diff_files
    from .diff.render import html as diff_html
    from .diff.render import json as diff_json
    from .diff.render import markdown as diff_markdown
    from .diff.render import text as diff_text
    from .verdicts import ReplayError

    from .diff.revisions import at_revision, temporary_folder

    if new is None and rev is None:
        raise click.UsageError("give NEW, or --rev REV to compare OLD as it was at REV with OLD as it is now")
    new = old if new is None else new
    options = api.Options(depth=api.DEFAULT_DEPTH if depth is None else depth,
                          timeout=api.DEFAULT_TIMEOUT if timeout is None else timeout, engine=engine,
                          jobs=jobs, cluster=cluster)
    shown = {}  # the temporary folder of a side read at a revision -> REV (its files are shown PATH@REV)
    with temporary_folder() as folder:
        try:
            paths = []
            for side, (path, at) in enumerate(((old, rev), (new, new_rev))):
                if at is None:
                    paths.append(path)
                    continue
                shown[os.path.join(folder, str(side))] = at
                paths.append(at_revision(path, at, os.path.join(folder, str(side))))
            with _cluster_errors():
                found = diff_files(paths[0], paths[1], options, power=not no_power)
            named = {p: f"{given}@{at}" for p, given, at in ((paths[0], old, rev), (paths[1], new, new_rev)) if at}
            found = dataclasses.replace(found, old=named.get(found.old, found.old), new=named.get(found.new, found.new))
        except SpecError as err:  # (shown while the copies are there: each error with its source line)
            _spec_error_exit(ctx, err, shown)
            return
        except ReplayError as err:
            _Streams.err.write(f"govspec: internal error: a trace from the {engine} engine failed to replay on the "
                               f"reference semantics ({err}).\nThis is a verifier bug; please report it with the "
                               f"specs.\n")
            ctx.exit(EXIT_USAGE)
            return
        except KeyboardInterrupt:
            _Streams.err.write("govspec: interrupted (Ctrl-C); no diff printed (a partial one would pass for a whole "
                               "one)\n")
            ctx.exit(EXIT_INTERRUPTED)
            return
    _Streams.out.write({"json": diff_json, "markdown": diff_markdown, "html": diff_html, "text": diff_text}[fmt](found))
    ctx.exit(found.exit_code)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=True))
@click.option("--vary", "knobs", metavar="NAME=LOW..HIGH[:STEP]", multiple=True, required=True,
              help="A parameter the spec declares (or imports), or a procedure's P.timelock, P.voting_delay or "
                   "P.voting_period in days, and the values to try: 1..9, 1%..50%:1%, 1/10..1/2:1/10 (step 1 by "
                   "default). Once: the lowest (or highest) value; twice: the region, drawn in HTML.")
@click.option("--property", "names", metavar="NAME", multiple=True,
              help="A property that must hold (repeat for several; default: every property of the file).")
@click.option("--lowest", is_flag=True,
              help="The objective for the first knob: its lowest value where every property holds (the default).")
@click.option("--highest", is_flag=True,
              help="The objective for the first knob: its highest value where every property holds.")
@click.option("--sweep", is_flag=True,
              help="Check every value, even where monotonicity is shown (a check of the bisection).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "html", "json"]), default="text",
              show_default=True,
              help="text: the answer, the values and the witness at the boundary; markdown: the same for a "
                   "review; html: that as a page with the values drawn as a map; json: schema govspec-tune/1.")
@_each_check_options
@_with_options(_parallel_options("parameter points"))
@click.option("-q", "--quiet", is_flag=True, help="No progress on standard error.")
@click.pass_context
def tune(ctx: click.Context, file, knobs, names, lowest, highest, sweep, fmt, depth, timeout, engine, jobs, cluster,
         quiet) -> None:
    """The values of a parameter (or two) for which the properties hold: the lowest or highest
    value, with the witness of why the next value fails; two knobs give a region.  A property
    shown to be monotone in the knob is searched by bisection; the others at every value.

    Exit 0 a value found (two knobs: every point decided, one holds), 1 no value in the range holds,
    4 a value that matters was not decided, 3 invalid spec, 2 usage error, 130 interrupted."""
    from . import api
    from .diagnostics import SpecError
    from .progress import progress_for
    from .tune import TuneError, parse_knob, tune_file
    from .tune import render
    from .verdicts import ReplayError

    if lowest and highest:  # (one objective: a flag pair would let the last silently win)
        raise click.UsageError("give --lowest or --highest, not both")
    options = api.Options(depth=api.DEFAULT_DEPTH if depth is None else depth,
                          timeout=api.DEFAULT_TIMEOUT if timeout is None else timeout, engine=engine)
    try:
        parsed = [parse_knob(k) for k in knobs]
        with progress_for(_Streams.err, quiet) as progress, _cluster_errors():
            found = tune_file(file, parsed, list(names) or None, "highest" if highest else "lowest", options,
                              jobs=jobs, sweep=sweep, progress=progress, cluster=cluster)
    except TuneError as err:
        raise click.UsageError(str(err))
    except SpecError as err:
        _spec_error_exit(ctx, err)
        return
    except ReplayError as err:
        _Streams.err.write(f"govspec: internal error: a trace from the {engine} engine failed to replay on the "
                           f"reference semantics ({err}).\nThis is a verifier bug; please report it with the spec.\n")
        ctx.exit(EXIT_USAGE)
        return
    except KeyboardInterrupt:
        _Streams.err.write("govspec: interrupted (Ctrl-C); no answer printed (a partial search answers nothing)\n")
        ctx.exit(EXIT_INTERRUPTED)
        return
    _Streams.out.write({"json": render.json, "markdown": render.markdown, "html": render.html,
                        "text": render.text}[fmt](found))
    ctx.exit(found.exit_code)


@cli.command()
@click.argument("code", required=False)
@click.pass_context
def explain(ctx: click.Context, code: str | None) -> None:
    """Explain an error code (GOV104, gov104 or 104), with an example; without CODE, list the codes."""
    from .diagnostics import CODES, code_named, did_you_mean, explanations
    from .safe import shown

    if code is None:
        _Streams.out.write("".join(f"{c}  {meaning}\n" for c, meaning in CODES.items()))
        ctx.exit(EXIT_OK)
    known = explanations()
    name = code_named(code)
    if name not in known:
        close = did_you_mean(name, known)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise click.UsageError(f"no error code {shown(code)!r}{hint}; `govspec explain` lists the codes")
    _Streams.out.write(known[name])
    ctx.exit(EXIT_OK)


@contextlib.contextmanager
def _ctrl_c_kept():
    """Ctrl-C always stops the run, and at once.  Z3 leaves SIGINT to Python
    (:mod:`verifier.interrupts`), which raises KeyboardInterrupt only when the running Z3 call
    returns: a thread woken by the signal (Python's wakeup fd) asks the engines to end that call
    now.  And Python drops a KeyboardInterrupt raised in a ``__del__`` or a ctypes callback (Z3's
    error handler), where a Ctrl-C lands now and then: the engines are told it is owed.  Outside
    the main thread (where Python handles no signal), only the second applies."""
    import signal

    from .api import stop_engines

    previous_hook = sys.unraisablehook

    def hook(unraisable) -> None:
        if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
            stop_engines(owed=True)
        else:
            previous_hook(unraisable)

    def watch(read_end: int) -> None:
        while data := os.read(read_end, 64):
            if signal.SIGINT in data:
                stop_engines()

    read_end, write_end = os.pipe()
    try:
        os.set_blocking(write_end, False)
        previous_fd = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    except (ValueError, OSError):  # not the main thread (or a platform that wants a socket)
        previous_fd = None
    watcher = threading.Thread(target=watch, args=(read_end,), daemon=True)
    watcher.start()
    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = previous_hook
        if previous_fd is not None:
            signal.set_wakeup_fd(previous_fd)
        os.close(write_end)  # the watcher reads the end of the pipe and stops
        watcher.join()
        os.close(read_end)


def main(argv: list[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the CLI; return the exit code instead of exiting."""
    from .writing import keep_closed_streams_taken

    # a stream closed at startup (sys.stdin, sys.stdout or sys.stderr None) keeps its number taken by
    # os.devnull, and stays closed for the command: nothing printed there, no output through it
    keep_closed_streams_taken(fd for fd, stream in enumerate((sys.stdin, sys.stdout, sys.stderr)) if stream is None)
    given = stdout or sys.stdout  # (None when fd 1 was closed: >&-)
    _Streams.out = _Output(given) if given is not None else _ClosedOutput()
    _Streams.err = stderr or sys.stderr or _Discard()  # (sys.stderr is None when fd 2 was closed: 2>&-)
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        with contextlib.redirect_stdout(_Streams.out), contextlib.redirect_stderr(_Streams.err), _ctrl_c_kept():
            code = cli.main(args=args, prog_name="govspec", standalone_mode=False)
        return code if isinstance(code, int) else EXIT_OK
    except click.exceptions.NoArgsIsHelpError as err:  # pragma: no cover - click >= 8.2
        _Streams.err.write(err.format_message() + "\n")
        return EXIT_USAGE
    except click.UsageError as err:
        _Streams.err.write(f"{err.ctx.get_usage() if err.ctx else ''}\nError: {err.format_message()}\n")
        return EXIT_USAGE
    except click.exceptions.Exit as err:
        return err.exit_code
    except click.Abort as err:
        if isinstance(err.__cause__, KeyboardInterrupt):  # Ctrl-C outside a check (click turns it into Abort)
            return _interrupted()
        return EXIT_USAGE
    except KeyboardInterrupt:  # Ctrl-C as the run ends, outside click
        return _interrupted()
    except _StdoutClosed:  # (--help, --version: printed by click, before any command's check)
        _say_stdout_closed()
        return EXIT_USAGE
    except click.ClickException as err:
        _Streams.err.write(f"Error: {err.format_message()}\n")
        return EXIT_USAGE
    except Exception as err:  # an internal error: a message, never a traceback
        _Streams.err.write(f"govspec: internal error: {type(err).__name__}: {err}\n")
        return EXIT_USAGE
    finally:
        if isinstance(_Streams.out, _Output) and _Streams.out.gone and sys.stdout is _Streams.out.stream:
            # what is left in the broken stream's buffer is dropped: Python's flush of it at exit
            # would fail (exit 120, "Exception ignored")
            sys.stdout = _Streams.out


def _interrupted() -> int:
    _Streams.err.write("govspec: interrupted (Ctrl-C)\n")
    return EXIT_INTERRUPTED


def entry_point() -> None:
    code = main()
    if code == EXIT_INTERRUPTED:
        # leave at once: Z3 objects cut half-built by Ctrl-C would complain while the interpreter
        # tears down ("Exception ignored in ... __del__"), after the last line printed
        for stream in (sys.stdout, sys.stderr):  # (None when closed: >&-, 2>&-)
            if stream is not None:
                with contextlib.suppress(OSError, ValueError):
                    stream.flush()
        os._exit(code)
    sys.exit(code)
