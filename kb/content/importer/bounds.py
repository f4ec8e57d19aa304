"""Imported files bounded before they are parsed: a white paper is a few megabytes, a bomb must cost a message.

A ``.docx`` is a zip of XML parts that python-docx loads whole into memory and parses with lxml: the sizes the zip
declares are checked first (reading a member never yields more than its declared size: zipfile checks it), then every
XML part is streamed once through expat, without building anything, to refuse a document type declaration (entity
bombs) and nesting deeper than any real document. A PDF is left to pypdf's own limits, which are caught.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from pathlib import Path
from xml.parsers import expat

from kb.content.files import os_error, size_text

MAX_SOURCE_BYTES = 64 * 1024 * 1024  # the file itself: a long white paper with images is a few tens of megabytes
MAX_DOCX_UNZIPPED = 128 * 1024 * 1024  # every part, as python-docx holds them in memory
MAX_DOCX_XML = 16 * 1024 * 1024  # the XML parts, as lxml parses them (a 300-page document.xml is a few megabytes)
MAX_XML_DEPTH = 200  # Word nests a few dozen levels; lxml itself gives up at 256
MAX_PARTS = 10_000
DOCUMENT_PART = "word/document.xml"
# pypdf's own limits, tightened for text extraction (pypdf.Configuration): a white paper has hundreds of pages, and a
# page's text stream is kilobytes; pypdf's defaults (100,000 page-tree entries, 75 MB per stream) cost seconds.
PDF_LIMITS = {
    "page_tree_maximum_entries": 20_000,
    "zlib_maximum_output_length": 16_000_000,
    "lzw_maximum_output_length": 16_000_000,
    "run_length_maximum_output_length": 16_000_000,
    "array_based_stream_maximum_output_length": 16_000_000,
}


class Unreadable(ValueError):
    """Why a file cannot be read as the format its name says (the reason, in French)."""


def check_file(path: Path) -> None:
    """A regular file within MAX_SOURCE_BYTES (a FIFO or a device would block or never end)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise Unreadable(f"lecture impossible : {os_error(exc)}") from None
    if not stat.S_ISREG(st.st_mode):
        raise Unreadable("ce n'est pas un fichier ordinaire")
    if st.st_size > MAX_SOURCE_BYTES:
        raise Unreadable(f"fichier de {size_text(st.st_size)}, {size_text(MAX_SOURCE_BYTES)} au plus")


def _xml_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Stream one XML part through expat: no document type declaration, no nesting deeper than MAX_XML_DEPTH."""
    parser = expat.ParserCreate()
    depth = 0

    def start(_name: str, _attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise Unreadable(f"{info.filename} : imbrication XML de plus de {MAX_XML_DEPTH} niveaux")

    def end(_name: str) -> None:
        nonlocal depth
        depth -= 1

    def doctype(*_args: object) -> None:
        raise Unreadable(f"{info.filename} : déclaration de type de document (DOCTYPE) refusée")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = doctype
    with archive.open(info) as member:
        while chunk := member.read(1 << 20):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def check_docx(path: Path) -> None:
    """Refuse a Word file whose parts would take too much memory or time to parse, before python-docx opens it."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_PARTS:
                raise Unreadable(f"{len(infos)} parties dans l'archive, {MAX_PARTS} au plus")
            names = {i.filename for i in infos}
            if DOCUMENT_PART not in names:
                raise Unreadable(f"pas de {DOCUMENT_PART} dans l'archive")
            total = sum(i.file_size for i in infos)
            if total > MAX_DOCX_UNZIPPED:
                raise Unreadable(f"{size_text(total)} une fois décompressé, {size_text(MAX_DOCX_UNZIPPED)} au plus")
            xml = [i for i in infos if i.filename.endswith((".xml", ".rels"))]
            xml_total = sum(i.file_size for i in xml)
            if xml_total > MAX_DOCX_XML:
                raise Unreadable(f"{size_text(xml_total)} de XML une fois décompressé, {size_text(MAX_DOCX_XML)} au plus")
            for info in xml:
                _xml_part(archive, info)
    except zipfile.BadZipFile as exc:
        # zipfile stops a member at its declared size and checks its CRC: a member that lies about its size ends here.
        why = "ce n'est pas une archive zip" if "not a zip" in str(exc) else f"archive corrompue ou tailles déclarées fausses ({exc})"
        raise Unreadable(why) from None
    except expat.ExpatError as exc:
        raise Unreadable(f"XML invalide : {expat.ErrorString(exc.code)}, ligne {exc.lineno}") from None
    except (OSError, EOFError, RuntimeError, NotImplementedError, zlib.error) as exc:
        # zlib and zipfile errors (corrupt data, encrypted or unsupported members) surface as these.
        raise Unreadable(f"archive illisible : {exc}") from None
