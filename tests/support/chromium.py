"""Chromium for the browser tests: Debian's package driven by Playwright (never a downloaded browser), its flags,
the three widths every page is checked at, and the folder where screenshots and PDFs are kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright

from tests.support import guard
from tests.support.corpora import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
# Without the background-networking flags Chromium keeps trying to reach outside hosts.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run"]
# The narrowest phones, and the width WCAG 1.4.10 (reflow) asks pages to hold without scrolling sideways.
NARROW = {"width": 320, "height": 640}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
WIDTHS = (("phone-320", NARROW), ("phone", PHONE), ("desktop", DESKTOP))


def launch(playwright: Playwright) -> Browser:
    """Launch the system's Chromium for a test marked ``browser``; without Chromium, fail under CI and skip elsewhere."""
    guard.require("browser", "Chromium")
    if not CHROMIUM.exists():
        message = "Chromium is missing: run `make system-deps` (as root it installs the Debian package `chromium`)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)


def console_errors(page: Page) -> list[str]:
    """A list that fills with the page's console errors and uncaught exceptions from now on."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors
