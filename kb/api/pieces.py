"""Each record's pieces of the export files: its kb.json entry and its CSV line, rendered from one shape.

The files a build writes are these pieces laid end to end (kb.api.built), so that the next build renders only the
records a change can alter. The pieces are byte for byte what kb.api.export renders per request (tested).
"""

from __future__ import annotations

import csv
import hashlib
import io
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from kb.api.export import COLUMNS_OF, CSV_FILES, JSON_FILE, cells, table_csv
from kb.content import kinds
from kb.pages import Context, records

# Bumped when the layout of the pieces' index changes (kb.api.built).
FORMAT = 1
# What the rendering rests on besides kb's own code: a new version may render the same shape differently.
LIBRARIES = ("pydantic", "pydantic-core", "markdown-it-py", "mdit-py-plugins", "SQLAlchemy", "sqlmodel")


def key(kind: str, record_id: str) -> str:
    """A piece's key: ids are unique within a kind only."""
    return f"{kind}/{record_id}"


@dataclass
class Pieces:
    """Rendered pieces by key: kb.json entries, and CSV lines of the kinds that have a CSV file."""

    json: dict[str, bytes] = field(default_factory=dict)
    csv: dict[str, bytes] = field(default_factory=dict)


def render(ctx: Context, todo: dict[str, list[str]]) -> Pieces:
    """The pieces of some records of each kind (``todo``: kind → ids), each record shaped once for both files."""
    out = Pieces()
    for kind, ids in todo.items():
        if not ids:
            continue
        shapes = records.many(ctx, kind, ids)
        for shape in shapes:
            # The list item's serializer is the shape's own: the same bytes as inside KbExport's list.
            out.json[key(kind, shape.id)] = type(shape).__pydantic_serializer__.to_json(shape)
        if kind in COLUMNS_OF:
            out.csv.update(_csv_lines(kind, shapes))
    return out


def _csv_lines(kind: str, shapes: list[object]) -> dict[str, bytes]:
    """Each record's CSV line, written by one writer (the csv module's CRLF line ends, kept)."""
    columns = COLUMNS_OF[kind]
    buf = io.StringIO()
    writer = csv.writer(buf)
    lines: dict[str, bytes] = {}
    for shape in shapes:
        start = buf.tell()
        writer.writerow(cells(columns, shape))
        buf.seek(start)
        lines[key(kind, shape.id)] = buf.read().encode("utf-8")  # type: ignore[attr-defined]
    return lines


def csv_head(name: str) -> bytes:
    """A CSV file's first bytes: the BOM and its header line."""
    return table_csv(CSV_FILES[name][1], []).encode("utf-8")


def json_frame(kind_index: int, collection: str) -> bytes:
    """What opens a kind's list in kb.json (after the previous kind's list, if any)."""
    return (b"{" if kind_index == 0 else b"],") + f'"{collection}":['.encode()


JSON_END = b"]}\n"
SEPARATOR = b","


def files_of() -> dict[str, list[str]]:
    """Each export file and the kinds it lists, in order."""
    out = {JSON_FILE: [str(k) for k in kinds.every()]}
    out.update({name: [kind] for name, (kind, _columns) in CSV_FILES.items()})
    return out


def version() -> str:
    """What the pieces were rendered by: kb's code, the libraries that render, Python, the pieces' layout.

    Pieces of another version are never reused: the next build renders everything (any change to kb's code costs
    one full render of the exports, never a stale piece).
    """
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{FORMAT} {sys.version_info[:2]}".encode())
    for lib in LIBRARIES:
        digest.update(f"{lib}={_installed(lib)};".encode())
    root = Path(__file__).resolve().parents[1]  # the kb package
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _installed(lib: str) -> str:
    try:
        return metadata.version(lib)
    except metadata.PackageNotFoundError:
        return ""
