"""govspec report --pdf (issue 16.8): the HTML report printed by headless Chromium, checked by
rendering the PDF's first page to an image (pypdfium2) and looking at its pixels: an A4 page,
not blank, with the colours of the verdict badges.  Without a browser: a message, exit 2, nothing
written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import run_cli

CHROMIUM = Path("/usr/bin/chromium")
needs_browser = pytest.mark.skipif(not CHROMIUM.exists() and os.environ.get("GOVSPEC_REQUIRE_BROWSER") != "1",
                                   reason="headless Chromium not installed: apt-get install chromium (.ci/run does)")
REFUTED_BADGE, PROVED_BADGE = (0xFB, 0xE0, 0xE0), (0xDC, 0xF3, 0xE1)


@needs_browser
@pytest.mark.browser
def test_the_report_as_a_pdf_page(tmp_path):
    pdfium = pytest.importorskip("pypdfium2")
    out = tmp_path / "report.pdf"
    code, stdout, err = run_cli("report", "specs/openai/board_2023.gov", "-o", str(out), "--pdf")
    assert code == 1 and stdout == "" and f"wrote {out}" in err  # (exit 1: a property is refuted)
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    document = pdfium.PdfDocument(str(out))
    assert len(document) >= 1
    page = document[0]
    assert (round(page.get_width()), round(page.get_height())) == (595, 842)  # A4 in points
    text = page.get_textpage().get_text_range()
    assert "OpenAI" in text and "REFUTED" in text and "PROVED" in text
    bitmap = page.render(scale=1)
    pixels = bytes(bitmap.buffer)
    step = 3 if bitmap.format == 2 else 4  # (BGR or BGRA)
    colours = {tuple(pixels[i:i + 3][::-1]) for row in range(bitmap.height)
               for i in range(row * bitmap.stride, row * bitmap.stride + bitmap.width * step, step)}
    assert len(colours) > 20  # not a blank page
    assert REFUTED_BADGE in colours and PROVED_BADGE in colours


def test_without_a_browser_nothing_is_written(tmp_path, monkeypatch):
    out = tmp_path / "report.pdf"
    monkeypatch.setenv("GOVSPEC_CHROMIUM", str(tmp_path / "no-such-browser"))
    code, stdout, err = run_cli("report", "specs/openai/board_2023.gov", "-o", str(out), "--pdf")
    assert code == 2 and "not an executable" in err and "Traceback" not in err and not out.exists()
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("GOVSPEC_CHROMIUM")
    code, _, err = run_cli("report", "specs/openai/board_2023.gov", "-o", str(out), "--pdf")
    assert code == 2 and "none was found" in err and not out.exists()


def test_a_pdf_needs_a_file(tmp_path):
    code, stdout, err = run_cli("report", "specs/openai/board_2023.gov", "--pdf")
    assert code == 2 and stdout == "" and "give -o OUT.pdf" in err
