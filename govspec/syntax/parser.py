"""Parsing text: :func:`parse` checks the limits, parses with the LALR parser and builds the AST.

Assumes: the text is a decoded ``str``.  Guarantees: either an AST with a span on every node, or
:class:`SpecError` carrying located diagnostics (never a Lark exception or a RecursionError).
Hostile input is refused before it can hurt: text over ``MAX_SOURCE_BYTES`` characters, brackets
or trees nested deeper than ``MAX_NESTING``, numbers longer than ``MAX_NUMBER_CHARS`` (GOV003).
"""

from __future__ import annotations

from lark import Tree
from lark.exceptions import UnexpectedInput

from .. import ast
from ..diagnostics import Diagnostic, Span, SpecError
from . import grammar
from .builder import build
from .mistakes import syntax_error
from .source import MAX_SOURCE_BYTES
from .tokens import token_span

MAX_NESTING = 200
MAX_NUMBER_CHARS = 100
_NUMBER_TOKENS = {"INT", "DECIMAL", "FRACTION", "PERCENT"}


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
                    "GOV003", f"this number is longer than {MAX_NUMBER_CHARS} characters", token_span(path, child),
                )])


def parse(text: str, path: str = "<input>") -> ast.SpecFile:
    if len(text) > MAX_SOURCE_BYTES:
        raise SpecError([Diagnostic("GOV003", f"the spec is larger than {MAX_SOURCE_BYTES} characters", Span.point(path))])
    _nesting_check(text, path)
    try:
        tree = grammar.parser().parse(text)
    except UnexpectedInput as err:
        raise SpecError([syntax_error(err, path, text)]) from None
    _limits_check(tree, path)
    return build(tree, path)
