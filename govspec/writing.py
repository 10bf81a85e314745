"""Writing output files: never over an input of the run, always whole.

Every file GovSpec writes (``govspec report -o``, ``govspec check --trace-out``) goes through
:func:`write_outputs`.  Assumes the inputs of the run as (path, what it is) pairs: the specs and
review documents checked, the specs named by a review's diff and power blocks, and every file they
import or read (:func:`govspec.load.inputs`).  Guarantees:

- an output that names an input, by any path (``./``, ``..``, a symbolic or a hard link: the same
  file by :func:`os.path.samefile`), is refused with GOV006 before anything is written, and so are
  two outputs of one run naming one file (``--json-out`` and ``--trace-out``: one would be lost);
- each output to a new or a regular file is written to a temporary file in the target's folder,
  flushed to disk, then renamed over the target (:func:`os.replace`, atomic): an interrupted or
  failed write (a full disk, Ctrl-C) leaves the old file as it was and no temporary file.  A target
  that is a symbolic link is written where it points, and a file rewritten keeps its permissions;
- with ``stdout_taken`` (``check``, which prints its own report there), an output that is standard
  output (``/dev/stdout``, ``/dev/fd/1``, the file it goes to) is refused with GOV006: two reports
  in one stream (unless standard output is a character device: a terminal, a null device);
- an output through a standard stream the process was started without (``/dev/stdout`` with
  ``>&-``) is refused (OSError, EBADF): :func:`keep_closed_streams_taken` keeps such a number taken;
- a target that is not a regular file is never replaced by one: a path naming the process's own
  standard output or error (``/dev/stderr``, ``/dev/fd/2``, or a file that stream goes to) is
  written through that stream, after what was written to it before; a path through another
  descriptor (``/dev/fd/3``, bash's ``>(...)``, :func:`descriptor`) through that descriptor, never
  truncated; another that exists (a device, a FIFO, a socket) is opened and written (a socket
  cannot be opened: an OSError).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import stat
import sys
import tempfile

from .diagnostics import Diagnostic, Span, SpecError


def refuse_inputs(target: str, inputs) -> None:
    """SpecError (GOV006) if writing ``target`` would overwrite one of ``inputs`` ((path, what) pairs)."""
    for path, what in inputs:
        if _same_file(target, path):
            same = "" if target == path else f" is the same file as '{path}', which"
            raise SpecError([Diagnostic(
                "GOV006", f"'{target}'{same} is an input of this run ({what}): an output may not overwrite it",
                Span.point(target), notes=("nothing was written; give the output another name",))])


def refuse_clashes(paths) -> None:
    """SpecError (GOV006) if two of ``paths`` (the outputs of one run) name one file: the same path,
    or the same file by a symbolic or a hard link (one would overwrite the other)."""
    paths = list(paths)
    for later, target in enumerate(paths):
        for earlier in paths[:later]:
            if os.path.realpath(earlier) == os.path.realpath(target) or _same_file(earlier, target):
                same = "" if target == earlier else f" is the same file as '{earlier}', which"
                raise SpecError([Diagnostic(
                    "GOV006", f"'{target}'{same} is another output of this run: two outputs may not be one file",
                    Span.point(target), notes=("nothing was written; give each output its own name",))])


def refuse_standard_output(target: str) -> None:
    """SpecError (GOV006) if ``target`` is the file, device or pipe that standard output is (by its
    own name, ``/dev/stdout``, ``/dev/fd/1``, ``/proc/self/fd/1``, or through a link): for a command
    that prints its own report there, the output would be a second report in the same stream.  Not
    when standard output is a character device (a terminal, a null device): two writers cannot
    corrupt what one shows as it comes or discards; a regular file, a pipe or FIFO, a socket would
    hold the two reports run together."""
    with contextlib.suppress(OSError):
        if stat.S_ISCHR(os.fstat(1).st_mode):
            return
    if _standard_stream(target) == 1:
        raise SpecError([Diagnostic(
            "GOV006", f"'{target}' is the standard output of this run, where the command's own report goes: "
                      f"two outputs may not be one file",
            Span.point(target), notes=("nothing was written; give the output a file of its own",))])


# the standard streams (0, 1, 2) the process was started without (``>&-``), kept taken by os.devnull
# (:func:`keep_closed_streams_taken`): no pipe or file opened later lands on their numbers
closed_streams: frozenset[int] = frozenset()
_STREAM_NAMES = {0: "standard input", 1: "standard output", 2: "standard error"}


def keep_closed_streams_taken(closed=()) -> frozenset[int]:
    """Open os.devnull (read and write) onto each of descriptors 0, 1 and 2 that is not open, so that
    no pipe or file opened later takes its number (a write to ``/dev/stdout`` would go into it);
    remember those and the ones in ``closed`` (found closed before) in :data:`closed_streams`."""
    global closed_streams
    found = set(closed)
    for fd in (0, 1, 2):
        try:
            fcntl.fcntl(fd, fcntl.F_GETFD)
        except OSError:
            taken = os.open(os.devnull, os.O_RDWR)
            if taken != fd:
                os.dup2(taken, fd)
                os.close(taken)
            found.add(fd)
    closed_streams = frozenset(found)
    return closed_streams


def refuse_closed_stream(target: str) -> None:
    """OSError (EBADF) if ``target`` goes through a standard stream the process was started without
    (``/dev/stdout``, ``/dev/fd/1``, ``/proc/self/fd/1`` with standard output closed)."""
    through = descriptor(target)
    if through is not None and through[0] is None and through[1] in closed_streams:
        raise OSError(errno.EBADF, f"{_STREAM_NAMES[through[1]]} is closed", target)


def write_outputs(outputs, inputs=(), others=(), stdout_taken: bool = False) -> None:
    """Write each (path, text) of ``outputs``, whole, after checking that none overwrites an input
    (:func:`refuse_inputs`), that no two of them, nor one of them and one of ``others`` (the
    paths of the run's other outputs), are one file (:func:`refuse_clashes`), and with
    ``stdout_taken`` (the command prints its own report on standard output) that none is standard
    output (:func:`refuse_standard_output`): if one would, none is written.  OSError names the
    target, never the temporary file."""
    outputs = list(outputs)
    for path, _ in outputs:
        refuse_closed_stream(path)
        refuse_inputs(path, inputs)
        if stdout_taken:
            refuse_standard_output(path)
    refuse_clashes([*others, *(path for path, _ in outputs)])
    for path, text in outputs:
        try:
            _write_whole(path, text)
        except OSError as err:
            raise OSError(err.errno, err.strerror, path) from None


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): not the same file
        return False


def _write_whole(path: str, text: str | bytes) -> None:
    stream, through = _standard_stream(path), descriptor(path)
    if stream is not None or through is not None or _is_other_than_a_file(path):  # never replaced by a file
        _write_through(os.dup(stream) if stream is not None else _opened(path, through), text)
        return
    target = os.path.realpath(path)  # through a symbolic link, the file it points to
    fd, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp",
                                     dir=os.path.dirname(target))
    try:
        os.chmod(temporary, _mode(target))
        # the handle owns fd from here (bytes: a binary file, as a PDF; text: UTF-8)
        handle = open(fd, "wb") if isinstance(text, bytes) else open(fd, "w", encoding="utf-8")
    except BaseException:
        os.close(fd)
        os.unlink(temporary)
        raise
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:  # (KeyboardInterrupt too) the old file stays, the temporary one goes
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _standard_stream(path: str) -> int | None:
    """1 or 2 when ``path`` names the file, device or pipe that standard output or error is."""
    try:
        named = os.stat(path)
    except (OSError, ValueError):
        return None
    for fd in (1, 2):
        if fd in closed_streams:  # (os.devnull, keeping its number taken)
            continue
        with contextlib.suppress(OSError):
            stream = os.fstat(fd)
            if (stream.st_dev, stream.st_ino) == (named.st_dev, named.st_ino):
                return fd
    return None


# /dev/fd/N, /proc/self/fd/N, /proc/PID/fd/N (group 1: PID), /proc/thread-self/fd/N, /proc/PID/task/TID/fd/N
_DESCRIPTOR = re.compile(r"/(?:dev/fd|proc/(?:self|thread-self|(\d+)(?:/task/\d+)?)/fd)/(\d+)")


def descriptor(path: str) -> tuple[int | None, int] | None:
    """(process, descriptor) when ``path`` goes through a file descriptor, itself or by a chain of
    symbolic links (``/dev/stdout``, ``/dev/fd/3``, bash's ``>(...)``, ``/proc/PID/fd/N``); the
    process is None for this one.  Such a path is not a file's name: the realpath of a pipe's is
    ``/proc/PID/fd/pipe:[N]``, which does not exist, and a file's is the file, which a write through
    a temporary file would replace (with what the shell wrote to it before)."""
    for _ in range(40):  # (the kernel's limit on a chain of links)
        absolute = os.path.abspath(path)
        beside = os.path.join(os.path.realpath(os.path.dirname(absolute)), os.path.basename(absolute))
        for candidate in (absolute, beside):  # (/dev/fd is itself a link, to /proc/self/fd)
            if found := _DESCRIPTOR.fullmatch(candidate):
                pid = found.group(1)
                return None if pid is None or int(pid) == os.getpid() else int(pid), int(found.group(2))
        if not os.path.islink(beside):
            return None
        path = os.path.join(os.path.dirname(beside), os.readlink(beside))
    return None


def not_a_file(path: str) -> bool:
    """Whether ``path`` is written through rather than replaced by a file: it goes through a file
    descriptor, or it exists and is not a regular file (a device, a FIFO, a socket, a folder)."""
    return descriptor(path) is not None or _is_other_than_a_file(path)


def _opened(path: str, through: tuple[int | None, int] | None) -> int:
    """A descriptor open for writing on ``path``, a target that is not a regular file, never truncated:
    a descriptor of this process duplicated (its offset shared: what the shell writes to it after this
    run comes after the output, and one open for reading only is not opened anew for writing);
    another process's opened for appending; a device, a FIFO, a socket opened as they are."""
    if through is not None and through[0] is None:
        number = through[1]
        try:
            flags = fcntl.fcntl(number, fcntl.F_GETFL)
        except OSError:
            raise OSError(errno.EBADF, f"file descriptor {number} is not open", path) from None
        if flags & os.O_ACCMODE == os.O_RDONLY:
            raise OSError(errno.EBADF, f"file descriptor {number} is open for reading only", path)
        return os.dup(number)
    if through is not None:
        return os.open(path, os.O_WRONLY | os.O_APPEND | getattr(os, "O_NOCTTY", 0))
    if _is_fifo(path):
        return _opened_fifo(path)
    return os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))


def _is_fifo(path: str) -> bool:
    try:
        return stat.S_ISFIFO(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _opened_fifo(path: str) -> int:
    """The FIFO ``path`` opened for writing, if a reader has it open: opening it as a file waits
    for a reader, for ever if none comes (after the whole check); OSError (ENXIO) if none."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as err:
        if err.errno == errno.ENXIO:
            raise OSError(errno.ENXIO, "no reader on the FIFO (start its reader first)", path) from None
        raise
    os.set_blocking(fd, True)  # (the reader reads at its pace: a write waits for room in the pipe)
    return fd


def _is_other_than_a_file(path: str) -> bool:
    """Whether ``path`` exists and is not a regular file (a device, a FIFO, a socket, a folder), by what
    it names once links are followed (``os.stat``; not by its realpath, which for a descriptor's link
    names no file)."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _write_through(fd: int, text: str | bytes) -> None:
    """Write ``text`` (UTF-8) to ``fd``, opened for writing, no temporary file, and close it; what
    was written to standard output and error before goes first (it may be the same file)."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        if stream is not None:
            with contextlib.suppress(ValueError, OSError):  # (a stream closed, a pipe its reader closed)
                stream.flush()
    with open(fd, "wb") as handle:
        handle.write(text if isinstance(text, bytes) else text.encode("utf-8"))


def _mode(target: str) -> int:
    """The permissions the file gets: those of the file it replaces, else the default for a new file."""
    try:
        return os.stat(target).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
