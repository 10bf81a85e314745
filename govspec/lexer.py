"""A Pygments lexer for GovSpec, so that ```govspec blocks are highlighted by any Pygments user
(the documentation site built with MkDocs, Sphinx, a Markdown renderer, ``pygmentize -l govspec``).

The package registers it under the ``pygments.lexers`` entry point (pyproject.toml): name
``govspec``, aliases ``govspec`` and ``gov``, files ``*.gov``.  Only this module imports Pygments;
nothing on the tool's own path imports this module.

The keywords are read from the grammar (every quoted word in ``grammar.lark``), so a keyword added
to the language is highlighted without a change here.  The lexer is a highlighter, not a parser: it
takes any text, and marks as an error only a character that neither a GovSpec token nor the
notation of the language reference's sketches (``[optional]``, ``a | b``) starts with.
"""

from __future__ import annotations

import re
from importlib import resources

from pygments.lexer import RegexLexer, words
from pygments.token import Comment, Error, Keyword, Name, Number, Operator, Punctuation, String, Whitespace

__all__ = ["GovSpecLexer", "KEYWORDS"]

_GRAMMAR = resources.files(__package__).joinpath("grammar.lark").read_text(encoding="utf-8")
# the grammar's literal words: "members", "quorum", ... (its terminals' regular expressions aside)
KEYWORDS: tuple[str, ...] = tuple(sorted(set(re.findall(r'"([a-z][a-z_]*)"', _GRAMMAR))))
_CONSTANTS = ("true", "false")
_WORD_OPERATORS = ("and", "or", "not")


class GovSpecLexer(RegexLexer):
    """GovSpec specifications (``.gov``): declarations, procedures, properties."""

    name = "GovSpec"
    aliases = ["govspec", "gov"]
    filenames = ["*.gov"]
    mimetypes = ["text/x-govspec"]
    url = "https://github.com/govspec/govspec"

    tokens = {
        "root": [
            (r"\s+", Whitespace),
            (r"#[^\n]*", Comment.Single),
            (r'"[^"\n]*"', String.Double),  # a citation ("Bylaws art. 3") or an organisation's name
            # the number forms of the grammar: a fraction 2/3, a percentage 12% or 12.5%, a decimal, a whole number
            (r"[0-9]+/[0-9]+", Number),
            (r"[0-9]+(\.[0-9]+)?%", Number),
            (r"[0-9]+\.[0-9]+", Number.Float),
            (r"[0-9]+", Number.Integer),
            (words(_CONSTANTS, suffix=r"\b"), Keyword.Constant),
            (words(_WORD_OPERATORS, suffix=r"\b"), Operator.Word),
            (words(tuple(k for k in KEYWORDS if k not in _CONSTANTS + _WORD_OPERATORS), suffix=r"\b"), Keyword),
            (r"[^\W\d]\w*", Name),
            (r"->|>=|<=|==|!=|[<>=+\-*]", Operator),
            (r"[{}(),.:]", Punctuation),
            # the language reference's sketches: [optional parts], alternatives split by |, ... elided
            (r"[\[\]|;]", Punctuation),
            (r".", Error),
        ],
    }
