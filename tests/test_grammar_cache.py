"""The built parser kept in the user's cache directory (govspec/syntax/grammar.py).

Building the LALR parser (grammar analysis, the terminal-collision check) cost more than the rest
of checking a small spec, in every process.  The cache must never change what is parsed, never be
read when stale or from a directory others can write to, and never be left half-written."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from conftest import ROOT
from govspec.syntax import grammar
from govspec.syntax.parser import parse

SPECS = sorted(ROOT.glob("specs/**/*.gov")) + sorted((ROOT / "govspec" / "library").glob("*.gov"))


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """A cache directory of this test's own, and a parser built again on the next call."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("GOVSPEC_CACHE", str(folder))
    grammar.parser.cache_clear()
    grammar.combining_marks.cache_clear()  # (computed only when the parser is built)
    yield folder, Builds()
    grammar.parser.cache_clear()


@pytest.fixture(scope="module")
def built_once(tmp_path_factory):
    """A cache file written by one build for the module (a build takes about a second: the
    terminal-collision check), for the tests that only read a cached parser."""
    folder = tmp_path_factory.mktemp("built") / "cache"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GOVSPEC_CACHE", str(folder))
        grammar.parser.cache_clear()
        grammar.parser()
        grammar.parser.cache_clear()
    (path,) = kept(folder)
    return path


@pytest.fixture
def cached(fresh, built_once):
    """As ``fresh``, with the cache file of a build already in the directory (as a process that
    built the parser leaves it): the next call reads it."""
    folder, builds = fresh
    folder.mkdir(mode=0o700)
    shutil.copy2(built_once, folder / built_once.name)
    grammar.combining_marks.cache_clear()
    return folder, builds


class Builds:
    """How many times the parser was built (not read from the cache) since the test began."""

    def __len__(self) -> int:
        return grammar.combining_marks.cache_info().misses

    def __eq__(self, other) -> bool:
        return len(self) == other


def kept(folder: Path) -> list[Path]:
    return sorted(folder.iterdir())


def test_the_parser_is_built_once_then_read_from_the_cache(fresh):
    folder, builds = fresh
    grammar.parser()
    assert len(builds) == 1 and [p.name for p in kept(folder)] == [grammar.cache_file(_text()).name]
    grammar.parser.cache_clear()
    grammar.combining_marks.cache_clear()
    grammar.parser()
    assert len(builds) == 0, "the second process built the parser again instead of reading the cache"
    assert len(kept(folder)) == 1, "no temporary file may be left"


def test_a_cached_parser_parses_every_bundled_spec_as_a_built_one(cached, monkeypatch):
    folder, builds = cached
    cached = [parse(p.read_text(encoding="utf-8"), str(p)) for p in SPECS]
    assert len(builds) == 0
    monkeypatch.setenv("GOVSPEC_CACHE", "off")
    grammar.parser.cache_clear()
    built = [parse(p.read_text(encoding="utf-8"), str(p)) for p in SPECS]
    assert len(builds) == 1 and cached == built and len(SPECS) > 10


def test_a_damaged_cache_file_is_rebuilt_not_trusted(fresh):
    folder, builds = fresh
    grammar.parser()
    (path,) = kept(folder)
    path.write_bytes(path.read_bytes()[:200])  # cut short, as by a full disk
    grammar.parser.cache_clear()
    grammar.combining_marks.cache_clear()
    assert parse("organization \"x\" { person a }").organizations
    assert len(builds) == 1
    grammar.parser.cache_clear()
    grammar.combining_marks.cache_clear()
    grammar.parser()
    assert len(builds) == 0, "the rebuilt parser was not written back whole"


def test_a_changed_grammar_or_lark_never_reads_an_old_parser(fresh, monkeypatch):
    text = _text()
    first = grammar.cache_file(text)
    assert grammar.cache_file(text + "\n// a new rule\n") != first
    import lark

    monkeypatch.setattr(lark, "__version__", "0.0.0")
    assert grammar.cache_file(text) != first


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_directory_others_may_write_to_is_not_used(fresh):
    """The cache is a pickle: one planted by another user would run as code."""
    folder, builds = fresh
    folder.mkdir()
    folder.chmod(0o777)
    assert grammar.cache_file(_text()) is None
    grammar.parser()
    assert kept(folder) == [] and len(builds) == 1


def test_no_cache_where_none_can_be_made(fresh, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("GOVSPEC_CACHE", str(blocker / "cache"))
    assert grammar.cache_file(_text()) is None
    assert parse("organization \"x\" { person a }").organizations


@pytest.mark.parametrize("value", ["off", "0", ""])
def test_the_cache_can_be_turned_off(monkeypatch, value):
    monkeypatch.setenv("GOVSPEC_CACHE", value)
    assert grammar.cache_dir() is None


def test_the_default_place_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("GOVSPEC_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert grammar.cache_dir() == tmp_path / "govspec"


def test_a_new_cache_directory_is_private(fresh):
    folder, _ = fresh
    grammar.parser()
    if hasattr(os, "getuid"):
        assert stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0


def _text() -> str:
    return (ROOT / "govspec" / "grammar.lark").read_text(encoding="utf-8")


def test_a_cached_parser_still_gives_names_in_nfc_and_their_places(cached):
    """Names in NFC (a step after the lexer, kept in the cache file by reference) and their places."""
    composed = parse('organization "x" {\n  person \u00e9mile\n}')
    decomposed = parse('organization "x" {\n  person e\u0301mile\n}')
    assert len(Builds()) == 0
    (a,), (b,) = composed.organizations[0].people, decomposed.organizations[0].people
    assert a.name == b.name == "\u00e9mile"
    assert (a.span.line, a.span.column) == (b.span.line, b.span.column) == (2, 3)


def test_the_cache_keeps_larks_objects_that_are_told_apart_by_identity(cached):
    """The parse table's actions are compared with ``is`` by Lark: a copy of them would make every
    shift a reduction.  The kept parser holds Lark's own Shift and Reduce."""
    from lark.parsers.lalr_analysis import Reduce, Shift

    table = grammar.parser().parser.parser.parser.parse_table
    assert len(Builds()) == 0
    actions = {id(action) for row in table.states.values() for action, _ in row.values()}
    assert actions == {id(Shift), id(Reduce)}


def test_a_parser_that_does_not_load_back_the_same_is_not_kept(fresh, monkeypatch):
    folder, builds = fresh
    real = grammar._parses_of
    calls = []

    def differs(parser):
        calls.append(parser)
        return real(parser) + ([] if len(calls) % 2 == 0 else ["a difference"])

    monkeypatch.setattr(grammar, "_parses_of", differs)
    assert parse("organization \"x\" { person a }").organizations
    assert calls and kept(folder) == [], "a parser that parses otherwise once loaded back was kept"


def test_the_cached_parser_holds_every_lexer_compiled(cached):
    """The contextual lexer compiles a regular expression per parser state on first use, most of a
    small parse; the cache keeps them compiled (their compiled programs), so reading a spec compiles none."""
    import re

    lexer = grammar.parser().parser.lexer.lexer
    assert len(Builds()) == 0
    assert all(basic._scanner is not None for basic in lexer.lexers.values())
    compiled = []
    real = re._compiler.compile
    try:
        re._compiler.compile = lambda *a: compiled.append(a) or real(*a)
        re.purge()
        assert parse(next(p for p in SPECS if p.name == "board_2023.gov").read_text(encoding="utf-8")).organizations
    finally:
        re._compiler.compile = real
    assert not [a for a in compiled if "(?P<" in str(a[0])], "a lexer's expression was compiled while parsing"
