"""The Python API: load a spec, check it, get a frozen report.

    >>> from govspec import api
    >>> report = api.check_files(["specs/openai_2023.gov"])      # doctest: +SKIP
    >>> report.exit_code                                          # doctest: +SKIP
    1

The CLI (:mod:`govspec.cli`) only parses arguments, calls these functions and renders.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from . import model as m
from .check import build_model
from .diagnostics import Diagnostic, Span, SpecError
from .report import FileReport, Report
from .syntax import parse

DEFAULT_DEPTH = 4
DEFAULT_TIMEOUT = 60.0


@dataclass(frozen=True)
class Options:
    depth: int = DEFAULT_DEPTH
    timeout: float = DEFAULT_TIMEOUT  # seconds per property (every solver call gets what is left)
    sanity: bool = True


def read_source(path: str) -> str:
    """Read a spec file as UTF-8 text (a BOM is dropped, CRLF accepted); SpecError otherwise."""
    where = Span.point(path)
    try:
        if os.path.isdir(path):
            raise SpecError([Diagnostic("GOV001", f"'{path}' is a directory, not a spec file", where)])
        with open(path, "rb") as handle:
            data = handle.read()
    except SpecError:
        raise
    except FileNotFoundError:
        raise SpecError([Diagnostic("GOV001", f"no such file: '{path}'", where)]) from None
    except OSError as err:
        raise SpecError([Diagnostic("GOV001", f"cannot read '{path}': {err.strerror or err}", where)]) from None
    if b"\x00" in data:
        raise SpecError([Diagnostic("GOV002", "this looks like a binary file, not a spec", where)])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise SpecError([Diagnostic("GOV002", f"invalid UTF-8 at byte {err.start}", Span.point(path, line))]) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_text(text: str, path: str = "<input>") -> m.Model:
    return build_model(parse(text, path), text, path)


def load(path: str) -> m.Model:
    return load_text(read_source(path), path)


def check_model(model: m.Model, options: Options = Options()) -> FileReport:
    from verifier import check_property, sanity  # heavy (z3): imported only when checking

    passable: dict[str, bool] = {}
    sanity_results: list = []
    if options.sanity:
        sanity_results, passable = sanity(model, options.depth, options.timeout)
    results = [check_property(model, p, options.depth, options.timeout, passable) for p in model.properties]
    return FileReport(model.path, tuple(results), tuple(sanity_results))


def check_file(path: str, options: Options = Options()) -> FileReport:
    try:
        model = load(path)
    except SpecError as err:
        return FileReport(path, errors=tuple(err.diagnostics))
    return check_model(model, options)


def check_files(paths, options: Options = Options()) -> Report:
    return Report(tuple(check_file(p, options) for p in paths),
                  {"depth": options.depth, "timeout": options.timeout})
