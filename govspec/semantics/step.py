"""One step: why it is not allowed, the state after it, and what a step rule sees of it.

Implements docs/semantics.md section 4 (When a procedure passes) for a procedure or an event
(section 2), and of section 10 "Steps over time" the vote of a timed procedure and time passing;
taking effect, a veto and the proposal steps of section 12 are checked in
:mod:`govspec.semantics.proposals`.  :func:`step_env` is what a step rule reads (section 6, and
section 10 "Properties over time").  A behaviour (section 5) is a sequence of steps, each allowed
in the state :func:`apply` left.

A procedure passes when its guards hold, every ``decided``/``approved`` stage carries, no
``vetoed`` stage carries, and its effects can apply (a removed person is a member, an added person
is not and a seat is free).

Assumes a checked model.  Guarantees: :func:`step_problems` says exactly why a step is not
allowed (an empty list means it is a legal, passing step); :func:`apply` computes the next state
of a legal step (it does not check the step).
"""

from __future__ import annotations

from .. import model as m
from .effects import counting_powers, effect_problems, loan_problems, run_effects
from .evaluate import Env, eval_bool, eval_num
from .meetings import args_problems, call_problems, choice_problems, stage_carries, stage_sets
from .proposals import (cancel_problems, execute_problems, open_proposals, propose_problems, veto_problems,
                        vote_window_problems, waiting_decisions)
from .state import WAIT, State, Step, powers


def step_problems(model: m.Model, state: State, step: Step) -> list[str]:
    """Why ``step`` is not a legal passing step from ``state`` (empty: it is one)."""
    if step.procedure == WAIT:
        if not model.timed:
            return ["time is not part of this spec (no timelock or veto window)"]
        return [] if step.days >= 1 else ["time passes by at least one day"]
    proc = model.procedures.get(step.procedure)
    if proc is None:
        return [f"unknown procedure {step.procedure}"]
    if step.phase == "execute":
        return execute_problems(model, proc, state, step)
    if step.phase == "veto":
        return veto_problems(model, proc, state, step)
    if step.phase == "propose":
        return propose_problems(model, proc, state, step)
    if step.phase == "cancel":
        return cancel_problems(model, proc, state, step)
    args = dict(step.args)
    problems = args_problems(model, proc, state, args) + loan_problems(model, proc, step)
    if problems:
        return problems
    if proc.lifecycle is not None:
        problems += vote_window_problems(proc, state, step.args, step.stages, step.which)
    else:  # (the meeting is called in this step; with a proposal step, there: proposals.propose_problems)
        problems += call_problems(proc, state)
    env = Env(model, state, args)
    for g in proc.guards:
        if not eval_bool(g.expr, env):
            problems.append(f"guard fails: {g.text}")
    if len(step.stages) != len(proc.stages):
        return problems + ["wrong number of stage choices"]
    counted = counting_powers(model, proc, state, step.loan, step.which)
    for i, (stage, c) in enumerate(zip(proc.stages, step.stages)):
        problems += choice_problems(proc, stage, state, args, c)
        carries = stage_carries(proc, i, state, args, c, model, counted)
        if stage.kind == "vetoed" and carries:
            problems.append(f"vetoed by {stage.body}")
        if stage.kind != "vetoed" and not carries:
            problems.append(f"the {stage.kind} stage by {stage.body} does not carry")
    if proc.timed:
        if len(waiting_decisions(proc, state)) >= proc.live:
            problems.append(f"a decision of '{proc.name}' is already waiting to take effect" if proc.live == 1
                            else f"{proc.live} decisions of '{proc.name}' are already waiting to take effect")
    else:
        problems += effect_problems(model, proc, env)
    return problems


def apply(model: m.Model, state: State, step: Step) -> State:
    """The state after a legal step (see :func:`run_effects`)."""
    if step.procedure == WAIT:
        return state.replace(now=state.now + step.days, proposals=snapshots_as_time_passes(model, state))
    proc = model.procedures[step.procedure]
    tally = ()  # the vote's tally, kept with a timed decision when a rule reads it (issue 13.6)
    if proc.timed and step.phase == "pass" and proc.name in model.kept_tallies():
        env = step_env(model, state, step)
        tally = tuple(eval_num(m.tally_count(f), env) for f in m.TALLIES)
    others = tuple(p for p in state.proposals if p[0] != proc.name)
    voted_on = state.proposal_at(proc.name, step.which) if proc.lifecycle is not None else None
    # (with several live proposals, issue 13.6, the step's own entry goes and the procedure's others stay)
    mine = tuple((proc.name, *p) for p in state.proposals_of(proc.name))
    if step.phase == "propose":
        snapshot = tuple(sorted(powers(model, state).items())) if proc.lifecycle.snapshot else ()
        live = tuple((proc.name, *p) for p in open_proposals(proc, state))  # a closed proposal is replaced
        if len(live) >= proc.live:  # (no voting period: proposals never close, the oldest is replaced)
            live = tuple(sorted(live, key=lambda p: p[2])[1:])
        return state.replace(proposals=others + live + ((proc.name, step.args, state.now, step.proposer, snapshot),),
                             proposed={**dict(state.proposed), proc.name: state.now})
    if step.phase == "cancel" or (proc.lifecycle is not None and step.phase == "pass"):  # the vote uses up the proposal
        state = state.replace(proposals=others + mine[:step.which] + mine[step.which + 1:])
        if step.phase == "cancel":
            return state
    pending_others = tuple(p for p in state.pending if p[0] != proc.name)
    pending_mine = tuple((proc.name, *p) for p in state.pendings_of(proc.name))
    if proc.timed and step.phase == "pass":  # approved: the effects wait, with the day of their proposal
        kept = tuple((proc.name, *p) for p in waiting_decisions(proc, state))  # an expired decision is replaced
        proposed = voted_on[1] if voted_on is not None else -1
        return state.replace(pending=pending_others + kept + ((proc.name, step.args, state.now, proposed, tally),))
    without = pending_others + pending_mine[:step.which] + pending_mine[step.which + 1:]
    if step.phase == "veto":
        return state.replace(pending=without)
    after = run_effects(model, proc, Env(model, state, dict(step.args)))[1]
    if step.phase == "execute":
        after = after.replace(pending=without)
    return after


def snapshots_as_time_passes(model: m.Model, state: State) -> tuple:
    """The proposals as time passes: a snapshot taken N days after its proposal ("counted at snapshot N
    days after the proposal") is still the live voting power until the day reaches proposed + N, so a
    time-passes step from a day before that one records the power now (docs/semantics.md section 12,
    "A snapshot after the proposal"); from that day on it is fixed."""
    out = []
    for name, args, day, proposer, snapshot in state.proposals:
        life = model.procedures[name].lifecycle
        if life.snapshot and life.snapshot_days and state.now < day + life.snapshot_days:
            snapshot = tuple(sorted(powers(model, state).items()))
        out.append((name, args, day, proposer, snapshot))
    return tuple(out)


def step_env(model: m.Model, state: State, step: Step) -> Env:
    """The environment in which a step property is evaluated: pre-state, arguments, stage sets."""
    if step.procedure == WAIT:
        return Env(model, state, passed=WAIT, phase="wait")
    proc = model.procedures[step.procedure]
    args = dict(step.args)
    stages = (proc.window_stage,) if step.phase == "veto" else proc.stages
    sets = [stage_sets(proc, s, state, args, c) for s, c in zip(stages, step.stages)]
    counted = counting_powers(model, proc, state, step.loan, step.which) if step.phase == "pass" else None
    return Env(model, state, args, sets, passed=step.procedure, phase=step.phase, powers=counted)


def violates(model: m.Model, prop: m.Property, state: State, step: Step) -> bool:
    """Does a legal step from ``state`` violate the step rule ``prop``?  It does when it is a step of
    one of the rule's procedures in that procedure's phase, and the condition for it fails
    (section 6; a rule over a set of procedures has one condition per procedure)."""
    return any((step.procedure, step.phase) == (procedure, phase)
               and not eval_bool(condition, step_env(model, state, step))
               for procedure, phase, condition in prop.cases)
