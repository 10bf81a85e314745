"""The bounded unrolling: the concerns of this package composed, the initial state, and each step.

Encodes: the people (named ones one by one, the people of an interchangeable class as a slot of
counts), who can ever sit in each body, the initial state, and each step: its variables, the rules
of every action it may select (a vote or an event, a proposal or a cancellation, taking effect, a
veto, time passing; for a coalition question, the forced variants) and the state after it.

Assumes: a checked :class:`govspec.model.Model`; classes, if any, from
:func:`verifier.counting.classes`, so that no rule tells the people of a class apart.

Guarantees: a step's constraints hold exactly when the reference semantics allows the step (a
forced step: whatever the outsiders do), and the state after it is the one it computes; a step
happens only when its ``active`` literal holds, so later steps never constrain earlier ones.
"""

from __future__ import annotations

from operator import attrgetter

from z3 import And, Bool, BoolRef, BoolVal, Implies, Int, IntVal, Not, Or, PbLe, RealVal

from govspec import model as m
from govspec.groups import present

from ..counting import Class
from .effects import EffectsMixin
from .expressions import ExpressionsMixin
from .forcing import ForcingMixin
from .meetings import MeetingsMixin
from .proposals import ProposalsMixin
from .several import SeveralLiveMixin
from .state import NOBODY, VACANT, WAIT_KEY, Slot, StepVars, SymState, action_key, rational, replaced


class Unrolling(ExpressionsMixin, MeetingsMixin, ProposalsMixin, SeveralLiveMixin, EffectsMixin, ForcingMixin):
    """The bounded unrolling.  With ``classes`` (from :func:`verifier.counting.classes`) the people
    of each class are not encoded one by one: each class is a *slot*, an index after the named
    people whose membership and stage choices are counts (``split``: two slots per class, the
    coalition's part and the others', whose sizes are the variables ``coalition_counts``).

    Each concern is a mixin of its own module (expressions, meetings, proposals, effects, forcing),
    composed here only: they share the people, slots and states this class sets up, and call one
    another's methods through ``self`` (so a test may patch any of them on this class).
    """

    def __init__(self, model: m.Model, classes: tuple[Class, ...] = (), split: bool = False,
                 all_sizes: bool = False):
        """``all_sizes``: a class that is a group of variable size has a size variable (in
        ``sizes``, constrained by ``size_rules``) instead of the size of the model's instance."""
        self.model = model
        uncounted, declared = _places(model, classes)
        kept = [(place, model.people[place]) for place in uncounted]
        self.people = [p.name for _, p in kept]
        self.index = {n: i for i, n in enumerate(self.people)}
        self.weights = [p.weight for _, p in kept]
        self.named = len(self.people)
        # index -> place in the declaration order (a slot: its class's first member), for canonical models
        self.position = {i: place for i, (place, _) in enumerate(kept)}
        self.slots: dict[int, Slot] = {}
        self.coalition_counts: dict[str, object] = {}  # class name -> Int: how many of it the coalition holds
        self.sizes: dict[str, object] = {}  # class name -> its size (a variable only with all_sizes)
        self.size_rules: list = []
        self.size_vars: list = []
        self.quantified = False  # a forced stage quantifies over the outsiders' responses (ForAll)
        self.extra_seats: dict[str, object] = {}  # body -> seats beyond the instance's, from variable sizes
        for c in classes:
            size = IntVal(len(c.members))
            if all_sizes and c.variable is not None:
                size = Int(f"size[{c.name}]")
                self.size_vars.append(size)
                low, high = c.variable
                self.size_rules += [size >= low] + ([size <= high] if high is not None else [])
                self.extra_seats[c.body] = self.extra_seats.get(c.body, IntVal(0)) + size - len(c.members)
            self.sizes[c.name] = size
            if split:
                k = self.coalition_counts[c.name] = Int(f"coalition[{c.name}]")
                parts = [("coalition", k), ("others", size - k)]
            else:
                parts = [("all", size)]
            for part, total in parts:
                self.slots[len(self.people)] = Slot(c, part, total)
                self.position[len(self.people)] = declared[c.members[0]]
                self.people.append(f"{c.name}:{part}")
                self.weights.append(c.weight)
        # who can ever sit in each body: the initial members, plus anyone if some effect adds to it
        addable = {e.target for p in model.procedures.values() for e in p.effects if e.kind == "add"}
        self.potential: dict[str, list[int]] = {}
        for b in model.bodies.values():
            if b.name in addable:
                self.potential[b.name] = list(range(len(self.people)))
            else:
                # (the named members only: counted ones sit in their class's slots, added below)
                self.potential[b.name] = list(map(self.index.__getitem__, present(b.members, self.index)))
            self.potential[b.name] += [i for i, s in self.slots.items() if s.cls.body == b.name]
        self.delegation = any(e.kind == "delegate" for p in model.procedures.values() for e in p.effects)
        self.states: list[SymState] = [self._initial()]
        self.steps: list[StepVars] = []

    # ------------------------------------------------------------ states
    def _initial(self) -> SymState:
        """The initial state: bodies, offices and parameters as declared, nothing waiting or proposed,
        balances the declared weights, nobody delegating.

        Mirrors :func:`govspec.semantics.state.initial_state`.
        """
        mm = self.model
        members = {b: {i: self.slots[i].total if i in self.slots else BoolVal(self.people[i] in mm.bodies[b].members)
                       for i in self.potential[b]} for b in mm.bodies}
        offices = {o.name: IntVal(self.index[o.holder] if o.holder else VACANT) for o in mm.offices.values()}
        params = {p.name: rational(p.initial) for p in mm.params.values()}
        kept = mm.kept_tallies()  # (the vote's tally a decision keeps, when a rule reads it: issue 13.6)
        pending = {p.name: (BoolVal(False), IntVal(0), {f.name: IntVal(0) for f in p.formals}, IntVal(-1),
                            {f: RealVal(0) for f in m.TALLIES} if p.name in kept else {})
                   for p in mm.procedures.values() if p.timed}
        balances = {i: rational(w) for i, w in enumerate(self.weights)} if mm.tokens else None
        delegates = {i: IntVal(i) for i in range(len(self.people))} if self.delegation else None
        proposals = {p.name: (BoolVal(False), IntVal(-1), IntVal(0), {f.name: IntVal(0) for f in p.formals},
                              {i: RealVal(0) for i in range(len(self.people))} if p.lifecycle.snapshot else None)
                     for p in mm.procedures.values() if p.lifecycle is not None}
        several = [p for p in mm.procedures.values() if p.live > 1]  # (issue 13.6: K - 1 more slots of each)
        more_pending = {p.name: [pending[p.name]] * (p.live - 1) for p in several if p.timed}
        more_proposals = {p.name: [proposals[p.name]] * (p.live - 1) for p in several if p.lifecycle is not None}
        return SymState(members, offices, params, IntVal(0), pending, balances, delegates, proposals,
                        more_pending=more_pending, more_proposals=more_proposals)

    # ------------------------------------------------------------ one step
    def _new_step(self, t: int, procedures) -> StepVars:
        """The variables of step ``t``: a selection literal per action, arguments, stage choices, the days
        time passes, proposers and the loan."""
        selected, stages = {}, {}
        for p in procedures:
            selected[p.name] = Bool(f"select@{t}[{p.name}]")
            stages[p.name] = [self._stage_vars("", t, p.name, i, s.body, signing=s.written_waiver is not None)
                              for i, s in enumerate(p.stages)]
            if p.timed:
                selected[action_key(p.name, "execute")] = Bool(f"select@{t}[{p.name} takes effect]")
            if p.window_stage is not None:
                key = action_key(p.name, "veto")
                selected[key] = Bool(f"select@{t}[{p.name} vetoed]")
                stages[key] = [self._stage_vars("veto:", t, p.name, 0, p.window_stage.body,
                                                signing=p.window_stage.written_waiver is not None)]
            if p.lifecycle is not None:
                selected[action_key(p.name, "propose")] = Bool(f"select@{t}[{p.name} proposed]")
                if p.lifecycle.threshold is not None:
                    selected[action_key(p.name, "cancel")] = Bool(f"select@{t}[{p.name} cancelled]")
        days = None
        if self.model.timed:
            selected[WAIT_KEY] = Bool(f"select@{t}[time passes]")
            days = Int(f"days@{t}")
        args = {p.name: {f.name: Int(f"arg@{t}[{p.name}.{f.name}]") for f in p.formals} for p in procedures}
        proposer = {p.name: Int(f"proposer@{t}[{p.name}]") for p in procedures if p.lifecycle is not None}
        loan = Int(f"loan@{t}") if self.model.flash_loan > 0 else IntVal(NOBODY)
        which = {p.name: Int(f"which@{t}[{p.name}]") for p in procedures if p.live > 1}
        return StepVars(t, selected, args, stages, Bool(f"active@{t}"), days, proposer, loan, which=which)

    def _finish(self, solver, step: StepVars, state: SymState, post: dict, rules_for: dict) -> StepVars:
        """Add each action's rules (when it is selected) and the state after the step."""
        if self.model.flash_loan > 0:  # a loan is taken only in a vote or a proposal (they say who may borrow)
            for key in rules_for:
                proc, phase = key.rsplit("@", 1) if "@" in key else (key, "pass")
                if key == WAIT_KEY or phase not in ("pass", "propose"):
                    rules_for[key].append(step.loan == NOBODY)
        for key, rules in rules_for.items():
            solver.add(Implies(step.selected[key], And(rules)))
        self.steps.append(step)
        self.states.append(self._frame(step, post, state))
        return step

    def add_step(self, solver, procedures=None) -> StepVars:
        """Add one free step (any procedure, event, timed effect, veto or wait) after the last state.

        The step happens when its ``active`` literal holds; searches assert it for the steps they
        look at, so later steps added for deeper searches never constrain shallower ones.

        Mirrors :func:`govspec.semantics.step.step_problems`.
        Mirrors :func:`govspec.semantics.step.apply`.
        """
        procs = list(procedures if procedures is not None else self.model.procedures.values())
        t = len(self.steps) + 1
        state = self.states[-1]
        step = self._new_step(t, procs)
        solver.add(PbLe([(s, 1) for s in step.selected.values()], 1), Implies(step.active, Or(list(step.selected.values()))))
        post, rules_for = {}, {}
        anyone = lambda i: BoolVal(True)  # noqa: E731 - in a free step anyone may propose and borrow
        for proc in procs:
            args = step.args[proc.name]
            rules = self._args_ok(proc, state, args) + self._loan_ok(proc, step, anyone)
            rules += [self.boolean(g.expr, state, args, None) for g in proc.guards]
            used = None
            if proc.lifecycle is not None:
                vote, used = self._lifecycle_actions(proc, step, state, post, rules_for, anyone)
                rules += vote
                rules_for[action_key(proc.name, "propose")].append(self.called(proc, state, anyone))
            else:
                rules.append(self.called(proc, state, anyone))
            counted = self.counting_state(proc, state, step.loan, step.which.get(proc.name))
            for i, (stage, v) in enumerate(zip(proc.stages, step.stages[proc.name])):
                rules += [self.person_valid(proc, stage, state, args, v, j) for j in v.notified]
                carries = self.carries(proc, i, counted, args, v)
                rules.append(Not(carries) if stage.kind == "vetoed" else carries)
            rules_for[proc.name] = rules
            self._outcome(proc, step, state, post, rules_for, used)
        self._wait(step, state, post, rules_for)
        return self._finish(solver, step, state, post, rules_for)

    def _outcome(self, proc: m.Procedure, step: StepVars, state: SymState, post: dict, rules_for: dict, used) -> None:
        """What a passing vote does: a timed decision waits, else the effects apply; a proposal is used up.

        Mirrors :func:`govspec.semantics.step.apply`.
        """
        if proc.timed:
            self._timed_actions(proc, step, state, post, rules_for)
        else:
            pre, post[proc.name] = self._effects(proc, state, step.args[proc.name])
            rules_for[proc.name].extend(pre)
        if used is not None:
            post[proc.name] = replaced(post[proc.name], **used)

    def add_forced_step(self, solver, coalition: dict[int, BoolRef]) -> StepVars:
        """Add one step the coalition forces: its own choices exist, every outsider response passes.

        Mirrors :func:`govspec.semantics.forcing.forced_problems`.
        """
        procs = list(self.model.procedures.values())
        t = len(self.steps) + 1
        state = self.states[-1]
        step = self._new_step(t, procs)
        solver.add(PbLe([(s, 1) for s in step.selected.values()], 1), Implies(step.active, Or(list(step.selected.values()))))
        solver.add(Implies(step.active, And(self.veto_safe(state, coalition, t))))
        post, rules_for = {}, {}
        member = lambda i: coalition.get(i, BoolVal(False))  # noqa: E731 - only the coalition proposes and borrows
        for proc in procs:
            args = step.args[proc.name]
            rules = self._args_ok(proc, state, args) + self._loan_ok(proc, step, member)
            rules += [self.boolean(g.expr, state, args, None) for g in proc.guards]
            if proc.is_event:  # the coalition may only trigger events on its own members
                for f in proc.formals:
                    if not f.numeric:
                        rules.append(Or([And(args[f.name] == i, c) for i, c in coalition.items()]))
            used = None
            if proc.lifecycle is not None:
                vote, used = self._lifecycle_actions(proc, step, state, post, rules_for, member)
                rules += vote
                rules_for[action_key(proc.name, "propose")].append(self.called(proc, state, member))
            else:  # the coalition calls the meeting (outsiders do not start procedures)
                rules.append(self.called(proc, state, member))
            counted = self.counting_state(proc, state, step.loan, step.which.get(proc.name))
            for i, (stage, v) in enumerate(zip(proc.stages, step.stages[proc.name])):
                rules += self._forced_stage(proc, stage, i, counted, args, v, coalition, t, "", stage.kind != "vetoed")
            rules_for[proc.name] = rules
            self._outcome(proc, step, state, post, rules_for, used)
            if proc.window_stage is not None:  # a veto is the outsiders' move, never the coalition's
                rules_for[action_key(proc.name, "veto")] = [BoolVal(False)]
        self._wait(step, state, post, rules_for)
        if step.days is not None:  # (a wait skips no day of a veto window that reads the date)
            solver.add(Implies(And(step.active, step.selected[WAIT_KEY], self.date_read_by_open_veto(state)),
                               step.days == 1))
        return self._finish(solver, step, state, post, rules_for)

    def step_env(self, step: StepVars, proc: m.Procedure, phase: str = "pass"):
        """Terms to evaluate a step property of ``proc`` at ``step`` (pre-state, args, stage sets).

        Mirrors :func:`govspec.semantics.step.step_env`.
        """
        state = self.states[step.t - 1]
        args = step.args[proc.name]
        if phase == "veto":
            stages, vars_ = (proc.window_stage,), step.stages[action_key(proc.name, "veto")]
        elif phase == "execute":
            stages, vars_ = (), []
        else:
            stages, vars_ = proc.stages, step.stages[proc.name]
            state = self.counting_state(proc, state, step.loan, step.which.get(proc.name))
        sets = [self.stage_sets(proc, s, state, args, v) for s, v in zip(stages, vars_)]
        return state, args, sets

    def violation(self, step: StepVars, prop: m.Property):
        """The step violates the step rule ``prop``: a step of one of its procedures, in that
        procedure's phase, of which the condition fails.

        Mirrors :func:`govspec.semantics.step.violates`.
        """
        cases = []
        for procedure, phase, condition in prop.cases:
            key = action_key(procedure, phase)
            if key not in step.selected:  # no such step (say, 'P.executed' once --explain removed P's timelock)
                continue
            state, args, sets = self.step_env(step, self.model.procedures[procedure], phase)
            cases.append(And(step.selected[key], Not(self.boolean(condition, state, args, sets, step))))
        return Or(cases) if cases else BoolVal(False)


def _places(model: m.Model, classes: tuple[Class, ...]) -> tuple[list[int], dict[str, int]]:
    """The places in ``model.people`` of the people in no class, in order, and each class's first
    member's place.  Classes that know their members' places (``Class.places``, runs of them) are
    set apart run by run, without a pass over their members: 10,000 counted ones cost a few slices."""
    if all(c.places for c in classes):  # (the places between the classes' runs: no pass over the counted)
        runs = sorted((run for c in classes for run in c.places), key=attrgetter("start"))
        uncounted: list[int] = []
        at = 0
        for run in runs:
            uncounted += range(at, run.start)
            at = max(at, run.stop)
        uncounted += range(at, len(model.people))
        return uncounted, {c.members[0]: c.places[0].start for c in classes}
    counted = set().union(*(c.members for c in classes))
    firsts = {c.members[0] for c in classes}
    names = list(map(attrgetter("name"), model.people))  # (one pass over the names)
    return ([place for place, n in enumerate(names) if n not in counted],
            {n: place for place, n in enumerate(names) if n in firsts})
