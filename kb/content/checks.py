"""Cross-file rules: unique ids, references that resolve, aliases that do not collide."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import urlsplit

from kb.content.fields import RECORD_KINDS
from kb.content.labels import KIND as KIND_LABELS
from kb.content.loader import Corpus, Loaded, Record, load_all, load_each
from kb.content.permanence import check_permanence, load_retired, public_paths
from kb.content.problems import Problem, errors

LoadMany = Callable[[list[tuple[str, str | Path]]], list[Loaded]]


def check(data_dir: Path, load_many: LoadMany = load_each) -> tuple[Corpus, list[Problem]]:
    """Load a content folder and run every rule; return the corpus and all problems, sorted."""
    corpus = load_all(Path(data_dir), load_many)
    problems = corpus.problems + (check_links(corpus) if not errors(corpus.problems) or corpus.records else [])
    problems += check_permanence(corpus)  # tombstones and published URLs
    return corpus, sorted(set(problems))


def freeze(data_dir: Path) -> tuple[list[str], list[Problem]]:
    """The URL list to write into published-links.txt; problems (nothing to write) if the content has errors."""
    corpus, problems = check(Path(data_dir))
    errs = errors(problems)
    if errs:
        return [], errs
    retired, _ = load_retired(corpus.data_dir)
    return public_paths(corpus, retired), []


def _err(record: Record, loc: tuple, message: str, level: str = "error") -> Problem:
    return Problem(record.path, record.line(*loc), level, message)


def _refs(record: Record, field: str) -> Iterable[tuple[tuple, str]]:
    value = getattr(record.model, field)
    if isinstance(value, list):
        for i, ref in enumerate(value):
            # A reference may be written as a mapping (kb.content.models.LinkRef): point at its id's line.
            yield ((field, i), ref) if isinstance(ref, str) else ((field, i, "id"), ref.id)
    elif value:
        yield (field,), value


def check_links(corpus: Corpus) -> list[Problem]:
    """Every cross-file rule of the content format, as problems."""
    problems: list[Problem] = []
    owner: dict[str, Record] = {}
    for kind in RECORD_KINDS:
        for record in corpus.of(kind):
            if record.id in owner:
                first = owner[record.id]
                where = f"{first.path}:{first.line('id') if first.prefix else 1}"
                message = f"id « {record.id} » déjà utilisé par {KIND_LABELS[first.kind]} {where}"
                problems.append(_err(record, ("id",) if record.prefix else (), message))
            else:
                owner[record.id] = record

    def of_kind(kind: str) -> dict[str, Record]:
        return {r.id: r for r in corpus.of(kind)}

    documents, axes, proposals = of_kind("document"), of_kind("axis"), of_kind("proposal")
    sectors, regions = of_kind("sector"), of_kind("region")

    def expect(record: Record, field: str, pool: dict[str, Record], label: str) -> None:
        # Same as looping over _refs, without a generator per field: this runs ~50,000 times at 10,000 records.
        value = getattr(record.model, field)
        if isinstance(value, list):
            for i, ref in enumerate(value):
                if not isinstance(ref, str):  # a LinkRef (id with its basis)
                    ref = ref.id
                if ref not in pool:
                    problems.append(_err(record, (field, i, "id"), f"{label} « {ref} » introuvable"))
        elif value and value not in pool:
            problems.append(_err(record, (field,), f"{label} « {value} » introuvable"))

    for axis in corpus.of("axis"):
        expect(axis, "document", documents, "document")
    for prop in corpus.of("proposal"):
        expect(prop, "document", documents, "document")
        expect(prop, "axis", axes, "axe")
        expect(prop, "sectors", sectors, "filière")
        expect(prop, "regions", regions, "région")
        expect(prop, "related", proposals, "proposition liée")
        axis = axes.get(prop.model.axis)
        if axis and axis.model.document != prop.model.document:
            problems.append(
                _err(
                    prop,
                    ("axis",),
                    (f"l'axe « {axis.id} » appartient au document « {axis.model.document} », pas à « {prop.model.document} »"),
                )
            )
        for loc, ref in _refs(prop, "related"):
            if ref == prop.id:
                problems.append(_err(prop, loc, "une proposition ne peut pas être liée à elle-même"))
        expect(prop, "echoes", axes, "axe")
        for loc, ref in _refs(prop, "echoes"):
            if ref in axes and axes[ref].model.document == prop.model.document:
                message = f"« echoes » nomme l'axe « {ref} » de son propre document : un écho rapproche l'axe d'un autre document"
                problems.append(_err(prop, loc, message))
        for i, change in enumerate(prop.model.status_history):
            src = change.source
            if src and not _is_url(src) and src not in documents:
                problems.append(
                    _err(
                        prop,
                        ("status_history", i, "source"),
                        f"source « {src} » : ni un document de la base, ni une adresse http(s)",
                    )
                )
    for region in corpus.of("region"):
        expect(region, "sectors", sectors, "filière")
        if (region.model.summary or region.model.sectors) and not region.model.sources:
            problems.append(_err(region, ("id",), "une région qui a un résumé ou des filières doit citer ses « sources »"))
    for action in corpus.of("action"):
        expect(action, "region", regions, "région")
        expect(action, "sectors", sectors, "filière")
        expect(action, "proposals", proposals, "proposition")
    for kind in ("document", "axis", "proposal", "action", "region"):
        for record in corpus.of(kind):
            problems += _check_sources(record, documents)
    problems += _check_aliases(corpus, owner)
    problems += _check_duplicates(corpus)
    return problems


def _is_url(value: str) -> bool:
    # Fast path for the plain ASCII address almost every source has; anything unusual goes through urlsplit.
    start = 8 if value.startswith("https://") else 7 if value.startswith("http://") else 0
    if start and value.isascii() and not any(c in value for c in "\t\r\n[]"):
        return len(value) > start and value[start] not in "/?#"
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _check_sources(record: Record, documents: dict[str, Record]) -> list[Problem]:
    problems: list[Problem] = []
    model = record.model
    for i, src in enumerate(getattr(model, "sources", [])):
        if src.document and src.document not in documents:
            problems.append(_err(record, ("sources", i, "document"), f"document « {src.document} » introuvable"))
        if src.url and not _is_url(src.url):
            # Accepted (rendered inert), but an editor should know the link will not be shown.
            problems.append(
                _err(
                    record,
                    ("sources", i, "url"),
                    f"adresse « {src.url[:60]} » ignorée : seules les adresses http(s) sont affichées",
                    "warning",
                )
            )
    url = vars(model).get("url")  # only documents have one; getattr's miss on a pydantic model is slow
    if url and not _is_url(url):
        problems.append(
            _err(
                record,
                ("url",),
                f"adresse « {url[:60]} » ignorée : seules les adresses http(s) sont affichées",
                "warning",
            )
        )
    if record.kind == "document" and not url and not model.sources:
        problems.append(_err(record, (), "document sans adresse ni source : ajoutez « url » ou « sources »", "warning"))
    return problems


def _check_aliases(corpus: Corpus, owner: dict[str, Record]) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, tuple[Record, int]] = {}
    for kind in ("proposal", "action"):
        for record in corpus.of(kind):
            for loc, alias in _refs(record, "aliases"):
                if alias in owner:
                    problems.append(
                        _err(
                            record,
                            loc,
                            f"l'alias « {alias} » est déjà l'id de {KIND_LABELS[owner[alias].kind]} {owner[alias].path}",
                        )
                    )
                elif alias in seen:
                    other, line = seen[alias]
                    problems.append(_err(record, loc, f"l'alias « {alias} » est déjà un alias de {other.path}:{line}"))
                else:
                    seen[alias] = (record, record.line(*loc))
    return problems


def _check_duplicates(corpus: Corpus) -> list[Problem]:
    problems: list[Problem] = []
    insee: dict[str, Record] = {}
    for region in corpus.of("region"):
        code = region.model.insee
        if code in insee:
            problems.append(_err(region, ("insee",), f"code INSEE « {code} » déjà attribué à « {insee[code].id} »"))
        insee.setdefault(code, region)
    return problems
