"""The explicit-state engine: a second opinion that enumerates behaviours on the reference semantics.

No Z3 here.  Every step is built from the reference interpreter (:mod:`govspec.semantics`):
every procedure and event, every argument, every choice of whom to notify, who attends and how
each votes, breadth-first up to the depth, so the first violation found is a shortest one.
Coalition properties enumerate every coalition within the bound and every coalition move, and
confirm each move against every outsider response.

Members the rules cannot tell apart (same weight, same bodies, same recusal, named by no office,
argument, rule or property) are enumerated by how many take each option, not by who: exact,
because every rule's value is invariant under swapping them (the same grouping the replay of
forcing steps uses).

The engine is for small specs.  It refuses, with an UNKNOWN naming the limit, a problem whose
step choices, visited states or coalitions exceed :data:`LIMITS` rather than run for hours.

Besides the bounded search, :func:`prove_by_exhaustion` (``ExplicitEngine.prove_unbounded``) proves
properties for behaviours of any length by exploring every state reachable once absolute days are
abstracted into capped ages, to a fixpoint (see "proofs by exhaustion" below).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections import deque
from fractions import Fraction
from typing import Iterator

from . import model as m
from . import semantics as sem
from .engine import Deadline, Outcome

LIMITS = {
    "choices per stage": 20_000,
    "states": 50_000,
    "coalitions": 2_000,
    "depth": 8,
    "days": 400,
}


class TooLarge(Exception):
    pass


# ------------------------------------------------------------------ enumerating one step


def _arg_tuples(model: m.Model, proc: m.Procedure, state: sem.State) -> Iterator[dict[str, str]]:
    domains = []
    everyone = [p.name for p in model.people]
    for f in proc.formals:
        if f.domain == "people":
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
    told = ("told",) if stage.notice == "all" else ("out", "told")
    if role == "outsider":
        return told
    if recused_from_vote:
        return told + ("attend",)
    return told + ("yes", "no", "abstain")


def _choices(model: m.Model, proc: m.Procedure, index: int, state: sem.State, args: dict[str, str],
             coalition: frozenset[str] | None = None, stage: m.Stage | None = None,
             power: dict[str, Fraction] | None = None) -> Iterator[sem.StageChoice]:
    """Every choice at one stage, up to interchangeable members.

    With ``coalition``, only the coalition's part is chosen (whom to notify, and the coalition
    members' attendance and votes); outsiders are only notified or not.
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
        splits = list(sem.compositions(len(people), len(options)))
        total *= len(splits)
        if total > LIMITS["choices per stage"]:
            raise TooLarge(f"more than {LIMITS['choices per stage']} choices at one stage of '{proc.name}'")
        per_class.append([(people, options, split) for split in splits])
    for combo in itertools.product(*per_class):
        yield sem.assemble_choice(combo)


def _stage_ok(model, proc, index, state, args, choice, power=None) -> bool:
    carries = sem.stage_carries(proc, index, state, args, choice, model, power)
    return carries != (proc.stages[index].kind == "vetoed")


def _loans(model: m.Model, proc: m.Procedure, borrowers) -> list[str | None]:
    """Who may take the flash loan in a proposal or vote of ``proc`` (None: nobody does)."""
    if model.flash_loan == 0 or (proc.lifecycle is not None and proc.lifecycle.snapshot):
        return [None]
    return [None, *borrowers]


def _vote_args(model: m.Model, proc: m.Procedure, state: sem.State) -> Iterator[dict[str, str]]:
    """The arguments a vote may have: any, or for a proposal, the open proposal's."""
    if proc.lifecycle is None:
        yield from _arg_tuples(model, proc, state)
    elif not sem.vote_window_problems(proc, state, (state.proposal_of(proc.name) or ((),))[0]):
        yield dict(state.proposal_of(proc.name)[0])


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
                    if not sem.step_problems(model, state, step):
                        yield step
                        break
        proposal = state.proposal_of(proc.name)
        if proposal is not None:
            step = sem.Step(proc.name, proposal[0], phase="cancel")
            if not sem.step_problems(model, state, step):
                yield step


def _preconditions_hold(model: m.Model, proc: m.Procedure, state: sem.State, args: dict[str, str]) -> bool:
    if proc.lifecycle is not None and sem.vote_window_problems(proc, state, tuple(args.items())):
        return False
    env = sem.Env(model, state, args)
    if not all(sem.eval_bool(g.expr, env) for g in proc.guards):
        return False
    if proc.timed:  # approval: the effects wait; one decision of a procedure waits at a time
        return not proc.waiting(state.pending_of(proc.name), state.now)
    return not sem.effect_problems(model, proc, env)


def _bound(e, model: m.Model) -> Fraction:
    """An upper bound on the absolute value of a number-valued expression in any state."""
    match e:
        case m.Num(value=v):
            return abs(v)
        case m.ParamRef(name=n):
            return max(abs(v) for v in model.params[n].values)
        case m.Seats(body=b):
            return Fraction(model.bodies[b].seats)
        case m.Count(weighted=w):
            return _supply_bound(model) if w else Fraction(len(model.people))
        case m.Supply():
            return _supply_bound(model)
        case m.Arith(op=op, left=a, right=b):
            x, y = _bound(a, model), _bound(b, model)
            return x * y if op == "*" else x + y
    return Fraction(0)  # now, approved_at: the days themselves


def _supply_bound(model: m.Model) -> Fraction:
    """No weight or supply exceeds the declared weights, the pool and every mint at every step."""
    mints = sum((max(model.params[e.amount.name].values) if isinstance(e.amount, m.ParamRef) else e.amount.value
                 for p in model.procedures.values() for e in p.effects if e.kind == "mint"), Fraction(0))
    return sum((p.weight for p in model.people), Fraction(0)) + model.flash_loan + mints * LIMITS["depth"]


def _numbers(e):
    """The two sides of every comparison that involves a day."""
    for x in m.walk(e):
        if isinstance(x, m.Compare) and any(isinstance(y, (m.Now, m.ApprovedAt, m.ProposedAt)) for side in (x.left, x.right)
                                            for y in m.walk(side)):
            yield x.left
            yield x.right


def time_horizon(model: m.Model) -> int:
    """Waits of 1..H days suffice.

    Days enter rules only in comparisons with other quantities, each bounded by B in every state
    (constants, parameters, seats, counts, weights); H exceeds every such bound and every delay, so
    after any longer wait every comparison that involves a day comes out as after a wait of H days.
    """
    exprs = []
    for proc in model.procedures.values():
        stages = [*proc.stages, *([proc.window_stage] if proc.window_stage else [])]
        exprs += [r.expr for r in [*proc.guards, *[st.passes for st in stages], *[st.quorum for st in stages if st.quorum]]]
    for prop in model.properties:
        exprs += [e for e in (prop.state, prop.step, prop.goal.state if prop.goal else None) if e is not None]
    bound = max((_bound(x, model) for e in exprs for x in _numbers(e)), default=Fraction(0))
    delays = sum(p.delay + (p.grace or 0) + (p.lifecycle.delay + (p.lifecycle.period or 0) if p.lifecycle else 0)
                 for p in model.procedures.values())
    horizon = int(bound) + delays + 2
    if horizon > LIMITS["days"]:
        raise TooLarge(f"rules compare days with quantities up to {horizon}, beyond {LIMITS['days']} days")
    return horizon


def timed_steps(model: m.Model, state: sem.State, horizon: int | None = None) -> Iterator[sem.Step]:
    """Waits (of 1 to ``horizon`` days, by default :func:`time_horizon`), and the waiting decisions
    that may take effect now (no vote involved)."""
    if not model.timed:
        return
    for days in range(1, (time_horizon(model) if horizon is None else horizon) + 1):
        yield sem.Step(sem.WAIT, days=days)
    for name, args, _, _ in state.pending:
        step = sem.Step(name, args, phase="execute")
        if not sem.step_problems(model, state, step):
            yield step


def veto_steps(model: m.Model, state: sem.State) -> Iterator[sem.Step]:
    """One step per waiting decision whose veto window is open and whose veto can carry, per choice."""
    for proc, args_t, _ in sem.open_windows(model, state):
        stage, args = proc.window_stage, dict(args_t)
        for c in _choices(model, proc, 0, state, args, stage=stage):
            step = sem.Step(proc.name, args_t, (c,), phase="veto")
            if sem.window_carries(model, proc, state, args, c) and not sem.choice_problems(proc, stage, state, args, c):
                yield step


def steps_from(model: m.Model, state: sem.State, deadline: Deadline,
               violates=None, horizon: int | None = None) -> Iterator[tuple[sem.Step, bool]]:
    """One legal passing step per (procedure, arguments) from ``state``, with whether it violates.

    ``violates(step) -> bool`` (for a step property) makes the search look, among all passing
    choices of that procedure and arguments, for one that violates; otherwise any passing choice
    represents them all (the next state depends only on the procedure and its arguments).
    """
    everyone = [p.name for p in model.people]
    for proc in model.procedures.values():
        for args in _vote_args(model, proc, state):
            if deadline.expired():
                raise TimeoutError
            if not _preconditions_hold(model, proc, state, args):
                continue
            arg_items = tuple(args.items())
            if proc.is_event:
                step = sem.Step(proc.name, arg_items)
                yield step, bool(violates and violates(step))
                continue
            found = None  # a passing step, and whether it violates
            for loan in _loans(model, proc, everyone):
                counted = sem.counting_powers(model, proc, state, loan)
                picks = [next((c for c in _choices(model, proc, i, state, args, power=counted)
                               if _stage_ok(model, proc, i, state, args, c, counted)), None)
                         for i in range(len(proc.stages))]
                if any(p is None for p in picks):
                    continue
                step = sem.Step(proc.name, arg_items, tuple(picks), loan=loan)
                found = found or (step, False)
                if violates is None:
                    break
                bad = next((sem.Step(proc.name, arg_items, (c,) + tuple(picks[1:]), loan=loan)
                            for c in _choices(model, proc, 0, state, args, power=counted)
                            if _stage_ok(model, proc, 0, state, args, c, counted)
                            and violates(sem.Step(proc.name, arg_items, (c,) + tuple(picks[1:]), loan=loan))), None)
                if bad is not None:
                    found = (bad, True)
                    break
            if found is not None:
                yield found
    for step in lifecycle_steps(model, state):
        yield step, bool(violates and violates(step))
    for step in timed_steps(model, state, horizon):
        yield step, bool(violates and violates(step))
    representatives: dict[str, sem.Step] = {}
    violating: dict[str, sem.Step] = {}
    for step in veto_steps(model, state):
        representatives.setdefault(step.procedure, step)
        if violates is not None and step.procedure not in violating and violates(step):
            violating[step.procedure] = step
    for name, step in representatives.items():  # any carrying veto leads to the same next state
        yield (violating[name], True) if name in violating else (step, False)


# ------------------------------------------------------------------ searches


class _Tree:
    """States reached so far, each with the step it was first reached by (so paths are shortest)."""

    def __init__(self, start: sem.State):
        self.parent: dict[sem.State, tuple[sem.State, sem.Step] | None] = {start: None}

    def path(self, state: sem.State) -> list[sem.Step]:
        steps = []
        while self.parent[state] is not None:
            state, step = self.parent[state][0], self.parent[state][1]
            steps.append(step)
        return steps[::-1]

    def add(self, before: sem.State, step: sem.Step, after: sem.State) -> bool:
        """Record a newly reached state; False if it was reached before."""
        if after in self.parent:
            return False
        self.parent[after] = (before, step)
        if len(self.parent) > LIMITS["states"]:
            raise TooLarge(f"more than {LIMITS['states']} distinct states")
        return True


def _bfs(model: m.Model, depth: int, deadline: Deadline, state_bad=None, step_bad=None) -> Outcome:
    """Breadth-first search for a shortest behaviour ending in a bad state or a bad step."""
    if depth > LIMITS["depth"]:
        return Outcome("unknown", reason=f"depth {depth} is beyond the explicit engine's limit of {LIMITS['depth']}")
    start = sem.initial_state(model)
    tree = _Tree(start)
    layer = [start]
    try:
        for k in range(depth + 1):
            if state_bad is not None:
                for s in layer:
                    if state_bad(s):
                        return Outcome("found", tree.path(s), k)
            if k == depth:
                break
            nxt = []
            for s in layer:
                check = (lambda step, s=s: step_bad(s, step)) if step_bad is not None else None
                for step, bad in steps_from(model, s, deadline, check):
                    if bad:
                        return Outcome("found", tree.path(s) + [step], k + 1)
                    after = sem.apply(model, s, step)
                    if tree.add(s, step, after):
                        nxt.append(after)
            layer = nxt
    except TooLarge as err:
        return Outcome("unknown", reason=f"too large for the explicit engine: {err}")
    except TimeoutError:
        return Outcome("unknown", reason="time limit reached")
    return Outcome("none", depth=depth)


def forced_steps(model: m.Model, state: sem.State, coalition: frozenset[str], deadline: Deadline,
                 horizon: int | None = None) -> Iterator[sem.Step]:
    """Every step the coalition can force from ``state`` (one per procedure and arguments)."""
    yield from timed_steps(model, state, horizon)  # time passes whatever anyone does; taking effect needs no vote
    yield from lifecycle_steps(model, state, coalition)
    for proc in model.procedures.values():
        for args in _vote_args(model, proc, state):
            if deadline.expired():
                raise TimeoutError
            arg_items = tuple(args.items())
            if proc.is_event:
                step = sem.Step(proc.name, arg_items)
                if not sem.forced_problems(model, state, step, coalition):
                    yield step
                continue
            if not _preconditions_hold(model, proc, state, args):
                continue
            for loan in _loans(model, proc, sorted(coalition)):
                counted = sem.counting_powers(model, proc, state, loan)
                picks = []
                for i in range(len(proc.stages)):
                    pick = None
                    for c in _choices(model, proc, i, state, args, coalition, power=counted):
                        if all(_stage_ok(model, proc, i, state, args, r, counted)
                               for r in sem.outsider_responses(model, proc, i, state, args, c, coalition, power=counted)):
                            pick = c
                            break
                    if pick is None:
                        break
                    picks.append(pick)
                if len(picks) == len(proc.stages):
                    yield sem.Step(proc.name, arg_items, tuple(picks), loan=loan)
                    break


def _force_bfs(model: m.Model, goal: m.Goal, depth: int, deadline: Deadline, coalition: frozenset[str]) -> Outcome:
    start = sem.initial_state(model)
    tree = _Tree(start)
    layer = [start]

    def reached(state):
        return goal.state is not None and sem.eval_bool(goal.state, sem.Env(model, state))

    for k in range(depth + 1):
        for s in layer:
            if reached(s):
                return Outcome("found", tree.path(s), k, coalition=coalition)
        if k == depth:
            break
        nxt = []
        for s in layer:
            if sem.veto_threat(model, s, coalition):
                continue  # the outsiders may veto here: no forcing sequence goes through this state
            for step in forced_steps(model, s, coalition, deadline):
                if goal.procedure is not None and (step.procedure, step.phase) == (goal.procedure, goal.phase):
                    return Outcome("found", tree.path(s) + [step], k + 1, coalition=coalition)
                after = sem.apply(model, s, step)
                if tree.add(s, step, after):
                    nxt.append(after)
        layer = nxt
    return Outcome("none", depth=depth)


class ExplicitEngine:
    """Enumeration on the reference semantics; exact within its limits, refuses beyond them."""

    name = "explicit"

    # (``start``: the depths below it were searched; a breadth-first search finds the shortest anyway)

    def violation(self, model: m.Model, prop: m.Property, depth: int, deadline: Deadline, start: int = 0) -> Outcome:
        if prop.kind == "invariant":
            return _bfs(model, depth, deadline, state_bad=lambda s: not sem.eval_bool(prop.state, sem.Env(model, s)))

        def step_bad(state, step):
            return ((step.procedure, step.phase) == (prop.procedure, prop.phase)
                    and not sem.eval_bool(prop.step, sem.step_env(model, state, step)))
        return _bfs(model, depth, deadline, step_bad=step_bad)

    def reachable(self, model: m.Model, procedure: str, depth: int, deadline: Deadline, phase: str = "pass") -> Outcome:
        return _bfs(model, depth, deadline,
                    step_bad=lambda state, step: (step.procedure, step.phase) == (procedure, phase))

    def force(self, model: m.Model, goal: m.Goal, depth: int, deadline: Deadline,
              spec: m.CoalitionSpec | None, fixed: frozenset[str] | None, start: int = 0) -> Outcome:
        if depth > LIMITS["depth"]:
            return Outcome("unknown", reason=f"depth {depth} is beyond the explicit engine's limit of {LIMITS['depth']}")
        if fixed is not None:
            coalitions = [fixed]
        else:
            # a larger coalition can do whatever a smaller one can, so the largest allowed size suffices
            size = min(spec.size, len(spec.candidates))
            coalitions = itertools.islice(itertools.combinations(spec.candidates, size), LIMITS["coalitions"] + 1)
        best = None
        try:
            for count, combo in enumerate(coalitions):
                if count >= LIMITS["coalitions"]:
                    raise TooLarge(f"more than {LIMITS['coalitions']} coalitions")
                out = _force_bfs(model, goal, depth, deadline, frozenset(combo))
                if out.status == "found" and (best is None or out.depth < best.depth):
                    best = out
        except TooLarge as err:
            return Outcome("unknown", reason=f"too large for the explicit engine: {err}")
        except (TimeoutError, sem.ReplayLimit) as err:
            return Outcome("unknown", reason="time limit reached" if isinstance(err, TimeoutError) else str(err))
        return best if best is not None else Outcome("none", depth=depth)

    last_proof = "every reachable abstract state explored on the reference semantics (clocks capped)"

    def prove_unbounded(self, model: m.Model, prop: m.Property, deadline: Deadline) -> tuple[bool, str]:
        """Does the property hold for behaviours of any length?  See :func:`prove_by_exhaustion`."""
        self.last_proof = "every reachable abstract state explored on the reference semantics (clocks capped)"
        return prove_by_exhaustion(model, prop, deadline)

    def refute_unbounded(self, model: m.Model, prop: m.Property, deadline: Deadline) -> tuple[bool, str]:
        """Is a "can force" claim false for behaviours of any length?  See :func:`refute_by_exhaustion`."""
        return refute_by_exhaustion(model, prop, deadline)

    def prove_cannot_force(self, model: m.Model, goal: m.Goal, members: frozenset[str],
                           deadline: Deadline) -> tuple[bool, str]:
        """Has ``members`` no forcing sequence of any length for ``goal``?  (True, "") when every
        abstract state its forcing steps reach is explored and none reaches the goal."""
        self.last_proof = "every abstract state the coalition's forcing steps reach, explored on the reference semantics"

        def run():
            abstraction = Abstraction(model, [(goal.state, frozenset())] if goal.state is not None else [])
            if _cannot_force(model, goal, members, deadline, abstraction):
                return True, ""
            return False, "a forcing sequence exists"
        return _guarded(run)


# ------------------------------------------------------------------ proofs by exhaustion
#
# A state holds absolute days: ``now``, the day each waiting decision was approved, the day of each
# proposal.  Rules never see a day alone except through comparisons, and the interpreter compares
# days only as ages (``now`` minus a stored day) with the constants of the spec (timelocks, veto
# windows, voting delays and periods, expiry).  So, as timed-automata checkers do, a state is
# abstracted by its key: every stored day replaced by its age, capped at C, and ``now`` itself,
# capped at C, when some comparison reads it other than through an age.  C is chosen above every
# constant such a comparison or the interpreter compares an age (or ``now``) with.  Two states with
# the same key then allow the same steps, give every rule and the property the same value, and
# their successors by the same step have the same key again: the keys reachable from the initial
# state are a finite graph whose paths are exactly the behaviours, of any length.  Exploring it to
# a fixpoint with no violation proves the property for every length.
#
# The analysis refuses (Refused, no proof) whatever it cannot show sound: a comparison in which two
# days may differ by any amount (``P.approved_at >= Q.proposed_at``, ``now - P.approved_at >= now -
# Q.approved_at``), a day multiplied by something other than a fixed number, a day compared with a
# weight when tokens are minted (weights then have no bound), a state with fields it does not know.

_DAYS = (m.Now, m.ApprovedAt, m.ProposedAt)
# the fields of sem.State the key below knows how to abstract; a new field makes every proof refuse
_STATE_FIELDS = ("members", "offices", "params", "now", "pending", "balances", "delegates", "proposals", "proposed")


class Refused(Exception):
    """The abstraction of time cannot be shown sound for this spec; the message says why."""


def _has_days(e) -> bool:
    return any(isinstance(x, _DAYS) for x in m.walk(e))


def _constant(e) -> Fraction | None:
    """The value of a number that is the same in every state (literals and arithmetic on them), else None."""
    match e:
        case m.Num(value=v):
            return v
        case m.Arith(op=op, left=a, right=b):
            x, y = _constant(a), _constant(b)
            if x is None or y is None:
                return None
            return x + y if op == "+" else x - y if op == "-" else x * y
    return None


def _mints(model: m.Model) -> bool:
    return any(e.kind == "mint" for p in model.procedures.values() for e in p.effects)


def _day_free_bound(e, model: m.Model) -> Fraction:
    """A bound on the absolute value of a number with no day in it, in every state of every
    behaviour of any length (and within every step)."""
    match e:
        case m.Num(value=v):
            return abs(v)
        case m.ParamRef(name=n):
            return max(abs(v) for v in model.params[n].values)
        case m.Seats(body=b):
            if model.bodies[b].seats is None:
                raise Refused(f"the seats of '{b}' have no bound")
            return Fraction(model.bodies[b].seats)
        case m.Count(weighted=False):
            return Fraction(len(model.people))
        case m.Count(weighted=True) | m.Supply():
            if _mints(model):
                raise Refused("a rule compares a day with a weight, and minting leaves weights without bound")
            # no token is created: every weight counted is at most the balances and the flash-loan pool
            return sum((abs(p.weight) for p in model.people), Fraction(0)) + abs(model.flash_loan)
        case m.Arith(op=op, left=a, right=b):
            x, y = _day_free_bound(a, model), _day_free_bound(b, model)
            return x * y if op == "*" else x + y
    raise Refused(f"cannot bound a {type(e).__name__} compared with a day")


def _linear_days(e, model: m.Model) -> tuple[dict, Fraction]:
    """``e`` as a sum of day variables with fixed coefficients plus a rest: (coefficients, bound on
    the rest's absolute value).  Day variables: "now", ("approved", P), ("proposed", P)."""
    if not _has_days(e):
        return {}, _day_free_bound(e, model)
    match e:
        case m.Now():
            return {"now": Fraction(1)}, Fraction(0)
        case m.ApprovedAt(procedure=p):
            return {("approved", p): Fraction(1)}, Fraction(0)
        case m.ProposedAt(procedure=p):
            return {("proposed", p): Fraction(1)}, Fraction(0)
        case m.Arith(op="*", left=a, right=b):
            days, factor = (a, b) if _has_days(a) else (b, a)
            if _has_days(factor):
                raise Refused("a rule multiplies two days")
            k = _constant(factor)
            if k is None:
                raise Refused("a rule multiplies a day by a quantity that is not a fixed number")
            coeffs, rest = _linear_days(days, model)
            return {v: c * k for v, c in coeffs.items()}, rest * abs(k)
        case m.Arith(op=op, left=a, right=b):
            left, r1 = _linear_days(a, model)
            right, r2 = _linear_days(b, model)
            sign = 1 if op == "+" else -1
            out = dict(left)
            for v, c in right.items():
                out[v] = out.get(v, Fraction(0)) + sign * c
            return out, r1 + r2
    raise Refused(f"a day inside a {type(e).__name__} that the abstraction of time does not know")


def _comparison_needs(cmp: m.Compare, model: m.Model, present: frozenset = frozenset()) -> list[tuple[str, int]]:
    """What a comparison involving days needs of the key: (quantity, least cap), the quantity "now"
    or "age"; Refused if its value is not decided by capped ages and a capped ``now``.

    With left - right = sum of c_v * v + rest, |rest| <= B: a stored day v reads -1 when absent
    (adding |c_v| to B) and is now - age_v when present.  Each pattern of presence leaves a linear
    form in ``now`` and the ages; when at most one of them, t, has a coefficient c != 0, the sign of
    c*t + rest is fixed once t > B/|c|, so a cap above B/|c| decides it.  Two or more left: refuse.
    Day variables in ``present`` are known to be present wherever the comparison is evaluated.
    """
    left, r1 = _linear_days(cmp.left, model)
    right, r2 = _linear_days(cmp.right, model)
    coeffs = dict(left)
    for v, c in right.items():
        coeffs[v] = coeffs.get(v, Fraction(0)) - c
    coeffs = {v: c for v, c in coeffs.items() if c != 0}
    stored = [v for v in coeffs if v != "now"]
    needs = []
    for pattern in itertools.product(*[(True,) if v in present else (False, True) for v in stored]):
        on_now, bound, ages = coeffs.get("now", Fraction(0)), r1 + r2, {}
        for v, here in zip(stored, pattern):
            if here:
                on_now += coeffs[v]
                ages[v] = -coeffs[v]
            else:
                bound += abs(coeffs[v])
        times = {k: c for k, c in [("now", on_now), *ages.items()] if c != 0}
        if len(times) > 1:
            raise Refused("a rule compares days that may differ by any amount")
        for k, c in times.items():
            needs.append(("now" if k == "now" else "age", int(bound / abs(c)) + 1))
    return needs


def _interpreter_constants(model: m.Model) -> list[int]:
    """Every constant the reference semantics compares an age with (timelocks, veto windows, expiry,
    voting delays and periods)."""
    out = []
    for p in model.procedures.values():
        out += [p.timelock, p.delay]
        if p.window_stage is not None:
            out.append(p.window_stage.window)
        if p.grace is not None:
            out.append(p.delay + p.grace)
        if p.lifecycle is not None:
            out.append(p.lifecycle.delay)
            if p.lifecycle.period is not None:
                out.append(p.lifecycle.delay + p.lifecycle.period)
    return out


class Abstraction:
    """The key of a state with absolute days replaced by ages capped at :attr:`cap` (see above).

    ``exprs``: the expressions besides the spec's rules whose values must be kept (the property's),
    each with the day variables known to be present where it is evaluated (see :func:`_exprs_of`).
    """

    def __init__(self, model: m.Model, exprs=()):
        known = tuple(f.name for f in dataclasses.fields(sem.State))
        if known != _STATE_FIELDS:
            raise Refused(f"the state has fields the abstraction of time does not know: {known}")
        self.timed = model.timed
        self.cap, self.with_now = 0, False
        if not self.timed:  # no waits, no waiting decisions, no proposals: now stays 0, states are exact
            return
        for proc in model.procedures.values():  # (amounts and thresholds are numbers or parameters)
            if any(_has_days(x) for x in [*(e.amount for e in proc.effects), proc.lifecycle and proc.lifecycle.threshold]):
                raise Refused(f"an amount or threshold of '{proc.name}' depends on the day")
        needs = []
        for e, present in [*((r, frozenset()) for r in (rule.expr for rule in model.rules())), *exprs]:
            for x in m.walk(e):
                if isinstance(x, m.Compare) and (_has_days(x.left) or _has_days(x.right)):
                    needs += _comparison_needs(x, model, present)
        self.cap = max([t for _, t in needs] + _interpreter_constants(model) + [0]) + 1
        self.with_now = any(q == "now" for q, _ in needs)
        if self.cap > LIMITS["days"]:
            raise Refused(f"rules compare days with quantities up to {self.cap}, beyond {LIMITS['days']} days")

    def key(self, s: sem.State):
        if not self.timed:
            return s
        n, cap = s.now, self.cap

        def age(day: int) -> int:
            return min(n - day, cap)

        return (s.members, s.offices, s.params, min(n, cap) if self.with_now else None,
                tuple((name, args, age(at), age(proposed) if proposed >= 0 else None)
                      for name, args, at, proposed in s.pending), s.balances, s.delegates,
                tuple((name, args, age(day), who, snap) for name, args, day, who, snap in s.proposals),
                tuple((name, age(day)) for name, day in s.proposed))


def _explore(model: m.Model, deadline: Deadline, abstraction: Abstraction, expand, reached) -> bool:
    """Breadth-first over the keys reachable from the initial state, to a fixpoint.

    ``expand(state)`` yields (step, hits_goal); ``reached(state)`` says a state is a goal.  True when
    a goal is reached; False when every key was explored without one.  Raises TooLarge beyond
    LIMITS["states"] keys and TimeoutError at the deadline.
    """
    start = sem.initial_state(model)
    seen = {abstraction.key(start)}
    queue = deque([start])
    while queue:
        if deadline.expired():
            raise TimeoutError
        state = queue.popleft()
        if reached(state):
            return True
        for step, hit in expand(state):
            if hit:
                return True
            after = sem.apply(model, state, step)
            k = abstraction.key(after)
            if k not in seen:
                seen.add(k)
                if len(seen) > LIMITS["states"]:
                    raise TooLarge(f"more than {LIMITS['states']} distinct states once time is abstracted")
                queue.append(after)
    return False


def _cannot_force(model: m.Model, goal: m.Goal, coalition: frozenset[str], deadline: Deadline,
                  abstraction: Abstraction) -> bool:
    """True when no forcing sequence of any length by ``coalition`` reaches ``goal``."""
    def reached(state):
        return goal.state is not None and sem.eval_bool(goal.state, sem.Env(model, state))

    def expand(state):
        if sem.veto_threat(model, state, coalition):
            return  # the outsiders may veto here: no forcing sequence goes through this state (as _force_bfs)
        for step in forced_steps(model, state, coalition, deadline, abstraction.cap):
            yield step, goal.procedure is not None and (step.procedure, step.phase) == (goal.procedure, goal.phase)

    return not _explore(model, deadline, abstraction, expand, reached)


def _coalitions(model: m.Model, prop: m.Property) -> list[frozenset[str]]:
    """The coalitions the bounded search checks for "no coalition of at most K" (the largest allowed:
    a larger coalition can do whatever a smaller one can)."""
    spec = prop.coalition
    if spec.principals:
        from .coalitions import largest_principal_coalitions

        groups = largest_principal_coalitions(model, spec)
        if groups is None:
            raise TooLarge("too many coalitions of principals")
        return groups
    size = len(spec.candidates) if spec.size is None else min(spec.size, len(spec.candidates))
    out = []
    for combo in itertools.combinations(spec.candidates, size):
        if len(out) >= LIMITS["coalitions"]:
            raise TooLarge(f"more than {LIMITS['coalitions']} coalitions")
        out.append(frozenset(combo))
    return out


def _exprs_of(prop: m.Property) -> list:
    """The property's expressions, each with the day variables present wherever it is evaluated: a
    rule about P taking effect or being vetoed is read while P's decision waits (P.approved_at is
    its day, never -1)."""
    out = [(e, frozenset()) for e in (prop.state, prop.goal.state if prop.goal else None) if e is not None]
    if prop.step is not None:
        waiting = prop.phase in ("execute", "veto")
        out.append((prop.step, frozenset({("approved", prop.procedure)}) if waiting else frozenset()))
    return out


def _guarded(run) -> tuple[bool, str]:
    try:
        return run()
    except Refused as err:
        return False, f"time cannot be abstracted soundly: {err}"
    except TooLarge as err:
        return False, f"too large for a proof by exhaustion: {err}"
    except TimeoutError:
        return False, "time limit reached before every abstract state was explored"
    except sem.ReplayLimit as err:
        return False, f"too large for a proof by exhaustion: {err}"


def prove_by_exhaustion(model: m.Model, prop: m.Property, deadline: Deadline) -> tuple[bool, str]:
    """Prove a property for behaviours of any length by exploring every abstract state (no Z3).

    Same contract as the Z3 engine's ``prove_unbounded``: ``(True, "")`` only when the property holds
    in every behaviour of every length; otherwise ``(False, one-line reason)``: a violation exists
    (the bounded search finds and shows it), the abstraction of time cannot be shown sound for the
    spec, more than LIMITS["states"] abstract states or coalitions, or the deadline.

    Kinds: "invariant" and "step" (every reachable abstract state and step), "no_coalition" (every
    coalition the bounded search checks reaches the goal by no forcing sequence of any length) and
    "coalition_block" (everyone else together cannot force the goal).  A "can force" claim is shown
    by a forcing sequence, which the bounded search finds; to refute one for any length see
    :func:`refute_by_exhaustion`.

    Groups of variable size (``model.sizes``): the proof is for the instance as loaded (the least
    sizes) only; the caller decides what holds for other sizes.
    """
    def run():
        if prop.kind not in ("invariant", "step", "no_coalition", "coalition_block"):
            return False, f"no proof by exhaustion for a '{prop.kind}' property"
        abstraction = Abstraction(model, _exprs_of(prop))
        if prop.kind == "invariant":
            found = _explore(model, deadline, abstraction,
                             lambda s: steps_from(model, s, deadline, None, abstraction.cap),
                             lambda s: not sem.eval_bool(prop.state, sem.Env(model, s)))
            return (False, "a violation exists (a reachable state violates it)") if found else (True, "")
        if prop.kind == "step":
            def bad(state, step):
                return ((step.procedure, step.phase) == (prop.procedure, prop.phase)
                        and not sem.eval_bool(prop.step, sem.step_env(model, state, step)))
            found = _explore(model, deadline, abstraction,
                             lambda s: steps_from(model, s, deadline, lambda step, s=s: bad(s, step), abstraction.cap),
                             lambda s: False)
            return (False, "a violation exists (a reachable step violates it)") if found else (True, "")
        if prop.kind == "coalition_block":
            coalitions = [frozenset(p.name for p in model.people) - frozenset(prop.coalition.candidates)]
        else:
            coalitions = _coalitions(model, prop)
        for coalition in coalitions:
            if not _cannot_force(model, prop.goal, coalition, deadline, abstraction):
                return False, f"a forcing sequence exists (by {{{', '.join(sorted(coalition))}}})"
        return True, ""
    return _guarded(run)


def refute_by_exhaustion(model: m.Model, prop: m.Property, deadline: Deadline) -> tuple[bool, str]:
    """Show that a "can force" claim fails for behaviours of any length: ``(True, "")`` when no
    forcing sequence of any length reaches the goal (every abstract state reachable by the
    coalition's forcing steps explored), for "coalition C can force G" by C, for "every coalition
    of K can force G" by some coalition of K; otherwise ``(False, one-line reason)``.  Same scope
    as :func:`prove_by_exhaustion` (the instance as loaded for groups of variable size)."""
    def run():
        spec = prop.coalition
        if prop.kind == "coalition_force":
            coalitions = [frozenset(spec.candidates)]
        elif prop.kind == "every_coalition" and not spec.principals:
            coalitions = []
            for combo in itertools.combinations(spec.candidates, spec.size):
                if len(coalitions) >= LIMITS["coalitions"]:
                    raise TooLarge(f"more than {LIMITS['coalitions']} coalitions")
                coalitions.append(frozenset(combo))
        else:
            return False, f"no refutation by exhaustion for a '{prop.kind}' property" + (
                " of principals" if prop.kind == "every_coalition" else "")
        abstraction = Abstraction(model, _exprs_of(prop))
        for coalition in coalitions:
            if _cannot_force(model, prop.goal, coalition, deadline, abstraction):
                return True, ""
        return False, "a forcing sequence exists" + ("" if len(coalitions) == 1 else " for every coalition")
    return _guarded(run)
