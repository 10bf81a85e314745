"""The import graph keeps one room per concern: no cycle, and every arrow points down the layers.

The layers are the contracts in pyproject.toml (``[tool.importlinter]``), checked with
import-linter; the cycle check below covers every module of ``govspec`` and ``verifier``,
inside packages too.  Run ``lint-imports`` for the same contracts from the shell.
"""

from __future__ import annotations

from pathlib import Path

import grimp
from importlinter import configuration
from importlinter.application import use_cases

ROOT = Path(__file__).resolve().parent.parent


def _graph():
    return grimp.build_graph("govspec", "verifier", include_external_packages=False, cache_dir=None)


def _cycles(graph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    modules = sorted(graph.modules)

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.find_modules_directly_imported_by(v)):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in modules:
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle():
    graph = _graph()
    cycles = _cycles(graph)
    detail = []
    for component in cycles:
        members = set(component)
        detail.append(" <-> ".join(component) + ": " + "; ".join(
            f"{a} -> {b}" for a in component for b in sorted(graph.find_modules_directly_imported_by(a)) if b in members))
    assert not cycles, "import cycles:\n" + "\n".join(detail)


def test_the_cycle_check_finds_a_cycle():
    """(the check has teeth: a graph with a cycle is caught)"""
    graph = grimp.ImportGraph()
    for a, b in [("x.a", "x.b"), ("x.b", "x.c"), ("x.c", "x.a"), ("x.c", "x.d")]:
        graph.add_import(importer=a, imported=b)
    assert _cycles(graph) == [["x.a", "x.b", "x.c"]]


def test_layers_contract():
    """Every import points down the layers of pyproject.toml (import-linter's contracts; on a
    failure, the captured output names each import that breaks one)."""
    configuration.configure()
    kept = use_cases.lint_imports(config_filename=str(ROOT / "pyproject.toml"), cache_dir=None, no_logo=True)
    assert kept, "an import breaks the layers of pyproject.toml [tool.importlinter] (see the output above)"


def _layout_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Layout")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else len(text)]


def test_readme_layout_names_every_module_in_one_line():
    """README "Layout" gives each module of govspec/ and verifier/ its job in one line, and names no
    module that is not in the tree."""
    import re

    listed = re.findall(r"^- `((?:govspec|verifier)/[\w/]+\.py)`: \S", _layout_section(), flags=re.M)
    tree = sorted(str(p.relative_to(ROOT)) for package in ("govspec", "verifier")
                  for p in (ROOT / package).rglob("*.py") if "__pycache__" not in p.parts)
    assert len(listed) == len(set(listed)), "a module is listed twice"
    assert sorted(listed) == tree, (f"missing from README Layout: {sorted(set(tree) - set(listed))}; "
                                    f"listed but not in the tree: {sorted(set(listed) - set(tree))}")


def _relative_imports():
    """(file, line, the module it names) of every relative import, at the top or inside a function."""
    import re

    for path in sorted([*(ROOT / "govspec").rglob("*.py"), *(ROOT / "verifier").rglob("*.py")]):
        parts = path.relative_to(ROOT).with_suffix("").parts
        package = parts[:-1]  # (an __init__.py is in its package, like the modules beside it)
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            found = re.match(r"\s*from (\.+)([\w.]*) import ([\w, ()]+)", line)
            if found:
                base = package[:len(package) - (len(found.group(1)) - 1)]
                names = [] if found.group(2) else [x.split(" as ")[0].strip() for x in found.group(3).strip("()").split(",")
                                                   if x.strip()]
                yield path, n, ".".join([*base, *filter(None, [found.group(2)])]), names


def test_every_relative_import_names_a_module_that_exists():
    """A module moved into a package leaves no import (a lazy one inside a function included)
    pointing where it used to be: the graph above cannot see those."""
    import importlib
    import importlib.util

    problems = []
    for path, n, module, names in _relative_imports():
        if importlib.util.find_spec(module) is None:
            problems.append(f"{path.relative_to(ROOT)}:{n}: no module {module}")
            continue
        for name in names:  # from . import x: a module of the package, or a name its __init__ defines
            if importlib.util.find_spec(f"{module}.{name}") is None and not hasattr(importlib.import_module(module), name):
                problems.append(f"{path.relative_to(ROOT)}:{n}: {module} has no {name}")
    assert len(list(_relative_imports())) > 100  # (the scan finds the package's imports)
    assert not problems, "\n".join(problems)


def test_no_invariant_rests_on_an_assert_statement():
    """`python -O` strips assert statements: a guard of the encoding or the semantics written as one
    would vanish there and let a case it refuses through to a verdict.  So the tool's own code has
    none; each guard raises explicitly (an internal error, exit 2: govspec/cli.py)."""
    import ast

    found = [f"{path.relative_to(ROOT)}:{node.lineno}" for package in ("govspec", "verifier")
             for path in sorted((ROOT / package).rglob("*.py"))
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(node, ast.Assert)]
    assert found == []
