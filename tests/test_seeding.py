"""The moving Hypothesis seed (tests/seeding.py): printed, repeatable with one option, different from
day to day, and leaving the default run's fixed examples alone unless a seed is given."""
import datetime
import re
import subprocess
import sys
from pathlib import Path

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


def test_a_given_seed_repeats_the_run_and_is_printed(tmp_path):
    first, output = run(tmp_path, "--hypothesis-seed=12345")
    again, _ = run(tmp_path, "--hypothesis-seed=12345")
    assert first == again
    assert "Hypothesis exploration seed: 12345 (given); repeat with --hypothesis-seed=12345" in output


def test_another_seed_explores_other_examples_fixed_ones_too(tmp_path):
    one, _ = run(tmp_path, "--hypothesis-seed=1")
    other, _ = run(tmp_path, "--hypothesis-seed=2")
    assert one["MOVING"] != other["MOVING"]
    assert one["FIXED"] != other["FIXED"]  # a given seed reaches the derandomized tests too


def test_without_a_seed_todays_date_moves_the_exploration_and_keeps_the_fixed_examples(tmp_path):
    today, output = run(tmp_path, workers="1")
    seed = int(re.search(r"Hypothesis exploration seed: (\d+) \(today's date\)", output).group(1))
    assert seed == int(datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d"))
    repeated, _ = run(tmp_path, f"--hypothesis-seed={seed}")
    assert repeated["MOVING"] == today["MOVING"]  # the printed seed repeats the exploration
    yesterday, _ = run(tmp_path, f"--hypothesis-seed={seed - 1}")
    assert yesterday["MOVING"] != today["MOVING"]
    fixed_again, _ = run(tmp_path)
    assert fixed_again["FIXED"] == today["FIXED"]
