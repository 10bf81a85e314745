"""The table of known mistakes: Lark's errors as GOV1xx diagnostics.

Assumes: an error Lark raised while parsing ``text`` (the whole source, for finding brackets).
Guarantees: one located :class:`Diagnostic`: GOV101 an unexpected character (with a hint for
characters from other languages), GOV102 an unexpected end of file (pointing at the bracket most
likely left open), GOV111 an unknown property form, GOV100 any other unexpected token, with what
could come next (in words a user types, read from the parser's state by :mod:`.expected`), "did you
mean" when the word is close to a keyword that could come there, and notes saying what to write
instead for forms from other languages (``=>``, ``&&``, ``if A then B``, ``2/3 members``...).
"""

from __future__ import annotations

import re

from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from ..diagnostics import Diagnostic, Span
from .expected import expected_terminals, expected_words, keywords, keywords_at, misspelt_keyword, terminal_words
from .tokens import token_span


def _shown(words: list[str], limit: int = 40) -> str:
    """A list of expected words, cut to its first ``limit`` items when longer."""
    return ", ".join(words) if len(words) <= limit else ", ".join(words[:limit - 4]) + ", ..."


_PROPERTY_FORMS = {"ALWAYS", "NEVER", "NO", "EVERY", "COALITION"}
_PROPERTY_NOTE = ("a property is one of: always ..., never ..., possible ..., no coalition ..., every coalition ..., "
                  "coalition {...} can force|block ..., each of ... can force|block ..., "
                  "X is [not] a dummy|veto player for P, banzhaf|shapley power of X over P <= ... "
                  "(X a person, a principal or 'tagged T')")
_PROPERTY_NOTE_WORDS = {"always", "never", "possible", "no", "every", "coalition", "each", "tagged"}
_POSSIBILITY_WORDS = {"sometimes", "eventually", "exists", "some", "reachable", "can", "may", "maybe"}

# Characters people type from other languages, with what GovSpec spells instead.
_CHARACTER_HINTS = {
    "&": "write 'and' for 'both'",
    "|": "write 'or' for 'either'",
    "!": "write 'not' to negate, or '!=' for 'differs from'",
    "'": "quoted strings use double quotes: \"...\"",
    "%": "write a percentage without a space: '50%'",
    ";": "declarations and clauses need no separator; start each on its own line",
    "[": "a set of people is written in braces: {ann, bob}",
    "]": "a set of people is written in braces: {ann, bob}",
    "/": "write a fraction without spaces: '2/3'; a comment starts with '#'",
}


def _character_hint(text: str, pos: int) -> str | None:
    char = text[pos] if pos < len(text) else ""
    if char == "/" and text.startswith("//", pos) or char == "/" and text.startswith("/*", pos):
        return "a comment starts with '#' and runs to the end of the line"
    if char == "%" and not re.search(r"\d\s+$", text[:pos]):
        return "a percentage is a number followed by '%' with no space ('50%'), and takes 'of': '50% of cast'"
    if char.isdigit() and not char.isascii():  # (Bengali ৪, fullwidth ３, Arabic-Indic ٣: no number)
        return f"a number is written with the digits 0 to 9; {char!r} is another script's digit"
    return _CHARACTER_HINTS.get(char)


# Words other languages use for counting and summing, with GovSpec's spelling.
_COUNTING = {"count": "size", "len": "size", "length": "size", "number": "size", "card": "size",
             "cardinality": "size", "sum": "weight", "total": "weight", "votes": "weight"}
_TIME_UNITS = {"week": 7, "weeks": 7, "month": 0, "months": 0, "year": 0, "years": 0}  # (0: not a fixed number of days)
_ARTICLES = {"a", "an", "the"}
_LAST_WORD = re.compile(r"([\w/.%]+|[^\w\s]+)\s*$")  # the last word, number or run of symbols
_IF_THEN = "for 'if A then B' in a condition, write 'A -> B'"


def _instead(word: str, before: str, after: str, accepted: set[str]) -> list[str]:
    """Notes saying what to write instead, when the text reaches for a form GovSpec spells
    otherwise: the table of known mistakes, keyed on the unexpected token, the word before it and
    the words that could have come (``words``, the texts a user could type there)."""
    words = {w for terminal in accepted for w in terminal_words(terminal)}
    last = _LAST_WORD.search(before)
    previous = last.group(1) if last else ""
    if after.startswith(("=>", "=<")) and ">=" in words:
        return [f"for 'at least' write '>=', for 'at most' write '<=' (not '{after[:2]}')"]
    if word == "=" and "==" in words:
        return ["to compare, write '=='"]
    if word == "==" and "=" in words or word == "=" and previous == "=":
        return ["to declare or assign, write '=' ('==' compares)"]
    if word == ">" and previous.endswith("<"):
        return ["for 'differs from', write '!='"]
    if word == "of" and re.search(r"\d(\.\d+)?\s*$", before):
        return ["'... of' takes a fraction or a percentage, e.g. '2/3 of members' or '50% of present'"]
    if word == "of" and previous in ("members", "seats"):
        return [f"for a body's {previous}, write 'BODY.{previous}'; '{previous}' alone is the deciding body's"]
    if word != "of" and "of" in words and (re.fullmatch(r"\d+/\d+|\d+(\.\d+)?%", previous) or previous == "half"):
        return [f"a fraction takes 'of' before what it is a fraction of: '{previous} of {word}'"]
    if word != "of" and previous == "majority" and "of" in words:
        return ["write 'majority of' and what it is a majority of: "
                "'majority of cast' (more than half of the votes cast)"]
    if word == "majority":
        return ["'majority of X' is a whole condition (more than half of X); for another share, "
                "compare: 'yes >= 2/3 of cast'"]
    if previous == "notice" and re.fullmatch(r"\d+", word) and "all" in words:
        return [f"say who is told: 'notice all {word} days' (every member, {word} days ahead) or 'notice none'"]
    if word in _TIME_UNITS and "days" in words and re.fullmatch(r"\d+", previous):
        days = f"'{int(previous) * _TIME_UNITS[word]} days'" if _TIME_UNITS[word] else "days"
        return [f"write the time in {days}"]
    article = word if word in _ARTICLES else previous if previous in _ARTICLES and word.isalpha() else None
    declared = rf"\b(person|group|body|office|parameter|procedure|event)\s+{article}\b"
    if article and not re.search(declared, before + after):
        return [f"GovSpec writes no articles: leave out '{article}'"]
    if "->" in words and (word == "then" or previous == "if"):
        return [_IF_THEN]
    if word == "(" and previous in _COUNTING:
        what = "number of people in" if _COUNTING[previous] == "size" else "total weight of"
        return [f"write '{_COUNTING[previous]}(...)' for the {what} a set"]
    return []


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
    expected = f"expected {_shown(expected_words(expected_terminals(err)))}"
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


def _unknown_form(word: str, span: Span, forms: set[str]) -> Diagnostic:
    """GOV111: ``word`` where a property's form begins (``forms``: the keywords that may begin one)."""
    close = misspelt_keyword(word, forms) if word.isalpha() else None
    meant = f" (did you mean '{close}'?)" if close else ""
    others = sorted(forms - _PROPERTY_NOTE_WORDS)  # (forms added to the grammar since the note)
    notes = [_PROPERTY_NOTE + "".join(f", {other} ..." for other in others)]
    if not close and word in _POSSIBILITY_WORDS:
        notes.append("for 'some behaviour reaches X', write 'possible X'")
    return Diagnostic("GOV111", f"unknown property form {word!r}{meant}", span, notes=tuple(notes))


def syntax_error(err: UnexpectedInput, path: str, text: str) -> Diagnostic:
    if isinstance(err, UnexpectedCharacters):
        char = text[err.pos_in_stream] if err.pos_in_stream < len(text) else "?"
        where = Span.point(path, err.line, err.column)
        if char == '"':
            return Diagnostic("GOV101", "unterminated string", where,
                              notes=("a quoted string must end with '\"' on the same line",))
        hint = _character_hint(text, err.pos_in_stream)
        return Diagnostic("GOV101", f"unexpected character {char!r}", where, notes=(hint,) if hint else ())
    if isinstance(err, UnexpectedEOF) or (isinstance(err, UnexpectedToken) and err.token.type == "$END"):
        return _eof_error(err, path, text)
    if not isinstance(err, UnexpectedToken):
        raise TypeError(f"expected an UnexpectedToken, not {type(err).__name__}")
    tok = err.token
    span = token_span(path, tok)
    accepted = expected_terminals(err)
    close = misspelt_keyword(str(tok), keywords(accepted)) if str(tok).isalpha() else None
    meant = f" (did you mean '{close}'?)" if close else ""
    if accepted == {"IS", "POWER"} and str(tok)[:1].isalpha():
        # a property's first word was read as a person's name (a power property), and a word follows:
        # the first word is more likely an unknown property form ("sometimes ceo is vacant")
        word = re.search(r"(\w+)\s*$", text[: tok.start_pos])
        if word is not None:
            line = text.count("\n", 0, word.start(1)) + 1
            column = word.start(1) - (text.rfind("\n", 0, word.start(1)) + 1) + 1
            span = Span(path, line, column, line, column + len(word.group(1)))
            return _unknown_form(word.group(1), span, keywords_at(text, word.start(1)))
    if accepted & _PROPERTY_FORMS and "ALWAYS" in accepted:
        return _unknown_form(str(tok), span, keywords(accepted))
    notes = [f"expected {_shown(expected_words(accepted))}"]
    after = text[tok.end_pos:tok.end_pos + 1] if tok.end_pos is not None else ""
    if after.isdigit() and not after.isascii():  # ('12.٥%': the '.' is unexpected, the digit after it the cause)
        notes.insert(0, _character_hint(text, tok.end_pos))
    if "RPAR" in accepted and tok.type != "RPAR":
        bracket = _unclosed_bracket(text[: tok.start_pos], guess=False)
        if bracket is not None and bracket[0] == "(" and bracket[1] < tok.line:  # the line ended inside it
            notes.append(f"the '(' on line {bracket[1]}, column {bracket[2]} is not closed")
    if "CAN" in accepted and "TAGGED" in accepted and str(tok) != "tagged":  # (issue 13: 'each of S can ...')
        notes.append("after 'each of', a set other than a name, a body's members, a tag or a list goes in "
                     "brackets: 'each of (board.members except {ann}) can ...'")
    if not close:
        notes += _instead(str(tok), text[: tok.start_pos], text[tok.start_pos:], accepted)
        notes += [n for n in _numbers_in_procedures(str(tok), expected_words(accepted), text[: tok.start_pos])
                  if n not in notes]
    return Diagnostic("GOV100", f"unexpected {str(tok)!r}{meant}", span, notes=tuple(notes))


# numbers in procedures (issue 13.4): a range written another way, an 'if' effect without 'then'
_RANGE_BOUNDS = "the bounds of a whole-number argument are written out, e.g. 't in 1 to 4'; for a bound that " \
                "depends on the state add a rule, e.g. 'require t <= size(owners)'"


def _numbers_in_procedures(tok: str, words: list[str], before: str) -> list[str]:
    line = before[before.rfind("\n") + 1:]
    if re.search(r"\(.*\bin\s+\d+\s*$", line) and tok == ".":
        return ["a range is written 't in 1 to 4'"]
    if re.search(r"\(.*\bin\s+\d+\s+to\s*$", line) or (tok == "to" and re.search(r"\(.*\bin\s+\w+\s*$", line)):
        return [_RANGE_BOUNDS]
    if "'then'" in words and re.search(r"\beffect\s+if\b", line):
        return ["write 'then' before the effect, e.g. 'effect if threshold > 3 then threshold = 3'"]
    if tok == "then" and not re.search(r"\beffect\s+if\b", line):  # ('then' is a word of effects only)
        return [_IF_THEN]
    return []
