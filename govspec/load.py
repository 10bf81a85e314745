"""Loading a spec: text to a checked model, through every pass of the front end.

parse (:mod:`govspec.syntax`) -> join imports (:mod:`govspec.imports`) -> check and build the
model (:mod:`govspec.check`).  Assumes nothing of the text; guarantees a checked
:class:`~govspec.model.Model`, or :class:`~govspec.diagnostics.SpecError` with every diagnostic.
The verdict logic loads the instances of a spec at other sizes here, like any spec.
"""

from __future__ import annotations

import os

from . import model as m
from .check import build_model
from .diagnostics import SpecError
from .imports import imported_files, resolve
from .review import is_review, spec_text
from .syntax import parse, read_source


def load_text(text: str, path: str = "<input>", sizes: dict[str, int] | None = None) -> m.Model:
    """Parse, join imports, resolve and check a spec given as text (imports resolve from ``path``);
    ``sizes``: the size of groups of variable size (the instance of the spec with those sizes)."""
    spec, sources = resolve(parse(text, path), path)
    return build_model(spec, text, path, sources, sizes)


def instance(model: m.Model, sizes: dict[str, int]) -> m.Model:
    """The spec of ``model`` with its groups of variable size at ``sizes`` (the others at their least)."""
    return load_text(model.source, model.path, sizes)


def inputs(path: str) -> list[tuple[str, str]]:
    """Every file that loading ``path`` reads, with what it is: the spec (or review document)
    itself, then each file it imports, as far as they can be read and parsed (outputs must not
    overwrite any of them)."""
    found = [(path, "the review being checked" if is_review(path) else "the spec being checked")]
    try:
        text = read_source(path)
        spec = parse(spec_text(text, path) if is_review(path) else text, path)
    except SpecError:
        return found
    return found + [(_shown(f), f"imported by {path}") for f in imported_files(spec, path)]


def _shown(path: str) -> str:
    """A path as a person reads it: relative to the current folder when inside it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def load(path: str) -> m.Model:
    """Load a spec file, or a Markdown review document whose ```govspec blocks form the spec."""
    text = read_source(path)
    return load_text(spec_text(text, path) if is_review(path) else text, path)
