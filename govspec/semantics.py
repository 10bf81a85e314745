"""The reference semantics: a small concrete interpreter, independent of Z3.

Assumes a checked :class:`govspec.model.Model`.  Guarantees: :func:`step_problems` says exactly why
a step is not allowed (an empty list means it is a legal, passing step) and :func:`apply` computes
the next state.  Every counterexample the verifier finds is replayed here before it is shown; the
explicit-state engine is built on the same functions.  Arithmetic is exact (``Fraction``).

The meaning of one stage of a procedure (one body's decision within a step):

- ``notified`` are members of the stage's body told of the meeting (all of them under
  ``notice all`` and for written consent);
- attendance is a subset of the notified; for written consent the signers attend and vote yes;
- members recused *from quorum* are not counted in ``present``; members recused *from the vote*
  do not vote and are not ``eligible``;
- every attending, eligible member votes exactly one of yes, no, abstain; ``cast`` = yes + no;
- the stage carries when its quorum (if any) and its ``passes when`` rule both hold.

A procedure passes when its guards hold, every ``decided``/``approved`` stage carries, no
``vetoed`` stage carries, and its effects can apply (a removed person is a member, an added person
is not and a seat is free).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterator

from . import model as m


class ReplayLimit(Exception):
    """The interpreter would have to enumerate too many responses to confirm a step."""


@dataclass(frozen=True)
class State:
    members: tuple[tuple[str, frozenset[str]], ...]
    offices: tuple[tuple[str, str | None], ...]
    params: tuple[tuple[str, Fraction], ...]
    now: int = 0  # the current day
    # (procedure, args, approved on day, day of the proposal it came from or -1 without a proposal step)
    pending: tuple[tuple[str, tuple[tuple[str, str], ...], int, int], ...] = ()
    # token balances (empty when weights do not move: each person's power is their declared weight)
    balances: tuple[tuple[str, Fraction], ...] = ()
    delegates: tuple[tuple[str, str], ...] = ()  # holder -> delegate, for holders who delegated to another
    # (procedure, args, proposed on day, proposer, voting power of each person at the proposal or ())
    proposals: tuple[tuple[str, tuple[tuple[str, str], ...], int, str, tuple[tuple[str, Fraction], ...]], ...] = ()
    proposed: tuple[tuple[str, int], ...] = ()  # procedure -> day of its latest proposal (kept after the vote)

    def pending_of(self, procedure: str):
        """(args, approved on day, proposed on day) of the procedure's approved decision recorded as
        waiting to take effect (it may have expired: see :meth:`Procedure.waiting`), or None."""
        for name, args, at, proposed in self.pending:
            if name == procedure:
                return args, at, proposed
        return None

    def proposal_of(self, procedure: str):
        """(args, proposed on day, proposer, snapshot) of the procedure's latest proposal, or None."""
        for name, args, day, proposer, snapshot in self.proposals:
            if name == procedure:
                return args, day, proposer, snapshot
        return None

    def body(self, name: str) -> frozenset[str]:
        return dict(self.members)[name]

    def holder(self, office: str) -> str | None:
        return dict(self.offices)[office]

    def param(self, name: str) -> Fraction:
        return dict(self.params)[name]

    def replace(self, members=None, offices=None, params=None, now=None, pending=None, balances=None,
                delegates=None, proposals=None, proposed=None) -> "State":
        return State(
            tuple(sorted((members or dict(self.members)).items())),
            tuple(sorted((offices or dict(self.offices)).items())),
            tuple(sorted((params or dict(self.params)).items())),
            self.now if now is None else now,
            self.pending if pending is None else tuple(sorted(pending)),
            self.balances if balances is None else tuple(sorted(balances.items())),
            self.delegates if delegates is None else tuple(sorted((h, d) for h, d in delegates.items() if h != d)),
            self.proposals if proposals is None else tuple(sorted(proposals)),
            self.proposed if proposed is None else tuple(sorted(proposed.items())),
        )


def initial_state(model: m.Model) -> State:
    return State(
        tuple(sorted((b.name, frozenset(b.members)) for b in model.bodies.values())),
        tuple(sorted((o.name, o.holder) for o in model.offices.values())),
        tuple(sorted((p.name, p.initial) for p in model.params.values())),
        balances=tuple(sorted((p.name, p.weight) for p in model.people)) if model.tokens else (),
    )


def balances(model: m.Model, state: State) -> dict[str, Fraction]:
    """Each person's tokens (their declared weight when weights do not move)."""
    if state.balances:
        return dict(state.balances)
    return {p.name: p.weight for p in model.people}


def powers(model: m.Model, state: State, loan: str | None = None) -> dict[str, Fraction]:
    """Each person's voting power: the tokens of everyone who delegated to them (themselves unless
    they delegated away), plus a flash loan taken by ``loan`` in this step."""
    held = balances(model, state)
    if not state.delegates and loan is None:
        return held
    delegated = dict(state.delegates)
    power = {p: Fraction(0) for p in held}
    for holder, amount in held.items():
        power[delegated.get(holder, holder)] += amount
    if loan is not None:
        power[loan] += model.flash_loan
    return power


def supply(model: m.Model, state: State) -> Fraction:
    """Every token in existence: the balances and the flash-loan pool."""
    return sum(balances(model, state).values(), Fraction(0)) + model.flash_loan


@dataclass(frozen=True)
class StageChoice:
    notified: frozenset[str] = frozenset()
    attended: frozenset[str] = frozenset()
    yes: frozenset[str] = frozenset()
    no: frozenset[str] = frozenset()
    abstain: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Step:
    """One step: a procedure's vote passing (phase "pass"; for a timed procedure its approval), a timed
    procedure taking effect ("execute") or being vetoed in its window ("veto"), an event, or time
    passing (procedure :data:`WAIT`, ``days`` >= 1)."""

    procedure: str
    args: tuple[tuple[str, str], ...] = ()
    stages: tuple[StageChoice, ...] = ()
    phase: str = "pass"  # pass | execute | veto | propose | cancel
    days: int = 0
    proposer: str | None = None  # who proposes (phase "propose")
    loan: str | None = None  # who takes the flash loan in this step (a proposal or a vote counted live)

    def arg(self, name: str) -> str:
        return dict(self.args)[name]


@dataclass
class Env:
    model: m.Model
    state: State
    args: dict[str, str] = field(default_factory=dict)
    sets: list[dict[str, frozenset[str]]] | None = None  # per stage
    passed: str | None = None  # procedure that passed in this step (for step properties)
    phase: str = "pass"
    powers: dict[str, Fraction] | None = None  # voting power counted in this step (None: the state's)


WAIT = "time passes"


# ------------------------------------------------------------------ evaluation


def eval_person(e: m.PersonExpr, env: Env) -> str | None:
    match e:
        case m.PersonConst(name=n):
            return n
        case m.Holder(office=o):
            return env.state.holder(o)
        case m.Arg(name=n):
            return env.args[n]
    raise AssertionError(e)


def eval_set(e: m.SetExpr, env: Env) -> frozenset[str]:
    match e:
        case m.StepSet(kind=k, stage=i):
            assert env.sets is not None, "step quantity evaluated outside a step"
            return env.sets[i][k]
        case m.Members(body=b):
            return env.state.body(b)
        case m.Everyone():
            return frozenset(p.name for p in env.model.people)
        case m.SetOf(people=ps):
            return frozenset(x for x in (eval_person(p, env) for p in ps) if x is not None)
    raise AssertionError(e)


def eval_num(e: m.NumExpr, env: Env) -> Fraction:
    match e:
        case m.Num(value=v):
            return v
        case m.ParamRef(name=n):
            return env.state.param(n)
        case m.Seats(body=b):
            return Fraction(env.model.bodies[b].seats)
        case m.Count(set=s, weighted=w):
            people = eval_set(s, env)
            if w:
                power = env.powers if env.powers is not None else powers(env.model, env.state)
                return sum((power[p] for p in people), Fraction(0))
            return Fraction(len(people))
        case m.Supply():
            return supply(env.model, env.state)
        case m.ProposedAt(procedure=p):  # the waiting decision's proposal, else the latest proposal
            pending = env.state.pending_of(p)
            if env.model.procedures[p].waiting(pending, env.state.now):
                return Fraction(pending[2])
            return Fraction(dict(env.state.proposed).get(p, -1))
        case m.Arith(op=op, left=a, right=b):
            x, y = eval_num(a, env), eval_num(b, env)
            return x + y if op == "+" else x - y if op == "-" else x * y
        case m.Now():
            return Fraction(env.state.now)
        case m.ApprovedAt(procedure=p):  # -1 when no decision waits (none recorded, or it expired)
            pending = env.state.pending_of(p)
            return Fraction(pending[1] if env.model.procedures[p].waiting(pending, env.state.now) else -1)
    raise AssertionError(e)


_CMP = {
    ">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
}


def eval_bool(e: m.BoolExpr, env: Env) -> bool:
    match e:
        case m.BoolConst(value=v):
            return v
        case m.Compare(op=op, left=a, right=b):
            return _CMP[op](eval_num(a, env), eval_num(b, env))
        case m.SetCompare(op=op, left=a, right=b):
            return (eval_set(a, env) == eval_set(b, env)) == (op == "==")
        case m.SameHolder(op=op, left=a, right=b):
            x, y = eval_person(a, env), eval_person(b, env)
            same = x is not None and x == y
            return same if op == "==" else not same
        case m.InSet(person=p, set=s):
            x = eval_person(p, env)
            return x is not None and x in eval_set(s, env)
        case m.Vacant(office=o):
            return env.state.holder(o) is None
        case m.And(items=items):
            return all(eval_bool(i, env) for i in items)
        case m.Or(items=items):
            return any(eval_bool(i, env) for i in items)
        case m.NotE(item=i):
            return not eval_bool(i, env)
        case m.Passed(procedure=p, phase=phase):
            return env.passed == p and env.phase == phase
    raise AssertionError(e)


# ------------------------------------------------------------------ one step


def recused(proc: m.Procedure, args: dict[str, str], which: str) -> frozenset[str]:
    return frozenset(args[r.formal] for r in proc.recusals if (r.from_vote if which == "vote" else r.from_quorum))


def stage_sets(proc: m.Procedure, stage: m.Stage, state: State, args: dict[str, str], choice: StageChoice) -> dict[str, frozenset[str]]:
    """The sets a stage's rules speak of, computed from the members' choices (see module docstring)."""
    members = state.body(stage.body)
    r_vote = recused(proc, args, "vote") & members
    r_quorum = recused(proc, args, "quorum") & members
    return {
        "notified": choice.notified,
        "present": choice.attended - r_quorum,
        "yes": choice.yes,
        "no": choice.no,
        "abstain": choice.abstain,
        "cast": choice.yes | choice.no,
        "eligible": members - r_vote,
        "recused": r_vote | r_quorum,
    }


def choice_problems(proc: m.Procedure, stage: m.Stage, state: State, args: dict[str, str], c: StageChoice) -> list[str]:
    members = state.body(stage.body)
    r_vote = recused(proc, args, "vote") & members
    problems = []
    if not c.notified <= members:
        problems.append(f"notified non-members of {stage.body}: {sorted(c.notified - members)}")
    if (stage.notice == "all" or stage.mode == "consent") and c.notified != members:
        problems.append(f"not every member of {stage.body} was notified")
    if not c.attended <= c.notified:
        problems.append(f"attended without notice: {sorted(c.attended - c.notified)}")
    if (c.yes & c.no) or (c.yes & c.abstain) or (c.no & c.abstain):
        problems.append("someone voted twice")
    voters = c.yes | c.no | c.abstain
    if voters & r_vote:
        problems.append(f"recused members voted: {sorted(voters & r_vote)}")
    if stage.mode == "consent":
        if c.no or c.abstain:
            problems.append("written consent has only signatures")
        if c.attended != c.yes:
            problems.append("for written consent the signers are the participants")
    elif voters != c.attended - r_vote:
        problems.append("every attending eligible member votes exactly once (yes, no or abstain)")
    return problems


def stage_carries(proc: m.Procedure, index: int, state: State, args: dict[str, str], c: StageChoice, model: m.Model,
                  power: dict[str, Fraction] | None = None) -> bool:
    """Does stage ``index`` carry with these choices, weights counted with ``power`` (see :func:`counting_powers`)?"""
    stage = proc.stages[index]
    sets = [dict() for _ in proc.stages]
    sets[index] = stage_sets(proc, stage, state, args, c)
    env = Env(model, state, args, sets, powers=power)
    if stage.quorum is not None and not eval_bool(stage.quorum.expr, env):
        return False
    return eval_bool(stage.passes.expr, env)


def args_problems(model: m.Model, proc: m.Procedure, state: State, args: dict[str, str]) -> list[str]:
    problems = []
    if set(args) != {f.name for f in proc.formals}:
        return [f"arguments {sorted(args)} do not match parameters {[f.name for f in proc.formals]}"]
    people = {p.name for p in model.people}
    for f in proc.formals:
        who = args[f.name]
        if who not in people:
            problems.append(f"{f.name}={who} is not a person")
            continue
        if f.domain != "people":
            inside = who in state.body(f.domain)
            if inside == f.negated:
                problems.append(f"{f.name}={who} is {'' if inside else 'not '}a member of {f.domain}")
    return problems


def run_effects(model: m.Model, proc: m.Procedure, env: Env) -> tuple[list[str], State]:
    """Apply the effects in order; say which cannot apply.

    People named in effects (``x``, ``ceo``) are read in the state before the step; each effect's
    own condition (a removed person is a member, an added person is not and a seat is free) is
    checked on the state left by the effects before it, so "remove x, then add y" replaces a
    director on a full board.
    """
    problems = []
    members = {b: set(ms) for b, ms in env.state.members}
    offices = dict(env.state.offices)
    params = dict(env.state.params)
    held = dict(env.state.balances)
    delegated = dict(env.state.delegates)
    for eff in proc.effects:
        if eff.kind in m.TOKEN_EFFECTS:
            problems += _token_effect(eff, env, held, delegated)
        elif eff.kind == "vacate":
            offices[eff.target] = None
        elif eff.kind == "fill":
            offices[eff.target] = eval_person(eff.person, env)
        elif eff.kind == "set":
            params[eff.target] = eff.value
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
                problems.append(f"'{eff.text}': {principal} already holds {model.bodies[eff.target].cap} seat(s) of "
                                f"{eff.target}, its cap")
            else:
                body.add(who)
    after = env.state.replace({b: frozenset(v) for b, v in members.items()}, offices, params)
    if env.state.balances:
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
        return _execute_problems(model, proc, state, step)
    if step.phase == "veto":
        return _veto_problems(model, proc, state, step)
    if step.phase == "propose":
        return propose_problems(model, proc, state, step)
    if step.phase == "cancel":
        return cancel_problems(model, proc, state, step)
    args = dict(step.args)
    problems = args_problems(model, proc, state, args) + loan_problems(model, proc, step)
    if problems:
        return problems
    if proc.lifecycle is not None:
        problems += vote_window_problems(proc, state, step.args)
    env = Env(model, state, args)
    for g in proc.guards:
        if not eval_bool(g.expr, env):
            problems.append(f"guard fails: {g.text}")
    if len(step.stages) != len(proc.stages):
        return problems + ["wrong number of stage choices"]
    counted = counting_powers(model, proc, state, step.loan)
    for i, (stage, c) in enumerate(zip(proc.stages, step.stages)):
        problems += choice_problems(proc, stage, state, args, c)
        carries = stage_carries(proc, i, state, args, c, model, counted)
        if stage.kind == "vetoed" and carries:
            problems.append(f"vetoed by {stage.body}")
        if stage.kind != "vetoed" and not carries:
            problems.append(f"the {stage.kind} stage by {stage.body} does not carry")
    if proc.timed:
        if proc.waiting(state.pending_of(proc.name), state.now):
            problems.append(f"a decision of '{proc.name}' is already waiting to take effect")
    else:
        problems += effect_problems(model, proc, env)
    return problems


# ------------------------------------------------------------------ proposals and flash loans


def counting_powers(model: m.Model, proc: m.Procedure, state: State, loan: str | None = None) -> dict[str, Fraction]:
    """The voting power a procedure's vote counts: the proposal's snapshot, or the power now (live)
    with the step's flash loan."""
    if proc.lifecycle is not None and proc.lifecycle.snapshot:
        proposal = state.proposal_of(proc.name)
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


def voting_closes(proc: m.Procedure, day: int) -> int | None:
    """The first day on which a proposal made on ``day`` can no longer be voted on (None: never)."""
    life = proc.lifecycle
    return None if life.period is None else day + life.delay + life.period


def vote_window_problems(proc: m.Procedure, state: State, args: tuple) -> list[str]:
    proposal = state.proposal_of(proc.name)
    if proposal is None:
        return [f"'{proc.name}' has not been proposed"]
    if proposal[0] != args:
        return [f"the proposal of '{proc.name}' has arguments {dict(proposal[0])}"]
    opens, closes = proposal[1] + proc.lifecycle.delay, voting_closes(proc, proposal[1])
    if state.now < opens:
        return [f"the vote on '{proc.name}' opens on day {opens}, it is day {state.now}"]
    if closes is not None and state.now >= closes:
        return [f"the vote on '{proc.name}' closed on day {closes}"]
    return []


def open_proposal(proc: m.Procedure, state: State):
    """The procedure's proposal if it can still be voted on, else None."""
    proposal = state.proposal_of(proc.name)
    if proposal is None:
        return None
    closes = voting_closes(proc, proposal[1])
    return proposal if closes is None or state.now < closes else None


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
    body = proc.stages[0].body
    if step.proposer not in state.body(body):
        return [f"{step.proposer} is not a member of {body}, who may propose '{proc.name}'"]
    power = powers(model, state, step.loan)[step.proposer]
    if power < threshold(model, proc, state):
        problems.append(f"{step.proposer} has voting power {power}, below the proposal threshold "
                        f"{threshold(model, proc, state)}")
    previous = state.proposal_of(proc.name)
    if previous is not None and proc.lifecycle.period is not None and open_proposal(proc, state) is not None:
        problems.append(f"a proposal of '{proc.name}' is open until day {voting_closes(proc, previous[1])}")
    return problems


def cancel_problems(model: m.Model, proc: m.Procedure, state: State, step: Step) -> list[str]:
    if proc.lifecycle is None or proc.lifecycle.threshold is None:
        return [f"'{proc.name}' has no proposal threshold, so no cancellation"]
    proposal = open_proposal(proc, state)
    if proposal is None:
        return [f"no open proposal of '{proc.name}'"]
    if proposal[0] != step.args:
        return [f"the proposal of '{proc.name}' has arguments {dict(proposal[0])}"]
    power = powers(model, state)[proposal[2]]
    if power >= threshold(model, proc, state):
        return [f"the proposer {proposal[2]} still has voting power {power}, at or above the threshold"]
    return []


def _pending_problems(proc: m.Procedure, state: State, step: Step) -> tuple[list[str], int]:
    pending = state.pending_of(proc.name)
    if pending is None:
        return [f"no approved decision of '{proc.name}' is waiting"], 0
    if pending[0] != step.args:
        return [f"the waiting decision of '{proc.name}' has arguments {dict(pending[0])}"], 0
    return [], pending[1]


def _execute_problems(model: m.Model, proc: m.Procedure, state: State, step: Step) -> list[str]:
    if not proc.timed or step.stages:
        return [f"'{proc.name}' takes effect when it passes"] if not proc.timed else ["taking effect has no vote"]
    problems, at = _pending_problems(proc, state, step)
    if problems:
        return problems
    if state.now < at + proc.delay:
        return [f"'{proc.name}' may take effect from day {at + proc.delay}, it is day {state.now}"]
    if not proc.waiting(state.pending_of(proc.name), state.now):
        return [f"the decision of '{proc.name}' expired on day {proc.expires_on(at)}"]
    return effect_problems(model, proc, Env(model, state, dict(step.args)))


def _veto_problems(model: m.Model, proc: m.Procedure, state: State, step: Step) -> list[str]:
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


def window_carries(model: m.Model, proc: m.Procedure, state: State, args: dict[str, str], choice: StageChoice) -> bool:
    """Does the veto (the window stage) carry with these choices?"""
    stage = proc.window_stage
    sets = [stage_sets(proc, stage, state, args, choice)]
    env = Env(model, state, args, sets)
    if stage.quorum is not None and not eval_bool(stage.quorum.expr, env):
        return False
    return eval_bool(stage.passes.expr, env)


def apply(model: m.Model, state: State, step: Step) -> State:
    """The state after a legal step (see :func:`run_effects`)."""
    if step.procedure == WAIT:
        return state.replace(now=state.now + step.days)
    proc = model.procedures[step.procedure]
    others = tuple(p for p in state.proposals if p[0] != proc.name)
    voted_on = state.proposal_of(proc.name) if proc.lifecycle is not None else None
    if step.phase == "propose":
        snapshot = tuple(sorted(powers(model, state).items())) if proc.lifecycle.snapshot else ()
        return state.replace(proposals=others + ((proc.name, step.args, state.now, step.proposer, snapshot),),
                             proposed={**dict(state.proposed), proc.name: state.now})
    if step.phase == "cancel":
        return state.replace(proposals=others)
    if proc.lifecycle is not None and step.phase == "pass":  # the vote uses up the proposal
        state = state.replace(proposals=others)
    if proc.timed and step.phase == "pass":  # approved: the effects wait, with the day of their proposal
        kept = tuple(p for p in state.pending if p[0] != proc.name)  # an expired decision is replaced
        proposed = voted_on[1] if voted_on is not None else -1
        return state.replace(pending=kept + ((proc.name, step.args, state.now, proposed),))
    if step.phase == "veto":
        return state.replace(pending=tuple(p for p in state.pending if p[0] != proc.name))
    after = run_effects(model, proc, Env(model, state, dict(step.args)))[1]
    if step.phase == "execute":
        after = after.replace(pending=tuple(p for p in state.pending if p[0] != proc.name))
    return after


def step_env(model: m.Model, state: State, step: Step) -> Env:
    """The environment in which a step property is evaluated: pre-state, arguments, stage sets."""
    if step.procedure == WAIT:
        return Env(model, state, passed=WAIT, phase="wait")
    proc = model.procedures[step.procedure]
    args = dict(step.args)
    stages = (proc.window_stage,) if step.phase == "veto" else proc.stages
    sets = [stage_sets(proc, s, state, args, c) for s, c in zip(stages, step.stages)]
    counted = counting_powers(model, proc, state, step.loan) if step.phase == "pass" else None
    return Env(model, state, args, sets, passed=step.procedure, phase=step.phase, powers=counted)


# ------------------------------------------------------------------ coalition force


def _outsider_options(stage: m.Stage, voter: bool) -> tuple[str, ...]:
    """What an outsider may do at a stage under passive opposition (never a yes to the coalition's motion)."""
    if stage.mode == "consent":
        return ("sign", "none") if stage.kind == "vetoed" and voter else ("none",)
    if not voter:
        return ("absent", "attend")
    if stage.kind == "vetoed":
        return ("absent", "yes", "no", "abstain")
    return ("absent", "no", "abstain")


def outsider_responses(model: m.Model, proc: m.Procedure, index: int, state: State, args: dict[str, str],
                       coalition_choice: StageChoice, coalition: frozenset[str], limit: int = 200_000,
                       stage: m.Stage | None = None, power: dict[str, Fraction] | None = None,
                       vertices: bool = False) -> Iterator[StageChoice]:
    """Every way the notified outsiders can respond at one stage, up to interchangeability.

    Outsiders who are alike for every rule (same weight, same bodies, same recusal, not named by
    any office, argument or rule) are grouped; one representative assignment per count vector is
    produced, which is exact because every rule's value is invariant under swapping them.

    With ``vertices``, only the responses in which each group acts as one (all its members take
    the same option): enough for a question "does every response keep a conjunction of linear
    comparisons true" (see :func:`linear_stage`), since a linear function of the counts takes its
    least value over all count vectors at such a response.
    """
    stage = stage or proc.stages[index]
    members = state.body(stage.body)
    r_vote = recused(proc, args, "vote") & members
    r_quorum = recused(proc, args, "quorum") & members
    notified = coalition_choice.notified
    outsiders = sorted((notified - coalition) & members)
    classes = _classes(model, state, args, outsiders, r_vote, r_quorum, power)
    per_class = []
    total = 1
    for key, people in classes.items():
        options = _outsider_options(stage, people[0] not in r_vote)
        total *= len(options) if vertices else math.comb(len(people) + len(options) - 1, len(options) - 1)
        if total > limit:  # (counted before the compositions are made: there may be millions)
            raise ReplayLimit(f"more than {limit} outsider responses to enumerate")
        if vertices:
            splits = [tuple(len(people) if j == k else 0 for j in range(len(options))) for k in range(len(options))]
        else:
            splits = list(compositions(len(people), len(options)))
        per_class.append((people, options, splits))
    for combo in itertools.product(*[[(people, options, split) for split in splits] for people, options, splits in per_class]):
        yield assemble_choice(combo, notified, coalition_choice)


# What each option of one member puts them in.  "out": not notified (a meeting without notice);
# "told": notified but absent; the others attend (and vote, or sign, as named).
OPTION_SETS = {"out": (), "told": (), "absent": (), "none": (), "attend": ("attended",), "yes": ("attended", "yes"),
               "no": ("attended", "no"), "abstain": ("attended", "abstain"), "sign": ("attended", "yes")}


def _steps_in(e) -> bool:
    return any(isinstance(x, m.StepSet) for x in m.walk(e))


def _linear(e) -> bool:
    """Is a number linear in the counts of step sets (sums, differences, products by a step-free factor)?"""
    if isinstance(e, m.Arith):
        if e.op == "*":
            return (not _steps_in(e.left) and _linear(e.right)) or (not _steps_in(e.right) and _linear(e.left))
        return _linear(e.left) and _linear(e.right)
    return True  # a count (of a step set or not), or a number that does not depend on the stage's choices


def conjunction(e) -> list | None:
    """The comparisons of a rule that is a conjunction of comparisons, else None."""
    if isinstance(e, m.Compare):
        return [e]
    if isinstance(e, m.And):
        out = []
        for item in e.items:
            sub = conjunction(item)
            if sub is None:
                return None
            out += sub
        return out
    return [] if isinstance(e, m.BoolConst) and e.value else None


def linear_stage(stage: m.Stage) -> bool:
    """Is "the stage carries" (for a veto: "it does not") a conjunction of linear comparisons of the
    stage's counts, so that the responses of :func:`outsider_responses` with ``vertices`` decide
    whether every response lets it through?"""
    atoms = conjunction(stage.passes.expr)
    quorum = conjunction(stage.quorum.expr) if stage.quorum is not None else []
    if atoms is None or quorum is None:
        return False
    atoms = quorum + atoms
    if stage.kind == "vetoed" and len(atoms) != 1:
        return False  # (the negation of one comparison is one comparison)
    return all(a.op != "!=" and _linear(a.left) and _linear(a.right) for a in atoms)


def assemble_choice(combo, notified: frozenset[str] | None = None, base: StageChoice | None = None) -> StageChoice:
    """A stage choice from (people, options, how many take each option) triples, added to ``base``.

    Without ``notified``, everyone whose option is not "out" is notified (a free or coalition choice).
    """
    chosen = {"notified": set(), "attended": set(), "yes": set(), "no": set(), "abstain": set()}
    if base is not None:
        for key in ("attended", "yes", "no", "abstain"):
            chosen[key].update(getattr(base, key))
    for people, options, split in combo:
        i = 0
        for option, count in zip(options, split):
            group = people[i : i + count]
            i += count
            if option != "out":
                chosen["notified"].update(group)
            for key in OPTION_SETS[option]:
                chosen[key].update(group)
    told = frozenset(chosen["notified"]) if notified is None else notified
    return StageChoice(told, frozenset(chosen["attended"]), frozenset(chosen["yes"]), frozenset(chosen["no"]),
                       frozenset(chosen["abstain"]))


def member_key(model: m.Model, state: State, person: str, power: dict[str, Fraction] | None = None) -> tuple:
    """What a stage's rules can see of a member within one step: the bodies they sit in and the
    voting power counted (``power``, else the state's).  Choices within a step do not change the
    next state, so members alike in this are interchangeable for the step."""
    bodies = frozenset(b for b, ms in state.members if person in ms)
    counted = power if power is not None else powers(model, state) if state.balances else None
    return (counted[person] if counted is not None else model.person(person).weight, bodies)


def _classes(model: m.Model, state: State, args: dict[str, str], people, r_vote, r_quorum,
             power: dict[str, Fraction] | None = None) -> dict[tuple, list[str]]:
    """Members grouped by what the rules can see of them; named people are alone in their group."""
    named = named_people(model, state, args)
    classes: dict[tuple, list[str]] = {}
    for p in people:
        key = (p,) if p in named else ("class", member_key(model, state, p, power), p in r_vote, p in r_quorum)
        classes.setdefault(key, []).append(p)
    return classes


def named_people(model: m.Model, state: State, args: dict[str, str]) -> set[str]:
    """The people a step tells apart: those the spec names (:meth:`Model.named_in_rules`), the
    holders of offices now and the step's arguments."""
    return set(model.named_in_rules()) | {h for _, h in state.offices if h} | set(args.values())


def compositions(n: int, k: int) -> Iterator[tuple[int, ...]]:
    """All ways to write n as an ordered sum of k non-negative integers."""
    if k == 1:
        yield (n,)
        return
    for first in range(n + 1):
        for rest in compositions(n - first, k - 1):
            yield (first,) + rest




def coalition_veto_responses(model: m.Model, proc: m.Procedure, state: State, args: dict[str, str],
                             coalition: frozenset[str]) -> Iterator[StageChoice]:
    """Every way the coalition's members can respond to a veto attempt in a window (up to
    interchangeability), everyone being notified (a veto window is open to every member)."""
    stage = proc.window_stage
    members = state.body(stage.body)
    r_vote = recused(proc, args, "vote") & members
    r_quorum = recused(proc, args, "quorum") & members
    classes = _classes(model, state, args, sorted(members & coalition), r_vote, r_quorum)
    per_class = []
    for people in classes.values():
        if stage.mode == "consent":
            options = ("none",) if people[0] in r_vote else ("none", "sign")
        else:
            options = ("absent", "attend") if people[0] in r_vote else ("absent", "yes", "no", "abstain")
        per_class.append([(people, options, split) for split in compositions(len(people), len(options))])
    for combo in itertools.product(*per_class):
        yield assemble_choice(combo, members)


def open_windows(model: m.Model, state: State):
    """(procedure, arguments, approved on day) of every waiting decision whose veto window is open."""
    for name, args_t, at, _ in state.pending:
        proc = model.procedures[name]
        if proc.window_stage is not None and state.now < at + proc.window_stage.window:
            yield proc, args_t, at


def veto_threat(model: m.Model, state: State, coalition: frozenset[str]) -> str | None:
    """Why outsiders could veto one of the coalition's pending decisions now (None: they cannot).

    While a veto window is open, the outsiders may use it (the spec gives them that procedure), so
    a forcing sequence may only pass through states where some response of the coalition's own
    members defeats every veto attempt.
    """
    for proc, args_t, at in open_windows(model, state):
        name, stage, args = proc.name, proc.window_stage, dict(args_t)
        safe = False
        for own in coalition_veto_responses(model, proc, state, args, coalition):
            if not any(window_carries(model, proc, state, args, r)
                       for r in outsider_responses(model, proc, 0, state, args, own, coalition, stage=stage)):
                safe = True
                break
        if not safe:
            return f"on day {state.now} the outsiders can veto '{name}' ({stage.body}, window until day {at + stage.window})"
    for proc in model.procedures.values():
        if proc.lifecycle is not None and open_proposal(proc, state) is not None:
            step = Step(proc.name, state.proposal_of(proc.name)[0], phase="cancel")
            if not cancel_problems(model, proc, state, step):
                return f"on day {state.now} anyone can cancel the proposal of '{proc.name}' (its proposer is below the threshold)"
    return None


def coalition_part(choice: StageChoice, coalition: frozenset[str]) -> StageChoice:
    return StageChoice(choice.notified, choice.attended & coalition, choice.yes & coalition,
                       choice.no & coalition, choice.abstain & coalition)


def _responses(model: m.Model, proc: m.Procedure, i: int, state: State, args: dict[str, str], c: StageChoice,
               coalition: frozenset[str], counted, stage: m.Stage) -> Iterator[StageChoice]:
    """The outsiders' responses a forcing step must withstand: all of them, or, when there are too
    many to enumerate and the stage's rule is linear, the responses where each group acts as one."""
    try:
        yield from outsider_responses(model, proc, i, state, args, c, coalition, power=counted)
    except ReplayLimit:
        if not linear_stage(stage):
            raise
        yield from outsider_responses(model, proc, i, state, args, c, coalition, power=counted, vertices=True)


def forced_problems(model: m.Model, state: State, step: Step, coalition: frozenset[str]) -> list[str]:
    """Why ``step`` is not forced by ``coalition`` from ``state`` (empty: whatever outsiders do, it passes).

    The step's coalition part (procedure, arguments, whom to notify, coalition members' votes) is
    kept; every outsider response at every stage is tried.
    """
    threat = veto_threat(model, state, coalition)
    if threat:
        return [threat]
    if step.procedure == WAIT:
        return step_problems(model, state, step)
    proc = model.procedures.get(step.procedure)
    if proc is None:
        return [f"unknown procedure {step.procedure}"]
    if step.phase == "veto":
        return ["a veto is the outsiders' move, not the coalition's"]
    if step.phase in ("execute", "cancel"):
        return step_problems(model, state, step)
    outside = [who for who in (step.proposer, step.loan) if who is not None and who not in coalition]
    if outside:
        return [f"{outside[0]} is not in the coalition (only its members propose and borrow)"]
    if step.phase == "propose":
        return step_problems(model, state, step)
    args = dict(step.args)
    if proc.is_event:
        if not set(args.values()) <= coalition:
            return ["an event not on the coalition's own members is outside its control"]
        return step_problems(model, state, step)
    base = Step(step.procedure, step.args, tuple(coalition_part(c, coalition) for c in step.stages))
    problems = args_problems(model, proc, state, args) + loan_problems(model, proc, step)
    if problems:
        return problems
    if proc.lifecycle is not None:
        problems += vote_window_problems(proc, state, step.args)
    counted = counting_powers(model, proc, state, step.loan)
    env = Env(model, state, args)
    problems = [f"guard fails: {g.text}" for g in proc.guards if not eval_bool(g.expr, env)]
    if proc.timed:
        if proc.waiting(state.pending_of(proc.name), state.now):
            problems.append(f"a decision of '{proc.name}' is already waiting to take effect")
    else:
        problems += effect_problems(model, proc, env)
    if problems:
        return problems
    for i, (stage, c) in enumerate(zip(proc.stages, base.stages)):
        for response in _responses(model, proc, i, state, args, c, coalition, counted, stage):
            bad = choice_problems(proc, stage, state, args, response)
            if bad:
                return [f"stage {i}: {b}" for b in bad]
            carries = stage_carries(proc, i, state, args, response, model, counted)
            if carries == (stage.kind == "vetoed"):
                return [f"outsiders can stop it at the {stage.kind} stage by {stage.body}: "
                        f"present {sorted(response.attended)}, yes {sorted(response.yes)}, no {sorted(response.no)}"]
    return []
