"""Proposals and their voting windows and thresholds; timelocks, expiry and veto windows; waiting.

Encodes: the steps besides a vote and an event: proposing and cancelling (a procedure with a
lifecycle), and what a vote needs of its proposal (the same arguments, voting open); a timed
procedure's approved decision waiting, taking effect after its timelock, vetoed in its window;
a step in which time passes.  Each action's rules go to ``rules_for[key]`` and its post-state to
``post[key]``, under its selection key (:func:`~verifier.encode.state.action_key`).

Assumes: the attributes :class:`~verifier.encode.unrolling.Unrolling` sets up (``model``) and its
``num`` (:mod:`.expressions`), ``person_valid``, ``carries``, ``_args_ok`` (:mod:`.meetings`),
``powers``, ``_power_of``, ``_loan_ok``, ``_no_loan`` and ``_effects`` (:mod:`.effects`).

Guarantees: an action's rules hold exactly when the reference semantics allows it, and its
post-state is the one the reference semantics computes.
"""

from __future__ import annotations

from z3 import And, BoolVal, If, IntVal, Not, Or

from govspec import model as m

from .state import WAIT_KEY, StepVars, SymState, action_key, replaced


class ProposalsMixin:
    """The proposals and timed decisions of :class:`~verifier.encode.unrolling.Unrolling` (a mixin,
    with no state of its own)."""

    def _voting_open(self, proc: m.Procedure, state: SymState):
        """The procedure has a proposal that can still be voted on (its voting period, if any, not over).

        Mirrors :func:`govspec.semantics.proposals.open_proposal`.
        Mirrors :func:`govspec.semantics.proposals.voting_closes`.
        """
        exists, day, _, _, _ = state.proposals[proc.name]
        life = proc.lifecycle
        if life.period is None:
            return exists
        return And(exists, state.now < day + life.delay + life.period)

    def _cancellable(self, proc: m.Procedure, state: SymState):
        """The proposal is open and its proposer's power is below the threshold.

        Mirrors :func:`govspec.semantics.proposals.cancel_problems`.
        """
        proposer = state.proposals[proc.name][2]
        below = self._power_of(self.powers(state), proposer) < self.num(proc.lifecycle.threshold, state, {}, None)
        return And(self._voting_open(proc, state), below)

    def _proposer_rules(self, proc: m.Procedure, step: StepVars, state: SymState, may_propose) -> list:
        """A proposal's arguments and loan, its proposer a member of the deciding body (one who
        ``may_propose``) with the power the proposal threshold asks.

        Mirrors :func:`govspec.semantics.proposals.propose_problems`.
        """
        life, args, who = proc.lifecycle, step.args[proc.name], step.proposer[proc.name]
        body = state.members[proc.stages[0].body]
        rules = self._args_ok(proc, state, args) + self._loan_ok(proc, step, may_propose)
        rules.append(Or([And(who == i, b, may_propose(i)) for i, b in body.items()]) if body else BoolVal(False))
        if life.threshold is not None:
            power = self.powers(state, None if life.snapshot else step.loan)
            amount = self.num(life.threshold, state, {}, None)
            power_of = self._power_of(power, who)
            rules.append(power_of > amount if life.threshold_strict else power_of >= amount)
        return rules

    def _lifecycle_actions(self, proc: m.Procedure, step: StepVars, state: SymState, post: dict, rules_for: dict,
                           may_propose) -> list:
        """The proposal and cancellation steps of a procedure with a lifecycle; returns the rules its
        vote needs (an open proposal with these arguments, voting open).

        Mirrors :func:`govspec.semantics.proposals.propose_problems`.
        Mirrors :func:`govspec.semantics.proposals.threshold`.
        Mirrors :func:`govspec.semantics.proposals.vote_window_problems`.
        Mirrors :func:`govspec.semantics.proposals.short_notice_problems`.
        Mirrors :func:`govspec.semantics.step.apply` (a proposal, a cancellation, a vote using it up).
        """
        if proc.live > 1:  # (issue 13.6: K slots, verifier/encode/several.py)
            return self._several_lifecycle_actions(proc, step, state, post, rules_for, may_propose)
        life, args = proc.lifecycle, step.args[proc.name]
        exists, day, proposer, p_args, snapshot = state.proposals[proc.name]
        same_args = [args[f.name] == p_args[f.name] for f in proc.formals]
        # the proposal
        key = action_key(proc.name, "propose")
        who = step.proposer[proc.name]
        rules = self._proposer_rules(proc, step, state, may_propose)
        if life.period is not None:
            rules.append(Not(self._voting_open(proc, state)))
        rules_for[key] = rules
        new = dict(state.proposals)
        new[proc.name] = (BoolVal(True), state.now, who, dict(args),
                          dict(enumerate(self.powers(state))) if life.snapshot else None)
        post[key] = replaced(state, proposals=new)
        used = dict(state.proposals)
        used[proc.name] = (BoolVal(False), day, proposer, p_args, snapshot)
        # the cancellation
        if life.threshold is not None:
            key = action_key(proc.name, "cancel")
            rules_for[key] = [*same_args, self._cancellable(proc, state)]
            self._no_loan(step, rules_for, [key])
            post[key] = replaced(state, proposals=used)
        # the vote (on short notice, where attendance waives it, when nobody is duly notified)
        opens = day + life.delay
        on_time = state.now >= opens
        if life.waivable:
            untold = [Not(n) for stage, v in zip(proc.stages, step.stages[proc.name]) if stage.notice_days is not None
                      for n in v.notified.values()]
            on_time = Or(on_time, And(untold))
        return [exists, *same_args, on_time] + (
            [state.now < opens + life.period] if life.period is not None else []), {"proposals": used}

    def _live(self, proc: m.Procedure, state: SymState):
        """A decision of a timed procedure waits: approved, not in effect, not vetoed, not expired
        (:meth:`govspec.model.Procedure.waiting`, as the reference semantics asks it)."""
        waiting, at = state.pending[proc.name][:2]
        return waiting if proc.grace is None else And(waiting, state.now < at + proc.delay + proc.grace)

    def _timed_actions(self, proc: m.Procedure, step: StepVars, state: SymState, post: dict, rules_for: dict) -> None:
        """The approval's bookkeeping, and the steps in which a timed procedure takes effect or is vetoed.

        Mirrors :func:`govspec.semantics.step.step_problems` (a timed procedure's vote: one decision waits at a time).
        Mirrors :func:`govspec.semantics.proposals.execute_problems`.
        Mirrors :func:`govspec.semantics.proposals.veto_problems`.
        Mirrors :func:`govspec.semantics.step.apply` (approved, taken effect, vetoed).
        """
        if proc.live > 1:  # (issue 13.6: K slots, verifier/encode/several.py)
            return self._several_timed_actions(proc, step, state, post, rules_for)
        args = step.args[proc.name]
        waiting, at, pending_args, proposed, tally = state.pending[proc.name]
        same_args = [args[f.name] == pending_args[f.name] for f in proc.formals]
        # its vote approves: the decision waits (one at a time), with the day of the proposal voted on
        live = self._live(proc, state)
        rules_for[proc.name].append(Not(live))
        approved = dict(state.pending)
        voted_on = state.proposals[proc.name][1] if proc.lifecycle is not None else IntVal(-1)
        if tally:  # the vote's tally, counted as its stages are, kept with the decision (issue 13.6)
            counted, _, sets = self.step_env(step, proc)
            kept = {f: self.num(m.tally_count(f), counted, args, sets) for f in m.TALLIES}
        else:
            kept = {}
        approved[proc.name] = (BoolVal(True), state.now, dict(args), voted_on, kept)
        post[proc.name] = replaced(state, pending=approved)
        cleared = dict(state.pending)
        cleared[proc.name] = (BoolVal(False), at, pending_args, proposed, tally)
        # it takes effect once the timelock and any veto window have passed
        key = action_key(proc.name, "execute")
        pre, after = self._effects(proc, state, args)
        checked = [self.boolean(g.expr, state, args, None) for g in proc.execution_guards]
        rules_for[key] = [live, *same_args, state.now >= at + proc.delay, *checked, *pre]
        post[key] = replaced(after, pending=cleared)
        if proc.window_stage is not None:
            key = action_key(proc.name, "veto")
            stage, v = proc.window_stage, step.stages[key][0]
            rules = [waiting, *same_args, state.now < at + stage.window]
            rules += [self.person_valid(proc, stage, state, args, v, j) for j in v.notified]
            rules.append(self.carries(proc, 0, state, args, v, stage=stage))
            rules_for[key] = rules
            post[key] = replaced(state, pending=cleared)

    def _wait(self, step: StepVars, state: SymState, post: dict, rules_for: dict) -> None:
        """A step in which time passes, by at least one day.

        Mirrors :func:`govspec.semantics.step.step_problems` (a step of ``WAIT``).
        Mirrors :func:`govspec.semantics.step.apply` (the day moves on).
        Mirrors :func:`govspec.semantics.step.snapshots_as_time_passes`.
        """
        if step.days is not None:
            rules_for[WAIT_KEY] = [step.days >= 1]
            proposals = dict(state.proposals)
            several = {}  # (issue 13.6: the slots of procedures with several live proposals)
            for proc in self.model.procedures.values():  # a snapshot N days after the proposal (issue 19.2)
                if proc.lifecycle is not None and proc.lifecycle.snapshot and proc.lifecycle.snapshot_days:
                    if proc.live > 1:
                        changes = self._several_snapshots_as_time_passes(proc, state)
                        proposals[proc.name] = changes["proposals"][proc.name]
                        several[proc.name] = changes["more_proposals"][proc.name]
                        continue
                    exists, day, proposer, p_args, snapshot = proposals[proc.name]
                    before = state.now < day + proc.lifecycle.snapshot_days  # (still following the live power)
                    live = self.powers(state)
                    proposals[proc.name] = (exists, day, proposer, p_args,
                                            {i: If(before, live[i], v) for i, v in snapshot.items()})
            post[WAIT_KEY] = replaced(state, now=state.now + step.days, proposals=proposals,
                                      more_proposals={**state.more_proposals, **several})
