"""The power analysis (``govspec power``) as Markdown, and as an HTML page with one SVG bar chart
per outcome: each player's normalised Banzhaf index.

Assumes a report of :func:`govspec.power.report.power_report` (and the procedural analysis).
Guarantees: every user string is escaped (Markdown with :mod:`govspec.safe`, the HTML renders that
Markdown with raw HTML off, the charts escape every label; the page and a review's power block are
:func:`govspec.formats.html.power_page` and :func:`govspec.formats.html.power_block`); a bounded outcome says so in its
heading, above its chart and in the chart's label, as the text format does.
"""

from __future__ import annotations

from html import escape

from ..power.report import (CERTIFIED, INDICES, approximate_words, bloc_words, certified_words, shares_between, size_items,
                            sizes_heading)
from ..safe import markdown_code, markdown_fence, markdown_text, shown

BAR_W, LABEL_W, ROW_H, CHART_W = 240, 150, 18, 460  # the chart's geometry, in pixels


def _bounded(r: dict) -> str:
    return f" (bounded to depth {r['bounded']['depth']})" if "bounded" in r else ""


def _title(r: dict) -> str:
    if r.get("method") == "procedural":
        return f"{r['outcome']}: procedure over {r['body']}, the game of `can force` ({r['checks']} checks)"
    return f"{r['procedure']}: decided by {r['body']}"


def markdown(report: dict, exit_code: int) -> str:
    """The whole analysis: per outcome the indices as a table, the minimal coalitions (with each
    scenario of the procedural analysis), dummies and vetoes; then the outcomes not analysed."""
    out = [f"# Power in {markdown_code(shown(report['path']))}", ""]
    for r in report["outcomes"]:
        out += [f"## {markdown_text(_title(r))}", ""]
        if "bloc" in r:  # (the player's name as code, then the words of the text format)
            words = bloc_words(r["bloc"]).removeprefix(r["bloc"]["player"])
            out += [f"{markdown_code(r['bloc']['player'])}{markdown_text(words)}.", ""]
        bounded = _bounded(r)
        if "bounded" in r:
            out += [f"**Bounded to depth {r['bounded']['depth']}, not exact**: {markdown_text(r['bounded']['reason'])}.", ""]
        if "why" in r:
            out += [markdown_text(("Nobody can pass it: " if not r["passable"] else "") + r["why"]) +
                    " (no index is defined).", ""]
            out += _sizes(r["sizes"]) if "sizes" in r else []
            continue
        if "approximate" in r:
            out += _approximate(r["approximate"])
            continue
        if "certified" in r:
            out += _certified(r["certified"])
            continue
        out += [f"Winning coalitions{bounded}: {r['winning_coalitions']} of {r['all_coalitions']}.", ""]
        out += ["| Player | " + " | ".join(title for _, title in INDICES) + " |",
                "| --- | " + " | ".join("---:" for _ in INDICES) + " |"]
        for p in r["players"]:
            cells = [f"{p[k]['value']:.4f}" if k == "banzhaf" else f"{p[k]['value']:.2%}" for k, _ in INDICES]
            out.append(f"| {markdown_code(p['name'], cell=True)} | " + " | ".join(cells) + " |")
        for key, title in (("minimal_winning", "Minimal winning"), ("minimal_blocking", "Minimal blocking")):
            found = r[key]
            more = "" if found["complete"] else f", the first {len(found['profiles'])} kinds listed"
            out += ["", f"{title}{bounded} ({found['coalitions']} coalitions{more}):", ""]
            for p in found["profiles"]:
                out.append(f"- {markdown_text(p['text'])}")
                if "witness" in p:
                    out += ["", f"  Scenario: {markdown_text(p['witness']['summary'])}", ""]
                    out += ["  " + line for line in markdown_fence(p["witness"]["lines"])]
        out += ["", f"Dummies{bounded}: {markdown_text(', '.join(r['dummies']) or 'none')}.",
                f"Vetoes{bounded}: {markdown_text(', '.join(r['vetoes']) or 'none')}.", ""]
        if "sizes" in r:
            out += _sizes(r["sizes"])
    if report["unsupported"]:
        out += ["## Not analysed", ""]
        out += [f"- {markdown_code(u['procedure'])}: {markdown_text(u['reason'])}; no index is given for it."
                for u in report["unsupported"]]
        out.append("")
    out.append(f"Exit code {exit_code}.")
    return "\n".join(out) + "\n"


def _sizes(sizes: dict) -> list[str]:
    """``--each-size``: per group of states (:func:`govspec.power.report.size_items`), the answer,
    or each minimal winning coalition, and a scenario."""
    head = sizes_heading(sizes)
    out = [f"### {markdown_text(head[0].upper() + head[1:])}", ""]
    for item in size_items(sizes):
        title = markdown_text(item["title"])
        if item["answer"] is not None:
            out.append(f"- {title}: {markdown_text(item['answer'])}.")
            if item["scenario"] is not None:
                heading, summary, steps = item["scenario"]
                out += ["", f"  {markdown_text(heading[0].upper() + heading[1:])}: {markdown_text(summary)}", ""]
                out += ["  " + line for line in markdown_fence(steps)]
            continue
        out.append(f"- {title}:")
        out += [f"  {markdown_text(note)}." for note in item["notes"]]
        for p in (item["coalitions"] or {}).get("profiles", ()):
            out.append(f"  - {markdown_text(p['text'])}")
            if "witness" in p:
                out += ["", f"    Scenario: {markdown_text(p['witness']['summary'])}", ""]
                out += ["    " + line for line in markdown_fence(p["witness"]["lines"])]
    return out + [""]


def _approximate(a: dict) -> list[str]:
    out = [f"**{markdown_text(approximate_words(a))}**.", "",
           f"| Player | Banzhaf (approx.) | {a['confidence']:.0%} interval | normalised (approx.) |",
           "| --- | ---: | ---: | ---: |"]
    for p in a["players"]:
        b = p["banzhaf"]
        out.append(f"| {markdown_code(p['name'], cell=True)} | {b['estimate']:.4f} | [{b['low']:.4f}, {b['high']:.4f}] | "
                   f"{p['normalised']['estimate']:.2%} |")
    return out + [""]


def _certified(c: dict) -> list[str]:
    out = [f"**{markdown_text(certified_words(c))}**.", "",
           f"{markdown_text(shares_between(c)[0].upper() + shares_between(c)[1:])}.", "",
           "| Player | " + " | ".join(title for _, title in CERTIFIED) + " |",
           "| --- | " + " | ".join("---:" for _ in CERTIFIED) + " |"]
    for p in c["players"]:
        cells = [f"{p['banzhaf']['value']:.6g}"] + [f"{p[k]['value']:.2%}" for k, _ in CERTIFIED[1:]]
        out.append(f"| {markdown_code(p['name'], cell=True)} | " + " | ".join(cells) + " |")
    if "tags" in c:
        out += ["", "| Tag | normalised (its members' shares added up) |", "| --- | ---: |"]
        out += [f"| {markdown_code(t['tag'], cell=True)} | {t['normalised']['value']:.2%} |" for t in c["tags"]]
    undetermined = f" (not determined: {', '.join(c['undetermined'])})" if c["undetermined"] else ""
    out += ["", f"Dummies: {markdown_text(', '.join(c['dummies']) or 'none')}{markdown_text(undetermined)}.",
            f"Vetoes: {markdown_text(', '.join(c['vetoes']) or 'none')}.", ""]
    return out


def svg(r: dict) -> str:
    """One bar per player: its normalised Banzhaf index (its share of all swings), with the value
    written beside it and as a tooltip; the longest bar is the largest share."""
    players = r.get("players", [])
    top = max([p["normalised"]["value"] for p in players] + [1e-9])
    height = 26 + ROW_H * len(players) + 8
    label = f"Banzhaf index, normalised, per player: {_title(r)}{_bounded(r)}"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="power-chart" width="{CHART_W}" height="{height}" '
           f'role="img" aria-label="{escape(shown(label))}">',
           f'<text x="4" y="16" font-size="12">{escape("Banzhaf (normalised)" + _bounded(r))}</text>']
    for i, p in enumerate(players):
        y = 26 + ROW_H * i
        value = p["normalised"]["value"]
        name = escape(shown(p["name"]))
        out.append(f'<text x="{LABEL_W - 6}" y="{y + ROW_H - 6}" font-size="11" text-anchor="end">{name}</text>')
        out.append(f'<rect x="{LABEL_W}" y="{y + 2}" width="{value / top * BAR_W:.1f}" height="{ROW_H - 4}" fill="#4a7bd0" '
                   f'data-player="{name}" data-value="{escape(p["normalised"]["exact"])}">'
                   f'<title>{name}: {value:.2%}</title></rect>')
        out.append(f'<text x="{LABEL_W + value / top * BAR_W + 4:.1f}" y="{y + ROW_H - 6}" font-size="11">{value:.2%}</text>')
    out.append("</svg>")
    return "\n".join(out)


def power_sections(report: dict, exit_code: int) -> list[dict]:
    """Per outcome: its chart (None where no index is defined) and its Markdown as HTML."""
    from markupsafe import Markup

    from ..review import markdown_parser

    sections = []
    for r in report["outcomes"]:
        one = {**report, "outcomes": [r], "unsupported": []}
        body = markdown(one, exit_code).split("\n", 2)[2].rsplit("\nExit code", 1)[0]  # (the heading and exit line are the page's)
        sections.append({"svg": Markup(svg(r)) if "players" in r else None, "body": Markup(markdown_parser().render(body))})
    return sections


def power_tail(report: dict, exit_code: int):
    """The outcomes not analysed and the exit code, as HTML."""
    from markupsafe import Markup

    from ..review import markdown_parser

    return Markup(markdown_parser().render(markdown({**report, "outcomes": []}, exit_code).split("\n", 2)[2]))
