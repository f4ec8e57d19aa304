"""Link-preview images (Open Graph): 1200×630 PNG with document, axis and title, drawn with Pillow."""

from __future__ import annotations

import functools
import io
from importlib.resources import files

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
BLUE, INK, GREY, PAPER = "#0b5cad", "#1f2328", "#57606a", "#ffffff"
# The site's draft colour (kb.css --draft): a preview server's image of a draft says so, wherever it is pasted.
DRAFT, DRAFT_LABEL = "#8a1c1c", "Brouillon"


@functools.cache
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """Source Sans Pro, shipped as a Python package: every French accent renders, on any machine."""
    name = "SourceSansPro-Bold.ttf" if bold else "SourceSansPro-Regular.ttf"
    path = files("font_source_sans_pro") / "files" / name
    return ImageFont.truetype(str(path), size)


def wrap(draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """Greedy word wrap into at most ``max_lines`` lines; an overflow ends with « … »."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if draw.textlength(trial, font=face) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and draw.textlength(last + " …", font=face) > width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        lines[-1] = last + " …"
    return [_fit(draw, line, face, width) for line in lines]


def _fit(draw: ImageDraw.ImageDraw, line: str, face: ImageFont.FreeTypeFont, width: int) -> str:
    # A single word longer than the line (a long id) is cut rather than drawn off the image.
    while draw.textlength(line, font=face) > width and len(line) > 1:
        line = line[:-2] + "…"
    return line


def render_preview(kicker: str, axis: str, title: str, footer: str, draft: bool = False) -> bytes:
    """The PNG bytes of one preview: a kicker (type and document), the axis, the title (wrapped) and a footer; a draft's
    (shown by a preview server only) has a « Brouillon » band across its top right corner and a side bar in red."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 24, HEIGHT), fill=DRAFT if draft else BLUE)
    inner = WIDTH - 2 * MARGIN
    if draft:
        label = font(34, bold=True)
        width = int(draw.textlength(DRAFT_LABEL, font=label)) + 48
        draw.rectangle((WIDTH - width, 0, WIDTH, 60), fill=DRAFT)
        draw.text((WIDTH - width + 24, 8), DRAFT_LABEL, font=label, fill=PAPER)
        inner -= width - MARGIN + 16  # the kicker's lines stop short of the band
    y = 64
    for line in wrap(draw, kicker, font(34), inner, 2):
        draw.text((MARGIN, y), line, font=font(34), fill=GREY)
        y += 44
    if axis:
        y += 6
        for line in wrap(draw, axis, font(34, bold=True), inner, 1):
            draw.text((MARGIN, y), line, font=font(34, bold=True), fill=BLUE)
            y += 44
    y += 24
    # Shorter titles get larger type; long ones shrink so that they fit above the footer.
    room = HEIGHT - 112 - y
    for size in (68, 60, 52, 46, 40):
        face = font(size, bold=True)
        lines = wrap(draw, title, face, inner, max(1, room // int(size * 1.18)))
        if not lines[-1].endswith(" …"):
            break
    for line in lines:
        draw.text((MARGIN, y), line, font=face, fill=INK)
        y += int(size * 1.18)
    draw.line((MARGIN, HEIGHT - 96, WIDTH - MARGIN, HEIGHT - 96), fill="#d0d7de", width=2)
    draw.text((MARGIN, HEIGHT - 80), _fit(draw, footer, font(30), inner), font=font(30), fill=GREY)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
