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
    pending: tuple[tuple[str, tuple[tuple[str, str], ...], int], ...] = ()  # (procedure, args, approved on day)

    def pending_of(self, procedure: str):
        """(args, approved_at) of the procedure's approved decision waiting to take effect, or None."""
        for name, args, at in self.pending:
            if name == procedure:
                return args, at
        return None

    def body(self, name: str) -> frozenset[str]:
        return dict(self.members)[name]

    def holder(self, office: str) -> str | None:
        return dict(self.offices)[office]

    def param(self, name: str) -> Fraction:
        return dict(self.params)[name]

    def replace(self, members=None, offices=None, params=None, now=None, pending=None) -> "State":
        return State(
            tuple(sorted((members or dict(self.members)).items())),
            tuple(sorted((offices or dict(self.offices)).items())),
            tuple(sorted((params or dict(self.params)).items())),
            self.now if now is None else now,
            self.pending if pending is None else tuple(sorted(pending)),
        )


def initial_state(model: m.Model) -> State:
    return State(
        tuple(sorted((b.name, frozenset(b.members)) for b in model.bodies.values())),
        tuple(sorted((o.name, o.holder) for o in model.offices.values())),
        tuple(sorted((p.name, p.initial) for p in model.params.values())),
    )


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
    phase: str = "pass"
    days: int = 0

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
                return sum((env.model.person(p).weight for p in people), Fraction(0))
            return Fraction(len(people))
        case m.Arith(op=op, left=a, right=b):
            x, y = eval_num(a, env), eval_num(b, env)
            return x + y if op == "+" else x - y if op == "-" else x * y
        case m.Now():
            return Fraction(env.state.now)
        case m.ApprovedAt(procedure=p):
            pending = env.state.pending_of(p)
            return Fraction(pending[1] if pending else -1)
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


def stage_carries(proc: m.Procedure, index: int, state: State, args: dict[str, str], c: StageChoice, model: m.Model) -> bool:
    stage = proc.stages[index]
    sets = [dict() for _ in proc.stages]
    sets[index] = stage_sets(proc, stage, state, args, c)
    env = Env(model, state, args, sets)
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
    for eff in proc.effects:
        if eff.kind == "vacate":
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
            else:
                body.add(who)
    return problems, env.state.replace({b: frozenset(v) for b, v in members.items()}, offices, params)


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
    args = dict(step.args)
    problems = args_problems(model, proc, state, args)
    if problems:
        return problems
    env = Env(model, state, args)
    for g in proc.guards:
        if not eval_bool(g.expr, env):
            problems.append(f"guard fails: {g.text}")
    if len(step.stages) != len(proc.stages):
        return problems + ["wrong number of stage choices"]
    for i, (stage, c) in enumerate(zip(proc.stages, step.stages)):
        problems += choice_problems(proc, stage, state, args, c)
        carries = stage_carries(proc, i, state, args, c, model)
        if stage.kind == "vetoed" and carries:
            problems.append(f"vetoed by {stage.body}")
        if stage.kind != "vetoed" and not carries:
            problems.append(f"the {stage.kind} stage by {stage.body} does not carry")
    if proc.timed:
        if state.pending_of(proc.name) is not None:
            problems.append(f"a decision of '{proc.name}' is already waiting to take effect")
    else:
        problems += effect_problems(model, proc, env)
    return problems


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
    if proc.timed and step.phase == "pass":  # approved: the effects wait
        return state.replace(pending=state.pending + ((proc.name, step.args, state.now),))
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
    return Env(model, state, args, sets, passed=step.procedure, phase=step.phase)


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
                       stage: m.Stage | None = None) -> Iterator[StageChoice]:
    """Every way the notified outsiders can respond at one stage, up to interchangeability.

    Outsiders who are alike for every rule (same weight, same bodies, same recusal, not named by
    any office, argument or rule) are grouped; one representative assignment per count vector is
    produced, which is exact because every rule's value is invariant under swapping them.
    """
    stage = stage or proc.stages[index]
    members = state.body(stage.body)
    r_vote = recused(proc, args, "vote") & members
    r_quorum = recused(proc, args, "quorum") & members
    notified = coalition_choice.notified
    outsiders = sorted((notified - coalition) & members)
    named = _named_people(model, state, args)
    classes: dict[tuple, list[str]] = {}
    for p in outsiders:
        bodies = frozenset(b for b, ms in state.members if p in ms)
        key = (p,) if p in named else ("class", model.person(p).weight, bodies, p in r_vote, p in r_quorum)
        classes.setdefault(key, []).append(p)
    per_class = []
    total = 1
    for key, people in classes.items():
        options = _outsider_options(stage, people[0] not in r_vote)
        splits = list(_compositions(len(people), len(options)))
        total *= len(splits)
        if total > limit:
            raise ReplayLimit(f"more than {limit} outsider responses to enumerate")
        per_class.append((people, options, splits))
    for combo in itertools.product(*[[(people, options, split) for split in splits] for people, options, splits in per_class]):
        yield assemble_choice(combo, notified, coalition_choice)


# What each option of one member puts them in.  "out": not notified (a meeting without notice);
# "told": notified but absent; the others attend (and vote, or sign, as named).
OPTION_SETS = {"out": (), "told": (), "absent": (), "none": (), "attend": ("attended",), "yes": ("attended", "yes"),
               "no": ("attended", "no"), "abstain": ("attended", "abstain"), "sign": ("attended", "yes")}


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


def _named_people(model: m.Model, state: State, args: dict[str, str]) -> set[str]:
    named = {h for _, h in state.offices if h} | set(args.values())
    for proc in model.procedures.values():
        for rule in [*proc.guards, *[s.passes for s in proc.stages], *[s.quorum for s in proc.stages if s.quorum]]:
            named |= _consts(rule.expr)
    for prop in model.properties:
        for e in (prop.state, prop.step, prop.goal.state if prop.goal else None):
            if e is not None:
                named |= _consts(e)
    return named


def _consts(e) -> set[str]:
    return {x.name for x in m.walk(e) if isinstance(x, m.PersonConst)}


def _compositions(n: int, k: int) -> Iterator[tuple[int, ...]]:
    """All ways to write n as an ordered sum of k non-negative integers."""
    if k == 1:
        yield (n,)
        return
    for first in range(n + 1):
        for rest in _compositions(n - first, k - 1):
            yield (first,) + rest




def coalition_veto_responses(model: m.Model, proc: m.Procedure, state: State, args: dict[str, str],
                             coalition: frozenset[str]) -> Iterator[StageChoice]:
    """Every way the coalition's members can respond to a veto attempt in a window (up to
    interchangeability), everyone being notified (a veto window is open to every member)."""
    stage = proc.window_stage
    members = state.body(stage.body)
    r_vote = recused(proc, args, "vote") & members
    r_quorum = recused(proc, args, "quorum") & members
    named = _named_people(model, state, args)
    classes: dict[tuple, list[str]] = {}
    for p in sorted(members & coalition):
        bodies = frozenset(b for b, ms in state.members if p in ms)
        key = (p,) if p in named else ("class", model.person(p).weight, bodies, p in r_vote, p in r_quorum)
        classes.setdefault(key, []).append(p)
    per_class = []
    for people in classes.values():
        if stage.mode == "consent":
            options = ("none",) if people[0] in r_vote else ("none", "sign")
        else:
            options = ("absent", "attend") if people[0] in r_vote else ("absent", "yes", "no", "abstain")
        per_class.append([(people, options, split) for split in _compositions(len(people), len(options))])
    for combo in itertools.product(*per_class):
        yield assemble_choice(combo, members)


def open_windows(model: m.Model, state: State):
    """(procedure, arguments, approved on day) of every waiting decision whose veto window is open."""
    for name, args_t, at in state.pending:
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
    return None


def coalition_part(choice: StageChoice, coalition: frozenset[str]) -> StageChoice:
    return StageChoice(choice.notified, choice.attended & coalition, choice.yes & coalition,
                       choice.no & coalition, choice.abstain & coalition)


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
    if step.phase == "execute":
        return step_problems(model, state, step)
    args = dict(step.args)
    if proc.is_event:
        if not set(args.values()) <= coalition:
            return ["an event not on the coalition's own members is outside its control"]
        return step_problems(model, state, step)
    base = Step(step.procedure, step.args, tuple(coalition_part(c, coalition) for c in step.stages))
    problems = args_problems(model, proc, state, args)
    if problems:
        return problems
    env = Env(model, state, args)
    problems = [f"guard fails: {g.text}" for g in proc.guards if not eval_bool(g.expr, env)]
    if proc.timed:
        if state.pending_of(proc.name) is not None:
            problems.append(f"a decision of '{proc.name}' is already waiting to take effect")
    else:
        problems += effect_problems(model, proc, env)
    if problems:
        return problems
    for i, (stage, c) in enumerate(zip(proc.stages, base.stages)):
        for response in outsider_responses(model, proc, i, state, args, c, coalition):
            bad = choice_problems(proc, stage, state, args, response)
            if bad:
                return [f"stage {i}: {b}" for b in bad]
            carries = stage_carries(proc, i, state, args, response, model)
            if carries == (stage.kind == "vetoed"):
                return [f"outsiders can stop it at the {stage.kind} stage by {stage.body}: "
                        f"present {sorted(response.attended)}, yes {sorted(response.yes)}, no {sorted(response.no)}"]
    return []
