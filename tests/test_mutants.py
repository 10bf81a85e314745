"""Mutation check: the differential comparison has teeth.

Each mutant is a deliberately wrong variant of the Z3 encoding (applied with monkeypatch).  For each
one a witness spec is stored in tests/mutants/: on it the unmutated engines agree, and the mutated
Z3 engine disagrees with the explicit engine (or returns a trace the reference semantics rejects).
So the comparison run by tests/test_differential.py would catch that bug on that spec.

The witnesses were found by ``python tests/mutants/find.py`` (bundled specs first, then specs drawn
from the mutant's generator); a mutant added here without a witness fails until one is found.  Until
stop 24 each test searched for its witness with Hypothesis on every CI run, which cost most of an
hour of the slow run and failed whenever a change to the generators moved the search.
"""

from __future__ import annotations

import pathlib
import re
from dataclasses import dataclass
from functools import partial
from typing import Callable

import pytest
from z3 import BoolVal, RealVal, Sum, If

from govspec import model as m
from govspec.verdicts import ReplayError
from specgen import group_specs, same_kind_specs, specs, token_specs
from test_differential import compare
from verifier import counting, encode, weighted
from verifier.encode import forcing

class Original:
    """The unmutated methods, captured before any test patches the class."""


for _name in ("boolean", "num", "_recused", "stage_sets", "person_valid", "_effects", "outsider_options",
              "_timed_actions", "counting_state", "_token_effect", "_lifecycle_actions", "_slot_valid", "_slot_worst",
              "_several_timed_actions", "_each_worst"):
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


def _outsiders_never_sign_a_waiver(self, proc, stage, state, args, v, i, outsider=False):
    """(issue 13.3) an outsider not notified never signs a written waiver of notice: unsound where
    signing lets the outsiders carry a veto."""
    rule = Original.person_valid(self, proc, stage, state, args, v, i, outsider)
    if outsider and i in v.signed_waiver:
        from z3 import And, Not
        return And(rule, Not(v.signed_waiver[i]))
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


def _snapshot_ignored(self, proc, state, loan, which=None):
    import dataclasses
    if proc.lifecycle is not None:
        proc = dataclasses.replace(proc, lifecycle=dataclasses.replace(proc.lifecycle, snapshot=False))
    return Original.counting_state(self, proc, state, loan, which)


def _one_execution_clears_every_decision(self, proc, step, state, post, rules_for):
    """(issue 13.6) one of several waiting decisions taking effect clears the others too."""
    Original._several_timed_actions(self, proc, step, state, post, rules_for)
    key = encode.action_key(proc.name, "execute")
    after = post[key]
    cleared = [(BoolVal(False), *slot[1:]) for slot in self.pending_slots(after, proc.name)]
    post[key] = encode.state.replaced(after, **self._with_pending(after, proc.name, cleared))


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


def _slot_outsiders_ignored(self, stage, state, v, j, coeffs, pick):
    return RealVal(0)


def _slot_one_term_per_kind(self, stage, state, v, j, coeffs, pick):
    """(the defect fixed on 4 December 2026) only the last admitted term of each kind of step set."""
    last = {}
    for (kind, weighted, having), c in coeffs.items():
        if self._admits(having, j):
            last[kind] = ((kind, weighted, having), c)
    return Original._slot_worst(self, stage, state, v, j, dict(last.values()), pick)


def _combined_outsiders_stay_away(self, proc, stage, state, args, v, coalition, sets_own, per_option, holds):
    """(5 December 2026) each notified outsider of a per-person worst case takes one option only:
    staying away."""
    return Original._each_worst(self, proc, stage, state, args, v, coalition, sets_own,
                                {o: per_option["absent"] for o in per_option}, holds)


def _slot_notified_unbounded(stage, member, v, i, outsider):
    return Original._slot_valid(stage, member + 1, v, i, outsider)


def _no_step_clause(original):
    """An unsound proof for any length: the invariant need not be closed under steps."""
    def clause(body, head):
        if len(body) > 1 and hasattr(head, "decl") and head.decl().name() == "Inv":
            return BoolVal(True)
        return original(body, head)
    return clause



def _unbounded_patches(monkeypatch):
    from verifier import unbounded
    monkeypatch.setattr(unbounded, "_clause", _no_step_clause(unbounded._clause))
    # the fresh solver's re-check of each invariant would reject this one at consecution (a test of its
    # own, in test_certificates.py); here the differential test must catch the unsound proof by itself
    monkeypatch.setattr(unbounded, "recheck", lambda certificate, seconds: ("valid", ""))


@dataclass(frozen=True)
class Mutant:
    patches: object          # (attribute, replacement), a tuple of them, or a function of monkeypatch
    strategy: Callable = specs  # the generator find.py draws candidate witnesses from
    depth: int | None = None    # the comparison's depth (None: test_differential's default)
    counted: bool = False       # a mutant of the counted encoding: keep the symmetry reduction
    unbounded: bool = False     # compared by test_differential.unbounded_disagreements


ALL = {
    "open veto windows ignored in forcing sequences": Mutant(("veto_safe", _no_veto_threats)),
    "timelock ignored": Mutant(("_timed_actions", _timelock_ignored)),
    "worst case of outsiders taken as their best case": Mutant(("forcing:_min", forcing._max)),
    "threshold > read as >=": Mutant(("boolean", _strict_to_weak)),
    "quorum on seats read as members in office": Mutant(("num", _seats_as_members)),
    "recusal ignored": Mutant(("_recused", _no_recusal)),
    "abstentions counted as votes cast": Mutant(("stage_sets", _abstain_is_cast)),
    "notice to all not enforced": Mutant(("person_valid", _notice_all_ignored)),
    "outsiders cannot stay away to deny quorum": Mutant((("person_valid", _outsiders_always_attend),
                                                         ("outsider_options", _outsider_options_without_absence))),
    "outsiders never sign a written waiver of notice": Mutant(("person_valid", _outsiders_never_sign_a_waiver)),
    "token weights ignored": Mutant(("num", _unweighted)),
    "removal of a non-member allowed": Mutant(("_effects", _remove_without_membership)),
    # the token and proposal encoding, on generated token specs
    "votes counted live although the spec says snapshot": Mutant(("counting_state", _snapshot_ignored), token_specs, 3),
    "a transfer needs no balance": Mutant(("_token_effect", _transfer_without_balance), token_specs, 3),
    "voting delay ignored": Mutant(("_lifecycle_actions", _voting_delay_ignored), token_specs, 3),
    "cancellation impossible": Mutant(("_cancellable", _no_cancellation), token_specs, 5),  # (its witness cancels at step 3 of 5)
    # several live proposals (issue 13.6); the witness is the race of tests/test_live_proposals.py (7 steps)
    "one of several waiting decisions taking effect clears them all": Mutant(
        ("_several_timed_actions", _one_execution_clears_every_decision), partial(token_specs, several=True), 7),
    # the counted encoding (symmetry reduction), on generated specs with groups
    "outsiders of a class ignored in the worst case": Mutant(("_slot_worst", _slot_outsiders_ignored), group_specs,
                                                             counted=True),
    "a class's notified count not bounded by its members": Mutant(
        ("_slot_valid", staticmethod(_slot_notified_unbounded)), group_specs, counted=True),
    "a class's worst case keeps one term per kind of step set": Mutant(
        ("_slot_worst", _slot_one_term_per_kind), same_kind_specs, 1, counted=True),
    # the outsiders' worst case without a quantifier (5 December 2026): a part of a rule no outsider's
    # response changes is read on the coalition's own choices (read so with a step set the outsiders
    # answer, the coalition would choose their votes too); a set combined of step sets, person by person
    "a step set the outsiders answer read as settled": Mutant(("forcing:_UNANSWERED", frozenset(m.STEP_SETS)),
                                                               group_specs),
    "outsiders of a combined set only stay away": Mutant(("_each_worst", _combined_outsiders_stay_away)),
    # an unsound proof for any length
    "invariant not closed under steps (any length)": Mutant(_unbounded_patches, unbounded=True),
}


def witness_path(name: str) -> pathlib.Path:
    words = name.lower().replace(">=", " at least ").replace(">", " more than ")
    return pathlib.Path(__file__).parent / "mutants" / (re.sub(r"[^a-z0-9]+", "_", words).strip("_") + ".gov")


def _problems(text: str, mutant: Mutant) -> list[str]:
    if mutant.unbounded:
        from test_differential import unbounded_disagreements
        return unbounded_disagreements(text)
    return compare(text, mutant.depth)


def agrees(text: str, mutant: Mutant) -> bool:
    return _problems(text, mutant) == []


def disagrees(text: str, mutant: Mutant) -> bool:
    try:
        return _problems(text, mutant) != []
    except ReplayError:
        return True  # the reference semantics rejected a trace of the mutant


def configure(mutant: Mutant, monkeypatch) -> bool:
    """The encoding the mutant is a variant of: the general one (no weighted fast path), and for the
    per-member mutants no symmetry reduction.  The witness must agree in this configuration too, so
    that a disagreement comes from the mutant, not from the configuration.  False when the mutant
    needs no configuration (it patches the engines its own way)."""
    if callable(mutant.patches):
        return False
    for fast_path in ("decide", "decide_reachable"):
        monkeypatch.setattr(weighted, fast_path, lambda *args: None)
    if not mutant.counted:
        monkeypatch.setattr(counting, "classes", lambda *args, **kw: ((), "switched off"))
    return True


def apply(mutant: Mutant, monkeypatch) -> None:
    """The mutant itself (after :func:`configure`)."""
    if callable(mutant.patches):
        mutant.patches(monkeypatch)
        return
    patches = mutant.patches
    for attribute, replacement in (patches if isinstance(patches[0], tuple) else [patches]):
        if attribute.startswith("forcing:"):  # a function of the module verifier/encode/forcing.py
            monkeypatch.setattr(forcing, attribute[len("forcing:"):], replacement)
        else:
            monkeypatch.setattr(encode.Unrolling, attribute, replacement)


@pytest.mark.slow  # (21 s of the default run; the default run measured 4 min 33 s alone on 6 December 2026, 4 min 59 s in CI)
@pytest.mark.parametrize("name", list(ALL))
def test_mutant_is_killed_by_its_witness(name, monkeypatch):
    path = witness_path(name)
    assert path.exists(), f"no witness for {name!r}: run python tests/mutants/find.py"
    text, mutant = path.read_text(), ALL[name]
    # (the unmutated engines in the mutant's configuration; in the default one: the slow test below)
    configure(mutant, monkeypatch)
    assert agrees(text, mutant), "the unmutated engines disagree on the witness in the mutant's configuration"
    apply(mutant, monkeypatch)
    assert disagrees(text, mutant), f"the mutant {name!r} survives its witness {path.name}"


@pytest.mark.slow  # (9 s of the default run, which measured 5 min 32 s to 5 min 43 s alone on 5 December)
@pytest.mark.parametrize("name", [n for n, mutant in ALL.items() if not callable(mutant.patches)])
def test_the_witnesses_agree_in_the_default_configuration(name):
    """Each stored witness is also a spec on which the engines agree as users run them (the weighted
    fast path and the counted encoding on)."""
    assert agrees(witness_path(name).read_text(), ALL[name]), "the unmutated engines disagree on the witness"


def test_every_witness_belongs_to_a_mutant():
    stored = {p.name for p in (pathlib.Path(__file__).parent / "mutants").glob("*.gov")}
    assert stored <= {witness_path(n).name for n in ALL}


def test_the_docs_count_the_mutants():
    """docs/reliability.md's table counts the mutants of each part of the encoding."""
    kinds = {"the encoding": 0, "the token and proposal encoding": 0, "the counted encoding": 0, "proofs of any length": 0}
    for mutant in ALL.values():
        strategy = getattr(mutant.strategy, "func", mutant.strategy)
        kind = ("proofs of any length" if mutant.unbounded else "the counted encoding" if mutant.counted
                else "the token and proposal encoding" if strategy.__name__ == "token_specs" else "the encoding")
        kinds[kind] += 1
    row = next(line for line in (pathlib.Path(__file__).parent.parent / "docs" / "reliability.md").read_text().splitlines()
               if line.startswith("| Mutation check |"))
    stated = {kind: int(n) for n, kind in re.findall(r"(\d+) (?:mutants? )?of (the (?:[a-z ]+ )?encoding|proofs of any length)", row)}
    assert stated == kinds, row
