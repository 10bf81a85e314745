"""Enumerating one step on the reference semantics: every procedure and event, argument, and
choice of whom to notify, who attends and how each votes (up to interchangeable members), and a
coalition's moves of a forcing step.  Refuses, with :class:`TooLarge`, more than :data:`LIMITS`."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from typing import Iterator

from .. import model as m
from .. import semantics as sem
from ..engine import Deadline
from .days import Refused, wait_cap

LIMITS = {
    "choices per stage": 20_000,
    "states": 50_000,
    "coalitions": 2_000,
    "depth": 8,
    "days": 400,
}


class TooLarge(Exception):
    pass




def _arg_tuples(model: m.Model, proc: m.Procedure, state: sem.State) -> Iterator[dict[str, str]]:
    domains = []
    everyone = [p.name for p in model.people]
    for f in proc.formals:
        if f.numeric:
            domains.append(range(f.low, f.high + 1))
        elif f.domain == "people":
            domains.append(everyone)
        else:
            inside = state.body(f.domain)
            domains.append([p for p in everyone if (p in inside) != f.negated])
    for combo in itertools.product(*domains):
        yield dict(zip((f.name for f in proc.formals), combo))


def _options(stage: m.Stage, recused_from_vote: bool, role: str) -> tuple[str, ...]:
    """What one member may do at a stage.  role: free (a trace), coalition, outsider (notice only)."""
    if stage.mode == "consent":
        if role == "outsider":
            return ("told",)
        return ("told",) if recused_from_vote else ("told", "sign")
    told = ("told",) if stage.notice == "all" and not stage.waivable else ("out", "told")
    if role == "outsider":
        return told
    acts = ("attend",) if recused_from_vote else ("yes", "no", "abstain")
    waived: tuple[str, ...] = ()
    if stage.waiver is not None:  # a member not notified may attend anyway (waiving notice)
        # (or come only to object: every rule and step set reads that as staying away, "out", so it is left out)
        waived = tuple(f"waive_{a}" for a in acts)
    if stage.written_waiver is not None:  # ... or sign a written waiver, and stay away or attend
        # (signing and attending is attending alone where attendance waives notice: no rule tells them apart)
        waived += ("signed",) + (() if stage.waiver is not None else tuple(f"signed_{a}" for a in acts))
    return told + acts + waived


def _choices(model: m.Model, proc: m.Procedure, index: int, state: sem.State, args: dict[str, str],
             coalition: frozenset[str] | None = None, stage: m.Stage | None = None,
             power: dict[str, Fraction] | None = None, prefer: str | None = None) -> Iterator[sem.StageChoice]:
    """Every choice at one stage, up to interchangeable members, each once.

    With ``coalition``, only the coalition's part is chosen (whom to notify, and the coalition
    members' attendance and votes); outsiders are only notified or not.  With ``prefer`` (an
    option, "yes"), the choices where every member of a class who may take it does come first: a
    search for any choice that carries the stage usually ends at the first (the order of the others
    is unchanged; a search through all of them sees the same choices).
    """
    stage = stage or proc.stages[index]
    members = state.body(stage.body)
    r_vote = sem.recused(proc, args, "vote") & members
    r_quorum = sem.recused(proc, args, "quorum") & members
    named = sem.named_people(model, state, args)
    classes: dict[tuple, list[str]] = {}
    for p in sorted(members):
        role = "free" if coalition is None else ("coalition" if p in coalition else "outsider")
        key = (p,) if p in named else ("class", role, sem.member_key(model, state, p, power), p in r_vote, p in r_quorum)
        classes.setdefault(key, []).append(p)
    per_class = []
    total = 1
    for key, people in classes.items():
        role = "free" if coalition is None else ("coalition" if people[0] in coalition else "outsider")
        options = _options(stage, people[0] in r_vote, role)
        # (counted before they are listed: a class of 1,000 with four options has 167 million)
        if total * math.comb(len(people) + len(options) - 1, len(options) - 1) > LIMITS["choices per stage"]:
            raise TooLarge(f"more than {LIMITS['choices per stage']} choices at one stage of '{proc.name}'")
        splits = list(sem.compositions(len(people), len(options)))
        if prefer in options:  # (everyone of the class taking it, first)
            first = tuple(len(people) if option == prefer else 0 for option in options)
            splits.remove(first)
            splits.insert(0, first)
        total *= len(splits)
        if total > LIMITS["choices per stage"]:
            raise TooLarge(f"more than {LIMITS['choices per stage']} choices at one stage of '{proc.name}'")
        per_class.append([(people, options, split) for split in splits])
    for combo in itertools.product(*per_class):
        yield sem.assemble_choice(combo)


def _carrying(proc: m.Procedure, index: int) -> str | None:
    """The option to try first in a search for a choice that lets a stage's decision go on: a vote
    for it ("yes"), except at a veto stage, where the search wants the veto not to carry (the
    first choice in the usual order, everyone in the last option, seldom carries one)."""
    return None if proc.stages[index].kind == "vetoed" else "yes"


def _stage_ok(model, proc, index, state, args, choice, power=None, which: int = 0) -> bool:
    if choice.notified and proc.stages[index].notice_days is not None and sem.short_notice(proc, state, which):
        return False  # (on short notice nobody had due notice: sem.vote_window_problems)
    carries = sem.stage_carries(proc, index, state, args, choice, model, power)
    return carries != (proc.stages[index].kind == "vetoed")


def _loans(model: m.Model, proc: m.Procedure, borrowers) -> list[str | None]:
    """Who may take the flash loan in a proposal or vote of ``proc`` (None: nobody does)."""
    if model.flash_loan == 0 or (proc.lifecycle is not None and proc.lifecycle.snapshot):
        return [None]
    return [None, *borrowers]


def _vote_args(model: m.Model, proc: m.Procedure, state: sem.State) -> Iterator[tuple[dict[str, str], int]]:
    """The arguments a vote may have: any, or for a proposal, an open proposal's; each with the
    number of the proposal voted on (``Step.which``; 0 without a proposal step)."""
    if proc.lifecycle is None:
        for args in _arg_tuples(model, proc, state):
            yield args, 0
        return
    for which, proposal in enumerate(state.proposals_of(proc.name)):
        if not sem.vote_window_problems(proc, state, proposal[0], which=which):
            yield dict(proposal[0]), which


def lifecycle_steps(model: m.Model, state: sem.State, borrowers=None) -> Iterator[sem.Step]:
    """Proposals (one per procedure, arguments and proposer) and cancellations that are legal now.

    ``borrowers`` limits who proposes and borrows (a coalition); None: anyone.
    """
    for proc in model.procedures.values():
        if proc.lifecycle is None:
            continue
        proposers = sorted(state.body(proc.stages[0].body))
        if borrowers is not None:
            proposers = [p for p in proposers if p in borrowers]
        for args in _arg_tuples(model, proc, state):
            for proposer in proposers:
                for loan in _loans(model, proc, proposers if borrowers is None else sorted(borrowers)):
                    step = sem.Step(proc.name, tuple(args.items()), phase="propose", proposer=proposer, loan=loan)
                    if not sem.step_problems(model, state, step) and not (
                            borrowers is not None and sem.call_problems(proc, state, frozenset(borrowers))):
                        yield step
                        break
        for which, proposal in enumerate(state.proposals_of(proc.name)):
            step = sem.Step(proc.name, proposal[0], phase="cancel", which=which)
            if not sem.step_problems(model, state, step):
                yield step


def _preconditions_hold(model: m.Model, proc: m.Procedure, state: sem.State, args: dict[str, str], which: int = 0) -> bool:
    if proc.lifecycle is not None and sem.vote_window_problems(proc, state, tuple(args.items()), which=which):
        return False
    if proc.lifecycle is None and sem.call_problems(proc, state):
        return False
    env = sem.Env(model, state, args)
    if not all(sem.eval_bool(g.expr, env) for g in proc.guards):
        return False
    if proc.timed:  # approval: the effects wait; up to its 'at most K live proposals' (1) at a time
        return len(sem.waiting_decisions(proc, state)) < proc.live
    return not sem.effect_problems(model, proc, env)


def _bound(e, model: m.Model) -> Fraction:
    """An upper bound on the absolute value of a number-valued expression in any state."""
    match e:
        case m.Num(value=v):
            return abs(v)
        case m.ParamRef(name=n):
            return max(abs(v) for v in model.params[n].values)
        case m.NumArg(name=n):
            return Fraction(model.arg_bound(n))
        case m.Seats(body=b):
            return Fraction(model.bodies[b].seats)
        case m.Count(weighted=w):
            return _supply_bound(model) if w else Fraction(len(model.people))
        case m.Supply():
            return _supply_bound(model)
        case m.Tally(field=f):  # a count or weight kept from a vote
            return _bound(m.tally_count(f), model)
        case m.Arith(op=op, left=a, right=b):
            x, y = _bound(a, model), _bound(b, model)
            return x * y if op == "*" else x + y
    return Fraction(0)  # now, approved_at: the days themselves


def _supply_bound(model: m.Model) -> Fraction:
    """No weight or supply exceeds the declared weights, the pool and every mint at every step."""
    mints = sum((max(model.params[e.amount.name].values) if isinstance(e.amount, m.ParamRef) else e.amount.value
                 for p in model.procedures.values() for e in p.effects if e.kind == "mint"), Fraction(0))
    return sum((p.weight for p in model.people), Fraction(0)) + model.flash_loan + mints * LIMITS["depth"]


def _day_comparisons(e):
    """Every comparison in ``e`` that involves a day."""
    for x in m.walk(e):
        if isinstance(x, m.Compare) and any(isinstance(y, (m.Now, m.ApprovedAt, m.ProposedAt)) for side in (x.left, x.right)
                                            for y in m.walk(side)):
            yield x


def _numbers(e):
    """The two sides of every comparison that involves a day."""
    for x in _day_comparisons(e):
        yield x.left
        yield x.right


def time_horizon(model: m.Model) -> int:
    """Waits of 1..H days suffice (but see :func:`horizon_gap`).

    Days enter rules only in comparisons with other quantities, each bounded by B in every state
    (constants, parameters, seats, counts, weights); H exceeds every such bound, every wait a
    comparison needs to settle (:func:`govspec.explicit.days.wait_cap`) and every delay, so
    after any longer wait every comparison that involves a day comes out as after a wait of H days.
    """
    return _horizon(model)[0]


def horizon_gap(model: m.Model) -> str | None:
    """Why waits of 1..H days may not suffice (None: they do): a comparison whose settling wait
    grows with a day stored (``now < 40 * P.approved_at``).  A search that finds nothing with such
    a spec has not searched every wait: it must not say that nothing exists within its depth."""
    return _horizon(model)[1] if model.timed else None


def _horizon(model: m.Model) -> tuple[int, str | None]:
    cached = model.__dict__.get("_explicit_horizon")
    if cached is not None:
        return cached
    exprs = []
    for proc in model.procedures.values():
        stages = [*proc.stages, *([proc.window_stage] if proc.window_stage else [])]
        exprs += [r.expr for r in [*proc.guards, *proc.execution_guards, *[st.passes for st in stages],
                                   *[st.quorum for st in stages if st.quorum]]]
        exprs += [eff.when for eff in proc.effects if eff.when is not None]
    for prop in model.properties:
        exprs += [e for e in (prop.state, prop.step, prop.goal.state if prop.goal else None, *(c[2] for c in prop.also))
                  if e is not None]
    bound = max((_bound(x, model) for e in exprs for x in _numbers(e)), default=Fraction(0))
    gap = None
    try:
        bound = max([bound, *(wait_cap(c, model, _bound) for e in exprs for c in _day_comparisons(e))])
    except Refused as err:  # (waits up to the bounds are still tried: what they find is found)
        gap = str(err)
    delays = sum(p.delay + (p.grace or 0) + (p.lifecycle.delay + (p.lifecycle.period or 0) if p.lifecycle else 0)
                 for p in model.procedures.values())
    horizon = int(bound) + delays + 2
    if horizon > LIMITS["days"]:
        raise TooLarge(f"rules compare days with quantities up to {horizon}, beyond {LIMITS['days']} days")
    model.__dict__["_explicit_horizon"] = (horizon, gap)
    return horizon, gap


def timed_steps(model: m.Model, state: sem.State, horizon: int | None = None) -> Iterator[sem.Step]:
    """Waits (of 1 to ``horizon`` days, by default :func:`time_horizon`), and the waiting decisions
    that may take effect now (no vote involved)."""
    if not model.timed:
        return
    for days in range(1, (time_horizon(model) if horizon is None else horizon) + 1):
        yield sem.Step(sem.WAIT, days=days)
    seen: dict[str, int] = {}
    for name, args, _, _, _ in state.pending:
        which = seen[name] = seen.get(name, -1) + 1  # (its number among the procedure's decisions)
        step = sem.Step(name, args, phase="execute", which=which)
        if not sem.step_problems(model, state, step):
            yield step


def veto_steps(model: m.Model, state: sem.State) -> Iterator[sem.Step]:
    """One step per waiting decision whose veto window is open and whose veto can carry, per choice."""
    for proc, args_t, _, which in sem.open_windows(model, state):
        stage, args = proc.window_stage, dict(args_t)
        for c in _choices(model, proc, 0, state, args, stage=stage):
            step = sem.Step(proc.name, args_t, (c,), phase="veto", which=which)
            if sem.window_carries(model, proc, state, args, c) and not sem.choice_problems(proc, stage, state, args, c):
                yield step


def _tallied_steps(model: m.Model, proc: m.Procedure, state: sem.State, args: dict[str, str],
                   violates, which: int = 0) -> Iterator[tuple[sem.Step, bool]]:
    """The approvals of a timed procedure whose decision keeps its vote's tally (issue 13.6): the next
    state depends on the tally too, so one passing step per distinct next state (a violating one
    first among those that lead to it)."""
    everyone = [p.name for p in model.people]
    arg_items = tuple(args.items())
    seen: dict[sem.State, tuple[sem.Step, bool]] = {}
    for loan in _loans(model, proc, everyone):
        counted = sem.counting_powers(model, proc, state, loan, which)
        passing = [[c for c in _choices(model, proc, i, state, args, power=counted)
                    if _stage_ok(model, proc, i, state, args, c, counted, which)] for i in range(len(proc.stages))]
        if len(passing) > 1 and sum(1 for _ in itertools.islice(itertools.product(*passing), LIMITS["choices per stage"] + 1)) \
                > LIMITS["choices per stage"]:
            raise TooLarge(f"more than {LIMITS['choices per stage']} passing votes of '{proc.name}' to keep tallies of")
        for picks in itertools.product(*passing):
            step = sem.Step(proc.name, arg_items, tuple(picks), loan=loan, which=which)
            after = sem.apply(model, state, step)
            if after in seen and (seen[after][1] or violates is None):
                continue
            seen[after] = (step, bool(violates and violates(step)))
    yield from seen.values()


def steps_from(model: m.Model, state: sem.State, deadline: Deadline,
               violates=None, horizon: int | None = None, blind: bool = False) -> Iterator[tuple[sem.Step, bool]]:
    """One legal passing step per (procedure, arguments) from ``state``, with whether it violates.

    ``violates(step) -> bool`` (for a step property) makes the search look, among all passing
    choices of that procedure and arguments, for one that violates; otherwise any passing choice
    represents them all (the next state depends only on the procedure and its arguments).  With
    ``blind``, ``violates`` reads only the step's procedure and phase (is this procedure passing?),
    so any passing choice answers for all of them too.
    """
    everyone = [p.name for p in model.people]
    for proc in model.procedures.values():
        for args, which in _vote_args(model, proc, state):
            if deadline.expired():
                raise TimeoutError
            if not _preconditions_hold(model, proc, state, args, which):
                continue
            arg_items = tuple(args.items())
            if proc.is_event:
                step = sem.Step(proc.name, arg_items)
                yield step, bool(violates and violates(step))
                continue
            if proc.timed and proc.name in model.kept_tallies():
                yield from _tallied_steps(model, proc, state, args, violates, which)
                continue
            found = None  # a passing step, and whether it violates
            for loan in _loans(model, proc, everyone):
                counted = sem.counting_powers(model, proc, state, loan, which)
                picks = [next((c for c in _choices(model, proc, i, state, args, power=counted, prefer=_carrying(proc, i))
                               if _stage_ok(model, proc, i, state, args, c, counted, which)), None)
                         for i in range(len(proc.stages))]
                if any(p is None for p in picks):
                    continue
                step = sem.Step(proc.name, arg_items, tuple(picks), loan=loan, which=which)
                found = found or (step, False)
                if violates is None:
                    break
                if blind:  # (the same answer for every choice and loan)
                    found = (step, bool(violates(step)))
                    break
                bad = next((sem.Step(proc.name, arg_items, (c,) + tuple(picks[1:]), loan=loan, which=which)
                            for c in _choices(model, proc, 0, state, args, power=counted)
                            if _stage_ok(model, proc, 0, state, args, c, counted, which)
                            and violates(sem.Step(proc.name, arg_items, (c,) + tuple(picks[1:]), loan=loan,
                                                  which=which))), None)
                if bad is not None:
                    found = (bad, True)
                    break
            if found is not None:
                yield found
    for step in lifecycle_steps(model, state):
        yield step, bool(violates and violates(step))
    for step in timed_steps(model, state, horizon):
        yield step, bool(violates and violates(step))
    representatives: dict[tuple[str, int], sem.Step] = {}
    violating: dict[tuple[str, int], sem.Step] = {}
    for step in veto_steps(model, state):
        key = (step.procedure, step.which)
        representatives.setdefault(key, step)
        if violates is not None and key not in violating and violates(step):
            violating[key] = step
    for name, step in representatives.items():  # any carrying veto of one decision leads to the same next state
        yield (violating[name], True) if name in violating else (step, False)


def _late(deadline: Deadline) -> bool:
    """Raise TimeoutError once ``deadline`` has passed (False otherwise): a check inside a loop over
    the outsiders' responses, which are many in a large body."""
    if deadline.expired():
        raise TimeoutError
    return False


def forced_steps(model: m.Model, state: sem.State, coalition: frozenset[str], deadline: Deadline,
                 horizon: int | None = None) -> Iterator[sem.Step]:
    """Every step the coalition can force from ``state`` (one per procedure and arguments)."""
    for step in timed_steps(model, state, horizon):  # time passes whatever anyone does; taking effect needs no vote
        if step.procedure != sem.WAIT or not sem.skipped_veto_days(model, state, step.days):
            yield step  # (a wait skips no day of a veto window that reads the date)
    yield from lifecycle_steps(model, state, coalition)
    for proc in model.procedures.values():
        for args, which in _vote_args(model, proc, state):  # (which: the proposal voted on, issue 13.6)
            if deadline.expired():
                raise TimeoutError
            arg_items = tuple(args.items())
            if proc.is_event:
                step = sem.Step(proc.name, arg_items)
                if not sem.forced_problems(model, state, step, coalition):
                    yield step
                continue
            if not _preconditions_hold(model, proc, state, args, which):
                continue
            if proc.lifecycle is None and sem.call_problems(proc, state, coalition):
                continue  # (the coalition calls its own meetings)
            for loan in _loans(model, proc, sorted(coalition)):
                counted = sem.counting_powers(model, proc, state, loan, which)
                picks = []
                for i in range(len(proc.stages)):
                    pick = None
                    for c in _choices(model, proc, i, state, args, coalition, power=counted):
                        if all(_stage_ok(model, proc, i, state, args, r, counted, which) and not _late(deadline)
                               for r in sem.responses_to_withstand(model, proc, i, state, args, c, coalition, counted)):
                            pick = c
                            break
                    if pick is None:
                        break
                    picks.append(pick)
                if len(picks) == len(proc.stages):
                    yield sem.Step(proc.name, arg_items, tuple(picks), loan=loan, which=which)
                    break
