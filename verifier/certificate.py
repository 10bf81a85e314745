"""Certificates of proofs of any length: an inductive invariant anyone can check again.

Assumes Spacer (:mod:`verifier.unbounded`) answered sat and gave an interpretation of ``Inv``.
Guarantees: a :class:`Certificate` holds the invariant as an SMT-LIB 2 ``define-fun`` and three
self-contained SMT-LIB 2 scripts, one per proof obligation, each of which must be *unsat*:

* initiation:  the initial state and not Inv(initial state);
* consecution: Inv(s) and one step from s to s' and not Inv(s');
* safety:      Inv(s) and a bad state or step from s.

If all three are unsat, the invariant holds in the initial state, is kept by every step, and
excludes every bad state or step: the property holds in behaviours of any length.  The scripts use
the same step encoding as the bounded search (:mod:`verifier.encode`), so a certificate says the
proof is right *for that encoding*; it does not check the encoding against the bylaws (the
differential tests do that).

:func:`recheck` checks a certificate with a fresh Z3 context parsed from the text (so what is
checked is exactly what is kept); :func:`recheck_with_cvc5` checks the same text with cvc5, an
independent solver, when it is installed (``pip install 'govspec[cvc5]'``).  Every check has a
time limit.
"""

from __future__ import annotations

import re

import z3
from z3 import z3core as C
from z3.z3 import _to_expr_ref as _expr

from govspec.records import dataclass

from . import interrupts

OBLIGATIONS = ("initiation", "consecution", "safety")

# the solver's own words for why it gave up, mapped to words a reader can act on
_KNOWN_REASONS = (
    ("quantifier in a recursive rule", "the rules need a quantifier the Horn engine does not support"),
    ("canceled", "time limit reached"),
    ("timeout", "time limit reached"),
    ("max. resource limit", "resource limit reached"),
    ("resource limit", "resource limit reached"),
    ("rlimit", "resource limit reached"),
    ("memory", "memory limit reached"),
    ("non-linear", "the rules multiply two unknowns, which the Horn engine does not support"),
    ("nonlinear", "the rules multiply two unknowns, which the Horn engine does not support"),
    ("incomplete", "the solver is incomplete for these rules"),
)

MAX_REASON = 120


def one_line(reason: str, limit: int = MAX_REASON, translate: bool = True) -> str:
    """A solver's reason as one short line: a known message in words (``translate``), anything
    else on one line, cut short."""
    text = " ".join(str(reason).split())
    low = text.lower()
    for needle, words in _KNOWN_REASONS if translate else ():
        if needle in low:
            return words
    if not text:
        return "the solver gave no reason"
    return text if len(text) <= limit else text[:limit - 3].rstrip() + "..."


@dataclass(frozen=True)
class Certificate:
    """An inductive invariant and the three obligations that make it a proof (all SMT-LIB 2).

    ``invariant`` is ``(define-fun Inv ((x0 S0) ...) Bool body)``; ``declarations`` declare the
    sorts and constants the obligations use (everything but ``Inv``); ``obligations`` pairs each
    name of :data:`OBLIGATIONS` with its assertions.  Replace ``invariant`` (``dataclasses.replace``)
    to check another candidate against the same obligations."""

    invariant: str
    declarations: str
    obligations: tuple[tuple[str, str], ...]
    quantified: bool = False  # does the invariant contain a quantifier?
    readable: str = ""  # the invariant found, over the state named in GovSpec terms (for --explain)

    def script(self, name: str) -> str:
        """The SMT-LIB 2 script of one obligation; it is unsat when the obligation holds."""
        body = dict(self.obligations)[name]
        return f"(set-logic ALL)\n{self.declarations}\n{self.invariant}\n{body}\n(check-sat)\n"

    def scripts(self) -> dict[str, str]:
        return {name: self.script(name) for name, _ in self.obligations}


def _interpretation(model: z3.ModelRef, inv: z3.FuncDeclRef, prefix: str = "inv_arg_") -> tuple[list, z3.ExprRef]:
    """The interpretation of ``inv`` in ``model`` as (parameters, body over the parameters)."""
    params = [z3.Const(f"{prefix}{i}", inv.domain(i)) for i in range(inv.arity())]
    interp = model[inv]
    if interp is None:  # (no constraint on Inv at all: any interpretation, take true)
        return params, z3.BoolVal(True)
    if isinstance(interp, z3.FuncInterp):
        body = z3.substitute_vars(interp.else_value(), *params) if params else interp.else_value()
        for k in reversed(range(interp.num_entries())):
            entry = interp.entry(k)
            same = z3.And([p == entry.arg_value(j) for j, p in enumerate(params)])
            body = z3.If(same, entry.value(), body)
        return params, body
    return params, interp  # (arity 0: a Boolean)


# Z3's pseudo-Boolean operators (at-most, at-least, pble, pbge, pbeq) are not standard SMT-LIB
_PB = {2304: "at-most", 2305: "at-least", 2306: "<=", 2307: ">=", 2308: "=="}


def standard(e: z3.ExprRef, memo: dict | None = None) -> z3.ExprRef:
    """``e`` in standard SMT-LIB 2 operators only, same meaning, so that another solver can read the
    text: Z3's pseudo-Boolean constraints become sums of if-then-else terms, empty conjunctions and
    disjunctions constants, sums of one term that term.  ``memo`` may be shared between calls.

    (Walks the term with Z3's C API, without a Python object per node: the step formulas are large.)"""
    memo = {} if memo is None else memo  # ast id -> the rewritten term, or None when unchanged
    ctx = e.ctx
    r = ctx.ref()
    stack = [(e.as_ast(), False)]
    while stack:
        a, children_done = stack.pop()
        key = C.Z3_get_ast_id(r, a)
        if key in memo:
            continue
        kind = C.Z3_get_ast_kind(r, a)
        if kind == z3.Z3_QUANTIFIER_AST:
            q = z3.QuantifierRef(a, ctx)
            if q.is_lambda():
                memo[key] = None
                continue
            n = q.num_vars()
            bound = [z3.FreshConst(q.var_sort(i), q.var_name(i)) for i in range(n)]
            body = standard(z3.substitute_vars(q.body(), *reversed(bound)), memo)
            memo[key] = (z3.ForAll if q.is_forall() else z3.Exists)(bound, body)
            continue
        if kind != z3.Z3_APP_AST:
            memo[key] = None
            continue
        n = C.Z3_get_app_num_args(r, a)
        children = [C.Z3_get_app_arg(r, a, i) for i in range(n)]
        if not children_done:
            stack.append((a, True))
            stack.extend((c, False) for c in children if C.Z3_get_ast_id(r, c) not in memo)
            continue
        news = [memo[C.Z3_get_ast_id(r, c)] for c in children]
        op = C.Z3_get_decl_kind(r, C.Z3_get_app_decl(r, a))
        if op in _PB or (n == 0 and op in (z3.Z3_OP_AND, z3.Z3_OP_OR)) or (
                n == 1 and op in (z3.Z3_OP_ADD, z3.Z3_OP_MUL, z3.Z3_OP_AND, z3.Z3_OP_OR)) or any(
                x is not None for x in news):
            expr = _expr(a, ctx)
            args = [x if x is not None else _expr(c, ctx) for x, c in zip(news, children)]
            memo[key] = _rewrite(expr, op, args)
        else:
            memo[key] = None
    out = memo[e.get_id()]
    return e if out is None else out


def _rewrite(e: z3.ExprRef, op: int, args: list) -> z3.ExprRef:
    if op in _PB:
        params = e.decl().params()
        coeffs = [1] * len(args) if op in (2304, 2305) else params[1:]
        terms = [z3.If(a, z3.IntVal(c), z3.IntVal(0)) for a, c in zip(args, coeffs)]
        total = z3.IntVal(0) if not terms else terms[0] if len(terms) == 1 else z3.Sum(terms)
        k = params[0]
        return {"at-most": total <= k, "<=": total <= k, "at-least": total >= k, ">=": total >= k,
                "==": total == k}[_PB[op]]
    if not args and op in (z3.Z3_OP_AND, z3.Z3_OP_OR):  # (Z3 writes an empty one as a bare "and")
        return z3.BoolVal(op == z3.Z3_OP_AND)
    if len(args) == 1 and op in (z3.Z3_OP_ADD, z3.Z3_OP_MUL, z3.Z3_OP_AND, z3.Z3_OP_OR):
        return args[0]  # (a sum of one term: not SMT-LIB)
    return e.decl()(*args)


def _has_quantifier(e: z3.ExprRef) -> bool:
    return any(C.Z3_get_ast_kind(e.ctx.ref(), x.as_ast()) == z3.Z3_QUANTIFIER_AST for x in _subterms(e))


def _subterms(e: z3.ExprRef):
    seen, todo = set(), [e]
    while todo:
        x = todo.pop()
        if x.get_id() in seen:
            continue
        seen.add(x.get_id())
        yield x
        if z3.is_quantifier(x):
            todo.append(x.body())
        elif z3.is_app(x):
            todo.extend(x.children())


def quantifier_free(body: z3.ExprRef, ms: int = 5000) -> z3.ExprRef:
    """An invariant without quantifiers when Z3 can eliminate them (``qe2``) within ``ms``; else as
    it is.  (Spacer may describe its invariant with an existential over variables its
    preprocessing removed; with the quantifier, the negated invariant in the consecution check is
    a universal, which a plain solver handles badly.)  The result is checked like any other
    candidate: an invariant is accepted only when its three obligations hold."""
    if not _has_quantifier(body):
        return body
    try:
        goal = z3.Goal(ctx=body.ctx)
        goal.add(body)
        out = z3.TryFor(z3.Tactic("qe2", ctx=body.ctx), ms)(goal).as_expr()
    except z3.Z3Exception:
        return body
    return body if _has_quantifier(out) else out


def _define_fun(params: list, body: z3.ExprRef) -> str:
    args = " ".join(f"({p.sexpr()} {p.sort().sexpr()})" for p in params)
    return f"(define-fun Inv ({args}) Bool\n  {standard(body).sexpr()})"


_INV_DECLARATION = re.compile(r"^\(declare-fun Inv \([^)]*\) Bool\)\s*$", re.MULTILINE)


def _split_smt2(formulas: list, memo: dict) -> tuple[list[str], str]:
    """Z3's SMT-LIB text of some formulas: (declaration lines without Inv, assertions)."""
    s = z3.Solver()
    s.add(*[standard(f, memo) for f in formulas])
    text = _INV_DECLARATION.sub("", s.to_smt2())
    decls, asserts, current, depth = [], [], [], 0
    # split top-level commands (to_smt2 writes one per line, but a command may span lines)
    for line in text.splitlines():
        if not line.strip():
            continue
        current.append(line)
        depth += _depth_change(line)
        if depth <= 0:
            command = "\n".join(current)
            current, depth = [], 0
            head = command.lstrip()
            if head.startswith("(assert"):
                asserts.append(command)
            elif head.startswith(("(declare", "(define")):
                decls.append(command)
            # (set-info, check-sat: left out; Certificate.script adds its own)
    return decls, "\n".join(asserts)


def _depth_change(line: str) -> int:
    """Parenthesis depth change of one line, ignoring quoted symbols and strings."""
    depth, quoted, string = 0, False, False
    for ch in line:
        if quoted:
            quoted = ch != "|"
        elif string:
            string = ch != '"'
        elif ch == "|":
            quoted = True
        elif ch == '"':
            string = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
    return depth


def interpretation(model: z3.ModelRef, inv: z3.FuncDeclRef, prefix: str = "inv_arg_") -> tuple[list, z3.ExprRef]:
    """The interpretation of ``inv`` in Spacer's ``model``: (parameters, body over them)."""
    return _interpretation(model, inv, prefix)


def make(interp: tuple[list, z3.ExprRef], initiation: list, consecution: list, safety: list,
         eliminate_quantifiers_ms: int = 0) -> Certificate:
    """The certificate of an invariant ``interp`` (parameters, body) for a predicate ``Inv``: each
    obligation is a list of formulas (in which ``Inv`` is uninterpreted) whose conjunction must be
    unsat.  ``eliminate_quantifiers_ms``: time to try to make the invariant quantifier-free
    (:func:`quantifier_free`), 0 not to try."""
    params, body = interp
    if eliminate_quantifiers_ms > 0:
        body = quantifier_free(body, eliminate_quantifiers_ms)
    decls: list[str] = []
    obligations = []
    memo: dict = {}  # (the step is in two obligations: rewritten once)
    for name, formulas in zip(OBLIGATIONS, (initiation, consecution, safety)):
        d, a = _split_smt2(formulas, memo)
        decls += [x for x in d if x not in decls]
        obligations.append((name, a))
    return Certificate(_define_fun(params, body), "\n".join(decls), tuple(obligations), _has_quantifier(body))


def check(certificate: Certificate, seconds: float) -> tuple[str, str]:
    """A fresh Z3 solver, in a context of its own, reads the certificate's text and checks each
    obligation (``seconds`` each): ("valid", "") when all three are unsat; ("invalid", which one
    failed) when one is sat; ("unknown", why) when one is not decided or cannot be read."""
    for name, _ in certificate.obligations:
        ctx = interrupts.context()
        try:
            assertions = z3.parse_smt2_string(certificate.script(name), ctx=ctx)
        except z3.Z3Exception as e:
            return "unknown", f"the {name} check could not be read: {one_line(str(e), 80)}"
        s = z3.Solver(ctx=ctx)
        s.set("timeout", max(1, int(seconds * 1000)))
        s.add(assertions)
        result = s.check()
        if result == z3.sat:
            return "invalid", f"the invariant fails its {name} check"
        if result != z3.unsat:
            return "unknown", f"the {name} check of the invariant was not decided ({one_line(s.reason_unknown(), 60)})"
    return "valid", ""


def recheck(certificate: Certificate, seconds: float) -> tuple[bool, str]:
    """(True, "") when :func:`check` finds the certificate valid; else (False, one-line reason)."""
    status, why = check(certificate, seconds)
    return status == "valid", why


def recheck_with_cvc5(certificate: Certificate, seconds: float) -> tuple[str, str]:
    """Check a certificate with cvc5: ("valid", "") when cvc5 finds all three obligations unsat;
    ("invalid", which failed) when it finds one sat; ("unknown", why) when it gives up or runs
    out of time (``seconds`` per obligation); ("unavailable", why) when cvc5 is not installed."""
    try:
        import cvc5  # noqa: PLC0415 - optional: pip install 'govspec[cvc5]'
    except ImportError:
        return "unavailable", "cvc5 is not installed (pip install 'govspec[cvc5]')"
    for name, _ in certificate.obligations:
        try:
            answer = _cvc5_check(cvc5, certificate.script(name), seconds)
        except Exception as e:  # noqa: BLE001 - a parse error or a crash of the bindings is "unknown"
            return "unknown", f"cvc5 could not check {name}: {one_line(str(e), 80)}"
        if answer == "sat":
            return "invalid", f"cvc5: the invariant fails its {name} check"
        if answer != "unsat":
            return "unknown", f"cvc5 did not decide the {name} check ({one_line(answer, 60)})"
    return "valid", ""


def _cvc5_check(cvc5, script: str, seconds: float) -> str:
    tm = cvc5.TermManager()
    solver = cvc5.Solver(tm)
    solver.setOption("tlimit-per", str(max(1, int(seconds * 1000))))
    parser = cvc5.InputParser(solver)
    parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, script, "certificate")
    symbols = parser.getSymbolManager()
    answer = "no check-sat"
    while True:
        command = parser.nextCommand()
        if command.isNull():
            break
        out = command.invoke(solver, symbols).strip()
        if out:
            answer = out
    return answer.split("\n")[-1].strip()
