"""One stage of a procedure: the sets its rules speak of, the rules of each member's choice, whether
it carries; and the rules of a step's arguments.

Encodes: for a stage in a symbolic state, with a step's arguments and the stage's variables
(:class:`~verifier.encode.state.StageVars`: per member whether notified, attending, voting yes,
no or abstaining; per class slot, how many), the step sets (notified, present, yes, no, abstain,
cast, eligible, recused), the rules of a legal choice (notice, attendance, recusal, one vote each,
written consent), and the stage's quorum and passing rule.

Assumes: the attributes :class:`~verifier.encode.unrolling.Unrolling` sets up (``model``,
``people``, ``slots``, ``potential``) and its ``boolean`` (:mod:`.expressions`).  The people of a
class slot are never arguments, so never recused (:func:`verifier.counting.classes`).

Guarantees: for any choices, the sets, the rules and "carries" agree with the reference
semantics'; the variables are named after the step, procedure, stage and person, so that a model
reads back into stage choices.
"""

from __future__ import annotations

from z3 import And, Bool, BoolVal, If, Implies, Int, IntVal, Not, Or, Sum

from govspec import model as m
from govspec.engine import check_time

from .state import StageVars, SymState, occupied


class MeetingsMixin:
    """The stages of :class:`~verifier.encode.unrolling.Unrolling` (a mixin, with no state of its own)."""

    # ------------------------------------------------------------ one stage
    def _recused(self, proc: m.Procedure, args, which: str, i: int):
        """Is person ``i`` recused from the vote or from the quorum (``which``) by the step's arguments?

        Mirrors :func:`govspec.semantics.meetings.recused`.
        """
        if i in self.slots:  # a class member is never recused (counting.classes, counting.unsupported)
            return BoolVal(False)
        terms = [BoolVal(self.people[i] in r.people) if r.people is not None else args[r.formal] == i
                 for r in proc.recusals if (r.from_vote if which == "vote" else r.from_quorum)]
        return Or(terms) if terms else BoolVal(False)

    def stage_sets(self, proc: m.Procedure, stage: m.Stage, state: SymState, args, v: StageVars):
        """The sets a stage's rules speak of, from the members' choices (a class slot: counts).

        Mirrors :func:`govspec.semantics.meetings.stage_sets`.
        """
        members = state.members[stage.body]
        sets = {k: {} for k in m.STEP_SETS}
        for i, member in members.items():
            check_time()
            if i in self.slots:
                sets["notified"][i], sets["present"][i] = v.notified[i], v.attended[i]
                sets["yes"][i], sets["no"][i], sets["abstain"][i] = v.yes[i], v.no[i], v.abstain[i]
                sets["cast"][i], sets["eligible"][i], sets["recused"][i] = v.yes[i] + v.no[i], member, IntVal(0)
                continue
            rv = And(member, self._recused(proc, args, "vote", i))
            rq = And(member, self._recused(proc, args, "quorum", i))
            sets["notified"][i] = v.notified[i]
            sets["present"][i] = And(v.attended[i], Not(rq))
            sets["yes"][i] = v.yes[i]
            sets["no"][i] = v.no[i]
            sets["abstain"][i] = v.abstain[i]
            sets["cast"][i] = Or(v.yes[i], v.no[i])
            sets["eligible"][i] = And(member, Not(rv))
            sets["recused"][i] = Or(rv, rq)
        return sets

    def person_valid(self, proc, stage: m.Stage, state: SymState, args, v: StageVars, i: int, outsider: bool = False):
        """The per-member rules of a stage; with ``outsider``, those of passive opposition as well.

        Mirrors :func:`govspec.semantics.meetings.choice_problems`.
        Mirrors :func:`govspec.semantics.forcing.outsider_responses` (with ``outsider``).
        """
        check_time()
        member = state.members[stage.body][i]
        if i in self.slots:
            return self._slot_valid(stage, member, v, i, outsider)
        rv = self._recused(proc, args, "vote", i)
        n, a, y, no, ab = v.notified[i], v.attended[i], v.yes[i], v.no[i], v.abstain[i]
        signed = self.signed_waiver(v, i)
        if stage.waiver is not None:  # anyone may attend; one who comes only to object is absent here
            rules = [Implies(a, member), Implies(n, member)]  # (objecting and staying away carry alike)
        else:  # (a signed waiver of notice stands for notice)
            rules = [Implies(a, Or(n, signed)), Implies(n, member)]
        if stage.written_waiver is not None:  # only a member not notified signs a waiver (an objector: "out")
            rules.append(Implies(signed, And(member, Not(n))))
        if (stage.notice == "all" and not stage.waivable) or stage.mode == "consent":
            rules.append(n == member)
        votes = [y, no, ab]
        one_vote = Or(And(y, Not(no), Not(ab)), And(no, Not(y), Not(ab)), And(ab, Not(y), Not(no)))
        none = And(Not(y), Not(no), Not(ab))
        if stage.mode == "consent":
            rules += [Not(no), Not(ab), a == y, Implies(y, Not(rv))]
        else:
            rules.append(If(And(a, Not(rv)), one_vote, none))
        if outsider:
            # passive opposition: outsiders never add a yes to the coalition's motion
            if stage.kind != "vetoed":
                rules.append(Not(y))
        return And(rules)

    @staticmethod
    def _slot_valid(stage: m.Stage, member, v: StageVars, i: int, outsider: bool):
        """The rules of a stage for a class slot, as counts: each of its people is notified or not,
        attends or not, and an attending one casts exactly one vote (nobody in a class is recused).

        Mirrors :func:`govspec.semantics.meetings.choice_problems`.
        """
        if stage.waivable:
            raise AssertionError("counting.unsupported refuses notice waived by attendance or in writing")
        n, a, y, no, ab = v.notified[i], v.attended[i], v.yes[i], v.no[i], v.abstain[i]
        rules = [0 <= a, a <= n, n <= member, y >= 0, no >= 0, ab >= 0]
        if stage.notice == "all" or stage.mode == "consent":
            rules.append(n == member)
        if stage.mode == "consent":
            rules += [no == 0, ab == 0, a == y]
        else:
            rules.append(y + no + ab == a)
        if outsider and stage.kind != "vetoed":
            rules.append(y == 0)
        return And(rules)

    def carries(self, proc, index: int, state: SymState, args, v: StageVars, stage: m.Stage | None = None):
        """Stage ``index`` carries: its quorum, if any, and its passing rule hold (``stage``: a veto window).

        Mirrors :func:`govspec.semantics.meetings.stage_carries`.
        Mirrors :func:`govspec.semantics.meetings.window_carries` (with ``stage``).
        Mirrors :func:`govspec.semantics.meetings.notice_defect` (notice waived by attendance or in writing).
        """
        stage = stage or proc.stages[index]
        sets: list = [None] * max(1, len(proc.stages))
        sets[index] = self.stage_sets(proc, stage, state, args, v)
        parts = [self.boolean(stage.passes.expr, state, args, sets)]
        if stage.quorum is not None:
            parts.insert(0, self.boolean(stage.quorum.expr, state, args, sets))
        if stage.waivable:  # no notice defect: every member notified, attending or a signer of a waiver
            members = state.members[stage.body]  # (without attendance waiving it, only the notified and signers attend)
            parts += [Implies(member, Or(v.notified[i], v.attended[i], self.signed_waiver(v, i)))
                      for i, member in members.items()]
        return And(parts)

    def called(self, proc: m.Procedure, state: SymState, caller):
        """Someone for whom ``caller(i)`` holds may call the procedure's meeting: the holder of a
        calling office, or at least K members of the deciding body (True without a calling rule).

        Mirrors :func:`govspec.semantics.meetings.call_problems`.
        """
        calling = proc.calling
        if calling is None:
            return BoolVal(True)
        ways = [Or([And(state.offices[o] == i, caller(i)) for i in range(len(self.people))]) for o in calling.offices]
        if calling.members is not None:
            members = state.members[proc.stages[0].body]
            if any(i in self.slots for i in members):
                raise AssertionError("counting.unsupported refuses 'called by'")
            ways.append(Sum([If(And(b, caller(i)), 1, 0) for i, b in members.items()] or [IntVal(0)]) >= calling.members)
        return Or(ways) if ways else BoolVal(False)

    def _stage_vars(self, prefix: str, t: int, proc: str, index: int, body: str, signing: bool = False) -> StageVars:
        """One stage's variables at step ``t`` for everyone who can sit in ``body`` (a class slot: counts);
        ``signing``: a stage whose notice may be waived in writing (who signs a waiver)."""
        def mk(kind):
            return {i: (Int if i in self.slots else Bool)(f"{kind}@{t}[{prefix}{proc}.{index}:{self.people[i]}]")
                    for i in self.potential[body]}
        signed = {i: Bool(f"signed_waiver@{t}[{prefix}{proc}.{index}:{self.people[i]}]")
                  for i in self.potential[body] if i not in self.slots} if signing else {}
        return StageVars(mk("notified"), mk("attended"), mk("yes"), mk("no"), mk("abstain"), signed_waiver=signed)

    @staticmethod
    def signed_waiver(v: StageVars, i: int):
        """Did member ``i`` sign a written waiver of notice (False where the stage has no such clause)?"""
        return v.signed_waiver.get(i, BoolVal(False))

    def _args_ok(self, proc: m.Procedure, state: SymState, args) -> list:
        """The step's arguments are people, each in (or, negated, not in) the body it ranges over.

        Mirrors :func:`govspec.semantics.meetings.args_problems`.
        """
        rules = []
        for f in proc.formals:
            a = args[f.name]
            if f.numeric:  # a whole number in its range
                rules.append(And(a >= f.low, a <= f.high))
                continue
            rules.append(And(a >= 0, a < len(self.people)))
            if f.domain != "people":
                members = state.members[f.domain]
                inside = Or([And(a == i, occupied(b)) for i, b in members.items()]) if members else BoolVal(False)
                rules.append(Not(inside) if f.negated else inside)
        return rules
