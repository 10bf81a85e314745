"""The power analysis (``govspec power``) as Markdown, and as an HTML page with one SVG bar chart
per outcome: each player's normalised Banzhaf index (certified bounds: its interval too; sampled:
the estimated raw index and its interval).

Assumes a report of :func:`govspec.power.report.power_report` (and the procedural analysis).
Guarantees: every user string is escaped (Markdown with :mod:`govspec.safe`, the HTML renders that
Markdown with raw HTML off, the charts escape every label; the page and a review's power block are
:func:`govspec.formats.html.power_page` and :func:`govspec.formats.html.power_block`); a bounded outcome says so in its
heading, above its chart and in the chart's label, as the text format does.
"""

from __future__ import annotations

import math
from fractions import Fraction
from html import escape

from ..power.report import (CERTIFIED, NO_TAGS, SHARES, approximate_words, bloc_words, certified_words, coleman_words,
                            estimated, fewest_words, fraction, given, not_computed_words, rounded, sampled_shapley_words,
                            share_cell, shares_between, size_items, sizes_heading, tag_estimates, winning_words)
from ..safe import markdown_code, markdown_fence, markdown_text, shown
from .measure import text_width

BAR_W, LABEL_W, ROW_H, CHART_W = 240, 150, 18, 460  # the chart's geometry, in pixels (at least: a long name or
# line widens it)


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
            out += [f"**BOUNDED TO DEPTH {r['bounded']['depth']}, NOT EXACT**: {markdown_text(r['bounded']['reason'])}.", ""]
        if "why" in r:
            out += [markdown_text(("Nobody can pass it: " if r["passable"] is False else "") + r["why"]) +
                    " (no index is defined).", ""]
            out += _sizes(r["sizes"]) if "sizes" in r else []
            continue
        if "approximate" in r:
            out += _approximate(r["approximate"]) + _beyond(r)
            continue
        if "certified" in r:
            out += _certified(r["certified"]) + _beyond(r)
            continue
        if "not_computed" in r:
            out += [f"**{markdown_text(not_computed_words(r['not_computed']))}**.", ""]
        out += [f"Winning coalitions{bounded}: {markdown_text(winning_words(r))}.", ""]
        columns = given(r["players"])
        out += ["| Player | " + " | ".join(title for _, title in columns) + " |",
                "| --- | " + " | ".join("---:" for _ in columns) + " |"]
        for p in r["players"]:
            cells = [f"{p[k]['value']:.4f}" if k == "banzhaf" else f"{share_cell(p[k]['value'])}" for k, _ in columns]
            out.append(f"| {markdown_code(p['name'], cell=True)} | " + " | ".join(cells) + " |")
        if r.get("tags") == []:
            out += ["", f"{_capital(NO_TAGS)}."]
        elif "tags" in r:  # (--by tag: as the text format gives them)
            shares = given(r["tags"], SHARES)
            out += ["", "Per tag (the shares of the members with the tag, added up):", "",
                    "| Tag | " + " | ".join(title for _, title in shares) + " |", "| --- | " + " | ".join("---:" for _ in shares) + " |"]
            out += [f"| {markdown_code(t['tag'], cell=True)} | " + " | ".join(f"{share_cell(t[k]['value'])}" for k, _ in shares) + " |"
                    for t in r["tags"]]
        for key, title in (("minimal_winning", "Minimal winning"), ("minimal_blocking", "Minimal blocking")):
            if key not in r:
                continue
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
        out += _beyond(r)
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


def _capital(words: str) -> str:
    return words[0].upper() + words[1:]


def _approximate(a: dict) -> list[str]:
    orders = "orders" in a
    out = [f"**{markdown_text(approximate_words(a))}**.", "",
           f"| Player | Banzhaf (approx.) | {a['confidence']:.0%} interval | normalised (approx.) |" +
           (f" Shapley-Shubik (approx.) | {a['confidence']:.0%} interval |" if orders else ""),
           "| --- | ---: | ---: | ---: |" + (" ---: | ---: |" if orders else "")]
    for p in a["players"]:
        cells = [*estimated(p["banzhaf"], percent=False), f"{share_cell(p['normalised']['estimate'])}",
                 *(estimated(p["shapley"]) if orders else ())]
        out.append(f"| {markdown_code(p['name'], cell=True)} | " + " | ".join(cells) + " |")
    if "winning" in a:
        out += ["", f"{markdown_text(coleman_words(a))}:", "",
                f"| Player | initiate (approx.) | {a['confidence']:.0%} interval | prevent (approx.) | "
                f"{a['confidence']:.0%} interval |", "| --- | ---: | ---: | ---: | ---: |"]
        out += [f"| {markdown_code(p['name'], cell=True)} | "
                + " | ".join([*estimated(p["initiate"]), *estimated(p["prevent"])]) + " |" for p in a["players"]]
    if a.get("tags") == []:
        out += ["", f"{_capital(NO_TAGS)}."]
    elif "tags" in a:
        out += ["", f"{markdown_text(_capital(tag_estimates(a.get('shapley_interval'))))}:", "",
                "| Tag | normalised (approx.) |" + (f" Shapley-Shubik (approx.) | {a['confidence']:.0%} interval |"
                                                   if orders else ""),
                "| --- | ---: |" + (" ---: | ---: |" if orders else "")]
        out += [f"| {markdown_code(t['tag'], cell=True)} | {share_cell(t['normalised']['estimate'])} |"
                + ("".join(f" {cell} |" for cell in estimated(t["shapley"])) if orders else "") for t in a["tags"]]
    return out + [""]


def _beyond(r: dict) -> list[str]:
    """What a vote past the analysis of every index gets after its figures, when it has them: the
    fewest who pass and who block it, then the Shapley-Shubik estimates."""
    out = [markdown_text(line[0].upper() + line[1:]) + "." for line in fewest_words(r["fewest"])] + [""] \
        if "fewest" in r else []
    return out + (_sampled_shapley(r["sampled_shapley"]) if "sampled_shapley" in r else [])


def _sampled_shapley(s: dict) -> list[str]:
    """The Shapley-Shubik estimates beside exact or certified Banzhaf indices."""
    out = [f"**{markdown_text(sampled_shapley_words(s))}**.", "",
           f"| Player | Shapley-Shubik (approx.) | {s['confidence']:.0%} interval |", "| --- | ---: | ---: |"]
    out += [f"| {markdown_code(p['name'], cell=True)} | " + " | ".join(estimated(p["shapley"])) + " |" for p in s["players"]]
    if s.get("tags") == []:
        out += ["", f"{_capital(NO_TAGS)}."]
    elif "tags" in s:
        out += ["", f"{markdown_text(_capital(tag_estimates(s['interval'])))}:", "",
                f"| Tag | Shapley-Shubik (approx.) | {s['confidence']:.0%} interval |", "| --- | ---: | ---: |"]
        out += [f"| {markdown_code(t['tag'], cell=True)} | " + " | ".join(estimated(t["shapley"])) + " |" for t in s["tags"]]
    return out + [""]


def _certified(c: dict) -> list[str]:
    out = [f"**{markdown_text(certified_words(c))}**.", "",
           f"{markdown_text(shares_between(c)[0].upper() + shares_between(c)[1:])}.", "",
           "| Player | " + " | ".join(title for _, title in CERTIFIED) + " |",
           "| --- | " + " | ".join("---:" for _ in CERTIFIED) + " |"]
    for p in c["players"]:
        cells = [f"{p['banzhaf']['value']:.6g}"] + [f"{share_cell(p[k]['value'])}" for k, _ in CERTIFIED[1:]]
        out.append(f"| {markdown_code(p['name'], cell=True)} | " + " | ".join(cells) + " |")
    if c.get("tags") == []:
        out += ["", f"{_capital(NO_TAGS)}."]
    elif "tags" in c:
        out += ["", "| Tag | normalised (its members' shares added up) |", "| --- | ---: |"]
        out += [f"| {markdown_code(t['tag'], cell=True)} | {share_cell(t['normalised']['value'])} |" for t in c["tags"]]
    undetermined = f" (not determined: {', '.join(c['undetermined'])})" if c["undetermined"] else ""
    out += ["", f"Dummies: {markdown_text(', '.join(c['dummies']) or 'none')}{markdown_text(undetermined)}.",
            f"Vetoes: {markdown_text(', '.join(c['vetoes']) or 'none')}.", ""]
    return out


CHART_ROWS = 60  # (a chart of more players shows the largest shares, and says how many it leaves out)


def _chart_rows(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """The rows a chart draws (all of them, in the report's order, or the ``CHART_ROWS`` largest,
    largest first) and the rows it leaves out. ``rows``: those of :func:`_rows`."""
    if len(rows) <= CHART_ROWS:
        return rows, []
    ranked = sorted(rows, key=lambda r: -r["most"])
    return ranked[:CHART_ROWS], ranked[CHART_ROWS:]


def _rows(r: dict) -> tuple[str, str, str, list[dict]]:
    """What an outcome's chart draws: its heading, its label's first words, its caption and per
    player the value, the interval it is certain (or estimated) to lie in, the exact fraction if
    there is one, and ``most``: what ranks it and bounds those a chart leaves out (the exact value,
    the certified upper bound, or the estimate); as percentages of all swings, or (sampled) as raw
    indices."""
    if "certified" in r:
        rows = [{"name": p["name"], **{k: p["normalised"][k] for k in ("value", "low", "high")}, "exact": None,
                 "most": p["normalised"]["high"]} for p in r["certified"]["players"]]
        return ("Banzhaf (normalised): CERTIFIED BOUNDS, NOT EXACT", "CERTIFIED BOUNDS, NOT EXACT: Banzhaf index, "
                "normalised, per player", "Each player's share of all swings (the normalised Banzhaf index), certified "
                "bounds, not exact: the bar is the interval's midpoint, the whisker the interval that holds the share "
                "for certain.", rows)
    if "approximate" in r:
        a = r["approximate"]
        rows = [{"name": p["name"], "value": p["banzhaf"]["estimate"], "low": p["banzhaf"]["low"],
                 "high": p["banzhaf"]["high"], "exact": None, "most": p["banzhaf"]["estimate"]} for p in a["players"]]
        bounded = f" of the game bounded to depth {r['bounded']['depth']}" if "bounded" in r else ""
        return (f"Banzhaf (raw){_bounded(r)}: APPROXIMATE, NOT EXACT", "APPROXIMATE, NOT EXACT: Banzhaf index, raw, "
                "estimated, per player", f"Each player's raw Banzhaf index{bounded} estimated from {a['samples']:,} "
                f"random coalitions, approximate, not exact: the bar is the estimate, the whisker its "
                f"{a['confidence']:.0%} interval.", rows)
    rows = [{"name": p["name"], "value": p["normalised"]["value"], "low": p["normalised"]["value"],
             "high": p["normalised"]["value"], "exact": str(fraction(p["normalised"])),
             "most": fraction(p["normalised"])} for p in r["players"]]
    bounded = f" in the game bounded to depth {r['bounded']['depth']}, not exact" if "bounded" in r else ""
    return (f"Banzhaf (normalised){_bounded(r)}", "Banzhaf index, normalised, per player",
            f"Each player's share of all swings (the normalised Banzhaf index){bounded}.", rows)


def _figure(value: float, percent: bool) -> str:
    return f"{share_cell(value)}" if percent else f"{value:.4f}"


def svg(r: dict) -> str:
    """One bar per player: its normalised Banzhaf index (its share of all swings), or for a sampled
    outcome its estimated raw index; with the value written beside it and as a tooltip; the longest
    bar is the largest. Certified and sampled values carry a whisker, their interval, and the chart's
    heading and label say NOT EXACT; a chart of more than ``CHART_ROWS`` players draws the largest and
    says how many others there are and the most any of them has (exact or certified: a bound on
    each, rounded up) or is estimated to have (sampled: the largest of their estimates)."""
    heading, words, _, rows = _rows(r)
    percent = "approximate" not in r
    shown_rows, left = _chart_rows(rows)
    top = max([p["high"] for p in shown_rows] + [1e-9])
    height = 26 + ROW_H * (len(shown_rows) + bool(left)) + 8
    label = f"{words}: {_title(r)}{_bounded(r)}"
    bars = max([LABEL_W] + [text_width(p["name"], 11) + 12 for p in shown_rows])  # (x of the bars: every name fits)
    rest = ""
    if left:
        most = rounded(max(p["most"] for p in left), True, 3, percent)
        rest = (f"and {len(left):,} other players, each {'at most' if percent else 'estimated at'} {most}"
                f"{'' if percent else ' or less'}")
    width = math.ceil(max(bars + BAR_W + CHART_W - LABEL_W - BAR_W, text_width(heading, 12) + 8,
                          bars + text_width(rest, 11) + 8))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="power-chart" width="{width}" height="{height}" '
           f'role="img" aria-label="{escape(shown(label))}">',
           f'<text x="4" y="16" font-size="12">{escape(heading)}</text>']
    for i, p in enumerate(shown_rows):
        y, name = 26 + ROW_H * i, escape(shown(p["name"]))
        value, low, high = (p[k] / top * BAR_W for k in ("value", "low", "high"))
        exact = f' data-value="{escape(p["exact"])}"' if p["exact"] is not None else (
            f' data-low="{p["low"]!r}" data-high="{p["high"]!r}"')
        between = "" if p["exact"] is not None else (  # (the bounds rounded outward)
            f" (between {rounded(p['low'], False, 6, percent)} and {rounded(p['high'], True, 6, percent)})")
        out.append(f'<text x="{bars - 6:.0f}" y="{y + ROW_H - 6}" font-size="11" text-anchor="end">{name}</text>')
        out.append(f'<rect x="{bars:.0f}" y="{y + 2}" width="{value:.1f}" height="{ROW_H - 4}" fill="#4a7bd0" '
                   f'data-player="{name}"{exact}><title>{name}: {_figure(p["value"], percent)}{between}</title></rect>')
        if p["exact"] is None:  # (the whisker: the interval, with its ends marked)
            mid = y + ROW_H / 2
            out.append(f'<path d="M{bars + low:.1f} {mid - 4:.0f}v8M{bars + low:.1f} {mid:.0f}H{bars + high:.1f}'
                       f'M{bars + high:.1f} {mid - 4:.0f}v8" stroke="#1d2330" fill="none" class="interval"/>')
        out.append(f'<text x="{bars + high + 4:.1f}" y="{y + ROW_H - 6}" font-size="11">'
                   f'{_figure(p["value"], percent)}</text>')
    if left:
        y = 26 + ROW_H * len(shown_rows)
        out.append(f'<text x="{bars:.0f}" y="{y + ROW_H - 6}" font-size="11" class="left-out">{escape(rest)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def power_sections(report: dict, exit_code: int) -> list[dict]:
    """Per outcome: its chart and the chart's caption (None where no index is defined) and its
    Markdown as HTML."""
    from markupsafe import Markup

    from ..review import markdown_parser

    sections = []
    for r in report["outcomes"]:
        one = {**report, "outcomes": [r], "unsupported": []}
        body = markdown(one, exit_code).split("\n", 2)[2].rsplit("\nExit code", 1)[0]  # (the heading and exit line are the page's)
        charted = any(k in r for k in ("players", "certified", "approximate"))
        sections.append({"svg": Markup(svg(r)) if charted else None, "caption": _rows(r)[2] if charted else None,
                         "body": Markup(markdown_parser().render(body))})
    return sections


def power_tail(report: dict, exit_code: int):
    """The outcomes not analysed and the exit code, as HTML."""
    from markupsafe import Markup

    from ..review import markdown_parser

    return Markup(markdown_parser().render(markdown({**report, "outcomes": []}, exit_code).split("\n", 2)[2]))
