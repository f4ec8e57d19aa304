"""Sources that can be checked (issue 16, item 5): warnings for addresses and pages that cannot be verified as written,
errors with --strict, and `kb check --fix-urls` for the mechanical cases, keeping the files' comments and layout."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import main
from kb.content import check
from kb.content.addresses import address_key, fix_url
from kb.content.fields import QUOTE_MAX
from tests.support.corpora import VALID

ACTION = "actions/implantation-normandie.yaml"


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the valid corpus, the working directory at its root (paths print relative to it)."""
    data = tmp_path / "content"
    shutil.copytree(VALID, data)
    monkeypatch.chdir(data)
    return data


def _sources(data: Path, block: str) -> Path:
    """The test action with its sources replaced by ``block`` (YAML lines under « sources: »)."""
    path = data / ACTION
    text = path.read_text("utf-8")
    head, _, tail = text.partition("sources:\n")
    tail = tail[tail.index("published:") :]
    path.write_text(f"{head}sources:\n{block}{tail}", "utf-8")
    return path


def _block_line(data: Path) -> int:
    """The line of the first line of the block written by _sources."""
    return (data / ACTION).read_text("utf-8").splitlines().index("sources:") + 2


def _warnings(data: Path) -> list[tuple[int, str]]:
    """(line within the sources block, counted from 0; message) of the test action's problems."""
    _corpus, problems = check(data)
    assert [p for p in problems if p.level == "error"] == []
    first = _block_line(data)
    return [(p.line - first, p.message) for p in problems if p.path.endswith(ACTION)]


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        (
            "  - url: https://senat.fr\n",
            [(0, "adresse sans chemin « https://senat.fr » : donnez l'adresse de la page citée, pas seulement celle du site")],
        ),
        (
            "  - url: https://www.cpme-71.fr:443/communique\n",
            [(0, "port par défaut « :443 » inutile dans « https://www.cpme-71.fr:443/communique » (kb check --fix-urls le retire)")],
        ),
        (
            '  - url: " https://exemple.test/page "\n',
            [(0, "espaces autour de l'adresse « https://exemple.test/page » (kb check --fix-urls les retire)")],
        ),
        (
            "  - url: https://exemple.test/rapport\n    page: rap l22-736\n",
            [
                (
                    1,
                    "« page » : « rap l22-736 » n'est ni un numéro de page ni une plage (12, 12-14, p. 12) ; "
                    "un numéro de rapport se met dans le titre du document cité",
                )
            ],
        ),
        (
            f"  - url: https://exemple.test/long\n    quote: {'mot ' * (QUOTE_MAX // 4 + 1)}\n",
            [(1, f"citation de {4 * (QUOTE_MAX // 4 + 1) - 1} caractères : {QUOTE_MAX} au plus ; gardez les mots essentiels")],
        ),
        (
            "  - url: https://www.exemple.test/page/\n  - url: http://exemple.test/page\n",
            [(1, "même adresse que « https://www.exemple.test/page/ », écrite autrement : écrivez-la d'une seule façon")],
        ),
    ],
    ids=["bare-domain", "default-port", "spaces", "page-not-a-page", "long-quote", "same-address-two-ways"],
)
def test_each_source_fault_is_a_warning_at_its_line(content: Path, block: str, expected: list[tuple[int, str]]) -> None:
    _sources(content, block)
    assert _warnings(content) == expected


def test_http_is_not_judged_without_the_network(content: Path) -> None:
    # Whether the site also serves https cannot be known offline: kb check never connects, so it says nothing.
    _sources(content, "  - url: http://exemple.test/article\n")
    assert _warnings(content) == []


@pytest.mark.parametrize("page", ["12", "12-14", "12–14", "p. 12", "pp. 12-14", "xii", "3, 7-9", "1"])
def test_pages_and_ranges_pass(content: Path, page: str) -> None:
    _sources(content, f'  - url: https://exemple.test/rapport\n    page: "{page}"\n')
    assert _warnings(content) == []


def test_source_warnings_fail_only_under_strict(runner: CliRunner, content: Path) -> None:
    _sources(content, "  - url: https://senat.fr\n")
    assert runner.invoke(main, ["check", "--data", "."]).exit_code == 0
    assert runner.invoke(main, ["check", "--data", ".", "--strict"]).exit_code == 1


def test_fix_urls_rewrites_ports_and_spaces_keeping_comments_and_layout(runner: CliRunner, content: Path) -> None:
    path = _sources(
        content,
        "  # la page du communiqué (commentaire gardé)\n"
        "  - url: https://WWW.Exemple.test:443/Communique?a=1#haut   # port par défaut\n"
        "    quote: « soutien »\n"
        "  - url: '  https://exemple.test/rapport '\n"
        '  - url: "http://exemple.test:8080/a"\n',
    )
    before = path.read_text("utf-8")
    result = runner.invoke(main, ["check", "--data", ".", "--fix-urls"])
    assert result.exit_code == 0, result.output
    first = _block_line(content)
    assert result.output.splitlines()[:3] == [
        f"{ACTION}:{first + 1}: corrigé : « https://WWW.Exemple.test:443/Communique?a=1#haut » "
        "→ « https://www.exemple.test/Communique?a=1#haut »",
        f"{ACTION}:{first + 3}: corrigé : «   https://exemple.test/rapport  » → « https://exemple.test/rapport »",
        "2 adresses corrigées.",
    ]
    after = path.read_text("utf-8")
    assert after == before.replace("https://WWW.Exemple.test:443/Communique", "https://www.exemple.test/Communique").replace(
        "'  https://exemple.test/rapport '", "'https://exemple.test/rapport'"
    )
    # What is fixed is no longer reported; what is not mechanical stays a warning.
    assert "port par défaut" not in result.output and "espaces autour" not in result.output
    again = runner.invoke(main, ["check", "--data", ".", "--fix-urls"])
    assert again.output.splitlines()[0] == "0 adresse corrigée."


def test_fix_urls_leaves_escaped_and_block_scalars_alone(content: Path, runner: CliRunner) -> None:
    path = _sources(content, '  - url: "https://exemple.test:443/\\u00e9t\\u00e9"\n  - url: >-\n      https://exemple.test:443/bloc\n')
    before = path.read_text("utf-8")
    result = runner.invoke(main, ["check", "--data", ".", "--fix-urls"])
    assert result.output.splitlines()[0] == "0 adresse corrigée."
    assert path.read_text("utf-8") == before


@pytest.mark.parametrize(
    ("url", "fixed"),
    [
        ("https://x.fr:443/a", "https://x.fr/a"),
        ("http://x.fr:80", "http://x.fr"),
        ("https://x.fr:8443/a", "https://x.fr:8443/a"),
        (" HTTPS://X.FR/Page ", "https://x.fr/Page"),
        ("https://user@X.fr:443/a?b=:443", "https://user@x.fr/a?b=:443"),
        ("https://[::1]:443/a", "https://[::1]/a"),
        ("mailto:x@y.fr", "mailto:x@y.fr"),
    ],
)
def test_fix_url_changes_only_what_cannot_change_the_page(url: str, fixed: str) -> None:
    assert fix_url(url) == fixed


def test_address_key_sees_one_address_written_two_ways() -> None:
    assert address_key("https://www.x.fr/a/") == address_key("http://x.fr:80/a") == address_key("https://X.FR/%61")
    assert address_key("https://x.fr/a") != address_key("https://x.fr/b")
    assert address_key("https://x.fr/a#un") != address_key("https://x.fr/a#deux")


def test_a_region_entry_s_sources_are_checked_at_their_line(content: Path) -> None:
    regions = content / "regions.yaml"
    text = regions.read_text("utf-8").replace("    - url: https://exemple.test/article\n", "    - url: https://exemple.test\n")
    regions.write_text(text, "utf-8")
    _corpus, problems = check(content)
    line = text.splitlines().index("    - url: https://exemple.test") + 1
    message = "adresse sans chemin « https://exemple.test » : donnez l'adresse de la page citée, pas seulement celle du site"
    assert [(p.path.endswith("regions.yaml"), p.line, p.level, p.message) for p in problems] == [(True, line, "warning", message)]
