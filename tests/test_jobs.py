"""-j N (issue 18.3): the same report, in the same order, from N processes; Ctrl-C stops them all."""

from __future__ import annotations

import json
import multiprocessing
import re

import pytest

from conftest import ROOT, normalize, run_cli
from govspec import api

FILES = ["specs/openai/board_2023.gov", "specs/delaware/written_consent.gov", "docs/review-openai.md"]


def _masked(out: str) -> dict:
    data = json.loads(out)
    for f in data["files"]:
        for p in f["properties"]:
            p["seconds"] = 0
    return data


def test_two_processes_give_the_report_of_one(tmp_path):
    bad = tmp_path / "bad.gov"
    bad.write_text('organization "x" {\n  person a\n  body b { members a, zed }\n}\n')
    files = [*FILES[:2], str(bad), *FILES[2:]]
    one = run_cli("check", "-q", "--format", "json", *files)
    two = run_cli("check", "-q", "-j", "2", "--format", "json", *files)
    assert one[0] == two[0] == 3  # (an invalid file among them)
    assert one[2] == two[2]  # the same errors on standard error, in the same order
    assert _masked(one[1]) == _masked(two[1])
    text_one, text_two = run_cli("check", "-q", FILES[1]), run_cli("check", "-q", "-j", "2", FILES[1])
    assert normalize(text_one[1]) == normalize(text_two[1]) and text_one[0] == text_two[0]


def test_many_files_one_task_each_give_the_report_of_one(tmp_path):
    """16 files or more on 2 processes: each file's whole check is one task (parallel.WHOLE_FILES)."""
    from govspec.parallel import WHOLE_FILES

    text = ('organization "o" {\n  person a\n  person b\n  person c\n  body board { seats 3 members a, b, c }\n'
            '  office ceo = a\n  procedure fire { decided by board at meeting notice none quorum QUORUM of seats\n'
            '    passes when yes > half of present effect ceo = vacant }\n}\n'
            'property two_needed: no coalition of at most 1 in board can force fire\n')
    files = []
    for n in range(1, 2 * WHOLE_FILES + 1):
        path = tmp_path / f"q{n:02d}.gov"
        path.write_text(text.replace("QUORUM", f"{n}/{2 * WHOLE_FILES}"))
        files.append(str(path))
    one = run_cli("check", "-q", "--format", "json", *files)
    two = run_cli("check", "-q", "-j", "2", "--format", "json", *files)
    assert one[0] == two[0] == 1 and _masked(one[1]) == _masked(two[1])
    assert {p["status"] for f in json.loads(two[1])["files"] for p in f["properties"]} == {"proved", "refuted"}


def test_jobs_are_not_recorded_in_the_report():
    code, out, _ = run_cli("check", "-q", "-j", "2", "--no-sanity", "--format", "json", FILES[1])
    assert "jobs" not in json.loads(out)["options"]


def test_ctrl_c_stops_every_process_and_keeps_what_was_finished():
    said = []

    def progress(message):
        said.append(message)
        if re.search(r"\(2 of \d+ done\)", message):
            raise KeyboardInterrupt

    with pytest.raises(api.Interrupted) as stop:
        api.check_files([str(ROOT / FILES[0]), str(ROOT / FILES[1])], api.Options(jobs=2), progress)
    finished = [p.name for f in stop.value.report.files for p in f.properties]
    assert len(finished) >= 2
    names = {p.name for f in stop.value.report.files for p in f.properties} | {n for _, n in stop.value.unchecked}
    assert len(finished) + len(stop.value.unchecked) == len(names)  # each property finished or left, once
    assert not multiprocessing.active_children()


def test_jobs_out_of_range_is_a_usage_error():
    code, _, err = run_cli("check", "-j", "0", FILES[1])
    assert code == 2 and "Traceback" not in err


def test_map_ordered_keeps_the_items_order_on_any_number_of_processes():
    from govspec.parallel import map_ordered

    items = [-5, 3, -2, 0, 7, -1]
    seen = []
    assert map_ordered(abs, items, jobs=2, progress=lambda done, total: seen.append((done, total))) \
        == [abs(i) for i in items] == map_ordered(abs, items, jobs=1)
    assert seen[-1] == (6, 6) and len(seen) == 6


def amendment(folder) -> list[str]:
    """A small amendment (quorum on the members in office becomes quorum on the seats) with one
    coalition property: a diff with both sides' checks and coalition questions, in a few seconds."""
    rules = (ROOT / FILES[0]).read_text().split("property ceo_removal")[0]
    prop = "property two_cannot_fire_ceo: no coalition of at most 2 in board can force remove_ceo\n"
    (folder / "old.gov").write_text(rules + prop)
    (folder / "new.gov").write_text(rules.replace("quorum majority of members", "quorum majority of seats") + prop)
    return ["--depth", "2", str(folder / "old.gov"), str(folder / "new.gov")]


def _timeless(out: str) -> dict:
    return json.loads(re.sub(r'"seconds": [-0-9.e+]+', '"seconds": 0', out))


@pytest.mark.slow  # (8 s: two processes for each revision's checks; report and check on two processes stay)
def test_diff_on_two_processes_gives_the_diff_of_one(tmp_path):
    args = amendment(tmp_path)
    one = run_cli("diff", "--format", "json", *args)
    two = run_cli("diff", "-j", "2", "--format", "json", *args)
    assert one[0] == two[0] == 0 and one[2] == two[2]
    assert _timeless(one[1]) == _timeless(two[1])
    power = {(p["procedure"], p["kind"]): (p["before"]["size"], p["after"]["size"]) for p in _timeless(two[1])["power"]}
    assert power == {("remove_ceo", "force"): (4, 5), ("remove_ceo", "block"): (3, 2)}  # (each question answered)


def test_power_on_two_processes_gives_the_analysis_of_one():
    spec = "specs/arbitrum/security_council.gov"  # (two outcomes, each analysed exactly)
    one, two = run_cli("power", "--format", "json", spec), run_cli("power", "-j", "2", "--format", "json", spec)
    assert one[0] == two[0] == 0 and len(json.loads(one[1])["outcomes"]) == 2
    assert one == two
    assert run_cli("power", spec) == run_cli("power", "-j", "2", spec)


def test_power_properties_of_one_outcome_share_one_task_and_give_the_report_of_one():
    """-j N: the power properties of one outcome and one kind of player are one unit of work (one
    power analysis decides them all), in the order of the spec; other properties one each."""
    from govspec.parallel import shared_analyses

    blocs = api.load(str(ROOT / "specs/power/nassau_blocs.gov"))
    kinds = [(p.kind, p.power.by if p.power else None, p.power.player if p.power else None) for p in blocs.properties]
    units = shared_analyses(blocs)
    assert sorted(k for ks in units for k in ks) == list(range(len(kinds)))
    for ks in units:  # (each unit one outcome and one player grouping; every power property with its kind)
        assert len({(kinds[k][1], kinds[k][2] if kinds[k][1] == "tag" else None, blocs.properties[k].goal)
                    for k in ks}) == 1 and list(ks) == sorted(ks)
    assert any(len(ks) > 1 for ks in units)
    board = api.load(str(ROOT / FILES[0]))
    assert shared_analyses(board) == [(k,) for k in range(len(board.properties))]  # (no power property)
    for spec in ("specs/power/nassau_properties.gov", "specs/power/nassau_blocs.gov"):
        one = run_cli("check", "-q", "--format", "json", spec)
        two = run_cli("check", "-q", "-j", "2", "--format", "json", spec)
        assert one[0] == two[0] and _masked(one[1]) == _masked(two[1])
