"""Tell a trace as a short story: one plain-prose sentence per step.

Assumes report trace steps as :mod:`govspec.scenario` builds them (names, phases, stages, changes
and rule references; the state snapshots are used when present, for the day and for who was not
told).  Guarantees: one sentence per step, each starting ``Day N:``, naming who met or signed, who
was not told, how they voted, the numbers the step's rules compared (its ``arithmetic``), the
rule lines that allowed the step with their citations in parentheses (each clause in full once
per story, then by a short name: :class:`_Citations`), and then only what changed.  Pure function
of the frozen report objects.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import PurePosixPath

from ..report import RuleRef, StageRecord, TraceStep
from ..safe import people_words, shown


def _people(names) -> str:
    return people_words(names)


def _verb(names, one: str, many: str) -> str:
    return f"{_people(names)} {one if len(names) == 1 else many}"


def _rule(ref: RuleRef, file: bool = True) -> str:
    where = f"line {ref.line}" + (f" of {shown(ref.path)}" if ref.path and file else "")
    if ref.amendment:
        where += f", an amendment that {ref.amendment}"
    return f"{ref.cite}, {where}" if ref.cite else f"{ref.text}, {where}"


def _refs(step: TraceStep) -> list[RuleRef]:
    """The clauses a step cites: its procedure's own citation (when it has one), then its rules."""
    own = [RuleRef(step.name, step.line, step.cite, step.path)] if step.cite else []
    return own + list(step.rules)


class _Citations:
    """Each clause cited in full once per story, at its first use (its citation or text, its line
    and file), and after that by a short name: its citation up to the first colon ('Bylaws art.
    3.7'), else its line ('line 28'; 'line 28 of oz_governor.gov' where two files share the line
    number); a short name two clauses would share is their line instead (issue 16.4)."""

    def __init__(self, trace: tuple[TraceStep, ...]):
        clauses = list(dict.fromkeys(_rule(r) for step in trace for r in _refs(step)))
        refs = {_rule(r): r for step in trace for r in _refs(step)}
        files: dict[int, set] = {}
        for r in refs.values():
            files.setdefault(r.line, set()).add(r.path)

        def line(r: RuleRef) -> str:
            name = PurePosixPath(shown(r.path)).name if r.path else None
            return f"line {r.line}" + (f" of {name or 'this spec'}" if len(files[r.line]) > 1 else "")

        named = {c: refs[c].cite.split(": ")[0] if refs[c].cite else None for c in clauses}
        taken = Counter(n for n in named.values() if n)
        self.short = {c: n if n and taken[n] == 1 else line(refs[c]) for c, n in named.items()}
        # (clauses without a citation that share a line, as a stage line and its default rule: their text first)
        lines = Counter(self.short.values())
        for c in clauses:
            if lines[self.short[c]] > 1 and not named[c]:
                self.short[c] = f"{refs[c].text}, {self.short[c]}"
        self.seen: set[str] = set()

    def of(self, step: TraceStep) -> str:
        """The step's clauses: in full at first use (a file named once in a row), else short; the
        procedure's own citation only the first time (the sentence names the procedure)."""
        out, path, here = [], None, set()
        refs = _refs(step)
        own = refs[0] if step.cite else None
        for ref in refs:
            clause = _rule(ref)
            if clause in here:  # (a clause once in a step)
                continue
            here.add(clause)
            if clause not in self.seen:
                out.append(_rule(ref, file=ref.path != path))
                path = ref.path
            elif ref is not own:
                out.append(self.short[clause])
            self.seen.add(clause)
        return f" ({'; '.join(dict.fromkeys(out))})" if out else ""


_MOVE = re.compile(r"^(\S+): (.+) -> (.+)$")
_HOLDS = re.compile(r"^(\S+) holds (.+) -> (.+) tokens$")


def _change(text: str) -> str:
    """'ceo: altman -> vacant' reads 'ceo goes from altman to vacant'; other changes read as written."""
    if m := _HOLDS.match(text):
        return f"{m[1]}'s tokens go from {m[2]} to {m[3]}"
    if m := _MOVE.match(text):
        return f"{m[1]} goes from {m[2]} to {m[3]}"
    return text


def _changed(step: TraceStep) -> str:
    if not step.changes:
        return " Nothing changes."
    return " Changed: " + "; ".join(_change(c) for c in step.changes) + "."


def _members(step: TraceStep, body: str) -> tuple[str, ...] | None:
    return dict(step.before.members).get(body) if step.before is not None else None


def _votes(stage: StageRecord) -> str:
    if len(stage.present) > 1 and stage.yes == stage.present:
        return "all vote yes"
    parts = [_verb(stage.yes, "votes yes", "vote yes")] if stage.yes else []
    if stage.no:
        parts.append(_verb(stage.no, "votes no", "vote no"))
    if stage.abstain:
        parts.append(_verb(stage.abstain, "abstains", "abstain"))
    return ", ".join(parts) if parts else "nobody votes"


def _meeting(step: TraceStep, stage: StageRecord, veto: bool) -> str:
    members = _members(step, stage.body)
    present = stage.present
    # (under "attendance waives notice" a member not notified may come: they waive it, unless they object)
    waived = [p for p in present if p not in stage.notified and p not in stage.signed_waiver]
    untold = [p for p in members if p not in stage.notified and p not in waived] if members is not None else []
    # (one person "meets alone as the board": "p3 meets as the board" read as a slip, issue 16.4)
    who = f"{present[0]} meets alone" if len(present) == 1 else _verb(present, "meets", "meet") if present else "nobody comes"
    text = f"{who} as the {stage.body}" + (f" to veto {_procedure(step)}" if veto else "")
    if untold:
        text += f" without notice to {_people(untold)}"
    elif members is not None and not waived and not stage.signed_waiver:
        text += " with notice to every member"
    if waived:
        text += f"; {_verb(waived, 'attends', 'attend')} without notice, waiving it"
    if stage.objected:
        text += f"; {_verb(stage.objected, 'comes', 'come')} only to object that no notice was given"
    if stage.signed_waiver:  # (notice may be waived in writing)
        text += f"; {_verb(stage.signed_waiver, 'signs', 'sign')} a written waiver of notice"
    away = [p for p in stage.notified if p not in present]
    if away and not stage.outsiders_free:
        text += f"; {_verb(away, 'is', 'are')} told but {'stays' if len(away) == 1 else 'stay'} away"
    if stage.recused:
        text += f"; {_verb(stage.recused, 'is', 'are')} recused"
    tie = f", a tie that {stage.casting}'s casting vote as chair decides" if stage.casting else ""
    return text + "; " + _votes(stage) + tie


def _procedure(step: TraceStep) -> str:
    for suffix in (" vetoed", " takes effect"):
        if step.name.endswith(suffix):
            return step.name[: -len(suffix)]
    return step.name


def _args(step: TraceStep) -> str:
    return " with " + ", ".join(f"{k} = {v}" for k, v in step.args) if step.args else ""


def _numbers(stage: StageRecord) -> str:
    """'; quorum met: 3 present, more than half of 5 members (2.5)': what the stage's rules compared."""
    if not stage.arithmetic:
        return ""
    alone = "counting the coalition alone, " if stage.outsiders_free else ""
    return "".join(f"; {alone if i == 0 else ''}{a.words}" for i, a in enumerate(stage.arithmetic))


def _stage(step: TraceStep, stage: StageRecord) -> str:
    name = _procedure(step) + _args(step)
    vetoing = step.phase == "veto"
    if stage.mode == "consent" and stage.kind == "vetoed":
        if vetoing:
            return (f"{_verb(stage.yes, 'signs', 'sign')} the veto petition of the {stage.body} against {name}"
                    + (_numbers(stage) or ", and the veto carries"))
        if stage.outsiders_free:
            return f"the veto of the {stage.body} fails whether or not the members outside the coalition sign" + _numbers(stage)
        return f"the veto petition of the {stage.body}, signed by {_people(stage.yes)}, does not carry" + _numbers(stage)
    if stage.mode == "consent":
        text = f"{_verb(stage.yes, 'signs', 'sign')} a written consent of the {stage.body} to {name}"
        members = _members(step, stage.body)
        others = [p for p in members if p not in stage.yes] if members is not None else []
        if stage.outsiders_free:
            text += ", which passes whether or not the members outside the coalition sign"
        elif others:
            text += f" ({_people(others)} {'does' if len(others) == 1 else 'do'} not sign)"
        return text + _numbers(stage)
    text = _meeting(step, stage, veto=vetoing or stage.kind == "vetoed")
    if stage.kind == "vetoed":
        text += _numbers(stage)
        if vetoing:
            return text + ("" if stage.arithmetic else ", and the veto carries")
        if stage.outsiders_free:
            return text + ", and the veto fails whatever the members outside the coalition do"
        return text + ("" if stage.arithmetic else ", and the veto fails")
    text += _numbers(stage)
    outcome = f"so {name} passes" if stage.kind == "decided" else f"so {stage.body} approves {name}"
    if stage.outsiders_free:
        outcome += " whether the members outside the coalition stay away, vote no or abstain"
    return f"{text}, {outcome}"


def _sentence(step: TraceStep, day: int, cited: _Citations) -> str:
    if step.phase == "wait":
        days = int(dict(step.args)["days"])
        others = [_change(c) for c in step.changes if not c.startswith("day ")]
        return f"Day {day}: {days} day{'s pass' if days != 1 else ' passes'}" + (f"; {'; '.join(others)}." if others else ".")
    name = _procedure(step) + _args(step)
    if step.phase == "execute":
        body = f"{name} takes effect, its waiting time over"
        body += "".join(": " + "; ".join(c.words for c in a.comparisons) for a in step.arithmetic[:1])
    elif step.phase == "propose":
        if " meeting called by " in step.name:
            proc, _, caller = step.name.partition(" meeting called by ")
            body = f"{caller} calls a meeting for {proc}{_args(step)}"
        else:
            proc, _, proposer = step.name.partition(" proposed by ")
            body = f"{proposer} proposes {proc}{_args(step)}"
    elif step.phase == "cancel":
        body = f"the proposal of {step.name.removesuffix(' proposal cancelled')}{_args(step)} is withdrawn"
    elif step.kind == "event" and not step.stages:
        body = f"the event {name} happens"
    else:
        body = "; then ".join(_stage(step, s) for s in step.stages)
    if step.phase != "execute":
        body += "".join(f"; {a.words}" for a in step.arithmetic)
    return f"Day {day}: {body}{cited.of(step)}.{_changed(step)}"


def story(trace: tuple[TraceStep, ...]) -> list[str]:
    """The trace as sentences, one per step, each starting 'Day N:'."""
    out, day = [], 0
    cited = _Citations(trace)
    for step in trace:
        if step.phase == "wait":
            day = step.after.day if step.after is not None else day + int(dict(step.args)["days"])
        elif step.before is not None:
            day = step.before.day
        out.append(_sentence(step, day, cited) + "".join(
            f" {who} cannot take effect now: {why} fails, so it keeps waiting." for who, why in step.held))
    return out
