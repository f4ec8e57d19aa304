"""Property-based tests of the loader: any broken YAML gives problems with a file and a line, never an exception.

Queries are fuzzed in tests/search/test_query_fuzz.py."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.content import check
from kb.content.problems import Problem
from tests.support.corpora import VALID

# Bounded for the suite; raise it for a longer hunt: KB_FUZZ_EXAMPLES=5000 pytest tests/content/test_yaml_fuzz.py
EXAMPLES = int(os.environ.get("KB_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FILES = sorted(p.relative_to(VALID) for p in VALID.rglob("*.yaml"))


@st.composite
def mutated(draw: st.DrawFn) -> tuple[Path, bytes]:
    """One valid file of the test corpus, broken in one to three ways."""
    rel = draw(st.sampled_from(FILES))
    data = (VALID / rel).read_bytes()
    for _ in range(draw(st.integers(1, 3))):
        lines = data.split(b"\n")
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        j = draw(st.integers(0, max(0, len(lines) - 1)))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "indent", "dedent", "truncate", "tab", "bytes"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            yamlish = st.sampled_from([":", "- ", "[", "{", '"', "'", "&a", "*a", "!!python/object", "---", "? "])
            text = draw(st.text(min_size=1, max_size=6) | yamlish)
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + text.encode("utf-8", "surrogatepass") + lines[i][at:]
        elif op == "indent":
            lines[i] = b" " * draw(st.integers(1, 6)) + lines[i]
        elif op == "dedent":
            lines[i] = lines[i].lstrip(b" ")
        elif op == "tab":
            lines[i] = b"\t" + lines[i]
        elif op == "bytes":
            lines[i] += draw(st.binary(min_size=1, max_size=4))
        data = b"\n".join(lines)
        if op == "truncate":
            data = data[: draw(st.integers(0, len(data)))]
    return rel, data


@pytest.fixture(scope="module")
def corpus_copy() -> Iterator[Path]:
    """A private copy of the valid corpus; each example breaks one file and puts it back."""
    with tempfile.TemporaryDirectory() as tmp:
        dest = Path(tmp) / "content"
        shutil.copytree(VALID, dest)
        yield dest


def _line_count(path: str) -> int:
    try:
        return Path(path).read_bytes().count(b"\n") + 1
    except OSError:
        return 1


@FUZZ
@given(change=mutated())
def test_broken_yaml_gives_problems_with_file_and_line(corpus_copy: Path, change: tuple[Path, bytes]) -> None:
    rel, data = change
    target = corpus_copy / rel
    target.write_bytes(data)
    try:
        _corpus, problems = check(corpus_copy)
    finally:
        target.write_bytes((VALID / rel).read_bytes())
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.path and Path(problem.path).is_relative_to(corpus_copy), problem
        lines = data.count(b"\n") + 1 if Path(problem.path) == target else _line_count(problem.path)
        assert isinstance(problem.line, int) and 1 <= problem.line <= lines + 1, problem
        assert problem.level in ("error", "warning", "note") and problem.message.strip()
        assert "message de l'analyseur" not in problem.message, f"a parser message without its French translation: {problem}"


def test_control_character_in_yaml_is_a_problem_at_its_line(tmp_path: Path) -> None:
    # Found by the fuzzer: PyYAML raised ReaderError on a NUL byte before kb could report it.
    data = tmp_path / "content"
    shutil.copytree(VALID, data)
    path = data / "actions" / "implantation-normandie.yaml"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    lines[2] = lines[2].rstrip("\n") + "\x00\n"
    path.write_text("".join(lines), "utf-8")
    _corpus, problems = check(data)
    mine = [p for p in problems if p.path == str(path)]
    assert [(p.line, p.level) for p in mine] == [(3, "error")]
    assert "caractère de contrôle interdit (U+0000)" in mine[0].message
