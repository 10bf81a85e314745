"""Look-alike names: two different names of a spec that print alike, such as Cyrillic 'аnn' and Latin 'ann'.

Assumes: the organisation's declarations and the spec's properties, their names in NFC (the parser
normalises every name).  Guarantees: one GOV112 warning for each name that looks like one declared
before it (the same skeleton under Unicode's confusables, UTS #39: NFD, each character to its
prototype, NFD again), at the later name, with a note naming the first and the characters that
differ.  Only a spec with a non-ASCII name is compared, and only then is the confusables data
loaded (``confusable-homoglyphs``, which ships Unicode's confusables.txt as JSON).
"""

from __future__ import annotations

import functools
import unicodedata

from .. import ast
from ..diagnostics import Diagnostic, Span
from .context import Context

_BIDI_MARKS = str.maketrans("", "", "\u200e\u200f")


@functools.lru_cache(maxsize=1)
def _prototypes() -> dict[str, str]:
    """Each character of confusables.txt -> its prototype.  The package lists, for each source
    character, its prototype alone, and for each prototype every source mapped to it; a pair that
    lists only each other is one class either way, given the lesser as its prototype."""
    from confusable_homoglyphs.utils import load  # (lazily: about 1 MB of JSON)

    data = {key: [h["c"].translate(_BIDI_MARKS) for h in found] for key, found in load("confusables.json").items()}
    prototypes = {}
    for char, found in data.items():
        if len(char) == 1 and len(found) == 1:
            other = found[0]
            if len(other) > 1 or len(data.get(other, ())) > 1 or other < char:
                prototypes[char] = other
    return prototypes


def skeleton(name: str) -> str:
    """The UTS #39 skeleton: two names with the same skeleton look alike."""
    prototypes = _prototypes()
    mapped = "".join(prototypes.get(c, c) for c in unicodedata.normalize("NFD", name))
    return unicodedata.normalize("NFD", mapped)


def _declared(cx: Context, org: ast.Organization, properties) -> list[tuple[str, Span]]:
    names = []
    for decls in (org.people, org.bodies, org.offices, org.params, org.procedures, properties):
        names += [(d.name, cx.name_span(d.span, d.name)) for d in decls]
    names += [(f.name, f.span) for p in org.procedures for f in p.formals]
    return sorted(set(names), key=lambda item: (item[1].path != cx.path, item[1].line, item[1].column))


def _all_ascii(org: ast.Organization, properties) -> bool:
    """Whether every declared name is ASCII (then none looks like another: the common case, decided
    before any name is located)."""
    decls = (*org.people, *org.bodies, *org.offices, *org.params, *org.procedures, *properties)
    return all(d.name.isascii() for d in decls) and all(f.name.isascii() for p in org.procedures for f in p.formals)


def _differing(name: str, other: str) -> str:
    odd = [c for c in dict.fromkeys(name + other) if not c.isascii() and (c in name) != (c in other)]
    return ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '?')}" + (f" in '{name}'" if c in name else f" in '{other}'")
                     for c in odd[:3])


def lookalike_warnings(cx: Context, org: ast.Organization, properties) -> list[Diagnostic]:
    if _all_ascii(org, properties):
        return []
    names = _declared(cx, org, properties)
    first: dict[str, tuple[str, Span]] = {}
    warnings = []
    for name, span in names:
        seen = first.setdefault(skeleton(name), (name, span))
        if seen[0] != name:
            notes = (f"'{seen[0]}' is declared at {seen[1]}",)
            differ = _differing(name, seen[0])
            warnings.append(Diagnostic("GOV112", f"'{name}' looks like '{seen[0]}' but is a different name"
                                       + (f" ({differ})" if differ else ""), span, "warning", notes))
    return warnings
