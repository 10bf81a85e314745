"""Ctrl-C stays a Ctrl-C: it stops the check, and never becomes an answer.

By default Z3 catches SIGINT itself while it searches: the call ends at once with ``unknown``
(reason ``interrupted from keyboard``), or a simplification or tactic with the error ``canceled``,
and Python never sees the signal.  Ctrl-C would then become an UNKNOWN or bounded verdict, or a
fallback taken silently, and the check would go on.  So Z3 leaves SIGINT to Python here
(``ctrl_c`` off): Python raises ``KeyboardInterrupt`` as soon as the running Z3 call returns, and
:func:`stop`, called from another thread when the signal arrives (``govspec.cli`` watches for it),
makes that call return at once.  Every Z3 context is made by :func:`context`, so that :func:`stop`
reaches all of them (``tests/test_outputs_safety.py`` checks that none is made otherwise).

Python cannot always raise the ``KeyboardInterrupt``: in the conversion of a Z3 call's arguments,
ctypes reports it as ``ArgumentError: argument N: KeyboardInterrupt: ``, and in a ctypes callback
(Z3's error handler, which runs when an interrupted call fails) or a ``__del__`` it is dropped;
``govspec.cli`` then calls :func:`stop` with ``owed``.  :func:`keyboard_safe` makes each method of
the engine a door where all of these come out as ``KeyboardInterrupt``.
"""

from __future__ import annotations

import ctypes
import functools
import weakref

import z3

from . import threads

z3.set_param("ctrl_c", False)
threads.install()  # (Z3 objects released only in the thread that does the Z3 work)

_contexts: weakref.WeakSet = weakref.WeakSet()
# poisoned: a context was interrupted outside a call (its next operation fails until a check resets
# it); owed: the KeyboardInterrupt itself was lost, and the engine's door raises it
_state = {"poisoned": False, "owed": False}


def context() -> z3.Context:
    """A fresh Z3 context that :func:`stop` reaches."""
    ctx = z3.Context()
    _contexts.add(ctx)
    threads.own(ctx)  # (this thread works in it: objects dropped elsewhere wait for it)
    return ctx


_engines: weakref.WeakSet = weakref.WeakSet()  # the engines alive: they hold terms of the main context


def fresh_main_context(engine) -> None:
    """Give the process a new main Z3 context for ``engine``, a new engine, unless another is alive.

    Z3 orders the arguments of its terms by when they were first built in their context, and its
    searches follow that order; in one shared context, a check's path (and, where a budget of
    solver work cuts it short, its verdict) would depend on every check the process ran before:
    in a test worker, or in ``govspec tune``, which checks many settings in one process.  With a
    context of its own, a file's check does the same work in any process.  An engine made while
    another is alive (the check without a clause of ``--explain``, a power analysis's second
    engine) shares that one's context: terms of two contexts never meet (Z3 would refuse them with
    "context mismatch").  Terms built before keep their old context alive as long as they live."""
    if not list(_engines):
        z3.z3._main_ctx = None  # (z3.main_ctx() makes the next one)
    threads.own(z3.main_ctx())  # (the thread that makes an engine does its Z3 work)
    _engines.add(engine)


def _all_contexts() -> list:
    try:
        return [z3.main_ctx(), *list(_contexts)]
    except RuntimeError:  # the set changed while it was read: the main context is what matters most
        return [z3.main_ctx()]


def stop(owed: bool = False) -> None:
    """End every Z3 call running now, in any context (thread-safe: Z3's interrupt is meant for it).

    ``owed``: the KeyboardInterrupt was lost (Python drops one raised in a ctypes callback, such as
    Z3's error handler, or in a ``__del__``); the engine raises it at its door instead."""
    _state["poisoned"] = True
    if owed:
        _state["owed"] = True
    for ctx in _all_contexts():
        ctx.interrupt()


def _settle() -> None:
    """Raise an owed KeyboardInterrupt; else make interrupted contexts usable again (a check resets them)."""
    if _state["owed"]:
        _state["owed"] = False
        raise KeyboardInterrupt
    if _state["poisoned"]:
        _state["poisoned"] = False
        for ctx in _all_contexts():
            z3.Solver(ctx=ctx).check()


def disguised(error: BaseException) -> bool:
    """Is ``error`` a Ctrl-C that ctypes wrapped while converting a Z3 call's arguments?"""
    return isinstance(error, ctypes.ArgumentError) and "KeyboardInterrupt" in str(error)


def keyboard_safe(cls):
    """The class, each public method a door where Ctrl-C comes out as KeyboardInterrupt: one that
    ctypes wrapped, one owed by :func:`stop`, and, after a stop, never an answer or an error made
    from calls it cut short."""

    def door(method):
        @functools.wraps(method)
        def run(*args, **kwargs):
            _settle()
            try:
                answer = method(*args, **kwargs)
            except Exception as err:
                if disguised(err):
                    raise KeyboardInterrupt from None
                _settle()
                raise
            _settle()
            return answer

        return run

    for name, member in list(vars(cls).items()):
        if callable(member) and not name.startswith("_"):
            setattr(cls, name, door(member))
    return cls
