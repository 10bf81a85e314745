"""How wide text is as the HTML pages show it (the timelines of :mod:`govspec.formats.html`, the
power charts of :mod:`govspec.formats.power`), and text wrapped to a width.

Assumes the pages' sans-serif font (any: the widths are DejaVu Sans's, one of the widest).
Guarantees: a text measured at most W pixels fits in W pixels with that font or a narrower one.
"""

from __future__ import annotations

from ..safe import shown

FONT = 13  # the pages' text size, in pixels (the timelines' FONT)

# Advance widths of ASCII 32..126 in DejaVu Sans, regular and bold, in hundredths of an em (measured
# in Chromium): the sans-serif Linux falls back to and one of the widest, so text laid out with these
# widths fits with other fonts too (they only leave more room).  Other characters: a wide letter's.
_ADVANCE = (
    (32, 40, 46, 84, 64, 95, 78, 27, 39, 39, 50, 84, 32, 36, 32, 34, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 34, 34,
     84, 84, 84, 53, 100, 70, 69, 70, 77, 63, 58, 77, 75, 29, 29, 66, 56, 86, 75, 79, 60, 79, 69, 63, 60, 73, 68, 99,
     69, 61, 69, 39, 34, 39, 84, 50, 50, 61, 63, 55, 63, 62, 34, 63, 63, 28, 28, 58, 28, 97, 63, 61, 63, 63, 40, 52,
     39, 63, 59, 82, 59, 59, 52, 64, 34, 64, 84),
    (35, 46, 52, 84, 70, 100, 87, 31, 46, 46, 52, 84, 38, 42, 38, 37, 70, 70, 70, 70, 70, 70, 70, 70, 70, 70, 40, 40,
     84, 84, 84, 58, 100, 77, 76, 73, 83, 68, 68, 82, 84, 37, 37, 77, 64, 100, 84, 85, 73, 85, 77, 70, 69, 81, 77, 110,
     77, 72, 73, 46, 37, 46, 84, 50, 50, 67, 72, 59, 72, 68, 41, 72, 71, 34, 34, 67, 34, 104, 71, 69, 72, 72, 49, 60,
     48, 71, 65, 92, 65, 65, 58, 71, 37, 71, 84),
)


NBSP = "\u00a0"


def text_width(text: str, size: int = FONT, bold: bool = False) -> float:
    """The width in pixels of ``text`` as the page shows it (controls escaped), with 5% to spare."""
    table = _ADVANCE[bold]
    ems = sum(table[ord(c) - 32] if 32 <= ord(c) < 127 else 110 for c in shown(text).replace(NBSP, " "))
    return ems * size / 100 * 1.05


def wrap(text: str, width: float, size: int = FONT, bold: bool = False) -> list[str]:
    """``text`` in lines of at most ``width`` pixels, broken at spaces but not at no-break spaces (a
    word wider than a line is broken where it must be); nothing is left out."""
    lines, current = [], ""
    for word in text.replace("\n", " ").split(" "):
        if not word:
            continue
        while text_width(word, size, bold) > width:
            if current:
                lines.append(current)
                current = ""
            cut = max(1, max(n for n in range(1, len(word) + 1) if n == 1 or text_width(word[:n], size, bold) <= width))
            lines.append(word[:cut])
            word = word[cut:]
        trial = f"{current} {word}" if current else word
        if current and text_width(trial, size, bold) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current or not lines:
        lines.append(current)
    return lines
