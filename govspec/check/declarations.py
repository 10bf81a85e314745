"""The organisation's declarations: people, groups, bodies, offices, parameters, procedures, flash loans.

Assumes: one ``organization`` block of a parsed AST with its imports joined in, and a fresh
:class:`~govspec.check.context.Context`.  Guarantees: each name is claimed once (a reserved word or
a second declaration is reported, GOV110 and GOV109, and left out); the context's tables hold every
person (a group of N as N people ``g[1]``..``g[N]``, at its size in this instance, held as one entry
with a size: :mod:`govspec.groups`), group, body (its members known people, listed once, within its
seats and its cap per principal; a group listed as one part), office (its holder a
known person), parameter (non-negative) and procedure; ``kinds`` says what every declared name
names, even one left out.  Also answers what a procedure's declaration says about its timing (a
proposal lifecycle, a timelock, a veto window), which decides what ``P.attribute`` may name.
"""

from __future__ import annotations

from fractions import Fraction

from .. import ast
from .. import model as m
from ..diagnostics import Span, SpecError
from ..groups import Names, chain
from ..syntax import MAX_PEOPLE, PEOPLE_NOTE
from .context import Context

RESERVED = {
    "yes", "no", "abstain", "cast", "present", "notified", "eligible", "recused", "members", "seats",
    "people", "vacant", "all", "none", "half", "majority", "true", "false", "and", "or", "not", "in",
    "is", "of", "weight", "size", "quorum", "passes", "when", "notice", "effect", "require", "recuse",
    "now", "timelock", "within", "supply", "transfer", "mint", "delegate", "flash",
}



def organization(cx: Context, spec: ast.SpecFile) -> ast.Organization:
    """The spec's one organisation; SpecError if it declares none or several."""
    orgs = spec.organizations
    if len(orgs) != 1:
        span = orgs[1].span if len(orgs) > 1 else spec.span
        cx.error("GOV300", "a spec must declare exactly one 'organization \"...\" { ... }' block, "
                 f"found {len(orgs)}", span)
        raise SpecError(cx.diags)
    return orgs[0]


def declare(cx: Context, org: ast.Organization) -> None:
    seen: dict[str, Span] = {}
    for d in org.people:
        cx.kinds.setdefault(d.name, "person" if d.count is None else "group")
    for decls, kind in ((org.bodies, "body"), (org.offices, "office"), (org.params, "parameter"),
                        (org.procedures, "procedure")):
        for d in decls:
            what = "group" if getattr(d, "count", None) is not None else "event" if getattr(d, "is_event", False) else kind
            cx.kinds.setdefault(d.name, what)

    def claim(name: str, span: Span, what: str) -> bool:
        span = cx.name_span(span, name)
        if name in RESERVED:
            cx.error("GOV110", f"'{name}' is a reserved word and cannot name a {what}", span)
            cx.refused.add(span)
            return False
        if name in seen:
            first = seen[name]
            cx.error("GOV109", f"duplicate name '{name}'", span, f"first declared at {first}")
            return False
        seen[name] = span
        return True

    total = 0
    frozen: dict[tuple[str, ...], frozenset[str]] = {}  # (one frozenset per set of tags: 100,000 people share a few)
    name_span = cx.name_span
    for decl in org.people:
        name = decl.name
        if name in RESERVED or name in seen:
            claim(name, decl.span, "person")  # (refused, and reported)
            continue
        seen[name] = name_span(decl.span, name)  # (claimed: what claim does when it accepts, inline for 10,000 holders)
        total += 1 if decl.count is None else cx.size_overrides.get(decl.name, decl.count)
        if total > MAX_PEOPLE:  # refused alone: what names these people would only add "unknown" errors
            cx.error("GOV003", f"more than {MAX_PEOPLE} people in one organisation", cx.name_span(decl.span, decl.name),
                     PEOPLE_NOTE)
            raise SpecError(cx.diags)
        if decl.count is None:
            tags = frozen.get(decl.tags)
            if tags is None:  # (a new set of tags: the known tags grow)
                tags = frozen[decl.tags] = frozenset(decl.tags)
                cx.tags.update(decl.tags)
            cx.people[name] = m.Person(name, tags, decl.weight, decl.span, None, decl.principal or name, decl.weight_text)
        else:
            cx.tags.update(decl.tags)
            count = cx.size_overrides.get(decl.name, decl.count)
            if count != decl.count and not (decl.variable and count >= decl.count
                                            and (decl.upper is None or count <= decl.upper)):
                cx.error("GOV310", f"group '{decl.name}' cannot have {count} members", decl.span)
                return
            if decl.variable and decl.name not in cx.size_overrides:
                cx.sizes[decl.name] = (decl.count, decl.upper)
            names = Names(decl.name, count)  # (the group as one entry with a size: no name or record made per
            # member, so a group of 100,000 is declared as fast as a group of 2)
            cx.groups[decl.name] = names
            # (one frozenset for the group: the counted encoding groups alike people by it)
            cx.people.add_group(m.GroupPeople(names, frozenset(decl.tags), decl.weight, decl.span, decl.principal or None,
                                          decl.weight_text))
    for decl in org.bodies:
        if not claim(decl.name, decl.span, "body"):
            continue
        members: list = []  # names listed one by one, and groups' Names (taken whole: govspec.groups)
        listed: set[str] = set()  # a list alone made 10,000 members cost 50 million comparisons
        listed_groups: set[str] = set()
        refs = decl.members
        written = [ref.name for ref in refs]
        unique = set(written)
        if len(unique) == len(written) and cx.people.named().keys() >= unique and cx.groups.keys().isdisjoint(unique):
            # (the common case of thousands of holders: known people, none twice, no group; what the loop below does)
            members, listed, refs = written, unique, ()
        for ref in refs:
            if ref.name in cx.groups:  # (its members are listed only through it: 'g[1]' is no name that a
                # spec or a data file can write; so ``listed`` holds none of them, listed_groups says it all)
                names = cx.groups[ref.name]
                if ref.name not in listed_groups:
                    listed_groups.add(ref.name)
                    members.append(names)
                else:  # (mentioned again: each member twice)
                    for n in names:
                        cx.error("GOV302", f"'{n}' is listed twice in body '{decl.name}'", ref.span)
                continue
            elif ref.name in cx.people.named():
                n = ref.name
            else:
                cx.unknown("GOV105", "person", ref.name, ref.span, [*cx.people.named(), *cx.groups])
                continue
            if n in listed:
                cx.error("GOV302", f"'{n}' is listed twice in body '{decl.name}'", ref.span)
            else:
                members.append(n)
                listed.add(n)
        if listed_groups:  # (the names listed one by one between the groups, as parts of one sequence)
            parts: list = []
            for x in members:
                if isinstance(x, Names):
                    parts.append(x)
                elif parts and not isinstance(parts[-1], Names):
                    parts[-1].append(x)
                else:
                    parts.append([x])
            members = chain(parts)
        else:
            members = tuple(members)
        seats = decl.seats
        if seats is not None and seats > MAX_PEOPLE:
            cx.error("GOV003", f"body '{decl.name}' has more than {MAX_PEOPLE} seats", decl.seats_span or decl.span,
                     "GovSpec limits the seats of a body, like the people of an organisation, to keep checking safe")
            seats = None
        variable = ([r.name for r in decl.members if r.name in cx.sizes or r.name in cx.size_overrides]
                    if cx.sizes or cx.size_overrides else [])  # (no group of variable size: no pass over 10,000)
        if seats is not None and variable:
            cx.error("GOV319", f"body '{decl.name}' declares its seats but holds '{variable[0]}', a group "
                     "of variable size", decl.seats_span or decl.span,
                     "its seats are then its members at the start: remove the 'seats' line")
        elif seats is not None and len(members) > seats:
            cx.error(
                "GOV301", f"body '{decl.name}' has {len(members)} members but only {seats} seats",
                decl.seats_span or decl.span,
            )
        if decl.cap is not None:
            held: dict[str, int] = {}
            for n in members:
                held[cx.people[n].principal] = held.get(cx.people[n].principal, 0) + 1
            over = sorted(p for p, k in held.items() if k > decl.cap)
            if over:
                cx.error("GOV318", f"'{over[0]}' holds {held[over[0]]} seats of body '{decl.name}', "
                         f"more than its cap of {decl.cap} per principal", decl.cap_span)
        cx.bodies[decl.name] = m.Body(decl.name, seats if seats is not None else len(members), members,
                                      decl.span, decl.cite, decl.cap)
    for decl in org.offices:
        if not claim(decl.name, decl.span, "office"):
            continue
        holder = None
        if decl.holder is not None:
            if decl.holder.name in cx.people:
                holder = decl.holder.name
            else:
                cx.unknown("GOV105", "person", decl.holder.name, decl.holder.span, cx.people.named())
        cx.offices[decl.name] = m.Office(decl.name, holder, decl.span, decl.cite)
    for decl in org.params:
        if claim(decl.name, decl.span, "parameter"):
            if decl.value < 0:
                cx.error("GOV312", "a parameter must be non-negative", decl.span)
            cx.params[decl.name] = decl
            cx.param_values[decl.name] = {decl.value}
    for decl in org.procedures:
        if claim(decl.name, decl.span, "procedure" if not decl.is_event else "event"):
            cx.procs[decl.name] = decl


def flash_loan(cx: Context, org: ast.Organization) -> Fraction:
    """The tokens a flash loan lends for one step (0: no 'flash loan' line, no pool)."""
    flash = Fraction(0)
    for extra in org.flash[1:]:
        cx.error("GOV305", "'flash loan' is given twice", extra.span, f"first given at {org.flash[0].span}")
    if org.flash:
        flash = org.flash[0].amount
    return flash


# ---------------------------------------------------------------- what a procedure's declaration says about its timing

LIFECYCLE_WORDS = {"voting_delay": "voting delay", "voting_period": "voting period",
                   "threshold": "proposal threshold", "counted": "counted"}


def window_header(decl: ast.ProcedureDecl):
    return next((i for i in decl.items if isinstance(i, ast.StageHeader) and i.window is not None), None)


def has_lifecycle(decl: ast.ProcedureDecl) -> bool:
    return any(isinstance(i, ast.Clause) and (i.kind in LIFECYCLE_WORDS or (i.kind == "notice" and i.days is not None))
               for i in decl.items)


def live_limit(decl: ast.ProcedureDecl) -> int:
    """K of a procedure's 'at most K live proposals' (1 without it: issue 13.6)."""
    return max([i.days for i in decl.items if isinstance(i, ast.Clause) and i.kind == "live"], default=1)


def is_timed(decl: ast.ProcedureDecl) -> bool:
    return window_header(decl) is not None or any(
        isinstance(i, ast.Clause) and i.kind == "timelock" and (i.days or 0) > 0 for i in decl.items)
