"""The checked, Z3-free model of an organisation and its properties.

Assumes nothing about where it came from; :mod:`govspec.check` is the only producer.  Guarantees:
every name is resolved, every expression is typed (numbers, truth values, people, sets of people),
and the meaning of each construct is fixed here and in :mod:`govspec.semantics` (the reference
interpreter).  The Z3 encoder in :mod:`verifier` reads the same objects.

Where a rule's meaning lives (one place each):
- who may vote, who counts as present, recusal: :func:`govspec.semantics.meetings.stage_sets`
- quorum and threshold: the ``quorum`` and ``passes`` expressions of :class:`Stage`, evaluated by
  :func:`govspec.semantics.evaluate.eval_bool` on the sets of that stage.
"""

from __future__ import annotations

from dataclasses import field
from fractions import Fraction
from itertools import compress
from operator import attrgetter, ne

from .diagnostics import Span
from .groups import Items, Names, chunks, member_of
from .records import dataclass

# ------------------------------------------------------------------ expressions (typed IR)

# Step sets of one stage: who was notified, present (counted for quorum), voted yes/no/abstain,
# cast a vote (yes or no), is eligible to vote, is recused.
TOKEN_EFFECTS = ("transfer", "mint", "delegate")
STEP_SETS = ("notified", "present", "yes", "no", "abstain", "cast", "eligible", "recused")


@dataclass(frozen=True, slots=True)
class Num:
    value: Fraction
    written: str | None = field(default=None, compare=False)  # as written ('4/100', '20%'), for reports (issue 16.5)


@dataclass(frozen=True, slots=True)
class ParamRef:
    name: str


@dataclass(frozen=True, slots=True)
class Seats:
    body: str


@dataclass(frozen=True, slots=True)
class Count:
    """Size of a set, or its total weight when ``weighted``."""

    set: "SetExpr"
    weighted: bool = False


@dataclass(frozen=True, slots=True)
class Now:
    """The current day."""


@dataclass(frozen=True, slots=True)
class ApprovedAt:
    """The day a timed procedure's pending decision was approved (in its execution step)."""

    procedure: str


@dataclass(frozen=True, slots=True)
class ProposedAt:
    """The day of the procedure's latest proposal (-1 before any)."""

    procedure: str


@dataclass(frozen=True, slots=True)
class Tally:
    """A number kept with a timed procedure's waiting decision: its vote's tally (issue 13.6).
    ``field`` is one of :data:`TALLIES`; it reads :func:`tally_count` as counted in the vote."""

    procedure: str
    field: str


@dataclass(frozen=True, slots=True)
class Supply:
    """Every token in existence: the people's balances and the flash-loan pool."""


@dataclass(frozen=True, slots=True)
class Arith:
    op: str  # + - *
    left: "NumExpr"
    right: "NumExpr"


@dataclass(frozen=True, slots=True)
class NumArg:
    """A whole-number argument of the procedure the expression sits in ("t in 1 to 4")."""

    name: str


NumExpr = Num | ParamRef | Seats | Count | Arith | Now | ApprovedAt | Supply | ProposedAt | NumArg | Tally


@dataclass(frozen=True, slots=True)
class StepSet:
    kind: str  # one of STEP_SETS
    stage: int  # index into the procedure's stages


@dataclass(frozen=True, slots=True)
class Members:
    body: str


@dataclass(frozen=True, slots=True)
class Everyone:
    pass


@dataclass(frozen=True, slots=True)
class SetOf:
    people: tuple["PersonExpr", ...]


# ---- set algebra (issue 13)
SET_OPS = {"union": "union", "except": "difference", "intersect": "intersection"}  # operator -> its name


@dataclass(frozen=True, slots=True)
class SetOp:
    """``A union B``, ``A except B`` (difference), ``A intersect B`` of two sets."""

    op: str  # one of SET_OPS
    left: "SetExpr"
    right: "SetExpr"


@dataclass(frozen=True, slots=True)
class Having:
    """The people of ``set`` with a tag (``attribute`` "tag") or held for a principal ("principal").
    Tags and principals never change, so this filters by what a person is declared with."""

    set: "SetExpr"
    attribute: str  # "tag" | "principal"
    value: str

    def admits(self, person: "Person") -> bool:
        return self.value in person.tags if self.attribute == "tag" else person.principal == self.value


SetExpr = StepSet | Members | Everyone | SetOf | SetOp | Having


@dataclass(frozen=True, slots=True)
class PersonConst:
    name: str


@dataclass(frozen=True, slots=True)
class Holder:
    office: str


@dataclass(frozen=True, slots=True)
class Arg:
    name: str  # a formal parameter of the procedure the expression sits in


PersonExpr = PersonConst | Holder | Arg


@dataclass(frozen=True, slots=True)
class BoolConst:
    value: bool


@dataclass(frozen=True, slots=True)
class Compare:
    op: str  # >= > <= < == !=
    left: NumExpr
    right: NumExpr


@dataclass(frozen=True, slots=True)
class SetCompare:
    op: str  # == !=  (set equality)
    left: SetExpr
    right: SetExpr


@dataclass(frozen=True, slots=True)
class SameHolder:
    op: str  # == != ; either side may be a vacant office, which equals nothing
    left: PersonExpr
    right: PersonExpr


@dataclass(frozen=True, slots=True)
class InSet:
    person: PersonExpr
    set: SetExpr


@dataclass(frozen=True, slots=True)
class Vacant:
    office: str


@dataclass(frozen=True, slots=True)
class And:
    items: tuple["BoolExpr", ...]


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple["BoolExpr", ...]


@dataclass(frozen=True, slots=True)
class NotE:
    item: "BoolExpr"


@dataclass(frozen=True, slots=True)
class Passed:
    """True in a step where the named procedure (or event) passed.

    ``phase``: "pass" (the vote; for a timed procedure, its approval), "execute" (a timed
    procedure's effects take place), "veto" (its veto window was used)."""

    procedure: str
    phase: str = "pass"


BoolExpr = BoolConst | Compare | SetCompare | SameHolder | InSet | Vacant | And | Or | NotE | Passed


def implies(a: BoolExpr, b: BoolExpr) -> BoolExpr:
    return Or((NotE(a), b))


def walk(e):
    """An expression and every expression inside it (the one traversal every analysis uses)."""
    if e is None:
        return
    yield e
    for slot in getattr(e, "__slots__", ()):
        value = getattr(e, slot)
        for item in (value if isinstance(value, tuple) else (value,)):
            if hasattr(item, "__slots__"):
                yield from walk(item)


# ------------------------------------------------------------------ organisation


@dataclass(frozen=True, slots=True, guarded=False)
class Person:
    """One person of the organisation.  Frozen by convention, not guarded (``guarded=False``,
    :mod:`govspec.records`): a guarded class sets each field through its slot's setter, several
    times slower than a plain assignment, and a group of 10,000 members is 10,000 of them (issue
    14; ``bench/groups.py``).  Nothing assigns a field after creation (the model caches what it
    computes from its people; a test in tests/test_records.py reads the code for such an
    assignment); equal and hashed by value."""

    name: str
    tags: frozenset[str]
    weight: Fraction
    span: Span
    group: str | None = None  # the anonymous group this member was counted in
    principal: str = ""  # whom their seats and keys belong to ("for acme"); their own name by default
    written: str | None = None  # the weight as the spec (or its data file) wrote it ('1.5', '4/100'), for reports


class GroupPeople(Items):
    """A group's members as :class:`Person` records, each made when it is read: a group of 10,000
    is one of these, not 10,000 records (issue 14; :mod:`govspec.groups`).  Each member shares the
    group's tags, weight, span and principal (their own name when the group has none)."""

    __slots__ = ("names", "tags", "weight", "span", "principal", "written")

    def __init__(self, names: Names, tags: frozenset[str], weight: Fraction, span: Span, principal: str | None,
                 written: str | None):
        self.names, self.tags, self.weight, self.span, self.principal, self.written = (
            names, tags, weight, span, principal, written)

    def __reduce__(self):
        return GroupPeople, tuple(getattr(self, k) for k in self.__slots__)

    def __len__(self) -> int:
        return self.names.size

    def _made(self, name: str) -> Person:
        return Person(name, self.tags, self.weight, self.span, self.names.group, self.principal or name, self.written)

    def _at(self, i: int) -> Person:
        return self._made(self.names._at(i))

    def __iter__(self):
        return map(self._made, self.names)

    def __contains__(self, p) -> bool:
        return isinstance(p, Person) and p.name in self.names and p == self._made(p.name)

    def named(self, name: str) -> Person | None:
        """The member of this name, or None."""
        return self._made(name) if name in self.names else None

    def key(self) -> tuple:
        return ("members", self.names.key(), self.tags, self.weight, self.span, self.principal, self.written)


@dataclass(frozen=True, slots=True)
class Body:
    name: str
    seats: int | None
    members: tuple[str, ...]  # members in office at the start (a Chain when a group is among them: govspec.groups)
    span: Span
    cite: str | None
    cap: int | None = None  # at most this many seats held for one principal


@dataclass(frozen=True, slots=True)
class Office:
    name: str
    holder: str | None
    span: Span
    cite: str | None


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    initial: Fraction
    values: tuple[Fraction, ...]  # every value the parameter can take (initial and effect constants)
    span: Span
    cite: str | None
    written: str | None = None  # the initial value as the spec wrote it ('4/100'), for reports


@dataclass(frozen=True, slots=True)
class Formal:
    name: str
    domain: str  # a body name, or "people"; "number" for a whole number from low to high (low is set)
    negated: bool  # "x not in board"
    span: Span
    low: int | None = None
    high: int | None = None

    @property
    def numeric(self) -> bool:
        return self.low is not None


@dataclass(frozen=True, slots=True)
class Rule:
    """A boolean rule with where it came from (for scenarios and proofs)."""

    expr: BoolExpr
    text: str
    span: Span
    cite: str | None


@dataclass(frozen=True, slots=True)
class Stage:
    kind: str  # decided | approved | vetoed
    body: str
    mode: str  # meeting | consent
    notice: str  # all | none   (consent: all members receive the consent form)
    quorum: Rule | None
    passes: Rule
    span: Span
    cite: str | None
    window: int | None = None  # a veto window (days after approval): the stage is its own step
    waiver: "Rule | None" = None  # "attendance waives notice": a member not notified who attends waives it
    notice_days: int | None = None  # a notice period ("notice all 2 days", "notice all 48 hours": 2)
    chair: str | None = None  # "chaired by OFFICE": its holder chairs the meeting
    casting: "Rule | None" = None  # "casting vote": on a tie the chair's side carries (already in ``passes.expr``)
    # "notice may be waived in writing" (DGCL 229, MBCA 8.23(a)): a member not notified may sign a waiver
    written_waiver: "Rule | None" = None

    @property
    def waivable(self) -> bool:
        """May the caller leave members out of the notice, some waiving it (by attendance or in writing)?"""
        return self.waiver is not None or self.written_waiver is not None


@dataclass(frozen=True, slots=True)
class Recusal:
    formal: str  # the parameter recused; for a recusal by a set, the set as written
    from_vote: bool
    from_quorum: bool
    span: Span
    cite: str | None
    people: frozenset[str] | None = None  # a recusal by a set (issue 13): these people, fixed by the declarations


@dataclass(frozen=True, slots=True)
class Effect:
    kind: str  # vacate | fill | set | remove | add | transfer | mint | delegate
    target: str  # office or parameter (vacate/fill/set), body (remove/add), "" for token effects
    person: PersonExpr | None  # the person removed/added/appointed; the sender (transfer), receiver (mint), delegator
    value: Fraction | None
    text: str
    span: Span
    cite: str | None
    other: PersonExpr | None = None  # the receiver (transfer) or the delegate (delegate)
    amount: "Num | ParamRef | None" = None  # tokens moved or minted
    # numbers in procedures (issue 13.4): a "set" effect's new value (``value`` is it when constant),
    # and the condition, on the state before the step, under which the effect applies (None: always)
    expr: "NumExpr | None" = None
    when: "BoolExpr | None" = None
    written: str | None = None  # a constant "set" value as the spec wrote it ('5/100'), for reports


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """A proposal step before the vote: who may propose, how long until and during the vote, how votes count.

    The proposal is made by a member of the first stage's body whose voting power reaches
    ``threshold`` (exceeds it, with ``threshold_strict``); the vote may take place from ``delay`` days after the proposal until ``delay +
    period`` days (exclusive; no end without a period); with ``snapshot`` every weight in the vote's
    rules is the voting power at the proposal step, otherwise the power at the vote (live), where
    a flash loan counts.  A proposal whose proposer has fallen below the threshold may be cancelled.
    """

    delay: int
    period: int | None
    threshold: "Num | ParamRef | None"
    snapshot: bool
    rule: Rule  # where the lifecycle is written (for scenarios)
    # a meeting may be held on short notice, before ``delay`` days, if nobody had due notice and every member
    # attends: its delay is its notice periods' alone, each waived by attendance (docs/semantics.md)
    waivable: bool = False
    # "proposal threshold above A" (Compound Bravo's propose: votes > proposalThreshold); a proposal may
    # still be cancelled only while its proposer is below A (Bravo's cancel: votes < proposalThreshold)
    threshold_strict: bool = False
    # "counted at snapshot N days after the proposal" (issue 19.2): the snapshot is the voting power as
    # it stood when the day became ``proposed + snapshot_days`` (0: at the proposal step); it follows the
    # live power at each time-passes step before that day and is fixed from then on (docs/semantics.md)
    snapshot_days: int = 0


@dataclass(frozen=True, slots=True)
class Calling:
    """Who may call a procedure's meeting ("called by chair or 2 members"): the holder of one of
    ``offices``, or any ``members`` members of the deciding body together (None: not that way)."""

    offices: tuple[str, ...]
    members: int | None
    rule: Rule


@dataclass(frozen=True, slots=True)
class Procedure:
    name: str
    formals: tuple[Formal, ...]
    stages: tuple[Stage, ...]
    recusals: tuple[Recusal, ...]
    guards: tuple[Rule, ...]
    effects: tuple[Effect, ...]
    span: Span
    cite: str | None
    is_event: bool
    timelock: int = 0  # days between approval and effect
    window_stage: Stage | None = None  # "vetoed by ... within N days"
    timelock_rule: "Rule | None" = None  # where the timelock is written (for scenarios)
    lifecycle: Lifecycle | None = None  # proposed first, then voted on (see Lifecycle)
    grace: int | None = None  # an approved decision expires unless it takes effect before delay + grace days
    # 'at execution require C' (and '... at approval and execution', whose Rule is in guards too):
    # checked when a timed decision takes effect, on the state then; if one fails it cannot take
    # effect now and keeps waiting (docs/semantics.md section 10 "Requirements at execution")
    execution_guards: tuple[Rule, ...] = ()
    calling: "Calling | None" = None  # who may call its meeting (None: any member, as before)
    # 'at most K live proposals' (issue 13.6): up to K proposals open for the vote at once, each with its
    # own snapshot, and up to K approved decisions waiting, each with its own approval day and timelock
    live: int = 1

    @property
    def kind_word(self) -> str:
        return "event" if self.is_event else "procedure"

    @property
    def timed(self) -> bool:
        """Approval and effect are separate steps (a timelock or a veto window lies between)."""
        return self.timelock > 0 or self.window_stage is not None

    def rules(self):
        """Its guards (those checked at execution only after the others), then the passing rule and
        quorum of each stage, the veto window's last."""
        yield from self.requirements()
        for st in [*self.stages, *([self.window_stage] if self.window_stage else [])]:
            yield st.passes
            if st.quorum is not None:
                yield st.quorum

    def requirements(self):
        """Each ``require`` once: those checked at approval, then those checked at execution only."""
        yield from self.guards
        yield from (g for g in self.execution_guards if not any(g is x for x in self.guards))

    def expires_on(self, approved: int) -> int | None:
        """The first day on which a decision approved on ``approved`` can no longer take effect."""
        return None if self.grace is None else approved + self.delay + self.grace

    def waiting(self, state_pending, now: int) -> bool:
        """Does a decision of this procedure wait (approved, not yet in effect, not expired)?"""
        if state_pending is None:
            return False
        closes = self.expires_on(state_pending[1])
        return closes is None or now < closes

    @property
    def delay(self) -> int:
        """Days from approval until the effects may take place."""
        return max(self.timelock, self.window_stage.window if self.window_stage else 0)


# ------------------------------------------------------------------ properties


@dataclass(frozen=True, slots=True)
class CoalitionSpec:
    """Who may be in a coalition: candidates, and a size bound (at most / exactly)."""

    candidates: tuple[str, ...]  # people the coalition is drawn from
    size: int | None  # None: the coalition is exactly ``candidates``
    exactly: bool = False
    principals: bool = False  # ``size`` counts principals; a coalition holds all their candidate keys
    including: tuple[str, ...] = ()  # in every coalition (among ``candidates``; counted in ``size``)

    def describe(self) -> str:
        if self.size is None:
            return "{" + ", ".join(self.candidates) + "}"
        word = "exactly" if self.exactly else "at most"
        unit = " principal" + ("s" if self.size != 1 else "") if self.principals else ""
        including = f" including {{{', '.join(self.including)}}}" if self.including else ""
        return f"{word} {self.size}{unit} of {_listed(self.candidates)}{including}"


LISTED = 20  # a set of more candidates is named by its first few and how many more (10,000 holders)


def _listed(names: tuple[str, ...]) -> str:
    if len(names) <= LISTED:
        return "{" + ", ".join(names) + "}"
    return "{" + ", ".join(names[:5]) + f" and {len(names) - 5:,} more}} ({len(names):,} people)"


@dataclass(frozen=True, slots=True)
class Goal:
    """What a coalition tries to bring about: a procedure passing, or a state."""

    procedure: str | None
    state: BoolExpr | None
    text: str
    phase: str = "pass"  # for a timed procedure: "pass" (approved) or "execute" (took effect)


POWER_INDICES = {"banzhaf": "normalised", "shapley": "shapley"}  # as written -> the power analysis's key


@dataclass(frozen=True, slots=True)
class PowerClaim:
    """A power property's claim about one person (issue 17), decided by the power analysis of the
    goal's outcome: a dummy (no swing), a veto player (in every winning coalition), or a share of
    power (normalised Banzhaf or Shapley-Shubik) compared with ``bound``."""

    claim: str  # dummy | veto | index
    player: str
    negated: bool = False
    index: str | None = None  # banzhaf | shapley
    op: str | None = None  # < <= >= >
    bound: "Fraction | None" = None
    bound_text: str | None = None  # as written ("20%")
    by: str = "person"  # "principal": ``player`` is a principal, its keys one player (``govspec power --by``);
    # "tag": ``player`` is a tag, its members one player (a bloc, named :attr:`who`)

    @property
    def who(self) -> str:
        """The player as written and as the analysis names it: ``tagged founders`` for a tag."""
        return f"tagged {self.player}" if self.by == "tag" else self.player

    def describe(self, outcome: str, holds: bool = True) -> str:
        """The claim as written (``holds``), or its denial."""
        if self.claim == "index":
            denied = "" if holds else "is not "
            return f"{self.index} power of {self.who} over {outcome} {denied}{self.op} {self.bound_text}"
        what = "a dummy" if self.claim == "dummy" else "a veto player"
        return f"{self.who} is {'not ' if self.negated == holds else ''}{what} for {outcome}"


@dataclass(frozen=True, slots=True)
class Property:
    name: str
    kind: str  # invariant | step | no_coalition | every_coalition | coalition_force | coalition_block
    # | every_coalition_block ("every coalition of K ... can block", "each of S can block")
    # | no_coalition_block ("no coalition of at most K ... can block") | power (a PowerClaim)
    span: Span
    cite: str | None
    text: str
    state: BoolExpr | None = None  # invariant: must hold in every reachable state
    procedure: str | None = None  # step: whenever this procedure passes ...
    step: BoolExpr | None = None  # ... this holds of the step
    phase: str = "pass"  # ... in this phase (see Passed)
    coalition: CoalitionSpec | None = None
    goal: Goal | None = None
    # "possible X": searched as "never X" (an invariant or step property, as above), the verdict
    # flipped (govspec.verdicts.properties.possible): a violation found is a witness that X is reached
    possible: bool = False
    # a step rule over a set of procedures ("always ({p, q}.executed -> C)"): the other procedures,
    # each with its phase and C as read in its own step; ``subject`` is the set as written
    also: tuple[tuple[str, str, "BoolExpr"], ...] = ()
    subject: str = ""
    power: PowerClaim | None = None  # kind "power" (issue 17): decided by the power analysis of ``goal``

    @property
    def cases(self) -> tuple[tuple[str, str, "BoolExpr"], ...]:
        """A step rule's (procedure, phase, condition) triples: a step of the procedure in the phase
        violates the rule when the condition fails of it (one triple unless over a set)."""
        if self.kind != "step":
            return ()
        return ((self.procedure, self.phase, self.step), *self.also)

    @property
    def label(self) -> str:
        """The steps a step rule speaks of, as the user wrote them: 'P', 'P.executed', '{p, q}'."""
        return self.subject or self.procedure + {"pass": "", "execute": ".executed", "veto": ".vetoed"}[self.phase]


# The numbers a timed procedure's decision keeps from its vote (issue 13.6): read as P.yes, ...
TALLIES = ("yes", "no", "present", "weight_yes", "weight_no", "total_weight")


def tally_count(field: str) -> "NumExpr":
    """What a kept number counted in the vote, as an expression of the vote's step (its ``decided by``
    stage, stage 0): evaluated in the approval step's environment by every engine."""
    if field == "total_weight":
        return Count(Everyone(), True)
    kind = field.removeprefix("weight_")
    return Count(StepSet(kind, 0), field.startswith("weight_"))


@dataclass(frozen=True)
class Amendment:
    """A clause an ``amend`` block changed in an imported procedure (:mod:`govspec.amendments`):
    ``change`` is "replaces", "adds to" (``replaced``: the procedure's line) or "removes";
    ``text`` the amending clause as written; ``stage``: the stage line a notice belongs to."""

    procedure: str
    kind: str
    change: str
    replaced: Span
    text: str
    cite: str | None
    span: Span
    stage: Span | None = None


@dataclass(frozen=True)
class Model:
    path: str
    title: str
    people: tuple[Person, ...]  # or a Chain of tuples and groups' GroupPeople (govspec.groups): a sequence
    bodies: dict[str, Body]
    offices: dict[str, Office]
    params: dict[str, Parameter]
    procedures: dict[str, Procedure]
    properties: tuple[Property, ...]
    source: str = field(repr=False, default="")
    flash_loan: Fraction = Fraction(0)  # tokens a flash loan lends for one step (0: no pool)
    # groups of variable size -> (least size, greatest or None); the model is the instance at the least
    sizes: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    # the text of each imported file by its real path, as read when the spec was loaded: an instance
    # of the spec at other sizes joins these, never the files as they are by then (govspec.load)
    imported: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    warnings: tuple = ()  # Diagnostic objects of severity "warning" (look-alike names): shown, the check goes on
    # the clauses "amend" blocks changed in imported procedures, by the amending clause's span (reports mark them)
    amendments: dict[Span, "Amendment"] = field(default_factory=dict, compare=False)
    flash_written: str | None = None  # the flash loan's amount as written, for reports (issue 16.5)
    # changes made to the model after it was built, as functions of a model to a model (--explain
    # removes a rule: govspec.reliance): an instance of the spec at other sizes has them made again
    edits: tuple = field(default=(), repr=False, compare=False)

    @property
    def timed(self) -> bool:
        """Does time matter (some procedure has a timelock, a veto window or a proposal lifecycle)?"""
        return any(p.timed or p.lifecycle is not None for p in self.procedures.values())

    @property
    def tokens(self) -> bool:
        """Do weights move (token effects, a flash loan, snapshots)?  Otherwise each person's
        voting power is their declared weight in every state."""
        return self.flash_loan > 0 or any(
            e.kind in TOKEN_EFFECTS for p in self.procedures.values() for e in p.effects
        ) or any(p.lifecycle is not None and p.lifecycle.snapshot for p in self.procedures.values())

    def person(self, name: str) -> Person:
        """The person of this name (KeyError: none); a group's member is made, not looked up."""
        idx = self.__dict__.get("_pidx")
        if idx is None:
            idx = self.__dict__.get("_named_idx")
            if idx is None:  # (the people declared by name; a group's members are found by their name)
                idx = {p.name: p for c in chunks(self.people) if not isinstance(c, GroupPeople) for p in c}
                object.__setattr__(self, "_named_idx", idx)
        found = idx.get(name)
        if found is None:
            found = next(filter(None, (c.named(name) for c in chunks(self.people) if isinstance(c, GroupPeople))), None)
            if found is None:
                raise KeyError(name)
        return found

    def arg_bound(self, name: str) -> int:
        """The largest value a whole-number argument of this name can take (in any procedure)."""
        return max(f.high for p in self.procedures.values() for f in p.formals if f.numeric and f.name == name)

    def people_by_name(self) -> dict[str, Person]:
        """Every person by name (made once per model; not to be changed)."""
        idx = self.__dict__.get("_pidx")
        if idx is None:
            idx = dict(zip(map(attrgetter("name"), self.people), self.people))
            object.__setattr__(self, "_pidx", idx)
        return idx

    def rules(self):
        """Every rule of every procedure (:meth:`Procedure.rules`)."""
        for proc in self.procedures.values():
            yield from proc.rules()

    def expressions(self):
        """Every expression of the spec, with the procedure it belongs to (None for a property's):
        the rules, the effects' people and amounts, proposal thresholds, and the properties."""
        for proc in self.procedures.values():
            for rule in proc.rules():
                yield proc, rule.expr
            for eff in proc.effects:
                for e in (eff.person, eff.other, eff.amount, eff.expr, eff.when):
                    if e is not None:
                        yield proc, e
            if proc.lifecycle is not None and proc.lifecycle.threshold is not None:
                yield proc, proc.lifecycle.threshold
        for prop in self.properties:
            for e in (prop.state, prop.step, prop.goal.state if prop.goal else None, *(c[2] for c in prop.also)):
                if e is not None:
                    yield None, e

    def kept_tallies(self) -> frozenset[str]:
        """The timed procedures whose decisions keep their vote's tally: those of which some
        expression reads ``P.yes``, ``P.weight_yes``, ... (:class:`Tally`)."""
        cached = self.__dict__.get("_kept")
        if cached is None:
            cached = frozenset(x.procedure for _, e in self.expressions() for x in walk(e) if isinstance(x, Tally))
            object.__setattr__(self, "_kept", cached)
        return cached

    def several_live(self) -> str | None:
        """Why some questions are refused for this model: a procedure may have several live proposals
        ('at most K live proposals' with K > 1, issue 13.6), with which coalition questions, the counted
        encoding and the explicit engine's proofs by exhaustion are not argued; None when none may.
        Each refusal says which of these it is."""
        names = [p.name for p in self.procedures.values() if p.live > 1]
        if not names:
            return None
        return f"'{names[0]}' may have several live proposals (at most {self.procedures[names[0]].live})"

    def filters(self) -> frozenset[str]:
        """What of a person the rules read besides bodies and weight: "tag" and "principal" when some
        expression filters by them (``S tagged T``, ``S held for P``); members alike in everything
        else are then told apart by these too."""
        cached = self.__dict__.get("_filters")
        if cached is None:
            cached = frozenset(x.attribute for _, e in self.expressions() for x in walk(e) if isinstance(x, Having))
            object.__setattr__(self, "_filters", cached)
        return cached

    def set_recusals_of(self, person: str) -> tuple[int, ...]:
        """The recusals by a set (numbered in the order of the procedures and their clauses) that
        recuse ``person``: people alike in everything else but this are told apart by it (the
        symmetry keys; a step's classes read it from the stage's recused sets)."""
        cached = self.__dict__.get("_set_recusals")
        if cached is None:
            sets = [r.people for proc in self.procedures.values() for r in proc.recusals if r.people is not None]
            cached = {}
            for i, people in enumerate(sets):
                for n in people:
                    cached[n] = cached.get(n, ()) + (i,)
            object.__setattr__(self, "_set_recusals", cached)
        return cached.get(person, ())

    def named_in_rules(self) -> frozenset[str]:
        """The people the spec tells apart by name, so that they are never interchangeable with
        anyone: an office's first holder, anyone an expression names (:meth:`expressions`), and
        every principal who holds someone else's keys.  The one place this is decided: the counted
        encoding, coalitions up to symmetry and the reference semantics' responses up to symmetry
        all start from it."""
        cached = self.__dict__.get("_named")
        if cached is None:
            names: set[str] = {o.holder for o in self.offices.values() if o.holder}
            # (the people of a recusal by a set are not named: whom it recuses is a key of its own,
            # :meth:`set_recusals_of`, so that a class recused whole stays one class)
            for c in chunks(self.people):
                if isinstance(c, GroupPeople):  # (a group's members: one principal of another, or each their own)
                    if c.principal:
                        names.add(c.principal)
                    continue
                principals = list(map(attrgetter("principal"), c))
                names.update(compress(principals, map(ne, principals, map(attrgetter("name"), c))))
            for _, e in self.expressions():
                names |= {x.name for x in walk(e) if isinstance(x, PersonConst)}
            cached = frozenset(names)
            object.__setattr__(self, "_named", cached)
        return cached
