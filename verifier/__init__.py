"""The Z3 backend: the only package that imports ``z3``.

``encode`` turns a checked model into constraints; ``solve`` searches with increasing depth and
reads traces back; :mod:`govspec.verdicts` replays every trace on the reference semantics.
"""

from .solve import Z3Engine


def z3_version() -> str:
    """The installed Z3's version (recorded in proof stamps), e.g. ``"4.13.0"``."""
    from z3 import get_version_string

    return get_version_string()


def limits() -> dict:
    """Z3's fixed limits behind a proof of any length (recorded in proof stamps): the resource
    limits, the options of the Horn engine, the time limits of the re-check of an invariant."""
    from . import unbounded as u

    return {"z3_rlimit": u.RLIMIT, "z3_constant_rlimit": u.CONSTANT_RLIMIT,
            **{f"z3_{key}": value for key, value in u.SPACER_PARAMS.items()},
            "z3_recheck_seconds": u.RECHECK_SECONDS, "z3_first_recheck_seconds": u.FIRST_RECHECK_SECONDS,
            "z3_qe_seconds": u.QE_SECONDS}


__all__ = ["Z3Engine", "limits", "z3_version"]
