"""Link-preview images (Open Graph): what one shows (``Preview``), where each piece goes (``layout``), drawn with Pillow.

``layout`` places every piece of text and every shape of a 1200×630 image, typeset (kb.content.typography), and
``render`` only draws that list: what an image says can be tested on the list, without reading pixels.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass, field
from importlib.resources import files

from PIL import Image, ImageDraw, ImageFont

from kb.content.typography import french

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
BLUE, INK, GREY, PAPER, RULE, FAINT = "#0b5cad", "#1f2328", "#57606a", "#ffffff", "#d0d7de", "#eef1f4"
BADGE_BG, BADGE_INK = "#fff1c2", "#5c4300"
# The site's draft colour (kb.css --draft): a preview server's image of a draft says so, wherever it is pasted.
DRAFT, DRAFT_LABEL = "#8a1c1c", "Brouillon"
FOOT = HEIGHT - 96  # the rule above the footer
TITLE_SIZES = (68, 60, 52, 46, 40)
# The who-proposes-what grid of /comparer: at most this many axes and documents (the rest is counted in words).
GRID_ROWS, GRID_COLUMNS = 6, 8


@dataclass(frozen=True)
class Grid:
    """Rows (axes) × columns (documents), and the cells that hold proposals, as (row, column) pairs."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    filled: frozenset[tuple[int, int]] = frozenset()


@dataclass(frozen=True)
class Preview:
    """What one image says: a kicker (what the page is), a line in blue (its document, its axis), a badge, a title,
    a summary line, facts (counts and organisations), a grid, and the footer (the site and its address)."""

    kicker: str
    title: str
    subtitle: str = ""
    badge: str = ""
    summary: str = ""
    facts: str = ""
    footer: str = ""
    grid: Grid | None = None
    draft: bool = False


@dataclass(frozen=True)
class Text:
    """A piece of text drawn at (x, y)."""

    x: int
    y: int
    text: str
    size: int
    bold: bool = False
    color: str = INK


@dataclass(frozen=True)
class Shape:
    """A rectangle, an ellipse or a line, by its box."""

    kind: str
    box: tuple[int, int, int, int]
    color: str
    width: int = 0


@dataclass
class Layout:
    """Every piece of an image, in drawing order."""

    shapes: list[Shape] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)

    @property
    def words(self) -> str:
        """All the text drawn, in order (what the tests read)."""
        return "\n".join(t.text for t in self.texts)


@functools.cache
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """Source Sans Pro, shipped as a Python package: every French accent renders, on any machine."""
    name = "SourceSansPro-Bold.ttf" if bold else "SourceSansPro-Regular.ttf"
    path = files("font_source_sans_pro") / "files" / name
    return ImageFont.truetype(str(path), size)


def _length(text: str, size: int, bold: bool = False) -> float:
    return font(size, bold).getlength(text)


def wrap(text: str, size: int, bold: bool, width: int, max_lines: int) -> list[str]:
    """Greedy word wrap into at most ``max_lines`` lines; an overflow ends with « … ». Words are split at plain spaces
    only: the no-break spaces typography puts in keep « 225 000 », « l’industrie ? » and « « x » » together."""
    lines: list[str] = []
    current = ""
    for word in (w for w in text.split(" ") if w):
        trial = f"{current} {word}".strip()
        if _length(trial, size, bold) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and _length(last + " …", size, bold) > width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        lines[-1] = last + " …"
    return [fit(line, size, bold, width) for line in lines]


def fit(line: str, size: int, bold: bool, width: int) -> str:
    """A line cut with « … » where it is wider than ``width`` (a single long word)."""
    while _length(line, size, bold) > width and len(line) > 1:
        line = line[:-2] + "…"
    return line


def _lines(out: Layout, lines: list[str], y: int, size: int, bold: bool, color: str, step: int) -> int:
    for line in lines:
        out.texts.append(Text(MARGIN, y, line, size, bold, color))
        y += step
    return y


def layout(p: Preview) -> Layout:
    """Where each piece of ``p`` goes, typeset: top down the kicker, the blue line, the badge, the title and the summary
    under it; bottom up the footer, the facts and the grid. The title takes the room the summary's first two lines
    leave, in smaller type when it is long; the summary then takes what the title left (three lines at most)."""
    out = Layout([Shape("rectangle", (0, 0, 24, HEIGHT), DRAFT if p.draft else BLUE)])
    inner = WIDTH - 2 * MARGIN
    top = inner
    if p.draft:
        width = int(_length(DRAFT_LABEL, 34, True)) + 48
        out.shapes.append(Shape("rectangle", (WIDTH - width, 0, WIDTH, 60), DRAFT))
        out.texts.append(Text(WIDTH - width + 24, 8, DRAFT_LABEL, 34, True, PAPER))
        top -= width - MARGIN + 16  # the kicker's lines stop short of the band
    y = _lines(out, wrap(french(p.kicker), 32, False, top, 2), 60, 32, False, GREY, 42)
    if p.subtitle:
        y = _lines(out, wrap(french(p.subtitle), 32, True, inner, 1), y + 4, 32, True, BLUE, 42)
    if p.badge:
        badge = french(p.badge)
        width = int(_length(badge, 26, True)) + 28
        out.shapes.append(Shape("rectangle", (MARGIN, y + 10, MARGIN + width, y + 48), BADGE_BG))
        out.texts.append(Text(MARGIN + 14, y + 13, badge, 26, True, BADGE_INK))
        y += 50
    y += 20
    bottom = FOOT - 22
    if p.facts:
        bottom -= 40
        out.texts.append(Text(MARGIN, bottom, fit(french(p.facts), 30, True, inner), 30, True, INK))
        bottom -= 12
    if p.grid is not None:
        bottom = _grid(out, p.grid, bottom)
    summary = french(p.summary) if p.summary and p.grid is None else ""
    room = bottom - y - (2 * 40 + 12 if summary else 0)
    title = french(p.title)
    size, lines = TITLE_SIZES[-1], [title]
    for size in TITLE_SIZES:
        lines = wrap(title, size, True, inner, max(1, room // int(size * 1.18)))
        if not lines[-1].endswith(" …"):
            break
    y = _lines(out, lines, y, size, True, INK, int(size * 1.18))
    if summary and (n := min(3, (bottom - y - 16) // 40)) > 0:
        _lines(out, wrap(summary, 30, False, inner, n), y + 16, 30, False, GREY, 40)
    out.shapes.append(Shape("line", (MARGIN, FOOT, WIDTH - MARGIN, FOOT), RULE, 2))
    if p.footer:
        out.texts.append(Text(MARGIN, FOOT + 16, fit(french(p.footer), 28, False, inner), 28, False, GREY))
    return out


def _grid(out: Layout, grid: Grid, bottom: int) -> int:
    """The who-proposes-what grid above ``bottom``: axes in rows, documents in columns, a dot where a document proposes
    something on an axis; returns the top of the grid."""
    rows, columns = grid.rows[:GRID_ROWS], grid.columns[:GRID_COLUMNS]
    step, cell, head = 32, 84, 46
    label = WIDTH - 2 * MARGIN - cell * len(columns)
    top = bottom - head - step * len(rows)
    for j, name in enumerate(columns):
        x = MARGIN + label + j * cell
        for k, text in enumerate(wrap(french(name), 18, True, cell - 6, 2)):  # « Assemblée / nationale »
            out.texts.append(Text(x + (cell - int(_length(text, 18, True))) // 2, top + 20 * k, text, 18, True, GREY))
    for i, name in enumerate(rows):
        y = top + head + i * step
        if i % 2 == 0:
            out.shapes.append(Shape("rectangle", (MARGIN, y - 2, WIDTH - MARGIN, y + step - 4), FAINT))
        out.texts.append(Text(MARGIN + 8, y + 2, fit(french(name), 22, False, label - 20), 22, False, INK))
        for j in range(len(columns)):
            cx, cy = MARGIN + label + j * cell + cell // 2, y + step // 2 - 3
            r = 10 if (i, j) in grid.filled else 4
            out.shapes.append(Shape("ellipse", (cx - r, cy - r, cx + r, cy + r), BLUE if r == 10 else RULE))
    # What the grid leaves out is counted in its corner: « + 2 axes · + 3 documents ».
    left = ((len(grid.rows) - len(rows), "axes"), (len(grid.columns) - len(columns), "documents"))
    hidden = [f"+ {n} {word}" for n, word in left if n > 0]
    if hidden:
        out.texts.append(Text(MARGIN + 8, top, fit(" · ".join(hidden), 20, False, label - 20), 20, False, GREY))
    return top - 12


def render(p: Preview) -> bytes:
    """The PNG bytes of one preview: its layout, drawn."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    drawn = layout(p)
    for s in drawn.shapes:
        if s.kind == "line":
            draw.line(s.box, fill=s.color, width=s.width)
        elif s.kind == "ellipse":
            draw.ellipse(s.box, fill=s.color)
        else:
            draw.rectangle(s.box, fill=s.color)
    for t in drawn.texts:
        draw.text((t.x, t.y), t.text, font=font(t.size, t.bold), fill=t.color)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
