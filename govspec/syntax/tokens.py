"""Token conversion shared by every construct, and the base of the construct mixins.

Assumes: Lark tokens and rule positions from :func:`.grammar.parser` (``propagate_positions``).
Guarantees: spans that name the file being parsed, with Lark's 1-based lines and columns; the
``cite`` annotation as a ``("cite", text)`` pair that :func:`split_cite` takes off a child list.
"""

from __future__ import annotations

from lark import Token, Transformer, v_args

from .. import ast
from ..diagnostics import Span


def meta_span(path: str, meta) -> Span:
    return Span(path, meta.line, meta.column, meta.end_line, meta.end_column)


def token_span(path: str, tok: Token) -> Span:
    return Span(path, tok.line, tok.column, tok.end_line or tok.line, tok.end_column or tok.column + 1)


def split_cite(items) -> tuple[list, str | None]:
    """Split a trailing cite subtree off a child list."""
    if items and isinstance(items[-1], tuple) and len(items[-1]) == 2 and items[-1][0] == "cite":
        return list(items[:-1]), items[-1][1]
    return list(items), None


@v_args(meta=True)
class Located(Transformer):
    """The base of the construct mixins: the file spans point into, and the callbacks of the two
    small rules every construct uses (``cite`` and ``name_list``)."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path

    def s(self, meta) -> Span:
        return meta_span(self.path, meta)

    def t(self, tok: Token) -> Span:
        return token_span(self.path, tok)

    def cite(self, meta, items):
        return ("cite", str(items[0])[1:-1])

    def name_list(self, meta, items):
        return tuple(ast.Name(self.t(tok), str(tok)) for tok in items)
