"""Hostile text never reaches a reader raw: every output format, read back with its own parser.

A spec whose strings (organisation name, citations) and whose own file name hold ANSI escape
sequences, C1 controls, other C0 controls, bidi overrides, characters invalid in XML, HTML and
Markdown metacharacters, backticks and pipes is checked in every format.  Text, JUnit, Markdown,
SARIF and HTML show the hostile characters as visible escapes (``\\x1b``, ``\\u202e``) or escaped
markup; JSON (and ITF) keep the exact text as data.
"""

from __future__ import annotations

import io
import json
import os
import re
import xml.etree.ElementTree as ET
from html import unescape
from html.parser import HTMLParser
from urllib.parse import unquote

import jsonschema
import pytest
from markdown_it import MarkdownIt

from conftest import ROOT, run_cli
from govspec.safe import markdown_code, markdown_text, shown, uri

BOARD = (ROOT / "specs" / "openai" / "board_2023.gov").read_text()
SARIF_SCHEMA = json.loads((ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text())

# What a spec string may hold (anything but a quote, a line break or NUL, which the reader refuses).
HOSTILE = ("\x1b[31m\x1b]8;;http://evil.example\x07link\x1b]8;;\x07 \x9b2J\x85\x01\x08\x7f\x0b\x0c "
           "\u202eDEVORP\u202c\u2066\u2028\ufffe "
           "<img src=x onerror=alert(1)> <script>alert(2)</script> `tick` | pipe | &amp; [x](javascript:alert(3))")
# A file name may hold even more: a line break.
NAME = "spec`<img src=x onerror=alert(1)>|\x1b[2K\u202e\x9b\n.gov"
BAD = "bad\x1b[2K.gov"
BAD_TEXT = f'organization "x" {{\n  person a "{HOSTILE}" bogus\n}}\n'

# What no reader may get raw: C0 controls but the line feed, DEL, C1, bidi controls, line and
# paragraph separators, the XML non-characters and lone surrogates.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                    "\ufffe\uffff\ud800-\udfff]")


def raw(text: str) -> list[str]:
    """The unsafe characters in ``text`` (none is the goal)."""
    return UNSAFE.findall(text)


def values(value, key: str) -> list:
    """Every value under ``key`` in a JSON value, at any depth."""
    if isinstance(value, dict):
        return [v for k, x in value.items() for v in ([x] if k == key else []) + values(x, key)]
    if isinstance(value, list):
        return [v for x in value for v in values(x, key)]
    return []


def strings(value) -> list[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile")
    spec = re.sub(r'"[^"\n]*"', lambda _: f'"{HOSTILE}"', BOARD)
    (path / NAME).write_text(f"# {HOSTILE}\n{spec}", encoding="utf-8")
    (path / BAD).write_text(BAD_TEXT, encoding="utf-8")
    body = "\n".join(line for line in spec.split("\n") if not line.startswith("#"))  # (not splitlines: NEL)
    (path / "review.md").write_text(f"# Review {HOSTILE}\n\n{HOSTILE}\n\n```govspec\n{body}\n```\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def outputs(folder):
    """(exit code, stdout, stderr) of ``check`` in each format, on the hostile spec and an invalid one."""
    found = {}
    for fmt in ("text", "json", "markdown", "html", "sarif", "junit"):
        found[fmt] = run_cli("check", "-q", "--no-sanity", "--format", fmt, NAME, BAD, cwd=folder)
        assert "Traceback" not in found[fmt][1] + found[fmt][2]
    return found


def test_text_shows_control_characters_as_visible_escapes(outputs):
    code, out, err = outputs["text"]
    assert code == 3  # an invalid spec among the files
    assert raw(out) == [] and raw(err) == []
    assert r"\x1b[31m\x1b]8;;http://evil.example\x07link" in out and r"\x9b2J\x85\x01\x08\x7f\x0b\x0c" in out
    assert r"\u202eDEVORP\u202c\u2066\u2028\ufffe" in out
    shown_name = r"spec`<img src=x onerror=alert(1)>|\x1b[2K\u202e\x9b\n.gov"
    assert f"{shown_name}:35: ceo_removal_needs_three_or_notice ... REFUTED" in out.splitlines()[0]
    assert err.startswith(r"bad\x1b[2K.gov:2:")


def test_an_echoed_source_line_is_escaped_and_its_caret_still_points_at_the_token(outputs):
    _, _, err = outputs["text"]
    lines = err.splitlines()
    (n,) = [i for i, line in enumerate(lines) if line.startswith(" 2 | ")]
    source, caret = lines[n], lines[n + 1]
    assert r'person a "\x1b[31m' in source
    assert source[caret.index("^"):].startswith("bogus")


def test_a_citation_cannot_redraw_a_refuted_line_on_a_terminal(tmp_path):
    """The review's example: cursor up four lines, to column 1, erase the line, then a fake verdict."""
    fake = "board.gov:34: ceo_removal_needs_three_or_notice ... PROVED (any length, 0.01 s)"
    redraw = "\x1b[4A\x1b[1G\x1b[2K"
    spec = tmp_path / "board.gov"
    spec.write_text(BOARD.replace('"the question asked in November 2023"', f'"{redraw}{fake}"'), encoding="utf-8")
    code, out, err = run_cli("check", "-q", "--no-sanity", "board.gov", cwd=tmp_path)
    assert code == 1 and err == ""
    assert "\x1b" not in out
    assert out.splitlines()[0].startswith("board.gov:34: ceo_removal_needs_three_or_notice ... REFUTED")
    assert f"  ({redraw.encode('unicode_escape').decode()}{fake})" in out.splitlines()


def test_junit_is_well_formed_xml_with_the_text_escaped_visibly(outputs):
    _, out, _ = outputs["junit"]
    root = ET.fromstring(out)  # today: "not well-formed (invalid token)"
    texts = [v for e in root.iter() for v in [*e.attrib.values(), e.text or ""]]
    assert [c for t in texts for c in raw(t)] == []
    (suite, bad) = root.findall("testsuite")
    assert suite.get("name") == r"spec`<img src=x onerror=alert(1)>|\x1b[2K\u202e\x9b\n.gov"
    assert r"\x1b[31m" in suite.find("testcase/failure").text
    assert bad.find("testcase/failure").get("type") == "invalid-spec"


class Tags(HTMLParser):
    """The start tags of an HTML document, with their attributes."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def names(self) -> set[str]:
        return {tag for tag, _ in self.tags}

    def handlers(self) -> list[str]:
        return [k for _, attrs in self.tags for k in attrs if k.startswith("on")]


def test_markdown_renders_no_live_html_and_keeps_its_table(outputs):
    _, out, _ = outputs["markdown"]
    html = MarkdownIt("commonmark").enable("table").render(out)  # raw HTML allowed, as CommonMark renders it
    page = Tags(html)
    assert not page.names() & {"img", "script", "a"}, html
    assert raw(out) == []
    assert page.handlers() == []
    assert page.names() <= {"h1", "h2", "p", "table", "thead", "tbody", "tr", "th", "td", "code", "strong", "pre", "ul", "li"}
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    assert len(rows) == 1 + 3 + 1  # the header, three properties, the invalid file
    assert all(row.count("<td") + row.count("<th") == 6 for row in rows), rows
    assert r"spec`&lt;img src=x onerror=alert(1)&gt;|\x1b[2K\u202e\x9b\n.gov" in rows[1]
    assert "&lt;img src=x onerror=alert(1)&gt; &lt;script&gt;alert(2)&lt;/script&gt; `tick` | pipe | &amp;amp;" in html


def test_sarif_uris_are_percent_encoded_relative_references_and_the_log_validates(outputs):
    _, out, _ = outputs["sarif"]
    log = json.loads(out)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    uris = set(values(log, "uri"))
    assert uris, out
    for uri in uris:
        assert re.fullmatch(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})+", uri), uri  # RFC 3986
        assert not uri.startswith(("/", "file:")) and ":" not in uri.split("/")[0]  # relative stays relative
    assert {unquote(u) for u in uris} == {NAME, BAD}
    assert [c for s in strings(log) for c in raw(s)] == []  # messages show the escapes
    assert any(r"\x1b[31m" in s for s in strings(log))


def check_page(html: str) -> Tags:
    page = Tags(html)
    assert not page.names() & {"img", "script"} and page.handlers() == []
    assert raw(html) == []
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and r"\u202eDEVORP" in html
    return page


def test_html_escapes_user_markup_and_shows_control_characters(outputs):
    _, out, _ = outputs["html"]
    page = check_page(out)
    assert page.names() >= {"html", "table", "svg", "text", "pre"}


def test_a_rendered_review_escapes_user_markup_and_shows_control_characters(folder):
    code, out, _ = run_cli("report", "-q", "--no-sanity", "review.md", cwd=folder)
    assert code == 1
    check_page(out)


def test_json_and_itf_keep_the_exact_text_as_data(outputs, folder):
    _, out, _ = outputs["json"]
    assert raw(out) == []  # C1 and bidi controls as \\u escapes: the same data, nothing raw on a terminal
    report = json.loads(out)
    spec, bad = report["files"]
    assert spec["path"] == NAME and bad["path"] == BAD
    assert {p["cite"] for p in spec["properties"]} - {None} == {HOSTILE}
    assert bad["errors"][0]["path"] == BAD and bad["errors"][0]["code"] == "GOV100"
    # (the traces of the valid spec alone: with an invalid file in the run, no output file is written)
    assert run_cli("check", "-q", "--no-sanity", "--trace-out", "trace.itf.json", NAME, cwd=folder)[0] == 1
    text = (folder / "trace.itf.json").read_text(encoding="utf-8")
    assert raw(text) == []
    assert {s["step"]["cite"] for s in json.loads(text)["states"][1:]} == {HOSTILE}


# The rules themselves (govspec/safe.py), on the strings that are hardest for each.

TRICKY = [HOSTILE, NAME, "`", "a``b|", "x\\", "a\\|b", " x ", "<b>&lt;</b>", "*a* _b_ ~~c~~ fill_vacancy", "# h", "1. x", "2) y",
          "- z", "+ w", "=", "\\<img src=x onerror=alert(1)>", "<library>/delaware_board.gov:33: warning"]


@pytest.mark.parametrize("text", TRICKY)
def test_a_code_span_in_a_table_cell_shows_the_text_and_nothing_else(text):
    html = MarkdownIt("commonmark").enable("table").render(f"| a | b |\n| --- | --- |\n| {markdown_code(text, cell=True)} | z |\n")
    cells = re.findall(r"<td>(.*?)</td>", html, re.S)
    assert len(cells) == 2 and cells[1] == "z", html
    assert re.fullmatch(r"<code>(.*)</code>", cells[0], re.S) and unescape(cells[0][6:-7]) == shown(text)


@pytest.mark.parametrize("text", TRICKY)
def test_markdown_prose_shows_the_text_and_nothing_else(text):
    html = MarkdownIt("commonmark").render(f"- {markdown_text(text)}")
    assert re.fullmatch(r"<ul>\n<li>(.*)</li>\n</ul>\n", html, re.S) and unescape(html[9:-12]) == shown(text).strip(), html


def test_uris_encode_the_bytes_of_the_path():
    assert uri("specs/openai/board_2023.gov") == "specs/openai/board_2023.gov"
    assert uri("a b/c:d#e?f%.gov") == "a%20b/c%3Ad%23e%3Ff%25.gov"
    assert uri("/tmp/é `x`.gov") == "file:///tmp/%C3%A9%20%60x%60.gov"
    assert uri(os.fsdecode(b"bad\xff.gov")) == "bad%FF.gov"  # (a file name that is not UTF-8)


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_on_a_terminal_shows_the_path_escaped_and_takes_no_markup_from_it(folder):
    """The progress line names the file: rich would read '[/x]' in it as markup (and fail) and pass ESC through."""
    (folder / "x[").mkdir(exist_ok=True)
    (folder / "x[" / "y].gov").write_text(BOARD, encoding="utf-8")
    code, out, err = run_cli("check", "--no-sanity", NAME, "x[/y].gov", cwd=folder, stderr=Terminal())
    assert code == 1 and "internal error" not in err, err
    assert "\u202e" not in err and "\x9b" not in err and "\n.gov" not in err  # (rich writes its own ESC sequences)
