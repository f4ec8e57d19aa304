"""Links that never break: tombstones of removed records, the frozen list of published URLs and its check."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path

from kb.content import kinds
from kb.content.fields import Id, Text
from kb.content.files import MAX_FILE_BYTES, read_bounded, side_file
from kb.content.loader import Corpus, Record
from kb.content.models import Strict
from kb.content.problems import Problem, display_path
from kb.content.urls import SITE_PATHS, parse_record_path, record_path, suffixes
from kb.content.validation import validate
from kb.content.yamlfile import read_yaml

RETIRED_FILE = "retired.yaml"
PUBLISHED_FILE = "published-links.txt"


class RetiredFile(Strict):
    """One entry of retired.yaml: a removed record's id, when and why, and what replaces it."""

    id: Id
    date: dt.date
    reason: Text
    replacement: Id | None = None


def load_retired(data_dir: Path, max_bytes: int = MAX_FILE_BYTES) -> tuple[list[Record], list[Problem]]:
    """Read retired.yaml (absent or empty means no tombstone), every problem at its line."""
    path, refused = side_file(data_dir, RETIRED_FILE)
    if refused is not None:
        return [], [refused]
    if not path.exists():
        return [], []
    spath = str(path)
    data, lines, problems = read_yaml(path, max_bytes)
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
    # Records that exist with errors (reported in their own files), and kinds not read at all: not judged here.
    unjudged: dict[str, set[str]] = field(default_factory=dict)
    unread: set[str] = field(default_factory=set)

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
        if kind in self.unread or rid in self.unjudged.get(kind, set()):
            return None  # one fault, one message: the file's own
        return f"aucune fiche, aucun alias ni aucune pierre tombale « {rid} »"


def resolver(corpus: Corpus, retired: list[Record]) -> Resolver:
    """The resolver of a loaded corpus (drafts are not public: their URLs do not answer)."""
    res = Resolver(retired={r.id for r in retired}, unread=set(corpus.unread))
    res.unjudged = {kind: set(ids) for kind, ids in corpus.failed.items()}
    for kind, partial in corpus.partial.items():  # what could be read of them: their former ids too
        res.unjudged.setdefault(kind, set()).update(alias for rec in partial for alias in getattr(rec.model, "aliases", []))
    for kind in kinds.every():
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
    for kind in kinds.every():
        for rid in res.live.get(kind, set()) | set(res.aliases.get(kind, {})):
            base = record_path(kind, rid)
            paths |= {base, *(base + s for s in suffixes(kind))}
    return sorted(paths)


def read_published(data_dir: Path, max_bytes: int = MAX_FILE_BYTES) -> tuple[list[tuple[int, str]], list[Problem]]:
    """(line number, path) of each URL in published-links.txt, blank lines and # comments skipped; or why it is unread."""
    path, refused = side_file(data_dir, PUBLISHED_FILE)
    if refused is not None:
        return [], [refused]
    if not path.exists():
        return [], []
    # The list grows with the site (a dozen addresses per record): it may be larger than a record, within reason.
    raw, why = read_bounded(path, max(max_bytes, 64 * 1024 * 1024))
    if raw is None:
        return [], [Problem(str(path), 1, "error", why or "lecture impossible")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return [], [Problem(str(path), line, "error", "le fichier n'est pas en UTF-8 (réenregistrez-le en UTF-8)")]
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        url = line.strip()
        if url and not url.startswith("#"):
            out.append((n, url))
    return out, []


def check_published(corpus: Corpus, retired: list[Record]) -> list[Problem]:
    """An error for each published URL that would no longer resolve, at its line of published-links.txt; one for all
    the URLs of a record that is gone (renamed, most often), at the first, saying what to do."""
    res = resolver(corpus, retired)
    spath = str(Path(corpus.data_dir) / PUBLISHED_FILE)
    published, problems = read_published(corpus.data_dir, corpus.max_bytes)
    gone: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for line, url in published:
        why = res.why_not(url)
        parsed = parse_record_path(url) if why else None
        if parsed is not None:
            gone.setdefault((parsed[0], parsed[1]), []).append((line, url))
        elif why:
            message = (
                f"le lien publié « {url} » ne répond plus ({why}) : "
                f"ajoutez une pierre tombale dans {RETIRED_FILE} ou rétablissez l'alias dans la fiche renommée"
            )
            problems.append(Problem(spath, line, "error", message))
    known = {path for _line, path in published}
    for (kind, rid), urls in gone.items():
        problems.append(Problem(spath, urls[0][0], "error", _gone(corpus, kinds.kind(kind), rid, urls, known)))
    return problems


def _gone(corpus: Corpus, kind: kinds.Kind, rid: str, urls: list[tuple[int, str]], known: set[str]) -> str:
    """What to do when no record answers the published links of ``rid``: renamed? its alias; removed? a tombstone."""
    more = len(urls) - 1
    if more:
        others = f"{more} autres liens publiés" if more > 1 else "un autre lien publié"
        links = f"« {urls[0][1]} » et {others} de « {rid} » ne répondent"
    else:
        links = f"le lien publié « {urls[0][1]} » ne répond"
    # What it became, if it was renamed: a public record of its kind whose page was never published, with a close id.
    new = {r.id: r for r in corpus.of(kind) if record_path(kind, r.id) not in known and not getattr(r.model, "draft", False)}
    close = difflib.get_close_matches(rid, list(new), n=1, cutoff=0.5)
    renamed = f" ({display_path(new[close[0]].path)} ?)" if close else ""
    if kind.has_aliases:
        return (f"{links} plus : aucune fiche n'a l'id « {rid} ». Si la fiche a été renommée, ajoutez « {rid} » à ses "
                f"« aliases: »{renamed} ; si elle a été supprimée, ajoutez une pierre tombale dans {RETIRED_FILE}")
    return (f"{links} plus : aucune fiche n'a l'id « {rid} ». Ajoutez une pierre tombale dans {RETIRED_FILE}, avec "
            f"« replacement: » si la fiche a été renommée{renamed} (une fiche de ce type ne garde pas d'ancien id)")


def check_retired(corpus: Corpus, retired: list[Record]) -> list[Problem]:
    """Tombstone rules: a retired id is no live id or alias, appears once, and its replacement is a live record."""
    owners: dict[str, Record] = {}
    aliases: dict[str, Record] = {}
    for kind in kinds.every():
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
    """Every permanent-link rule (part of kb.content.checks.check): tombstones, then published URLs."""
    retired, problems = load_retired(corpus.data_dir, corpus.max_bytes)
    problems += check_retired(corpus, retired)
    # Even with errors elsewhere (one round of kb check): the URLs of a record that has errors are not judged.
    problems += check_published(corpus, retired)
    return problems


def write_published(data_dir: Path, paths: list[str]) -> Path:
    """Write the frozen URL list, one path a line."""
    target = Path(data_dir) / PUBLISHED_FILE
    header = "# Adresses publiées : chaque ligne doit toujours répondre (kb check le vérifie). Régénérer : kb links freeze\n"
    target.write_text(header + "".join(p + "\n" for p in paths), "utf-8")
    return target
