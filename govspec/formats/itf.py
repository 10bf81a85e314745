"""Counterexamples (and witnesses of ``possible``) in the Informal Trace Format (ITF), the JSON
trace format of Apalache and Quint.

ITF (Apalache ADR-015): ``{"#meta": {...}, "vars": [...], "states": [{"#meta": {"index": i},
VAR: VALUE, ...}]}`` where integers are ``{"#bigint": "N"}``, sets ``{"#set": [...]}``, maps
``{"#map": [[k, v], ...]}``, tuples ``{"#tup": [...]}``, records are JSON objects and variants
``{"tag": T, "value": V}``.  State 0 is the initial state; state i is the state after step i.
Assumes trace steps carry whole-state snapshots (:mod:`govspec.scenario` attaches them).
"""

from __future__ import annotations

import os
from fractions import Fraction

from ..report import PROVED, REFUTED, PropertyResult, Report, StageRecord, StateSnapshot, TraceStep
from ..safe import json_text

FORMAT_DESCRIPTION = "https://apalache-mc.org/docs/adr/015adr-trace.html"
VARS = ["members", "offices", "params", "day", "pending", "balances", "proposals", "mbt::actionTaken", "step"]


def _int(n: int) -> dict:
    return {"#bigint": str(n)}


def _set(names) -> dict:
    return {"#set": sorted(names)}


def _map(pairs) -> dict:
    return {"#map": [[k, v] for k, v in pairs]}


def _holder(name: str | None) -> dict:
    """An office's holder as a set: one name, or empty when vacant.  (Quint's ``None`` variant,
    ``{"tag": "None", "value": {"#tup": []}}``, is not read by every ITF library.)"""
    return _set([] if name is None else [name])


def _number(value: Fraction) -> dict:
    value = Fraction(value)
    return {"num": _int(value.numerator), "den": _int(value.denominator)}


def _stage(stage: StageRecord) -> dict:
    return {"body": stage.body, "kind": stage.kind, "mode": stage.mode, "notified": _set(stage.notified),
            "present": _set(stage.present), "yes": _set(stage.yes), "no": _set(stage.no),
            "abstain": _set(stage.abstain), "recused": _set(stage.recused), "outsiders_free": stage.outsiders_free,
            "signed_waiver": _set(stage.signed_waiver)}  # (notice waived in writing, issue 13)


def _state(snap: StateSnapshot, index: int, action: str, step: dict) -> dict:
    return {
        "#meta": {"index": index},
        "members": _map((body, _set(people)) for body, people in snap.members),
        "offices": _map((office, _holder(holder)) for office, holder in snap.offices),
        "params": _map((name, _number(value)) for name, value in snap.params),
        "day": _int(snap.day),
        "pending": _set(snap.pending),
        "balances": _map((person, _number(value)) for person, value in snap.balances),
        "proposals": _set(snap.proposals),
        "mbt::actionTaken": action,
        "step": step,
    }


def _step(step: TraceStep) -> dict:
    return {"name": step.name, "kind": step.kind, "phase": step.phase, "args": _map(step.args),
            "stages": [_stage(s) for s in step.stages], "changes": list(step.changes),
            "line": _int(step.line), "cite": step.cite or ""}


def trace(result: PropertyResult, source: str) -> dict:
    """The ITF trace of one result's scenario (or witness)."""
    steps = [s for s in result.trace if s.before is not None and s.after is not None]
    if not steps:
        raise ValueError(f"property '{result.name}' has no scenario with states to export")
    init = {"name": "init", "kind": "init", "phase": "init", "args": _map(()), "stages": [], "changes": [],
            "line": _int(result.line), "cite": ""}
    states = [_state(steps[0].before, 0, "init", init)]
    states += [_state(s.after, i, s.name, _step(s)) for i, s in enumerate(steps, start=1)]
    return {
        "#meta": {
            "format": "ITF", "format-description": FORMAT_DESCRIPTION, "source": source,
            "description": f"GovSpec {'counterexample to' if result.status == REFUTED else 'witness for'} "
                           f"property '{result.name}': {result.summary}",
            "property": result.name, "status": result.status,
        },
        "vars": list(VARS),
        "states": states,
    }


def counterexamples(report: Report) -> list[tuple[str, PropertyResult]]:
    """(spec path, result) for every refuted property that has a scenario, and every ``possible``
    shown by a witness of at least one step (proved, or held at some sizes only: the same kind of
    trace, a behaviour reaching X)."""
    return [(f.path, r) for f in report.files for r in f.properties
            if r.trace and (r.status == REFUTED or (r.status == PROVED and r.kind == "possible") or r.witnessed)]


class SeveralTraces(Exception):
    """Several traces for a FILE without ``{property}`` that is not a regular file (``/dev/stderr``,
    a device, a FIFO, a folder): each would be a regular file made beside it (``FILE.PROPERTY``)."""

    def __init__(self, path: str, count: int):
        super().__init__(path, count)
        self.path, self.count = path, count


def target_paths(pattern: str, found: list[tuple[str, PropertyResult]], not_a_file=lambda path: False) -> list[str]:
    """Where each trace goes: ``{property}`` and ``{file}`` (the spec's name without extension) in
    the pattern are replaced; with several traces and no ``{property}``, ``.{property}`` is put
    before the extension so that no trace overwrites another.  :class:`SeveralTraces` when that
    name would be made beside a target that is not a regular file (nor a new one): ``not_a_file``
    tells (:func:`govspec.writing.not_a_file`, the layer above)."""
    if len(found) > 1 and "{property}" not in pattern:
        for stem in dict.fromkeys(os.path.splitext(os.path.basename(path))[0] for path, _ in found):
            if not_a_file(pattern.replace("{file}", stem)):
                raise SeveralTraces(pattern.replace("{file}", stem), len(found))
        head, tail = os.path.split(pattern)
        stem, dot, ext = tail.partition(".")
        pattern = os.path.join(head, f"{stem}.{{property}}{dot}{ext}")
    stems = [os.path.splitext(os.path.basename(path))[0] for path, _ in found]
    if len(found) > 1 and "{file}" not in pattern and len(set(stems)) > 1:
        pattern = pattern.replace("{property}", "{file}.{property}")
    return _apart([pattern.replace("{file}", stem).replace("{property}", r.name) for stem, (_, r) in zip(stems, found)])


def _apart(names: list[str]) -> list[str]:
    """``names`` with each one met again (files of one name in two folders, a file given twice, a
    pattern without ``{property}``'s kind of difference) told apart by -2, -3, ... before its
    extension (``.itf.json``, or the last one), in order: no trace overwrites another."""
    taken, out = set(), []
    for name in names:
        head, ext = (name[: -len(".itf.json")], ".itf.json") if name.endswith(".itf.json") else os.path.splitext(name)
        candidate, k = name, 1
        while candidate in taken:
            k += 1
            candidate = f"{head}-{k}{ext}"
        taken.add(candidate)
        out.append(candidate)
    return out


def trace_files(report: Report, pattern: str, not_a_file=lambda path: False) -> list[tuple[str, str]]:
    """(path, ITF text) of one file per counterexample (none if none refuted), for the CLI to write
    (:mod:`govspec.writing`: never over an input, always whole; ``not_a_file``: as for :func:`target_paths`)."""
    found = counterexamples(report)
    return [(path, json_text(trace(result, source)) + "\n")
            for path, (source, result) in zip(target_paths(pattern, found, not_a_file), found)]
