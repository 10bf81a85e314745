"""The state one check shares between its passes: the source, the diagnostics so far, the names declared.

Assumes: nothing beyond the spec's text and path (and those of its imports, by the path their spans
carry).  Guarantees: every pass reports through :meth:`Context.error` and :meth:`Context.unknown`,
so a problem becomes one located, coded :class:`Diagnostic` (for names with a "did you mean" note);
the tables of declared names are filled by :func:`govspec.check.declarations.declare` and only read
afterwards (except the values a parameter can take, which effects add to).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from operator import attrgetter

from .. import ast
from .. import model as m
from ..diagnostics import Diagnostic, Span, did_you_mean
from ..groups import chain, member
from ..syntax.expected import keywords_at, misspelt_keyword


def snippet(source: str, span: Span) -> str:
    lines = source.split("\n")  # as the parser counts lines (not str.splitlines)
    if not (1 <= span.line <= len(lines)):
        return ""
    if span.end_line == span.line:
        text = lines[span.line - 1][span.column - 1 : span.end_column - 1]
    else:
        parts = [lines[span.line - 1][span.column - 1 :]]
        parts += lines[span.line : span.end_line - 1]
        if span.end_line - 1 < len(lines):
            parts.append(lines[span.end_line - 1][: span.end_column - 1])
        text = " ".join(p.strip() for p in parts)
    return " ".join(text.split())


class People(Mapping):
    """Everyone declared, by name, in declaration order: a person declared by name is kept as a
    record, a group's members through the group (:class:`govspec.model.GroupPeople`), so that declaring
    a group of 10,000 costs what a group of 2 does (issue 14).  Read like a dict; filled only by
    :func:`govspec.check.declarations.declare` (a name once)."""

    def __init__(self) -> None:
        self._named: dict[str, m.Person] = {}
        self._groups: dict[str, m.GroupPeople] = {}
        self._parts: list = []  # lists of people declared by name, and groups, in declaration order

    def __setitem__(self, name: str, person: m.Person) -> None:
        self._named[name] = person
        if not self._parts or isinstance(self._parts[-1], m.GroupPeople):
            self._parts.append([])
        self._parts[-1].append(person)

    def add_group(self, members: m.GroupPeople) -> None:
        self._groups[members.names.group] = members
        self._parts.append(members)

    def _member(self, name) -> m.Person | None:
        written = member(name)
        group = self._groups.get(written[0]) if written is not None else None
        return None if group is None else group.named(name)

    def __getitem__(self, name) -> m.Person:
        found = self._named.get(name)
        if found is None:
            found = self._member(name)
            if found is None:
                raise KeyError(name)
        return found

    def __contains__(self, name) -> bool:
        return name in self._named or self._member(name) is not None

    def __iter__(self):
        for part in self._parts:
            yield from (part.names if isinstance(part, m.GroupPeople) else map(attrgetter("name"), part))

    def __len__(self) -> int:
        return sum(map(len, self._parts))

    def held_for(self) -> set[str]:
        """The principals who hold someone else's keys ('person x for acme', 'group d of 5 for acme')."""
        held = {p.principal for p in self._named.values() if p.principal != p.name}
        return held | {g.principal for g in self._groups.values() if g.principal}

    def own_principals(self) -> list[str]:
        """The people declared by name who are their own principal (a group's members are theirs too,
        but no spec can write their names)."""
        return [n for n, p in self._named.items() if p.principal == n]

    def named(self) -> dict[str, m.Person]:
        """The people declared by name (no group's member)."""
        return self._named

    def sequence(self):
        """Everyone, as the model holds them: a tuple of records, or a :class:`govspec.groups.Chain`
        of them and the groups' :class:`govspec.model.GroupPeople`."""
        return chain(self._parts)


@dataclass
class Context:
    source: str
    path: str
    sources: dict[str, str] = field(default_factory=dict)  # the text of every imported file by its path
    # group -> size: one instance of a spec with groups of variable size
    size_overrides: dict[str, int] = field(default_factory=dict)
    diags: list[Diagnostic] = field(default_factory=list)
    people: People = field(default_factory=People)  # everyone, by name (a group's members through the group)
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)  # group -> its members' names (groups.Names)
    bodies: dict[str, m.Body] = field(default_factory=dict)
    offices: dict[str, m.Office] = field(default_factory=dict)
    params: dict[str, ast.ParamDecl] = field(default_factory=dict)
    param_values: dict[str, set[Fraction]] = field(default_factory=dict)
    procs: dict[str, ast.ProcedureDecl] = field(default_factory=dict)
    tags: set[str] = field(default_factory=set)
    kinds: dict[str, str] = field(default_factory=dict)  # every declared name -> what it names, for "X is a Y" messages
    sizes: dict[str, tuple[int, int | None]] = field(default_factory=dict)  # group of variable size -> (least, greatest or None)
    refused: set[Span] = field(default_factory=set)  # where a declared name was refused (GOV110): no second error there
    _line_starts: list[int] | None = field(default=None, init=False, repr=False)  # cache of name_span
    _keyword_chars_parsed: int = field(default=0, init=False, repr=False)  # characters parsed to compare unknown names with keywords
    warned: list[Diagnostic] = field(default_factory=list)  # warnings: the check goes on (GOV232)

    def error(self, code: str, message: str, span: Span, *notes: str) -> None:
        self.diags.append(Diagnostic(code, message, span, notes=tuple(notes)))

    def unknown(self, code: str, what: str, name: str, span: Span, candidates) -> None:
        if span in self.refused:  # (a loaded person refused for its name, then named in 'into': one error)
            return
        kind = self.kinds.get(name)
        if what != "name" and kind is not None and kind != what:  # declared, but as something else
            self.error(code, f"'{name}' is {_a(kind)}, not {_a(what)}", span)
            return
        close = did_you_mean(name, candidates) or self._misspelt_keyword(name, span)
        notes = [_KEYWORD_MISUSES[name]] if what == "name" and name in _KEYWORD_MISUSES else []
        if span.path != self.path and (span.path.endswith(".gov") or span.path.startswith("<library>/")):
            # (a rule imported from elsewhere names something this spec lacks; not a people file's row)
            library = span.path.removeprefix("<library>/").removesuffix(".gov")
            notes.append(f"the imported rules '{library}' expect your organization to declare {what} '{name}'")
            close = ()
        message = f"unknown {what} '{name}'" + (f" (did you mean '{close[0]}'?)" if close else "")
        self.error(code, message, span, *notes)

    def _misspelt_keyword(self, name: str, span: Span) -> tuple[str, ...]:
        """The keyword that could stand where ``name`` is written and that it most likely misspells
        (``ceo = vacnt``: 'vacant'), from the grammar's parser state there.  Each parses the text up
        to the name, so all of them together parse at most ``_KEYWORD_LOOKUP_CHARS`` characters (a
        large file with many unknown names is not parsed again and again)."""
        source = self.sources.get(span.path, self.source if span.path == self.path else None)
        if source is None:
            return ()
        lines = source.split("\n", span.line - 1)
        if not 1 <= span.line <= len(lines):
            return ()
        offset = sum(len(line) + 1 for line in lines[: span.line - 1]) + span.column - 1
        if not source.startswith(name, offset) or self._keyword_chars_parsed + offset > _KEYWORD_LOOKUP_CHARS:
            return ()
        self._keyword_chars_parsed += offset
        close = misspelt_keyword(name, keywords_at(source, offset))
        return (close,) if close else ()

    def name_span(self, decl_span: Span, name: str) -> Span:
        """Where ``name`` is written in a declaration ``keyword name ...`` spanning ``decl_span``
        (in the spec's own text; a person loaded from a people file is spanned by the name's cell)."""
        if decl_span.path != self.path:
            return decl_span
        if self._line_starts is None:
            self._line_starts = [0] + [match.end() for match in re.finditer("\n", self.source)]
        if not 1 <= decl_span.line <= len(self._line_starts):
            return decl_span
        offset = self._line_starts[decl_span.line - 1] + decl_span.column - 1
        keyword = _KEYWORD.match(self.source, offset)  # (no pattern per name: 60,000 names took 38 s)
        start = keyword.end() if keyword else -1
        end = start + len(name)
        if keyword is None or not self.source.startswith(name, start) or _WORD.match(self.source, end):
            return decl_span
        line = decl_span.line + self.source.count("\n", offset, start)
        column = start - self._line_starts[line - 1] + 1
        return Span(self.path, line, column, line, column + len(name))

    def text(self, span: Span) -> str:
        return snippet(self.sources.get(span.path, self.source), span)

    def all_names(self):
        return [*self.people.named(), *self.groups, *self.bodies, *self.offices, *self.params, *self.procs]


_KEYWORD_LOOKUP_CHARS = 1_000_000
# Words written as names where GovSpec has a word or form of its own, with what to write instead.
_KEYWORD_MISUSES = {
    "vacant": "to test an office, write 'OFFICE is vacant' or 'OFFICE is not vacant'",
    "votes": "the votes cast are 'cast' (yes and no; abstentions are not cast); the yes votes are 'yes'",
    "unanimous": "for a unanimous vote, write 'yes == members' (every member in office voted yes)",
    "unanimously": "for a unanimous vote, write 'yes == members' (every member in office voted yes)",
    "quorate": "write the quorum rule itself, e.g. 'present >= 1/2 of members'",
}
_KEYWORD = re.compile(r"\w+\s+")
_WORD = re.compile(r"\w")


def _a(kind: str) -> str:
    return ("an " if kind[0] in "aeiou" else "a ") + kind
