"""Parsing text: :func:`parse` checks the limits, parses with the LALR parser and builds the AST.

Assumes: the text is a decoded ``str``.  Guarantees: either an AST with a span on every node, or
:class:`SpecError` carrying located diagnostics (never a Lark exception or a RecursionError).
Hostile input is refused before it can hurt, with one GOV003 error: text over ``MAX_SOURCE_BYTES``
characters; then, while the tokens are read (at the first token over a limit, not after parsing
the whole file), brackets nested deeper than ``MAX_NESTING``, more than ``MAX_OPERATORS``
operators in one declaration, clause or property, more than ``MAX_PEOPLE`` people declared or
names in one list, more than ``MAX_DECLARATIONS`` declarations of other kinds; after the parse,
trees nested deeper than ``MAX_NESTING`` and numbers longer than ``MAX_NUMBER_CHARS``.  (The people in groups are counted when the spec is checked,
:mod:`govspec.check.declarations`.)
"""

from __future__ import annotations

from lark import Tree
from lark.exceptions import UnexpectedInput

from .. import ast
from ..clock import check_time
from ..diagnostics import Diagnostic, Span, SpecError
from . import grammar
from .builder import build
from .mistakes import syntax_error
from .source import MAX_SOURCE_BYTES
from .tokens import token_span

MAX_NESTING = 200  # brackets, and levels of the parse tree (each operator in a chain adds one)
MAX_NUMBER_CHARS = 100
MAX_OPERATORS = 1_000  # operators in one declaration, clause or property
MAX_PEOPLE = 100_000  # people in one organisation: named, and members of groups; also names in one list
MAX_DECLARATIONS = 10_000  # bodies, offices, parameters, procedures, events and properties together
PEOPLE_NOTE = ("named people, people loaded from files and the members of groups count together; GovSpec limits "
               "them to keep checking safe")
_NUMBER_TOKENS = {"INT", "DECIMAL", "FRACTION", "PERCENT"}


# Tokens that start a declaration or a clause (none can stand inside an expression): each starts a
# new count of operators and of names in a list.  The operators that chain: each adds a tree level.
_STARTS = {"ORGANIZATION", "RULES", "IMPORT", "PERSON", "GROUP", "BODY", "OFFICE", "PARAMETER", "FLASH", "EVENT",
           "PROCEDURE", "PROPERTY", "STAGE_KIND", "TIMELOCK", "VOTING", "PROPOSAL", "COUNTED", "EXPIRES", "NOTICE",
           "QUORUM", "PASSES", "RECUSE", "REQUIRE", "EFFECT", "ATTENDANCE", "CALLED", "CHAIRED", "CASTING"}
_OPERATORS = {"PLUS", "MINUS", "STAR", "AND", "OR", "NOT", "IMPLIES", "UNION", "EXCEPT", "INTERSECT", "TAGGED"}
_DECLARATIONS = {"BODY", "OFFICE", "PARAMETER", "EVENT", "PROCEDURE", "PROPERTY"}


def _over(message: str, path: str, tok, *notes: str) -> SpecError:
    return SpecError([Diagnostic("GOV003", message, token_span(path, tok), notes=notes)])


def _watched(tokens, path: str):
    """The tokens, passed on one at a time as the parser reads them, refusing the first that goes over
    a limit: brackets nested deeper than MAX_NESTING, more than MAX_OPERATORS operators or
    MAX_PEOPLE names in one declaration or clause, more than MAX_PEOPLE people or MAX_DECLARATIONS
    other declarations.  So hostile input fails after the parse of what is within the limits, not
    of the whole file (parsing takes seconds per megabyte).  Within a property's time limit (a spec
    loaded at other sizes of its groups), the clock is read at each token (:func:`check_time`)."""
    depth = operators = names = people = declarations = 0
    for tok in tokens:
        check_time()
        kind = "IMPLIES" if tok == "->" else tok.type
        if kind in ("LPAR", "LBRACE"):
            depth += 1
            if depth > MAX_NESTING:
                raise _over(f"brackets nested deeper than {MAX_NESTING} levels", path, tok,
                            "GovSpec limits nesting to keep checking safe on hostile input")
        elif kind in ("RPAR", "RBRACE"):
            depth -= 1
        elif kind in _OPERATORS:
            operators += 1
            if operators > MAX_OPERATORS:
                raise _over(f"more than {MAX_OPERATORS} operators in one expression", path, tok,
                            "'and', 'or', 'not', '->', '+', '-', '*', 'union', 'except', 'intersect' and 'tagged' each count; "
                            "split the rule or property")
        elif kind == "COMMA":
            names += 1
            if names >= MAX_PEOPLE:
                raise _over(f"more than {MAX_PEOPLE} names in one list", path, tok)
        elif kind in _STARTS:
            operators = names = 0
            if kind == "PERSON":
                people += 1
                if people > MAX_PEOPLE:
                    raise _over(f"more than {MAX_PEOPLE} people in one organisation", path, tok, PEOPLE_NOTE)
            elif kind in _DECLARATIONS:
                declarations += 1
                if declarations > MAX_DECLARATIONS:
                    raise _over(f"more than {MAX_DECLARATIONS} declarations of bodies, offices, parameters, "
                                "procedures, events and properties", path, tok)
        yield tok


def _parse_watched(text: str, path: str) -> Tree:
    session = grammar.parser().parse_interactive(text)
    last = None
    for last in _watched(session.iter_parse(), path):
        pass
    return session.feed_eof(last)


def _limits_check(tree: Tree, path: str) -> None:
    """Refuse trees deeper than MAX_NESTING (later passes recurse over them) and numbers longer than
    MAX_NUMBER_CHARS (Python refuses to convert very long digit strings), without recursing."""
    stack = [(tree, 1, None, None)]
    while stack:
        node, depth, where, start = stack.pop()
        meta = node.meta
        if not meta.empty and (where is None or node.data.endswith(("_decl", "_clause"))):
            where, start = Span.point(path, meta.line, meta.column), None  # the declaration or clause
        elif not meta.empty and start is None:
            start = Span.point(path, meta.line, meta.column)  # the first part of it: the expression too deep
        if depth > MAX_NESTING:
            raise SpecError([Diagnostic(
                "GOV003", f"the spec is nested too deeply (more than {MAX_NESTING} levels)",
                start or where or Span.point(path),
                notes=("GovSpec limits nesting to keep checking safe on hostile input; "
                       "each 'and', 'or', 'not', '+', '-', '*', 'union', 'except' or 'intersect' in a chain adds a level",),
            )])
        for child in node.children:
            if isinstance(child, Tree):
                stack.append((child, depth + 1, where, start))
            elif child.type in _NUMBER_TOKENS and len(child) > MAX_NUMBER_CHARS:
                raise SpecError([Diagnostic(
                    "GOV003", f"this number is longer than {MAX_NUMBER_CHARS} characters", token_span(path, child),
                )])


def parse(text: str, path: str = "<input>") -> ast.SpecFile:
    if len(text) > MAX_SOURCE_BYTES:
        raise SpecError([Diagnostic("GOV003", f"the spec is larger than {MAX_SOURCE_BYTES} characters", Span.point(path))])
    try:
        tree = _parse_watched(text, path)
    except UnexpectedInput as err:
        raise SpecError([syntax_error(err, path, text)]) from None
    _limits_check(tree, path)
    return build(tree, path)
