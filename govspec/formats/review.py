"""A review document rendered: the Markdown as one HTML page, each govspec block followed by its results
(and each govspec-diff block by its diff).

Reading a review (its spec blocks) is :mod:`govspec.review`; this module renders it with the
HTML report's templates.  HTML in a review is shown as text, never passed through; its control
characters are shown escaped (:func:`govspec.safe.shown`) but for line breaks and tabs, the document's layout.
"""

from __future__ import annotations

from ..report import FileReport, Report
from ..review import is_diff_block, is_spec_block, markdown_parser
from ..safe import shown
from .html import diff_html, environment, render_results


def render_review(text: str, report: Report, sources: dict[str, str] | None = None) -> str:
    """The review as one self-contained HTML page, each block followed by its results."""
    file_report: FileReport = report.files[0]
    md = markdown_parser()
    default_fence = md.renderer.rules["fence"]

    def fence(renderer, tokens, idx, options, env):
        html = default_fence(tokens, idx, options, env)
        token = tokens[idx]
        if is_diff_block(token) and not file_report.errors:  # a diff block: the diff after it
            return html + "".join(diff_html(d, 2) for d in file_report.diffs if d.line == token.map[0] + 1)
        if not is_spec_block(token) or file_report.errors:
            return html
        first, last = token.map[0] + 1, token.map[1]
        results = [(r.path or file_report.path, r) for r in file_report.properties
                   if r.path is None and first < r.line <= last]
        return html + (render_results(results) if results else "")

    md.add_render_rule("fence", fence)
    tokens = md.parse(text)
    heading = next((tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h1"), None)
    title = f"{heading} ({shown(file_report.path)})" if heading else shown(file_report.path)  # (the file, as a report's title names it)
    return environment().get_template("review.html.j2").render(
        body=shown(md.renderer.render(tokens, md.options, {}), keep="\n\t"), report=report, title=title, sources=sources or {})
