"""The map of the 18 regions as equal tiles, drawn as inline SVG from our own layout (no geometry from elsewhere).

Each region is a tile at a place that keeps France recognisable (Bretagne to the west, Hauts-de-France on top, Corse
to the south-east, the five overseas regions in a row of their own). The layout is keyed by the region's official
INSEE code, which never changes, not by our ids. Every tile is a link to the region's page whose accessible name
says the region and its count; the list under the map carries the same links and figures as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from kb.content.kinds import ACTION

# INSEE region code → (column, row, width in columns) of its tile; rows 0-4 are metropolitan France.
LAYOUT: dict[str, tuple[int, int, int]] = {
    "32": (2, 0, 1),  # Hauts-de-France
    "53": (0, 1, 1),  # Bretagne
    "28": (1, 1, 1),  # Normandie
    "11": (2, 1, 1),  # Île-de-France
    "44": (3, 1, 1),  # Grand Est
    "52": (1, 2, 1),  # Pays de la Loire
    "24": (2, 2, 1),  # Centre-Val de Loire
    "27": (3, 2, 1),  # Bourgogne-Franche-Comté
    "75": (1, 3, 1),  # Nouvelle-Aquitaine
    "84": (2, 3, 2),  # Auvergne-Rhône-Alpes
    "76": (1, 4, 1),  # Occitanie
    "93": (2, 4, 1),  # Provence-Alpes-Côte d'Azur
    "94": (3, 4, 1),  # Corse
    "01": (0, 6, 1),  # Guadeloupe
    "02": (1, 6, 1),  # Martinique
    "03": (2, 6, 1),  # Guyane
    "04": (3, 6, 1),  # La Réunion
    "06": (0, 7, 1),  # Mayotte
}
OVERSEAS_ROW = 6
COLUMNS = 4
TILE_W, TILE_H, GAP = 84, 66, 4
# 13 px type in a 348-unit-wide drawing: 13 px or more on any screen at least 348 px wide, and on a 390 px phone.
FONT = 13
LINE = 15
MAX_LINE = 11  # characters of a name per line in a tile
WIDTH = COLUMNS * TILE_W + (COLUMNS - 1) * GAP


@dataclass(frozen=True)
class Tile:
    """One region to draw: its INSEE code, name, count (with its unit) and page."""

    insee: str
    name: str
    count: int
    href: str


def name_lines(name: str, width: int = MAX_LINE) -> list[str]:
    """A region's name cut into lines of at most ``width`` characters, after hyphens and at spaces."""
    words: list[str] = []
    for part in name.split(" "):
        pieces = part.split("-")
        words += [p + "-" for p in pieces[:-1]] + [pieces[-1]]
    lines: list[str] = []
    for word in words:
        joined = (lines[-1] + ("" if lines[-1].endswith("-") else " ") + word) if lines else word
        if lines and len(joined) <= width:
            lines[-1] = joined
        else:
            lines.append(word)
    return lines


def _y(row: int) -> int:
    # The overseas rows sit right under metropolitan France (row 5 is left out), below a caption line.
    return row * (TILE_H + GAP) if row < OVERSEAS_ROW else (row - 1) * (TILE_H + GAP) + LINE + 8


def tile_map(tiles: Sequence[Tile], labelledby: str, unit: tuple[str, str] = (ACTION.noun, ACTION.noun + "s")) -> Markup:
    """The SVG map: one link per region placed by LAYOUT (regions without a place are left to the list)."""
    placed = [(t, LAYOUT[t.insee]) for t in tiles if t.insee in LAYOUT]
    bottom = max((_y(row) + TILE_H for _t, (_c, row, _w) in placed), default=TILE_H)
    caption_y = _y(OVERSEAS_ROW) - 8
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tilemap" role="group" aria-labelledby="{escape(labelledby)}" '
        f'viewBox="0 0 {WIDTH} {bottom}" width="{WIDTH}" height="{bottom}" font-size="{FONT}" font-family="sans-serif">'
    ]
    if any(row >= OVERSEAS_ROW for _t, (_c, row, _w) in placed):
        out.append(f'<text class="tilemap-caption" x="0" y="{caption_y}">Outre-mer</text>')
    for tile, (column, row, span) in placed:
        x, y = column * (TILE_W + GAP), _y(row)
        w = span * TILE_W + (span - 1) * GAP
        lines = name_lines(tile.name)
        words = f"{tile.count} {unit[0] if tile.count < 2 else unit[1]}"
        top = y + (TILE_H - LINE * (len(lines) + 1)) / 2 + FONT
        label = f"{tile.name} : {words}"
        shade = "on" if tile.count else "off"
        texts = "".join(
            f'<text x="{x + w / 2:g}" y="{top + i * LINE:g}" text-anchor="middle">{escape(line)}</text>' for i, line in enumerate(lines)
        )
        count = f'<text class="tile-count" x="{x + w / 2:g}" y="{top + len(lines) * LINE:g}" text-anchor="middle">{escape(words)}</text>'
        out.append(
            f'<a href="{escape(tile.href)}" aria-label="{escape(label)}" class="tile-{shade}">'
            f'<rect class="tile" x="{x}" y="{y}" width="{w}" height="{TILE_H}" rx="6"/>{texts}{count}</a>'
        )
    out.append("</svg>")
    return Markup("".join(out))
