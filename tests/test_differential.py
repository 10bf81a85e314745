"""Differential testing: the Z3 engine and the explicit engine agree on random specs.

Both engines answer at the same depth; verdicts, refutation depths and sanity results must
match, and every trace either engine returns has been replayed on the reference semantics
(``govspec.verdicts`` does that before building any verdict).  The default run checks 150
generated specs; the slow run (``-m slow``, part of CI) checks 3,000 more (and more specs with groups
and with groups of variable size).
"""

from __future__ import annotations

import os
import re
from dataclasses import replace

import pytest
import z3
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from govspec import api
from govspec.explicit import ExplicitEngine
from govspec.verdicts import check_property, sanity
from specgen import SAME_KIND_TWICE, group_specs, principal_specs, same_kind_specs, specs, token_specs
from verifier import Z3Engine, counting

DEPTH = 2
TIMEOUT = 30.0


def compare(text: str, depth: int | None = None, z3=None, explicit=None) -> list[str]:
    """The disagreements between the engines on one spec (empty: they agree).

    Timed specs are compared one step deeper: approving, waiting and taking effect are three steps.
    """
    if depth is None:
        depth = DEPTH + 1 if ("timelock" in text or "within" in text) else DEPTH
    model = api.load_text(text, "random.gov")
    z3 = z3 or Z3Engine()
    explicit = explicit or ExplicitEngine()
    problems = []
    s_z3, pass_z3 = sanity(z3, model, depth, TIMEOUT)
    s_ex, pass_ex = sanity(explicit, model, depth, TIMEOUT)
    for a, b in zip(s_z3, s_ex):
        if "unknown" not in (a.status, b.status) and (a.status, a.depth) != (b.status, b.depth):
            problems.append(f"sanity {a.procedure}: z3 {a.status}@{a.depth} explicit {b.status}@{b.depth}")
    # Vacuity rests on the sanity check: when one engine's sanity check of a procedure ran out of time
    # (no entry in its passable), the engines' vacuity marks are not comparable (found by the slow run
    # of 2 December 2026: the explicit engine's sanity check took 29 s of its 30, and both were right).
    vacuity_comparable = set(pass_z3) == set(pass_ex)
    for prop in model.properties:
        r_z3 = check_property(z3, model, prop, depth, TIMEOUT, pass_z3)
        r_ex = check_property(explicit, model, prop, depth, TIMEOUT, pass_ex)
        if "unknown" in (r_z3.status, r_ex.status):
            continue
        if model.several_live() and (r_z3.status, r_ex.status) == ("proved", "bounded") and not prop.possible:
            # (issue 13.6: with several live proposals the explicit engine proves nothing for any length;
            # its search to the depth agrees with the Z3 engine's, whose proof the test of proofs
            # holding deeper checks: test_unbounded_proofs_hold_deeper_with_several_live_proposals)
            r_z3 = replace(r_z3, status="bounded", scope=r_ex.scope)
        if (r_z3.status, r_z3.scope) != (r_ex.status, r_ex.scope) or (
                vacuity_comparable and r_z3.vacuous != r_ex.vacuous):
            problems.append(f"{prop.name}: z3 {r_z3.status} {r_z3.scope} vacuous={r_z3.vacuous}; "
                            f"explicit {r_ex.status} {r_ex.scope} vacuous={r_ex.vacuous}")
        elif prop.possible and len(r_z3.trace) != len(r_ex.trace):  # (the shortest witness: its scope is any length)
            problems.append(f"{prop.name}: z3 witness of {len(r_z3.trace)} steps; explicit of {len(r_ex.trace)}")
    return problems


COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], database=None)


@settings(max_examples=int(os.environ.get("GOVSPEC_DIFF_EXAMPLES", 14)), derandomize=True, **COMMON)  # (30, then 20: the default run neared 5 minutes)
@given(specs())
def test_engines_agree(text):
    assert compare(text) == [], text


@pytest.mark.slow
@settings(max_examples=280, **COMMON)  # (3,000, then 2,000, 1,000, 500 and 350 until CI outgrew its 45 minutes: the seed moves daily, so coverage adds up across days)
@given(specs(max_people=6, written_waiver=False))  # (with up to 6 people a written waiver multiplies the explicit engine's choices by every subset of signers: the default run's differential test covers it at depth 2)
def test_engines_agree_slow(text):
    assert compare(text, depth=3) == [], text


@settings(max_examples=int(os.environ.get("GOVSPEC_DIFF_TOKEN_EXAMPLES", 12)), derandomize=True, **COMMON)
@given(token_specs())
def test_engines_agree_on_tokens(text):
    """Moving weights: transfers, delegation, minting, flash loans, snapshots, proposal lifecycles."""
    assert compare(text, depth=3) == [], text


@settings(max_examples=int(os.environ.get("GOVSPEC_DIFF_SNAPSHOT_EXAMPLES", 4)), derandomize=True, **COMMON)
@given(token_specs(snapshot_after=True))
def test_engines_agree_on_snapshots_after_the_proposal(text):
    """`counted at snapshot N days after the proposal` (issue 19.2), to depth 4: a proposal, a
    transfer, time passing and the vote, where the snapshot at the proposal and the later one differ."""
    assert compare(text, depth=4) == [], text


@pytest.mark.slow
@settings(max_examples=70, **COMMON)  # (150, then 100 until CI outgrew its 45 minutes: 497 s on 3 December; the seed moves daily)
@given(token_specs(max_people=5))
def test_engines_agree_on_tokens_slow(text):
    assert compare(text, depth=3) == [], text


@settings(max_examples=int(os.environ.get("GOVSPEC_DIFF_PRINCIPAL_EXAMPLES", 8)), derandomize=True, **COMMON)
@given(principal_specs())
def test_engines_agree_with_principals_and_seat_caps(text):
    """Seats held for principals, a cap of seats per principal, coalitions counted in principals,
    and waiting decisions that expire."""
    assert compare(text) == [], text


@pytest.mark.slow
@settings(max_examples=50, **COMMON)  # (100 took 17 minutes of CI's 45; the seed moves daily)
@given(principal_specs())
def test_engines_agree_with_principals_and_seat_caps_slow(text):
    assert compare(text) == [], text


# Specs on which the engines once disagreed (kept as regression tests).
REGRESSIONS = {
    # a class's count cannot tell one member removed twice from two members removed once: the counted
    # encoding let the second removal pass, the reference semantics refuses it (found by
    # test_engines_agree_with_interchangeable_members_slow, seed 20261202); such an argument is now
    # outside the counted fragment
    "one member of a group removed twice": """
organization "Twice" {
  group d of 3
  body board { members d }

  procedure expel(x in board) {
    decided by board by written consent
      passes when yes >= 1
    effect remove x from board
    effect if size(board.members) >= 3 then remove x from board
  }
}

property board_keeps_two:
  always size(board.members) >= 2
""",
    # effects apply in order: the reference semantics checked "remove x" against the state before
    # "add x"; the Z3 encoding against the state after it (found by test_engines_agree)
    "add then remove in one procedure": """
organization "random" {
  person p1
  person p2
  person p3
  body board { seats 3 members p1, p2 }
  body council { members p1 }
  office ceo = p1
  procedure proc1(x in people) {
    decided by board by written consent
    approved by council at meeting
    notice all
    passes when yes > no
    effect add x to board
    effect remove x from board
  }
}
property prop0: always size(board.members) >= 1
property prop1: never proc1
""",
    # the explicit engine let time pass only up to the largest constant written in the rules, and
    # missed waits that a parameter or a count demands (found by review of the docs)
    "waits longer than any written constant": """
organization "H" {
  person a
  body board { seats 3 members a }
  office ceo = a
  parameter start = 30
  procedure fire {
    decided by board at meeting
      passes when yes >= 1
    timelock 1 day
    require now >= start
    effect ceo = vacant
  }
}
property p: never fire
property q: always now < board.seats + board.seats + board.seats
""",
    # replacing a director on a full board: remove, then add into the freed seat
    "replace a director on a full board": """
organization "replace" {
  person a
  person b
  person c
  body board { seats 2 members a, b }
  procedure replace(x in board, y not in board) {
    decided by board at meeting
    passes when yes > half of present
    effect remove x from board
    effect add y to board
  }
}
property c_never_joins: always c not in board.members
""",
}


def test_days_since_the_proposal_agree():
    """P.proposed_at: the day of the latest proposal, kept through the vote to the effect."""
    text = """organization "Treasury" {
  person a weight 3
  person b weight 2
  body holders { members a, b }
  parameter paid = 0
  procedure pay {
    voting delay 2 days
    voting period 3 days
    decided by holders at meeting
      passes when weight(yes) > weight(no)
    timelock 2 days
    effect paid = 1
  }
}
property seven_days: always (pay.executed -> now - pay.proposed_at >= 7)
property four_days: always (pay.executed -> now - pay.proposed_at >= 4)
"""
    assert compare(text, depth=5) == []


# Numbers in procedures (issue 13.4): each spec turns on one point where an engine could differ.
THREE = """organization "N" {
  person a
  person b
  person c
  body board { members a, b, c }
"""
NUMBERS = {
    # a condition that never holds: its effect never applies (nor its precondition)
    "a condition that never holds": THREE + """  parameter q = 1
  procedure p(x in board) {
    decided by board at meeting
      passes when yes >= 2
    effect if q == 5 then q = 7 else q = 2
    effect if q == 5 then remove x from board
  }
}
property never7: always q != 7
property stays: always size(board.members) == 3
property two: possible q == 2
""",
    # an expression is read in the state before the step, even after a removal in the same step
    "values read before the step": THREE + """  parameter q = 3
  procedure shrink(x in board) {
    decided by board at meeting
      passes when yes >= 1
    effect remove x from board
    effect q = size(board.members)
  }
}
property before: always q == size(board.members) + 1 or q == 3
property after: always q != 2
""",
    # a whole-number argument takes every value of its range and no other; a product keeps it linear
    "the range of an argument": THREE + """  parameter q = 1
  procedure set(t in 2 to 3) {
    decided by board at meeting
      quorum present * 2 >= t * q
      passes when yes >= t - 1
    effect q = t - 1
  }
}
property not4: always q != 3
property reached: always q != 2
property votes: always (set -> yes >= t - 1 and t <= 3)
property low: possible set and t == 2
""",
    # a body may be called 'number': its members are people, not a range
    "a body called number": """organization "N" {
  person a
  person b
  body number { members a, b }
  procedure p(x in number) {
    decided by number at meeting
      passes when yes >= 1
    effect remove x from number
  }
}
property number_body: always size(number.members) >= 1
""",
}


@pytest.mark.parametrize("name", list(NUMBERS))
def test_numbers_in_procedures_agree(name):
    """Both engines, and every trace replayed on the reference semantics, on expression effects,
    conditional effects and whole-number arguments; the verdicts are the ones worked out by hand."""
    assert compare(NUMBERS[name], depth=3) == []
    model = api.load_text(NUMBERS[name], "numbers.gov")
    results = {p.name: check_property(Z3Engine(), model, p, 3, TIMEOUT, sanity(Z3Engine(), model, 3, TIMEOUT)[1]).status
               for p in model.properties}
    expected = {"never7": "bounded", "stays": "bounded", "two": "proved", "before": "bounded", "after": "refuted",
                "not4": "bounded", "reached": "refuted", "votes": "bounded", "low": "proved", "number_body": "refuted"}  # (bounded: holds to depth 3)
    assert results == {k: v for k, v in expected.items() if k in results}


@pytest.mark.parametrize("name", list(REGRESSIONS))
def test_regressions(name):
    assert compare(REGRESSIONS[name], depth=3) == []


def unbounded_disagreements(text: str, depth: int = DEPTH, deeper: int = DEPTH + 3) -> list[str]:
    """Proofs for behaviours of any length hold deeper: no engine finds a counterexample up to ``deeper``.

    Every property the Z3 engine proves for any length (scope depth null) is checked again by the
    bounded Z3 search up to ``deeper`` steps and by the explicit engine up to ``depth + 1`` steps.
    """
    model = api.load_text(text, "random.gov")
    z3, explicit = Z3Engine(), ExplicitEngine()
    _, passable = sanity(z3, model, depth, TIMEOUT)
    problems = []
    for prop in model.properties:
        result = check_property(z3, model, prop, depth, TIMEOUT, passable, unbounded=True)
        # ("possible X" REFUTED is the proof of "never X" for any length: a deeper witness contradicts it)
        claimed, contradicted = ("refuted", "proved") if prop.possible else ("proved", "refuted")
        if result.status != claimed or result.scope.depth is not None or prop.kind not in (
                "invariant", "step", "no_coalition", "coalition_block"):
            continue
        for engine, d in ((z3, deeper), (explicit, depth + 1)):
            again = check_property(engine, model, prop, d, TIMEOUT, None)
            if again.status == contradicted:
                problems.append(f"{prop.name}: proved for any length, refuted by {engine.name} at depth {again.scope.depth}")
    return problems


@settings(max_examples=int(os.environ.get("GOVSPEC_DIFF_UNBOUNDED_EXAMPLES", 8)), derandomize=True, **COMMON)
@given(specs())
def test_unbounded_proofs_hold_deeper(text):
    assert unbounded_disagreements(text) == [], text


@pytest.mark.slow
@settings(max_examples=80, **COMMON)  # (the default run has few of each kind: this one has them all at once)
@given(st.one_of(specs(), token_specs(), group_specs()))
def test_unbounded_proofs_hold_deeper_slow(text):
    assert unbounded_disagreements(text) == [], text


@settings(max_examples=int(os.environ.get("GOVSPEC_DIFF_UNBOUNDED_EXAMPLES", 1)), derandomize=True, **COMMON)
@given(token_specs())
def test_unbounded_proofs_hold_deeper_with_tokens(text):
    assert unbounded_disagreements(text, depth=3, deeper=5) == [], text


@settings(max_examples=int(os.environ.get("GOVSPEC_DIFF_GROUP_EXAMPLES", 8)), derandomize=True, **COMMON)
@given(group_specs())
def test_engines_agree_with_interchangeable_members(text):
    """The counted encoding (symmetry reduction) against the explicit engine, which enumerates
    every member: the generator stays inside the counted fragment, so the reduction is used."""
    model = api.load_text(text, "random.gov")
    classes, why = counting.classes(model)
    assert classes or why == "a set equality between step sets", why
    assert compare(text) == [], text


def size_disagreements(text: str, depth: int = DEPTH, sizes_checked: int = 3) -> list[str]:
    """Verdicts for every size (group d of variable size) against the explicit engine at each of
    the first ``sizes_checked`` sizes: PROVED for every size must hold at each; REFUTED "with d of
    s" must be refuted at s, at the same depth, and at no smaller size within that depth."""
    model = api.load_text(text, "random.gov")
    low, high = model.sizes["d"]
    z3, explicit = Z3Engine(), ExplicitEngine()
    instances = {s: api.instance(model, {"d": s}) for s in range(low, min(high or low + sizes_checked - 1, low + sizes_checked - 1) + 1)}
    problems = []
    for prop in model.properties:
        result = _as_never(prop, check_property(z3, model, prop, depth, TIMEOUT, None, unbounded=True))
        if result.status == "unknown":
            continue
        checked = instances
        if prop.possible and result.status == "proved" and result.scope.sizes != "all":
            # "possible X" refuted at the least sizes (no witness there; one may exist at others)
            assert result.summary.startswith(f"with d of {low}: "), result
            checked = {low: instances[low]}
        elif result.status == "proved":  # PROVED is for every size, or it is not PROVED
            assert result.scope.sizes == "all", result
        needed = low
        if result.status == "refuted" and result.summary.startswith("with d of "):
            needed = int(result.summary.split()[3].rstrip(":"))
            if needed < low or (high is not None and needed > high):
                problems.append(f"{prop.name}: refuted with d of {needed}, outside {low} to {high}")
        for s, inst in checked.items():
            again = _as_never(prop, check_property(explicit, inst, next(p for p in inst.properties if p.name == prop.name),
                                                   depth, TIMEOUT, None))
            if again.status == "unknown":
                continue
            if result.status in ("proved", "bounded") and again.status == "refuted":
                problems.append(f"{prop.name}: {result.word} (sizes {result.scope.sizes}), refuted by the explicit "
                                f"engine with d of {s}")
            if result.status == "refuted" and result.kind not in ("coalition_force", "every_coalition"):
                if s < needed and again.status == "refuted" and again.scope.depth <= result.scope.depth:
                    problems.append(f"{prop.name}: refuted with d of {needed}, already with d of {s}")
                if s == needed and (again.status, again.scope.depth) != ("refuted", result.scope.depth):
                    problems.append(f"{prop.name}: refuted with d of {s} at depth {result.scope.depth}; "
                                    f"explicit {again.status} {again.scope}")
    return problems


def _as_never(prop, result):
    """A verdict on "possible X" as the verdict on "never X" it turned round (the same for any other
    property): a witness of n steps is a counterexample at depth n (a witness at some sizes of an
    open group is bounded to them: HOLDS FOR d OF 6 ONLY), a refutation a proof."""
    if not prop.possible or not (result.status in ("proved", "refuted") or result.witnessed):
        return result
    if result.status == "proved" or result.witnessed:
        return replace(result, status="refuted", scope=replace(result.scope, depth=len(result.trace)))
    return replace(result, status="proved")


@pytest.mark.slow  # (13 s for 2 examples: the slow run has its variant of 80, and this one)
@settings(max_examples=int(os.environ.get("GOVSPEC_DIFF_SIZE_EXAMPLES", 2)), derandomize=True, **COMMON)
@given(group_specs(variable=True))
def test_every_size_agrees_with_the_explicit_engine_at_each_size(text):
    assert size_disagreements(text) == [], text


@settings(max_examples=int(os.environ.get("GOVSPEC_DIFF_UNBOUNDED_EXAMPLES", 10)), derandomize=True, **COMMON)
@given(group_specs())
def test_unbounded_proofs_hold_deeper_with_interchangeable_members(text):
    assert unbounded_disagreements(text) == [], text


def _every_coalition(items, size, key):
    """The full enumeration the symmetry reduction of coalitions replaces (for the test below)."""
    import itertools
    import math

    from govspec import coalitions
    return list(itertools.islice(itertools.combinations(items, size), coalitions.MAX_COALITIONS + 1)), math.comb(len(items), size)


def _enumerated_both_ways(text: str) -> list[str]:
    model = api.load_text(text, "random.gov")
    problems = []
    for prop in model.properties:
        if prop.kind != "every_coalition" and not (prop.coalition is not None and prop.coalition.principals):
            continue
        reduced = check_property(ExplicitEngine(), model, prop, DEPTH, TIMEOUT, None)
        with pytest.MonkeyPatch.context() as patch:
            from govspec import coalitions
            patch.setattr(coalitions, "coalitions_up_to_symmetry", _every_coalition)
            full = check_property(ExplicitEngine(), model, prop, DEPTH, TIMEOUT, None)
        if "unknown" in (reduced.status, full.status):
            continue
        seen = [(r.status, r.scope, r.coalition, r.summary) for r in (reduced, full)]
        if seen[0] != seen[1]:
            problems.append(f"{prop.name}: up to symmetry {seen[0]}; every coalition {seen[1]}")
    return problems


@settings(max_examples=int(os.environ.get("GOVSPEC_DIFF_PRINCIPAL_EXAMPLES", 60)), derandomize=True, **COMMON)
@given(principal_specs())
def test_coalitions_up_to_symmetry_give_the_verdicts_of_every_coalition(text):
    """Coalitions that a symmetry of the spec maps onto each other are checked once; the verdict,
    coalition shown and summary are those of checking every coalition (with the explicit engine,
    which shares no code with the symmetry argument)."""
    assert _enumerated_both_ways(text) == [], text


@settings(max_examples=int(os.environ.get("GOVSPEC_DIFF_GROUP_EXAMPLES", 80)) // 3, derandomize=True, **COMMON)  # (// 2 until the default run neared 5 minutes)
@given(group_specs(every=True))
def test_coalitions_of_interchangeable_members_up_to_symmetry(text):
    assert _enumerated_both_ways(text) == [], text


def test_a_named_member_is_not_interchangeable_with_a_group():
    """ann is named by a rule: the coalition {ann} is not the coalition {d[1]} under a symmetry."""
    text = """organization "sym" {
  person ann
  group d of 3
  body board { members ann, d }
  parameter done = 0
  procedure p {
    decided by board at meeting
      notice none
      passes when yes >= 1 and ann in present
    effect done = 1
  }
}
property every_one: every coalition of 1 in board can force p
"""
    assert _enumerated_both_ways(text) == []
    model = api.load_text(text, "sym.gov")
    result = check_property(Z3Engine(), model, model.properties[0], DEPTH, TIMEOUT, None, unbounded=True)
    assert (result.status, result.coalition) == ("refuted", ("d[1]",))


@settings(max_examples=int(os.environ.get("GOVSPEC_DIFF_UNBOUNDED_EXAMPLES", 8)) // 2, derandomize=True, **COMMON)
@given(principal_specs())
def test_unbounded_proofs_hold_deeper_with_principals(text):
    assert unbounded_disagreements(text) == [], text


# Found by the slow run of 4 December 2026 (seed 20261204): the Z3 engine's search for a forcing
# sequence of 2 steps ran out of its 30 s where the explicit engine answered at once, so the two
# reported different depths. The stage's rule counts a step set less a named person
# (`size(yes except {ann})`), which the outsiders' worst case did not read as a sum of each member's
# own term: it quantified over the counted outsiders' responses instead.
EXCEPT_NAMED = """organization "groups" {
  person chief
  person ann
  group d of 2
  group e of 3
  body board { members d, e }
  office ceo = chief
  parameter q = 1/2
  procedure proc0 {
    decided by board at meeting
    notice all
    quorum majority of members
    passes when size(yes except {ann}) >= 2
    require size(board) >= 3
    effect q = size(board.members) - 1
  }
}
property prop0: coalition {d} can force proc0
property prop1: always (proc0 -> abstain == 0 or present >= 3)
"""


def test_a_step_set_less_named_people_has_a_worst_case_without_a_quantifier():
    assert compare(EXCEPT_NAMED) == []
    model = api.load_text(EXCEPT_NAMED, "except.gov")
    engine = Z3Engine()
    result = check_property(engine, model, model.properties[0], 2, TIMEOUT, None)
    # (depth 2 searched within the time limit: it took the whole 30 s, and stopped at depth 1)
    assert (result.status, result.scope.depth, engine.last_counted) == ("bounded", 2, True), result.reason
    with_ann = EXCEPT_NAMED.replace("members d, e", "members d, e, ann")  # (ann's vote, on the board, never counts)
    assert compare(with_ann) == []


def _quantifies(model, coalition: set[str]) -> bool:
    """Whether a step forced by ``coalition`` quantifies over the outsiders' responses (one
    variable per member: no counted classes)."""
    from verifier.encode.unrolling import Unrolling

    unroll = Unrolling(model, (), split=True)
    members, _, _ = unroll.coalition(None, None, frozenset(coalition))
    unroll.add_forced_step(z3.Solver(), members)
    return unroll.quantified


# Found by the slow run of 5 December 2026 (seed 20261205): the Z3 engine answered UNKNOWN after its
# 30 s (and once overran them: 91 s in one check) where the explicit engine refuted at depth 1 at
# once. The rule `notified == board.members and yes >= 1` compares whom the coalition notified with
# the members, which no outsider's response changes; the outsiders' worst case did not read such a
# part, so the forced step quantified over every outsider's response.
NOTIFIED_ALL = """organization "groups" {
  person chief
  person ann
  group d of 2 weight 2
  group e of 2
  body board { members ann, d, e }
  office ceo = chief
  parameter q = 1/2
  event resign(x in board) { effect remove x from board }
  procedure proc0 {
    decided by board at meeting
    notice all
    passes when RULE
    require ceo is not vacant
    effect q = size(board.members) - 1
  }
}
property prop0: no coalition of at most 2 can force proc0
property prop1: coalition {ann} can force proc0
property prop2: every coalition of 3 in board can block proc0
"""


@pytest.mark.parametrize("rule, verdicts", [
    ("notified == board.members and yes >= 1", ("refuted", "proved", "refuted")),
    ("yes >= 1 and (notified == board.members or size(eligible) >= 9)", ("refuted", "proved", "refuted")),
    ("size(notified) != 3 and not (ann in recused) and yes >= 2", ("refuted", "bounded", "refuted")),
    ("size(notified union eligible) >= 5 and yes >= 1", ("refuted", "proved", "refuted")),
    # (settled parts that never hold, or ask three yes votes: nobody forces it in one step, any 3 block it)
    ("notified != board.members and yes >= 1", ("bounded", "bounded", "bounded")),
    ("eligible == board.members and yes >= 3", ("bounded", "bounded", "bounded")),
    # (a meeting without notice, whom the coalition tells; the tagged recused from the vote)
    ("notified == board.members except {ann} and yes >= 2 | notice none", ("refuted", "bounded", "refuted")),
    ("size(recused) == 1 and not (ann in eligible) and yes >= 1 | notice none\n    recuse tagged t from vote",
     ("refuted", "bounded", "refuted")),
])
def test_a_part_no_outsider_changes_needs_no_quantifier(rule, verdicts):
    rule, _, notice = rule.partition(" | ")
    text = NOTIFIED_ALL.replace("RULE", rule).replace("notice all", notice or "notice all")
    text = text.replace("person ann", "person ann tags t")
    assert compare(text) == []
    model = api.load_text(text, "notified.gov")
    got = tuple(check_property(Z3Engine(), model, p, 1, TIMEOUT, None).status for p in model.properties)
    assert got == verdicts  # (the same at depth 2 on both engines: compare)
    assert not _quantifies(model, {"ann"})


VETOED_IF_SETTLED = """organization "veto" {
  person ann
  person bob
  person carol
  person dave
  person erin
  body board { members ann, bob, carol }
  body council { members dave, erin, carol }
  parameter q = 0
  procedure p {
    decided by board at meeting
      notice all
      passes when yes >= 2
    vetoed by council at meeting
      notice all
      passes when RULE
    effect q = 1
  }
}
property p0: coalition {ann, bob} can force p
property p1: no coalition of at most 2 can force p
property p2: coalition {ann, bob, carol} can force p
"""


@pytest.mark.parametrize("rule", ["size(eligible) >= 3", "size(eligible) >= 4", "notified != council.members"])
def test_a_veto_decided_by_a_settled_part_needs_no_quantifier(rule):
    """A veto that passes on a part no response changes fails for the coalition exactly when that
    part is false (found by review: such a veto made the forced step quantify)."""
    text = VETOED_IF_SETTLED.replace("RULE", rule)
    assert compare(text) == []
    model = api.load_text(text, "veto.gov")
    assert not _quantifies(model, {"ann", "bob"})


# A set the outsiders answer, combined or compared (`size(no union abstain)`, `yes == board.members`):
# whether a person is in it depends on that person's own option only, so the worst case is still
# each person's own (until 5 December 2026 such rules quantified over every response; with the
# members of a counted class they still do: a class's count of a combined set is not a sum of its
# members' own terms).
@pytest.mark.parametrize("rule", [
    "yes == board.members",
    "size(no union abstain) == 0 and yes >= 1",
    "size((yes union abstain) except {ann}) >= 2",
    "weight(yes union no) >= 3 and size(no intersect tagged t) == 0",
    "not (ann in no union abstain) and yes >= 1",
    "ann in yes union abstain",
    "size(people except no) >= 6 and yes >= 1",
    "present == board.members except no",
])
def test_a_combined_set_of_the_outsiders_has_a_worst_case_per_person(rule):
    text = NOTIFIED_ALL.replace("RULE", rule).replace("group e of 2", "group e of 2 tags t")
    assert compare(text) == []
    model = api.load_text(text, "combined.gov")
    assert not _quantifies(model, {"ann"})


@pytest.mark.parametrize("rule", ["yes >= 2 or no == 0", "not (size(no) >= 1) and yes >= 1", "yes != 0"])
def test_a_rule_of_another_shape_still_quantifies(rule):
    """A disjunction or negation of what the outsiders answer, != on it: no per-person worst case
    (docs/performance.md lists these). Read on the coalition's choices they would let the coalition
    vote for the outsiders (the mutant "a step set the outsiders answer read as settled")."""
    model = api.load_text(NOTIFIED_ALL.replace("RULE", rule), "notified.gov")
    assert _quantifies(model, {"ann"})


# Found by review of that fix: a counted class's worst case kept one term per kind of step set, the
# last, so a comparison counting a kind twice (filtered and not, weighted and not) lost a term. With
# a tag filter that was so since tag filters were read as sums (3 December): on the tag rule below
# `prop1` was PROVED for any length and `prop0` REFUTED, both wrong (d[1] and d[2] voting yes force
# it; the explicit engine proves it).
# (the spec is specgen.SAME_KIND_TWICE)


@pytest.mark.parametrize("rule", ["size(yes) + size(no) - size(no except {ann}) >= 2",
                                  "size(yes) - 2 * size(no) + size(no except {ann}) >= 1",
                                  "size(no except {chief}) - size(no except {ann}) + size(yes) >= 2",
                                  "size(yes) + size(no) - size(no tagged t) >= 2",
                                  "size(yes) + weight(yes) >= 4 and size(no) - size(no tagged t) <= 0"])
def test_a_class_counts_each_term_of_a_kind_of_step_set(rule):
    assert compare(SAME_KIND_TWICE.format(rule=rule), depth=1) == []


@settings(max_examples=12, derandomize=True, **COMMON)
@given(same_kind_specs())
def test_a_class_counts_each_term_of_drawn_rules(text):
    assert counting.classes(api.load_text(text, "drawn.gov"))[0], "the counted encoding answers"
    assert compare(text, depth=1) == [], text


@pytest.mark.slow
@settings(max_examples=150, **COMMON)  # (about 0.15 s each; the seed moves daily)
@given(same_kind_specs())
def test_a_class_counts_each_term_of_drawn_rules_slow(text):
    assert compare(text, depth=1) == [], text


@pytest.mark.slow
@settings(max_examples=300, **COMMON)  # (400 took 526 to 553 s of CI's 45 minutes, the slowest test there; the seed moves daily)
@given(group_specs())
def test_engines_agree_with_interchangeable_members_slow(text):
    assert compare(text) == [], text


@pytest.mark.slow
@settings(max_examples=80, **COMMON)
@given(group_specs(variable=True))
def test_every_size_agrees_with_the_explicit_engine_at_each_size_slow(text):
    assert size_disagreements(text) == [], text



# found by a review of the symmetry reduction (each was a wrong PROVED or an internal error)
COUNTED_REGRESSIONS = {
    "supply counted per slot": 'organization "supply2" {\n  group h of 4\n  person ceo_person\n  body holders {\n    members h\n  }\n  office ceo = ceo_person\n  procedure remove_ceo {\n    decided by holders at meeting\n      notice none\n      passes when supply >= 3\n    require ceo is not vacant\n    effect ceo = vacant\n  }\n}\n\nproperty ceo_stays:\n  always ceo is not vacant\n',
    "supply in a threshold": 'organization "supply" {\n  group h of 4\n  person ceo_person\n  body holders {\n    members h\n  }\n  office ceo = ceo_person\n  procedure remove_ceo {\n    decided by holders at meeting\n      notice none\n      passes when weight(yes) >= 1/2 of supply\n    require ceo is not vacant\n    effect ceo = vacant\n  }\n}\n\nproperty one_cannot:\n  no coalition of at most 1 in holders can force remove_ceo\n\nproperty ceo_stays:\n  always ceo is not vacant\n',
    "two arguments in one class": 'organization "two args" {\n  group d of 3\n  person ceo_person\n  body board {\n    members d\n  }\n  office ceo = ceo_person\n  event purge(x in board, y in board) {\n    effect remove x from board\n    effect remove y from board\n  }\n  procedure remove_ceo {\n    decided by board at meeting\n      passes when yes >= 1\n    effect ceo = vacant\n  }\n}\nproperty keeps_two:\n  always size(board.members) >= 2\nproperty keeps_one:\n  always size(board.members) >= 1\nproperty one_cannot_empty:\n  no coalition of at most 1 in board can force size(board.members) <= 1\n',
}


@pytest.mark.parametrize("name", list(COUNTED_REGRESSIONS))
def test_counted_regressions(name):
    assert compare(COUNTED_REGRESSIONS[name], depth=3) == []


def test_a_principal_of_other_keys_is_not_interchangeable():
    """ada holds key1's seat cap: {ada} can seat key1 (resign, then appoint it); {bob} cannot."""
    text = 'organization "cap symmetry" {\n  person bob\n  person ada\n  person cy\n  person key1 for ada\n  body board {\n    seats 4\n    members bob, ada, cy\n    at most 1 seats per principal\n  }\n  event resign(x in board) {\n    effect remove x from board\n  }\n  procedure appoint(p not in board) {\n    decided by board at meeting\n      notice none\n      passes when yes >= 0\n    effect add p to board\n  }\n}\n\nproperty no_single_principal_seats_key1:\n  no coalition of at most 1 principal in board can force key1 in board\n\nproperty no_single_seats_key1:\n  no coalition of at most 1 in board can force key1 in board\n\nproperty every_single_seats_key1:\n  every coalition of 1 in board can force key1 in board\n'
    assert _enumerated_both_ways(text) == []
    model = api.load_text(text, "cap.gov")
    assert {p.name: check_property(Z3Engine(), model, p, 3, TIMEOUT, None, unbounded=True).status
            for p in model.properties} == {
        "no_single_principal_seats_key1": "refuted", "no_single_seats_key1": "refuted", "every_single_seats_key1": "refuted"}


def _live(text: str, k: int) -> str:
    """The spec with 'at most K live proposals' in its procedure 'spend' (token_specs draws it at times)."""
    text = text.replace("    at most 2 live proposals\n", "")
    return re.sub(r"(  procedure spend[^{]*\{\n)", rf"\1    at most {k} live proposals\n", text, count=1)


def compare_live(text: str, depth: int = 3) -> list[str]:
    """Several live proposals (issue 13.6): the explicit engine on the spec with one live proposal is
    compared with the Z3 engine on the same spec with two.  Every behaviour with one live proposal is
    a behaviour with two (the second is never required), so a violation or a witness with one is
    found with two, no longer; a property that holds with two holds with one."""
    one, two = api.load_text(_live(text, 1), "one.gov"), api.load_text(_live(text, 2), "two.gov")
    z3, explicit = Z3Engine(), ExplicitEngine()
    _, pass_one = sanity(explicit, one, depth, TIMEOUT)
    _, pass_two = sanity(z3, two, depth, TIMEOUT)
    problems = []
    for p1, p2 in zip(one.properties, two.properties):
        if p1.kind not in ("invariant", "step"):
            continue  # (coalition power is refused with several live proposals)
        r1 = check_property(explicit, one, p1, depth, TIMEOUT, pass_one)
        r2 = check_property(z3, two, p2, depth, TIMEOUT, pass_two)
        if "unknown" in (r1.status, r2.status):
            continue
        found_one = r1.status == ("proved" if p1.possible else "refuted")
        found_two = r2.status == ("proved" if p2.possible else "refuted")
        if found_one and not (found_two and len(r2.trace) <= len(r1.trace)):
            problems.append(f"{p1.name}: with one live proposal {r1.status} in {len(r1.trace)} steps; "
                            f"with two {r2.status} ({len(r2.trace or ())} steps)")
    return problems


@settings(max_examples=int(os.environ.get("GOVSPEC_DIFF_LIVE_EXAMPLES", 8)), derandomize=True, **COMMON)
@given(token_specs())
def test_several_live_proposals_include_one(text):
    """The differential test of 'at most 2 live proposals' (issue 13.6), on the token specs whose
    procedure is proposed first or waits (the others cannot have the clause: GOV351)."""
    assume(any(w in text for w in ("voting ", "counted ", "proposal threshold", "timelock")))
    assert compare_live(text) == [], _live(text, 2)


@settings(max_examples=int(os.environ.get("GOVSPEC_DIFF_LIVE_EXAMPLES", 6)) // 3, derandomize=True, **COMMON)  # (// 2 until the default run passed 5 minutes)
@given(token_specs(several=True))
def test_engines_agree_with_several_live_proposals(text):
    """'at most 2 (or 3) live proposals' (issue 13.6) in every spec: the Z3 engine's slots against the
    explicit engine, to depth 4 (two proposals, a vote on each: where the second live one matters;
    about 15 s a spec, so few here and more in the slow run)."""
    assert compare(text, depth=4) == [], text


@pytest.mark.slow
@settings(max_examples=40, **COMMON)  # (the seed moves daily)
@given(token_specs(several=True))
def test_engines_agree_with_several_live_proposals_slow(text):
    assert compare(text, depth=4) == [], text


@pytest.mark.slow  # (18 s for 2 examples in the default run of 3 December: the slow run)
@settings(max_examples=int(os.environ.get("GOVSPEC_DIFF_LIVE_EXAMPLES", 8)) // 4, derandomize=True, **COMMON)
@given(token_specs(several=True))
def test_unbounded_proofs_hold_deeper_with_several_live_proposals(text):
    """The Z3 engine's proofs of any length with several live proposals (the explicit engine makes
    none there) hold deeper: no counterexample up to 5 steps by either engine."""
    assert unbounded_disagreements(text) == [], text
