"""The Pygments lexer for GovSpec (govspec/lexer.py): registered under the ``pygments.lexers`` entry
point, it highlights every spec and every ```govspec block of the docs without an error token, the
grammar's keywords as keywords, and never loads on the tool's own path."""

import re
import subprocess
import sys

import pytest
from pygments.lexers import find_lexer_class_for_filename, get_lexer_by_name
from pygments.token import Comment, Error, Keyword, Name, Number, Operator, String

from conftest import ROOT
from govspec.lexer import KEYWORDS, GovSpecLexer
from govspec.syntax.grammar import parser

SPECS = sorted([*ROOT.glob("specs/**/*.gov"), *(ROOT / "govspec" / "library").glob("*.gov"),
                *(ROOT / "docs" / "examples").glob("*.gov")])
BLOCK = re.compile(r"^```govspec\n(.*?)^```", re.S | re.M)


def govspec_blocks(docs):
    for doc in docs:
        text = doc.read_text(encoding="utf-8")
        for match in BLOCK.finditer(text):
            yield pytest.param(match[1], id=f"{doc.relative_to(ROOT)}:{text[:match.start()].count(chr(10)) + 1}")


# docs/errors.md shows wrong input on purpose (`&&`, a character no GovSpec token starts with, is an error there too)
DOCS = [d for d in sorted([*(ROOT / "docs").glob("*.md"), ROOT / "README.md", *ROOT.glob("specs/**/*.md")])
        if d.name != "errors.md"]


def tokens(text: str) -> list[tuple]:
    return list(GovSpecLexer().get_tokens(text))


def test_registered_under_the_pygments_entry_point():
    assert type(get_lexer_by_name("govspec")) is GovSpecLexer
    assert type(get_lexer_by_name("gov")) is GovSpecLexer
    assert find_lexer_class_for_filename("board.gov") is GovSpecLexer


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_spec_lexes_without_an_error_token(spec):
    text = spec.read_text(encoding="utf-8")
    found = tokens(text)
    assert [v for t, v in found if t is Error] == []
    assert "".join(v for _, v in found) == text + ("" if text.endswith("\n") else "\n")  # nothing lost


@pytest.mark.parametrize("block", list(govspec_blocks(DOCS)))
def test_every_govspec_block_of_the_docs_lexes_without_an_error_token(block):
    assert [v for t, v in tokens(block) if t is Error] == []


def test_the_blocks_are_found():
    assert len(list(govspec_blocks(DOCS))) >= 50


def test_the_grammar_keywords_are_keywords():
    """Every keyword the parser knows is among the lexer's (read from the grammar's quoted words,
    so a keyword added to the language is highlighted by itself), and each lexes as a keyword."""
    literal = {t.pattern.value for t in parser().terminals
               if t.pattern.type == "str" and re.fullmatch(r"[a-z_]+", t.pattern.value)}
    assert len(literal) > 50
    assert literal <= set(KEYWORDS)
    assert {"days", "hours", "decided", "vetoed", "vote"} <= set(KEYWORDS)  # words of terminals like DAYS: "days" | "day"
    for word in KEYWORDS:
        [(kind, value), _] = tokens(word)
        assert value == word and (kind in Keyword or kind is Operator.Word), (word, kind)


def test_names_numbers_citations_and_comments():
    found = [(t, v) for t, v in tokens('quorum 2/3 of members  # the bylaws\n'
                                       'passes when yes >= 12% of cast or yes > 12.5% of cast "art. 3"\n'
                                       'seats 7 board.size 0.5 quorumx')
             if not v.isspace()]
    assert (Keyword, "quorum") in found and (Keyword, "members") in found
    assert (Number, "2/3") in found and (Number, "12%") in found and (Number, "12.5%") in found
    assert (Number.Integer, "7") in found and (Number.Float, "0.5") in found
    assert (Comment.Single, "# the bylaws") in found
    assert (String.Double, '"art. 3"') in found
    assert (Operator, ">=") in found and (Operator.Word, "or") in found
    assert (Name, "board") in found and (Name, "quorumx") in found  # a keyword inside a name is a name


def test_a_character_of_no_token_is_an_error():
    assert (Error, "&") in tokens("a && b")


def test_the_tool_never_loads_the_lexer_or_pygments():
    """Pygments stays off the tool's path (import-linter forbids the import statically, in
    tests/test_architecture.py; this is the run)."""
    code = ("import io, sys\n"
            "from govspec.cli import main\n"
            "main(['check', 'specs/openai/board_2023.gov'], io.StringIO(), io.StringIO())\n"
            "print(sorted(m for m in sys.modules if m == 'govspec.lexer' or m.split('.')[0] == 'pygments'))\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.stdout == "[]\n", run.stderr
