"""Whoosh's compound files read through the memory map, not through a private copy per searcher (engine side)."""

from __future__ import annotations

from typing import Any

from whoosh.filedb import compound, structfile


class ViewReader:
    """A read-only file over a memoryview: the seek/read/tell Whoosh's BufferFile needs, without copying the buffer."""

    __slots__ = ("_pos", "_view")

    def __init__(self, view: memoryview) -> None:
        self._view = view
        self._pos = 0

    def read(self, size: int | None = -1) -> bytes:
        """Up to size bytes from the position (all the rest when size is negative or None)."""
        start, length = self._pos, len(self._view)
        end = length if size is None or size < 0 else min(length, start + size)
        self._pos = max(start, end)
        return self._view[start:end].tobytes()

    def readinto(self, target: Any) -> int:
        """Fill target from the position; the count of bytes copied."""
        data = self.read(len(target))
        target[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        """Up to and including the next newline."""
        out = bytearray()
        while size is None or size < 0 or len(out) < size:
            chunk = self.read(256 if size is None or size < 0 else min(256, size - len(out)))
            if not chunk:
                break
            cut = chunk.find(b"\n")
            if cut >= 0:
                out += chunk[: cut + 1]
                self._pos -= len(chunk) - cut - 1
                break
            out += chunk
        return bytes(out)

    def seek(self, offset: int, whence: int = 0) -> int:
        """Move the position as a file does (0: from the start, 1: from here, 2: from the end)."""
        base = (0, self._pos, len(self._view))[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        """The position."""
        return self._pos

    def flush(self) -> None:
        """Nothing to write."""

    def close(self) -> None:
        """Nothing to release: the view belongs to the compound file's map."""


class ViewBufferFile(structfile.BufferFile):
    """Whoosh's BufferFile, minus the private copy of the whole sub-file: BytesIO(memoryview) copies it.

    Every searcher opens its own readers, and each held a copy of the postings and term files (about 16 MB at
    10,000 records): one per thread of every worker. Reading through the map instead gives the same bytes.
    """

    def __init__(self, buf: Any, name: str | None = None, onclose: Any = None) -> None:
        self._buf = buf
        self._name = name
        self.file = ViewReader(memoryview(buf))
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False


def install() -> None:
    """Make Whoosh open compound segment files (the only ones it maps) through ViewBufferFile; idempotent.

    Called by kb.search.index.open_index before it opens a searcher, never at import: the patch replaces the name
    compound.py looks up, so every reader opened afterwards reads through the map.
    """
    compound.BufferFile = ViewBufferFile  # type: ignore[misc]
