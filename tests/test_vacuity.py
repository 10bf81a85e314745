"""Vacuity marks as docs/semantics.md §8 states them, for every property form (issue 19 point 6).

A proof is marked vacuous when it holds only because a procedure can never pass: a step rule
``always (P -> C)`` (also ``P.executed``) and ``no coalition ... can force P``.  ``never P`` is
the claim that P cannot pass, so its proof is never marked.  With a group of open size, a mark
found at the least sizes must hold at every size to stand beside a proof for every size."""

from __future__ import annotations

import pytest

from govspec import api

FIXED = """
organization "V" {
  person a
  person b
  person c
  body board { members a, b, c }
  procedure act { decided by board at meeting  passes when yes >= 4 }
  procedure slow { decided by board at meeting  passes when yes >= 4  timelock 2 days }
  procedure ok { decided by board at meeting  passes when yes >= 2 }
  property never_act: never act
  property rule_act: always (act -> yes >= 2)
  property force_act: no coalition of at most 1 can force act
  property rule_slow: always (slow.executed -> now >= 0)
  property never_slow: never slow.executed
  property rule_ok: always (ok -> yes >= 2)
  property state: always size(board) == 3
  property rule_both: always ({act, slow} -> yes >= 2)
  property rule_either: always ({act, ok} -> yes >= 2)
}
"""

OPEN = """
organization "V" {
  group d of at least 3
  body board { members d }
  procedure act { decided by board at meeting  passes when yes > size(board.members) }
  procedure big { decided by board at meeting  passes when yes >= 2 and size(board.members) >= 4 }
  property rule_act: always (act -> yes >= 2)
  property rule_big: always (big -> yes >= 2)
  property force_act: no coalition of at most 1 can force act
  property force_big: no coalition of at most 1 can force big
  property rule_act_big: always ({act, big} -> yes >= 2)
}
"""


def results(text: str, engine: str = "z3") -> dict:
    report = api.check_model(api.load_text(text, "v.gov"), api.Options(timeout=60.0, engine=engine))
    return {r.name: r for r in report.properties}


@pytest.fixture(scope="module")
def fixed():
    return results(FIXED)


@pytest.mark.parametrize("name, vacuous", [
    ("never_act", False),   # the claim is that act cannot pass: not vacuous
    ("never_slow", False),
    ("rule_act", True),
    ("force_act", True),
    ("rule_slow", True),
    ("rule_ok", False),
    ("state", False),       # invariants are never marked: the sanity warnings speak for them
    ("rule_both", True),    # over a set: vacuous when none of them can pass
    ("rule_either", False),
])
def test_marks_at_fixed_sizes(fixed, name, vacuous):
    assert fixed[name].status == "proved"
    assert fixed[name].vacuous is vacuous


@pytest.fixture(scope="module")
def open_sizes():
    return results(OPEN)


def test_a_procedure_that_can_pass_at_no_size_keeps_the_mark_for_every_size(open_sizes):
    """Was PROVED for every size without the mark (found only at the least size, then dropped)."""
    r = open_sizes["rule_act"]
    assert (r.status, r.scope.sizes, r.vacuous) == ("proved", "all", True)
    assert r.summary == ("holds only vacuously: 'act' can never pass, at any size (d of at least 3), "
                         "in behaviours of any length")


def test_a_procedure_that_can_pass_at_a_larger_size_is_not_vacuous(open_sizes):
    """big cannot pass with d of 3 but can with 4: neither result is vacuous for every size (the
    bounded coalition result was marked from the least size alone)."""
    assert (open_sizes["rule_big"].status, open_sizes["rule_big"].vacuous) == ("proved", False)
    assert open_sizes["force_big"].vacuous is False
    assert open_sizes["force_act"].vacuous is True
    assert (open_sizes["rule_act_big"].status, open_sizes["rule_act_big"].vacuous) == ("proved", False)


def test_the_explicit_engine_marks_only_what_holds_at_every_size_it_searched():
    """The explicit engine checks the sizes one by one (d of 3 to 7): big passes from d of 4 on, so
    its results are not marked; they were, and said "with d of 3 to 7: it holds only vacuously: the
    sanity check found no behaviour where 'big' passes" (the mark of d of 3 kept for every size)."""
    got = results(OPEN, "explicit")
    for name in ("rule_big", "force_big", "rule_act_big"):
        assert (got[name].status, got[name].scope.sizes, got[name].vacuous) == ("bounded", (("d", 3, 7),), False)
    assert got["rule_big"].summary == (
        "with d of 3 to 7: no counterexample in behaviours of any length; with d of 3 it holds only vacuously: "
        "'big' can never pass, in behaviours of any length (a proof of 'never big'); the property holds in every "
        "behaviour (shown by every reachable abstract state explored on the reference semantics (clocks capped)); "
        "not found with d of 4, and not looked for at larger sizes")
    # act passes at no size: the mark found at each size searched stands, as the Z3 engine's for every size
    assert got["rule_act"].vacuous is True and got["force_act"].vacuous is True


def test_a_decision_that_cannot_take_effect_within_the_depth_is_not_vacuous():
    """With --depth 2, 'slow' can be approved but cannot take effect within 2 steps (approving,
    waiting and taking effect take three): the results were marked vacuous and said "'slow' can
    never pass", which is false; docs/semantics.md §8 marks them only if P can never be approved."""
    text = FIXED.replace("passes when yes >= 4  timelock", "passes when yes >= 2  timelock") + """
property force_slow: no coalition of at most 1 can force slow.executed
"""
    model = api.load_text(text, "v.gov")
    report = api.check_model(model, api.Options(depth=2, timeout=60.0))
    got = {r.name: r for r in report.properties}
    assert got["rule_slow"].vacuous is False and "never pass" not in got["rule_slow"].summary
    assert got["force_slow"].vacuous is False and "vacuously" not in got["force_slow"].summary
    assert any(s.status == "warning" and "take effect" in s.message for s in report.sanity)


def test_the_sanity_search_at_each_size_is_asked_once_and_not_after_the_mark_is_lost(monkeypatch):
    """Three properties about 'big' asked the same search at every size, each, and went on after
    the mark was lost (several times the run's time, found in review): each (size, procedure) is
    searched once in a run, and not beyond the first size where 'big' passes."""
    import govspec.verdicts.sizes as sizes

    asked = []

    def counted(engine, model, procedures, depth, deadline):
        asked.extend((len(model.people), p) for p in procedures)
        return real(engine, model, procedures, depth, deadline)

    real = sizes.passable_at
    monkeypatch.setattr(sizes, "passable_at", counted)
    got = results(OPEN, "explicit")
    assert len(asked) == len(set(asked)), asked
    assert sorted(n for n, p in asked if p == "big") == [4]  # (big passes at d of 4: no search at 5, 6, 7)
    assert got["rule_big"].vacuous is False and got["rule_act"].vacuous is True
    # (each answer kept per engine: a Z3 run of the same model asks again; found in review)
    model = api.load_text(OPEN, "v.gov")
    for engine in ("explicit", "z3"):
        api.check_model(model, api.Options(timeout=60.0, engine=engine))
    assert {key[0][0] for key in model.__dict__.get("_passable_at", {})} <= {"explicit", "z3"}


def test_the_sizes_where_a_mark_was_found_are_listed_plainly():
    from govspec.verdicts.sizes import _sizes_list

    assert _sizes_list([{"d": 3}]) == "d of 3"
    assert _sizes_list([{"d": 3}, {"d": 5}, {"d": 6}]) == "d of 3, 5 and 6"
    assert _sizes_list([{"d": 2, "e": 1}, {"d": 2, "e": 2}]) == "(d of 2, e of 1) and (d of 2, e of 2)"


def test_a_group_of_one_size_is_counted_without_more_at_larger_sizes():
    from govspec.wording import in_words

    for size, suffix in (("3 to 3", ""), ("3 to 4", " with d of 3, more at larger sizes")):
        model = api.load_text(OPEN.replace("at least 3", size), "v.gov")
        words = in_words(model, next(p for p in model.properties if p.name == "force_big"))
        assert f"from the members of board (3 people{suffix}) can" in words, words


def _chain(n: int) -> str:
    """A procedure 'fire' that can pass only after n steps (s0, s1, ... each allowing the next)."""
    steps = "".join(f"""  procedure s{i} {{
    decided by board at meeting
      passes when yes >= 1
    require k == {i}
    effect k = {i + 1}
  }}
""" for i in range(n))
    return f"""organization "A long way to fire" {{
  person a
  person x
  body board {{ members a }}
  office ceo = x
  parameter k = 0
{steps}  procedure fire {{
    decided by board at meeting
      passes when yes >= 1
    require k == {n}
    effect ceo = vacant
  }}
}}
property v1: always (fire -> yes >= 1)
property v3: possible fire
"""


@pytest.mark.parametrize("engine", ["z3", "explicit"])
def test_a_procedure_that_passes_after_the_sanity_depth_is_not_called_vacuous(engine):
    """fire passes after 7 steps: the sanity check (6 steps) warns, but a proof of any length is
    not "holds only vacuously" (it said so, and the same run showed fire passing: found in a
    hunt); the mark needs 'never fire' shown over what the result covers."""
    model = api.load_text(_chain(6), "chain.gov")
    report = api.check_model(model, api.Options(engine=engine))
    v1, v3 = report.properties
    assert v3.status == "proved" and v3.trace and len(v3.trace) == 7
    assert v1.status == "proved" and v1.vacuous is False and "vacuous" not in v1.summary
    assert any(s.status == "warning" for s in report.sanity)  # (the warning stays: none within 6 steps)


def test_a_procedure_that_can_never_pass_is_shown_so_for_any_length():
    model = api.load_text(_chain(6).replace("require k == 6\n    effect ceo", "require k == 7\n    effect ceo"), "chain.gov")
    v1, v3 = api.check_model(model).properties
    assert v1.vacuous is True and v1.summary.startswith(
        "holds only vacuously: 'fire' can never pass, in behaviours of any length (a proof of 'never fire')")
    assert v3.status == "refuted"


def test_a_search_deeper_than_the_sanity_check_needs_its_own_evidence_for_the_mark():
    """A result bounded at 10 steps where the sanity answers came from 6 (a larger size's check is
    searched to the least size's depth, its sanity to 6): the mark needs 'never fire' within 10,
    which fails (fire passes at step 7): no mark. It assumed the sanity check searched as deep as
    the search's cap (found in review)."""
    from govspec.engine import time_limit
    from govspec.verdicts import properties
    from govspec.verdicts.deepening import Budget
    from verifier import Z3Engine

    model = api.load_text(_chain(6), "chain.gov")
    v1 = model.properties[0]
    budget = Budget(10, 1.0, time_limit(60), prove=False, sanity_depth=6)
    result = properties.verdict(Z3Engine(), model, v1, budget, {"fire": False})
    assert result.status == "bounded" and result.scope.depth == 10 and result.vacuous is False
    shallow = properties.verdict(Z3Engine(), model, v1, Budget(5, 1.0, time_limit(60), prove=False, sanity_depth=6),
                                 {"fire": False})
    assert shallow.vacuous is True  # (within 5 steps the sanity check's 6 suffice: fire cannot pass there)
