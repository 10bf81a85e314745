"""Unbounded proofs: a property that holds in behaviours of any length, by an inductive invariant.

Assumes the bounded search (:mod:`verifier.solve`) found no counterexample.  Guarantees: "proved"
only when Z3's Horn-clause engine (Spacer) finds an inductive invariant of the same transition
relation the bounded search unrolls, strong enough to exclude every bad step or state:

    Inv(initial state)
    Inv(s) and one step from s to s'        ->  Inv(s')
    Inv(s) and a bad state or step from s   ->  false

The step is :meth:`encode.Unrolling.add_step` (or ``add_forced_step`` for coalition questions,
with the coalition as part of the state) built from a state of fresh variables; its constraints
are collected instead of asserted.  Spacer answers sat (the invariant exists: proved for every
length), unsat (some behaviour is bad: longer than the bounded search looked) or unknown; only sat
is a proof, anything else leaves the bounded verdict as it was.  Every call has a time limit.

A sat answer is not taken on trust: the invariant Spacer found is checked again by a fresh solver
(:mod:`verifier.certificate`: initiation, consecution and safety, each an unsat query), and only
when all three pass is the property proved; the certificate is kept for a second solver (cvc5).
Every reason returned is one short line (:func:`certificate.one_line`).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from z3 import (
    And, BoolSort, BoolVal, Const, ForAll, Function, Goal, Implies, Not, Solver, SolverFor, Tactic, Then, TryFor,
    Z3_OP_UNINTERPRETED, Z3Exception, is_app, is_const, is_false, is_int_value, is_quantifier, is_rational_value,
    is_true, sat, simplify, substitute, unknown, unsat,
)

from z3.z3 import _to_expr_ref
from z3.z3core import (
    Z3_get_app_arg, Z3_get_app_decl, Z3_get_app_num_args, Z3_get_ast_id, Z3_get_ast_kind, Z3_get_decl_kind,
    Z3_get_quantifier_body,
)
from z3 import Z3_APP_AST, Z3_QUANTIFIER_AST

from govspec import model as m
from govspec.engine import Deadline

from . import certificate as cert
from . import counting, interrupts
from .encode import SymState, Unrolling, action_key


# Z3's deterministic resource limit for one proof attempt (Spacer runs in a fresh context, so the
# count does not depend on what ran before): the proofs of specs/ need under 4,600,000 (the largest,
# new_user_governor's the_whale_alone_cannot_execute); 10,000,000 leaves a margin of two.  A count
# rather than seconds, so whether a proof is found does not depend on the machine's load (the
# property's time limit still applies on top).
RLIMIT = 10_000_000

# replace the leaves of the state that never change by their values before Spacer runs (see _constants)
REDUCE = True
CONSTANT_RLIMIT = 200_000  # for each "does this leaf ever change" question

# options of the Horn engine for every proof attempt (see the measurements in docs/reliability.md)
SPACER_PARAMS: dict[str, object] = {"fp.spacer.use_inductive_generalizer": False}

# time limit (seconds) for each of the three checks of an invariant by a fresh solver, at most
RECHECK_SECONDS = 20.0
# ... for an invariant with a quantifier, first as it is for at most this long, then, if undecided,
# made quantifier-free (at most QE_SECONDS) and checked again
FIRST_RECHECK_SECONDS = 2.0
QE_SECONDS = 5.0


class _Collect:
    """Stands in for a solver: keeps the constraints a step asserts."""

    def __init__(self) -> None:
        self.items: list = []

    def add(self, *constraints) -> None:
        self.items.extend(constraints)


def _leaves(state: SymState) -> list:
    """Every leaf term of a symbolic state, in a fixed order."""
    out = [state.members[b][i] for b in sorted(state.members) for i in sorted(state.members[b])]
    out += [state.offices[o] for o in sorted(state.offices)]
    out += [state.params[p] for p in sorted(state.params)]
    out.append(state.now)
    for p in sorted(state.pending):
        waiting, at, args, proposed, tally = state.pending[p]
        out += [waiting, at, *[args[f] for f in sorted(args)], proposed, *[tally[f] for f in sorted(tally)]]
    if state.balances is not None:
        out += [state.balances[i] for i in sorted(state.balances)]
    if state.delegates is not None:
        out += [state.delegates[i] for i in sorted(state.delegates)]
    for p in sorted(state.proposals):
        exists, day, proposer, args, snapshot = state.proposals[p]
        out += [exists, day, proposer, *[args[f] for f in sorted(args)]]
        if snapshot is not None:
            out += [snapshot[i] for i in sorted(snapshot)]
    for p in sorted(state.more_pending):  # (issue 13.6: the slots beyond the first, several live proposals)
        for waiting, at, args, proposed, tally in state.more_pending[p]:
            out += [waiting, at, *[args[f] for f in sorted(args)], proposed, *[tally[f] for f in sorted(tally)]]
    for p in sorted(state.more_proposals):
        for exists, day, proposer, args, snapshot in state.more_proposals[p]:
            out += [exists, day, proposer, *[args[f] for f in sorted(args)]]
            out += [snapshot[i] for i in sorted(snapshot)] if snapshot is not None else []
    return out


def _leaf_names(unroll: Unrolling, state: SymState) -> list[str]:
    """What each leaf of :func:`_leaves` stands for, in GovSpec terms, in the same order (a person
    held by an office, an argument or a proposer is a number: see :func:`_people_legend`)."""
    who = unroll.people
    out = [(f"{who[i]} in {b}" if i not in unroll.slots else f"number of {who[i]} in {b}")
           for b in sorted(state.members) for i in sorted(state.members[b])]
    out += [o for o in sorted(state.offices)]
    out += [p for p in sorted(state.params)]
    out.append("now")
    for p in sorted(state.pending):
        _, _, args, _, tally = state.pending[p]
        out += [f"{p} waiting", f"{p}.approved_at", *[f"{p}.{f}" for f in sorted(args)], f"{p}.proposed_at",
                *[f"{p}.{f}" for f in sorted(tally)]]
    if state.balances is not None:
        out += [f"balance of {who[i]}" for i in sorted(state.balances)]
    if state.delegates is not None:
        out += [f"delegate of {who[i]}" for i in sorted(state.delegates)]
    for p in sorted(state.proposals):
        _, _, _, args, snapshot = state.proposals[p]
        out += [f"{p} proposed", f"{p} proposal day", f"{p} proposer", *[f"{p} proposal.{f}" for f in sorted(args)]]
        if snapshot is not None:
            out += [f"{p} snapshot of {who[i]}" for i in sorted(snapshot)]
    for p in sorted(state.more_pending):  # (issue 13.6: P#2 is the second slot of P)
        for j, (_, _, args, _, tally) in enumerate(state.more_pending[p], start=2):
            q = f"{p}#{j}"
            out += [f"{q} waiting", f"{q}.approved_at", *[f"{q}.{f}" for f in sorted(args)], f"{q}.proposed_at",
                    *[f"{q}.{f}" for f in sorted(tally)]]
    for p in sorted(state.more_proposals):
        for j, (_, _, _, args, snapshot) in enumerate(state.more_proposals[p], start=2):
            q = f"{p}#{j}"
            out += [f"{q} proposed", f"{q} proposal day", f"{q} proposer", *[f"{q} proposal.{f}" for f in sorted(args)]]
            out += [f"{q} snapshot of {who[i]}" for i in sorted(snapshot)] if snapshot is not None else []
    return out


def _people_legend(unroll: Unrolling) -> str:
    return "people by number: " + ", ".join(f"{i} = {n}" for i, n in enumerate(unroll.people[:unroll.named]))


QE_MS = 2_000  # the time for taking an invariant's quantifiers out, to show it (it is checked as found)


def _without_quantifiers(formula, ms: int = QE_MS):
    """``formula`` with its quantifiers eliminated where Z3's ``qe2`` does so within ``ms`` (QE_MS at
    most, and the property's time left: the re-check of the proof comes after) (an
    equivalent formula: 'Exists([k!2, k!1, k!0], ...)' over the solver's own variables reads as
    'Or(ceo == 0, ceo == -1)'); else as it is."""
    if ms <= 0 or not _quantified(formula):
        return formula
    try:
        goal = Goal()
        goal.add(formula)
        found = TryFor(Then(Tactic("qe2"), Tactic("simplify")), ms)(goal)
    except Z3Exception:  # (the time ran out, or the tactic declined it: shown as found)
        return formula
    result = found.as_expr() if len(found) == 1 else None
    return result if result is not None and not _quantified(result) else formula


def _quantified(formula) -> bool:
    todo = [formula]
    while todo:
        e = todo.pop()
        if is_quantifier(e):
            return True
        if is_app(e):
            todo.extend(e.children())
    return False


def _readable(sys_: "System", params: list, body, indices: list[int], qe_ms: int = QE_MS) -> str:
    """The invariant's formula with each argument named in GovSpec terms, on one line."""
    if not sys_.names:
        return ""
    named = [Const(sys_.names[k] if k < len(sys_.names) else str(sys_.before[k]), p.sort())
             for p, k in zip(params, indices)]
    formula = simplify(substitute(body, *zip(params, named)) if params else body)
    text = " ".join(str(_without_quantifiers(formula, qe_ms)).split())
    if text == "True":
        return ("true: no fact about the states reached is needed: from any state, each step's own rules (with what "
                "no step changes at its initial value) exclude a violation")
    person_valued = [n for n in sys_.names if n in sys_.start.offices or n.endswith("proposer") or n.startswith("delegate of")]
    mentioned = any(re.search(rf"(?<![\w.\[]){re.escape(n)}(?![\w.\]])", text) for n in person_valued)
    return text + (f" ({_people_legend(sys_.unroll)})" if mentioned else "")


def _fresh(state: SymState) -> SymState:
    """A state of the same shape whose every leaf is a fresh variable."""
    count = iter(range(1_000_000))

    def v(term):
        return Const(f"s{next(count)}", term.sort())

    def decision(w, at, args, pr, tally):
        return v(w), v(at), {f: v(a) for f, a in args.items()}, v(pr), {f: v(x) for f, x in tally.items()}

    def proposal(e, d, pr, args, snap):
        return v(e), v(d), v(pr), {f: v(a) for f, a in args.items()}, None if snap is None else {i: v(x) for i, x in snap.items()}

    pending = {p: decision(*slot) for p, slot in state.pending.items()}
    proposals = {p: proposal(*slot) for p, slot in state.proposals.items()}
    more_pending = {p: [decision(*slot) for slot in slots] for p, slots in state.more_pending.items()}
    more_proposals = {p: [proposal(*slot) for slot in slots] for p, slots in state.more_proposals.items()}
    return SymState({b: {i: v(x) for i, x in ms.items()} for b, ms in state.members.items()},
                    {o: v(x) for o, x in state.offices.items()}, {p: v(x) for p, x in state.params.items()},
                    v(state.now), pending,
                    None if state.balances is None else {i: v(x) for i, x in state.balances.items()},
                    None if state.delegates is None else {i: v(x) for i, x in state.delegates.items()},
                    proposals, more_pending=more_pending, more_proposals=more_proposals)


def _variables(formulas) -> list:
    """The free constants of some formulas (they are universally quantified in a Horn clause).

    (Walks the terms with Z3's C API, without a Python object per node: the step formulas are large.)"""
    seen, out = set(), []
    for f in formulas:
        ctx = f.ctx
        r = ctx.ref()
        todo = [f.as_ast()]
        while todo:
            a = todo.pop()
            key = Z3_get_ast_id(r, a)
            if key in seen:
                continue
            seen.add(key)
            kind = Z3_get_ast_kind(r, a)
            if kind == Z3_QUANTIFIER_AST:
                todo.append(Z3_get_quantifier_body(r, a))
            elif kind == Z3_APP_AST:
                n = Z3_get_app_num_args(r, a)
                if n == 0:
                    if Z3_get_decl_kind(r, Z3_get_app_decl(r, a)) == Z3_OP_UNINTERPRETED:
                        out.append(_to_expr_ref(a, ctx))
                else:
                    todo.extend(Z3_get_app_arg(r, a, i) for i in range(n))
    return out


def _clause(body: list, head) -> object:
    formula = Implies(And(body), head)
    variables = [x for x in _variables([formula]) if x.decl().name() != "Inv"]  # (a predicate of no arguments)
    return ForAll(variables, formula) if variables else formula


@dataclass
class System:
    """The Horn clauses of a transition system (initial state, one step) and what a bad clause needs."""

    unroll: Unrolling
    start: SymState
    step: object
    inv: object
    before: list
    transition: list
    clauses: list
    init_body: list = field(default_factory=list)  # what holds of the initial state
    init_leaves: list = field(default_factory=list)  # Inv's arguments at the initial state
    after: list = field(default_factory=list)  # Inv's arguments after the step
    constants: dict | None = None  # (see _constants)
    names: list = field(default_factory=list)  # Inv's arguments in GovSpec terms (see _leaf_names)


def system(model: m.Model, forced: bool = False, coalition_candidates: tuple[str, ...] | None = None,
           coalition_size: int | None = None, fixed: frozenset[str] | None = None, all_sizes: bool = False) -> System:
    """Every behaviour (or, ``forced``, every forcing sequence of the coalition) as Horn clauses;
    ``all_sizes``: of every instance (the sizes of groups of variable size are part of the state)."""
    if forced:
        classes, _ = counting.classes(model, coalition_candidates, fixed)
    else:
        classes, _ = counting.classes(model)
    unroll = Unrolling(model, classes, split=forced, all_sizes=all_sizes)
    initial = unroll.states[0]
    start = _fresh(initial)
    unroll.states = [start]
    collected = _Collect()
    # the coalition and the sizes of groups of variable size, constant along a behaviour
    extra_state: list = list(unroll.size_vars)
    init_body: list = list(unroll.size_rules)
    if forced:
        coalition, rules, named = unroll.coalition(coalition_candidates, coalition_size, fixed)
        extra_state += named + [unroll.coalition_counts[c] for c in sorted(unroll.coalition_counts)]
        init_body += rules
        step = unroll.add_forced_step(collected, coalition)
    else:
        step = unroll.add_step(collected)
    after = unroll.states[1]
    before_leaves, after_leaves = _leaves(start) + extra_state, _leaves(after) + extra_state
    inv = Function("Inv", *[x.sort() for x in before_leaves], BoolSort())
    transition = [*collected.items, step.active]
    clauses = [
        _clause(init_body, inv(*(_leaves(initial) + extra_state))),
        _clause([inv(*before_leaves), *transition], inv(*after_leaves)),
    ]
    names = _leaf_names(unroll, start) + [str(x) for x in extra_state]
    return System(unroll, start, step, inv, before_leaves, transition, clauses,
                  init_body, _leaves(initial) + extra_state, after_leaves, names=names)


def prove(model: m.Model, prop: m.Property, deadline: Deadline, goal: m.Goal | None = None,
          coalition_candidates: tuple[str, ...] | None = None, coalition_size: int | None = None,
          fixed: frozenset[str] | None = None, built: System | None = None, all_sizes: bool = False) -> tuple[bool, str]:
    """(True, "") when the property holds in behaviours of any length; else (False, why not, one line).

    See :func:`prove_with_certificate` for the arguments."""
    ok, why, _ = prove_with_certificate(model, prop, deadline, goal, coalition_candidates, coalition_size, fixed,
                                        built, all_sizes)
    return ok, why


def prove_with_certificate(model: m.Model, prop: m.Property, deadline: Deadline, goal: m.Goal | None = None,
                           coalition_candidates: tuple[str, ...] | None = None, coalition_size: int | None = None,
                           fixed: frozenset[str] | None = None, built: System | None = None,
                           all_sizes: bool = False) -> tuple[bool, str, cert.Certificate | None]:
    """(True, "", certificate) when the property holds in behaviours of any length, the invariant
    checked again by a fresh solver; else (False, why not in one line, the certificate if Spacer
    found an invariant that the check rejected, else None).

    For an invariant or a step property, ``prop`` says what is bad (``built``: the behaviours'
    clauses, when already made for the model).  For a coalition question, ``goal`` is what no
    coalition (of ``coalition_size`` among the candidates, or the ``fixed`` one) may force.
    """
    sys_ = built or system(model, goal is not None, coalition_candidates, coalition_size, fixed, all_sizes)
    unroll, start, step, inv, before_leaves, transition = (sys_.unroll, sys_.start, sys_.step, sys_.inv,
                                                           sys_.before, sys_.transition)
    clauses = list(sys_.clauses)
    if goal is not None:
        if goal.procedure is not None:
            bad = [inv(*before_leaves), *transition, step.selected[action_key(goal.procedure, goal.phase)]]
        else:
            bad = [inv(*before_leaves), unroll.boolean(goal.state, start, {}, None)]
    elif prop.kind == "invariant":
        bad = [inv(*before_leaves), Not(unroll.boolean(prop.state, start, {}, None))]
    else:
        bad = [inv(*before_leaves), *transition, unroll.violation(step, prop)]
    clauses.append(_clause(bad, BoolVal(False)))
    ms = deadline.remaining_ms()
    if ms <= 0:
        return False, "no time left for a proof of any length", None
    constants = _constants(sys_) if REDUCE else {}
    keep = [k for k in range(len(before_leaves)) if k not in constants] or [0]
    constants = {k: v for k, v in constants.items() if k not in keep}
    horn_inv = inv
    if constants:  # Spacer solves the clauses with the leaves that never change replaced by their values
        sub = [(before_leaves[k], constants[k]) for k in sorted(constants)]

        def fixed_(e):
            return simplify(substitute(e, *sub))
        horn_inv = Function("Inv", *[before_leaves[k].sort() for k in keep], BoolSort())
        red_before = horn_inv(*[before_leaves[k] for k in keep])
        clauses = [
            _clause(sys_.init_body, horn_inv(*[sys_.init_leaves[k] for k in keep])),
            _clause([red_before, *[fixed_(t) for t in transition]], horn_inv(*[fixed_(sys_.after[k]) for k in keep])),
            _clause([red_before, *[fixed_(b) for b in bad[1:]]], BoolVal(False)),
        ]
    # Spacer runs in a context of its own: its search depends on the order of terms, which in the
    # shared context depends on everything built before; in a fresh one, a proof does not depend
    # on what else ran in the process
    horn_ctx = interrupts.context()
    solver = SolverFor("HORN", ctx=horn_ctx)
    solver.set("timeout", ms)
    solver.add(*[c.translate(horn_ctx) for c in clauses])
    solver.set("rlimit", RLIMIT)
    for key, value in SPACER_PARAMS.items():
        solver.set(key, value)
    result = solver.check()
    if result == unknown:
        return False, cert.one_line(solver.reason_unknown()), None
    if result != sat:
        return False, "a longer behaviour may violate it", None
    obligations = dict(initiation=[*sys_.init_body, Not(inv(*sys_.init_leaves))],
                       consecution=[inv(*before_leaves), *transition, Not(inv(*sys_.after))],
                       safety=bad)
    spacer_model = solver.model()

    def interpretation(decl, prefix="inv_arg_"):  # (back in the shared context)
        params, body = cert.interpretation(spacer_model, decl.translate(horn_ctx), prefix)
        return [x.translate(inv.ctx) for x in params], body.translate(inv.ctx)

    def interp():  # the invariant of the full state (the leaves that never change: their values)
        if not constants:
            return interpretation(inv)
        params = [Const(f"inv_arg_{i}", x.sort()) for i, x in enumerate(before_leaves)]
        red_params, red_body = interpretation(horn_inv, prefix="reduced_arg_")
        body = substitute(red_body, *[(p, params[k]) for p, k in zip(red_params, keep)]) if red_params else red_body
        return params, And(body, *[params[k] == constants[k] for k in sorted(constants)])
    certificate = cert.make(interp(), **obligations)
    try:  # what Spacer found (without the leaves that never change), in GovSpec terms, for --explain
        shown = interpretation(horn_inv if constants else inv)
        readable = _readable(sys_, shown[0], shown[1], keep if constants else list(range(len(before_leaves))),
                             min(QE_MS, int(deadline.remaining_ms())))
    except Exception as err:  # noqa: BLE001 - a name that cannot be shown costs the explanation, never the proof
        if interrupts.disguised(err):
            raise KeyboardInterrupt from None
        readable = ""
    seconds = min(RECHECK_SECONDS, deadline.remaining_ms() / 1000)
    if seconds <= 0:
        return False, "no time left to check the invariant found", certificate
    status, why = recheck(certificate, min(seconds, FIRST_RECHECK_SECONDS) if certificate.quantified else seconds)
    if status == "unknown" and certificate.quantified:
        # the invariant has a quantifier the plain solver could not handle in time: eliminate it, check again
        seconds = min(RECHECK_SECONDS, deadline.remaining_ms() / 1000)
        plain = cert.make(interp(), **obligations, eliminate_quantifiers_ms=int(min(seconds, QE_SECONDS) * 1000))
        if not plain.quantified:
            certificate = plain
            seconds = min(RECHECK_SECONDS, deadline.remaining_ms() / 1000)
            status, why = recheck(certificate, seconds) if seconds > 0 else ("unknown", "no time left")
    if status == "invalid":
        return False, cert.one_line(f"the invariant found was rejected by a fresh solver: {why}", translate=False), certificate
    if status != "valid":
        return False, cert.one_line(f"the invariant found could not be checked again: {why}", translate=False), certificate
    return True, "", dataclasses.replace(certificate, readable=readable)


def _constants(sys_: System) -> dict[int, object]:
    """The leaves of the state that keep their initial value in every step, by index: the initial
    value is a constant and one step from *any* state leaves it as it was (checked by Z3, a short
    limit each; undecided: not constant).  Such leaves are parameters no procedure changes, weights
    nobody transfers, members nobody removes, ...  (cached on the system)."""
    if sys_.constants is not None:
        return sys_.constants
    out: dict[int, object] = {}
    solver = None
    for k, (before, init, after) in enumerate(zip(sys_.before, sys_.init_leaves, sys_.after)):
        if not (is_int_value(init) or is_rational_value(init) or is_true(init) or is_false(init)):
            continue
        if after.eq(before) or is_true(simplify(after == before)):
            out[k] = init
            continue
        if solver is None:
            solver = Solver()
            solver.set("rlimit", CONSTANT_RLIMIT)
            solver.add(*sys_.transition)
        solver.push()
        solver.add(after != before)
        if solver.check() == unsat:
            out[k] = init
        solver.pop()
    sys_.constants = out
    return out


def recheck(certificate: cert.Certificate, seconds: float) -> tuple[str, str]:
    """The check of an invariant before a proof is claimed: ("valid"|"invalid"|"unknown", why)
    (a module attribute so that tests of the differential test's teeth can switch it off)."""
    return cert.check(certificate, seconds)
