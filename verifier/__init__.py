"""The Z3 backend: the only package that imports ``z3``.

``encode`` turns a checked model into constraints; ``solve`` searches with increasing depth and
reads traces back; :mod:`govspec.verdicts` replays every trace on the reference semantics.
"""

from .solve import Z3Engine

__all__ = ["Z3Engine"]
