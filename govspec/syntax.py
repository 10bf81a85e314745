"""Parsing: text -> :class:`govspec.ast.SpecFile`.

Assumes: the text is a decoded ``str``.  Guarantees: either an AST with a span on every node, or
:class:`SpecError` carrying located diagnostics (never a Lark exception or a RecursionError).
The grammar (``grammar.lark``) is LALR(1) and conflict-free; the parser is built once and cached.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from importlib import resources

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from . import ast
from .diagnostics import Diagnostic, Span, SpecError

MAX_SOURCE_BYTES = 4_000_000
MAX_NESTING = 200
MAX_NUMBER_CHARS = 100
_NUMBER_TOKENS = {"INT", "DECIMAL", "FRACTION", "PERCENT"}


@functools.lru_cache(maxsize=1)
def parser() -> Lark:
    grammar = resources.files("govspec").joinpath("grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=False)


def _span(path: str, meta) -> Span:
    return Span(path, meta.line, meta.column, meta.end_line, meta.end_column)


def _tok_span(path: str, tok: Token) -> Span:
    return Span(path, tok.line, tok.column, tok.end_line or tok.line, tok.end_column or tok.column + 1)


def _number(text: str) -> Fraction:
    if text.endswith("%"):
        return Fraction(Decimal(text[:-1])) / 100
    if "/" in text:
        num, den = text.split("/")
        if int(den) == 0:
            raise ValueError("zero denominator")
        return Fraction(int(num), int(den))
    return Fraction(Decimal(text))


def _cite(items) -> tuple[list, str | None]:
    """Split a trailing cite subtree off a child list."""
    if items and isinstance(items[-1], tuple) and len(items[-1]) == 2 and items[-1][0] == "cite":
        return list(items[:-1]), items[-1][1]
    return list(items), None


@v_args(meta=True)
class _Builder(Transformer):
    def __init__(self, path: str):
        super().__init__()
        self.path = path

    def s(self, meta) -> Span:
        return _span(self.path, meta)

    def t(self, tok: Token) -> Span:
        return _tok_span(self.path, tok)

    # ---- literals
    def cite(self, meta, items):
        return ("cite", str(items[0])[1:-1])

    def int_(self, meta, items):
        return ast.Number(self.s(meta), Fraction(int(items[0])))

    def decimal(self, meta, items):
        return ast.Number(self.s(meta), _number(str(items[0])))

    def frac(self, meta, items):
        try:
            return ast.Number(self.s(meta), _number(str(items[0])))
        except ValueError:
            raise SpecError([Diagnostic("GOV312", "a fraction cannot have a zero denominator", self.s(meta))])

    def percent(self, meta, items):
        return ast.Number(self.s(meta), _number(str(items[0])))

    def half(self, meta, items):
        return ast.Number(self.s(meta), Fraction(1, 2))

    def name_list(self, meta, items):
        return tuple(ast.Name(self.t(tok), str(tok)) for tok in items)

    # ---- expressions
    def name(self, meta, items):
        return ast.Name(self.s(meta), str(items[0]))

    def dotted(self, meta, items):
        return ast.Dotted(self.s(meta), str(items[0]), str(items[1]), self.t(items[0]))

    def step_set(self, meta, items):
        return ast.StepSet(self.s(meta), str(items[0]))

    def step_set_no(self, meta, items):
        return ast.StepSet(self.s(meta), "no")

    def step_members(self, meta, items):
        return ast.StepSet(self.s(meta), "members")

    def seats(self, meta, items):
        return ast.Seats(self.s(meta))

    def all_people(self, meta, items):
        return ast.AllPeople(self.s(meta))

    def weight(self, meta, items):
        return ast.Call(self.s(meta), "weight", items[0])

    def size(self, meta, items):
        return ast.Call(self.s(meta), "size", items[0])

    def set_literal(self, meta, items):
        return ast.SetLiteral(self.s(meta), items[0])

    def true(self, meta, items):
        return ast.BoolLit(self.s(meta), True)

    def false(self, meta, items):
        return ast.BoolLit(self.s(meta), False)

    def _bin(op):  # noqa: N805 - a small factory for binary node builders
        def build(self, meta, items):
            return ast.Binary(self.s(meta), op, items[0], items[-1])

        return build

    implies = _bin("->")
    or_ = _bin("or")
    and_ = _bin("and")
    add = _bin("+")
    sub = _bin("-")
    mul = _bin("*")
    member_of = _bin("in")
    not_member_of = _bin("not in")

    def compare(self, meta, items):
        return ast.Binary(self.s(meta), str(items[1]), items[0], items[2])

    def not_(self, meta, items):
        return ast.Not(self.s(meta), items[0])

    def is_vacant(self, meta, items):
        return ast.Vacancy(self.s(meta), items[0], True)

    def is_held(self, meta, items):
        return ast.Vacancy(self.s(meta), items[0], False)

    def majority(self, meta, items):
        return ast.Majority(self.s(meta), items[0])

    def fraction_of(self, meta, items):
        return ast.FractionOf(self.s(meta), items[0].value, items[1])

    # ---- declarations
    def tags_attr(self, meta, items):
        return ("tags", tuple(str(t) for t in items))

    def weight_attr(self, meta, items):
        return ("weight", items[0])

    def principal_attr(self, meta, items):
        return ("principal", str(items[0]))

    def principals(self, meta, items):
        return ("principals", True)

    def cap_decl(self, meta, items):
        items, _ = _cite(items)
        if int(items[0]) < 1:
            raise SpecError([Diagnostic("GOV310", "a seat cap is at least one seat", self.t(items[0]))])
        return ("cap", int(items[0]), self.s(meta))

    def _person(self, meta, items, count):
        items, cite = _cite(items)
        tags: list[str] = []
        weight = Fraction(1)
        principal = None
        for attr in items[1:]:
            if attr[0] == "tags":
                tags.extend(attr[1])
            elif attr[0] == "principal":
                principal = attr[1]
            else:
                weight = attr[1].value
                if weight <= 0:
                    raise SpecError([Diagnostic("GOV310", "a weight must be positive", attr[1].span)])
        return ast.PersonDecl(self.s(meta), str(items[0]), tuple(tags), weight, cite, count, principal)

    def person_decl(self, meta, items):
        return self._person(meta, items, None)

    def group_decl(self, meta, items):
        count, upper, variable, token = items[1]
        if count <= 0:
            raise SpecError([Diagnostic("GOV310", "a group must have at least one member", self.t(token))])
        if upper is not None and upper < count:
            raise SpecError([Diagnostic("GOV310", f"a group's size range must not be empty ({count} to {upper})",
                                        self.t(token))])
        decl = self._person(meta, [items[0]] + list(items[2:]), count)
        return replace(decl, variable=variable, upper=upper) if variable else decl

    def size_exact(self, meta, items):
        return (int(items[0]), None, False, items[0])

    def size_at_least(self, meta, items):
        return (int(items[0]), None, True, items[0])

    def size_between(self, meta, items):
        return (int(items[0]), int(items[1]), True, items[1])

    def seats_decl(self, meta, items):
        items, _ = _cite(items)
        return ("seats", int(items[0]), self.t(items[0]))

    def members_decl(self, meta, items):
        items, _ = _cite(items)
        return ("members", items[0])

    def members_none(self, meta, items):
        return ("members", ())

    def office_decl(self, meta, items):
        items, cite = _cite(items)
        return ast.OfficeDecl(self.s(meta), str(items[0]), ast.Name(self.t(items[1]), str(items[1])), cite)

    def office_vacant_decl(self, meta, items):
        items, cite = _cite(items)
        return ast.OfficeDecl(self.s(meta), str(items[0]), None, cite)

    def param_decl(self, meta, items):
        items, cite = _cite(items)
        return ast.ParamDecl(self.s(meta), str(items[0]), items[1].value, cite)

    def formals(self, meta, items):
        return ("formals", tuple(items))

    def domain(self, meta, items):
        return (str(items[0]), self.t(items[0]))

    def domain_people(self, meta, items):
        return ("people", self.s(meta))

    def formal_in(self, meta, items):
        return ast.Formal(self.s(meta), str(items[0]), False, items[1][0], items[1][1])

    def formal_not_in(self, meta, items):
        return ast.Formal(self.s(meta), str(items[0]), True, items[1][0], items[1][1])

    def mode_meeting(self, meta, items):
        return "meeting"

    def mode_consent(self, meta, items):
        return "consent"

    def stage_header(self, meta, items):
        items, cite = _cite(items)
        window = items[3][1] if len(items) > 3 else None
        return ast.StageHeader(self.s(meta), str(items[0]), str(items[1]), self.t(items[1]), items[2], cite, window)

    def window(self, meta, items):
        return ("window", int(items[0]))

    def timelock_clause(self, meta, items):
        items, cite = _cite(items)
        return ast.Clause(self.s(meta), "timelock", cite, days=int(items[0]))

    def now(self, meta, items):
        return ast.Now(self.s(meta))

    def notice_clause(self, meta, items):
        items, cite = _cite(items)
        days = int(items[1]) if len(items) > 1 else None
        if days is not None and str(items[0]) != "all":
            raise SpecError([Diagnostic("GOV307", "a notice period needs notice to all members ('notice all N days')",
                                        self.s(meta))])
        return ast.Clause(self.s(meta), "notice", cite, notice=str(items[0]), days=days)

    def _days_clause(kind):  # noqa: N805 - a small factory for "N days" clause builders
        def build(self, meta, items):
            items, cite = _cite(items)
            return ast.Clause(self.s(meta), kind, cite, days=int(items[0]))
        return build

    voting_delay = _days_clause("voting_delay")
    voting_period = _days_clause("voting_period")
    expires_after = _days_clause("expires")

    def proposal_threshold(self, meta, items):
        items, cite = _cite(items)
        return ast.Clause(self.s(meta), "threshold", cite, expr=items[0])

    def counted_snapshot(self, meta, items):
        items, cite = _cite(items)
        return ast.Clause(self.s(meta), "counted", cite, counting="snapshot")

    def counted_live(self, meta, items):
        items, cite = _cite(items)
        return ast.Clause(self.s(meta), "counted", cite, counting="live")

    def flash_decl(self, meta, items):
        items, cite = _cite(items)
        if items[0].value <= 0:
            raise SpecError([Diagnostic("GOV310", "a flash loan lends a positive amount", items[0].span)])
        return ast.FlashDecl(self.s(meta), items[0].value, cite)

    def supply(self, meta, items):
        return ast.Supply(self.s(meta))

    def quorum_clause(self, meta, items):
        items, cite = _cite(items)
        return ast.Clause(self.s(meta), "quorum", cite, expr=items[0])

    def passes_clause(self, meta, items):
        items, cite = _cite(items)
        return ast.Clause(self.s(meta), "passes", cite, expr=items[0])

    def require_clause(self, meta, items):
        items, cite = _cite(items)
        return ast.Clause(self.s(meta), "require", cite, expr=items[0])

    def recuse_clause(self, meta, items):
        items, cite = _cite(items)
        return ast.Clause(
            self.s(meta), "recuse", cite, recused=str(items[0]), recused_span=self.t(items[0]),
            recuse_from=tuple(sorted({str(x) for x in items[1:]})),
        )

    def effect_clause(self, meta, items):
        items, cite = _cite(items)
        return ast.Clause(self.s(meta), "effect", cite, effect=items[0])

    def effect_assign(self, meta, items):
        return ast.Effect(self.s(meta), "assign", str(items[0]), self.t(items[0]), value=items[1])

    def effect_vacate(self, meta, items):
        return ast.Effect(self.s(meta), "vacate", str(items[0]), self.t(items[0]))

    def effect_remove(self, meta, items):
        return ast.Effect(self.s(meta), "remove", str(items[0]), self.t(items[0]), str(items[1]), self.t(items[1]))

    def effect_add(self, meta, items):
        return ast.Effect(self.s(meta), "add", str(items[0]), self.t(items[0]), str(items[1]), self.t(items[1]))

    def effect_transfer(self, meta, items):
        return ast.Effect(self.s(meta), "transfer", str(items[1]), self.t(items[1]), str(items[2]), self.t(items[2]),
                          value=items[0])

    def effect_mint(self, meta, items):
        return ast.Effect(self.s(meta), "mint", str(items[1]), self.t(items[1]), value=items[0])

    def effect_delegate(self, meta, items):
        return ast.Effect(self.s(meta), "delegate", str(items[0]), self.t(items[0]), str(items[1]), self.t(items[1]))

    def _procedure(self, meta, items, is_event):
        name = str(items[0])
        formals: tuple = ()
        cite = None
        body = []
        for item in items[1:]:
            if isinstance(item, tuple) and item and item[0] == "formals":
                formals = item[1]
            elif isinstance(item, tuple) and item and item[0] == "cite":
                cite = item[1]
            else:
                body.append(item)
        return ast.ProcedureDecl(self.s(meta), name, formals, tuple(body), cite, is_event)

    def procedure_decl(self, meta, items):
        return self._procedure(meta, items, False)

    def event_decl(self, meta, items):
        return self._procedure(meta, items, True)

    # ---- properties
    def restrict_in(self, meta, items):
        return ("in", ast.Name(self.t(items[0]), str(items[0])))

    def restrict_tagged(self, meta, items):
        return ("tagged", ast.Name(self.t(items[0]), str(items[0])))

    def restrict_excluding(self, meta, items):
        return ("excluding", items[0])

    def _bound(self, meta, items, exactly):
        within, tagged, excluding = [], [], []
        principals = False
        for kind, value in items[1:]:
            if kind == "principals":
                principals = True
            elif kind == "in":
                within.append(value)
            elif kind == "tagged":
                tagged.append(value)
            else:
                excluding.extend(value)
        return ast.CoalitionBound(self.s(meta), exactly, int(items[0]), tuple(within), tuple(tagged), tuple(excluding),
                                  principals)

    def bound_at_most(self, meta, items):
        return self._bound(meta, items, False)

    def bound_exactly(self, meta, items):
        return self._bound(meta, items, True)

    def coalition_named(self, meta, items):
        return ast.CoalitionSet(self.s(meta), items[0], None)

    def coalition_tagged(self, meta, items):
        return ast.CoalitionSet(self.s(meta), (), ast.Name(self.t(items[0]), str(items[0])))

    def prop_always(self, meta, items):
        return ("always", items[0], None, None)

    def prop_never(self, meta, items):
        return ("never", items[0], None, None)

    def prop_no_coalition(self, meta, items):
        return ("no_coalition", items[1], items[0], None)

    def prop_every_coalition(self, meta, items):
        return ("every_coalition", items[1], items[0], None)

    def prop_coalition_force(self, meta, items):
        return ("coalition_force", items[1], None, items[0])

    def prop_coalition_block(self, meta, items):
        return ("coalition_block", items[1], None, items[0])

    def import_library(self, meta, items):
        items, cite = _cite(items)
        return ast.Import(self.s(meta), str(items[0]), None, cite)

    def import_path(self, meta, items):
        items, cite = _cite(items)
        return ast.Import(self.s(meta), None, str(items[0])[1:-1], cite)

    def property_decl(self, meta, items):
        items, _ = list(items), None
        name = str(items[0])
        cite = None
        if len(items) == 3:
            cite = items[1][1]
        kind, body, bound, coalition = items[-1]
        return ast.PropertyDecl(self.s(meta), name, kind, body, cite, bound, coalition)


def _nesting_check(text: str, path: str) -> None:
    depth = 0
    line, col = 1, 0
    for ch in text:
        col += 1
        if ch == "\n":
            line, col = line + 1, 0
        elif ch in "({":
            depth += 1
            if depth > MAX_NESTING:
                raise SpecError([Diagnostic(
                    "GOV003", f"brackets nested deeper than {MAX_NESTING} levels", Span.point(path, line, col),
                    notes=("GovSpec limits nesting to keep checking safe on hostile input",),
                )])
        elif ch in ")}":
            depth = max(0, depth - 1)


_FRIENDLY = {
    "LBRACE": "'{'", "RBRACE": "'}'", "LPAR": "'('", "RPAR": "')'", "COLON": "':'", "COMMA": "','",
    "EQUAL": "'='", "NAME": "a name", "INT": "a whole number", "STRING": "a quoted string",
    "CMP": "a comparison", "STEP_SET": "a vote quantity", "FRACTION": "a fraction", "PERCENT": "a percentage",
    "DECIMAL": "a number", "MORETHAN": "'>'", "DOT": "'.'", "MINUS": "'-'", "PLUS": "'+'", "STAR": "'*'",
    "$END": "end of file",
}


def _expected_words(expected) -> list[str]:
    words = set()
    p = parser()
    for term in expected:
        if term in _FRIENDLY:
            words.add(_FRIENDLY[term])
            continue
        try:
            pattern = p.get_terminal(term).pattern
        except KeyError:
            words.add(term.lower())
            continue
        if pattern.type == "str":
            words.add(f"'{pattern.value}'")
        else:
            words.add(term.lower())
    return sorted(words)


_PROPERTY_FORMS = {"ALWAYS", "NEVER", "NO", "EVERY", "COALITION"}

# Characters people type from other languages, with what GovSpec spells instead.
_CHARACTER_HINTS = {
    "&": "write 'and' for 'both'",
    "|": "write 'or' for 'either'",
    "!": "write 'not' to negate, or '!=' for 'differs from'",
    "'": "quoted strings use double quotes: \"...\"",
    "%": "write a percentage without a space: '50%'",
    ";": "declarations and clauses need no separator; start each on its own line",
}


def _unclosed_bracket(text: str, guess: bool = True) -> tuple[str, int, int, int | None] | None:
    """The '{' or '(' a file most likely fails to close, as (char, line, column, closer_line).

    Brackets are matched outside strings and comments.  The innermost unclosed one is the
    answer unless a '}' that starts its line closes a '{' opened on a line with a different
    indentation: then that '{' is the likely culprit (its '}' was forgotten and the '}' meant
    for an enclosing block closed it), and ``closer_line`` is the line of that '}'.  With
    ``guess=False`` the innermost unclosed bracket is always the answer.
    """
    stack: list[tuple[str, int, int, int]] = []
    suspect = None
    line, column, indent, at_line_start = 1, 0, 0, True
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        i += 1
        column += 1
        if ch == "\n":
            line, column, indent, at_line_start = line + 1, 0, 0, True
            continue
        if ch in " \t\f" and at_line_start:
            indent += 1
            continue
        first_on_line, at_line_start = at_line_start, False
        if ch == "#" or ch == '"':  # skip a comment, or a string (which ends at '"' or the line's end)
            stop = text.find("\n", i)
            stop = n if stop < 0 else stop
            if ch == '"':
                close = text.find('"', i, stop)
                stop = stop if close < 0 else close + 1
            column += stop - i
            i = stop
        elif ch in "({":
            stack.append((ch, line, column, indent))
        elif ch in ")}" and stack and stack[-1][0] == "({"[")}".index(ch)]:
            opener = stack.pop()
            if ch == "}" and first_on_line and suspect is None and indent != opener[3]:
                suspect = (opener[0], opener[1], opener[2], line)
    if not stack:
        return None
    if suspect is not None and guess:
        return suspect
    char, bline, bcol, _ = stack[-1]
    return char, bline, bcol, None


def _eof_error(err: UnexpectedInput, path: str, text: str) -> Diagnostic:
    expected = f"expected {', '.join(_expected_words(getattr(err, 'expected', ()) or ()))}"
    bracket = _unclosed_bracket(text)
    if bracket is not None:
        char, line, column, closer_line = bracket
        closer = "}" if char == "{" else ")"
        if closer_line is None:
            return Diagnostic("GOV102", f"unexpected end of file: this '{char}' is never closed",
                              Span.point(path, line, column), notes=(f"add a '{closer}' to close it",))
        return Diagnostic(
            "GOV102", f"unexpected end of file: a '{char}' is not closed, probably this one",
            Span.point(path, line, column),
            notes=(f"the '{closer}' on line {closer_line} closes it, but is indented like an enclosing block",),
        )
    # Point just after the last token (Lark's end-of-input token borrows its position).
    token = getattr(err, "token", None)
    if token is not None and getattr(token, "end_line", None):
        line, column = token.end_line, token.end_column
    else:
        stripped = text.rstrip()
        line = stripped.count("\n") + 1
        column = len(stripped) - (stripped.rfind("\n") + 1) + 1
    return Diagnostic("GOV102", "unexpected end of file", Span.point(path, line, column), notes=(expected,))


def _syntax_error(err: UnexpectedInput, path: str, text: str) -> Diagnostic:
    if isinstance(err, UnexpectedCharacters):
        char = text[err.pos_in_stream] if err.pos_in_stream < len(text) else "?"
        where = Span.point(path, err.line, err.column)
        if char == '"':
            return Diagnostic("GOV101", "unterminated string", where,
                              notes=("a quoted string must end with '\"' on the same line",))
        hint = _CHARACTER_HINTS.get(char)
        return Diagnostic("GOV101", f"unexpected character {char!r}", where, notes=(hint,) if hint else ())
    if isinstance(err, UnexpectedEOF) or (isinstance(err, UnexpectedToken) and err.token.type == "$END"):
        return _eof_error(err, path, text)
    assert isinstance(err, UnexpectedToken)
    tok = err.token
    span = _tok_span(path, tok)
    expected = set(err.expected)
    if expected & _PROPERTY_FORMS and "ALWAYS" in expected:
        return Diagnostic(
            "GOV111", f"unknown property form {str(tok)!r}", span,
            notes=("a property is one of: always ..., never ..., no coalition ..., every coalition ..., "
                   "coalition {...} can force|block ...",),
        )
    words = _expected_words(expected)
    shown = ", ".join(words[:8]) + (", ..." if len(words) > 8 else "")
    notes = [f"expected {shown}"]
    if "RPAR" in expected and tok.type != "RPAR":
        bracket = _unclosed_bracket(text[: tok.start_pos], guess=False)
        if bracket is not None and bracket[0] == "(" and bracket[1] < tok.line:  # the line ended inside it
            notes.append(f"the '(' on line {bracket[1]}, column {bracket[2]} is not closed")
    if str(tok) == "=" and "CMP" in expected:
        notes.append("to compare, write '=='")
    elif str(tok) == "of" and re.search(r"\d(\.\d+)?\s*$", text[: tok.start_pos]):
        notes.append("'... of' takes a fraction or a percentage, e.g. '2/3 of members' or '50% of present'")
    return Diagnostic("GOV100", f"unexpected {str(tok)!r}", span, notes=tuple(notes))


def _limits_check(tree: Tree, path: str) -> None:
    """Refuse trees deeper than MAX_NESTING (later passes recurse over them) and numbers longer than
    MAX_NUMBER_CHARS (Python refuses to convert very long digit strings), without recursing."""
    stack = [(tree, 1, None)]
    while stack:
        node, depth, where = stack.pop()
        meta = node.meta
        if not meta.empty and (where is None or node.data.endswith(("_decl", "_clause"))):
            where = Span.point(path, meta.line, meta.column)  # point at the declaration or clause
        if depth > MAX_NESTING:
            raise SpecError([Diagnostic(
                "GOV003", f"the spec is nested too deeply (more than {MAX_NESTING} levels)", where or Span.point(path),
                notes=("GovSpec limits nesting to keep checking safe on hostile input; "
                       "each 'and', 'or', 'not', '+' or '-' in a chain adds a level",),
            )])
        for child in node.children:
            if isinstance(child, Tree):
                stack.append((child, depth + 1, where))
            elif child.type in _NUMBER_TOKENS and len(child) > MAX_NUMBER_CHARS:
                raise SpecError([Diagnostic(
                    "GOV003", f"this number is longer than {MAX_NUMBER_CHARS} characters", _tok_span(path, child),
                )])


def parse(text: str, path: str = "<input>") -> ast.SpecFile:
    if len(text) > MAX_SOURCE_BYTES:
        raise SpecError([Diagnostic("GOV003", f"the spec is larger than {MAX_SOURCE_BYTES} characters", Span.point(path))])
    _nesting_check(text, path)
    try:
        tree = parser().parse(text)
    except UnexpectedInput as err:
        raise SpecError([_syntax_error(err, path, text)]) from None
    _limits_check(tree, path)
    builder = _Builder(path)
    try:
        result = builder.transform(_mark_bodies(tree))
    except VisitError as err:
        if isinstance(err.orig_exc, SpecError):
            raise err.orig_exc from None
        raise err.orig_exc
    except RecursionError:
        raise SpecError([Diagnostic("GOV003", "the spec is nested too deeply", Span.point(path))]) from None
    return _assemble(result, path, tree)


def _mark_bodies(tree: Tree) -> Tree:
    """Body declarations mix seats/members items: leave them to :func:`_raw_body` after the transform."""
    for sub in tree.iter_subtrees():
        if sub.data == "body_decl":
            sub.data = "body_raw"
    return tree


def _assemble(result: Tree, path: str, original: Tree) -> ast.SpecFile:
    organizations, properties, imports, rules = [], [], [], []
    for item in result.children:
        if isinstance(item, ast.PropertyDecl):
            properties.append(item)
        elif isinstance(item, ast.Import):
            imports.append(item)
        elif isinstance(item, Tree) and item.data in ("organization", "rules_decl"):
            org, inner = _organization(item, path)
            (organizations if item.data == "organization" else rules).append(org)
            properties.extend(inner)
    return ast.SpecFile(_span(path, original.meta) if original.children else Span.point(path), tuple(organizations),
                        tuple(properties), tuple(imports), tuple(rules))


def _organization(tree: Tree, path: str) -> tuple[ast.Organization, tuple[ast.PropertyDecl, ...]]:
    title_tok = tree.children[0]
    cite = None
    people, bodies, offices, params, procedures, properties, flash = [], [], [], [], [], [], []
    for child in tree.children[1:]:
        if isinstance(child, tuple) and child[0] == "cite":
            cite = child[1]
        elif isinstance(child, ast.PersonDecl):
            people.append(child)
        elif isinstance(child, ast.OfficeDecl):
            offices.append(child)
        elif isinstance(child, ast.ParamDecl):
            params.append(child)
        elif isinstance(child, ast.ProcedureDecl):
            procedures.append(child)
        elif isinstance(child, ast.PropertyDecl):
            properties.append(child)
        elif isinstance(child, ast.FlashDecl):
            flash.append(child)
        elif isinstance(child, Tree) and child.data == "body_raw":
            bodies.append(_raw_body(child, path))
    org = ast.Organization(
        _span(path, tree.meta), str(title_tok)[1:-1], cite, tuple(people), tuple(bodies), tuple(offices),
        tuple(params), tuple(procedures), tuple(flash),
    )
    return org, tuple(properties)


def _raw_body(tree: Tree, path: str) -> ast.BodyDecl:
    name_tok = tree.children[0]
    cite = None
    seats = seats_span = None
    cap = cap_span = None
    members: tuple = ()
    for child in tree.children[1:]:
        if isinstance(child, tuple) and child[0] == "cite":
            cite = child[1]
        elif isinstance(child, tuple) and child[0] == "seats":
            if seats is not None:
                raise SpecError([Diagnostic("GOV305", f"'seats' is given twice for body '{name_tok}'", child[2],
                                            notes=(f"first given at {seats_span}",))])
            seats, seats_span = child[1], child[2]
        elif isinstance(child, tuple) and child[0] == "members":
            members = members + tuple(child[1])
        elif isinstance(child, tuple) and child[0] == "cap":
            if cap is not None:
                raise SpecError([Diagnostic("GOV305", f"a seat cap is given twice for body '{name_tok}'", child[2])])
            cap, cap_span = child[1], child[2]
    return ast.BodyDecl(_span(path, tree.meta), str(name_tok), seats, seats_span, members, cite, cap, cap_span)
