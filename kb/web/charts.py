"""Server-rendered SVG bar charts: no JavaScript, no inline style (the CSP forbids it), text equivalents included.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` listing every figure, so a screen reader
gets the whole chart as one image described in words. Nothing inside it is interactive (an image holds no links):
the table under each chart carries the same figures with a link per row to the matching search.

The drawing is as wide as the narrowest phone's screen (320 units) and each label sits on its own line above its bar,
so the text stays at 14 px from 390 px up and above 12 px at 320 px (WCAG reflow), where a wider drawing shrinks it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from markupsafe import Markup, escape

WIDTH = 320
FONT = 14
LABEL = 18  # height of a label line
BAR = 14
ROW = LABEL + BAR + 10
VALUE_WIDTH = 40
FILL = "#1f4e8c"  # dark enough to print in grey and to hold 4.5:1 against white
MAX_LABEL = 40  # characters of a label on one line of the drawing (the whole label is in <desc> and in the table)


class BarLike(Protocol):
    """What a bar needs: a label, a count and an optional link."""

    label: str
    count: int
    href: str | None


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def describe(bars: Sequence[BarLike], unit: tuple[str, str]) -> str:
    """The text equivalent of a chart: « Accès au foncier : 1 proposition ; Commande publique : 0 proposition. »"""
    if not bars:
        return "Aucune donnée."
    parts = [f"{b.label} : {b.count} {unit[0] if b.count < 2 else unit[1]}" for b in bars]
    return " ; ".join(parts) + "."


def bar_chart(chart_id: str, title: str, bars: Sequence[BarLike], unit: tuple[str, str] = ("fiche", "fiches")) -> Markup:
    """A horizontal bar chart as inline SVG markup: each label on a line, its bar and count below."""
    top = max((b.count for b in bars), default=0)
    span = WIDTH - VALUE_WIDTH
    height = max(1, len(bars)) * ROW + 4
    tid, did = f"{chart_id}-titre", f"{chart_id}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(tid)} {escape(did)}" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'preserveAspectRatio="xMinYMin meet" font-family="sans-serif" font-size="{FONT}">',
        f'<title id="{escape(tid)}">{escape(title)}</title>',
        f'<desc id="{escape(did)}">{escape(describe(bars, unit))}</desc>',
    ]
    for i, b in enumerate(bars):
        y = i * ROW
        width = round(span * b.count / top) if top else 0
        width = max(width, 2) if b.count else 0
        label = f'<text class="bar-label" x="0" y="{y + FONT}" fill="#1a1a1a">{escape(_short(b.label))}</text>'
        rect = f'<rect class="bar" x="0" y="{y + LABEL}" width="{width}" height="{BAR}" fill="{FILL}"/>'
        value = f'<text class="bar-value" x="{width + 6}" y="{y + LABEL + BAR - 2}" fill="#1a1a1a">{b.count}</text>'
        out.append(f'<g class="bar-row">{label}{rect}{value}</g>')
    out.append("</svg>")
    return Markup("\n".join(out))
