"""A group of 10,000 interchangeable members costs little more than one of 9 (issue 14).

What made the checker and the class finding linear in the members with a large constant: a new
set of tags for each member (the counted encoding then hashed a frozenset and a Fraction per
member to find its class), and each member of a group checked one by one against the body's list.
The results must be those of before: one class of all the members, the same errors."""

from __future__ import annotations

import sys

import pytest

from conftest import ROOT
from govspec import api
from govspec.diagnostics import SpecError
from verifier import counting

sys.path.insert(0, str(ROOT / "bench"))
import specs  # noqa: E402  (bench/ is not a package)


def board(n: int, members: str = "d", people: str = "") -> str:
    """The benchmark's board of a group of ``n`` (tagged), listed in the board as ``members``."""
    return specs.interchangeable(n, 3).replace(f"group d of {n}", f"group d of {n} tags independent").replace(
        "members d }", f"members {members} }}").replace("  person chief\n", f"  person chief\n{people}")


def test_a_groups_members_share_their_tags_and_make_one_class():
    model = api.load_text(board(10_000))
    members = [p for p in model.people if p.group == "d"]
    assert len(members) == 10_000 and len({id(p.tags) for p in members}) == 1
    assert members[0].tags == frozenset({"independent"})
    found, why = counting.classes(model)
    assert why is None and [(c.name, c.body, len(c.members)) for c in found] == [("d", "board", 10_000)]
    assert found[0].members == tuple(f"d[{i}]" for i in range(1, 10_001))


def test_a_group_listed_twice_in_a_body_is_still_reported_member_by_member():
    with pytest.raises(SpecError) as err:
        api.load_text(board(3, "d, d"))
    assert [(d.code, d.message) for d in err.value.diagnostics] == [
        ("GOV302", f"'d[{i}]' is listed twice in body 'board'") for i in (1, 2, 3)]


def test_alike_people_declared_apart_still_make_one_class():
    """Equal tags and weights in different objects (a group's, and people declared one by one) are
    one class: the class is found by value, the shared objects only make it cheaper."""
    people = "".join(f"  person p{i} tags independent\n" for i in range(6))
    text = board(2, "d, " + ", ".join(f"p{i}" for i in range(6)), people)
    found, why = counting.classes(api.load_text(text))
    assert why is None and [len(c.members) for c in found] == [8]


def _class_places_cases():
    """A group, people declared one by one (alike, some of them between the group's parts of a
    body), and questions whose candidates or fixed coalition split the group."""
    people = "".join(f"  person p{i} tags independent\n" for i in range(5))
    model = api.load_text(board(6, "p0, p1, d, p2, p3, p4", people))
    names = [p.name for p in model.people]
    return model, [counting.classes(model), counting.classes(model, ("d[2]", "d[3]", "p1", "p4")),
                   counting.classes(model, fixed=frozenset({"d[1]", "d[6]", "p0"})), counting.classes(model, tuple(names))]


def test_a_class_knows_its_members_places_in_the_model():
    """``Class.places`` (runs of places in ``model.people``) name exactly its members, in order: the
    encoding sets the class apart from the named people by them, without a pass over the members."""
    model, questions = _class_places_cases()
    seen = 0
    for found, why in questions:
        assert why is None and found
        for c in found:
            assert all(isinstance(run, range) and run.step == 1 and len(run) for run in c.places)
            assert [model.people[i].name for run in c.places for i in run] == list(c.members)
            assert all(a.stop < b.start for a, b in zip(c.places, c.places[1:]))  # (runs apart, in order)
            seen += len(c.places) > 1
    assert seen  # (some class is made of several runs: the people declared one by one around the group)


def test_the_unrolling_sets_classes_apart_by_their_places_as_by_their_names():
    """The encoding's fast way (by places) and its way by names give the same named people and the
    same first places of the classes."""
    from dataclasses import replace

    from verifier.encode.unrolling import _places

    model, questions = _class_places_cases()
    for found, _ in questions:
        by_name = _places(model, tuple(replace(c, places=()) for c in found))
        assert _places(model, found) == by_name
        assert len(by_name[0]) == len(model.people) - sum(len(c.members) for c in found)
