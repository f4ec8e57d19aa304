"""A kind of record is spelled in one place: the registry (kb.content.kinds) and the models; code uses its constants.

The test reads every module of the package and reports a kind's id written as a string where it is used as a kind:
compared with a kind, in a collection or a table of kinds, or given to a function as its ``kind`` argument. A field
that happens to share a kind's name (a proposal's ``document``) is no kind, and is not reported.
"""

from __future__ import annotations

import ast
from pathlib import Path

from kb.content import kinds

KB = Path(__file__).resolve().parents[2] / "kb"
IDS = {str(k) for k in kinds.every()}
# Where kinds are declared: the registry, and the models whose shapes name their own kind (``type: Literal["proposal"]``).
OWNERS = {KB / "content" / "kinds.py", KB / "content" / "models.py", KB / "pages" / "shapes.py"}


def _kind_parameters() -> dict[str, int]:
    """Every function of the package with a parameter named ``kind``: its name → that parameter's position."""
    found: dict[str, int] = {}
    for path in KB.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names = [a.arg for a in node.args.posonlyargs + node.args.args if a.arg not in ("self", "cls")]
                if "kind" in names:
                    found[node.name] = names.index("kind")
    return found


KIND_PARAMETERS = _kind_parameters()


def _is_kind(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in IDS


def _called(func: ast.expr) -> str | None:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None


def kinds_spelled(source: str) -> list[tuple[int, str]]:
    """(line, kind) of every kind id a module writes as a string where a kind is meant."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            found += [(c.lineno, c.value) for c in (node.left, *node.comparators) if _is_kind(c)]
        elif isinstance(node, ast.Tuple | ast.List | ast.Set) and len(node.elts) > 1 and all(_is_kind(e) for e in node.elts):
            found += [(e.lineno, e.value) for e in node.elts]
        elif isinstance(node, ast.Dict) and node.keys and all(k is not None and _is_kind(k) for k in node.keys):
            found += [(k.lineno, k.value) for k in node.keys if k is not None]
        elif isinstance(node, ast.Call) and (name := _called(node.func)) in KIND_PARAMETERS:
            at = KIND_PARAMETERS[name]
            args = [node.args[at]] if at < len(node.args) else []
            args += [kw.value for kw in node.keywords if kw.arg == "kind"]
            found += [(a.lineno, a.value) for a in args if _is_kind(a)]
    return sorted(set(found))


def test_no_module_but_the_registry_and_the_models_spells_a_kind() -> None:
    spelled = {
        f"{path.relative_to(KB.parent)}:{line}: « {kind} »"
        for path in sorted(KB.rglob("*.py"))
        if path not in OWNERS
        for line, kind in kinds_spelled(path.read_text("utf-8"))
    }
    assert sorted(spelled) == []


def test_the_check_sees_each_way_a_kind_was_spelled() -> None:
    # The four ways the package used to spell kinds, each reported; a field of the same name is not.
    source = '''
if kind == "proposal": pass
for k in ("proposal", "action"): pass
TABLE = {"document": 1, "axis": 2}
row = queries.get(db, "document", "x")
url = record_path("axis", "x")
value = getattr(model, "document")
data["document"] = 1
loc = ("sources", 0, "document")
'''
    assert kinds_spelled(source) == [(2, "proposal"), (3, "action"), (3, "proposal"), (4, "axis"), (4, "document"), (5, "document"),
                                     (6, "axis")]
