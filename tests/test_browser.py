"""The HTML report as a person sees it: the docs review rendered by ``govspec report``, opened in
headless Chromium (Debian's ``chromium`` package; .ci/run installs it), screenshotted, and checked
for the verdict table and each scenario's timeline, in the DOM and in the pixels.
"""

import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from conftest import run_cli

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() and os.environ.get("GOVSPEC_REQUIRE_BROWSER") != "1",
                       reason="headless Chromium not installed: apt-get install chromium (.ci/run does)"),
]

# Colours of the page's CSS that only the timeline and the verdict badges use.
YES, NO, REFUTED_BADGE, PROVED_BADGE = (0xBB, 0xF0, 0xC8), (0xF8, 0xB4, 0xB4), (0xFB, 0xE0, 0xE0), (0xDC, 0xF3, 0xE1)


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and rows of RGB(A) bytes of an 8-bit truecolour PNG (as Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour = header[:4]
    assert depth == 8 and colour in (2, 6), header
    bpp = 4 if colour == 6 else 3
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, [bytes(r[i:i + 3]) for r in rows for i in range(0, stride, bpp)]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    page = tmp / "review.html"
    code, _, _ = run_cli("report", "docs/review-openai.md", "-o", str(page))
    assert code == 1
    shot = tmp / "review.png"
    command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp / 'profile'}",
               "--window-size=1200,4000", "--hide-scrollbars", f"--screenshot={shot}", "--dump-dom", page.as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    shutil.rmtree(tmp / "profile", ignore_errors=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, shot.read_bytes()


def test_the_page_shows_each_verdict_and_timeline_in_the_dom(rendered):
    dom, _ = rendered
    assert dom.count('<table class="verdicts">') == 3  # one after each property block
    for name in ("ceo_removal_needs_three_or_notice", "two_cannot_fire_ceo", "four_can_fire_ceo"):
        assert f'<a href="#{name}">{name}</a>' in dom
    assert dom.count('<svg class="timeline"') == 2  # the scenario and the witness
    assert 'class="verdict v-refuted">REFUTED<' in dom and 'class="verdict v-proved">PROVED<' in dom
    assert "altman leaves board" in dom and "ceo: altman -&gt; vacant" in dom


def test_the_screenshot_shows_the_table_and_the_timelines(rendered):
    _, png = rendered
    width, height, pixels = png_pixels(png)
    assert (width, height) == (1200, 4000)
    colours = {}
    for p in pixels:
        colours[p] = colours.get(p, 0) + 1
    white = colours.get(b"\xff\xff\xff", 0)
    assert white < 0.97 * len(pixels), "the page looks blank"

    def area(rgb, tolerance=3):
        return sum(n for p, n in colours.items() if all(abs(p[i] - rgb[i]) <= tolerance for i in range(3)))

    # timeline cells (yes, no) and verdict badges (REFUTED, PROVED) are painted, not just in the DOM
    assert area(YES) > 6 * 100 and area(NO) > 100, "no timeline cells on the screenshot"
    assert area(REFUTED_BADGE) > 100 and area(PROVED_BADGE) > 100, "no verdict badges on the screenshot"
