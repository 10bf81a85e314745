"""``@dataclass(frozen=True)`` classes made for a fraction of the import time.

Assumes: nothing (standard library only); the lowest layer, for any module of govspec or verifier.
Guarantees: :func:`dataclass` is a drop-in for :func:`dataclasses.dataclass`.  Called with
``frozen=True`` (and ``slots`` or not, nothing else), it makes the class the standard library
would make: the same fields (``dataclasses.fields``, ``replace``, ``asdict``, ``__match_args__``,
``__slots__``), and ``__init__``, ``__eq__``, ``__hash__``, ``__repr__``, ``__setattr__`` and
``__delattr__`` that behave as the generated ones do (equality and hash over the same tuples of
fields, the same ``repr``, :class:`dataclasses.FrozenInstanceError` on assignment, ``__post_init__``
called, pickling of slotted classes).  Called otherwise, it is :func:`dataclasses.dataclass`.
With ``guarded=False`` besides (this module's own option), the class is frozen by convention only:
the same methods but object's own ``__setattr__`` and ``__delattr__`` (over a guarded base's), and
``__init__`` assigns each field as a plain class does, several times faster than through a guard (for records made by the ten
thousand, the members of a group: :class:`govspec.model.Person`); nothing may assign a field after.
Where the standard library would make the class (a base it made, another option), ``guarded=False``
is a TypeError at import, never a guarded class made silently.

Why: the standard library writes each generated method as source text and compiles it, six methods
for a frozen class, about 0.75 ms a class; the syntax tree, the model and the report have over a
hundred such classes, about 0.1 s of every ``govspec check`` (issue 14: a small check within twice
the imports it needs).  Here only ``__init__`` is compiled (its signature is the fields'); the
other methods are closures over each class's tuples of field names.

One difference shows: ``__dataclass_params__.frozen`` reads False (the standard library builds the
class unfrozen; this module makes it frozen after).  So a class of this module is subclassed with
this module's ``dataclass`` (which accepts bases of its own making); the standard library's
``dataclass(frozen=True)`` refuses such a base with a TypeError at import, never silently.
"""

from __future__ import annotations

import dataclasses
import inspect
import reprlib
import types
from operator import attrgetter

__all__ = ["dataclass", "field", "made_here", "unguarded"]

field = dataclasses.field
_MISSING = dataclasses.MISSING
_MARK = "__govspec_record__"  # set on each class made here
_UNGUARDED = "__govspec_unguarded__"  # set on each class made here with guarded=False


class _Factory:
    """The default of a field with a ``default_factory`` in the signature (as ``<factory>``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def made_here(cls) -> bool:
    return cls.__dict__.get(_MARK, False)


def unguarded(cls) -> bool:
    """Made here with ``guarded=False``: frozen by convention only."""
    return cls.__dict__.get(_UNGUARDED, False)


def dataclass(cls=None, /, **options):
    """:func:`dataclasses.dataclass`; with ``frozen=True`` (and ``slots``), made as the module says."""
    fast = options.get("frozen") is True and set(options) <= {"frozen", "slots", "guarded"}

    def wrap(cls):
        if options.get("guarded", True) is not True and not (fast and _only_bases_made_here(cls)):
            raise TypeError(f"{cls.__qualname__}: guarded=False makes a frozen class of this module's own (frozen=True, "
                            "slots or not, and bases made here); the standard library's would be guarded")
        if not fast or not _only_bases_made_here(cls):
            return dataclasses.dataclass(cls, **options)
        return _frozen(cls, options.get("slots", False), options.get("guarded", True))

    return wrap if cls is None else wrap(cls)


def _only_bases_made_here(cls) -> bool:
    """No base is a dataclass the standard library made (its checks of frozen bases then apply)."""
    return all(made_here(b) for b in cls.__mro__[1:] if "__dataclass_fields__" in b.__dict__)


def _frozen(cls, slots: bool, guarded: bool = True):
    undocumented = not cls.__dict__.get("__doc__")
    if undocumented:
        cls.__doc__ = "-"  # (the standard library would describe it by the signature of an inherited __init__)
    own = set(cls.__dict__)  # methods the class writes itself are kept, as the standard library keeps them
    explicit_hash = "__hash__" in own and not (cls.__dict__["__hash__"] is None and "__eq__" in own)
    cls = dataclasses.dataclass(cls, init=False, repr=False, eq=False, frozen=False, slots=slots)
    fields = dataclasses.fields(cls)
    pseudo = [f for f in cls.__dataclass_fields__.values() if f not in fields]  # (ClassVar, InitVar)
    if any("InitVar" in str(f.type) for f in pseudo) or any(f.kw_only or not f.init for f in fields):
        raise TypeError(f"{cls.__qualname__}: govspec.records makes no InitVar, kw_only or init=False field; "
                        "use dataclasses.dataclass")
    if own & {"__setattr__", "__delattr__"}:
        raise TypeError(f"Cannot overwrite attribute __setattr__ or __delattr__ in class {cls.__name__}")
    methods = {"__init__": _init(cls, fields, guarded), **_methods(cls, fields, slots, guarded)}
    for name, method in methods.items():
        # (the hash is set over a None that a written __eq__ leaves, as the standard library does)
        if name not in own or (name == "__hash__" and not explicit_hash):
            if isinstance(method, types.FunctionType):  # (not object's own)
                method.__qualname__ = f"{cls.__qualname__}.{name}"
                method.__module__ = cls.__module__
            setattr(cls, name, method)
    setattr(cls, _MARK, True)
    setattr(cls, _UNGUARDED, not guarded)
    if undocumented:  # (the standard library's: the class's name and signature, written as inspect writes it)
        cls.__doc__ = cls.__name__ + "(" + ", ".join(map(_parameter, fields)) + ")"
    return cls


def _parameter(f) -> str:
    text = f"{f.name}: {inspect.formatannotation(f.type)}"
    if f.default is not _MISSING:
        return f"{text} = {f.default!r}"
    return text + (" = <factory>" if f.default_factory is not _MISSING else "")


def _tuple_of(names: tuple[str, ...]):
    """self -> the tuple of these attributes (as the generated methods write ``(self.a, self.b)``)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        get = attrgetter(names[0])
        return lambda self: (get(self),)
    return lambda self: ()


def _slot(cls, name: str):
    """The slot (member descriptor) that holds attribute ``name`` of ``cls``'s instances, or None."""
    for klass in cls.__mro__:
        if name in klass.__dict__:
            found = klass.__dict__[name]
            return found if isinstance(found, types.MemberDescriptorType) else None
    return None


def _init(cls, fields, guarded: bool = True):
    """The ``__init__`` the standard library writes for a frozen class, compiled once (unguarded:
    as it writes it for a plain class)."""
    params, body, scope = [], [], {"__records_factory__": _FACTORY, "__records_set__": object.__setattr__}
    defaulted = False
    for f in fields:
        if f.default is not _MISSING:
            scope[f"_dflt_{f.name}"] = f.default
            params.append(f"{f.name}=_dflt_{f.name}")
        elif f.default_factory is not _MISSING:
            scope[f"_dflt_{f.name}"] = f.default_factory
            params.append(f"{f.name}=__records_factory__")
            body.append(f"  if {f.name} is __records_factory__: {f.name} = _dflt_{f.name}()")
        elif defaulted:
            raise TypeError(f"non-default argument {f.name!r} follows default argument")
        else:
            params.append(f.name)
        defaulted = defaulted or f.default is not _MISSING or f.default_factory is not _MISSING
    for f in fields:  # (a slot is set by its own descriptor: about a third faster than object.__setattr__)
        slot = _slot(cls, f.name)
        if not guarded:
            body.append(f"  self.{f.name} = {f.name}")
        elif slot is None:
            body.append(f"  __records_set__(self, {f.name!r}, {f.name})")
        else:
            scope[f"_set_{f.name}"] = slot.__set__
            body.append(f"  _set_{f.name}(self, {f.name})")
    if hasattr(cls, "__post_init__"):
        body.append("  self.__post_init__()")
    exec(f"def __init__({', '.join(['self', *params])}):\n" + ("\n".join(body) or "  pass"), scope)
    init = scope["__init__"]
    init.__annotations__ = {**{f.name: f.type for f in fields}, "return": None}
    return init


def _methods(cls, fields, slots: bool, guarded: bool = True) -> dict:
    names = tuple(f.name for f in fields)
    compared = _tuple_of(tuple(f.name for f in fields if f.compare))
    hashed = _tuple_of(tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash)))
    shown = tuple(f.name for f in fields if f.repr)

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return compared(self) == compared(other)
        return NotImplemented

    def __hash__(self):
        return hash(hashed(self))

    @reprlib.recursive_repr("...")
    def __repr__(self):
        return self.__class__.__qualname__ + "(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in shown) + ")"

    def __setattr__(self, name, value):
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self, name):
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    methods = {"__eq__": __eq__, "__hash__": __hash__, "__repr__": __repr__}
    if guarded:
        methods.update(__setattr__=__setattr__, __delattr__=__delattr__)
    else:  # (object's own, over a guarded base's: the interpreter then assigns a slot directly)
        methods.update(__setattr__=object.__setattr__, __delattr__=object.__delattr__)
    if slots:  # (what the standard library adds to a frozen class with slots, for pickle and copy)
        def __getstate__(self):
            return [getattr(self, n) for n in names]

        def __setstate__(self, state):
            for n, value in zip(names, state):
                object.__setattr__(self, n, value)

        methods.update(__getstate__=__getstate__, __setstate__=__setstate__)
    return methods
