"""The options of a check: what they mean, their defaults and the values they accept.

The CLI's flags, the Python API (:class:`Options`) and proof stamps (a report's recorded options,
re-run by ``govspec verify-report``) all read them here, so that the three cannot disagree.
"""

from __future__ import annotations

from .records import dataclass

DEPTH_RANGE = (0, 50)  # what the options accept (verify-report holds a report's options to the same)
TIMEOUT_RANGE = (0.1, 86400)
BUDGET_RANGE = (0.1, 604800)  # a week
EFFORT_RANGE = (0.0, 1000.0)
JOBS_RANGE = (1, 256)

DEFAULT_DEPTH = None  # no cap: each property is searched until decided or its budget runs out
DEFAULT_TIMEOUT = 60.0
DEFAULT_EFFORT = 1.0
DEFAULT_BUDGET = None  # no total limit: each property and each sanity check has its --timeout


ENGINES = ("z3", "explicit")


@dataclass(frozen=True)
class Options:
    depth: int | None = DEFAULT_DEPTH  # the deepest search (None: no cap; deeper until decided or out of budget)
    timeout: float = DEFAULT_TIMEOUT  # seconds per property, and per sanity check of a procedure (docs/cli.md)
    budget: float | None = DEFAULT_BUDGET  # seconds for the whole run; then what is left is UNKNOWN (None: no limit)
    effort: float = DEFAULT_EFFORT  # the search budget per property beyond the first search (verdicts.Budget)
    accept_bounded: bool = False  # bounded results do not make the exit code 4 (the output says so)
    recheck_cvc5: bool = False  # re-check each proof's invariant with cvc5 too (the cvc5 extra)
    sanity: bool = True
    engine: str = "z3"  # or "explicit": enumeration on the reference semantics, no Z3
    unbounded: bool = True  # also try proofs for behaviours of any length (engines that can: Z3)
    explain: bool = False  # for each PROVED property, find the rules it relies on (govspec/reliance.py)
    jobs: int = 1  # processes (govspec/parallel.py); never recorded: the results are the same for every number
    cluster: str | None = None  # a Dask scheduler's address (--cluster): the tasks run on its workers; never recorded


def options_dict(options: Options) -> dict:
    """The options as recorded in a report (enough for ``govspec verify-report`` to re-run)."""
    recorded = {"depth": options.depth, "timeout": options.timeout, "effort": options.effort, "engine": options.engine,
                "sanity": options.sanity, "accept_bounded": options.accept_bounded, "recheck_cvc5": options.recheck_cvc5}
    if options.budget is not None:  # (recorded only when given: a run's budget cuts verdicts short)
        recorded["budget"] = options.budget
    if options.explain:  # (recorded only when given: verify-report re-runs it, to find the rules relied on again)
        recorded["explain"] = True
    return recorded
