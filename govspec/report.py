"""Report objects: frozen results of a check, and their JSON form (``govspec-report/2``).

Produced by :mod:`verifier.solve` and :mod:`govspec.api`; rendered by :mod:`govspec.formats`.
The JSON names are a public contract (see ``govspec/schemas/report.schema.json``).
"""

from __future__ import annotations

from dataclasses import field
from fractions import Fraction
from typing import Callable, ClassVar

from .records import dataclass
from .safe import counted, shown

SCHEMA_ID = "govspec-report/2"
READABLE_SCHEMAS = ("govspec-report/1", SCHEMA_ID)  # version 1 had no "bounded" status

# PROVED: for behaviours of any length and every size the spec allows.  BOUNDED: no counterexample
# (or, for "can force", no witness) was found, but the search that looked was limited (a depth, the
# sizes of a group): not a proof, and never shown or counted as one.
PROVED, REFUTED, BOUNDED, UNKNOWN = "proved", "refuted", "bounded", "unknown"
STATUSES = (PROVED, REFUTED, BOUNDED, UNKNOWN)

WITNESS_KINDS = ("coalition_force", "every_coalition", "possible", "no_coalition_block")  # properties that a witness proves
WITNESSED = "a witness, replayed on the reference semantics"  # the ``how`` of a "possible" shown by a witness


@dataclass(frozen=True)
class Scope:
    """What a verdict covers.  ``depth``: behaviours of at most that many steps (None: of any
    length).  ``sizes``: "as-written" (no group of variable size), "all" (every size the spec
    allows), or the sizes searched, as ``((group, least, greatest), ...)`` (a bounded result)."""

    depth: int | None  # None: behaviours of any length
    sizes: str | tuple = "as-written"

    def sizes_text(self) -> str:
        """``d of 5`` or ``d of 5 to 9``: the sizes searched ('' when they are not limited)."""
        if isinstance(self.sizes, str):
            return ""
        return ", ".join(f"{g} of {low}" if low == high else f"{g} of {low} to {high}" for g, low, high in self.sizes)

    def describe(self) -> str:
        depth = "any length" if self.depth is None else f"depth {self.depth}"
        if self.sizes == "all":
            return f"{depth}, all sizes"
        return depth if self.sizes == "as-written" else f"{depth}, {self.sizes_text()} only"

    def as_dict(self) -> dict:
        sizes = self.sizes if isinstance(self.sizes, str) else {g: [low, high] for g, low, high in self.sizes}
        return {"depth": self.depth, "sizes": sizes}


def steps_text(n: int) -> str:
    return counted(n, "step")


def verdict_word(status: str, kind: str, scope: Scope, witness: bool = False) -> str:
    """The verdict in words, as every format prints it: PROVED, REFUTED, UNKNOWN, or for a bounded
    result what was searched (``HOLDS UP TO 6 STEPS``, ``HOLDS FOR d OF 5 ONLY``, ``NO WITNESS UP TO
    6 STEPS``): the limit is in the word itself, so it cannot be read as a proof.  ``witness``: a
    ``possible`` bounded to the sizes of the witness found (``HOLDS FOR d OF 5 ONLY``)."""
    if status != BOUNDED:
        return status.upper()
    limits = []
    if scope.depth is not None:
        limits.append(f"UP TO {steps_text(scope.depth).upper()}")
    if not isinstance(scope.sizes, str):
        limits.append(f"FOR {scope.sizes_text()} ONLY".replace(" of ", " OF ").replace(" to ", " TO "))
    # a "can force" bounded in depth found no witness; one bounded in sizes only has one at each size searched
    # ("possible" bounded in sizes only: no behaviour of any length reaches it at the sizes searched)
    # ("possible" with a witness at some sizes only: it holds at those sizes)
    head = "NO WITNESS" if kind in WITNESS_KINDS and (scope.depth is not None or kind == "possible") else "HOLDS"
    if witness:
        head = "HOLDS"
    return " ".join([head, *limits]) if limits else f"{head} (BOUNDED)"


@dataclass(frozen=True)
class RuleRef:
    text: str
    line: int
    cite: str | None = None
    path: str | None = None  # set when the rule comes from an imported file
    # an "amend" clause: how it changed the imported procedure ("replaces", "adds to", "removes"),
    # and the line and file of the imported clause it replaces or removes (or of the procedure)
    change: str | None = None
    amends_line: int | None = None
    amends_path: str | None = None

    def as_dict(self) -> dict:
        out = {"text": self.text, "line": self.line, "cite": self.cite, "path": self.path}
        if self.change is not None:
            out["amends"] = {"change": self.change, "line": self.amends_line, "path": self.amends_path}
        return out

    @property
    def amendment(self) -> str | None:
        """'replaces line 16 of <library>/compound_bravo.gov' for an amending clause, else None."""
        if self.change is None:
            return None
        what = "the procedure at " if self.change == "adds to" else ""
        return f"{self.change} {what}line {self.amends_line}" + (f" of {shown(self.amends_path)}" if self.amends_path else "")


@dataclass(frozen=True)
class Comparison:
    """One comparison a rule made in a step, with the numbers compared (issue 16.2): ``left`` and
    ``right`` are the values of its two sides (exact: ``3``, ``2.5``, ``5/3``), ``holds`` whether
    it held, and ``words`` says it with what was counted ("3 present, more than half of 5 members (2.5)")."""

    left: str
    op: str
    right: str
    holds: bool
    words: str

    def as_dict(self) -> dict:
        return {"left": self.left, "op": self.op, "right": self.right, "holds": self.holds, "words": self.words}


@dataclass(frozen=True)
class Arithmetic:
    """The numbers one rule of a step compared, re-evaluated on the reference semantics (issue
    16.2): ``rule`` is what the rule is (quorum, vote, veto, timelock, voting delay, proposal
    threshold), ``text`` the rule as written, ``holds`` whether the rule held in the step."""

    rule: str
    text: str
    holds: bool
    comparisons: tuple[Comparison, ...]

    @property
    def words(self) -> str:
        """'quorum met: 3 present, more than half of 5 members (2.5)'."""
        verdict = {"vote": ("carries", "does not carry"), "consent": ("carries", "does not carry"),
                   "veto": ("carries", "fails"), "timelock": ("over", "not over"), "veto window": ("over", "not over"),
                   "voting delay": ("over", "not over"),
                   # (a meeting on short notice acts when every member attends: its notice is waived)
                   "notice period": ("over", "waived")}.get(self.rule, ("met", "not met"))[0 if self.holds else 1]
        return f"{self.rule} {verdict}: " + "; ".join(c.words for c in self.comparisons)

    def as_dict(self) -> dict:
        return {"rule": self.rule, "text": self.text, "holds": self.holds, "words": self.words,
                "comparisons": [c.as_dict() for c in self.comparisons]}


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
    objected: tuple[str, ...] = ()  # not notified, came only to object (attendance waives notice)
    casting: str | None = None  # the chair whose casting vote decided a tie
    # the numbers its quorum and its passing rule compared (issue 16.2; in a forcing step, the coalition's alone)
    arithmetic: tuple[Arithmetic, ...] = ()
    signed_waiver: tuple[str, ...] = ()  # not notified, signed a written waiver of notice

    def as_dict(self) -> dict:
        return {
            "body": self.body, "kind": self.kind, "mode": self.mode, "notified": list(self.notified),
            "present": list(self.present), "yes": list(self.yes), "no": list(self.no),
            "abstain": list(self.abstain), "recused": list(self.recused), "outsiders_free": self.outsiders_free,
        } | ({"objected": list(self.objected)} if self.objected else {}) | (
            {"casting": self.casting} if self.casting else {}) | (
            {"arithmetic": [a.as_dict() for a in self.arithmetic]} if self.arithmetic else {}) | (
            {"signed_waiver": list(self.signed_waiver)} if self.signed_waiver else {})


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
    # waiting decisions that could take effect after this step but for a requirement checked at
    # execution that fails then ('require C at execution'): each ("P(x = a)", "at execution require C (line N)")
    held: tuple[tuple[str, str], ...] = ()
    # who called the step's meeting or made its proposal (a "called by" rule, a proposal): the HTML
    # timeline's cells; the JSON report names them in the rules' words ("here: ada, as chair")
    callers: tuple[str, ...] = field(default=(), compare=False)
    # the numbers its rules of time and weight compared (issue 16.2): days against a timelock or a
    # voting delay, a proposer's voting power against the proposal threshold (a stage's: its record's)
    arithmetic: tuple[Arithmetic, ...] = ()

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "phase": self.phase,
            "step": self.index, "kind": self.kind, "name": self.name, "args": dict(self.args),
            "stages": [s.as_dict() for s in self.stages], "changes": list(self.changes),
            "rules": [r.as_dict() for r in self.rules], "line": self.line, "cite": self.cite,
        } | ({"arithmetic": [a.as_dict() for a in self.arithmetic]} if self.arithmetic else {})


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
    relied_on_scope: "Scope | None" = None  # --explain: what the checks of the removals not listed searched
    relied_on_untried: tuple[str, ...] = ()  # --explain: rules not removed alone (the spec without one does not check)
    # --explain, a power property: the game its verdict was read on and why (govspec/power_properties.py)
    explanation: tuple[str, ...] | None = None
    searched: int | None = None  # the deepest complete search (steps), when the search went deeper than the scope
    how: str | None = None  # PROVED: how (e.g. "inductive invariant, re-checked"); others: None
    invariant: str | None = None  # the inductive invariant of a proof, in GovSpec terms where it can be shown
    # groups of variable size: the size of each group in the organisation its trace (counterexample or
    # witness) happens in; None when it has no trace or the spec's sizes are fixed
    sizes: tuple[tuple[str, int], ...] | None = None
    # the property as written (its formula, without name and citation) and in plain words (issue 16.1)
    statement: str | None = None
    words: str | None = None
    # a REFUTED "can force": the others' answer at the first vote, as a one-step trace whose vote
    # does not pass (govspec/explicit/response.py; the HTML report draws it; not in the JSON report)
    response: tuple[TraceStep, ...] = field(default=(), compare=False)

    @property
    def why(self) -> str:
        """The reason for its status, whatever the status: why a bounded result is not a proof, why an
        UNKNOWN was not decided; for PROVED and REFUTED the summary, which says what was shown and how."""
        return self.reason or self.summary

    @property
    def word(self) -> str:
        """The verdict as printed: PROVED, REFUTED, UNKNOWN or what a bounded search covered."""
        return verdict_word(self.status, self.kind, self.scope, self.witnessed)

    @property
    def witnessed(self) -> bool:
        """A ``possible`` with a witness at some sizes only (bounded to them): ``HOLDS FOR d OF 5 ONLY``."""
        return self.kind == "possible" and self.status == BOUNDED and self.how == WITNESSED

    def as_dict(self) -> dict:
        out = {
            "name": self.name, "kind": self.kind, "line": self.line, "path": self.path, "status": self.status,
            "verdict": self.word, "scope": self.scope.as_dict(), "searched": self.searched, "how": self.how,
            "seconds": round(self.seconds, 3), "summary": self.summary,
            "trace": [s.as_dict() for s in self.trace],
            "coalition": list(self.coalition) if self.coalition is not None else None,
            "reason": self.reason, "vacuous": self.vacuous, "cite": self.cite,
            "why": self.why, "sizes": dict(self.sizes) if self.sizes is not None else None,
            "statement": self.statement, "words": self.words,
        }
        if self.relied_on is not None:  # --explain
            out["invariant"] = self.invariant
            out["relied_on"] = [r.as_dict() for r in self.relied_on]
            out["relied_on_undecided"] = self.relied_on_undecided
            out["relied_on_scope"] = self.relied_on_scope.as_dict() if self.relied_on_scope is not None else None
            out["relied_on_untried"] = list(self.relied_on_untried)
        if self.explanation is not None:  # --explain, a power property
            out["explanation"] = list(self.explanation)
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
class ReviewDiff:
    """A review's ```govspec-diff block, done: ``govspec diff OLD NEW`` (:mod:`govspec.diff`) as data
    (``data``: its JSON, schema ``govspec-diff/1``), as text and as Markdown, rendered by the diff's
    own renderers; ``exit_code`` is that of ``govspec diff`` (1 a property lost, 4 undecided, 0 none).
    ``line``, ``last``: the block's fence lines in the review."""

    line: int
    last: int
    old: str
    new: str
    exit_code: int
    data: dict = field(compare=False)
    text: str = field(compare=False, repr=False)
    markdown: str = field(compare=False, repr=False)
    inputs: tuple[tuple[str, str], ...] = ()  # (path, sha256) of each file the block read: both specs, their imports
    # (property, "error" or "warning", message): each property lost, undecided or no longer applying, in
    # the text's words (:func:`govspec.diff.render.findings`), what SARIF and JUnit say of the block
    findings: tuple[tuple[str, str, str], ...] = field(default=(), compare=False)

    def as_dict(self) -> dict:
        return {"line": self.line, "old": self.old, "new": self.new, "exit_code": self.exit_code,
                "inputs": inputs_data(self.inputs), "diff": self.data}


@dataclass(frozen=True)
class ReviewPower:
    """A review's ```govspec-power block, done: ``govspec power SPEC`` as data (``data``: its JSON,
    schema ``govspec-power/2``) and as Markdown; ``exit_code`` is that of ``govspec power`` (4 some
    outcome bounded or not analysed, 0 every one exact).  ``line``, ``last``: the block's fence lines."""

    line: int
    last: int
    spec: str
    exit_code: int
    data: dict = field(compare=False)
    markdown: str = field(compare=False, repr=False)
    text: str = field(compare=False, repr=False, default="")
    inputs: tuple[tuple[str, str], ...] = ()  # (path, sha256) of each file the block read: the spec, its imports

    def as_dict(self) -> dict:
        return {"line": self.line, "spec": self.spec, "exit_code": self.exit_code, "inputs": inputs_data(self.inputs),
                "power": self.data}


def inputs_data(inputs) -> list[dict]:
    """The files a review block read, as the JSON report holds them (what verify-report compares)."""
    return [{"path": path, "sha256": digest} for path, digest in inputs]


@dataclass(frozen=True)
class FileReport:
    path: str
    properties: tuple[PropertyResult, ...] = ()
    sanity: tuple[SanityResult, ...] = ()
    errors: tuple = ()  # Diagnostic objects when the spec is invalid
    sha256: str | None = None  # of the file's bytes as checked; None when it could not be read
    imports: tuple[tuple[str, str], ...] = ()  # (path, sha256) of each imported file read, as checked
    warnings: tuple = ()  # Diagnostic objects of severity "warning" (look-alike names): the check goes on
    title: str | None = None  # the organisation's name (HTML page titles; not in the JSON report)
    diffs: tuple[ReviewDiff, ...] = ()  # a review's diff blocks, each done (govspec.diff.review)
    powers: tuple[ReviewPower, ...] = ()  # a review's power blocks, each done (govspec.power_review)

    def as_dict(self) -> dict:
        found = {
            "path": self.path,
            "sha256": self.sha256,
            "imports": [{"path": path, "sha256": digest} for path, digest in self.imports],
            "properties": [p.as_dict() for p in self.properties],
            "sanity": [s.as_dict() for s in self.sanity],
            "errors": [d.as_dict() for d in self.errors],
        }
        if self.warnings:  # (only when there are some)
            found["warnings"] = [d.as_dict() for d in self.warnings]
        if self.diffs:  # (only a review with diff blocks)
            found["diffs"] = [d.as_dict() for d in self.diffs]
        if self.powers:  # (only a review with power blocks)
            found["powers"] = [p.as_dict() for p in self.powers]
        return found


@dataclass(frozen=True)
class Report:
    files: tuple[FileReport, ...]
    options: dict = field(default_factory=dict)
    z3_version: str | None = None  # of the Z3 installed when the report was made (the proof stamp)
    limits: dict = field(default_factory=dict)  # the fixed search and solver limits behind the verdicts (the stamp)

    @property
    def accept_bounded(self) -> bool:
        """--accept-bounded: bounded results do not make the exit code 4 (the output says so)."""
        return bool(self.options.get("accept_bounded"))

    @property
    def bounded_count(self) -> int:
        return sum(p.status == BOUNDED for f in self.files for p in f.properties)

    @property
    def exit_code(self) -> int:
        """0 all proved, 1 something refuted, 2 a file cannot be read, 3 invalid spec, 4 inconclusive
        (a bounded or UNKNOWN result; bounded ones count as passing only with --accept-bounded).  A
        review's diff block counts as ``govspec diff`` does: 1 a property lost, 4 one undecided."""
        codes = {d.code for f in self.files for d in f.errors}
        if "GOV001" in codes:
            return 2
        if codes:
            return 3
        statuses = [p.status for f in self.files for p in f.properties]
        diffs = {d.exit_code for f in self.files for d in (*f.diffs, *f.powers)}  # (a power block's code: 0 or 4)
        if REFUTED in statuses or 1 in diffs:
            return 1
        if UNKNOWN in statuses or (BOUNDED in statuses and not self.accept_bounded) or 4 in diffs:
            return 4
        return 0

    def as_dict(self) -> dict:
        from . import __version__

        return {"schema": SCHEMA_ID, "govspec_version": __version__, "z3_version": self.z3_version,
                "limits": dict(self.limits), "options": dict(self.options), "files": [f.as_dict() for f in self.files]}

    # how a report shows itself in Jupyter: set by the layer above (govspec.api), so that report
    # objects never import their renderers
    html_fragment: ClassVar[Callable[[Report], str] | None] = None

    def _repr_html_(self) -> str | None:
        """Jupyter shows a report as its HTML page (summary table, scenarios, timelines)."""
        render = type(self).html_fragment
        return render(self) if render is not None else None
