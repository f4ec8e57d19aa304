"""Links that never break: tombstones of removed records, the frozen list of published URLs and its check."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlmodel import Session

from kb.loader import Corpus, Record, read_yaml, validate
from kb.models import Id, Retired, Strict, Text
from kb.problems import Problem
from kb.urls import PREFIXES, record_path

RETIRED_FILE = "retired.yaml"
PUBLISHED_FILE = "published-links.txt"
# Pages that exist whatever the content holds.
SITE_PATHS = ("/", "/recherche", "/recherche.atom", "/flux.atom")
CARD_SUFFIXES = ("/carte", "/carte.txt", "/carte.md", "/apercu.png")
FEED_SUFFIXES = ("/flux.atom",)
CARD_KINDS = ("proposal", "action")
FEED_KINDS = ("document", "axis", "sector", "region")
KIND_OF_PREFIX = {prefix.strip("/"): kind for kind, prefix in PREFIXES.items()}
RECORD_PATH_RE = re.compile(r"^/([a-z]+)/([a-z0-9-]{1,80})(/carte|/carte\.txt|/carte\.md|/apercu\.png|/flux\.atom)?$")


class RetiredFile(Strict):
    """One entry of retired.yaml: a removed record's id, when and why, and what replaces it."""

    id: Id
    date: dt.date
    reason: Text
    replacement: Id | None = None


def suffixes(kind: str) -> tuple[str, ...]:
    """The sub-paths a record page of this kind has (cards and preview, or a feed)."""
    return CARD_SUFFIXES if kind in CARD_KINDS else FEED_SUFFIXES if kind in FEED_KINDS else ()


def parse_record_path(path: str) -> tuple[str, str, str] | None:
    """(kind, id, suffix) for a record URL path such as ``/propositions/x/carte``; None for any other path."""
    m = RECORD_PATH_RE.match(path)
    if not m or m.group(1) not in KIND_OF_PREFIX:
        return None
    kind, suffix = KIND_OF_PREFIX[m.group(1)], m.group(3) or ""
    if suffix and suffix not in suffixes(kind):
        return None
    return kind, m.group(2), suffix


def load_retired(data_dir: Path) -> tuple[list[Record], list[Problem]]:
    """Read retired.yaml (absent or empty means no tombstone), every problem at its line."""
    path = Path(data_dir) / RETIRED_FILE
    if not path.exists():
        return [], []
    spath = str(path)
    data, lines, problems = read_yaml(path)
    if data is None:
        # A file holding only its header comment is an empty list, not an error.
        only_empty = problems and all(p.message == "fichier vide" for p in problems)
        return [], [] if only_empty else problems
    if not isinstance(data, list):
        return [], [*problems, Problem(spath, 1, "error", "le fichier doit contenir une liste d'éléments « - id: … »")]
    records: list[Record] = []
    for i, item in enumerate(data):
        # validate() names only the fields it knows from the lines map: make ours known, at the entry's line.
        for name in RetiredFile.model_fields:
            lines.setdefault((i, name), lines.get((i,), 1))
        obj, errs = validate(RetiredFile, item, spath, lines, (i,))
        problems += errs
        if obj is not None:
            records.append(Record("retired", obj.id, spath, obj, lines, (i,)))
    return records, problems


@dataclass
class Resolver:
    """What answers on the site: live ids by kind, aliases by kind, tombstones."""

    live: dict[str, set[str]] = field(default_factory=dict)
    aliases: dict[str, dict[str, str]] = field(default_factory=dict)
    retired: set[str] = field(default_factory=set)

    def why_not(self, path: str) -> str | None:
        """None when ``path`` answers (200, 301 or 410), else the reason it no longer does."""
        if path in SITE_PATHS:
            return None
        parsed = parse_record_path(path)
        if parsed is None:
            return "adresse inconnue du site"
        kind, rid, _suffix = parsed
        if rid in self.live.get(kind, set()) or rid in self.aliases.get(kind, {}) or rid in self.retired:
            return None
        return f"aucune fiche, aucun alias ni aucune pierre tombale « {rid} »"


def resolver(corpus: Corpus, retired: list[Record]) -> Resolver:
    """The resolver of a loaded corpus (drafts are not public: their URLs do not answer)."""
    res = Resolver(retired={r.id for r in retired})
    for kind in PREFIXES:
        for rec in corpus.of(kind):
            if getattr(rec.model, "draft", False):
                continue
            res.live.setdefault(kind, set()).add(rec.id)
            for alias in getattr(rec.model, "aliases", []):
                res.aliases.setdefault(kind, {})[alias] = rec.id
    return res


def public_paths(corpus: Corpus, retired: list[Record]) -> list[str]:
    """Every public URL path the content answers, sorted: site pages, records, aliases, cards, feeds."""
    res = resolver(corpus, retired)
    paths = set(SITE_PATHS)
    for kind in PREFIXES:
        for rid in res.live.get(kind, set()) | set(res.aliases.get(kind, {})):
            base = record_path(kind, rid)
            paths |= {base, *(base + s for s in suffixes(kind))}
    return sorted(paths)


def read_published(data_dir: Path) -> list[tuple[int, str]]:
    """(line number, path) of each URL in published-links.txt; blank lines and # comments skipped."""
    path = Path(data_dir) / PUBLISHED_FILE
    if not path.exists():
        return []
    out = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        url = line.strip()
        if url and not url.startswith("#"):
            out.append((n, url))
    return out


def check_published(corpus: Corpus, retired: list[Record]) -> list[Problem]:
    """An error for each published URL that would no longer resolve, at its line of published-links.txt."""
    res = resolver(corpus, retired)
    spath = str(Path(corpus.data_dir) / PUBLISHED_FILE)
    problems = []
    for line, url in read_published(corpus.data_dir):
        why = res.why_not(url)
        if why:
            message = (
                f"le lien publié « {url} » ne répond plus ({why}) : "
                f"ajoutez une pierre tombale dans {RETIRED_FILE} ou rétablissez l'alias dans la fiche renommée"
            )
            problems.append(Problem(spath, line, "error", message))
    return problems


def check_retired(corpus: Corpus, retired: list[Record]) -> list[Problem]:
    """Tombstone rules: a retired id is no live id or alias, appears once, and its replacement is a live record."""
    owners: dict[str, Record] = {}
    aliases: dict[str, Record] = {}
    for kind in PREFIXES:
        for rec in corpus.of(kind):
            owners.setdefault(rec.id, rec)
            for alias in getattr(rec.model, "aliases", []):
                aliases.setdefault(alias, rec)
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for rec in retired:
        line = rec.line("id")
        if rec.id in seen:
            problems.append(Problem(rec.path, line, "error", f"« {rec.id} » est déjà retiré à la ligne {seen[rec.id]}"))
        seen.setdefault(rec.id, line)
        if rec.id in owners:
            problems.append(Problem(rec.path, line, "error", f"« {rec.id} » est retiré mais c'est encore l'id de {owners[rec.id].path}"))
        elif rec.id in aliases:
            problems.append(
                Problem(rec.path, line, "error", f"« {rec.id} » est retiré mais c'est encore un alias de {aliases[rec.id].path}")
            )
        repl = rec.model.replacement
        if repl is None:
            continue
        where = rec.line("replacement")
        if repl in aliases and repl not in owners:
            hint = f"utilisez l'id actuel « {aliases[repl].id} »"
            problems.append(Problem(rec.path, where, "error", f"remplacement « {repl} » : c'est un ancien id, {hint}"))
        elif repl not in owners:
            problems.append(Problem(rec.path, where, "error", f"remplacement « {repl} » introuvable"))
        elif getattr(owners[repl].model, "draft", False):
            problems.append(Problem(rec.path, where, "error", f"remplacement « {repl} » : c'est un brouillon, non publié"))
    return problems


def check_permanence(corpus: Corpus) -> list[Problem]:
    """Every permanent-link rule (hooked into kb.build.check): tombstones, then published URLs."""
    retired, problems = load_retired(corpus.data_dir)
    problems += check_retired(corpus, retired)
    if not any(p.level == "error" for p in corpus.problems):
        # With a record that failed to load, its URLs would be reported too: noise, not news.
        problems += check_published(corpus, retired)
    return problems


def freeze(data_dir: Path) -> tuple[list[str], list[Problem]]:
    """The URL list to write into published-links.txt; problems (nothing to write) if the content has errors."""
    from kb.build import check  # the whole chain lives in build; imported here to keep import order one-way

    corpus, problems = check(Path(data_dir))
    errs = [p for p in problems if p.level == "error"]
    if errs:
        return [], errs
    retired, _ = load_retired(corpus.data_dir)
    return public_paths(corpus, retired), []


def write_published(data_dir: Path, paths: list[str]) -> Path:
    """Write the frozen URL list, one path a line."""
    target = Path(data_dir) / PUBLISHED_FILE
    header = "# Adresses publiées : chaque ligne doit toujours répondre (kb check le vérifie). Régénérer : kb links freeze\n"
    target.write_text(header + "".join(p + "\n" for p in paths), "utf-8")
    return target


def retired_rows(corpus: Corpus) -> list[Retired]:
    """Table rows of the tombstones (hooked into kb.build.rows_for), with the replacement's kind."""
    kind_of = {rec.id: kind for kind in PREFIXES for rec in corpus.of(kind)}
    retired, _ = load_retired(corpus.data_dir)
    rows = {}
    for rec in retired:
        m = rec.model
        rows[rec.id] = Retired(
            id=rec.id, date=m.date, reason=m.reason, replacement=m.replacement, replacement_kind=kind_of.get(m.replacement or "")
        )
    return list(rows.values())


def get_retired(record_id: str, *, session: Session) -> Retired | None:
    """The tombstone of an id, if any (None too for a database built before tombstones existed)."""
    try:
        return session.get(Retired, record_id)
    except (OperationalError, ProgrammingError):
        session.rollback()
        return None


def tombstone_response(kind: str, record_id: str, *, session: Session, suffix: str = "", query: str = "") -> Any | None:
    """For a retired id: 301 to the replacement (same sub-page when it has one), or the French 410 page; else None."""
    from flask import redirect, render_template

    tomb = get_retired(record_id, session=session)
    if tomb is None:
        return None
    if tomb.replacement and tomb.replacement_kind:
        target = record_path(tomb.replacement_kind, tomb.replacement)
        target += suffix if suffix in suffixes(tomb.replacement_kind) else ""
        return redirect(target + (f"?{query}" if query else ""), 301)
    meta = {"title": "Fiche retirée", "description": tomb.reason, "canonical": record_path(kind, record_id)}
    return render_template("gone.html", tomb=tomb, kind=kind, record_id=record_id, meta=meta), 410


def cli() -> Any:
    """The ``kb links`` command group (registered in kb.cli)."""
    import sys

    import click

    from kb.config import DEFAULTS

    @click.group("links")
    def group() -> None:
        """Adresses permanentes : liste des liens publiés."""

    @group.command("freeze")
    @click.option(
        "--data", "data_dir", envvar="KB_DATA_DIR", default=DEFAULTS["DATA_DIR"], show_default=True, type=click.Path(path_type=Path)
    )
    def freeze_cmd(data_dir: Path) -> None:
        """Écrit toutes les adresses publiques du site dans <data>/published-links.txt (kb check les surveille)."""
        paths, problems = freeze(data_dir)
        if problems:
            for p in problems:
                click.echo(p.format(), err=True)
            click.echo("Liste non écrite : corrigez d'abord ces erreurs (kb check).", err=True)
            sys.exit(1)
        target = write_published(data_dir, paths)
        click.echo(f"{len(paths)} adresses écrites dans {target}")

    return group
