"""``-j N``: a check's work on N processes, with the same results in the same order as on one.

The parent loads every file (its errors, hashes and warnings are its own, as on one process), then
hands out tasks to a pool of N worker processes: first each valid file's sanity check (can each
procedure pass?), then each of its properties once that file's sanity is known (a property's
verdict may rest on which procedures can pass).  A worker rebuilds the model from the text the
parent read (the file and every file it imports: an edit during the run changes nothing) and
runs exactly what :func:`govspec.api.check_model` runs for that task.  Results are put back in the
files' and the properties' order; every verdict depends only on the spec and the options (the
search budget counts steps, not seconds), so the report is the one ``-j 1`` gives, timings aside,
unless a time limit cuts a check short (``--timeout`` and ``--budget`` are clock time: on a machine
with fewer free cores than N, a check near its limit may end UNKNOWN or bounded where one process
decided it).

The run's ``--budget`` is one deadline for all processes (a monotonic clock the machine shares).
On Ctrl-C the parent stops the workers at once and raises :class:`govspec.api.Interrupted` with
every result finished (in order) and the properties left.  Workers ignore Ctrl-C themselves: the
parent decides.
"""

from __future__ import annotations

import signal
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import replace

from . import model as m
from .options import Options

_MODELS: dict = {}  # in a worker: the models rebuilt, by (path, text)


def _quiet_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle


def _rebuilt(spec: tuple) -> m.Model:
    path, source, imported = spec
    key = (path, source)
    if key not in _MODELS:
        from .imports import Imported
        from .load import _built
        from .syntax import parse

        _MODELS[key] = _built(parse(source, path), source, path, None, Imported(dict(imported)))
    return _MODELS[key]


def _sanity_task(spec: tuple, options: Options, run):
    from .tasks import engine_of, sanity_of

    model = _rebuilt(spec)
    return sanity_of(engine_of(model, options)[0], model, options, run)


def _property_task(spec: tuple, index: int, options: Options, passable: dict, run):
    from .tasks import check_one, engine_of

    model = _rebuilt(spec)
    return check_one(engine_of(model, options)[0], model, model.properties[index], options, passable, run)


def check_files_jobs(paths, options: Options, jobs: int, progress=None, reads=None):
    """:func:`govspec.api.check_files` on ``jobs`` processes (same report, same order)."""
    import multiprocessing

    from .tasks import Interrupted, _imports, engine_of, limits, z3_version
    from .diagnostics import SpecError
    from .engine import run_budget
    from .load import Read, load
    from .options import options_dict
    from .report import FileReport, Report
    from .review import reviews_other_specs

    paths, run = list(paths), run_budget(options.budget)
    reads = reads if reads is not None else {}
    files: list[FileReport] = []
    models: list[m.Model | None] = []
    results: dict[tuple[int, int], object] = {}
    sanity: dict[int, tuple] = {}
    try:
        for path in paths:  # loaded here: errors, hashes and warnings as on one process
            read = reads.setdefault(path, Read())
            try:
                model = load(path, read)
            except SpecError as err:
                # (a review of other specs, with diff blocks only, is no error: govspec.diff.review)
                errors = () if reviews_other_specs(path, read.text, err.diagnostics) else tuple(err.diagnostics)
                files.append(FileReport(path, errors=errors, sha256=read.sha256, imports=_imports(read)))
                models.append(None)
                continue
            files.append(FileReport(path, sha256=read.sha256, imports=_imports(read),
                                    warnings=engine_of(model, options)[1], title=model.title))
            models.append(model)
        specs = [(mo.path, mo.source, tuple(mo.imported.items())) if mo is not None else None for mo in models]
        total = sum(len(mo.properties) for mo in models if mo is not None)
        if progress:
            progress(f"{total} properties in {len(paths)} file(s) on {jobs} processes")
        context = multiprocessing.get_context("spawn")  # (no fork of a process that may hold Z3's threads)
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_quiet_worker) as pool:
            pending = {}
            for i, mo in enumerate(models):
                if mo is None:
                    continue
                if options.sanity:
                    pending[pool.submit(_sanity_task, specs[i], options, run)] = ("sanity", i, None)
                else:
                    sanity[i] = ((), {})
                    for k in range(len(mo.properties)):
                        pending[pool.submit(_property_task, specs[i], k, options, {}, run)] = ("property", i, k)
            try:
                while pending:
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        kind, i, k = pending.pop(future)
                        value = future.result()
                        if kind == "sanity":
                            sanity[i] = value
                            for k2 in range(len(models[i].properties)):
                                pending[pool.submit(_property_task, specs[i], k2, options, value[1], run)] = \
                                    ("property", i, k2)
                        else:
                            results[(i, k)] = value
                            if progress:
                                progress(f"{models[i].path}: {value.name} ({len(results)} of {total} done)")
            except BaseException:  # Ctrl-C, or a worker's error (an engine bug): stop the rest at once
                _stop(pool)
                raise
    except KeyboardInterrupt:
        done_files, left = [], []
        for i, f in enumerate(files):
            mo = models[i]
            if mo is None:
                done_files.append(f)
                continue
            finished = tuple(results[(i, k)] for k in range(len(mo.properties)) if (i, k) in results)
            done_files.append(replace(f, properties=finished, sanity=tuple(sanity.get(i, ((), {}))[0])))
            left += [(mo.path, p.name) for k, p in enumerate(mo.properties) if (i, k) not in results]
        left += [(p, None) for p in paths[len(files):]]
        raise Interrupted(Report(tuple(done_files), options_dict(options), z3_version(), limits()), left) from None
    out = []
    for i, f in enumerate(files):
        mo = models[i]
        if mo is None:
            out.append(f)
            continue
        out.append(replace(f, properties=tuple(results[(i, k)] for k in range(len(mo.properties))),
                           sanity=tuple(sanity[i][0])))
    return Report(tuple(out), options_dict(options), z3_version(), limits())


def map_ordered(fn, items, jobs: int = 1, progress=None):
    """``[fn(item) for item in items]`` on ``jobs`` processes, the results in the items' order.

    ``fn`` is a module-level function (workers import it by name) and each item is picklable; a
    worker ignores Ctrl-C (the parent stops the pool at once).  ``progress``, if given, is called
    with ``(done, total)`` as results come in.  With ``jobs == 1`` (or one item) nothing is spawned.
    Used by sweeps of many independent checks (``govspec tune``)."""
    import multiprocessing

    items = list(items)
    if jobs <= 1 or len(items) <= 1:
        out = []
        for item in items:
            out.append(fn(item))
            if progress:
                progress(len(out), len(items))
        return out
    results: dict[int, object] = {}
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(items)), mp_context=context,
                             initializer=_quiet_worker) as pool:
        pending = {pool.submit(fn, item): i for i, item in enumerate(items)}
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    results[pending.pop(future)] = future.result()
                    if progress:
                        progress(len(results), len(items))
        except BaseException:
            _stop(pool)
            raise
    return [results[i] for i in range(len(items))]


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop a pool's workers at once (a long solver call would not listen) and drop its queue."""
    table = getattr(pool, "_processes", None) or {}  # (the pool's own table: shutdown drops its name for it)

    def workers():
        return list(table.values())

    seen = workers()
    for process in seen:
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in workers():  # (a worker the pool was starting as it stopped: stopped too)
        if process not in seen:
            seen.append(process)
            process.terminate()
    for process in seen:
        process.join(5)
        # (join returns once the worker's pipe closes, which may come a moment before the process can be
        # reaped: wait for that too, so that no worker outlives the stop)
        for _ in range(500):
            if process.exitcode is not None:
                break
            time.sleep(0.01)
