"""Coalition questions about one vote, decided without unrolling: sorting first, pseudo-Boolean next.

A token vote with thousands of holders of distinct weights defeats the general encoding (one
Boolean per member per step, universally quantified outsiders): no two holders are alike, so no
symmetry helps.  But most such questions are about a single vote whose rule is linear in the
members' weights, and then "can some coalition of at most k force it?" is a knapsack question with
an exact answer that needs no search over behaviours.  :func:`decide` recognises those questions
and answers them, or returns None so that the general path (:mod:`verifier.solve`) runs.

When the fast path is taken (every condition is checked by :func:`classify`)
----------------------------------------------------------------------------------

The goal is that a procedure P passes (phase "pass"), the search depth is at least 1, and:

1. no veto window anywhere (no veto threat) and voting power moves at most between members of B by
   their own events (no flash loan, no minting; every token effect is an unconditional transfer or
   delegation of an event with no requirement whose arguments are all ``in B`` and name the
   people moved from and to; see *Tokens that move* below).  Time is allowed (since issue 14):
   timelocks (P's passing is its approval; what takes effect later is covered by (4)), and P's
   proposal step (threshold, voting delay and period, snapshot), but not a meeting with a notice
   period, a vote on short notice or several live proposals of P;
2. P is a procedure (not an event) with no parameters (so no arguments to choose and no recusal),
   exactly one stage, a ``decided by`` stage of one body B held at a meeting or by written consent;
3. its ``quorum`` and ``passes when`` rules are conjunctions of linear comparisons (``>=``, ``>``,
   ``<=``, ``<``, ``==``; ``not`` of one of them) of counts and weights of the stage's step sets,
   with everything else (members, seats, parameters, offices, constants) evaluated in the initial
   state by the reference semantics;
4. no other procedure or event has an effect on anything P reads: B's membership, the bodies,
   offices and parameters named in P's rules, guards and effects.

Why the answer equals the general semantics' answer (:func:`govspec.semantics.forced_problems`)
-------------------------------------------------------------------------------------------------

*Depth.*  By (1) and (4), every step before the first P step of a forcing sequence leaves what P
reads as in the initial state, and there is no veto window, so that first P step is forced from
the initial state exactly when it is forced from the state it is taken in.  Hence a forcing
sequence of any length exists iff P is forced in one step from the initial state; the shortest has
depth 1.  (The argument holds for every length, so the bounded scope reported is an understatement.)

*Proposals (issue 14).*  When P is proposed before its vote, the vote needs an open proposal, made
by a member of B (in the coalition: outsiders start nothing) whose voting power reaches the
threshold, and held from ``delay`` days after it until the period ends.  Where voting power never
moves (for tokens that move, see below), every member's power at the proposal, at a snapshot and
at the vote is its declared weight: the coalition can propose iff one of its members in B reaches the threshold (the threshold's
parameter is read in the initial state, as (4) keeps it), and nothing the coalition does before
changes the vote.  A proposer at or above the threshold never falls below it, so the proposal
cannot be cancelled.  The shortest forcing sequence is then: the proposal, time passing ``delay``
days (when more than 0), and the vote (a period of at least one day contains that day; a period
of 0 days leaves no day to vote on: nobody can force P).  Hence a coalition forces P at some
length iff it can propose and its vote is forced, and no sequence shorter than those steps forces
P: a depth below them is answered "none" at that depth, which is exact.

*Tokens that move (issue 14).*  Under (1) a coalition triggers a token event only when every
argument is one of its members, and outsiders trigger nothing (passive opposition).  So the
outsiders' balances never move and nobody delegates to a member of the coalition but a member of
the coalition: the coalition's total voting power and each outsider's are those of the initial
state in every state of a forcing sequence, at the proposal, at a snapshot and at the vote.  The
fragment also asks that P read voting power only as sums over a step set, B's members, everyone or
the supply (sums that do not change), and that every member's dominant option and the outsiders'
least responses be the same at every voting power from 0 to the total of B (checked at both ends:
values are affine in the power).  Then the vote's totals are ``base + sum of gains`` whatever the
coalition's members hold among themselves (each gain is ``A + B * power`` and the powers of the
coalition add up to the same total), so moving tokens never helps or hurts the vote.  What they
change is who may propose: the coalition may gather its members' tokens on one of them.  By a
delegation a whole balance moves in one step, and no sequence of k transfers and delegations gives
one member more than the k + 1 largest balances of the coalition (tokens move only between the
two people a step names), so the coalition can propose at some length iff its members of B
together reach the threshold, with an event ``(a in B, b in B) { effect delegate a to b }``; where
no such event exists and some member of B is below the threshold, the spec is refused (transfers
of fixed amounts could gather the threshold by many steps).  The shortest forcing sequence is the
one without moves when some member reaches the threshold alone (the answer at a bound is then
exact, as above); when only a pooled coalition forces P, the fast path answers for every length
(the delegations, fewest first, then the proposal, the wait and the vote) and leaves a bounded
search to the general path, which finds the shortest.

*Guards and effects.*  They do not read the votes; they are evaluated once, in the initial state,
by the reference semantics itself (``eval_bool``, ``effect_problems``).  If one fails, no coalition
can force P.

*One step, whatever the outsiders do.*  Each member of B takes one *option* (not notified, notified
and absent, yes, no, abstain; for written consent: not signing, signing).  An option puts the
member in some of the step sets (``present``, ``yes``, ``cast`` ... and ``eligible`` always, there
being no recusal), so each rule comparison is ``sum over members of value(option, weight) + c``
compared with 0.  Under passive opposition each outsider independently stays away, votes no or
abstains (at a meeting they were notified of), or does nothing (written consent); they never vote
yes or sign.  A universal quantifier distributes over a conjunction, and the minimum of a sum of
independent terms is the sum of the minima, so "every comparison holds whatever the outsiders do"
is "every comparison holds with each outsider at its own worst option for that comparison".  The
coalition chooses whom to notify (under ``notice none``) and its members' options; when one choice
is at least as good as every other for *every* comparison (a dominant choice) it is optimal for all
of them at once.  If some member has no dominant choice, :func:`classify` returns None.

*Which coalition.*  With dominant choices fixed, member i adds ``gain_a(i) >= 0`` to comparison a
when it joins the coalition (its best value minus its worst value as an outsider; 0 for a candidate
outside B).  So a coalition C forces P iff ``base_a + sum_{i in C} gain_a(i)`` satisfies every
comparison a.  Gains are non-negative, so "at most k" and "exactly k" coincide.  When one order of
the candidates sorts every comparison's gains from largest to smallest (always so when every rule
counts heads or weights with a positive sign), the first j candidates maximise every sum among
coalitions of j, and the answer is found by sorting (domain reasoning).  Otherwise the question is
handed to Z3 as pseudo-Boolean constraints (``PbLe`` for the size, one ``PbGe`` per comparison,
scaled to integers), under the deadline; ``unknown`` stays unknown.  With a proposal step the
coalition found by sorting must also hold someone who may propose; if it does not, the
pseudo-Boolean form decides, with one more constraint (some chosen member may propose).

*Thousands of distinct weights.*  Each option's value in a comparison is affine in the member's
weight, so when the dominant choices and the outsiders' least responses are the same at the least
and the greatest weight of B they are the same at every weight between, and each gain is
``A + B * weight`` (:func:`govspec.power.vote._affine_tables`; ``tests/test_weighted.py`` checks it
against the table of every weight, and kills mutants of it).  Sorting then compares integers.

The witness is one step: P with the coalition's notifications and votes (after the proposal, by
the first coalition member in B's order who may propose, and the wait, when P has a proposal step).  :mod:`govspec.verdicts`
replays it against every outsider response on the reference semantics, as for every other engine.
The coalition and the step shown are the least ones in the order the general path's canonical model
uses (:func:`verifier.solve._canonical_model`), so a report does not depend on which path answered
(``tests/test_weighted.py`` compares both on generated specs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from z3 import Bool, BoolVal, Not, Or, PbGe, PbLe, Solver, is_true, sat, unknown

from govspec import model as m
from govspec import semantics as sem
from govspec.engine import Deadline, Outcome, check_time
from govspec.power.vote import Question, classify, option_sets  # noqa: F401 (option_sets: read by tests)

# ------------------------------------------------------------------ answering


ANY_LENGTH = 10 ** 9  # a depth beyond every shortest forcing sequence (for the fast path's answer of any length)


def pooled_witness(q: Question, coalition: frozenset[str]) -> list[sem.Step]:
    """(issue 14, tokens that move) The coalition's members delegate to its proposer until it reaches
    the threshold (:meth:`Question.pooled`), it proposes, the voting delay passes, and the vote:
    every coalition member takes the option that is best at every voting power, every outsider is
    notified as the plan says.  The sums the vote reads are those of the initial state."""
    proposer, givers = q.pooled(coalition)
    event, giver, taker = q.pool if q.pool is not None else ("", "", "")
    lead = [sem.Step(event, tuple(sorted(((giver, g), (taker, proposer))))) for g in givers]
    best, plan = q.choice
    notified = frozenset(p for p in q.order if (best != "out" if p in coalition else plan != "not notified"))
    return lead + _proposed_and_voted(q, proposer if q.proposers is not None else None,
                                      {p: best for p in q.order if p in coalition}, notified)


def witness(q: Question, coalition: frozenset[str]) -> list[sem.Step]:
    """The one forcing step, made least in the order of the general path's canonical model: member by
    member, the first option (not notified, absent, yes, no, abstain) with which the coalition still
    forces P, the members not yet decided taking their dominant option.  Nobody attends without need."""
    totals = q.totals(coalition)
    picked = {}
    for p in q.order:
        check_time()
        t = q.tables[q.weights[p]]
        values, current = (t.own, t.own[t.best]) if p in coalition else (t.plans, t.plans[t.plan])
        for name, vector in values.items():
            trial = [x - c + v for x, c, v in zip(totals, current, vector)]
            if q.holds(trial):
                picked[p], totals = name, trial
                break
    own = {p: o for p, o in picked.items() if p in coalition}
    notified = frozenset(p for p, o in picked.items() if o not in ("out", "not notified"))
    # proposed by the first coalition member who may, then the voting delay
    return _proposed_and_voted(q, q.proposer(coalition) if q.proposers is not None else None, own, notified)


def _proposed_and_voted(q: Question, proposer: str | None, own: dict[str, str], notified: frozenset[str]) -> list[sem.Step]:
    """The proposal by ``proposer`` (None: P has no proposal step) and the voting delay, then the vote
    where each coalition member takes its option in ``own`` and ``notified`` are told."""
    sets = {k: frozenset(p for p, o in own.items() if o in opts)
            for k, opts in (("attended", ("yes", "no", "abstain", "sign")), ("yes", ("yes", "sign")),
                            ("no", ("no",)), ("abstain", ("abstain",)))}
    choice = sem.StageChoice(notified, sets["attended"], sets["yes"], sets["no"], sets["abstain"])
    lead = []
    if proposer is not None:
        lead.append(sem.Step(q.proc.name, (), (), phase="propose", proposer=proposer))
        if q.delay > 0:
            lead.append(sem.Step(sem.WAIT, days=q.delay))
    return lead + [sem.Step(q.proc.name, (), (choice,))]


def _scaled_gains(q: Question, candidates) -> dict[str, tuple[int, ...]] | None:
    """With gains affine in the weight (thousands of distinct weights), every candidate's gains times
    one positive integer, as integers: the same order as the fractions, far faster to sort."""
    if q.gains is None:
        return None
    if _SCALED[0] is q and _SCALED[1] == candidates:  # (the engine asks twice: the search, then the proof)
        return _SCALED[2]
    den_a = math.lcm(*(a.denominator for a, _ in q.gains))
    den_b = math.lcm(*(b.denominator for _, b in q.gains))
    den_w = math.lcm(*{w.denominator for w in q.weights.values()})
    # gain * den_a * den_b * den_w = A' + K * (weight * den_w), all integers (no fraction is hashed:
    # hashing 10,000 fractions took longer than the rest)
    lines = [(int(a * den_a * den_b * den_w), b.numerator * den_a * (den_b // b.denominator)) for a, b in q.gains]
    zero = (0,) * len(q.gains)
    out = {}
    for p in candidates:
        check_time()
        w = q.weights.get(p)
        if w is None:
            out[p] = zero
        else:
            ws = w.numerator * (den_w // w.denominator)
            out[p] = tuple([a + k * ws for a, k in lines])
    _SCALED[:] = [q, candidates, out]
    return out


_SCALED: list = [None, None, None]  # (question, candidates, their scaled gains) of the last call
_ORDERED: list = [None, None, None]  # (question, candidates, their order by weight) of the last call


def _order_by_weight(q: Question, candidates) -> list[str] | None:
    """With gains affine in the weight (``A + K * weight`` per comparison) whose weight terms K are all
    >= 0, or all <= 0: the candidates by decreasing gains, found by sorting on the weight alone, or
    None when that does not apply (some K of each sign, or a candidate outside the body).

    Along decreasing weight (increasing when every K <= 0) each comparison's gain A + K * weight
    never increases, so the order sorts every comparison's gains, and it is the order of the gain
    vectors: two candidates' vectors differ first where K != 0, in the weight's direction, and are
    equal when their weights are.  Ties keep the candidates' order (a stable sort, as the vectors'
    sort keeps it); when every K is 0 all vectors are equal and the order is the candidates'.
    ``tests/test_weighted.py`` compares it with the sort on the vectors."""
    if q.gains is None:
        return None
    if all(k == 0 for _, k in q.gains):
        return list(candidates)
    up, down = all(k >= 0 for _, k in q.gains), all(k <= 0 for _, k in q.gains)
    if not (up or down):
        return None
    try:
        ws = list(map(q.weights.__getitem__, candidates))
    except KeyError:  # (a candidate outside the body)
        return None
    keys = sem.whole_numbers(ws)  # (integers compare far faster than fractions)
    if keys is None:
        den = math.lcm(*{w.denominator for w in ws})
        keys = [w.numerator * (den // w.denominator) for w in ws]
    return [candidates[i] for i in sorted(range(len(keys)), key=keys.__getitem__, reverse=up)]


def _sorted_order(q: Question, candidates) -> list[str] | None:
    """Candidates by decreasing gains, if one order sorts every comparison's gains (else None)."""
    if _ORDERED[0] is q and _ORDERED[1] == candidates:  # (the engine asks twice: the search, then the proof)
        return list(_ORDERED[2])
    order = _order_by_weight(q, candidates)
    if order is not None:
        _ORDERED[:] = [q, candidates, tuple(order)]
        return order
    gains = _scaled_gains(q, candidates)
    if gains is None:
        gains = {}
        for p in candidates:
            check_time()
            gains[p] = q.gain(p)
    order = sorted(candidates, key=gains.__getitem__, reverse=True)  # (stable: ties keep the candidates' order)
    for a in range(len(q.atoms)):
        column = [gains[p][a] for p in order]
        if any(x < y for x, y in zip(column, column[1:])):
            return None
    return order


def _least_sorted(q: Question, order: list[str], candidates, size: int) -> frozenset[str] | None:
    """The coalition the general path's canonical model shows, or None if no coalition forces P.

    The canonical model leaves out each candidate in turn (in the spec's order) if a coalition
    without it, keeping those it could not leave out, still forces P.  Along ``order`` (which sorts
    every comparison's gains) the best such coalition is the kept ones plus the first others, so
    each turn is one comparison of sums: the current best without the candidate, with the next one
    in ``order`` instead.
    """
    top = order[: min(size, len(order))]
    totals = q.totals(top)
    if not q.holds(totals):
        return None
    chosen, excluded, after = set(top), set(), len(top)
    for c in candidates:
        check_time()
        if c not in chosen:
            excluded.add(c)  # not among the best: leaving it out changes nothing
            continue
        while after < len(order) and order[after] in excluded:
            after += 1
        instead = order[after] if after < len(order) else None
        trial = [t - g for t, g in zip(totals, q.gain(c))]
        if instead is not None:
            trial = [t + g for t, g in zip(trial, q.gain(instead))]
        if q.holds(trial):
            excluded.add(c)
            chosen.discard(c)
            totals = trial
            if instead is not None:
                chosen.add(instead)
                after += 1
    return frozenset(chosen)


def _least_pseudo_boolean(q: Question, candidates, size: int, deadline: Deadline, pooled: bool = False):
    """("found", coalition) | ("none", None) | ("unknown", reason), by Z3 over integer-scaled gains;
    the coalition made least as in :func:`_least_sorted` (one solver call per candidate).  With a
    proposal step, one of the coalition must be a member who may propose; ``pooled`` (tokens that
    move, :meth:`Question.pooled`): the coalition's members of B must reach the threshold together."""
    proposers = q.proposers if q.proposers is not None else frozenset()
    pooling = pooled and q.proposers is not None and q.pool is not None
    relevant = [p for p in candidates if any(q.gain(p)) or p in proposers or (pooling and p in q.weights)]
    chosen = {p: Bool(f"coalition[{p}]") for p in relevant}
    solver = Solver()
    solver.add(PbLe([(b, 1) for b in chosen.values()], size))
    if pooling:  # (weights are at least 0: the coalition's members of B, pooled, reach the threshold)
        bar, strict = q.bar
        members = [p for p in relevant if p in q.weights]
        scale = math.lcm(*(x.denominator for x in [bar, *(q.weights[p] for p in members)]))
        need = bar * scale + (1 if strict else 0)
        solver.add(Or([chosen[p] for p in members]) if members else BoolVal(False))
        if need > 0:
            terms = [(chosen[p], int(q.weights[p] * scale)) for p in members if q.weights[p]]
            solver.add(PbGe(terms, math.ceil(need)) if terms else BoolVal(False))
    elif q.proposers is not None:
        solver.add(Or([b for p, b in chosen.items() if p in proposers]))
    for a, atom in enumerate(q.atoms):
        numbers = [q.gain(p)[a] for p in relevant] + [q.base[a]]
        scale = math.lcm(*(x.denominator for x in numbers))
        need = -q.base[a] * scale + (1 if atom.strict else 0)
        terms = [(chosen[p], int(q.gain(p)[a] * scale)) for p in relevant if q.gain(p)[a]]
        if need > 0:
            solver.add(PbGe(terms, math.ceil(need)) if terms else BoolVal(False))

    def check(*extra):
        ms = deadline.remaining_ms()
        if ms <= 0:
            return unknown, "time limit reached"
        solver.set("timeout", ms)
        result = solver.check(*extra)
        reason = solver.reason_unknown() if result == unknown else None
        return result, ("time limit reached" if reason in ("canceled", "timeout") else reason)

    def coalition():
        zm = solver.model()
        return frozenset(p for p, b in chosen.items() if is_true(zm.eval(b, model_completion=True)))

    result, reason = check()
    if result == unknown:
        return "unknown", reason
    if result != sat:
        return "none", None
    best = coalition()
    for p in relevant:
        result, _ = check(Not(chosen[p]))
        if result == unknown:
            break  # out of time: show the coalition found so far (it forces P; it is only not the least)
        if result == sat:
            best = coalition()
        solver.add(Not(chosen[p]) if result == sat else chosen[p])
    return "found", best


@dataclass
class Answer:
    outcome: Outcome
    method: str  # "sorted" | "pseudo-Boolean" | "fixed"


def decide(model: m.Model, goal: m.Goal, depth: int, deadline: Deadline, spec: m.CoalitionSpec | None,
           fixed: frozenset[str] | None) -> Answer | None:
    """The engine's ``force`` question answered on the fast path, or None (the general path runs)."""
    q = classify(model, goal, depth)
    if q is None or (fixed is None and spec.size is None):
        return None

    def answer(coalition: frozenset[str] | None, method: str) -> Answer:
        if coalition is None or q.steps > depth:  # (a forcing sequence has at least q.steps steps)
            return Answer(Outcome("none", depth=depth), method)
        if not q.forces(coalition):  # the method and the gains must agree; never show an unchecked coalition
            raise AssertionError(f"weighted fast path: {sorted(coalition)} does not force {q.proc.name}")
        return Answer(Outcome("found", witness(q, coalition), q.steps, coalition=coalition), method)

    def pooled(coalition: frozenset[str] | None, method: str) -> Answer | None:
        """(tokens that move) No coalition forces P by its shortest sequence: ``coalition`` forces it
        after pooling tokens on its proposer (None: no coalition forces it at any length).  A forcing
        sequence longer than the shortest is answered only for every length; at a bound the general
        path finds the shortest (None)."""
        if coalition is None:
            return answer(None, method)
        if depth < ANY_LENGTH:
            return None
        if not q.forces_pooled(coalition):
            raise AssertionError(f"weighted fast path: {sorted(coalition)} does not force {q.proc.name} with pooled tokens")
        steps = pooled_witness(q, coalition)
        return Answer(Outcome("found", steps, len(steps), coalition=coalition), method)

    if fixed is not None:
        if q.forces(fixed) or not q.moves:
            return answer(fixed if q.forces(fixed) else None, "fixed")
        return pooled(fixed if q.forces_pooled(fixed) else None, "fixed")
    if q.blocked:
        return answer(None, "sorted")
    order = _sorted_order(q, spec.candidates)
    best = None
    if order is not None:
        best = _least_sorted(q, order, spec.candidates, spec.size)
        if best is None or q.proposer(best) is not None:
            return answer(best, "sorted")
        # (the best coalition by the vote has nobody who may propose: the pseudo-Boolean form decides)
    status, detail = _least_pseudo_boolean(q, spec.candidates, spec.size, deadline)
    if status == "unknown":
        return Answer(Outcome("unknown", depth=1, reason=f"{detail} (pseudo-Boolean constraints)"), "pseudo-Boolean")
    if detail is not None or q.pool is None:
        return answer(detail, "pseudo-Boolean")
    if best is not None and q.forces_pooled(best):  # (the best by the vote, its tokens pooled)
        return pooled(best, "sorted")
    status, detail = _least_pseudo_boolean(q, spec.candidates, spec.size, deadline, pooled=True)
    if status == "unknown":
        return Answer(Outcome("unknown", depth=1, reason=f"{detail} (pseudo-Boolean constraints)"), "pseudo-Boolean")
    return pooled(detail, "pseudo-Boolean")


def decide_reachable(model: m.Model, procedure: str, depth: int, phase: str = "pass") -> Answer | None:
    """Can the procedure pass in some behaviour?  With everyone in the body as the coalition there
    are no outsiders, so "forced" is "some choice of the members carries the vote"; the depth
    argument of the module docstring is the same.  None when the fast path does not apply."""
    q = classify(model, m.Goal(procedure, None, procedure, phase), depth)
    if q is None:
        return None
    everyone = frozenset(q.weights)
    if not q.forces(everyone) and q.forces_pooled(everyone):  # (tokens pooled first: the general path)
        return None
    if not q.forces(everyone) or q.steps > depth:
        return Answer(Outcome("none", depth=depth), "sorted")
    return Answer(Outcome("found", witness(q, everyone), q.steps), "sorted")


def decide_every(model: m.Model, goal: m.Goal, depth: int, spec: m.CoalitionSpec) -> frozenset[str] | None:
    """For "every coalition of exactly k candidates can force P": a coalition that cannot, if one
    exists, else the first k candidates (which then can); None when the fast path does not apply.

    A coalition of k fails iff some comparison fails for it, so some coalition of k fails iff for some
    comparison the k candidates with the smallest gains fail it (a coalition's sum of gains decides)."""
    q = classify(model, goal, depth)
    if q is None or spec.size is None or spec.size > len(spec.candidates):
        return None
    if q.proposers is not None and not set(spec.candidates) <= q.proposers:
        return None  # (a coalition of those who may not propose: the verdict checks them one by one)
    # (tokens that move, every candidate a proposer: pooling is never needed, the argument stands)
    k, candidates = spec.size, spec.candidates
    if q.blocked:
        return frozenset(candidates[:k])
    for a, atom in enumerate(q.atoms):
        check_time()
        weakest = sorted(candidates, key=lambda p: q.gain(p)[a])[:k]
        if not atom.holds(q.base[a] + sum((q.gain(p)[a] for p in weakest), Fraction(0))):
            return frozenset(weakest)
    return frozenset(candidates[:k])
