"""Random exploration that moves (issue 15), as a pytest plugin: the Hypothesis tests that are not
derandomized (the slow, full-size runs) draw from a seed that changes every day (the UTC date,
YYYYMMDD), printed at the end of the run; ``--hypothesis-seed=N`` repeats a run exactly and, given,
seeds every Hypothesis test, the fixed ones too. The default run's tests keep their fixed examples
(``derandomize=True``: the same specs on every run), so the quick gate is deterministic and the
exploration happens beside it. Under xdist the controller chooses the seed and its workers read it.
"""
import datetime
import os

import hypothesis

SEED_VARIABLE = "GOVSPEC_HYPOTHESIS_SEED"

# Under CI=true Hypothesis loads its "ci" profile, which derandomizes every test: the exploration
# would then never move in CI, the one place it runs. Tests are fixed only where they say so.
hypothesis.settings.register_profile("govspec", derandomize=False, print_blob=True)
hypothesis.settings.load_profile("govspec")


def exploration_seed(given: str | None, today: datetime.date) -> tuple[int | str, bool]:
    """The seed of this run and whether it was given (then it seeds the fixed tests too)."""
    if given is not None:
        return (int(given) if given.isdigit() else given), True
    return int(today.strftime("%Y%m%d")), False


def pytest_configure(config):
    if hasattr(config, "workerinput"):  # an xdist worker: the controller chose the seed
        given, seed = os.environ[SEED_VARIABLE].split(",", 1)
        config.govspec_seed = (int(seed) if seed.isdigit() else seed, given == "1")
        return
    config.govspec_seed = exploration_seed(config.getoption("hypothesis_seed", None),
                                           datetime.datetime.now(datetime.timezone.utc).date())
    os.environ[SEED_VARIABLE] = f"{int(config.govspec_seed[1])},{config.govspec_seed[0]}"


def _explores(item) -> bool:
    """A Hypothesis test that is not derandomized: it explores from the day's seed."""
    test = getattr(item, "obj", None)
    settings = getattr(test, "_hypothesis_internal_use_settings", None)
    return getattr(test, "hypothesis", None) is not None and not getattr(settings, "derandomize", False)


def pytest_collection_modifyitems(config, items):
    value, given = config.govspec_seed
    for item in items:
        test = getattr(item, "obj", None)
        if getattr(test, "hypothesis", None) is None:
            continue
        fixed = getattr(getattr(test, "_hypothesis_internal_use_settings", None), "derandomize", False)
        if given or not fixed:
            hypothesis.seed(value)(test)
    # The exploring tests (the slow run's hundreds of drawn specs each, minutes apiece) start first:
    # with xdist's work stealing (--dist worksteal in addopts) the other process takes the rest
    # meanwhile, so that the run does not end on one long test while a process idles (the slow run
    # of 5 December 2026 idled one of two processes for half an hour that way). A stable sort: the
    # others keep their order.
    items.sort(key=lambda item: not _explores(item))


def pytest_terminal_summary(terminalreporter, config):
    value, given = config.govspec_seed
    how = "given" if given else "today's date"
    terminalreporter.write_line(f"Hypothesis exploration seed: {value} ({how}); repeat with --hypothesis-seed={value}")
