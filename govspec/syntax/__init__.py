"""Parsing: a spec file or its text -> :class:`govspec.ast.SpecFile`.

Assumes: :func:`parse` is given decoded text (a ``str``), :func:`read_source` a path.  Guarantees:
either an ``ast.SpecFile`` with a span on every node, or :class:`~govspec.diagnostics.SpecError`
carrying located diagnostics (GOV0xx: the file cannot be read, is not UTF-8 text or is over a
limit; GOV1xx: syntax; GOV3xx: a value the grammar admits but the language refuses), never a Lark
exception or a RecursionError.  The grammar (``govspec/grammar.lark``) is LALR(1) and conflict-free.

The modules, in the order a spec goes through them:

- ``source``: reading a spec file (UTF-8, byte order mark, line ends, the size limit) into text.
- ``grammar``: the grammar, loaded once as an LALR parser.
- ``parser``: :func:`parse`: the limits on size, nesting and number length, then parse and build.
- ``mistakes``: the table of known mistakes; Lark's errors as GOV1xx diagnostics.
- ``expected``: what may come next at an error (read from the parser's state), in words a user
  types; the keyword a misspelt word most likely means.
- ``builder``: parse tree -> AST: one Transformer composed of the construct mixins below.
- ``tokens``: spans from tokens and rule positions, the ``cite`` annotation, name lists.
- ``declarations``: organisations, people, groups, bodies, offices, parameters, flash loans, imports.
- ``procedures``: procedures and events, their stages, clauses and effects.
- ``expressions``: expressions, numbers, sets.
- ``properties``: properties and coalitions.
- ``holders``: ``people from "FILE"``: the rows of a CSV or JSON file as people (read by
  :mod:`govspec.imports`, which confines and hashes the file).
"""

from .holders import MAX_DATA_BYTES, read_people
from .parser import MAX_PEOPLE, PEOPLE_NOTE, parse
from .source import MAX_SOURCE_BYTES, read_source, read_source_hashed, shown_source

__all__ = ["MAX_DATA_BYTES", "MAX_PEOPLE", "MAX_SOURCE_BYTES", "PEOPLE_NOTE", "parse", "read_people", "read_source",
           "read_source_hashed", "shown_source"]
