"""Render reports: text (one line per property, then scenarios in plain words) and JSON.

Pure functions of the frozen report objects; nothing here checks anything.  User text is escaped
as it is written (:mod:`govspec.safe`): paths where they are placed (a file name may hold a line
break), the whole text output for controls; JSON keeps the exact text.
"""

from __future__ import annotations

from ..diagnostics import render as render_diagnostic
from ..report import BOUNDED, PROVED, REFUTED, UNKNOWN, WITNESS_KINDS, FileReport, PropertyResult, Report, SanityResult, TraceStep, steps_text
from ..safe import counted, json_text as safe_json, people_words, shown
from ..wording import statement  # noqa: F401 (re-exported: the diff and tune renderings use it)
from .story import story

STATUS_WORD = {"proved": "PROVED", "refuted": "REFUTED", "bounded": "BOUNDED", "unknown": "UNKNOWN"}  # (the status; r.word says more)



def with_args(name: str, args: str) -> str:
    """A step's name with its arguments after the procedure's own name: ``pay(x = carol) takes
    effect``, not ``pay takes effect(x = carol)`` (found by the new-user trial, docs/trials.md)."""
    if not args:
        return name
    own, _, rest = name.partition(" ")
    return f"{own}({args})" + (f" {rest}" if rest else "")

def _people(names) -> str:
    return people_words(names)


def _clause(ref) -> str:
    where = f"line {ref.line}" + (f" of {shown(ref.path)}" if ref.path else "")
    if ref.cite:
        where += f", {ref.cite}"
    if ref.amendment:
        where += f"; amendment: {ref.amendment}"
    return f"{ref.text} ({where})"


def relied_on_lines(r: PropertyResult) -> list[str]:
    """--explain: the rules the proof relies on, and those not removed alone (every format's words)."""
    if r.relied_on is None:
        return []
    return ["relied on: " + ("; ".join(_clause(x) for x in r.relied_on) if r.relied_on else _none_relied_on(r))
            + (f"; {counted(r.relied_on_undecided, 'rule')} undecided" if r.relied_on_undecided else ""),
            *(f"not removed alone: {why}" for why in r.relied_on_untried)]


def _none_relied_on(r: PropertyResult) -> str:
    """--explain found no rule the proof needs: within what the checks without each rule searched."""
    scope = r.relied_on_scope
    if scope is None:
        return "no rule shown needed" if r.relied_on_undecided else "no single rule (the spec has none to remove)"
    within = "in behaviours of any length" if scope.depth is None else f"within {steps_text(scope.depth)}"
    within += f", with {scope.sizes_text()}" if not isinstance(scope.sizes, str) else (
        ", at every size" if scope.sizes == "all" else "")
    if r.relied_on_undecided or r.relied_on_untried:
        return f"no single rule shown needed (removing each of the others leaves it true {within})"
    return f"no single rule (removing any one leaves it true {within})"


def scenario_lines(trace: tuple[TraceStep, ...], forcing: bool) -> list[str]:
    lines = []
    for step in trace:
        if step.phase == "wait":
            lines.append(f"{step.index}. Time passes: {counted(int(dict(step.args)['days']), 'day')}")
            lines.append("   changes: " + "; ".join(step.changes))
            lines += [f"   {who} cannot take effect now: {why} fails" for who, why in step.held]
            continue
        args = ", ".join(f"{k} = {v}" for k, v in step.args)
        head = f"{step.index}. {'Event' if step.kind == 'event' else 'Procedure'} {with_args(step.name, args)}"
        if step.phase == "veto":
            head = f"{step.index}. Veto of {step.name[:-len(' vetoed')]}" + (f"({args})" if args else "")
        cite = f" [{step.cite}]" if step.cite else ""
        lines.append(f"{head}{cite}")
        for stage in step.stages:
            verb = {"decided": "decides", "approved": "approves", "vetoed": "does not veto"}[stage.kind]
            if step.phase == "veto":
                verb = "vetoes"
            if stage.mode == "consent" and stage.kind == "vetoed" and step.phase == "veto":
                lines.append(f"   {stage.body} veto petition: signed by {_people(stage.yes)}; the veto carries")
            elif stage.mode == "consent" and stage.kind == "vetoed":
                lines.append(f"   {stage.body} veto petition: signed by {_people(stage.yes)}; the veto does not carry")
            elif stage.mode == "consent":
                lines.append(f"   {stage.body} {verb} by written consent: signed by {_people(stage.yes)}")
            else:
                veto = " (a veto vote)" if stage.kind == "vetoed" else ""
                lines.append(f"   {stage.body} meeting{veto}: notified {_people(stage.notified)}")
                who = "coalition present" if forcing else "present"
                lines.append(f"      {who}: {_people(stage.present)}")
                waived = [p for p in stage.present if p not in stage.notified and p not in stage.signed_waiver]
                if stage.signed_waiver:
                    lines.append(f"      signed a written waiver of notice: {_people(stage.signed_waiver)}")
                if waived:
                    lines.append(f"      attended without notice, waiving it: {_people(waived)}")
                if stage.objected:
                    lines.append(f"      came only to object to the notice: {_people(stage.objected)}")
                lines.append(f"      votes: yes {_people(stage.yes)}; no {_people(stage.no)}; abstain {_people(stage.abstain)}")
                if stage.casting:
                    lines.append(f"      a tie: {stage.casting}'s casting vote as chair decides it")
            if stage.recused:
                lines.append(f"      recused: {_people(stage.recused)}")
            alone = "counting the coalition alone, " if stage.outsiders_free else ""
            lines += [f"      {alone if i == 0 else ''}{a.words}" for i, a in enumerate(stage.arithmetic)]
            if forcing and stage.kind == "vetoed":
                others = "they may sign" if stage.mode == "consent" else "attend, vote either way, abstain or stay away"
                lines.append(f"      the veto fails whatever the members outside the coalition do ({others})")
            elif forcing and stage.mode == "consent":
                lines.append("      it passes whatever the members outside the coalition do (they need not sign)")
            elif forcing and any(r.text == "notice may be waived in writing" for r in step.rules):
                also = "attend, waiving notice, come to object, or " if any(r.text == "attendance waives notice" for r in step.rules) else ""
                lines.append("      it passes whatever the members outside the coalition do (stay away, vote no or abstain; "
                             f"those not notified may also {also}sign a written waiver of notice, then come or stay away)")
            elif forcing and any(r.text == "attendance waives notice" for r in step.rules):
                lines.append("      it passes whatever the members outside the coalition do (stay away, vote no or abstain; "
                             "those not notified may also attend, waiving notice, or come to object)")
            elif forcing:
                lines.append("      it passes whatever the members outside the coalition do (stay away, vote no or abstain)")
        lines += [f"   {a.words}" for a in step.arithmetic]
        if step.rules:
            lines.append("   allowed by: " + "; ".join(_clause(r) for r in step.rules))
        lines.append("   changes: " + ("; ".join(step.changes) if step.changes else "nothing"))
        lines += [f"   {who} cannot take effect now: {why} fails" for who, why in step.held]
    return lines


FORCING_KINDS = ("no_coalition", "every_coalition", "coalition_force", "coalition_block", "every_coalition_block",
                 "no_coalition_block", "power")


def has_details(r: PropertyResult) -> bool:
    """Whether a result has more to say than its verdict line: not a plain PROVED.  A PROVED ``no
    coalition`` says why, its summary: the largest coalitions checked, for what length, how shown."""
    return not (r.status == PROVED and not r.trace and not r.vacuous and r.relied_on is None and r.explanation is None
                and r.kind not in ("possible", "no_coalition"))


def detail_lines(r: PropertyResult) -> list[str]:
    """The property in words and as written, its citation, reason, coalition and scenario, indented by two spaces."""
    out = []
    if r.words:
        out.append(f"  in words: {r.words}")
    if r.statement:
        out.append(f"  as written: {r.statement}")
    if r.cite:
        out.append(f"  ({r.cite})")
    if r.reason:
        out.append(f"  {reason_text(r)}")
    if r.relied_on is not None and r.invariant:  # (--explain)
        out.append(f"  invariant: {r.invariant}")
    out.extend(f"  {line}" for line in relied_on_lines(r))
    if r.explanation is not None:  # (--explain, a power property)
        out.append("  explained:")
        out.extend(f"    {line}" for line in r.explanation)
    if r.kind == "possible" and r.status == PROVED and not r.trace:
        out.append("  witness: the initial state, before any step")
    if r.trace:
        forcing = r.kind in FORCING_KINDS
        if forcing and r.coalition:
            out.append(f"  coalition: {_people(r.coalition)}")
        out.append("  scenario:" if r.status == REFUTED else "  witness:")
        out.extend("  " + line for line in scenario_lines(r.trace, forcing))
        if r.status == REFUTED:
            out.append("  story:")
            out.extend("  " + sentence for sentence in story(r.trace))
    return out


def reason_text(r: PropertyResult) -> str:
    """``reason: not a proof: ...``: why a result is what it is (bounded: why it is not a proof;
    UNKNOWN: why it was not decided), as every format that shows a result words it."""
    return f"reason: {r.why}"


def verdict_phrase(r: PropertyResult, seconds: bool = True) -> str:
    """``REFUTED (depth 2, 0.02 s)``, ``HOLDS UP TO 6 STEPS (not proved, 3.10 s)``: the verdict as
    every format prints it, the limit of a bounded result in the word itself (``seconds=False``:
    without the time, ``PROVED (any length, vacuous)``, for outputs compared from run to run)."""
    extra = ", vacuous" if r.vacuous else ""
    return f"{r.word} ({scope_words(r)}{extra}" + (f", {r.seconds:.2f} s)" if seconds else ")")


def scope_words(r: PropertyResult) -> str:
    """What a result covers, beside its word in every format: ``any length``, ``depth 2`` (a
    counterexample's length), ``not proved`` (bounded: the word says how far), ``not decided``
    (unknown: its "depth 0" read as a counterexample's length)."""
    return "not proved" if r.status == BOUNDED else "not decided" if r.status == UNKNOWN else r.scope.describe()


def closing_notes(report: Report) -> list[str]:
    """What the exit code means when some results are bounded."""
    n = report.bounded_count
    if not n:
        return []
    results = "1 result is" if n == 1 else f"{n} results are"
    # (a bounded "can force" or "possible" found no witness; any other found no counterexample)
    # (a "possible" witnessed at some sizes only found one: it holds at those sizes)
    bounded = [r for f in report.files for r in f.properties if r.status == BOUNDED]
    witness = {r.kind in WITNESS_KINDS for r in bounded if not r.witnessed}
    found = {frozenset({False}): "no counterexample", frozenset({True}): "no witness"}.get(
        frozenset(witness), "no counterexample or witness")
    found = "; ".join(([f"{found} within the scope shown"] if witness else [])
                      + (["a witness at the sizes shown only"] if any(r.witnessed for r in bounded) else []))
    if report.accept_bounded:
        return [f"note: {results} bounded ({found}, but no proof); "
                "--accept-bounded counts them as passing for the exit code"]
    return [f"note: {results} bounded ({found}, but no proof)"
            + (": exit code 4 (--accept-bounded would let them pass)" if report.exit_code == 4 else "")]


def sanity_warnings(f: FileReport) -> list[str]:
    """One line per procedure whose sanity check did not come out 'ok'."""
    return [f"{shown(s.path or f.path)}:{s.line}: warning: {sanity_words(s)}" for s in f.sanity if s.status != "ok"]


def sanity_words(s: SanityResult) -> str:
    """``procedure 'fire' can never pass within 6 steps``: a sanity warning (or an undecided check) in
    the words every format gives it."""
    return f"procedure '{s.procedure}' {s.message}"


def text(report: Report, sources: dict[str, str] | None = None, color: bool = False) -> str:
    """The text output; every control character in it but its own line breaks shown escaped."""
    out: list[str] = []
    for f in report.files:
        if f.errors:
            for d in f.errors:
                out.append(render_diagnostic(d, (sources or {}).get(d.span.path)))
            continue
        if not f.properties and not f.diffs and not f.powers:
            out.append(f"{shown(f.path)}: no properties to check")
        for r in f.properties:
            out.append(f"{shown(r.path or f.path)}:{r.line}: {r.name} ... {verdict_phrase(r)}")
        for r in f.properties:
            if not has_details(r):
                continue
            out.append("")
            where = f"{shown(r.path or f.path)}:{r.line}: " if len(report.files) > 1 or r.path else ""
            out.append(f"{where}{r.name}: {r.word}: {r.summary}")
            out.extend(detail_lines(r))
        warnings = sanity_warnings(f)
        if warnings:
            out.append("")
            out.extend(warnings)
        for d in f.diffs:  # a review's diff blocks, as `govspec diff` prints them, located
            out += ([""] if out else []) + [f"{shown(f.path)}:{d.line}: {d.text.rstrip()}"]
        for p in f.powers:  # a review's power blocks, as `govspec power` prints them, located
            out += ([""] if out else []) + [f"{shown(f.path)}:{p.line}: {p.text.rstrip()}"]
    notes = closing_notes(report)
    if notes:
        out += ["", *notes]
    return shown("\n".join(out) + "\n", keep="\n")


def demoted(markdown: str, levels: int) -> str:
    """Markdown with each heading outside fenced blocks ``levels`` deeper (at most 6): a document
    such as a diff nested in another (a review's report) under that document's own headings."""
    out, fence = [], ""
    for line in markdown.split("\n"):
        mark = line[:3] if line[:3] in ("```", "~~~") else ""
        if fence and line.strip() and set(line.strip()) == {fence[0]} and len(line.strip()) >= len(fence):
            fence = ""
        elif not fence and mark:
            fence = line[:len(line) - len(line.lstrip(mark[0]))]
        elif not fence and line.startswith("#"):
            hashes = len(line) - len(line.lstrip("#"))
            line = "#" * min(6, hashes + levels) + line[hashes:]
        out.append(line)
    return "\n".join(out)


def json_text(report: Report) -> str:
    """The JSON report; a refuted property's scenario is also told as its story, the same
    sentences as in every other format (issue 16.4)."""
    data = report.as_dict()
    for f, found in zip(report.files, data["files"]):
        for r, result in zip(f.properties, found["properties"]):
            if r.status == REFUTED and r.trace:
                result["story"] = story(r.trace)
    return safe_json(data) + "\n"
