"""Forcing: what a coalition brings about whatever the outsiders do (passive opposition).

Encodes: the coalition of a forcing question (who may be in it, its part of each class); a forced
stage: the coalition's own choices legal, and the stage going the coalition's way for every
response of the notified outsiders, either under an explicit universal quantifier or, when the
stage's rule is a conjunction of linear comparisons of counts, of tests of a person against a set,
of sets compared for equality and of parts no response changes, without one, each outsider at its
worst option separately (person by person for a set combined of step sets); and veto safety:
while a veto window is open, some response of the coalition's members defeats every veto attempt,
and no open proposal may be cancelled.

Assumes: the attributes :class:`~verifier.encode.unrolling.Unrolling` sets up (``model``,
``people``, ``index``, ``named``, ``slots``, ``sizes``, ``coalition_counts``) and its ``person``,
``num``, ``boolean``, ``_linear``, ``_scaled`` (:mod:`.expressions`), ``stage_sets``,
``person_valid``, ``carries``, ``_recused``, ``_stage_vars`` (:mod:`.meetings`), ``weight_of``
(:mod:`.effects`) and ``_cancellable`` (:mod:`.proposals`).  Outsiders never add a yes to the
coalition's motion; they may stay away, vote no, abstain, and use a veto window.

Guarantees: a forced stage's constraints hold exactly when every outsider response the reference
semantics tries lets the stage go the coalition's way; the worst case without a quantifier is
equivalent to the quantified form it replaces.
"""

from __future__ import annotations

from dataclasses import dataclass

from z3 import And, Bool, BoolVal, ForAll, If, Implies, Not, Or, RealVal, Sum, ToReal, is_false, simplify

from govspec import model as m
from govspec.groups import present
from govspec.semantics import reads_the_date

from .expressions import Combined, Excluding
from .state import StageVars, SymState, tally


_NEGATED = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!=", "!=": "=="}


def _negate(c: "m.Compare") -> "m.Compare":
    return m.Compare(_NEGATED[c.op], c.left, c.right)


def _split_equality(c: "m.Compare") -> list:
    """== is >= and <= (!= has no per-member worst case; callers refuse it)."""
    if c.op == "==":
        return [(">=", c.left, c.right), ("<=", c.left, c.right)]
    return [(c.op, c.left, c.right)]


# The step sets no outsider's response changes: whom the coalition notified (its choice, legal for
# everyone), and who may vote or is recused (membership and the procedure's arguments).  The others
# (present, yes, no, abstain, cast) are the responses.
_UNANSWERED = frozenset({"notified", "eligible", "recused"})


@dataclass(frozen=True)
class _Settled:
    """A part of a rule that no outsider's response changes (see :func:`_atoms`): it holds in every
    response or in none, so it is its own worst case, whatever its shape."""

    expr: object


def _settled(e, stage: int) -> bool:
    """Whether no outsider's response changes ``e``'s value: every step set in it is one of
    :data:`_UNANSWERED`, of the stage being decided."""
    return all(x.kind in _UNANSWERED and x.stage == stage for x in m.walk(e) if isinstance(x, m.StepSet))


def _of_stage(e, stage: int) -> bool:
    """Whether every step set in ``e`` is of the stage being decided."""
    return all(x.stage == stage for x in m.walk(e) if isinstance(x, m.StepSet))


def _atoms(e, stage: int) -> list | None:
    """The atoms of a rule that is a conjunction of comparisons, of tests that a person is (or is
    not) in a set, and of parts no outsider's response changes (:class:`_Settled`, any shape, such
    as ``notified == board.members``), else None (see :meth:`Unrolling.worst_case`)."""
    if not isinstance(e, (m.And, m.BoolConst)) and _settled(e, stage):
        return [_Settled(e)]  # (whom it notified, of any shape, even !=, which has no per-member worst case)
    if isinstance(e, (m.Compare, m.InSet)) or (isinstance(e, m.NotE) and isinstance(e.item, m.InSet)):
        return [e]
    if isinstance(e, m.SetCompare) and e.op == "==":  # (two sets equal: each person in both or in neither)
        return [e]
    if isinstance(e, m.And):
        out = []
        for item in e.items:
            sub = _atoms(item, stage)
            if sub is None:
                return None
            out += sub
        return out
    if isinstance(e, m.BoolConst) and e.value:
        return []
    return None


def _min(terms):
    best = terms[0]
    for t in terms[1:]:
        best = If(t < best, t, best)
    return best


def _max(terms):
    best = terms[0]
    for t in terms[1:]:
        best = If(t > best, t, best)
    return best


class ForcingMixin:
    """The coalitions and forced stages of :class:`~verifier.encode.unrolling.Unrolling` (a mixin,
    whose one piece of state is the unrolling's ``quantified``)."""

    def coalition(self, candidates: tuple[str, ...] | None, size: int | None, fixed: frozenset[str] | None):
        """The coalition of a forcing question: (index -> Boolean, constraints on who is in it, the
        named candidates' literals).  A class slot is in it or not by its part; the size of the
        coalition's part of each class is a variable (``coalition_counts``)."""
        if fixed is not None:
            coalition = {i: BoolVal(n in fixed) for i, n in enumerate(self.people[:self.named])}
        else:
            coalition = {i: (Bool(f"coalition[{n}]") if n in candidates else BoolVal(False))
                         for i, n in enumerate(self.people[:self.named])}
        coalition.update({i: BoolVal(s.part == "coalition") for i, s in self.slots.items()})
        index = self.index  # (the named people: a few, when 10,000 candidates are counted in classes)
        named = [coalition[index[n]] for n in present(candidates or (), index)] if fixed is None else []
        rules = []
        for c in sorted({s.cls.name: s.cls for s in self.slots.values()}.values(), key=lambda c: c.name):  # (a fixed order: the
            # hash of a Class holding None varies by process, and so did the order of these constraints)
            k = self.coalition_counts[c.name]
            if fixed is not None:
                rules.append(k == (self.sizes[c.name] if c.members[0] in fixed else 0))
            elif c.members[0] in candidates:  # (a class is wholly inside or outside: counting.classes)
                rules.append(And(k >= 0, k <= self.sizes[c.name]) if size is not None else k == self.sizes[c.name])
            else:
                rules.append(k == 0)
        if fixed is None and size is not None:
            counts = [self.coalition_counts[c] for c in sorted(self.coalition_counts)]
            rules.append(Sum([If(b, 1, 0) for b in named] + counts) <= size if named or counts else BoolVal(True))
        elif fixed is None:
            rules += named
        return coalition, rules, named

    def _forced_stage(self, proc: m.Procedure, stage: m.Stage, index: int, state: SymState, args, v: StageVars,
                      coalition, t: int, tag: str, outcome_wanted: bool) -> list:
        """The coalition's choices at a stage are legal, and whatever the outsiders do the stage
        carries (``outcome_wanted``) or does not.

        Mirrors :func:`govspec.semantics.forcing.forced_problems` (its check of each stage).
        """
        outs = self._stage_vars(f"out:{tag}", t, proc.name, index, stage.body,
                                signing=stage.written_waiver is not None)
        mixed = StageVars(v.notified, *[
            {j: If(coalition.get(j, BoolVal(False)), getattr(v, k)[j], getattr(outs, k)[j]) for j in v.notified}
            for k in ("attended", "yes", "no", "abstain")
        ], signed_waiver={j: If(coalition.get(j, BoolVal(False)), v.signed_waiver[j], outs.signed_waiver[j])
                          for j in outs.signed_waiver})
        rules = [Implies(coalition.get(j, BoolVal(False)), self.person_valid(proc, stage, state, args, v, j))
                 for j in v.notified]
        # the coalition chooses whom to notify; that choice must be legal for everyone
        rules += [Implies(v.notified[j], state.members[stage.body][j]) if j not in self.slots
                  else And(0 <= v.notified[j], v.notified[j] <= state.members[stage.body][j]) for j in v.notified]
        # (a veto window's attempt is the outsiders' call: it goes to every member, as in the reference semantics)
        if (stage.notice == "all" and (not stage.waivable or stage.window is not None)) or stage.mode == "consent":
            rules += [v.notified[j] == state.members[stage.body][j] for j in v.notified]
        # (a notice waived by attendance or in writing: the outsiders not notified respond too, each
        # choice of theirs, signing a waiver included, is quantified: the faithful enumeration)
        worst = None if stage.waivable else self.worst_case(proc, index, state, args, v, coalition,
                                                                      stage=stage, carry=outcome_wanted)
        if worst is not None:
            return rules + [worst]
        hyp = And([Implies(Not(coalition.get(j, BoolVal(False))),
                           self.person_valid(proc, stage, state, args, mixed, j, outsider=True))
                   for j in v.notified]) if v.notified else BoolVal(True)
        carries = self.carries(proc, index, state, args, mixed, stage=stage)
        goal = carries if outcome_wanted else Not(carries)
        bound = [getattr(outs, k)[j] for k in ("attended", "yes", "no", "abstain") for j in v.notified] + \
            list(outs.signed_waiver.values())
        self.quantified = self.quantified or bool(bound)
        return rules + [ForAll(bound, Implies(hyp, goal)) if bound else Implies(hyp, goal)]

    def veto_safe(self, state: SymState, coalition, t: int) -> list:
        """While a veto window is open the outsiders may use it: some response of the coalition's
        members must defeat every veto attempt.

        Mirrors :func:`govspec.semantics.forcing.veto_threat`.
        """
        rules = []
        for proc in self.model.procedures.values():
            stage = proc.window_stage
            if stage is None:
                continue
            # (each waiting decision, with several live proposals: issue 13.6, verifier/encode/several.py)
            for j, (waiting, at, pending_args) in enumerate(s[:3] for s in self.pending_slots(state, proc.name)):
                prefix = "defend:" if j == 0 else f"defend#{j + 1}:"
                v = self._stage_vars(prefix, t, proc.name, 0, stage.body, signing=stage.written_waiver is not None)
                defence = self._forced_stage(proc, stage, 0, state, pending_args, v, coalition, t, prefix, False)
                rules.append(Implies(And(waiting, state.now < at + stage.window), And(defence)))
        for proc in self.model.procedures.values():  # an open proposal anyone may cancel (semantics.veto_threat)
            if proc.lifecycle is not None and proc.lifecycle.threshold is not None:
                rules += [Not(c) for c in self._cancellable_slots(proc, state)]
        return rules

    def date_read_by_open_veto(self, state: SymState):
        """Some veto window whose rules read the date is open past the next day: a wait of the
        forcing sequence then lasts one day, so that :meth:`veto_safe` is asked on each day.

        Mirrors :func:`govspec.semantics.forcing.skipped_veto_days`.
        """
        opens = []
        for proc in self.model.procedures.values():
            stage = proc.window_stage
            if stage is not None and reads_the_date(self.model, stage):
                opens += [And(waiting, state.now + 1 < at + stage.window)
                          for waiting, at, _ in (s[:3] for s in self.pending_slots(state, proc.name))]
        return Or(opens) if opens else BoolVal(False)

    # ------------------------------------------------------------ worst-case outsiders
    # (attended, yes, no, abstain) for each thing one member can do at a stage (the reference semantics:
    # govspec.semantics.forcing.OPTION_SETS, where a consent stage's options are named "none" and "sign")
    OPTIONS = {"absent": (False, False, False, False), "attend": (True, False, False, False),
               "yes": (True, True, False, False), "no": (True, False, True, False), "abstain": (True, False, False, True)}

    def outsider_options(self, stage: m.Stage, recused_from_vote: bool) -> tuple[str, ...]:
        """What an outsider may do under passive opposition.

        Mirrors :func:`govspec.semantics.forcing.outsider_responses` (the options of each outsider).
        """
        if stage.mode == "consent":
            return ("absent", "yes") if stage.kind == "vetoed" and not recused_from_vote else ("absent",)
        if recused_from_vote:
            return ("absent", "attend")
        return ("absent", "yes", "no", "abstain") if stage.kind == "vetoed" else ("absent", "no", "abstain")

    def worst_case(self, proc: m.Procedure, index: int, state: SymState, args, v: StageVars, coalition,
                   stage: m.Stage | None = None, carry: bool | None = None):
        """"The stage goes the coalition's way whatever the outsiders do", without a quantifier.

        When the stage's rule is a conjunction of linear comparisons of counts, a universally
        quantified conjunction is the conjunction of each comparison at its own worst case, and
        each comparison is a sum over members, so its worst case picks each outsider's worst
        option separately (the minimum for >= and >, the maximum for <= and <).  A part that no
        response changes (:class:`_Settled`) is its own worst case.  Returns None when the rule
        has another shape; the caller then quantifies explicitly.

        Mirrors :func:`govspec.semantics.forcing.outsider_responses`.
        """
        stage = stage or proc.stages[index]
        carry = (stage.kind != "vetoed") if carry is None else carry
        atoms = _atoms(stage.passes.expr, index) if stage.quorum is None else None
        if stage.quorum is not None:
            q, p = _atoms(stage.quorum.expr, index), _atoms(stage.passes.expr, index)
            atoms = None if q is None or p is None else q + p
        if atoms is None:
            return None
        if not carry:  # the stage (a veto) must fail: the negation of a single comparison, or of a settled part
            if len(atoms) == 1 and isinstance(atoms[0], _Settled):
                atoms = [_Settled(m.NotE(atoms[0].expr))]
            elif len(atoms) != 1 or not isinstance(atoms[0], m.Compare):
                return None
            else:
                atoms = [_negate(atoms[0])]
        sets_own = self.stage_sets(proc, stage, state, args, v)
        per_option = {}
        for name, (a, y, n, ab) in self.OPTIONS.items():
            fixed = StageVars(v.notified, *[{j: BoolVal(val) for j in v.notified} for val in (a, y, n, ab)])
            per_option[name] = self.stage_sets(proc, stage, state, args, fixed)
        parts = []
        if any(isinstance(a, m.Compare) and a.op == "!=" for a in atoms):
            return None
        member = self._membership(proc, index, state, args)
        for atom in atoms:
            if isinstance(atom, _Settled):  # (the same in every response: read on the coalition's notice)
                sets: list = [None] * max(1, len(proc.stages))
                sets[index] = sets_own
                parts.append(self.boolean(atom.expr, state, args, sets))
                continue
            if isinstance(atom, m.SetCompare):  # each person in both sets or in neither, whatever they do
                if self.slots or not _of_stage(atom, index):
                    return None
                left, right = atom.left, atom.right
                each = self._each_worst(proc, stage, state, args, v, coalition, sets_own, per_option,
                                        lambda sets, j: member(left, sets, j) == member(right, sets, j))
                parts.append(And(list(each.values())))
                continue
            if not isinstance(atom, m.Compare):  # a person in (or not in) a step set
                part = self._membership_worst(proc, stage, index, state, args, v, coalition, atom, sets_own, per_option,
                                              member)
                if part is None:
                    return None
                parts.append(part)
                continue
            for op, lhs, rhs in _split_equality(atom):
                lin = self._linear(m.Arith("-", lhs, rhs))
                if lin is None:
                    return None
                coeffs, rest_ir = lin
                combined = [having.expr for kind, _, having in coeffs if kind == "set"]
                if combined and (self.slots or not all(_of_stage(e, index) for e in combined)):
                    return None  # (a class's count of a combined set is not its members' own terms)
                rest = self.num(rest_ir, state, args, [None] * len(proc.stages))
                pick = _min if op in (">=", ">") else _max
                total = [rest]
                if combined:  # (people who cannot sit in the body: in a combined set or not, whatever anyone does)
                    total += [self._terms(coeffs, state, sets_own, j, member, True)
                              for j in range(len(self.people)) if j not in v.notified]
                for j in v.notified:
                    def contribution(sets):
                        return self._terms(coeffs, state, sets, j, member)
                    if j in self.slots:
                        worst = self._slot_worst(stage, state, v, j, coeffs, pick)
                        total.append(If(coalition.get(j, BoolVal(False)), contribution(sets_own), worst))
                        continue
                    rv = And(state.members[stage.body][j], self._recused(proc, args, "vote", j))
                    worst_voter = pick([contribution(per_option[o]) for o in self.outsider_options(stage, False)])
                    worst_recused = pick([contribution(per_option[o]) for o in self.outsider_options(stage, True)])
                    worst = If(v.notified[j], If(rv, worst_recused, worst_voter), contribution(per_option["absent"]))
                    total.append(If(coalition.get(j, BoolVal(False)), contribution(sets_own), worst))
                d = Sum(total)
                parts.append({">=": d >= 0, ">": d > 0, "<=": d <= 0, "<": d < 0}[op])
        return And(parts) if parts else BoolVal(True)

    def _membership(self, proc: m.Procedure, index: int, state: SymState, args):
        """(set expression, the stage's sets, person j) -> whether j is in the set (named people only;
        each set computed once for each of the stage's sets, keyed by the objects' ids: the
        expression is a part of the model and the sets live as long as the caller's worst case)."""
        known: dict[tuple[int, int], dict] = {}

        def member(expr, sets, j: int):
            key = (id(expr), id(sets))
            found = known.get(key)
            if found is None:
                staged: list = [None] * max(1, len(proc.stages))
                staged[index] = sets
                found = known[key] = self.set_(expr, state, args, staged)
            return found.get(j, BoolVal(False))
        return member

    def _terms(self, coeffs: dict, state: SymState, sets, j: int, member, combined_only: bool = False):
        """Member ``j``'s own term of a linear count (:meth:`_linear`'s coefficients) in the stage's
        ``sets`` (``combined_only``: only the counts of combined sets, those of a person who cannot
        sit in the body)."""
        terms = []
        for (kind, weighted, having), c in coeffs.items():
            if kind == "set":
                terms.append(self._scaled(c, tally(member(having.expr, sets, j),
                                                   self.weight_of(state, j) if weighted else RealVal(1)), state))
            elif not combined_only and self._admits(having, j):
                terms.append(self._scaled(c, tally(sets[kind][j], self.weight_of(state, j) if weighted else RealVal(1)),
                                          state))
        return Sum(terms) if terms else RealVal(0)

    def _each_worst(self, proc: m.Procedure, stage: m.Stage, state: SymState, args, v: StageVars, coalition,
                    sets_own, per_option, holds) -> dict:
        """For each person j (named people only), ``holds(sets, j)`` whatever the outsiders do: on the
        coalition's own choice for its members, on every option open to a notified outsider, as
        absent for one not notified, and as it is for someone who cannot sit in the body (whose
        option no step set reads).  ``holds`` must read j's own option only.

        Mirrors :func:`govspec.semantics.forcing.outsider_responses`.
        """
        each = {}
        for j in range(len(self.people)):
            if j not in v.notified:
                each[j] = holds(sets_own, j)
                continue
            rv = And(state.members[stage.body][j], self._recused(proc, args, "vote", j))
            voter = And([holds(per_option[o], j) for o in self.outsider_options(stage, False)])
            recused = And([holds(per_option[o], j) for o in self.outsider_options(stage, True)])
            outsider = If(v.notified[j], If(rv, recused, voter), holds(per_option["absent"], j))
            each[j] = If(coalition.get(j, BoolVal(False)), holds(sets_own, j), outsider)
        return each

    def _membership_worst(self, proc: m.Procedure, stage: m.Stage, index: int, state: SymState, args, v: StageVars,
                          coalition, atom, sets_own, per_option, member):
        """"x in S" (or "x not in S") whatever the outsiders do, without a quantifier.

        x does not depend on the votes, so "for every response, x is in S" is "for the member j that
        x is, j is in S in every response", and j's membership of a step set depends on j's own
        option only: a coalition member's own choice, or, for an outsider, every option open to
        it (its worst case).  None when x may be a class slot (the caller then quantifies).

        Mirrors :func:`govspec.semantics.forcing.outsider_responses`.
        """
        negated = isinstance(atom, m.NotE)
        inset = atom.item if negated else atom
        if not any(isinstance(x, m.StepSet) for x in m.walk(inset.set)):  # (nothing the outsiders choose)
            return self.boolean(atom, state, args, [None] * max(1, len(proc.stages)))
        if not isinstance(inset.set, m.StepSet) or inset.set.stage != index:  # (step sets filtered or combined)
            if self.slots or not _of_stage(inset.set, index):
                return None  # (a class's count: the caller quantifies)
            x = self.person(inset.person, state, args)
            each = self._each_worst(proc, stage, state, args, v, coalition, sets_own, per_option,
                                    lambda sets, j: Not(member(inset.set, sets, j)) if negated
                                    else member(inset.set, sets, j))
            if negated:
                return And([Implies(x == j, value) for j, value in each.items()])
            return Or([And(x == j, value) for j, value in each.items()])
        kind = inset.set.kind
        x = self.person(inset.person, state, args)
        parts = []
        for j in v.notified:
            if j in self.slots:
                if is_false(simplify(x == j)):
                    continue
                return None

            def holds(sets):
                return Not(sets[kind][j]) if negated else sets[kind][j]
            rv = And(state.members[stage.body][j], self._recused(proc, args, "vote", j))
            voter = And([holds(per_option[o]) for o in self.outsider_options(stage, False)])
            recused = And([holds(per_option[o]) for o in self.outsider_options(stage, True)])
            outsider = If(v.notified[j], If(rv, recused, voter), holds(per_option["absent"]))
            value = If(coalition.get(j, BoolVal(False)), holds(sets_own), outsider)
            parts.append(Implies(x == j, value) if negated else And(x == j, value))
        if negated:
            return And(parts) if parts else BoolVal(True)
        return Or(parts) if parts else BoolVal(False)

    # what one person's option puts them in, for the step sets that depend on the option
    _OPTION_KINDS = {"present": 0, "yes": 1, "no": 2, "abstain": 3}

    def _admits(self, having: "m.Having | Excluding | None", j: int) -> bool:
        """Whether member ``j`` (a named person, or a class slot: its members are alike in what the
        rules read, and none of them is named by a rule) is in the filter of a step-set term (None:
        no filter)."""
        if having is None:
            return True
        if j in self.slots:
            members = self.slots[j].cls.members
            if isinstance(having, Excluding) and not having.names.isdisjoint(members):
                raise AssertionError("a named person in a class")
            return having.admits(self.model.person(members[0]))
        return having.admits(self.model.person(self.people[j]))

    def _slot_worst(self, stage: m.Stage, state: SymState, v: StageVars, j: int, coeffs: dict, pick):
        """The outsiders of a class slot at their worst for one comparison: every notified one takes
        the option worst for it (they are alike, so it is the same option), the others are absent.

        Mirrors :func:`govspec.semantics.forcing.outsider_responses` (a group of alike outsiders).
        """
        member, n = state.members[stage.body][j], v.notified[j]
        # (every term the slot is admitted to, each its own: one comparison may count a kind of step
        # set several times, weighted and not, filtered and not, as in size(no) - size(no except {ann}))
        fixed, per_person = [], []
        for (kind, weighted, having), c in coeffs.items():
            if not self._admits(having, j):
                continue
            unit = self.weight_of(state, j) if weighted else RealVal(1)
            if kind == "notified":
                fixed.append(self._scaled(c, ToReal(n) * unit, state))
            elif kind == "eligible":
                fixed.append(self._scaled(c, ToReal(member) * unit, state))
            elif kind != "recused":
                per_person.append((kind, c, unit))

        def value(option: str):
            flags = self.OPTIONS[option]
            terms = []
            for kind, c, unit in per_person:
                on = flags[2] or flags[1] if kind == "cast" else flags[self._OPTION_KINDS[kind]]
                if on:  # n of them (a parameter's factor is an If over its values: kept linear)
                    terms.append(self._scaled(c, ToReal(n) * unit, state))
            return Sum(terms) if terms else RealVal(0)

        worst = pick([value(o) for o in self.outsider_options(stage, False)])
        return Sum(fixed + [worst]) if fixed else worst
