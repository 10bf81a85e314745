"""How verdicts name things: procedures and phases, sets of people, step counts, sizes, solver messages."""

from __future__ import annotations

from .. import model as m
from ..safe import counted, runs
from ..scenario import natural_key


def phase_key(procedure: str, phase: str) -> str:
    """How sanity results name a procedure's vote passing, or a timed procedure taking effect."""
    return procedure if phase == "pass" else f"{procedure}.{'executed' if phase == 'execute' else 'vetoed'}"


def set_text(names) -> str:
    return "{" + ", ".join(runs(sorted(names, key=natural_key))) + "}"


def sorted_names(names) -> tuple[str, ...]:
    return tuple(sorted(names, key=natural_key))


def steps_text(n: int) -> str:
    return counted(n, "step")


def one_line(text: str, limit: int = 160) -> str:
    """A solver's message as one short line (some are thousands of characters long)."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def sizes_text(sizes: dict[str, int]) -> str:
    return ", ".join(f"{g} of {n}" for g, n in sorted(sizes.items()))


def ranges_text(model: m.Model) -> str:
    return ", ".join(f"{g} of {low} to {high}" if high is not None else f"{g} of at least {low}"
                     for g, (low, high) in sorted(model.sizes.items()))
