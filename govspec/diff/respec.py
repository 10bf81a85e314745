"""A spec's rules with other properties in place of its own: how the diff checks one side's
properties under the other side's rules, and asks its own coalition questions."""

from __future__ import annotations

import re

from .. import model as m
from ..diagnostics import Diagnostic, SpecError
from ..imports import Imported
from ..load import _built
from ..syntax import parse
from .rules import joined, sliced, written


def own_properties(model: m.Model, imported: bool = False) -> dict[str, tuple[str, str]]:
    """The properties written in the file itself (with ``imported``: those its imports bring), by
    name: each as written, and what it states (without comments, its citation or the spacing: two
    texts that differ only so state one property)."""
    spec, sources = joined(model)
    return {p.name: (_raw(p.span, sources), " ".join(TOKEN.findall(written(p.span, sources)))) for p in spec.properties
            if (p.span.path != model.path) == imported}


# (a property's tokens, once its comments and citation are gone: names, numbers, operators, the rest one by one)
TOKEN = re.compile(r"[^\W\d]\w*|[0-9][0-9./%]*|->|>=|<=|==|!=|\S")


def _raw(span, sources) -> str:
    return sliced(sources[span.path], span)


def _blanked(source: str, spans) -> str:
    """``source`` with the text of ``spans`` replaced by spaces (lines kept)."""
    lines = source.split("\n")
    for s in spans:
        for ln in range(s.line, s.end_line + 1):
            start = s.column - 1 if ln == s.line else 0
            end = s.end_column - 1 if ln == s.end_line else len(lines[ln - 1])
            lines[ln - 1] = lines[ln - 1][:start] + " " * (end - start) + lines[ln - 1][end:]
    return "\n".join(lines)


def with_properties(model: m.Model, union: dict[str, tuple[str, str]]) -> tuple[m.Model, dict[str, str]]:
    """``model``'s rules with the properties of ``union`` in place of its own; those that do not
    apply to these rules (an unknown name, say) are left out, each with the error that says why."""
    base = model.__dict__.get("_diff_rules_only")
    if base is None:  # (the rules without the file's own properties: made once per model)
        spec, _ = joined(model)
        base = model.__dict__["_diff_rules_only"] = _blanked(
            model.source, [p.span for p in spec.properties if p.span.path == model.path])
    refused: dict[str, str] = {}
    while True:
        kept = [(n, t) for n, (t, _) in union.items() if n not in refused]
        text, starts = base.rstrip("\n") + "\n", []
        for name, prop in kept:
            starts.append((text.count("\n") + 1, name))
            text += "\n" + prop + "\n"
        try:
            # (the imported files as the run read them, not read again: the same texts on a cluster's worker)
            return _built(parse(text, model.path), text, model.path, None, Imported(dict(model.imported))), refused
        except SpecError as err:
            blamed = {_owner(d, starts, model.path) for d in err.diagnostics if d.severity == "error"}
            if None in blamed or not blamed:
                raise  # an error in the rules themselves (cannot happen: they loaded before)
            for diag in err.diagnostics:
                name = _owner(diag, starts, model.path) if diag.severity == "error" else None
                if name is not None:
                    refused.setdefault(name, f"[{diag.code}] {diag.message}")


def _owner(diag: Diagnostic, starts: list[tuple[int, str]], path: str) -> str | None:
    """The appended property a diagnostic points into (None: it points elsewhere)."""
    if diag.span.path != path:
        return None
    owner = None
    for line, name in starts:
        if diag.span.line >= line:
            owner = name
    return owner
