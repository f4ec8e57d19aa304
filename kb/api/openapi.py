"""The OpenAPI 3.1 document of the API, generated from the models that validate requests and serialise answers."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from kb.content.fields import ID_PATTERN
from kb.content.urls import API_PREFIX
from kb.pages.shapes import ErrorBody

REF = "#/components/schemas/{model}"
BASE_PATH = API_PREFIX
VERSION = "1.0.0"


@dataclass(frozen=True)
class Operation:
    """One GET endpoint as the document describes it (``path`` is relative to /api/v1, e.g. ``/proposals/{id}``)."""

    path: str
    endpoint: str
    summary: str
    tag: str
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    media: str = "application/json"
    detail: bool = False
    description: str = ""


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _json_content(model: type[BaseModel]) -> dict[str, Any]:
    return {"application/json": {"schema": _ref(model)}}


def _non_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent or has a value: drop the ``null`` arm pydantic adds for optional fields."""
    arms = schema.get("anyOf")
    if arms:
        kept = [a for a in arms if a.get("type") != "null"]
        if len(kept) == 1:
            rest = {k: v for k, v in schema.items() if k != "anyOf"}
            return {**kept[0], **rest}
    return schema


def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """OpenAPI query parameters from a query model's fields (lists repeat the parameter: ``?status=a&status=b``)."""
    schema = model.model_json_schema(ref_template=REF, mode="validation")
    required = set(schema.get("required", []))
    params = []
    for name, prop in schema["properties"].items():
        prop = _non_null({k: v for k, v in prop.items() if k != "title"})
        description = prop.pop("description", "")
        if "default" in prop and prop["default"] is None:
            del prop["default"]
        param: dict[str, Any] = {"name": name, "in": "query", "required": name in required, "description": description, "schema": prop}
        if prop.get("type") == "array":
            param.update(style="form", explode=True)
        params.append(param)
    return params


ID_PARAM = {
    "name": "id",
    "in": "path",
    "required": True,
    "description": "Identifiant de la fiche (un ancien identifiant redirige vers l'actuel).",
    "schema": {"type": "string", "pattern": ID_PATTERN},
}
CONDITIONAL_HEADERS = [
    {
        "name": "If-None-Match",
        "in": "header",
        "required": False,
        "description": "ETag d'une réponse précédente.",
        "schema": {"type": "string"},
    },
    {
        "name": "If-Modified-Since",
        "in": "header",
        "required": False,
        "description": "Date HTTP d'une réponse précédente.",
        "schema": {"type": "string"},
    },
]
CACHE_HEADERS = {
    "ETag": {"description": "Version de la réponse (change à chaque construction).", "schema": {"type": "string"}},
    "Last-Modified": {"description": "Date de la construction servie.", "schema": {"type": "string"}},
    "Access-Control-Allow-Origin": {"description": "Toujours « * » : lecture permise depuis tout site.", "schema": {"type": "string"}},
}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": _json_content(ErrorBody)}


def _responses(op: Operation) -> dict[str, Any]:
    if op.media == "application/json" and op.response is not None:
        content = _json_content(op.response)
    else:
        content = {op.media: {"schema": {"type": "string"}}}
    responses: dict[str, Any] = {
        "200": {"description": "Réponse.", "headers": CACHE_HEADERS, "content": content},
        "304": {"description": "Non modifié depuis la version indiquée par If-None-Match ou If-Modified-Since."},
    }
    if op.query is not None:
        responses["400"] = _error("Paramètre invalide (le champ « parameter » le nomme).")
    if op.detail:
        responses["301"] = {
            "description": "Ancien identifiant : redirection permanente vers la fiche actuelle.",
            "headers": {"Location": {"description": "Adresse de la fiche actuelle.", "schema": {"type": "string"}}},
        }
        responses["404"] = _error("Aucune fiche sous cet identifiant.")
    responses["414"] = _error("Adresse trop longue (4 096 octets au plus).")
    responses["503"] = _error("Aucune construction en service (lancez « kb build »).")
    return dict(sorted(responses.items()))


def document(operations: list[Operation]) -> dict[str, Any]:
    """The whole OpenAPI 3.1 document for these operations."""
    models = {op.response for op in operations if op.response is not None} | {ErrorBody}
    # Validation mode: the record shapes' serializer only puts id, type and url first, but pydantic cannot see through
    # it and, in serialization mode, described every record as « {} ». The fields read are the fields written.
    _, defs = models_json_schema([(mdl, "validation") for mdl in sorted(models, key=lambda c: c.__name__)], ref_template=REF)
    paths: dict[str, Any] = {}
    for op in operations:
        params = ([ID_PARAM] if op.detail else []) + (query_parameters(op.query) if op.query else []) + CONDITIONAL_HEADERS
        paths.setdefault(op.path, {})["get"] = {
            "operationId": op.endpoint,
            "summary": op.summary,
            "description": op.description or op.summary,
            "tags": [op.tag],
            "parameters": copy.deepcopy(params),
            "responses": copy.deepcopy(_responses(op)),
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "API de la base des livres blancs",
            "version": VERSION,
            "description": (
                "API en lecture seule : propositions des livres blancs, actions régionales, documents, axes, filières, "
                "régions, recherche et exports. Les clés sont en anglais ; des clés peuvent s'ajouter, aucune n'est renommée."
            ),
        },
        "servers": [{"url": BASE_PATH}],
        "paths": paths,
        "components": {"schemas": defs.get("$defs", {})},
    }
