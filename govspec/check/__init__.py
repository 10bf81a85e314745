"""Name resolution, typing and semantic checks: :class:`ast.SpecFile` -> :class:`model.Model`.

Assumes: a syntactically valid AST (from :mod:`govspec.syntax`).  Guarantees: a model in which
every name is resolved and every expression has the kind its position needs, or a
:class:`SpecError` listing every problem found (each located, coded and, for names, with a
"did you mean" note).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from .. import ast
from .. import model as m
from ..diagnostics import Diagnostic, Span, SpecError, did_you_mean

RESERVED = {
    "yes", "no", "abstain", "cast", "present", "notified", "eligible", "recused", "members", "seats",
    "people", "vacant", "all", "none", "half", "majority", "true", "false", "and", "or", "not", "in",
    "is", "of", "weight", "size", "quorum", "passes", "when", "notice", "effect", "require", "recuse",
    "now", "timelock", "within", "supply", "transfer", "mint", "delegate", "flash",
}

MAX_PEOPLE = 100_000


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


@dataclass
class _Ctx:
    procedure: ast.ProcedureDecl | None = None
    stage: int | None = None
    stage_body: str | None = None
    clause: str | None = None  # quorum | passes | None
    where: str = "here"  # for messages about step quantities
    step_code: str = "GOV201"  # GOV314 in properties


class _Checker:
    def __init__(self, spec: ast.SpecFile, source: str, path: str):
        self.spec = spec
        self.source = source
        self.path = path
        self.diags: list[Diagnostic] = []
        self.people: dict[str, m.Person] = {}
        self.groups: dict[str, tuple[str, ...]] = {}
        self.bodies: dict[str, m.Body] = {}
        self.offices: dict[str, m.Office] = {}
        self.params: dict[str, ast.ParamDecl] = {}
        self.param_values: dict[str, set[Fraction]] = {}
        self.procs: dict[str, ast.ProcedureDecl] = {}
        self.tags: set[str] = set()
        self.kinds: dict[str, str] = {}  # every declared name -> what it names, for "X is a Y" messages
        self.size_overrides: dict[str, int] = {}  # group -> size: one instance of a spec with groups of variable size
        self.sizes: dict[str, tuple[int, int | None]] = {}  # group of variable size -> (least, greatest or None)
        self._line_starts: list[int] | None = None

    # ---------------------------------------------------------------- helpers
    def error(self, code: str, message: str, span: Span, *notes: str) -> None:
        self.diags.append(Diagnostic(code, message, span, notes=tuple(notes)))

    def unknown(self, code: str, what: str, name: str, span: Span, candidates) -> None:
        kind = self.kinds.get(name)
        if what != "name" and kind is not None and kind != what:  # declared, but as something else
            self.error(code, f"'{name}' is {_a(kind)}, not {_a(what)}", span)
            return
        close = did_you_mean(name, candidates)
        notes = []
        if span.path != self.path:  # a rule imported from elsewhere names something this spec lacks
            library = span.path.removeprefix("<library>/").removesuffix(".gov")
            notes.append(f"the imported rules '{library}' expect your organization to declare {what} '{name}'")
            close = ()
        message = f"unknown {what} '{name}'" + (f" (did you mean '{close[0]}'?)" if close else "")
        self.error(code, message, span, *notes)

    def name_span(self, decl_span: Span, name: str) -> Span:
        """Where ``name`` is written in a declaration ``keyword name ...`` spanning ``decl_span``."""
        if self._line_starts is None:
            self._line_starts = [0] + [match.end() for match in re.finditer("\n", self.source)]
        if not 1 <= decl_span.line <= len(self._line_starts):
            return decl_span
        offset = self._line_starts[decl_span.line - 1] + decl_span.column - 1
        found = re.compile(r"\w+\s+(" + re.escape(name) + r")(?!\w)").match(self.source, offset)
        if found is None:
            return decl_span
        start = found.start(1)
        line = decl_span.line + self.source.count("\n", offset, start)
        column = start - self._line_starts[line - 1] + 1
        return Span(self.path, line, column, line, column + len(name))

    def text(self, span: Span) -> str:
        return snippet(self.sources.get(span.path, self.source), span)

    def all_names(self):
        return [*self.people, *self.groups, *self.bodies, *self.offices, *self.params, *self.procs]

    # ---------------------------------------------------------------- declarations
    def declare(self, org: ast.Organization) -> None:
        seen: dict[str, Span] = {}
        for decls, kind in ((org.people, "person"), (org.bodies, "body"), (org.offices, "office"),
                            (org.params, "parameter"), (org.procedures, "procedure")):
            for d in decls:
                what = "group" if getattr(d, "count", None) is not None else "event" if getattr(d, "is_event", False) else kind
                self.kinds.setdefault(d.name, what)

        def claim(name: str, span: Span, what: str) -> bool:
            span = self.name_span(span, name)
            if name in RESERVED:
                self.error("GOV110", f"'{name}' is a reserved word and cannot name a {what}", span)
                return False
            if name in seen:
                first = seen[name]
                self.error("GOV109", f"duplicate name '{name}'", span, f"first declared at {first}")
                return False
            seen[name] = span
            return True

        total = 0
        for decl in org.people:
            if not claim(decl.name, decl.span, "person"):
                continue
            self.tags.update(decl.tags)
            if decl.count is None:
                self.people[decl.name] = m.Person(decl.name, frozenset(decl.tags), decl.weight, decl.span,
                                                  principal=decl.principal or decl.name)
                total += 1
            else:
                total += self.size_overrides.get(decl.name, decl.count)
                if total > MAX_PEOPLE:
                    self.error("GOV003", f"more than {MAX_PEOPLE} people in one organisation", decl.span)
                    return
                count = self.size_overrides.get(decl.name, decl.count)
                if count != decl.count and not (decl.variable and count >= decl.count
                                                and (decl.upper is None or count <= decl.upper)):
                    self.error("GOV310", f"group '{decl.name}' cannot have {count} members", decl.span)
                    return
                if decl.variable and decl.name not in self.size_overrides:
                    self.sizes[decl.name] = (decl.count, decl.upper)
                names = tuple(f"{decl.name}[{i}]" for i in range(1, count + 1))
                self.groups[decl.name] = names
                for n in names:
                    self.people[n] = m.Person(n, frozenset(decl.tags), decl.weight, decl.span, decl.name,
                                              principal=decl.principal or n)
        for decl in org.bodies:
            if not claim(decl.name, decl.span, "body"):
                continue
            members: list[str] = []
            listed: set[str] = set()  # a list alone made 10,000 members cost 50 million comparisons
            for ref in decl.members:
                if ref.name in self.groups:
                    names = self.groups[ref.name]
                elif ref.name in self.people:
                    names = (ref.name,)
                else:
                    self.unknown("GOV105", "person", ref.name, ref.span, [*self.people, *self.groups])
                    continue
                for n in names:
                    if n in listed:
                        self.error("GOV302", f"'{n}' is listed twice in body '{decl.name}'", ref.span)
                    else:
                        members.append(n)
                        listed.add(n)
            seats = decl.seats
            variable = [r.name for r in decl.members if r.name in self.sizes or r.name in self.size_overrides]
            if seats is not None and variable:
                self.error("GOV319", f"body '{decl.name}' declares its seats but holds '{variable[0]}', a group "
                           "of variable size", decl.seats_span or decl.span,
                           "its seats are then its members at the start: remove the 'seats' line")
            elif seats is not None and len(members) > seats:
                self.error(
                    "GOV301", f"body '{decl.name}' has {len(members)} members but only {seats} seats",
                    decl.seats_span or decl.span,
                )
            if decl.cap is not None:
                held: dict[str, int] = {}
                for n in members:
                    held[self.people[n].principal] = held.get(self.people[n].principal, 0) + 1
                over = sorted(p for p, k in held.items() if k > decl.cap)
                if over:
                    self.error("GOV318", f"'{over[0]}' holds {held[over[0]]} seats of body '{decl.name}', "
                               f"more than its cap of {decl.cap} per principal", decl.cap_span)
            self.bodies[decl.name] = m.Body(decl.name, seats if seats is not None else len(members), tuple(members),
                                            decl.span, decl.cite, decl.cap)
        for decl in org.offices:
            if not claim(decl.name, decl.span, "office"):
                continue
            holder = None
            if decl.holder is not None:
                if decl.holder.name in self.people:
                    holder = decl.holder.name
                else:
                    self.unknown("GOV105", "person", decl.holder.name, decl.holder.span, self.people)
            self.offices[decl.name] = m.Office(decl.name, holder, decl.span, decl.cite)
        for decl in org.params:
            if claim(decl.name, decl.span, "parameter"):
                if decl.value < 0:
                    self.error("GOV312", "a parameter must be non-negative", decl.span)
                self.params[decl.name] = decl
                self.param_values[decl.name] = {decl.value}
        for decl in org.procedures:
            if claim(decl.name, decl.span, "procedure" if not decl.is_event else "event"):
                self.procs[decl.name] = decl

    # ---------------------------------------------------------------- expressions
    def expr(self, e: ast.Expr, ctx: _Ctx):
        """Return (kind, ir) with kind in num | bool | person | set | proc | office, or None on error."""
        match e:
            case ast.Number(value=v):
                return "num", m.Num(v)
            case ast.BoolLit(value=v):
                return "bool", m.BoolConst(v)
            case ast.Name(name=name, span=span):
                return self.name(name, span, ctx)
            case ast.Now():
                return "num", m.Now()
            case ast.Supply():
                return "num", m.Supply()
            case ast.Dotted(owner=owner, attribute=attr, owner_span=ospan, span=span) if owner in self.procs:
                return self.procedure_attribute(owner, attr, span)
            case ast.Dotted(owner=owner, attribute=attr, owner_span=ospan, span=span):
                if owner not in self.bodies:
                    self.unknown("GOV104", "body", owner, ospan, self.bodies)
                    return None
                if attr == "members":
                    return "set", m.Members(owner)
                if attr == "seats":
                    return "num", m.Seats(owner)
                self.error("GOV103", f"a body has 'members' and 'seats', not '{attr}'", span)
                return None
            case ast.StepSet(kind=kind, span=span):
                if kind == "members":
                    if ctx.stage_body is None:
                        self.error("GOV201", "'members' alone means the deciding body's members; outside a "
                                   "procedure name the body: 'board.members'", span)
                        return None
                    return "set", m.Members(ctx.stage_body)
                if ctx.stage is None:
                    self.error(ctx.step_code, f"'{kind}' describes a vote and is only meaningful {ctx.where}", span)
                    return None
                return "set", m.StepSet(kind, ctx.stage)
            case ast.Seats(span=span):
                if ctx.stage_body is None:
                    self.error("GOV201", "'seats' alone means the deciding body's seats; outside a procedure "
                               "name the body: 'board.seats'", span)
                    return None
                return "num", m.Seats(ctx.stage_body)
            case ast.AllPeople():
                return "set", m.Everyone()
            case ast.SetLiteral(names=names):
                people = []
                for n in names:
                    r = self.name(n.name, n.span, ctx)
                    if r is None:
                        continue
                    if r[0] == "person":
                        people.append(r[1])
                    elif r[0] == "set" and isinstance(r[1], m.SetOf):
                        people.extend(r[1].people)
                    else:
                        self.error("GOV200", f"'{n.name}' is not a person", n.span)
                return "set", m.SetOf(tuple(people))
            case ast.Call(function=fn, argument=arg, span=span):
                r = self.expr(arg, ctx)
                if r is None:
                    return None
                if r[0] != "set":
                    self.error("GOV200", f"{fn}(...) needs a set of people, such as 'yes' or 'board.members'", arg.span)
                    return None
                return "num", m.Count(r[1], weighted=(fn == "weight"))
            case ast.FractionOf(fraction=f, base=base):
                r = self.num(base, ctx)
                return None if r is None else ("num", m.Arith("*", m.Num(f), r))
            case ast.Majority(base=base, span=span):
                r = self.num(base, ctx)
                if r is None:
                    return None
                subject = {"quorum": "present", "passes": "yes"}.get(ctx.clause or "")
                if subject is None or ctx.stage is None:
                    self.error("GOV200", "'majority of ...' is a quorum or 'passes when' rule; elsewhere write "
                               "the comparison, e.g. 'yes > half of present'", span)
                    return None
                # "majority of weight(members)" compares weights: the subject is weighted too
                subject_count = m.Count(m.StepSet(subject, ctx.stage), weighted=_weighted(r))
                return "bool", m.Compare(">", subject_count, m.Arith("*", m.Num(Fraction(1, 2)), r))
            case ast.Not(operand=op):
                r = self.boolean(op, ctx)
                return None if r is None else ("bool", m.NotE(r))
            case ast.Vacancy(operand=op, vacant=vacant, span=span):
                if not (isinstance(op, ast.Name) and op.name in self.offices):
                    if isinstance(op, ast.Name) and op.name not in self.all_names():
                        self.unknown("GOV106", "office", op.name, op.span, self.offices)
                    else:
                        self.error("GOV309", "only an office can be vacant", op.span)
                    return None
                v = m.Vacant(op.name)
                return "bool", (v if vacant else m.NotE(v))
            case ast.Binary(op=op, left=left, right=right, span=span):
                return self.binary(op, left, right, span, ctx)
        raise AssertionError(f"unhandled expression {e!r}")

    def name(self, name: str, span: Span, ctx: _Ctx):
        if ctx.procedure is not None and any(f.name == name for f in ctx.procedure.formals):
            return "person", m.Arg(name)
        if name in self.people:
            return "person", m.PersonConst(name)
        if name in self.groups:
            return "set", m.SetOf(tuple(m.PersonConst(n) for n in self.groups[name]))
        if name in self.offices:
            return "person", m.Holder(name)
        if name in self.bodies:
            return "set", m.Members(name)
        if name in self.params:
            return "num", m.ParamRef(name)
        if name in self.procs:
            return "proc", m.Passed(name)
        candidates = self.all_names() + ([f.name for f in ctx.procedure.formals] if ctx.procedure else [])
        self.unknown("GOV103", "name", name, span, candidates)
        return None

    def num(self, e: ast.Expr, ctx: _Ctx):
        r = self.expr(e, ctx)
        if r is None:
            return None
        kind, ir = r
        if kind == "num":
            return ir
        if kind == "set":
            return m.Count(ir)
        self.error("GOV200", f"expected a number, found {self._kind_word(kind)}", e.span)
        return None

    def boolean(self, e: ast.Expr, ctx: _Ctx):
        r = self.expr(e, ctx)
        if r is None:
            return None
        kind, ir = r
        if kind == "bool":
            return ir
        if kind == "proc":
            self.error("GOV314", f"'{ir.procedure}' can only be used as 'always ({ir.procedure} -> ...)', "
                       f"'never {ir.procedure}' or as a coalition goal", e.span)
            return None
        self.error("GOV200", f"expected a condition (true or false), found {self._kind_word(kind)}", e.span)
        return None

    @staticmethod
    def _kind_word(kind: str) -> str:
        return {"num": "a number", "bool": "a condition", "person": "a person or office", "set": "a set of people",
                "proc": "a procedure"}.get(kind, kind)

    def binary(self, op: str, left, right, span: Span, ctx: _Ctx):
        if op in ("and", "or"):
            a, b = self.boolean(left, ctx), self.boolean(right, ctx)
            if a is None or b is None:
                return None
            return "bool", (m.And((a, b)) if op == "and" else m.Or((a, b)))
        if op == "->":
            a, b = self.boolean(left, ctx), self.boolean(right, ctx)
            if a is None or b is None:
                return None
            return "bool", m.implies(a, b)
        if op in ("+", "-", "*"):
            a, b = self.num(left, ctx), self.num(right, ctx)
            if a is None or b is None:
                return None
            if op == "*" and not (_constantish(a) or _constantish(b)):
                self.error("GOV203", "one side of '*' must be a number or a parameter", span)
                return None
            return "num", m.Arith(op, a, b)
        if op in ("in", "not in"):
            rp, rs = self.expr(left, ctx), self.expr(right, ctx)
            if rp is None or rs is None:
                return None
            if rp[0] != "person":
                self.error("GOV200", f"the left of '{op}' must be a person or office, found {self._kind_word(rp[0])}", left.span)
                return None
            if rs[0] != "set":
                self.error("GOV200", f"the right of '{op}' must be a set of people, found {self._kind_word(rs[0])}", right.span)
                return None
            inset = m.InSet(rp[1], rs[1])
            return "bool", (inset if op == "in" else m.NotE(inset))
        # comparisons
        ra, rb = self.expr(left, ctx), self.expr(right, ctx)
        if ra is None or rb is None:
            return None
        ka, kb = ra[0], rb[0]
        if ka == "set" and kb == "set" and op in ("==", "!="):
            return "bool", m.SetCompare(op, ra[1], rb[1])
        if ka == "person" and kb == "person" and op in ("==", "!="):
            return "bool", m.SameHolder(op, ra[1], rb[1])
        if ka in ("num", "set") and kb in ("num", "set"):
            a = ra[1] if ka == "num" else m.Count(ra[1])
            b = rb[1] if kb == "num" else m.Count(rb[1])
            return "bool", m.Compare(op, a, b)
        self.error("GOV202", f"cannot compare {self._kind_word(ka)} with {self._kind_word(kb)} using '{op}'", span)
        return None

    # ---------------------------------------------------------------- procedures
    def procedure(self, decl: ast.ProcedureDecl) -> m.Procedure | None:
        formals = []
        names = set()
        for f in decl.formals:
            if f.name in names:
                self.error("GOV109", f"duplicate parameter '{f.name}'", f.span)
            names.add(f.name)
            if f.domain != "people" and f.domain not in self.bodies:
                self.unknown("GOV104", "body", f.domain, f.domain_span, self.bodies)
            if f.domain == "people" and f.negated:
                self.error("GOV309", f"nobody is outside 'people'; write '{f.name} in people' or name a body", f.span)
            if f.name in RESERVED:
                self.error("GOV110", f"'{f.name}' is a reserved word", f.span)
            formals.append(m.Formal(f.name, f.domain, f.negated, f.span))
        stages_raw: list[tuple[ast.StageHeader, dict[str, ast.Clause]]] = []
        recusals, guards, effects = [], [], []
        timelock = timelock_rule = None
        lifecycle: dict[str, ast.Clause] = {}  # voting_delay / voting_period / threshold / counted
        grace = None  # "expires after N days"
        vote_in_event = False  # reported once per event: its stage lines and their clauses
        misplaced: set[str] = set()  # clauses reported before any stage (not reported again as missing)
        for item in decl.items:
            if isinstance(item, ast.StageHeader):
                if decl.is_event:
                    if not vote_in_event:
                        self.error("GOV313", f"an event happens without a vote; '{item.kind} by' belongs in a "
                                   "procedure", item.span)
                    vote_in_event = True
                    continue
                if item.body not in self.bodies:
                    self.unknown("GOV104", "body", item.body, item.body_span, self.bodies)
                stages_raw.append((item, {}))
            elif item.kind in ("notice", "quorum", "passes"):
                if decl.is_event:
                    if not vote_in_event:
                        self.error("GOV313", f"an event happens without a vote, so it has no '{item.kind}' rule; "
                                   "declare a procedure instead", item.span)
                    vote_in_event = True
                    continue
                if not stages_raw:
                    misplaced.add(item.kind)
                    self.error("GOV304", f"'{item.kind}' must follow a 'decided by', 'approved by' or 'vetoed by' line",
                               item.span)
                    continue
                clauses = stages_raw[-1][1]
                if item.kind in clauses:
                    self.error("GOV305", f"'{item.kind}' is given twice for this stage", item.span,
                               f"first given at {clauses[item.kind].span}")
                    continue
                clauses[item.kind] = item
            elif item.kind == "recuse":
                if item.recused not in names:
                    self.error("GOV308", f"'{item.recused}' is not a parameter of '{decl.name}'; recusal names the "
                               "person a procedure is about, e.g. 'procedure remove(d in board)'", item.recused_span)
                    continue
                recusals.append(m.Recusal(item.recused, "vote" in item.recuse_from, "quorum" in item.recuse_from, item.span, item.cite))
            elif item.kind == "require":
                ctx = _Ctx(procedure=decl, where="in a stage's quorum or 'passes when' rule")
                r = self.boolean(item.expr, ctx)
                if r is not None:
                    guards.append(m.Rule(r, self.text(item.expr.span), item.span, item.cite))
            elif item.kind == "effect":
                eff = self.effect(item, decl)
                if eff is not None:
                    effects.append(eff)
            elif item.kind == "timelock":
                if decl.is_event:
                    self.error("GOV313", "an event happens at once; a timelock belongs in a procedure", item.span)
                elif timelock is not None:
                    self.error("GOV305", "'timelock' is given twice", item.span)
                timelock = item.days
                timelock_rule = m.Rule(m.BoolConst(True), f"timelock {_days(item.days)}", item.span, item.cite)
            elif item.kind == "expires":
                if grace is not None:
                    self.error("GOV305", "'expires after' is given twice", item.span)
                elif item.days < 1:
                    self.error("GOV316", "a decision expires at least one day after it may take effect", item.span)
                grace = item
            elif item.kind in ("voting_delay", "voting_period", "threshold", "counted"):
                if decl.is_event:
                    self.error("GOV313", "an event happens at once, without a proposal or a vote", item.span)
                elif item.kind in lifecycle:
                    self.error("GOV305", f"'{_LIFECYCLE_WORDS[item.kind]}' is given twice", item.span,
                               f"first given at {lifecycle[item.kind].span}")
                else:
                    lifecycle[item.kind] = item
        windowed = [s for s in stages_raw if s[0].window is not None]
        for header, clauses in windowed:
            if header.kind != "vetoed":
                self.error("GOV316", "only a veto has a window ('vetoed by BODY ... within N days')", header.span)
            elif header.mode == "meeting" and "notice" in clauses and clauses["notice"].notice == "none":
                self.error("GOV316", "a veto window is open to every member: its meeting needs 'notice all'",
                           clauses["notice"].span)
            elif header.window < 1:
                self.error("GOV316", "a veto window lasts at least one day", header.span)
        if len(windowed) > 1:
            self.error("GOV316", "a procedure has at most one veto window", windowed[1][0].span)
        window_stage = None
        if windowed and windowed[0][0].kind == "vetoed":
            window_stage = self.stage(decl, 0, windowed[0][0], windowed[0][1], misplaced)
            if window_stage is None:
                return None
        stages_raw = [s for s in stages_raw if s[0].window is None or s[0].kind != "vetoed"]
        decided = [s for s in stages_raw if s[0].kind == "decided"]
        if not decl.is_event and len(decided) != 1:
            self.error("GOV303", f"procedure '{decl.name}' needs exactly one 'decided by' line, found {len(decided)}",
                       decided[1][0].span if len(decided) > 1 else self.name_span(decl.span, decl.name))
            return None
        ordered = decided + [s for s in stages_raw if s[0].kind != "decided"]
        stages = []
        for index, (header, clauses) in enumerate(ordered):
            stage = self.stage(decl, index, header, clauses, misplaced)
            if stage is not None:
                stages.append(stage)
        if len(stages) != len(ordered):
            return None
        notice_days = [c["notice"] for _, c in ordered if "notice" in c and c["notice"].days is not None]
        life = self.lifecycle(decl, lifecycle, notice_days)
        if grace is not None and not (timelock or window_stage):
            self.error("GOV316", "only a decision that waits (a timelock or a veto window) can expire", grace.span)
        return m.Procedure(decl.name, tuple(formals), tuple(stages), tuple(recusals), tuple(guards), tuple(effects),
                           decl.span, decl.cite, decl.is_event, timelock or 0, window_stage, timelock_rule, life,
                           grace.days if grace is not None else None)

    def lifecycle(self, decl, clauses: dict[str, ast.Clause], notice_days: list[ast.Clause]) -> m.Lifecycle | None:
        """The proposal lifecycle of a procedure (see :class:`govspec.model.Lifecycle`), if it has one.

        A notice period ("notice all 5 days") is the same thing for a meeting: it is called (the
        proposal step) at least that many days before it is held.
        """
        if not clauses and not notice_days:
            return None
        for c in ("voting_delay", "voting_period"):
            if c in clauses and clauses[c].days < (1 if c == "voting_period" else 0):
                self.error("GOV317", "a voting period lasts at least one day", clauses[c].span)
        for c in notice_days:
            if c.days < 1:
                self.error("GOV317", "a notice period lasts at least one day", c.span)
        delay = max([clauses["voting_delay"].days if "voting_delay" in clauses else 0, *[c.days for c in notice_days]])
        period = clauses["voting_period"].days if "voting_period" in clauses else None
        threshold = None
        if "threshold" in clauses:
            threshold = self.amount(clauses["threshold"].expr, _Ctx(procedure=decl))
        snapshot = "counted" in clauses and clauses["counted"].counting == "snapshot"
        first = min([*clauses.values(), *notice_days], key=lambda c: (c.span.line, c.span.column))
        parts = [f"proposed {_days(delay)} ahead" if delay else "proposed first"]
        if period is not None:
            parts.append(f"voting period {_days(period)}")
        if threshold is not None:
            parts.append(f"proposal threshold {self.text(clauses['threshold'].expr.span)}")
        parts.append("counted at the snapshot" if snapshot else "counted live")
        rule = m.Rule(m.BoolConst(True), ", ".join(parts), first.span, first.cite)
        return m.Lifecycle(delay, period, threshold, snapshot, rule)

    def amount(self, e: ast.Expr, ctx: _Ctx):
        """A number of tokens: a non-negative constant or a parameter (Num or ParamRef), else None."""
        r = self.expr(e, ctx)
        if r is None:
            return None
        kind, ir = r
        if kind != "num" or not isinstance(ir, (m.Num, m.ParamRef)):
            self.error("GOV317", "an amount of tokens is a constant number or a parameter", e.span)
            return None
        if isinstance(ir, m.Num) and ir.value < 0:
            self.error("GOV317", "an amount of tokens cannot be negative", e.span)
            return None
        return ir

    def stage(self, decl, index, header: ast.StageHeader, clauses, misplaced=frozenset()) -> m.Stage | None:
        body = header.body if header.body in self.bodies else None
        if body is None:
            return None
        notice = "all"
        if "notice" in clauses:
            if header.mode == "consent":
                self.error("GOV307", "notice applies to meetings; written consent goes to every member", clauses["notice"].span)
            notice = clauses["notice"].notice
        quorum = passes = None
        if "quorum" in clauses:
            c = clauses["quorum"]
            ctx = _Ctx(procedure=decl, stage=index, stage_body=body, clause="quorum")
            quorum = self.rule(c, ctx, subject="present")
        if "passes" in clauses:
            c = clauses["passes"]
            ctx = _Ctx(procedure=decl, stage=index, stage_body=body, clause="passes")
            passes = self.rule(c, ctx, subject="yes")
        elif header.mode == "consent":
            yes, eligible = m.Count(m.StepSet("yes", index)), m.Count(m.StepSet("eligible", index))
            passes = m.Rule(m.And((m.Compare("==", yes, eligible), m.Compare(">=", yes, m.Num(Fraction(1))))),
                            "unanimous written consent", header.span, header.cite)
        else:
            if "passes" in misplaced:  # its 'passes when' came before the stage line: already reported
                return None
            self.error("GOV306", f"this meeting needs a 'passes when' rule (e.g. 'passes when yes > half of cast')", header.span)
            return None
        if passes is None or ("quorum" in clauses and quorum is None):
            return None
        return m.Stage(header.kind, body, header.mode, notice, quorum, passes, header.span, header.cite, header.window)

    def rule(self, clause: ast.Clause, ctx: _Ctx, subject: str) -> m.Rule | None:
        r = self.expr(clause.expr, ctx)
        if r is None:
            return None
        kind, ir = r
        if kind == "set":
            kind, ir = "num", m.Count(ir)
        if kind == "num":  # "quorum 3", "passes when 2/3 of members": the subject reaches the amount
            ir = m.Compare(">=", m.Count(m.StepSet(subject, ctx.stage), weighted=_weighted(ir)), ir)
        elif kind != "bool":
            self.error("GOV200", f"a {clause.kind} rule must be a condition or an amount, found {self._kind_word(kind)}", clause.expr.span)
            return None
        return m.Rule(ir, self.text(clause.expr.span), clause.span, clause.cite)

    def effect(self, clause: ast.Clause, decl: ast.ProcedureDecl) -> m.Effect | None:
        e = clause.effect
        ctx = _Ctx(procedure=decl)
        text = self.text(e.span)
        if e.kind in m.TOKEN_EFFECTS:
            return self.token_effect(clause, ctx, text)
        if e.kind in ("remove", "add"):
            if e.body not in self.bodies:
                self.unknown("GOV104", "body", e.body, e.body_span, self.bodies)
                return None
            r = self.name(e.target, e.target_span, ctx)
            if r is None:
                return None
            if r[0] != "person":
                self.error("GOV309", f"only a person can be {'removed from' if e.kind == 'remove' else 'added to'} a body", e.target_span)
                return None
            return m.Effect(e.kind, e.body, r[1], None, text, clause.span, clause.cite)
        if e.target in self.offices:
            if e.kind == "vacate":
                return m.Effect("vacate", e.target, None, None, text, clause.span, clause.cite)
            r = self.expr(e.value, ctx)
            if r is None:
                return None
            if r[0] != "person":
                self.error("GOV309", f"an office is filled by a person, not {self._kind_word(r[0])}", e.value.span)
                return None
            return m.Effect("fill", e.target, r[1], None, text, clause.span, clause.cite)
        if e.target in self.params:
            if e.kind == "vacate" or not isinstance(e.value, ast.Number):
                self.error("GOV309", "a parameter can only be set to a constant number (e.g. 'quorum_fraction = 2/3')",
                           e.value.span if e.value is not None else e.span)
                return None
            self.param_values[e.target].add(e.value.value)
            return m.Effect("set", e.target, None, e.value.value, text, clause.span, clause.cite)
        close = did_you_mean(e.target, [*self.offices, *self.params])
        self.error("GOV108", f"'{e.target}' is not an office or parameter" + (f" (did you mean '{close[0]}'?)" if close else ""),
                   e.target_span)
        return None

    def token_effect(self, clause: ast.Clause, ctx: _Ctx, text: str) -> m.Effect | None:
        """transfer AMOUNT from A to B / mint AMOUNT to A / delegate A to B."""
        e = clause.effect
        people = []
        for name, span in ((e.target, e.target_span), (e.body, e.body_span)):
            if name is None:
                continue
            r = self.name(name, span, ctx)
            if r is None:
                return None
            if r[0] != "person":
                self.error("GOV309", f"tokens are held by people; '{name}' is {self._kind_word(r[0])}", span)
                return None
            people.append(r[1])
        amount = None
        if e.kind != "delegate":
            amount = self.amount(e.value, ctx)
            if amount is None:
                return None
        return m.Effect(e.kind, "", people[0], None, text, clause.span, clause.cite,
                        other=people[1] if len(people) > 1 else None, amount=amount)

    # ---------------------------------------------------------------- properties
    def prop(self, decl: ast.PropertyDecl, procedures: dict[str, m.Procedure]) -> m.Property | None:
        text = self.text(decl.span)
        common = dict(name=decl.name, span=decl.span, cite=decl.cite, text=text)
        if decl.kind in ("always", "never"):
            body = decl.body
            subject = body.left if isinstance(body, ast.Binary) and body.op == "->" and decl.kind == "always" else \
                body if decl.kind == "never" else None
            if self.unknown_procedure(subject):
                return None
            phase_subject = subject if isinstance(subject, ast.Dotted) and subject.owner in self.procs else None
            if phase_subject is not None:
                r = self.expr(phase_subject, _Ctx())
                if r is None:
                    return None
                if r[0] != "proc":
                    self.error("GOV200", "expected a procedure event such as 'P.executed'", phase_subject.span)
                    return None
                proc = self.procs[phase_subject.owner]
                phase = r[1].phase
                if decl.kind == "never":
                    return m.Property(kind="step", procedure=proc.name, step=m.BoolConst(False), phase=phase, **common)
                ctx = self._window_ctx(proc) if phase == "veto" else _Ctx(procedure=proc, where="in the vote (write 'P -> ...')")
                r = self.boolean(body.right, ctx)
                return None if r is None else m.Property(kind="step", procedure=proc.name, step=r, phase=phase, **common)
            if isinstance(body, ast.Binary) and body.op == "->" and isinstance(body.left, ast.Name) \
                    and body.left.name in self.procs and decl.kind == "always":
                proc = self.procs[body.left.name]
                ctx = self._step_ctx(proc)
                r = self.boolean(body.right, ctx)
                return None if r is None else m.Property(kind="step", procedure=proc.name, step=r, **common)
            if isinstance(body, ast.Name) and body.name in self.procs and decl.kind == "never":
                return m.Property(kind="step", procedure=body.name, step=m.BoolConst(False), **common)
            ctx = _Ctx(where="in 'always (P -> ...)' where P is a procedure", step_code="GOV314")
            r = self.boolean(body, ctx)
            if r is None:
                return None
            return m.Property(kind="invariant", state=(r if decl.kind == "always" else m.NotE(r)), **common)
        goal = self.goal(decl.body)
        if goal is None:
            return None
        if decl.kind in ("no_coalition", "every_coalition"):
            b = decl.bound
            if decl.kind == "every_coalition" and not b.exactly:
                self.error("GOV311", "'every coalition' needs a size, e.g. 'every coalition of 4 in board' "
                           "(larger coalitions can do at least as much)", b.span)
                return None
            if b.size < 1:
                self.error("GOV311", "a coalition has at least one member", b.span)
                return None
            if b.size > MAX_PEOPLE:
                self.error("GOV311", f"a coalition of {b.size} is larger than any organisation GovSpec checks "
                           f"(at most {MAX_PEOPLE} people)", b.span)
                return None
            candidates = self.candidates(b.within, b.tagged, b.excluding)
            if candidates is None:
                return None
            if decl.kind == "every_coalition" and b.size > len(candidates):
                self.error("GOV311", f"there are only {len(candidates)} people to draw a coalition of {b.size} from", b.span)
                return None
            # "no coalition of 2" means at most 2 (a larger coalition can do whatever a smaller one can)
            if b.principals and decl.kind == "every_coalition" and b.size > len({self.people[c].principal for c in candidates}):
                self.error("GOV311", f"there are fewer than {b.size} principals to draw a coalition from", b.span)
                return None
            spec = m.CoalitionSpec(tuple(candidates), b.size, exactly=b.exactly and decl.kind == "every_coalition",
                                   principals=b.principals)
            return m.Property(kind=decl.kind, coalition=spec, goal=goal, **common)
        cs = decl.coalition
        if cs.tag is not None:
            candidates = self.candidates((), (cs.tag,), ())
            if candidates is None:
                return None
            if not candidates:
                self.error("GOV315", f"nobody is tagged '{cs.tag.name}'", cs.tag.span)
                return None
        else:
            candidates = []
            for n in cs.names:
                r = self.name(n.name, n.span, _Ctx())
                if r is None:
                    continue
                if r[0] == "person" and isinstance(r[1], m.PersonConst):
                    group = [r[1].name]
                elif r[0] == "set" and isinstance(r[1], m.SetOf):
                    group = [p.name for p in r[1].people]
                else:
                    self.error("GOV200", f"'{n.name}' is not a person", n.span)
                    continue
                for p in group:
                    if p in candidates:
                        self.error("GOV315", f"'{p}' is named twice in the coalition", n.span)
                    candidates.append(p)
        return m.Property(kind=decl.kind, coalition=m.CoalitionSpec(tuple(candidates), None), goal=goal, **common)

    def _step_ctx(self, proc: ast.ProcedureDecl) -> _Ctx:
        stage_body = None
        for item in proc.items:
            if isinstance(item, ast.StageHeader) and item.kind == "decided" and item.body in self.bodies:
                stage_body = item.body
        if proc.is_event or stage_body is None:
            return _Ctx(procedure=proc, where="for procedures decided by a vote")
        return _Ctx(procedure=proc, stage=0, stage_body=stage_body)

    def check_overrides(self, org: ast.Organization, procedures: dict, props: list) -> None:
        """A parameter of the spec that nothing reads or sets, named like an imported one, is almost
        certainly a misspelled override: the import's default would silently stay in force."""
        imported = [d.name for d in org.params if d.span.path != self.path]
        if not imported:
            return
        used = set()
        for proc in procedures.values():
            for rule in [*proc.guards, *[s.passes for s in proc.stages], *[s.quorum for s in proc.stages if s.quorum]]:
                used |= _param_refs(rule.expr)
            used |= {e.target for e in proc.effects if e.kind == "set"}
        for prop in props:
            for e in (prop.state, prop.step, prop.goal.state if prop.goal else None):
                used |= _param_refs(e) if e is not None else set()
        for d in org.params:
            if d.span.path == self.path and d.name not in used:
                close = did_you_mean(d.name, imported)
                if close:
                    self.error("GOV125", f"parameter '{d.name}' is used by no rule; did you mean to override "
                               f"'{close[0]}'?", self.name_span(d.span, d.name),
                               f"'{close[0]}' keeps its imported value unless this spec declares it by that name")

    def procedure_attribute(self, name: str, attr: str, span: Span):
        """P.executed, P.vetoed (phases of a timed procedure, as events), P.approved_at and P.proposed_at (days)."""
        if attr not in ("executed", "vetoed", "approved_at", "proposed_at"):
            self.error("GOV103", f"a procedure has 'executed', 'vetoed', 'approved_at' and 'proposed_at', not '{attr}'",
                       span)
            return None
        if attr == "proposed_at":
            if not _has_lifecycle(self.procs[name]):
                self.error("GOV317", f"'{name}' has no proposal step; 'proposed_at' belongs to procedures with a "
                           "voting delay, voting period, proposal threshold, counting rule or notice period", span)
                return None
            return "num", m.ProposedAt(name)
        if not _is_timed(self.procs[name]):
            self.error("GOV316", f"'{name}' takes effect when it passes; '{attr}' belongs to procedures with a "
                       "timelock or a veto window", span)
            return None
        if attr == "approved_at":
            return "num", m.ApprovedAt(name)
        if attr == "vetoed" and not _window_header(self.procs[name]):
            self.error("GOV316", f"'{name}' has no veto window ('vetoed by ... within N days')", span)
            return None
        return "proc", m.Passed(name, "execute" if attr == "executed" else "veto")

    def unknown_procedure(self, e) -> bool:
        """A bare name where a procedure is expected ('P -> ...', 'never P', 'can force P') that names nothing."""
        if not isinstance(e, ast.Name) or e.name in self.all_names() or e.name in self.kinds:
            return False
        self.unknown("GOV107", "procedure", e.name, e.span, self.procs)
        return True

    def _window_ctx(self, proc: ast.ProcedureDecl) -> _Ctx:
        header = _window_header(proc)
        return _Ctx(procedure=proc, stage=0, stage_body=header.body if header else None)

    def goal(self, e: ast.Expr) -> m.Goal | None:
        if self.unknown_procedure(e):
            return None
        if isinstance(e, ast.Name) and e.name in self.procs:
            return m.Goal(e.name, None, e.name)
        if isinstance(e, ast.Dotted) and e.owner in self.procs:
            r = self.expr(e, _Ctx())
            if r is None:
                return None
            if r[0] != "proc" or r[1].phase != "execute":
                self.error("GOV200", f"a coalition goal is a procedure, 'P.executed' or a condition", e.span)
                return None
            return m.Goal(e.owner, None, self.text(e.span), "execute")
        r = self.boolean(e, _Ctx(where="in 'always (P -> ...)' where P is a procedure", step_code="GOV314"))
        return None if r is None else m.Goal(None, r, self.text(e.span))

    def candidates(self, within, tagged, excluding) -> list[str] | None:
        pool: list[str] | None = None
        for b in within:
            if b.name not in self.bodies:
                self.unknown("GOV104", "body", b.name, b.span, self.bodies)
                return None
            members = list(self.bodies[b.name].members)
            pool = members if pool is None else [p for p in pool if p in members]
        if pool is None:
            pool = list(self.people)
        for t in tagged:
            if t.name not in self.tags:
                self.unknown("GOV315", "tag", t.name, t.span, self.tags)
                return None
            pool = [p for p in pool if t.name in self.people[p].tags]
        for x in excluding:
            r = self.name(x.name, x.span, _Ctx())
            if r is None:
                return None
            if r[0] == "person" and isinstance(r[1], m.PersonConst):
                pool = [p for p in pool if p != r[1].name]
            elif r[0] == "person" and isinstance(r[1], m.Holder):
                holder = self.offices[r[1].office].holder
                pool = [p for p in pool if p != holder]
            else:
                self.error("GOV200", f"'{x.name}' is not a person or office", x.span)
                return None
        return pool

    # ---------------------------------------------------------------- driver
    def run(self) -> m.Model:
        orgs = self.spec.organizations
        if len(orgs) != 1:
            span = orgs[1].span if len(orgs) > 1 else self.spec.span
            self.error("GOV300", "a spec must declare exactly one 'organization \"...\" { ... }' block, "
                       f"found {len(orgs)}", span)
            raise SpecError(self.diags)
        org = orgs[0]
        self.declare(org)
        procedures: dict[str, m.Procedure] = {}
        for decl in org.procedures:
            if decl.name in self.procs and self.procs[decl.name] is decl:
                p = self.procedure(decl)
                if p is not None:
                    procedures[p.name] = p
        props: list[m.Property] = []
        seen: dict[str, Span] = {}
        for decl in self.spec.properties:
            where = self.name_span(decl.span, decl.name)
            if decl.name in seen:
                self.error("GOV109", f"duplicate property name '{decl.name}'", where, f"first declared at {seen[decl.name]}")
                continue
            seen[decl.name] = where
            p = self.prop(decl, procedures)
            if p is not None:
                props.append(p)
        self.check_overrides(org, procedures, props)
        if self.diags:
            raise SpecError(sorted(self.diags, key=lambda d: (d.span.line, d.span.column)))
        params = {
            name: m.Parameter(name, d.value, tuple(sorted(self.param_values[name])), d.span, d.cite)
            for name, d in self.params.items()
        }
        flash = Fraction(0)
        for extra in org.flash[1:]:
            self.error("GOV305", "'flash loan' is given twice", extra.span, f"first given at {org.flash[0].span}")
        if org.flash:
            flash = org.flash[0].amount
        if self.diags:
            raise SpecError(sorted(self.diags, key=lambda d: (d.span.line, d.span.column)))
        return m.Model(self.path, org.title, tuple(self.people.values()), self.bodies, self.offices, params,
                       procedures, tuple(props), self.source, flash, dict(self.sizes))


_LIFECYCLE_WORDS = {"voting_delay": "voting delay", "voting_period": "voting period",
                    "threshold": "proposal threshold", "counted": "counted"}


def _param_refs(e) -> set[str]:
    return {x.name for x in m.walk(e) if isinstance(x, m.ParamRef)}


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _window_header(decl: ast.ProcedureDecl):
    return next((i for i in decl.items if isinstance(i, ast.StageHeader) and i.window is not None), None)


def _has_lifecycle(decl: ast.ProcedureDecl) -> bool:
    return any(isinstance(i, ast.Clause) and (i.kind in _LIFECYCLE_WORDS or (i.kind == "notice" and i.days is not None))
               for i in decl.items)


def _is_timed(decl: ast.ProcedureDecl) -> bool:
    return _window_header(decl) is not None or any(
        isinstance(i, ast.Clause) and i.kind == "timelock" and (i.days or 0) > 0 for i in decl.items)


def _weighted(e) -> bool:
    """Does an amount count weights (weight(...)) rather than heads?"""
    if isinstance(e, m.Count):
        return e.weighted
    if isinstance(e, m.Arith):
        return _weighted(e.left) or _weighted(e.right)
    return False


def _constantish(e) -> bool:
    return isinstance(e, (m.Num, m.ParamRef)) or (
        isinstance(e, m.Arith) and _constantish(e.left) and _constantish(e.right))


def _a(kind: str) -> str:
    return ("an " if kind[0] in "aeiou" else "a ") + kind


def build_model(spec: ast.SpecFile, source: str, path: str, sources: dict[str, str] | None = None,
                sizes: dict[str, int] | None = None) -> m.Model:
    """``sources``: the text of every imported file by the path its spans carry; ``sizes``: the
    size of some groups of variable size (the model is then that instance of the spec)."""
    try:
        checker = _Checker(spec, source, path)
        checker.sources = dict(sources or {})
        checker.size_overrides = dict(sizes or {})
        return checker.run()
    except RecursionError:  # the parser bounds nesting; this is a last line of defence
        raise SpecError([Diagnostic("GOV003", "the spec is nested too deeply to check", Span.point(path))]) from None
