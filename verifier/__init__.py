"""The Z3 backend: the only package that imports ``z3``.

``encode`` turns a checked model into constraints; ``solve`` searches with increasing depth and
reads traces back; :mod:`govspec.verdicts` replays every trace on the reference semantics.
"""

from .solve import Z3Engine


def z3_version() -> str:
    """The installed Z3's version (recorded in proof stamps), e.g. ``"4.13.0"``."""
    from z3 import get_version_string

    return get_version_string()


__all__ = ["Z3Engine", "z3_version"]
