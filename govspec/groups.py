"""A group's members held as one entry with a size, not as a name and a record each (issue 14).

Assumes: nothing (standard library only; below :mod:`govspec.model`).  Guarantees: a group of N
members costs the same to declare, list in a body and sort into classes whatever N is.  Each kind
below is an immutable sequence that reads, compares and hashes as the tuple of its items does, so a
reader that iterates (the reference semantics, the per-member encoding, the reports) sees what it
always saw, one item at a time; a reader that asks a group's members as a whole (the checker, the
counted encoding's class finding) takes :meth:`Chain.chunks` and never makes them.

- :class:`Names`: a group's member names ``g[1]`` .. ``g[N]``; ``in`` reads the name, not a list.
- :class:`Chain`: a sequence made of consecutive parts (tuples, and the groups' sequences): a body's
  members (:class:`govspec.model.Body`), the model's people (:class:`govspec.model.Model`).
  :func:`chain` makes one, and a plain tuple when no part is a group's (a spec without groups keeps
  its tuples).

A member's name is no name a spec can write (``g[1]``: the grammar has no brackets in names), so
the members of a group are listed only through the group: all of a group, or none, is in a body at
the start; a spec names none of them apart.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Sequence

__all__ = ["Items", "Names", "Chain", "chain", "chunks", "member", "member_of", "present", "fingerprint", "frozen", "without"]


class Items(Sequence):
    """What the kinds below share: equality and hash as the tuple of their items (so a tuple and
    one of these with the same items are equal and hash alike), ``+`` as tuples, a tuple's repr.
    Immutable by convention, as a tuple is: nothing assigns an attribute after ``__init__``."""

    __slots__ = ()

    def __eq__(self, other):
        if isinstance(other, (tuple, Items)):
            return len(self) == len(other) and ((isinstance(other, Items) and self.key() == other.key())
                                                or all(map(_same, self, other)))
        return NotImplemented

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self):
        return hash(tuple(self))

    def __add__(self, other):
        return tuple(self) + tuple(other) if isinstance(other, (tuple, Items)) else NotImplemented

    def __radd__(self, other):
        return tuple(other) + tuple(self) if isinstance(other, tuple) else NotImplemented

    def __repr__(self) -> str:
        return repr(tuple(self))

    def __getitem__(self, i):
        """The item at ``i`` (an int, counted from the end when negative), or a tuple (a slice)."""
        if isinstance(i, slice):
            return tuple(map(self._at, range(*i.indices(len(self)))))
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(f"{type(self).__name__} index out of range")
        return self._at(i)

    def _at(self, i: int):
        """The item at ``0 <= i < len(self)``."""
        raise NotImplementedError

    def key(self) -> tuple:
        """What tells two of these apart without reading their items (equal keys: equal items)."""
        raise NotImplementedError


def _same(a, b) -> bool:
    return a is b or a == b


class Names(Items):
    """The names of a group's members, ``group[1]`` .. ``group[size]``."""

    __slots__ = ("group", "size")

    def __init__(self, group: str, size: int):
        self.group, self.size = group, size

    def __reduce__(self):
        return Names, (self.group, self.size)

    def __len__(self) -> int:
        return self.size

    def _at(self, i: int) -> str:
        return f"{self.group}[{i + 1}]"

    def __iter__(self):
        return map(f"{self.group}[{{}}]".format, range(1, self.size + 1))

    def __contains__(self, name) -> bool:
        return self.place(name) is not None

    def place(self, name) -> int | None:
        """Where ``name`` is among these (0 for ``group[1]``), or None if it is not one of them."""
        number = member_of(name, self.group)
        return number - 1 if number is not None and number <= self.size else None

    def index(self, name, start: int = 0, stop: int | None = None) -> int:
        i = self.place(name)
        if i is None or i < start or (stop is not None and i >= stop):
            raise ValueError(f"{name!r} is not in the group")
        return i

    def key(self) -> tuple:
        return ("names", self.group, self.size)


def member(name) -> tuple[str, int] | None:
    """(group, i) when ``name`` is written as :class:`Names` writes ``group[i]``, else None."""
    if not (isinstance(name, str) and name.endswith("]")):
        return None
    group = name[:name.rfind("[")]
    number = member_of(name, group)
    return None if number is None else (group, number)


def member_of(name, group: str) -> int | None:
    """The number ``i`` when ``name`` is ``group[i]`` as :class:`Names` writes it (``i`` from 1, no
    leading zero), else None."""
    if not (isinstance(name, str) and name.startswith(group) and name.endswith("]")
            and name[len(group):len(group) + 1] == "["):
        return None
    digits = name[len(group) + 1:-1]
    if not digits.isdigit() or not digits.isascii() or digits[0] == "0":
        return None
    return int(digits)


class Chain(Items):
    """Consecutive parts read as one sequence: tuples, and the sequences of groups (made by
    :func:`chain`, which gives a plain tuple when no part is a group's)."""

    __slots__ = ("chunks", "_starts", "_len")

    def __init__(self, chunks):
        chunks = tuple(chunks)
        starts, total = [], 0
        for c in chunks:
            starts.append(total)
            total += len(c)
        self.chunks, self._starts, self._len = chunks, tuple(starts), total

    def __reduce__(self):
        return Chain, (self.chunks,)

    def __len__(self) -> int:
        return self._len

    def _at(self, i: int):
        k = bisect_right(self._starts, i) - 1
        return self.chunks[k][i - self._starts[k]]

    def __iter__(self):
        return itertools.chain.from_iterable(self.chunks)

    def __contains__(self, item) -> bool:
        return any(item in c for c in self.chunks)

    def key(self) -> tuple:
        return ("chain", *(c.key() if isinstance(c, Items) else c for c in self.chunks))


def chain(parts) -> tuple | Chain:
    """The parts as one sequence: a tuple when every part is a plain sequence (a spec without
    groups), else a :class:`Chain` whose parts are the groups' sequences and tuples of what lies
    between them (empty parts left out)."""
    chunks: list = []
    loose: list = []
    for part in parts:
        if isinstance(part, Items):
            if loose:
                chunks.append(tuple(loose))
                loose = []
            if len(part):
                chunks.extend(part.chunks if isinstance(part, Chain) else (part,))
        else:
            loose.extend(part)
    if not chunks:
        return tuple(loose)
    if loose:
        chunks.append(tuple(loose))
    return Chain(chunks)


def chunks(items) -> tuple:
    """The parts of a sequence: a :class:`Chain`'s parts, else the sequence as its one part."""
    return items.chunks if isinstance(items, Chain) else (items,)


def present(items, known) -> list:
    """The items of ``items`` that are in ``known`` (a set or dict), in the order of ``items``; a
    group's names are looked up through ``known`` when it is the smaller (a group of 10,000 counted
    members, a few named people: no pass over the group)."""
    found: list = []
    for c in chunks(items):
        if isinstance(c, Names) and len(known) < len(c):
            found += sorted(filter(c.__contains__, known), key=c.place)
        else:
            found += filter(known.__contains__, c)
    return found


def fingerprint(items):
    """What a cache may key ``items`` by without reading them: a group's sequence by its parts
    (equal fingerprints: equal items), anything else as itself."""
    return ("items", items.key()) if isinstance(items, Items) else items


def frozen(items):
    """``items`` as an immutable sequence: a tuple, or a group's sequence as it is."""
    return items if isinstance(items, Items) else tuple(items)


def without(items, names) -> tuple | Chain | list:
    """``items`` less ``names``: a group's names are kept whole when none of ``names`` is among them."""
    if not isinstance(items, Items):
        return [x for x in items if x not in names]
    return chain([x for x in c if x not in names] if not isinstance(c, Names) or any(map(c.__contains__, names))
                 else c for c in chunks(items))
