"""Procedures and events: their formal arguments, stages, clauses and effects.

Assumes: the children are already built (names, expressions, cites).  Guarantees: an
``ast.ProcedureDecl`` with spans, its stages and clauses in source order; a notice period without
notice to all is GOV307.
"""

from __future__ import annotations

from lark import v_args

from .. import ast
from ..diagnostics import Diagnostic, SpecError
from .tokens import Located, split_cite


@v_args(meta=True)
class ProcedureRules(Located):
    """The callbacks of the procedure and event rules, their stages, clauses and effects."""

    def formals(self, meta, items):
        return ("formals", tuple(items))

    def domain(self, meta, items):
        return (str(items[0]), self.t(items[0]))

    def domain_people(self, meta, items):
        return ("people", self.s(meta))

    def formal_in(self, meta, items):
        return ast.Formal(self.s(meta), str(items[0]), False, items[1][0], items[1][1])

    def formal_not_in(self, meta, items):
        return ast.Formal(self.s(meta), str(items[0]), True, items[1][0], items[1][1])

    def formal_range(self, meta, items):
        return ast.Formal(self.s(meta), str(items[0]), False, "number", self.t(items[1]), low=int(items[1]),
                          high=int(items[2]))

    def mode_meeting(self, meta, items):
        return "meeting"

    def mode_consent(self, meta, items):
        return "consent"

    def stage_header(self, meta, items):
        items, cite = split_cite(items)
        window = items[3][1] if len(items) > 3 else None
        return ast.StageHeader(self.s(meta), str(items[0]), str(items[1]), self.t(items[1]), items[2], cite, window)

    def window(self, meta, items):
        return ("window", int(items[0]))

    def timelock_clause(self, meta, items):
        items, cite = split_cite(items)
        return ast.Clause(self.s(meta), "timelock", cite, days=int(items[0]))

    def notice_clause(self, meta, items):
        items, cite = split_cite(items)
        days = hours = None
        if len(items) > 1:
            hours = int(items[1]) * 24 if items[2].type == "DAYS" else int(items[1])
            days = -(-hours // 24)  # the model's clock counts whole days: see docs/semantics.md "Notice in hours"
        if days is not None and str(items[0]) != "all":
            raise SpecError([Diagnostic("GOV307", "a notice period needs notice to all members ('notice all N days')",
                                        self.s(meta))])
        return ast.Clause(self.s(meta), "notice", cite, notice=str(items[0]), days=days,
                          hours=hours if hours is not None and items[2].type == "HOURS" else None)

    def waiver_clause(self, meta, items):
        items, cite = split_cite(items)
        return ast.Clause(self.s(meta), "waiver", cite)

    def written_waiver_clause(self, meta, items):  # "notice may be waived in writing"
        items, cite = split_cite(items)
        return ast.Clause(self.s(meta), "written_waiver", cite)

    def call_clause(self, meta, items):
        items, cite = split_cite(items)
        return ast.Clause(self.s(meta), "called", cite, callers=tuple(items))

    def chair_clause(self, meta, items):
        items, cite = split_cite(items)
        return ast.Clause(self.s(meta), "chaired", cite, recused=str(items[0]), recused_span=self.t(items[0]))

    def casting_clause(self, meta, items):
        items, cite = split_cite(items)
        return ast.Clause(self.s(meta), "casting", cite)

    def caller_office(self, meta, items):
        return ("office", str(items[0]), self.t(items[0]))

    def caller_members(self, meta, items):
        return ("members", int(items[0]), self.t(items[0]))

    def _days_clause(kind):  # noqa: N805 - a small factory for "N days" clause builders
        def build(self, meta, items):
            items, cite = split_cite(items)
            return ast.Clause(self.s(meta), kind, cite, days=int(items[0]))
        return build

    voting_delay = _days_clause("voting_delay")
    voting_period = _days_clause("voting_period")
    expires_after = _days_clause("expires")

    def proposal_threshold(self, meta, items):
        items, cite = split_cite(items)
        return ast.Clause(self.s(meta), "threshold", cite, expr=items[0])

    def proposal_threshold_above(self, meta, items):  # (issue 19.2: the proposer's power must exceed it)
        items, cite = split_cite(items)
        return ast.Clause(self.s(meta), "threshold", cite, expr=items[0], strict=True)

    def counted_snapshot(self, meta, items):
        items, cite = split_cite(items)
        return ast.Clause(self.s(meta), "counted", cite, counting="snapshot")

    def counted_snapshot_after(self, meta, items):  # (issue 19.2: the snapshot N days after the proposal)
        items, cite = split_cite(items)
        return ast.Clause(self.s(meta), "counted", cite, counting="snapshot", days=int(items[0]))

    def counted_live(self, meta, items):
        items, cite = split_cite(items)
        return ast.Clause(self.s(meta), "counted", cite, counting="live")

    def live_clause(self, meta, items):  # several live proposals (issue 13.6)
        items, cite = split_cite(items)
        return ast.Clause(self.s(meta), "live", cite, days=int(items[0]))

    def quorum_clause(self, meta, items):
        items, cite = split_cite(items)
        return ast.Clause(self.s(meta), "quorum", cite, expr=items[0])

    def passes_clause(self, meta, items):
        items, cite = split_cite(items)
        return ast.Clause(self.s(meta), "passes", cite, expr=items[0])

    def require_clause(self, meta, items):
        items, cite = split_cite(items)
        when = items[0] if isinstance(items[0], str) else "approval"
        return ast.Clause(self.s(meta), "require", cite, expr=items[-1], checked=when)

    def at_execution(self, meta, items):
        return "execution"

    def at_approval_and_execution(self, meta, items):
        return "approval and execution"

    def recuse_clause(self, meta, items):
        items, cite = split_cite(items)
        return ast.Clause(
            self.s(meta), "recuse", cite, recused=str(items[0]), recused_span=self.t(items[0]),
            recuse_from=tuple(sorted({str(x) for x in items[1:]})),
        )

    def recuse_set_clause(self, meta, items):
        items, cite = split_cite(items)
        return ast.Clause(self.s(meta), "recuse", cite, recused=None, recused_span=items[0].span,
                          recuse_from=tuple(sorted({str(x) for x in items[1:]})), recused_set=items[0])

    def effect_clause(self, meta, items):
        items, cite = split_cite(items)
        return ast.Clause(self.s(meta), "effect", cite, effect=items[0])

    def effect_if_clause(self, meta, items):
        """effect if C then E [else F]: one clause whose effect is kind "if"."""
        items, cite = split_cite(items)
        otherwise = items[2] if len(items) > 2 else None
        eff = ast.Effect(self.s(meta), "if", "", self.s(meta), condition=items[0], then=items[1], otherwise=otherwise)
        return ast.Clause(self.s(meta), "effect", cite, effect=eff)

    def effect_assign(self, meta, items):
        return ast.Effect(self.s(meta), "assign", str(items[0]), self.t(items[0]), value=items[1])

    def effect_vacate(self, meta, items):
        return ast.Effect(self.s(meta), "vacate", str(items[0]), self.t(items[0]))

    def effect_remove(self, meta, items):
        return ast.Effect(self.s(meta), "remove", str(items[0]), self.t(items[0]), str(items[1]), self.t(items[1]))

    def effect_add(self, meta, items):
        return ast.Effect(self.s(meta), "add", str(items[0]), self.t(items[0]), str(items[1]), self.t(items[1]))

    def effect_transfer(self, meta, items):
        return ast.Effect(self.s(meta), "transfer", str(items[1]), self.t(items[1]), str(items[2]), self.t(items[2]),
                          value=items[0])

    def effect_mint(self, meta, items):
        return ast.Effect(self.s(meta), "mint", str(items[1]), self.t(items[1]), value=items[0])

    def effect_delegate(self, meta, items):
        return ast.Effect(self.s(meta), "delegate", str(items[0]), self.t(items[0]), str(items[1]), self.t(items[1]))

    def _procedure(self, meta, items, is_event):
        name = str(items[0])
        formals: tuple = ()
        cite = None
        body = []
        for item in items[1:]:
            if isinstance(item, tuple) and item and item[0] == "formals":
                formals = item[1]
            elif isinstance(item, tuple) and item and item[0] == "cite":
                cite = item[1]
            else:
                body.append(item)
        return ast.ProcedureDecl(self.s(meta), name, formals, tuple(body), cite, is_event)

    def amend_decl(self, meta, items):
        has_cite = len(items) > 1 and isinstance(items[1], tuple) and items[1][0] == "cite"
        cite = items[1][1] if has_cite else None
        return ast.Amend(self.s(meta), str(items[0]), self.t(items[0]), tuple(items[2 if has_cite else 1:]), cite)

    def amend_drop(self, meta, items):
        items, cite = split_cite(items)
        return ast.DropEffect(self.s(meta), str(items[0]), self.t(items[0]), cite)

    def procedure_decl(self, meta, items):
        return self._procedure(meta, items, False)

    def event_decl(self, meta, items):
        return self._procedure(meta, items, True)
