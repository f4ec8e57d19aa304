"""The markers `kb new` templates leave in place of a value (kb.content.scaffold), and where a record still holds them:
an error, or a draft's to-do (kb.content.loader)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

# What the templates leave in place of a value: their text marker, and the ids and address they start with.
# Lowercase « à compléter » is ordinary French (« un décret à compléter ») and is no marker.
PLACEHOLDER_RE = re.compile(r"[ÀA] COMPL[ÉE]TER|(?:^|//)a-completer\b")


def may_hold_placeholders(text: str) -> bool:
    """False when a file's text cannot hold a template marker (the common case: then its values are not searched)."""
    return "COMPL" in text or "a-completer" in text


def placeholders(data: Any, loc: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(location, text) of every value still holding a template marker, in file order."""
    if isinstance(data, str):
        if PLACEHOLDER_RE.search(data):
            text = " ".join(data.split())
            yield loc, text if len(text) <= 60 else text[:59] + "…"
        return
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        yield from placeholders(value, (*loc, key))


def is_placeholder(value: Any) -> bool:
    """True for a value that still holds a template marker (a reference to it is reported once, as a placeholder)."""
    return isinstance(value, str) and PLACEHOLDER_RE.search(value) is not None
