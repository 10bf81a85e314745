"""Deadlines and the clock: the time limits of a run (``--timeout`` per property, ``--budget``
for the whole run) as values, and :func:`check_time`, which long Python work calls as it goes.

Assumes nothing (the standard library only: a bottom layer, so parsing, checking, the semantics
and both engines can all look at the clock).  Guarantees: :func:`check_time` raises
:class:`OutOfTime` once the innermost deadline applied (:meth:`Deadline.applies`) has passed, and
does nothing when none applies; a deadline never outlasts the one it is made within.
:mod:`govspec.engine` hands these to the engines and the verdict logic.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar


class OutOfTime(Exception):
    """A :class:`Deadline` passed in the middle of work that is not a solver call (those get what
    is left as their own time limit): building classes of people or coalitions, replaying a
    scenario, the next sizes of a group.  ``str(err)`` says which limit ran out."""

    def __init__(self, deadline: Deadline):
        super().__init__(deadline.ran_out())
        self.deadline = deadline


_applying: ContextVar[Deadline | None] = ContextVar("govspec_deadline", default=None)


class Deadline:
    """The end of some work's time: every solver call gets what is left, and :func:`check_time`
    stops the Python work in between (raising :class:`OutOfTime`) while the deadline applies.

    ``limit`` names the limit in words (``the time limit of 60 s per property``) and ``option``
    the option that sets it (``--timeout``); ``within``: a deadline this one cannot outlast (the
    run's ``--budget``): when it ends first, its words are the ones a verdict shows."""

    def __init__(self, seconds: float, limit: str = "the time limit", option: str = "--timeout",
                 within: Deadline | None = None):
        self.end = time.monotonic() + seconds
        self.limit, self.option = limit, option
        if within is not None and within.end <= self.end:
            self.end, self.limit, self.option = within.end, within.limit, within.option

    cpu_end: float | None = None  # (a share of processor time, :meth:`cpu_share`: its end on process_time)
    cpu_limit = ""

    def remaining_ms(self) -> int:
        return max(0, int((self.end - time.monotonic()) * 1000))

    def _cpu_spent(self) -> bool:
        return self.cpu_end is not None and time.process_time() >= self.cpu_end

    def expired(self) -> bool:
        return self.remaining_ms() <= 0 or self._cpu_spent()

    def ran_out(self) -> str:
        """Why work stopped, in the words verdicts show: ``the time limit of 60 s per property ran out (--timeout)``."""
        if self._cpu_spent() and time.monotonic() < self.end:
            return f"{self.cpu_limit} ran out ({self.option})"
        return f"{self.limit} ran out ({self.option})"

    def check(self) -> None:
        """Raise :class:`OutOfTime` if this deadline has passed."""
        if time.monotonic() >= self.end or self._cpu_spent():
            raise OutOfTime(self)

    def share(self, seconds: float, limit: str) -> Deadline:
        """A part of what is left: at most ``seconds``, named ``limit`` when it is its own end that comes first."""
        return Deadline(seconds, limit, self.option, within=self)

    def cpu_share(self, seconds: float, limit: str) -> Deadline:
        """A part of what is left, measured in this process's processor time: at most ``seconds`` of
        it (named ``limit`` when that ends first), and never past this deadline.  For pure-Python
        work (exploring states) whose share must not depend on how busy the machine is: on a
        loaded machine the clock runs on while the process waits, its processor time does not, so
        the same check gets the same share of work (a golden output stays the same under load)."""
        out = Deadline(self.remaining_ms() / 1000 + 1, self.limit, self.option, within=self)
        out.cpu_end, out.cpu_limit = time.process_time() + seconds, limit
        return out

    @contextmanager
    def applies(self):
        """Within the block, :func:`check_time` checks this deadline (the innermost one applied)."""
        token = _applying.set(self)
        try:
            yield self
        finally:
            _applying.reset(token)


def time_limit(seconds: float, within: Deadline | None = None) -> Deadline:
    """A property's (or a sanity check's) ``--timeout``, within the run's budget if any."""
    return Deadline(seconds, f"the time limit of {seconds:g} s", "--timeout", within)


def run_budget(seconds: float | None) -> Deadline | None:
    """The run's ``--budget`` (None: no limit)."""
    return None if seconds is None else Deadline(seconds, f"the run's budget of {seconds:g} s", "--budget")


def applied() -> Deadline | None:
    """The deadline applied here (:meth:`Deadline.applies`), if any: what a check run within some
    larger work (a power property's analysis) cannot outlast."""
    return _applying.get()


def check_time() -> None:
    """Raise :class:`OutOfTime` if the deadline applied (:meth:`Deadline.applies`) has passed; called
    in the loops of long Python work (a few dozen nanoseconds a call; nothing when none applies)."""
    deadline = _applying.get()
    if deadline is not None and (time.monotonic() >= deadline.end or deadline._cpu_spent()):
        raise OutOfTime(deadline)
