"""Z3 objects of GovSpec's contexts are released only in the thread that works in that context.

Z3's contexts are not thread-safe, and z3py releases what an object holds (``Z3_dec_ref``,
``Z3_solver_dec_ref``, ...) in its ``__del__``, in whichever thread drops the last reference.  A
thread that holds another thread's frames can be that thread: Dask's worker reads the running
task's frames every 10 ms for its profile, and a frame held while its function returns keeps that
function's locals, which then die with the frame, in the worker's event-loop thread, while the
task's thread is inside Z3 with the same context.  That corrupts Z3's memory: crashes,
``Z3Exception('sort mismatch')`` on terms of one sort, and wrong answers (``tests/test_threads.py``
reproduces the pattern; without this module it fails within seconds).

:func:`install` (done when the verifier is imported) wraps the ``__del__`` of every z3py class
that has one, but :class:`z3.Context` (deleting a context no object refers to any more is safe in
any thread).  Each context GovSpec makes has an owner, the thread that works in it (:func:`own`:
the thread that made the engine, :func:`verifier.interrupts.fresh_main_context` and
:func:`verifier.interrupts.context`; a Dask worker's task thread, :func:`adopt`).  An object of an
owned context dropped in another thread is kept (Python lets a finalizer keep its object, and calls
it once) and released by the owner later: at its next release of a Z3 object, or when it calls
:func:`release_deferred`.  Objects of contexts GovSpec does not own (a program's own contexts, one
per thread as z3 recommends) and of an owner that has ended are released at once, as z3py does.
"""

from __future__ import annotations

import threading
import weakref
from collections import deque

import z3

_owned: weakref.WeakSet = weakref.WeakSet()  # the contexts owned (each's _govspec_owner: its owner thread)
_queues: dict[threading.Thread, deque] = {}  # owner -> (object, its own __del__) dropped elsewhere
_state = {"installed": False}


def own(ctx: z3.Context) -> None:
    """The current thread works in ``ctx`` from now on (and releases what other threads drop of it)."""
    ctx._govspec_owner = threading.current_thread()
    _owned.add(ctx)
    release_deferred()


def adopt() -> None:
    """The current thread takes over every context GovSpec owns, and releases what waits for any
    owner (a Dask worker's task thread, at the start of a task: one task runs at a time)."""
    me = threading.current_thread()
    for ctx in [z3.main_ctx(), *_owned]:  # (and the main context, whoever made it)
        ctx._govspec_owner = me
        _owned.add(ctx)
    for owner in list(_queues):
        if owner is not me:
            _queues.setdefault(me, deque()).extend(_queues.pop(owner, ()))
    release_deferred()


def release_deferred() -> None:
    """Release the Z3 objects other threads dropped that wait for the current thread, and those
    that wait for a thread that has ended (nobody works in their context any more)."""
    _drain(_queues.get(threading.current_thread()))
    for owner in [o for o in list(_queues) if not o.is_alive()]:
        _drain(_queues.pop(owner, None))


def _drain(queue: deque | None) -> None:
    while queue:
        try:
            obj, finalize = queue.popleft()
        except IndexError:  # (emptied meanwhile)
            return
        finalize(obj)


def deferred() -> int:
    """How many dropped Z3 objects wait for their owner (for tests)."""
    return sum(map(len, list(_queues.values())))


def install() -> None:
    """Wrap the ``__del__`` of every z3py class that defines one, but the context's (once per process)."""
    if _state["installed"]:
        return
    for cls in list(vars(z3.z3).values()):
        if (isinstance(cls, type) and cls.__module__ == z3.z3.__name__ and "__del__" in vars(cls)
                and cls is not z3.Context):
            cls.__del__ = _in_owner(vars(cls)["__del__"])
    _state["installed"] = True


def _in_owner(finalize):
    current = threading.current_thread

    def __del__(self):
        owner = getattr(getattr(self, "ctx", None), "_govspec_owner", None)
        me = current()
        if owner is not None and owner is not me and owner.is_alive():
            _queues.setdefault(owner, deque()).append((self, finalize))  # (kept alive until the owner releases it)
            return
        if _queues.get(me):
            release_deferred()
        finalize(self)

    __del__.__wrapped__ = finalize
    return __del__
