"""The HTML report: one self-contained page (inline CSS and SVG; no script, no network).

A summary table of verdicts, the proof stamp (content hashes, versions, options), and for each
scenario or witness its steps in words and an SVG timeline: one column per step (per stage of a
step), one row per person, each cell saying whether that person was notified, present, voted yes,
no or abstained, or was recused, with what the step changed underneath.  Templates live in
``govspec/templates``; this module only lays out the timeline and calls Jinja2.  Jinja2 escapes the
markup of every value (autoescape); before that, every string value has its control characters shown
escaped (:func:`govspec.safe.shown`, the environment's ``finalize``), in the SVG too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import __version__
from ..diagnostics import render as render_diagnostic
from .outputs import options_text
from .render import FORCING_KINDS, STATUS_WORD, closing_notes, demoted, detail_lines, has_details, sanity_warnings, scenario_lines, with_args
from ..report import PropertyResult, Report, ReviewDiff, StageRecord, TraceStep
from ..safe import counted, markdown_code, shown
from ..scenario import natural_key
from .story import story
from .power import power_sections, power_tail  # (govspec power as a page; a review's power blocks)

MAX_ROWS = 40  # people shown in one timeline; more are summarised in a note
LABEL_W, COL_W, ROW_H, HEAD_H, LINE_H = 130, 160, 22, 50, 14


@dataclass
class Column:
    x: int
    title: str
    subtitle: str
    cells: list[tuple[int, str, str]] = field(default_factory=list)  # (row, label, css class)
    changes: list[str] = field(default_factory=list)


@dataclass
class Timeline:
    people: list[str]
    columns: list[Column]
    hidden: int  # people left out (beyond MAX_ROWS)
    width: int = 0
    height: int = 0
    rows_bottom: int = 0


def _cell(person: str, stage: StageRecord, members: set[str] | None, coalition=()) -> tuple[str, str]:
    if person in stage.recused:
        return "recused", "recused"
    for names, label in ((stage.yes, "yes"), (stage.no, "no"), (stage.abstain, "abstained")):
        if person in names:
            return (("signed", "yes") if stage.mode == "consent" and label == "yes" else (label, label))
    if person in stage.present:
        return "present", "present"
    if members is not None and person not in members:
        return "not a member", "out"
    if stage.mode == "meeting" and person not in stage.notified:
        return "not notified", "unnotified"
    if stage.outsiders_free and person not in coalition:  # a forcing step: checked against every response of the others
        return "any response", "any"  # (a coalition member who stays away does so by choice: absent)
    return ("absent", "absent") if stage.mode == "meeting" else ("did not sign", "absent")


def _actors(step: TraceStep) -> list[str]:
    """The people a step's arguments name (a wait's argument is a number of days, not a person)."""
    return [] if step.phase == "wait" else [v for _, v in step.args]


def _people(trace: tuple[TraceStep, ...]) -> list[str]:
    named: set[str] = set()
    bodies: set[str] = set()
    for step in trace:
        named.update(_actors(step))
        for st in step.stages:
            bodies.add(st.body)
            named.update(st.notified + st.present + st.yes + st.no + st.abstain + st.recused)
    snapshot = trace[0].before if trace else None
    if snapshot is not None:
        members = {p for body, people in snapshot.members if body in bodies for p in people}
        if len(members | named) <= MAX_ROWS:
            named |= members
    return sorted(named, key=natural_key)


def timeline(trace: tuple[TraceStep, ...], coalition: tuple[str, ...] | None = None) -> Timeline:
    people = _people(trace)
    hidden = max(0, len(people) - MAX_ROWS)
    people = people[:MAX_ROWS]
    row = {p: i for i, p in enumerate(people)}
    columns: list[Column] = []
    for step in trace:
        args = ", ".join(v for _, v in step.args)
        title = f"{step.index}. " + (with_args(step.name, args) if step.phase != "wait" else step.name)
        if step.phase == "wait":
            days = int(dict(step.args)['days'])
            title = f"{step.index}. {counted(days, 'day')} {'passes' if days == 1 else 'pass'}"
        members = {body: set(p) for body, p in step.before.members} if step.before else {}
        stages = step.stages or (None,)
        for n, stage in enumerate(stages):
            col = Column(LABEL_W + len(columns) * COL_W, title if n == 0 else "",
                         f"{stage.body} {'meeting' if stage.mode == 'meeting' else 'consent'}" if stage else step.kind)
            if stage is None:
                col.cells = [(row[v], "acts", "acts") for v in _actors(step) if v in row]
            else:
                for p in people:
                    label, css = _cell(p, stage, members.get(stage.body), coalition or ())
                    col.cells.append((row[p], label, css))
            if n == len(stages) - 1:
                col.changes = list(step.changes) or ["nothing changes"]
            columns.append(col)
    t = Timeline(people, columns, hidden)
    t.rows_bottom = HEAD_H + len(people) * ROW_H
    change_lines = max((len(c.changes) for c in columns), default=0)
    t.width = LABEL_W + max(1, len(columns)) * COL_W + 10
    t.height = t.rows_bottom + 20 + change_lines * 2 * LINE_H + 10
    return t


def wrap(text: str, width: int = 24) -> list[str]:
    """Two lines at most of about ``width`` characters (the full text is in the SVG title)."""
    words, lines, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    if len(lines) > 2:
        lines = [lines[0], (lines[1] + " …")[: width + 2]]
    return lines


def rows(report: Report) -> list[tuple[str, PropertyResult]]:
    """(where, result) for every property of every file, in order."""
    return [(r.path or f.path, r) for f in report.files for r in f.properties]


def counts(f) -> list[tuple[str, int]]:
    """('proved', 2), ('refuted', 1), ...: how many properties of a file have each verdict."""
    statuses = [r.status for r in f.properties]
    return [(STATUS_WORD[s].lower(), statuses.count(s)) for s in ("proved", "refuted", "bounded", "unknown")
            if s in statuses] or [("properties", 0)]


def _finalize(value):
    """Each ``{{ value }}`` of a template: a string (not markup made by a macro) with its controls
    shown escaped; the line breaks are the template's (a path's own are escaped where it is placed)."""
    from markupsafe import Markup

    return shown(value, keep="\n") if isinstance(value, str) and not isinstance(value, Markup) else value


def environment():
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("govspec", "templates"), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined, finalize=_finalize)
    env.globals.update(power_html=power_block)  # (a review's power blocks: power_section.html.j2)
    env.globals.update(STATUS_WORD=STATUS_WORD, closing_notes=closing_notes, diff_html=diff_html, timeline=timeline, wrap=wrap, has_details=has_details,
                       detail_lines=detail_lines, scenario_lines=scenario_lines, story=story, FORCING_KINDS=FORCING_KINDS,
                       render_diagnostic=render_diagnostic, rows=rows, counts=counts, options_text=options_text,
                       sanity_warnings=sanity_warnings, version=__version__, LABEL_W=LABEL_W, COL_W=COL_W, ROW_H=ROW_H, HEAD_H=HEAD_H, LINE_H=LINE_H)
    return env


def page_title(report: Report) -> str:
    """The organisation and the file (``OpenAI, Inc. (...): specs/openai/board_2023.gov``) for a report
    of one valid file; for several, how many; "GovSpec report" when no name is known."""
    named = [f for f in report.files if f.title]
    if len(report.files) == 1 and named:
        return f"{named[0].title}: {shown(named[0].path)}"
    if len(report.files) > 1:
        return f"GovSpec report: {len(report.files)} files"
    return "GovSpec report"


def render_html(report: Report, sources: dict[str, str] | None = None, fragment: bool = False,
                title: str | None = None) -> str:
    return environment().get_template("report.html.j2").render(
        report=report, sources=sources or {}, fragment=fragment, title=title or page_title(report))


def diff_html(diff: ReviewDiff, levels: int = 1):
    """A review's diff block as HTML: the diff's Markdown (``govspec diff --format markdown``, user text
    escaped there) rendered with raw HTML off, its headings ``levels`` deeper."""
    from markupsafe import Markup

    from ..review import markdown_parser

    return Markup('<section class="govspec-diff">\n' + markdown_parser().render(demoted(diff.markdown, levels))
                  + "</section>\n")


def render_results(results: list[tuple[str, PropertyResult]]) -> str:
    """The verdicts and scenarios of some properties, as an HTML fragment (for review documents)."""
    module = environment().get_template("parts.html.j2").module
    return str(module.results_block(results))


def style() -> str:
    return str(environment().get_template("parts.html.j2").module.style())


def power_page(report: dict, exit_code: int) -> str:
    """``govspec power --format html``: each outcome's Markdown rendered with raw HTML off (every
    user string escaped), then its chart (:mod:`govspec.formats.power`)."""
    return environment().get_template("power.html.j2").render(
        title=f"Power in {shown(report['path'])}", sections=power_sections(report, exit_code),
        tail=power_tail(report, exit_code))


def power_block(power, levels: int = 1):
    """A review's power block (:class:`govspec.report.ReviewPower`) as an HTML section: its title,
    each outcome with its chart, headings ``levels`` deeper."""
    from markupsafe import Markup

    from ..review import markdown_parser

    parts = [markdown_parser().render(demoted(f"# Power in {markdown_code(shown(power.spec))}\n", levels))]
    for section in power_sections(power.data, power.exit_code):
        body = str(section["body"])
        for level in range(5, 0, -1):  # (each outcome's heading, levels deeper)
            body = body.replace(f"<h{level}>", f"<h{min(level + levels, 6)}>").replace(f"</h{level}>", f"</h{min(level + levels, 6)}>")
        chart = f'<figure class="power-chart">\n{section["svg"]}\n</figure>\n' if section["svg"] else ""
        parts.append(body + chart)
    parts.append(str(power_tail(power.data, power.exit_code)))
    return Markup('<section class="govspec-power">\n' + "".join(parts) + "</section>\n")
