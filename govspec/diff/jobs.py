"""The diff's checks as independent tasks, on this process, on ``-j N`` processes or on a Dask
cluster (``--cluster``), through :func:`govspec.parallel.run_tasks`.

Assumes each side's rules with the properties to check (:func:`.respec.with_properties`) and the
two specs as loaded (for the coalition questions).  Guarantees: for each side, what
:func:`govspec.api.check_model` gives (its sanity check first, then each property once that is
known: a verdict may rest on which procedures can pass), and the answers of
:func:`.coalitions.least_coalitions`, each coalition question (one procedure, force or block,
before then after) a task of its own; the same results in the same order for any number of
processes, since each task depends only on the texts and the options.
"""

from __future__ import annotations

from .. import model as m
from ..options import Options
from .coalitions import Power, power_question, questions


def checked(sides: dict[str, m.Model], old: m.Model, new: m.Model, options: Options, power: bool):
    """``(per side: (sanity results, property results in order), powers, notes)``."""
    from ..engine import run_budget
    from ..parallel import property_task, run_tasks, sanity_task, spec_of

    run = run_budget(options.budget)
    specs = {side: spec_of(model) for side, model in sides.items()}
    sanity: dict[str, tuple] = {}
    results: dict[tuple[str, int], object] = {}
    powers: dict[int, Power] = {}

    def properties(side: str, passable: dict) -> list:
        return [(("property", side, k), property_task, (specs[side], k, options, passable, run))
                for k in range(len(sides[side].properties))]

    first = []
    for side in sides:
        if options.sanity:
            first.append((("sanity", side, None), sanity_task, (specs[side], options, run)))
        else:
            sanity[side] = ((), {})
            first += properties(side, {})
    asked, refused, notes = questions(old, new) if power else ([], {}, ["power not computed (--no-power)"])
    first += [(("power", None, i), power_task, (spec_of(old), spec_of(new), name, kind, options, refused))
              for i, (name, kind) in enumerate(asked)]

    def done(key, value):
        kind, side, k = key
        if kind == "sanity":
            sanity[side] = value
            return properties(side, value[1])
        if kind == "property":
            results[(side, k)] = value
        else:
            powers[k] = value
        return ()

    run_tasks(first, options.jobs, options.cluster, done)
    found = {side: (tuple(sanity[side][0]), [results[(side, k)] for k in range(len(model.properties))])
             for side, model in sides.items()}
    return found, [powers[i] for i in range(len(asked))], notes


def power_task(old: tuple, new: tuple, name: str, kind: str, options: Options, refused: dict) -> Power:
    """:func:`.coalitions.power_question` on the specs rebuilt from their texts."""
    from ..parallel import rebuilt

    return power_question(rebuilt(old), rebuilt(new), name, kind, options, refused)
