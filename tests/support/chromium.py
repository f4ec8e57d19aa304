"""Chromium for the browser tests: Debian's package driven by Playwright (never a downloaded browser), its flags,
the two widths every page is checked at, and the folder where screenshots and PDFs are kept."""

from __future__ import annotations

from pathlib import Path

from tests.support.corpora import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
# Without the background-networking flags Chromium keeps trying to reach outside hosts.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
WIDTHS = (("phone", PHONE), ("desktop", DESKTOP))
