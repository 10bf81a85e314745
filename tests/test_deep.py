"""Deep counterexamples get honest verdicts (issue 11, point 8).

The specs of tests/deepgen.py have counterexamples (or forcing sequences) of 5 to 12 steps, or
only at sizes beyond the least, and each comes with its verdict, known by construction.  At default
options (no depth cap, proofs of any length) the verdict must be that one, at the predicted depth
and size: never PROVED for a false property, never REFUTED for a 'can force' with a witness.  The
explicit engine, at the predicted depth, must agree where its limits allow.

The mutants below are the bugs the rewrite of the verdict driver removed ("stop at the depth and
call it proved", "claim every size from the least size", "REFUTED a can-force within a depth"):
each must make some generated spec get a wrong verdict, so these tests would catch its return.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, Phase, assume, find, given, settings
from hypothesis import strategies as st

from conftest import run_cli
from deepgen import PROVED, REFUTED, Deep, cascades, counters, forcings, minorities, notices, open_sizes
from govspec import api
from govspec import verdicts
from govspec.verdicts import deepening, sizes
from govspec.explicit import ExplicitEngine
from govspec.report import Scope
from govspec.verdicts import Deadline, check_property
from verifier.solve import Z3Engine

SECONDS = 60.0


def _settings(examples: int):
    return settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                    suppress_health_check=list(HealthCheck))


def verdict(deep: Deep, engine=None, effort: float = 1.0, seconds: float = SECONDS):
    """The verdict at default options: no depth cap, proofs of any length, effort 1."""
    model = api.load_text(deep.text)
    prop = next(p for p in model.properties if p.name == deep.prop)
    return check_property(engine or Z3Engine(), model, prop, None, seconds, None, unbounded=True, effort=effort)


def decided(deep: Deep, engine=None, effort: float = 1.0):
    """The verdict at default options, given more time once when the time limit (not the search
    budget) stopped it: on a busy machine 60 s can run out first. What ran out of time must still
    be honest; the verdict asserted is the one found with the time it needs."""
    result = verdict(deep, engine, effort)
    if result.status != deep.status and result.reason and "the time limit" in result.reason:
        honest(deep, result)
        result = verdict(deep, engine, effort, seconds=4 * SECONDS)
    return result


def assert_known(deep: Deep, result) -> None:
    assert result.status == deep.status, f"{result.status} ({result.summary}; {result.reason}) for\n{deep}"
    if deep.status == REFUTED and deep.depth is None:  # a 'can force' shown impossible
        assert result.scope.depth is None and "no forcing sequence of any length exists" in result.summary, result
    elif deep.status == REFUTED:
        assert result.scope.depth == deep.depth, f"depth {result.scope.depth} for\n{deep}"
        assert len(result.trace) == deep.depth, deep
        if deep.size is not None:
            assert result.summary.startswith(f"with d of {deep.size}:"), result.summary
    else:  # a 'can force' with a witness: PROVED, by the shortest forcing sequence
        assert result.scope.depth is None
        assert f"in {deep.depth} steps" in result.summary, result.summary


def honest(deep: Deep, result) -> None:
    """What must hold even where the budget runs out first: never the opposite verdict, and a
    bounded result never claims a search past the counterexample."""
    if deep.status == REFUTED:
        assert result.status != "proved", f"PROVED ({result.summary}) for\n{deep}"
        if result.status == "bounded" and result.scope.depth is not None and deep.depth is not None:
            assert result.scope.depth < deep.depth, f"searched to {result.scope.depth} for\n{deep}"
    else:
        assert result.status != "refuted", f"REFUTED ({result.summary}) for\n{deep}"


# ------------------------------------------------------------------ known answers, Z3 at default options

DEFAULT = {  # examples per generator in the default run (the whole file: about a minute on 2 cores)
    "cascade": 5, "notice": 3, "open size": 4, "forcing": 2, "minority": 2,  # (forcing 5, then 3, minority 3: the default run neared 5 minutes;
    # notice 4 and open size 6 took 11 s and 10 s in a local run of 3 December: the default run was 5 min 18 s in CI)
}


@given(cascades(distractor=False))
@_settings(DEFAULT["cascade"])
def test_cascades_of_expulsions_are_refuted_at_their_depth(deep):
    assert_known(deep, decided(deep))


@given(counters())
@_settings(3)
def test_counters_of_conditional_effects_are_refuted_at_their_depth(deep):
    assert_known(deep, decided(deep))


@given(notices(depths=(5, 8)))  # (9 steps and more: see the slow run and the xfails below)
@_settings(DEFAULT["notice"])
def test_resignations_then_notice_or_timelock_are_refuted_at_their_depth(deep):
    assert_known(deep, decided(deep))


@given(open_sizes())
@_settings(DEFAULT["open size"])
def test_open_size_counterexamples_are_found_at_their_size(deep):
    assert_known(deep, decided(deep))


@pytest.mark.slow  # (17 s for 2 examples in the local CI run of 3 December: the slow run)
@given(forcings())
@_settings(DEFAULT["forcing"])
def test_deep_forcing_sequences_prove_can_force(deep):
    assert_known(deep, decided(deep))


@pytest.mark.slow  # (13 s for 2 examples: the slow run)
@given(minorities())
@_settings(DEFAULT["minority"])
def test_a_minority_can_force_nothing_at_any_length(deep):
    assert_known(deep, decided(deep))


@pytest.mark.parametrize("family", [cascades(), notices(depths=(5, 7)), open_sizes(deep=True)])
def test_the_command_line_exits_1_at_default_options(tmp_path, family):
    deep = find(family, lambda d: True, settings=settings(database=None, derandomize=True))
    path = tmp_path / "deep.gov"
    path.write_text(deep.text)
    code, out, _ = run_cli("check", "-q", str(path))
    assert code == 1, out
    assert f"{deep.prop} ... REFUTED (depth {deep.depth}," in out
    assert "PROVED" not in out


# ------------------------------------------------------------------ the explicit engine, at the predicted depth


def explicit_agrees(deep: Deep, seconds: float) -> bool:
    """The explicit engine finds the counterexample (or forcing sequence) at the predicted depth,
    and nothing shorter (its search goes by depth); False when it gives up (its limits)."""
    model = api.load_text(deep.text)
    if deep.size is not None:
        model = api.instance(model, {"d": deep.size})
    prop = next(p for p in model.properties if p.name == deep.prop)
    engine = ExplicitEngine()
    if deep.depth > 8:
        return False  # beyond its depth limit
    if deep.status == PROVED:
        members = frozenset(prop.coalition.candidates)
        out = engine.force(model, prop.goal, deep.depth, Deadline(seconds), None, members)
    else:
        out = engine.violation(model, prop, deep.depth, Deadline(seconds))
    if out.status == "unknown":
        return False
    assert (out.status, out.depth) == ("found", deep.depth), f"{out.status} at {out.depth} for\n{deep}"
    if deep.status == REFUTED:
        verdicts.confirm_violation(model, prop, out.steps)  # the reference semantics agrees
    if deep.size is not None:  # and nothing at the size below, at the same depth
        below = api.instance(api.load_text(deep.text), {"d": deep.size - 1})
        out = engine.violation(below, below.properties[0], deep.depth, Deadline(seconds))
        assert out.status in ("none", "unknown"), f"found at size {deep.size - 1} for\n{deep}"
    return True


def _cheap(deep: Deep) -> bool:
    """Examples the explicit engine decides within seconds (it enumerates votes person by person)."""
    if deep.kind == "cascade":
        return "always size(" in deep.text and deep.text.count("person ") <= 7 and deep.depth == 5
    if deep.kind.startswith("notice"):
        return deep.depth <= 5 and deep.text.count("person ") <= 7
    if deep.kind == "open size":
        return deep.depth == 1 and deep.size <= 7
    if deep.kind == "counter":  # three people, one level a step: a few states per depth
        return True
    return False


@pytest.mark.parametrize("family", [cascades(distractor=False), notices(depths=(5, 5)), open_sizes(deep=False),
                                    counters(depths=(5, 6))],
                         ids=["cascade", "notice", "open size", "counter"])
def test_the_explicit_engine_agrees_at_the_predicted_depth(family):
    @given(family.filter(_cheap))
    @_settings(3)
    def agrees(deep):
        assume(explicit_agrees(deep, 20.0))  # where it gives up (its limits), another example; none at all fails

    agrees()


# ------------------------------------------------------------------ the slow variant: more examples, up to depth 12


@pytest.mark.slow
@given(st.one_of(cascades(), notices(depths=(5, 8)), open_sizes(), forcings(), minorities(), counters()))
@_settings(60)
def test_slow_known_answers_at_default_options(deep):
    assert_known(deep, decided(deep))


@pytest.mark.slow
@given(notices(depths=(9, 12)))
@_settings(10)
def test_slow_counterexamples_of_9_to_12_steps(deep):
    """At default options: REFUTED, or (the work budget or, on a busy machine, the time limit spent
    first) BOUNDED below the depth of the counterexample, never PROVED; with three times the effort
    and the time, REFUTED at the predicted depth."""
    result = verdict(deep)
    honest(deep, result)
    if result.status != REFUTED:
        assert result.status == "bounded", result
        assert ("the search budget ran out at depth" in result.reason
                or "the time limit was reached" in result.reason  # (the limit ran out between two searches)
                or "time limit reached at depth" in result.reason), result  # (... or during one: Z3 gave up)
        result = verdict(deep, effort=3.0, seconds=3 * SECONDS)
    assert_known(deep, result)


# A board of 9 directors that must not fire its CEO with fewer than 2 yes votes: 8 resign, the
# last one calls a meeting, a day passes, and 1 yes carries it (11 steps).
NINE_DIRECTORS = Deep(
    "organization \"Board of 9\" {\n" + "".join(f"  person d{i}\n" for i in range(1, 10)) + """\
  person boss
  body board { members d1, d2, d3, d4, d5, d6, d7, d8, d9 }
  office ceo = boss
  event resign(d in board) { effect remove d from board }
  procedure remove_ceo "art. 5" {
    decided by board at meeting
      notice all 1 days
      quorum majority of members
      passes when yes > half of members
    effect ceo = vacant
  }
}
property ceo_needs: always (remove_ceo -> yes >= 2)
""", "ceo_needs", REFUTED, 11, kind="notice/yes")


@pytest.mark.slow
def test_a_counterexample_of_11_steps_is_refuted_at_default_options():
    """The default budget reaches depth 12 (it counts steps, not solver work).  The time limit is
    three times the default: the point is the step budget, and the search takes 25 to 40 s on a busy
    machine of two cores, too near the default 60 s."""
    result = verdict(NINE_DIRECTORS, seconds=3 * SECONDS)
    honest(NINE_DIRECTORS, result)
    assert_known(NINE_DIRECTORS, result)


@pytest.mark.slow  # (17 s: the slow run keeps it, the default run has its 5 minutes)
def test_the_same_check_gives_the_same_verdict_in_one_process():
    """The budget counts steps: what ran before in the same process does not move where the search
    stops (it did when the budget was Z3's process-wide resource count); twice in one process."""
    verdicts = []
    for _ in range(2):
        result = verdict(NINE_DIRECTORS, effort=0.25)  # the budget runs out at depth 6, before the counterexample
        verdicts.append((result.status, result.word, result.reason))
    assert verdicts == [verdicts[0]] * 2
    assert verdicts[0][:2] == ("bounded", "HOLDS UP TO 6 STEPS")
    assert "the search budget ran out at depth 6 (--effort)" in verdicts[0][2]


@pytest.mark.slow
@given(st.one_of(cascades(), notices(depths=(5, 8)), open_sizes(), forcings(), counters()))
@_settings(20)
def test_slow_the_explicit_engine_agrees(deep):
    explicit_agrees(deep, 30.0)  # False (not checked) where it gives up


# ------------------------------------------------------------------ mutants the deep generators kill


def _wrong(family, verdict_of, examples: int = 20) -> Deep:
    """A generated spec whose verdict under the mutant is not its known one (find raises
    NoSuchExample when the mutant survives)."""
    return find(family, lambda deep: verdict_of(deep).status != deep.status, settings=settings(
        max_examples=examples, derandomize=True, database=None, phases=[Phase.generate], deadline=None,
        suppress_health_check=list(HealthCheck)))


def test_mutant_stop_at_the_first_depth_and_call_it_proved_is_killed(monkeypatch):
    monkeypatch.setattr(deepening, "any_length", lambda *args, **kw: (True, "", "the mutant"))
    deep = _wrong(cascades(), verdict)
    assert verdict(deep).status == "proved"  # a false property, its counterexample 5+ steps deep
    assert deep.depth > verdicts.FIRST_DEPTH


def test_mutant_unsound_prover_of_any_length_is_killed(monkeypatch):
    """The prover of any length says yes to anything: what the first search missed is PROVED."""
    monkeypatch.setattr(Z3Engine, "prove_unbounded", lambda self, *args: (True, ""))
    deep = _wrong(st.one_of(cascades(), notices(depths=(5, 9))), verdict)
    assert verdict(deep).status == "proved" and deep.depth > verdicts.FIRST_DEPTH


def test_mutant_stop_deepening_and_call_it_proved_is_killed(monkeypatch):
    monkeypatch.setattr(deepening.Deepening, "deeper", lambda self: verdicts.Outcome("none", depth=self.searched))
    monkeypatch.setattr(deepening, "any_length",
                        lambda engine, model, budget, attempt: (True, "", "the mutant") if budget.prove else
                        (False, "bounded", ""))
    deep = _wrong(notices(depths=(5, 9)), verdict)
    assert verdict(deep).status == "proved" and deep.depth > verdicts.FIRST_DEPTH


def _least_size_for_all(engine, model, prop, result, budget, passable):
    if result.status == "proved":
        return replace(result, scope=Scope(None, "all"))
    return result


def test_mutant_claim_every_size_from_the_least_size_is_killed(monkeypatch):
    monkeypatch.setattr(sizes, "every_size", _least_size_for_all)
    deep = _wrong(open_sizes(), verdict)
    result = verdict(deep)
    assert (result.status, result.scope.sizes) == ("proved", "all") and deep.size > 5


def test_mutant_every_size_searched_at_once_is_killed(monkeypatch):
    """The engine claims to search every size at once although a member argument forbids it."""
    from verifier import solve

    monkeypatch.setattr(solve.Z3Engine, "all_sizes", lambda self, model, prop, depth, deadline, unbounded_too:
                        solve.SizesAnswer("holds", depth=None))
    deep = _wrong(open_sizes(), verdict)
    result = verdict(deep)
    assert (result.status, result.scope.sizes) == ("proved", "all") and deep.size > 5


def test_mutant_refute_can_force_without_a_witness_within_the_first_depth_is_killed(monkeypatch):
    monkeypatch.setattr(Z3Engine, "prove_cannot_force", lambda self, *args: (True, ""))
    deep = _wrong(forcings(), verdict)
    result = verdict(deep)
    assert result.status == "refuted" and "no forcing sequence of any length" in result.summary
    assert deep.depth > verdicts.FIRST_DEPTH  # a witness exists, beyond the first search
