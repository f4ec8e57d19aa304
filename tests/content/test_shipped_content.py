"""The shipped content under proposals/: sourced, coherent, and faithful to what is public.

These tests read the YAML directly (not through kb) so that they check the editorial promises
of the knowledge base on their own: every record traceable to an address, quotes kept short,
the livre blanc's proposals on its axes, no invented livre blanc proposal, the 18 regions.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "proposals"
ID_RE = re.compile(r"^[a-z0-9-]{1,80}$")
FOLDERS = {"document": "documents", "axis": "axes", "proposal": "proposals", "action": "actions"}

LIVRE_BLANC = "livre-blanc-redynamiser-l-industrie"
FLAGSHIPS = {"pass-foncier-pmi", "coupe-file-pmi", "fabrique-en-france-renforce"}


def _load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _files(kind: str) -> list[Path]:
    return sorted((DATA / FOLDERS[kind]).glob("*.yaml"))


def _records(kind: str) -> dict[str, dict]:
    return {path.stem: _load(path) for path in _files(kind)}


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _ids(refs) -> list[str]:
    """The ids of a reference list: plain ids, or mappings {id, basis, note} (links the base makes)."""
    return [ref if isinstance(ref, str) else ref["id"] for ref in refs or []]


ALL_FILES = [path for kind in FOLDERS for path in _files(kind)]
SECTORS = _load(DATA / "sectors.yaml")
REGIONS = _load(DATA / "regions.yaml")


def test_every_kind_has_content():
    for kind in FOLDERS:
        assert _files(kind), f"aucun fichier dans proposals/{FOLDERS[kind]}/"


@pytest.mark.parametrize("path", ALL_FILES, ids=_rel)
def test_record_is_a_mapping_whose_id_is_the_file_stem(path: Path):
    data = _load(path)
    assert isinstance(data, dict), "un enregistrement est un objet clé: valeur"
    assert ID_RE.match(path.stem), f"id invalide : {path.stem}"
    if "id" in data:
        assert data["id"] == path.stem


def test_ids_are_unique_across_kinds():
    ids = [path.stem for path in ALL_FILES]
    ids += [item["id"] for item in SECTORS] + [item["id"] for item in REGIONS]
    for one in ids:
        assert ID_RE.match(one), f"id invalide : {one}"
    duplicates = sorted({one for one in ids if ids.count(one) > 1})
    assert not duplicates, f"ids en double : {duplicates}"


@pytest.mark.parametrize("path", ALL_FILES, ids=_rel)
def test_record_has_a_source_with_an_address(path: Path):
    data = _load(path)
    documents = _records("document")

    def has_address(doc_id: str | None) -> bool:
        doc = documents.get(doc_id) if doc_id else None
        return bool(doc and (doc.get("url") or any(s.get("url") for s in doc.get("sources") or [])))

    sources = data.get("sources") or []
    if path.parent.name == "documents" and data.get("url"):
        return
    assert any(s.get("url") or has_address(s.get("document")) for s in sources), (
        "aucune source avec une adresse (url) ni document qui en a une"
    )


@pytest.mark.parametrize("path", ALL_FILES, ids=_rel)
def test_quotes_are_short_and_not_empty(path: Path):
    for source in _load(path).get("sources") or []:
        assert source.get("document") or source.get("url"), "une source a « document » ou « url »"
        if "quote" in source:
            quote = source["quote"]
            assert isinstance(quote, str) and quote.strip(), "citation vide"
            assert len(quote) < 600, f"citation de {len(quote)} caractères"


@pytest.mark.parametrize("path", [p for p in ALL_FILES if p.parent.name != "axes"], ids=_rel)
def test_summary_is_plain_and_at_most_400_characters(path: Path):
    summary = _load(path)["summary"]
    assert isinstance(summary, str) and summary.strip()
    assert len(summary) <= 400, f"résumé de {len(summary)} caractères"
    assert not re.search(r"[*_`#\[\]]", summary), "le résumé est du texte brut, sans Markdown"


def test_livre_blanc_announces_ten_proposals():
    livre_blanc = _records("document")[LIVRE_BLANC]
    assert livre_blanc["kind"] == "livre-blanc"
    assert livre_blanc["announced_proposals"] == 10
    assert str(livre_blanc["published"]) == "2025-11-17"


def test_livre_blanc_has_the_six_cpme_levers_as_axes():
    axes = {k: v for k, v in _records("axis").items() if v["document"] == LIVRE_BLANC}
    assert len(axes) == 6
    assert sorted(a["order"] for a in axes.values()) == [1, 2, 3, 4, 5, 6]


def test_livre_blanc_proposals_sit_on_its_axes():
    axes = _records("axis")
    for pid, prop in _records("proposal").items():
        if prop["document"] == LIVRE_BLANC:
            axis = axes.get(prop["axis"])
            assert axis is not None, f"{pid} : axe « {prop['axis']} » introuvable"
            assert axis["document"] == LIVRE_BLANC, f"{pid} : l'axe n'est pas un axe du livre blanc"


def test_only_the_three_public_mesures_phares_of_the_livre_blanc():
    """The 7 unpublished proposals are not invented; the 3 flagships are flagged."""
    proposals = _records("proposal")
    of_livre_blanc = {pid: p for pid, p in proposals.items() if p["document"] == LIVRE_BLANC}
    assert len(of_livre_blanc) <= 3
    assert {pid for pid, p in of_livre_blanc.items() if p.get("flagship")} == FLAGSHIPS
    for pid in FLAGSHIPS:
        flagship = proposals[pid]
        assert flagship["status"] == "proposee"
        assert any(str(h["date"]) == "2025-11-17" for h in flagship["status_history"])
        assert any(s.get("quote") for s in flagship["sources"]), f"{pid} : formulation officielle manquante"
        assert "horizon" not in flagship, f"{pid} : l'horizon du livre blanc n'est pas connu"


def test_flagships_belong_to_the_livre_blanc_only():
    for pid, prop in _records("proposal").items():
        if prop.get("flagship"):
            assert prop["document"] == LIVRE_BLANC, f"{pid} est marquée mesure phare"


def test_normandie_actions_carry_existing_proposals():
    proposals = _records("proposal")
    normandie = {aid: a for aid, a in _records("action").items() if a["region"] == "normandie"}
    assert len(normandie) >= 4
    for aid, action in normandie.items():
        assert action["proposals"], f"{aid} ne porte aucune proposition"
        for pid in _ids(action["proposals"]):
            assert pid in proposals, f"{aid} : proposition « {pid} » introuvable"


def test_regions_are_the_18_with_distinct_insee_codes():
    assert len(REGIONS) == 18
    assert len({r["id"] for r in REGIONS}) == 18
    codes = [r["insee"] for r in REGIONS]
    assert all(isinstance(code, str) and re.fullmatch(r"\d{2}", code) for code in codes)
    assert len(set(codes)) == 18
    by_id = {r["id"]: r["insee"] for r in REGIONS}
    assert by_id["normandie"] == "28"
    assert by_id["ile-de-france"] == "11"
    assert by_id["mayotte"] == "06"


def test_sectors_include_the_six_normandie_filieres():
    ids = {s["id"] for s in SECTORS}
    assert {"automobile", "aeronautique", "pharmacie", "agroalimentaire", "chimie-des-materiaux", "portuaire"} <= ids


def test_synonym_groups_are_lists_of_terms():
    groups = _load(DATA / "synonyms.yaml")
    assert isinstance(groups, list) and groups
    for group in groups:
        assert isinstance(group, list) and len(group) >= 2
        # Lowercase, but for a sigle written in capitals (« AN »): the search expands it only when typed so.
        assert all(isinstance(term, str) and term.strip() == term and (term == term.lower() or (term.isupper() and term.isalpha()))
                   for term in group)


def test_every_reference_resolves():
    documents, axes = _records("document"), _records("axis")
    proposals, actions = _records("proposal"), _records("action")
    sectors = {s["id"] for s in SECTORS}
    regions = {r["id"] for r in REGIONS}
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
            if ref == pid:
                problems.append(f"{pid} : liée à elle-même")
        for change in prop.get("status_history") or []:
            source = change.get("source")
            if source and not source.startswith(("http://", "https://")):
                expect(pid, source, documents, "document (historique)")
    for aid, action in actions.items():
        expect(aid, action["region"], regions, "région")
        for ref in action.get("sectors") or []:
            expect(aid, ref, sectors, "filière")
        for ref in _ids(action.get("proposals")):
            expect(aid, ref, proposals, "proposition")
    for kind in FOLDERS:
        for rid, record in _records(kind).items():
            for source in record.get("sources") or []:
                if source.get("document"):
                    expect(rid, source["document"], documents, "document source")
    assert not problems, "\n".join(problems)


def test_related_links_are_declared_once():
    proposals = _records("proposal")
    pairs = [frozenset((pid, ref)) for pid, p in proposals.items() for ref in _ids(p.get("related"))]
    duplicates = {tuple(sorted(pair)) for pair in pairs if pairs.count(pair) > 1}
    assert not duplicates, f"lien déclaré des deux côtés : {sorted(duplicates)}"


def _addresses(record: dict) -> list[str]:
    """Every source address a record gives (its own url, its sources' and its status history's)."""
    urls = [record["url"]] if record.get("url") else []
    urls += [s["url"] for s in record.get("sources") or [] if s.get("url")]
    urls += [h["source"] for h in record.get("status_history") or [] if str(h.get("source", "")).startswith("http")]
    return urls


def test_every_source_address_is_an_exact_page():
    """A bare domain (https://senat.fr) cannot be checked: every address names the page that holds the words."""
    records = [(_rel(p), _load(p)) for p in ALL_FILES] + [("proposals/regions.yaml", r) for r in REGIONS]
    bare = []
    for where, record in records:
        for url in _addresses(record):
            parts = urlsplit(url)
            if parts.path in ("", "/") and not parts.query:
                bare.append(f"{where} : {url}")
            if parts.port in (80, 443):
                bare.append(f"{where} : port par défaut dans {url}")
    assert not bare, "adresses sans page :\n" + "\n".join(bare)


def test_page_holds_only_page_numbers():
    for path in ALL_FILES:
        for source in _load(path).get("sources") or []:
            if "page" in source:
                assert re.fullmatch(r"\d+(-\d+)?", str(source["page"])), f"{_rel(path)} : page « {source['page']} »"


# A document's summary says what it is: « Rapport … qui formule trois recommandations », « Recueil de quinze propositions ».
NUMBERS = {"deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11,
           "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20, "trente": 30}
_N = r"(\d+|" + "|".join(NUMBERS) + ")"
_VERB = r"(?:compte(?:rait)?|contient|comporte|formule|présente|réunit|rassemble|annonce|recense|avance|regroupe)"
COUNT = re.compile(rf"\b{_VERB}\s+(?:\w+\s+){{0,2}}?{_N}\s+(?:nouvelles\s+)?(?:propositions|recommandations|mesures|chantiers)\b"
                   rf"|\b(?:en|de)\s+{_N}\s+(?:propositions|recommandations|chantiers)\b", re.IGNORECASE)


@pytest.mark.parametrize("path", _files("document"), ids=_rel)
def test_a_document_whose_summary_states_its_count_says_it_in_announced_proposals(path: Path):
    document = _load(path)
    found = COUNT.search(f"{document['title']} {document['summary']}")
    if found:
        word = next(g for g in found.groups() if g)
        count = int(word) if word.isdigit() else NUMBERS[word.lower()]
        assert document.get("announced_proposals") == count, f"le résumé dit « {found.group(0)} » : announced_proposals: {count}"


def test_the_count_rule_sees_a_count_without_announced_proposals():
    assert COUNT.search("Rapport qui formule douze recommandations sur le foncier.")
    assert not COUNT.search("Deux de ses propositions sont reprises dans la base.")


def test_every_livre_blanc_axis_has_peers_from_other_documents_or_says_why():
    """Each axis of the livre blanc shows what at least two other documents propose on it (three records), or says why not."""
    proposals = _records("proposal")
    short = []
    for aid, axis in _records("axis").items():
        if axis["document"] != LIVRE_BLANC:
            continue
        echoing = [p for p in proposals.values() if aid in _ids(p.get("echoes"))]
        documents = {p["document"] for p in echoing}
        assert LIVRE_BLANC not in documents, f"{aid} : un écho vient d'un autre document que le livre blanc"
        if (len(echoing) < 3 or len(documents) < 2) and not axis.get("echoes_note"):
            short.append(f"{aid} : {len(echoing)} fiches de {len(documents)} documents, sans « echoes_note »")
    assert not short, "\n".join(short)


def test_editorial_links_say_why_and_echoes_point_at_livre_blanc_axes():
    axes = _records("axis")
    for kind, field in (("proposal", "related"), ("proposal", "echoes"), ("action", "proposals")):
        for rid, record in _records(kind).items():
            for ref in record.get(field) or []:
                if isinstance(ref, dict) and (ref.get("basis") == "editorial" or field == "echoes"):
                    assert field == "echoes" or ref.get("note"), f"{rid} : rapprochement éditorial vers {ref['id']} sans note"
            for ref in _ids(record.get("echoes")) if field == "echoes" else []:
                assert axes[ref]["document"] == LIVRE_BLANC, f"{rid} : « echoes » vise un axe qui n'est pas du livre blanc"


def test_the_normandie_article_names_six_filieres_with_notamment():
    normandie = next(r for r in REGIONS if r["id"] == "normandie")
    assert set(normandie["sectors"]) == {"automobile", "aeronautique", "pharmacie", "agroalimentaire", "chimie-des-materiaux", "portuaire"}
    assert "notamment" in normandie["summary"] or any("notamment" in (s.get("quote") or "") for s in normandie["sources"])
    assert all(s.get("url") for s in normandie["sources"])
