"""Declarations: organisations and rules blocks, people, groups, bodies, offices, parameters,
flash loans, imports and ``people from`` a data file (read later, by :mod:`.holders`).

Assumes: the children are already built (names, numbers, cites).  Guarantees: ``ast`` declaration
nodes with spans; values the grammar admits but the language refuses are GOV310 (weights, group
sizes, seat caps); a body that gives its seats or seat cap twice is GOV305.

Bodies and organisations are assembled after the transform, by :func:`assemble_organization`
(``body_decl`` is renamed ``body_raw`` first so that no callback builds it).
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from lark import Tree, v_args

from .. import ast
from ..diagnostics import Diagnostic, SpecError
from .tokens import Located, meta_span, split_cite


@v_args(meta=True)
class DeclarationRules(Located):
    """The callbacks of the declaration rules (bodies and organisations: see :func:`assemble_organization`)."""

    def tags_attr(self, meta, items):
        return ("tags", tuple(str(t) for t in items))

    def weight_attr(self, meta, items):
        return ("weight", items[0])

    def principal_attr(self, meta, items):
        return ("principal", str(items[0]))

    def cap_decl(self, meta, items):
        items, _ = split_cite(items)
        if int(items[0]) < 1:
            raise SpecError([Diagnostic("GOV310", "a seat cap is at least one seat", self.t(items[0]))])
        return ("cap", int(items[0]), self.s(meta))

    def _person(self, meta, items, count):
        items, cite = split_cite(items)
        tags: list[str] = []
        weight, weight_text = Fraction(1), None
        principal = None
        for attr in items[1:]:
            if attr[0] == "tags":
                tags.extend(attr[1])
            elif attr[0] == "principal":
                principal = attr[1]
            else:
                weight, weight_text = attr[1].value, attr[1].text
                if weight <= 0:
                    raise SpecError([Diagnostic("GOV310", "a weight must be positive", attr[1].span)])
        return ast.PersonDecl(self.s(meta), str(items[0]), tuple(tags), weight, cite, count, principal,
                              weight_text=weight_text)

    def person_decl(self, meta, items):
        return self._person(meta, items, None)

    def group_decl(self, meta, items):
        count, upper, variable, token = items[1]
        if count <= 0:
            raise SpecError([Diagnostic("GOV310", "a group must have at least one member", self.t(token))])
        if upper is not None and upper < count:
            raise SpecError([Diagnostic("GOV310", f"a group's size range must not be empty ({count} to {upper})",
                                        self.t(token))])
        decl = self._person(meta, [items[0]] + list(items[2:]), count)
        return replace(decl, variable=variable, upper=upper) if variable else decl

    def size_exact(self, meta, items):
        return (int(items[0]), None, False, items[0])

    def size_at_least(self, meta, items):
        return (int(items[0]), None, True, items[0])

    def size_between(self, meta, items):
        return (int(items[0]), int(items[1]), True, items[1])

    def seats_decl(self, meta, items):
        items, _ = split_cite(items)
        return ("seats", int(items[0]), self.t(items[0]))

    def members_decl(self, meta, items):
        items, _ = split_cite(items)
        return ("members", items[0])

    def members_none(self, meta, items):
        return ("members", ())

    def office_decl(self, meta, items):
        items, cite = split_cite(items)
        return ast.OfficeDecl(self.s(meta), str(items[0]), ast.Name(self.t(items[1]), str(items[1])), cite)

    def office_vacant_decl(self, meta, items):
        items, cite = split_cite(items)
        return ast.OfficeDecl(self.s(meta), str(items[0]), None, cite)

    def param_decl(self, meta, items):
        items, cite = split_cite(items)
        return ast.ParamDecl(self.s(meta), str(items[0]), items[1].value, cite, text=items[1].text)

    def flash_decl(self, meta, items):
        items, cite = split_cite(items)
        if items[0].value <= 0:
            raise SpecError([Diagnostic("GOV310", "a flash loan lends a positive amount", items[0].span)])
        return ast.FlashDecl(self.s(meta), items[0].value, cite, text=items[0].text)

    def people_into(self, meta, items):
        return ("into", ast.Name(self.t(items[0]), str(items[0])))

    def people_from(self, meta, items):
        items, cite = split_cite(items)
        into = [i[1] for i in items[1:] if i[0] == "into"]
        if len(into) > 1:
            raise SpecError([Diagnostic("GOV305", "'into' is given twice", into[1].span,
                                        notes=(f"first given at {into[0].span}",))])
        tags = tuple(t for i in items[1:] if i[0] == "tags" for t in i[1])
        return ast.PeopleFrom(self.s(meta), str(items[0])[1:-1], self.t(items[0]), into[0] if into else None, tags, cite)

    def import_library(self, meta, items):
        items, cite = split_cite(items)
        return ast.Import(self.s(meta), str(items[0]), None, cite)

    def import_path(self, meta, items):
        items, cite = split_cite(items)
        return ast.Import(self.s(meta), None, str(items[0])[1:-1], cite)


def mark_bodies(tree: Tree) -> Tree:
    """Body declarations mix seats/members items: leave them to :func:`_raw_body` after the transform."""
    for sub in tree.iter_subtrees():
        if sub.data == "body_decl":
            sub.data = "body_raw"
    return tree


def assemble_organization(tree: Tree, path: str) -> tuple[ast.Organization, tuple[ast.PropertyDecl, ...]]:
    title_tok = tree.children[0]
    cite = None
    people, bodies, offices, params, procedures, properties, flash, loads = [], [], [], [], [], [], [], []
    amends = []
    for child in tree.children[1:]:
        if isinstance(child, tuple) and child[0] == "cite":
            cite = child[1]
        elif isinstance(child, ast.PersonDecl):
            people.append(child)
        elif isinstance(child, ast.OfficeDecl):
            offices.append(child)
        elif isinstance(child, ast.ParamDecl):
            params.append(child)
        elif isinstance(child, ast.ProcedureDecl):
            procedures.append(child)
        elif isinstance(child, ast.PropertyDecl):
            properties.append(child)
        elif isinstance(child, ast.FlashDecl):
            flash.append(child)
        elif isinstance(child, ast.PeopleFrom):
            loads.append(replace(child, after=len(people)))
        elif isinstance(child, ast.Amend):
            amends.append(child)
        elif isinstance(child, Tree) and child.data == "body_raw":
            bodies.append(_raw_body(child, path))
    org = ast.Organization(
        meta_span(path, tree.meta), str(title_tok)[1:-1], cite, tuple(people), tuple(bodies), tuple(offices),
        tuple(params), tuple(procedures), tuple(flash), tuple(loads), amends=tuple(amends),
    )
    return org, tuple(properties)


def _raw_body(tree: Tree, path: str) -> ast.BodyDecl:
    name_tok = tree.children[0]
    cite = None
    seats = seats_span = None
    cap = cap_span = None
    members: tuple = ()
    for child in tree.children[1:]:
        if isinstance(child, tuple) and child[0] == "cite":
            cite = child[1]
        elif isinstance(child, tuple) and child[0] == "seats":
            if seats is not None:
                raise SpecError([Diagnostic("GOV305", f"'seats' is given twice for body '{name_tok}'", child[2],
                                            notes=(f"first given at {seats_span}",))])
            seats, seats_span = child[1], child[2]
        elif isinstance(child, tuple) and child[0] == "members":
            members = members + tuple(child[1])
        elif isinstance(child, tuple) and child[0] == "cap":
            if cap is not None:
                raise SpecError([Diagnostic("GOV305", f"a seat cap is given twice for body '{name_tok}'", child[2])])
            cap, cap_span = child[1], child[2]
    return ast.BodyDecl(meta_span(path, tree.meta), str(name_tok), seats, seats_span, members, cite, cap, cap_span)
