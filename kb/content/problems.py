"""Problems found in content: collected, never raised."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one file, at one line, as a compiler would report it."""

    path: str
    line: int  # 0: the whole file or folder (no line is named)
    level: str  # "error" blocks a build; "warning" only with --strict; "note" explains another problem, never blocks
    message: str
    # A draft's to-do (a field still to fill in, template text left): a warning that never blocks, --strict included,
    # since drafts may be committed (they are never public). Not part of the problem's identity.
    todo: bool = field(default=False, compare=False)

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


def did_you_mean(wrong: str, known: Iterable[str], n: int = 3) -> str:
    """« (vouliez-vous dire « a », « b » ou « c » ?) »: up to ``n`` known names close to a wrong one (as close as the
    closest, nearly), else ""."""
    close = difflib.get_close_matches(wrong, list(known), n=n, cutoff=0.6)
    ratios = [difflib.SequenceMatcher(None, wrong, c).ratio() for c in close]
    named = [f"« {c} »" for c, ratio in zip(close, ratios, strict=True) if ratio >= ratios[0] - 0.08]
    return f" (vouliez-vous dire {', '.join(named[:-1]) + ' ou ' if len(named) > 1 else ''}{named[-1]} ?)" if named else ""


def errors(problems: list[Problem]) -> list[Problem]:
    """Only the problems that block a build."""
    return [p for p in problems if p.level == "error"]


def blocking(problems: list[Problem], strict: bool = False) -> list[Problem]:
    """The problems that fail a check: errors, and warnings too when ``strict`` (but a draft's to-do; notes never)."""
    return [p for p in problems if p.level == "error" or (strict and p.level == "warning" and not p.todo)]


def _n(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


def summary(problems: list[Problem], files: int, strict: bool = False) -> str:
    """The French summary: counts of errors and warnings (notes only explain them), and why the check fails."""
    n_err = len(errors(problems))
    warnings = [p for p in problems if p.level == "warning"]
    checked = f"{_n(files, 'fichier')} vérifié{'s' if files > 1 else ''} : "
    if not n_err and not warnings:
        return checked + "aucun problème."
    todo = sum(p.todo for p in warnings)
    drafts = f" (dont {todo} « à compléter » de brouillon{'s, qui ne bloquent' if todo > 1 else ', qui ne bloque'} pas)" if todo else ""
    out = f"{checked}{_n(n_err, 'erreur')}, {_n(len(warnings), 'avertissement')}{drafts}."
    fatal = len(warnings) - todo
    if strict and fatal:
        these = "les avertissements ci-dessus font" if fatal > 1 else "l'avertissement ci-dessus fait"
        out += f"\nÉchec avec --strict : {these} échouer la vérification{' (les erreurs aussi)' if n_err else ''}."
    return out
