"""The grammar (``govspec/grammar.lark``), loaded once as an LALR(1) parser.

Assumes: the grammar file ships with the package (``package-data`` in pyproject.toml).
Guarantees: one cached :class:`lark.Lark` parser that records the positions of every rule
(``propagate_positions``), for :mod:`.parser` to parse with and :mod:`.mistakes` to name terminals.
"""

from __future__ import annotations

import functools
from importlib import resources

from lark import Lark


@functools.lru_cache(maxsize=1)
def parser() -> Lark:
    grammar = resources.files("govspec").joinpath("grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=False)
