"""YAML files read with the line of every key and item, and every problem as a Problem (never an exception)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kb.content.problems import Problem

Loc = tuple[Any, ...]

class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings so the models can report impossible ones."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_YAML_MESSAGES = {
    "mapping values are not allowed here": "deux-points inattendu : indentation incorrecte ou texte à mettre entre guillemets",
    "could not find expected ':'": "« : » attendu après une clé",
    "did not find expected key": "clé attendue : indentation incorrecte",
    "did not find expected '-' indicator": "élément de liste « - » attendu : indentation incorrecte",
    "found character '\\t' that cannot start any token": "tabulation interdite : indentez avec des espaces",
    "found unexpected end of stream": "fin de fichier inattendue (guillemet non fermé ?)",
    "expected a single document in the stream": "un seul enregistrement par fichier (« --- » en trop)",
}

_UNCLOSED = {
    "while parsing a flow sequence": "crochet « [ » non fermé",
    "while parsing a flow mapping": "accolade « { » non fermée",
    "while scanning a quoted scalar": "guillemet non fermé",
}


def locate(lines: dict[Loc, int], loc: Loc) -> int:
    """Line of the longest prefix of ``loc`` present in ``lines``."""
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return 1


def _node_lines(node: yaml.Node, loc: Loc, lines: dict[Loc, int], problems: list[Problem], path: str) -> None:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else repr(key_node)
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(Problem(path, line, "error", f"clé « {key} » en double (déjà à la ligne {seen[key]})"))
                continue
            seen[key] = line
            lines[(*loc, key)] = line
            _node_lines(value_node, (*loc, key), lines, problems, path)
            # A scalar value on its own line (block scalar) keeps the key's line: more useful.
            lines[(*loc, key)] = line
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _node_lines(item, (*loc, i), lines, problems, path)


_CBase: Any = getattr(yaml, "CSafeLoader", None)
if _CBase is not None:

    class _CLoader(_CBase):  # type: ignore[misc,valid-type]
        """libyaml's parser with the same resolvers: about 10× faster; problems are still reported by the Python parser."""

    _CLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


def _read_fast(text: str, spath: str) -> tuple[Any, dict[Loc, int], list[Problem]] | None:
    """Parse with libyaml; None on any trouble, so the Python parser gives the exact message and line."""
    if _CBase is None:
        return None
    loader = _CLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        problems: list[Problem] = []
        lines: dict[Loc, int] = {}
        _node_lines(node, (), lines, problems, spath)
        return loader.construct_document(node), lines, problems
    except (yaml.YAMLError, RecursionError, ValueError):
        return None
    finally:
        loader.dispose()


def read_yaml(path: Path) -> tuple[Any, dict[Loc, int], list[Problem]]:
    """Parse one YAML file; return its data, key lines and problems (never raises on content)."""
    spath = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, {}, [Problem(spath, 1, "error", f"lecture impossible : {exc.strerror}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, {}, [Problem(spath, line, "error", "le fichier n'est pas en UTF-8 (réenregistrez-le en UTF-8)")]
    text = text.removeprefix("\ufeff")
    tabs = [
        Problem(spath, n, "error", "tabulation dans l'indentation : indentez avec des espaces")
        for n, row in enumerate(text.splitlines(), 1)
        if "\t" in row[: len(row) - len(row.lstrip(" \t"))]
    ]
    if tabs:
        return None, {}, tabs
    if not text.strip() or all(r.strip().startswith("#") or not r.strip() for r in text.splitlines()):
        return None, {}, [Problem(spath, 1, "error", "fichier vide")]
    fast = _read_fast(text, spath)
    if fast is not None:
        return fast
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        # PyYAML refuses control characters (NUL…) before parsing anything: point at the line holding one.
        line = text[: exc.position].count("\n") + 1
        return None, {}, [Problem(spath, line, "error", f"caractère de contrôle interdit (U+{exc.character:04X}) : supprimez-le")]
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}, [Problem(spath, 1, "error", "fichier vide")]
        problems: list[Problem] = []
        lines: dict[Loc, int] = {}
        _node_lines(node, (), lines, problems, spath)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = str(exc.problem or exc.context or "")
        message = _YAML_MESSAGES.get(detail, detail)
        opened = _UNCLOSED.get(str(exc.context or ""))
        if opened and exc.context_mark is not None:
            # The parser notices later; the editor needs the line where the bracket or quote opened.
            mark, message = exc.context_mark, opened
        line = mark.line + 1 if mark else 1
        return None, {}, [Problem(spath, line, "error", f"syntaxe YAML invalide : {message}")]
    except yaml.YAMLError as exc:
        return None, {}, [Problem(spath, 1, "error", f"syntaxe YAML invalide : {exc}")]
    except RecursionError:
        return None, {}, [Problem(spath, 1, "error", "syntaxe YAML invalide : imbrication trop profonde")]
    finally:
        loader.dispose()
    return data, lines, problems
