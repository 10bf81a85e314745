"""Solve: bounded model checking with increasing depth, coalition force checks, trace extraction.

Assumes a checked model.  Guarantees: every solver call runs under the remaining share of the
property's time limit and a Z3 ``unknown`` becomes an ``unknown`` outcome with the solver's reason;
depths are tried in increasing order, so the first behaviour found is a shortest one; traces are
read back as reference-semantics steps (:mod:`govspec.verdicts` replays them before any verdict).
:class:`Z3Engine` implements the engine interface of :mod:`govspec.engine`.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from z3 import And, BoolVal, Not, Solver, Tactic, is_rational_value, is_true, sat, unknown

from govspec import model as m
from govspec import semantics as sem
from govspec.coalitions import MAX_COALITIONS, including_coalitions, largest_principal_coalitions
from govspec.engine import Deadline, OutOfTime, Outcome
from govspec.groups import fingerprint
from govspec.records import dataclass

from . import counting, interrupts, unbounded, weighted
from .encode import NOBODY, WAIT_KEY, StepVars, Unrolling, action_key

_Outcome = Outcome
UNBOUNDED_PEOPLE = 200  # above this many encoded people, no proof of any length is attempted (too large)
ANY_LENGTH = weighted.ANY_LENGTH  # a depth beyond every shortest forcing sequence (for the fast path's answer of any length)


def _solver(deadline: Deadline) -> Solver:
    s = Solver()
    s.set("timeout", max(1, deadline.remaining_ms()))
    return s


def _check(solver: Solver, deadline: Deadline):
    ms = deadline.remaining_ms()
    if ms <= 0:
        return unknown, "time limit reached"
    solver.set("timeout", ms)
    result = solver.check()
    reason = solver.reason_unknown() if result == unknown else None
    if result == unknown and reason in ("canceled", "timeout"):
        reason = "time limit reached"
    return result, reason


# ------------------------------------------------------------------ reading a model back


def _split_key(key: str) -> tuple[str, str]:
    """(procedure, phase) of a selection key (see encode.action_key)."""
    if "@" in key:
        name, phase = key.rsplit("@", 1)
        return name, phase
    return key, "pass"


def _slot_people(unroll: Unrolling, zm) -> dict[int, list[str]]:
    """The people each class slot stands for."""
    out = {}
    for i, slot in unroll.slots.items():
        members = list(slot.cls.members)
        k = zm.eval(slot.total, model_completion=True).as_long() if slot.part == "coalition" else None
        if slot.part == "coalition":  # its last members, as the per-member canonical model chooses
            out[i] = members[len(members) - k:] if k > 0 else []
        elif slot.part == "others":
            k = zm.eval(unroll.coalition_counts[slot.cls.name], model_completion=True).as_long()
            out[i] = members[:len(members) - k]
        else:
            out[i] = members
    return out


def _read_trace(unroll: Unrolling, zm, steps: list[StepVars], coalition: frozenset[str] | None = None) -> list[sem.Step]:
    """The steps of a model as reference-semantics steps.  A class slot's counts become people of
    the slot still in its body (they are interchangeable, so any would do), chosen as the
    per-member encoding's canonical model would choose them: the last n in declaration order are
    notified, the last a of those attend, the first of those vote yes, then no, then abstain; an
    argument is the first."""
    slot_people = _slot_people(unroll, zm)
    state = sem.initial_state(unroll.model)
    out = []
    for step in steps:
        present = {i: [p for p in ps if p in state.body(unroll.slots[i].cls.body)] for i, ps in slot_people.items()}
        read = _read_step(unroll, zm, step, coalition, present)
        if read.procedure in step.which:  # (issue 13.6) the entry the step uses up, by its index in the state
            read = replace(read, which=_which(unroll, zm, step, read, state))
        out.append(read)
        state = sem.apply(unroll.model, state, read)
    return out


def _which(unroll: Unrolling, zm, step: StepVars, read: sem.Step, state: sem.State) -> int:
    """The index, among the procedure's entries of the reference state ``state``, of the proposal or
    waiting decision in the slot the step uses (``StepVars.which``, verifier/encode/several.py): the
    entry with the same contents (entries alike in everything are the same entry).  The slot's own
    number when none has them: the replay then says why."""
    proc = unroll.model.procedures[read.procedure]
    if read.phase == "propose" or (read.phase == "pass" and proc.lifecycle is None):
        return 0  # (no entry is used up)
    j = zm.eval(step.which[proc.name], model_completion=True).as_long()
    before = unroll.states[step.t - 1]

    def val(term):
        v = zm.eval(term, model_completion=True)
        return Fraction(v.numerator_as_long(), v.denominator_as_long()) if is_rational_value(v) else v.as_long()

    def arguments(values: dict) -> tuple:
        return tuple((f.name, val(values[f.name]) if f.numeric else unroll.people[val(values[f.name])])
                     for f in proc.formals)

    if read.phase in ("execute", "veto"):
        slots = unroll.pending_slots(before, proc.name)
        if not 0 <= j < len(slots):
            return j
        _, at, args, proposed, tally = slots[j]
        entry = (arguments(args), val(at), val(proposed), tuple(val(tally[f]) for f in m.TALLIES) if tally else ())
        entries = state.pendings_of(proc.name)
    else:
        slots = unroll.proposal_slots(before, proc.name)
        if not 0 <= j < len(slots):
            return j
        _, day, proposer, args, snapshot = slots[j]
        snap = () if snapshot is None else tuple(sorted((unroll.people[i], val(x)) for i, x in snapshot.items()))
        entry = (arguments(args), val(day), unroll.people[val(proposer)], snap)
        entries = state.proposals_of(proc.name)
    return next((k for k, e in enumerate(entries) if tuple(e) == entry), j)


def _read_step(unroll: Unrolling, zm, step: StepVars, coalition: frozenset[str] | None = None,
               present: dict[int, list[str]] | None = None) -> sem.Step:
    model = unroll.model
    present = present or {}

    def val(term) -> int:
        return zm.eval(term, model_completion=True).as_long()

    taken: dict[int, int] = {}

    def who(i: int) -> str:
        """A named person, or the next person of a slot not yet an argument of this step (two
        arguments in one class stand for two of its people when it has them)."""
        if i not in unroll.slots:
            return unroll.people[i]
        k = taken[i] = taken.get(i, -1) + 1
        return present[i][min(k, len(present[i]) - 1)]

    chosen = [n for n, b in step.selected.items() if is_true(zm.eval(b, model_completion=True))]
    if chosen[0] == WAIT_KEY:
        return sem.Step(sem.WAIT, days=val(step.days))
    name, phase = _split_key(chosen[0])
    proc = model.procedures[name]
    args = tuple((f.name, val(step.args[proc.name][f.name]) if f.numeric else who(val(step.args[proc.name][f.name])))
                 for f in proc.formals)
    stages = []
    for v in step.stages.get(chosen[0], []):
        counts = {i: [val(d[i]) for d in (v.notified, v.attended, v.yes, v.no, v.abstain)] for i in v.notified
                  if i in unroll.slots}

        def people(d, kind=None):
            chosen = {unroll.people[i] for i, b in d.items() if i not in unroll.slots and is_true(zm.eval(b, model_completion=True))}
            for i, (n, a, y, no, ab) in counts.items():
                told = present[i][len(present[i]) - n:] if n > 0 else []
                came = told[len(told) - a:] if a > 0 else []
                chosen |= set({"notified": told, "attended": came, "yes": came[:y], "no": came[y:y + no],
                               "abstain": came[y + no:y + no + ab]}[kind])
            return frozenset(chosen)

        notified = people(v.notified, "notified")
        keep = (lambda s: s & coalition) if coalition is not None else (lambda s: s)
        signed = frozenset(unroll.people[i] for i, b in v.signed_waiver.items() if is_true(zm.eval(b, model_completion=True)))
        stages.append(sem.StageChoice(notified, keep(people(v.attended, "attended")), keep(people(v.yes, "yes")),
                                      keep(people(v.no, "no")), keep(people(v.abstain, "abstain")),
                                      signed_waiver=keep(signed)))
    loan = zm.eval(step.loan, model_completion=True).as_long()
    proposer = None
    if phase == "propose":
        proposer = unroll.people[zm.eval(step.proposer[proc.name], model_completion=True).as_long()]
    return sem.Step(proc.name, args, tuple(stages), phase=phase, proposer=proposer,
                    loan=None if loan == NOBODY else unroll.people[loan])


# ------------------------------------------------------------------ canonical models


def _bisect(solver: Solver, term, low: int, high: int, deadline: Deadline, most: bool = False) -> int | None:
    """The least value of ``term`` in [low, high] with the constraints satisfiable, given that they
    are at ``high`` (``most``: the greatest, given that they are at ``low``); a monotone question,
    answered by bisection.  None when the solver cannot tell in time."""
    while low < high:
        mid = (low + high + 1) // 2 if most else (low + high) // 2
        solver.push()
        solver.add(term >= mid if most else term <= mid)
        result, _ = _check(solver, deadline)
        solver.pop()
        if result == unknown:
            return None
        if most:
            low, high = (mid, high) if result == sat else (low, mid - 1)
        else:
            low, high = (low, mid) if result == sat else (mid + 1, high)
    return low


def _canonical_model(solver: Solver, unroll: Unrolling, deadline: Deadline, first: list | None = None,
                     steps: int | None = None):
    """Fix the free choices greedily in a fixed order, so the trace shown does not depend on Z3's
    internal state (which varies with whatever ran before in the same process).

    Each decision asks only whether a constraint is satisfiable, a question with a unique answer,
    so the result is the lexicographically least model in the order below: coalition members
    (fewest first), then per step the procedure (in declaration order), its arguments (people in
    declaration order), and per stage and member: not notified, not attending, voting yes, voting
    no.  This also makes scenarios small: nobody is notified or attends without need.
    """
    decisions: list = [(lit, False) for lit in (first or [])]
    scopes = 0
    best = solver.model()

    def decide(lit, prefer: bool) -> bool:
        nonlocal scopes, best
        want = lit if prefer else Not(lit)
        solver.push()
        solver.add(want)
        result, _ = _check(solver, deadline)
        if result == sat:
            scopes += 1
            best = solver.model()
            return True
        solver.pop()
        if result == unknown:
            raise _OutOfTime
        solver.add(Not(want))
        return False

    def least(term, bound: int, most: bool = False) -> None:
        """Fix ``term`` to its least feasible value down to ``bound`` (``most``: greatest, up to
        ``bound``), by bisection (a monotone question) from the value in the model found."""
        value = best.eval(term, model_completion=True).as_long()
        found = _bisect(solver, term, value, max(value, bound), deadline, most=True) if most else \
            _bisect(solver, term, min(value, bound), value, deadline)
        if found is None:
            raise _OutOfTime
        decide(term == found, True)

    try:
        for lit, prefer in decisions:
            decide(lit, prefer)
        for cls_name in sorted(unroll.coalition_counts):  # the fewest of each class in the coalition
            least(unroll.coalition_counts[cls_name], 0)
        for step in unroll.steps[:steps]:
            chosen = key = None
            for name, lit in step.selected.items():
                if decide(lit, True):
                    key = name
                    break
            if key is None:
                break
            if key == WAIT_KEY:  # the shortest wait that works, by bisection up to the one found
                least(step.days, 1)
                continue
            chosen = unroll.model.procedures[_split_key(key)[0]]
            people = [step.args[chosen.name][f.name] for f in chosen.formals]
            if _split_key(key)[1] == "propose":
                people.append(step.proposer[chosen.name])
            if unroll.model.flash_loan > 0 and not decide(step.loan == NOBODY, True):
                people.append(step.loan)
            for term in people:  # the least feasible person index
                least(term, 0)
            if chosen.name in step.which and _split_key(key)[1] in ("pass", "cancel", "execute", "veto"):
                least(step.which[chosen.name], 0)  # (issue 13.6: the first slot that works)
            for v in step.stages.get(key, []):
                for j in sorted(v.notified, key=unroll.position.__getitem__):
                    if j in unroll.slots:  # counts: as few notified and attending, as many yes and no
                        least(v.notified[j], 0)
                        if unroll.slots[j].part != "others":  # (the others' own choices are not used)
                            size = len(unroll.slots[j].cls.members)
                            least(v.attended[j], 0)
                            least(v.yes[j], size, most=True)
                            least(v.no[j], size, most=True)
                        continue
                    if j in v.signed_waiver:  # (no waiver signed without need: notice rather than a waiver)
                        decide(v.signed_waiver[j], False)
                    decide(v.notified[j], False)
                    decide(v.attended[j], False)
                    decide(v.yes[j], True)
                    decide(v.no[j], True)
    except _OutOfTime:
        pass
    for _ in range(scopes):
        solver.pop()
    return best


class _OutOfTime(Exception):
    pass


# ------------------------------------------------------------------ trace searches


class _Unrolled:
    """One incremental unrolling per model, shared by every trace search on it.

    Steps are only ever added (each step's constraints hold in any behaviour); a search adds its
    target inside push/pop, so thousands of properties reuse one encoding.
    """

    def __init__(self, model: m.Model):
        self.model = model
        self.unroll = Unrolling(model, counting.classes(model)[0])
        self.solver = Solver()
        self.broken = False  # a step cut half-way by the deadline (check_time): never used again

    def ensure(self, k: int) -> None:
        while len(self.unroll.steps) < k:
            try:
                self.unroll.add_step(self.solver)
            except OutOfTime:
                self.broken = True
                raise


def _search(shared: _Unrolled, depth: int, deadline: Deadline, target, *, from_zero: bool, start: int = 0) -> _Outcome:
    """Shortest behaviour of ``start`` to ``depth`` steps whose last state/step satisfies ``target``
    (the caller has searched the shorter ones)."""
    model, solver = shared.model, shared.solver
    if not model.procedures:
        depth = 0
    for k in range(max(start, 0 if from_zero else 1), depth + 1):
        shared.ensure(k)
        unroll = shared.unroll
        solver.push()
        try:
            solver.add(*[step.active for step in unroll.steps[:k]], target(unroll, k))
            result, reason = _check(solver, deadline)
            if result == sat:
                zm = _canonical_model(solver, unroll, deadline, steps=k)
                return _Outcome("found", _read_trace(unroll, zm, unroll.steps[:k]), k)
        finally:
            solver.pop()
        if result == unknown:
            return _Outcome("unknown", depth=k, reason=f"{reason} at depth {k}")
    return _Outcome("none", depth=depth)


def _restarting(solver: Solver) -> Solver:
    """A solver holding ``solver``'s assertions that solves each check afresh (Z3's 'smt' tactic as
    a solver): its push and pop only mark the assertions, and each check runs, time limit and all,
    on all of them.  For forced steps that quantify over the outsiders' responses: the incremental
    solver internalizes those at ``push``, which takes no time limit and cannot be interrupted (25
    to 190 s were measured under a 2 s ``--timeout``, tests/test_sets.py)."""
    fresh = Tactic("smt").solver()
    fresh.add(*solver.assertions())
    return fresh


def _coalition_key(spec: m.CoalitionSpec | None):
    """A coalition question's candidates and bounds as a cache key: a group's members by their group,
    not hashed one by one (:func:`govspec.groups.fingerprint`)."""
    if spec is None:
        return None
    return fingerprint(spec.candidates), spec.size, spec.exactly, spec.principals, spec.including


class _ForceSearch:
    """One incremental search for forcing sequences of one question (a goal, and the coalitions a
    spec allows or one fixed coalition), kept by the engine so that a deeper search goes on from
    the depth the last one reached instead of encoding every step again."""

    def __init__(self, model: m.Model, goal: m.Goal, spec: m.CoalitionSpec | None, fixed: frozenset[str] | None):
        self.model, self.goal, self.fixed = model, goal, fixed
        classes, _ = counting.classes(model, spec.candidates if spec is not None else None, fixed)
        self.unroll = Unrolling(model, classes, split=True)
        self.solver = Solver()
        self.coalition, rules, self.named = self.unroll.coalition(spec.candidates if spec is not None else None,
                                                                  spec.size if spec is not None else None, fixed)
        self.solver.add(*rules)
        self.done = -1  # every depth up to this one has been searched, and found nothing
        self.broken = False  # a step cut half-way by the deadline (check_time): never used again
        self.restarting = False  # moved to a solver that starts afresh at each check (see _restarting)

    def run(self, depth: int, deadline: Deadline, start: int = 0) -> _Outcome:
        """Shortest forcing sequence of ``start`` to ``depth`` steps (the shorter ones were searched)."""
        try:
            return self._run(depth, deadline, start)
        except OutOfTime:  # (cut in a step's encoding, or inside push and pop)
            self.broken = True
            raise

    def _run(self, depth: int, deadline: Deadline, start: int) -> _Outcome:
        model, goal, unroll, solver = self.model, self.goal, self.unroll, self.solver
        if not model.procedures:
            depth = 0
        for k in range(max(start, 0), depth + 1):
            while len(unroll.steps) < k:
                solver.add(unroll.add_forced_step(solver, self.coalition).active)
            if goal.procedure is not None and k == 0:
                continue
            if unroll.quantified and not self.restarting:
                solver = self.solver = _restarting(solver)
                self.restarting = True
            solver.push()
            if goal.procedure is not None:  # (no such step, say 'P.executed' once P has no timelock: never)
                solver.add(unroll.steps[k - 1].selected.get(action_key(goal.procedure, goal.phase), BoolVal(False)))
            else:
                solver.add(unroll.boolean(goal.state, unroll.states[k], {}, None))
            result, reason = _check(solver, deadline)
            if result == sat:
                zm = _canonical_model(solver, unroll, deadline, self.named)
                solver.pop()
                members = self.fixed if self.fixed is not None else frozenset(
                    n for i, n in enumerate(unroll.people[:unroll.named])
                    if is_true(zm.eval(self.coalition[i], model_completion=True))
                ) | {p for i, ps in _slot_people(unroll, zm).items() if unroll.slots[i].part == "coalition" for p in ps}
                steps = _read_trace(unroll, zm, unroll.steps[:k], members)
                return _Outcome("found", steps, k, coalition=members)
            solver.pop()
            if result == unknown:
                return _Outcome("unknown", depth=k, reason=f"{reason} at depth {k}")
            self.done = k
        self.done = max(self.done, depth)
        return _Outcome("none", depth=depth)


# ------------------------------------------------------------------ every size


@dataclass(frozen=True)
class SizesAnswer:
    """Does a property hold for every size of the spec's groups of variable size?"""

    status: str  # "holds" | "fails" | "unknown"
    sizes: dict[str, int] | None = None  # fails: sizes at which a counterexample exists
    depth: int | None = None  # holds: within this depth (None: for behaviours of any length)
    reason: str | None = None  # unknown: why not; holds within a depth: why not for any length


def _goal_target(unroll: Unrolling, goal: m.Goal, k: int):
    if goal.procedure is not None:
        return unroll.steps[k - 1].selected[action_key(goal.procedure, goal.phase)] if k > 0 else None
    return unroll.boolean(goal.state, unroll.states[k], {}, None)


def _bad_target(unroll: Unrolling, prop: m.Property, k: int):
    if prop.kind == "invariant":
        return Not(unroll.boolean(prop.state, unroll.states[k], {}, None))
    if k == 0:
        return None
    return unroll.violation(unroll.steps[k - 1], prop)



def _least_sizes(solver: Solver, unroll: Unrolling, classes: list, deadline: Deadline) -> SizesAnswer:
    """The least sizes (group by group, in declaration order) at which the target is satisfiable."""
    sizes = {}
    for c in classes:
        term = unroll.sizes[c.name]
        low = _bisect(solver, term, c.variable[0], solver.model().eval(term, model_completion=True).as_long(), deadline)
        if low is None:
            return SizesAnswer("unknown", reason="time limit reached")
        solver.add(term == low)
        if _check(solver, deadline)[0] != sat:
            return SizesAnswer("unknown", reason="time limit reached")
        sizes[c.name] = low
    return SizesAnswer("fails", sizes)


def all_sizes(model: m.Model, prop: m.Property, depth: int, deadline: Deadline, unbounded_too: bool) -> SizesAnswer:
    """Search every size at once: the groups of variable size are classes of the counted encoding
    whose sizes are variables (verifier/counting.py); a model gives the sizes a counterexample
    needs (the verdict then checks the spec at those sizes, as any other instance)."""
    spec = prop.coalition
    if prop.kind not in ("invariant", "step", "no_coalition", "coalition_block") or (
            spec is not None and (spec.principals or spec.including)):
        return SizesAnswer("unknown", reason="every size is searched only for 'always', 'never', 'no coalition' and 'can block'")
    if any(e.kind == "set" and e.value is None for p in model.procedures.values() for e in p.effects):
        # its values are listed for the sizes of one instance (govspec.check.effects.list_param_values)
        return SizesAnswer("unknown", reason="a parameter is set from an expression, whose values are listed one size at a time")
    forced = prop.kind in ("no_coalition", "coalition_block")
    candidates = spec.candidates if prop.kind == "no_coalition" else None
    fixed = frozenset(p.name for p in model.people) - frozenset(spec.candidates) if prop.kind == "coalition_block" else None
    classes, why = counting.classes(model, candidates, fixed)
    missing = set(model.sizes) - {c.name for c in classes if c.variable is not None}
    if missing:
        return SizesAnswer("unknown", reason=f"group '{sorted(missing)[0]}' cannot be counted ({why or 'it is not interchangeable'})")
    unroll = Unrolling(model, classes, split=forced, all_sizes=True)
    solver = _solver(deadline)
    solver.add(*unroll.size_rules)
    coalition = None
    if forced:
        coalition, rules, _ = unroll.coalition(candidates, spec.size if prop.kind == "no_coalition" else None, fixed)
        solver.add(*rules)
    for k in range(0, depth + 1 if model.procedures else 1):
        if k > 0:
            step = unroll.add_forced_step(solver, coalition) if forced else unroll.add_step(solver)
            solver.add(step.active)
        target = _goal_target(unroll, prop.goal, k) if forced else _bad_target(unroll, prop, k)
        if target is None:
            continue
        solver.push()
        solver.add(target)
        result, reason = _check(solver, deadline)
        if result == sat:
            return _least_sizes(solver, unroll, [c for c in classes if c.variable is not None], deadline)
        solver.pop()
        if result == unknown:
            return SizesAnswer("unknown", reason=f"{reason} at depth {k}")
    if not unbounded_too:
        return SizesAnswer("holds", depth=depth)
    ok, why = unbounded.prove(model, prop, deadline, goal=prop.goal if forced else None, coalition_candidates=candidates,
                              coalition_size=spec.size if prop.kind == "no_coalition" else None, fixed=fixed,
                              all_sizes=True)
    return SizesAnswer("holds", depth=None if ok else depth, reason=None if ok else why)


# ------------------------------------------------------------------ the engine


@interrupts.keyboard_safe
class Z3Engine:
    """Symbolic bounded search with Z3 (the default engine)."""

    name = "Z3"

    def __init__(self) -> None:
        interrupts.fresh_main_context(self)  # (the same work in any process)
        self._shared: _Unrolled | None = None
        self._forcing: tuple[m.Model, dict] | None = None  # (model, question -> _ForceSearch) to deepen
        self._behaviours = None  # (model, unbounded.System) for proofs of any length
        self.last_proof = ""  # how the last proof of any length was found (shown with PROVED)
        self.last_certificates: list = []  # the certificates (verifier/certificate.py) of the last proof
        self._proofs: tuple[m.Model, dict] | None = None  # (model, question -> answer of prove_unbounded)
        self.last_path: str | None = None  # which path answered the last force question (for tests and bench)
        self.last_counted = False  # ... and, on the general path, whether interchangeable people were counted

    def recheck_second_solver(self, seconds: float) -> tuple[str, str]:
        """Re-check the certificates of the last proof with cvc5 (the ``cvc5`` extra):
        ("valid" | "invalid" | "unknown" | "unavailable" | "none", detail); "none": the proof has no
        certificate (the one-vote argument of weighted.py)."""
        from .certificate import recheck_with_cvc5

        if not self.last_certificates:
            return "none", "this proof has no invariant to re-check"
        for certificate in self.last_certificates:
            status, detail = recheck_with_cvc5(certificate, seconds)
            if status != "valid":
                return status, detail
        return "valid", ""

    def _prove(self, *args, **kw) -> tuple[bool, str]:
        """unbounded.prove, keeping the certificate of a proof (its invariant, re-checked by a fresh
        solver before it counts) for a second solver's re-check."""
        ok, why, certificate = unbounded.prove_with_certificate(*args, **kw)
        if ok and certificate is not None:
            self.last_certificates.append(certificate)
        return ok, why

    def _unrolled(self, model: m.Model) -> _Unrolled:
        if self._shared is None or self._shared.model is not model or self._shared.broken:
            self._shared = _Unrolled(model)
        return self._shared

    # Several live proposals of one procedure (issue 13.6: 'at most K live proposals', K > 1) are
    # encoded by the bounded unrolling, forced steps and proofs of any length (K slots of each,
    # verifier/encode/several.py).

    def violation(self, model: m.Model, prop: m.Property, depth: int, deadline: Deadline, start: int = 0) -> Outcome:
        if prop.kind == "invariant":
            def target(unroll: Unrolling, k: int):
                return Not(unroll.boolean(prop.state, unroll.states[k], {}, None))
            return _search(self._unrolled(model), depth, deadline, target, from_zero=True, start=start)
        def target(unroll: Unrolling, k: int):
            return unroll.violation(unroll.steps[k - 1], prop)
        return _search(self._unrolled(model), depth, deadline, target, from_zero=False, start=start)

    def reachable(self, model: m.Model, procedure: str, depth: int, deadline: Deadline, phase: str = "pass") -> Outcome:
        answer = weighted.decide_reachable(model, procedure, depth, phase)  # one weighted vote: no unrolling
        if answer is not None:
            return answer.outcome
        key = action_key(procedure, phase)

        def target(unroll: Unrolling, k: int):
            return unroll.steps[k - 1].selected[key]
        return _search(self._unrolled(model), depth, deadline, target, from_zero=False)

    def prove_unbounded(self, model: m.Model, prop: m.Property, deadline: Deadline) -> tuple[bool, str]:
        """Does a property the bounded search proved hold for behaviours of any length? (see unbounded.py)"""
        # the same question asked twice of one model (2,000 copies of one property, say) is proved once
        key = (prop.kind, prop.state, prop.cases, prop.goal, _coalition_key(prop.coalition))
        if self._proofs is None or self._proofs[0] is not model:
            self._proofs = (model, {})
        if key not in self._proofs[1]:
            answer = self._prove_unbounded(model, prop, deadline)
            if answer[0] or answer[1] != "time limit reached":  # (a time-out may go otherwise with more time)
                self._proofs[1][key] = (answer, self.last_proof, list(self.last_certificates))
            return answer
        answer, self.last_proof, certificates = self._proofs[1][key]
        self.last_certificates = list(certificates)
        return answer

    def _prove_unbounded(self, model: m.Model, prop: m.Property, deadline: Deadline) -> tuple[bool, str]:
        spec = prop.coalition
        self.last_proof = "an inductive invariant found by Z3's Horn-clause engine, re-checked by a fresh solver"
        self.last_certificates = []
        if prop.kind == "no_coalition" and not spec.principals:
            proof = self._one_vote_proof(model, prop.goal, deadline, spec, None)
            if proof is not None:
                return proof
        if counting.encoded_size(model, prop) > UNBOUNDED_PEOPLE:
            return False, (f"more than {UNBOUNDED_PEOPLE} people the rules can tell apart (proofs of any length "
                           "encode each of them; interchangeable people count as one)")
        if prop.kind in ("invariant", "step"):  # one set of clauses per model, shared by its properties
            if self._behaviours is None or self._behaviours[0] is not model:
                self._behaviours = (model, unbounded.system(model))
            return self._prove(model, prop, deadline, built=self._behaviours[1])
        if prop.kind == "no_coalition" and spec.including and spec.size is not None:
            # each largest coalition that includes them, as the verdict searched (a larger one can do
            # whatever a smaller can); asked of every coalition of the size, the proof failed whenever
            # one without them could force the goal, and said that a longer behaviour may violate it
            combos, _ = including_coalitions(model, spec, min(spec.size, len(spec.candidates)))
            if len(combos) > MAX_COALITIONS:
                return False, f"more than {MAX_COALITIONS} coalitions to prove it for"
            for members in combos:
                ok, why = self._prove(model, prop, deadline, goal=prop.goal, fixed=frozenset(members))
                if not ok:
                    return False, why
            return True, ""
        if prop.kind == "no_coalition" and not spec.principals:
            return self._prove(model, prop, deadline, goal=prop.goal, coalition_candidates=spec.candidates,
                                   coalition_size=spec.size)
        if prop.kind == "no_coalition":  # each largest coalition of principals the verdict checked, up to symmetry
            groups = largest_principal_coalitions(model, spec)
            if groups is None:
                return False, "too many coalitions of principals"
            for members in groups:
                ok, why = self._prove(model, prop, deadline, goal=prop.goal, fixed=members)
                if not ok:
                    return False, why
            return True, ""
        if prop.kind == "coalition_block":
            others = frozenset(p.name for p in model.people) - frozenset(spec.candidates)
            proof = self._one_vote_proof(model, prop.goal, deadline, None, others)
            return proof if proof is not None else self._prove(model, prop, deadline, goal=prop.goal, fixed=others)
        return False, "no proof of any length is attempted for this kind of property"

    def _one_vote_proof(self, model: m.Model, goal: m.Goal, deadline: Deadline, spec: m.CoalitionSpec | None,
                        fixed: frozenset[str] | None) -> tuple[bool, str] | None:
        """The fast path's answer for every length (verifier/weighted.py: one vote that nothing else
        changes, perhaps after its proposal and the voting delay, is forced at some length iff it is
        forced by its shortest sequence), or None when the fast path does not apply."""
        answer = weighted.decide(model, goal, ANY_LENGTH, deadline, spec, fixed)
        if answer is None or answer.outcome.status == "unknown":
            return None
        if answer.outcome.status == "found":
            return False, f"a coalition forces it in {answer.outcome.depth} steps"
        q = weighted.classify(model, goal, 1)
        self.last_proof = ("one vote that nothing else changes: a coalition forces it at some length only if at once"
                           if q.proposers is None and not q.moves else
                           "one vote that nothing else changes, with tokens that move only between the coalition's own "
                           "members (the sums the vote reads do not change): a coalition forces it at some length only "
                           "if with its tokens pooled" if q.moves else
                           "its proposal, the voting delay and one vote that nothing else changes, with voting power that "
                           "never moves: a coalition forces it at some length only if by those steps")
        return True, ""

    def prove_cannot_force(self, model: m.Model, goal: m.Goal, members: frozenset[str], deadline: Deadline) -> tuple[bool, str]:
        """Is there no forcing sequence of any length for ``members`` and ``goal``?  (True, "") when
        an inductive invariant of the coalition's forcing steps excludes the goal; else (False, why)."""
        self.last_proof = "an inductive invariant found by Z3's Horn-clause engine, re-checked by a fresh solver"
        self.last_certificates = []
        proof = self._one_vote_proof(model, goal, deadline, None, members)
        if proof is not None:
            return proof
        found, _ = counting.classes(model, fixed=members)
        if len(model.people) - sum(len(c.members) for c in found) + 2 * len(found) > UNBOUNDED_PEOPLE:
            return False, (f"more than {UNBOUNDED_PEOPLE} people the rules can tell apart (proofs of any length "
                           "encode each of them; interchangeable people count as one)")
        return self._prove(model, None, deadline, goal=goal, fixed=members)

    def force(self, model: m.Model, goal: m.Goal, depth: int, deadline: Deadline,
              spec: m.CoalitionSpec | None, fixed: frozenset[str] | None, start: int = 0) -> Outcome:
        self.last_counted = False
        answer = weighted.decide(model, goal, depth, deadline, spec, fixed)  # one weighted vote: no unrolling
        if answer is not None:
            self.last_path = f"weighted ({answer.method})"
            return answer.outcome
        self.last_path = "general"
        self.last_counted = bool(counting.classes(model, spec.candidates if spec is not None else None, fixed)[0])
        if self._forcing is None or self._forcing[0] is not model:
            self._forcing = (model, {})
        key = (goal, _coalition_key(spec), fixed)
        search = self._forcing[1].get(key)
        if search is None or search.done != start - 1 or search.broken:  # (it goes on only from where it stopped)
            search = self._forcing[1][key] = _ForceSearch(model, goal, spec, fixed)
            start = 0
        return search.run(depth, deadline, start)

    def all_sizes(self, model: m.Model, prop: m.Property, depth: int, deadline: Deadline, unbounded_too: bool) -> SizesAnswer:
        """For a spec with groups of variable size: does the property hold at every size?"""
        return all_sizes(model, prop, depth, deadline, unbounded_too)

    def every_coalition(self, model: m.Model, goal: m.Goal, depth: int, spec: m.CoalitionSpec):
        """For "every coalition of k": a coalition that cannot force the goal if there is one, else any
        (the verdict then checks it with :meth:`force`); None to enumerate them all."""
        if model.several_live():
            return None
        return weighted.decide_every(model, goal, depth, spec)
