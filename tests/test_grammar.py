"""The grammar is LALR(1) without conflicts, and the language reference covers every keyword."""

import re

from lark import Lark

from conftest import ROOT

GRAMMAR = (ROOT / "govspec" / "grammar.lark").read_text()


def test_grammar_is_conflict_free():
    Lark(GRAMMAR, parser="lalr", strict=True)  # raises on any shift/reduce or reduce/reduce conflict


def test_language_reference_covers_every_keyword():
    keywords = set(re.findall(r'"([a-z_]+)"', GRAMMAR))
    reference = (ROOT / "docs" / "language.md").read_text()
    missing = sorted(k for k in keywords if not re.search(rf"\b{k}\b", reference))
    assert not missing, f"keywords not documented in docs/language.md: {missing}"
