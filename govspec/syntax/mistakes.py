"""The table of known mistakes: Lark's errors as GOV1xx diagnostics.

Assumes: an error Lark raised while parsing ``text`` (the whole source, for finding brackets).
Guarantees: one located :class:`Diagnostic`: GOV101 an unexpected character (with a hint for
characters from other languages), GOV102 an unexpected end of file (pointing at the bracket most
likely left open), GOV111 an unknown property form, GOV100 any other unexpected token, with what
could come next and notes for common mistakes.
"""

from __future__ import annotations

import re

from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from ..diagnostics import Diagnostic, Span
from . import grammar
from .tokens import token_span


_FRIENDLY = {
    "LBRACE": "'{'", "RBRACE": "'}'", "LPAR": "'('", "RPAR": "')'", "COLON": "':'", "COMMA": "','",
    "EQUAL": "'='", "NAME": "a name", "INT": "a whole number", "STRING": "a quoted string",
    "CMP": "a comparison", "STEP_SET": "a vote quantity", "FRACTION": "a fraction", "PERCENT": "a percentage",
    "DECIMAL": "a number", "MORETHAN": "'>'", "DOT": "'.'", "MINUS": "'-'", "PLUS": "'+'", "STAR": "'*'",
    "$END": "end of file",
}


def _expected_words(expected) -> list[str]:
    words = set()
    p = grammar.parser()
    for term in expected:
        if term in _FRIENDLY:
            words.add(_FRIENDLY[term])
            continue
        try:
            pattern = p.get_terminal(term).pattern
        except KeyError:
            words.add(term.lower())
            continue
        if pattern.type == "str":
            words.add(f"'{pattern.value}'")
        else:
            words.add(term.lower())
    return sorted(words)


_PROPERTY_FORMS = {"ALWAYS", "NEVER", "NO", "EVERY", "COALITION"}

# Characters people type from other languages, with what GovSpec spells instead.
_CHARACTER_HINTS = {
    "&": "write 'and' for 'both'",
    "|": "write 'or' for 'either'",
    "!": "write 'not' to negate, or '!=' for 'differs from'",
    "'": "quoted strings use double quotes: \"...\"",
    "%": "write a percentage without a space: '50%'",
    ";": "declarations and clauses need no separator; start each on its own line",
}


def _unclosed_bracket(text: str, guess: bool = True) -> tuple[str, int, int, int | None] | None:
    """The '{' or '(' a file most likely fails to close, as (char, line, column, closer_line).

    Brackets are matched outside strings and comments.  The innermost unclosed one is the
    answer unless a '}' that starts its line closes a '{' opened on a line with a different
    indentation: then that '{' is the likely culprit (its '}' was forgotten and the '}' meant
    for an enclosing block closed it), and ``closer_line`` is the line of that '}'.  With
    ``guess=False`` the innermost unclosed bracket is always the answer.
    """
    stack: list[tuple[str, int, int, int]] = []
    suspect = None
    line, column, indent, at_line_start = 1, 0, 0, True
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        i += 1
        column += 1
        if ch == "\n":
            line, column, indent, at_line_start = line + 1, 0, 0, True
            continue
        if ch in " \t\f" and at_line_start:
            indent += 1
            continue
        first_on_line, at_line_start = at_line_start, False
        if ch == "#" or ch == '"':  # skip a comment, or a string (which ends at '"' or the line's end)
            stop = text.find("\n", i)
            stop = n if stop < 0 else stop
            if ch == '"':
                close = text.find('"', i, stop)
                stop = stop if close < 0 else close + 1
            column += stop - i
            i = stop
        elif ch in "({":
            stack.append((ch, line, column, indent))
        elif ch in ")}" and stack and stack[-1][0] == "({"[")}".index(ch)]:
            opener = stack.pop()
            if ch == "}" and first_on_line and suspect is None and indent != opener[3]:
                suspect = (opener[0], opener[1], opener[2], line)
    if not stack:
        return None
    if suspect is not None and guess:
        return suspect
    char, bline, bcol, _ = stack[-1]
    return char, bline, bcol, None


def _eof_error(err: UnexpectedInput, path: str, text: str) -> Diagnostic:
    expected = f"expected {', '.join(_expected_words(getattr(err, 'expected', ()) or ()))}"
    bracket = _unclosed_bracket(text)
    if bracket is not None:
        char, line, column, closer_line = bracket
        closer = "}" if char == "{" else ")"
        if closer_line is None:
            return Diagnostic("GOV102", f"unexpected end of file: this '{char}' is never closed",
                              Span.point(path, line, column), notes=(f"add a '{closer}' to close it",))
        return Diagnostic(
            "GOV102", f"unexpected end of file: a '{char}' is not closed, probably this one",
            Span.point(path, line, column),
            notes=(f"the '{closer}' on line {closer_line} closes it, but is indented like an enclosing block",),
        )
    # Point just after the last token (Lark's end-of-input token borrows its position).
    token = getattr(err, "token", None)
    if token is not None and getattr(token, "end_line", None):
        line, column = token.end_line, token.end_column
    else:
        stripped = text.rstrip()
        line = stripped.count("\n") + 1
        column = len(stripped) - (stripped.rfind("\n") + 1) + 1
    return Diagnostic("GOV102", "unexpected end of file", Span.point(path, line, column), notes=(expected,))


def syntax_error(err: UnexpectedInput, path: str, text: str) -> Diagnostic:
    if isinstance(err, UnexpectedCharacters):
        char = text[err.pos_in_stream] if err.pos_in_stream < len(text) else "?"
        where = Span.point(path, err.line, err.column)
        if char == '"':
            return Diagnostic("GOV101", "unterminated string", where,
                              notes=("a quoted string must end with '\"' on the same line",))
        hint = _CHARACTER_HINTS.get(char)
        return Diagnostic("GOV101", f"unexpected character {char!r}", where, notes=(hint,) if hint else ())
    if isinstance(err, UnexpectedEOF) or (isinstance(err, UnexpectedToken) and err.token.type == "$END"):
        return _eof_error(err, path, text)
    assert isinstance(err, UnexpectedToken)
    tok = err.token
    span = token_span(path, tok)
    expected = set(err.expected)
    if expected & _PROPERTY_FORMS and "ALWAYS" in expected:
        return Diagnostic(
            "GOV111", f"unknown property form {str(tok)!r}", span,
            notes=("a property is one of: always ..., never ..., no coalition ..., every coalition ..., "
                   "coalition {...} can force|block ...",),
        )
    words = _expected_words(expected)
    shown = ", ".join(words[:8]) + (", ..." if len(words) > 8 else "")
    notes = [f"expected {shown}"]
    if "RPAR" in expected and tok.type != "RPAR":
        bracket = _unclosed_bracket(text[: tok.start_pos], guess=False)
        if bracket is not None and bracket[0] == "(" and bracket[1] < tok.line:  # the line ended inside it
            notes.append(f"the '(' on line {bracket[1]}, column {bracket[2]} is not closed")
    if "CAN" in expected and "TAGGED" in expected and str(tok) != "tagged":  # (issue 13: 'each of S can ...')
        notes.append("after 'each of', a set other than a name, a body's members, a tag or a list goes in "
                     "brackets: 'each of (board.members except {ann}) can ...'")
    if str(tok) == "=" and "CMP" in expected:
        notes.append("to compare, write '=='")
    elif str(tok) == "of" and re.search(r"\d(\.\d+)?\s*$", text[: tok.start_pos]):
        notes.append("'... of' takes a fraction or a percentage, e.g. '2/3 of members' or '50% of present'")
    return Diagnostic("GOV100", f"unexpected {str(tok)!r}", span, notes=tuple(notes))
