"""Proofs of any length come with a certificate that a fresh solver (and cvc5) checks again.

The invariant Spacer finds is re-checked before PROVED (initiation, consecution, safety); a
corrupted invariant must be rejected by both checkers; every reason is one short line.
"""

import dataclasses
import re
import sys
from pathlib import Path

import pytest
from z3 import BoolVal

from govspec import api
from govspec.verdicts import Deadline
from verifier import certificate as cert
from verifier import solve, unbounded

SPECS = Path(__file__).resolve().parent.parent / "specs"

FIVE = """
organization "Five" {
  person a
  person b
  person c
  person d
  person e
  body board {
    seats 5
    members a, b, c, d, e
  }
  office ceo = a

  procedure act {
    decided by board at meeting
      notice none
      quorum majority of members
      passes when RULE
    require ceo is not vacant
    effect ceo = vacant
  }
}

property act_needs_three:
  always (act -> yes >= 3)

property two_cannot_act:
  no coalition of at most 2 in board can force act
"""


def _prove(model, prop, seconds=30):
    if prop.kind in ("invariant", "step"):
        return unbounded.prove_with_certificate(model, prop, Deadline(seconds))
    spec = prop.coalition
    return unbounded.prove_with_certificate(model, prop, Deadline(seconds), goal=prop.goal,
                                            coalition_candidates=spec.candidates, coalition_size=spec.size)


def _with_body(c: cert.Certificate, body: str) -> cert.Certificate:
    """The certificate with the invariant's body replaced (same parameters)."""
    head, _ = c.invariant.split("Bool\n", 1)
    return dataclasses.replace(c, invariant=f"{head}Bool\n  {body})")


def _body(c: cert.Certificate) -> str:
    return c.invariant.split("Bool\n", 1)[1].strip()[:-1]


@pytest.fixture(scope="module")
def seat_quorum():
    """The certificates of every property of the seat-quorum variant of the OpenAI board."""
    model = api.load(str(SPECS / "openai" / "board_2023_seat_quorum.gov"))
    out = {}
    for prop in model.properties:
        ok, why, c = _prove(model, prop)
        out[prop.name] = (ok, why, c)
    return out


def test_real_proofs_come_with_a_certificate_the_recheck_accepts(seat_quorum):
    assert set(seat_quorum) == {"ceo_removal_needs_three_or_notice", "two_cannot_fire_ceo", "four_cannot_fire_ceo"}
    for name, (ok, why, c) in seat_quorum.items():
        assert ok and why == "", name
        assert c is not None and c.invariant.startswith("(define-fun Inv (")
        assert [n for n, _ in c.obligations] == list(cert.OBLIGATIONS)
        for n in cert.OBLIGATIONS:
            script = c.script(n)
            assert script.rstrip().endswith("(check-sat)") and "(define-fun Inv" in script
        assert cert.check(c, 20) == ("valid", ""), name


@pytest.mark.parametrize("name", ["two_cannot_fire_ceo", "four_cannot_fire_ceo"])
def test_a_corrupted_invariant_is_rejected_by_z3(seat_quorum, name):
    _, _, c = seat_quorum[name]
    # "true" is kept by every step but lets the bad step through: safety must fail
    assert cert.check(_with_body(c, "true"), 20) == ("invalid", "the invariant fails its safety check")
    # its negation does not hold initially
    assert cert.check(_with_body(c, f"(not {_body(c)})"), 20) == ("invalid", "the invariant fails its initiation check")
    # "false" excludes everything but the start
    assert cert.check(_with_body(c, "false"), 20)[0] == "invalid"


def test_the_recheck_is_not_vacuous(seat_quorum):
    """The step property's invariant may be "true" (the bad step is impossible in any state), but
    the obligations still constrain it: "false" fails initiation."""
    _, _, c = seat_quorum["ceo_removal_needs_three_or_notice"]
    assert cert.check(_with_body(c, "false"), 20) == ("invalid", "the invariant fails its initiation check")


def test_cvc5_accepts_real_proofs_and_rejects_corrupted_ones(seat_quorum):
    pytest.importorskip("cvc5")
    for name, (_, _, c) in seat_quorum.items():
        assert cert.recheck_with_cvc5(c, 20) == ("valid", ""), name
        assert cert.recheck_with_cvc5(_with_body(c, f"(not {_body(c)})"), 20)[0] == "invalid", name
    for name in ("two_cannot_fire_ceo", "four_cannot_fire_ceo"):
        _, _, c = seat_quorum[name]
        assert cert.recheck_with_cvc5(_with_body(c, "true"), 20) == (
            "invalid", "cvc5: the invariant fails its safety check"), name


def test_cvc5_missing_is_unavailable(seat_quorum, monkeypatch):
    monkeypatch.setitem(sys.modules, "cvc5", None)  # (import cvc5 now raises ImportError)
    _, _, c = seat_quorum["two_cannot_fire_ceo"]
    status, why = cert.recheck_with_cvc5(c, 5)
    assert status == "unavailable" and "cvc5" in why


def test_a_spacer_invariant_that_is_not_inductive_is_never_proved(monkeypatch):
    """The mutant of test_mutants.py (the step clause dropped): Spacer then "proves" a property
    that three resignations refute; the re-check against the real step must reject it."""
    original = unbounded._clause

    def clause(body, head):
        if len(body) > 1 and hasattr(head, "decl") and head.decl().name() == "Inv":
            return BoolVal(True)
        return original(body, head)
    model = api.load(str(SPECS / "openai" / "board_2023.gov"))
    prop = next(p for p in model.properties if p.name == "ceo_removal_needs_three_or_notice")
    assert unbounded.prove(model, prop, Deadline(30))[0] is False  # (the real answer)
    monkeypatch.setattr(unbounded, "_clause", clause)
    ok, why, c = _prove(model, prop)
    assert not ok and c is not None
    assert why.startswith("the invariant found was rejected by a fresh solver") and "consecution" in why
    assert cert.check(c, 20)[0] == "invalid"
    if _has_cvc5():
        assert cert.recheck_with_cvc5(c, 20)[0] == "invalid"


def test_an_undecided_recheck_is_not_a_proof(monkeypatch):
    monkeypatch.setattr(unbounded, "recheck", lambda c, s: ("unknown", "the consecution check of the invariant was not decided (time limit reached)"))
    model = api.load(str(SPECS / "openai" / "board_2023_seat_quorum.gov"))
    for prop in model.properties:
        ok, why, c = _prove(model, prop)
        assert not ok and c is not None and why.startswith("the invariant found could not be checked again")
        assert solve.Z3Engine().prove_unbounded(model, prop, Deadline(30))[0] is False


def _has_cvc5() -> bool:
    try:
        import cvc5  # noqa: F401
    except ImportError:
        return False
    return True


# ------------------------------------------------------------------ one-line reasons

def test_a_huge_spacer_message_becomes_words():
    raw = "spacer: quantifier in a recursive rule: " + "(forall ((x Int)) (and " * 1000 + "\n" * 50 + "x" * 20000
    assert len(raw) > 40_000
    assert cert.one_line(raw) == "the rules need a quantifier the Horn engine does not support"


@pytest.mark.parametrize("raw", ["x" * 5000, "line one\nline two\n" * 400, "  \n\t spaced   out\n reason  "])
def test_any_other_message_is_one_short_line(raw):
    line = cert.one_line(raw)
    assert "\n" not in line and "\t" not in line and 0 < len(line) <= cert.MAX_REASON
    assert line.startswith(" ".join(raw.split())[:20])


def test_known_limits_in_words():
    assert cert.one_line("canceled") == "time limit reached"
    assert cert.one_line("max. resource limit exceeded") == "resource limit reached"
    assert cert.one_line("") == "the solver gave no reason"


def test_a_rule_that_needs_a_quantifier_gets_a_short_reason():
    # a disjunction in a vote rule keeps its quantifier (no worst case per member): Spacer gives up
    model = api.load_text(FIVE.replace("RULE", "yes >= 4 or (yes >= 3 and c in yes)"), "five.gov")
    prop = next(p for p in model.properties if p.name == "two_cannot_act")
    ok, why = solve.Z3Engine().prove_unbounded(model, prop, Deadline(30))
    assert not ok
    assert why == "the rules need a quantifier the Horn engine does not support"


# ------------------------------------------------------------------ named people in step sets

@pytest.mark.parametrize("rule", ["yes >= 3 and c not in no", "yes >= 3 and c in yes", "c in present and yes >= 3"])
def test_a_named_person_in_a_step_set_is_proved_for_any_length(rule):
    model = api.load_text(FIVE.replace("RULE", rule), "five.gov")
    prop = next(p for p in model.properties if p.name == "two_cannot_act")
    ok, why, c = _prove(model, prop)
    assert (ok, why) == (True, "")
    assert not re.search(r"\bforall\b", c.script("consecution"))  # (the step is quantifier-free)
    report = api.check_model(model, api.Options(depth=3, timeout=30))
    by_name = {p.name: p for p in report.properties}
    assert by_name["two_cannot_act"].status == "proved"
    assert by_name["two_cannot_act"].scope.depth is None  # any length


@pytest.mark.parametrize("rule, forced", [
    ("yes >= 3 and c not in no", True),   # three others force it without notifying c
    ("yes >= 3 and c in yes", True),      # only with c among the three
    ("yes >= 4 and c in yes", False),     # four needed: not three
])
def test_named_person_rules_agree_with_the_explicit_engine(rule, forced):
    text = FIVE.replace("RULE", rule).replace("at most 2", "at most 3")
    model = api.load_text(text, "five.gov")
    verdicts = {}
    for engine in ("z3", "explicit"):
        report = api.check_model(model, api.Options(depth=2, timeout=30, engine=engine))
        verdicts[engine] = {p.name: p.status for p in report.properties}["two_cannot_act"]
    assert verdicts["z3"] == verdicts["explicit"]
    assert (verdicts["z3"] == "refuted") == forced


# ------------------------------------------------------------------ leaves that never change

@pytest.mark.parametrize("path, name", [
    ("dao/flash_loan_snapshot.gov", "a_flash_loan_cannot_pass_a_proposal"),
    ("dao/governor_quorum.gov", "the_whale_alone_cannot_execute"),
])
def test_snapshot_proofs_reach_any_length_with_a_checked_certificate(path, name):
    """Spacer solves these only with the leaves that never change replaced by their values; the
    certificate states those values and is checked on the full, unreduced step."""
    model = api.load(str(SPECS / path))
    prop = next(p for p in model.properties if p.name == name)
    ok, why, c = _prove(model, prop)
    assert (ok, why) == (True, "")
    assert "(= inv_arg_" in c.invariant  # (the constant leaves, as equalities)
    assert cert.check(c, 20) == ("valid", "")
    assert cert.check(_with_body(c, f"(not {_body(c)})"), 20)[0] == "invalid"
    if _has_cvc5():
        assert cert.recheck_with_cvc5(c, 20) == ("valid", "")


# ------------------------------------------------------------------ coalitions that must include someone

def test_a_coalition_including_someone_is_proved_for_the_coalitions_that_include_them():
    """'no coalition of at most 3 in board including chief can force remove_ceo' is proved for the
    largest coalitions that include chief, as the bounded search enumerates them. Until 5 December
    2026 the proof was asked of every coalition of 3, and {cto, bob, dan} can force the removal:
    Spacer found it and the reason read "a longer behaviour may violate it" (which also kept the
    exhaustive exploration from trying). It came to light when the rules of that spec stopped
    needing a quantifier (the exploration had proved it until then)."""
    text = (Path(__file__).parent.parent / "specs" / "delaware" / "independent_directors.gov").read_text()
    model = api.load_text(text, "independent_directors.gov")
    prop = next(p for p in model.properties if p.name == "ceo_and_two_independents_cannot_remove_the_ceo")
    assert prop.coalition.including == ("chief",)
    engine = solve.Z3Engine()
    assert engine.prove_unbounded(model, prop, Deadline(30)) == (True, "")
    # (without 'including' the same question is false: the proof must not have been of it)
    everyone = dataclasses.replace(prop, coalition=dataclasses.replace(prop.coalition, including=()))
    ok, why = solve.Z3Engine().prove_unbounded(model, everyone, Deadline(30))
    assert (ok, why) == (False, "a longer behaviour may violate it")
