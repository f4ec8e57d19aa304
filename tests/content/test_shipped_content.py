"""The shipped content under proposals/, as it is and grown as an editor would grow it (fixture ``shipped_built``):
what must hold for any valid content, never what it holds today (editors add white papers, proposals, regions' actions
and drafts without a developer; docs/developpeurs/tests.md).

It passes `kb check --strict` (a draft's to-dos aside: drafts may be committed), and the editorial promises of the base
hold for every public record, read here from the YAML directly rather than through kb: every record traceable to an
address, every quote with its address and kept short, exact addresses, plain summaries within 400 characters, page
numbers that are page numbers, references that resolve, links declared once and editorial ones said so, a document's
stated count in ``announced_proposals``, the featured document's axes showing what other documents propose or saying
why. Drafts are private and checked by `kb check` only.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from click.testing import CliRunner

from kb.cli import main
from kb.content import load_all
from kb.content.permanence import PUBLISHED_FILE, load_retired, read_published, resolver
from tests.support.corpora import Built

ID_RE = re.compile(r"^[a-z0-9-]{1,80}$")
FOLDERS = {"document": "documents", "axis": "axes", "proposal": "proposals", "action": "actions", "organisation": "organisations"}


class Content:
    """A content folder read as plain YAML: its records by kind and id (drafts apart), its sectors and regions."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.files = {kind: sorted((data / folder).glob("*.yaml")) for kind, folder in FOLDERS.items()}
        every = {kind: {p.stem: (p, _load(p)) for p in paths} for kind, paths in self.files.items()}
        self.drafts = {rid for records in every.values() for rid, (_p, r) in records.items() if r.get("draft") is True}
        self.records = {kind: {rid: r for rid, (_p, r) in records.items() if rid not in self.drafts} for kind, records in every.items()}
        self.paths = {rid: p for records in every.values() for rid, (p, _r) in records.items() if rid not in self.drafts}
        self.sectors = _load(data / "sectors.yaml")
        self.regions = _load(data / "regions.yaml")

    def public(self) -> list[tuple[str, dict]]:
        """(where, record) of every public record of every folder, in file order."""
        return [(self.where(rid), r) for kind in FOLDERS for rid, r in self.records[kind].items()]

    def where(self, rid: str) -> str:
        return str(self.paths[rid].relative_to(self.data))


def _load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _ids(refs) -> list[str]:
    """The ids of a reference list: plain ids, or mappings {id, basis, note} (links the base makes)."""
    return [ref if isinstance(ref, str) else ref["id"] for ref in refs or []]


@pytest.fixture(scope="module")
def content(shipped_built: Built) -> Content:
    return Content(shipped_built.data_dir)


def test_it_passes_kb_check_strict_drafts_aside(shipped_built: Built) -> None:
    # Every check of kb check, the source checks of kb.content.addresses included: no error, no warning but a draft's
    # to-dos, which --strict lets pass (drafts may be committed; they are never public).
    result = CliRunner().invoke(main, ["check", "--data", str(shipped_built.data_dir), "--strict"])
    assert result.exit_code == 0, result.output
    assert [line for line in result.output.splitlines() if ": warning: " in line and ": warning: brouillon : " not in line] == []


def test_every_kind_has_content(content: Content) -> None:
    assert all(content.records[kind] for kind in FOLDERS), {kind: len(records) for kind, records in content.records.items()}


def test_records_are_mappings_whose_id_is_the_file_stem(content: Content) -> None:
    for kind in FOLDERS:
        for path in content.files[kind]:
            data = _load(path)
            assert isinstance(data, dict), f"{path.name} : un enregistrement est un objet clé: valeur"
            assert ID_RE.match(path.stem), f"id invalide : {path.stem}"
            assert data.get("id", path.stem) == path.stem


def test_ids_are_unique_across_kinds(content: Content) -> None:
    ids = [path.stem for paths in content.files.values() for path in paths]
    ids += [item["id"] for item in content.sectors] + [item["id"] for item in content.regions]
    assert [one for one in ids if not ID_RE.match(one)] == []
    assert sorted({one for one in ids if ids.count(one) > 1}) == []


def test_every_public_record_has_a_source_with_an_address(content: Content) -> None:
    documents = content.records["document"]

    def has_address(doc_id: str | None) -> bool:
        doc = documents.get(doc_id) if doc_id else None
        return bool(doc and (doc.get("url") or any(s.get("url") for s in doc.get("sources") or [])))

    missing = []
    for where, record in content.public():
        if where.startswith("documents/") and record.get("url"):
            continue
        if not any(s.get("url") or has_address(s.get("document")) for s in record.get("sources") or []):
            missing.append(where)
    assert missing == [], "aucune source avec une adresse (url) ni document qui en a une"


def test_every_quote_has_an_address_and_is_short(content: Content) -> None:
    documents = content.records["document"]
    bad = []
    for where, record in content.public():
        for source in record.get("sources") or []:
            if "quote" not in source:
                continue
            quote = source["quote"]
            cited = documents.get(source.get("document") or "", {})
            if not (source.get("url") or cited.get("url") or any(s.get("url") for s in cited.get("sources") or [])):
                bad.append(f"{where} : citation sans adresse")
            if not (isinstance(quote, str) and quote.strip()) or len(quote) >= 600:
                bad.append(f"{where} : citation vide ou de {len(str(quote))} caractères")
    assert bad == []


def test_summaries_are_plain_and_at_most_400_characters(content: Content) -> None:
    bad = []
    for where, record in content.public():
        if where.startswith("axes/"):
            continue
        summary = record["summary"]
        if not (isinstance(summary, str) and summary.strip()) or len(summary) > 400 or re.search(r"[*_`#\[\]]", summary):
            bad.append(where)
    assert bad == [], "résumé vide, de plus de 400 caractères ou en Markdown"


def _addresses(record: dict) -> list[str]:
    """Every source address a record gives (its own url, its sources' and its status history's)."""
    urls = [record["url"]] if record.get("url") else []
    urls += [s["url"] for s in record.get("sources") or [] if s.get("url")]
    urls += [h["source"] for h in record.get("status_history") or [] if str(h.get("source", "")).startswith("http")]
    return urls


def test_every_source_address_is_an_exact_page(content: Content) -> None:
    """A bare domain (https://senat.fr) cannot be checked: every address names the page that holds the words."""
    records = [*content.public(), *(("regions.yaml", r) for r in content.regions)]
    bare = []
    for where, record in records:
        for url in _addresses(record):
            parts = urlsplit(url)
            if parts.path in ("", "/") and not parts.query:
                bare.append(f"{where} : {url}")
            if parts.port in (80, 443):
                bare.append(f"{where} : port par défaut dans {url}")
    assert bare == [], "adresses sans page"


def test_page_holds_only_page_numbers(content: Content) -> None:
    bad = [f"{where} : page « {s['page']} »" for where, record in content.public() for s in record.get("sources") or []
           if "page" in s and not re.fullmatch(r"\d+(-\d+)?", str(s["page"]))]
    assert bad == []


def test_every_reference_resolves(content: Content) -> None:
    documents, axes = content.records["document"], content.records["axis"]
    proposals, actions = content.records["proposal"], content.records["action"]
    organisations = content.records["organisation"]
    sectors = {s["id"] for s in content.sectors}
    regions = {r["id"] for r in content.regions}
    problems: list[str] = []

    def expect(owner: str, ref: str, pool, label: str) -> None:
        if ref not in pool:
            problems.append(f"{owner} : {label} « {ref} » introuvable")

    for aid, axis in axes.items():
        expect(aid, axis["document"], documents, "document")
    for pid, prop in proposals.items():
        expect(pid, prop["document"], documents, "document")
        expect(pid, prop["axis"], axes, "axe")
        if prop["axis"] in axes and axes[prop["axis"]]["document"] != prop["document"]:
            problems.append(f"{pid} : l'axe appartient à un autre document")
        for ref in prop.get("sectors") or []:
            expect(pid, ref, sectors, "filière")
        for ref in prop.get("regions") or []:
            expect(pid, ref, regions, "région")
        for ref in _ids(prop.get("related")):
            expect(pid, ref, proposals, "proposition liée")
        for change in prop.get("status_history") or []:
            source = change.get("source")
            if source and not source.startswith(("http://", "https://")):
                expect(pid, source, documents, "document (historique)")
    for aid, action in actions.items():
        expect(aid, action["region"], regions, "région")
        expect(aid, action["organisation"], organisations, "organisation")
        for ref in action.get("sectors") or []:
            expect(aid, ref, sectors, "filière")
        for ref in _ids(action.get("proposals")):
            expect(aid, ref, proposals, "proposition")
    for did, document in documents.items():
        for ref in document["organisations"]:
            expect(did, ref, organisations, "organisation")
    for where, record in content.public():
        for source in record.get("sources") or []:
            if source.get("document"):
                expect(where, source["document"], documents, "document source")
    assert problems == []


def test_related_links_are_declared_once(content: Content) -> None:
    proposals = content.records["proposal"]
    pairs = [frozenset((pid, ref)) for pid, p in proposals.items() for ref in _ids(p.get("related"))]
    assert sorted({tuple(sorted(pair)) for pair in pairs if pairs.count(pair) > 1}) == [], "lien déclaré des deux côtés"


def test_editorial_links_say_why_and_echoes_point_at_another_white_paper(content: Content) -> None:
    axes, documents = content.records["axis"], content.records["document"]
    bad = []
    for kind, field in (("proposal", "related"), ("proposal", "echoes"), ("action", "proposals")):
        for rid, record in content.records[kind].items():
            for ref in record.get(field) or []:
                if isinstance(ref, dict) and ref.get("basis") == "editorial" and field != "echoes" and not ref.get("note"):
                    bad.append(f"{rid} : rapprochement éditorial vers {ref['id']} sans note")
            for ref in _ids(record.get("echoes")) if field == "echoes" else []:
                document = axes[ref]["document"]
                if document == record["document"] or documents[document]["kind"] != "livre-blanc":
                    bad.append(f"{rid} : « echoes » vise un axe qui n'est pas d'un autre livre blanc")
    assert bad == []


# A document's summary says what it is: « Rapport … qui formule trois recommandations », « Recueil de quinze propositions ».
NUMBERS = {"deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11,
           "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20, "trente": 30}
_N = r"(\d+|" + "|".join(NUMBERS) + ")"
_VERB = r"(?:compte(?:rait)?|contient|comporte|formule|présente|réunit|rassemble|annonce|recense|avance|regroupe)"
COUNT = re.compile(rf"\b{_VERB}\s+(?:\w+\s+){{0,2}}?{_N}\s+(?:nouvelles\s+)?(?:propositions|recommandations|mesures|chantiers)\b"
                   rf"|\b(?:en|de)\s+{_N}\s+(?:propositions|recommandations|chantiers)\b", re.IGNORECASE)


def test_a_document_whose_summary_states_its_count_says_it_in_announced_proposals(content: Content) -> None:
    bad = []
    for did, document in content.records["document"].items():
        found = COUNT.search(f"{document['title']} {document['summary']}")
        if found:
            word = next(g for g in found.groups() if g)
            count = int(word) if word.isdigit() else NUMBERS[word.lower()]
            if document.get("announced_proposals") != count:
                bad.append(f"{did} : le résumé dit « {found.group(0)} » : announced_proposals: {count}")
    assert bad == []


def test_the_count_rule_sees_a_count_without_announced_proposals() -> None:
    assert COUNT.search("Rapport qui formule douze recommandations sur le foncier.")
    assert not COUNT.search("Deux de ses propositions sont reprises dans la base.")


def test_the_featured_documents_axes_show_peers_from_other_documents_or_say_why(content: Content) -> None:
    """Each axis of the featured document shows what two other documents propose on it (three records), or says why not."""
    featured = [did for did, d in content.records["document"].items() if d.get("featured")]
    assert len(featured) <= 1
    short = []
    for aid, axis in content.records["axis"].items():
        if axis["document"] not in featured:
            continue
        echoing = [p for p in content.records["proposal"].values() if aid in _ids(p.get("echoes"))]
        documents = {p["document"] for p in echoing}
        if (len(echoing) < 3 or len(documents) < 2) and not axis.get("echoes_note"):
            short.append(f"{aid} : {len(echoing)} fiches de {len(documents)} documents, sans « echoes_note »")
    assert short == []


def test_regions_are_the_18_with_their_official_codes(content: Content) -> None:
    # Reference data, not content that grows: the 18 regions of France and their INSEE codes.
    codes = {r["id"]: r["insee"] for r in content.regions}
    assert len(content.regions) == len(codes) == len(set(codes.values())) == 18
    assert all(isinstance(code, str) and re.fullmatch(r"\d{2}", code) for code in codes.values())
    assert (codes["normandie"], codes["ile-de-france"], codes["mayotte"]) == ("28", "11", "06")


def test_synonym_groups_are_lists_of_terms(content: Content) -> None:
    groups = _load(content.data / "synonyms.yaml")
    assert isinstance(groups, list) and groups
    for group in groups:
        assert isinstance(group, list) and len(group) >= 2
        # Lowercase, but for a sigle written in capitals (« AN »): the search expands it only when typed so.
        assert all(isinstance(term, str) and term.strip() == term and (term == term.lower() or (term.isupper() and term.isalpha()))
                   for term in group)


def test_published_links_and_tombstones_are_readable_and_every_link_answers(shipped_built: Built) -> None:
    data = shipped_built.data_dir
    retired, problems = load_retired(data)
    assert problems == []
    published, problems = read_published(data)
    assert problems == [] and published, f"{PUBLISHED_FILE} : kb links freeze"
    answers = resolver(load_all(data), retired)
    assert [url for _line, url in published if answers.why_not(url)] == []
    assert "replacement" in (data / "retired.yaml").read_text("utf-8")  # its format is explained to editors
