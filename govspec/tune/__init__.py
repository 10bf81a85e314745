"""``govspec tune FILE --vary NAME=LOW..HIGH``: the values of a parameter for which chosen properties hold.

A **knob** is a parameter the file (or what it imports) declares, or a duration of a procedure
(``P.timelock``, ``P.voting_delay``, ``P.voting_period``), with a range of values (whole days for
a duration; numbers as the language writes them for a parameter, ``1..9``, ``1%..50%:1%``).  Each
value tried is set in the joined spec (imports joined, so an imported library's parameter can be
tuned), the spec is checked again, and each chosen property is checked there as ``check`` would.

A value **holds** when every chosen property is PROVED there; it **fails** when one is REFUTED
(that result is the witness); otherwise it is **undecided** (a bounded search, a time limit).

One knob: for each property, :mod:`.monotone` tries to show that its truth is monotone in the
knob; a property shown monotone is searched by bisection (its boundary value, and the failing value
next to it, are checked), the others by checking every value.  The answer, the lowest (or highest)
value in the range where every property holds, is then checked at that value with every property
at once: if monotonicity were wrong there, the search says so and checks every value instead.
Two knobs: every pair of values is checked, and the region where the properties hold is drawn.

Nothing is assumed beyond the range: "the lowest value from 1 to 9" is what the answer says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from fractions import Fraction

from .. import ast
from .. import model as m
from ..options import Options
from ..syntax.parser import MAX_NUMBER_CHARS
from ..report import PROVED, REFUTED, PropertyResult
from .monotone import DOWN, UP, Argument, argument

HOLDS, FAILS, UNDECIDED = "holds", "fails", "undecided"
DURATIONS = {"timelock": "timelock", "voting_delay": "voting_delay", "voting_period": "voting_period"}
MAX_POINTS = 10_000


class TuneError(ValueError):
    """A knob that cannot be tuned (its name, range or step), said in one sentence."""


@dataclass(frozen=True)
class Knob:
    """What is varied: ``name`` as given (``quorum`` or ``P.timelock``), its values in order, each as written."""

    name: str
    values: tuple[Fraction, ...]
    written: tuple[str, ...]
    duration: bool = False  # P.timelock and the like: whole days

    @property
    def range_text(self) -> str:
        return f"{self.written[0]} to {self.written[-1]}"


_NUMBER = r"[0-9]+(?:\.[0-9]+)?%|[0-9]+/[0-9]+|[0-9]+(?:\.[0-9]+)?"
_KNOB = re.compile(rf"^\s*([^\W\d]\w*(?:\.[^\W\d]\w*)?)\s*=\s*({_NUMBER})\s*\.\.\s*({_NUMBER})\s*(?::\s*({_NUMBER}))?\s*$")


def _value(text: str) -> Fraction:
    if text.endswith("%"):
        return Fraction(text[:-1]) / 100
    if "/" in text:
        num, den = text.split("/")
        if int(den) == 0:
            raise TuneError(f"'{text}' has a zero denominator")
        return Fraction(int(num), int(den))
    return Fraction(text)


def _written(value: Fraction, style: str) -> str:
    if style == "percent":
        pct = value * 100
        return (str(pct.numerator) if pct.denominator == 1 else str(float(pct))) + "%"
    if style == "decimal" and value.denominator != 1 and 10 ** 6 % value.denominator == 0:
        return str(float(value))
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"


def parse_knob(text: str) -> Knob:
    """``NAME=LOW..HIGH`` or ``NAME=LOW..HIGH:STEP`` (step 1 by default) as a knob."""
    match = _KNOB.match(text)
    if match is None:
        raise TuneError(f"'{text}' is not NAME=LOW..HIGH or NAME=LOW..HIGH:STEP (e.g. quorum=1..9, q=1%..50%:1%, "
                        "execute.timelock=0..7)")
    name, low_t, high_t, step_t = match.groups()
    for t in (low_t, high_t, step_t):  # (as a spec's numbers: and Python refuses to convert very long digit strings)
        if t and len(t) > MAX_NUMBER_CHARS:
            raise TuneError(f"{name}: a number longer than {MAX_NUMBER_CHARS} characters ({t[:20]}...); a spec's "
                            "numbers are as long at most")
    low, high = _value(low_t), _value(high_t)
    step = _value(step_t) if step_t else Fraction(1)
    texts = (low_t, high_t, step_t)
    style = ("percent" if any(t and t.endswith("%") for t in texts) else
             "decimal" if any(t and "." in t for t in texts) else "number")
    if step <= 0:
        raise TuneError(f"{name}: the step must be above 0")
    if low > high:
        raise TuneError(f"{name}: the range {low_t}..{high_t} is empty (the lower end is above the upper)")
    count = (high - low) / step
    if count.denominator != 1:
        raise TuneError(f"{name}: the step {step_t or '1'} does not reach {high_t} from {low_t} in whole steps")
    if count + 1 > MAX_POINTS:
        raise TuneError(f"{name}: {count + 1} values, more than {MAX_POINTS}")
    values = tuple(low + i * step for i in range(int(count) + 1))
    duration = "." in name
    if duration:
        if name.split(".")[1] not in DURATIONS:
            raise TuneError(f"{name}: a procedure's duration is one of " + ", ".join(f"P.{d}" for d in DURATIONS))
        if any(v.denominator != 1 for v in values):
            raise TuneError(f"{name}: a duration is a whole number of days")
    return Knob(name, values, tuple(_written(v, style) for v in values), duration)


def _set(org: ast.Organization, knob: Knob, value: Fraction, written: str) -> ast.Organization:
    if not knob.duration:
        params = tuple(replace(p, value=value, text=written) if p.name == knob.name else p for p in org.params)
        return replace(org, params=params)
    proc, kind = knob.name.split(".")
    days = int(value)
    procedures = []
    for decl in org.procedures:
        if decl.name == proc:
            items = [replace(i, days=days) if isinstance(i, ast.Clause) and i.kind == DURATIONS[kind] else i
                     for i in decl.items]
            if not any(isinstance(i, ast.Clause) and i.kind == DURATIONS[kind] for i in decl.items):
                items.append(ast.Clause(decl.span, DURATIONS[kind], None, days=days))  # (a timelock added)
            decl = replace(decl, items=tuple(items))
        procedures.append(decl)
    return replace(org, procedures=tuple(procedures))


def _edit(settings: tuple[tuple[Knob, int], ...]):
    def edit(spec: ast.SpecFile) -> ast.SpecFile:
        org = spec.organizations[0]
        for knob, i in settings:
            org = _set(org, knob, knob.values[i], knob.written[i])
        return replace(spec, organizations=(org,))
    return edit


def _check_knob(model: m.Model, knob: Knob) -> None:
    """Raise TuneError unless ``knob`` names something the joined spec declares (and may vary)."""
    if knob.duration:
        proc, kind = knob.name.split(".")
        p = model.procedures.get(proc)
        if p is None or p.is_event:
            raise TuneError(f"{knob.name}: there is no procedure '{proc}'")
        if kind != "timelock" and p.lifecycle is None:
            raise TuneError(f"{knob.name}: {proc} has no proposal step ('voting delay', 'voting period')")
        if kind == "voting_period" and knob.values[0] < 1:
            raise TuneError(f"{knob.name}: a voting period lasts at least one day")
        return
    if knob.name not in model.params:
        names = ", ".join(sorted(model.params)) or "none"
        raise TuneError(f"there is no parameter '{knob.name}' (parameters: {names}; a procedure's duration is "
                        f"P.timelock, P.voting_delay or P.voting_period)")


# ---------------------------------------------------------------------------------------------- points


@dataclass(frozen=True)
class Point:
    """The properties checked at one setting (``index``: of each knob's value)."""

    index: tuple[int, ...]
    results: tuple[PropertyResult, ...]

    @property
    def status(self) -> str:
        statuses = [r.status for r in self.results]
        if REFUTED in statuses:
            return FAILS
        return HOLDS if statuses and all(s == PROVED for s in statuses) else UNDECIDED

    def failing(self) -> PropertyResult | None:
        return next((r for r in self.results if r.status == REFUTED), None)


def _point(task) -> tuple[PropertyResult, ...]:
    """One setting checked (in this process or a worker): ``(spec, knobs, index, names, options)``."""
    from ..api import check_model
    from ..imports import Imported
    from ..load import _built
    from ..syntax import parse

    from ..diagnostics import SpecError

    (path, source, imported), knobs, index, names, options = task
    try:
        model = _built(parse(source, path), source, path, None, Imported(dict(imported)),
                       edit=_edit(tuple(zip(knobs, index))))
    except SpecError as err:  # (the spec is not valid at this setting: said by the parent, naming it)
        d = err.diagnostics[0]
        return f"{d.code} {d.message} (line {d.span.line}{'' if d.span.path == path else ' of ' + d.span.path})"
    model = replace(model, properties=tuple(p for p in model.properties if p.name in names))
    return check_model(model, options).properties


# ---------------------------------------------------------------------------------------------- search


@dataclass(frozen=True)
class Tuning:
    """What ``govspec tune`` found.  ``points``: every setting checked, by index, with the properties
    checked there; ``arguments``: for one knob, each property's monotonicity argument; ``answer``:
    the index of the lowest (highest) value where every property holds (one knob), or None."""

    path: str
    knobs: tuple[Knob, ...]
    properties: tuple[tuple[str, str], ...]  # (name, text as written)
    objective: str  # lowest | highest
    points: dict[tuple[int, ...], dict[str, PropertyResult]]
    arguments: dict[str, Argument] = field(default_factory=dict)
    searched: str = "every value"  # "bisection" when every property was shown monotone
    notes: tuple[str, ...] = ()

    def status_at(self, index: tuple[int, ...]) -> str | None:
        """HOLDS, FAILS or UNDECIDED at a setting, from what was checked there and what monotonicity
        implies; None if nothing is known."""
        got = self.points.get(index)
        statuses = []
        for name, _ in self.properties:
            r = got.get(name) if got else None
            statuses.append(r.status if r is not None else self.implied(name, index))
        if REFUTED in statuses:
            return FAILS
        if all(s == PROVED for s in statuses):
            return HOLDS
        return UNDECIDED if any(s is not None and s != PROVED for s in statuses) else None

    def implied(self, name: str, index: tuple[int, ...]) -> str | None:
        """PROVED or REFUTED at ``index`` as monotonicity implies from what was checked (None: nothing)."""
        arg = self.arguments.get(name)
        if arg is None or arg.closed is None or len(index) != 1:
            return None
        i = index[0]
        for (j,), got in self.points.items():
            r = got.get(name)
            if r is None:
                continue
            if r.status == PROVED and ((arg.closed == UP and j <= i) or (arg.closed == DOWN and j >= i)):
                return PROVED
            if r.status == REFUTED and ((arg.closed == UP and j >= i) or (arg.closed == DOWN and j <= i)):
                return REFUTED
        return None

    @property
    def statuses(self) -> dict[tuple[int, ...], str | None]:
        return {index: self.status_at(index) for index in self.grid()}

    def grid(self):
        if len(self.knobs) == 1:
            return [(i,) for i in range(len(self.knobs[0].values))]
        return [(i, j) for j in range(len(self.knobs[1].values)) for i in range(len(self.knobs[0].values))]

    @property
    def answer(self) -> tuple[int, ...] | None:
        """One knob: the lowest (highest) value where every property holds, when every value that
        would be better is known to fail; None otherwise (see :attr:`verdict`)."""
        if len(self.knobs) != 1:
            return None
        order = self.grid() if self.objective == "lowest" else list(reversed(self.grid()))
        for index in order:
            status = self.status_at(index)
            if status == HOLDS:
                return index
            if status != FAILS:
                return None
        return None

    @property
    def verdict(self) -> str:
        """FOUND (one knob: the best value is known), NONE (no value in the range holds, each decided),
        REGION (two knobs, every point decided), UNDECIDED (otherwise)."""
        statuses = self.statuses
        if len(self.knobs) == 2:
            return "region" if all(s in (HOLDS, FAILS) for s in statuses.values()) else UNDECIDED
        if self.answer is not None:
            return "found"
        return "none" if all(s == FAILS for s in statuses.values()) else UNDECIDED

    @property
    def exit_code(self) -> int:
        """0 the best value found (a region: every point decided, one holds); 1 no value holds (each
        decided); 4 a value that matters was not decided."""
        v = self.verdict
        if v == "found":
            return 0
        if v == "region":
            return 0 if HOLDS in self.statuses.values() else 1
        return 1 if v == "none" else 4

    def word(self) -> str:
        """The answer as every format heads it: the range is in the word (nothing beyond it was checked)."""
        knob, v = self.knobs[0], self.verdict
        if v == "found":
            i = self.answer[0]
            return f"{self.objective.upper()} FROM {knob.range_text.upper()}: {knob.name} = {knob.written[i]}"
        if v == "none":
            return f"NONE FROM {knob.range_text.upper()}: no value of {knob.name} makes every property hold"
        if v == "region":
            held = sum(s == HOLDS for s in self.statuses.values())
            return f"REGION: every property holds at {held} of {len(self.statuses)} points"
        return "UNDECIDED: " + self.undecided_why()

    def undecided_why(self) -> str:
        said = []
        for status, words in ((UNDECIDED, "not decided at"), (None, "not checked at")):
            missing = [i for i, s in self.statuses.items() if s == status]
            if missing:
                said.append(f"{words} " + ", ".join(self.setting(i) for i in missing[:5])
                            + (", ..." if len(missing) > 5 else ""))
        return "; ".join(said)

    def setting(self, index: tuple[int, ...]) -> str:
        return ", ".join(f"{k.name} = {k.written[i]}" for k, i in zip(self.knobs, index))

    def boundary(self) -> list[tuple[tuple[int, ...], PropertyResult]]:
        """The witnesses: each failing setting next to a holding one (one knob: the value just past the
        answer), with a property REFUTED there."""
        out = []
        statuses = self.statuses
        step = -1 if self.objective == "lowest" else 1
        if len(self.knobs) == 1:
            if self.answer is not None:
                j = self.answer[0] + step
                if 0 <= j < len(self.knobs[0].values):
                    out.append(((j,), self._refuted((j,))))
            return [(i, r) for i, r in out if r is not None]
        for index, status in statuses.items():
            if status != FAILS:
                continue
            i, j = index
            near = [(i - 1, j), (i + 1, j), (i, j - 1), (i, j + 1)]
            if any(statuses.get(n) == HOLDS for n in near):
                r = self._refuted(index)
                if r is not None:
                    out.append((index, r))
        return out

    def undecided(self) -> list[tuple[tuple[int, ...], PropertyResult]]:
        """Each result checked that is neither PROVED nor REFUTED (bounded or UNKNOWN), setting by
        setting: every format gives its reason, as ``check`` does."""
        return [(index, got[n]) for index in self.grid() for n, _ in self.properties
                if (got := self.points.get(index, {})) and n in got and got[n].status not in (PROVED, REFUTED)]

    def _refuted(self, index):
        got = self.points.get(index, {})
        return next((got[n] for n, _ in self.properties if n in got and got[n].status == REFUTED), None)

    def as_dict(self) -> dict:
        statuses, undecided = self.statuses, self.undecided()
        return {
            "format": "govspec-tune/1", "path": self.path, "objective": self.objective,
            "knobs": [{"name": k.name, "values": k.written, "duration": k.duration} for k in self.knobs],
            "properties": [{"name": n, "text": t} for n, t in self.properties],
            "searched": self.searched,
            "monotone": {n: {"closed": a.closed, "why": a.why} for n, a in self.arguments.items()},
            "verdict": self.verdict, "word": self.word(), "exit_code": self.exit_code,
            "answer": None if self.answer is None else {k.name: k.written[i] for k, i in zip(self.knobs, self.answer)},
            "points": [{"setting": {k.name: k.written[i] for k, i in zip(self.knobs, index)},
                        "status": statuses[index], "checked": index in self.points,
                        "properties": {n: r.status for n, r in self.points.get(index, {}).items()},
                        "undecided": {r.name: {"verdict": r.word, "reason": r.why} for at, r in undecided if at == index}}
                       for index in self.grid()],
            "witnesses": [{"setting": {k.name: k.written[i] for k, i in zip(self.knobs, index)}, "result": r.as_dict()}
                          for index, r in self.boundary()],
            "notes": list(self.notes),
        }


def tune_file(path: str, knobs: list[Knob], names: list[str] | None = None, objective: str = "lowest",
              options: Options = Options(), jobs: int = 1, sweep: bool = False, progress=None,
              cluster: str | None = None) -> Tuning:
    """Tune ``knobs`` (one or two) of the spec at ``path`` for the properties ``names`` (all by default),
    the checks on ``jobs`` processes or the Dask scheduler at ``cluster``.  SpecError if the file is invalid; TuneError if a knob or a property name is not in it."""
    from ..load import load

    if not 1 <= len(knobs) <= 2:
        raise TuneError("give one knob (--vary), or two for a region")
    if len(knobs) == 2 and knobs[0].name == knobs[1].name:
        raise TuneError(f"{knobs[0].name} is given twice")
    model = load(path)
    if model.sizes:
        raise TuneError(f"{path} has groups of variable size ({', '.join(sorted(model.sizes))}): tune checks one "
                        "organisation at each value; give each group a fixed size")
    for knob in knobs:
        _check_knob(model, knob)
    props = list(model.properties) if names is None else []
    for name in dict.fromkeys(names or []):
        found = next((p for p in model.properties if p.name == name), None)
        if found is None:
            raise TuneError(f"there is no property '{name}' (properties: "
                            + (", ".join(p.name for p in model.properties) or "none") + ")")
        props.append(found)
    if not props:
        raise TuneError(f"{path} states no property to tune for")
    from ..parallel import spec_of

    spec = spec_of(model)
    chosen = tuple(p.name for p in props)
    texts = tuple((p.name, p.text) for p in props)
    points: dict[tuple[int, ...], dict[str, PropertyResult]] = {}

    def run(tasks: list[tuple[tuple[int, ...], tuple[str, ...]]]) -> None:
        from ..parallel import map_ordered

        said = (lambda done, total: progress(f"{done} of {total} checks done")) if progress else None
        results = map_ordered(_point, [(spec, tuple(knobs), index, group, options) for index, group in tasks],
                              jobs, said, cluster=cluster)
        for (index, _), got in zip(tasks, results):
            if isinstance(got, str):
                setting = ", ".join(f"{k.name} = {k.written[i]}" for k, i in zip(knobs, index))
                raise TuneError(f"at {setting} the spec is not valid: {got}; narrow the range")
            points.setdefault(index, {}).update({r.name: r for r in got})

    if len(knobs) == 2 or sweep:
        grid = Tuning(path, tuple(knobs), texts, objective, points).grid()
        run([(index, chosen) for index in grid])
        note = ("every value checked (--sweep)" if sweep and len(knobs) == 1 else
                "a region: every pair of values checked")
        return Tuning(path, tuple(knobs), texts, objective, points, searched="every value", notes=(note,))
    knob = knobs[0]
    arguments = {p.name: (Argument(None, "a duration: no monotonicity argument is made") if knob.duration
                          else argument(model, knob.name, p)) for p in props}
    bisected = [p.name for p in props if arguments[p.name].closed is not None]
    swept = tuple(p.name for p in props if arguments[p.name].closed is None)
    n = len(knob.values)
    if swept:
        run([((i,), swept) for i in range(n)])
    _bisect(bisected, arguments, n, points, run)
    result = Tuning(path, tuple(knobs), texts, objective, points, arguments,
                    searched="bisection" if not swept else ("every value" if not bisected else "mixed"))
    if result.verdict == "none" and bisected:  # (no value holds: confirmed at every value, every property)
        run([((i,), chosen) for i in range(n)])
        return replace(result, points=points, searched="every value",
                       notes=("no value held by bisection: every value was checked to confirm it",))
    answer = result.answer
    if answer is not None and bisected:  # the answer checked with every property at once
        missing = tuple(name for name in chosen if name not in points.get(answer, {}))
        if missing:
            run([(answer, missing)])
        result = replace(result, points=points)
        if any(points[answer][name].status == REFUTED for name in chosen):
            points.clear()
            run([((i,), chosen) for i in range(n)])
            return Tuning(path, tuple(knobs), texts, objective, points, arguments, searched="every value",
                          notes=(f"the bisection's answer {knob.name} = {knob.written[answer[0]]} did not hold when "
                                 "checked; every value was checked instead (please report this spec)",))
    return result


def _bisect(names: list[str], arguments: dict[str, Argument], n: int, points, run) -> None:
    """For each property shown monotone, the boundary between the values where it fails and those
    where it holds, by halving (every property's probes of one round checked together); a probe
    neither PROVED nor REFUTED stops that property's search."""
    bounds = {name: [0, n] for name in names}  # the boundary index lies in [lo, hi]
    stopped: set[str] = set()
    while True:
        probes: dict[tuple[int, ...], list[str]] = {}
        for name, (lo, hi) in bounds.items():
            if lo < hi and name not in stopped:
                probes.setdefault(((lo + hi) // 2,), []).append(name)
        if not probes:
            break
        run([(index, tuple(group)) for index, group in sorted(probes.items())])
        for (mid,), group in probes.items():
            for name in group:
                r = points[(mid,)][name]
                up = arguments[name].closed == UP
                lo, hi = bounds[name]
                # UP: the boundary is the least index that holds (n: none); DOWN: one past the greatest
                holds_side = r.status == PROVED
                if r.status not in (PROVED, REFUTED):
                    stopped.add(name)
                elif holds_side == up:
                    bounds[name] = [lo, mid]
                else:
                    bounds[name] = [mid + 1, hi]
    # a property whose probe was neither PROVED nor REFUTED: every value left in its interval is checked
    rest: dict[tuple[int, ...], list[str]] = {}
    for name in stopped:
        lo, hi = bounds[name]
        for i in range(lo, hi):
            if name not in points.get((i,), {}):
                rest.setdefault((i,), []).append(name)
    if rest:
        run([(index, tuple(group)) for index, group in sorted(rest.items())])
    # the failing value next to each boundary, for its witness (already checked, unless at an end)
    extra: dict[tuple[int, ...], list[str]] = {}
    for name, (lo, hi) in bounds.items():
        if name in stopped or lo != hi:
            continue
        up = arguments[name].closed == UP
        for j in ((lo - 1, lo) if up else (lo, lo - 1)):
            if 0 <= j < n and name not in points.get((j,), {}):
                extra.setdefault((j,), []).append(name)
    if extra:
        run([(index, tuple(group)) for index, group in sorted(extra.items())])
