"""--cluster ADDRESS (issue 18.4): the tasks of check, power and diff on the workers of a Dask
scheduler give the results of one process, in the same order; a cluster that cannot be used is a
message and exit 2, never a traceback.  The cluster is a local scheduler with two worker processes
(localhost only); skipped when Dask is not installed (CI installs the cluster extra)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from conftest import normalize, run_cli
from test_jobs import _timeless, amendment
from govspec import parallel
from govspec.clock import Deadline

FILES = ["specs/openai/board_2023.gov", "specs/delaware/written_consent.gov", "docs/review-openai.md"]
POWER = "specs/arbitrum/security_council.gov"  # two outcomes, each analysed exactly


@pytest.fixture(scope="module")
def scheduler():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  host="127.0.0.1") as cluster:
        yield cluster.scheduler_address


def test_check_on_a_cluster_gives_the_report_of_one_process(scheduler, tmp_path):
    bad = tmp_path / "bad.gov"
    bad.write_text('organization "x" {\n  person a\n  body b { members a, zed }\n}\n')
    files = [FILES[1], str(bad), FILES[2]]
    one = run_cli("check", "-q", "--format", "json", *files)
    dask = run_cli("check", "-q", "--cluster", scheduler, "--format", "json", *files)
    assert one[0] == dask[0] == 3  # (an invalid file among them)
    assert one[2] == dask[2]  # the same errors on standard error, in the same order
    assert _timeless(one[1]) == _timeless(dask[1])
    assert "cluster" not in _timeless(dask[1])["options"]  # (not recorded: the results do not depend on it)
    text_one, text_dask = run_cli("check", "-q", FILES[1]), run_cli("check", "-q", "--cluster", scheduler, FILES[1])
    assert normalize(text_one[1]) == normalize(text_dask[1]) and text_one[0] == text_dask[0] == 1


def test_power_on_a_cluster_gives_the_analysis_of_one_process(scheduler):
    one = run_cli("power", "--format", "json", POWER)
    dask = run_cli("power", "--cluster", scheduler, "--format", "json", POWER)
    assert one[0] == dask[0] == 0 and len(json.loads(one[1])["outcomes"]) == 2
    assert one[1] == dask[1]
    assert run_cli("power", POWER)[1] == run_cli("power", "--cluster", scheduler, POWER)[1]


@pytest.mark.slow  # (8 s; check and power on the cluster stay in the default run)
def test_diff_on_a_cluster_gives_the_diff_of_one_process(scheduler, tmp_path):
    args = amendment(tmp_path)
    one = run_cli("diff", "--format", "json", *args)
    dask = run_cli("diff", "--cluster", scheduler, "--format", "json", *args)
    assert one[0] == dask[0] == 0
    assert _timeless(one[1]) == _timeless(dask[1])
    assert [p["procedure"] for p in _timeless(dask[1])["power"]]  # (the coalition questions were asked)


def test_tune_on_a_cluster_gives_the_answer_of_one_process(scheduler):
    args = ("tune", "specs/openai/board_2023_tunable.gov", "--vary", "board_quorum=3..6", "--property",
            "four_cannot_fire_ceo", "--sweep", "--format", "json")
    one, dask = run_cli(*args), run_cli(*args, "--cluster", scheduler)
    assert one[0] == dask[0] == 0
    strip = lambda data: [{k: v for k, v in p.items()} for p in data["points"]]  # noqa: E731
    assert strip(json.loads(one[1])) == strip(json.loads(dask[1]))
    assert json.loads(dask[1])["answer"] == {"board_quorum": "5"}


def test_map_ordered_on_a_cluster_keeps_the_items_order(scheduler):
    items = [-5, 3, -2, 0, 7, -1]
    seen = []
    assert parallel.map_ordered(abs, items, cluster=scheduler, progress=lambda done, total: seen.append(done)) \
        == [abs(i) for i in items]
    assert seen == [1, 2, 3, 4, 5, 6]


def test_a_task_that_fails_on_a_worker_is_run_again_here_with_a_line(scheduler, capsys):
    here = os.getpid()

    def faulty(x):  # (sent by value: fails on a worker only, as a worker's fault does)
        if os.getpid() != here and x % 2:
            raise RuntimeError("sort mismatch")
        return x * 10

    assert parallel.map_ordered(faulty, [1, 2, 3], cluster=scheduler) == [10, 20, 30]
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["govspec: a task failed on a Dask worker (RuntimeError: sort mismatch); running it again in "
                     "this process"] * 2


def test_a_task_that_fails_here_too_stops_the_run_with_its_error(scheduler, capsys):
    def broken(x):
        raise ValueError(f"no good: {x}")

    with pytest.raises(ValueError, match="no good: 4"):
        parallel.map_ordered(broken, [4], cluster=scheduler)
    err = capsys.readouterr().err
    assert "a task failed on a Dask worker (ValueError: no good: 4)" in err
    assert err.splitlines()[-1] == "govspec: the task failed in this process too: the fault is the task's, not the worker's"
    assert parallel.map_ordered(abs, [-1, -2], cluster=scheduler) == [1, 2]  # (the cluster still serves)


def test_a_task_that_fails_on_the_worker_and_here_is_exit_2_with_both_lines(scheduler, monkeypatch):
    def broken(*args):  # (sent by value: fails on the worker, then here)
        raise RuntimeError("out of order")

    monkeypatch.setattr(parallel, "power_task", broken)
    code, out, err = run_cli("power", "--cluster", scheduler, POWER)
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.splitlines() == ["govspec: a task failed on a Dask worker (RuntimeError: out of order); running it "
                                "again in this process",
                                "govspec: the task failed in this process too: the fault is the task's, not the worker's",
                                "govspec: internal error: RuntimeError: out of order"]


@pytest.mark.parametrize("command", ["check", "power"])
def test_an_empty_cluster_address_is_a_usage_error(command):
    code, out, err = run_cli(command, "--cluster", " ", POWER)
    assert code == 2 and out == "" and "an address is needed, such as tcp://HOST:PORT" in err and "Traceback" not in err


def test_a_process_pool_does_not_run_a_failed_task_again(capsys):
    with pytest.raises(ZeroDivisionError):
        parallel.map_ordered(_inverse, [1, 0], jobs=2)
    assert capsys.readouterr().err == ""


def _inverse(x):
    return 1 / x


def test_a_deadline_sent_to_a_worker_is_moved_onto_its_clock():
    deadline = Deadline(30.0)
    moved = parallel._on_worker(parallel._clock_offset() + 100.0, _end, deadline, "kept")
    assert moved[0] == pytest.approx(deadline.end + 100.0, abs=0.5) and moved[1] == "kept"
    assert deadline.end < moved[0]  # (the sender's deadline itself is not changed)


def _end(deadline, other):
    return deadline.end, other


def _no_traceback(code: int, err: str, *words: str) -> None:
    assert code == 2 and "Traceback" not in err, err
    for word in words:
        assert word in err, err


@pytest.mark.parametrize("command", ["check", "power", "diff", "tune"])
def test_without_dask_the_cluster_option_is_a_usage_error(monkeypatch, command, tmp_path):
    monkeypatch.setattr(parallel, "dask_installed", lambda: False)
    files = {"check": [FILES[1]], "power": [POWER], "diff": amendment(tmp_path),
             "tune": ["specs/openai/board_2023_tunable.gov", "--vary", "board_quorum=3..4"]}[command]
    code, out, err = run_cli(command, *files, "--cluster", "tcp://127.0.0.1:8786")
    _no_traceback(code, err, "pip install 'govspec[cluster]'")
    assert out == ""


@pytest.mark.parametrize("address", ["nonsense", "foo://x:1", "tcp://host", "tcp://h:99999"])
def test_an_address_dask_cannot_read_is_a_message(address):
    pytest.importorskip("distributed")
    code, out, err = run_cli("power", "--cluster", address, POWER)
    _no_traceback(code, err, f"'{address}' is not the address of a Dask scheduler")


def test_an_unreachable_scheduler_is_a_message(monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr(parallel, "CONNECT_SECONDS", 0.5)
    start = time.monotonic()
    code, out, err = run_cli("check", "-q", "--cluster", "tcp://127.0.0.1:9", FILES[1])
    _no_traceback(code, err, "cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert out == "" and time.monotonic() - start < 30


def test_a_scheduler_without_workers_is_a_message(monkeypatch, tmp_path):
    distributed = pytest.importorskip("distributed")
    monkeypatch.setattr(parallel, "CONNECT_SECONDS", 0.5)
    with distributed.LocalCluster(n_workers=0, dashboard_address=":0", host="127.0.0.1") as empty:
        code, out, err = run_cli("diff", "--cluster", empty.scheduler_address, *amendment(tmp_path))
    _no_traceback(code, err, "has no worker")


def test_a_worker_with_another_govspec_or_z3_is_refused(scheduler, monkeypatch):
    here = os.getpid()

    def versions():  # (sent to the workers by value: they answer with other versions)
        return ("0.1.0", "4.8.0") if os.getpid() != here else ("0.1.0", "5.4.0")

    monkeypatch.setattr(parallel, "versions", versions)
    code, out, err = run_cli("power", "--cluster", scheduler, POWER)
    _no_traceback(code, err, "runs GovSpec 0.1.0 with Z3 4.8.0", "verdicts could differ")


def test_the_diff_checks_the_imported_texts_the_run_read(tmp_path):
    """The rules rebuilt with other properties (each side of a diff, each coalition question, on a
    worker too) join the imported files as the run read them, never read again from disk."""
    from govspec import api
    from govspec.diff.respec import with_properties

    root = Path(__file__).resolve().parent.parent
    (tmp_path / "board_rules.gov").write_text((root / "govspec" / "library" / "delaware_board.gov").read_text())
    spec = tmp_path / "board.gov"
    spec.write_text((root / "specs" / "delaware" / "imported_board.gov").read_text()
                    .replace("import delaware_board", 'import "board_rules.gov"'))
    model = api.load(str(spec))
    (tmp_path / "board_rules.gov").write_text("this is not a spec\n")  # (edited after the run read it)
    name = model.properties[0].name
    rebuilt, refused = with_properties(model, {name: (f"property {name}: always ceo is not vacant", "old")})
    assert not refused and [p.name for p in rebuilt.properties] == [name]
    assert rebuilt.imported == model.imported
