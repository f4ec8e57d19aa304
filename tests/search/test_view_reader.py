"""kb.search.engine.ViewReader reads like BytesIO over the same bytes, for any sequence of reads and seeks."""

from __future__ import annotations

import io
import pickle

from hypothesis import given
from hypothesis import strategies as st

from kb.search.engine import ViewReader

OPS = st.lists(
    st.one_of(
        st.tuples(st.just("read"), st.one_of(st.none(), st.integers(-1, 40))),
        st.tuples(st.just("readline"), st.one_of(st.none(), st.integers(-1, 40))),
        st.tuples(st.just("readinto"), st.integers(0, 40)),
        st.tuples(st.just("seek"), st.tuples(st.integers(0, 60), st.just(0))),
        st.tuples(st.just("seek"), st.tuples(st.integers(-20, 20), st.sampled_from([1, 2]))),
        st.tuples(st.just("tell"), st.none()),
    ),
    max_size=30,
)


def _apply(f: object, op: str, arg: object) -> object:
    if op == "readinto":
        buf = bytearray(arg)  # type: ignore[arg-type]
        n = f.readinto(buf)  # type: ignore[attr-defined]
        return n, bytes(buf[:n])
    if op == "seek":
        offset, whence = arg  # type: ignore[misc]
        if whence == 1:
            offset = max(offset, -f.tell())  # type: ignore[attr-defined]  (BytesIO refuses a negative position)
        elif whence == 2:
            offset = max(offset, -len(DATA))
        return f.seek(offset, whence)  # type: ignore[attr-defined]
    if op == "tell":
        return f.tell()  # type: ignore[attr-defined]
    return getattr(f, op)(arg)


DATA = b"une ligne\nune autre\n\x00\x01\x02 binaire\nfin sans retour"


@given(OPS)
def test_view_reader_reads_as_bytesio(ops: list[tuple[str, object]]) -> None:
    plain, view = io.BytesIO(DATA), ViewReader(memoryview(DATA))
    for op, arg in ops:
        assert _apply(view, op, arg) == _apply(plain, op, arg), (op, arg)


def test_pickles_load_from_a_view() -> None:
    blob = pickle.dumps({"postings": list(range(300)), "mot": "énergie"}, protocol=pickle.HIGHEST_PROTOCOL)
    blob += pickle.dumps(("second", 2), protocol=2)
    reader = ViewReader(memoryview(b"xx" + blob)[2:])
    assert pickle.load(reader) == {"postings": list(range(300)), "mot": "énergie"}  # type: ignore[arg-type]
    assert pickle.load(reader) == ("second", 2)  # type: ignore[arg-type]
    assert reader.read() == b""
