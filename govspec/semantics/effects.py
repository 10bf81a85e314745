"""Effects and tokens: the state a procedure's effects leave, and the voting power a vote counts.

Implements docs/semantics.md section 4 (condition 5, the implied conditions of effects, and the
state after the step), section 12 "Effects on tokens" and "Principals" (the cap of seats per
principal), and from section 12 "Proposal steps" and "Flash loans" which voting power a vote
counts (the snapshot, or live with the step's flash loan) and who may borrow.

Assumes the step's arguments fit (:func:`govspec.semantics.meetings.args_problems`).
Guarantees: :func:`run_effects` applies the effects in order and names every effect that cannot
apply; the state it returns is the state after the step when none is named.  Each person's
balance, voting power and the supply are read from the state (:mod:`govspec.semantics.state`).
"""

from __future__ import annotations

from fractions import Fraction

from .. import model as m
from ..safe import counted
from .evaluate import Env, eval_bool, eval_num, eval_person
from .state import State, Step, powers


def run_effects(model: m.Model, proc: m.Procedure, env: Env) -> tuple[list[str], State]:
    """Apply the effects in order; say which cannot apply.

    People named in effects (``x``, ``ceo``), a parameter's new value (``threshold = size(owners)
    - 1``) and the condition of a conditional effect are read in the state before the step; each effect's
    own condition (a removed person is a member, an added person is not and a seat is free) is
    checked on the state left by the effects before it, so "remove x, then add y" replaces a
    director on a full board.
    """
    problems = []
    # (only what the effects change is copied: a body or the balances may hold 10,000 holders)
    touched = {eff.target for eff in proc.effects if eff.kind in ("remove", "add")}
    tokens = any(eff.kind in m.TOKEN_EFFECTS for eff in proc.effects)
    members = {b: set(ms) if b in touched else ms for b, ms in env.state.members}
    offices = dict(env.state.offices)
    params = dict(env.state.params)
    held = dict(env.state.balances) if tokens else {}
    delegated = dict(env.state.delegates) if tokens else {}
    for eff in proc.effects:
        if eff.when is not None and not eval_bool(eff.when, env):
            continue  # a conditional effect whose condition (on the state before the step) is false
        if eff.kind in m.TOKEN_EFFECTS:
            problems += _token_effect(eff, env, held, delegated)
        elif eff.kind == "vacate":
            offices[eff.target] = None
        elif eff.kind == "fill":
            offices[eff.target] = eval_person(eff.person, env)
        elif eff.kind == "set":
            params[eff.target] = eval_num(eff.expr, env)
        else:
            who = eval_person(eff.person, env)
            body = members[eff.target]
            if who is None:
                problems.append(f"'{eff.text}': the office named is vacant")
            elif eff.kind == "remove":
                if who not in body:
                    problems.append(f"'{eff.text}': {who} is not a member of {eff.target}")
                body.discard(who)
            elif who in body:
                problems.append(f"'{eff.text}': {who} is already a member of {eff.target}")
            elif len(body) >= model.bodies[eff.target].seats:
                problems.append(f"'{eff.text}': every seat of {eff.target} is filled")
            elif _at_cap(model, eff.target, body, who):
                principal = model.person(who).principal
                problems.append(f"'{eff.text}': {principal} already holds {counted(model.bodies[eff.target].cap, 'seat')} of "
                                f"{eff.target}, its cap")
            else:
                body.add(who)
    after = env.state.replace({b: frozenset(v) if b in touched else v for b, v in members.items()}, offices, params)
    if env.state.balances and tokens:
        after = after.replace(balances=held, delegates=delegated)
    return problems, after


def _at_cap(model: m.Model, body_name: str, body, who: str) -> bool:
    """Would ``who`` joining exceed the body's cap of seats per principal?"""
    cap = model.bodies[body_name].cap
    principal = model.person(who).principal
    return cap is not None and sum(1 for x in body if model.person(x).principal == principal) >= cap


def _token_effect(eff: m.Effect, env: Env, held: dict[str, Fraction], delegated: dict[str, str]) -> list[str]:
    """Apply one transfer, mint or delegation to ``held``/``delegated``; say why it cannot apply."""
    who = eval_person(eff.person, env)
    other = eval_person(eff.other, env) if eff.other is not None else None
    if who is None or (eff.other is not None and other is None):
        return [f"'{eff.text}': the office named is vacant"]
    if eff.kind == "delegate":
        delegated[who] = other
        return []
    amount = eval_num(eff.amount, env)
    if eff.kind == "mint":
        held[who] += amount
        return []
    if held[who] < amount:
        return [f"'{eff.text}': {who} holds {held[who]} tokens, fewer than {amount}"]
    held[who] -= amount
    held[other] += amount
    return []


def effect_problems(model: m.Model, proc: m.Procedure, env: Env) -> list[str]:
    return run_effects(model, proc, env)[0]


def counting_powers(model: m.Model, proc: m.Procedure, state: State, loan: str | None = None,
                    which: int = 0) -> dict[str, Fraction]:
    """The voting power a procedure's vote counts: the snapshot of the proposal voted on (number
    ``which`` of its live proposals), or the power now (live) with the step's flash loan."""
    if proc.lifecycle is not None and proc.lifecycle.snapshot:
        proposal = state.proposal_at(proc.name, which)
        if proposal is not None:
            return dict(proposal[3])
    return powers(model, state, loan)


def loan_problems(model: m.Model, proc: m.Procedure, step: Step) -> list[str]:
    """A flash loan is taken in a proposal or a vote whose weights are counted live."""
    if step.loan is None:
        return []
    if model.flash_loan == 0:
        return ["this spec has no flash loan"]
    if proc.is_event:
        return ["an event has no vote: nobody borrows for it"]
    if step.loan not in {p.name for p in model.people}:
        return [f"{step.loan} is not a person"]
    if proc.lifecycle is not None and proc.lifecycle.snapshot:
        return [f"'{proc.name}' counts votes at the snapshot: a flash loan cannot count"]
    return []
