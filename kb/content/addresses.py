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
from kb.content.files import MAX_FILE_BYTES, read_bounded
from kb.content.loader import record_files

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


def host_of(url: str) -> str:
    """The host of an address, lowercase, without « www. »."""
    return (urlsplit(url.strip()).hostname or "").removeprefix("www.")


@dataclass
class Address:
    """One address written in a record: where (location in the file), and its text as written."""

    loc: tuple[Any, ...]
    url: str


def addresses(model: Any) -> Iterator[Address]:
    """Every http(s) address a record's model holds: its url, its sources' urls, its status history's sources."""
    url = vars(model).get("url")  # only documents have one; getattr's miss on a pydantic model is slow
    if url:
        yield Address(("url",), url)
    for i, src in enumerate(getattr(model, "sources", [])):
        if src.url:
            yield Address(("sources", i, "url"), src.url)
    for i, change in enumerate(vars(model).get("status_history") or ()):
        if change.source and is_url(change.source.strip()):  # else a document id, checked as a reference
            yield Address(("status_history", i, "source"), change.source)


def address_warnings(found: list[Address], https_hosts: set[str]) -> list[tuple[tuple[Any, ...], str]]:
    """(location, message) for each address that cannot be checked as written (warnings)."""
    out: list[tuple[tuple[Any, ...], str]] = []
    seen: dict[tuple[str, str, str, str], Address] = {}
    for a in found:
        url = a.url.strip()
        if url != a.url:
            out.append((a.loc, f"espaces autour de l'adresse « {url[:80]} » ({FIX_HINT} les retire)"))
        if not is_url(url):
            out.append((a.loc, f"adresse « {url[:60]} » ignorée : seules les adresses http(s) sont affichées"))
            continue
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:
            out.append((a.loc, f"port invalide dans « {url[:80]} »"))
            continue
        if port is not None and port == DEFAULT_PORTS.get(parts.scheme.lower()):
            out.append((a.loc, f"port par défaut « :{port} » inutile dans « {url[:80]} » ({FIX_HINT} le retire)"))
        if parts.path in ("", "/") and not parts.query:
            out.append((a.loc, f"adresse sans chemin « {url[:80]} » : donnez l'adresse de la page citée, pas seulement celle du site"))
        if parts.scheme.lower() == "http" and host_of(url) in https_hosts:
            out.append((a.loc, f"« {url[:80]} » : ce site est cité en https:// ailleurs dans le contenu ; écrivez https://"))
        key = address_key(url)
        first = seen.setdefault(key, a)
        if first is not a and first.url.strip() != url:
            out.append((a.loc, f"même adresse que « {first.url.strip()[:80]} », écrite autrement : écrivez-la d'une seule façon"))
    return out


def source_warnings(model: Any) -> list[tuple[tuple[Any, ...], str]]:
    """(location, message) for each page that is no page number or range, and each quote over QUOTE_MAX characters."""
    out: list[tuple[tuple[Any, ...], str]] = []
    for i, src in enumerate(getattr(model, "sources", [])):
        page = src.page
        if (isinstance(page, int) and page < 1) or (isinstance(page, str) and not PAGE_RE.match(page.strip())):
            out.append(
                (("sources", i, "page"), f"« page » : « {page} » n'est ni un numéro de page ni une plage (12, 12-14, p. 12) ; "
                 "un numéro de rapport se met dans le titre du document cité")
            )
        if src.quote and len(src.quote) > QUOTE_MAX:
            message = f"citation de {len(src.quote)} caractères : {QUOTE_MAX} au plus ; gardez les mots essentiels"
            out.append((("sources", i, "quote"), message))
    return out


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
        # Files with anchors or aliases are refused by kb check; composing them here could share nodes, never expand them.
        root = yaml.compose(body, Loader=yaml.SafeLoader)
    except (UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return []  # kb check reports why
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
