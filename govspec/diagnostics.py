"""Diagnostics as data, rendering kept separate.

Every error the front end can report is a :class:`Diagnostic` with a code from :data:`CODES`
(documented in ``docs/errors.md``, which :func:`explanations` reads for ``govspec explain``), a
message and a :class:`Span` pointing at the cause.
Rendering follows one format, ``path:line:col: error[GOVnnn]: message``, then the source line
with carets, then ``note:`` lines; user text in it (paths, messages, the source line) is shown
with :func:`govspec.safe.shown`, the caret under the escaped line.  Nothing here knows about Lark or Z3.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import field
from importlib import resources
from pathlib import Path

from .records import dataclass
from .safe import shown

# The registry of diagnostic codes.  Each code has a one-line explanation; the test suite checks
# that docs/errors.md documents exactly these codes, each with this line as its meaning.
CODES: dict[str, str] = {
    # GOV0xx: reading the input
    "GOV001": "the file cannot be read (missing, a directory, a pipe with no writer, a device, unreadable)",
    "GOV002": "the file is not valid UTF-8 text",
    "GOV003": "the input is too large or too deeply nested to check safely",
    "GOV004": "the file is not a GovSpec JSON report (govspec verify-report)",
    "GOV005": "a Markdown review document has no govspec blocks",
    "GOV006": "an output file would overwrite an input of the run (a spec, a review or a file they import) or another output",
    "GOV007": "a report names a spec outside the report's folder (govspec verify-report)",
    "GOV008": "a govspec-diff or govspec-power block of a review is malformed: a missing or unknown key, a path outside the review's folder tree, not a .gov file, or no file there (a power block: also a value its key does not take, or an outcome the spec does not have)",
    # GOV1xx: syntax and names
    "GOV100": "syntax error: unexpected token",
    "GOV101": "syntax error: unexpected character",
    "GOV102": "syntax error: unexpected end of file (a brace or parenthesis is not closed?)",
    "GOV103": "unknown name",
    "GOV104": "unknown body",
    "GOV105": "unknown person",
    "GOV106": "unknown office",
    "GOV107": "unknown procedure (where a property expects one: 'P -> ...', 'never P', 'can force P')",
    "GOV108": "unknown parameter or office on the left of an effect",
    "GOV109": "duplicate name",
    "GOV110": "a reserved word is used as a name",
    "GOV111": "unknown property form or keyword",
    "GOV112": "warning: two different names look alike (Unicode confusables, such as Cyrillic 'а' and Latin 'a')",
    "GOV120": "unknown standard-library rules",
    "GOV121": "an import or people-file path is absolute, outside the spec's folder, or not a .gov (.csv, .json) file",
    "GOV122": "an import cycle",
    "GOV123": "no file at an import or people-file path",
    "GOV124": "an imported file holds an organization instead of rules blocks",
    "GOV125": "a parameter no rule uses, named like an imported one (a misspelled override?)",
    "GOV126": "a people file (CSV or JSON) is not a list of people: a missing or unknown column, a row of the wrong width",
    "GOV127": "a cell of a people file is not a name, number or tag GovSpec accepts",
    "GOV128": "an amendment names no imported procedure, a stage or effect the procedure lacks, or a clause twice",
    # GOV2xx: types
    "GOV200": "type error: the expression has the wrong kind of value",
    "GOV201": "step quantities (yes, present, members, seats, ...) used outside a stage's rules",
    "GOV202": "comparison between incompatible values",
    "GOV203": "multiplication needs a constant or parameter on one side",
    "GOV230": "a set operation on something that is not a set of people",
    "GOV231": "unknown principal",
    "GOV232": "warning: two sets of the vote compared with == or != (who, not how many)",
    # GOV3xx: rules about the organisation
    "GOV300": "an organisation must be declared exactly once",
    "GOV301": "a body has more members than seats",
    "GOV302": "a person is listed twice in a body",
    "GOV303": "a procedure needs exactly one 'decided by' stage",
    "GOV304": "a clause appears before any stage it could belong to",
    "GOV305": "a clause is given twice in one stage or one body",
    "GOV306": "a meeting stage needs a 'passes when' rule",
    "GOV307": "notice applies only to meetings",
    "GOV308": "recusal names something that is not a formal parameter",
    "GOV309": "an effect or vacancy test refers to something of the wrong kind",
    "GOV310": "a weight or count must be positive",
    "GOV311": "a coalition bound is invalid",
    "GOV312": "a number is invalid (a fraction with a zero denominator)",
    "GOV313": "an event may not have voting stages",
    "GOV314": "a property uses a procedure, or the votes in one, outside 'always (P -> ...)', 'never P', 'possible P' or a goal",
    "GOV315": "a coalition names a person twice or an unknown tag",
    "GOV316": "a timing rule is misused (veto windows, timelocks, P.vetoed)",
    "GOV317": "a token or proposal rule is misused (transfer, mint, delegate, flash loan, proposal lifecycle)",
    "GOV318": "a principal holds more seats of a body than its cap ('at most K seats per principal')",
    "GOV319": "a body holding a group of variable size declares its seats",
    "GOV320": "a power property is invalid (its outcome, index or bound)",
    "GOV330": "a meeting rule is misused (notice waived by attendance or in writing, who may call a meeting, its chair and casting vote)",
    # numbers in procedures (issue 13.4)
    "GOV340": "a parameter is set from something whose values cannot be listed (now, supply, weights)",
    "GOV341": "an effect can give a parameter too many values (it grows without bound)",
    "GOV342": "a numeric argument's range is empty ('t in 4 to 1')",
    "GOV350": "a decision's kept tally (P.yes, P.weight_yes, ...) is read where no decision of P is spoken of",
    "GOV351": "'at most K live proposals' misused: K not from 1 to 4, on a procedure with nothing to keep several of, or a reading (P.approved_at, P.yes, ...) that would not say which live decision",
}


# docs/errors.md explains each code in a section of its own; a wheel ships it as govspec/errors.md
# (setup.py copies it there, links made absolute), a checkout has only docs/errors.md
_SECTION = re.compile(r"^## (GOV\d{3})[ \t]*\n(.*?)(?=^## |\Z)", re.S | re.M)


def explanations() -> dict[str, str]:
    """Each documented code's section of the registry of codes, its ``## GOVnnn`` heading first."""
    shipped = resources.files(__package__).joinpath("errors.md")
    if shipped.is_file():
        text = shipped.read_text(encoding="utf-8")
    else:  # a checkout, or an editable install of one
        text = (Path(__file__).resolve().parent.parent / "docs" / "errors.md").read_text(encoding="utf-8")
    return {m[1]: f"## {m[1]}\n{m[2]}".rstrip() + "\n" for m in _SECTION.finditer(text)}


def code_named(text: str) -> str:
    """A code as a user may type it, ``GOV104``, ``gov104`` or ``104``, as ``GOV104``."""
    text = text.strip().upper()
    return f"GOV{text}" if re.fullmatch(r"\d{3}", text) else text


@dataclass(frozen=True, slots=True, guarded=False)
class Span:
    """A region of a source file: 1-based line and column of start and end (end exclusive).
    Frozen by convention, not guarded (:mod:`govspec.records`): one is made per node and per row
    of a data file, and a guarded record is several times slower to make; nothing assigns a
    field after creation (tests/test_records.py reads the code for it)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    @staticmethod
    def point(path: str, line: int = 1, column: int = 1) -> "Span":
        return Span(path, line, column, line, column + 1)

    def __str__(self) -> str:
        return f"{shown(self.path)}:{self.line}:{self.column}"


SEVERITIES = ("error", "warning", "note")


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    message: str
    span: Span
    severity: str = "error"
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"undocumented diagnostic code {self.code}")
        if self.severity not in SEVERITIES:  # catches notes passed positionally in the severity slot
            raise ValueError(f"unknown severity {self.severity!r}")
        if not isinstance(self.notes, tuple) or not all(isinstance(n, str) for n in self.notes):
            raise ValueError("notes must be a tuple of strings")

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "path": self.span.path,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "notes": list(self.notes),
        }


class SpecError(Exception):
    """Raised by the front end with one or more diagnostics; never escapes the CLI as a traceback."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("; ".join(f"{d.span}: {d.message}" for d in diagnostics))
        self.diagnostics = diagnostics


def did_you_mean(name: str, candidates) -> tuple[str, ...]:
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return close


def _cells(text: str) -> int:
    """How many terminal cells ``text`` takes: a wide or fullwidth character two (CJK), a combining
    mark none, any other one (so that the caret stands under the cause)."""
    import unicodedata

    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def render(diag: Diagnostic, source: str | None) -> str:
    """Render one diagnostic in the project's single error format."""
    lines = [f"{diag.span}: {diag.severity}[{diag.code}]: {shown(diag.message)}"]
    if source is not None:
        # Split on "\n" only: that is how the parser counts lines (str.splitlines would also break
        # at form feeds, U+0085 or U+2028 and show the wrong line under the message).
        src_lines = source.split("\n")
        if 1 <= diag.span.line <= len(src_lines):
            text = src_lines[diag.span.line - 1].expandtabs(1)
            if len(text) > 200:  # keep the caret line readable on minified or hostile input
                start = max(0, diag.span.column - 80)
                text = text[start : start + 160]
                col = diag.span.column - start
            else:
                col = diag.span.column
            width = 1
            if diag.span.end_line == diag.span.line:
                width = max(1, diag.span.end_column - diag.span.column)
            width = min(width, max(1, len(text) - col + 1))
            # the caret goes under the escaped line: what stands before it and under it, escaped
            start = max(0, col - 1)
            indent = _cells(shown(text[:start])) + max(0, start - len(text))
            width = _cells(shown(text[start : start + width])) or width
            gutter = str(diag.span.line)
            lines.append(f" {gutter} | {shown(text)}")
            lines.append(f" {' ' * len(gutter)} | {' ' * indent}{'^' * width}")
    for note in diag.notes:
        lines.append(f"note: {shown(note)}")
    return "\n".join(lines)
