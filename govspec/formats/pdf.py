"""The HTML report as a PDF, for people who file documents (issue 16.8): Chromium's print to PDF.

``govspec report FILE -o report.pdf --pdf`` renders the page that ``report`` writes and prints it
with a headless Chromium (or Chrome) found on the machine: ``GOVSPEC_CHROMIUM`` if set, else the
first of ``chromium``, ``chromium-browser``, ``google-chrome`` on the PATH.  The page is printed as
the browser shows it (its timelines are SVG, so they stay vector graphics), A4-sized by the page's
print style, without the browser's own header and footer.  The page is written to a temporary
folder, opened from there with networking off, and the folder removed.  No browser: a message
that says how to get one (exit 2); nothing is written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
SECONDS = 120


class NoBrowser(RuntimeError):
    """No Chromium to print with, or it failed: the message says which and what to do."""


def browser() -> str:
    """The Chromium (or Chrome) executable to print with."""
    given = os.environ.get("GOVSPEC_CHROMIUM")
    if given:
        if shutil.which(given) is None:
            raise NoBrowser(f"GOVSPEC_CHROMIUM is '{given}', which is not an executable")
        return given
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise NoBrowser("--pdf prints the page with a headless Chromium or Chrome, and none was found "
                    "(install Debian's 'chromium' package, or set GOVSPEC_CHROMIUM to the browser's path)")


def html_to_pdf(page: str) -> bytes:
    """The PDF of an HTML page (NoBrowser if it cannot be printed)."""
    executable = browser()
    with tempfile.TemporaryDirectory(prefix="govspec-pdf-") as folder:
        source, target = os.path.join(folder, "report.html"), os.path.join(folder, "report.pdf")
        with open(source, "w", encoding="utf-8") as f:
            f.write(page)
        command = [executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                   "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
                   f"--user-data-dir={os.path.join(folder, 'profile')}", "--no-pdf-header-footer",
                   f"--print-to-pdf={target}", "file://" + source]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=SECONDS)
        except subprocess.TimeoutExpired:
            raise NoBrowser(f"{executable} did not print the page within {SECONDS} s") from None
        except OSError as err:
            raise NoBrowser(f"{executable} could not be started: {err.strerror or err}") from None
        if done.returncode != 0 or not os.path.exists(target):
            last = (done.stderr or "").strip().splitlines()[-1:] or ["no message"]
            raise NoBrowser(f"{executable} could not print the page (exit {done.returncode}: {last[0]})")
        with open(target, "rb") as f:
            data = f.read()
    if not data.startswith(b"%PDF-"):
        raise NoBrowser(f"{executable} wrote something that is not a PDF")
    return data
