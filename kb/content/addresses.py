"""Sources that can be checked: the rules kb check applies to addresses, pages and quotes (never over the network), and
the mechanical fixes `kb check --fix-urls` writes back into the files, keeping their comments and layout."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from kb.content.fields import QUOTE_MAX
from kb.content.files import MAX_FILE_BYTES, read_bounded, record_files
from kb.content.kinds import DOCUMENT
from kb.content.placeholders import is_placeholder
from kb.content.yamlfile import node_properties

DEFAULT_PORTS = {"http": 80, "https": 443}
_NUMBER = r"(?:\d+|[ivxlcdm]+)"  # roman numerals number prefaces
_RANGE = rf"{_NUMBER}(?:\s*[-–]\s*{_NUMBER})?"
PAGE_RE = re.compile(rf"^(?:pp?\.?\s*)?{_RANGE}(?:\s*,\s*{_RANGE})*$", re.I)
FIX_HINT = "kb check --fix-urls"


def is_url(value: str) -> bool:
    """True for an http(s) address with a host."""
    # Fast path for the plain ASCII address almost every source has; anything unusual goes through urlsplit.
    start = 8 if value.startswith("https://") else 7 if value.startswith("http://") else 0
    if start and value.isascii() and not any(c in value for c in "\t\r\n[]"):
        return len(value) > start and value[start] not in "/?#"
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def fix_url(url: str) -> str:
    """The mechanical form of an address: no surrounding spaces, no default port, scheme and host in lowercase.

    Only what cannot change the page: the rest of the text is kept character for character."""
    text = url.strip()
    scheme, sep, rest = text.partition("://")
    if not sep or scheme.lower() not in DEFAULT_PORTS:
        return text
    cut = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    netloc, tail = rest[:cut], rest[cut:]
    user, at, hostport = netloc.rpartition("@")
    host, colon, port = hostport.rpartition(":")
    if not colon or "]" in port or not port.isdigit():  # no port, or the colons of an IPv6 address
        host, port = hostport, ""
    if port and int(port) == DEFAULT_PORTS[scheme.lower()]:
        port = ""
    return f"{scheme.lower()}://{user}{at}{host.lower()}{':' + port if port else ''}{tail}"


def address_key(url: str) -> tuple[str, str, str, str]:
    """What makes two writings the same address: host without « www. », path without its final « / » nor escapes."""
    parts = urlsplit(fix_url(url))
    return (parts.hostname or "").removeprefix("www."), unquote(parts.path).rstrip("/"), parts.query, parts.fragment


Loc = tuple[Any, ...]


def _addresses(fields: dict[str, Any]) -> list[tuple[Loc, str]]:
    """Every http(s) address of a record: its url, its sources' urls, the addresses among its status history's sources."""
    found: list[tuple[Loc, str]] = [(("url",), fields["url"])] if fields.get("url") else []
    found += [(("sources", i, "url"), src.url) for i, src in enumerate(fields.get("sources") or ()) if src.url]
    for i, change in enumerate(fields.get("status_history") or ()):
        source = change.source
        if source and "://" in source and is_url(source.strip()):  # else a document id, checked as a reference
            found.append((("status_history", i, "source"), source))
    return [(loc, url) for loc, url in found if not is_placeholder(url)]  # a template address is reported as such


def _address_warnings(found: list[tuple[Loc, str]]) -> Iterator[tuple[Loc, str]]:
    seen: dict[tuple[str, str, str, str], str] = {}
    for loc, written in found:
        url = written.strip()
        if url != written:
            yield loc, f"espaces autour de l'adresse « {_short(url)} » ({FIX_HINT} les retire)"
        if not is_url(url):
            yield loc, f"adresse « {url[:60]} » ignorée : seules les adresses http(s) sont affichées"
            continue
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:
            yield loc, f"port invalide dans « {_short(url)} »"
            continue
        if port is not None and port == DEFAULT_PORTS.get(parts.scheme.lower()):
            yield loc, f"port par défaut « :{port} » inutile dans « {_short(url)} » ({FIX_HINT} le retire)"
        if parts.path in ("", "/") and not parts.query:
            yield loc, f"adresse sans chemin « {_short(url)} » : donnez l'adresse de la page citée, pas seulement celle du site"
        if len(found) > 1:
            first = seen.setdefault(address_key(url), url)
            if first != url:
                yield loc, f"même adresse que « {_short(first)} », écrite autrement : écrivez-la d'une seule façon"


def source_warnings(kind: str, model: Any) -> list[tuple[Loc, str]]:
    """(location, message) for what cannot be checked as written in a record's sources (warnings): an address that is
    no http(s) address, has spaces around it, a default port or no path, or repeats another one written differently; a
    page that is no page number or range; a quote over QUOTE_MAX characters; a document citing nothing."""
    fields = vars(model)  # getattr's miss on a pydantic model is slow: only documents have a url, only proposals a history
    found = _addresses(fields)
    out = list(_address_warnings(found)) if found else []
    sources = fields.get("sources") or ()
    for i, src in enumerate(sources):
        page, quote = src.page, src.quote
        if page is not None and ((isinstance(page, int) and page < 1) or (isinstance(page, str) and not PAGE_RE.match(page.strip()))):
            message = (
                f"« page » : « {page} » n'est ni un numéro de page ni une plage (12, 12-14, p. 12) ; "
                "un numéro de rapport se met dans le titre du document cité"
            )
            out.append((("sources", i, "page"), message))
        if quote and len(quote) > QUOTE_MAX:
            message = f"citation de {len(quote)} caractères : {QUOTE_MAX} au plus ; gardez les mots essentiels"
            out.append((("sources", i, "quote"), message))
    if kind == DOCUMENT and not fields.get("url") and not sources:
        out.append(((), "document sans adresse ni source : ajoutez « url » ou « sources »"))
    return out


def _short(url: str, width: int = 80) -> str:
    return url if len(url) <= width else url[: width - 1] + "…"


@dataclass
class Fix:
    """One address rewritten by --fix-urls: the file, the line, the text before and after."""

    path: str
    line: int
    before: str
    after: str


_URL_KEYS = {"url", "source"}


def _scalars(node: yaml.Node, key: str | None = None) -> Iterator[tuple[str | None, yaml.ScalarNode]]:
    if isinstance(node, yaml.ScalarNode):
        yield key, node
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            yield from _scalars(v, k.value if isinstance(k, yaml.ScalarNode) else None)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _scalars(item, key)


def _quoted(value: str, style: str | None) -> str | None:
    """The scalar's new source text in its own style; None where a rewrite could change more than the address."""
    if style is None:
        return value
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    if style == '"':
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return None  # block scalars: left for the editor


def fix_file(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> list[Fix]:
    """Rewrite the mechanical address faults of one record file in place (only the addresses' characters change)."""
    raw, _why = read_bounded(path, max_bytes)
    if raw is None:
        return []
    try:
        text = raw.decode("utf-8")
        bom = "\ufeff" if text.startswith("\ufeff") else ""
        body = text.removeprefix("\ufeff")
    except UnicodeDecodeError:
        return []  # kb check reports why
    if node_properties(body, str(path)):
        return []  # anchors and aliases: walking shared nodes could take for ever; kb check refuses the file
    try:
        root = yaml.compose(body, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return []
    fixes: list[Fix] = []
    edits: list[tuple[int, int, str]] = []
    for key, node in _scalars(root) if root is not None else ():
        value, start, end = node.value, node.start_mark.index, node.end_mark.index
        if key not in _URL_KEYS or "://" not in value or fix_url(value) == value:
            continue
        fixed = fix_url(value)
        new_text = _quoted(fixed, node.style)
        # Only where the scalar reads back exactly as written (no escapes, no folded lines): then only the address changes.
        if new_text is None or body[start:end] != _quoted(value, node.style):
            continue
        edits.append((start, end, new_text))
        fixes.append(Fix(str(path), node.start_mark.line + 1, value, fixed))
    if not edits:
        return []
    for start, end, new_text in sorted(edits, reverse=True):
        body = body[:start] + new_text + body[end:]
    target = os.path.realpath(path)
    tmp = f"{target}.kb-fix"
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(bom + body)
    shutil.copymode(target, tmp)
    os.replace(tmp, target)
    return fixes


def fix_folder(data_dir: Path, max_bytes: int = MAX_FILE_BYTES) -> list[Fix]:
    """Rewrite the mechanical address faults of every record file of a content folder; what changed, in file order."""
    files, _problems = record_files(Path(data_dir))  # the entries it does not read are reported by kb check
    return [fix for _kind, path in files for fix in fix_file(path, max_bytes)]
