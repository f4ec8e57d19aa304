"""Problems found in content: collected, never raised."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one file, at one line, as a compiler would report it."""

    path: str
    line: int  # 0: the whole file or folder (no line is named)
    level: str  # "error" blocks a build; "warning" only with --strict; "note" explains another problem, never blocks
    message: str

    def format(self, relative_to: Path | None = None) -> str:
        """Render as ``path:line: level: message`` with a path relative to the cwd (``path: level: message`` for line 0)."""
        where = f"{display_path(self.path, relative_to)}:{self.line}" if self.line else display_path(self.path, relative_to)
        return f"{where}: {self.level}: {self.message}"


def display_path(path: str, relative_to: Path | None = None) -> str:
    """Path relative to ``relative_to`` (the cwd by default) when it lies below it; a link is shown as itself, never as
    its target (its folders are resolved, not its last component)."""
    base = Path(relative_to or Path.cwd()).resolve()
    given = Path(path)
    absolute = given.parent.resolve() / given.name if given.name else given.resolve()
    try:
        return str(absolute.relative_to(base))
    except ValueError:
        return os.path.relpath(absolute, base) if absolute.anchor == base.anchor else str(absolute)


def errors(problems: list[Problem]) -> list[Problem]:
    """Only the problems that block a build."""
    return [p for p in problems if p.level == "error"]


def blocking(problems: list[Problem], strict: bool = False) -> list[Problem]:
    """The problems that fail a check: errors, and warnings too when ``strict`` (notes never)."""
    return [p for p in problems if p.level == "error" or (strict and p.level == "warning")]


def summary(problems: list[Problem], files: int) -> str:
    """One-line French summary: counts of errors and warnings (notes only explain them)."""
    n_err = len(errors(problems))
    n_warn = sum(p.level == "warning" for p in problems)
    if not n_err and not n_warn:
        return f"{files} fichier{'s' if files > 1 else ''} vérifié{'s' if files > 1 else ''} : aucun problème."
    return (
        f"{files} fichier{'s' if files > 1 else ''} vérifié{'s' if files > 1 else ''} : "
        f"{n_err} erreur{'s' if n_err > 1 else ''}, {n_warn} avertissement{'s' if n_warn > 1 else ''}."
    )
