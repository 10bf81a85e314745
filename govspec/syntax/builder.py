"""Parse tree -> AST: one Lark Transformer composed of the construct mixins, and the file's assembly.

Assumes: a parse tree from :func:`.grammar.parser` within the limits :mod:`.parser` checks.
Guarantees: an ``ast.SpecFile`` with a span on every node, or SpecError: a Lark ``VisitError`` is
unwrapped to the exception it carries, and a RecursionError becomes GOV003.
"""

from __future__ import annotations

from lark import Tree
from lark.exceptions import VisitError

from .. import ast
from ..diagnostics import Diagnostic, Span, SpecError
from .declarations import DeclarationRules, assemble_organization, mark_bodies
from .expressions import ExpressionRules
from .procedures import ProcedureRules
from .properties import PropertyRules
from .tokens import meta_span


class Builder(DeclarationRules, ProcedureRules, PropertyRules, ExpressionRules):
    """The callbacks of every grammar rule, one mixin per construct (the rule names are distinct)."""


def build(tree: Tree, path: str) -> ast.SpecFile:
    builder = Builder(path)
    try:
        result = builder.transform(mark_bodies(tree))
    except VisitError as err:
        if isinstance(err.orig_exc, SpecError):
            raise err.orig_exc from None
        raise err.orig_exc
    except RecursionError:
        raise SpecError([Diagnostic("GOV003", "the spec is nested too deeply", Span.point(path))]) from None
    return _assemble(result, path, tree)


def _assemble(result: Tree, path: str, original: Tree) -> ast.SpecFile:
    organizations, properties, imports, rules = [], [], [], []
    for item in result.children:
        if isinstance(item, ast.PropertyDecl):
            properties.append(item)
        elif isinstance(item, ast.Import):
            imports.append(item)
        elif isinstance(item, Tree) and item.data in ("organization", "rules_decl"):
            org, inner = assemble_organization(item, path)
            (organizations if item.data == "organization" else rules).append(org)
            properties.extend(inner)
    return ast.SpecFile(meta_span(path, original.meta) if original.children else Span.point(path), tuple(organizations),
                        tuple(properties), tuple(imports), tuple(rules))
