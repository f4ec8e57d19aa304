"""Cross-file rules: unique ids, references that resolve, aliases that do not collide."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from kb.content.addresses import is_url
from kb.content.files import MAX_FILE_BYTES, Files
from kb.content.kinds import ACTION, AXIS, DOCUMENT, KINDS, ORGANISATION, PROPOSAL, REGION, SECTOR
from kb.content.loader import Corpus, Loaded, Record, load_all, load_each
from kb.content.permanence import check_permanence, load_retired, public_paths
from kb.content.placeholders import is_placeholder
from kb.content.problems import Problem, did_you_mean, errors

LoadMany = Callable[[Files, int], list[Loaded]]
BROKEN_TARGET = "renvoie à « {} », qui a des erreurs"
# What a proposal refers to: field, kind of the target, label in messages.
PROPOSAL_REFS = (
    ("document", DOCUMENT, DOCUMENT.noun),
    ("axis", AXIS, AXIS.noun),
    ("sectors", SECTOR, SECTOR.noun),
    ("regions", REGION, REGION.noun),
    ("related", PROPOSAL, "proposition liée"),
    ("echoes", AXIS, AXIS.noun),
)


def check(data_dir: Path, load_many: LoadMany = load_each, max_bytes: int = MAX_FILE_BYTES) -> tuple[Corpus, list[Problem]]:
    """Load a content folder and run every rule; return the corpus and all problems, sorted."""
    corpus = load_all(Path(data_dir), load_many, max_bytes)
    problems = corpus.problems + (check_links(corpus) if not errors(corpus.problems) or corpus.records else [])
    problems += check_permanence(corpus)  # tombstones and published URLs
    return corpus, sorted(set(problems))


def freeze(data_dir: Path, max_bytes: int = MAX_FILE_BYTES) -> tuple[list[str], list[Problem]]:
    """The URL list to write into published-links.txt; problems (nothing to write) if the content has errors."""
    corpus, problems = check(Path(data_dir), max_bytes=max_bytes)
    errs = errors(problems)
    if errs:
        return [], errs
    retired, _ = load_retired(corpus.data_dir, max_bytes)
    return public_paths(corpus, retired), []


def dangling(corpus: Corpus, record: Record, loc: tuple, ref: str, kind: str, message: str) -> Problem | None:
    """The problem of a reference to no loaded record of ``kind``: one fault, one message. A record that exists with
    errors is reported in its own file, so a reference to it is only a note; a kind whose file or folder was not read
    at all, and a template marker (reported where it is written), give nothing more; else ``message``, an error."""
    if ref in corpus.failed.get(kind, ()):
        return _err(record, loc, BROKEN_TARGET.format(ref), "note")
    if kind in corpus.unread or is_placeholder(ref):
        return None
    return _err(record, loc, message)


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
    for kind in KINDS:
        for record in corpus.checked(kind):
            if record.id in owner:
                first = owner[record.id]
                where = f"{first.path}:{first.line('id') if first.prefix else 1}"
                message = f"id « {record.id} » déjà utilisé par {KINDS[first.kind].noun} {where}"
                problems.append(_err(record, ("id",) if record.prefix else (), message))
            else:
                owner[record.id] = record

    pools = {kind: {r.id: r for r in corpus.of(kind)} for kind in KINDS}
    documents, axes = pools[DOCUMENT], pools[AXIS]

    def expect(record: Record, field: str, kind: str, label: str, value: object = None) -> None:
        # Called per record and field (~50,000 times at 10,000 records): one getattr, no generator. ``value``: the
        # field's value when the caller already has it.
        if value is None:
            value = getattr(record.model, field)
        pool = pools[kind]
        if isinstance(value, list):
            for i, ref in enumerate(value):
                if not isinstance(ref, str):  # a LinkRef (id with its basis)
                    ref = ref.id
                if ref not in pool:
                    missing(record, (field, i, "id"), ref, kind, label)
        elif value and value not in pool:
            missing(record, (field,), value, kind, label)

    def missing(record: Record, loc: tuple, ref: str, kind: str, label: str) -> None:
        if kind == AXIS and loc == ("axis",):  # a proposal's axis: among its document's axes, which are listed
            mine = [a for a in axes.values() if a.model.document == record.model.document]
            hint = did_you_mean(ref, {a.id: a for a in mine} or pools[kind]) + axes_of(record.model.document, mine, documents)
        else:
            hint = did_you_mean(ref, pools[kind])
        problem = dangling(corpus, record, loc, ref, kind, f"{label} « {ref} » introuvable{hint}")
        if problem is not None:
            problems.append(problem)

    for axis in corpus.checked(AXIS):
        expect(axis, "document", DOCUMENT, DOCUMENT.noun)
    for prop in corpus.checked(PROPOSAL):
        fields = vars(prop.model)
        # Empty lists (most of them) need no call: 0.09 -> 0.07 s for check_links at 10,000 records.
        for field, kind, label in PROPOSAL_REFS:
            if value := fields[field]:
                expect(prop, field, kind, label, value)
        axis = axes.get(prop.model.axis)
        # Only between two known documents: a missing or placeholder document is already its own message.
        if axis and axis.model.document != prop.model.document and prop.model.document in documents and axis.model.document in documents:
            mine = [a for a in axes.values() if a.model.document == prop.model.document]
            message = f"l'axe « {axis.id} » appartient au document « {axis.model.document} », pas à « {prop.model.document} »"
            problems.append(_err(prop, ("axis",), message + axes_of(prop.model.document, mine, documents)))
        if fields["related"]:
            for loc, ref in _refs(prop, "related"):
                if ref == prop.id:
                    problems.append(_err(prop, loc, "une proposition ne peut pas être liée à elle-même"))
        if fields["echoes"]:
            for loc, ref in _refs(prop, "echoes"):
                if ref in axes and axes[ref].model.document == prop.model.document:
                    message = f"« echoes » nomme l'axe « {ref} » de son propre document : un écho rapproche l'axe d'un autre document"
                    problems.append(_err(prop, loc, message))
        for i, change in enumerate(prop.model.status_history):
            src = change.source
            if src and not is_url(src.strip()) and src not in documents:  # addresses are checked with the other addresses
                loc = ("status_history", i, "source")
                message = f"source « {src} » : ni un document de la base, ni une adresse http(s){did_you_mean(src, documents)}"
                problem = dangling(corpus, prop, loc, src, DOCUMENT, message)
                if problem is not None:
                    problems.append(problem)
    for region in corpus.checked(REGION):
        expect(region, "sectors", SECTOR, SECTOR.noun)
        if (region.model.summary or region.model.sectors) and not region.model.sources:
            problems.append(_err(region, ("id",), "une région qui a un résumé ou des filières doit citer ses « sources »"))
    for action in corpus.checked(ACTION):
        expect(action, "region", REGION, REGION.noun)
        expect(action, "sectors", SECTOR, SECTOR.noun)
        expect(action, "proposals", PROPOSAL, PROPOSAL.noun)
        expect(action, "organisation", ORGANISATION, ORGANISATION.noun)
    for doc in corpus.checked(DOCUMENT):
        expect(doc, "organisations", ORGANISATION, ORGANISATION.noun)
    for org in corpus.checked(ORGANISATION):
        expect(org, "parent", ORGANISATION, "organisation parente")
        expect(org, "region", REGION, REGION.noun)
    problems += _check_parents(corpus)
    problems += _check_featured(corpus)
    problems += _check_sources(corpus, documents)
    problems += _check_aliases(corpus, owner)
    problems += _check_duplicates(corpus)
    return problems


def axes_of(document: str, axes: list[Record], documents: dict[str, Record]) -> str:
    """The axes a proposal of ``document`` may name, for a message about its axis (« ; axes du document « … » : … »)."""
    if document not in documents:
        return ""  # an unknown document is its own message
    if not axes:
        return f" ; le document « {document} » n'a encore aucun axe (kb new axe ID --document {document})"
    listed = ", ".join(a.id for a in sorted(axes, key=lambda a: (a.model.order, a.id)))
    return f" ; axes du document « {document} » : {listed}"


def _check_parents(corpus: Corpus) -> list[Problem]:
    """An organisation is not its own parent, nor its own ancestor."""
    parent = {r.id: r.model.parent for r in corpus.checked(ORGANISATION)}
    problems = []
    for org in corpus.checked(ORGANISATION):
        seen, at = {org.id}, org.model.parent
        while at is not None and at in parent:
            if at in seen:
                problems.append(_err(org, ("parent",), f"« parent » : l'organisation « {org.id} » se retrouve parmi ses propres parents"))
                break
            seen.add(at)
            at = parent[at]
    return problems


def _check_featured(corpus: Corpus) -> list[Problem]:
    """One document at most is featured (« featured: true »): the site never guesses which."""
    featured = [r for r in corpus.checked(DOCUMENT) if r.model.featured]
    if len(featured) < 2:
        return []
    first = featured[0]
    message = f"« featured » : le document « {first.id} » est déjà mis en avant ({first.path}) ; un seul document peut l'être"
    return [_err(r, ("featured",), message) for r in featured[1:]]


def _check_sources(corpus: Corpus, documents: dict[str, Record]) -> list[Problem]:
    # The documents the sources cite; what else is wrong with a source is found per file (kb.content.addresses).
    problems: list[Problem] = []
    for kind in (k for k in KINDS.values() if "sources" in k.model.model_fields):
        for record in corpus.checked(kind):
            for i, src in enumerate(vars(record.model).get("sources") or ()):
                if src.document and src.document not in documents:
                    message = f"document « {src.document} » introuvable{did_you_mean(src.document, documents)}"
                    problem = dangling(corpus, record, ("sources", i, "document"), src.document, DOCUMENT, message)
                    if problem is not None:
                        problems.append(problem)
    return problems


def _check_aliases(corpus: Corpus, owner: dict[str, Record]) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, tuple[Record, int]] = {}
    for kind in (k for k in KINDS.values() if k.has_aliases):
        for record in corpus.checked(kind):
            if not record.model.aliases:  # most records have none: no generator for them
                continue
            for loc, alias in _refs(record, "aliases"):
                if alias in owner:
                    problems.append(
                        _err(
                            record,
                            loc,
                            f"l'alias « {alias} » est déjà l'id de {KINDS[owner[alias].kind].noun} {owner[alias].path}",
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
    for region in corpus.of(REGION):
        code = region.model.insee
        if code in insee:
            problems.append(_err(region, ("insee",), f"code INSEE « {code} » déjà attribué à « {insee[code].id} »"))
        insee.setdefault(code, region)
    return problems
