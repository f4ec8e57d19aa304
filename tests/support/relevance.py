"""The relevance bench's modules (bench/judged.py: judgments and scores; bench/relevance_engines.py: kb and the FTS5
baselines; bench/relevance.py: its report), loaded for the tests: one owner for `make relevance` and
tests/search/test_relevance*.py."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from tests.support.corpora import ROOT

BENCH = ROOT / "bench"


def bench_module(name: str) -> ModuleType:
    """bench/<name>.py, loaded once (bench/ is not a package: its scripts import their siblings by name)."""
    if name in sys.modules:
        return sys.modules[name]
    if str(BENCH) not in sys.path:
        sys.path.append(str(BENCH))
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module
