"""Properties and coalitions: ``always``, ``never``, ``possible``, and what coalitions can force or block.

Assumes: the children are already built (expressions, names, cites).  Guarantees: an
``ast.PropertyDecl`` with spans, with its coalition bound (size, restrictions) or named coalition.
"""

from __future__ import annotations

from lark import v_args

from .. import ast
from .tokens import Located


@v_args(meta=True)
class PropertyRules(Located):
    """The callbacks of the property rules and their coalitions."""

    def principals(self, meta, items):
        return ("principals", True)

    def restrict_in(self, meta, items):
        return ("in", ast.Name(self.t(items[0]), str(items[0])))

    def restrict_tagged(self, meta, items):
        return ("tagged", ast.Name(self.t(items[0]), str(items[0])))

    def restrict_excluding(self, meta, items):
        return ("excluding", items[0])

    def restrict_including(self, meta, items):
        return ("including", items[0])

    def _bound(self, meta, items, exactly):
        within, tagged, excluding, including = [], [], [], []
        principals = False
        for kind, value in items[1:]:
            if kind == "principals":
                principals = True
            elif kind == "in":
                within.append(value)
            elif kind == "tagged":
                tagged.append(value)
            elif kind == "including":
                including.extend(value)
            else:
                excluding.extend(value)
        return ast.CoalitionBound(self.s(meta), exactly, int(items[0]), tuple(within), tuple(tagged), tuple(excluding),
                                  principals, including=tuple(including))

    def bound_at_most(self, meta, items):
        return self._bound(meta, items, False)

    def bound_exactly(self, meta, items):
        return self._bound(meta, items, True)

    def coalition_named(self, meta, items):
        return ast.CoalitionSet(self.s(meta), items[0], None)

    def coalition_tagged(self, meta, items):
        return ast.CoalitionSet(self.s(meta), (), ast.Name(self.t(items[0]), str(items[0])))

    def coalition_expr(self, meta, items):
        return ast.CoalitionSet(self.s(meta), (), None, expr=items[0])

    def prop_always(self, meta, items):
        return ("always", items[0], None, None)

    def prop_never(self, meta, items):
        return ("never", items[0], None, None)

    def prop_possible(self, meta, items):
        return ("possible", items[0], None, None)

    def prop_no_coalition(self, meta, items):
        return ("no_coalition", items[1], items[0], None)

    def prop_every_coalition(self, meta, items):
        return ("every_coalition", items[1], items[0], None)

    def prop_coalition_force(self, meta, items):
        return ("coalition_force", items[1], None, items[0])

    def prop_coalition_block(self, meta, items):
        return ("coalition_block", items[1], None, items[0])

    def prop_every_coalition_block(self, meta, items):
        return ("every_coalition_block", items[1], items[0], None)

    def prop_no_coalition_block(self, meta, items):
        return ("no_coalition_block", items[1], items[0], None)

    def prop_each_force(self, meta, items):
        return ("each_force", items[1], None, None, items[0])

    def prop_each_block(self, meta, items):
        return ("each_block", items[1], None, None, items[0])

    # ---- power properties (issue 17): decided by the power analysis
    def power_person(self, meta, items):
        return ast.Name(self.t(items[0]), str(items[0])), False

    def power_tag(self, meta, items):  # ("tagged founders": the tag's members as one player)
        return ast.Name(self.t(items[0]), str(items[0])), True

    def _power(self, meta, items, claim, negated):
        player, tag = items[0]
        return ("power", items[1], None, None, None, ast.PowerClaim(self.s(meta), claim, player, negated, tag=tag))

    def prop_dummy(self, meta, items):
        return self._power(meta, items, "dummy", False)

    def prop_not_dummy(self, meta, items):
        return self._power(meta, items, "dummy", True)

    def prop_veto(self, meta, items):
        return self._power(meta, items, "veto", False)

    def prop_not_veto(self, meta, items):
        return self._power(meta, items, "veto", True)

    def prop_power_index(self, meta, items):
        index, (player, tag), outcome, op, bound = items
        claim = ast.PowerClaim(self.s(meta), "index", player, False, ast.Name(self.t(index), str(index)), str(op),
                               bound, tag=tag)
        return ("power", outcome, None, None, None, claim)

    def property_decl(self, meta, items):
        items, _ = list(items), None
        name = str(items[0])
        cite = None
        if len(items) == 3:
            cite = items[1][1]
        kind, body, bound, coalition, *rest = items[-1]
        each, power = (rest + [None, None])[:2]
        return ast.PropertyDecl(self.s(meta), name, kind, body, cite, bound, coalition, each=each, power=power)
