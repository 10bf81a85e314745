"""Report objects: frozen results of a check, and their JSON form (``govspec-report/1``).

Produced by :mod:`verifier.solve` and :mod:`govspec.api`; rendered by :mod:`govspec.render`.
The JSON names are a public contract (see ``govspec/schemas/report.schema.json``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

SCHEMA_ID = "govspec-report/1"

PROVED, REFUTED, UNKNOWN = "proved", "refuted", "unknown"


@dataclass(frozen=True)
class Scope:
    depth: int | None  # None: behaviours of any length
    sizes: str = "as-written"  # or "all"

    def describe(self) -> str:
        depth = "any length" if self.depth is None else f"depth {self.depth}"
        return depth if self.sizes == "as-written" else f"{depth}, all sizes"


@dataclass(frozen=True)
class RuleRef:
    text: str
    line: int
    cite: str | None = None
    path: str | None = None  # set when the rule comes from an imported file

    def as_dict(self) -> dict:
        return {"text": self.text, "line": self.line, "cite": self.cite, "path": self.path}


@dataclass(frozen=True)
class StageRecord:
    body: str
    kind: str  # decided | approved | vetoed
    mode: str  # meeting | consent
    notified: tuple[str, ...]
    present: tuple[str, ...]
    yes: tuple[str, ...]
    no: tuple[str, ...]
    abstain: tuple[str, ...]
    recused: tuple[str, ...]
    outsiders_free: bool = False  # a forcing step: outsiders' response is universally quantified

    def as_dict(self) -> dict:
        return {
            "body": self.body, "kind": self.kind, "mode": self.mode, "notified": list(self.notified),
            "present": list(self.present), "yes": list(self.yes), "no": list(self.no),
            "abstain": list(self.abstain), "recused": list(self.recused), "outsiders_free": self.outsiders_free,
        }


@dataclass(frozen=True)
class StateSnapshot:
    """The organisation's whole state at one point of a trace (for trace export and timelines)."""

    members: tuple[tuple[str, tuple[str, ...]], ...]  # body -> members in office
    offices: tuple[tuple[str, str | None], ...]  # office -> holder (None: vacant)
    params: tuple[tuple[str, Fraction], ...]
    day: int = 0
    pending: tuple[str, ...] = ()  # procedures approved and waiting to take effect
    balances: tuple[tuple[str, Fraction], ...] = ()  # person -> tokens (empty when weights do not move)
    proposals: tuple[str, ...] = ()  # procedures with a proposal made and not yet voted on


@dataclass(frozen=True)
class TraceStep:
    index: int
    kind: str  # procedure | event
    name: str
    args: tuple[tuple[str, str], ...]
    stages: tuple[StageRecord, ...]
    changes: tuple[str, ...]
    rules: tuple[RuleRef, ...]
    line: int
    cite: str | None
    path: str | None = None  # set when the procedure comes from an imported file
    phase: str = "pass"  # pass | execute | veto | wait
    # The whole state before and after the step; not part of the JSON report (its ``changes`` say
    # what moved), used by the ITF export and the HTML timeline.
    before: StateSnapshot | None = field(default=None, compare=False, repr=False)
    after: StateSnapshot | None = field(default=None, compare=False, repr=False)

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "phase": self.phase,
            "step": self.index, "kind": self.kind, "name": self.name, "args": dict(self.args),
            "stages": [s.as_dict() for s in self.stages], "changes": list(self.changes),
            "rules": [r.as_dict() for r in self.rules], "line": self.line, "cite": self.cite,
        }


@dataclass(frozen=True)
class PropertyResult:
    name: str
    kind: str
    line: int
    status: str
    scope: Scope
    seconds: float
    summary: str  # one sentence: what was proved or refuted
    trace: tuple[TraceStep, ...] = ()
    coalition: tuple[str, ...] | None = None
    reason: str | None = None  # for UNKNOWN
    vacuous: bool = False
    cite: str | None = None
    path: str | None = None  # set when the property comes from an imported file
    relied_on: "tuple[RuleRef, ...] | None" = None  # --explain: rules the proof needs (govspec/reliance.py)
    relied_on_undecided: int = 0  # --explain: removals whose check was UNKNOWN

    def as_dict(self) -> dict:
        out = {
            "name": self.name, "kind": self.kind, "line": self.line, "path": self.path, "status": self.status,
            "scope": {"depth": self.scope.depth, "sizes": self.scope.sizes},
            "seconds": round(self.seconds, 3), "summary": self.summary,
            "trace": [s.as_dict() for s in self.trace],
            "coalition": list(self.coalition) if self.coalition is not None else None,
            "reason": self.reason, "vacuous": self.vacuous, "cite": self.cite,
        }
        if self.relied_on is not None:
            out["relied_on"] = [r.as_dict() for r in self.relied_on]
            out["relied_on_undecided"] = self.relied_on_undecided
        return out


@dataclass(frozen=True)
class SanityResult:
    procedure: str
    line: int
    status: str  # ok | warning | unknown
    message: str
    depth: int | None = None
    path: str | None = None  # set when the procedure comes from an imported file

    def as_dict(self) -> dict:
        return {"procedure": self.procedure, "line": self.line, "status": self.status,
                "message": self.message, "depth": self.depth, "path": self.path}


@dataclass(frozen=True)
class FileReport:
    path: str
    properties: tuple[PropertyResult, ...] = ()
    sanity: tuple[SanityResult, ...] = ()
    errors: tuple = ()  # Diagnostic objects when the spec is invalid
    sha256: str | None = None  # of the file's bytes as checked; None when it could not be read

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "properties": [p.as_dict() for p in self.properties],
            "sanity": [s.as_dict() for s in self.sanity],
            "errors": [d.as_dict() for d in self.errors],
        }


@dataclass(frozen=True)
class Report:
    files: tuple[FileReport, ...]
    options: dict = field(default_factory=dict)
    z3_version: str | None = None  # of the Z3 installed when the report was made (the proof stamp)

    @property
    def exit_code(self) -> int:
        """0 all proved, 1 something refuted, 2 a file cannot be read, 3 invalid spec, 4 inconclusive."""
        codes = {d.code for f in self.files for d in f.errors}
        if "GOV001" in codes:
            return 2
        if codes:
            return 3
        statuses = [p.status for f in self.files for p in f.properties]
        if REFUTED in statuses:
            return 1
        if UNKNOWN in statuses:
            return 4
        return 0

    def as_dict(self) -> dict:
        from . import __version__

        return {"schema": SCHEMA_ID, "govspec_version": __version__, "z3_version": self.z3_version,
                "options": dict(self.options), "files": [f.as_dict() for f in self.files]}

    def _repr_html_(self) -> str:
        """Jupyter shows a report as its HTML page (summary table, scenarios, timelines)."""
        from .html import render_html

        return render_html(self, fragment=True)
