"""Read content files: YAML with line positions, validated against the file models."""

from __future__ import annotations

import marshal
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.content import kinds
from kb.content.addresses import source_warnings
from kb.content.drafts import draft_warnings, is_draft, relaxed, without_blanks
from kb.content.fields import ID_RE
from kb.content.files import MAX_FILE_BYTES, Files, record_files, side_file
from kb.content.placeholders import may_hold_placeholders, placeholders
from kb.content.problems import Problem, errors
from kb.content.salvage import salvage
from kb.content.validation import field_name, validate
from kb.content.yamlfile import Loc, locate, parse_yaml, read_text, read_yaml


@dataclass
class Record:
    """One validated record with where each of its keys stands in its file."""

    kind: str
    id: str
    path: str
    model: Any
    lines: dict[Loc, int]
    prefix: Loc = ()
    # A record with errors, of which ``model`` is what could be read (kb.content.salvage): its references and addresses
    # are checked in the same run, but nothing refers to it and nothing builds it.
    partial: bool = False

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
    # Records that exist but have errors, by kind: id -> path. A reference to one is not « introuvable » (kb.content.checks).
    failed: dict[str, dict[str, str]] = field(default_factory=dict)
    # What could be read of those records, by kind (Record.partial): checked, never referred to nor built.
    partial: dict[str, list[Record]] = field(default_factory=dict)
    # Kinds whose folder or list file could not be read at all: no reference to them can be judged.
    unread: set[str] = field(default_factory=set)
    max_bytes: int = MAX_FILE_BYTES  # the size limit the folder was read with (the side files are read with it too)

    def of(self, kind: str) -> list[Record]:
        """Records of one kind."""
        return self.records.get(kind, [])

    def checked(self, kind: str) -> list[Record]:
        """Records of one kind whose own references are checked: the valid ones, and what could be read of the others."""
        return self.records.get(kind, []) + self.partial.get(kind, [])

    def fail(self, kind: str, record_id: str, path: str) -> None:
        """Remember that a record of this id exists but could not be validated."""
        self.failed.setdefault(kind, {}).setdefault(record_id, path)


def load_record(kind: str, path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> tuple[Record | None, list[Problem]]:
    """Read and validate one record file; the file stem is its id."""
    path = Path(path)
    spath = str(path)
    text, problems = read_text(path, max_bytes)
    if text is None:
        return None, problems
    data, lines, problems = parse_yaml(text, spath)
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
    # Text left from `kb new`: an error, except in a draft, where it is still being written (a to-do, like a missing field).
    for loc, value in placeholders(data) if may_hold_placeholders(text) else ():
        level, where = ("warning", "brouillon : ") if draft else ("error", "")
        message = f"{where}« {field_name(loc)} » est encore le texte du modèle (« {value} ») : remplacez-le"
        problems.append(Problem(spath, locate(lines, loc), level, message, todo=draft))
    # A draft may leave required fields out, or empty: each is a to-do, not an error (kb.content.drafts).
    model_of = kinds.kind(kind).model
    if draft:
        data = without_blanks(data)
    model, errs = validate(relaxed(model_of) if draft else model_of, data, spath, lines, draft=draft)
    problems += errs
    partial, record_lines = False, lines
    if model is None:
        # Read what can be: its references and addresses are checked in this same run (a draft whose only faults are
        # values still to write is that, its record).
        salvaged = salvage(model_of, data, lines)
        if salvaged is None:
            return None, problems
        (model, record_lines), partial = salvaged, bool(errors(errs))
    if draft:
        problems += draft_warnings(model_of, data, spath, locate(lines, ()))
    # Per file, so that the build cache keeps them with the record: only the references need the whole corpus.
    problems += [Problem(spath, locate(record_lines, loc), "warning", message) for loc, message in source_warnings(kind, model)]
    return Record(kind, path.stem, spath, model, record_lines, partial=partial), problems


def load_list(kind: str, path: Path, max_bytes: int = MAX_FILE_BYTES) -> tuple[list[Record], list[Problem], dict[str, str]]:
    """Read the list file of a kind (sectors.yaml, regions.yaml): its records; also the ids of entries that have errors."""
    model = kinds.kind(kind).model
    spath = str(path)
    if not path.exists() and not path.is_symlink():
        return [], [Problem(spath, 0, "error", "fichier manquant")], {}
    data, lines, problems = read_yaml(path, max_bytes)
    if data is None:
        return [], problems, {}
    if not isinstance(data, list):
        return [], [*problems, Problem(spath, 1, "error", "le fichier doit contenir une liste d'éléments « - id: … »")], {}
    records: list[Record] = []
    failed: dict[str, str] = {}
    for i, item in enumerate(data):
        obj, errs = validate(model, item, spath, lines, (i,))
        problems += errs
        if obj is not None:
            records.append(Record(kind, obj.id, spath, obj, lines, (i,)))
            problems += [Problem(spath, locate(lines, (i, *loc)), "warning", message) for loc, message in source_warnings(kind, obj)]
        elif isinstance(item, dict) and isinstance(item.get("id"), str) and ID_RE.match(item["id"]):
            failed[item["id"]] = spath
    return records, problems, failed


def load_synonyms(path: Path, max_bytes: int = MAX_FILE_BYTES) -> tuple[list[list[str]], list[Problem]]:
    """Read synonyms.yaml: a list of groups of equivalent terms."""
    spath = str(path)
    if not path.exists() and not path.is_symlink():
        return [], []
    data, lines, problems = read_yaml(path, max_bytes)
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


def load_each(files: Files, max_bytes: int = MAX_FILE_BYTES) -> list[Loaded]:
    """Load record files one after the other (kb.builder.cache adds a cache and a process pool)."""
    return [load_record(kind, path, max_bytes) for kind, path in files]


def load_all(data_dir: Path, load_many: Callable[..., list[Loaded]] = load_each, max_bytes: int = MAX_FILE_BYTES) -> Corpus:
    """Load every record of a content folder, collecting all problems."""
    corpus = Corpus(Path(data_dir), max_bytes=max_bytes)
    if not Path(data_dir).is_dir():
        message = "dossier de contenu introuvable (indiquez-le avec --data ou KB_DATA_DIR)"
        corpus.problems.append(Problem(str(data_dir), 0, "error", message))
        return corpus
    files, corpus.problems = record_files(data_dir, corpus.unread)
    for (kind, path), (record, problems) in zip(files, load_many(files, max_bytes), strict=True):
        corpus.files += 1
        corpus.problems += problems
        if record is not None and not record.partial:
            corpus.records.setdefault(kind, []).append(record)
        else:
            if record is not None:
                corpus.partial.setdefault(kind, []).append(record)
            stem = os.path.basename(str(path))[: -len(".yaml")]
            if ID_RE.match(stem):
                corpus.fail(kind, stem, str(path))
    for kind in kinds.with_list_file():
        corpus.files += 1
        path, refused = side_file(data_dir, str(kind.list_file))
        if refused is not None:
            corpus.problems.append(refused)
            corpus.unread.add(kind)
            continue
        records, problems, failed = load_list(kind, path, max_bytes)
        corpus.records[kind] = records
        corpus.problems += problems
        if not records and not failed and errors(problems):  # unreadable as a whole (syntax, not a list…)
            corpus.unread.add(kind)
        for record_id in failed:
            corpus.fail(kind, record_id, str(path))
    synonyms_path, refused = side_file(data_dir, "synonyms.yaml")
    if synonyms_path.exists() or refused is not None:
        corpus.files += 1
    if refused is not None:
        corpus.problems.append(refused)
    else:
        corpus.synonyms, problems = load_synonyms(synonyms_path, max_bytes)
        corpus.problems += problems
    return corpus
