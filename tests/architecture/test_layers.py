"""The package's layout keeps its promises: imports point one way between subsystems, no import circle anywhere
(function-local imports included, so none can hide one), and every function-local import says why it is lazy."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

KB = Path(__file__).resolve().parents[2] / "kb"

# Subsystem → the subsystems it may import (besides itself). Data flows down this table: content ← store ← builder,
# search beside store; the pages' data (pages) over both; the HTTP floor (http) under the three front ends (web, api,
# newsletter), which never import one another; the CLI over everything.
ALLOWED: dict[str, set[str]] = {
    "config": set(),
    "procs": set(),  # kb/procs.py: helper processes that die with their parent (builds' pool and index writers)
    "content": {"config"},
    "store": {"config", "content"},
    "search": {"config", "content", "procs"},
    "builder": {"config", "content", "store", "search", "procs"},
    "pages": {"config", "content", "store", "search"},
    "http": {"config", "content", "store", "search", "pages"},
    "web": {"config", "content", "store", "search", "pages", "http"},
    "api": {"config", "content", "store", "search", "pages", "http"},
    "newsletter": {"config", "content", "store", "search", "pages", "http"},
    "cli": {"config", "procs", "content", "store", "search", "builder", "pages", "api", "newsletter", "app"},
    "app": {"config", "http", "web", "api", "newsletter"},  # kb/__init__.py: create_app
}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(KB.rglob("*.py")):
        parts = path.relative_to(KB.parent).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


MODULES = _modules()


def _subsystem(module: str) -> str:
    parts = module.split(".")
    return "app" if parts == ["kb"] else parts[1]


def _imports(module: str, path: Path) -> Iterator[tuple[int, str, bool]]:
    """(line, imported kb module, inside a function) for every import of the project's own modules."""
    tree = ast.parse(path.read_text("utf-8"))
    local: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            local |= {id(sub) for sub in ast.walk(node) if isinstance(sub, ast.Import | ast.ImportFrom)}
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "kb" or alias.name.startswith("kb."):
                    yield node.lineno, alias.name, id(node) in local
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            if base != "kb" and not base.startswith("kb."):
                continue
            for alias in node.names:
                # « from kb.web import facets » imports the submodule kb.web.facets; « from kb.store import Layout » the package.
                target = f"{base}.{alias.name}"
                yield node.lineno, target if target in MODULES else base, id(node) in local


def test_imports_point_down_the_subsystem_table() -> None:
    wrong = []
    for module, path in MODULES.items():
        here = _subsystem(module)
        for line, target, _local in _imports(module, path):
            there = _subsystem(target)
            if there != here and there not in ALLOWED[here]:
                wrong.append(f"{path.relative_to(KB.parent)}:{line}: {here} imports {target} ({there})")
    assert wrong == []


def test_no_import_circle_even_through_function_local_imports() -> None:
    graph = {module: {target for _, target, _ in _imports(module, path) if target != module} for module, path in MODULES.items()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    assert cycles == []


def test_every_function_local_import_says_why() -> None:
    silent = []
    for path in MODULES.values():
        lines = path.read_text("utf-8").splitlines()
        tree = ast.parse("\n".join(lines))
        for fn in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)):
            for node in (n for n in ast.walk(fn) if isinstance(n, ast.Import | ast.ImportFrom)):
                if "#" in lines[node.lineno - 1]:
                    continue
                # A block of imports may share one comment above it.
                above = node.lineno - 2
                while above >= 0 and (not lines[above].strip() or lines[above].strip().startswith(("import ", "from "))):
                    if "#" in lines[above]:
                        break
                    above -= 1
                if above < 0 or "#" not in lines[above]:
                    silent.append(f"{path.relative_to(KB.parent)}:{node.lineno}")
    assert silent == []


def test_every_subsystem_is_in_the_table() -> None:
    assert {_subsystem(module) for module in MODULES} == set(ALLOWED)


def test_the_layering_test_sees_a_forbidden_import(tmp_path: Path) -> None:
    # The check itself: an upward import (content importing the web) is reported, and so are the imports the floor
    # and the front ends must not make (the HTTP floor importing a page module, the API or a newsletter importing one).
    fake = tmp_path / "upward.py"
    fake.write_text("from kb.web import views\n", "utf-8")
    found = list(_imports("kb.content.upward", fake))
    assert found == [(1, "kb.web.views", False)]
    for here in ("content", "http", "api", "newsletter", "pages"):
        assert _subsystem(found[0][1]) not in ALLOWED[here] | {here}
    assert "web" not in ALLOWED["cli"], "kb stats reads the dashboard's figures from kb.pages, not from the site"
