"""The rules of two specs side by side: declarations matched by name, clauses as written.

Works on each spec's joined syntax tree (imports and ``amend`` blocks applied), so a clause that an
imported template holds is compared like one written in the file.  Each declaration and each
clause is shown as the spec wrote it (whitespace collapsed, citations left out: a citation that
changes alone is not a change of the rules).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from .. import ast
from .. import model as m
from ..imports import Imported, resolve
from ..syntax import parse

STRING_OR_COMMENT = re.compile(r'(\s*"[^"\n]*")|#[^\n]*')  # a citation (or a title: group 1), or a comment


@dataclass(frozen=True)
class RuleChange:
    """One change of the rules: ``where`` (``procedure remove_ceo``, ``body board``, ...), the text
    before and after (None: added or removed), and the lines they stand on (in their files)."""

    where: str
    before: str | None
    after: str | None
    line_before: int | None = None
    line_after: int | None = None

    def as_dict(self) -> dict:
        return {"where": self.where, "before": self.before, "after": self.after,
                "line_before": self.line_before, "line_after": self.line_after}

    def line(self) -> str:
        """The change in one line."""
        if self.before is None:
            return f"{self.where}: added `{self.after}`"
        if self.after is None:
            return f"{self.where}: removed `{self.before}`"
        return f"{self.where}: `{self.before}` becomes `{self.after}`"


def joined(model: m.Model) -> tuple[ast.SpecFile, dict[str, str]]:
    """The joined syntax tree of a loaded model, and the text of every file its spans name."""
    spec, sources = resolve(parse(model.source, model.path), model.path, Imported(dict(model.imported)))
    return spec, {**sources, model.path: model.source}


def written(span, sources: dict[str, str], cite: bool = False) -> str:
    """The text a span covers, on one line; without citations unless ``cite``."""
    text = sliced(sources[span.path], span)
    # comments dropped and, unless asked for, citations: strings first, so a '#' inside one is text
    text = STRING_OR_COMMENT.sub(lambda mt: (mt[1] if cite else "") if mt[1] is not None else "", text)
    return " ".join(text.split())


def sliced(source: str, span) -> str:
    """The text a span covers, lines counted as the parser counts them (at '\\n' only)."""
    lines = source.split("\n")
    if span.line == span.end_line:
        return lines[span.line - 1][span.column - 1:span.end_column - 1]
    return "\n".join([lines[span.line - 1][span.column - 1:], *lines[span.line:span.end_line - 1],
                      lines[span.end_line - 1][:span.end_column - 1]])


def _declarations(spec: ast.SpecFile) -> dict[str, list]:
    out: dict[str, list] = {"organization": [], "person": [], "body": [], "office": [], "parameter": [],
                            "procedure": [], "flash loan": []}
    for org in spec.organizations:
        out["organization"].append(("title", org))
        out["person"] += [(p.name, p) for p in org.people]
        out["body"] += [(b.name, b) for b in org.bodies]
        out["office"] += [(o.name, o) for o in org.offices]
        out["parameter"] += [(p.name, p) for p in org.params]
        out["procedure"] += [(p.name, p) for p in org.procedures]
        out["flash loan"] += [("pool", f) for f in org.flash]
    return out


def _header(proc: ast.ProcedureDecl, sources) -> str:
    """A procedure's first line as written: ``procedure remove_ceo(d in board)``."""
    return written(proc.span, sources).split("{", 1)[0].strip()


def _clauses(proc: ast.ProcedureDecl, sources) -> list[tuple[str, int]]:
    """Each stage header and clause of a procedure, as written, with its line."""
    return [(written(item.span, sources), item.span.line) for item in proc.items]


def rule_changes(old: m.Model, new: m.Model) -> list[RuleChange]:
    """What changed in the rules from ``old`` to ``new``, declaration by declaration."""
    (a, src_a), (b, src_b) = joined(old), joined(new)
    before, after = _declarations(a), _declarations(b)
    changes: list[RuleChange] = []
    for kind in before:
        olds, news = dict(before[kind]), dict(after[kind])
        for name in [n for n, _ in before[kind]] + [n for n, _ in after[kind] if n not in olds]:
            x, y = olds.get(name), news.get(name)
            where = "organization" if kind == "organization" else f"{'event' if _is_event(x, y) else kind} {name}"
            if kind == "organization":
                tx, ty = (written(x.span, src_a, cite=True).split("{", 1)[0].strip() if x else None,
                          written(y.span, src_b, cite=True).split("{", 1)[0].strip() if y else None)
                if tx != ty:
                    changes.append(RuleChange(where, tx, ty, x and x.span.line, y and y.span.line))
                continue
            if kind == "procedure" and x is not None and y is not None:
                changes += _procedure_changes(where, x, y, src_a, src_b)
                continue
            tx = written(x.span, src_a) if x is not None else None
            ty = written(y.span, src_b) if y is not None else None
            if tx != ty:
                changes.append(RuleChange(where, tx, ty, x and x.span.line, y and y.span.line))
    return changes


def _is_event(x, y) -> bool:
    return any(isinstance(d, ast.ProcedureDecl) and d.is_event for d in (x, y))


def _procedure_changes(where: str, x: ast.ProcedureDecl, y: ast.ProcedureDecl, src_a, src_b) -> list[RuleChange]:
    changes = []
    hx, hy = _header(x, src_a), _header(y, src_b)
    if hx != hy:
        changes.append(RuleChange(where, hx, hy, x.span.line, y.span.line))
    cx, cy = _clauses(x, src_a), _clauses(y, src_b)
    matcher = difflib.SequenceMatcher(a=[t for t, _ in cx], b=[t for t, _ in cy], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        olds, news = cx[i1:i2], cy[j1:j2]
        for k in range(max(len(olds), len(news))):  # replaced clauses paired in order, the rest added or removed
            (to, lo), (tn, ln) = olds[k] if k < len(olds) else (None, None), news[k] if k < len(news) else (None, None)
            changes.append(RuleChange(where, to, tn, lo, ln))
    return changes
