"""Server-rendered SVG bar charts: no JavaScript, no inline style (the CSP forbids it), text equivalents included.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` listing every figure, so a
screen reader gets the whole chart as one image described in words. The bars are links to the
matching search for mouse and touch; they are kept out of the tab order because the page's table
carries the same links for keyboard and screen-reader users (links inside role="img" are not exposed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from markupsafe import Markup, escape

WIDTH = 640
LABEL_WIDTH = 230
VALUE_WIDTH = 40
ROW = 26
BAR = 16
FILL = "#1f4e8c"  # dark enough to print in grey and to hold 4.5:1 against white
MAX_LABEL = 34


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
    """A horizontal bar chart as inline SVG markup; each bar links to ``href`` when it has one."""
    top = max((b.count for b in bars), default=0)
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = max(1, len(bars)) * ROW + 8
    tid, did = f"{chart_id}-titre", f"{chart_id}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(tid)} {escape(did)}" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'preserveAspectRatio="xMinYMin meet" font-family="sans-serif" font-size="13">',
        f'<title id="{escape(tid)}">{escape(title)}</title>',
        f'<desc id="{escape(did)}">{escape(describe(bars, unit))}</desc>',
    ]
    for i, b in enumerate(bars):
        y = 4 + i * ROW
        width = round(span * b.count / top) if top else 0
        width = max(width, 2) if b.count else 0
        baseline = y + BAR - 3
        label = (
            f'<text class="bar-label" x="{LABEL_WIDTH - 8}" y="{baseline}" text-anchor="end" fill="#1a1a1a">'
            f"{escape(_short(b.label))}</text>"
        )
        rect = f'<rect class="bar" x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR}" fill="{FILL}"/>'
        value = f'<text class="bar-value" x="{LABEL_WIDTH + width + 6}" y="{baseline}" fill="#1a1a1a">{b.count}</text>'
        tip = f"<title>{escape(b.label)} : {b.count} {unit[0] if b.count < 2 else unit[1]}</title>"
        row = f'<g class="bar-row">{tip}{label}{rect}{value}</g>'
        if b.href:
            row = f'<a href="{escape(b.href)}" tabindex="-1">{row}</a>'
        out.append(row)
    out.append("</svg>")
    return Markup("\n".join(out))
