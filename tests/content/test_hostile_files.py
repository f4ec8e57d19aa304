"""Hostile files cost a message, not the machine (issue 18, items 1 and 7).

Each probe runs the real `kb` program in a child process under resource limits (address space and CPU time, set with
resource.setrlimit), so that a file that would exhaust memory or time kills the child and fails the test instead of
the machine; a wall-clock timeout catches what would block (a FIFO). Every hostile file is made at test time.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support import bombs
from tests.support.corpora import ROOT, VALID

# Each case runs the real kb program in a resource-limited child: about 14 s together, out of make test-fast.
pytestmark = pytest.mark.slow

MiB = 1024 * 1024
# The bounds for imports: 5 s and 300 MB; a check gets the same memory and twice the time (it loads pydantic).
IMPORT_LIMITS = {"memory": 300 * MiB, "cpu": 5}
CHECK_LIMITS = {"memory": 300 * MiB, "cpu": 10}
PROGRAM = "import sys; from kb.cli import main; sys.argv[0] = 'kb'; main()"


def run_limited(args: list[str], cwd: Path, memory: int, cpu: int) -> subprocess.CompletedProcess[str]:
    """The `kb` program with at most ``memory`` bytes of address space and ``cpu`` seconds of processor time."""

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", PROGRAM, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60, preexec_fn=limits
    )


def test_the_limits_do_stop_a_runaway(tmp_path: Path) -> None:
    # The harness itself: a child that allocates past its limit dies instead of succeeding.
    code = "x = bytearray(400 * 1024 * 1024)"

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (CHECK_LIMITS["memory"], CHECK_LIMITS["memory"]))

    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, preexec_fn=limits)
    assert proc.returncode != 0 and "MemoryError" in proc.stderr


# ---- content files (kb check, kb build) -----------------------------------------------------------------------------


def _alias_bomb(data: Path) -> str:
    lines = ['l0: &l0 ["ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha"]']
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 9)]
    (data / "proposals" / "bombe.yaml").write_text("\n".join([*lines, "title: *l8"]) + "\n", "utf-8")
    return "content/proposals/bombe.yaml:1: error: ancre « &l0 » interdite : une fiche écrit chaque valeur en entier"


def _dev_zero(data: Path) -> str:
    (data / "proposals" / "zero.yaml").symlink_to("/dev/zero")
    return "content/proposals/zero.yaml:1: error: lien symbolique vers « /dev/zero », hors du dossier de contenu : non lu"


def _fifo(data: Path) -> str:
    os.mkfifo(data / "proposals" / "tube.yaml")
    return "content/proposals/tube.yaml:1: error: ce n'est pas un fichier ordinaire mais un tube nommé (FIFO) : non lu"


def _outside(data: Path) -> str:
    outside = data.parent / "ailleurs.yaml"
    shutil.copy(VALID / "proposals" / "energie-locale.yaml", outside)
    (data / "proposals" / "dehors.yaml").symlink_to(outside)
    return f"content/proposals/dehors.yaml:1: error: lien symbolique vers « {outside} », hors du dossier de contenu : non lu"


def _passwd(data: Path) -> str:
    (data / "proposals" / "passwd.yaml").symlink_to("/etc/passwd")
    return "content/proposals/passwd.yaml:1: error: lien symbolique vers « /etc/passwd », hors du dossier de contenu : non lu"


def _huge(data: Path) -> str:
    text = (VALID / "proposals" / "energie-locale.yaml").read_text("utf-8")
    (data / "proposals" / "enorme.yaml").write_text(text + "body: |\n" + ("  " + "x" * 998 + "\n") * 50_000, "utf-8")
    return (
        "content/proposals/enorme.yaml:1: error: fichier de 47,7 Mio : 256 Kio au plus "
        "(limite réglable par --max-file-kb ou KB_MAX_FILE_KB)"
    )


def _digits(data: Path) -> str:
    text = (VALID / "proposals" / "energie-locale.yaml").read_text("utf-8")
    (data / "proposals" / "chiffres.yaml").write_text(text + "flagship: " + "9" * 5000 + "\n", "utf-8")
    line = text.count("\n") + 1
    hint = "mettez-le entre guillemets si c'est un texte"
    return f"content/proposals/chiffres.yaml:{line}: error: nombre de 5000 chiffres : 18 au plus ({hint})"


def _long_text(data: Path) -> str:
    text = (VALID / "proposals" / "energie-locale.yaml").read_text("utf-8")
    (data / "proposals" / "long.yaml").write_text(text + f'body: "{"x" * 200_000}"\n', "utf-8")
    return f"content/proposals/long.yaml:{text.count(chr(10)) + 1}: error: texte de 200000 caractères : 100000 au plus"


HOSTILE: dict[str, Callable[[Path], str]] = {
    "alias-bomb-9-levels": _alias_bomb,
    "link-to-dev-zero": _dev_zero,
    "fifo": _fifo,
    "link-out-of-the-folder": _outside,
    "link-to-etc-passwd": _passwd,
    "50-mb-record": _huge,
    "5000-digit-integer": _digits,
}


@pytest.fixture
def content(tmp_path: Path) -> Path:
    data = tmp_path / "content"
    shutil.copytree(VALID, data)
    return data


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_check_is_bounded_on_every_hostile_file(content: Path, case: str) -> None:
    expected = HOSTILE[case](content)
    proc = run_limited(["check", "--data", "content"], content.parent, **CHECK_LIMITS)
    assert proc.returncode == 1, proc.stderr
    assert expected in proc.stdout.splitlines()  # kb check reports on standard output, in file order
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_fix_urls_is_bounded_on_every_hostile_file(content: Path, case: str) -> None:
    # --fix-urls reads and rewrites files before the check: it must not be the way around the limits.
    expected = HOSTILE[case](content)
    proc = run_limited(["check", "--data", "content", "--fix-urls"], content.parent, **CHECK_LIMITS)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("0 adresse corrigée.") and expected in proc.stdout.splitlines()


@pytest.mark.parametrize("case", ["fifo", "link-to-dev-zero", "50-mb-record"])
def test_build_refuses_a_hostile_file_without_reading_it(content: Path, case: str) -> None:
    expected = HOSTILE[case](content)
    build = ["build", "--data", "content", "--index", "idx", "--database", f"sqlite:///{content.parent / 'kb.sqlite'}"]
    # The build loads the database and search stacks (more address space), and reads nothing hostile.
    proc = run_limited(build, content.parent, memory=600 * MiB, cpu=20)
    assert proc.returncode == 1, proc.stderr
    assert expected in proc.stdout.splitlines() and "Construction annulée" in proc.stderr


def test_a_long_text_is_refused_before_it_is_built(content: Path) -> None:
    expected = _long_text(content)
    proc = run_limited(["check", "--data", "content"], content.parent, **CHECK_LIMITS)
    assert proc.returncode == 1 and expected in proc.stdout.splitlines()


def test_the_size_limit_is_configurable(content: Path) -> None:
    # A 300 Kio record (many tags): over the default 256 Kio, within a limit raised by option or environment.
    text = (VALID / "proposals" / "energie-locale.yaml").read_text("utf-8")
    tags = "".join(f"  - mot-cle-numero-{i:06d}-de-la-fiche\n" for i in range(8_000))
    (content / "proposals" / "riche.yaml").write_text(text.replace("tags: []\n", "") + "tags:\n" + tags, "utf-8")
    size = (content / "proposals" / "riche.yaml").stat().st_size
    assert 256 * 1024 < size < 512 * 1024
    default = run_limited(["check", "--data", "content"], content.parent, **CHECK_LIMITS)
    assert default.returncode == 1
    assert default.stdout.startswith("content/proposals/riche.yaml:1: error: fichier de 297 Kio : 256 Kio au plus")
    raised = run_limited(["check", "--data", "content", "--max-file-kb", "512"], content.parent, **CHECK_LIMITS)
    assert raised.returncode == 0, raised.stderr
    by_env = subprocess.run(
        [sys.executable, "-c", PROGRAM, "check", "--data", "content"],
        cwd=content.parent,
        env={**os.environ, "PYTHONPATH": str(ROOT), "KB_MAX_FILE_KB": "512"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert by_env.returncode == 0, by_env.stderr


def test_a_link_inside_the_folder_is_read_and_reported_at_its_own_path(content: Path) -> None:
    (content / "brouillons").mkdir()
    text = (VALID / "proposals" / "energie-locale.yaml").read_text("utf-8")
    (content / "brouillons" / "a-relire.yaml").write_text("titel: oubli\n" + text, "utf-8")
    (content / "proposals" / "lien.yaml").symlink_to(Path("..") / "brouillons" / "a-relire.yaml")
    proc = run_limited(["check", "--data", "content"], content.parent, **CHECK_LIMITS)
    assert proc.stdout.splitlines()[0] == "content/proposals/lien.yaml:1: error: clé inconnue « titel » (vouliez-vous dire « title » ?)"


# ---- imported files (kb import) --------------------------------------------------------------------------------------


IMPORTS: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "docx-inflating-to-2-gib": (
        "bombe.docx",
        lambda: bombs.docx_with(None, compressed=bombs.deflate_repeat(b"\0" * MiB, 2048)),
        "n'est pas un fichier Word lisible (2\u202f049 Mio une fois décompressé, 128 Mio au plus)",
    ),
    "docx-lying-about-its-size": (
        "menteur.docx",
        lambda: bombs.docx_with(None, compressed=bombs.deflate_repeat(b"<w:p/>" * 100_000, 1000), declared=1000),
        "n'est pas un fichier Word lisible (archive corrompue ou tailles déclarées fausses "
        "(Bad CRC-32 for file 'word/document.xml'))",
    ),
    "docx-without-document-xml": (
        "vide.docx",
        lambda: bombs.docx_with(None),
        "n'est pas un fichier Word lisible (pas de word/document.xml dans l'archive)",
    ),
    "docx-entity-bomb": (
        "entites.docx",
        lambda: bombs.docx_with(bombs.entity_bomb()),
        "n'est pas un fichier Word lisible (word/document.xml : déclaration de type de document (DOCTYPE) refusée)",
    ),
    "docx-200000-deep": (
        "profond.docx",
        lambda: bombs.docx_with(bombs.deep_xml(200_000)),
        "n'est pas un fichier Word lisible (word/document.xml : imbrication XML de plus de 200 niveaux)",
    ),
    "docx-not-a-zip": (
        "faux.docx",
        lambda: b"PK\x03\x04 pas une archive" * 10,
        "n'est pas un fichier Word lisible (ce n'est pas une archive zip)",
    ),
    "pdf-page-tree-bomb": (
        "arbre.pdf",
        bombs.page_tree_bomb,
        "n'est pas un fichier PDF lisible (limite dépassée : Maximum page tree entry limit reached: 20001 > 20000.)",
    ),
    "pdf-1-gib-flate-stream": (
        "flux.pdf",
        bombs.flate_bomb,
        "n'est pas un fichier PDF lisible (limite dépassée : Limit reached while decompressing.",
    ),
    "pdf-cyclic-page-tree": (
        "cycle.pdf",
        bombs.cyclic_page_tree,
        "n'est pas un fichier PDF lisible (structure PDF invalide : Detected cyclic page references.)",
    ),
}


@pytest.mark.parametrize("case", sorted(IMPORTS))
def test_import_of_a_bomb_is_refused_within_5_s_and_300_mb(content: Path, case: str) -> None:
    name, make, reason = IMPORTS[case]
    (content.parent / name).write_bytes(make())
    proc = run_limited(["import", name, "--document", "livre-essai", "--data", "content"], content.parent, **IMPORT_LIMITS)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith(f"{name} : {reason}"), proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert sorted(os.listdir(content / "proposals")) == sorted(os.listdir(VALID / "proposals"))  # nothing written


def test_import_of_a_fifo_is_refused_without_blocking(content: Path) -> None:
    os.mkfifo(content.parent / "tube.pdf")
    proc = run_limited(["import", "tube.pdf", "--document", "livre-essai", "--data", "content"], content.parent, **IMPORT_LIMITS)
    assert proc.returncode == 1
    assert proc.stderr.startswith("tube.pdf : n'est pas un fichier PDF lisible (ce n'est pas un fichier ordinaire)")
