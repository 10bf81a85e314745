"""People loaded from a data file: the rows of a CSV or JSON file -> ``ast.PersonDecl`` nodes.

Assumes: the decoded text of a file that ``people from "PATH"`` names (read, confined to the spec's
folder and hashed by :mod:`govspec.imports`), and the path its spans carry.  Guarantees: one
:class:`ast.PersonDecl` per row, exactly what ``person NAME tags ... weight ... for ...`` written in
the spec gives, its span the name's cell in the data file; or :class:`SpecError` with a located
diagnostic for each bad row (at most ``MAX_REPORTED``): GOV126 for the file's shape (not a list of
objects, a header without ``name``, an unknown column, a row with too many or too few cells), GOV127
for a value (a name, number, tag or principal GovSpec does not accept), GOV310 for a weight that is
not positive, GOV312 for a zero denominator, GOV003 past ``MAX_PEOPLE`` rows.  Nothing in the file
is executed or evaluated: cells are read by :mod:`csv` and :mod:`json` and matched against the
language's own forms.

The columns (CSV header, JSON keys): ``name`` (or ``address``) required; ``weight``, ``tags`` and
``principal`` optional.  A name is a name of the language, or an address ``0x`` + hex digits, read
as the name ``addr_0x`` + the digits in lower case.  Rows are not routed through the parser: a row
costs a few dictionary and regular-expression operations (100,000 rows in well under a second,
``bench/holders.py``).
"""

from __future__ import annotations

import bisect
import csv
import functools
import json
import re
import unicodedata
from fractions import Fraction

from .. import ast
from ..diagnostics import Diagnostic, Span, SpecError, did_you_mean
from .expressions import number_value
from .grammar import combining_marks
from .parser import MAX_NUMBER_CHARS, MAX_PEOPLE, PEOPLE_NOTE

MAX_DATA_BYTES = 64_000_000  # a data file: 100,000 rows of up to 640 bytes
MAX_REPORTED = 10  # bad rows reported at once
COLUMNS = ("name", "address", "weight", "tags", "principal")
_COLUMN_SET = frozenset(COLUMNS)
ADDRESS_PREFIX = "addr_"

_ASCII_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ADDRESS = re.compile(r"0[xX][0-9a-fA-F]+")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?%?|[0-9]+/[0-9]+")
_TAG_SEPARATORS = re.compile(r"[;,\s]+")


@functools.lru_cache(maxsize=1)
def _name_pattern() -> re.Pattern:
    return re.compile(r"[^\W\d](?:\w|" + combining_marks() + ")*")  # the grammar's NAME (.grammar)


class _Bad(Exception):
    """A bad cell: its message, its column (a key of the row) and code."""

    def __init__(self, message: str, column: str | None, code: str = "GOV127"):
        super().__init__(message)
        self.message, self.column, self.code = message, column, code


def name_of(text: str, what: str = "name") -> str:
    """A cell as a name of the language: a name (NFC), or an address ``0x...`` as ``addr_0x...``."""
    if text.startswith(("0x", "0X")) and _ADDRESS.fullmatch(text):
        return ADDRESS_PREFIX + text.lower()
    if _ASCII_NAME.fullmatch(text):
        return text
    normal = unicodedata.normalize("NFC", text)
    if text and not text.isascii() and _name_pattern().fullmatch(normal):
        return normal
    raise _Bad(f"'{text}' is not a {what}: a name is letters, digits and '_', starting with a letter, "
               "or an address 0x followed by hex digits", what)


def weight_of(text: str) -> Fraction:
    """A cell as a weight: a number written as in the language (3, 2.5, 2/3, 4%; ASCII digits), exact."""
    if len(text) > MAX_NUMBER_CHARS:
        raise _Bad(f"this number is longer than {MAX_NUMBER_CHARS} characters", "weight", "GOV003")
    if text.isdigit() and text.isascii():  # (a whole number: the most common form)
        numerator = int(text)
        if numerator == 0:
            raise _Bad("a weight must be positive", "weight", "GOV310")
        return Fraction(numerator)
    whole, dot, part = text.partition(".")
    if whole.isascii() and whole.isdigit() and (not dot or (part.isascii() and part.isdigit())):
        numerator = int(whole + part)  # (the common forms, without the slower general reading)
        if numerator == 0:
            raise _Bad("a weight must be positive", "weight", "GOV310")
        return Fraction(numerator, 10 ** len(part)) if dot else Fraction(numerator)
    if not (text.isascii() and _NUMBER.fullmatch(text)):
        raise _Bad(f"'{text}' is not a number: write a whole number, a decimal, a fraction or a "
                   "percentage (3, 2.5, 2/3, 4%), without signs, exponents or separators", "weight")
    try:
        value = number_value(text)
    except ValueError:
        raise _Bad("a fraction cannot have a zero denominator", "weight", "GOV312") from None
    if value <= 0:
        raise _Bad("a weight must be positive", "weight", "GOV310")
    return value


def _tags(value, extra: tuple[str, ...]) -> tuple[str, ...]:
    if isinstance(value, str) and _ASCII_NAME.fullmatch(value):
        return extra + (value,)  # (one tag: the common case)
    if isinstance(value, list):
        parts = value
    elif isinstance(value, str):
        parts = [p for p in _TAG_SEPARATORS.split(value) if p]
    else:
        raise _Bad("tags are a list of names (in CSV, separated by ';' or spaces)", "tags")
    tags = []
    for part in parts:
        if not isinstance(part, str) or not (_ASCII_NAME.fullmatch(part) or _name_pattern().fullmatch(part)):
            raise _Bad(f"'{part}' is not a tag: a tag is a name", "tags")
        tags.append(unicodedata.normalize("NFC", part))
    return extra + tuple(tags)


def _text(value, column: str) -> str:
    if type(value) is not str:
        raise _Bad(f"the {column} must be text, not {json.dumps(value)}", column)
    return value.strip()


_ABSENT = object()
_ONE = Fraction(1)


def person(key: str, name, weight, tags, principal, span: Span, load: ast.PeopleFrom) -> ast.PersonDecl:
    """One row as the person it declares: its ``key`` (``name`` or ``address``) and cells, each
    ``_ABSENT`` when the file has no such column."""
    name = name_of(name.strip() if type(name) is str else _text(name, key), key)
    written = None if weight is _ABSENT else weight.strip() if type(weight) is str else _text(weight, "weight")
    weight = _ONE if written is None else weight_of(written)
    tags = load.tags if tags is _ABSENT or tags == "" else _tags(tags, load.tags)
    if principal is _ABSENT or principal is None or principal == "":
        principal = None
    else:
        principal = name_of(_text(principal, "principal"), "principal")
    return ast.PersonDecl(span, name, tags, weight, load.cite, None, principal, weight_text=written)


# ---------------------------------------------------------------- the rows of a file, located


class _Lines:
    """Offsets in a text -> line and column (1-based)."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def span(self, path: str, start: int, end: int) -> Span:
        line = bisect.bisect_right(self.starts, start)
        column = start - self.starts[line - 1] + 1
        return Span(path, line, column, line, column + max(1, min(end, self._end(line)) - start))

    def _end(self, line: int) -> int:
        return self.starts[line] - 1 if line < len(self.starts) else 1 << 62


def _columns(header: list[str], path: str, lines: list[str]) -> list[str]:
    keys = [h.strip() for h in header]
    cells = _cell_spans(lines[0])
    for i, key in enumerate(keys):
        if key not in COLUMNS or key in keys[:i]:
            close = did_you_mean(key, COLUMNS)
            why = (f"the column '{key}' is given twice" if key in keys[:i] else f"unknown column '{key}'"
                   + (f" (did you mean '{close[0]}'?)" if close else ""))
            raise SpecError([Diagnostic("GOV126", why, _cell(path, 1, cells, i),
                                        notes=("the columns are: name (or address), weight, tags, principal",))])
    if ("name" in keys) == ("address" in keys):
        raise SpecError([Diagnostic(
            "GOV126", "the header must have a 'name' or an 'address' column" if "name" not in keys
            else "the header has both 'name' and 'address': keep one", Span.point(path, 1, 1),
            notes=("the first line of the file names the columns: name (or address), weight, tags, principal",))])
    return keys


def _cell_spans(line: str) -> list[tuple[int, int]]:
    """The start and end (0-based, surrounding spaces and quotes left out) of each cell of a CSV line."""
    spans, i, n = [], 0, len(line)
    while i <= n:
        start = i
        if i < n and line[i] == '"':
            i += 1
            while i < n and not (line[i] == '"' and (i + 1 >= n or line[i + 1] != '"')):
                i += 2 if line[i] == '"' else 1
            i = line.find(",", i)
            i = n if i < 0 else i
            spans.append((start + 1, max(start + 1, line.rfind('"', start + 1, i))))
        else:
            i = line.find(",", i)
            i = n if i < 0 else i
            cell = line[start:i]
            lead = len(cell) - len(cell.lstrip())
            spans.append((start + lead, start + len(cell.rstrip()) if cell.strip() else start + lead))
        i += 1
    return spans


def _cell(path: str, line: int, cells: list[tuple[int, int]], index: int) -> Span:
    if index >= len(cells):
        return Span.point(path, line, 1)
    start, end = cells[index]
    return Span(path, line, start + 1, line, start + 1 + max(1, end - start))


def _csv_people(text: str, path: str, load: ast.PeopleFrom, errors: list[Diagnostic]) -> list[ast.PersonDecl]:
    lines = text.split("\n")
    reader = csv.reader(lines, strict=True)  # (an unclosed quote is an error, not a cell running to the end)
    previous = 0  # the line the record read last ends on (the next one starts after it)
    try:
        header = next(reader, None)
        while header == []:
            header = next(reader, None)
        if header is None:
            raise SpecError([Diagnostic("GOV126", "the file is empty: its first line must name the columns",
                                        Span.point(path), notes=("for example: name,weight,tags,principal",))])
        keys = _columns(header, path, lines[reader.line_num - 1:])
        key = "name" if "name" in keys else "address"
        at = keys.index(key)
        wi, ti, pi = (keys.index(c) if c in keys else None for c in ("weight", "tags", "principal"))
        width = len(keys)
        people = []
        previous = reader.line_num
        # (a file of names and whole-number weights, the common export: such a row is read here
        # without the general path; anything else in a row, and it takes the general path)
        plain = PLAIN_ROWS and keys == ["name", "weight"]
        tags, cite = load.tags, load.cite
        for cells in reader:
            line, previous = previous + 1, reader.line_num
            if plain and len(cells) == 2 and len(people) < MAX_PEOPLE:
                name, weight = cells
                if (_ASCII_NAME.fullmatch(name) and weight.isdigit() and weight.isascii() and weight[0] != "0"
                        and len(weight) <= MAX_NUMBER_CHARS and lines[line - 1][0] != '"'):
                    people.append(ast.PersonDecl(Span(path, line, 1, line, 1 + len(name)), name, tags,  # (positional:
                                                 whole_fraction(int(weight)), cite, None, None, False, None, weight))  # faster)
                    continue
            if len(cells) != width:
                if not cells or (len(cells) == 1 and not cells[0].strip()):
                    continue  # a blank line
                errors.append(Diagnostic("GOV126", f"this row has {len(cells)} cells, the header {width}",
                                         Span.point(path, line), notes=("header: " + ",".join(keys),)))
            else:
                if len(people) >= MAX_PEOPLE:
                    raise SpecError([Diagnostic("GOV003", f"more than {MAX_PEOPLE} people in one organisation",
                                                Span.point(path, line), notes=(PEOPLE_NOTE,))])
                cell = cells[at]
                if at == 0 and cell and not cell[0].isspace() and not cell[-1].isspace() and lines[line - 1][0] != '"':
                    span = Span(path, line, 1, line, 1 + len(cell))  # (the common case: no need to look further)
                else:
                    span = _cell(path, line, _cell_spans(lines[line - 1]), at)
                try:
                    people.append(person(key, cell, _ABSENT if wi is None else cells[wi], _ABSENT if ti is None else cells[ti],
                                         _ABSENT if pi is None else cells[pi], span, load))
                except _Bad as bad:
                    errors.append(Diagnostic(bad.code, bad.message,
                                             _cell(path, line, _cell_spans(lines[line - 1]), keys.index(bad.column)
                                                   if bad.column in keys else width)))
            if len(errors) >= MAX_REPORTED:
                break
    except csv.Error as err:
        line, column, notes = previous + 1, 1, ()
        if "end of data" in str(err):  # (a quote left open: located at the quote)
            (line, column), notes = _open_quote(lines, previous), ("this quote is never closed",)
        raise SpecError([Diagnostic("GOV126", f"not a CSV file: {err}", Span.point(path, line, column),
                                    notes=notes)]) from None
    return people


def _open_quote(lines: list[str], previous: int) -> tuple[int, int]:
    """(line, column) of the quote left open in the record that starts after line ``previous``
    (the csv module says only "unexpected end of data"): read as the strict reader reads it."""
    quoted, at, start = False, (previous + 1, 1), True
    for number in range(previous, len(lines)):
        text = lines[number]
        i = 0
        while i < len(text):
            c = text[i]
            if quoted:
                if c == '"' and text.startswith('""', i):
                    i += 1
                elif c == '"':
                    quoted = False
            elif start and c == '"':
                quoted, at = True, (number + 1, i + 1)
            start = not quoted and c == ","
            i += 1
        if not quoted:
            start = True  # (a new record: a field starts)
    return at


PLAIN_ROWS = True  # (False: every row by the general path; tests/test_holders.py compares the two)


def _whole(n: int, _new=object.__new__) -> Fraction:
    """``Fraction(n)`` for an int, without ``Fraction.__new__``'s checks (twice as fast over 10,000
    rows): the two fields it would set, which are CPython's own since Fraction was written;
    :data:`whole_fraction` falls back to ``Fraction`` on a Python whose fields differ."""
    made = _new(Fraction)
    made._numerator, made._denominator = n, 1
    return made


def _fields_hold() -> bool:
    try:
        probe = _whole(6)
        return probe == Fraction(6) and hash(probe) == hash(6) and probe / 4 == Fraction(3, 2) and str(probe) == "6"
    except (AttributeError, TypeError):
        return False


whole_fraction = _whole if _fields_hold() else Fraction  # (tests/test_holders.py compares it with Fraction)

_KEY = re.compile(r'"(name|address)"\s*:\s*')


def _constant(word: str):
    raise ValueError(f"{word} is not a number")


_BARE = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')  # (strings matched whole, so skipped)


def _bare_constant(text: str, start: int) -> int:
    """Where the first NaN or Infinity outside a string lies from ``start`` (``start`` if none)."""
    return next((m.start(1) for m in _BARE.finditer(text, start) if m.group(1)), start)


class _Twice(dict):
    """An object of a JSON people file in which a key is given twice (Python's decoder would keep
    the last value without a word): the key, for :func:`_json_row` to refuse it, located."""

    twice: str


def _pairs(pairs: list) -> dict:
    row = dict(pairs)
    if len(row) == len(pairs):
        return row
    twice = _Twice(row)
    twice.twice = next(k for i, (k, _) in enumerate(pairs) if k in (key for key, _ in pairs[:i]))
    return twice


def _decoder() -> json.JSONDecoder:
    """The JSON decoder of people files: numbers kept as their text, NaN refused, keys given twice marked."""
    return json.JSONDecoder(parse_float=str, parse_int=str, parse_constant=_constant, object_pairs_hook=_pairs)


def _json_people(text: str, path: str, load: ast.PeopleFrom, errors: list[Diagnostic]) -> list[ast.PersonDecl]:
    """The people of a JSON file: decoded whole, each name located by one scan of the text; any
    doubt (a bad row, a key met more or less often than rows) and :func:`_json_walk` reads it again,
    element by element, to locate each problem."""
    decoder = _decoder()
    try:
        data = decoder.decode(text)
    except (ValueError, RecursionError):
        data = None
    if not (isinstance(data, list) and len(data) <= MAX_PEOPLE):
        return _json_walk(text, path, load, errors)
    found = list(_KEY.finditer(text))
    if len(found) != len(data):
        return _json_walk(text, path, load, errors)
    lines = _Lines(text)
    people = []
    try:
        for row, key in zip(data, found):
            column = key[1]
            if not (type(row) is dict and column in row and ("name" in row) != ("address" in row)
                    and row.keys() <= _COLUMN_SET):
                return _json_walk(text, path, load, errors)
            at = key.end()
            end = text.find('"', at + 1) + 1 if text.startswith('"', at) else at + 1
            people.append(person(column, row[column], row.get("weight", _ABSENT), row.get("tags", _ABSENT),
                                 row.get("principal", _ABSENT), lines.span(path, at, end), load))
    except _Bad:
        return _json_walk(text, path, load, errors)
    return people


def _json_walk(text: str, path: str, load: ast.PeopleFrom, errors: list[Diagnostic]) -> list[ast.PersonDecl]:
    lines = _Lines(text)

    def refuse(message: str, offset: int = 0, code: str = "GOV126") -> SpecError:
        return SpecError([Diagnostic(code, message, lines.span(path, offset, offset + 1),
                                     notes=('a people file in JSON is a list of objects: [{"name": "ann", "weight": 3, '
                                            '"tags": ["founder"], "principal": "acme"}, ...]',))])

    decoder = _decoder()
    space = re.compile(r"\s*")
    i = space.match(text).end()
    if not text.startswith("[", i):
        raise refuse("the file must hold a list of people, '[ ... ]'", i)
    i = space.match(text, i + 1).end()
    people = []
    while not text.startswith("]", i):
        try:
            row, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError as err:
            raise refuse(f"invalid JSON: {err.msg}", err.pos) from None
        except ValueError as err:  # (NaN or Infinity, from _constant: located at the word)
            raise refuse(f"invalid JSON: {err}", _bare_constant(text, i)) from None
        except RecursionError:
            raise refuse("the JSON is nested too deeply", i, "GOV003") from None
        if len(people) >= MAX_PEOPLE:
            raise refuse(f"more than {MAX_PEOPLE} people in one organisation", i, "GOV003")
        if not isinstance(row, dict):
            errors.append(refuse("each person is an object, {...}", i).diagnostics[0])
        else:
            people.extend(_json_row(row, text, i, end, path, lines, load, errors))
        if len(errors) >= MAX_REPORTED:
            return people
        i = space.match(text, end).end()
        if text.startswith(",", i):
            comma, i = i, space.match(text, i + 1).end()
            if text.startswith("]", i):  # (JSON has no trailing comma: the whole-file decode refused it)
                raise refuse("invalid JSON: a ',' after the last person", comma)
        elif not text.startswith("]", i):
            raise refuse("expected ',' or ']' after a person", i)
    if text[space.match(text, i + 1).end():]:
        raise refuse("nothing may follow the list", space.match(text, i + 1).end())
    return people


def _json_row(row: dict, text: str, start: int, end: int, path: str, lines: _Lines, load: ast.PeopleFrom,
              errors: list[Diagnostic]) -> list[ast.PersonDecl]:
    def value_span(key: str | None) -> Span:
        found = re.compile(r'"' + re.escape(key or "") + r'"\s*:\s*').search(text, start, end) if key else None
        at = found.end() if found else start
        return lines.span(path, at, _value_end(text, at) if found else at + 1)

    if isinstance(row, _Twice):
        keys = [m.start() for m in re.compile(re.escape(json.dumps(row.twice)) + r"\s*:").finditer(text, start, end)]
        at = keys[1] if len(keys) > 1 else start  # (the second time it is a key, not a value; else, written
        # with escapes, the person's start)
        errors.append(Diagnostic("GOV126", f"the key '{row.twice}' is given twice in this person",
                                 _key_span(text, row.twice, max(at, start), end, path, lines),
                                 notes=("JSON readers differ on which value wins: give each key once",)))
        return []
    unknown = [k for k in row if k not in COLUMNS]
    if unknown:
        close = did_you_mean(unknown[0], COLUMNS)
        errors.append(Diagnostic("GOV126", f"unknown key '{unknown[0]}'" + (f" (did you mean '{close[0]}'?)" if close else ""),
                                 _key_span(text, unknown[0], start, end, path, lines),
                                 notes=("the keys are: name (or address), weight, tags, principal",)))
        return []
    if ("name" in row) == ("address" in row):
        errors.append(Diagnostic("GOV126", "each person needs a 'name' or an 'address' (one of them)",
                                 lines.span(path, start, start + 1)))
        return []
    try:
        key = "name" if "name" in row else "address"
        cells = (row.get(column, _ABSENT) for column in ("weight", "tags", "principal"))
        return [person(key, row[key], *cells, value_span(key), load)]
    except _Bad as bad:
        errors.append(Diagnostic(bad.code, bad.message, value_span(bad.column)))
        return []


def _value_end(text: str, at: int) -> int:
    try:
        return _decoder().raw_decode(text, at)[1]
    except ValueError:
        return at + 1


def _key_span(text: str, key: str, start: int, end: int, path: str, lines: _Lines) -> Span:
    at = text.find(json.dumps(key), start, end)
    return lines.span(path, at, at + len(json.dumps(key))) if at >= 0 else lines.span(path, start, start + 1)


def read_people(text: str, path: str, load: ast.PeopleFrom) -> tuple[ast.PersonDecl, ...]:
    """The people of a data file's ``text`` (CSV, or JSON when ``path`` ends in ``.json``), their
    spans in ``path``; SpecError listing the bad rows (at most ``MAX_REPORTED``)."""
    errors: list[Diagnostic] = []
    people = (_json_people if path.lower().endswith(".json") else _csv_people)(text, path, load, errors)
    if errors:
        raise SpecError(errors)
    return tuple(people)
