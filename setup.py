"""The two build steps pyproject.toml cannot declare (everything else is declared there).

- The description on the package index is README.md with its relative links made absolute (they
  point into this repository, which an index page is not): ``[Tutorial](docs/tutorial.md)``
  becomes a link to ``docs/tutorial.md`` on the branch ``main`` of the ``Homepage`` of
  ``[project.urls]``.
- ``docs/errors.md``, the registry of error codes, is shipped in the wheel as
  ``govspec/errors.md`` (its links made absolute the same way), where ``govspec explain CODE``
  reads it (:func:`govspec.diagnostics.explanations`); a checkout reads ``docs/errors.md`` itself.
"""

import posixpath
import re
import tomllib
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
HOME = tomllib.loads((HERE / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]["Homepage"]
FILES_URL = HOME.rstrip("/") + "/blob/main/"  # a folder's URL works too (GitHub redirects to /tree/)
# the target of an inline link or image, "](target" or "](target "title"", and of a reference
# definition, "[label]: target"; a target with a scheme (https:, mailto:) is left alone
LINK = re.compile(r"(\]\(\s*<?|^ {0,3}\[[^\]]+\]:[ \t]*<?)(?![a-zA-Z][a-zA-Z0-9+.-]*:)([^\s)>]+)", re.M)


def absolute_links(markdown: str, path: str) -> str:
    """``markdown``, the repository's file ``path``, with each relative link made absolute under
    ``FILES_URL``: in README.md, ``docs/cli.md`` -> ``FILES_URL + docs/cli.md``; in docs/errors.md,
    ``cli.md#x`` -> ``FILES_URL + docs/cli.md#x`` and ``#x`` -> ``FILES_URL + docs/errors.md#x``."""
    folder = posixpath.dirname(path)

    def absolute(match: re.Match) -> str:
        target = match[2]
        return match[1] + FILES_URL + (path + target if target.startswith("#") else posixpath.normpath(
            posixpath.join(folder, target)))

    return LINK.sub(absolute, markdown)


class BuildPy(build_py):
    """build_py, plus docs/errors.md as govspec/errors.md (not in an editable install, which reads
    the checkout's docs/errors.md)."""

    def run(self) -> None:
        super().run()
        if not self.editable_mode:
            target = Path(self.build_lib, "govspec", "errors.md")
            text = (HERE / "docs" / "errors.md").read_text(encoding="utf-8")
            target.write_text(absolute_links(text, "docs/errors.md"), encoding="utf-8")

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        return [*super().get_outputs(include_bytecode), str(Path(self.build_lib, "govspec", "errors.md"))]


setup(
    long_description=absolute_links((HERE / "README.md").read_text(encoding="utf-8"), "README.md"),
    long_description_content_type="text/markdown",
    cmdclass={"build_py": BuildPy},
)
