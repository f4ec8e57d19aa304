"""« Ma sélection »: records chosen for a newsletter, kept in the address (``/selection?ids=a,b,c``), and their block.

No Flask here: the ids are read and checked (unknown, retired, of a kind without a card, malformed, too many: each a
French message, never an exception), resolved to the records' current ids, and each record's card is the single
card's data (kb.newsletter.cards.card). The page and the e-mail block (HTML, text, Markdown) render this one value
(kb.newsletter.selection_web).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from kb.content import kinds
from kb.content.urls import PAGES, parse_record_path
from kb.newsletter.cards import CARD_WIDTH, card, render
from kb.pages import Context
from kb.store import queries

# The kinds a selection holds: those with a newsletter card (proposals and regional actions).
SELECTABLE = kinds.where(card=True)
# Enough for a newsletter; an address with more is cut there, and says so.
MAX_RECORDS = 20
# Past this many pieces an address is not read further (a hostile address may hold thousands).
MAX_PIECES = 200
# How much of a malformed piece a message quotes.
SHOWN = 40
ID_RE = re.compile(r"^[a-z0-9-]{1,80}$")
SEPARATORS = re.compile(r"[,\s]+")
VARIANTS = {"carte": ("selection.html", "text/html"), "carte.txt": ("selection.txt", "text/plain"),
            "carte.md": ("selection.md", "text/markdown")}


@dataclass(frozen=True)
class Selection:
    """The chosen records in their order (current ids and cards), the campaign named, and what was wrong in the address."""

    ids: tuple[str, ...] = ()
    cards: tuple[dict[str, Any], ...] = ()
    campaign: str = ""
    problems: tuple[str, ...] = field(default=())


def pieces(values: list[str]) -> list[str]:
    """The pieces of ``ids=`` values (commas or spaces between them), at most MAX_PIECES."""
    out: list[str] = []
    for value in values:
        out += [p for p in SEPARATORS.split(value, maxsplit=MAX_PIECES) if p]
        if len(out) >= MAX_PIECES:
            break
    return out[:MAX_PIECES]


def shown(piece: str) -> str:
    """A piece of an address as a message quotes it: printable, and cut."""
    text = "".join(ch if ch.isprintable() else "?" for ch in piece)
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def record_id(text: str) -> str:
    """The id a piece names: an id, or a record's address (path or URL) as pasted from a page."""
    text = text.strip()
    if "/" in text:
        parsed = parse_record_path(urlsplit(text).path.rstrip("/"))
        return parsed[1] if parsed else text
    return text.lower()


def resolve(ctx: Context, piece: str) -> tuple[str | None, str | None, str | None]:
    """(kind, current id, None) of a selectable record, or (None, None, why not) in French."""
    rid = record_id(piece)
    if not ID_RE.match(rid):
        return None, None, f"« {shown(piece)} » n’est pas l’identifiant ni l’adresse d’une fiche."
    for kind in SELECTABLE:
        if queries.get(ctx.db, kind, rid) is not None:
            return kind, rid, None
    alias = queries.resolve_alias(ctx.db, rid)
    tomb = queries.get_retired(ctx.db, rid) if alias is None else None
    if tomb is not None and tomb.replacement and tomb.replacement_kind and queries.get(ctx.db, tomb.replacement_kind, tomb.replacement):
        alias = (tomb.replacement_kind, tomb.replacement)
    if alias is not None and alias[0] in SELECTABLE:
        return alias[0], alias[1], None
    other = alias[0] if alias else queries.find_kind(ctx.db, rid)
    if other is not None:
        k = kinds.kind(other)
        return None, None, f"« {rid} » est une fiche {k.noun} : seules les propositions et les actions régionales ont une carte."
    if tomb is not None:
        return None, None, f"La fiche « {rid} » a été retirée de la base."
    return None, None, f"Aucune fiche « {rid} » dans la base."


def read(ctx: Context, values: list[str], campaign: str | None = None, add: str | None = None) -> Selection:
    """The selection an address names (``ids=`` values, then ``add``), each record once, at most MAX_RECORDS."""
    found: dict[str, str] = {}
    problems: list[str] = []
    left_out: list[str] = []
    for piece in pieces(values) + ([add] if add else []):
        if len(found) >= MAX_RECORDS:
            left_out.append(shown(piece))
            continue
        kind, rid, why = resolve(ctx, piece)
        if why:
            problems.append(why)
        elif rid and kind:
            found.setdefault(rid, kind)
    if left_out:
        problems.append(f"Une sélection compte au plus {MAX_RECORDS} fiches : {len(left_out)} laissée{'s' if len(left_out) > 1 else ''} "
                        f"de côté ({', '.join(left_out[:3])}{', …' if len(left_out) > 3 else ''}).")
    name = " ".join((campaign or "").split())[:80]
    cards = [card(ctx, kind, rid, campaign=name or None) for rid, kind in found.items()]
    kept = [c for c in cards if c is not None]
    return Selection(tuple(c["id"] for c in kept), tuple(kept), name, tuple(problems))


def address(ids: list[str] | tuple[str, ...], campaign: str = "", path: str = PAGES["selection"]) -> str:
    """The address of a selection (its page, or one of its blocks): ``/selection?ids=a,b,c`` and its campaign."""
    query = [("ids", ",".join(ids))] if ids else []
    query += [("utm_campaign", campaign)] if campaign else []
    return path + (f"?{urlencode(query, safe=',')}" if query else "")


def moved(ids: tuple[str, ...], index: int, step: int) -> list[str]:
    """The ids with the one at ``index`` moved ``step`` places (-1: up, 1: down), or removed (step 0)."""
    out = list(ids)
    rid = out.pop(index)
    if step:
        out.insert(max(0, min(len(out), index + step)), rid)
    return out


def render_block(selection: Selection, variant: str) -> str:
    """The e-mail block of a selection: every card in order, HTML (cards' rules), text or Markdown, typeset."""
    return render(VARIANTS[variant][0], cards=selection.cards, width=CARD_WIDTH)
