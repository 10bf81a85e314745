"""Proposals and time: proposing, cancelling and the voting period; a waiting decision taking
effect or vetoed in its window.

Implements docs/semantics.md section 10 "Steps over time" (taking effect, being vetoed) and
section 12 "Proposal steps" (propose, the vote's days, cancel) and "Expiry".

Assumes a step of one of these phases, on a procedure of the model.  Guarantees: each
``*_problems`` function says why its step is not allowed from the state (empty: it is allowed);
:func:`open_proposal` is the proposal that can still be voted on.
"""

from __future__ import annotations

from fractions import Fraction

from .. import model as m
from .effects import effect_problems, loan_problems
from .evaluate import Env, eval_bool, eval_num
from .meetings import args_problems, call_problems, choice_problems, window_carries
from .state import State, Step, powers


def voting_closes(proc: m.Procedure, day: int) -> int | None:
    """The first day on which a proposal made on ``day`` can no longer be voted on (None: never)."""
    life = proc.lifecycle
    return None if life.period is None else day + life.delay + life.period


def short_notice(proc: m.Procedure, state: State, which: int = 0) -> bool:
    """Is a vote now one on short notice: before the notice period of its proposal is over, where
    attendance waives it (the meeting can then act only if nobody had due notice and every member
    attends; docs/semantics.md "Attendance waives notice")?"""
    proposal = state.proposal_at(proc.name, which)
    return (proc.lifecycle is not None and proc.lifecycle.waivable and proposal is not None
            and state.now < proposal[1] + proc.lifecycle.delay)


def short_notice_problems(proc: m.Procedure, state: State, choices, which: int = 0) -> list[str]:
    """On short notice nobody had due notice: at each stage with a notice period, nobody is notified."""
    if not short_notice(proc, state, which):
        return []
    return [f"on short notice nobody had due notice, yet {sorted(c.notified)} are notified by {stage.body}"
            for stage, c in zip(proc.stages, choices) if stage.notice_days is not None and c.notified]


def vote_window_problems(proc: m.Procedure, state: State, args: tuple, choices=None, which: int = 0) -> list[str]:
    """Why the vote on the open proposal number ``which`` cannot be held now with ``args`` (and ``choices``,
    the stages' choices; None: some choices that keep the rules, as :func:`short_notice_problems` asks)."""
    proposal = state.proposal_at(proc.name, which)
    if proposal is None:
        return [f"'{proc.name}' has not been proposed"]
    if proposal[0] != args:
        return [f"the proposal of '{proc.name}' has arguments {dict(proposal[0])}"]
    opens, closes = proposal[1] + proc.lifecycle.delay, voting_closes(proc, proposal[1])
    if state.now < opens and short_notice(proc, state, which):
        return short_notice_problems(proc, state, choices, which) if choices is not None else []
    if state.now < opens:
        return [f"the vote on '{proc.name}' opens on day {opens}, it is day {state.now}"]
    if closes is not None and state.now >= closes:
        return [f"the vote on '{proc.name}' closed on day {closes}"]
    return []


def open_proposal(proc: m.Procedure, state: State, which: int = 0):
    """The procedure's proposal number ``which`` if it can still be voted on, else None."""
    proposal = state.proposal_at(proc.name, which)
    if proposal is None:
        return None
    closes = voting_closes(proc, proposal[1])
    return proposal if closes is None or state.now < closes else None


def open_proposals(proc: m.Procedure, state: State) -> list:
    """The procedure's proposals that can still be voted on (issue 13.6: up to its 'at most K live proposals')."""
    return [p for i in range(len(state.proposals_of(proc.name))) if (p := open_proposal(proc, state, i)) is not None]


def waiting_decisions(proc: m.Procedure, state: State) -> list:
    """The procedure's recorded decisions still waiting (approved, not in effect, not expired)."""
    return [p for p in state.pendings_of(proc.name) if proc.waiting(p, state.now)]


def threshold(model: m.Model, proc: m.Procedure, state: State) -> Fraction:
    life = proc.lifecycle
    return Fraction(0) if life.threshold is None else eval_num(life.threshold, Env(model, state))


def propose_problems(model: m.Model, proc: m.Procedure, state: State, step: Step) -> list[str]:
    if proc.lifecycle is None:
        return [f"'{proc.name}' is decided without a proposal step"]
    args = dict(step.args)
    problems = args_problems(model, proc, state, args) + loan_problems(model, proc, step)
    if problems:
        return problems
    problems += call_problems(proc, state)
    body = proc.stages[0].body
    if step.proposer not in state.body(body):
        return [f"{step.proposer} is not a member of {body}, who may propose '{proc.name}'"]
    power = powers(model, state, step.loan)[step.proposer]
    strict = proc.lifecycle.threshold is not None and proc.lifecycle.threshold_strict  # (issue 19.2: Bravo's >)
    if strict and power <= threshold(model, proc, state):
        problems.append(f"{step.proposer} has voting power {power}, not above the proposal threshold "
                        f"{threshold(model, proc, state)}")
    elif power < threshold(model, proc, state):
        problems.append(f"{step.proposer} has voting power {power}, below the proposal threshold "
                        f"{threshold(model, proc, state)}")
    live = open_proposals(proc, state)
    if proc.lifecycle.period is not None and len(live) >= proc.live:
        problems.append(f"a proposal of '{proc.name}' is open until day {voting_closes(proc, live[0][1])}" if proc.live == 1
                        else f"{len(live)} proposals of '{proc.name}' are open, at most {proc.live} may be live")
    return problems


def cancel_problems(model: m.Model, proc: m.Procedure, state: State, step: Step) -> list[str]:
    if proc.lifecycle is None or proc.lifecycle.threshold is None:
        return [f"'{proc.name}' has no proposal threshold, so no cancellation"]
    proposal = open_proposal(proc, state, step.which)
    if proposal is None:
        return [f"no open proposal of '{proc.name}'"]
    if proposal[0] != step.args:
        return [f"the proposal of '{proc.name}' has arguments {dict(proposal[0])}"]
    power = powers(model, state)[proposal[2]]
    if power >= threshold(model, proc, state):
        return [f"the proposer {proposal[2]} still has voting power {power}, at or above the threshold"]
    return []


def _pending_problems(proc: m.Procedure, state: State, step: Step) -> tuple[list[str], int]:
    pending = state.pending_at(proc.name, step.which)
    if pending is None:
        return [f"no approved decision of '{proc.name}' is waiting"], 0
    if pending[0] != step.args:
        return [f"the waiting decision of '{proc.name}' has arguments {dict(pending[0])}"], 0
    return [], pending[1]


def execute_problems(model: m.Model, proc: m.Procedure, state: State, step: Step) -> list[str]:
    if not proc.timed or step.stages:
        return [f"'{proc.name}' takes effect when it passes"] if not proc.timed else ["taking effect has no vote"]
    problems, at = _pending_problems(proc, state, step)
    if problems:
        return problems
    if state.now < at + proc.delay:
        return [f"'{proc.name}' may take effect from day {at + proc.delay}, it is day {state.now}"]
    if not proc.waiting(state.pending_at(proc.name, step.which), state.now):
        return [f"the decision of '{proc.name}' expired on day {proc.expires_on(at)}"]
    env = Env(model, state, dict(step.args))
    return execution_guard_problems(proc, env) + effect_problems(model, proc, env)


def execution_guard_problems(proc: m.Procedure, env: Env) -> list[str]:
    """The requirements checked at execution that fail on the state in ``env`` (with the waiting
    decision's arguments): the decision cannot take effect now, and keeps waiting."""
    return [f"guard fails at execution: {g.text}" for g in proc.execution_guards if not eval_bool(g.expr, env)]


def veto_problems(model: m.Model, proc: m.Procedure, state: State, step: Step) -> list[str]:
    stage = proc.window_stage
    if stage is None:
        return [f"'{proc.name}' has no veto window"]
    problems, at = _pending_problems(proc, state, step)
    if problems:
        return problems
    if state.now >= at + stage.window:
        return [f"the veto window of '{proc.name}' closed on day {at + stage.window}"]
    if len(step.stages) != 1:
        return ["a veto has one stage"]
    args = dict(step.args)
    problems = choice_problems(proc, stage, state, args, step.stages[0])
    if not window_carries(model, proc, state, args, step.stages[0]):
        problems.append(f"the veto by {stage.body} does not carry")
    return problems
