"""Validation against the file models: every pydantic error becomes a French Problem at its line."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from kb.content import kinds
from kb.content.fields import PATTERNS
from kb.content.models import SourceRef, StatusChange, Strict
from kb.content.problems import Problem, did_you_mean
from kb.content.yamlfile import Loc, locate


def field_name(loc: Loc) -> str:
    """A location as editors read it: « sources[0].url »."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "l'enregistrement"


def is_blank(err: dict[str, Any]) -> bool:
    """True for the error of a key written with no value (« published: »): a field still to fill in."""
    return err["type"] != "missing" and "input" in err and err["input"] is None


def _message(err: dict[str, Any], model: type[Strict], loc: Loc) -> str:
    kind, name, ctx = err["type"], field_name(loc), err.get("ctx") or {}
    value = err.get("input")
    if kind == "missing":
        return f"champ obligatoire « {name} » manquant"
    if is_blank(err):
        return f"« {name} » est vide : à compléter"
    if kind == "extra_forbidden":
        fields = list(model.model_fields) if len(loc) == 1 else []
        return f"clé inconnue « {name} »{did_you_mean(str(loc[-1]), fields, n=1)}"
    if kind == "literal_error":
        allowed = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return f"valeur « {value} » invalide pour « {name} » : valeurs permises : {allowed}"
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"date impossible ou mal écrite « {value} » pour « {name} » (attendu AAAA-MM-JJ)"
    if kind == "string_pattern_mismatch":
        what, hint = PATTERNS.get(str(ctx.get("pattern")), ("une valeur de la forme attendue", str(ctx.get("pattern"))))
        return f"« {value} » n'est pas {what} pour « {name} » ({hint})"
    if kind == "string_too_long":
        return f"« {name} » dépasse {ctx.get('max_length')} caractères ({len(str(value))})"
    if kind == "string_too_short":
        return f"« {name} » ne doit pas être vide"
    if kind == "too_short":
        return f"« {name} » doit contenir au moins {ctx.get('min_length')} élément"
    if kind == "string_type":
        return f"« {name} » doit être un texte (mettez la valeur entre guillemets)"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"« {name} » doit être un nombre entier"
    if kind in ("bool_type", "bool_parsing"):
        return f"« {name} » doit valoir true ou false"
    if kind == "list_type":
        return f"« {name} » doit être une liste"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"« {name} » doit être un objet (clé: valeur)"
    if kind == "greater_than_equal":
        return f"« {name} » doit être supérieur ou égal à {ctx.get('ge')}"
    if kind == "value_error":
        return str(ctx.get("error") or err["msg"]).removeprefix("Value error, ")
    return f"« {name} » : {err['msg']}"


def error_locs(exc: ValidationError, lines: dict[Loc, int]) -> list[tuple[Loc, dict[str, Any]]]:
    """(location, error) of each error, its location cut to real keys and indices (union branches add type names)."""
    known = {part for key in lines for part in key} | _FIELD_NAMES
    return [(tuple(p for p in err["loc"] if isinstance(p, int) or p in known), err) for err in exc.errors()]


def validate(
    model: type[Strict], data: Any, path: str, lines: dict[Loc, int], prefix: Loc = (), draft: bool = False
) -> tuple[Any, list[Problem]]:
    """Validate data against a file model; every error becomes a Problem at its line. In a ``draft``, a value left
    empty is a to-do (a warning), not an error: the model is None all the same (kb.content.salvage reads the rest)."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        found: dict[tuple[int, str], Problem] = {}
        for loc, err in error_locs(exc, lines):
            line = locate(lines, prefix + loc)
            if draft and is_blank(err):
                problem = Problem(path, line, "warning", f"brouillon : « {field_name(loc)} » à compléter", todo=True)
            else:
                problem = Problem(path, line, "error", _message(err, model, loc))
            found.setdefault((line, problem.message), problem)
        return None, list(found.values())


_FIELD_NAMES = {name for model in (*(k.model for k in kinds.every()), SourceRef, StatusChange) for name in model.model_fields}
