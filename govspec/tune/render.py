"""A tuning in text (the answer, how it was searched, the witness at the boundary, the reason of each
result neither proved nor refuted, in the words of ``check``), Markdown, HTML
(that Markdown as a page, with the values drawn as an SVG map) and JSON (schema ``govspec-tune/1``)."""

from __future__ import annotations

from html import escape

from ..formats.render import detail_lines, reason_text, statement
from ..safe import json_text, markdown_code, markdown_fence, markdown_text, shown
from ..report import REFUTED
from . import FAILS, HOLDS, Tuning

MARKS = {HOLDS: "+", FAILS: "-", None: ".", "undecided": "?"}
COLOURS = {HOLDS: "#2e7d32", FAILS: "#c62828", None: "#eceff1", "undecided": "#f9a825"}
LEGEND = "+ every property holds, - one fails, ? not decided, . not checked"
UNDECIDED_HEAD = "Neither proved nor refuted, and why"


def _head(t: Tuning) -> list[str]:
    knobs = " and ".join(f"{k.name} from {k.range_text}" for k in t.knobs)
    goal = f"the {t.objective} value where" if len(t.knobs) == 1 else "the region where"
    return [f"govspec tune: {t.path}: {knobs}, {goal} {len(t.properties)} "
            f"propert{'y holds' if len(t.properties) == 1 else 'ies hold'}"]


def _searched(t: Tuning) -> list[str]:
    out = []
    if t.arguments:
        for name, arg in t.arguments.items():
            how = "bisection" if arg.closed else "every value checked"
            out.append(f"{name}: {how}: {arg.why}")
    out += [f"note: {n}" for n in t.notes]
    return out


def _map_lines(t: Tuning) -> list[str]:
    statuses = t.statuses
    if len(t.knobs) == 1:
        k = t.knobs[0]
        width = max(len(w) for w in k.written)
        return [f"{k.name} = {w:>{width}}  {MARKS[statuses[(i,)]]}  {_why(t, (i,))}" for i, w in enumerate(k.written)]
    a, b = t.knobs
    width = max(len(w) for w in b.written)
    cell = max(len(w) for w in a.written)
    out = [f"{a.name} across, {b.name} down:", " " * width + " | " + " ".join(f"{w:^{cell}}" for w in a.written)]
    for j, w in enumerate(b.written):
        out.append(f"{w:>{width}} | " + " ".join(f"{MARKS[statuses[(i, j)]]:^{cell}}" for i in range(len(a.written))))
    return out


def _why(t: Tuning, index) -> str:
    got = t.points.get(index, {})
    said = []
    for n, _ in t.properties:
        if n in got:
            said.append(f"{n} {got[n].word}")
        elif len(index) == 1 and t.implied(n, index) == REFUTED:
            said.append(f"{n} REFUTED by monotonicity")
    if not got and t.statuses[index] == HOLDS:
        said.append("holds by monotonicity")
    return ", ".join(said) or "not checked"


def _result(t: Tuning, index, r) -> str:
    """A result at one setting in one line: ``at q = 4: NAME REFUTED: SUMMARY``."""
    return f"at {t.setting(index)}: {r.name} {r.word}: {r.summary}"


def text(t: Tuning) -> str:
    out = _head(t)
    out += [f"  {n}: {shown(statement(txt))}" for n, txt in t.properties]
    out += ["", "How each property was searched:"] + [f"  {line}" for line in _searched(t)] if t.arguments or t.notes else []
    out += ["", f"Values ({LEGEND}):"] + [f"  {line}" for line in _map_lines(t)]
    out += ["", t.word()]
    for index, r in t.boundary():
        out += [f"  {_result(t, index, r)}"]
        out += ["  " + line for line in detail_lines(r)]
    if t.undecided():
        out += ["", f"{UNDECIDED_HEAD}:"]
    for index, r in t.undecided():
        out += [f"  {_result(t, index, r)}", f"    {reason_text(r)}"]
    out += ["", f"exit code {t.exit_code}"]
    return shown("\n".join(out) + "\n", keep="\n")


def json(t: Tuning) -> str:
    return json_text(t.as_dict())


def markdown(t: Tuning) -> str:
    knobs = " and ".join(markdown_code(k.name) for k in t.knobs)
    out = [f"# Tuning {knobs} in {markdown_code(shown(t.path))}", "", f"**{markdown_text(t.word())}**", "",
           "## Properties", ""]
    out += [f"- {markdown_code(n)}: {markdown_code(statement(txt))}" for n, txt in t.properties]
    if t.arguments or t.notes:
        out += ["", "## How each property was searched", ""]
        out += [f"- {markdown_text(line)}" for line in _searched(t)]
    out += ["", "## Values", "", markdown_text(LEGEND) + ":", ""]
    out += markdown_fence(_map_lines(t))
    for index, r in t.boundary():
        out += ["", f"## Witness at {markdown_code(t.setting(index))}", "",
                f"{markdown_code(r.name)} is **{r.word}**: {markdown_text(r.summary)}.", ""]
        out += markdown_fence([line[2:] for line in detail_lines(r)])
    if t.undecided():
        out += ["", f"## {UNDECIDED_HEAD}", ""]
    for index, r in t.undecided():
        out += [f"- at {markdown_code(t.setting(index))}: {markdown_code(r.name)} **{r.word}**: "
                f"{markdown_text(r.summary)}; {markdown_text(reason_text(r))}."]
    out += ["", f"Exit code {t.exit_code}."]
    return "\n".join(out) + "\n"


def svg(t: Tuning) -> str:
    """The values as a map: one cell per setting (two knobs: the first across, the second down),
    coloured by what is known there, each with its setting and status as a tooltip."""
    statuses = t.statuses
    a = t.knobs[0]
    b = t.knobs[1] if len(t.knobs) == 2 else None
    cell, left, top = 28, 90, 30
    cols, rows = len(a.values), len(b.values) if b else 1
    width, height = left + cols * cell + 10, top + rows * cell + 40
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="tune-map" width="{width}" height="{height}" '
           f'role="img" aria-label="{escape(t.word())}">']
    for index, status in statuses.items():
        i, j = index[0], (index[1] if b else 0)
        label = escape(f"{t.setting(index)}: {status or 'not checked'}")
        out.append(f'<rect x="{left + i * cell}" y="{top + j * cell}" width="{cell - 2}" height="{cell - 2}" '
                   f'fill="{COLOURS[status]}" data-status="{escape(status or "unchecked")}"><title>{label}</title></rect>')
    for i, w in enumerate(a.written):
        out.append(f'<text x="{left + i * cell + cell / 2 - 1}" y="{top + rows * cell + 14}" font-size="10" '
                   f'text-anchor="middle">{escape(w)}</text>')
    out.append(f'<text x="{left}" y="{top + rows * cell + 32}" font-size="12">{escape(a.name)}</text>')
    if b:
        for j, w in enumerate(b.written):
            out.append(f'<text x="{left - 6}" y="{top + j * cell + cell / 2 + 3}" font-size="10" '
                       f'text-anchor="end">{escape(w)}</text>')
        out.append(f'<text x="4" y="{top - 10}" font-size="12">{escape(b.name)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def html(t: Tuning) -> str:
    """The tuning as an HTML page: its Markdown rendered with raw HTML off (every user string
    escaped), and the map drawn in SVG (every label escaped)."""
    from markupsafe import Markup

    from ..formats.html import environment
    from ..review import markdown_parser

    body = Markup(markdown_parser().render(markdown(t)))
    return environment().get_template("tune.html.j2").render(
        title=f"Tuning {', '.join(k.name for k in t.knobs)} in {shown(t.path)}", body=body, svg=Markup(svg(t)),
        exit_code=t.exit_code)
