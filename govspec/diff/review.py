"""Diff blocks in review documents: each ```govspec-diff block done as ``govspec diff OLD NEW``.

A review document (:mod:`govspec.review`) may hold blocks such as::

    ```govspec-diff
    old: board_2023.gov
    new: board_2023_seat_quorum.gov
    ```

Their form is checked when the review loads (GOV008, :func:`govspec.review.diff_blocks`); this
module, above the API, does each block on the report of a check: :func:`with_diff_blocks` gives the
report back with each valid review's diffs (:class:`govspec.report.ReviewDiff`: the diff's JSON,
text and Markdown from :mod:`.render`, and its exit code, which the report's exit code counts as
``govspec diff`` does).  Each diff is checked with the options of the check (without ``--explain``).

- A review whose only blocks are diff blocks has no spec of its own (not GOV005: the API checks it
  as a file with no properties), only diffs.
- A spec a block names that is invalid makes the review invalid: its errors (located in that spec,
  with a note naming the block) replace the review's results, exit 3.
- Ctrl-C while a block is diffed: :class:`govspec.api.Interrupted` with the review's results and
  the blocks left (a partial diff is never shown).
"""

from __future__ import annotations

from dataclasses import replace

from ..api import Interrupted, Options
from ..diagnostics import SpecError
from ..load import Read, load
from ..report import FileReport, Report, ReviewDiff
from ..review import diff_blocks, is_diff_block, is_review, markdown_parser
from ..syntax import read_source
from . import diff_models, render


def with_diff_blocks(report: Report, options: Options, reads: dict[str, Read] | None = None, progress=None) -> Report:
    """``report`` with the diff blocks of each review in it done (``reads``: what the check read of
    each file, so that the blocks are those of the text checked)."""
    reads = reads or {}
    done: list[FileReport] = []
    left: list[tuple[str, str]] = []  # (review, each block not done yet), while a review's blocks are diffed
    try:
        for f in report.files:
            done.append(_with_diffs(f, options, reads.get(f.path), progress, left))
    except KeyboardInterrupt:
        later = [(g.path, "its diff blocks") for g in report.files[len(done) + 1:] if _has_diff_blocks(g, reads.get(g.path))]
        raise Interrupted(replace(report, files=tuple(done) + report.files[len(done):]), left + later) from None
    return replace(report, files=tuple(done))


def _may_hold_diffs(f: FileReport) -> bool:
    return is_review(f.path) and not f.errors


def _has_diff_blocks(f: FileReport, read: Read | None) -> bool:
    text = _text(f, read) if _may_hold_diffs(f) else None
    return text is not None and any(is_diff_block(t) for t in markdown_parser().parse(text))


def _text(f: FileReport, read: Read | None) -> str | None:
    """The review's text as checked (read again only if the check did not keep it)."""
    if read is not None and read.text is not None:
        return read.text
    try:
        return read_source(f.path)
    except SpecError:
        return None


def _with_diffs(f: FileReport, options: Options, read: Read | None, progress, left: list) -> FileReport:
    if not _may_hold_diffs(f):
        return f
    text = _text(f, read)
    try:
        blocks = diff_blocks(text, f.path) if text is not None else []
    except SpecError as err:  # (the load found them first, unless the file changed since)
        return replace(f, errors=tuple(err.diagnostics))
    if not blocks:
        return f
    options = replace(options, explain=False, jobs=1)
    diffs: list[ReviewDiff] = []
    for k, block in enumerate(blocks):
        left[:] = [(f.path, f"the diff block at line {b.line}") for b in blocks[k:]]
        if progress:
            progress(f"{f.path}: the diff block at line {block.line}: {block.old} -> {block.new}")
        models, inputs = [], []
        for side, path in (("old", block.old_path), ("new", block.new_path)):
            read = Read()
            try:
                models.append(load(path, read))
                inputs += read.files(path)
            except SpecError as err:
                note = f"{path} is the {side} spec of the diff block at {f.path}:{block.line}"
                return replace(f, properties=(), sanity=(), diffs=(),
                               errors=tuple(replace(d, notes=(*d.notes, note)) for d in err.diagnostics))
        diff = diff_models(*models, options)
        diffs.append(ReviewDiff(block.line, block.last, diff.old, diff.new, diff.exit_code, diff.as_dict(),
                                render.text(diff), render.markdown(diff), tuple(dict.fromkeys(inputs)),
                                render.findings(diff)))
    left.clear()
    return replace(f, diffs=tuple(diffs))
