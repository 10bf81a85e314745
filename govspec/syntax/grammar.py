"""The grammar (``govspec/grammar.lark``), loaded once as an LALR(1) parser.

Assumes: the grammar file ships with the package (``package-data`` in pyproject.toml).
Guarantees: one cached :class:`lark.Lark` parser that records the positions of every rule
(``propagate_positions``), for :mod:`.parser` to parse with and :mod:`.mistakes` to name terminals.
A name (``NAME``) may hold combining marks after its first letter (a decomposed 'é', Devanagari
vowel signs), which the file's regular expression ``\\w`` alone does not match, and every name is
given in Unicode normalisation form NFC: ``é`` typed as one character or as ``e`` and an accent is
one name.  The token keeps its place in the text as written, so columns stay those of the file.
"""

from __future__ import annotations

import functools
import itertools
import unicodedata
from importlib import resources

from lark import Lark, Token

_MARKS = ("Mn", "Mc", "Me")


@functools.lru_cache(maxsize=1)
def combining_marks() -> str:
    """A regular-expression character class of every combining mark (categories Mn, Mc, Me)."""
    ranges: list[list[int]] = []
    for code in itertools.chain(range(0x20000), range(0xE0000, 0xE1000)):  # (no marks on planes 2 to 13)
        if unicodedata.category(chr(code)) in _MARKS:
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return "[" + "".join(f"\\U{a:08x}-\\U{b:08x}" if a != b else f"\\U{a:08x}" for a, b in ranges) + "]"


def _with_marks(terminal) -> None:
    if terminal.name == "NAME":
        # [^\W\d]\w* from the grammar file, combining marks allowed after the first letter
        terminal.pattern.value = r"[^\W\d](?:\w|" + combining_marks() + ")*"


def _nfc(token: Token) -> Token:
    if token.isascii():
        return token
    normal = unicodedata.normalize("NFC", token)
    return token if normal == token else token.update(value=normal)


@functools.lru_cache(maxsize=1)
def parser() -> Lark:
    grammar = resources.files("govspec").joinpath("grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=False,
                edit_terminals=_with_marks, lexer_callbacks={"NAME": _nfc})
