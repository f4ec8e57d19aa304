"""YAML files read with the line of every key and item, and every problem as a Problem (never an exception).

Hostile files cost a message, not the machine: the file is opened safely and within a size limit (kb.content.files),
anchors, aliases and tags are refused before anything is composed or expanded, and every value is bounded (text
length, digits of a number) before anything is constructed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from kb.content.files import MAX_FILE_BYTES, read_bounded
from kb.content.problems import Problem
from kb.content.yamlerrors import locate_error

Loc = tuple[Any, ...]

# Bounds on single values: a body of 100,000 characters is some forty pages; no field needs a number of 19 digits.
MAX_TEXT_CHARS = 100_000
MAX_INT_DIGITS = 18
# Anchors, aliases and tags can only start after a space, a line start or a flow indicator: only then is a file
# scanned for them (a URL's « &b= » or a Markdown « **gras** » in a body merely triggers a scan that finds nothing).
_NODE_PROPERTY_START = re.compile(r"[&*!](?=[^\s\[\]{},])")
_BEFORE_NODE_PROPERTY = frozenset(" \t\r\n[]{},:?-")
_NODE_PROPERTY_TOKENS = {
    yaml.AnchorToken: "ancre « &{} » interdite : une fiche écrit chaque valeur en entier",
    yaml.AliasToken: "alias « *{} » interdit : recopiez la valeur (ancres et alias ne sont pas permis)",
    yaml.TagToken: "étiquette « {} » interdite : écrivez la valeur simplement, entre guillemets si besoin",
}
_MAX_REPORTED = 10
_INT_TAG = "tag:yaml.org,2002:int"


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings so the models can report impossible ones."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_CBase: Any = getattr(yaml, "CSafeLoader", None)
if _CBase is not None:

    class _CLoader(_CBase):  # type: ignore[misc,valid-type]
        """libyaml's parser with the same resolvers: about 10× faster; problems are still reported by the Python parser."""

    _CLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


def locate(lines: dict[Loc, int], loc: Loc) -> int:
    """Line of the longest prefix of ``loc`` present in ``lines``."""
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return 1


def _tag_text(value: Any) -> str:
    handle, suffix = value if isinstance(value, tuple) else ("", value)
    return f"{handle or ''}{suffix or ''}"


def node_properties(text: str, path: str) -> list[Problem]:
    """Anchors, aliases and tags, each at its line, found by the scanner alone: nothing is composed or expanded."""
    if not any(m.start() == 0 or text[m.start() - 1] in _BEFORE_NODE_PROPERTY for m in _NODE_PROPERTY_START.finditer(text)):
        return []
    loader = (_CLoader if _CBase is not None else _Loader)(text)
    found: list[Problem] = []
    try:
        while loader.check_token():
            token = loader.get_token()
            message = _NODE_PROPERTY_TOKENS.get(type(token))
            if message is not None:
                found.append(Problem(path, token.start_mark.line + 1, "error", message.format(_tag_text(token.value))))
    except yaml.YAMLError:
        pass  # a syntax error: the parser reports it, with its line
    finally:
        loader.dispose()
    if len(found) > _MAX_REPORTED:
        more = len(found) - _MAX_REPORTED
        found = [*found[:_MAX_REPORTED], Problem(path, found[_MAX_REPORTED].line, "error", f"et {more} autres ancres, alias ou étiquettes")]
    return found


class _Walk:
    """One pass over the composed nodes: the line of every key and item, duplicate keys, values out of bounds."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lines: dict[Loc, int] = {}
        self.problems: list[Problem] = []
        self.fatal = False  # a value that must not be constructed (too long, too many digits, shared node)
        self.seen: set[int] = set()

    def error(self, line: int, message: str, fatal: bool = False) -> None:
        self.problems.append(Problem(self.path, line, "error", message))
        self.fatal |= fatal

    def node(self, node: yaml.Node, loc: Loc) -> None:
        self.lines.setdefault(loc, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            self.scalar(node)
            return
        if id(node) in self.seen:
            # An alias the scanner did not see: stop here rather than walk the same nodes again and again.
            self.error(node.start_mark.line + 1, "alias interdit : recopiez la valeur (ancres et alias ne sont pas permis)", fatal=True)
            return
        self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: dict[Any, int] = {}
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else repr(key_node)
                line = key_node.start_mark.line + 1
                if key in keys:
                    self.error(line, f"clé « {key} » en double (déjà à la ligne {keys[key]})")
                    continue
                keys[key] = line
                if isinstance(key_node, yaml.ScalarNode) and len(key) > MAX_TEXT_CHARS:
                    self.scalar(key_node)
                self.lines[(*loc, key)] = line
                if isinstance(value_node, yaml.ScalarNode):  # most values: inlined, this runs for every value of every build
                    self.lines.setdefault((*loc, key), line)
                    if len(value_node.value) > MAX_INT_DIGITS:
                        self.scalar(value_node)
                else:
                    self.node(value_node, (*loc, key))
                    # A scalar value on its own line (block scalar) keeps the key's line: more useful.
                    self.lines[(*loc, key)] = line
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self.node(item, (*loc, i))

    def scalar(self, node: yaml.ScalarNode) -> None:
        value, line = node.value, node.start_mark.line + 1
        if len(value) > MAX_TEXT_CHARS:
            self.error(line, f"texte de {len(value)} caractères : {MAX_TEXT_CHARS} au plus", fatal=True)
        elif node.tag == _INT_TAG and len(value) > MAX_INT_DIGITS and sum(c.isdigit() for c in value) > MAX_INT_DIGITS:
            digits = sum(c.isdigit() for c in value)
            hint = "mettez-le entre guillemets si c'est un texte"
            self.error(line, f"nombre de {digits} chiffres : {MAX_INT_DIGITS} au plus ({hint})", fatal=True)


def _compose(loader: Any, path: str) -> tuple[Any, dict[Loc, int], list[Problem]] | None:
    """Compose, walk, then construct only what passed the walk; None for an empty document."""
    node = loader.get_single_node()
    if node is None:
        return None
    walk = _Walk(path)
    walk.node(node, ())
    if walk.fatal:
        return None, {}, walk.problems
    return loader.construct_document(node), walk.lines, walk.problems


def _read_fast(text: str, spath: str) -> tuple[Any, dict[Loc, int], list[Problem]] | None:
    """Parse with libyaml; None on any trouble, so the Python parser gives the exact message and line."""
    if _CBase is None:
        return None
    loader = _CLoader(text)
    try:
        return _compose(loader, spath)
    except (yaml.YAMLError, RecursionError, ValueError):
        return None
    finally:
        loader.dispose()


def read_yaml(path: Path, max_bytes: int = MAX_FILE_BYTES) -> tuple[Any, dict[Loc, int], list[Problem]]:
    """Parse one YAML file; return its data, key lines and problems (never raises on content)."""
    text, problems = read_text(path, max_bytes)
    if text is None:
        return None, {}, problems
    return parse_yaml(text, str(path))


def read_text(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> tuple[str | None, list[Problem]]:
    """The text of a content file (bounded, UTF-8, without its byte order mark), or None and why not."""
    spath = str(path)
    raw, refused = read_bounded(path, max_bytes)
    if raw is None:
        return None, [Problem(spath, 1, "error", refused or "lecture impossible")]
    try:
        return raw.decode("utf-8").removeprefix("\ufeff"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(spath, line, "error", "le fichier n'est pas en UTF-8 (réenregistrez-le en UTF-8)")]


def parse_yaml(text: str, spath: str) -> tuple[Any, dict[Loc, int], list[Problem]]:
    """Parse the text of one YAML file; return its data, key lines and problems (never raises on content)."""
    tabs = [
        Problem(spath, n, "error", "tabulation dans l'indentation : indentez avec des espaces")
        for n, row in enumerate(text.splitlines(), 1)
        if "\t" in row[: len(row) - len(row.lstrip(" \t"))]
    ]
    if tabs:
        return None, {}, tabs
    if not text.strip() or all(r.strip().startswith("#") or not r.strip() for r in text.splitlines()):
        return None, {}, [Problem(spath, 1, "error", "fichier vide")]
    refused_nodes = node_properties(text, spath)
    if refused_nodes:
        return None, {}, refused_nodes
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
        composed = _compose(loader, spath)
        if composed is None:
            return None, {}, [Problem(spath, 1, "error", "fichier vide")]
        return composed
    except yaml.MarkedYAMLError as exc:
        line, message = locate_error(exc, text)
        return None, {}, [Problem(spath, line, "error", f"syntaxe YAML invalide : {message}")]
    except yaml.YAMLError as exc:
        return None, {}, [Problem(spath, 1, "error", f"syntaxe YAML invalide : {exc}")]
    except RecursionError:
        return None, {}, [Problem(spath, 1, "error", "syntaxe YAML invalide : imbrication trop profonde")]
    except ValueError as exc:
        # The constructor's own limits (Python's conversion of very long integers, say), past the bounds above.
        return None, {}, [Problem(spath, 1, "error", f"valeur impossible à lire : {exc}")]
    finally:
        loader.dispose()
