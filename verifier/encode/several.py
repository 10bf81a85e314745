"""Several live proposals of one procedure ('at most K live proposals', K > 1: issue 13.6).

Encodes: for a procedure with K > 1, K proposal slots (each: recorded?, day, proposer, arguments,
its own snapshot of the voting power) and, for a timed one, K decision slots (each: recorded?,
approved on day, arguments, day of its proposal, kept tally); slot 0 lives where a procedure with
one live proposal keeps its only one (``SymState.proposals`` / ``SymState.pending``), slots 1 to
K-1 in ``SymState.more_proposals`` / ``SymState.more_pending``.  A step's ``which`` (an Int term,
``StepVars.which``) names the slot its vote or cancellation uses up, or the decision that takes
effect or is vetoed.

The reference semantics keeps a procedure's entries as a sorted list and a step names one by its
index there; here a slot's place means nothing: the entries are the recorded slots, as a
multiset, and the trace reader (verifier/solve.py) finds the index of the slot's entry in the
reference state.  Where the reference semantics' choice depends on the order of entries (a new
proposal, without a voting period, when K are recorded, replaces the oldest: the least by day,
then arguments, proposer and snapshot as the state sorts them), the order is encoded exactly
(:meth:`SeveralLiveMixin._sorted_before`); a new entry takes the first free slot.  In a forced step
(verifier/encode/forcing.py) the coalition votes on the slot of its choice, and every waiting
decision's veto window and every open proposal's cancellation is a threat of its own.

Assumes: the attributes :class:`~verifier.encode.unrolling.Unrolling` sets up (``model``,
``people``) and its ``num``, ``powers``, ``_power_of``, ``_proposer_rules`` (:mod:`.proposals`),
``_no_loan``, ``_effects``, ``boolean``, ``person_valid``, ``carries`` and ``step_env``;
no interchangeable classes (verifier/counting.py refuses such a spec), so a person is a named one.

Guarantees: an action's rules hold exactly when the reference semantics allows the step with some
``which``, and its post-state holds the same entries as the state the reference semantics computes.
"""

from __future__ import annotations

from z3 import And, BoolVal, If, IntVal, Not, Or

from govspec import model as m

from .state import SymState, StepVars, action_key, replaced


def ite(cond, a, b):
    """``If(cond, a, b)`` through a slot's tuple and dicts (None stays None)."""
    if a is b or a is None:
        return a
    if isinstance(a, tuple):
        return tuple(ite(cond, x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return {k: ite(cond, a[k], b[k]) for k in a}
    return If(cond, a, b)


def chosen(which, values: list):
    """The value of slot ``which`` among ``values`` (an If-chain)."""
    term = values[-1]
    for j in range(len(values) - 2, -1, -1):
        term = If(which == j, values[j], term)
    return term


def _lexically_before(a: list, b: list, strict: bool):
    """``a`` comes before ``b`` (or equals it, unless ``strict``) in lexicographic order."""
    result = BoolVal(not strict)
    for x, y in reversed(list(zip(a, b))):
        result = Or(x < y, And(x == y, result))
    return result


class SeveralLiveMixin:
    """The slots of procedures with several live proposals in :class:`~verifier.encode.unrolling.Unrolling`
    (a mixin, with no state of its own)."""

    # ------------------------------------------------------------ slots
    def proposal_slots(self, state: SymState, name: str) -> list[tuple]:
        return [state.proposals[name], *state.more_proposals.get(name, [])]

    def pending_slots(self, state: SymState, name: str) -> list[tuple]:
        return [state.pending[name], *state.more_pending.get(name, [])]

    def _with_proposals(self, state: SymState, name: str, slots: list[tuple]) -> dict:
        return dict(proposals={**state.proposals, name: slots[0]},
                    more_proposals={**state.more_proposals, name: list(slots[1:])})

    def _with_pending(self, state: SymState, name: str, slots: list[tuple]) -> dict:
        return dict(pending={**state.pending, name: slots[0]},
                    more_pending={**state.more_pending, name: list(slots[1:])})

    def _which_ok(self, proc: m.Procedure, step: StepVars):
        which = step.which[proc.name]
        return And(which >= 0, which < proc.live)

    def snapshot_of(self, proc: m.Procedure, state: SymState, which) -> dict:
        """The snapshot the vote on slot ``which`` counts.

        Mirrors :func:`govspec.semantics.effects.counting_powers` (the proposal voted on).
        """
        snaps = [s[4] for s in self.proposal_slots(state, proc.name)]
        return {i: chosen(which, [s[i] for s in snaps]) for i in snaps[0]}

    # ------------------------------------------------------------ the order of the reference state
    def _sort_key(self, proc: m.Procedure, slot: tuple) -> list:
        """A proposal slot's place in the order the reference semantics keeps its entries in when
        it replaces the oldest: day, then arguments (people by name), proposer (by name), snapshot
        (each person's power, people by name).

        Mirrors :func:`govspec.semantics.step.apply` (a proposal when K are recorded replaces the oldest).
        """
        _, day, proposer, args, snapshot = slot
        names = sorted(range(len(self.people)), key=lambda i: self.people[i])
        rank = {i: r for r, i in enumerate(names)}

        def by_name(who):
            return chosen(who, [IntVal(rank[i]) for i in range(len(self.people))]) if self.people else who

        key = [day]
        key += [args[f.name] if f.numeric else by_name(args[f.name]) for f in proc.formals]
        key.append(by_name(proposer))
        if snapshot is not None:
            key += [snapshot[i] for i in names]
        return key

    def _sorted_before(self, proc: m.Procedure, slots: list[tuple], j: int):
        """Slot ``j`` holds the entry the reference semantics replaces: the first in its order (the
        lowest slot among equal entries, which are the same entry)."""
        mine = self._sort_key(proc, slots[j])
        return And([_lexically_before(mine, self._sort_key(proc, other), strict=k < j)
                    for k, other in enumerate(slots) if k != j])

    # ------------------------------------------------------------ proposals
    def _several_open(self, proc: m.Procedure, state: SymState, slot: tuple):
        """The slot holds a proposal that can still be voted on.

        Mirrors :func:`govspec.semantics.proposals.open_proposal`.
        """
        exists, day = slot[:2]
        life = proc.lifecycle
        return exists if life.period is None else And(exists, state.now < day + life.delay + life.period)

    def _several_lifecycle_actions(self, proc: m.Procedure, step: StepVars, state: SymState, post: dict,
                                   rules_for: dict, may_propose) -> tuple[list, dict]:
        """As :meth:`~verifier.encode.proposals.ProposalsMixin._lifecycle_actions`, with K slots; returns the
        rules of the vote on slot ``which`` and the changes of the state that use it up.

        Mirrors :func:`govspec.semantics.proposals.propose_problems`.
        Mirrors :func:`govspec.semantics.proposals.cancel_problems`.
        Mirrors :func:`govspec.semantics.proposals.vote_window_problems`.
        Mirrors :func:`govspec.semantics.step.apply` (a proposal, a cancellation, a vote using it up).
        """
        life, args, which = proc.lifecycle, step.args[proc.name], step.which[proc.name]
        slots = self.proposal_slots(state, proc.name)
        opened = [self._several_open(proc, state, s) for s in slots]

        def same_args(slot):
            return [args[f.name] == slot[3][f.name] for f in proc.formals]

        # the proposal: while fewer than K are open (with a voting period); the closed ones are
        # dropped, the new one takes the first free slot, or (no voting period, K recorded) the oldest's
        key = action_key(proc.name, "propose")
        who = step.proposer[proc.name]
        rules = self._proposer_rules(proc, step, state, may_propose)
        full = And(opened)
        if life.period is not None:
            rules.append(Not(full))
        rules_for[key] = rules
        new = (BoolVal(True), state.now, who, dict(args), dict(enumerate(self.powers(state))) if life.snapshot else None)
        after = []
        for j, slot in enumerate(slots):
            target = And(Not(opened[j]), *opened[:j])
            if life.period is None:
                target = Or(target, And(full, self._sorted_before(proc, slots, j)))
            dropped = (BoolVal(False), *slot[1:])
            after.append(ite(target, new, ite(opened[j], slot, dropped)))
        post[key] = replaced(state, **self._with_proposals(state, proc.name, after))
        used = self._with_proposals(state, proc.name, [(And(s[0], which != j), *s[1:]) for j, s in enumerate(slots)])
        # the cancellation of an open proposal whose proposer is below the threshold
        if life.threshold is not None:
            key = action_key(proc.name, "cancel")
            rules_for[key] = [self._which_ok(proc, step)] + [
                Or(which != j, And(cancellable, *same_args(s)))
                for j, (s, cancellable) in enumerate(zip(slots, self._cancellable_slots(proc, state)))]
            self._no_loan(step, rules_for, [key])
            post[key] = replaced(state, **used)
        # the vote on slot ``which`` (on short notice, where attendance waives it, when nobody is duly notified)
        untold = None
        if life.waivable:
            untold = And([Not(n) for stage, v in zip(proc.stages, step.stages[proc.name])
                          if stage.notice_days is not None for n in v.notified.values()])
        vote = [self._which_ok(proc, step)]
        for j, s in enumerate(slots):
            opens = s[1] + life.delay
            on_time = state.now >= opens if untold is None else Or(state.now >= opens, untold)
            window = [state.now < opens + life.period] if life.period is not None else []
            vote.append(Or(which != j, And(s[0], *same_args(s), on_time, *window)))
        return vote, used

    def _cancellable_slots(self, proc: m.Procedure, state: SymState) -> list:
        """For each proposal slot: it is open and its proposer's power is below the threshold.

        Mirrors :func:`govspec.semantics.proposals.cancel_problems`.
        """
        if proc.live == 1:
            return [self._cancellable(proc, state)]
        amount = self.num(proc.lifecycle.threshold, state, {}, None)
        powers = self.powers(state)
        return [And(self._several_open(proc, state, s), self._power_of(powers, s[2]) < amount)
                for s in self.proposal_slots(state, proc.name)]

    # ------------------------------------------------------------ waiting decisions
    def _several_live(self, proc: m.Procedure, state: SymState, slot: tuple):
        """The slot's decision waits: recorded, not expired.

        Mirrors :func:`govspec.semantics.proposals.waiting_decisions`.
        """
        waiting, at = slot[:2]
        return waiting if proc.grace is None else And(waiting, state.now < at + proc.delay + proc.grace)

    def _several_timed_actions(self, proc: m.Procedure, step: StepVars, state: SymState, post: dict,
                               rules_for: dict) -> None:
        """As :meth:`~verifier.encode.proposals.ProposalsMixin._timed_actions`, with K decision slots.

        Mirrors :func:`govspec.semantics.step.step_problems` (a timed procedure's vote: up to K decisions wait).
        Mirrors :func:`govspec.semantics.proposals.execute_problems`.
        Mirrors :func:`govspec.semantics.proposals.veto_problems`.
        Mirrors :func:`govspec.semantics.step.apply` (approved, taken effect, vetoed).
        """
        args, which = step.args[proc.name], step.which[proc.name]
        slots = self.pending_slots(state, proc.name)
        live = [self._several_live(proc, state, s) for s in slots]

        def same_args(slot):
            return [args[f.name] == slot[2][f.name] for f in proc.formals]

        # its vote approves while fewer than K wait: the expired are dropped, the new one takes the first free slot
        rules_for[proc.name].append(Not(And(live)))
        if proc.lifecycle is not None:
            voted_on = chosen(which, [s[1] for s in self.proposal_slots(state, proc.name)])
        else:
            voted_on = IntVal(-1)
        if slots[0][4]:  # the vote's tally, counted as its stages are, kept with the decision
            counted, _, sets = self.step_env(step, proc)
            kept = {f: self.num(m.tally_count(f), counted, args, sets) for f in m.TALLIES}
        else:
            kept = {}
        new = (BoolVal(True), state.now, dict(args), voted_on, kept)
        approved = [ite(And(Not(live[j]), *live[:j]), new, ite(live[j], s, (BoolVal(False), *s[1:])))
                    for j, s in enumerate(slots)]
        post[proc.name] = replaced(state, **self._with_pending(state, proc.name, approved))
        cleared = self._with_pending(state, proc.name, [(And(s[0], which != j), *s[1:]) for j, s in enumerate(slots)])
        # one of them takes effect once its timelock and any veto window have passed
        key = action_key(proc.name, "execute")
        pre, after = self._effects(proc, state, args)
        checked = [self.boolean(g.expr, state, args, None) for g in proc.execution_guards]
        rules_for[key] = [self._which_ok(proc, step), *checked, *pre] + [
            Or(which != j, And(live[j], *same_args(s), state.now >= s[1] + proc.delay)) for j, s in enumerate(slots)]
        post[key] = replaced(after, **cleared)
        if proc.window_stage is not None:
            key = action_key(proc.name, "veto")
            stage, v = proc.window_stage, step.stages[key][0]
            rules = [self._which_ok(proc, step)] + [
                Or(which != j, And(s[0], *same_args(s), state.now < s[1] + stage.window)) for j, s in enumerate(slots)]
            rules += [self.person_valid(proc, stage, state, args, v, j) for j in v.notified]
            rules.append(self.carries(proc, 0, state, args, v, stage=stage))
            rules_for[key] = rules
            post[key] = replaced(state, **cleared)

    def _several_snapshots_as_time_passes(self, proc: m.Procedure, state: SymState) -> dict:
        """The proposal slots after time passes: a snapshot N days after its proposal follows the live power until then.

        Mirrors :func:`govspec.semantics.step.snapshots_as_time_passes`.
        """
        live = self.powers(state)
        after = []
        for slot in self.proposal_slots(state, proc.name):
            exists, day, proposer, p_args, snapshot = slot
            before = state.now < day + proc.lifecycle.snapshot_days
            after.append((exists, day, proposer, p_args, {i: If(before, live[i], v) for i, v in snapshot.items()}))
        return self._with_proposals(state, proc.name, after)
