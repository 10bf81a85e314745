"""Power blocks in review documents: each ```govspec-power block done as ``govspec power SPEC``.

A review document (:mod:`govspec.review`) may hold blocks such as::

    ```govspec-power
    spec: board_2023.gov
    outcome: remove_ceo
    each-size: yes
    bloc: independent
    ```

Their form is checked when the review loads (GOV008, :func:`govspec.review.power_blocks`); this
module, above the API, does each block on the report of a check: :func:`with_power_blocks` gives the
report back with each valid review's analyses (:class:`govspec.report.ReviewPower`: the JSON of
``govspec power``, its text and Markdown, and its exit code, which the report's exit code counts).
Each analysis uses the options of the check (its checks without ``--explain``).  A spec a block
names that is invalid, or an outcome it does not have, makes the review invalid: the errors
(located, with a note naming the block) replace the review's results, exit 3.
"""

from __future__ import annotations

from dataclasses import replace

from . import api
from .diagnostics import Diagnostic, Span, SpecError
from .formats.power import markdown
from .load import Read
from .power.report import exit_code, not_analysed_words, text
from .report import FileReport, Report, ReviewPower
from .review import is_review, power_blocks
from .syntax import read_source


def with_power_blocks(report: Report, options: api.Options, reads: dict[str, Read] | None = None,
                      progress=None) -> Report:
    """``report`` with the power blocks of each review in it done (``reads``: what the check read of
    each file, so that the blocks are those of the text checked)."""
    reads = reads or {}
    return replace(report, files=tuple(_with_powers(f, options, reads.get(f.path), progress) for f in report.files))


def _with_powers(f: FileReport, options: api.Options, read: Read | None, progress) -> FileReport:
    if not is_review(f.path) or f.errors:
        return f
    try:
        source = read.text if read is not None and read.text is not None else read_source(f.path)
        blocks = power_blocks(source, f.path)
    except SpecError as err:  # (the load found them first, unless the file changed since)
        return replace(f, errors=tuple(err.diagnostics))
    powers = []
    for block in blocks:
        note = f"{block.spec} is the spec of the power block at {f.path}:{block.line}"
        read = Read()
        try:
            data = api.power(block.spec_path, block.outcome, options=replace(options, explain=False, jobs=1),
                             progress=progress, each_size=block.each_size, bloc=block.bloc, read=read,
                             by=block.by, sample=block.sample)
        except SpecError as err:
            return replace(f, properties=(), sanity=(), diffs=(), powers=(),
                           errors=tuple(replace(d, notes=(*d.notes, note)) for d in err.diagnostics))
        except ValueError as err:  # (an outcome the spec does not have, a bloc's tag that nobody has)
            # (at the value the error is about, as the block's other faults are; else at the fence)
            key = "outcome" if block.outcome and block.outcome in str(err) else "bloc" if block.bloc else None
            span = block.spans.get(key) or Span(f.path, block.line, 1, block.line, 4)
            return replace(f, properties=(), sanity=(), diffs=(), powers=(), errors=(Diagnostic("GOV008", str(err), span),))
        code = exit_code(data)
        shown_as = {**data, "path": block.spec}  # (the spec as the block names it)
        lines = text(block.spec, data["outcomes"]).rstrip("\n").split("\n") if data["outcomes"] else []
        lines += [f"{not_analysed_words(u)}." for u in data["unsupported"]]
        powers.append(ReviewPower(block.line, block.last, block.spec, code, data, markdown(shown_as, code),
                                  text="power block:\n" + "\n".join(lines), inputs=read.files(block.spec_path)))
    return replace(f, powers=tuple(powers))
