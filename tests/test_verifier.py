"""The verifier's promises: shortest counterexamples, replay, time limits, UNKNOWN, vacuity."""

import json

import pytest

from conftest import run_cli
from govspec import api
from govspec import semantics as sem
from govspec.report import PROVED, REFUTED, UNKNOWN

SPEC = """
organization "t" {
  person a
  person b
  person c
  person d
  body board { seats 4 members a, b, c, d }
  office ceo = a
  event resign(x in board) { effect remove x from board }
  procedure fire { decided by board at meeting notice none quorum majority of members
                   passes when yes > half of present  require ceo is not vacant  effect ceo = vacant }
  procedure never_passes { decided by board at meeting passes when yes > size(board.members) }
}
property needs_one: always (fire -> yes >= 1)
property needs_two: always (fire -> yes >= 2)
property needs_three: always (fire -> yes >= 3)
property board_never_empty: always size(board.members) >= 1
property vacuous: always (never_passes -> yes >= 3)
property one_cannot: no coalition of at most 1 in board can force fire
property two_can: coalition {a, b} can force ceo is vacant
"""


@pytest.fixture(scope="module")
def report():
    return api.check_model(api.load_text(SPEC, "t.gov"), api.Options(depth=4, timeout=30))


def by_name(report):
    return {p.name: p for p in report.properties}


def test_verdicts(report):
    r = by_name(report)
    # quorum is a majority of those in office, so resignations shrink it: one director alone
    # can carry it after three resignations (depth 4), two of four at once (depth 1)
    assert r["needs_one"].status == PROVED
    assert r["needs_two"].status == REFUTED and r["needs_two"].scope.depth == 4
    assert r["needs_three"].status == REFUTED
    assert r["board_never_empty"].status == REFUTED  # everybody may resign
    # alone, a director can only resign; outsiders stay away and deny the quorum of 3
    assert r["one_cannot"].status == PROVED
    assert r["two_can"].status == REFUTED  # two of four cannot reach a quorum of 3 against absentees


def test_counterexamples_are_shortest_and_replay(report):
    r = by_name(report)
    trace = r["needs_three"].trace
    assert len(trace) == 1 and r["needs_three"].scope.depth == 1
    assert len(r["board_never_empty"].trace) == 4
    model = api.load_text(SPEC, "t.gov")
    state = sem.initial_state(model)
    for step in trace:
        stage = step.stages[0]
        choice = sem.StageChoice(frozenset(stage.notified), frozenset(stage.present), frozenset(stage.yes),
                                 frozenset(stage.no), frozenset(stage.abstain))
        s = sem.Step(step.name, step.args, (choice,))
        assert sem.step_problems(model, state, s) == []
        state = sem.apply(model, state, s)


def test_vacuous_proofs_are_flagged(report):
    r = by_name(report)
    assert r["vacuous"].status == PROVED and r["vacuous"].vacuous
    assert not r["needs_one"].vacuous
    sanity = {s.procedure: s.status for s in report.sanity}
    assert sanity == {"fire": "ok", "never_passes": "warning"}


def test_a_replay_failure_is_an_internal_error(tmp_path, monkeypatch):
    spec = tmp_path / "t.gov"
    spec.write_text(SPEC)
    monkeypatch.setattr(sem, "step_problems", lambda *a: ["rejected on purpose"])
    code, out, err = run_cli("check", str(spec))
    assert code == 2
    assert "internal error" in err and "rejected on purpose" in err
    assert "REFUTED" not in out


def test_time_limit_gives_unknown_and_exit_4(tmp_path, monkeypatch):
    from verifier import solve

    spec = tmp_path / "t.gov"
    spec.write_text(SPEC)
    monkeypatch.setattr(solve.Deadline, "remaining_ms", lambda self: 0)
    code, out, _ = run_cli("check", "--format", "json", str(spec))
    assert code == 4
    props = json.loads(out)["files"][0]["properties"]
    assert {p["status"] for p in props} == {UNKNOWN}
    assert all(p["reason"] and "time limit" in p["reason"] for p in props)


def test_depth_zero_checks_only_the_initial_state(tmp_path):
    spec = tmp_path / "t.gov"
    spec.write_text(SPEC)
    code, out, _ = run_cli("check", "--depth", "0", "--no-sanity", "--format", "json", str(spec))
    props = {p["name"]: p for p in json.loads(out)["files"][0]["properties"]}
    # the initial state satisfies it, and nothing longer was searched: bounded, not proved
    assert props["board_never_empty"]["status"] == "bounded"
    assert props["board_never_empty"]["verdict"] == "HOLDS UP TO 0 STEPS"
    assert props["board_never_empty"]["scope"] == {"depth": 0, "sizes": "as-written"}


def test_a_scenario_too_large_to_confirm_is_unknown_not_an_error(tmp_path):
    """13 outsiders of distinct weights: more responses than the reference semantics enumerates."""
    people = "\n".join(f"  person h{i} weight {i}" for i in range(1, 16))
    spec = tmp_path / "big.gov"
    spec.write_text(f"""organization "big" {{
{people}
  body holders {{ members {', '.join(f'h{i}' for i in range(1, 16))} }}
  parameter x = 0
  procedure execute {{ decided by holders at meeting notice all
                       passes when weight(yes) >= 1/5 of weight(members) effect x = 1 }}
}}
property p: no coalition of at most 2 in holders can force execute
""")
    code, out, err = run_cli("check", "--no-sanity", str(spec))
    assert code == 4, out + err
    assert "cannot be confirmed: more than 200000 outsider responses" in out
