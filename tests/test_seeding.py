"""The moving Hypothesis seed (tests/seeding.py): printed, repeatable with one option, different from
day to day, and leaving the default run's fixed examples alone unless a seed is given."""
import datetime
import re
import subprocess
import sys
from pathlib import Path

import pytest

from seeding import exploration_seed

TESTS = Path(__file__).resolve().parent

INNER = r'''
from hypothesis import given, settings, strategies as st

@settings(max_examples=8, database=None)
@given(st.binary(min_size=8, max_size=8))
def test_moving(data):
    with open("drawn.txt", "a") as out:
        out.write(f"MOVING {data.hex()}\n")

@settings(max_examples=8, database=None, derandomize=True)
@given(st.binary(min_size=8, max_size=8))
def test_fixed(data):
    with open("drawn.txt", "a") as out:
        out.write(f"FIXED {data.hex()}\n")
'''


def run(tmp_path: Path, *options: str, workers: str = "0") -> tuple[dict[str, list[str]], str]:
    """Run the inner tests with the plugin (under xdist if ``workers`` is not "0": its workers must
    agree with the controller); returns what each test drew and the run's output."""
    (tmp_path / "conftest.py").write_text(
        f"import sys\nsys.path.insert(0, {str(TESTS)!r})\n"
        "from seeding import pytest_collection_modifyitems, pytest_configure, pytest_terminal_summary\n")
    (tmp_path / "test_inner.py").write_text(INNER)
    (tmp_path / "drawn.txt").write_text("")
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", workers,
                           "-o", "addopts=", "-rN", *options, "test_inner.py"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    written = (tmp_path / "drawn.txt").read_text()
    drawn = {kind: re.findall(rf"^{kind} (\w+)", written, re.M) for kind in ("MOVING", "FIXED")}
    assert all(drawn.values()), done.stdout
    return drawn, done.stdout


def test_the_seed_comes_from_the_date_unless_given():
    day = datetime.date(2026, 12, 2)
    assert exploration_seed(None, day) == (20261202, False)
    assert exploration_seed(None, day + datetime.timedelta(days=1)) == (20261203, False)
    assert exploration_seed("7", day) == (7, True)


# (the four runs of pytest below took 8 s of the default run; the default run measured 4 min 33 s alone on 6 December 2026, 4 min 59 s in CI)
SLOW = pytest.mark.slow


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Four runs of the inner tests: without a seed (under xdist, then not), with the seed the first
    printed, and with the day before's."""
    folder = tmp_path_factory.mktemp("seeding")
    today, output = run(folder, workers="1")
    found = re.search(r"Hypothesis exploration seed: (\d+) \(today's date\); repeat with --hypothesis-seed=(\d+)", output)
    seed = int(found.group(1))
    again, _ = run(folder)
    given, given_output = run(folder, f"--hypothesis-seed={seed}")
    other, _ = run(folder, f"--hypothesis-seed={seed - 1}")
    return {"seed": seed, "repeat": int(found.group(2)), "today": today, "again": again, "given": given,
            "given output": given_output, "other": other}


@SLOW
def test_without_a_seed_the_date_seeds_the_exploration_and_is_printed(runs):
    assert runs["seed"] == runs["repeat"] == int(datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d"))
    assert runs["again"] == runs["today"]  # the same day: the same exploration, the same fixed examples


@SLOW
def test_the_printed_seed_repeats_the_exploration(runs):
    assert runs["given"]["MOVING"] == runs["today"]["MOVING"]
    seed = runs["seed"]
    assert f"Hypothesis exploration seed: {seed} (given); repeat with --hypothesis-seed={seed}" in runs["given output"]


@SLOW
def test_another_seed_explores_other_examples_fixed_ones_too(runs):
    assert runs["other"]["MOVING"] != runs["given"]["MOVING"]
    assert runs["other"]["FIXED"] != runs["given"]["FIXED"]
    assert runs["given"]["FIXED"] != runs["today"]["FIXED"]  # a given seed reaches the derandomized tests too



ORDERED = """
from hypothesis import given, settings, strategies as st

def test_plain():
    pass

@settings(max_examples=2, database=None, derandomize=True)
@given(st.binary())
def test_fixed(data):
    pass

@settings(max_examples=2, database=None)
@given(st.binary())
def test_moving(data):
    pass

def test_plain_after():
    pass
"""


def test_the_exploring_tests_start_first(tmp_path):
    """The exploring tests (not derandomized) are collected first, the others in their order, so
    that under work stealing the long ones do not start last."""
    (tmp_path / "conftest.py").write_text(
        f"import sys\nsys.path.insert(0, {str(TESTS)!r})\n"
        "from seeding import pytest_collection_modifyitems, pytest_configure, pytest_terminal_summary\n")
    (tmp_path / "test_inner.py").write_text(ORDERED)
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=",
                           "--collect-only", "-q", "test_inner.py"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    order = re.findall(r"::(test_\w+)", done.stdout)
    assert order == ["test_moving", "test_plain", "test_fixed", "test_plain_after"], done.stdout
