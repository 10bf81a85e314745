"""Loading a spec: text to a checked model, through every pass of the front end.

parse (:mod:`govspec.syntax`) -> join imports (:mod:`govspec.imports`) -> check and build the
model (:mod:`govspec.check`).  Assumes nothing of the text; guarantees a checked
:class:`~govspec.model.Model`, or :class:`~govspec.diagnostics.SpecError` with every diagnostic.
The verdict logic loads the instances of a spec at other sizes here, like any spec.

Each file is read once: the SHA-256 in a proof stamp is of the bytes that were checked (a
:class:`Read` records them as loading goes), and an instance at other sizes joins the imported
texts the model was built from, not the files as they are by then.
"""

from __future__ import annotations

import contextlib
import gc
import os
from dataclasses import dataclass, field, replace
from typing import Callable

from . import ast
from . import model as m
from .check import build_model
from .diagnostics import SpecError
from .imports import Imported, imported_files, resolve
from .review import diff_blocks, is_review, power_blocks, spec_text
from .syntax import parse, read_source, read_source_hashed


@dataclass
class Read:
    """What loading a file read, recorded as it goes (so it holds what was read before an error):
    ``sha256`` of the file's bytes (None: not read), ``text``: those bytes decoded (a review
    document's whole Markdown: its page is rendered from the text checked, never a second read),
    ``parsed`` once its text parsed as a spec, and ``imported``: each imported file's hash by the
    path its spans carry."""

    sha256: str | None = None
    text: str | None = None
    parsed: bool = False
    imported: Imported = field(default_factory=Imported)

    def files(self, path: str) -> tuple[tuple[str, str], ...]:
        """``(path, sha256)`` of the file read as ``path`` and of each file it imports, as read."""
        return ((path, self.sha256), *self.imported.hashes.items()) if self.sha256 is not None else ()


@contextlib.contextmanager
def _without_cycle_collection():
    """Python's cycle collector paused while a spec loads: loading makes many small objects and no
    garbage cycles, and with 100,000 people (``people from``) the collector's passes over them took
    a third of the time (``bench/holders.py``).  Collection resumes as it was afterwards.

    After a large load (more than ``PROMOTE_FROM`` new objects the collector tracks: thousands of
    people), the young objects are moved to the collector's oldest generation, as if they had
    survived the young generations' passes: those passes would each walk all of them (for 10,000
    members, about 2 ms in the first checks).  The move (a freeze, then an unfreeze: constant time)
    takes every young object of the process, the program's own as well as the load's; they stay
    collectable, but a garbage cycle among them is then freed only by a full collection.  Hence
    only after large loads, and never when the program has frozen objects itself (the unfreeze
    would release them)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_count()[0] > PROMOTE_FROM and gc.get_freeze_count() == 0:
                gc.freeze()  # (every tracked object to the permanent generation: O(1), the young ones' count reset)
                gc.unfreeze()  # (and all of them back, into the oldest generation)
            gc.enable()


PROMOTE_FROM = 5_000  # new tracked objects from which a load's young objects are moved to the oldest generation


def load_text(text: str, path: str = "<input>", sizes: dict[str, int] | None = None) -> m.Model:
    """Parse, join imports, resolve and check a spec given as text (imports resolve from ``path``);
    ``sizes``: the size of groups of variable size (the instance of the spec with those sizes)."""
    with _without_cycle_collection():
        return _built(parse(text, path), text, path, sizes, Imported())


def _built(spec, text: str, path: str, sizes: dict[str, int] | None, imported: Imported, edit=None) -> m.Model:
    """``edit``: a function of the joined spec (imports joined) to the spec checked (``govspec tune``
    sets the values it tries there, on what the file and its imports declare)."""
    with _without_cycle_collection():
        joined, sources = resolve(spec, path, imported)
        if edit is not None:
            joined = edit(joined)
        return replace(build_model(joined, text, path, sources, sizes), imported=dict(imported.texts))


@dataclass(frozen=True)
class SyntaxEdit:
    """A change to a spec as written (its syntax, imports joined), in ``Model.edits``: the spec is
    built again with it, so that everything read from the clause changed follows (``--explain``
    removes a timelock this way: the procedure is then untimed, and 'P.executed' its vote, as in
    the spec written without it)."""

    change: Callable[[ast.SpecFile], ast.SpecFile]


def instance(model: m.Model, sizes: dict[str, int]) -> m.Model:
    """The spec of ``model`` with its groups of variable size at ``sizes`` (the others at their least),
    joined with the imported texts ``model`` was built from, with the changes made to ``model``
    after it was built (``model.edits``: a rule removed by --explain) made again."""
    return _remade(model, sizes, model.edits)


def rebuilt(model: m.Model, edit: SyntaxEdit) -> m.Model:
    """``model`` built again from its text with ``edit`` made to its syntax, after its own edits
    (:class:`~govspec.diagnostics.SpecError` when the spec so changed does not check)."""
    return _remade(model, None, (*model.edits, edit))


def _remade(model: m.Model, sizes: dict[str, int] | None, edits: tuple) -> m.Model:
    """``model``'s text built again at ``sizes`` with ``edits``: the changes to its syntax first,
    then those to the model, in order."""
    syntax = [e.change for e in edits if isinstance(e, SyntaxEdit)]

    def changed(joined: ast.SpecFile) -> ast.SpecFile:
        for change in syntax:
            joined = change(joined)
        return joined

    built = _built(parse(model.source, model.path), model.source, model.path, sizes, Imported(dict(model.imported)),
                   edit=changed if syntax else None)
    for edit in edits:
        if not isinstance(edit, SyntaxEdit):
            built = edit(built)
    return replace(built, edits=tuple(edits))


def inputs(path: str) -> list[tuple[str, str]]:
    """Every file that loading ``path`` reads, with what it is: the spec (or review document)
    itself, then each file it imports, as far as they can be read and parsed (outputs must not
    overwrite any of them)."""
    found = [(path, "the review being checked" if is_review(path) else "the spec being checked")]
    try:
        text = read_source(path)
        found += _compared(text, path) if is_review(path) else []
        spec = parse(spec_text(text, path) if is_review(path) else text, path)
    except SpecError:
        return found
    return found + [(_shown(f), f"imported by {path}") for f in imported_files(spec, path)]


def _compared(text: str, review: str) -> list[tuple[str, str]]:
    """The specs a review's diff blocks compare and its power blocks analyse, and what they import
    and the people files they read (inputs of the run too)."""
    named = [(spec, f"the {side} spec of a diff block of {review}") for block in diff_blocks(text, review)
             for side, spec in (("old", block.old_path), ("new", block.new_path))]
    named += [(block.spec_path, f"the spec of a power block of {review}") for block in power_blocks(text, review)]
    return [(f, what if n == 0 else imported) for spec, what in named
            for n, (f, imported) in enumerate(inputs(spec))]


def _shown(path: str) -> str:
    """A path as a person reads it: relative to the current folder when inside it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def load(path: str, read: Read | None = None) -> m.Model:
    """Load a spec file, or a Markdown review document whose ```govspec blocks form the spec;
    ``read``: where to record the hashes of the bytes read (the proof stamp)."""
    read = read if read is not None else Read()
    read.text, read.sha256 = read_source_hashed(path)
    text = spec_text(read.text, path) if is_review(path) else read.text
    with _without_cycle_collection():
        spec = parse(text, path)
        read.parsed = True
        return _built(spec, text, path, None, read.imported)
