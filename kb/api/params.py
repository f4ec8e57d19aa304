"""Query parameters of the API: the models that declare them (from kb.content.filters), parsed with every refusal a
French 400 naming the parameter."""

from __future__ import annotations

import datetime as dt
import re
import typing
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, create_model
from werkzeug.datastructures import MultiDict

from kb.content import kinds
from kb.content.fields import ID_PATTERN
from kb.content.filters import BY_KIND, BY_NAME, FILTERS, NAMES

MAX_LIMIT = 100
MAX_SEARCH_OFFSET = 10_000
MAX_OFFSET = 1_000_000  # far past any list; keeps the number inside what every database accepts


def _iso_date(value: str) -> dt.date:
    """Only YYYY-MM-DD (pydantic alone would also take timestamps)."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("format")
    return dt.date.fromisoformat(value)


IdParam = Annotated[str, Field(pattern=ID_PATTERN)]
IsoDate = Annotated[str, Field(json_schema_extra={"format": "date"}), AfterValidator(_iso_date)]
UPDATED_SINCE_DOC = "Fiches mises à jour à partir de cette date (AAAA-MM-JJ)."


class Query(BaseModel):
    """Base of query-parameter models: unknown parameters are ignored."""

    model_config = ConfigDict(extra="ignore")


class Page(Query):
    """Pagination of a list."""

    limit: int = Field(20, ge=1, le=MAX_LIMIT, description="Nombre d'éléments par page (1 à 100).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Nombre d'éléments à sauter (un million au plus).")


def _filters(names: tuple[str, ...], status: Any = None, status_doc: str = "") -> dict[str, Any]:
    """Query fields for these filters of kb.content.filters: ids of a kind, or one of the filter's values."""
    fields: dict[str, Any] = {}
    for name in names:
        flt = BY_NAME[name]
        values = IdParam if flt.kind else status if name == "status" and status is not None else Literal[flt.values]
        doc = status_doc if name == "status" and status_doc else flt.description
        fields[name] = (list[values], Field([], description=doc))  # type: ignore[valid-type]
    return fields


# Proposal and action lists take every filter but the type (their own) and the status (each kind has its values).
LIST_FILTERS = tuple(f.name for f in FILTERS if f.name not in ("type", "status"))
_SINCE: Any = (IsoDate | None, Field(None, description=UPDATED_SINCE_DOC))

RecordFilters = create_model(
    "RecordFilters", __base__=Page, __doc__="Filters shared by proposals and actions (several values of one filter: any of them).",
    **_filters(LIST_FILTERS), updated_since=_SINCE,
)


def _closed(kind: kinds.Kind) -> dict[str, Any]:
    """Query fields for a kind's own fields whose values are a closed list (a document's genre)."""
    fields: dict[str, Any] = {}
    for name, info in kind.model.model_fields.items():
        if name not in BY_NAME and typing.get_origin(info.annotation) is Literal:
            fields[name] = (list[info.annotation], Field([], description=info.description or CLOSED_DOCS.get(name, "")))  # type: ignore[name-defined]
    return fields


# The French description of the closed fields a list filters on.
CLOSED_DOCS = {"kind": "Genre du document (livre blanc, rapport, communiqué, article, autre)."}


def query_model(kind: kinds.Kind) -> type[Page]:
    """The query parameters of a kind's list: a listed kind takes every shared filter and its own statuses; another,
    the shared filters that name one of its fields (an axis's document) and its closed fields (a document's genre)."""
    name = kind.base.__name__.removesuffix("Base") + "Query"
    if kind.listed:
        status = kind.model.model_fields["status"].annotation
        return create_model(  # type: ignore[no-any-return,call-overload]
            name, __base__=RecordFilters, __doc__=f"Filters of the {kind.collection} list.",
            **_filters(("status",), status, f"Statut ({kind.noun})."),
        )
    shared = tuple(f.name for f in FILTERS if f.name in kind.model.model_fields or kind in f.files)
    return create_model(  # type: ignore[no-any-return,call-overload]
        name, __base__=Page, __doc__=f"Filters of the {kind.collection} list.", **_filters(shared), **_closed(kind),
    )


QUERIES: dict[str, type[Page]] = {kind: query_model(kind) for kind in kinds.every()}
SearchQuery = create_model(
    "SearchQuery", __base__=Query, __doc__="A French full-text query with the site's filters.",
    q=(str, Field("", max_length=500, description="Mots cherchés (syntaxe : « expression », -exclu, début*, OU).")),
    **_filters(NAMES), updated_since=_SINCE,
    limit=(int, Field(20, ge=1, le=MAX_LIMIT, description="Nombre de résultats par page (1 à 100).")),
    offset=(int, Field(0, ge=0, le=MAX_SEARCH_OFFSET, description="Nombre de résultats à sauter (10 000 au plus).")),
)




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
                message = f"{kinds.kind(kind).unknown} : « {_show(value)} » (paramètre « {flt.name} »)."
                raise ApiError(400, "bad_parameter", message, parameter=flt.name)
