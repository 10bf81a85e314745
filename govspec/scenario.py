"""Turn a replayed behaviour (reference-semantics steps) into report trace steps.

Assumes the steps were already replayed successfully.  Guarantees: each :class:`TraceStep` names
the procedure, arguments, each stage's notified/present/votes, only the state that changed, and
the rule lines (with their citations) that allowed the step.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from . import model as m
from . import semantics as sem
from .report import RuleRef, StageRecord, StateSnapshot, TraceStep


def natural_key(name: str):
    """Sort 'staff[2]' before 'staff[10]'."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _names(people) -> tuple[str, ...]:
    return tuple(sorted(people, key=natural_key))


def state_changes(before: sem.State, after: sem.State,
                  spelled: tuple[dict[str, str], dict[str, str]] = ({}, {})) -> tuple[str, ...]:
    """What changed, in words; ``spelled`` gives parameter values as the spec wrote them, before and
    after (:func:`written_params`), so ``4/100`` is not shown as ``1/25``."""
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
            changes.append(f"{person} holds {old_held.get(person)} -> {new_held[person]} tokens")
    old_del, new_del = dict(before.delegates), dict(after.delegates)
    for person in sorted(set(old_del) | set(new_del), key=natural_key):
        if old_del.get(person) != new_del.get(person):
            changes.append(f"{person} delegates to {new_del.get(person, person)}")
    added, gone = _entries(after.proposals, before.proposals), _entries(before.proposals, after.proposals)
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
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else "nobody"


def describe(model: m.Model, steps: list[sem.Step], coalition: frozenset[str] | None = None) -> tuple[TraceStep, ...]:
    state = sem.initial_state(model)
    out = []
    spelled = written_params(model, None, state, state, {})

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
        now_spelled = written_params(model, step, state, after, spelled)
        changes = state_changes(state, after, (spelled, now_spelled))
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
                                 None if proc.span.path == model.path else proc.span.path, phase="execute"))
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
            out.append(TraceStep(index, "procedure", name, _shown(step.args), (), _loan(model, step) + changes,
                                 tuple(rules), proc.span.line, proc.cite,
                                 None if proc.span.path == model.path else proc.span.path, phase=step.phase))
            state = after
            continue
        args = dict(step.args)
        records = []
        rules: list[RuleRef] = []
        stages = (proc.window_stage,) if step.phase == "veto" else proc.stages
        for stage, choice in zip(stages, step.stages):
            sets = sem.stage_sets(proc, stage, state, args, choice)
            records.append(StageRecord(
                stage.body, stage.kind, stage.mode, _names(choice.notified), _names(choice.attended),
                _names(choice.yes), _names(choice.no), _names(choice.abstain), _names(sets["recused"]),
                outsiders_free=coalition is not None, objected=_names(choice.objected),
                casting=_casting(stage, state, choice), signed_waiver=_names(choice.signed_waiver),
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
        out.append(TraceStep(index, "event" if proc.is_event else "procedure", name, _shown(step.args), tuple(records),
                             _loan(model, step) + changes, tuple(rules), proc.span.line, proc.cite,
                             None if proc.span.path == model.path else proc.span.path, phase=step.phase))
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
    return (f"{step.loan} borrows {model.flash_loan} tokens (flash loan), votes with them and repays them in this step",)


def _effect_clauses(proc):
    """One effect per clause: the two branches of 'effect if C then E else F' are one rule."""
    return list({e.span: e for e in proc.effects}.values())


def _shown(args) -> tuple[tuple[str, str], ...]:
    """A step's arguments as words: a person's name, a whole number's digits (``t = 2``)."""
    return tuple((k, str(v)) for k, v in args)
