"""Imports: join ``rules`` blocks from the standard library or the spec's folder tree.

Assumes a parsed :class:`ast.SpecFile`.  Guarantees: the returned SpecFile has no imports and no
rules blocks; everything they declared has joined its organisation, in import order, and the
importing organisation's own declarations replace imported ones of the same name (that is how a
spec overrides a default, e.g. ``parameter quorum_fraction = 1/10``); then the organisation's
``amend`` blocks change single clauses of the joined procedures (:mod:`govspec.amendments`).

Safety: a library import names a file of ``govspec/library``; a path import must be relative,
end in ``.gov`` and resolve (symbolic links included) inside the folder of the spec being checked.
Nothing is executed; cycles, unknown names and escapes are located errors.

``people from "PATH"`` (in an organisation or a rules block) is confined the same way (a ``.csv`` or
``.json`` file), read once and hashed like an imported file (so a proof stamp records it), and
replaced by the people of its rows (:func:`govspec.syntax.read_people`), at its place among the
block's people; ``into BODY`` adds them, in row order, to the members of that body of the same block.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from importlib import resources
from operator import attrgetter

from . import amendments, ast
from .diagnostics import Diagnostic, Span, SpecError, did_you_mean
from .syntax import (MAX_DATA_BYTES, MAX_PEOPLE, PEOPLE_NOTE, parse, read_people, read_source,  # one reader for every
                     read_source_hashed, shown_source)  # file: encodings, limits and errors alike

MAX_IMPORTED_FILES = 64
_NAME = attrgetter("name")
DATA_SUFFIXES = (".csv", ".json")
_WHAT = {  # what a confined path names: imports, people files
    "import": ("import paths", "an imported file must be a .gov spec", "imports", "no file to import"),
    "people": ("the paths of people files", "a people file must be a .csv or .json file", "people files",
               "no people file"),
}


def library_names() -> list[str]:
    folder = resources.files("govspec").joinpath("library")
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".gov"))


def library_path(name: str) -> str:
    return str(resources.files("govspec").joinpath("library").joinpath(f"{name}.gov"))


@dataclass
class Imported:
    """What :func:`resolve` read: ``texts``, each imported file's text by its real path (given back
    to :func:`resolve`, it is used instead of reading the file again); ``hashes``, the SHA-256 of
    the bytes of each file read, by the path its spans carry (``<library>/NAME.gov`` for the
    standard library), filled as the files are read, so it holds them even when an import fails."""

    texts: dict[str, str] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)


class _Resolver:
    def __init__(self, root_path: str, imported: Imported | None = None):
        self.root = os.path.realpath(os.path.dirname(os.path.abspath(root_path)) or ".")
        self.loaded: dict[str, ast.SpecFile] = {}
        self.order: list[str] = []
        self.sources: dict[str, str] = {}
        imported = imported if imported is not None else Imported()
        self.texts, self.hashes = imported.texts, imported.hashes  # (shared: filled as files are read)
        self.data: list[str] = []  # the real path of each people file read
        self.loaded_people = 0

    def target(self, imp: ast.Import, importer: str) -> str:
        if imp.library is not None:
            names = library_names()
            if imp.library not in names:
                close = did_you_mean(imp.library, names)
                raise SpecError([Diagnostic(
                    "GOV120", f"no rules named '{imp.library}' in the standard library"
                    + (f" (did you mean '{close[0]}'?)" if close else ""), imp.span,
                    notes=("available: " + ", ".join(names),))])
            return library_path(imp.library)
        return self.confined(imp.path, imp.span, importer, "import")

    def confined(self, raw: str, span: Span, importer: str, kind: str) -> str:
        """The real path of ``raw`` (relative to ``importer``), a file inside the spec's folder tree
        with the suffix of its ``kind`` (``import`` or ``people``); SpecError (GOV121, GOV123) otherwise."""
        paths, suffix, reach, missing = _WHAT[kind]
        if not raw or os.path.isabs(raw) or raw.startswith(("~", "\\")) or ":" in raw:
            raise SpecError([Diagnostic("GOV121", f"{paths} are relative to the spec's folder, not '{raw}'", span)])
        if not raw.lower().endswith(".gov" if kind == "import" else DATA_SUFFIXES):
            raise SpecError([Diagnostic("GOV121", f"{suffix}, not '{raw}'", span)])
        base = os.path.dirname(os.path.abspath(importer))
        candidate = os.path.realpath(os.path.join(base, raw))
        if os.path.commonpath([candidate, self.root]) != self.root:
            raise SpecError([Diagnostic("GOV121", f"'{raw}' is outside the folder of the spec being checked", span,
                                        notes=(f"{reach} may only reach files under {self.root}",))])
        if not os.path.isfile(candidate):
            raise SpecError([Diagnostic("GOV123", f"{missing} at '{raw}'", span)])
        return candidate

    def expand(self, spec: ast.SpecFile, path: str) -> ast.SpecFile:
        """``spec`` (read from ``path``) with each ``people from`` replaced by the people it loads."""
        if not any(block.loads for block in (*spec.organizations, *spec.rules)):
            return spec
        return replace(spec, organizations=tuple(self._loaded(o, path) for o in spec.organizations),
                       rules=tuple(self._loaded(r, path) for r in spec.rules))

    def _loaded(self, block: ast.Organization, path: str) -> ast.Organization:
        if not block.loads:
            return block
        people, bodies = list(block.people), list(block.bodies)
        rows = [self._rows(load, path) for load in block.loads]
        for load, loaded in reversed(list(zip(block.loads, rows))):  # (from the last: earlier places stay put)
            people[load.after:load.after] = loaded
        for load, loaded in zip(block.loads, rows):
            if load.into is None:
                continue
            at = next((i for i, b in enumerate(bodies) if b.name == load.into.name), None)
            if at is None:
                close = did_you_mean(load.into.name, [b.name for b in bodies])
                raise SpecError([Diagnostic(
                    "GOV104", f"unknown body '{load.into.name}'" + (f" (did you mean '{close[0]}'?)" if close else ""),
                    load.into.span, notes=("'people from ... into BODY' adds to a body declared in the same block",))])
            members = bodies[at].members + tuple(loaded)  # (listed by their declarations: see ast.BodyDecl)
            bodies[at] = replace(bodies[at], members=members)
        return replace(block, people=tuple(people), bodies=tuple(bodies), loads=())

    def _rows(self, load: ast.PeopleFrom, importer: str) -> tuple[ast.PersonDecl, ...]:
        target = self.confined(load.path, load.path_span, importer, "people")
        shown = os.path.relpath(target)
        if target not in self.data and len(self.data) >= MAX_IMPORTED_FILES:
            raise SpecError([Diagnostic("GOV003", f"more than {MAX_IMPORTED_FILES} people files", load.span)])
        if target not in self.texts:
            self.texts[target], self.hashes[shown] = read_source_hashed(target, MAX_DATA_BYTES, shown, "people file")
        if target not in self.data:
            self.data.append(target)
        people = read_people(self.texts[target], shown, load)
        self.sources[shown] = self.texts[target]
        if self.loaded_people + len(people) > MAX_PEOPLE:  # (several files: each within the limit, not together)
            raise SpecError([Diagnostic("GOV003", f"more than {MAX_PEOPLE} people in one organisation",
                                        people[MAX_PEOPLE - self.loaded_people].span, notes=(PEOPLE_NOTE,))])
        self.loaded_people += len(people)
        return people

    def visit(self, spec: ast.SpecFile, path: str, stack: list[str]) -> None:
        for imp in spec.imports:
            target = self.target(imp, path)
            if target in stack:
                raise SpecError([Diagnostic("GOV122", "import cycle: " + " -> ".join(
                    os.path.basename(p) for p in stack + [target]), imp.span)])
            if target in self.loaded:
                continue
            if len(self.loaded) >= MAX_IMPORTED_FILES:
                raise SpecError([Diagnostic("GOV003", f"more than {MAX_IMPORTED_FILES} imported files", imp.span)])
            # spans name library files by a stable name, other files relative to where govspec runs
            shown = f"<library>/{imp.library}.gov" if imp.library is not None else os.path.relpath(target)
            if target not in self.texts:
                self.texts[target], self.hashes[shown] = read_source_hashed(target, shown=shown)
            text = self.texts[target]
            sub = parse(text, shown)
            self.sources[shown] = text
            if sub.organizations:
                raise SpecError([Diagnostic("GOV124", "an imported file may hold 'rules' blocks, not an organization",
                                            sub.organizations[0].span)])
            sub = self.expand(sub, target)
            self.loaded[target] = sub
            self.visit(sub, target, stack + [target])
            self.order.append(target)


_KINDS = ("people", "bodies", "offices", "params", "procedures", "flash")


def source_of(path: str) -> str | None:
    """The text behind a span's path (a spec file, or ``<library>/NAME.gov``), for error display
    (a file read from a pipe, or one that is not UTF-8: as kept when it was read)."""
    kept = shown_source(path)
    if kept is not None:
        return kept
    try:
        if path.startswith("<library>/"):
            return read_source(library_path(path[len("<library>/"):-len(".gov")]))
        if path.lower().endswith(DATA_SUFFIXES):
            return read_source_hashed(path, MAX_DATA_BYTES)[0]
        return read_source(path)
    except (SpecError, OSError, ValueError):
        return None


def imported_files(spec: ast.SpecFile, path: str) -> list[str]:
    """The real path of every file ``spec`` (read from ``path``) imports, directly or not, and of
    every people file they load, as far as they resolve: an import that fails ends the list (the
    error is :func:`resolve`'s)."""
    resolver = _Resolver(path)
    for step in (lambda: resolver.expand(spec, path), lambda: resolver.visit(spec, path, [os.path.realpath(path)])):
        try:
            step()
        except SpecError:
            pass
    return list(resolver.loaded) + [f for f in resolver.data if f not in resolver.loaded]


def resolve(spec: ast.SpecFile, path: str, imported: Imported | None = None) -> tuple[ast.SpecFile, dict[str, str]]:
    """Join every imported rules block (and the file's own rules blocks) into its organisation.

    Returns the joined spec and the text of each imported file (by the path its spans carry).
    ``imported``: the texts read before (read no file again), and where to record what is read.
    """
    resolver = _Resolver(path, imported)
    spec = resolver.expand(spec, path)
    resolver.visit(spec, path, [os.path.realpath(path)])
    joined = _join(spec, resolver)
    return joined, resolver.sources


def _join(spec: ast.SpecFile, resolver: _Resolver) -> ast.SpecFile:
    fragments: list[ast.Organization] = []
    properties: list[ast.PropertyDecl] = []
    for target in resolver.order:
        sub = resolver.loaded[target]
        fragments.extend(sub.rules)
        properties.extend(sub.properties)
    fragments.extend(spec.rules)
    for fragment in fragments:
        if fragment.amends:
            raise SpecError([Diagnostic("GOV128", "'amend' belongs in the organization block, not in a rules block",
                                        fragment.amends[0].span)])
    if not fragments or len(spec.organizations) != 1:
        own_only = tuple(amendments.apply(o, {p.name for p in o.procedures}) for o in spec.organizations)
        return replace(spec, organizations=own_only, imports=(), rules=(), properties=tuple(properties) + spec.properties)
    org = spec.organizations[0]
    own = {kind: set(map(_NAME, getattr(org, kind))) for kind in _KINDS}  # (10,000 loaded people: a pass in C)
    merged = {kind: [] for kind in _KINDS}
    seen: dict[str, Span] = {}
    for fragment in fragments:
        for kind in _KINDS:
            for decl in getattr(fragment, kind):
                if decl.name in own[kind]:
                    continue  # the organisation's own declaration overrides the imported one
                if decl.name in seen:
                    raise SpecError([Diagnostic("GOV109", f"'{decl.name}' is declared by two rules blocks",
                                                decl.span, notes=(f"first declared at {seen[decl.name]}",))])
                seen[decl.name] = decl.span
                merged[kind].append(decl)
    joined = replace(org, **{kind: tuple(merged[kind]) + tuple(getattr(org, kind)) for kind in _KINDS})
    joined = amendments.apply(joined, own["procedures"])
    return replace(spec, organizations=(joined,), imports=(), rules=(), properties=tuple(properties) + spec.properties)
