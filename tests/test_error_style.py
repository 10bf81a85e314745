"""Syntax errors in the house style (issue 13, point 8).

- What a syntax error says may come next is the words a user can type there, never a name internal
  to the grammar (``STAGE_KIND``, ``__ANON_0``, ``notice_kind``), and never a word the parser would
  refuse at that point: walked at every token of every bundled spec and library file, each word
  offered is typed there and must be taken.
- A misspelt keyword gets "did you mean" (``member`` -> ``members``), from the keywords the parser
  accepts at that point; so does an unknown name that misspells a keyword that could stand there.
- Forms from other languages get a note saying what to write instead.
"""

import re
from copy import copy
from pathlib import Path

import pytest
from lark import Token
from lark.exceptions import UnexpectedInput
from lark.lexer import LexerThread

from conftest import ROOT
from govspec.api import load_text
from govspec.diagnostics import SpecError
from govspec.syntax import grammar, parse
from govspec.syntax.expected import END, END_WORDS, OPEN_CLASSES, acceptable, expected_words, terminal_words

SOURCES = sorted([*ROOT.glob("specs/**/*.gov"), *ROOT.glob("govspec/library/*.gov")])
# A grammar-internal name: a terminal (all capitals, maybe with '_' and digits), an anonymous
# terminal, or a rule name (lower case with '_').
INTERNAL = re.compile(r"[A-Z][A-Z0-9_]{1,}|__ANON|\b[a-z]+_[a-z_]+\b")
SAMPLES = {description: sample for description, sample in OPEN_CLASSES.values()}


def _internal_names(words) -> list[str]:
    return [w for w in words if INTERNAL.search(w)]


def _typed(word: str) -> str:
    """The text a user would type for one offered word ('members', or a sample of 'a name')."""
    if word.startswith("'") and word.endswith("'"):
        return word[1:-1]
    assert word in SAMPLES, f"{word!r} describes a class of words with no sample: add it to OPEN_CLASSES"
    return SAMPLES[word]


def _takes(session, state, text: str) -> bool:
    """Whether the parser, in ``state``, takes ``text`` as its next token (lexed as in that state)."""
    quiet = copy(state.parse_conf)
    quiet.callbacks = {}
    trial_state = state.copy(deepcopy_values=False)
    trial_state.parse_conf = quiet
    trial = type(session)(session.parser, trial_state, LexerThread.from_text(session.lexer_thread.lexer, text))
    try:
        tokens = list(trial.iter_parse())
    except UnexpectedInput:
        return False
    return len(tokens) == 1 and str(tokens[0]) == text


def _ends(state) -> bool:
    quiet = copy(state.parse_conf)
    quiet.callbacks = {}
    trial = state.copy(deepcopy_values=False)
    trial.parse_conf = quiet
    try:
        trial.feed_token(Token(END, ""), is_end=True)
    except UnexpectedInput:
        return False
    return True


def _states(text: str):
    """The parser state before each token of ``text``, and at its end."""
    session = grammar.parser().parse_interactive(text)
    for _ in session.iter_parse():
        yield session, session.parser_state
    yield session, session.parser_state


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_offered_word_is_plain_and_taken(path: Path):
    """At every token of a bundled spec (where an error could stop the parser), every word the
    error would offer is a word to type, and typing it there lets the parser go on."""
    seen = set()
    checked = 0
    for session, state in _states(path.read_text(encoding="utf-8")):
        key = tuple(state.state_stack)
        if key in seen:  # (the same stack accepts the same words)
            continue
        seen.add(key)
        words = expected_words(acceptable(state))
        assert words, f"{path}: a state that accepts nothing"
        assert not _internal_names(words), f"{path}: internal names offered: {_internal_names(words)}"
        for word in words:
            if word == END_WORDS:
                assert _ends(state), f"{path}: 'end of file' offered where the file cannot end"
            else:
                assert _takes(session, state, _typed(word)), f"{path}: {word} offered but refused (after {words})"
            checked += 1
    assert checked > 20


def _sampled_positions(text: str, every: int):
    # (the tokens as the parser reads them, from its own lexer: Lark's lex() builds a lexer of its
    # own on every call, checking its patterns for collisions, 0.6 s a spec)
    tokens = list(grammar.parser().parse_interactive(text).iter_parse())
    return [tok.start_pos for tok in tokens[::every]]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_rendered_syntax_errors_name_no_grammar_internals(path: Path):
    """Through :func:`parse`: a spec cut short, or with a stray ')' put in, at sampled tokens; the
    error's message and notes name nothing internal to the grammar."""
    text = path.read_text(encoding="utf-8")
    errors = 0
    for pos in _sampled_positions(text, 4):
        for broken in (text[:pos], text[:pos] + " ) " + text[pos:]):
            try:
                parse(broken, "x.gov")
            except SpecError as err:
                diag = err.diagnostics[0]
                if not diag.code.startswith("GOV1"):
                    continue
                errors += 1
                shown = [diag.message, *diag.notes]
                assert not _internal_names(shown), shown
    assert errors > 5


def test_expected_list_spells_out_keyword_terminals():
    """A terminal that is one of several words ('all' | 'none') offers each word; an LALR look-ahead
    that a reduce would refuse is not offered (the old list, after 'yes' in a parenthesis, offered
    'body' and 'counted')."""
    assert terminal_words("NOTICE_KIND") == ("all", "none")
    assert set(terminal_words("STAGE_KIND")) == {"approved", "decided", "vetoed"}
    assert {">=", "<=", "==", "!=", ">", "<"} <= set(terminal_words("CMP"))
    with pytest.raises(SpecError) as err:
        parse('organization "A" {\n procedure p {\n notice sometimes 5 days\n }\n}\n')
    assert "expected 'all', 'may', 'none'" in err.value.diagnostics[0].notes  # ('may': notice may be waived in writing)
    with pytest.raises(SpecError) as err:
        parse('property p: always (fire -> yes = board.members)\n')
    expected = err.value.diagnostics[0].notes[0]
    assert "'>='" in expected and "'=='" in expected and "')'" in expected
    assert "'body'" not in expected and "'counted'" not in expected and "a comparison" not in expected


SPEC = """\
organization "Acme" {
  person ann
  person bob
  body board {
    members ann, bob
  }
  office ceo = ann
  procedure fire {
    decided by board at meeting
      passes when yes >= 2
    effect ceo = vacant
  }
}
"""


def _error(text: str):
    with pytest.raises(SpecError) as err:
        load_text(text, "x.gov")
    return err.value.diagnostics[0]


@pytest.mark.parametrize("old,new,meant", [
    ("members ann, bob", "member ann, bob", "members"),
    ("effect ceo = vacant", "effect ceo = vacnt", "vacant"),
    ("office ceo = ann", "office ceo = vacnt", "vacant"),
    ("procedure fire {", "procedur fire {", "procedure"),
    ("passes when yes >= 2", "quorom 2\n      passes when yes >= 2", "quorum"),
    ("passes when yes >= 2", "passes wen yes >= 2", "when"),
    ("decided by board at meeting", "decided by board at meting", "meeting"),
    ("passes when yes >= 2", "passes when yes >= 2/3 of membres", "members"),
    ("passes when yes >= 2", "passes when yes >= 2 AND present >= 2", "and"),
])
def test_did_you_mean_a_keyword(old, new, meant):
    diag = _error(SPEC.replace(old, new))
    assert diag.message.endswith(f"(did you mean '{meant}'?)"), diag.message


def test_did_you_mean_a_property_form():
    diag = _error(SPEC + "property p: alway ceo is vacant\n")
    assert (diag.code, diag.message) == ("GOV111", "unknown property form 'alway' (did you mean 'always'?)")


def test_no_did_you_mean_for_a_word_far_from_every_keyword():
    diag = _error(SPEC.replace("members ann, bob", "directors ann, bob"))
    assert diag.message == "unexpected 'directors'"


@pytest.mark.parametrize("line,note", [
    ("always yes => 2", "for 'at least' write '>=', for 'at most' write '<=' (not '=>')"),
    ("always ceo = ann", "to compare, write '=='"),
    ("always yes <> 2", "for 'differs from', write '!='"),
    ("always yes >= 2/3 members", "a fraction takes 'of' before what it is a fraction of: '2/3 of members'"),
    ("always yes > half cast", "a fraction takes 'of' before what it is a fraction of: 'half of cast'"),
    ("always majority cast", "write 'majority of' and what it is a majority of: 'majority of cast' "
                             "(more than half of the votes cast)"),
    ("always fire -> simple majority of cast", "'majority of X' is a whole condition (more than half of X); "
                                               "for another share, compare: 'yes >= 2/3 of cast'"),
    ("always if fire then yes >= 2", "for 'if A then B' in a condition, write 'A -> B'"),
    ("always fire then yes >= 2", "for 'if A then B' in a condition, write 'A -> B'"),
    ("always count(board) >= 2", "write 'size(...)' for the number of people in a set"),
    ("always sum(board) >= 2", "write 'weight(...)' for the total weight of a set"),
    ("always members of board >= 2", "for a body's members, write 'BODY.members'; 'members' alone is the "
                                     "deciding body's"),
    ("always yes >= 2 && fire", "write 'and' for 'both'"),
    ("always fire || ceo is vacant", "write 'or' for 'either'"),
    ("always !fire", "write 'not' to negate, or '!=' for 'differs from'"),
    ("always ceo in [ann, bob]", "a set of people is written in braces: {ann, bob}"),
    ("always fire // no comment", "a comment starts with '#' and runs to the end of the line"),
    ("always yes >= 2 / 3 of cast", "write a fraction without spaces: '2/3'; a comment starts with '#'"),
    ("always size(board) % 2 == 0", "a percentage is a number followed by '%' with no space ('50%'), "
                                    "and takes 'of': '50% of cast'"),
    ("always ceo == vacant", "to test an office, write 'OFFICE is vacant' or 'OFFICE is not vacant'"),
    ("always fire -> yes > 1/2 of votes", "the votes cast are 'cast' (yes and no; abstentions are not cast); "
                                          "the yes votes are 'yes'"),
    ("always fire -> unanimous", "for a unanimous vote, write 'yes == members' (every member in office voted yes)"),
    ("sometimes fire", "for 'some behaviour reaches X', write 'possible X'"),
])
def test_what_to_write_instead(line, note):
    diag = _error(SPEC + f"property p: {line}\n")
    assert note in diag.notes, (diag.message, diag.notes)


@pytest.mark.parametrize("old,new,note", [
    ("office ceo = ann", "office ceo == ann", "to declare or assign, write '=' ('==' compares)"),
    ("effect ceo = vacant", "effect ceo == vacant", "to declare or assign, write '=' ('==' compares)"),
    ("passes when yes >= 2", "notice 5 days\n      passes when yes >= 2",
     "say who is told: 'notice all 5 days' (every member, 5 days ahead) or 'notice none'"),
    ("passes when yes >= 2", "timelock 2 weeks\n      passes when yes >= 2", "write the time in '14 days'"),
    ("passes when yes >= 2", "timelock 1 month\n      passes when yes >= 2", "write the time in days"),
    ("decided by board at meeting", "decided by board at a meeting", "GovSpec writes no articles: leave out 'a'"),
    ("decided by board at meeting", "decided by the board at meeting", "GovSpec writes no articles: leave out 'the'"),
])
def test_what_to_write_instead_in_declarations(old, new, note):
    diag = _error(SPEC.replace(old, new))
    assert note in diag.notes, (diag.message, diag.notes)


def test_keyword_suggestions_for_names_parse_a_bounded_amount(monkeypatch):
    """An unknown name is compared with the keywords that could stand there by parsing the text up
    to it; past a budget of characters parsed (a large file full of unknown names) it is not."""
    text = SPEC.replace("passes when yes >= 2", "passes when yes >= 2/3 of membres")
    assert _error(text).message == "unknown name 'membres' (did you mean 'members'?)"
    monkeypatch.setattr("govspec.check.context._KEYWORD_LOOKUP_CHARS", 100)
    assert _error(text).message == "unknown name 'membres'"


def test_no_article_note_for_a_person_named_a():
    diag = _error(SPEC.replace("person bob", "person a").replace("members ann, bob", "members ann a bob"))
    assert diag.message == "unexpected 'a'" and not any("article" in note for note in diag.notes), diag.notes


def test_property_forms_the_note_does_not_name_are_added_from_the_grammar(monkeypatch):
    """A property form added to the grammar after the hand-written note appears in it by itself."""
    monkeypatch.setattr("govspec.syntax.mistakes._PROPERTY_NOTE_WORDS",
                        {"always", "never", "no", "every", "coalition", "each", "tagged"})
    diag = _error(SPEC + "property p: sometimes fire\n")
    assert diag.notes[0].endswith("(X a person, a principal or 'tagged T'), possible ..."), diag.notes


@pytest.mark.parametrize("before", ["株式会社", "ＡＢＣ", "e\u0301e\u0301", "plain"])
def test_the_caret_stands_under_the_cause_after_wide_or_combining_characters(before):
    """A terminal shows CJK and fullwidth characters two cells wide and a combining mark in none:
    the caret is placed by cells, not characters (it stood left of the cause after CJK text)."""
    import unicodedata

    from govspec.diagnostics import render

    text = f'organization "{before}" {{ person a body b {{ members a, zz }} }}\n'
    try:
        load_text(text, "wide.gov")
    except SpecError as err:
        source_line, caret_line = render(err.diagnostics[0], text).splitlines()[1:3]
    cells = lambda s: sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1  # noqa: E731
                          for c in s)
    assert cells(source_line[:source_line.index("zz")]) == caret_line.index("^^")
