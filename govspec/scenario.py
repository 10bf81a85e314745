"""Turn a replayed behaviour (reference-semantics steps) into report trace steps.

Assumes the steps were already replayed successfully.  Guarantees: each :class:`TraceStep` names
the procedure, arguments, each stage's notified/present/votes, only the state that changed, the
rule lines (with their citations) that allowed the step, and the numbers its rules compared
(:class:`govspec.report.Arithmetic`), evaluated on the reference semantics (issue 16.2).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from fractions import Fraction

from . import model as m
from . import semantics as sem
from .report import Arithmetic, Comparison, RuleRef, StageRecord, StateSnapshot, TraceStep
from .safe import people_words
from .wording import _Words


def natural_key(name: str):
    """Sort 'staff[2]' before 'staff[10]'."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _names(people) -> tuple[str, ...]:
    return tuple(sorted(people, key=natural_key))


def state_changes(before: sem.State, after: sem.State,
                  spelled: tuple[dict[str, str], dict[str, str]] = ({}, {}),
                  numbers: dict[Fraction, str] | None = None) -> tuple[str, ...]:
    """What changed, in words; ``spelled`` gives parameter values as the spec wrote them, before and
    after (:func:`written_params`), so ``4/100`` is not shown as ``1/25``; ``numbers`` token amounts
    as written (:func:`written_numbers`)."""
    changes = []
    for (body, old), (_, new) in zip(before.members, after.members):
        for p in sorted(old - new):
            changes.append(f"{p} leaves {body}")
        for p in sorted(new - old):
            changes.append(f"{p} joins {body}")
    for (office, old), (_, new) in zip(before.offices, after.offices):
        if old != new:
            changes.append(f"{office}: {old or 'vacant'} -> {new or 'vacant'}")
    for (param, old), (_, new) in zip(before.params, after.params):
        if old != new:
            changes.append(f"{param}: {spelled[0].get(param, old)} -> {spelled[1].get(param, new)}")
    if before.now != after.now:
        changes.append(f"day {before.now} -> day {after.now}")
    # (entries compared as multisets: a procedure with several live proposals has several, issue 13.6)
    added, gone = _entries(after.pending, before.pending), _entries(before.pending, after.pending)
    for entry in added:
        name, tally = entry[0], entry[4]  # (issue 13.6: the tally is kept only when a rule reads it)
        kept = " (its vote kept: " + ", ".join(f"{name}.{f} = {v}" for f, v in zip(m.TALLIES, tally)) + ")" if tally else ""
        changes.append(f"'{name}' approved on day {entry[2]}, waiting to take effect{kept}")
    for name in sorted({e[0] for e in gone} - {e[0] for e in added}):
        changes.append(f"'{name}' no longer waiting" if not after.pendings_of(name) else
                       f"a decision of '{name}' approved on day {next(e[2] for e in gone if e[0] == name)} no longer waiting")
    old_held, new_held = dict(before.balances), dict(after.balances)
    for person in sorted(new_held, key=natural_key):
        if old_held.get(person) != new_held[person]:
            old = old_held.get(person)
            changes.append(f"{person} holds {old if old is None else tokens(old, numbers)} -> "
                           f"{tokens(new_held[person], numbers)} tokens")
    old_del, new_del = dict(before.delegates), dict(after.delegates)
    for person in sorted(set(old_del) | set(new_del), key=natural_key):
        if old_del.get(person) != new_del.get(person):
            changes.append(f"{person} delegates to {new_del.get(person, person)}")
    added, gone = _entries(after.proposals, before.proposals), _entries(before.proposals, after.proposals)
    retaken = {e[:4] for e in added} & {e[:4] for e in gone}  # (time passes before a snapshot N days after the proposal)
    for entry in sorted(retaken, key=lambda e: (e[0], e[2])):
        changes.append(f"the snapshot of '{entry[0]}' (proposed on day {entry[2]}) counts the voting power as it stands now")
    added, gone = [e for e in added if e[:4] not in retaken], [e for e in gone if e[:4] not in retaken]
    for name in sorted({e[0] for e in added} | {e[0] for e in gone}):
        made = [e for e in added if e[0] == name]
        for entry in made:
            changes.append(f"'{name}' proposed by {entry[3]} on day {entry[2]}")
        if not made:
            changes.append(f"the proposal of '{name}' is used up or withdrawn" if not after.proposals_of(name) else
                           f"the proposal of '{name}' made on day {next(e[2] for e in gone if e[0] == name)} "
                           "is used up or withdrawn")
    return tuple(changes)


def written_params(model: m.Model, step: sem.Step | None, before: sem.State, after: sem.State,
                   spelled: dict[str, str]) -> dict[str, str]:
    """The parameters' values as the spec wrote them once ``step`` is done (``step`` None: in the
    initial state): a value from the declaration or from a constant effect keeps its text ('4/100');
    a value computed from an expression has none, and is shown reduced (issue 16.5)."""
    if step is None:
        return {n: p.written for n, p in model.params.items() if p.written is not None}
    proc = model.procedures.get(step.procedure)
    effects = proc.effects if proc is not None else ()
    out = dict(spelled)
    for (param, old), (_, new) in zip(before.params, after.params):
        if old != new:
            out.pop(param, None)
            text = next((e.written for e in effects if e.kind == "set" and e.target == param and e.value == new
                         and e.written is not None), None)
            if text is not None:
                out[param] = text
    return out


def written_numbers(model: m.Model) -> dict[Fraction, str]:
    """Token amounts as the spec wrote them (issue 16.5): each declared weight, the flash loan and
    each constant amount of a token effect, by value (the first text written for a value)."""
    found = [(p.weight, p.written) for p in model.people]
    found.append((model.flash_loan, model.flash_written))
    found += [(e.amount.value, e.amount.written) for proc in model.procedures.values() for e in proc.effects
              if isinstance(e.amount, m.Num)]
    out: dict[Fraction, str] = {}
    for value, text in found:
        if text is not None:
            out.setdefault(value, text)
    return out


def tokens(value: Fraction, numbers: dict[Fraction, str] | None) -> str:
    """A number of tokens as the spec wrote it where it did, else :func:`figure` (a balance computed
    by the scenario: ``1.5``, ``1/3``)."""
    return (numbers or {}).get(value) or figure(value)


def _entries(these: tuple, but_not: tuple) -> list:
    """The entries of ``these`` that ``but_not`` lacks, counted with their repetitions, sorted."""
    left = Counter(these) - Counter(but_not)
    return sorted(left.elements())


def snapshot(state: sem.State) -> StateSnapshot:
    return StateSnapshot(tuple((body, _names(people)) for body, people in state.members), state.offices,
                         state.params, state.now, tuple(p[0] for p in state.pending), state.balances,
                         tuple(p[0] for p in state.proposals))


def rule_ref(model: m.Model, text: str, span, cite) -> RuleRef:
    """A rule as reports cite it: its line, and its file when imported; an amending clause is
    marked with the imported line it replaces, removes or adds to (:class:`govspec.model.Amendment`)."""
    a = model.amendments.get(span)
    marks = {} if a is None else {"change": a.change, "amends_line": a.replaced.line,
                                  "amends_path": None if a.replaced.path == model.path else a.replaced.path}
    return RuleRef(text, span.line, cite, None if span.path == model.path else span.path, **marks)


LIFECYCLE_KINDS = ("voting_delay", "voting_period", "threshold", "counted", "expires")


def _casting(stage: m.Stage, state, choice) -> str | None:
    """The chair, if their casting vote decided a tie at this stage (docs/semantics.md)."""
    chair = state.holder(stage.chair) if stage.casting is not None else None
    if chair is not None and len(choice.yes) == len(choice.no) and chair in choice.yes | choice.no:
        return chair
    return None


def _called_ref(ref, proc: m.Procedure, state, coalition, proposer=None):
    """The calling rule, with who called the meeting (:func:`govspec.semantics.callers`)."""
    who = sem.callers(proc, state, coalition, proposer) or ()
    holders = {o: state.holder(o) for o in proc.calling.offices}
    office = next((o for o, h in holders.items() if (h,) == who), None)
    named = f"{who[0]}, as {office}" if office else _people_words(who)
    rule = proc.calling.rule
    return ref(f"{rule.text} (here: {named})", rule.span, rule.cite)


def _people_words(names) -> str:
    return people_words(names)


def describe(model: m.Model, steps: list[sem.Step], coalition: frozenset[str] | None = None) -> tuple[TraceStep, ...]:
    state = sem.initial_state(model)
    out = []
    spelled = written_params(model, None, state, state, {})
    called: dict = {}  # (procedure, args) -> who called its meeting, for the meeting itself
    numbers = written_numbers(model)

    def ref(text: str, span, cite) -> RuleRef:
        return rule_ref(model, text, span, cite)

    def folded(proc, kinds, stage=None) -> list[RuleRef]:
        """Amending clauses a rule of the step folds into its own words (a notice into its stage's
        line, a voting period into the lifecycle, a dropped effect into nothing): cited on their own."""
        cited = proc.lifecycle.rule.span if proc.lifecycle is not None else None  # (cited there already)
        return [ref(a.text, a.span, a.cite) for a in model.amendments.values() if a.procedure == proc.name
                and a.kind in kinds and (stage is None or a.stage == stage.span) and a.span != cited]

    for index, step in enumerate(steps, start=1):
        after = sem.apply(model, state, step)
        spelled_before = spelled
        now_spelled = written_params(model, step, state, after, spelled)
        changes = state_changes(state, after, (spelled, now_spelled), numbers)
        spelled = now_spelled
        if step.procedure == sem.WAIT:
            out.append(TraceStep(index, "event", sem.WAIT, (("days", str(step.days)),), (),
                                 changes, (), 1, None, phase="wait"))
            state = after
            continue
        proc = model.procedures[step.procedure]
        if step.phase == "execute":
            rules = [ref(proc.timelock_rule.text, proc.timelock_rule.span, proc.timelock_rule.cite)] if proc.timelock_rule else []
            if proc.window_stage is not None:
                days = proc.window_stage.window
                rules.append(ref(f"veto window of {days} day{'s' if days != 1 else ''} closed", proc.window_stage.span,
                                 proc.window_stage.cite))
            rules += [ref(f"at execution require {g.text}", g.span, g.cite) for g in proc.execution_guards]
            rules += [ref(f"effect {e.text}", e.span, e.cite) for e in _effect_clauses(proc)] + folded(proc, ("drop",))
            out.append(TraceStep(index, "procedure", f"{proc.name} takes effect", _shown(step.args), (),
                                 changes, tuple(rules), proc.span.line, proc.cite,
                                 None if proc.span.path == model.path else proc.span.path, phase="execute",
                                 arithmetic=execute_arithmetic(proc, state, step)))
            state = after
            continue
        if step.phase in ("propose", "cancel"):
            life = proc.lifecycle
            rules = [ref(life.rule.text, life.rule.span, life.rule.cite), *folded(proc, LIFECYCLE_KINDS)]
            if step.phase == "propose" and proc.calling is not None:
                rules.append(_called_ref(ref, proc, state, coalition, step.proposer))
            if step.phase == "propose":  # (a meeting that someone calls is called, not proposed: the trial's finding)
                name = f"{proc.name} {'meeting called' if proc.calling is not None else 'proposed'} by {step.proposer}"
            else:
                name = f"{proc.name} proposal cancelled"
            who = (sem.callers(proc, state, coalition, step.proposer) or () if proc.calling is not None
                   else (step.proposer,)) if step.phase == "propose" else ()
            if proc.calling is not None and who:
                called[(proc.name, _shown(step.args))] = who  # (the meeting, held later, names them too)
            out.append(TraceStep(index, "procedure", name, _shown(step.args), (), _loan(model, step) + changes,
                                 tuple(rules), proc.span.line, proc.cite,
                                 None if proc.span.path == model.path else proc.span.path, phase=step.phase,
                                 callers=_names(who),
                                 arithmetic=propose_arithmetic(model, proc, state, step, spelled_before)))
            state = after
            continue
        args = dict(step.args)
        records = []
        rules: list[RuleRef] = []
        stages = (proc.window_stage,) if step.phase == "veto" else proc.stages
        env = sem.step_env(model, state, step)  # (the sets and voting power the step was judged with)
        for stage, choice in zip(stages, step.stages):
            sets = sem.stage_sets(proc, stage, state, args, choice)
            records.append(StageRecord(
                stage.body, stage.kind, stage.mode, _names(choice.notified), _names(choice.attended),
                _names(choice.yes), _names(choice.no), _names(choice.abstain), _names(sets["recused"]),
                outsiders_free=coalition is not None, objected=_names(choice.objected),
                casting=_casting(stage, state, choice),
                arithmetic=stage_arithmetic(model, env, stage, spelled_before),
                signed_waiver=_names(choice.signed_waiver),
            ))
            mode = "at meeting" if stage.mode == "meeting" else "by written consent"
            amended_notice = folded(proc, ("notice",), stage)  # (then cited on its own, not as the stage line's)
            notice = f", notice {stage.notice}" if stage.mode == "meeting" and not amended_notice else ""
            rules.append(ref(f"{stage.kind} by {stage.body} {mode}{notice}", stage.span, stage.cite))
            rules += amended_notice
            if stage.waiver is not None:
                rules.append(ref(stage.waiver.text, stage.waiver.span, stage.waiver.cite))
            if stage.written_waiver is not None:
                rules.append(ref(stage.written_waiver.text, stage.written_waiver.span, stage.written_waiver.cite))
            if stage.casting is not None:
                rules.append(ref(stage.casting.text, stage.casting.span, stage.casting.cite))
            if stage.quorum is not None:
                rules.append(ref(f"quorum {stage.quorum.text}", stage.quorum.span, stage.quorum.cite))
            default_consent = stage.mode == "consent" and stage.passes.text == "unanimous written consent"
            rules.append(ref(stage.passes.text if default_consent else f"passes when {stage.passes.text}",
                             stage.passes.span, stage.passes.cite))
        if step.phase == "pass" and proc.lifecycle is None and proc.calling is not None:
            rules.append(_called_ref(ref, proc, state, coalition))
        for r in proc.recusals:
            what = " and ".join(w for w, on in (("vote", r.from_vote), ("quorum", r.from_quorum)) if on)
            rules.append(ref(f"recuse {r.formal} from {what}", r.span, r.cite))
        if step.phase == "pass":
            rules += [ref(f"require {g.text}", g.span, g.cite) for g in proc.guards]
            rules += [ref(f"effect {e.text}", e.span, e.cite) for e in _effect_clauses(proc) if not proc.timed]
            rules += folded(proc, ("drop",)) if not proc.timed else []
        if proc.timelock_rule and step.phase == "pass":
            rules.append(ref(proc.timelock_rule.text, proc.timelock_rule.span, proc.timelock_rule.cite))
        if proc.lifecycle is not None and step.phase == "pass":
            rules.append(ref(proc.lifecycle.rule.text, proc.lifecycle.rule.span, proc.lifecycle.rule.cite))
            rules += folded(proc, LIFECYCLE_KINDS)
        name = f"{proc.name} vetoed" if step.phase == "veto" else proc.name
        who = ()
        if step.phase == "pass" and proc.calling is not None:
            who = called.get((proc.name, _shown(step.args)), ()) if proc.lifecycle is not None else (
                sem.callers(proc, state, coalition) or ())
        out.append(TraceStep(index, "event" if proc.is_event else "procedure", name, _shown(step.args), tuple(records),
                             _loan(model, step) + changes, tuple(rules), proc.span.line, proc.cite,
                             None if proc.span.path == model.path else proc.span.path, phase=step.phase,
                             callers=_names(who),
                             arithmetic=vote_arithmetic(proc, state, step) if step.phase == "pass" else ()))
        state = after
    return tuple(_with_states(model, steps, out))


def _with_states(model: m.Model, steps: list[sem.Step], described: list[TraceStep]):
    """Attach the whole state before and after each step (replayed again: cheap, and keeps
    :func:`describe` about words only)."""
    state = sem.initial_state(model)
    for step, record in zip(steps, described):
        after = sem.apply(model, state, step)
        yield replace(record, before=snapshot(state), after=snapshot(after), held=held(model, after))
        state = after


def held(model: m.Model, state: sem.State) -> tuple[tuple[str, str], ...]:
    """The waiting decisions whose delay is over but which cannot take effect in ``state`` because a
    requirement checked at execution fails (they keep waiting; docs/semantics.md section 10)."""
    out = []
    for name, args, at, _, _ in state.pending:
        proc = model.procedures[name]
        if not proc.execution_guards or state.now < at + proc.delay or not proc.waiting((args, at), state.now):
            continue
        env = sem.Env(model, state, dict(args))
        failing = [g for g in proc.execution_guards if not sem.eval_bool(g.expr, env)]
        if failing:
            shown = ", ".join(f"{k} = {v}" for k, v in args)
            out.append((name + (f"({shown})" if shown else ""),
                        " and ".join(f"at execution require {g.text} (line {g.span.line})" for g in failing)))
    return tuple(out)


def _loan(model: m.Model, step: sem.Step) -> tuple[str, ...]:
    if step.loan is None:
        return ()
    amount = model.flash_written or figure(model.flash_loan)  # (as written, issue 16.5)
    return (f"{step.loan} borrows {amount} tokens (flash loan), votes with them and repays them in this step",)


def _effect_clauses(proc):
    """One effect per clause: the two branches of 'effect if C then E else F' are one rule."""
    return list({e.span: e for e in proc.effects}.values())


def _shown(args) -> tuple[tuple[str, str], ...]:
    """A step's arguments as words: a person's name, a whole number's digits (``t = 2``)."""
    return tuple((k, str(v)) for k, v in args)


# ---------------------------------------------------------------- the arithmetic shown (issue 16.2)
# A step's numbers are re-evaluated here on the reference semantics (the replay), with the same
# sets and voting power the step was judged with (:func:`govspec.semantics.step_env`): never taken
# from an engine's model, never made up.

_OP_WORDS = {">=": "at least", ">": "more than", "<=": "at most", "<": "less than", "==": "equal to", "!=": "other than"}
_NOT_OP = {">=": "less than", ">": "not more than", "<=": "more than", "<": "not less than", "==": "not equal to",
           "!=": "equal to"}
_COUNTED = {"notified": ("notified", "notified"), "present": ("present", "present"), "yes": ("yes vote", "yes votes"),
            "no": ("no vote", "no votes"), "abstain": ("abstention", "abstentions"), "cast": ("vote cast", "votes cast"),
            "eligible": ("eligible to vote", "eligible to vote"), "recused": ("recused", "recused")}
_SIGNED = ("signature", "signatures")


def figure(value: Fraction) -> str:
    """An exact number as a board reads it: ``3``, ``2.5``, ``5/3`` (a decimal where one ends)."""
    if value.denominator == 1:
        return str(value.numerator)
    d = value.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    if d == 1:
        return format(value.numerator / value.denominator, "f").rstrip("0").rstrip(".") \
            if len(str(value.denominator)) <= 6 else f"{value.numerator}/{value.denominator}"
    return f"{value.numerator}/{value.denominator}"


class _Quantities:
    """A number of a rule, in words with its value: '3 present', 'half of 5 members (2.5)'."""

    def __init__(self, model: m.Model, env: sem.Env, body: str, consent: bool, spelled: dict[str, str]):
        self.model, self.env, self.body, self.consent, self.spelled = model, env, body, consent, spelled
        self.numbers = written_numbers(model)

    def value(self, e) -> Fraction:
        return sem.eval_num(e, self.env)

    def words(self, e, top: bool = True) -> str:
        v = self.value(e)
        match e:
            case m.Num(written=text):
                return text or (figure(v) if v != Fraction(1, 2) or top else "half")
            case m.ParamRef(name=n):
                return f"{n} ({self.spelled.get(n, figure(v))})"
            case m.NumArg(name=n):
                return f"{n} = {figure(v)}"
            case m.Seats(body=b):
                return f"{figure(v)} seat{'' if v == 1 else 's'}" + ("" if b == self.body else f" of {b}")
            case m.Supply():
                return f"a supply of {tokens(v, self.numbers)} tokens"
            case m.Now():
                return f"day {figure(v)}"
            case m.ApprovedAt(procedure=p):
                return f"the day {p} was approved ({figure(v)})"
            case m.ProposedAt(procedure=p):
                return f"the day {p} was proposed ({figure(v)})"
            case m.Tally(procedure=p, field=f):
                return f"{p}.{f} ({figure(v)})"
            case m.Count(set=s, weighted=weighted):
                what = self._set(s, v)
                the = "" if top else "the "
                return f"{the}{what} weighing {tokens(v, self.numbers)}" if weighted else f"{the}{figure(v)} {what}"
            case m.Arith(op="*", left=m.Num() | m.ParamRef() as k, right=x):
                text = f"{self.words(k, top=False)} of {self.words(x, top=False)}"
            case m.Arith(op=op, left=a, right=b):
                text = f"{self.words(a, top=False)} {dict(zip('+-*', ('plus', 'minus', 'times')))[op]} {self.words(b, top=False)}"
            case _:
                return figure(v)
        return f"{text} ({figure(v)})" if top else text

    def _set(self, s, v: Fraction) -> str:
        one = v == 1
        match s:
            case m.StepSet(kind=k):
                forms = _SIGNED if self.consent and k in ("yes", "present") else _COUNTED[k]
                return forms[0] if one else forms[1]
            case m.Members(body=b):
                return ("member" if one else "members") + ("" if b == self.body else f" of {b}")
        words = in_words_set(self.model, s).removeprefix("the ")
        return f"member{words[7:]}" if one and words.startswith("members") else words


def in_words_set(model: m.Model, s) -> str:
    return _Words(model).set(s)  # (the property wording's names for sets: one vocabulary)


def _decisive(e, env: sem.Env):
    """The comparisons that decided a condition, in order: all of a conjunction that holds, its
    first failing part when it fails; the first part that holds of a disjunction, all of its
    parts when none does (a rule with cases shows the case that applied, not every case)."""
    match e:
        case m.Compare():
            yield e
        case m.And(items=items) | m.Or(items=items):
            want = isinstance(e, m.Or)  # (the part that decides: one that holds for "or", fails for "and")
            deciding = next((i for i in items if sem.eval_bool(i, env) == want), None)
            for item in [deciding] if deciding is not None else items:
                yield from _decisive(item, env)
        case m.NotE(item=item):
            yield from _decisive(item, env)


def _counts(e) -> bool:
    """Does a number count something of the step or the state (not only constants and parameters)?"""
    return any(isinstance(x, (m.Count, m.Seats, m.Supply, m.Now, m.Tally, m.ApprovedAt, m.ProposedAt))
               for x in m.walk(e))


def _compared(q: _Quantities, e: m.Compare) -> Comparison:
    left, right = q.value(e.left), q.value(e.right)
    holds = sem.eval_bool(e, q.env)
    op = (_OP_WORDS if holds else _NOT_OP)[e.op]
    return Comparison(figure(left), e.op, figure(right), holds, f"{q.words(e.left)}, {op} {q.words(e.right)}")


def rule_arithmetic(model: m.Model, env: sem.Env, stage: m.Stage, rule: m.Rule, label: str,
                    spelled: dict[str, str]) -> Arithmetic | None:
    """The numbers ``rule`` of ``stage`` compared in the step of ``env`` (None: it compares none)."""
    if stage.mode == "consent" and rule.text == "unanimous written consent":
        return None  # (every member signs: the signatures say it, no number does)
    q = _Quantities(model, env, stage.body, stage.mode == "consent", spelled)
    found = [_compared(q, c) for c in _decisive(rule.expr, env) if _counts(c)]
    comparisons = tuple({c.words: c for c in found}.values())  # (a comparison said once)
    if not comparisons:
        return None
    return Arithmetic(label, rule.text, sem.eval_bool(rule.expr, env), comparisons)


def stage_arithmetic(model: m.Model, env: sem.Env, stage: m.Stage, spelled: dict[str, str]) -> tuple[Arithmetic, ...]:
    """The quorum's and the passing rule's numbers at one stage."""
    vote = "veto" if stage.kind == "vetoed" else "consent" if stage.mode == "consent" else "vote"
    found = [rule_arithmetic(model, env, stage, r, label, spelled)
             for r, label in ((stage.quorum, "quorum"), (stage.passes, vote)) if r is not None]
    return tuple(a for a in found if a is not None)


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def execute_arithmetic(proc: m.Procedure, state: sem.State, step: sem.Step) -> tuple[Arithmetic, ...]:
    """Days since approval against the waiting time (timelock or veto window) of a decision taking effect."""
    pending = state.pending_at(proc.name, step.which)
    if pending is None:
        return ()
    at, waited = pending[1], state.now - pending[1]
    holds = waited >= proc.delay
    words = (f"{_days(waited)} since its approval on day {at}, "
             f"{'at least' if holds else 'less than'} the {_days(proc.delay)} it must wait")
    rule = proc.timelock_rule.text if proc.timelock_rule is not None else f"veto window of {_days(proc.delay)}"
    return (Arithmetic("timelock" if proc.timelock >= proc.delay else "veto window", rule, holds,
                       (Comparison(str(waited), ">=", str(proc.delay), holds, words),)),)


def vote_arithmetic(proc: m.Procedure, state: sem.State, step: sem.Step) -> tuple[Arithmetic, ...]:
    """Days since the proposal against the voting delay, for a vote on a proposal; for a meeting
    whose delay is its notice periods, days since it was called against the notice (waived, on
    short notice, when every member attends: :func:`govspec.semantics.short_notice`)."""
    life = proc.lifecycle
    proposal = state.proposal_at(proc.name, step.which) if life is not None else None
    if proposal is None or not life.delay:
        return ()
    since = state.now - proposal[1]
    holds = since >= life.delay
    made = "the meeting was called" if proc.calling is not None else "the proposal"
    delay = f"the notice of {_days(life.delay)}" if life.waivable else f"the voting delay of {_days(life.delay)}"
    words = f"{_days(since)} since {made} on day {proposal[1]}, {'at least' if holds else 'less than'} {delay}"
    return (Arithmetic("notice period" if life.waivable else "voting delay", life.rule.text, holds,
                       (Comparison(str(since), ">=", str(life.delay), holds, words),)),)


def propose_arithmetic(model: m.Model, proc: m.Procedure, state: sem.State, step: sem.Step,
                       spelled: dict[str, str]) -> tuple[Arithmetic, ...]:
    """The proposer's voting power against the proposal threshold."""
    life = proc.lifecycle
    if life is None or life.threshold is None or step.phase != "propose":
        return ()
    power = sem.powers(model, state, step.loan)[step.proposer]
    env = sem.Env(model, state)
    limit = sem.eval_num(life.threshold, env)
    op = ">" if life.threshold_strict else ">="
    holds = power > limit if life.threshold_strict else power >= limit
    q = _Quantities(model, env, proc.stages[0].body, False, spelled)
    words = (f"{step.proposer}'s voting power {tokens(power, q.numbers)}, "
             f"{(_OP_WORDS if holds else _NOT_OP)[op]} {q.words(life.threshold)}")
    return (Arithmetic("proposal threshold", life.rule.text, holds,
                       (Comparison(figure(power), op, figure(limit), holds, words),)),)
