"""The Z3 encoding names the reference-semantics functions it mirrors, and they exist.

Where a function of the encoding (verifier/) decides a rule of the language that the reference
semantics also decides, its docstring says so in a line ``Mirrors :func:`govspec.semantics.<module>.<name>```.
These tests find every such line and import ``govspec.semantics.<module>`` to check that it has
``<name>``: a reference that goes stale when the semantics moves or renames a function fails here.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIRRORS = re.compile(r"Mirrors :func:`govspec\.semantics\.(\w+)\.(\w+)`")
STARTS = re.compile(r"Mirrors\s*:func:")  # whatever starts like a reference must be a whole one
# other references of the encoding to the reference semantics' package (its counterparts of states and steps)
OTHER = re.compile(r":(?:class|func|data):`govspec\.semantics\.(\w+)\.(\w+)`")

def _sources() -> list[tuple[str, str]]:
    return [(str(path.relative_to(ROOT)), path.read_text(encoding="utf-8"))
            for path in sorted((ROOT / "verifier").rglob("*.py"))]


def _docstrings(text: str) -> list[tuple[str, str]]:
    """(where, docstring) of the module and of every class and function in it."""
    out = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                out.append((getattr(node, "name", "<module>"), doc))
    return out


def _resolve(module: str, name: str) -> str | None:
    """Why ``govspec.semantics.<module>.<name>`` is not defined there (None: it is)."""
    try:
        found = importlib.import_module(f"govspec.semantics.{module}")
    except ImportError as err:
        return f"cannot import govspec.semantics.{module}: {err}"
    if not hasattr(found, name):
        return f"govspec.semantics.{module} has no {name}"
    home = getattr(getattr(found, name), "__module__", found.__name__)  # (a constant has no home of its own)
    return None if home == found.__name__ else f"{name} is defined in {home}, not in govspec.semantics.{module}"


def _mirrors() -> list[tuple[str, str, str, str]]:
    """(file, function, module, name) of every Mirrors reference in a docstring of verifier/."""
    return [(path, where, module, name)
            for path, text in _sources() for where, doc in _docstrings(text)
            for module, name in MIRRORS.findall(doc)]


def test_every_mirrors_reference_exists():
    found = _mirrors()
    assert len(found) >= 10, f"only {len(found)} Mirrors references in verifier/"
    problems = [f"{path} ({where}): {why}" for path, where, module, name in found
                if (why := _resolve(module, name)) is not None]
    assert not problems, "\n".join(problems)


def test_mirrors_references_are_well_formed_and_in_docstrings():
    """A reference in a comment, or one mistyped, would not be checked: neither is allowed."""
    for path, text in _sources():
        starts = len(STARTS.findall(text))
        whole = len(MIRRORS.findall(text))
        in_docstrings = sum(len(MIRRORS.findall(doc)) for _, doc in _docstrings(text))
        assert starts == whole, f"{path}: a 'Mirrors :func:' reference is not of the form govspec.semantics.<module>.<name>"
        assert whole == in_docstrings, f"{path}: a Mirrors reference outside a docstring"


def test_other_references_to_the_semantics_package_exist():
    problems = [f"{path}: {why}" for path, text in _sources() for module, name in OTHER.findall(text)
                if (why := _resolve(module, name)) is not None]
    assert not problems, "\n".join(problems)
