"""The grammar (``govspec/grammar.lark``), loaded once as an LALR(1) parser.

Assumes: the grammar file ships with the package (``package-data`` in pyproject.toml).
Guarantees: one cached :class:`lark.Lark` parser that records the positions of every rule
(``propagate_positions``), for :mod:`.parser` to parse with and :mod:`.mistakes` to name terminals.
A name (``NAME``) may hold combining marks after its first letter (a decomposed 'é', Devanagari
vowel signs), which the file's regular expression ``\\w`` alone does not match, and every name is
given in Unicode normalisation form NFC: ``é`` typed as one character or as ``e`` and an accent is
one name.  The token keeps its place in the text as written, so columns stay those of the file.

Building the parser (Lark's grammar analysis and its check that no two terminals collide) costs
more than the rest of a small check, so the built parser is kept in the user's cache directory
(``$GOVSPEC_CACHE``, else ``$XDG_CACHE_HOME/govspec``, else ``~/.cache/govspec``;
``GOVSPEC_CACHE=off`` turns it off).  The file's name is a hash of everything the parser is built
from (this module, the grammar, the Lark, Python and Unicode versions), so a changed grammar or
Lark never reads a stale parser; a file that does not load is rebuilt, and a new one is written
whole (to a temporary name, then renamed).  The file is a pickle of the parser's objects as built
(loading it costs a third of rebuilding Lark's tables from Lark's own cache format, issue 14), kept
only after a copy loaded back from it parsed the bundled specs as the built parser did.  Being a
pickle, it is used only in a directory that the user owns and no one else can write to; anywhere
else, and when it cannot be written, the parser is built in memory each time.  A wheel installed
read-only needs nothing more: the cache is the user's, not the package's.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import io
import itertools
import os
import pickle
import re
import stat
import sys
import tempfile
import types
import typing
import unicodedata
from pathlib import Path
from importlib import resources
from re import _compiler as re_compiler, _parser as re_parser

from lark import Lark, Token, UnexpectedInput
from lark.lark import PostLex

_MARKS = ("Mn", "Mc", "Me")


@functools.lru_cache(maxsize=1)
def combining_marks() -> str:
    """A regular-expression character class of every combining mark (categories Mn, Mc, Me).

    The marks are written as themselves, not as ``\\U`` escapes: Python's regular-expression
    parser reads a character four times faster than an escape, and the contextual lexer compiles
    this class again in every parser state where a name may come (issue 14).  No mark is one of
    the characters a class treats specially (``]``, ``\\``, ``^``, ``-``)."""
    ranges: list[list[int]] = []
    for code in itertools.chain(range(0x20000), range(0xE0000, 0xE1000)):  # (no marks on planes 2 to 13)
        if unicodedata.category(chr(code)) in _MARKS:
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return "[" + "".join(f"{chr(a)}-{chr(b)}" if a != b else chr(a) for a, b in ranges) + "]"


def _with_marks(terminal) -> None:
    if terminal.name == "NAME":
        # [^\W\d]\w* from the grammar file, combining marks allowed after the first letter
        terminal.pattern.value = r"[^\W\d](?:\w|" + combining_marks() + ")*"


def _nfc(token: Token) -> Token:
    if token.isascii():
        return token
    normal = unicodedata.normalize("NFC", token)
    return token if normal == token else token.update(value=normal)


def cache_dir() -> Path | None:
    """Where the built parser is kept, or None when it is not (``GOVSPEC_CACHE=off``)."""
    chosen = os.environ.get("GOVSPEC_CACHE")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "no", "false") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "govspec"


def _private(folder: Path) -> bool:
    """A directory that this user owns and nobody else may write to (a pickle is read from it)."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)):
        return False
    return os.access(folder, os.W_OK | os.X_OK)


def cache_file(grammar: str) -> Path | None:
    """The cache file for this grammar and everything else the parser is built from, or None."""
    folder = cache_dir()
    if folder is None or not _private(folder):
        return None
    import lark

    key = hashlib.sha256()
    for part in (grammar, Path(__file__).read_text(encoding="utf-8"), lark.__version__,
                 sys.version, unicodedata.unidata_version):
        key.update(part.encode("utf-8") + b"\0")
    return folder / f"parser-{key.hexdigest()[:32]}.pickle"


class _NamesInNfc(PostLex):
    """Every NAME token in NFC, as the lexer gives it to the parser.  (A step after the lexer, not a
    lexer callback: Lark chains a callback on NAME with its keyword check through a lambda, which
    the cached parser could not keep.)"""

    always_accept = ()

    def process(self, stream):
        for token in stream:
            yield _nfc(token) if token.type == "NAME" else token


_NFC = _NamesInNfc()


def _build(grammar: str) -> Lark:
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=False,
                edit_terminals=_with_marks, postlex=_NFC)


class _Pickler(pickle.Pickler):
    """The parser's objects as they are, except what a process already holds: modules, and the
    objects a module of Lark (or this one) holds by name, such as the parser's actions ``Shift``
    and ``Reduce``, which Lark tells apart by identity.  Those are written as the module's import
    and a ``getattr`` (each once: pickle remembers an object it has written)."""

    def __init__(self, file, names: dict[int, tuple[str, str]]):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.names = names

    def reducer_override(self, obj):
        if isinstance(obj, types.ModuleType):
            return importlib.import_module, (obj.__name__,)
        held = self.names.get(id(obj))
        if held is not None:
            return getattr, (sys.modules[held[0]], held[1])
        if isinstance(obj, re.Pattern):
            return _compiled_reduced(obj)
        return NotImplemented


def _compiled_reduced(pattern: re.Pattern):
    """A regular expression written with its compiled program, so that loading it does not compile
    it again (Python's compiler is Python code: the lexers' expressions were most of a small
    parse).  This is the private constructor ``re.compile`` ends with, for this Python only (the
    cache file's name holds the Python version); written so only if the expression it makes is
    equal to ``pattern`` (same text, flags and program), else pickled as usual (compiled on load)."""
    try:
        parsed = re_parser.parse(pattern.pattern, pattern.flags)
        names = [None] * parsed.state.groups  # (what re.compile gives _sre: each group's name, None if unnamed)
        for name, index in parsed.state.groupdict.items():
            names[index] = name
        args = (pattern.pattern, pattern.flags, [int(op) for op in re_compiler._code(parsed, pattern.flags)],
                parsed.state.groups - 1, dict(parsed.state.groupdict), tuple(names))
        made = re_compiler._sre.compile(*args)
        if made == pattern and made.groupindex == pattern.groupindex and made.groups == pattern.groups:
            return re_compiler._sre.compile, args
    except Exception:
        pass
    return NotImplemented


def _with_scanners(built: Lark) -> None:
    """Compile now the lexer of every parser state (Lark compiles each on first use), to be kept."""
    try:
        lexer = built.parser.lexer.lexer  # (inside the step after it, _NamesInNfc)
        for basic in [*lexer.lexers.values(), lexer.root_lexer]:
            basic.scanner  # noqa: B018 (builds it)
    except AttributeError:  # (a Lark laid out otherwise: its lexers are compiled on first use)
        pass


# (values of no identity that matters, and what pickle writes by its own name: classes, functions, modules)
_BY_VALUE_OR_OWN_NAME = (str, bytes, int, float, type(None), type, types.FunctionType, types.BuiltinFunctionType,
                         types.ModuleType)


def _held_by_name() -> dict[int, tuple[str, str]]:
    """id -> (module, name) of each object a module of Lark or this module holds by name."""
    found: dict[int, tuple[str, str]] = {}
    for module_name, module in list(sys.modules.items()):
        if module_name == "lark" or module_name.startswith("lark.") or module_name == __name__:
            for name, value in vars(module).items():
                if not isinstance(value, _BY_VALUE_OR_OWN_NAME):
                    found.setdefault(id(value), (module_name, name))
    return found


def _dumped(built: Lark) -> bytes:
    """The parser as the cache keeps it, the lexer of every parser state compiled.  Lark's own cache
    format (``Lark.save``) rebuilds every table from plain data on loading, and the lexers are
    compiled on first use: together about 0.06 s more in every process."""
    f = io.BytesIO()
    _with_scanners(built)
    kept = {k: v for k, v in vars(built).items() if k not in ("grammar", "source_grammar")}  # (as Lark.save)
    _Pickler(f, _held_by_name()).dump(kept)
    return f.getvalue()


def _loaded(data: typing.BinaryIO) -> Lark:
    parser = Lark.__new__(Lark)
    parser.__dict__.update(pickle.load(data))
    return parser


def _parses_of(parser: Lark) -> list:
    """What ``parser`` makes of the bundled specs and of a broken text: trees, tokens with their
    kinds and places, and the error's place and expected terminals."""
    texts = [f.read_text(encoding="utf-8") for f in sorted(resources.files("govspec").joinpath("library").iterdir())
             if f.name.endswith(".gov")]
    found = []
    for text in [*texts, 'organization "x" {\n  person a\n  body b { members a, }\n}']:
        try:
            tree = parser.parse(text)
        except UnexpectedInput as err:
            found.append((type(err).__name__, err.line, err.column, sorted(getattr(err, "expected", ()))))
        else:
            found.append((tree, [(t.type, t, t.line, t.column, t.end_pos) for t in tree.scan_values(
                lambda v: isinstance(v, Token))]))
    return found


def _read(path: Path) -> Lark | None:
    """The parser kept at ``path``, or None if there is none or it does not load."""
    try:
        with path.open("rb") as f:
            return _loaded(f)
    except FileNotFoundError:
        return None
    except Exception:  # a damaged or foreign file: built again and replaced
        return None


def _keep(built: Lark, path: Path) -> None:
    """Write the parser whole: to a temporary name, then renamed (a reader never sees half a file).
    It is kept only if, loaded back, it parses the bundled specs and a broken text exactly as the
    parser just built (a Lark whose objects no longer survive a pickle is not trusted: it is
    built in every process instead)."""
    data = _dumped(built)
    try:
        if _parses_of(_loaded(io.BytesIO(data))) != _parses_of(built):
            return
    except Exception:
        return
    handle, fresh = tempfile.mkstemp(prefix=".parser-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(data)
        os.replace(fresh, path)
    except OSError:  # a full disk, a folder gone: the parser is still good, only not kept
        pass
    finally:
        if os.path.exists(fresh):
            os.unlink(fresh)


@functools.lru_cache(maxsize=1)
def parser() -> Lark:
    grammar = resources.files("govspec").joinpath("grammar.lark").read_text(encoding="utf-8")
    kept = cache_file(grammar)
    if kept is not None:
        cached = _read(kept)
        if cached is not None:
            return cached
    built = _build(grammar)
    if kept is not None:
        _keep(built, kept)
    return built
