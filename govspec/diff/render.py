"""The diff in text (for a reader, with each flip's scenario), Markdown (for a review or a pull request,
escaped by the rules of :mod:`govspec.safe`), HTML (that Markdown as a page) and JSON (schema
``govspec-diff/1``)."""

from __future__ import annotations


from ..formats.render import detail_lines, reason_text, statement
from ..safe import json_text, markdown_code, markdown_fence, markdown_text, shown
from . import GAINED, KEPT, LOST, NO_LONGER_APPLIES, ONE_SIDE, UNDECIDED, Diff

CHANGE_WORDS = {LOST: "held before, fails now", GAINED: "failed before, holds now", KEPT: "unchanged",
                UNDECIDED: "not decided on both sides", ONE_SIDE: "checked on one side only",
                NO_LONGER_APPLIES: "held before, does not apply now"}


def change_words(g) -> str:
    """A property's change in words; an undecided one names the side (or both) it is not decided on."""
    if g.change != UNDECIDED:
        return CHANGE_WORDS[g.change]
    sides = [side for side, r in (("old", g.before), ("new", g.after)) if r.status not in ("proved", "refuted")]
    return f"not decided under the {sides[0]} rules" if len(sides) == 1 else "not decided under the old rules nor the new"


def _shown_sides(g) -> list[tuple[str, object]]:
    """The sides of a property shown in full: that of a flip where it fails, or each where it is not
    decided (bounded or unknown: its reason is the limit of the result), whatever the change (a
    property checked on one side only too)."""
    if g.change in (LOST, GAINED):
        return [(("new", g.after) if g.change == LOST else ("old", g.before))]
    return [(side, r) for side, r in (("old", g.before), ("new", g.after))
            if r is not None and r.status not in ("proved", "refuted")]


def text(diff: Diff) -> str:
    out = [f"govspec diff: {shown(diff.old)} -> {shown(diff.new)}", ""]
    out.append(f"Rules ({len(diff.rules)} change{'s' if len(diff.rules) != 1 else ''}):")
    out += [f"  {c.line()}" for c in diff.rules] or ["  none"]
    out += ["", "Properties (each checked under the old rules, then the new):"]
    width = max((len(g.name) for g in diff.guarantees), default=0)
    for g in diff.guarantees:
        out.append(f"  {g.name:<{width}}  {_verdicts(g)}   ({change_words(g)})")
    if not diff.guarantees:
        out.append("  none (neither file states a property)")
    for g in diff.guarantees:
        for n, (side, r) in enumerate(_shown_sides(g)):
            out += ["", f"{g.name} ({change_words(g)}): {statement(g.text)}"] if n == 0 else []
            out += [f"  {_side_words(side, r)}", *detail_lines(r)]
    for g in diff.guarantees:
        out += [f"  note: {line}" for line in _not_applying(g)]
    if diff.power or diff.notes:
        out += ["", "Power (the fewest people who can force or block each procedure, from everyone declared"
                + ("; P.executed: its taking effect, after a timelock or a veto window" if _timed(diff) else "") + "):"]
    for p in diff.power:
        if p.refused_alike:
            out.append(f"  to {p.kind} {p.procedure}: not computed: {p.why_not}")
            continue
        before, after = _power_words(p, "old"), _power_words(p, "new")
        out.append(f"  to {p.kind} {p.procedure}: {before} -> {after}   ({_mark(p)})")
        if p.why_not:
            out.append(f"    not computed {p.why_not}")
        for side, least in (("old", p.before), ("new", p.after)):
            if p.changed and least is not None and least.coalition is not None:
                out.append(f"    {side} rules: nobody is needed: {least.result.summary}" if least.size == 0 else
                           f"    {side} rules: {{{', '.join(least.coalition)}}} can {p.kind} it"
                           + (f": {_first(least.result.summary)}" if p.kind == "block" else ""))
                if p.kind == "force":
                    out += ["    " + line for line in _without_story(detail_lines(least.result))]
    for note in diff.notes:
        out.append(f"  note: {note}")
    moved = [(n, a, b) for n, a, b in diff.passable if a != b]
    if moved:
        out += ["", "Procedures that can pass:"]
        out += [f"  {n}: {a or 'absent'} -> {b or 'absent'}" for n, a, b in moved]
    lost = [g.name for g in diff.guarantees if g.change == LOST]
    out += ["", f"{len(lost)} propert{'y' if len(lost) == 1 else 'ies'} lost" + (f": {', '.join(lost)}" if lost else "")
            + f"; exit code {diff.exit_code}"]
    return shown("\n".join(out) + "\n", keep="\n")


def _verdicts(g) -> str:
    """``HOLDS UP TO 1 STEP -> PROVED``: a property's verdict words under the old rules, then the new."""
    return " -> ".join(r.word if r else "does not apply" for r in (g.before, g.after))


def _side_words(side: str, r) -> str:
    return f"under the {side} rules, {r.word}: {r.summary}"


def _not_applying(g) -> list[str]:
    return [f"{g.name} does not apply to the {side} rules: {why}"
            for side, why in (("old", g.why_not_before), ("new", g.why_not_after)) if why]


def findings(diff: Diff) -> tuple[tuple[str, str, str], ...]:
    """(property, "error" or "warning", message) for each property the diff loses (an error) or leaves
    undecided or no longer applying (a warning): what SARIF and JUnit say of a review's diff block.
    The message is the text's: the verdict words on each side, the change, and each side shown in
    full with its summary and the reason of an undecided one."""
    found = []
    for g in diff.guarantees:
        if g.change not in (LOST, UNDECIDED, NO_LONGER_APPLIES):
            continue
        parts = [f"{g.name}: {_verdicts(g)} ({change_words(g)}), from {diff.old} to {diff.new}"]
        for side, r in _shown_sides(g):
            parts.append(_side_words(side, r) + (f"; {reason_text(r)}" if r.reason else ""))
        parts += _not_applying(g)
        found.append((g.name, "error" if g.change == LOST else "warning", "; ".join(parts)))
    return tuple(found)


def _power_words(p, side: str) -> str:
    """One side's answer: its words, "not computed" (the question not allowed there) or "absent"."""
    least = p.before if side == "old" else p.after
    if least is not None:
        return least.words()
    return "not computed" if side in dict(p.refused) else "absent"


def _mark(p) -> str:
    if p.why_not:
        return "not compared: a side not computed"
    return "not decided" if p.changed is None else "changed" if p.changed else "unchanged"


def _timed(diff: Diff) -> bool:
    """Is some power question about a procedure taking effect (``P.executed``)?"""
    return any(p.procedure.endswith(".executed") for p in diff.power)


def _without_story(lines: list[str]) -> list[str]:
    """The scenario of a witness without its story (the diff shows the steps; check shows both)."""
    return lines[:next((i for i, line in enumerate(lines) if line.strip() == "story:"), len(lines))]


def _first(summary: str) -> str:
    return summary.split(": ", 1)[1] if ": " in summary else summary


def json(diff: Diff) -> str:
    return json_text(diff.as_dict()) + "\n"


def markdown(diff: Diff) -> str:
    """The diff as Markdown: the same content as the text, as tables and fenced scenarios."""
    out = [f"# What the change does: {markdown_code(shown(diff.old))} to {markdown_code(shown(diff.new))}", "",
           f"## Rules ({len(diff.rules)} change{'s' if len(diff.rules) != 1 else ''})", ""]
    if diff.rules:
        out += ["| Where | Before | After |", "| --- | --- | --- |"]
        out += [f"| {markdown_text(c.where)} | {_cell(c.before)} | {_cell(c.after)} |" for c in diff.rules]
    else:
        out.append("No rule changed.")
    out += ["", "## Properties under the old rules and the new", ""]
    if diff.guarantees:
        out += ["| Property | Old rules | New rules | Change |", "| --- | --- | --- | --- |"]
        for g in diff.guarantees:
            before = f"**{g.before.word}**" if g.before else "does not apply"
            after = f"**{g.after.word}**" if g.after else "does not apply"
            out.append(f"| {markdown_code(g.name, cell=True)} | {before} | {after} | {change_words(g)} |")
    else:
        out.append("Neither file states a property.")
    for g in diff.guarantees:
        for n, (side, r) in enumerate(_shown_sides(g)):
            out += ["", f"### {markdown_code(g.name)}: {change_words(g)}", "", f"{markdown_code(statement(g.text))}"] if n == 0 else []
            out += ["", f"Under the {side} rules, **{r.word}**: {markdown_text(r.summary)}.", ""]
            out += markdown_fence([line[2:] for line in detail_lines(r)])
    for g in diff.guarantees:
        for side, why in (("old", g.why_not_before), ("new", g.why_not_after)):
            if why:
                out += ["", f"**Note:** {markdown_code(g.name)} does not apply to the {side} rules: {markdown_text(why)}"]
    if diff.power or diff.notes:
        out += ["", "## Power: the fewest people who can force or block each procedure", ""]
        out += [f"{markdown_code('P.executed')}: its taking effect, after a timelock or a veto window.", ""] if _timed(diff) else []
    if diff.power:
        out += ["| Procedure | To | Old rules | New rules | |", "| --- | --- | --- | --- | --- |"]
        for p in diff.power:
            before, after = _power_words(p, "old"), _power_words(p, "new")
            out.append(f"| {markdown_code(p.procedure, cell=True)} | {p.kind} | {markdown_text(before)} | "
                       f"{markdown_text(after)} | {_mark(p)} |")
        out += [f"\n**Note:** to {p.kind} {markdown_code(p.procedure)}: not computed "
                + markdown_text(f"under both sets of rules: {p.why_not}" if p.refused_alike else p.why_not)
                for p in diff.power if p.why_not]
        for p in diff.power:
            for side, least in (("old", p.before), ("new", p.after)):
                if p.changed and least is not None and least.coalition is not None:
                    out += ["", f"Under the {side} rules, nobody is needed: {markdown_text(least.result.summary)}."
                            if least.size == 0 else
                            f"Under the {side} rules, {markdown_code('{' + ', '.join(least.coalition) + '}')} "
                            f"can {p.kind} {markdown_code(p.procedure)}"
                            + (f": {markdown_text(_first(least.result.summary))}." if p.kind == "block" else ":")]
                    if p.kind == "force":
                        out += ["", *markdown_fence([line[2:] for line in _without_story(detail_lines(least.result))])]
    out += [f"\n**Note:** {markdown_text(note)}" for note in diff.notes]
    lost = [g.name for g in diff.guarantees if g.change == LOST]
    out += ["", f"**{len(lost)} propert{'y' if len(lost) == 1 else 'ies'} lost**"
            + (f": {', '.join(markdown_code(n) for n in lost)}" if lost else "") + f"; exit code {diff.exit_code}."]
    return "\n".join(out) + "\n"


def _cell(text: str | None) -> str:
    return "(none)" if text is None else markdown_code(text, cell=True)


def html(diff: Diff) -> str:
    """The diff as an HTML page: its Markdown rendered with raw HTML off (every user string escaped)."""
    from markupsafe import Markup

    from ..formats.html import environment
    from ..review import markdown_parser

    body = Markup(markdown_parser().render(markdown(diff)))
    return environment().get_template("diff.html.j2").render(
        title=f"What the change does: {shown(diff.old)} to {shown(diff.new)}", body=body, exit_code=diff.exit_code)
