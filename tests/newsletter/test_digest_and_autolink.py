"""kb digest (newsletter block of recent updates) and kb autolink (links in a newsletter draft)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from click.testing import CliRunner
from markdown_it import MarkdownIt

from kb.cli import main
from kb.content import load_all
from kb.newsletter.autolink import autolink
from tests.support.corpora import VALID, Built, build_corpus
from tests.support.emailsafe import email_safe_problems

BASE = "https://kb.example.org"


def digest(built: Built, *args: str) -> tuple[str, str]:
    """Run kb digest over a build; return (stdout, stderr)."""
    result = CliRunner().invoke(main, ["digest", "--database", built.database_url, "--base-url", BASE, *args])
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def test_digest_html_is_email_safe_grouped_by_axis_with_permanent_links(built: Built) -> None:
    out, err = digest(built, "--since", "2025-11-01", "--format", "html")
    assert email_safe_problems(out) == []
    assert "Nouveautés depuis le 1er novembre 2025" in out
    # sanctuaire-foncier (updated in June) is older than the date; the action sits under its proposal's axis.
    assert "Sanctuariser" not in out
    foncier, energie = out.index("Accès au foncier"), out.index("Souveraineté énergétique")
    assert foncier < out.index(f'href="{BASE}/propositions/pass-foncier"') < energie
    assert foncier < out.index(f'href="{BASE}/actions/implantation-normandie"') < energie
    assert energie < out.index(f'href="{BASE}/propositions/energie-locale"')
    assert "3 fiches dans 2 rubriques." in err


def test_digest_markdown_and_text(built: Built) -> None:
    md, _ = digest(built, "--since", "2025-11-01", "--format", "md")
    rendered = MarkdownIt("commonmark").render(md)
    hrefs = re.findall(r'href="([^"]+)"', rendered)
    assert set(hrefs) == {
        f"{BASE}/propositions/pass-foncier",
        f"{BASE}/actions/implantation-normandie",
        f"{BASE}/propositions/energie-locale",
    }
    assert "<h3>Accès au foncier</h3>" in rendered
    txt, _ = digest(built, "--since", "2025-11-01", "--format", "txt")
    assert "ACCÈS AU FONCIER" in txt and f"Lire la proposition : {BASE}/propositions/pass-foncier" in txt and "<" not in txt


def test_digest_filters_by_axis_and_region(built: Built) -> None:
    out, _ = digest(built, "--since", "2025-01-01", "--axis", "energie-essai", "--format", "txt")
    assert "/propositions/energie-locale" in out and "/propositions/pass-foncier" not in out
    # A region's digest holds its own records and the proposals of national scope, as the region's page does.
    out, _ = digest(built, "--since", "2025-01-01", "--region", "normandie", "--format", "txt")
    assert "/propositions/energie-locale" in out and "/actions/implantation-normandie" in out and "/propositions/pass-foncier" in out
    out, _ = digest(built, "--since", "2025-01-01", "--region", "ile-de-france", "--format", "txt")
    assert "/propositions/pass-foncier" in out and "/propositions/energie-locale" not in out


def test_digest_campaign_tags_and_nothing_new(built: Built) -> None:
    out, _ = digest(built, "--since", "2025-11-01", "--format", "txt", "--campaign", "lettre-decembre")
    assert f"{BASE}/propositions/pass-foncier?utm_source=newsletter&utm_medium=email&utm_campaign=lettre-decembre" in out
    out, err = digest(built, "--since", "2030-01-01")
    assert out == "" and "Aucune proposition ni action mise à jour depuis le 1er janvier 2030" in err


def test_digest_unknown_axis_is_an_error(built: Built) -> None:
    result = CliRunner().invoke(main, ["digest", "--database", built.database_url, "--axis", "inconnu"])
    assert result.exit_code == 1 and "axe « inconnu » introuvable" in result.stderr


DRAFT_MD = """\
# Lettre de décembre

Le Pass Foncier pour les PMI progresse : « Créer un pass foncier
pour les PMI » figure déjà [ici : Créer un pass foncier pour les PMI](https://exemple.test/deja).
Voir aussi ancien-pass-foncier et `energie-locale` en code, et <https://exemple.test/energie-locale>.

```
pass-foncier dans un bloc de code
```

    energie-locale dans un bloc indenté

Enfin sécuriser l’énergie des industriels, sanctuaire-foncier-bis et pass-foncier.
"""


def test_autolink_markdown_links_mentions_and_leaves_links_and_code_alone() -> None:
    out, mentions = autolink(DRAFT_MD, load_all(VALID), BASE, markdown=True)
    pf, el = f"{BASE}/propositions/pass-foncier", f"{BASE}/propositions/energie-locale"
    assert f"« [Créer un pass foncier\npour les PMI]({pf}) »" in out  # exact title, case-insensitive, across a line break
    assert "[ici : Créer un pass foncier pour les PMI](https://exemple.test/deja)" in out  # existing link untouched
    assert f"[ancien-pass-foncier]({pf})" in out  # alias → permanent URL of the current id
    assert "`energie-locale` en code" in out and "<https://exemple.test/energie-locale>" in out
    assert "```\npass-foncier dans un bloc de code\n```" in out and "    energie-locale dans un bloc indenté" in out
    assert f"[sécuriser l’énergie des industriels]({el})" in out  # typographic apostrophe
    assert "sanctuaire-foncier-bis" in out and "[sanctuaire-foncier" not in out  # an id inside a longer word is not a mention
    assert out.endswith(f"[pass-foncier]({pf}).\n")
    assert [(m.line, m.record_id) for m in mentions] == [
        (3, "pass-foncier"),
        (5, "pass-foncier"),
        (13, "energie-locale"),
        (13, "pass-foncier"),
    ]


DRAFT_HTML = """\
<p>Le <strong>pass-foncier</strong> et <a href="https://exemple.test/x">pass-foncier</a>.</p>
<p title="pass-foncier">Sanctuariser le foncier industriel</p>
<pre><code>energie-locale</code></pre>
<!-- energie-locale -->
"""


def test_autolink_html_leaves_tags_attributes_links_and_code_alone() -> None:
    out, mentions = autolink(DRAFT_HTML, load_all(VALID), BASE, markdown=False)
    assert f'<strong><a href="{BASE}/propositions/pass-foncier">pass-foncier</a></strong>' in out
    assert '<a href="https://exemple.test/x">pass-foncier</a>' in out and '<p title="pass-foncier">' in out
    assert f'<a href="{BASE}/propositions/sanctuaire-foncier">Sanctuariser le foncier industriel</a>' in out
    assert "<pre><code>energie-locale</code></pre>" in out and "<!-- energie-locale -->" in out
    assert [m.record_id for m in mentions] == ["pass-foncier", "sanctuaire-foncier"]


def test_autolink_command_writes_result_and_reports_links(tmp_path: Path) -> None:
    draft = tmp_path / "lettre.md"
    draft.write_text(DRAFT_MD, "utf-8")
    out = tmp_path / "lettre-liee.md"
    result = CliRunner().invoke(main, ["autolink", str(draft), "--data", str(VALID), "--base-url", BASE, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"[pass-foncier]({BASE}/propositions/pass-foncier)" in out.read_text("utf-8")
    assert f"lettre.md:5: « ancien-pass-foncier » → {BASE}/propositions/pass-foncier" in result.stderr
    assert "4 liens ajoutés." in result.stderr and result.stdout == ""


def test_an_action_on_two_axes_appears_once_and_totals_count_distinct_records(tmp_path: Path) -> None:
    # The action carries proposals on two axes: it goes under the axis of its first proposal only.
    data = tmp_path / "content"
    shutil.copytree(VALID, data)
    action = data / "actions" / "implantation-normandie.yaml"
    text = action.read_text("utf-8")
    assert "\nstatus: en-cours" in text and "energie-locale" not in text
    action.write_text(text.replace("\nstatus: en-cours", "\n  - energie-locale\nstatus: en-cours"), "utf-8")  # after pass-foncier
    built = build_corpus(data, tmp_path / "build")
    out, err = digest(built, "--since", "2025-11-01", "--format", "txt")
    assert out.count(f"{BASE}/actions/implantation-normandie") == 1
    foncier, energie = out.index("ACCÈS AU FONCIER"), out.index("SOUVERAINETÉ ÉNERGÉTIQUE")
    assert foncier < out.index(f"{BASE}/actions/implantation-normandie") < energie
    assert "3 fiches dans 2 rubriques." in err
    # Filtered by the second axis, it goes under that axis, once.
    out, err = digest(built, "--since", "2025-11-01", "--axis", "energie-essai", "--format", "txt")
    assert out.count(f"{BASE}/actions/implantation-normandie") == 1 and "2 fiches dans 1 rubrique." in err


def test_digest_orders_documents_as_the_site_does_featured_first_then_newest(grown: Built) -> None:
    # The featured paper's axes first (whatever its id or date), then the other documents newest first (« 2026-02 »
    # after « 2026-03-02 », before « 2026-01-15 »), as the columns of « Qui propose quoi »; each document's axes in order.
    out, _ = digest(grown, "--since", "2025-01-01", "--format", "txt")
    order = ["pass-foncier", "energie-locale", "apprentissage-usine", "energie-commune", "foncier-institut", "sanctuaire-foncier"]
    at = [out.index(f"{BASE}/propositions/{pid}\n") for pid in order]
    assert at == sorted(at), [pid for _, pid in sorted(zip(at, order, strict=True))]


def test_digest_of_a_region_holds_the_national_proposals_of_every_document(grown: Built) -> None:
    out, _ = digest(grown, "--since", "2025-01-01", "--region", "ile-de-france", "--format", "txt")
    national = ("pass-foncier", "apprentissage-usine", "energie-commune", "foncier-institut", "sanctuaire-foncier")
    assert all(f"{BASE}/propositions/{pid}\n" in out for pid in national)
    assert f"{BASE}/actions/formation-idf" in out and "/propositions/energie-locale" not in out  # Normandie's own
    assert "/actions/implantation-normandie" not in out
