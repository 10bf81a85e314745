"""The Z3 backend: the only package that imports ``z3``.

``encode`` turns a checked model into constraints, ``solve`` searches with increasing depth and
replays every trace on the reference semantics (``govspec.semantics``).
"""

from .solve import ReplayError, check_property, sanity

__all__ = ["ReplayError", "check_property", "sanity"]
