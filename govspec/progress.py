"""Progress on standard error for long checks: shown only when it is a terminal and not --quiet.

Uses rich (which also honours ``NO_COLOR``); with no terminal, nothing is written at all, so
redirected output and CI logs stay clean.  What is shown (it names the file) has its controls escaped
(:func:`govspec.safe.shown`) and is not read as rich markup.
"""

from __future__ import annotations

import contextlib
from typing import Callable, TextIO

from .safe import shown

Progress = Callable[[str], None]


@contextlib.contextmanager
def progress_for(stream: TextIO, quiet: bool):
    """Yields a callback taking a one-line description of what is being checked, or None."""
    if quiet or not getattr(stream, "isatty", lambda: False)():
        yield None
        return
    from rich.console import Console
    from rich.markup import escape

    console = Console(file=stream, stderr=True)
    with console.status("checking ...") as status:
        yield lambda what: status.update(f"checking {escape(shown(what))}")
