"""Read a white paper (Markdown or text, Word, PDF) into a flat stream of lines for the importer.

Each reader returns ``Line``s: headings carry their level, a blank line marks a paragraph break, PDF
lines carry their page. PDF text is normalised here: ligatures, spacing, repeated page headers and
footers, words hyphenated at line ends.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from kb.content.importer.bounds import PDF_LIMITS, Unreadable, check_docx, check_file

SUFFIXES = (".md", ".markdown", ".txt", ".docx", ".pdf")

# Typographic ligatures that PDF text extraction hands back as single code points; « œ » is a letter, kept.
LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
_LIGATURE_RE = re.compile("|".join(LIGATURES))
# Non-breaking and thin spaces (French typography puts them before « : » and inside « »).
_SPACES_RE = re.compile(r"[ \t\u00a0\u202f\u2009\u2007\u200a]+")
_BULLET_RE = re.compile(r"^[•▪◦●‣–—-]\s+")
EDGE_LINES = 3  # headers and footers sit among the first and last lines of a page


class ImportReadError(ValueError):
    """The file cannot be read as the format its name says: « n'est pas un fichier Word lisible (raison) »."""


@dataclass
class Line:
    """One line of the source: its text, heading level (None for body text) and page (PDF)."""

    text: str
    level: int | None = None
    page: int | None = None


@dataclass
class Source:
    """What a reader made of a file: its lines, and whether they are wrapped at the page width (PDF)."""

    lines: list[Line]
    wrapped: bool = False
    paged: bool = False


def clean_text(text: str) -> str:
    """NFC form, ligatures expanded, runs of spaces (non-breaking included) made one space, trimmed."""
    text = unicodedata.normalize("NFC", text)
    text = _LIGATURE_RE.sub(lambda m: LIGATURES[m.group(0)], text)
    return _SPACES_RE.sub(" ", text).strip()


FORMATS = {".docx": "Word", ".pdf": "PDF"}


def read_source(path: Path) -> Source:
    """Read a .md/.txt, .docx or .pdf file (by its suffix), within the bounds of kb.content.importer.bounds."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportReadError(f"format « {suffix or path.name} » non pris en charge : {', '.join(SUFFIXES)}")
    try:
        check_file(path)
        if suffix == ".docx":
            return read_docx(path)
        if suffix == ".pdf":
            return read_pdf(path)
        return read_markdown(path)
    except Unreadable as exc:
        raise ImportReadError(f"n'est pas un fichier {FORMATS.get(suffix, 'texte')} lisible ({exc})") from None


_ATX_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def read_markdown(path: Path) -> Source:
    """Markdown or plain text: « # » headings (and underlined ones) with their level; blank lines kept."""
    try:
        raw = path.read_text("utf-8").removeprefix("\ufeff").splitlines()
    except UnicodeDecodeError:
        raise Unreadable("pas en UTF-8 : réenregistrez-le en UTF-8") from None
    lines: list[Line] = []
    for row in raw:
        stripped = row.strip()
        if lines and lines[-1].text and lines[-1].level is None and re.fullmatch(r"=+|-+", stripped) and len(stripped) >= 3:
            lines[-1].level = 1 if stripped[0] == "=" else 2
            continue
        m = _ATX_RE.match(stripped)
        if m:
            lines.append(Line(clean_text(m.group(2)), len(m.group(1))))
        else:
            lines.append(Line(clean_text(row) if stripped else ""))
    return Source(lines)


def _docx_level(style_name: str) -> int | None:
    m = re.fullmatch(r"(?:heading|titre)\s*(\d)", style_name.strip().lower())
    if m:
        return int(m.group(1))
    return 0 if style_name.strip().lower() in ("title", "titre") else None


def read_docx(path: Path) -> Source:
    """Word: heading styles give levels; « List Number » paragraphs get their visible number back."""
    import docx  # python-docx and lxml: only when a Word file is imported
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    check_docx(path)
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, AttributeError, etree.LxmlError, zipfile.BadZipFile, zlib.error) as exc:
        raise Unreadable(f"structure Word invalide : {exc}"[:300]) from None
    lines: list[Line] = []
    counter = 0
    for para in document.paragraphs:
        text = clean_text(para.text)
        style = para.style.name if para.style is not None else ""
        level = _docx_level(style)
        if style.lower().startswith("list number") and text:
            # Word numbers these itself: the number is not in the text, restore it.
            counter += 1
            text = f"{counter}. {text}"
        elif level is not None:
            counter = 0
        if text:
            lines.append(Line(text, level))
            lines.append(Line(""))
    return Source(lines)


def _edge_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower())


def drop_repeated(pages: list[list[str]]) -> list[list[str]]:
    """Drop page headers and footers: lines near a page's edges that recur (numbers aside) on most pages."""
    if len(pages) < 2:
        return pages
    seen: Counter[str] = Counter()
    for rows in pages:
        edges = rows[:EDGE_LINES] + rows[-EDGE_LINES:]
        seen.update({_edge_key(r) for r in edges})
    repeated = {key for key, n in seen.items() if n > len(pages) / 2}
    out = []
    for rows in pages:
        n = len(rows)
        out.append([r for i, r in enumerate(rows) if not ((i < EDGE_LINES or i >= n - EDGE_LINES) and _edge_key(r) in repeated)])
    return out


def read_pdf(path: Path) -> Source:
    """PDF: text of each page (pypdf, within tighter limits than its own), cleaned; repeated headers and footers dropped."""
    import logging  # pypdf and its logger: only when a PDF is imported

    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError, PyPdfError

    quiet = logging.getLogger("pypdf")
    was = quiet.level
    quiet.setLevel(logging.CRITICAL + 1)  # its English log lines (all its modules) would only repeat the French reason below
    try:
        with apply_configuration(**PDF_LIMITS):
            reader = PdfReader(str(path))
            rows = []
            for page in reader.pages:
                page.get_contents()  # extract_text() swallows a decompression limit and returns "": let it be seen here
                rows.append([clean_text(r) for r in (page.extract_text() or "").splitlines()])
    except LimitReachedError as exc:
        raise Unreadable(f"limite dépassée : {exc}"[:300]) from None
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, zlib.error) as exc:
        raise Unreadable(f"structure PDF invalide : {exc}"[:300]) from None
    finally:
        quiet.setLevel(was)
    pages = drop_repeated([[r for r in page if r] for page in rows])
    return Source([Line(text, None, number) for number, page in enumerate(pages, 1) for text in page], wrapped=True, paged=True)


def unwrap(rows: list[str]) -> str:
    """Rejoin lines wrapped at the page width into Markdown paragraphs (PDF bodies).

    A word hyphenated at a line end is rejoined; a line ending a sentence well short of the usual
    width ends its paragraph; a bullet starts a list item.
    """
    if not rows:
        return ""
    widths = sorted(len(r) for r in rows)
    usual = widths[int(len(widths) * 0.9) - 1 if len(widths) > 1 else 0]
    paragraphs: list[str] = []
    current = ""
    for row in rows:
        bullet = _BULLET_RE.match(row)
        if bullet:
            if current:
                paragraphs.append(current)
            current = "- " + row[bullet.end() :]
        elif not current:
            current = row
        elif re.search(r"\w-$", current) and row[:1].islower():
            current = current[:-1] + row
        else:
            current += " " + row
        if re.search(r"[.!?:»]$", row) and len(row) < 0.8 * usual:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    # Consecutive list items stay one list.
    out: list[str] = []
    for para in paragraphs:
        if out and para.startswith("- ") and out[-1].startswith("- "):
            out[-1] += "\n" + para
        else:
            out.append(para)
    return "\n\n".join(out)
