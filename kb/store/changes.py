"""What an incremental build changed since the build it starts from: what the exports need to re-render only that."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Changes:
    """The previous build's exports folder, the ids whose rows the build rewrites, and the rows those records had
    before (what they linked to: a record that no longer links somewhere still changes that record's export)."""

    previous: Path
    ids: frozenset[str]
    old_rows: tuple[Any, ...] = ()
