"""govspec.records: frozen dataclasses made without compiling five of their six methods (issue 14).

Each class is made twice, by the standard library and by ``govspec.records.dataclass``, and the two
must not be told apart: fields, signature, docstring, equality, hash, repr, assignment errors,
pickling, copying, ``replace``, pattern matching."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from fractions import Fraction

import pytest

from govspec import ast, diagnostics, model, records


def _pair(slots: bool):
    """The same classes from the standard library and from records, by module-level names (pickle)."""
    made = {}
    for maker, tag in ((dataclasses.dataclass, "std"), (records.dataclass, "rec")):
        decorate = maker(frozen=True, slots=slots)

        class Base:
            span: int

        Base = decorate(Base)

        class Leaf(Base):
            value: Fraction
            text: str | None = None
            notes: tuple = dataclasses.field(default_factory=tuple)
            written: str = dataclasses.field(default="", compare=False, repr=False)
            hidden: int = dataclasses.field(default=0, hash=False)

        Leaf = decorate(Leaf)

        class Empty:
            """No fields."""

        Empty = decorate(Empty)

        class Checked:
            n: int

            def __post_init__(self):
                if self.n < 0:
                    raise ValueError("negative")

        Checked = decorate(Checked)

        class OwnHash:
            n: int

            def __hash__(self):
                return 7

        OwnHash = decorate(OwnHash)

        class OwnEq:
            n: int

            def __eq__(self, other):
                return True

        OwnEq = decorate(OwnEq)
        for cls in (Base, Leaf, Empty, Checked, OwnHash, OwnEq):
            cls.__qualname__ = cls.__name__ = f"{cls.__name__}_{tag}_{int(slots)}"
            globals()[cls.__name__] = cls
        made[tag] = dict(Base=Base, Leaf=Leaf, Empty=Empty, Checked=Checked, OwnHash=OwnHash, OwnEq=OwnEq)
    return made["std"], made["rec"]


def _values(kinds):
    Leaf = kinds["Leaf"]
    return [Leaf(1, Fraction(1, 2)), Leaf(1, Fraction(1, 2), "½", ("a",), "x", 3), Leaf(2, Fraction(1))]


def _shape(obj):
    """What a user can observe of one value, without its class's name."""
    name = type(obj).__name__
    return repr(obj).replace(name, "C")


@pytest.mark.parametrize("slots", [True, False])
def test_records_behave_as_the_standard_librarys_frozen_dataclasses(slots):
    std, rec = _pair(slots)
    assert records.made_here(rec["Leaf"]) and not records.made_here(std["Leaf"])
    for name in std:
        a, b = std[name], rec[name]
        assert [(f.name, f.type, f.default, f.compare, f.repr, f.hash) for f in dataclasses.fields(a)] == \
               [(f.name, f.type, f.default, f.compare, f.repr, f.hash) for f in dataclasses.fields(b)]
        assert str(inspect.signature(a)) == str(inspect.signature(b))
        assert a.__match_args__ == b.__match_args__
        assert (a.__doc__ or "").replace(a.__name__, "C") == (b.__doc__ or "").replace(b.__name__, "C")
        assert ("__slots__" in a.__dict__) == ("__slots__" in b.__dict__) == slots
    xs, ys = _values(std), _values(rec)
    for x, y in zip(xs, ys):
        assert _shape(x) == _shape(y)
        assert hash(x) == hash(y)
        for x2, y2 in zip(xs, ys):
            assert (x == x2) == (y == y2) and (x != x2) == (y != y2)
        assert pickle.loads(pickle.dumps(y)) == y and copy.deepcopy(y) == y and copy.copy(y) == y
        assert dataclasses.replace(y, span=9) == type(y)(9, *[getattr(y, f.name) for f in dataclasses.fields(y)][1:])
        assert dataclasses.asdict(x) == dataclasses.asdict(y)
        leaf = rec["Leaf"]
        match y:
            case leaf(span, value):
                assert (span, value) == (y.span, y.value)
    assert ys[0] == type(ys[0])(1, Fraction(1, 2), written="other")  # (compare=False)
    assert hash(ys[0]) == hash(type(ys[0])(1, Fraction(1, 2), hidden=5))  # (hash=False)
    assert ys[0] != xs[0] and ys[0].__eq__(xs[0]) is NotImplemented  # another class
    for kinds in (std, rec):
        y = _values(kinds)[0]
        with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'span'"):
            y.span = 2
        with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'value'"):
            del y.value
        with pytest.raises(ValueError, match="negative"):
            kinds["Checked"](-1)
        with pytest.raises(TypeError):
            kinds["Leaf"](1)  # a field without default left out
        assert kinds["Empty"]() == kinds["Empty"]() and hash(kinds["Empty"]()) == hash(())
        assert hash(kinds["OwnHash"](1)) == 7 and kinds["OwnEq"](1) == kinds["OwnEq"](2)
        assert kinds["OwnEq"].__hash__ is not None  # (a written __eq__ does not keep the hash from being made)


def test_defaults_after_a_field_without_one_are_refused_as_by_the_standard_library():
    class Bad:
        a: int = 1
        b: int

    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):
        records.dataclass(frozen=True)(Bad)


def test_other_options_are_the_standard_librarys():
    @records.dataclass
    class Plain:
        a: int

    Plain(1).a = 2  # not frozen
    assert not records.made_here(Plain)


def test_the_syntax_tree_and_the_model_are_made_here():
    """The speed-up is kept: the classes of every small check come from records (not silently
    back to the standard library, which compiles six methods a class)."""
    for module in (ast, model, diagnostics):
        frozen = [c for c in vars(module).values() if isinstance(c, type) and dataclasses.is_dataclass(c)
                  and c.__module__ == module.__name__]
        assert frozen and all(records.made_here(c) for c in frozen), module.__name__
    assert model.Num(Fraction(1)) == model.Num(Fraction(1), written="1") and repr(model.Num(Fraction(1))) == \
        "Num(value=Fraction(1, 1), written=None)"


@dataclasses.dataclass(frozen=True, slots=True)
class _StdPerson:
    name: str
    weight: Fraction = Fraction(1)
    written: str | None = dataclasses.field(default=None, compare=False)


@records.dataclass(frozen=True, slots=True, guarded=False)
class _Unguarded:
    name: str
    weight: Fraction = Fraction(1)
    written: str | None = dataclasses.field(default=None, compare=False)


def test_an_unguarded_record_is_the_frozen_one_but_for_the_guard():
    """``guarded=False`` (govspec.model.Person): the same fields, signature, equality, hash, repr,
    pickling, copying and ``replace`` as the standard library's frozen class; only assignment is
    not refused (frozen by convention)."""
    std, rec = _StdPerson("a", Fraction(2), "2"), _Unguarded("a", Fraction(2), "2")
    assert [f.name for f in dataclasses.fields(rec)] == [f.name for f in dataclasses.fields(std)]
    assert str(inspect.signature(_Unguarded)) == str(inspect.signature(_StdPerson))
    assert repr(rec) == repr(std).replace("_StdPerson", "_Unguarded")
    assert hash(rec) == hash(std) and rec == _Unguarded("a", Fraction(2), None) and rec != _Unguarded("b")
    assert pickle.loads(pickle.dumps(rec)) == rec and copy.deepcopy(rec) == rec
    assert dataclasses.replace(rec, weight=Fraction(3)).weight == 3 and rec.weight == 2
    assert _Unguarded.__setattr__ is object.__setattr__ and not hasattr(rec, "__dict__")
    assert records.unguarded(_Unguarded) and not records.unguarded(model.Office)
    with pytest.raises(dataclasses.FrozenInstanceError):
        std.name = "b"
    rec.name = "b"  # (not refused: nothing in govspec does it, a test below reads the code for it)
    assert rec.name == "b"
    # the standard library's path (a base it made, another option) refuses it rather than guard silently
    with pytest.raises(TypeError, match="guarded=False"):
        records.dataclass(frozen=True, slots=True, guarded=False)(
            type("Leaf", (_StdPerson,), {"__annotations__": {"x": int}, "x": 0}))
    with pytest.raises(TypeError, match="guarded=False"):
        records.dataclass(frozen=True, eq=True, guarded=False)(type("Other", (), {"__annotations__": {"x": int}}))


def test_no_code_assigns_a_field_of_an_unguarded_record():
    """The records made by the ten thousand (``Person``, ``PersonDecl``, ``Span``) are frozen by
    convention, not guarded: nothing in govspec or verifier assigns or deletes one of their fields
    after creation (the model caches what it computes from them), read from the code: an attribute
    of such a name stored to or deleted (an assignment, ``del``, a ``for`` or ``with`` target, a
    comprehension's), on anything but ``self`` outside those classes, or a setattr, ``__set__`` or
    ``__delattr__`` call that may name one."""
    import ast as syntax
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    made = [c for module in (ast, model, diagnostics) for c in vars(module).values()
            if isinstance(c, type) and records.unguarded(c)]
    assert {c.__name__ for c in made} >= {"Person", "PersonDecl", "Span"}
    fields = {f.name for c in made for f in dataclasses.fields(c)}
    guarded_by_convention = {c.__name__ for c in made} | {b.__name__ for c in made for b in c.__mro__[1:-1]}
    assigned = []

    def visit(node, inside: str | None, path) -> None:
        if isinstance(node, syntax.ClassDef):
            inside = node.name
        if (isinstance(node, syntax.Attribute) and isinstance(node.ctx, (syntax.Store, syntax.Del)) and node.attr in fields
                and not (isinstance(node.value, syntax.Name) and node.value.id in ("self", "cls")
                         and inside not in guarded_by_convention)):
            assigned.append(f"{path.relative_to(root)}:{node.lineno}")
        called = getattr(node.func, "id", getattr(node.func, "attr", None)) if isinstance(node, syntax.Call) else None
        if called == "__set__" or (called in ("setattr", "__setattr__", "delattr", "__delattr__") and not (
                len(node.args) > 1 and isinstance(node.args[1], syntax.Constant) and node.args[1].value not in fields)):
            assigned.append(f"{path.relative_to(root)}:{node.lineno} ({called})")  # (not: a cache of its own name)
        for child in syntax.iter_child_nodes(node):
            visit(child, inside, path)

    for folder in ("govspec", "verifier"):
        for path in sorted((root / folder).rglob("*.py")):
            visit(syntax.parse(path.read_text(encoding="utf-8")), None, path)
    # (the setattr calls that make classes: records.py builds dataclasses, interrupts.py wraps methods)
    assert [a for a in assigned if not a.startswith(("govspec/records.py:", "verifier/interrupts.py:"))] == []


def test_a_person_is_equal_and_hashed_by_value():
    span = diagnostics.Span("s.gov", 1, 1, 1, 2)
    a, b = (model.Person("a", frozenset({"t"}), Fraction(1), span) for _ in range(2))
    assert a == b and a is not b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != dataclasses.replace(a, weight=Fraction(2))
    decl = ast.PersonDecl(span, "a", (), Fraction(1), None)
    assert decl == ast.PersonDecl(span, "a", (), Fraction(1), None) and hash(decl) == hash(dataclasses.replace(decl))
    with pytest.raises(dataclasses.FrozenInstanceError):  # (a guarded base's fields stay guarded elsewhere)
        ast.Name(span, "a").name = "b"
