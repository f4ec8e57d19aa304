"""kb import: fixture white papers written by the tests themselves (Markdown, Word, PDF) become draft proposals."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import font_source_sans_pro
import pytest
import yaml
from click.testing import CliRunner, Result
from fpdf import FPDF

from kb.cli import main
from kb.content.importer.read import clean_text, drop_repeated, unwrap
from tests.support.corpora import VALID

FONTS = Path(font_source_sans_pro.__file__).parent / "files"
HEADER = "CPME — Livre blanc « Redynamiser l'industrie » — novembre 2025"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A private copy of the valid corpus (document livre-essai, axes « Accès au foncier » and « Souveraineté énergétique »)."""
    return Path(shutil.copytree(VALID, tmp_path / "content"))


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def quote(draft: dict) -> str:
    """The source's text of an imported draft: the quote of its first source (summary and body are ours to write)."""
    return draft["sources"][0]["quote"]


def drafts(content: Path) -> dict[str, dict]:
    """The draft proposal files of a content folder, by id."""
    out = {}
    for path in sorted((content / "proposals").glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        if data.get("draft"):
            out[path.stem] = data
    return out


MARKDOWN = """\
# Redynamiser l'industrie

Introduction du livre blanc : elle n'est sous aucune proposition.

## Axe 1 : Accès au foncier

### Proposition n° 1 : Créer un pass foncier PMI

Les collectivités mobilisent des **parcelles** de moins de deux hectares.

Un second paragraphe.

### Mesure N° 2 — Sanctuariser le foncier industriel

Le foncier industriel reste industriel.

## Partie 3 : Innovation et numérique

### Proposition 3 : Numériser les PMI

Un diagnostic numérique pour chaque PMI.
"""


def test_markdown_import_writes_one_draft_per_proposal(content: Path, tmp_path: Path) -> None:
    src = tmp_path / "livre.md"
    src.write_text(MARKDOWN, "utf-8")
    result = run("import", src, "--document", "livre-essai", "--data", content)
    assert result.exit_code == 0, result.output
    found = drafts(content)
    assert set(found) == {"creer-un-pass-foncier-pmi", "sanctuariser-le-foncier-industriel", "numeriser-les-pmi"}
    first = found["creer-un-pass-foncier-pmi"]
    assert first["title"] == "Créer un pass foncier PMI"
    assert quote(first) == "Les collectivités mobilisent des **parcelles** de moins de deux hectares.\n\nUn second paragraphe."
    assert first["body"] == "À COMPLÉTER\n" and first["summary"] == "À COMPLÉTER"  # written with our words, not the source's
    assert first["document"] == "livre-essai" and first["axis"] == "foncier-essai"
    assert first["sources"] == [{"document": "livre-essai", "quote": quote(first)}] and first["draft"] is True
    assert first["status"] is None and first["published"] is None and first["updated"] is None  # dates: the source's
    assert found["sanctuariser-le-foncier-industriel"]["axis"] == "foncier-essai"
    assert found["numeriser-les-pmi"]["axis"] == "a-completer-id-de-l-axe"
    # The skeleton of kb new, with the document's axes listed to choose from.
    text = (content / "proposals" / "numeriser-les-pmi.yaml").read_text("utf-8")
    assert "# Brouillon importé de « livre.md » par kb import." in text
    assert "#   1. foncier-essai — Accès au foncier\n#   2. energie-essai — Souveraineté énergétique\n" in text
    assert "status:                                # proposee | en-discussion" in text
    assert "Créé : " in result.output and "creer-un-pass-foncier-pmi.yaml" in result.output
    assert "Sans axe : " in result.output and "« Partie 3 : Innovation et numérique »" in result.output
    assert "complétez les champs puis lancez kb check" in result.output


def test_import_never_overwrites_and_reports_the_clash(content: Path, tmp_path: Path) -> None:
    src = tmp_path / "livre.md"
    src.write_text(MARKDOWN, "utf-8")
    target = content / "proposals" / "numeriser-les-pmi.yaml"
    target.write_text("# déjà là\n", "utf-8")
    result = run("import", src, "--document", "livre-essai", "--data", content)
    assert result.exit_code == 0, result.output
    assert target.read_text("utf-8") == "# déjà là\n"
    assert "Conflit : " in result.output and "numeriser-les-pmi.yaml" in result.output and "rien n'est écrit" in result.output
    assert "2 brouillon(s) créé(s), 1 conflit(s)" in result.output
    # Twice the same import: everything clashes, nothing changes.
    before = {p.name: p.read_text("utf-8") for p in (content / "proposals").glob("*.yaml")}
    again = run("import", src, "--document", "livre-essai", "--data", content)
    assert again.exit_code == 1 and "0 brouillon" not in again.output and "Étape suivante" not in again.output
    assert again.stderr.endswith("Rien n'est écrit : les 3 propositions trouvées ont toutes un conflit (ci-dessus) : déjà importée(s), "
                                 "ou id déjà pris. Pour importer de nouveau, retirez d'abord les fichiers en conflit.\n")
    assert {p.name: p.read_text("utf-8") for p in (content / "proposals").glob("*.yaml")} == before


def test_import_clashes_with_an_id_of_another_kind(content: Path, tmp_path: Path) -> None:
    src = tmp_path / "livre.md"
    src.write_text("# Accès au foncier\n\nProposition 1 : Implantation Normandie\n\nTexte.\n", "utf-8")
    result = run("import", src, "--document", "livre-essai", "--data", content)
    assert "l'id est déjà pris par" in result.output and "implantation-normandie" in result.output
    assert result.exit_code == 1 and "Rien n'est écrit : la proposition trouvée a un conflit" in result.output
    assert drafts(content) == {}


def test_imported_drafts_pass_check_with_warnings_only(content: Path, tmp_path: Path) -> None:
    src = tmp_path / "livre.md"
    src.write_text(MARKDOWN, "utf-8")
    run("import", src, "--document", "livre-essai", "--data", content)
    result = run("check", "--data", content)
    assert result.exit_code == 0, result.output
    assert "error" not in result.output
    assert "creer-un-pass-foncier-pmi.yaml:5: warning: brouillon : champ « published » à compléter" in result.output
    assert "creer-un-pass-foncier-pmi.yaml:7: warning: brouillon : « summary » est encore le texte du modèle" in result.output
    assert "numeriser-les-pmi.yaml:12: warning: brouillon : « axis » est encore le texte du modèle" in result.output
    # A draft's to-dos never block, --strict included: drafts may be committed (they are never public).
    assert run("check", "--data", content, "--strict").exit_code == 0


def test_unknown_document_is_a_clear_error(content: Path, tmp_path: Path) -> None:
    src = tmp_path / "livre.md"
    src.write_text(MARKDOWN, "utf-8")
    result = run("import", src, "--document", "pas-de-document", "--data", content)
    assert result.exit_code == 1
    assert "document « pas-de-document » introuvable" in result.output
    assert drafts(content) == {}


def test_unsupported_format_and_empty_source(content: Path, tmp_path: Path) -> None:
    odt = tmp_path / "livre.odt"
    odt.write_bytes(b"PK")
    result = run("import", odt, "--document", "livre-essai", "--data", content)
    assert result.exit_code == 1 and "format « .odt » non pris en charge" in result.output
    empty = tmp_path / "vide.md"
    empty.write_text("# Titre\n\nAucune mesure ici.\n", "utf-8")
    result = run("import", empty, "--document", "livre-essai", "--data", content)
    assert result.exit_code == 1 and "Aucune proposition trouvée" in result.output


def _docx(path: Path, rows: list[tuple[str, str]]) -> Path:
    document = docx.Document()
    for style, text in rows:
        document.add_paragraph(text, style=style)
    document.save(str(path))
    return path


def test_docx_headings_and_named_proposals(content: Path, tmp_path: Path) -> None:
    src = _docx(
        tmp_path / "livre.docx",
        [
            ("Title", "Redynamiser l'industrie"),
            ("Heading 1", "Accès au foncier"),
            ("Heading 2", "Proposition n° 1 : Créer un pass foncier PMI"),
            ("Normal", "Premier paragraphe du pass foncier."),
            ("Normal", "Second paragraphe."),
            ("Heading 1", "II. Souveraineté énergétique"),
            ("Heading 2", "Proposition n° 2 : Produire une énergie locale"),
            ("Normal", "Des contrats d'électricité de long terme."),
        ],
    )
    result = run("import", src, "--document", "livre-essai", "--data", content)
    assert result.exit_code == 0, result.output
    found = drafts(content)
    assert quote(found["creer-un-pass-foncier-pmi"]) == "Premier paragraphe du pass foncier.\n\nSecond paragraphe."
    assert found["creer-un-pass-foncier-pmi"]["axis"] == "foncier-essai"
    assert found["produire-une-energie-locale"]["axis"] == "energie-essai"
    assert "Sans axe" not in result.output


def test_docx_numbered_paragraphs(content: Path, tmp_path: Path) -> None:
    src = _docx(
        tmp_path / "numeros.docx",
        [
            ("Heading 1", "Accès au foncier"),
            ("List Number", "Créer un pass foncier PMI"),
            ("Normal", "Texte du pass."),
            ("Normal", "3. Sanctuariser le foncier"),
            ("Normal", "Texte de la troisième."),
        ],
    )
    assert run("import", src, "--document", "livre-essai", "--data", content).exit_code == 0
    found = drafts(content)
    assert set(found) == {"creer-un-pass-foncier-pmi", "sanctuariser-le-foncier"}
    assert quote(found["creer-un-pass-foncier-pmi"]) == "Texte du pass."
    assert found["sanctuariser-le-foncier"]["axis"] == "foncier-essai"


def test_docx_axis_level_makes_next_level_headings_proposals(content: Path, tmp_path: Path) -> None:
    src = _docx(
        tmp_path / "niveaux.docx",
        [
            ("Heading 1", "Souveraineté énergétique"),
            ("Heading 2", "Produire une énergie locale"),
            ("Normal", "Texte."),
            ("Heading 3", "Un intertitre du texte"),
            ("Normal", "Suite."),
        ],
    )
    result = run("import", src, "--document", "livre-essai", "--axis-level", "1", "--data", content)
    assert result.exit_code == 0, result.output
    found = drafts(content)
    assert list(found) == ["produire-une-energie-locale"]
    assert found["produire-une-energie-locale"]["axis"] == "energie-essai"
    assert "Suite." in quote(found["produire-une-energie-locale"])


def _pdf(path: Path, pages: list[list[tuple[str, str]]]) -> Path:
    """A PDF with a Unicode font; each line is (style, text): « h » bold heading, « b » body; header and footer on each page."""
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.add_font("ssp", "", str(FONTS / "SourceSansPro-Regular.ttf"))
    pdf.add_font("ssp", "B", str(FONTS / "SourceSansPro-Bold.ttf"))
    for number, rows in enumerate(pages, 1):
        pdf.add_page()
        pdf.set_font("ssp", size=8)
        pdf.cell(0, 6, HEADER, new_x="LMARGIN", new_y="NEXT")
        for style, text in rows:
            pdf.set_font("ssp", "B" if style == "h" else "", size=13 if style == "h" else 11)
            pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(-20)
        pdf.set_font("ssp", size=8)
        pdf.cell(0, 6, f"Page {number} sur {len(pages)}", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


PDF_PAGES = [
    [
        ("h", "Axe 1 : Accès au foncier"),
        ("h", "Proposition n° 1 : Créer un pass"),
        ("h", "foncier PMI"),
        ("b", "Le ﬁnancement des terrains industriels doit suivre : les collectivités accompagnent l'implan-"),
        ("b", "tation des usines et la mise en œuvre des projets."),
        ("h", "Proposition N° 2 : Sanctuariser le foncier industriel"),
        ("b", "Le foncier industriel reste industriel : une ﬂexibilité encadrée, comme le demandait la"),
        ("b", "proposition 12 du rapport, qui"),
    ],
    [
        ("b", "permet toutefois les reconversions."),
        ("h", "Axe 2 : Souveraineté énergétique"),
        ("h", "Proposition no 3 : Produire une énergie locale"),
        ("b", "Des contrats d'électricité de long terme pour les PMI."),
    ],
    [
        ("h", "Axe 3 : Innovation"),
        ("h", "Proposition n° 4 : Numériser les PMI"),
        ("b", "Un diagnostic numérique pour chaque entreprise."),
    ],
]


@pytest.fixture
def pdf_import(content: Path, tmp_path: Path) -> tuple[Path, Result]:
    src = _pdf(tmp_path / "livre.pdf", PDF_PAGES)
    return content, run("import", src, "--document", "livre-essai", "--data", content)


def test_pdf_titles_numbering_and_split_headings(pdf_import: tuple[Path, Result]) -> None:
    content, result = pdf_import
    assert result.exit_code == 0, result.output
    found = drafts(content)
    titles = {d["title"] for d in found.values()}
    assert titles == {
        "Créer un pass foncier PMI",
        "Sanctuariser le foncier industriel",
        "Produire une énergie locale",
        "Numériser les PMI",
    }


def test_pdf_ligatures_accents_and_hyphenation(pdf_import: tuple[Path, Result]) -> None:
    content, _ = pdf_import
    body = quote(drafts(content)["creer-un-pass-foncier-pmi"])
    assert "Le financement des terrains industriels" in body
    assert "l'implantation des usines et la mise en œuvre des projets." in body
    assert "ﬁ" not in body and "ﬂ" not in body


def test_pdf_pages_page_breaks_and_headers(pdf_import: tuple[Path, Result]) -> None:
    content, result = pdf_import
    found = drafts(content)
    assert {k: v for k, v in found["creer-un-pass-foncier-pmi"]["sources"][0].items() if k != "quote"} == {"document": "livre-essai",
                                                                                                          "page": 1}
    spanning = found["sanctuariser-le-foncier-industriel"]
    assert spanning["sources"] == [{"document": "livre-essai", "page": 1, "quote": quote(spanning)}]
    expected = (
        "Le foncier industriel reste industriel : une flexibilité encadrée, comme le demandait la proposition 12 du rapport, "
        "qui permet toutefois les reconversions."
    )
    assert quote(spanning) == expected  # the text goes on across the page break
    assert found["produire-une-energie-locale"]["sources"][0]["page"] == 2
    assert found["numeriser-les-pmi"]["sources"][0]["page"] == 3
    for data in found.values():
        assert "CPME — Livre blanc" not in quote(data) and "Page " not in quote(data)
    assert found["creer-un-pass-foncier-pmi"]["axis"] == "foncier-essai"
    assert found["produire-une-energie-locale"]["axis"] == "energie-essai"
    assert found["numeriser-les-pmi"]["axis"] == "a-completer-id-de-l-axe"
    assert "« Axe 3 : Innovation » ne correspond à aucun axe" in result.output


def test_pdf_drafts_pass_check_with_warnings_only(pdf_import: tuple[Path, Result]) -> None:
    content, _ = pdf_import
    result = run("check", "--data", content)
    assert result.exit_code == 0, result.output
    assert "error" not in result.output and "warning: brouillon : « summary » est encore le texte du modèle" in result.output


def test_text_normalisation_helpers() -> None:
    assert clean_text("e\u0301lan  ﬁn\u00a0: ﬃ œuvre") == "élan fin : ffi œuvre"
    pages = [["En-tête", "Texte A", "Page 1"], ["En-tête", "Texte B", "Page 2"], ["En-tête", "Texte C", "Page 3"]]
    assert drop_repeated(pages) == [["Texte A"], ["Texte B"], ["Texte C"]]
    assert unwrap(["Une ligne assez longue pour servir de largeur habituelle au texte du", "para-", "graphe.", "- un point"]) == (
        "Une ligne assez longue pour servir de largeur habituelle au texte du paragraphe.\n\n- un point"
    )


def test_markdown_title_below_the_number_and_sub_headings_in_the_body(content: Path, tmp_path: Path) -> None:
    src = tmp_path / "livre.md"
    src.write_text(
        "# Souveraineté énergétique\n\n"
        "## Proposition n° 7\n\nProduire une énergie locale\n\nPremier paragraphe.\n\n"
        "### Pourquoi\n\nParce que.\n\n"
        "## Proposition n° 8 : Stocker l'énergie\n\nTexte 8.\n",
        "utf-8",
    )
    assert run("import", src, "--document", "livre-essai", "--data", content).exit_code == 0
    found = drafts(content)
    assert quote(found["produire-une-energie-locale"]) == "Premier paragraphe.\n\n**Pourquoi**\n\nParce que."
    assert found["produire-une-energie-locale"]["axis"] == "energie-essai"
    assert found["stocker-l-energie"]["axis"] == "energie-essai"


def test_axis_level_keeps_numbered_lists_in_the_body(content: Path, tmp_path: Path) -> None:
    src = tmp_path / "niveaux.md"
    src.write_text("# Accès au foncier\n\n## Créer un pass foncier PMI\n\n1. premier point\n2. second point\n", "utf-8")
    assert run("import", src, "--document", "livre-essai", "--axis-level", "1", "--data", content).exit_code == 0
    found = drafts(content)
    assert list(found) == ["creer-un-pass-foncier-pmi"]
    assert quote(found["creer-un-pass-foncier-pmi"]) == "1. premier point\n2. second point"


def test_pdf_table_of_contents_and_conclusion_are_no_proposals(content: Path, tmp_path: Path) -> None:
    pages = [
        [
            ("h", "Sommaire"),
            ("b", "Proposition n° 1 : Créer un pass foncier PMI ........ 2"),
            ("b", "Proposition n° 2 : Produire une énergie locale ........ 2"),
        ],
        [
            ("h", "Axe 1 : Accès au foncier"),
            ("h", "Proposition n° 1 : Créer un pass foncier PMI"),
            ("b", "Des parcelles pour les PMI."),
            ("h", "Axe 2 : Souveraineté énergétique"),
            ("h", "Proposition n° 2 : Produire une énergie locale"),
            ("b", "Des contrats de long terme."),
        ],
        [("h", "Conclusion"), ("b", "La CPME remettra ce livre blanc au ministre.")],
    ]
    src = _pdf(tmp_path / "sommaire.pdf", pages)
    result = run("import", src, "--document", "livre-essai", "--data", content)
    assert result.exit_code == 0, result.output
    found = drafts(content)
    assert set(found) == {"creer-un-pass-foncier-pmi", "produire-une-energie-locale"}
    assert all(d["sources"][0]["page"] == 2 for d in found.values())
    assert quote(found["produire-une-energie-locale"]) == "Des contrats de long terme."
    assert "Sans axe" not in result.output


def test_slugs_are_short_ascii_and_unique(content: Path, tmp_path: Path) -> None:
    from kb.content.importer import slugify

    long_title = "Mettre en œuvre une politique ambitieuse de réindustrialisation des territoires par les PME et les ETI françaises"
    slug = slugify(long_title, "x")
    assert len(slug) <= 80 and slug.startswith("mettre-en-oeuvre-une-politique") and not slug.endswith("-")
    assert slugify("« Fabriqué en France » !", "x") == "fabrique-en-france" and slugify("…", "proposition-3") == "proposition-3"
    src = tmp_path / "double.md"
    src.write_text("# Accès au foncier\n\nProposition 1 : Agir\n\nUn.\n\nProposition 2 : Agir\n\nDeux.\n", "utf-8")
    assert run("import", src, "--document", "livre-essai", "--data", content).exit_code == 0
    found = drafts(content)
    assert {k: quote(v) for k, v in found.items()} == {"agir": "Un.", "agir-2": "Deux."}
