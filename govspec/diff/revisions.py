"""A spec as it was at a git revision: ``govspec diff FILE --rev REV``.

The spec's folder (imports are confined to it: :mod:`govspec.imports`) is taken from the revision
with ``git archive`` into a temporary folder, so the spec and everything it imports are read as
they were at that revision, never mixed with the working tree.  Nothing in the repository is
touched.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
import tempfile

from ..diagnostics import Diagnostic, Span, SpecError


def _refused(path: str, message: str) -> SpecError:
    return SpecError([Diagnostic("GOV001", message, Span.point(path))])


def at_revision(path: str, rev: str, into: str) -> str:
    """The path, under the folder ``into``, of ``path`` as it was at ``rev`` (SpecError GOV001 when
    git cannot give it: not in a repository, an unknown revision, or no such file there)."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=folder, capture_output=True, text=True,
                             timeout=60)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise _refused(path, f"cannot run git to read it at revision '{rev}': {err}") from None
    if top.returncode != 0:
        raise _refused(path, f"not in a git repository: cannot read it at revision '{rev}'")
    root = top.stdout.strip()
    inside = os.path.relpath(os.path.realpath(folder), os.path.realpath(root))
    spec = os.path.join(inside, os.path.basename(path)).replace(os.sep, "/")
    if rev.startswith("-"):  # (never an option of git's)
        raise _refused(path, f"'{rev}' is not a revision")
    try:
        tree = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{tree}}"], cwd=root,
                              capture_output=True, text=True, timeout=60)
        if tree.returncode != 0:
            raise _refused(path, f"git knows no revision '{rev}'")
        pathspec = f":(literal){inside.replace(os.sep, '/')}" if inside != "." else "."
        archive = subprocess.run(["git", "archive", "--format=tar", tree.stdout.strip(), "--", pathspec], cwd=root,
                                 capture_output=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise _refused(path, f"cannot run git to read it at revision '{rev}': {err}") from None
    if archive.returncode != 0:
        reason = archive.stderr.decode("utf-8", "replace").strip().splitlines()
        raise _refused(path, f"git cannot give its folder at revision '{rev}'"
                             + (f": {reason[-1]}" if reason else ""))
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        # only files and folders, inside: a link (absolute, or out of the folder) is left out
        members = [t for t in tar.getmembers() if (t.isfile() or t.isdir()) and not os.path.isabs(t.name)
                   and ".." not in t.name.split("/")]
        if hasattr(tarfile, "data_filter"):
            tar.extractall(into, members=members, filter="data")
        else:  # (Python 3.11.0 to 3.11.3: no extraction filters)
            tar.extractall(into, members=members)
    found = os.path.join(into, spec)
    if not os.path.isfile(found):
        raise _refused(path, f"no such file at revision '{rev}'")
    return found


def temporary_folder() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="govspec-rev-")
