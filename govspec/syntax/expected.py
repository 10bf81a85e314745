"""What may come next at a syntax error, in the words a user types, and the keyword a word misspells.

Assumes: a Lark LALR parser state (``UnexpectedToken.state``) from :func:`.grammar.parser`.
Guarantees: :func:`acceptable` is the set of terminals the parser really shifts in that state (an
LALR table also lists look-aheads merged from other states, which a reduce then refuses: those are
left out); :func:`expected_words` spells each as the text a user can type there (``'members'``,
``'>='``; every alternative of a terminal such as ``"decided" | "approved" | "vetoed"``) or, for open
classes (names, numbers, strings), a description ("a name").  Nothing here is a hand-kept list of
keywords: a keyword added to ``grammar.lark`` appears by itself.  Grammar-internal names
(``STAGE_KIND``, ``__ANON_0``, rule names) are never shown.  :func:`did_you_mean` finds the keyword
acceptable at that point that a word most likely misspells, and :func:`keywords_at` the keywords
that could stand where a name is written (for the checks' "did you mean" on unknown names).
"""

from __future__ import annotations

import difflib
import functools
import re._constants as sre_constants
import re._parser as sre_parse
from copy import copy

from lark import Token
from lark.exceptions import UnexpectedInput

from . import grammar

# The open classes of words: what to call them, and one example (used by the tests to check that
# each offered word is accepted).  A terminal not listed that matches infinitely many texts is
# described by its name in plain lower case ("a duration" for DURATION).
OPEN_CLASSES = {
    "NAME": ("a name", "x"),
    "INT": ("a whole number", "1"),
    "DECIMAL": ("a number", "0.5"),
    "FRACTION": ("a fraction", "1/2"),
    "PERCENT": ("a percentage", "50%"),
    "STRING": ('a quoted string', '"text"'),
}
END = "$END"
END_WORDS = "end of file"
_MAX_ALTERNATIVES = 20  # a terminal matching more texts than this is described, not spelt out


def _finite(parsed) -> list[str] | None:
    """Every text a parsed regular expression matches, or None if they are many or infinite."""
    texts = [""]
    for op, arg in parsed:
        if op is sre_constants.LITERAL:
            options = [chr(arg)]
        elif op is sre_constants.SUBPATTERN:
            options = _finite(arg[-1])
        elif op is sre_constants.BRANCH:
            options = []
            for branch in arg[1]:
                more = _finite(branch)
                if more is None:
                    return None
                options += more
        else:
            return None
        if options is None:
            return None
        texts = [t + o for t in texts for o in options]
        if len(texts) > _MAX_ALTERNATIVES:
            return None
    return texts


@functools.lru_cache(maxsize=None)
def terminal_words(name: str) -> tuple[str, ...]:
    """The texts a user can type for one terminal: its string, or every alternative of a small
    regular expression; else a one-item tuple holding a description of the class ("a name")."""
    if name == END:
        return (END_WORDS,)
    if name in OPEN_CLASSES:
        return (OPEN_CLASSES[name][0],)
    try:
        pattern = grammar.parser().get_terminal(name).pattern
    except KeyError:
        return (f"a {name.strip('_').lower().replace('_', ' ')}",)
    if pattern.type == "str":
        return (pattern.value,)
    texts = _finite(sre_parse.parse(pattern.value))
    if texts:
        return tuple(sorted(set(texts)))
    return (f"a {name.strip('_').lower().replace('_', ' ')}",)


def is_description(word: str) -> bool:
    """True for a description of a class of words ("a name"), false for a text to type."""
    return " " in word  # (no keyword or symbol holds a space)


def acceptable(state) -> set[str]:
    """The terminals a parser state shifts (after whatever reductions they cause), end of file
    included as ``$END``.  Each is tried on a copy of the state without callbacks."""
    quiet = copy(state.parse_conf)
    quiet.callbacks = {}
    found = set()
    for terminal in state.parse_conf.parse_table.states[state.position]:
        if not terminal.isupper():  # (a rule's entry in the table: where to go after reducing it)
            continue
        trial = state.copy(deepcopy_values=False)
        trial.parse_conf = quiet
        try:
            trial.feed_token(Token(terminal, ""), is_end=terminal == END)
        except UnexpectedInput:
            continue
        found.add(terminal)
    return found


def expected_terminals(err: UnexpectedInput) -> set[str]:
    """The terminals that could have come where ``err`` stopped the parser."""
    state = getattr(err, "state", None)
    if state is not None and hasattr(state, "parse_conf"):
        return acceptable(state)
    return set(getattr(err, "expected", ()) or ())


def expected_words(terminals) -> list[str]:
    """The words for a set of terminals: descriptions ("a name"), then keywords, then symbols, each
    sorted and quoted, and "end of file" last."""
    words = {word for terminal in terminals for word in terminal_words(terminal)}
    descriptions = sorted(w for w in words if is_description(w) and w != END_WORDS)
    keywords_ = sorted(f"'{w}'" for w in words if not is_description(w) and w[0].isalpha())
    symbols = sorted(f"'{w}'" for w in words if not is_description(w) and not w[0].isalpha())
    return descriptions + keywords_ + symbols + ([END_WORDS] if END_WORDS in words else [])


def keywords(terminals) -> set[str]:
    """The words of letters among what the terminals accept: the keywords that could come here."""
    return {word for terminal in terminals for word in terminal_words(terminal)
            if not is_description(word) and word.isalpha()}


def misspelt_keyword(word: str, candidates) -> str | None:
    """The keyword among ``candidates`` (those acceptable here, :func:`keywords`) that ``word`` most
    likely misspells (``member`` -> ``members``; ``AND`` -> ``and``)."""
    if not word.isalpha() or len(word) < 2:
        return None
    close = difflib.get_close_matches(word.lower(), sorted(set(candidates) - {word}), n=1, cutoff=0.75)
    return close[0] if close else None


def keywords_at(text: str, offset: int) -> set[str]:
    """The keywords the grammar accepts at ``offset`` in ``text`` (which must parse up to there):
    where ``ceo = vacnt`` names an unknown person, ``vacant`` could have come instead."""
    session = grammar.parser().parse_interactive(text[:offset])
    try:
        for _ in session.iter_parse():
            pass
    except UnexpectedInput:
        return set()
    return keywords(acceptable(session.parser_state))
