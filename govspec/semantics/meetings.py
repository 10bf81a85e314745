"""Meetings and stages: one body's decision within a step, and the arguments it is taken on.

Implements docs/semantics.md section 3 (One stage: notice, attendance, votes), condition 1 of
section 4 (the arguments fit the parameters) and the veto stage of a window (section 10 "Steps
over time").

The meaning of one stage of a procedure (one body's decision within a step):

- ``notified`` are members of the stage's body told of the meeting (all of them under
  ``notice all`` and for written consent);
- attendance is a subset of the notified; for written consent the signers attend and vote yes;
  under ``attendance waives notice`` anyone may attend, and a member not notified may instead come
  only to object (``objected``: not present, not voting);
- members recused *from quorum* are not counted in ``present``; members recused *from the vote*
  do not vote and are not ``eligible``;
- every attending, eligible member votes exactly one of yes, no, abstain; ``cast`` = yes + no;
- under ``notice may be waived in writing`` a member not notified may sign a written waiver
  (``signed_waiver``), whether or not they attend; a signer may attend (the waiver stands for notice);
- the stage carries when its quorum (if any) and its ``passes when`` rule both hold, and, under
  ``attendance waives notice`` or ``notice may be waived in writing``, every member was notified,
  signed a waiver or (under ``attendance waives notice``) attended (:func:`notice_defect`).

Assumes every stage of a step is decided on the state before the step (section 4).  Guarantees:
:func:`choice_problems` says why a stage choice breaks these rules (empty: it keeps them) and
:func:`args_problems` why arguments do not fit; :func:`stage_carries` and :func:`window_carries`
evaluate the stage's rules on :func:`stage_sets`, for choices that keep the rules.
"""

from __future__ import annotations

from fractions import Fraction

from .. import model as m
from .evaluate import Env, eval_bool
from .state import StageChoice, State


def recused(proc: m.Procedure, args: dict[str, str], which: str) -> frozenset[str]:
    """Who is recused from the vote or from quorum (``which``): the parameters recused, and the
    people of every recusal by a set."""
    out: set[str] = set()
    for r in proc.recusals:
        if r.from_vote if which == "vote" else r.from_quorum:
            out |= r.people if r.people is not None else {args[r.formal]}
    return frozenset(out)


def stage_sets(proc: m.Procedure, stage: m.Stage, state: State, args: dict[str, str], choice: StageChoice) -> dict[str, frozenset[str]]:
    """The sets a stage's rules speak of, computed from the members' choices (see module docstring)."""
    members = state.body(stage.body)
    r_vote = recused(proc, args, "vote") & members
    r_quorum = recused(proc, args, "quorum") & members
    return {
        "notified": choice.notified,
        "present": choice.attended - r_quorum,
        "yes": choice.yes,
        "no": choice.no,
        "abstain": choice.abstain,
        "cast": choice.yes | choice.no,
        "eligible": members - r_vote,
        "recused": r_vote | r_quorum,
    }


def choice_problems(proc: m.Procedure, stage: m.Stage, state: State, args: dict[str, str], c: StageChoice) -> list[str]:
    members = state.body(stage.body)
    r_vote = recused(proc, args, "vote") & members
    problems = []
    if not c.notified <= members:
        problems.append(f"notified non-members of {stage.body}: {sorted(c.notified - members)}")
    if (stage.notice == "all" and not stage.waivable or stage.mode == "consent") and c.notified != members:
        problems.append(f"not every member of {stage.body} was notified")
    problems += _written_waiver_problems(stage, members, c)
    if stage.waiver:
        if not c.attended <= members:
            problems.append(f"non-members of {stage.body} attended: {sorted(c.attended - members)}")
        if not c.objected <= members - c.notified - c.attended:
            problems.append(f"only a member not notified, and not attending, objects: {sorted(c.objected)}")
    else:
        if not c.attended <= c.notified | c.signed_waiver:
            problems.append(f"attended without notice: {sorted(c.attended - c.notified - c.signed_waiver)}")
        if c.objected:
            problems.append("only under 'attendance waives notice' does a member object to the notice")
    if (c.yes & c.no) or (c.yes & c.abstain) or (c.no & c.abstain):
        problems.append("someone voted twice")
    voters = c.yes | c.no | c.abstain
    if voters & r_vote:
        problems.append(f"recused members voted: {sorted(voters & r_vote)}")
    if stage.mode == "consent":
        if c.no or c.abstain:
            problems.append("written consent has only signatures")
        if c.attended != c.yes:
            problems.append("for written consent the signers are the participants")
    elif voters != c.attended - r_vote:
        problems.append("every attending eligible member votes exactly once (yes, no or abstain)")
    return problems


def _written_waiver_problems(stage: m.Stage, members: frozenset[str], c: StageChoice) -> list[str]:
    """Who may sign a written waiver of notice: a member not notified, who does not object, at a
    stage with ``notice may be waived in writing`` (docs/semantics.md "Notice waived in writing")."""
    if not c.signed_waiver:
        return []
    if stage.written_waiver is None:
        return ["only under 'notice may be waived in writing' does a member sign a waiver of notice"]
    if not c.signed_waiver <= members - c.notified - c.objected:
        return [f"only a member not notified, and not objecting, signs a waiver: {sorted(c.signed_waiver)}"]
    return []


def notice_defect(stage: m.Stage, state: State, c: StageChoice) -> bool:
    """Under ``attendance waives notice`` or ``notice may be waived in writing``: a member was not
    notified, did not sign a waiver, and did not attend (an objector came only to object, so does
    not attend; without ``attendance waives notice`` only a signer attends without notice), and the
    meeting cannot act (docs/semantics.md "Attendance waives notice", "Notice waived in writing")."""
    return stage.waivable and not state.body(stage.body) <= c.notified | c.attended | c.signed_waiver


def stage_carries(proc: m.Procedure, index: int, state: State, args: dict[str, str], c: StageChoice, model: m.Model,
                  power: dict[str, Fraction] | None = None) -> bool:
    """Does stage ``index`` carry with these choices, weights counted with ``power`` (see :func:`counting_powers`)?"""
    stage = proc.stages[index]
    if notice_defect(stage, state, c):
        return False
    sets = [dict() for _ in proc.stages]
    sets[index] = stage_sets(proc, stage, state, args, c)
    env = Env(model, state, args, sets, powers=power)
    if stage.quorum is not None and not eval_bool(stage.quorum.expr, env):
        return False
    return eval_bool(stage.passes.expr, env)


def callers(proc: m.Procedure, state: State, coalition: frozenset[str] | None = None,
            first: str | None = None) -> tuple[str, ...] | None:
    """Who calls the procedure's meeting (docs/semantics.md "Who calls a meeting"): the holder of a
    calling office, else K members of the deciding body, ``first`` among them where it can be (the
    proposer of a meeting called ahead); within ``coalition`` when given (a forcing step: the
    coalition calls its own meetings).  None: nobody may call it now; () when the procedure has no
    calling rule (any member may call)."""
    calling = proc.calling
    if calling is None:
        return ()
    inside = (lambda who: True) if coalition is None else (lambda who: who in coalition)  # noqa: E731
    holders = [h for h in (state.holder(o) for o in calling.offices) if h is not None and inside(h)]
    if first in holders:
        return (first,)
    able = [p for p in sorted(state.body(proc.stages[0].body)) if inside(p)]
    if first in able:
        able.remove(first)
        able.insert(0, first)
    if holders and (first not in able or calling.members is None or len(able) < calling.members):
        return (holders[0],)
    if calling.members is not None and len(able) >= calling.members:
        return tuple(able[:calling.members])
    return (holders[0],) if holders else None


def call_problems(proc: m.Procedure, state: State, coalition: frozenset[str] | None = None) -> list[str]:
    """Why nobody (in ``coalition``, when given) may call the procedure's meeting now (empty: someone may)."""
    if callers(proc, state, coalition) is not None:
        return []
    who = "the coalition" if coalition is not None else "nobody"
    return [f"{who} may call the meeting of '{proc.name}' ({proc.calling.rule.text})"]


def args_problems(model: m.Model, proc: m.Procedure, state: State, args: dict[str, str]) -> list[str]:
    problems = []
    if set(args) != {f.name for f in proc.formals}:
        return [f"arguments {sorted(args)} do not match parameters {[f.name for f in proc.formals]}"]
    people = {p.name for p in model.people}
    for f in proc.formals:
        who = args[f.name]
        if f.numeric:
            if type(who) is not int or not f.low <= who <= f.high:
                problems.append(f"{f.name}={who} is not a whole number from {f.low} to {f.high}")
            continue
        if who not in people:
            problems.append(f"{f.name}={who} is not a person")
            continue
        if f.domain != "people":
            inside = who in state.body(f.domain)
            if inside == f.negated:
                problems.append(f"{f.name}={who} is {'' if inside else 'not '}a member of {f.domain}")
    return problems


def window_carries(model: m.Model, proc: m.Procedure, state: State, args: dict[str, str], choice: StageChoice) -> bool:
    """Does the veto (the window stage) carry with these choices?"""
    stage = proc.window_stage
    if notice_defect(stage, state, choice):
        return False
    sets = [stage_sets(proc, stage, state, args, choice)]
    env = Env(model, state, args, sets)
    if stage.quorum is not None and not eval_bool(stage.quorum.expr, env):
        return False
    return eval_bool(stage.passes.expr, env)
