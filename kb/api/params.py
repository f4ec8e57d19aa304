"""Query parameters of the API: parsed by the query models of kb.apimodels, every refusal a French 400 naming the parameter."""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from werkzeug.datastructures import MultiDict

from kb.api.models import MAX_LIMIT
from kb.content.filters import BY_KIND

# What an unknown id is called, per kind of record a filter takes.
UNKNOWN: dict[str, str] = {"document": "Document inconnu", "axis": "Axe inconnu", "sector": "Filière inconnue", "region": "Région inconnue"}


class ApiError(Exception):
    """An API refusal: HTTP status, stable code, French message and, for a bad parameter, its name."""

    def __init__(self, status: int, code: str, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.parameter = status, code, message, parameter


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) is list


def _allowed(annotation: Any) -> list[str]:
    """The literal values a field accepts (through lists, unions and Literal)."""
    if typing.get_origin(annotation) is typing.Literal:
        return [str(a) for a in typing.get_args(annotation)]
    return [v for arg in typing.get_args(annotation) for v in _allowed(arg)]


def _show(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:60] + "…"


def _message(model: type[BaseModel], name: str, err: dict[str, Any]) -> str:
    kind = err["type"]
    value = _show(err.get("input", ""))
    if name == "limit":
        return f"« limit » doit être un nombre entier de 1 à {MAX_LIMIT} (reçu : « {value} »)."
    if name == "offset":
        top = f" et au plus {err['ctx']['le']}" if kind == "less_than_equal" else ""
        return f"« offset » doit être un nombre entier positif ou nul{top} (reçu : « {value} »)."
    if name == "updated_since":
        return f"« updated_since » doit être une date réelle au format AAAA-MM-JJ (reçu : « {value} »)."
    if kind == "literal_error":
        allowed = ", ".join(_allowed(model.model_fields[name].annotation))
        return f"valeur « {value} » invalide pour « {name} » : valeurs permises : {allowed}."
    if kind == "string_pattern_mismatch":
        return f"« {value} » n'est pas un identifiant valide pour « {name} » (minuscules, chiffres et tirets)."
    if kind == "string_too_long":
        return f"« {name} » est trop long."
    return f"valeur « {value} » invalide pour « {name} »."


def parse(model: type[BaseModel], args: MultiDict[str, str]) -> Any:
    """Validate the request's query string against a query model; unknown parameter names are ignored."""
    raw: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name in args:
            values = args.getlist(name)
            raw[name] = values if _is_list(info.annotation) else values[0]
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0])
        raise ApiError(400, "bad_parameter", _message(model, name, dict(err)), parameter=name) from None


def check_known_ids(query: BaseModel, names: dict[str, dict[str, str]]) -> None:
    """A filter naming a document, axis, sector or region that the base does not hold is a 400, not an empty list."""
    for kind, flt in BY_KIND.items():
        for value in getattr(query, flt.name, None) or []:
            if value not in names[kind]:
                message = f"{UNKNOWN[kind]} : « {_show(value)} » (paramètre « {flt.name} »)."
                raise ApiError(400, "bad_parameter", message, parameter=flt.name)
