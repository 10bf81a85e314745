"""User text made safe where it leaves the program: one rule per output format, here only.

User text (names, citations, comments, paths, echoed source lines) is kept raw in the report
objects; renderers pass it through these functions as they write it.  Pure string functions, no
imports from GovSpec (diagnostics render with them, below every format).

- :func:`shown`: for readers (text, Markdown, HTML, SARIF messages, JUnit): control characters and
  bidi controls as visible escapes, ``\\x1b``, ``\\u202e``.
- :func:`json_text`: JSON that keeps the exact data, those characters written as ``\\u`` escapes.
- :func:`markdown_code`, :func:`markdown_fence`, :func:`markdown_text`: Markdown that shows the text
  and never makes HTML, a link or a table cell of it.
- :func:`uri`: a path as a percent-encoded URI reference (RFC 3986); a relative path stays relative.
- :func:`counted`: a number with its noun in the right number, ``1 step``, ``2 steps`` (never ``step(s)``).
- :func:`many_count`: a count in full up to 10^15, else its order of magnitude.
- :func:`runs`, :func:`people_words`: people in a list, a long run of one group's members in turn
  as ``d[1] through d[501]`` (a body of 1,000 filled pages name by name; "through", which no
  other words use, where "to" would read as "from d[1] to d[5]", an office changing hands).
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import PurePath
from urllib.parse import quote

# What a reader never gets raw: C0 controls (ESC starts a terminal's escape sequences), DEL, C1
# (U+009B is a one-character CSI), the bidi controls that reorder a line (Trojan Source), the line
# and paragraph separators, the two characters XML 1.0 forbids above U+001F, lone surrogates.
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                    "\ufffe\uffff\ud800-\udfff]")


_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(char: str) -> str:
    """As Python writes it in a string literal: ``\\n``, ``\\x1b``, ``\\u202e``."""
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")


def shown(text: str, keep: str = "") -> str:
    """``text`` with every unsafe character as a visible escape (ESC as ``\\x1b``, U+202E as ``\\u202e``).

    ``keep`` lists the characters that are structure, not user text (``"\\n"`` for a whole rendered
    output whose user parts hold no line break).  Idempotent: what it returns has nothing to escape."""
    if not UNSAFE.search(text):
        return text
    return UNSAFE.sub(lambda m: m[0] if m[0] in keep else _escape(m[0]), text)


def json_text(value, indent: int | None = 2) -> str:
    """``value`` as JSON, non-ASCII text as itself but unsafe characters as ``\\uXXXX``: parsed, it is
    the same data; printed on a terminal, nothing in it is a control.  (Outside its strings JSON
    holds only ASCII and the line breaks of the indentation.)"""
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    return UNSAFE.sub(lambda m: m[0] if m[0] == "\n" else f"\\u{ord(m[0]):04x}", text)


# ---------------------------------------------------------------------------------------------
# Markdown (CommonMark with GitHub's tables)


def _longest_backticks(text: str) -> int:
    return max(map(len, re.findall(r"`+", text)), default=0)


def markdown_code(text: str, cell: bool = False) -> str:
    """An inline code span showing ``text``: its delimiter is one backtick longer than any run of
    backticks inside, so a backtick cannot end it early and what follows cannot become HTML.
    ``cell``: in a table cell, where a pipe would end the cell (``\\|`` is a pipe there, even inside
    code)."""
    text = shown(text)
    if not text:
        return ""
    run = _longest_backticks(text)
    ticks = "`" * (run + 1)
    if run or (text.startswith(" ") and text.endswith(" ")):
        text = f" {text} "  # (one space each side is dropped by the reader)
    return f"{ticks}{text}{ticks}".replace("|", "\\|") if cell else f"{ticks}{text}{ticks}"


def markdown_fence(lines: list[str], info: str = "text") -> list[str]:
    """A fenced code block of ``lines``, its fence longer than any run of backticks they hold."""
    lines = [shown(line) for line in lines]
    fence = "`" * max(3, _longest_backticks("\n".join(lines)) + 1)
    return [fence + info, *lines, fence]


# what makes HTML, an entity, code, a link, a table cell, emphasis or strikethrough anywhere in a line
# (an underscore only at the edge of a word: inside one it is never emphasis, and names are full of them)
_MARKDOWN_INLINE = re.compile(r"[\\`|<>&\[\]*~]|(?<!\w)_|_(?!\w)")
# what makes a heading, a list item or a setext underline at the start of a line
_MARKDOWN_BLOCK = re.compile(r"^(\s*)(?:([#+=-])|(\d+)([.)]))")


def markdown_text(text: str) -> str:
    """``text`` as Markdown prose at the start of a line (a paragraph, a list item), shown as written:
    line breaks and controls shown as escapes, every character that would make markup backslash-escaped."""
    text = _MARKDOWN_INLINE.sub(lambda m: "\\" + m[0], shown(text))
    return _MARKDOWN_BLOCK.sub(lambda m: m[1] + (f"\\{m[2]}" if m[2] else f"{m[3]}\\{m[4]}"), text)


# ---------------------------------------------------------------------------------------------
# URIs (SARIF)


def uri(path: str) -> str:
    """``path`` as a URI reference: ``file:`` for an absolute path, a relative reference otherwise,
    every character but the unreserved ones and ``/`` percent-encoded from the path's bytes."""
    p = PurePath(path)
    if p.is_absolute():
        return p.as_uri()  # (percent-encodes the same way)
    return quote(os.fsencode(p.as_posix()), safe="/")


def counted(n: int, one: str, many: str | None = None) -> str:
    """``n`` with its noun: ``counted(1, "day")`` is ``1 day``, ``counted(2, "day")`` ``2 days``."""
    return f"{n} {one if n == 1 else many or one + 's'}"


def many_count(count: int) -> str:
    """A count in full up to 10^15, else its order of magnitude (2^10,000 coalitions are 3,011 digits)."""
    if count < 10 ** 15:
        return f"{count:,}"
    power = math.log10(count)  # (not str(count): Python refuses to print an integer of more than 4,300 digits)
    exponent = math.floor(power)
    mantissa = round(10 ** (power - exponent), 1)
    if mantissa >= 10:
        mantissa, exponent = 1.0, exponent + 1
    return f"about {mantissa:.1f} x 10^{exponent:,}"


RUN_FROM = 6  # members of one group in turn (d[3], d[4], ...) from which a list says "d[3] through d[8]"
_MEMBER = re.compile(r"(.+)\[(\d+)\]")


def runs(names) -> list[str]:
    """``names`` in their order, each run of :data:`RUN_FROM` or more members of one group in turn
    (``d[3], d[4], ..., d[8]``) as one item ``d[3] through d[8]``: nobody is left out or added."""
    out: list[str] = []
    run: list[tuple[str, int]] = []  # (group, index) of the run so far

    def flush() -> None:
        if len(run) >= RUN_FROM:
            out.append(f"{run[0][0]}[{run[0][1]}] through {run[-1][0]}[{run[-1][1]}]")
        else:
            out.extend(f"{g}[{i}]" for g, i in run)
        run.clear()

    for name in names:
        found = _MEMBER.fullmatch(name)
        if found is not None and str(int(found[2])) == found[2]:
            group, index = found[1], int(found[2])
            if run and (group, index) == (run[-1][0], run[-1][1] + 1):
                run.append((group, index))
                continue
            flush()
            run.append((group, index))
            continue
        flush()
        out.append(name)
    flush()
    return out


def people_words(names) -> str:
    """People in words: ``nobody``, ``ada``, ``ada, bo and d[1] through d[501]`` (:func:`runs`)."""
    items = runs(names)
    if not items:
        return "nobody"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
