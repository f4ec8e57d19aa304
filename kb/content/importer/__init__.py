"""`kb import`: turn a white paper (Markdown, Word, PDF) into one draft proposal file per proposal found."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from kb.content.files import MAX_FILE_BYTES
from kb.content.importer.read import ImportReadError, Source, read_source, unwrap
from kb.content.kinds import AXIS, DOCUMENT, PROPOSAL
from kb.content.loader import load_all
from kb.content.markup import fold
from kb.content.problems import display_path
from kb.content.scaffold import Proposal, document_axes, proposal_text

__all__ = ["NEXT_STEP", "ImportReadError", "ImportRefused", "ImportReport", "import_file", "slugify"]

# « Proposition 4 », « Proposition n° 4 », « Mesure N° 4 : … », « Recommandation no 4. … »
NAMED_RE = re.compile(
    r"^(?:proposition|mesure|recommandation|proposal)\s*(?:n\s*[°º]|no\.?(?=\s*\d)|n\.|num[ée]ro|#)?\s*(\d{1,3})\b\s*[:.)–—-]?\s*(.*)$",
    re.IGNORECASE,
)
NUMBERED_RE = re.compile(r"^(\d{1,3})\s*[.)]\s+(\S.*)$")
SECTION_RE = re.compile(
    r"^(?:(?:axe|partie|chapitre|titre|pilier|levier|thème|theme)\s*(?:n\s*[°º]|no\.?)?\s*(?:\d{1,2}|[ivxlc]+)\b|[IVX]{1,5}[.)])\s*[:.)–—-]?\s*",
    re.IGNORECASE,
)
# Parts of a document that are no proposal's text: they end the proposal before them.
OTHER_PART_RE = re.compile(
    r"^(?:sommaire|table des matières|introduction|préambule|avant-propos|synthèse|conclusions?|annexes?|glossaire|remerciements)"
    r"\b[^.]{0,40}$",
    re.IGNORECASE,
)
# A table of contents entry ends with dot leaders and a page number: « Proposition 4 : … ........ 12 ».
_LEADER_RE = re.compile(r"\s*(?:\.{2,}|…+)\s*\d{1,3}$")
_EMPHASIS_RE = re.compile(r"^[*_]+|[*_]+$")
MAX_SLUG = 80
MAX_SECTION = 120  # a longer line is text, not a section title
MAX_TITLE = 200
NEXT_STEP = "complétez les champs puis lancez kb check"


@dataclass
class Found:
    """A proposal found in the source: its number, title, body lines, first page and section."""

    number: int | None
    title: str
    page: int | None
    section: str | None
    level: int | None = None
    rows: list[str] = field(default_factory=list)
    title_open: bool = False


def _plain(text: str) -> str:
    return _EMPHASIS_RE.sub("", text).strip()


def _marker(text: str, numbers: bool) -> tuple[int, str] | None:
    text = _plain(text)
    if text[:1].islower():  # « … la proposition 4 de … » wrapped onto a new line is text, not a heading
        return None
    m = NAMED_RE.match(text) or (NUMBERED_RE.match(text) if numbers else None)
    return (int(m.group(1)), m.group(2).strip()) if m else None


def section_name(title: str) -> str:
    """A section title without its « Axe 2 : » / « II. » prefix."""
    return SECTION_RE.sub("", _plain(title), count=1).strip() or _plain(title)


def _axis_title(text: str, axes: dict[str, str]) -> bool:
    """True for a line that is exactly an axis title, numbered or not (« 2. Commande publique », « Axe II : … »)."""
    return fold(re.sub(r"^(?:\d{1,2}|[IVX]{1,5})\s*[.)]\s*", "", section_name(text))) in axes


def match_axis(section: str | None, axes: dict[str, str]) -> str | None:
    """The axis whose title matches a section title once folded (exact first, then one containing the other)."""
    if not section:
        return None
    key = fold(section_name(section))
    if not key:
        return None
    if key in axes:
        return axes[key]
    close = {axis for title, axis in axes.items() if len(title) >= 6 and (title in key or key in title)}
    return close.pop() if len(close) == 1 else None


def split(source: Source, axes: dict[str, str], axis_level: int | None = None) -> list[Found]:
    """The proposals of a source, in order, each with the section (heading) it sits in."""
    named = any(_marker(ln.text, numbers=False) for ln in source.lines if ln.text)
    # Numbered lines (« 4. ») are proposals only in a text that neither names them « Proposition 4 » nor uses --axis-level.
    numbers = not named and axis_level is None
    found: list[Found] = []
    section: str | None = None
    current: Found | None = None
    for line in source.lines:
        text, level = line.text, line.level
        if not text:
            if current is not None:
                current.title_open = False
                if current.rows and current.rows[-1]:
                    current.rows.append("")
            continue
        plain = _plain(text)
        if ((level is not None or len(text) < MAX_SECTION) and _axis_title(text, axes)) or (
            level is not None and axis_level is not None and level <= axis_level
        ):
            section, current = plain, None
            continue
        mark = _marker(text, numbers)
        if mark is None and level is not None and axis_level is not None and level == axis_level + 1:
            mark = (len(found) + 1, plain)
        if mark is not None:
            current = Found(mark[0], _LEADER_RE.sub("", mark[1]).rstrip(" :."), line.page, section, level=level, title_open=True)
            found.append(current)
            continue
        if level is not None:
            if current is not None and current.level is not None and level > current.level:
                # A sub-heading inside a proposal stays in its body.
                current.title_open = False
                current.rows += [f"**{plain}**", ""]
            elif axis_level is None:
                section, current = plain, None
            continue
        if (SECTION_RE.match(plain) or (OTHER_PART_RE.match(plain) and plain[:1].isupper())) and len(text) < MAX_SECTION:
            section, current = plain, None
            continue
        if current is None:
            continue
        if not current.rows and (
            (not current.title and len(text) <= MAX_TITLE) or (current.title_open and source.wrapped and _continues(current.title, text))
        ):
            # « Proposition 4 » alone with its title below, or a title wrapped onto the next line (« Créer un pass » / « foncier PMI »).
            current.title = f"{current.title} {text}".strip().rstrip(" :.")
            current.title_open = True
            continue
        current.title_open = False
        current.rows.append(text)
    return _without_contents(found)


def _without_contents(found: list[Found]) -> list[Found]:
    """Drop table-of-contents entries: a numbered proposal without text whose number comes again later with text."""
    with_text = {f.number for f in found if f.number is not None and any(r for r in f.rows)}
    return [f for f in found if any(r for r in f.rows) or f.number not in with_text]


def _continues(title: str, text: str) -> bool:
    return not re.search(r"[.!?;:]$", title) and (text[:1].islower() or title.endswith(("-", ",")))


def body_of(found: Found, wrapped: bool) -> str:
    """The Markdown body of a proposal: paragraphs as written (Markdown, Word) or rejoined (PDF)."""
    if not wrapped:
        text = "\n".join(found.rows)
        return re.sub(r"\n{3,}", "\n\n", text).strip()
    return unwrap([r for r in found.rows if r])


def slugify(title: str, fallback: str) -> str:
    """An id from a title: lowercase ASCII letters, digits and hyphens, 80 characters at most (cut at a hyphen)."""
    text = title.lower().replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > MAX_SLUG:
        cut = slug[: MAX_SLUG + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else slug[:MAX_SLUG]
    return slug.strip("-") or fallback


def render(found: Found, slug: str, document: str, axis: str | None, origin: str, text: str,
           axes: list[tuple[int, str, str]]) -> str:
    """The YAML text of one draft proposal: `kb new`'s commented template, filled with what the source gives — its
    title, document, axis and page — and the source's text kept as the quote of its first source, for the editor to cut
    down to the words that matter; summary and body are left to write with our words."""
    where = f", page {found.page}" if found.page else ""
    head = (
        "# yaml-language-server: $schema=../../schemas/proposal.schema.json\n"
        f"# Brouillon importé de « {origin} »{where} par kb import. Le texte de la source est la citation (« quote ») de sa\n"
        "# première source : gardez-en les mots essentiels (600 caractères au plus), écrivez le résumé et le texte avec nos\n"
        "# mots, remplacez chaque « À COMPLÉTER », écrivez les dates que donne la source, puis retirez « draft: true ».\n"
    )
    source = {"document": document, **({"page": found.page} if found.page else {}), **({"quote": text} if text else {})}
    filled = Proposal(title=found.title or f"Proposition {found.number}", document=document, source=source, draft=True)
    if axis:
        filled.axis = axis
    return proposal_text(slug, filled, axes, head=head)


class ImportRefused(ValueError):
    """The import cannot start (unknown document): nothing is written."""


@dataclass
class ImportReport:
    """What an import did: files created, clashes left alone, proposals without an axis."""

    created: list[tuple[Path, Found, str | None]] = field(default_factory=list)
    clashes: list[tuple[Path, Found, str]] = field(default_factory=list)
    unmapped: list[tuple[Path, Found]] = field(default_factory=list)


def import_file(
    path: Path, document: str, data_dir: Path, axis_level: int | None = None, max_bytes: int = MAX_FILE_BYTES
) -> ImportReport:
    """Write one draft per proposal of ``path`` into ``data_dir``/proposals; never overwrite a file."""
    corpus = load_all(Path(data_dir), max_bytes=max_bytes)
    documents = {r.id for r in corpus.of(DOCUMENT)}
    if document in corpus.failed.get(DOCUMENT, {}):
        where = display_path(corpus.failed[DOCUMENT][document])
        raise ImportRefused(f"le document « {document} » a des erreurs : corrigez-les d'abord (kb check {where})")
    if document not in documents:
        raise ImportRefused(f"document « {document} » introuvable dans {data_dir} (ids : {', '.join(sorted(documents)) or 'aucun'})")
    axes = {fold(r.model.title): r.id for r in corpus.of(AXIS) if r.model.document == document}
    listed = document_axes(corpus, document)
    owners = {r.id: r.path for kind in corpus.records for r in corpus.of(kind)}
    owners.update({rid: path for failed in corpus.failed.values() for rid, path in failed.items() if rid not in owners})
    source = read_source(path)
    report = ImportReport()
    folder = Path(data_dir) / str(PROPOSAL.folder)
    used: set[str] = set()
    for found in split(source, axes, axis_level):
        slug = base = slugify(found.title, f"proposition-{found.number or len(used) + 1}")
        n = 2
        while slug in used:
            slug = f"{base[: MAX_SLUG - len(str(n)) - 1]}-{n}"
            n += 1
        used.add(slug)
        target = folder / f"{slug}.yaml"
        if target.exists() or slug in owners:
            why = "le fichier existe déjà" if target.exists() else f"l'id est déjà pris par {display_path(owners[slug])}"
            report.clashes.append((target, found, why))
            continue
        axis = match_axis(found.section, axes)
        folder.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8") as fh:  # "x": never replace a file that appeared meanwhile
            fh.write(render(found, slug, document, axis, path.name, body_of(found, source.wrapped), listed))
        report.created.append((target, found, axis))
        if axis is None:
            report.unmapped.append((target, found))
    return report
