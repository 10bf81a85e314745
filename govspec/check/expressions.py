"""The kinds of expressions: each written expression becomes a model expression of the kind its place needs.

Assumes: the context's tables are filled (:func:`govspec.check.declarations.declare` has run) and a
:class:`~govspec.check.names.Scope` saying where the expression stands.  Guarantees: :func:`expr`
gives a kind (num | bool | person | set | proc) and a model expression, or reports why not (and
then mostly gives None); :func:`num`, :func:`boolean` and :func:`token_amount` also require their
kind (a set counts as its size where a number is expected), so what they return is ready for the
model.
"""

from __future__ import annotations

from fractions import Fraction

from .. import ast
from .. import model as m
from ..diagnostics import Diagnostic, Span
from .context import Context
from .declarations import has_lifecycle, is_timed, live_limit, window_header
from .names import Scope, resolve


def expr(cx: Context, e: ast.Expr, scope: Scope):
    """Return (kind, ir) with kind in num | bool | person | set | proc | office, or None on error."""
    match e:
        case ast.Number(value=v, text=text):
            return "num", m.Num(v, written=text)
        case ast.BoolLit(value=v):
            return "bool", m.BoolConst(v)
        case ast.Name(name=name, span=span):
            return resolve(cx, name, span, scope)
        case ast.Now():
            return "num", m.Now()
        case ast.Supply():
            return "num", m.Supply()
        case ast.Dotted(owner=owner, attribute=attr, owner_span=ospan, span=span) if owner in cx.procs:
            return procedure_attribute(cx, owner, attr, span, scope)
        case ast.Dotted(owner=owner, attribute=attr, owner_span=ospan, span=span):
            if owner not in cx.bodies:
                cx.unknown("GOV104", "body", owner, ospan, cx.bodies)
                return None
            if attr == "members":
                return "set", m.Members(owner)
            if attr == "seats":
                return "num", m.Seats(owner)
            cx.error("GOV103", f"a body has 'members' and 'seats', not '{attr}'", span)
            return None
        case ast.StepSet(kind=kind, span=span):
            if kind == "members":
                if scope.stage_body is None:
                    cx.error("GOV201", "'members' alone means the deciding body's members; outside a "
                             "procedure name the body: 'board.members'", span)
                    return None
                return "set", m.Members(scope.stage_body)
            if scope.stage is None:
                cx.error(scope.step_code, f"'{kind}' describes a vote and is only meaningful {scope.where}", span)
                return None
            return "set", m.StepSet(kind, scope.stage)
        case ast.Seats(span=span):
            if scope.stage_body is None:
                cx.error("GOV201", "'seats' alone means the deciding body's seats; outside a procedure "
                         "name the body: 'board.seats'", span)
                return None
            return "num", m.Seats(scope.stage_body)
        case ast.AllPeople():
            return "set", m.Everyone()
        case ast.ProcedureSet(span=span):
            cx.error("GOV314", "a set of procedures such as '{p, q}.executed' is only the subject of a step rule: "
                     "'always ({p, q}.executed -> ...)', 'never {p, q}.executed' or 'possible {p, q}.executed'", span)
            return None
        case ast.SetLiteral(names=names):
            people = []
            for n in names:
                r = resolve(cx, n.name, n.span, scope)
                if r is None:
                    continue
                if r[0] == "person":
                    people.append(r[1])
                elif r[0] == "set" and isinstance(r[1], m.SetOf):
                    people.extend(r[1].people)
                elif r[0] == "proc":
                    cx.error("GOV314", f"'{n.name}' is a procedure: a set of procedures is the subject of a step "
                             "rule, as in 'always ({p, q} -> ...)' or 'never {p, q}.executed'", n.span)
                else:
                    cx.error("GOV200", f"'{n.name}' is not a person", n.span)
            return "set", m.SetOf(tuple(people))
        case ast.Call(function=fn, argument=arg, span=span):
            r = expr(cx, arg, scope)
            if r is None:
                return None
            if r[0] != "set":
                hint = ""
                if isinstance(arg, ast.Binary) and arg.op in "+-":  # (weight(yes - {x}): '-' subtracts numbers)
                    hint = (f"; '{arg.op}' adds or subtracts numbers: for the people of a set other than some, "
                            "write 'yes except {x}'; for the people of either set, 'A union B'")
                cx.error("GOV200", f"{fn}(...) needs a set of people, such as 'yes' or 'board.members'{hint}", arg.span)
                return None
            return "num", m.Count(r[1], weighted=(fn == "weight"))
        case ast.FractionOf(fraction=f, base=base, text=text):
            r = num(cx, base, scope)
            return None if r is None else ("num", m.Arith("*", m.Num(f, written=text), r))
        case ast.Majority(base=base, span=span):
            r = num(cx, base, scope)
            if r is None:
                return None
            subject = {"quorum": "present", "passes": "yes"}.get(scope.clause or "")
            if subject is None or scope.stage is None:
                cx.error("GOV200", "'majority of ...' is a quorum or 'passes when' rule; elsewhere write "
                         "the comparison, e.g. 'yes > half of present'", span)
                return None
            # "majority of weight(members)" compares weights: the subject is weighted too
            subject_count = m.Count(m.StepSet(subject, scope.stage), weighted=weighted(r))
            return "bool", m.Compare(">", subject_count, m.Arith("*", m.Num(Fraction(1, 2)), r))
        case ast.Not(operand=op):
            r = boolean(cx, op, scope)
            return None if r is None else ("bool", m.NotE(r))
        case ast.Vacancy(operand=op, vacant=vacant, span=span):
            if not (isinstance(op, ast.Name) and op.name in cx.offices):
                if isinstance(op, ast.Name) and op.name not in cx.all_names():
                    cx.unknown("GOV106", "office", op.name, op.span, cx.offices)
                else:
                    cx.error("GOV309", "only an office can be vacant", op.span)
                return None
            v = m.Vacant(op.name)
            return "bool", (v if vacant else m.NotE(v))
        case ast.Binary(op=op, left=left, right=right, span=span):
            return binary(cx, op, left, right, span, scope)
        case ast.SetFilter():
            return set_filter(cx, e, scope)
    raise AssertionError(f"unhandled expression {e!r}")


def num(cx: Context, e: ast.Expr, scope: Scope):
    r = expr(cx, e, scope)
    if r is None:
        return None
    kind, ir = r
    if kind == "num":
        return ir
    if kind == "set":
        return m.Count(ir)
    cx.error("GOV200", f"expected a number, found {kind_word(kind)}", e.span)
    return None


def boolean(cx: Context, e: ast.Expr, scope: Scope):
    r = expr(cx, e, scope)
    if r is None:
        return None
    kind, ir = r
    if kind == "bool":
        return ir
    if kind == "proc":
        cx.error("GOV314", f"'{ir.procedure}' can only be used as 'always ({ir.procedure} -> ...)', "
                 f"'never {ir.procedure}', 'possible {ir.procedure}', 'possible {ir.procedure} and ...' or as a coalition goal", e.span)
        return None
    cx.error("GOV200", f"expected a condition (true or false), found {kind_word(kind)}", e.span)
    return None


def kind_word(kind: str) -> str:
    return {"num": "a number", "bool": "a condition", "person": "a person or office", "set": "a set of people",
            "proc": "a procedure"}.get(kind, kind)


def binary(cx: Context, op: str, left, right, span: Span, scope: Scope):
    if op in ("and", "or"):
        a, b = boolean(cx, left, scope), boolean(cx, right, scope)
        if a is None or b is None:
            return None
        return "bool", (m.And((a, b)) if op == "and" else m.Or((a, b)))
    if op == "->":
        a, b = boolean(cx, left, scope), boolean(cx, right, scope)
        if a is None or b is None:
            return None
        return "bool", m.implies(a, b)
    if op in m.SET_OPS:
        return set_operation(cx, op, left, right, scope)
    if op in ("+", "-", "*"):
        a, b = num(cx, left, scope), num(cx, right, scope)
        if a is None or b is None:
            return None
        if op == "*" and not (constantish(a) or constantish(b)):
            cx.error("GOV203", "one side of '*' must be a number or a parameter", span)
            return None
        return "num", m.Arith(op, a, b)
    if op in ("in", "not in"):
        rp, rs = expr(cx, left, scope), expr(cx, right, scope)
        if rp is None or rs is None:
            return None
        if rp[0] != "person":
            cx.error("GOV200", f"the left of '{op}' must be a person or office, found {kind_word(rp[0])}", left.span)
            return None
        if rs[0] != "set":
            cx.error("GOV200", f"the right of '{op}' must be a set of people, found {kind_word(rs[0])}", right.span)
            return None
        inset = m.InSet(rp[1], rs[1])
        return "bool", (inset if op == "in" else m.NotE(inset))
    # comparisons
    ra, rb = expr(cx, left, scope), expr(cx, right, scope)
    if ra is None or rb is None:
        return None
    ka, kb = ra[0], rb[0]
    if ka == "set" and kb == "set" and op in ("==", "!="):
        if isinstance(ra[1], m.StepSet) and isinstance(rb[1], m.StepSet) and ra[1] != rb[1]:
            # (found by the new-user trial: 'yes == no' read as a tie; it means the same people)
            a_text, b_text = cx.text(left.span), cx.text(right.span)
            cx.warned.append(Diagnostic(
                "GOV232", f"'{a_text} {op} {b_text}' compares who is in each set, not how many", span, "warning",
                (f"for the counts, write 'size({a_text}) {op} size({b_text})'",)))
        return "bool", m.SetCompare(op, ra[1], rb[1])
    if ka == "person" and kb == "person" and op in ("==", "!="):
        return "bool", m.SameHolder(op, ra[1], rb[1])
    if ka in ("num", "set") and kb in ("num", "set"):
        a = ra[1] if ka == "num" else m.Count(ra[1])
        b = rb[1] if kb == "num" else m.Count(rb[1])
        return "bool", m.Compare(op, a, b)
    cx.error("GOV202", f"cannot compare {kind_word(ka)} with {kind_word(kb)} using '{op}'", span)
    return None


# ---- set algebra (issue 13)


def as_set(r):
    """A set, or a person as the set of that one person (``yes except x``)."""
    kind, ir = r
    return ir if kind == "set" else m.SetOf((ir,))


def set_operation(cx: Context, op: str, left, right, scope: Scope):
    """``A union B``, ``A except B``, ``A intersect B``: two sets (a person stands for the set of that
    one person, as in ``yes except x``)."""
    ra, rb = expr(cx, left, scope), expr(cx, right, scope)
    if ra is None or rb is None:
        return None
    for r, side in ((ra, left), (rb, right)):
        if r[0] not in ("set", "person"):
            cx.error("GOV230", f"'{op}' combines sets of people; this is {kind_word(r[0])}", side.span)
            return None
    return "set", m.SetOp(op, as_set(ra), as_set(rb))


def static_people(cx: Context, e) -> list[str]:
    """The people of a set expression with no step set in it, in the initial state, in declaration
    order (bodies as declared, offices' first holders)."""
    def people_of(e) -> set[str]:
        match e:
            case m.Members(body=b):
                return set(cx.bodies[b].members)
            case m.Everyone():
                return set(cx.people)
            case m.SetOf(people=ps):
                return {x for x in (p.name if isinstance(p, m.PersonConst) else cx.offices[p.office].holder
                                    for p in ps) if x}
            case m.SetOp(op=op, left=a, right=b):
                x, y = people_of(a), people_of(b)
                return x | y if op == "union" else x - y if op == "except" else x & y
            case m.Having() as having:
                return {p for p in people_of(having.set) if having.admits(cx.people[p])}
        raise AssertionError(e)
    found = people_of(e)
    return [p for p in cx.people if p in found]


def set_filter(cx: Context, e: ast.SetFilter, scope: Scope):
    """``S tagged T``, ``S held for P``, and ``tagged T``, ``held for P`` alone (of everyone)."""
    base = m.Everyone()
    if e.operand is not None:
        r = expr(cx, e.operand, scope)
        if r is None:
            return None
        if r[0] not in ("set", "person"):
            word = "tagged" if e.attribute == "tag" else "held for"
            cx.error("GOV230", f"'{word}' filters a set of people; this is {kind_word(r[0])}", e.operand.span)
            return None
        base = as_set(r)
    value = e.value
    if e.attribute == "tag":
        if value.name not in cx.tags:
            cx.unknown("GOV315", "tag", value.name, value.span, cx.tags)
            return None
    elif value.name not in cx.people.held_for() and not (value.name in cx.people.named()
                                                         and cx.people[value.name].principal == value.name):
        cx.unknown("GOV231", "principal", value.name, value.span,
                   sorted(cx.people.held_for().union(cx.people.own_principals())))
        return None
    return "set", m.Having(base, e.attribute, value.name)


def procedure_attribute(cx: Context, name: str, attr: str, span: Span, scope: Scope | None = None):
    """P.executed, P.vetoed (phases of a procedure, as events), P.approved_at and P.proposed_at (days).

    An untimed procedure takes effect in the step it passes: its ``executed`` is its vote, and its
    ``approved_at`` is ``now`` in a rule about its own step and -1 elsewhere (no decision of it ever
    waits), so a rule reads the same before and after a timelock is added (docs/semantics.md,
    section 10 "Every procedure takes effect")."""
    if attr in m.TALLIES and live_limit(cx.procs[name]) == 1:
        return kept_tally(cx, name, attr, span, scope)
    if attr not in m.TALLIES and attr not in ("executed", "vetoed", "approved_at", "proposed_at"):
        cx.error("GOV103", f"a procedure has 'executed', 'vetoed', 'approved_at', 'proposed_at' and its "
                 f"decision's tally ({', '.join(m.TALLIES)}), not '{attr}'", span)
        return None
    if (attr in ("proposed_at", *m.TALLIES) or (attr == "approved_at" and is_timed(cx.procs[name]))) \
            and live_limit(cx.procs[name]) > 1:
        cx.error("GOV351", f"'{name}' may have several live proposals and waiting decisions ('at most "
                 f"{live_limit(cx.procs[name])} live proposals'): '{name}.{attr}' would not say which one", span,
                 "these readings are for procedures with one live proposal at a time")
        return None
    if attr == "proposed_at":
        if not has_lifecycle(cx.procs[name]):
            cx.error("GOV317", f"'{name}' has no proposal step; 'proposed_at' belongs to procedures with a "
                     "voting delay, voting period, proposal threshold, counting rule or notice period", span)
            return None
        return "num", m.ProposedAt(name)
    if attr == "vetoed" and not window_header(cx.procs[name]):
        cx.error("GOV316", f"'{name}' has no veto window ('vetoed by ... within N days')", span)
        return None
    timed = is_timed(cx.procs[name])
    if attr == "approved_at":
        if timed:
            return "num", m.ApprovedAt(name)
        return "num", (m.Now() if scope is not None and scope.executing == name else m.Num(Fraction(-1)))
    return "proc", m.Passed(name, "pass" if not timed else "execute" if attr == "executed" else "veto")


def kept_tally(cx: Context, name: str, attr: str, span: Span, scope: Scope | None):
    """P.yes, P.no, P.present, P.weight_yes, P.weight_no, P.total_weight: the tally of the vote that
    approved the decision of P spoken of (issue 13.6; docs/semantics.md section 10 "The tally a
    decision keeps").  Readable in 'always (P.executed -> C)', 'always (P.vetoed -> C)' and P's own
    'at execution require C'.  A timed P keeps it with its waiting decision (:class:`m.Tally`); an
    untimed P takes effect in the step of its vote, so there it is that vote's count."""
    if scope is None or scope.kept != name:
        cx.error("GOV350", f"'{name}.{attr}' is the tally of the vote that approved a decision of '{name}'; "
                 f"read it where that decision takes effect or is vetoed: 'always ({name}.executed -> ...)', "
                 f"'always ({name}.vetoed -> ...)', or an 'at execution require' of '{name}'", span)
        return None
    if is_timed(cx.procs[name]):
        return "num", m.Tally(name, attr)
    return "num", m.tally_count(attr)


def token_amount(cx: Context, e: ast.Expr, scope: Scope):
    """A number of tokens: a non-negative constant or a parameter (Num or ParamRef), else None."""
    r = expr(cx, e, scope)
    if r is None:
        return None
    kind, ir = r
    if kind != "num" or not isinstance(ir, (m.Num, m.ParamRef)):
        cx.error("GOV317", "an amount of tokens is a constant number or a parameter", e.span)
        return None
    if isinstance(ir, m.Num) and ir.value < 0:
        cx.error("GOV317", "an amount of tokens cannot be negative", e.span)
        return None
    return ir


def weighted(e) -> bool:
    """Does an amount count weights (weight(...)) rather than heads?"""
    if isinstance(e, m.Count):
        return e.weighted
    if isinstance(e, m.Arith):
        return weighted(e.left) or weighted(e.right)
    return False


def constantish(e) -> bool:
    return isinstance(e, (m.Num, m.ParamRef)) or (
        isinstance(e, m.Arith) and constantish(e.left) and constantish(e.right))
