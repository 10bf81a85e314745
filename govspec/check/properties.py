"""Properties: invariants, conditions on a procedure's step, and what coalitions can or cannot force.

Assumes: the context's tables are filled (:func:`govspec.check.declarations.declare` has run).
Guarantees: every problem with a property is reported (a second property of the same name too);
when none is, :func:`prop` has given a :class:`~govspec.model.Property` whose conditions are checked
in the scope they speak of (a procedure's vote, its veto window, or any state), whose goal is a
procedure, 'P.executed' or a condition, and whose coalition is drawn from people who exist (a size
of at least one, within the bound GovSpec checks).
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace

from .. import ast
from .. import model as m
from ..diagnostics import Span
from ..groups import frozen, without
from .context import Context
from .declarations import MAX_PEOPLE, window_header
from .expressions import as_set, boolean, expr, kind_word, procedure_attribute, static_people
from .names import Scope, resolve, unknown_procedure


def check_properties(cx: Context, decls: tuple[ast.PropertyDecl, ...]) -> list[m.Property]:
    """Each property, in order; a second property of the same name is reported (GOV109) and left out."""
    props: list[m.Property] = []
    seen: dict[str, Span] = {}
    for decl in decls:
        where = cx.name_span(decl.span, decl.name)
        if decl.name in seen:
            cx.error("GOV109", f"duplicate property name '{decl.name}'", where, f"first declared at {seen[decl.name]}")
            continue
        seen[decl.name] = where
        p = prop(cx, decl)
        if p is not None:
            props.append(p)
    return props


def prop(cx: Context, decl: ast.PropertyDecl) -> m.Property | None:
    text = cx.text(decl.span)
    common = dict(name=decl.name, span=decl.span, cite=decl.cite, text=text)
    if decl.kind == "possible":
        # searched as "never X" (and "possible P and C" as "always (P -> not C)"), the verdict flipped
        p = _trace_property(cx, decl, common)
        return None if p is None else replace(p, possible=True)
    if decl.kind in ("always", "never"):
        return _trace_property(cx, decl, common)
    if decl.kind == "power":
        return _power(cx, decl, common)
    goal = _goal(cx, decl.body)
    if goal is None:
        return None
    if decl.kind in ("each_force", "each_block"):
        return _each(cx, decl, goal, common)
    if decl.kind in ("no_coalition", "every_coalition", "every_coalition_block", "no_coalition_block"):
        b = decl.bound
        if decl.kind.startswith("every") and not b.exactly:
            cx.error("GOV311", "'every coalition' needs a size, e.g. 'every coalition of 4 in board' "
                     "(larger coalitions can do at least as much)", b.span)
            return None
        if b.size < 1:
            cx.error("GOV311", "a coalition has at least one member", b.span)
            return None
        if b.size > MAX_PEOPLE:
            cx.error("GOV311", f"a coalition of {b.size} is larger than any organisation GovSpec checks "
                     f"(at most {MAX_PEOPLE} people)", b.span)
            return None
        candidates = _candidates(cx, b.within, b.tagged, b.excluding)
        if candidates is None:
            return None
        including = _including(cx, b, candidates)
        if including is None:
            return None
        if decl.kind.startswith("every") and b.size > len(candidates):
            cx.error("GOV311", f"there are only {len(candidates)} people to draw a coalition of {b.size} from", b.span)
            return None
        # "no coalition of 2" means at most 2 (a larger coalition can do whatever a smaller one can)
        if b.principals and decl.kind == "every_coalition" and b.size > len({cx.people[c].principal for c in candidates}):
            cx.error("GOV311", f"there are fewer than {b.size} principals to draw a coalition from", b.span)
            return None
        if b.principals and decl.kind.endswith("_block"):
            cx.error("GOV311", "'can block' counts people; it cannot be combined with 'principals'", b.span)
            return None
        spec = m.CoalitionSpec(frozen(candidates), b.size, exactly=b.exactly and decl.kind.startswith("every"),
                               principals=b.principals, including=including)
        return m.Property(kind=decl.kind, coalition=spec, goal=goal, **common)
    cs = decl.coalition
    if cs.expr is not None:
        candidates = _static_set(cx, cs.expr, "a coalition")
        if candidates is None:
            return None
    elif cs.tag is not None:
        candidates = _candidates(cx, (), (cs.tag,), ())
        if candidates is None:
            return None
        if not candidates:
            cx.error("GOV315", f"nobody is tagged '{cs.tag.name}'", cs.tag.span)
            return None
    else:
        candidates = []
        for n in cs.names:
            group = _named_people(cx, n)
            if group is None:
                continue
            for p in group:
                if p in candidates:
                    cx.error("GOV315", f"'{p}' is named twice in the coalition", n.span)
                candidates.append(p)
    return m.Property(kind=decl.kind, coalition=m.CoalitionSpec(tuple(candidates), None), goal=goal, **common)


VOTE_WORDS_WHERE = "in 'always (P -> ...)' or 'possible P and ...' where P is a procedure"  # (where 'yes' and its kind mean something)


def _trace_property(cx: Context, decl: ast.PropertyDecl, common: dict) -> m.Property | None:
    """``always``, ``never`` and ``possible`` (as the ``never`` it flips): an invariant or a condition on a step."""
    body = _step_first(cx, decl.body) if decl.kind == "possible" else decl.body
    arrow = "->" if decl.kind == "always" else "and" if decl.kind == "possible" else None
    if decl.kind == "possible" and not (isinstance(body, ast.Binary) and _names_procedure(cx, body.left)):
        arrow = None  # ("possible A and B" of two conditions: a state where both hold)
    ruled = isinstance(body, ast.Binary) and body.op == arrow
    subject = body.left if ruled else body if decl.kind != "always" else None
    if unknown_procedure(cx, subject):
        return None
    if procedure_set(cx, subject):
        return _set_property(cx, decl, common, subject, body.right if ruled else None)
    phase_subject = subject if isinstance(subject, ast.Dotted) and subject.owner in cx.procs else None
    if phase_subject is not None:
        r = expr(cx, phase_subject, Scope())
        if r is None:
            return None
        if r[0] != "proc":
            cx.error("GOV200", "expected a procedure event such as 'P.executed'", phase_subject.span)
            return None
        proc = cx.procs[phase_subject.owner]
        phase = r[1].phase
        if phase == "pass":  # 'P.executed' of an untimed P is its vote, named as written
            common = dict(common, subject=f"{proc.name}.executed")
        if not ruled:
            return m.Property(kind="step", procedure=proc.name, step=m.BoolConst(False), phase=phase, **common)
        scope = _window_scope(proc) if phase == "veto" else Scope(
            procedure=proc, where="in the vote (write 'P -> ...')", executing=proc.name, kept=proc.name)
        r = boolean(cx, body.right, scope)
        return None if r is None else m.Property(kind="step", procedure=proc.name, step=_ruled(decl, r), phase=phase,
                                                 **common)
    if ruled and isinstance(body.left, ast.Name) and body.left.name in cx.procs:
        proc = cx.procs[body.left.name]
        scope = _step_scope(cx, proc)
        r = boolean(cx, body.right, scope)
        return None if r is None else m.Property(kind="step", procedure=proc.name, step=_ruled(decl, r), **common)
    if isinstance(body, ast.Name) and body.name in cx.procs and decl.kind != "always":
        return m.Property(kind="step", procedure=body.name, step=m.BoolConst(False), **common)
    scope = Scope(where=VOTE_WORDS_WHERE, step_code="GOV314")
    r = boolean(cx, body, scope)
    if r is None:
        return None
    return m.Property(kind="invariant", state=(r if decl.kind == "always" else m.NotE(r)), **common)


def _step_first(cx: Context, body: ast.Expr) -> ast.Expr:
    """``possible P and A and B``, which parses as ``(P and A) and B``, as ``P and (A and B)``: the
    step, then the condition it must meet (any chain of 'and' whose first term names a procedure)."""
    first, rest = body, []
    while isinstance(first, ast.Binary) and first.op == "and":
        rest.append(first.right)
        first = first.left
    if len(rest) < 2 or not _names_procedure(cx, first):
        return body
    return ast.Binary(body.span, "and", first, _chain(rest[-1], rest[-2::-1]))


def _chain(first: ast.Expr, more: list[ast.Expr]) -> ast.Expr:
    """``first and more[0] and ...``, grouped to the left as the parser groups it."""
    for e in more:
        first = ast.Binary(Span(first.span.path, first.span.line, first.span.column, e.span.end_line, e.span.end_column),
                           "and", first, e)
    return first


def _ruled(decl: ast.PropertyDecl, condition: m.BoolExpr) -> m.BoolExpr:
    """The condition every step of the procedure must meet: ``C`` of ``always (P -> C)``; ``not C``
    of ``possible P and C`` (a step where C holds is the witness)."""
    return m.NotE(condition) if decl.kind == "possible" else condition


def _names_procedure(cx: Context, e: ast.Expr) -> bool:
    return ((isinstance(e, ast.Name) and e.name in cx.procs) or (isinstance(e, ast.Dotted) and e.owner in cx.procs)
            or procedure_set(cx, e))


# ---- step rules over a set of procedures (issue 13.5): "always ({p, q}.executed -> C)", "never {p, q}"


def procedure_set(cx: Context, e) -> bool:
    """Is ``e`` a set of procedures: ``{p, q}.executed``, or ``{p, q}`` naming a procedure?"""
    return isinstance(e, ast.ProcedureSet) or (
        isinstance(e, ast.SetLiteral) and any(n.name in cx.procs for n in e.names))


def _set_property(cx: Context, decl: ast.PropertyDecl, common: dict, subject, condition) -> m.Property | None:
    """A step rule over a set of procedures: one (procedure, phase, condition) case per procedure,
    the condition read in that procedure's step as in a rule about it alone.  A parameter may be
    used only if every procedure of the set has one of that name (GOV314)."""
    attribute = getattr(subject, "attribute", None)
    if attribute not in (None, "executed", "vetoed"):
        cx.error("GOV314", f"a set of procedures takes '.executed' or '.vetoed', not '.{attribute}'",
                 subject.attribute_span)
        return None
    procs: list[ast.ProcedureDecl] = []
    for n in subject.names:
        if n.name not in cx.procs:
            if not unknown_procedure(cx, n):
                cx.error("GOV314", f"'{n.name}' is not a procedure or event; a set in a step rule lists procedures",
                         n.span)
            return None
        if any(p.name == n.name for p in procs):
            cx.error("GOV314", f"'{n.name}' is named twice in the set", n.span)
            return None
        procs.append(cx.procs[n.name])
    if condition is not None and not _common_parameters(cx, procs, condition):
        return None
    cases = []
    for proc, n in zip(procs, subject.names):
        if attribute is None:
            phase, scope = "pass", _step_scope(cx, proc)
        else:
            r = procedure_attribute(cx, proc.name, attribute, n.span)
            if r is None:
                return None
            phase = r[1].phase
            scope = _window_scope(proc) if phase == "veto" else Scope(
                procedure=proc, where="in the vote (write '{p, q} -> ...')", executing=proc.name)
        if condition is None:
            cases.append((proc.name, phase, m.BoolConst(False)))
            continue
        r = boolean(cx, condition, scope)
        if r is None:
            return None
        cases.append((proc.name, phase, _ruled(decl, r)))
    (procedure, phase, step), *also = cases
    return m.Property(kind="step", procedure=procedure, phase=phase, step=step, also=tuple(also),
                      subject=cx.text(subject.span), **common)


def _common_parameters(cx: Context, procs: list[ast.ProcedureDecl], condition) -> bool:
    """Every parameter the condition names is a parameter of every procedure of the set."""
    ok = True
    for n in _names_in(condition):
        having = [p.name for p in procs if any(f.name == n.name for f in p.formals)]
        if having and len(having) < len(procs):
            lacking = [p.name for p in procs if p.name not in having]
            cx.error("GOV314", f"'{n.name}' is a parameter of {', '.join(having)} but not of {', '.join(lacking)}",
                     n.span, "a rule over a set of procedures may use only the parameters every one of them has")
            ok = False
    return ok


def _names_in(e):
    """Every name written in an expression's syntax tree."""
    if isinstance(e, ast.Name):
        yield e
    for f in fields(e) if is_dataclass(e) else ():
        value = getattr(e, f.name)
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, ast.Node):
                yield from _names_in(item)


def _step_scope(cx: Context, proc: ast.ProcedureDecl) -> Scope:
    stage_body = None
    for item in proc.items:
        if isinstance(item, ast.StageHeader) and item.kind == "decided" and item.body in cx.bodies:
            stage_body = item.body
    if proc.is_event or stage_body is None:
        return Scope(procedure=proc, where="for procedures decided by a vote", executing=proc.name)
    return Scope(procedure=proc, stage=0, stage_body=stage_body, executing=proc.name)


def _window_scope(proc: ast.ProcedureDecl) -> Scope:
    header = window_header(proc)
    return Scope(procedure=proc, stage=0, stage_body=header.body if header else None, kept=proc.name)


def _goal(cx: Context, e: ast.Expr) -> m.Goal | None:
    if unknown_procedure(cx, e):
        return None
    if procedure_set(cx, e):
        cx.error("GOV314", "a coalition goal is one procedure; write one property for each procedure of the set",
                 e.span)
        return None
    if isinstance(e, ast.Name) and e.name in cx.procs:
        return m.Goal(e.name, None, e.name)
    if isinstance(e, ast.Dotted) and e.owner in cx.procs:
        r = expr(cx, e, Scope())
        if r is None:
            return None
        if r[0] != "proc" or e.attribute != "executed":
            cx.error("GOV200", f"a coalition goal is a procedure, 'P.executed' or a condition", e.span)
            return None
        return m.Goal(e.owner, None, cx.text(e.span), r[1].phase)
    r = boolean(cx, e, Scope(where=VOTE_WORDS_WHERE, step_code="GOV314"))
    return None if r is None else m.Goal(None, r, cx.text(e.span))


# ---- quantified coalitions (issue 13): "each of S", "including", "in GROUP"


def _each(cx: Context, decl: ast.PropertyDecl, goal: m.Goal, common: dict) -> m.Property | None:
    """``each of S can force G`` / ``can block G``: every coalition of one drawn from S, a set of
    people fixed before any step (read in the initial state)."""
    people = _static_set(cx, decl.each, "'each of'")
    if people is None:
        return None
    kind = "every_coalition" if decl.kind == "each_force" else "every_coalition_block"
    return m.Property(kind=kind, coalition=m.CoalitionSpec(tuple(people), 1, exactly=True), goal=goal, **common)


def _static_set(cx: Context, e: ast.Expr, what: str) -> list[str] | None:
    """The people of a set written in a property, read in the initial state; at least one."""
    scope = Scope(where=VOTE_WORDS_WHERE, step_code="GOV314")
    r = expr(cx, e, scope)
    if r is None:
        return None
    if r[0] not in ("set", "person"):
        cx.error("GOV230", f"{what} needs a set of people, found {kind_word(r[0])}", e.span)
        return None
    people = static_people(cx, as_set(r))
    if not people:
        cx.error("GOV315", f"'{cx.text(e.span)}' holds nobody at the start", e.span)
        return None
    return people


def _named_people(cx: Context, n: ast.Name, office: bool = False) -> list[str] | None:
    """The people a name in a coalition's list stands for: a person, or a group's members (and with
    ``office``, an office's holder at the start, as 'excluding' reads it)."""
    r = resolve(cx, n.name, n.span, Scope())
    if r is None:
        return None
    if r[0] == "person" and isinstance(r[1], m.PersonConst):
        return [r[1].name]
    if r[0] == "set" and isinstance(r[1], m.SetOf):
        return [p.name for p in r[1].people]
    if office and r[0] == "person" and isinstance(r[1], m.Holder):
        holder = cx.offices[r[1].office].holder
        if holder is None:
            cx.error("GOV200", f"'{n.name}' is vacant at the start: 'including' needs the person it names", n.span)
            return None
        return [holder]
    cx.error("GOV200", f"'{n.name}' is not a person" + (" or office" if office else ""), n.span)
    return None


def _including(cx: Context, b: ast.CoalitionBound, candidates: list[str]) -> tuple[str, ...] | None:
    """The people every coalition must include: among the candidates, fewer than the size allows."""
    out: list[str] = []
    for x in b.including:
        names = _named_people(cx, x, office=True)
        if names is None:
            return None
        for n in names:
            if n not in candidates:
                cx.error("GOV311", f"'{n}' is not among the people the coalition is drawn from", x.span)
                return None
            out += [n] if n not in out else []
    if out and b.principals:
        cx.error("GOV311", "'including' counts people; it cannot be combined with 'principals'", b.span)
        return None
    if len(out) > b.size:
        cx.error("GOV311", f"a coalition of {b.size} cannot include all {len(out)} people named", b.span)
        return None
    return tuple(out)


def _candidates(cx: Context, within, tagged, excluding) -> list[str] | None:
    pool: list[str] | None = None
    for b in within:
        if b.name in cx.groups:  # "in d": drawn from the members of a group
            members = cx.groups[b.name]
            pool = members if pool is None else [p for p in pool if p in members]
            continue
        if b.name not in cx.bodies:
            cx.unknown("GOV104", "body", b.name, b.span, cx.bodies)
            return None
        members = cx.bodies[b.name].members
        pool = members if pool is None else [p for p in pool if p in members]
    if pool is None:
        pool = list(cx.people)
    for t in tagged:
        if t.name not in cx.tags:
            cx.unknown("GOV315", "tag", t.name, t.span, cx.tags)
            return None
        pool = [p for p in pool if t.name in cx.people[p].tags]
    for x in excluding:
        r = resolve(cx, x.name, x.span, Scope())
        if r is None:
            return None
        if r[0] == "person" and isinstance(r[1], m.PersonConst):
            pool = without(pool, {r[1].name})
        elif r[0] == "person" and isinstance(r[1], m.Holder):
            holder = cx.offices[r[1].office].holder
            pool = without(pool, {holder})
        else:
            cx.error("GOV200", f"'{x.name}' is not a person or office", x.span)
            return None
    return pool


# ---- power properties (issue 17): "x is a dummy for P", "banzhaf power of x over P <= 20%"

POWER_COMPARISONS = ("<", "<=", ">=", ">")


def _power(cx: Context, decl: ast.PropertyDecl, common: dict) -> m.Property | None:
    """A power property: one declared person (or a principal, whose keys are one player, or a tag,
    whose members are one), an outcome the power analysis speaks of (a procedure passing, or
    'P.executed'), and for a bound on an index, its name and a share from 0% to 100%."""
    claim, outcome = decl.power, decl.body
    goal = _power_goal(cx, outcome)
    by = "person"
    held = cx.people.held_for()
    if claim.tag:  # "tagged X": the tag's members, one player
        if claim.player.name not in cx.tags:
            cx.unknown("GOV315", "tag", claim.player.name, claim.player.span, cx.tags)
            return None
        by, player = "tag", [claim.player.name]
    elif claim.player.name in held:  # (a declared person who holds others' keys too: all of them, not the person alone)
        by, player = "principal", [claim.player.name]  # (its keys vote together, as with --by principal)
    else:
        player = _named_people(cx, claim.player)
    if goal is None or player is None:
        return None
    if len(player) != 1:
        cx.error("GOV200", f"'{claim.player.name}' is a group: a power property speaks of one person",
                 claim.player.span)
        return None
    index = op = bound = text = None
    if claim.claim == "index":
        index = claim.index.name
        if index not in m.POWER_INDICES:
            cx.error("GOV320", f"no power index '{index}': write 'banzhaf power of ...' (the normalised Banzhaf "
                     "index) or 'shapley power of ...' (Shapley-Shubik)", claim.index.span)
            return None
        op, bound, text = claim.op, claim.bound.value, claim.bound.text or str(claim.bound.value)
        if op not in POWER_COMPARISONS:
            cx.error("GOV320", f"a power index is compared with <, <=, >= or >, not {op}", claim.span)
            return None
        if not 0 <= bound <= 1:
            cx.error("GOV320", f"{text} is not a share of power: write one from 0% to 100% (or 0 to 1)",
                     claim.bound.span)
            return None
    power = m.PowerClaim(claim.claim, player[0], claim.negated, index, op, bound, text, by=by)
    return m.Property(kind="power", goal=goal, power=power, **common)


def _power_goal(cx: Context, e: ast.Expr) -> m.Goal | None:
    """The outcome of a power property: a procedure (not an event) passing, or its 'P.executed'."""
    if unknown_procedure(cx, e):
        return None
    name = e.name if isinstance(e, ast.Name) else e.owner
    if name not in cx.procs:
        cx.error("GOV320", f"'{cx.text(e.span)}' is not a procedure: a power property speaks of a procedure "
                 "passing, or of 'P.executed'", e.span)
        return None
    if cx.procs[name].is_event:
        cx.error("GOV320", f"'{name}' is an event: the power analysis speaks of procedures, decided by votes",
                 e.span)
        return None
    return _goal(cx, e)
