import io
import os
import re
from pathlib import Path

import pytest

from govspec.cli import main

ROOT = Path(__file__).resolve().parent.parent
TIME = re.compile(r"\d+\.\d+ s\)")
INVARIANT = re.compile(r"^(\s*invariant: ).*$", re.M)


# a board of 3 whose decision takes effect 2 days after its vote (RULE: its passing rule): test_diff, test_power
TIMELOCKED = """organization "TL" {
  person a
  person b
  person c
  body board { members a, b, c }
  office ceo = a
  procedure fire {
    decided by board at meeting
      notice none
      quorum majority of members
      passes when RULE
    timelock 2 days
    require ceo is not vacant
    effect ceo = vacant
  }
}
"""


def normalize(text: str) -> str:
    """Mask what legitimately varies between runs: timings, and the form of an inductive invariant
    (--explain: the solver's search is not canonical; what the invariant proves does not vary)."""
    return INVARIANT.sub(r"\1...", TIME.sub("#.## s)", text))


def run_cli(*args: str, cwd: Path = ROOT, stderr: io.StringIO | None = None) -> tuple[int, str, str]:
    """Run the CLI in ``cwd``; ``stderr`` may be a stream of one's own (say, one that claims to be a terminal)."""
    out, err = io.StringIO(), stderr if stderr is not None else io.StringIO()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        code = main(list(args), out, err)
    finally:
        os.chdir(old)
    return code, out.getvalue(), err.getvalue()


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true", help="rewrite expected outputs of specs/ and docs")


@pytest.fixture
def update_goldens(request) -> bool:
    return request.config.getoption("--update-goldens") or os.environ.get("GOVSPEC_UPDATE_GOLDENS") == "1"


# Moving Hypothesis seeds: tests/seeding.py (its hooks, imported here so pytest finds them).
from seeding import pytest_collection_modifyitems, pytest_configure, pytest_terminal_summary  # noqa: E402,F401
