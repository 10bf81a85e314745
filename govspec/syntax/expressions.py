"""Expressions, numbers and sets: the callbacks of the expression rules.

Assumes: numbers no longer than ``MAX_NUMBER_CHARS`` (:mod:`.parser` checks before building).
Guarantees: ``ast`` expression nodes with spans, numbers as exact fractions; one grammar for every
kind of expression (kinds are checked after parsing, in :mod:`govspec.check`).  A fraction with a
zero denominator is GOV312.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from lark import v_args

from .. import ast
from ..diagnostics import Diagnostic, SpecError
from .tokens import Located


def number_value(text: str) -> Fraction:
    if text.endswith("%"):
        return Fraction(Decimal(text[:-1])) / 100
    if "/" in text:
        num, den = text.split("/")
        if int(den) == 0:
            raise ValueError("zero denominator")
        return Fraction(int(num), int(den))
    return Fraction(Decimal(text))


@v_args(meta=True)
class ExpressionRules(Located):
    """The callbacks of the expression and number rules."""

    # ---- numbers
    def int_(self, meta, items):
        return ast.Number(self.s(meta), Fraction(int(items[0])), text=str(items[0]))

    def decimal(self, meta, items):
        return ast.Number(self.s(meta), number_value(str(items[0])), text=str(items[0]))

    def frac(self, meta, items):
        try:
            return ast.Number(self.s(meta), number_value(str(items[0])), text=str(items[0]))
        except ValueError:
            raise SpecError([Diagnostic("GOV312", "a fraction cannot have a zero denominator", self.s(meta))])

    def percent(self, meta, items):
        return ast.Number(self.s(meta), number_value(str(items[0])), text=str(items[0]))

    def half(self, meta, items):
        return ast.Number(self.s(meta), Fraction(1, 2))

    # ---- expressions
    def name(self, meta, items):
        return ast.Name(self.s(meta), str(items[0]))

    def dotted(self, meta, items):
        return ast.Dotted(self.s(meta), str(items[0]), str(items[1]), self.t(items[0]))

    def step_set(self, meta, items):
        return ast.StepSet(self.s(meta), str(items[0]))

    def step_set_no(self, meta, items):
        return ast.StepSet(self.s(meta), "no")

    def step_members(self, meta, items):
        return ast.StepSet(self.s(meta), "members")

    def seats(self, meta, items):
        return ast.Seats(self.s(meta))

    def all_people(self, meta, items):
        return ast.AllPeople(self.s(meta))

    def weight(self, meta, items):
        return ast.Call(self.s(meta), "weight", items[0])

    def size(self, meta, items):
        return ast.Call(self.s(meta), "size", items[0])

    def set_literal(self, meta, items):
        return ast.SetLiteral(self.s(meta), items[0])

    def procedure_set_phase(self, meta, items):
        return ast.ProcedureSet(self.s(meta), items[0], str(items[1]), self.t(items[1]))

    def true(self, meta, items):
        return ast.BoolLit(self.s(meta), True)

    def false(self, meta, items):
        return ast.BoolLit(self.s(meta), False)

    def _bin(op):  # noqa: N805 - a small factory for binary node builders
        def build(self, meta, items):
            return ast.Binary(self.s(meta), op, items[0], items[-1])

        return build

    implies = _bin("->")
    or_ = _bin("or")
    and_ = _bin("and")
    add = _bin("+")
    sub = _bin("-")
    mul = _bin("*")
    set_union = _bin("union")
    set_difference = _bin("except")
    set_intersection = _bin("intersect")
    member_of = _bin("in")
    not_member_of = _bin("not in")

    def compare(self, meta, items):
        return ast.Binary(self.s(meta), str(items[1]), items[0], items[2])

    def not_(self, meta, items):
        return ast.Not(self.s(meta), items[0])

    def is_vacant(self, meta, items):
        return ast.Vacancy(self.s(meta), items[0], True)

    def is_held(self, meta, items):
        return ast.Vacancy(self.s(meta), items[0], False)

    def majority(self, meta, items):
        return ast.Majority(self.s(meta), items[0])

    def fraction_of(self, meta, items):
        return ast.FractionOf(self.s(meta), items[0].value, items[1], text=items[0].text)

    # ---- set filters (issue 13)
    def set_tagged(self, meta, items):
        return ast.SetFilter(self.s(meta), items[0], "tag", ast.Name(self.t(items[1]), str(items[1])))

    def set_held_for(self, meta, items):
        return ast.SetFilter(self.s(meta), items[0], "principal", ast.Name(self.t(items[1]), str(items[1])))

    def tag_set(self, meta, items):
        return ast.SetFilter(self.s(meta), None, "tag", ast.Name(self.t(items[0]), str(items[0])))

    def principal_set(self, meta, items):
        return ast.SetFilter(self.s(meta), None, "principal", ast.Name(self.t(items[0]), str(items[0])))

    def now(self, meta, items):
        return ast.Now(self.s(meta))

    def supply(self, meta, items):
        return ast.Supply(self.s(meta))
