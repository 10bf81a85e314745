"""The package as a user gets it: a wheel, with no repository around it.

The wheel is built once, as ``.ci/wheel-smoke`` builds it (``pip wheel``, an isolated build), and
read as an archive: its licence and metadata (a PEP 639 licence expression, classifiers, project
URLs, keywords), the description a package index shows (README.md with every link absolute), and
the registry of error codes it ships for ``govspec explain``, which is then read from the unpacked
wheel alone.  ``govspec explain`` and the help texts are tested in-process: every code the tool can
emit is explained, and no help text or message sends a user to a file only a checkout has.
"""

import ast
import email.parser
import email.policy
import hashlib
import posixpath
import re
import subprocess
import sys
import tomllib
import zipfile

import pytest
from markdown_it import MarkdownIt

from conftest import ROOT, run_cli
from govspec import __version__
from govspec.cli import cli
from govspec.diagnostics import CODES, explanations
from govspec.formats.outputs import ERRORS_URI, TOOL_URI

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# the Apache License 2.0 as published at https://www.apache.org/licenses/LICENSE-2.0.txt (11,358
# bytes; Debian ships the same file as /usr/share/common-licenses/Apache-2.0)
APACHE_2_SHA256 = "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30"
FILES_URL = PYPROJECT["project"]["urls"]["Homepage"] + "/blob/main/"
DIST_INFO = f"govspec-{__version__}.dist-info"


def links(markdown: str) -> list[str]:
    """Every link and image target of a Markdown text, as a CommonMark parser reads it."""
    targets = []
    for token in MarkdownIt("commonmark").parse(markdown):
        for child in token.children or ():
            if child.type == "link_open":
                targets.append(child.attrs["href"])
            elif child.type == "image":
                targets.append(child.attrs["src"])
    return targets


def without_targets(markdown: str) -> str:
    """The text with every inline link's target dropped: what is left must not differ."""
    return re.sub(r"\]\([^)]*\)", "]()", markdown)


def absolute(target: str) -> bool:
    return re.match(r"https?://", target) is not None


# ---- the licence and the metadata as declared

def test_license_is_the_apache_license_2_0():
    assert hashlib.sha256((ROOT / "LICENSE").read_bytes()).hexdigest() == APACHE_2_SHA256
    project = PYPROJECT["project"]
    assert project["license"] == "Apache-2.0"  # an SPDX expression (PEP 639), not the deprecated table
    assert project["license-files"] == ["LICENSE"]
    assert not [c for c in project["classifiers"] if c.startswith("License ::")]  # PEP 639: the expression alone
    assert "setuptools>=77" in PYPROJECT["build-system"]["requires"]  # the first to read PEP 639 fields


# ---- the wheel

@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    (built,) = out.glob("govspec-*.whl")
    with zipfile.ZipFile(built) as archive:
        yield archive


def metadata(wheel: zipfile.ZipFile):
    return email.parser.BytesParser(policy=email.policy.compat32).parsebytes(wheel.read(f"{DIST_INFO}/METADATA"))


def test_the_wheel_carries_the_license_and_the_metadata(wheel):
    assert wheel.read(f"{DIST_INFO}/licenses/LICENSE") == (ROOT / "LICENSE").read_bytes()
    meta = metadata(wheel)
    assert meta["License-Expression"] == "Apache-2.0"
    assert meta.get_all("License-File") == ["LICENSE"]
    assert meta["License"] is None
    assert "Programming Language :: Python :: 3.11" in meta.get_all("Classifier")
    assert {"governance", "bylaws", "DAO", "Z3"} <= set(meta["Keywords"].split(","))
    urls = dict(entry.split(", ", 1) for entry in meta.get_all("Project-URL"))
    assert urls["Homepage"] == TOOL_URI  # the address SARIF reports give for the tool
    assert urls["Error codes"] == ERRORS_URI  # SARIF's link (helpUri) to a code's entry is under it
    assert all(url.startswith(TOOL_URI) for url in urls.values())
    assert meta["Description-Content-Type"] == "text/markdown"


def test_the_wheel_registers_the_govspec_lexer_with_pygments(wheel):
    """```govspec blocks are highlighted wherever the package is installed (govspec/lexer.py)."""
    import configparser

    entry_points = configparser.ConfigParser()
    entry_points.read_string(wheel.read(f"{DIST_INFO}/entry_points.txt").decode("utf-8"))
    assert dict(entry_points["pygments.lexers"]) == {"govspec": "govspec.lexer:GovSpecLexer"}
    assert "govspec/lexer.py" in wheel.namelist()


def test_the_description_on_an_index_has_only_absolute_links(wheel):
    description = metadata(wheel).get_payload()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert without_targets(description) == without_targets(readme)  # README.md, links aside
    relative = [t for t in links(readme) if not absolute(t)]
    assert relative, "README.md has no relative links: this test no longer tests anything"
    assert all(absolute(t) for t in links(description)), [t for t in links(description) if not absolute(t)]
    # each relative link of the README points at the same file of the repository
    assert [t for t in links(description) if t.startswith(FILES_URL)] == [
        FILES_URL + (f"README.md{t}" if t.startswith("#") else posixpath.normpath(t)) for t in relative]


def test_the_wheel_ships_the_error_registry(wheel):
    shipped = wheel.read("govspec/errors.md").decode("utf-8")
    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    assert without_targets(shipped) == without_targets(doc)  # docs/errors.md, links aside
    assert links(shipped) and all(absolute(t) for t in links(shipped))
    assert FILES_URL + "docs/reviews.md" in links(shipped)  # GOV005's link to reviews.md, from docs/


def test_explain_reads_the_registry_in_the_wheel(wheel, tmp_path):
    wheel.extractall(tmp_path)
    probe = ("import json, govspec.diagnostics as d; "
             "print(json.dumps([d.__file__, d.explanations()]))")
    # -S: no site-packages, so neither the checkout nor an editable install of it is importable
    run = subprocess.run([sys.executable, "-S", "-c", probe], cwd=tmp_path, env={"PYTHONPATH": str(tmp_path)},
                         capture_output=True, text=True, check=True, timeout=60)
    import json

    where, shipped = json.loads(run.stdout)
    assert where == str(tmp_path / "govspec" / "diagnostics.py")
    checkout = explanations()
    assert set(shipped) == set(checkout) == set(CODES)
    assert shipped["GOV104"] == checkout["GOV104"]  # (a section without links reads the same)


# ---- govspec explain

def test_every_code_the_tool_can_emit_is_explained():
    emitted = set(CODES)
    for source in [*(ROOT / "govspec").rglob("*.py"), *(ROOT / "verifier").rglob("*.py")]:
        emitted |= set(re.findall(r"[\"'](GOV\d{3})[\"']", source.read_text(encoding="utf-8")))
    known = explanations()
    assert len(emitted) >= 40
    for code in sorted(emitted):
        assert code in known, f"{code} has no explanation in docs/errors.md"
        assert known[code].startswith(f"## {code}\n\nMeaning: {CODES[code]}\n"), code


def section(code: str) -> str:
    """``code``'s section of docs/errors.md, found here without govspec's own parser."""
    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    start = doc.index(f"\n## {code}\n") + 1
    end = doc.find("\n## ", start)
    return doc[start:end].rstrip() + "\n"


@pytest.mark.parametrize("typed", ["GOV104", "gov104", "104", " Gov104 "])
def test_explain_prints_the_code_s_section(typed):
    code, out, err = run_cli("explain", typed)
    assert (code, err) == (0, "")
    assert out == section("GOV104")
    assert out.startswith("## GOV104\n\nMeaning: unknown body\n")
    assert "error[GOV104]: unknown body 'bord'" in out  # the example and what GovSpec prints for it


def test_explain_without_a_code_lists_them():
    code, out, err = run_cli("explain")
    assert (code, err) == (0, "")
    assert out.splitlines() == [f"{c}  {meaning}" for c, meaning in CODES.items()]


@pytest.mark.parametrize("typed", ["GOV999", "GOV1040", "E0308", "nonsense", "", "\x1b[2Jgov104"])
def test_explain_an_unknown_code_is_a_usage_error(typed):
    code, out, err = run_cli("explain", typed)
    assert (code, out) == (2, "")
    assert "Error: no error code " in err and "`govspec explain` lists the codes" in err
    assert "Traceback" not in err and "\x1b" not in err


# ---- nothing sends a user to a file only a checkout has

@pytest.mark.parametrize("command", [[], *[[name] for name in sorted(cli.commands)]])
def test_help_texts_point_at_nothing_a_wheel_lacks(command):
    code, out, _ = run_cli(*command, "--help")
    assert code == 0
    assert not re.search(r"docs/|\w\.md\b", out), out
    if not command:
        assert "govspec explain GOV104" in out


def test_messages_point_at_nothing_a_wheel_lacks():
    """No string the tool can print (docstrings aside) names a file of docs/ or another .md file
    (an absolute URL aside; and ``errors.md``, the name of the registry explanations() reads)."""
    found = []
    for source in [*(ROOT / "govspec").rglob("*.py"), *(ROOT / "verifier").rglob("*.py")]:
        tree = ast.parse(source.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                      and node.body and isinstance(node.body[0], ast.Expr)}
        found += [f"{source.relative_to(ROOT)}:{node.lineno}: {node.value!r}" for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                  and node.value != "errors.md" and re.search(r"docs/|\w\.md\b", re.sub(r"https?://\S+", "", node.value))]
    for template in (ROOT / "govspec" / "templates").glob("*"):
        found += [str(template.relative_to(ROOT)) for _ in re.finditer(r"docs/|\w\.md\b", template.read_text())]
    assert found == []


def test_python_dash_m_govspec_is_the_command_line():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "govspec", "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("Usage: govspec "), done.stderr
