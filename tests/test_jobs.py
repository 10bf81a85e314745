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
