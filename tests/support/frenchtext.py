"""Where a text breaks the French rules the pages follow (kb.content.typography): what the outputs' tests look for."""

from __future__ import annotations

import re

_FAULTS = (
    (r"\w'", "apostrophe droite"),
    (r'"', "guillemet droit"),
    (r"«(?!\u202f)", "« sans espace fine après"),
    (r"(?<!\u202f)»", "» sans espace fine avant"),
    (r"« ?«|«\u202f«|»\u202f»|» ?»", "guillemets doublés"),
    (r"[ \u00a0][:;!?%]", "espace ordinaire avant : ; ! ? %"),
    (r"\d \d{3}\b", "espace ordinaire dans un nombre"),
)


def faults(text: str) -> list[str]:
    """Every place where ``text`` (running text; addresses are left out) breaks the rules, with what is around it."""
    text = re.sub(r"https?://\S+", "", text)
    found = []
    for pattern, what in _FAULTS:
        found += [f"{what} : …{text[max(0, m.start() - 20) : m.end() + 20]}…" for m in re.finditer(pattern, text)]
    return found
