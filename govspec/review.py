"""Review documents: Markdown files whose ```govspec fenced blocks together form one spec.

:func:`spec_text` turns the Markdown into spec text with the same line and column numbers: every
line outside a govspec block becomes empty, every line inside keeps its place (a block's
indentation or quote markers become spaces), so diagnostics point into the Markdown file's own
lines.  :func:`govspec.formats.review.render_review` renders the document to one HTML page with each
block's verdicts and scenarios inserted after the block.  Markdown is read with markdown-it-py (CommonMark); raw
HTML in a review is shown as text, never passed through.
"""

from __future__ import annotations

from .diagnostics import Diagnostic, Span, SpecError

EXTENSIONS = (".md", ".markdown")
LANGUAGE = "govspec"


def is_review(path: str) -> bool:
    return path.lower().endswith(EXTENSIONS)


def markdown_parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table")


def is_spec_block(token) -> bool:
    return token.type == "fence" and token.info.strip().split(" ")[0] == LANGUAGE and token.map is not None


def blocks(text: str) -> list[tuple[int, int]]:
    """The 1-based (first, last) line of each govspec fence, the fence lines included."""
    return [(t.map[0] + 1, t.map[1]) for t in markdown_parser().parse(text) if is_spec_block(t)]


def spec_text(text: str, path: str) -> str:
    """The spec inside a review: its govspec blocks, each line where it stands in the Markdown."""
    lines = text.split("\n")
    out = [""] * len(lines)
    found = False
    for token in markdown_parser().parse(text):
        if not is_spec_block(token):
            continue
        found = True
        first = token.map[0] + 1  # the line after the opening fence (0-based index)
        for offset, content in enumerate(token.content.split("\n")[:-1]):
            index = first + offset
            original = lines[index] if index < len(lines) else content
            # keep the column: whatever stands before the content (indentation, "> ") becomes spaces
            out[index] = " " * (len(original) - len(content)) + content if original.endswith(content) else content
    if not found:
        raise SpecError([Diagnostic("GOV005", f"no '{LANGUAGE}' code blocks in this Markdown file", Span.point(path),
                                    notes=(f"a review's spec is written in fenced code blocks whose info string is '{LANGUAGE}'",))])
    return "\n".join(out)
