"""The site's icon: /favicon.ico and /apple-touch-icon.png, drawn with Pillow from the mark of static/icone.svg.

Browsers ask for both at the site's root whatever the page links, so a first visit never meets a 404. The mark is
two white guillemets on the site's blue; the ICO and PNG are drawn once per process, at four times their size and
scaled down (smooth edges), and answered with a content ETag.
"""

from __future__ import annotations

import functools
import hashlib
import io

from flask import Blueprint, Response
from PIL import Image, ImageDraw

from kb.content.urls import PAGES

bp = Blueprint("icons", __name__)

BLUE, WHITE = "#0b5cad", "#ffffff"
# The mark on a 32-unit square, as in static/icone.svg: corner radius, stroke width, and the two chevrons « ».
UNITS, RADIUS, STROKE = 32, 6, 3.5
CHEVRONS = (((15, 9), (8, 16), (15, 23)), ((24, 9), (17, 16), (24, 23)))
ICO_SIZES = (16, 32, 48)
TOUCH_SIZE = 180  # iOS's home-screen icon; iOS rounds its corners itself
MAX_AGE = 7 * 86400


def mark(size: int, rounded: bool = True) -> Image.Image:
    """The mark at ``size`` pixels square."""
    big = size * 4
    scale = big / UNITS
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=int(RADIUS * scale) if rounded else 0, fill=BLUE)
    for chevron in CHEVRONS:
        points = [(x * scale, y * scale) for x, y in chevron]
        draw.line(points, fill=WHITE, width=round(STROKE * scale), joint="curve")
        r = STROKE * scale / 2
        for x, y in (points[0], points[-1]):  # round caps, as the SVG's stroke-linecap
            draw.ellipse((x - r, y - r, x + r, y + r), fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


@functools.cache
def favicon() -> bytes:
    """/favicon.ico: the mark at 16, 32 and 48 pixels."""
    out = io.BytesIO()
    mark(max(ICO_SIZES)).save(out, format="ICO", sizes=[(s, s) for s in ICO_SIZES])
    return out.getvalue()


@functools.cache
def touch_icon() -> bytes:
    """/apple-touch-icon.png: the mark, square, 180 pixels."""
    out = io.BytesIO()
    mark(TOUCH_SIZE, rounded=False).convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()


def _answer(data: bytes, mimetype: str) -> Response:
    resp = Response(data, mimetype=mimetype)
    resp.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    resp.set_etag(hashlib.sha256(data).hexdigest()[:32])
    return resp


@bp.get(PAGES["favicon"])
def favicon_ico() -> Response:
    """The icon browsers show in tabs and bookmarks."""
    return _answer(favicon(), "image/vnd.microsoft.icon")


@bp.get(PAGES["touch_icon"])
def apple_touch_icon() -> Response:
    """The icon of the site added to a phone's home screen."""
    return _answer(touch_icon(), "image/png")
