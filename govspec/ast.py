"""The surface syntax tree: frozen dataclasses, a source span on every node.

Produced by :mod:`govspec.syntax` from the Lark parse tree; consumed by :mod:`govspec.check`,
which resolves names and types and builds the model.  Nodes carry an optional ``cite`` (the
bylaws clause a rule implements) that flows into messages, scenarios and reports.
"""

from __future__ import annotations

from fractions import Fraction

from .diagnostics import Span
from .records import dataclass


@dataclass(frozen=True, slots=True)
class Node:
    span: Span


# ---------------------------------------------------------------- expressions


@dataclass(frozen=True, slots=True)
class Number(Node):
    value: Fraction
    text: str | None = None  # as written ('4/100', '4%'), for reports (issue 16.5); None: implied


@dataclass(frozen=True, slots=True)
class Name(Node):
    name: str


@dataclass(frozen=True, slots=True)
class Dotted(Node):
    owner: str
    attribute: str
    owner_span: Span


@dataclass(frozen=True, slots=True)
class StepSet(Node):
    """yes, no, abstain, cast, present, notified, eligible, recused, members (of the deciding body)."""

    kind: str


@dataclass(frozen=True, slots=True)
class Seats(Node):
    """``seats`` of the deciding body."""


@dataclass(frozen=True, slots=True)
class AllPeople(Node):
    pass


@dataclass(frozen=True, slots=True)
class Now(Node):
    """``now``: the current day (day 0 is the start of every behaviour)."""


@dataclass(frozen=True, slots=True)
class Supply(Node):
    """``supply``: every token in existence (balances and the flash-loan pool)."""


@dataclass(frozen=True, slots=True)
class SetLiteral(Node):
    names: tuple[Name, ...]


@dataclass(frozen=True, slots=True)
class Call(Node):
    function: str  # "weight" | "size"
    argument: "Expr"


@dataclass(frozen=True, slots=True)
class BoolLit(Node):
    value: bool


@dataclass(frozen=True, slots=True)
class Binary(Node):
    """Arithmetic (+ - *), comparisons (>= ... !=), 'and', 'or', '->', 'in', 'not in'."""

    op: str
    left: "Expr"
    right: "Expr"


@dataclass(frozen=True, slots=True)
class FractionOf(Node):
    fraction: Fraction
    base: "Expr"
    text: str | None = None  # the fraction as written ('4/100', '20%'), for reports (issue 16.5)


@dataclass(frozen=True, slots=True)
class Majority(Node):
    """``majority of X``: more than half of X (the subject depends on the clause)."""

    base: "Expr"


@dataclass(frozen=True, slots=True)
class SetFilter(Node):
    """``S tagged T`` and ``S held for P`` (``operand`` None: everyone, as in ``tagged T`` alone)."""

    operand: "Expr | None"
    attribute: str  # "tag" | "principal"
    value: Name


@dataclass(frozen=True, slots=True)
class Not(Node):
    operand: "Expr"


@dataclass(frozen=True, slots=True)
class Vacancy(Node):
    """``X is vacant`` (vacant=True) or ``X is not vacant``."""

    operand: "Expr"
    vacant: bool


Expr = (
    Number | Name | Dotted | StepSet | Seats | AllPeople | Now | SetLiteral | Call | BoolLit | Binary
    | FractionOf | Majority | Not | Vacancy | SetFilter
)

# ---------------------------------------------------------------- declarations


@dataclass(frozen=True, slots=True, guarded=False)
class PersonDecl(Node):
    """``person NAME ...`` or ``group NAME of N ...``, or a row of a data file (``people from``).
    Frozen by convention, not guarded (:mod:`govspec.records`): 10,000 rows are 10,000 of them;
    nothing assigns a field after creation (tests/test_records.py reads the code for it)."""

    name: str
    tags: tuple[str, ...]
    weight: Fraction
    cite: str | None
    count: int | None = None  # set for anonymous groups ("group holders of 1000")
    principal: str | None = None  # "for acme": whom this person's seats and keys belong to
    variable: bool = False  # "group d of at least 5" / "of 5 to 20": the size is a parameter, ``count`` its least value
    upper: int | None = None  # its greatest value (None: no bound)
    weight_text: str | None = None  # the weight as written ('1.5', '4/100'), for reports (issue 16.5); None: implied


@dataclass(frozen=True, slots=True)
class PeopleFrom(Node):
    """``people from "PATH" [into BODY] [tags T, ...]``: one person per row of a CSV or JSON file,
    replaced by those people's declarations when imports are joined (:mod:`govspec.imports`)."""

    path: str
    path_span: Span
    into: Name | None
    tags: tuple[str, ...]
    cite: str | None
    after: int = 0  # the people (and groups) its block declares before it: where the loaded people stand


@dataclass(frozen=True, slots=True)
class BodyDecl(Node):
    name: str
    seats: int | None
    seats_span: Span | None
    # each member as written (a Name); a person loaded 'into' the body by the declaration the people
    # file made (a PersonDecl: the same name and span, without a Name per row of 10,000)
    members: tuple[Name | PersonDecl, ...]
    cite: str | None
    cap: int | None = None  # "at most K seats per principal"
    cap_span: Span | None = None


@dataclass(frozen=True, slots=True)
class OfficeDecl(Node):
    name: str
    holder: Name | None
    cite: str | None


@dataclass(frozen=True, slots=True)
class ParamDecl(Node):
    name: str
    value: Fraction
    cite: str | None
    text: str | None = None  # the value as written (issue 16.5)


@dataclass(frozen=True, slots=True)
class Formal(Node):
    name: str
    negated: bool  # "x not in board"
    domain: str  # body name or "people"; "number" for a range (low is set)
    domain_span: Span
    low: int | None = None  # "t in 1 to 4": a whole number from low to high
    high: int | None = None


@dataclass(frozen=True, slots=True)
class StageHeader(Node):
    kind: str  # decided | approved | vetoed
    body: str
    body_span: Span
    mode: str  # meeting | consent
    cite: str | None
    window: int | None = None  # "vetoed by ... within N days": a veto window after approval


@dataclass(frozen=True, slots=True)
class Clause(Node):
    """notice / quorum / passes / recuse / require / effect / timelock clause (``kind``)."""

    kind: str
    cite: str | None
    notice: str | None = None
    expr: Expr | None = None
    recused: str | None = None
    recused_span: Span | None = None
    recuse_from: tuple[str, ...] = ()
    effect: "Effect | None" = None
    days: int | None = None  # timelock, voting delay/period, notice period
    counting: str | None = None  # "counted at snapshot" / "counted live"
    recused_set: "Expr | None" = None  # "recuse tagged T from vote": a set instead of a parameter
    checked: str = "approval"  # require: when it is checked: approval | execution | approval and execution
    hours: int | None = None  # a notice period written in hours ("notice all 48 hours"; ``days`` rounds it up)
    callers: tuple = ()  # "called by chair or 2 members": ("office", NAME, span) and ("members", K, span)
    strict: bool = False  # "proposal threshold above A": the proposer's power must exceed A (issue 19.2)


@dataclass(frozen=True, slots=True)
class Effect(Node):
    kind: str  # assign | vacate | remove | add | transfer | mint | delegate
    target: str  # office / parameter name, or the person for remove/add, the sender/receiver for tokens
    target_span: Span
    body: str | None = None  # the body (remove/add) or the receiving person (transfer/delegate)
    body_span: Span | None = None
    value: Expr | None = None  # assigned value, or the amount of tokens (transfer/mint)
    # "effect if C then E else F" (kind "if"): the condition and the effects of each branch
    condition: Expr | None = None
    then: "Effect | None" = None
    otherwise: "Effect | None" = None


@dataclass(frozen=True, slots=True)
class ProcedureDecl(Node):
    name: str
    formals: tuple[Formal, ...]
    items: tuple[StageHeader | Clause, ...]
    cite: str | None
    is_event: bool


@dataclass(frozen=True, slots=True)
class CoalitionBound(Node):
    exactly: bool  # "of K" (exactly K, used by 'every') vs "of at most K"
    size: int
    within: tuple[Name, ...]  # "in board"
    tagged: tuple[Name, ...]
    excluding: tuple[Name, ...]
    principals: bool = False  # "of at most 2 principals": count principals, each with all its keys
    including: tuple[Name, ...] = ()  # "including a, b": in every coalition counted


@dataclass(frozen=True, slots=True)
class CoalitionSet(Node):
    names: tuple[Name, ...]
    tag: Name | None
    expr: "Expr | None" = None  # "coalition (SET) can ...": any set expression, read in the initial state


@dataclass(frozen=True, slots=True)
class PowerClaim(Node):
    """A power property (issue 17): ``X is [not] a dummy for P``, ``X is [not] a veto player for P``,
    or ``INDEX power of X over P CMP BOUND``; the outcome P is the property's body."""

    claim: str  # dummy | veto | index
    player: Name
    negated: bool = False
    index: Name | None = None  # banzhaf | shapley, as written
    op: str | None = None
    bound: Number | None = None
    tag: bool = False  # "tagged X": the player is the members of tag X, as one player


@dataclass(frozen=True, slots=True)
class PropertyDecl(Node):
    name: str
    kind: str  # always | never | possible | no_coalition | every_coalition | coalition_force | coalition_block
    # | every_coalition_block | no_coalition_block | each_force | each_block | power
    body: Expr
    cite: str | None
    bound: CoalitionBound | None = None
    coalition: CoalitionSet | None = None
    each: Expr | None = None  # "each of S can ...": the set S
    power: PowerClaim | None = None  # kind "power": what is claimed of whom


@dataclass(frozen=True, slots=True)
class Organization(Node):
    title: str
    cite: str | None
    people: tuple[PersonDecl, ...]
    bodies: tuple[BodyDecl, ...]
    offices: tuple[OfficeDecl, ...]
    params: tuple[ParamDecl, ...]
    procedures: tuple[ProcedureDecl, ...]
    flash: tuple["FlashDecl", ...] = ()
    loads: tuple[PeopleFrom, ...] = ()  # "people from": none left once imports are joined
    amends: tuple["Amend", ...] = ()  # "amend P { ... }": none left once imports are joined
    amended: tuple["Amended", ...] = ()  # what the amend blocks changed, set when imports are joined


@dataclass(frozen=True, slots=True)
class DropEffect(Node):
    """``no effect NAME`` in an ``amend`` block: the imported procedure's effects on NAME are dropped."""

    target: str
    target_span: Span
    cite: str | None
    kind: str = "drop"


@dataclass(frozen=True, slots=True)
class Amend(Node):
    """``amend NAME { clauses }``: clauses of an imported procedure replaced, added or dropped, in
    place (:mod:`govspec.amendments`); the procedure keeps every other clause as imported."""

    name: str
    name_span: Span
    items: tuple[StageHeader | Clause | DropEffect, ...]
    cite: str | None


@dataclass(frozen=True, slots=True)
class Amended(Node):
    """One change an ``amend`` block made (``span``: the amending clause's): ``change`` is
    "replaces" (``replaced``: the imported clause), "adds to" (``replaced``: the procedure) or
    "removes" (``replaced``: the dropped clause); ``stage``: the stage line a stage clause belongs to."""

    procedure: str
    kind: str  # the clause kind (Clause.kind), "stage" or "drop"
    change: str
    replaced: Span
    stage: Span | None = None
    cite: str | None = None  # the amending clause's citation


@dataclass(frozen=True, slots=True)
class FlashDecl(Node):
    """``flash loan N``: a pool lending N tokens for one step (one per organisation)."""

    amount: Fraction
    cite: str | None
    name: str = "flash loan"
    text: str | None = None  # the amount as written, for reports (issue 16.5)


@dataclass(frozen=True, slots=True)
class Import(Node):
    library: str | None  # "import delaware_board"
    path: str | None  # 'import "rules/common.gov"'
    cite: str | None


@dataclass(frozen=True, slots=True)
class SpecFile(Node):
    organizations: tuple[Organization, ...]
    properties: tuple[PropertyDecl, ...]
    imports: tuple[Import, ...] = ()
    rules: tuple[Organization, ...] = ()  # "rules" blocks: fragments joined to the importing organisation


@dataclass(frozen=True, slots=True)
class ProcedureSet(Node):
    """``{p, q}.executed``: the steps of any of these procedures in one phase, the subject of a step
    rule (a plain ``{p, q}`` there is a SetLiteral naming procedures)."""

    names: tuple[Name, ...]
    attribute: str
    attribute_span: Span
