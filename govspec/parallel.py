"""``-j N``: a check's work on N processes, with the same results in the same order as on one.

The parent loads every file (its errors, hashes and warnings are its own, as on one process), then
hands out tasks to a pool of N worker processes: first each valid file's sanity check (can each
procedure pass?), then each of its properties once that file's sanity is known (a property's
verdict may rest on which procedures can pass); with many files (at least :data:`WHOLE_FILES` per
process), each file's whole check is one task instead.  A worker rebuilds the model from the text the
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

``--cluster ADDRESS`` runs the same tasks on the workers of a Dask distributed scheduler
(:func:`run_tasks` holds the one path for "run these tasks on the chosen executor": this process,
a pool of N processes, or a Dask cluster).  Dask is an optional extra, imported only then; each
worker runs one task at a time (Z3 shares state within a process) and must run the same GovSpec
and Z3 as this process (checked on connecting: verdicts depend on Z3's version).  A deadline sent
to a worker is moved onto the worker's own clock.
"""

from __future__ import annotations

import copy
import signal
import sys
import threading
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, CancelledError, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import replace

from . import model as m
from .clock import Deadline
from .options import Options

_MODELS: dict = {}  # in a worker: the models rebuilt, by their texts (the last KEPT_MODELS of them)
KEPT_MODELS = 64  # (a Dask worker lives on from run to run: its cache must not grow without end)
CONNECT_SECONDS = 10.0  # how long to wait for a Dask scheduler to answer, and for its first worker
DASK_MISSING = "--cluster needs Dask: pip install 'govspec[cluster]'"
_ONE_TASK = threading.Lock()  # a Dask worker with several threads: one task at a time (Z3 shares state)


class ClusterError(Exception):
    """``--cluster ADDRESS`` cannot be used: Dask is not installed, the scheduler cannot be reached or
    has no worker, or a worker runs another GovSpec or Z3 (``str(err)`` says which; the CLI exits 2)."""


def dask_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("distributed") is not None


def _quiet_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle


def spec_of(model: m.Model) -> tuple:
    """What a worker needs to rebuild ``model`` (:func:`rebuilt`): its path, its text and the texts it imports."""
    return model.path, model.source, tuple(model.imported.items())


def rebuilt(spec: tuple) -> m.Model:
    """The model of :func:`spec_of`, built from the texts the parent read (kept for the next tasks)."""
    path, source, imported = spec
    key = spec  # (the imported texts too: a worker lives on while files are edited)
    if key not in _MODELS:
        from .imports import Imported
        from .load import _built
        from .syntax import parse

        while len(_MODELS) >= KEPT_MODELS:
            _MODELS.pop(next(iter(_MODELS)))
        _MODELS[key] = _built(parse(source, path), source, path, None, Imported(dict(imported)))
    return _MODELS[key]


def sanity_task(spec: tuple, options: Options, run):
    """The sanity check of the model of ``spec``: (results, passable), as :func:`govspec.tasks.sanity_of`."""
    from .tasks import engine_of, sanity_of

    model = rebuilt(spec)
    return sanity_of(engine_of(model, options)[0], model, options, run)


def property_task(spec: tuple, index: int, options: Options, passable: dict, run):
    """The result of the model's property number ``index``, as :func:`govspec.power_properties.check_any`."""
    from .power_properties import check_any
    from .tasks import engine_of

    model = rebuilt(spec)
    return check_any(engine_of(model, options)[0], model, model.properties[index], options, passable, run)


def properties_task(spec: tuple, indices: tuple[int, ...], options: Options, passable: dict, run):
    """The results of several properties of the model, in order, on one process: the power
    properties of one outcome and one kind of player, which share one power analysis (made once,
    not once per process that checks one of them)."""
    from .power_properties import check_any
    from .tasks import engine_of

    model = rebuilt(spec)
    engine = engine_of(model, options)[0]
    return [check_any(engine, model, model.properties[k], options, passable, run) for k in indices]


def shared_analyses(model: m.Model) -> list[tuple[int, ...]]:
    """The model's properties as units of work, in order: each power property with the others of the
    same outcome and the same kind of player (one analysis decides them all), every other alone."""
    units: dict[object, list[int]] = {}
    for k, prop in enumerate(model.properties):
        claim = prop.power if prop.kind == "power" else None
        key = (prop.goal, claim.by, claim.player if claim.by == "tag" else None) if claim else k
        units.setdefault(key, []).append(k)
    return [tuple(ks) for ks in units.values()]


def file_task(spec: tuple, options: Options, run):
    """One file's whole check, as one process does it: ((sanity results, passable), each property's
    result in order).  The unit of work when there are many files (fewer, larger tasks: no model
    rebuilt on a second worker, fewer round trips to a cluster's scheduler)."""
    from .power_properties import check_any
    from .tasks import engine_of, sanity_of

    model = rebuilt(spec)
    engine = engine_of(model, options)[0]
    checked = sanity_of(engine, model, options, run) if options.sanity else ((), {})
    return checked, [check_any(engine, model, p, options, checked[1], run) for p in model.properties]


WHOLE_FILES = 8  # at least this many files per process (or per cluster, 16): each file is one task


def power_task(item: tuple):
    """``(spec, procedure, by[, sample[, bloc]])``: :func:`govspec.power.report.answer` for that procedure."""
    from .power.report import answer

    spec, procedure, by, *sample = item
    return answer(rebuilt(spec), procedure, by, *sample)


def check_files_jobs(paths, options: Options, jobs: int, progress=None, reads=None):
    """:func:`govspec.api.check_files` on ``jobs`` processes, or on the Dask cluster of
    ``options.cluster`` (same report, same order)."""
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
        specs = [spec_of(mo) if mo is not None else None for mo in models]
        total = sum(len(mo.properties) for mo in models if mo is not None)
        if progress:
            where = f"the Dask cluster at {options.cluster}" if options.cluster else f"{jobs} processes"
            progress(f"{total} properties in {len(paths)} file(s) on {where}")
        first = []
        valid = [i for i, mo in enumerate(models) if mo is not None]
        whole = len(valid) >= WHOLE_FILES * (2 if options.cluster else jobs)
        for i, mo in enumerate(models):
            if mo is None:
                continue
            if whole:
                first.append((("file", i, None), file_task, (specs[i], options, run)))
            elif options.sanity:
                first.append((("sanity", i, None), sanity_task, (specs[i], options, run)))
            else:
                sanity[i] = ((), {})
                first += _property_tasks(i, mo, specs[i], options, {}, run)

        def done(key, value):
            kind, i, k = key
            if kind == "file":
                sanity[i] = value[0]
                for k2, result in enumerate(value[1]):
                    results[(i, k2)] = result
                if progress:
                    progress(f"{models[i].path}: checked ({len(results)} of {total} properties done)")
                return ()
            if kind == "sanity":  # (each property once its file's sanity is known)
                sanity[i] = value
                return _property_tasks(i, models[i], specs[i], options, value[1], run)
            for k2, result in zip(k, value) if kind == "properties" else ((k, value),):
                results[(i, k2)] = result
                if progress:
                    progress(f"{models[i].path}: {result.name} ({len(results)} of {total} done)")
            return ()

        run_tasks(first, jobs, options.cluster, done)
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


def _property_tasks(i: int, model: m.Model, spec: tuple, options: Options, passable: dict, run) -> list:
    """The tasks of file number ``i``'s properties: one per property, or one per group of power
    properties that share an analysis (:func:`shared_analyses`)."""
    return [(("property", i, ks[0]), property_task, (spec, ks[0], options, passable, run)) if len(ks) == 1 else
            (("properties", i, ks), properties_task, (spec, ks, options, passable, run))
            for ks in shared_analyses(model)]


def map_ordered(fn, items, jobs: int = 1, progress=None, cluster: str | None = None):
    """``[fn(item) for item in items]`` on ``jobs`` processes (or on the Dask cluster at ``cluster``),
    the results in the items' order.

    ``fn`` is a module-level function (workers import it by name) and each item is picklable; a
    worker ignores Ctrl-C (the parent stops the pool at once).  ``progress``, if given, is called
    with ``(done, total)`` as results come in.  With ``jobs == 1`` and no cluster (or one item and
    no cluster) nothing is spawned.  Used by sweeps of many independent checks (``govspec power``,
    ``govspec tune``)."""
    items = list(items)
    results: dict[int, object] = {}

    def done(i, value):
        results[i] = value
        if progress:
            progress(len(results), len(items))

    run_tasks([(i, fn, (item,)) for i, item in enumerate(items)], min(jobs, len(items)), cluster, done)
    return [results[i] for i in range(len(items))]


def run_tasks(first, jobs: int = 1, cluster: str | None = None, done=None) -> None:
    """Run tasks on the chosen executor: in this process (``jobs`` 1 and no ``cluster``), on a pool of
    ``jobs`` processes, or on the workers of the Dask scheduler at ``cluster``.

    Each task is ``(key, fn, args)``: ``fn`` a module-level function, ``args`` picklable (texts, not
    models: see :func:`spec_of`).  ``done(key, value)`` is called here as each result comes (in
    order of completion; in this process, in order of submission) and may return more tasks, the
    ones that needed that result.  On an error or Ctrl-C every worker is stopped at once (a Dask
    worker finishes the task it is running) and the exception goes on; :class:`ClusterError` if the
    cluster cannot be used."""
    queue, done = deque(first), done or (lambda key, value: ())
    if cluster is None and jobs <= 1:
        while queue:
            key, fn, args = queue.popleft()
            queue.extend(done(key, fn(*args)) or ())
        return
    with _executor(jobs, cluster) as pool:
        pending = {}
        try:
            while queue or pending:
                while queue:
                    task = queue.popleft()
                    pending[pool.submit(task[1], *task[2])] = task
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    key, fn, args = pending.pop(future)
                    queue.extend(done(key, pool.result(future, fn, args)) or ())
        except BaseException:
            pool.stop()
            raise


class _Processes:
    """A pool of worker processes (spawned: no fork of a process that may hold Z3's threads)."""

    def __init__(self, jobs: int):
        import multiprocessing

        self.pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_quiet_worker)
        self.submit = self.pool.submit

    @staticmethod
    def result(future, fn, args):
        return future.result()

    def stop(self) -> None:
        _stop(self.pool)

    def close(self) -> None:
        self.pool.shutdown(wait=True)


class _Dask:
    """The workers of a Dask scheduler, through its ``concurrent.futures`` executor."""

    def __init__(self, address: str):
        self.client = _connected(address)
        self.executor = self.client.get_executor(pure=False)  # (pure: equal tasks would be run once)
        self.offset = _clock_offset()

    def submit(self, fn, *args):
        return self.executor.submit(_on_worker, self.offset, fn, *args)

    @staticmethod
    def result(future, fn, args):
        """The task's result; a task that failed on its worker is run again here, once, with a line
        on standard error (a worker's fault, such as a worker that died, does not stop the run; a
        task's own error fails here too, is said to be the task's, and goes on)."""
        try:
            return future.result()
        except (CancelledError, KeyboardInterrupt):
            raise
        except Exception as err:
            print(f"govspec: a task failed on a Dask worker ({type(err).__name__}: {err}); "
                  "running it again in this process", file=sys.stderr)
        try:
            return fn(*args)
        except (CancelledError, KeyboardInterrupt):
            raise
        except Exception:  # (the first line blamed the worker: say that it was not the worker's fault)
            print("govspec: the task failed in this process too: the fault is the task's, not the worker's",
                  file=sys.stderr)
            raise

    def stop(self) -> None:
        self.executor.shutdown(wait=False)  # (cancels what is queued; a running task ends by itself)

    def close(self) -> None:
        self.client.close()


@contextmanager
def _executor(jobs: int, cluster: str | None):
    pool = _Dask(cluster) if cluster is not None else _Processes(jobs)
    try:
        yield pool
    finally:
        pool.close()


def _connected(address: str):
    """A Dask client of the scheduler at ``address``, with a worker that runs this GovSpec and Z3."""
    if not dask_installed():
        raise ClusterError(DASK_MISSING)
    import logging

    from distributed import Client

    logging.getLogger("distributed").setLevel(logging.CRITICAL)  # (its retries are not ours to print)
    _check_address(address)
    try:
        client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except Exception as err:  # (OSError, TimeoutError, ValueError for an address it cannot read)
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {err or type(err).__name__}") from None
    try:
        try:
            client.wait_for_workers(1, timeout=CONNECT_SECONDS)
        except Exception:
            raise ClusterError(f"the Dask scheduler at {address} has no worker (none joined within "
                               f"{CONNECT_SECONDS:g} s)") from None
        try:
            theirs = client.run(versions)
        except Exception as err:
            raise ClusterError(f"the workers of the Dask scheduler at {address} cannot run GovSpec "
                               f"(pip install govspec on them): {err}") from None
        ours = versions()
        for worker, found in sorted(theirs.items()):
            if found != ours:
                raise ClusterError(f"worker {worker} of the Dask scheduler at {address} runs GovSpec "
                                   f"{found[0]} with Z3 {found[1]}, this process GovSpec {ours[0]} with Z3 "
                                   f"{ours[1]}: verdicts could differ")
    except BaseException:
        client.close()
        raise
    return client


def _check_address(address: str) -> None:
    """A scheduler's address Dask can read (checked first: a client made from one it cannot read
    would print its own traceback as the process ends)."""
    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.comm.registry import get_backend

    try:
        scheme, location = parse_address(address, strict=True)
        get_backend(scheme)
        if scheme in ("tcp", "tls", "ws", "wss") and not 0 < parse_host_port(location)[1] < 65536:
            raise ValueError("a port is a number from 1 to 65535")
    except ValueError as err:
        raise ClusterError(f"{address!r} is not the address of a Dask scheduler (tcp://HOST:PORT): {err}") from None


def versions() -> tuple[str, str]:
    """The GovSpec and Z3 versions this process runs (a worker must run the same: verdicts depend on them)."""
    from importlib.metadata import PackageNotFoundError, version

    from . import __version__

    try:
        z3 = version("z3-solver")
    except PackageNotFoundError:
        z3 = "none"
    return __version__, z3


def _clock_offset() -> float:
    return time.time() - time.monotonic()


def _on_worker(offset: float, fn, *args):
    """``fn(*args)`` on a Dask worker: one task at a time, and each deadline (the run's ``--budget``,
    on the sender's monotonic clock) moved onto this machine's monotonic clock."""
    shift = offset - _clock_offset()
    moved = []
    for arg in args:
        if isinstance(arg, Deadline):
            arg = copy.copy(arg)
            arg.end += shift
        moved.append(arg)
    from verifier import threads  # (the worker's other threads hold this one's frames: see there)

    with _ONE_TASK:
        threads.adopt()
        try:
            return fn(*moved)
        finally:
            threads.release_deferred()


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
