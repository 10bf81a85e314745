"""MkDocs hooks for the documentation site (mkdocs.yml ``hooks:``).

- The docs link to files outside docs/ (``../specs/dao/governor_tunable.gov``, ``../README.md``) with
  relative links, which work on GitHub and in a checkout but point nowhere on the site: there each
  becomes the file's address in the repository (``repo_url``/blob/main/...), as setup.py does for
  the package's description.  A link inside docs/ is left to MkDocs, which checks it (``--strict``).
- Headings get GitHub's anchors (``## Many processes (-j N, --cluster)`` is
  ``#many-processes--j-n---cluster``, where Python-Markdown would fold the hyphens), so a link to
  an anchor works on GitHub and on the site alike.
- Each error code named in a page's text (``GOV104``, in prose or in inline code) links to its
  entry in the registry of codes, errors.md, whose ``## GOV104`` heading has the anchor ``gov104``;
  code blocks, headings and existing links are left as they are.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from mkdocs.utils import get_relative_url

# the target of an inline link, "](target" or "](target "title"", without a scheme (https:, mailto:)
_LINK = re.compile(r"(\]\(\s*<?)(?![a-zA-Z][a-zA-Z0-9+.-]*:)([^\s)>]+)")
ERRORS_PAGE = "errors.md"
_ENTRY = re.compile(r"^## (GOV\d{3})[ \t]*$", re.M)  # an entry of the registry, as govspec.diagnostics reads it
_CODE = re.compile(r"\bGOV\d{3}\b")
_TAG = re.compile(r"(<[^>]*>)")
_LEFT_ALONE = re.compile(r"<(/?)(pre|a|h[1-6])\b", re.I)  # elements whose text is not linked


def github_slug(value: str, separator: str = "-") -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation but hyphens dropped, each space a hyphen."""
    return re.sub(r"[^\w\- ]", "", value.strip().lower()).replace(" ", separator)


def on_config(config):
    config.mdx_configs.setdefault("toc", {})["slugify"] = github_slug
    return config


def on_page_markdown(markdown: str, page, config, files) -> str:
    files_url = config["repo_url"].rstrip("/") + "/blob/main/"
    folder = posixpath.dirname(posixpath.join("docs", page.file.src_uri))

    def outside(match: re.Match) -> str:
        target = posixpath.normpath(posixpath.join(folder, match[2]))
        if target == "docs" or target.startswith("docs/") or match[2].startswith("#"):
            return match[0]
        return match[1] + files_url + target

    return _LINK.sub(outside, markdown)


def on_page_content(html: str, page, config, files) -> str:
    entries = set(_ENTRY.findall((Path(config["docs_dir"]) / ERRORS_PAGE).read_text(encoding="utf-8")))
    errors = files.get_file_from_path(ERRORS_PAGE)
    base = get_relative_url(errors.url, page.url)

    def link(match: re.Match) -> str:
        code = match[0]
        return f'<a href="{base}#{code.lower()}">{code}</a>' if code in entries else code

    parts, depth = _TAG.split(html), 0
    for i, part in enumerate(parts):
        if i % 2:  # a tag
            opened = _LEFT_ALONE.match(part)
            if opened and not part.endswith("/>"):
                depth += -1 if opened[1] else 1
        elif depth == 0:
            parts[i] = _CODE.sub(link, part)
    return "".join(parts)
