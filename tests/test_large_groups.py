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


# ---- a group held as one entry with a size (govspec.groups): no name or record made per member


def test_a_groups_names_read_as_the_tuple_of_its_names():
    """A group's names, and a sequence of parts holding it, read, compare, hash, slice, add and
    pickle as the tuple of their items: a reader that iterates sees what it always saw."""
    import pickle

    from govspec.groups import Chain, Names, chain

    names = Names("d", 4)
    as_tuple = ("d[1]", "d[2]", "d[3]", "d[4]")
    assert tuple(names) == as_tuple and names == as_tuple and as_tuple == names and hash(names) == hash(as_tuple)
    assert len(names) == 4 and names[0] == "d[1]" and names[-1] == "d[4]" and names[1:3] == ("d[2]", "d[3]")
    assert "d[4]" in names and all(x not in names for x in ("d[5]", "d[0]", "d[01]", "dd[1]", "d[1", "d", 4, None))
    assert names.index("d[3]") == 2 and repr(names) == repr(as_tuple) and names + ("x",) == (*as_tuple, "x")
    with pytest.raises(IndexError):
        names[4]
    with pytest.raises(ValueError):
        names.index("d[9]")
    both = chain([["a"], names, ["b", "c"]])
    assert isinstance(both, Chain) and [type(c).__name__ for c in both.chunks] == ["tuple", "Names", "tuple"]
    whole = ("a", *as_tuple, "b", "c")
    assert both == whole and hash(both) == hash(whole) and list(both) == list(whole) and len(both) == 7
    assert [both[i] for i in range(-7, 7)] == [*whole, *whole] and both[2:5] == whole[2:5]
    assert "d[2]" in both and "b" in both and "d[5]" not in both and both != whole[:-1] and both != ("z",) * 7
    assert pickle.loads(pickle.dumps(both)) == both and pickle.loads(pickle.dumps(names)).size == 4
    assert chain([["a"], ["b"]]) == ("a", "b") and type(chain([["a"], ["b"]])) is tuple  # (no group: a tuple)
    from govspec.groups import member
    assert [member(x) for x in ("d[3]", "d[03]", "d[0]", "d3", "d[]", "g[2][10]", 7)] == [
        ("d", 3), None, None, None, None, ("g[2]", 10), None]


def test_reading_a_group_a_part_at_a_time_agrees_with_reading_it_name_by_name():
    """``present`` (the names of a sequence that an index knows), ``without`` (a sequence less some
    names) and the class finding's share of a group held by a question's candidates, each against
    the same computed over the names one by one."""
    from govspec.groups import Names, chain, present, without
    from verifier.counting import _Chosen

    seq = chain([["a", "b"], Names("d", 6), ["c"], Names("e", 2)])
    for known in ({"d[2]", "a", "d[6]", "e[1]", "x"}, {f"d[{i}]" for i in range(1, 7)}, set(), {"c", "e[2]", "e[3]"}):
        assert present(seq, known) == [n for n in seq if n in known]
        assert list(without(seq, known)) == [n for n in seq if n not in known]
    chosen_seqs = [seq, Names("d", 6), ("d[1]", "d[4]", "a"), chain([["a"], Names("d", 6)]), (), ("d[7]", "e[1]", "e[2]")]
    for chosen in chosen_seqs:
        reads = _Chosen(chosen)
        names = set(chosen)
        for part in (Names("d", 6), Names("e", 2), ("a", "b"), chain([["c"], Names("e", 2)])):
            inside = [n in names for n in part]
            expected = True if all(inside) else False if not any(inside) else None
            assert reads.share(part) == expected, (chosen, part)
            assert [n in reads for n in part] == inside


def _members_never_read(monkeypatch) -> list:
    """Make reading a group's members one by one fail (their names or their records); the records
    made one at a time (a class's first member, say) are counted in the list returned."""
    from govspec import groups, model as gm

    def refused(self, *args):
        raise AssertionError("a group's members read one by one")

    made = []
    record = gm.GroupPeople._made
    monkeypatch.setattr(groups.Names, "__iter__", refused)
    monkeypatch.setattr(gm.GroupPeople, "__iter__", refused)
    monkeypatch.setattr(gm.GroupPeople, "_made", lambda self, name: made.append(name) or record(self, name))
    return made


@pytest.mark.parametrize("n", [100, 99_999])
def test_a_coalition_question_on_a_group_never_reads_its_members_one_by_one(n, monkeypatch):
    """Issue 14, point 3: declaring a group, listing it in a body, finding its class, drawing a
    coalition's candidates from the body and encoding the question at depth 2 and for any length
    take the group as one entry: no name or record is made for any member, so the work does not
    grow with the group (the times are in ``bench/groups.py``; this checks the reason)."""
    from govspec.verdicts import check_property

    engine = api.engine_for("z3")
    text = specs.resignations(n, 3)
    made = _members_never_read(monkeypatch)
    model = api.load_text(text)
    assert len(model.people) == n + 1 and len(model.bodies["board"].members) == n
    found, why = counting.classes(model, model.properties[0].coalition.candidates)
    assert why is None and [(c.name, len(c.members)) for c in found] == [("d", n)]
    bounded = check_property(engine, model, model.properties[0], 2, 30, None)
    proved = check_property(engine, model, model.properties[0], 4, 30, None, unbounded=True)
    assert (bounded.status, proved.status, proved.scope.depth) == ("bounded", "proved", None)
    assert engine.last_counted
    assert len(made) <= 10, made  # (a class's first member, looked at for its weight and tags)


def test_a_groups_member_is_found_by_name_and_reads_as_before():
    """A member made when read has what a record of its own had: its group's tags, weight and span,
    its own name as principal (or the group's), and the model finds it by name."""
    model = api.load_text(board(5, "d", "  person p0 tags independent\n")
                          .replace("group d of 5 tags independent", "group d of 5 tags independent weight 2"))
    d3 = model.person("d[3]")
    assert (d3.name, d3.group, d3.principal, d3.tags, d3.weight) == ("d[3]", "d", "d[3]", frozenset({"independent"}), 2)
    assert d3 == model.people[4] and d3 in model.people and model.people.index(d3) == 4
    assert [p.name for p in model.people] == ["chief", "p0", *(f"d[{i}]" for i in range(1, 6))]
    for name in ("d[6]", "d[0]", "x"):
        with pytest.raises(KeyError):
            model.person(name)


def test_a_principal_is_known_through_a_groups_shared_principal_and_unknown_otherwise():
    """``held for P`` accepts a principal that only a group's members are held for, and a person who
    is their own principal; it refuses one nobody is held for (GOV231, with the principals known as
    candidates), without reading the group's members."""
    def spec(principal: str) -> str:
        return ('organization "x" {\n  person ann\n  person bob for acme\n  group d of 4 for trust\n'
                '  body board { members ann, bob, d }\n}\n'
                f"property p: always size(board.members held for {principal}) >= 0\n")

    for principal in ("trust", "acme", "ann"):
        assert api.load_text(spec(principal)).properties
    for principal in ("bob", "trusts"):
        with pytest.raises(SpecError) as err:
            api.load_text(spec(principal))
        assert [d.code for d in err.value.diagnostics] == ["GOV231"]
    assert "did you mean 'trust'" in err.value.diagnostics[0].message


def test_a_group_whose_body_lists_its_members_one_by_one_is_still_one_class():
    """A model whose bodies list a group's members by name (``govspec.power_sizes.model_at`` makes
    the spec at a smaller board so) still finds the group's class: the group is then read member by
    member, as before it was held whole (found in review: the smaller boards of ``power
    --each-size`` lost their class, and with it the proof of any length, above 200 people)."""
    from dataclasses import replace

    model = api.load_text(board(8, "p0, d", "  person p0 tags independent\n"))
    assert [(c.name, len(c.members)) for c in counting.classes(model)[0]] == [("p0", 9)]
    for keep in (9, 8, 5):
        listed = tuple(model.bodies["board"].members)[:keep]
        smaller = replace(model, bodies={**model.bodies, "board": replace(model.bodies["board"], members=listed)})
        found, why = counting.classes(smaller)
        assert why is None and [list(c.members) for c in found] == [list(listed)]
    # a group listed whole in one body and member by member in another: its members sit in two
    two = replace(model, bodies={**model.bodies, "council": replace(model.bodies["board"], name="council",
                                                                   members=("d[1]", "d[2]"))})
    found, _ = counting.classes(two)
    assert all("d[1]" not in c.members and "d[2]" not in c.members for c in found)
    assert any("d[3]" in c.members for c in found)


def test_a_question_holding_a_group_whole_reads_its_members_listed_by_name():
    """The share of a class a question holds, when the class lists a group's members by name and
    the question holds the group whole (found in review; no checked model has such a class today)."""
    from govspec.groups import Names, chain
    from verifier.counting import _Chosen

    assert _Chosen(Names("e", 2)).share(("e[2]",)) is True
    assert _Chosen(chain([["a"], Names("e", 2)])).share(("a", "e[1]")) is True
    assert _Chosen(chain([["a"], Names("e", 2)])).share(("b", "e[1]")) is None
    assert _Chosen(Names("e", 2)).share(("e[3]", "b")) is False


THOUSAND = """organization "A board of 1,000" {
  group d of 1000
  body board "the board" { members d }
  procedure act {
    decided by board at meeting
      notice all
      quorum majority of members
      passes when yes > half of present
  }
}
property majority_forces: every coalition of 501 in board can force act
property half_forces: every coalition of 500 in board can force act
"""


def test_a_body_of_1000_is_answered_and_told_in_runs_of_members():
    """Every coalition of 501 of a body of 1,000 forces the vote, and one of 500 does not: the
    replay tries the 3 responses where the 499 outsiders act as one, the others' answer to the 500
    (shown in the report) too (each listed 125,250 responses, for 10 s and 61 s); the text names
    the 501 as "d[1] through d[501]" and the coalitions' count by its order of magnitude (in full it
    is 300 digits)."""
    report = api.check_model(api.load_text(THOUSAND, "thousand.gov"), api.Options(timeout=60))
    forces, half = report.properties
    assert (forces.status, half.status) == ("proved", "refuted")
    assert forces.summary == "each of about 2.7 x 10^299 coalitions of 501 can force act (e.g. {d[1] through d[501]} in 1 step)"
    assert half.summary.startswith("{d[1] through d[500]} cannot force act: no forcing sequence of any length exists")
    assert half.response  # (the others' answer at the first vote)
    assert len(forces.coalition) == 501  # (the data keeps every name)


def test_runs_of_a_groups_members_in_words():
    from govspec.safe import people_words, runs
    assert people_words(["ada", *(f"d[{i}]" for i in range(1, 502)), "zed"]) == "ada, d[1] through d[501] and zed"
    assert people_words([f"d[{i}]" for i in range(1, 6)]) == "d[1], d[2], d[3], d[4] and d[5]"  # (short runs as they are)
    assert runs(["d[1]", "d[2]", "d[3]", "d[4]", "d[5]", "d[6]", "e[7]", "d[7]", "d[01]"]) == \
        ["d[1] through d[6]", "e[7]", "d[7]", "d[01]"]
    assert runs([f"d[{i}]" for i in (1, 2, 3, 5, 6, 7, 8, 9, 10)]) == ["d[1]", "d[2]", "d[3]", "d[5] through d[10]"]
    assert people_words([]) == "nobody"


def test_html_counts_runs_but_not_an_office_changing_hands():
    # (a run said "d[1] to d[5]" once, and the HTML read "chair goes from d[1] to d[5]" as 5 of d: found in review)
    from govspec.formats.html import brief
    assert brief("chair goes from d[1] to d[5].") == "chair goes from d[1] to d[5]."
    assert brief("notified whale, holders[1] through holders[75] and zed", {f"holders[{i}]" for i in range(1, 76)}) == \
        "notified whale, all 75 of holders and zed"
