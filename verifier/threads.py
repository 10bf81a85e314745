"""Z3 objects are released only in the thread that does the Z3 work.

Z3's contexts are not thread-safe, and z3py releases what an object holds (``Z3_dec_ref``,
``Z3_del_context``, ...) in its ``__del__``, in whichever thread drops the last reference.  A thread
that holds another thread's frames can be that thread: Dask's worker reads the running task's
frames every 10 ms for its profile, and a frame held while its function returns keeps that
function's locals, which then die with the frame, in the worker's event-loop thread, while the
task's thread is inside Z3 with the same context.  That corrupts Z3's memory: crashes,
``Z3Exception('sort mismatch')`` on terms of one sort, and wrong answers (``tests/test_threads.py``
reproduces the pattern; without this module it fails within seconds).

:func:`install` (done when the verifier is imported) wraps the ``__del__`` of every z3py class
that has one: in a thread other than the owner, the object is kept (Python lets a finalizer keep
its object, and calls it once) and released later by the owner, at its next release of any Z3
object or when it calls :func:`release_deferred`.  The owner is the thread that made the last
engine (:func:`own`, from :func:`verifier.interrupts.fresh_main_context`), and a Dask worker's
task thread at the start of each task.
"""

from __future__ import annotations

import threading
from collections import deque

import z3

_deferred: deque = deque()  # (object, its own __del__): released by the owner
_state = {"owner": threading.main_thread().ident, "installed": False}


def own() -> None:
    """This thread does the Z3 work from now on; it releases what other threads left."""
    _state["owner"] = threading.get_ident()
    release_deferred()


def release_deferred() -> None:
    """Release the Z3 objects other threads dropped (in the owner; elsewhere nothing happens)."""
    if threading.get_ident() != _state["owner"]:
        return
    while _deferred:
        try:
            obj, finalize = _deferred.popleft()
        except IndexError:  # (emptied meanwhile)
            return
        finalize(obj)


def deferred() -> int:
    """How many dropped Z3 objects wait for the owner (for tests)."""
    return len(_deferred)


def install() -> None:
    """Wrap the ``__del__`` of every z3py class that defines one (once per process)."""
    if _state["installed"]:
        return
    for cls in vars(z3.z3).values():
        if isinstance(cls, type) and cls.__module__ == z3.z3.__name__ and "__del__" in vars(cls):
            cls.__del__ = _in_owner(vars(cls)["__del__"])
    _state["installed"] = True


def _in_owner(finalize):
    ident, state, later = threading.get_ident, _state, _deferred.append

    def __del__(self):
        if ident() != state["owner"]:
            later((self, finalize))  # (kept alive until the owner releases it)
            return
        if _deferred:
            release_deferred()
        finalize(self)

    __del__.__wrapped__ = finalize
    return __del__
