"""Mutation check: the differential test has teeth.

Each mutant is a deliberately wrong variant of the Z3 encoding (applied with monkeypatch); the
differential comparison with the explicit engine must find a spec on which they disagree, or a
trace the reference semantics rejects.  If a mutant survives, the differential test would not
have caught that bug either.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, find, settings
from z3 import BoolVal, RealVal, Sum, If

from govspec import model as m
from govspec.verdicts import ReplayError
from specgen import group_specs, specs, token_specs
from test_differential import compare
from verifier import counting, encode, weighted
from verifier.encode import forcing

class Original:
    """The unmutated methods, captured before any test patches the class."""


for _name in ("boolean", "num", "_recused", "stage_sets", "person_valid", "_effects", "outsider_options",
              "_timed_actions", "counting_state", "_token_effect", "_lifecycle_actions", "_slot_valid", "_slot_worst"):
    setattr(Original, _name, staticmethod(getattr(encode.Unrolling, _name)))


def _strict_to_weak(self, e, state, args, sets, step=None):
    if isinstance(e, m.Compare) and e.op == ">":
        e = m.Compare(">=", e.left, e.right)
    return Original.boolean(self, e, state, args, sets, step)


def _seats_as_members(self, e, state, args, sets):
    if isinstance(e, m.Seats):
        members = state.members[e.body]
        return Sum([If(b, RealVal(1), RealVal(0)) for b in members.values()]) if members else RealVal(0)
    return Original.num(self, e, state, args, sets)


def _no_recusal(self, proc, args, which, i):
    return BoolVal(False)


def _abstain_is_cast(self, proc, stage, state, args, v):
    sets = Original.stage_sets(self, proc, stage, state, args, v)
    from z3 import Or
    sets["cast"] = {i: Or(b, v.abstain[i]) for i, b in sets["cast"].items()}
    return sets


def _notice_all_ignored(self, proc, stage, state, args, v, i, outsider=False):
    relaxed = m.Stage(stage.kind, stage.body, stage.mode, "none", stage.quorum, stage.passes, stage.span, stage.cite) \
        if stage.mode == "meeting" else stage
    return Original.person_valid(self, proc, relaxed, state, args, v, i, outsider)


def _outsiders_always_attend(self, proc, stage, state, args, v, i, outsider=False):
    rule = Original.person_valid(self, proc, stage, state, args, v, i, outsider)
    if outsider and stage.mode == "meeting":
        from z3 import And
        return And(rule, v.attended[i] == v.notified[i])
    return rule


def _outsider_options_without_absence(self, stage, recused_from_vote):
    options = Original.outsider_options(self, stage, recused_from_vote)
    return tuple(o for o in options if o != "absent" or stage.mode == "consent") or options


def _unweighted(self, e, state, args, sets):
    if isinstance(e, m.Count) and e.weighted:
        e = m.Count(e.set, False)
    return Original.num(self, e, state, args, sets)


def _remove_without_membership(self, proc, state, args):
    pre, post = Original._effects(self, proc, state, args)
    if any(e.kind == "remove" for e in proc.effects):
        pre = []
    return pre, post


def _no_veto_threats(self, state, coalition, t):
    return []


def _timelock_ignored(self, proc, step, state, post, rules_for):
    import dataclasses
    return Original._timed_actions(self, dataclasses.replace(proc, timelock=0), step, state, post, rules_for)


def _snapshot_ignored(self, proc, state, loan):
    import dataclasses
    if proc.lifecycle is not None:
        proc = dataclasses.replace(proc, lifecycle=dataclasses.replace(proc.lifecycle, snapshot=False))
    return Original.counting_state(self, proc, state, loan)


def _transfer_without_balance(self, eff, state, args, balances, delegates):
    pre = Original._token_effect(self, eff, state, args, balances, delegates)
    return pre[:-1] if eff.kind == "transfer" else pre


def _voting_delay_ignored(self, proc, step, state, post, rules_for, may_propose):
    import dataclasses
    if proc.lifecycle is not None:
        proc = dataclasses.replace(proc, lifecycle=dataclasses.replace(proc.lifecycle, delay=0))
    return Original._lifecycle_actions(self, proc, step, state, post, rules_for, may_propose)


def _no_cancellation(self, proc, state):
    return BoolVal(False)


# Mutants of the token and proposal encoding, searched for on generated token specs.
TOKEN_MUTANTS = {
    "votes counted live although the spec says snapshot": ("counting_state", _snapshot_ignored),
    "a transfer needs no balance": ("_token_effect", _transfer_without_balance),
    "voting delay ignored": ("_lifecycle_actions", _voting_delay_ignored),
    "cancellation impossible": ("_cancellable", _no_cancellation),
}

MUTANTS = {
    "open veto windows ignored in forcing sequences": ("veto_safe", _no_veto_threats),
    "timelock ignored": ("_timed_actions", _timelock_ignored),
    "worst case of outsiders taken as their best case": ("forcing:_min", forcing._max),
    "threshold > read as >=": ("boolean", _strict_to_weak),
    "quorum on seats read as members in office": ("num", _seats_as_members),
    "recusal ignored": ("_recused", _no_recusal),
    "abstentions counted as votes cast": ("stage_sets", _abstain_is_cast),
    "notice to all not enforced": ("person_valid", _notice_all_ignored),
    "outsiders cannot stay away to deny quorum": (("person_valid", _outsiders_always_attend),
                                                  ("outsider_options", _outsider_options_without_absence)),
    "token weights ignored": ("num", _unweighted),
    "removal of a non-member allowed": ("_effects", _remove_without_membership),
}


def _disagrees(text: str, depth: int | None = None) -> bool:
    try:
        return compare(text, depth) != []
    except ReplayError:
        return True  # the reference semantics rejected a trace of the mutant


def _apply(patches, monkeypatch, counted: bool = False) -> None:
    for fast_path in ("decide", "decide_reachable"):  # mutants of the general encoding: no fast path
        monkeypatch.setattr(weighted, fast_path, lambda *args: None)
    if not counted:  # mutants of the per-member encoding: no symmetry reduction
        monkeypatch.setattr(counting, "classes", lambda *args, **kw: ((), "switched off"))
    for attribute, replacement in (patches if isinstance(patches[0], tuple) else [patches]):
        if attribute.startswith("forcing:"):  # a function of the module verifier/encode/forcing.py
            monkeypatch.setattr(forcing, attribute[len("forcing:"):], replacement)
        else:
            monkeypatch.setattr(encode.Unrolling, attribute, replacement)


def _search(strategy, condition, examples: int):
    return find(strategy, condition, settings=settings(
        max_examples=examples, derandomize=True, database=None, phases=[Phase.generate], deadline=None,
        suppress_health_check=list(HealthCheck)))


@pytest.mark.slow
@pytest.mark.parametrize("name", list(MUTANTS))
def test_mutant_is_killed(name, monkeypatch):
    _apply(MUTANTS[name], monkeypatch)
    assert _search(specs(), _disagrees, 1000)  # find raises NoSuchExample when the mutant survives


@pytest.mark.slow
@pytest.mark.parametrize("name", list(TOKEN_MUTANTS))
def test_token_mutant_is_killed(name, monkeypatch):
    _apply(TOKEN_MUTANTS[name], monkeypatch)
    assert _search(token_specs(), lambda text: _disagrees(text, 3), 1000)


def _slot_outsiders_ignored(self, stage, state, v, j, coeffs, pick):
    return RealVal(0)


def _slot_notified_unbounded(stage, member, v, i, outsider):
    return Original._slot_valid(stage, member + 1, v, i, outsider)


# wrong variants of the counted encoding (symmetry reduction), found by the generator with groups
COUNTED_MUTANTS = {
    "outsiders of a class ignored in the worst case": ("_slot_worst", _slot_outsiders_ignored),
    "a class's notified count not bounded by its members": ("_slot_valid", staticmethod(_slot_notified_unbounded)),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(COUNTED_MUTANTS))
def test_counted_mutant_is_killed(name, monkeypatch):
    _apply(COUNTED_MUTANTS[name], monkeypatch, counted=True)
    assert _search(group_specs(), _disagrees, 1000)


def _no_step_clause(original):
    """An unsound proof for any length: the invariant need not be closed under steps."""
    def clause(body, head):
        if len(body) > 1 and hasattr(head, "decl") and head.decl().name() == "Inv":
            return BoolVal(True)
        return original(body, head)
    return clause


@pytest.mark.slow
def test_unbounded_mutant_is_killed(monkeypatch):
    from test_differential import unbounded_disagreements
    from verifier import unbounded

    monkeypatch.setattr(unbounded, "_clause", _no_step_clause(unbounded._clause))
    # the fresh solver's re-check of each invariant would reject this one at consecution (a test of its
    # own, in test_certificates.py); here the differential test must catch the unsound proof by itself
    monkeypatch.setattr(unbounded, "recheck", lambda certificate, seconds: ("valid", ""))
    assert _search(specs(), lambda text: unbounded_disagreements(text) != [], 1000)
