"""Reading a spec file: the bytes on disk -> the text :func:`govspec.syntax.parse` takes.

Assumes: a path, any string (a missing file, a directory, anything else that is not a regular file
- a named pipe, a device, a socket - or a NUL character in the path is an error, not a crash or a
wait: nothing but a regular file is opened).  Guarantees: UTF-8 text with a
byte order mark dropped and every line ending as ``\\n``, or SpecError with one diagnostic: GOV001
(cannot be read), GOV002 (not UTF-8 text) or GOV003 (larger than ``MAX_SOURCE_BYTES`` bytes).  At
most ``MAX_SOURCE_BYTES + 1`` bytes are read.  A file read from a pipe, or one that is not UTF-8, is
kept as it is to be shown under its errors (:func:`shown_source`), since it cannot be read again as
it was.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections import OrderedDict

from ..diagnostics import Diagnostic, Span, SpecError

MAX_SOURCE_BYTES = 4_000_000  # the largest spec: bytes of a file here, characters of text in parse()


def _read_pipe(path: str, limit: int) -> bytes:
    """A pipe's bytes (``cat spec | govspec check /dev/stdin``, ``<(...)``, a named pipe a writer
    holds open), at most ``limit`` + 1 of them.  Opened without waiting (a named pipe with no writer
    would block the open forever), then read as usual: to its end, which comes at once when no writer
    holds it."""
    import fcntl

    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        return handle.read(limit + 1)


def read_source(path: str) -> str:
    """Read a spec file as UTF-8 text (a BOM is dropped, CRLF accepted); SpecError otherwise."""
    return read_source_hashed(path)[0]


_BOM = b"\xef\xbb\xbf"

# The text to show under an error in a file that cannot be read again as it was: a spec read from a
# pipe (read once), or a file that is not UTF-8 (shown decoded, each byte that is not UTF-8 as
# ``\xff``), by the path its spans carry.  Only such files are kept, the last KEPT of them (a
# process that reads many, through the API, keeps a few), and a path read again drops its entry
# whatever the new read finds (never a stale text under a later error).
_SHOWN: "OrderedDict[str, str]" = OrderedDict()
KEPT = 8


def _keep(path: str, text: str) -> None:
    _SHOWN[path] = text
    _SHOWN.move_to_end(path)
    while len(_SHOWN) > KEPT:
        _SHOWN.popitem(last=False)


def shown_source(path: str) -> str | None:
    """The text kept for ``path`` to show under its errors (see ``_SHOWN``), or None."""
    return _SHOWN.get(path)


def _lines_of(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _at_byte(data: bytes, at: int, path: str) -> Span:
    """The place of byte ``at`` (counted from the file's start, a byte order mark included) in the
    file as shown (:data:`_SHOWN`, which keeps it): decoded, a byte that is not UTF-8 as the four
    characters ``\xff``, line endings as GovSpec reads them, the byte order mark dropped."""
    bom = len(_BOM) if data.startswith(_BOM) else 0
    body = data[bom:]
    _keep(path, _lines_of(body.decode("utf-8", "backslashreplace")))
    before = _lines_of(body[:at - bom].decode("utf-8", "backslashreplace"))
    line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
    width = 1 if data[at] == 0 else len(body[at - bom:at - bom + 1].decode("utf-8", "backslashreplace"))
    return Span(path, line, column, line, column + width)


def read_source_hashed(path: str, limit: int = MAX_SOURCE_BYTES, shown: str | None = None,
                       what: str = "spec") -> tuple[str, str]:
    """:func:`read_source`, and the SHA-256 of the bytes the text was decoded from (one read: the
    bytes hashed in a proof stamp are the bytes checked); ``limit``: the most bytes accepted (a
    people file may be larger than a spec); ``shown``: the path its errors name (``path`` by
    default); ``what``: what the file is, in the errors ("spec", "people file")."""
    where = Span.point(shown or path)
    _SHOWN.pop(shown or path, None)  # (read again: what was kept of it is stale, whatever this read finds)
    try:
        mode = os.stat(path).st_mode  # before opening: opening a named pipe waits for a writer
        if stat.S_ISDIR(mode):
            raise SpecError([Diagnostic("GOV001", f"'{path}' is a directory, not a spec file", where)])
        piped = stat.S_ISFIFO(mode)
        if piped:
            data = _read_pipe(path, limit)
            if not data:
                raise SpecError([Diagnostic("GOV001", f"'{path}' is a pipe with nothing written to it (no writer)",
                                            where)])
        elif not stat.S_ISREG(mode):
            kind = ("a socket" if stat.S_ISSOCK(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                    else "not a regular file")
            raise SpecError([Diagnostic("GOV001", f"'{path}' is {kind}, not a spec file", where)])
        else:
            with open(path, "rb") as handle:
                data = handle.read(limit + 1)  # bounded: a huge file is refused, not read
    except SpecError:
        raise
    except FileNotFoundError:
        raise SpecError([Diagnostic("GOV001", f"no such file: '{path}'", where)]) from None
    except OSError as err:
        raise SpecError([Diagnostic("GOV001", f"cannot read '{path}': {err.strerror or err}", where)]) from None
    except ValueError as err:  # e.g. a NUL character in the path
        raise SpecError([Diagnostic("GOV001", f"cannot read '{path}': {err}", where)]) from None
    if len(data) > limit:
        raise SpecError([Diagnostic("GOV003", f"the file is larger than {limit} bytes", where)])
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SpecError([Diagnostic("GOV002", "this file is UTF-16 text; GovSpec reads UTF-8", where,
                                    notes=("save the file as UTF-8",))])
    if b"\x00" in data:
        nul = data.index(b"\x00")
        raise SpecError([Diagnostic("GOV002", f"this looks like a binary file, not a {what}: a NUL byte at byte {nul}",
                                    _at_byte(data, nul, shown or path))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        at = err.start + (len(_BOM) if data.startswith(_BOM) else 0)  # (counted after the byte order mark)
        raise SpecError([Diagnostic("GOV002", f"invalid UTF-8 at byte {at}", _at_byte(data, at, shown or path),
                                    notes=(f"GovSpec reads a {what} as UTF-8 (a byte that is not UTF-8 is shown as \\xNN); "
                                           "save the file in that encoding",))]) from None
    text = _lines_of(text)
    if piped:  # (read once: kept to show under its errors)
        _keep(shown or path, text)
    return text, hashlib.sha256(data).hexdigest()
