"""Review documents: Markdown files whose ```govspec fenced blocks together form one spec.

:func:`spec_text` turns the Markdown into spec text with the same line and column numbers: every
line outside a govspec block becomes empty, every line inside keeps its place (a block's
indentation or quote markers become spaces), so diagnostics point into the Markdown file's own
lines.  :func:`govspec.formats.review.render_review` renders the document to one HTML page with each
block's verdicts and scenarios inserted after the block.  Markdown is read with markdown-it-py (CommonMark); raw
HTML in a review is shown as text, never passed through.

A ```govspec-diff block names two specs (``old: PATH``, ``new: PATH``, relative to the review's
folder and confined to its folder tree, as imports are); :func:`diff_blocks` reads and checks them
(GOV008), and :mod:`govspec.diff.review` renders each as ``govspec diff OLD NEW`` in the review.
"""

from __future__ import annotations

import os

from .diagnostics import Diagnostic, Span, SpecError, did_you_mean
from .records import dataclass, field

EXTENSIONS = (".md", ".markdown")
LANGUAGE = "govspec"


def is_review(path: str) -> bool:
    return path.lower().endswith(EXTENSIONS)


def markdown_parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table")


def is_spec_block(token) -> bool:
    return token.type == "fence" and token.info.strip().split(" ")[0] == LANGUAGE and token.map is not None


def blocks(text: str) -> list[tuple[int, int]]:
    """The 1-based (first, last) line of each govspec fence, the fence lines included."""
    return [(t.map[0] + 1, t.map[1]) for t in markdown_parser().parse(text) if is_spec_block(t)]


def spec_text(text: str, path: str) -> str:
    """The spec inside a review: its govspec blocks, each line where it stands in the Markdown."""
    lines = text.split("\n")
    out = [""] * len(lines)
    found = False
    for token in markdown_parser().parse(text):
        if not is_spec_block(token):
            continue
        found = True
        first = token.map[0] + 1  # the line after the opening fence (0-based index)
        for offset, content in enumerate(token.content.split("\n")[:-1]):
            index = first + offset
            original = lines[index] if index < len(lines) else content
            # keep the column: whatever stands before the content (indentation, "> ") becomes spaces
            out[index] = " " * (len(original) - len(content)) + content if original.endswith(content) else content
    diff_blocks(text, path)  # (a bad diff block is an error of the review, located, before anything is checked)
    power_blocks(text, path)  # (and a bad power block)
    if not found:
        raise SpecError([Diagnostic("GOV005", f"no '{LANGUAGE}' code blocks in this Markdown file", Span.point(path),
                                    notes=(f"a review's spec is written in fenced code blocks whose info string is '{LANGUAGE}'",))])
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# Diff blocks: ```govspec-diff fences naming two specs, rendered as `govspec diff OLD NEW` (issue 18)

DIFF_LANGUAGE = "govspec-diff"
DIFF_KEYS = ("old", "new")
DIFF_SUFFIX = ".gov"
MAX_DIFF_BLOCKS = 16  # each is two checks and a power analysis: a review is not a batch of diffs


@dataclass(frozen=True)
class DiffBlock:
    """One ```govspec-diff block: ``old`` and ``new`` as written (relative to the review's folder)
    and as paths to read (``old_path``, ``new_path``: the review's folder joined, normalised);
    ``line``: the 1-based line of its opening fence, ``last``: of its closing fence (or the last line)."""

    line: int
    last: int
    old: str
    new: str
    old_path: str
    new_path: str


def is_diff_block(token) -> bool:
    return token.type == "fence" and token.info.strip().split(" ")[0] == DIFF_LANGUAGE and token.map is not None


def reviews_other_specs(path: str, text: str | None, diagnostics) -> bool:
    """Whether loading the review at ``path`` failed only for want of a govspec block (GOV005) and it
    holds diff or power blocks: a review of other specs, with no spec of its own, which is no error."""
    return (is_review(path) and text is not None and [d.code for d in diagnostics] == ["GOV005"]
            and any(is_diff_block(t) or is_power_block(t) for t in markdown_parser().parse(text)))


def diff_blocks(text: str, path: str) -> list[DiffBlock]:
    """Every ```govspec-diff block of the review at ``path``, checked: each line ``old: PATH`` or
    ``new: PATH`` (blank lines and ``#`` comments aside), both keys once, each path relative, a
    ``.gov`` file inside the review's folder tree (symbolic links followed), as imports are.  Nothing
    is read but whether the files exist.  SpecError (GOV008) with every fault, each located; GOV003
    for more than :data:`MAX_DIFF_BLOCKS` blocks."""
    lines = text.split("\n")
    tokens = [t for t in markdown_parser().parse(text) if is_diff_block(t)]
    if len(tokens) > MAX_DIFF_BLOCKS:
        raise SpecError([Diagnostic("GOV003", f"more than {MAX_DIFF_BLOCKS} diff blocks in one review",
                                    _fence_span(path, lines, tokens[MAX_DIFF_BLOCKS]))])
    found, errors = [], []
    for token in tokens:
        given = _diff_keys(token, lines, path, errors)
        if given is None:
            continue
        folder = os.path.dirname(path)
        found.append(DiffBlock(token.map[0] + 1, token.map[1], given["old"], given["new"],
                               os.path.normpath(os.path.join(folder, given["old"])),
                               os.path.normpath(os.path.join(folder, given["new"]))))
    if errors:
        raise SpecError(sorted(errors, key=lambda d: (d.span.line, d.span.column)))
    return found


def _diff_keys(token, lines: list[str], path: str, errors: list[Diagnostic]) -> dict[str, str] | None:
    """The paths of one diff block by key, or None after adding its faults to ``errors``."""
    return _block_keys(token, lines, path, errors, DIFF_FORM)


@dataclass(frozen=True)
class BlockForm:
    """What the lines of a block naming specs may be: its ``kind`` (in messages), its ``keys``, those
    ``required``, which of them are paths (``paths``), and the words of its faults."""

    kind: str
    keys: tuple[str, ...]
    required: tuple[str, ...]
    paths: tuple[str, ...]
    line_form: str  # "'old: PATH' or 'new: PATH'"
    holds: str  # the note: what the block holds
    lacks_note: str  # the note when a required key is missing
    names: str  # "compares two .gov specs": what its path must be


DIFF_FORM = BlockForm("diff", DIFF_KEYS, DIFF_KEYS, DIFF_KEYS, "'old: PATH' or 'new: PATH'",
                      "a diff block holds two lines, 'old: PATH' and 'new: PATH' (paths relative to the review's folder)",
                      "a diff block names the spec before the change ('old: PATH') and after it ('new: PATH')",
                      "compares two .gov specs")


def _block_keys(token, lines: list[str], path: str, errors: list[Diagnostic], form: BlockForm,
                spans: dict[str, Span] | None = None) -> dict[str, str] | None:
    """The values of one block by key, or None after adding its faults to ``errors``; ``spans``, when
    given, gets the span of each value read (for the faults of the values found after: a power block's;
    an empty value's is the place just after the colon)."""
    root = os.path.realpath(os.path.dirname(os.path.abspath(path)) or ".")
    given: dict[str, str] = {}
    before = len(errors)
    first = token.map[0] + 1  # 0-based index of the block's first content line
    for offset, content in enumerate(token.content.split("\n")[:-1]):
        index = first + offset
        original = lines[index] if index < len(lines) else content
        indent = len(original) - len(content) if original.endswith(content) else 0  # (a list's or a quote's)
        stripped = content.strip()
        if not stripped or stripped.startswith("#"):
            continue
        column = indent + len(content) - len(content.lstrip()) + 1
        key, colon, value = stripped.partition(":")
        key, raw = key.strip(), value.strip()
        key_span = Span(path, index + 1, column, index + 1, column + max(len(key), 1))
        if not colon or key not in form.keys:
            close = did_you_mean(key, form.keys) if colon else ()
            errors.append(Diagnostic(
                "GOV008", (f"unknown key '{key}' in a {form.kind} block" if colon else
                           f"a {form.kind} block line is {form.line_form}, not '{stripped}'")
                + (f" (did you mean '{close[0]}'?)" if close else ""), key_span, notes=(form.holds,)))
            continue
        if key in given:
            errors.append(Diagnostic("GOV008", f"'{key}' is given twice in this {form.kind} block", key_span))
            continue
        value_column = column + len(stripped) - len(value.lstrip())
        value_span = Span(path, index + 1, value_column, index + 1, value_column + max(len(raw), 1))
        fault = _confined_fault(raw, path, root, form) if key in form.paths else None
        if fault is not None:
            errors.append(Diagnostic("GOV008", fault[0], value_span if raw else key_span, notes=fault[1]))
        given[key] = raw
        if spans is not None:
            spans[key] = value_span
    missing = [k for k in form.required if k not in given]
    if missing and len(errors) == before:  # (a misspelled key is reported as such, not as one missing)
        errors.append(Diagnostic("GOV008", f"this {form.kind} block lacks " + " and ".join(f"'{k}: PATH'" for k in missing),
                                 _fence_span(path, lines, token), notes=(form.lacks_note,)))
    return None if len(errors) > before else given


def _fence_span(path: str, lines: list[str], token) -> Span:
    """The opening fence of a block, from its first backtick or tilde (in a list or a quote too)."""
    fence = lines[token.map[0]]
    return Span(path, token.map[0] + 1, max(fence.find(token.markup), 0) + 1, token.map[0] + 1, len(fence.rstrip()) + 1)


def _confined_fault(raw: str, review: str, root: str, form: BlockForm = DIFF_FORM) -> tuple[str, tuple[str, ...]] | None:
    """Why ``raw`` cannot be a block's path (message, notes), or None: it names a ``.gov`` file
    under ``root``, the review's folder, as an import path must."""
    if not raw or os.path.isabs(raw) or raw.startswith(("~", "\\")) or ":" in raw:
        return f"a {form.kind} block's paths are relative to the review's folder, not '{raw}'", ()
    if not raw.lower().endswith(DIFF_SUFFIX):
        return f"a {form.kind} block {form.names}, not '{raw}'", ()
    # (the path as it will be read: normalised first, as diff_blocks gives it, so that 's/../x.gov' with
    # 's' a symbolic link is checked as the file that is read, not as the one the link's target holds)
    candidate = os.path.realpath(os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(review)), raw)))
    if os.path.commonpath([candidate, root]) != root:
        return (f"'{raw}' is outside the folder of the review", (f"a {form.kind} block may only name specs under {root}, "
                                                                  "as imports may",))
    if not os.path.isfile(candidate):
        return f"no spec at '{raw}'", ()
    return None


# ---------------------------------------------------------------------------------------------
# Power blocks: ```govspec-power fences naming a spec, rendered as `govspec power SPEC` (issue 17)

POWER_LANGUAGE = "govspec-power"
MAX_POWER_BLOCKS = 16  # each may be many checks of the verifier (the procedural analysis)
POWER_FORM = BlockForm("power", ("spec", "outcome", "each-size", "bloc", "by", "sample"), ("spec",), ("spec",),
                       "'spec: PATH', 'outcome: P', 'each-size: yes', 'bloc: TAG', 'by: tag' or 'sample: N'",
                       "a power block holds 'spec: PATH' (relative to the review's folder) and may hold 'outcome: P', "
                       "'each-size: yes' (as govspec power --each-size), 'bloc: TAG' (as govspec power --bloc TAG), "
                       "'by: person', 'by: tag' or 'by: principal' (as govspec power --by) and 'sample: N' (as govspec "
                       "power --sample N)",
                       "a power block names the spec whose power it shows ('spec: PATH')", "analyses a .gov spec")
POWER_BY = ("person", "tag", "principal")
POWER_SAMPLES = (100, 10_000_000)  # (as govspec power --sample takes them)


@dataclass(frozen=True)
class PowerBlock:
    """One ```govspec-power block: ``spec`` as written and as the path to read (``spec_path``), the
    ``outcome`` asked (None: every outcome), ``each_size`` (``each-size: yes``: also the game at each
    size of the deciding body, as ``govspec power --each-size``), ``bloc`` (``bloc: TAG``: the people
    with the tag as one player, as ``govspec power --bloc TAG``), ``by`` (``by: tag``: as ``govspec
    power --by``), ``sample`` (``sample: N``: as ``govspec power --sample N``); ``line``, ``last``:
    its fence lines; ``spans``: where each value given is written (an error about it points there)."""

    line: int
    last: int
    spec: str
    spec_path: str
    outcome: str | None
    each_size: bool = False
    bloc: str | None = None
    by: str = "person"
    sample: int | None = None
    spans: dict = field(default_factory=dict, compare=False, repr=False)


def is_power_block(token) -> bool:
    return token.type == "fence" and token.info.strip().split(" ")[0] == POWER_LANGUAGE and token.map is not None


def _power_faults(given: dict[str, str], spans: dict[str, Span]) -> list[Diagnostic]:
    """The faults of a power block's values (GOV008, each at its value's span in ``spans``, as
    :func:`_block_keys` gives them): ``each-size`` neither yes nor no, ``by`` none of
    :data:`POWER_BY` (or not ``person`` beside a bloc), ``sample`` not a whole number in
    :data:`POWER_SAMPLES`."""
    faults = []
    each, by, sample = given.get("each-size", "no"), given.get("by", "person"), given.get("sample")
    if each not in ("yes", "no"):
        faults.append(Diagnostic("GOV008", f"'each-size' is 'yes' or 'no', not '{each}'", spans["each-size"],
                                 notes=("each-size: yes adds the game at each size of the deciding body (govspec power "
                                        "--each-size)",)))
    if by not in POWER_BY:
        faults.append(Diagnostic("GOV008", f"'by' is 'person', 'tag' or 'principal', not '{by}'", spans["by"],
                                 notes=("by: tag adds each tag's share; by: principal makes a principal's keys one "
                                        "player (govspec power --by)",)))
    elif by != "person" and given.get("bloc"):
        faults.append(Diagnostic("GOV008", f"a bloc is one player in the place of its people: give it with the players "
                                 f"by person, not by {by}", spans["by"],
                                 notes=("bloc: TAG makes the people with the tag one player; leave out 'by' or give "
                                        "'by: person'",)))
    low, high = POWER_SAMPLES
    if sample is not None and not (sample.isascii() and sample.isdigit() and low <= int(sample) <= high):
        faults.append(Diagnostic("GOV008", f"'sample' is a whole number from {low:,} to {high:,}, not '{sample}'",
                                 spans["sample"],
                                 notes=("sample: N estimates what no exact analysis gives from N random coalitions and "
                                        "orders (govspec power --sample N)",)))
    return faults


def power_blocks(text: str, path: str) -> list[PowerBlock]:
    """Every ```govspec-power block of the review at ``path``, checked as :func:`diff_blocks` checks
    diff blocks (GOV008, GOV003 beyond :data:`MAX_POWER_BLOCKS`); whether the outcome is one of the
    spec's is known only when the spec is loaded."""
    lines = text.split("\n")
    tokens = [t for t in markdown_parser().parse(text) if is_power_block(t)]
    if len(tokens) > MAX_POWER_BLOCKS:
        raise SpecError([Diagnostic("GOV003", f"more than {MAX_POWER_BLOCKS} power blocks in one review",
                                    _fence_span(path, lines, tokens[MAX_POWER_BLOCKS]))])
    found, errors = [], []
    for token in tokens:
        spans: dict[str, Span] = {}
        given = _block_keys(token, lines, path, errors, POWER_FORM, spans)
        faults = _power_faults(given, spans) if given is not None else []
        errors += faults
        if given is not None and not faults:
            found.append(PowerBlock(token.map[0] + 1, token.map[1], given["spec"],
                                    os.path.normpath(os.path.join(os.path.dirname(path), given["spec"])),
                                    given.get("outcome") or None, given.get("each-size") == "yes",
                                    given.get("bloc") or None, given.get("by", "person"),
                                    int(given["sample"]) if given.get("sample") else None, spans))
    if errors:
        raise SpecError(sorted(errors, key=lambda d: (d.span.line, d.span.column)))
    return found
