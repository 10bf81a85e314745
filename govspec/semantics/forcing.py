"""Coalition force: the outsiders' responses a forcing step must withstand.

Implements docs/semantics.md section 7 (Coalition power: "Forcing", "The passive-opposition
assumption"), the replay of forcing steps of section 9 "Every scenario is checked twice" (every
response tried, outsiders the rules cannot tell apart grouped), section 10 "Coalition power over
time" (veto windows open to the outsiders) and section 12 "Coalition power with tokens" (the
coalition's own proposals and loans; a proposal anyone may cancel).

Assumes passive opposition.  Guarantees: :func:`forced_problems` is empty exactly when the step
passes whatever the outsiders do, from a state in which they cannot carry a veto in an open
window and nobody can cancel an open proposal (:func:`veto_threat`); grouping interchangeable
outsiders is exact, and with too many responses to enumerate it raises :class:`ReplayLimit`,
unless the stage's rule is linear (:func:`linear_stage`), where the responses in which each group
acts as one decide (tried in place of all of them past :data:`VERTICES_FROM`).
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from typing import Iterator

from .. import model as m
from ..clock import check_time
from .effects import counting_powers, effect_problems, loan_problems
from .evaluate import Env, eval_bool
from .meetings import args_problems, call_problems, choice_problems, recused, stage_carries, window_carries
from .proposals import cancel_problems, open_proposal, vote_window_problems, waiting_decisions
from .state import WAIT, ReplayLimit, StageChoice, State, Step, powers
from .step import step_problems


def _outsider_options(stage: m.Stage, voter: bool, told: bool = True) -> tuple[str, ...]:
    """What an outsider may do at a stage under passive opposition (never a yes to the coalition's motion).

    Not notified (``told`` false, only under ``attendance waives notice`` or ``notice may be waived
    in writing``): stay away; under ``attendance waives notice``, come only to object, or attend
    anyway (waiving notice) and act as a notified outsider may; under ``notice may be waived in
    writing``, sign a waiver and stay away, or sign one and act as a notified outsider may (signing
    never helps them against the coalition's motion, since not signing leaves the notice defect,
    but it may help a veto carry: every response is tried).
    """
    if stage.mode == "consent":
        return ("sign", "none") if stage.kind == "vetoed" and voter else ("none",)
    if not voter:
        options = ("absent", "attend")
    elif stage.kind == "vetoed":
        options = ("absent", "yes", "no", "abstain")
    else:
        options = ("absent", "no", "abstain")
    if told:
        return options
    untold: tuple[str, ...] = ("out",)
    if stage.waiver is not None:
        untold += ("object",) + tuple(f"waive_{o}" for o in options[1:])
    if stage.written_waiver is not None:
        untold += ("signed",) + tuple(f"signed_{o}" for o in options[1:])
    return untold


def outsider_responses(model: m.Model, proc: m.Procedure, index: int, state: State, args: dict[str, str],
                       coalition_choice: StageChoice, coalition: frozenset[str], limit: int = 200_000,
                       stage: m.Stage | None = None, power: dict[str, Fraction] | None = None,
                       vertices: bool = False) -> Iterator[StageChoice]:
    """Every way the notified outsiders can respond at one stage, up to interchangeability.

    Outsiders who are alike for every rule (same weight, same bodies, same recusal, not named by
    any office, argument or rule) are grouped; one representative assignment per count vector is
    produced, which is exact because every rule's value is invariant under swapping them.

    With ``vertices``, only the responses in which each group acts as one (all its members take
    the same option): enough for a question "does every response keep a conjunction of linear
    comparisons true" (see :func:`linear_stage`), since a linear function of the counts takes its
    least value over all count vectors at such a response.
    """
    stage = stage or proc.stages[index]
    members = state.body(stage.body)
    r_vote = recused(proc, args, "vote") & members
    r_quorum = recused(proc, args, "quorum") & members
    notified = coalition_choice.notified
    outsiders = sorted((notified - coalition) & members)
    groups = [(people, True) for people in _classes(model, state, args, outsiders, r_vote, r_quorum, power).values()]
    if stage.waivable:  # the outsiders not notified respond too: come anyway, object, sign a waiver
        untold = sorted(members - notified - coalition)
        groups += [(people, False) for people in _classes(model, state, args, untold, r_vote, r_quorum, power).values()]
    per_class = []
    total = 1
    for people, told in groups:
        options = _outsider_options(stage, people[0] not in r_vote, told)
        total *= len(options) if vertices else math.comb(len(people) + len(options) - 1, len(options) - 1)
        if total > limit:  # (counted before the compositions are made: there may be millions)
            raise ReplayLimit(f"more than {limit} outsider responses to enumerate")
        if vertices:
            splits = [tuple(len(people) if j == k else 0 for j in range(len(options))) for k in range(len(options))]
        else:
            splits = list(compositions(len(people), len(options)))
        per_class.append((people, options, splits))
    for combo in itertools.product(*[[(people, options, split) for split in splits] for people, options, splits in per_class]):
        yield assemble_choice(combo, notified, coalition_choice)


# What each option of one member puts them in.  "out": not notified (a meeting without notice);
# "told": notified but absent; the others attend (and vote, or sign, as named).  Under "attendance
# waives notice", "waive_X" is X by a member not notified, and "object" a member not notified who
# comes only to object (NOT_TOLD: the options of a member not notified).
OPTION_SETS = {"out": (), "told": (), "absent": (), "none": (), "attend": ("attended",), "yes": ("attended", "yes"),
               "no": ("attended", "no"), "abstain": ("attended", "abstain"), "sign": ("attended", "yes"),
               "object": ("objected",), "waive_attend": ("attended",), "waive_yes": ("attended", "yes"),
               "waive_no": ("attended", "no"), "waive_abstain": ("attended", "abstain")}
# under "notice may be waived in writing": "signed" a member not notified who signs a waiver and stays
# away, "signed_X" one who signs a waiver and does X (the waiver stands for notice)
OPTION_SETS |= {"signed": ("signed_waiver",)} | {f"signed_{o}": ("signed_waiver",) + OPTION_SETS[o]
                                                 for o in ("attend", "yes", "no", "abstain")}
NOT_TOLD = frozenset({"out", "object", "waive_attend", "waive_yes", "waive_no", "waive_abstain",
                      "signed", "signed_attend", "signed_yes", "signed_no", "signed_abstain"})


def _steps_in(e) -> bool:
    return any(isinstance(x, m.StepSet) for x in m.walk(e))


def _linear(e) -> bool:
    """Is a number linear in the counts of step sets (sums, differences, products by a step-free factor)?"""
    if isinstance(e, m.Arith):
        if e.op == "*":
            return (not _steps_in(e.left) and _linear(e.right)) or (not _steps_in(e.right) and _linear(e.left))
        return _linear(e.left) and _linear(e.right)
    return True  # a count (of a step set or not), or a number that does not depend on the stage's choices


def conjunction(e) -> list | None:
    """The comparisons of a rule that is a conjunction of comparisons, else None."""
    if isinstance(e, m.Compare):
        return [e]
    if isinstance(e, m.And):
        out = []
        for item in e.items:
            sub = conjunction(item)
            if sub is None:
                return None
            out += sub
        return out
    return [] if isinstance(e, m.BoolConst) and e.value else None


def linear_stage(stage: m.Stage) -> bool:
    """Is "the stage carries" (for a veto: "it does not") a conjunction of linear comparisons of the
    stage's counts, so that the responses of :func:`outsider_responses` with ``vertices`` decide
    whether every response lets it through?"""
    atoms = conjunction(stage.passes.expr)
    quorum = conjunction(stage.quorum.expr) if stage.quorum is not None else []
    if atoms is None or quorum is None or stage.waivable:  # (a notice defect is no comparison)
        return False
    atoms = quorum + atoms
    if stage.kind == "vetoed":
        # (the coalition needs the veto to fail: the negation of one comparison, a comparison, but
        # "not ==" is "!=", true on either side of a value, which no response acting as one may reach)
        return len(atoms) == 1 and atoms[0].op not in ("==", "!=") and _linear(atoms[0].left) and _linear(atoms[0].right)
    return all(a.op != "!=" and _linear(a.left) and _linear(a.right) for a in atoms)


_SETS = ("notified", "attended", "yes", "no", "abstain", "objected", "signed_waiver")
# each option: the indexes in _SETS of the sets its people join (notified unless the option is not told)
_OPTION_INDEXES = {option: ((0,) if option not in NOT_TOLD else ()) + tuple(_SETS.index(k) for k in keys)
                   for option, keys in OPTION_SETS.items()}


def assemble_choice(combo, notified: frozenset[str] | None = None, base: StageChoice | None = None) -> StageChoice:
    """A stage choice from (people, options, how many take each option) triples, added to ``base``.

    Without ``notified``, everyone whose option is not "out" is notified (a free or coalition choice).
    (The explicit engine builds hundreds of thousands of these on meeting specs: one pass over the
    groups that take an option, no set built twice.)
    """
    chosen: tuple[list, ...] = ([], [], [], [], [], [], [])
    for people, options, split in combo:
        i = 0
        for option, count in zip(options, split):
            if count:
                group = people[i : i + count]
                i += count
                for index in _OPTION_INDEXES[option]:
                    chosen[index].extend(group)
    told = frozenset(chosen[0]) if notified is None else notified
    if base is None:
        return StageChoice(told, frozenset(chosen[1]), frozenset(chosen[2]), frozenset(chosen[3]),
                           frozenset(chosen[4]), objected=frozenset(chosen[5]), signed_waiver=frozenset(chosen[6]))
    return StageChoice(told, base.attended.union(chosen[1]), base.yes.union(chosen[2]), base.no.union(chosen[3]),
                       base.abstain.union(chosen[4]), objected=base.objected.union(chosen[5]),
                       signed_waiver=base.signed_waiver.union(chosen[6]))


def member_key(model: m.Model, state: State, person: str, power: dict[str, Fraction] | None = None) -> tuple:
    """What a stage's rules can see of a member within one step: the bodies they sit in, the
    voting power counted (``power``, else the state's), and their tags or principal when a rule
    filters by them (:meth:`govspec.model.Model.filters`).  Choices within a step do not change the
    next state, so members alike in this are interchangeable for the step."""
    bodies = frozenset(b for b, ms in state.members if person in ms)
    counted = power if power is not None else powers(model, state) if state.balances else None
    key = (counted[person] if counted is not None else model.person(person).weight, bodies)
    filters = model.filters()  # (rules that filter by tag or principal see those too)
    if filters:
        p = model.person(person)
        key += (p.tags if "tag" in filters else None, p.principal if "principal" in filters else None)
    return key


def _classes(model: m.Model, state: State, args: dict[str, str], people, r_vote, r_quorum,
             power: dict[str, Fraction] | None = None) -> dict[tuple, list[str]]:
    """Members grouped by what the rules can see of them; named people are alone in their group."""
    named = named_people(model, state, args)
    classes: dict[tuple, list[str]] = {}
    for p in people:
        key = (p,) if p in named else ("class", member_key(model, state, p, power), p in r_vote, p in r_quorum)
        classes.setdefault(key, []).append(p)
    return classes


def named_people(model: m.Model, state: State, args: dict[str, str]) -> set[str]:
    """The people a step tells apart: those the spec names (:meth:`Model.named_in_rules`), the
    holders of offices now and the step's arguments."""
    return set(model.named_in_rules()) | {h for _, h in state.offices if h} | {a for a in args.values() if type(a) is str}


def compositions(n: int, k: int) -> Iterator[tuple[int, ...]]:
    """All ways to write n as an ordered sum of k non-negative integers."""
    if k == 1:
        yield (n,)
        return
    for first in range(n + 1):
        for rest in compositions(n - first, k - 1):
            yield (first,) + rest


def coalition_veto_responses(model: m.Model, proc: m.Procedure, state: State, args: dict[str, str],
                             coalition: frozenset[str], limit: int = 200_000) -> Iterator[StageChoice]:
    """Every way the coalition's members can respond to a veto attempt in a window (up to
    interchangeability), everyone being notified (a veto window is open to every member);
    :class:`ReplayLimit` past ``limit`` of them, counted before they are listed."""
    stage = proc.window_stage
    members = state.body(stage.body)
    r_vote = recused(proc, args, "vote") & members
    r_quorum = recused(proc, args, "quorum") & members
    classes = _classes(model, state, args, sorted(members & coalition), r_vote, r_quorum)
    per_class, total = [], 1
    for people in classes.values():
        if stage.mode == "consent":
            options = ("none",) if people[0] in r_vote else ("none", "sign")
        else:
            options = ("absent", "attend") if people[0] in r_vote else ("absent", "yes", "no", "abstain")
        total *= math.comb(len(people) + len(options) - 1, len(options) - 1)
        if total > limit:  # (counted before they are listed, as the outsiders' responses are)
            raise ReplayLimit(f"more than {limit} responses of the coalition's members to a veto to enumerate")
        per_class.append([(people, options, split) for split in compositions(len(people), len(options))])
    for combo in itertools.product(*per_class):
        yield assemble_choice(combo, members)


def open_windows(model: m.Model, state: State):
    """(procedure, arguments, approved on day, which) of every waiting decision whose veto window is open
    (``which``: its index among the procedure's decisions, :meth:`State.pendings_of`)."""
    seen: dict[str, int] = {}
    for name, args_t, at, _, _ in state.pending:
        proc, which = model.procedures[name], seen.get(name, 0)
        seen[name] = which + 1
        if proc.window_stage is not None and state.now < at + proc.window_stage.window:
            yield proc, args_t, at, which


def reads_the_date(model: m.Model, stage: m.Stage) -> bool:
    """Whether a veto window's rules read something that time alone changes: ``now``, or the
    approval or proposal day or a kept tally of a procedure whose decisions expire (an expired
    decision's day reads -1, its tally 0: :func:`govspec.semantics.evaluate.eval_num`).  Then
    whether the outsiders can carry the veto may change from day to day while the window is open;
    nothing else a veto reads changes while time passes in a forcing sequence (the coalition alone
    acts, and a window's own decision cannot expire before the window closes)."""
    def moves(x) -> bool:
        if isinstance(x, m.Now):
            return True
        if isinstance(x, (m.ApprovedAt, m.ProposedAt, m.Tally)):
            return model.procedures[x.procedure].grace is not None
        return False

    rules = [stage.passes, *([stage.quorum] if stage.quorum else [])]
    return any(moves(x) for r in rules for x in m.walk(r.expr))


def skipped_veto_days(model: m.Model, state: State, days: int) -> str | None:
    """Why a wait of ``days`` in a forcing sequence would skip days on which the outsiders may
    veto (None: it skips none).  While a veto window whose rules read the date is open past the
    next day, time passes one day at a step, so that :func:`veto_threat` is asked on each day of
    the window; a wait of several days would ask it on the first only."""
    if days <= 1:
        return None
    for proc, _, at, _ in open_windows(model, state):
        if state.now + 1 < at + proc.window_stage.window and reads_the_date(model, proc.window_stage):
            return (f"the veto window of '{proc.name}' reads the date and is open until day "
                    f"{at + proc.window_stage.window}: time passes one day at a step while it is open")
    return None


def veto_threat(model: m.Model, state: State, coalition: frozenset[str]) -> str | None:
    """Why outsiders could veto one of the coalition's pending decisions now (None: they cannot).

    While a veto window is open, the outsiders may use it (the spec gives them that procedure), so
    a forcing sequence may only pass through states where some response of the coalition's own
    members defeats every veto attempt.
    """
    for proc, args_t, at, _ in open_windows(model, state):
        name, stage, args = proc.name, proc.window_stage, dict(args_t)
        safe = False
        for own in coalition_veto_responses(model, proc, state, args, coalition):
            check_time()
            if not any(window_carries(model, proc, state, args, r) or check_time()  # (None, or OutOfTime)
                       for r in outsider_responses(model, proc, 0, state, args, own, coalition, stage=stage)):
                safe = True
                break
        if not safe:
            return f"on day {state.now} the outsiders can veto '{name}' ({stage.body}, window until day {at + stage.window})"
    for proc in model.procedures.values():  # (each of its open proposals, with several live: issue 13.6)
        if proc.lifecycle is None:
            continue
        for which, proposal in enumerate(state.proposals_of(proc.name)):
            step = Step(proc.name, proposal[0], phase="cancel", which=which)
            if open_proposal(proc, state, which) is not None and not cancel_problems(model, proc, state, step):
                return f"on day {state.now} anyone can cancel the proposal of '{proc.name}' (its proposer is below the threshold)"
    return None


def coalition_part(choice: StageChoice, coalition: frozenset[str]) -> StageChoice:
    return StageChoice(choice.notified, choice.attended & coalition, choice.yes & coalition,
                       choice.no & coalition, choice.abstain & coalition, objected=choice.objected & coalition,
                       signed_waiver=choice.signed_waiver & coalition)


VERTICES_FROM = 2_000  # outsider responses at a linear stage past which those where each group acts as one decide


def responses_to_withstand(model: m.Model, proc: m.Procedure, i: int, state: State, args: dict[str, str],
                           c: StageChoice, coalition: frozenset[str], counted) -> Iterator[StageChoice]:
    """The outsiders' responses a forcing step must withstand: all of them, or, when the stage's
    rule is linear and they are more than :data:`VERTICES_FROM`, the responses where each group
    acts as one (which decide exactly: :func:`outsider_responses`; a body of 1,000 has 125,250
    responses of its 499 outsiders, and 3 such)."""
    linear = linear_stage(proc.stages[i])
    try:  # (the responses are counted before any is listed: ReplayLimit comes first, if at all)
        yield from outsider_responses(model, proc, i, state, args, c, coalition, power=counted,
                                      limit=VERTICES_FROM if linear else 200_000)
    except ReplayLimit:
        if not linear:
            raise
        yield from outsider_responses(model, proc, i, state, args, c, coalition, power=counted, vertices=True)


def forced_problems(model: m.Model, state: State, step: Step, coalition: frozenset[str]) -> list[str]:
    """Why ``step`` is not forced by ``coalition`` from ``state`` (empty: whatever outsiders do, it passes).

    The step's coalition part (procedure, arguments, whom to notify, coalition members' votes) is
    kept; every outsider response at every stage is tried.
    """
    threat = veto_threat(model, state, coalition)
    if threat:
        return [threat]
    if step.procedure == WAIT:
        skipped = skipped_veto_days(model, state, step.days)
        return step_problems(model, state, step) + ([skipped] if skipped else [])
    proc = model.procedures.get(step.procedure)
    if proc is None:
        return [f"unknown procedure {step.procedure}"]
    if step.phase == "veto":
        return ["a veto is the outsiders' move, not the coalition's"]
    if step.phase in ("execute", "cancel"):
        return step_problems(model, state, step)
    outside = [who for who in (step.proposer, step.loan) if who is not None and who not in coalition]
    if outside:
        return [f"{outside[0]} is not in the coalition (only its members propose and borrow)"]
    if step.phase == "propose":  # (the call of a meeting with a notice period: the coalition calls it)
        return step_problems(model, state, step) + call_problems(proc, state, coalition)
    args = dict(step.args)
    if proc.is_event:
        if not {args[f.name] for f in proc.formals if not f.numeric} <= coalition:
            return ["an event not on the coalition's own members is outside its control"]
        return step_problems(model, state, step)
    base = Step(step.procedure, step.args, tuple(coalition_part(c, coalition) for c in step.stages))
    problems = args_problems(model, proc, state, args) + loan_problems(model, proc, step)
    if problems:
        return problems
    if proc.lifecycle is not None:
        problems += vote_window_problems(proc, state, step.args, step.stages, step.which)
    else:  # the coalition calls the meeting: outsiders do not start procedures
        problems += call_problems(proc, state, coalition)
    counted = counting_powers(model, proc, state, step.loan, step.which)
    env = Env(model, state, args)
    problems += [f"guard fails: {g.text}" for g in proc.guards if not eval_bool(g.expr, env)]
    if proc.timed:
        if len(waiting_decisions(proc, state)) >= proc.live:  # (up to K, with several live proposals)
            problems.append(f"a decision of '{proc.name}' is already waiting to take effect" if proc.live == 1
                            else f"{proc.live} decisions of '{proc.name}' are already waiting to take effect")
    else:
        problems += effect_problems(model, proc, env)
    if problems:
        return problems
    for i, (stage, c) in enumerate(zip(proc.stages, base.stages)):
        for response in responses_to_withstand(model, proc, i, state, args, c, coalition, counted):
            check_time()  # (the property's time: a large body's responses may be many)
            bad = choice_problems(proc, stage, state, args, response)
            if bad:
                return [f"stage {i}: {b}" for b in bad]
            carries = stage_carries(proc, i, state, args, response, model, counted)
            if carries == (stage.kind == "vetoed"):
                return [f"outsiders can stop it at the {stage.kind} stage by {stage.body}: "
                        f"present {sorted(response.attended)}, yes {sorted(response.yes)}, no {sorted(response.no)}"]
    return []
