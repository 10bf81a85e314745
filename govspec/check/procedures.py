"""Procedures: their formals, stages, rules, requirements, timing and proposal lifecycle.

Assumes: the context's tables are filled (:func:`govspec.check.declarations.declare` has run).
Guarantees: every problem with a procedure is reported; when none is, :func:`procedure` has given
a :class:`~govspec.model.Procedure` with its one 'decided by' stage first, then the other stages in
order, its veto window (at most one) kept apart, every quorum and 'passes when' rule a condition on
its stage's vote, and every clause given once and where it belongs.  After a problem it may give
None (the orchestrator builds no model then).
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from .. import ast
from .. import model as m
from .context import Context
from .declarations import LIFECYCLE_WORDS, RESERVED, is_timed
from .effects import clause_effects
from .expressions import as_set, boolean, expr, kind_word, static_people, token_amount, weighted
from .names import Scope


# the words of a stage's clause where they differ from its kind
STAGE_CLAUSE_WORDS = {"waiver": "attendance waives notice", "chaired": "chaired by", "casting": "casting vote",
                      "written_waiver": "notice may be waived in writing"}
STAGE_CLAUSES = ("notice", "quorum", "passes", "waiver", "chaired", "casting", "written_waiver")  # (after a stage's line)


def check_procedures(cx: Context, org: ast.Organization) -> dict[str, m.Procedure]:
    """Each procedure declared once (a duplicate was reported when names were claimed), by name."""
    procedures: dict[str, m.Procedure] = {}
    for decl in org.procedures:
        if decl.name in cx.procs and cx.procs[decl.name] is decl:
            p = procedure(cx, decl)
            if p is not None:
                procedures[p.name] = p
    return procedures


def procedure(cx: Context, decl: ast.ProcedureDecl) -> m.Procedure | None:
    formals = []
    names = set()
    for f in decl.formals:
        if f.name in names:
            cx.error("GOV109", f"duplicate parameter '{f.name}'", f.span)
        names.add(f.name)
        if f.low is not None:  # a whole number in a range
            if f.low > f.high:
                cx.error("GOV342", f"the range of '{f.name}' is empty ({f.low} to {f.high})", f.domain_span)
        elif f.domain != "people" and f.domain not in cx.bodies:
            cx.unknown("GOV104", "body", f.domain, f.domain_span, cx.bodies)
        if f.domain == "people" and f.negated:
            cx.error("GOV309", f"nobody is outside 'people'; write '{f.name} in people' or name a body", f.span)
        if f.name in RESERVED:
            cx.error("GOV110", f"'{f.name}' is a reserved word", f.span)
        formals.append(m.Formal(f.name, f.domain, f.negated, f.span, low=f.low, high=f.high))
    stages_raw: list[tuple[ast.StageHeader, dict[str, ast.Clause]]] = []
    recusals, guards, effects = [], [], []
    execution_guards = []  # 'at execution require ...' of a timed procedure (issue 13.5)
    timelock = timelock_rule = None
    lifecycle: dict[str, ast.Clause] = {}  # voting_delay / voting_period / threshold / counted
    grace = None  # "expires after N days"
    called = None  # "called by ..."
    live = None  # "at most K live proposals" (issue 13.6)
    vote_in_event = False  # reported once per event: its stage lines and their clauses
    misplaced: set[str] = set()  # clauses reported before any stage (not reported again as missing)
    for item in decl.items:
        if isinstance(item, ast.StageHeader):
            if decl.is_event:
                if not vote_in_event:
                    cx.error("GOV313", f"an event happens without a vote; '{item.kind} by' belongs in a "
                             "procedure", item.span)
                vote_in_event = True
                continue
            if item.body not in cx.bodies:
                cx.unknown("GOV104", "body", item.body, item.body_span, cx.bodies)
            stages_raw.append((item, {}))
        elif item.kind in STAGE_CLAUSES:
            if decl.is_event:
                if not vote_in_event:
                    cx.error("GOV313", f"an event happens without a vote, so it has no '{item.kind}' rule; "
                             "declare a procedure instead", item.span)
                vote_in_event = True
                continue
            if not stages_raw:
                misplaced.add(item.kind)
                cx.error("GOV304", f"'{STAGE_CLAUSE_WORDS.get(item.kind, item.kind)}' must follow a 'decided by', "
                         "'approved by' or 'vetoed by' line",
                         item.span)
                continue
            clauses = stages_raw[-1][1]
            if item.kind in clauses:
                cx.error("GOV305", f"'{STAGE_CLAUSE_WORDS.get(item.kind, item.kind)}' is given twice for this stage", item.span,
                         f"first given at {clauses[item.kind].span}")
                continue
            clauses[item.kind] = item
        elif item.kind == "recuse" and item.recused_set is not None:
            people = recusal_people(cx, item.recused_set)
            if people is not None:
                recusals.append(m.Recusal(cx.text(item.recused_set.span), "vote" in item.recuse_from,
                                          "quorum" in item.recuse_from, item.span, item.cite, people=people))
        elif item.kind == "recuse":
            if item.recused not in names:
                cx.error("GOV308", f"'{item.recused}' is not a parameter of '{decl.name}'; recusal names the "
                         "person a procedure is about, e.g. 'procedure remove(d in board)'", item.recused_span)
                continue
            if any(f.name == item.recused and f.low is not None for f in decl.formals):
                cx.error("GOV308", f"'{item.recused}' is a number; recusal names the person a procedure is about",
                         item.recused_span)
                continue
            recusals.append(m.Recusal(item.recused, "vote" in item.recuse_from, "quorum" in item.recuse_from, item.span, item.cite))
        elif item.kind == "require":
            # only a timed procedure's 'at execution require' reads its waiting decision's tally (issue 13.6)
            scope = Scope(procedure=decl, where="in a stage's quorum or 'passes when' rule",
                          kept=decl.name if item.checked == "execution" and is_timed(decl) else None)
            r = boolean(cx, item.expr, scope)
            if r is not None:
                rule = m.Rule(r, cx.text(item.expr.span), item.span, item.cite)
                # an untimed procedure takes effect as it passes: every requirement is checked then
                if item.checked != "approval" and is_timed(decl):
                    execution_guards.append(rule)
                if item.checked != "execution" or not is_timed(decl):
                    guards.append(rule)
        elif item.kind == "effect":
            effects.extend(clause_effects(cx, item, decl))
        elif item.kind == "timelock":
            if decl.is_event:
                cx.error("GOV313", "an event happens at once; a timelock belongs in a procedure", item.span)
            elif timelock is not None:
                cx.error("GOV305", "'timelock' is given twice", item.span)
            timelock = item.days
            timelock_rule = m.Rule(m.BoolConst(True), f"timelock {_days(item.days)}", item.span, item.cite)
        elif item.kind == "called":
            if decl.is_event:
                cx.error("GOV313", "an event happens without a meeting, so nobody calls one", item.span)
            elif called is not None:
                cx.error("GOV305", "'called by' is given twice", item.span, f"first given at {called.span}")
            else:
                called = item
        elif item.kind == "live":
            if live is not None:
                cx.error("GOV305", "'at most K live proposals' is given twice", item.span, f"first given at {live.span}")
            else:
                live = item
        elif item.kind == "expires":
            if grace is not None:
                cx.error("GOV305", "'expires after' is given twice", item.span)
            elif item.days < 1:
                cx.error("GOV316", "a decision expires at least one day after it may take effect", item.span)
            grace = item
        elif item.kind in ("voting_delay", "voting_period", "threshold", "counted"):
            if decl.is_event:
                cx.error("GOV313", "an event happens at once, without a proposal or a vote", item.span)
            elif item.kind in lifecycle:
                cx.error("GOV305", f"'{LIFECYCLE_WORDS[item.kind]}' is given twice", item.span,
                         f"first given at {lifecycle[item.kind].span}")
            else:
                lifecycle[item.kind] = item
    windowed = [s for s in stages_raw if s[0].window is not None]
    for header, clauses in windowed:
        if header.kind != "vetoed":
            cx.error("GOV316", "only a veto has a window ('vetoed by BODY ... within N days')", header.span)
        elif header.mode == "meeting" and "notice" in clauses and clauses["notice"].notice == "none":
            cx.error("GOV316", "a veto window is open to every member: its meeting needs 'notice all'",
                     clauses["notice"].span)
        elif header.mode == "meeting" and "notice" in clauses and clauses["notice"].days is not None:
            # (it was dropped without a word: the outsiders met to veto on the day of the approval)
            cx.error("GOV316", "a veto meeting in a window takes no notice period: the window is open to every "
                               "member on each of its days", clauses["notice"].span,
                     "write 'notice all', and a window that allows for the notice ('within N days')")
        elif header.window < 1:
            cx.error("GOV316", "a veto window lasts at least one day", header.span)
    if len(windowed) > 1:
        cx.error("GOV316", "a procedure has at most one veto window", windowed[1][0].span)
    window_stage = None
    if windowed and windowed[0][0].kind == "vetoed":
        window_stage = _stage(cx, decl, 0, windowed[0][0], windowed[0][1], misplaced)
        if window_stage is None:
            return None
    stages_raw = [s for s in stages_raw if s[0].window is None or s[0].kind != "vetoed"]
    decided = [s for s in stages_raw if s[0].kind == "decided"]
    if not decl.is_event and len(decided) != 1:
        cx.error("GOV303", f"procedure '{decl.name}' needs exactly one 'decided by' line, found {len(decided)}",
                 decided[1][0].span if len(decided) > 1 else cx.name_span(decl.span, decl.name))
        return None
    ordered = decided + [s for s in stages_raw if s[0].kind != "decided"]
    stages = []
    for index, (header, clauses) in enumerate(ordered):
        stage = _stage(cx, decl, index, header, clauses, misplaced)
        if stage is not None:
            stages.append(stage)
    if len(stages) != len(ordered):
        return None
    notice_days = [c["notice"] for _, c in ordered if "notice" in c and c["notice"].days is not None]
    life = _lifecycle(cx, decl, lifecycle, notice_days)
    if life is not None and notice_days and "voting_delay" not in lifecycle and all(
            s.waivable for s in stages if s.notice_days is not None):
        life = replace(life, waivable=True)
        if life.snapshot_days:  # (issue 19.2) held on short notice, the vote could come before its snapshot
            ways = " or ".join(dict.fromkeys(w for s in stages if s.notice_days is not None for w, on in (
                ("attendance", s.waiver), ("a written waiver", s.written_waiver)) if on is not None))
            cx.error("GOV317", f"a snapshot after the proposal needs a vote that cannot come before it: {ways} "
                     "may waive this meeting's notice", lifecycle["counted"].span,
                     f"write 'counted at snapshot', or a 'voting delay' that {ways} does not waive")
    if grace is not None and not (timelock or window_stage):
        cx.error("GOV316", "only a decision that waits (a timelock or a veto window) can expire", grace.span)
    calling = _calling(cx, called, stages[0]) if called is not None and stages else None
    if called is not None and stages and calling is None:
        return None
    if live is not None and not _live_ok(cx, decl, live, life is not None or bool(timelock or window_stage)):
        return None
    return m.Procedure(decl.name, tuple(formals), tuple(stages), tuple(recusals), tuple(guards), tuple(effects),
                       decl.span, decl.cite, decl.is_event, timelock or 0, window_stage, timelock_rule, life,
                       grace.days if grace is not None else None, execution_guards=tuple(execution_guards),
                       calling=calling, live=live.days if live is not None else 1)


MOST_LIVE = 4  # the explicit engine enumerates every order of K proposals: keep K small


def _live_ok(cx: Context, decl, clause: ast.Clause, waits: bool) -> bool:
    """'at most K live proposals' (issue 13.6): 1 <= K <= MOST_LIVE, on a procedure that is proposed
    first or whose decisions wait (a proposal step, a timelock or a veto window); else GOV351."""
    if decl.is_event:
        cx.error("GOV351", "an event happens at once: it has no proposals", clause.span)
    elif not waits:
        cx.error("GOV351", f"'{decl.name}' passes in the step of its vote: it has no proposals or waiting decisions "
                 "to keep several of", clause.span,
                 "give it a proposal step ('voting delay', 'voting period', ...) or a 'timelock'")
    elif not 1 <= clause.days <= MOST_LIVE:
        cx.error("GOV351", f"at most {clause.days} live proposals: write a number from 1 to {MOST_LIVE}", clause.span)
    else:
        return True
    return False



def _calling(cx: Context, clause: ast.Clause, decided: m.Stage) -> m.Calling | None:
    """"called by chair or 2 members": the holder of an office, or K members of the deciding body (GOV330)."""
    offices, members, ok = [], None, True
    if decided.mode != "meeting":
        cx.error("GOV330", "only a meeting is called; written consent goes to every member", clause.span)
        return None
    seats = cx.bodies[decided.body].seats if decided.body in cx.bodies else None
    for kind, value, span in clause.callers:
        if kind == "office":
            if value not in cx.offices:
                cx.unknown("GOV106", "office", value, span, cx.offices)
                ok = False
            elif value in offices:
                cx.error("GOV330", f"'{value}' is named twice in 'called by'", span)
                ok = False
            offices.append(value)
        elif members is not None:
            cx.error("GOV330", "'called by' names a number of members once", span)
            ok = False
        elif value < 1:
            cx.error("GOV330", "a meeting is called by at least one member", span)
            ok = False
        elif seats is not None and value > seats:
            cx.error("GOV330", f"{value} members cannot call a meeting of '{decided.body}': it has {seats} seats", span,
                     "write a number of members no larger than the seats")
            ok = False
        else:
            members = value
    if not ok:
        return None
    text = " or ".join([*offices, *([f"{members} member{'s' if members != 1 else ''}"] if members else [])])
    return m.Calling(tuple(offices), members, m.Rule(m.BoolConst(True), f"called by {text}", clause.span, clause.cite))


def _lifecycle(cx: Context, decl, clauses: dict[str, ast.Clause], notice_days: list[ast.Clause]) -> m.Lifecycle | None:
    """The proposal lifecycle of a procedure (see :class:`govspec.model.Lifecycle`), if it has one.

    A notice period ("notice all 5 days") is the same thing for a meeting: it is called (the
    proposal step) at least that many days before it is held.
    """
    if not clauses and not notice_days:
        return None
    for c in ("voting_delay", "voting_period"):
        if c in clauses and clauses[c].days < (1 if c == "voting_period" else 0):
            cx.error("GOV317", "a voting period lasts at least one day", clauses[c].span)
    for c in notice_days:
        if c.days < 1:
            cx.error("GOV317", "a notice period lasts at least one day", c.span)
    delay = max([clauses["voting_delay"].days if "voting_delay" in clauses else 0, *[c.days for c in notice_days]])
    period = clauses["voting_period"].days if "voting_period" in clauses else None
    threshold = None
    if "threshold" in clauses:
        threshold = token_amount(cx, clauses["threshold"].expr, Scope(procedure=decl))
    snapshot = "counted" in clauses and clauses["counted"].counting == "snapshot"
    snapshot_days = _snapshot_days(cx, clauses["counted"], delay) if snapshot else 0
    # cited at its first clause in the procedure's own file (an amended clause is cited on its own)
    first = min([*clauses.values(), *notice_days], key=lambda c: (c.span.path != decl.span.path, c.span.line, c.span.column))
    parts = [f"proposed {_days(delay)} ahead" if delay else "proposed first"]
    hours = [c.hours for c in notice_days if c.hours is not None and c.days == delay and "voting_delay" not in clauses]
    if hours:  # (a notice in hours: say how it counts in the model's whole days)
        whole = f", so {_days(delay)} in whole days" if delay * 24 != hours[0] else f" ({_days(delay)})"
        parts[0] = f"meeting called {hours[0]} hours ahead{whole}"
    if period is not None:
        parts.append(f"voting period {_days(period)}")
    if threshold is not None:
        above = "above " if clauses["threshold"].strict else ""
        parts.append(f"proposal threshold {above}{cx.text(clauses['threshold'].expr.span)}")
    if "counted" in clauses:  # (only where written: "counted live" said of a board without tokens misled the trial)
        parts.append(("counted at the snapshot" + (f" {_days(snapshot_days)} after the proposal" if snapshot_days else ""))
                     if snapshot else "counted live")
    rule = m.Rule(m.BoolConst(True), ", ".join(parts), first.span, first.cite)
    return m.Lifecycle(delay, period, threshold, snapshot, rule,
                       threshold_strict=threshold is not None and clauses["threshold"].strict,
                       snapshot_days=snapshot_days)


def _snapshot_days(cx: Context, clause: ast.Clause, delay: int) -> int:
    """N of "counted at snapshot N days after the proposal" (0 for "counted at snapshot"), checked:
    the snapshot is taken by the time the vote may open, so N is from 1 to the voting delay (GOV317)."""
    if clause.days is None:
        return 0
    days = clause.days
    if days < 1:
        cx.error("GOV317", "a snapshot after the proposal is taken at least one day after it", clause.span,
                 "write 'counted at snapshot' for the voting power at the proposal step")
    elif days > delay:
        cx.error("GOV317", f"the snapshot {_days(days)} after the proposal would come after the vote may open "
                 f"({'no voting delay' if delay == 0 else 'voting delay ' + _days(delay)})", clause.span,
                 f"declare 'voting delay {_days(days)}' or more: votes are counted at a snapshot taken before the vote")
    return days


def _stage(cx: Context, decl, index, header: ast.StageHeader, clauses, misplaced=frozenset()) -> m.Stage | None:
    body = header.body if header.body in cx.bodies else None
    if body is None:
        return None
    notice = "all"
    if "notice" in clauses:
        if header.mode == "consent":
            cx.error("GOV307", "notice applies to meetings; written consent goes to every member", clauses["notice"].span)
        notice = clauses["notice"].notice
    quorum = passes = None
    if "quorum" in clauses:
        c = clauses["quorum"]
        scope = Scope(procedure=decl, stage=index, stage_body=body, clause="quorum")
        quorum = _rule(cx, c, scope, subject="present")
    if "passes" in clauses:
        c = clauses["passes"]
        scope = Scope(procedure=decl, stage=index, stage_body=body, clause="passes")
        passes = _rule(cx, c, scope, subject="yes")
    elif header.mode == "consent":
        yes, eligible = m.Count(m.StepSet("yes", index)), m.Count(m.StepSet("eligible", index))
        passes = m.Rule(m.And((m.Compare("==", yes, eligible), m.Compare(">=", yes, m.Num(Fraction(1))))),
                        "unanimous written consent", header.span, header.cite)
    else:
        if "passes" in misplaced:  # its 'passes when' came before the stage line: already reported
            return None
        cx.error("GOV306", f"this meeting needs a 'passes when' rule (e.g. 'passes when yes > half of cast')", header.span)
        return None
    if passes is None or ("quorum" in clauses and quorum is None):
        return None
    waiver = _waiver(cx, header, clauses, notice)
    written_waiver = _waiver(cx, header, clauses, notice, "written_waiver")
    notice_days = clauses["notice"].days if "notice" in clauses else None
    chair, casting = _chair(cx, header, clauses)
    if casting is not None and chair is not None:
        passes = replace(passes, expr=casting_rule(chair, index, passes.expr))
    return m.Stage(header.kind, body, header.mode, notice, quorum, passes, header.span, header.cite, header.window,
                   waiver=waiver, notice_days=notice_days, chair=chair, casting=casting,
                   written_waiver=written_waiver)


def _chair(cx: Context, header: ast.StageHeader, clauses) -> tuple[str | None, m.Rule | None]:
    """"chaired by OFFICE" and "casting vote": an office's holder chairs a meeting (GOV106, GOV330)."""
    chaired, casting = clauses.get("chaired"), clauses.get("casting")
    chair = None
    if chaired is not None:
        if header.mode != "meeting":
            cx.error("GOV330", "only a meeting has a chair; written consent is signed, not chaired", chaired.span)
        elif chaired.recused not in cx.offices:
            cx.unknown("GOV106", "office", chaired.recused, chaired.recused_span, cx.offices)
        else:
            chair = chaired.recused
    if casting is None:
        return chair, None
    if chaired is None:
        cx.error("GOV330", "a casting vote is the chair's: name the chair of the meeting ('chaired by OFFICE')",
                 casting.span)
        return chair, None
    return chair, m.Rule(m.BoolConst(True), f"chaired by {chaired.recused}, with a casting vote", casting.span, casting.cite)


def casting_rule(office: str, index: int, passes):
    """The passing rule with the chair's casting vote (docs/semantics.md "The chair's casting vote"):
    on a tie of yes and no (heads) at which the chair voted, the chair's side carries; otherwise
    the rule as written."""
    def step(kind):
        return m.StepSet(kind, index)
    tie = m.And((m.Compare("==", m.Count(step("yes")), m.Count(step("no"))), m.InSet(m.Holder(office), step("cast"))))
    return m.Or((m.And((tie, m.InSet(m.Holder(office), step("yes")))), m.And((m.NotE(tie), passes))))


# the two waivers of a meeting's notice: (GOV330 in written consent, GOV330 after 'notice none')
WAIVERS = {"waiver": ("attendance waives the notice of a meeting", "there is none to waive"),
           "written_waiver": ("a waiver of notice is of a meeting's notice", "there is none to waive in writing")}


def _waiver(cx: Context, header: ast.StageHeader, clauses, notice: str, kind: str = "waiver") -> m.Rule | None:
    """"attendance waives notice" (``kind`` "waiver") or "notice may be waived in writing"
    ("written_waiver"): only where notice to every member is required, at a meeting (GOV330)."""
    clause = clauses.get(kind)
    if clause is None:
        return None
    in_consent, after_none = WAIVERS[kind]
    if header.mode == "consent":
        cx.error("GOV330", f"{in_consent}; written consent goes to every member", clause.span)
    elif notice != "all":
        cx.error("GOV330", f"with 'notice none' no notice is required, so {after_none}", clause.span,
                 "write 'notice all' (or a notice period) for a meeting that every member must be told of")
    return m.Rule(m.BoolConst(True), STAGE_CLAUSE_WORDS[kind], clause.span, clause.cite)


def _rule(cx: Context, clause: ast.Clause, scope: Scope, subject: str) -> m.Rule | None:
    r = expr(cx, clause.expr, scope)
    if r is None:
        return None
    kind, ir = r
    if kind == "set":
        kind, ir = "num", m.Count(ir)
    if kind == "num":  # "quorum 3", "passes when 2/3 of members": the subject reaches the amount
        ir = m.Compare(">=", m.Count(m.StepSet(subject, scope.stage), weighted=weighted(ir)), ir)
    elif kind != "bool":
        cx.error("GOV200", f"a {clause.kind} rule must be a condition or an amount, found {kind_word(kind)}", clause.expr.span)
        return None
    return m.Rule(ir, cx.text(clause.expr.span), clause.span, clause.cite)


def recusal_people(cx: Context, e: ast.Expr) -> frozenset[str] | None:
    """The people of a recusal by a set (issue 13): a set the declarations fix (tags, principals,
    people, groups, everyone), never one that a step changes (a body's members, an office's holder,
    a vote)."""
    r = expr(cx, e, Scope(where="in a stage's quorum or 'passes when' rule"))
    if r is None:
        return None
    if r[0] not in ("set", "person"):
        cx.error("GOV230", f"a recusal needs a set of people, found {kind_word(r[0])}", e.span)
        return None
    ir = as_set(r)
    changing = next((x for x in m.walk(ir) if isinstance(x, (m.Members, m.Holder, m.StepSet))), None)
    if changing is not None:
        cx.error("GOV308", "a recusal by a set names people the declarations fix: tags ('tagged T'), principals "
                 "('held for P'), people and groups; not a body's members or an office's holder, which "
                 "change", e.span)
        return None
    return frozenset(static_people(cx, ir))


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"
