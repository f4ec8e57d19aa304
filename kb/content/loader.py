"""Read content files: YAML with line positions, validated against the file models."""

from __future__ import annotations

import difflib
import marshal
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kb.content.drafts import draft_warnings, is_draft, relaxed
from kb.content.fields import ID_RE
from kb.content.models import FILE_MODELS, FOLDERS, LIST_FILES, LIST_MODELS, SourceRef, StatusChange, Strict
from kb.content.problems import Problem
from kb.content.yamlfile import Loc, locate, read_yaml


@dataclass
class Record:
    """One validated record with where each of its keys stands in its file."""

    kind: str
    id: str
    path: str
    model: Any
    lines: dict[Loc, int]
    prefix: Loc = ()

    def line(self, *loc: Any) -> int:
        """Line of the deepest existing node along ``loc`` (the mapping's line for a missing key)."""
        return locate(self.lines, self.prefix + tuple(loc))

    # Pickled (build cache, process pool) with its key lines as one marshal blob, decoded only when a problem needs a
    # line: most cached records never do, and 10,000 dicts of tuples were a quarter of the cache's loading time.
    def __getstate__(self) -> dict[str, Any]:
        state = {k: v for k, v in self.__dict__.items() if k != "lines"}
        if "lines" in self.__dict__:
            state["_lines_blob"] = marshal.dumps(self.__dict__["lines"])
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes not set: ``lines`` of an unpickled record.
        blob = self.__dict__.get("_lines_blob")
        if name != "lines" or blob is None:
            raise AttributeError(name)
        self.lines = marshal.loads(blob)
        return self.lines


@dataclass
class Corpus:
    """Everything read from a content folder, with the problems found on the way."""

    data_dir: Path
    records: dict[str, list[Record]] = field(default_factory=dict)
    synonyms: list[list[str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0

    def of(self, kind: str) -> list[Record]:
        """Records of one kind."""
        return self.records.get(kind, [])


def _field_name(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "l'enregistrement"


def _message(err: dict[str, Any], model: type[Strict], loc: Loc) -> str:
    kind, name, ctx = err["type"], _field_name(loc), err.get("ctx") or {}
    value = err.get("input")
    if kind == "missing":
        return f"champ obligatoire « {name} » manquant"
    if kind == "extra_forbidden":
        fields = list(model.model_fields) if len(loc) == 1 else []
        close = difflib.get_close_matches(str(loc[-1]), fields, n=1)
        hint = f" (vouliez-vous dire « {close[0]} » ?)" if close else ""
        return f"clé inconnue « {name} »{hint}"
    if kind == "literal_error":
        allowed = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return f"valeur « {value} » invalide pour « {name} » : valeurs permises : {allowed}"
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"date impossible ou mal écrite « {value} » pour « {name} » (attendu AAAA-MM-JJ)"
    if kind == "string_pattern_mismatch":
        return f"« {value} » n'est pas un identifiant valide pour « {name} » (minuscules, chiffres et tirets, 80 caractères au plus)"
    if kind == "string_too_long":
        return f"« {name} » dépasse {ctx.get('max_length')} caractères ({len(str(value))})"
    if kind == "string_too_short":
        return f"« {name} » ne doit pas être vide"
    if kind == "too_short":
        return f"« {name} » doit contenir au moins {ctx.get('min_length')} élément"
    if kind == "string_type":
        return f"« {name} » doit être un texte (mettez la valeur entre guillemets)"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"« {name} » doit être un nombre entier"
    if kind in ("bool_type", "bool_parsing"):
        return f"« {name} » doit valoir true ou false"
    if kind == "list_type":
        return f"« {name} » doit être une liste"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"« {name} » doit être un objet (clé: valeur)"
    if kind == "greater_than_equal":
        return f"« {name} » doit être supérieur ou égal à {ctx.get('ge')}"
    if kind == "value_error":
        return str(ctx.get("error") or err["msg"]).removeprefix("Value error, ")
    return f"« {name} » : {err['msg']}"


def validate(model: type[Strict], data: Any, path: str, lines: dict[Loc, int], prefix: Loc = ()) -> tuple[Any, list[Problem]]:
    """Validate data against a file model; every error becomes a Problem at its line."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        found: dict[tuple[int, str], Problem] = {}
        # Union branches add type names ("int", "str") to locations: keep only real keys and indices.
        known = {part for key in lines for part in key} | _FIELD_NAMES
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if isinstance(p, int) or p in known)
            line = locate(lines, prefix + loc)
            message = _message(err, model, loc)
            found.setdefault((line, message), Problem(path, line, "error", message))
        return None, list(found.values())


_FIELD_NAMES = {name for model in (*FILE_MODELS.values(), *LIST_MODELS.values(), SourceRef, StatusChange) for name in model.model_fields}


def load_record(kind: str, path: str | Path) -> tuple[Record | None, list[Problem]]:
    """Read and validate one record file; the file stem is its id."""
    path = Path(path)
    spath = str(path)
    data, lines, problems = read_yaml(path)
    if data is None and problems:
        return None, problems
    if not isinstance(data, dict):
        what = "une liste" if isinstance(data, list) else "une valeur seule"
        return None, [
            *problems,
            Problem(spath, 1, "error", f"le fichier doit contenir un objet (clé: valeur), pas {what}"),
        ]
    if "id" in data:
        if str(data["id"]) != path.stem:
            problems.append(
                Problem(
                    spath,
                    lines.get(("id",), 1),
                    "error",
                    f"l'id « {data['id']} » diffère du nom du fichier « {path.stem} »",
                )
            )
        data = {k: v for k, v in data.items() if k != "id"}
    if not ID_RE.match(path.stem):
        problems.append(
            Problem(
                spath,
                1,
                "error",
                f"nom de fichier « {path.stem} » invalide : l'id s'écrit en minuscules, chiffres et tirets (80 caractères au plus)",
            )
        )
    draft = is_draft(kind, data)
    # A draft may leave required fields out: each is a warning, not an error (kb.drafts).
    model, errs = validate(relaxed(FILE_MODELS[kind]) if draft else FILE_MODELS[kind], data, spath, lines)
    problems += errs
    if model is None:
        return None, problems
    if draft:
        problems += draft_warnings(FILE_MODELS[kind], data, spath, locate(lines, ()))
    return Record(kind, path.stem, spath, model, lines), problems


def load_list(kind: str, path: Path) -> tuple[list[Record], list[Problem]]:
    """Read sectors.yaml or regions.yaml: a list of small records."""
    model = LIST_MODELS[kind]
    spath = str(path)
    if not path.exists():
        return [], [Problem(spath, 1, "error", "fichier manquant")]
    data, lines, problems = read_yaml(path)
    if data is None:
        return [], problems
    if not isinstance(data, list):
        return [], [*problems, Problem(spath, 1, "error", "le fichier doit contenir une liste d'éléments « - id: … »")]
    records: list[Record] = []
    for i, item in enumerate(data):
        obj, errs = validate(model, item, spath, lines, (i,))
        problems += errs
        if obj is not None:
            records.append(Record(kind, obj.id, spath, obj, lines, (i,)))
    return records, problems


def load_synonyms(path: Path) -> tuple[list[list[str]], list[Problem]]:
    """Read synonyms.yaml: a list of groups of equivalent terms."""
    spath = str(path)
    if not path.exists():
        return [], []
    data, lines, problems = read_yaml(path)
    if data is None:
        return [], problems
    if not isinstance(data, list):
        return [], [*problems, Problem(spath, 1, "error", "le fichier doit contenir une liste de groupes de synonymes")]
    groups: list[list[str]] = []
    for i, group in enumerate(data):
        if not isinstance(group, list) or len(group) < 2 or not all(isinstance(t, str) and t.strip() for t in group):
            problems.append(
                Problem(
                    spath,
                    lines.get((i,), 1),
                    "error",
                    "un groupe de synonymes est une liste d'au moins deux termes non vides",
                )
            )
            continue
        groups.append([t.strip() for t in group])
    return groups, problems


Loaded = tuple[Record | None, list[Problem]]


def load_each(files: list[tuple[str, str | Path]]) -> list[Loaded]:
    """Load record files one after the other (kb.incremental adds a cache and a process pool)."""
    return [load_record(kind, path) for kind, path in files]


def load_all(data_dir: Path, load_many: Callable[[list[tuple[str, str | Path]]], list[Loaded]] = load_each) -> Corpus:
    """Load every record of a content folder, collecting all problems."""
    corpus = Corpus(Path(data_dir))
    if not Path(data_dir).is_dir():
        corpus.problems.append(Problem(str(data_dir), 1, "error", "dossier de contenu introuvable"))
        return corpus
    files: list[tuple[str, str | Path]] = []
    for kind in FILE_MODELS:
        folder = Path(data_dir) / FOLDERS[kind]
        names = sorted(os.listdir(folder)) if folder.is_dir() else []
        for stray in (folder / n for n in names if not n.startswith(".") and not n.endswith(".yaml")):
            if stray.is_file():
                corpus.problems.append(Problem(str(stray), 1, "warning", "fichier ignoré : seuls les fichiers .yaml sont lus"))
        # Paths as text (load_record makes the Path): 10,000 Path objects cost more than checking the unchanged files.
        base = os.path.join(str(folder), "")
        files += [(kind, base + name) for name in names if name.endswith(".yaml")]
    for (kind, _path), (record, problems) in zip(files, load_many(files), strict=True):
        corpus.files += 1
        corpus.problems += problems
        if record is not None:
            corpus.records.setdefault(kind, []).append(record)
    for kind, name in LIST_FILES.items():
        corpus.files += 1
        records, problems = load_list(kind, Path(data_dir) / name)
        corpus.records[kind] = records
        corpus.problems += problems
    synonyms_path = Path(data_dir) / "synonyms.yaml"
    if synonyms_path.exists():
        corpus.files += 1
    corpus.synonyms, problems = load_synonyms(synonyms_path)
    corpus.problems += problems
    return corpus
