"""The kind registry owns every table keyed by kind: a kind added in one entry (plus its models) is seen everywhere.

The test adds a kind « note » to a copy of the package — one registry entry, its file model, its table and its API
shape, nothing else — and checks, in a fresh interpreter, that every table derived from the registry sees it: the
content folders and schemas, the addresses, the filters, the checks, the database, the build, the search, the API
and its OpenAPI document, the exports.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kb.content import kinds
from kb.content.filters import BY_NAME, TYPE_URL_NAMES
from kb.content.urls import SUFFIXES, parse_record_path
from kb.store.tables import TABLE_OF, kind_of

ROOT = Path(__file__).resolve().parents[2]
VALID = ROOT / "tests" / "data" / "valid"

MODEL = '''

class NoteBase(SQLModel):
    """A note (a kind added by tests/content/test_kinds.py)."""

    title: Text
    summary: Summary


class NoteFile(NoteBase, Strict):
    """A note as editors write it."""

    sources: list[SourceRef] = []
'''
ENTRY = '''
NOTE = Kind(
    "note", label="Note", plural="Notes", noun="note", url_name="note", prefix="/notes/", collection="notes", index=None,
    folder="notes", list_file=None, model=NoteFile, base=NoteBase, card=False, feed=False, listed=False, words=("note", "notes"),
    cta="Lire la note", unknown="Note inconnue", order=(),
)
'''
TABLE = '''

class Note(NoteBase, Served, table=True):
    """A served note."""
'''
SHAPE = '''

class NoteOut(NoteBase, Out):
    """A note."""

    id: str
    type: Literal["note"]
    url: str
    sources: list[Source]
'''

CHECKS = r'''
import json, sys
from pathlib import Path
from kb.content import kinds, check
from kb.content.filters import BY_NAME, TYPE_URL_NAMES
from kb.content.files import record_files
from kb.content.labels import count_kinds
from kb.content.schemas import json_schemas
from kb.content.urls import parse_record_path, SUFFIXES
from kb.content.permanence import public_paths
from kb.search.analysis import build_query
from kb.store.tables import TABLE_OF, TABLES
from kb.api.params import QUERIES
from kb.pages.shapes import DETAIL, LISTS, KbExport
data = Path(sys.argv[1])
out = {}
note = kinds.kind("note")
out["registry"] = [str(k) for k in kinds.every()]
out["files"] = [str(kind) for kind, _ in record_files(data)[0] if kind == "note"]
corpus, problems = check(data)
out["problems"] = [p.message for p in problems if p.level == "error"]
out["loaded"] = [r.id for r in corpus.of("note")]
out["count"] = count_kinds({k: len(corpus.of(k)) for k in kinds.every()})
out["schema"] = "note" in json_schemas()
out["path"] = list(parse_record_path("/notes/une-note") or ())
out["public"] = [p for p in public_paths(corpus, []) if p.startswith("/notes/")]
out["type_values"] = "note" in BY_NAME["type"].values and TYPE_URL_NAMES["note"] == "note"
out["table"] = TABLE_OF["note"].__name__ in {t.__name__ for t in TABLES}
out["api"] = [QUERIES["note"].__name__, DETAIL["note"].__name__, LISTS["note"].__name__, "notes" in KbExport.model_fields]
out["kind_word"] = "type" in repr(build_query("les notes", []))
print(json.dumps(out))
'''

SERVE = r'''
import json, sys
from pathlib import Path
from kb import create_app
from kb.builder import build
from kb.store import make_engine
data, work = Path(sys.argv[1]), Path(sys.argv[2])
url = f"sqlite:///{work / 'kb.sqlite'}"
engine = make_engine(url)
report = build(data, engine, work / "index")
engine.dispose()
client = create_app({"TESTING": True, "DATA_DIR": str(data), "DATABASE_URL": url, "INDEX_DIR": str(work / "index")}).test_client()
out = {"built": report.ok, "counts": {str(k): v for k, v in report.counts.items()}}
out["list"] = client.get("/api/v1/notes").get_json()
out["detail"] = client.get("/api/v1/notes/une-note").get_json()
out["openapi"] = sorted(p for p in client.get("/api/v1/openapi.json").get_json()["paths"] if p.startswith("/notes"))
out["search"] = [h["id"] for h in client.get("/api/v1/search?q=note&type=note").get_json()["data"]]
out["export"] = [n["id"] for n in client.get("/api/v1/export/kb.json").get_json()["notes"]]
image = client.get("/notes/une-note/apercu.png")
out["image"] = [image.status_code, image.mimetype]
print(json.dumps(out))
'''


def _insert_before(text: str, marker: str, addition: str) -> str:
    assert marker in text, marker
    return text.replace(marker, addition + marker, 1)


@pytest.fixture(scope="module")
def with_note(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package with one more kind: its registry entry and its models, nothing else."""
    root = tmp_path_factory.mktemp("kinds")
    pkg = root / "kb"
    shutil.copytree(ROOT / "kb", pkg, ignore=shutil.ignore_patterns("__pycache__"))
    models = pkg / "content" / "models.py"
    models.write_text(_insert_before(models.read_text("utf-8"), "\n\n# Reference fields whose items are LinkRef", MODEL), "utf-8")
    registry = pkg / "content" / "kinds.py"
    text = registry.read_text("utf-8").replace("    DocumentBase,\n", "    DocumentBase,\n    NoteBase,\n    NoteFile,\n")
    text = _insert_before(text, "\n# Every kind, in the order", ENTRY)
    text = text.replace("SECTOR, REGION, ORGANISATION)", "SECTOR, REGION, ORGANISATION, NOTE)")
    registry.write_text(text, "utf-8")
    tables = pkg / "store" / "tables.py"
    text = tables.read_text("utf-8").replace("OrganisationBase, ProposalLinks", "NoteBase, OrganisationBase, ProposalLinks")
    text = _insert_before(text, "\n\nclass Link(SQLModel, table=True):", TABLE)
    text = text.replace("Sector, Region, Organisation)", "Sector, Region, Organisation, Note)")
    tables.write_text(text, "utf-8")
    shapes = pkg / "pages" / "shapes.py"
    text = shapes.read_text("utf-8").replace("DocumentBase, OrganisationBase", "DocumentBase, NoteBase, OrganisationBase")
    text = _insert_before(text, "\n\n# --- Envelopes", SHAPE)
    shapes.write_text(text.replace("RegionOut, OrganisationOut)", "RegionOut, OrganisationOut, NoteOut)"), "utf-8")
    content = root / "content"
    shutil.copytree(VALID, content)
    (content / "notes").mkdir()
    (content / "notes" / "une-note.yaml").write_text(
        "title: Une note d'essai\nsummary: Une note pour vérifier que chaque table voit le nouveau type.\n"
        "sources:\n  - url: https://exemple.test/note\n", "utf-8")
    return root


def _run(root: Path, code: str, *args: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", code, *args], cwd=root, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_the_package_copy_imports_the_copy(with_note: Path) -> None:
    out = _run(with_note, "import kb, json; print(json.dumps({'file': kb.__file__}))")
    assert out["file"].startswith(str(with_note))


def test_every_table_derived_from_the_registry_sees_an_added_kind(with_note: Path) -> None:
    out = _run(with_note, CHECKS, str(with_note / "content"))
    assert out["registry"][-1] == "note"
    assert out["files"] == ["note"] and out["loaded"] == ["une-note"] and out["problems"] == []
    assert out["count"].endswith(", 1 note") and out["schema"]
    # Every kind's page has a link-preview image, a kind without a drawing of its own included (its name and summary).
    assert out["path"] == ["note", "une-note", ""] and out["public"] == ["/notes/une-note", "/notes/une-note/apercu.png"]
    assert out["type_values"] and out["table"] and out["kind_word"]
    assert out["api"] == ["NoteQuery", "NoteOut", "NoteList", True]


def test_an_added_kind_is_built_searched_and_served_by_the_api(with_note: Path, tmp_path: Path) -> None:
    out = _run(with_note, SERVE, str(with_note / "content"), str(tmp_path))
    assert out["built"] and out["counts"]["note"] == 1
    assert out["list"]["count"] == 1 and out["list"]["data"][0]["url"].endswith("/notes/une-note")
    assert out["detail"]["type"] == "note" and out["detail"]["sources"][0]["url"] == "https://exemple.test/note"
    assert out["openapi"] == ["/notes", "/notes/{id}"]
    assert out["search"] == ["une-note"] and out["export"] == ["une-note"]
    assert out["image"] == [200, "image/png"]  # a kind without a drawing of its own: its label, name and summary


def test_the_registry_is_the_one_owner_of_the_shipped_kinds() -> None:
    # Equal to its id, read-only, pickled as itself; every derived table in this process agrees with it.
    assert kinds.PROPOSAL == "proposal" and kinds.kind("proposal") is kinds.PROPOSAL
    with pytest.raises(AttributeError):
        kinds.PROPOSAL.label = "autre"  # type: ignore[misc]
    assert [str(k) for k in kinds.every()] == ["document", "axis", "proposal", "action", "sector", "region", "organisation"]
    assert set(TABLE_OF) == set(kinds.KINDS) and all(kind_of(table()) == kind for kind, table in TABLE_OF.items())
    assert set(BY_NAME["type"].values) == set(kinds.KINDS) == set(TYPE_URL_NAMES)
    assert all(parse_record_path(k.path("x")) == (k, "x", "") for k in kinds.every())
    assert {k for k in kinds.every() if k.card} == {k for k, subs in SUFFIXES.items() if "/carte" in subs}
