"""Parse an HTML snippet and list every way it breaks the email-safe rules of the newsletter kit."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

FORBIDDEN = {"script", "link", "style", "iframe", "object", "embed", "form", "input", "button", "meta", "base", "video", "audio", "svg"}
MAX_WIDTH = 600


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.tags: list[str] = []
        self.styled = 0
        self.tables = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        if tag in FORBIDDEN:
            self.problems.append(f"<{tag}> interdit")
        if "class" in a and not a.get("style"):
            self.problems.append(f"<{tag} class=…> sans style en ligne")
        if any(k.startswith("on") for k in a):
            self.problems.append(f"<{tag}> avec un gestionnaire d'événement")
        style = a.get("style", "")
        if style:
            self.styled += 1
        if "@import" in style or "@font-face" in style or "url(" in style:
            self.problems.append(f"<{tag}> style chargeant une ressource externe")
        for value in re.findall(r"(?:^|;)\s*(?:max-)?width\s*:\s*(\d+)px", style):
            if int(value) > MAX_WIDTH:
                self.problems.append(f"<{tag}> style width {value}px > {MAX_WIDTH}")
        if tag == "table":
            self.tables += 1
        if "width" in a:
            width = a["width"].rstrip("px")
            if not width.isdigit() or int(width) > MAX_WIDTH:
                self.problems.append(f"<{tag} width={a['width']}> > {MAX_WIDTH}")
        if tag == "img" and not a.get("alt"):
            self.problems.append("<img> sans alt")
        if tag == "img" and "width" not in a:
            self.problems.append("<img> sans largeur")
        for attr in ("href", "src"):
            if attr in a and urlsplit(a[attr]).scheme not in ("http", "https"):
                self.problems.append(f"<{tag} {attr}={a[attr]!r}> n'est pas une adresse http(s)")


def email_safe_problems(html: str) -> list[str]:
    """Every broken rule (empty when the snippet is email-safe): table layout, inline styles, ≤ 600 px, nothing active."""
    checker = _Checker()
    checker.feed(html)
    checker.close()
    problems = list(checker.problems)
    if not checker.tables:
        problems.append("pas de mise en page en tableau")
    if not checker.styled:
        problems.append("aucun style en ligne")
    return problems
