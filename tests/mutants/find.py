"""Find a killing spec for each mutant of tests/test_mutants.py and store it in tests/mutants/.

    python tests/mutants/find.py [NAME-SUBSTRING ...] [--examples N] [--seconds S]

For each mutant without a stored witness (or each named one), the bundled specs are tried first,
then specs drawn from the mutant's generator (derandomized, so a run is repeatable); the first spec
on which the unmutated engines agree and the mutated Z3 engine disagrees with the explicit engine
(or produces a trace the reference semantics rejects) is written to tests/mutants/<slug>.gov.
"""

from __future__ import annotations

import argparse
import pathlib
import signal
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import pytest  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

import test_mutants as tm  # noqa: E402


class _Late(Exception):
    pass


def _alarm(signum, frame):
    raise _Late()


def _timed(fn, seconds):
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        return fn()
    except _Late:
        return None
    except Exception as e:  # noqa: BLE001  (a bundled spec that needs its directory, say)
        if "ReplayError" in type(e).__name__:
            raise
        return None
    finally:
        signal.alarm(0)


_AGREES: dict = {}


def kills(name: str, text: str, seconds: int) -> bool | None:
    mutant = tm.ALL[name]
    key = (text, mutant.depth, mutant.unbounded)
    if key not in _AGREES:
        _AGREES[key] = _timed(lambda: tm.agrees(text, mutant), seconds) is True
    if not _AGREES[key]:
        return False
    with pytest.MonkeyPatch.context() as mp:
        tm.configure(mutant, mp)  # (the witness must agree in the mutant's configuration too)
        if _timed(lambda: tm.agrees(text, mutant), seconds) is not True:
            return False
        tm.apply(mutant, mp)
        return _timed(lambda: tm.disagrees(text, mutant), seconds) is True


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("names", nargs="*")
    ap.add_argument("--examples", type=int, default=300)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--no-bundled", action="store_true")
    a = ap.parse_args()
    bundled = [] if a.no_bundled else sorted((HERE.parents[1] / "specs").rglob("*.gov"))
    for name, mutant in tm.ALL.items():
        if a.names and not any(s in name for s in a.names):
            continue
        target = tm.witness_path(name)
        if target.exists() and not a.names:
            continue
        found = None
        for path in bundled:
            if kills(name, path.read_text(), a.seconds):
                found = path.read_text()
                print(f"{name}: killed by {path}", flush=True)
                break
        if found is None and a.examples:
            box = []

            @settings(max_examples=a.examples, derandomize=True, database=None, phases=[Phase.generate],
                      deadline=None, suppress_health_check=list(HealthCheck))
            @given(mutant.strategy())
            def search(text):
                if not box and kills(name, text, a.seconds):
                    box.append(text)

            search()
            found = box[0] if box else None
            print(f"{name}: {'killed by a generated spec' if found else 'SURVIVED'}", flush=True)
        if found is not None:
            target.write_text(f"# Witness for the mutant '{name}' (tests/test_mutants.py), found by "
                              f"tests/mutants/find.py.\n{found}")


if __name__ == "__main__":
    main()
