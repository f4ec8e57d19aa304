"""Hostile files made at test time (never stored): zip and PDF bombs, built by hand so that they are quick to make."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import docx


def deflate_repeat(chunk: bytes, times: int) -> tuple[bytes, int, int]:
    """Raw deflate data of ``chunk`` repeated ``times`` times, its CRC-32 and size: one fully flushed block, repeated
    (after a full flush nothing refers back, so the copies decode one after the other)."""
    block_maker = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = block_maker.compress(chunk) + block_maker.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    return block * times + zlib.compressobj(9, zlib.DEFLATED, -15).flush(), crc, len(chunk) * times


def zip_of(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip archive from (name, stored or raw deflate data, CRC-32, declared size, method) written by hand, so that the
    declared sizes are whatever the caller says."""
    out, central = io.BytesIO(), []
    for name, data, crc, size, method in members:
        offset, raw = out.tell(), name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0, crc, len(data), size, len(raw), 0) + raw + data)
        central.append(
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0, crc, len(data), size, len(raw), 0, 0, 0, 0, 0, offset)
            + raw
        )
    start = out.tell()
    out.write(b"".join(central))
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


def docx_parts() -> dict[str, bytes]:
    """The parts of an empty Word document, as python-docx writes it."""
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def docx_with(document: bytes | None, *, compressed: tuple[bytes, int, int] | None = None, declared: int | None = None) -> bytes:
    """A .docx whose word/document.xml is ``document`` (stored), or ``compressed`` raw deflate data (declared size
    ``declared`` or its real one), or absent."""
    parts = docx_parts()
    parts.pop("word/document.xml")
    members = [(name, data, zlib.crc32(data), len(data), 0) for name, data in parts.items()]
    if document is not None:
        members.append(("word/document.xml", document, zlib.crc32(document), len(document), 0))
    elif compressed is not None:
        data, crc, size = compressed
        members.append(("word/document.xml", data, crc, size if declared is None else declared, 8))
    return zip_of(members)


W = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'


def entity_bomb() -> bytes:
    """word/document.xml with a billion-laughs document type declaration."""
    entities = b"".join(b'<!ENTITY l%d "%s">' % (i, b"&l%d;" % (i - 1) * 10) for i in range(1, 10))
    doctype = b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY l0 "ha">' + entities + b"]>"
    return doctype + W + b"<w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>"


def deep_xml(levels: int) -> bytes:
    """word/document.xml nested ``levels`` deep."""
    return W + b"<w:p>" * levels + b"</w:p>" * levels + b"</w:body></w:document>"


def pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (object n is objects[n - 1], object 1 the catalog), with a correct cross-reference table."""
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.7\n")
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def page_tree_bomb(levels: int = 40) -> bytes:
    """A page tree whose every node lists the next one twice: 2**levels pages from a few kilobytes."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for i in range(levels):
        kid = 3 + i
        objects.append(b"<< /Type /Pages /Kids [%d 0 R %d 0 R] /Count %d >>" % (kid, kid, 2 ** (levels - i)))
    objects.append(b"<< /Type /Page /MediaBox [0 0 612 792] /Contents %d 0 R >>" % (len(objects) + 2))
    objects.append(b"<< /Length 0 >>\nstream\n\nendstream")
    return pdf(objects)


def flate_bomb(mebibytes: int = 1024) -> bytes:
    """A one-page PDF whose content stream inflates to ``mebibytes`` MiB of spaces."""
    chunk = b" " * (1 << 20)
    raw, _crc, _size = deflate_repeat(chunk, mebibytes)
    adler = 1
    for _ in range(mebibytes):
        adler = zlib.adler32(chunk, adler)
    stream = b"\x78\xda" + raw + adler.to_bytes(4, "big")
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        ]
    )


def cyclic_page_tree() -> bytes:
    """A page tree node that lists itself."""
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"])
