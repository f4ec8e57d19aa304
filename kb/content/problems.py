"""Problems found in content: collected, never raised."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one file, at one line, as a compiler would report it."""

    path: str
    line: int
    level: str  # "error" or "warning"
    message: str

    def format(self, relative_to: Path | None = None) -> str:
        """Render as ``path:line: level: message`` with a path relative to the cwd."""
        return f"{display_path(self.path, relative_to)}:{self.line}: {self.level}: {self.message}"


def display_path(path: str, relative_to: Path | None = None) -> str:
    """Path relative to ``relative_to`` (the cwd by default) when it lies below it."""
    base = Path(relative_to or Path.cwd()).resolve()
    absolute = Path(path).resolve()
    try:
        return str(absolute.relative_to(base))
    except ValueError:
        return os.path.relpath(absolute, base) if absolute.anchor == base.anchor else str(absolute)


def errors(problems: list[Problem]) -> list[Problem]:
    """Only the problems that block a build."""
    return [p for p in problems if p.level == "error"]


def summary(problems: list[Problem], files: int) -> str:
    """One-line French summary: counts of errors and warnings."""
    n_err = len(errors(problems))
    n_warn = len(problems) - n_err
    if not problems:
        return f"{files} fichier{'s' if files > 1 else ''} vérifié{'s' if files > 1 else ''} : aucun problème."
    return (
        f"{files} fichier{'s' if files > 1 else ''} vérifié{'s' if files > 1 else ''} : "
        f"{n_err} erreur{'s' if n_err > 1 else ''}, {n_warn} avertissement{'s' if n_warn > 1 else ''}."
    )
