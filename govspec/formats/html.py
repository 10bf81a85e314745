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

import re
from html import escape
from dataclasses import dataclass, field

from .. import __version__
from ..diagnostics import render as render_diagnostic
from .outputs import options_text
from .render import (FORCING_KINDS, STATUS_WORD, closing_notes, demoted, detail_lines, has_details, relied_on_lines,
                     sanity_warnings, scenario_lines, scope_words, with_args)
from ..report import PropertyResult, Report, ReviewDiff, StageRecord, TraceStep
from ..safe import counted, markdown_code, shown
from ..scenario import natural_key
from .story import story
from .measure import NBSP, text_width, wrap  # (the page's text measured; tests/test_reports.py)
from .power import power_sections, power_tail  # (govspec power as a page; a review's power blocks)

MAX_ROWS = 40  # rows of people in one timeline; beyond, people whose cells are alike share a row
GROUPED = 3  # members of one group shown one by one up to this many; more: "4 of farmers"

# The timeline's geometry, in pixels.  Text is at least 13 px at the SVG's own size, and the SVG is
# never scaled down on screen (a wide one scrolls), so what a reader sees is at least that.
FONT, TITLE_FONT = 13, 14
ROW_H, LINE_H, TITLE_LINE_H = 26, 17, 18
PAD, GAP, TOP = 6, 18, 4  # inside a cell; between columns; above the titles
MIN_COL_W, WRAP_W, MAX_COL_W = 120, 210, 320  # a column's text is wrapped to WRAP_W, a long word widens it

@dataclass
class Column:
    x: int
    title: str
    subtitle: str
    cells: list[tuple[int, str, str]] = field(default_factory=list)  # (row, label, css class)
    changes: list[str] = field(default_factory=list)
    width: int = MIN_COL_W
    title_lines: list[str] = field(default_factory=list)  # as laid out (wrapped to the width)
    subtitle_lines: list[str] = field(default_factory=list)
    change_lines: list[list[str]] = field(default_factory=list)  # each change's lines


@dataclass
class Timeline:
    people: list[str]  # the rows' labels: a person, or "4 of farmers" for people whose cells are alike
    columns: list[Column]
    hidden: int  # people left out (a timeline of more than MAX_ROWS rows after sharing)
    width: int = 0
    height: int = 0
    rows_bottom: int = 0
    label_w: int = 0  # the people's column
    head_h: int = 0  # the titles' band
    members: list[tuple[str, ...]] = field(default_factory=list)  # who each row stands for


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
    """The people a step's arguments name (a wait's argument is a number of days, not a person; a
    proposal's arguments are what it is about: its actors are who made it or called the meeting)."""
    return [] if step.phase in ("wait", "propose") else [v for _, v in step.args]


def _people(trace: tuple[TraceStep, ...]) -> list[str]:
    named: set[str] = set()
    bodies: set[str] = set()
    for step in trace:
        named.update(_actors(step) + list(step.callers))
        for st in step.stages:
            bodies.add(st.body)
            named.update(st.notified + st.present + st.yes + st.no + st.abstain + st.recused)
    snapshot = trace[0].before if trace else None
    if snapshot is not None:
        named |= {p for body, people in snapshot.members if body in bodies for p in people}
    return sorted(named, key=natural_key)


def group_of(name: str) -> str | None:
    """``farmers`` for ``farmers[3]``, a member of an anonymous group; None for a named person."""
    head, bracket, rest = name.partition("[")
    return head if bracket and rest[:-1].isdigit() and rest.endswith("]") else None


def _known(trace: tuple[TraceStep, ...]) -> set[str]:
    """Everyone the trace's states name (members, office holders, token holders)."""
    known: set[str] = set()
    for step in trace:
        for snap in (step.before, step.after):
            if snap is not None:
                known.update(p for _, people in snap.members for p in people)
                known.update(h for _, h in snap.offices if h is not None)
                known.update(p for p, _ in snap.balances)
    return known


def group_words(group: str, names, known=()) -> str:
    """"4 of farmers", or "all 6 of farmers" when they are every member of the group ``known`` names."""
    everyone = {p for p in known if group_of(p) == group}
    return f"all {len(names)} of {group}" if everyone and everyone <= set(names) else f"{len(names)} of {group}"


def compressed(names, known=()) -> list[str]:
    """People as a reader takes them in: members of an anonymous group counted ("3 of farmers",
    "all 75 of holders") when there are more than GROUPED of them, others by name."""
    names = sorted(names, key=natural_key)
    groups: dict[str, list[str]] = {}
    for p in names:
        if group_of(p) is not None:
            groups.setdefault(group_of(p), []).append(p)
    out, done = [], set()
    for p in names:
        g = group_of(p)
        if g is None or len(groups[g]) <= GROUPED:
            out.append(p)
        elif g not in done:
            done.add(g)
            out.append(group_words(g, groups[g], known))
    return out


_MEMBER = re.compile(r"(?<![\w\]])([A-Za-z_][A-Za-z0-9_]*)\[(\d+)\]")


def brief(text: str, known=()) -> str:
    """``text`` with each list of more than GROUPED members of one group said as a count: "notified
    whale, holders[1], holders[2], ... and holders[75]" becomes "notified whale, all 75 of holders"
    (members listed one by one filled a page in the trials).  ``known``: see :func:`group_words`."""
    found = list(_MEMBER.finditer(text))
    out, at, i = [], 0, 0
    while i < len(found):
        j, names = i, [found[i][0]]
        while (j + 1 < len(found) and found[j + 1][1] == found[i][1]
               and text[found[j].end():found[j + 1].start()] in (", ", " and ", " through ")):
            if text[found[j].end():found[j + 1].start()] == " through ":  # (a run the text gave as "d[3] through d[8]")
                names += [f"{found[i][1]}[{k}]" for k in range(int(found[j][2]) + 1, int(found[j + 1][2]))]
            names.append(found[j + 1][0])
            j += 1
        if len(names) > GROUPED:
            out += [text[at:found[i].start()], group_words(found[i][1], names, known)]
            at = found[j].end()
        i = j + 1
    return "".join(out) + text[at:]


def known_people(r: PropertyResult) -> set[str]:
    """Who the states of ``r``'s trace (or response) name (none without: then no count says "all")."""
    return _known(r.trace + r.response)


_DOING = (("yes", "vote yes", "votes yes"), ("no", "vote no", "votes no"), ("abstain", "abstain", "abstains"),
          ("present", "attend without voting", "attends without voting"), ("notified", "stay away", "stays away"))


def response_words(r: PropertyResult) -> str:
    """A refuted "can force" explained in words: at the first vote of its goal, what the coalition
    and the others do (PropertyResult.response), and the rule it fails."""
    step = r.response[-1]
    stage = step.stages[-1]
    ours = set(r.coalition or ())
    members = dict(step.before.members).get(stage.body, ()) if step.before else ()
    doing = _DOING if stage.mode == "meeting" else (("yes", "sign", "signs"),)
    left = (("", "are not told", "is not told") if stage.mode == "meeting" else ("", "do not sign", "does not sign"),)
    done: set[str] = set()
    parts = {True: [], False: []}
    for field_name, many, one in doing + left:
        people = getattr(stage, field_name) if field_name else tuple(p for p in members if p not in done)
        for inside in (True, False):
            who = [p for p in people if (p in ours) == inside and p not in done]
            if who:
                parts[inside].append(f"{_people_words(compressed(who, _known(r.response)))} {one if len(who) == 1 else many}")
        done.update(people)
    rules = "; ".join(f"{ref.text} (line {ref.line})" for ref in step.rules)
    where = f"{stage.body} {'meeting' if stage.mode == 'meeting' else 'written consent'}"
    return (f"At the first vote on {with_args(step.name, ', '.join(v for _, v in step.args))} ({where}), the coalition's "
            f"attempt: {'; '.join(parts[True]) or 'nothing'}. The others' answer: "
            f"{'; '.join(parts[False]) or 'nothing'}. It does not pass: {rules}. No forcing sequence of any length gets "
            "past the others (the verdict above); this is the answer at the first vote.")


def _people_words(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _share_rows(people: list[str], grid: dict[str, tuple], known: set[str]) -> list[tuple[str, tuple[str, ...]]]:
    """Rows of the timeline: members of one group whose cells are alike in every column share a row
    ("4 of farmers"); past MAX_ROWS rows, so do any people whose cells are alike ("12 people")."""
    rows: list[tuple[str, tuple[str, ...]]] = []
    alike: dict[tuple, list[str]] = {}
    for p in people:
        g = group_of(p)
        key = (g, grid[p]) if g is not None else (p,)
        alike.setdefault(key, []).append(p)
    for key, who in alike.items():
        if len(who) > GROUPED and key[0] is not None and len(key) == 2:
            rows.append((group_words(key[0], who, known), tuple(who)))
        else:
            rows += [(p, (p,)) for p in who]
    if len(rows) > MAX_ROWS:
        by_cells: dict[tuple, list[tuple[str, tuple[str, ...]]]] = {}
        for row in rows:
            by_cells.setdefault(grid[row[1][0]], []).append(row)
        rows = []
        for same in by_cells.values():
            who = tuple(p for _, members in same for p in members)
            rows += same if len(same) == 1 else [(counted(len(who), "person", "people"), who)]
    return rows


def _subtitles(step: TraceStep, stage: StageRecord | None) -> list[str]:
    if stage is not None:
        head = f"{stage.body} {'meeting' if stage.mode == 'meeting' else 'consent'}"
        return [head] + ([f"called by {' and '.join(step.callers)}"] if step.callers else [])
    return [{"wait": "time passes", "execute": "the delay is over", "propose": "meeting called" if " meeting called by "
             in step.name else "proposal made", "cancel": "proposal cancelled"}.get(step.phase, step.kind)]


def _title(step: TraceStep) -> str:
    if step.phase == "wait":
        days = int(dict(step.args)["days"])
        return f"{step.index}. {counted(days, 'day')} {'passes' if days == 1 else 'pass'}"
    return f"{step.index}. " + with_args(step.name, ", ".join(v for _, v in step.args))


def timeline(trace: tuple[TraceStep, ...], coalition: tuple[str, ...] | None = None) -> Timeline:
    """The trace laid out: one column per stage of each step, one row per person (or per group of
    people whose cells are alike), every text wrapped to its column so that none overlaps another."""
    people = _people(trace)
    columns: list[Column] = []
    grid: dict[str, list[tuple[str, str]]] = {p: [] for p in people}
    for step in trace:
        members = {body: set(p) for body, p in step.before.members} if step.before else {}
        stages = step.stages or (None,)
        for n, stage in enumerate(stages):
            col = Column(0, _title(step) if n == 0 else "", "\n".join(_subtitles(step, stage)))
            acting = {v: "acts" for v in _actors(step)} | {v: "called it" if " meeting called by " in step.name
                                                           else "proposed" for v in step.callers if stage is None}
            for p in people:
                if stage is None:
                    grid[p].append((acting[p], "acts") if p in acting else ("", ""))
                else:
                    grid[p].append(_cell(p, stage, members.get(stage.body), coalition or ()))
            if n == len(stages) - 1:
                col.changes = list(step.changes) or ["nothing changes"]
            columns.append(col)
    cells = {p: tuple(grid[p]) for p in people}
    shared = _share_rows(people, cells, _known(trace))
    hidden = sum(len(who) for _, who in shared[MAX_ROWS:])
    shared = shared[:MAX_ROWS]
    for row, (_, who) in enumerate(shared):
        for i, (label, css) in enumerate(cells[who[0]]):
            if label:
                columns[i].cells.append((row, label, css))
    t = Timeline([label for label, _ in shared], columns, hidden, members=[who for _, who in shared])
    t.label_w = int(max((text_width(p, FONT, True) for p in t.people), default=0)) + 2 * PAD + 4
    x = t.label_w + GAP // 2
    for col in columns:
        texts = [(col.title.replace(" ", NBSP, 1), TITLE_FONT, True), *((s, FONT, False) for s in col.subtitle.split("\n")),
                 *((c, FONT, False) for c in col.changes)]
        widest_word = max((text_width(w, size, bold) for text, size, bold in texts for w in text.split(" ")), default=0)
        widest_text = max((text_width(text, size, bold) for text, size, bold in texts), default=0)
        widest_cell = max((text_width(label) + 2 * PAD for _, label, _ in col.cells), default=0)
        col.width = int(min(MAX_COL_W, max(MIN_COL_W, widest_cell, min(widest_text, WRAP_W), widest_word))) + 1
        col.title_lines = wrap(col.title.replace(" ", NBSP, 1), col.width, TITLE_FONT, True) if col.title else []  # ("3." with its name)
        col.subtitle_lines = [line for s in col.subtitle.split("\n") for line in wrap(s, col.width)]
        col.change_lines = [wrap(c, col.width) for c in col.changes]
        col.x = x
        x += col.width + GAP
    t.head_h = TOP + max((len(c.title_lines) * TITLE_LINE_H + len(c.subtitle_lines) * LINE_H for c in columns),
                         default=0) + 10
    t.rows_bottom = t.head_h + len(t.people) * ROW_H
    change_h = max((sum(len(lines) * LINE_H + 4 for lines in c.change_lines) for c in columns), default=0)
    t.width = x + 10 - GAP
    t.height = t.rows_bottom + 10 + change_h + 10
    return t


def rows(report: Report) -> list[tuple[str, PropertyResult]]:
    """(where, result) for every property of every file, in order."""
    return [(r.path or f.path, r) for f in report.files for r in f.properties]


def counts(f) -> list[tuple[str, int]]:
    """('proved', 2), ('refuted', 1), ...: how many properties of a file have each verdict; bounded
    results by their words, which say what was searched ('HOLDS UP TO 6 STEPS (not proved)', 1)."""
    words = [f"{r.word} (not proved)" if r.status == "bounded" else STATUS_WORD[r.status].lower() for r in f.properties]
    order = {"proved": 0, "refuted": 1, "unknown": 3}
    return sorted(((w, words.count(w)) for w in dict.fromkeys(words)), key=lambda wc: order.get(wc[0], 2)) \
        or [("properties", 0)]


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
                       sanity_warnings=sanity_warnings, version=__version__, ROW_H=ROW_H, LINE_H=LINE_H, TITLE_LINE_H=TITLE_LINE_H,
                       FONT=FONT, TITLE_FONT=TITLE_FONT, PAD=PAD, GAP=GAP, TOP=TOP, compressed=compressed, brief=brief,
                       known_people=known_people, response_words=response_words, relied_on_lines=relied_on_lines,
                       scope_words=scope_words)
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
        chart = (f'<figure class="power-chart">\n{section["svg"]}\n<figcaption>{escape(section["caption"])}</figcaption>\n'
                 f'</figure>\n' if section["svg"] else "")
        parts.append(body + chart)
    parts.append(str(power_tail(power.data, power.exit_code)))
    return Markup('<section class="govspec-power">\n' + "".join(parts) + "</section>\n")
