"""The documentation site: ``mkdocs build --strict`` over docs/ (mkdocs.yml) gives no warning, and
every internal link of the built pages (to a page, a file or an anchor) resolves, offline.

Needs the ``docs`` extra (``pip install -e '.[docs]'``): skipped without MkDocs, except in CI
(``CI`` set, as .ci/run runs), where the site is part of what is checked.
"""

import importlib.util
import os
import posixpath
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import ROOT
from govspec.diagnostics import CODES

if not os.environ.get("CI"):
    pytest.importorskip("mkdocs", reason="the docs extra is not installed: pip install -e '.[docs]'")
import yaml  # noqa: E402  (MkDocs' own dependency)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(ROOT / "mkdocs.yml"),
                          "--site-dir", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "WARNING" not in run.stderr, run.stderr
    return out


class _Page(HTMLParser):
    """The ids of a page (anchors) and the links it makes (href and src)."""

    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)
            elif name in ("href", "src") and value is not None:
                self.links.append(value)


def _pages(site: Path) -> dict[str, _Page]:
    pages = {}
    for path in site.rglob("*.html"):
        page = _Page()
        page.feed(path.read_text(encoding="utf-8"))
        pages[path.relative_to(site).as_posix()] = page
    return pages


def _broken_links(site: Path, base_path: str) -> list[str]:
    """Each internal link of a built page (no scheme, no host) that names no built file, or an anchor
    its page lacks; ``base_path`` is the site's path under its host (links in 404.html start with it)."""
    pages, broken = _pages(site), []
    for name, page in sorted(pages.items()):
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue
            path = unquote(parts.path)
            if path.startswith("/"):  # absolute: under the site's path
                assert path.startswith(base_path), f"{name}: {link} is outside the site"
                target = path[len(base_path):]
            else:
                target = posixpath.normpath(posixpath.join(posixpath.dirname(name), path)) if path else name
            if target in ("", ".") or link.endswith("/") and path:
                target = posixpath.join(target, "index.html") if target not in ("", ".") else "index.html"
            elif (site / target).is_dir():
                target = posixpath.join(target, "index.html")
            if not (site / target).is_file():
                broken.append(f"{name}: {link} (no file {target})")
            elif parts.fragment and target.endswith(".html") and unquote(parts.fragment) not in pages[target].ids:
                broken.append(f"{name}: {link} (no anchor #{parts.fragment} in {target})")
    return broken


def _config() -> dict:
    return yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


def test_every_internal_link_of_the_site_resolves(site):
    assert len(_pages(site)) > 15
    # (404.html links from the site's root: the path of site_url, "/" without one)
    assert _broken_links(site, urlsplit(_config().get("site_url", "/")).path or "/") == []


def test_the_link_check_finds_a_broken_link_and_a_missing_anchor(tmp_path):
    """(the check has teeth)"""
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<h1 id="top">x</h1><a href="a/">a</a><a href="#top">t</a><a href="#gone">g</a>')
    (tmp_path / "a" / "index.html").write_text('<a href="../b/">b</a><a href="../#top">t</a><a href="/site/a/">s</a>')
    assert _broken_links(tmp_path, "/site/") == ["a/index.html: ../b/ (no file b/index.html)",
                                                 "index.html: #gone (no anchor #gone in index.html)"]


def test_every_doc_page_is_in_the_navigation():
    def listed(entries):
        for entry in entries:
            value = next(iter(entry.values())) if isinstance(entry, dict) else entry
            yield from listed(value) if isinstance(value, list) else [value]

    nav = list(listed(_config()["nav"]))
    assert sorted(nav) == sorted(p.name for p in (ROOT / "docs").glob("*.md"))
    assert len(nav) == len(set(nav))


def test_every_error_code_has_an_anchor_and_the_pages_link_to_it(site):
    page = _Page()
    page.feed((site / "errors" / "index.html").read_text(encoding="utf-8"))
    assert {f"gov{code[3:]}" for code in CODES} <= page.ids
    cli = (site / "cli" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../errors/#gov006">GOV006</a>' in cli  # a code named in prose links to its entry
    errors = (site / "errors" / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="gov104">GOV104<a class="headerlink"' in errors  # a heading is left as it is
    assert "example.gov:6:16: error[GOV104]: unknown body" in errors  # and so is a code block


def test_govspec_blocks_are_highlighted_by_the_packages_lexer(site):
    tutorial = (site / "tutorial" / "index.html").read_text(encoding="utf-8")
    assert '<span class="k">organization</span>' in tutorial
    assert '<span class="s2">&quot;Bylaws art. 3&quot;</span>' in tutorial or '<span class="s2">"Bylaws art. 3"</span>' in tutorial
    assert (site / "assets" / "pygments.css").is_file()


def test_links_out_of_docs_point_into_the_repository(site):
    """docs/tune.md links ../specs/... (right on GitHub); on the site that is the repository's file."""
    assert "](../specs/dao/governor_tunable.gov)" in (ROOT / "docs" / "tune.md").read_text(encoding="utf-8")
    home = _config()["repo_url"]
    assert f'href="{home}/blob/main/specs/dao/governor_tunable.gov"' in (site / "tune" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="\.\./+specs/', (site / "tune" / "index.html").read_text(encoding="utf-8")) is None


def test_headings_get_githubs_anchors(site):
    """A link to a heading's anchor works on GitHub and on the site alike: the site's anchors are
    GitHub's (hyphens kept, not folded as Python-Markdown's own slugs would)."""
    spec = importlib.util.spec_from_file_location("mkdocs_hooks", ROOT / "mkdocs_hooks.py")
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    assert hooks.github_slug("Many processes or a Dask cluster (-j N, --cluster)") == \
        "many-processes-or-a-dask-cluster--j-n---cluster"
    assert hooks.github_slug("Power analysis: govspec power") == "power-analysis-govspec-power"
    assert hooks.github_slug("Größe & Quorum") == "größe--quorum"
    page = _Page()
    page.feed((site / "cli" / "index.html").read_text(encoding="utf-8"))
    headings = re.findall(r"^#{2,6} (.+)$", re.sub(r"```.*?```", "", (ROOT / "docs" / "cli.md").read_text(encoding="utf-8"),
                                                   flags=re.S), re.M)
    assert len(headings) > 10
    assert {hooks.github_slug(re.sub(r"`", "", h)) for h in headings} <= page.ids
