"""Voting power and flash loans, the effects of a procedure (tokens too), and the state after a step.

Encodes: each person's voting power in a symbolic state (balances, delegation, a flash loan taken
in the step, a proposal's snapshot); which steps take a loan and who may borrow; a procedure's
effects (offices, parameters, membership with its seats and cap per principal, transfers, mints,
delegations) as preconditions and a post-state; and the frame: the state after a step is the
post-state of the action selected, else the state before it.

Assumes: the attributes :class:`~verifier.encode.unrolling.Unrolling` sets up (``model``,
``people``, ``weights``, ``slots``) and its ``person`` and ``num`` (:mod:`.expressions`); at most
one action of a step is selected (:meth:`~verifier.encode.unrolling.Unrolling.add_step` says so).

Guarantees: the preconditions hold exactly when the reference semantics applies every effect
without a problem (people named in effects read in the state before the step, each effect's
condition on the state the effects before it left), and the post-state is the one it computes.
"""

from __future__ import annotations

from z3 import And, BoolVal, If, Implies, IntVal, Not, Or, RealVal, Sum, ToReal

from govspec import model as m

from .state import NOBODY, VACANT, StepVars, SymState, occupied, rational, replaced


class EffectsMixin:
    """The voting power, loans, effects and frame of :class:`~verifier.encode.unrolling.Unrolling` (a
    mixin, with no state of its own)."""

    # ------------------------------------------------------------ voting power
    def powers(self, state: SymState, loan=None) -> list:
        """Each person's voting power: delegated balances plus a flash loan.

        Mirrors :func:`govspec.semantics.state.powers`.
        """
        if state.balances is None:
            base = [rational(w) for w in self.weights]
        elif state.delegates is None:
            base = [state.balances[i] for i in range(len(self.people))]
        else:
            base = [Sum([If(state.delegates[h] == i, state.balances[h], RealVal(0)) for h in range(len(self.people))])
                    for i in range(len(self.people))]
        if loan is None or self.model.flash_loan == 0:
            return base
        pool = rational(self.model.flash_loan)
        return [b + If(loan == i, pool, RealVal(0)) for i, b in enumerate(base)]

    def weight_of(self, state: SymState, i: int):
        """The voting power of person ``i`` that a weighted count sees in ``state``."""
        if state.counting is not None:
            return state.counting[i]
        if state.balances is None:
            return rational(self.weights[i])
        cached = state.__dict__.get("_powers")
        if cached is None:
            cached = state.__dict__["_powers"] = self.powers(state)
        return cached[i]

    def counting_state(self, proc: m.Procedure, state: SymState, loan, which=None) -> SymState:
        """The state a procedure's vote is counted in: the proposal's snapshot (with several live
        proposals, issue 13.6: that of the slot ``which``), or live powers with a flash loan.

        Mirrors :func:`govspec.semantics.effects.counting_powers`.
        """
        life = proc.lifecycle
        if life is not None and life.snapshot and proc.live > 1:
            return replaced(state, counting=self.snapshot_of(proc, state, which))
        if life is not None and life.snapshot:
            return replaced(state, counting=state.proposals[proc.name][4])
        if self.model.flash_loan > 0:
            return replaced(state, counting=self.powers(state, loan))
        return state

    def _loan_ok(self, proc: m.Procedure, step: StepVars, may_borrow) -> list:
        """The flash loan of a vote or proposal: nobody, or someone ``may_borrow(i)``.

        Mirrors :func:`govspec.semantics.effects.loan_problems`.
        """
        if self.model.flash_loan == 0:
            return []
        if proc.is_event or (proc.lifecycle is not None and proc.lifecycle.snapshot):
            return [step.loan == NOBODY]
        return [Or(step.loan == NOBODY, Or([And(step.loan == i, may_borrow(i)) for i in range(len(self.people))]))]

    def _no_loan(self, step: StepVars, rules_for: dict, keys) -> None:
        """No flash loan in the actions of ``keys``."""
        if self.model.flash_loan > 0:
            for key in keys:
                rules_for[key].append(step.loan == NOBODY)

    def _power_of(self, powers: list, who):
        """The power of the person ``who`` (an Int term) in ``powers``."""
        return Sum([If(who == i, p, RealVal(0)) for i, p in enumerate(powers)])

    def _effects(self, proc: m.Procedure, state: SymState, args) -> tuple[list, SymState]:
        """Preconditions of the effects and the state they produce.

        Mirrors :func:`govspec.semantics.effects.run_effects`.
        Mirrors :func:`govspec.semantics.effects.effect_problems`.
        """
        pre = []
        members = {b: dict(v) for b, v in state.members.items()}
        offices = dict(state.offices)
        params = dict(state.params)
        balances = dict(state.balances) if state.balances is not None else None
        delegates = dict(state.delegates) if state.delegates is not None else None
        for eff in proc.effects:
            if eff.when is None:
                pre += self._effect(eff, state, args, members, offices, params, balances, delegates)
                continue
            # a conditional effect: its condition read in the state before the step, as its values are
            cond = self.boolean(eff.when, state, args, None)
            flat = (offices, params, balances, delegates)
            was_flat = [None if d is None else dict(d) for d in flat]
            was_members = {b: dict(v) for b, v in members.items()}
            pre += [Implies(cond, p) for p in self._effect(eff, state, args, members, offices, params, balances, delegates)]
            for now_, was in [*zip(flat, was_flat), *((members[b], was_members[b]) for b in members)]:
                for k in (now_ or {}):
                    if now_[k] is not was[k]:
                        now_[k] = If(cond, now_[k], was[k])
        return pre, replaced(state, members=members, offices=offices, params=params, balances=balances,
                          delegates=delegates, counting=None)

    def _effect(self, eff: m.Effect, state: SymState, args, members, offices, params, balances, delegates) -> list:
        """One effect applied to the dicts in place; its preconditions."""
        pre = []
        if eff.kind in m.TOKEN_EFFECTS:
            return self._token_effect(eff, state, args, balances, delegates)
        if eff.kind == "vacate":
            offices[eff.target] = IntVal(VACANT)
        elif eff.kind == "fill":
            offices[eff.target] = self.person(eff.person, state, args)
        elif eff.kind == "set":
            value = self.num(eff.expr, state, args, None)
            params[eff.target] = ToReal(value) if value.is_int() else value
        else:
            who = self.person(eff.person, state, args)
            body = members[eff.target]
            inside = Or([And(who == i, occupied(b)) for i, b in body.items()]) if body else BoolVal(False)
            if eff.kind == "remove":  # from a class: one of its people in the body leaves it
                pre.append(inside)
                members[eff.target] = {i: And(b, who != i) if i not in self.slots else b - If(who == i, 1, 0)
                                       for i, b in body.items()}
            else:
                seats = self.model.bodies[eff.target].seats
                count = Sum([If(b, 1, 0) for b in body.values()]) if body else IntVal(0)
                pre += [who != VACANT, Not(inside), count < seats]
                cap = self.model.bodies[eff.target].cap
                if cap is not None:  # at most ``cap`` seats held for the joiner's principal
                    principal = [self.model.person(n).principal for n in self.people]
                    pre.append(And([Implies(who == j, Sum([If(b, 1, 0) for i, b in body.items()
                                                           if principal[i] == principal[j]] or [IntVal(0)]) < cap)
                                    for j in range(len(self.people))]))
                members[eff.target] = {i: Or(b, who == i) for i, b in body.items()}
        return pre

    def _token_effect(self, eff: m.Effect, state: SymState, args, balances: dict, delegates: dict | None) -> list:
        """One transfer, mint or delegation, applied to the dicts in place.

        Mirrors :func:`govspec.semantics.effects.run_effects` (its token effects).
        """
        who = self.person(eff.person, state, args)
        other = self.person(eff.other, state, args) if eff.other is not None else None
        pre = [who != VACANT] + ([other != VACANT] if other is not None else [])
        if eff.kind == "delegate":
            for i in delegates:
                delegates[i] = If(who == i, other, delegates[i])
            return pre
        amount = self.num(eff.amount, state, args, None)
        if eff.kind == "mint":
            for i in balances:
                balances[i] = balances[i] + If(who == i, amount, RealVal(0))
            return pre
        pre.append(Or([And(who == i, b >= amount) for i, b in balances.items()]))
        for i in balances:
            balances[i] = balances[i] - If(who == i, amount, RealVal(0)) + If(other == i, amount, RealVal(0))
        return pre

    def _frame(self, step: StepVars, post: dict[str, SymState], state: SymState) -> SymState:
        """The state after the step: the selected action's post-state (unchanged if none is).

        Mirrors :func:`govspec.semantics.step.apply`.
        """
        names = list(post)

        def pick(get):
            term = get(state)
            for n in reversed(names):
                term = If(step.selected[n], get(post[n]), term)
            return term

        members = {b: {i: pick(lambda s, b=b, i=i: s.members[b][i]) for i in state.members[b]} for b in state.members}
        offices = {o: pick(lambda s, o=o: s.offices[o]) for o in state.offices}
        params = {p: pick(lambda s, p=p: s.params[p]) for p in state.params}
        now = pick(lambda s: s.now)
        pending = {p: (pick(lambda s, p=p: s.pending[p][0]), pick(lambda s, p=p: s.pending[p][1]),
                       {f: pick(lambda s, p=p, f=f: s.pending[p][2][f]) for f in state.pending[p][2]},
                       pick(lambda s, p=p: s.pending[p][3]),
                       {f: pick(lambda s, p=p, f=f: s.pending[p][4][f]) for f in state.pending[p][4]})
                   for p in state.pending}
        balances = delegates = None
        if state.balances is not None:
            balances = {i: pick(lambda s, i=i: s.balances[i]) for i in state.balances}
        if state.delegates is not None:
            delegates = {i: pick(lambda s, i=i: s.delegates[i]) for i in state.delegates}
        proposals = {}
        for p, (_, _, _, p_args, snap) in state.proposals.items():
            proposals[p] = (*[pick(lambda s, p=p, k=k: s.proposals[p][k]) for k in range(3)],
                            {f: pick(lambda s, p=p, f=f: s.proposals[p][3][f]) for f in p_args},
                            None if snap is None else {i: pick(lambda s, p=p, i=i: s.proposals[p][4][i]) for i in snap})
        # (issue 13.6) the slots beyond the first of procedures with several live proposals
        more_pending = {p: [self._picked(pick, lambda s, p=p, j=j: s.more_pending[p][j], slot)
                            for j, slot in enumerate(slots)] for p, slots in state.more_pending.items()}
        more_proposals = {p: [self._picked(pick, lambda s, p=p, j=j: s.more_proposals[p][j], slot)
                              for j, slot in enumerate(slots)] for p, slots in state.more_proposals.items()}
        return SymState(members, offices, params, now, pending, balances, delegates, proposals,
                        more_pending=more_pending, more_proposals=more_proposals)

    @staticmethod
    def _picked(pick, get, shape):
        """A slot's tuple (with its dicts) after the step: each leaf picked as :meth:`_frame` does."""
        if shape is None:
            return None
        if isinstance(shape, tuple):
            return tuple(EffectsMixin._picked(pick, lambda s, k=k: get(s)[k], x) for k, x in enumerate(shape))
        if isinstance(shape, dict):
            return {key: EffectsMixin._picked(pick, lambda s, key=key: get(s)[key], x) for key, x in shape.items()}
        return pick(get)
