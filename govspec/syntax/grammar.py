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
Lark never reads a stale parser; a file that does not load is rebuilt (Lark checks its header), and
a new one is written whole (to a temporary name, then renamed).  The cache is a pickle, so it is
used only in a directory that the user owns and no one else can write to; anywhere else, and when
it cannot be written, the parser is built in memory each time.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import os
import stat
import sys
import tempfile
import unicodedata
from pathlib import Path
from importlib import resources

from lark import Lark, Token

_MARKS = ("Mn", "Mc", "Me")


@functools.lru_cache(maxsize=1)
def combining_marks() -> str:
    """A regular-expression character class of every combining mark (categories Mn, Mc, Me)."""
    ranges: list[list[int]] = []
    for code in itertools.chain(range(0x20000), range(0xE0000, 0xE1000)):  # (no marks on planes 2 to 13)
        if unicodedata.category(chr(code)) in _MARKS:
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return "[" + "".join(f"\\U{a:08x}-\\U{b:08x}" if a != b else f"\\U{a:08x}" for a, b in ranges) + "]"


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
    return folder / f"parser-{key.hexdigest()[:32]}.lark"


_CALLBACKS = {"NAME": _nfc}


def _build(grammar: str) -> Lark:
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=False,
                edit_terminals=_with_marks, lexer_callbacks=_CALLBACKS)


def _read(path: Path) -> Lark | None:
    """The parser kept at ``path``, or None if there is none or it does not load."""
    try:
        with path.open("rb") as f:
            # (what Lark's own cache does: its public Lark.load takes no lexer callbacks)
            return Lark.__new__(Lark)._load(f, lexer_callbacks=_CALLBACKS)
    except FileNotFoundError:
        return None
    except Exception:  # a damaged or foreign file: built again and replaced
        return None


def _keep(built: Lark, path: Path) -> None:
    """Write the parser whole: to a temporary name, then renamed (a reader never sees half a file)."""
    handle, fresh = tempfile.mkstemp(prefix=".parser-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as f:
            built.save(f, exclude_options=("lexer_callbacks", "edit_terminals"))
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
